//! The worker side: each node's agent runs the tasks the dispatcher assigns to it, as
//! containers of that node's own Docker engine.
//!
//! Real Swarm (SwarmKit `agent/exec/dockerapi`): the agent on each node receives its
//! assignments from the leader's dispatcher and walks each task `assigned → accepted →
//! preparing` (pull the image into this node's image store, create the container) `→ ready →
//! starting` (start it) `→ running`, reporting every state back. The container is an ordinary
//! engine container named `<service>.<slot>.<task id>` (global services:
//! `<service>.<node id>.<task id>`) with the labels `com.docker.swarm.service.name`,
//! `com.docker.swarm.task.id`, `com.docker.swarm.node.id`… and, for a stack,
//! `com.docker.stack.namespace`; `docker ps` on that node lists it. The task follows its
//! container: a task whose container has a healthcheck stays `starting` until the first probe
//! passes; a container that turns unhealthy is killed and the task fails with `task: non-zero
//! exit (137): dockerexec: unhealthy container`; a container that exits fails its task with
//! `task: non-zero exit (N)` (or completes it with exit 0). When the manager sets a task's
//! desired state past `running`, the agent stops the container with the service's stop signal
//! and grace period, and reports `shutdown` once it has exited. A named volume is created by the
//! engine of the node that runs the task, empty, unless that node already has one by that name:
//! volumes do not follow tasks. The task reaper's deletions remove the containers too.
//!
//! We model that with the one engine of src/sim/docker/engine/mod.rs, mounted for the node
//! (`World::on_host`): the program, its logs, healthchecks, stop signals and disk errors are the
//! single host's. Simplified: accepted and preparing are one move; a pull takes a time
//! proportional to the image size (≈ 60 MB/s) and lands at once at its end; the agent reports at
//! once (no status batching); without a healthcheck a task is `running` one second after its
//! container started; task containers join no engine network (the overlay model of
//! src/sim/swarm/overlay.rs gives them their addresses); the engines' own narration of a task's
//! container is left out, the agent's is kept.
//!
//! The image: SwarmKit's `Prepare` pulls it and only logs a failed pull; the create then needs
//! it in the node's own store, or fails with `No such image: …` and the task is rejected. So a
//! node runs an image it built or pulled before, or one its registry gives it
//! (`127.0.0.1:5000/…` through its own port 5000: src/sim/docker/registry/mod.rs); a pinned
//! digest must match.

use super::service::ContainerSpec;
use super::task::{Task, TaskState};
use crate::sim::docker::catalogue::{self, Lookup};
use crate::sim::docker::cli::RunOptions;
use crate::sim::docker::container::Status;
use crate::sim::docker::engine;
use crate::sim::docker::health::{HealthOptions, HealthStatus};
use crate::sim::docker::image::ImageRef;
use crate::sim::ids::ContainerId;
use crate::sim::order::CollectOrdered;
use crate::sim::time::{Millis, SECOND_MS};
use crate::sim::world::Waiter;
use crate::sim::{Record, World};

/// Download speed of a node's engine pulling layers (≈ 60 MB/s).
const PULL_BYTES_PER_MS: u64 = 60_000;
/// accepted + preparing (container create) before the pull.
const ACCEPT_MS: Millis = 500;
/// `starting` → `running` without a healthcheck.
const START_MS: Millis = 1_000;

/// Whether a service's image can be pulled at all: the rejection the agent reports otherwise
/// (`No such image: nope:latest`), as `docker service create` warns up front.
pub fn image_error(container: &ContainerSpec) -> Option<String> {
    let reference = match ImageRef::parse(&container.image) {
        Ok(r) => r,
        Err(e) => return Some(e),
    };
    match catalogue::lookup(&reference) {
        Lookup::Found(_) | Lookup::Catalogue(_) => None,
        Lookup::UnknownTag | Lookup::UnknownRepo => Some(format!(
            "No such image: {}:{}",
            reference.repo, reference.tag
        )),
    }
}

