//! Networks: the segments containers plug into, and the addresses they get there.
//!
//! Real Docker (moby `daemon/network.go`, libnetwork `bridge` driver and `ipam`): a fresh daemon
//! has three pre-defined networks, `bridge` (the default bridge, `docker0`, 172.17.0.0/16),
//! `host` and `none`, which cannot be removed. `docker network create NAME` makes a user-defined
//! bridge; its subnet comes from the default address pools: 172.18.0.0/16, then 172.19.0.0/16 …
//! up to 172.31.0.0/16, then 192.168.0.0/20, 192.168.16.0/20 …; the gateway (the host's side of
//! the bridge) is the first address, containers get the lowest free one after it. A container
//! is attached to its networks when created (`--network`, default `bridge`) and gets an IP on
//! each when it starts; the IP is released when it stops. `internal` networks get no route out
//! of the host. An endpoint is "active" while its container runs: `docker network rm` refuses
//! a network with active endpoints, `prune` skips it.
//!
//! What we model: the store, the default pools and `--subnet`, IPAM (lowest free address), the
//! endpoints (IP and aliases per container and network), and the daemon's errors. What we
//! simplify: the bridge driver only (plus the pre-defined `host`/`null`), IPv4 only, no MAC
//! addresses, no `--ip`, no `--gateway`/`--ip-range`, no options.

pub mod model;

pub use model::{DEFAULT_BRIDGE, Endpoint, Network, Subnet, parse_ip, predefined};

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::super::ids::ContainerId;
use super::super::rng::Rng;
use super::super::time;
use super::super::world::World;
use super::container::{Container, Status};
use super::error::DockerError;

/// Finds a network by name, full ID or unique ID prefix, as the daemon does.
pub fn find<'a>(world: &'a World, reference: &str) -> Option<&'a Network> {
    let networks = &world.engine.networks;
    if let Some(n) = networks.get(reference) {
        return Some(n);
    }
    if let Some(n) = networks.values().find(|n| n.id == reference) {
        return Some(n);
    }
    let mut prefixed = networks
        .values()
        .filter(|n| !reference.is_empty() && n.id.starts_with(reference));
    match (prefixed.next(), prefixed.next()) {
        (Some(n), None) => Some(n),
        _ => None,
    }
}

/// `network X not found`, the daemon's words for a missing network.
pub fn not_found(reference: &str) -> DockerError {
    DockerError::daemon(format!("network {reference} not found"))
}

/// The next free default pool: 172.18.0.0/16 … 172.31.0.0/16, then 192.168.0.0/20 …
/// (moby `libnetwork/ipamutils` default local pools).
fn next_pool(world: &World) -> Option<Subnet> {
    let taken: Vec<Subnet> = world
        .engine
        .networks
        .values()
        .filter_map(|n| n.subnet)
        .collect();
    let wide = (18..=31u32).map(|b| Subnet {
        base: (172 << 24) | (b << 16),
        prefix: 16,
    });
    let narrow = (0..16u32).map(|k| Subnet {
        base: (192 << 24) | (168 << 16) | (k << 12),
        prefix: 20,
    });
    wide.chain(narrow)
        .find(|s| taken.iter().all(|t| !t.overlaps(*s)))
}

/// `docker network create`: returns the new network's ID.
pub fn create(
    world: &mut World,
    name: &str,
    internal: bool,
    attachable: bool,
    subnet: Option<&str>,
    labels: BTreeMap<String, String>,
) -> Result<String, DockerError> {
    if world.engine.networks.contains_key(name) {
        // moby libnetwork `NetworkNameError`.
        return Err(DockerError::daemon(format!(
            "network with name {name} already exists"
        )));
    }
    let subnet = match subnet {
        Some(text) => {
            let s = Subnet::parse(text).map_err(DockerError::daemon)?;
            if world
                .engine
                .networks
                .values()
                .filter_map(|n| n.subnet)
                .any(|t| t.overlaps(s))
            {
                return Err(DockerError::daemon(
                    "invalid pool request: Pool overlaps with other one on this address space",
                ));
            }
            s
        }
        None => next_pool(world).ok_or_else(|| {
            DockerError::daemon(
                "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network",
            )
        })?,
    };
    let id = world.rng.hex(64);
    let now = world.now_ms;
    world.engine.networks.insert(
        name.to_string(),
        Network {
            name: name.to_string(),
            id: id.clone(),
            driver: "bridge".to_string(),
            subnet: Some(subnet),
            internal,
            attachable,
            labels,
            created_at: now,
            predefined: false,
        },
    );
    Ok(id)
}

