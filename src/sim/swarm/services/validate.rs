//! What the daemon refuses when a service spec is written, for `docker service create|update`
//! and `docker stack deploy` alike.
//!
//! Real Docker (SwarmKit `manager/controlapi/service.go`): `CreateService` and `UpdateService`
//! run `validateServiceSpec` (the name must be a DNS label, `validateEndpointSpec` refuses
//! ingress ports with `dnsrr`), then `checkPortConflicts` (an ingress port is the whole
//! cluster's, so two services cannot publish the same one) and the allocator checks that every
//! network exists and is attachable. Each is an `rpc error: code = InvalidArgument` from the
//! daemon, exit 1.
//!
//! We run the same checks on the store in the same words. Simplified: the rest of
//! `validateServiceSpec` (resources, secrets, configs) has nothing to check here.

use super::super::service::{EndpointMode, PublishMode, Spec};
use crate::sim::World;
use crate::sim::docker::error::DockerError;

/// The daemon's checks on a spec being written (created or updated).
pub fn spec(world: &World, spec: &Spec) -> Result<(), DockerError> {
    if spec.endpoint_mode == EndpointMode::Dnsrr
        && spec.ports.iter().any(|p| p.mode == PublishMode::Ingress)
    {
        // SwarmKit controlapi `validateEndpointSpec`.
        return Err(DockerError::daemon(
            "rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode",
        ));
    }
    // Ingress ports are cluster-wide: another service may not publish the same one.
    for port in spec
        .ports
        .iter()
        .filter(|p| p.mode == PublishMode::Ingress && p.published_port != 0)
    {
        if let Some(other) = world.swarm.services.values().find(|s| {
            s.spec.name != spec.name
                && s.endpoint_ports.iter().any(|q| {
                    q.mode == PublishMode::Ingress
                        && q.published_port == port.published_port
                        && q.protocol == port.protocol
                })
        }) {
            return Err(DockerError::daemon(format!(
                "rpc error: code = InvalidArgument desc = port '{}' is already in use by service '{}' ({}) as an ingress port",
                port.published_port, other.spec.name, other.id
            )));
        }
    }
    super::super::overlay::check_networks(world, &spec.template.networks)
}

/// SwarmKit controlapi `validateAnnotations`: `^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$`, at most 63
/// characters.
pub fn valid_dns_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !name.is_empty()
        && name.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
}
