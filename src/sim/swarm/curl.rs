//! `curl http://node-2:8080/` in the learner's terminal, answered by the swarm.
//!
//! Real Docker: a port published by a service (`-p 8080:80`) is open on every node of the
//! swarm through the routing mesh; the node that receives the connection hands it to IPVS,
//! which picks a task (round robin) on any node and sends the packets there through the
//! `ingress` overlay network (VXLAN, UDP 4789). The answer comes from whichever task was
//! picked: nginx's welcome page, or the course's `dockyard/web` which prints its version and
//! its container's hostname (the short container ID), so repeated requests show the rotation.
//! With `mode=host` only a node running a task listens.
//!
//! Here: the learner's terminal is on the lab's local machine (`node-1`); a URL naming a lab
//! machine (hostname or address, or `localhost` when the local machine is a swarm node and a
//! service publishes the port) asks src/sim/swarm/mesh/mod.rs, prints what the task answers or
//! curl's own error, and narrates the path. The trace is kept for the picture. From inside a
//! task's container (`docker exec $(docker ps -q -f name=api) curl http://web/` on its node)
//! the request goes through that container's DNS and the overlay instead
//! (src/sim/docker/probe.rs).

use super::mesh::{self, Client, Trace};
use super::service::PublishMode;
use crate::sim::docker::error::DockerError;
use crate::sim::{Record, World};

/// `None` when the URL is not for the swarm (left to the host's own `curl`).
///
/// Long because it is one request's whole path: which node, the mesh's choice, who answers
/// (a registry, one of the course's programs, a plain server), and the narration of each route.
pub fn run(
    world: &mut World,
    host: &str,
    port: u16,
    target: &str,
    rec: &mut Record,
) -> Option<Result<(), DockerError>> {
    if !world.swarm.active() {
        return None;
    }
    let local = world.here().to_string();
    let is_local = matches!(host, "localhost" | "127.0.0.1");
    if is_local {
        let swarm_port =
            world.swarm.node_of(&local).is_some() && mesh::publisher(world, port).is_some();
        if !swarm_port || world.engine.port_holder(port).is_some() {
            return None;
        }
    } else if !mesh::is_lab_host(world, host) {
        return None;
    }
    let client = Client::Machine(local.clone());
    let route = mesh::request(world, &client, host, port);
    mesh::advance(world, &route);
    let entry = match &route.outcome {
        Ok(a) => a.entry.clone(),
        Err(_) => host.to_string(),
    };
    world.swarm.overlay.last_request = Some(Trace {
        at_ms: world.now_ms,
        client: local.clone(),
        host: entry.clone(),
        port,
        outcome: route.outcome.clone(),
    });
    rec.touch(entry.clone());
    Some(match route.outcome {
        Ok(a) => {
            rec.touch(a.task_host.clone());
            rec.touch(a.service.clone());
            rec.title = format!("curl {entry}:{port} → {} on {}", a.task_name, a.task_host);
            // A registry answers by path (src/sim/docker/registry/mod.rs); the course's programs
            // answer the request themselves (the shop's API counts it).
            let path = crate::sim::docker::apps::url_path(target);
            let registry = crate::sim::docker::registry::answer_task(world, &a.task_id, &path, rec)
                .map(|b| b.trim_end_matches('\n').to_string());
            let container = registry
                .is_none()
                .then(|| {
                    world
                        .swarm
                        .tasks
                        .iter()
                        .find(|t| t.id == a.task_id)
                        .and_then(|t| t.container.clone())
                })
                .flatten();
            let served = registry.or_else(|| {
                container.and_then(|id| {
                    world
                        .on_host(&a.task_host, |w| {
                            crate::sim::docker::apps::known(w, &id).then(|| {
                                let request =
                                    crate::sim::http::Request::get("http", host, port, target);
                                crate::sim::docker::apps::serve(w, &id, &request, rec).body
                            })
                        })
                        .flatten()
                })
            });
            rec.out(served.unwrap_or_else(|| a.body.clone()));
            match a.mode {
                PublishMode::Ingress if a.task_host == a.entry => rec.say(format!(
                    "{entry}'s ingress → IPVS → {} ({}) on {entry} itself: this time round robin picked the local task, port {}.",
                    a.task_name, a.task_ip, a.target_port
                )),
                PublishMode::Ingress => rec.say(format!(
                    "{entry}'s ingress → IPVS → {} ({} on ingress) on {} over the overlay (VXLAN, UDP {}), port {}. {entry} needs no task of {} to answer: every node of the swarm listens on a published port (the routing mesh).",
                    a.task_name,
                    a.task_ip,
                    a.task_host,
                    super::overlay::VXLAN_PORT,
                    a.target_port,
                    a.service
                )),
                PublishMode::Host => rec.say(format!(
                    "Host-mode port: {entry} runs {} and its own port {port} leads straight into it, no mesh, no IPVS.",
                    a.task_name
                )),
            }
            if a.body.contains("\"host\"") {
                rec.say(format!(
                    "\"host\" is the container's hostname, its short ID ({}): send the request again and IPVS picks the next task.",
                    a.container_id
                ));
            }
            Ok(())
        }
        Err(f) => {
            rec.title = format!("curl {host}:{port} fails");
            rec.say(f.explain());
            let (message, code) = f.curl_error(host, port);
            Err(DockerError::new(message, code).keeping_state())
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::sim::{Input, World};

    #[test]
    fn curl_any_node_and_failures() {
        let mut w = World::new(4);
        crate::sim::swarm::setup::form(&mut w, 1, 2);
        w.submit(Input::Command(
            "docker service create -d --name web --replicas 2 -p 8080:80 dockyard/web:2.0".into(),
        ));
        while crate::sim::step(&mut w).is_some() {}
        for host in ["node-1", "node-2", "node-3", "localhost"] {
            w.submit(Input::Command(format!("curl http://{host}:8080/")));
            let r = crate::sim::step(&mut w).unwrap();
            assert!(!r.error, "{}", r.terminal_text());
            assert!(
                r.terminal_text()
                    .contains("{\"version\":\"2.0\",\"host\":\"")
            );
            assert!(r.narration.join(" ").contains("IPVS"));
        }
        assert!(w.swarm.overlay.last_request.is_some());
        w.submit(Input::Command("curl http://node-2:9090/".into()));
        let r = crate::sim::step(&mut w).unwrap();
        assert!(r.error);
        assert!(r.terminal_text().contains(
            "curl: (7) Failed to connect to node-2 port 9090 after 0 ms: Couldn't connect to server"
        ));
    }
}
