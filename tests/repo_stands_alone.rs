//! The repository stands alone: nothing in it cites a document it does not contain.
//!
//! Every file under src/, tests/, scripts/ and docs/, and README.md, is read as text, and:
//! - a relative path (`../…`) must not climb out of the repository;
//! - a Markdown file named anywhere must exist at that path, read from the repository's root
//!   (`docs/FIDELITY.md`) or from the citing file's folder, unless it is an upstream document the
//!   text names with its project (the allowlist below says which);
//! - a Markdown link in a `.md` file must point at a file that exists, and an `#anchor` into a
//!   document of the repository at one of its headings;
//! - a section cited the way the code points into the docs, a document of docs/ then a quoted
//!   heading (`docs/FIDELITY.md, "Orders of magnitude"`), must be a heading of that document.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// Markdown files of other projects that the code and docs cite by their upstream path, each
/// next to the project it belongs to. Anything else ending in `.md` must be in this repository.
const UPSTREAM_DOCS: &[(&str, &str)] = &[
    (
        "image_save.md",
        "docker/cli: the reference page of docker image save",
    ),
    (
        "image_load.md",
        "docker/cli: the reference page of docker image load",
    ),
    (
        "container_export.md",
        "docker/cli: the reference page of docker container export",
    ),
    (
        "image_import.md",
        "docker/cli: the reference page of docker image import",
    ),
    (
        "container_commit.md",
        "docker/cli: the reference page of docker container commit",
    ),
    ("spec.md", "compose-spec: the Compose specification"),
    (
        "deploy.md",
        "compose-spec: the Compose Deploy Specification",
    ),
    ("engine/swarm/services.md", "docker/docs"),
    (
        "engine/containers/resource_constraints.md",
        "docker/docs: resource constraints (memory, CPU)",
    ),
    (
        "engine/swarm/admin_guide.md",
        "docker/docs: administer and maintain a swarm (back up, restore)",
    ),
    (
        "engine/swarm/secrets.md",
        "docker/docs: manage sensitive data with Docker secrets",
    ),
    (
        "engine/swarm/how-swarm-mode-works/services.md",
        "docker/docs",
    ),
    ("engine/swarm/networking.md", "docker/docs"),
    ("engine/swarm/ingress.md", "docker/docs"),
    (
        "docs/content/setup/swarm.md",
        "traefik/traefik: the Swarm setup guide (tests/data/traefik)",
    ),
    (
        "user-guides/docker-compose/basic-example/index.md",
        "traefik/traefik: the Compose basic example (tests/data/traefik)",
    ),
    (
        "docs/traefik.md",
        "tiangolo/dockerswarm.rocks (tests/data/traefik)",
    ),
];

/// Names that are data, not citations: file names inside simulated worlds and test fixtures.
const FIXTURE_NAMES: &[(&str, &str)] = &[(
    "NOTES.md",
    "src/sim/docker/build/mod.rs: a file a .dockerignore pattern must match",
)];

