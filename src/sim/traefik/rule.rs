//! Traefik v3's router rule language: parse a rule, report its errors, match a request.
//!
//! What real Traefik does (traefik/traefik at v3):
//! - `pkg/rules/parser.go` hands the rule to vulcand/predicate, which parses it **as a Go
//!   expression** (`go/parser.ParseExpr`): backtick strings are Go raw strings, `"..."` are Go
//!   interpreted strings, `&&` binds tighter than `||`, `!` tighter than both. Matcher names are
//!   accepted as written, in lower case, in UPPER case and in Title case (`Hostregexp`).
//!   `!` is pushed down to the matchers with De Morgan's laws (`invert`).
//! - `pkg/muxer/http/parser.go` and `mux.go` then build each matcher (`addRule`,
//!   `rules.CheckRule`, `matcher.go`): v3 matchers take **one value** (`Header`/`HeaderRegexp`
//!   two, `Query`/`QueryRegexp` one or two), so v2's ``Host(`a`, `b`)`` fails with
//!   "unexpected number of parameters; got 2, expected one of [1]" (the v2→v3 migration guide:
//!   write ``Host(`a`) || Host(`b`)``). v2 names (`Headers`, `HostHeader`) are "unsupported
//!   function".
//! - Errors are wrapped twice, as the router's error shows them: "error while parsing rule R:
//!   error while parsing rule R: 1:6: raw string literal not terminated" (syntax), "error while
//!   parsing rule R: error while adding rule R: error while adding rule Host: ..." (matchers).
//! - Default priority is `len(rule)` in bytes (`GetRulePriority`, `pkg/muxer/http/mux.go`;
//!   doc.traefik.io "Routing rules and priority"); routes are tried by descending priority.
//!
//! What we model: all eleven HTTP matchers, the Go scanner's and parser's first error with its
//! `line:column`, predicate's errors (`unsupported function: X`, `expected literal, got
//! *ast.Ident`, `|| is not supported`-style messages for other operators), Traefik's matcher
//! errors, and matching on a [`Request`] (host lower-cased and without its port, as Traefik's
//! canonized host; `Method` upper-cased; `Query` on the parsed query string with Go's `url.Query`
//! rules; `ClientIP` on an address or CIDR). [`RuleError::at`] says where in the rule the
//! problem is, for the page; the message itself is Traefik's and carries no offset beyond Go's.
//!
//! Simplified: only the first syntax error is reported (Go appends "(and N more errors)" when a
//! multi-line rule has errors on several lines); the binary operators are Go's, but the only
//! unary one is `!`, and Go's selector, index and composite syntax (`a.b`, `a[0]`, `{}`) and
//! characters such as `~` or `@` are syntax errors here (Go parses some of them and predicate
//! then refuses them: the rule is refused either way, with another message); a non-matcher
//! operand (a bare string inside `&&`) gives reflect's panic text as predicate recovers it;
//! `Host(1)` is refused with reflect's text too; the routing path is
//! the request path as given (no percent-decoding); IPv6 in `ClientIP` is compared as text, no
//! IPv6 CIDR; v3.7's `Host(`*.example.com`)` wildcard and its priority penalty are not modelled;
//! the regular expressions are the subset in [`super::regexp`].

use super::regexp::Regexp;
use std::fmt;

/// The v3 HTTP matchers (`httpFuncs` in traefik `pkg/muxer/http/matcher.go`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Matcher {
    ClientIP,
    Method,
    Host,
    HostRegexp,
    Path,
    PathRegexp,
    PathPrefix,
    Header,
    HeaderRegexp,
    Query,
    QueryRegexp,
}

impl Matcher {
    pub const ALL: [Matcher; 11] = [
        Matcher::ClientIP,
        Matcher::Method,
        Matcher::Host,
        Matcher::HostRegexp,
        Matcher::Path,
        Matcher::PathRegexp,
        Matcher::PathPrefix,
        Matcher::Header,
        Matcher::HeaderRegexp,
        Matcher::Query,
        Matcher::QueryRegexp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Matcher::ClientIP => "ClientIP",
            Matcher::Method => "Method",
            Matcher::Host => "Host",
            Matcher::HostRegexp => "HostRegexp",
            Matcher::Path => "Path",
            Matcher::PathRegexp => "PathRegexp",
            Matcher::PathPrefix => "PathPrefix",
            Matcher::Header => "Header",
            Matcher::HeaderRegexp => "HeaderRegexp",
            Matcher::Query => "Query",
            Matcher::QueryRegexp => "QueryRegexp",
        }
    }

    /// The spellings `rules.NewParser` registers: as written, lower, UPPER, Title.
    pub fn from_name(name: &str) -> Option<Matcher> {
        Matcher::ALL.into_iter().find(|m| {
            let canonical = m.name();
            let lower = canonical.to_lowercase();
            let mut title = lower.clone();
            title[..1].make_ascii_uppercase();
            name == canonical || name == lower || name == canonical.to_uppercase() || name == title
        })
    }

    /// How many values the matcher takes (`expectNParameters`).
    pub fn arity(self) -> &'static [usize] {
        match self {
            Matcher::Header | Matcher::HeaderRegexp => &[2],
            Matcher::Query | Matcher::QueryRegexp => &[1, 2],
            _ => &[1],
        }
    }
}

/// An HTTP request as the router sees it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Request {
    /// The Host header (or URL host), possibly with a port.
    pub host: String,
    pub path: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    /// The raw query string, without `?` (`a=1&b=2`).
    pub query: String,
    /// The client's address (the connection's remote address), with or without a port.
    pub client_ip: String,
}

impl Request {
    /// A GET of `path` on `host`.
    pub fn get(host: &str, path: &str) -> Request {
        Request {
            host: host.to_string(),
            path: path.to_string(),
            method: "GET".to_string(),
            ..Request::default()
        }
    }

    /// Traefik's canonized host: lower case, without the port.
    pub fn canonical_host(&self) -> String {
        let host = self.host.to_ascii_lowercase();
        if let Some(rest) = host.strip_prefix('[') {
            return rest.split(']').next().unwrap_or("").to_string();
        }
        match host.split_once(':') {
            Some((name, port)) if !port.contains(':') => name.to_string(),
            _ => host,
        }
    }

