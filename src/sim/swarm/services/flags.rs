//! The `docker service` command line: one [`Command`] per subcommand, and the flags turned into
//! changes to a [`Spec`].
//!
//! Real Docker (docker/cli `cli/command/service/{create,update,opts}.go`): `create` and `update`
//! share most flags (`addServiceFlags`); `create` takes lists (`--env`, `--publish`, `--label`…)
//! where `update` takes `-add`/`-rm` pairs; `create` stops reading flags at the image, so the rest
//! is the task's command. Values are parsed by the flag's own type when pflag sets it (`uint`,
//! `duration`, `decimal` CPUs, `bytes`, `port`, `mount`), so a bad value is a flag error: the
//! usage line and exit 125 (docker/cli `FlagErrorFunc`).
//!
//! We keep the same flags and the same meaning (units as docker/cli takes them: `0.5` CPUs,
//! `512M`, Go durations). Simplified: `--mount` takes type/source/target (other keys are
//! accepted and dropped); flags Docker has that we do not model are refused by name.

use super::super::orchestrator::{RestartCondition, ServiceMode};
use super::super::service::{
    EndpointMode, FailureAction, PortConfig, PublishMode, ServiceMount, Spec, UpdateConfig,
    UpdateOrder,
};
use crate::sim::docker::error::DockerError;
use crate::sim::flags::{Arity, Command, Flag, Parsed};
use crate::sim::time::Millis;

/// The flags `create` and `update` share (docker/cli `addServiceFlags`), then `$extra`.
macro_rules! service_flags {
    ($($extra:expr),* $(,)?) => {
        &[
            Flag::typed("replicas", None, "uint"),
            Flag::typed("reserve-cpu", None, "decimal"),
            Flag::typed("reserve-memory", None, "bytes"),
            Flag::typed("limit-cpu", None, "decimal"),
            Flag::typed("limit-memory", None, "bytes"),
            Flag::typed("container-label", None, "list"),
            Flag::typed("update-parallelism", None, "uint"),
            Flag::typed("update-delay", None, "duration"),
            Flag::string("update-failure-action", None),
            Flag::typed("update-monitor", None, "duration"),
            Flag::typed("update-max-failure-ratio", None, "float"),
            Flag::string("update-order", None),
            Flag::typed("rollback-parallelism", None, "uint"),
            Flag::typed("rollback-delay", None, "duration"),
            Flag::string("rollback-failure-action", None),
            Flag::typed("rollback-monitor", None, "duration"),
            Flag::typed("rollback-max-failure-ratio", None, "float"),
            Flag::string("rollback-order", None),
            Flag::string("restart-condition", None),
            Flag::typed("restart-delay", None, "duration"),
            Flag::typed("restart-max-attempts", None, "uint"),
            Flag::typed("restart-window", None, "duration"),
            Flag::string("health-cmd", None),
            Flag::typed("health-interval", None, "duration"),
            Flag::typed("health-retries", None, "int"),
            Flag::typed("health-timeout", None, "duration"),
            Flag::typed("health-start-period", None, "duration"),
            Flag::bool("no-healthcheck", None),
            Flag::string("endpoint-mode", None),
            Flag::typed("stop-grace-period", None, "duration"),
            Flag::string("stop-signal", None),
            Flag::typed("replicas-max-per-node", None, "uint"),
            Flag::string("log-driver", None),
            Flag::typed("log-opt", None, "list"),
            Flag::bool("detach", Some('d')),
            Flag::bool("quiet", Some('q')),
            $($extra),*
        ]
    };
}

/// Real `create`/`update` flags this simulation does not model: refused by name.
const SPEC_NOT_SIMULATED: &[(&str, Option<char>)] = &[
    ("config", None),
    ("hostname", None),
    ("user", Some('u')),
    ("workdir", Some('w')),
    ("entrypoint", None),
    ("dns", None),
    ("init", None),
    ("tty", Some('t')),
    ("read-only", None),
    ("with-registry-auth", None),
    ("log-driver", None),
    ("log-opt", None),
    ("cap-add", None),
    ("cap-drop", None),
    ("placement-pref", None),
    ("sysctl", None),
    ("ulimit", None),
];

