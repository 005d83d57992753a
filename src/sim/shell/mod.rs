//! The learner's shell on the simulated host.
//!
//! A real terminal runs `docker` (which talks to the daemon), `curl` against published ports, and
//! `sleep`. We parse the line with POSIX shell quoting, dispatch it, and print what the real
//! programs print. A command that waits (`docker stop` during the grace period, `docker run`
//! attached to a container, `sleep`) keeps the prompt busy until the event that ends it; a new
//! line typed meanwhile detaches from any output being followed, as opening a second terminal
//! would. Mistakes are answered with the real error text and change nothing.
//!
//! One file per job: this one takes a line (or a fault, or a `wait`) and dispatches it by
//! program, after bash's `$(…)` substitution and quoting; redirect.rs takes here-documents and
//! `>`/`>>` out of the words; vocabulary.rs gathers every CLI's command table; faults.rs applies a `! fault`; docker.rs routes a `docker …` line
//! to its family (containers.rs, inspect.rs, exec.rs, or a model under src/sim/docker/ and
//! src/sim/swarm/); curl.rs is `curl` on the host; tools.rs is `sleep` and `help`.

mod containers;
pub(crate) mod curl;
mod docker;
mod exec;
mod faults;
mod inspect;
mod redirect;
mod tools;
pub mod vocabulary;

pub(crate) use docker::docker;
pub(crate) use exec::{ExecRequest, exec_in};

use crate::sim::docker::error::DockerError;
use crate::sim::event::Event;
use crate::sim::files;
use crate::sim::input::Input;
use crate::sim::record::{self, Record};
use crate::sim::time;
use crate::sim::world::{Waiter, World};
use faults::on_fault;

pub fn on_input(world: &mut World, input: Input, rec: &mut Record) {
    rec.title = input.describe();
    match input {
        Input::Command(line) => {
            rec.prompt_on(record::prompt_host(world), line.clone());
            // The new prompt detaches from any output being followed.
            world.shell.waiting.retain(|w| {
                !matches!(
                    w,
                    Waiter::Attached { .. }
                        | Waiter::Follow { .. }
                        | Waiter::ComposeAttached { .. }
                )
            });
            let before = world.clone();
            if let Err(e) = run_line(world, &line, rec) {
                if e.exit_code == 0 {
                    // `--help` (src/sim/flags.rs): cobra prints the usage on stdout and exits 0;
                    // nothing ran.
                    *world = before;
                    rec.out(e.message.trim_start().to_string());
                    rec.say("The command's usage and flags; nothing ran.");
                    return;
                }
                // A mistake changes nothing: put the world back, keep the answer. Only an error
                // the daemon hit part-way (a failed start or removal) keeps its state change.
                if !e.keeps_state {
                    *world = before;
                }
                rec.err(e.message);
                rec.error = true;
                rec.touched.clear();
                if rec.narration.is_empty() {
                    rec.say("Docker refused the command; nothing changed.");
                }
            }
        }
        Input::Fault(fault) => on_fault(world, fault, rec),
        Input::Advance { duration_ms } => {
            world.shell.waiting.push(Waiter::Sleep);
            world.schedule_in(duration_ms, Event::Wake);
            rec.say(format!(
                "Letting {} of simulated time pass.",
                time::short_duration(duration_ms)
            ));
        }
    }
}

pub fn on_wake(world: &mut World, rec: &mut Record) -> bool {
    let Some(i) = world.shell.waiting.iter().position(|w| {
        matches!(
            w,
            Waiter::Sleep | Waiter::Curl { .. } | Waiter::Finish { .. }
        )
    }) else {
        return false;
    };
    match world.shell.waiting.remove(i) {
        Waiter::Curl { lines } => {
            rec.title = "curl gets its answer".to_string();
            for (stderr, line) in lines {
                if stderr {
                    rec.err(line);
                } else {
                    rec.out(line);
                }
            }
            rec.say("The answer came after Traefik's 30 s dial timeout: the prompt is back.");
            return true;
        }
        Waiter::Finish { lines } => {
            rec.title = "the command finishes".to_string();
            for (stderr, line) in lines {
                if stderr {
                    rec.err(line);
                } else {
                    rec.out(line);
                }
            }
            rec.say("The command has moved its data and exited: the prompt is back.");
            return true;
        }
        _ => {}
    }
    rec.title = "the wait is over".to_string();
    rec.say("The wait is over: the prompt is back.");
    true
}

