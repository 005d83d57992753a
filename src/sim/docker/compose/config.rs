//! `docker compose config`: the normalised model printed as YAML.
//!
//! Compose marshals its typed model with go-yaml: two-space indents, list items indented under
//! their key, struct fields in declaration order (for services roughly alphabetical, which we
//! follow by sorting), strings quoted only when they would read as another type
//! (`published: "8080"`), `null` for an empty network attachment (`default: null`), `{}` for an
//! empty mapping. Short forms come out long (ports, volumes, depends_on), relative paths come out
//! absolute, `command` as a list, and the project's defaults appear (`name:`, the `default`
//! network named `<project>_default`, named volumes `<project>_<name>`).

use super::model::{Project, Service};
use super::yaml::{Node, Value};
use std::collections::BTreeMap;

fn s(text: &str) -> Node {
    Node::new(Value::Str(text.to_string()))
}

fn map(entries: Vec<(&str, Node)>) -> Node {
    Node::new(Value::Map(
        entries.into_iter().map(|(k, v)| (s(k), v)).collect(),
    ))
}

fn list(items: Vec<Node>) -> Node {
    Node::new(Value::Seq(items))
}

fn strings(items: &[String]) -> Node {
    list(items.iter().map(|i| s(i)).collect())
}

fn string_map(m: &BTreeMap<String, String>) -> Node {
    Node::new(Value::Map(m.iter().map(|(k, v)| (s(k), s(v))).collect()))
}

