//! A `docker compose` command that takes time: the steps it still has to run.
//!
//! Real Compose converges a project step by step and waits on the engine as it goes: `up`
//! creates then starts containers in dependency order, and before starting a service it waits
//! for each dependency's condition (`service_started`: no wait; `service_healthy`: until the
//! healthcheck passes, failing on `unhealthy` or an exit; `service_completed_successfully`:
//! until it exits 0). `stop`/`down` stop containers in reverse dependency order, each getting its
//! stop signal and grace period. Progress is printed as events; we print the `--progress plain`
//! form (what Compose prints when its output is not a terminal, as in CI logs): one line per
//! event, ` Container app-db-1 Started`.
//!
//! We model the command as a queue of steps kept in the shell's waiter
//! (`Waiter::Compose`); `poll` runs after every simulation step and advances the queue as far as
//! the world allows, so waits are driven by the same events as everything else. Compose does
//! independent services in parallel; we do them one after the other in dependency order, which
//! gives the same end state and the same waits on this scale.

pub mod model;

pub use model::{Attached, Job, Step};

use super::super::container::Status;
use super::super::engine;
use super::super::error::DockerError;
use super::convert;
use crate::sim::ids::ContainerId;
use crate::sim::time::Millis;
use crate::sim::world::Waiter;
use crate::sim::{Record, World};

enum Outcome {
    Done,
    Wait,
    Fail(String),
}

/// ` Container app-db-1  Started`: compose's plain progress line. docker/compose's plain writer
/// prints `fmt.Fprintln(out, prefix, e.ID, e.Text, e.StatusText)` with an empty prefix and, for
/// these events (`progress.NewEvent`), an empty Text: Println's separators make the leading space
/// and the two spaces before the status.
pub fn event(rec: &mut Record, what: &str, text: &str) {
    rec.err(format!(" {what}  {text}"));
}

/// The project's containers for a service (not one-off `run` containers), by number.
pub fn service_containers<'a>(
    world: &'a World,
    project: &str,
    service: &str,
) -> Vec<&'a super::super::container::Container> {
    let mut found: Vec<_> = world
        .engine
        .containers
        .values()
        .filter(|c| {
            c.config
                .labels
                .get(convert::PROJECT_LABEL)
                .map(String::as_str)
                == Some(project)
                && c.config
                    .labels
                    .get(convert::SERVICE_LABEL)
                    .map(String::as_str)
                    == Some(service)
                && c.config
                    .labels
                    .get(convert::ONEOFF_LABEL)
                    .map(String::as_str)
                    != Some("True")
        })
        .collect();
    crate::sim::order::sort_by_key(&mut found, |c| {
        c.config
            .labels
            .get(convert::NUMBER_LABEL)
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found
}

fn first_container(world: &World, project: &str, service: &str) -> Option<ContainerId> {
    service_containers(world, project, service)
        .first()
        .map(|c| c.id.clone())
}

/// Runs an engine call whose own terminal output Compose does not show (its events replace
/// it); the narration and highlights are kept.
fn quietly<T>(rec: &mut Record, f: impl FnOnce(&mut Record) -> T) -> T {
    let mut inner = Record::new(rec.at_ms);
    let out = f(&mut inner);
    for line in inner.narration {
        rec.say(line);
    }
    for name in inner.touched {
        rec.touch(name);
    }
    out
}

/// Creates the container for `service` (number 1).
fn create(
    world: &mut World,
    job: &Job,
    service: &str,
    announce: bool,
    rec: &mut Record,
) -> Result<ContainerId, String> {
    create_inheriting(world, job, service, announce, &[], rec)
}

/// As [`create`], with the anonymous volumes (target, volume name) of the container it replaces:
/// Compose gives them to the new container (`docker compose up` keeps their data across a
/// recreate unless `--renew-anon-volumes` asks otherwise, compose `pkg/compose/convergence.go`
/// `recreateContainer` → `getInheritedVolumes`).
fn create_inheriting(
    world: &mut World,
    job: &Job,
    service: &str,
    announce: bool,
    inherited: &[(String, String)],
    rec: &mut Record,
) -> Result<ContainerId, String> {
    let p = &job.project;
    let s = &p.services[service];
    let image = convert::image_name(&p.name, service, s);
    let image_id = world
        .engine
        .images
        .get(
            &super::super::image::ImageRef::parse(&image)
                .map(|r| r.full())
                .unwrap_or(image.clone()),
        )
        .map(|i| i.id.clone())
        .unwrap_or_default();
    let mut options = convert::run_options(world, p, &job.file, service, s, 1, &image_id)?;
    for (target, name) in inherited {
        // A target the file mounts something at keeps what the file says.
        let taken = options.volumes.iter().any(|spec| {
            let parts: Vec<&str> = spec.split(':').collect();
            parts.get(1).unwrap_or(&parts[0]) == target
        }) || options.mounts.iter().any(|spec| {
            spec.split(',').any(|kv| {
                matches!(
                    kv.split_once('='),
                    Some(("target" | "destination" | "dst", t)) if t == target
                )
            })
        });
        if !taken {
            options.volumes.push(format!("{name}:{target}"));
        }
    }
    let name = options.name.clone().unwrap_or_default();
    if announce {
        event(rec, &format!("Container {name}"), "Creating");
    }
    let id = quietly(rec, |r| engine::create(world, &options, r)).map_err(|e| e.message)?;
    // Each network gets the service name (and its own aliases) as DNS aliases.
    let c = world.engine.containers.get_mut(&id).expect("just created");
    for (key, aliases) in &s.networks {
        let net = convert::resource_name(
            &p.name,
            key,
            p.networks
                .get(key)
                .filter(|n| n.value != super::yaml::Value::Null),
        );
        if let Some(endpoint) = c.networks.get_mut(&net) {
            endpoint.aliases = std::iter::once(service.to_string())
                .chain(aliases.iter().cloned())
                .collect();
        }
    }
    if announce {
        event(rec, &format!("Container {name}"), "Created");
    }
    Ok(id)
}

/// Why a container no longer matches its service, if it does not.
fn diverged(world: &World, job: &Job, service: &str, id: &ContainerId) -> Option<&'static str> {
    let c = &world.engine.containers[id];
    let s = &job.project.services[service];
    if c.config.labels.get(convert::HASH_LABEL) != Some(&convert::config_hash(s)) {
        return Some("its configuration in the compose file changed");
    }
    let image = convert::image_name(&job.project.name, service, s);
    let current = super::super::image::ImageRef::parse(&image)
        .ok()
        .and_then(|r| world.engine.images.get(&r.full()))
        .map(|i| i.id.clone());
    if current.is_some_and(|id| id != c.config.image_id) {
        return Some("its image was rebuilt or pulled since it was created");
    }
    None
}

