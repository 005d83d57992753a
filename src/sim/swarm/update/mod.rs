//! Rolling updates and rollbacks: replacing a service's dirty slots a few at a time.
//!
//! Real SwarmKit (`manager/orchestrator/update/updater.go`, `controlapi/service.go`):
//! - `docker service update` (and `scale`) writes the new spec, keeps the old one as
//!   `PreviousSpec` and resets `UpdateStatus` to nil; `docker service rollback` swaps `Spec` and
//!   `PreviousSpec` and sets `UpdateStatus` to `rollback_started` / `manually requested
//!   rollback`. Either way the orchestrator hands the service's slots to the update supervisor,
//!   which cancels an update working towards another spec and starts an `Updater`.
//! - The updater does nothing while the status is `paused` or `rollback_paused`. It takes the
//!   dirty slots (a slot is dirty when it holds more than one task, or one task made from an older
//!   template); with none it marks an update in progress `completed` at once. Otherwise it sets
//!   `updating` / `update in progress` (unless a rollback already set `rollback_started`) and uses
//!   `UpdateConfig`, or `RollbackConfig` during a rollback.
//! - `parallelism` workers (0 = one per dirty slot) each take a slot: a clean task already in the
//!   slot is kept and the others shut down; otherwise a new task is created with desired state
//!   `ready`. `stop-first`: the old tasks are shut down in the same batch and the new one starts
//!   once one of them has stopped (restart supervisor `DelayStart`); `start-first`: the new one
//!   starts at once and the old ones are shut down when it is `running`. The worker waits until
//!   the new task is `running` or past it, then sleeps `delay`, then takes the next slot.
//! - Unless `failure_action` is `continue`, the updater watches the service's tasks: a task it
//!   created that goes past `running` (failed, complete, shutdown, rejected) before running, or
//!   within `monitor` (default 5 s) of reaching `running`, is a failure. When failures / dirty
//!   slots > `max_failure_ratio` (default 0: the first failure), `pause` sets `paused` with
//!   `update paused due to failure or early termination of task <ID>` (`rollback_paused` during a
//!   rollback, same message); `rollback` restores `PreviousSpec` (which is then cleared), sets
//!   `rollback_started` / `update rolled back due to failure or early termination of task <ID>`,
//!   and a new updater rolls the slots back with `RollbackConfig`; a rollback never rolls back:
//!   `rollback paused due to failure or early termination of task <ID>`. After a pause the
//!   workers finish the slots they hold and take no more.
//! - When every worker is done (including its last `delay`), the updater keeps watching for one
//!   more `monitor` period, then sets `completed` / `update completed` (or
//!   `rollback_completed` / `rollback completed`).
//!
//! We keep the updater's memory ([`Progress`]) in the swarm's store rather than in the leader's
//! RAM, so a new leader carries on where the old one was (SwarmKit restarts the update from the
//! dirty slots it finds, which ends the same way). Simplified: slots are taken lowest first (Go
//! map order in SwarmKit); a slot is read when a worker takes it, not when the update starts.

pub mod model;

pub use model::{InFlight, Progress, SlotKey};

use super::service::{
    FailureAction, Service, UpdateConfig, UpdateOrder, UpdateState, UpdateStatus,
};
use super::task::{Task, TaskState};
use crate::sim::time::{Millis, short_duration};
use crate::sim::{Record, World};
use std::collections::BTreeMap;

/// The config this update runs with: `rollback_config` during a rollback.
pub fn config(svc: &Service) -> UpdateConfig {
    match &svc.update_status {
        Some(s) if s.state.is_rollback() => svc.spec.rollback,
        _ => svc.spec.update,
    }
}

/// The live tasks of each slot of the service (desired ≤ running, not finished).
fn slots(world: &World, service_id: &str) -> BTreeMap<SlotKey, Vec<Task>> {
    let mut out: BTreeMap<SlotKey, Vec<Task>> = BTreeMap::new();
    for t in world.swarm.tasks.iter().filter(|t| {
        t.service_id == service_id
            && t.desired_state <= TaskState::Running
            && !t.state.is_terminal()
    }) {
        out.entry(SlotKey::of(t)).or_default().push(t.clone());
    }
    out
}

