//! The learner's progress: the scenarios and challenges they have completed, as the browser keeps
//! it (src/ui/progress.rs stores it in `localStorage`).
//!
//! Nothing Docker does: this is the course's own record. What we model: a set of completed items,
//! each a key, `scenario:<slug>` (a shipped scenario whose goals were all met) or
//! `challenge:<id>` (`challenge:phase-1`, `challenge:mission-3`), kept sorted and without
//! duplicates, and written as one small JSON value with a version, `{"v":1,"done":[…]}`.
//! Reading never fails: a missing value is no progress; a value that is not JSON, not that shape,
//! or of another version is no progress plus a [`Notice`] saying it was reset (the UI then
//! overwrites it). What we simplify: well-formed keys that name nothing shipped today (a scenario
//! renamed or removed, a challenge this build does not have yet) are kept as they are: they cost a
//! few bytes, count towards nothing (the counts read the catalogue), and come back to life if the
//! item does. There is no migration: version 1 is the only one.

use std::collections::BTreeSet;

use serde_json::Value;

use super::catalogue::Page;
use super::run::{GoalStatus, Run};

/// The `localStorage` key the progress is kept under.
pub const STORAGE_KEY: &str = "dockyard.progress";
/// The version this build reads and writes.
pub const VERSION: u64 = 1;

const SCENARIO_PREFIX: &str = "scenario:";
const CHALLENGE_PREFIX: &str = "challenge:";
/// The longest slug or id a key may carry, in bytes.
const MAX_NAME_BYTES: usize = 100;

/// The completed items.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    done: BTreeSet<String>,
}

/// Why a stored value could not be used: shown to the reader once, then the value is replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice(pub String);

/// How many of a page's (or phase's) scenarios are done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    pub done: usize,
    pub total: usize,
}

impl Count {
    /// Something to do, and all of it done.
    pub fn complete(self) -> bool {
        self.total > 0 && self.done == self.total
    }
}

impl std::ops::AddAssign for Count {
    fn add_assign(&mut self, other: Count) {
        self.done += other.done;
        self.total += other.total;
    }
}

/// The key of a shipped scenario: `scenario:pid1-exits`.
pub fn scenario_key(slug: &str) -> String {
    format!("{SCENARIO_PREFIX}{slug}")
}

/// The id a challenge file is remembered by: `checkpoint-phase-1` → `phase-1` (a phase's
/// checkpoint, src/scenario/phases.rs), `mission-3` as it is.
pub fn challenge_id(slug: &str) -> String {
    slug.strip_prefix(CHECKPOINT_PREFIX)
        .unwrap_or(slug)
        .to_string()
}

/// A phase checkpoint's file name starts so; it counts at its phase, not among its page's
/// scenarios.
pub const CHECKPOINT_PREFIX: &str = "checkpoint-";

/// The key of a challenge: `challenge:phase-1`.
pub fn challenge_key(id: &str) -> String {
    format!("{CHALLENGE_PREFIX}{id}")
}

/// `scenario:` or `challenge:` then a slug: ASCII letters, digits, `-`, `_` and `.`, at most
/// 100 bytes.
pub fn is_key(key: &str) -> bool {
    let name = key
        .strip_prefix(SCENARIO_PREFIX)
        .or_else(|| key.strip_prefix(CHALLENGE_PREFIX));
    name.is_some_and(|n| {
        !n.is_empty()
            && n.len() <= MAX_NAME_BYTES
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    })
}

impl Progress {
    /// Marks `key` done; `true` when it was not done before. A malformed key (see [`is_key`])
    /// changes nothing.
    pub fn mark_done(&mut self, key: &str) -> bool {
        is_key(key) && self.done.insert(key.to_string())
    }

    pub fn is_done(&self, key: &str) -> bool {
        self.done.contains(key)
    }

    /// Forgets everything.
    pub fn reset(&mut self) {
        self.done.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }

