//! Rolling updates and rollbacks: replacing a service's dirty tasks a few at a time.
//!
//! Real SwarmKit (`manager/orchestrator/update/updater.go`): when a service's task template
//! changes, the updater replaces each dirty slot, `parallelism` slots at a time (0 = all at
//! once), waiting `delay` after each. With `order: stop-first` the old task is shut down first and
//! the new one (desired `ready`) starts once it has stopped; with `start-first` the new task starts
//! first and the old one is shut down once the new one runs. Each new task is watched for
//! `monitor` (default 5 s) after it starts: a task that fails, or does not reach `running`,
//! counts as a failure, and once failures exceed `max_failure_ratio` (default 0: the first one)
//! the `failure_action` applies: `pause` (`UpdateStatus` paused, `update paused due to failure or
//! early termination of task <id>`), `continue`, or `rollback` (the previous spec comes back and
//! is rolled out with `rollback_config`: `update rolled back due to failure or early termination
//! of task <id>`). `docker service rollback` does the same by hand (`manually requested
//! rollback`). When every slot is updated and the last monitor period is over, the update is
//! `completed` (`update completed`, `rollback completed`).
//!
//! We keep the updater's progress per service ([`Progress`]) in the swarm's store (SwarmKit
//! keeps it in the leader's memory and restarts it after a leader change; so do we: a new leader
//! finds the dirty tasks and carries on). Simplified: slots are taken lowest first; a paused
//! update resumes only with a new `docker service update`.

use super::service::{FailureAction, UpdateConfig, UpdateOrder, UpdateState, UpdateStatus};
use super::task::{Task, TaskState};
use crate::sim::time::Millis;
use crate::sim::{Record, World};
use std::collections::BTreeMap;

/// One slot being replaced.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct InFlight {
    pub old_task: String,
    pub new_task: String,
}

/// The updater's memory for one service.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Progress {
    /// Slots being replaced right now (never more than `parallelism`).
    pub in_flight: Vec<InFlight>,
    /// New tasks running, watched until `monitor` has passed: (task ID, started at).
    pub monitored: Vec<(String, Millis)>,
    /// Tasks counted as failures.
    pub failures: Vec<String>,
    /// Dirty slots when the update started (the failure ratio's denominator).
    pub total: u64,
    /// No new slot before this (`delay`).
    pub next_batch_ms: Millis,
    /// Slots updated so far.
    pub done: u64,
}

/// The config this update runs with: `rollback_config` during a rollback.
fn config(svc: &super::service::Service) -> UpdateConfig {
    match &svc.update_status {
        Some(s) if s.state.is_rollback() => svc.spec.rollback,
        _ => svc.spec.update,
    }
}

/// A live task of the service made from an older template, keyed by slot (node for global).
fn dirty_tasks(world: &World, service_id: &str) -> Vec<Task> {
    let Some(svc) = world.swarm.services.get(service_id) else {
        return Vec::new();
    };
    world
        .swarm
        .tasks
        .iter()
        .filter(|t| {
            t.service_id == service_id
                && t.desired_state <= TaskState::Running
                && !t.state.is_terminal()
                && svc.is_dirty(t.spec_version)
        })
        .cloned()
        .collect()
}

/// Start (or restart) an update of `service_id` after its spec changed.
pub fn begin(world: &mut World, service_id: &str, rollback: bool, message: &str) {
    let now = world.now_ms;
    let dirty = dirty_tasks(world, service_id).len() as u64;
    let Some(svc) = world.swarm.services.get_mut(service_id) else {
        return;
    };
    if dirty == 0 && !rollback {
        return;
    }
    svc.update_status = Some(UpdateStatus {
        state: if rollback {
            UpdateState::RollbackStarted
        } else {
            UpdateState::Updating
        },
        started_ms: now,
        completed_ms: None,
        message: message.to_string(),
    });
    world.swarm.updates.insert(
        service_id.to_string(),
        Progress {
            total: dirty,
            next_batch_ms: now,
            ..Progress::default()
        },
    );
}

/// One pass of every service's updater. `true` if anything changed.
pub fn run(world: &mut World, rec: &mut Record) -> bool {
    let ids: Vec<String> = world.swarm.updates.keys().cloned().collect();
    let mut changed = false;
    for id in ids {
        changed |= run_one(world, &id, rec);
    }
    changed
}

fn task<'a>(world: &'a World, id: &str) -> Option<&'a Task> {
    world.swarm.tasks.iter().find(|t| t.id == id)
}

fn failed(t: Option<&Task>) -> bool {
    t.is_none_or(|t| {
        matches!(
            t.state,
            TaskState::Failed | TaskState::Rejected | TaskState::Complete | TaskState::Orphaned
        ) || (t.state == TaskState::Shutdown && t.desired_state <= TaskState::Running)
    })
}

