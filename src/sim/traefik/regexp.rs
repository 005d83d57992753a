//! The regular expressions of Traefik's `*Regexp` matchers, as a small hand-written subset.
//!
//! Real Traefik compiles the value of `HostRegexp`, `PathRegexp`, `HeaderRegexp` and
//! `QueryRegexp` with Go's `regexp.Compile` (RE2 syntax, traefik/traefik
//! `pkg/muxer/http/matcher.go`) and tests it with `MatchString`, which is unanchored: the
//! pattern may match anywhere unless it says `^`/`$`.
//!
//! We model the part of RE2 the Traefik documentation's examples use (doc.traefik.io, "Routing
//! rules and priority"): literals, `.`, `^`, `$`, classes (`[a-z0-9-]`, `[^/]`, `\d \w \s` and
//! their negations), groups `( )` and `(?: )`, named groups `(?P<n> )`/`(?<n> )`, alternation
//! `|`, the repetitions `* + ? {n} {n,} {n,m}` (greedy and lazy `?`), `\b`/`\B`, and the flag
//! `(?i)`. Syntax errors use Go's `regexp/syntax` words (`error parsing regexp: missing closing
//! ): ...`).
//!
//! Simplified: no Unicode classes (`\pL`), no POSIX classes (`[[:alpha:]]`), no other flags
//! (`(?m)`, `(?s)`, ...): these are rejected with Go's "invalid or unsupported Perl syntax" or
//! "invalid escape sequence" although Go accepts them. `(?i)` applies to the whole pattern
//! wherever it appears, with ASCII case folding. Matching backtracks (Go's RE2 does not) within a
//! fixed step budget, so a pathological pattern gives "no match" instead of hanging.

use std::cell::Cell;
use std::fmt;

/// Go's `regexp.MaxRepeat`-style limit on `{n,m}` counts (regexp/syntax: 1000).
const MAX_REPEAT: u32 = 1000;
/// Backtracking steps allowed for one `is_match` (deterministic, so results never vary).
const STEP_BUDGET: u32 = 200_000;

/// A syntax error, displayed as Go's `*syntax.Error`: "error parsing regexp: CODE: `EXPR`".
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RegexpError {
    pub code: &'static str,
    pub expr: String,
}

impl fmt::Display for RegexpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error parsing regexp: {}: `{}`", self.code, self.expr)
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
enum Node {
    Char(char),
    Any,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Start,
    End,
    WordBoundary(bool),
    Group(Vec<Vec<Node>>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    },
}

/// A compiled pattern.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Regexp {
    source: String,
    alternatives: Vec<Vec<Node>>,
    fold_case: bool,
}

impl Regexp {
    /// `regexp.Compile`, for the subset above.
    pub fn compile(pattern: &str) -> Result<Regexp, RegexpError> {
        let mut parser = Parser {
            chars: pattern.chars().collect(),
            at: 0,
            source: pattern,
            fold_case: false,
        };
        let alternatives = parser.alternatives(0)?;
        if parser.at < parser.chars.len() {
            return Err(parser.error("unexpected )", pattern.to_string()));
        }
        Ok(Regexp {
            source: pattern.to_string(),
            alternatives,
            fold_case: parser.fold_case,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// `MatchString`: true if the pattern matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let run = Run {
            text: &text,
            fold_case: self.fold_case,
            steps: Cell::new(0),
        };
        let group = Node::Group(self.alternatives.clone());
        (0..=text.len()).any(|start| run.node(&group, start, &mut |_| true))
    }
}

struct Parser<'a> {
    chars: Vec<char>,
    at: usize,
    source: &'a str,
    fold_case: bool,
}