pub(crate) fn run_line(world: &mut World, line: &str, rec: &mut Record) -> Result<(), DockerError> {
    let result = run_one(world, line, rec);
    // `sudo` lasts one command: the next line (and a refused one, which must leave the world as
    // it was) starts as the learner again. Found by tests/fuzz_shell.rs: after `sudo rm …`, a
    // refused `docker volume inspect` reset the user and so "changed" the world.
    world.fs.acting_uid = crate::sim::hostfs::LEARNER_UID;
    result
}

fn run_one(world: &mut World, line: &str, rec: &mut Record) -> Result<(), DockerError> {
    // A here-document's body follows the command's first line.
    let (first, body) = match line.split_once('\n') {
        Some((first, rest)) => (first, Some(rest)),
        None => (line, None),
    };
    let expanded = substitute_commands(world, first, rec)?;
    let expanded = expand_variables(world, &expanded);
    let first = expanded.as_str();
    let mut words = shell_words::split(first).map_err(|_| {
        DockerError::new("bash: unexpected EOF while looking for matching quote", 2)
    })?;
    let stdin = redirect::here_document(&mut words, body, rec)?;
    let input = redirect::input_redirection(&mut words)?;
    let redirect = redirect::redirection(&mut words)?;
    // `sudo`: the learner's shell may do what root may (the daemon's files, systemctl, files
    // that root owns).
    let sudo = words.len() > 1 && words[0] == "sudo";
    if sudo {
        words.remove(0);
    }
    world.fs.acting_uid = if sudo {
        0
    } else {
        crate::sim::hostfs::LEARNER_UID
    };
    let Some(program) = words.first().cloned() else {
        return Ok(());
    };
    if matches!(
        program.as_str(),
        "cat"
            | "echo"
            | "ls"
            | "rm"
            | "mkdir"
            | "pwd"
            | "touch"
            | "chmod"
            | "cp"
            | "mv"
            | "date"
            | "sha256sum"
            | "tar"
            | "gzip"
            | "gunzip"
            | "crontab"
            | "cd"
            | "chattr"
            | "mount"
            | "umount"
    ) {
        if crate::sim::swarm::statedir::touches(world, &words) {
            // A swarm machine's /var/lib/docker/swarm (src/sim/swarm/statedir.rs).
            return crate::sim::swarm::statedir::around(world, rec, |w, rec| {
                files::run(w, &words, stdin, redirect, rec)
            });
        }
        return files::run(world, &words, stdin, redirect, rec);
    }
    if matches!(program.as_str(), "docker" | "ssh")
        && (redirect.is_some() || stdin.is_some() || input.is_some())
    {
        return redirected(world, &words, stdin, input, redirect, rec);
    }
    if redirect.is_some() || stdin.is_some() || input.is_some() {
        return Err(DockerError::new(
            format!(
                "dockyard: redirections are simulated for cat and echo only, not for {program}"
            ),
            1,
        ));
    }
    match program.as_str() {
        "export" | "unset" => tools::variables(world, &words, rec),
        "docker" => docker(world, &words[1..], rec),
        "curl" => curl::curl(world, &words[1..], rec),
        "scp" => crate::sim::offsite::scp(world, &words[1..], rec),
        "rsync" => crate::sim::offsite::rsync(world, &words[1..], rec),
        "multipass" => crate::sim::lab::multipass(world, &words[1..], rec),
        "systemctl" if world.swarm.machines.contains_key(world.here()) => {
            tools::systemctl_on_swarm_machine(world, &words, rec)
        }
        "df" | "du" | "systemctl" => crate::sim::docker::disk::host_command(world, &words, rec),
        "ssh" => crate::sim::lab::ssh(world, &words[1..], rec),
        "exit" | "logout" => crate::sim::lab::exit(world, rec),
        "sleep" => tools::sleep(world, &words[1..], rec),
        "help" => tools::help(world, rec),
        other => Err(DockerError::new(
            format!("bash: {other}: command not found"),
            127,
        )),
    }
}

