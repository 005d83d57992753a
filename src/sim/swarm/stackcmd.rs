//! `docker stack deploy|ls|services|ps|rm|config`.
//!
//! Real Docker (docker/cli v28 `cli/command/stack/*.go`, `stack/swarm/*.go`): a stack is not an
//! object in the swarm, only a label. `deploy` loads the Compose file in the CLI, prints
//! `Creating network app_default` for each network the stack lacks, then `Creating service
//! app_web` or `Updating service app_web (id: …)` for each service (an update of the whole spec:
//! a changed template rolls the tasks with `update_config`, a changed `replicas` only scales),
//! and returns at once (`--detach` is the default, with a notice on stderr). `ls` counts services
//! by their `com.docker.stack.namespace` label, `services` and `ps` are `service ls`/`service ps`
//! filtered on that label, `rm` removes the services then the networks, sorted by name, and
//! leaves the volumes on the nodes.
//!
//! Each subcommand is a [`Command`] of the one flag layer (src/sim/flags.rs): a flag error prints
//! the usage and exits 125, a wrong argument count exits 1, `--help` prints the usage.
//!
//! We run the same steps on the leader's store (src/sim/swarm/stack.rs converts,
//! src/sim/swarm/services/ `create_spec` creates, and an update is checked by the same
//! `services::validate::spec` as `docker service update`). Simplified: one `-c` file; the CLI walks Go maps in random order, we
//! walk names in order; `--detach=false` (waiting for convergence) and `--resolve-image` are
//! accepted but do not change anything; `docker stack config` prints the Compose long form as
//! `docker compose config` does (the CLI's encoder orders keys differently) and narrates the
//! effective values SwarmKit will use. Networks go through the swarm's network store
//! (src/sim/swarm/overlay.rs); a stack network with a driver other than overlay is refused with a
//! Dockyard message.

use super::orchestrator::ServiceMode;
use super::service::{Service, Spec};
use super::stack::{self, Converted, LABEL_NAMESPACE};
use super::task::TaskState;
use crate::sim::docker::compose;
use crate::sim::docker::error::DockerError;
use crate::sim::docker::output::tabwrite;
use crate::sim::flags::{self, Arity, Command, Flag, Parsed};
use crate::sim::hostfs::normalise;
use crate::sim::{Record, World};

const USAGE: &str = "Usage:  docker stack [OPTIONS] COMMAND

Manage Swarm stacks

Commands:
  config      Outputs the final config file, after doing merges and interpolations
  deploy      Deploy a new stack or update an existing stack
  ls          List stacks
  ps          List the tasks in the stack
  rm          Remove one or more stacks
  services    List the services in the stack

Run 'docker stack COMMAND --help' for more information on a command.";

pub(crate) const DEPLOY: Command = Command::docker(
    "docker stack deploy",
    "docker stack deploy [OPTIONS] STACK",
    "Deploy a new stack or update an existing stack",
    &[
        Flag::typed("compose-file", Some('c'), "strings"),
        Flag::bool("prune", None),
        Flag::bool("detach", Some('d')),
        Flag::bool("quiet", Some('q')),
        Flag::string("resolve-image", None),
        Flag::bool("with-registry-auth", None),
    ],
)
.args(Arity::Exactly(1));

pub(crate) const LS: Command = Command::docker(
    "docker stack ls",
    "docker stack ls [OPTIONS]",
    "List stacks",
    &[],
)
.args(Arity::None)
.not_simulated(&[("format", None)]);

pub(crate) const SERVICES: Command = Command::docker(
    "docker stack services",
    "docker stack services [OPTIONS] STACK",
    "List the services in the stack",
    &[Flag::bool("quiet", Some('q'))],
)
.args(Arity::Exactly(1))
.not_simulated(&[("format", None), ("filter", Some('f'))]);

pub(crate) const PS: Command = Command::docker(
    "docker stack ps",
    "docker stack ps [OPTIONS] STACK",
    "List the tasks in the stack",
    &[
        Flag::bool("no-trunc", None),
        Flag::bool("quiet", Some('q')),
        Flag::typed("filter", Some('f'), "filter"),
    ],
)
.args(Arity::Exactly(1))
.not_simulated(&[("format", None), ("no-resolve", None)]);