/// Long because it is one arm per kind of job step (converge, start, wait, stop, restart, remove,
/// run), each following Compose's own sequence.
fn advance(world: &mut World, job: &Job, step: &mut Step, rec: &mut Record) -> Outcome {
    let project = job.project.name.clone();
    match step {
        Step::Converge {
            service,
            force,
            no_recreate,
            replacing,
        } => {
            if let Some(old) = replacing.clone() {
                // Recreate: wait for the old container to stop, remove it, create the new one.
                let Some(c) = world.engine.containers.get(&old) else {
                    return match create(world, job, service, true, rec) {
                        Ok(_) => Outcome::Done,
                        Err(e) => Outcome::Fail(e),
                    };
                };
                if c.status().is_up() {
                    return Outcome::Wait;
                }
                let name = c.name.clone();
                let inherited: Vec<(String, String)> =
                    c.fs.mounts
                        .iter()
                        .filter(|m| super::super::volume::anonymous_of(c).contains(&m.source))
                        .map(|m| (m.target.clone(), m.source.clone()))
                        .collect();
                if let Err(e) = quietly(rec, |r| engine::rm(world, &old, true, false, "", r)) {
                    return Outcome::Fail(e.message);
                }
                return match create_inheriting(world, job, service, false, &inherited, rec) {
                    Ok(_) => {
                        event(rec, &format!("Container {name}"), "Recreated");
                        Outcome::Done
                    }
                    Err(e) => Outcome::Fail(e),
                };
            }
            let Some(id) = first_container(world, &project, service) else {
                return match create(world, job, service, true, rec) {
                    Ok(_) => Outcome::Done,
                    Err(e) => Outcome::Fail(e),
                };
            };
            let reason = if *force {
                Some("--force-recreate asks for it")
            } else if *no_recreate {
                None
            } else {
                diverged(world, job, service, &id)
            };
            let c = &world.engine.containers[&id];
            let name = c.name.clone();
            let Some(reason) = reason else {
                if c.status().is_up() {
                    event(rec, &format!("Container {name}"), "Running");
                    rec.say(format!(
                        "{name} already runs the service's current configuration: Compose leaves it alone."
                    ));
                }
                return Outcome::Done;
            };
            event(rec, &format!("Container {name}"), "Recreate");
            rec.say(format!(
                "Compose recreates {name} because {reason}: a container's configuration is frozen at creation, so applying a change means a new container (the old one is stopped and removed; volumes stay)."
            ));
            rec.touch(&name);
            *replacing = Some(id.clone());
            if c.status().is_up() {
                let _ = quietly(rec, |r| engine::stop(world, &id, None, None, "", r));
                world
                    .shell
                    .waiting
                    .retain(|w| !matches!(w, Waiter::Stop { container, .. } if container == &id));
            }
            advance(world, job, step, rec)
        }
        Step::Start { service, announced } => {
            let Some(id) = first_container(world, &project, service) else {
                return Outcome::Done;
            };
            let s = &job.project.services[service.as_str()];
            for (dep, d) in &s.depends_on {
                // compose `shouldWaitForDependency`: `service_started` only orders the starts.
                if d.condition == "service_started" {
                    continue;
                }
                let Some(dep_id) = first_container(world, &project, dep) else {
                    continue;
                };
                if announced.iter().any(|(a, done)| a == dep && *done) {
                    continue;
                }
                let dc = &world.engine.containers[&dep_id];
                let dname = dc.name.clone();
                if !announced.iter().any(|(a, _)| a == dep) {
                    announced.push((dep.clone(), false));
                    event(rec, &format!("Container {dname}"), "Waiting");
                    rec.say(format!(
                        "Before starting {service}, Compose waits for {dep}: `depends_on` says `condition: {}`.",
                        d.condition
                    ));
                }
                let verdict = match d.condition.as_str() {
                    "service_healthy" => healthy(dc),
                    "service_completed_successfully" => match dc.status() {
                        Status::Exited | Status::Dead if dc.state.exit_code == 0 => {
                            Ok(Some("Exited"))
                        }
                        Status::Exited | Status::Dead => Err(format!(
                            "service {dep:?} didn't complete successfully: exit {}",
                            dc.state.exit_code
                        )),
                        _ => Ok(None),
                    },
                    _ => Ok(Some("Started")),
                };
                match verdict {
                    Ok(None) => return Outcome::Wait,
                    Ok(Some(text)) => {
                        event(rec, &format!("Container {dname}"), text);
                        for a in announced.iter_mut().filter(|(a, _)| a == dep) {
                            a.1 = true;
                        }
                    }
                    Err(message) if !d.required => {
                        event(rec, &format!("Container {dname}"), "Skipped");
                        rec.say(format!(
                            "The dependency {dep} failed ({message}) but is `required: false`, so {service} starts anyway."
                        ));
                        for a in announced.iter_mut().filter(|(a, _)| a == dep) {
                            a.1 = true;
                        }
                    }
                    Err(message) => {
                        event(rec, &format!("Container {dname}"), "Error");
                        let message = if message.starts_with("service ") {
                            message
                        } else {
                            format!("dependency failed to start: {message}")
                        };
                        return Outcome::Fail(message);
                    }
                }
            }
            let c = &world.engine.containers[&id];
            if c.status().is_up() {
                return Outcome::Done;
            }
            let name = c.name.clone();
            event(rec, &format!("Container {name}"), "Starting");
            match engine::start_by_user(world, &id, rec) {
                Ok(()) => {
                    event(rec, &format!("Container {name}"), "Started");
                    Outcome::Done
                }
                Err(e) => Outcome::Fail(e.message),
            }
        }
        Step::Wait { service, announced } => {
            let Some(id) = first_container(world, &project, service) else {
                return Outcome::Done;
            };
            let c = &world.engine.containers[&id];
            let name = c.name.clone();
            let verdict = if c.config.healthcheck.as_ref().is_some_and(|h| !h.disabled()) {
                healthy(c)
            } else if c.status().is_up() {
                Ok(Some("Running"))
            } else {
                Err(format!("container {name} exited ({})", c.state.exit_code))
            };
            match verdict {
                Ok(None) => {
                    if !*announced {
                        *announced = true;
                        event(rec, &format!("Container {name}"), "Waiting");
                    }
                    Outcome::Wait
                }
                Ok(Some(text)) => {
                    event(rec, &format!("Container {name}"), text);
                    Outcome::Done
                }
                Err(message) => {
                    event(rec, &format!("Container {name}"), "Error");
                    Outcome::Fail(message)
                }
            }
        }
        Step::Stop {
            container,
            timeout_s,
            issued,
        }
        | Step::Restart {
            container,
            timeout_s,
            issued,
        } if !*issued => {
            let Some(c) = world.engine.containers.get(container) else {
                return Outcome::Done;
            };
            let name = c.name.clone();
            let restarting = matches!(step, Step::Restart { .. });
            let (container, timeout_s) = match step {
                Step::Stop {
                    container,
                    timeout_s,
                    issued,
                }
                | Step::Restart {
                    container,
                    timeout_s,
                    issued,
                } => {
                    *issued = true;
                    (container.clone(), *timeout_s)
                }
                _ => unreachable!("matched above"),
            };
            let up = world.engine.containers[&container].status().is_up()
                || world.engine.containers[&container].status() == Status::Restarting;
            event(
                rec,
                &format!("Container {name}"),
                if restarting { "Restarting" } else { "Stopping" },
            );
            if up {
                let _ = quietly(rec, |r| {
                    engine::stop(world, &container, timeout_s, None, "", r)
                });
                world
                    .shell
                    .waiting
                    .retain(|w| !matches!(w, Waiter::Stop { container: c, .. } if c == &container));
            }
            advance(world, job, step, rec)
        }
        Step::Stop { container, .. } => {
            let Some(c) = world.engine.containers.get(container) else {
                return Outcome::Done;
            };
            if c.status().is_up() {
                return Outcome::Wait;
            }
            event(rec, &format!("Container {}", c.name), "Stopped");
            Outcome::Done
        }
        Step::Restart { container, .. } => {
            let Some(c) = world.engine.containers.get(container) else {
                return Outcome::Done;
            };
            if c.status().is_up() {
                return Outcome::Wait;
            }
            let name = c.name.clone();
            let id = container.clone();
            match engine::start_by_user(world, &id, rec) {
                Ok(()) => {
                    event(rec, &format!("Container {name}"), "Started");
                    Outcome::Done
                }
                Err(e) => Outcome::Fail(e.message),
            }
        }
        Step::Remove { container } => {
            let Some(c) = world.engine.containers.get(container) else {
                return Outcome::Done;
            };
            let name = c.name.clone();
            let id = container.clone();
            event(rec, &format!("Container {name}"), "Removing");
            match quietly(rec, |r| engine::rm(world, &id, true, false, "", r)) {
                Ok(()) => {
                    event(rec, &format!("Container {name}"), "Removed");
                    Outcome::Done
                }
                Err(e) => Outcome::Fail(e.message),
            }
        }
        Step::RemoveNetwork { name } => {
            if !world.engine.networks.contains_key(name.as_str()) {
                return Outcome::Done;
            }
            event(rec, &format!("Network {name}"), "Removing");
            match super::super::network::rm(world, name) {
                Ok(()) => {
                    rec.touch(name.clone());
                    event(rec, &format!("Network {name}"), "Removed");
                }
                Err(e) => {
                    // Compose warns and carries on: another container still uses it.
                    event(
                        rec,
                        &format!("Network {name}"),
                        &format!(
                            "Error {}",
                            e.message.trim_start_matches("Error response from daemon: ")
                        ),
                    );
                }
            }
            Outcome::Done
        }
        Step::RemoveVolume { name } => {
            if !world.engine.volumes.contains_key(name.as_str()) {
                return Outcome::Done;
            }
            event(rec, &format!("Volume {name}"), "Removing");
            let n = name.clone();
            match quietly(rec, |r| super::super::volume::rm(world, &n, false, r)) {
                Ok(()) => {
                    event(rec, &format!("Volume {name}"), "Removed");
                    rec.say(format!(
                        "The volume {name} is deleted, and every file in it: `down -v` is how data is lost."
                    ));
                }
                Err(e) => event(
                    rec,
                    &format!("Volume {name}"),
                    &format!("Error {}", e.message),
                ),
            }
            Outcome::Done
        }
        Step::RunOneOff { options } => match super::commands::run_one_off(world, options, rec) {
            Ok(()) => Outcome::Done,
            Err(e) => Outcome::Fail(e),
        },
        Step::RemoveImage { name } => {
            let Ok(reference) = super::super::image::ImageRef::parse(name) else {
                return Outcome::Done;
            };
            if world.engine.images.get(&reference.full()).is_none() {
                return Outcome::Done;
            }
            event(rec, &format!("Image {name}"), "Removing");
            let n = name.clone();
            let result = quietly(rec, |r| super::super::imagecmd::remove(world, &n, false, r));
            match result {
                Ok(()) => event(rec, &format!("Image {name}"), "Removed"),
                Err(e) => event(
                    rec,
                    &format!("Image {name}"),
                    &format!("Error {}", e.message),
                ),
            }
            Outcome::Done
        }
    }
}

