//! The Compose project after loading: what `docker compose config` prints and `up` will run.
//!
//! compose-go loads a file in stages: YAML → interpolation → schema validation → typed model with
//! short forms expanded (ports, volumes, depends_on, environment, build, command) → defaults
//! (project name, `default` network `<project>_default`, named volumes `<project>_<name>`) →
//! consistency checks (undefined networks/volumes/secrets/configs/services, dependency cycles).
//! We keep the same order and wording. Keys the schema allows but Dockyard does not simulate
//! (`cap_add`, `privileged`, `deploy`, …) are kept as data (`extra`) so `config` still prints them;
//! the loader lists them so the narration can say they are not simulated.

use super::yaml::{Node, Value};
use crate::sim::order::CollectOrdered;
use std::collections::BTreeMap;

/// compose-go `errdefs.ErrInvalid`.
pub const INVALID: &str = "invalid compose project";

#[derive(Clone, PartialEq, Debug, Default)]
pub struct Project {
    pub name: String,
    /// The folder the file is in (`/home/learner/app`): relative paths are resolved from it.
    pub project_dir: String,
    pub services: BTreeMap<String, Service>,
    pub networks: BTreeMap<String, Node>,
    pub volumes: BTreeMap<String, Node>,
    pub secrets: BTreeMap<String, Node>,
    pub configs: BTreeMap<String, Node>,
    /// `services.web.cap_add`-style paths of keys that are kept but not simulated.
    pub not_simulated: Vec<String>,
}

#[derive(Clone, PartialEq, Debug, Default)]
pub struct Port {
    pub host_ip: Option<String>,
    pub target: u32,
    pub published: Option<String>,
    pub protocol: String,
    pub mode: String,
}

#[derive(Clone, PartialEq, Debug, Default)]
pub struct Mount {
    /// `bind`, `volume` or `tmpfs`.
    pub kind: String,
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Dependency {
    pub condition: String,
    pub required: bool,
    pub restart: Option<bool>,
}

#[derive(Clone, PartialEq, Debug, Default)]
pub struct Build {
    pub context: String,
    pub dockerfile: String,
    pub target: Option<String>,
    pub args: BTreeMap<String, Option<String>>,
}

#[derive(Clone, PartialEq, Debug, Default)]
pub struct Healthcheck {
    pub test: Vec<String>,
    pub interval: Option<String>,
    pub timeout: Option<String>,
    pub retries: Option<i64>,
    pub start_period: Option<String>,
    pub start_interval: Option<String>,
    pub disable: bool,
}

#[derive(Clone, PartialEq, Debug, Default)]
pub struct Service {
    pub image: Option<String>,
    pub build: Option<Build>,
    pub command: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub environment: BTreeMap<String, Option<String>>,
    pub env_file: Vec<String>,
    pub ports: Vec<Port>,
    pub expose: Vec<String>,
    pub volumes: Vec<Mount>,
    /// Network name → aliases.
    pub networks: BTreeMap<String, Vec<String>>,
    pub depends_on: BTreeMap<String, Dependency>,
    pub healthcheck: Option<Healthcheck>,
    pub restart: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub logging_driver: Option<String>,
    pub logging_options: BTreeMap<String, String>,
    pub user: Option<String>,
    pub working_dir: Option<String>,
    pub stop_grace_period: Option<String>,
    /// `stop_signal`: the signal `docker compose stop` sends instead of the image's.
    pub stop_signal: Option<String>,
    pub container_name: Option<String>,
    pub secrets: Vec<String>,
    pub configs: Vec<String>,
    /// Schema-valid keys the simulation does not model (`deploy`, `cap_add`, …), kept as data.
    pub extra: BTreeMap<String, Node>,
}

fn text(node: &Node) -> String {
    node.scalar_text().unwrap_or_default()
}

fn seq(node: &Node) -> &[Node] {
    match &node.value {
        Value::Seq(items) => items,
        _ => &[],
    }
}

fn entries(node: &Node) -> &[(Node, Node)] {
    match &node.value {
        Value::Map(e) => e,
        _ => &[],
    }
}

/// `command`/`entrypoint`: a list as is, a string split as a shell would (compose-go uses
/// shellwords).
fn string_or_list(node: &Node) -> Result<Vec<String>, String> {
    match &node.value {
        Value::Seq(items) => Ok(items.iter().map(text).collect()),
        Value::Null => Ok(Vec::new()),
        _ => shell_words::split(&text(node)).map_err(|_| "invalid command line string".into()),
    }
}

/// `environment`, `labels`, `build.args`: a mapping or a `KEY=VALUE` list.
fn list_or_dict(node: &Node) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    match &node.value {
        Value::Map(e) => {
            for (k, v) in e {
                let value = match v.value {
                    Value::Null => None,
                    _ => Some(text(v)),
                };
                out.insert(k.as_key(), value);
            }
        }
        Value::Seq(items) => {
            for item in items {
                let t = text(item);
                match t.split_once('=') {
                    Some((k, v)) => out.insert(k.to_string(), Some(v.to_string())),
                    None => out.insert(t, None),
                };
            }
        }
        _ => {}
    }
    out
}

