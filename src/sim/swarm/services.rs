//! `docker service create|ls|ps|inspect|scale|update|rollback|rm|logs`.
//!
//! Real Docker (docker/cli `cli/command/service`, moby `daemon/cluster/services.go`): every
//! service command goes to a manager, which forwards it to the Raft leader; the leader writes the
//! change to the store and the control loops do the rest. `create` prints the new ID, `update`,
//! `scale` and `rollback` the name; unless `--detach`, the CLI then follows the tasks
//! (`overall progress: 3 out of 3 tasks`, one bar per slot) and waits `monitor` (5 s) to verify
//! they stay up (`verify: Service converged`), or reports `service update paused: …` /
//! `service rolled back: …`. `docker service ps` lists each slot's current task then its history
//! (`\_ web.1`), errors quoted and cut at 30 characters unless `--no-trunc`.
//!
//! We parse the flags docker/cli has for these commands (units as it takes them: `0.5` CPUs,
//! `512M`, Go durations), build a [`Spec`], and let src/sim/swarm/manager.rs reconcile it.
//! Simplified: `--format` for `inspect` only; no secrets/configs/`--mount` options beyond
//! type/source/target; `docker service logs` shows what the course programs print.

use super::orchestrator::{RestartCondition, ServiceMode};
use super::service::{
    EndpointMode, FailureAction, PortConfig, PublishMode, Service, ServiceMount, Spec,
    UpdateConfig, UpdateOrder, UpdateState,
};
use super::task::{Task, TaskState};
use crate::sim::docker::error::DockerError;
use crate::sim::docker::output::tabwrite;
use crate::sim::time::{Millis, human_duration, rfc3339};
use crate::sim::world::Waiter;
use crate::sim::{Record, World};
use serde_json::{Value, json};

/// docker/cli `cli/command/task/print.go` `maxErrLength`.
const MAX_ERR_LENGTH: usize = 30;

fn usage(cmd: &str, args: &str, what: &str, need: &str) -> DockerError {
    DockerError::new(
        format!(
            "\"docker service {cmd}\" requires {need}.\nSee 'docker service {cmd} --help'.\n\nUsage:  docker service {cmd} {args}\n\n{what}"
        ),
        1,
    )
}

/// `docker service …` typed on `host`.
pub fn run(
    world: &mut World,
    host: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let (verb, rest) = match words.as_slice() {
        [] => {
            rec.out("Usage:  docker service COMMAND\n\nManage Swarm services\n\nCommands:\n  create      Create a new service\n  inspect     Display detailed information on one or more services\n  logs        Fetch the logs of a service or task\n  ls          List services\n  ps          List the tasks of one or more services\n  rm          Remove one or more services\n  rollback    Revert changes to a service's configuration\n  scale       Scale one or multiple replicated services\n  update      Update a service");
            return Ok(());
        }
        [verb, rest @ ..] => (*verb, rest),
    };
    super::cli::require_manager(world, host)?;
    match verb {
        "create" => create(world, rest, rec),
        "ls" | "list" => ls(world, rest, rec),
        "ps" => ps(world, rest, rec),
        "inspect" => inspect(world, rest, rec),
        "scale" => scale(world, rest, rec),
        "update" => update(world, rest, rec),
        "rollback" => rollback(world, rest, rec),
        "rm" | "remove" => rm(world, rest, rec),
        "logs" => logs(world, rest, rec),
        other => Err(DockerError::new(
            format!(
                "docker: unknown command: docker service {other}\n\nRun 'docker service --help' for more information"
            ),
            1,
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Flags

/// (long name, short letter, takes a value)
type FlagDef = (&'static str, Option<char>, bool);

const SPEC_FLAGS: &[FlagDef] = &[
    ("--name", None, true),
    ("--replicas", None, true),
    ("--mode", None, true),
    ("--publish", Some('p'), true),
    ("--network", None, true),
    ("--constraint", None, true),
    ("--reserve-cpu", None, true),
    ("--reserve-memory", None, true),
    ("--limit-cpu", None, true),
    ("--limit-memory", None, true),
    ("--env", Some('e'), true),
    ("--mount", None, true),
    ("--label", Some('l'), true),
    ("--container-label", None, true),
    ("--update-parallelism", None, true),
    ("--update-delay", None, true),
    ("--update-failure-action", None, true),
    ("--update-monitor", None, true),
    ("--update-max-failure-ratio", None, true),
    ("--update-order", None, true),
    ("--rollback-parallelism", None, true),
    ("--rollback-delay", None, true),
    ("--rollback-failure-action", None, true),
    ("--rollback-monitor", None, true),
    ("--rollback-max-failure-ratio", None, true),
    ("--rollback-order", None, true),
    ("--restart-condition", None, true),
    ("--restart-delay", None, true),
    ("--restart-max-attempts", None, true),
    ("--restart-window", None, true),
    ("--health-cmd", None, true),
    ("--health-interval", None, true),
    ("--health-retries", None, true),
    ("--health-timeout", None, true),
    ("--health-start-period", None, true),
    ("--no-healthcheck", None, false),
    ("--endpoint-mode", None, true),
    ("--stop-grace-period", None, true),
    ("--stop-signal", None, true),
    ("--replicas-max-per-node", None, true),
    ("--detach", Some('d'), false),
    ("--quiet", Some('q'), false),
    // update only
    ("--image", None, true),
    ("--args", None, true),
    ("--env-add", None, true),
    ("--env-rm", None, true),
    ("--publish-add", None, true),
    ("--publish-rm", None, true),
    ("--network-add", None, true),
    ("--network-rm", None, true),
    ("--constraint-add", None, true),
    ("--constraint-rm", None, true),
    ("--label-add", None, true),
    ("--label-rm", None, true),
    ("--mount-add", None, true),
    ("--mount-rm", None, true),
    ("--force", None, false),
    ("--rollback", None, false),
];

struct Parsed<'a> {
    flags: Vec<(&'static str, String)>,
    positional: Vec<&'a str>,
}

impl Parsed<'_> {
    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| *n == name)
    }
    fn last(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
    fn all(&self, name: &str) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// pflag parsing; `interspersed: false` stops at the first positional (`create IMAGE CMD -x`).
fn parse<'a>(
    rest: &[&'a str],
    allowed: &[&[&str]],
    interspersed: bool,
) -> Result<Parsed<'a>, DockerError> {
    let mut flags = Vec::new();
    let mut positional = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let a = rest[i];
        i += 1;
        if a == "--" {
            positional.extend(&rest[i..]);
            break;
        }
        if !a.starts_with('-') || a == "-" {
            positional.push(a);
            if !interspersed {
                positional.extend(&rest[i..]);
                break;
            }
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a, None),
        };
        let def = if let Some(long) = name.strip_prefix("--") {
            SPEC_FLAGS
                .iter()
                .find(|(l, _, _)| l.trim_start_matches("--") == long)
        } else {
            let c = name.chars().nth(1).unwrap_or('-');
            let found = SPEC_FLAGS.iter().find(|(_, s, _)| *s == Some(c));
            if found.is_none() || name.chars().count() > 2 && found.is_some_and(|f| !f.2) {
                return Err(DockerError::new(
                    format!("unknown shorthand flag: '{c}' in {name}"),
                    1,
                ));
            }
            found
        };
        let Some(&(long, _, valued)) = def.filter(|d| allowed.iter().any(|set| set.contains(&d.0)))
        else {
            if name.starts_with("--") {
                return Err(DockerError::new(format!("unknown flag: {name}"), 1));
            }
            let c = name.chars().nth(1).unwrap_or('-');
            return Err(DockerError::new(
                format!("unknown shorthand flag: '{c}' in {name}"),
                1,
            ));
        };
        if valued {
            let v = match inline {
                Some(v) => v,
                None if !name.starts_with("--") && name.len() > 2 => name[2..].to_string(),
                None => {
                    let v = rest.get(i).ok_or_else(|| {
                        let shown = match name.strip_prefix("--") {
                            Some(_) => name.to_string(),
                            None => format!("'{}' in {name}", name.chars().nth(1).unwrap_or('-')),
                        };
                        DockerError::new(format!("flag needs an argument: {shown}"), 1)
                    })?;
                    i += 1;
                    v.to_string()
                }
            };
            flags.push((long, v));
        } else {
            flags.push((long, String::new()));
        }
    }
    Ok(Parsed { flags, positional })
}

fn bad_value(flag: &str, value: &str, why: &str) -> DockerError {
    DockerError::new(
        format!("invalid argument \"{value}\" for \"{flag}\" flag: {why}"),
        1,
    )
}

fn parse_u64(flag: &str, v: &str) -> Result<u64, DockerError> {
    v.parse::<u64>().map_err(|_| {
        bad_value(
            flag,
            v,
            &format!("strconv.ParseUint: parsing \"{v}\": invalid syntax"),
        )
    })
}

fn parse_duration(flag: &str, v: &str) -> Result<Millis, DockerError> {
    crate::sim::docker::health::parse_duration_ms(v)
        .ok_or_else(|| bad_value(flag, v, &format!("time: invalid duration \"{v}\"")))
}

/// `0.5` → 500_000_000 nano-CPUs (docker/cli `NanoCPUs.Set`).
pub fn parse_nano_cpus(flag: &str, v: &str) -> Result<u64, DockerError> {
    let cpus: f64 = v.parse().map_err(|_| {
        bad_value(
            flag,
            v,
            &format!("failed to parse {v} as a rational number"),
        )
    })?;
    if !(0.0..=1e6).contains(&cpus) {
        return Err(bad_value(flag, v, "value is out of range"));
    }
    Ok((cpus * 1e9).round() as u64)
}

/// `512M`, `1g`, `1GiB` → bytes (go-units `RAMInBytes`: binary multiples).
pub fn parse_memory_bytes(flag: &str, v: &str) -> Result<u64, DockerError> {
    let t = v.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| bad_value(flag, v, &format!("invalid size: '{v}'")))?;
    let mult: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(bad_value(flag, v, &format!("invalid size: '{v}'"))),
    };
    Ok((n * mult as f64) as u64)
}