impl Parser<'_> {
    fn error(&self, code: &'static str, expr: String) -> RegexpError {
        RegexpError { code, expr }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn rest_from(&self, from: usize) -> String {
        self.chars[from.min(self.chars.len())..].iter().collect()
    }

    fn alternatives(&mut self, depth: usize) -> Result<Vec<Vec<Node>>, RegexpError> {
        let mut alternatives = vec![self.sequence(depth)?];
        while self.peek() == Some('|') {
            self.at += 1;
            alternatives.push(self.sequence(depth)?);
        }
        Ok(alternatives)
    }

    fn sequence(&mut self, depth: usize) -> Result<Vec<Node>, RegexpError> {
        let mut seq: Vec<Node> = Vec::new();
        while let Some(c) = self.peek() {
            match c {
                '|' => break,
                ')' if depth > 0 => break,
                ')' => return Err(self.error("unexpected )", self.source.to_string())),
                '*' | '+' | '?' | '{' => {
                    if self.repetition(&mut seq)? {
                        continue;
                    }
                    self.at += 1;
                    seq.push(Node::Char('{'));
                }
                _ => {
                    if let Some(node) = self.atom(depth)? {
                        seq.push(node);
                    }
                }
            }
        }
        Ok(seq)
    }

    /// Applies `* + ? {..}` at the cursor to the last node. False if `{` is a literal brace.
    fn repetition(&mut self, seq: &mut Vec<Node>) -> Result<bool, RegexpError> {
        let start = self.at;
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            _ => match self.braces()? {
                Some(counts) => counts,
                None => return Ok(false),
            },
        };
        if self.peek() != Some('{') {
            self.at += 1;
        } else {
            while self.peek() != Some('}') {
                self.at += 1;
            }
            self.at += 1;
        }
        let greedy = if self.peek() == Some('?') {
            self.at += 1;
            false
        } else {
            true
        };
        let op: String = self.chars[start..self.at].iter().collect();
        match seq.pop() {
            None => Err(self.error("missing argument to repetition operator", op)),
            Some(Node::Repeat { .. }) => {
                let from = start.saturating_sub(1);
                let text: String = self.chars[from..self.at].iter().collect();
                Err(self.error("invalid nested repetition operator", text))
            }
            Some(node) => {
                seq.push(Node::Repeat {
                    node: Box::new(node),
                    min,
                    max,
                    greedy,
                });
                Ok(true)
            }
        }
    }

    /// `{n}`, `{n,}`, `{n,m}` at the cursor (cursor left on the `{`), or None for a literal `{`.
    fn braces(&self) -> Result<Option<(u32, Option<u32>)>, RegexpError> {
        let close = match self.chars[self.at..].iter().position(|&c| c == '}') {
            Some(p) => self.at + p,
            None => return Ok(None),
        };
        let inner: String = self.chars[self.at + 1..close].iter().collect();
        let (low, high) = match inner.split_once(',') {
            Some((low, high)) => (low, Some(high)),
            None => (inner.as_str(), None),
        };
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(low) || high.is_some_and(|h| !h.is_empty() && !digits(h)) {
            return Ok(None);
        }
        let text: String = self.chars[self.at..=close].iter().collect();
        let parse = |s: &str| s.parse::<u32>().ok().filter(|&n| n <= MAX_REPEAT);
        let min = parse(low).ok_or_else(|| self.error("invalid repeat count", text.clone()))?;
        let max = match high {
            None => Some(min),
            Some("") => None,
            Some(h) => {
                Some(parse(h).ok_or_else(|| self.error("invalid repeat count", text.clone()))?)
            }
        };
        if max.is_some_and(|m| m < min) {
            return Err(self.error("invalid repeat count", text));
        }
        Ok(Some((min, max)))
    }

    fn atom(&mut self, depth: usize) -> Result<Option<Node>, RegexpError> {
        let c = self.chars[self.at];
        self.at += 1;
        Ok(Some(match c {
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '(' => return self.group(depth),
            '[' => self.class()?,
            '\\' => self.escape(false)?,
            c => Node::Char(c),
        }))
    }

    /// After `(`: a group, or a flag group `(?i)` (None: nothing to match).
    fn group(&mut self, depth: usize) -> Result<Option<Node>, RegexpError> {
        let open = self.at - 1;
        if self.peek() == Some('?') {
            let rest = self.rest_from(self.at);
            if rest.starts_with("?i)") {
                self.fold_case = true;
                self.at += 3;
                return Ok(None);
            } else if rest.starts_with("?:") {
                self.at += 2;
            } else if rest.starts_with("?P<") || rest.starts_with("?<") {
                match self.chars[self.at..].iter().position(|&c| c == '>') {
                    Some(p) => self.at += p + 1,
                    None => return Err(self.error("invalid named capture", self.rest_from(open))),
                }
            } else {
                let end = (self.at + 2).min(self.chars.len());
                let text: String = self.chars[open..end].iter().collect();
                return Err(self.error("invalid or unsupported Perl syntax", text));
            }
        }
        let alternatives = self.alternatives(depth + 1)?;
        if self.peek() != Some(')') {
            return Err(self.error("missing closing )", self.source.to_string()));
        }
        self.at += 1;
        Ok(Some(Node::Group(alternatives)))
    }

    /// After `[`: a character class up to its `]`.
    fn class(&mut self) -> Result<Node, RegexpError> {
        let open = self.at - 1;
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = match self.peek() {
                None => return Err(self.error("missing closing ]", self.rest_from(open))),
                Some(']') if !first => break,
                Some(c) => c,
            };
            first = false;
            let from = self.at;
            self.at += 1;
            let low = if c == '\\' {
                match self.escape(true)? {
                    Node::Char(c) => c,
                    Node::Class { ranges: more, .. } => {
                        ranges.extend(more);
                        continue;
                    }
                    _ => unreachable!("escape(true) gives a char or a class"),
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&n| n != ']') {
                self.at += 1;
                let high = self.chars[self.at];
                self.at += 1;
                if high < low {
                    let text: String = self.chars[from..self.at].iter().collect();
                    return Err(self.error("invalid character class range", text));
                }
                ranges.push((low, high));
            } else {
                ranges.push((low, low));
            }
        }
        self.at += 1;
        Ok(Node::Class { negated, ranges })
    }

    /// After `\`: an escaped literal or a class (`\d`, `\w`, `\s` and negations).
    fn escape(&mut self, in_class: bool) -> Result<Node, RegexpError> {
        let Some(c) = self.peek() else {
            return Err(self.error("trailing backslash at end of expression", String::new()));
        };
        self.at += 1;
        let class = |negated: bool, ranges: &[(char, char)]| Node::Class {
            negated,
            ranges: ranges.to_vec(),
        };
        const DIGIT: &[(char, char)] = &[('0', '9')];
        const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
        const SPACE: &[(char, char)] = &[('\t', '\n'), ('\x0c', '\r'), (' ', ' ')];
        Ok(match c {
            'd' => class(false, DIGIT),
            'D' if !in_class => class(true, DIGIT),
            'w' => class(false, WORD),
            'W' if !in_class => class(true, WORD),
            's' => class(false, SPACE),
            'S' if !in_class => class(true, SPACE),
            'b' if !in_class => Node::WordBoundary(true),
            'B' if !in_class => Node::WordBoundary(false),
            'n' => Node::Char('\n'),
            't' => Node::Char('\t'),
            'r' => Node::Char('\r'),
            'f' => Node::Char('\x0c'),
            'v' => Node::Char('\x0b'),
            c if c.is_ascii_punctuation() => Node::Char(c),
            c => return Err(self.error("invalid escape sequence", format!("\\{c}"))),
        })
    }
}