fn parse_port_number(s: &str, what: &str) -> Result<Vec<u32>, String> {
    let bad = || format!("Invalid {what}: {s}");
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: u32 = a.parse().map_err(|_| bad())?;
    let b: u32 = b.parse().map_err(|_| bad())?;
    if a > 65535 || b > 65535 || b < a {
        return Err(bad());
    }
    Ok((a..=b).collect())
}

/// The short syntax `[HOST_IP:][HOST:]CONTAINER[/PROTOCOL]` (docker/go-connections
/// nat.ParsePortSpec, whose error words these are).
pub fn parse_port_short(spec: &str) -> Result<Vec<Port>, String> {
    let (rest, protocol) = spec.rsplit_once('/').unwrap_or((spec, "tcp"));
    let parts: Vec<&str> = rest.rsplitn(3, ':').collect();
    let (host_ip, host, container) = match parts.as_slice() {
        [c] => (None, None, *c),
        [c, h] => (None, Some(*h), *c),
        [c, h, ip] => (Some(ip.trim_matches(['[', ']']).to_string()), Some(*h), *c),
        _ => return Err(format!("Invalid port specification: \"{spec}\"")),
    };
    let targets = parse_port_number(container, "containerPort")?;
    let published: Vec<Option<String>> = match host {
        None | Some("") => vec![None; targets.len()],
        Some(h) => {
            let hosts = parse_port_number(h, "hostPort")?;
            if hosts.len() == targets.len() {
                hosts.into_iter().map(|p| Some(p.to_string())).collect()
            } else if targets.len() == 1 {
                // A host range for one container port: Docker picks one of them.
                vec![Some(h.to_string())]
            } else {
                return Err(format!(
                    "Invalid ranges specified for container and host Ports: {container} and {h}"
                ));
            }
        }
    };
    Ok(targets
        .into_iter()
        .zip(published)
        .map(|(target, published)| Port {
            host_ip: host_ip.clone(),
            target,
            published,
            protocol: protocol.to_string(),
            mode: "ingress".into(),
        })
        .collect())
}

fn is_path(source: &str) -> bool {
    source.starts_with('.') || source.starts_with('/') || source.starts_with('~')
}

fn absolute(project_dir: &str, path: &str) -> String {
    if let Some(rest) = path.strip_prefix("~") {
        return format!("/home/learner{rest}");
    }
    crate::sim::hostfs::normalise(project_dir, path)
}

/// The short syntax `[SOURCE:]TARGET[:MODE]`.
pub fn parse_volume_short(spec: &str, project_dir: &str) -> Result<Mount, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [t] => (None, *t, None),
        [s, t] => (Some(*s), *t, None),
        [s, t, m] => (Some(*s), *t, Some(*m)),
        _ => return Err(format!("invalid spec: {spec}: too many colons")),
    };
    if target.is_empty() || source == Some("") {
        return Err(format!(
            "invalid spec: {spec}: empty section between colons"
        ));
    }
    let read_only = mode.is_some_and(|m| m.split(',').any(|o| o == "ro"));
    Ok(match source {
        None => Mount {
            kind: "volume".into(),
            source: None,
            target: target.into(),
            read_only,
        },
        Some(s) if is_path(s) => Mount {
            kind: "bind".into(),
            source: Some(absolute(project_dir, s)),
            target: target.into(),
            read_only,
        },
        Some(s) => Mount {
            kind: "volume".into(),
            source: Some(s.into()),
            target: target.into(),
            read_only,
        },
    })
}

