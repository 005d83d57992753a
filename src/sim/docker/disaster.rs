//! Disasters a backup exists for: `! drop-table NAME`, `! delete-volume NAME`,
//! `! corrupt-volume NAME`, `! lose-disk [NODE]`, `! ransomware`.
//!
//! Real data is lost by people (a `DROP TABLE` on the wrong server, `docker compose down -v`), by
//! hardware (a disk that dies takes `/var/lib/docker` and everything else on it), by software
//! (a file system that returns garbage) and by attackers (ransomware encrypts every file it can
//! write, backups included when they are mounted read-write). We model each as a fault that acts
//! on the stores that hold the data, through the same engine operations the learner has, so
//! nothing comes back by magic: what survives is what was somewhere else. What we simplify: the
//! host has a system disk (the project folder, Docker's volumes and its containers all live on
//! it) and a second disk that holds only what is copied onto it (`mount /dev/sdb1`); a swarm
//! machine's disk takes its engine and swarm state with it (src/sim/swarm/statedir.rs);
//! corruption and encryption hit every file of their target at once, and ransomware reaches the
//! whole host and, with its SSH key, the machine its backups are pushed to, except folders
//! there that are append-only (`chattr +a`).

use super::super::hostfs::Entry;
use super::super::ids::ContainerId;
use super::super::input::Disaster;
use super::super::record::Record;
use super::super::world::World;
use super::containerfs::Node;
use super::engine;

pub fn apply(world: &mut World, disaster: &Disaster, rec: &mut Record) -> Result<(), String> {
    rec.title = format!("disaster: {}", disaster.describe());
    let result = strike(world, disaster, rec);
    if result.is_ok() {
        crate::sim::backup::disaster(world, &disaster.describe());
    }
    result
}

fn strike(world: &mut World, disaster: &Disaster, rec: &mut Record) -> Result<(), String> {
    match disaster {
        Disaster::DropTable { table } => drop_table(world, table, rec),
        Disaster::DeleteVolume { volume } => delete_volume(world, volume, rec),
        Disaster::CorruptVolume { volume } => corrupt_volume(world, volume, rec),
        Disaster::LoseDisk { machine: None } => {
            lose_disk(world, rec);
            Ok(())
        }
        Disaster::LoseDisk {
            machine: Some(machine),
        } => {
            if !world.swarm.machines.contains_key(machine) {
                return Err(format!("no machine {machine} in this lab"));
            }
            // The terminal's own machine: the project folder was on that disk too.
            if machine == world.here() {
                lose_project_folder(world);
            }
            crate::sim::swarm::statedir::lose_disk(world, machine, rec)
        }
        Disaster::Ransomware => {
            ransomware(world, rec);
            Ok(())
        }
    }
}

/// Someone runs `DROP TABLE` on the live database: the first running PostgreSQL that has it.
fn drop_table(world: &mut World, table: &str, rec: &mut Record) -> Result<(), String> {
    let servers: Vec<ContainerId> = world
        .engine
        .containers
        .values()
        .filter(|c| c.listening && c.config.image.starts_with("postgres"))
        .map(|c| c.id.clone())
        .collect();
    for id in servers {
        if super::postgres::tables(world, &id)
            .iter()
            .any(|t| t.name == table)
        {
            super::postgres::execute(world, &id, &format!("DROP TABLE {table}"))?;
            let name = world.engine.containers[&id].name.clone();
            rec.touch(&name);
            rec.say(format!(
                "Someone ran `DROP TABLE {table}` on {name}'s database: the table and its rows are gone from the data directory. A restart brings nothing back; only a backup taken before this moment can."
            ));
            return Ok(());
        }
    }
    Err(format!("no running PostgreSQL has a table {table}"))
}

