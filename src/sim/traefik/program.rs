//! The program of the `traefik` image: what happens when its container starts.
//!
//! Real `traefik:v3.x`: the image's `/entrypoint.sh` runs `traefik "$@"` when the first argument
//! is a flag (or `traefik`). Traefik reads its static configuration once (a `traefik.yml` named by
//! `--configFile` or found in `/etc/traefik/`, else the flags), and either stops with
//! `command traefik error: …` and exit code 1 (an unknown key, a v2 option removed in v3) or
//! starts its entrypoints and providers and serves until signalled. A `traefik:v2.x` image still
//! accepts `--providers.docker.swarmMode=true`, which v3 refuses: a stack pinned to `latest`
//! that was written for v2 crashes in a loop after `latest` moves to v3. At the default log
//! level (ERROR) a healthy start prints nothing.
//!
//! Here: [`for_container`] builds the program (its log lines, then serve, or exit 1) from the
//! container's command line and files, and [`register`] records the running process in
//! `world.traefik` once it serves. A v2 image's `providers.docker.swarmMode` is read as v3's
//! swarm provider (with `swarmModeRefreshSeconds` as `refreshSeconds`). What we simplify: the
//! INFO start lines are two, not Traefik's dozen; TOML and `TRAEFIK_*` variables are not read.

use super::acme::AcmeStore;
use super::model::{Instance, ProviderView};
use super::static_config::{self, CONFIG_FILE_NAMES, LogLevel, StartError, StaticConfig};
use crate::sim::World;
use crate::sim::docker::catalogue::{self, Resolution};
use crate::sim::docker::containerfs;
use crate::sim::docker::process::model::{OnStop, Op, Program, Serves};
use crate::sim::docker::reference::parse_normalized_named;
use crate::sim::ids::ContainerId;

/// Whether an image reference names Traefik's image.
pub fn is_traefik(image: &str) -> bool {
    parse_normalized_named(image).is_ok_and(|r| r.is_official() && r.path == "library/traefik")
}

/// The image's version family (`3.7`), from the catalogue's tag grammar.
pub fn version(image: &str) -> Option<String> {
    let reference = crate::sim::docker::image::ImageRef::parse(image).ok()?;
    match catalogue::resolve(&reference) {
        Resolution::Known(r) => r.family,
        _ => None,
    }
}

/// The image's version family and major version (`3.7`, 3); an unknown tag counts as 3.7.
fn version_and_major(image: &str) -> (String, u32) {
    let version = version(image).unwrap_or_else(|| "3.7".into());
    let major = version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(3);
    (version, major)
}

/// Traefik's arguments: the command line without the entrypoint script and `traefik` itself.
/// `None` when the command runs another program.
fn traefik_args(argv: &[String]) -> Option<Vec<String>> {
    let mut rest: &[String] = argv;
    if rest
        .first()
        .is_some_and(|a| a == "/entrypoint.sh" || a == "entrypoint.sh")
    {
        rest = &rest[1..];
    }
    match rest.first().map(String::as_str) {
        None => Some(Vec::new()),
        Some(first) if first.starts_with('-') => Some(rest.to_vec()),
        Some(first) if first.rsplit('/').next() == Some("traefik") => Some(rest[1..].to_vec()),
        Some(_) => None,
    }
}

