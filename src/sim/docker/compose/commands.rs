//! `docker compose up|down|ps|logs|stop|start|restart|exec|run|ls`: running a project.
//!
//! Real Compose finds a project's containers by their labels (`com.docker.compose.project`,
//! `.service`), names them `<project>-<service>-<n>`, its networks `<project>_<key>` and volumes
//! `<project>_<key>`. `up` pulls or builds missing images, creates the networks and volumes,
//! creates or recreates each service's container (only when its config hash or image changed),
//! then starts them in dependency order, waiting on `depends_on` conditions. `down` stops and
//! removes the containers and networks, and with `-v` the named volumes. `restart` restarts the
//! existing containers with their frozen config: it never applies a changed file.
//!
//! We do the same on top of the engine (every Compose container is an ordinary container with
//! labels). Simplified: one container per service (`scale`/`deploy.replicas` are not simulated
//! for standalone Compose), no `--progress tty` redraws (the plain progress lines are printed as
//! events happen), `logs` merges lines by time.

use super::super::container::Status;
use super::super::engine;
use super::super::error::DockerError;
use super::super::output;
use super::args::ComposeArgs;
use super::convert;
use super::job::{self, Job, Step, event};
use super::model::Project;
use super::{LoadError, Loaded};
use crate::sim::docker::image::ImageRef;
use crate::sim::order::CollectOrdered;
use crate::sim::world::Waiter;
use crate::sim::{Record, World};
use std::collections::BTreeMap;

/// Loads the project, printing Compose's warnings; a load error is printed as `config` does.
pub fn load(world: &World, args: &ComposeArgs, rec: &mut Record) -> Result<Loaded, DockerError> {
    match super::load(world, args.file.as_deref(), args.project_name.as_deref()) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                rec.err(w.clone());
            }
            Ok(loaded)
        }
        Err(e) => Err(report(e, rec)),
    }
}

pub fn report(e: LoadError, rec: &mut Record) -> DockerError {
    for w in &e.warnings {
        rec.err(w.clone());
    }
    if let Some((line, column)) = e.position.filter(|(l, _)| *l > 0) {
        rec.say(format!(
            "Look at line {line}, column {column} of the file. Compose checks the whole file before doing anything, so nothing was created."
        ));
    } else {
        rec.say("Compose checks the whole file before doing anything, so nothing was created.");
    }
    DockerError::new(e.message, 1)
}

/// The services named on the command line, checked (compose `no such service`).
fn selected(p: &Project, args: &[String]) -> Result<Vec<String>, DockerError> {
    for name in args {
        if !p.services.contains_key(name) {
            return Err(DockerError::new(format!("no such service: {name}"), 1));
        }
    }
    Ok(if args.is_empty() {
        p.services.keys().cloned().collect()
    } else {
        args.to_vec()
    })
}

/// All containers with the project's label (orphans and one-offs included), by name.
fn project_containers<'a>(
    world: &'a World,
    project: &str,
) -> Vec<&'a super::super::container::Container> {
    let mut v: Vec<_> = world
        .engine
        .containers
        .values()
        .filter(|c| {
            c.config
                .labels
                .get(convert::PROJECT_LABEL)
                .map(String::as_str)
                == Some(project)
        })
        .collect();
    crate::sim::order::sort_by(&mut v, |a, b| a.name.cmp(&b.name));
    v
}

fn service_of(c: &super::super::container::Container) -> &str {
    c.config
        .labels
        .get(convert::SERVICE_LABEL)
        .map(String::as_str)
        .unwrap_or("")
}

fn start_job(world: &mut World, loaded: &Loaded, steps: Vec<Step>, attach: Vec<String>) {
    world.shell.waiting.push(Waiter::Compose(Box::new(Job {
        project: loaded.project.clone(),
        file: loaded.file.clone(),
        started_ms: world.now_ms,
        steps,
        attach,
    })));
}

