//! Networks of a swarm: overlay networks that span the nodes, the `ingress` network of the
//! routing mesh, and the addresses services and tasks get on them.
//!
//! Real Docker (moby `daemon/cluster/networks.go`, `daemon/cluster/services.go`, SwarmKit
//! `manager/allocator`, libnetwork `drivers/overlay`): `docker network create -d overlay NAME`
//! on a manager writes a swarm-scoped network into the Raft store; every node sees it and
//! extends it (a VXLAN tunnel, UDP 4789, between the nodes that run a task on it). `docker
//! swarm init` makes the `ingress` overlay for the routing mesh. A service attaches to
//! swarm-scoped networks only: a local bridge is refused (`The network NAME cannot be used with
//! services. Only networks scoped to the swarm can be used, such as those created with the
//! overlay driver.`), an unknown name is `network NAME not found`. SwarmKit's allocator gives a
//! VIP-mode service one virtual IP per network (and one on `ingress` when it publishes ingress
//! ports), and each task one address per network, before the scheduler sees it; a task's
//! address is freed when it ends. `docker network ls` on a manager lists the swarm networks
//! with SCOPE `swarm`; `docker network rm` refuses a network a service still uses.
//!
//! Here: the same store (`Overlay` in the swarm), `docker network create|ls|inspect|rm` for
//! swarm networks (`create` and `ls` read the engine CLI's own command lines,
//! `docker::cli::NETWORK_CREATE`/`NETWORK_LS`, so a line gets one answer; `docker stack deploy`
//! calls [`create`] with a [`CreateNetwork`]), the allocator ([`allocate`], run after every live step) and the service
//! hooks. Simplified: subnets are /24s taken in order from 10.0.1.0 (ingress is 10.255.0.0/16,
//! the default it had for years, so it never looks like the lab's own 10.0.0.x addresses);
//! addresses are the lowest free host numbers; `--attachable` is recorded but standalone
//! `docker run --network` on an overlay is not simulated; no encryption: `--opt`, `--gateway`,
//! `--ip-range` and `--ipv6` on an overlay are refused by name.

/// The store's state types (a leaf), in src/sim/swarm/overlay/model.rs.
pub mod model;

pub use model::{INGRESS, INGRESS_SUBNET, Overlay, SwarmNetwork, VXLAN_PORT};

use super::cluster::Role;
use super::service::{EndpointMode, PublishMode, Service};
use super::task::Task;
use crate::sim::docker::error::DockerError;
use crate::sim::docker::network::Subnet;
use crate::sim::docker::output::tabwrite;
use crate::sim::order::CollectOrdered;
use crate::sim::{Record, World};
use serde_json::json;
use std::collections::BTreeMap;