/// Folders that are not the project's own text (dependencies, build output, browser artifacts).
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "target",
    "node_modules",
    "dist",
    "tools",
    "artifacts",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    dockyard::sim::order::sort(&mut entries);
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !SKIPPED_DIRS.contains(&name) {
                walk(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

/// The files whose text is checked, relative to the root.
fn checked_files() -> Vec<PathBuf> {
    let root = root();
    let mut files = Vec::new();
    for dir in ["src", "tests", "scripts", "docs"] {
        walk(&root.join(dir), &mut files);
    }
    files.push(root.join("README.md"));
    files
        .into_iter()
        .map(|p| p.strip_prefix(&root).expect("under the root").to_path_buf())
        .collect()
}

/// Every file of the repository, relative to the root.
fn repository() -> BTreeSet<PathBuf> {
    let root = root();
    let mut files = Vec::new();
    walk(&root, &mut files);
    files
        .iter()
        .map(|p| p.strip_prefix(&root).expect("under the root").to_path_buf())
        .collect()
}

/// `a/b/../c` → `a/c`; `None` when the path climbs above where it started.
fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(p) => out.push(p),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

/// Each maximal run of path characters in `text` that satisfies `keep`, with its byte offset.
fn path_tokens(text: &str, keep: impl Fn(&str) -> bool) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (start, is_path_char(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let token = text[s..i].trim_end_matches(['.', '/']);
                if keep(token) {
                    out.push((s, token));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// GitHub's anchor for a heading: lowercase, punctuation dropped, spaces as hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The headings of a Markdown document (outside fenced code).
fn headings(markdown: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced && line.starts_with('#') {
            out.push(line.trim_start_matches('#').trim().to_string());
        }
    }
    out
}

/// The text with comment markers at line starts removed and lines joined, so that a citation
/// wrapped over two comment lines reads as one.
fn flattened(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.trim_start();
            l.strip_prefix("//!")
                .or_else(|| l.strip_prefix("///"))
                .or_else(|| l.strip_prefix("//"))
                .unwrap_or(l)
                .trim()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn nothing_cites_a_document_outside_the_repository() {
    let root = root();
    let paths = repository();
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in checked_files() {
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            continue; // not text (a screenshot)
        };
        checked += 1;
        check_file(&file, &text, &paths, &mut problems);
    }
    assert!(checked > 100, "only {checked} files read: wrong root?");
    assert!(
        problems.is_empty(),
        "citations of what the repository does not contain:\n{}",
        problems.join("\n")
    );
}

/// Every check of this file on one file's text (`file` relative to the root).
fn check_file(file: &Path, text: &str, paths: &BTreeSet<PathBuf>, problems: &mut Vec<String>) {
    let root = root();
    let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
    let at = |offset: usize| format!("{}:{}", file.display(), line_of(text, offset));
    let exists = |path: &Path| normalise(path).is_some_and(|p| paths.contains(&p));

    let forbidden = concat!("..", "/shared");
    if let Some(offset) = text.find(forbidden) {
        problems.push(format!("{}: cites {forbidden}", at(offset)));
    }
    for (offset, token) in path_tokens(text, |t| t.contains("../")) {
        let from = &token[token.find("../").expect("kept for it")..];
        let start = &token[..token.len() - from.len()];
        // `a/b/../c` inside one token is a path of its own; a leading `../` is relative to the
        // file's folder.
        let resolved = if start.is_empty() {
            normalise(&dir.join(from))
        } else {
            normalise(Path::new(token))
        };
        if resolved.is_none() {
            problems.push(format!("{}: `{token}` leaves the repository", at(offset)));
        }
    }
    for (offset, token) in path_tokens(text, |t| t.ends_with(".md")) {
        let token = token.trim_start_matches("./");
        let stem = token.trim_end_matches(".md");
        let named = stem.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !named || text[..offset].ends_with('*') {
            continue; // a pattern (`*.md`) or an expression, not a name
        }
        if UPSTREAM_DOCS.iter().any(|(d, _)| *d == token)
            || FIXTURE_NAMES.iter().any(|(n, _)| *n == token)
        {
            continue;
        }
        // A name is read from the repository's root (`docs/FIDELITY.md`) or from the citing
        // file's folder (a link from one file of docs/ to another).
        if !exists(Path::new(token)) && !exists(&dir.join(token)) {
            problems.push(format!(
                "{}: `{token}` is not in the repository (write its path from the root)",
                at(offset)
            ));
        }
    }
    if file.extension().is_some_and(|e| e == "md") {
        check_links(&root, file, text, paths, problems);
    }
    check_cited_sections(&root, file, text, problems);
}

/// `[text](target)` in a Markdown file: the target exists, and its anchor is a heading.
fn check_links(
    root: &Path,
    file: &Path,
    text: &str,
    paths: &BTreeSet<PathBuf>,
    problems: &mut Vec<String>,
) {
    let dir = file.parent().unwrap_or(Path::new(""));
    let mut rest = text;
    let mut offset = 0;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        let Some(end) = after.find(')') else {
            break;
        };
        let target = &after[..end];
        let here = offset + i;
        offset += i + 2;
        rest = after;
        if target.contains("://") || target.starts_with("mailto:") || target.contains(' ') {
            continue;
        }
        let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
        let doc = if path.is_empty() {
            Some(file.to_path_buf())
        } else {
            normalise(&dir.join(path))
        };
        let where_ = format!("{}:{}", file.display(), line_of(text, here));
        let Some(doc) = doc.filter(|d| paths.contains(d)) else {
            problems.push(format!(
                "{where_}: link to `{target}`, which does not exist"
            ));
            continue;
        };
        if anchor.is_empty() || doc.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let markdown = std::fs::read_to_string(root.join(&doc)).unwrap_or_default();
        if !headings(&markdown).iter().any(|h| slug(h) == anchor) {
            problems.push(format!(
                "{where_}: `#{anchor}` is no heading of {}",
                doc.display()
            ));
        }
    }
}

/// A document of docs/ followed by `, "Section"`: the section is a heading of that document.
fn check_cited_sections(root: &Path, file: &Path, text: &str, problems: &mut Vec<String>) {
    let flat = flattened(text);
    let mut rest = flat.as_str();
    while let Some(i) = rest.find("docs/") {
        let after = &rest[i..];
        rest = &after[5..];
        let Some(md) = after.find(".md, \"") else {
            continue;
        };
        let name = &after[..md + 3];
        if !name[5..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        {
            continue;
        }
        let quoted = &after[md + 6..];
        let Some(close) = quoted.find('"') else {
            continue;
        };
        let section = &quoted[..close];
        let markdown = std::fs::read_to_string(root.join(name)).unwrap_or_default();
        let known = headings(&markdown);
        if !known.iter().any(|h| h.eq_ignore_ascii_case(section)) {
            problems.push(format!(
                "{}: cites section \"{section}\" of {name}, which has no such heading",
                file.display()
            ));
        }
    }
}

#[test]
fn the_checks_catch_what_they_are_for() {
    let climbing = ["src", "sim", "..", "..", "..", "x"].join("/");
    assert_eq!(normalise(Path::new(&climbing)), None);
    assert_eq!(
        normalise(Path::new("src/sim/docker/../../../assets/a.json")),
        Some(PathBuf::from("assets/a.json"))
    );
    assert_eq!(
        path_tokens("see docs/FIDELITY.md, and *.md", |t| t.ends_with(".md")),
        [(4, "docs/FIDELITY.md"), (27, ".md")]
    );
    assert_eq!(
        slug("Swarm: nodes, heartbeats and the CLI"),
        "swarm-nodes-heartbeats-and-the-cli"
    );
    assert_eq!(slug("Build cache (BuildKit)"), "build-cache-buildkit");
    assert_eq!(
        flattened("//! (docs/FIDELITY.md, \"Swarm: nodes,\n//! heartbeats\")"),
        "(docs/FIDELITY.md, \"Swarm: nodes, heartbeats\")"
    );
    // What the repository used to cite, and what it cites now.
    let paths = repository();
    let problems = |file: &str, text: &str| {
        let mut out = Vec::new();
        check_file(Path::new(file), text, &paths, &mut out);
        out
    };
    let bare = concat!("(see FIDELITY", ".md \"orders of magnitude\")");
    assert_eq!(problems("src/sim/docker/image.rs", bare).len(), 1);
    let outside = concat!("see ..", "/shared/FIDELITY", ".md");
    assert_eq!(
        problems("README.md", outside).len(),
        3,
        "{:?}",
        problems("README.md", outside)
    );
    let design = concat!("the tests follow DESIGN", ".md");
    assert_eq!(problems("tests/chaos.rs", design).len(), 1);
    let no_section = concat!("/// docs/FIDELITY", ".md, \"No such section\"");
    assert_eq!(problems("src/sim/swarm/control.rs", no_section).len(), 1);
    let broken_link = concat!("[x](", "NOPE", ".md) [y](#no-such-heading)");
    // The missing file is both a name not in the repository and a dead link.
    assert_eq!(problems("docs/ARCHITECTURE.md", broken_link).len(), 3);
    let fine = concat!(
        "/// (docs/FIDELITY",
        ".md, \"Orders of magnitude\"; include_str!(\"../../",
        "../assets/images/catalogue.json\"))"
    );
    assert_eq!(
        problems("src/sim/docker/image.rs", fine),
        Vec::<String>::new()
    );
}
