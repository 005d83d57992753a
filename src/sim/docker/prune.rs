//! `docker system prune [-a] [--volumes] [-f]`: everything unused, in one go.
//!
//! Real Docker (docker/cli cli/command/system/prune.go) asks for confirmation listing what it
//! will remove, then prunes containers, networks, (with `--volumes`) anonymous volumes, images
//! (dangling ones, or with `-a` every image no container uses) and build cache, printing each
//! section and `Total reclaimed space:`. Pruning stopped containers also deletes their log
//! files, which is often where the space was, although `docker system df` never counted them.
//!
//! We reuse the engine's own removals (engine::rm, network::prune, volume::prune,
//! imagecmd::remove) so nothing is removed differently from the single commands. Simplified:
//! `--filter` is refused; the reclaimed total counts image layers, volumes, writable layers and
//! build cache (as the API does) and the narration adds the log files it freed; the prompt reads
//! an empty answer (this terminal has no stdin for it), so without `-f` nothing is removed.

use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::world::World;
use super::error::DockerError;
use super::imagecmd::human_size4;

fn usage_error(message: String) -> DockerError {
    DockerError::new(format!("{message}\nSee 'docker system prune --help'."), 125)
}

/// `docker system prune`.
pub fn system_prune(
    world: &mut World,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let (mut all, mut volumes, mut force) = (false, false, false);
    for arg in args {
        match arg.as_str() {
            "-a" | "--all" => all = true,
            "--volumes" => volumes = true,
            "-f" | "--force" => force = true,
            "-af" | "-fa" => {
                all = true;
                force = true;
            }
            a if a.starts_with("--filter") => {
                return Err(DockerError::new(
                    "dockyard: docker system prune --filter is real but not simulated",
                    1,
                ));
            }
            a if a.starts_with("--") => {
                return Err(usage_error(format!("unknown flag: {a}")));
            }
            a if a.starts_with('-') => {
                let c = a.chars().nth(1).unwrap_or('-');
                return Err(usage_error(format!("unknown shorthand flag: '{c}' in {a}")));
            }
            _ => {
                return Err(usage_error(
                    "\"docker system prune\" accepts no arguments.\n\nUsage:  docker system prune [OPTIONS]\n\nRemove unused data".to_string(),
                ));
            }
        }
    }
    if !force {
        let mut warnings = vec![
            "all stopped containers",
            "all networks not used by at least one container",
        ];
        if volumes {
            warnings.push("all anonymous volumes not used by at least one container");
        }
        warnings.push(if all {
            "all images without at least one container associated to them"
        } else {
            "all dangling images"
        });
        warnings.push(if all {
            "all build cache"
        } else {
            "unused build cache"
        });
        let mut text = String::from("WARNING! This will remove:");
        for w in warnings {
            text.push_str("\n  - ");
            text.push_str(w);
        }
        text.push_str("\n\nAre you sure you want to continue? [y/N] ");
        rec.out(text);
        rec.say("The CLI asks for confirmation and this terminal has no keyboard input for it: the empty answer means no, so nothing is deleted. Add -f to confirm up front.");
        return Ok(());
    }
    let logs_before = super::disk::usage(world).logs_bytes;
    let mut reclaimed: u64 = 0;

    // Containers.
    let stopped: Vec<ContainerId> = world
        .engine
        .containers
        .values()
        .filter(|c| !c.status().is_up() && c.status() != super::container::Status::Restarting)
        .map(|c| c.id.clone())
        .collect();
    if !stopped.is_empty() {
        rec.out("Deleted Containers:");
        for id in &stopped {
            reclaimed += world.engine.containers[id].fs.layer_size_bytes();
            super::engine::rm(world, id, false, false, &id.0, rec)?;
        }
        rec.out("");
    }
    // Networks.
    let networks = super::network::prune(world);
    if !networks.is_empty() {
        rec.out(format!("Deleted Networks:\n{}\n", networks.join("\n")));
    }
    // Volumes.
    if volumes {
        let (deleted, bytes) = super::volume::prune(world, false, rec);
        reclaimed += bytes;
        if !deleted.is_empty() {
            rec.out(format!("Deleted Volumes:\n{}\n", deleted.join("\n")));
        }
    }
    // Images.
    let candidates: Vec<String> = world
        .engine
        .images
        .by_id
        .values()
        .filter(|i| all || i.repo_tags.is_empty())
        .filter(|i| {
            !world
                .engine
                .containers
                .values()
                .any(|c| c.config.image_id == i.id)
        })
        .map(|i| i.id.clone())
        .collect();
    if !candidates.is_empty() {
        let before: u64 = world.engine.images.unique_layers().values().sum();
        let mut scratch = Record::new(world.now_ms);
        for id in &candidates {
            super::imagecmd::remove(world, id, true, &mut scratch)?;
        }
        let after: u64 = world.engine.images.unique_layers().values().sum();
        reclaimed += before.saturating_sub(after);
        let mut text = String::from("Deleted Images:");
        for line in scratch.terminal {
            // The prune API's report uses lower-case keys: untagged:, deleted:.
            let mut chars = line.text.chars();
            let lowered = match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect::<String>(),
                None => String::new(),
            };
            text.push('\n');
            text.push_str(&lowered);
        }
        text.push('\n');
        rec.out(text);
        for name in scratch.touched {
            rec.touch(name);
        }
    }
    // Build cache.
    let cache = std::mem::take(&mut world.builder.cache);
    if !cache.is_empty() {
        let mut text = String::from("Deleted build cache objects:");
        for (key, record) in &cache {
            reclaimed += record.size_bytes;
            text.push('\n');
            text.push_str(&super::build::record_id(key));
        }
        text.push('\n');
        rec.out(text);
    }
    rec.out(format!("Total reclaimed space: {}", human_size4(reclaimed)));
    let logs_freed = logs_before.saturating_sub(super::disk::usage(world).logs_bytes);
    rec.say(format!(
        "Prune removed what nothing uses: {} stopped container{}, {} network{}, {} image{}{}.",
        stopped.len(),
        if stopped.len() == 1 { "" } else { "s" },
        networks.len(),
        if networks.len() == 1 { "" } else { "s" },
        candidates.len(),
        if candidates.len() == 1 { "" } else { "s" },
        if volumes {
            " and unused anonymous volumes"
        } else {
            ""
        },
    ));
    if logs_freed > 0 {
        rec.say(format!(
            "The removed containers' log files went with them: {} that \"Total reclaimed space\" does not mention.",
            super::disk::human_df(logs_freed)
        ));
    }
    if world
        .engine
        .containers
        .values()
        .any(|c| super::disk::log_bytes(world, c) > 1_000_000_000)
    {
        rec.say("Prune never touches a running container: its log keeps growing. Recreate it with --log-opt max-size=10m --log-opt max-file=3 (or set daemon.json defaults) to cap it.");
    }
    Ok(())
}