/// Keys of a service that the model reads; every other schema-valid key goes to `extra`.
const MODELLED: &[&str] = &[
    "image",
    "build",
    "command",
    "entrypoint",
    "environment",
    "env_file",
    "ports",
    "expose",
    "volumes",
    "networks",
    "depends_on",
    "healthcheck",
    "restart",
    "labels",
    "logging",
    "user",
    "working_dir",
    "stop_grace_period",
    "stop_signal",
    "container_name",
    "secrets",
    "configs",
];

/// Long because it is one short arm per service key of the Compose specification.
fn service(
    name: &str,
    node: &Node,
    project_dir: &str,
    not_simulated: &mut Vec<String>,
) -> Result<Service, String> {
    let mut s = Service::default();
    for (key, value) in entries(node) {
        let key = key.as_key();
        match key.as_str() {
            "image" => s.image = Some(text(value)),
            "build" => {
                let mut b = Build {
                    dockerfile: "Dockerfile".into(),
                    ..Build::default()
                };
                let context = match &value.value {
                    Value::Map(_) => {
                        if let Some(d) = value.get("dockerfile") {
                            b.dockerfile = text(d);
                        }
                        b.target = value.get("target").map(text);
                        b.args = value.get("args").map(list_or_dict).unwrap_or_default();
                        value.get("context").map(text).unwrap_or_else(|| ".".into())
                    }
                    _ => text(value),
                };
                b.context = absolute(project_dir, &context);
                s.build = Some(b);
            }
            "command" => s.command = Some(string_or_list(value)?),
            "entrypoint" => s.entrypoint = Some(string_or_list(value)?),
            "environment" => s.environment = list_or_dict(value),
            "env_file" => {
                s.env_file = match &value.value {
                    Value::Seq(items) => items
                        .iter()
                        .map(|i| i.get("path").map_or_else(|| text(i), text))
                        .collect(),
                    _ => vec![text(value)],
                }
                .into_iter()
                .map(|p| absolute(project_dir, &p))
                .collect()
            }
            "ports" => {
                for p in seq(value) {
                    match &p.value {
                        Value::Map(_) => s.ports.push(Port {
                            host_ip: p.get("host_ip").map(text),
                            target: p
                                .get("target")
                                .map(text)
                                .unwrap_or_default()
                                .parse()
                                .map_err(|_| {
                                    format!(
                                        "Invalid containerPort: {}",
                                        p.get("target").map(text).unwrap_or_default()
                                    )
                                })?,
                            published: p.get("published").map(text),
                            protocol: p.get("protocol").map_or_else(|| "tcp".into(), text),
                            mode: p.get("mode").map_or_else(|| "ingress".into(), text),
                        }),
                        _ => s.ports.extend(parse_port_short(&text(p))?),
                    }
                }
            }
            "expose" => s.expose = seq(value).iter().map(text).collect(),
            "volumes" => {
                for v in seq(value) {
                    match &v.value {
                        Value::Map(_) => {
                            let kind = v.get("type").map(text).unwrap_or_default();
                            let source = v.get("source").map(text);
                            s.volumes.push(Mount {
                                source: match (kind.as_str(), source) {
                                    ("bind", Some(src)) => Some(absolute(project_dir, &src)),
                                    (_, src) => src,
                                },
                                kind,
                                target: v.get("target").map(text).unwrap_or_default(),
                                read_only: v
                                    .get("read_only")
                                    .is_some_and(|r| r.value == Value::Bool(true)),
                            });
                        }
                        _ => s.volumes.push(parse_volume_short(&text(v), project_dir)?),
                    }
                }
            }
            "networks" => match &value.value {
                Value::Seq(items) => {
                    for n in items {
                        s.networks.insert(text(n), Vec::new());
                    }
                }
                _ => {
                    for (k, v) in entries(value) {
                        let aliases = v
                            .get("aliases")
                            .map(|a| seq(a).iter().map(text).collect())
                            .unwrap_or_default();
                        s.networks.insert(k.as_key(), aliases);
                    }
                }
            },
            "depends_on" => match &value.value {
                Value::Seq(items) => {
                    for d in items {
                        s.depends_on.insert(
                            text(d),
                            Dependency {
                                condition: "service_started".into(),
                                required: true,
                                restart: None,
                            },
                        );
                    }
                }
                _ => {
                    for (k, v) in entries(value) {
                        s.depends_on.insert(
                            k.as_key(),
                            Dependency {
                                condition: v
                                    .get("condition")
                                    .map_or_else(|| "service_started".into(), text),
                                required: v
                                    .get("required")
                                    .is_none_or(|r| r.value != Value::Bool(false)),
                                restart: v
                                    .get("restart")
                                    .map(|r| r.value == Value::Bool(true) || text(r) == "true"),
                            },
                        );
                    }
                }
            },
            "healthcheck" => {
                s.healthcheck = Some(Healthcheck {
                    test: value
                        .get("test")
                        .map(|t| match &t.value {
                            Value::Seq(items) => items.iter().map(text).collect(),
                            // A string is CMD-SHELL (compose-go loader).
                            _ => vec!["CMD-SHELL".into(), text(t)],
                        })
                        .unwrap_or_default(),
                    interval: value.get("interval").map(text),
                    timeout: value.get("timeout").map(text),
                    retries: value.get("retries").and_then(|r| text(r).parse().ok()),
                    start_period: value.get("start_period").map(text),
                    start_interval: value.get("start_interval").map(text),
                    disable: value
                        .get("disable")
                        .is_some_and(|d| d.value == Value::Bool(true)),
                })
            }
            "restart" => s.restart = Some(text(value)),
            "labels" => {
                s.labels = list_or_dict(value)
                    .into_iter()
                    .map(|(k, v)| (k, v.unwrap_or_default()))
                    .collect_map()
            }
            "logging" => {
                s.logging_driver = value.get("driver").map(text);
                s.logging_options = value
                    .get("options")
                    .map(list_or_dict)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| (k, v.unwrap_or_default()))
                    .collect_map();
            }
            "user" => s.user = Some(text(value)),
            "working_dir" => s.working_dir = Some(text(value)),
            "stop_grace_period" => s.stop_grace_period = Some(text(value)),
            "stop_signal" => s.stop_signal = Some(text(value)),
            "container_name" => s.container_name = Some(text(value)),
            "secrets" | "configs" => {
                let names = seq(value)
                    .iter()
                    .map(|i| i.get("source").map_or_else(|| text(i), text))
                    .collect();
                if key == "secrets" {
                    s.secrets = names;
                } else {
                    s.configs = names;
                }
            }
            other if other.starts_with("x-") => {}
            // Read from `extra` when the container is made (src/sim/docker/compose/convert.rs).
            "mem_limit" | "memswap_limit" | "cpus" => {
                s.extra.insert(key.to_string(), value.clone());
            }
            other => {
                debug_assert!(!MODELLED.contains(&other));
                not_simulated.push(format!("services.{name}.{other}"));
                s.extra.insert(other.to_string(), value.clone());
            }
        }
    }
    if s.image.is_none() && s.build.is_none() {
        return Err(format!(
            "service \"{name}\" has neither an image nor a build context specified: {INVALID}"
        ));
    }
    Ok(s)
}

