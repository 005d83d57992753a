//! The URL is the bookmark: `?page=…&scenario=…&seed=…&step=…[&len=…][&in=…]*[&solution][&embed]`.
//! `solution` plays a challenge's reference solution instead of its starting world.
//!
//! Pure functions (no web API), so they are tested natively. Loading the same query must restore
//! the same moment, so besides the page, scenario, seed and step the query keeps what the reader
//! did to the timeline: each line they gave (`in=<step><$|!><text>`, the step count at which it was
//! given, `$` for a command, `!` for a fault), each line that changed nothing but is still on the
//! screen (`in=<step>?<text>`, exactly as typed: a command Docker refused, a `!fault` that does not
//! parse, `clear`) and, when they stepped past the known steps, how many steps were known (`len`).
//! Anything malformed is ignored, never an error: a hand-edited link falls back to the nearest
//! sensible moment. We simplify percent-encoding to what a query needs: UTF-8 bytes outside a
//! small safe set become `%XX`, and a space is `+`.

/// At most this many reader inputs are read from a URL (a link is not a script runner).
pub const MAX_INPUTS: usize = 200;
/// Longest accepted input line, in bytes.
pub const MAX_INPUT_LEN: usize = 2_000;

/// The scenario parameter of the empty host.
pub const FREE_PLAY: &str = "free";
/// The `scenario` of a run the reader brought (a transcript or a file in the link's fragment).
pub const CUSTOM: &str = "custom";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InputKind {
    /// A line typed at the prompt (`$`).
    Command,
    /// A fault injected from the picture or with `!` (`!`).
    Fault,
    /// A line that changed nothing, kept for what it shows (`?`): a refused command or fault, or
    /// `clear`; its text is the line as typed (`!crash nobody`, `docker run --bogus nginx`).
    Scratch,
}

/// One line the reader gave, with the step count at which it was given (it became step `at + 1`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UrlInput {
    pub at: usize,
    pub kind: InputKind,
    pub text: String,
}

impl UrlInput {
    fn encode(&self) -> String {
        let mark = match self.kind {
            InputKind::Command => '$',
            InputKind::Fault => '!',
            InputKind::Scratch => '?',
        };
        format!("{}{mark}{}", self.at, encode(&self.text))
    }

    /// Reads an `in` value that has already been percent-decoded: `<at><$|!|?><text>`.
    fn from_decoded(value: &str) -> Option<UrlInput> {
        let digits = value.find(|c: char| !c.is_ascii_digit())?;
        if digits == 0 || digits > 9 {
            return None;
        }
        let at = value[..digits].parse().ok()?;
        let rest = &value[digits..];
        let kind = match rest.as_bytes().first()? {
            b'$' => InputKind::Command,
            b'!' => InputKind::Fault,
            b'?' => InputKind::Scratch,
            _ => return None,
        };
        let text = rest[1..].trim().to_string();
        // A here-document is one input of several lines (`cat > f <<EOF` … `EOF`).
        if text.is_empty() || text.len() > MAX_INPUT_LEN || text.contains('\r') {
            return None;
        }
        Some(UrlInput { at, kind, text })
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Query {
    pub page: Option<String>,
    pub scenario: Option<String>,
    pub seed: Option<u64>,
    pub step: Option<usize>,
    /// Known steps when the reader ran past the precomputed ones.
    pub len: Option<usize>,
    pub inputs: Vec<UrlInput>,
    /// A challenge's reference solution rather than its starting world.
    pub solution: bool,
    pub embed: bool,
}

/// Parses `location.search` (with or without the leading `?`). Unknown keys are ignored; for a
/// repeated key the first value wins, except `in`, which may repeat.
pub fn parse(search: &str) -> Query {
    let mut q = Query::default();
    let search = search.strip_prefix('?').unwrap_or(search);
    for pair in search.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        };
        let value = value.trim();
        match key.as_str() {
            "page" if q.page.is_none() && is_slug(value) => q.page = Some(value.to_string()),
            "scenario" if q.scenario.is_none() && is_slug(value) => {
                q.scenario = Some(value.to_string())
            }
            "seed" if q.seed.is_none() => q.seed = value.parse().ok(),
            "step" if q.step.is_none() => q.step = value.parse().ok(),
            "len" if q.len.is_none() => q.len = value.parse().ok(),
            "in" if q.inputs.len() < MAX_INPUTS => {
                if let Some(input) = UrlInput::from_decoded(value) {
                    q.inputs.push(input);
                }
            }
            "embed" => q.embed = !matches!(value, "0" | "false" | "no"),
            "solution" => q.solution = !matches!(value, "0" | "false" | "no"),
            _ => {}
        }
    }
    // Inputs apply in the order of the steps they were given at; equal steps keep their order
    // (`serialize` writes a step's scratch lines before the input given there, as they were typed).
    crate::sim::order::sort_by_key(&mut q.inputs, |i| i.at);
    q
}

