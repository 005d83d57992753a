//! What each running Traefik's providers read from the engine and the swarm, and when.
//!
//! Real Traefik: the docker provider lists the containers of the daemon behind its socket and
//! follows the event stream, so a container started, stopped or turning healthy changes the
//! routing at once; the swarm provider asks a manager for services and tasks every
//! `refreshSeconds` (15 s), so a change reaches it up to 15 s late, and on a worker the API
//! refuses (`This node is not a swarm manager…`) and it routes nothing. Both log a label error
//! (`service "x" error: port is missing`) and carry on without that service.
//!
//! Here: [`sync`] runs after every live step. It forgets Traefiks whose container is no longer
//! running, recomputes each docker provider's view (logging new errors), and queues the swarm
//! state a swarm provider will pick up at its next poll, putting one `Event::TraefikPoll` on the
//! agenda for that moment ([`on_poll`] applies it, logs new errors and narrates what changed).
//! Simplified: the 2 s providers throttle is not modelled; an error that repeats at every poll
//! is logged once, when it first appears.

use std::collections::BTreeMap;

use super::dynamic::{self, Container, Dynamic, Health, SwarmService};
use super::model::{Instance, ProviderView};
use crate::sim::docker::container::Status;
use crate::sim::docker::health::model::HealthStatus;
use crate::sim::event::Event;
use crate::sim::ids::ContainerId;
use crate::sim::swarm::cluster::Role;
use crate::sim::swarm::task::TaskState;
use crate::sim::{Record, World};

/// What the docker provider of a Traefik on `host` sees: every container of that engine.
pub fn docker_containers(world: &World, host: &str) -> Vec<Container> {
    let Some(engine) = world.engine_of(host) else {
        return Vec::new();
    };
    engine
        .containers
        .values()
        .map(|c| {
            let labels = &c.config.labels;
            let name = match (
                labels.get("com.docker.compose.service"),
                labels.get("com.docker.compose.project"),
            ) {
                (Some(service), Some(project)) => format!("{service}_{project}"),
                _ => c.name.clone(),
            };
            let health = c.health.as_ref().map(|h| match h.status {
                HealthStatus::Starting => Health::Starting,
                HealthStatus::Healthy => Health::Healthy,
                HealthStatus::Unhealthy => Health::Unhealthy,
            });
            let networks = c
                .networks
                .iter()
                .filter_map(|(n, e)| e.ip_address.clone().map(|ip| (n.clone(), ip)))
                .collect();
            let mut exposed: Vec<u16> = c.config.exposed_ports.clone();
            exposed.extend(c.host_config.port_bindings.iter().map(|p| p.container_port));
            crate::sim::order::sort(&mut exposed);
            exposed.dedup();
            Container {
                name,
                labels: labels.clone(),
                exposed_ports: exposed,
                running: c.status() == Status::Running,
                health,
                networks,
            }
        })
        .collect()
}

/// What the swarm provider reads from the store: every service, its labels, its running tasks'
/// addresses and its virtual IPs.
pub fn swarm_services(world: &World) -> Vec<SwarmService> {
    world
        .swarm
        .services
        .values()
        .map(|svc| {
            let tasks = world
                .swarm
                .tasks
                .iter()
                .filter(|t| {
                    t.service_id == svc.id
                        && t.state == TaskState::Running
                        && t.desired_state == TaskState::Running
                })
                .map(|t| {
                    crate::sim::swarm::overlay::task_networks(world, t)
                        .into_iter()
                        .filter_map(|n| {
                            crate::sim::swarm::overlay::addr(world, &n, &t.id).map(|ip| (n, ip))
                        })
                        .collect::<BTreeMap<String, String>>()
                })
                .collect();
            let vips = svc
                .virtual_ips
                .iter()
                .map(|(n, ip)| (n.clone(), ip.split('/').next().unwrap_or(ip).to_string()))
                .collect();
            SwarmService {
                name: svc.spec.name.clone(),
                labels: svc.spec.labels.clone(),
                tasks,
                vips,
            }
        })
        .collect()
}

/// The swarm provider's view for a Traefik on `host`, read now.
pub fn swarm_view(world: &World, instance: &Instance) -> ProviderView {
    let Some(settings) = instance.config.swarm.as_ref() else {
        return ProviderView::default();
    };
    let manager = world
        .swarm
        .node_of(&instance.host)
        .is_some_and(|n| n.role == Role::Manager);
    let socket = super::program::socket_error(world, instance, &settings.endpoint);
    let error = socket.or_else(|| (!manager).then(|| super::program::NOT_A_MANAGER.to_string()));
    match error {
        Some(error) => ProviderView {
            error: Some(error),
            dynamic: Dynamic::default(),
        },
        None => ProviderView {
            error: None,
            dynamic: dynamic::swarm(&swarm_services(world), settings),
        },
    }
}

