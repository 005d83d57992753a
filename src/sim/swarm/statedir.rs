//! A manager's `/var/lib/docker/swarm`: backing it up, losing it, and bringing a swarm back from
//! it with `docker swarm init --force-new-cluster`.
//!
//! Real Docker (docs `engine/swarm/admin_guide.md`, "Back up the swarm" and "Restore from a
//! backup"): each manager keeps the swarm state there: `docker-state.json`, `state.json`,
//! `certificates/` (the node's TLS identity and the root CA), `worker/tasks.db` and `raft/`
//! (the encrypted Raft log and snapshots, with the keys that decrypt them). The docs' recipe:
//! stop Docker on a manager, copy the directory, start Docker again ("It is possible to take a
//! backup while the manager is running (a "hot" backup), but this is not recommended and your
//! results are less predictable when restoring"). To restore: stop Docker, replace the
//! directory with the backup, start Docker, then `docker swarm init --force-new-cluster` "so that
//! this node does not attempt to connect to nodes that were part of the old swarm"; then re-add
//! managers. The backup holds services, networks, secrets and configs, and no volume: volumes
//! live on each node's disk. SwarmKit reads the log back with `ReadRepairWAL`: a log cut short
//! is repaired, a record torn in the middle is `irreparable WAL error: wal: crc mismatch`.
//!
//! What we model: the folder as files the host's shell sees while a command names
//! `/var/lib/docker` (the files are made from the machine's state before the command and read
//! back after it, so `tar`, `ls`, `rm -rf` and `du` work on it); a copy of it remembers the
//! cluster store of that moment (`Swarm::saved_states`), and whether the engine was running. At
//! the engine's next start (`systemctl start docker`, or power) the folder decides what it is: a
//! removed folder or a new disk leaves it outside any swarm; a restored copy replaces the
//! cluster's store with the saved one (the agents then drop containers of tasks it does not
//! hold, and the orchestrator replaces tasks whose containers are gone). What we simplify: the
//! Raft log is one small file whose text names the saved state (the real WAL is a 64 MB
//! preallocated, encrypted segment); a hot copy of a manager is torn or whole by a seeded draw;
//! a worker's folder restores nothing (it holds no store); autolock is not modelled.

use super::cluster::{SavedState, Swarm, SwarmDir};
use crate::sim::docker::error::DockerError;
use crate::sim::hostfs::{self, Entry};
use crate::sim::time::{self, Millis};
use crate::sim::{Record, World};
use std::collections::BTreeMap;

/// Where the engine keeps its swarm state.
pub const SWARM_DIR: &str = "/var/lib/docker/swarm";
/// The Raft log segment; its text names the saved state (see the module header).
const WAL: &str = "raft/wal-v3-encrypted/0000000000000000-0000000000000000.wal";
const WAL_MARK: &str = "swarm state #";
/// The error SwarmKit's `ReadRepairWAL` gives for a record torn mid-write.
pub const TORN_WAL: &str = "irreparable WAL error: wal: crc mismatch";

/// Does this shell command name the engine's folder? (Only on a machine of the swarm lab.)
pub fn touches(world: &World, words: &[String]) -> bool {
    world.swarm.machines.contains_key(world.here())
        && (hostfs::is_within(&world.fs.cwd, "/var/lib/docker")
            || words.iter().any(|w| w.starts_with("/var/lib/docker")))
}

/// Runs a file command with this machine's `/var/lib/docker/swarm` in the host's files, and
/// takes back what the command did to it.
pub fn around<R>(
    world: &mut World,
    rec: &mut Record,
    run: impl FnOnce(&mut World, &mut Record) -> R,
) -> R {
    let had: Vec<String> = ["/var", "/var/lib", "/var/lib/docker"]
        .into_iter()
        .filter(|p| world.fs.entries.contains_key(*p))
        .map(str::to_string)
        .collect();
    let before = materialise(world);
    let result = run(world, rec);
    absorb(world, before, rec);
    for p in ["/var/lib/docker", "/var/lib", "/var"] {
        if !had.iter().any(|h| h == p)
            && world.fs.list(p).is_ok_and(|l| l.is_empty())
            && world.fs.cwd != p
        {
            world.fs.entries.remove(p);
        }
    }
    result
}

