//! The worker side: each node's agent runs the tasks the dispatcher assigns to it.
//!
//! Real Swarm: the agent on each node receives its assignments from the leader's dispatcher and
//! walks each task `assigned → accepted → preparing` (pull the image, create volumes and the
//! container) `→ ready → starting → running`, reporting every state back. A task whose
//! container has a healthcheck stays `starting` until the first probe passes; a container that
//! turns unhealthy is killed and the task fails with `task: non-zero exit (137): dockerexec:
//! unhealthy container`. A container that exits fails its task with `task: non-zero exit (N)`
//! (or completes it with exit 0). When the manager sets a task's desired state past `running`,
//! the agent stops the container (SIGTERM, SIGKILL after the stop grace period) and reports
//! `shutdown`. A named volume is created on the node that runs the task, empty, unless that
//! node already has one by that name: volumes do not follow tasks.
//!
//! We model the programs the course images run ([`program`]): how long they live, their exit
//! code, whether their healthcheck passes and how fast they stop. Simplified: accepted and
//! preparing are one move; pulls take a time proportional to the image size (≈ 60 MB/s) and
//! happen once per node; the agent reports at once (no status batching).

use super::service::ContainerSpec;
use super::task::{Task, TaskState};
use crate::sim::docker::image::{self, ImageRef, Lookup};
use crate::sim::time::{Millis, SECOND_MS};
use crate::sim::{Record, World};

/// What a task's container does once started.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Program {
    /// `None`: runs until stopped.
    pub exits_after_ms: Option<Millis>,
    pub exit_code: i32,
    /// Its healthcheck (if the service has one) passes.
    pub healthy: bool,
    /// How long it takes to exit on SIGTERM; `None`: it ignores SIGTERM (a shell as PID 1)
    /// and is killed when the grace period ends.
    pub stops_in_ms: Option<Millis>,
    /// Bytes to download when the node does not have the image yet.
    pub image_size_bytes: u64,
    /// What it prints when it dies, for `docker service logs`.
    pub last_words: String,
}

/// Download speed of a node's engine pulling layers (≈ 60 MB/s).
const PULL_BYTES_PER_MS: u64 = 60_000;
/// accepted + preparing (container create) before the pull.
const ACCEPT_MS: Millis = 500;
/// `starting` → `running` without a healthcheck.
const START_MS: Millis = 1_000;

/// The program a container spec runs, or the rejection the agent reports
/// (`No such image: nope:latest`).
pub fn program(container: &ContainerSpec) -> Result<Program, String> {
    let reference = ImageRef::parse(&container.image)?;
    let image_size_bytes = match image::lookup(&reference) {
        Lookup::Found(spec) => spec.size_bytes,
        // A real image from the catalogue (or a guessed one): a long-running service of its size.
        // The swarm's own process model stays this small until tasks run as engine containers.
        Lookup::Catalogue(resolution) => {
            crate::sim::docker::catalogue::image(&resolution, &reference, 0)
                .map(|i| i.size_bytes())
                .unwrap_or(100_000_000)
        }
        Lookup::UnknownTag | Lookup::UnknownRepo => {
            return Err(format!(
                "No such image: {}:{}",
                reference.repo, reference.tag
            ));
        }
    };
    let mut p = Program {
        exits_after_ms: None,
        exit_code: 0,
        healthy: true,
        stops_in_ms: Some(200),
        image_size_bytes,
        last_words: String::new(),
    };
    let env_secs = |key: &str, default: u64| {
        container
            .env_value(key)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(default)
    };
    let args: Vec<&str> = container.args.iter().map(String::as_str).collect();
    match (reference.repo.as_str(), reference.tag.as_str()) {
        ("dockyard/crashy", _) => {
            p.exits_after_ms = Some(env_secs("CRASH_AFTER", 5) * SECOND_MS);
            p.exit_code = 1;
            p.last_words = "Error: something went wrong".into();
        }
        ("dockyard/batch-job", _) => {
            p.exits_after_ms = Some(env_secs("JOB_SECONDS", 3) * SECOND_MS);
            p.last_words = "job done".into();
        }
        ("dockyard/web", "2.1") => {
            // The broken release: a dependency missing from the image.
            p.exits_after_ms = Some(1_500);
            p.exit_code = 1;
            p.last_words = "Error: Cannot find module 'express'".into();
        }
        ("dockyard/web", "2.2") => {
            // Starts, but /health answers 500: the healthcheck never passes.
            p.healthy = false;
        }
        ("alpine" | "busybox" | "debian" | "python" | "node", _) => {
            // No long-running default command: `sh`/`node` without a TTY exits at once.
            match args.as_slice() {
                [] => p.exits_after_ms = Some(100),
                ["sleep", n] => {
                    p.exits_after_ms = n.parse::<u64>().ok().map(|s| s * SECOND_MS);
                    p.stops_in_ms = None;
                }
                _ => p.stops_in_ms = None,
            }
        }
        _ => {}
    }
    Ok(p)
}

