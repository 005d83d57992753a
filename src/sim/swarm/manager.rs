//! The leader's control loops, one pass at a time: orchestrator → scheduler → task reaper, then
//! the agents' due moves.
//!
//! Real SwarmKit runs these on the Raft leader only, each watching the store: the orchestrators
//! create and shut down tasks (orchestrator.rs decides), the allocator makes new tasks `pending`,
//! the scheduler assigns pending tasks to nodes (scheduler.rs decides) or leaves them pending
//! with `no suitable node (…)`, the dispatcher hands assignments to the agents (agent.rs), the
//! restart supervisor promotes delayed restarts to `running` once their delay is over and the
//! old task has stopped, and the task reaper keeps 5 tasks per slot. Without a leader (quorum
//! lost) none of this runs: running containers keep running, nothing is created, scheduled or
//! replaced.
//!
//! We run a pass after every live step and on `Event::SwarmWork`, which sits on the agenda at the
//! earliest due agent move or delayed start. Each pass is idempotent: applying the orchestrator's
//! actions makes the next pass return none. Simplified: the allocator's network work is instant;
//! the rolling updater (update.rs) runs in the same pass.

use super::orchestrator::{self, Action};
use super::scheduler::{self, NodeInfo};
use super::task::{self, Task, TaskState};
use crate::sim::event::Event;
use crate::sim::order::CollectOrdered;
use crate::sim::time::Millis;
use crate::sim::{Record, World};
use std::collections::BTreeMap;

/// The scheduler's view of every node: spec, status and what its live tasks reserve.
pub fn node_infos(world: &World) -> BTreeMap<String, NodeInfo> {
    let swarm = &world.swarm;
    let mut infos = node_specs(world);
    for t in &swarm.tasks {
        if t.desired_state > TaskState::Running || t.state.is_terminal() {
            continue;
        }
        let (Some(node), Some(svc)) = (&t.node_id, swarm.services.get(&t.service_id)) else {
            continue;
        };
        if t.state < TaskState::Assigned {
            continue;
        }
        if let Some(info) = infos.get_mut(node) {
            info.add_task(&t.service_id, &svc.template_of(t.spec_version).placement);
        }
    }
    infos
}

/// Every node's spec and status, without the tasks it runs: what the orchestrators look at.
fn node_specs(world: &World) -> BTreeMap<String, NodeInfo> {
    let swarm = &world.swarm;
    let mut infos = BTreeMap::new();
    for node in swarm.nodes.values() {
        let (cpus, memory) = swarm
            .machines
            .get(&node.hostname)
            .map(|m| (u64::from(m.cpus), m.memory_bytes))
            .unwrap_or((0, 0));
        let mut info = NodeInfo::new(
            &node.id,
            &node.hostname,
            node.role,
            cpus * 1_000_000_000,
            memory,
        );
        info.availability = node.availability;
        info.status = node.status;
        info.labels = node.labels.clone();
        infos.insert(node.id.clone(), info);
    }
    infos
}

/// One manager pass (leader only). `true` if the store changed. Every decision is a write to
/// the Raft store, which commits only with a quorum: a leader that lost its quorum (and has not
/// yet stepped down by CheckQuorum) decides nothing (SwarmKit's proposals time out).
pub fn reconcile(world: &mut World, rec: &mut Record) -> bool {
    if !world.swarm.active() || world.swarm.leader().is_none() || !world.swarm.raft.has_quorum() {
        return false;
    }
    let mut changed = orchestrate(world, rec);
    changed |= super::update::run(world, rec);
    changed |= start_delayed(world, rec);
    changed |= schedule(world, rec);
    changed |= orphan(world, rec);
    changed |= reap(world);
    changed
}

/// SwarmKit dispatcher `defaultNodeDownPeriod`: 24 h after a node went down, its tasks that
/// never reported an end are marked `orphaned` (and the reaper may then delete them).
pub const ORPHAN_AFTER_MS: Millis = 24 * 3_600_000;