fn ip_text(ip: u32) -> String {
    let [a, b, c, d] = ip.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

/// A stable 25-character base-36 ID made from `seed` (the ingress network's, from the
/// cluster's ID, so it needs no randomness).
/// The length of a derived network ID (SwarmKit's IDs are 25 base-36 characters).
const INGRESS_ID_LEN: usize = 25;

fn derived_id(seed: &str) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    (0..INGRESS_ID_LEN)
        .map(|i| {
            for b in seed.bytes().chain([i as u8]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            DIGITS[(h % 36) as usize] as char
        })
        .collect()
}

/// The `ingress` network, once the swarm exists.
pub fn ingress(world: &World) -> Option<SwarmNetwork> {
    world.swarm.active().then(|| SwarmNetwork {
        id: derived_id(&format!("ingress/{}", world.swarm.cluster_id)),
        name: INGRESS.to_string(),
        subnet: INGRESS_SUBNET,
        attachable: false,
        internal: false,
        ingress: true,
        labels: BTreeMap::new(),
        created_ms: world.swarm.created_ms,
    })
}

/// Every swarm network: `ingress` first, then the created ones by name.
pub fn networks(world: &World) -> Vec<SwarmNetwork> {
    ingress(world)
        .into_iter()
        .chain(world.swarm.overlay.networks.values().cloned())
        .collect()
}

/// A swarm network by name, full ID or unique ID prefix.
pub fn find(world: &World, reference: &str) -> Option<SwarmNetwork> {
    // A name is the common case, on the data path of every request through the mesh or Traefik:
    // answer it without deriving ingress's ID and cloning every network. Same answer as below:
    // `ingress` comes first, and only a 25-character reference can be its ID.
    let active = world.swarm.active();
    if active && reference == INGRESS {
        return ingress(world);
    }
    if reference.len() != INGRESS_ID_LEN
        && let Some(n) = world
            .swarm
            .overlay
            .networks
            .values()
            .find(|n| n.name == reference || n.id == reference)
    {
        return Some(n.clone());
    }
    let all = networks(world);
    if let Some(n) = all
        .iter()
        .find(|n| n.name == reference || n.id == reference)
    {
        return Some(n.clone());
    }
    let prefixed: Vec<&SwarmNetwork> = all
        .iter()
        .filter(|n| !reference.is_empty() && n.id.starts_with(reference))
        .collect();
    (prefixed.len() == 1).then(|| prefixed[0].clone())
}

/// The daemon refuses a service on a network that is not swarm-scoped (moby
/// `daemon/cluster/services.go` `populateNetworkID`): a local network gets the "cannot be used
/// with services" error, an unknown one `network NAME not found` (`daemon/cluster/helpers.go`).
pub fn check_networks(world: &World, names: &[String]) -> Result<(), DockerError> {
    for name in names {
        if find(world, name).is_some() {
            continue;
        }
        if let Some(local) = crate::sim::docker::network::find(world, name) {
            return Err(DockerError::daemon(format!(
                "The network {} cannot be used with services. Only networks scoped to the swarm can be used, such as those created with the overlay driver.",
                local.name
            )));
        }
        return Err(DockerError::daemon(format!("network {name} not found")));
    }
    Ok(())
}

/// Narrates why the daemon refused a network for a service (bridge vs overlay).
pub fn explain_refusal(error: &DockerError, rec: &mut Record) {
    if error.message.contains("cannot be used with services") {
        rec.say("A bridge network lives on one host: it is a Linux bridge inside that machine, and the other nodes have no such network and no cable to it. A service's tasks may be scheduled on any node, so the swarm only accepts networks it spans itself: `docker network create -d overlay NAME` makes one, carried between nodes in VXLAN (UDP 4789).");
    } else if error.message.ends_with("not found") && error.message.contains("network ") {
        rec.say("The managers know no swarm network by that name: create it first with `docker network create -d overlay NAME` (`docker service create` never creates networks).");
    }
}

/// Whether the service publishes a port through the routing mesh.
pub fn uses_ingress(svc: &Service) -> bool {
    svc.spec.endpoint_mode == EndpointMode::Vip
        && svc
            .endpoint_ports
            .iter()
            .any(|p| p.mode == PublishMode::Ingress)
}

/// The swarm networks a task is attached to (by name): `ingress` when its service publishes
/// through the mesh, then its template's networks.
pub fn task_networks(world: &World, task: &Task) -> Vec<String> {
    let Some(svc) = world.swarm.services.get(&task.service_id) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if uses_ingress(svc) {
        out.push(INGRESS.to_string());
    }
    for n in &svc.template_of(task.spec_version).networks {
        let name = find(world, n).map(|n| n.name).unwrap_or_else(|| n.clone());
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The address `owner` (a service's VIP or a task) has on `network`, if allocated.
pub fn addr(world: &World, network: &str, owner: &str) -> Option<String> {
    let host = world
        .swarm
        .overlay
        .addrs
        .get(&(network.to_string(), owner.to_string()))?;
    // `ingress` has a fixed subnet: no need to build it (this runs for every request).
    let subnet = if network == INGRESS && world.swarm.active() {
        INGRESS_SUBNET
    } else {
        find(world, network)?.subnet
    };
    Some(ip_text(subnet.base + host))
}

/// Takes the lowest free host number (2 and up: .1 is the network's gateway).
fn take(world: &mut World, network: &str, owner: &str) {
    let key = (network.to_string(), owner.to_string());
    if world.swarm.overlay.addrs.contains_key(&key) {
        return;
    }
    let used: std::collections::BTreeSet<u32> = world
        .swarm
        .overlay
        .addrs
        .iter()
        .filter(|((n, _), _)| n == network)
        .map(|(_, h)| *h)
        .collect_set();
    let host = (2u32..).find(|h| !used.contains(h)).unwrap_or(2);
    world.swarm.overlay.addrs.insert(key, host);
}

/// The allocator: every live task has one address per network it is attached to; a task that
/// ended (or is gone) gives its addresses back. Runs after every live step.
pub fn allocate(world: &mut World) {
    if !world.swarm.active() {
        if !world.swarm.overlay.addrs.is_empty() {
            world.swarm.overlay.addrs.clear();
        }
        return;
    }
    let mut wanted: Vec<(String, String)> = Vec::new();
    for t in &world.swarm.tasks {
        if t.state.is_terminal() && !t.container_up {
            continue;
        }
        for n in task_networks(world, t) {
            wanted.push((n, t.id.clone()));
        }
    }
    let services: std::collections::BTreeSet<&str> = world
        .swarm
        .services
        .keys()
        .map(String::as_str)
        .collect_set();
    let stale: Vec<(String, String)> = world
        .swarm
        .overlay
        .addrs
        .keys()
        .filter(|k| !services.contains(k.1.as_str()) && !wanted.contains(k))
        .cloned()
        .collect();
    for k in stale {
        world.swarm.overlay.addrs.remove(&k);
    }
    for (n, owner) in wanted {
        take(world, &n, &owner);
    }
}

/// A service was created or its spec changed: (re)allocate its virtual IPs, one per network
/// in VIP mode (ingress included when it publishes through the mesh), none in dnsrr mode.
pub fn on_service_changed(world: &mut World, service_id: &str) {
    let Some(svc) = world.swarm.services.get(service_id) else {
        return;
    };
    let mut wanted: Vec<String> = Vec::new();
    if svc.spec.endpoint_mode == EndpointMode::Vip {
        if uses_ingress(svc) {
            wanted.push(INGRESS.to_string());
        }
        for n in &svc.spec.template.networks {
            if let Some(net) = find(world, n)
                && !wanted.contains(&net.name)
            {
                wanted.push(net.name);
            }
        }
    }
    let stale: Vec<(String, String)> = world
        .swarm
        .overlay
        .addrs
        .keys()
        .filter(|(n, o)| o == service_id && !wanted.contains(n))
        .cloned()
        .collect();
    for k in stale {
        world.swarm.overlay.addrs.remove(&k);
    }
    let mut vips = Vec::new();
    for n in &wanted {
        take(world, n, service_id);
        let prefix = find(world, n).map(|s| s.subnet.prefix).unwrap_or(24);
        if let Some(a) = addr(world, n, service_id) {
            vips.push((n.clone(), format!("{a}/{prefix}")));
        }
    }
    if let Some(svc) = world.swarm.services.get_mut(service_id) {
        svc.virtual_ips = vips;
    }
}

/// A service was removed: free its virtual IPs (its tasks' addresses go when they end).
pub fn on_service_removed(world: &mut World, service_id: &str) {
    world
        .swarm
        .overlay
        .addrs
        .retain(|(_, o), _| o != service_id);
    world
        .swarm
        .overlay
        .rr
        .retain(|k, _| !k.ends_with(&format!("/{service_id}")));
}

// ---------------------------------------------------------------------------------------------
// `docker network …` for swarm networks

/// Handles `docker network …` when it concerns the swarm (an overlay create, `ls` on a
/// manager, `rm`/`inspect` of a swarm network); `None` leaves it to the local engine
/// (src/sim/docker/netcmd/mod.rs).
pub fn network_command(
    world: &mut World,
    args: &[String],
    rec: &mut Record,
) -> Option<Result<(), DockerError>> {
    if !world.swarm.active() || args.first().map(String::as_str) != Some("network") {
        return None;
    }
    let words: Vec<&str> = args[1..].iter().map(String::as_str).collect();
    let local = world.here().to_string();
    match words.as_slice() {
        // The engine's own `docker network create` command line (src/sim/docker/cli.rs), so a
        // mistake gets the same answer here and there: a line that does not parse, or names
        // another driver, is left to the engine's CLI.
        ["create", ..] => {
            let p = crate::sim::docker::cli::NETWORK_CREATE
                .parse(&args[2..])
                .ok()?;
            let request = CreateNetwork {
                name: p.args[0].clone(),
                driver: p.string("driver").unwrap_or_default(),
                attachable: p.bool("attachable"),
                internal: p.bool("internal"),
                subnet: p.string("subnet"),
                labels: p.values("label"),
            };
            if request.driver != "overlay" {
                return None;
            }
            // Flags the engine's bridge model reads but the swarm's store does not keep.
            if let Some(long) = ["opt", "gateway", "ip-range", "ipv6"]
                .into_iter()
                .find(|l| p.has(l))
            {
                let refusal = crate::sim::docker::cli::NETWORK_CREATE.refuse(&format!("--{long}"));
                return Some(Err(refusal));
            }
            Some(create(world, &local, request, rec))
        }
        ["ls" | "list", ..] => {
            let p = crate::sim::docker::cli::NETWORK_LS.parse(&args[2..]).ok()?;
            if p.flags.iter().any(|(long, _)| *long != "quiet") {
                return None;
            }
            world.swarm.node_of(&local)?;
            rec.out(ls(world, &local, p.bool("quiet")));
            Some(Ok(()))
        }
        ["rm" | "remove", names @ ..]
            if !names.is_empty() && names.iter().all(|n| find(world, n).is_some()) =>
        {
            Some(rm(world, &local, names, rec))
        }
        ["inspect", "docker_gwbridge"] => {
            world.swarm.node_of(&local)?;
            rec.out(crate::sim::docker::output::inspect_text(&[gwbridge_json(
                world, &local,
            )]));
            rec.say("docker_gwbridge is a local bridge on every swarm node: it connects the node's task containers (and the ingress sandbox) to the node itself, for traffic that leaves the overlays.");
            Some(Ok(()))
        }
        ["inspect", names @ ..]
            if !names.is_empty() && names.iter().all(|n| find(world, n).is_some()) =>
        {
            let values: Vec<serde_json::Value> = names
                .iter()
                .filter_map(|n| find(world, n))
                .map(|n| inspect_json(world, &n))
                .collect();
            rec.out(crate::sim::docker::output::inspect_text(&values));
            rec.say("A swarm network has the same subnet on every node; each task gets its own address in it, and the service a virtual IP.");
            Some(Ok(()))
        }
        _ => None,
    }
}

/// What `docker network create` asks the swarm for (moby `NetworkCreateRequest`).
#[derive(Clone, Debug, Default)]
pub struct CreateNetwork {
    pub name: String,
    pub driver: String,
    pub attachable: bool,
    pub internal: bool,
    pub subnet: Option<String>,
    /// `KEY=VALUE` as typed.
    pub labels: Vec<String>,
}

/// `docker network create -d overlay NAME` on `host`.
pub fn create(
    world: &mut World,
    host: &str,
    f: CreateNetwork,
    rec: &mut Record,
) -> Result<(), DockerError> {
    match world.swarm.node_of(host) {
        // moby `daemon/network.go`: a worker cannot create a swarm network.
        Some(n) if n.role == Role::Worker => {
            return Err(DockerError::daemon(
                "Cannot create a multi-host network from a worker node. Please create the network from a manager node.",
            ));
        }
        _ => super::cli::require_manager(world, host)?,
    }
    if find(world, &f.name).is_some() || world.engine.networks.contains_key(&f.name) {
        // moby `daemon/network.go`: libnetwork.NetworkNameError.
        return Err(DockerError::daemon(format!(
            "network with name {} already exists",
            f.name
        )));
    }
    let taken: Vec<Subnet> = networks(world).iter().map(|n| n.subnet).collect();
    let subnet = match &f.subnet {
        Some(text) => {
            let s = Subnet::parse(text).map_err(DockerError::daemon)?;
            if taken
                .iter()
                .any(|t| t.contains(&ip_text(s.base)) || s.contains(&ip_text(t.base)))
            {
                return Err(DockerError::daemon(
                    "rpc error: code = InvalidArgument desc = invalid pool request: Pool overlaps with other one on this address space",
                ));
            }
            s
        }
        None => (1u32..255)
            .map(|n| Subnet {
                base: 0x0a00_0000 | (n << 8),
                prefix: 24,
            })
            .find(|s| !taken.iter().any(|t| t.contains(&ip_text(s.base))))
            .unwrap_or(Subnet {
                base: 0x0a00_ff00,
                prefix: 24,
            }),
    };
    let id = super::cluster::base36(&mut world.rng, 25);
    let labels = crate::sim::docker::cli::parse_labels(&f.labels);
    let name = f.name.clone();
    world.swarm.overlay.networks.insert(
        name.clone(),
        SwarmNetwork {
            id: id.clone(),
            name: name.clone(),
            subnet,
            attachable: f.attachable,
            internal: f.internal,
            ingress: false,
            labels,
            created_ms: world.now_ms,
        },
    );
    rec.out(id);
    rec.touch(format!("network:{name}"));
    rec.title = format!("overlay network {name} created");
    rec.say(format!(
        "The leader writes {name} into the swarm's store: one subnet, {}, for the whole cluster. Every node sees it, but a node only builds it (a VXLAN tunnel to the others, UDP {VXLAN_PORT}) when it runs a task attached to it.",
        subnet.text()
    ));
    rec.say(format!(
        "Unlike a bridge network, which exists on one host only, {name} spans the nodes: a task on node-1 and a task on node-3 attached to it talk as if on one switch, and find each other by service name."
    ));
    if f.attachable {
        rec.say("--attachable: standalone containers (docker run --network) may join it too, not just services.");
    }
    Ok(())
}

/// `docker network ls` on a manager: the engine's local networks and the swarm's, by name.
/// `docker network ls` on swarm node `host`: its engine's local networks plus
/// `docker_gwbridge` (which connects its task containers to the host), and the swarm networks
/// it knows: all of them on a manager; on a worker `ingress` and the overlays its tasks use
/// (a worker learns of an overlay network only when a task there needs it).
pub fn ls(world: &World, host: &str, quiet: bool) -> String {
    let manager = world
        .swarm
        .node_of(host)
        .is_some_and(|n| n.role == Role::Manager);
    let node_id = world.swarm.node_of(host).map(|n| n.id.clone());
    let used_here: Vec<String> = world
        .swarm
        .tasks
        .iter()
        .filter(|t| t.node_id == node_id && !t.state.is_terminal())
        .flat_map(|t| task_networks(world, t))
        .collect();
    let gwbridge_id = crate::sim::docker::image::content_digest(&format!("{host}/docker_gwbridge"));
    let mut rows: Vec<(String, String, String, &str)> = vec![(
        "docker_gwbridge".to_string(),
        gwbridge_id[..12].to_string(),
        "bridge".to_string(),
        "local",
    )];
    rows.extend(world.engine.networks.values().map(|n| {
        (
            n.name.clone(),
            n.short_id().to_string(),
            n.driver.clone(),
            "local",
        )
    }));
    for n in networks(world)
        .into_iter()
        .filter(|n| manager || n.ingress || used_here.contains(&n.name))
    {
        rows.push((
            n.name.clone(),
            n.id[..12].to_string(),
            "overlay".into(),
            "swarm",
        ));
    }
    crate::sim::order::sort(&mut rows);
    if quiet {
        return rows
            .iter()
            .map(|r| r.1.clone())
            .collect::<Vec<_>>()
            .join("\n");
    }
    let mut table = vec![vec![
        "NETWORK ID".to_string(),
        "NAME".into(),
        "DRIVER".into(),
        "SCOPE".into(),
    ]];
    for (name, id, driver, scope) in rows {
        table.push(vec![id, name, driver, scope.to_string()]);
    }
    tabwrite(&table)
}

/// `docker network rm` of swarm networks.
fn rm(world: &mut World, host: &str, names: &[&str], rec: &mut Record) -> Result<(), DockerError> {
    super::cli::require_manager(world, host)?;
    let mut errors = Vec::new();
    for reference in names {
        let Some(n) = find(world, reference) else {
            errors.push(format!(
                "Error response from daemon: network {reference} not found"
            ));
            continue;
        };
        let user = world.swarm.services.values().find(|s| {
            if n.ingress {
                uses_ingress(s)
            } else {
                s.spec
                    .template
                    .networks
                    .iter()
                    .any(|x| x == &n.name || x == &n.id)
            }
        });
        if let Some(svc) = user {
            errors.push(if n.ingress {
                // moby `daemon/cluster/networks.go` RemoveNetwork.
                format!(
                    "Error response from daemon: ingress network cannot be removed because service {} depends on it",
                    svc.id
                )
            } else {
                // SwarmKit controlapi `RemoveNetwork`.
                format!(
                    "Error response from daemon: rpc error: code = FailedPrecondition desc = network {} is in use by service {}",
                    n.id, svc.id
                )
            });
            continue;
        }
        if n.ingress {
            errors.push("dockyard: removing the ingress network (docker asks for confirmation first) is not simulated".to_string());
            continue;
        }
        world.swarm.overlay.networks.remove(&n.name);
        rec.out(reference.to_string());
        rec.say(format!(
            "The swarm network {} is deleted from the store; its subnet is free again.",
            n.name
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else if errors.len() == names.len() {
        Err(DockerError::new(errors.join("\n"), 1))
    } else {
        for e in errors {
            rec.err(e);
        }
        rec.error = true;
        Ok(())
    }
}

/// `docker network inspect docker_gwbridge` on swarm node `host`: the local bridge (172.18.0.0/16,
/// no inter-container traffic, masquerading on) with the ingress sandbox and each task container
/// that publishes or joins an overlay (`gateway_<id>` endpoints).
fn gwbridge_json(world: &World, host: &str) -> serde_json::Value {
    let id = crate::sim::docker::image::content_digest(&format!("{host}/docker_gwbridge"));
    let node_id = world.swarm.node_of(host).map(|x| x.id.clone());
    let mut containers = serde_json::Map::new();
    let mut next = 2u32;
    let mut endpoint =
        |key: String, name: String, containers: &mut serde_json::Map<String, serde_json::Value>| {
            let ip = format!("172.18.0.{next}");
            next += 1;
            containers.insert(
            key.clone(),
            json!({
                "Name": name,
                "EndpointID": crate::sim::docker::image::content_digest(&format!("{host}/gw/{key}")),
                "MacAddress": mac_of(&ip),
                "IPv4Address": format!("{ip}/16"),
                "IPv6Address": "",
            }),
        );
        };
    if ingress(world).is_some() {
        endpoint(
            "ingress-sbox".into(),
            "gateway_ingress-sbox".into(),
            &mut containers,
        );
    }
    for t in world
        .swarm
        .tasks
        .iter()
        .filter(|t| t.node_id == node_id && t.container_up)
    {
        if let Some(c) = super::agent::task_container(world, t) {
            endpoint(
                c.id.0.clone(),
                format!("gateway_{}", c.id.short()),
                &mut containers,
            );
        }
    }
    json!({
        "Name": "docker_gwbridge",
        "Id": id,
        "Scope": "local",
        "Driver": "bridge",
        "EnableIPv6": false,
        "IPAM": {"Driver": "default", "Options": null,
                 "Config": [{"Subnet": "172.18.0.0/16", "Gateway": "172.18.0.1"}]},
        "Internal": false,
        "Attachable": false,
        "Ingress": false,
        "ConfigOnly": false,
        "Containers": containers,
        "Options": {
            "com.docker.network.bridge.enable_icc": "false",
            "com.docker.network.bridge.enable_ip_masquerade": "true",
            "com.docker.network.bridge.name": "docker_gwbridge"
        },
        "Labels": {},
    })
}

/// Docker's MAC for an address: `02:42` and the four bytes of the IPv4 address.
fn mac_of(ip: &str) -> String {
    let bytes: Vec<String> = ip
        .split('.')
        .map(|b| format!("{:02x}", b.parse::<u8>().unwrap_or(0)))
        .collect();
    format!("02:42:{}", bytes.join(":"))
}

/// The API's network object for a swarm network (`docker network inspect` on a node).
pub fn inspect_json(world: &World, n: &SwarmNetwork) -> serde_json::Value {
    let gateway = ip_text(n.subnet.base + 1);
    // The endpoints on the machine asking: its task containers on this network, and the
    // network's load-balancer endpoint there (`lb-NAME`, `ingress-endpoint` on ingress).
    let subnet = n.subnet.text();
    let prefix = subnet.rsplit('/').next().unwrap_or("24").to_string();
    let here = world.here().to_string();
    let node_id = world.swarm.node_of(&here).map(|x| x.id.clone());
    let mut containers = serde_json::Map::new();
    for t in world
        .swarm
        .tasks
        .iter()
        .filter(|t| t.node_id == node_id && t.container_up)
    {
        let (Some(c), Some(ip)) = (
            super::agent::task_container(world, t),
            addr(world, &n.name, &t.id),
        ) else {
            continue;
        };
        containers.insert(
            c.id.0.clone(),
            json!({
                "Name": c.name,
                "EndpointID": crate::sim::docker::image::content_digest(&format!("{}/{}", n.id, t.id)),
                "MacAddress": mac_of(&ip),
                "IPv4Address": format!("{ip}/{prefix}"),
                "IPv6Address": "",
            }),
        );
    }
    if !containers.is_empty() {
        let (key, name) = if n.ingress {
            ("ingress-sbox".to_string(), "ingress-endpoint".to_string())
        } else {
            (format!("lb-{}", n.name), format!("{}-endpoint", n.name))
        };
        let lb_ip = ip_text(n.subnet.base + 254);
        containers.insert(
            key,
            json!({
                "Name": name,
                "EndpointID": crate::sim::docker::image::content_digest(&format!("{}/lb/{here}", n.id)),
                "MacAddress": mac_of(&lb_ip),
                "IPv4Address": format!("{lb_ip}/{prefix}"),
                "IPv6Address": "",
            }),
        );
    }
    json!({
        "Name": n.name,
        "Id": n.id,
        "Created": crate::sim::time::rfc3339(n.created_ms),
        "Scope": "swarm",
        "Driver": "overlay",
        "EnableIPv6": false,
        "IPAM": {"Driver": "default", "Options": null,
                 "Config": [{"Subnet": n.subnet.text(), "Gateway": gateway}]},
        "Internal": n.internal,
        "Attachable": n.attachable,
        "Ingress": n.ingress,
        "ConfigOnly": false,
        "Containers": if containers.is_empty() { serde_json::Value::Null } else { serde_json::Value::Object(containers) },
        "Options": {"com.docker.network.driver.overlay.vxlanid_list": (4096 + world.swarm.overlay.networks.keys().position(|k| *k == n.name).map_or(0, |p| p + 1)).to_string()},
        "Labels": n.labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab() -> World {
        let mut w = World::new(3);
        crate::sim::swarm::setup::form(&mut w, 1, 2);
        w
    }

    fn run(w: &mut World, line: &str) -> crate::sim::Record {
        crate::sim::testkit::type_line(w, line)
    }

    #[test]
    fn overlay_networks_are_swarm_scoped_and_listed_with_ingress() {
        let mut w = lab();
        let r = run(&mut w, "docker network create -d overlay appnet");
        assert!(!r.error, "{r:?}");
        assert_eq!(
            w.swarm.overlay.networks["appnet"].subnet.text(),
            "10.0.1.0/24"
        );
        let r = run(
            &mut w,
            "docker network create --driver=overlay --attachable backnet",
        );
        assert!(!r.error);
        assert_eq!(
            w.swarm.overlay.networks["backnet"].subnet.text(),
            "10.0.2.0/24"
        );
        let r = run(&mut w, "docker network ls");
        let out = r.terminal_text();
        assert!(out.contains("ingress") && out.contains("swarm"), "{out}");
        let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with("$ ")).collect();
        assert!(lines[0].starts_with("NETWORK ID"), "{out}");
        assert!(lines[1].contains("appnet") && lines.iter().any(|l| l.contains("bridge")));
        let r = run(&mut w, "docker network create -d overlay appnet");
        assert!(r.error);
        assert!(
            r.terminal_text()
                .contains("network with name appnet already exists")
        );
    }

    #[test]
    fn services_refuse_bridges_and_unknown_networks() {
        let mut w = lab();
        run(&mut w, "docker network create mybridge");
        let r = run(
            &mut w,
            "docker service create -d --name web --network mybridge nginx",
        );
        assert!(r.error);
        assert!(r.terminal_text().contains("Error response from daemon: The network mybridge cannot be used with services. Only networks scoped to the swarm can be used, such as those created with the overlay driver."), "{}", r.terminal_text());
        let r = run(
            &mut w,
            "docker service create -d --name web --network nope nginx",
        );
        assert!(
            r.terminal_text()
                .contains("Error response from daemon: network nope not found")
        );
        assert!(w.swarm.services.is_empty());
    }

    #[test]
    fn vips_per_network_and_task_addresses() {
        let mut w = lab();
        run(&mut w, "docker network create -d overlay appnet");
        let r = run(
            &mut w,
            "docker service create -d --name web --replicas 2 --network appnet -p 8080:80 nginx",
        );
        assert!(!r.error, "{r:?}");
        let svc = w.swarm.services.values().next().unwrap().clone();
        assert_eq!(
            svc.virtual_ips,
            vec![
                ("ingress".to_string(), "10.255.0.2/16".to_string()),
                ("appnet".to_string(), "10.0.1.2/24".to_string())
            ]
        );
        while crate::sim::step(&mut w).is_some() {}
        let mut ips: Vec<String> = w
            .swarm
            .tasks
            .iter()
            .filter_map(|t| addr(&w, "appnet", &t.id))
            .collect();
        crate::sim::order::sort(&mut ips);
        assert_eq!(ips, vec!["10.0.1.3", "10.0.1.4"]);
        // In use: refused; after the service goes, removed.
        let r = run(&mut w, "docker network rm appnet");
        assert!(r.terminal_text().contains("is in use by service"));
        run(&mut w, "docker service rm web");
        while crate::sim::step(&mut w).is_some() {}
        assert!(
            w.swarm.overlay.addrs.is_empty(),
            "{:?}",
            w.swarm.overlay.addrs
        );
        let r = run(&mut w, "docker network rm appnet");
        assert!(!r.error, "{r:?}");
        assert!(w.swarm.overlay.networks.is_empty());
    }

    #[test]
    fn dnsrr_services_have_no_vip() {
        let mut w = lab();
        run(&mut w, "docker network create -d overlay appnet");
        run(
            &mut w,
            "docker service create -d --name db --endpoint-mode dnsrr --network appnet nginx",
        );
        assert!(
            w.swarm
                .services
                .values()
                .next()
                .unwrap()
                .virtual_ips
                .is_empty()
        );
    }

    #[test]
    fn ingress_id_is_stable() {
        assert_eq!(derived_id("x"), derived_id("x"));
        assert_ne!(derived_id("x"), derived_id("y"));
        assert_eq!(derived_id("x").len(), 25);
    }
}
