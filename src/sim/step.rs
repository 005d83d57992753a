//! The only dispatcher.
//!
//! `step` pops the next entry of the agenda, advances the clock to it and hands it to its domain's
//! `on_<event>` handler, which returns a `Record` narrating what happened. Timers that belong to an
//! earlier run of a process are stale: they are dropped without a record, as the daemon ignores a
//! timer whose container has moved on.

use super::docker::disk;
use super::docker::engine;
use super::docker::health;
use super::event::Event;
use super::lab;
use super::record::Record;
use super::shell;
use super::world::World;

/// Runs exactly one live event. `None` when nothing is left to happen.
pub fn step(world: &mut World) -> Option<Record> {
    step_until(world, None)
}

/// The most routine events one step runs before it ends anyway. Routine events (a Raft heartbeat,
/// a traffic generator's tick) make no step of their own, so a long wait through them was one
/// step of unbounded work (`wait 365d` with traffic running: minutes, found by fuzzing). Past
/// this many the stretch becomes a step, "time passes", and the wait goes on in the next. No
/// shipped scenario comes near it (the most routine events in one step is 34).
pub const QUIET_EVENTS_PER_STEP: u64 = 10_000;

/// Like [`step`], but never runs an entry due after `limit_ms`: a quiet event (a routine Raft
/// heartbeat makes no step) must not carry a bounded wait past its end into a far-off timer.
pub fn step_until(world: &mut World, limit_ms: Option<super::time::Millis>) -> Option<Record> {
    // Quiet events popped before the limit stops us must not change the world without a step
    // (a replay would not see them), so a bounded step that ends with nothing puts it back.
    let before = limit_ms.map(|_| world.clone());
    super::swarm::control::resume(world);
    super::traffic::resume(world);
    let mut quiet_events = 0;
    loop {
        if let (Some(limit), Some(due)) = (limit_ms, world.next_due_ms())
            && due > limit
        {
            if let Some(before) = before {
                *world = before;
            }
            return None;
        }
        let Some((key, event)) = world.agenda.pop() else {
            break;
        };
        world.now_ms = world.now_ms.max(key.due_ms);
        let mut record = Record::new(world.now_ms);
        let live = dispatch(world, event, &mut record);
        if live {
            disk::sync(world, &mut record);
            // A `docker compose` command waiting on containers (health, exits) moves on.
            super::docker::compose::job::poll(world, &mut record);
            // The swarm's leader reacts to what just happened (a node down, a new service…).
            super::swarm::manager::settle(world, &mut record);
            // The allocator gives new tasks their overlay addresses (src/sim/swarm/overlay.rs).
            super::swarm::overlay::allocate(world);
            super::swarm::services::poll(world, &mut record);
            // Running Traefiks: docker providers follow at once, swarm providers at their poll.
            super::traefik::providers::sync(world, &mut record);
            // What those wrote (a Compose job's new containers and their first files, a task's
            // pull on this machine) counts on the disk in this step too: the disk-full moment
            // goes on the agenda now, not one step late.
            disk::sync(world, &mut record);
            #[cfg(debug_assertions)]
            assert_invariants(world, &record);
            return Some(record);
        }
        quiet_events += 1;
        if quiet_events >= QUIET_EVENTS_PER_STEP {
            let mut record = Record::new(world.now_ms);
            record.title = "time passes".to_string();
            record.say(format!(
                "{QUIET_EVENTS_PER_STEP} routine events in a row (heartbeats, probes, the traffic generator's requests) and nothing else: they make a step of their own, so a long wait is many short steps."
            ));
            return Some(record);
        }
    }
    if let Some(before) = before {
        *world = before;
    }
    None
}

/// Debug builds check every invariant of src/sim/invariants.rs after each live step, so that
/// every test, scenario and replay doubles as a check of the model.
#[cfg(debug_assertions)]
fn assert_invariants(world: &World, record: &Record) {
    if let Err(broken) = world.check_invariants() {
        panic!(
            "invariant broken: seed {}, at {} ms, after step {:?}: {broken}",
            world.seed, world.now_ms, record.title
        );
    }
}

/// Hands one event to its domain's handler; `true` if it was live (made a step).
fn dispatch(world: &mut World, event: Event, record: &mut Record) -> bool {
    match event {
        Event::Input(input) => {
            shell::on_input(world, input, record);
            true
        }
        Event::Wake => shell::on_wake(world, record),
        Event::DataWrite => super::backup::on_write(world, record),
        Event::Cron => super::cron::on_cron(world, record),
        Event::Process { container, run, pc } => {
            engine::on_process(world, &container, run, pc, record)
        }
        Event::GracefulExit {
            container,
            run,
            exit_code,
        } => engine::on_graceful_exit(world, &container, run, exit_code, record),
        Event::StopTimeout { container, run } => {
            engine::on_stop_timeout(world, &container, run, record)
        }
        Event::RestartDue { container, run } => {
            engine::on_restart_due(world, &container, run, record)
        }
        Event::HealthProbe { container, run } => {
            health::on_health_probe(world, &container, run, record)
        }
        Event::VmBoot { vm, boot, stage } => lab::on_vm_boot(world, &vm, boot, stage, record),
        Event::DiskFull => disk::on_disk_full(world, record),
        Event::MemoryCheck { host } => world
            .on_host(&host, |w| {
                super::docker::resources::on_memory_check(w, record)
            })
            .unwrap_or(false),
        Event::SwarmTick => super::swarm::control::on_tick(world, record),
        Event::NodeHeartbeatTimeout { machine, since_ms } => {
            super::swarm::control::on_heartbeat_timeout(world, &machine, since_ms, record)
        }
        Event::SwarmWork => super::swarm::manager::on_work(world, record),
        Event::TrafficTick => super::traffic::on_tick(world, record),
        Event::TraefikPoll { container, run } => {
            super::traefik::providers::on_poll(world, &container, run, record)
        }
        Event::AofRewriteDone { container, run } => {
            super::docker::redis::on_rewrite_done(world, &container, run, record)
        }
        Event::TraefikRenew { container, run } => {
            super::traefik::certs::on_renew(world, &container, run, record)
        }
        Event::OnHost { host, event } => world
            .on_host(&host, |world| dispatch(world, *event, record))
            .unwrap_or(false),
    }
}