/// Whether node `host` can run the image: SwarmKit's `Prepare` pulls (and only logs a failed
/// pull), then creates the container, which needs the image in this node's own store. So a
/// node runs an image it has (a local build), or one its registry gives it
/// (`127.0.0.1:5000/…` through its own port 5000), and rejects the task otherwise with the
/// engine's `No such image: …`.
pub fn image_error_on(world: &World, host: &str, container: &ContainerSpec) -> Option<String> {
    let reference = match ImageRef::parse(&container.image) {
        Ok(r) => r,
        Err(e) => return Some(e),
    };
    let no_such = || {
        Some(match &reference.digest {
            Some(d) => format!("No such image: {}:{}@{d}", reference.repo, reference.tag),
            None => format!("No such image: {}:{}", reference.repo, reference.tag),
        })
    };
    if let Some(available) = crate::sim::docker::registry::available_on(world, host, &reference) {
        return if available { None } else { no_such() };
    }
    if world
        .engine_of(host)
        .is_some_and(|e| e.images.get(&reference.full()).is_some())
    {
        return None;
    }
    image_error(container)
}

/// The bytes a node downloads to run `image` when its engine does not have it yet.
fn pull_bytes(world: &World, host: &str, image: &str) -> u64 {
    let Ok(reference) = ImageRef::parse(image) else {
        return 0;
    };
    let have = world
        .engine_of(host)
        .and_then(|e| e.images.get(&reference.full()))
        .is_some_and(|i| match &reference.digest {
            Some(d) => i.repo_digest.as_deref() == d.strip_prefix("sha256:"),
            None => true,
        });
    if have {
        return 0;
    }
    // A private registry is asked from this node (its own 127.0.0.1:5000), not the terminal's.
    crate::sim::docker::registry::pull_from(world, host, &reference)
        .unwrap_or_else(|| engine::pull(world, &reference))
        .map(|i| i.size_bytes())
        .unwrap_or(0)
}

/// SwarmKit's container name for a task (`agent/exec/dockerapi/container.go` `name()`).
pub fn container_name(service_name: &str, t: &Task) -> String {
    match (t.slot, &t.node_id) {
        (Some(slot), _) => format!("{service_name}.{slot}.{}", t.id),
        (None, Some(node)) => format!("{service_name}.{node}.{}", t.id),
        (None, None) => format!("{service_name}.{}", t.id),
    }
}

/// What the executor asks the engine to create for a task: the container spec, its name, the
/// swarm's labels, the stop grace period and the host-mode published ports.
fn run_options(world: &World, t: &Task) -> Option<RunOptions> {
    let svc = world.swarm.services.get(&t.service_id)?;
    let template = svc.template_of(t.spec_version);
    let c = &template.container;
    let mut labels: Vec<String> = c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if let Some(ns) = svc.spec.labels.get("com.docker.stack.namespace") {
        labels.push(format!("com.docker.stack.namespace={ns}"));
    }
    let node = t.node_id.clone().unwrap_or_default();
    let name = container_name(&svc.spec.name, t);
    labels.extend([
        format!("com.docker.swarm.node.id={node}"),
        format!("com.docker.swarm.service.id={}", svc.id),
        format!("com.docker.swarm.service.name={}", svc.spec.name),
        "com.docker.swarm.task=".to_string(),
        format!("com.docker.swarm.task.id={}", t.id),
        format!("com.docker.swarm.task.name={}", t.name(&svc.spec.name)),
    ]);
    let health = match &c.health {
        Some(h) => HealthOptions {
            test: Some(h.test.clone()),
            interval_ms: h.interval_ms,
            timeout_ms: h.timeout_ms,
            start_period_ms: h.start_period_ms,
            start_interval_ms: h.start_interval_ms,
            retries: h.retries,
            no_healthcheck: h.disabled(),
            cmd: None,
        },
        None => HealthOptions::default(),
    };
    let mounts = c
        .mounts
        .iter()
        .map(|m| {
            if m.source.is_empty() {
                format!("type={},target={}", m.kind, m.target)
            } else {
                format!("type={},source={},target={}", m.kind, m.source, m.target)
            }
        })
        .collect();
    let publish = svc
        .spec
        .ports
        .iter()
        .filter(|p| p.mode == super::service::PublishMode::Host)
        .map(|p| format!("{}:{}/{}", p.published_port, p.target_port, p.protocol))
        .collect();
    Some(RunOptions {
        detach: true,
        name: Some(name),
        env: c.env.clone(),
        image: c.image.clone(),
        cmd: c.args.clone(),
        mounts,
        publish,
        labels,
        health,
        stop_timeout_s: Some(c.stop_grace_ms.div_ceil(SECOND_MS) as u32),
        stop_signal: c.stop_signal.clone(),
        networks: vec!["none".to_string()],
        // The task's limits become its container's cgroup (`docker inspect` shows them), so a
        // leak is OOM-killed in the container rather than by the node's kernel at large.
        memory_bytes: (template.limit_memory_bytes > 0).then_some(template.limit_memory_bytes),
        nano_cpus: (template.limit_nano_cpus > 0).then_some(template.limit_nano_cpus),
        log_driver: c.log_driver.clone(),
        log_opts: c.log_opts.clone(),
        ..RunOptions::default()
    })
}

