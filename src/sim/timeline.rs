//! A run you can move through: forward, back, seek, fork.
//!
//! The timeline is the start world plus the list of steps taken (each step optionally begins with
//! an input). Any moment is rebuilt by replaying steps from the nearest keyframe, so keyframes are
//! only a cache: dropping them changes speed, never results. Giving an input while looking at the
//! past forks: the old future is discarded and the new input becomes step `cursor + 1`.
//!
//! Keyframes are placed by what replaying costs, not by a count of steps: each step is given a
//! cost in deterministic units when it first runs ([`replay_cost`]: a base per step plus each
//! request the traffic generator sent during it, the work that dominates a busy step), and a
//! keyframe is kept once the steps since the last one cost [`KEYFRAME_COST`]. A seek then replays
//! less than that budget, and a step forward through a costly known step (30 s of traffic at
//! 20/s is 600 requests through the mesh and Traefik) copies its keyframe instead of rerunning it.
//! Units, not time: the placement is the same on every machine and every run.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::input::Input;
use super::record::Record;
use super::step::step;
use super::world::World;

/// What one step costs to replay before counting its requests, in replay units.
const STEP_COST: u64 = 16;
/// Quiet steps between two keyframes: a seek replays at most this many. 16, not 32: on the
/// practice project (61 containers and tasks on a swarm, steps of up to 5 ms natively) the worst
/// seek halved (12 ms to 8 ms natively), for a third more memory in the worst case measured (the
/// 12-node timeline of 1,000 steps under traffic: 39.8 MB to 56.9 MB).
pub const QUIET_STEPS_PER_KEYFRAME: u64 = 16;
/// The replay cost between keyframes: [`QUIET_STEPS_PER_KEYFRAME`] quiet steps, or one step
/// through about a quarter of a minute of traffic at 20 requests a second.
const KEYFRAME_COST: u64 = QUIET_STEPS_PER_KEYFRAME * STEP_COST;

/// The cost of replaying the step that led from a world whose traffic generator had sent
/// `sent_before` requests to `after`.
fn replay_cost(sent_before: u64, after: &World) -> u64 {
    STEP_COST + after.traffic.sent.saturating_sub(sent_before)
}

#[derive(Clone, Debug)]
pub struct Timeline {
    start: World,
    /// Step `i + 1` begins by submitting `entries[i]`, if any, then runs one event.
    entries: Vec<Option<Input>>,
    records: Vec<Record>,
    /// `costs[i]`: the replay cost of step `i + 1`, fixed when it first ran.
    costs: Vec<u64>,
    /// The cost of the known steps since the last keyframe at or before the newest one.
    cost_since_keyframe: u64,
    cursor: usize,
    /// Shared with whoever shows it (the UI holds the `Rc` it drew): a step that changes it
    /// copies it first (`Rc::make_mut`), so a new world is a new pointer and a picture can tell
    /// "unchanged" by pointer instead of comparing two worlds.
    world: Rc<World>,
    keyframes: BTreeMap<usize, World>,
    /// Counts the changes to the known steps (one appended, the future forgotten): what is drawn
    /// from all of them (the narration) is rebuilt only when it moves.
    revision: u64,
}

impl Timeline {
    pub fn new(start: World) -> Self {
        let mut keyframes = BTreeMap::new();
        keyframes.insert(0, start.clone());
        Timeline {
            world: Rc::new(start.clone()),
            start,
            entries: Vec::new(),
            records: Vec::new(),
            costs: Vec::new(),
            cost_since_keyframe: 0,
            cursor: 0,
            keyframes,
            revision: 0,
        }
    }

    /// The world after `cursor()` steps.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The same world, shared: the pointer changes exactly when a step changes the world.
    pub fn shared_world(&self) -> Rc<World> {
        Rc::clone(&self.world)
    }

    pub fn start(&self) -> &World {
        &self.start
    }

    /// How many steps have been applied to reach the world shown.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// How many steps are known (past and, after a `back`, future).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Every known record; `records()[k - 1]` is what step `k` did.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The record of the step that led to the world shown.
    pub fn last_record(&self) -> Option<&Record> {
        self.cursor.checked_sub(1).map(|i| &self.records[i])
    }

