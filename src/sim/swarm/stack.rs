//! A Compose project turned into swarm service specs, as `docker stack deploy` does it.
//!
//! Real Docker (docker/cli `cli/command/stack/loader.go`, `cli/compose/convert/service.go`,
//! `convert/volume.go`, `convert/compose.go`; moby `daemon/cluster/convert/service.go`): the CLI
//! loads the Compose file itself, warns `Ignoring unsupported options: build, restart` (and
//! `Ignoring deprecated options:` for `container_name`/`expose`), refuses a service without an
//! image, then converts each service: the name becomes `STACK_SERVICE`, the labels get
//! `com.docker.stack.namespace=STACK` (and `com.docker.stack.image`), named volumes become
//! `STACK_VOLUME`, networks `STACK_NETWORK` (overlay unless the file says otherwise, plus
//! `STACK_default` for services that name none). The `deploy:` section maps onto the
//! `ServiceSpec`: `mode`/`replicas`, `placement`, `resources`, `restart_policy`,
//! `update_config`, `rollback_config`, `labels` (on the service, not the containers),
//! `endpoint_mode`. `depends_on` is dropped without a word: a swarm starts everything at once.
//!
//! The trap this file pins: what the user did NOT write is left unset by the CLI, and SwarmKit
//! fills in its own defaults, which differ from the Compose deploy reference
//! (compose-spec `deploy.md`): `restart_policy.delay` is documented as 0 but a task restarts
//! after 5 s (SwarmKit `api/defaults`, `orchestrator/restart`); `update_config.monitor` and
//! `rollback_config.monitor` are documented as 0s but are 5 s (moby even drops an explicit 0,
//! `updateConfigToGRPC`: `if Monitor != 0`). A service-level `restart: "no"` (warned about as
//! unsupported) still feeds the fallback and leaves the swarm default `any`. [`convert`] returns
//! each such difference so the CLI can narrate it.
//!
//! Simplified: one file; `entrypoint` is prepended to the command (our tasks run one argv);
//! `replicated-job`/`global-job`, configs, placement preferences and generic resources are not
//! simulated (jobs are refused with a Dockyard message, the rest is ignored and said); secrets
//! are src/sim/swarm/stacksecrets.rs.

use super::orchestrator::{RestartCondition, RestartPolicy, ServiceMode};
use super::service::{
    ContainerSpec, DEFAULT_MONITOR_MS, EndpointMode, FailureAction, PortConfig, PublishMode,
    ServiceMount, Spec, UpdateConfig, UpdateOrder,
};
use crate::sim::docker::compose::model::{Healthcheck, Project, Service};
use crate::sim::docker::compose::yaml::{Node, Value};
use crate::sim::docker::health::{self, HealthOptions};
use crate::sim::time::Millis;
use std::collections::BTreeMap;

/// docker/cli `convert.LabelNamespace`.
pub const LABEL_NAMESPACE: &str = "com.docker.stack.namespace";
/// docker/cli `convert.LabelImage`.
pub const LABEL_IMAGE: &str = "com.docker.stack.image";

/// docker/cli `types.UnsupportedProperties` (cli/compose/types/types.go).
pub const UNSUPPORTED: &[&str] = &[
    "build",
    "cgroupns_mode",
    "cgroup_parent",
    "devices",
    "domainname",
    "external_links",
    "ipc",
    "links",
    "mac_address",
    "network_mode",
    "pid",
    "privileged",
    "restart",
    "security_opt",
    "shm_size",
    "userns_mode",
];

/// docker/cli `types.DeprecatedProperties`.
pub const DEPRECATED: &[(&str, &str)] = &[
    (
        "container_name",
        "Setting the container name is not supported.",
    ),
    (
        "expose",
        "Exposing ports is unnecessary - services on the same network can access each other's containers on any port.",
    ),
];

/// One field where what runs differs from what the Compose deploy reference documents.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Difference {
    /// The compose service (unscoped), e.g. `web`.
    pub service: String,
    /// `deploy.restart_policy.delay`.
    pub field: &'static str,
    /// What compose-spec deploy.md says (or what the user wrote).
    pub documented: String,
    /// What SwarmKit actually uses.
    pub effective: String,
    /// Why, in one sentence.
    pub why: &'static str,
}