/// compose `isServiceHealthy`: `Ok(Some("Healthy"))`, `Ok(None)` while starting, or the error.
fn healthy(c: &super::super::container::Container) -> Result<Option<&'static str>, String> {
    if matches!(c.status(), Status::Exited | Status::Dead) {
        return Err(format!(
            "container {} exited ({})",
            c.name, c.state.exit_code
        ));
    }
    if c.config.healthcheck.as_ref().is_none_or(|h| h.disabled()) {
        return Err(format!(
            "container {} has no healthcheck configured",
            c.name
        ));
    }
    match c.health.as_ref().map(|h| h.status.as_str()) {
        Some("healthy") => Ok(Some("Healthy")),
        Some("unhealthy") => Err(format!("container {} is unhealthy", c.name)),
        _ => Ok(None),
    }
}

/// Advances the waiting compose command, if there is one, as far as the world allows.
pub fn poll(world: &mut World, rec: &mut Record) {
    poll_attached(world, rec);
    let Some(i) = world
        .shell
        .waiting
        .iter()
        .position(|w| matches!(w, Waiter::Compose(_)))
    else {
        return;
    };
    let Waiter::Compose(mut job) = world.shell.waiting.remove(i) else {
        return;
    };
    while !job.steps.is_empty() {
        // `up` attaches to the services' output once their containers exist, before starting
        // them, so no line is missed.
        if matches!(job.steps[0], Step::Start { .. }) && !job.attach.is_empty() {
            let services = std::mem::take(&mut job.attach);
            attach(world, &job.project.name, &services, rec);
        }
        let mut step = job.steps[0].clone();
        let outcome = advance(world, &job, &mut step, rec);
        job.steps[0] = step;
        match outcome {
            Outcome::Done => {
                job.steps.remove(0);
            }
            Outcome::Wait => {
                world.shell.waiting.push(Waiter::Compose(job));
                return;
            }
            Outcome::Fail(message) => {
                rec.err(message.clone());
                world
                    .shell
                    .waiting
                    .retain(|w| !matches!(w, Waiter::ComposeAttached { .. }));
                rec.say(format!(
                    "Compose stopped here: {message}. What it had already created stays as it is."
                ));
                return;
            }
        }
    }
    if !job.attach.is_empty() {
        attach(world, &job.project.name, &job.attach, rec);
    }
}