/// A top-level network's or volume's definition, `None` when it is declared empty (`db-data:`).
fn definition<'a>(
    defs: &'a BTreeMap<String, super::yaml::Node>,
    key: &str,
) -> Option<&'a super::yaml::Node> {
    defs.get(key)
        .filter(|n| n.value != super::yaml::Value::Null)
}

/// The labels Compose puts on the networks and volumes it creates, to find them again.
fn resource_labels(kind_label: &str, key: &str, project: &str) -> BTreeMap<String, String> {
    [
        (kind_label.to_string(), key.to_string()),
        (convert::PROJECT_LABEL.to_string(), project.to_string()),
        (
            convert::VERSION_LABEL.to_string(),
            convert::COMPOSE_VERSION.to_string(),
        ),
    ]
    .into_iter()
    .collect_map()
}

/// Networks and volumes the selected services use, created if missing.
fn ensure_resources(
    world: &mut World,
    p: &Project,
    services: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let mut networks: Vec<&String> = services
        .iter()
        .filter_map(|s| p.services.get(s))
        .flat_map(|s| s.networks.keys())
        .collect();
    crate::sim::order::sort(&mut networks);
    networks.dedup();
    for key in networks {
        let def = definition(&p.networks, key);
        let name = convert::resource_name(&p.name, key, def);
        if world.engine.networks.contains_key(&name) {
            continue;
        }
        if def.is_some_and(convert::is_external) {
            return Err(DockerError::new(
                format!("network {name} declared as external, but could not be found"),
                1,
            ));
        }
        event(rec, &format!("Network {name}"), "Creating");
        let labels = resource_labels(convert::NETWORK_LABEL, key, &p.name);
        super::super::network::create(
            world,
            &name,
            convert::is_internal(def),
            false,
            None,
            labels,
        )?;
        rec.touch(&name);
        event(rec, &format!("Network {name}"), "Created");
    }
    let mut volumes: Vec<&String> = services
        .iter()
        .filter_map(|s| p.services.get(s))
        .flat_map(|s| s.volumes.iter())
        .filter(|m| m.kind == "volume")
        .filter_map(|m| m.source.as_ref())
        .collect();
    crate::sim::order::sort(&mut volumes);
    volumes.dedup();
    for key in volumes {
        let def = definition(&p.volumes, key);
        let name = convert::resource_name(&p.name, key, def);
        if world.engine.volumes.contains_key(&name) {
            continue;
        }
        if def.is_some_and(convert::is_external) {
            return Err(DockerError::new(
                format!("external volume \"{name}\" not found"),
                1,
            ));
        }
        event(rec, &format!("Volume \"{name}\""), "Creating");
        let labels = resource_labels(convert::VOLUME_LABEL, key, &p.name);
        super::super::volume::create(world, Some(&name), labels)?;
        rec.touch(&name);
        event(rec, &format!("Volume \"{name}\""), "Created");
    }
    Ok(())
}

/// Builds or pulls what the services need (before anything is created, as Compose does).
fn ensure_images(
    world: &mut World,
    p: &Project,
    services: &[String],
    rebuild: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    ensure_images_with(world, p, services, rebuild, false, rec)
}

/// `no_cache`: `compose build --no-cache`.
fn ensure_images_with(
    world: &mut World,
    p: &Project,
    services: &[String],
    rebuild: bool,
    no_cache: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    for service in services {
        let s = &p.services[service];
        let image = convert::image_name(&p.name, service, s);
        let reference = ImageRef::parse(&image).map_err(|e| DockerError::new(e, 1))?;
        let present = world.engine.images.get(&reference.full()).is_some();
        match &s.build {
            Some(b) if rebuild || !present => {
                let options = super::super::build::BuildOptions {
                    context: b.context.clone(),
                    tags: vec![image.clone()],
                    file: Some(crate::sim::hostfs::normalise(&b.context, &b.dockerfile)),
                    target: b.target.clone(),
                    build_args: b
                        .args
                        .iter()
                        .map(|(k, v)| match v {
                            Some(v) => format!("{k}={v}"),
                            None => k.clone(),
                        })
                        .collect(),
                    no_cache,
                    quiet: false,
                };
                super::super::build::build(world, &options, rec)?;
                event(rec, &format!("Service {service}"), "Built");
            }
            _ if present => {}
            _ => {
                event(rec, service, "Pulling");
                let mut scratch = Record::new(rec.at_ms);
                super::super::platform::ensure_image_for(
                    world,
                    &reference,
                    &mut scratch,
                    false,
                    None,
                )
                .inspect_err(|_| event(rec, service, "Error"))?;
                for line in scratch.narration {
                    rec.say(line);
                }
                event(rec, service, "Pulled");
            }
        }
    }
    Ok(())
}