pub(super) const CREATE: Command = Command::docker(
    "docker service create",
    "docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]",
    "Create a new service",
    service_flags!(
        Flag::string("name", None),
        Flag::string("mode", None),
        Flag::typed("publish", Some('p'), "port"),
        Flag::typed("network", None, "network"),
        Flag::typed("constraint", None, "list"),
        Flag::typed("env", Some('e'), "list"),
        Flag::typed("mount", None, "mount"),
        Flag::typed("label", Some('l'), "list"),
        Flag::typed("secret", None, "secret"),
    ),
)
.args(Arity::AtLeast(1))
.stop_at_first_arg()
.not_simulated(SPEC_NOT_SIMULATED);

pub(super) const UPDATE: Command = Command::docker(
    "docker service update",
    "docker service update [OPTIONS] SERVICE",
    "Update a service",
    service_flags!(
        Flag::typed("publish-add", None, "port"),
        Flag::typed("publish-rm", None, "port"),
        Flag::typed("network-add", None, "network"),
        Flag::typed("network-rm", None, "list"),
        Flag::typed("constraint-add", None, "list"),
        Flag::typed("constraint-rm", None, "list"),
        Flag::typed("env-add", None, "list"),
        Flag::typed("env-rm", None, "list"),
        Flag::typed("mount-add", None, "mount"),
        Flag::typed("mount-rm", None, "list"),
        Flag::typed("label-add", None, "list"),
        Flag::typed("label-rm", None, "list"),
        Flag::string("image", None),
        Flag::typed("args", None, "command"),
        Flag::bool("force", None),
        Flag::bool("rollback", None),
        Flag::typed("secret-add", None, "secret"),
        Flag::typed("secret-rm", None, "list"),
    ),
)
.args(Arity::Exactly(1))
.not_simulated(SPEC_NOT_SIMULATED);

pub(super) const LS: Command = Command::docker(
    "docker service ls",
    "docker service ls [OPTIONS]",
    "List services",
    &[Flag::bool("quiet", Some('q'))],
)
.args(Arity::None)
.not_simulated(&[("filter", Some('f')), ("format", None)]);

pub(super) const PS: Command = Command::docker(
    "docker service ps",
    "docker service ps [OPTIONS] SERVICE [SERVICE...]",
    "List the tasks of one or more services",
    &[
        Flag::bool("quiet", Some('q')),
        Flag::bool("no-trunc", None),
        Flag::typed("filter", Some('f'), "filter"),
    ],
)
.args(Arity::AtLeast(1))
.not_simulated(&[("format", None), ("no-resolve", None)]);

pub(super) const INSPECT: Command = Command::docker(
    "docker service inspect",
    "docker service inspect [OPTIONS] SERVICE [SERVICE...]",
    "Display detailed information on one or more services",
    &[
        Flag::string("format", Some('f')),
        Flag::bool("pretty", None),
    ],
)
.args(Arity::AtLeast(1));

pub(super) const SCALE: Command = Command::docker(
    "docker service scale",
    "docker service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]",
    "Scale one or multiple replicated services",
    &[Flag::bool("detach", Some('d'))],
)
.args(Arity::AtLeast(1));

pub(super) const ROLLBACK: Command = Command::docker(
    "docker service rollback",
    "docker service rollback [OPTIONS] SERVICE",
    "Revert changes to a service's configuration",
    &[
        Flag::bool("detach", Some('d')),
        Flag::bool("quiet", Some('q')),
    ],
)
.args(Arity::Exactly(1));

pub(super) const RM: Command = Command::docker(
    "docker service rm",
    "docker service rm SERVICE [SERVICE...]",
    "Remove one or more services",
    &[],
)
.args(Arity::AtLeast(1));