    /// The inputs given so far, with the step they started.
    pub fn inputs(&self) -> impl Iterator<Item = (usize, &Input)> {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().map(|input| (i + 1, input)))
    }

    /// Moves one step forward: replays the known future, or runs the next scheduled event.
    /// Returns false when nothing is left to happen.
    pub fn forward(&mut self) -> bool {
        if self.cursor < self.records.len() {
            // A costly step was kept as a keyframe: copying it is cheaper than running it again.
            if let Some(snapshot) = self.keyframes.get(&(self.cursor + 1)) {
                self.world = Rc::new(snapshot.clone());
            } else {
                let entry = self.entries[self.cursor].clone();
                apply(Rc::make_mut(&mut self.world), entry);
            }
            self.cursor += 1;
            return true;
        }
        let sent_before = self.world.traffic.sent;
        // A step that finds only quiet events (a routine heartbeat, a timer with nothing left to
        // do) makes no record: it must not move the world either. Otherwise the world shown (its
        // clock 24 h later, say) is one no replay of the records reaches, and a link to it reopens
        // somewhere else.
        let before = self.world.clone();
        match step(Rc::make_mut(&mut self.world)) {
            Some(record) => {
                self.push_step(None, record, sent_before);
                true
            }
            None => {
                self.world = before;
                false
            }
        }
    }

    /// What [`Timeline::forward`] would do at the end of the known steps (the next live event:
    /// its record, with its time), without doing it. `None` when nothing is left to happen.
    pub fn peek_next(&self) -> Option<Record> {
        let mut world = World::clone(&self.world);
        step(&mut world)
    }

    /// Like [`Timeline::forward`], but runs nothing due after `limit_ms` (a bounded wait).
    pub fn forward_until(&mut self, limit_ms: crate::sim::time::Millis) -> bool {
        if self.cursor < self.records.len() {
            return self.forward();
        }
        let sent_before = self.world.traffic.sent;
        match crate::sim::step::step_until(Rc::make_mut(&mut self.world), Some(limit_ms)) {
            Some(record) => {
                self.push_step(None, record, sent_before);
                true
            }
            None => false,
        }
    }

    /// Moves one step back. Returns false at the start.
    pub fn back(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.seek(self.cursor - 1);
        true
    }

    /// Shows the world after `target` steps (clamped to the known steps).
    pub fn seek(&mut self, target: usize) {
        let target = target.min(self.records.len());
        if target == self.cursor {
            return;
        }
        let (&from, snapshot) = self
            .keyframes
            .range(..=target)
            .next_back()
            .expect("keyframe 0 always exists");
        // Replaying forward from the current world is cheaper when it lies between.
        if !(from..target).contains(&self.cursor) {
            self.world = Rc::new(snapshot.clone());
            self.cursor = from;
        }
        while self.cursor < target {
            let entry = self.entries[self.cursor].clone();
            apply(Rc::make_mut(&mut self.world), entry);
            self.cursor += 1;
        }
    }

    /// Gives an input now. When looking at the past, the old future is discarded first.
    pub fn submit(&mut self, input: Input) -> &Record {
        self.truncate_future();
        let sent_before = self.world.traffic.sent;
        let world = Rc::make_mut(&mut self.world);
        world.submit(input.clone());
        let record = step(world).expect("a submitted input is always the next event");
        self.push_step(Some(input), record, sent_before);
        &self.records[self.cursor - 1]
    }

    /// Changes whenever the known steps change (a step appended, the future forgotten); the same
    /// otherwise, wherever the cursor is.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Forgets every step after the cursor.
    pub fn truncate_future(&mut self) {
        self.revision += 1;
        self.entries.truncate(self.cursor);
        self.records.truncate(self.cursor);
        self.costs.truncate(self.cursor);
        let cursor = self.cursor;
        self.keyframes.retain(|&k, _| k <= cursor);
        let last = self.keyframes.keys().next_back().copied().unwrap_or(0);
        self.cost_since_keyframe = self.costs[last..].iter().sum();
    }

    /// Appends the step just run (the cursor was at the end) and keeps a keyframe once the steps
    /// since the last one cost [`KEYFRAME_COST`].
    fn push_step(&mut self, entry: Option<Input>, record: Record, sent_before: u64) {
        let cost = replay_cost(sent_before, &self.world);
        self.revision += 1;
        self.entries.push(entry);
        self.records.push(record);
        self.costs.push(cost);
        self.cursor += 1;
        self.cost_since_keyframe += cost;
        if self.cost_since_keyframe >= KEYFRAME_COST {
            self.keyframes
                .insert(self.cursor, World::clone(&self.world));
            self.cost_since_keyframe = 0;
        }
    }

    /// How many keyframes are kept (for measurements and tests).
    pub fn keyframe_count(&self) -> usize {
        self.keyframes.len()
    }
}

/// One step: submit the input if there is one, then run one event.
fn apply(world: &mut World, entry: Option<Input>) {
    if let Some(input) = entry {
        world.submit(input);
    }
    step(world);
}