pub(crate) const RM: Command = Command::docker(
    "docker stack rm",
    "docker stack rm [OPTIONS] STACK [STACK...]",
    "Remove one or more stacks",
    &[Flag::bool("detach", Some('d'))],
)
.args(Arity::AtLeast(1));

pub(crate) const CONFIG: Command = Command::docker(
    "docker stack config",
    "docker stack config [OPTIONS]",
    "Outputs the final config file, after doing merges and interpolations",
    &[
        Flag::typed("compose-file", Some('c'), "strings"),
        Flag::bool("skip-interpolation", None),
    ],
)
.args(Arity::None);

/// The subcommand a word names, with docker/cli's aliases (`up`, `list`, `remove`/`down`).
fn command(verb: &str) -> Option<&'static Command> {
    Some(match verb {
        "deploy" | "up" => &DEPLOY,
        "ls" | "list" => &LS,
        "services" => &SERVICES,
        "ps" => &PS,
        "rm" | "remove" | "down" => &RM,
        "config" => &CONFIG,
        _ => return None,
    })
}

/// `docker stack …` on machine `host`.
pub fn run(
    world: &mut World,
    host: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let (cmd, words) = match flags::subcommand("docker stack", args, command)? {
        flags::Subcommand::Help => {
            rec.out(USAGE);
            return Ok(());
        }
        flags::Subcommand::Run(cmd, words) => (cmd, words),
    };
    let p = cmd.parse(words)?;
    match cmd.name() {
        "stack deploy" => deploy(world, host, &p, rec),
        "stack ls" => ls(world, host, rec),
        "stack services" => services(world, host, &p, rec),
        "stack ps" => ps(world, host, &p, rec),
        "stack rm" => rm(world, host, &p, rec),
        _ => config(world, &p, rec),
    }
}

/// docker/cli `validateStackName`: not only blanks and quotes.
fn validate_name(name: &str) -> Result<(), DockerError> {
    if name
        .trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .is_empty()
    {
        return Err(DockerError::new(format!("invalid stack name: {name:?}"), 1));
    }
    Ok(())
}

/// The `-c` files: repeated flags and comma-separated values alike (a `strings` flag).
fn compose_files(f: &Parsed) -> Vec<String> {
    f.values("compose-file")
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::to_string)
        .collect()
}

/// Loads the file named by `-c` (`loadComposeFile`): the Compose loader's steps and words, the
/// CLI's own message for a missing file.
fn load(world: &World, files: &[String], rec: &mut Record) -> Result<compose::Loaded, DockerError> {
    let Some(file) = files.first() else {
        return Err(DockerError::new(
            "specify a Compose file (with --compose-file)",
            1,
        ));
    };
    if file == "-" {
        return Err(DockerError::new(
            "dockyard: reading the Compose file from stdin is not simulated; write it to a file first",
            1,
        ));
    }
    if world.fs.get(&normalise(&world.fs.cwd, file)).is_none() {
        return Err(DockerError::new(
            format!("open {file}: no such file or directory"),
            1,
        ));
    }
    if files.len() > 1 {
        rec.say("Dockyard reads only the first -c file; the CLI would merge them in order.");
    }
    match compose::load(world, Some(file), None) {
        Ok(mut loaded) => {
            // `version:` is accepted silently by the CLI's own loader (no Compose warning).
            loaded
                .warnings
                .retain(|w| !w.contains("the attribute `version` is obsolete"));
            Ok(loaded)
        }
        Err(e) => {
            for w in e
                .warnings
                .iter()
                .filter(|w| !w.contains("`version` is obsolete"))
            {
                rec.err(w.clone());
            }
            match e.position.filter(|(l, _)| *l > 0) {
                Some((line, column)) => rec.say(format!(
                    "Look at line {line}, column {column} of {file}. The CLI checks the whole file before sending anything to the swarm, so nothing was created."
                )),
                None => rec.say(
                    "The CLI checks the whole file before sending anything to the swarm, so nothing was created.",
                ),
            }
            Err(DockerError::new(e.message, 1))
        }
    }
}

