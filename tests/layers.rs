//! The simulation's layering, checked from the source: leaves import nothing above them.
//!
//! docs/ARCHITECTURE.md ("Layers") describes the rule: plain-data and utility modules at the
//! bottom (`ids`, `time`, `rng`, `order`, `flags`, `input`, `event`, `agenda`, …) must not reach
//! `World`, so that the agenda, the inputs and the flag layer can be read, tested and reused
//! without the whole simulation. This test reads every file under src/sim, resolves its
//! `crate::`/`super::`/`self::` paths (outside `#[cfg(test)]` code) to modules, and fails on a
//! leaf that reaches a module outside the leaf set, printing the chain of imports that does it.
//! (Simplified reader: everything after a file's first `#[cfg(test)]` is test code, which is
//! where the project keeps its test modules.)
//! It also checks that the leaves are on no import cycle, that `world.rs` imports only leaves, and
//! so that no import cycle runs through world, event, input or agenda.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

/// Modules (paths under `sim::`) that must only reach each other.
const LEAVES: &[&str] = &[
    "agenda",
    "backup::model",
    "cron::model",
    "docker::build::model",
    "docker::catalogue",
    "docker::cli",
    "docker::compose::job::model",
    "docker::compose::model",
    "docker::compose::yaml",
    "docker::container",
    "docker::containerfs::model",
    "docker::disk::model",
    "docker::engine::model",
    "docker::error",
    "docker::health::model",
    "docker::image",
    "docker::images",
    "docker::mount",
    "docker::netcmd::model",
    "docker::network::model",
    "docker::process::model",
    "docker::reference",
    "docker::registry::model",
    "docker::volume::model",
    "event",
    "flags",
    "hostfs",
    "http",
    "ids",
    "traefik::acme",
    "input",
    "lab::model",
    "order",
    "rng",
    "swarm::mesh::model",
    "swarm::node",
    "swarm::orchestrator",
    "swarm::overlay::model",
    "swarm::raft",
    "swarm::scheduler",
    "swarm::service",
    "swarm::task",
    "swarm::update::model",
    "swarm::cluster",
    "swarm::follow_kind",
    "time",
    "traefik",
    "traefik::dynamic",
    "traefik::file_provider",
    "traefik::htpasswd",
    "traefik::model",
    "traefik::regexp",
    "traefik::rule",
    "traefik::static_config",
    "traefik::store",
    "traffic::model",
];

/// `crate::sim::X` names that sim.rs re-exports, and the module each comes from.
const REEXPORTS: &[(&str, &str)] = &[
    ("World", "world"),
    ("Record", "record"),
    ("TermLine", "record"),
    ("Stream", "record"),
    ("Event", "event"),
    ("Input", "input"),
    ("Fault", "input"),
    ("step", "step"),
    ("Timeline", "timeline"),
    ("Millis", "time"),
    ("Check", "check"),
    ("CheckParseError", "check"),
];

type Module = Vec<String>;

fn module_of(root: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(root).expect("under src");
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("entry").path())
        .collect();
    dockyard::sim::order::sort(&mut entries);
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code a module compiles into the product: comments and `#[cfg(test)]` items dropped.
fn product_code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The longest prefix of `path` (after resolving `crate`/`super`/`self` from `current`) that is
/// a known module.
fn resolve(current: &Module, path: &[&str], modules: &BTreeSet<Module>) -> Option<Module> {
    let (base, rest): (Module, &[&str]) = match *path.first()? {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (current.clone(), &path[1..]),
        "super" => {
            let mut base = current.clone();
            base.pop();
            let mut rest = &path[1..];
            while rest.first() == Some(&"super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        _ => return None,
    };
    let mut rest: Vec<&str> = rest.to_vec();
    if base.is_empty()
        && rest.len() >= 2
        && rest[0] == "sim"
        && let Some((_, module)) = REEXPORTS.iter().find(|(name, _)| *name == rest[1])
    {
        rest[1] = module;
    }
    let mut best = None;
    for n in 0..=rest.len() {
        let candidate: Module = base
            .iter()
            .cloned()
            .chain(rest[..n].iter().map(|s| s.to_string()))
            .collect();
        if modules.contains(&candidate) {
            best = Some(candidate);
        }
    }
    best
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every module `code` refers to: `crate::a::b`, `super::x`, and each item of `use p::{a, b}`.
fn references(current: &Module, code: &str, modules: &BTreeSet<Module>) -> BTreeSet<Module> {
    let mut out = BTreeSet::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts = ["crate::", "super::", "self::"]
            .iter()
            .any(|p| code_at(&chars, i, p))
            && (i == 0 || !is_ident(chars[i - 1]));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && (is_ident(chars[j]) || chars[j] == ':') {
            j += 1;
        }
        let path: String = chars[i..j].iter().collect();
        let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        if let Some(m) = resolve(current, &segments, modules) {
            out.insert(m);
        }
        // `use super::x::{a, b::c}`: each item is a path of its own.
        if path.ends_with("::") && chars.get(j) == Some(&'{') {
            let end = chars[j..]
                .iter()
                .position(|&c| c == '}')
                .map_or(chars.len(), |p| j + p);
            let group: String = chars[j + 1..end].iter().collect();
            for item in group.split(',') {
                let item = item.trim();
                if item.is_empty() || item == "self" {
                    continue;
                }
                let mut full = segments.clone();
                full.extend(item.split("::").map(str::trim).filter(|s| !s.is_empty()));
                if let Some(m) = resolve(current, &full, modules) {
                    out.insert(m);
                }
            }
        }
        i = j.max(i + 1);
    }
    out.remove(current);
    out.remove(&vec!["sim".to_string()]);
    out
}

fn code_at(chars: &[char], i: usize, pattern: &str) -> bool {
    pattern
        .chars()
        .enumerate()
        .all(|(k, c)| chars.get(i + k) == Some(&c))
}

fn graph() -> BTreeMap<Module, BTreeSet<Module>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("sim.rs")];
    rust_files(&root.join("sim"), &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(&root, f)).collect();
    files
        .iter()
        .map(|f| {
            let m = module_of(&root, f);
            let code = product_code(&std::fs::read_to_string(f).expect("readable"));
            let refs = references(&m, &code, &modules);
            (m, refs)
        })
        .collect()
}