    /// Go's `url.Query()`: `&`-separated pairs (a pair with `;` is dropped), `+` and `%XX`
    /// decoded, a key without `=` has the value "".
    pub fn query_values(&self, key: &str) -> Option<Vec<String>> {
        let mut found: Option<Vec<String>> = None;
        for pair in self.query.split('&') {
            if pair.is_empty() || pair.contains(';') {
                continue;
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (Some(k), Some(v)) = (unescape_query(k), unescape_query(v)) else {
                continue;
            };
            if k == key {
                found.get_or_insert_with(Vec::new).push(v);
            }
        }
        found
    }
}

fn unescape_query(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Which wrapping Traefik puts around the cause (see the module header).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stage {
    /// Go's parser or predicate refused the text.
    Parse,
    /// Parsed, but the expression is not a rule (a bare string): no cause is given.
    NotARule,
    /// A matcher refused its values.
    Add,
}

/// A rule Traefik refuses.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RuleError {
    pub rule: String,
    pub stage: Stage,
    /// The innermost message, in Traefik's (or Go's) words.
    pub cause: String,
    /// Byte offset in the rule where the problem is (not part of Traefik's message).
    pub at: usize,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = &self.rule;
        write!(f, "error while parsing rule {rule}: ")?;
        match self.stage {
            Stage::Parse => write!(f, "error while parsing rule {rule}: {}", self.cause),
            Stage::NotARule => write!(f, "error while parsing rule {rule}"),
            Stage::Add => write!(f, "error while adding rule {rule}: {}", self.cause),
        }
    }
}

/// An IPv4 network (or one address); IPv6 is kept as text.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Net {
    V4 { base: u32, bits: u32 },
    Text(String),
}

/// One compiled matcher.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Test {
    ClientIP(Net),
    Method(String),
    Host(String),
    HostRegexp(Regexp),
    Path(String),
    PathRegexp(Regexp),
    PathPrefix(String),
    Header(String, String),
    HeaderRegexp(String, Regexp),
    Query(String, String),
    QueryRegexp(String, Regexp),
}

/// The matchers tree after `!` was pushed down to the leaves (traefik `matchersTree`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Node {
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Leaf { not: bool, test: Test },
}

/// A rule Traefik accepts.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Rule {
    pub text: String,
    pub tree: Node,
}

/// Traefik's default router priority: the rule's length in bytes (`GetRulePriority`).
pub fn default_priority(rule: &str) -> i64 {
    rule.len() as i64
}

/// Parses a v3 rule as Traefik does.
pub fn parse(rule: &str) -> Result<Rule, RuleError> {
    let error = |stage, (cause, at): (String, usize)| RuleError {
        rule: rule.to_string(),
        stage,
        cause,
        at,
    };
    let expr = syntax::parse(rule).map_err(|e| error(Stage::Parse, e))?;
    let tree = match predicate::evaluate(&expr).map_err(|e| error(Stage::Parse, e))? {
        predicate::Value::Tree(tree) => tree,
        predicate::Value::Literal(..) => return Err(error(Stage::NotARule, (String::new(), 0))),
    };
    let tree = add_rule(&tree).map_err(|e| error(Stage::Add, e))?;
    Ok(Rule {
        text: rule.to_string(),
        tree,
    })
}

impl Rule {
    pub fn matches(&self, request: &Request) -> bool {
        self.tree.matches(request)
    }
}

/// The router a request goes to: highest priority first; on a tie, the first declared (Traefik
/// leaves ties between routers of one provider undefined). `routers` are (priority, rule).
pub fn route(routers: &[(i64, &Rule)], request: &Request) -> Option<usize> {
    let mut order: Vec<usize> = (0..routers.len()).collect();
    crate::sim::order::sort_by(&mut order, |&a, &b| routers[b].0.cmp(&routers[a].0));
    order.into_iter().find(|&i| routers[i].1.matches(request))
}

impl Node {
    pub fn matches(&self, request: &Request) -> bool {
        match self {
            Node::And(l, r) => l.matches(request) && r.matches(request),
            Node::Or(l, r) => l.matches(request) || r.matches(request),
            Node::Leaf { not, test } => test.matches(request) != *not,
        }
    }
}

impl Test {
    pub fn matches(&self, req: &Request) -> bool {
        let header = |key: &str| header_values(req, key);
        match self {
            Test::ClientIP(net) => net.contains(&req.client_ip),
            Test::Method(m) => *m == req.method,
            Test::Host(h) => host_matches(h, &req.canonical_host()),
            Test::HostRegexp(re) => re.is_match(&req.canonical_host()),
            Test::Path(p) => req.path == *p,
            Test::PathRegexp(re) => re.is_match(&req.path),
            Test::PathPrefix(p) => req.path.starts_with(p.as_str()),
            Test::Header(k, v) => header(k).contains(v),
            Test::HeaderRegexp(k, re) => header(k).iter().any(|h| re.is_match(h)),
            Test::Query(k, v) => req.query_values(k).is_some_and(|vs| vs.contains(v)),
            Test::QueryRegexp(k, re) => req
                .query_values(k)
                .is_some_and(|vs| vs.iter().any(|v| re.is_match(v))),
        }
    }
}

/// The values of header `key` (names compare case-insensitively, as Go canonicalizes them).
fn header_values(req: &Request, key: &str) -> Vec<String> {
    let found = req
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(key));
    found.map(|(_, v)| v.clone()).collect()
}

/// `host` in matcher.go: equal, or equal once a trailing dot is dropped on either side.
fn host_matches(rule_host: &str, request_host: &str) -> bool {
    !request_host.is_empty()
        && (request_host == rule_host
            || rule_host.strip_suffix('.') == Some(request_host)
            || request_host.strip_suffix('.') == Some(rule_host))
}

impl Net {
    fn parse(text: &str) -> Option<Net> {
        if let Some(base) = ipv4(text) {
            return Some(Net::V4 { base, bits: 32 });
        }
        if let Some((addr, bits)) = text.split_once('/') {
            let bits: u32 = bits
                .parse()
                .ok()
                .filter(|b| *b <= 32 && !bits.starts_with('+'))?;
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            return Some(Net::V4 {
                base: ipv4(addr)? & mask,
                bits,
            });
        }
        (text.contains(':') && text.chars().all(|c| c.is_ascii_hexdigit() || c == ':'))
            .then(|| Net::Text(text.to_ascii_lowercase()))
    }

