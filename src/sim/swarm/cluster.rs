//! The swarm's membership: machines, nodes, roles, availability, join tokens.
//!
//! Real Swarm: `docker swarm init` turns the engine into the first manager (a 25-character
//! base-36 node ID, a cluster ID, a root CA and two join tokens
//! `SWMTKN-1-<root CA digest>-<secret>`, one for workers and one for managers). Other engines
//! `docker swarm join --token … <manager>:2377`; the token decides the role. Managers can
//! promote/demote, drain (`--availability drain`) or pause nodes, label them, and remove nodes
//! that are down. Worker nodes cannot read or change cluster state.
//!
//! We model the machines of the lab (`node-1`, `node-2`, … with addresses 10.0.0.N), which of them
//! are swarm nodes, and each node's spec and status. The leader is Raft's (`Swarm::leader` asks
//! the `RaftCluster` in src/sim/swarm/raft.rs), and which machines can reach each other (power,
//! partitions) is src/sim/swarm/control.rs `reachable`. Simplified here: the root CA is a digest
//! drawn from the seeded RNG, and `--advertise-addr` is the machine's only address.
//!
//! A leaf: it holds the machines' engines, the Raft cluster, the services, tasks, restart history,
//! updates in progress and the overlay store as data (their `model` modules or data-only files),
//! so `World` can hold the swarm without importing its behaviour.

use crate::sim::rng::Rng;
use crate::sim::time::Millis;
use std::collections::BTreeMap;
use std::rc::Rc;

pub use super::node::{Availability, NodeStatus, Role};

/// The engine version `docker node ls` shows (the course follows Engine 28).
pub const ENGINE_VERSION: &str = "28.0.1";
/// The swarm management port (`docker swarm join … 10.0.0.1:2377`).
pub const MANAGEMENT_PORT: u16 = 2377;

/// A machine of the lab: a host with its own Docker engine.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Machine {
    pub hostname: String,
    pub addr: String,
    pub cpus: u32,
    pub memory_bytes: u64,
    /// Powered on (a `kill` fault turns it off).
    pub up: bool,
    /// Its swarm node ID once it has joined.
    pub node_id: Option<String>,
    /// When it was powered off (`! kill`), for the heartbeat timeout.
    pub down_since_ms: Option<Millis>,
    /// Its Docker engine: containers (the tasks' included), pulled images, local volumes and
    /// networks. While this machine's engine is mounted as `world.engine` (the terminal is here,
    /// or a command runs here) this slot holds a placeholder: read it with `World::engine_of`.
    /// Behind an `Rc`, so that a copy of the world (a timeline keyframe, the snapshot a command
    /// rolls back to) shares every engine it does not change: mounting one takes it out, copying
    /// it only if another world still shares it (`World::mount`).
    pub engine: Rc<crate::sim::docker::engine::model::Engine>,
    /// Its disk (`! fill-disk node-2` fills it); mounted and shared like the engine
    /// (`World::disk_of`).
    pub disk: Rc<crate::sim::docker::disk::model::Disk>,
    /// Network partition group: machines talk only within the same group (0 = everyone).
    pub partition: u32,
    /// Since when the leader's dispatcher has heard nothing from it (off or cut off).
    pub silent_since_ms: Option<Millis>,
    /// `systemctl stop docker` ran here: the machine is on (ssh works) but its engine is not.
    pub dockerd_stopped: bool,
    /// What its `/var/lib/docker/swarm` holds (src/sim/swarm/statedir.rs).
    pub swarm_dir: SwarmDir,
}

impl Machine {
    /// Its engine runs: powered on and dockerd not stopped.
    pub fn engine_running(&self) -> bool {
        self.up && !self.dockerd_stopped
    }
}

/// A machine's `/var/lib/docker/swarm` as the engine will read it at its next start.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum SwarmDir {
    /// What the running engine keeps there: its node's identity, and a manager's Raft log.
    #[default]
    Live,
    /// Removed (`rm -rf`) or a new disk: the engine starts outside any swarm.
    Empty,
    /// Files unpacked from a backup: the saved state with this ID (`Swarm::saved_states`).
    Restored(u64),
}