/// `--publish 8080:80`, `--publish published=8080,target=80,mode=host`.
pub fn parse_publish(v: &str) -> Result<PortConfig, DockerError> {
    let bad = || bad_value("--publish", v, &format!("invalid port format: {v}"));
    if v.contains('=') {
        let mut port = PortConfig {
            protocol: "tcp".into(),
            target_port: 0,
            published_port: 0,
            mode: PublishMode::Ingress,
        };
        for field in v.split(',') {
            let (k, val) = field.split_once('=').ok_or_else(bad)?;
            match k {
                "published" => port.published_port = val.parse().map_err(|_| bad())?,
                "target" => port.target_port = val.parse().map_err(|_| bad())?,
                "protocol" => port.protocol = val.to_string(),
                "mode" => {
                    port.mode = match val {
                        "ingress" => PublishMode::Ingress,
                        "host" => PublishMode::Host,
                        _ => {
                            return Err(bad_value(
                                "--publish",
                                v,
                                &format!(
                                    "invalid publish mode value ({val}): must be either \"ingress\" or \"host\""
                                ),
                            ));
                        }
                    }
                }
                _ => {
                    return Err(bad_value("--publish", v, &format!("invalid field key {k}")));
                }
            }
        }
        if port.target_port == 0 {
            return Err(bad_value(
                "--publish",
                v,
                "missing mandatory field \"target\"",
            ));
        }
        return Ok(port);
    }
    let (ports, protocol) = match v.split_once('/') {
        Some((p, proto)) => (p, proto.to_string()),
        None => (v, "tcp".to_string()),
    };
    let (published, target) = match ports.split_once(':') {
        Some((p, t)) => (p.parse().map_err(|_| bad())?, t.parse().map_err(|_| bad())?),
        None => (0, ports.parse().map_err(|_| bad())?),
    };
    Ok(PortConfig {
        protocol,
        target_port: target,
        published_port: published,
        mode: PublishMode::Ingress,
    })
}

/// `--mount type=volume,source=db,target=/data` (also `src`, `dst`, `destination`).
fn parse_mount(v: &str) -> Result<ServiceMount, DockerError> {
    let mut m = ServiceMount {
        kind: "volume".into(),
        source: String::new(),
        target: String::new(),
    };
    for field in v.split(',') {
        let (k, val) = field.split_once('=').unwrap_or((field, ""));
        match k {
            "type" => m.kind = val.to_string(),
            "source" | "src" => m.source = val.to_string(),
            "target" | "dst" | "destination" => m.target = val.to_string(),
            "readonly" | "ro" | "volume-driver" | "volume-label" | "consistency"
            | "bind-propagation" => {}
            _ => {
                return Err(bad_value(
                    "--mount",
                    v,
                    &format!("unexpected key '{k}' in '{field}'"),
                ));
            }
        }
    }
    if m.target.is_empty() {
        return Err(bad_value("--mount", v, "target is required"));
    }
    Ok(m)
}

fn update_config(
    p: &Parsed,
    prefix: &str,
    mut c: UpdateConfig,
    rollback: bool,
) -> Result<UpdateConfig, DockerError> {
    let flag = |s: &str| format!("--{prefix}-{s}");
    if let Some(v) = p.last(&flag("parallelism")) {
        c.parallelism = parse_u64(&flag("parallelism"), v)?;
    }
    if let Some(v) = p.last(&flag("delay")) {
        c.delay_ms = parse_duration(&flag("delay"), v)?;
    }
    if let Some(v) = p.last(&flag("monitor")) {
        c.monitor_ms = parse_duration(&flag("monitor"), v)?;
    }
    if let Some(v) = p.last(&flag("failure-action")) {
        c.failure_action = match FailureAction::parse(v) {
            Some(FailureAction::Rollback) if rollback => None,
            other => other,
        }
        .ok_or_else(|| {
            DockerError::new(
                format!(
                    "invalid argument \"{v}\" for \"{}\" flag: must be one of {}",
                    flag("failure-action"),
                    if rollback {
                        "pause, continue"
                    } else {
                        "pause, continue, rollback"
                    }
                ),
                1,
            )
        })?;
    }
    if let Some(v) = p.last(&flag("max-failure-ratio")) {
        let r: f64 = v.parse().map_err(|_| {
            bad_value(
                &flag("max-failure-ratio"),
                v,
                &format!("strconv.ParseFloat: parsing \"{v}\": invalid syntax"),
            )
        })?;
        if !(0.0..=1.0).contains(&r) {
            return Err(DockerError::daemon(format!(
                "rpc error: code = InvalidArgument desc = TaskSpec: {prefix} max failure ratio must be between 0 and 1"
            )));
        }
        c.max_failure_ratio_per_mille = (r * 1000.0).round() as u64;
    }
    if let Some(v) = p.last(&flag("order")) {
        c.order = UpdateOrder::parse(v).ok_or_else(|| {
            DockerError::new(
                format!(
                    "invalid argument \"{v}\" for \"{}\" flag: must be one of start-first, stop-first",
                    flag("order")
                ),
                1,
            )
        })?;
    }
    Ok(c)
}

