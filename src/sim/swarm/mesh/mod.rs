//! Service discovery and the routing mesh, as pure decisions over the swarm's state.
//!
//! Real Docker (libnetwork `service_common.go`, `resolver.go`, `ipvs`, docs "Manage swarm
//! service networks" and "Use swarm mode routing mesh"): every task on an overlay network asks
//! the embedded DNS server (127.0.0.11) for names. `SERVICE` answers the service's virtual IP on
//! that network (VIP mode) or every running task's address (`--endpoint-mode dnsrr`);
//! `tasks.SERVICE` always answers every task's address. A name is only known on the networks
//! the service is attached to. A VIP is load-balanced by IPVS in the caller's network namespace,
//! round robin over the tasks. A port published in `ingress` mode is open on every node of the
//! swarm: the node that receives the connection sends it through the `ingress` overlay (VXLAN,
//! UDP 4789) to a task on any node, again by IPVS round robin; `mode=host` binds the port only
//! on the nodes that run a task, and the request goes straight to that task.
//!
//! Here: [`resolve`] and [`request`] decide, from the store and the machines, what a lookup
//! answers and what becomes of a request (answered by which task, or failed and why). They
//! change nothing: the round-robin position is read from the world and the caller advances it
//! ([`advance`]). Simplified: IPVS only lists tasks that are `running`, whose container is up
//! and that the manager still wants running (Docker takes a task out of the load balancer
//! before stopping it); every node shares the store's view at once (no gossip delay); TCP
//! only; a dead or cut-off destination fails at once instead of after curl's timeouts.

pub mod model;

pub use model::{Answer, Client, Failure, Route, Trace};

use super::overlay;
use super::service::{EndpointMode, PublishMode, Service};
use super::task::{Task, TaskState};
use crate::sim::World;

/// The short ID of a task's container (its hostname), from its node's engine.
pub fn container_id(world: &World, task: &Task) -> String {
    super::agent::task_container(world, task)
        .map(|c| c.id.short().to_string())
        .unwrap_or_default()
}

fn host_of(world: &World, task: &Task) -> Option<String> {
    let id = task.node_id.as_ref()?;
    world.swarm.nodes.get(id).map(|n| n.hostname.clone())
}

/// The tasks IPVS sends to: running, container up, still wanted; in slot order.
pub fn backends<'a>(world: &'a World, service_id: &str) -> Vec<&'a Task> {
    let mut out: Vec<&Task> = world
        .swarm
        .tasks
        .iter()
        .filter(|t| {
            t.service_id == service_id
                && t.state == TaskState::Running
                && t.container_up
                && t.desired_state == TaskState::Running
        })
        .collect();
    crate::sim::order::sort_by(&mut out, |a, b| {
        (a.slot, &a.node_id, &a.id).cmp(&(b.slot, &b.node_id, &b.id))
    });
    out
}

/// The machine a URL's host names, from the client's point of view.
fn machine_named(world: &World, client: &Client, host: &str) -> Option<String> {
    if matches!(host, "localhost" | "127.0.0.1")
        && let Client::Machine(m) = client
    {
        return Some(m.clone());
    }
    world
        .swarm
        .machines
        .values()
        .find(|m| m.hostname == host || m.addr == host)
        .map(|m| m.hostname.clone())
}

/// Whether a lab machine answers to `host` (so `curl` should ask the swarm).
pub fn is_lab_host(world: &World, host: &str) -> bool {
    world.swarm.active()
        && world
            .swarm
            .machines
            .values()
            .any(|m| m.hostname == host || m.addr == host)
}

/// The service publishing `port`, if any, and how.
pub fn publisher(world: &World, port: u16) -> Option<(&Service, PublishMode, u16)> {
    world.swarm.services.values().find_map(|s| {
        s.endpoint_ports
            .iter()
            .find(|p| p.published_port == port && p.protocol == "tcp")
            .map(|p| (s, p.mode, p.target_port))
    })
}

