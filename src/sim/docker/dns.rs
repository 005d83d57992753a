//! Name resolution from inside a container.
//!
//! Real Docker (moby `libnetwork/resolver.go`, `sandbox_dns_unix.go`, `service_common.go`): a
//! container on a user-defined network has `nameserver 127.0.0.11` in its `/etc/resolv.conf`;
//! that embedded DNS server answers the names of the running containers on the networks it
//! shares with them (container name, `--network-alias`, short ID), several addresses in random
//! order when several containers share a name, with a TTL of 600 s; other names are forwarded
//! to the host's resolvers, except from `internal` networks. On the default `bridge` there is no
//! embedded DNS at all: the container gets the host's resolv.conf, which knows no container
//! names (only the legacy `--link` writes `/etc/hosts`). `localhost` is in every container's
//! `/etc/hosts` and is the container itself, as is its own hostname.
//!
//! What we model: exactly those rules, with a seeded shuffle. What we simplify: the simulated
//! host has no Internet, so an outside name is reported as such rather than resolved; no
//! `--link`, no `--dns`, no IPv6.

use super::super::ids::ContainerId;
use super::super::world::World;
use super::container::Status;
use super::network::{self, Network};

/// The embedded DNS server's address inside each container on a user-defined network.
pub const EMBEDDED_DNS: &str = "127.0.0.11";
/// moby `libnetwork/resolver.go` `respTTL`: answers are valid for 600 seconds.
pub const TTL_S: u32 = 600;

/// Where an answer came from.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Source {
    /// An address typed as such: nothing to resolve.
    Literal,
    /// `/etc/hosts`: `localhost` and the container's own hostname.
    HostsFile,
    /// The embedded DNS server, for a name on this network.
    EmbeddedDns { network: String },
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Answer {
    /// In the order the resolver returned them (shuffled when several).
    pub addresses: Vec<String>,
    pub source: Source,
    /// Seconds a resolver may cache the answer; `None` for `/etc/hosts` and literals.
    pub ttl_s: Option<u32>,
}

/// Why a name did not resolve.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Miss {
    /// NXDOMAIN, with the reason in plain words.
    Unknown { reason: String },
    /// A name outside the host that real Docker would forward upstream; this simulated host has
    /// no Internet connection.
    Outside,
}

/// The user-defined networks the container is on, with an address (it is running).
fn dns_networks<'a>(world: &'a World, from: &ContainerId) -> Vec<&'a Network> {
    let c = &world.engine.containers[from];
    c.networks
        .iter()
        .filter(|(_, e)| e.ip_address.is_some())
        .filter_map(|(name, _)| world.engine.networks.get(name))
        .filter(|n| n.has_embedded_dns())
        .collect()
}

/// Resolves `name` as a program inside container `from` would.
pub fn resolve(world: &mut World, from: &ContainerId, name: &str) -> Result<Answer, Miss> {
    if network::parse_ip(name).is_some() {
        return Ok(Answer {
            addresses: vec![name.to_string()],
            source: Source::Literal,
            ttl_s: None,
        });
    }
    let c = &world.engine.containers[from];
    if name == "localhost" {
        return Ok(Answer {
            addresses: vec!["127.0.0.1".to_string()],
            source: Source::HostsFile,
            ttl_s: None,
        });
    }
    if name == c.config.hostname {
        let ip = network::primary_ip(c).unwrap_or_else(|| "127.0.0.1".to_string());
        return Ok(Answer {
            addresses: vec![ip],
            source: Source::HostsFile,
            ttl_s: None,
        });
    }
    // A swarm task's container asks the swarm's embedded DNS: service names (a VIP, or the
    // tasks' addresses with `tasks.NAME` or dnsrr) on the overlay networks it shares.
    if let Some(service) = swarm_service_of(c) {
        let service = service.to_string();
        return swarm_resolve(world, &service, name);
    }
    for n in dns_networks(world, from) {
        let mut addresses: Vec<String> = world
            .engine
            .containers
            .values()
            .filter(|other| other.status() == Status::Running || other.status() == Status::Paused)
            .filter_map(|other| {
                let e = other.networks.get(&n.name)?;
                let known = other.name == name
                    || e.aliases.iter().any(|a| a == name)
                    || other.id.short() == name;
                if known { e.ip_address.clone() } else { None }
            })
            .collect();
        if !addresses.is_empty() {
            let network = n.name.clone();
            // moby `service_common.go`: several records are returned in random order.
            for i in (1..addresses.len()).rev() {
                let j = world.rng.below(i as u64 + 1) as usize;
                addresses.swap(i, j);
            }
            return Ok(Answer {
                addresses,
                source: Source::EmbeddedDns { network },
                ttl_s: Some(TTL_S),
            });
        }
    }
    Err(miss(world, from, name))
}

