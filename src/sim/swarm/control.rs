//! The swarm's control loop on the world's agenda: Raft timers, machine faults, node heartbeats.
//!
//! Real Swarm: each manager's Raft node ticks every second (heartbeats, election timeouts,
//! CheckQuorum); workers' agents send a heartbeat to the dispatcher every 5 s, and a node that
//! misses them is marked `Down` after about 15 s (three periods: docs/FIDELITY.md, "Swarm: nodes,
//! heartbeats and the CLI"). Killing a machine stops its engine and everything on it; starting it
//! again brings its Raft member back with its persisted term. A network partition cuts machines
//! off without stopping anything: each side keeps running what it runs.
//!
//! We keep one `Event::SwarmTick` on the agenda at Raft's next due time. A tick that changes
//! nothing visible (a routine heartbeat) produces no step, so the timeline only shows what a
//! learner should see: elections, step-downs, quorum lost or regained, nodes going down.
//! Partitions (`! partition node-2 node-3`, `! heal`) put machines in groups; [`reachable`] is
//! the connectivity Raft, the dispatcher and the agents see. Simplified: the heartbeat timeout is
//! one timer per node the leader stops hearing from (off or cut off), due 15 s after the silence
//! began, not a per-node 5 s heartbeat stream.

use super::cluster::NodeStatus;
use crate::sim::event::Event;
use crate::sim::order::CollectOrdered;
use crate::sim::time::Millis;
use crate::sim::{Record, World};

/// SwarmKit dispatcher: heartbeat period 5 s, node down after 3 missed periods.
pub const NODE_DOWN_AFTER_MS: Millis = 15_000;

