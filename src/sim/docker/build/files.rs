//! The files a built image carries: what COPY put where, and what the RUN steps the simulation
//! knows leave behind.
//!
//! Real BuildKit: each step's layer is a filesystem diff, and the image is its base's files plus
//! every layer. `COPY SRC DEST` copies a file to DEST (or into it when DEST ends with `/`, when
//! there are several sources or a wildcard), and a folder's *content* into DEST; a relative DEST
//! is relative to WORKDIR. `COPY --from=STAGE /abs/path DEST` does the same from another stage's
//! filesystem. `npm ci` writes `node_modules/` next to package.json; `npm run build` runs the
//! `build` script of package.json, which for a Vite app (`vite build`) bundles `index.html` and
//! `src/` into `dist/` (`dist/index.html` loading `dist/assets/index-HASH.js`).
//!
//! What we model: the files COPY copies, with their content (text) or size (a folder summarised
//! as `node_modules/` is one blob); `node_modules` after an npm install (one blob of the layer's
//! size); a Vite build's `dist/` (the page rewritten as Vite writes it, the bundle as a blob of
//! a plausible size, named by a hash of the sources) and Vite's summary lines. A container reads
//! these files through its filesystem view (src/sim/docker/containerfs/mod.rs): nginx serves the
//! built page (src/sim/docker/apps.rs), the shop's API is recognised by its code
//! (src/sim/docker/shop.rs).
//! What we simplify: no file modes or owners (`--chown`, `--chmod`), no deletions in a later
//! layer, ADD does not unpack archives, and other RUN commands change no file the simulation
//! reads.

use crate::sim::docker::containerfs::model::{Files, Node};
use crate::sim::hostfs;
use crate::sim::ids::content_digest;

/// Puts `node` at the absolute path `abs` of an image's files, with the folders above it.
pub fn place(files: &mut Files, abs: &str, node: Node) {
    let rel = hostfs::normalise("/", abs)
        .trim_start_matches('/')
        .to_string();
    if rel.is_empty() {
        return;
    }
    let mut parent = rel.as_str();
    while let Some(i) = parent.rfind('/') {
        parent = &parent[..i];
        if !matches!(files.get(parent), Some(Node::Dir)) {
            files.insert(parent.to_string(), Node::Dir);
        }
    }
    // A file replacing a folder takes the folder's content with it.
    if !matches!(node, Node::Dir) {
        let prefix = format!("{rel}/");
        files.retain(|p, _| !p.starts_with(&prefix));
    }
    files.insert(rel, node);
}

/// Where one copied file lands: `rest` is its path below the source folder (`None` when the
/// source names the file itself, so DEST decides its name).
pub fn destination(dest_abs: &str, dest_is_dir: bool, rel: &str, rest: Option<&str>) -> String {
    let join = |name: &str| {
        if dest_abs == "/" {
            format!("/{name}")
        } else {
            format!("{dest_abs}/{name}")
        }
    };
    match rest {
        Some(rest) => join(rest),
        None if dest_is_dir => join(rel.rsplit('/').next().unwrap_or(rel)),
        None => dest_abs.to_string(),
    }
}

/// `COPY --from=STAGE SRC…`: the stage's files each source names, with their path below it.
pub fn from_stage(stage: &Files, sources: &[String]) -> Vec<(String, Node, Option<String>)> {
    let mut out = Vec::new();
    for src in sources {
        let s = hostfs::normalise("/", src)
            .trim_start_matches('/')
            .to_string();
        if s.is_empty() {
            out.extend(
                stage
                    .iter()
                    .map(|(p, n)| (p.clone(), n.clone(), Some(p.clone()))),
            );
            continue;
        }
        match stage.get(&s) {
            Some(Node::Dir) | None => {
                let prefix = format!("{s}/");
                out.extend(stage.iter().filter_map(|(p, n)| {
                    p.strip_prefix(&prefix)
                        .map(|rest| (p.clone(), n.clone(), Some(rest.to_string())))
                }));
            }
            Some(node) => out.push((s.clone(), node.clone(), None)),
        }
    }
    out
}

/// A file of a stage, by absolute path.
fn read<'a>(files: &'a Files, abs: &str) -> Option<&'a str> {
    match files.get(hostfs::normalise("/", abs).trim_start_matches('/')) {
        Some(Node::File { content }) => Some(content),
        _ => None,
    }
}

/// Vite's bundle: a name derived from the sources, like Rollup's 8-character content hash.
fn bundle_name(sources: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let digest = content_digest(sources);
    let hash: String = digest
        .as_bytes()
        .chunks(2)
        .take(8)
        .map(|pair| {
            let v = u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("00"), 16).unwrap_or(0);
            ALPHABET[usize::from(v) % ALPHABET.len()] as char
        })
        .collect();
    format!("index-{hash}.js")
}

