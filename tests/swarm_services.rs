//! Swarm services end to end through the terminal: `docker service …` with the CLI's and the
//! daemon's words (docker/cli `cli/command/service`, swarmkit `controlapi`), tasks walking to
//! running on the agents, node loss, network partitions (split brain, then the old task shut down
//! on heal), 24-hour orphaning (swarmkit dispatcher `defaultNodeDownPeriod`), quorum loss, and
//! `docker info`'s Swarm section (docker/cli `cli/command/system/info.go`).

mod common;

use common::Host;
use dockyard::sim::swarm::task::TaskState;
use dockyard::sim::{Fault, Input};

fn formed(managers: usize, workers: usize, seed: u64) -> Host {
    let mut host = Host::new(seed);
    host.timeline = dockyard::sim::Timeline::new({
        let mut w = dockyard::sim::World::new(seed);
        dockyard::sim::swarm::setup::form(&mut w, managers, workers);
        w
    });
    host
}

fn fault(host: &mut Host, text: &str) {
    let fault = Fault::parse(text).unwrap();
    host.timeline.submit(Input::Fault(fault));
}

fn tasks_in(host: &Host, service: &str, state: TaskState) -> usize {
    let w = host.world();
    let id = w
        .swarm
        .services
        .values()
        .find(|s| s.spec.name == service)
        .map(|s| s.id.clone())
        .unwrap_or_default();
    w.swarm
        .tasks
        .iter()
        .filter(|t| t.service_id == id && t.state == state && t.desired_state == TaskState::Running)
        .count()
}

#[test]
fn docker_cli_service_create_follows_the_rollout_until_converged() {
    let mut host = formed(1, 2, 3);
    let out = host.run("docker service create --name web --replicas 3 -p 8080:80 nginx:1.27");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0].len(), 25, "the service ID first: {out}");
    assert!(out.contains("overall progress: 3 out of 3 tasks"), "{out}");
    assert!(out.contains("1/3: running   [====="), "{out}");
    assert!(
        out.contains("verify: Service ") && out.ends_with(" converged\n"),
        "{out}"
    );
    let ls = host.run("docker service ls");
    assert!(
        ls.contains("web       replicated   3/3        nginx:1.27   *:8080->80/tcp"),
        "{ls}"
    );
    // Spread: one task per node.
    let ps = host.run("docker service ps web");
    for node in ["node-1", "node-2", "node-3"] {
        assert_eq!(ps.matches(node).count(), 1, "{ps}");
    }
}

#[test]
fn swarmkit_controlapi_mistakes_change_nothing() {
    let mut host = formed(1, 1, 4);
    host.run("docker service create -d --name web nginx:1.27");
    let before = host.world().swarm.clone();
    for (line, want) in [
        (
            "docker service create -d --name web nginx:1.27",
            "Error response from daemon: rpc error: code = AlreadyExists desc = name conflicts with an existing object",
        ),
        (
            "docker service create",
            "docker: 'docker service create' requires at least 1 argument\n\nUsage:  docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nSee 'docker service create --help' for more information",
        ),
        (
            "docker service create --replicas x nginx",
            "invalid argument \"x\" for \"--replicas\" flag",
        ),
        (
            "docker service create --constraint node.role nginx",
            "constraint expected one operator from ==, !=",
        ),
        (
            "docker service create --name bad.name nginx",
            "name must be valid as a DNS name component",
        ),
        ("docker service ps nope", "no such service: nope"),
        (
            "docker service rollback web",
            "does not have a previous spec",
        ),
        (
            "docker service create -d --name x -p 8080:80 --endpoint-mode dnsrr nginx",
            "port published with ingress mode can't be used with dnsrr mode",
        ),
        (
            "docker service frobnicate",
            "docker: unknown command: docker service frobnicate",
        ),
    ] {
        let out = host.run(line);
        assert!(out.contains(want), "{line}: {out}");
        assert_eq!(host.world().swarm, before, "{line} changed the swarm");
    }
    // Global services cannot be scaled.
    host.run("docker service create -d --name agent --mode global nginx:1.27");
    let out = host.run("docker service scale agent=3");
    assert!(
        out.contains("scale can only be used with replicated or replicated-job mode"),
        "{out}"
    );
}

#[test]
fn docker_cli_service_ps_truncates_errors_and_shows_pending_reasons() {
    let mut host = formed(1, 2, 5);
    host.run("docker service create -d --name big --reserve-memory 64G nginx:1.27");
    host.wait(2_000);
    let ps = host.run("docker service ps big");
    assert!(ps.contains("Pending"), "{ps}");
    assert!(ps.contains("\"no suitable node (insufficien…\""), "{ps}");
    let full = host.run("docker service ps --no-trunc big");
    assert!(
        full.contains("\"no suitable node (insufficient resources on 3 nodes)\""),
        "{full}"
    );
}