fn name(m: &Module) -> String {
    m[1..].join("::")
}

/// The shortest chain of imports from `from` to any module `target` accepts.
fn chain(
    graph: &BTreeMap<Module, BTreeSet<Module>>,
    from: &Module,
    target: impl Fn(&Module) -> bool,
) -> Option<Vec<Module>> {
    let mut previous: BTreeMap<Module, Module> = BTreeMap::new();
    let mut queue = VecDeque::from([from.clone()]);
    while let Some(m) = queue.pop_front() {
        for next in graph.get(&m).into_iter().flatten() {
            if previous.contains_key(next) || next == from && !target(next) {
                continue;
            }
            previous.insert(next.clone(), m.clone());
            if target(next) {
                let mut path = vec![next.clone()];
                let mut at = next.clone();
                while let Some(p) = previous.get(&at) {
                    path.push(p.clone());
                    if p == from {
                        break;
                    }
                    at = p.clone();
                }
                path.reverse();
                return Some(path);
            }
            queue.push_back(next.clone());
        }
    }
    None
}

fn show(path: &[Module]) -> String {
    path.iter().map(name).collect::<Vec<_>>().join(" → ")
}

#[test]
fn the_module_graph_is_read() {
    let graph = graph();
    let world = vec!["sim".to_string(), "world".to_string()];
    assert!(graph.len() > 50, "{} modules", graph.len());
    // A sanity check of the reader itself: the step loop uses the world.
    let step = vec!["sim".to_string(), "step".to_string()];
    assert!(graph[&step].contains(&world), "{:?}", graph[&step]);
}

#[test]
fn leaves_import_nothing_above_them() {
    let graph = graph();
    let leaves: BTreeSet<Module> = LEAVES
        .iter()
        .map(|l| {
            std::iter::once("sim")
                .chain(l.split("::"))
                .map(str::to_string)
                .collect()
        })
        .collect();
    let mut problems = Vec::new();
    for leaf in &leaves {
        assert!(graph.contains_key(leaf), "no module sim::{}", name(leaf));
        if let Some(path) = chain(&graph, leaf, |m| !leaves.contains(m)) {
            problems.push(format!(
                "{} reaches a non-leaf: {}",
                name(leaf),
                show(&path)
            ));
        }
        if let Some(path) = chain(&graph, leaf, |m| m == leaf) {
            problems.push(format!("{} is on a cycle: {}", name(leaf), show(&path)));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_world_holds_only_leaves() {
    let graph = graph();
    let world = vec!["sim".to_string(), "world".to_string()];
    let mut problems: Vec<String> = graph[&world]
        .iter()
        .filter(|m| !LEAVES.contains(&name(m).as_str()))
        .map(|m| format!("world imports {}, which is not a leaf", name(m)))
        .collect();
    for core in ["world", "event", "input", "agenda"] {
        let module = vec!["sim".to_string(), core.to_string()];
        if let Some(path) = chain(&graph, &module, |m| *m == module) {
            problems.push(format!("{core} is on an import cycle: {}", show(&path)));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
