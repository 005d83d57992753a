//! The swarm orchestrators: how many tasks each service should have, and where to replace them.
//!
//! Real SwarmKit (`manager/orchestrator`): the replicated orchestrator keeps one live task per
//! slot `1..=replicas`; scaling up fills the lowest free slot numbers, scaling down removes
//! slots so that the remaining tasks stay balanced across nodes, non-running tasks first
//! (`replicated/services.go`: `slotsByRunningState`, then each task numbered as the nth copy on
//! its node, highest numbers removed), setting their desired state to `remove`. The global
//! orchestrator keeps one task per node that is not down, not drained and satisfies the
//! constraints; a paused node keeps what it has but gets nothing new. When a task fails, or its
//! node goes down or is drained (`orchestrator.InvalidNode`), the restart supervisor
//! (`restart/restart.go`) sets the old task's desired state to `shutdown` and, if the restart
//! policy allows it (`shouldRestart`: condition `any`, or `on-failure` unless the task
//! completed; `max_attempts` counted per slot since the spec version changed, within `window`
//! if set), creates a replacement in the same slot (same node, global) with desired state
//! `ready`, promoted to `running` after `delay` (default 5 s; no delay when the node is
//! drained) and, unless the old task is already dead or its node down, after the old task has
//! stopped (`DelayStart` with `waitStop`). A replacement that fails before its own delay is
//! over (rejected while preparing) is restarted only when that delay has elapsed.
//!
//! Here the orchestrators are pure functions: service spec + current tasks + nodes in, a list
//! of [`Action`]s out, each with its reason in words for the narration. The caller applies the
//! actions (draws task IDs, sets desired states, schedules the delayed start) before calling
//! again; applying them makes the next call return nothing. Simplified: no rolling update here
//! (a spec change only refills slots; `update.rs` does updates), no constraint enforcer
//! (tasks are not evicted when a node's labels change), the restart history lives in a
//! [`RestartTracker`] the caller keeps (SwarmKit keeps it in the leader's memory, too).
//!
//! A leaf: pure functions over the swarm's data (it imports only `node`, `scheduler`, `task`,
//! `time` and `order`), so the swarm can hold its [`RestartTracker`].

use crate::sim::swarm::node::{Availability, NodeStatus};
use crate::sim::swarm::scheduler::{NodeInfo, TaskSpec};
use crate::sim::swarm::task::{InstanceKey, Task, TaskState};
use crate::sim::time::{Millis, SECOND_MS};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ServiceMode {
    Replicated { replicas: u64 },
    Global,
}

/// `--restart-condition`
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RestartCondition {
    None,
    OnFailure,
    Any,
}

impl RestartCondition {
    pub fn parse(text: &str) -> Option<RestartCondition> {
        match text {
            "none" => Some(RestartCondition::None),
            "on-failure" => Some(RestartCondition::OnFailure),
            "any" => Some(RestartCondition::Any),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            RestartCondition::None => "none",
            RestartCondition::OnFailure => "on-failure",
            RestartCondition::Any => "any",
        }
    }
}

/// SwarmKit `orchestrator.DefaultRestartDelay`.
pub const DEFAULT_RESTART_DELAY_MS: Millis = 5 * SECOND_MS;

/// `--restart-condition`, `--restart-delay`, `--restart-max-attempts`, `--restart-window`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RestartPolicy {
    pub condition: RestartCondition,
    pub delay_ms: Millis,
    /// 0 = unlimited.
    pub max_attempts: u64,
    /// 0 = unset (count every restart since the spec changed).
    pub window_ms: Millis,
}

impl Default for RestartPolicy {
    /// The effective defaults SwarmKit fills in: `any`, 5 s, unlimited, no window.
    fn default() -> Self {
        RestartPolicy {
            condition: RestartCondition::Any,
            delay_ms: DEFAULT_RESTART_DELAY_MS,
            max_attempts: 0,
            window_ms: 0,
        }
    }
}

/// What the orchestrator needs of a service.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ServiceSpec {
    pub id: String,
    pub name: String,
    pub mode: ServiceMode,
    /// Bumped by every `docker service update`/`scale` (`SpecVersion.Index`).
    pub spec_version: u64,
    pub task: TaskSpec,
    pub restart: RestartPolicy,
}

/// One decision of the orchestrator.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Action {
    /// Create a task (state `new`). `desired_state` is `Running`, or `Ready` for a restart that
    /// waits: set it to `Running` at `start_at_ms`, and not before `wait_for_task` has stopped.
    CreateTask {
        slot: Option<u64>,
        node_id: Option<String>,
        desired_state: TaskState,
        start_at_ms: Millis,
        wait_for_task: Option<String>,
        why: String,
    },
    /// Set this task's desired state to `shutdown`.
    ShutdownTask { task_id: String, why: String },
    /// Set this task's desired state to `remove` (scale-down).
    RemoveTask { task_id: String, why: String },
}

