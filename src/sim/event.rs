//! What the simulation schedules for itself.
//!
//! A real daemon wakes up when a process exits, when a stop's grace period runs out, or when the
//! restart manager's back-off timer fires. Each of those is an `Event` on the agenda. Events carry
//! the container's `run` (how many times it has been started) so a timer set for an earlier run of
//! the process is recognised as stale and ignored, as the daemon would ignore it.

use super::ids::ContainerId;
use super::input::Input;

#[derive(Clone, PartialEq, Debug)]
pub enum Event {
    /// Something from outside: a command, a fault, "let time pass".
    Input(Input),
    /// The end of an `Advance`: time has passed and the shell prompt returns.
    Wake,
    /// The application of page 12 writes its next row (src/sim/backup/mod.rs).
    DataWrite,
    /// cron's next minute with a job due (src/sim/cron/mod.rs).
    Cron,
    /// The main process of a container reaches its next instruction (after a sleep, or at start).
    Process {
        container: ContainerId,
        run: u32,
        pc: usize,
    },
    /// The main process finishes handling a stop signal and exits with `exit_code`.
    GracefulExit {
        container: ContainerId,
        run: u32,
        exit_code: i32,
    },
    /// `docker stop`'s grace period is over: the daemon sends SIGKILL.
    StopTimeout { container: ContainerId, run: u32 },
    /// The restart manager's back-off delay is over: start the container again.
    RestartDue { container: ContainerId, run: u32 },
    /// A VM's boot stage is over (sim/lab.rs); `boot` tells a stale event from a live one.
    VmBoot { vm: String, boot: u32, stage: usize },
    /// A healthcheck probe is due (src/sim/docker/health/mod.rs).
    HealthProbe { container: ContainerId, run: u32 },
    /// The host's disk fills up at this moment (src/sim/docker/disk/mod.rs computes when).
    DiskFull,
    /// The swarm managers' next Raft timer (src/sim/swarm/control.rs).
    SwarmTick,
    /// No heartbeat from a killed machine for 15 s: its node goes Down (if it is still off).
    NodeHeartbeatTimeout { machine: String, since_ms: u64 },
    /// An agent's next task move, a delayed restart or an update step is due
    /// (src/sim/swarm/manager.rs keeps one at the earliest).
    SwarmWork,
    /// The traffic generator's next one-second bucket (src/sim/traffic/mod.rs).
    TrafficTick,
    /// A Traefik swarm provider's poll (src/sim/traefik/providers.rs): it picks up the swarm's
    /// state as it is now.
    TraefikPoll { container: ContainerId, run: u32 },
    /// A Traefik's 24 h certificate renewal check (src/sim/traefik/certs.rs).
    TraefikRenew { container: ContainerId, run: u32 },
    /// A leaking container on machine `host` may have run out of memory now
    /// (src/sim/docker/resources.rs); every machine's kernel watches its own memory.
    MemoryCheck { host: String },
    /// A Redis AOF rewrite is done (src/sim/docker/redis.rs).
    AofRewriteDone { container: ContainerId, run: u32 },
    /// A container's timer on one machine of the lab: `event` runs with that machine's engine
    /// mounted (src/sim/world.rs `on_host`).
    OnHost { host: String, event: Box<Event> },
}

impl Event {
    /// The event itself, without the machine it is addressed to.
    pub fn inner(&self) -> &Event {
        match self {
            Event::OnHost { event, .. } => event.inner(),
            other => other,
        }
    }

    /// The container this event belongs to, if any.
    pub fn container(&self) -> Option<&ContainerId> {
        match self {
            Event::OnHost { event, .. } => event.container(),
            Event::Process { container, .. }
            | Event::GracefulExit { container, .. }
            | Event::StopTimeout { container, .. }
            | Event::RestartDue { container, .. }
            | Event::HealthProbe { container, .. }
            | Event::TraefikPoll { container, .. }
            | Event::TraefikRenew { container, .. }
            | Event::AofRewriteDone { container, .. } => Some(container),
            Event::Input(_)
            | Event::Wake
            | Event::DataWrite
            | Event::Cron
            | Event::VmBoot { .. }
            | Event::DiskFull
            | Event::MemoryCheck { .. }
            | Event::SwarmTick
            | Event::SwarmWork
            | Event::TrafficTick
            | Event::NodeHeartbeatTimeout { .. } => None,
        }
    }
}