/// The docker provider's view for a Traefik, read now.
pub fn docker_view(world: &World, instance: &Instance) -> Option<ProviderView> {
    let settings = instance.config.docker.as_ref()?;
    let error = super::program::socket_error(world, instance, &settings.endpoint);
    Some(match error {
        Some(error) => ProviderView {
            error: Some(error),
            dynamic: Dynamic::default(),
        },
        None => ProviderView {
            error: None,
            dynamic: dynamic::docker(&docker_containers(world, &instance.host), settings),
        },
    })
}

/// The file provider's view: its file, or every YAML file of its directory, read inside the
/// container now (`watch` applies edits at once).
pub fn file_view(world: &mut World, instance: &Instance) -> Option<ProviderView> {
    let settings = instance.config.file.clone()?;
    let id = instance.container.clone();
    let texts = world.on_host(&instance.host, |w| {
        let mut texts: Vec<Result<String, String>> = Vec::new();
        if let Some(path) = &settings.filename {
            texts.push(
                crate::sim::docker::containerfs::read(w, &id, path)
                    .map_err(|_| {
                        format!(
                            "error reading configuration file: {path} - open {path}: no such file or directory"
                        )
                    }),
            );
        }
        if let Some(dir) = &settings.directory {
            match crate::sim::docker::containerfs::list(w, &id, dir) {
                Ok(entries) => {
                    for (name, _) in entries {
                        if name.ends_with(".yml") || name.ends_with(".yaml") {
                            let path = format!("{}/{name}", dir.trim_end_matches('/'));
                            texts.push(
                                crate::sim::docker::containerfs::read(w, &id, &path)
                                    .map_err(|_| format!("read {path}: is a directory")),
                            );
                        }
                    }
                }
                Err(_) => texts.push(Err(format!("open {dir}: no such file or directory"))),
            }
        }
        texts
    })?;
    let mut labels = BTreeMap::new();
    let mut servers = BTreeMap::new();
    for text in texts {
        match text.and_then(|t| super::file_provider::flatten(&t)) {
            Ok((l, s)) => {
                labels.extend(l);
                servers.extend(s);
            }
            Err(error) => {
                return Some(ProviderView {
                    error: Some(error),
                    dynamic: Dynamic::default(),
                });
            }
        }
    }
    Some(ProviderView {
        error: None,
        dynamic: dynamic::file(&labels, &servers),
    })
}

/// The log lines of `new` that `old` did not have (errors are logged when they appear).
fn new_lines(old: &ProviderView, new: &ProviderView, provider: &str) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(error) = new.error.as_deref()
        && new.error != old.error
    {
        let error = error.replace('"', "\\\"");
        // pdocker.go / pswarm.go log what failed, then the retry loop logs its back-off; the
        // file provider fails once, as it starts.
        let what = match provider {
            "swarm" => "Failed to list services for docker swarm mode",
            "file" => "Cannot start the provider *file.Provider",
            _ => "Failed to retrieve information of the docker client and server host",
        };
        lines.push(format!(
            "ERR {what} error=\"{error}\" providerName={provider}"
        ));
        if provider != "file" {
            lines.push(format!(
                "ERR Provider error, retrying in 1s error=\"{error}\" providerName={provider}"
            ));
        }
    }
    for line in &new.dynamic.log {
        if !old.dynamic.log.contains(line) && !line.starts_with("DBG") {
            if line.contains("providerName=") {
                lines.push(line.clone());
            } else {
                lines.push(format!("{line} providerName={provider}"));
            }
        }
    }
    lines
}

/// Writes Traefik log lines to its container (on its machine), at or above its level.
fn log(world: &mut World, host: &str, id: &ContainerId, lines: &[String], rec: &mut Record) {
    let level = world
        .traefik
        .instances
        .get(&(host.to_string(), id.clone()))
        .map(|i| i.config.log_level);
    let lines: Vec<String> = lines
        .iter()
        .filter(|l| level.is_none_or(|lv| lv.shows(l)))
        .cloned()
        .collect();
    if lines.is_empty() {
        return;
    }
    let id = id.clone();
    world.on_host(host, |w| {
        for line in &lines {
            crate::sim::docker::engine::log_line(
                w,
                &id,
                false,
                &format!("{{traefik_time}} {line}"),
                rec,
            );
        }
    });
}