pub fn up(world: &mut World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let loaded = load(world, args, rec)?;
    let p = &loaded.project;
    let named = selected(p, &args.args)?;
    let order = convert::start_order(p, &named, !args.bool("no-deps"));
    let orphans: Vec<String> = project_containers(world, &p.name)
        .into_iter()
        .filter(|c| !p.services.contains_key(service_of(c)))
        .map(|c| c.name.clone())
        .collect();
    if !args.bool("no-build") {
        ensure_images(world, p, &order, args.bool("build"), rec)?;
    }
    ensure_resources(world, p, &order, rec)?;
    let mut steps = Vec::new();
    if !orphans.is_empty() {
        if args.bool("remove-orphans") {
            for name in &orphans {
                if let Some(c) = world.engine.by_name(name) {
                    steps.push(Step::Stop {
                        container: c.id.clone(),
                        timeout_s: None,
                        issued: false,
                    });
                    steps.push(Step::Remove {
                        container: c.id.clone(),
                    });
                }
            }
        } else {
            rec.err(format!(
                "WARN[0000] Found orphan containers ([{}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
                orphans.join(" ")
            ));
        }
    }
    for service in &order {
        steps.push(Step::Converge {
            service: service.clone(),
            force: args.bool("force-recreate"),
            no_recreate: args.bool("no-recreate"),
            replacing: None,
        });
    }
    if !args.bool("no-start") {
        for service in &order {
            steps.push(Step::Start {
                service: service.clone(),
                announced: Vec::new(),
            });
        }
        if args.bool("wait") {
            for service in &order {
                steps.push(Step::Wait {
                    service: service.clone(),
                    announced: false,
                });
            }
        }
    }
    let attach = if args.bool("detach") || args.bool("no-start") {
        Vec::new()
    } else {
        order.clone()
    };
    rec.say(format!(
        "Compose reads {} and converges project `{}`: images first, then the networks and volumes, then one container per service, started in dependency order ({}).",
        loaded.file,
        p.name,
        order.join(" → ")
    ));
    if attach.is_empty() {
        rec.say("With -d the prompt comes back once every container has started (and every dependency it waits for is ready).");
    } else {
        rec.say("Without -d, `up` stays attached and shows every service's output, prefixed with its container's name; typing a new command detaches (as Ctrl-C would stop them, a second terminal leaves them running).");
    }
    start_job(world, &loaded, steps, attach);
    Ok(())
}

/// Containers of the selected services (all services when none named), in dependency order.
fn containers_in_order(
    world: &World,
    p: &Project,
    services: &[String],
) -> Vec<super::super::container::Container> {
    let order = convert::start_order(p, services, false);
    let mut out = Vec::new();
    for s in &order {
        for c in job::service_containers(world, &p.name, s) {
            out.push(c.clone());
        }
    }
    out
}

fn timeout(args: &ComposeArgs) -> Result<Option<u32>, DockerError> {
    match args.value("timeout") {
        None => Ok(None),
        Some(v) => v.parse::<u32>().map(Some).map_err(|_| {
            DockerError::new(
                format!("invalid argument \"{v}\" for \"-t, --timeout\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"),
                16,
            )
        }),
    }
}

