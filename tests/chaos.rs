//! Chaos over many seeds: a 3-manager, 2-worker swarm running two services takes random node
//! kills and restarts, network partitions and heals, image updates and scales. After every step
//! the world's own invariants must hold (`World::check_invariants`, src/sim/invariants.rs: among
//! them at most one Raft leader per term, over the whole run, as raft.go's election safety
//! wants, and no container running on a machine that is off: the store may still say
//! `running`, SwarmKit only learns of it by missed heartbeats, but nothing physical survives a
//! power loss), and so must two that are SwarmKit's:
//! - no update has more slots in flight than its parallelism (updater.go's worker pool);
//! - no scheduling without quorum: a step that starts and ends without a leader creates no
//!   task and assigns none (only the leader runs the orchestrator and the scheduler).
//!
//! Then every machine is started, the network healed, and the swarm must converge: a leader,
//! every node Ready, every service at its desired replica count with all tasks running.
//! On failure the seed and the input log are printed. `RAFT_CHAOS_SEEDS=N` (shared with
//! tests/raft.rs) or `CHAOS_SEEDS=N` runs more seeds than the default 32.

mod common;

use common::Dice;
use dockyard::sim::step::step_until;
use dockyard::sim::swarm::task::TaskState;
use dockyard::sim::{Fault, Input, World};
use std::collections::{BTreeMap, BTreeSet};

const HOSTS: [&str; 5] = ["node-1", "node-2", "node-3", "node-4", "node-5"];

struct Chaos {
    world: World,
    log: Vec<String>,
    leaders: BTreeMap<u64, String>,
}

impl Chaos {
    fn new(seed: u64) -> Chaos {
        let mut world = World::new(seed);
        dockyard::sim::swarm::setup::form(&mut world, 3, 2);
        Chaos {
            world,
            log: Vec::new(),
            leaders: BTreeMap::new(),
        }
    }

    fn fail(&self, seed: u64, why: &str) -> ! {
        panic!(
            "chaos seed {seed} at {} ms: {why}\ninputs:\n  {}",
            self.world.now_ms,
            self.log.join("\n  ")
        );
    }

    fn input(&mut self, input: Input) {
        self.log
            .push(format!("@{} {}", self.world.now_ms, input.describe()));
        self.world.submit(input);
    }

    /// Run every event due up to `until_ms`, checking the invariants after each step.
    fn run_until(&mut self, seed: u64, until_ms: u64) {
        let now = self.world.now_ms;
        if until_ms > now {
            self.world.submit(Input::Advance {
                duration_ms: until_ms - now,
            });
        }
        let mut guard = 0;
        while self.world.next_due_ms().is_some_and(|d| d <= until_ms) {
            let leader_before = self.world.swarm.leader().is_some();
            let tasks_before: BTreeSet<(String, Option<String>)> = self
                .world
                .swarm
                .tasks
                .iter()
                .map(|t| (t.id.clone(), t.node_id.clone()))
                .collect();
            // Debug builds check the invariants inside the step and panic: report that with
            // the seed and the inputs too.
            let stepped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                step_until(&mut self.world, Some(until_ms))
            }));
            let Some(record) = stepped.unwrap_or_else(|panic| {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| "the step panicked".to_string());
                self.fail(seed, &why)
            }) else {
                break;
            };
            if std::env::var("CHAOS_TRACE").is_ok() {
                eprintln!("{} {}", record.at_ms, record.title);
            }
            guard += 1;
            if guard > 200_000 {
                self.fail(seed, "the simulation does not settle");
            }
            self.check(seed, leader_before, &tasks_before);
        }
    }

    fn check(
        &mut self,
        seed: u64,
        leader_before: bool,
        tasks_before: &BTreeSet<(String, Option<String>)>,
    ) {
        if let Err(why) = self.world.check_invariants() {
            self.fail(seed, &why);
        }
        let w = &self.world;
        for (host, m) in &w.swarm.raft.members {
            if m.role == dockyard::sim::swarm::raft::Role::Leader {
                self.leaders.insert(m.term, host.clone());
            }
        }
        for (service_id, in_flight) in dockyard::sim::swarm::update::in_flight(w) {
            if let Some(svc) = w.swarm.services.get(&service_id) {
                let cfg = match &svc.update_status {
                    Some(s) if s.state.is_rollback() => svc.spec.rollback,
                    _ => svc.spec.update,
                };
                if cfg.parallelism > 0 && in_flight as u64 > cfg.parallelism {
                    let why = format!(
                        "{} has {in_flight} slots in flight, parallelism {}",
                        svc.spec.name, cfg.parallelism
                    );
                    self.fail(seed, &why);
                }
            }
        }
        if !leader_before && w.swarm.leader().is_none() {
            for t in &w.swarm.tasks {
                let before = tasks_before.iter().find(|(id, _)| *id == t.id);
                match before {
                    None => {
                        let why = format!("task {} created without a leader", t.id);
                        self.fail(seed, &why);
                    }
                    Some((_, node)) if *node != t.node_id => {
                        let why = format!("task {} scheduled without a leader", t.id);
                        self.fail(seed, &why);
                    }
                    _ => {}
                }
            }
        }
    }
}

