//! The site's first paint: every page drawn at build time, so a reader sees the title, the picture
//! at step 0, the narration and the goals before the 2.6 MB of wasm arrive (and without JavaScript
//! at all).
//!
//! Trunk builds the wasm and an `index.html` that loads it; this program (run by Trunk.toml's
//! post-build hook on Trunk's staging folder, or by hand: `prerender DIR`) then draws the same yew
//! components the browser runs, natively with yew's server renderer, and writes:
//! - `index.html` (the learning path) and one `<slug>.html` per page of the path, so a static host
//!   serves each page's own first paint (`?page=<slug>` keeps working: it is read by the app),
//!   and `pitfalls.html`, the common pitfalls' index;
//! - in each page, its embed layout in a `<template>` that a small inline script swaps in when the
//!   address has `embed`, so an iframe paints the compact layout at once;
//! - Trunk's loader replaced by one that starts the wasm at once, except for a lite embed
//!   (`&embed&lite`), which shows the prerendered picture and a start button and downloads no wasm
//!   until that button is pressed.
//! - a Content-Security-Policy in every page's `<meta http-equiv>`, and the same policy in
//!   `_headers` (the file Netlify and Cloudflare Pages read) for hosts that send headers: only this
//!   origin, `'wasm-unsafe-eval'` (compiling the wasm), inline scripts and styles by their SHA-256
//!   only (see [`policy`]); the loader checks the module and the wasm against Trunk's
//!   Subresource Integrity hashes (SHA-384) before running them;
//! - `pages.json`: the learning path from the catalogue (`catalogue::pages_json`: each page's slug,
//!   title, readiness, scenarios and examples), from which the browser tests take their pages.
//!
//! What we simplify: the prerendered moment is step 0 of the page's first scenario whatever the
//! query asks for (a link to step 18 shows step 0 until the wasm has loaded, then step 18); and the
//! app replaces the markup rather than hydrating it (same components, so one source of truth, and
//! no hydration mismatch to go wrong when the query names another moment).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sha2::{Digest, Sha256};

use dockyard::scenario::catalogue::{self, PAGES};
use dockyard::ui::app::{App, AppProps, Prerender};
use dockyard::ui::{PRERENDER_EMBED_ID, PRERENDER_ID};