pub fn down(world: &mut World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let loaded = load(world, args, rec)?;
    let p = &loaded.project;
    let t = timeout(args)?;
    let rmi = match args.value("rmi") {
        None => None,
        Some(v @ ("all" | "local")) => Some(v.to_string()),
        Some(v) => return Err(DockerError::new(format!("invalid --rmi option {v:?}"), 1)),
    };
    let mut ordered = containers_in_order(world, p, &[]);
    ordered.reverse();
    let orphans: Vec<_> = project_containers(world, &p.name)
        .into_iter()
        .filter(|c| !p.services.contains_key(service_of(c)))
        .cloned()
        .collect();
    if !orphans.is_empty() && args.bool("remove-orphans") {
        ordered.extend(orphans);
    } else if !orphans.is_empty() {
        let names: Vec<&str> = orphans.iter().map(|c| c.name.as_str()).collect();
        rec.err(format!(
            "WARN[0000] Found orphan containers ([{}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
            names.join(" ")
        ));
    }
    let mut steps = Vec::new();
    for c in &ordered {
        if c.status().is_up() || c.status() == Status::Restarting {
            steps.push(Step::Stop {
                container: c.id.clone(),
                timeout_s: t,
                issued: false,
            });
        }
    }
    for c in &ordered {
        steps.push(Step::Remove {
            container: c.id.clone(),
        });
    }
    let volumes = args.bool("volumes");
    if volumes {
        // Anonymous volumes of the containers go with them (`down -v`).
        for c in &ordered {
            for name in super::super::volume::anonymous_of(c) {
                steps.push(Step::RemoveVolume { name });
            }
        }
    }
    for key in p.networks.keys() {
        let def = definition(&p.networks, key);
        if def.is_some_and(convert::is_external) {
            continue;
        }
        steps.push(Step::RemoveNetwork {
            name: convert::resource_name(&p.name, key, def),
        });
    }
    if volumes {
        for key in p.volumes.keys() {
            let def = definition(&p.volumes, key);
            if def.is_some_and(convert::is_external) {
                continue;
            }
            steps.push(Step::RemoveVolume {
                name: convert::resource_name(&p.name, key, def),
            });
        }
    }
    if let Some(mode) = &rmi {
        for (name, s) in &p.services {
            if mode == "all" || s.image.is_none() {
                steps.push(Step::RemoveImage {
                    name: convert::image_name(&p.name, name, s),
                });
            }
        }
    }
    rec.say(format!(
        "`down` stops the project's containers (dependents first), removes them and the project's networks{}.",
        if volumes {
            "; with -v also its named volumes: the data in them is deleted"
        } else {
            "; named volumes stay, so the data survives the next `up`"
        }
    ));
    start_job(world, &loaded, steps, Vec::new());
    Ok(())
}

pub fn stop(world: &mut World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let loaded = load(world, args, rec)?;
    let p = &loaded.project;
    selected(p, &args.args)?;
    let t = timeout(args)?;
    let mut ordered = containers_in_order(world, p, &args.args);
    ordered.reverse();
    let steps = ordered
        .iter()
        .filter(|c| c.status().is_up() || c.status() == Status::Restarting)
        .map(|c| Step::Stop {
            container: c.id.clone(),
            timeout_s: t,
            issued: false,
        })
        .collect();
    rec.say("`compose stop` stops the containers (dependents first) and keeps them: `compose start` starts the same containers again.");
    start_job(world, &loaded, steps, Vec::new());
    Ok(())
}

pub fn start(world: &mut World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let loaded = load(world, args, rec)?;
    let p = &loaded.project;
    let named = selected(p, &args.args)?;
    let order = convert::start_order(p, &named, false);
    for s in &order {
        if job::service_containers(world, &p.name, s).is_empty() {
            return Err(DockerError::new(
                format!("service {s:?} has no container to start"),
                1,
            ));
        }
    }
    let steps = order
        .iter()
        .map(|s| Step::Start {
            service: s.clone(),
            announced: Vec::new(),
        })
        .collect();
    rec.say("`compose start` starts the existing containers, in dependency order, with the configuration they were created with.");
    start_job(world, &loaded, steps, Vec::new());
    Ok(())
}

