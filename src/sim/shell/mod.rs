//! The learner's shell on the simulated host.
//!
//! A real terminal runs `docker` (which talks to the daemon), `curl` against published ports, and
//! `sleep`. We parse the line with POSIX shell quoting, dispatch it, and print what the real
//! programs print. A command that waits (`docker stop` during the grace period, `docker run`
//! attached to a container, `sleep`) keeps the prompt busy until the event that ends it; a new
//! line typed meanwhile detaches from any output being followed, as opening a second terminal
//! would. Mistakes are answered with the real error text and change nothing.

use super::docker::cli::{self, DockerCommand};
use super::docker::container::Status;
use super::docker::engine;
use super::docker::error::DockerError;
use super::docker::output;
use super::event::Event;
use super::files;
use super::ids::ContainerId;
use super::input::{Fault, Input};
use super::record::Record;
use super::time;
use super::world::{Waiter, World};

pub fn on_input(world: &mut World, input: Input, rec: &mut Record) {
    rec.title = input.describe();
    match input {
        Input::Command(line) => {
            rec.prompt_on(super::record::prompt_host(world), line.clone());
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
    let Some(i) = world
        .shell
        .waiting
        .iter()
        .position(|w| matches!(w, Waiter::Sleep))
    else {
        return false;
    };
    world.shell.waiting.remove(i);
    rec.title = "the wait is over".to_string();
    rec.say("The wait is over: the prompt is back.");
    true
}

fn on_fault(world: &mut World, fault: Fault, rec: &mut Record) {
    let result = match &fault {
        Fault::Crash { container, exit_code } => fault_target(world, container, rec)
            .and_then(|id| engine::crash(world, &id, *exit_code, false, rec)),
        Fault::OomKill { container } => fault_target(world, container, rec)
            .and_then(|id| engine::crash(world, &id, 137, true, rec)),
        Fault::FsBusy { container } => fault_target(world, container, rec).map(|id| {
            let c = world.engine.containers.get_mut(&id).expect("resolved");
            c.fs_busy = true;
            rec.touch(c.name.clone());
            rec.title = format!("{}: filesystem busy", c.name);
            rec.say(format!(
                "Another process on the host now holds a file inside {}'s filesystem open, so the next attempt to remove it will fail.",
                c.name
            ));
        }),
        Fault::Reboot => {
            engine::reboot(world, rec);
            Ok(())
        }
        Fault::Machine { machine, up } => {
            if *up {
                super::swarm::control::start(world, machine, rec)
            } else {
                super::swarm::control::kill(world, machine, rec)
            }
        }
        Fault::Partition { machines } => super::swarm::control::partition(world, machines, rec),
        Fault::Heal => super::swarm::control::heal(world, rec),
        Fault::NodeDisk { machine, full } => {
            super::swarm::control::fill_disk(world, machine, *full, rec)
        }
        Fault::Voting(action) => super::swarm::voting::apply(world, action, rec),
        Fault::Traffic(action) => super::traffic::apply(world, action, rec),
    };
    if let Err(message) = result {
        rec.say(format!(
            "The fault `{}` could not be applied: {message}",
            fault.describe()
        ));
        rec.error = true;
    }
}

/// The container a fault names: a name or ID as the daemon resolves it or, on a Compose project, a
/// service name as Compose finds its container (`docker compose kill api`): the one running
/// container of service `api` (one-off `compose run` containers aside), or its only container.
/// Several running (a scaled service, or two projects) is an error that names them.
fn fault_target(world: &World, name: &str, rec: &mut Record) -> Result<ContainerId, String> {
    use super::docker::compose::convert::{ONEOFF_LABEL, SERVICE_LABEL};
    use super::docker::container::Container;
    let not_found = match world.engine.resolve(name) {
        Ok(id) => return Ok(id),
        Err(e) => e.message,
    };
    let of_service = |c: &&Container| {
        let label = |key: &str| c.config.labels.get(key).map(String::as_str);
        label(SERVICE_LABEL) == Some(name) && label(ONEOFF_LABEL) != Some("True")
    };
    let all: Vec<&Container> = world
        .engine
        .newest_first()
        .into_iter()
        .filter(of_service)
        .collect();
    let running: Vec<&Container> = all
        .iter()
        .copied()
        .filter(|c| c.state.status == Status::Running)
        .collect();
    let names = |list: &[&Container]| {
        list.iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match (running.as_slice(), all.as_slice()) {
        ([one], _) | ([], [one]) => *one,
        ([], []) => return Err(not_found),
        ([], several) => {
            return Err(format!(
                "service {name} has {} containers and none is running ({}): name one",
                several.len(),
                names(several)
            ));
        }
        (several, _) => {
            return Err(format!(
                "service {name} has {} running containers ({}): name the one to break",
                several.len(),
                names(several)
            ));
        }
    };
    rec.say(format!(
        "`{name}` is a Compose service: its container is {}.",
        chosen.name
    ));
    Ok(chosen.id.clone())
}

pub(crate) fn run_line(world: &mut World, line: &str, rec: &mut Record) -> Result<(), DockerError> {
    // A here-document's body follows the command's first line.
    let (first, body) = match line.split_once('\n') {
        Some((first, rest)) => (first, Some(rest)),
        None => (line, None),
    };
    let expanded = substitute_commands(world, first, rec)?;
    let first = expanded.as_str();
    let mut words = shell_words::split(first).map_err(|_| {
        DockerError::new("bash: unexpected EOF while looking for matching quote", 2)
    })?;
    let stdin = here_document(&mut words, body, rec)?;
    let redirect = redirection(&mut words)?;
    // `sudo`: the learner's shell may do what root may (the daemon's files, systemctl).
    if words.len() > 1 && words[0] == "sudo" {
        words.remove(0);
    }
    let Some(program) = words.first().cloned() else {
        return Ok(());
    };
    if matches!(
        program.as_str(),
        "cat" | "echo" | "ls" | "rm" | "mkdir" | "pwd" | "touch"
    ) {
        return files::run(world, &words, stdin, redirect, rec);
    }
    if redirect.is_some() || stdin.is_some() {
        return Err(DockerError::new(
            format!(
                "dockyard: redirections are simulated for cat and echo only, not for {program}"
            ),
            1,
        ));
    }
    match program.as_str() {
        "docker" => docker(world, &words[1..], rec),
        "curl" => curl(world, &words[1..], rec),
        "multipass" => super::lab::multipass(world, &words[1..], rec),
        "df" | "du" | "systemctl" => super::docker::disk::host_command(world, &words, rec),
        "ssh" => super::lab::ssh(world, &words[1..], rec),
        "exit" | "logout" => super::lab::exit(world, rec),
        "sleep" => {
            let duration_ms = words
                .get(1)
                .and_then(|w| time::parse_duration(w))
                .ok_or_else(|| DockerError::new("sleep: invalid time interval", 1))?;
            world.shell.waiting.push(Waiter::Sleep);
            world.schedule_in(duration_ms, Event::Wake);
            rec.say(format!(
                "The shell sleeps for {}: step forward to let the time pass.",
                time::short_duration(duration_ms)
            ));
            Ok(())
        }
        "help" => {
            rec.out(cli::HELP.trim_start());
            rec.out(terminal_help(world));
            Ok(())
        }
        other => Err(DockerError::new(
            format!("bash: {other}: command not found"),
            127,
        )),
    }
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
                .filter(|l| l.stream == super::record::Stream::Stdout)
                .map(|l| l.text.as_str())
                .collect();
            for l in inner_rec
                .terminal
                .iter()
                .filter(|l| l.stream == super::record::Stream::Stderr)
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

/// The rest of what this terminal takes (the shell's `help`, after docker's): other programs,
/// files, and the faults; on a swarm, where the reader is and what to try first.
fn terminal_help(world: &World) -> String {
    let mut out = String::from(
        "
Also in this terminal:
  curl URL, sleep N (lets time pass), clear, help
  ssh HOST CMD          run CMD on another machine of the lab (ssh node-2 docker ps)
  multipass …           VMs (launch, list, info, stop, start, delete, purge)
  df -h /, du -sh DIR, systemctl restart docker
  cat, echo … > FILE, cat > FILE <<EOF, ls, rm, mkdir, touch, pwd   (the project folder)

Faults (a line starting with !):
  !crash NAME [CODE]    !oom NAME    !busy NAME    !reboot         (a container or a Compose service)
  !kill NODE    !start NODE    !partition NODE…    !heal    !fill-disk NODE    !free-disk NODE
  !traffic start NODE:PORT N/s    !traffic stop",
    );
    if world.swarm.active() {
        let machines = world.swarm.machines.len();
        out.push_str(&format!(
            "

This shell is on {}, one of a {machines}-machine swarm: try docker node ls,
docker service create -d --name web --replicas 3 -p 8080:80 dockyard/web:1.0, docker service ps web.",
            world.engine.hostname
        ));
    }
    out
}

/// Takes `<<EOF` (or `<< 'EOF'`, `<<-EOF`) out of the words and returns the document's text.
fn here_document(
    words: &mut Vec<String>,
    body: Option<&str>,
    rec: &mut Record,
) -> Result<Option<String>, DockerError> {
    let Some(i) = words.iter().position(|w| w.starts_with("<<")) else {
        return Ok(None);
    };
    let marker = words.remove(i);
    let inline = marker
        .trim_start_matches("<<")
        .trim_start_matches('-')
        .to_string();
    let delimiter = if inline.is_empty() {
        if i < words.len() {
            words.remove(i)
        } else {
            return Err(DockerError::new(
                "bash: syntax error near unexpected token `newline'",
                2,
            ));
        }
    } else {
        inline
    };
    let mut text = String::new();
    let mut closed = false;
    for line in body.unwrap_or("").split('\n') {
        if line.trim() == delimiter {
            closed = true;
            break;
        }
        text.push_str(line);
        text.push('\n');
    }
    if !closed {
        rec.err(format!(
            "bash: warning: here-document delimited by end-of-file (wanted `{delimiter}')"
        ));
    }
    Ok(Some(text))
}

/// Takes `> file` / `>> file` out of the words: (path, append).
fn redirection(words: &mut Vec<String>) -> Result<Option<(String, bool)>, DockerError> {
    let Some(i) = words.iter().position(|w| w.starts_with('>')) else {
        return Ok(None);
    };
    let op = words.remove(i);
    let append = op.starts_with(">>");
    let inline = op.trim_start_matches('>').to_string();
    let path = if !inline.is_empty() {
        inline
    } else if i < words.len() {
        words.remove(i)
    } else {
        return Err(DockerError::new(
            "bash: syntax error near unexpected token `newline'",
            2,
        ));
    };
    Ok(Some((path, append)))
}

/// Wraps an error the way `docker run` prints it (docker/cli `withHelp`): exit 125, or the
/// 126/127 of a command that cannot be invoked or found.
fn run_error(e: DockerError) -> DockerError {
    let code = if e.exit_code == 127 || e.exit_code == 126 {
        e.exit_code
    } else {
        125
    };
    DockerError {
        message: format!(
            "docker: {}\n\nRun 'docker run --help' for more information",
            e.message
        ),
        exit_code: code,
        keeps_state: e.keeps_state,
    }
}

/// `docker create` passes daemon errors through as they are (exit 1) and wraps its own.
fn create_error(e: DockerError) -> DockerError {
    if e.message.starts_with("Error response from daemon:") {
        DockerError { exit_code: 1, ..e }
    } else {
        DockerError::new(
            format!(
                "docker: {}\n\nRun 'docker create --help' for more information",
                e.message
            ),
            125,
        )
    }
}

fn each<F>(
    world: &mut World,
    names: &[String],
    rec: &mut Record,
    mut f: F,
) -> Result<(), DockerError>
where
    F: FnMut(&mut World, &ContainerId, &str, &mut Record) -> Result<(), DockerError>,
{
    // Docker acts on every argument and reports each failure; the command fails if any did.
    let mut errors = Vec::new();
    let mut keeps_state = false;
    for name in names {
        match world
            .engine
            .resolve(name)
            .and_then(|id| f(world, &id, name, rec))
        {
            Ok(()) => {}
            Err(e) => {
                keeps_state |= e.keeps_state;
                errors.push(e.message);
            }
        }
    }
    finish_each(errors, names.len(), keeps_state, rec)
}

/// All failed: the command is refused (nothing changes unless the daemon got part-way). Some
/// failed: the others' effects stay and the failures are printed.
fn finish_each(
    errors: Vec<String>,
    total: usize,
    keeps_state: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    if errors.is_empty() {
        Ok(())
    } else if errors.len() == total {
        let e = DockerError::new(errors.join("\n"), 1);
        Err(if keeps_state { e.keeping_state() } else { e })
    } else {
        for e in errors {
            rec.err(e);
        }
        rec.say("Some of the containers could not be handled; the others were.");
        Ok(())
    }
}

pub(crate) fn docker(
    world: &mut World,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    super::docker::disk::daemon_up(world)?;
    if args.len() >= 2 && args[0] == "system" && args[1] == "prune" {
        return super::docker::prune::system_prune(world, &args[2..], rec);
    }
    if args
        .first()
        .is_some_and(|a| a == "swarm" || a == "node" || a == "service" || a == "stack")
    {
        return super::swarm::cli::run(world, args, rec);
    }
    if args.len() == 1 && args[0] == "info" {
        let host = world.here().to_string();
        super::swarm::info::info(world, &host, rec);
        return Ok(());
    }
    // Swarm-scoped networks (overlay create, ls on a manager): src/sim/swarm/overlay.rs.
    if let Some(result) = super::swarm::overlay::network_command(world, args, rec) {
        return result;
    }
    if args.first().is_some_and(|a| a == "compose") {
        return super::docker::compose::run(world, &args[1..], rec);
    }
    let command = cli::parse(args)?;
    let now = world.now_ms;
    match command {
        DockerCommand::Help => {
            rec.out(cli::HELP.trim_start());
            Ok(())
        }
        DockerCommand::Create(options) => {
            let id = engine::create(world, &options, rec).map_err(create_error)?;
            rec.out(id.0.clone());
            Ok(())
        }
        DockerCommand::Run(options) => {
            let id = engine::create(world, &options, rec).map_err(run_error)?;
            let detach = options.detach;
            if !detach {
                world.shell.waiting.push(Waiter::Attached {
                    container: id.clone(),
                });
            }
            if let Err(e) = engine::start_by_user(world, &id, rec) {
                // The container was created; the failed start leaves it in `created`, as the real
                // daemon does. That is a real state change, so it is kept (not rolled back). With
                // -d the CLI has already printed the ID when the start fails.
                world.shell.waiting.retain(|w| w.container() != Some(&id));
                if detach {
                    rec.out(id.0.clone());
                }
                rec.err(run_error(e).message);
                rec.error = true;
                if options.auto_remove && world.engine.containers.contains_key(&id) {
                    world.engine.containers.remove(&id);
                }
                return Ok(());
            }
            if detach {
                rec.out(id.0.clone());
            } else {
                rec.say("Attached: the terminal shows the container's output until its main process exits (type another command to detach).");
            }
            Ok(())
        }
        DockerCommand::Start { containers, attach } => {
            // Each failure is printed, then one summary line (docker/cli container/start.go).
            let mut failed = Vec::new();
            let mut keeps_state = false;
            for name in &containers {
                let result = world.engine.resolve(name).and_then(|id| {
                    if attach {
                        world.shell.waiting.push(Waiter::Attached {
                            container: id.clone(),
                        });
                    }
                    engine::start_by_user(world, &id, rec)
                });
                match result {
                    Ok(()) if !attach => rec.out(name.clone()),
                    Ok(()) => {}
                    Err(e) => {
                        keeps_state |= e.keeps_state;
                        rec.err(e.message);
                        failed.push(name.clone());
                    }
                }
            }
            if failed.is_empty() {
                return Ok(());
            }
            let summary = DockerError::new(
                format!("Error: failed to start containers: {}", failed.join(", ")),
                1,
            );
            if keeps_state || failed.len() < containers.len() {
                rec.err(summary.message);
                rec.error = true;
                Ok(())
            } else {
                let errors: Vec<String> = rec
                    .terminal
                    .iter()
                    .skip(1)
                    .map(|l| l.text.clone())
                    .collect();
                rec.terminal.truncate(1);
                Err(DockerError::new(
                    format!("{}\n{}", errors.join("\n"), summary.message),
                    1,
                ))
            }
        }
        DockerCommand::Stop {
            containers,
            time_s,
            signal,
        } => each(world, &containers, rec, |world, id, name, rec| {
            engine::stop(world, id, time_s, signal.as_deref(), name, rec)
        }),
        DockerCommand::Restart { containers, time_s } => {
            each(world, &containers, rec, |world, id, name, rec| {
                let status = world.engine.containers[id].status();
                if status.is_up() {
                    engine::stop(world, id, time_s, None, name, rec)?;
                    // Turn the stop's waiter into a restart: start again once it has exited.
                    if let Some(w) =
                        world.shell.waiting.iter_mut().rev().find(
                            |w| matches!(w, Waiter::Stop { container, .. } if container == id),
                        )
                    {
                        *w = Waiter::Restart {
                            container: id.clone(),
                            print: name.to_string(),
                        };
                    }
                    // A process that handled the signal may already be gone in this same step.
                    Ok(())
                } else {
                    if status == Status::Restarting {
                        world.agenda.cancel(|e| {
                            e.container() == Some(id) && matches!(e, Event::RestartDue { .. })
                        });
                        world
                            .engine
                            .containers
                            .get_mut(id)
                            .expect("resolved")
                            .state
                            .status = Status::Exited;
                    }
                    engine::start_by_user(world, id, rec).map_err(|e| DockerError {
                        message: format!(
                            "Error response from daemon: Cannot restart container {name}: {}",
                            e.message.trim_start_matches("Error response from daemon: ")
                        ),
                        ..e
                    })?;
                    rec.out(name);
                    Ok(())
                }
            })
        }
        DockerCommand::Kill { containers, signal } => {
            let mut errors = Vec::new();
            for name in &containers {
                // The daemon wraps every kill error, a missing container included.
                let result = match world.engine.resolve(name) {
                    Ok(id) => engine::kill(world, &id, &signal, name, rec),
                    Err(e) => Err(DockerError::daemon(format!(
                        "cannot kill container: {name}: {}",
                        e.message.trim_start_matches("Error response from daemon: ")
                    ))),
                };
                if let Err(e) = result {
                    errors.push(e.message);
                }
            }
            finish_each(errors, containers.len(), false, rec)
        }
        DockerCommand::Pause { containers } => {
            each(world, &containers, rec, |world, id, name, rec| {
                engine::pause(world, id, name, rec)
            })
        }
        DockerCommand::Unpause { containers } => {
            each(world, &containers, rec, |world, id, name, rec| {
                engine::unpause(world, id, name, rec)
            })
        }
        DockerCommand::Rm {
            containers,
            force,
            volumes,
        } => {
            if force {
                // `rm -f` reports a missing container but still exits 0 (docker/cli container/rm.go).
                let (present, missing): (Vec<String>, Vec<String>) = containers
                    .iter()
                    .cloned()
                    .partition(|n| world.engine.resolve(n).is_ok());
                for name in &missing {
                    rec.err(format!(
                        "Error response from daemon: No such container: {name}"
                    ));
                }
                if present.is_empty() {
                    return Ok(());
                }
                return each(world, &present, rec, |world, id, name, rec| {
                    engine::rm(world, id, true, volumes, name, rec)
                });
            }
            each(world, &containers, rec, |world, id, name, rec| {
                engine::rm(world, id, false, volumes, name, rec)
            })
        }
        command @ (DockerCommand::VolumeCreate { .. }
        | DockerCommand::VolumeLs { .. }
        | DockerCommand::VolumeInspect { .. }
        | DockerCommand::VolumeRm { .. }
        | DockerCommand::VolumePrune { .. }) => super::docker::volumecmd::run(world, command, rec),
        DockerCommand::Network(command) => super::docker::netcmd::run(world, command, rec),
        DockerCommand::Ps(options) => {
            let text =
                output::ps(&world.engine, now, &options).map_err(|e| DockerError::new(e, 1))?;
            if !text.is_empty() {
                rec.out(text);
            }
            Ok(())
        }
        DockerCommand::Logs {
            container,
            follow,
            tail,
            timestamps,
        } => {
            let id = world.engine.resolve(&container)?;
            let c = &world.engine.containers[&id];
            if matches!(c.status(), Status::Dead | Status::Removing) {
                return Err(DockerError::daemon(
                    "can not get logs from container which is dead or marked for removal",
                ));
            }
            let skip = tail.map(|n| c.logs.len().saturating_sub(n)).unwrap_or(0);
            for line in &c.logs[skip..] {
                let text = if timestamps {
                    format!("{} {}", time::rfc3339(line.at_ms), line.text)
                } else {
                    line.text.clone()
                };
                if line.stderr {
                    rec.err(text);
                } else {
                    rec.out(text);
                }
            }
            rec.touch(c.name.clone());
            if follow && c.status().is_up() {
                world.shell.waiting.push(Waiter::Follow { container: id });
                rec.say("Following: new log lines appear here as the container writes them (type another command to stop).");
            }
            Ok(())
        }
        DockerCommand::Exec {
            container,
            detach,
            interactive,
            tty,
            env,
            argv,
        } => {
            let _ = (interactive, tty);
            exec_in(
                world,
                &ExecRequest {
                    container: &container,
                    argv: &argv,
                    env: &env,
                    detach,
                },
                rec,
            )
        }
        DockerCommand::Inspect { names, format } => {
            let mut values = Vec::new();
            let mut missing = Vec::new();
            for name in &names {
                match world.engine.resolve(name) {
                    Ok(id) => {
                        let c = &world.engine.containers[&id];
                        let mut value = output::inspect_json(c);
                        value["NetworkSettings"]["Networks"] =
                            super::docker::network::container_networks_json(world, c);
                        value["HostConfig"]["NetworkMode"] = c
                            .networks
                            .keys()
                            .next()
                            .map_or(serde_json::Value::from("bridge"), |n| {
                                serde_json::Value::from(n.as_str())
                            });
                        values.push(value);
                    }
                    Err(_) => missing.push(name.clone()),
                }
            }
            match &format {
                Some(template) => {
                    for v in &values {
                        rec.out(
                            output::inspect_format(v, template)
                                .map_err(|e| DockerError::new(e, 1))?,
                        );
                    }
                }
                None => rec.out(output::inspect_text(&values)),
            }
            if missing.is_empty() {
                Ok(())
            } else {
                let message = missing
                    .iter()
                    .map(|m| format!("Error: No such object: {m}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                if values.is_empty() {
                    rec.terminal.clear();
                    rec.prompt_on(
                        super::record::prompt_host(world),
                        format!("docker {}", args.join(" ")),
                    );
                    if format.is_none() {
                        rec.out("[]");
                    }
                    Err(DockerError::new(message, 1))
                } else {
                    rec.err(message);
                    Ok(())
                }
            }
        }
        DockerCommand::Port {
            container,
            private_port,
        } => {
            let id = world.engine.resolve(&container)?;
            let lines = output::port_lines(
                &world.engine.containers[&id],
                &container,
                private_port.as_deref(),
            )
            .map_err(|e| DockerError::new(e, 1))?;
            if !lines.is_empty() {
                rec.out(lines.join("\n"));
            }
            Ok(())
        }
        DockerCommand::Top { container, ps_args } => {
            super::docker::top::run(world, &container, &ps_args, rec)
        }
        DockerCommand::Stats(options) => super::docker::stats::run(world, &options, rec),
        DockerCommand::Images { quiet } => {
            let text = super::docker::imagecmd::images(world, quiet);
            if !text.is_empty() {
                rec.out(text);
            }
            Ok(())
        }
        DockerCommand::Pull { image } => super::docker::imagecmd::pull(world, &image, rec),
        // `docker build` and the image commands live in their own files (images-layers page).
        command @ (DockerCommand::Build(_)
        | DockerCommand::History { .. }
        | DockerCommand::Rmi { .. }
        | DockerCommand::SystemDf
        | DockerCommand::ImageInspect { .. }
        | DockerCommand::BuilderPrune) => {
            super::docker::build::run_image_command(world, command, rec)
        }
    }
}

/// What `docker exec` asks of the daemon, typed: what the `docker` CLI builds from its flags and
/// what `docker compose exec` builds for a service's container (no argv is rebuilt in between).
pub(crate) struct ExecRequest<'a> {
    /// The container as given (a name or an ID prefix).
    pub container: &'a str,
    /// The command and its arguments; never empty (both CLIs require it).
    pub argv: &'a [String],
    /// `-e KEY=VALUE` additions to the container's environment.
    pub env: &'a [String],
    pub detach: bool,
}

/// `docker exec`'s model, for both CLIs: resolve the container, then run the command in it.
pub(crate) fn exec_in(
    world: &mut World,
    request: &ExecRequest,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let id = world.engine.resolve(request.container)?;
    exec(
        world,
        &id,
        request.container,
        request.argv,
        request.env,
        request.detach,
        rec,
    )
}

/// `docker exec`: a second process in a running container.
fn exec(
    world: &mut World,
    id: &ContainerId,
    given: &str,
    argv: &[String],
    env: &[String],
    detach: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let c = &world.engine.containers[id];
    match c.status() {
        Status::Running => {}
        Status::Paused => {
            return Err(DockerError::daemon(format!(
                "Container {given} is paused, unpause the container before exec"
            )));
        }
        Status::Restarting => {
            return Err(DockerError::restarting(&c.id.0));
        }
        _ => {
            return Err(DockerError::not_running(&c.id.0));
        }
    }
    let name = c.name.clone();
    rec.touch(&name);
    let program = argv[0].rsplit('/').next().unwrap_or(&argv[0]).to_string();
    let mut all_env = c.config.env.clone();
    all_env.push(format!("HOSTNAME={}", c.config.hostname));
    all_env.extend(env.iter().cloned());
    // Files inside the container go through its filesystem view
    // (src/sim/docker/containerfs/mod.rs).
    if let Some(result) = super::docker::execfs::run(world, id, argv, rec) {
        return result;
    }
    // Network tools (curl to another container, ping, nslookup, getent): src/sim/docker/probe.rs.
    if let Some(result) = super::docker::probe::run(world, id, argv, rec) {
        return result;
    }
    // Database and cache clients (redis-cli ping, pg_isready): src/sim/docker/apps.rs.
    if let Some(result) = super::docker::apps::exec(world, id, argv, rec) {
        return result;
    }
    let c = &world.engine.containers[id];
    let out: Vec<String> = match program.as_str() {
        "ps" => {
            rec.say(format!("Inside {name}, PID 1 is the container's main process; your exec'd command is just another process beside it."));
            vec![
                "PID   USER     TIME  COMMAND".to_string(),
                format!("    1 root      0:00 {}", c.program.as_ref().map(|p| p.name.as_str()).unwrap_or("")),
                format!("   {} root      0:00 {}", 7 + c.run, argv.join(" ")),
            ]
        }
        "hostname" => vec![c.config.hostname.clone()],
        "cat" if argv.get(1).map(String::as_str) == Some("/etc/hostname") => vec![c.config.hostname.clone()],
        "env" | "printenv" => all_env,
        "echo" => vec![argv[1..].join(" ")],
        "true" => vec![],
        "ls" => vec!["bin    dev    etc    home   lib    media  mnt    opt    proc   root   run    sbin   srv    sys    tmp    usr    var".to_string()],
        "sh" | "bash" | "ash" if argv.len() == 1 => {
            return Err(DockerError::new(
                "dockyard: interactive shells are not simulated; run one command at a time, e.g. `docker exec web ps`",
                1,
            ));
        }
        "curl" => {
            let target = argv.iter().skip(1).find(|a| !a.starts_with('-')).cloned().unwrap_or_default();
            let (host, port) = parse_url(&target).ok_or_else(|| DockerError::new("curl: (3) URL rejected: Bad hostname", 3))?;
            if !matches!(host.as_str(), "localhost" | "127.0.0.1") {
                return Err(DockerError::new(format!("curl: (6) Could not resolve host: {host}"), 6));
            }
            rec.say(format!("`localhost` inside a container is the container itself: {name}'s own network namespace."));
            match c.program.as_ref().and_then(|p| p.serves.clone()).filter(|s| c.listening && s.port == port) {
                Some(serves) => {
                    let path = super::docker::apps::url_path(&target);
                    let body = super::docker::apps::serve_http(world, id, &path, serves.body.clone(), rec);
                    body.lines().map(str::to_string).collect()
                }
                None => {
                    return Err(DockerError::new(
                        format!("curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"),
                        7,
                    ));
                }
            }
        }
        _ => {
            return Err(DockerError::new(
                format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{}\": executable file not found in $PATH: unknown", argv[0]),
                127,
            ));
        }
    };
    if !detach && !out.is_empty() {
        rec.out(out.join("\n"));
    }
    Ok(())
}

/// `http://localhost:8080/path` → (host, port).
fn parse_url(url: &str) -> Option<(String, u16)> {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    if rest.starts_with("https://") {
        return None;
    }
    let authority = rest.split('/').next()?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().ok()?),
        None => (authority, 80),
    };
    if host.is_empty() {
        return None;
    }
    Some((host.to_string(), port))
}

/// `curl` on the host: published ports are how the outside world reaches a container.
fn curl(world: &mut World, args: &[String], rec: &mut Record) -> Result<(), DockerError> {
    let target = args.iter().find(|a| !a.starts_with('-')).ok_or_else(|| {
        DockerError::new(
            "curl: try 'curl --help' or 'curl --manual' for more information",
            2,
        )
    })?;
    let (host, port) = parse_url(target)
        .ok_or_else(|| DockerError::new("curl: (3) URL rejected: Bad hostname", 3))?;
    // A lab machine's port in a swarm: the routing mesh answers (src/sim/swarm/curl.rs).
    if let Some(result) = super::swarm::curl::run(world, &host, port, rec) {
        return result;
    }
    if !matches!(host.as_str(), "localhost" | "127.0.0.1" | "0.0.0.0") {
        return Err(DockerError::new(
            format!("curl: (6) Could not resolve host: {host}"),
            6,
        ));
    }
    let refused = DockerError::new(
        format!(
            "curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
        ),
        7,
    );
    let Some(c) = world.engine.port_holder(port) else {
        rec.say(format!(
            "No running container publishes host port {port}, so nothing listens there."
        ));
        return Err(refused);
    };
    let id = c.id.clone();
    let name = c.name.clone();
    rec.touch(&name);
    let binding = c
        .bound_ports
        .iter()
        .find(|b| b.host_port == Some(port))
        .cloned();
    let container_port = binding.map(|b| b.container_port).unwrap_or(0);
    if c.status() == Status::Paused {
        rec.say(format!("{name} is paused: the connection is accepted by the kernel, but the frozen process never answers."));
        return Err(DockerError::new(
            "curl: (28) Operation timed out after 5000 milliseconds with 0 bytes received",
            28,
        ));
    }
    let serves = c
        .program
        .as_ref()
        .and_then(|p| p.serves.clone())
        .filter(|s| s.port == container_port && c.listening);
    match serves {
        None => {
            rec.say(format!(
                "Host port {port} is published to {name}:{container_port}, but nothing listens on port {container_port} inside the container, so the connection is reset."
            ));
            Err(DockerError::new(
                "curl: (56) Recv failure: Connection reset by peer",
                56,
            ))
        }
        Some(s) if !s.http => {
            rec.say(format!(
                "{name} answers on {container_port}, but it does not speak HTTP."
            ));
            Err(DockerError::new(
                "curl: (1) Received HTTP/0.9 when not allowed",
                1,
            ))
        }
        Some(s) => {
            rec.say(format!("Host port {port} → {name}:{container_port}: the request reaches the container through the published port."));
            let path = super::docker::apps::url_path(target);
            let body = super::docker::apps::serve_http(world, &id, &path, s.body, rec);
            rec.out(body);
            Ok(())
        }
    }
}