/// Apply the flags `create` and `update` share to `spec`.
fn apply_flags(
    world: &World,
    spec: &mut Spec,
    p: &Parsed,
    creating: bool,
) -> Result<(), DockerError> {
    if let Some(v) = p.last("--replicas") {
        let n = parse_u64("--replicas", v)?;
        match spec.mode {
            ServiceMode::Global => {
                return Err(DockerError::new(
                    "replicas can only be used with replicated or replicated-job mode",
                    1,
                ));
            }
            ServiceMode::Replicated { .. } => spec.mode = ServiceMode::Replicated { replicas: n },
        }
    }
    let t = &mut spec.template;
    for v in p.all("--env").into_iter().chain(p.all("--env-add")) {
        let key = v.split('=').next().unwrap_or(v);
        t.container.env.retain(|e| e.split('=').next() != Some(key));
        t.container.env.push(v.to_string());
    }
    for v in p.all("--env-rm") {
        t.container.env.retain(|e| e.split('=').next() != Some(v));
    }
    for v in p.all("--publish").into_iter().chain(p.all("--publish-add")) {
        let port = parse_publish(v)?;
        spec.ports.retain(|q| {
            !(q.published_port == port.published_port
                && q.protocol == port.protocol
                && port.published_port != 0)
        });
        spec.ports.push(port);
    }
    for v in p.all("--publish-rm") {
        let target: u16 = v
            .split('/')
            .next()
            .unwrap_or(v)
            .split(':')
            .next_back()
            .unwrap_or(v)
            .parse()
            .unwrap_or(0);
        spec.ports
            .retain(|q| q.published_port != target && q.target_port != target);
    }
    for v in p.all("--network").into_iter().chain(p.all("--network-add")) {
        if !t.networks.iter().any(|n| n == v) {
            t.networks.push(v.to_string());
        }
    }
    for v in p.all("--network-rm") {
        t.networks.retain(|n| n != v);
    }
    let mut constraints: Vec<String> = if creating {
        Vec::new()
    } else {
        constraint_texts(&t.placement)
    };
    for v in p
        .all("--constraint")
        .into_iter()
        .chain(p.all("--constraint-add"))
    {
        constraints.push(v.to_string());
    }
    for v in p.all("--constraint-rm") {
        constraints.retain(|c| c != v);
    }
    t.placement.constraints = super::scheduler::parse_constraints(&constraints)
        .map_err(|e| DockerError::daemon(e.daemon_text()))?;
    // `--publish mode=host` binds the port on the task's node: the scheduler's HostPortFilter
    // keeps two tasks of the service off one node, as it does for a stack's `mode: host`.
    t.placement.host_ports = super::service::host_ports(&spec.ports);
    if let Some(v) = p.last("--reserve-cpu") {
        t.placement.reserve_nano_cpus = parse_nano_cpus("--reserve-cpu", v)?;
    }
    if let Some(v) = p.last("--reserve-memory") {
        t.placement.reserve_memory_bytes = parse_memory_bytes("--reserve-memory", v)?;
    }
    if let Some(v) = p.last("--limit-cpu") {
        t.limit_nano_cpus = parse_nano_cpus("--limit-cpu", v)?;
    }
    if let Some(v) = p.last("--limit-memory") {
        t.limit_memory_bytes = parse_memory_bytes("--limit-memory", v)?;
    }
    if let Some(v) = p.last("--replicas-max-per-node") {
        t.placement.max_replicas_per_node = parse_u64("--replicas-max-per-node", v)?;
    }
    for v in p.all("--mount").into_iter().chain(p.all("--mount-add")) {
        let m = parse_mount(v)?;
        t.container.mounts.retain(|o| o.target != m.target);
        t.container.mounts.push(m);
    }
    for v in p.all("--mount-rm") {
        t.container.mounts.retain(|o| o.target != v);
    }
    for v in p.all("--container-label") {
        let (k, val) = v.split_once('=').unwrap_or((v, ""));
        t.container.labels.insert(k.into(), val.into());
    }
    if let Some(v) = p.last("--stop-grace-period") {
        t.container.stop_grace_ms = parse_duration("--stop-grace-period", v)?;
    }
    if let Some(v) = p.last("--stop-signal") {
        t.container.stop_signal = (!v.is_empty()).then(|| v.to_string());
    }
    if let Some(v) = p.last("--restart-condition") {
        t.restart.condition = RestartCondition::parse(v).ok_or_else(|| {
            bad_value(
                "--restart-condition",
                v,
                "invalid RestartCondition: must be one of none, on-failure, any",
            )
        })?;
    }
    if let Some(v) = p.last("--restart-delay") {
        t.restart.delay_ms = parse_duration("--restart-delay", v)?;
    }
    if let Some(v) = p.last("--restart-max-attempts") {
        t.restart.max_attempts = parse_u64("--restart-max-attempts", v)?;
    }
    if let Some(v) = p.last("--restart-window") {
        t.restart.window_ms = parse_duration("--restart-window", v)?;
    }
    let health_flags = [
        "--health-cmd",
        "--health-interval",
        "--health-retries",
        "--health-timeout",
        "--health-start-period",
    ];
    if health_flags.iter().any(|f| p.has(f)) || p.has("--no-healthcheck") {
        let options = crate::sim::docker::health::HealthOptions::from_flags(
            |name| p.last(&format!("--{name}")).map(str::to_string),
            p.has("--no-healthcheck"),
        )
        .map_err(|e| DockerError::new(e, 1))?;
        let base_test = t.container.health.as_ref().map(|h| h.test.clone());
        let timing = t
            .container
            .health
            .as_ref()
            .map(|h| crate::sim::docker::health::HealthOptions {
                interval_ms: h.interval_ms,
                timeout_ms: h.timeout_ms,
                start_period_ms: h.start_period_ms,
                start_interval_ms: h.start_interval_ms,
                retries: h.retries,
                ..Default::default()
            })
            .unwrap_or_default();
        t.container.health =
            crate::sim::docker::health::from_options(&options, base_test.as_ref(), &timing);
    }
    for v in p.all("--label").into_iter().chain(p.all("--label-add")) {
        let (k, val) = v.split_once('=').unwrap_or((v, ""));
        spec.labels.insert(k.into(), val.into());
    }
    for v in p.all("--label-rm") {
        spec.labels.remove(v);
    }
    if let Some(v) = p.last("--endpoint-mode") {
        spec.endpoint_mode = match v {
            "vip" => EndpointMode::Vip,
            "dnsrr" => EndpointMode::Dnsrr,
            _ => return Err(bad_value("--endpoint-mode", v, "invalid endpoint mode")),
        };
    }
    spec.update = update_config(p, "update", spec.update, false)?;
    spec.rollback = update_config(p, "rollback", spec.rollback, true)?;
    validate(world, spec)
}

/// What the daemon refuses when the spec is written.
fn validate(world: &World, spec: &Spec) -> Result<(), DockerError> {
    if spec.endpoint_mode == EndpointMode::Dnsrr
        && spec.ports.iter().any(|p| p.mode == PublishMode::Ingress)
    {
        // SwarmKit controlapi `validateEndpointSpec`.
        return Err(DockerError::daemon(
            "rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode",
        ));
    }
    // Ingress ports are cluster-wide: another service may not publish the same one.
    for port in spec
        .ports
        .iter()
        .filter(|p| p.mode == PublishMode::Ingress && p.published_port != 0)
    {
        if let Some(other) = world.swarm.services.values().find(|s| {
            s.spec.name != spec.name
                && s.endpoint_ports.iter().any(|q| {
                    q.mode == PublishMode::Ingress
                        && q.published_port == port.published_port
                        && q.protocol == port.protocol
                })
        }) {
            return Err(DockerError::daemon(format!(
                "rpc error: code = InvalidArgument desc = port '{}' is already in use by service '{}' ({}) as an ingress port",
                port.published_port, other.spec.name, other.id
            )));
        }
    }
    super::overlay::check_networks(world, &spec.template.networks)
}

// ---------------------------------------------------------------------------------------------
// Commands

fn find_service(world: &World, reference: &str) -> Option<String> {
    let s = &world.swarm.services;
    if let Some(svc) = s.values().find(|svc| svc.spec.name == reference) {
        return Some(svc.id.clone());
    }
    if s.contains_key(reference) {
        return Some(reference.to_string());
    }
    let matches: Vec<&Service> = s
        .values()
        .filter(|svc| !reference.is_empty() && svc.id.starts_with(reference))
        .collect();
    (matches.len() == 1).then(|| matches[0].id.clone())
}

/// Flags `create` and `update` both take.
const SHARED_FLAGS: &[&str] = &[
    "--replicas",
    "--reserve-cpu",
    "--reserve-memory",
    "--limit-cpu",
    "--limit-memory",
    "--container-label",
    "--update-parallelism",
    "--update-delay",
    "--update-failure-action",
    "--update-monitor",
    "--update-max-failure-ratio",
    "--update-order",
    "--rollback-parallelism",
    "--rollback-delay",
    "--rollback-failure-action",
    "--rollback-monitor",
    "--rollback-max-failure-ratio",
    "--rollback-order",
    "--restart-condition",
    "--restart-delay",
    "--restart-max-attempts",
    "--restart-window",
    "--health-cmd",
    "--health-interval",
    "--health-retries",
    "--health-timeout",
    "--health-start-period",
    "--no-healthcheck",
    "--endpoint-mode",
    "--stop-grace-period",
    "--stop-signal",
    "--replicas-max-per-node",
    "--detach",
    "--quiet",
];

/// Flags only `create` takes (update has `--env-add`, `--publish-add`… instead).
const CREATE_FLAGS: &[&str] = &[
    "--name",
    "--mode",
    "--publish",
    "--network",
    "--constraint",
    "--env",
    "--mount",
    "--label",
];

/// A random service name, as the daemon picks one when `--name` is missing (moby namesgenerator).
fn generated_name(world: &mut World) -> String {
    const LEFT: &[&str] = &[
        "admiring", "brave", "eager", "focused", "jolly", "keen", "quirky", "serene",
    ];
    const RIGHT: &[&str] = &[
        "hopper", "lovelace", "turing", "curie", "darwin", "noether", "ritchie", "shannon",
    ];
    let l = LEFT[world.rng.below(LEFT.len() as u64) as usize];
    let r = RIGHT[world.rng.below(RIGHT.len() as u64) as usize];
    format!("{l}_{r}")
}

/// Build a service spec from `docker service create` words (also used by `docker stack deploy`
/// through [`create_spec`]).
fn create(world: &mut World, rest: &[&str], rec: &mut Record) -> Result<(), DockerError> {
    let p = parse(rest, &[SHARED_FLAGS, CREATE_FLAGS], false)?;
    let Some((image, args)) = p.positional.split_first() else {
        return Err(usage(
            "create",
            "[OPTIONS] IMAGE [COMMAND] [ARG...]",
            "Create a new service",
            "at least 1 argument",
        ));
    };
    let name = match p.last("--name") {
        Some(n) => n.to_string(),
        None => generated_name(world),
    };
    let mut spec = Spec::new(&name, image);
    spec.template.container.args = args.iter().map(|s| s.to_string()).collect();
    match p.last("--mode") {
        None | Some("replicated") => {}
        Some("global") => spec.mode = ServiceMode::Global,
        Some(other) => {
            return Err(bad_value("--mode", other, "invalid mode"));
        }
    }
    apply_flags(world, &mut spec, &p, true)?;
    let id =
        create_spec(world, spec, rec).inspect_err(|e| super::overlay::explain_refusal(e, rec))?;
    if !p.has("--quiet") {
        rec.out(id.clone());
    }
    if p.has("--detach") {
        rec.say("With --detach the CLI returns at once; `docker service ps` shows the tasks as they start.");
    } else {
        follow(world, &id, Follow::Create);
    }
    Ok(())
}