/// When the tasks of the down machine `host` become orphaned, if it is down.
fn orphan_due_ms(world: &World, host: &str) -> Option<Millis> {
    let m = world.swarm.machines.get(host)?;
    let node = world.swarm.nodes.get(m.node_id.as_ref()?)?;
    if node.status != super::cluster::NodeStatus::Down {
        return None;
    }
    m.silent_since_ms
        .map(|s| s + super::control::NODE_DOWN_AFTER_MS + ORPHAN_AFTER_MS)
}

fn orphan(world: &mut World, rec: &mut Record) -> bool {
    let now = world.now_ms;
    let due: Vec<String> = world
        .swarm
        .nodes
        .values()
        .filter(|n| orphan_due_ms(world, &n.hostname).is_some_and(|d| d <= now))
        .map(|n| n.id.clone())
        .collect();
    if due.is_empty() {
        return false;
    }
    let mut changed = false;
    for t in world.swarm.tasks.iter_mut() {
        if t.node_id.as_ref().is_some_and(|n| due.contains(n))
            && !t.state.is_terminal()
            && t.state >= TaskState::Assigned
        {
            t.advance(TaskState::Orphaned, "orphaned", now);
            t.container_up = false;
            t.due_ms = None;
            changed = true;
        }
    }
    if changed {
        rec.say("Tasks on a node that has been down for 24 hours are marked orphaned: the managers stop waiting to hear how they ended.");
    }
    changed
}

/// The orchestrators: every service's actions, applied.
fn orchestrate(world: &mut World, rec: &mut Record) -> bool {
    let now = world.now_ms;
    // The orchestrators look at the nodes' status, availability and labels, not at what they run.
    let nodes = node_specs(world);
    let services: Vec<_> = world
        .swarm
        .services
        .values()
        .map(|s| s.orchestrator_spec())
        .collect();
    // Each service's tasks, in creation order, found in one pass over the store (a service's
    // actions only add tasks of its own and change its own tasks' desired state, so the other
    // services' lists stay right).
    let mut mine: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for run in runs_by_service(&world.swarm.tasks) {
        let service_id = &world.swarm.tasks[run.start].service_id;
        match mine.get_mut(service_id) {
            Some(list) => list.extend(run),
            None => {
                mine.insert(service_id.clone(), run.collect());
            }
        }
    }
    let mut changed = false;
    for spec in services {
        let indices = mine.get(&spec.id).map(Vec::as_slice).unwrap_or_default();
        let tasks: Vec<&Task> = indices.iter().map(|&i| &world.swarm.tasks[i]).collect();
        let mut tracker = std::mem::take(&mut world.swarm.restarts);
        let actions = orchestrator::reconcile_tasks(&spec, &tasks, &nodes, &mut tracker, now);
        world.swarm.restarts = tracker;
        if actions.is_empty() {
            continue;
        }
        changed = true;
        narrate(&actions, rec);
        for action in actions {
            apply(world, &spec, indices, action, rec);
        }
    }
    changed
}

fn narrate(actions: &[Action], rec: &mut Record) {
    const SHOWN: usize = 6;
    for a in actions.iter().take(SHOWN) {
        rec.say(a.why().to_string());
    }
    if actions.len() > SHOWN {
        rec.say(format!(
            "… and {} more decisions like these.",
            actions.len() - SHOWN
        ));
    }
}

/// A new task ID (25 characters of base 36, as SwarmKit's `identity.NewID`).
pub fn new_task_id(world: &mut World) -> String {
    super::cluster::base36(&mut world.rng, 25)
}

/// The store's tasks as runs of consecutive tasks of one service (a service's tasks are mostly
/// created together), so that grouping them by service costs a lookup per run, not per task.
fn runs_by_service(tasks: &[Task]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        let first = tasks.get(start)?;
        let len = tasks[start..]
            .iter()
            .take_while(|t| t.service_id == first.service_id)
            .count();
        let run = start..start + len;
        start += len;
        Some(run)
    })
}