/// Whether two machines can talk: both powered on and on the same side of any partition.
pub fn reachable(world: &World) -> impl Fn(&str, &str) -> bool + use<> {
    let up: std::collections::BTreeMap<String, u32> = world
        .swarm
        .machines
        .values()
        .filter(|m| m.engine_running())
        .map(|m| (m.hostname.clone(), m.partition))
        .collect_map();
    move |a: &str, b: &str| match (up.get(a), up.get(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// The leader's dispatcher and the agents' heartbeats: a node the leader cannot hear from is
/// `Down` 15 s after the silence began (a new leader starts that clock afresh, as SwarmKit's
/// dispatcher gives every node a grace period when it starts); a node heard again is `Ready`.
pub fn watch_heartbeats(world: &mut World, rec: &mut Record) {
    let now = world.now_ms;
    let Some(leader) = world.swarm.leader().map(|n| n.hostname.clone()) else {
        return;
    };
    let net = reachable(world);
    let hosts: Vec<String> = world
        .swarm
        .machines
        .values()
        .filter(|m| m.node_id.is_some())
        .map(|m| m.hostname.clone())
        .collect();
    for host in hosts {
        let heard = net(&leader, &host);
        let m = world.swarm.machines.get_mut(&host).expect("listed above");
        if heard {
            m.silent_since_ms = None;
            let id = m.node_id.clone().unwrap_or_default();
            if let Some(n) = world.swarm.nodes.get_mut(&id)
                && n.status == NodeStatus::Down
            {
                n.status = NodeStatus::Ready;
                rec.touch(host.clone());
                rec.say(format!(
                    "{host}'s agent reaches the leader again: the node is Ready (its old tasks are not moved back)."
                ));
            }
        } else if m.silent_since_ms.is_none() {
            m.silent_since_ms = Some(now);
            world.schedule_in(
                NODE_DOWN_AFTER_MS,
                Event::NodeHeartbeatTimeout {
                    machine: host.clone(),
                    since_ms: now,
                },
            );
        }
    }
}

/// After a leader change the new dispatcher waits a full period before judging anyone.
pub(crate) fn restart_heartbeat_clocks(world: &mut World, rec: &mut Record) {
    for m in world.swarm.machines.values_mut() {
        m.silent_since_ms = None;
    }
    watch_heartbeats(world, rec);
}

/// `! partition node-2 node-3`: these machines are cut off from the others.
pub fn partition(world: &mut World, machines: &[String], rec: &mut Record) -> Result<(), String> {
    for m in machines {
        if !world.swarm.machines.contains_key(m) {
            return Err(format!("no machine {m} in this lab"));
        }
    }
    let group = world
        .swarm
        .machines
        .values()
        .map(|m| m.partition)
        .max()
        .unwrap_or(0)
        + 1;
    for m in machines {
        if let Some(machine) = world.swarm.machines.get_mut(m) {
            machine.partition = group;
        }
        rec.touch(m.clone());
    }
    rec.title = format!("network partition: {} cut off", machines.join(", "));
    rec.say(format!(
        "The network splits: {} can only reach each other. Every machine keeps running what it runs; each side only sees the other stop answering.",
        machines.join(", ")
    ));
    after_connectivity_change(world, rec);
    Ok(())
}

/// `! fill-disk node-2` / `! free-disk node-2`: the machine's disk is full, or has room again.
/// Running containers keep running; the engine can no longer pull or create one. The scheduler
/// does not look at disks, so it keeps sending tasks there, and each is rejected.
pub fn fill_disk(
    world: &mut World,
    host: &str,
    full: bool,
    rec: &mut Record,
) -> Result<(), String> {
    let Some(disk) = world.disk_of(host) else {
        return Err(format!("no machine {host} in this lab"));
    };
    if disk.full == full {
        return Err(format!(
            "{host}'s disk is already {}",
            if full { "full" } else { "free" }
        ));
    }
    world.on_host(host, |w| {
        // Something outside Docker fills (or frees) the rest of the disk.
        w.disk.filled_bytes = 0;
        if full {
            let used = crate::sim::docker::disk::usage(w).total();
            w.disk.filled_bytes = w.disk.size_bytes.saturating_sub(used);
        }
        w.disk.full = full;
    });
    rec.touch(host);
    if full {
        rec.title = format!("{host}'s disk is full");
        rec.say(format!(
            "{host}'s disk fills up. What runs there keeps running, but its engine cannot pull an image or create a container any more: a task sent there is rejected with `no space left on device`. SwarmKit's scheduler does not look at disk space, so it may keep choosing {host}."
        ));
        // The databases there cannot write any more (the single host's disk model).
        world.on_host(host, |w| crate::sim::docker::disk::crash_databases(w, rec));
    } else {
        rec.title = format!("{host}'s disk has room again");
        rec.say(format!(
            "Space is freed on {host}: its engine can create containers again."
        ));
    }
    Ok(())
}

/// `! heal`: the network is whole again.
pub fn heal(world: &mut World, rec: &mut Record) -> Result<(), String> {
    if world.swarm.machines.values().all(|m| m.partition == 0) {
        return Err("there is no partition to heal".to_string());
    }
    for m in world.swarm.machines.values_mut() {
        m.partition = 0;
    }
    rec.title = "the network heals".to_string();
    rec.say("Every machine can reach every other again; agents reconnect to the leader and learn what they should (and should no longer) run.");
    after_connectivity_change(world, rec);
    Ok(())
}

/// Raft and the heartbeat watch react to machines appearing or disappearing.
fn after_connectivity_change(world: &mut World, rec: &mut Record) {
    // Raft asks `reachable` at each of its timers, so it sees the change at its next tick.
    watch_heartbeats(world, rec);
    schedule(world);
}

/// Puts the next Raft timer on the agenda (replacing the previous one).
pub fn schedule(world: &mut World) {
    world.agenda.cancel(|e| matches!(e, Event::SwarmTick));
    if let Some(due) = world.swarm.raft.next_due_ms() {
        let delay = due.saturating_sub(world.now_ms);
        world.schedule_in(delay, Event::SwarmTick);
    }
}

/// Before the next agenda entry runs: if the swarm's timer stopped (quiet cluster) and Raft has a
/// timer due before that entry, put the timer back so Raft keeps pace with the world.
pub fn resume(world: &mut World) {
    if !world.swarm.active() || world.agenda.any(|e| matches!(e, Event::SwarmTick)) {
        return;
    }
    let Some(next) = world.next_due_ms() else {
        return;
    };
    if world
        .swarm
        .raft
        .next_due_ms()
        .is_some_and(|due| due <= next)
    {
        // A long quiet stretch (a transcript's `wait 2d`, a certificate check weeks away):
        // Raft's quiet periods are skipped in one go instead of a tick per second.
        let mut raft = std::mem::take(&mut world.swarm.raft);
        {
            let net = reachable(world);
            raft.skip_quiet(next, &net, &world.rng);
        }
        world.swarm.raft = raft;
        schedule(world);
    }
}

/// Tells the narration what Raft just did.
pub fn narrate(events: &[super::raft::RaftEvent], rec: &mut Record) {
    for e in events {
        rec.say(e.describe());
    }
}

/// `Event::SwarmTick`: run Raft's due timers. `false` (no step) when nothing worth telling happened.
pub fn on_tick(world: &mut World, rec: &mut Record) -> bool {
    let now = world.now_ms;
    let mut raft = std::mem::take(&mut world.swarm.raft);
    let events = {
        let net = reachable(world);
        raft.advance(now, &net, &mut world.rng)
    };
    world.swarm.raft = raft;
    let interesting: Vec<_> = events
        .iter()
        .filter(|e| {
            !matches!(
                e,
                super::raft::RaftEvent::HeartbeatMissed { .. }
                    | super::raft::RaftEvent::HeartbeatAnswered { .. }
            )
        })
        .cloned()
        .collect();
    // Keep ticking while something else is pending (time is passing anyway) or while Raft is
    // making visible progress; a quiet, settled cluster stops its timer until the next input or
    // event (see `resume`), so "step forward" ends instead of heart-beating forever.
    let up = world.swarm.raft.members.values().filter(|m| m.up).count();
    let progress = up >= super::raft::quorum_size(world.swarm.raft.size());
    let others = world.agenda.any(|e| !matches!(e, Event::SwarmTick));
    if others && interesting.is_empty() {
        // Until the next other thing on the agenda, a quiet cluster only repeats itself: skip
        // those periods at once (src/sim/swarm/raft.rs `skip_quiet`).
        let next = world
            .agenda
            .iter()
            .filter(|(_, e)| !matches!(e, Event::SwarmTick))
            .map(|(k, _)| k.due_ms)
            .min();
        if let Some(next) = next {
            let mut raft = std::mem::take(&mut world.swarm.raft);
            {
                let net = reachable(world);
                raft.skip_quiet(next, &net, &world.rng);
            }
            world.swarm.raft = raft;
        }
    }
    if others || (!interesting.is_empty() && progress) {
        schedule(world);
    }
    if interesting.is_empty() {
        return false;
    }
    rec.title = title(&interesting);
    narrate(&interesting, rec);
    for e in &interesting {
        if let super::raft::RaftEvent::LeaderElected { node, .. } = e {
            rec.touch(node.clone());
        }
    }
    if interesting
        .iter()
        .any(|e| matches!(e, super::raft::RaftEvent::LeaderElected { .. }))
    {
        restart_heartbeat_clocks(world, rec);
    }
    true
}

fn title(events: &[super::raft::RaftEvent]) -> String {
    use super::raft::RaftEvent as E;
    for e in events {
        match e {
            E::LeaderElected { node, term, .. } => {
                return format!("{node} elected leader (term {term})");
            }
            E::QuorumLost { .. } => return "the managers lost quorum".to_string(),
            E::SteppedDown { node, .. } => return format!("{node} steps down"),
            _ => {}
        }
    }
    match events.first() {
        Some(E::ElectionTimeout { node, term, .. }) => {
            format!("{node}: election timeout (term {term})")
        }
        _ => "Raft".to_string(),
    }
}

/// A terminal `ssh`ed into a machine that loses power (or through it, to another) has lost its
/// session: OpenSSH notices when it next writes (`client_loop: send disconnect: Broken pipe`),
/// and the shell is back on the machine the session started from. Without this the terminal
/// would go on running commands on a machine that is off.
fn drop_ssh_sessions_through(world: &mut World, host: &str, rec: &mut Record) {
    let mut path = world.shell.hops.clone();
    path.push(world.swarm.local.clone());
    // Position 0 is the lab's own shell: its machine going off is not a dropped session.
    let Some(at) = path.iter().skip(1).position(|h| h == host).map(|i| i + 1) else {
        return;
    };
    let back = path[at - 1].clone();
    world.shell.hops.truncate(at - 1);
    world.mount(&back);
    world.swarm.local = back.clone();
    rec.out("client_loop: send disconnect: Broken pipe");
    rec.touch(&back);
    rec.say(format!(
        "The terminal's SSH session to {host} died with it: the shell is back on {back}."
    ));
}

/// `! kill node-3`: the machine powers off.
pub fn kill(world: &mut World, host: &str, rec: &mut Record) -> Result<(), String> {
    let Some(m) = world.swarm.machines.get_mut(host) else {
        return Err(format!("no machine {host} in this lab"));
    };
    if !m.up {
        return Err(format!("{host} is already off"));
    }
    m.up = false;
    let now = world.now_ms;
    m.down_since_ms = Some(now);
    super::agent::power_off(world, host);
    drop_ssh_sessions_through(world, host, rec);
    rec.title = format!("{host} dies");
    rec.touch(host);
    rec.say(format!(
        "{host} loses power: its engine and every task on it stop at once. The other nodes only notice when its heartbeats stop arriving."
    ));
    if world.swarm.raft.members.contains_key(host) {
        let events = world.swarm.raft.set_up(host, false, now, &mut world.rng);
        narrate(&events, rec);
    }
    watch_heartbeats(world, rec);
    schedule(world);
    Ok(())
}

/// `! start node-3`: the machine powers on; its engine rejoins with its old identity.
pub fn start(world: &mut World, host: &str, rec: &mut Record) -> Result<(), String> {
    let Some(m) = world.swarm.machines.get_mut(host) else {
        return Err(format!("no machine {host} in this lab"));
    };
    if m.up {
        return Err(format!("{host} is already running"));
    }
    m.up = true;
    m.down_since_ms = None;
    // systemd starts dockerd at boot.
    m.dockerd_stopped = false;
    world.on_host(host, |w| w.disk.daemon.running = true);
    rec.title = format!("{host} starts");
    rec.touch(host);
    // A new disk, or a restored swarm folder, changes what the engine is when it starts.
    let same_node = super::statedir::boot(world, host, rec);
    if same_node {
        super::agent::power_on(world, host, rec);
    }
    let now = world.now_ms;
    if same_node
        && world.swarm.node_of(host).is_some()
        && world.swarm.raft.members.contains_key(host)
    {
        let events = world.swarm.raft.set_up(host, true, now, &mut world.rng);
        narrate(&events, rec);
    }
    if world.swarm.machines[host].node_id.is_some() {
        rec.say(format!(
            "{host}'s engine starts and its agent dials the managers."
        ));
    }
    watch_heartbeats(world, rec);
    schedule(world);
    Ok(())
}

/// The dispatcher has heard nothing from `machine` for 15 s: the node is `Down`.
pub fn on_heartbeat_timeout(
    world: &mut World,
    machine: &str,
    since_ms: Millis,
    rec: &mut Record,
) -> bool {
    let Some(m) = world.swarm.machines.get(machine) else {
        return false;
    };
    // Stale: it was heard again (and maybe went silent again later) in the meantime.
    if m.silent_since_ms != Some(since_ms) {
        return false;
    }
    let Some(id) = m.node_id.clone() else {
        return false;
    };
    let leader = world.swarm.leader().map(|n| n.hostname.clone());
    let Some(n) = world.swarm.nodes.get_mut(&id) else {
        return false;
    };
    if leader.is_none() || !world.swarm.raft.has_quorum() {
        // No leader, no dispatcher: nobody marks it down until a leader exists. A leader without
        // a quorum cannot commit the change either.
        return false;
    }
    if n.status == NodeStatus::Down {
        return false;
    }
    n.status = NodeStatus::Down;
    rec.title = format!("{machine} is Down");
    rec.touch(machine);
    rec.say(format!(
        "The leader's dispatcher has had no heartbeat from {machine} for 15 s (3 missed 5-second periods): the node is marked Down, and its tasks are to be replaced on other nodes."
    ));
    true
}