    /// The completed keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.done.iter().map(String::as_str)
    }

    pub fn scenario_done(&self, slug: &str) -> bool {
        self.is_done(&scenario_key(slug))
    }

    pub fn challenge_done(&self, id: &str) -> bool {
        self.is_done(&challenge_key(id))
    }

    /// A page's scenarios done, out of its scenarios (0 of 0 for a page still coming). A
    /// mission (a challenge of the page) counts as one of them, done when solved; a phase's
    /// checkpoint counts at its phase instead.
    pub fn page_count(&self, page: &Page) -> Count {
        let files: Vec<_> = page
            .lesson
            .as_ref()
            .map_or(&[][..], |l| l.scenarios)
            .iter()
            .filter(|f| !f.slug.starts_with(CHECKPOINT_PREFIX))
            .collect();
        Count {
            done: files
                .iter()
                .filter(|f| {
                    self.scenario_done(f.slug) || self.challenge_done(&challenge_id(f.slug))
                })
                .count(),
            total: files.len(),
        }
    }

    /// The pages' counts added up.
    pub fn pages_count<'a>(&self, pages: impl IntoIterator<Item = &'a Page>) -> Count {
        let mut count = Count::default();
        for page in pages {
            count += self.page_count(page);
        }
        count
    }

    /// The stored form: `{"v":1,"done":["challenge:phase-1","scenario:pid1-exits"]}`.
    pub fn encode(&self) -> String {
        let done: Vec<Value> = self.done.iter().cloned().map(Value::String).collect();
        let mut root = serde_json::Map::new();
        root.insert("v".to_string(), Value::from(VERSION));
        root.insert("done".to_string(), Value::Array(done));
        Value::Object(root).to_string()
    }
}

/// Reads a stored value. Missing: no progress, no notice. Anything unusable: no progress and a
/// notice that says why. Never panics (a test feeds it arbitrary text).
pub fn decode(raw: Option<&str>) -> (Progress, Option<Notice>) {
    let Some(raw) = raw else {
        return (Progress::default(), None);
    };
    match parse(raw) {
        Ok(progress) => (progress, None),
        Err(why) => (
            Progress::default(),
            Some(Notice(format!(
                "Your saved progress could not be read ({why}) and was reset."
            ))),
        ),
    }
}

fn parse(raw: &str) -> Result<Progress, String> {
    let value: Value = serde_json::from_str(raw).map_err(|e| format!("it is not JSON: {e}"))?;
    let Value::Object(root) = value else {
        return Err("it is not a progress record".to_string());
    };
    match root.get("v") {
        None => return Err("it has no version".to_string()),
        Some(v) if v.as_u64() == Some(VERSION) => {}
        Some(v) => {
            return Err(format!(
                "it is version {}, and this site reads version {VERSION}",
                short(v)
            ));
        }
    }
    let Some(Value::Array(items)) = root.get("done") else {
        return Err("it has no list of completed items".to_string());
    };
    let mut progress = Progress::default();
    for item in items {
        match item.as_str() {
            Some(key) if is_key(key) => {
                progress.done.insert(key.to_string());
            }
            _ => {
                return Err(format!("{} is not a scenario or a challenge", short(item)));
            }
        }
    }
    Ok(progress)
}