/// The files a task's secrets become: (path in the container, the secret's data).
fn secret_files(world: &World, t: &Task) -> Vec<(String, String)> {
    let Some(svc) = world.swarm.services.get(&t.service_id) else {
        return Vec::new();
    };
    svc.template_of(t.spec_version)
        .container
        .secrets
        .iter()
        .filter_map(|r| {
            let secret = world.swarm.secrets.get(&r.secret_id)?;
            Some((r.path(), secret.data.clone()))
        })
        .collect()
}

fn hostname_of(world: &World, task: &Task) -> Option<String> {
    let id = task.node_id.as_ref()?;
    world.swarm.nodes.get(id).map(|n| n.hostname.clone())
}

/// The agent can act on this task: its machine is on.
fn machine_up(world: &World, host: &str) -> bool {
    world
        .swarm
        .machines
        .get(host)
        .is_some_and(|m| m.engine_running())
}

/// What the node's engine says about a task's container.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Seen {
    /// Not created, or removed behind the agent's back.
    Missing,
    Created,
    Up {
        health: Option<HealthStatus>,
        stopping: bool,
    },
    Exited {
        exit_code: i32,
        oom: bool,
    },
}

fn seen(world: &World, host: &str, t: &Task) -> Seen {
    let Some(c) = t
        .container
        .as_ref()
        .and_then(|id| world.engine_of(host)?.containers.get(id))
    else {
        return Seen::Missing;
    };
    match c.status() {
        Status::Created => Seen::Created,
        Status::Running | Status::Paused | Status::Restarting => Seen::Up {
            health: c.health.as_ref().map(|h| h.status),
            stopping: c.stopping.is_some(),
        },
        Status::Exited | Status::Dead | Status::Removing => Seen::Exited {
            exit_code: c.state.exit_code,
            oom: c.state.oom_killed,
        },
    }
}

/// Runs an engine call for the agent on `host`. The engine's narration of a task's container
/// is dropped (the agent narrates what matters); what it touched is kept for the picture.
fn on_engine<R>(
    world: &mut World,
    host: &str,
    rec: &mut Record,
    f: impl FnOnce(&mut World, &mut Record) -> R,
) -> Option<R> {
    let mut quiet = Record::new(world.now_ms);
    let result = world.on_host(host, |w| f(w, &mut quiet));
    rec.touched.extend(quiet.touched);
    result
}

/// Kill every container on a machine that lost power: the store still says `running`.
pub fn power_off(world: &mut World, host: &str) {
    let mut quiet = Record::new(world.now_ms);
    let waiting = world.shell.waiting.clone();
    world.on_host(host, |w| engine::restart_everything(w, &mut quiet, false));
    // The terminal's own waits are not this machine's business.
    world.shell.waiting = waiting;
    observe_all(world);
    // The tasks whose node is this machine (compared by node ID: no hostname copied per task).
    let ids = node_ids_of(world, host);
    for t in &mut world.swarm.tasks {
        if t.node_id.as_ref().is_some_and(|n| ids.contains(n)) {
            t.due_ms = None;
        }
    }
}

/// The IDs of the nodes machine `host` has been (a machine that left and joined again has more
/// than one).
fn node_ids_of(world: &World, host: &str) -> Vec<String> {
    world
        .swarm
        .nodes
        .values()
        .filter(|n| n.hostname == host)
        .map(|n| n.id.clone())
        .collect()
}

/// The machine is back: its engine finds its containers dead and the agent reports them.
pub fn power_on(world: &mut World, host: &str, rec: &mut Record) {
    let now = world.now_ms;
    let ids = node_ids_of(world, host);
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
            "{host}'s engine finds its {reported} old container(s) exited (255) after the power loss, and its agent reports them; the managers do not restart them there."
        ));
    }
}

