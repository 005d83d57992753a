//! Benchmarks and memory measurements of the swarm at scale (not timed tests: they print what
//! they measure and assert only outcomes, never a wall-clock time):
//!
//! - `reconcile_1000_nodes_30000_tasks_then_kill_100`: SwarmKit-style reconciliation alone
//!   (orchestrator + scheduler, no world): 1,000 nodes, 100 services × 300 replicas = 30,000
//!   tasks, then 100 nodes die and every replacement is placed.
//! - `world_1000_engines_30000_tasks_then_kill_100`: the same through the whole simulation: a
//!   `World` whose 1,000 machines each own a Docker engine and disk, 100 `docker service create`,
//!   every task an engine container on its node, then 100 `! kill node-N` and every step until
//!   the 3,000 replacements run. Also the bytes the world takes per node (a counting allocator).
//! - `timeline_12_nodes_1000_steps_memory`: the bytes a `Timeline` (start world, keyframes,
//!   records, current world) retains after 1,000 steps of a 12-node lab (3 managers, 9 workers)
//!   with services, traffic, node kills, rolling updates and scaling.
//!
//! Each figure is printed twice: a labelled line for a person, then `BENCH name=… value=…` (the
//! unit is the name's suffix: `_ms`, `_bytes`) for a script, with the same names natively and in
//! WebAssembly, so the two runs can be put side by side. The scale budget is
//! `scale_kill100_place_ms` (≤ 30 ms natively, wasm within 2× of that).
//!
//! Natively, in release: `make bench` (`cargo test --release --no-default-features --test
//! swarm_bench -- --ignored --nocapture --test-threads=1`); in WebAssembly in headless
//! Chromium: `make bench-wasm` (`scripts/bench-wasm.sh`). Wall-clock time is measured here
//! only, never inside `sim/`.

use dockyard::sim::swarm::cluster::{NodeStatus, Role};
use dockyard::sim::swarm::orchestrator::{
    Action, RestartTracker, ServiceMode, ServiceSpec, reconcile,
};
use dockyard::sim::swarm::scheduler::{NodeInfo, TaskSpec, place_batch};
use dockyard::sim::swarm::task::{Task, TaskState};
use dockyard::sim::{Fault, Input, Timeline, World, step};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

// In the browser, printing goes to the console the runner shows (a macro applies only to the code
// after it, so this comes first).
#[cfg(target_arch = "wasm32")]
macro_rules! println {
    ($($t:tt)*) => { wasm_bindgen_test::console_log!($($t)*) };
}

/// Every allocation of this test binary goes through here, so a test can read how many bytes
/// are live (allocated and not yet freed) before and after building something.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

