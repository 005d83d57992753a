//! Networks of a swarm, as data: the overlay networks in the managers' store, the `ingress`
//! network's settings, and the addresses the allocator handed out.
//!
//! Real Docker keeps swarm-scoped networks in the Raft store and SwarmKit's allocator gives
//! services and tasks their addresses on them. This module is that store. It is a leaf (it
//! imports only other leaves: the network and mesh models, `time`), so the swarm can hold its
//! overlay without importing the allocator and the `docker network` commands, which run over the
//! world in src/sim/swarm/overlay.rs.

use std::collections::BTreeMap;

use crate::sim::docker::network::model::Subnet;
use crate::sim::swarm::mesh::model::Trace;
pub use crate::sim::swarm::mesh::model::VXLAN_PORT;
use crate::sim::time::Millis;

/// The routing mesh's network.
pub const INGRESS: &str = "ingress";
/// The ingress subnet (Docker's default before 18.09's address pools).
pub const INGRESS_SUBNET: Subnet = Subnet {
    base: 0x0aff_0000,
    prefix: 16,
};

/// A swarm-scoped network.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SwarmNetwork {
    /// 25-character base-36 ID, as SwarmKit's.
    pub id: String,
    pub name: String,
    pub subnet: Subnet,
    pub attachable: bool,
    pub internal: bool,
    /// The routing mesh's own network.
    pub ingress: bool,
    pub labels: BTreeMap<String, String>,
    pub created_ms: Millis,
}

/// The managers' network store and the allocator's addresses.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Overlay {
    /// Networks made with `docker network create -d overlay`, by name (`ingress` is implicit).
    pub networks: BTreeMap<String, SwarmNetwork>,
    /// (network name, service or task ID) → host number in the network's subnet.
    pub addrs: BTreeMap<(String, String), u32>,
    /// Each node's IPVS round-robin position, by `node/service`.
    pub rr: BTreeMap<String, u64>,
    /// The last request the learner sent (src/sim/swarm/curl.rs), for the picture.
    pub last_request: Option<Trace>,
}