fn main() -> ExitCode {
    let dir = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        // Trunk's hooks pass the folder they build in through the environment.
        None => match std::env::var_os("TRUNK_STAGING_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => {
                eprintln!("usage: prerender DIR (a site built by trunk, with its index.html)");
                return ExitCode::from(2);
            }
        },
    };
    match run(&dir) {
        Ok(written) => {
            println!(
                "prerender: wrote {written} pages into {}",
                dir.to_string_lossy()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("prerender: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: &Path) -> Result<usize, String> {
    let index = dir.join("index.html");
    let trunk_html = std::fs::read_to_string(&index)
        .map_err(|e| format!("cannot read {}: {e}", index.to_string_lossy()))?;
    let shell = Shell::from_trunk(&trunk_html)?;
    // Every page is drawn first, then written with the one policy that allows all their inline
    // scripts and styles (a host's `_headers` applies one policy to every file).
    let mut pages: Vec<(PathBuf, String)> = Vec::new();
    let home = shell.page(
        "Dockyard — learn Docker for production",
        &draw("", "index.html"),
        None,
        true,
    );
    pages.push((index, home));
    for page in PAGES {
        let file = format!("{}.html", page.slug);
        let full = draw(&format!("page={}", page.slug), &file);
        // Only a ready page has an embed layout; a coming one is the same page in a frame.
        let embed = page
            .ready()
            .then(|| draw(&format!("page={}&embed", page.slug), &file));
        let title = format!("{} · Dockyard", page.title);
        pages.push((
            dir.join(&file),
            shell.page(&title, &full, embed.as_deref(), false),
        ));
    }
    // The common pitfalls' index.
    let file = format!("{}.html", dockyard::scenario::pitfalls::SLUG);
    let full = draw(
        &format!("page={}", dockyard::scenario::pitfalls::SLUG),
        &file,
    );
    pages.push((
        dir.join(&file),
        shell.page("Common pitfalls · Dockyard", &full, None, false),
    ));
    let policy = policy(pages.iter().map(|(_, html)| html.as_str()));
    for (path, html) in &pages {
        write(path, &with_policy(html, &policy)?)?;
    }
    write(&dir.join("_headers"), &headers_file(&policy))?;
    // The learning path for tools (the browser tests read their pages from it).
    write(&dir.join("pages.json"), &catalogue::pages_json())?;
    Ok(pages.len())
}

fn write(path: &Path, html: &str) -> Result<(), String> {
    std::fs::write(path, html).map_err(|e| format!("cannot write {}: {e}", path.to_string_lossy()))
}

/// The app's markup for `search` (a query without `?`) as the file `file`.
fn draw(search: &str, file: &str) -> String {
    let props = AppProps {
        prerender: Some(Prerender {
            search: search.to_string(),
            file: file.to_string(),
        }),
    };
    // yew's server renderer runs on the current thread (components are not Send).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime needs no OS resources beyond this thread");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        yew::LocalServerRenderer::<App>::with_props(props)
            .hydratable(false)
            .render()
            .await
    })
}

/// Trunk's `index.html`, split where each page's own parts go.
struct Shell {
    /// Up to `<title>`.
    head_start: String,
    /// From `</title>` to `</head>`, without Trunk's preload links (a lite embed must not fetch
    /// the wasm).
    head_rest: String,
    /// From `</head>` to `</body>`, without Trunk's loader.
    body_start: String,
    /// The module and wasm the loader starts (relative URLs, as Trunk wrote them), each with the
    /// Subresource Integrity value Trunk gave its preload (`sha384-…`).
    js_url: String,
    wasm_url: String,
    js_integrity: String,
    wasm_integrity: String,
}

impl Shell {
    fn from_trunk(html: &str) -> Result<Shell, String> {
        // Trunk's loader is a module script (in the head or the body, depending on its version):
        // read the two URLs from it, then take it out; our own loader goes at the end of the body.
        let script_at = html
            .find("<script type=\"module\"")
            .ok_or("trunk's index.html has no loader <script type=\"module\">")?;
        let script_end = html[script_at..]
            .find("</script>")
            .map(|i| script_at + i + "</script>".len())
            .ok_or("trunk's loader script is not closed")?;
        let script = &html[script_at..script_end];
        let js_url = quoted_after(script, "from ").ok_or("trunk's loader imports no module")?;
        let wasm_url =
            quoted_after(script, "module_or_path:").ok_or("trunk's loader names no wasm")?;
        let html = format!("{}{}", &html[..script_at], &html[script_end..]);
        let integrity = |url: &str| {
            integrity_of(&html, url).ok_or(format!(
                "trunk's index.html has no integrity for {url} (Trunk writes one unless \
                 data-integrity=\"none\")"
            ))
        };
        let js_integrity = integrity(&js_url)?;
        let wasm_integrity = integrity(&wasm_url)?;
        let find = |tag: &str| {
            html.find(tag)
                .ok_or(format!("trunk's index.html has no {tag}"))
        };
        let title_at = find("<title>")?;
        let title_end = title_at + html[title_at..].find("</title>").ok_or("no </title>")? + 8;
        let head_end = find("</head>")?;
        let body_end = find("</body>")?;
        if !(title_end <= head_end && head_end < body_end) {
            return Err("trunk's index.html is not <head><title/></head><body/>".into());
        }
        let head_rest = drop_tags(
            &html[title_end..head_end],
            &["<link rel=\"modulepreload\"", "<link rel=\"preload\""],
        );
        Ok(Shell {
            head_start: html[..title_at].to_string(),
            head_rest,
            body_start: html[head_end..body_end].to_string(),
            js_url,
            wasm_url,
            js_integrity,
            wasm_integrity,
        })
    }

    /// One page: its title, the app's markup, its embed layout (if any) and the loader.
    /// `index.html` (`is_home`) also sends an old-style `?page=<slug>` link to that page's own file,
    /// whose first paint is that page (an embed in a note keeps its address working).
    fn page(&self, title: &str, markup: &str, embed: Option<&str>, is_home: bool) -> String {
        let mut out = String::with_capacity(markup.len() * 2 + 4096);
        out.push_str(&self.head_start);
        out.push_str(&format!("<title>{}</title>", escape(title)));
        out.push_str(&self.head_rest);
        out.push_str(&self.body_start);
        out.push_str(&format!("<div id=\"{PRERENDER_ID}\">{markup}</div>\n"));
        if let Some(embed) = embed {
            out.push_str(&format!(
                "<template id=\"{PRERENDER_EMBED_ID}\">{embed}</template>\n"
            ));
        }
        out.push_str("<script>");
        if is_home {
            out.push_str(&redirect_to_page_files());
        }
        out.push_str(&self.loader());
        out.push_str("</script>\n</body>\n</html>\n");
        out
    }

    /// The inline loader. Classic script at the end of the body, so it runs before the first paint:
    /// it swaps in the embed layout, then starts the wasm (or, for a lite embed, waits for a click).
    fn loader(&self) -> String {
        format!(
            r#"(function () {{
  if (window.dockyardLeaving) return;
  var q = new URLSearchParams(location.search);
  var flag = function (k) {{ return q.has(k) && !/^(0|false|no)$/.test(q.get(k)); }};
  var embed = flag("embed"), lite = embed && flag("lite");
  var pre = document.getElementById("{PRERENDER_ID}"), tpl = document.getElementById("{PRERENDER_EMBED_ID}");
  if (embed && pre && tpl) pre.replaceChildren(tpl.content.cloneNode(true));
  var note = function (text) {{
    var n = document.querySelector("[data-testid=loading] .loading-live");
    if (n) n.textContent = text;
  }};
  var start = function () {{
    document.documentElement.setAttribute("data-loading", "");
    var failed = function (e) {{ note("The simulation could not load (" + e + "). Reload the page to try again."); }};
    // Subresource Integrity: the wasm's fetch and the module's preload carry Trunk's SHA-384, so a
    // file changed after the build is refused rather than run. import() takes no integrity, so the
    // module is preloaded with it first and imported from the module map once it has passed.
    var wasm = fetch("{wasm}", {{ integrity: "{wasm_sri}" }});
    var run = function () {{
      import("{js}").then(function (m) {{ return m.default({{ module_or_path: wasm }}); }}).catch(failed);
    }};
    var pre = document.createElement("link");
    if (!(pre.relList && pre.relList.supports && pre.relList.supports("modulepreload"))) return run();
    pre.rel = "modulepreload";
    pre.integrity = "{js_sri}";
    pre.href = "{js}";
    pre.onload = run;
    pre.onerror = function () {{ failed("{js} could not be fetched or failed its integrity check"); }};
    document.head.appendChild(pre);
  }};
  if (!lite) return start();
  document.documentElement.setAttribute("data-lite", "");
  note("A lite embed: this is the starting picture. Press start to load the interactive simulation.");
  var b = document.querySelector("[data-testid=lite-start]");
  if (!b) return start();
  b.hidden = false;
  b.addEventListener("click", function () {{ b.disabled = true; b.textContent = "Loading…"; start(); }}, {{ once: true }});
}})();"#,
            wasm = self.wasm_url,
            js = self.js_url,
            wasm_sri = self.wasm_integrity,
            js_sri = self.js_integrity,
        )
    }
}