pub fn restart(world: &mut World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let loaded = load(world, args, rec)?;
    let p = &loaded.project;
    selected(p, &args.args)?;
    let t = timeout(args)?;
    let ordered = containers_in_order(world, p, &args.args);
    let mut changed = Vec::new();
    for c in &ordered {
        if let Some(s) = p.services.get(service_of(c))
            && c.config.labels.get(convert::HASH_LABEL) != Some(&convert::config_hash(s))
        {
            changed.push(c.name.clone());
        }
    }
    let steps = ordered
        .iter()
        .map(|c| Step::Restart {
            container: c.id.clone(),
            timeout_s: t,
            issued: false,
        })
        .collect();
    rec.say("`compose restart` stops and starts the SAME containers: their configuration was frozen when they were created.");
    if !changed.is_empty() {
        rec.say(format!(
            "The compose file has changed since {} {} created, and `restart` does not apply that: only `docker compose up -d` recreates a container with the new configuration.",
            changed.join(", "),
            if changed.len() == 1 { "was" } else { "were" }
        ));
    }
    start_job(world, &loaded, steps, Vec::new());
    Ok(())
}

pub fn ps(world: &World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let loaded = load(world, args, rec)?;
    let p = &loaded.project;
    selected(p, &args.args)?;
    if let Some(f) = args.value("format").filter(|f| *f != "table") {
        return Err(DockerError::new(
            format!(
                "dockyard: `docker compose ps --format {f}` is not simulated; the table, -q and --services are"
            ),
            1,
        ));
    }
    let containers: Vec<_> = project_containers(world, &p.name)
        .into_iter()
        .filter(|c| args.args.is_empty() || args.args.iter().any(|s| s == service_of(c)))
        .filter(|c| args.bool("all") || c.status().is_up() || c.status() == Status::Restarting)
        .filter(|c| {
            c.config
                .labels
                .get(convert::ONEOFF_LABEL)
                .map(String::as_str)
                != Some("True")
                || args.bool("all")
        })
        .collect();
    if args.bool("services") {
        let mut names: Vec<&str> = containers.iter().map(|c| service_of(c)).collect();
        names.dedup();
        if !names.is_empty() {
            rec.out(names.join("\n"));
        }
        return Ok(());
    }
    if args.bool("quiet") {
        let ids: Vec<&str> = containers.iter().map(|c| c.id.0.as_str()).collect();
        if !ids.is_empty() {
            rec.out(ids.join("\n"));
        }
        return Ok(());
    }
    let mut rows = vec![
        [
            "NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for c in &containers {
        rows.push(vec![
            c.name.clone(),
            c.config.image.clone(),
            output::command_text(c, false),
            service_of(c).to_string(),
            format!(
                "{} ago",
                crate::sim::time::human_duration(world.now_ms.saturating_sub(c.created_at))
            ),
            output::status_text(c, world.now_ms),
            output::ports_text(c),
        ]);
    }
    rec.out(output::tabwrite(&rows).trim_end().to_string());
    rec.say(format!(
        "`compose ps` lists project `{}`'s containers (found by their com.docker.compose.project label){}.",
        p.name,
        if args.bool("all") { "" } else { ", running ones only: -a shows stopped ones too" }
    ));
    Ok(())
}

pub fn logs(world: &mut World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let loaded = load(world, args, rec)?;
    let p = &loaded.project;
    let named = selected(p, &args.args)?;
    let tail: Option<usize> = match args.value("tail") {
        None | Some("all") => None,
        Some(v) => Some(v.parse().map_err(|_| {
            DockerError::new(
                format!("invalid argument \"{v}\" for \"-n, --tail\" flag"),
                1,
            )
        })?),
    };
    let containers: Vec<_> = project_containers(world, &p.name)
        .into_iter()
        .filter(|c| named.iter().any(|s| s == service_of(c)))
        .filter(|c| {
            c.config
                .labels
                .get(convert::ONEOFF_LABEL)
                .map(String::as_str)
                != Some("True")
        })
        .collect();
    let short = |name: &str| {
        name.strip_prefix(&format!("{}-", p.name))
            .unwrap_or(name)
            .to_string()
    };
    let width = containers
        .iter()
        .map(|c| short(&c.name).len())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<(u64, usize, usize, String, bool)> = Vec::new();
    for (ci, c) in containers.iter().enumerate() {
        let skip = tail.map_or(0, |n| c.logs.len().saturating_sub(n));
        for (li, l) in c.logs.iter().enumerate().skip(skip) {
            let prefix = if args.bool("no-log-prefix") {
                String::new()
            } else {
                format!("{:<width$}  | ", short(&c.name))
            };
            let stamp = if args.bool("timestamps") {
                format!("{} ", crate::sim::time::rfc3339(l.at_ms))
            } else {
                String::new()
            };
            lines.push((
                l.at_ms,
                ci,
                li,
                format!("{prefix}{stamp}{}", l.text),
                l.stderr,
            ));
        }
    }
    crate::sim::order::sort_by_key(&mut lines, |(at, ci, li, _, _)| (*at, *ci, *li));
    for (_, _, _, text, stderr) in lines {
        if stderr {
            rec.err(text);
        } else {
            rec.out(text);
        }
    }
    rec.say("`compose logs` merges the services' json-file logs, each line prefixed with its container.");
    if args.bool("follow") {
        let services: Vec<String> = named;
        let project = p.name.clone();
        // Follow without the "Attaching to" line `up` prints.
        let mut scratch = Record::new(rec.at_ms);
        job::attach(world, &project, &services, &mut scratch);
    }
    Ok(())
}

/// The running container of a service for `exec` (index 1).
fn running_container(world: &World, p: &Project, service: &str) -> Result<String, DockerError> {
    if !p.services.contains_key(service) {
        return Err(DockerError::new(format!("no such service: {service}"), 1));
    }
    job::service_containers(world, &p.name, service)
        .into_iter()
        .find(|c| c.status().is_up())
        .map(|c| c.name.clone())
        .ok_or_else(|| DockerError::new(format!("service {service:?} is not running"), 1))
}

pub fn exec(world: &mut World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let loaded = load(world, args, rec)?;
    let Some(service) = args.args.first() else {
        return Err(DockerError::new(
            "\"docker compose exec\" requires at least 2 arguments.\nSee 'docker compose exec --help'.",
            1,
        ));
    };
    if args.args.len() < 2 {
        return Err(DockerError::new(
            "\"docker compose exec\" requires at least 2 arguments.\nSee 'docker compose exec --help'.",
            1,
        ));
    }
    let name = running_container(world, &loaded.project, service)?;
    // The same model `docker exec` calls, with a typed request (no docker argv in between).
    crate::sim::shell::exec_in(
        world,
        &crate::sim::shell::ExecRequest {
            container: &name,
            argv: &args.args[1..],
            env: &args.values("env"),
            detach: args.bool("detach"),
        },
        rec,
    )
}

/// Long because it is one arm per simulated compose subcommand.
pub fn run(world: &mut World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let loaded = load(world, args, rec)?;
    let p = &loaded.project;
    let Some(service) = args.args.first().cloned() else {
        return Err(DockerError::new(
            "\"docker compose run\" requires at least 1 argument.\nSee 'docker compose run --help'.",
            1,
        ));
    };
    let Some(s) = p.services.get(&service) else {
        return Err(DockerError::new(format!("no such service: {service}"), 1));
    };
    let deps = if args.bool("no-deps") {
        Vec::new()
    } else {
        let mut d = convert::start_order(p, std::slice::from_ref(&service), true);
        d.retain(|x| x != &service);
        d
    };
    ensure_images(
        world,
        p,
        &deps
            .iter()
            .cloned()
            .chain([service.clone()])
            .collect::<Vec<_>>(),
        false,
        rec,
    )?;
    ensure_resources(
        world,
        p,
        &deps
            .iter()
            .cloned()
            .chain([service.clone()])
            .collect::<Vec<_>>(),
        rec,
    )?;
    let image = convert::image_name(&p.name, &service, s);
    let image_id = ImageRef::parse(&image)
        .ok()
        .and_then(|r| world.engine.images.get(&r.full()))
        .map(|i| i.id.clone())
        .unwrap_or_default();
    let mut options = convert::run_options(world, p, &loaded.file, &service, s, 1, &image_id)
        .map_err(|e| DockerError::new(e, 1))?;
    // A one-off container: its own name, no published ports, the command replaced.
    let suffix = world.rng.hex(12);
    options.name = Some(format!("{}-{service}-run-{suffix}", p.name));
    options.publish.clear();
    options.detach = args.bool("detach");
    options.auto_remove = args.bool("rm");
    if options.auto_remove {
        options.restart = None;
    }
    for e in args.values("env") {
        options.env.push(e);
    }
    options
        .labels
        .retain(|l| !l.starts_with(convert::ONEOFF_LABEL));
    options
        .labels
        .push(format!("{}=True", convert::ONEOFF_LABEL));
    if args.args.len() > 1 {
        options.cmd = args.args[1..].to_vec();
        if s.entrypoint.as_ref().is_some_and(|e| e.len() > 1) {
            let e = s.entrypoint.clone().unwrap_or_default();
            options.cmd = e[1..]
                .iter()
                .cloned()
                .chain(args.args[1..].iter().cloned())
                .collect();
        }
    }
    let mut steps = Vec::new();
    for d in &deps {
        steps.push(Step::Converge {
            service: d.clone(),
            force: false,
            no_recreate: true,
            replacing: None,
        });
    }
    for d in &deps {
        steps.push(Step::Start {
            service: d.clone(),
            announced: Vec::new(),
        });
    }
    steps.push(Step::RunOneOff {
        options: Box::new(options),
    });
    rec.say(format!(
        "`compose run` starts {service}'s dependencies, then a one-off container with the service's configuration and your command (no published ports unless --service-ports)."
    ));
    start_job(world, &loaded, steps, Vec::new());
    Ok(())
}

/// `docker compose ls`: projects found from the containers' labels.
pub fn ls(world: &World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let mut projects: BTreeMap<String, (BTreeMap<String, usize>, String)> = BTreeMap::new();
    for c in world.engine.containers.values() {
        let Some(project) = c.config.labels.get(convert::PROJECT_LABEL) else {
            continue;
        };
        let entry = projects.entry(project.clone()).or_default();
        let status = match c.status() {
            Status::Running | Status::Paused => "running",
            Status::Restarting => "restarting",
            Status::Created => "created",
            _ => "exited",
        };
        *entry.0.entry(status.to_string()).or_default() += 1;
        if let Some(f) = c.config.labels.get(convert::CONFIG_FILES_LABEL) {
            entry.1 = f.clone();
        }
    }
    let shown: Vec<_> = projects
        .into_iter()
        .filter(|(_, (counts, _))| args.bool("all") || counts.contains_key("running"))
        .collect();
    if args.bool("quiet") {
        let names: Vec<&str> = shown.iter().map(|(n, _)| n.as_str()).collect();
        if !names.is_empty() {
            rec.out(names.join("\n"));
        }
        return Ok(());
    }
    let mut rows = vec![
        ["NAME", "STATUS", "CONFIG FILES"]
            .map(String::from)
            .to_vec(),
    ];
    for (name, (counts, file)) in shown {
        let status: Vec<String> = counts.iter().map(|(s, n)| format!("{s}({n})")).collect();
        rows.push(vec![name, status.join(", "), file]);
    }
    rec.out(output::tabwrite(&rows).trim_end().to_string());
    Ok(())
}

/// `docker compose build [SERVICE…]`: builds every service that has a `build:` section.
pub fn build(world: &mut World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let loaded = load(world, args, rec)?;
    let p = &loaded.project;
    let named = selected(p, &args.args)?;
    let buildable: Vec<String> = named
        .into_iter()
        .filter(|s| p.services[s].build.is_some())
        .collect();
    ensure_images_with(world, p, &buildable, true, args.bool("no-cache"), rec)?;
    rec.say(format!(
        "`compose build` builds the services with a `build:` section ({}), tagging each image `<project>-<service>` unless `image:` names it. Running containers keep their old image until `up -d` recreates them.",
        if buildable.is_empty() { "none here".to_string() } else { buildable.join(", ") }
    ));
    Ok(())
}

/// `docker compose pull [SERVICE…]`: pulls the images of services that have `image:`.
pub fn pull(world: &mut World, args: &ComposeArgs, rec: &mut Record) -> Result<(), DockerError> {
    let loaded = load(world, args, rec)?;
    let p = &loaded.project;
    let named = selected(p, &args.args)?;
    for service in &named {
        let s = &p.services[service];
        let Some(image) = &s.image else {
            continue;
        };
        if s.build.is_some() && args.bool("ignore-buildable") {
            continue;
        }
        let reference = ImageRef::parse(image).map_err(|e| DockerError::new(e, 1))?;
        event(rec, service, "Pulling");
        let mut scratch = Record::new(rec.at_ms);
        let result = if world.engine.images.get(&reference.full()).is_some() {
            // Already here: the registry's digest is the same, nothing is downloaded.
            Ok(())
        } else {
            super::super::platform::ensure_image_for(world, &reference, &mut scratch, false, None)
                .map(|_| ())
        };
        if let Err(e) = result {
            event(rec, service, "Error");
            return Err(e);
        }
        for line in scratch.narration {
            rec.say(line);
        }
        event(rec, service, "Pulled");
    }
    Ok(())
}

/// Starts a `compose run` one-off container (the job's last step).
pub fn run_one_off(
    world: &mut World,
    options: &super::super::cli::RunOptions,
    rec: &mut Record,
) -> Result<(), String> {
    let mut scratch = Record::new(rec.at_ms);
    let id = engine::create(world, options, &mut scratch).map_err(|e| e.message)?;
    for line in scratch.narration.drain(..) {
        rec.say(line);
    }
    if !options.detach {
        world.shell.waiting.push(Waiter::Attached {
            container: id.clone(),
        });
    }
    engine::start_by_user(world, &id, rec).map_err(|e| e.message)?;
    if options.detach {
        rec.out(options.name.clone().unwrap_or_default());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::sim::World;
    use crate::sim::testkit::{run, type_line};

    fn project() -> World {
        let mut world = World::new(1);
        world
            .fs
            .write(
                "/home/learner/app/compose.yaml",
                "services:\n  web:\n    image: nginx\n",
                false,
            )
            .unwrap();
        run(&mut world, "docker compose up -d");
        world
    }

    /// `compose exec` hands a typed request to the model `docker exec` uses
    /// (`shell::exec_in`): the service's container, its `-e` additions, its command.
    #[test]
    fn exec_runs_in_the_services_container_through_the_exec_model() {
        let mut world = project();
        let out = run(&mut world, "docker compose exec -e GREETING=hi web env");
        assert!(out.contains("GREETING=hi"), "{out}");
        assert!(out.contains("HOSTNAME="), "{out}");
        let rec = type_line(&mut world, "docker compose exec -d web hostname");
        assert!(!rec.error && rec.terminal_text().lines().count() == 1);
        let rec = type_line(&mut world, "docker compose exec web nosuch");
        assert!(rec.error);
        assert!(
            rec.terminal_text()
                .contains("executable file not found in $PATH")
        );
    }

    /// cobra: `--help` prints the usage on stdout and exits 0; it is not a mistake.
    #[test]
    fn help_is_printed_not_refused() {
        let mut world = World::new(1);
        let rec = type_line(&mut world, "docker compose up --help");
        assert!(!rec.error);
        assert!(
            rec.terminal_text()
                .contains("Usage:  docker compose up [OPTIONS] [SERVICE...]")
        );
        let rec = type_line(&mut world, "docker compose up --bogus");
        assert!(rec.error);
        assert!(rec.terminal_text().ends_with("unknown flag: --bogus"));
    }
}