    fn contains(&self, client: &str) -> bool {
        let addr = match client.rsplit_once(':') {
            Some((a, port)) if ipv4(a).is_some() && port.parse::<u16>().is_ok() => a,
            _ => client
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or(""),
        };
        match self {
            Net::V4 { base, bits } => {
                let mask = if *bits == 0 {
                    0
                } else {
                    u32::MAX << (32 - bits)
                };
                ipv4(addr).is_some_and(|ip| ip & mask == *base)
            }
            Net::Text(t) => addr.eq_ignore_ascii_case(t),
        }
    }
}

fn ipv4(text: &str) -> Option<u32> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    parts.iter().try_fold(0u32, |acc, p| {
        let ok = !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit());
        let n: u8 = p.parse().ok().filter(|_| ok)?;
        Some(acc << 8 | u32::from(n))
    })
}

/// Go's `%q` for the matcher errors.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%v` for a `[]string`.
fn go_list<T: fmt::Display>(items: &[T]) -> String {
    let items: Vec<String> = items.iter().map(|i| i.to_string()).collect();
    format!("[{}]", items.join(" "))
}

/// `matchersTree.addRule`: builds every leaf, wrapping errors as Traefik does (an error in the
/// left branch of and/or is wrapped with "error while adding rule and: ", the right one is not).
fn add_rule(tree: &predicate::Tree) -> Result<Node, (String, usize)> {
    use predicate::Tree;
    match tree {
        Tree::And(l, r) | Tree::Or(l, r) => {
            let word = if matches!(tree, Tree::And(..)) {
                "and"
            } else {
                "or"
            };
            let left = add_rule(l)
                .map_err(|(e, at)| (format!("error while adding rule {word}: {e}"), at))?;
            let right = add_rule(r)?;
            Ok(match tree {
                Tree::And(..) => Node::And(Box::new(left), Box::new(right)),
                _ => Node::Or(Box::new(left), Box::new(right)),
            })
        }
        Tree::Leaf {
            matcher,
            not,
            values,
            at,
        } => {
            let name = matcher.name();
            if values.is_empty() {
                let e = format!("error while checking rule {name}: no args for matcher {name}");
                return Err((e, *at));
            }
            if values.iter().any(|v| v.is_empty()) {
                let list = go_list(values);
                let e = format!(
                    "error while checking rule {name}: empty args for matcher {name}, {list}"
                );
                return Err((e, *at));
            }
            let test = build(*matcher, values)
                .map_err(|e| (format!("error while adding rule {name}: {e}"), *at))?;
            Ok(Node::Leaf { not: *not, test })
        }
    }
}

/// One matcher from its values (`expectNParameters` then the matcher's own checks).
fn build(matcher: Matcher, values: &[String]) -> Result<Test, String> {
    if !matcher.arity().contains(&values.len()) {
        let got = values.len();
        let expected = go_list(matcher.arity());
        return Err(format!(
            "unexpected number of parameters; got {got}, expected one of {expected}"
        ));
    }
    let first = values[0].clone();
    let second = values.get(1).cloned().unwrap_or_default();
    let regexp = |what: &str, pattern: &str| {
        Regexp::compile(pattern).map_err(|e| format!("compiling {what} matcher: {e}"))
    };
    let ascii = |what: &str| {
        if first.is_ascii() {
            Ok(())
        } else {
            let q = go_quote(&first);
            Err(format!(
                "invalid value {q} for {what} matcher, non-ASCII characters are not allowed"
            ))
        }
    };
    let slash = || {
        if first.starts_with('/') {
            Ok(())
        } else {
            Err(format!(
                "path {} does not start with a '/'",
                go_quote(&first)
            ))
        }
    };
    Ok(match matcher {
        Matcher::ClientIP => Test::ClientIP(Net::parse(&first).ok_or_else(|| {
            format!("initializing IP checker for ClientIP matcher: parsing CIDR trusted IPs <nil>: invalid CIDR address: {first}")
        })?),
        Matcher::Method => Test::Method(first.to_uppercase()),
        Matcher::Host => ascii("Host").map(|_| Test::Host(first.to_ascii_lowercase()))?,
        Matcher::HostRegexp => {
            ascii("HostRegexp")?;
            Test::HostRegexp(regexp("HostRegexp", &first)?)
        }
        Matcher::Path => slash().map(|_| Test::Path(first.clone()))?,
        // Traefik's own message says PathPrefix here (matcher.go, `pathRegexp`).
        Matcher::PathRegexp => Test::PathRegexp(regexp("PathPrefix", &first)?),
        Matcher::PathPrefix => slash().map(|_| Test::PathPrefix(first.clone()))?,
        Matcher::Header => Test::Header(first, second),
        Matcher::HeaderRegexp => Test::HeaderRegexp(first, regexp("HeaderRegexp", &second)?),
        Matcher::Query => Test::Query(first, second),
        Matcher::QueryRegexp if values.len() == 1 => Test::Query(first, second),
        Matcher::QueryRegexp => Test::QueryRegexp(first, regexp("QueryRegexp", &second)?),
    })
}

