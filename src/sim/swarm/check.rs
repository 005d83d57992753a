//! Swarm sentences for scenario goals and invariants.
//!
//! A real operator reads these off `docker service ls`, `docker service ps`, `docker node ls`
//! and `docker info`: how many replicas run, which node runs what, whether an update paused, who
//! leads. Each check reads the simulated store the same way those commands do (src/sim/swarm/
//! services.rs), so a goal means what the learner would see by typing the command. Two are
//! physical invariants for `expect always:` and the chaos test: at most one Raft leader per term,
//! and no container running on a machine that is off.

use super::cluster::{Availability, NodeStatus};
use super::raft::Role as RaftRole;
use super::task::TaskState;
use crate::sim::World;

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum SwarmCheck {
    /// `service web running 3/3` (the REPLICAS column, without `(max …)`).
    ServiceReplicas { service: String, text: String },
    /// `service web update is paused` (`UpdateStatus.State`).
    UpdateState { service: String, state: String },
    /// `service web runs dockyard/web:2.0`: every wanted task runs this image, and one runs.
    ServiceImage { service: String, image: String },
    /// `service web has a pending task`
    PendingTask { service: String },
    /// `node node-3 is down|ready|active|pause|drain`
    Node { host: String, state: String },
    /// `node node-3 runs 2 tasks` (running and wanted, any service)
    NodeTasks { host: String, count: u64 },
    /// `swarm has a leader` / `swarm has no leader`
    HasLeader(bool),
    /// `leader is node-2`
    LeaderIs(String),
    /// `at most one leader per term`
    OneLeaderPerTerm,
    /// `no task runs on a machine that is off`
    NothingRunsOnDeadMachines,
}

impl SwarmCheck {
    pub fn parse(words: &[&str]) -> Option<Result<SwarmCheck, String>> {
        let s = |w: &str| w.to_string();
        Some(Ok(match words {
            ["service", name, "running", text] => SwarmCheck::ServiceReplicas {
                service: s(name),
                text: s(text),
            },
            ["service", name, "update", "is", state] => {
                const STATES: [&str; 6] = [
                    "updating",
                    "paused",
                    "completed",
                    "rollback_started",
                    "rollback_paused",
                    "rollback_completed",
                ];
                if !STATES.contains(state) {
                    return Some(Err(format!(
                        "`{state}` is not an update state ({})",
                        STATES.join(", ")
                    )));
                }
                SwarmCheck::UpdateState {
                    service: s(name),
                    state: s(state),
                }
            }
            ["service", name, "runs", image] => SwarmCheck::ServiceImage {
                service: s(name),
                image: s(image),
            },
            ["service", name, "has", "a", "pending", "task"] => {
                SwarmCheck::PendingTask { service: s(name) }
            }
            ["node", host, "is", state] => {
                if !["down", "ready", "active", "pause", "drain"].contains(state) {
                    return Some(Err(format!(
                        "`{state}` is not a node state (down, ready, active, pause, drain)"
                    )));
                }
                SwarmCheck::Node {
                    host: s(host),
                    state: s(state),
                }
            }
            ["node", host, "runs", n, "task" | "tasks"] => match n.parse() {
                Ok(count) => SwarmCheck::NodeTasks {
                    host: s(host),
                    count,
                },
                Err(_) => return Some(Err(format!("`{n}` is not a number"))),
            },
            ["swarm", "has", "a", "leader"] => SwarmCheck::HasLeader(true),
            ["swarm", "has", "no", "leader"] => SwarmCheck::HasLeader(false),
            ["leader", "is", host] => SwarmCheck::LeaderIs(s(host)),
            ["at", "most", "one", "leader", "per", "term"] => SwarmCheck::OneLeaderPerTerm,
            [
                "no",
                "task",
                "runs",
                "on",
                "a",
                "machine",
                "that",
                "is",
                "off",
            ] => SwarmCheck::NothingRunsOnDeadMachines,
            _ => return None,
        }))
    }