struct Run<'a> {
    text: &'a [char],
    fold_case: bool,
    steps: Cell<u32>,
}

impl Run<'_> {
    fn same(&self, a: char, b: char) -> bool {
        a == b || (self.fold_case && a.eq_ignore_ascii_case(&b))
    }

    fn in_class(&self, c: char, negated: bool, ranges: &[(char, char)]) -> bool {
        let hit = |c: char| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
        let found = hit(c)
            || (self.fold_case && (hit(c.to_ascii_lowercase()) || hit(c.to_ascii_uppercase())));
        found != negated
    }

    fn is_word(&self, at: usize) -> bool {
        self.text
            .get(at)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
    }

    fn seq(&self, seq: &[Node], at: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        match seq.split_first() {
            None => k(at),
            Some((node, rest)) => self.node(node, at, &mut |next| self.seq(rest, next, k)),
        }
    }

    fn node(&self, node: &Node, at: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        self.steps.set(self.steps.get() + 1);
        if self.steps.get() > STEP_BUDGET {
            return false;
        }
        let here = self.text.get(at).copied();
        match node {
            Node::Char(c) => here.is_some_and(|h| self.same(*c, h)) && k(at + 1),
            Node::Any => here.is_some_and(|h| h != '\n') && k(at + 1),
            Node::Class { negated, ranges } => {
                here.is_some_and(|h| self.in_class(h, *negated, ranges)) && k(at + 1)
            }
            Node::Start => at == 0 && k(at),
            Node::End => at == self.text.len() && k(at),
            Node::WordBoundary(want) => {
                let boundary = at > 0 && self.is_word(at - 1) != self.is_word(at)
                    || at == 0 && self.is_word(0);
                boundary == *want && k(at)
            }
            Node::Group(alternatives) => alternatives.iter().any(|alt| self.seq(alt, at, k)),
            Node::Repeat {
                node,
                min,
                max,
                greedy,
            } => self.repeat(node, (*min, *max, *greedy), 0, at, k),
        }
    }

    fn repeat(
        &self,
        node: &Node,
        (min, max, greedy): (u32, Option<u32>, bool),
        count: u32,
        at: usize,
        k: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        let can_stop = count >= min;
        let more = |k: &mut dyn FnMut(usize) -> bool| {
            max.is_none_or(|m| count < m)
                && self.node(node, at, &mut |next| {
                    // An iteration that consumes nothing cannot help once the minimum is met.
                    (next != at || count < min)
                        && self.repeat(node, (min, max, greedy), count + 1, next, k)
                })
        };
        // Lazy tries to stop first, greedy tries one more iteration first.
        if !greedy && can_stop && k(at) {
            return true;
        }
        more(k) || (greedy && can_stop && k(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, text: &str) -> bool {
        Regexp::compile(pattern)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_match(text)
    }

    fn e(pattern: &str) -> String {
        Regexp::compile(pattern).expect_err(pattern).to_string()
    }

    #[test]
    fn match_string_is_unanchored_go_regexp() {
        assert!(m("mobile", "is-mobile-app"));
        assert!(!m("^mobile", "is-mobile"));
        assert!(m("^[a-z]+\\.example\\.com$", "www.example.com"));
        assert!(!m("^[a-z]+\\.example\\.com$", "www.example.com.evil"));
        assert!(m("^/products/(shoes|socks)/[0-9]+$", "/products/socks/42"));
        assert!(!m("^/products/(shoes|socks)/[0-9]+$", "/products/hats/42"));
        assert!(m("^a{2,3}$", "aaa") && !m("^a{2,3}$", "aaaa"));
        assert!(m("^a{2,}b?$", "aaaaab") && m("x{", "x{"));
        assert!(m("(?i)^ABC$", "abc") && m("\\bcat\\b", "a cat!") && !m("\\bcat\\b", "cats"));
        assert!(m("^(?P<id>\\d+)-\\w*?$", "12-ab") && m("[^/]+$", "a/b"));
        assert!(m("^(a*)*$", &"a".repeat(40)) && !m("^(a|aa)*$b", &"a".repeat(60)));
    }

    #[test]
    fn syntax_errors_in_go_words_go_regexp_syntax() {
        assert_eq!(e("("), "error parsing regexp: missing closing ): `(`");
        assert_eq!(e("a)"), "error parsing regexp: unexpected ): `a)`");
        assert_eq!(e("x[a-"), "error parsing regexp: missing closing ]: `[a-`");
        assert_eq!(
            e("*a"),
            "error parsing regexp: missing argument to repetition operator: `*`"
        );
        assert_eq!(
            e("a**"),
            "error parsing regexp: invalid nested repetition operator: `**`"
        );
        assert_eq!(
            e("\\q"),
            "error parsing regexp: invalid escape sequence: `\\q`"
        );
        assert_eq!(
            e("a\\"),
            "error parsing regexp: trailing backslash at end of expression: ``"
        );
        assert_eq!(
            e("[z-a]"),
            "error parsing regexp: invalid character class range: `z-a`"
        );
        assert_eq!(
            e("a{1001}"),
            "error parsing regexp: invalid repeat count: `{1001}`"
        );
    }
}