pub(super) const LOGS: Command = Command::docker(
    "docker service logs",
    "docker service logs [OPTIONS] SERVICE|TASK",
    "Fetch the logs of a service or task",
    &[
        Flag::bool("follow", Some('f')),
        Flag::bool("timestamps", Some('t')),
        Flag::bool("raw", None),
        Flag::bool("no-trunc", None),
    ],
)
.args(Arity::Exactly(1))
.not_simulated(&[
    ("tail", Some('n')),
    ("since", None),
    ("details", None),
    ("no-task-ids", None),
    ("no-resolve", None),
]);

/// Every `docker service` subcommand, in `docker service --help` order.
pub(crate) const COMMANDS: &[Command] =
    &[CREATE, INSPECT, LOGS, LS, PS, RM, ROLLBACK, SCALE, UPDATE];

/// The subcommand a word names (docker/cli aliases: `ls`/`list`, `rm`/`remove`).
pub(super) fn command(verb: &str) -> Option<&'static Command> {
    let name = match verb {
        "list" => "ls",
        "remove" => "rm",
        other => other,
    };
    COMMANDS
        .iter()
        .find(|c| c.name() == format!("service {name}"))
}

// ---------------------------------------------------------------------------------------------
// Values, as each flag's pflag type parses them (the `why` after `invalid argument …`)

fn uint(v: &str) -> Result<u64, String> {
    v.parse::<u64>()
        .map_err(|_| format!("strconv.ParseUint: parsing \"{v}\": invalid syntax"))
}

fn duration(v: &str) -> Result<Millis, String> {
    crate::sim::docker::health::parse_duration_ms(v)
        .ok_or_else(|| format!("time: invalid duration \"{v}\""))
}

pub use crate::sim::flags::{memory_bytes, nano_cpus};

/// `--publish 8080:80`, `--publish published=8080,target=80,mode=host` (docker/cli `PortOpt`).
pub fn publish(v: &str) -> Result<PortConfig, String> {
    let bad = || format!("invalid port format: {v}");
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
                            return Err(format!(
                                "invalid publish mode value ({val}): must be either \"ingress\" or \"host\""
                            ));
                        }
                    }
                }
                _ => return Err(format!("invalid field key {k}")),
            }
        }
        if port.target_port == 0 {
            return Err("missing mandatory field \"target\"".into());
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
fn mount(v: &str) -> Result<ServiceMount, String> {
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
            _ => return Err(format!("unexpected key '{k}' in '{field}'")),
        }
    }
    if m.target.is_empty() {
        return Err("target is required".into());
    }
    Ok(m)
}