/// The program a task runs, looked up through its service's template.
fn task_program(world: &World, task: &Task) -> Result<Program, String> {
    match world.swarm.services.get(&task.service_id) {
        Some(svc) => program(&svc.template_of(task.spec_version).container),
        None => Err(String::new()),
    }
}

fn hostname_of(world: &World, task: &Task) -> Option<String> {
    let id = task.node_id.as_ref()?;
    world.swarm.nodes.get(id).map(|n| n.hostname.clone())
}

/// The agent can act on this task: its machine is on and can reach the leader (or, without a
/// leader, is at least on: a running container keeps running).
fn machine_up(world: &World, host: &str) -> bool {
    world.swarm.machines.get(host).is_some_and(|m| m.up)
}

/// Kill every container on a machine that lost power: the store still says `running`.
pub fn power_off(world: &mut World, host: &str) {
    let ids: Vec<String> = world
        .swarm
        .nodes
        .values()
        .filter(|n| n.hostname == host)
        .map(|n| n.id.clone())
        .collect();
    for t in &mut world.swarm.tasks {
        if t.node_id.as_ref().is_some_and(|n| ids.contains(n)) {
            t.container_up = false;
            t.due_ms = None;
        }
    }
}

/// The machine is back: its engine finds its containers dead and the agent reports them.
pub fn power_on(world: &mut World, host: &str, rec: &mut Record) {
    let now = world.now_ms;
    let ids: Vec<String> = world
        .swarm
        .nodes
        .values()
        .filter(|n| n.hostname == host)
        .map(|n| n.id.clone())
        .collect();
    let mut reported = 0;
    for t in &mut world.swarm.tasks {
        if !t.node_id.as_ref().is_some_and(|n| ids.contains(n)) || t.state.is_terminal() {
            continue;
        }
        if t.desired_state > TaskState::Running {
            t.advance(TaskState::Shutdown, "shutdown", now);
        } else if t.state >= TaskState::Assigned {
            t.advance(TaskState::Failed, "task: non-zero exit (255)", now);
            t.error = "task: non-zero exit (255)".into();
            t.exit_code = Some(255);
        }
        t.container_up = false;
        t.due_ms = None;
        reported += 1;
    }
    if reported > 0 {
        rec.say(format!(
            "{host}'s agent finds its {reported} old container(s) dead after the power loss and reports them; the managers do not restart them there."
        ));
    }
}

