//! Structured fuzzing of what arrives as text from outside: transcripts (src/scenario/parse.rs,
//! then played as a link's scenario is), the site's URL (the query's `page`, `seed`, `step`,
//! `in=` inputs and the `#file=`/`#scenario=` fragment, src/scenario/url.rs), the link codes
//! (src/sim/yourfile/link.rs `unpack`/`unpack_upload`), and Traefik's rule language, regular
//! expressions, static configuration and label-built routers (src/sim/traefik/).
//!
//! A browser hands the page whatever a link holds, and Traefik reads whatever labels a file
//! sets. Properties: no panic and no case past the hang limit; the URL codec reads back what it
//! writes (`parse(serialize(q)) == q`) and drops what it cannot read; a valid link code carries
//! its text exactly, and a cut, flipped, re-encoded or oversized one is an error, never a wrong
//! text; a transcript from a link plays within the product's step budget or says why not.
//! Simplified: the transcript's checks come from the scenario editor's list of forms
//! (`CHECK_FORMS`), their names and numbers from a small pool.
#![cfg(not(target_arch = "wasm32"))]

mod fuzz_support;

use dockyard::scenario::author::CHECK_FORMS;
use dockyard::scenario::url::{self, Fragment, InputKind, Query, UrlInput};
use dockyard::scenario::{Run, SCENARIOS, Scenario};
use dockyard::sim::traefik::{dynamic, regexp, rule, static_config};
use dockyard::sim::yourfile::link;
use dockyard::sim::yourfile::{Target, Upload, UploadFile};
use fuzz_support::{NASTY, Watch, config, mutate_all, mutation, report};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestRunner;

/// The step budget of a scenario that came from a link (src/ui/session.rs `MAX_EXTRA_STEPS`).
const LINK_STEP_BUDGET: usize = 3_000;

fn run(name: &str, default: u32, body: impl Fn(&mut TestRunner) -> Result<(), String>) {
    let cfg = config(default);
    let cases = cfg.cases;
    let mut runner = TestRunner::new(cfg);
    if let Err(e) = body(&mut runner) {
        panic!("{name}: {e}");
    }
    report(name, cases);
}

// ---------------------------------------------------------------------------------------------
// Transcripts
// ---------------------------------------------------------------------------------------------

const COMMANDS: &[&str] = &[
    "docker run -d --name web -p 8080:80 nginx",
    "docker run -d --name db -e POSTGRES_PASSWORD=x postgres:16",
    "docker run --name once alpine echo hi",
    "docker run -d --restart always --name crashy dockyard/crashy",
    "docker stop web",
    "docker rm -f web",
    "docker ps -a",
    "docker logs -f web",
    "docker compose up -d",
    "docker compose down",
    "docker service create --name web --replicas 3 -p 8080:80 nginx",
    "docker service scale web=5",
    "docker swarm init",
    "curl localhost:8080",
    "sleep 5",
    "cat > compose.yaml <<EOF\nservices:\n  web:\n    image: nginx\nEOF",
    "cat > f <<EOF\nno end marker",
    "docker run nginx",
    "ssh node-2",
    "exit",
];
const FAULTS: &[&str] = &[
    "crash web",
    "crash web 3",
    "oom web",
    "busy web",
    "reboot",
    "kill node-2",
    "start node-2",
    "partition node-3",
    "heal",
    "traffic start localhost:8080 20/s",
    "nosuch fault",
];
/// Waits, the long ones included: a year through traffic or a swarm's Raft was unbounded work (a
/// finding, docs/TESTING.md "What it found"); a link now runs at most so many events.
const WAITS: &[&str] = &[
    "1s",
    "30s",
    "5m",
    "1h",
    "2h",
    "0s",
    "-1s",
    "abc",
    "1.5s",
    "",
    "365d",
    "99999999999d",
];