#[test]
fn swarmkit_partition_split_brain_then_heal_shuts_the_old_task_down() {
    let mut host = formed(3, 2, 11);
    host.run("docker service create -d --name web --replicas 5 nginx:1.27");
    host.wait(10_000);
    assert_eq!(tasks_in(&host, "web", TaskState::Running), 5);
    fault(&mut host, "partition node-5");
    host.wait(30_000);
    let w = host.world();
    let node5 = w.swarm.node_of("node-5").unwrap().id.clone();
    // node-5's container still runs (it only lost the network), but the managers replaced it.
    let on5: Vec<_> = w
        .swarm
        .tasks
        .iter()
        .filter(|t| t.node_id.as_deref() == Some(node5.as_str()))
        .collect();
    assert!(
        on5.iter()
            .any(|t| t.container_up && t.desired_state == TaskState::Shutdown)
    );
    assert_eq!(tasks_in(&host, "web", TaskState::Running), 5);
    fault(&mut host, "heal");
    host.wait(5_000);
    let w = host.world();
    assert!(
        w.swarm
            .tasks
            .iter()
            .filter(|t| t.node_id.as_deref() == Some(node5.as_str()))
            .all(|t| !t.container_up && t.state == TaskState::Shutdown)
    );
    assert!(host.run("docker node ls").contains("node-5     Ready"));
}

#[test]
fn swarmkit_dispatcher_orphans_tasks_of_a_node_down_for_24_hours() {
    let mut host = formed(1, 2, 7);
    host.run("docker service create -d --name web --replicas 3 nginx:1.27");
    host.wait(10_000);
    fault(&mut host, "kill node-3");
    host.wait(60_000);
    let ps = host.run("docker service ps web");
    assert!(ps.contains("Shutdown        Running"), "{ps}");
    host.wait(24 * 3_600_000);
    let ps = host.run("docker service ps web");
    assert!(ps.contains("Shutdown        Orphaned"), "{ps}");
}

#[test]
fn swarmkit_quorum_lost_refuses_service_changes_but_tasks_keep_running() {
    let mut host = formed(3, 0, 2);
    host.run("docker service create -d --name web --replicas 3 nginx:1.27");
    host.wait(10_000);
    fault(&mut host, "kill node-2");
    fault(&mut host, "kill node-3");
    host.wait(30_000);
    let out = host.run("docker service scale web=5");
    assert!(out.contains("The swarm does not have a leader"), "{out}");
    let w = host.world();
    let node1 = w.swarm.node_of("node-1").unwrap().id.clone();
    assert!(
        w.swarm
            .tasks
            .iter()
            .any(|t| t.node_id.as_deref() == Some(node1.as_str()) && t.container_up),
        "node-1's task keeps running"
    );
    let info = host.run("docker info");
    assert!(info.contains(" Swarm: active"), "{info}");
    assert!(info.contains("Error: rpc error"), "{info}");
}

#[test]
fn docker_cli_info_prints_the_swarm_section() {
    let mut host = formed(3, 1, 1);
    let info = host.run("docker info");
    assert!(info.contains("  Is Manager: true\n  ClusterID: "), "{info}");
    assert!(info.contains("  Managers: 3\n  Nodes: 4\n"), "{info}");
    let worker = host.run("ssh node-4 docker info");
    assert!(worker.contains("  Is Manager: false\n"), "{worker}");
}

#[test]
fn docker_service_update_rolls_one_at_a_time_and_completes() {
    let mut host = formed(1, 2, 8);
    host.run("docker service create -d --name web --replicas 3 dockyard/web:1.0");
    host.wait(15_000);
    let out = host.run("docker service update --image dockyard/web:2.0 web");
    assert!(out.starts_with("web\n"), "{out}");
    assert!(out.ends_with(" converged\n"), "{out}");
    let inspect = host.run("docker service inspect --format '{{.UpdateStatus.State}}' web");
    assert_eq!(inspect.trim(), "completed");
    let ps = host.run("docker service ps web");
    assert_eq!(ps.matches("dockyard/web:2.0").count(), 3, "{ps}");
    assert_eq!(ps.matches("\\_ web.").count(), 3, "{ps}");
}

#[test]
fn a_full_node_disk_rejects_new_tasks_while_running_ones_keep_running() {
    let mut host = formed(1, 2, 6);
    host.run("docker service create -d --name web --replicas 3 nginx:1.27");
    host.wait(10_000);
    fault(&mut host, "fill-disk node-2");
    assert!(host.world().disk_of("node-2").is_some_and(|d| d.full));
    host.run("docker service scale -d web=6");
    host.wait(3_000);
    let ps = host.run("docker service ps --no-trunc web");
    assert!(ps.contains("no space left on device"), "{ps}");
    assert!(ps.contains("Rejected"), "{ps}");
    // node-2's first task still runs.
    assert!(tasks_in(&host, "web", TaskState::Running) >= 3);
    fault(&mut host, "free-disk node-2");
    host.wait(30_000);
    assert_eq!(tasks_in(&host, "web", TaskState::Running), 6);
}

/// docker/cli formatter/task.go prints `*:PUBLISHED->TARGET/PROTO` for a task's host-mode ports,
/// and `--publish mode=host` feeds SwarmKit's HostPortFilter as a stack's `mode: host` does: a
/// third replica on two nodes cannot bind the same host port and stays pending.
#[test]
fn docker_cli_service_publish_mode_host_binds_once_per_node_and_ps_shows_the_port() {
    let mut host = formed(1, 1, 5);
    host.run(
        "docker service create -d --name web --replicas 3 --publish published=8080,target=80,mode=host nginx",
    );
    host.wait(30_000);
    assert_eq!(tasks_in(&host, "web", TaskState::Running), 2);
    let ps = host.run("docker service ps --no-trunc web");
    assert_eq!(ps.matches("*:8080->80/tcp").count(), 2, "{ps}");
    assert!(
        ps.contains("host-mode port already in use on 2 nodes"),
        "{ps}"
    );
}
