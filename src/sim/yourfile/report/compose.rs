//! The rules on the compose or stack file itself (`DY1xx`), one function per rule.
//!
//! Real life: dclint checks Compose files for style and a few safety rules; `docker stack deploy`
//! silently ignores keys Compose honours (`restart`, `depends_on`, `container_name`), and the
//! production checklist (tags, healthchecks, limits, logs, secrets, root, socket) lives in people's
//! heads. What we model: each rule reads the loaded model for meaning (after `.env`
//! interpolation) and the YAML tree as written for positions and fixes. What we simplify: a
//! database is an image the catalogue knows keeps state, and a fix is offered only where its
//! value is sure (the catalogue's current tag, a known image's usual healthcheck).

use super::{Ctx, Draft, Finding, Mode, See, Severity, at, text};
use crate::sim::docker::catalogue::{self, Repository};
use crate::sim::docker::compose::model::{Port, Service};
use crate::sim::docker::compose::yaml::{Node, Value};
use crate::sim::docker::image::ImageRef;
use crate::sim::swarm::stack::{DEPRECATED, UNSUPPORTED};

/// Images that keep state, and the folder they keep it in.
const STATEFUL: &[(&str, &str)] = &[
    ("postgres", "/var/lib/postgresql/data"),
    ("mysql", "/var/lib/mysql"),
    ("mariadb", "/var/lib/mysql"),
    ("mongo", "/data/db"),
    ("redis", "/data"),
    ("mcr.microsoft.com/azure-sql-edge", "/var/opt/mssql"),
    ("elasticsearch", "/usr/share/elasticsearch/data"),
    (
        "docker.elastic.co/elasticsearch/elasticsearch",
        "/usr/share/elasticsearch/data",
    ),
    ("rabbitmq", "/var/lib/rabbitmq"),
];

/// Catalogue kinds that hold data other services query (search engines are named one by one:
/// Logstash is catalogued as one but keeps nothing).
const DATABASE_KINDS: &[&str] = &["sql-database", "document-database", "key-value-store"];

fn repo_of(image: &str) -> Option<String> {
    ImageRef::parse(image).ok().map(|r| r.repo)
}

fn repository_of(svc: &Service) -> Option<&'static Repository> {
    catalogue::repository(&repo_of(svc.image.as_deref()?)?)
}

fn stateful_dir(svc: &Service) -> Option<&'static str> {
    let repo = repo_of(svc.image.as_deref()?)?;
    STATEFUL.iter().find(|(r, _)| *r == repo).map(|(_, d)| *d)
}

fn is_database(svc: &Service) -> bool {
    repository_of(svc).is_some_and(|r| {
        DATABASE_KINDS.contains(&r.kind.as_str()) || r.name.ends_with("elasticsearch")
    })
}

/// A program that runs once and exits (`hello-world`, `restic`): restarts and probes do not apply.
fn is_one_shot(svc: &Service) -> bool {
    repository_of(svc).is_some_and(|r| r.kind == "one-shot")
}

fn has_healthcheck(svc: &Service) -> bool {
    svc.healthcheck.as_ref().is_some_and(|h| !h.test.is_empty())
        || repository_of(svc).is_some_and(|r| r.config.healthcheck.is_some())
}

/// The entry `key` of a mapping: its key node and value node.
fn entry<'n>(map: &'n Node, key: &str) -> Option<(&'n Node, &'n Node)> {
    match &map.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_key() == key)
            .map(|(k, v)| (k, v)),
        _ => None,
    }
}

fn items(node: &Node) -> &[Node] {
    match &node.value {
        Value::Seq(items) => items,
        _ => &[],
    }
}

fn see(page: &'static str, scenario: Option<&'static str>) -> Option<See> {
    Some(See { page, scenario })
}

/// The usual healthcheck of a known image, as YAML lines under `healthcheck:`.
fn usual_healthcheck(svc: &Service) -> Option<Vec<String>> {
    let image = svc.image.as_deref()?;
    let repo = repo_of(image)?;
    let tools = catalogue::tools(image).unwrap_or(&[]);
    let has = |t: &str| tools.iter().any(|x| x == t);
    let test = match repo.as_str() {
        // `$$` is Compose's literal `$`: the container's shell reads its own POSTGRES_USER.
        "postgres" => r#"["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres}"]"#.to_string(),
        "mysql" => r#"["CMD", "mysqladmin", "ping", "-h", "127.0.0.1"]"#.to_string(),
        "mariadb" if has("healthcheck.sh") => {
            r#"["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]"#.to_string()
        }
        "redis" => r#"["CMD", "redis-cli", "ping"]"#.to_string(),
        "mongo" if has("mongosh") => {
            r#"["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"]"#.to_string()
        }
        "rabbitmq" => r#"["CMD", "rabbitmq-diagnostics", "-q", "ping"]"#.to_string(),
        _ => {
            let r = catalogue::repository(&repo)?;
            if r.kind != "web-server" {
                return None;
            }
            let port = r.listens.first()?;
            if has("curl") {
                format!(r#"["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:{port}/"]"#)
            } else if has("wget") {
                format!(r#"["CMD", "wget", "-q", "--spider", "http://127.0.0.1:{port}/"]"#)
            } else {
                return None;
            }
        }
    };
    Some(vec![
        format!("test: {test}"),
        "interval: 10s".into(),
        "timeout: 5s".into(),
        "retries: 5".into(),
        "start_period: 30s".into(),
    ])
}

/// Every rule, in rule order (the report sorts them by position).
pub(super) fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    version_field(ctx, &mut out);
    single_manager(ctx, &mut out);
    bridge_in_stack(ctx, &mut out);
    duplicate_ports(ctx, &mut out);
    duplicate_container_names(ctx, &mut out);
    for (name, key, node, svc) in ctx.services() {
        let s = Svc {
            name: &name,
            key,
            node,
            svc,
        };
        data_on_volume(ctx, &s, &mut out);
        localhost(ctx, &s, &mut out);
        depends_on_healthy(ctx, &s, &mut out);
        replicas_with_fixed_port(ctx, &s, &mut out);
        restart(ctx, &s, &mut out);
        backup(ctx, &s, &mut out);
        image_tag(ctx, &s, &mut out);
        healthcheck(ctx, &s, &mut out);
        secrets_in_environment(ctx, &s, &mut out);
        limits(ctx, &s, &mut out);
        logging(ctx, &s, &mut out);
        root(ctx, &s, &mut out);
        socket_privileged_host(ctx, &s, &mut out);
        ports_bound(ctx, &s, &mut out);
        public_database(ctx, &s, &mut out);
        stack_ignored(ctx, &s, &mut out);
        traefik(ctx, &s, &mut out);
        placement(ctx, &s, &mut out);
        build_and_image(ctx, &s, &mut out);
    }
    out
}

/// One service as the rules see it.
struct Svc<'a> {
    name: &'a str,
    key: &'a Node,
    node: &'a Node,
    svc: &'a Service,
}

