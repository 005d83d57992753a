//! The container lifecycle commands of the `docker` CLI: `create`, `run`, `start`, `stop`,
//! `restart`, `kill`, `pause`, `unpause`, `rm`.
//!
//! docker/cli sends each of these to the daemon once per container named, prints each name (or
//! the new container's ID) as it succeeds and each failure as it comes, and exits 1 if any failed
//! (`docker run` and `docker create` wrap their own errors with exit 125, `withHelp`). We model
//! that reporting here and leave the state changes to the engine (src/sim/docker/engine/mod.rs):
//! a failure part-way keeps what the daemon did, an attached `run`/`start -a` and a `stop` in its
//! grace period keep the prompt busy through a `Waiter`. Simplified: the CLI's calls are made in
//! the same step, in the order the names were given, and `restart` is the CLI's stop then start
//! rather than the daemon's single restart call.

use crate::sim::docker::cli::{DockerCommand, RunOptions};
use crate::sim::docker::container::Status;
use crate::sim::docker::engine;
use crate::sim::docker::error::DockerError;
use crate::sim::event::Event;
use crate::sim::ids::ContainerId;
use crate::sim::record::Record;
use crate::sim::world::{Waiter, World};

/// Runs one of the lifecycle commands (the others are routed elsewhere by `shell::docker`).
pub(super) fn lifecycle(
    world: &mut World,
    command: DockerCommand,
    rec: &mut Record,
) -> Result<(), DockerError> {
    match command {
        DockerCommand::Create(options) => create(world, &options, rec),
        DockerCommand::Run(options) => run(world, &options, rec),
        DockerCommand::Start { containers, attach } => start(world, &containers, attach, rec),
        DockerCommand::Stop {
            containers,
            time_s,
            signal,
        } => stop(world, &containers, time_s, signal.as_deref(), rec),
        DockerCommand::Restart { containers, time_s } => restart(world, &containers, time_s, rec),
        DockerCommand::Kill { containers, signal } => kill(world, &containers, &signal, rec),
        DockerCommand::Pause { containers } => pause(world, &containers, rec),
        DockerCommand::Unpause { containers } => unpause(world, &containers, rec),
        DockerCommand::Rm {
            containers,
            force,
            volumes,
        } => rm(world, &containers, force, volumes, rec),
        other => unreachable!("not a container lifecycle command: {other:?}"),
    }
}

/// `docker create`: a container in `created`; the CLI prints its ID.
fn create(world: &mut World, options: &RunOptions, rec: &mut Record) -> Result<(), DockerError> {
    let id = engine::create(world, options, rec).map_err(create_error)?;
    rec.out(id.0.clone());
    Ok(())
}

/// `docker run`: create, then start; attached unless `-d`.
fn run(world: &mut World, options: &RunOptions, rec: &mut Record) -> Result<(), DockerError> {
    let id = engine::create(world, options, rec).map_err(run_error)?;
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

/// `docker start [-a]`: each container in turn.
fn start(
    world: &mut World,
    containers: &[String],
    attach: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    // Each failure is printed, then one summary line (docker/cli container/start.go).
    let mut failed = Vec::new();
    let mut keeps_state = false;
    for name in containers {
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

/// `docker stop [-t N] [-s SIGNAL]`.
fn stop(
    world: &mut World,
    containers: &[String],
    time_s: Option<u32>,
    signal: Option<&str>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    each(world, containers, rec, |world, id, name, rec| {
        engine::stop(world, id, time_s, signal, name, rec)
    })
}

/// `docker restart`: a stop whose waiter starts the container again, or a start if it is down.
fn restart(
    world: &mut World,
    containers: &[String],
    time_s: Option<u32>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    each(world, containers, rec, |world, id, name, rec| {
        let status = world.engine.containers[id].status();
        if status.is_up() {
            engine::stop(world, id, time_s, None, name, rec)?;
            // Turn the stop's waiter into a restart: start again once it has exited.
            if let Some(w) = world
                .shell
                .waiting
                .iter_mut()
                .rev()
                .find(|w| matches!(w, Waiter::Stop { container, .. } if container == id))
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
                world
                    .agenda
                    .cancel(|e| e.container() == Some(id) && matches!(e, Event::RestartDue { .. }));
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

/// `docker kill [-s SIGNAL]`.
fn kill(
    world: &mut World,
    containers: &[String],
    signal: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let mut errors = Vec::new();
    for name in containers {
        // The daemon wraps every kill error, a missing container included.
        let result = match world.engine.resolve(name) {
            Ok(id) => engine::kill(world, &id, signal, name, rec),
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

/// `docker pause`.
fn pause(world: &mut World, containers: &[String], rec: &mut Record) -> Result<(), DockerError> {
    each(world, containers, rec, |world, id, name, rec| {
        engine::pause(world, id, name, rec)
    })
}

/// `docker unpause`.
fn unpause(world: &mut World, containers: &[String], rec: &mut Record) -> Result<(), DockerError> {
    each(world, containers, rec, |world, id, name, rec| {
        engine::unpause(world, id, name, rec)
    })
}

/// `docker rm [-f] [-v]`.
fn rm(
    world: &mut World,
    containers: &[String],
    force: bool,
    volumes: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
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
    each(world, containers, rec, |world, id, name, rec| {
        engine::rm(world, id, false, volumes, name, rec)
    })
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