/// One pass of every agent: the moves that are due now. `true` if any task changed.
pub fn run(world: &mut World, rec: &mut Record) -> bool {
    let now = world.now_ms;
    let leader = world.swarm.leader().map(|n| n.hostname.clone());
    let net = super::control::reachable(world);
    let mut changed = false;
    for i in 0..world.swarm.tasks.len() {
        let task = world.swarm.tasks[i].clone();
        let Some(host) = hostname_of(world, &task) else {
            continue;
        };
        if !machine_up(world, &host) || task.state.is_terminal() {
            continue;
        }
        // The dispatcher hands out assignments and desired-state changes: an agent that cannot
        // reach a leader hears nothing new (its running containers keep running).
        let told = leader.as_deref().is_some_and(|l| net(l, &host));
        let mut t = task.clone();
        if t.desired_state > TaskState::Running {
            if !told {
                continue;
            }
            if t.state < TaskState::Starting || !t.container_up {
                t.advance(TaskState::Shutdown, "shutdown", now);
                t.container_up = false;
                t.due_ms = None;
            } else if let Some(stop_at) = t.stop_due_ms {
                if stop_at <= now {
                    t.advance(TaskState::Shutdown, "shutdown", now);
                    t.container_up = false;
                    t.due_ms = None;
                    t.stop_due_ms = None;
                }
            } else {
                // SIGTERM now; it exits in its own time, or SIGKILL at the grace period.
                let grace = world
                    .swarm
                    .services
                    .get(&t.service_id)
                    .map(|s| s.template_of(t.spec_version).container.stop_grace_ms)
                    .unwrap_or(10 * SECOND_MS);
                let stops_in = task_program(world, &t)
                    .ok()
                    .and_then(|p| p.stops_in_ms)
                    .unwrap_or(grace)
                    .min(grace);
                t.stop_due_ms = Some(now + stops_in);
                t.due_ms = t.stop_due_ms;
            }
        } else if t.due_ms.is_some_and(|d| d <= now) {
            step_task(world, &mut t, &host, told, rec);
        } else if t.due_ms.is_none() && t.state == TaskState::Assigned && told {
            t.due_ms = Some(now + ACCEPT_MS);
        } else if t.due_ms.is_none()
            && t.state == TaskState::Ready
            && t.desired_state == TaskState::Running
        {
            t.advance(TaskState::Starting, "starting", now);
            t.container_up = true;
            t.started_ms = Some(now);
            t.due_ms = Some(now + first_check_ms(world, &t));
        }
        if t != task {
            changed |= t.state != task.state || t.container_up != task.container_up;
            world.swarm.tasks[i] = t;
        }
    }
    changed
}

/// How long after starting the agent next looks: the first healthcheck, or the plain start.
fn first_check_ms(world: &World, t: &Task) -> Millis {
    match health_of(world, t) {
        Some(h) => h.interval(),
        None => START_MS,
    }
}

fn health_of(world: &World, t: &Task) -> Option<crate::sim::docker::health::HealthConfig> {
    let svc = world.swarm.services.get(&t.service_id)?;
    let h = svc.template_of(t.spec_version).container.health.clone()?;
    (!h.disabled()).then_some(h)
}

/// A due move of one task on `host`.
fn step_task(world: &mut World, t: &mut Task, host: &str, told: bool, rec: &mut Record) {
    let now = world.now_ms;
    let program = task_program(world, t);
    match t.state {
        TaskState::Assigned | TaskState::Accepted if told => {
            t.advance(TaskState::Accepted, "accepted", now);
            let p = match program {
                Ok(p) => p,
                Err(e) => {
                    t.advance(TaskState::Rejected, "preparing", now);
                    t.error = e;
                    t.due_ms = None;
                    return;
                }
            };
            t.advance(TaskState::Preparing, "preparing", now);
            let image = world
                .swarm
                .services
                .get(&t.service_id)
                .map(|s| s.template_of(t.spec_version).container.clone())
                .unwrap_or_default();
            if world.swarm.machines.get(host).is_some_and(|m| m.disk_full) {
                // The engine cannot write the image's layers or the container's files.
                t.advance(TaskState::Rejected, "preparing", now);
                t.error = format!(
                    "mkdir /var/lib/docker/containers/{}: no space left on device",
                    &t.id[..12]
                );
                t.due_ms = None;
                return;
            }
            let machine = world.swarm.machines.get_mut(host);
            let pull_ms = match machine {
                Some(m) if !m.images.contains(&image.image) => {
                    m.images.insert(image.image.clone());
                    p.image_size_bytes / PULL_BYTES_PER_MS
                }
                _ => 0,
            };
            create_volumes(world, host, &image, rec);
            t.due_ms = Some(now + pull_ms.max(100));
        }
        TaskState::Preparing => {
            t.advance(TaskState::Ready, "prepared", now);
            t.due_ms = None;
            if t.desired_state == TaskState::Running {
                t.advance(TaskState::Starting, "starting", now);
                t.container_up = true;
                t.started_ms = Some(now);
                t.due_ms = Some(now + first_check_ms(world, t));
            }
        }
        TaskState::Starting => {
            let Ok(p) = program else {
                t.due_ms = None;
                return;
            };
            let started = t.started_ms.unwrap_or(now);
            if p.exits_after_ms.is_some_and(|e| started + e <= now) {
                exit(t, &p, now);
                return;
            }
            match health_of(world, t) {
                Some(h) if !p.healthy => {
                    // Probes fail `retries` times in a row after the start period: killed.
                    let fail_at =
                        started + h.start_period() + h.interval() * u64::from(h.retries());
                    if now >= fail_at {
                        t.advance(TaskState::Failed, "started", now);
                        t.error =
                            "task: non-zero exit (137): dockerexec: unhealthy container".into();
                        t.exit_code = Some(137);
                        t.container_up = false;
                        t.due_ms = None;
                    } else {
                        t.due_ms = Some(fail_at);
                    }
                }
                _ => {
                    t.advance(TaskState::Running, "started", now);
                    t.due_ms = p.exits_after_ms.map(|e| (started + e).max(now));
                }
            }
        }
        TaskState::Running => {
            if let Ok(p) = program
                && p.exits_after_ms.is_some()
            {
                exit(t, &p, now);
            } else {
                t.due_ms = None;
            }
        }
        _ => t.due_ms = None,
    }
}

