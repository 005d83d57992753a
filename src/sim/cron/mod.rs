//! The host's cron: `crontab FILE`, `crontab -` (or `crontab -e` fed a here-document),
//! `crontab -l`, `crontab -r`, and the jobs run at their minute.
//!
//! Real cron wakes every minute and runs each due job with `sh -c` as the user, from the user's
//! home folder, with a minimal environment and no terminal; what a job prints is mailed (and
//! dropped when no mail system is installed). We model the table (src/sim/cron/model.rs), one
//! agenda event at the next minute a job is due, and each job run through the host's shell
//! (`&&` and `;` chains, stopping at the first failure of an `&&`) from the home folder, its output
//! kept out of the learner's terminal and told in the narration. Simplified: a `docker run`
//! without `-d` in a job does not make cron wait for the container; the job's run counts as done
//! when the command is handed to Docker.

pub mod model;

use super::docker::error::DockerError;
use super::event::Event;
use super::record::{self, Record};
use super::time;
use super::world::World;

const USER: &str = "learner";
const HOME: &str = "/home/learner";

/// `crontab [-l | -r | -e | - | FILE]`; `stdin` is a here-document's text.
pub fn crontab(
    world: &mut World,
    args: &[String],
    stdin: Option<String>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let no_crontab = || DockerError::new(format!("no crontab for {USER}"), 1);
    match args.first().map(String::as_str) {
        Some("-l") => {
            if world.cron.jobs.is_empty() && world.cron.text.is_empty() {
                return Err(no_crontab());
            }
            rec.out(world.cron.text.trim_end_matches('\n').to_string());
            Ok(())
        }
        Some("-r") => {
            if world.cron.text.is_empty() {
                return Err(no_crontab());
            }
            world.cron = model::Crontab::default();
            schedule(world);
            rec.say("The crontab is removed: no job will run.");
            Ok(())
        }
        Some("-e") | Some("-") => {
            let Some(text) = stdin else {
                return Err(DockerError::new(
                    "dockyard: the editor is not simulated; give the table as a here-document: crontab - <<'EOF' … EOF",
                    1,
                ));
            };
            install(world, &text, "-", rec)
        }
        Some(path) if !path.starts_with('-') => {
            let text = world
                .fs
                .read(path)
                .map_err(|_| DockerError::new(format!("{path}: No such file or directory"), 1))?
                .to_string();
            install(world, &text, path, rec)
        }
        Some(other) => Err(DockerError::new(
            format!(
                "crontab: invalid option -- '{}'\nusage:\tcrontab [-u user] file\n\tcrontab [ -u user ] [ -i ] {{ -e | -l | -r }}",
                other.trim_start_matches('-')
            ),
            1,
        )),
        None => Err(DockerError::new(
            "usage:\tcrontab [-u user] file\n\tcrontab [ -u user ] [ -i ] { -e | -l | -r }",
            1,
        )),
    }
}

fn install(
    world: &mut World,
    text: &str,
    file_name: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let table = model::parse(text, file_name).map_err(|e| DockerError::new(e, 1))?;
    let jobs = table.jobs.len();
    world.cron = table;
    schedule(world);
    rec.say(match next_run(world) {
        Some(at) => format!(
            "cron installed {jobs} job(s); the next run is at {} (in {}). Jobs run from {HOME}, without a terminal: their output is not shown here.",
            crate::sim::backup::timestamp(at),
            time::short_duration(at - world.now_ms)
        ),
        None => format!("cron installed {jobs} job(s); none is ever due."),
    });
    Ok(())
}

/// The start of the next minute a job is due.
fn next_run(world: &World) -> Option<time::Millis> {
    world
        .cron
        .jobs
        .iter()
        .filter_map(|j| j.next_after(world.now_ms))
        .min()
}

/// Puts the next cron wake-up on the agenda (one at a time).
fn schedule(world: &mut World) {
    world.agenda.cancel(|e| matches!(e, Event::Cron));
    if let Some(at) = next_run(world) {
        world.schedule_in(at - world.now_ms, Event::Cron);
    }
}

/// cron's minute: runs every job due now, then sleeps until the next.
pub fn on_cron(world: &mut World, rec: &mut Record) -> bool {
    let minute_ms = world.now_ms / 60_000 * 60_000;
    let due: Vec<model::Job> = world
        .cron
        .jobs
        .iter()
        .filter(|j| j.due(minute_ms))
        .cloned()
        .collect();
    if due.is_empty() {
        schedule(world);
        return false;
    }
    rec.title = format!("cron runs {} job(s)", due.len());
    for job in &due {
        run_job(world, &job.command, rec);
    }
    schedule(world);
    true
}

/// One job, as `sh -c COMMAND` from the home folder, without a terminal.
fn run_job(world: &mut World, command: &str, rec: &mut Record) {
    let waiting = std::mem::take(&mut world.shell.waiting);
    let cwd = std::mem::replace(&mut world.fs.cwd, HOME.to_string());
    let mut out = Record::new(world.now_ms);
    let mut status = 0;
    for (segment, and_then) in chain(command) {
        if status != 0 && and_then {
            break;
        }
        let before = world.clone();
        match crate::sim::shell::run_line(world, &segment, &mut out) {
            Ok(()) => status = i32::from(out.error),
            Err(e) => {
                if !e.keeps_state {
                    let keep_waiting = std::mem::take(&mut world.shell.waiting);
                    *world = before;
                    world.shell.waiting = keep_waiting;
                }
                out.err(e.message);
                status = e.exit_code.max(1);
            }
        }
    }
    // The job's own waits (an attached `docker run`) are cron's, not the terminal's.
    world.shell.waiting = waiting;
    world.fs.cwd = cwd;
    rec.touched.extend(out.touched);
    let printed: Vec<String> = out
        .terminal
        .iter()
        .filter(|l| l.stream != record::Stream::Prompt)
        .map(|l| l.text.clone())
        .collect();
    rec.say(format!(
        "cron ran `{command}` as {USER} from {HOME} (exit {status}).{}",
        if printed.is_empty() {
            String::new()
        } else {
            format!(
                " It printed, to no terminal (cron would mail it): {}",
                printed.join(" / ")
            )
        }
    ));
    if command.contains("$(date +") && !command.contains("date +%") && command.ends_with("+") {
        rec.say("The command ends at a `%`: cron cuts a command at its first unescaped `%`. Write `date +\\%F` in a crontab.");
    }
}

/// `a && b; c` → (segment, runs only if the previous succeeded); separators inside quotes
/// belong to the words (`sh -c "a; b"`).
fn chain(command: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut and_then = false;
    let (mut single, mut double) = (false, false);
    let chars: Vec<char> = command.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            _ => {}
        }
        let quoted = single || double;
        let separator = if quoted {
            None
        } else if c == '&' && chars.get(i + 1) == Some(&'&') {
            Some((true, 2))
        } else if c == ';' {
            Some((false, 1))
        } else {
            None
        };
        match separator {
            Some((is_and, len)) => {
                if !current.trim().is_empty() {
                    out.push((current.trim().to_string(), and_then));
                }
                current.clear();
                and_then = is_and;
                i += len;
            }
            None => {
                current.push(c);
                i += 1;
            }
        }
    }
    if !current.trim().is_empty() {
        out.push((current.trim().to_string(), and_then));
    }
    out
}
