//! Writing a scenario in the site: what the reader did, as a transcript they can edit, play with
//! `dockyard play`, and share as a link.
//!
//! Real life: there is no Docker equivalent; a runbook or a bug report is a shell session pasted
//! into a note. Here the session is already a timeline of inputs (src/sim/timeline.rs), so it
//! becomes a transcript in the documented grammar (src/scenario/parse.rs): the setup line of its
//! starting world, the files the reader brought (as here-documents, which the host's shell
//! writes), each command and fault in order, and a `wait` for the simulated time the reader let
//! pass between them. Goals are added from [`CHECK_FORMS`], the check sentences the README lists.
//!
//! What we simplify: a `wait` is the simulated time between two inputs; a command that blocked
//! the prompt (`docker stop` in its grace period) is waited for by the player before the next
//! line as well, so the replay can land a few seconds later than the reader's own steps. The
//! link carries the transcript itself, so the moment it opens is the transcript's own.

use super::parse::Scenario;
use super::run::{Goal, GoalStatus, Run};
use crate::sim::hostfs::PROJECT_DIR;
use crate::sim::input::Input;
use crate::sim::time::Millis;

/// The transcript of what a run did: its setup, the files in its starting project folder that its
/// setup line does not make, every input with the time let pass before it, and a final `wait` up
/// to the step shown (`cursor`).
pub fn transcript(run: &Run, cursor: usize) -> String {
    let scenario = &run.scenario;
    let mut out = String::new();
    let title = if scenario.title.is_empty() {
        "My scenario".to_string()
    } else {
        format!("{} (my version)", scenario.title)
    };
    out.push_str(&format!("# {title}\n"));
    if !scenario.page.is_empty() {
        out.push_str(&format!("page: {}\n", scenario.page));
    }
    out.push_str(&setup_line(scenario));
    out.push('\n');
    for (path, text) in brought_files(run) {
        if let Some((folder, _)) = path.rsplit_once('/') {
            out.push_str(&format!("$ mkdir -p {folder}\n"));
        }
        let delimiter = delimiter_for(&text);
        out.push_str(&format!("$ cat > {path} <<'{delimiter}'\n{text}"));
        if !text.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("{delimiter}\n"));
    }
    let records = run.timeline.records();
    let time_at = |step: usize| -> Millis {
        step.checked_sub(1)
            .and_then(|i| records.get(i))
            .map(|r| r.at_ms)
            .unwrap_or_else(|| run.timeline.start().now_ms)
    };
    // The simulated time the transcript has accounted for so far.
    let mut accounted_ms = run.timeline.start().now_ms;
    for (step, input) in run.timeline.inputs() {
        if step > cursor.max(1) {
            break;
        }
        let at_ms = time_at(step);
        if at_ms > accounted_ms {
            out.push_str(&format!("wait {}\n", duration(at_ms - accounted_ms)));
        }
        accounted_ms = at_ms.max(accounted_ms);
        match input {
            Input::Command(line) => out.push_str(&format!("$ {line}\n")),
            Input::Fault(fault) => out.push_str(&format!("! {}\n", fault.describe())),
            Input::Advance { duration_ms } => {
                out.push_str(&format!("wait {}\n", duration(*duration_ms)));
                accounted_ms += duration_ms;
            }
        }
    }
    let end_ms = time_at(cursor);
    if end_ms > accounted_ms {
        out.push_str(&format!("wait {}\n", duration(end_ms - accounted_ms)));
    }
    out
}

/// Each goal of a played transcript with its verdict at the end, as `dockyard play` judges it
/// (an `eventually` that never held has failed).
pub fn goal_results(run: &Run) -> Vec<(&Goal, GoalStatus)> {
    run.goals
        .goals
        .iter()
        .enumerate()
        .map(|(g, goal)| (goal, run.goals.status(g, run.timeline.len(), true)))
        .collect()
}

/// `setup: host seed=7 project=node-app`, `setup: swarm managers=3 workers=2 seed=1`.
pub fn setup_line(scenario: &Scenario) -> String {
    let mut line = match scenario.swarm {
        Some(s) => format!(
            "setup: swarm managers={} workers={} seed={}",
            s.managers, s.workers, scenario.seed
        ),
        None => format!("setup: host seed={}", scenario.seed),
    };
    if let Some(project) = &scenario.project {
        line.push_str(&format!(" project={project}"));
    }
    line
}

/// Files in the starting world's project folder that its setup line alone would not put there
/// (a file the reader brought on the "Your file" page), by path inside the folder.
fn brought_files(run: &Run) -> Vec<(String, String)> {
    let start = run.timeline.start();
    let mut plain = crate::sim::World::new(run.scenario.seed);
    if let Some(template) = &run.scenario.project {
        // An unknown template leaves the folder empty, as when the run was made.
        let _ = plain.fs.seed_project(template);
    }
    start
        .fs
        .walk(PROJECT_DIR)
        .into_iter()
        .filter_map(|(rel, _)| {
            let abs = format!("{PROJECT_DIR}/{rel}");
            let text = start.fs.read(&abs).ok()?;
            let same = plain.fs.read(&abs).ok() == Some(text);
            (!same).then(|| (rel, text.to_string()))
        })
        .collect()
}

/// `EOF`, or `EOF1`, `EOF2`… when the text has a line that would end the here-document early.
fn delimiter_for(text: &str) -> String {
    let taken = |d: &str| text.lines().any(|l| l.trim() == d);
    let mut delimiter = "EOF".to_string();
    let mut n = 0;
    while taken(&delimiter) {
        n += 1;
        delimiter = format!("EOF{n}");
    }
    delimiter
}

