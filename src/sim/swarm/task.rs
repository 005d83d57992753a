//! Swarm tasks: one container's worth of a service, with a desired and an observed state.
//!
//! Real SwarmKit (`api/types.proto` `TaskState`): a task is created by the orchestrator, made
//! `pending` by the allocator, `assigned` to a node by the scheduler, then the node's agent walks
//! it through `accepted → preparing → ready → starting → running` and on to one terminal state
//! (`complete`, `shutdown`, `failed`, `rejected`, `orphaned`). The observed state only moves
//! forward. Apart from it the manager keeps a *desired* state (`running`, `ready` while a
//! restart waits for its delay, `shutdown` when it wants the task gone, `remove` after a
//! scale-down). `docker service ps` prints both, capitalised by docker/cli's
//! `command.PrettyPrint` (`Running`, `Shutdown`) and the current state followed by
//! `units.HumanDuration` and `ago` (`Running 5 seconds ago`). The task reaper keeps at most
//! `--task-history-limit` (default 5) tasks per slot (per node for global services), deleting
//! the oldest finished ones.
//!
//! We model every state of SwarmKit's enum in its numeric order (so `<`/`>` compare them as
//! SwarmKit does), the status message and error, and the reaper's choice of which old tasks to
//! delete. Simplified: no task annotations, no per-task spec copy (the spec is referred to by
//! its version number, src/sim/swarm/service.rs).

use crate::sim::order::CollectOrdered;
use crate::sim::time::{Millis, human_duration};

/// SwarmKit's task states, in SwarmKit's order (`NEW = 0 … ORPHANED = 832`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub enum TaskState {
    New,
    Pending,
    Assigned,
    Accepted,
    Preparing,
    Ready,
    Starting,
    Running,
    Complete,
    Shutdown,
    Failed,
    Rejected,
    Remove,
    Orphaned,
}

impl TaskState {
    pub const ALL: [TaskState; 14] = [
        TaskState::New,
        TaskState::Pending,
        TaskState::Assigned,
        TaskState::Accepted,
        TaskState::Preparing,
        TaskState::Ready,
        TaskState::Starting,
        TaskState::Running,
        TaskState::Complete,
        TaskState::Shutdown,
        TaskState::Failed,
        TaskState::Rejected,
        TaskState::Remove,
        TaskState::Orphaned,
    ];

    /// The lowercase word of the Engine API (`"running"`), as `docker inspect` shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::New => "new",
            TaskState::Pending => "pending",
            TaskState::Assigned => "assigned",
            TaskState::Accepted => "accepted",
            TaskState::Preparing => "preparing",
            TaskState::Ready => "ready",
            TaskState::Starting => "starting",
            TaskState::Running => "running",
            TaskState::Complete => "complete",
            TaskState::Shutdown => "shutdown",
            TaskState::Failed => "failed",
            TaskState::Rejected => "rejected",
            TaskState::Remove => "remove",
            TaskState::Orphaned => "orphaned",
        }
    }

    pub fn parse(text: &str) -> Option<TaskState> {
        TaskState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The word `docker service ps` prints (docker/cli `command.PrettyPrint`: first letter
    /// upper-cased): `Running`, `Shutdown`, `Pending`.
    pub fn title(self) -> &'static str {
        match self {
            TaskState::New => "New",
            TaskState::Pending => "Pending",
            TaskState::Assigned => "Assigned",
            TaskState::Accepted => "Accepted",
            TaskState::Preparing => "Preparing",
            TaskState::Ready => "Ready",
            TaskState::Starting => "Starting",
            TaskState::Running => "Running",
            TaskState::Complete => "Complete",
            TaskState::Shutdown => "Shutdown",
            TaskState::Failed => "Failed",
            TaskState::Rejected => "Rejected",
            TaskState::Remove => "Remove",
            TaskState::Orphaned => "Orphaned",
        }
    }

    /// A state past `running`: the container is gone (or never came).
    pub fn is_terminal(self) -> bool {
        self > TaskState::Running
    }

    /// The observed state may move from `self` to `next`: only forward, and never out of a
    /// terminal state (SwarmKit's agent and dispatcher refuse a state going backwards).
    pub fn can_move_to(self, next: TaskState) -> bool {
        next > self && !self.is_terminal() && next != TaskState::Remove
    }
}