/// Go's scanner and expression parser, as far as a rule needs them.
mod syntax {
    /// A literal's kind, as Go's `token` names it.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum LitKind {
        String,
        Char,
        Int,
        Float,
    }

    #[derive(Clone, PartialEq, Eq, Debug)]
    pub enum Expr {
        Ident(String, usize),
        Lit(LitKind, String, usize),
        Call {
            fun: Box<Expr>,
            args: Vec<Expr>,
            at: usize,
        },
        Paren(Box<Expr>),
        Not(Box<Expr>, usize),
        Binary(&'static str, Box<Expr>, Box<Expr>),
    }

    impl Expr {
        /// The Go AST type predicate names in its errors.
        pub fn go_type(&self) -> &'static str {
            match self {
                Expr::Ident(..) => "*ast.Ident",
                Expr::Lit(..) => "*ast.BasicLit",
                Expr::Call { .. } => "*ast.CallExpr",
                Expr::Paren(..) => "*ast.ParenExpr",
                Expr::Not(..) => "*ast.UnaryExpr",
                Expr::Binary(..) => "*ast.BinaryExpr",
            }
        }
    }

    #[derive(Clone, PartialEq, Eq, Debug)]
    enum Tok {
        Ident(String),
        Lit(LitKind, String),
        Punct(&'static str),
        /// The semicolon Go inserts at a newline or at the end after an operand.
        Newline,
        Eof,
        /// A scanner error, reported when the parser reaches it.
        Bad(String),
    }

    const PUNCT: &[&str] = &[
        "&&", "||", "==", "!=", "<=", ">=", "!", "(", ")", ",", "<", ">", "+", "-", "*", "/", "%",
        "&", "|", "^", "=", ";", ".", ":", "[", "]", "{", "}",
    ];

    /// Binary operators and their Go precedence.
    fn precedence(op: &str) -> Option<u8> {
        Some(match op {
            "||" => 1,
            "&&" => 2,
            "==" | "!=" | "<" | "<=" | ">" | ">=" => 3,
            "+" | "-" | "|" | "^" => 4,
            "*" | "/" | "%" | "&" => 5,
            _ => return None,
        })
    }

    /// Go's `line:column` for a byte offset.
    pub fn position(src: &str, at: usize) -> String {
        let before = &src.as_bytes()[..at.min(src.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = at
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        format!("{line}:{column}")
    }

    struct Scanner<'a> {
        src: &'a str,
        at: usize,
        insert_semi: bool,
        done: bool,
    }

    impl Scanner<'_> {
        fn next_token(&mut self) -> (Tok, usize) {
            let bytes = self.src.as_bytes();
            while self.at < bytes.len() && matches!(bytes[self.at], b' ' | b'\t' | b'\r' | b'\n') {
                if bytes[self.at] == b'\n' && self.insert_semi {
                    self.insert_semi = false;
                    self.at += 1;
                    return (Tok::Newline, self.at - 1);
                }
                self.at += 1;
            }
            let start = self.at;
            if start >= bytes.len() {
                if std::mem::take(&mut self.insert_semi) {
                    return (Tok::Newline, start);
                }
                self.done = true;
                return (Tok::Eof, start);
            }
            let tok = self.token(start);
            self.insert_semi = matches!(tok, Tok::Ident(_) | Tok::Lit(..) | Tok::Punct(")"));
            (tok, start)
        }

        fn token(&mut self, start: usize) -> Tok {
            let rest = &self.src[start..];
            let c = rest.chars().next().unwrap_or('\0');
            if c.is_alphabetic() || c == '_' {
                let len = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                self.at += len;
                return Tok::Ident(rest[..len].to_string());
            }
            if c.is_ascii_digit() {
                let len = rest
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(rest.len());
                self.at += len;
                let kind = if rest[..len].contains('.') {
                    LitKind::Float
                } else {
                    LitKind::Int
                };
                return Tok::Lit(kind, rest[..len].to_string());
            }
            match c {
                '`' => self.raw_string(start),
                '"' => self.string(start),
                '\'' => self.rune(start),
                _ => match PUNCT.iter().find(|p| rest.starts_with(**p)) {
                    Some(p) => {
                        self.at += p.len();
                        Tok::Punct(p)
                    }
                    None => {
                        self.at += c.len_utf8();
                        let at = position(self.src, start);
                        Tok::Bad(format!("{at}: illegal character U+{:04X} '{c}'", c as u32))
                    }
                },
            }
        }

        fn raw_string(&mut self, start: usize) -> Tok {
            match self.src[start + 1..].find('`') {
                Some(end) => {
                    self.at = start + 1 + end + 1;
                    let value = self.src[start + 1..start + 1 + end].replace('\r', "");
                    Tok::Lit(LitKind::String, value)
                }
                None => {
                    self.at = self.src.len();
                    let at = position(self.src, start);
                    Tok::Bad(format!("{at}: raw string literal not terminated"))
                }
            }
        }

        /// A `"..."` string, unquoted (escapes: `\\ \" \n \t \r \a \b \f \v \xHH`).
        fn string(&mut self, start: usize) -> Tok {
            let mut value = String::new();
            let mut chars = self.src[start + 1..].char_indices();
            while let Some((i, c)) = chars.next() {
                let here = start + 1 + i;
                match c {
                    '"' => {
                        self.at = here + 1;
                        return Tok::Lit(LitKind::String, value);
                    }
                    '\n' => break,
                    '\\' => match escape(&mut chars) {
                        Some(e) => value.push(e),
                        None => {
                            self.at = self.src.len();
                            let at = position(self.src, here);
                            return Tok::Bad(format!("{at}: unknown escape sequence"));
                        }
                    },
                    c => value.push(c),
                }
            }
            self.at = self.src.len();
            Tok::Bad(format!(
                "{}: string literal not terminated",
                position(self.src, start)
            ))
        }

        /// `'x'`: a CHAR literal (which predicate then refuses), or Go's rune errors.
        fn rune(&mut self, start: usize) -> Tok {
            let rest = &self.src[start + 1..];
            let end = rest
                .find(['\'', '\n'])
                .filter(|&e| rest.as_bytes()[e] == b'\'');
            let at = position(self.src, start);
            match end {
                None => {
                    self.at = self.src.len();
                    Tok::Bad(format!("{at}: rune literal not terminated"))
                }
                Some(0) => {
                    self.at = start + 2;
                    Tok::Bad(format!(
                        "{at}: empty rune literal or unescaped ' in rune literal"
                    ))
                }
                Some(e) if rest[..e].chars().count() == 1 => {
                    self.at = start + 1 + e + 1;
                    Tok::Lit(LitKind::Char, rest[..e].to_string())
                }
                Some(e) => {
                    self.at = start + 1 + e + 1;
                    Tok::Bad(format!("{at}: illegal rune literal"))
                }
            }
        }
    }

    fn escape(chars: &mut std::str::CharIndices<'_>) -> Option<char> {
        Some(match chars.next()?.1 {
            '\\' => '\\',
            '"' => '"',
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'a' => '\x07',
            'b' => '\x08',
            'f' => '\x0c',
            'v' => '\x0b',
            'x' => {
                let hi = chars.next()?.1.to_digit(16)?;
                let lo = chars.next()?.1.to_digit(16)?;
                char::from_u32(hi * 16 + lo)?
            }
            _ => return None,
        })
    }

    struct Parser<'a> {
        src: &'a str,
        scanner: Scanner<'a>,
        tok: Tok,
        at: usize,
        /// The source text of a literal token, for "found `a`".
        lit_text: &'a str,
    }

    type Parsed<T> = Result<T, (String, usize)>;

    /// `go/parser.ParseExpr`: the expression, or Go's first error ("1:6: ...") and its offset.
    pub fn parse(src: &str) -> Parsed<Expr> {
        let scanner = Scanner {
            src,
            at: 0,
            insert_semi: false,
            done: false,
        };
        let mut p = Parser {
            src,
            scanner,
            tok: Tok::Eof,
            at: 0,
            lit_text: "",
        };
        p.next()?;
        let expr = p.binary(1)?;
        if p.tok == Tok::Newline {
            p.next()?;
        }
        p.expect_eof()?;
        Ok(expr)
    }

    impl Parser<'_> {
        fn next(&mut self) -> Parsed<()> {
            let (tok, at) = if self.scanner.done {
                (Tok::Eof, self.src.len())
            } else {
                self.scanner.next_token()
            };
            self.lit_text = &self.src[at..self.scanner.at.max(at)];
            if let Tok::Bad(message) = tok {
                return Err((message, at));
            }
            self.tok = tok;
            self.at = at;
            Ok(())
        }

        /// Go's `errorExpected`.
        fn expected(&self, what: &str) -> (String, usize) {
            let found = match &self.tok {
                Tok::Newline => "newline".to_string(),
                Tok::Eof => "'EOF'".to_string(),
                Tok::Punct(p) => format!("'{p}'"),
                Tok::Ident(_) | Tok::Lit(..) | Tok::Bad(_) => self.lit_text.to_string(),
            };
            let at = position(self.src, self.at);
            (format!("{at}: expected {what}, found {found}"), self.at)
        }

        fn expect_eof(&self) -> Parsed<()> {
            match self.tok {
                Tok::Eof => Ok(()),
                _ => Err(self.expected("'EOF'")),
            }
        }

        fn binary(&mut self, min: u8) -> Parsed<Expr> {
            let mut left = self.unary()?;
            loop {
                let op = match self.tok {
                    Tok::Punct(op) if precedence(op).is_some_and(|p| p >= min) => op,
                    _ => return Ok(left),
                };
                let prec = precedence(op).unwrap_or(0);
                self.next()?;
                let right = self.binary(prec + 1)?;
                left = Expr::Binary(op, Box::new(left), Box::new(right));
            }
        }

        fn unary(&mut self) -> Parsed<Expr> {
            if self.tok == Tok::Punct("!") {
                let at = self.at;
                self.next()?;
                return Ok(Expr::Not(Box::new(self.unary()?), at));
            }
            let mut expr = self.operand()?;
            while self.tok == Tok::Punct("(") {
                let at = match &expr {
                    Expr::Ident(_, at) | Expr::Lit(_, _, at) => *at,
                    _ => self.at,
                };
                self.next()?;
                let args = self.arguments()?;
                expr = Expr::Call {
                    fun: Box::new(expr),
                    args,
                    at,
                };
            }
            Ok(expr)
        }

        /// After `(`: the argument list and its `)`.
        fn arguments(&mut self) -> Parsed<Vec<Expr>> {
            let mut args = Vec::new();
            while self.tok != Tok::Punct(")") && self.tok != Tok::Eof {
                args.push(self.binary(1)?);
                match self.tok {
                    Tok::Punct(",") => self.next()?,
                    Tok::Punct(")") => break,
                    _ => {
                        let before = if self.tok == Tok::Newline {
                            " before newline"
                        } else {
                            ""
                        };
                        let at = position(self.src, self.at);
                        return Err((
                            format!("{at}: missing ','{before} in argument list"),
                            self.at,
                        ));
                    }
                }
            }
            self.expect_close()?;
            Ok(args)
        }

        fn expect_close(&mut self) -> Parsed<()> {
            if self.tok != Tok::Punct(")") {
                return Err(self.expected("')'"));
            }
            self.next()
        }

        fn operand(&mut self) -> Parsed<Expr> {
            let at = self.at;
            let expr = match &self.tok {
                Tok::Ident(name) => Expr::Ident(name.clone(), at),
                Tok::Lit(kind, value) => Expr::Lit(*kind, value.clone(), at),
                Tok::Punct("(") => {
                    self.next()?;
                    let inner = self.binary(1)?;
                    self.expect_close()?;
                    return Ok(Expr::Paren(Box::new(inner)));
                }
                _ => return Err(self.expected("operand")),
            };
            self.next()?;
            Ok(expr)
        }
    }
}