/// The start of index.html's inline script: `index.html?page=swarm-basics&step=3` (the links the
/// site wrote before it had one file per page) becomes `swarm-basics.html?page=swarm-basics&step=3`
/// before anything loads, so the first paint is that page and not the learning path.
fn redirect_to_page_files() -> String {
    let slugs: Vec<String> = PAGES.iter().map(|p| format!("\"{}\"", p.slug)).collect();
    format!(
        r#"(function () {{
  var page = new URLSearchParams(location.search).get("page");
  if ([{}].indexOf(page) < 0) return;
  window.dockyardLeaving = true;
  location.replace(page + ".html" + location.search + location.hash);
}})();
"#,
        slugs.join(",")
    )
}

/// The Content-Security-Policy of every page: this origin only (scripts, styles, the wasm's fetch,
/// an embed preview's frame), `'wasm-unsafe-eval'` so the browser may compile WebAssembly, the
/// inline `data:` favicon, and inline scripts and styles only by the SHA-256 of their text (the
/// loader, the redirect of old links, `trunk serve`'s reload script when it is there, the
/// `<noscript>` style). No `'unsafe-inline'`, no remote origin, no plugins, no `<base>`, no form
/// posts. No `frame-ancestors`: a page must embed in any note (and a `<meta>` cannot set it).
fn policy<'a>(pages: impl Iterator<Item = &'a str>) -> String {
    let mut scripts = std::collections::BTreeSet::new();
    let mut styles = std::collections::BTreeSet::new();
    for html in pages {
        scripts.extend(inline_bodies(html, "script").map(sha256_source));
        styles.extend(inline_bodies(html, "style").map(sha256_source));
    }
    let join = |set: std::collections::BTreeSet<String>| {
        set.into_iter().map(|h| format!(" {h}")).collect::<String>()
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self'{}; \
         img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'",
        join(scripts),
        join(styles)
    )
}