/// The endpoints a new container starts with: `--network` (default `bridge`) and
/// `--network-alias`. Checked at create, as the daemon does.
pub fn endpoints_for_create(
    world: &World,
    networks: &[String],
    aliases: &[String],
) -> Result<BTreeMap<String, Endpoint>, DockerError> {
    let wanted: Vec<String> = if networks.is_empty() {
        vec![DEFAULT_BRIDGE.to_string()]
    } else {
        networks.to_vec()
    };
    let mut endpoints = BTreeMap::new();
    for reference in &wanted {
        let reference = if reference == "default" {
            DEFAULT_BRIDGE
        } else {
            reference.as_str()
        };
        let network = find(world, reference).ok_or_else(|| not_found(reference))?;
        if network.driver == "host" {
            return Err(DockerError::new(
                "dockyard: `--network host` is real Docker (the container shares the host's network stack), but this page does not simulate it yet.",
                125,
            ));
        }
        if network.predefined && wanted.len() > 1 {
            // moby `daemon/create.go`: a container in `host`/`none`/`bridge` mode cannot also
            // join others at create (they are connected afterwards with `network connect`).
            return Err(DockerError::daemon(
                "Container cannot be connected to network endpoints",
            ));
        }
        if !aliases.is_empty() && !network.has_embedded_dns() {
            // moby `runconfig` `ErrUnsupportedNetworkAndAlias`.
            return Err(DockerError::daemon(
                "network-scoped alias is supported only for containers in user defined networks",
            ));
        }
        endpoints.insert(
            network.name.clone(),
            Endpoint {
                aliases: aliases.to_vec(),
                ip_address: None,
            },
        );
    }
    Ok(endpoints)
}

/// The lowest free address on a network (the IPAM's default, non-serial allocation).
fn free_ip(world: &World, network: &Network) -> Option<String> {
    let subnet = network.subnet?;
    let used: Vec<&str> = world
        .engine
        .containers
        .values()
        .filter_map(|c| c.networks.get(&network.name))
        .filter_map(|e| e.ip_address.as_deref())
        .collect();
    subnet.hosts().find(|ip| !used.contains(&ip.as_str()))
}

/// At start: an IP on each of the container's networks. Returns the primary address (the
/// default bridge's, else the first network's), or the daemon's error when a network has been
/// removed since the container was created.
pub fn attach_on_start(world: &mut World, id: &ContainerId) -> Result<Option<String>, DockerError> {
    let names: Vec<String> = world.engine.containers[id]
        .networks
        .keys()
        .cloned()
        .collect();
    let mut addresses = BTreeMap::new();
    for name in &names {
        let network = world
            .engine
            .networks
            .get(name)
            .ok_or_else(|| not_found(name))?;
        if let Some(ip) = free_ip(world, network) {
            addresses.insert(name.clone(), ip);
        }
    }
    let c = world
        .engine
        .containers
        .get_mut(id)
        .expect("the container exists");
    for (name, ip) in &addresses {
        if let Some(e) = c.networks.get_mut(name) {
            e.ip_address = Some(ip.clone());
        }
    }
    Ok(primary_ip(c))
}

/// The address `docker inspect` shows at the top level and the picture labels the container
/// with: the default bridge's, else the first network's.
pub fn primary_ip(c: &Container) -> Option<String> {
    c.networks
        .get(DEFAULT_BRIDGE)
        .and_then(|e| e.ip_address.clone())
        .or_else(|| c.networks.values().find_map(|e| e.ip_address.clone()))
}

/// At stop: every address goes back to its network's pool.
pub fn release(c: &mut Container) {
    for e in c.networks.values_mut() {
        e.ip_address = None;
    }
}

/// The running containers attached to a network: its active endpoints.
pub fn active_endpoints<'a>(world: &'a World, name: &str) -> Vec<(&'a Container, &'a Endpoint)> {
    world
        .engine
        .containers
        .values()
        .filter(|c| matches!(c.status(), Status::Running | Status::Paused))
        .filter_map(|c| c.networks.get(name).map(|e| (c, e)))
        .filter(|(_, e)| e.ip_address.is_some())
        .collect()
}

/// `docker network rm NAME`.
pub fn rm(world: &mut World, reference: &str) -> Result<(), DockerError> {
    let network = find(world, reference).ok_or_else(|| not_found(reference))?;
    if network.predefined {
        return Err(DockerError::daemon(format!(
            "{} is a pre-defined network and cannot be removed",
            network.name
        )));
    }
    if !active_endpoints(world, &network.name).is_empty() {
        return Err(DockerError::daemon(format!(
            "error while removing network: network {} id {} has active endpoints",
            network.name, network.id
        )));
    }
    let name = network.name.clone();
    world.engine.networks.remove(&name);
    Ok(())
}

/// `docker network prune -f`: the user-defined networks without active endpoints, by name.
pub fn prune(world: &mut World) -> Vec<String> {
    let unused: Vec<String> = world
        .engine
        .networks
        .values()
        .filter(|n| !n.predefined && active_endpoints(world, &n.name).is_empty())
        .map(|n| n.name.clone())
        .collect();
    for name in &unused {
        world.engine.networks.remove(name);
    }
    unused
}