/// vulcand/predicate's walk of the Go AST, with traefik's `rules` callbacks.
mod predicate {
    use super::Matcher;
    use super::syntax::{Expr, LitKind};

    /// traefik's `rules.Tree`, `!` already pushed to the leaves.
    #[derive(Clone, PartialEq, Eq, Debug)]
    pub enum Tree {
        And(Box<Tree>, Box<Tree>),
        Or(Box<Tree>, Box<Tree>),
        Leaf {
            matcher: Matcher,
            not: bool,
            values: Vec<String>,
            at: usize,
        },
    }

    pub enum Value {
        Tree(Tree),
        /// A literal where a rule was expected; its Go type for reflect's message.
        Literal(&'static str),
    }

    type Walked<T> = Result<T, (String, usize)>;

    fn go_type(kind: LitKind) -> &'static str {
        match kind {
            LitKind::Int => "int",
            LitKind::Float => "float64",
            LitKind::String | LitKind::Char => "string",
        }
    }

    /// `rules.invert`: De Morgan down to the leaves.
    fn invert(tree: Tree) -> Tree {
        match tree {
            Tree::And(l, r) => Tree::Or(Box::new(invert(*l)), Box::new(invert(*r))),
            Tree::Or(l, r) => Tree::And(Box::new(invert(*l)), Box::new(invert(*r))),
            Tree::Leaf {
                matcher,
                not,
                values,
                at,
            } => Tree::Leaf {
                matcher,
                not: !not,
                values,
                at,
            },
        }
    }