/// Write a new service into the store (the leader's controlapi `CreateService`).
pub fn create_spec(world: &mut World, spec: Spec, rec: &mut Record) -> Result<String, DockerError> {
    if !valid_dns_name(&spec.name) {
        // SwarmKit controlapi `validateAnnotations`.
        return Err(DockerError::daemon(
            "rpc error: code = InvalidArgument desc = name must be valid as a DNS name component",
        ));
    }
    if world
        .swarm
        .services
        .values()
        .any(|s| s.spec.name == spec.name)
    {
        return Err(DockerError::daemon(
            "rpc error: code = AlreadyExists desc = name conflicts with an existing object",
        ));
    }
    validate(world, &spec)?;
    if let Some(e) = super::agent::image_error(&spec.template.container)
        && e.starts_with("No such image")
    {
        {
            rec.err(format!(
                "image {} could not be accessed on a registry to record\nits digest. Each node will access {} independently,\npossibly leading to different nodes running different\nversions of the image.\n",
                spec.template.container.image, spec.template.container.image
            ));
        }
    }
    let id = super::cluster::base36(&mut world.rng, 25);
    let now = world.now_ms;
    let mut svc = Service::new(&id, spec, now);
    assign_published_ports(world, &mut svc);
    let name = svc.spec.name.clone();
    let desired = match svc.spec.mode {
        ServiceMode::Replicated { replicas } => format!("{replicas} replica(s)"),
        ServiceMode::Global => "one task on every eligible node".to_string(),
    };
    world.swarm.services.insert(id.clone(), svc);
    super::overlay::on_service_changed(world, &id);
    rec.title = format!("service {name} created");
    rec.touch(name.clone());
    rec.say(format!(
        "The leader writes service {name} into the Raft log (desired state: {desired}); its orchestrator creates the tasks and the scheduler picks their nodes."
    ));
    Ok(id)
}

/// `^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$`, at most 63 characters.
fn valid_dns_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !name.is_empty()
        && name.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
}

/// Ports published without a number get one from 30000–32767 (SwarmKit's port allocator).
fn assign_published_ports(world: &World, svc: &mut Service) {
    let used: Vec<u16> = world
        .swarm
        .services
        .values()
        .flat_map(|s| s.endpoint_ports.iter().map(|p| p.published_port))
        .collect();
    let mut next = 30000u16;
    svc.endpoint_ports = svc
        .spec
        .ports
        .iter()
        .map(|p| {
            let mut p = p.clone();
            if p.published_port == 0 && p.mode == PublishMode::Ingress {
                while used.contains(&next) {
                    next += 1;
                }
                p.published_port = next;
                next += 1;
            }
            p
        })
        .collect();
}

fn ports_text(svc: &Service) -> String {
    svc.endpoint_ports
        .iter()
        .filter(|p| p.published_port != 0)
        .map(|p| format!("*:{}->{}/{}", p.published_port, p.target_port, p.protocol))
        .collect::<Vec<_>>()
        .join(", ")
}

fn ls(world: &mut World, rest: &[&str], rec: &mut Record) -> Result<(), DockerError> {
    let p = parse(rest, &[&["--quiet"]], true)?;
    let mut services: Vec<&Service> = world.swarm.services.values().collect();
    crate::sim::order::sort_by(&mut services, |a, b| a.spec.name.cmp(&b.spec.name));
    if p.has("--quiet") {
        for s in services {
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
    for s in services {
        rows.push(vec![
            s.id[..12].to_string(),
            s.spec.name.clone(),
            s.mode_text().to_string(),
            replicas_text(world, s),
            s.spec.template.container.image.clone(),
            ports_text(s),
        ]);
    }
    rec.out(tabwrite(&rows));
    Ok(())
}

/// `3/3`, `1/3`, `2/2 (max 1 per node)`; global: running / nodes that should run one.
pub fn replicas_text(world: &World, s: &Service) -> String {
    let running = super::manager::running_count(world, &s.id);
    let desired = match s.spec.mode {
        ServiceMode::Replicated { replicas } => replicas,
        ServiceMode::Global => world
            .swarm
            .tasks
            .iter()
            .filter(|t| t.service_id == s.id && t.desired_state == TaskState::Running)
            .count() as u64,
    };
    let max = s.spec.template.placement.max_replicas_per_node;
    if max > 0 {
        format!("{running}/{desired} (max {max} per node)")
    } else {
        format!("{running}/{desired}")
    }
}

fn ps(world: &mut World, rest: &[&str], rec: &mut Record) -> Result<(), DockerError> {
    let allowed = ["--quiet", "--no-trunc", "--filter"];
    let p = parse_ps(rest, &allowed)?;
    if p.positional.is_empty() {
        return Err(usage(
            "ps",
            "[OPTIONS] SERVICE [SERVICE...]",
            "List the tasks of one or more services",
            "at least 1 argument",
        ));
    }
    let mut ids = Vec::new();
    for r in &p.positional {
        match find_service(world, r) {
            Some(id) => ids.push(id),
            None => return Err(DockerError::new(format!("no such service: {r}"), 1)),
        }
    }
    let desired_filter = p
        .all("--filter")
        .into_iter()
        .find_map(|f| f.strip_prefix("desired-state=").map(str::to_string));
    let no_trunc = p.has("--no-trunc");
    let mut rows = vec![vec![
        "ID".to_string(),
        "NAME".into(),
        "IMAGE".into(),
        "NODE".into(),
        "DESIRED STATE".into(),
        "CURRENT STATE".into(),
        "ERROR".into(),
        "PORTS".into(),
    ]];
    let mut quiet = Vec::new();
    for id in ids {
        let svc = &world.swarm.services[&id];
        for (t, history) in ordered_tasks(world, &id) {
            if let Some(f) = &desired_filter {
                let want = match f.as_str() {
                    "running" => t.desired_state <= TaskState::Running,
                    "shutdown" => t.desired_state == TaskState::Shutdown,
                    "accepted" => t.desired_state == TaskState::Accepted,
                    _ => true,
                };
                if !want {
                    continue;
                }
            }
            let name = t.name(&svc.spec.name);
            let node = t
                .node_id
                .as_ref()
                .and_then(|n| world.swarm.nodes.get(n))
                .map(|n| n.hostname.clone())
                .unwrap_or_default();
            let err = if t.error.is_empty() {
                String::new()
            } else if no_trunc || t.error.chars().count() <= MAX_ERR_LENGTH {
                format!("\"{}\"", t.error)
            } else {
                let cut: String = t.error.chars().take(MAX_ERR_LENGTH - 1).collect();
                format!("\"{cut}…\"")
            };
            // docker/cli's task formatter: `*:PUBLISHED->TARGET/PROTO` for each host-mode port the
            // task's container bound (its PortStatus, set once it started on a node).
            let bound = t.node_id.is_some() && t.state >= TaskState::Starting;
            let ports = svc
                .template_of(t.spec_version)
                .placement
                .host_ports
                .iter()
                .filter(|_| bound)
                .map(|(proto, published)| {
                    let target = svc
                        .spec
                        .ports
                        .iter()
                        .find(|q| q.published_port == *published && q.protocol == *proto)
                        .map_or(*published, |q| q.target_port);
                    format!("*:{published}->{target}/{proto}")
                })
                .collect::<Vec<_>>()
                .join(", ");
            quiet.push(if no_trunc {
                t.id.clone()
            } else {
                t.id[..12].to_string()
            });
            rows.push(vec![
                if no_trunc {
                    t.id.clone()
                } else {
                    t.id[..12].to_string()
                },
                if history {
                    format!(" \\_ {name}")
                } else {
                    name
                },
                svc.template_of(t.spec_version).container.image.clone(),
                node,
                t.desired_state.title().to_string(),
                t.current_state_text(world.now_ms),
                err,
                ports,
            ]);
        }
    }
    if p.has("--quiet") {
        rec.out(quiet.join("\n"));
    } else {
        rec.out(tabwrite(&rows));
    }
    Ok(())
}

fn parse_ps<'a>(rest: &[&'a str], allowed: &[&str]) -> Result<Parsed<'a>, DockerError> {
    // `-f`/`--filter` and `--no-trunc` are not in SPEC_FLAGS: handle them here.
    let mut flags = Vec::new();
    let mut positional = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let a = rest[i];
        i += 1;
        match a {
            "-q" | "--quiet" => flags.push(("--quiet", String::new())),
            "--no-trunc" => flags.push(("--no-trunc", String::new())),
            "-f" | "--filter" if allowed.contains(&"--filter") => {
                let v = rest
                    .get(i)
                    .ok_or_else(|| DockerError::new(format!("flag needs an argument: {a}"), 1))?;
                i += 1;
                flags.push(("--filter", v.to_string()));
            }
            _ if a.starts_with("--filter=") => {
                flags.push(("--filter", a["--filter=".len()..].to_string()));
            }
            _ if a.starts_with("--") => {
                return Err(DockerError::new(format!("unknown flag: {a}"), 1));
            }
            _ if a.starts_with('-') && a.len() > 1 => {
                let c = a.chars().nth(1).unwrap_or('-');
                return Err(DockerError::new(
                    format!("unknown shorthand flag: '{c}' in {a}"),
                    1,
                ));
            }
            _ => positional.push(a),
        }
    }
    Ok(Parsed { flags, positional })
}

