//! What a `docker service` command following its rollout has seen so far.
//!
//! Real Docker: without `--detach`, `docker service create|update|scale|rollback` stay attached
//! and draw docker/cli's `ServiceProgress` display; its `rollback` flag switches the display to
//! `rolling back update: …` once the daemon reports a rollback. We keep that state in the shell's
//! `Waiter::Service` (src/sim/world.rs) and advance it in src/sim/swarm/services/follow.rs.
//! Simplified: only the state the final screen depends on is kept (no per-bar animation).
//!
//! A leaf on purpose: it imports nothing, so `World` can name it without an import cycle.

/// What the following CLI has seen (docker/cli `ServiceProgress`'s `rollback` flag).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Follow {
    Create,
    Update,
    /// A rollback is under way; `message` is the `rollback: …` line on the screen (the progress
    /// display rewrites that line in place when the rollback completes). `first`: the line came
    /// before the progress bars (`docker service rollback`), not after them (an update that
    /// rolled itself back).
    Rollback {
        message: String,
        first: bool,
    },
}

impl Follow {
    /// The display is in its rollback mode.
    pub fn rolling_back(&self) -> bool {
        matches!(self, Follow::Rollback { .. })
    }
}