fn waits() -> Vec<&'static str> {
    WAITS.to_vec()
}
const HEADERS: &[&str] = &[
    "# A title",
    "# another title",
    "page: containers-lifecycle",
    "page: nosuch-page",
    "setup: host",
    "setup: host seed=7",
    "setup: host project=node-app",
    "setup: host project=nosuch",
    "setup: swarm managers=3 workers=2",
    "setup: swarm managers=0",
    "setup: swarm workers=99",
    "setup: swarm managers=x",
    "setup: host seed=99999999999999999999999",
    "setup: nosuch",
    "continues: mission-1",
    "continues: nosuch",
    "solution:",
    "hint: try docker ps",
    "debrief: done",
    "> Narration before the next step.",
    "",
];
const NAMES: &[&str] = &["web", "db", "node-2", "8080", "3", "0", "-1", "é", "web_1"];

#[derive(Clone, Debug)]
enum TLine {
    Header(Index),
    Command(Index),
    Fault(Index),
    Wait(Index),
    /// `expect[ eventually| always]:` / `goal[ always]:` + a check form with names filled in.
    Check(u8, Index, Vec<Index>),
}

fn tline() -> impl Strategy<Value = TLine> {
    prop_oneof![
        1 => any::<Index>().prop_map(TLine::Header),
        6 => any::<Index>().prop_map(TLine::Command),
        1 => any::<Index>().prop_map(TLine::Fault),
        2 => any::<Index>().prop_map(TLine::Wait),
        2 => (0u8..6, any::<Index>(), prop::collection::vec(any::<Index>(), 4))
            .prop_map(|(m, f, n)| TLine::Check(m, f, n)),
    ]
}

/// The setup lines a transcript may start with (the first, free play on an empty host).
const SETUPS: &[&str] = &[
    "",
    "setup: host seed=7 project=node-app",
    "setup: host project=compose-app",
    "setup: swarm managers=3 workers=2",
    "setup: swarm managers=1 workers=1",
];

fn transcript(setup: &Index, titled: bool, lines: &[TLine]) -> String {
    let mut head = String::new();
    if titled {
        head.push_str("# Fuzz\n");
    }
    head.push_str(setup.get::<&str>(SETUPS));
    head.push('\n');
    head + &lines
        .iter()
        .map(|l| match l {
            TLine::Header(i) => i.get(HEADERS).to_string(),
            TLine::Command(i) => format!("$ {}", i.get(COMMANDS)),
            TLine::Fault(i) => format!("! {}", i.get(FAULTS)),
            TLine::Wait(i) => format!("wait {}", i.get(&waits())),
            TLine::Check(mode, form, names) => {
                let prefix = [
                    "expect:",
                    "expect eventually:",
                    "expect always:",
                    "goal:",
                    "goal always:",
                    "expect sometimes:",
                ][usize::from(*mode)];
                // Fill the form's upper-case placeholders with names from the pool.
                let mut k = 0;
                let sentence: Vec<String> = form
                    .get(CHECK_FORMS)
                    .form
                    .split(' ')
                    .map(|w| {
                        if w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase() || c == '/') {
                            k += 1;
                            names[k % names.len()].get(NAMES).to_string()
                        } else {
                            w.to_string()
                        }
                    })
                    .collect();
                format!("{prefix} {}", sentence.join(" "))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Transcripts from the grammar's real line forms, parsed and, when they parse, played the way
/// a scenario from a link is (`Run::play_capped` with the link's step budget).
#[test]
fn fuzz_transcripts_from_the_grammar() {
    run("transcripts from the grammar", 150, |runner| {
        runner
            .run(
                &(
                    any::<Index>(),
                    prop::bool::weighted(0.95),
                    prop::collection::vec(tline(), 0..10),
                ),
                |(setup, titled, lines)| {
                    if fuzz_support::out_of_time() {
                        return Ok(());
                    }
                    let watch = Watch::start();
                    let text = transcript(&setup, titled, &lines);
                    let parsed = Scenario::parse(&text);
                    if std::env::var_os("FUZZ_SHOW").is_some() {
                        println!(
                            "---\n{text}\n=> {:?}",
                            parsed.as_ref().map(|s| s.actions.len())
                        );
                    }
                    if let Ok(scenario) = parsed {
                        let played = Run::play_capped(&scenario, None, LINK_STEP_BUDGET);
                        if std::env::var_os("FUZZ_SHOW").is_some() {
                            println!(
                                "=> played: {:?}",
                                played
                                    .as_ref()
                                    .map(|r| r.timeline.len())
                                    .map_err(|e| e.to_string())
                            );
                        }
                        if let Ok(run) = played {
                            fuzz_support::invariants(run.timeline.world(), &text)?;
                            let _ =
                                dockyard::scenario::author::transcript(&run, run.timeline.cursor());
                        }
                    }
                    watch.check(&text)
                },
            )
            .map_err(|e| e.to_string())
    });
}

/// The shipped transcripts mutated (a cut, a flipped bit, lines swapped or re-indented): the
/// parser alone, every case.
#[test]
fn fuzz_shipped_transcripts_mutated() {
    run("shipped transcripts mutated (parser)", 400, |runner| {
        runner
            .run(
                &(any::<Index>(), prop::collection::vec(mutation(), 1..5)),
                |(which, ms)| {
                    if fuzz_support::out_of_time() {
                        return Ok(());
                    }
                    let watch = Watch::start();
                    let text = mutate_all(which.get(SCENARIOS).text, &ms);
                    let _ = Scenario::parse(&text);
                    watch.check(&text)
                },
            )
            .map_err(|e| e.to_string())
    });
}

// ---------------------------------------------------------------------------------------------
// The URL
// ---------------------------------------------------------------------------------------------

fn url_input() -> impl Strategy<Value = UrlInput> {
    (
        0usize..5000,
        prop_oneof![
            Just(InputKind::Command),
            Just(InputKind::Fault),
            Just(InputKind::Scratch)
        ],
        prop::collection::vec(
            prop_oneof![
                3 => select(COMMANDS).prop_map(str::to_string),
                1 => select(NASTY).prop_map(str::to_string),
                1 => "\\PC{0,20}",
            ],
            1..4,
        ),
    )
        .prop_map(|(at, kind, parts)| UrlInput {
            at,
            kind,
            text: parts.concat(),
        })
}

fn slug() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        select(SCENARIOS).prop_map(|s| s.slug.to_string()),
        "[a-z0-9_-]{1,12}",
        "\\PC{0,12}",
    ])
}