impl Svc<'_> {
    fn get(&self, key: &str) -> Option<(&Node, &Node)> {
        entry(self.node, key)
    }

    // Each argument is one field of the finding, named at the call site in rule order; a
    // struct literal there would only repeat the field names.
    #[allow(clippy::too_many_arguments)]
    fn draft(
        &self,
        rule: &'static str,
        severity: Severity,
        node: &Node,
        anchor: impl Into<String>,
        message: String,
        why: &'static str,
        see: Option<See>,
    ) -> Draft {
        Draft {
            rule,
            severity,
            at: at(node),
            service: Some(self.name.to_string()),
            anchor: anchor.into(),
            message,
            why,
            see,
        }
    }
}

fn version_field(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some((k, v)) = entry(&ctx.doc, "version") else {
        return;
    };
    let d = Draft {
        rule: "DY130",
        severity: Severity::Info,
        at: at(k),
        service: None,
        anchor: "version".into(),
        message: "the top-level `version` is obsolete: Compose ignores it and warns".into(),
        why: "Compose has read every file by the same specification since v2; the field only makes a warning and suggests a file format that no longer exists.",
        see: see("compose-basics", None),
    };
    let fix = ctx
        .delete_block(k, v)
        .and_then(|e| ctx.fix("remove the `version` line", vec![e]));
    out.push(d.finish(&ctx.path, fix));
}

fn single_manager(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.mode != Mode::Stack || ctx.managers != 1 {
        return;
    }
    let node = entry(&ctx.doc, "services").map_or(&ctx.doc, |(k, _)| k);
    out.push(Draft {
        rule: "DY104",
        severity: Severity::Warning,
        at: at(node),
        service: None,
        anchor: "managers".into(),
        message: "the stack is deployed on a swarm with a single manager".into(),
        why: "If that one manager goes down there is no leader: running tasks keep running, but nothing is rescheduled, updated or scaled until it returns.",
        see: see("swarm-basics", Some("swarm-single-manager-dies")),
    }
    .finish(&ctx.path, None));
}

fn bridge_in_stack(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.mode != Mode::Stack {
        return;
    }
    let Some((
        _,
        Node {
            value: Value::Map(nets),
            ..
        },
    )) = entry(&ctx.doc, "networks")
    else {
        return;
    };
    for (k, v) in nets {
        let Some((_, driver)) = entry(v, "driver") else {
            continue;
        };
        if driver.as_str() != Some("bridge") {
            continue;
        }
        let name = k.as_key();
        let d = Draft {
            rule: "DY105",
            severity: Severity::Error,
            at: at(driver),
            service: None,
            anchor: format!("networks.{name}"),
            message: format!("network `{name}` uses the `bridge` driver in a stack"),
            why: "A bridge network exists on one node only: tasks scheduled on different nodes cannot reach each other by name.",
            see: see("swarm-overlay-networks", Some("swarm-bridge-vs-overlay")),
        };
        let fix = ctx
            .replace_scalar(driver, "overlay")
            .and_then(|e| ctx.fix(format!("network `{name}`: driver overlay"), vec![e]));
        out.push(d.finish(&ctx.path, fix));
    }
}

/// The published host port of a port, when fixed (`8080:80`), with its address and protocol.
fn published(p: &Port) -> Option<(String, String, String)> {
    let port = p.published.as_deref().filter(|s| !s.is_empty())?;
    Some((
        p.host_ip.clone().unwrap_or_else(|| "0.0.0.0".into()),
        port.to_string(),
        p.protocol.clone(),
    ))
}

/// The written port entries of a service with the model's ports they expand to.
fn port_nodes<'n>(s: &'n Svc) -> Vec<(&'n Node, Vec<Port>)> {
    let Some((_, ports)) = s.get("ports") else {
        return Vec::new();
    };
    items(ports)
        .iter()
        .map(|item| {
            let parsed = match &item.value {
                Value::Map(_) => {
                    let text = |k: &str| item.get(k).and_then(Node::scalar_text);
                    vec![Port {
                        host_ip: text("host_ip"),
                        target: text("target").and_then(|t| t.parse().ok()).unwrap_or(0),
                        published: text("published"),
                        protocol: text("protocol").unwrap_or_else(|| "tcp".into()),
                        mode: text("mode").unwrap_or_else(|| "ingress".into()),
                    }]
                }
                _ => item
                    .scalar_text()
                    .and_then(|t| crate::sim::docker::compose::model::parse_port_short(&t).ok())
                    .unwrap_or_default(),
            };
            (item, parsed)
        })
        .collect()
}

fn duplicate_ports(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut seen: Vec<((String, String, String), String)> = Vec::new();
    for (name, key, node, svc) in ctx.services() {
        let s = Svc {
            name: &name,
            key,
            node,
            svc,
        };
        for (i, (item, ports)) in port_nodes(&s).into_iter().enumerate() {
            for p in ports {
                let Some(bind) = published(&p) else { continue };
                // A host range (`8000-8010:80`) lets Docker pick a free one.
                if bind.1.contains('-') {
                    continue;
                }
                let clash = seen.iter().find(|(b, _)| {
                    b.1 == bind.1
                        && b.2 == bind.2
                        && (b.0 == bind.0 || b.0 == "0.0.0.0" || bind.0 == "0.0.0.0")
                });
                if let Some((_, other)) = clash {
                    out.push(
                        s.draft(
                            "DY131",
                            Severity::Error,
                            item,
                            format!("ports.{i}"),
                            format!(
                                "service `{name}` publishes host port {}/{} that `{other}` already publishes",
                                bind.1, bind.2
                            ),
                            "Two containers cannot bind the same host port: the second fails with `port is already allocated`.",
                            see("containers-lifecycle", Some("port-conflict")),
                        )
                        .finish(&ctx.path, None),
                    );
                } else {
                    seen.push((bind, name.clone()));
                }
            }
        }
    }
}