impl Action {
    pub fn why(&self) -> &str {
        match self {
            Action::CreateTask { why, .. }
            | Action::ShutdownTask { why, .. }
            | Action::RemoveTask { why, .. } => why,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
struct RestartInfo {
    spec_version: u64,
    total_restarts: u64,
    /// Only kept when the policy has a window.
    restarted_at_ms: Vec<Millis>,
}

/// The restart supervisor's memory: restarts per slot (per node for global services), and the
/// slots whose restart the policy declined (they stay empty until the service changes).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct RestartTracker {
    history: BTreeMap<InstanceKey, RestartInfo>,
    declined: BTreeMap<InstanceKey, u64>,
}

/// Whether a task that stopped (or lost its node) gets a replacement.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum RestartDecision {
    Restart {
        /// When the replacement may go from desired `ready` to `running`.
        start_at_ms: Millis,
        /// The old task must have stopped first (it may still be running).
        wait_for_stop: bool,
        why: String,
    },
    NoRestart {
        why: String,
    },
}

impl RestartTracker {
    /// SwarmKit `Supervisor.shouldRestart`; `Err` says why not.
    fn should_restart(
        &mut self,
        policy: &RestartPolicy,
        task: &Task,
        now_ms: Millis,
    ) -> Result<(), String> {
        match policy.condition {
            RestartCondition::None => {
                return Err("the restart policy's condition is none".to_string());
            }
            RestartCondition::OnFailure if task.state == TaskState::Complete => {
                return Err(
                    "it completed successfully and the restart condition is on-failure".to_string(),
                );
            }
            _ => {}
        }
        if policy.max_attempts == 0 {
            return Ok(());
        }
        let Some(info) = self.history.get_mut(&task.instance_key()) else {
            return Ok(());
        };
        if info.spec_version != task.spec_version {
            return Ok(());
        }
        let used = if policy.window_ms == 0 {
            info.total_restarts
        } else {
            let lookback = now_ms.saturating_sub(policy.window_ms);
            // forget restarts that fell out of the window
            info.restarted_at_ms.retain(|&at| at > lookback);
            // and ignore restarts that did not happen before this task was created
            info.restarted_at_ms
                .iter()
                .filter(|&&at| at <= task.created_ms)
                .count() as u64
        };
        if used < policy.max_attempts {
            Ok(())
        } else if policy.window_ms == 0 {
            Err(format!(
                "it has already been restarted {used} times (--restart-max-attempts {})",
                policy.max_attempts
            ))
        } else {
            Err(format!(
                "it has already been restarted {used} times in the last {} (--restart-max-attempts {}, --restart-window)",
                crate::sim::time::human_duration(policy.window_ms).to_lowercase(),
                policy.max_attempts
            ))
        }
    }

    /// SwarmKit `RecordRestartHistory`.
    fn record(
        &mut self,
        key: InstanceKey,
        policy: &RestartPolicy,
        spec_version: u64,
        now_ms: Millis,
    ) {
        self.declined.remove(&key);
        if policy.max_attempts == 0 {
            return;
        }
        let info = self.history.entry(key).or_default();
        if info.spec_version != spec_version {
            *info = RestartInfo {
                spec_version,
                ..RestartInfo::default()
            };
        }
        info.total_restarts += 1;
        if policy.window_ms > 0 {
            info.restarted_at_ms.push(now_ms);
        }
    }

    /// Decide on the replacement of `task` (which failed, completed, or whose node `node` is
    /// down, drained or gone), and remember the restart (or the refusal).
    pub fn decide(
        &mut self,
        policy: &RestartPolicy,
        task: &Task,
        node: Option<&NodeInfo>,
        now_ms: Millis,
    ) -> RestartDecision {
        let key = task.instance_key();
        if let Err(why) = self.should_restart(policy, task, now_ms) {
            self.declined.insert(key, task.spec_version);
            return RestartDecision::NoRestart {
                why: format!("not replaced: {why}"),
            };
        }
        self.record(key, policy, task.spec_version, now_ms);
        let drained = node.is_some_and(|n| n.availability == Availability::Drain);
        let down = node.is_none_or(|n| n.status == NodeStatus::Down);
        let delay_ms = if drained { 0 } else { policy.delay_ms };
        let wait_for_stop = !(down || task.state.is_terminal());
        let mut why = if delay_ms == 0 {
            "a replacement starts now".to_string()
        } else {
            format!(
                "a replacement starts after the restart delay ({})",
                crate::sim::time::human_duration(delay_ms).to_lowercase()
            )
        };
        if wait_for_stop {
            why.push_str(", once the old task has stopped");
        }
        RestartDecision::Restart {
            start_at_ms: now_ms + delay_ms,
            wait_for_stop,
            why,
        }
    }