fn query() -> impl Strategy<Value = Query> {
    (
        slug(),
        slug(),
        prop::option::of(any::<u64>()),
        prop::option::of(any::<usize>()),
        prop::option::of(any::<usize>()),
        prop::collection::vec(url_input(), 0..6),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(page, scenario, seed, step, len, inputs, solution, embed)| Query {
                page,
                scenario,
                seed,
                step,
                len,
                inputs,
                solution,
                embed,
            },
        )
}

/// A query the site wrote reads back as itself once normalised; any query, however mangled,
/// parses without a panic, keeps at most `MAX_INPUTS` inputs of at most `MAX_INPUT_LEN` bytes,
/// and its parse is a fixed point (`parse(serialize(parse(s))) == parse(s)`).
#[test]
fn fuzz_url_queries() {
    run("URL queries", 1500, |runner| {
        runner
            .run(
                &(query(), prop::collection::vec(mutation(), 0..4)),
                |(q, ms)| {
                    if fuzz_support::out_of_time() {
                        return Ok(());
                    }
                    let watch = Watch::start();
                    let written = url::serialize(&q);
                    let read = url::parse(&written);
                    let again = url::parse(&url::serialize(&read));
                    prop_assert_eq!(&again, &read, "not a fixed point: {}", written);
                    // What the writer wrote survives, unless it was something the reader drops.
                    prop_assert_eq!(read.seed, q.seed);
                    prop_assert_eq!(read.step, q.step);
                    prop_assert_eq!(read.embed, q.embed);
                    let mangled = mutate_all(&written, &ms);
                    let parsed = url::parse(&mangled);
                    prop_assert!(parsed.inputs.len() <= url::MAX_INPUTS);
                    for i in &parsed.inputs {
                        prop_assert!(!i.text.is_empty() && i.text.len() <= url::MAX_INPUT_LEN);
                    }
                    let again = url::parse(&url::serialize(&parsed));
                    prop_assert_eq!(&again, &parsed, "not a fixed point: {}", mangled);
                    let _ = url::page_of_file(&mangled);
                    watch.check(&mangled)
                },
            )
            .map_err(|e| e.to_string())
    });
}

