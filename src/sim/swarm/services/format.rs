//! What `docker service ls|ps|inspect|logs` print.
//!
//! Real Docker (docker/cli `cli/command/service/{list,ps,inspect,logs}.go`, `cli/command/task`,
//! `formatter/service.go`): `ls` is one line per service with `REPLICAS` as running/desired;
//! `ps` lists each slot's current task then its history (`\_ web.1`), errors quoted and cut at
//! 30 characters unless `--no-trunc`; `inspect` prints the service object as JSON (moby
//! `api/types/swarm`), or a `--format` template, or `--pretty` text; `logs` interleaves every
//! task's output with a `name.slot.task@node |` prefix.
//!
//! We print the same layouts from `world.swarm`. Simplified: `--format` for `inspect` only, and
//! `--filter desired-state=…` the only filter `ps` reads; the JSON carries the fields the course
//! looks at, not every field of the API.

use super::find_service;
use crate::sim::docker::error::DockerError;
use crate::sim::docker::output::tabwrite;
use crate::sim::flags::Parsed;
use crate::sim::swarm::orchestrator::ServiceMode;
use crate::sim::swarm::scheduler::{Operator, TaskSpec};
use crate::sim::swarm::service::{PortConfig, Service, Spec, UpdateConfig};
use crate::sim::swarm::task::{Task, TaskState};
use crate::sim::time::{Millis, human_duration, rfc3339};
use crate::sim::{Record, World};
use serde_json::{Value, json};

/// docker/cli `cli/command/task/print.go` `maxErrLength`.
const MAX_ERR_LENGTH: usize = 30;

/// `*:8080->80/tcp, …`: the service's published ports.
pub fn ports_text(svc: &Service) -> String {
    svc.endpoint_ports
        .iter()
        .filter(|p| p.published_port != 0)
        .map(|p| format!("*:{}->{}/{}", p.published_port, p.target_port, p.protocol))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `docker service ls`.
pub(super) fn ls(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let mut services: Vec<&Service> = world.swarm.services.values().collect();
    crate::sim::order::sort_by(&mut services, |a, b| a.spec.name.cmp(&b.spec.name));
    if p.bool("quiet") {
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
            // docker/cli's serviceContext.Image: the digest the manager pinned is left out.
            crate::sim::docker::registry::without_digest(&s.spec.template.container.image),
            ports_text(s),
        ]);
    }
    rec.out(tabwrite(&rows));
    Ok(())
}