/// Shows the services' output from now on, each line prefixed (`up` without `-d`).
pub fn attach(world: &mut World, project: &str, services: &[String], rec: &mut Record) {
    let mut found: Vec<(ContainerId, String, Option<Millis>)> = Vec::new();
    for service in services {
        for c in service_containers(world, project, service) {
            let short = c
                .name
                .strip_prefix(&format!("{project}-"))
                .unwrap_or(&c.name)
                .to_string();
            found.push((c.id.clone(), short, c.state.finished_at));
        }
    }
    crate::sim::order::sort_by(&mut found, |a, b| a.1.cmp(&b.1));
    let width = found.iter().map(|(_, s, _)| s.len()).max().unwrap_or(0);
    let names: Vec<&str> = found.iter().map(|(_, s, _)| s.as_str()).collect();
    rec.out(format!("Attaching to {}", names.join(", ")));
    let containers = found
        .into_iter()
        .map(|(container, short, finished_at)| Attached {
            container,
            prefix: format!("{short:<width$}  | "),
            short,
            finished_at,
        })
        .collect();
    world
        .shell
        .waiting
        .push(Waiter::ComposeAttached { containers });
}

/// Prints `api-1 exited with code 1` when an attached container exits; `up` returns once all
/// of them have exited for good.
fn poll_attached(world: &mut World, rec: &mut Record) {
    let Some(i) = world
        .shell
        .waiting
        .iter()
        .position(|w| matches!(w, Waiter::ComposeAttached { .. }))
    else {
        return;
    };
    let Waiter::ComposeAttached { containers } = &mut world.shell.waiting[i] else {
        return;
    };
    let mut all_down = true;
    let mut lines = Vec::new();
    for a in containers.iter_mut() {
        let Some(c) = world.engine.containers.get(&a.container) else {
            continue;
        };
        let status = c.status();
        if !status.is_up() && c.state.finished_at.is_some() && c.state.finished_at != a.finished_at
        {
            lines.push(format!(
                "{} exited with code {}",
                a.short, c.state.exit_code
            ));
            a.finished_at = c.state.finished_at;
        }
        if c.state.started_at.is_none() || status.is_up() || status == Status::Restarting {
            all_down = false;
        }
    }
    for line in lines {
        rec.out(line);
    }
    if all_down {
        world.shell.waiting.remove(i);
        rec.say("Every attached container has exited, so `docker compose up` returns.");
    }
}

/// The error a job's command returns at once (before any step), in Compose's words.
pub fn refuse(message: impl Into<String>) -> DockerError {
    DockerError::new(message, 1)
}