/// SwarmKit `isSlotDirty`: more than one task, or one made from an older template.
fn slot_dirty(svc: &Service, tasks: &[Task]) -> bool {
    tasks.len() > 1 || tasks.iter().any(|t| svc.is_dirty(t.spec_version))
}

/// The slots an update would replace now.
pub fn dirty_slots(world: &World, service_id: &str) -> Vec<SlotKey> {
    let Some(svc) = world.swarm.services.get(service_id) else {
        return Vec::new();
    };
    slots(world, service_id)
        .into_iter()
        .filter(|(_, tasks)| slot_dirty(svc, tasks))
        .map(|(k, _)| k)
        .collect()
}

/// The orchestrator hands the service to the update supervisor after its spec changed (or a
/// rollback was asked for). Cancels the update in progress and starts a new one if any slot is
/// dirty; the caller sets `update_status` as controlapi does (nil for an update,
/// `rollback_started` for a rollback).
pub fn begin(world: &mut World, service_id: &str, rec: &mut Record) {
    let now = world.now_ms;
    world.swarm.updates.remove(service_id);
    let Some(svc) = world.swarm.services.get(service_id) else {
        return;
    };
    if svc
        .update_status
        .as_ref()
        .is_some_and(|s| matches!(s.state, UpdateState::Paused | UpdateState::RollbackPaused))
    {
        return;
    }
    let dirty = dirty_slots(world, service_id);
    if dirty.is_empty() {
        if svc
            .update_status
            .as_ref()
            .is_some_and(|s| s.state.in_progress())
        {
            complete(world, service_id, rec);
        }
        return;
    }
    let svc = world
        .swarm
        .services
        .get_mut(service_id)
        .expect("found above");
    if svc.update_status.is_none() {
        svc.update_status = Some(UpdateStatus {
            state: UpdateState::Updating,
            started_ms: now,
            completed_ms: None,
            message: "update in progress".to_string(),
        });
    }
    let cfg = config(svc);
    let total = dirty.len() as u64;
    world.swarm.updates.insert(
        service_id.to_string(),
        Progress {
            queue: dirty,
            total,
            workers: if cfg.parallelism == 0 {
                total
            } else {
                cfg.parallelism
            },
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

fn shut_down(world: &mut World, ids: &[String]) {
    for id in ids {
        super::manager::set_desired(world, id, TaskState::Shutdown);
    }
}

/// Long because it is one tick of SwarmKit's updater in its order (workers whose new task came up,
/// the failure watch, idle workers taking the next slots, stopping), over the same service state.
fn run_one(world: &mut World, service_id: &str, rec: &mut Record) -> bool {
    let now = world.now_ms;
    let Some(svc) = world.swarm.services.get(service_id).cloned() else {
        world.swarm.updates.remove(service_id);
        return true;
    };
    let Some(mut p) = world.swarm.updates.get(service_id).cloned() else {
        return false;
    };
    let before = p.clone();
    let rolling_back = svc
        .update_status
        .as_ref()
        .is_some_and(|s| s.state == UpdateState::RollbackStarted);
    let cfg = config(&svc);
    let name = svc.spec.name.clone();

    // 1. Workers whose new task came up (or went past running).
    let mut still = Vec::new();
    for f in std::mem::take(&mut p.in_flight) {
        let Some(n) = task(world, &f.new_task).cloned() else {
            rest(&mut p, now, cfg.delay_ms);
            continue;
        };
        if n.state < TaskState::Running {
            still.push(f);
            continue;
        }
        if let Some(entry) = p.updated.iter_mut().find(|(id, _)| *id == n.id)
            && entry.1.is_none()
        {
            entry.1 = Some(n.state_since_ms);
        }
        if n.state == TaskState::Running {
            if cfg.order == UpdateOrder::StartFirst {
                shut_down(world, &f.old_tasks);
            }
            rec.say(format!(
                "{}: the new task runs{}. The updater counts it as a failure if it stops within {} (monitor){}.",
                n.name(&name),
                if cfg.order == UpdateOrder::StartFirst {
                    ", so the old one is shut down now (start-first)"
                } else {
                    ""
                },
                short_duration(cfg.monitor_ms),
                if cfg.delay_ms > 0 {
                    format!(
                        "; this worker waits the update delay of {} before its next slot",
                        short_duration(cfg.delay_ms)
                    )
                } else {
                    String::new()
                }
            ));
        } else {
            rec.say(format!(
                "{}: the new task never reached running ({}).",
                n.name(&name),
                if n.error.is_empty() {
                    n.state.as_str()
                } else {
                    n.error.as_str()
                }
            ));
        }
        rest(&mut p, now, cfg.delay_ms);
    }
    p.in_flight = still;

    // 2. The failure watch (not with failure_action continue).
    if cfg.failure_action != FailureAction::Continue && !p.stopped {
        for (id, reached) in p.updated.clone() {
            if p.failures.contains(&id) {
                continue;
            }
            let Some(t) = task(world, &id) else {
                continue;
            };
            if t.state <= TaskState::Running {
                continue;
            }
            let within =
                reached.is_none_or(|r| t.state_since_ms.saturating_sub(r) <= cfg.monitor_ms);
            if !within {
                continue;
            }
            p.failures.push(id.clone());
            let label = t.name(&name);
            rec.say(format!(
                "{label}: task {} stopped ({}) {}: the update counts a failure ({} of {} slots).",
                &id[..12.min(id.len())],
                t.state.as_str(),
                match reached {
                    Some(r) if t.state_since_ms > r => format!(
                        "{} after it started, within the {} monitor period",
                        short_duration(t.state_since_ms - r),
                        short_duration(cfg.monitor_ms)
                    ),
                    _ => "before it ever ran".to_string(),
                },
                p.failures.len(),
                p.total
            ));
            rec.touch(label);
            if p.failures.len() as u64 * 1000 > cfg.max_failure_ratio_per_mille * p.total {
                return failure_action(world, service_id, p, &id, rolling_back, rec);
            }
        }
    }

    // 3. Idle workers take the next dirty slots.
    p.resting.retain(|t| *t > now);
    if !p.stopped {
        let mut free = p
            .workers
            .saturating_sub(p.in_flight.len() as u64 + p.resting.len() as u64);
        while free > 0 && !p.queue.is_empty() {
            let key = p.queue.remove(0);
            let current = slots(world, service_id).remove(&key).unwrap_or_default();
            if current.is_empty() || !slot_dirty(&svc, &current) {
                continue;
            }
            let clean = current
                .iter()
                .find(|t| !svc.is_dirty(t.spec_version) && t.desired_state == TaskState::Running)
                .or_else(|| current.iter().find(|t| !svc.is_dirty(t.spec_version)))
                .cloned();
            let others: Vec<String> = current
                .iter()
                .filter(|t| clean.as_ref().is_none_or(|c| c.id != t.id))
                .map(|t| t.id.clone())
                .collect();
            if let Some(existing) = clean {
                // SwarmKit `useExistingTask`: the slot already has a task of the new spec.
                shut_down(world, &others);
                if existing.desired_state < TaskState::Running
                    && let Some(t) = world.swarm.tasks.iter_mut().find(|t| t.id == existing.id)
                    && t.wait_for_task.is_none()
                {
                    t.wait_for_task = others.first().cloned();
                }
                rec.say(format!(
                    "{}: already runs the new spec; the updater only shuts down the other tasks of the slot.",
                    existing.name(&name)
                ));
                if cfg.delay_ms > 0 {
                    rest(&mut p, now, cfg.delay_ms);
                    free -= 1;
                }
                continue;
            }
            let new_id = super::manager::new_task_id(world);
            let mut t = Task::new(
                &new_id,
                service_id,
                key.slot,
                key.node_id.as_deref(),
                svc.spec_version,
                now,
            );
            t.advance(TaskState::Pending, "pending task scheduling", now);
            match cfg.order {
                UpdateOrder::StopFirst => {
                    shut_down(world, &others);
                    t.desired_state = TaskState::Ready;
                    t.wait_for_task = others.first().cloned();
                }
                UpdateOrder::StartFirst => t.desired_state = TaskState::Running,
            }
            let label = t.name(&name);
            rec.say(format!(
                "{label}: {} {}/{} — {}.",
                if rolling_back {
                    "rolling back slot"
                } else {
                    "updating slot"
                },
                p.taken(),
                p.total,
                match cfg.order {
                    UpdateOrder::StopFirst =>
                        "stop-first: the old task stops, then the new one starts (the slot serves nothing in between)",
                    UpdateOrder::StartFirst =>
                        "start-first: the new task starts next to the old one, which stops once the new one runs",
                }
            ));
            rec.touch(label);
            world.swarm.tasks.push(t);
            p.updated.push((new_id.clone(), None));
            p.in_flight.push(InFlight {
                key,
                old_tasks: others,
                new_task: new_id,
            });
            free -= 1;
        }
    }

    // 4. Stopped: done once the slots in flight are. Otherwise: the last monitor period.
    if p.stopped {
        if p.in_flight.is_empty() {
            world.swarm.updates.remove(service_id);
            return true;
        }
    } else if p.queue.is_empty() && p.in_flight.is_empty() && p.resting.is_empty() {
        match p.monitor_until_ms {
            None => {
                let watch_ms = final_watch_ms(&cfg);
                p.monitor_until_ms = Some(now + watch_ms);
                rec.say(format!(
                    "{name}: every slot is replaced; the updater keeps watching for one more {} ({}) before it calls the {} complete.",
                    if watch_ms == cfg.monitor_ms {
                        "monitor period".to_string()
                    } else {
                        "period: the delay plus a second, as the delay is not shorter than the monitor".to_string()
                    },
                    short_duration(watch_ms),
                    if rolling_back { "rollback" } else { "update" }
                ));
            }
            Some(until) if now < until => {}
            _ => {
                complete(world, service_id, rec);
                return true;
            }
        }
    }
    let changed = p != before;
    if changed {
        world.swarm.updates.insert(service_id.to_string(), p);
    }
    changed
}

/// A worker is done with a slot: it sleeps `delay` before taking the next one.
fn rest(p: &mut Progress, now: Millis, delay_ms: Millis) {
    if delay_ms > 0 {
        p.resting.push(now + delay_ms);
    }
}

/// Too many failures: pause, or roll back (a rollback pauses instead).
fn failure_action(
    world: &mut World,
    service_id: &str,
    mut p: Progress,
    culprit: &str,
    rolling_back: bool,
    rec: &mut Record,
) -> bool {
    let Some(svc) = world.swarm.services.get(service_id).cloned() else {
        return true;
    };
    let cfg = config(&svc);
    let name = svc.spec.name.clone();
    let ratio = cfg.max_failure_ratio_text();
    if cfg.failure_action == FailureAction::Rollback && !rolling_back {
        let Some(previous) = svc.previous_spec.clone() else {
            // SwarmKit logs "cannot roll back service because no previous spec is available"
            // and stops the update where it is.
            p.stopped = true;
            world.swarm.updates.insert(service_id.to_string(), p);
            return true;
        };
        let now = world.now_ms;
        if let Some(s) = world.swarm.services.get_mut(service_id) {
            s.set_spec(previous, false, now);
            if let Some(st) = s.update_status.as_mut() {
                st.state = UpdateState::RollbackStarted;
                st.message = format!(
                    "update rolled back due to failure or early termination of task {culprit}"
                );
            }
        }
        super::overlay::on_service_changed(world, service_id);
        rec.say(format!(
            "{name}: more than {ratio} of the slots failed and failure_action is rollback: the previous spec comes back and the updater rolls every changed slot back with the rollback_config ({} at a time, {}).",
            parallelism_text(svc.spec.rollback.parallelism),
            svc.spec.rollback.order.as_str()
        ));
        rec.title = format!("{name}: update rolled back");
        rec.touch(name);
        begin(world, service_id, rec);
        return true;
    }
    let message = if cfg.failure_action == FailureAction::Rollback {
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
        "{name}: more than {ratio} of the slots failed and failure_action is pause: the {} stops here. Slots already replaced keep the new version, the others keep the old one, until `docker service update` (which starts the update again) or `docker service rollback`.",
        if rolling_back { "rollback" } else { "update" }
    ));
    rec.title = format!(
        "{name}: {} paused",
        if rolling_back { "rollback" } else { "update" }
    );
    rec.touch(name);
    p.stopped = true;
    if p.in_flight.is_empty() {
        world.swarm.updates.remove(service_id);
    } else {
        world.swarm.updates.insert(service_id.to_string(), p);
    }
    true
}

fn parallelism_text(n: u64) -> String {
    if n == 0 {
        "all".to_string()
    } else {
        n.to_string()
    }
}

/// `completed` / `rollback_completed`.
fn complete(world: &mut World, service_id: &str, rec: &mut Record) {
    let now = world.now_ms;
    world.swarm.updates.remove(service_id);
    let Some(s) = world.swarm.services.get_mut(service_id) else {
        return;
    };
    let name = s.spec.name.clone();
    let Some(st) = s.update_status.as_mut() else {
        return;
    };
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
        "{name}: every slot runs the {} spec and none failed within its monitor period: {}.",
        if rollback { "previous" } else { "new" },
        st.message
    ));
}