fn run_one(world: &mut World, service_id: &str, rec: &mut Record) -> bool {
    let now = world.now_ms;
    let Some(svc) = world.swarm.services.get(service_id).cloned() else {
        world.swarm.updates.remove(service_id);
        return true;
    };
    let Some(status) = svc.update_status.clone() else {
        world.swarm.updates.remove(service_id);
        return true;
    };
    if !status.state.in_progress() {
        world.swarm.updates.remove(service_id);
        return true;
    }
    let cfg = config(&svc);
    let name = svc.spec.name.clone();
    let mut p = world.swarm.updates[service_id].clone();
    let before = p.clone();
    let mut changed = false;

    // 1. Slots in flight.
    let mut still = Vec::new();
    for f in std::mem::take(&mut p.in_flight) {
        let new = task(world, &f.new_task).cloned();
        match new {
            Some(n) if n.state == TaskState::Running => {
                if cfg.order == UpdateOrder::StartFirst {
                    super::manager::set_desired(world, &f.old_task, TaskState::Shutdown);
                }
                p.monitored
                    .push((n.id.clone(), n.started_ms.unwrap_or(now)));
                p.done += 1;
                p.next_batch_ms = now + cfg.delay_ms;
                rec.say(format!(
                    "{}: the new task runs{}; the updater watches it for {} (monitor) and moves on{}.",
                    n.name(&name),
                    if cfg.order == UpdateOrder::StartFirst {
                        ", so the old one is shut down now (start-first)"
                    } else {
                        ""
                    },
                    crate::sim::time::human_duration(cfg.monitor_ms),
                    if cfg.delay_ms > 0 {
                        format!(
                            " after the update delay of {}",
                            crate::sim::time::human_duration(cfg.delay_ms)
                        )
                    } else {
                        String::new()
                    }
                ));
                changed = true;
            }
            n if failed(n.as_ref()) => {
                p.failures.push(f.new_task.clone());
                p.done += 1;
                p.next_batch_ms = now + cfg.delay_ms;
                changed = true;
            }
            _ => still.push(f),
        }
    }
    p.in_flight = still;

    // 2. The monitor window: a task that dies within it is a failure; after it, it is stable.
    let mut watched = Vec::new();
    for (id, since) in std::mem::take(&mut p.monitored) {
        let t = task(world, &id);
        if failed(t) {
            if !p.failures.contains(&id) {
                p.failures.push(id);
            }
            changed = true;
        } else if now < since + cfg.monitor_ms {
            watched.push((id, since));
        } else {
            changed = true;
        }
    }
    p.monitored = watched;

    // 3. Too many failures: the failure action.
    let ratio_exceeded = !p.failures.is_empty()
        && p.failures.len() as u64 * 1000 > cfg.max_failure_ratio_per_mille * p.total.max(1);
    if ratio_exceeded && cfg.failure_action != FailureAction::Continue {
        let culprit = p.failures.last().cloned().unwrap_or_default();
        world.swarm.updates.remove(service_id);
        let rolling_back = status.state.is_rollback();
        if cfg.failure_action == FailureAction::Rollback
            && !rolling_back
            && let Some(previous) = svc.previous_spec.clone()
        {
            {
                let message = format!(
                    "update rolled back due to failure or early termination of task {culprit}"
                );
                if let Some(s) = world.swarm.services.get_mut(service_id) {
                    s.set_spec(previous, false, now);
                }
                rec.say(format!(
                    "{name}: task {culprit} failed during the update, and failure_action is rollback: the previous spec comes back and is rolled out with the rollback_config."
                ));
                rec.title = format!("{name}: update rolled back");
                begin(world, service_id, true, &message);
                return true;
            }
        }
        let message = if rolling_back {
            format!("rollback paused due to failure or early termination of task {culprit}")
        } else {
            format!("update paused due to failure or early termination of task {culprit}")
        };
        if let Some(s) = world.swarm.services.get_mut(service_id)
            && let Some(st) = s.update_status.as_mut()
        {
            st.state = if rolling_back {
                UpdateState::RollbackPaused
            } else {
                UpdateState::Paused
            };
            st.message = message;
        }
        rec.say(format!(
            "{name}: task {culprit} failed within the monitor period, and failure_action is pause: the update stops where it is. Updated slots keep the new version, the rest keep the old one, until `docker service update` or `docker service rollback`."
        ));
        rec.title = format!("{name}: update paused");
        return true;
    }

    // 4. The next batch.
    let parallelism = if cfg.parallelism == 0 {
        u64::MAX
    } else {
        cfg.parallelism
    };
    if now >= p.next_batch_ms && (p.in_flight.len() as u64) < parallelism {
        let busy: Vec<String> = p
            .in_flight
            .iter()
            .flat_map(|f| [f.old_task.clone(), f.new_task.clone()])
            .collect();
        let mut dirty = dirty_tasks(world, service_id);
        // One per slot (a slot may hold a task being replaced already), lowest slot first.
        dirty.retain(|t| !busy.contains(&t.id));
        let slot_busy = |t: &Task, world: &World| {
            world.swarm.tasks.iter().any(|o| {
                o.service_id == t.service_id
                    && o.id != t.id
                    && o.slot == t.slot
                    && (o.slot.is_some() || o.node_id == t.node_id)
                    && o.desired_state <= TaskState::Running
                    && !o.state.is_terminal()
                    && !svc_dirty(world, o)
            })
        };
        dirty.retain(|t| !slot_busy(t, world));
        dirty.sort_by_key(|t| (t.slot, t.node_id.clone()));
        let free = parallelism - p.in_flight.len() as u64;
        for old in dirty.into_iter().take(free.min(usize::MAX as u64) as usize) {
            let new_id = super::manager::new_task_id(world);
            let version = world.swarm.services[service_id].spec_version;
            let mut t = Task::new(
                &new_id,
                service_id,
                old.slot,
                if old.slot.is_none() {
                    old.node_id.as_deref()
                } else {
                    None
                },
                version,
                now,
            );
            t.advance(TaskState::Pending, "pending task scheduling", now);
            if cfg.order == UpdateOrder::StopFirst {
                super::manager::set_desired(world, &old.id, TaskState::Shutdown);
                t.desired_state = TaskState::Ready;
                t.wait_for_task = Some(old.id.clone());
            }
            rec.say(format!(
                "{}: {} — {}.",
                old.name(&name),
                if status.state.is_rollback() {
                    "rolling back"
                } else {
                    "updating"
                },
                match cfg.order {
                    UpdateOrder::StopFirst =>
                        "stop-first: the old task stops, then the new one starts",
                    UpdateOrder::StartFirst =>
                        "start-first: the new task starts next to the old one",
                }
            ));
            rec.touch(old.name(&name));
            p.in_flight.push(InFlight {
                old_task: old.id.clone(),
                new_task: new_id,
            });
            world.swarm.tasks.push(t);
            changed = true;
        }
    }

    // 5. Done: nothing dirty, nothing in flight, nothing watched.
    if p.in_flight.is_empty() && p.monitored.is_empty() && dirty_tasks(world, service_id).is_empty()
    {
        world.swarm.updates.remove(service_id);
        if let Some(s) = world.swarm.services.get_mut(service_id)
            && let Some(st) = s.update_status.as_mut()
        {
            let rollback = st.state.is_rollback();
            st.state = if rollback {
                UpdateState::RollbackCompleted
            } else {
                UpdateState::Completed
            };
            st.completed_ms = Some(now);
            st.message = if rollback {
                "rollback completed".to_string()
            } else {
                "update completed".to_string()
            };
            rec.say(format!(
                "{name}: every slot runs the {} spec and stayed up through its monitor period: {}.",
                if rollback { "previous" } else { "new" },
                st.message
            ));
        }
        return true;
    }
    if p != before {
        world.swarm.updates.insert(service_id.to_string(), p);
    }
    changed
}

fn svc_dirty(world: &World, t: &Task) -> bool {
    world
        .swarm
        .services
        .get(&t.service_id)
        .is_none_or(|s| s.is_dirty(t.spec_version))
}

/// When the updater next has something to do: a batch after its delay, a monitor period ending.
pub fn next_due_ms(world: &World) -> Option<Millis> {
    let now = world.now_ms;
    let mut due: Option<Millis> = None;
    for (id, p) in &world.swarm.updates {
        let Some(svc) = world.swarm.services.get(id) else {
            continue;
        };
        let cfg = config(svc);
        let mut times: Vec<Millis> = p
            .monitored
            .iter()
            .map(|(_, since)| since + cfg.monitor_ms)
            .collect();
        if p.next_batch_ms > now {
            times.push(p.next_batch_ms);
        }
        if let Some(t) = times.into_iter().filter(|t| *t >= now).min() {
            due = Some(due.map_or(t, |d| d.min(t)));
        }
    }
    due
}

/// The most slots any update has in flight now, per service (for the chaos invariant).
pub fn in_flight(world: &World) -> BTreeMap<String, usize> {
    world
        .swarm
        .updates
        .iter()
        .map(|(id, p)| (id.clone(), p.in_flight.len()))
        .collect()
}