/// The services of stack `namespace`, by name.
fn stack_services<'a>(world: &'a World, namespace: &str) -> Vec<&'a Service> {
    let mut v: Vec<&Service> = world
        .swarm
        .services
        .values()
        .filter(|s| s.spec.labels.get(LABEL_NAMESPACE).map(String::as_str) == Some(namespace))
        .collect();
    crate::sim::order::sort_by(&mut v, |a, b| a.spec.name.cmp(&b.spec.name));
    v
}

/// Creates a stack network through the swarm's network store (src/sim/swarm/overlay.rs), as
/// the CLI's `NetworkCreate` call does, labelled with the namespace. What `docker network
/// create` would print (the ID, its narration) is not shown: `stack deploy` prints `Creating
/// network NAME` instead.
fn create_network(
    world: &mut World,
    host: &str,
    net: &stack::StackNetwork,
    namespace: &str,
) -> Result<bool, DockerError> {
    if net.driver != "overlay" {
        return Err(DockerError::new(
            format!(
                "dockyard: a stack network with driver {} is not simulated; use the default, overlay",
                net.driver
            ),
            1,
        ));
    }
    let request = super::overlay::CreateNetwork {
        name: net.name.clone(),
        driver: net.driver.clone(),
        attachable: net.attachable,
        internal: net.internal,
        subnet: None,
        labels: vec![format!("{LABEL_NAMESPACE}={namespace}")],
    };
    let mut scratch = Record::new(world.now_ms);
    super::overlay::create(world, host, request, &mut scratch).map(|()| true)
}

/// A swarm network by that name exists (an `external` one must).
fn network_exists(world: &World, name: &str) -> bool {
    super::overlay::find(world, name).is_some()
}

/// `NetworkRemove` once the stack's services are gone.
fn remove_network(world: &mut World, name: &str) {
    world.swarm.overlay.networks.remove(name);
}

/// The stack's networks in the swarm's store (by their namespace label), by name.
fn stack_networks(world: &World, namespace: &str) -> Vec<String> {
    world
        .swarm
        .overlay
        .networks
        .values()
        .filter(|n| n.labels.get(LABEL_NAMESPACE).map(String::as_str) == Some(namespace))
        .map(|n| n.name.clone())
        .collect()
}

/// `ServiceUpdate` with the whole new spec.
fn update_service(
    world: &mut World,
    id: &str,
    spec: Spec,
    rec: &mut Record,
) -> Result<(), DockerError> {
    // The same checks as `docker service update` (controlapi `UpdateService`).
    super::services::validate::spec(world, &spec)?;
    // `--resolve-image always`: the image's digest is asked again, so an unchanged image
    // keeps the same pinned reference and a pushed rebuild gets the new one.
    let mut spec = spec;
    super::services::resolve_image(world, &mut spec, rec);
    let now = world.now_ms;
    let Some(svc) = world.swarm.services.get_mut(id) else {
        return Ok(());
    };
    let name = spec.name.clone();
    let template_changed = svc.spec.template != spec.template;
    let scaled = svc.spec.mode != spec.mode;
    // Published ports: keep the swarm-assigned number of a port written without one.
    let old_ports = svc.endpoint_ports.clone();
    svc.endpoint_ports = spec
        .ports
        .iter()
        .map(|p| {
            let mut p = p.clone();
            if p.published_port == 0
                && let Some(o) = old_ports
                    .iter()
                    .find(|o| o.target_port == p.target_port && o.protocol == p.protocol)
            {
                p.published_port = o.published_port;
            }
            p
        })
        .collect();
    svc.set_spec(spec, true, now);
    // controlapi `UpdateService` resets the update status; the updater takes the dirty slots.
    svc.update_status = None;
    super::overlay::on_service_changed(world, id);
    super::update::begin(world, id, rec);
    rec.touch(name.clone());
    rec.say(match (template_changed, scaled) {
        (true, _) => format!(
            "{name}: the task template changed, so its tasks are replaced one batch at a time with its update_config."
        ),
        (false, true) => format!(
            "{name}: only the number of replicas changed: the orchestrator adds or removes tasks, no running task is replaced."
        ),
        (false, false) => format!(
            "{name}: nothing changed in its spec, so no task is touched (the spec version still goes up)."
        ),
    });
    Ok(())
}

