//! What the structured fuzzing suites (tests/fuzz_*.rs) share: the case count, proptest's
//! configuration, a watchdog for hangs, the world's invariants, and text mutations.
//!
//! Real fuzzers (cargo-fuzz, AFL) need nightly or an instrumented build; proptest runs on stable
//! inside `cargo test`. We generate structured input (command lines, YAML trees, Dockerfiles,
//! transcripts, links) from the product's own vocabulary, corrupt it, and let proptest shrink a
//! failure to its smallest input. We simplify: no coverage feedback (the structure stands in
//! for it), and no persistence files (a failure is pinned as a plain regression test instead).
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::test_runner::Config;

/// Cases per property: `FUZZ_CASES` when set (`FUZZ_CASES=1000000` for a long run), else the
/// family's default, sized so the whole fuzz suite stays well under a minute in a debug build.
pub fn cases(default: u32) -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// proptest's configuration for a property: `cases(default)` cases, no failure file written
/// into the repository, and a bounded shrink so a failure in a world-driving property reports
/// in seconds.
pub fn config(default: u32) -> Config {
    Config {
        cases: cases(default),
        failure_persistence: None,
        max_shrink_iters: 2_000,
        // A generated input that the property itself skips (`prop_assume!`) is rare here; keep
        // proptest's limit on them but do not let it abort a long run.
        max_global_rejects: u32::MAX / 2,
        // The same cases on every run of `cargo test` (a CI run is reproducible); `FUZZ_SEED=N`
        // explores other ones.
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            std::env::var("FUZZ_SEED")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0x00D0_C4A2_D017),
        ),
        ..Config::default()
    }
}

/// The longest one case may take before it counts as a hang. Debug builds are slow and the
/// machine is shared, so the figure is generous: a product loop that never ends still trips it.
pub const HANG_SECS: f64 = 20.0;

/// Times one case and fails it when it runs past [`HANG_SECS`]; also keeps the slowest case
/// seen, for the report `slowest` prints.
pub struct Watch {
    started: std::time::Instant,
}

thread_local! {
    static SLOWEST: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
    /// Cases run to the end in this property (a case skipped by the time budget is not).
    static RUN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// When this thread's property started, for the time budget and the report.
    static STARTED: std::cell::Cell<Option<std::time::Instant>> = const { std::cell::Cell::new(None) };
    /// When the last case that ran finished (the rate leaves out the skipped cases' generation).
    static LAST_END: std::cell::Cell<Option<std::time::Instant>> = const { std::cell::Cell::new(None) };
}

// The stopwatch is the test's own, outside the simulation (which never reads the clock).
#[allow(clippy::disallowed_methods)]
fn now() -> std::time::Instant {
    std::time::Instant::now()
}

/// `FUZZ_SECS=N`: each property stops running cases after N seconds (the remaining cases pass
/// without running), so a long run can be given a time budget instead of a case count; the
/// report says how many cases ran.
pub fn out_of_time() -> bool {
    let Some(budget) = std::env::var("FUZZ_SECS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
    else {
        return false;
    };
    let started = STARTED.with(|s| match s.get() {
        Some(t) => t,
        None => {
            let t = now();
            s.set(Some(t));
            t
        }
    });
    started.elapsed().as_secs_f64() > budget
}

impl Watch {
    pub fn start() -> Watch {
        STARTED.with(|s| {
            if s.get().is_none() {
                s.set(Some(now()));
            }
        });
        Watch { started: now() }
    }

    /// Fails (as a proptest failure, so it shrinks) when the case took too long.
    pub fn check(self, what: &str) -> Result<(), TestCaseError> {
        let secs = self.started.elapsed().as_secs_f64();
        SLOWEST.with(|s| s.set(s.get().max(secs)));
        RUN.with(|r| r.set(r.get() + 1));
        LAST_END.with(|e| e.set(Some(now())));
        if secs > HANG_SECS {
            return Err(TestCaseError::fail(format!(
                "hang: {what} took {secs:.1} s (limit {HANG_SECS} s)"
            )));
        }
        Ok(())
    }
}

/// Prints the property's case count, its duration and rate, and its slowest case (seen with
/// `--nocapture`).
pub fn report(name: &str, cases: u32) {
    let slowest = SLOWEST.with(|s| s.replace(0.0));
    let run = RUN.with(|r| r.replace(0));
    let started = STARTED.with(|s| s.take());
    let ended = LAST_END.with(|e| e.take());
    let secs = match (started, ended) {
        (Some(s), Some(e)) => e.duration_since(s).as_secs_f64(),
        _ => 0.0,
    };
    println!(
        "fuzz {name}: {run} of {cases} cases run in {secs:.1} s ({:.0} cases/s), 0 failures, slowest case {slowest:.3} s",
        run as f64 / secs.max(1e-9)
    );
}

/// The world's invariants, checked explicitly so release runs check them too (debug builds also
/// check them after every step, src/sim/step.rs).
pub fn invariants(world: &dockyard::sim::World, after: &str) -> Result<(), TestCaseError> {
    world
        .check_invariants()
        .map_err(|e| TestCaseError::fail(format!("invariant broken after {after:?}: {e}")))
}

/// Characters that break parsers: quotes, escapes, YAML and shell syntax, control characters,
/// multi-byte UTF-8 (a byte slice at the wrong index panics), and very long digits.
pub const NASTY: &[&str] = &[
    "\"",
    "'",
    "\\",
    "`",
    "$",
    "$(",
    ")",
    "${",
    "}",
    "{",
    "[",
    "]",
    ":",
    ": ",
    "- ",
    "#",
    "&",
    "*",
    "!",
    "|",
    ">",
    "<",
    "<<",
    ";",
    "&&",
    "=",
    "%",
    "%%",
    ",",
    "\t",
    "\n",
    "\r",
    "\0",
    " ",
    "é",
    "日本",
    "🐳",
    "\u{200b}",
    "\u{feff}",
    "-",
    "--",
    "/",
    "..",
    "~",
    "0",
    "-1",
    "99999999999999999999",
    "4294967296",
    "9223372036854775808",
    "0x1F",
    "1e309",
    "NaN",
];

/// One edit of a text: what a cut link, a bad paste or a typo does to it.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Cut the text at a fraction (per mille) of its length.
    Truncate(u16),
    /// Remove a character.
    Delete(u16),
    /// Insert a nasty token.
    Insert(u16, &'static str),
    /// Flip one bit of one byte (the result is made valid UTF-8 again, lossily).
    FlipBit(u16, u8),
    /// Repeat a line.
    DuplicateLine(u16),
    /// Remove a line.
    DeleteLine(u16),
    /// Swap two lines.
    SwapLines(u16, u16),
    /// Change a line's indentation by this many spaces.
    Indent(u16, i8),
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<u16>().prop_map(Mutation::Truncate),
        any::<u16>().prop_map(Mutation::Delete),
        (any::<u16>(), proptest::sample::select(NASTY)).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (any::<u16>(), 0u8..8).prop_map(|(a, b)| Mutation::FlipBit(a, b)),
        any::<u16>().prop_map(Mutation::DuplicateLine),
        any::<u16>().prop_map(Mutation::DeleteLine),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<u16>(), -4i8..=4).prop_map(|(a, b)| Mutation::Indent(a, b)),
    ]
}

