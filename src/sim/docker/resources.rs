//! Memory and CPU limits (`-m/--memory`, `--memory-swap`, `--cpus`), a leaking process
//! (`! leak NAME 10M/s`), and who the OOM killer ends.
//!
//! Real Docker (docs `engine/containers/resource_constraints.md`; moby
//! `daemon/daemon_unix.go` `verifyPlatformContainerResources`): `-m` puts the container in a
//! memory cgroup; when its processes reach the limit the kernel kills one
//! (`Memory cgroup out of memory: Killed process PID (comm)`), PID 1 dies of SIGKILL, the
//! container is `Exited (137)` with `"OOMKilled": true`, and its restart policy applies. Without
//! a limit the container may take all of the host's memory; the kernel's OOM killer then picks a
//! victim among every process on the host ("Any process is subject to killing, including Docker
//! and other important applications"), by size: the largest goes first. The daemon refuses
//! `Minimum memory limit allowed is 6MB`, a swap limit without a memory limit or below it, and
//! more CPUs than the machine has (`range of CPUs is from 0.01 to 8.00, as there are only 8 CPUs
//! available`).
//!
//! What we model: the limits (kept in `HostConfig`, shown by `docker inspect` and `docker
//! stats`), a leak that grows a container's memory at a steady rate from each start (the bug is
//! in the code, so a restarted container leaks again), the moment its cgroup or the host runs
//! out, and the kill: the leaking container at its limit, or on the host the largest container
//! then. What we simplify: no swap (a swap limit is checked, not used), CPU limits are recorded
//! but do not slow anything, the host's own processes hold `os_memory_bytes` and are never
//! chosen, and the kill is checked when it is due rather than continuously.

use super::super::event::Event;
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::world::World;
use super::container::Container;
use super::error::DockerError;
use crate::sim::time::Millis;

/// moby `linuxMinMemory`.
const MIN_MEMORY_BYTES: u64 = 6 * 1024 * 1024;

/// The daemon's checks of `-m`, `--memory-swap` and `--cpus` (moby `verifyPlatformContainerResources`).
pub fn check(
    memory_bytes: u64,
    memory_swap_bytes: i64,
    nano_cpus: u64,
    machine_cpus: u32,
) -> Result<(), DockerError> {
    if memory_bytes != 0 && memory_bytes < MIN_MEMORY_BYTES {
        return Err(DockerError::daemon("Minimum memory limit allowed is 6MB"));
    }
    if memory_swap_bytes > 0 && memory_bytes == 0 {
        return Err(DockerError::daemon(
            "You should always set the Memory limit when using Memoryswap limit, see usage",
        ));
    }
    if memory_bytes > 0 && memory_swap_bytes > 0 && (memory_swap_bytes as u64) < memory_bytes {
        return Err(DockerError::daemon(
            "Minimum memoryswap limit should be larger than memory limit, see usage",
        ));
    }
    if nano_cpus > u64::from(machine_cpus) * 1_000_000_000 {
        return Err(DockerError::daemon(format!(
            "range of CPUs is from 0.01 to {machine_cpus}.00, as there are only {machine_cpus} CPUs available"
        )));
    }
    Ok(())
}

/// The memory this machine has, and its CPUs (a swarm lab machine's, or the single host's).
pub fn machine(world: &World) -> (u64, u32) {
    world.swarm.machines.get(world.here()).map_or(
        (
            crate::sim::lab::HOST.memory_bytes,
            crate::sim::lab::HOST.cpus,
        ),
        |m| (m.memory_bytes, m.cpus),
    )
}

/// A running container's memory now: what its program holds, plus what a leak has added since
/// it started.
pub fn usage_bytes(c: &Container, now_ms: Millis) -> u64 {
    let base = crate::sim::lab::container_memory_bytes(c);
    if base == 0 {
        return 0;
    }
    let leaked = match (c.leak_bytes_per_s, c.state.started_at) {
        (rate, Some(started)) if rate > 0 => {
            rate * now_ms.saturating_sub(started.max(c.leak_since_ms)) / 1000
        }
        _ => 0,
    };
    base + leaked
}

/// `! leak NAME RATE` / `! leak NAME stop`.
pub fn set_leak(
    world: &mut World,
    id: &ContainerId,
    bytes_per_s: u64,
    rec: &mut Record,
) -> Result<(), String> {
    let now = world.now_ms;
    let c = world
        .engine
        .containers
        .get_mut(id)
        .ok_or("no such container")?;
    c.leak_bytes_per_s = bytes_per_s;
    c.leak_since_ms = now;
    let name = c.name.clone();
    rec.touch(&name);
    if bytes_per_s == 0 {
        rec.say(format!("{name}'s leak is fixed: its memory stops growing (what it holds stays until it restarts)."));
        return Ok(());
    }
    let limit = c.host_config.memory_bytes;
    rec.say(format!(
        "{name} now leaks {}/s: its memory grows until {}.",
        super::stats::bytes_size(bytes_per_s),
        if limit > 0 {
            format!(
                "it reaches its limit of {}",
                super::stats::bytes_size(limit)
            )
        } else {
            "the host runs out (nothing limits it)".to_string()
        }
    ));
    schedule(world);
    Ok(())
}