/// The folder's files, relative to it, as the machine's engine has them now.
fn listing(world: &mut World, host: &str) -> Vec<(String, Entry)> {
    let Some(m) = world.swarm.machines.get(host) else {
        return Vec::new();
    };
    match m.swarm_dir {
        SwarmDir::Empty => Vec::new(),
        SwarmDir::Restored(id) => match world.swarm.saved_states.get(&id) {
            Some(saved) => files(&saved.store, host, &saved.node_id, Some(id)),
            None => Vec::new(),
        },
        SwarmDir::Live => {
            let Some(node_id) = m.node_id.clone() else {
                return Vec::new();
            };
            let hot = m.engine_running();
            let manager = world.swarm.raft.members.contains_key(host);
            let saved = manager.then(|| {
                let id = world
                    .swarm
                    .saved_states
                    .keys()
                    .next_back()
                    .map_or(1, |k| k + 1);
                let torn = hot && world.rng.below(2) == 0;
                let mut store = world.swarm.clone();
                store.machines.clear();
                store.saved_states.clear();
                world.swarm.saved_states.insert(
                    id,
                    SavedState {
                        host: host.to_string(),
                        node_id: node_id.clone(),
                        taken_ms: world.now_ms,
                        hot,
                        torn,
                        store: Box::new(store),
                    },
                );
                id
            });
            files(&world.swarm, host, &node_id, saved)
        }
    }
}

/// The files of a node's swarm folder; a manager's carries its Raft log (`saved`).
fn files(swarm: &Swarm, host: &str, node_id: &str, saved: Option<u64>) -> Vec<(String, Entry)> {
    let addr = swarm
        .nodes
        .get(node_id)
        .map_or("10.0.0.2".to_string(), |n| n.addr.clone());
    let text = |content: String| Entry::File { content };
    let mut out = vec![
        ("certificates".to_string(), Entry::Dir),
        (
            "certificates/swarm-node.crt".to_string(),
            text(format!(
                "-----BEGIN CERTIFICATE-----\n(node {node_id}, cluster {})\n-----END CERTIFICATE-----\n",
                swarm.cluster_id
            )),
        ),
        (
            "certificates/swarm-node.key".to_string(),
            text(format!(
                "-----BEGIN PRIVATE KEY-----\n(key of {host})\n-----END PRIVATE KEY-----\n"
            )),
        ),
        (
            "certificates/swarm-root-ca.crt".to_string(),
            text(format!(
                "-----BEGIN CERTIFICATE-----\n(swarm-ca of cluster {})\n-----END CERTIFICATE-----\n",
                swarm.cluster_id
            )),
        ),
        (
            "docker-state.json".to_string(),
            text(format!(
                "{{\"LocalAddr\":\"\",\"RemoteAddr\":\"\",\"ListenAddr\":\"0.0.0.0:2377\",\"AdvertiseAddr\":\"{addr}:2377\",\"DataPathAddr\":\"\",\"DefaultAddressPool\":null,\"SubnetSize\":0,\"DataPathPort\":0,\"JoinInProgress\":false}}\n"
            )),
        ),
        (
            "state.json".to_string(),
            text(format!(
                "[{{\"node_id\":\"{node_id}\",\"addr\":\"{addr}:2377\"}}]\n"
            )),
        ),
        ("worker".to_string(), Entry::Dir),
        (
            "worker/tasks.db".to_string(),
            Entry::Bulk {
                size_bytes: 32_768,
                file_count: 1,
            },
        ),
    ];
    if let Some(id) = saved {
        out.push(("raft".to_string(), Entry::Dir));
        out.push(("raft/snap-v3-encrypted".to_string(), Entry::Dir));
        out.push(("raft/wal-v3-encrypted".to_string(), Entry::Dir));
        out.push((
            WAL.to_string(),
            text(format!(
                "etcd WAL, encrypted with the raft DEK: cluster {}, {WAL_MARK}{id}\n",
                swarm.cluster_id
            )),
        ));
    }
    out
}