/// The service's tasks as `docker service ps` lists them: by slot (node for global services),
/// each slot's newest task first, then its history (`true`).
pub fn ordered_tasks<'a>(world: &'a World, service_id: &str) -> Vec<(&'a Task, bool)> {
    let mut groups: std::collections::BTreeMap<(u64, String), Vec<&Task>> = Default::default();
    for t in world
        .swarm
        .tasks
        .iter()
        .filter(|t| t.service_id == service_id)
    {
        let key = match t.slot {
            Some(s) => (s, String::new()),
            None => (0, t.node_id.clone().unwrap_or_default()),
        };
        groups.entry(key).or_default().push(t);
    }
    let mut out = Vec::new();
    for (_, mut list) in groups {
        // Current first: wanted tasks before unwanted ones, then newest first.
        crate::sim::order::sort_by(&mut list, |a, b| {
            (a.desired_state > TaskState::Running)
                .cmp(&(b.desired_state > TaskState::Running))
                .then(b.created_ms.cmp(&a.created_ms))
        });
        for (i, t) in list.into_iter().enumerate() {
            out.push((t, i > 0));
        }
    }
    out
}

fn inspect(world: &mut World, rest: &[&str], rec: &mut Record) -> Result<(), DockerError> {
    let mut pretty = false;
    let mut format: Option<String> = None;
    let mut refs = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            "--pretty" => pretty = true,
            "-f" | "--format" => {
                i += 1;
                format = Some(rest.get(i).map(|s| s.to_string()).ok_or_else(|| {
                    DockerError::new(format!("flag needs an argument: {}", rest[i - 1]), 1)
                })?);
            }
            a if a.starts_with("--format=") => format = Some(a[9..].to_string()),
            a if a.starts_with('-') => {
                return Err(DockerError::new(format!("unknown flag: {a}"), 1));
            }
            a => refs.push(a),
        }
        i += 1;
    }
    if refs.is_empty() {
        return Err(usage(
            "inspect",
            "[OPTIONS] SERVICE [SERVICE...]",
            "Display detailed information on one or more services",
            "at least 1 argument",
        ));
    }
    let mut values = Vec::new();
    let mut texts = Vec::new();
    for r in refs {
        let Some(id) = find_service(world, r) else {
            if !values.is_empty() || !texts.is_empty() {
                rec.out(crate::sim::docker::output::inspect_text(&values));
            } else if format.is_none() && !pretty {
                rec.out("[]");
            }
            return Err(DockerError::new(format!("Error: no such service: {r}"), 1));
        };
        let svc = &world.swarm.services[&id];
        if pretty {
            texts.push(pretty_text(world, svc));
        } else {
            values.push(inspect_json(world, svc));
        }
    }
    if pretty {
        rec.out(texts.join("\n\n"));
    } else if let Some(f) = format {
        let mut out = Vec::new();
        for v in &values {
            out.push(
                crate::sim::docker::output::inspect_format(v, &f)
                    .map_err(|e| DockerError::new(e, 1))?,
            );
        }
        rec.out(out.join("\n"));
    } else {
        rec.out(crate::sim::docker::output::inspect_text(&values));
    }
    Ok(())
}

fn duration_ns(ms: Millis) -> u64 {
    ms * 1_000_000
}

/// moby api/types/swarm `UpdateConfig`: `Delay` and `Monitor` are `omitempty`, and Go prints a
/// whole float32 ratio without a fraction (`0`, not `0.0`).
fn update_json(c: &UpdateConfig) -> Value {
    let mut v = json!({ "Parallelism": c.parallelism });
    if c.delay_ms > 0 {
        v["Delay"] = json!(duration_ns(c.delay_ms));
    }
    v["FailureAction"] = json!(c.failure_action.as_str());
    if c.monitor_ms > 0 {
        v["Monitor"] = json!(duration_ns(c.monitor_ms));
    }
    v["MaxFailureRatio"] = if c.max_failure_ratio_per_mille.is_multiple_of(1000) {
        json!(c.max_failure_ratio_per_mille / 1000)
    } else {
        json!(c.max_failure_ratio_per_mille as f64 / 1000.0)
    };
    v["Order"] = json!(c.order.as_str());
    v
}

fn spec_json(s: &Spec) -> Value {
    let t = &s.template;
    let c = &t.container;
    let mut container = json!({ "Image": c.image });
    if !c.args.is_empty() {
        container["Args"] = json!(c.args);
    }
    if !c.env.is_empty() {
        container["Env"] = json!(c.env);
    }
    if !c.mounts.is_empty() {
        container["Mounts"] = Value::Array(
            c.mounts
                .iter()
                .map(|m| json!({"Type": m.kind, "Source": m.source, "Target": m.target}))
                .collect(),
        );
    }
    if let Some(h) = &c.health {
        container["Healthcheck"] = json!({
            "Test": h.test,
            "Interval": duration_ns(h.interval_ms),
            "Timeout": duration_ns(h.timeout_ms),
            "StartPeriod": duration_ns(h.start_period_ms),
            "Retries": h.retries,
        });
    }
    container["StopGracePeriod"] = json!(duration_ns(c.stop_grace_ms));
    if let Some(sig) = &c.stop_signal {
        container["StopSignal"] = json!(sig);
    }
    let mut resources = json!({ "Limits": {}, "Reservations": {} });
    if t.limit_nano_cpus > 0 {
        resources["Limits"]["NanoCPUs"] = json!(t.limit_nano_cpus);
    }
    if t.limit_memory_bytes > 0 {
        resources["Limits"]["MemoryBytes"] = json!(t.limit_memory_bytes);
    }
    if t.placement.reserve_nano_cpus > 0 {
        resources["Reservations"]["NanoCPUs"] = json!(t.placement.reserve_nano_cpus);
    }
    if t.placement.reserve_memory_bytes > 0 {
        resources["Reservations"]["MemoryBytes"] = json!(t.placement.reserve_memory_bytes);
    }
    let mut placement = json!({});
    if !t.placement.constraints.is_empty() {
        placement["Constraints"] = json!(constraint_texts(&s.template.placement));
    }
    if t.placement.max_replicas_per_node > 0 {
        placement["MaxReplicas"] = json!(t.placement.max_replicas_per_node);
    }
    let mode = match s.mode {
        ServiceMode::Replicated { replicas } => json!({"Replicated": {"Replicas": replicas}}),
        ServiceMode::Global => json!({"Global": {}}),
    };
    let mut task = json!({
        "ContainerSpec": container,
        "Resources": resources,
        "RestartPolicy": {
            "Condition": t.restart.condition.as_str(),
            "Delay": duration_ns(t.restart.delay_ms),
            "MaxAttempts": t.restart.max_attempts,
        },
        "Placement": placement,
        "ForceUpdate": 0,
        "Runtime": "container",
    });
    if t.restart.window_ms > 0 {
        task["RestartPolicy"]["Window"] = json!(duration_ns(t.restart.window_ms));
    }
    if !t.networks.is_empty() {
        task["Networks"] = Value::Array(t.networks.iter().map(|n| json!({"Target": n})).collect());
    }
    json!({
        "Name": s.name,
        "Labels": s.labels,
        "TaskTemplate": task,
        "Mode": mode,
        "UpdateConfig": update_json(&s.update),
        "RollbackConfig": update_json(&s.rollback),
        "EndpointSpec": {
            "Mode": s.endpoint_mode.as_str(),
            "Ports": ports_json(&s.ports),
        },
    })
}

fn ports_json(ports: &[PortConfig]) -> Value {
    Value::Array(
        ports
            .iter()
            .map(|p| {
                let mut v = json!({
                    "Protocol": p.protocol,
                    "TargetPort": p.target_port,
                    "PublishMode": p.mode.as_str(),
                });
                if p.published_port != 0 {
                    v["PublishedPort"] = json!(p.published_port);
                }
                v
            })
            .collect(),
    )
}

/// `node.role==manager`, as the constraints were typed (and as inspect prints them).
fn constraint_texts(placement: &super::scheduler::TaskSpec) -> Vec<String> {
    placement
        .constraints
        .iter()
        .map(|c| {
            format!(
                "{}{}{}",
                c.key,
                match c.operator {
                    super::scheduler::Operator::Eq => "==",
                    super::scheduler::Operator::NotEq => "!=",
                },
                c.value
            )
        })
        .collect()
}

pub fn inspect_json(world: &World, svc: &Service) -> Value {
    let mut v = json!({
        "ID": svc.id,
        "Version": {"Index": svc.spec_version},
        "CreatedAt": rfc3339(svc.created_ms),
        "UpdatedAt": rfc3339(svc.updated_ms),
        "Spec": spec_json(&svc.spec),
    });
    if let Some(prev) = &svc.previous_spec {
        v["PreviousSpec"] = spec_json(prev);
    }
    let mut endpoint = json!({
        "Spec": {"Mode": svc.spec.endpoint_mode.as_str(), "Ports": ports_json(&svc.spec.ports)},
    });
    if !svc.endpoint_ports.is_empty() {
        endpoint["Ports"] = ports_json(&svc.endpoint_ports);
    }
    if !svc.virtual_ips.is_empty() {
        endpoint["VirtualIPs"] = Value::Array(
            svc.virtual_ips
                .iter()
                .map(|(net, addr)| json!({"NetworkID": net, "Addr": addr}))
                .collect(),
        );
    }
    v["Endpoint"] = endpoint;
    if let Some(st) = &svc.update_status {
        let mut u = json!({"State": st.state.as_str(), "StartedAt": rfc3339(st.started_ms)});
        if let Some(c) = st.completed_ms {
            u["CompletedAt"] = json!(rfc3339(c));
        }
        u["Message"] = json!(st.message);
        v["UpdateStatus"] = u;
    }
    let _ = world;
    v
}