/// What the task's program answers on `port`, if it listens there: the container on its node
/// runs it (src/sim/swarm/agent.rs).
fn answer_body(world: &World, task: &Task, port: u16) -> Option<String> {
    let c = super::agent::task_container(world, task)?;
    // A Traefik listens on each of its entrypoints; what it answers depends on the request
    // (src/sim/traefik/proxy.rs), so the caller asks it.
    let traefik = host_of(world, task).and_then(|h| {
        crate::sim::traefik::proxy::instance(world, &h, &c.id)
            .and_then(|i| crate::sim::traefik::proxy::entry_point_on(i, port))
    });
    if traefik.is_some() && c.listening {
        return Some(String::new());
    }
    let serves = c.program.as_ref()?.serves.as_ref()?;
    (serves.port == port && c.listening).then(|| crate::sim::docker::apps::body_of(c, serves))
}

/// Can the client's packets reach machine `target`?
fn client_reaches(world: &World, client: &Client, target: &str) -> Result<(), Failure> {
    let Some(m) = world.swarm.machines.get(target) else {
        return Err(Failure::UnknownHost(target.to_string()));
    };
    if let Client::Machine(c) = client
        && !world.swarm.machines.get(c).is_some_and(|m| m.up)
    {
        return Err(Failure::ClientDown(c.clone()));
    }
    if !m.engine_running() {
        return Err(Failure::NodeOff(target.to_string()));
    }
    let net = super::control::reachable(world);
    let reachable = match client {
        // Outside clients sit on the learner's side of the network (with the local machine).
        Client::Outside => target == world.here() || net(world.here(), target),
        Client::Machine(c) => net(c, target),
    };
    if reachable {
        Ok(())
    } else {
        Err(Failure::Partitioned(target.to_string()))
    }
}

/// What becomes of a TCP request from `client` to `host:port`, right now.
pub fn request(world: &World, client: &Client, host: &str, port: u16) -> Route {
    let fail = |f: Failure| Route {
        outcome: Err(f),
        rr_key: None,
        period: 1,
    };
    let Some(entry) = machine_named(world, client, host) else {
        return fail(Failure::UnknownHost(host.to_string()));
    };
    if let Err(f) = client_reaches(world, client, &entry) {
        return fail(f);
    }
    let in_swarm = world.swarm.node_of(&entry).is_some();
    let Some((svc, mode, target_port)) = publisher(world, port).filter(|_| in_swarm) else {
        return fail(Failure::NotPublished { host: entry, port });
    };
    let all = backends(world, &svc.id);
    let (task, rr_key) = match mode {
        PublishMode::Host => {
            match all
                .iter()
                .find(|t| host_of(world, t).as_deref() == Some(entry.as_str()))
            {
                Some(t) => (*t, None),
                None => {
                    return fail(Failure::HostModeNoTask {
                        host: entry,
                        service: svc.spec.name.clone(),
                    });
                }
            }
        }
        PublishMode::Ingress => {
            if all.is_empty() {
                return fail(Failure::NoBackend {
                    service: svc.spec.name.clone(),
                });
            }
            let key = format!("{entry}/{}", svc.id);
            let n = world.swarm.overlay.rr.get(&key).copied().unwrap_or(0);
            (all[(n % all.len() as u64) as usize], Some(key))
        }
    };
    let period = if rr_key.is_some() {
        all.len() as u64
    } else {
        1
    };
    let task_name = task.name(&svc.spec.name);
    let task_host = host_of(world, task).unwrap_or_default();
    if mode == PublishMode::Ingress && !super::control::reachable(world)(&entry, &task_host) {
        return Route {
            outcome: Err(Failure::BackendUnreachable {
                entry,
                task_name,
                task_host,
            }),
            rr_key,
            period,
        };
    }
    let Some(body) = answer_body(world, task, target_port) else {
        return Route {
            outcome: Err(Failure::NotListening {
                task_name,
                port: target_port,
            }),
            rr_key,
            period,
        };
    };
    let task_ip = match mode {
        PublishMode::Ingress => {
            overlay::addr(world, overlay::INGRESS, &task.id).unwrap_or_default()
        }
        PublishMode::Host => String::new(),
    };
    Route {
        outcome: Ok(Answer {
            service: svc.spec.name.clone(),
            entry,
            task_id: task.id.clone(),
            task_name,
            task_host,
            task_ip,
            container_id: container_id(world, task),
            mode,
            target_port,
            body,
        }),
        rr_key,
        period,
    }
}

/// The caller acted on a route: IPVS moves to its next backend.
pub fn advance(world: &mut World, route: &Route) {
    advance_by(world, route, 1);
}