/// Puts the folder into the host's files; returns what was put (None: no folder).
fn materialise(world: &mut World) -> Option<BTreeMap<String, Entry>> {
    let host = world.here().to_string();
    world
        .fs
        .entries
        .retain(|p, _| !hostfs::is_within(p, SWARM_DIR));
    let _ = world.fs.mkdir("/var/lib/docker", true);
    let present = !matches!(
        world.swarm.machines.get(&host).map(|m| m.swarm_dir),
        Some(SwarmDir::Empty) | None
    );
    if !present {
        return None;
    }
    let _ = world.fs.mkdir(SWARM_DIR, true);
    for (rel, entry) in listing(world, &host) {
        world.fs.entries.insert(format!("{SWARM_DIR}/{rel}"), entry);
    }
    Some(snapshot(world))
}

fn snapshot(world: &World) -> BTreeMap<String, Entry> {
    world
        .fs
        .entries
        .iter()
        .filter(|(p, _)| hostfs::is_within(p, SWARM_DIR))
        .map(|(p, e)| (p.clone(), e.clone()))
        .collect()
}

/// Reads the folder back after a command and takes it out of the host's files.
fn absorb(world: &mut World, before: Option<BTreeMap<String, Entry>>, rec: &mut Record) {
    let host = world.here().to_string();
    let present = world.fs.entries.contains_key(SWARM_DIR);
    let after = present.then(|| snapshot(world));
    world
        .fs
        .entries
        .retain(|p, _| !hostfs::is_within(p, SWARM_DIR));
    if hostfs::is_within(&world.fs.cwd, SWARM_DIR) && !present {
        world.fs.cwd = "/var/lib/docker".to_string();
    }
    if after == before {
        return;
    }
    let running = world
        .swarm
        .machines
        .get(&host)
        .is_some_and(|m| m.engine_running());
    let next = match &after {
        None => SwarmDir::Empty,
        Some(files) => {
            let wal = files.get(&format!("{SWARM_DIR}/{WAL}"));
            let id = match wal {
                Some(Entry::File { content }) => content
                    .rsplit(WAL_MARK)
                    .next()
                    .and_then(|n| n.trim().parse::<u64>().ok())
                    .filter(|id| world.swarm.saved_states.contains_key(id)),
                _ => None,
            };
            match id {
                Some(id) => SwarmDir::Restored(id),
                // Files without a Raft log (a worker's, or a half-copied folder): no store.
                None => SwarmDir::Empty,
            }
        }
    };
    let Some(m) = world.swarm.machines.get_mut(&host) else {
        return;
    };
    m.swarm_dir = next;
    let when = if running {
        "The running engine does not read it again: what it holds counts at the engine's next start (sudo systemctl restart docker)."
    } else {
        "The engine is stopped: it reads the folder when it starts (sudo systemctl start docker)."
    };
    match next {
        SwarmDir::Restored(id) => {
            let saved = &world.swarm.saved_states[&id];
            rec.say(format!(
                "{SWARM_DIR} on {host} now holds the swarm state copied from {} at {}{}. {when}",
                saved.host,
                clock(saved.taken_ms),
                if saved.hot {
                    " while its engine was running (a hot copy)"
                } else {
                    ", with its engine stopped"
                }
            ));
        }
        _ => rec.say(format!(
            "{SWARM_DIR} on {host} holds no Raft log now: the engine will start outside any swarm. {when}"
        )),
    }
}