/// Raw strings as a location's search and hash: percent escapes cut in the middle of a UTF-8
/// sequence, `%` at the end, thousands of `in=`.
#[test]
fn fuzz_url_raw_strings() {
    run("URL raw strings", 1500, |runner| {
        let piece = prop_oneof![
            select(
                &[
                    "?",
                    "&",
                    "=",
                    "in=",
                    "0$",
                    "3!",
                    "12?",
                    "page=",
                    "seed=",
                    "step=",
                    "len=",
                    "embed",
                    "solution",
                    "%",
                    "%2",
                    "%E2%82",
                    "%AC",
                    "%zz",
                    "+",
                    "#",
                    "file=",
                    "scenario=",
                    "%0A",
                    "%0D"
                ][..]
            )
            .prop_map(str::to_string),
            select(NASTY).prop_map(str::to_string),
            "\\PC{0,8}",
        ];
        runner
            .run(
                &(prop::collection::vec(piece, 0..40), 0usize..400),
                |(parts, repeat)| {
                    if fuzz_support::out_of_time() {
                        return Ok(());
                    }
                    let watch = Watch::start();
                    let text = parts.concat();
                    let many = format!("{}{text}", "in=1$docker%20ps&".repeat(repeat));
                    for s in [&text, &many] {
                        let q = url::parse(s);
                        prop_assert!(q.inputs.len() <= url::MAX_INPUTS);
                        let _ = url::decode(s);
                        if let Some(f) = Fragment::parse(s) {
                            prop_assert_eq!(Fragment::parse(&f.serialize()), Some(f));
                        }
                    }
                    prop_assert_eq!(url::decode(&url::encode(&text)), text.clone());
                    watch.check(&text)
                },
            )
            .map_err(|e| e.to_string())
    });
}

// ---------------------------------------------------------------------------------------------
// Link codes
// ---------------------------------------------------------------------------------------------

/// How a valid code gets broken on its way.
#[derive(Clone, Debug)]
enum Break {
    Keep,
    /// Cut at a fraction (per mille) of its length.
    Cut(u16),
    /// Replace one character with another of the alphabet, or one outside it.
    Swap(Index, char),
    /// Standard base64 instead of base64url (`+`/`/` and `=` padding).
    Standard,
    /// Surrounding whitespace, a line break in the middle (a chat client wrapping it).
    Wrap(Index),
    /// Longer than a link may be.
    Huge,
}

fn breakage() -> impl Strategy<Value = Break> {
    prop_oneof![
        2 => Just(Break::Keep),
        2 => any::<u16>().prop_map(Break::Cut),
        3 => (any::<Index>(), prop::char::any()).prop_map(|(i, c)| Break::Swap(i, c)),
        1 => Just(Break::Standard),
        1 => any::<Index>().prop_map(Break::Wrap),
        1 => Just(Break::Huge),
    ]
}

fn broken(code: &str, b: &Break) -> String {
    match b {
        Break::Keep => code.to_string(),
        Break::Cut(permille) => {
            let at = code.len() * usize::from(*permille % 1001) / 1000;
            code[..at].to_string()
        }
        Break::Swap(i, c) => {
            let mut chars: Vec<char> = code.chars().collect();
            if !chars.is_empty() {
                let at = i.index(chars.len());
                chars[at] = *c;
            }
            chars.into_iter().collect()
        }
        Break::Standard => {
            let mut s = code.replace('-', "+").replace('_', "/");
            while !s.len().is_multiple_of(4) {
                s.push('=');
            }
            s
        }
        Break::Wrap(i) => {
            let at = i.index(code.len() + 1);
            format!("  {}\n{}  ", &code[..at], &code[at..])
        }
        Break::Huge => code.repeat(link::MAX_LINK_CHARS / code.len().max(1) + 2),
    }
}