/// Copies each task's container state (up or not) from its node's engine.
/// Reads first, then writes (a task's `container_up` is not what `seen` reads), so no hostname
/// is copied per task: at 30,000 tasks this runs on every machine power-off.
pub(crate) fn observe_all(world: &mut World) {
    let swarm = &world.swarm;
    let up: Vec<(usize, bool)> = swarm
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.container.is_some())
        .map(|(i, t)| {
            let node = t.node_id.as_ref().and_then(|id| swarm.nodes.get(id));
            let up = node.is_some_and(|n| matches!(seen(world, &n.hostname, t), Seen::Up { .. }));
            (i, up)
        })
        .collect();
    for (i, up) in up {
        world.swarm.tasks[i].container_up = up;
    }
}

/// One pass of every agent: the moves that are due now. `true` if any task changed.
pub fn run(world: &mut World, rec: &mut Record) -> bool {
    let now = world.now_ms;
    let leader = world.swarm.leader().map(|n| n.hostname.clone());
    let net = super::control::reachable(world);
    // Each node's machine, whether it is on, and whether the leader reaches it (the dispatcher
    // hands out assignments and desired-state changes: an agent that cannot reach a leader hears
    // nothing new, its running containers keep running). None of it changes during a pass.
    let nodes: std::collections::BTreeMap<String, (String, bool, bool)> = world
        .swarm
        .nodes
        .values()
        .map(|n| {
            let up = machine_up(world, &n.hostname);
            let told = leader.as_deref().is_some_and(|l| net(l, &n.hostname));
            (n.id.clone(), (n.hostname.clone(), up, told))
        })
        .collect_map();
    let mut changed = false;
    for i in 0..world.swarm.tasks.len() {
        let task = &world.swarm.tasks[i];
        if task.state.is_terminal() {
            continue;
        }
        let Some((host, true, told)) = task.node_id.as_ref().and_then(|id| nodes.get(id)) else {
            continue;
        };
        // A running task whose container is up and not unhealthy has nothing to do: skip it
        // without copying it (most tasks, most passes).
        if task.state == TaskState::Running
            && task.desired_state <= TaskState::Running
            && task.container_up
            && matches!(seen(world, host, task), Seen::Up { health, .. } if health != Some(HealthStatus::Unhealthy))
        {
            continue;
        }
        let task = task.clone();
        let (host, told) = (host.as_str(), *told);
        let mut t = task.clone();
        if t.desired_state > TaskState::Running {
            if told {
                shut_down(world, &mut t, host, rec);
            }
        } else if t.state >= TaskState::Starting {
            follow(world, &mut t, host, rec);
        } else if t.due_ms.is_some_and(|d| d <= now) {
            step_task(world, &mut t, host, told, rec);
        } else if t.due_ms.is_none() && t.state == TaskState::Assigned && told {
            t.due_ms = Some(now + ACCEPT_MS);
        } else if t.due_ms.is_none()
            && t.state == TaskState::Ready
            && t.desired_state == TaskState::Running
        {
            start(world, &mut t, host, rec);
        }
        t.container_up = matches!(seen(world, host, &t), Seen::Up { .. });
        if t != task {
            changed |= t.state != task.state || t.container_up != task.container_up;
            world.swarm.tasks[i] = t;
        }
    }
    changed
}

/// The manager wants the task gone: stop its container (the stop signal, SIGKILL at the
/// grace period), `shutdown` once it has exited.
fn shut_down(world: &mut World, t: &mut Task, host: &str, rec: &mut Record) {
    let now = world.now_ms;
    match seen(world, host, t) {
        Seen::Up {
            stopping: false, ..
        } if t.stop_due_ms.is_none() => {
            let id = t.container.clone().expect("seen");
            let grace_s = world
                .swarm
                .services
                .get(&t.service_id)
                .map(|s| s.template_of(t.spec_version).container.stop_grace_ms)
                .unwrap_or(10 * SECOND_MS)
                .div_ceil(SECOND_MS) as u32;
            on_engine(world, host, rec, |w, r| {
                let _ = engine::stop(w, &id, Some(grace_s), None, "", r);
                // The agent waits for the exit itself; the terminal does not.
                w.shell
                    .waiting
                    .retain(|x| !matches!(x, Waiter::Stop { container, .. } if *container == id));
            });
            t.stop_due_ms = Some(now + u64::from(grace_s) * SECOND_MS);
            t.due_ms = None;
        }
        Seen::Up { .. } => {}
        Seen::Missing | Seen::Created | Seen::Exited { .. } => {
            t.advance(TaskState::Shutdown, "shutdown", now);
            t.due_ms = None;
            t.stop_due_ms = None;
        }
    }
}