    fn as_tree(value: Value, at: usize) -> Walked<Tree> {
        match value {
            Value::Tree(tree) => Ok(tree),
            Value::Literal(t) => Err((
                format!("reflect: Call using {t} as type rules.TreeBuilder"),
                at,
            )),
        }
    }

    /// `parseNode`.
    pub fn evaluate(expr: &Expr) -> Walked<Value> {
        match expr {
            Expr::Lit(LitKind::Char, _, at) => Err((
                "unsupported function argument type: 'CHAR'".to_string(),
                *at,
            )),
            Expr::Lit(kind, _, _) => Ok(Value::Literal(go_type(*kind))),
            Expr::Ident(_, at) => Err(("unsupported *ast.Ident".to_string(), *at)),
            Expr::Paren(inner) => evaluate(inner),
            Expr::Not(inner, at) => Ok(Value::Tree(invert(as_tree(evaluate(inner)?, *at)?))),
            Expr::Binary(op, l, r) => {
                let left = evaluate(l)?;
                let right = evaluate(r)?;
                let at = start(l);
                let (left, right) = match *op {
                    "&&" | "||" => (as_tree(left, at)?, as_tree(right, at)?),
                    op => return Err((format!("{op} is not supported"), at)),
                };
                Ok(Value::Tree(if *op == "&&" {
                    Tree::And(Box::new(left), Box::new(right))
                } else {
                    Tree::Or(Box::new(left), Box::new(right))
                }))
            }
            Expr::Call { fun, args, at } => call(fun, args, *at),
        }
    }

    fn start(expr: &Expr) -> usize {
        match expr {
            Expr::Ident(_, at) | Expr::Lit(_, _, at) | Expr::Not(_, at) => *at,
            Expr::Call { at, .. } => *at,
            Expr::Paren(inner) => start(inner).saturating_sub(1),
            Expr::Binary(_, l, _) => start(l),
        }
    }