/// Applies one of the orchestrator's actions for the service whose tasks are at `indices`.
fn apply(
    world: &mut World,
    spec: &orchestrator::ServiceSpec,
    indices: &[usize],
    action: Action,
    rec: &mut Record,
) {
    let now = world.now_ms;
    match action {
        Action::CreateTask {
            slot,
            node_id,
            desired_state,
            start_at_ms,
            wait_for_task,
            ..
        } => {
            let id = new_task_id(world);
            let mut t = Task::new(
                &id,
                &spec.id,
                slot,
                node_id.as_deref(),
                spec.spec_version,
                now,
            );
            t.desired_state = desired_state;
            t.start_at_ms = start_at_ms;
            t.wait_for_task = wait_for_task;
            // The allocator has nothing to wait for here: straight to pending.
            t.advance(TaskState::Pending, "pending task scheduling", now);
            rec.touch(t.name(&spec.name));
            world.swarm.tasks.push(t);
        }
        Action::ShutdownTask { task_id, .. } => {
            set_desired_among(world, indices, &task_id, TaskState::Shutdown)
        }
        Action::RemoveTask { task_id, .. } => {
            set_desired_among(world, indices, &task_id, TaskState::Remove)
        }
    }
}

/// [`set_desired`] looking only at the tasks at `indices` (the service's).
fn set_desired_among(world: &mut World, indices: &[usize], task_id: &str, desired: TaskState) {
    if let Some(&i) = indices
        .iter()
        .find(|&&i| world.swarm.tasks[i].id == task_id)
    {
        let t = &mut world.swarm.tasks[i];
        if t.desired_state < desired {
            t.desired_state = desired;
        }
    }
}

pub fn set_desired(world: &mut World, task_id: &str, desired: TaskState) {
    if let Some(t) = world.swarm.tasks.iter_mut().find(|t| t.id == task_id)
        && t.desired_state < desired
    {
        t.desired_state = desired;
    }
}

/// The restart supervisor: a delayed restart (`desired ready`) starts once its delay is over and
/// the task it replaces has stopped.
fn start_delayed(world: &mut World, rec: &mut Record) -> bool {
    let now = world.now_ms;
    let mut promote = Vec::new();
    for (i, t) in world.swarm.tasks.iter().enumerate() {
        if t.desired_state != TaskState::Ready || t.start_at_ms > now {
            continue;
        }
        let old_stopped = match &t.wait_for_task {
            None => true,
            Some(old) => world
                .swarm
                .tasks
                .iter()
                .find(|o| &o.id == old)
                .is_none_or(|o| o.state.is_terminal() || !o.container_up),
        };
        if old_stopped {
            promote.push(i);
        }
    }
    for &i in &promote {
        let t = &mut world.swarm.tasks[i];
        t.desired_state = TaskState::Running;
        t.wait_for_task = None;
        let name = world
            .swarm
            .services
            .get(&t.service_id)
            .map(|s| t.name(&s.spec.name))
            .unwrap_or_default();
        rec.say(format!(
            "{name}: the restart delay is over, so the replacement task is told to start."
        ));
    }
    !promote.is_empty()
}

