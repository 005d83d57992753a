//! The `docker` program at the shell: which part of the model answers a `docker …` line.
//!
//! The real `docker` CLI (docker/cli) finds the subcommand in its cobra tree, parses its flags and
//! calls the daemon's API; plugins (`docker compose`) and the swarm commands are subcommands like
//! the others, and nothing works while the daemon is down. We model the same routing: the daemon
//! must be up (src/sim/docker/disk/mod.rs), `system prune`, `info`, the swarm commands
//! (`swarm`/`node`/`service`/`stack`), swarm-scoped `docker network` commands and `compose` go to
//! their own models, and every other line is parsed once by src/sim/docker/cli.rs into a
//! `DockerCommand` and handed to its family: the container lifecycle (src/sim/shell/containers.rs),
//! what the CLI shows of containers (src/sim/shell/inspect.rs), `exec` (src/sim/shell/exec.rs),
//! volumes and networks (src/sim/docker/volumecmd.rs, src/sim/docker/netcmd/mod.rs), images and
//! builds (src/sim/docker/imagecmd.rs, src/sim/docker/build/mod.rs). Simplified: one daemon at a
//! time (the mounted engine; `ssh node-2 docker …` mounts another), no contexts, no `DOCKER_HOST`.

use super::exec::{ExecRequest, exec_in};
use super::{containers, inspect};
use crate::sim::docker::cli::{self, DockerCommand};
use crate::sim::docker::error::DockerError;
use crate::sim::record::Record;
use crate::sim::world::World;

pub(crate) fn docker(
    world: &mut World,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    crate::sim::docker::disk::daemon_up(world)?;
    if let Some(result) = elsewhere(world, args, rec) {
        return result;
    }
    match cli::parse(args)? {
        DockerCommand::Help => {
            rec.out(cli::HELP.trim_start());
            Ok(())
        }
        command @ (DockerCommand::Create(_)
        | DockerCommand::Run(_)
        | DockerCommand::Start { .. }
        | DockerCommand::Stop { .. }
        | DockerCommand::Restart { .. }
        | DockerCommand::Kill { .. }
        | DockerCommand::Pause { .. }
        | DockerCommand::Unpause { .. }
        | DockerCommand::Rm { .. }) => containers::lifecycle(world, command, rec),
        command @ (DockerCommand::Ps(_)
        | DockerCommand::Logs { .. }
        | DockerCommand::Inspect { .. }
        | DockerCommand::Port { .. }
        | DockerCommand::Top { .. }
        | DockerCommand::Stats(_)) => inspect::show(world, command, args, rec),
        DockerCommand::Exec {
            container,
            detach,
            interactive,
            tty,
            env,
            argv,
        } => {
            let _ = tty;
            // Without -i the CLI does not attach standard input: `< app.sql` reaches nobody.
            if !interactive && world.shell.stdin.take().is_some() {
                rec.say("docker exec was given no -i, so the CLI does not attach standard input: the file after `<` never reaches the program, which reads an empty input. Add -i.");
            }
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
        command @ (DockerCommand::VolumeCreate { .. }
        | DockerCommand::VolumeLs { .. }
        | DockerCommand::VolumeInspect { .. }
        | DockerCommand::VolumeRm { .. }
        | DockerCommand::VolumePrune { .. }) => {
            crate::sim::docker::volumecmd::run(world, command, rec)
        }
        DockerCommand::Network(command) => crate::sim::docker::netcmd::run(world, command, rec),
        command @ (DockerCommand::Export { .. }
        | DockerCommand::Import { .. }
        | DockerCommand::Commit { .. }
        | DockerCommand::Save { .. }
        | DockerCommand::Load { .. }) => crate::sim::docker::exportcmd::run(world, command, rec),
        command @ (DockerCommand::Images { .. }
        | DockerCommand::Pull { .. }
        | DockerCommand::Tag { .. }
        | DockerCommand::Push { .. }
        | DockerCommand::Build(_)
        | DockerCommand::History { .. }
        | DockerCommand::Rmi { .. }
        | DockerCommand::SystemDf
        | DockerCommand::ImageInspect { .. }
        | DockerCommand::BuilderPrune) => images(world, command, rec),
    }
}

/// The `docker` lines another model answers before docker/cli.rs parses anything: `system
/// prune` (src/sim/docker/prune.rs), the swarm's commands (src/sim/swarm/cli.rs), `info`
/// (src/sim/swarm/info.rs), swarm-scoped networks (src/sim/swarm/overlay.rs) and Compose
/// (src/sim/docker/compose/mod.rs). `None`: the line is the engine CLI's.
fn elsewhere(
    world: &mut World,
    args: &[String],
    rec: &mut Record,
) -> Option<Result<(), DockerError>> {
    if args.len() >= 2 && args[0] == "system" && args[1] == "prune" {
        return Some(crate::sim::docker::prune::system_prune(
            world,
            &args[2..],
            rec,
        ));
    }
    if args.first().is_some_and(|a| {
        matches!(
            a.as_str(),
            "swarm" | "node" | "service" | "stack" | "secret"
        )
    }) {
        return Some(crate::sim::swarm::cli::run(world, args, rec));
    }
    if args.len() == 1 && args[0] == "info" {
        let host = world.here().to_string();
        crate::sim::swarm::info::info(world, &host, rec);
        return Some(Ok(()));
    }
    // Swarm-scoped networks (overlay create, ls on a manager): src/sim/swarm/overlay.rs.
    if let Some(result) = crate::sim::swarm::overlay::network_command(world, args, rec) {
        return Some(result);
    }
    if args.first().is_some_and(|a| a == "compose") {
        return Some(crate::sim::docker::compose::run(world, &args[1..], rec));
    }
    None
}

/// Images and builds: `images` and `pull` (src/sim/docker/imagecmd.rs); `build`, `history`,
/// `rmi`, `system df`, `image inspect` and `builder prune` (src/sim/docker/build/mod.rs).
fn images(world: &mut World, command: DockerCommand, rec: &mut Record) -> Result<(), DockerError> {
    match command {
        DockerCommand::Images { quiet } => {
            let text = crate::sim::docker::imagecmd::images(world, quiet);
            if !text.is_empty() {
                rec.out(text);
            }
            Ok(())
        }
        DockerCommand::Pull { image } => crate::sim::docker::imagecmd::pull(world, &image, rec),
        DockerCommand::Tag { source, target } => {
            crate::sim::docker::registry::tag(world, &source, &target, rec)
        }
        DockerCommand::Push {
            name,
            all_tags,
            quiet,
        } => crate::sim::docker::registry::push(world, &name, all_tags, quiet, rec),
        // `docker build` and the image commands live in their own files (images-layers page).
        command => crate::sim::docker::build::run_image_command(world, command, rec),
    }
}
