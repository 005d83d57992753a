//! From a Compose service to what the Docker API is asked to create.
//!
//! Real Compose (docker/compose `pkg/compose/create.go`) turns each service into a container
//! create request: name `<project>-<service>-<n>` (or `container_name`), the labels it later uses
//! to find its containers (`com.docker.compose.project`, `.service`, `.container-number`,
//! `.oneoff`, `.config-hash`, …), ports, mounts with named volumes prefixed `<project>_`, every
//! network of the service with the service name as a DNS alias, the healthcheck, restart
//! policy and stop grace period. The `config-hash` (a SHA-256 of the service's normalised
//! config) is how `up` decides whether a container must be recreated.
//!
//! We build the same request as this simulation's `RunOptions` (the `docker run` flags), so a
//! Compose container is exactly a container the engine already knows how to run. Simplified:
//! the hash is a 64-bit FNV-1a of the normalised service (not SHA-256), aliases of every network
//! are given to every endpoint, `user`/`working_dir` are kept in the model but not applied.

use super::super::cli::RunOptions;
use super::super::health::HealthOptions;
use super::model::{Healthcheck, Project, Service};
use super::yaml::{Node, Value};
use crate::sim::World;
use std::collections::BTreeMap;

pub const PROJECT_LABEL: &str = "com.docker.compose.project";
pub const SERVICE_LABEL: &str = "com.docker.compose.service";
pub const NUMBER_LABEL: &str = "com.docker.compose.container-number";
pub const ONEOFF_LABEL: &str = "com.docker.compose.oneoff";
pub const HASH_LABEL: &str = "com.docker.compose.config-hash";
pub const WORKING_DIR_LABEL: &str = "com.docker.compose.project.working_dir";
pub const CONFIG_FILES_LABEL: &str = "com.docker.compose.project.config_files";
pub const DEPENDS_ON_LABEL: &str = "com.docker.compose.depends_on";
pub const IMAGE_LABEL: &str = "com.docker.compose.image";
pub const VERSION_LABEL: &str = "com.docker.compose.version";
pub const NETWORK_LABEL: &str = "com.docker.compose.network";
pub const VOLUME_LABEL: &str = "com.docker.compose.volume";
/// The Compose release whose behaviour and wording we follow.
pub const COMPOSE_VERSION: &str = "2.31.0";

/// The engine-side name of a top-level network or volume: its `name:`, the key itself when
/// `external: true`, else `<project>_<key>` (compose-go `loader/normalize.go`).
pub fn resource_name(project: &str, key: &str, def: Option<&Node>) -> String {
    if let Some(name) = def.and_then(|d| d.get("name")).and_then(Node::scalar_text) {
        return name;
    }
    if def.is_some_and(is_external) {
        return key.to_string();
    }
    format!("{project}_{key}")
}

pub fn is_external(def: &Node) -> bool {
    def.get("external")
        .is_some_and(|e| e.value == Value::Bool(true))
}

pub fn is_internal(def: Option<&Node>) -> bool {
    def.and_then(|d| d.get("internal"))
        .is_some_and(|e| e.value == Value::Bool(true))
}

/// The image a service runs: `image:`, else the one `build:` makes, `<project>-<service>`.
pub fn image_name(project: &str, service: &str, s: &Service) -> String {
    match &s.image {
        Some(i) => i.clone(),
        None => format!("{project}-{service}"),
    }
}

/// The container's name for replica `number`.
pub fn container_name(project: &str, service: &str, s: &Service, number: u32) -> String {
    match &s.container_name {
        Some(n) => n.clone(),
        None => format!("{project}-{service}-{number}"),
    }
}