/// The query string (without `?`), in a fixed order so equal states give equal URLs.
pub fn serialize(q: &Query) -> String {
    let mut parts = Vec::new();
    if let Some(page) = &q.page {
        parts.push(format!("page={}", encode(page)));
    }
    if let Some(scenario) = &q.scenario {
        parts.push(format!("scenario={}", encode(scenario)));
    }
    if let Some(seed) = q.seed {
        parts.push(format!("seed={seed}"));
    }
    if let Some(step) = q.step {
        parts.push(format!("step={step}"));
    }
    if let Some(len) = q.len {
        parts.push(format!("len={len}"));
    }
    for input in &q.inputs {
        parts.push(format!("in={}", input.encode()));
    }
    if q.solution {
        parts.push("solution".to_string());
    }
    if q.embed {
        parts.push("embed".to_string());
    }
    parts.join("&")
}

/// What a link's fragment carries: the reader's files (`#file=CODE`, the "Your file" page) or a
/// transcript (`#scenario=CODE`), each compressed (src/sim/yourfile/link.rs). The fragment is
/// never sent to a server, so a link shares them without uploading anything.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Fragment {
    File(String),
    Scenario(String),
}

impl Fragment {
    /// Reads `location.hash` (with or without its `#`); anything else is no fragment.
    pub fn parse(hash: &str) -> Option<Fragment> {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        if let Some(code) = hash.strip_prefix("file=") {
            return Some(Fragment::File(code.to_string()));
        }
        hash.strip_prefix("scenario=")
            .map(|code| Fragment::Scenario(code.to_string()))
    }

    /// `file=CODE` or `scenario=CODE`, to follow a `#`.
    pub fn serialize(&self) -> String {
        match self {
            Fragment::File(code) => format!("file={code}"),
            Fragment::Scenario(code) => format!("scenario={code}"),
        }
    }
}

/// The page a prerendered file stands for: `…/swarm-basics.html` → `swarm-basics` when that is a
/// page of the path (the build writes one file per page); anything else (`index.html`, a folder,
/// an unknown name) is no page.
pub fn page_of_file(path: &str) -> Option<&'static str> {
    let file = path.rsplit('/').next()?;
    let stem = file.strip_suffix(".html")?;
    if stem == crate::scenario::pitfalls::SLUG {
        return Some(crate::scenario::pitfalls::SLUG);
    }
    crate::scenario::catalogue::page(stem).map(|p| p.slug)
}