    fn call(fun: &Expr, args: &[Expr], at: usize) -> Walked<Value> {
        let Expr::Ident(name, _) = fun else {
            return Err((format!("expected identifier, got: {}", fun.go_type()), at));
        };
        let matcher = Matcher::from_name(name)
            .ok_or_else(|| (format!("unsupported function: {name}"), at))?;
        let mut values = Vec::new();
        for arg in args {
            match arg {
                Expr::Lit(LitKind::Char, ..) => {
                    return Err(("unsupported function argument type: 'CHAR'".to_string(), at));
                }
                Expr::Lit(LitKind::String, value, _) => values.push(value.clone()),
                Expr::Lit(..) => {}
                other => return Err((format!("expected literal, got {}", other.go_type()), at)),
            }
        }
        if let Some(Expr::Lit(kind, ..)) = args
            .iter()
            .find(|a| !matches!(a, Expr::Lit(LitKind::String, ..)))
        {
            let t = go_type(*kind);
            return Err((format!("reflect: Call using {t} as type string"), at));
        }
        Ok(Value::Tree(Tree::Leaf {
            matcher,
            not: false,
            values,
            at,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(rule: &str) -> RuleError {
        parse(rule).expect_err(rule)
    }

    fn ok(rule: &str) -> Rule {
        parse(rule).unwrap_or_else(|e| panic!("{e}"))
    }

    fn req(host: &str, path: &str) -> Request {
        Request::get(host, path)
    }

    #[test]
    fn rule_precedence_and_binds_tighter_traefik_rules_parser() {
        // Go's precedence: && (2) above || (1), so this is a || (b && /x).
        let rule = ok("Host(`a`) || Host(`b`) && Path(`/x`)");
        assert!(rule.matches(&req("a", "/")));
        assert!(!rule.matches(&req("b", "/")));
        assert!(rule.matches(&req("b", "/x")));
        let grouped = ok("(Host(`a`) || Host(`b`)) && Path(`/x`)");
        assert!(!grouped.matches(&req("a", "/")));
        assert!(grouped.matches(&req("a", "/x")));
    }

    #[test]
    fn not_is_pushed_down_by_de_morgan_traefik_rules_invert() {
        let rule = ok("!(Host(`a`) && Path(`/x`))");
        let Node::Or(left, right) = &rule.tree else {
            panic!("{:?}", rule.tree)
        };
        assert!(matches!(**left, Node::Leaf { not: true, .. }));
        assert!(matches!(**right, Node::Leaf { not: true, .. }));
        assert!(!rule.matches(&req("a", "/x")));
        assert!(rule.matches(&req("a", "/y")));
        assert!(ok("!!Host(`a`)").matches(&req("a", "/")));
    }

    #[test]
    fn default_priority_is_rule_length_traefik_routing_priority() {
        // traefik pkg/muxer/http/mux.go GetRulePriority: len(rule), backticks and spaces counted.
        assert_eq!(default_priority("Host(`example.com`)"), 19);
        assert_eq!(default_priority("PathPrefix(`/api`)"), 18);
        assert_eq!(
            default_priority("Host(`example.com`) && PathPrefix(`/api`)"),
            41
        );
        // Host beats PathPrefix by length: /api lands on the front end.
        let front = ok("Host(`example.com`)");
        let api = ok("PathPrefix(`/api`)");
        let routers = [
            (default_priority(&api.text), &api),
            (default_priority(&front.text), &front),
        ];
        assert_eq!(route(&routers, &req("example.com", "/api/users")), Some(1));
        // The fixes: a combined rule (41), or an explicit priority.
        let combined = ok("Host(`example.com`) && PathPrefix(`/api`)");
        let fixed = [(19, &front), (default_priority(&combined.text), &combined)];
        assert_eq!(route(&fixed, &req("example.com", "/api/users")), Some(1));
        let explicit = [(19, &front), (100, &api)];
        assert_eq!(route(&explicit, &req("example.com", "/api")), Some(1));
        assert_eq!(route(&explicit, &req("other.org", "/")), None);
    }

    #[test]
    fn v2_several_values_fail_in_v3_traefik_migrate_v2_to_v3_details() {
        let e = err("Host(`a`, `b`)");
        assert_eq!(e.stage, Stage::Add);
        assert_eq!(
            e.to_string(),
            "error while parsing rule Host(`a`, `b`): error while adding rule Host(`a`, `b`): \
             error while adding rule Host: unexpected number of parameters; got 2, expected one of [1]"
        );
        let e = err("Header(`X-Env`)");
        assert!(e.cause.ends_with("got 1, expected one of [2]"), "{e}");
        assert!(ok("Query(`mobile`)").matches(&Request {
            query: "mobile".into(),
            ..req("a", "/")
        }));
        let e = err("Query(`a`, `b`, `c`)");
        assert!(e.cause.ends_with("got 3, expected one of [1 2]"), "{e}");
    }

    #[test]
    fn unknown_matcher_is_unsupported_function_vulcand_predicate_parse() {
        let e = err("Hots(`a`)");
        assert_eq!(
            e.to_string(),
            "error while parsing rule Hots(`a`): error while parsing rule Hots(`a`): unsupported function: Hots"
        );
        assert_eq!(e.at, 0);
        // v2 names are gone in v3 (migration guide: Headers → Header, HostHeader removed).
        assert_eq!(
            err("Headers(`X`, `y`)").cause,
            "unsupported function: Headers"
        );
        assert_eq!(
            err("Host(`a`) && HostHeader(`b`)").cause,
            "unsupported function: HostHeader"
        );
        assert_eq!(err("Host(`a`) && HostHeader(`b`)").at, 13);
    }

    #[test]
    fn matcher_names_in_four_spellings_traefik_rules_new_parser() {
        for rule in [
            "Host(`a`)",
            "host(`a`)",
            "HOST(`a`)",
            "Hostregexp(`^a$`)",
            "PATHPREFIX(`/`)",
        ] {
            assert!(ok(rule).matches(&req("a", "/")), "{rule}");
        }
        assert_eq!(
            err("hostRegexp(`a`)").cause,
            "unsupported function: hostRegexp"
        );
    }

    #[test]
    fn syntax_errors_are_go_parse_expr_errors_vulcand_predicate() {
        let cases = [
            ("", "1:1: expected operand, found 'EOF'", 0),
            (
                "Host(`a`",
                "1:9: missing ',' before newline in argument list",
                8,
            ),
            ("Host(`a` `b`)", "1:10: missing ',' in argument list", 9),
            ("Host(`a)", "1:6: raw string literal not terminated", 5),
            ("Host(\"a)", "1:6: string literal not terminated", 5),
            ("(Host(`a`)", "1:11: expected ')', found newline", 10),
            ("Host(`a`))", "1:10: expected 'EOF', found ')'", 9),
            ("Host(`a`) &&", "1:13: expected operand, found 'EOF'", 12),
            (
                "Host(`a`) && && Path(`/`)",
                "1:14: expected operand, found '&&'",
                13,
            ),
            (
                "Host(`a`) and Path(`/`)",
                "1:11: expected 'EOF', found and",
                10,
            ),
            ("Host(", "1:6: expected ')', found 'EOF'", 5),
            ("Host(`a`) @", "1:11: illegal character U+0040 '@'", 10),
            ("Host('example.com')", "1:6: illegal rune literal", 5),
            (
                "Host(`a`)\n&& Path(`/`)",
                "2:1: expected 'EOF', found '&&'",
                10,
            ),
        ];
        for (rule, cause, at) in cases {
            let e = err(rule);
            assert_eq!(
                (e.stage, e.cause.as_str(), e.at),
                (Stage::Parse, cause, at),
                "{rule}"
            );
        }
        assert_eq!(
            err("").to_string(),
            "error while parsing rule : error while parsing rule : 1:1: expected operand, found 'EOF'"
        );
    }

    #[test]
    fn predicate_refuses_what_is_not_a_matcher_call_vulcand_predicate_parse() {
        assert_eq!(err("Host").cause, "unsupported *ast.Ident");
        assert_eq!(err("Host(Path)").cause, "expected literal, got *ast.Ident");
        assert_eq!(err("Host(`a`) & Path(`/`)").cause, "& is not supported");
        assert_eq!(err("Host(`a`) == Host(`b`)").cause, "== is not supported");
        assert_eq!(
            err("Host(1)").cause,
            "reflect: Call using int as type string"
        );
        let bare = err("`a`");
        assert_eq!(bare.stage, Stage::NotARule);
        assert_eq!(
            bare.to_string(),
            "error while parsing rule `a`: error while parsing rule `a`"
        );
    }

    #[test]
    fn single_quotes_are_refused_traefik_rules_and_priority() {
        // doc.traefik.io: values use backticks or escaped double quotes; single quotes are not accepted.
        assert_eq!(
            err("Host('a')").cause,
            "unsupported function argument type: 'CHAR'"
        );
        assert!(ok("Host(\"a\")").matches(&req("a", "/")));
        assert!(
            ok("Header(\"X-Quote\", \"say \\\"hi\\\"\")").matches(&Request {
                headers: vec![("x-quote".into(), "say \"hi\"".into())],
                ..req("a", "/")
            })
        );
    }

    #[test]
    fn empty_or_missing_values_traefik_rules_check_rule() {
        assert_eq!(
            err("Host(``)").cause,
            "error while checking rule Host: empty args for matcher Host, []"
        );
        assert_eq!(
            err("Host()").cause,
            "error while checking rule Host: no args for matcher Host"
        );
        assert_eq!(
            err("Header(`X`, ``)").cause,
            "error while checking rule Header: empty args for matcher Header, [X ]"
        );
    }

    #[test]
    fn left_branch_errors_are_wrapped_traefik_mux_add_rule() {
        let bad = "error while adding rule Path: path \"x\" does not start with a '/'";
        assert_eq!(
            err("Path(`x`) && Host(`a`)").cause,
            format!("error while adding rule and: {bad}")
        );
        assert_eq!(err("Host(`a`) && Path(`x`)").cause, bad);
        // `!` turned the && into an || before the matchers are built.
        assert_eq!(
            err("!(Path(`x`) && Host(`a`))").cause,
            format!("error while adding rule or: {bad}")
        );
        assert_eq!(err("Host(`a`) && Path(`x`)").at, 13);
    }

    #[test]
    fn matcher_value_errors_traefik_matcher_go() {
        assert_eq!(
            err("Host(`exämple.com`)").cause,
            "error while adding rule Host: invalid value \"exämple.com\" for Host matcher, non-ASCII characters are not allowed"
        );
        assert_eq!(
            err("PathRegexp(`(`)").cause,
            "error while adding rule PathRegexp: compiling PathPrefix matcher: error parsing regexp: missing closing ): `(`"
        );
        assert_eq!(
            err("ClientIP(`10.0.0.0/33`)").cause,
            "error while adding rule ClientIP: initializing IP checker for ClientIP matcher: \
             parsing CIDR trusted IPs <nil>: invalid CIDR address: 10.0.0.0/33"
        );
    }

    #[test]
    fn host_is_lowercase_and_portless_traefik_matcher_host() {
        let rule = ok("Host(`Example.COM`)");
        assert!(rule.matches(&req("example.com:8080", "/")));
        assert!(rule.matches(&req("EXAMPLE.com", "/")));
        assert!(rule.matches(&req("example.com.", "/")));
        assert!(!rule.matches(&req("www.example.com", "/")));
        assert!(!rule.matches(&req("", "/")));
    }

    #[test]
    fn path_prefix_matches_products_for_sale_traefik_rules_and_priority() {
        let rule = ok("PathPrefix(`/products`)");
        assert!(rule.matches(&req("a", "/products-for-sale")));
        assert!(rule.matches(&req("a", "/products/1")));
        assert!(!rule.matches(&req("a", "/product")));
        assert!(ok("Path(`/products`)").matches(&req("a", "/products")));
        assert!(!ok("Path(`/products`)").matches(&req("a", "/products/")));
        assert_eq!(
            err("PathPrefix(`api`)").cause,
            "error while adding rule PathPrefix: path \"api\" does not start with a '/'"
        );
    }

    #[test]
    fn regexp_matchers_on_documented_examples_traefik_rules_and_priority() {
        let host = ok("HostRegexp(`^.+\\.example\\.com$`)");
        assert!(host.matches(&req("www.Example.com:443", "/")));
        assert!(!host.matches(&req("example.com", "/")));
        let images = ok("PathRegexp(`\\.(jpeg|jpg|png)$`)");
        assert!(images.matches(&req("a", "/img/cat.jpg")));
        assert!(!images.matches(&req("a", "/img/cat.gif")));
        // The entrypoint redirection's own rule (traefik pkg/provider/traefik/internal.go).
        let redirect = ok("HostRegexp(`^.+$`) && !PathPrefix(`/.well-known/acme-challenge/`)");
        assert!(redirect.matches(&req("a.example", "/")));
        assert!(!redirect.matches(&req("a.example", "/.well-known/acme-challenge/tok")));
    }

    #[test]
    fn header_query_method_client_ip_traefik_matcher_go() {
        let mut r = req("a", "/");
        r.headers = vec![("content-type".into(), "application/json".into())];
        r.query = "mobile&lang=en+GB&x=%41".into();
        r.method = "POST".into();
        r.client_ip = "192.168.1.7:51234".into();
        assert!(ok("Header(`Content-Type`, `application/json`)").matches(&r));
        assert!(ok("HeaderRegexp(`Content-Type`, `^application/(json|yaml)$`)").matches(&r));
        assert!(!ok("Header(`Content-Type`, `application`)").matches(&r));
        assert!(ok("Query(`mobile`)").matches(&r));
        assert!(ok("Query(`lang`, `en GB`)").matches(&r));
        assert!(ok("Query(`x`, `A`)").matches(&r));
        assert!(
            !ok("Query(`lang`)").matches(&r),
            "one value means the value \"\""
        );
        assert!(ok("QueryRegexp(`lang`, `^en`)").matches(&r));
        assert!(ok("Method(`post`)").matches(&r));
        assert!(!ok("Method(`GET`)").matches(&r));
        assert!(ok("ClientIP(`192.168.0.0/16`)").matches(&r));
        assert!(ok("ClientIP(`192.168.1.7`)").matches(&r));
        assert!(!ok("ClientIP(`10.0.0.0/8`)").matches(&r));
        assert!(ok("ClientIP(`::1`)").matches(&Request {
            client_ip: "[::1]:80".into(),
            ..req("a", "/")
        }));
    }

    /// A tiny deterministic generator for the fuzz test (no RNG state of the world needed).
    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn bad_input_never_panics() {
        let rules = [
            "Host(`example.com`) && (PathPrefix(`/api`) || PathPrefix(`/dashboard`))",
            "HostRegexp(`^.+$`) && !PathPrefix(`/.well-known/acme-challenge/`)",
            "Header(\"X-A\", \"b\\x41\") || QueryRegexp(`q`, `^(a|b){2,3}?[^x-z]\\d+$`)",
            "!(ClientIP(`10.0.0.0/8`) && Method(`GET`)) || PathRegexp(`(?i)^/ÄB(?:c|d)*$`)",
            "Host('a') == 1.5 & Query(`x`,) || hostregexp(`[`)\n&& ((()))",
        ];
        let probe = Request {
            headers: vec![("X-A".into(), "bA".into())],
            query: "q=aa12".into(),
            client_ip: "10.1.2.3".into(),
            ..req("example.com", "/api")
        };
        for rule in rules {
            for (end, _) in rule.char_indices().chain([(rule.len(), ' ')]) {
                if let Ok(r) = parse(&rule[..end]) {
                    r.matches(&probe);
                }
            }
        }
        let alphabet = b"()`\"'!&|,\\ HostPathRegexp^$.*+?[]{}-09aZ\n\xc3\xa4@=";
        let mut seed = 7;
        for _ in 0..3000 {
            let len = (lcg(&mut seed) % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[(lcg(&mut seed) % alphabet.len() as u64) as usize])
                .collect();
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse(&text);
            for wrapped in [format!("PathRegexp(`{text}`)"), format!("Host(`{text}`)")] {
                if let Ok(r) = parse(&wrapped) {
                    r.matches(&probe);
                }
            }
        }
    }
}