/// How long the updater keeps watching after the last slot: SwarmKit's updater.go watches one more
/// `monitor`, but when `delay >= monitor` it watches `delay + 1s` instead ("otherwise we will leave
/// the monitorLoop before the task is done delaying"), so a monitor of 0 still watches 1 s.
pub fn final_watch_ms(cfg: &UpdateConfig) -> Millis {
    if cfg.delay_ms >= cfg.monitor_ms {
        cfg.delay_ms + 1_000
    } else {
        cfg.monitor_ms
    }
}

/// When an updater next has something to do on its own: a worker's delay or the last monitor
/// period ending (task state changes wake it through the agents).
pub fn next_due_ms(world: &World) -> Option<Millis> {
    let now = world.now_ms;
    world
        .swarm
        .updates
        .values()
        .flat_map(|p| p.resting.iter().copied().chain(p.monitor_until_ms))
        .filter(|t| *t > now)
        .min()
}

/// Slots in flight now, per service (for the chaos invariant: never more than parallelism).
pub fn in_flight(world: &World) -> BTreeMap<String, usize> {
    world
        .swarm
        .updates
        .iter()
        .map(|(id, p)| (id.clone(), p.in_flight.len()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testkit;

    fn lab(workers: usize) -> World {
        let mut w = World::new(7);
        super::super::setup::form(&mut w, 1, workers);
        w
    }

    /// Type a line and run its step; returns what the step printed.
    fn sh(w: &mut World, line: &str) -> String {
        testkit::type_line(w, line).terminal_text()
    }

    /// Let `ms` pass; returns everything printed meanwhile.
    fn wait(w: &mut World, ms: Millis) -> String {
        testkit::printed(&testkit::wait(w, ms))
    }

    fn svc<'a>(w: &'a World, name: &str) -> &'a Service {
        w.swarm
            .services
            .values()
            .find(|s| s.spec.name == name)
            .expect("service")
    }

    fn state(w: &World, name: &str) -> Option<(UpdateState, String)> {
        svc(w, name)
            .update_status
            .as_ref()
            .map(|s| (s.state, s.message.clone()))
    }

    /// Images of the running, wanted tasks, by slot.
    fn images(w: &World, name: &str) -> Vec<String> {
        let s = svc(w, name);
        let mut v: Vec<(Option<u64>, String)> = w
            .swarm
            .tasks
            .iter()
            .filter(|t| {
                t.service_id == s.id
                    && t.desired_state == TaskState::Running
                    && t.state == TaskState::Running
            })
            .map(|t| {
                (
                    t.slot,
                    s.template_of(t.spec_version).container.image.clone(),
                )
            })
            .collect();
        crate::sim::order::sort(&mut v);
        v.into_iter().map(|(_, i)| i).collect()
    }

    fn web(w: &mut World, replicas: u64, flags: &str) {
        sh(
            w,
            &format!(
                "docker service create -d --name web --replicas {replicas} {flags} dockyard/web:2.0"
            ),
        );
        wait(w, 30_000);
        assert_eq!(images(w, "web").len() as u64, replicas);
    }

    #[test]
    fn parallelism_one_replaces_one_slot_at_a_time_and_completes_after_monitor() {
        let mut w = lab(2);
        web(&mut w, 3, "");
        sh(
            &mut w,
            "docker service update -d --image dockyard/web:1.0 web",
        );
        assert_eq!(
            state(&w, "web"),
            Some((UpdateState::Updating, "update in progress".into()))
        );
        let id = svc(&w, "web").id.clone();
        let mut most = 0;
        let mut t = 0;
        while state(&w, "web").is_some_and(|s| s.0 == UpdateState::Updating) && t < 120_000 {
            most = most.max(w.swarm.updates.get(&id).map_or(0, |p| p.in_flight.len()));
            wait(&mut w, 100);
            t += 100;
        }
        assert_eq!(most, 1);
        assert_eq!(
            state(&w, "web"),
            Some((UpdateState::Completed, "update completed".into()))
        );
        assert_eq!(images(&w, "web"), vec!["dockyard/web:1.0"; 3]);
        let st = svc(&w, "web").update_status.clone().unwrap();
        // The last new task reached running, then one more monitor period (5 s) passed.
        let last_running = w
            .swarm
            .tasks
            .iter()
            .filter(|t| t.service_id == id && t.state == TaskState::Running)
            .map(|t| t.state_since_ms)
            .max()
            .unwrap();
        assert_eq!(st.completed_ms, Some(last_running + 5_000));
    }

    #[test]
    fn the_final_watch_is_delay_plus_a_second_when_the_delay_is_not_shorter_than_monitor() {
        // SwarmKit updater.go: `if delay >= monitoringPeriod { monitoringPeriod = delay + 1s }`.
        let cfg = |delay_ms, monitor_ms| UpdateConfig {
            delay_ms,
            monitor_ms,
            ..UpdateConfig::default()
        };
        assert_eq!(final_watch_ms(&cfg(0, 5_000)), 5_000);
        assert_eq!(final_watch_ms(&cfg(10_000, 5_000)), 11_000);
        assert_eq!(final_watch_ms(&cfg(5_000, 5_000)), 6_000);
        assert_eq!(final_watch_ms(&cfg(0, 0)), 1_000);
        assert_eq!(final_watch_ms(&cfg(2_000, 30_000)), 30_000);
    }

    #[test]
    fn parallelism_zero_takes_every_slot_at_once() {
        let mut w = lab(2);
        web(&mut w, 4, "--update-parallelism 0");
        sh(
            &mut w,
            "docker service update -d --image dockyard/web:1.0 web",
        );
        wait(&mut w, 50);
        let id = svc(&w, "web").id.clone();
        assert_eq!(w.swarm.updates[&id].in_flight.len(), 4);
        assert_eq!(w.swarm.updates[&id].workers, 4);
        wait(&mut w, 20_000);
        assert_eq!(images(&w, "web"), vec!["dockyard/web:1.0"; 4]);
    }

    #[test]
    fn delay_separates_batches() {
        let mut w = lab(2);
        web(&mut w, 2, "--update-delay 10s");
        sh(
            &mut w,
            "docker service update -d --image dockyard/web:1.0 web",
        );
        let mut t1 = 0;
        for _ in 0..300 {
            wait(&mut w, 50);
            if images(&w, "web")
                .first()
                .is_some_and(|i| i == "dockyard/web:1.0")
            {
                t1 = w
                    .swarm
                    .tasks
                    .iter()
                    .filter(|t| t.slot == Some(1) && t.state == TaskState::Running)
                    .map(|t| t.state_since_ms)
                    .max()
                    .unwrap_or(0);
                break;
            }
        }
        assert!(t1 > 0);
        // slot 1 runs 1.0; its worker sleeps 10 s before slot 2 is touched
        let now = w.now_ms;
        wait(&mut w, t1 + 9_900 - now);
        assert_eq!(
            images(&w, "web"),
            vec!["dockyard/web:1.0", "dockyard/web:2.0"]
        );
        let old_slot2 = w
            .swarm
            .tasks
            .iter()
            .find(|t| t.slot == Some(2) && t.desired_state == TaskState::Running)
            .map(|t| t.id.clone());
        wait(&mut w, 200);
        let now_slot2 = w
            .swarm
            .tasks
            .iter()
            .find(|t| t.slot == Some(2) && t.desired_state == TaskState::Shutdown)
            .map(|t| t.id.clone());
        assert_eq!(
            old_slot2, now_slot2,
            "slot 2's old task shut down at t1 + 10 s"
        );
        wait(&mut w, 10_000);
        assert_eq!(images(&w, "web"), vec!["dockyard/web:1.0"; 2]);
    }

    #[test]
    fn stop_first_leaves_a_gap_start_first_does_not() {
        for (order, gap) in [("stop-first", true), ("start-first", false)] {
            let mut w = lab(0);
            web(&mut w, 1, &format!("--update-order {order}"));
            sh(
                &mut w,
                "docker service update -d --image dockyard/web:1.0 web",
            );
            let mut saw_gap = false;
            let mut saw_two = false;
            for _ in 0..200 {
                wait(&mut w, 50);
                let up = w
                    .swarm
                    .tasks
                    .iter()
                    .filter(|t| t.container_up && t.state == TaskState::Running)
                    .count();
                saw_gap |= up == 0;
                saw_two |= up == 2;
            }
            assert_eq!(saw_gap, gap, "{order}");
            assert_eq!(saw_two, !gap, "{order}");
            assert_eq!(images(&w, "web"), vec!["dockyard/web:1.0"], "{order}");
        }
    }

    #[test]
    fn a_crash_within_monitor_pauses_the_update_half_done() {
        let mut w = lab(2);
        web(&mut w, 3, "--update-delay 5s");
        sh(
            &mut w,
            "docker service update -d --image dockyard/web:2.1 web",
        );
        wait(&mut w, 15_000);
        let (st, msg) = state(&w, "web").unwrap();
        assert_eq!(st, UpdateState::Paused);
        assert!(
            msg.starts_with("update paused due to failure or early termination of task "),
            "{msg}"
        );
        // slot 1 crashed; slots 2 and 3 were never touched
        let id = svc(&w, "web").id.clone();
        assert!(!w.swarm.updates.contains_key(&id));
        assert_eq!(
            images(&w, "web")
                .iter()
                .filter(|i| *i == "dockyard/web:2.0")
                .count(),
            2
        );
        // `docker service update` with no change starts the update again (status reset)
        sh(&mut w, "docker service update -d web");
        assert_eq!(state(&w, "web").map(|s| s.0), Some(UpdateState::Updating));
    }

    #[test]
    fn max_failure_ratio_tolerates_failures_up_to_the_ratio() {
        // 1 failure of 4 slots = 0.25 ≤ 0.3: carry on; the second (0.5) pauses.
        let mut w = lab(2);
        web(&mut w, 4, "--update-max-failure-ratio 0.3");
        sh(
            &mut w,
            "docker service update -d --image dockyard/web:2.1 web",
        );
        let id = svc(&w, "web").id.clone();
        let mut first_failure_seen_while_updating = false;
        for _ in 0..400 {
            wait(&mut w, 100);
            if let Some(p) = w.swarm.updates.get(&id)
                && p.failures.len() == 1
                && state(&w, "web").is_some_and(|s| s.0 == UpdateState::Updating)
            {
                first_failure_seen_while_updating = true;
            }
        }
        assert!(first_failure_seen_while_updating);
        assert_eq!(state(&w, "web").map(|s| s.0), Some(UpdateState::Paused));
    }

    #[test]
    fn failure_action_continue_ignores_failures() {
        let mut w = lab(2);
        web(&mut w, 2, "--update-failure-action continue");
        sh(
            &mut w,
            "docker service update -d --image dockyard/web:2.1 web",
        );
        wait(&mut w, 30_000);
        assert_eq!(state(&w, "web").map(|s| s.0), Some(UpdateState::Completed));
    }

    #[test]
    fn failure_action_rollback_restores_the_previous_spec_with_rollback_config() {
        let mut w = lab(2);
        web(&mut w, 3, "--rollback-parallelism 0");
        sh(
            &mut w,
            "docker service update -d --update-failure-action rollback --image dockyard/web:2.1 web",
        );
        let id = svc(&w, "web").id.clone();
        let mut saw_rollback = false;
        for _ in 0..300 {
            wait(&mut w, 100);
            if let Some((UpdateState::RollbackStarted, msg)) = state(&w, "web") {
                assert!(msg.starts_with(
                    "update rolled back due to failure or early termination of task "
                ));
                if let Some(p) = w.swarm.updates.get(&id) {
                    // rollback_config: parallelism 0 = every dirty slot at once
                    assert_eq!(p.workers, p.total);
                }
                saw_rollback = true;
            }
        }
        assert!(saw_rollback);
        assert_eq!(
            state(&w, "web"),
            Some((UpdateState::RollbackCompleted, "rollback completed".into()))
        );
        assert_eq!(images(&w, "web"), vec!["dockyard/web:2.0"; 3]);
        let s = svc(&w, "web");
        assert_eq!(s.spec.template.container.image, "dockyard/web:2.0");
        assert!(
            s.previous_spec.is_none(),
            "an automatic rollback clears PreviousSpec"
        );
    }

    #[test]
    fn manual_rollback_swaps_spec_and_previous_spec() {
        let mut w = lab(2);
        web(&mut w, 2, "");
        sh(
            &mut w,
            "docker service update -d --image dockyard/web:1.0 web",
        );
        wait(&mut w, 30_000);
        sh(&mut w, "docker service rollback -d web");
        assert_eq!(
            state(&w, "web"),
            Some((
                UpdateState::RollbackStarted,
                "manually requested rollback".into()
            ))
        );
        wait(&mut w, 30_000);
        assert_eq!(
            state(&w, "web").map(|s| s.0),
            Some(UpdateState::RollbackCompleted)
        );
        assert_eq!(images(&w, "web"), vec!["dockyard/web:2.0"; 2]);
        // Rolling back again goes forward to 1.0: controlapi swaps the two specs.
        let prev = svc(&w, "web").previous_spec.clone().unwrap();
        assert_eq!(prev.template.container.image, "dockyard/web:1.0");
    }

    #[test]
    fn an_unhealthy_new_task_fails_before_running_and_rolls_back() {
        let mut w = lab(2);
        web(&mut w, 2, "");
        sh(
            &mut w,
            "docker service update -d --update-failure-action rollback --health-cmd 'curl -f localhost/health' --health-interval 2s --health-retries 2 --image dockyard/web:2.2 web",
        );
        wait(&mut w, 60_000);
        assert_eq!(
            state(&w, "web").map(|s| s.0),
            Some(UpdateState::RollbackCompleted)
        );
        assert_eq!(images(&w, "web"), vec!["dockyard/web:2.0"; 2]);
    }

    #[test]
    fn a_failure_during_a_rollback_pauses_it() {
        let mut w = lab(2);
        web(&mut w, 2, "");
        sh(
            &mut w,
            "docker service update -d --image dockyard/web:1.0 web",
        );
        wait(&mut w, 30_000);
        // Make the previous spec the broken one, then roll back to it.
        sh(
            &mut w,
            "docker service update -d --image dockyard/web:2.1 --update-failure-action continue web",
        );
        wait(&mut w, 30_000);
        sh(&mut w, "docker service rollback -d web");
        wait(&mut w, 30_000);
        let (st, msg) = state(&w, "web").unwrap();
        assert_eq!(st, UpdateState::RollbackCompleted, "{msg}");
        // rollback to 2.1 again: the rollback_config's default action (pause) applies
        sh(&mut w, "docker service rollback -d web");
        wait(&mut w, 30_000);
        let (st, msg) = state(&w, "web").unwrap();
        assert_eq!(st, UpdateState::RollbackPaused);
        assert!(
            msg.starts_with("update paused due to failure or early termination of task "),
            "{msg}"
        );
    }

    #[test]
    fn nothing_dirty_completes_at_once_and_scale_changes_nothing() {
        let mut w = lab(2);
        web(&mut w, 2, "");
        sh(&mut w, "docker service scale -d web=3");
        assert_eq!(state(&w, "web"), None);
        assert!(w.swarm.updates.is_empty());
        assert!(dirty_slots(&w, &svc(&w, "web").id.clone()).is_empty());
    }
}