/// Removes a service as `docker service rm` does (its tasks get desired state `remove`).
fn remove_service(world: &mut World, id: &str) {
    world.swarm.services.remove(id);
    world.swarm.updates.remove(id);
    for t in world.swarm.tasks.iter_mut().filter(|t| t.service_id == id) {
        if t.desired_state < TaskState::Remove {
            t.desired_state = TaskState::Remove;
        }
    }
    super::overlay::on_service_removed(world, id);
}

/// Requires a manager with a leader; `deploy` says it in the CLI's own words first.
fn manager_check(world: &World, host: &str, deploy: bool) -> Result<(), DockerError> {
    let is_manager = world
        .swarm
        .node_of(host)
        .is_some_and(|n| n.role == super::cluster::Role::Manager);
    if deploy && !is_manager {
        // docker/cli `checkDaemonIsSwarmManager` (an Info call, no daemon prefix).
        return Err(DockerError::new(
            "this node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again",
            1,
        ));
    }
    super::cli::require_manager(world, host)
}

/// `docker stack deploy -c FILE STACK` (docker/cli `stack/swarm/deploy.go`). Long because it
/// follows the CLI's steps in their order (load, prune, networks, external networks, services),
/// and a failure after an earlier step changed the swarm must keep that change (`fail`).
fn deploy(world: &mut World, host: &str, f: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let namespace = f.args[0].clone();
    validate_name(&namespace)?;
    let files = compose_files(f);
    let loaded = load(world, &files, rec)?;
    let converted = stack::convert(&loaded.project, &namespace);
    // loader.go prints the warnings once the file is loaded.
    let warnings = match &converted {
        Ok(c) => c.warnings.clone(),
        Err(_) => stack::warnings(&loaded.project),
    };
    for w in loaded.warnings.iter().chain(&warnings) {
        rec.err(w.clone());
    }
    let mut converted = converted.map_err(|e| DockerError::new(e, 1))?;
    if let Some(v) = f.value("resolve-image")
        && !matches!(v, "always" | "changed" | "never")
    {
        return Err(DockerError::new(
            format!("invalid option {v} for flag --resolve-image"),
            1,
        ));
    }
    let detach_given = f.has("detach");
    if !detach_given {
        rec.err("Since --detach=false was not specified, tasks will be created in the background.\nIn a future release, --detach=false will become the default.");
    } else if !f.bool("detach") {
        rec.say("Dockyard does not wait for convergence here (--detach=false); follow the tasks with `docker stack ps`.");
    }
    manager_check(world, host, true)?;
    let mut changed_something = false;
    let fail = |e: DockerError, changed: bool| if changed { e.keeping_state() } else { e };
    if f.bool("prune") {
        let keep: Vec<String> = converted
            .services
            .iter()
            .map(|(_, s)| s.name.clone())
            .collect();
        let gone: Vec<(String, String)> = stack_services(world, &namespace)
            .into_iter()
            .filter(|s| !keep.contains(&s.spec.name))
            .map(|s| (s.id.clone(), s.spec.name.clone()))
            .collect();
        for (id, name) in gone {
            rec.out(format!("Removing service {name}"));
            remove_service(world, &id);
            changed_something = true;
        }
    }
    // Secrets first, as deploy_composefile.go does (src/sim/swarm/stacksecrets.rs).
    let secrets = super::stacksecrets::deploy(world, &loaded.project, &namespace, rec)
        .map_err(|e| fail(e, changed_something))?;
    super::stacksecrets::attach(&mut converted.services, &loaded.project, &secrets)
        .map_err(|e| fail(e, changed_something))?;
    let existing = stack_networks(world, &namespace);
    let mut not_made = Vec::new();
    for net in &converted.networks {
        if existing.contains(&net.name) {
            continue;
        }
        let made = create_network(world, host, net, &namespace).map_err(|e| {
            fail(
                DockerError::new(format!("failed to create network {}: {e}", net.name), 1),
                changed_something,
            )
        })?;
        if made {
            rec.out(format!("Creating network {}", net.name));
            rec.touch(format!("network:{}", net.name));
            changed_something = true;
        } else {
            not_made.push(net.name.clone());
        }
    }
    if !not_made.is_empty() {
        for (_, spec) in &mut converted.services {
            spec.template.networks.retain(|n| !not_made.contains(n));
        }
        rec.say(format!(
            "Docker would print `Creating network …` for {} here. Overlay networks are not simulated in this build, so the services are created without them.",
            not_made.join(", ")
        ));
    }
    for ext in &converted.external_networks {
        if !network_exists(world, ext) {
            return Err(fail(
                DockerError::new(
                    format!(
                        "network {ext:?} is declared as external, but could not be found. You need to create a swarm-scoped network before the stack is deployed"
                    ),
                    1,
                ),
                changed_something,
            ));
        }
    }
    let mut created = Vec::new();
    let mut updated = Vec::new();
    for (_, spec) in std::mem::take(&mut converted.services) {
        let name = spec.name.clone();
        let existing = world
            .swarm
            .services
            .values()
            .find(|s| s.spec.name == name)
            .map(|s| s.id.clone());
        match existing {
            Some(id) => {
                rec.out(format!("Updating service {name} (id: {id})"));
                update_service(world, &id, spec, rec).map_err(|e| {
                    fail(
                        DockerError::new(format!("failed to update service {name}: {e}"), 1),
                        true,
                    )
                })?;
                updated.push(name);
            }
            None => {
                rec.out(format!("Creating service {name}"));
                super::services::create_spec(world, spec, rec).map_err(|e| {
                    fail(
                        DockerError::new(format!("failed to create service {name}: {e}"), 1),
                        true,
                    )
                })?;
                created.push(name);
            }
        }
        changed_something = true;
    }
    let _ = changed_something;
    rec.title = format!("stack {namespace} deployed");
    rec.touch(namespace.clone());
    narrate_deploy(&namespace, &loaded, &converted, &created, &updated, rec);
    Ok(())
}

