//! Can container A reach an address (and a port) — and if not, why?
//!
//! Real Docker (moby `libnetwork/drivers/bridge`, iptables chains `DOCKER-ISOLATION-STAGE-1/2`,
//! `DOCKER`): containers on one bridge talk to each other directly, on any port a process
//! listens on — `EXPOSE`/`--expose` open nothing, they are documentation. Packets between two
//! different bridges are dropped by the isolation rules (the sender waits for a timeout). A
//! container on an `internal` network has no default route: anything outside its subnets is
//! "Network is unreachable". `127.0.0.1` is the container's own loopback. Publishing (`-p`) is
//! for the host and the outside world, not between containers. A bridge network spans one host.
//!
//! What we model: those rules as a pure function of the world. What we simplify: no firewall
//! rules of one's own, no ICC=false, no host networking; outside the host there is no Internet.

use super::super::ids::ContainerId;
use super::super::world::World;
use super::container::{Container, Status};
use super::network;

/// The verdict for one attempt.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Reach {
    /// The packet arrives (for a port: a process accepts the connection).
    Open { to: ContainerId, via: String },
    /// The packet arrives but nothing listens on the port: the kernel answers RST.
    Refused { reason: String },
    /// The packet is silently dropped: the sender waits until it gives up.
    Dropped { reason: String },
    /// The sender has no route at all.
    NoRoute { reason: String },
    /// An address outside the host, which real Docker would route through NAT.
    Outside,
}

fn running(c: &Container) -> bool {
    matches!(c.status(), Status::Running | Status::Paused)
}

/// Which container (and on which network) owns `ip`.
fn owner<'a>(world: &'a World, ip: &str) -> Option<(&'a Container, &'a str)> {
    world.engine.containers.values().find_map(|c| {
        c.networks
            .iter()
            .find(|(_, e)| e.ip_address.as_deref() == Some(ip))
            .map(|(n, _)| (c, n.as_str()))
    })
}

/// Whether a process in `c` accepts connections on `port`.
fn listens(c: &Container, port: u16) -> bool {
    c.status() == Status::Running
        && c.listening
        && c.program
            .as_ref()
            .and_then(|p| p.serves.as_ref())
            .is_some_and(|s| s.port == port)
}

fn refused_reason(c: &Container, port: u16) -> String {
    let serves = c
        .program
        .as_ref()
        .and_then(|p| p.serves.as_ref())
        .map(|s| s.port);
    let exposed = c.config.exposed_ports.contains(&port);
    match serves {
        _ if c.status() != Status::Running => {
            format!(
                "{} is not running, so nothing answers on port {port}.",
                c.name
            )
        }
        Some(p) if p != port && exposed => format!(
            "{} is reachable and exposes {port}, but EXPOSE only documents a port: its program listens on {p}, so the kernel answers the connection on {port} with a reset.",
            c.name
        ),
        Some(p) if p != port => format!(
            "{} is reachable, but its program listens on port {p}, not {port}: the kernel answers the connection with a reset.",
            c.name
        ),
        Some(_) => format!(
            "{} is reachable, but its program is not accepting connections on port {port} yet.",
            c.name
        ),
        None if exposed => format!(
            "{} exposes {port}, but EXPOSE only documents a port: no process listens on it.",
            c.name
        ),
        None => format!("Nothing in {} listens on port {port}.", c.name),
    }
}

/// Can `from` reach `ip` (on `port`, or by ping when `None`)?
pub fn reach(world: &World, from: &ContainerId, ip: &str, port: Option<u16>) -> Reach {
    let me = &world.engine.containers[from];
    if ip.starts_with("127.") {
        return match port {
            None => Reach::Open {
                to: from.clone(),
                via: "lo".to_string(),
            },
            Some(p) if listens(me, p) => Reach::Open {
                to: from.clone(),
                via: "lo".to_string(),
            },
            Some(p) => Reach::Refused {
                reason: format!(
                    "127.0.0.1 inside {} is {} itself, and nothing in it listens on port {p}. Another container is never localhost.",
                    me.name, me.name
                ),
            },
        };
    }
    let my_networks: Vec<&str> = me
        .networks
        .iter()
        .filter(|(_, e)| e.ip_address.is_some())
        .map(|(n, _)| n.as_str())
        .collect();
    if let Some((target, on)) = owner(world, ip) {
        if !running(target) {
            return Reach::Dropped {
                reason: format!("{ip} belonged to {}, which is not running.", target.name),
            };
        }
        if !my_networks.contains(&on) {
            return Reach::Dropped {
                reason: format!(
                    "{ip} is {} on {on}, and {} is not on {on}: Docker's isolation rules drop packets between different bridge networks.",
                    target.name, me.name
                ),
            };
        }
        if target.status() == Status::Paused {
            return Reach::Dropped {
                reason: format!(
                    "{} is paused: the packets arrive but the frozen process never answers.",
                    target.name
                ),
            };
        }
        return match port {
            None => Reach::Open {
                to: target.id.clone(),
                via: on.to_string(),
            },
            Some(p) if listens(target, p) => Reach::Open {
                to: target.id.clone(),
                via: on.to_string(),
            },
            Some(p) => Reach::Refused {
                reason: refused_reason(target, p),
            },
        };
    }
    // A gateway (the host's side of a bridge) or anything outside the container's subnets.
    let inside = my_networks.iter().any(|n| {
        world
            .engine
            .networks
            .get(*n)
            .and_then(|n| n.subnet)
            .is_some_and(|s| s.contains(ip))
    });
    if inside {
        return Reach::Dropped {
            reason: format!("No running container has the address {ip}."),
        };
    }
    let routable: Vec<&str> = my_networks
        .iter()
        .copied()
        .filter(|n| world.engine.networks.get(*n).is_some_and(|n| !n.internal))
        .collect();
    if routable.is_empty() {
        let reason = if my_networks.is_empty() {
            format!("{} has no network interface but loopback.", me.name)
        } else {
            format!(
                "{} is only on internal network(s) ({}): they have no gateway, so there is no route out of the host.",
                me.name,
                my_networks.join(", ")
            )
        };
        return Reach::NoRoute { reason };
    }
    Reach::Outside
}

