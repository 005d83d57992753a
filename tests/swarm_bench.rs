//! Benchmark (not a timed test) of SwarmKit-style reconciliation at scale: 1,000 nodes,
//! 100 services × 300 replicas = 30,000 tasks, then 100 nodes die and every replacement is
//! placed. Run it in release, natively:
//! `cargo test --release --no-default-features --test swarm_bench -- --ignored --nocapture`,
//! and in WebAssembly in headless Chromium: `scripts/bench-wasm.sh`.
//! Wall-clock time is measured here only, never inside `sim/`.

use dockyard::sim::swarm::cluster::{NodeStatus, Role};
use dockyard::sim::swarm::orchestrator::{
    Action, RestartTracker, ServiceMode, ServiceSpec, reconcile,
};
use dockyard::sim::swarm::scheduler::{NodeInfo, TaskSpec, place_batch};
use dockyard::sim::swarm::task::{Task, TaskState};
use std::collections::BTreeMap;

/// A stopwatch that works natively (`Instant`) and in the browser (`Date.now()`).
#[derive(Clone, Copy)]
struct Instant(f64);

impl Instant {
    // A benchmark times the simulation with the wall clock (clippy.toml bans it elsewhere).
    #[cfg(not(target_arch = "wasm32"))]
    #[allow(clippy::disallowed_methods)]
    fn now() -> Instant {
        use std::sync::OnceLock;
        static START: OnceLock<std::time::Instant> = OnceLock::new();
        let start = START.get_or_init(std::time::Instant::now);
        Instant(start.elapsed().as_secs_f64() * 1000.0)
    }
    #[cfg(target_arch = "wasm32")]
    #[allow(clippy::disallowed_methods)]
    fn now() -> Instant {
        Instant(js_sys::Date::now())
    }
    fn elapsed(&self) -> Elapsed {
        Elapsed(Instant::now().0 - self.0)
    }
}

/// Milliseconds, printed like `Duration`'s `{:?}`.
#[derive(Clone, Copy)]
struct Elapsed(f64);

impl Elapsed {
    fn as_secs_f64(&self) -> f64 {
        self.0 / 1000.0
    }
}

