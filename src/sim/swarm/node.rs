//! A swarm node's role, availability and status.
//!
//! Real Docker (`docker node ls`): a node is a manager or a worker; its availability (`active`,
//! `pause`, `drain`) is what the learner sets and what the scheduler respects; its status
//! (`ready`, `down`) is what the managers last heard from it. These small enums are a leaf (they
//! import nothing), so the scheduler and the orchestrator can read a node without importing the
//! cluster that holds it (src/sim/swarm/cluster.rs re-exports them).

#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
pub enum Role {
    Manager,
    Worker,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Worker => "worker",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Availability {
    Active,
    Pause,
    Drain,
}

impl Availability {
    pub fn parse(text: &str) -> Option<Availability> {
        match text {
            "active" => Some(Availability::Active),
            "pause" => Some(Availability::Pause),
            "drain" => Some(Availability::Drain),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Active => "active",
            Availability::Pause => "pause",
            Availability::Drain => "drain",
        }
    }
    /// `Active`, as `docker node ls` capitalises it.
    pub fn title(self) -> &'static str {
        match self {
            Availability::Active => "Active",
            Availability::Pause => "Pause",
            Availability::Drain => "Drain",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NodeStatus {
    Ready,
    Down,
}

impl NodeStatus {
    pub fn title(self) -> &'static str {
        match self {
            NodeStatus::Ready => "Ready",
            NodeStatus::Down => "Down",
        }
    }
}