/// The text of each `<tag>` element without a `src` attribute (an inline script or style).
fn inline_bodies<'a>(html: &'a str, tag: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let at = rest.find(&open)?;
            let after = &rest[at + open.len()..];
            // `<script>` or `<script …>`, not `<scripts` or a longer name.
            if !after.starts_with(['>', ' ', '\n', '\t']) {
                rest = after;
                continue;
            }
            let tag_end = after.find('>')?;
            let body_end = after[tag_end..].find(&close)? + tag_end;
            let attributes = &after[..tag_end];
            let body = &after[tag_end + 1..body_end];
            rest = &after[body_end..];
            if !attributes.contains("src=") {
                return Some(body);
            }
        }
    })
}

/// `'sha256-…'`, a CSP source that allows exactly this inline text.
fn sha256_source(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

/// Standard base64 with padding (RFC 4648 §4), as CSP hashes are written.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `html` with the policy as its first `<meta>` after the charset, so it covers every script.
fn with_policy(html: &str, policy: &str) -> Result<String, String> {
    let at = html
        .find("<meta charset")
        .ok_or("the page has no <meta charset> to put the policy after")?;
    let end = at + html[at..].find('>').ok_or("unclosed <meta charset")? + 1;
    Ok(format!(
        "{}\n    <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\" />{}",
        &html[..end],
        &html[end..]
    ))
}

/// `_headers` for static hosts that read it (Netlify, Cloudflare Pages): the same policy as a
/// header for every file (a header and a `<meta>` policy both apply; they are equal), and no
/// content-type sniffing.
fn headers_file(policy: &str) -> String {
    format!(
        "# Written by the prerender step (src/bin/prerender.rs): the pages' own <meta> policy, as a header.\n\
         /*\n  Content-Security-Policy: {policy}\n  X-Content-Type-Options: nosniff\n"
    )
}

/// The `integrity` of the `<link>` whose `href` is `url`.
fn integrity_of(html: &str, url: &str) -> Option<String> {
    let href = format!("href=\"{url}\"");
    html.match_indices("<link")
        .map(|(at, _)| &html[at..at + html[at..].find('>').unwrap_or(html.len() - at)])
        .find(|tag| tag.contains(&href))
        .and_then(|tag| quoted_after(tag, "integrity="))
}

/// The first '…' or "…" string after `marker` in `text`.
fn quoted_after(text: &str, marker: &str) -> Option<String> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let open = rest.find(['\'', '"'])?;
    let quote = rest[open..].chars().next()?;
    let body = &rest[open + 1..];
    let close = body.find(quote)?;
    Some(body[..close].to_string())
}