/// The service a container is a task of (SwarmKit's label), if the swarm still runs it.
pub fn swarm_service_of(c: &super::container::Container) -> Option<&str> {
    c.config
        .labels
        .get("com.docker.swarm.service.name")
        .map(String::as_str)
}

/// The swarm's answer for a task of `service` (src/sim/swarm/mesh/mod.rs `resolve`).
fn swarm_resolve(world: &World, service: &str, name: &str) -> Result<Answer, Miss> {
    use crate::sim::swarm::mesh::{self, Miss as SwarmMiss};
    match mesh::resolve(world, service, None, name) {
        Ok(r) if !r.addresses.is_empty() => Ok(Answer {
            addresses: r.addresses,
            source: Source::EmbeddedDns { network: r.network },
            ttl_s: Some(TTL_S),
        }),
        Ok(r) => Err(Miss::Unknown {
            reason: format!(
                "{name} is a service on {}, but it has no running task, so the embedded DNS server has no address to give.",
                r.network
            ),
        }),
        Err(SwarmMiss::NotOnNetwork {
            service: target,
            network,
        }) => Err(Miss::Unknown {
            reason: format!(
                "{target} is a service of this swarm, but it shares no overlay network with {service} (which is on {}): the embedded DNS server answers only for services on the caller's networks.",
                if network.is_empty() {
                    "no overlay network".to_string()
                } else {
                    network
                }
            ),
        }),
        Err(SwarmMiss::NoSuchService(_)) if name.contains('.') && !name.starts_with("tasks.") => {
            Err(Miss::Outside)
        }
        Err(SwarmMiss::NoSuchService(target)) => Err(Miss::Unknown {
            reason: format!(
                "There is no service named {target} in this swarm, so the embedded DNS server at {EMBEDDED_DNS} answers NXDOMAIN."
            ),
        }),
        Err(SwarmMiss::NoCaller(_)) => Err(Miss::Unknown {
            reason: format!("The service {service} of this task no longer exists."),
        }),
    }
}

