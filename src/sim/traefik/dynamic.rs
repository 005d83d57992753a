//! The docker and swarm providers: how Traefik turns labels into routers, services, middlewares.
//!
//! What real Traefik v3 does (traefik/traefik `pkg/provider/docker/config.go`, `shared.go`,
//! `shared_labels.go`, `pswarm.go`, `pkg/provider/configuration.go`, `pkg/provider/merge.go`):
//! for each container (docker provider) or service (swarm provider) it reads the `traefik.*`
//! labels, names matched without regard to case (traefik/paerser). The docker provider drops
//! containers that are not running (`Filtering non running container`) or whose HEALTHCHECK is
//! `starting`/`unhealthy` (`Filtering unhealthy or starting container`); with
//! `exposedByDefault=false` only `traefik.enable=true` ones are kept (`Filtering disabled
//! container`). The swarm provider reads the *service* labels (`deploy.labels` in a stack file),
//! never the containers'. With no service label a service named after the container is made;
//! each service gets its servers from `server.port` or, for docker only, port detection (the one
//! exposed port, or the lowest); swarm has no detection, so without the port label the service is
//! skipped with `service "<name>" error: port is missing`. `server.url` excludes `port` and
//! `scheme`. With no router label and exactly one service a router is made with the provider's
//! `defaultRule`; a router without `.service` is linked to the only service, and with several
//! it is deleted (`Router <r> cannot be linked automatically with multiple Services: [...]`).
//! Swarm balances over running task IPs unless `lbswarm=true`, which uses the VIP. Since v3.2.2
//! swarm reads `traefik.swarm.network`/`lbswarm`; the older `traefik.docker.*` names still work
//! with a deprecation warning, both together skip the service. Resources defined by several
//! containers differently are dropped (`HTTP router defined multiple times with different
//! configurations`, v3.7 words); services equal but for their servers are merged (replicas).
//!
//! What we model: the router, service and middleware labels page 11 uses (stripprefix,
//! redirectscheme, basicauth, ratelimit, headers, chain) with Traefik's defaults
//! (doc.traefik.io "Routing configuration" reference pages): passhostheader `true`, health check
//! interval 30 s and timeout 5 s, redirectscheme permanent `false`, basicauth realm `traefik`,
//! ratelimit burst 1 and period 1 s. Names are qualified `name@docker` / `name@swarm`. A bad rule
//! (parsed with [`super::rule`]) or a missing middleware is that router's error.
//!
//! What we simplify:
//! - Log lines are `LVL msg key=value…` without the time; the `container=` field is the name we
//!   are given (Traefik adds the swarm task's slot and id).
//! - Without a network setting Traefik picks "randomly" among a container's networks; we take
//!   the first by name. The wrong-network warnings and `unable to find the IP address` are not
//!   modelled: a container without an IP gets no server.
//! - The `@` check is in our words after the docs ("The character `@` is not authorized in the
//!   router name").
//! - An unknown key under `traefik.http.` is refused with paerser's `field not found, node: <k>`
//!   for the first unknown segment; `traefik.tcp.*`, `traefik.udp.*` and other keys are ignored.
//! - Headers middleware options are kept as text; the sticky cookie's default name (a sha1
//!   abbreviation) is left empty; TLS domains and serversTransport are not read.
//!
//! A leaf: it imports the rule parser, the static configuration's providers and the one sort.

use std::collections::BTreeMap;

use super::rule;
use super::static_config::{DockerProvider, SwarmProvider, go_bool, go_duration};
use crate::sim::order;
use crate::sim::time::{Millis, SECOND_MS};

/// The highest priority a user router may have (`maxUserPriority`, `pkg/server/router/router.go`).
pub const MAX_USER_PRIORITY: i64 = i64::MAX - 1000;

/// Which provider reads the labels.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Provider {
    Docker,
    Swarm,
    File,
}

impl Provider {
    pub fn name(self) -> &'static str {
        match self {
            Provider::Docker => "docker",
            Provider::Swarm => "swarm",
            Provider::File => "file",
        }
    }
}

/// A container's Docker HEALTHCHECK status.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Health {
    Starting,
    Healthy,
    Unhealthy,
}

/// What the docker provider sees of one container.
#[derive(Clone, Debug, Default)]
pub struct Container {
    /// The service name Traefik uses: `<service>_<project>` under Compose, else the name.
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub exposed_ports: Vec<u16>,
    pub running: bool,
    /// `None` when the image has no HEALTHCHECK.
    pub health: Option<Health>,
    /// Network name → the container's IP on it.
    pub networks: BTreeMap<String, String>,
}

