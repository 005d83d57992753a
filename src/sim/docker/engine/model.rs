//! The Docker daemon on one host, as data: its containers, the tombstones of removed ones, its
//! image store, volumes and networks, and the counters it hands names, PIDs and ports from.
//!
//! Real Docker keeps this state in the daemon (moby's container store, image store, volume
//! service and libnetwork controller). This module is that state and the lookups that need no
//! world (resolving a name or ID prefix, the port holder). It is a leaf (it imports only other
//! leaves: the container, image store, volume and network models), so `World` and every swarm
//! machine can hold an engine without importing the daemon's behaviour, which runs over the
//! world in src/sim/docker/engine/mod.rs.

use std::collections::BTreeMap;

use crate::sim::docker::container::{Container, Tombstone};
use crate::sim::docker::error::DockerError;
use crate::sim::docker::images::ImageStore;
use crate::sim::docker::network::model::{Network, predefined};
use crate::sim::docker::volume::model::Volume;
use crate::sim::ids::ContainerId;
use crate::sim::time::{Millis, SECOND_MS};

/// The daemon's default grace period for `docker stop`.
pub const DEFAULT_STOP_TIMEOUT_S: u32 = 10;
/// moby restartmanager: first back-off, cap, and how long a run must last to reset it.
pub const RESTART_BACKOFF_INITIAL_MS: Millis = 100;
pub const RESTART_BACKOFF_MAX_MS: Millis = 60 * SECOND_MS;
pub const RESTART_RESET_AFTER_MS: Millis = 10 * SECOND_MS;
/// The first port Docker hands out for `-p 80` / `-P` (Linux ephemeral range).
pub const EPHEMERAL_PORT_START: u16 = 32768;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Engine {
    pub hostname: String,
    pub containers: BTreeMap<ContainerId, Container>,
    pub removed: Vec<Tombstone>,
    /// Local images by ID, and their tags (src/sim/docker/images.rs).
    pub images: ImageStore,
    pub next_number: u64,
    pub next_pid: u32,
    pub next_ephemeral_port: u16,
    /// Volumes by name (src/sim/docker/volume/mod.rs).
    pub volumes: BTreeMap<String, Volume>,
    /// Networks by name (src/sim/docker/network/mod.rs).
    pub networks: BTreeMap<String, Network>,
}

impl Engine {
    pub fn new(hostname: &str) -> Self {
        Engine {
            hostname: hostname.to_string(),
            containers: BTreeMap::new(),
            removed: Vec::new(),
            images: ImageStore::default(),
            next_number: 1,
            next_pid: 1000,
            next_ephemeral_port: EPHEMERAL_PORT_START,
            volumes: BTreeMap::new(),
            networks: predefined(),
        }
    }

    /// What a machine's engine slot holds while its engine is mounted as `world.engine`
    /// (src/sim/world.rs `mount`): nothing at all, so that a mistake shows as an empty engine.
    pub fn placeholder() -> Self {
        Engine {
            hostname: String::new(),
            containers: BTreeMap::new(),
            removed: Vec::new(),
            images: ImageStore::default(),
            next_number: 1,
            next_pid: 1000,
            next_ephemeral_port: EPHEMERAL_PORT_START,
            volumes: BTreeMap::new(),
            networks: BTreeMap::new(),
        }
    }

    /// Resolves a name, a full ID or a unique ID prefix, as the daemon does.
    pub fn resolve(&self, reference: &str) -> Result<ContainerId, DockerError> {
        let reference = reference.strip_prefix('/').unwrap_or(reference);
        if let Some(c) = self.containers.values().find(|c| c.name == reference) {
            return Ok(c.id.clone());
        }
        if !reference.is_empty() {
            let matches: Vec<&ContainerId> = self
                .containers
                .keys()
                .filter(|id| id.0.starts_with(reference))
                .collect();
            match matches.as_slice() {
                [one] => return Ok((*one).clone()),
                [] => {}
                _ => {
                    return Err(DockerError::daemon(format!(
                        "multiple IDs found with provided prefix: {reference}"
                    )));
                }
            }
        }
        Err(DockerError::daemon(format!(
            "No such container: {reference}"
        )))
    }

    pub fn container(&self, id: &ContainerId) -> Option<&Container> {
        self.containers.get(id)
    }

    pub fn by_name(&self, name: &str) -> Option<&Container> {
        self.containers.values().find(|c| c.name == name)
    }

    /// Containers newest first, as `docker ps` lists them.
    pub fn newest_first(&self) -> Vec<&Container> {
        let mut list: Vec<&Container> = self.containers.values().collect();
        crate::sim::order::sort_by_key(&mut list, |c| std::cmp::Reverse(c.number));
        list
    }

    /// Which container holds a host port right now.
    pub fn port_holder(&self, host_port: u16) -> Option<&Container> {
        self.containers.values().find(|c| {
            c.status().is_up() && c.bound_ports.iter().any(|b| b.host_port == Some(host_port))
        })
    }
}