/// `html` without the tags (up to their `>`) that start with any of `prefixes`.
fn drop_tags(html: &str, prefixes: &[&str]) -> String {
    let mut out = html.to_string();
    for prefix in prefixes {
        while let Some(at) = out.find(prefix) {
            let end = out[at..].find('>').map(|i| at + i + 1).unwrap_or(out.len());
            out.replace_range(at..end, "");
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUNK: &str = r#"<!DOCTYPE html><html lang="en"><head>
<meta charset="utf-8">
<title>Dockyard</title>
<link rel="stylesheet" href="./style-1.css" integrity="sha384-x"/>
<link rel="modulepreload" href="./dockyard-9.js" crossorigin="anonymous" integrity="sha384-y"><link rel="preload" href="./dockyard-9_bg.wasm" crossorigin="anonymous" integrity="sha384-z" as="fetch" type="application/wasm"></head>
<body>
<noscript>x</noscript>
<script type="module">
import init, * as bindings from './dockyard-9.js';
const wasm = await init({ module_or_path: './dockyard-9_bg.wasm' });
window.wasmBindings = bindings;
</script></body></html>"#;

    #[test]
    fn trunks_page_is_split_and_its_preloads_dropped() {
        let shell = Shell::from_trunk(TRUNK).expect("trunk's page parses");
        assert_eq!(shell.js_url, "./dockyard-9.js");
        assert_eq!(shell.wasm_url, "./dockyard-9_bg.wasm");
        let page = shell.page("A & B", "<main>hi</main>", Some("<div>embed</div>"), false);
        assert!(!page.contains("location.replace"));
        let home = shell.page("Home", "<main>hi</main>", None, true);
        assert!(home.contains("\"swarm-basics\""), "{home}");
        assert!(home.contains("location.replace"));
        assert!(page.contains("<title>A &amp; B</title>"));
        assert!(page.contains("style-1.css"));
        // No preload tag (a lite embed fetches nothing); the loader adds the module's when it starts.
        assert!(!page.contains("<link rel=\"preload\""), "{page}");
        assert!(!page.contains("<link rel=\"modulepreload\""), "{page}");
        assert!(!page.contains("<script type=\"module\">"));
        assert!(page.contains("<div id=\"prerender\"><main>hi</main></div>"));
        assert!(page.contains("<template id=\"prerender-embed\"><div>embed</div></template>"));
        assert!(page.contains("import(\"./dockyard-9.js\")"));
        // Subresource Integrity: Trunk's hashes travel to the wasm's fetch and the module's preload.
        assert_eq!(shell.js_integrity, "sha384-y");
        assert_eq!(shell.wasm_integrity, "sha384-z");
        assert!(page.contains("fetch(\"./dockyard-9_bg.wasm\", { integrity: \"sha384-z\" })"));
        assert!(page.contains("pre.integrity = \"sha384-y\""), "{page}");
        assert!(page.contains("<noscript>x</noscript>"));
        assert!(page.trim_end().ends_with("</html>"));
    }

    #[test]
    fn a_loader_without_integrity_is_an_error() {
        let without = TRUNK.replace(" integrity=\"sha384-z\"", "");
        let e = Shell::from_trunk(&without)
            .err()
            .expect("no integrity for the wasm");
        assert!(e.contains("dockyard-9_bg.wasm"), "{e}");
    }

    #[test]
    fn base64_and_csp_hashes_are_the_standard_ones() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        // The empty script's hash, as browsers print it in a CSP violation report.
        assert_eq!(
            sha256_source(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn the_policy_allows_inline_code_only_by_hash_and_sits_first_in_the_head() {
        let html = "<html><head><meta charset=\"utf-8\" /><noscript><style>a{}</style></noscript>\
                    <script src=\"./x.js\"></script></head><body><script>go()</script>\
                    <scripts>not a script</scripts></body></html>";
        let policy = policy([html, html].into_iter());
        assert_eq!(
            policy,
            format!(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self' {}; \
                 img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'",
                sha256_source("go()"),
                sha256_source("a{}")
            )
        );
        assert!(!policy.contains("unsafe-inline"));
        let page = with_policy(html, &policy).unwrap();
        let meta = page.find("http-equiv=\"Content-Security-Policy\"").unwrap();
        assert!(meta < page.find("<script").unwrap());
        assert!(page.find("<meta charset").unwrap() < meta);
        assert!(headers_file(&policy).contains(&format!("  Content-Security-Policy: {policy}\n")));
        assert!(with_policy("<html></html>", &policy).is_err());
    }

    /// Every inline script the built pages carry is allowed by the policy, and nothing else.
    #[test]
    fn the_built_pages_scripts_are_all_in_the_policy() {
        let shell = Shell::from_trunk(TRUNK).unwrap();
        let home = shell.page("Home", "<main>hi</main>", None, true);
        let page = shell.page("A", "<main>a</main>", None, false);
        let policy = policy([home.as_str(), page.as_str()].into_iter());
        for html in [&home, &page] {
            let bodies: Vec<&str> = inline_bodies(html, "script").collect();
            assert_eq!(bodies.len(), 1, "one inline script per page");
            assert!(policy.contains(&sha256_source(bodies[0])));
        }
        assert_eq!(policy.matches("'sha256-").count(), 2, "{policy}");
    }

    #[test]
    fn a_page_without_a_loader_is_an_error() {
        assert!(
            Shell::from_trunk("<html><head><title>x</title></head><body></body></html>").is_err()
        );
    }

    #[test]
    fn every_ready_page_draws_its_title_picture_and_stepper() {
        for page in PAGES.iter().filter(|p| p.ready()) {
            let file = format!("{}.html", page.slug);
            let html = draw(&format!("page={}", page.slug), &file);
            assert!(html.contains(page.title), "{}: no title", page.slug);
            assert!(
                html.contains("data-testid=\"picture\""),
                "{}: no picture",
                page.slug
            );
            assert!(html.contains("data-testid=\"step-label\""), "{}", page.slug);
            assert!(html.contains("data-testid=\"loading\""), "{}", page.slug);
            let embed = draw(&format!("page={}&embed", page.slug), &file);
            assert!(
                embed.contains("embed-layout"),
                "{}: no embed layout",
                page.slug
            );
            assert!(
                embed.contains("data-testid=\"lite-start\""),
                "{}",
                page.slug
            );
        }
        // The end of a page leads on along the path (the next READY page, skipping coming ones).
        let lifecycle = draw("page=containers-lifecycle", "containers-lifecycle.html");
        assert!(
            lifecycle.contains("href=\"images-layers.html\""),
            "no next lesson"
        );
        assert!(
            lifecycle.contains("href=\"why-containers.html\""),
            "no previous lesson"
        );
        let overlay = draw("page=swarm-overlay-networks", "swarm-overlay-networks.html");
        assert!(overlay.contains("href=\"swarm-deployment-strategies.html\""));
        let home = draw("", "index.html");
        assert!(home.contains("data-testid=\"home\""));
        assert!(home.contains("href=\"containers-lifecycle.html\""));
    }

    /// The home page draws the path's phases with their hours and checkpoints, and no progress:
    /// the build has no storage, so no count of done scenarios is in its markup (the app reads
    /// them after it has mounted).
    #[test]
    fn the_home_page_draws_the_phases_and_no_progress() {
        use dockyard::scenario::phases::PHASES;
        let home = draw("", "index.html");
        for phase in PHASES {
            assert!(home.contains(phase.title), "phase {}", phase.number);
            assert!(home.contains(phase.checkpoint), "phase {}", phase.number);
            assert!(home.contains(&format!(">{} h<", phase.hours)), "{home}");
        }
        assert!(home.contains("68 h in all"));
        assert_eq!(home.matches("data-testid=\"phase\"").count(), 4);
        assert!(home.contains("data-state=\"loading\""));
        assert!(
            !home.contains("data-done="),
            "progress in the prerendered page"
        );
        assert!(!home.contains("data-status=\"passed\""));
        assert!(!home.contains("progress-reset"));
        assert_eq!(
            home.matches("data-testid=\"path-item\"").count(),
            PAGES.len()
        );
    }
}