fn grew(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes allocated and not freed right now.
fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The most bytes live at once since the last call.
fn take_peak() -> usize {
    PEAK.swap(live_bytes(), Ordering::Relaxed)
}

/// The measurements read one process-wide counter: one test at a time, whatever the harness's
/// thread count.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A figure for a person (`label: value unit`) and the same for a script
/// (`BENCH name=… value=…`): `make bench` and `make bench-wasm` print the same names.
fn figure(label: &str, name: &str, value: f64) {
    let (text, unit) = if name.ends_with("_ms") {
        (format!("{value:.1}"), " ms")
    } else {
        (format!("{value:.0}"), " bytes")
    };
    println!("  {label}: {text}{unit}");
    println!("BENCH name={name} value={text}");
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

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
#[wasm_bindgen_test::wasm_bindgen_test]
fn wasm_reconcile_1000_nodes_30000_tasks_then_kill_100() {
    reconcile_1000_nodes_30000_tasks_then_kill_100();
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn wasm_world_1000_engines_30000_tasks_then_kill_100() {
    world_1000_engines_30000_tasks_then_kill_100();
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn wasm_timeline_12_nodes_1000_steps_memory() {
    timeline_12_nodes_1000_steps_memory();
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

/// The reconcile benchmark's runs: each builds the cluster afresh; the figures are the medians
/// (one run on a shared machine can be off by half).
const ROUNDS: usize = 5;

/// The median of `values` (sorted here), and the spread as `min..max`.
fn median(values: &mut [f64]) -> (f64, String) {
    dockyard::sim::order::sort_by(values, f64::total_cmp);
    let spread = format!("{:.1}..{:.1} ms", values[0], values[values.len() - 1]);
    (values[values.len() / 2], spread)
}

#[test]
#[ignore]
fn reconcile_1000_nodes_30000_tasks_then_kill_100() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let runs: Vec<ReconcileRun> = (0..ROUNDS).map(|_| reconcile_run()).collect();
    let pick = |f: fn(&ReconcileRun) -> f64| median(&mut runs.iter().map(f).collect::<Vec<_>>());
    let (failover, failover_spread) = pick(|r| r.failover_ms);
    let (initial, initial_spread) = pick(|r| r.initial_ms);
    let (settle, settle_spread) = pick(|r| r.settle_ms);
    println!("  the medians of {ROUNDS} runs (min..max):");
    println!("    kill 100 nodes, reconcile + place: {failover_spread}");
    println!("    initial reconcile + place:         {initial_spread}");
    println!("    steady-state reconcile:            {settle_spread}");
    figure(
        "kill 100 nodes, reconcile + place the replacements (the scale budget: <= 30 ms natively)",
        "scale_kill100_place_ms",
        failover,
    );
    figure(
        "initial reconcile + place 30000 tasks",
        "scale_initial_place_ms",
        initial,
    );
    figure(
        "steady-state reconcile (no change)",
        "scale_steady_reconcile_ms",
        settle,
    );
    figure(
        "memory per node, as the scheduler sees it (NodeInfo, its key, the specs)",
        "scale_reconcile_bytes_per_node",
        runs[0].bytes_per_node,
    );
    figure(
        "memory per task, in the store (Task, the node's counts)",
        "scale_reconcile_bytes_per_task",
        runs[0].bytes_per_task,
    );
}

/// What one run of the reconcile benchmark measured.
struct ReconcileRun {
    initial_ms: f64,
    failover_ms: f64,
    settle_ms: f64,
    bytes_per_node: f64,
    bytes_per_task: f64,
}

/// 1,000 nodes, 100 services × 300 replicas placed, 100 nodes down, every replacement placed,
/// then a pass that must change nothing; prints what it saw and returns the figures.
fn reconcile_run() -> ReconcileRun {
    let before = live_bytes();
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
    let empty_bytes = live_bytes() - before;

    let t1 = Instant::now();
    let (actions, placed, pending) = c.reconcile_all();
    let initial = t1.elapsed();
    let full_bytes = live_bytes() - before;
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
    ReconcileRun {
        initial_ms: initial.0,
        failover_ms: failover.0,
        settle_ms: settle.0,
        bytes_per_node: empty_bytes as f64 / NODES as f64,
        bytes_per_task: (full_bytes - empty_bytes) as f64 / placed as f64,
    }
}

/// Tasks wanted running that run on a machine that is on.
fn running_on_live_machines(world: &World) -> usize {
    let swarm = &world.swarm;
    swarm
        .tasks
        .iter()
        .filter(|t| t.state == TaskState::Running && t.desired_state == TaskState::Running)
        .filter(|t| {
            t.node_id
                .as_ref()
                .and_then(|id| swarm.nodes.get(id))
                .and_then(|n| swarm.machines.get(&n.hostname))
                .is_some_and(|m| m.up)
        })
        .count()
}

/// Steps until `done` holds; returns the steps taken. Panics past `max` steps.
fn run_until(world: &mut World, max: usize, done: impl Fn(&World) -> bool) -> usize {
    let mut steps = 0;
    while !done(world) {
        assert!(step(world).is_some(), "the world went quiet before the end");
        steps += 1;
        assert!(steps <= max, "still not done after {max} steps");
    }
    steps
}

/// Containers of running tasks across every machine's engine.
fn task_containers(world: &World) -> usize {
    world
        .swarm
        .machines
        .keys()
        .filter_map(|h| world.engine_of(h))
        .map(|e| e.containers.len())
        .sum()
}

#[test]
#[ignore]
fn world_1000_engines_30000_tasks_then_kill_100() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = live_bytes();
    let t0 = Instant::now();
    let mut world = World::new(1);
    dockyard::sim::swarm::setup::form(&mut world, 3, NODES - 3);
    let setup = t0.elapsed();
    let empty_bytes = live_bytes() - before;

    let t1 = Instant::now();
    for s in 0..SERVICES {
        world.submit(Input::Command(format!(
            "docker service create -d --name app{s} --replicas {REPLICAS} --reserve-cpu 0.05 --reserve-memory 64M dockyard/web:1.0"
        )));
        let record = step(&mut world).expect("an input is a step");
        assert!(!record.error, "{:?}", record.terminal);
    }
    let create = t1.elapsed();
    let total = SERVICES * REPLICAS as usize;
    let t2 = Instant::now();
    let converge_steps = run_until(&mut world, 1_000, |w| running_on_live_machines(w) == total);
    let converge = t2.elapsed();
    assert_eq!(task_containers(&world), total);
    let full_bytes = live_bytes() - before;

    let t3 = Instant::now();
    let copy = world.clone();
    let clone = t3.elapsed();
    drop(copy);

    // 100 machines lose power (node-1, the terminal's, stays up)
    let doomed: Vec<String> = (0..KILLED)
        .map(|k| format!("node-{}", 2 + k * (NODES / KILLED)))
        .collect();
    let lost: usize = world
        .swarm
        .tasks
        .iter()
        .filter(|t| t.desired_state == TaskState::Running)
        .filter(|t| {
            let host = t.node_id.as_ref().map(|id| &world.swarm.nodes[id].hostname);
            host.is_some_and(|h| doomed.contains(h))
        })
        .count();
    let t4 = Instant::now();
    for host in &doomed {
        world.submit(Input::Fault(Fault::Machine {
            machine: host.clone(),
            up: false,
        }));
        let record = step(&mut world).expect("an input is a step");
        assert!(!record.error, "{:?}", record.terminal);
    }
    let kill = t4.elapsed();
    assert_eq!(running_on_live_machines(&world), total - lost);

    // The managers notice (15 s without heartbeats), replace and place every lost task.
    let replacements = |w: &World| {
        w.swarm
            .tasks
            .iter()
            .filter(|t| t.desired_state == TaskState::Running && t.state == TaskState::Pending)
            .count()
    };
    let t5 = Instant::now();
    let down_steps = run_until(&mut world, 10_000, |w| {
        doomed.iter().all(|h| {
            w.swarm
                .node_of(h)
                .is_some_and(|n| n.status == NodeStatus::Down)
        }) && replacements(w) == 0
    });
    let placed = t5.elapsed();
    let t6 = Instant::now();
    let run_steps = run_until(&mut world, 10_000, |w| running_on_live_machines(w) == total);
    let running = t6.elapsed();

    println!(
        "swarm_bench (world): {NODES} machines with an engine each, {SERVICES} services x {REPLICAS} replicas"
    );
    println!("  form the swarm:                     {setup:?}");
    println!(
        "  memory: {} for the formed swarm ({} bytes per node); {} with every task running ({} bytes per node, {} per task container)",
        mb(empty_bytes),
        empty_bytes / NODES,
        mb(full_bytes),
        full_bytes / NODES,
        (full_bytes - empty_bytes) / total
    );
    println!("  {SERVICES} x docker service create -d:     {create:?}");
    println!("  until {total} tasks run:           {converge:?} ({converge_steps} steps)");
    println!("  World::clone (every typed command): {clone:?}");
    println!("  ! kill x {KILLED}:                        {kill:?} ({lost} tasks lost)");
    println!(
        "  nodes Down + {lost} replacements placed: {placed:?} ({down_steps} steps, {:.1} µs/replacement)",
        placed.as_secs_f64() * 1e6 / lost as f64
    );
    println!("  until the replacements run:         {running:?} ({run_steps} steps)");
    println!(
        "  total, kill to all running:         {:?}",
        Elapsed(kill.0 + placed.0 + running.0)
    );
    figure(
        "whole world: nodes Down + every replacement placed (100 steps)",
        "scale_world_kill100_place_ms",
        placed.0,
    );
    figure(
        "whole world: 100 kills until every replacement runs",
        "scale_world_kill_to_running_ms",
        kill.0 + placed.0 + running.0,
    );
    figure(
        "whole world: World::clone at 30000 tasks",
        "scale_world_clone_ms",
        clone.0,
    );
    figure(
        "memory per node of the formed swarm (node, machine, engine, disk)",
        "scale_world_bytes_per_node",
        empty_bytes as f64 / NODES as f64,
    );
    figure(
        "memory per task (the task and its container on its node's engine)",
        "scale_world_bytes_per_task",
        (full_bytes - empty_bytes) as f64 / total as f64,
    );
}

/// 3 managers and 9 workers, stepped to 1,000 steps the way a reader plays: services and a
/// traffic generator, then rounds of a node dying and coming back, a rolling update, scaling and
/// `docker service ps`, each input followed by the steps of the next 30 simulated seconds.
#[test]
#[ignore]
fn timeline_12_nodes_1000_steps_memory() {
    const STEPS: usize = 1_000;
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = live_bytes();
    take_peak();
    let t0 = Instant::now();
    let mut world = World::new(12);
    dockyard::sim::swarm::setup::form(&mut world, 3, 9);
    let mut timeline = Timeline::new(world);
    // An input, then every step due in the next 30 s (the reader pressing → while it happens).
    let give = |timeline: &mut Timeline, line: &str| {
        if timeline.len() >= STEPS {
            return;
        }
        let input = match line.strip_prefix('!') {
            Some(fault) => Input::Fault(Fault::parse(fault).expect("a fault")),
            None => Input::Command(line.to_string()),
        };
        timeline.submit(input);
        let until = timeline.world().now_ms + 30_000;
        while timeline.len() < STEPS && timeline.forward_until(until) {}
    };
    for line in [
        "docker network create -d overlay app",
        "docker service create -d --name web --replicas 12 --network app -p 8080:80 --update-parallelism 2 dockyard/web:1.0",
        "docker service create -d --name cache --replicas 3 --network app redis:7",
        "docker service create -d --name db --network app --mount type=volume,source=data,target=/var/lib/postgresql/data -e POSTGRES_PASSWORD=secret postgres:16",
        "docker service create -d --name edge --mode global -p 80:80 nginx:1.27",
        "!traffic start node-1:8080 20/s",
    ] {
        give(&mut timeline, line);
    }
    let mut round = 0;
    while timeline.len() < STEPS {
        let node = format!("node-{}", 4 + round % 9);
        let version = if round % 2 == 0 { "2.0" } else { "1.0" };
        let replicas = 10 + (round % 3) * 2;
        for line in [
            format!("!kill {node}"),
            format!("!start {node}"),
            format!("docker service update -d --image dockyard/web:{version} web"),
            format!("docker service scale -d web={replicas}"),
            "docker service ps web".to_string(),
            "curl http://node-2:8080/".to_string(),
        ] {
            give(&mut timeline, &line);
        }
        round += 1;
    }
    let build = t0.elapsed();
    let retained = live_bytes() - before;
    let peak = take_peak() - before;
    // What the current world holds, each engine counted whole (copies share them).
    let world = timeline.world();
    let mut engines = 0;
    for host in world.swarm.machines.keys() {
        let engine = world.engine_of(host).expect("every machine has an engine");
        let engine_before = live_bytes();
        let copy = engine.clone();
        engines += live_bytes() - engine_before;
        drop(copy);
    }
    let world_before = live_bytes();
    let copy = world.clone();
    let world_bytes = live_bytes() - world_before;
    drop(copy);
    let containers = task_containers(timeline.world());
    let records_before = live_bytes();
    let records = timeline.records().to_vec();
    let records_bytes = live_bytes() - records_before;
    drop(records);
    println!(
        "swarm_bench (timeline): 12 machines (3 managers, 9 workers), {} steps in {round} rounds, {containers} containers now, {} simulated s",
        timeline.len(),
        timeline.world().now_ms / 1000
    );
    println!("  built in {build:?}");
    println!(
        "  the timeline retains {} (peak while stepping {}): the records {}, the worlds (start, the keyframes, the current one) {}",
        mb(retained),
        mb(peak),
        mb(records_bytes),
        mb(retained - records_bytes),
    );
    println!(
        "  the current world: its 12 engines {} ({} per machine); a copy of it {} (it shares the engines)",
        mb(engines),
        engines / 12,
        mb(world_bytes),
    );
    // In the browser: the WebAssembly memory, which grows to the most the page ever used and
    // stays there, so it is this test's own figure only when it runs alone
    // (`scripts/bench-wasm.sh timeline`).
    #[cfg(target_arch = "wasm32")]
    println!(
        "  wasm linear memory now: {} (the page's high-water mark, the tests before included)",
        mb(core::arch::wasm32::memory_size::<0>() * 65_536)
    );
    figure(
        "the timeline retains",
        "timeline_1000_steps_retained_bytes",
        retained as f64,
    );
    assert!(timeline.len() >= STEPS);
}