/// A copy of a manager's swarm directory, as a `tar` of it captured it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SavedState {
    /// The manager it was copied from, and its node ID.
    pub host: String,
    pub node_id: String,
    pub taken_ms: Millis,
    /// Copied while that engine ran (a "hot" backup).
    pub hot: bool,
    /// The copy caught the Raft log mid-write: the engine cannot read it back.
    pub torn: bool,
    /// The cluster store it holds (its `machines` and `saved_states` left empty).
    pub store: Box<Swarm>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Node {
    pub id: String,
    pub hostname: String,
    pub addr: String,
    pub role: Role,
    pub availability: Availability,
    pub status: NodeStatus,
    pub labels: BTreeMap<String, String>,
    pub created_ms: Millis,
    pub updated_ms: Millis,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Swarm {
    /// Every machine of the lab, by hostname.
    pub machines: BTreeMap<String, Machine>,
    /// The machine the learner's terminal is on.
    pub local: String,
    /// Empty until `docker swarm init`.
    pub cluster_id: String,
    pub created_ms: Millis,
    pub nodes: BTreeMap<String, Node>,
    pub worker_token: String,
    pub manager_token: String,
    /// The managers' Raft group, members by hostname (src/sim/swarm/raft.rs).
    pub raft: super::raft::RaftCluster,
    /// Services by ID (src/sim/swarm/service.rs).
    pub services: BTreeMap<String, super::service::Service>,
    /// Every task the store still holds, in creation order (src/sim/swarm/task.rs).
    pub tasks: Vec<super::task::Task>,
    /// The restart supervisor's memory (lives on the leader in SwarmKit too).
    pub restarts: super::orchestrator::RestartTracker,
    /// Rolling updates in progress, by service ID (src/sim/swarm/update/mod.rs).
    pub updates: BTreeMap<String, super::update::model::Progress>,
    /// Swarm networks, their addresses and the mesh's round robin (src/sim/swarm/overlay.rs).
    pub overlay: super::overlay::model::Overlay,
    /// Copies of managers' swarm directories that `tar` took, by the ID their files carry.
    pub saved_states: BTreeMap<u64, SavedState>,
    /// Swarm secrets by ID (src/sim/swarm/secrets.rs): kept in the Raft store.
    pub secrets: BTreeMap<String, Secret>,
}

/// A swarm secret: its data lives only in the managers' store and in the tasks that mount it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Secret {
    pub id: String,
    pub name: String,
    pub data: String,
    pub labels: BTreeMap<String, String>,
    pub created_ms: Millis,
}

/// A lowercase base-36 identifier, as SwarmKit's `identity.NewID` prints them.
pub fn base36(rng: &mut Rng, len: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..len)
        .map(|_| DIGITS[rng.below(36) as usize] as char)
        .collect()
}

impl Swarm {
    /// A lab of `count` machines named `node-1`… (2 CPUs, 4 GiB each); the terminal is on node-1.
    pub fn lab(count: usize) -> Swarm {
        let mut machines = BTreeMap::new();
        for i in 1..=count {
            let hostname = format!("node-{i}");
            machines.insert(
                hostname.clone(),
                Machine {
                    hostname: hostname.clone(),
                    addr: format!("10.0.0.{}", i + 1),
                    cpus: 2,
                    memory_bytes: 4 << 30,
                    up: true,
                    node_id: None,
                    down_since_ms: None,
                    engine: Rc::new(crate::sim::docker::engine::model::Engine::new(&hostname)),
                    disk: Default::default(),
                    partition: 0,
                    silent_since_ms: None,
                    dockerd_stopped: false,
                    swarm_dir: SwarmDir::Live,
                },
            );
        }
        Swarm {
            machines,
            local: "node-1".to_string(),
            ..Swarm::default()
        }
    }

    pub fn active(&self) -> bool {
        !self.cluster_id.is_empty()
    }

    /// The node the machine `hostname` is, if it has joined.
    pub fn node_of(&self, hostname: &str) -> Option<&Node> {
        self.machines
            .get(hostname)
            .and_then(|m| m.node_id.as_ref())
            .and_then(|id| self.nodes.get(id))
    }

    pub fn managers(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values().filter(|n| n.role == Role::Manager)
    }

    /// The Raft leader's node, if the managers have one.
    pub fn leader(&self) -> Option<&Node> {
        let host = self.raft.leader()?;
        self.nodes
            .values()
            .find(|n| n.hostname == host && n.role == Role::Manager)
    }