fn exit(t: &mut Task, p: &Program, now: Millis) {
    t.container_up = false;
    t.due_ms = None;
    t.exit_code = Some(p.exit_code);
    if p.exit_code == 0 {
        t.advance(TaskState::Complete, "finished", now);
    } else {
        t.advance(TaskState::Failed, "started", now);
        t.error = format!("task: non-zero exit ({})", p.exit_code);
    }
}

/// `preparing`: the node's engine creates the task's named volumes that it does not have yet.
fn create_volumes(world: &mut World, host: &str, c: &ContainerSpec, rec: &mut Record) {
    let now = world.now_ms;
    let Some(m) = world.swarm.machines.get_mut(host) else {
        return;
    };
    for mount in c
        .mounts
        .iter()
        .filter(|m| m.kind == "volume" && !m.source.is_empty())
    {
        if !m.volumes.contains_key(&mount.source) {
            m.volumes.insert(
                mount.source.clone(),
                super::cluster::NodeVolume {
                    created_ms: now,
                    data: Default::default(),
                },
            );
            rec.say(format!(
                "{host} has no volume named {} yet, so its engine creates one, EMPTY: a named volume lives on the node that created it, and data written on another node stays there.",
                mount.source
            ));
        }
    }
}

/// The earliest due move of any agent still to come. A move already due that the last pass
/// could not make (its machine is off or cannot reach the leader) waits for the next change of
/// the world, not for a timer: every live step runs the agents again.
pub fn next_due_ms(world: &World) -> Option<Millis> {
    world
        .swarm
        .tasks
        .iter()
        .filter(|t| !t.state.is_terminal())
        .filter_map(|t| t.due_ms)
        .filter(|due| *due > world.now_ms)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(image: &str, args: &[&str]) -> ContainerSpec {
        ContainerSpec {
            image: image.into(),
            args: args.iter().map(|s| s.to_string()).collect(),
            ..ContainerSpec::default()
        }
    }

    #[test]
    fn programs_of_the_course_images() {
        let nginx = program(&spec("nginx:1.27", &[])).unwrap();
        assert_eq!(nginx.exits_after_ms, None);
        assert!(nginx.healthy);
        let broken = program(&spec("dockyard/web:2.1", &[])).unwrap();
        assert_eq!((broken.exits_after_ms, broken.exit_code), (Some(1_500), 1));
        assert!(!program(&spec("dockyard/web:2.2", &[])).unwrap().healthy);
        let alpine = program(&spec("alpine", &[])).unwrap();
        assert_eq!(alpine.exits_after_ms, Some(100));
        let sleeper = program(&spec("alpine", &["sleep", "60"])).unwrap();
        assert_eq!(sleeper.exits_after_ms, Some(60_000));
        assert_eq!(
            sleeper.stops_in_ms, None,
            "sh ignores SIGTERM: killed at the grace period"
        );
    }

    #[test]
    fn an_unknown_image_is_rejected_with_the_engines_words() {
        assert_eq!(
            program(&spec("nope", &[])),
            Err("No such image: nope:latest".to_string())
        );
    }
}
