//! `node server.js`, as far as the "works on my machine" page needs: which Node.js versions run
//! a script, and how an older one crashes.
//!
//! What real Node.js does: a method or global the runtime lacks is an uncaught `TypeError` or
//! `ReferenceError`, printed with the source line, a caret under the column, the error and the
//! stack; Node 17+ add a `Node.js vX` line at the end. `Array.prototype.findLast`/`findLastIndex`
//! arrived in 18.0.0 (V8 10.1), `toSorted`/`toReversed` in 20.0.0 (V8 11.3), `structuredClone` in
//! 17.0.0, global `fetch` in 18.0.0 (Node changelogs).
//!
//! What we model: a scan of the script for those features against the version's major number,
//! and otherwise the first `console.log('…')` as what the server prints when it listens.
//!
//! What we simplify: this is not a JavaScript interpreter: only the features above are known, and
//! the loader's stack lines are those of Node 16.20 (typical, not captured from a run). A leaf.

/// Node.js features a script may use, and the first major version that has them.
/// (Node changelogs: findLast/findLastIndex 18.0.0 (V8 10.1); toSorted/toReversed 20.0.0
/// (V8 11.3); structuredClone 17.0.0; global fetch 18.0.0.)
const METHOD_FEATURES: &[(&str, u32)] = &[
    ("findLastIndex", 18),
    ("findLast", 18),
    ("toSorted", 20),
    ("toReversed", 20),
];
const GLOBAL_FEATURES: &[(&str, u32)] = &[("structuredClone", 17), ("fetch", 18)];

/// The major version of `v16.20.2`.
pub fn major(version: &str) -> u32 {
    version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0)
}

/// What `node server.js` prints and whether it keeps running, for a script and a Node version.
pub fn run_script(path: &str, source: &str, node_version: &str) -> (bool, Vec<String>) {
    let have = major(node_version);
    for (index, line) in source.lines().enumerate() {
        let line_no = index + 1;
        for (method, since) in METHOD_FEATURES {
            let needle = format!(".{method}(");
            let Some(at) = line.find(&needle) else {
                continue;
            };
            if have >= *since {
                continue;
            }
            let receiver: String = line[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$' || *c == '.')
                .collect::<String>()
                .chars()
                .rev()
                .collect();
            // V8 points at the property name; the stack's column is 1-based.
            let column = at + 2;
            return (
                false,
                node_crash(
                    path,
                    line_no,
                    line,
                    column,
                    &format!("TypeError: {receiver}.{method} is not a function"),
                    have,
                    node_version,
                ),
            );
        }
        for (global, since) in GLOBAL_FEATURES {
            let needle = format!("{global}(");
            let Some(at) = line.find(&needle) else {
                continue;
            };
            let before = line[..at].chars().last();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') {
                continue;
            }
            if have >= *since {
                continue;
            }
            return (
                false,
                node_crash(
                    path,
                    line_no,
                    line,
                    at + 1,
                    &format!("ReferenceError: {global} is not defined"),
                    have,
                    node_version,
                ),
            );
        }
    }
    let listening = source
        .lines()
        .find_map(|l| {
            let start = l.find("console.log('")? + "console.log('".len();
            let end = l[start..].find('\'')?;
            Some(l[start..start + end].to_string())
        })
        .unwrap_or_else(|| "(the script ran without output)".to_string());
    (true, vec![listening])
}

/// An uncaught exception as Node prints it: the source line with a caret, the error, the stack.
/// Node 17+ add a `Node.js vX` line at the end; 16 does not. The loader's line numbers are those
/// of Node 16.20 (typical, not captured from a run).
fn node_crash(
    path: &str,
    line_no: usize,
    line: &str,
    column: usize,
    error: &str,
    major: u32,
    version: &str,
) -> Vec<String> {
    let mut out = vec![
        format!("{path}:{line_no}"),
        line.to_string(),
        format!("{}^", " ".repeat(column.saturating_sub(1))),
        String::new(),
        error.to_string(),
        format!("    at Object.<anonymous> ({path}:{line_no}:{column})"),
        "    at Module._compile (node:internal/modules/cjs/loader:1198:14)".to_string(),
        "    at Object.Module._extensions..js (node:internal/modules/cjs/loader:1252:10)"
            .to_string(),
        "    at Module.load (node:internal/modules/cjs/loader:1076:32)".to_string(),
        "    at Function.Module._load (node:internal/modules/cjs/loader:911:12)".to_string(),
        "    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:81:12)"
            .to_string(),
        "    at node:internal/main/run_main_module:22:47".to_string(),
    ];
    if major >= 17 {
        out.push(String::new());
        out.push(format!("Node.js {version}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: &str = "const notes = [];\nconst latest = notes.findLast((n) => n.done);\nconsole.log('notes-api listening on :3000');\n";

    #[test]
    fn findlast_fails_on_node_16_only() {
        let (ok, lines) = run_script("/home/learner/app/server.js", SERVER, "v16.20.2");
        assert!(!ok);
        assert_eq!(lines[0], "/home/learner/app/server.js:2");
        assert_eq!(lines[2], "                     ^");
        assert_eq!(lines[4], "TypeError: notes.findLast is not a function");
        assert_eq!(
            lines[5],
            "    at Object.<anonymous> (/home/learner/app/server.js:2:22)"
        );
        assert!(!lines.iter().any(|l| l.starts_with("Node.js")));
        let (ok, lines) = run_script("/app/server.js", SERVER, "v20.18.1");
        assert!(ok);
        assert_eq!(lines, vec!["notes-api listening on :3000".to_string()]);
    }
}