/// When the next out-of-memory comes on this machine (the mounted engine's), if a leak runs
/// there: an event then, for this machine.
pub fn schedule(world: &mut World) {
    if let Some(at_ms) = next_oom_ms(world) {
        let delay = at_ms.saturating_sub(world.now_ms).max(1);
        let host = world.here().to_string();
        world.schedule_in(delay, Event::MemoryCheck { host });
    }
}

/// The earliest moment a leaking container reaches its limit, or the host runs out.
fn next_oom_ms(world: &World) -> Option<Millis> {
    let now = world.now_ms;
    let (host_bytes, _) = machine(world);
    let os = crate::sim::lab::HOST.os_memory_bytes;
    let running: Vec<&Container> = world
        .engine
        .containers
        .values()
        .filter(|c| c.status().is_up())
        .collect();
    let leak_rate: u64 = running.iter().map(|c| c.leak_bytes_per_s).sum();
    let mut best: Option<Millis> = None;
    for c in running.iter().filter(|c| c.leak_bytes_per_s > 0) {
        let limit = c.host_config.memory_bytes;
        if limit > 0 {
            let used = usage_bytes(c, now);
            let ms = limit.saturating_sub(used) * 1000 / c.leak_bytes_per_s;
            best = Some(best.map_or(now + ms, |b| b.min(now + ms)));
        }
    }
    let used: u64 = os + running.iter().map(|c| usage_bytes(c, now)).sum::<u64>();
    if let Some(ms) = (host_bytes.saturating_sub(used) * 1000).checked_div(leak_rate) {
        best = Some(best.map_or(now + ms, |b| b.min(now + ms)));
    }
    best
}

/// The memory check is due: kill what ran out, as the kernel would.
pub fn on_memory_check(world: &mut World, rec: &mut Record) -> bool {
    let now = world.now_ms;
    let over_limit: Option<ContainerId> = world
        .engine
        .containers
        .values()
        .filter(|c| c.status().is_up() && c.host_config.memory_bytes > 0)
        .find(|c| usage_bytes(c, now) >= c.host_config.memory_bytes)
        .map(|c| c.id.clone());
    let mut acted = false;
    if let Some(id) = over_limit {
        let c = &world.engine.containers[&id];
        let (name, pid, comm) = (c.name.clone(), c.state.pid, comm(c));
        rec.say(format!(
            "{name} reached its memory limit ({}): the kernel kills a process in its cgroup (`Memory cgroup out of memory: Killed process {pid} ({comm})`). Only this container is hit; the rest of the host never noticed.",
            super::stats::bytes_size(c.host_config.memory_bytes)
        ));
        let _ = super::engine::crash(world, &id, 137, true, rec);
        acted = true;
    } else {
        let (host_bytes, _) = machine(world);
        let os = crate::sim::lab::HOST.os_memory_bytes;
        let used: u64 = os
            + world
                .engine
                .containers
                .values()
                .filter(|c| c.status().is_up())
                .map(|c| usage_bytes(c, now))
                .sum::<u64>();
        if used >= host_bytes {
            // The kernel's OOM killer: the largest process on the host goes first.
            let victim = world
                .engine
                .containers
                .values()
                .filter(|c| c.status().is_up())
                .max_by_key(|c| (usage_bytes(c, now), std::cmp::Reverse(c.id.0.clone())))
                .map(|c| {
                    (
                        c.id.clone(),
                        c.name.clone(),
                        c.state.pid,
                        comm(c),
                        usage_bytes(c, now),
                    )
                });
            if let Some((id, name, pid, comm, bytes)) = victim {
                rec.say(format!(
                    "The host is out of memory ({} in use of {}): nothing limited any container, so the kernel's OOM killer picks a victim among all the host's processes, the largest first: `Out of memory: Killed process {pid} ({comm})`, {name}, holding {}. Any process can be chosen this way, Docker's own included.",
                    super::stats::bytes_size(used),
                    super::stats::bytes_size(host_bytes),
                    super::stats::bytes_size(bytes)
                ));
                let _ = super::engine::crash(world, &id, 137, true, rec);
                acted = true;
            }
        }
    }
    schedule(world);
    acted
}

/// The command name the kernel prints for PID 1.
fn comm(c: &Container) -> String {
    c.config
        .argv()
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a).chars().take(15).collect())
        .unwrap_or_default()
}