/// Stops and removes every container using the volume, then the volume (`docker compose down
/// -v` on the wrong project, `docker volume rm` on the wrong name).
fn delete_volume(world: &mut World, volume: &str, rec: &mut Record) -> Result<(), String> {
    if !world.engine.volumes.contains_key(volume) {
        return Err(format!("no volume {volume}"));
    }
    let users: Vec<ContainerId> = world
        .engine
        .containers
        .values()
        .filter(|c| c.fs.volume_names().any(|v| v == volume))
        .map(|c| c.id.clone())
        .collect();
    for id in &users {
        let _ = engine::rm(world, id, true, false, "", rec);
    }
    world.engine.volumes.remove(volume);
    rec.touch(format!("volume:{volume}"));
    rec.say(format!(
        "The volume {volume} was deleted with everything in it ({} container(s) using it were force-removed first, as `docker compose down -v` does). Its files existed nowhere else unless a backup copied them.",
        users.len()
    ));
    Ok(())
}

/// Every file of the volume now reads as garbage: text files become unreadable binary, and a
/// PostgreSQL table's pages fail their reads.
fn corrupt_volume(world: &mut World, volume: &str, rec: &mut Record) -> Result<(), String> {
    let Some(v) = world.engine.volumes.get_mut(volume) else {
        return Err(format!("no volume {volume}"));
    };
    let mut hit = 0;
    for node in v.files.values_mut() {
        if let Some(corrupted) = corrupt(node) {
            *node = corrupted;
            hit += 1;
        }
    }
    rec.touch(format!("volume:{volume}"));
    rec.say(format!(
        "The disk under the volume {volume} returned garbage: {hit} file(s) are corrupted. Every later copy (tar, a sync, a snapshot) copies the garbage too; only a backup taken before can restore them."
    ));
    Ok(())
}

/// A file after corruption or encryption: a table's heap file is torn, any other file is bytes
/// of the same size that no program can read. `None` for a folder.
fn corrupt(node: &Node) -> Option<Node> {
    match node {
        Node::Dir => None,
        Node::File { content } if content.starts_with("relation ") => {
            let name = content
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("relation ");
            let columns = content.lines().nth(1).unwrap_or("");
            Some(Node::File {
                content: format!("torn relation {name} 0\n{columns}\n"),
            })
        }
        other => Some(Node::Blob {
            size_bytes: other.size_bytes().max(1),
        }),
    }
}

/// The host's system disk dies: Docker's containers and volumes and the project folder (with
/// any backup kept there) are gone; the machine comes back with an empty disk. A second disk
/// survives, unmounted.
fn lose_disk(world: &mut World, rec: &mut Record) {
    let ids: Vec<ContainerId> = world.engine.containers.keys().cloned().collect();
    for id in &ids {
        let _ = engine::rm(world, id, true, false, "", rec);
    }
    let volumes = world.engine.volumes.len();
    world.engine.volumes.clear();
    let second_disk = !world.fs.second_disk.is_empty() || !world.fs.mounts.is_empty();
    let lost_files = lose_project_folder(world);
    rec.say(format!(
        "The host's disk died and was replaced with an empty one: {} container(s), {volumes} volume(s) and {lost_files} file(s) on it are gone, including any backup kept on the same disk. {}",
        ids.len(),
        if second_disk {
            "The second disk (/dev/sdb1) did not fail: its files are intact, but it is no longer mounted (its line in /etc/fstab was on the lost disk): `sudo mount /dev/sdb1 DIR`."
        } else {
            "Only copies on another disk or another machine survive."
        }
    ));
}

/// The system disk's files are gone: a new disk, freshly installed, with the project folder
/// empty. A second disk (`/dev/sdb1`) keeps its files; it comes back unmounted, since its
/// mount was configured on the lost disk. How many files were lost.
fn lose_project_folder(world: &mut World) -> usize {
    use super::super::hostfs::{HostFs, PROJECT_DIR};
    world.fs.cwd = "/".to_string();
    let points: Vec<String> = world.fs.mounts.keys().cloned().collect();
    for point in points {
        let _ = world.fs.umount(&point);
    }
    let lost_files = world
        .fs
        .entries
        .values()
        .filter(|e| !matches!(e, Entry::Dir))
        .count();
    let second_disk = std::mem::take(&mut world.fs.second_disk);
    world.fs = HostFs {
        second_disk,
        ..HostFs::default()
    };
    world.fs.cwd = PROJECT_DIR.to_string();
    lost_files
}