/// Long because `docker compose config` prints every service key in compose-go's order, one short
/// block per key.
fn service_node(svc: &Service) -> Node {
    let mut e: BTreeMap<String, Node> = BTreeMap::new();
    if let Some(b) = &svc.build {
        let mut fields = vec![("context", s(&b.context)), ("dockerfile", s(&b.dockerfile))];
        if !b.args.is_empty() {
            fields.push((
                "args",
                Node::new(Value::Map(
                    b.args
                        .iter()
                        .map(|(k, v)| (s(k), v.as_deref().map_or(Node::new(Value::Null), s)))
                        .collect(),
                )),
            ));
        }
        if let Some(t) = &b.target {
            fields.push(("target", s(t)));
        }
        e.insert("build".into(), map(fields));
    }
    if let Some(c) = &svc.command {
        e.insert("command".into(), strings(c));
    }
    if let Some(c) = &svc.entrypoint {
        e.insert("entrypoint".into(), strings(c));
    }
    if let Some(n) = &svc.container_name {
        e.insert("container_name".into(), s(n));
    }
    if !svc.depends_on.is_empty() {
        let deps = svc
            .depends_on
            .iter()
            .map(|(name, d)| {
                let mut fields = vec![("condition", s(&d.condition))];
                if let Some(r) = d.restart {
                    fields.push(("restart", Node::new(Value::Bool(r))));
                }
                fields.push(("required", Node::new(Value::Bool(d.required))));
                (s(name), map(fields))
            })
            .collect();
        e.insert("depends_on".into(), Node::new(Value::Map(deps)));
    }
    if !svc.environment.is_empty() {
        let env = svc
            .environment
            .iter()
            .map(|(k, v)| (s(k), v.as_deref().map_or(Node::new(Value::Null), s)))
            .collect();
        e.insert("environment".into(), Node::new(Value::Map(env)));
    }
    if !svc.env_file.is_empty() {
        let files = svc
            .env_file
            .iter()
            .map(|p| {
                map(vec![
                    ("path", s(p)),
                    ("required", Node::new(Value::Bool(true))),
                ])
            })
            .collect();
        e.insert("env_file".into(), list(files));
    }
    if !svc.expose.is_empty() {
        e.insert("expose".into(), strings(&svc.expose));
    }
    if let Some(h) = &svc.healthcheck {
        let mut fields = Vec::new();
        if !h.test.is_empty() {
            fields.push(("test", strings(&h.test)));
        }
        for (k, v) in [("timeout", &h.timeout), ("interval", &h.interval)] {
            if let Some(v) = v {
                fields.push((k, s(v)));
            }
        }
        if let Some(r) = h.retries {
            fields.push(("retries", Node::new(Value::Int(r))));
        }
        for (k, v) in [
            ("start_period", &h.start_period),
            ("start_interval", &h.start_interval),
        ] {
            if let Some(v) = v {
                fields.push((k, s(v)));
            }
        }
        if h.disable {
            fields.push(("disable", Node::new(Value::Bool(true))));
        }
        e.insert("healthcheck".into(), map(fields));
    }
    if let Some(i) = &svc.image {
        e.insert("image".into(), s(i));
    }
    if !svc.labels.is_empty() {
        e.insert("labels".into(), string_map(&svc.labels));
    }
    if svc.logging_driver.is_some() || !svc.logging_options.is_empty() {
        let mut fields = Vec::new();
        if let Some(d) = &svc.logging_driver {
            fields.push(("driver", s(d)));
        }
        if !svc.logging_options.is_empty() {
            fields.push(("options", string_map(&svc.logging_options)));
        }
        e.insert("logging".into(), map(fields));
    }
    let nets = svc
        .networks
        .iter()
        .map(|(name, aliases)| {
            let v = if aliases.is_empty() {
                Node::new(Value::Null)
            } else {
                map(vec![("aliases", strings(aliases))])
            };
            (s(name), v)
        })
        .collect();
    e.insert("networks".into(), Node::new(Value::Map(nets)));
    if !svc.ports.is_empty() {
        let ports = svc
            .ports
            .iter()
            .map(|p| {
                let mut fields = vec![("mode", s(&p.mode))];
                if let Some(ip) = &p.host_ip {
                    fields.push(("host_ip", s(ip)));
                }
                fields.push(("target", Node::new(Value::Int(i64::from(p.target)))));
                if let Some(pubd) = &p.published {
                    fields.push(("published", s(pubd)));
                }
                fields.push(("protocol", s(&p.protocol)));
                map(fields)
            })
            .collect();
        e.insert("ports".into(), list(ports));
    }
    if let Some(r) = &svc.restart {
        e.insert("restart".into(), s(r));
    }
    if !svc.secrets.is_empty() {
        let items = svc
            .secrets
            .iter()
            .map(|n| map(vec![("source", s(n))]))
            .collect();
        e.insert("secrets".into(), list(items));
    }
    if !svc.configs.is_empty() {
        let items = svc
            .configs
            .iter()
            .map(|n| map(vec![("source", s(n))]))
            .collect();
        e.insert("configs".into(), list(items));
    }
    if let Some(g) = &svc.stop_signal {
        e.insert("stop_signal".into(), s(g));
    }
    if let Some(g) = &svc.stop_grace_period {
        e.insert("stop_grace_period".into(), s(g));
    }
    if let Some(u) = &svc.user {
        e.insert("user".into(), s(u));
    }
    if !svc.volumes.is_empty() {
        let vols = svc
            .volumes
            .iter()
            .map(|m| {
                let mut fields = vec![("type", s(&m.kind))];
                if let Some(src) = &m.source {
                    fields.push(("source", s(src)));
                }
                fields.push(("target", s(&m.target)));
                if m.read_only {
                    fields.push(("read_only", Node::new(Value::Bool(true))));
                }
                match m.kind.as_str() {
                    "bind" => fields.push((
                        "bind",
                        map(vec![("create_host_path", Node::new(Value::Bool(true)))]),
                    )),
                    "volume" => fields.push(("volume", map(Vec::new()))),
                    _ => {}
                }
                map(fields)
            })
            .collect();
        e.insert("volumes".into(), list(vols));
    }
    if let Some(w) = &svc.working_dir {
        e.insert("working_dir".into(), s(w));
    }
    for (k, v) in &svc.extra {
        e.insert(k.clone(), v.clone());
    }
    let mut fields: Vec<(Node, Node)> = e.into_iter().map(|(k, v)| (s(&k), v)).collect();
    // compose-go's ServiceConfig declares `environment` before `env_file`; everything else we
    // print follows the alphabet.
    if let (Some(f), Some(v)) = (
        fields.iter().position(|(k, _)| k.as_key() == "env_file"),
        fields.iter().position(|(k, _)| k.as_key() == "environment"),
    ) {
        fields.swap(f, v);
    }
    Node::new(Value::Map(fields))
}