/// What the deploy did and what the file did not say, in plain words.
fn narrate_deploy(
    namespace: &str,
    loaded: &compose::Loaded,
    c: &Converted,
    created: &[String],
    updated: &[String],
    rec: &mut Record,
) {
    rec.say(format!(
        "The docker CLI read {} itself and turned each Compose service into a swarm service named {namespace}_SERVICE, labelled com.docker.stack.namespace={namespace}: that label is all a stack is. Created: {}; updated: {}.",
        loaded.file,
        if created.is_empty() { "none".to_string() } else { created.join(", ") },
        if updated.is_empty() { "none".to_string() } else { updated.join(", ") },
    ));
    for d in &c.dropped {
        rec.say(d.clone());
    }
    if !c.differences.is_empty() {
        let mut by_field: Vec<(&str, String, String, Vec<&str>)> = Vec::new();
        for d in &c.differences {
            match by_field.iter_mut().find(|(f, doc, eff, _)| {
                *f == d.field && *doc == d.documented && *eff == d.effective
            }) {
                Some((_, _, _, services)) => services.push(&d.service),
                None => by_field.push((
                    d.field,
                    d.documented.clone(),
                    d.effective.clone(),
                    vec![&d.service],
                )),
            }
        }
        let lines: Vec<String> = by_field
            .iter()
            .map(
                |(field, doc, eff, services)| match doc.strip_suffix(" (written)") {
                    Some(value) => format!(
                        "{field}: you wrote {value}, the swarm uses {eff} ({})",
                        services.join(", ")
                    ),
                    None => format!(
                        "{field}: the Compose reference says {doc}, the swarm uses {eff} ({})",
                        services.join(", ")
                    ),
                },
            )
            .collect();
        rec.say(format!(
            "Where the file says nothing (or says what a swarm cannot express), the CLI sends nothing and SwarmKit fills in its own defaults, which are not the ones the Compose deploy reference documents: {}. `docker service inspect --pretty {namespace}_{}` shows the effective values.",
            lines.join("; "),
            c.differences[0].service
        ));
    }
}

fn ls(world: &mut World, host: &str, rec: &mut Record) -> Result<(), DockerError> {
    super::cli::require_manager(world, host)?;
    let mut counts: std::collections::BTreeMap<&str, u64> = Default::default();
    for s in world.swarm.services.values() {
        if let Some(ns) = s.spec.labels.get(LABEL_NAMESPACE) {
            *counts.entry(ns.as_str()).or_default() += 1;
        }
    }
    let mut rows = vec![vec!["NAME".to_string(), "SERVICES".to_string()]];
    for (name, n) in counts {
        rows.push(vec![name.to_string(), n.to_string()]);
    }
    rec.out(tabwrite(&rows));
    rec.say("A stack is only a label on services: `docker stack ls` counts the services carrying each com.docker.stack.namespace value.");
    Ok(())
}

