//! Networks of a swarm service: which networks a service may attach to, and its endpoint.
//!
//! Real Docker: a service attaches to swarm-scoped networks only (`overlay`), found by name or
//! ID; an unknown one is refused by the daemon (`network foo not found`). Each attachment gets a
//! virtual IP (VIP mode) from the network's subnet, and published ports put the service on the
//! `ingress` network too.
//!
//! Here: the checks and hooks the service commands call. Simplified (for now): no overlay
//! networks can be created yet, so a service can only use the routing mesh.

use crate::sim::World;
use crate::sim::docker::error::DockerError;

/// The daemon refuses a service on a network that does not exist in the swarm.
pub fn check_networks(world: &World, names: &[String]) -> Result<(), DockerError> {
    let _ = world;
    match names.first() {
        Some(name) => Err(DockerError::daemon(format!("network {name} not found"))),
        None => Ok(()),
    }
}

/// A service was created or its spec changed: (re)allocate its endpoint.
pub fn on_service_changed(world: &mut World, service_id: &str) {
    let _ = (world, service_id);
}

/// A service was removed: free its endpoint.
pub fn on_service_removed(world: &mut World, service_id: &str) {
    let _ = (world, service_id);
}
