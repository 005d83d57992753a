//! The CLI following a rollout: `docker service create|update|scale|rollback` without
//! `--detach`.
//!
//! Real Docker (docker/cli `cli/command/service/progress/progress.go`): the CLI polls the
//! service and its tasks, draws `overall progress: 2 out of 3 tasks` and one bar per slot (the
//! task with the lowest desired then observed state among the up-to-date ones), switches to
//! `rolling back update: …` when the daemon reports a rollback, stops with `service update
//! paused: …` (exit 1) when the update pauses, and once every slot runs waits the monitor period
//! (5 s) before `verify: Service converged`.
//!
//! We keep the CLI's state in the shell's `Waiter::Service` and run [`poll`] after every live
//! step (src/sim/step.rs). Simplified: only the final screen is printed, not each redraw.

use super::super::cluster::NodeStatus;
use super::Follow;
use super::format::human_go_duration;
use crate::sim::swarm::orchestrator::ServiceMode;
use crate::sim::swarm::service::{Service, UpdateState};
use crate::sim::swarm::task::{Task, TaskState};
use crate::sim::world::Waiter;
use crate::sim::{Record, World};

/// The CLI stays attached to service `id`'s rollout (`--detach=false`, the default).
pub(super) fn follow(world: &mut World, id: &str, kind: Follow) {
    world.shell.waiting.push(Waiter::Service {
        service_id: id.to_string(),
        kind,
        converged_since_ms: None,
    });
}

/// docker/cli `progress.go` `numberedStates`: the states the progress display knows (tasks
/// whose desired or observed state is not among them are left out).
fn numbered(state: TaskState) -> Option<u8> {
    match state {
        TaskState::Remove | TaskState::Orphaned => None,
        s => Some(s as u8),
    }
}

/// The task docker/cli shows for each slot (node, for global services): among the up-to-date
/// tasks, the lowest desired state, then the lowest observed state (`tasksBySlot`); tasks on a
/// node that is down are left out.
fn tasks_by_slot<'a>(world: &'a World, svc: &Service) -> Vec<&'a Task> {
    let mut by: std::collections::BTreeMap<(u64, String), &Task> = Default::default();
    for t in world.swarm.tasks.iter().filter(|t| {
        t.service_id == svc.id
            && !svc.is_dirty(t.spec_version)
            && numbered(t.desired_state).is_some()
            && numbered(t.state).is_some()
    }) {
        let node_down = t.node_id.as_ref().is_some_and(|n| {
            world
                .swarm
                .nodes
                .get(n)
                .is_some_and(|n| n.status == NodeStatus::Down)
        });
        let key = match t.slot {
            Some(s) => (s, String::new()),
            None => (0, t.node_id.clone().unwrap_or_default()),
        };
        if let Some(existing) = by.get(&key)
            && (existing.desired_state, existing.state) <= (t.desired_state, t.state)
        {
            continue;
        }
        if node_down && t.slot.is_some() {
            continue;
        }
        by.insert(key, t);
    }
    by.into_values().collect()
}

/// (running, total) as docker/cli counts them for `overall progress: 2 out of 3 tasks`.
fn progress_counts(world: &World, svc: &Service) -> (usize, usize) {
    let shown = tasks_by_slot(world, svc);
    let running = shown
        .iter()
        .filter(|t| t.desired_state <= TaskState::Running && t.state == TaskState::Running)
        .count();
    let total = match svc.spec.mode {
        ServiceMode::Replicated { replicas } => replicas as usize,
        ServiceMode::Global => shown.len(),
    };
    (running, total)
}

/// docker/cli's `converged`: every slot's up-to-date task runs (global: at least one node).
fn converged(world: &World, svc: &Service) -> bool {
    let (running, total) = progress_counts(world, svc);
    running == total && (total > 0 || svc.replicas() == Some(0))
}

/// A CLI following a rollout has waited out its verification period.
pub fn verify_due(world: &World) -> bool {
    world.shell.waiting.iter().any(|w| match w {
        Waiter::Service {
            service_id,
            converged_since_ms: Some(since),
            ..
        } => world
            .swarm
            .services
            .get(service_id)
            .is_some_and(|s| world.now_ms >= since + s.spec.update.monitor_ms),
        _ => false,
    })
}