/// A started task follows its container: healthy (or one second up without a healthcheck) →
/// `running`; unhealthy → killed, `failed`; exited → `complete` or `failed`.
fn follow(world: &mut World, t: &mut Task, host: &str, rec: &mut Record) {
    let now = world.now_ms;
    match seen(world, host, t) {
        Seen::Missing | Seen::Created => {
            t.advance(TaskState::Failed, "started", now);
            t.error = "task: non-zero exit (137)".into();
            t.exit_code = Some(137);
            t.due_ms = None;
        }
        Seen::Exited { exit_code, oom } => {
            t.due_ms = None;
            t.exit_code = Some(exit_code);
            if exit_code == 0 {
                t.advance(TaskState::Complete, "finished", now);
            } else {
                t.advance(TaskState::Failed, "started", now);
                t.error = if oom {
                    format!("task: non-zero exit ({exit_code}): OOMKilled")
                } else {
                    format!("task: non-zero exit ({exit_code})")
                };
            }
        }
        Seen::Up {
            health: Some(HealthStatus::Unhealthy),
            ..
        } => {
            // SwarmKit's controller sees the health event and kills the container.
            let id = t.container.clone().expect("seen");
            on_engine(world, host, rec, |w, r| {
                let _ = engine::kill(w, &id, "SIGKILL", "", r);
            });
            t.advance(TaskState::Failed, "started", now);
            t.error = "task: non-zero exit (137): dockerexec: unhealthy container".into();
            t.exit_code = Some(137);
            t.due_ms = None;
        }
        Seen::Up {
            health: Some(HealthStatus::Healthy),
            ..
        } if t.state == TaskState::Starting => {
            t.advance(TaskState::Running, "started", now);
            t.due_ms = None;
        }
        Seen::Up { health: None, .. } if t.state == TaskState::Starting => {
            if t.due_ms.is_some_and(|d| d <= now) {
                t.advance(TaskState::Running, "started", now);
                t.due_ms = None;
            }
        }
        Seen::Up { .. } => {}
    }
}

/// `ready` → `starting`: the engine starts the container.
fn start(world: &mut World, t: &mut Task, host: &str, rec: &mut Record) {
    let now = world.now_ms;
    let Some(id) = t.container.clone() else {
        return;
    };
    let result = on_engine(world, host, rec, |w, r| engine::start(w, &id, r));
    match result {
        Some(Ok(())) => {
            t.advance(TaskState::Starting, "starting", now);
            t.started_ms = Some(now);
            let has_health = world
                .engine_of(host)
                .and_then(|e| e.containers.get(&id))
                .is_some_and(|c| c.health.is_some());
            t.due_ms = (!has_health).then_some(now + START_MS);
        }
        Some(Err(e)) => {
            t.advance(TaskState::Failed, "starting", now);
            t.error = format!("starting container failed: {}", daemon_words(&e.message));
            t.exit_code = Some(e.exit_code);
            t.due_ms = None;
        }
        None => t.due_ms = None,
    }
}

fn daemon_words(message: &str) -> String {
    message
        .trim_start_matches("Error response from daemon: ")
        .to_string()
}