/// `n` requests took this route's round robin (the traffic generator's batches).
pub fn advance_by(world: &mut World, route: &Route, n: u64) {
    if let Some(key) = &route.rr_key {
        *world.swarm.overlay.rr.entry(key.clone()).or_insert(0) += n;
    }
}

/// Why a name does not resolve.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Miss {
    NoSuchService(String),
    /// The service exists but shares no network with the caller.
    NotOnNetwork {
        service: String,
        network: String,
    },
    NoCaller(String),
}

/// A DNS answer: the addresses and the network they are on.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Resolved {
    pub network: String,
    pub addresses: Vec<String>,
    /// A VIP (one address, load-balanced) rather than task addresses.
    pub vip: bool,
}

/// The service `name` means to a task of `caller`: the service of that name, or in a stack the
/// service of that key (`db` for `shop_db`): `docker stack deploy` gives each service its key
/// as an alias on the stack's networks.
pub fn service_named<'a>(world: &'a World, caller: &Service, name: &str) -> Option<&'a Service> {
    let services = &world.swarm.services;
    services.values().find(|s| s.spec.name == name).or_else(|| {
        let namespace = caller.spec.labels.get(super::stack::LABEL_NAMESPACE)?;
        let full = format!("{namespace}_{name}");
        services.values().find(|s| {
            s.spec.name == full
                && s.spec.labels.get(super::stack::LABEL_NAMESPACE) == Some(namespace)
        })
    })
}