/// The page as `vite build` writes it: the module script of `src/` replaced by the bundle,
/// moved into the head with `crossorigin`.
fn built_page(source: &str, bundle: &str) -> String {
    let mut out = String::new();
    for line in source.lines() {
        let t = line.trim();
        if t.starts_with("<script type=\"module\" src=\"/src/") {
            continue;
        }
        if t == "</head>" {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(&format!(
                "{indent}  <script type=\"module\" crossorigin src=\"/assets/{bundle}\"></script>\n"
            ));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `1234` → `1.23 kB`, as Vite prints sizes.
fn kb(bytes: u64) -> String {
    format!("{}.{:02} kB", bytes / 1000, (bytes % 1000) / 10)
}

/// What a build step printed, and the files it wrote (absolute path, content).
pub type Built = (Vec<String>, Vec<(String, Node)>);

/// What `npm run build` does in `workdir` when package.json's build script is `vite build` and
/// the app's `index.html` is there: the lines Vite prints, and the files of `dist/`. `None`
/// for any other project (the build model's generic estimate applies).
pub fn vite_build(files: &Files, workdir: &str) -> Option<Built> {
    let at = |name: &str| format!("{}/{name}", workdir.trim_end_matches('/'));
    let package: serde_json::Value =
        serde_json::from_str(read(files, &at("package.json"))?).ok()?;
    let script = package["scripts"]["build"].as_str()?;
    if !script.starts_with("vite build") {
        return None;
    }
    let page = read(files, &at("index.html"))?;
    let src_prefix = at("src/").trim_start_matches('/').to_string();
    let sources: Vec<(&String, &Node)> = files
        .iter()
        .filter(|(p, n)| p.starts_with(&src_prefix) && !matches!(n, Node::Dir))
        .collect();
    let text: String = sources
        .iter()
        .map(|(p, n)| match n {
            Node::File { content } => format!("{p}\n{content}\n"),
            other => format!("{p}\n{}\n", other.size_bytes()),
        })
        .collect();
    let bundle = bundle_name(&text);
    let html = built_page(page, &bundle);
    // React and ReactDOM minified, plus the app's own code.
    let js_bytes = 142_400 + sources.iter().map(|(_, n)| n.size_bytes()).sum::<u64>() / 2;
    let version = package["devDependencies"]["vite"]
        .as_str()
        .or_else(|| package["dependencies"]["vite"].as_str())
        .unwrap_or("5.4.11")
        .trim_start_matches(['^', '~']);
    let name = package["name"].as_str().unwrap_or("app");
    let pkg_version = package["version"].as_str().unwrap_or("0.0.0");
    let html_name = "dist/index.html";
    let js_name = format!("dist/assets/{bundle}");
    let width = js_name.len().max(html_name.len()) + 2;
    let lines = vec![
        format!("> {name}@{pkg_version} build"),
        format!("> {script}"),
        String::new(),
        format!("vite v{version} building for production..."),
        "transforming...".to_string(),
        format!("✓ {} modules transformed.", 32 + sources.len()),
        "rendering chunks...".to_string(),
        "computing gzip size...".to_string(),
        format!(
            "{html_name:<width$}{:>9} │ gzip:{:>9}",
            kb(html.len() as u64),
            kb(html.len() as u64 * 2 / 3)
        ),
        format!(
            "{js_name:<width$}{:>9} │ gzip:{:>9}",
            kb(js_bytes),
            kb(js_bytes * 32 / 100)
        ),
        "✓ built in 1.21s".to_string(),
    ];
    let out = vec![
        (at("dist/index.html"), Node::File { content: html }),
        (
            at(&format!("dist/assets/{bundle}")),
            Node::Blob {
                size_bytes: js_bytes,
            },
        ),
    ];
    Some((lines, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(content: &str) -> Node {
        Node::File {
            content: content.to_string(),
        }
    }

    #[test]
    fn placing_a_file_makes_its_folders() {
        let mut files = Files::new();
        place(&mut files, "/usr/share/nginx/html/index.html", text("hi"));
        assert_eq!(files.get("usr/share/nginx"), Some(&Node::Dir));
        assert_eq!(
            files.get("usr/share/nginx/html/index.html"),
            Some(&text("hi"))
        );
    }

    #[test]
    fn copy_destinations_follow_dockers_rules() {
        assert_eq!(
            destination("/app", true, "package.json", None),
            "/app/package.json"
        );
        assert_eq!(
            destination("/app/x.json", false, "a.json", None),
            "/app/x.json"
        );
        assert_eq!(
            destination("/usr/share/nginx/html", false, "app/dist/a", Some("a")),
            "/usr/share/nginx/html/a"
        );
        let mut stage = Files::new();
        place(&mut stage, "/app/dist/index.html", text("page"));
        place(&mut stage, "/app/server.js", text("js"));
        let copied = from_stage(&stage, &["/app/dist".to_string()]);
        assert_eq!(
            copied,
            vec![(
                "app/dist/index.html".to_string(),
                text("page"),
                Some("index.html".to_string())
            )]
        );
        let one = from_stage(&stage, &["/app/server.js".to_string()]);
        assert_eq!(one[0].2, None);
    }

    #[test]
    fn vite_builds_the_page_into_dist() {
        let mut files = Files::new();
        place(
            &mut files,
            "/app/package.json",
            text(
                "{\"name\":\"shop-web\",\"version\":\"1.0.0\",\"scripts\":{\"build\":\"vite build\"},\"devDependencies\":{\"vite\":\"^5.4.11\"}}",
            ),
        );
        place(
            &mut files,
            "/app/index.html",
            text(
                "<html>\n  <head>\n    <title>Shop</title>\n  </head>\n  <body>\n    <script type=\"module\" src=\"/src/main.jsx\"></script>\n  </body>\n</html>\n",
            ),
        );
        place(&mut files, "/app/src/main.jsx", text("render()"));
        let (lines, out) = vite_build(&files, "/app").unwrap();
        assert_eq!(lines[0], "> shop-web@1.0.0 build");
        assert_eq!(lines[3], "vite v5.4.11 building for production...");
        let Node::File { content } = &out[0].1 else {
            panic!()
        };
        assert!(content.contains("<title>Shop</title>"));
        assert!(!content.contains("/src/main.jsx"));
        assert!(content.contains("<script type=\"module\" crossorigin src=\"/assets/index-"));
        assert!(out[1].0.starts_with("/app/dist/assets/index-"));
        // Another build script is not Vite's.
        place(
            &mut files,
            "/app/package.json",
            text("{\"scripts\":{\"build\":\"tsc\"}}"),
        );
        assert!(vite_build(&files, "/app").is_none());
    }
}
