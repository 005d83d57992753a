//! Swarm basics as an operator meets them: a powered-off machine answers nothing, a leader that
//! lost its quorum decides nothing (SwarmKit commits every decision through Raft), and
//! `docker swarm init --force-new-cluster` (moby `cluster.Init` with `ForceNewCluster`) brings a
//! lone surviving manager back as a one-manager swarm that kept the services and tasks.

mod common;

use common::Host;
use dockyard::sim::Input;
use dockyard::sim::input::Fault;
use dockyard::sim::swarm::{self, raft};

fn lab(managers: usize, workers: usize) -> Host {
    let mut host = Host::new(13);
    host.timeline = dockyard::sim::Timeline::new({
        let mut w = dockyard::sim::World::new(13);
        swarm::setup::form(&mut w, managers, workers);
        w
    });
    host
}

fn power(host: &mut Host, machine: &str, up: bool) {
    host.timeline.submit(Input::Fault(Fault::Machine {
        machine: machine.to_string(),
        up,
    }));
}

#[test]
fn a_powered_off_machine_answers_nothing() {
    let mut host = lab(1, 2);
    power(&mut host, "node-3", false);
    let out = host.run("ssh node-3 docker node ls");
    assert!(
        out.contains("ssh: connect to host node-3 port 22: No route to host"),
        "{out}"
    );
    power(&mut host, "node-1", false);
    let out = host.run("docker service ls");
    assert!(out.contains("node-1 is powered off"), "{out}");
    // A worker that is up still answers, with moby's words for a worker.
    let out = host.run("ssh node-2 docker node ls");
    assert!(out.contains("Worker nodes can't be used"), "{out}");
}

#[test]
fn swarmkit_a_leader_without_quorum_commits_nothing_then_force_new_cluster_recovers() {
    let mut host = lab(3, 2);
    host.run("docker service create -d --name web --replicas 4 nginx:1.27");
    host.wait(10_000);
    let tasks_before = host.world().swarm.tasks.len();
    power(&mut host, "node-2", false);
    power(&mut host, "node-3", false);
    // node-1 still believes it leads until CheckQuorum (10 s), but cannot commit: node-2's and
    // node-3's tasks are not replaced, and nobody marks them Down.
    host.wait(9_000);
    assert_eq!(host.world().swarm.tasks.len(), tasks_before);
    host.wait(40_000);
    assert!(host.world().swarm.leader().is_none());
    assert_eq!(host.world().swarm.tasks.len(), tasks_before);
    let out = host.run("docker service scale web=6");
    assert!(out.contains(raft::ERR_NO_LEADER), "{out}");

    let out = host.run("docker swarm init --force-new-cluster");
    assert!(
        out.starts_with("Swarm initialized: current node ("),
        "{out}"
    );
    assert_eq!(host.world().swarm.raft.size(), 1);
    assert_eq!(
        host.world().swarm.leader().map(|n| n.hostname.as_str()),
        Some("node-1")
    );
    // The store survived: the service is still there and can be changed again.
    let out = host.run("docker service scale -d web=6");
    assert!(out.contains("web scaled to 6"), "{out}");
}