/// The embedded DNS server answering `name` to a task of `from_service` on `network` (or on
/// any of its networks when `network` is `None`). The `ingress` network has no service
/// discovery.
pub fn resolve(
    world: &World,
    from_service: &str,
    network: Option<&str>,
    name: &str,
) -> Result<Resolved, Miss> {
    let caller = world
        .swarm
        .services
        .values()
        .find(|s| s.spec.name == from_service)
        .ok_or_else(|| Miss::NoCaller(from_service.to_string()))?;
    let (target_name, tasks_form) = match name.strip_prefix("tasks.") {
        Some(rest) => (rest, true),
        None => (name, false),
    };
    let target = service_named(world, caller, target_name)
        .ok_or_else(|| Miss::NoSuchService(target_name.to_string()))?;
    let canonical = |n: &String| {
        overlay::find(world, n)
            .map(|x| x.name)
            .unwrap_or_else(|| n.clone())
    };
    let caller_nets: Vec<String> = caller
        .spec
        .template
        .networks
        .iter()
        .map(canonical)
        .collect();
    let target_nets: Vec<String> = target
        .spec
        .template
        .networks
        .iter()
        .map(canonical)
        .collect();
    let shared = caller_nets
        .iter()
        .filter(|n| network.is_none_or(|w| w == n.as_str()))
        .find(|n| target_nets.contains(n))
        .cloned()
        .ok_or_else(|| Miss::NotOnNetwork {
            service: target_name.to_string(),
            network: network
                .map(str::to_string)
                .or_else(|| caller_nets.first().cloned())
                .unwrap_or_default(),
        })?;
    if !tasks_form && target.spec.endpoint_mode == EndpointMode::Vip {
        let vip = overlay::addr(world, &shared, &target.id).unwrap_or_default();
        return Ok(Resolved {
            network: shared,
            addresses: vec![vip],
            vip: true,
        });
    }
    let addresses = backends(world, &target.id)
        .iter()
        .filter_map(|t| overlay::addr(world, &shared, &t.id))
        .collect();
    Ok(Resolved {
        network: shared,
        addresses,
        vip: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Input;

    fn lab(lines: &[&str]) -> World {
        let mut w = World::new(5);
        crate::sim::swarm::setup::form(&mut w, 1, 2);
        for l in lines {
            w.submit(Input::Command((*l).into()));
            let r = crate::sim::step(&mut w).unwrap();
            assert!(!r.error, "{l}: {}", r.terminal_text());
        }
        while crate::sim::step(&mut w).is_some() {}
        w
    }

    fn host_of_task(w: &World, name: &str) -> String {
        w.swarm
            .tasks
            .iter()
            .find(|t| t.name("web") == name)
            .and_then(|t| host_of(w, t))
            .unwrap()
    }

    #[test]
    fn any_node_answers_an_ingress_port_round_robin() {
        let mut w =
            lab(&["docker service create -d --name web --replicas 2 -p 8080:80 dockyard/web:2.0"]);
        let busy: Vec<String> = backends(&w, &w.swarm.services.keys().next().unwrap().clone())
            .iter()
            .map(|t| host_of(&w, t).unwrap())
            .collect();
        let idle = ["node-1", "node-2", "node-3"]
            .into_iter()
            .find(|h| !busy.iter().any(|b| b == h))
            .unwrap();
        let mut seen = Vec::new();
        for _ in 0..4 {
            let route = request(&w, &Client::Outside, idle, 8080);
            let a = route.outcome.clone().unwrap();
            assert_eq!(a.entry, idle);
            assert!(a.body.contains("\"version\":\"2.0\""), "{}", a.body);
            seen.push(a.task_name.clone());
            advance(&mut w, &route);
        }
        assert_eq!(seen, vec!["web.1", "web.2", "web.1", "web.2"]);
        assert!(matches!(
            request(&w, &Client::Outside, idle, 9999).outcome,
            Err(Failure::NotPublished { .. })
        ));
        assert!(!host_of_task(&w, "web.1").is_empty());
    }

    #[test]
    fn off_and_partitioned_nodes_fail_with_a_reason() {
        let mut w = lab(&["docker service create -d --name web --replicas 3 -p 8080:80 nginx"]);
        w.swarm.machines.get_mut("node-3").unwrap().up = false;
        let r = request(&w, &Client::Outside, "node-3", 8080)
            .outcome
            .unwrap_err();
        assert_eq!(r.reason(), "node-3 is off");
    }

    #[test]
    fn partitioned_nodes_and_unreachable_backends_fail_with_a_reason() {
        let mut w = lab(&["docker service create -d --name web --replicas 3 -p 8080:80 nginx"]);
        w.swarm.machines.get_mut("node-2").unwrap().partition = 1;
        let r = request(&w, &Client::Outside, "node-2", 8080)
            .outcome
            .unwrap_err();
        assert_eq!(r.reason(), "node-2 is cut off by a partition");
        // From node-1, IPVS round robin eventually picks the task on node-2: unreachable.
        let mut reasons = Vec::new();
        for _ in 0..3 {
            let route = request(&w, &Client::Outside, "node-1", 8080);
            if let Err(f) = &route.outcome {
                reasons.push(f.reason());
            }
            advance(&mut w, &route);
        }
        assert_eq!(reasons, vec!["node-1 cannot reach node-2"]);
    }

    #[test]
    fn host_mode_answers_only_where_a_task_runs() {
        let w = lab(&[
            "docker service create -d --name web --replicas 1 --publish published=8080,target=80,mode=host nginx",
        ]);
        let runs = host_of_task(&w, "web.1");
        for h in ["node-1", "node-2", "node-3"] {
            let out = request(&w, &Client::Outside, h, 8080).outcome;
            assert_eq!(out.is_ok(), h == runs, "{h}: {out:?}");
        }
    }

    #[test]
    fn dns_vip_tasks_and_network_scope() {
        let w = lab(&[
            "docker network create -d overlay appnet",
            "docker network create -d overlay other",
            "docker service create -d --name web --replicas 2 --network appnet nginx",
            "docker service create -d --name api --network appnet nginx",
            "docker service create -d --name lone --network other nginx",
            "docker service create -d --name rr --endpoint-mode dnsrr --replicas 2 --network appnet nginx",
        ]);
        let vip = resolve(&w, "api", None, "web").unwrap();
        assert!(vip.vip && vip.addresses == vec!["10.0.1.2"], "{vip:?}");
        let tasks = resolve(&w, "api", None, "tasks.web").unwrap();
        assert_eq!(tasks.addresses.len(), 2);
        let rr = resolve(&w, "api", None, "rr").unwrap();
        assert!(!rr.vip && rr.addresses.len() == 2);
        assert!(matches!(
            resolve(&w, "lone", None, "web"),
            Err(Miss::NotOnNetwork { .. })
        ));
        assert!(matches!(
            resolve(&w, "api", None, "nope"),
            Err(Miss::NoSuchService(_))
        ));
    }
}
