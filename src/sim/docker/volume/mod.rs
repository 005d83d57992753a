//! Volumes: storage the daemon manages apart from any container.
//!
//! Real Docker (moby `volume/service`, `volume/local`): a local volume is a folder
//! `/var/lib/docker/volumes/<name>/_data` on the host. `docker volume create [NAME]` makes one
//! (a 64-hex name when none is given); `-v NAME:/path` creates it on first use; a `VOLUME` in the
//! image or `-v /path` makes an anonymous one, labelled `com.docker.volume.anonymous` (Engine
//! 23+). A volume outlives every container that mounts it: `docker rm` keeps it, `docker rm -v`
//! and `--rm` remove the container's anonymous volumes only. `docker volume rm` refuses a volume
//! any container (running or not) still references: `remove NAME: volume is in use - [ID]`.
//! `docker volume prune` removes unused anonymous volumes, and named ones too with `-a` (API 1.42,
//! Engine 23; before that it removed every unused volume).
//!
//! What we model: the store, its files (a small tree), creation, listing, inspection, removal,
//! prune with the real size reclaimed. What we simplify: only the `local` driver, no options.

pub mod model;

pub use model::{ANONYMOUS_LABEL, Volume};

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::time::{self, Millis};
use super::super::world::World;
use super::containerfs::Files;
use super::error::DockerError;
use super::mount::{RESTRICTED_NAME_CHARS, valid_volume_name};

/// Creates a volume (or returns the existing one of that name, as the daemon does).
pub fn create(
    world: &mut World,
    name: Option<&str>,
    labels: BTreeMap<String, String>,
) -> Result<String, DockerError> {
    let (name, anonymous) = match name {
        Some(n) => {
            if !valid_volume_name(n) {
                return Err(DockerError::daemon(format!(
                    "create {n}: \"{n}\" includes invalid characters for a local volume name, only \"{RESTRICTED_NAME_CHARS}\" are allowed. If you intended to pass a host directory, use absolute path"
                )));
            }
            (n.to_string(), false)
        }
        None => (world.rng.hex(64), true),
    };
    if world.engine.volumes.contains_key(&name) {
        return Ok(name);
    }
    let mut labels = labels;
    if anonymous {
        labels.insert(ANONYMOUS_LABEL.to_string(), String::new());
    }
    let now = world.now_ms;
    world.engine.volumes.insert(
        name.clone(),
        Volume {
            name: name.clone(),
            driver: "local".to_string(),
            created_at: now,
            labels,
            anonymous,
            files: Files::new(),
        },
    );
    Ok(name)
}

/// The containers (any state) that reference a volume, by ID.
pub fn users(world: &World, name: &str) -> Vec<ContainerId> {
    world
        .engine
        .containers
        .values()
        .filter(|c| c.fs.volume_names().any(|v| v == name))
        .map(|c| c.id.clone())
        .collect()
}

/// `docker volume rm [-f] NAME`.
pub fn rm(world: &mut World, name: &str, force: bool, rec: &mut Record) -> Result<(), DockerError> {
    let Some(volume) = world.engine.volumes.get(name) else {
        if force {
            // moby VolumesService.Remove with PurgeOnError: a missing volume is not an error.
            return Ok(());
        }
        return Err(DockerError::daemon(format!("get {name}: no such volume")));
    };
    let users = users(world, name);
    if !users.is_empty() {
        let ids: Vec<&str> = users.iter().map(|id| id.0.as_str()).collect();
        let holders: Vec<String> = users
            .iter()
            .map(|id| world.engine.containers[id].name.clone())
            .collect();
        rec.say(format!(
            "{} still references {} (even a stopped container does), so the daemon will not delete its data. Remove the container first.",
            holders.join(", "),
            volume.short_name()
        ));
        return Err(DockerError::daemon(format!(
            "remove {name}: volume is in use - [{}]",
            ids.join(", ")
        )));
    }
    let size = volume.size_bytes();
    let short = volume.short_name().to_string();
    world.engine.volumes.remove(name);
    rec.touch(format!("volume:{name}"));
    rec.say(format!(
        "The volume {short} and its files ({}) are deleted from /var/lib/docker/volumes: this cannot be undone.",
        super::image::human_size(size)
    ));
    Ok(())
}

/// The anonymous volumes a container mounts (what `rm -v` and `--rm` remove with it).
pub fn anonymous_of(c: &super::container::Container) -> Vec<String> {
    // The engine's store is not at hand here: anonymous names are the 64-hex ones the daemon made.
    c.fs.mounts
        .iter()
        .filter(|m| {
            m.kind == super::mount::MountKind::Volume
                && m.source.len() == 64
                && m.source.chars().all(|ch| ch.is_ascii_hexdigit())
        })
        .map(|m| m.source.clone())
        .collect()
}

/// After a container is removed: deletes the given anonymous volumes no other container uses.
pub fn remove_released(world: &mut World, names: &[String], rec: &mut Record) {
    for name in names {
        let anonymous = world.engine.volumes.get(name).is_some_and(|v| v.anonymous);
        if anonymous && users(world, name).is_empty() {
            let size = world.engine.volumes[name].size_bytes();
            world.engine.volumes.remove(name);
            rec.touch(format!("volume:{name}"));
            rec.say(format!(
                "Its anonymous volume {}… ({}) is removed with it.",
                &name[..12.min(name.len())],
                super::image::human_size(size)
            ));
        }
    }
}