/// A due move of one task on `host` before it starts: accept and pull, then create.
fn step_task(world: &mut World, t: &mut Task, host: &str, told: bool, rec: &mut Record) {
    let now = world.now_ms;
    match t.state {
        TaskState::Assigned | TaskState::Accepted if told => {
            t.advance(TaskState::Accepted, "accepted", now);
            let image = world
                .swarm
                .services
                .get(&t.service_id)
                .map(|s| s.template_of(t.spec_version).container.clone())
                .unwrap_or_default();
            if let Some(e) = image_error_on(world, host, &image) {
                rec.say(format!(
                    "{host}'s engine has no image {} and no registry it reaches gives it one (each node pulls for itself; images never travel between nodes): the task is rejected.",
                    image.image
                ));
                t.advance(TaskState::Rejected, "preparing", now);
                t.error = e;
                t.due_ms = None;
                return;
            }
            t.advance(TaskState::Preparing, "preparing", now);
            let pull_ms = pull_bytes(world, host, &image.image) / PULL_BYTES_PER_MS;
            t.due_ms = Some(now + pull_ms.max(100));
        }
        TaskState::Preparing => {
            let Some(options) = run_options(world, t) else {
                t.due_ms = None;
                return;
            };
            // The pull has ended: a registry that went away meanwhile leaves no image to run.
            let container = world
                .swarm
                .services
                .get(&t.service_id)
                .map(|s| s.template_of(t.spec_version).container.clone())
                .unwrap_or_default();
            if let Some(e) = image_error_on(world, host, &container) {
                t.advance(TaskState::Rejected, "preparing", now);
                t.error = e;
                t.due_ms = None;
                return;
            }
            narrate_new_volumes(world, host, &options, rec);
            let secrets = secret_files(world, t);
            let created = on_engine(
                world,
                host,
                rec,
                |w, r| -> Result<_, crate::sim::docker::error::DockerError> {
                    super::super::docker::disk::refuse_when_full(w)?;
                    let id = engine::create(w, &options, r)?;
                    // The task's secrets, as files in /run/secrets/ (src/sim/swarm/secrets.rs).
                    for (path, content) in secrets {
                        let node = super::super::docker::containerfs::Node::File { content };
                        let _ = super::super::docker::containerfs::write(
                            w, &id, &path, node, false, true,
                        );
                    }
                    Ok(id)
                },
            );
            match created {
                Some(Ok(id)) => {
                    t.container = Some(id);
                    t.advance(TaskState::Ready, "prepared", now);
                    t.due_ms = None;
                    if t.desired_state == TaskState::Running {
                        start(world, t, host, rec);
                    }
                }
                Some(Err(e)) => {
                    t.advance(TaskState::Rejected, "preparing", now);
                    t.error = daemon_words(&e.message);
                    t.due_ms = None;
                }
                None => t.due_ms = None,
            }
        }
        _ => t.due_ms = None,
    }
}

/// `preparing`: the node's engine creates the task's named volumes that it does not have yet.
fn narrate_new_volumes(world: &World, host: &str, options: &RunOptions, rec: &mut Record) {
    let Some(engine) = world.engine_of(host) else {
        return;
    };
    for mount in &options.mounts {
        let source = mount
            .split(',')
            .find_map(|kv| kv.strip_prefix("source="))
            .filter(|_| mount.starts_with("type=volume"));
        if let Some(source) = source
            && !engine.volumes.contains_key(source)
        {
            rec.say(format!(
                "{host} has no volume named {source} yet, so its engine creates one, EMPTY: a named volume lives on the node that created it, and data written on another node stays there."
            ));
        }
    }
}

/// The task reaper deleted these tasks: their nodes' engines remove their containers.
pub fn remove_containers(world: &mut World, gone: &[Task]) {
    for t in gone {
        let (Some(id), Some(host)) = (t.container.clone(), hostname_of(world, t)) else {
            continue;
        };
        let mut quiet = Record::new(world.now_ms);
        world.on_host(&host, |w| {
            if w.engine.containers.contains_key(&id) {
                let _ = engine::rm(w, &id, true, false, "", &mut quiet);
            }
        });
    }
}

/// The container a task runs on its node, if it has one.
pub fn task_container<'a>(
    world: &'a World,
    t: &Task,
) -> Option<&'a crate::sim::docker::container::Container> {
    let host = hostname_of(world, t)?;
    let id: &ContainerId = t.container.as_ref()?;
    world.engine_of(&host)?.containers.get(id)
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

    fn spec(image: &str) -> ContainerSpec {
        ContainerSpec {
            image: image.into(),
            ..ContainerSpec::default()
        }
    }

    #[test]
    fn an_unknown_image_is_rejected_with_the_engines_words() {
        assert_eq!(
            image_error(&spec("nope")),
            Some("No such image: nope:latest".to_string())
        );
        assert_eq!(image_error(&spec("nginx:1.27")), None);
        assert_eq!(image_error(&spec("postgres:15-alpine")), None);
    }

    #[test]
    fn containers_are_named_as_swarmkit_names_them() {
        let t = Task::new("abc", "s1", Some(2), Some("n1"), 1, 0);
        assert_eq!(container_name("web", &t), "web.2.abc");
        let g = Task::new("def", "s1", None, Some("n1"), 1, 0);
        assert_eq!(container_name("agent", &g), "agent.n1.def");
    }
}
