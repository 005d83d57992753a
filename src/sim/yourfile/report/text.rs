//! Textual edits of a file the reader gave, and the unified diff that shows them.
//!
//! Real life: a reviewer suggests a change as a diff (`git diff`, a pull request's suggestion),
//! and a linter with `--fix` (dclint) edits the file in place, keeping what it does not touch.
//! What we model: a fix is a list of byte-range replacements on the file's text, found from the
//! YAML tree's positions (line and column of each node), so comments, blank lines, quoting and
//! the author's key order survive; the diff is a line diff (longest common subsequence) with
//! three lines of context, as `diff -u` prints it. What we simplify: only block-style YAML is
//! edited (a fix that would have to rewrite a flow mapping such as `web: {image: x}` is not
//! offered), and the diff has no timestamps in its `---`/`+++` lines.

use crate::sim::docker::compose::yaml::{Node, Value};

/// The text with LF line ends and exactly one newline at the end (an empty text stays empty).
pub fn normalise(text: &str) -> String {
    let lf = text.replace("\r\n", "\n").replace('\r', "\n");
    let body = lf.trim_end_matches('\n');
    if body.is_empty() {
        String::new()
    } else {
        format!("{body}\n")
    }
}

/// One replacement: the bytes `start..end` of the text become `insert`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub insert: String,
}

/// Applies edits (in any order; they must not overlap). `None` when they overlap or fall outside.
pub fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    crate::sim::order::sort_by_key(&mut sorted, |e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        if e.start < at || e.end < e.start || e.end > text.len() {
            return None;
        }
        out.push_str(text.get(at..e.start)?);
        out.push_str(&e.insert);
        at = e.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// The file's lines with the byte offset each starts at.
pub struct Lines<'a> {
    pub text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' && i + 1 < text.len() {
                starts.push(i + 1);
            }
        }
        Lines { text, starts }
    }

    pub fn count(&self) -> usize {
        if self.text.is_empty() {
            0
        } else {
            self.starts.len()
        }
    }

    /// Line `n` (1-based) without its newline.
    pub fn line(&self, n: usize) -> Option<&'a str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self
            .starts
            .get(n)
            .map_or(self.text.len(), |next| next.saturating_sub(1));
        let end = end.max(start);
        self.text.get(start..end).map(|l| l.trim_end_matches('\n'))
    }

    /// Byte offset where line `n` (1-based) starts; the text's length past the last line.
    pub fn start_of(&self, n: usize) -> usize {
        match n.checked_sub(1).and_then(|i| self.starts.get(i)) {
            Some(s) => *s,
            None => self.text.len(),
        }
    }

    /// Byte offset of (line, column), both 1-based, the column counted in characters.
    pub fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let text = self.line(line)?;
        let start = self.start_of(line);
        let skip = column.checked_sub(1)?;
        for (count, (i, _)) in text.char_indices().enumerate() {
            if count == skip {
                return Some(start + i);
            }
        }
        (text.chars().count() == skip).then_some(start + text.len())
    }
}

/// The spaces at the start of a line.
pub fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A line that holds no YAML content (blank or only a comment).
pub fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The last line of the block that starts with a key at `key_line` whose key sits at column
/// `key_indent` (0-based): every following line indented deeper (or, for a sequence written at
/// the key's own indent, its `- ` items), stopping before trailing blank and comment lines.
pub fn block_end(lines: &Lines, key_line: usize, key_indent: usize, value: &Node) -> usize {
    let same_indent_items = matches!(value.value, Value::Seq(_));
    let mut last = key_line;
    let mut n = key_line + 1;
    while n <= lines.count() {
        let Some(l) = lines.line(n) else { break };
        if is_blank(l) {
            n += 1;
            continue;
        }
        let ind = indent_of(l);
        let inside = ind > key_indent
            || (same_indent_items && ind == key_indent && l.trim_start().starts_with('-'));
        if !inside {
            break;
        }
        last = n;
        n += 1;
    }
    last
}