/// `3/3`, `1/3`, `2/2 (max 1 per node)`; global: running / nodes that should run one.
pub fn replicas_text(world: &World, s: &Service) -> String {
    let running = super::super::manager::running_count(world, &s.id);
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

/// `docker service ps SERVICE…`: every named service must exist, then one table.
pub(super) fn ps(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let mut ids = Vec::new();
    for r in &p.args {
        match find_service(world, r) {
            Some(id) => ids.push(id),
            None => return Err(DockerError::new(format!("no such service: {r}"), 1)),
        }
    }
    let options = PsOptions {
        quiet: p.bool("quiet"),
        no_trunc: p.bool("no-trunc"),
        filters: p.values("filter"),
    };
    rec.out(ps_text(world, &ids, &options));
    Ok(())
}

/// What `docker service ps` (and `docker stack ps`) print besides the services.
#[derive(Clone, Debug, Default)]
pub struct PsOptions {
    pub quiet: bool,
    pub no_trunc: bool,
    /// `--filter KEY=VALUE`; only `desired-state` is read.
    pub filters: Vec<String>,
}

/// The columns of docker/cli's task table (`docker service ps`, `docker node ps`).
const TASK_COLUMNS: [&str; 8] = [
    "ID",
    "NAME",
    "IMAGE",
    "NODE",
    "DESIRED STATE",
    "CURRENT STATE",
    "ERROR",
    "PORTS",
];

impl PsOptions {
    /// Whether `--filter desired-state=…` keeps the task (no such filter keeps every task).
    fn wants(&self, t: &Task) -> bool {
        let desired = self
            .filters
            .iter()
            .find_map(|f| f.strip_prefix("desired-state="));
        match desired {
            Some("running") => t.desired_state <= TaskState::Running,
            Some("shutdown") => t.desired_state == TaskState::Shutdown,
            Some("accepted") => t.desired_state == TaskState::Accepted,
            _ => true,
        }
    }

    /// The table, or with `-q` only the task IDs.
    fn print(&self, rows: &[Vec<String>], ids: &[String]) -> String {
        if self.quiet {
            ids.join("\n")
        } else {
            tabwrite(rows)
        }
    }
}

/// The task table of services `ids` (docker/cli `task.Print`): each slot's current task, then
/// its history (`\_ web.1`), errors quoted and cut at 30 characters unless `no_trunc`.
pub fn ps_text(world: &World, ids: &[String], options: &PsOptions) -> String {
    let mut rows = vec![TASK_COLUMNS.map(String::from).to_vec()];
    let mut quiet = Vec::new();
    for id in ids {
        let svc = &world.swarm.services[id];
        for (t, history) in ordered_tasks(world, id) {
            if !options.wants(t) {
                continue;
            }
            let row = task_row(world, svc, t, history, options.no_trunc);
            quiet.push(row[0].clone());
            rows.push(row);
        }
    }
    options.print(&rows, &quiet)
}

/// `docker node ps`'s table: every task on the nodes `node_ids`, service by service (by name),
/// each slot's tasks newest first. docker/cli prints a task as history (`\_ web.1`) when it has
/// the name of the row above it, so which rows are history is decided after the node filter.
pub fn node_ps_text(world: &World, node_ids: &[String], options: &PsOptions) -> String {
    let mut services: Vec<&Service> = world.swarm.services.values().collect();
    crate::sim::order::sort_by(&mut services, |a, b| a.spec.name.cmp(&b.spec.name));
    let mut rows = vec![TASK_COLUMNS.map(String::from).to_vec()];
    let mut quiet = Vec::new();
    for svc in services {
        let mut previous: Option<String> = None;
        for (t, _) in ordered_tasks(world, &svc.id) {
            let on_node = t.node_id.as_ref().is_some_and(|n| node_ids.contains(n));
            if !on_node || !options.wants(t) {
                continue;
            }
            let name = t.name(&svc.spec.name);
            let history = previous.as_deref() == Some(name.as_str());
            previous = Some(name);
            let row = task_row(world, svc, t, history, options.no_trunc);
            quiet.push(row[0].clone());
            rows.push(row);
        }
    }
    options.print(&rows, &quiet)
}

/// One line of `docker service ps`.
fn task_row(world: &World, svc: &Service, t: &Task, history: bool, no_trunc: bool) -> Vec<String> {
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
    vec![
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
        {
            let image = &svc.template_of(t.spec_version).container.image;
            if no_trunc {
                image.clone()
            } else {
                crate::sim::docker::registry::without_digest(image)
            }
        },
        node,
        t.desired_state.title().to_string(),
        t.current_state_text(world.now_ms),
        err,
        ports,
    ]
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

/// `docker service inspect [--pretty|--format F] SERVICE…`: what was found is printed before
/// the error for the first service that was not.
pub(super) fn inspect(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let pretty = p.bool("pretty");
    let format = p.string("format");
    let mut values = Vec::new();
    let mut texts = Vec::new();
    for r in &p.args {
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

/// SwarmKit `SecretReference`s: the file and the secret, never its data.
fn secrets_json(refs: &[super::super::service::SecretRef]) -> Value {
    Value::Array(
        refs.iter()
            .map(|r| {
                json!({
                    "File": {"Name": r.target, "UID": "0", "GID": "0", "Mode": 292},
                    "SecretID": r.secret_id,
                    "SecretName": r.secret_name,
                })
            })
            .collect(),
    )
}

/// `.Spec` as the API returns it.
///
/// Long because it is one JSON document with one block per part of the spec (container,
/// resources, placement, restart, networks, logging, update and rollback), in moby's order.
fn spec_json(s: &Spec) -> Value {
    let t = &s.template;
    let c = &t.container;
    let mut container = json!({ "Image": c.image });
    if !c.labels.is_empty() {
        container["Labels"] = json!(c.labels);
    }
    if !c.args.is_empty() {
        container["Args"] = json!(c.args);
    }
    if !c.env.is_empty() {
        container["Env"] = json!(c.env);
    }
    if !c.secrets.is_empty() {
        container["Secrets"] = secrets_json(&c.secrets);
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
    if let Some(driver) = &c.log_driver {
        // A Go map: encoding/json writes its keys sorted.
        let options: std::collections::BTreeMap<&str, &str> = c
            .log_opts
            .iter()
            .filter_map(|o| o.split_once('='))
            .collect();
        task["LogDriver"] = json!({"Name": driver, "Options": options});
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
/// The placement constraints as typed (`node.role==manager`).
pub(super) fn constraint_texts(placement: &TaskSpec) -> Vec<String> {
    placement
        .constraints
        .iter()
        .map(|c| {
            format!(
                "{}{}{}",
                c.key,
                match c.operator {
                    Operator::Eq => "==",
                    Operator::NotEq => "!=",
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

/// `docker service logs SERVICE`: what each task's container wrote, in time order, prefixed
/// with the task (`web.1.abc@node-2    | …`). `--follow`, `--timestamps`, `--raw` and
/// `--no-trunc` are accepted and change nothing here.
pub(super) fn logs(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let reference = &p.args[0];
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
        let Some(c) = super::super::agent::task_container(world, t) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(human_go_duration(5_000), "5s");
        assert_eq!(human_go_duration(90_000), "1m30s");
        assert_eq!(human_go_duration(500), "500ms");
        assert_eq!(human_go_duration(1_500), "1.5s");
    }
}