    pub fn holds(&self, world: &World) -> bool {
        let swarm = &world.swarm;
        let service = |name: &str| swarm.services.values().find(|s| s.spec.name == name);
        match self {
            SwarmCheck::ServiceReplicas {
                service: name,
                text,
            } => service(name).is_some_and(|svc| {
                super::services::replicas_text(world, svc)
                    .split(' ')
                    .next()
                    .is_some_and(|t| t == text)
            }),
            SwarmCheck::UpdateState {
                service: name,
                state,
            } => service(name).is_some_and(|svc| {
                svc.update_status
                    .as_ref()
                    .is_some_and(|u| u.state.as_str() == state)
            }),
            SwarmCheck::ServiceImage {
                service: name,
                image,
            } => service(name).is_some_and(|svc| {
                let wanted: Vec<_> = swarm
                    .tasks
                    .iter()
                    .filter(|t| t.service_id == svc.id && t.desired_state == TaskState::Running)
                    .collect();
                !wanted.is_empty()
                    && wanted.iter().all(|t| {
                        t.state == TaskState::Running && {
                            // Written with or without the digest a manager pinned.
                            let spec_image = &svc.template_of(t.spec_version).container.image;
                            *spec_image == *image
                                || crate::sim::docker::registry::without_digest(spec_image)
                                    == *image
                        }
                    })
            }),
            SwarmCheck::PendingTask { service: name } => service(name).is_some_and(|svc| {
                swarm.tasks.iter().any(|t| {
                    t.service_id == svc.id
                        && t.state == TaskState::Pending
                        && t.desired_state <= TaskState::Running
                })
            }),
            SwarmCheck::Node { host, state } => {
                swarm.node_of(host).is_some_and(|n| match state.as_str() {
                    "down" => n.status == NodeStatus::Down,
                    "ready" => n.status == NodeStatus::Ready,
                    "active" => n.availability == Availability::Active,
                    "pause" => n.availability == Availability::Pause,
                    _ => n.availability == Availability::Drain,
                })
            }
            SwarmCheck::NodeTasks { host, count } => swarm.node_of(host).is_some_and(|n| {
                swarm
                    .tasks
                    .iter()
                    .filter(|t| {
                        t.node_id.as_deref() == Some(n.id.as_str())
                            && t.state == TaskState::Running
                            && t.desired_state == TaskState::Running
                    })
                    .count() as u64
                    == *count
            }),
            SwarmCheck::HasLeader(want) => swarm.leader().is_some() == *want,
            SwarmCheck::LeaderIs(host) => swarm.raft.leader() == Some(host.as_str()),
            SwarmCheck::OneLeaderPerTerm => {
                let mut terms = std::collections::BTreeSet::new();
                swarm
                    .raft
                    .members
                    .values()
                    .filter(|m| m.role == RaftRole::Leader)
                    .all(|m| terms.insert(m.term))
            }
            SwarmCheck::NothingRunsOnDeadMachines => swarm.tasks.iter().all(|t| {
                !t.container_up
                    || t.node_id
                        .as_ref()
                        .and_then(|id| swarm.nodes.get(id))
                        .and_then(|n| swarm.machines.get(&n.hostname))
                        .is_some_and(|m| m.engine_running())
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<Result<SwarmCheck, String>> {
        let words: Vec<&str> = text.split_whitespace().collect();
        SwarmCheck::parse(&words)
    }

    #[test]
    fn sentences_parse() {
        assert_eq!(
            parse("service web running 3/3"),
            Some(Ok(SwarmCheck::ServiceReplicas {
                service: "web".into(),
                text: "3/3".into()
            }))
        );
        assert!(parse("service web update is stuck").unwrap().is_err());
        assert!(parse("node node-3 is sleepy").unwrap().is_err());
        assert_eq!(
            parse("node node-2 runs 0 tasks"),
            Some(Ok(SwarmCheck::NodeTasks {
                host: "node-2".into(),
                count: 0
            }))
        );
        assert_eq!(
            parse("at most one leader per term"),
            Some(Ok(SwarmCheck::OneLeaderPerTerm))
        );
        assert_eq!(parse("container web is running"), None);
    }
}