fn upload() -> impl Strategy<Value = Upload> {
    let file = (
        select(
            &[
                "compose.yaml",
                ".env",
                "api/Dockerfile",
                "../etc/passwd",
                "/abs",
                "",
                "a\0b",
            ][..],
        ),
        prop_oneof![select(COMMANDS).prop_map(str::to_string), "\\PC{0,200}",],
    )
        .prop_map(|(path, text)| UploadFile {
            path: path.to_string(),
            text,
        });
    (
        prop::collection::vec(file, 0..4),
        prop_oneof![
            Just(Target::Host),
            (0usize..6, 0usize..12)
                .prop_map(|(managers, workers)| Target::Swarm { managers, workers }),
        ],
    )
        .prop_map(|(files, target)| Upload { files, target })
}

/// A code from `pack` carries its text exactly; broken, it is an error or (when the damage
/// left a valid code) some text, never a panic; codes past the length cap are refused unread.
#[test]
fn fuzz_link_codes() {
    run("link codes", 800, |runner| {
        let text = prop_oneof![
            select(SCENARIOS).prop_map(|s| s.text.to_string()),
            "\\PC{0,300}",
            prop::collection::vec(any::<u8>(), 0..200)
                .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        ];
        runner
            .run(
                &(text, breakage(), upload(), breakage()),
                |(text, b, up, b2)| {
                    if fuzz_support::out_of_time() {
                        return Ok(());
                    }
                    let watch = Watch::start();
                    match link::pack(&text) {
                        Ok(code) => {
                            prop_assert_eq!(link::unpack(&code), Ok(text.clone()));
                            let bad = broken(&code, &b);
                            let result = link::unpack(&bad);
                            if bad.len() > link::MAX_LINK_CHARS {
                                let too_long =
                                    matches!(result, Err(link::LinkError::TooLong { .. }));
                                prop_assert!(too_long, "{} chars read: {:?}", bad.len(), result);
                            }
                            if let Ok(t) = &result {
                                prop_assert!(t.len() <= link::MAX_TEXT_BYTES);
                            }
                            let _ = link::unpack_upload(&bad);
                        }
                        Err(e) => {
                            let too_long = matches!(e, link::LinkError::TooLong { .. });
                            prop_assert!(too_long, "pack refused with {:?}", e);
                        }
                    }
                    if let Ok(code) = link::pack_upload(&up) {
                        let back = link::unpack_upload(&code);
                        if up.validate().is_ok() && up.target.clamped() == up.target {
                            prop_assert_eq!(back, Ok(up.clone()));
                        }
                        let _ = link::unpack_upload(&broken(&code, &b2));
                    }
                    watch.check(&text)
                },
            )
            .map_err(|e| e.to_string())
    });
}

/// Codes that inflate past the cap (a "zip bomb" in a link) are refused, and quickly; codes
/// that are not DEFLATE at all are not a code.
#[test]
fn fuzz_link_bombs_and_garbage() {
    run("link bombs and garbage", 200, |runner| {
        runner
            .run(
                &(1usize..64, any::<u8>(), "[A-Za-z0-9_-]{0,400}"),
                |(kib_per_unit, byte, garbage)| {
                    if fuzz_support::out_of_time() {
                        return Ok(());
                    }
                    let watch = Watch::start();
                    // One repeated byte compresses about a thousand times.
                    let big = vec![byte; link::MAX_TEXT_BYTES / 64 * kib_per_unit + 1];
                    let deflated = miniz_oxide::deflate::compress_to_vec(&big, 9);
                    let code = b64url(&deflated);
                    let result = link::unpack(&code);
                    if big.len() > link::MAX_TEXT_BYTES && code.len() <= link::MAX_LINK_CHARS {
                        prop_assert_eq!(result, Err(link::LinkError::TooBig));
                    }
                    let _ = link::unpack(&garbage);
                    let _ = link::unpack_upload(&garbage);
                    watch.check(&garbage)
                },
            )
            .map_err(|e| e.to_string())
    });
}