fn chaos(seed: u64) {
    let mut c = Chaos::new(seed);
    let mut dice = Dice(seed ^ 0x5eed);
    c.input(Input::Command(
        "docker service create -d --name web --replicas 4 --update-parallelism 2 nginx:1.27".into(),
    ));
    c.input(Input::Command(
        "docker service create -d --name api --replicas 2 --update-failure-action rollback dockyard/web:2.0".into(),
    ));
    let mut t = 20_000;
    c.run_until(seed, t);
    if c.world.swarm.services.len() != 2
        || c.world
            .swarm
            .tasks
            .iter()
            .filter(|t| t.state == TaskState::Running)
            .count()
            != 6
    {
        c.fail(seed, "the two services did not start");
    }
    for _ in 0..24 {
        let host = HOSTS[dice.below(HOSTS.len() as u64) as usize];
        let input = match dice.below(9) {
            0 | 1 => Input::Fault(Fault::Machine {
                machine: host.into(),
                up: false,
            }),
            2 | 3 => Input::Fault(Fault::Machine {
                machine: host.into(),
                up: true,
            }),
            4 => {
                let other = HOSTS[dice.below(HOSTS.len() as u64) as usize];
                let mut machines = vec![host.to_string()];
                if other != host {
                    machines.push(other.to_string());
                }
                Input::Fault(Fault::Partition { machines })
            }
            5 => Input::Fault(Fault::Heal),
            6 => {
                let image = ["nginx:1.27", "nginx:latest"][dice.below(2) as usize];
                Input::Command(format!("docker service update -d --image {image} web"))
            }
            7 => {
                let image = ["dockyard/web:2.0", "dockyard/web:2.1", "dockyard/web:1.0"]
                    [dice.below(3) as usize];
                Input::Command(format!("docker service update -d --image {image} api"))
            }
            _ => Input::Command(format!("docker service scale -d web={}", 1 + dice.below(6))),
        };
        c.input(input);
        t = c.world.now_ms + 1_000 + dice.below(25_000);
        c.run_until(seed, t);
    }
    // Heal everything and require convergence.
    if c.world.swarm.machines.values().any(|m| m.partition != 0) {
        c.input(Input::Fault(Fault::Heal));
    }
    for host in HOSTS {
        if !c.world.swarm.machines[host].up {
            c.input(Input::Fault(Fault::Machine {
                machine: host.into(),
                up: true,
            }));
        }
    }
    let deadline = c.world.now_ms + 180_000;
    c.run_until(seed, deadline);
    let w = &c.world;
    if std::env::var("CHAOS_VERBOSE").is_ok() {
        eprintln!(
            "seed {seed}: {} inputs, {} ms, {} tasks, terms {:?}",
            c.log.len(),
            w.now_ms,
            w.swarm.tasks.len(),
            c.leaders
        );
    }
    if w.swarm.leader().is_none() {
        c.fail(seed, "no leader after healing");
    }
    for n in w.swarm.nodes.values() {
        if n.status != dockyard::sim::swarm::cluster::NodeStatus::Ready {
            let why = format!("{} is not Ready after healing", n.hostname);
            c.fail(seed, &why);
        }
    }
    for svc in w.swarm.services.values() {
        let want = svc.replicas().unwrap_or(0);
        let wanted: Vec<_> = w
            .swarm
            .tasks
            .iter()
            .filter(|t| t.service_id == svc.id && t.desired_state == TaskState::Running)
            .collect();
        let running = wanted
            .iter()
            .filter(|t| t.state == TaskState::Running && t.container_up)
            .count() as u64;
        // A crashing image (dockyard/web:2.1 with an update paused on it) may legitimately
        // keep restarting: then every slot must at least have a live or restarting task.
        let crashing = wanted
            .iter()
            .any(|t| svc.template_of(t.spec_version).container.image == "dockyard/web:2.1");
        let slots: BTreeSet<_> = w
            .swarm
            .tasks
            .iter()
            .filter(|t| t.service_id == svc.id && t.desired_state <= TaskState::Running)
            .map(|t| t.slot)
            .collect();
        let ok = if crashing {
            slots.len() as u64 == want
        } else {
            running == want
        };
        if !ok {
            let why = format!(
                "{} did not converge: {running} of {want} running ({} slots)",
                svc.spec.name,
                slots.len()
            );
            c.fail(seed, &why);
        }
    }
}

fn seeds() -> u64 {
    std::env::var("CHAOS_SEEDS")
        .or_else(|_| std::env::var("RAFT_CHAOS_SEEDS"))
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32)
}

#[test]
fn swarm_chaos_keeps_invariants_and_converges_after_healing() {
    let first = std::env::var("CHAOS_FIRST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    for seed in first..first + seeds() {
        chaos(seed);
    }
}