fn pretty_update(c: &UpdateConfig, title: &str, with_action: bool) -> String {
    let mut s = format!("{title}:\n Parallelism:\t{}\n", c.parallelism);
    if c.delay_ms > 0 {
        s.push_str(&format!(" Delay:\t\t{}\n", human_go_duration(c.delay_ms)));
    }
    if with_action {
        s.push_str(&format!(" On failure:\t{}\n", c.failure_action.as_str()));
    }
    s.push_str(&format!(
        " Monitoring Period: {}\n Max failure ratio: {}\n Update order:      {}",
        human_go_duration(c.monitor_ms),
        c.max_failure_ratio_text(),
        c.order.as_str()
    ));
    s
}

/// Go's `time.Duration.String()`: `5s`, `1m30s`, `500ms`.
pub fn human_go_duration(ms: Millis) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (h, m, s, rest) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let secs = if rest == 0 {
        format!("{s}s")
    } else {
        format!("{s}.{}s", format!("{rest:03}").trim_end_matches('0'))
    };
    match (h, m) {
        (0, 0) => secs,
        (0, m) => format!("{m}m{secs}"),
        (h, m) => format!("{h}h{m}m{secs}"),
    }
}

fn pretty_text(world: &World, svc: &Service) -> String {
    let s = &svc.spec;
    let mut out = format!("\nID:\t\t{}\nName:\t\t{}\n", svc.id, s.name);
    match s.mode {
        ServiceMode::Replicated { replicas } => {
            out.push_str(&format!(
                "Service Mode:\tReplicated\n Replicas:\t{replicas}\n"
            ));
        }
        ServiceMode::Global => out.push_str("Service Mode:\tGlobal\n"),
    }
    if let Some(st) = &svc.update_status {
        out.push_str(&format!(
            "UpdateStatus:\n State:\t\t{}\n Started:\t{} ago\n",
            st.state.as_str(),
            human_duration(world.now_ms.saturating_sub(st.started_ms))
        ));
        if let Some(c) = st.completed_ms {
            out.push_str(&format!(
                " Completed:\t{} ago\n",
                human_duration(world.now_ms.saturating_sub(c))
            ));
        }
        out.push_str(&format!(" Message:\t{}\n", st.message));
    }
    let constraints = constraint_texts(&s.template.placement);
    if !constraints.is_empty() {
        out.push_str(&format!(
            "Placement:\n Constraints:\t[{}]\n",
            constraints.join(" ")
        ));
    } else {
        out.push_str("Placement:\n");
    }
    out.push_str(&pretty_update(&s.update, "UpdateConfig", true));
    out.push('\n');
    out.push_str(&pretty_update(&s.rollback, "RollbackConfig", true));
    out.push('\n');
    let c = &s.template.container;
    out.push_str(&format!("ContainerSpec:\n Image:\t\t{}\n", c.image));
    if !c.args.is_empty() {
        out.push_str(&format!(" Args:\t\t{}\n", c.args.join(" ")));
    }
    if !c.env.is_empty() {
        out.push_str(&format!(" Env:\t\t{}\n", c.env.join(" ")));
    }
    out.push_str(&format!(
        "RestartPolicy:\n Condition:\t{}\n Delay:\t\t{}\n Max attempts:\t{}\n",
        s.template.restart.condition.as_str(),
        human_go_duration(s.template.restart.delay_ms),
        s.template.restart.max_attempts
    ));
    if !c.mounts.is_empty() {
        out.push_str("Mounts:\n");
        for m in &c.mounts {
            out.push_str(&format!(
                " Target:\t{}\n  Source:\t{}\n  ReadOnly:\tfalse\n  Type:\t\t{}\n",
                m.target, m.source, m.kind
            ));
        }
    }
    if !s.template.networks.is_empty() {
        out.push_str(&format!("Networks:\t{}\n", s.template.networks.join(" ")));
    }
    out.push_str(&format!("Endpoint Mode:\t{}\n", s.endpoint_mode.as_str()));
    if !svc.endpoint_ports.is_empty() {
        out.push_str("Ports:\n");
        for p in &svc.endpoint_ports {
            out.push_str(&format!(
                " PublishedPort = {}\n  Protocol = {}\n  TargetPort = {}\n  PublishMode = {}\n",
                p.published_port,
                p.protocol,
                p.target_port,
                p.mode.as_str()
            ));
        }
    }
    out.trim_end().to_string()
}

fn scale(world: &mut World, rest: &[&str], rec: &mut Record) -> Result<(), DockerError> {
    let p = parse(rest, &[&["--detach"]], true)?;
    if p.positional.is_empty() {
        return Err(usage(
            "scale",
            "SERVICE=REPLICAS [SERVICE=REPLICAS...]",
            "Scale one or multiple replicated services",
            "at least 1 argument",
        ));
    }
    let mut changed = Vec::new();
    for arg in &p.positional {
        let Some((name, n)) = arg.split_once('=') else {
            return Err(DockerError::new(
                format!(
                    "invalid scale specifier '{arg}'.\nSee 'docker service scale --help'.\n\nUsage:  docker service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]\n\nScale one or multiple replicated services"
                ),
                1,
            ));
        };
        let replicas: u64 = n.parse().map_err(|_| {
            DockerError::new(
                format!(
                    "invalid replicas value {n}: strconv.ParseUint: parsing \"{n}\": invalid syntax"
                ),
                1,
            )
        })?;
        let Some(id) = find_service(world, name) else {
            return Err(DockerError::daemon(format!("service {name} not found")));
        };
        let svc = world.swarm.services.get_mut(&id).expect("found above");
        if svc.spec.mode == ServiceMode::Global {
            return Err(DockerError::new(
                format!("{name}: scale can only be used with replicated or replicated-job mode"),
                1,
            ));
        }
        let mut spec = svc.spec.clone();
        spec.mode = ServiceMode::Replicated { replicas };
        let now = world.now_ms;
        svc.set_spec(spec, true, now);
        // Scaling is a service update: UpdateStatus is reset (a paused update starts again).
        svc.update_status = None;
        super::update::begin(world, &id, rec);
        rec.out(format!("{name} scaled to {replicas}"));
        rec.touch(name.to_string());
        rec.say(format!(
            "{name}: desired replicas is now {replicas}. Scaling changes no task template, so no task is replaced: the orchestrator only adds or removes slots."
        ));
        changed.push(id);
    }
    if !p.has("--detach") {
        for id in changed {
            follow(world, &id, Follow::Update);
        }
    }
    Ok(())
}

/// Flags only `update` takes.
const UPDATE_FLAGS: &[&str] = &[
    "--publish-add",
    "--publish-rm",
    "--network-add",
    "--network-rm",
    "--constraint-add",
    "--constraint-rm",
    "--env-add",
    "--env-rm",
    "--mount-add",
    "--mount-rm",
    "--label-add",
    "--label-rm",
    "--image",
    "--args",
    "--force",
    "--rollback",
];

fn update(world: &mut World, rest: &[&str], rec: &mut Record) -> Result<(), DockerError> {
    let p = parse(rest, &[SHARED_FLAGS, UPDATE_FLAGS], true)?;
    let [reference] = p.positional.as_slice() else {
        return Err(usage(
            "update",
            "[OPTIONS] SERVICE",
            "Update a service",
            "exactly 1 argument",
        ));
    };
    let Some(id) = find_service(world, reference) else {
        return Err(DockerError::daemon(format!(
            "service {reference} not found"
        )));
    };
    if p.has("--rollback") {
        return do_rollback(world, &id, p.has("--detach"), rec);
    }
    let svc = world.swarm.services[&id].clone();
    let mut spec = svc.spec.clone();
    if let Some(image) = p.last("--image") {
        spec.template.container.image = image.to_string();
    }
    if let Some(args) = p.last("--args") {
        spec.template.container.args = args.split_whitespace().map(str::to_string).collect();
    }
    apply_flags(world, &mut spec, &p, false)?;
    let name = spec.name.clone();
    let force = p.has("--force");
    let now = world.now_ms;
    let before = svc.spec.template.clone();
    let template_changed = spec.template != before;
    {
        let s = world.swarm.services.get_mut(&id).expect("exists");
        s.set_spec(spec, true, now);
        if force && !template_changed {
            // `--force` dirties every task: a fresh template version with the same content.
            s.versions.clear();
            let v = s.spec_version;
            let t = s.spec.template.clone();
            s.versions.insert(v, t);
        }
    }
    if let Some(s) = world.swarm.services.get_mut(&id) {
        let mut svc = s.clone();
        assign_published_ports(world, &mut svc);
        world.swarm.services.insert(id.clone(), svc);
    }
    super::overlay::on_service_changed(world, &id);
    rec.out(name.clone());
    rec.touch(name.clone());
    rec.title = format!("service {name} updated");
    if template_changed || force {
        let cfg = world.swarm.services[&id].spec.update;
        rec.say(format!(
            "{name}: the task template changed, so every task is now out of date. The updater replaces them {} at a time ({}), waiting {} between batches and watching each new task for {}; on failure: {}.",
            if cfg.parallelism == 0 { "all".to_string() } else { cfg.parallelism.to_string() },
            cfg.order.as_str(),
            human_go_duration(cfg.delay_ms),
            human_go_duration(cfg.monitor_ms),
            cfg.failure_action.as_str()
        ));
        if force && !template_changed {
            force_dirty(world, &id);
        }
    } else {
        rec.say(format!(
            "{name}: nothing in the task template changed, so no task is replaced (a paused update starts again: every update resets UpdateStatus)."
        ));
    }
    // controlapi `UpdateService`: "Reset update status"; the updater then takes the dirty slots.
    if let Some(s) = world.swarm.services.get_mut(&id) {
        s.update_status = None;
    }
    super::update::begin(world, &id, rec);
    if !p.has("--detach") {
        follow(world, &id, Follow::Update);
    }
    Ok(())
}