/// `docker network connect [--alias A] NETWORK CONTAINER`.
pub fn connect(
    world: &mut World,
    reference: &str,
    id: &ContainerId,
    aliases: &[String],
) -> Result<String, DockerError> {
    let network = find(world, reference)
        .ok_or_else(|| not_found(reference))?
        .clone();
    let c = &world.engine.containers[id];
    if network.driver == "host" || network.driver == "null" {
        // moby `runconfig` `ErrConflictHostNetwork` / `ErrConflictNoNetwork`.
        return Err(DockerError::daemon(if network.driver == "host" {
            "container cannot be disconnected from host network or connected to host network"
        } else {
            "container cannot be connected to network: conflicts with network mode none"
        }));
    }
    if c.networks.contains_key(&network.name) {
        // libnetwork `ActiveEndpointError`-style wording for a second endpoint of one name.
        return Err(DockerError::daemon(format!(
            "endpoint with name {} already exists in network {}",
            c.name, network.name
        )));
    }
    if !aliases.is_empty() && !network.has_embedded_dns() {
        return Err(DockerError::daemon(
            "network-scoped alias is supported only for containers in user defined networks",
        ));
    }
    let running = matches!(c.status(), Status::Running | Status::Paused);
    let ip = if running {
        free_ip(world, &network)
    } else {
        None
    };
    let c = world
        .engine
        .containers
        .get_mut(id)
        .expect("the container exists");
    c.networks.insert(
        network.name.clone(),
        Endpoint {
            aliases: aliases.to_vec(),
            ip_address: ip,
        },
    );
    c.ip_address = primary_ip(c);
    Ok(network.name)
}

/// `docker network disconnect NETWORK CONTAINER`.
pub fn disconnect(
    world: &mut World,
    reference: &str,
    id: &ContainerId,
) -> Result<String, DockerError> {
    let network = find(world, reference)
        .ok_or_else(|| not_found(reference))?
        .clone();
    let c = world
        .engine
        .containers
        .get_mut(id)
        .expect("the container exists");
    if c.networks.remove(&network.name).is_none() {
        // moby `daemon/container_operations.go` DisconnectFromNetwork.
        return Err(DockerError::daemon(format!(
            "container {} is not connected to network {}",
            c.id, network.name
        )));
    }
    c.ip_address = primary_ip(c);
    Ok(network.name)
}

/// `docker network ls`: the CLI sorts by name (docker/cli `formatter.NetworkWrite`, default
/// format `table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}`).
pub fn ls(world: &World, quiet: bool) -> String {
    let networks: Vec<&Network> = world.engine.networks.values().collect();
    if quiet {
        return networks
            .iter()
            .map(|n| n.short_id().to_string())
            .collect::<Vec<_>>()
            .join("\n");
    }
    let mut rows = vec![vec![
        "NETWORK ID".to_string(),
        "NAME".to_string(),
        "DRIVER".to_string(),
        "SCOPE".to_string(),
    ]];
    for n in networks {
        rows.push(vec![
            n.short_id().to_string(),
            n.name.clone(),
            n.driver.clone(),
            "local".to_string(),
        ]);
    }
    super::output::tabwrite(&rows)
}

/// The API's network object, as `docker network inspect` prints it.
pub fn inspect_json(world: &World, n: &Network) -> Value {
    let config: Vec<Value> = n
        .subnet
        .iter()
        .map(|s| json!({"Subnet": s.text(), "Gateway": s.gateway()}))
        .collect();
    let mut containers = serde_json::Map::new();
    for (c, e) in active_endpoints(world, &n.name) {
        let ip = e.ip_address.clone().unwrap_or_default();
        let prefix = n.subnet.map(|s| s.prefix).unwrap_or(32);
        containers.insert(
            c.id.0.clone(),
            json!({
                "Name": c.name,
                "EndpointID": endpoint_id(&c.id, &n.id),
                "MacAddress": "",
                "IPv4Address": format!("{ip}/{prefix}"),
                "IPv6Address": "",
            }),
        );
    }
    json!({
        "Name": n.name,
        "Id": n.id,
        "Created": time::rfc3339(n.created_at),
        "Scope": "local",
        "Driver": n.driver,
        "EnableIPv4": true,
        "EnableIPv6": false,
        "IPAM": {"Driver": "default", "Options": null, "Config": config},
        "Internal": n.internal,
        "Attachable": n.attachable,
        "Ingress": false,
        "ConfigFrom": {"Network": ""},
        "ConfigOnly": false,
        "Containers": containers,
        "Options": {},
        "Labels": n.labels,
    })
}

