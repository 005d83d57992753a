//! Long functions say why they are long.
//!
//! A function over 100 lines is usually several jobs that want names of their own, so every such
//! function under src/ must carry a comment, in the lines right above it (its doc comment) or in
//! its first lines, that says why it stays whole: a sentence containing "long because". This test
//! finds every `fn` by matching braces (string, char and comment text skipped), prints the list of
//! long functions with their lengths, and fails on one without the explanation.

use std::path::{Path, PathBuf};

const LIMIT_LINES: usize = 100;
const MARKER: &str = "long because";

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
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

/// The text with comments, strings and char literals blanked (newlines kept), so that braces
/// can be counted and lines still line up.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&chars, i) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let closing: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body_start = j + 1;
            let rest: String = chars[body_start..].iter().collect();
            let end = rest.find(&closing).map_or(chars.len(), |p| {
                body_start + rest[..p].chars().count() + closing.len()
            });
            for &ch in &chars[i..end.min(chars.len())] {
                out.push(blank(ch));
            }
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A char literal ('{', '\n', '\''), or a lifetime ('a), which is left as it is.
            let len = if next == Some('\\') {
                chars[i + 2..]
                    .iter()
                    .position(|&ch| ch == '\'')
                    .map(|p| p + 3)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(3)
            } else {
                None
            };
            match len {
                Some(n) => {
                    for _ in 0..n {
                        out.push(' ');
                    }
                    i += n;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// The name of the function a code line declares, if it does.
fn declared_fn(code_line: &str) -> Option<String> {
    let words: Vec<&str> = code_line
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let at = words.iter().position(|w| *w == "fn")?;
    // `fn` must come first, after visibility and qualifiers only.
    let allowed = [
        "pub", "crate", "super", "self", "in", "const", "async", "unsafe", "extern",
    ];
    if !words[..at].iter().all(|w| allowed.contains(w)) {
        return None;
    }
    words.get(at + 1).map(|w| w.to_string())
}

struct LongFn {
    file: String,
    line: usize,
    name: String,
    lines: usize,
    explained: bool,
}

fn long_functions() -> Vec<LongFn> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let lines: Vec<&str> = text.lines().collect();
        let code = code_only(&text);
        let code_lines: Vec<&str> = code.lines().collect();
        for (start, code_line) in code_lines.iter().enumerate() {
            let Some(name) = declared_fn(code_line) else {
                continue;
            };
            // Find the body: the first `{` before a `;` ends the signature.
            let mut depth = 0i32;
            let mut opened = false;
            let mut end = None;
            'scan: for (k, l) in code_lines.iter().enumerate().skip(start) {
                for ch in l.chars() {
                    match ch {
                        '{' => {
                            depth += 1;
                            opened = true;
                        }
                        '}' => depth -= 1,
                        ';' if !opened => break 'scan,
                        _ => {}
                    }
                    if opened && depth == 0 {
                        end = Some(k);
                        break 'scan;
                    }
                }
            }
            let Some(end) = end else { continue };
            let length = end - start + 1;
            if length <= LIMIT_LINES {
                continue;
            }
            // The comment above (doc comment and attributes) and the first lines inside.
            let mut above = String::new();
            let mut k = start;
            while k > 0 {
                let l = lines[k - 1].trim_start();
                if l.starts_with("//") || l.starts_with("#[") {
                    above.push_str(l);
                    above.push('\n');
                    k -= 1;
                } else {
                    break;
                }
            }
            let inside: String = lines[start..(start + 6).min(lines.len())].join("\n");
            let explained =
                above.to_lowercase().contains(MARKER) || inside.to_lowercase().contains(MARKER);
            found.push(LongFn {
                file: file
                    .strip_prefix(root)
                    .unwrap_or(&file)
                    .display()
                    .to_string(),
                line: start + 1,
                name,
                lines: length,
                explained,
            });
        }
    }
    found
}

#[test]
fn every_long_function_says_why() {
    let found = long_functions();
    for f in &found {
        println!("{:>5} lines  {}:{} {}", f.lines, f.file, f.line, f.name);
    }
    println!("{} functions over {LIMIT_LINES} lines", found.len());
    let missing: Vec<String> = found
        .iter()
        .filter(|f| !f.explained)
        .map(|f| format!("{}:{} `{}` is {} lines", f.file, f.line, f.name, f.lines))
        .collect();
    assert!(
        missing.is_empty(),
        "functions over {LIMIT_LINES} lines without a comment saying why (\"{MARKER} …\"):\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_reader_finds_functions_and_skips_literals() {
    let code = code_only("fn a() {\n    let s = \"}{\";\n    let c = '{';\n    // }\n}\n");
    assert_eq!(code.matches('{').count(), 1);
    assert_eq!(code.matches('}').count(), 1);
    assert_eq!(
        declared_fn("pub(crate) fn build("),
        Some("build".to_string())
    );
    assert_eq!(declared_fn("    let f = fn_name();"), None);
    assert!(
        !long_functions().is_empty(),
        "the reader finds the long functions there are"
    );
}