/// A network the stack creates (`Creating network app_default`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StackNetwork {
    pub name: String,
    pub driver: String,
    pub internal: bool,
    pub attachable: bool,
}

/// The whole conversion: what `docker stack deploy` would send, and what it prints on the way.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Converted {
    /// (compose service name, spec with the scoped name), by compose name.
    pub services: Vec<(String, Spec)>,
    /// Networks to create (not external), sorted by name.
    pub networks: Vec<StackNetwork>,
    /// External networks the stack expects to exist.
    pub external_networks: Vec<String>,
    /// Lines for stderr (`Ignoring unsupported options: build`).
    pub warnings: Vec<String>,
    /// Effective values unlike the documented defaults.
    pub differences: Vec<Difference>,
    /// Things the file says that the swarm drops, for the narration (`depends_on`).
    pub dropped: Vec<String>,
}

/// `STACK_NAME` (docker/cli `convert.Namespace.Scope`).
pub fn scope(namespace: &str, name: &str) -> String {
    format!("{namespace}_{name}")
}

/// The swarm name of a stack's top-level network or secret `key`: its `name:`, else the key
/// itself when it is `external`, else `STACK_KEY` (docker/cli `convert.Namespace.Scope`); and
/// whether it is external.
pub fn object_name(namespace: &str, key: &str, def: &Node) -> (String, bool) {
    let external = crate::sim::docker::compose::convert::is_external(def);
    let name = match def.get("name").and_then(Node::scalar_text) {
        Some(n) => n,
        None if external => key.to_string(),
        None => scope(namespace, key),
    };
    (name, external)
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

/// A Go duration from the file, in ms (the schema has checked the shape; an unparsable one is
/// the CLI's `time: invalid duration`).
fn duration(node: &Node) -> Result<Millis, String> {
    let t = text(node);
    health::parse_duration_ms(&t).ok_or_else(|| format!("time: invalid duration \"{t}\""))
}

/// `1.5`, `'0.50'` → nano-CPUs (docker/cli `opts.ParseCPUs`).
fn cpus(node: &Node) -> Result<u64, String> {
    let t = text(node);
    let n: f64 = t
        .parse()
        .map_err(|_| format!("failed to parse {t} as a rational number"))?;
    if !(0.0..=1e6).contains(&n) {
        return Err(format!("failed to parse {t} as a rational number"));
    }
    Ok((n * 1e9).round() as u64)
}

/// Compose byte values (`50M`, `1gb`, `512`): binary multiples, as go-units `RAMInBytes`.
fn bytes(node: &Node) -> Result<u64, String> {
    let t = text(node);
    let lower = t.trim().to_ascii_lowercase();
    let split = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    let (num, unit) = lower.split_at(split);
    let n: f64 = num.parse().map_err(|_| format!("invalid size: '{t}'"))?;
    let mult: u64 = match unit {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(format!("invalid size: '{t}'")),
    };
    Ok((n * mult as f64) as u64)
}

fn uint(node: &Node) -> Result<u64, String> {
    let t = text(node);
    t.parse()
        .map_err(|_| format!("strconv.ParseUint: parsing \"{t}\": invalid syntax"))
}

fn health_options(h: &Healthcheck) -> HealthOptions {
    let ms = |t: &Option<String>| {
        t.as_deref()
            .and_then(health::parse_duration_ms)
            .unwrap_or(0)
    };
    HealthOptions {
        cmd: None,
        test: if h.disable {
            Some(vec!["NONE".into()])
        } else if h.test.is_empty() {
            None
        } else {
            Some(h.test.clone())
        },
        interval_ms: ms(&h.interval),
        timeout_ms: ms(&h.timeout),
        start_period_ms: ms(&h.start_period),
        start_interval_ms: ms(&h.start_interval),
        retries: h.retries.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
        no_healthcheck: false,
    }
}

/// `update_config` / `rollback_config`: what the CLI sends (`convertUpdateConfig`) and moby
/// passes on (`updateConfigToGRPC`), with SwarmKit's defaults where nothing arrives.
fn update_config(
    node: Option<&Node>,
    rollback: bool,
    service: &str,
    diffs: &mut Vec<Difference>,
) -> Result<UpdateConfig, String> {
    let field = if rollback {
        "deploy.rollback_config.monitor"
    } else {
        "deploy.update_config.monitor"
    };
    let mut c = UpdateConfig::default();
    let Some(node) = node else {
        // No section: the CLI sends nil and SwarmKit uses `defaults.Service.Update`.
        diffs.push(Difference {
            service: service.to_string(),
            field,
            documented: "0s".into(),
            effective: "5s".into(),
            why: "nothing written, so SwarmKit's default monitor period applies",
        });
        return Ok(c);
    };
    // A written section starts from zero values, parallelism 1 (`convertUpdateConfig`).
    c.delay_ms = 0;
    c.monitor_ms = 0;
    if let Some(v) = node.get("parallelism") {
        c.parallelism = uint(v)?;
    }
    if let Some(v) = node.get("delay") {
        c.delay_ms = duration(v)?;
    }
    if let Some(v) = node.get("failure_action") {
        let t = text(v);
        c.failure_action = match FailureAction::parse(&t) {
            Some(a) => a,
            None if t.is_empty() => FailureAction::Pause,
            // moby `updateConfigToGRPC`.
            None => return Err(format!("unrecognized update failure action {t}")),
        };
    }
    if let Some(v) = node.get("monitor") {
        c.monitor_ms = duration(v)?;
    }
    if c.monitor_ms == 0 {
        // moby: `if updateConfig.Monitor != 0 { converted.Monitor = … }`: a zero never reaches
        // SwarmKit, whose updater then uses its 5 s default.
        c.monitor_ms = DEFAULT_MONITOR_MS;
        diffs.push(Difference {
            service: service.to_string(),
            field,
            documented: if node.get("monitor").is_some() {
                "0s (written)".into()
            } else {
                "0s".into()
            },
            effective: "5s".into(),
            why: "a zero monitor is never sent to SwarmKit, which then uses its 5 s default",
        });
    }
    if let Some(v) = node.get("max_failure_ratio") {
        let r: f64 = text(v).parse().unwrap_or(0.0);
        c.max_failure_ratio_per_mille = (r.clamp(0.0, 1.0) * 1000.0).round() as u64;
    }
    if let Some(v) = node.get("order") {
        let t = text(v);
        c.order = match UpdateOrder::parse(&t) {
            Some(o) => o,
            None if t.is_empty() => UpdateOrder::StopFirst,
            None => return Err(format!("unrecognized update order {t}")),
        };
    }
    Ok(c)
}

/// `deploy.restart_policy`, else the legacy `restart:` (docker/cli `convertRestartPolicy`),
/// with SwarmKit's defaults for whatever is unset.
fn restart_policy(
    s: &Service,
    deploy: Option<&Node>,
    service: &str,
    diffs: &mut Vec<Difference>,
) -> Result<RestartPolicy, String> {
    let mut p = RestartPolicy::default();
    let delay_diff = |diffs: &mut Vec<Difference>, why| {
        diffs.push(Difference {
            service: service.to_string(),
            field: "deploy.restart_policy.delay",
            documented: "0".into(),
            effective: "5s".into(),
            why,
        })
    };
    if let Some(node) = deploy.and_then(|d| d.get("restart_policy")) {
        if let Some(v) = node.get("condition") {
            let t = text(v);
            p.condition = match RestartCondition::parse(&t) {
                Some(c) => c,
                None if t.is_empty() => RestartCondition::Any,
                // moby `restartPolicyToGRPC`.
                None => return Err(format!("invalid RestartCondition: \"{t}\"")),
            };
        }
        match node.get("delay") {
            Some(v) => p.delay_ms = duration(v)?,
            None => delay_diff(
                diffs,
                "no delay written, so SwarmKit's restart supervisor waits its default 5 s",
            ),
        }
        if let Some(v) = node.get("max_attempts") {
            p.max_attempts = uint(v)?;
        }
        if let Some(v) = node.get("window") {
            p.window_ms = duration(v)?;
        }
        return Ok(p);
    }
    match s.restart.as_deref() {
        None | Some("") => delay_diff(
            diffs,
            "no restart_policy written, so SwarmKit restarts on any exit after its default 5 s",
        ),
        Some("no") => {
            diffs.push(Difference {
                service: service.to_string(),
                field: "restart",
                documented: "\"no\" (written)".into(),
                effective: "condition any, delay 5s".into(),
                why: "`restart: no` converts to no policy at all, and no policy means SwarmKit's default: restart on any exit",
            });
        }
        Some(r) => {
            // docker/cli `opts.ParseRestartPolicy` then `convertRestartPolicy` (v28).
            let (name, count) = r.split_once(':').unwrap_or((r, ""));
            if r.contains(':') && name.is_empty() {
                return Err(
                    "invalid restart policy format: no policy provided before colon".into(),
                );
            }
            let max: u64 = if count.is_empty() {
                0
            } else {
                count.parse().map_err(|_| {
                    "invalid restart policy format: maximum retry count must be an integer"
                        .to_string()
                })?
            };
            p.condition = match name {
                "always" | "unless-stopped" => RestartCondition::Any,
                "on-failure" => RestartCondition::OnFailure,
                _ => return Err(format!("unknown restart policy: {r}")),
            };
            if p.condition == RestartCondition::OnFailure {
                p.max_attempts = max;
            }
            delay_diff(
                diffs,
                "`restart:` becomes a policy without a delay, so SwarmKit waits its default 5 s",
            );
        }
    }
    Ok(p)
}

fn mounts(s: &Service, p: &Project, namespace: &str) -> Vec<ServiceMount> {
    s.volumes
        .iter()
        .map(|m| {
            let source = match (m.kind.as_str(), &m.source) {
                ("volume", Some(name)) => {
                    let def = p.volumes.get(name);
                    match def.and_then(|d| d.get("name")).and_then(Node::scalar_text) {
                        Some(n) => n,
                        None if def.is_some_and(|d| {
                            d.get("external")
                                .is_some_and(|e| e.value == Value::Bool(true))
                        }) =>
                        {
                            name.clone()
                        }
                        None => scope(namespace, name),
                    }
                }
                (_, Some(src)) => src.clone(),
                (_, None) => String::new(),
            };
            ServiceMount {
                kind: m.kind.clone(),
                source,
                target: m.target.clone(),
            }
        })
        .collect()
}

fn ports(s: &Service) -> Result<Vec<PortConfig>, String> {
    let mut out = Vec::new();
    for p in &s.ports {
        let published = match p.published.as_deref() {
            None | Some("") => 0,
            Some(t) => t
                .parse::<u16>()
                .map_err(|_| format!("Invalid hostPort: {t}"))?,
        };
        out.push(PortConfig {
            protocol: p.protocol.clone(),
            target_port: u16::try_from(p.target)
                .map_err(|_| format!("Invalid containerPort: {}", p.target))?,
            published_port: published,
            mode: if p.mode == "host" {
                PublishMode::Host
            } else {
                PublishMode::Ingress
            },
        });
    }
    crate::sim::order::sort(&mut out);
    Ok(out)
}

/// One compose service → its swarm spec (docker/cli `convert.Service`).
/// Long because it maps every supported compose key onto the swarm service spec, as docker/cli's
/// `convert.Service` does.
fn service_spec(
    name: &str,
    s: &Service,
    p: &Project,
    namespace: &str,
    diffs: &mut Vec<Difference>,
    dropped: &mut Vec<String>,
) -> Result<Spec, String> {
    let image = s
        .image
        .clone()
        .ok_or_else(|| format!("invalid image reference for service {name}: no image specified"))?;
    let deploy = s.extra.get("deploy");
    let mut spec = Spec::new(&scope(namespace, name), &image);
    // Mode and replicas (`convertDeployMode`).
    let replicas = match deploy.and_then(|d| d.get("replicas")) {
        Some(v) => Some(uint(v)?),
        None => None,
    };
    let mode = deploy
        .and_then(|d| d.get("mode"))
        .map(text)
        .unwrap_or_default();
    spec.mode = match mode.as_str() {
        "replicated" | "" => ServiceMode::Replicated {
            replicas: replicas.unwrap_or(1),
        },
        "global" => {
            if replicas.is_some() {
                return Err(
                    "replicas can only be used with replicated or replicated-job mode".into(),
                );
            }
            ServiceMode::Global
        }
        "replicated-job" | "global-job" => {
            return Err(format!(
                "dockyard: deploy.mode {mode} (swarm jobs) is real but not simulated; use replicated or global"
            ));
        }
        other => return Err(format!("unknown mode: {other}")),
    };
    // Labels: deploy.labels on the service, labels on the containers; both get the namespace.
    if let Some(l) = deploy.and_then(|d| d.get("labels")) {
        spec.labels = list_or_dict(l);
    }
    spec.labels
        .insert(LABEL_NAMESPACE.into(), namespace.to_string());
    spec.labels.insert(LABEL_IMAGE.into(), image.clone());
    let c: &mut ContainerSpec = &mut spec.template.container;
    c.labels = s.labels.clone();
    c.labels
        .insert(LABEL_NAMESPACE.into(), namespace.to_string());
    let mut args: Vec<String> = s.entrypoint.clone().unwrap_or_default();
    args.extend(s.command.clone().unwrap_or_default());
    c.args = args;
    c.env = s
        .environment
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k}={v}"),
            None => k.clone(),
        })
        .collect();
    c.mounts = mounts(s, p, namespace);
    c.log_driver = s.logging_driver.clone();
    c.log_opts = s
        .logging_options
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    c.stop_signal = s.stop_signal.clone();
    if let Some(g) = &s.stop_grace_period {
        c.stop_grace_ms = health::parse_duration_ms(g)
            .ok_or_else(|| format!("time: invalid duration \"{g}\""))?;
    }
    if let Some(h) = &s.healthcheck {
        c.health = health::from_options(&health_options(h), None, &HealthOptions::default());
    }
    // Placement.
    if let Some(pl) = deploy.and_then(|d| d.get("placement")) {
        let constraints: Vec<String> = match &pl.get("constraints").map(|n| &n.value) {
            Some(Value::Map(e)) => e
                .iter()
                .map(|(k, v)| format!("{}=={}", k.as_key(), text(v)))
                .collect(),
            _ => pl
                .get("constraints")
                .map(|n| seq(n).iter().map(text).collect())
                .unwrap_or_default(),
        };
        spec.template.placement.constraints =
            super::scheduler::parse_constraints(&constraints).map_err(|e| e.daemon_text())?;
        if let Some(v) = pl.get("max_replicas_per_node") {
            spec.template.placement.max_replicas_per_node = uint(v)?;
        }
        if pl.get("preferences").is_some() {
            dropped.push(format!(
                "{name}: deploy.placement.preferences (spread) is not simulated"
            ));
        }
    }
    // Resources.
    if let Some(r) = deploy.and_then(|d| d.get("resources")) {
        if let Some(l) = r.get("limits") {
            if let Some(v) = l.get("cpus") {
                spec.template.limit_nano_cpus = cpus(v)?;
            }
            if let Some(v) = l.get("memory") {
                spec.template.limit_memory_bytes = bytes(v)?;
            }
        }
        if let Some(res) = r.get("reservations") {
            if let Some(v) = res.get("cpus") {
                spec.template.placement.reserve_nano_cpus = cpus(v)?;
            }
            if let Some(v) = res.get("memory") {
                spec.template.placement.reserve_memory_bytes = bytes(v)?;
            }
        }
    }
    spec.template.restart = restart_policy(s, deploy, name, diffs)?;
    spec.update = update_config(
        deploy.and_then(|d| d.get("update_config")),
        false,
        name,
        diffs,
    )?;
    spec.rollback = update_config(
        deploy.and_then(|d| d.get("rollback_config")),
        true,
        name,
        diffs,
    )?;
    spec.endpoint_mode = match deploy
        .and_then(|d| d.get("endpoint_mode"))
        .map(|v| text(v).to_lowercase())
        .as_deref()
    {
        None | Some("") | Some("vip") => EndpointMode::Vip,
        Some("dnsrr") => EndpointMode::Dnsrr,
        Some(other) => return Err(format!("invalid endpoint mode: {other}")),
    };
    spec.ports = ports(s)?;
    spec.template.placement.host_ports = super::service::host_ports(&spec.ports);
    if !s.depends_on.is_empty() {
        dropped.push(format!(
            "{name}: depends_on ({}) is ignored by a swarm: every service starts at once, and a task that needs another one must retry until it answers",
            s.depends_on.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(spec)
}

fn list_or_dict(node: &Node) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match &node.value {
        Value::Map(e) => {
            for (k, v) in e {
                out.insert(k.as_key(), text(v));
            }
        }
        Value::Seq(items) => {
            for i in items {
                let t = text(i);
                let (k, v) = t.split_once('=').unwrap_or((&t, ""));
                out.insert(k.to_string(), v.to_string());
            }
        }
        _ => {}
    }
    out
}

/// The CLI's warnings for keys a stack ignores (loader.go: `Ignoring unsupported options: …`
/// then `Ignoring deprecated options:` with one `key: reason` paragraph each).
pub fn warnings(p: &Project) -> Vec<String> {
    let mut unsupported: Vec<&str> = UNSUPPORTED
        .iter()
        .copied()
        .filter(|key| {
            p.services.values().any(|s| match *key {
                "build" => s.build.is_some(),
                "restart" => s.restart.is_some(),
                k => s.extra.contains_key(k),
            })
        })
        .collect();
    crate::sim::order::sort(&mut unsupported);
    let mut out = Vec::new();
    if !unsupported.is_empty() {
        out.push(format!(
            "Ignoring unsupported options: {}\n",
            unsupported.join(", ")
        ));
    }
    let deprecated: Vec<String> = DEPRECATED
        .iter()
        .filter(|(key, _)| {
            p.services.values().any(|s| match *key {
                "container_name" => s.container_name.is_some(),
                "expose" => !s.expose.is_empty(),
                _ => false,
            })
        })
        .map(|(k, why)| format!("{k}: {why}"))
        .collect();
    if !deprecated.is_empty() {
        out.push(format!(
            "Ignoring deprecated options:\n\n{}\n",
            deprecated.join("\n\n")
        ));
    }
    out
}

/// The whole stack (docker/cli `convert.Networks` + `convert.Services`). Errors are the CLI's
/// words; a service's error is prefixed `service NAME: ` as `convert.Services` wraps it.
pub fn convert(p: &Project, namespace: &str) -> Result<Converted, String> {
    let mut out = Converted {
        warnings: warnings(p),
        ..Converted::default()
    };
    // The CLI checks every image reference before converting anything.
    for (name, s) in &p.services {
        if s.image.as_deref().is_none_or(str::is_empty) {
            return Err(format!(
                "invalid image reference for service {name}: no image specified"
            ));
        }
    }
    for (name, s) in &p.services {
        let mut spec = service_spec(
            name,
            s,
            p,
            namespace,
            &mut out.differences,
            &mut out.dropped,
        )
        .map_err(|e| {
            if e.starts_with("invalid image reference") || e.starts_with("dockyard:") {
                e
            } else {
                format!("service {name}: {e}")
            }
        })?;
        // Networks: those the service names, or `default`.
        for net in s.networks.keys() {
            let def = p.networks.get(net);
            let target = match def.and_then(|d| d.get("name")).and_then(Node::scalar_text) {
                Some(n) => n,
                None if def.is_some_and(crate::sim::docker::compose::convert::is_external) => {
                    net.clone()
                }
                None => scope(namespace, net),
            };
            spec.template.networks.push(target);
        }
        out.services.push((name.clone(), spec));
    }
    let used: Vec<&String> = p
        .services
        .values()
        .flat_map(|s| s.networks.keys())
        .collect();
    for (key, def) in &p.networks {
        if !used.contains(&key) {
            continue;
        }
        let (name, external) = object_name(namespace, key, def);
        if external {
            out.external_networks.push(name);
            continue;
        }
        out.networks.push(StackNetwork {
            name,
            driver: def
                .get("driver")
                .map(text)
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| "overlay".into()),
            internal: def
                .get("internal")
                .is_some_and(|v| v.value == Value::Bool(true)),
            attachable: def
                .get("attachable")
                .is_some_and(|v| v.value == Value::Bool(true)),
        });
    }
    crate::sim::order::sort_by(&mut out.networks, |a, b| a.name.cmp(&b.name));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::World;
    use crate::sim::docker::compose;

    fn project(text: &str) -> Project {
        let mut world = World::new(1);
        world
            .fs
            .write("/home/learner/app/compose.yaml", text, false)
            .unwrap();
        compose::load(&world, None, None).unwrap().project
    }

    fn converted(text: &str) -> Converted {
        convert(&project(text), "app").unwrap()
    }

    fn spec<'a>(c: &'a Converted, name: &str) -> &'a Spec {
        &c.services.iter().find(|(n, _)| n == name).unwrap().1
    }

    #[test]
    fn names_labels_networks_and_volumes_are_scoped() {
        let c = converted(
            "services:\n  web:\n    image: nginx:1.27\n    labels: {tier: front}\n    deploy:\n      labels: {team: a}\n  db:\n    image: postgres:16\n    volumes: [db-data:/var/lib/postgresql/data]\n    networks: [back]\nnetworks:\n  back: {}\nvolumes:\n  db-data: {}\n",
        );
        let web = spec(&c, "web");
        assert_eq!(web.name, "app_web");
        assert_eq!(web.labels[LABEL_NAMESPACE], "app");
        assert_eq!(web.labels["team"], "a");
        assert_eq!(web.labels[LABEL_IMAGE], "nginx:1.27");
        assert!(!web.template.container.labels.contains_key("team"));
        assert_eq!(web.template.container.labels["tier"], "front");
        assert_eq!(web.template.networks, vec!["app_default"]);
        let db = spec(&c, "db");
        assert_eq!(db.template.container.mounts[0].source, "app_db-data");
        assert_eq!(db.template.networks, vec!["app_back"]);
        let nets: Vec<(&str, &str)> = c
            .networks
            .iter()
            .map(|n| (n.name.as_str(), n.driver.as_str()))
            .collect();
        assert_eq!(nets, [("app_back", "overlay"), ("app_default", "overlay")]);
    }

    #[test]
    fn deploy_section_maps_onto_the_service_spec() {
        let c = converted(
            "services:\n  web:\n    image: nginx:1.27\n    ports: ['8080:80']\n    deploy:\n      replicas: 3\n      endpoint_mode: vip\n      placement:\n        constraints: [node.role==worker]\n        max_replicas_per_node: 2\n      resources:\n        limits: {cpus: '0.50', memory: 50M}\n        reservations: {cpus: '0.25', memory: 20M}\n      restart_policy: {condition: on-failure, delay: 10s, max_attempts: 3, window: 2m}\n      update_config: {parallelism: 2, delay: 10s, order: start-first, failure_action: rollback, monitor: 30s, max_failure_ratio: 0.2}\n      rollback_config: {parallelism: 0, failure_action: continue}\n",
        );
        let s = spec(&c, "web");
        assert_eq!(s.mode, ServiceMode::Replicated { replicas: 3 });
        assert_eq!(s.template.placement.constraints.len(), 1);
        assert_eq!(s.template.placement.max_replicas_per_node, 2);
        assert_eq!(s.template.limit_nano_cpus, 500_000_000);
        assert_eq!(s.template.limit_memory_bytes, 50 << 20);
        assert_eq!(s.template.placement.reserve_nano_cpus, 250_000_000);
        assert_eq!(s.template.placement.reserve_memory_bytes, 20 << 20);
        let r = s.template.restart;
        assert_eq!(
            (r.condition, r.delay_ms, r.max_attempts, r.window_ms),
            (RestartCondition::OnFailure, 10_000, 3, 120_000)
        );
        assert_eq!(s.update.parallelism, 2);
        assert_eq!(s.update.order, UpdateOrder::StartFirst);
        assert_eq!(s.update.failure_action, FailureAction::Rollback);
        assert_eq!(s.update.monitor_ms, 30_000);
        assert_eq!(s.update.max_failure_ratio_per_mille, 200);
        assert_eq!(s.rollback.parallelism, 0);
        assert_eq!(s.rollback.failure_action, FailureAction::Continue);
        assert_eq!(s.ports[0].published_port, 8080);
        // Only the rollback monitor is left to SwarmKit here.
        let fields: Vec<&str> = c.differences.iter().map(|d| d.field).collect();
        assert_eq!(fields, ["deploy.rollback_config.monitor"]);
    }

    #[test]
    fn what_is_not_written_is_swarmkits_default_not_the_documented_one() {
        // compose-spec deploy.md: restart_policy.delay "default: 0", update_config.monitor and
        // rollback_config.monitor "default 0s". SwarmKit api/defaults: 5 s each.
        let c = converted("services:\n  web:\n    image: nginx:1.27\n");
        let s = spec(&c, "web");
        assert_eq!(s.template.restart.delay_ms, 5_000);
        assert_eq!(s.template.restart.condition, RestartCondition::Any);
        assert_eq!(s.update.monitor_ms, 5_000);
        assert_eq!(s.rollback.monitor_ms, 5_000);
        assert_eq!(s.update.parallelism, 1);
        let fields: Vec<(&str, &str, &str)> = c
            .differences
            .iter()
            .map(|d| (d.field, d.documented.as_str(), d.effective.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("deploy.restart_policy.delay", "0", "5s"),
                ("deploy.update_config.monitor", "0s", "5s"),
                ("deploy.rollback_config.monitor", "0s", "5s"),
            ]
        );
    }

    #[test]
    fn an_explicit_zero_monitor_still_becomes_five_seconds() {
        let c = converted(
            "services:\n  web:\n    image: nginx:1.27\n    deploy:\n      update_config: {monitor: 0s}\n",
        );
        assert_eq!(spec(&c, "web").update.monitor_ms, 5_000);
        assert!(c.differences.iter().any(|d| d.documented == "0s (written)"));
        // An explicit restart delay of 0 does reach SwarmKit.
        let c = converted(
            "services:\n  web:\n    image: nginx:1.27\n    deploy:\n      restart_policy: {delay: 0s}\n",
        );
        assert_eq!(spec(&c, "web").template.restart.delay_ms, 0);
    }

    #[test]
    fn restart_no_in_a_stack_still_restarts() {
        let c = converted("services:\n  job:\n    image: alpine\n    restart: \"no\"\n");
        assert_eq!(
            spec(&c, "job").template.restart.condition,
            RestartCondition::Any
        );
        assert!(c.differences.iter().any(|d| d.field == "restart"));
        assert_eq!(c.warnings, ["Ignoring unsupported options: restart\n"]);
        let c = converted("services:\n  job:\n    image: alpine\n    restart: on-failure:3\n");
        let r = spec(&c, "job").template.restart;
        assert_eq!(
            (r.condition, r.max_attempts),
            (RestartCondition::OnFailure, 3)
        );
    }

    #[test]
    fn unsupported_and_deprecated_keys_are_warned_in_the_clis_words() {
        let c = converted(
            "services:\n  web:\n    image: nginx:1.27\n    build: .\n    container_name: w\n    depends_on: [db]\n  db:\n    image: postgres:16\n    privileged: true\n",
        );
        assert_eq!(
            c.warnings,
            [
                "Ignoring unsupported options: build, privileged\n".to_string(),
                "Ignoring deprecated options:\n\ncontainer_name: Setting the container name is not supported.\n".to_string()
            ]
        );
        assert!(c.dropped.iter().any(|d| d.contains("depends_on")));
    }

    #[test]
    fn errors_use_the_cli_and_daemon_words() {
        let p = project("services:\n  web:\n    build: .\n");
        assert_eq!(
            convert(&p, "app").unwrap_err(),
            "invalid image reference for service web: no image specified"
        );
        let p = project(
            "services:\n  web:\n    image: nginx\n    deploy: {mode: global, replicas: 2}\n",
        );
        assert_eq!(
            convert(&p, "app").unwrap_err(),
            "service web: replicas can only be used with replicated or replicated-job mode"
        );
        let p = project(
            "services:\n  web:\n    image: nginx\n    deploy:\n      restart_policy: {condition: sometimes}\n",
        );
        assert_eq!(
            convert(&p, "app").unwrap_err(),
            "service web: invalid RestartCondition: \"sometimes\""
        );
        let p = project(
            "services:\n  web:\n    image: nginx\n    deploy:\n      placement: {constraints: ['node.role=manager']}\n",
        );
        assert!(convert(&p, "app").unwrap_err().starts_with("service web: "));
    }

    #[test]
    fn global_mode_and_external_volumes() {
        let c = converted(
            "services:\n  agent:\n    image: alpine\n    command: sleep 3600\n    volumes: [logs:/logs]\n    deploy: {mode: global}\nvolumes:\n  logs: {external: true}\n",
        );
        let s = spec(&c, "agent");
        assert_eq!(s.mode, ServiceMode::Global);
        assert_eq!(s.template.container.args, ["sleep", "3600"]);
        assert_eq!(s.template.container.mounts[0].source, "logs");
    }
}