/// Every file in a folder mounted read-write is as writable as the project folder: a backup
/// disk left mounted is encrypted with the rest. Read-only mount points are returned apart.
fn mounted_files(world: &World) -> (Vec<(String, Entry)>, Vec<String>) {
    let mut files = Vec::new();
    let mut spared = Vec::new();
    for (point, m) in &world.fs.mounts {
        if m.read_only {
            spared.push(point.clone());
            continue;
        }
        for (rel, e) in world.fs.walk(point) {
            if !matches!(e, Entry::Dir) {
                files.push((format!("{point}/{rel}"), e.clone()));
            }
        }
    }
    (files, spared)
}

/// Ransomware on the host encrypts every file it can write: the project folder (backups
/// included) and every volume. Files get a `.locked` suffix and unreadable contents.
fn ransomware(world: &mut World, rec: &mut Record) {
    let project = world.fs.cwd.clone();
    let mut targets: Vec<(String, Entry)> = world
        .fs
        .walk(&project)
        .into_iter()
        .filter(|(_, e)| !matches!(e, Entry::Dir))
        .map(|(rel, e)| (format!("{project}/{rel}"), e.clone()))
        .collect();
    let (on_mounts, spared) = mounted_files(world);
    let mounted = on_mounts.len();
    targets.extend(on_mounts);
    for (path, entry) in &targets {
        world.fs.entries.remove(path);
        world.fs.entries.insert(
            format!("{path}.locked"),
            Entry::Bulk {
                size_bytes: entry.size_bytes().max(1),
                file_count: 1,
            },
        );
    }
    let mut volume_files = 0;
    for v in world.engine.volumes.values_mut() {
        for node in v.files.values_mut() {
            if let Some(encrypted) = corrupt(node) {
                *node = encrypted;
                volume_files += 1;
            }
        }
    }
    // The host's SSH key writes to backup-host (that is how its backups got there): the
    // ransomware uses it too. Only an append-only folder there refuses the change.
    let mut remote_hit = 0;
    let mut remote_kept = 0;
    for fs in world.offsite.values_mut() {
        let files: Vec<(String, Entry)> = fs
            .entries
            .iter()
            .filter(|(_, e)| !matches!(e, Entry::Dir))
            .map(|(p, e)| (p.clone(), e.clone()))
            .collect();
        for (path, entry) in files {
            if fs.is_append_only(&path) {
                remote_kept += 1;
                continue;
            }
            fs.entries.remove(&path);
            fs.entries.insert(
                format!("{path}.locked"),
                Entry::Bulk {
                    size_bytes: entry.size_bytes().max(1),
                    file_count: 1,
                },
            );
            remote_hit += 1;
        }
    }
    if mounted > 0 {
        rec.say(format!(
            "The backup disk was mounted read-write: its {mounted} file(s) were as writable as any other, and are encrypted too. A disk that is not mounted (or another machine's append-only folder) is out of reach."
        ));
    }
    for point in spared {
        rec.say(format!(
            "{point} is mounted read-only: this ransomware skipped it. Root could have remounted it read-write; only a disk that is detached, or a copy on another machine that refuses changes, is out of reach for sure."
        ));
    }
    if remote_hit + remote_kept > 0 {
        rec.say(format!(
            "With this host's SSH key it reached the machine its backups are pushed to: {remote_hit} file(s) there are encrypted too; {remote_kept} in an append-only folder (chattr +a) could not be changed."
        ));
    }
    world
        .fs
        .write(
            &format!("{project}/README_RESTORE_FILES.txt"),
            "Your files are encrypted. Pay 2 BTC to get the key.\n",
            false,
        )
        .ok();
    rec.say(format!(
        "Ransomware ran as root on the host: {} file(s) in the project folder (backups kept there included) and {volume_files} file(s) in Docker's volumes are encrypted. Anything this machine could write is lost; a copy it could not write to (another machine, an append-only repository) is not.",
        targets.len() - mounted
    ));
}
