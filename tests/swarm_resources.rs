//! Limits and logging on swarm services: a task's `--limit-memory` is its container's cgroup, a
//! leak is OOM-killed on whichever node runs the task and the swarm replaces the task, and
//! `--log-driver`/`--log-opt` (or a stack's `logging:`) reach the task's container.

use dockyard::sim::swarm::setup;
use dockyard::sim::{Input, Timeline, World};

fn lab() -> Timeline {
    let mut world = World::new(9);
    setup::form(&mut world, 1, 2);
    Timeline::new(world)
}

fn run(t: &mut Timeline, line: &str) -> String {
    let record = t.submit(Input::Command(line.to_string())).clone();
    while t.world().shell.is_busy() && t.forward() {}
    // Without the prompt line.
    let text = record.terminal_text();
    text.split_once('\n')
        .map_or(String::new(), |(_, rest)| rest.to_string())
}

fn fault(t: &mut Timeline, line: &str) -> String {
    let f = dockyard::sim::Fault::parse(line).expect("a fault");
    let record = t.submit(Input::Fault(f)).clone();
    assert!(!record.error, "{}", record.narration.join("\n"));
    record.narration.join("\n")
}

fn wait(t: &mut Timeline, ms: u64) {
    let target = t.world().now_ms + ms;
    t.submit(Input::Advance { duration_ms: ms });
    while t.world().next_due_ms().is_some_and(|d| d <= target) && t.forward_until(target) {}
}

fn narration(t: &Timeline) -> String {
    t.records()
        .iter()
        .flat_map(|r| r.narration.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_leaking_task_on_a_worker_is_oom_killed_there_and_replaced() {
    let mut t = lab();
    run(
        &mut t,
        "docker service create -d --name api --limit-memory 64M --constraint node.hostname==node-2 dockyard/web:1.0",
    );
    wait(&mut t, 20_000);
    let said = fault(&mut t, "leak api 10M/s");
    assert!(said.contains("its limit of 64MiB"), "{said}");
    wait(&mut t, 30_000);
    let all = narration(&t);
    assert!(all.contains("Memory cgroup out of memory"), "{all}");
    let ps = run(&mut t, "docker service ps api");
    assert!(
        ps.contains("OOMKilled") || ps.contains("non-zero exit (137)"),
        "{ps}"
    );
    assert!(
        ps.matches("node-2").count() >= 2,
        "replaced on node-2:\n{ps}"
    );
    // The running replacement's container has the limit as its cgroup's.
    let world = t.world();
    let engine = world.engine_of("node-2").expect("node-2");
    assert!(
        engine
            .containers
            .values()
            .any(|c| c.status().is_up() && c.host_config.memory_bytes == 64 << 20)
    );
}

#[test]
fn without_a_limit_the_workers_kernel_picks_the_largest() {
    let mut t = lab();
    run(
        &mut t,
        "docker service create -d --name api --constraint node.hostname==node-2 dockyard/web:1.0",
    );
    wait(&mut t, 20_000);
    fault(&mut t, "leak api 100M/s");
    wait(&mut t, 120_000);
    let all = narration(&t);
    assert!(all.contains("The host is out of memory"), "{all}");
}

#[test]
fn log_options_reach_the_service_and_a_driver_is_needed_for_them() {
    let mut t = lab();
    run(
        &mut t,
        "docker service create -d --name web --log-driver json-file --log-opt max-size=10m --log-opt max-file=3 nginx:1.27",
    );
    let json = run(
        &mut t,
        "docker service inspect --format '{{json .Spec.TaskTemplate.LogDriver}}' web",
    );
    assert_eq!(
        json.trim(),
        r#"{"Name":"json-file","Options":{"max-file":"3","max-size":"10m"}}"#
    );
    run(
        &mut t,
        "docker service create -d --name other --log-opt max-size=10m nginx:1.27",
    );
    let json = run(
        &mut t,
        "docker service inspect --format '{{json .Spec.TaskTemplate.LogDriver}}' other",
    );
    assert!(!json.contains("max-size"), "{json}");
}
