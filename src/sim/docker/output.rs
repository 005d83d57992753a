//! What the CLI prints: `ps`, `inspect`, `logs`, `port`, `images`, in Docker's own layout.
//!
//! The CLI renders tables with Go's tabwriter (columns padded to the widest cell plus three
//! spaces), durations with go-units, and `--format` with Go templates. We implement the template
//! subset people actually type: `{{.Field}}`, `{{.A.B}}`, `{{json .X}}`, `table` and `\t`.

use serde_json::{Value, json};

use super::super::time::{self, Millis};
use super::cli::PsOptions;
use super::container::{Container, Status};
use super::engine::Engine;

/// The CLI's tabwriter (`NewWriter(out, 10, 1, 3, ' ', 0)`): each column is as wide as its
/// widest cell plus 3, and at least 10; the last column is not padded.
pub fn tabwrite(rows: &[Vec<String>]) -> String {
    tabwrite_min(rows, 10)
}

/// Go's tabwriter with a minimum cell width (`NewWriter(out, minwidth, 1, 3, ' ', 0)`): each
/// column as wide as its widest cell plus 3, at least `min_width`; the last cell is not padded
/// (`docker top` uses 20).
pub fn tabwrite_min(rows: &[Vec<String>], min_width: usize) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![min_width; columns];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count() + 3);
        }
    }
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                line.push_str(cell);
                if i + 1 < row.len() {
                    line.push_str(&" ".repeat(widths[i] - cell.chars().count()));
                }
            }
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The STATUS column.
pub fn status_text(c: &Container, now_ms: Millis) -> String {
    let since =
        |at: Option<Millis>| time::human_duration(now_ms.saturating_sub(at.unwrap_or(now_ms)));
    match c.status() {
        Status::Created => "Created".to_string(),
        Status::Running => match &c.health {
            Some(h) => format!(
                "Up {} ({})",
                since(c.state.started_at),
                super::health::ps_text(h.status)
            ),
            None => format!("Up {}", since(c.state.started_at)),
        },
        Status::Paused => format!("Up {} (Paused)", since(c.state.started_at)),
        Status::Restarting => format!(
            "Restarting ({}) {} ago",
            c.state.exit_code,
            since(c.state.finished_at)
        ),
        Status::Removing => "Removal In Progress".to_string(),
        Status::Exited => format!(
            "Exited ({}) {} ago",
            c.state.exit_code,
            since(c.state.finished_at)
        ),
        Status::Dead => "Dead".to_string(),
    }
}