/// `--force`: make every live task look out of date (SwarmKit bumps `ForceUpdate`).
fn force_dirty(world: &mut World, id: &str) {
    let version = world.swarm.services[id].spec_version;
    let mut old = world.swarm.services[id].spec.template.clone();
    // An impossible marker in a stored old version makes those tasks dirty.
    old.container
        .labels
        .insert("dockyard.force-update".into(), version.to_string());
    if let Some(s) = world.swarm.services.get_mut(id) {
        for t in world.swarm.tasks.iter().filter(|t| t.service_id == id) {
            if t.spec_version != version {
                s.versions.insert(t.spec_version, old.clone());
            }
        }
    }
}

fn rollback(world: &mut World, rest: &[&str], rec: &mut Record) -> Result<(), DockerError> {
    let p = parse(rest, &[&["--detach", "--quiet"]], true)?;
    let [reference] = p.positional.as_slice() else {
        return Err(usage(
            "rollback",
            "[OPTIONS] SERVICE",
            "Revert changes to a service's configuration",
            "exactly 1 argument",
        ));
    };
    let Some(id) = find_service(world, reference) else {
        return Err(DockerError::daemon(format!(
            "service {reference} not found"
        )));
    };
    do_rollback(world, &id, p.has("--detach"), rec)
}

fn do_rollback(
    world: &mut World,
    id: &str,
    detach: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let svc = world.swarm.services[id].clone();
    let name = svc.spec.name.clone();
    let Some(previous) = svc.previous_spec.clone() else {
        return Err(DockerError::daemon(format!(
            "rpc error: code = FailedPrecondition desc = service {} does not have a previous spec",
            svc.id
        )));
    };
    let now = world.now_ms;
    // controlapi `UpdateService` with `Rollback: PREVIOUS`: Spec and PreviousSpec swap places
    // (a second rollback goes forward again) and the status says who asked.
    if let Some(s) = world.swarm.services.get_mut(id) {
        s.set_spec(previous, true, now);
        s.update_status = Some(super::service::UpdateStatus {
            state: UpdateState::RollbackStarted,
            started_ms: now,
            completed_ms: None,
            message: "manually requested rollback".into(),
        });
    }
    super::overlay::on_service_changed(world, id);
    super::update::begin(world, id, rec);
    rec.out(name.clone());
    rec.touch(name.clone());
    rec.title = format!("service {name} rolled back");
    rec.say(format!(
        "{name}: the previous spec comes back (PreviousSpec) and its tasks are replaced with the rollback_config ({} at a time, {}).",
        svc.spec.rollback.parallelism,
        svc.spec.rollback.order.as_str()
    ));
    if !detach {
        follow(
            world,
            id,
            Follow::Rollback {
                message: "manually requested rollback".into(),
                first: true,
            },
        );
    }
    Ok(())
}

fn rm(world: &mut World, rest: &[&str], rec: &mut Record) -> Result<(), DockerError> {
    let p = parse(rest, &[], true)?;
    if p.positional.is_empty() {
        return Err(usage(
            "rm",
            "SERVICE [SERVICE...]",
            "Remove one or more services",
            "at least 1 argument",
        ));
    }
    let mut missing = Vec::new();
    for r in &p.positional {
        let Some(id) = find_service(world, r) else {
            missing.push(format!("service {r} not found"));
            continue;
        };
        let name = world.swarm.services[&id].spec.name.clone();
        world.swarm.services.remove(&id);
        world.swarm.updates.remove(&id);
        for t in world.swarm.tasks.iter_mut().filter(|t| t.service_id == id) {
            if t.desired_state < TaskState::Remove {
                t.desired_state = TaskState::Remove;
            }
        }
        super::overlay::on_service_removed(world, &id);
        rec.out(name.clone());
        rec.say(format!(
            "Service {name} is deleted from the store; each node's agent stops and removes its containers."
        ));
    }
    if !missing.is_empty() {
        return Err(DockerError::new(missing.join("\n"), 1).keeping_state());
    }
    Ok(())
}

fn logs(world: &mut World, rest: &[&str], rec: &mut Record) -> Result<(), DockerError> {
    let words: Vec<&str> = rest
        .iter()
        .copied()
        .filter(|w| {
            !matches!(
                *w,
                "-f" | "--follow" | "-t" | "--timestamps" | "--raw" | "--no-trunc"
            )
        })
        .collect();
    let [reference] = words.as_slice() else {
        return Err(usage(
            "logs",
            "[OPTIONS] SERVICE|TASK",
            "Fetch the logs of a service or task",
            "exactly 1 argument",
        ));
    };
    let Some(id) = find_service(world, reference) else {
        return Err(DockerError::new(
            format!("Error response from daemon: service {reference} not found"),
            1,
        ));
    };
    let svc = &world.swarm.services[&id];
    let mut lines = Vec::new();
    for t in world
        .swarm
        .tasks
        .iter()
        .filter(|t| t.service_id == id && t.state >= TaskState::Starting)
    {
        let host = t
            .node_id
            .as_ref()
            .and_then(|n| world.swarm.nodes.get(n))
            .map(|n| n.hostname.clone())
            .unwrap_or_default();
        let prefix = format!("{}.{}@{host}", t.name(&svc.spec.name), &t.id[..12]);
        // What the task's container wrote, read from its node's engine.
        let Some(c) = super::agent::task_container(world, t) else {
            continue;
        };
        for line in &c.logs {
            lines.push((line.at_ms, format!("{prefix}    | {}", line.text)));
        }
    }
    crate::sim::order::sort_by_key(&mut lines, |(at, _)| *at);
    rec.out(
        lines
            .into_iter()
            .map(|(_, l)| l)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Following the rollout (`--detach=false`)

/// What the following CLI has seen (docker/cli `ServiceProgress`'s `rollback` flag).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Follow {
    Create,
    Update,
    /// A rollback is under way; `message` is the `rollback: …` line on the screen (the progress
    /// display rewrites that line in place when the rollback completes). `first`: the line came
    /// before the progress bars (`docker service rollback`), not after them (an update that
    /// rolled itself back).
    Rollback {
        message: String,
        first: bool,
    },
}

impl Follow {
    fn rolling_back(&self) -> bool {
        matches!(self, Follow::Rollback { .. })
    }
}

fn follow(world: &mut World, id: &str, kind: Follow) {
    world.shell.waiting.push(Waiter::Service {
        service_id: id.to_string(),
        kind,
        converged_since_ms: None,
    });
}

/// docker/cli `progress.go` `numberedStates`: the states the progress display knows (tasks
/// whose desired or observed state is not among them are left out).
fn numbered(state: TaskState) -> Option<u8> {
    match state {
        TaskState::Remove | TaskState::Orphaned => None,
        s => Some(s as u8),
    }
}

/// The task docker/cli shows for each slot (node, for global services): among the up-to-date
/// tasks, the lowest desired state, then the lowest observed state (`tasksBySlot`); tasks on a
/// node that is down are left out.
fn tasks_by_slot<'a>(world: &'a World, svc: &Service) -> Vec<&'a Task> {
    let mut by: std::collections::BTreeMap<(u64, String), &Task> = Default::default();
    for t in world.swarm.tasks.iter().filter(|t| {
        t.service_id == svc.id
            && !svc.is_dirty(t.spec_version)
            && numbered(t.desired_state).is_some()
            && numbered(t.state).is_some()
    }) {
        let node_down = t.node_id.as_ref().is_some_and(|n| {
            world
                .swarm
                .nodes
                .get(n)
                .is_some_and(|n| n.status == super::cluster::NodeStatus::Down)
        });
        let key = match t.slot {
            Some(s) => (s, String::new()),
            None => (0, t.node_id.clone().unwrap_or_default()),
        };
        if let Some(existing) = by.get(&key)
            && (existing.desired_state, existing.state) <= (t.desired_state, t.state)
        {
            continue;
        }
        if node_down && t.slot.is_some() {
            continue;
        }
        by.insert(key, t);
    }
    by.into_values().collect()
}

/// (running, total) as docker/cli counts them for `overall progress: 2 out of 3 tasks`.
fn progress_counts(world: &World, svc: &Service) -> (usize, usize) {
    let shown = tasks_by_slot(world, svc);
    let running = shown
        .iter()
        .filter(|t| t.desired_state <= TaskState::Running && t.state == TaskState::Running)
        .count();
    let total = match svc.spec.mode {
        ServiceMode::Replicated { replicas } => replicas as usize,
        ServiceMode::Global => shown.len(),
    };
    (running, total)
}