/// FNV-1a over the service as `config` prints it: changes when (and only when) its config
/// changes, not when it moves in the file. Like Compose's `ServiceHash` (pkg/compose/hash.go), it
/// leaves out what does not make a container different: `build`, `pull_policy`, `scale`,
/// `deploy.replicas`, `depends_on` and `profiles` (editing only `depends_on` says `Running`).
pub fn config_hash(s: &Service) -> String {
    let mut s = s.clone();
    s.build = None;
    s.depends_on.clear();
    for key in ["pull_policy", "scale", "profiles"] {
        s.extra.remove(key);
    }
    if let Some(deploy) = s.extra.get_mut("deploy")
        && let super::yaml::Value::Map(entries) = &mut deploy.value
    {
        entries.retain(
            |(k, _)| !matches!(&k.value, super::yaml::Value::Str(key) if key == "replicas"),
        );
    }
    let text = super::config::render_service(&s);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Go duration (`5s`, `1m30s`) → ms; compose-go has validated it already.
fn duration_ms(text: &Option<String>) -> u64 {
    text.as_deref()
        .and_then(super::super::health::parse_duration_ms)
        .unwrap_or(0)
}

fn health_options(h: &Healthcheck) -> HealthOptions {
    let test = if h.disable {
        Some(vec!["NONE".to_string()])
    } else if h.test.is_empty() {
        None
    } else {
        Some(h.test.clone())
    };
    HealthOptions {
        cmd: None,
        test,
        interval_ms: duration_ms(&h.interval),
        timeout_ms: duration_ms(&h.timeout),
        start_period_ms: duration_ms(&h.start_period),
        start_interval_ms: duration_ms(&h.start_interval),
        retries: h.retries.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
        no_healthcheck: false,
    }
}

/// Reads `env_file:` entries (relative to the project folder), as Compose does before `up`.
fn env_files(world: &World, p: &Project, s: &Service) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for file in &s.env_file {
        let path = crate::sim::hostfs::normalise(&p.project_dir, file);
        let text = world.fs.read(&path).map_err(|_| {
            format!("env file {path} not found: stat {path}: no such file or directory")
        })?;
        for (k, v) in super::interpolate::parse_env_file(text) {
            out.push(format!("{k}={v}"));
        }
    }
    Ok(out)
}

/// The create request for one container of `service`.
/// Long because it maps every supported service key onto the create request, one field at a time,
/// as compose-go's `getCreateConfigs` does.
pub fn run_options(
    world: &World,
    p: &Project,
    file: &str,
    service: &str,
    s: &Service,
    number: u32,
    image_id: &str,
) -> Result<RunOptions, String> {
    let mut env = env_files(world, p, s)?;
    for (k, v) in &s.environment {
        // `environment: [FOO]` with no value takes it from the shell, which has none here.
        if let Some(v) = v {
            env.retain(|e| e.split('=').next() != Some(k.as_str()));
            env.push(format!("{k}={v}"));
        }
    }
    let mut publish = Vec::new();
    for port in &s.ports {
        let host = match (&port.host_ip, &port.published) {
            (Some(ip), Some(p)) => format!("{ip}:{p}:"),
            (Some(ip), None) => format!("{ip}::"),
            (None, Some(p)) => format!("{p}:"),
            (None, None) => String::new(),
        };
        publish.push(format!("{host}{}/{}", port.target, port.protocol));
    }
    let mut volumes = Vec::new();
    let mut tmpfs = Vec::new();
    for m in &s.volumes {
        let mode = if m.read_only { ":ro" } else { "" };
        match (m.kind.as_str(), &m.source) {
            ("tmpfs", _) => tmpfs.push(m.target.clone()),
            ("volume", Some(src)) => {
                let name = resource_name(&p.name, src, p.volumes.get(src));
                volumes.push(format!("{name}:{}{mode}", m.target));
            }
            ("volume", None) => volumes.push(m.target.clone()),
            (_, Some(src)) => volumes.push(format!("{src}:{}{mode}", m.target)),
            (_, None) => {}
        }
    }
    let networks = s
        .networks
        .keys()
        .map(|k| {
            resource_name(
                &p.name,
                k,
                p.networks.get(k).filter(|n| n.value != Value::Null),
            )
        })
        .collect();
    let (entrypoint, mut cmd) = match &s.entrypoint {
        Some(e) if !e.is_empty() => (Some(e[0].clone()), e[1..].to_vec()),
        Some(_) => (Some(String::new()), Vec::new()),
        None => (None, Vec::new()),
    };
    if let Some(c) = &s.command {
        cmd.extend(c.iter().cloned());
    }
    let mut labels: BTreeMap<String, String> = s.labels.clone();
    for (k, v) in [
        (PROJECT_LABEL, p.name.clone()),
        (SERVICE_LABEL, service.to_string()),
        (NUMBER_LABEL, number.to_string()),
        (ONEOFF_LABEL, "False".to_string()),
        (HASH_LABEL, config_hash(s)),
        (WORKING_DIR_LABEL, p.project_dir.clone()),
        (CONFIG_FILES_LABEL, file.to_string()),
        (
            IMAGE_LABEL,
            format!("sha256:{}", image_id.trim_start_matches("sha256:")),
        ),
        (VERSION_LABEL, COMPOSE_VERSION.to_string()),
        (
            DEPENDS_ON_LABEL,
            s.depends_on
                .iter()
                .map(|(d, dep)| format!("{d}:{}:{}", dep.condition, dep.restart.unwrap_or(false)))
                .collect::<Vec<_>>()
                .join(","),
        ),
    ] {
        labels.insert(k.to_string(), v);
    }
    let mut expose = Vec::new();
    for e in &s.expose {
        if let Ok(ports) = super::super::netcmd::parse_expose(std::slice::from_ref(e)) {
            expose.extend(ports);
        }
    }
    Ok(RunOptions {
        detach: true,
        name: Some(container_name(&p.name, service, s, number)),
        publish,
        env,
        restart: s.restart.clone(),
        entrypoint,
        stop_timeout_s: s
            .stop_grace_period
            .as_ref()
            .map(|_| (duration_ms(&s.stop_grace_period) / 1000) as u32),
        stop_signal: s.stop_signal.clone(),
        volumes,
        tmpfs,
        networks,
        expose,
        health: s
            .healthcheck
            .as_ref()
            .map(health_options)
            .unwrap_or_default(),
        labels: labels
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect(),
        // `logging: {driver, options}` → `--log-driver`/`--log-opt` (src/sim/docker/disk/mod.rs).
        log_driver: s.logging_driver.clone(),
        log_opts: s
            .logging_options
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect(),
        image: image_name(&p.name, service, s),
        cmd,
        memory_bytes: resource(s, "mem_limit", "memory")
            .and_then(|v| crate::sim::flags::memory_bytes(&v).ok()),
        memory_swap_bytes: resource(s, "memswap_limit", "")
            .and_then(|v| crate::sim::flags::memory_bytes(&v).ok())
            .map(|b| b as i64),
        nano_cpus: resource(s, "cpus", "cpus").and_then(|v| crate::sim::flags::nano_cpus(&v).ok()),
        ..RunOptions::default()
    })
}