/// base64url without padding, as the product writes it (a test-side copy: the product's is
/// private).
fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Traefik
// ---------------------------------------------------------------------------------------------

const RULE_VALUES: &[&str] = &[
    "`example.com`",
    "`app.example.com`",
    "`/api`",
    "`/`",
    "`GET`",
    "`X-Forwarded-Proto`",
    "`https`",
    "`10.0.0.0/8`",
    "`192.168.1.1`",
    "`::1`",
    "`^[a-z]+\\.example\\.com$`",
    "`.*`",
    "`(a+)+$`",
    "`[`",
    "`a{1000}`",
    "`a{2,1}`",
    "`(?i)API`",
    "`\\p{L}+`",
    "\"double quoted\"",
    "'single'",
    "``",
    "`é🐳`",
    "`k`",
    "`v`",
];

#[derive(Clone, Debug)]
enum RuleExpr {
    Call(Index, Vec<Index>, u8),
    Not(Box<RuleExpr>),
    And(Box<RuleExpr>, Box<RuleExpr>),
    Or(Box<RuleExpr>, Box<RuleExpr>),
    Paren(Box<RuleExpr>),
    /// A nasty token where an expression should be.
    Junk(Index),
}

fn rule_expr() -> impl Strategy<Value = RuleExpr> {
    let leaf = prop_oneof![
        8 => (any::<Index>(), prop::collection::vec(any::<Index>(), 0..4), 0u8..4)
            .prop_map(|(m, a, case)| RuleExpr::Call(m, a, case)),
        1 => any::<Index>().prop_map(RuleExpr::Junk),
    ];
    leaf.prop_recursive(5, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| RuleExpr::Not(Box::new(e))),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| RuleExpr::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| RuleExpr::Or(Box::new(a), Box::new(b))),
            inner.prop_map(|e| RuleExpr::Paren(Box::new(e))),
        ]
    })
}

fn rule_text(e: &RuleExpr) -> String {
    match e {
        RuleExpr::Call(m, args, case) => {
            let name = m.get(&rule::Matcher::ALL).name();
            let name = match case {
                0 => name.to_string(),
                1 => name.to_lowercase(),
                2 => name.to_uppercase(),
                _ => format!("{name}x"),
            };
            let args: Vec<&str> = args.iter().map(|a| *a.get::<&str>(RULE_VALUES)).collect();
            format!("{name}({})", args.join(", "))
        }
        RuleExpr::Not(e) => format!("!{}", rule_text(e)),
        RuleExpr::And(a, b) => format!("{} && {}", rule_text(a), rule_text(b)),
        RuleExpr::Or(a, b) => format!("{} || {}", rule_text(a), rule_text(b)),
        RuleExpr::Paren(e) => format!("({})", rule_text(e)),
        RuleExpr::Junk(i) => i.get(NASTY).to_string(),
    }
}

fn request() -> impl Strategy<Value = rule::Request> {
    (
        select(
            &[
                "example.com",
                "APP.example.com:8443",
                "[::1]:80",
                "",
                "é.example.com",
                "a:b:c",
            ][..],
        ),
        select(&["/", "/api", "/api/notes?x=1", "", "//", "/%zz", "/é"][..]),
        select(&["GET", "POST", "", "get"][..]),
        select(&["", "a=1&b=2", "k=v;x", "%zz=1", "k", "k=%E2%82"][..]),
        select(
            &[
                "10.1.2.3",
                "10.1.2.3:5555",
                "::1",
                "[::1]:80",
                "nonsense",
                "",
            ][..],
        ),
    )
        .prop_map(|(host, path, method, query, client_ip)| rule::Request {
            host: host.to_string(),
            path: path.to_string(),
            method: method.to_string(),
            headers: vec![
                ("X-Forwarded-Proto".into(), "https".into()),
                ("k".into(), "v".into()),
            ],
            query: query.to_string(),
            client_ip: client_ip.to_string(),
        })
}