fn services(
    world: &mut World,
    host: &str,
    f: &Parsed,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let namespace = &f.args[0];
    validate_name(namespace)?;
    super::cli::require_manager(world, host)?;
    let list = stack_services(world, namespace);
    if list.is_empty() {
        rec.err(format!("Nothing found in stack: {namespace}"));
        return Ok(());
    }
    if f.bool("quiet") {
        for s in list {
            rec.out(s.id[..12].to_string());
        }
        return Ok(());
    }
    let mut rows = vec![vec![
        "ID".to_string(),
        "NAME".into(),
        "MODE".into(),
        "REPLICAS".into(),
        "IMAGE".into(),
        "PORTS".into(),
    ]];
    for s in &list {
        rows.push(vec![
            s.id[..12].to_string(),
            s.spec.name.clone(),
            s.mode_text().to_string(),
            super::services::replicas_text(world, s),
            crate::sim::docker::registry::without_digest(&s.spec.template.container.image),
            super::services::ports_text(s),
        ]);
        rec.touch(s.spec.name.clone());
    }
    rec.out(tabwrite(&rows));
    Ok(())
}

fn ps(world: &mut World, host: &str, f: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let namespace = &f.args[0];
    validate_name(namespace)?;
    super::cli::require_manager(world, host)?;
    let names: Vec<String> = stack_services(world, namespace)
        .into_iter()
        .map(|s| s.spec.name.clone())
        .collect();
    let has_tasks = world.swarm.tasks.iter().any(|t| {
        world
            .swarm
            .services
            .get(&t.service_id)
            .is_some_and(|s| names.contains(&s.spec.name))
    });
    if !has_tasks {
        return Err(DockerError::new(
            format!("nothing found in stack: {namespace}"),
            1,
        ));
    }
    // The same table as `docker service ps` over the stack's services (task.Print).
    let ids: Vec<String> = stack_services(world, namespace)
        .into_iter()
        .map(|s| s.id.clone())
        .collect();
    let options = super::services::PsOptions {
        quiet: f.bool("quiet"),
        no_trunc: f.bool("no-trunc"),
        filters: f.values("filter"),
    };
    rec.out(super::services::ps_text(world, &ids, &options));
    Ok(())
}

fn rm(world: &mut World, host: &str, f: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    for ns in &f.args {
        validate_name(ns)?;
    }
    super::cli::require_manager(world, host)?;
    for ns in &f.args {
        let list: Vec<(String, String)> = stack_services(world, ns)
            .into_iter()
            .map(|s| (s.id.clone(), s.spec.name.clone()))
            .collect();
        if list.is_empty() && stack_networks(world, ns).is_empty() {
            rec.err(format!("Nothing found in stack: {ns}"));
            continue;
        }
        let mut volumes: Vec<String> = Vec::new();
        for (id, name) in &list {
            if let Some(s) = world.swarm.services.get(id) {
                for m in &s.spec.template.container.mounts {
                    if m.kind == "volume" && !m.source.is_empty() && !volumes.contains(&m.source) {
                        volumes.push(m.source.clone());
                    }
                }
            }
            rec.out(format!("Removing service {name}"));
            rec.touch(name.clone());
            remove_service(world, id);
        }
        super::stacksecrets::remove(world, ns, rec);
        for n in stack_networks(world, ns) {
            rec.out(format!("Removing network {n}"));
            remove_network(world, &n);
        }
        rec.title = format!("stack {ns} removed");
        rec.say(format!(
            "Stack {ns}: its services are deleted from the store and every node's agent stops their containers.{}",
            if volumes.is_empty() {
                String::new()
            } else {
                format!(
                    " The volumes ({}) are not part of the stack: they stay on the disks of the nodes that created them.",
                    volumes.join(", ")
                )
            }
        ));
    }
    Ok(())
}