/// A service's resource limit: its own key (`mem_limit`, `cpus`), else
/// `deploy.resources.limits.<limit>`, which `docker compose up` applies too.
fn resource(s: &Service, key: &str, limit: &str) -> Option<String> {
    let own = s.extra.get(key).and_then(super::yaml::Node::scalar_text);
    own.or_else(|| {
        if limit.is_empty() {
            return None;
        }
        s.extra
            .get("deploy")?
            .get("resources")?
            .get("limits")?
            .get(limit)?
            .scalar_text()
    })
}

/// Services in the order Compose starts them: dependencies first (compose `graph.go`
/// `InDependencyOrder`), ties by name.
pub fn start_order(p: &Project, only: &[String], with_deps: bool) -> Vec<String> {
    let mut wanted: Vec<String> = if only.is_empty() {
        p.services.keys().cloned().collect()
    } else {
        only.to_vec()
    };
    if with_deps {
        let mut i = 0;
        while i < wanted.len() {
            if let Some(s) = p.services.get(&wanted[i]) {
                for dep in s.depends_on.keys() {
                    if !wanted.contains(dep) && p.services.contains_key(dep) {
                        wanted.push(dep.clone());
                    }
                }
            }
            i += 1;
        }
    }
    let mut order: Vec<String> = Vec::new();
    // compose-go rejected cycles at load, so this terminates; the bound is for safety.
    for _ in 0..=wanted.len() {
        for name in &wanted {
            if order.contains(name) {
                continue;
            }
            let ready = p.services.get(name).is_none_or(|s| {
                s.depends_on
                    .keys()
                    .all(|d| order.contains(d) || !wanted.contains(d))
            });
            if ready {
                order.push(name.clone());
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::docker::compose::model;

    fn project(text: &str) -> Project {
        let doc = super::super::yaml::parse(text).unwrap();
        model::build(&doc, "app", "/home/learner/app").unwrap()
    }

    #[test]
    fn dependencies_start_first() {
        let p = project(
            "services:\n  web: {image: nginx, depends_on: [api]}\n  api: {image: node, depends_on: [db, cache]}\n  db: {image: postgres}\n  cache: {image: redis}\n",
        );
        assert_eq!(start_order(&p, &[], true), ["cache", "db", "api", "web"]);
        assert_eq!(
            start_order(&p, &["api".into()], true),
            ["cache", "db", "api"]
        );
        assert_eq!(start_order(&p, &["api".into()], false), ["api"]);
    }

    #[test]
    fn the_create_request() {
        let p = project(
            "services:\n  db:\n    image: postgres:16\n    environment: {POSTGRES_PASSWORD: secret}\n    volumes: ['db-data:/var/lib/postgresql/data', './init:/docker-entrypoint-initdb.d:ro']\n    ports: ['5432:5432']\n    restart: unless-stopped\n    healthcheck: {test: ['CMD', 'pg_isready'], interval: 5s, retries: 5}\nvolumes:\n  db-data:\n",
        );
        let world = World::new(1);
        let o = run_options(
            &world,
            &p,
            "/home/learner/app/compose.yaml",
            "db",
            &p.services["db"],
            1,
            "abc",
        )
        .unwrap();
        assert_eq!(o.name.as_deref(), Some("app-db-1"));
        assert_eq!(o.networks, ["app_default"]);
        assert_eq!(
            o.volumes,
            [
                "app_db-data:/var/lib/postgresql/data",
                "/home/learner/app/init:/docker-entrypoint-initdb.d:ro"
            ]
        );
        assert_eq!(o.publish, ["5432:5432/tcp"]);
        assert_eq!(o.restart.as_deref(), Some("unless-stopped"));
        assert_eq!(o.health.test, Some(vec!["CMD".into(), "pg_isready".into()]));
        assert_eq!(o.health.interval_ms, 5000);
        assert_eq!(o.health.retries, 5);
        assert!(
            o.labels
                .contains(&"com.docker.compose.project=app".to_string())
        );
        assert!(
            o.labels
                .contains(&"com.docker.compose.service=db".to_string())
        );
    }

    #[test]
    fn the_hash_follows_the_config() {
        let hash = |text: &str| config_hash(&project(text).services["web"]);
        let a = hash("services:\n  web: {image: nginx, environment: {A: '1'}}\n");
        let b = hash("services:\n  web: {image: nginx, environment: {A: '2'}}\n");
        assert_ne!(a, b);
        // Key order and position in the file do not count, kept-but-not-simulated keys do.
        let c = hash("services:\n  web: {environment: {A: '1'}, image: nginx}\n");
        assert_eq!(a, c);
        let d = hash(
            "x-note: moved\nservices:\n\n  web: {environment: {A: '1'}, image: nginx, cap_add: [NET_ADMIN]}\n",
        );
        let e =
            hash("services:\n  web: {image: nginx, cap_add: [NET_ADMIN], environment: {A: '1'}}\n");
        assert_eq!(d, e);
        assert_ne!(a, d);
    }

    /// docker/compose pkg/compose/hash.go ServiceHash: Build, PullPolicy, Scale,
    /// Deploy.Replicas, DependsOn and Profiles are cleared before hashing.
    #[test]
    fn the_hash_leaves_out_what_compose_leaves_out() {
        let hash = |text: &str| config_hash(&project(text).services["web"]);
        let base = hash("services:\n  web: {image: nginx}\n  db: {image: redis}\n");
        for edit in [
            "depends_on: [db]",
            "pull_policy: always",
            "scale: 2",
            "profiles: [dev]",
            "build: ./web",
        ] {
            let text =
                format!("services:\n  web: {{image: nginx, {edit}}}\n  db: {{image: redis}}\n");
            assert_eq!(hash(&text), base, "{edit}");
        }
        // Only the replica count is cleared: `deploy: {}` is still a deploy section (in Compose
        // too, where Deploy stays non-nil), so compare two counts.
        let two = hash("services:\n  web: {image: nginx, deploy: {replicas: 2}}\n");
        let three = hash("services:\n  web: {image: nginx, deploy: {replicas: 3}}\n");
        assert_eq!(two, three);
        let limits = hash(
            "services:\n  web: {image: nginx, deploy: {replicas: 3, resources: {limits: {cpus: '0.5'}}}}\n  db: {image: redis}\n",
        );
        assert_ne!(limits, base, "deploy.resources counts");
        assert_ne!(
            hash("services:\n  web: {image: nginx, user: '1000'}\n  db: {image: redis}\n"),
            base
        );
    }
}