impl std::fmt::Debug for Elapsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1}ms", self.0)
    }
}

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg(target_arch = "wasm32")]
macro_rules! println {
    ($($t:tt)*) => { wasm_bindgen_test::console_log!($($t)*) };
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn wasm_reconcile_1000_nodes_30000_tasks_then_kill_100() {
    reconcile_1000_nodes_30000_tasks_then_kill_100();
}

const NODES: usize = 1_000;
const SERVICES: usize = 100;
const REPLICAS: u64 = 300;
const KILLED: usize = 100;

struct Cluster {
    nodes: BTreeMap<String, NodeInfo>,
    services: Vec<ServiceSpec>,
    tasks: Vec<Vec<Task>>,
    tracker: RestartTracker,
    next_id: u64,
    now_ms: u64,
}

impl Cluster {
    /// Reconcile every service and apply its actions; returns (actions, placed, pending).
    fn reconcile_all(&mut self) -> (usize, usize, usize) {
        let (mut actions_n, mut placed_n, mut pending_n) = (0, 0, 0);
        for (s, svc) in self.services.iter().enumerate() {
            let actions = reconcile(
                svc,
                &self.tasks[s],
                &self.nodes,
                &mut self.tracker,
                self.now_ms,
            );
            actions_n += actions.len();
            let index: BTreeMap<&str, usize> = self.tasks[s]
                .iter()
                .enumerate()
                .map(|(i, t)| (t.id.as_str(), i))
                .collect();
            let mut shut = Vec::new();
            let mut creates = Vec::new();
            for a in actions {
                match a {
                    Action::ShutdownTask { task_id, .. } | Action::RemoveTask { task_id, .. } => {
                        shut.push(index[task_id.as_str()]);
                    }
                    Action::CreateTask {
                        slot,
                        desired_state,
                        ..
                    } => creates.push((slot, desired_state)),
                }
            }
            for i in shut {
                let t = &mut self.tasks[s][i];
                t.desired_state = TaskState::Shutdown;
                if let Some(n) = t.node_id.as_ref().and_then(|n| self.nodes.get_mut(n)) {
                    n.remove_task(&svc.id, &svc.task);
                }
            }
            let placed = place_batch(&mut self.nodes, &svc.task, &svc.id, creates.len());
            for ((slot, desired), node) in creates.into_iter().zip(placed) {
                self.next_id += 1;
                let mut t = Task::new(
                    &format!("task{}", self.next_id),
                    &svc.id,
                    slot,
                    None,
                    svc.spec_version,
                    self.now_ms,
                );
                t.desired_state = desired;
                match node {
                    Ok(n) => {
                        t.node_id = Some(n);
                        t.state = TaskState::Running;
                        placed_n += 1;
                    }
                    Err(why) => {
                        t.state = TaskState::Pending;
                        t.error = why.to_string();
                        pending_n += 1;
                    }
                }
                self.tasks[s].push(t);
            }
        }
        (actions_n, placed_n, pending_n)
    }
}

#[test]
#[ignore]
fn reconcile_1000_nodes_30000_tasks_then_kill_100() {
    let t0 = Instant::now();
    let nodes: BTreeMap<String, NodeInfo> = (0..NODES)
        .map(|i| {
            let id = format!("node{i:04}");
            let role = if i < 3 { Role::Manager } else { Role::Worker };
            let mut n = NodeInfo::new(&id, &format!("host-{i}"), role, 8_000_000_000, 32 << 30);
            n.labels.insert("zone".into(), format!("z{}", i % 3));
            (id, n)
        })
        .collect();
    let services: Vec<ServiceSpec> = (0..SERVICES)
        .map(|s| ServiceSpec {
            id: format!("svc{s:03}"),
            name: format!("app{s}"),
            mode: ServiceMode::Replicated { replicas: REPLICAS },
            spec_version: 1,
            task: TaskSpec {
                reserve_nano_cpus: 100_000_000,
                reserve_memory_bytes: 64 << 20,
                ..TaskSpec::default()
            },
            restart: Default::default(),
        })
        .collect();
    let mut c = Cluster {
        nodes,
        tasks: vec![Vec::new(); services.len()],
        services,
        tracker: RestartTracker::default(),
        next_id: 0,
        now_ms: 0,
    };
    let setup = t0.elapsed();

    let t1 = Instant::now();
    let (actions, placed, pending) = c.reconcile_all();
    let initial = t1.elapsed();
    assert_eq!(placed, SERVICES * REPLICAS as usize);
    assert_eq!(pending, 0);
    let max_per_node = c.nodes.values().map(|n| n.total_tasks).max().unwrap();
    let min_per_node = c.nodes.values().map(|n| n.total_tasks).min().unwrap();
    assert!(max_per_node - min_per_node <= 1, "spread evenly");

    // 100 nodes die (heartbeats missed)
    let doomed: Vec<String> = c.nodes.keys().step_by(NODES / KILLED).cloned().collect();
    let lost: usize = doomed
        .iter()
        .map(|id| c.nodes[id].total_tasks as usize)
        .sum();
    for id in &doomed {
        c.nodes.get_mut(id).unwrap().status = NodeStatus::Down;
    }
    c.now_ms = 20_000;
    let t2 = Instant::now();
    let (fail_actions, replaced, still_pending) = c.reconcile_all();
    let failover = t2.elapsed();
    assert_eq!(replaced, lost);
    assert_eq!(still_pending, 0);
    assert_eq!(fail_actions, 2 * lost);

    let t3 = Instant::now();
    let (settle_actions, _, _) = c.reconcile_all();
    let settle = t3.elapsed();
    assert_eq!(settle_actions, 0);

    println!("swarm_bench: {NODES} nodes, {SERVICES} services x {REPLICAS} replicas");
    println!("  build nodes + specs:                {setup:?}");
    println!(
        "  initial reconcile + place {placed} tasks: {initial:?} ({actions} actions, {:.2} µs/task)",
        initial.as_secs_f64() * 1e6 / placed as f64
    );
    println!(
        "  kill {KILLED} nodes -> {lost} tasks lost; reconcile + place every replacement: {failover:?} ({fail_actions} actions)"
    );
    println!("  steady-state reconcile (no change):  {settle:?}");
    println!(
        "  tasks per node now: {}..{}",
        {
            c.nodes
                .values()
                .filter(|n| n.status == NodeStatus::Ready)
                .map(|n| n.total_tasks)
                .min()
                .unwrap()
        },
        c.nodes.values().map(|n| n.total_tasks).max().unwrap()
    );
}