/// Slugs are short lowercase words with dashes; anything else is not a page or scenario.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Percent-encodes for a query value: unreserved characters and a few that read well in a URL
/// stay, a space becomes `+`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b':'
            | b'/'
            | b','
            | b'@' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes `+` and `%XX`; a malformed escape is kept as it is; invalid UTF-8 becomes U+FFFD.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fragment_carries_a_file_or_a_scenario() {
        assert_eq!(
            Fragment::parse("#file=abc_-"),
            Some(Fragment::File("abc_-".into()))
        );
        assert_eq!(
            Fragment::parse("scenario=xyz"),
            Some(Fragment::Scenario("xyz".into()))
        );
        assert_eq!(Fragment::parse("#top"), None);
        assert_eq!(Fragment::parse(""), None);
        let f = Fragment::Scenario("q1".into());
        assert_eq!(Fragment::parse(&f.serialize()), Some(f));
    }

    #[test]
    fn a_full_query_round_trips() {
        let q = Query {
            page: Some("containers-lifecycle".into()),
            scenario: Some("pid1-exits".into()),
            seed: Some(7),
            step: Some(3),
            len: Some(40),
            inputs: vec![
                UrlInput {
                    at: 0,
                    kind: InputKind::Command,
                    text: "docker run -d --name web -p 8080:80 nginx".into(),
                },
                UrlInput {
                    at: 2,
                    kind: InputKind::Fault,
                    text: "crash web 139".into(),
                },
                UrlInput {
                    at: 5,
                    kind: InputKind::Command,
                    text: r#"docker ps -a --format "{{.Names}}: 100% & done+ok""#.into(),
                },
            ],
            solution: true,
            embed: true,
        };
        let s = serialize(&q);
        assert!(s.starts_with(
            "page=containers-lifecycle&scenario=pid1-exits&seed=7&step=3&len=40&in=0$docker+run"
        ));
        assert!(s.ends_with("&embed"));
        assert_eq!(parse(&s), q);
        assert_eq!(parse(&format!("?{s}")), q);
    }

    #[test]
    fn garbage_is_ignored_not_fatal() {
        let q = parse(
            "?page=Bad Page&scenario=../x&seed=-1&step=1e9&len=&in=x&in=3&in=3%&in=4%23x&in=99999999999$a&embed=0&%ZZ=1&&=",
        );
        assert_eq!(q, Query::default());
        let q =
            parse("page=containers-lifecycle&page=other&step=4&step=9&seed=18446744073709551615");
        assert_eq!(q.page.as_deref(), Some("containers-lifecycle"));
        assert_eq!(q.step, Some(4));
        assert_eq!(q.seed, Some(u64::MAX));
    }

    #[test]
    fn inputs_are_sorted_by_step_and_kept_in_order_for_ties() {
        let q = parse("in=5$b&in=1$a&in=5!crash+web&in=1$c");
        let got: Vec<(usize, &str)> = q.inputs.iter().map(|i| (i.at, i.text.as_str())).collect();
        assert_eq!(got, vec![(1, "a"), (1, "c"), (5, "b"), (5, "crash web")]);
    }

    #[test]
    fn decoding_handles_escapes_plus_and_bad_utf8() {
        assert_eq!(decode("a+b%20c%2B%25"), "a b c+%");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%4"), "%4");
        assert_eq!(decode("%G1"), "%G1");
        assert_eq!(decode("%FF"), "\u{FFFD}");
        assert_eq!(decode("caf%C3%A9"), "café");
        assert_eq!(encode("café & \"x\""), "caf%C3%A9+%26+%22x%22");
    }

    #[test]
    fn a_page_file_names_its_page() {
        assert_eq!(
            page_of_file("/sub/path/swarm-basics.html"),
            Some("swarm-basics")
        );
        assert_eq!(page_of_file("swarm-basics.html"), Some("swarm-basics"));
        assert_eq!(page_of_file("/sub/path/index.html"), None);
        assert_eq!(page_of_file("/sub/path/"), None);
        assert_eq!(page_of_file("/nope.html"), None);
        assert_eq!(page_of_file(""), None);
    }

    #[test]
    fn scratch_lines_and_here_documents_round_trip() {
        let line = |at, kind, text: &str| UrlInput {
            at,
            kind,
            text: text.into(),
        };
        let q = Query {
            step: Some(2),
            inputs: vec![
                line(0, InputKind::Command, "cat > f <<EOF\nFROM alpine\nEOF"),
                line(1, InputKind::Scratch, "docker run --bogus nginx"),
                line(1, InputKind::Scratch, "clear"),
                line(1, InputKind::Scratch, "!crash nobody 139"),
                line(1, InputKind::Command, "docker ps"),
            ],
            ..Query::default()
        };
        let s = serialize(&q);
        assert_eq!(
            s,
            "step=2&in=0$cat+%3E+f+%3C%3CEOF%0AFROM+alpine%0AEOF&in=1?docker+run+--bogus+nginx\
             &in=1?clear&in=1?%21crash+nobody+139&in=1$docker+ps"
        );
        assert_eq!(parse(&s), q);
        // Links written before scratch lines existed read as they always did.
        let old = parse("page=containers-lifecycle&step=1&in=0$docker+ps&in=0!reboot");
        assert_eq!(
            old.inputs,
            vec![
                line(0, InputKind::Command, "docker ps"),
                line(0, InputKind::Fault, "reboot")
            ]
        );
        assert!(parse("in=1?+").inputs.is_empty());
        assert!(parse("in=1$a%0D%0Ab").inputs.is_empty());
    }

    #[test]
    fn a_bare_embed_flag_counts() {
        assert!(parse("page=x&embed").embed);
        assert!(parse("embed=1").embed);
        assert!(!parse("embed=false").embed);
        assert!(!parse("page=x").embed);
    }
}
