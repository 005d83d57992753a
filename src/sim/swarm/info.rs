//! `docker info`: the engine's summary, with its Swarm section.
//!
//! Real Docker (docker/cli `cli/command/system/info.go` `printSwarmInfo`): the Server part lists
//! containers by state, images, the storage and logging drivers, then ` Swarm: inactive|active`;
//! on a manager it adds the node and cluster IDs, the number of managers and nodes, the
//! orchestration, Raft and dispatcher settings (task history 5, heartbeat tick 1, election tick
//! 10, dispatcher heartbeat 5 s, CA expiry 3 months), then the node's address and the managers'
//! addresses; on a worker only the last two. When the managers have no leader, the cluster part
//! cannot be read and the CLI prints the daemon's error in its place.
//!
//! We print that layout from the simulated machine (`docker info` on the learner's machine, or
//! `ssh node-2 docker info`). Simplified: a fixed kernel and OS, no plugins, no registry mirrors,
//! no warnings section.

use super::cluster::{ENGINE_VERSION, MANAGEMENT_PORT, Role};
use crate::sim::{Record, World};

/// `docker info` as printed on machine `host`.
pub fn info(world: &World, host: &str, rec: &mut Record) {
    // Every machine has its own engine; a task's container is one of its containers.
    let fallback = crate::sim::docker::engine::Engine::new(host);
    let engine = world.engine_of(host).unwrap_or(&fallback);
    let count = |status: crate::sim::docker::container::Status| {
        engine
            .containers
            .values()
            .filter(|c| c.status() == status)
            .count()
    };
    let running = count(crate::sim::docker::container::Status::Running);
    let paused = count(crate::sim::docker::container::Status::Paused);
    let stopped = engine.containers.len() - running - paused;
    let images = engine.images.len();
    let machine = world.swarm.machines.get(host);
    let cpus = machine.map(|m| m.cpus).unwrap_or(2);
    let memory_gib = machine
        .map(|m| m.memory_bytes as f64 / f64::from(1u32 << 30))
        .unwrap_or(3.8);
    let mut out = format!(
        "Client:\n Version:    {ENGINE_VERSION}\n Context:    default\n Debug Mode: false\n\nServer:\n Containers: {}\n  Running: {running}\n  Paused: {paused}\n  Stopped: {stopped}\n Images: {images}\n Server Version: {ENGINE_VERSION}\n Storage Driver: overlay2\n  Backing Filesystem: extfs\n Logging Driver: {}\n Cgroup Driver: systemd\n Cgroup Version: 2\n",
        running + paused + stopped,
        world
            .disk_of(host)
            .unwrap_or(&world.disk)
            .daemon
            .log_config
            .driver,
    );
    out.push_str(&swarm_section(world, host));
    out.push_str(&format!(
        " Kernel Version: 6.8.0-51-generic\n Operating System: Ubuntu 24.04.1 LTS\n OSType: linux\n Architecture: x86_64\n CPUs: {cpus}\n Total Memory: {memory_gib:.1}GiB\n Name: {host}\n Docker Root Dir: /var/lib/docker\n Debug Mode: false\n Live Restore Enabled: false"
    ));
    rec.out(out);
}

fn swarm_section(world: &World, host: &str) -> String {
    let swarm = &world.swarm;
    let Some(node) = swarm.node_of(host) else {
        return " Swarm: inactive\n".to_string();
    };
    let mut s = format!(" Swarm: active\n  NodeID: {}\n", node.id);
    let addr = swarm
        .machines
        .get(host)
        .map(|m| m.addr.clone())
        .unwrap_or_default();
    if node.role == Role::Manager {
        if swarm.leader().is_none() {
            s.push_str(&format!("  Error: {}\n", super::raft::ERR_NO_LEADER));
            s.push_str("  Is Manager: true\n");
        } else {
            let managers = swarm.managers().count();
            s.push_str(&format!(
                "  Is Manager: true\n  ClusterID: {}\n  Managers: {managers}\n  Nodes: {}\n  Default Address Pool: 10.0.0.0/8  \n  SubnetSize: 24\n  Data Path Port: 4789\n  Orchestration:\n   Task History Retention Limit: 5\n  Raft:\n   Snapshot Interval: 10000\n   Number of Old Snapshots to Retain: 0\n   Heartbeat Tick: 1\n   Election Tick: 10\n  Dispatcher:\n   Heartbeat Period: 5 seconds\n  CA Configuration:\n   Expiry Duration: 3 months\n   Force Rotate: 0\n  Autolock Managers: false\n  Root Rotation In Progress: false\n",
                swarm.cluster_id,
                swarm.nodes.len()
            ));
        }
    } else {
        s.push_str("  Is Manager: false\n");
    }
    s.push_str(&format!("  Node Address: {addr}\n  Manager Addresses:\n"));
    for m in swarm.managers() {
        s.push_str(&format!("   {}:{MANAGEMENT_PORT}\n", m.addr));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::swarm::setup;

    fn text(world: &World, host: &str) -> String {
        let mut rec = Record::new(0);
        info(world, host, &mut rec);
        rec.terminal
            .iter()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn manager_worker_and_inactive() {
        let mut w = World::new(1);
        assert!(text(&w, &w.engine.hostname.clone()).contains(" Swarm: inactive"));
        setup::form(&mut w, 3, 1);
        let m = text(&w, "node-1");
        assert!(m.contains("  Is Manager: true\n  ClusterID: "), "{m}");
        assert!(m.contains("  Managers: 3\n  Nodes: 4\n"), "{m}");
        assert!(
            m.contains("   Heartbeat Tick: 1\n   Election Tick: 10\n"),
            "{m}"
        );
        assert!(m.contains("   10.0.0.4:2377"), "{m}");
        let wk = text(&w, "node-4");
        assert!(
            wk.contains("  Is Manager: false\n  Node Address: 10.0.0.5\n"),
            "{wk}"
        );
        assert!(!wk.contains("ClusterID"), "{wk}");
    }
}
