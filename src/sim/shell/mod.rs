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
//! program, after bash's `$(…)` substitution and quoting, and holds the `docker` dispatcher;
//! redirect.rs takes here-documents and `>`/`>>` out of the words; faults.rs applies a `! fault`;
//! exec.rs is `docker exec`; curl.rs is `curl` on the host; tools.rs is `sleep` and `help`.

mod curl;
mod exec;
mod faults;
mod redirect;
mod tools;

pub(crate) use exec::{ExecRequest, exec_in};

use crate::sim::docker::cli::{self, DockerCommand};
use crate::sim::docker::container::Status;
use crate::sim::docker::engine;
use crate::sim::docker::error::DockerError;
use crate::sim::docker::output;
use crate::sim::event::Event;
use crate::sim::files;
use crate::sim::ids::ContainerId;
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
    let stdin = redirect::here_document(&mut words, body, rec)?;
    let redirect = redirect::redirection(&mut words)?;
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
        "curl" => curl::curl(world, &words[1..], rec),
        "multipass" => crate::sim::lab::multipass(world, &words[1..], rec),
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
    crate::sim::docker::disk::daemon_up(world)?;
    if args.len() >= 2 && args[0] == "system" && args[1] == "prune" {
        return crate::sim::docker::prune::system_prune(world, &args[2..], rec);
    }
    if args
        .first()
        .is_some_and(|a| a == "swarm" || a == "node" || a == "service" || a == "stack")
    {
        return crate::sim::swarm::cli::run(world, args, rec);
    }
    if args.len() == 1 && args[0] == "info" {
        let host = world.here().to_string();
        crate::sim::swarm::info::info(world, &host, rec);
        return Ok(());
    }
    // Swarm-scoped networks (overlay create, ls on a manager): src/sim/swarm/overlay.rs.
    if let Some(result) = crate::sim::swarm::overlay::network_command(world, args, rec) {
        return result;
    }
    if args.first().is_some_and(|a| a == "compose") {
        return crate::sim::docker::compose::run(world, &args[1..], rec);
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
        | DockerCommand::VolumePrune { .. }) => {
            crate::sim::docker::volumecmd::run(world, command, rec)
        }
        DockerCommand::Network(command) => crate::sim::docker::netcmd::run(world, command, rec),
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
                            crate::sim::docker::network::container_networks_json(world, c);
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
                        crate::sim::record::prompt_host(world),
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
            crate::sim::docker::top::run(world, &container, &ps_args, rec)
        }
        DockerCommand::Stats(options) => crate::sim::docker::stats::run(world, &options, rec),
        DockerCommand::Images { quiet } => {
            let text = crate::sim::docker::imagecmd::images(world, quiet);
            if !text.is_empty() {
                rec.out(text);
            }
            Ok(())
        }
        DockerCommand::Pull { image } => crate::sim::docker::imagecmd::pull(world, &image, rec),
        // `docker build` and the image commands live in their own files (images-layers page).
        command @ (DockerCommand::Build(_)
        | DockerCommand::History { .. }
        | DockerCommand::Rmi { .. }
        | DockerCommand::SystemDf
        | DockerCommand::ImageInspect { .. }
        | DockerCommand::BuilderPrune) => {
            crate::sim::docker::build::run_image_command(world, command, rec)
        }
    }
}