/// docker/cli's `converged`: every slot's up-to-date task runs (global: at least one node).
fn converged(world: &World, svc: &Service) -> bool {
    let (running, total) = progress_counts(world, svc);
    running == total && (total > 0 || svc.replicas() == Some(0))
}

/// A CLI following a rollout has waited out its verification period.
pub fn verify_due(world: &World) -> bool {
    world.shell.waiting.iter().any(|w| match w {
        Waiter::Service {
            service_id,
            converged_since_ms: Some(since),
            ..
        } => world
            .swarm
            .services
            .get(service_id)
            .is_some_and(|s| world.now_ms >= since + s.spec.update.monitor_ms),
        _ => false,
    })
}

/// After every step: a CLI following a rollout (docker/cli `ServiceProgress`) prints what it
/// learns: `rollback: <message>` when it first sees a rollback start, `service update paused:
/// …` / `service rollback paused: …` (an error, exit 1) when the update pauses, and
/// `verify: Service converged` once every slot's new task has run for the monitor period
/// (followed by `rollback: rollback completed` if the rollback had completed before the tasks
/// converged).
pub fn poll(world: &mut World, rec: &mut Record) {
    let Some(i) = world
        .shell
        .waiting
        .iter()
        .position(|w| matches!(w, Waiter::Service { .. }))
    else {
        return;
    };
    let Waiter::Service {
        service_id,
        kind,
        converged_since_ms,
    } = world.shell.waiting[i].clone()
    else {
        return;
    };
    let now = world.now_ms;
    let Some(svc) = world.swarm.services.get(&service_id).cloned() else {
        world.shell.waiting.remove(i);
        rec.err(format!(
            "Error response from daemon: service {service_id} not found"
        ));
        return;
    };
    let mut kind = kind;
    if let Some(st) = &svc.update_status {
        let stop = match st.state {
            UpdateState::Updating => {
                if kind.rolling_back() {
                    kind = Follow::Update;
                }
                None
            }
            UpdateState::Completed if converged_since_ms.is_none() => Some(None),
            UpdateState::Paused => Some(Some(format!("service update paused: {}", st.message))),
            UpdateState::RollbackStarted => {
                if !kind.rolling_back() {
                    kind = Follow::Rollback {
                        message: st.message.clone(),
                        first: false,
                    };
                }
                None
            }
            UpdateState::RollbackPaused => {
                Some(Some(format!("service rollback paused: {}", st.message)))
            }
            UpdateState::RollbackCompleted => {
                if converged_since_ms.is_none() || !kind.rolling_back() {
                    // Seen before the tasks converged: the line now reads `rollback completed`.
                    kind = Follow::Rollback {
                        message: st.message.clone(),
                        first: matches!(kind, Follow::Rollback { first: true, .. }),
                    };
                }
                None
            }
            UpdateState::Completed => None,
        };
        if let Some(error) = stop {
            world.shell.waiting.remove(i);
            rec.out(progress_lines(world, &svc, &kind));
            if let Some(text) = error {
                rec.err(text);
                rec.error = true;
            }
            return;
        }
    }
    if let Waiter::Service { kind: k, .. } = &mut world.shell.waiting[i] {
        *k = kind.clone();
    }
    if !converged(world, &svc) {
        if converged_since_ms.is_some()
            && let Waiter::Service {
                converged_since_ms, ..
            } = &mut world.shell.waiting[i]
        {
            *converged_since_ms = None;
        }
        return;
    }
    let monitor = svc.spec.update.monitor_ms;
    match converged_since_ms {
        None => {
            if let Waiter::Service {
                converged_since_ms, ..
            } = &mut world.shell.waiting[i]
            {
                *converged_since_ms = Some(now);
            }
            // Wake up when the verification period ends.
            super::manager::schedule_work(world);
        }
        Some(since) if now >= since + monitor => {
            world.shell.waiting.remove(i);
            // docker/cli prints the ID it was given: the new ID after `create`, the name typed
            // after `update`/`rollback`/`scale`.
            let text = format!(
                "{}\nverify: Service {} converged",
                progress_lines(world, &svc, &kind),
                if kind == Follow::Create {
                    &svc.id
                } else {
                    &svc.spec.name
                }
            );
            rec.out(text);
            rec.say(format!(
                "The CLI watched {}'s tasks stay up for {} (the monitor period) before saying the service converged.",
                svc.spec.name,
                human_go_duration(monitor)
            ));
        }
        Some(_) => {}
    }
}

/// `overall progress: 3 out of 3 tasks` and one bar per slot, as docker/cli leaves them on the
/// screen at the end (a task with an error shows the error instead of a bar).
fn progress_lines(world: &World, svc: &Service, kind: &Follow) -> String {
    let (running, total) = progress_counts(world, svc);
    let mut out = format!(
        "overall progress: {}{running} out of {total} tasks",
        if kind.rolling_back() {
            "rolling back update: "
        } else {
            ""
        }
    );
    let rollback_line = match kind {
        Follow::Rollback { message, first } if !message.is_empty() => {
            if *first {
                out = format!("rollback: {message}\n{out}");
                String::new()
            } else {
                format!("\nrollback: {message}")
            }
        }
        _ => String::new(),
    };
    if total > 20 {
        // docker/cli `maxProgressBars`
        return out + &rollback_line;
    }
    for (n, t) in tasks_by_slot(world, svc).iter().enumerate() {
        let label = match t.slot {
            Some(_) => format!("{}/{total}", n + 1),
            None => t
                .node_id
                .as_deref()
                .map(|n| n[..12.min(n.len())].to_string())
                .unwrap_or_default(),
        };
        if !t.error.is_empty() {
            // docker/cli `truncError`: 75 characters at most.
            let err: String = if t.error.chars().count() > 75 {
                t.error.chars().take(74).chain(['…']).collect()
            } else {
                t.error.clone()
            };
            out.push_str(&format!("\n{label}: {err}"));
            continue;
        }
        if t.desired_state.is_terminal() || t.state.is_terminal() {
            continue;
        }
        // numberedStates: new 1 … running 9, out of 9; 50 characters wide.
        let step = (t.state as usize).min(TaskState::Running as usize);
        let filled = 50 * step / (TaskState::Running as usize);
        let bar = if filled >= 50 {
            format!("[{}>]", "=".repeat(49))
        } else {
            format!("[{}>{}]", "=".repeat(filled), " ".repeat(49 - filled))
        };
        out.push_str(&format!("\n{label}: {:<9} {bar}", t.state.as_str()));
    }
    // Slots with no up-to-date task yet keep the empty line the CLI drew at the start.
    if svc.replicas().is_some() {
        for n in tasks_by_slot(world, svc).len()..total {
            out.push_str(&format!("\n{}/{total}: ", n + 1));
        }
    }
    out + &rollback_line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_short_and_long_forms() {
        assert_eq!(
            parse_publish("8080:80").unwrap(),
            PortConfig {
                protocol: "tcp".into(),
                target_port: 80,
                published_port: 8080,
                mode: PublishMode::Ingress
            }
        );
        let host = parse_publish("published=8080,target=80,mode=host").unwrap();
        assert_eq!(host.mode, PublishMode::Host);
        assert!(parse_publish("published=8080").is_err());
        assert!(parse_publish("a:b").is_err());
    }

    #[test]
    fn units_as_docker_cli_takes_them() {
        assert_eq!(
            parse_nano_cpus("--reserve-cpu", "0.5").unwrap(),
            500_000_000
        );
        assert_eq!(
            parse_memory_bytes("--reserve-memory", "512M").unwrap(),
            512 << 20
        );
        assert_eq!(
            parse_memory_bytes("--reserve-memory", "1g").unwrap(),
            1 << 30
        );
        assert_eq!(
            parse_memory_bytes("--reserve-memory", "lots")
                .unwrap_err()
                .message,
            "invalid argument \"lots\" for \"--reserve-memory\" flag: invalid size: 'lots'"
        );
    }

    #[test]
    fn go_durations() {
        assert_eq!(human_go_duration(5_000), "5s");
        assert_eq!(human_go_duration(90_000), "1m30s");
        assert_eq!(human_go_duration(500), "500ms");
        assert_eq!(human_go_duration(1_500), "1.5s");
    }

    #[test]
    fn create_stops_parsing_flags_at_the_image() {
        let p = parse(
            &["--name", "web", "alpine", "ping", "-c", "3"],
            &[SHARED_FLAGS, CREATE_FLAGS],
            false,
        )
        .unwrap();
        assert_eq!(p.positional, vec!["alpine", "ping", "-c", "3"]);
        assert!(parse(&["--bogus", "x"], &[SHARED_FLAGS, CREATE_FLAGS], false).is_err());
        // `--image` is an update flag; create refuses it as docker/cli does.
        assert!(
            parse(
                &["--image", "x", "nginx"],
                &[SHARED_FLAGS, CREATE_FLAGS],
                false
            )
            .is_err()
        );
        assert!(
            parse(
                &["--image", "x", "web"],
                &[SHARED_FLAGS, UPDATE_FLAGS],
                true
            )
            .is_ok()
        );
    }
}