    /// A node reference as the CLI takes it: an ID, a unique ID prefix, or a hostname.
    pub fn resolve(&self, reference: &str) -> Result<String, String> {
        if let Some(n) = self.nodes.values().find(|n| n.hostname == reference) {
            return Ok(n.id.clone());
        }
        let matches: Vec<&Node> = self
            .nodes
            .values()
            .filter(|n| !reference.is_empty() && n.id.starts_with(reference))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one.id.clone()),
            [] => Err(format!("node {reference} not found")),
            _ => Err(format!(
                "node {reference} is ambiguous ({} matches found)",
                matches.len()
            )),
        }
    }

    /// `docker swarm init` on `hostname`.
    pub fn init(&mut self, hostname: &str, now_ms: Millis, rng: &mut Rng) -> String {
        self.cluster_id = base36(rng, 25);
        self.created_ms = now_ms;
        self.raft = super::raft::RaftCluster::new();
        let digest = base36(rng, 50);
        self.worker_token = format!("SWMTKN-1-{digest}-{}", base36(rng, 25));
        self.manager_token = format!("SWMTKN-1-{digest}-{}", base36(rng, 25));
        self.add_node(hostname, Role::Manager, now_ms, rng)
    }

    /// Adds `hostname` as a node with `role`; returns its ID.
    pub fn add_node(
        &mut self,
        hostname: &str,
        role: Role,
        now_ms: Millis,
        rng: &mut Rng,
    ) -> String {
        let id = base36(rng, 25);
        let addr = self
            .machines
            .get(hostname)
            .map(|m| m.addr.clone())
            .unwrap_or_else(|| "10.0.0.2".to_string());
        self.nodes.insert(
            id.clone(),
            Node {
                id: id.clone(),
                hostname: hostname.to_string(),
                addr,
                role,
                availability: Availability::Active,
                status: NodeStatus::Ready,
                labels: BTreeMap::new(),
                created_ms: now_ms,
                updated_ms: now_ms,
            },
        );
        if let Some(m) = self.machines.get_mut(hostname) {
            m.node_id = Some(id.clone());
        }
        id
    }

    /// The role a join token grants, if it is one of this swarm's.
    pub fn role_for_token(&self, token: &str) -> Option<Role> {
        if !self.active() {
            return None;
        }
        if token == self.worker_token {
            Some(Role::Worker)
        } else if token == self.manager_token {
            Some(Role::Manager)
        } else {
            None
        }
    }

    /// The node leaves (its machine keeps running, outside the swarm).
    pub fn remove_node(&mut self, id: &str) {
        if let Some(n) = self.nodes.remove(id)
            && let Some(m) = self.machines.get_mut(&n.hostname)
        {
            m.node_id = None;
        }
        if self.nodes.is_empty() {
            *self = Swarm {
                machines: std::mem::take(&mut self.machines),
                local: std::mem::take(&mut self.local),
                ..Swarm::default()
            };
        }
    }

    /// `docker swarm leave` on the node's machine: the machine is out, while the managers keep
    /// listing the node as `Down` until `docker node rm`. The last manager leaving (`--force`)
    /// erases the swarm.
    pub fn leave(&mut self, id: &str) {
        let Some(n) = self.nodes.get(id).cloned() else {
            return;
        };
        if n.role == Role::Manager && self.managers().count() == 1 {
            for m in self.machines.values_mut() {
                m.node_id = None;
            }
            self.nodes.clear();
            *self = Swarm {
                machines: std::mem::take(&mut self.machines),
                local: std::mem::take(&mut self.local),
                ..Swarm::default()
            };
            return;
        }
        if let Some(m) = self.machines.get_mut(&n.hostname) {
            m.node_id = None;
        }
        if let Some(node) = self.nodes.get_mut(id) {
            node.status = NodeStatus::Down;
        }
    }

    /// Quorum among `n` managers: a majority.
    pub fn quorum(n: usize) -> usize {
        n / 2 + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_join_and_tokens() {
        let mut rng = Rng::seeded(1);
        let mut s = Swarm::lab(3);
        let id = s.init("node-1", 0, &mut rng);
        s.raft
            .add_member("node-1", 0, &|_: &str, _: &str| true, &mut rng)
            .unwrap();
        assert_eq!(id.len(), 25);
        assert!(s.worker_token.starts_with("SWMTKN-1-"));
        assert_eq!(s.worker_token.len(), "SWMTKN-1-".len() + 50 + 1 + 25);
        // Both tokens share the CA digest, only the secret differs.
        assert_eq!(s.worker_token[..59], s.manager_token[..59]);
        assert_eq!(
            s.role_for_token(&s.worker_token.clone()),
            Some(Role::Worker)
        );
        assert_eq!(s.role_for_token("SWMTKN-1-nope"), None);
        let w = s.add_node("node-2", Role::Worker, 10, &mut rng);
        assert_eq!(s.node_of("node-2").unwrap().id, w);
        assert_eq!(s.leader().unwrap().hostname, "node-1");
        assert_eq!(s.resolve("node-2"), Ok(w.clone()));
        assert_eq!(s.resolve(&w[..5]), Ok(w));
        assert!(s.resolve("nosuch").is_err());
    }

    #[test]
    fn quorum_sizes() {
        let q: Vec<usize> = [1, 2, 3, 4, 5, 7].map(Swarm::quorum).to_vec();
        assert_eq!(q, [1, 2, 2, 3, 3, 4]);
    }

    #[test]
    fn the_last_node_leaving_ends_the_swarm() {
        let mut rng = Rng::seeded(2);
        let mut s = Swarm::lab(2);
        let id = s.init("node-1", 0, &mut rng);
        s.remove_node(&id);
        assert!(!s.active());
        assert_eq!(s.machines.len(), 2);
        assert_eq!(s.local, "node-1");
    }
}
