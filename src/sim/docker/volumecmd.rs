//! `docker volume create|ls|inspect|rm|prune`: the CLI side of the volume store.
//!
//! Real Docker (docker/cli `cli/command/volume/*.go`): `create` prints the volume's name; `ls`
//! prints a `DRIVER  VOLUME NAME` table; `inspect` prints a JSON array (`[]` plus the error for a
//! missing one, exit 1); `rm` prints each name it removed and joins the errors; `prune` asks for
//! confirmation (`-f` skips it; an empty answer cancels silently, exit 0), then lists
//! `Deleted Volumes:` and `Total reclaimed space:`.
//!
//! What we model: all of that, with the daemon's error wording (moby `volume/service`). What we
//! simplify: the terminal has no stdin, so the prune prompt always reads an empty answer; `ls`
//! filters and `--format` are refused as not simulated.

use super::super::record::Record;
use super::super::world::World;
use super::cli::DockerCommand;
use super::error::DockerError;
use super::image::human_size;
use super::{output, volume};

/// Long because it is one arm per `docker volume` subcommand.
pub fn run(world: &mut World, command: DockerCommand, rec: &mut Record) -> Result<(), DockerError> {
    match command {
        DockerCommand::VolumeCreate {
            name,
            labels,
            driver,
        } => {
            if driver != "local" {
                let shown = name.clone().unwrap_or_default();
                return Err(DockerError::daemon(format!(
                    "create {shown}: error looking up volume plugin {driver}: plugin \"{driver}\" not found"
                )));
            }
            let labels = super::cli::parse_labels(&labels);
            let existed = name
                .as_deref()
                .is_some_and(|n| world.engine.volumes.contains_key(n));
            let created = volume::create(world, name.as_deref(), labels)?;
            rec.touch(format!("volume:{created}"));
            rec.out(created.clone());
            if existed {
                rec.say(format!(
                    "A volume named {created} already exists; `docker volume create` just returns it."
                ));
            } else {
                rec.say(format!(
                    "The daemon created the volume {created}: an empty folder at /var/lib/docker/volumes/{created}/_data on the host, owned by Docker, not by any container."
                ));
            }
            Ok(())
        }
        DockerCommand::VolumeLs { quiet } => {
            let text = volume::ls(world, quiet);
            if !text.is_empty() {
                rec.out(text);
            }
            Ok(())
        }
        DockerCommand::VolumeInspect { names, format } => {
            let mut values = Vec::new();
            let mut errors = Vec::new();
            for name in &names {
                match world.engine.volumes.get(name) {
                    Some(v) => {
                        values.push(volume::inspect_json(v));
                        rec.touch(format!("volume:{name}"));
                    }
                    None => errors.push(format!(
                        "Error response from daemon: get {name}: no such volume"
                    )),
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
            if errors.is_empty() {
                if let Some(v) = names.first().and_then(|n| world.engine.volumes.get(n)) {
                    rec.say(format!(
                        "Mountpoint is where the data really is: {} on the host.",
                        v.mountpoint()
                    ));
                }
                Ok(())
            } else {
                for e in &errors {
                    rec.err(e.clone());
                }
                rec.error = true;
                Ok(())
            }
        }
        DockerCommand::VolumeRm { names, force } => {
            let mut errors = Vec::new();
            for name in &names {
                match volume::rm(world, name, force, rec) {
                    Ok(()) => rec.out(name.clone()),
                    Err(e) => errors.push(e.message),
                }
            }
            if errors.is_empty() {
                Ok(())
            } else if errors.len() == names.len() {
                Err(DockerError::new(errors.join("\n"), 1))
            } else {
                for e in errors {
                    rec.err(e);
                }
                rec.error = true;
                Ok(())
            }
        }
        DockerCommand::VolumePrune { all, force } => {
            let warning = if all {
                "WARNING! This will remove all local volumes not used by at least one container."
            } else {
                "WARNING! This will remove anonymous local volumes not used by at least one container."
            };
            if !force {
                rec.out(format!(
                    "{warning}\nAre you sure you want to continue? [y/N] "
                ));
                rec.say("The CLI asks for confirmation and this terminal has no keyboard input for it: the empty answer means no, so nothing is deleted. Add -f to confirm up front.");
                return Ok(());
            }
            let (deleted, reclaimed) = volume::prune(world, all, rec);
            if !deleted.is_empty() {
                let mut text = String::from("Deleted Volumes:");
                for name in &deleted {
                    text.push('\n');
                    text.push_str(name);
                }
                text.push('\n');
                rec.out(text);
            }
            rec.out(format!("Total reclaimed space: {}", human_size(reclaimed)));
            Ok(())
        }
        other => unreachable!("not a volume command: {other:?}"),
    }
}