/// `docker volume prune [-a]`: unused anonymous volumes (all unused with `-a`). Returns the names
/// deleted and the bytes reclaimed.
pub fn prune(world: &mut World, all: bool, rec: &mut Record) -> (Vec<String>, u64) {
    let candidates: Vec<String> = world
        .engine
        .volumes
        .values()
        .filter(|v| all || v.labels.contains_key(ANONYMOUS_LABEL))
        .map(|v| v.name.clone())
        .collect();
    let mut deleted = Vec::new();
    let mut reclaimed = 0;
    for name in candidates {
        if !users(world, &name).is_empty() {
            continue;
        }
        if let Some(v) = world.engine.volumes.remove(&name) {
            reclaimed += v.size_bytes();
            rec.touch(format!("volume:{name}"));
            deleted.push(name);
        }
    }
    let kept_named = world
        .engine
        .volumes
        .values()
        .filter(|v| !v.anonymous && users(world, &v.name).is_empty())
        .count();
    if deleted.is_empty() {
        rec.say("No unused volume matched, so nothing was deleted.");
    } else {
        rec.say(format!(
            "prune deleted {} unused volume{} and their data for good.",
            deleted.len(),
            if deleted.len() == 1 { "" } else { "s" }
        ));
    }
    if !all && kept_named > 0 {
        rec.say(format!(
            "Since Engine 23, prune keeps named volumes unless you add -a: {kept_named} unused named volume{} kept.",
            if kept_named == 1 { " was" } else { "s were" }
        ));
    }
    (deleted, reclaimed)
}

/// `docker volume ls [-q]`, sorted by name as the CLI does.
pub fn ls(world: &World, quiet: bool) -> String {
    let volumes: Vec<&Volume> = world.engine.volumes.values().collect();
    if quiet {
        return volumes
            .iter()
            .map(|v| v.name.clone())
            .collect::<Vec<_>>()
            .join("\n");
    }
    // docker/cli formatter: "table {{.Driver}}\t{{.Name}}", tabwriter minwidth 10, padding 3.
    let width = volumes
        .iter()
        .map(|v| v.driver.len())
        .chain(["DRIVER".len()])
        .max()
        .unwrap_or(0)
        .saturating_add(3)
        .max(10);
    let mut lines = vec![format!("{:<width$}VOLUME NAME", "DRIVER")];
    for v in volumes {
        lines.push(format!("{:<width$}{}", v.driver, v.name));
    }
    lines.join("\n")
}

/// The API's volume object, as `docker volume inspect` prints it.
pub fn inspect_json(v: &Volume) -> Value {
    let labels = if v.labels.is_empty() {
        Value::Null
    } else {
        json!(v.labels)
    };
    json!({
        "CreatedAt": created_at_text(v.created_at),
        "Driver": v.driver,
        "Labels": labels,
        "Mountpoint": v.mountpoint(),
        "Name": v.name,
        "Options": Value::Null,
        "Scope": "local",
    })
}

/// moby formats a volume's `CreatedAt` with `time.RFC3339`, whole seconds.
fn created_at_text(at_ms: Millis) -> String {
    time::rfc3339(at_ms - at_ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_uses_the_cli_table() {
        let mut world = World::new(1);
        create(&mut world, Some("pgdata"), BTreeMap::new()).unwrap();
        assert_eq!(ls(&world, false), "DRIVER    VOLUME NAME\nlocal     pgdata");
        assert_eq!(ls(&world, true), "pgdata");
    }

    #[test]
    fn anonymous_volumes_get_a_generated_name_and_the_label() {
        let mut world = World::new(1);
        let name = create(&mut world, None, BTreeMap::new()).unwrap();
        assert_eq!(name.len(), 64);
        let v = &world.engine.volumes[&name];
        assert!(v.anonymous && v.labels.contains_key(ANONYMOUS_LABEL));
        assert_eq!(
            v.mountpoint(),
            format!("/var/lib/docker/volumes/{name}/_data")
        );
    }

    #[test]
    fn removing_a_missing_volume_names_it() {
        let mut world = World::new(1);
        let mut rec = Record::default();
        assert_eq!(
            rm(&mut world, "nosuch", false, &mut rec)
                .unwrap_err()
                .message,
            "Error response from daemon: get nosuch: no such volume"
        );
        assert!(rm(&mut world, "nosuch", true, &mut rec).is_ok());
    }

    #[test]
    fn prune_keeps_named_volumes_unless_all() {
        let mut world = World::new(1);
        let mut rec = Record::default();
        create(&mut world, Some("keep"), BTreeMap::new()).unwrap();
        let anon = create(&mut world, None, BTreeMap::new()).unwrap();
        let (deleted, _) = prune(&mut world, false, &mut rec);
        assert_eq!(deleted, vec![anon]);
        let (deleted, _) = prune(&mut world, true, &mut rec);
        assert_eq!(deleted, vec!["keep".to_string()]);
    }
}