/// The column (0-based) of a block mapping's first key, `None` for a flow, empty or scalar value.
pub fn child_indent(lines: &Lines, map: &Node) -> Option<usize> {
    let Value::Map(entries) = &map.value else {
        return None;
    };
    let (k, _) = entries.first()?;
    let line = lines.line(k.pos.line as usize)?;
    // The first key must start its line (or follow a list's `- `): not after a `{` (a flow
    // mapping), and not a key merged in by `<<: *anchor`, which sits where the alias is.
    let before: String = line.chars().take(k.pos.column as usize - 1).collect();
    let marker = before.trim();
    if !(marker.is_empty() || marker == "-") {
        return None;
    }
    Some(k.pos.column as usize - 1)
}

/// Whether the node is written in flow style (`{…}` or `[…]`) where it starts.
pub fn is_flow(lines: &Lines, node: &Node) -> bool {
    let Some(line) = lines.line(node.pos.line as usize) else {
        return true;
    };
    let rest: String = line.chars().skip(node.pos.column as usize - 1).collect();
    rest.starts_with('{') || rest.starts_with('[')
}

/// The byte range of a single-line scalar written at the node's position: a quoted scalar up to
/// its closing quote, a plain one when the text there is its value. `None` when the node is an
/// alias, a block scalar or spans lines (the fix is then not offered).
pub fn scalar_range(lines: &Lines, node: &Node) -> Option<(usize, usize)> {
    let raw = node.scalar_text()?;
    let start = lines.offset(node.pos.line as usize, node.pos.column as usize)?;
    let line_end = start + lines.line(node.pos.line as usize)?.len()
        - (start - lines.start_of(node.pos.line as usize));
    let rest = lines.text.get(start..line_end)?;
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        // The closing quote: the first one not escaped (`\"` in double quotes, `''` in single).
        let bytes = rest.as_bytes();
        let mut i = 1;
        while i < bytes.len() {
            let b = bytes[i];
            if quote == '"' && b == b'\\' {
                i += 2;
                continue;
            }
            if b == quote as u8 {
                if quote == '\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                return Some((start, start + i + 1));
            }
            i += 1;
        }
        return None;
    }
    rest.starts_with(raw.as_str())
        .then_some((start, start + raw.len()))
}

/// Whether a node or anything under it is a flow scalar written over several lines (`'a\n  b'`,
/// or a plain scalar folded onto the next line): its continuation lines may sit at any indent, so
/// a block's extent cannot be read from indentation and no edit is offered around it.
pub fn has_multiline_scalar(lines: &Lines, node: &Node) -> bool {
    match &node.value {
        Value::Seq(items) => items.iter().any(|n| has_multiline_scalar(lines, n)),
        Value::Map(entries) => entries
            .iter()
            .any(|(k, v)| has_multiline_scalar(lines, k) || has_multiline_scalar(lines, v)),
        Value::Null => false,
        _ => {
            if scalar_range(lines, node).is_some() {
                return false;
            }
            let Some(start) = lines.offset(node.pos.line as usize, node.pos.column as usize) else {
                return true;
            };
            // Block scalars are indented like a block; aliases, anchors and tags are one line.
            !matches!(
                lines.text[start..].chars().next(),
                Some('|' | '>' | '*' | '&' | '!')
            )
        }
    }
}

/// A unified diff of `old` → `new` for `path`, with three lines of context; empty when equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let ops = line_ops(&a, &b);
    if ops.iter().all(|op| matches!(op, Op::Same(..))) {
        return String::new();
    }
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    const CONTEXT: usize = 3;
    // Indices of changed ops, grouped into hunks when their context would touch.
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        match groups.last_mut() {
            Some((_, end)) if i <= *end + 2 * CONTEXT + 1 => *end = i,
            _ => groups.push((i, i)),
        }
    }
    for (first, last) in groups {
        let from = first.saturating_sub(CONTEXT);
        let to = (last + CONTEXT).min(ops.len() - 1);
        let (mut a_start, mut b_start) = (None, None);
        let (mut a_len, mut b_len) = (0, 0);
        let mut body = String::new();
        for op in &ops[from..=to] {
            match *op {
                Op::Same(i, j) => {
                    a_start.get_or_insert(i);
                    b_start.get_or_insert(j);
                    a_len += 1;
                    b_len += 1;
                    body.push_str(&format!(" {}\n", a[i]));
                }
                Op::Del(i, j) => {
                    a_start.get_or_insert(i);
                    b_start.get_or_insert(j);
                    a_len += 1;
                    body.push_str(&format!("-{}\n", a[i]));
                }
                Op::Add(i, j) => {
                    a_start.get_or_insert(i);
                    b_start.get_or_insert(j);
                    b_len += 1;
                    body.push_str(&format!("+{}\n", b[j]));
                }
            }
        }
        // `diff -u` numbers an empty range by the line before it.
        let a_from = if a_len == 0 {
            a_start.unwrap_or(0)
        } else {
            a_start.unwrap_or(0) + 1
        };
        let b_from = if b_len == 0 {
            b_start.unwrap_or(0)
        } else {
            b_start.unwrap_or(0) + 1
        };
        out.push_str(&format!("@@ -{a_from},{a_len} +{b_from},{b_len} @@\n"));
        out.push_str(&body);
    }
    out
}