/// The scheduler: every pending task gets a node, or stays pending with SwarmKit's reason.
fn schedule(world: &mut World, rec: &mut Record) -> bool {
    let now = world.now_ms;
    // Pending tasks grouped by service, in creation order (SwarmKit batches per service).
    let mut by_service: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, t) in world.swarm.tasks.iter().enumerate() {
        if t.state == TaskState::Pending && t.desired_state <= TaskState::Running {
            by_service.entry(t.service_id.clone()).or_default().push(i);
        }
    }
    if by_service.is_empty() {
        return false;
    }
    let mut nodes = node_infos(world);
    let mut changed = false;
    let mut assigned: BTreeMap<String, u64> = BTreeMap::new();
    for (service_id, list) in by_service {
        let Some(svc) = world.swarm.services.get(&service_id) else {
            continue;
        };
        let name = svc.spec.name.clone();
        let (global, unplaced): (Vec<usize>, Vec<usize>) = list
            .into_iter()
            .partition(|&i| world.swarm.tasks[i].node_id.is_some());
        let mut results: Vec<(usize, Result<String, scheduler::NoSuitableNode>)> = Vec::new();
        for i in global {
            let t = &world.swarm.tasks[i];
            let spec = &svc.template_of(t.spec_version).placement;
            let node_id = t.node_id.clone().unwrap_or_default();
            let result = match nodes.get_mut(&node_id) {
                Some(node) => scheduler::place_on(node, spec, &service_id).map(|()| {
                    node.add_task(&service_id, spec);
                    node_id.clone()
                }),
                None => Err(scheduler::NoSuitableNode {
                    explanation: String::new(),
                }),
            };
            results.push((i, result));
        }
        if !unplaced.is_empty() {
            let version = world.swarm.tasks[unplaced[0]].spec_version;
            let spec = svc.template_of(version).placement.clone();
            let placed = scheduler::place_batch(&mut nodes, &spec, &service_id, unplaced.len());
            results.extend(unplaced.into_iter().zip(placed));
        }
        for (i, result) in results {
            let t = &mut world.swarm.tasks[i];
            match result {
                Ok(node_id) => {
                    t.node_id = Some(node_id.clone());
                    t.error.clear();
                    t.advance(TaskState::Assigned, "scheduler assigned task to node", now);
                    let host = world
                        .swarm
                        .nodes
                        .get(&node_id)
                        .map(|n| n.hostname.clone())
                        .unwrap_or_default();
                    *assigned.entry(format!("{name} → {host}")).or_insert(0) += 1;
                    rec.touch(host);
                    changed = true;
                }
                Err(why) => {
                    let text = why.to_string();
                    if t.error != text {
                        rec.say(format!(
                            "{}: stays pending, {text}. The scheduler tries again whenever a node changes.",
                            t.name(&name)
                        ));
                        t.error = text;
                        changed = true;
                    }
                }
            }
        }
    }
    if !assigned.is_empty() {
        let list: Vec<String> = assigned
            .iter()
            .map(|(k, n)| {
                if *n == 1 {
                    k.clone()
                } else {
                    format!("{k} ×{n}")
                }
            })
            .collect();
        rec.say(format!(
            "The scheduler assigns: {} (spread: fewest tasks of the service first, then fewest tasks overall).",
            list.join(", ")
        ));
    }
    changed
}

/// The task reaper: removed tasks once stopped, and history beyond 5 per slot.
fn reap(world: &mut World) -> bool {
    let before = world.swarm.tasks.len();
    let mut gone: std::collections::BTreeSet<String> = world
        .swarm
        .tasks
        .iter()
        .filter(|t| {
            t.desired_state == TaskState::Remove
                && (t.state.is_terminal() || t.state < TaskState::Assigned)
        })
        .map(|t| t.id.clone())
        .collect_set();
    let kept: Vec<&task::Task> = world
        .swarm
        .tasks
        .iter()
        .filter(|t| !gone.contains(&t.id))
        .collect();
    let pruned = task::prune_history_of(&kept, task::DEFAULT_TASK_HISTORY_LIMIT);
    gone.extend(pruned);
    // Tasks of removed services, once stopped.
    let services = &world.swarm.services;
    gone.extend(
        world
            .swarm
            .tasks
            .iter()
            .filter(|t| {
                !services.contains_key(&t.service_id)
                    && (t.state.is_terminal() || t.state < TaskState::Assigned)
            })
            .map(|t| t.id.clone()),
    );
    if !gone.is_empty() {
        let (removed, tasks): (Vec<task::Task>, Vec<task::Task>) =
            std::mem::take(&mut world.swarm.tasks)
                .into_iter()
                .partition(|t| gone.contains(&t.id));
        world.swarm.tasks = tasks;
        // A deleted task's container goes with it (the agent removes it from its engine).
        super::agent::remove_containers(world, &removed);
    }
    let mut used: BTreeMap<&str, std::collections::BTreeSet<u64>> = BTreeMap::new();
    let tasks = &world.swarm.tasks;
    for run in runs_by_service(tasks) {
        let versions = used.entry(&tasks[run.start].service_id).or_default();
        versions.extend(tasks[run].iter().map(|t| t.spec_version));
    }
    for svc in world.swarm.services.values_mut() {
        svc.prune_versions(&used.remove(svc.id.as_str()).unwrap_or_default());
    }
    world.swarm.tasks.len() != before
}