/// After every live step: drop stopped Traefiks, refresh docker views, queue swarm states.
pub fn sync(world: &mut World, rec: &mut Record) {
    if world.traefik.instances.is_empty() {
        return;
    }
    let keys: Vec<(String, ContainerId)> = world.traefik.instances.keys().cloned().collect();
    for key in keys {
        let (host, id) = &key;
        let alive = world.engine_of(host).is_some_and(|e| {
            e.containers.get(id).is_some_and(|c| {
                matches!(c.status(), Status::Running | Status::Paused)
                    && c.run == world.traefik.instances[&key].run
                    && c.listening
            })
        });
        if !alive {
            world.traefik.instances.remove(&key);
            continue;
        }
        let instance = world.traefik.instances[&key].clone();
        if let Some(view) = docker_view(world, &instance) {
            let old = instance.docker.clone().unwrap_or_default();
            if view != old {
                let lines = new_lines(&old, &view, "docker");
                log(world, host, id, &lines, rec);
                if let Some(i) = world.traefik.instances.get_mut(&key) {
                    i.docker = Some(view);
                }
            }
        }
        if let Some(view) = file_view(world, &instance) {
            let old = instance.file.clone().unwrap_or_default();
            if view != old {
                let lines = new_lines(&old, &view, "file");
                log(world, host, id, &lines, rec);
                if let Some(i) = world.traefik.instances.get_mut(&key) {
                    i.file = Some(view);
                }
            }
        }
        if instance.config.swarm.is_some() {
            let view = swarm_view(world, &instance);
            let latest = instance
                .swarm_pending
                .last()
                .map(|(_, v)| v)
                .or(instance.swarm_seen.as_ref());
            let first_poll = instance
                .swarm_seen
                .as_ref()
                .is_some_and(|s| s == &ProviderView::default())
                && instance.swarm_pending.is_empty()
                && world.now_ms == instance.started_ms;
            if first_poll {
                // Traefik polls once as it starts.
                let lines = new_lines(&ProviderView::default(), &view, "swarm");
                log(world, host, id, &lines, rec);
                if let Some(i) = world.traefik.instances.get_mut(&key) {
                    i.swarm_seen = Some(view);
                }
                continue;
            }
            if latest != Some(&view) {
                let now = world.now_ms;
                let due = instance.next_poll_ms(now);
                let schedule = !instance.poll_scheduled;
                if let Some(i) = world.traefik.instances.get_mut(&key) {
                    i.swarm_pending.push((now, view));
                    i.poll_scheduled = true;
                }
                if schedule {
                    let event = Event::TraefikPoll {
                        container: id.clone(),
                        run: instance.run,
                    };
                    let delay = due - now;
                    world.on_host(host, |w| w.schedule_in(delay, event));
                }
            }
        }
    }
    after_sync(world, rec);
}

/// Certificates the routers still lack are ordered as soon as the routers exist.
fn after_sync(world: &mut World, rec: &mut Record) {
    super::certs::obtain(world, rec);
}

/// A swarm provider's poll: it picks up the latest state, logs new errors, says what changed.
/// `false` when the process it was for has gone.
pub fn on_poll(world: &mut World, id: &ContainerId, run: u32, rec: &mut Record) -> bool {
    let key = (world.here().to_string(), id.clone());
    let now = world.now_ms;
    let Some(instance) = world.traefik.instances.get_mut(&key) else {
        return false;
    };
    if instance.run != run {
        return false;
    }
    instance.poll_scheduled = false;
    let old = instance.swarm_seen.clone().unwrap_or_default();
    let taken: Vec<(u64, ProviderView)> = instance
        .swarm_pending
        .iter()
        .filter(|(at, _)| *at <= now)
        .cloned()
        .collect();
    instance.swarm_pending.retain(|(at, _)| *at > now);
    let Some((_, view)) = taken.last().cloned() else {
        return false;
    };
    instance.swarm_seen = Some(view.clone());
    let name = instance.name.clone();
    let host = key.0.clone();
    let more = !instance.swarm_pending.is_empty();
    let next = instance.next_poll_ms(now);
    if more {
        instance.poll_scheduled = true;
        world.schedule_in(
            next - now,
            Event::TraefikPoll {
                container: id.clone(),
                run,
            },
        );
    }
    if view == old {
        return false;
    }
    let lines = new_lines(&old, &view, "swarm");
    log(world, &host, id, &lines, rec);
    rec.title = format!("{name}: the swarm provider polls");
    rec.touch(&name);
    let routers = |v: &ProviderView| -> Vec<String> { v.dynamic.routers.keys().cloned().collect() };
    let servers =
        |v: &ProviderView| -> usize { v.dynamic.services.values().map(|s| s.servers.len()).sum() };
    rec.say(format!(
        "{name} polls the swarm (every {} s): it now has {} router(s) ({}) and {} server(s). Requests until this poll went by what the previous poll read.",
        world.traefik.instances[&key]
            .config
            .swarm
            .as_ref()
            .map_or(15, |s| s.refresh / 1000),
        view.dynamic.routers.len(),
        routers(&view).join(", "),
        servers(&view)
    ));
    if let Some(error) = &view.error {
        rec.say(format!("The swarm provider cannot read the swarm: {error}"));
    }
    true
}