/// One task of a service.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Task {
    /// 25-character base-36 ID (drawn by the caller from the world's RNG).
    pub id: String,
    pub service_id: String,
    /// Replicated services: the slot, 1-based (`web.3`). `None` for global services.
    pub slot: Option<u64>,
    /// The node that runs it: set by the scheduler (replicated) or at creation (global).
    pub node_id: Option<String>,
    /// The service spec version this task was made from (`SpecVersion.Index`).
    pub spec_version: u64,
    pub desired_state: TaskState,
    /// Observed state.
    pub state: TaskState,
    /// When `state` was last set (`Status.Timestamp`).
    pub state_since_ms: Millis,
    pub created_ms: Millis,
    /// `Status.Message`: `created`, `pending task scheduling`, `starting`…
    pub message: String,
    /// `Status.Err`: `no suitable node (…)`, `task: non-zero exit (1)`…
    pub error: String,
    pub exit_code: Option<i32>,
    /// The agent's next move for this task (src/sim/swarm/agent.rs), if one is pending.
    pub due_ms: Option<Millis>,
    /// A restart that waits: desired `ready` until this time (`--restart-delay`)…
    pub start_at_ms: Millis,
    /// …and until this older task of the slot has stopped (SwarmKit `DelayStart` `waitStop`).
    pub wait_for_task: Option<String>,
    /// Its container really runs on its machine (the agent copies this from the node's engine
    /// after every step). The store's `state` is what the managers last heard: a task on a
    /// machine that lost power stays `running` there until the node is marked down, but its
    /// container is gone, and the routing mesh knows it.
    pub container_up: bool,
    /// When the container started (for healthchecks and the monitor window).
    pub started_ms: Option<Millis>,
    /// The agent asked its engine to stop the container (the stop signal now, SIGKILL at the
    /// stop grace period); the task is `shutdown` once the container has exited.
    pub stop_due_ms: Option<Millis>,
    /// The engine container that runs it, on its node, once the agent has created it.
    pub container: Option<crate::sim::ids::ContainerId>,
}

impl Task {
    /// A fresh task as the orchestrator creates it (SwarmKit `orchestrator.NewTask`: state
    /// `new`, message `created`, desired `running`).
    pub fn new(
        id: &str,
        service_id: &str,
        slot: Option<u64>,
        node_id: Option<&str>,
        spec_version: u64,
        now_ms: Millis,
    ) -> Task {
        Task {
            id: id.to_string(),
            service_id: service_id.to_string(),
            slot,
            node_id: node_id.map(str::to_string),
            spec_version,
            desired_state: TaskState::Running,
            state: TaskState::New,
            state_since_ms: now_ms,
            created_ms: now_ms,
            message: "created".to_string(),
            error: String::new(),
            exit_code: None,
            due_ms: None,
            start_at_ms: now_ms,
            wait_for_task: None,
            container_up: false,
            started_ms: None,
            stop_due_ms: None,
            container: None,
        }
    }

    /// Move the observed state forward; an illegal move is refused (returns false).
    pub fn advance(&mut self, next: TaskState, message: &str, now_ms: Millis) -> bool {
        if !self.state.can_move_to(next) {
            return false;
        }
        self.state = next;
        self.state_since_ms = now_ms;
        self.message = message.to_string();
        true
    }

    /// `docker service ps` NAME column: `web.2` (replicated) or `web.<node id>` (global).
    pub fn name(&self, service_name: &str) -> String {
        match (self.slot, &self.node_id) {
            (Some(slot), _) => format!("{service_name}.{slot}"),
            (None, Some(node)) => format!("{service_name}.{node}"),
            (None, None) => service_name.to_string(),
        }
    }

    /// `docker service ps` CURRENT STATE column: `Running 5 seconds ago`, `Running less than a
    /// second ago`. docker/cli's task formatter lower-cases go-units' HumanDuration here
    /// (`strings.ToLower(units.HumanDuration(…))`), unlike `docker ps`'s `About a minute ago`.
    pub fn current_state_text(&self, now_ms: Millis) -> String {
        format!(
            "{} {} ago",
            self.state.title(),
            human_duration(now_ms.saturating_sub(self.state_since_ms)).to_lowercase()
        )
    }

    /// The reaper's grouping key: the slot for replicated tasks, the node for global ones.
    pub fn instance_key(&self) -> InstanceKey {
        InstanceKey {
            service_id: self.service_id.clone(),
            slot: self.slot.unwrap_or(0),
            node_id: if self.slot.is_some() {
                String::new()
            } else {
                self.node_id.clone().unwrap_or_default()
            },
        }
    }
}

/// SwarmKit's `instanceTuple`: (service, slot) for replicated tasks, (service, node) for global.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct InstanceKey {
    pub service_id: String,
    pub slot: u64,
    pub node_id: String,
}

/// `--task-history-limit` default (SwarmKit `defaultTaskHistoryRetentionLimit`).
pub const DEFAULT_TASK_HISTORY_LIMIT: u64 = 5;

/// The IDs of the tasks the task reaper deletes so that each slot (node, for global services)
/// keeps at most `limit` tasks. Only finished tasks go: desired state past `running` and
/// observed state either terminal or never assigned (SwarmKit taskreaper: "a task whose
/// desired state is past running and which is not running or about to"). Oldest first, by
/// creation time then position in `tasks`.
pub fn prune_history(tasks: &[Task], limit: u64) -> Vec<String> {
    let tasks: Vec<&Task> = tasks.iter().collect();
    prune_history_of(&tasks, limit)
}