/// The plain-words reason a name is unknown to this container.
fn miss(world: &World, from: &ContainerId, name: &str) -> Miss {
    let c = &world.engine.containers[from];
    let attached: Vec<&Network> = c
        .networks
        .keys()
        .filter_map(|n| world.engine.networks.get(n))
        .collect();
    let user_defined: Vec<&Network> = attached
        .iter()
        .copied()
        .filter(|n| n.has_embedded_dns())
        .collect();
    let target = world.engine.containers.values().find(|o| {
        o.name == name
            || o.networks
                .values()
                .any(|e| e.aliases.iter().any(|a| a == name))
    });
    let only_internal = !attached.is_empty() && attached.iter().all(|n| n.internal);
    if let Some(t) = target {
        let shared: Vec<&str> = t
            .networks
            .keys()
            .filter(|n| c.networks.contains_key(*n))
            .map(String::as_str)
            .collect();
        if user_defined.is_empty() {
            return Miss::Unknown {
                reason: format!(
                    "{} is only on the default bridge, which has no embedded DNS: container names mean nothing there. Put both containers on a user-defined network (docker network create) to use names.",
                    c.name
                ),
            };
        }
        if t.status() != Status::Running && t.status() != Status::Paused {
            return Miss::Unknown {
                reason: format!(
                    "{} is not running: a stopped container has no address, so the embedded DNS has no record for it.",
                    t.name
                ),
            };
        }
        if shared
            .iter()
            .all(|n| !user_defined.iter().any(|u| u.name == *n))
        {
            let theirs: Vec<&str> = t.networks.keys().map(String::as_str).collect();
            let ours: Vec<&str> = c.networks.keys().map(String::as_str).collect();
            return Miss::Unknown {
                reason: format!(
                    "{} is on {}, {} is on {}: they share no user-defined network, so the embedded DNS server at {EMBEDDED_DNS} has no record for the name.",
                    t.name,
                    theirs.join(", "),
                    c.name,
                    ours.join(", ")
                ),
            };
        }
    }
    if attached.iter().all(|n| n.subnet.is_none()) {
        return Miss::Unknown {
            reason: format!(
                "{} has no network (only the loopback interface), so there is no DNS server to ask.",
                c.name
            ),
        };
    }
    if only_internal {
        return Miss::Unknown {
            reason: format!(
                "{} is only on internal networks: the embedded DNS answers the names of containers there and forwards nothing outside.",
                c.name
            ),
        };
    }
    if name.contains('.') {
        return Miss::Outside;
    }
    Miss::Unknown {
        reason: format!(
            "No running container called {name} shares a user-defined network with {}, and the host's resolvers do not know the name either.",
            c.name
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::docker::cli::RunOptions;
    use crate::sim::docker::engine;
    use crate::sim::record::Record;
    use std::collections::BTreeMap;

    fn run(world: &mut World, name: &str, networks: &[&str], aliases: &[&str]) -> ContainerId {
        let options = RunOptions {
            name: Some(name.to_string()),
            image: "nginx".to_string(),
            networks: networks.iter().map(|s| s.to_string()).collect(),
            network_aliases: aliases.iter().map(|s| s.to_string()).collect(),
            ..RunOptions::default()
        };
        let mut rec = Record::default();
        let id = engine::create(world, &options, &mut rec).unwrap();
        engine::start(world, &id, &mut rec).unwrap();
        id
    }

    #[test]
    fn names_resolve_on_user_defined_networks_only() {
        let mut world = World::new(3);
        network::create(&mut world, "app", false, false, None, BTreeMap::new()).unwrap();
        let a = run(&mut world, "aa", &[], &[]);
        let b = run(&mut world, "bb", &[], &[]);
        let c = run(&mut world, "cc", &["app"], &[]);
        let d = run(&mut world, "dd", &["app"], &[]);
        assert!(matches!(
            resolve(&mut world, &a, "bb"),
            Err(Miss::Unknown { .. })
        ));
        let answer = resolve(&mut world, &c, "dd").unwrap();
        assert_eq!(answer.addresses, vec!["172.18.0.3".to_string()]);
        assert_eq!(answer.ttl_s, Some(600));
        assert_eq!(
            resolve(&mut world, &d, "localhost").unwrap().addresses,
            vec!["127.0.0.1".to_string()]
        );
        let _ = b;
    }

    #[test]
    fn a_shared_alias_answers_every_address() {
        let mut world = World::new(5);
        network::create(&mut world, "app", false, false, None, BTreeMap::new()).unwrap();
        let client = run(&mut world, "client", &["app"], &[]);
        run(&mut world, "s1", &["app"], &["search"]);
        run(&mut world, "s2", &["app"], &["search"]);
        run(&mut world, "s3", &["app"], &["search"]);
        let mut orders = Vec::new();
        for _ in 0..8 {
            let mut a = resolve(&mut world, &client, "search").unwrap().addresses;
            orders.push(a.clone());
            crate::sim::order::sort(&mut a);
            assert_eq!(a, vec!["172.18.0.3", "172.18.0.4", "172.18.0.5"]);
        }
        orders.dedup();
        assert!(orders.len() > 1, "the order varies between answers");
    }
}