/// One line of the diff: kept, deleted from `a` or added from `b`, with the position in each.
#[derive(Clone, Copy, Debug)]
enum Op {
    Same(usize, usize),
    Del(usize, usize),
    Add(usize, usize),
}

/// The edit script: common head and tail trimmed, the middle by longest common subsequence
/// (a fix changes a few lines, so the middle is small; past a size cap it is one replacement).
fn line_ops(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<Op> = (0..head).map(|i| Op::Same(i, i)).collect();
    if am.len() * bm.len() > 4_000_000 {
        ops.extend((0..am.len()).map(|i| Op::Del(head + i, head)));
        ops.extend((0..bm.len()).map(|j| Op::Add(head + am.len(), head + j)));
    } else {
        // lcs[i][j]: the longest common subsequence of am[i..] and bm[j..].
        let w = bm.len() + 1;
        let mut lcs = vec![0u32; (am.len() + 1) * w];
        for i in (0..am.len()).rev() {
            for j in (0..bm.len()).rev() {
                lcs[i * w + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < am.len() || j < bm.len() {
            if i < am.len() && j < bm.len() && am[i] == bm[j] {
                ops.push(Op::Same(head + i, head + j));
                i += 1;
                j += 1;
            } else if i < am.len() && (j == bm.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])
            {
                // Deletions first, as `diff -u` prints a changed line.
                ops.push(Op::Del(head + i, head + j));
                i += 1;
            } else {
                ops.push(Op::Add(head + i, head + j));
                j += 1;
            }
        }
    }
    let (a_tail, b_tail) = (a.len() - tail, b.len() - tail);
    ops.extend((0..tail).map(|k| Op::Same(a_tail + k, b_tail + k)));
    ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::docker::compose::yaml;

    #[test]
    fn normalising_keeps_one_newline_and_lf() {
        assert_eq!(normalise("a: 1\r\nb: 2\n\n\n"), "a: 1\nb: 2\n");
        assert_eq!(normalise("a: 1"), "a: 1\n");
        assert_eq!(normalise("\n\n"), "");
    }

    #[test]
    fn lines_and_offsets() {
        let text = "ab\ncdé f\n";
        let lines = Lines::new(text);
        assert_eq!(lines.count(), 2);
        assert_eq!(lines.line(2), Some("cdé f"));
        assert_eq!(lines.offset(2, 3), Some(5));
        assert_eq!(lines.offset(2, 4), Some(7));
        assert_eq!(lines.offset(2, 5), Some(8));
        assert_eq!(lines.offset(3, 1), None);
    }

    #[test]
    fn scalars_are_found_where_they_are_written() {
        let text = "a: \"x # y\"  # c\nb: plain value # c\nc: 'it''s'\n";
        let doc = yaml::parse(text).unwrap();
        let lines = Lines::new(text);
        let r = |k: &str| {
            let (s, e) = scalar_range(&lines, doc.get(k).unwrap()).unwrap();
            &text[s..e]
        };
        assert_eq!(r("a"), "\"x # y\"");
        assert_eq!(r("b"), "plain value");
        assert_eq!(r("c"), "'it''s'");
    }

    #[test]
    fn a_diff_reads_like_diff_u() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let new = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
        assert_eq!(
            unified_diff("f.yml", old, new),
            "--- a/f.yml\n+++ b/f.yml\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -8,3 +8,4 @@\n h\n i\n j\n+k\n"
        );
        assert_eq!(unified_diff("f", old, old), "");
    }
}