/// A top-level resource with its default `name:` (`<project>_<key>` unless external or named).
fn resource(project: &str, project_dir: &str, key: &str, def: &Node) -> Node {
    let mut entries: Vec<(Node, Node)> = match &def.value {
        Value::Map(e) => e.clone(),
        _ => Vec::new(),
    };
    // `file:` (secrets, configs) comes out absolute.
    for (k, v) in &mut entries {
        if k.as_key() == "file"
            && let Some(path) = v.as_str()
        {
            *v = s(&crate::sim::hostfs::normalise(project_dir, path));
        }
    }
    let external = def
        .get("external")
        .is_some_and(|e| e.value == Value::Bool(true));
    if def.get("name").is_none() {
        let name = if external {
            key.to_string()
        } else {
            format!("{project}_{key}")
        };
        entries.insert(0, (s("name"), s(&name)));
    }
    Node::new(Value::Map(entries))
}

/// The project as Compose's normalised model.
pub fn model_node(p: &Project) -> Node {
    let mut top = vec![("name", s(&p.name))];
    let services = p
        .services
        .iter()
        .map(|(name, svc)| (s(name), service_node(svc)))
        .collect();
    top.push(("services", Node::new(Value::Map(services))));
    for (key, defs) in [
        ("networks", &p.networks),
        ("volumes", &p.volumes),
        ("secrets", &p.secrets),
        ("configs", &p.configs),
    ] {
        if defs.is_empty() {
            continue;
        }
        let items = defs
            .iter()
            .map(|(name, def)| (s(name), resource(&p.name, &p.project_dir, name, def)))
            .collect();
        top.push((key, Node::new(Value::Map(items))));
    }
    map(top)
}

/// go-yaml quotes a string that would otherwise read as another type or break the syntax.
fn needs_quotes(text: &str) -> bool {
    if text.is_empty() {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    ) || text.parse::<f64>().is_ok()
    {
        return true;
    }
    let mut chars = text.chars();
    let first = chars.next().unwrap_or(' ');
    let second = chars.next();
    if ",[]{}#&*!|>'\"%@`".contains(first) || first == ' ' {
        return true;
    }
    // `-`, `?` and `:` start a plain scalar only when a non-space follows.
    if "-?:".contains(first) && second.is_none_or(|c| c == ' ') {
        return true;
    }
    text.ends_with(' ')
        || text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
        || text.contains('\n')
        || text.contains('"')
        || text.contains('\t')
}

fn scalar(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(t) if needs_quotes(t) => {
            let escaped = t
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
                .replace('\t', "\\t");
            format!("\"{escaped}\"")
        }
        Value::Str(t) => t.clone(),
        Value::Seq(_) => "[]".into(),
        Value::Map(_) => "{}".into(),
    }
}

fn is_block(node: &Node) -> bool {
    match &node.value {
        Value::Seq(i) => !i.is_empty(),
        Value::Map(e) => !e.is_empty(),
        _ => false,
    }
}

fn write(node: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                let key = scalar(k);
                if is_block(v) {
                    out.push_str(&format!("{pad}{key}:\n"));
                    write(v, indent + 2, out);
                } else {
                    out.push_str(&format!("{pad}{key}: {}\n", scalar(v)));
                }
            }
        }
        Value::Seq(items) => {
            for item in items {
                if is_block(item) && matches!(item.value, Value::Map(_)) {
                    let mut inner = String::new();
                    write(item, indent + 2, &mut inner);
                    let inner = inner.replacen(&format!("{pad}  "), &format!("{pad}- "), 1);
                    out.push_str(&inner);
                } else if is_block(item) {
                    out.push_str(&format!("{pad}-\n"));
                    write(item, indent + 2, out);
                } else {
                    out.push_str(&format!("{pad}- {}\n", scalar(item)));
                }
            }
        }
        _ => out.push_str(&format!("{pad}{}\n", scalar(node))),
    }
}

/// The YAML text `docker compose config` prints.
/// One service in the canonical form `config` prints: what Compose hashes into
/// `com.docker.compose.config-hash` (no file positions, so moving lines changes nothing).
pub fn render_service(svc: &Service) -> String {
    let mut out = String::new();
    write(&service_node(svc), 0, &mut out);
    out
}

pub fn render(p: &Project) -> String {
    let mut out = String::new();
    write(&model_node(p), 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_go_yaml() {
        assert!(needs_quotes("8080"));
        assert!(needs_quotes("true"));
        assert!(needs_quotes(""));
        assert!(needs_quotes("a: b"));
        assert!(!needs_quotes("nginx:1.25"));
        assert!(!needs_quotes("/home/learner/app"));
        assert!(!needs_quotes("service_started"));
        assert!(!needs_quotes("CMD-SHELL"));
    }
}