/// What the swarm provider sees of one service.
#[derive(Clone, Debug, Default)]
pub struct SwarmService {
    pub name: String,
    /// The service's labels (`deploy.labels`), not its containers'.
    pub labels: BTreeMap<String, String>,
    /// Per running task: network name → task IP.
    pub tasks: Vec<BTreeMap<String, String>>,
    /// Network name → the service's virtual IP.
    pub vips: BTreeMap<String, String>,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Router {
    /// Qualified: `name@provider`.
    pub name: String,
    pub rule: String,
    /// Empty: every entrypoint (the caller applies `asDefault`).
    pub entry_points: Vec<String>,
    /// Qualified names.
    pub middlewares: Vec<String>,
    /// Qualified name.
    pub service: String,
    pub priority: i64,
    pub tls: bool,
    pub cert_resolver: Option<String>,
    /// The router's error (bad rule, missing middleware): it serves nothing.
    pub error: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct HealthCheck {
    pub path: String,
    pub interval: Millis,
    pub timeout: Millis,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Sticky {
    /// Empty: Traefik's generated name.
    pub name: String,
    pub secure: bool,
    pub http_only: bool,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Service {
    pub name: String,
    /// Server URLs, sorted.
    pub servers: Vec<String>,
    pub pass_host_header: bool,
    pub health_check: Option<HealthCheck>,
    pub sticky: Option<Sticky>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Middleware {
    StripPrefix {
        prefixes: Vec<String>,
    },
    RedirectScheme {
        scheme: String,
        permanent: bool,
        port: String,
    },
    BasicAuth {
        users: Vec<String>,
        realm: String,
        remove_header: bool,
    },
    RateLimit {
        average: i64,
        burst: i64,
        period: Millis,
    },
    /// Option name (lower case) → value.
    Headers(BTreeMap<String, String>),
    /// Qualified names.
    Chain(Vec<String>),
}

/// The dynamic configuration one provider produces, with its log.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Dynamic {
    pub routers: BTreeMap<String, Router>,
    pub services: BTreeMap<String, Service>,
    pub middlewares: BTreeMap<String, Middleware>,
    /// `LVL msg key=value…`, in order.
    pub log: Vec<String>,
}

/// One container's (or service's) configuration before merging.
#[derive(Default)]
struct Parsed {
    routers: BTreeMap<String, RawRouter>,
    services: BTreeMap<String, RawService>,
    middlewares: BTreeMap<String, RawMiddleware>,
}

#[derive(Default)]
struct RawRouter {
    fields: BTreeMap<String, String>,
}

#[derive(Default)]
struct RawService {
    fields: BTreeMap<String, String>,
}

#[derive(Default)]
struct RawMiddleware {
    kind: String,
    fields: BTreeMap<String, String>,
}

/// What one label set names outside `traefik.http.`.
#[derive(Default)]
struct Settings {
    enable: Option<String>,
    network: Option<String>,
    lbswarm: Option<String>,
}

const ROUTER_FIELDS: &[&str] = &[
    "rule",
    "entrypoints",
    "middlewares",
    "service",
    "tls",
    "tls.certresolver",
    "priority",
    "rulesyntax",
];
const SERVICE_FIELDS: &[&str] = &[
    "loadbalancer.server.port",
    "loadbalancer.server.scheme",
    "loadbalancer.server.url",
    "loadbalancer.passhostheader",
    "loadbalancer.healthcheck.path",
    "loadbalancer.healthcheck.interval",
    "loadbalancer.healthcheck.timeout",
    "loadbalancer.sticky.cookie",
    "loadbalancer.sticky.cookie.name",
    "loadbalancer.sticky.cookie.secure",
    "loadbalancer.sticky.cookie.httponly",
];
const MIDDLEWARE_FIELDS: &[(&str, &[&str])] = &[
    ("stripprefix", &["prefixes"]),
    ("redirectscheme", &["scheme", "permanent", "port"]),
    ("basicauth", &["users", "realm", "removeheader"]),
    ("ratelimit", &["average", "burst", "period"]),
    ("chain", &["middlewares"]),
];

/// Reads the labels; `Err` is paerser's message for the first unknown key.
fn parse_labels(labels: &BTreeMap<String, String>) -> Result<(Parsed, Settings), String> {
    let mut parsed = Parsed::default();
    let mut settings = Settings::default();
    for (key, value) in labels {
        let lower = key.to_lowercase();
        let value = value.clone();
        match lower.as_str() {
            "traefik.enable" => settings.enable = Some(value.clone()),
            "traefik.docker.network" | "traefik.swarm.network" => {
                settings.network = Some(value.clone());
            }
            "traefik.docker.lbswarm" | "traefik.swarm.lbswarm" => {
                settings.lbswarm = Some(value.clone())
            }
            _ => {}
        }
        let Some(rest) = lower.strip_prefix("traefik.http.") else {
            continue;
        };
        // Resource names keep their case; field names are matched in lower case.
        let original = &key["traefik.http.".len()..];
        let (kind, after) = rest.split_once('.').unwrap_or((rest, ""));
        let after_original = &original[original.len() - after.len()..];
        let (name, field) = after_original
            .split_once('.')
            .unwrap_or((after_original, ""));
        let field = field.to_lowercase();
        let unknown = |segment: &str| format!("field not found, node: {segment}");
        if name.is_empty() || field.is_empty() {
            return Err(unknown(if name.is_empty() { kind } else { name }));
        }
        match kind {
            "routers" => {
                if !ROUTER_FIELDS.contains(&field.as_str()) {
                    return Err(unknown(first_segment(&field)));
                }
                let router = parsed.routers.entry(name.to_string()).or_default();
                router.fields.insert(field, value);
            }
            "services" => {
                if !SERVICE_FIELDS.contains(&field.as_str()) {
                    return Err(unknown(unknown_segment(&field, SERVICE_FIELDS)));
                }
                let service = parsed.services.entry(name.to_string()).or_default();
                service.fields.insert(field, value);
            }
            "middlewares" => {
                let (mkind, option) = field.split_once('.').unwrap_or((&field, ""));
                let known = mkind == "headers" && !option.is_empty()
                    || MIDDLEWARE_FIELDS
                        .iter()
                        .any(|(k, opts)| *k == mkind && opts.contains(&option));
                if !known {
                    return Err(unknown(if option.is_empty() { mkind } else { option }));
                }
                let middleware = parsed.middlewares.entry(name.to_string()).or_default();
                if !middleware.kind.is_empty() && middleware.kind != mkind {
                    return Err(format!(
                        "middleware {name} has more than one type: {} and {mkind}",
                        middleware.kind
                    ));
                }
                middleware.kind = mkind.to_string();
                middleware.fields.insert(option.to_string(), value);
            }
            "serverstransports" => {}
            _ => return Err(unknown(kind)),
        }
    }
    Ok((parsed, settings))
}

fn first_segment(field: &str) -> &str {
    field.split('.').next().unwrap_or(field)
}

/// The first segment of `field` that no known field has at that place.
fn unknown_segment<'a>(field: &'a str, known: &[&str]) -> &'a str {
    let segments: Vec<&str> = field.split('.').collect();
    for depth in 0..segments.len() {
        let prefix = segments[..=depth].join(".");
        let exists = known
            .iter()
            .any(|k| *k == prefix || k.starts_with(&format!("{prefix}.")));
        if !exists {
            return segments[depth];
        }
    }
    segments.last().copied().unwrap_or(field)
}

/// Traefik's `provider.Normalize`: runs of non-letters/digits become one `-`.
pub fn normalize(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Applies the `defaultRule` template's two forms, `{{ normalize .Name }}` and `{{ .Name }}`.
fn default_rule(template: &str, name: &str) -> String {
    template
        .replace("{{ normalize .Name }}", &normalize(name))
        .replace("{{normalize .Name}}", &normalize(name))
        .replace("{{ .Name }}", name)
        .replace("{{.Name}}", name)
}

fn parse_bool(text: &str) -> Result<bool, String> {
    go_bool(text).ok_or_else(|| format!("strconv.ParseBool: parsing {text:?}: invalid syntax"))
}

/// `strconv.ParseInt`'s two errors.
fn parse_int(text: &str) -> Result<i64, String> {
    text.parse::<i64>().map_err(|e| {
        let why = match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                "value out of range"
            }
            _ => "invalid syntax",
        };
        format!("strconv.ParseInt: parsing {text:?}: {why}")
    })
}

fn parse_duration(text: &str) -> Result<Millis, String> {
    go_duration(text).ok_or_else(|| format!("time: invalid duration {text:?}"))
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn qualify(name: &str, provider: Provider) -> String {
    if name.contains('@') {
        name.to_string()
    } else {
        format!("{name}@{}", provider.name())
    }
}

/// One container's or service's input, common to both providers.
struct Unit<'a> {
    name: &'a str,
    /// Server addresses (IPs) the service would point to.
    ips: Vec<String>,
    /// Docker's exposed ports (empty for swarm: no detection).
    ports: Vec<u16>,
}

/// A unit's configuration, its resources qualified.
type Built = (Dynamic, Vec<String>);

fn build_unit(unit: &Unit, provider: Provider, rule_template: &str, parsed: Parsed) -> Built {
    let mut out = Dynamic::default();
    let mut log = Vec::new();
    let who = format!("container={} providerName={}", unit.name, provider.name());
    let error = |e: &str| format!("ERR error={e:?} {who}");
    let mut parsed = parsed;
    let default_service = normalize(unit.name);
    if parsed.services.is_empty() {
        parsed
            .services
            .insert(default_service.clone(), RawService::default());
    }
    // Services: every one gets servers, or the whole unit is skipped.
    for (name, raw) in &parsed.services {
        match build_service(name, raw, unit) {
            Ok(service) => {
                out.services.insert(qualify(name, provider), service);
            }
            Err(e) => {
                log.push(error(&format!("service {name:?} error: {e}")));
                return (Dynamic::default(), log);
            }
        }
    }
    for (name, raw) in &parsed.middlewares {
        match build_middleware(raw, provider) {
            Ok(middleware) => {
                out.middlewares.insert(qualify(name, provider), middleware);
            }
            Err(e) => {
                log.push(error(&e));
                return (Dynamic::default(), log);
            }
        }
    }
    if parsed.routers.is_empty() {
        if parsed.services.len() == 1 {
            parsed
                .routers
                .insert(default_service.clone(), RawRouter::default());
        } else {
            log.push(format!(
                "INF Could not create a router for the container: too many services {who}"
            ));
        }
    }
    let service_names: Vec<&String> = parsed.services.keys().collect();
    for (name, raw) in &parsed.routers {
        let with = format!("routerName={name} {who}");
        if name.contains('@') {
            log.push(format!(
                "ERR The character @ is not authorized in the router name {with}"
            ));
            continue;
        }
        let service = match raw.fields.get("service") {
            Some(s) => s.clone(),
            None if service_names.len() == 1 => service_names[0].clone(),
            None => {
                let quoted: Vec<String> = service_names.iter().map(|s| format!("{s:?}")).collect();
                log.push(format!(
                    "ERR Router {name} cannot be linked automatically with multiple Services: [{}] {who}",
                    quoted.join(" ")
                ));
                continue;
            }
        };
        match build_router(name, raw, provider, rule_template, unit.name, &service) {
            Ok(router) => {
                out.routers.insert(router.name.clone(), router);
            }
            Err(e) => {
                log.push(error(&e));
                return (Dynamic::default(), log);
            }
        }
    }
    (out, log)
}

fn build_service(name: &str, raw: &RawService, unit: &Unit) -> Result<Service, String> {
    let get = |f: &str| raw.fields.get(f).map(String::as_str);
    let port = get("loadbalancer.server.port");
    let scheme = get("loadbalancer.server.scheme");
    let servers = if let Some(url) = get("loadbalancer.server.url") {
        if port.is_some() || scheme.is_some() {
            return Err("defining scheme or port is not allowed when URL is defined".into());
        }
        vec![url.to_string()]
    } else {
        let port = match port {
            Some(p) => p.to_string(),
            None => match unit.ports.iter().min() {
                Some(p) => p.to_string(),
                None => return Err("port is missing".into()),
            },
        };
        let scheme = scheme.unwrap_or("http");
        let mut servers: Vec<String> = unit
            .ips
            .iter()
            .map(|ip| format!("{scheme}://{ip}:{port}"))
            .collect();
        order::sort(&mut servers);
        servers
    };
    let pass_host_header = match get("loadbalancer.passhostheader") {
        Some(v) => parse_bool(v)?,
        None => true,
    };
    let health_check = match get("loadbalancer.healthcheck.path") {
        Some(path) => Some(HealthCheck {
            path: path.to_string(),
            interval: match get("loadbalancer.healthcheck.interval") {
                Some(v) => parse_duration(v)?,
                None => 30 * SECOND_MS,
            },
            timeout: match get("loadbalancer.healthcheck.timeout") {
                Some(v) => parse_duration(v)?,
                None => 5 * SECOND_MS,
            },
        }),
        None => None,
    };
    let cookie = get("loadbalancer.sticky.cookie");
    let sticky_named = raw
        .fields
        .keys()
        .any(|k| k.starts_with("loadbalancer.sticky.cookie."));
    let sticky = if cookie.map(parse_bool).transpose()?.unwrap_or(false) || sticky_named {
        let flag = |f: &str| {
            get(f)
                .map(parse_bool)
                .transpose()
                .map(|b| b.unwrap_or(false))
        };
        Some(Sticky {
            name: get("loadbalancer.sticky.cookie.name")
                .unwrap_or_default()
                .to_string(),
            secure: flag("loadbalancer.sticky.cookie.secure")?,
            http_only: flag("loadbalancer.sticky.cookie.httponly")?,
        })
    } else {
        None
    };
    Ok(Service {
        name: name.to_string(),
        servers,
        pass_host_header,
        health_check,
        sticky,
    })
}

fn build_middleware(raw: &RawMiddleware, provider: Provider) -> Result<Middleware, String> {
    let get = |f: &str| raw.fields.get(f).map(String::as_str);
    Ok(match raw.kind.as_str() {
        "stripprefix" => Middleware::StripPrefix {
            prefixes: list(get("prefixes").unwrap_or_default()),
        },
        "redirectscheme" => Middleware::RedirectScheme {
            scheme: get("scheme").unwrap_or_default().to_string(),
            permanent: get("permanent")
                .map(parse_bool)
                .transpose()?
                .unwrap_or(false),
            port: get("port").unwrap_or_default().to_string(),
        },
        "basicauth" => Middleware::BasicAuth {
            users: list(get("users").unwrap_or_default()),
            realm: get("realm").unwrap_or("traefik").to_string(),
            remove_header: get("removeheader")
                .map(parse_bool)
                .transpose()?
                .unwrap_or(false),
        },
        "ratelimit" => Middleware::RateLimit {
            average: get("average").map(parse_int).transpose()?.unwrap_or(0),
            burst: get("burst").map(parse_int).transpose()?.unwrap_or(1),
            period: get("period")
                .map(parse_duration)
                .transpose()?
                .unwrap_or(SECOND_MS),
        },
        "chain" => Middleware::Chain(
            list(get("middlewares").unwrap_or_default())
                .iter()
                .map(|m| qualify(m, provider))
                .collect(),
        ),
        _ => Middleware::Headers(raw.fields.clone()),
    })
}

fn build_router(
    name: &str,
    raw: &RawRouter,
    provider: Provider,
    rule_template: &str,
    unit_name: &str,
    service: &str,
) -> Result<Router, String> {
    let get = |f: &str| raw.fields.get(f).map(String::as_str);
    let rule = match get("rule") {
        Some(r) if !r.is_empty() => r.to_string(),
        _ => default_rule(rule_template, unit_name),
    };
    let priority = match get("priority").map(parse_int).transpose()? {
        Some(p) if p != 0 => p,
        _ => rule::default_priority(&rule),
    };
    let error = match rule::parse(&rule) {
        Err(e) => Some(e.to_string()),
        Ok(_) if priority > MAX_USER_PRIORITY => Some(format!(
            "the router priority {priority} exceeds the max user-defined priority {MAX_USER_PRIORITY}"
        )),
        Ok(_) => None,
    };
    Ok(Router {
        name: qualify(name, provider),
        entry_points: list(get("entrypoints").unwrap_or_default()),
        middlewares: list(get("middlewares").unwrap_or_default())
            .iter()
            .map(|m| qualify(m, provider))
            .collect(),
        service: qualify(service, provider),
        priority,
        tls: get("tls").map(parse_bool).transpose()?.unwrap_or(false)
            || get("tls.certresolver").is_some(),
        cert_resolver: get("tls.certresolver").map(str::to_string),
        rule,
        error,
    })
}

/// Merges the units' configurations: equal definitions are kept once (services equal but for
/// their servers pool them), different ones are dropped with Traefik's v3.7 words.
fn merge(built: Vec<Built>, provider: Provider) -> Dynamic {
    let mut out = Dynamic::default();
    let mut routers: BTreeMap<String, Vec<Router>> = BTreeMap::new();
    let mut services: BTreeMap<String, Vec<Service>> = BTreeMap::new();
    let mut middlewares: BTreeMap<String, Vec<Middleware>> = BTreeMap::new();
    for (dynamic, log) in built {
        out.log.extend(log);
        for (k, v) in dynamic.routers {
            routers.entry(k).or_default().push(v);
        }
        for (k, v) in dynamic.services {
            services.entry(k).or_default().push(v);
        }
        for (k, v) in dynamic.middlewares {
            middlewares.entry(k).or_default().push(v);
        }
    }
    let conflict = |what: &str, name: &str| {
        format!(
            "ERR HTTP {what} defined multiple times with different configurations {what}Name={name} providerName={}",
            provider.name()
        )
    };
    for (name, all) in routers {
        if all.iter().all(|r| *r == all[0]) {
            out.routers.insert(name, all[0].clone());
        } else {
            out.log.push(conflict("router", &name));
        }
    }
    for (name, all) in services {
        let bare = |s: &Service| Service {
            servers: Vec::new(),
            ..s.clone()
        };
        if all.iter().all(|s| bare(s) == bare(&all[0])) {
            let mut merged = all[0].clone();
            merged.servers = all.iter().flat_map(|s| s.servers.clone()).collect();
            order::sort(&mut merged.servers);
            merged.servers.dedup();
            out.services.insert(name, merged);
        } else {
            out.log.push(conflict("service", &name));
        }
    }
    for (name, all) in middlewares {
        if all.iter().all(|m| *m == all[0]) {
            out.middlewares.insert(name, all[0].clone());
        } else {
            out.log.push(conflict("middleware", &name));
        }
    }
    check_references(&mut out);
    out
}

/// A router naming a middleware this configuration lacks gets Traefik's runtime error.
fn check_references(out: &mut Dynamic) {
    let known: Vec<String> = out.middlewares.keys().cloned().collect();
    for router in out.routers.values_mut() {
        if router.error.is_some() {
            continue;
        }
        // Other providers' middlewares (`@file`, `@internal`) are checked by the caller.
        let provider = router
            .name
            .rsplit('@')
            .next()
            .unwrap_or_default()
            .to_string();
        if let Some(missing) = router
            .middlewares
            .iter()
            .find(|m| m.rsplit('@').next() == Some(provider.as_str()) && !known.contains(m))
        {
            router.error = Some(format!("middleware {missing:?} does not exist"));
        }
    }
}

/// A unit's labels read, if they parse and the unit is enabled; otherwise the reason is in `log`.
fn read_enabled(
    labels: &BTreeMap<String, String>,
    exposed_by_default: bool,
    who: &str,
    log: &mut Vec<String>,
) -> Option<(Parsed, Settings)> {
    let (parsed, settings) = match parse_labels(labels) {
        Ok(p) => p,
        Err(e) => {
            log.push(format!("ERR error={e:?} {who}"));
            return None;
        }
    };
    (enabled(&settings, exposed_by_default, who, log) == Ok(true)).then_some((parsed, settings))
}

fn enabled(
    settings: &Settings,
    exposed_by_default: bool,
    who: &str,
    log: &mut Vec<String>,
) -> Result<bool, ()> {
    let enable = match &settings.enable {
        Some(v) => match parse_bool(v) {
            Ok(b) => b,
            Err(e) => {
                log.push(format!("ERR error={e:?} {who}"));
                return Err(());
            }
        },
        None => exposed_by_default,
    };
    if !enable {
        log.push(format!("DBG Filtering disabled container {who}"));
    }
    Ok(enable)
}

/// The docker provider over the given containers.
pub fn docker(containers: &[Container], settings: &DockerProvider) -> Dynamic {
    let mut built = Vec::new();
    let mut sorted: Vec<&Container> = containers.iter().collect();
    order::sort_by_key(&mut sorted, |c| c.name.clone());
    for c in sorted {
        let who = format!("container={} providerName=docker", c.name);
        let mut log = Vec::new();
        if !c.running {
            log.push(format!("DBG Filtering non running container {who}"));
            built.push((Dynamic::default(), log));
            continue;
        }
        let Some((parsed, labels)) =
            read_enabled(&c.labels, settings.exposed_by_default, &who, &mut log)
        else {
            built.push((Dynamic::default(), log));
            continue;
        };
        if matches!(c.health, Some(Health::Starting | Health::Unhealthy)) {
            log.push(format!(
                "DBG Filtering unhealthy or starting container {who}"
            ));
            built.push((Dynamic::default(), log));
            continue;
        }
        let network = labels.network.clone().unwrap_or(settings.network.clone());
        let ip = c
            .networks
            .get(&network)
            .or_else(|| c.networks.values().next());
        let unit = Unit {
            name: &c.name,
            ips: ip.into_iter().cloned().collect(),
            ports: c.exposed_ports.clone(),
        };
        let (dynamic, more) = build_unit(&unit, Provider::Docker, &settings.default_rule, parsed);
        log.extend(more);
        built.push((dynamic, log));
    }
    merge(built, Provider::Docker)
}

/// The file provider over a dynamic configuration file, given as label-style keys
/// (`traefik.http.routers.NAME.rule`, see src/sim/traefik/file_provider.rs) plus each service's
/// `loadBalancer.servers` URLs. Nothing is made up: no default service, router or rule.
pub fn file(labels: &BTreeMap<String, String>, servers: &BTreeMap<String, Vec<String>>) -> Dynamic {
    let who = "providerName=file";
    let mut out = Dynamic::default();
    let (parsed, _) = match parse_labels(labels) {
        Ok(p) => p,
        Err(e) => {
            out.log.push(format!("ERR error={e:?} {who}"));
            return out;
        }
    };
    let unit = Unit {
        name: "file",
        ips: Vec::new(),
        ports: Vec::new(),
    };
    // A service may have nothing but its servers, which are not label keys.
    let mut names: Vec<&String> = parsed.services.keys().chain(servers.keys()).collect();
    order::sort(&mut names);
    names.dedup();
    for name in names {
        let urls = servers.get(name).cloned().unwrap_or_default();
        let mut raw_one = RawService {
            fields: parsed
                .services
                .get(name)
                .map(|r| r.fields.clone())
                .unwrap_or_default(),
        };
        if let Some(first) = urls.first() {
            raw_one
                .fields
                .insert("loadbalancer.server.url".into(), first.clone());
        }
        match build_service(name, &raw_one, &unit) {
            Ok(mut service) => {
                if !urls.is_empty() {
                    service.servers = urls;
                }
                out.services.insert(qualify(name, Provider::File), service);
            }
            Err(e) => out
                .log
                .push(format!("ERR error=\"service {name:?} error: {e}\" {who}")),
        }
    }
    for (name, raw) in &parsed.middlewares {
        match build_middleware(raw, Provider::File) {
            Ok(m) => {
                out.middlewares.insert(qualify(name, Provider::File), m);
            }
            Err(e) => out.log.push(format!("ERR error={e:?} {who}")),
        }
    }
    for (name, raw) in &parsed.routers {
        let service = raw.fields.get("service").cloned().unwrap_or_default();
        match build_router(name, raw, Provider::File, "", name, &service) {
            Ok(router) => {
                out.routers.insert(router.name.clone(), router);
            }
            Err(e) => out.log.push(format!("ERR error={e:?} {who}")),
        }
    }
    out
}

/// The swarm provider over the given services.
pub fn swarm(services: &[SwarmService], settings: &SwarmProvider) -> Dynamic {
    let mut built = Vec::new();
    let mut sorted: Vec<&SwarmService> = services.iter().collect();
    order::sort_by_key(&mut sorted, |s| s.name.clone());
    for s in sorted {
        let who = format!("container={} providerName=swarm", s.name);
        let mut log = Vec::new();
        let has = |k: &str| s.labels.keys().any(|l| l.to_lowercase().starts_with(k));
        let (old, new) = (has("traefik.docker."), has("traefik.swarm."));
        if old && new {
            log.push(format!(
                "ERR error=\"both Docker and Swarm labels are defined\" {who}"
            ));
            built.push((Dynamic::default(), log));
            continue;
        }
        if old {
            log.push(format!("WRN Labels traefik.docker.* for Swarm provider are deprecated. Please use traefik.swarm.* labels instead {who}"));
        }
        let Some((parsed, labels)) =
            read_enabled(&s.labels, settings.exposed_by_default, &who, &mut log)
        else {
            built.push((Dynamic::default(), log));
            continue;
        };
        let lbswarm = match labels.lbswarm.as_deref().map(parse_bool).transpose() {
            Ok(b) => b.unwrap_or(false),
            Err(e) => {
                log.push(format!("ERR error={e:?} {who}"));
                built.push((Dynamic::default(), log));
                continue;
            }
        };
        let network = labels.network.clone().unwrap_or(settings.network.clone());
        let pick = |nets: &BTreeMap<String, String>| {
            nets.get(&network).or_else(|| nets.values().next()).cloned()
        };
        let ips: Vec<String> = if lbswarm {
            pick(&s.vips).into_iter().collect()
        } else {
            s.tasks.iter().filter_map(pick).collect()
        };
        let unit = Unit {
            name: &s.name,
            ips,
            ports: Vec::new(),
        };
        let (dynamic, more) = build_unit(&unit, Provider::Swarm, &settings.default_rule, parsed);
        log.extend(more);
        built.push((dynamic, log));
    }
    merge(built, Provider::Swarm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::Rng;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn container(name: &str, pairs: &[(&str, &str)], ports: &[u16]) -> Container {
        Container {
            name: name.to_string(),
            labels: labels(pairs),
            exposed_ports: ports.to_vec(),
            running: true,
            health: None,
            networks: [("proxy".to_string(), "172.18.0.5".to_string())].into(),
        }
    }

    fn service(name: &str, pairs: &[(&str, &str)]) -> SwarmService {
        SwarmService {
            name: name.to_string(),
            labels: labels(pairs),
            tasks: vec![
                [("proxy".to_string(), "10.0.1.5".to_string())].into(),
                [("proxy".to_string(), "10.0.1.6".to_string())].into(),
            ],
            vips: [("proxy".to_string(), "10.0.1.2".to_string())].into(),
        }
    }

    #[test]
    fn swarm_without_port_label_logs_port_is_missing_traefik_swarm_md_port_detection() {
        let out = swarm(
            &[service(
                "app_web",
                &[("traefik.http.routers.web.rule", "Host(`a.example.com`)")],
            )],
            &SwarmProvider::default(),
        );
        assert!(out.routers.is_empty() && out.services.is_empty());
        assert_eq!(
            out.log,
            vec![
                "ERR error=\"service \\\"app-web\\\" error: port is missing\" container=app_web providerName=swarm"
            ]
        );
    }

    #[test]
    fn swarm_reads_service_labels_only_container_labels_are_invisible_pswarm_parse_service() {
        // A stack file's `labels:` (not under `deploy:`) land on the containers, which the
        // swarm provider never reads: the service carries no label.
        let out = swarm(
            &[service("app_web", &[])],
            &SwarmProvider {
                exposed_by_default: false,
                ..SwarmProvider::default()
            },
        );
        assert!(out.routers.is_empty());
        assert_eq!(
            out.log,
            vec!["DBG Filtering disabled container container=app_web providerName=swarm"]
        );
    }

    #[test]
    fn router_without_service_links_to_the_only_one_configuration_go_build_router_configuration() {
        let out = docker(
            &[container(
                "whoami",
                &[
                    ("traefik.http.routers.w.rule", "Host(`w.localhost`)"),
                    ("traefik.http.services.api.loadbalancer.server.port", "8080"),
                ],
                &[80],
            )],
            &DockerProvider::default(),
        );
        let router = &out.routers["w@docker"];
        assert_eq!(router.service, "api@docker");
        assert_eq!(
            out.services["api@docker"].servers,
            vec!["http://172.18.0.5:8080"]
        );
        assert!(out.services["api@docker"].pass_host_header);
    }

    #[test]
    fn router_with_two_services_is_dropped_configuration_go_build_router_configuration() {
        let out = docker(
            &[container(
                "c",
                &[
                    ("traefik.http.routers.r.rule", "Host(`x`)"),
                    ("traefik.http.services.svc-a.loadbalancer.server.port", "80"),
                    ("traefik.http.services.svc-b.loadbalancer.server.port", "81"),
                ],
                &[],
            )],
            &DockerProvider::default(),
        );
        assert!(out.routers.is_empty());
        assert_eq!(out.services.len(), 2);
        assert_eq!(
            out.log,
            vec![
                "ERR Router r cannot be linked automatically with multiple Services: [\"svc-a\" \"svc-b\"] container=c providerName=docker"
            ]
        );
        let none = docker(
            &[container(
                "c",
                &[
                    ("traefik.http.services.a.loadbalancer.server.port", "80"),
                    ("traefik.http.services.b.loadbalancer.server.port", "81"),
                ],
                &[],
            )],
            &DockerProvider::default(),
        );
        assert!(
            none.log[0]
                .starts_with("INF Could not create a router for the container: too many services")
        );
    }

    #[test]
    fn exposed_by_default_false_needs_traefik_enable_true_config_go_keep_container() {
        let settings = DockerProvider {
            exposed_by_default: false,
            ..DockerProvider::default()
        };
        let out = docker(
            &[
                container("hidden", &[], &[80]),
                container("shown", &[("traefik.enable", "true")], &[80]),
            ],
            &settings,
        );
        assert_eq!(out.routers.keys().collect::<Vec<_>>(), vec!["shown@docker"]);
        assert_eq!(out.routers["shown@docker"].rule, "Host(`shown`)");
        assert_eq!(
            out.log,
            vec!["DBG Filtering disabled container container=hidden providerName=docker"]
        );
        // The default is true: every container gets a default router, Traefik itself included.
        let all = docker(
            &[container("traefik", &[], &[80, 8080])],
            &DockerProvider::default(),
        );
        assert_eq!(all.routers["traefik@docker"].rule, "Host(`traefik`)");
    }

    #[test]
    fn port_detection_takes_the_lowest_exposed_port_docker_md_port_detection() {
        let out = docker(
            &[container("web_proj", &[], &[8080, 80])],
            &DockerProvider::default(),
        );
        assert_eq!(
            out.services["web-proj@docker"].servers,
            vec!["http://172.18.0.5:80"]
        );
        assert_eq!(out.routers["web-proj@docker"].rule, "Host(`web-proj`)");
        let none = docker(&[container("c", &[], &[])], &DockerProvider::default());
        assert!(none.log[0].contains("error=\"service \\\"c\\\" error: port is missing\""));
    }

    #[test]
    fn host_beats_path_prefix_by_rule_length_mux_go_get_rule_priority() {
        let out = docker(
            &[
                container(
                    "front",
                    &[("traefik.http.routers.front.rule", "Host(`example.com`)")],
                    &[80],
                ),
                container(
                    "api",
                    &[("traefik.http.routers.api.rule", "PathPrefix(`/api`)")],
                    &[80],
                ),
            ],
            &DockerProvider::default(),
        );
        assert_eq!(out.routers["front@docker"].priority, 19);
        assert_eq!(out.routers["api@docker"].priority, 18);
        let explicit = docker(
            &[container(
                "api",
                &[
                    ("traefik.http.routers.api.rule", "PathPrefix(`/api`)"),
                    ("traefik.http.routers.api.priority", "100"),
                ],
                &[80],
            )],
            &DockerProvider::default(),
        );
        assert_eq!(explicit.routers["api@docker"].priority, 100);
        let too_high = docker(
            &[container(
                "api",
                &[("traefik.http.routers.api.priority", "9223372036854775806")],
                &[80],
            )],
            &DockerProvider::default(),
        );
        assert_eq!(
            too_high.routers["api@docker"].error.as_deref(),
            Some(
                "the router priority 9223372036854775806 exceeds the max user-defined priority 9223372036854774807"
            )
        );
    }

    #[test]
    fn compose_doubled_dollars_reach_traefik_single_basicauth_md() {
        // The compose file says `admin:$$apr1$$H6uskkkW$$IgXLP6ewTrSuBkTrqE8wj/`; Compose turns
        // `$$` into `$`, so the container's label holds single dollars.
        let users = "admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/";
        let out = docker(
            &[container(
                "app",
                &[
                    ("traefik.http.routers.app.middlewares", "auth"),
                    ("traefik.http.middlewares.auth.basicauth.users", users),
                ],
                &[80],
            )],
            &DockerProvider::default(),
        );
        assert_eq!(
            out.middlewares["auth@docker"],
            Middleware::BasicAuth {
                users: vec![users.to_string()],
                realm: "traefik".into(),
                remove_header: false
            }
        );
        assert_eq!(out.routers["app@docker"].middlewares, vec!["auth@docker"]);
        assert_eq!(out.routers["app@docker"].error, None);
    }

    #[test]
    fn missing_middleware_and_bad_rule_are_router_errors_middlewares_go_and_rule_parse() {
        let out = docker(
            &[container(
                "app",
                &[
                    ("traefik.http.routers.a.rule", "Host(`a`)"),
                    ("traefik.http.routers.a.middlewares", "nope"),
                    ("traefik.http.routers.b.rule", "Host(`a`,`b`)"),
                    ("traefik.http.routers.b.service", "app"),
                    ("traefik.http.routers.a.service", "app"),
                ],
                &[80],
            )],
            &DockerProvider::default(),
        );
        assert_eq!(
            out.routers["a@docker"].error.as_deref(),
            Some("middleware \"nope@docker\" does not exist")
        );
        assert!(
            out.routers["b@docker"]
                .error
                .as_deref()
                .unwrap()
                .starts_with("error while parsing rule Host(`a`,`b`)")
        );
    }

    #[test]
    fn at_sign_in_router_name_is_refused_other_providers_swarm_md() {
        let out = docker(
            &[container(
                "c",
                &[("traefik.http.routers.r@x.rule", "Host(`c`)")],
                &[80],
            )],
            &DockerProvider::default(),
        );
        assert!(out.routers.is_empty());
        assert!(out.log[0].starts_with("ERR The character @ is not authorized in the router name"));
    }

    #[test]
    fn stopped_and_starting_or_unhealthy_containers_are_skipped_config_go_keep_container() {
        let mut stopped = container("a", &[], &[80]);
        stopped.running = false;
        let mut starting = container("b", &[], &[80]);
        starting.health = Some(Health::Starting);
        let mut sick = container("c", &[], &[80]);
        sick.health = Some(Health::Unhealthy);
        let mut fine = container("d", &[], &[80]);
        fine.health = Some(Health::Healthy);
        let out = docker(&[stopped, starting, sick, fine], &DockerProvider::default());
        assert_eq!(out.routers.keys().collect::<Vec<_>>(), vec!["d@docker"]);
        assert_eq!(
            out.log,
            vec![
                "DBG Filtering non running container container=a providerName=docker",
                "DBG Filtering unhealthy or starting container container=b providerName=docker",
                "DBG Filtering unhealthy or starting container container=c providerName=docker",
            ]
        );
    }

    #[test]
    fn swarm_balances_task_ips_unless_lbswarm_uses_the_vip_other_providers_swarm_md() {
        let port = ("traefik.http.services.web.loadbalancer.server.port", "80");
        let out = swarm(&[service("web", &[port])], &SwarmProvider::default());
        assert_eq!(
            out.services["web@swarm"].servers,
            vec!["http://10.0.1.5:80", "http://10.0.1.6:80"]
        );
        let vip = swarm(
            &[service("web", &[port, ("traefik.swarm.lbswarm", "true")])],
            &SwarmProvider::default(),
        );
        assert_eq!(
            vip.services["web@swarm"].servers,
            vec!["http://10.0.1.2:80"]
        );
        assert!(vip.log.is_empty());
    }

    #[test]
    fn docker_prefixed_swarm_labels_are_deprecated_and_both_skip_shared_labels_go() {
        let port = ("traefik.http.services.web.loadbalancer.server.port", "80");
        let old = swarm(
            &[service("web", &[port, ("traefik.docker.network", "proxy")])],
            &SwarmProvider::default(),
        );
        assert_eq!(old.routers.len(), 1);
        assert_eq!(
            old.log,
            vec![
                "WRN Labels traefik.docker.* for Swarm provider are deprecated. Please use traefik.swarm.* labels instead container=web providerName=swarm"
            ]
        );
        let both = swarm(
            &[service(
                "web",
                &[
                    port,
                    ("traefik.docker.network", "proxy"),
                    ("traefik.swarm.lbswarm", "true"),
                ],
            )],
            &SwarmProvider::default(),
        );
        assert!(both.routers.is_empty());
        assert!(both.log[0].contains("both Docker and Swarm labels are defined"));
    }

    #[test]
    fn label_names_are_case_insensitive_other_providers_swarm_md() {
        let out = docker(
            &[container(
                "c",
                &[
                    ("Traefik.HTTP.Routers.Web.Rule", "Host(`c`)"),
                    ("traefik.http.routers.Web.EntryPoints", "web,websecure"),
                    ("TRAEFIK.ENABLE", "true"),
                ],
                &[80],
            )],
            &DockerProvider {
                exposed_by_default: false,
                ..DockerProvider::default()
            },
        );
        assert_eq!(
            out.routers["Web@docker"].entry_points,
            vec!["web", "websecure"]
        );
    }

    #[test]
    fn url_with_port_is_refused_config_go_add_server() {
        let out = docker(
            &[container(
                "c",
                &[
                    (
                        "traefik.http.services.s.loadbalancer.server.url",
                        "http://x:1",
                    ),
                    ("traefik.http.services.s.loadbalancer.server.port", "80"),
                ],
                &[80],
            )],
            &DockerProvider::default(),
        );
        assert!(out.services.is_empty());
        assert!(out.log[0].contains(
            "service \\\"s\\\" error: defining scheme or port is not allowed when URL is defined"
        ));
    }

    #[test]
    fn two_containers_defining_a_router_differently_drop_it_merge_go_delete_conflicts() {
        let a = container("a", &[("traefik.http.routers.r.rule", "Host(`a`)")], &[80]);
        let b = container("b", &[("traefik.http.routers.r.rule", "Host(`b`)")], &[80]);
        let out = docker(&[a, b], &DockerProvider::default());
        assert!(!out.routers.contains_key("r@docker"));
        assert!(out.log.contains(&"ERR HTTP router defined multiple times with different configurations routerName=r@docker providerName=docker".to_string()));
        // Replicas (same compose service name) pool their servers.
        let mut one = container("web_p", &[], &[80]);
        let mut two = container("web_p", &[], &[80]);
        one.networks.insert("proxy".into(), "172.18.0.5".into());
        two.networks.insert("proxy".into(), "172.18.0.6".into());
        let pooled = docker(&[one, two], &DockerProvider::default());
        assert_eq!(pooled.services["web-p@docker"].servers.len(), 2);
        assert_eq!(pooled.routers.len(), 1);
    }

    #[test]
    fn middleware_defaults_redirectscheme_ratelimit_healthcheck_sticky_traefik_docs() {
        let out = docker(
            &[container(
                "c",
                &[
                    (
                        "traefik.http.middlewares.https.redirectscheme.scheme",
                        "https",
                    ),
                    ("traefik.http.middlewares.rl.ratelimit.average", "100"),
                    (
                        "traefik.http.middlewares.strip.stripprefix.prefixes",
                        "/api,/v1",
                    ),
                    (
                        "traefik.http.middlewares.sec.headers.stsseconds",
                        "31536000",
                    ),
                    ("traefik.http.middlewares.all.chain.middlewares", "https,rl"),
                    (
                        "traefik.http.services.c.loadbalancer.healthcheck.path",
                        "/health",
                    ),
                    ("traefik.http.services.c.loadbalancer.sticky.cookie", "true"),
                ],
                &[80],
            )],
            &DockerProvider::default(),
        );
        let m = &out.middlewares;
        assert_eq!(
            m["https@docker"],
            Middleware::RedirectScheme {
                scheme: "https".into(),
                permanent: false,
                port: String::new()
            }
        );
        assert_eq!(
            m["rl@docker"],
            Middleware::RateLimit {
                average: 100,
                burst: 1,
                period: SECOND_MS
            }
        );
        assert_eq!(
            m["strip@docker"],
            Middleware::StripPrefix {
                prefixes: vec!["/api".into(), "/v1".into()]
            }
        );
        assert_eq!(
            m["all@docker"],
            Middleware::Chain(vec!["https@docker".into(), "rl@docker".into()])
        );
        let s = &out.services["c@docker"];
        assert_eq!(
            s.health_check,
            Some(HealthCheck {
                path: "/health".into(),
                interval: 30 * SECOND_MS,
                timeout: 5 * SECOND_MS
            })
        );
        assert_eq!(s.sticky, Some(Sticky::default()));
    }

    #[test]
    fn unknown_label_field_skips_the_container_paerser_field_not_found() {
        let out = docker(
            &[container(
                "c",
                &[("traefik.http.services.s.failover", "x")],
                &[80],
            )],
            &DockerProvider::default(),
        );
        assert!(out.routers.is_empty());
        assert_eq!(
            out.log,
            vec!["ERR error=\"field not found, node: failover\" container=c providerName=docker"]
        );
    }

    #[test]
    fn public_swarm_guide_stack_labels_give_https_router_and_redirect_setup_swarm_md() {
        // The deploy.labels of a typical Traefik v3 swarm guide's whoami service.
        let out = swarm(
            &[service(
                "whoami_whoami",
                &[
                    ("traefik.enable", "true"),
                    ("traefik.swarm.network", "proxy"),
                    (
                        "traefik.http.routers.whoami.rule",
                        "Host(`whoami.example.com`)",
                    ),
                    ("traefik.http.routers.whoami.entrypoints", "websecure"),
                    ("traefik.http.routers.whoami.tls.certresolver", "le"),
                    (
                        "traefik.http.routers.whoami-http.rule",
                        "Host(`whoami.example.com`)",
                    ),
                    ("traefik.http.routers.whoami-http.entrypoints", "web"),
                    ("traefik.http.routers.whoami-http.middlewares", "to-https"),
                    (
                        "traefik.http.middlewares.to-https.redirectscheme.scheme",
                        "https",
                    ),
                    (
                        "traefik.http.middlewares.to-https.redirectscheme.permanent",
                        "true",
                    ),
                    (
                        "traefik.http.services.whoami.loadbalancer.server.port",
                        "80",
                    ),
                ],
            )],
            &SwarmProvider {
                exposed_by_default: false,
                ..SwarmProvider::default()
            },
        );
        assert!(out.log.is_empty(), "{:?}", out.log);
        let secure = &out.routers["whoami@swarm"];
        assert_eq!(secure.service, "whoami@swarm");
        assert!(secure.tls);
        assert_eq!(secure.cert_resolver.as_deref(), Some("le"));
        assert_eq!(secure.priority, 26);
        let plain = &out.routers["whoami-http@swarm"];
        assert_eq!(plain.middlewares, vec!["to-https@swarm"]);
        assert_eq!(plain.error, None);
        assert_eq!(
            out.services["whoami@swarm"].servers,
            vec!["http://10.0.1.5:80", "http://10.0.1.6:80"]
        );
    }

    #[test]
    fn random_labels_never_panic_and_are_deterministic() {
        let mut rng = Rng::seeded(13);
        let pieces = [
            "traefik",
            "http",
            "routers",
            "services",
            "middlewares",
            "r",
            "R@x",
            "",
            ".",
            "rule",
            "loadbalancer",
            "server",
            "port",
            "url",
            "scheme",
            "enable",
            "swarm",
            "docker",
            "lbswarm",
            "network",
            "é",
            "basicauth",
            "users",
            "chain",
            "headers",
            "x",
            "ü.ß",
        ];
        let values = [
            "",
            "true",
            "0",
            "x",
            "Host(`a`)",
            "Host(`",
            "80",
            "$apr1$",
            "é,",
            "-1",
        ];
        for _ in 0..500 {
            let mut map = BTreeMap::new();
            for _ in 0..rng.between(0, 6) {
                let mut key = String::new();
                for i in 0..rng.between(1, 6) {
                    if i > 0 && rng.below(4) > 0 {
                        key.push('.');
                    }
                    key.push_str(rng.pick::<&str>(&pieces));
                }
                map.insert(key, rng.pick::<&str>(&values).to_string());
            }
            let c = Container {
                labels: map.clone(),
                ..container("c", &[], &[80])
            };
            let s = SwarmService {
                labels: map,
                ..service("s", &[])
            };
            let d1 = docker(std::slice::from_ref(&c), &DockerProvider::default());
            let d2 = docker(&[c], &DockerProvider::default());
            assert_eq!(d1, d2);
            let _ = swarm(&[s], &SwarmProvider::default());
        }
    }
}
