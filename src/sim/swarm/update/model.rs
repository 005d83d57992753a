//! A service update in progress, as data: the updater's memory for one service (the dirty slots
//! still queued, the slots in flight, the workers resting, the tasks it created and counted as
//! failures).
//!
//! SwarmKit's updater keeps this in the leader's memory; we keep it in the swarm's store so a new
//! leader carries on where the old one was. It is a leaf (it imports only `task` and `time`), so
//! the swarm can hold it without importing the updater, which runs over the world in
//! src/sim/swarm/update/mod.rs.

use crate::sim::swarm::task::Task;
use crate::sim::time::Millis;

/// A slot as the updater sees it: the slot number of a replicated service, or the node of a
/// global one.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct SlotKey {
    pub slot: Option<u64>,
    pub node_id: Option<String>,
}

impl SlotKey {
    pub fn of(t: &Task) -> SlotKey {
        SlotKey {
            slot: t.slot,
            node_id: if t.slot.is_some() {
                None
            } else {
                t.node_id.clone()
            },
        }
    }
}

/// One slot a worker is replacing.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct InFlight {
    pub key: SlotKey,
    /// The tasks the new one replaces (shut down at once with stop-first, once the new task runs
    /// with start-first).
    pub old_tasks: Vec<String>,
    pub new_task: String,
}

/// The updater's memory for one service.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Progress {
    /// Dirty slots no worker has taken yet, in the order they will be taken.
    pub queue: Vec<SlotKey>,
    /// Dirty slots when the update started (the failure ratio's denominator).
    pub total: u64,
    /// Workers: `parallelism`, or one per dirty slot when it is 0.
    pub workers: u64,
    /// Slots a worker holds right now (never more than `workers`).
    pub in_flight: Vec<InFlight>,
    /// Workers sleeping the update `delay` after a slot, until these times.
    pub resting: Vec<Millis>,
    /// Tasks this update created, with the time each reached `running` (or went past it).
    pub updated: Vec<(String, Option<Millis>)>,
    /// Tasks counted as failures, in order.
    pub failures: Vec<String>,
    /// The failure action stopped the update: finish the slots in flight, take no more.
    pub stopped: bool,
    /// All slots done: the last monitor period ends here, then the update is complete.
    pub monitor_until_ms: Option<Millis>,
}

impl Progress {
    /// Slots handed to a worker so far.
    pub fn taken(&self) -> u64 {
        self.total - self.queue.len() as u64
    }
}