/// A stable endpoint ID derived from the container and the network (64 hex).
pub fn endpoint_id(container: &ContainerId, network_id: &str) -> String {
    let seed = container
        .0
        .bytes()
        .chain(network_id.bytes())
        .fold(0xe9d_u64, |h, b| {
            h.wrapping_mul(131).wrapping_add(u64::from(b))
        });
    Rng::seeded(seed).hex(64)
}

/// `NetworkSettings.Networks` in `docker inspect`.
pub fn container_networks_json(world: &World, c: &Container) -> Value {
    let mut map = serde_json::Map::new();
    for (name, e) in &c.networks {
        let Some(n) = world.engine.networks.get(name) else {
            continue;
        };
        let ip = e.ip_address.clone().unwrap_or_default();
        let running = e.ip_address.is_some();
        let mut dns_names: Vec<String> = Vec::new();
        if n.has_embedded_dns() {
            dns_names.push(c.name.clone());
            dns_names.extend(e.aliases.iter().cloned());
            dns_names.push(c.id.short().to_string());
        }
        map.insert(
            name.clone(),
            json!({
                "Aliases": if e.aliases.is_empty() { Value::Null } else { json!(e.aliases) },
                "NetworkID": n.id,
                "EndpointID": if running { endpoint_id(&c.id, &n.id) } else { String::new() },
                "Gateway": if running { n.subnet.map(|s| s.gateway()).unwrap_or_default() } else { String::new() },
                "IPAddress": ip,
                "IPPrefixLen": if running { n.subnet.map(|s| s.prefix).unwrap_or(0) } else { 0 },
                "DNSNames": if dns_names.is_empty() { Value::Null } else { json!(dns_names) },
            }),
        );
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_daemon_has_bridge_host_and_none() {
        let world = World::new(1);
        let ls = ls(&world, false);
        let lines: Vec<&str> = ls.lines().collect();
        assert_eq!(lines[0], "NETWORK ID     NAME      DRIVER    SCOPE");
        assert!(lines[1].contains("   bridge    bridge    local"), "{ls}");
        assert!(lines[2].contains("   host      host      local"), "{ls}");
        assert!(lines[3].contains("   none      null      local"), "{ls}");
        assert_eq!(
            world.engine.networks["bridge"].subnet.unwrap().text(),
            "172.17.0.0/16"
        );
    }

    #[test]
    fn user_networks_take_the_default_pools_in_order() {
        let mut world = World::new(1);
        create(&mut world, "front", false, false, None, BTreeMap::new()).unwrap();
        create(&mut world, "back", true, false, None, BTreeMap::new()).unwrap();
        let front = world.engine.networks["front"].subnet.unwrap();
        let back = world.engine.networks["back"].subnet.unwrap();
        assert_eq!(front.text(), "172.18.0.0/16");
        assert_eq!(front.gateway(), "172.18.0.1");
        assert_eq!(back.text(), "172.19.0.0/16");
        assert_eq!(world.engine.networks["front"].id.len(), 64);
    }

    #[test]
    fn a_duplicate_name_or_an_overlapping_subnet_is_refused() {
        let mut world = World::new(1);
        create(&mut world, "front", false, false, None, BTreeMap::new()).unwrap();
        let e = create(&mut world, "front", false, false, None, BTreeMap::new()).unwrap_err();
        assert_eq!(
            e.message,
            "Error response from daemon: network with name front already exists"
        );
        let e = create(
            &mut world,
            "other",
            false,
            false,
            Some("172.18.5.0/24"),
            BTreeMap::new(),
        )
        .unwrap_err();
        assert!(e.message.contains("Pool overlaps"), "{}", e.message);
        let e = create(
            &mut world,
            "odd",
            false,
            false,
            Some("10.1.2.3/16"),
            BTreeMap::new(),
        )
        .unwrap_err();
        assert!(
            e.message.contains("it should be 10.1.0.0/16"),
            "{}",
            e.message
        );
        create(
            &mut world,
            "mine",
            false,
            false,
            Some("10.10.0.0/24"),
            BTreeMap::new(),
        )
        .unwrap();
    }

    #[test]
    fn predefined_networks_cannot_be_removed_and_missing_ones_are_not_found() {
        let mut world = World::new(1);
        assert_eq!(
            rm(&mut world, "bridge").unwrap_err().message,
            "Error response from daemon: bridge is a pre-defined network and cannot be removed"
        );
        assert_eq!(
            rm(&mut world, "nope").unwrap_err().message,
            "Error response from daemon: network nope not found"
        );
    }

    #[test]
    fn aliases_need_a_user_defined_network() {
        let world = World::new(1);
        let e = endpoints_for_create(&world, &[], &["db".to_string()]).unwrap_err();
        assert!(
            e.message
                .contains("only for containers in user defined networks")
        );
    }
}