/// Rules built from Traefik's matchers (any spelling, any arity, nested `!`, `&&`, `||` and
/// parentheses) and corrupted: parsed, then matched against requests and routed by priority.
#[test]
fn fuzz_traefik_rules() {
    run("Traefik rules", 1500, |runner| {
        runner
            .run(
                &(
                    rule_expr(),
                    prop::collection::vec(mutation(), 0..2),
                    request(),
                ),
                |(e, ms, req)| {
                    if fuzz_support::out_of_time() {
                        return Ok(());
                    }
                    let watch = Watch::start();
                    let text = mutate_all(&rule_text(&e), &ms);
                    if let Ok(r) = rule::parse(&text) {
                        let _ = r.matches(&req);
                        let priority = rule::default_priority(&text);
                        let _ = rule::route(&[(priority, &r)], &req);
                    }
                    watch.check(&text)
                },
            )
            .map_err(|e| e.to_string())
    });
}

/// Go's RE2 syntax as Traefik's regexp matchers take it: compiled, then matched against text
/// (RE2 never backtracks, so `(a+)+$` on a long string must not hang).
#[test]
fn fuzz_traefik_regexps() {
    const PIECES: &[&str] = &[
        "a",
        "b",
        ".",
        "*",
        "+",
        "?",
        "|",
        "(",
        ")",
        "(?:",
        "(?i)",
        "(?P<n>",
        "[",
        "]",
        "[^",
        "a-z",
        "\\d",
        "\\w",
        "\\s",
        "\\.",
        "\\",
        "^",
        "$",
        "{",
        "}",
        "{2}",
        "{1,3}",
        "{1000}",
        "{1001}",
        "{,5}",
        "\\p{L}",
        "\\pN",
        "\\Q",
        "\\E",
        "é",
        "🐳",
        "\\x{1F433}",
        "[[:alpha:]]",
    ];
    run("Traefik regexps", 1500, |runner| {
        runner
            .run(
                &(
                    prop::collection::vec(select(PIECES), 0..16),
                    "[ab.é]{0,64}",
                    0usize..2000,
                ),
                |(parts, text, repeat)| {
                    if fuzz_support::out_of_time() {
                        return Ok(());
                    }
                    let watch = Watch::start();
                    let pattern = parts.concat();
                    if let Ok(re) = regexp::Regexp::compile(&pattern) {
                        let _ = re.is_match(&text);
                        let long = format!("{}!", "a".repeat(repeat));
                        let _ = re.is_match(&long);
                    }
                    watch.check(&pattern)
                },
            )
            .map_err(|e| e.to_string())
    });
}

const LABEL_KEYS: &[&str] = &[
    "traefik.enable",
    "traefik.http.routers.web.rule",
    "traefik.http.routers.web.entrypoints",
    "traefik.http.routers.web.service",
    "traefik.http.routers.web.priority",
    "traefik.http.routers.web.middlewares",
    "traefik.http.routers.web.tls",
    "traefik.http.routers.web.tls.certresolver",
    "traefik.http.routers.api.rule",
    "traefik.http.services.web.loadbalancer.server.port",
    "traefik.http.services.web.loadbalancer.server.url",
    "traefik.http.services.web.loadbalancer.healthcheck.path",
    "traefik.http.middlewares.auth.basicauth.users",
    "traefik.http.middlewares.strip.stripprefix.prefixes",
    "traefik.http.middlewares.redir.redirectscheme.scheme",
    "traefik.http.middlewares.rl.ratelimit.average",
    "traefik.http.routers..rule",
    "traefik.http.routers.web",
    "traefik.http",
    "traefik.nosuch.key",
    "traefik.http.routers.WEB.Rule",
];
const LABEL_VALUES: &[&str] = &[
    "true",
    "false",
    "Host(`example.com`)",
    "PathPrefix(`/api`)",
    "Host(`a`) && !Path(`/x`)",
    "Host(",
    "websecure",
    "web,websecure",
    "web",
    "auth@file",
    "auth,strip",
    "le",
    "80",
    "0",
    "-1",
    "70000",
    "9223372036854775807",
    "http://10.0.0.5:8080",
    "admin:$apr1$x$y",
    "admin:$$apr1$$x$$y",
    "/api",
    "https",
    "",
    "é",
];