/// compose-go `NormalizeProjectName`: lowercase, keep `[a-z0-9_-]`, trim leading `_`/`-`.
pub fn normalize_project_name(name: &str) -> String {
    let kept: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
        .collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

/// compose-go `ValidateProjectName` (`[a-z0-9][a-z0-9_-]*`).
pub fn check_project_name(name: &str) -> Result<(), String> {
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid project name \"{name}\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"
        ))
    }
}

fn top_level(doc: &Node, key: &str) -> BTreeMap<String, Node> {
    doc.get(key)
        .map(|n| {
            entries(n)
                .iter()
                .map(|(k, v)| (k.as_key(), v.clone()))
                .collect_map()
        })
        .unwrap_or_default()
}

/// Builds the project from a validated document; `name` is the project name already chosen.
pub fn build(doc: &Node, name: &str, project_dir: &str) -> Result<Project, String> {
    let mut p = Project {
        name: name.to_string(),
        project_dir: project_dir.to_string(),
        networks: top_level(doc, "networks"),
        volumes: top_level(doc, "volumes"),
        secrets: top_level(doc, "secrets"),
        configs: top_level(doc, "configs"),
        ..Project::default()
    };
    if let Some(services) = doc.get("services") {
        for (k, v) in entries(services) {
            let name = k.as_key();
            let s = service(&name, v, project_dir, &mut p.not_simulated)?;
            p.services.insert(name, s);
        }
    }
    // Services that name no network join `default` (compose-go loader).
    let mut uses_default = false;
    for s in p.services.values_mut() {
        if s.networks.is_empty() && !s.extra.contains_key("network_mode") {
            s.networks.insert("default".into(), Vec::new());
        }
        uses_default |= s.networks.contains_key("default");
    }
    if uses_default && !p.networks.contains_key("default") {
        p.networks.insert("default".into(), Node::new(Value::Null));
    }
    check_references(&p)?;
    check_cycles(&p)?;
    Ok(p)
}