/// A JSON value as the notice quotes it: at most 40 characters.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// A scenario counts as completed when it has goals, every one is met at the step shown, and
/// that step is final for them: the transcript's end (or later), or anywhere once the reader has
/// taken over (their own steps decide). Before the end an `always` goal is only met so far.
pub fn completed(run: &Run) -> bool {
    let at_end = run.taken_over || run.timeline.cursor() >= run.scripted_steps;
    let statuses = run.goal_statuses();
    at_end && !statuses.is_empty() && statuses.iter().all(|s| *s == GoalStatus::Met)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::catalogue;

    fn with(keys: &[&str]) -> Progress {
        let mut p = Progress::default();
        for k in keys {
            assert!(p.mark_done(k), "{k}");
        }
        p
    }

    fn notice(raw: &str) -> String {
        let (progress, notice) = decode(Some(raw));
        assert!(progress.is_empty(), "{raw}");
        let Some(Notice(text)) = notice else {
            panic!("no notice for {raw}");
        };
        assert!(
            text.starts_with("Your saved progress could not be read (")
                && text.ends_with(") and was reset."),
            "{text}"
        );
        text
    }

    #[test]
    fn missing_is_no_progress_and_no_notice() {
        assert_eq!(decode(None), (Progress::default(), None));
    }

    #[test]
    fn encode_then_decode_gives_the_same_set_sorted_and_once() {
        let mut p = with(&["scenario:pid1-exits", "challenge:phase-1"]);
        assert!(!p.mark_done("scenario:pid1-exits"), "twice");
        assert_eq!(
            p.encode(),
            r#"{"v":1,"done":["challenge:phase-1","scenario:pid1-exits"]}"#
        );
        assert_eq!(decode(Some(&p.encode())), (p.clone(), None));
        assert!(p.scenario_done("pid1-exits") && p.challenge_done("phase-1"));
        assert!(!p.is_done("scenario:port-conflict"));
        // Duplicates and any order in a stored value read as the set.
        let (read, none) = decode(Some(
            r#"{"done":["scenario:b","scenario:a","scenario:b"],"v":1,"later":true}"#,
        ));
        assert_eq!(none, None);
        assert_eq!(
            read.keys().collect::<Vec<_>>(),
            ["scenario:a", "scenario:b"]
        );
        p.reset();
        assert!(p.is_empty());
        assert_eq!(p.encode(), r#"{"v":1,"done":[]}"#);
        assert_eq!(decode(Some(&p.encode())), (Progress::default(), None));
    }

    #[test]
    fn malformed_keys_are_refused() {
        let mut p = Progress::default();
        for bad in [
            "",
            "scenario:",
            "pid1-exits",
            "mission:3",
            "scenario:has space",
            "challenge:é",
            &format!("scenario:{}", "a".repeat(101)),
        ] {
            assert!(!p.mark_done(bad), "{bad:?}");
        }
        assert!(p.is_empty());
        assert!(p.mark_done(&scenario_key("swarm-basics_2.x")));
        assert!(p.mark_done(&challenge_key("mission-3")));
    }

    /// Keys that name nothing shipped are kept (decided: harmless, see the header) and count
    /// towards nothing.
    #[test]
    fn unknown_keys_are_kept_and_not_counted() {
        let raw = r#"{"v":1,"done":["challenge:mission-99","scenario:removed-long-ago"]}"#;
        let (p, none) = decode(Some(raw));
        assert_eq!(none, None);
        assert!(p.is_done("scenario:removed-long-ago"));
        assert_eq!(p.encode(), raw);
        let all = p.pages_count(catalogue::PAGES);
        assert_eq!(all.done, 0);
        // Every shipped scenario but the phases' checkpoints, which count at their phase.
        let checkpoints = catalogue::SCENARIOS
            .iter()
            .filter(|f| f.slug.starts_with(CHECKPOINT_PREFIX))
            .count();
        assert_eq!(checkpoints, 4);
        assert_eq!(all.total, catalogue::SCENARIOS.len() - checkpoints);
    }

    #[test]
    fn corrupt_values_are_reset_with_a_notice_that_says_why() {
        assert!(notice("").contains("it is not JSON"));
        assert!(notice("{\"v\":1,").contains("it is not JSON"));
        assert!(notice("not json").contains("it is not JSON"));
        assert!(notice("[1,2]").contains("not a progress record"));
        assert!(notice("\"scenario:x\"").contains("not a progress record"));
        assert!(notice("null").contains("not a progress record"));
        assert!(notice(r#"{"done":[]}"#).contains("it has no version"));
        assert!(notice(r#"{"v":1}"#).contains("no list of completed items"));
        assert!(notice(r#"{"v":1,"done":"scenario:x"}"#).contains("no list"));
        assert!(notice(r#"{"v":1,"done":[42]}"#).contains("42 is not a scenario or a challenge"));
        assert!(notice(r#"{"v":1,"done":["pid1-exits"]}"#).contains("\"pid1-exits\" is not"));
        let long = format!(r#"{{"v":1,"done":["{}"]}}"#, "x".repeat(500));
        assert!(notice(&long).chars().count() < 150);
        // A nesting deeper than serde_json's limit is an error, not a stack overflow.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(notice(&deep).contains("it is not JSON"));
    }

    #[test]
    fn other_versions_are_reset() {
        for (raw, says) in [
            (
                r#"{"v":0,"done":[]}"#,
                "it is version 0, and this site reads version 1",
            ),
            (r#"{"v":2,"done":["scenario:a"]}"#, "it is version 2,"),
            (r#"{"v":"1","done":[]}"#, "it is version \"1\","),
            (r#"{"v":1.5,"done":[]}"#, "it is version 1.5,"),
            (r#"{"v":-1,"done":[]}"#, "it is version -1,"),
        ] {
            let text = notice(raw);
            assert!(text.contains(says), "{raw}: {text}");
        }
    }

    /// Arbitrary text never panics, and whatever is read back re-encodes to a value that reads
    /// back the same with no notice.
    #[test]
    fn arbitrary_strings_never_panic() {
        use rand::RngExt;
        use rand::SeedableRng;
        let pieces = [
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "\"v\"",
            "\"done\"",
            "1",
            "2",
            "0",
            "-",
            ".5",
            "e9",
            "null",
            "true",
            "\"scenario:pid1-exits\"",
            "\"challenge:phase-1\"",
            "\\",
            "\\u0000",
            "\\ud800",
            "é",
            "💥",
            " ",
            "\n",
            "scenario:",
            "\u{0}",
            "\"x\"",
        ];
        let valid = with(&["scenario:pid1-exits", "challenge:phase-1"]).encode();
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
        let mut inputs: Vec<String> = Vec::new();
        // Every prefix of a valid value (a write cut short).
        for (at, _) in valid.char_indices() {
            inputs.push(valid[..at].to_string());
        }
        for _ in 0..3000 {
            let n = rng.random_range(0..24);
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(pieces[rng.random_range(0..pieces.len())]);
            }
            inputs.push(s);
            // A valid value with one character replaced.
            let mut chars: Vec<char> = valid.chars().collect();
            let at = rng.random_range(0..chars.len());
            chars[at] = pieces[rng.random_range(0..pieces.len())]
                .chars()
                .next()
                .unwrap_or('x');
            inputs.push(chars.into_iter().collect());
        }
        let mut read = 0;
        for raw in &inputs {
            let (progress, notice) = decode(Some(raw));
            if notice.is_none() {
                read += 1;
            } else {
                assert!(progress.is_empty(), "{raw:?}");
            }
            assert_eq!(
                decode(Some(&progress.encode())),
                (progress, None),
                "{raw:?}"
            );
        }
        assert!(
            read > 0 && read < inputs.len(),
            "{read} of {}",
            inputs.len()
        );
    }

    #[test]
    fn pages_count_their_own_scenarios() {
        let lifecycle = catalogue::page("containers-lifecycle").expect("page 2");
        let slugs: Vec<&str> = lifecycle
            .lesson
            .as_ref()
            .expect("ready")
            .scenarios
            .iter()
            .map(|f| f.slug)
            .collect();
        let p = with(&[
            &scenario_key(slugs[0]),
            &scenario_key(slugs[1]),
            "challenge:phase-1",
        ]);
        let count = p.page_count(lifecycle);
        assert_eq!(
            count,
            Count {
                done: 2,
                total: slugs.len()
            }
        );
        assert!(!count.complete());
        // The practice project's missions count there once solved.
        let practice = catalogue::page("practice-project").expect("P");
        assert_eq!(p.page_count(practice), Count { done: 0, total: 10 });
        let p = with(&[&scenario_key(slugs[0]), "challenge:mission-1"]);
        assert_eq!(p.page_count(practice), Count { done: 1, total: 10 });
        assert!(!Count::default().complete());
        assert_eq!(p.pages_count([lifecycle, practice]).done, 2);
    }

    /// A scenario is completed at its end with every goal met, not before, and not in free play.
    #[test]
    fn a_scenario_is_completed_at_its_end() {
        let file = catalogue::scenario("pid1-exits").expect("shipped");
        let mut run = Run::play(&file.parse().expect("parses"), None).expect("plays");
        let end = run.timeline.cursor();
        assert!(
            completed(&run),
            "every goal is met at the end (tests/scenarios.rs)"
        );
        run.seek(0);
        assert!(!completed(&run));
        run.seek(end - 1);
        assert!(!completed(&run), "one step before the end");
        run.seek(end);
        assert!(completed(&run));
        assert!(!completed(&Run::sandbox(1)), "free play has no goals");
    }
}
