//! Traefik's file provider: a dynamic configuration file (routers, services, middlewares) read
//! from the container's filesystem.
//!
//! Real Traefik (`pkg/provider/file`): `--providers.file.filename=/dynamic/conf.yml` (or
//! `.directory`, every file in it) holds `http.routers`, `http.services` (with
//! `loadBalancer.servers: [{url: …}]`) and `http.middlewares`, the same fields as labels but
//! nested and camelCased; names are qualified `@file`; with `watch` (the default) an edit
//! applies at once. `tls` sections (certificates, stores, options) sit next to `http`.
//!
//! Here: the YAML tree is flattened into the label keys the docker provider reads
//! (`http.routers.web.entryPoints: [a, b]` → `traefik.http.routers.web.entrypoints=a,b`), so one
//! parser checks both (src/sim/traefik/dynamic.rs `file`); each service's server URLs come
//! apart. What we simplify: TOML is not read; `tls` certificates from files are accepted and
//! not used (Traefik's default certificate is served); `tcp`/`udp` sections are ignored.
//!
//! A leaf: it imports the YAML parser only.

use std::collections::BTreeMap;

use crate::sim::docker::compose::yaml::{self, Node, Value};

/// The label-style keys of a file, and its services' server URLs; `Err` is the parser's words.
pub type Flat = (BTreeMap<String, String>, BTreeMap<String, Vec<String>>);

pub fn flatten(text: &str) -> Result<Flat, String> {
    let root = yaml::parse(text)?;
    let mut labels = BTreeMap::new();
    let mut servers = BTreeMap::new();
    let Some(http) = root.get("http") else {
        return Ok((labels, servers));
    };
    for kind in ["routers", "services", "middlewares"] {
        let Some(Node {
            value: Value::Map(items),
            ..
        }) = http.get(kind)
        else {
            continue;
        };
        for (name, body) in items {
            let name = name.as_key();
            let prefix = format!("traefik.http.{kind}.{name}");
            if kind == "services" {
                let urls: Vec<String> = body
                    .get("loadBalancer")
                    .and_then(|lb| lb.get("servers"))
                    .map(|s| match &s.value {
                        Value::Seq(list) => list
                            .iter()
                            .filter_map(|server| server.get("url")?.scalar_text())
                            .collect(),
                        _ => Vec::new(),
                    })
                    .unwrap_or_default();
                servers.insert(name.clone(), urls);
            }
            walk(body, &prefix, &mut labels);
        }
    }
    Ok((labels, servers))
}

/// One node into `key=value` pairs: maps go one level down, lists of scalars are joined with
/// commas, an empty map is `true` (`tls: {}`).
fn walk(node: &Node, key: &str, out: &mut BTreeMap<String, String>) {
    match &node.value {
        Value::Map(entries) if entries.is_empty() => {
            out.insert(key.to_string(), "true".into());
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                let k = k.as_key();
                // Server lists are taken apart by the caller.
                if k.eq_ignore_ascii_case("servers") {
                    continue;
                }
                walk(v, &format!("{key}.{k}"), out);
            }
        }
        Value::Seq(items) => {
            let texts: Vec<String> = items.iter().filter_map(Node::scalar_text).collect();
            out.insert(key.to_string(), texts.join(","));
        }
        Value::Null => {
            out.insert(key.to_string(), "true".into());
        }
        _ => {
            if let Some(text) = node.scalar_text() {
                out.insert(key.to_string(), text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::traefik::dynamic;

    /// The shape of traefik's file provider docs ("Routing configuration" examples).
    #[test]
    fn a_dynamic_file_becomes_file_routers_services_and_middlewares() {
        let text = "http:\n  routers:\n    legacy:\n      rule: Host(`legacy.example.com`)\n      entryPoints: [websecure]\n      middlewares: [strip]\n      service: legacy\n      tls:\n        certResolver: le\n  middlewares:\n    strip:\n      stripPrefix:\n        prefixes: [/old]\n  services:\n    legacy:\n      loadBalancer:\n        servers:\n          - url: http://10.0.0.5:8080\n          - url: http://10.0.0.6:8080\n";
        let (labels, servers) = flatten(text).expect("flattens");
        let d = dynamic::file(&labels, &servers);
        assert!(
            d.routers.contains_key("legacy@file"),
            "{labels:?} {:?}",
            d.log
        );
        let r = &d.routers["legacy@file"];
        assert_eq!(r.rule, "Host(`legacy.example.com`)");
        assert_eq!(r.entry_points, ["websecure"]);
        assert_eq!(r.middlewares, ["strip@file"]);
        assert_eq!(r.service, "legacy@file");
        assert_eq!(r.cert_resolver.as_deref(), Some("le"));
        assert_eq!(
            d.services["legacy@file"].servers,
            ["http://10.0.0.5:8080", "http://10.0.0.6:8080"]
        );
        assert!(d.middlewares.contains_key("strip@file"));
        assert!(d.log.is_empty(), "{:?}", d.log);
    }

    #[test]
    fn tls_sections_are_accepted_and_bad_yaml_is_an_error() {
        let (labels, _) = flatten("tls:\n  certificates:\n    - certFile: /certs/a.crt\n").unwrap();
        assert!(labels.is_empty());
        assert!(flatten("http: [").is_err());
    }
}