fn clock(ms: Millis) -> String {
    let (y, mo, d, h, mi, s, _) = time::civil(ms);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// `sudo systemctl stop docker` on a machine of the swarm: its engine and every container on it
/// stop; a manager leaves the Raft quorum until it starts again.
pub fn dockerd_stopped(world: &mut World, rec: &mut Record) {
    let host = world.here().to_string();
    let Some(m) = world.swarm.machines.get_mut(&host) else {
        return;
    };
    if m.dockerd_stopped {
        return;
    }
    m.dockerd_stopped = true;
    let member = m.node_id.is_some() && world.swarm.raft.members.contains_key(&host);
    super::agent::power_off(world, &host);
    let now = world.now_ms;
    if member {
        let events = world.swarm.raft.set_up(&host, false, now, &mut world.rng);
        super::control::narrate(&events, rec);
        rec.say(format!(
            "{host} is a manager: while its engine is stopped its Raft member is away, so the swarm keeps its quorum only if a majority of the other managers is up."
        ));
    }
    super::control::watch_heartbeats(world, rec);
    super::control::schedule(world);
}

/// `sudo systemctl start docker` on a machine of the swarm: the engine reads its swarm folder.
pub fn dockerd_started(world: &mut World, rec: &mut Record) {
    let host = world.here().to_string();
    let Some(m) = world.swarm.machines.get_mut(&host) else {
        return;
    };
    if !m.dockerd_stopped {
        return;
    }
    m.dockerd_stopped = false;
    if boot(world, &host, rec) {
        super::agent::power_on(world, &host, rec);
        let now = world.now_ms;
        if world.swarm.node_of(&host).is_some() && world.swarm.raft.members.contains_key(&host) {
            let events = world.swarm.raft.set_up(&host, true, now, &mut world.rng);
            super::control::narrate(&events, rec);
        }
    }
    super::control::watch_heartbeats(world, rec);
    super::control::schedule(world);
}

/// The engine on `host` starts and reads its swarm folder. `true`: it is the node it was (the
/// caller brings its agent and Raft member back); `false`: the folder changed what it is.
pub fn boot(world: &mut World, host: &str, rec: &mut Record) -> bool {
    let Some(dir) = world.swarm.machines.get(host).map(|m| m.swarm_dir) else {
        return true;
    };
    match dir {
        SwarmDir::Live => true,
        SwarmDir::Empty => {
            let m = world.swarm.machines.get_mut(host).expect("checked");
            m.swarm_dir = SwarmDir::Live;
            if m.node_id.take().is_some() {
                rec.say(format!(
                    "{host}'s engine starts with no swarm state: it is in no swarm now. The swarm still lists its old node (Down) until `docker node rm`; as a manager, its Raft member is gone for good."
                ));
            }
            false
        }
        SwarmDir::Restored(id) => {
            restore(world, host, id, rec);
            false
        }
    }
}

/// The engine starts from a restored copy: the saved store becomes the cluster's.
fn restore(world: &mut World, host: &str, id: u64, rec: &mut Record) {
    let saved = world.swarm.saved_states[&id].clone();
    if saved.torn {
        if let Some(m) = world.swarm.machines.get_mut(host) {
            m.node_id = None;
        }
        rec.err(format!(
            "dockerd: level=error msg=\"swarm component could not be started\" error=\"{TORN_WAL}\""
        ));
        rec.say(format!(
            "The copy was taken while {}'s engine was writing its Raft log: a record in it is torn, and SwarmKit cannot repair a log broken in the middle. This node starts in no swarm. A copy taken with Docker stopped would not have this problem.",
            saved.host
        ));
        return;
    }
    let machines = std::mem::take(&mut world.swarm.machines);
    let saved_states = std::mem::take(&mut world.swarm.saved_states);
    world.swarm = Swarm {
        machines,
        saved_states,
        ..*saved.store
    };
    let mut rejoined = Vec::new();
    let mut strangers = Vec::new();
    for m in world.swarm.machines.values_mut() {
        m.silent_since_ms = None;
        if m.hostname == host {
            m.node_id = Some(saved.node_id.clone());
            m.swarm_dir = SwarmDir::Live;
        } else if let Some(node) = m.node_id.clone() {
            if world.swarm.nodes.contains_key(&node) {
                rejoined.push(m.hostname.clone());
            } else {
                m.node_id = None;
                strangers.push(m.hostname.clone());
            }
        }
    }
    drop_unknown_task_containers(world);
    // The saved tasks' "container up" is of that moment: read it from the engines now.
    super::agent::observe_all(world);
    // The other managers of the saved membership belong to the old swarm: this node does not
    // reach them (they are gone, or run on without it) until `--force-new-cluster`.
    let now = world.now_ms;
    let others: Vec<String> = world
        .swarm
        .raft
        .members
        .keys()
        .filter(|h| h.as_str() != host)
        .cloned()
        .collect();
    for other in &others {
        let _ = world.swarm.raft.set_up(other, false, now, &mut world.rng);
    }
    let events = world.swarm.raft.set_up(host, true, now, &mut world.rng);
    super::control::narrate(&events, rec);
    rec.touch(host);
    rec.say(format!(
        "{host}'s engine starts from the copy of {} taken at {}: the cluster is as it was then, {} service(s) with their networks, secrets and configs. Not one byte of volume data comes with it: volumes live on each node's disk, outside {SWARM_DIR}.",
        saved.host,
        clock(saved.taken_ms),
        world.swarm.services.len()
    ));
    if !others.is_empty() {
        rec.say(format!(
            "The copy lists {} other manager(s) ({}): without them there is no quorum. `docker swarm init --force-new-cluster` makes {host} the only manager.",
            others.len(),
            others.join(", ")
        ));
    }
    if !rejoined.is_empty() {
        rec.say(format!(
            "{} still hold certificates from this cluster's CA and dial the same manager address: their agents reconnect.",
            rejoined.join(", ")
        ));
    }
    if !strangers.is_empty() {
        rec.say(format!(
            "{} joined after the copy was taken: the restored cluster does not know them; they must leave and join again.",
            strangers.join(", ")
        ));
    }
}

/// The agents remove containers of tasks the store does not hold (their assignments no longer
/// name them).
fn drop_unknown_task_containers(world: &mut World) {
    let known: std::collections::BTreeSet<String> =
        world.swarm.tasks.iter().map(|t| t.id.clone()).collect();
    let hosts: Vec<String> = world.swarm.machines.keys().cloned().collect();
    for host in hosts {
        let mut quiet = Record::new(world.now_ms);
        world.on_host(&host, |w| {
            let gone: Vec<_> = w
                .engine
                .containers
                .values()
                .filter(|c| {
                    c.config
                        .labels
                        .get("com.docker.swarm.task.id")
                        .is_some_and(|t| !known.contains(t))
                })
                .map(|c| c.id.clone())
                .collect();
            for id in &gone {
                let _ = crate::sim::docker::engine::rm(w, id, true, false, "", &mut quiet);
            }
        });
    }
}

/// `docker swarm init --force-new-cluster` on a node whose restored copy is torn.
pub fn refuse_torn(world: &World, host: &str) -> Result<(), DockerError> {
    let Some(SwarmDir::Restored(id)) = world.swarm.machines.get(host).map(|m| m.swarm_dir) else {
        return Ok(());
    };
    match world.swarm.saved_states.get(&id) {
        Some(saved) if saved.torn => Err(DockerError::daemon(TORN_WAL)),
        _ => Ok(()),
    }
}

/// `! lose-disk node-1`: the machine's disk dies. It powers off; when it starts again it has a
/// new disk, Docker freshly installed: no containers, images, volumes or swarm state.
pub fn lose_disk(world: &mut World, host: &str, rec: &mut Record) -> Result<(), String> {
    if world.swarm.machines.get(host).is_some_and(|m| m.up) {
        super::control::kill(world, host, rec)?;
    }
    let fresh = crate::sim::docker::engine::model::Engine::new(host);
    world.on_host(host, |w| {
        w.engine = fresh;
        w.disk = Default::default();
    });
    if let Some(m) = world.swarm.machines.get_mut(host) {
        m.swarm_dir = SwarmDir::Empty;
    }
    rec.title = format!("{host} loses its disk");
    rec.say(format!(
        "{host}'s disk died: its containers, images, volumes and {SWARM_DIR} are gone. It stays off until `! start {host}`, which boots it on a new disk with Docker freshly installed and in no swarm."
    ));
    Ok(())
}