/// After every step: a CLI following a rollout (docker/cli `ServiceProgress`) prints what it
/// learns: `rollback: <message>` when it first sees a rollback start, `service update paused:
/// …` / `service rollback paused: …` (an error, exit 1) when the update pauses, and
/// `verify: Service converged` once every slot's new task has run for the monitor period
/// (followed by `rollback: rollback completed` if the rollback had completed before the tasks
/// converged).
pub fn poll(world: &mut World, rec: &mut Record) {
    let Some(i) = world
        .shell
        .waiting
        .iter()
        .position(|w| matches!(w, Waiter::Service { .. }))
    else {
        return;
    };
    let Waiter::Service {
        service_id,
        kind,
        converged_since_ms,
    } = world.shell.waiting[i].clone()
    else {
        return;
    };
    let now = world.now_ms;
    let Some(svc) = world.swarm.services.get(&service_id).cloned() else {
        world.shell.waiting.remove(i);
        rec.err(format!(
            "Error response from daemon: service {service_id} not found"
        ));
        return;
    };
    let (kind, stop) = read_status(&svc, kind, converged_since_ms.is_some());
    if let Some(error) = stop {
        world.shell.waiting.remove(i);
        rec.out(progress_lines(world, &svc, &kind));
        if let Some(text) = error {
            rec.err(text);
            rec.error = true;
        }
        return;
    }
    if let Waiter::Service { kind: k, .. } = &mut world.shell.waiting[i] {
        *k = kind.clone();
    }
    if !converged(world, &svc) {
        if converged_since_ms.is_some()
            && let Waiter::Service {
                converged_since_ms, ..
            } = &mut world.shell.waiting[i]
        {
            *converged_since_ms = None;
        }
        return;
    }
    let monitor = svc.spec.update.monitor_ms;
    match converged_since_ms {
        None => {
            if let Waiter::Service {
                converged_since_ms, ..
            } = &mut world.shell.waiting[i]
            {
                *converged_since_ms = Some(now);
            }
            // Wake up when the verification period ends.
            crate::sim::swarm::manager::schedule_work(world);
        }
        Some(since) if now >= since + monitor => {
            world.shell.waiting.remove(i);
            // docker/cli prints the ID it was given: the new ID after `create`, the name typed
            // after `update`/`rollback`/`scale`.
            let text = format!(
                "{}\nverify: Service {} converged",
                progress_lines(world, &svc, &kind),
                if kind == Follow::Create {
                    &svc.id
                } else {
                    &svc.spec.name
                }
            );
            rec.out(text);
            rec.say(format!(
                "The CLI watched {}'s tasks stay up for {} (the monitor period) before saying the service converged.",
                svc.spec.name,
                human_go_duration(monitor)
            ));
        }
        Some(_) => {}
    }
}

/// What the CLI learns from the service's `UpdateStatus`: the display's mode, and whether it
/// stops now (`Some(None)`: done; `Some(Some(error))`: the update or rollback paused).
fn read_status(svc: &Service, kind: Follow, converged: bool) -> (Follow, Option<Option<String>>) {
    let mut kind = kind;
    let Some(st) = &svc.update_status else {
        return (kind, None);
    };
    let stop = match st.state {
        UpdateState::Updating => {
            if kind.rolling_back() {
                kind = Follow::Update;
            }
            None
        }
        UpdateState::Completed if !converged => Some(None),
        UpdateState::Paused => Some(Some(format!("service update paused: {}", st.message))),
        UpdateState::RollbackStarted => {
            if !kind.rolling_back() {
                kind = Follow::Rollback {
                    message: st.message.clone(),
                    first: false,
                };
            }
            None
        }
        UpdateState::RollbackPaused => {
            Some(Some(format!("service rollback paused: {}", st.message)))
        }
        UpdateState::RollbackCompleted => {
            if !converged || !kind.rolling_back() {
                // Seen before the tasks converged: the line now reads `rollback completed`.
                kind = Follow::Rollback {
                    message: st.message.clone(),
                    first: matches!(kind, Follow::Rollback { first: true, .. }),
                };
            }
            None
        }
        UpdateState::Completed => None,
    };
    (kind, stop)
}

/// `overall progress: 3 out of 3 tasks` and one bar per slot, as docker/cli leaves them on the
/// screen at the end (a task with an error shows the error instead of a bar).
fn progress_lines(world: &World, svc: &Service, kind: &Follow) -> String {
    let (running, total) = progress_counts(world, svc);
    let mut out = format!(
        "overall progress: {}{running} out of {total} tasks",
        if kind.rolling_back() {
            "rolling back update: "
        } else {
            ""
        }
    );
    let rollback_line = match kind {
        Follow::Rollback { message, first } if !message.is_empty() => {
            if *first {
                out = format!("rollback: {message}\n{out}");
                String::new()
            } else {
                format!("\nrollback: {message}")
            }
        }
        _ => String::new(),
    };
    if total > 20 {
        // docker/cli `maxProgressBars`
        return out + &rollback_line;
    }
    for (n, t) in tasks_by_slot(world, svc).iter().enumerate() {
        let label = match t.slot {
            Some(_) => format!("{}/{total}", n + 1),
            None => t
                .node_id
                .as_deref()
                .map(|n| n[..12.min(n.len())].to_string())
                .unwrap_or_default(),
        };
        if !t.error.is_empty() {
            // docker/cli `truncError`: 75 characters at most.
            let err: String = if t.error.chars().count() > 75 {
                t.error.chars().take(74).chain(['…']).collect()
            } else {
                t.error.clone()
            };
            out.push_str(&format!("\n{label}: {err}"));
            continue;
        }
        if t.desired_state.is_terminal() || t.state.is_terminal() {
            continue;
        }
        // numberedStates: new 1 … running 9, out of 9; 50 characters wide.
        let step = (t.state as usize).min(TaskState::Running as usize);
        let filled = 50 * step / (TaskState::Running as usize);
        let bar = if filled >= 50 {
            format!("[{}>]", "=".repeat(49))
        } else {
            format!("[{}>{}]", "=".repeat(filled), " ".repeat(49 - filled))
        };
        out.push_str(&format!("\n{label}: {:<9} {bar}", t.state.as_str()));
    }
    // Slots with no up-to-date task yet keep the empty line the CLI drew at the start.
    if svc.replicas().is_some() {
        for n in tasks_by_slot(world, svc).len()..total {
            out.push_str(&format!("\n{}/{total}: ", n + 1));
        }
    }
    out + &rollback_line
}