/// A `docker` (or `ssh MACHINE docker …`) command with the host shell's redirections: `< FILE`
/// (or a here-document) is its standard input, `> FILE` receives its standard output
/// (`docker exec db pg_dump … > app.sql`); the file is on the machine the terminal is on.
/// As in bash, the output file is created (emptied) before the command runs, so a failing
/// command leaves an empty file behind. A program that writes a packed file (`pg_dump -Fc`)
/// hands it over whole.
fn redirected(
    world: &mut World,
    words: &[String],
    here_document: Option<String>,
    input: Option<String>,
    redirect: Option<(String, bool)>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    use crate::sim::hostfs::Entry;
    world.shell.stdin = match input {
        Some(path) => Some(world.fs.get(&path).cloned().ok_or_else(|| {
            DockerError::new(format!("bash: {path}: No such file or directory"), 1)
        })?),
        None => here_document.map(|content| Entry::File { content }),
    };
    world.shell.stdout_archive = None;
    world.shell.stdout_redirected = redirect.is_some();
    let run = |world: &mut World, rec: &mut Record| match words[0].as_str() {
        "ssh" => crate::sim::lab::ssh(world, &words[1..], rec),
        _ => docker(world, &words[1..], rec),
    };
    let result = match &redirect {
        None => run(world, rec),
        Some((path, append)) => {
            if !append {
                world
                    .fs
                    .write(path, "", false)
                    .map_err(|e| DockerError::new(format!("bash: {e}"), 1))?;
            }
            let mut inner = Record::new(world.now_ms);
            let result = run(world, &mut inner);
            let mut text = String::new();
            for line in inner.terminal {
                if line.stream == record::Stream::Stdout {
                    text.push_str(&line.text);
                    text.push('\n');
                } else {
                    rec.terminal.push(line);
                }
            }
            rec.narration.extend(inner.narration);
            rec.touched.extend(inner.touched);
            rec.error |= inner.error;
            let stored = match world.shell.stdout_archive.take() {
                Some(archive) => world.fs.put(path, Entry::Archive(Box::new(archive))),
                None => world.fs.write(path, &text, *append),
            };
            stored.map_err(|e| DockerError::new(format!("bash: {e}"), 1))?;
            let size = world.fs.get(path).map(Entry::size_bytes).unwrap_or(0);
            rec.touch(path.rsplit('/').next().unwrap_or("").to_string());
            rec.say(format!(
                "The host's shell wrote the command's standard output to {path} ({size} bytes) in the project folder."
            ));
            result
        }
    };
    world.shell.stdin = None;
    world.shell.stdout_archive = None;
    world.shell.stdout_redirected = false;
    result
}

/// bash's parameter expansion of the variables `export` set: `$NAME` and `${NAME}` outside
/// single quotes. Simplified: a variable that is not set stays as written (bash would make it
/// empty), so the `$` of commands written before variables existed keep their meaning.
fn expand_variables(world: &World, line: &str) -> String {
    if world.shell.env.is_empty() || !line.contains('$') {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' && !double {
            single = !single;
        } else if c == '"' && !single {
            double = !double;
        }
        if c == '$' && !single {
            let (name, end) = if chars.get(i + 1) == Some(&'{') {
                let close = chars[i + 2..]
                    .iter()
                    .position(|c| *c == '}')
                    .map(|p| i + 2 + p);
                match close {
                    Some(close) => (chars[i + 2..close].iter().collect::<String>(), close + 1),
                    None => (String::new(), i + 1),
                }
            } else {
                let len = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                    .count();
                (chars[i + 1..i + 1 + len].iter().collect(), i + 1 + len)
            };
            if let Some(value) = world.shell.env.get(&name) {
                out.push_str(value);
                i = end;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// bash's command substitution: each `$(command)` outside single quotes runs first, and its
/// standard output (trailing newlines dropped, lines joined by spaces as word splitting does
/// outside double quotes) takes its place: `docker exec $(docker ps -q -f name=api) nslookup db`.
/// What the inner command prints on stderr reaches the terminal; a failing inner command leaves
/// an empty substitution, as in bash.
fn substitute_commands(
    world: &mut World,
    line: &str,
    rec: &mut Record,
) -> Result<String, DockerError> {
    if !line.contains("$(") {
        return Ok(line.to_string());
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut in_single = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            in_single = !in_single;
        }
        if !in_single && c == '$' && chars.get(i + 1) == Some(&'(') {
            let mut depth = 1;
            let mut j = i + 2;
            while j < chars.len() && depth > 0 {
                match chars[j] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            if depth != 0 {
                return Err(DockerError::new(
                    "bash: unexpected EOF while looking for matching `)'",
                    2,
                ));
            }
            let inner: String = chars[i + 2..j - 1].iter().collect();
            let mut inner_rec = Record::new(world.now_ms);
            let result = run_line(world, &inner, &mut inner_rec);
            let stdout: Vec<&str> = inner_rec
                .terminal
                .iter()
                .filter(|l| l.stream == record::Stream::Stdout)
                .map(|l| l.text.as_str())
                .collect();
            for l in inner_rec
                .terminal
                .iter()
                .filter(|l| l.stream == record::Stream::Stderr)
            {
                rec.err(l.text.clone());
            }
            rec.narration.extend(inner_rec.narration);
            rec.touched.extend(inner_rec.touched);
            match result {
                Ok(()) => out.push_str(
                    &stdout
                        .join("\n")
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                Err(e) => rec.err(e.message),
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}