/// A scalar flag's last value through its parser; a bad value is `cmd`'s flag error.
fn value<T>(
    cmd: &Command,
    p: &Parsed,
    long: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, DockerError> {
    match p.value(long) {
        None => Ok(None),
        Some(v) => parse(v)
            .map(Some)
            .map_err(|why| cmd.invalid_value(long, v, &why)),
    }
}

/// Every value of the slice flags `longs`, in that order, through `parse`.
fn values<T>(
    cmd: &Command,
    p: &Parsed,
    longs: &[&str],
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, DockerError> {
    let mut out = Vec::new();
    for long in longs {
        for v in p.values(long) {
            out.push(parse(&v).map_err(|why| cmd.invalid_value(long, &v, &why))?);
        }
    }
    Ok(out)
}

/// The values of the string slice flags `longs`, in that order.
fn strings(p: &Parsed, longs: &[&str]) -> Vec<String> {
    longs.iter().flat_map(|l| p.values(l)).collect()
}

// ---------------------------------------------------------------------------------------------
// Parsed → Spec

/// `--mode` (create only): docker/cli `ToServiceMode`.
pub(super) fn mode(p: &Parsed) -> Result<ServiceMode, DockerError> {
    match p.value("mode") {
        None | Some("replicated") => Ok(ServiceMode::Replicated { replicas: 1 }),
        Some("global") => Ok(ServiceMode::Global),
        Some(other) => Err(DockerError::new(
            format!("Unknown mode: {other}, only replicated and global supported"),
            1,
        )),
    }
}

/// Apply the flags `create` and `update` share to `spec` (`creating`: start from no
/// constraints rather than the spec's own). The daemon's checks run later
/// (super::validate::spec).
pub(super) fn apply_flags(
    cmd: &Command,
    spec: &mut Spec,
    p: &Parsed,
    creating: bool,
) -> Result<(), DockerError> {
    if let Some(n) = value(cmd, p, "replicas", uint)? {
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
    apply_lists(cmd, spec, p, creating)?;
    apply_task(cmd, spec, p)?;
    apply_health(spec, p)?;
    if let Some(v) = p.value("endpoint-mode") {
        spec.endpoint_mode = match v {
            "vip" => EndpointMode::Vip,
            "dnsrr" => EndpointMode::Dnsrr,
            _ => return Err(cmd.invalid_value("endpoint-mode", v, "invalid endpoint mode")),
        };
    }
    spec.update = update_config(cmd, p, "update", spec.update, false)?;
    spec.rollback = update_config(cmd, p, "rollback", spec.rollback, true)?;
    Ok(())
}

/// The list flags: env, ports, networks, constraints, mounts, labels (create's lists and
/// update's `-add`/`-rm` pairs).
fn apply_lists(
    cmd: &Command,
    spec: &mut Spec,
    p: &Parsed,
    creating: bool,
) -> Result<(), DockerError> {
    let t = &mut spec.template;
    for v in strings(p, &["env", "env-add"]) {
        let key = v.split('=').next().unwrap_or(&v).to_string();
        t.container
            .env
            .retain(|e| e.split('=').next() != Some(&key));
        t.container.env.push(v);
    }
    for v in p.values("env-rm") {
        t.container.env.retain(|e| e.split('=').next() != Some(&v));
    }
    for port in values(cmd, p, &["publish", "publish-add"], publish)? {
        spec.ports.retain(|q| {
            !(q.published_port == port.published_port
                && q.protocol == port.protocol
                && port.published_port != 0)
        });
        spec.ports.push(port);
    }
    for v in p.values("publish-rm") {
        let target: u16 = v
            .split('/')
            .next()
            .unwrap_or(&v)
            .split(':')
            .next_back()
            .unwrap_or(&v)
            .parse()
            .unwrap_or(0);
        spec.ports
            .retain(|q| q.published_port != target && q.target_port != target);
    }
    for v in strings(p, &["network", "network-add"]) {
        if !t.networks.contains(&v) {
            t.networks.push(v);
        }
    }
    for v in p.values("network-rm") {
        t.networks.retain(|n| *n != v);
    }
    let mut constraints: Vec<String> = if creating {
        Vec::new()
    } else {
        super::format::constraint_texts(&t.placement)
    };
    constraints.extend(strings(p, &["constraint", "constraint-add"]));
    for v in p.values("constraint-rm") {
        constraints.retain(|c| *c != v);
    }
    t.placement.constraints = super::super::scheduler::parse_constraints(&constraints)
        .map_err(|e| DockerError::daemon(e.daemon_text()))?;
    // `--publish mode=host` binds the port on the task's node: the scheduler's HostPortFilter
    // keeps two tasks of the service off one node, as it does for a stack's `mode: host`.
    t.placement.host_ports = super::super::service::host_ports(&spec.ports);
    for m in values(cmd, p, &["mount", "mount-add"], mount)? {
        t.container.mounts.retain(|o| o.target != m.target);
        t.container.mounts.push(m);
    }
    for v in p.values("mount-rm") {
        t.container.mounts.retain(|o| o.target != v);
    }
    for v in p.values("container-label") {
        let (k, val) = v.split_once('=').unwrap_or((&v, ""));
        t.container.labels.insert(k.into(), val.into());
    }
    for v in strings(p, &["label", "label-add"]) {
        let (k, val) = v.split_once('=').unwrap_or((&v, ""));
        spec.labels.insert(k.into(), val.into());
    }
    for v in p.values("label-rm") {
        spec.labels.remove(&v);
    }
    Ok(())
}

/// Resources, placement limits, stop and restart settings of the task template.
fn apply_task(cmd: &Command, spec: &mut Spec, p: &Parsed) -> Result<(), DockerError> {
    let t = &mut spec.template;
    if let Some(v) = value(cmd, p, "reserve-cpu", nano_cpus)? {
        t.placement.reserve_nano_cpus = v;
    }
    if let Some(v) = value(cmd, p, "reserve-memory", memory_bytes)? {
        t.placement.reserve_memory_bytes = v;
    }
    if let Some(v) = value(cmd, p, "limit-cpu", nano_cpus)? {
        t.limit_nano_cpus = v;
    }
    if let Some(v) = value(cmd, p, "limit-memory", memory_bytes)? {
        t.limit_memory_bytes = v;
    }
    if let Some(v) = value(cmd, p, "replicas-max-per-node", uint)? {
        t.placement.max_replicas_per_node = v;
    }
    if let Some(v) = value(cmd, p, "stop-grace-period", duration)? {
        t.container.stop_grace_ms = v;
    }
    if let Some(v) = p.value("stop-signal") {
        t.container.stop_signal = (!v.is_empty()).then(|| v.to_string());
    }
    // docker/cli (`logDriverOptions.toAPI`, `updateLogDriver`): the options travel with a
    // driver; `--log-opt` without `--log-driver` is dropped, and a new driver replaces the
    // options whole.
    if let Some(v) = p.value("log-driver") {
        t.container.log_driver = (!v.is_empty()).then(|| v.to_string());
        t.container.log_opts = p.values("log-opt");
    }
    let condition = |v: &str| {
        RestartCondition::parse(v)
            .ok_or_else(|| "invalid RestartCondition: must be one of none, on-failure, any".into())
    };
    if let Some(v) = value(cmd, p, "restart-condition", condition)? {
        t.restart.condition = v;
    }
    if let Some(v) = value(cmd, p, "restart-delay", duration)? {
        t.restart.delay_ms = v;
    }
    if let Some(v) = value(cmd, p, "restart-max-attempts", uint)? {
        t.restart.max_attempts = v;
    }
    if let Some(v) = value(cmd, p, "restart-window", duration)? {
        t.restart.window_ms = v;
    }
    Ok(())
}

/// `--health-*` and `--no-healthcheck`, over the template's current check.
fn apply_health(spec: &mut Spec, p: &Parsed) -> Result<(), DockerError> {
    use crate::sim::docker::health::{HealthOptions, from_options};
    let health_flags = [
        "health-cmd",
        "health-interval",
        "health-retries",
        "health-timeout",
        "health-start-period",
        "no-healthcheck",
    ];
    if !health_flags.iter().any(|f| p.has(f)) {
        return Ok(());
    }
    let options = HealthOptions::from_flags(|name| p.string(name), p.bool("no-healthcheck"))
        .map_err(|e| DockerError::new(e, 1))?;
    let c = &mut spec.template.container;
    let base_test = c.health.as_ref().map(|h| h.test.clone());
    let timing = c
        .health
        .as_ref()
        .map(|h| HealthOptions {
            interval_ms: h.interval_ms,
            timeout_ms: h.timeout_ms,
            start_period_ms: h.start_period_ms,
            start_interval_ms: h.start_interval_ms,
            retries: h.retries,
            ..Default::default()
        })
        .unwrap_or_default();
    c.health = from_options(&options, base_test.as_ref(), &timing);
    Ok(())
}

/// `--update-*` or `--rollback-*` (`prefix`) over `c`.
fn update_config(
    cmd: &Command,
    p: &Parsed,
    prefix: &str,
    mut c: UpdateConfig,
    rollback: bool,
) -> Result<UpdateConfig, DockerError> {
    let flag = |s: &str| format!("{prefix}-{s}");
    if let Some(v) = value(cmd, p, &flag("parallelism"), uint)? {
        c.parallelism = v;
    }
    if let Some(v) = value(cmd, p, &flag("delay"), duration)? {
        c.delay_ms = v;
    }
    if let Some(v) = value(cmd, p, &flag("monitor"), duration)? {
        c.monitor_ms = v;
    }
    let action = |v: &str| {
        match FailureAction::parse(v) {
            Some(FailureAction::Rollback) if rollback => None,
            other => other,
        }
        .ok_or_else(|| {
            format!(
                "must be one of {}",
                if rollback {
                    "pause, continue"
                } else {
                    "pause, continue, rollback"
                }
            )
        })
    };
    if let Some(v) = value(cmd, p, &flag("failure-action"), action)? {
        c.failure_action = v;
    }
    let ratio = |v: &str| {
        v.parse::<f64>()
            .map_err(|_| format!("strconv.ParseFloat: parsing \"{v}\": invalid syntax"))
    };
    if let Some(r) = value(cmd, p, &flag("max-failure-ratio"), ratio)? {
        if !(0.0..=1.0).contains(&r) {
            return Err(DockerError::daemon(format!(
                "rpc error: code = InvalidArgument desc = TaskSpec: {prefix} max failure ratio must be between 0 and 1"
            )));
        }
        c.max_failure_ratio_per_mille = (r * 1000.0).round() as u64;
    }
    let order = |v: &str| {
        UpdateOrder::parse(v).ok_or_else(|| "must be one of start-first, stop-first".to_string())
    };
    if let Some(v) = value(cmd, p, &flag("order"), order)? {
        c.order = v;
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn publish_short_and_long_forms() {
        assert_eq!(
            publish("8080:80").unwrap(),
            PortConfig {
                protocol: "tcp".into(),
                target_port: 80,
                published_port: 8080,
                mode: PublishMode::Ingress
            }
        );
        let host = publish("published=8080,target=80,mode=host").unwrap();
        assert_eq!(host.mode, PublishMode::Host);
        assert!(publish("published=8080").is_err());
        assert!(publish("a:b").is_err());
    }

    #[test]
    fn units_as_docker_cli_takes_them() {
        assert_eq!(nano_cpus("0.5").unwrap(), 500_000_000);
        assert_eq!(memory_bytes("512M").unwrap(), 512 << 20);
        assert_eq!(memory_bytes("1g").unwrap(), 1 << 30);
        let mut spec = Spec::new("web", "nginx");
        let p = CREATE.parse(&words("--reserve-memory lots nginx")).unwrap();
        let e = apply_flags(&CREATE, &mut spec, &p, true).unwrap_err();
        assert_eq!(e.exit_code, 125);
        assert!(
            e.message.starts_with(
                "invalid argument \"lots\" for \"--reserve-memory\" flag: invalid size: 'lots'\n\nUsage:  docker service create [OPTIONS] IMAGE"
            ),
            "{}",
            e.message
        );
        let p = CREATE.parse(&words("-p 8080 -p x:80 nginx")).unwrap();
        let e = apply_flags(&CREATE, &mut spec, &p, true).unwrap_err();
        assert!(e.message.starts_with(
            "invalid argument \"x:80\" for \"-p, --publish\" flag: invalid port format"
        ));
    }

    #[test]
    fn create_stops_parsing_flags_at_the_image() {
        let p = CREATE.parse(&words("--name web alpine ping -c 3")).unwrap();
        assert_eq!(p.args, words("alpine ping -c 3"));
        assert_eq!(p.value("name"), Some("web"));
        let e = CREATE.parse(&words("--bogus x")).unwrap_err();
        assert_eq!(e.exit_code, 125);
        // `--image` is an update flag; create refuses it as docker/cli does.
        assert!(CREATE.parse(&words("--image x nginx")).is_err());
        assert!(UPDATE.parse(&words("--image x web")).is_ok());
        assert!(command("list").is_some_and(|c| c.path == "docker service ls"));
        assert!(command("remove").is_some_and(|c| c.path == "docker service rm"));
    }
}