    /// The policy declined a restart here, and the service has not changed since.
    fn is_declined(&self, key: &InstanceKey, spec_version: u64) -> bool {
        self.declined.get(key) == Some(&spec_version)
    }
}

/// Why an active task must go, if it must: its node is gone, down or drained, or it stopped.
fn trouble(task: &Task, nodes: &BTreeMap<String, NodeInfo>) -> Option<String> {
    if let Some(id) = &task.node_id {
        match nodes.get(id) {
            None => return Some(format!("its node {id} left the swarm")),
            Some(n) if n.status == NodeStatus::Down => {
                return Some(format!("its node {} is down", n.hostname));
            }
            Some(n) if n.availability == Availability::Drain => {
                return Some(format!("its node {} is drained", n.hostname));
            }
            _ => {}
        }
    }
    match task.state {
        TaskState::Complete => Some("it completed".to_string()),
        TaskState::Failed if !task.error.is_empty() => Some(format!("it failed ({})", task.error)),
        TaskState::Failed => Some("it failed".to_string()),
        TaskState::Rejected if !task.error.is_empty() => {
            Some(format!("it was rejected ({})", task.error))
        }
        s if s.is_terminal() => Some(format!("it is {}", s.as_str())),
        _ => None,
    }
}

/// Replace one troubled task: shut it down and maybe create its successor.
fn replace(
    service: &ServiceSpec,
    task: &Task,
    cause: &str,
    nodes: &BTreeMap<String, NodeInfo>,
    tracker: &mut RestartTracker,
    now_ms: Millis,
    actions: &mut Vec<Action>,
) -> bool {
    // A replacement that ended while its own restart delay was still running (rejected while
    // preparing: an image its node cannot get) is restarted once that delay is over, not at
    // once (restart.go `Restart`: "wait for its restart delay to elapse, to avoid tight
    // restart loops (for example, when the image doesn't exist)"). Its slot stays taken.
    if task.desired_state == TaskState::Ready
        && task.start_at_ms > now_ms
        && task.state.is_terminal()
    {
        return true;
    }
    let node = task.node_id.as_ref().and_then(|id| nodes.get(id));
    let label = task.name(&service.name);
    match tracker.decide(&service.restart, task, node, now_ms) {
        RestartDecision::Restart {
            start_at_ms,
            wait_for_stop,
            why,
        } => {
            actions.push(Action::ShutdownTask {
                task_id: task.id.clone(),
                why: format!("{label}: {cause}, so its desired state becomes shutdown"),
            });
            let global = task.slot.is_none();
            actions.push(Action::CreateTask {
                slot: task.slot,
                node_id: if global { task.node_id.clone() } else { None },
                desired_state: if start_at_ms > now_ms || wait_for_stop {
                    TaskState::Ready
                } else {
                    TaskState::Running
                },
                start_at_ms,
                wait_for_task: wait_for_stop.then(|| task.id.clone()),
                why: format!(
                    "{label}: restart policy {}: {why}",
                    service.restart.condition.as_str()
                ),
            });
            true
        }
        RestartDecision::NoRestart { why } => {
            actions.push(Action::ShutdownTask {
                task_id: task.id.clone(),
                why: format!("{label}: {cause}; {why}"),
            });
            false
        }
    }
}

/// Reconcile one service: the actions that bring its tasks to what its spec asks. `tasks` are
/// the service's tasks in creation order (others are ignored).
pub fn reconcile(
    service: &ServiceSpec,
    tasks: &[Task],
    nodes: &BTreeMap<String, NodeInfo>,
    tracker: &mut RestartTracker,
    now_ms: Millis,
) -> Vec<Action> {
    let tasks: Vec<&Task> = tasks
        .iter()
        .filter(|t| t.service_id == service.id)
        .collect();
    reconcile_tasks(service, &tasks, nodes, tracker, now_ms)
}

/// [`reconcile`] given the service's own tasks only, in creation order.
pub fn reconcile_tasks(
    service: &ServiceSpec,
    tasks: &[&Task],
    nodes: &BTreeMap<String, NodeInfo>,
    tracker: &mut RestartTracker,
    now_ms: Millis,
) -> Vec<Action> {
    match service.mode {
        ServiceMode::Replicated { replicas } => {
            reconcile_replicated(service, replicas, tasks, nodes, tracker, now_ms)
        }
        ServiceMode::Global => reconcile_global(service, tasks, nodes, tracker, now_ms),
    }
}

/// Long because it works over one grouping of the tasks by slot, built once for speed at scale:
/// which slots need a new task and, when scaling down, which copies go, in SwarmKit's order.
fn reconcile_replicated(
    service: &ServiceSpec,
    replicas: u64,
    tasks: &[&Task],
    nodes: &BTreeMap<String, NodeInfo>,
    tracker: &mut RestartTracker,
    now_ms: Millis,
) -> Vec<Action> {
    let mut actions = Vec::new();
    // The tasks by slot, each slot's in creation order (a stable sort), in one allocation.
    let mut slotted: Vec<(u64, &Task)> = tasks
        .iter()
        .filter_map(|t| t.slot.map(|slot| (slot, *t)))
        .collect();
    crate::sim::order::sort_by_key(&mut slotted, |(slot, _)| *slot);
    // slot → its live tasks (desired ≤ running, not in trouble): `live[start..end]`, by slot.
    let mut live: Vec<&Task> = Vec::new();
    let mut alive: Vec<(u64, std::ops::Range<usize>)> = Vec::new();
    let mut dead: BTreeSet<u64> = BTreeSet::new();
    for list in slotted.chunk_by(|a, b| a.0 == b.0) {
        let slot = list[0].0;
        let start = live.len();
        let mut replaced = false;
        for (_, t) in list
            .iter()
            .filter(|(_, t)| t.desired_state <= TaskState::Running)
        {
            match trouble(t, nodes) {
                Some(cause) => {
                    replaced |= replace(service, t, &cause, nodes, tracker, now_ms, &mut actions);
                }
                None => live.push(*t),
            }
        }
        if live.len() > start || replaced {
            alive.push((slot, start..live.len()));
        } else {
            let key = InstanceKey {
                service_id: service.id.clone(),
                slot,
                node_id: String::new(),
            };
            if tracker.is_declined(&key, service.spec_version) {
                dead.insert(slot);
            }
        }
    }
    let occupied = alive.len() as u64 + dead.len() as u64;
    if occupied < replicas {
        let mut missing = replicas - occupied;
        let mut slot = 0;
        while missing > 0 {
            slot += 1;
            let occupied = alive.binary_search_by_key(&slot, |(s, _)| *s).is_ok();
            if occupied || dead.contains(&slot) {
                continue;
            }
            actions.push(Action::CreateTask {
                slot: Some(slot),
                node_id: None,
                desired_state: TaskState::Running,
                start_at_ms: now_ms,
                wait_for_task: None,
                why: format!(
                    "{}.{slot}: the service wants {replicas} replicas, so slot {slot} gets a new task",
                    service.name
                ),
            });
            missing -= 1;
        }
    } else if alive.len() as u64 > replicas {
        // SwarmKit: running slots first, then each numbered as the nth copy on its node;
        // keep the first `replicas`, remove the rest.
        let mut order: Vec<(u64, &[&Task])> = alive
            .iter()
            .map(|(s, range)| (*s, &live[range.clone()]))
            .collect();
        crate::sim::order::sort_by_key(&mut order, |(slot, list)| {
            let running = list.iter().any(|t| t.state == TaskState::Running);
            (!running, *slot)
        });
        let mut per_node: BTreeMap<&str, i64> = BTreeMap::new();
        let mut indexed: Vec<(i64, u64, &[&Task])> = order
            .into_iter()
            .map(|(slot, list)| {
                match (list.len(), list.first().and_then(|t| t.node_id.as_deref())) {
                    (1, Some(node)) => {
                        let n = per_node.entry(node).or_insert(0);
                        *n += 1;
                        (*n, slot, list)
                    }
                    _ => (i64::MAX, slot, list),
                }
            })
            .collect();
        crate::sim::order::sort_by_key(&mut indexed, |(index, _, _)| *index);
        for (_, slot, list) in indexed.into_iter().skip(replicas as usize) {
            for t in list {
                actions.push(Action::RemoveTask {
                    task_id: t.id.clone(),
                    why: format!(
                        "{}.{slot}: the service wants {replicas} replicas, so slot {slot} is removed",
                        service.name
                    ),
                });
            }
        }
    }
    actions
}

fn reconcile_global(
    service: &ServiceSpec,
    tasks: &[&Task],
    nodes: &BTreeMap<String, NodeInfo>,
    tracker: &mut RestartTracker,
    now_ms: Millis,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let mut by_node: BTreeMap<&str, Vec<&Task>> = BTreeMap::new();
    for t in tasks
        .iter()
        .filter(|t| t.desired_state <= TaskState::Running)
    {
        if let Some(node) = t.node_id.as_deref() {
            by_node.entry(node).or_default().push(t);
        }
    }
    for node in nodes.values() {
        let active = by_node.remove(node.id.as_str()).unwrap_or_default();
        let unfit = if node.status == NodeStatus::Down {
            Some(format!("node {} is down", node.hostname))
        } else if node.availability == Availability::Drain {
            Some(format!("node {} is drained", node.hostname))
        } else if !service
            .task
            .constraints
            .iter()
            .all(|c| c.node_matches(node))
        {
            Some(format!(
                "node {} does not satisfy the service's constraints",
                node.hostname
            ))
        } else {
            None
        };
        if let Some(why) = unfit {
            for t in active {
                actions.push(Action::ShutdownTask {
                    task_id: t.id.clone(),
                    why: format!(
                        "{}: {why}, so its desired state becomes shutdown",
                        t.name(&service.name)
                    ),
                });
            }
            continue;
        }
        let mut live = false;
        for t in &active {
            match trouble(t, nodes) {
                Some(cause) => {
                    live |= replace(service, t, &cause, nodes, tracker, now_ms, &mut actions);
                }
                None => live = true,
            }
        }
        let key = InstanceKey {
            service_id: service.id.clone(),
            slot: 0,
            node_id: node.id.clone(),
        };
        if live
            || node.availability == Availability::Pause
            || tracker.is_declined(&key, service.spec_version)
        {
            continue;
        }
        actions.push(Action::CreateTask {
            slot: None,
            node_id: Some(node.id.clone()),
            desired_state: TaskState::Running,
            start_at_ms: now_ms,
            wait_for_task: None,
            why: format!(
                "{}: a global service runs one task on every available node, and {} has none",
                service.name, node.hostname
            ),
        });
    }
    // nodes that left the swarm
    for (node, list) in by_node {
        for t in list {
            actions.push(Action::ShutdownTask {
                task_id: t.id.clone(),
                why: format!(
                    "{}: its node {node} left the swarm, so its desired state becomes shutdown",
                    t.name(&service.name)
                ),
            });
        }
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::swarm::cluster::Role;
    use crate::sim::swarm::scheduler::{parse_constraint, place_batch};

    const GB: u64 = 1 << 30;

    fn nodes(n: usize) -> BTreeMap<String, NodeInfo> {
        (1..=n)
            .map(|i| {
                let id = format!("n{i}");
                let role = if i == 1 { Role::Manager } else { Role::Worker };
                (
                    id.clone(),
                    NodeInfo::new(&id, &format!("node-{i}"), role, 2_000_000_000, 4 * GB),
                )
            })
            .collect()
    }

    fn service(mode: ServiceMode) -> ServiceSpec {
        ServiceSpec {
            id: "svc".into(),
            name: "web".into(),
            mode,
            spec_version: 1,
            task: TaskSpec::default(),
            restart: RestartPolicy::default(),
        }
    }

    /// A tiny caller: applies the actions, places new tasks, makes them run at once.
    struct Sim {
        nodes: BTreeMap<String, NodeInfo>,
        tasks: Vec<Task>,
        tracker: RestartTracker,
        next_id: u64,
        now_ms: Millis,
    }

    impl Sim {
        fn new(n: usize) -> Sim {
            Sim {
                nodes: nodes(n),
                tasks: Vec::new(),
                tracker: RestartTracker::default(),
                next_id: 0,
                now_ms: 0,
            }
        }

        fn step(&mut self, svc: &ServiceSpec) -> Vec<Action> {
            let actions = reconcile(
                svc,
                &self.tasks,
                &self.nodes,
                &mut self.tracker,
                self.now_ms,
            );
            for a in &actions {
                match a {
                    Action::CreateTask {
                        slot,
                        node_id,
                        desired_state,
                        ..
                    } => {
                        self.next_id += 1;
                        let mut t = Task::new(
                            &format!("t{}", self.next_id),
                            &svc.id,
                            *slot,
                            node_id.as_deref(),
                            svc.spec_version,
                            self.now_ms,
                        );
                        t.desired_state = *desired_state;
                        let node = match node_id {
                            Some(n) => n.clone(),
                            None => place_batch(&mut self.nodes, &svc.task, &svc.id, 1)
                                .remove(0)
                                .unwrap(),
                        };
                        if node_id.is_some() {
                            self.nodes
                                .get_mut(&node)
                                .unwrap()
                                .add_task(&svc.id, &svc.task);
                        }
                        t.node_id = Some(node);
                        t.state = TaskState::Running;
                        self.tasks.push(t);
                    }
                    Action::ShutdownTask { task_id, .. } | Action::RemoveTask { task_id, .. } => {
                        let t = self.tasks.iter_mut().find(|t| &t.id == task_id).unwrap();
                        t.desired_state = if matches!(a, Action::RemoveTask { .. }) {
                            TaskState::Remove
                        } else {
                            TaskState::Shutdown
                        };
                        if let Some(n) = t.node_id.as_ref().and_then(|n| self.nodes.get_mut(n)) {
                            n.remove_task(&svc.id, &svc.task);
                        }
                    }
                }
            }
            assert!(
                reconcile(
                    svc,
                    &self.tasks,
                    &self.nodes,
                    &mut self.tracker.clone(),
                    self.now_ms
                )
                .is_empty(),
                "applying the actions settles the service"
            );
            actions
        }

        fn live(&self) -> Vec<(u64, String)> {
            self.tasks
                .iter()
                .filter(|t| t.desired_state <= TaskState::Running)
                .map(|t| {
                    (
                        t.slot.unwrap_or(0),
                        self.nodes[t.node_id.as_ref().unwrap()].hostname.clone(),
                    )
                })
                .collect()
        }
    }

    #[test]
    fn replicas_three_then_five_then_two() {
        let mut sim = Sim::new(3);
        let mut svc = service(ServiceMode::Replicated { replicas: 3 });
        let a = sim.step(&svc);
        assert_eq!(a.len(), 3);
        assert_eq!(
            a[0].why(),
            "web.1: the service wants 3 replicas, so slot 1 gets a new task"
        );
        assert_eq!(
            sim.live(),
            [
                (1, "node-1".into()),
                (2, "node-2".into()),
                (3, "node-3".into())
            ]
        );
        svc.mode = ServiceMode::Replicated { replicas: 5 };
        svc.spec_version = 2;
        sim.step(&svc);
        assert_eq!(sim.live().len(), 5);
        assert_eq!(
            sim.live()[3..],
            [(4, "node-1".into()), (5, "node-2".into())]
        );
        svc.mode = ServiceMode::Replicated { replicas: 2 };
        svc.spec_version = 3;
        let a = sim.step(&svc);
        // node-1 and node-2 had two copies each: their second copies (4, 5) and slot 3 go
        let removed: Vec<&str> = a.iter().map(Action::why).collect();
        assert_eq!(
            removed,
            [
                "web.3: the service wants 2 replicas, so slot 3 is removed",
                "web.4: the service wants 2 replicas, so slot 4 is removed",
                "web.5: the service wants 2 replicas, so slot 5 is removed",
            ]
        );
        assert_eq!(sim.live(), [(1, "node-1".into()), (2, "node-2".into())]);
    }

    #[test]
    fn scale_down_keeps_the_balance() {
        // slots 1,2 on node-1, slot 3 on node-2: scaling to 2 removes one of node-1's
        let mut sim = Sim::new(2);
        let svc = service(ServiceMode::Replicated { replicas: 3 });
        sim.step(&svc);
        assert_eq!(
            sim.live(),
            [
                (1, "node-1".into()),
                (2, "node-2".into()),
                (3, "node-1".into())
            ]
        );
        let mut svc2 = svc.clone();
        svc2.mode = ServiceMode::Replicated { replicas: 2 };
        let a = sim.step(&svc2);
        assert_eq!(a.len(), 1);
        assert_eq!(
            a[0].why(),
            "web.3: the service wants 2 replicas, so slot 3 is removed"
        );
    }

    #[test]
    fn scale_down_removes_the_nth_copies_not_just_the_highest_slots() {
        let mut sim = Sim::new(3);
        let mut svc = service(ServiceMode::Replicated { replicas: 6 });
        sim.step(&svc);
        sim.nodes.get_mut("n3").unwrap().status = NodeStatus::Down;
        sim.step(&svc);
        // slots 1,3,4 on node-1 and 2,5,6 on node-2; node-3 comes back empty
        sim.nodes.get_mut("n3").unwrap().status = NodeStatus::Ready;
        svc.mode = ServiceMode::Replicated { replicas: 4 };
        svc.spec_version = 2;
        let a = sim.step(&svc);
        let whys: Vec<&str> = a.iter().map(Action::why).collect();
        assert_eq!(
            whys,
            [
                "web.4: the service wants 4 replicas, so slot 4 is removed",
                "web.6: the service wants 4 replicas, so slot 6 is removed",
            ]
        );
    }

    #[test]
    fn down_node_tasks_are_replaced_in_the_same_slots() {
        let mut sim = Sim::new(3);
        let svc = service(ServiceMode::Replicated { replicas: 6 });
        sim.step(&svc);
        sim.nodes.get_mut("n3").unwrap().status = NodeStatus::Down;
        sim.now_ms = 20_000;
        let a = sim.step(&svc);
        assert_eq!(a.len(), 4);
        assert_eq!(
            a[0].why(),
            "web.3: its node node-3 is down, so its desired state becomes shutdown"
        );
        assert_eq!(
            a[1].why(),
            "web.3: restart policy any: a replacement starts after the restart delay (5 seconds)"
        );
        match &a[1] {
            Action::CreateTask {
                slot,
                desired_state,
                start_at_ms,
                wait_for_task,
                ..
            } => {
                assert_eq!(*slot, Some(3));
                assert_eq!(*desired_state, TaskState::Ready);
                assert_eq!(*start_at_ms, 25_000);
                assert_eq!(*wait_for_task, None, "a down node's task is not waited for");
            }
            other => panic!("{other:?}"),
        }
        let mut live = sim.live();
        crate::sim::order::sort(&mut live);
        assert_eq!(
            live,
            [
                (1, "node-1".into()),
                (2, "node-2".into()),
                (3, "node-1".into()),
                (4, "node-1".into()),
                (5, "node-2".into()),
                (6, "node-2".into())
            ]
        );
    }

    #[test]
    fn a_replacement_rejected_during_its_delay_is_restarted_after_it() {
        let mut sim = Sim::new(2);
        let svc = service(ServiceMode::Replicated { replicas: 1 });
        sim.step(&svc);
        let reject = |t: &mut Task| {
            t.state = TaskState::Rejected;
            t.error = "No such image: shop-api:1.0".into();
        };
        reject(&mut sim.tasks[0]);
        sim.now_ms = 1_000;
        let a = sim.step(&svc);
        assert!(matches!(
            a[1],
            Action::CreateTask {
                start_at_ms: 6_000,
                ..
            }
        ));
        // The replacement is prepared at once, while it waits, and rejected too.
        let last = sim.tasks.len() - 1;
        sim.tasks[last].start_at_ms = 6_000;
        reject(&mut sim.tasks[last]);
        sim.now_ms = 1_500;
        assert!(sim.step(&svc).is_empty(), "no tight restart loop");
        // Its delay is over (the supervisor promotes it): now it is restarted.
        sim.now_ms = 6_000;
        sim.tasks[last].desired_state = TaskState::Running;
        let a = sim.step(&svc);
        assert_eq!(a.len(), 2);
        assert!(matches!(
            a[1],
            Action::CreateTask {
                start_at_ms: 11_000,
                ..
            }
        ));
    }

    #[test]
    fn drained_node_replaced_without_delay_after_stop() {
        let mut sim = Sim::new(2);
        let svc = service(ServiceMode::Replicated { replicas: 2 });
        sim.step(&svc);
        sim.nodes.get_mut("n2").unwrap().availability = Availability::Drain;
        let a = sim.step(&svc);
        assert_eq!(
            a[0].why(),
            "web.2: its node node-2 is drained, so its desired state becomes shutdown"
        );
        match &a[1] {
            Action::CreateTask {
                start_at_ms,
                wait_for_task,
                why,
                ..
            } => {
                assert_eq!(*start_at_ms, 0);
                assert!(wait_for_task.is_some());
                assert_eq!(
                    why,
                    "web.2: restart policy any: a replacement starts now, once the old task has stopped"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    fn failing(id: &str, slot: u64, created_ms: Millis, state: TaskState) -> Task {
        let mut t = Task::new(id, "svc", Some(slot), Some("n1"), 1, created_ms);
        t.state = state;
        t.error = "task: non-zero exit (1)".into();
        t
    }

    #[test]
    fn restart_policy_condition_and_max_attempts() {
        let nodes = nodes(1);
        let mut tracker = RestartTracker::default();
        let none = RestartPolicy {
            condition: RestartCondition::None,
            ..RestartPolicy::default()
        };
        let d = tracker.decide(
            &none,
            &failing("a", 1, 0, TaskState::Failed),
            nodes.get("n1"),
            0,
        );
        assert_eq!(
            d,
            RestartDecision::NoRestart {
                why: "not replaced: the restart policy's condition is none".into()
            }
        );
        let on_failure = RestartPolicy {
            condition: RestartCondition::OnFailure,
            ..RestartPolicy::default()
        };
        assert!(matches!(
            tracker.decide(
                &on_failure,
                &failing("b", 2, 0, TaskState::Complete),
                nodes.get("n1"),
                0
            ),
            RestartDecision::NoRestart { .. }
        ));
        assert!(matches!(
            tracker.decide(
                &on_failure,
                &failing("c", 2, 0, TaskState::Failed),
                nodes.get("n1"),
                1_000
            ),
            RestartDecision::Restart {
                start_at_ms: 6_000,
                wait_for_stop: false,
                ..
            }
        ));
        let three = RestartPolicy {
            max_attempts: 3,
            delay_ms: 1_000,
            ..RestartPolicy::default()
        };
        let mut restarts = 0;
        for i in 0..5 {
            let t = failing(&format!("m{i}"), 3, i * 10_000, TaskState::Failed);
            match tracker.decide(&three, &t, nodes.get("n1"), i * 10_000 + 5_000) {
                RestartDecision::Restart { .. } => restarts += 1,
                RestartDecision::NoRestart { why } => assert_eq!(
                    why,
                    "not replaced: it has already been restarted 3 times (--restart-max-attempts 3)"
                ),
            }
        }
        assert_eq!(restarts, 3);
        // a new spec version starts the count again
        let mut t = failing("v2", 3, 60_000, TaskState::Failed);
        t.spec_version = 2;
        assert!(matches!(
            tracker.decide(&three, &t, nodes.get("n1"), 61_000),
            RestartDecision::Restart { .. }
        ));
    }

    #[test]
    fn restart_window_forgets_old_restarts() {
        let nodes = nodes(1);
        let mut tracker = RestartTracker::default();
        let policy = RestartPolicy {
            max_attempts: 2,
            window_ms: 60_000,
            ..RestartPolicy::default()
        };
        let decide = |tr: &mut RestartTracker, created: Millis, now: Millis| {
            matches!(
                tr.decide(
                    &policy,
                    &failing("x", 1, created, TaskState::Failed),
                    nodes.get("n1"),
                    now
                ),
                RestartDecision::Restart { .. }
            )
        };
        assert!(decide(&mut tracker, 0, 10_000));
        assert!(decide(&mut tracker, 10_000, 20_000));
        // two restarts in the last minute: the third waits for the window
        assert!(!decide(&mut tracker, 20_000, 30_000));
        // 75 s later the first restart (at 10 s) has left the window
        assert!(decide(&mut tracker, 30_000, 75_000));
    }

    #[test]
    fn declined_slot_stays_empty_until_the_service_changes() {
        let mut sim = Sim::new(1);
        let mut svc = service(ServiceMode::Replicated { replicas: 1 });
        svc.restart.condition = RestartCondition::None;
        sim.step(&svc);
        sim.tasks[0].state = TaskState::Failed;
        let a = sim.step(&svc);
        assert_eq!(a.len(), 1);
        assert_eq!(
            a[0].why(),
            "web.1: it failed; not replaced: the restart policy's condition is none"
        );
        assert!(sim.step(&svc).is_empty());
        svc.spec_version = 2;
        let a = sim.step(&svc);
        assert!(matches!(a[0], Action::CreateTask { slot: Some(1), .. }));
    }

    #[test]
    fn global_on_three_nodes_then_a_fourth_joins() {
        let mut sim = Sim::new(3);
        let svc = service(ServiceMode::Global);
        let a = sim.step(&svc);
        assert_eq!(a.len(), 3);
        assert_eq!(
            a[2].why(),
            "web: a global service runs one task on every available node, and node-3 has none"
        );
        sim.nodes.insert(
            "n4".into(),
            NodeInfo::new("n4", "node-4", Role::Worker, 2_000_000_000, 4 * GB),
        );
        let a = sim.step(&svc);
        assert_eq!(a.len(), 1);
        assert!(
            matches!(&a[0], Action::CreateTask { node_id: Some(n), slot: None, .. } if n == "n4")
        );
        // drain node-2, node-3 goes down, node-4 paused: tasks shut down on 2 and 3, 4 keeps its own
        sim.nodes.get_mut("n2").unwrap().availability = Availability::Drain;
        sim.nodes.get_mut("n3").unwrap().status = NodeStatus::Down;
        sim.nodes.get_mut("n4").unwrap().availability = Availability::Pause;
        let a = sim.step(&svc);
        let whys: Vec<&str> = a.iter().map(Action::why).collect();
        assert_eq!(
            whys,
            [
                "web.n2: node node-2 is drained, so its desired state becomes shutdown",
                "web.n3: node node-3 is down, so its desired state becomes shutdown"
            ]
        );
        assert_eq!(sim.live(), [(0, "node-1".into()), (0, "node-4".into())]);
        // a constraint excludes the manager
        let mut only_workers = svc.clone();
        only_workers.spec_version = 2;
        only_workers.task.constraints = vec![parse_constraint("node.role==worker").unwrap()];
        let a = sim.step(&only_workers);
        assert_eq!(
            a[0].why(),
            "web.n1: node node-1 does not satisfy the service's constraints, so its desired state becomes shutdown"
        );
        // node-3 comes back: it gets a task again
        sim.nodes.get_mut("n3").unwrap().status = NodeStatus::Ready;
        let a = sim.step(&only_workers);
        assert!(matches!(&a[0], Action::CreateTask { node_id: Some(n), .. } if n == "n3"));
    }

    #[test]
    fn global_task_failure_restarts_on_the_same_node() {
        let mut sim = Sim::new(2);
        let svc = service(ServiceMode::Global);
        sim.step(&svc);
        sim.tasks[1].state = TaskState::Failed;
        let a = sim.step(&svc);
        assert_eq!(a.len(), 2);
        assert!(
            matches!(&a[1], Action::CreateTask { node_id: Some(n), slot: None, .. } if n == "n2")
        );
    }
}
