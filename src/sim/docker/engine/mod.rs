//! The Docker daemon on one host: containers, their processes, signals and the restart manager.
//!
//! What real Docker does, and we model: `create` freezes a configuration; `start` binds published
//! ports (failing with "port is already allocated" when another container holds one) and execs the
//! main process; the container lives exactly as long as that process. `stop` sends the stop signal
//! (SIGTERM, or the image's STOPSIGNAL), waits the grace period (10 s unless `-t`), then SIGKILLs
//! (exit 137). A manual stop cancels the restart manager; otherwise, on exit, the restart policy
//! decides, with moby's back-off (100 ms doubling to 1 min, reset after 10 s of running). Paused
//! containers are frozen: their timers wait until `unpause`, and a SIGKILL thaws them to die.
//!
//! What we simplify: one default bridge with sequential addresses; starting takes no simulated
//! time; a pull completes at once (its output is real, its duration is not simulated yet).

pub mod model;

pub use model::{
    DEFAULT_STOP_TIMEOUT_S, EPHEMERAL_PORT_START, Engine, RESTART_BACKOFF_INITIAL_MS,
    RESTART_BACKOFF_MAX_MS, RESTART_RESET_AFTER_MS,
};

use super::super::event::Event;
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::time::{self, Millis, SECOND_MS};
use super::super::world::{Waiter, World};
use super::catalogue::{self, Lookup};
use super::cli::RunOptions;
use super::container::{
    Container, ContainerConfig, ContainerState, HostConfig, LogLine, PolicyName, PortBinding,
    RestartPolicy, RestartPolicyError, Status, Stopping, Tombstone,
};
use super::error::DockerError;
use super::image::{self, ImageRef};
use super::images::{self as store, Image};
use super::process::{self, OnStop, Op};

/// A process that exits "immediately" still runs for a moment; keeping that visible makes the
/// exit its own step, after the start.
const IMMEDIATE_EXIT_MS: Millis = 5;

fn container_mut<'a>(world: &'a mut World, id: &ContainerId) -> &'a mut Container {
    world
        .engine
        .containers
        .get_mut(id)
        .expect("handlers only receive resolved container ids")
}

/// Appends a line to a container's log, and to the terminal when the shell is attached to it.
pub(crate) fn log_line(
    world: &mut World,
    id: &ContainerId,
    stderr: bool,
    text: &str,
    rec: &mut Record,
) {
    let at_ms = world.now_ms;
    let text = &stamp(text, at_ms);
    let streaming = world.shell.streams(id);
    // Compose prefixes each line with the container's name (`db-1  | `).
    let shown = match world.shell.stream_prefix(id) {
        Some(prefix) => format!("{prefix}{text}"),
        None => text.to_string(),
    };
    let c = container_mut(world, id);
    c.logs.push(LogLine {
        at_ms,
        stderr,
        text: text.to_string(),
    });
    if streaming {
        if stderr {
            rec.err(shown);
        } else {
            rec.out(shown);
        }
    }
}

/// Fills the time stamps programs put in their own log lines, in each program's format.
fn stamp(text: &str, at_ms: Millis) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s, ms) = time::civil(at_ms);
    let month = MONTHS[(mo as usize).saturating_sub(1) % 12];
    text.replace(
        "{nginx_time}",
        &format!("{y:04}/{mo:02}/{d:02} {h:02}:{mi:02}:{s:02}"),
    )
    .replace(
        "{redis_time}",
        &format!("{d:02} {month} {y} {h:02}:{mi:02}:{s:02}.{ms:03}"),
    )
    .replace("{unix_time}", &time::unix_seconds(at_ms).to_string())
    .replace(
        "{pg_time}",
        &format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{ms:03}"),
    )
    .replace(
        "{traefik_time}",
        &format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
    )
    .replace(
        "{pg_time_s}",
        &format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
    )
    .replace("{rfc3339nano_time}", &{
        // Go's RFC3339Nano drops the fraction's trailing zeros.
        let fraction = format!(".{ms:03}");
        let fraction = fraction.trim_end_matches('0').trim_end_matches('.');
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}Z")
    })
}

// ---------------------------------------------------------------------------------------------
// create / pull

/// A local image serves a reference unless the reference pins a private registry's digest
/// the local copy does not have (a swarm task of an image pushed again since).
fn local_matches(local: &Image, reference: &ImageRef) -> bool {
    match &reference.digest {
        Some(d) if super::registry::loopback(&reference.registry).is_some() => {
            local.repo_digest.as_deref() == d.strip_prefix("sha256:")
        }
        _ => true,
    }
}

/// Where a pull came from, for the narration.
fn pulled_from(reference: &ImageRef) -> String {
    if reference.registry == "docker.io" {
        "Docker Hub".to_string()
    } else {
        format!("the registry at {}", reference.registry)
    }
}