fn config(world: &mut World, f: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let files = compose_files(f);
    let loaded = load(world, &files, rec)?;
    for w in &loaded.warnings {
        rec.err(w.clone());
    }
    rec.out(
        compose::config::render(&loaded.project)
            .trim_end()
            .to_string(),
    );
    // What the swarm will actually run with (the part the printed file cannot show).
    let converted = stack::convert(&loaded.project, "STACK");
    match converted {
        Ok(c) => {
            let mut lines = Vec::new();
            for (name, s) in &c.services {
                lines.push(effective_line(name, s));
            }
            rec.say(format!(
                "This is what you wrote, interpolated. The swarm will run each service with these effective values (SwarmKit fills in what the file leaves out): {}.",
                lines.join("; ")
            ));
        }
        Err(e) => rec.say(format!("`docker stack deploy` would refuse this file: {e}")),
    }
    Ok(())
}

/// `web: replicas 1, restart any after 5s (max attempts unlimited), update 1 at a time, delay
/// 0s, monitor 5s, on failure pause, stop-first; rollback … `.
pub fn effective_line(name: &str, s: &Spec) -> String {
    let d = super::services::human_go_duration;
    let mode = match s.mode {
        ServiceMode::Replicated { replicas } => format!("replicas {replicas}"),
        ServiceMode::Global => "global".into(),
    };
    let r = s.template.restart;
    format!(
        "{name}: {mode}, restart on {} after {} (max attempts {}), update {} at a time every {} watching {} (on failure {}, {}), rollback {} at a time watching {}",
        r.condition.as_str(),
        d(r.delay_ms),
        if r.max_attempts == 0 {
            "unlimited".to_string()
        } else {
            r.max_attempts.to_string()
        },
        s.update.parallelism,
        d(s.update.delay_ms),
        d(s.update.monitor_ms),
        s.update.failure_action.as_str(),
        s.update.order.as_str(),
        s.rollback.parallelism,
        d(s.rollback.monitor_ms),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::swarm::setup;

    fn lab() -> World {
        let mut w = World::new(3);
        setup::form(&mut w, 1, 2);
        w
    }

    fn write(w: &mut World, text: &str) {
        w.fs.write("/home/learner/app/compose.yaml", text, false)
            .unwrap();
    }

    fn run_words(w: &mut World, line: &str) -> (Result<(), DockerError>, Record) {
        let mut rec = Record::new(w.now_ms);
        let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        let r = run(w, "node-1", &args, &mut rec);
        (r, rec)
    }

    fn out(rec: &Record) -> String {
        rec.terminal_text()
    }

    const FILE: &str = "services:\n  web:\n    image: nginx:1.27\n    ports: ['8080:80']\n    deploy:\n      replicas: 2\n  db:\n    image: postgres:16\n    volumes: [db-data:/var/lib/postgresql/data]\nvolumes:\n  db-data: {}\n";

    #[test]
    fn deploy_creates_scoped_services_then_updates_them() {
        let mut w = lab();
        write(&mut w, FILE);
        let (r, rec) = run_words(&mut w, "deploy -c compose.yaml app");
        r.unwrap();
        let text = out(&rec);
        assert!(
            text.contains("Since --detach=false was not specified"),
            "{text}"
        );
        assert!(
            text.contains(
                "Creating network app_default\nCreating service app_db\nCreating service app_web"
            ),
            "{text}"
        );
        assert!(rec.narration.iter().any(|n| {
            n.contains("restart_policy.delay: the Compose reference says 0, the swarm uses 5s")
        }));
        let web = w
            .swarm
            .services
            .values()
            .find(|s| s.spec.name == "app_web")
            .unwrap();
        assert_eq!(web.spec.labels[LABEL_NAMESPACE], "app");
        let id = web.id.clone();
        // Redeploy with 3 replicas: an update of the same service, no new one.
        write(&mut w, &FILE.replace("replicas: 2", "replicas: 3"));
        let (r, rec) = run_words(&mut w, "deploy --compose-file compose.yaml -d app");
        r.unwrap();
        let text = out(&rec);
        assert!(
            text.contains(&format!("Updating service app_web (id: {id})")),
            "{text}"
        );
        assert!(!text.contains("Since --detach"));
        assert_eq!(w.swarm.services[&id].replicas(), Some(3));
        assert_eq!(w.swarm.services.len(), 2);
    }

    #[test]
    fn ls_services_ps_and_rm() {
        let mut w = lab();
        write(&mut w, FILE);
        run_words(&mut w, "deploy -c compose.yaml app").0.unwrap();
        let (_, rec) = run_words(&mut w, "ls");
        assert_eq!(out(&rec), "NAME      SERVICES\napp       2");
        let (_, rec) = run_words(&mut w, "services app");
        let text = out(&rec);
        assert!(text.starts_with("ID "), "{text}");
        assert!(
            text.contains("app_web") && text.contains("*:8080->80/tcp"),
            "{text}"
        );
        let mut rec = Record::new(0);
        crate::sim::swarm::manager::settle(&mut w, &mut rec);
        let (r, rec) = run_words(&mut w, "ps app");
        r.unwrap();
        assert!(out(&rec).contains("app_web.1"));
        let (r, rec) = run_words(&mut w, "rm app");
        r.unwrap();
        assert_eq!(
            out(&rec),
            "Removing service app_db\nRemoving service app_web\nRemoving network app_default"
        );
        assert!(w.swarm.services.is_empty());
        let (r, rec) = run_words(&mut w, "services app");
        r.unwrap();
        assert_eq!(out(&rec), "Nothing found in stack: app");
        let (r, _) = run_words(&mut w, "rm app");
        r.unwrap();
    }

    #[test]
    fn errors_in_the_clis_words() {
        let mut w = lab();
        let (r, _) = run_words(&mut w, "deploy app");
        assert_eq!(
            r.unwrap_err().message,
            "specify a Compose file (with --compose-file)"
        );
        let (r, _) = run_words(&mut w, "deploy -c nope.yaml app");
        assert_eq!(
            r.unwrap_err().message,
            "open nope.yaml: no such file or directory"
        );
        let (r, _) = run_words(&mut w, "deploy -c compose.yaml");
        let e = r.unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.exit_code),
            (
                "docker: 'docker stack deploy' requires 1 argument\n\nUsage:  docker stack deploy [OPTIONS] STACK\n\nRun 'docker stack deploy --help' for more information",
                1
            )
        );
        let (r, _) = run_words(&mut w, "deploy --bogus -c compose.yaml app");
        let e = r.unwrap_err();
        assert_eq!(e.exit_code, 125);
        assert!(e.message.starts_with("unknown flag: --bogus\n\nUsage:  docker stack deploy [OPTIONS] STACK\n\nRun 'docker stack deploy --help'"), "{}", e.message);
        let (r, _) = run_words(&mut w, "ps app");
        assert_eq!(r.unwrap_err().message, "nothing found in stack: app");
        write(&mut w, "services:\n  web:\n    build: .\n");
        let (r, rec) = run_words(&mut w, "deploy -c compose.yaml app");
        assert_eq!(
            r.unwrap_err().message,
            "invalid image reference for service web: no image specified"
        );
        assert!(out(&rec).contains("Ignoring unsupported options: build"));
        // A worker is no manager: the CLI's own check, before anything is sent.
        let mut rec = Record::new(0);
        write(&mut w, FILE);
        let args: Vec<String> = ["deploy", "-c", "compose.yaml", "app"]
            .map(String::from)
            .to_vec();
        let e = run(&mut w, "node-3", &args, &mut rec).unwrap_err();
        assert!(e.message.starts_with("this node is not a swarm manager."));
    }

    #[test]
    fn prune_removes_services_no_longer_in_the_file() {
        let mut w = lab();
        write(&mut w, FILE);
        run_words(&mut w, "deploy -c compose.yaml app").0.unwrap();
        write(&mut w, "services:\n  web:\n    image: nginx:1.27\n");
        let (r, rec) = run_words(&mut w, "deploy -c compose.yaml --prune app");
        r.unwrap();
        assert!(out(&rec).contains("Removing service app_db"));
        assert_eq!(w.swarm.services.len(), 1);
    }

    #[test]
    fn config_prints_the_file_and_narrates_effective_values() {
        let mut w = lab();
        write(&mut w, FILE);
        let (r, rec) = run_words(&mut w, "config -c compose.yaml");
        r.unwrap();
        assert!(out(&rec).contains("services:"));
        assert!(
            rec.narration
                .iter()
                .any(|n| n.contains("web: replicas 2, restart on any after 5s"))
        );
    }
}