/// compose-go `checkConsistency`.
fn check_references(p: &Project) -> Result<(), String> {
    for (name, s) in &p.services {
        for net in s.networks.keys() {
            if !p.networks.contains_key(net) {
                return Err(format!(
                    "service \"{name}\" refers to undefined network {net}: {INVALID}"
                ));
            }
        }
        for m in &s.volumes {
            if let ("volume", Some(src)) = (m.kind.as_str(), &m.source)
                && !p.volumes.contains_key(src)
            {
                return Err(format!(
                    "service \"{name}\" refers to undefined volume {src}: {INVALID}"
                ));
            }
        }
        for secret in &s.secrets {
            if !p.secrets.contains_key(secret) {
                return Err(format!(
                    "service \"{name}\" refers to undefined secret {secret}: {INVALID}"
                ));
            }
        }
        for config in &s.configs {
            if !p.configs.contains_key(config) {
                return Err(format!(
                    "service \"{name}\" refers to undefined config {config}: {INVALID}"
                ));
            }
        }
        for dep in s.depends_on.keys() {
            if !p.services.contains_key(dep) {
                return Err(format!(
                    "service \"{name}\" depends on undefined service \"{dep}\": {INVALID}"
                ));
            }
        }
    }
    Ok(())
}

/// compose-go graph.go: a depth-first walk that reports the first cycle as `a -> b -> a`.
fn check_cycles(p: &Project) -> Result<(), String> {
    fn visit(
        p: &Project,
        name: &str,
        stack: &mut Vec<String>,
        done: &mut Vec<String>,
    ) -> Result<(), String> {
        if let Some(i) = stack.iter().position(|s| s == name) {
            let mut path: Vec<String> = stack[i..].to_vec();
            path.push(name.to_string());
            return Err(format!("dependency cycle detected: {}", path.join(" -> ")));
        }
        if done.iter().any(|d| d == name) {
            return Ok(());
        }
        stack.push(name.to_string());
        if let Some(s) = p.services.get(name) {
            for dep in s.depends_on.keys() {
                visit(p, dep, stack, done)?;
            }
        }
        stack.pop();
        done.push(name.to_string());
        Ok(())
    }
    let mut done = Vec::new();
    for name in p.services.keys() {
        visit(p, name, &mut Vec::new(), &mut done)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_short_forms() {
        let p = parse_port_short("8080:80").unwrap();
        assert_eq!((p[0].target, p[0].published.as_deref()), (80, Some("8080")));
        assert_eq!(parse_port_short("80").unwrap()[0].published, None);
        let p = parse_port_short("127.0.0.1:5432:5432/udp").unwrap();
        assert_eq!(p[0].host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(p[0].protocol, "udp");
        assert_eq!(parse_port_short("3000-3001:4000-4001").unwrap().len(), 2);
        assert_eq!(
            parse_port_short("80:http").unwrap_err(),
            "Invalid containerPort: http"
        );
    }

    #[test]
    fn volume_short_forms() {
        let m = parse_volume_short("./data:/data:ro", "/home/learner/app").unwrap();
        assert_eq!(
            (m.kind.as_str(), m.source.as_deref(), m.read_only),
            ("bind", Some("/home/learner/app/data"), true)
        );
        let m = parse_volume_short("db:/var/lib/postgresql/data", "/home/learner/app").unwrap();
        assert_eq!(
            (m.kind.as_str(), m.source.as_deref()),
            ("volume", Some("db"))
        );
        let m = parse_volume_short("/cache", "/home/learner/app").unwrap();
        assert_eq!((m.kind.as_str(), m.source), ("volume", None));
    }

    #[test]
    fn project_names() {
        assert_eq!(normalize_project_name("My App!"), "myapp");
        assert_eq!(normalize_project_name("_web-1"), "web-1");
        assert!(check_project_name("app_1").is_ok());
        assert_eq!(
            check_project_name("My").unwrap_err(),
            "invalid project name \"My\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"
        );
    }
}