/// The char boundary at or before `at` (an index from a fraction of the length).
fn boundary(text: &str, at: usize) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn index(len: usize, at: u16) -> usize {
    if len == 0 {
        0
    } else {
        usize::from(at) % (len + 1)
    }
}

/// Applies one mutation.
pub fn mutate(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let line = |at: u16| usize::from(at) % lines.len().max(1);
    match m {
        Mutation::Truncate(permille) => {
            let at = text.len() * usize::from(*permille % 1001) / 1000;
            text[..boundary(text, at)].to_string()
        }
        Mutation::Delete(at) => {
            let i = boundary(text, index(text.len(), *at));
            let mut out = text.to_string();
            if i < out.len() {
                out.remove(i);
            }
            out
        }
        Mutation::Insert(at, token) => {
            let i = boundary(text, index(text.len(), *at));
            let mut out = text.to_string();
            out.insert_str(i, token);
            out
        }
        Mutation::FlipBit(at, bit) => {
            let mut bytes = text.as_bytes().to_vec();
            if !bytes.is_empty() {
                let i = usize::from(*at) % bytes.len();
                bytes[i] ^= 1 << bit;
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Mutation::DuplicateLine(at) => {
            let i = line(*at);
            let copy = lines[i].clone();
            lines.insert(i, copy);
            lines.join("\n")
        }
        Mutation::DeleteLine(at) => {
            let i = line(*at);
            lines.remove(i);
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) => {
            let (a, b) = (line(*a), line(*b));
            lines.swap(a, b);
            lines.join("\n")
        }
        Mutation::Indent(at, by) => {
            let i = line(*at);
            if *by >= 0 {
                lines[i] = format!("{}{}", " ".repeat(*by as usize), lines[i]);
            } else {
                let strip = (-*by) as usize;
                let spaces = lines[i].len() - lines[i].trim_start_matches(' ').len();
                lines[i] = lines[i][strip.min(spaces)..].to_string();
            }
            lines.join("\n")
        }
    }
}

/// Applies mutations in order.
pub fn mutate_all(text: &str, ms: &[Mutation]) -> String {
    ms.iter().fold(text.to_string(), |t, m| mutate(&t, m))
}

/// Reads a file of tests/data.
pub fn data(path: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("tests/data/{path}: {e}"))
}

/// The real compose files: the 39 awesome-compose samples and the voting app's two files.
pub fn real_compose_files() -> Vec<(String, String)> {
    let root = format!("{}/tests/data/awesome-compose", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .expect("tests/data/awesome-compose")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("compose.yaml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dockyard::sim::order::sort(&mut names);
    let mut out: Vec<(String, String)> = names
        .into_iter()
        .map(|n| {
            let path = format!("awesome-compose/{n}/compose.yaml");
            let text = data(&path);
            (path, text)
        })
        .collect();
    for f in ["docker-compose.yml", "docker-stack.yml"] {
        let path = format!("example-voting-app/{f}");
        let text = data(&path);
        out.push((path, text));
    }
    out
}
