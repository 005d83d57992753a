//! `docker system prune [-a] [--volumes] [-f]`: everything unused, in one go.
//!
//! Real Docker (docker/cli cli/command/system/prune.go) asks for confirmation listing what it
//! will remove, then prunes containers, networks, (with `--volumes`) anonymous volumes, images
//! (dangling ones, or with `-a` every image no container uses) and build cache, printing each
//! section and `Total reclaimed space:`. Pruning stopped containers also deletes their log
//! files, which is often where the space was, although `docker system df` never counted them.
//!
//! We reuse the engine's own removals (engine::rm, network::prune, volume::prune,
//! imagecmd::remove) so nothing is removed differently from the single commands. Its flags go
//! through the one flag layer (src/sim/flags.rs): pflag's forms, and docker/cli's usage line and
//! exit 125 for a flag mistake. Simplified: `--filter` is refused by name; the reclaimed total counts image layers, volumes, writable layers and
//! build cache (as the API does) and the narration adds the log files it freed; the prompt reads
//! an empty answer (this terminal has no stdin for it), so without `-f` nothing is removed.

use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::world::World;
use super::error::DockerError;
use super::imagecmd::human_size4;
use crate::sim::flags::{Arity, Command, Flag};

/// `docker system prune` (docker/cli cli/command/system/prune.go): no arguments, a flag mistake
/// exits 125 with the usage line (docker/cli's `FlagErrorFunc`).
pub const SYSTEM_PRUNE: Command = Command::docker(
    "docker system prune",
    "docker system prune [OPTIONS]",
    "Remove unused data",
    &[
        Flag::bool("all", Some('a')),
        Flag::bool("force", Some('f')),
        Flag::bool("volumes", None),
    ],
)
.args(Arity::None)
.not_simulated(&[("filter", None)]);

/// Without `-f`: the CLI's confirmation prompt, answered with an empty line (no).
fn confirm(all: bool, volumes: bool, rec: &mut Record) {
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
}

/// `docker system prune`: the confirmation, then each store's prune in docker/cli's order
/// (containers, networks, volumes, images, build cache) and the report. Long because the report
/// follows the removals section by section, as the CLI prints them.
pub fn system_prune(
    world: &mut World,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let parsed = SYSTEM_PRUNE.parse(args)?;
    let (all, volumes, force) = (
        parsed.bool("all"),
        parsed.bool("volumes"),
        parsed.bool("force"),
    );
    if !force {
        confirm(all, volumes, rec);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    /// docker/cli `FlagErrorFunc`: every flag error prints the usage and exits 125.
    #[test]
    fn system_prune_flag_errors_exit_125_with_usage() {
        let e = SYSTEM_PRUNE.parse(&words("--bogus")).unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.exit_code),
            (
                "unknown flag: --bogus\n\nUsage:  docker system prune [OPTIONS]\n\nRun 'docker system prune --help' for more information",
                125
            )
        );
        let p = SYSTEM_PRUNE.parse(&words("-af --volumes")).unwrap();
        assert!(p.bool("all") && p.bool("force") && p.bool("volumes"));
        assert_eq!(
            SYSTEM_PRUNE
                .parse(&words("--filter until=1h"))
                .unwrap_err()
                .exit_code,
            125
        );
        // cobra.NoArgs: docker/cli's `accepts no arguments`, exit 1.
        let e = SYSTEM_PRUNE.parse(&words("images")).unwrap_err();
        assert_eq!(e.exit_code, 1);
        assert!(
            e.message
                .starts_with("docker: 'docker system prune' accepts no arguments")
        );
    }

    #[test]
    fn system_prune_without_force_asks_and_removes_nothing() {
        let mut world = World::new(1);
        crate::sim::testkit::run(&mut world, "docker run --name gone alpine true");
        let out = crate::sim::testkit::run(&mut world, "docker system prune -a");
        assert!(
            out.contains("Are you sure you want to continue? [y/N]"),
            "{out}"
        );
        assert_eq!(world.engine.containers.len(), 1);
        crate::sim::testkit::run(&mut world, "docker system prune --all --force");
        assert!(world.engine.containers.is_empty());
    }
}