/// One cell of the reachability matrix: `from` → the container `to` on `port` (its serving
/// port when `None`), by name as a program would try (DNS first, then the address).
pub fn by_name(
    world: &World,
    from: &ContainerId,
    to: &ContainerId,
    port: Option<u16>,
) -> Result<u16, String> {
    let me = &world.engine.containers[from];
    let target = &world.engine.containers[to];
    if !running(me) {
        return Err(format!("{} is not running", me.name));
    }
    let port = port.or_else(|| {
        target
            .program
            .as_ref()
            .and_then(|p| p.serves.as_ref())
            .map(|s| s.port)
    });
    let Some(port) = port else {
        return Err(format!("nothing in {} listens", target.name));
    };
    let shared_dns = target.networks.iter().any(|(n, e)| {
        e.ip_address.is_some()
            && me.networks.get(n).is_some_and(|m| m.ip_address.is_some())
            && world
                .engine
                .networks
                .get(n)
                .is_some_and(network::Network::has_embedded_dns)
    });
    if !running(target) {
        return Err(format!("{} is not running", target.name));
    }
    if !shared_dns {
        let shares_any = target
            .networks
            .keys()
            .any(|n| me.networks.get(n).is_some_and(|m| m.ip_address.is_some()));
        return Err(if shares_any {
            "no DNS on the default bridge".to_string()
        } else {
            "no shared network".to_string()
        });
    }
    let ip = target
        .networks
        .iter()
        .find(|(n, e)| e.ip_address.is_some() && me.networks.contains_key(*n))
        .and_then(|(_, e)| e.ip_address.clone())
        .unwrap_or_default();
    match reach(world, from, &ip, Some(port)) {
        Reach::Open { .. } => Ok(port),
        Reach::Refused { .. } => Err(format!("port {port} refused")),
        _ => Err("dropped".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::docker::cli::RunOptions;
    use crate::sim::docker::engine;
    use crate::sim::record::Record;
    use std::collections::BTreeMap;

    fn run(world: &mut World, name: &str, networks: &[&str]) -> ContainerId {
        let options = RunOptions {
            name: Some(name.to_string()),
            image: "nginx".to_string(),
            networks: networks.iter().map(|s| s.to_string()).collect(),
            ..RunOptions::default()
        };
        let mut rec = Record::default();
        let id = engine::create(world, &options, &mut rec).unwrap();
        engine::start(world, &id, &mut rec).unwrap();
        world.engine.containers.get_mut(&id).unwrap().listening = true;
        id
    }

    fn ip(world: &World, id: &ContainerId, net: &str) -> String {
        world.engine.containers[id].networks[net]
            .ip_address
            .clone()
            .unwrap()
    }

    #[test]
    fn peers_on_a_network_reach_listening_ports_only() {
        let mut world = World::new(2);
        network::create(&mut world, "app", false, false, None, BTreeMap::new()).unwrap();
        let a = run(&mut world, "aa", &["app"]);
        let b = run(&mut world, "bb", &["app"]);
        let b_ip = ip(&world, &b, "app");
        assert!(matches!(
            reach(&world, &a, &b_ip, Some(80)),
            Reach::Open { .. }
        ));
        assert!(matches!(
            reach(&world, &a, &b_ip, Some(3000)),
            Reach::Refused { .. }
        ));
        assert!(matches!(reach(&world, &a, &b_ip, None), Reach::Open { .. }));
    }

    #[test]
    fn different_bridges_are_isolated_and_internal_has_no_way_out() {
        let mut world = World::new(2);
        network::create(&mut world, "front", false, false, None, BTreeMap::new()).unwrap();
        network::create(&mut world, "back", true, false, None, BTreeMap::new()).unwrap();
        let web = run(&mut world, "web", &["front"]);
        let db = run(&mut world, "db", &["back"]);
        let db_ip = ip(&world, &db, "back");
        assert!(matches!(
            reach(&world, &web, &db_ip, Some(80)),
            Reach::Dropped { .. }
        ));
        assert!(matches!(
            reach(&world, &db, "1.1.1.1", None),
            Reach::NoRoute { .. }
        ));
        assert_eq!(reach(&world, &web, "1.1.1.1", None), Reach::Outside);
        assert_eq!(
            by_name(&world, &web, &db, None),
            Err("no shared network".to_string())
        );
    }
}