/// v2's flags as v3 reads them: `providers.docker.swarmMode=true` becomes the swarm provider.
fn v2_flags(args: &[String]) -> Vec<String> {
    let key_of = |arg: &str| {
        arg.trim_start_matches('-')
            .split('=')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let swarm_mode = args.iter().any(|a| {
        key_of(a) == "providers.docker.swarmmode"
            && a.split_once('=')
                .is_none_or(|(_, v)| static_config::go_bool(v).unwrap_or(false))
    });
    args.iter()
        .filter(|a| key_of(a) != "providers.docker.swarmmode")
        .map(|a| {
            let key = key_of(a);
            if swarm_mode && key == "providers.docker.swarmmoderefreshseconds" {
                let value = a.split_once('=').map(|(_, v)| v).unwrap_or("15");
                return format!("--providers.swarm.refreshSeconds={value}");
            }
            if swarm_mode && (key == "providers.docker" || key.starts_with("providers.docker.")) {
                let tail = &a.trim_start_matches('-')["providers.docker".len()..];
                return format!("--providers.swarm{tail}");
            }
            a.clone()
        })
        .collect()
}

/// The static configuration of the container's Traefik: from the file it finds, else its flags.
fn load(
    world: &World,
    id: &ContainerId,
    args: &[String],
    major: u32,
) -> Result<StaticConfig, StartError> {
    let file = static_config::config_file_flag(args)
        .map(|path| vec![path])
        .unwrap_or_else(|| {
            CONFIG_FILE_NAMES
                .iter()
                .map(|name| format!("/etc/traefik/{name}"))
                .collect()
        });
    let text = file
        .iter()
        .find_map(|path| containerfs::read(world, id, path).ok());
    if major < 3 && text.is_none() {
        return static_config::from_flags(&v2_flags(args));
    }
    static_config::load(args, text.as_deref())
}

/// The program of a container whose image is Traefik, with a note for the narration; `None`
/// for any other image or a command line that runs another program.
pub fn for_container(world: &World, id: &ContainerId) -> Option<(Program, Option<String>)> {
    let c = world.engine.containers.get(id)?;
    if !is_traefik(&c.config.image) {
        return None;
    }
    let args = traefik_args(&c.config.argv())?;
    let (version, major) = version_and_major(&c.config.image);
    let stop = OnStop::Exit {
        after_ms: 200,
        exit_code: 0,
        lines: Vec::new(),
        stderr: false,
    };
    match load(world, id, &args, major) {
        Err(e) => {
            let mut ops: Vec<Op> = e
                .log
                .iter()
                .map(|l| Op::Stdout(format!("{{traefik_time}} ERR {l}")))
                .collect();
            ops.push(Op::Stderr(e.message.clone()));
            ops.push(Op::Exit(e.exit_code()));
            let note = format!(
                "Traefik {version} refuses its static configuration (`{}`) and exits {}: with a restart policy the container restarts into the same error, again and again.",
                e.message,
                e.exit_code()
            );
            Some((
                Program {
                    name: "traefik".into(),
                    ops,
                    on_stop: stop,
                    serves: None,
                },
                Some(note),
            ))
        }
        Ok(config) => {
            let mut ops = Vec::new();
            if config.log_level <= LogLevel::Info {
                ops.push(Op::Stdout(format!(
                    "{{traefik_time}} INF Traefik version {version}.0 built on 2026-01-05T00:00:00Z version={version}.0"
                )));
                for provider in [
                    config.docker.as_ref().map(|_| "*docker.Provider"),
                    config.swarm.as_ref().map(|_| "*docker.SwarmProvider"),
                    config.file.as_ref().map(|_| "*file.Provider"),
                ]
                .into_iter()
                .flatten()
                {
                    ops.push(Op::Stdout(format!(
                        "{{traefik_time}} INF Starting provider {provider}"
                    )));
                }
            }
            for warning in &config.warnings {
                ops.push(Op::Stdout(format!("{{traefik_time}} WRN {warning}")));
            }
            ops.push(Op::Serve);
            let port = config
                .entry_points
                .iter()
                .find_map(|e| e.port())
                .unwrap_or(80);
            Some((
                Program {
                    name: "traefik".into(),
                    ops,
                    on_stop: stop,
                    serves: Some(Serves {
                        port,
                        body: "404 page not found\n".into(),
                        http: true,
                        failing_paths: Vec::new(),
                    }),
                },
                None,
            ))
        }
    }
}

/// The Docker API error of a provider whose endpoint is not reachable from the Traefik
/// container: a unix socket that is not mounted into it. `None`: the socket is there.
pub fn socket_error(world: &World, instance: &Instance, endpoint: &str) -> Option<String> {
    let mounted = world.engine_of(&instance.host).is_some_and(|e| {
        e.containers
            .get(&instance.container)
            .is_some_and(|c| socket_in(c, endpoint))
    });
    (!mounted).then(|| no_daemon(endpoint))
}

/// Whether a unix socket endpoint (`unix:///var/run/docker.sock`) is mounted into the container.
fn socket_in(c: &crate::sim::docker::container::Container, endpoint: &str) -> bool {
    let Some(path) = endpoint.strip_prefix("unix://") else {
        // tcp:// endpoints (a socket proxy) are taken as reachable.
        return true;
    };
    c.fs.mounts
        .iter()
        .any(|m| m.target == path && (m.source == path || m.source.ends_with("docker.sock")))
}

/// The Docker API error a client without the socket gets.
pub fn no_daemon(endpoint: &str) -> String {
    format!("Cannot connect to the Docker daemon at {endpoint}. Is the docker daemon running?")
}

/// The daemon's refusal of swarm API calls on a worker.
pub const NOT_A_MANAGER: &str = "Error response from daemon: This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";

/// Records the Traefik of container `id` (on the mounted engine) as running, now that its
/// program serves. Reads its acme.json files.
pub fn register(world: &mut World, id: &ContainerId) {
    let Some(c) = world.engine.containers.get(id) else {
        return;
    };
    let Some(args) = traefik_args(&c.config.argv()) else {
        return;
    };
    let (version, major) = version_and_major(&c.config.image);
    let Ok(config) = load(world, id, &args, major) else {
        return;
    };
    let host = world.here().to_string();
    let docker = config.docker.as_ref().map(|_| ProviderView::default());
    let mut acme_store = AcmeStore::default();
    let mut dropped = Vec::new();
    let mut warnings = Vec::new();
    for resolver in &config.resolvers {
        let path = if resolver.storage.starts_with('/') {
            resolver.storage.clone()
        } else {
            format!("/{}", resolver.storage)
        };
        let existing = match containerfs::get(world, id, &path) {
            Some(containerfs::model::Node::File { content }) => Some(content),
            Some(containerfs::model::Node::Dir) => Some(String::new()),
            _ => None,
        };
        let mode = host_mode(world, id, &path).unwrap_or(super::acme::STORE_MODE);
        let stored = existing.as_deref().map(super::store::from_json);
        match super::acme::open_store(&path, stored.as_ref().map(|s| (mode, s))) {
            Ok((mut store, _)) => {
                if let Some(mut r) = store.resolvers.remove(&resolver.name) {
                    if let Some(line) = r.reset_if_other_ca(&resolver.ca_server) {
                        warnings.push(format!("{line} providerName={}.acme", resolver.name));
                    }
                    acme_store.resolvers.insert(resolver.name.clone(), r);
                }
            }
            Err(line) => dropped.push(format!("{line} providerName={}.acme", resolver.name)),
        }
    }
    let now = world.now_ms;
    let lines: Vec<String> = dropped
        .iter()
        .chain(&warnings)
        .filter(|l| config.log_level.shows(l))
        .cloned()
        .collect();
    let c = &world.engine.containers[id];
    let instance = Instance {
        host: host.clone(),
        container: id.clone(),
        name: c.name.clone(),
        run: c.run,
        started_ms: world.now_ms,
        version,
        swarm_seen: config.swarm.as_ref().map(|_| ProviderView::default()),
        config,
        docker,
        swarm_pending: Vec::new(),
        file: None,
        poll_scheduled: false,
        acme_attempted: Default::default(),
        acme_due_ms: None,
        acme_pending: Vec::new(),
        requests: 0,
        rr: Default::default(),
        buckets: Default::default(),
        acme: Some(acme_store),
        dropped_resolvers: dropped,
    };
    world.traefik.instances.insert((host, id.clone()), instance);
    let mut quiet = crate::sim::Record::new(now);
    for line in lines {
        crate::sim::docker::engine::log_line(
            world,
            id,
            false,
            &format!("{{traefik_time}} {line}"),
            &mut quiet,
        );
    }
}

/// The permission bits of the host file behind `path` when a bind mount provides it.
fn host_mode(world: &World, id: &ContainerId, path: &str) -> Option<u32> {
    let c = world.engine.containers.get(id)?;
    let mount =
        c.fs.mounts
            .iter()
            .filter(|m| m.kind == crate::sim::docker::mount::MountKind::Bind)
            .filter(|m| path == m.target || path.starts_with(&format!("{}/", m.target)))
            .max_by_key(|m| m.target.len())?;
    let host_path = format!("{}{}", mount.source, &path[mount.target.len()..]);
    world.fs.mode(&host_path)
}