/// Makes sure the image is local, pulling it if needed; prints what `docker pull` prints to
/// `print` (stdout for `docker pull`, stderr for the pull inside `docker run`).
pub fn ensure_image(
    world: &mut World,
    reference: &ImageRef,
    rec: &mut Record,
    for_run: bool,
) -> Result<Image, DockerError> {
    let local = world.engine.images.get(&reference.full());
    if let Some(local) = local.filter(|l| local_matches(l, reference)) {
        return Ok(local.clone());
    }
    // An image ID (or a unique prefix of one) names a local image too.
    if let Some(local) = world.engine.images.find(&reference.repo)
        && reference.tag == "latest"
        && local
            .id
            .starts_with(reference.repo.trim_start_matches("sha256:"))
    {
        return Ok(local.clone());
    }
    if for_run {
        // docker run asks the daemon to create, hears "no such image", says so, then pulls.
        rec.err(format!(
            "Unable to find image '{}' locally",
            reference.full()
        ));
    }
    let image = pull(world, reference)?;
    let mut lines = vec![format!(
        "{}: Pulling from {}",
        reference.tag,
        reference.hub_path()
    )];
    let mut shared = 0;
    for (layer, _) in image.layers() {
        // Layers another local image already has are not downloaded again.
        if world.engine.images.has_layer(layer) {
            shared += 1;
            lines.push(format!("{}: Already exists", &layer[..12]));
        } else {
            lines.push(format!("{}: Pull complete", &layer[..12]));
        }
    }
    lines.push(format!(
        "Digest: sha256:{}",
        image.repo_digest.clone().unwrap_or_default()
    ));
    lines.push(format!(
        "Status: Downloaded newer image for {}",
        reference.full()
    ));
    for line in lines {
        if for_run {
            rec.err(line);
        } else {
            rec.out(line);
        }
    }
    let count = image.layers().len();
    if let Lookup::Catalogue(resolution) = catalogue::lookup(reference) {
        match resolution {
            super::catalogue::Resolution::Known(r) => {
                if let Some(note) = r.note {
                    rec.say(note);
                }
            }
            _ => rec.say(format!(
                "Dockyard does not know the image {} and is guessing its behaviour: it pulls it as a generic long-running service (the real image may do something else).",
                reference.full()
            )),
        }
    }
    super::registry::note_pull(world, reference);
    rec.say(format!(
        "{} was not on this host, so the daemon pulled it from {} ({} layer{}, {}){}.",
        reference.full(),
        pulled_from(reference),
        count,
        if count == 1 { "" } else { "s" },
        image::human_size(image.size_bytes()),
        if shared > 0 {
            format!(
                "; {shared} layer{} already existed here (shared with another image), so only the rest was downloaded",
                if shared == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    ));
    world
        .engine
        .images
        .insert(Some(&reference.full()), image.clone());
    Ok(world
        .engine
        .images
        .get(&reference.full())
        .cloned()
        .unwrap_or(image))
}

/// What the registry returns for a reference, or Docker's pull error.
pub fn pull(world: &World, reference: &ImageRef) -> Result<Image, DockerError> {
    // `127.0.0.1:5000/…`: the registry this machine reaches on its own port
    // (src/sim/docker/registry/mod.rs).
    if let Some(result) = super::registry::pull_from(world, world.here(), reference) {
        return result;
    }
    match catalogue::lookup(reference) {
        Lookup::Found(spec) => Ok(store::from_catalogue(spec, world.now_ms)),
        Lookup::Catalogue(resolution) => {
            super::catalogue::image(&resolution, reference, world.now_ms).ok_or_else(|| {
                DockerError::daemon(format!(
                    "manifest for {} not found: manifest unknown: manifest unknown",
                    reference.full()
                ))
            })
        }
        Lookup::UnknownTag => Err(DockerError::daemon(format!(
            "manifest for {} not found: manifest unknown: manifest unknown",
            reference.full()
        ))),
        Lookup::UnknownRepo => Err(DockerError::daemon(format!(
            "pull access denied for {}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
            reference.repo
        ))),
    }
}

/// Docker's random names: an adjective and a notable scientist or hacker.
fn generate_name(world: &mut World) -> String {
    const LEFT: &[&str] = &[
        "admiring",
        "brave",
        "clever",
        "dreamy",
        "eager",
        "festive",
        "gallant",
        "hopeful",
        "jolly",
        "keen",
        "loving",
        "modest",
        "nifty",
        "optimistic",
        "peaceful",
        "quirky",
        "relaxed",
        "serene",
        "tender",
        "upbeat",
        "vibrant",
        "wizardly",
        "youthful",
        "zealous",
    ];
    const RIGHT: &[&str] = &[
        "babbage",
        "curie",
        "darwin",
        "einstein",
        "feynman",
        "goldberg",
        "hopper",
        "hypatia",
        "johnson",
        "knuth",
        "lovelace",
        "lamarr",
        "meitner",
        "noether",
        "pike",
        "ritchie",
        "shannon",
        "thompson",
        "torvalds",
        "turing",
        "wozniak",
        "yalow",
        "zhukovsky",
        "wing",
    ];
    loop {
        let name = format!("{}_{}", world.rng.pick(LEFT), world.rng.pick(RIGHT));
        if world.engine.by_name(&name).is_none() {
            return name;
        }
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// `docker create` (and the first half of `docker run`). Nothing changes when it fails.
/// Long because it is the daemon's create sequence in order (name, image, platform, mounts,
/// networks, ports, config) and nothing may change until every check has passed.
pub fn create(
    world: &mut World,
    options: &RunOptions,
    rec: &mut Record,
) -> Result<ContainerId, DockerError> {
    if options.auto_remove
        && options
            .restart
            .as_deref()
            .is_some_and(|r| !r.is_empty() && r != "no")
    {
        return Err(DockerError::new(
            "conflicting options: cannot specify both --restart and --rm",
            125,
        ));
    }
    let restart_policy = match &options.restart {
        None => RestartPolicy::default(),
        Some(text) => RestartPolicy::parse(text).map_err(|e| match e {
            RestartPolicyError::Cli(m) => DockerError::new(m, 125),
            RestartPolicyError::Daemon(m) => DockerError::daemon(m),
        })?,
    };
    {
        let (_, cpus) = super::resources::machine(world);
        super::resources::check(
            options.memory_bytes.unwrap_or(0),
            options.memory_swap_bytes.unwrap_or(0),
            options.nano_cpus.unwrap_or(0),
            cpus,
        )?;
    }
    let mut port_bindings = Vec::new();
    for spec in &options.publish {
        port_bindings.push(PortBinding::parse(spec).map_err(|e| DockerError::new(e, 125))?);
    }
    for kv in &options.env {
        if kv.is_empty() || kv.starts_with('=') {
            return Err(DockerError::new(
                format!("invalid environment variable: {kv}"),
                125,
            ));
        }
    }
    if let Some(name) = &options.name {
        if !valid_name(name) {
            return Err(DockerError::daemon(format!(
                "Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
            )));
        }
        if let Some(existing) = world.engine.by_name(name) {
            return Err(DockerError::daemon(format!(
                "Conflict. The container name \"/{name}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
                existing.id
            )));
        }
    }
    // Mount errors the CLI or the daemon raise before looking up the image (no pull happens).
    super::containerfs::check_before_image(world, options)?;
    let log_config = super::disk::log_config_for_create(
        world,
        options.log_driver.as_deref(),
        &options.log_opts,
    )?;
    super::disk::refuse_when_full(world)?;
    let reference = ImageRef::parse(&options.image).map_err(|e| DockerError::new(e, 125))?;
    let spec = super::platform::ensure_image_for(
        world,
        &reference,
        rec,
        true,
        options.platform.as_deref(),
    )?;
    if spec.os != "linux" {
        return Err(DockerError::daemon(format!(
            "image operating system \"{}\" cannot be used on this platform",
            spec.os
        )));
    }

    let user = options.user.clone().unwrap_or_else(|| spec.user.clone());
    let resolved = super::users::resolve_in(&user, &spec.user).map_err(DockerError::daemon)?;
    let networks =
        super::network::endpoints_for_create(world, &options.networks, &options.network_aliases)?;
    let id = ContainerId(world.rng.hex(64));
    // Mounts, and an anonymous volume per image VOLUME (src/sim/docker/containerfs/mod.rs).
    let mut fs = super::containerfs::prepare(world, options, &spec.volumes, &spec.workdir, rec)?;
    fs.image_files = spec.files.clone();
    let name = match &options.name {
        Some(name) => name.clone(),
        None => generate_name(world),
    };
    let entrypoint = match &options.entrypoint {
        Some(e) if e.is_empty() => Vec::new(),
        Some(e) => vec![e.clone()],
        None => spec.entrypoint.iter().map(|s| s.to_string()).collect(),
    };
    // A command given on the command line replaces the image's CMD; a new entrypoint clears it.
    let cmd = if !options.cmd.is_empty() {
        options.cmd.clone()
    } else if options.entrypoint.is_some() {
        Vec::new()
    } else {
        spec.cmd.iter().map(|s| s.to_string()).collect()
    };
    let mut env: Vec<String> =
        vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()];
    env.extend(spec.env.iter().map(|s| s.to_string()));
    for kv in &options.env {
        if kv.contains('=') {
            let key = kv.split('=').next().unwrap_or_default();
            env.retain(|e| e.split('=').next() != Some(key));
            env.push(kv.clone());
        }
    }
    let number = world.engine.next_number;
    world.engine.next_number += 1;
    let container = Container {
        name: name.clone(),
        number,
        created_at: world.now_ms,
        config: ContainerConfig {
            image: options.image.clone(),
            image_id: spec.id(),
            entrypoint,
            cmd,
            env,
            exposed_ports: spec
                .exposed_ports
                .iter()
                .chain(
                    options
                        .expose
                        .iter()
                        .filter(|p| !spec.exposed_ports.contains(p)),
                )
                .copied()
                .collect(),
            tty: options.tty,
            open_stdin: options.interactive,
            stop_signal: options
                .stop_signal
                .clone()
                .unwrap_or_else(|| spec.stop_signal.to_string()),
            stop_timeout_s: options.stop_timeout_s,
            hostname: options
                .hostname
                .clone()
                .unwrap_or_else(|| id.short().to_string()),
            user,
            uid: resolved.uid,
            gid: resolved.gid,
            user_name: resolved.name.clone(),
            healthcheck: super::health::from_options(
                &options.health,
                spec.healthcheck.as_ref(),
                &spec.healthcheck_timing,
            ),
            labels: super::cli::parse_labels(&options.labels),
        },
        host_config: HostConfig {
            memory_bytes: options.memory_bytes.unwrap_or(0),
            memory_swap_bytes: options.memory_swap_bytes.unwrap_or(0),
            nano_cpus: options.nano_cpus.unwrap_or(0),
            port_bindings,
            publish_all: options.publish_all,
            restart_policy,
            auto_remove: options.auto_remove,
            log_config,
        },
        state: ContainerState {
            status: Status::Created,
            pid: 0,
            exit_code: 0,
            started_at: None,
            finished_at: None,
            oom_killed: false,
            error: String::new(),
        },
        bound_ports: Vec::new(),
        restart_count: 0,
        run: 0,
        program: None,
        listening: false,
        ip_address: None,
        networks,
        logs: Vec::new(),
        manually_stopped: false,
        backoff_ms: 0,
        stopping: None,
        frozen: Vec::new(),
        pending_signal: None,
        fs_busy: false,
        fs,
        health: None,
        memory: Default::default(),
        leak_bytes_per_s: 0,
        leak_since_ms: 0,
        id: id.clone(),
    };
    world.engine.containers.insert(id.clone(), container);
    rec.touch(&name);
    rec.say(format!(
        "Created container {name} from {}: its configuration (command, environment, ports, restart policy) is now fixed. State: created.",
        options.image
    ));
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// start and the process

/// Binds the container's published ports, or says which one is taken.
fn bind_ports(world: &mut World, id: &ContainerId) -> Result<Vec<PortBinding>, DockerError> {
    let c = &world.engine.containers[id];
    let mut wanted: Vec<PortBinding> = c.host_config.port_bindings.clone();
    if c.host_config.publish_all {
        for port in &c.config.exposed_ports {
            if !wanted.iter().any(|b| b.container_port == *port) {
                wanted.push(PortBinding {
                    host_ip: "0.0.0.0".to_string(),
                    host_port: None,
                    container_port: *port,
                    proto: super::container::Proto::Tcp,
                });
            }
        }
    }
    let taken: Vec<(String, u16, super::container::Proto)> = world
        .engine
        .containers
        .values()
        .filter(|other| other.id != *id && other.status().is_up())
        .flat_map(|other| other.bound_ports.iter())
        .filter_map(|b| b.host_port.map(|p| (b.host_ip.clone(), p, b.proto)))
        .collect();
    let overlaps = |ip: &str, port: u16, proto, bound: &[PortBinding]| {
        taken
            .iter()
            .map(|(i, p, pr)| (i.as_str(), *p, *pr))
            .chain(
                bound
                    .iter()
                    .filter_map(|b| b.host_port.map(|p| (b.host_ip.as_str(), p, b.proto))),
            )
            .any(|(i, p, pr)| {
                p == port && pr == proto && (i == ip || i == "0.0.0.0" || ip == "0.0.0.0")
            })
    };
    let mut bound: Vec<PortBinding> = Vec::new();
    let mut next_ephemeral = world.engine.next_ephemeral_port;
    for binding in wanted {
        let host_port = match binding.host_port {
            Some(port) => {
                if overlaps(&binding.host_ip, port, binding.proto, &bound) {
                    let c = &world.engine.containers[id];
                    let endpoint = image::content_digest(&format!("endpoint:{}:{}", c.id, c.run));
                    return Err(DockerError::daemon(format!(
                        "failed to set up container networking: driver failed programming external connectivity on endpoint {} ({}): Bind for {}:{} failed: port is already allocated",
                        c.name, endpoint, binding.host_ip, port
                    )));
                }
                port
            }
            None => {
                while overlaps(&binding.host_ip, next_ephemeral, binding.proto, &bound) {
                    next_ephemeral += 1;
                }
                next_ephemeral += 1;
                next_ephemeral - 1
            }
        };
        bound.push(PortBinding {
            host_port: Some(host_port),
            ..binding
        });
    }
    world.engine.next_ephemeral_port = next_ephemeral;
    Ok(bound)
}

/// `docker start`/`run`/`restart`: a start asked for by a person creates a new restart manager
/// (moby `ResetRestartManager`): the restart count goes back to 0 and a manual stop is forgotten.
pub fn start_by_user(
    world: &mut World,
    id: &ContainerId,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let c = container_mut(world, id);
    if matches!(c.status(), Status::Created | Status::Exited) {
        c.restart_count = 0;
        c.backoff_ms = 0;
        c.manually_stopped = false;
    }
    start(world, id, rec)
}

/// Starts the container's main process. On failure the state keeps the error (as `docker inspect`
/// shows it) and nothing else changes.
/// Long because it is the daemon's start sequence in order (state checks, logging, mounts,
/// networks, ports, the process), each failure recorded as `docker inspect` shows it.
pub fn start(world: &mut World, id: &ContainerId, rec: &mut Record) -> Result<(), DockerError> {
    let c = &world.engine.containers[id];
    match c.status() {
        Status::Running | Status::Restarting => return Ok(()),
        Status::Paused => {
            return Err(DockerError::daemon(
                "cannot start a paused container, try unpause instead",
            ));
        }
        Status::Dead | Status::Removing => {
            return Err(DockerError::daemon(
                "container is marked for removal and cannot be started",
            ));
        }
        Status::Created | Status::Exited => {}
    }
    super::disk::check_start(world, id).map_err(|e| e.keeping_state())?;
    let c = &world.engine.containers[id];
    let argv = c.config.argv();
    let published: Vec<u16> = c
        .host_config
        .port_bindings
        .iter()
        .map(|p| p.container_port)
        .chain(c.config.exposed_ports.iter().copied())
        .collect();
    // A built image that names its base (the OCI label `org.opencontainers.image.base.name`,
    // which "Your file"'s generic builds write): what the build installed is unknown here, so a
    // program the base image does not carry runs as a generic service rather than failing.
    let base = world
        .engine
        .images
        .find(&c.config.image)
        .and_then(|i| {
            i.config
                .labels
                .iter()
                .find(|(k, _)| k == super::catalogue::BASE_NAME_LABEL)
        })
        .map(|(_, v)| v.clone());
    let catalogued = || match &base {
        Some(base) => super::catalogue::built_on(base, &argv, &c.config.env, &published),
        None => super::catalogue::program(&c.config.image, &argv, &c.config.env, &published),
    };
    // A `sh -c '…'` command line whose script runs a program the process model does not know
    // (`cloudflared proxy-dns …`): the image's own program, if the catalogue knows the image.
    let script_runs_unknown = super::catalogue::shell_script_words(&argv)
        .is_some_and(|words| process::program_for(&words[..1], &c.config.env, false).is_err());
    // Traefik's image: its program reads its static configuration (flags or traefik.yml).
    let traefik = crate::sim::traefik::program::for_container(world, id);
    let is_traefik = traefik.is_some();
    // The shop's API: `node server.js` whose code is the shop's (src/sim/docker/shop.rs).
    let shop = super::shop::program_for(world, id).map(|p| (p, None));
    let preferred = if traefik.is_some() {
        traefik
    } else if shop.is_some() {
        shop
    } else if script_runs_unknown {
        catalogued()
    } else {
        None
    };
    let program = match preferred.map(Ok).unwrap_or_else(|| {
        process::program_for(&argv, &c.config.env, c.config.open_stdin)
            .map(|p| (p, None))
            .or_else(|e| catalogued().ok_or(e))
    }) {
        Ok((program, note)) => {
            if let Some(note) = note {
                rec.say(note);
            }
            program
        }
        Err(e) => {
            let message = format!(
                "failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"{}\": executable file not found in $PATH: unknown",
                e.executable
            );
            let c = container_mut(world, id);
            c.state.error = message.clone();
            c.state.exit_code = 127;
            rec.touch(c.name.clone());
            rec.say(format!(
                "The runtime could not exec \"{}\" inside the image: there is no such program, so the container never ran (exit code 127).",
                e.executable
            ));
            return Err(
                DockerError::new(format!("Error response from daemon: {message}"), 127)
                    .keeping_state(),
            );
        }
    };
    let bound = match bind_ports(world, id) {
        Ok(bound) => bound,
        Err(e) => {
            let c = container_mut(world, id);
            c.state.error = e
                .message
                .trim_start_matches("Error response from daemon: ")
                .to_string();
            if c.state.exit_code == 0 {
                c.state.exit_code = 128;
            }
            rec.touch(c.name.clone());
            rec.say(format!(
                "{} could not start: another running container already publishes that host port. Only one process can listen on a host port.",
                c.name
            ));
            return Err(e.keeping_state());
        }
    };
    let ip = match super::network::attach_on_start(world, id) {
        Ok(ip) => ip,
        Err(e) => {
            let c = container_mut(world, id);
            c.state.error = e
                .message
                .trim_start_matches("Error response from daemon: ")
                .to_string();
            return Err(e.keeping_state());
        }
    };
    let pid = world.engine.next_pid;
    world.engine.next_pid += world.rng.between(1, 40) as u32;
    let now = world.now_ms;
    let c = container_mut(world, id);
    c.run += 1;
    c.state.status = Status::Running;
    c.state.pid = pid;
    c.state.exit_code = 0;
    c.state.error.clear();
    c.state.oom_killed = false;
    c.state.started_at = Some(now);
    c.bound_ports = bound;
    c.ip_address = ip;
    c.program = Some(program);
    c.listening = false;
    c.stopping = None;
    c.frozen.clear();
    let name = c.name.clone();
    let program_name = c
        .program
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let ports: Vec<String> = c
        .bound_ports
        .iter()
        .map(|b| {
            format!(
                "{}:{}->{}",
                b.host_ip,
                b.host_port.unwrap_or(0),
                b.container_port
            )
        })
        .collect();
    rec.touch(&name);
    rec.say(format!(
        "{name} is running: its main process `{program_name}` is PID 1 inside the container. The container lives exactly as long as this process."
    ));
    if !ports.is_empty() {
        rec.say(format!(
            "Published ports bound on the host: {}.",
            ports.join(", ")
        ));
    }
    super::health::on_start(world, id);
    if world
        .engine
        .containers
        .get(id)
        .is_some_and(|c| c.leak_bytes_per_s > 0)
    {
        super::resources::schedule(world);
    }
    if let Some(h) = world.engine.containers[id]
        .config
        .healthcheck
        .as_ref()
        .filter(|h| !h.disabled())
    {
        rec.say(format!(
            "{name} has a healthcheck: its health is `starting` until a probe passes; the first probe runs in {}.",
            time::human_duration(if h.start_period() > 0 { h.start_interval() } else { h.interval() })
        ));
    }
    run_ops(world, id, 0, rec, true);
    if is_traefik && world.engine.containers[id].listening {
        crate::sim::traefik::program::register(world, id);
    }
    Ok(())
}

/// Runs the program from instruction `pc` until it sleeps, serves, waits or exits.
/// Long because it is the process model's interpreter: one arm per program instruction.
fn run_ops(world: &mut World, id: &ContainerId, mut pc: usize, rec: &mut Record, at_start: bool) {
    let mut budget = 1000;
    loop {
        let c = &world.engine.containers[id];
        let run = c.run;
        let Some(op) = c.program.as_ref().and_then(|p| p.ops.get(pc)).cloned() else {
            return;
        };
        budget -= 1;
        if budget == 0 {
            // A loop without a sleep: real shells spin the CPU; we let simulated time move on.
            world.schedule_in(
                SECOND_MS,
                Event::Process {
                    container: id.clone(),
                    run,
                    pc,
                },
            );
            return;
        }
        match op {
            Op::Stdout(text) => log_line(world, id, false, &text, rec),
            Op::Stderr(text) => log_line(world, id, true, &text, rec),
            Op::Sleep(ms) => {
                world.schedule_in(
                    ms,
                    Event::Process {
                        container: id.clone(),
                        run,
                        pc: pc + 1,
                    },
                );
                return;
            }
            Op::Exit(code) => {
                if at_start {
                    world.schedule_in(
                        IMMEDIATE_EXIT_MS,
                        Event::Process {
                            container: id.clone(),
                            run,
                            pc,
                        },
                    );
                } else {
                    let why = format!("its main process (PID 1) exited with code {code}");
                    exited(world, id, code, &why, rec);
                }
                return;
            }
            Op::Serve => {
                let c = container_mut(world, id);
                c.listening = true;
                crate::sim::backup::sample(world, id);
                let (lines, failed) = super::redis::on_ready(world, id);
                for line in lines {
                    log_line(world, id, false, &line, rec);
                }
                if let Some(code) = failed {
                    container_mut(world, id).listening = false;
                    let why = format!("its main process (PID 1) exited with code {code}");
                    exited(world, id, code, &why, rec);
                    return;
                }
                let c = container_mut(world, id);
                if let Some(serves) = c.program.as_ref().and_then(|p| p.serves.as_ref()) {
                    let port = serves.port;
                    rec.say(format!(
                        "{} now listens on port {port} inside the container.",
                        c.name
                    ));
                }
                return;
            }
            Op::WaitForInput => return,
            Op::Jump(target) => {
                pc = target;
                continue;
            }
            Op::WriteFile { path, node } => {
                // A failed write (a read-only mount) is the program's problem, not the daemon's.
                if let Ok(t) = super::containerfs::write(world, id, &path, node, false, true) {
                    rec.touch(super::postgres::touched_key(&t));
                }
            }
            Op::Cat { path } => {
                let (lines, ok) = super::execfs::cat_for_process(world, id, &path);
                for (stderr, line) in lines {
                    log_line(world, id, stderr, &line, rec);
                }
                if !ok {
                    pc += 2;
                    continue;
                }
            }
            Op::Shell { argv } => {
                let (lines, code, bytes) = super::execfs::run_for_process(world, id, &argv, rec);
                // What it prints appears as it finishes, followed by its exit with its status,
                // once its bytes are moved.
                if let Some(p) = container_mut(world, id).program.as_mut() {
                    p.ops.truncate(pc + 1);
                    p.ops.extend(lines.into_iter().map(|(stderr, line)| {
                        if stderr {
                            Op::Stderr(line)
                        } else {
                            Op::Stdout(line)
                        }
                    }));
                    p.ops.push(Op::Exit(code));
                }
                let took_ms = super::archiving::duration_ms(bytes);
                crate::sim::backup::restore_takes(world, took_ms);
                world.schedule_in(
                    took_ms,
                    Event::Process {
                        container: id.clone(),
                        run,
                        pc: pc + 1,
                    },
                );
                return;
            }
            Op::Tool { argv } => {
                let (lines, _code, bytes) = super::execfs::run_for_process(world, id, &argv, rec);
                for (stderr, line) in lines {
                    log_line(world, id, stderr, &line, rec);
                }
                world.schedule_in(
                    super::archiving::duration_ms(bytes),
                    Event::Process {
                        container: id.clone(),
                        run,
                        pc: pc + 1,
                    },
                );
                return;
            }
            Op::Connect {
                host,
                port,
                on_fail,
                fatal,
            } => {
                if let Err(lines) = super::apps::on_connect(world, id, &host, port, fatal, rec) {
                    for line in lines {
                        log_line(world, id, true, &line, rec);
                    }
                    pc = on_fail;
                    continue;
                }
            }
            Op::Shop { step, on_fail } => {
                let (ok, lines) = super::shop::on_step(world, id, &step, rec);
                for (stderr, line) in lines {
                    log_line(world, id, stderr, &line, rec);
                }
                if !ok {
                    pc = on_fail;
                    continue;
                }
            }
            Op::IfExists { path, pc: target } => {
                if super::containerfs::exists(world, id, &path) {
                    pc = target;
                    continue;
                }
            }
        }
        pc += 1;
    }
}

pub fn on_process(
    world: &mut World,
    id: &ContainerId,
    run: u32,
    pc: usize,
    rec: &mut Record,
) -> bool {
    let Some(c) = world.engine.containers.get(id) else {
        return false;
    };
    if c.run != run || !c.status().is_up() {
        return false;
    }
    let name = c.name.clone();
    rec.title = format!("{name}: process continues");
    rec.touch(&name);
    if c.status() == Status::Paused {
        container_mut(world, id).frozen.push(pc);
        rec.title = format!("{name}: frozen");
        rec.say(format!(
            "{name}'s process would continue now, but the container is paused: the cgroup freezer holds every process until `docker unpause`."
        ));
        return true;
    }
    let logged_before = c.logs.len();
    run_ops(world, id, pc, rec, false);
    // Name the step after what the process did: its first new log line, unless it exited.
    if rec.title.ends_with("process continues")
        && let Some(line) = world
            .engine
            .containers
            .get(id)
            .and_then(|c| c.logs.get(logged_before))
    {
        let text: String = line.text.chars().take(60).collect();
        let more = if line.text.chars().count() > 60 {
            "…"
        } else {
            ""
        };
        rec.title = format!("{name} writes \"{text}{more}\"");
        rec.say(format!(
            "{name}'s main process writes to its stdout/stderr; the json-file log driver keeps every line for `docker logs`."
        ));
    }
    true
}

// ---------------------------------------------------------------------------------------------
// exit, restart policy, removal

/// The main process has ended: the container exits with its code, then the restart policy or
/// `--rm` decides what happens next.
/// Long because the exit, `--rm`, the restart policy and its back-off are one decision the daemon
/// makes in that order.
fn exited(world: &mut World, id: &ContainerId, exit_code: i32, why: &str, rec: &mut Record) {
    let now = world.now_ms;
    let c = container_mut(world, id);
    let ran_for_ms = now.saturating_sub(c.state.started_at.unwrap_or(now));
    c.state.status = Status::Exited;
    c.state.exit_code = exit_code;
    c.state.pid = 0;
    c.state.finished_at = Some(now);
    c.program = None;
    c.listening = false;
    c.stopping = None;
    c.frozen.clear();
    c.pending_signal = None;
    // What the process held in memory is gone with it.
    c.memory.clear();
    c.ip_address = None;
    super::network::release(c);
    // A tmpfs is unmounted with the container: its files are gone.
    c.fs.clear_tmpfs();
    let name = c.name.clone();
    let manually_stopped = c.manually_stopped;
    let policy = c.host_config.restart_policy;
    let auto_remove = c.host_config.auto_remove;
    let restart_count = c.restart_count;
    rec.touch(&name);
    if rec.title.is_empty() || rec.title.ends_with("process continues") {
        rec.title = format!("{name} exited ({exit_code})");
    }
    rec.say(format!("{name} exited with code {exit_code}: {why}."));
    let run = c.run;
    world.agenda.cancel(|e| {
        e.container() == Some(id)
            && matches!(
                e,
                Event::Process { .. } | Event::GracefulExit { .. } | Event::StopTimeout { .. }
            )
    });

    // The prompt of a command waiting on this container returns.
    let mut restart_after: Option<String> = None;
    let waiting = std::mem::take(&mut world.shell.waiting);
    for waiter in waiting {
        match waiter {
            Waiter::Stop { container, print } if &container == id => rec.out(print),
            Waiter::Restart { container, print } if &container == id => {
                restart_after = Some(print);
            }
            Waiter::Attached { container } | Waiter::Follow { container } if &container == id => {}
            other => world.shell.waiting.push(other),
        }
    }
    if let Some(print) = restart_after {
        match start(world, id, rec) {
            Ok(()) => {
                rec.out(print);
                rec.say(format!(
                    "`docker restart` started {name} again with the same, frozen configuration."
                ));
            }
            Err(e) => rec.err(e.message),
        }
        return;
    }

    // moby restartmanager.ShouldRestart
    let c = container_mut(world, id);
    if ran_for_ms >= RESTART_RESET_AFTER_MS {
        c.backoff_ms = 0;
    }
    c.backoff_ms = if c.backoff_ms == 0 {
        RESTART_BACKOFF_INITIAL_MS
    } else {
        (c.backoff_ms * 2).min(RESTART_BACKOFF_MAX_MS)
    };
    let (restart, reason) = if manually_stopped {
        (
            false,
            format!(
                "it was stopped by hand, which cancels the restart policy ({})",
                policy.as_str()
            ),
        )
    } else {
        match policy.name {
            PolicyName::No => (
                false,
                "its restart policy is `no` (the default)".to_string(),
            ),
            PolicyName::Always => (true, "restart policy `always`".to_string()),
            PolicyName::UnlessStopped => (
                true,
                "restart policy `unless-stopped` and it was not stopped by hand".to_string(),
            ),
            PolicyName::OnFailure => {
                let max = policy.maximum_retry_count;
                if max != 0 && restart_count >= max {
                    (
                        false,
                        format!(
                            "`on-failure:{max}` allows {max} restarts and it has used them all"
                        ),
                    )
                } else if exit_code == 0 {
                    (
                        false,
                        "`on-failure` restarts only after a non-zero exit code, and this one was 0"
                            .to_string(),
                    )
                } else {
                    (
                        true,
                        format!(
                            "restart policy `on-failure` and exit code {exit_code} is a failure"
                        ),
                    )
                }
            }
        }
    };
    if restart {
        c.state.status = Status::Restarting;
        c.restart_count += 1;
        let delay_ms = c.backoff_ms;
        rec.say(format!(
            "The daemon will restart it in {} ({reason}); the back-off doubles after each quick crash, up to 1 min, and resets once a run lasts 10 s.",
            time::short_duration(delay_ms)
        ));
        world.schedule_in(
            delay_ms,
            Event::RestartDue {
                container: id.clone(),
                run,
            },
        );
        return;
    }
    if policy.name != PolicyName::No || manually_stopped {
        rec.say(format!("It stays stopped: {reason}."));
    }
    if auto_remove {
        rec.say(format!(
            "--rm: the daemon removes {name} now that it has exited."
        ));
        // --rm also removes the container's anonymous volumes (moby daemon autoRemove).
        let anonymous = super::volume::anonymous_of(&world.engine.containers[id]);
        if let Err(e) = remove(world, id, rec) {
            rec.say(format!("--rm could not remove it: {}", e.message));
        } else {
            super::volume::remove_released(world, &anonymous, rec);
        }
    }
}

pub fn on_restart_due(world: &mut World, id: &ContainerId, run: u32, rec: &mut Record) -> bool {
    let Some(c) = world.engine.containers.get(id) else {
        return false;
    };
    if c.run != run || c.status() != Status::Restarting {
        return false;
    }
    let name = c.name.clone();
    let count = c.restart_count;
    rec.title = format!("{name} restarts (#{count})");
    rec.say(format!(
        "The restart manager's back-off is over: restarting {name} (restart count {count})."
    ));
    // The restart manager starts the same container; on failure it stays exited with the error.
    container_mut(world, id).state.status = Status::Exited;
    if let Err(e) = start(world, id, rec) {
        rec.say(format!("The restart failed: {}", e.message));
    }
    true
}

/// Removes a container (its writable layer goes with it). A busy filesystem leaves it `dead`.
fn remove(world: &mut World, id: &ContainerId, rec: &mut Record) -> Result<(), DockerError> {
    let c = container_mut(world, id);
    if c.fs_busy {
        c.fs_busy = false;
        c.state.status = Status::Dead;
        let name = c.name.clone();
        let message = format!(
            "unable to remove filesystem for {}: unlinkat /var/lib/docker/containers/{}/mounts/shm: device or resource busy",
            c.id, c.id
        );
        c.state.error = message.clone();
        rec.touch(&name);
        rec.say(format!(
            "Removal failed half-way: another process held {name}'s filesystem busy. The daemon marks it `dead`; a second `docker rm` cleans it up."
        ));
        return Err(DockerError::daemon(message).keeping_state());
    }
    let name = c.name.clone();
    let now = world.now_ms;
    world.engine.containers.remove(id);
    world.engine.removed.push(Tombstone {
        id: id.clone(),
        name: name.clone(),
        removed_at: now,
    });
    world.agenda.cancel(|e| e.container() == Some(id));
    world.shell.waiting.retain(|w| w.container() != Some(id));
    rec.touch(&name);
    rec.say(format!("{name} is removed, and its writable layer with it: anything it wrote outside a volume is gone."));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// stop / kill / pause

/// Signal names and numbers `docker kill -s` accepts.
pub fn parse_signal(text: &str) -> Option<(&'static str, i32)> {
    const SIGNALS: &[(&str, i32)] = &[
        ("SIGHUP", 1),
        ("SIGINT", 2),
        ("SIGQUIT", 3),
        ("SIGKILL", 9),
        ("SIGUSR1", 10),
        ("SIGUSR2", 12),
        ("SIGTERM", 15),
    ];
    let upper = text.to_ascii_uppercase();
    let with_prefix = if upper.starts_with("SIG") {
        upper.clone()
    } else {
        format!("SIG{upper}")
    };
    SIGNALS
        .iter()
        .find(|(name, number)| *name == with_prefix || upper == number.to_string())
        .map(|(name, number)| (*name, *number))
}

/// Sends a catchable signal to PID 1 and narrates what the program does with it.
fn deliver_stop_signal(world: &mut World, id: &ContainerId, signal: &str, rec: &mut Record) {
    let c = &world.engine.containers[id];
    let name = c.name.clone();
    let run = c.run;
    let on_stop = c
        .program
        .as_ref()
        .map(|p| p.on_stop.clone())
        .unwrap_or(OnStop::Ignore);
    match on_stop {
        OnStop::Ignore => {
            rec.say(format!(
                "{signal} sent to PID 1 of {name}. Its program installs no handler for it, and the kernel does not apply default actions to PID 1, so the signal is ignored."
            ));
        }
        OnStop::Exit {
            after_ms,
            exit_code,
            lines,
            stderr,
        } => {
            rec.say(format!(
                "{signal} sent to PID 1 of {name}: the program handles it and shuts down cleanly (exit {exit_code})."
            ));
            if let Some(first) = lines.first() {
                log_line(world, id, stderr, first, rec);
            }
            world.schedule_in(
                after_ms,
                Event::GracefulExit {
                    container: id.clone(),
                    run,
                    exit_code,
                },
            );
            let rest: Vec<String> = lines.iter().skip(1).cloned().collect();
            // The rest of the shutdown lines are written when it exits.
            if let Some(p) = container_mut(world, id).program.as_mut() {
                p.ops = rest
                    .into_iter()
                    .map(|line| {
                        if stderr {
                            Op::Stderr(line)
                        } else {
                            Op::Stdout(line)
                        }
                    })
                    .collect();
            }
        }
    }
}

pub fn on_graceful_exit(
    world: &mut World,
    id: &ContainerId,
    run: u32,
    exit_code: i32,
    rec: &mut Record,
) -> bool {
    let Some(c) = world.engine.containers.get(id) else {
        return false;
    };
    if c.run != run || !c.status().is_up() {
        return false;
    }
    let lines: Vec<(bool, String)> = c
        .program
        .as_ref()
        .map(|p| {
            p.ops
                .iter()
                .filter_map(|op| match op {
                    Op::Stderr(t) => Some((true, t.clone())),
                    Op::Stdout(t) => Some((false, t.clone())),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    for (stderr, line) in lines {
        log_line(world, id, stderr, &line, rec);
    }
    // A clean shutdown tidies its files (PostgreSQL's postmaster.pid).
    super::postgres::on_clean_exit(world, id);
    super::redis::on_clean_exit(world, id);
    exited(
        world,
        id,
        exit_code,
        "its main process handled the stop signal and shut down",
        rec,
    );
    true
}

/// `docker stop`: the stop signal, then SIGKILL after the grace period.
pub fn stop(
    world: &mut World,
    id: &ContainerId,
    time_s: Option<u32>,
    signal: Option<&str>,
    print: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let now = world.now_ms;
    let c = container_mut(world, id);
    let name = c.name.clone();
    rec.touch(&name);
    match c.status() {
        Status::Created | Status::Exited | Status::Dead | Status::Removing => {
            rec.out(print);
            rec.say(format!(
                "{name} is not running; `docker stop` has nothing to do."
            ));
            return Ok(());
        }
        Status::Restarting => {
            c.manually_stopped = true;
            c.state.status = Status::Exited;
            world
                .agenda
                .cancel(|e| e.container() == Some(id) && matches!(e, Event::RestartDue { .. }));
            rec.out(print);
            rec.say(format!("{name} was waiting to restart; `docker stop` cancels the restart and leaves it exited."));
            return Ok(());
        }
        Status::Running | Status::Paused => {}
    }
    let signal = match signal {
        Some(s) => parse_signal(s)
            .map(|(n, _)| n.to_string())
            .ok_or_else(|| DockerError::daemon(format!("Invalid signal: {s}")))?,
        None => c.config.stop_signal.clone(),
    };
    let grace_s = time_s
        .or(c.config.stop_timeout_s)
        .unwrap_or(DEFAULT_STOP_TIMEOUT_S);
    let paused = c.status() == Status::Paused;
    c.manually_stopped = true;
    c.stopping = Some(Stopping {
        signal: signal.clone(),
        kill_at_ms: now + u64::from(grace_s) * SECOND_MS,
    });
    let run = c.run;
    world.shell.waiting.push(Waiter::Stop {
        container: id.clone(),
        print: print.to_string(),
    });
    rec.say(format!(
        "`docker stop` asks {name} to stop: {signal} now, SIGKILL in {grace_s} s if it is still running (the grace period{}).",
        if time_s.is_some() { ", set by -t" } else { ", 10 s by default" }
    ));
    if paused {
        // moby killWithSignal: the stop signal is queued, then the daemon unpauses the container so
        // that it is delivered.
        rec.say(format!("{name} is paused: the daemon sends {signal}, then unpauses it so the signal can be delivered."));
        thaw(world, id);
    }
    deliver_stop_signal(world, id, &signal, rec);
    world.schedule_in(
        u64::from(grace_s) * SECOND_MS,
        Event::StopTimeout {
            container: id.clone(),
            run,
        },
    );
    Ok(())
}

pub fn on_stop_timeout(world: &mut World, id: &ContainerId, run: u32, rec: &mut Record) -> bool {
    let Some(c) = world.engine.containers.get(id) else {
        return false;
    };
    if c.run != run || !c.status().is_up() {
        return false;
    }
    let name = c.name.clone();
    rec.title = format!("{name}: grace period over, SIGKILL");
    rec.say(format!(
        "The grace period is over and {name} is still running, so the daemon sends SIGKILL, which no process can catch or ignore."
    ));
    sigkill(
        world,
        id,
        rec,
        "SIGKILL after the stop grace period (128 + 9 = 137)",
    );
    true
}

fn sigkill(world: &mut World, id: &ContainerId, rec: &mut Record, why: &str) {
    if world.engine.containers[id].status() == Status::Paused {
        rec.say("The container was paused; the daemon thaws it so the SIGKILL can take effect.");
    }
    exited(world, id, 137, why, rec);
}

/// `docker kill [-s SIGNAL]`.
pub fn kill(
    world: &mut World,
    id: &ContainerId,
    signal: &str,
    print: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let Some((signal, number)) = parse_signal(signal) else {
        return Err(DockerError::daemon(format!(
            "cannot kill container: {print}: invalid signal: {signal}"
        )));
    };
    let c = container_mut(world, id);
    let name = c.name.clone();
    if !c.status().is_up() {
        return Err(DockerError::daemon(format!(
            "cannot kill container: {print}: container {} is not running",
            c.id
        )));
    }
    rec.touch(&name);
    if number == 9 || signal == c.config.stop_signal {
        // moby: killing with SIGKILL or the stop signal cancels the restart manager.
        c.manually_stopped = true;
    }
    let stop_signal = signal == c.config.stop_signal;
    rec.out(print);
    if number == 9 {
        rec.say(format!("SIGKILL to {name}: the kernel ends the process at once; the exit code is 128 + 9 = 137."));
        sigkill(world, id, rec, "killed by SIGKILL (128 + 9 = 137)");
    } else if c.status() == Status::Paused && !stop_signal {
        c.pending_signal = Some(signal.to_string());
        rec.say(format!("{signal} is pending: {name} is paused, so its processes cannot receive it until unpaused."));
    } else {
        if c.status() == Status::Paused {
            rec.say(format!("{signal} is {name}'s stop signal: the daemon unpauses it so the signal is delivered."));
            thaw(world, id);
        }
        deliver_stop_signal(world, id, signal, rec);
    }
    Ok(())
}

pub fn pause(
    world: &mut World,
    id: &ContainerId,
    print: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let c = container_mut(world, id);
    match c.status() {
        Status::Running => {}
        Status::Paused => {
            return Err(DockerError::daemon(format!(
                "Container {} is already paused",
                c.id
            )));
        }
        Status::Restarting => {
            return Err(DockerError::restarting(&c.id.0));
        }
        _ => {
            return Err(DockerError::not_running(&c.id.0));
        }
    }
    c.state.status = Status::Paused;
    let name = c.name.clone();
    rec.touch(&name);
    rec.out(print);
    rec.say(format!(
        "{name} is paused: the cgroup freezer stops its processes where they are. It keeps its memory and ports, but answers nothing until unpaused."
    ));
    Ok(())
}

/// Resumes a paused container's processes: timers that came due while frozen run now.
fn thaw(world: &mut World, id: &ContainerId) {
    let c = container_mut(world, id);
    c.state.status = Status::Running;
    let run = c.run;
    let frozen = std::mem::take(&mut c.frozen);
    for pc in frozen {
        world.schedule_in(
            0,
            Event::Process {
                container: id.clone(),
                run,
                pc,
            },
        );
    }
}

pub fn unpause(
    world: &mut World,
    id: &ContainerId,
    print: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let c = container_mut(world, id);
    if c.status() != Status::Paused {
        return Err(DockerError::daemon(format!(
            "Container {} is not paused",
            c.id
        )));
    }
    let name = c.name.clone();
    let pending_signal = c.pending_signal.take();
    rec.touch(&name);
    rec.out(print);
    rec.say(format!(
        "{name} is thawed and runs again from where it stood."
    ));
    thaw(world, id);
    if let Some(signal) = pending_signal {
        deliver_stop_signal(world, id, &signal, rec);
    }
    Ok(())
}

/// `docker rm [-f] [-v]`.
pub fn rm(
    world: &mut World,
    id: &ContainerId,
    force: bool,
    volumes: bool,
    print: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let c = &world.engine.containers[id];
    let status = c.status();
    if matches!(
        status,
        Status::Running | Status::Paused | Status::Restarting
    ) {
        if !force {
            if status == Status::Paused {
                return Err(DockerError::daemon(format!(
                    "cannot remove container \"{print}\": container is paused and must be unpaused first"
                )));
            }
            let state = status.as_str();
            return Err(DockerError::daemon(format!(
                "cannot remove container \"{print}\": container is {state}: stop the container before removing or force remove"
            )));
        }
        let name = c.name.clone();
        container_mut(world, id).manually_stopped = true;
        rec.say(format!(
            "-f: the daemon kills {name} (SIGKILL) before removing it."
        ));
        if status.is_up() {
            sigkill(world, id, rec, "killed by `docker rm -f`");
        } else {
            container_mut(world, id).state.status = Status::Exited;
        }
        // --rm may already have removed it.
        if !world.engine.containers.contains_key(id) {
            rec.out(print);
            return Ok(());
        }
    }
    let anonymous = super::volume::anonymous_of(&world.engine.containers[id]);
    remove(world, id, rec)?;
    if volumes {
        super::volume::remove_released(world, &anonymous, rec);
    } else if !anonymous.is_empty() {
        rec.say(format!(
            "Its anonymous volume{} stay{} behind, unused: `docker rm -v` would have removed {}, `docker volume prune` still can.",
            if anonymous.len() == 1 { "" } else { "s" },
            if anonymous.len() == 1 { "s" } else { "" },
            if anonymous.len() == 1 { "it" } else { "them" },
        ));
    }
    rec.out(print);
    Ok(())
}

/// Faults.
pub fn crash(
    world: &mut World,
    id: &ContainerId,
    exit_code: i32,
    oom: bool,
    rec: &mut Record,
) -> Result<(), String> {
    let c = container_mut(world, id);
    if !c.status().is_up() {
        return Err(format!("{} is not running", c.name));
    }
    c.state.oom_killed = oom;
    let name = c.name.clone();
    rec.title = if oom {
        format!("{name}: OOM-killed")
    } else {
        format!("{name}: crashed")
    };
    let why = if oom {
        "the kernel's OOM killer ended it for lack of memory (SIGKILL: 137)".to_string()
    } else if exit_code > 128 {
        format!(
            "it died on signal {} ({} + {} = {exit_code})",
            exit_code - 128,
            128,
            exit_code - 128
        )
    } else {
        format!("it crashed with exit code {exit_code}")
    };
    let oom_flag = oom;
    exited(world, id, exit_code, &why, rec);
    if let Some(c) = world.engine.containers.get_mut(id) {
        c.state.oom_killed = oom_flag;
    }
    Ok(())
}

/// The host reboots: every process dies, then the daemon starts again and applies each policy.
pub fn reboot(world: &mut World, rec: &mut Record) {
    rec.title = "host reboot".to_string();
    rec.say("The host reboots. Every container's processes die with it; no grace period, no stop signal.");
    restart_everything(world, rec, true);
}

/// Every container's process dies (a reboot, the daemon stopping); with `come_back` the daemon
/// then starts again and applies each restart policy (src/sim/docker/disk/mod.rs restarts dockerd).
pub fn restart_everything(world: &mut World, rec: &mut Record, come_back: bool) {
    let ids: Vec<ContainerId> = world.engine.containers.keys().cloned().collect();
    world.shell.waiting.retain(|w| matches!(w, Waiter::Sleep));
    for id in &ids {
        world.agenda.cancel(|e| e.container() == Some(id));
        let now = world.now_ms;
        let c = container_mut(world, id);
        if c.status().is_up() || c.status() == Status::Restarting {
            if c.status() != Status::Restarting {
                c.state.exit_code = 255;
            }
            c.state.status = Status::Exited;
            c.state.pid = 0;
            c.state.finished_at = Some(now);
            c.program = None;
            c.listening = false;
            c.stopping = None;
            c.frozen.clear();
            c.ip_address = None;
            super::network::release(c);
            c.bound_ports.clear();
            c.fs.clear_tmpfs();
        }
    }
    if !come_back {
        return;
    }
    rec.say("The daemon starts again and looks at each container's restart policy:");
    for id in ids {
        let c = &world.engine.containers[&id];
        let name = c.name.clone();
        let policy = c.host_config.restart_policy;
        let was_running = c.state.exit_code == 255 || c.status() == Status::Restarting;
        let come_back = match policy.name {
            PolicyName::Always => true,
            PolicyName::UnlessStopped => !c.manually_stopped,
            PolicyName::OnFailure => c.state.exit_code != 0 && !c.manually_stopped,
            PolicyName::No => false,
        };
        let why = match (policy.name, come_back) {
            (PolicyName::Always, _) => "`always` comes back even if it had been stopped by hand",
            (PolicyName::UnlessStopped, true) => {
                "`unless-stopped` comes back: it was not stopped by hand"
            }
            (PolicyName::UnlessStopped, false) => {
                "`unless-stopped` stays down: it was stopped by hand"
            }
            (PolicyName::OnFailure, true) => "`on-failure` comes back: it did not exit cleanly",
            (PolicyName::OnFailure, false) => {
                "`on-failure` stays down: it had exited cleanly or was stopped by hand"
            }
            (PolicyName::No, _) => "policy `no` never comes back",
        };
        if !was_running && policy.name == PolicyName::No {
            continue;
        }
        rec.say(format!("  {name}: {why}."));
        rec.touch(&name);
        if come_back {
            container_mut(world, &id).manually_stopped = false;
            if let Err(e) = start(world, &id, rec) {
                rec.say(format!("  {name} failed to start: {}", e.message));
            }
        }
    }
}

/// Advances a running container's program past a request: access logs for HTTP servers.
pub fn record_request(world: &mut World, id: &ContainerId, path: &str, rec: &mut Record) {
    let at = world.now_ms;
    let line = format!(
        "172.17.0.1 - - [{}] \"GET {path} HTTP/1.1\" 200 615 \"-\" \"curl/8.5.0\" \"-\"",
        clf_time(at)
    );
    log_line(world, id, false, &line, rec);
}

/// nginx's common log format time: `05/Jan/2026:09:00:12 +0000`.
pub(crate) fn clf_time(at_ms: Millis) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s, _) = time::civil(at_ms);
    let month = MONTHS[(mo as usize).saturating_sub(1) % 12];
    format!("{d:02}/{month}/{y:04}:{h:02}:{mi:02}:{s:02} +0000")
}