/// A duration as a transcript writes it: `1h2m3s`, `45s`, `1500ms`.
fn duration(ms: Millis) -> String {
    if !ms.is_multiple_of(1_000) {
        return format!("{ms}ms");
    }
    let s = ms / 1_000;
    let (h, m, s) = (s / 3_600, s / 60 % 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// One check sentence a scenario can expect, as the README lists it: a group, the sentence with
/// its placeholders in capitals, and an example that parses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckForm {
    pub group: &'static str,
    pub form: &'static str,
    pub example: &'static str,
}

const fn form(group: &'static str, form: &'static str, example: &'static str) -> CheckForm {
    CheckForm {
        group,
        form,
        example,
    }
}

/// The checks a goal can be made of, for the scenario editor's list. A test parses every example
/// and finds every form in the README, so the list and the documentation cannot drift apart.
pub const CHECK_FORMS: &[CheckForm] = &[
    form(
        "Containers",
        "container NAME is STATE",
        "container web is running",
    ),
    form(
        "Containers",
        "container NAME exit code N",
        "container web exit code 137",
    ),
    form(
        "Containers",
        "container NAME restart count N",
        "container web restart count 3",
    ),
    form("Containers", "port N serves NAME", "port 8080 serves web"),
    form("Containers", "port N is free", "port 8080 is free"),
    form("Containers", "running containers N", "running containers 2"),
    form(
        "Containers",
        "output contains \"text\"",
        "output contains \"Started\"",
    ),
    form(
        "Containers",
        "output lacks \"text\"",
        "output lacks \"Error\"",
    ),
    form("Containers", "prompt is back", "prompt is back"),
    form("Storage", "volume NAME exists", "volume data exists"),
    form(
        "Storage",
        "volume NAME is removed",
        "volume data is removed",
    ),
    form("Storage", "volumes N", "volumes 1"),
    form("Storage", "anonymous volumes N", "anonymous volumes 0"),
    form(
        "Storage",
        "file PATH in container NAME contains \"text\"",
        "file /data/notes.txt in container web contains \"hello\"",
    ),
    form(
        "Storage",
        "file PATH in container NAME is missing",
        "file /data/notes.txt in container web is missing",
    ),
    form(
        "Storage",
        "host file PATH contains \"text\"",
        "host file compose.yaml contains \"services\"",
    ),
    form(
        "Storage",
        "table T in container NAME has N rows",
        "table orders in container db has 3 rows",
    ),
    form(
        "Storage",
        "container NAME uses image REF",
        "container web uses image nginx:1.27",
    ),
    form(
        "Compose",
        "container NAME has env KEY=VALUE",
        "container app-web-1 has env LOG_LEVEL=debug",
    ),
    form(
        "Compose",
        "container NAME runs the current compose config",
        "container app-web-1 runs the current compose config",
    ),
    form("Compose", "compose is waiting", "compose is waiting"),
    form(
        "Compose",
        "container NAME is healthy",
        "container app-db-1 is healthy",
    ),
    form("Disk", "disk is full", "disk is full"),
    form("Disk", "disk is not full", "disk is not full"),
    form("Disk", "daemon is running", "daemon is running"),
    form(
        "Swarm",
        "service web running 3/3",
        "service web running 3/3",
    ),
    form(
        "Swarm",
        "service web runs IMAGE",
        "service web runs nginx:1.27",
    ),
    form(
        "Swarm",
        "service web has a pending task",
        "service web has a pending task",
    ),
    form("Swarm", "node node-3 is down", "node node-3 is down"),
    form("Swarm", "swarm has a leader", "swarm has a leader"),
    form(
        "Swarm",
        "no task runs on a machine that is off",
        "no task runs on a machine that is off",
    ),
    form(
        "Networks",
        "name web resolves from api",
        "name web resolves from api",
    ),
    form(
        "Networks",
        "port 8080 answers on node-3",
        "port 8080 answers on node-3",
    ),
    form("Networks", "traffic had failures", "traffic had failures"),
    form(
        "Traefik",
        "traefik routes HOST[/PATH] to SERVICE",
        "traefik routes shop.example.com to shop_front",
    ),
    form("Backups", "data lost under 24h", "data lost under 24h"),
    form(
        "Backups",
        "restore took under 10m",
        "restore took under 10m",
    ),
    form(
        "Production readiness",
        "stack NAME passes|fails ID",
        "stack shop passes healthchecks",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::check::Check;

    #[test]
    fn every_check_form_parses_and_is_in_the_readme() {
        let readme = include_str!("../../README.md");
        for f in CHECK_FORMS {
            Check::parse(f.example).unwrap_or_else(|e| panic!("{}: {}", f.example, e.0));
            assert!(readme.contains(f.form), "README lacks `{}`", f.form);
        }
    }

    #[test]
    fn durations_are_written_as_a_transcript_reads_them() {
        for (ms, text) in [
            (1_500, "1500ms"),
            (45_000, "45s"),
            (90_000, "1m30s"),
            (3_723_000, "1h2m3s"),
            (0, "0s"),
        ] {
            assert_eq!(duration(ms), text);
            assert_eq!(crate::sim::time::parse_duration(text), Some(ms), "{text}");
        }
        assert_eq!(delimiter_for("a\nEOF\nEOF1\n"), "EOF2");
    }
}