/// [`prune_history`] over borrowed tasks. Only the slots that have a finished task are counted
/// (no other slot can lose one), so a store with no history costs one pass.
pub fn prune_history_of(tasks: &[&Task], limit: u64) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};
    /// `InstanceKey` borrowed, in the same order.
    type Key<'a> = (&'a str, u64, &'a str);
    fn key(t: &Task) -> Key<'_> {
        let node = match t.slot {
            Some(_) => "",
            None => t.node_id.as_deref().unwrap_or_default(),
        };
        (&t.service_id, t.slot.unwrap_or(0), node)
    }
    let finished = |t: &Task| {
        t.desired_state > TaskState::Running
            && (t.state.is_terminal() || t.state < TaskState::Assigned)
    };
    let candidates: BTreeSet<Key> = tasks
        .iter()
        .filter(|t| finished(t))
        .map(|t| key(t))
        .collect_set();
    if candidates.is_empty() {
        return Vec::new();
    }
    let mut by_instance: BTreeMap<Key, Vec<(Millis, usize)>> = BTreeMap::new();
    for (i, t) in tasks.iter().enumerate() {
        let k = key(t);
        if candidates.contains(&k) {
            by_instance.entry(k).or_default().push((t.created_ms, i));
        }
    }
    let mut doomed = Vec::new();
    for (_, mut list) in by_instance {
        if list.len() as u64 <= limit {
            continue;
        }
        crate::sim::order::sort(&mut list);
        let mut excess = list.len() as u64 - limit;
        for (_, i) in list {
            if excess == 0 {
                break;
            }
            let t = tasks[i];
            if finished(t) {
                doomed.push(t.id.clone());
                excess -= 1;
            }
        }
    }
    doomed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_in_swarmkit_order_and_print_like_docker() {
        let mut sorted = TaskState::ALL;
        crate::sim::order::sort(&mut sorted);
        assert_eq!(sorted, TaskState::ALL);
        assert!(TaskState::Pending < TaskState::Assigned);
        assert!(TaskState::Running < TaskState::Complete);
        assert!(TaskState::Shutdown < TaskState::Failed);
        assert_eq!(TaskState::Running.title(), "Running");
        assert_eq!(TaskState::Shutdown.title(), "Shutdown");
        assert_eq!(TaskState::Orphaned.as_str(), "orphaned");
        assert_eq!(TaskState::parse("rejected"), Some(TaskState::Rejected));
        assert_eq!(TaskState::parse("Rejected"), None);
    }

    #[test]
    fn transitions_only_go_forward() {
        let mut t = Task::new("t1", "s1", Some(1), None, 1, 0);
        assert!(t.advance(TaskState::Pending, "pending task scheduling", 10));
        assert!(t.advance(TaskState::Assigned, "scheduler assigned task to node", 20));
        assert!(!t.advance(TaskState::Pending, "back", 30));
        assert!(t.advance(TaskState::Running, "started", 40));
        assert!(t.advance(TaskState::Failed, "started", 50));
        assert!(!t.advance(TaskState::Orphaned, "x", 60));
        assert!(!t.advance(TaskState::Running, "x", 60));
        assert_eq!(t.state, TaskState::Failed);
        assert!(!TaskState::Running.can_move_to(TaskState::Remove));
        assert!(TaskState::Running.can_move_to(TaskState::Orphaned));
    }

    #[test]
    fn names_and_current_state_text() {
        let mut t = Task::new("t1", "s1", Some(2), None, 1, 0);
        assert_eq!(t.name("web"), "web.2");
        t.advance(TaskState::Running, "started", 1_000);
        assert_eq!(t.current_state_text(6_000), "Running 5 seconds ago");
        // docker/cli formatter/task.go lower-cases HumanDuration.
        assert_eq!(
            t.current_state_text(1_500),
            "Running less than a second ago"
        );
        assert_eq!(t.current_state_text(91_000), "Running about a minute ago");
        let g = Task::new("t2", "s1", None, Some("abc"), 1, 0);
        assert_eq!(g.name("agent"), "agent.abc");
    }

    fn finished(id: &str, slot: u64, at: Millis) -> Task {
        let mut t = Task::new(id, "s1", Some(slot), Some("n1"), 1, at);
        t.state = TaskState::Failed;
        t.desired_state = TaskState::Shutdown;
        t
    }

    #[test]
    fn history_keeps_five_per_slot() {
        let mut tasks: Vec<Task> = (0..7)
            .map(|i| finished(&format!("old{i}"), 1, i * 10))
            .collect();
        let mut live = Task::new("live", "s1", Some(1), Some("n1"), 1, 100);
        live.state = TaskState::Running;
        tasks.push(live);
        // another slot with 3 tasks is left alone
        tasks.extend((0..3).map(|i| finished(&format!("b{i}"), 2, i)));
        let doomed = prune_history(&tasks, DEFAULT_TASK_HISTORY_LIMIT);
        assert_eq!(doomed, vec!["old0", "old1", "old2"]);
        // the running task is never reaped, even with a limit of 1
        let doomed = prune_history(&tasks, 1);
        assert_eq!(doomed.len(), 7 + 2);
        assert!(!doomed.contains(&"live".to_string()));
    }
}