/// The COMMAND column. The daemon single-quotes arguments that contain a space; the CLI cuts
/// the text to 19 characters plus `…` and wraps it in double quotes.
pub fn command_text(c: &Container, no_trunc: bool) -> String {
    let command = c
        .config
        .argv()
        .iter()
        .map(|a| {
            if a.contains(' ') {
                format!("'{a}'")
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    if no_trunc || command.chars().count() <= 20 {
        format!("\"{command}\"")
    } else {
        let cut: String = command.chars().take(19).collect();
        format!("\"{cut}…\"")
    }
}

/// The PORTS column: published ports for IPv4 and IPv6, then exposed-only ports.
pub fn ports_text(c: &Container) -> String {
    let mut parts = Vec::new();
    if c.status().is_up() {
        for b in &c.bound_ports {
            let port = b.host_port.unwrap_or(0);
            parts.push(format!(
                "{}:{port}->{}/{}",
                b.host_ip,
                b.container_port,
                b.proto.as_str()
            ));
            if b.host_ip == "0.0.0.0" {
                parts.push(format!(
                    "[::]:{port}->{}/{}",
                    b.container_port,
                    b.proto.as_str()
                ));
            }
        }
        for port in &c.config.exposed_ports {
            if !c.bound_ports.iter().any(|b| b.container_port == *port) {
                parts.push(format!("{port}/tcp"));
            }
        }
    }
    parts.join(", ")
}

fn field(c: &Container, name: &str, now_ms: Millis, no_trunc: bool) -> Option<String> {
    Some(match name {
        "ID" => {
            if no_trunc {
                c.id.0.clone()
            } else {
                c.id.short().to_string()
            }
        }
        // docker/cli's ContainerContext.Image: a pinned digest is left out unless --no-trunc.
        "Image" if !no_trunc => super::registry::without_digest(&c.config.image),
        "Image" => c.config.image.clone(),
        "Command" => command_text(c, no_trunc),
        "CreatedAt" => time::go_time_string(c.created_at),
        "RunningFor" => format!(
            "{} ago",
            time::human_duration(now_ms.saturating_sub(c.created_at))
        ),
        "Ports" => ports_text(c),
        "State" => c.status().as_str().to_string(),
        "Status" => status_text(c, now_ms),
        "Names" => c.name.clone(),
        "Labels" => c
            .config
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        _ => return None,
    })
}

/// `--filter KEY=VALUE` as moby's `filters.ParseFlag` reads it, checked against the keys
/// `docker ps` accepts (`daemon/list.go` `acceptedPsFilterTags`); the ones modelled here are
/// `id`, `name`, `label`, `status` and `ancestor`.
fn parse_ps_filters(filters: &[String]) -> Result<Vec<(String, String)>, String> {
    const ACCEPTED: &[&str] = &[
        "ancestor",
        "before",
        "expose",
        "exited",
        "health",
        "id",
        "isolation",
        "is-task",
        "label",
        "name",
        "network",
        "publish",
        "since",
        "status",
        "volume",
    ];
    let mut out = Vec::new();
    for f in filters {
        let Some((k, v)) = f.split_once('=') else {
            return Err(format!(
                "invalid argument \"{f}\" for \"-f, --filter\" flag: bad format of filter (expected name=value)"
            ));
        };
        let key = k.trim().to_lowercase();
        if !ACCEPTED.contains(&key.as_str()) {
            return Err(format!(
                "Error response from daemon: invalid filter '{key}'"
            ));
        }
        if key == "status"
            && !matches!(
                v,
                "created" | "restarting" | "running" | "removing" | "paused" | "exited" | "dead"
            )
        {
            return Err(format!(
                "Error response from daemon: Unrecognised filter value for status: {v}"
            ));
        }
        out.push((key, v.trim().to_string()));
    }
    Ok(out)
}

fn ps_filter_matches(c: &Container, key: &str, value: &str) -> bool {
    match key {
        "id" => c.id.0.starts_with(value),
        // moby matches the name as a regular expression; a substring is what learners type.
        "name" => c.name.contains(value.trim_start_matches('/')),
        "label" => match value.split_once('=') {
            Some((k, v)) => c.config.labels.get(k).is_some_and(|x| x == v),
            None => c.config.labels.contains_key(value),
        },
        "status" => c.status().as_str() == value,
        "ancestor" => {
            c.config.image == value
                || c.config.image.split(':').next() == Some(value)
                || c.config.image == format!("{value}:latest")
        }
        "is-task" => c.config.labels.contains_key("com.docker.swarm.task.id") == (value == "true"),
        "exited" => c.status().as_str() == "exited" && c.state.exit_code.to_string() == value,
        // Filters not modelled here keep every container.
        _ => true,
    }
}

const HEADERS: &[(&str, &str)] = &[
    ("ID", "CONTAINER ID"),
    ("Image", "IMAGE"),
    ("Command", "COMMAND"),
    ("CreatedAt", "CREATED AT"),
    ("RunningFor", "CREATED"),
    ("Ports", "PORTS"),
    ("State", "STATE"),
    ("Status", "STATUS"),
    ("Names", "NAMES"),
    ("Labels", "LABELS"),
];

/// `docker ps`, with its flags.
pub fn ps(engine: &Engine, now_ms: Millis, options: &PsOptions) -> Result<String, String> {
    let PsOptions {
        all,
        quiet,
        no_trunc,
        latest,
        last,
        ref format,
        ref filters,
    } = *options;
    let format = format.as_deref();
    let mut list: Vec<&Container> = engine.newest_first();
    let limit = if latest { Some(1) } else { last };
    let filters = parse_ps_filters(filters)?;
    // moby: a status filter looks at every container, as `-a` does.
    let by_status = filters.iter().any(|(k, _)| k == "status");
    list.retain(|c| filters.iter().all(|(k, v)| ps_filter_matches(c, k, v)));
    if limit.is_none() && !all && !by_status {
        list.retain(|c| {
            matches!(
                c.status(),
                Status::Running | Status::Paused | Status::Restarting
            )
        });
    }
    if let Some(n) = limit {
        list.truncate(n);
    }
    if quiet {
        return Ok(list
            .iter()
            .map(|c| {
                if no_trunc {
                    c.id.0.clone()
                } else {
                    c.id.short().to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n"));
    }
    let template = match format {
        Some(f) => f.to_string(),
        None => "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}".to_string(),
    };
    let (table, body) = match template.strip_prefix("table") {
        Some(rest) => (true, rest.trim_start().to_string()),
        None => (false, template),
    };
    let body = body.replace("\\t", "\t");
    let render = |c: &Container| -> Result<String, String> {
        render_template(&body, &|path: &[&str]| {
            if path.len() == 1 {
                field(c, path[0], now_ms, no_trunc)
            } else {
                None
            }
        })
    };
    if !table {
        let lines: Result<Vec<String>, String> = list.iter().map(|c| render(c)).collect();
        return Ok(lines?.join("\n"));
    }
    let header = render_template(&body, &|path: &[&str]| {
        HEADERS
            .iter()
            .find(|(f, _)| path == [*f])
            .map(|(_, h)| h.to_string())
    })?;
    let mut rows = vec![header.split('\t').map(str::to_string).collect::<Vec<_>>()];
    for c in list {
        rows.push(render(c)?.split('\t').map(str::to_string).collect());
    }
    Ok(tabwrite(&rows))
}

/// Evaluates `{{.A.B}}` and `{{json .A}}` placeholders with `lookup`.
pub fn render_template(
    template: &str,
    lookup: &dyn Fn(&[&str]) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or_else(|| "template parsing error: template: :1: unclosed action".to_string())?;
        let action = after[..close].trim();
        let (json_fn, expr) = match action.strip_prefix("json ") {
            Some(e) => (true, e.trim()),
            None => (false, action),
        };
        let path_text = expr.strip_prefix('.').ok_or_else(|| {
            format!("template parsing error: template: :1: function \"{expr}\" not defined")
        })?;
        let path: Vec<&str> = if path_text.is_empty() {
            Vec::new()
        } else {
            path_text.split('.').collect()
        };
        let value = lookup(&path).ok_or_else(|| {
            format!(
                "template: :1:{}: executing \"\" at <.{path_text}>: can't evaluate field {} in type container",
                open + 3,
                path.last().unwrap_or(&"")
            )
        })?;
        if json_fn
            && !value.starts_with(['{', '[', '"'])
            && value.parse::<f64>().is_err()
            && value != "true"
            && value != "false"
            && value != "null"
        {
            out.push_str(&format!("\"{value}\""));
        } else {
            out.push_str(&value);
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `docker inspect` of a container, the keys in the engine's order.
/// Long because it is one JSON document with the keys in the engine's order.
pub fn inspect_json(c: &Container) -> Value {
    let time_or_zero = |t: Option<Millis>| {
        t.map(time::rfc3339)
            .unwrap_or_else(|| time::GO_ZERO_TIME.to_string())
    };
    let mut port_bindings = serde_json::Map::new();
    for b in &c.host_config.port_bindings {
        port_bindings.insert(
            format!("{}/{}", b.container_port, b.proto.as_str()),
            json!([{ "HostIp": if b.host_ip == "0.0.0.0" { "" } else { b.host_ip.as_str() }, "HostPort": b.host_port.map(|p| p.to_string()).unwrap_or_default() }]),
        );
    }
    let mut ports = serde_json::Map::new();
    for port in &c.config.exposed_ports {
        ports.insert(format!("{port}/tcp"), Value::Null);
    }
    for b in &c.bound_ports {
        if !c.status().is_up() {
            break;
        }
        let mut entries =
            vec![json!({ "HostIp": b.host_ip, "HostPort": b.host_port.unwrap_or(0).to_string() })];
        if b.host_ip == "0.0.0.0" {
            entries
                .push(json!({ "HostIp": "::", "HostPort": b.host_port.unwrap_or(0).to_string() }));
        }
        ports.insert(
            format!("{}/{}", b.container_port, b.proto.as_str()),
            Value::Array(entries),
        );
    }
    let exposed: serde_json::Map<String, Value> = c
        .config
        .exposed_ports
        .iter()
        .map(|p| (format!("{p}/tcp"), json!({})))
        .collect();
    let argv = c.config.argv();
    // moby's MountPoint: volumes live under the local driver's folder; binds show the host path.
    let mounts: Vec<Value> =
        c.fs.mounts
            .iter()
            .map(|m| {
                let kind = m.kind.as_str();
                match m.kind {
                    super::mount::MountKind::Volume => json!({
                        "Type": kind,
                        "Name": m.source,
                        "Source": format!("/var/lib/docker/volumes/{}/_data", m.source),
                        "Destination": m.target,
                        "Driver": "local",
                        "Mode": "z",
                        "RW": !m.read_only,
                        "Propagation": "",
                    }),
                    super::mount::MountKind::Bind => json!({
                        "Type": kind,
                        "Source": m.source,
                        "Destination": m.target,
                        "Mode": "",
                        "RW": !m.read_only,
                        "Propagation": "rprivate",
                    }),
                    super::mount::MountKind::Tmpfs => json!({
                        "Type": kind,
                        "Source": "",
                        "Destination": m.target,
                        "Mode": "",
                        "RW": !m.read_only,
                        "Propagation": "",
                    }),
                }
            })
            .collect();
    let mut value = json!({
        "Id": c.id.0,
        "Created": time::rfc3339(c.created_at),
        "Path": argv.first().cloned().unwrap_or_default(),
        "Args": argv.iter().skip(1).collect::<Vec<_>>(),
        "State": {
            "Status": c.status().as_str(),
            "Running": matches!(c.status(), Status::Running | Status::Paused),
            "Paused": c.status() == Status::Paused,
            "Restarting": c.status() == Status::Restarting,
            "OOMKilled": c.state.oom_killed,
            "Dead": c.status() == Status::Dead,
            "Pid": c.state.pid,
            "ExitCode": c.state.exit_code,
            "Error": c.state.error,
            "StartedAt": time_or_zero(c.state.started_at),
            "FinishedAt": time_or_zero(c.state.finished_at),
        },
        "Image": format!("sha256:{}", c.config.image_id),
        "LogPath": super::disk::log_path(&c.id),
        "Name": c.slash_name(),
        "RestartCount": c.restart_count,
        "HostConfig": {
            "PortBindings": port_bindings,
            "RestartPolicy": {
                "Name": c.host_config.restart_policy.as_str(),
                "MaximumRetryCount": c.host_config.restart_policy.maximum_retry_count,
            },
            "AutoRemove": c.host_config.auto_remove,
            "LogConfig": c.host_config.log_config.to_json(),
            "PublishAllPorts": c.host_config.publish_all,
            "Memory": c.host_config.memory_bytes,
            "MemorySwap": c.host_config.memory_swap_bytes,
            "NanoCpus": c.host_config.nano_cpus,
        },
        "Mounts": mounts,
        "Config": {
            "Hostname": c.config.hostname,
            "User": c.config.user,
            "Tty": c.config.tty,
            "OpenStdin": c.config.open_stdin,
            "ExposedPorts": exposed,
            "Env": c.config.env,
            "Cmd": c.config.cmd,
            "Image": c.config.image,
            "Entrypoint": if c.config.entrypoint.is_empty() { Value::Null } else { json!(c.config.entrypoint) },
            "StopSignal": c.config.stop_signal,
            "StopTimeout": c.config.stop_timeout_s,
            "Labels": c.config.labels,
        },
        "NetworkSettings": {
            "Ports": ports,
            "IPAddress": c.ip_address.clone().unwrap_or_default(),
        },
    });
    if let (Some(h), Some(state)) = (
        &c.health,
        value.get_mut("State").and_then(Value::as_object_mut),
    ) {
        state.insert("Health".to_string(), super::health::inspect_json(h));
    }
    value
}

/// `docker inspect` without `--format`: a JSON array indented with four spaces.
pub fn inspect_text(values: &[Value]) -> String {
    use serde::Serialize;
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    if values.serialize(&mut serializer).is_err() {
        return "[]".to_string();
    }
    String::from_utf8(out).unwrap_or_else(|_| "[]".to_string())
}

/// How Go's template engine prints a value.
pub fn go_print(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(go_print).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(map) => format!(
            "map[{}]",
            map.iter()
                .map(|(k, v)| format!("{k}:{}", go_print(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// `docker inspect --format`.
pub fn inspect_format(value: &Value, template: &str) -> Result<String, String> {
    // Resolve `json .X` with JSON, plain paths with Go's printing.
    let mut out = String::new();
    let mut rest = template.replace("\\n", "\n");
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = rest[open + 2..].to_string();
        let close = after
            .find("}}")
            .ok_or_else(|| "template parsing error: template: :1: unclosed action".to_string())?;
        let action = after[..close].trim().to_string();
        let (as_json, expr) = match action.strip_prefix("json") {
            Some(e) => (true, e.trim().to_string()),
            None => (false, action.clone()),
        };
        // `index .Config.Labels "com.docker.compose.service"`: a map key with dots in it.
        let (expr, index_key) = match expr.strip_prefix("index ") {
            Some(args) => {
                let args = args.trim();
                let (path, key) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
                let key = key.trim();
                let key = key
                    .strip_prefix('"')
                    .and_then(|k| k.strip_suffix('"'))
                    .ok_or_else(|| {
                        format!(
                            "template parsing error: template: :1: unexpected {key:?} in operand"
                        )
                    })?;
                (path.to_string(), Some(key.to_string()))
            }
            None => (expr, None),
        };
        let path = expr.strip_prefix('.').ok_or_else(|| {
            format!("template parsing error: template: :1: function \"{expr}\" not defined")
        })?;
        let mut current = value;
        for key in path.split('.').filter(|k| !k.is_empty()) {
            current = current.get(key).ok_or_else(|| {
                format!("template: :1:{}: executing \"\" at <.{path}>: map has no entry for key \"{key}\"", open + 3)
            })?;
        }
        if let Some(key) = &index_key {
            // Go's index on a map gives the zero value for a missing key.
            static EMPTY: Value = Value::Null;
            current = current.get(key.as_str()).unwrap_or(&EMPTY);
            if current.is_null() && !as_json {
                rest = after[close + 2..].to_string();
                continue;
            }
        }
        if as_json {
            out.push_str(&serde_json::to_string(current).unwrap_or_default());
        } else {
            out.push_str(&go_print(current));
        }
        rest = after[close + 2..].to_string();
    }
    out.push_str(&rest);
    Ok(out)
}

/// `docker port`.
pub fn port_lines(
    c: &Container,
    given: &str,
    private_port: Option<&str>,
) -> Result<Vec<String>, String> {
    if let Some(wanted) = private_port {
        let number = wanted.split('/').next().unwrap_or(wanted);
        if number.parse::<u16>().is_err() {
            return Err(format!(
                "Error: invalid port ({number}): strconv.ParseUint: parsing \"{number}\": invalid syntax"
            ));
        }
    }
    let mut lines = Vec::new();
    let bound: &[super::container::PortBinding] = if c.status().is_up() {
        &c.bound_ports
    } else {
        &[]
    };
    for b in bound {
        let key = format!("{}/{}", b.container_port, b.proto.as_str());
        if let Some(wanted) = private_port {
            let wanted_key = if wanted.contains('/') {
                wanted.to_string()
            } else {
                format!("{wanted}/tcp")
            };
            if wanted_key != key {
                continue;
            }
        }
        let port = b.host_port.unwrap_or(0);
        let mut addresses = vec![format!("{}:{port}", b.host_ip)];
        if b.host_ip == "0.0.0.0" {
            addresses.push(format!("[::]:{port}"));
        }
        for address in addresses {
            if private_port.is_some() {
                lines.push(address);
            } else {
                lines.push(format!("{key} -> {address}"));
            }
        }
    }
    if let (Some(wanted), true) = (private_port, lines.is_empty()) {
        // The CLI echoes the port and the container as typed.
        return Err(format!(
            "Error: No public port '{wanted}' published for {given}"
        ));
    }
    Ok(lines)
}

// `docker images` lives in imagecmd.rs with the other image commands.

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabwriter_pads_three_spaces() {
        let out = tabwrite(&[
            vec!["A".into(), "BB".into()],
            vec!["CCC".into(), "D".into()],
        ]);
        assert_eq!(out, "A         BB\nCCC       D");
        let out = tabwrite(&[vec!["CONTAINER ID".into(), "X".into()]]);
        assert_eq!(out, "CONTAINER ID   X");
    }

    #[test]
    fn templates_resolve_fields() {
        let out = render_template("{{.Names}}: {{.Status}}", &|p: &[&str]| match p {
            ["Names"] => Some("web".into()),
            ["Status"] => Some("Up 2 seconds".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(out, "web: Up 2 seconds");
        assert!(render_template("{{.Nope}}", &|_: &[&str]| None).is_err());
    }

    #[test]
    fn inspect_format_walks_paths() {
        let v = json!({"State": {"Status": "exited", "ExitCode": 137}});
        assert_eq!(
            inspect_format(&v, "{{.State.Status}} {{.State.ExitCode}}").unwrap(),
            "exited 137"
        );
        assert_eq!(
            inspect_format(&v, "{{json .State}}").unwrap(),
            "{\"Status\":\"exited\",\"ExitCode\":137}"
        );
        assert!(inspect_format(&v, "{{.State.Nope}}").is_err());
    }
}
