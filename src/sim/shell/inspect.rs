//! What the `docker` CLI shows of containers: `ps`, `logs`, `inspect`, `port` (and, routed from
//! here, `top` and `stats`: src/sim/docker/top.rs, src/sim/docker/stats.rs).
//!
//! docker/cli asks the daemon for the container list, the json-file log, the container's JSON or
//! its port bindings, and formats them: ps's table and filters, `logs --tail/-t/-f`, inspect's
//! array (or a Go template per object, with a missing object an error after the others), port's
//! `80/tcp -> 0.0.0.0:8080` lines. We model the daemon's answers from the engine and leave the
//! layouts to src/sim/docker/output.rs; `logs -f` on a running container keeps following through a
//! `Waiter::Follow` until the next line typed. Simplified: `inspect` looks up containers only
//! (images have `docker image inspect`), and a log line is one entry, stdout or stderr.

use crate::sim::docker::cli::{DockerCommand, PsOptions};
use crate::sim::docker::container::Status;
use crate::sim::docker::error::DockerError;
use crate::sim::docker::output;
use crate::sim::record::Record;
use crate::sim::time;
use crate::sim::world::{Waiter, World};

/// Runs one of the commands that show containers; `args` is the command line as typed, which
/// `inspect` prints again when it fails on every name.
pub(super) fn show(
    world: &mut World,
    command: DockerCommand,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    match command {
        DockerCommand::Ps(options) => ps(world, &options, rec),
        DockerCommand::Logs {
            container,
            follow,
            tail,
            timestamps,
        } => logs(world, &container, follow, tail, timestamps, rec),
        DockerCommand::Inspect { names, format } => {
            inspect(world, args, &names, format.as_deref(), rec)
        }
        DockerCommand::Port {
            container,
            private_port,
        } => port(world, &container, private_port.as_deref(), rec),
        DockerCommand::Top { container, ps_args } => {
            crate::sim::docker::top::run(world, &container, &ps_args, rec)
        }
        DockerCommand::Stats(options) => crate::sim::docker::stats::run(world, &options, rec),
        other => unreachable!("not a command that shows containers: {other:?}"),
    }
}

/// `docker ps`.
fn ps(world: &World, options: &PsOptions, rec: &mut Record) -> Result<(), DockerError> {
    let text =
        output::ps(&world.engine, world.now_ms, options).map_err(|e| DockerError::new(e, 1))?;
    if !text.is_empty() {
        rec.out(text);
    }
    Ok(())
}

/// `docker logs [-f] [--tail N] [-t]`: the json-file log, and with `-f` a follower.
fn logs(
    world: &mut World,
    container: &str,
    follow: bool,
    tail: Option<usize>,
    timestamps: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let id = world.engine.resolve(container)?;
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

/// `docker inspect [-f TEMPLATE]`: each container's JSON; a missing one is an error after the others.
fn inspect(
    world: &World,
    args: &[String],
    names: &[String],
    format: Option<&str>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let mut values = Vec::new();
    let mut missing = Vec::new();
    for name in names {
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
    match format {
        Some(template) => {
            for v in &values {
                rec.out(output::inspect_format(v, template).map_err(|e| DockerError::new(e, 1))?);
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

/// `docker port CONTAINER [PRIVATE_PORT]`.
fn port(
    world: &World,
    container: &str,
    private_port: Option<&str>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let id = world.engine.resolve(container)?;
    let lines = output::port_lines(&world.engine.containers[&id], container, private_port)
        .map_err(|e| DockerError::new(e, 1))?;
    if !lines.is_empty() {
        rec.out(lines.join("\n"));
    }
    Ok(())
}