/// Labels as a file provider's dynamic configuration: routers, services and middlewares built
/// with Traefik's errors, never a panic.
#[test]
fn fuzz_traefik_labels() {
    run("Traefik labels", 800, |runner| {
        runner
            .run(
                &(
                    prop::collection::vec((select(LABEL_KEYS), select(LABEL_VALUES)), 0..8),
                    prop::collection::vec(
                        select(&["http://10.0.0.5:80", "nonsense", ""][..]),
                        0..3,
                    ),
                ),
                |(labels, urls)| {
                    if fuzz_support::out_of_time() {
                        return Ok(());
                    }
                    let watch = Watch::start();
                    let labels: std::collections::BTreeMap<String, String> = labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    let mut servers = std::collections::BTreeMap::new();
                    servers.insert(
                        "web".to_string(),
                        urls.iter().map(|u| u.to_string()).collect::<Vec<_>>(),
                    );
                    let _ = dynamic::file(&labels, &servers);
                    watch.check(&format!("{labels:?}"))
                },
            )
            .map_err(|e| e.to_string())
    });
}

const STATIC_FLAGS: &[&str] = &[
    "--providers.docker=true",
    "--providers.docker.exposedbydefault=false",
    "--providers.swarm=true",
    "--providers.swarm.endpoint=unix:///var/run/docker.sock",
    "--providers.file.filename=/etc/traefik/dynamic.yml",
    "--entrypoints.web.address=:80",
    "--entrypoints.websecure.address=:443",
    "--entrypoints.web.address=:99999",
    "--entrypoints.web.address=nonsense",
    "--entrypoints.web.http.redirections.entrypoint.to=websecure",
    "--entrypoints.web.http.redirections.entrypoint.scheme=https",
    "--certificatesresolvers.le.acme.email=ops@example.com",
    "--certificatesresolvers.le.acme.storage=/letsencrypt/acme.json",
    "--certificatesresolvers.le.acme.httpchallenge.entrypoint=web",
    "--certificatesresolvers.le.acme.caserver=https://acme-staging-v02.api.letsencrypt.org/directory",
    "--api.insecure=true",
    "--api.dashboard=true",
    "--ping=true",
    "--log.level=DEBUG",
    "--accesslog=true",
    "--providers.docker=maybe",
    "--nosuch.flag=1",
    "--configfile=/etc/traefik/traefik.yml",
    "--",
    "-x",
    "",
];

/// Traefik's static configuration from flags (a container's command) and from `traefik.yml`
/// (a mutated rendering of the same flags).
#[test]
fn fuzz_traefik_static_config() {
    run("Traefik static configuration", 800, |runner| {
        runner
            .run(
                &(
                    prop::collection::vec(select(STATIC_FLAGS), 0..8),
                    prop::collection::vec(mutation(), 0..3),
                ),
                |(flags, ms)| {
                    if fuzz_support::out_of_time() {
                        return Ok(());
                    }
                    let watch = Watch::start();
                    let args: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
                    let _ = static_config::from_flags(&args);
                    let _ = static_config::config_file_flag(&args);
                    // The same settings as YAML: `--a.b.c=v` becomes nested keys.
                    let mut yaml = String::new();
                    for f in &flags {
                        if let Some((path, value)) = f.trim_start_matches('-').split_once('=') {
                            let parts: Vec<&str> = path.split('.').collect();
                            for (depth, p) in parts.iter().enumerate() {
                                yaml.push_str(&"  ".repeat(depth));
                                yaml.push_str(p);
                                yaml.push(':');
                                if depth + 1 == parts.len() {
                                    yaml.push(' ');
                                    yaml.push_str(value);
                                }
                                yaml.push('\n');
                            }
                        }
                    }
                    let yaml = mutate_all(&yaml, &ms);
                    let _ = static_config::from_yaml(&yaml);
                    let _ = static_config::load(&args, Some(&yaml));
                    watch.check(&yaml)
                },
            )
            .map_err(|e| e.to_string())
    });
}