/// After every live step and on `Event::SwarmWork`: agents, then the leader's loops, then the
/// agents again for what the leader just decided. `true` if anything changed.
pub fn settle(world: &mut World, rec: &mut Record) -> bool {
    if !world.swarm.active() {
        return false;
    }
    let mut changed = super::agent::run(world, rec);
    for _ in 0..3 {
        let more = reconcile(world, rec) | super::agent::run(world, rec);
        changed |= more;
        if !more {
            break;
        }
    }
    schedule_work(world);
    changed
}

/// `Event::SwarmWork`: something is due.
pub fn on_work(world: &mut World, rec: &mut Record) -> bool {
    let changed = settle(world, rec) || super::services::verify_due(world);
    if changed && rec.title.is_empty() {
        rec.title = work_title(world);
    }
    changed
}

/// "web: 3 running", the gist of a work step for the timeline.
fn work_title(world: &World) -> String {
    let mut parts = Vec::new();
    for svc in world.swarm.services.values() {
        let mut counts: BTreeMap<TaskState, u64> = BTreeMap::new();
        for t in world
            .swarm
            .tasks
            .iter()
            .filter(|t| t.service_id == svc.id && t.desired_state <= TaskState::Running)
        {
            *counts.entry(t.state).or_insert(0) += 1;
        }
        let text: Vec<String> = counts
            .iter()
            .rev()
            .map(|(s, n)| format!("{n} {}", s.as_str()))
            .collect();
        if !text.is_empty() {
            parts.push(format!("{}: {}", svc.spec.name, text.join(", ")));
        }
    }
    if parts.is_empty() {
        "tasks stop".to_string()
    } else {
        parts.join("; ")
    }
}

/// Keep one `Event::SwarmWork` at the earliest due agent move, delayed start or update step.
pub fn schedule_work(world: &mut World) {
    world.agenda.cancel(|e| matches!(e, Event::SwarmWork));
    let now = world.now_ms;
    let mut due: Option<Millis> = super::agent::next_due_ms(world);
    let leader = world.swarm.leader().is_some();
    if leader {
        let delayed = world
            .swarm
            .tasks
            .iter()
            .filter(|t| t.desired_state == TaskState::Ready && t.start_at_ms > now)
            .map(|t| t.start_at_ms)
            .min();
        let orphans = world
            .swarm
            .machines
            .keys()
            .filter_map(|h| orphan_due_ms(world, h))
            .filter(|d| *d > now)
            .min();
        due = [due, delayed, orphans, super::update::next_due_ms(world)]
            .into_iter()
            .flatten()
            .min();
    }
    // A CLI verifying a converged service wakes up when its monitor period ends.
    let verify = world
        .shell
        .waiting
        .iter()
        .filter_map(|w| match w {
            crate::sim::world::Waiter::Service {
                service_id,
                converged_since_ms: Some(since),
                ..
            } => world
                .swarm
                .services
                .get(service_id)
                .map(|s| since + s.spec.update.monitor_ms),
            _ => None,
        })
        .filter(|at| *at > now)
        .min();
    due = [due, verify].into_iter().flatten().min();
    if let Some(at) = due {
        world.schedule_in(at.saturating_sub(now), Event::SwarmWork);
    }
}

/// Tasks of `service_id` that are running and wanted, for `docker service ls` REPLICAS.
pub fn running_count(world: &World, service_id: &str) -> u64 {
    world
        .swarm
        .tasks
        .iter()
        .filter(|t| {
            t.service_id == service_id
                && t.state == TaskState::Running
                && t.desired_state == TaskState::Running
        })
        .count() as u64
}