fn duplicate_container_names(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.mode == Mode::Stack {
        return;
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    for (name, key, node, svc) in ctx.services() {
        let s = Svc {
            name: &name,
            key,
            node,
            svc,
        };
        let Some((_, v)) = s.get("container_name") else {
            continue;
        };
        let Some(cn) = svc.container_name.clone() else {
            continue;
        };
        if let Some((_, other)) = seen.iter().find(|(c, _)| *c == cn) {
            out.push(
                s.draft(
                    "DY133",
                    Severity::Error,
                    v,
                    "container_name",
                    format!("service `{name}`: container_name `{cn}` is also `{other}`'s"),
                    "Container names are unique on a host: the second container cannot be created.",
                    see("compose-basics", None),
                )
                .finish(&ctx.path, None),
            );
        } else {
            seen.push((cn, name.clone()));
        }
    }
}

/// Whether a mount keeps `dir` (the mount's target is the folder or one above it).
fn keeps(svc: &Service, dir: &str) -> bool {
    svc.volumes.iter().any(|m| {
        m.kind != "tmpfs"
            && (dir == m.target || dir.starts_with(&format!("{}/", m.target.trim_end_matches('/'))))
    })
}

fn data_on_volume(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    let Some(dir) = stateful_dir(s.svc) else {
        return;
    };
    // Redis without a volume is a cache by choice: nothing of value is lost with it.
    if repo_of(s.svc.image.as_deref().unwrap_or("")).as_deref() == Some("redis")
        || keeps(s.svc, dir)
    {
        return;
    }
    let image_node = s.get("image").map_or(s.key, |(_, v)| v);
    let d = s.draft(
        "DY101",
        Severity::Error,
        image_node,
        "volumes",
        format!(
            "service `{}` keeps its data in {dir} inside the container, not on a volume",
            s.name
        ),
        "The container's writable layer goes with the container: the next `docker compose down` and `up` (or a new task) starts with an empty database.",
        see("compose-basics", Some("compose-data-in-the-container")),
    );
    let volume = format!("{}-data", s.name);
    let fix = (|| {
        let mut edits = Vec::new();
        // The service's volumes list: an item added to a block list, or a new list.
        match s.get("volumes") {
            Some((_, list)) => {
                let first = items(list).first()?;
                let line = ctx.lines.line(first.pos.line as usize)?;
                if !line.trim_start().starts_with('-')
                    || text::is_flow(&ctx.lines, list)
                    || text::has_multiline_scalar(&ctx.lines, list)
                {
                    return None;
                }
                let last = items(list).last()?;
                let end = text::block_end(
                    &ctx.lines,
                    last.pos.line as usize,
                    text::indent_of(ctx.lines.line(last.pos.line as usize)?),
                    last,
                );
                let at = ctx.lines.start_of(end + 1);
                edits.push(text::Edit {
                    start: at,
                    end: at,
                    insert: format!("{}- {volume}:{dir}\n", " ".repeat(text::indent_of(line))),
                });
            }
            None => edits.push(ctx.insert_at(
                s.key,
                s.node,
                &["volumes"],
                &[format!("- {volume}:{dir}")],
            )?),
        }
        // The top-level declaration.
        match entry(&ctx.doc, "volumes") {
            Some((_, top)) if top.get(&volume).is_some() => return None,
            Some((k, top)) => edits.push(ctx.insert_into(k, top, &[format!("{volume}: {{}}")])?),
            None => {
                let end = ctx.lines.text.len();
                edits.push(text::Edit {
                    start: end,
                    end,
                    insert: format!("volumes:\n{}{volume}: {{}}\n", " ".repeat(ctx.step())),
                });
            }
        }
        ctx.fix(format!("keep {dir} on the named volume `{volume}`"), edits)
    })();
    out.push(d.finish(&ctx.path, fix));
}

/// Ports a service answers on: its `expose`, its ports' targets and its image's.
fn listens(svc: &Service) -> Vec<u32> {
    let mut ports: Vec<u32> = svc
        .expose
        .iter()
        .filter_map(|e| e.split('/').next()?.parse().ok())
        .collect();
    ports.extend(svc.ports.iter().map(|p| p.target));
    if let Some(r) = repository_of(svc) {
        ports.extend(r.listens.iter().map(|p| u32::from(*p)));
    }
    ports
}

/// The written environment entries: (name, value node, value as written).
fn env_entries(s: &Svc) -> Vec<(String, Node, Option<String>)> {
    let Some((_, env)) = s.get("environment") else {
        return Vec::new();
    };
    match &env.value {
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| (k.as_key(), v.clone(), v.scalar_text()))
            .collect(),
        Value::Seq(list) => list
            .iter()
            .filter_map(|item| {
                let t = item.scalar_text()?;
                let (k, v) = t
                    .split_once('=')
                    .map_or((t.as_str(), None), |(k, v)| (k, Some(v)));
                Some((k.to_string(), item.clone(), v.map(str::to_string)))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Variables that front-end build tools hand to the browser (Create React App, Vite, Next.js,
/// Vue CLI).
const BROWSER_PREFIXES: &[&str] = &["REACT_APP_", "VITE_", "NEXT_PUBLIC_", "VUE_APP_"];

fn localhost(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    for (name, node, value) in env_entries(s) {
        let Some(value) = value else { continue };
        // A front end's build-time variables are read by the browser, on the host, where
        // localhost and the published port are right.
        if BROWSER_PREFIXES.iter().any(|p| name.starts_with(p)) {
            continue;
        }
        let Some((host, rest)) = ["localhost", "127.0.0.1"]
            .iter()
            .find_map(|h| value.find(h).map(|i| (*h, &value[i + h.len()..])))
        else {
            continue;
        };
        let port: Option<u32> = rest
            .strip_prefix(':')
            .map(|r| {
                r.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .and_then(|p| p.parse().ok());
        let upper = name.to_ascii_uppercase();
        // The service that the value means: the one listening on that port, or a database
        // whose image the variable names (REDIS_HOST=localhost with a `redis` service).
        let target = ctx.services().into_iter().find(|(other, _, _, o)| {
            other != s.name
                && match port {
                    Some(p) => listens(o).contains(&p),
                    None => {
                        is_database(o)
                            && repo_of(o.image.as_deref().unwrap_or(""))
                                .is_some_and(|r| upper.contains(&r.to_ascii_uppercase()))
                    }
                }
        });
        let Some((target, _, _, _)) = target else {
            continue;
        };
        let d = s.draft(
            "DY102",
            Severity::Error,
            &node,
            format!("environment.{name}"),
            format!(
                "service `{}`: {name} points at {host}, but that is `{}` itself; `{target}` is another container",
                s.name, s.name
            ),
            "Inside a container, localhost is that container: the connection is refused, while Docker's DNS answers the service's name on the shared network.",
            see("compose-basics", Some("localhost-is-the-container")),
        );
        let fix = text::scalar_range(&ctx.lines, &node).and_then(|(a, b)| {
            let written = &ctx.lines.text[a..b];
            let i = written.find(host)?;
            ctx.fix(
                format!("{name}: {host} → {target}"),
                vec![text::Edit {
                    start: a + i,
                    end: a + i + host.len(),
                    insert: target.clone(),
                }],
            )
        });
        out.push(d.finish(&ctx.path, fix));
    }
}

/// Long because it rewrites `depends_on` in each of its written forms (a list, a mapping with or
/// without a condition) and adds the target's healthcheck when it has none.
fn depends_on_healthy(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if ctx.mode == Mode::Stack {
        return;
    }
    let Some((dk, dv)) = s.get("depends_on") else {
        return;
    };
    for (target, dep) in &s.svc.depends_on {
        if dep.condition != "service_started" {
            continue;
        }
        let Some(t) = ctx.project.services.get(target) else {
            continue;
        };
        if !(is_database(t) || has_healthcheck(t)) {
            continue;
        }
        let node = match &dv.value {
            Value::Seq(list) => list.iter().find(|n| n.as_str() == Some(target.as_str())),
            Value::Map(_) => entry(dv, target).map(|(k, _)| k),
            _ => None,
        }
        .unwrap_or(dk);
        let d = s.draft(
            "DY103",
            Severity::Warning,
            node,
            format!("depends_on.{target}"),
            format!(
                "service `{}` depends on `{target}` without `condition: service_healthy`",
                s.name
            ),
            "depends_on alone orders the starts, not readiness: the service starts while the database is still initialising, and its first connections fail.",
            see("compose-healthchecks", Some("api-races-the-database")),
        );
        let fix = (|| {
            let mut edits = Vec::new();
            match &dv.value {
                Value::Seq(list) => {
                    // The list becomes a mapping, every other entry keeping `service_started`.
                    let indent = dk.pos.column as usize - 1;
                    let step = ctx.step();
                    let mut block = format!("{}depends_on:\n", " ".repeat(indent));
                    let mut written: Vec<&str> = Vec::new();
                    for n in list {
                        let name = n.as_str()?;
                        // A name listed twice is one dependency (a mapping cannot repeat it).
                        if written.contains(&name) {
                            continue;
                        }
                        written.push(name);
                        let condition = if name == target {
                            "service_healthy"
                        } else {
                            "service_started"
                        };
                        block.push_str(&format!(
                            "{}{name}:\n{}condition: {condition}\n",
                            " ".repeat(indent + step),
                            " ".repeat(indent + 2 * step)
                        ));
                    }
                    let mut e = ctx.delete_block(dk, dv)?;
                    e.insert = block;
                    edits.push(e);
                }
                Value::Map(_) => {
                    let (k, v) = entry(dv, target)?;
                    match entry(v, "condition") {
                        Some((_, c)) => edits.push(ctx.replace_scalar(c, "service_healthy")?),
                        None => edits.push(ctx.insert_into(
                            k,
                            v,
                            &["condition: service_healthy".to_string()],
                        )?),
                    }
                }
                _ => return None,
            }
            if !has_healthcheck(t) {
                let lines = usual_healthcheck(t)?;
                let (tk, tv) = entry(ctx.doc.get("services")?, target)?;
                edits.push(ctx.insert_at(tk, tv, &["healthcheck"], &lines)?);
            }
            ctx.fix(format!("wait for `{target}` to be healthy"), edits)
        })();
        out.push(d.finish(&ctx.path, fix));
    }
}

fn replicas(node: &Node) -> Option<i64> {
    let deploy = node.get("deploy").and_then(|d| d.get("replicas"));
    let scale = node.get("scale");
    match deploy.or(scale)?.value {
        Value::Int(n) => Some(n),
        _ => None,
    }
}

fn replicas_with_fixed_port(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if ctx.mode == Mode::Stack || replicas(s.node).unwrap_or(1) <= 1 {
        return;
    }
    for (i, (item, ports)) in port_nodes(s).into_iter().enumerate() {
        if ports
            .iter()
            .any(|p| published(p).is_some_and(|(_, port, _)| !port.contains('-')))
        {
            out.push(
                s.draft(
                    "DY106",
                    Severity::Error,
                    item,
                    format!("ports.{i}"),
                    format!(
                        "service `{}` runs several replicas on one host with a fixed host port",
                        s.name
                    ),
                    "On one host only the first replica can bind the port; the others fail with `port is already allocated`.",
                    see("swarm-overlay-networks", Some("one-port-host-vs-mesh")),
                )
                .finish(&ctx.path, None),
            );
        }
    }
}

fn restart(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if is_one_shot(s.svc) {
        return;
    }
    let policy_in_deploy = s
        .node
        .get("deploy")
        .and_then(|d| d.get("restart_policy"))
        .is_some();
    match (ctx.mode, s.get("restart")) {
        (Mode::Compose, None) if !policy_in_deploy => {
            let d = s.draft(
                "DY107",
                Severity::Warning,
                s.key,
                "restart",
                format!("service `{}` has no restart policy", s.name),
                "Without one, a crashed container stays down, and after a reboot of the host nothing comes back.",
                see("compose-basics", Some("compose-restart-policies-reboot")),
            );
            let fix = ctx
                .insert_at(s.key, s.node, &[], &["restart: unless-stopped".to_string()])
                .and_then(|e| ctx.fix("restart: unless-stopped", vec![e]));
            out.push(d.finish(&ctx.path, fix));
        }
        (Mode::Stack, Some((k, v))) => {
            let d = s.draft(
                "DY122",
                Severity::Warning,
                k,
                "restart",
                format!(
                    "service `{}`: `restart` is ignored by `docker stack deploy`",
                    s.name
                ),
                "Swarm restarts tasks by `deploy.restart_policy` (any condition by default); the `restart` key is silently dropped, so the policy written is not the one applied.",
                see("swarm-deployment-strategies", Some("swarm-restart-policy")),
            );
            let written = v.scalar_text().unwrap_or_default();
            let condition = match written.as_str() {
                "no" => Some("none"),
                "always" | "unless-stopped" => Some("any"),
                w if w.starts_with("on-failure") => Some("on-failure"),
                _ => None,
            };
            let fix = (|| {
                let mut edits = vec![ctx.delete_block(k, v)?];
                if !policy_in_deploy {
                    let mut leaf = vec![format!("condition: {}", condition?)];
                    if let Some(n) = written.strip_prefix("on-failure:") {
                        leaf.push(format!("max_attempts: {}", n.parse::<u32>().ok()?));
                    }
                    edits.push(ctx.insert_at(
                        s.key,
                        s.node,
                        &["deploy", "restart_policy"],
                        &leaf,
                    )?);
                }
                ctx.fix("move the policy to deploy.restart_policy", edits)
            })();
            out.push(d.finish(&ctx.path, fix));
        }
        _ => {}
    }
}

fn backup(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    let Some(dir) = stateful_dir(s.svc) else {
        return;
    };
    let Some(m) = s
        .svc
        .volumes
        .iter()
        .find(|m| m.kind == "volume" && m.target == dir)
    else {
        return;
    };
    // A service that backs up: a backup image, restic, or a dump command.
    let backs_up = ctx.project.services.values().any(|o| {
        let image = o.image.as_deref().unwrap_or("");
        let command = o.command.clone().unwrap_or_default().join(" ");
        image.contains("backup")
            || image.contains("restic")
            || [
                "pg_dump",
                "mysqldump",
                "mariadb-dump",
                "mongodump",
                "restic",
            ]
            .iter()
            .any(|t| command.contains(t))
    });
    if backs_up {
        return;
    }
    let node = s
        .get("volumes")
        .and_then(|(_, l)| {
            items(l).iter().find(|n| {
                n.scalar_text().is_some_and(|t| t.contains(dir))
                    || n.get("target").and_then(Node::as_str) == Some(dir)
            })
        })
        .unwrap_or(s.key);
    out.push(
        s.draft(
            "DY108",
            Severity::Info,
            node,
            "backup",
            format!(
                "volume `{}` of service `{}` holds its data, and nothing in the file backs it up",
                m.source.as_deref().unwrap_or(""),
                s.name
            ),
            "A volume is on the same disk as everything else: a dropped table, a dead disk or ransomware takes the only copy.",
            see("backup-strategies", Some("backup-same-disk-vs-offsite")),
        )
        .finish(&ctx.path, None),
    );
}

fn image_tag(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    let (Some((_, node)), Some(image)) = (s.get("image"), s.svc.image.as_deref()) else {
        return;
    };
    let Ok(r) = ImageRef::parse(image) else {
        return;
    };
    if r.digest.is_some() || r.tag != "latest" {
        return;
    }
    let explicit = image.ends_with(":latest");
    let d = s.draft(
        "DY110",
        Severity::Warning,
        node,
        "image",
        format!(
            "service `{}`: image `{image}` {}",
            s.name,
            if explicit {
                "uses the `latest` tag"
            } else {
                "has no tag (that is `latest`)"
            }
        ),
        "`latest` moves: a re-pull or a new node brings whatever version is newest, possibly a major upgrade the file was never tested with.",
        see("traefik-integration", Some("traefik-latest-major-jump")),
    );
    let fix = (|| {
        let written = node.as_str()?;
        if written.contains('$') {
            return None;
        }
        let version = catalogue::repository(&r.repo)?.latest.clone()?;
        let name = written.strip_suffix(":latest").unwrap_or(written);
        let edit = ctx.replace_scalar(node, &format!("{name}:{version}"))?;
        ctx.fix(format!("pin `{name}:{version}`"), vec![edit])
    })();
    out.push(d.finish(&ctx.path, fix));
}

fn healthcheck(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if is_one_shot(s.svc) || has_healthcheck(s.svc) || s.get("healthcheck").is_some() {
        return;
    }
    // A Dockerfile the reader gave may carry the HEALTHCHECK.
    if super::dockerfile::for_service(ctx, s.svc).is_some_and(|(_, text)| {
        text.lines().any(|l| {
            l.trim_start()
                .to_ascii_uppercase()
                .starts_with("HEALTHCHECK")
        })
    }) {
        return;
    }
    let d = s.draft(
        "DY111",
        Severity::Warning,
        s.key,
        "healthcheck",
        format!("service `{}` has no healthcheck", s.name),
        "Without one Docker only knows the process runs, not that it answers: dependants start too early and a hung server is never replaced.",
        see("compose-healthchecks", Some("wait-for-healthy-database")),
    );
    let fix = usual_healthcheck(s.svc).and_then(|lines| {
        let e = ctx.insert_at(s.key, s.node, &["healthcheck"], &lines)?;
        ctx.fix("add the image's usual healthcheck", vec![e])
    });
    out.push(d.finish(&ctx.path, fix));
}

/// A variable name that holds a secret.
fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    !upper.ends_with("_FILE")
        && (["PASSWORD", "PASSWD", "SECRET", "TOKEN"]
            .iter()
            .any(|w| upper.contains(w))
            || upper.ends_with("_KEY")
            || upper == "KEY")
}

fn secrets_in_environment(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    for (name, node, value) in env_entries(s) {
        let Some(value) = value else { continue };
        if !is_secret_name(&name) || value.is_empty() || value.contains('$') {
            continue;
        }
        out.push(
            s.draft(
                "DY112",
                Severity::Warning,
                &node,
                format!("environment.{name}"),
                format!("service `{}`: {name} is a literal secret in `environment`", s.name),
                "Environment variables show in `docker inspect`, in the file's history and in every process's environment: anyone who can read those has the secret.",
                see("swarm-basics", Some("secrets-not-environment")),
            )
            .finish(&ctx.path, None),
        );
    }
}

fn limits(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if is_one_shot(s.svc) {
        return;
    }
    let in_deploy = s
        .node
        .get("deploy")
        .and_then(|d| d.get("resources"))
        .and_then(|r| r.get("limits"))
        .and_then(|l| l.get("memory"))
        .is_some();
    if in_deploy || s.get("mem_limit").is_some() {
        return;
    }
    out.push(
        s.draft(
            "DY113",
            Severity::Warning,
            s.key,
            "limits",
            format!("service `{}` has no memory limit", s.name),
            "A leaking container grows until the host runs out of memory, and then the kernel's OOM killer may pick any process, the database included.",
            see("containers-lifecycle", Some("memory-limit-leak")),
        )
        .finish(&ctx.path, None),
    );
}

fn logging(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    let driver = s.svc.logging_driver.as_deref().unwrap_or("json-file");
    if driver != "json-file" || s.svc.logging_options.contains_key("max-size") {
        return;
    }
    let d = s.draft(
        "DY114",
        Severity::Warning,
        s.get("logging").map_or(s.key, |(k, _)| k),
        "logging",
        format!(
            "service `{}` logs to json-file without rotation (no max-size)",
            s.name
        ),
        "The json-file driver keeps every line forever by default: a chatty service fills the disk, and then every container on it fails to write.",
        see("disk-full-logs", Some("disk-full-logs-no-rotation")),
    );
    let mut leaf = vec!["max-size: 10m".to_string()];
    if !s.svc.logging_options.contains_key("max-file") {
        leaf.push("max-file: \"3\"".to_string());
    }
    let fix = (|| {
        let e = match s.get("logging") {
            None => {
                let mut lines = vec!["driver: json-file".to_string(), "options:".to_string()];
                lines.extend(
                    leaf.iter()
                        .map(|l| format!("{}{l}", " ".repeat(ctx.step()))),
                );
                ctx.insert_at(s.key, s.node, &["logging"], &lines)?
            }
            Some(_) => ctx.insert_at(s.key, s.node, &["logging", "options"], &leaf)?,
        };
        ctx.fix("rotate the logs (10 MB, 3 files)", vec![e])
    })();
    out.push(d.finish(&ctx.path, fix));
}

fn root(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if s.svc.user.is_some() {
        return;
    }
    // The app's own code on a runtime or base image that starts as root; images that start as
    // root to drop privileges themselves (databases, nginx, httpd) are left alone.
    let from_image = repository_of(s.svc).filter(|r| {
        matches!(r.kind.as_str(), "language-runtime" | "os-base")
            && matches!(r.config.user.as_str(), "" | "root" | "0")
    });
    let from_dockerfile = s.svc.build.is_some()
        && super::dockerfile::for_service(ctx, s.svc)
            .is_some_and(|(_, text)| !super::dockerfile::sets_user(text));
    if from_image.is_none() && !from_dockerfile {
        return;
    }
    let node = if from_dockerfile {
        s.get("build").map_or(s.key, |(k, _)| k)
    } else {
        s.get("image").map_or(s.key, |(_, v)| v)
    };
    let reason = if from_dockerfile {
        "its Dockerfile sets no USER".to_string()
    } else {
        format!(
            "image `{}` runs as root and no `user:` is set",
            s.svc.image.as_deref().unwrap_or("")
        )
    };
    out.push(
        s.draft(
            "DY115",
            Severity::Warning,
            node,
            "user",
            format!("service `{}` runs as root: {reason}", s.name),
            "A process running as root writes root-owned files to bind mounts and, if it is broken into, is root inside the container a step away from the host.",
            see("volumes-persistence", Some("root-in-the-container")),
        )
        .finish(&ctx.path, None),
    );
}

/// Long because it is three short rules on the same few keys (the socket, `privileged`, the
/// host network), each with its own words.
fn socket_privileged_host(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if let Some((_, list)) = s.get("volumes") {
        for item in items(list) {
            let source = item
                .scalar_text()
                .map(|t| t.split(':').next().unwrap_or("").to_string())
                .or_else(|| item.get("source").and_then(Node::scalar_text))
                .unwrap_or_default();
            if source.ends_with("/docker.sock") {
                out.push(
                    s.draft(
                        "DY116",
                        Severity::Warning,
                        item,
                        "docker.sock",
                        format!("service `{}` mounts the Docker socket ({source})", s.name),
                        "Whoever controls the socket controls the daemon, which runs as root: a compromised container becomes root on the host, even with `:ro`.",
                        see("volumes-persistence", Some("root-in-the-container")),
                    )
                    .finish(&ctx.path, None),
                );
            }
        }
    }
    // A stack ignores both keys (DY127 says so).
    if ctx.mode == Mode::Stack {
        return;
    }
    if let Some((_, v)) = s.get("privileged")
        && v.value == Value::Bool(true)
    {
        out.push(
            s.draft(
                "DY117",
                Severity::Error,
                v,
                "privileged",
                format!("service `{}` runs privileged", s.name),
                "A privileged container has every capability and every device of the host: nothing stands between it and the machine.",
                see("containers-lifecycle", None),
            )
            .finish(&ctx.path, None),
        );
    }
    if let Some((_, v)) = s.get("network_mode")
        && v.as_str() == Some("host")
    {
        out.push(
            s.draft(
                "DY118",
                Severity::Warning,
                v,
                "network_mode",
                format!("service `{}` uses the host's network", s.name),
                "With the host network every port the process opens is open on the host, and Docker's network isolation and DNS names do not apply.",
                see("network-isolation", None),
            )
            .finish(&ctx.path, None),
        );
    }
}

fn ports_bound(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    let database = is_database(s.svc);
    for (i, (item, ports)) in port_nodes(s).into_iter().enumerate() {
        let Some(p) = ports.first() else { continue };
        let all = matches!(
            p.host_ip.as_deref(),
            None | Some("0.0.0.0") | Some("::") | Some("")
        );
        if !all {
            continue;
        }
        if database {
            let d = s.draft(
                "DY119",
                Severity::Error,
                item,
                format!("ports.{i}"),
                if ctx.mode == Mode::Stack {
                    format!(
                        "database `{}` publishes port {} on every node of the swarm",
                        s.name, p.target
                    )
                } else {
                    format!(
                        "database `{}` publishes port {} on all of the host's addresses",
                        s.name, p.target
                    )
                },
                "A published database port is reachable from any network the host is on, and Docker's rules bypass the host's firewall: only the services that need it should reach it.",
                see("network-isolation", Some("front-and-back-networks")),
            );
            let fix = (ctx.mode == Mode::Compose)
                .then(|| {
                    let edit = match &item.value {
                        Value::Map(_) => match entry(item, "host_ip") {
                            Some((_, v)) => ctx.replace_scalar(v, "127.0.0.1")?,
                            None => {
                                let (k, _) = match &item.value {
                                    Value::Map(e) => e.first()?,
                                    _ => return None,
                                };
                                let line = ctx.lines.line(k.pos.line as usize)?;
                                if !line.trim_start().starts_with('-')
                                    || text::has_multiline_scalar(&ctx.lines, item)
                                {
                                    return None;
                                }
                                let at = ctx.lines.start_of(k.pos.line as usize + 1);
                                text::Edit {
                                    start: at,
                                    end: at,
                                    insert: format!(
                                        "{}host_ip: 127.0.0.1\n",
                                        " ".repeat(k.pos.column as usize - 1)
                                    ),
                                }
                            }
                        },
                        _ => {
                            let written = item.scalar_text()?;
                            let parts = written.split('/').next()?.matches(':').count();
                            let new = match parts {
                                0 => format!("127.0.0.1::{written}"),
                                1 => format!("127.0.0.1:{written}"),
                                _ => written.replacen("0.0.0.0", "127.0.0.1", 1),
                            };
                            if new == written {
                                return None;
                            }
                            // A number must become a string to carry an address.
                            match item.value {
                                Value::Str(_) => ctx.replace_scalar(item, &new)?,
                                _ => ctx.replace_scalar(item, &format!("\"{new}\""))?,
                            }
                        }
                    };
                    ctx.fix("publish on 127.0.0.1 only", vec![edit])
                })
                .flatten();
            out.push(d.finish(&ctx.path, fix));
        } else if ctx.mode == Mode::Compose && p.published.is_some() {
            out.push(
                s.draft(
                    "DY120",
                    Severity::Info,
                    item,
                    format!("ports.{i}"),
                    format!(
                        "service `{}` publishes port {} on all of the host's addresses",
                        s.name, p.target
                    ),
                    "Without an address the port is open on every interface of the host; bind it to 127.0.0.1 when only a local proxy should reach it.",
                    see("network-isolation", None),
                )
                .finish(&ctx.path, None),
            );
        }
    }
}

fn public_database(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if !is_database(s.svc) || !s.svc.ports.is_empty() {
        return;
    }
    let public: Vec<(&String, &String)> = ctx
        .project
        .services
        .iter()
        .filter(|(n, o)| *n != s.name && o.ports.iter().any(|p| p.published.is_some()))
        .flat_map(|(n, o)| o.networks.keys().map(move |net| (n, net)))
        .collect();
    let Some((front, net)) = public
        .iter()
        .find(|(_, net)| s.svc.networks.contains_key(*net))
    else {
        return;
    };
    out.push(
        s.draft(
            "DY121",
            Severity::Info,
            s.key,
            format!("networks.{net}"),
            format!(
                "database `{}` shares network `{net}` with `{front}`, which publishes ports",
                s.name
            ),
            "If the public-facing service is broken into, the database is one hop away: a back-end network that only the API joins keeps it out of reach.",
            see("network-isolation", Some("front-and-back-networks")),
        )
        .finish(&ctx.path, None),
    );
}

fn stack_ignored(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if ctx.mode != Mode::Stack {
        return;
    }
    if let Some((k, _)) = s.get("depends_on") {
        out.push(
            s.draft(
                "DY123",
                Severity::Info,
                k,
                "depends_on",
                format!(
                    "service `{}`: `depends_on` is ignored by `docker stack deploy`",
                    s.name
                ),
                "Swarm starts every service at once and in no order: the service must retry its connections until its dependencies answer.",
                see("swarm-basics", None),
            )
            .finish(&ctx.path, None),
        );
    }
    // The keys docker/cli drops with `Ignoring unsupported options` or `Ignoring deprecated
    // options` (`restart` has its own rule, with a fix).
    let Value::Map(entries) = &s.node.value else {
        return;
    };
    for (k, _) in entries {
        let key = k.as_key();
        let unsupported = key != "restart" && UNSUPPORTED.contains(&key.as_str());
        let deprecated = DEPRECATED.iter().any(|(d, _)| *d == key);
        if !(unsupported || deprecated) {
            continue;
        }
        out.push(
            s.draft(
                "DY127",
                Severity::Info,
                k,
                key.clone(),
                format!(
                    "service `{}`: `{key}` is ignored by `docker stack deploy` ({})",
                    s.name,
                    if deprecated { "deprecated" } else { "unsupported" }
                ),
                "The CLI prints `Ignoring unsupported options` and deploys without it: what the key says does not happen on the swarm.",
                see("swarm-basics", Some("swarm-stack-deploy")),
            )
            .finish(&ctx.path, None),
        );
    }
}

/// The service's labels as written, in `labels:` or `deploy.labels`: (name, value).
fn label_entries(node: &Node) -> Vec<(String, String)> {
    match &node.value {
        Value::Map(e) => e
            .iter()
            .map(|(k, v)| (k.as_key(), v.scalar_text().unwrap_or_default()))
            .collect(),
        Value::Seq(list) => list
            .iter()
            .filter_map(Node::scalar_text)
            .map(|t| match t.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (t, String::new()),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Long because it holds both Traefik rules of a stack (labels outside `deploy:`, the port
/// label), each with a fix that moves or adds labels in the form they are written in.
fn traefik(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if ctx.mode != Mode::Stack
        || repo_of(s.svc.image.as_deref().unwrap_or("")).as_deref() == Some("traefik")
    {
        return;
    }
    let outside = s.get("labels");
    let deploy_labels = s.node.get("deploy").and_then(|d| entry(d, "labels"));
    let outside_labels = outside.map(|(_, v)| label_entries(v)).unwrap_or_default();
    let inside_labels = deploy_labels
        .map(|(_, v)| label_entries(v))
        .unwrap_or_default();
    let is_traefik = |(k, _): &(String, String)| k.starts_with("traefik.");
    if let Some((k, v)) = outside
        && outside_labels.iter().any(is_traefik)
    {
        let d = s.draft(
            "DY124",
            Severity::Error,
            k,
            "labels",
            format!(
                "service `{}`: Traefik labels are under `labels:`, not `deploy.labels:`",
                s.name
            ),
            "In swarm mode Traefik reads the service's labels (`deploy.labels`); container labels are never seen, so the router does not exist.",
            see("traefik-integration", Some("traefik-labels-outside-deploy")),
        );
        let fix = (|| {
            if deploy_labels.is_some() || !outside_labels.iter().all(is_traefik) {
                return None;
            }
            if text::is_flow(&ctx.lines, v) {
                return None;
            }
            let delete = ctx.delete_block(k, v)?;
            let body = &ctx.lines.text[ctx.lines.start_of(k.pos.line as usize + 1)..delete.end];
            let min = body
                .lines()
                .filter(|l| !text::is_blank(l))
                .map(text::indent_of)
                .min()?;
            let moved: Vec<String> = body
                .lines()
                .map(|l| l.get(min..).unwrap_or("").to_string())
                .collect();
            let insert = ctx.insert_at(s.key, s.node, &["deploy", "labels"], &moved)?;
            ctx.fix("move the labels to deploy.labels", vec![delete, insert])
        })();
        out.push(d.finish(&ctx.path, fix));
    }
    let all: Vec<&(String, String)> = outside_labels.iter().chain(&inside_labels).collect();
    let enabled = all.iter().any(|l| is_traefik(l))
        && !all
            .iter()
            .any(|(k, v)| k == "traefik.enable" && v == "false");
    let has_port = all.iter().any(|(k, _)| {
        k.starts_with("traefik.http.services.") && k.ends_with(".loadbalancer.server.port")
    });
    if !enabled || has_port {
        return;
    }
    let (lk, lv) = if inside_labels.iter().any(is_traefik) {
        deploy_labels
    } else {
        outside
    }
    .unwrap_or((s.key, s.node));
    let d = s.draft(
        "DY125",
        Severity::Error,
        lk,
        "traefik.port",
        format!(
            "service `{}` has Traefik labels but no `traefik.http.services.*.loadbalancer.server.port`",
            s.name
        ),
        "In swarm mode Traefik cannot guess the port from the task: it refuses the service (`port is missing`) and its router answers 404.",
        see("traefik-integration", Some("traefik-port-label-missing")),
    );
    let fix = (|| {
        let mut ports = listens(s.svc);
        crate::sim::order::sort(&mut ports);
        ports.dedup();
        let [port] = ports.as_slice() else {
            return None;
        };
        let label = format!("traefik.http.services.{}.loadbalancer.server.port", s.name);
        let line = match &lv.value {
            Value::Map(_) => format!("{label}: \"{port}\""),
            Value::Seq(list) => {
                let first = list.first()?;
                let written = ctx.lines.line(first.pos.line as usize)?;
                let quoted = text::scalar_range(&ctx.lines, first)
                    .is_some_and(|(a, _)| ctx.lines.text[a..].starts_with('"'));
                let item = if quoted {
                    format!("\"{label}={port}\"")
                } else {
                    format!("{label}={port}")
                };
                let last = list.last()?;
                let at = ctx.lines.start_of(last.pos.line as usize + 1);
                if !written.trim_start().starts_with('-')
                    || text::is_flow(&ctx.lines, lv)
                    || text::has_multiline_scalar(&ctx.lines, lv)
                {
                    return None;
                }
                let e = text::Edit {
                    start: at,
                    end: at,
                    insert: format!("{}- {item}\n", " ".repeat(text::indent_of(written))),
                };
                return ctx.fix(format!("add the port label ({port})"), vec![e]);
            }
            _ => return None,
        };
        let e = ctx.insert_into(lk, lv, &[line])?;
        ctx.fix(format!("add the port label ({port})"), vec![e])
    })();
    out.push(d.finish(&ctx.path, fix));
}

fn placement(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if ctx.mode != Mode::Stack {
        return;
    }
    let Some(dir) = stateful_dir(s.svc) else {
        return;
    };
    let local = s.svc.volumes.iter().any(|m| {
        m.kind == "volume"
            && m.target == dir
            && m.source.as_ref().is_some_and(|src| {
                ctx.project
                    .volumes
                    .get(src)
                    .and_then(|def| def.get("driver"))
                    .and_then(Node::as_str)
                    .is_none_or(|d| d == "local")
            })
    });
    let constrained = s
        .node
        .get("deploy")
        .and_then(|d| d.get("placement"))
        .and_then(|p| p.get("constraints"))
        .is_some_and(|c| !items(c).is_empty());
    if !local || constrained {
        return;
    }
    out.push(
        s.draft(
            "DY126",
            Severity::Warning,
            s.key,
            "placement",
            format!(
                "service `{}` keeps its data on a node-local volume without a placement constraint",
                s.name
            ),
            "A local volume lives on one node: when the task is rescheduled elsewhere it starts with a new, empty volume there.",
            see("swarm-basics", Some("swarm-voting-app-db-node-dies")),
        )
        .finish(&ctx.path, None),
    );
}

fn build_and_image(ctx: &Ctx, s: &Svc, out: &mut Vec<Finding>) {
    if ctx.mode == Mode::Stack {
        return;
    }
    if let (Some((k, _)), Some(_)) = (s.get("build"), s.get("image")) {
        out.push(
            s.draft(
                "DY132",
                Severity::Info,
                k,
                "build",
                format!("service `{}` has both `build` and `image`", s.name),
                "Compose builds the image and tags it with that name, but `docker compose pull` also tries to pull it, which fails or fetches something else when the name is not yours.",
                see("compose-basics", None),
            )
            .finish(&ctx.path, None),
        );
    }
}
