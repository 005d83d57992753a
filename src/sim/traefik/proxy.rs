//! One HTTP request through a running Traefik: entrypoint → router → middlewares → service →
//! server, and what the client gets back.
//!
//! Real Traefik v3 (`pkg/server/router/router.go`, `pkg/muxer/http/mux.go`,
//! `pkg/proxy/httputil/proxy.go`, the load balancers in `pkg/server/service/loadbalancer`):
//! the routers of the entrypoint the connection came in on (a router without `entrypoints` is
//! on every entrypoint, or on the `asDefault` ones; never on the internal `traefik` one; a TLS
//! router only takes HTTPS, a plain one only HTTP) are tried by descending priority (the rule's
//! length unless set); no match is `404 page not found`. The router's middlewares run in order
//! (a redirect or a 401/429 answers at once); the service's weighted round robin picks a server
//! among those its health check has not removed; none is `503 no available server`. The
//! request goes to the server's address: refused is `502 Bad Gateway`, no answer before the 30 s
//! dial timeout is `504 Gateway Timeout`; otherwise the backend's answer comes back. The
//! entrypoint redirection is a router of priority MaxInt−1; `api@internal` and `ping@internal`
//! are routers on the `traefik` entrypoint (`:8080`) when `api.insecure` / `ping` are on. With
//! `accesslog` every request is a line in the common format on stdout.
//!
//! Here: [`handle`] does all of that for one request on one Traefik (its process must be in
//! `world.traefik`), reading the docker provider's current view and the swarm provider's view
//! as of its last poll. A server address is resolved to what really answers there: a container
//! on the same machine's bridge networks (docker provider) or a task or a virtual IP on an
//! overlay network (swarm provider); an address on a network this Traefik is not attached to, or
//! that no longer belongs to anything, times out (504; the host's `curl` waits the 30 s for it).
//! Sticky services set a cookie naming the server and honour it. What we simplify: the
//! traffic generator counts a 504 in the second it was sent; health checks are evaluated at
//! request time instead of every interval; the access log's duration is drawn.

use super::dynamic::{self, Dynamic, Middleware};
use super::model::{Instance, Trace};
use super::rule;
use crate::sim::docker::container::Status;
use crate::sim::http::{Request, Response};
use crate::sim::ids::ContainerId;
use crate::sim::{Record, World};

/// The internal entrypoint of the insecure API and of ping.
const INTERNAL: &str = super::static_config::INTERNAL_ENTRY_POINT;
/// Traefik's dial timeout towards servers (serversTransport `forwardingTimeouts.dialTimeout`).
pub const DIAL_TIMEOUT_MS: u64 = 30_000;

/// What a router sends a request to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    Service(String),
    Api,
    Ping,
    /// The entrypoint redirection: scheme and the port to redirect to (`None`: the scheme's).
    Redirect {
        scheme: String,
        port: Option<u16>,
        permanent: bool,
    },
    AcmeChallenge,
}

#[derive(Clone, Debug)]
struct Route {
    name: String,
    rule: rule::Rule,
    priority: i64,
    middlewares: Vec<String>,
    target: Target,
}

/// Every router the instance has now, merged from its providers (errors are left out: a
/// router in error serves nothing).
pub fn merged(instance: &Instance) -> Dynamic {
    let mut out = Dynamic::default();
    for view in [
        instance.docker.as_ref(),
        instance.swarm_seen.as_ref(),
        instance.file.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        out.routers.extend(view.dynamic.routers.clone());
        out.services.extend(view.dynamic.services.clone());
        out.middlewares.extend(view.dynamic.middlewares.clone());
        out.log.extend(view.dynamic.log.clone());
    }
    out
}

/// The entrypoints a router without `entrypoints` is on.
pub fn default_entry_points(instance: &Instance) -> Vec<String> {
    let eps = &instance.config.entry_points;
    let defaults: Vec<String> = eps
        .iter()
        .filter(|e| e.as_default)
        .map(|e| e.name.clone())
        .collect();
    if !defaults.is_empty() {
        return defaults;
    }
    eps.iter()
        .filter(|e| e.name != INTERNAL)
        .map(|e| e.name.clone())
        .collect()
}

/// The routes on entrypoint `ep` for a request over `scheme`, by descending priority.
/// Long because it adds Traefik's internal routers (api, ping, the entrypoint redirection, the
/// ACME challenge) to the providers' ones, each a short block.
fn routes(instance: &Instance, dynamic: &Dynamic, ep: &str, https: bool) -> Vec<Route> {
    let mut out = Vec::new();
    let entry = instance.config.entry_point(ep);
    let ep_tls = entry.is_some_and(|e| e.tls || e.cert_resolver.is_some());
    let defaults = default_entry_points(instance);
    for router in dynamic.routers.values() {
        if router.error.is_some() {
            continue;
        }
        let on = if router.entry_points.is_empty() {
            defaults.iter().any(|d| d == ep)
        } else {
            router.entry_points.iter().any(|e| e == ep)
        };
        let tls = router.tls || router.cert_resolver.is_some() || ep_tls;
        if !on || tls != https {
            continue;
        }
        let Ok(parsed) = rule::parse(&router.rule) else {
            continue;
        };
        out.push(Route {
            name: router.name.clone(),
            rule: parsed,
            priority: router.priority,
            middlewares: router.middlewares.clone(),
            target: match router.service.as_str() {
                "api@internal" => Target::Api,
                "ping@internal" => Target::Ping,
                s => Target::Service(s.to_string()),
            },
        });
    }
    let internal = |rule: &str| rule::parse(rule).expect("Traefik's own rules parse");
    if ep == INTERNAL && !https {
        if instance.config.api.as_ref().is_some_and(|a| a.insecure) {
            let text = "PathPrefix(`/api`) || PathPrefix(`/dashboard`)";
            out.push(Route {
                name: "api@internal".into(),
                rule: internal(text),
                priority: i64::MAX - 1,
                middlewares: Vec::new(),
                target: Target::Api,
            });
        }
        if instance
            .config
            .ping
            .as_ref()
            .is_some_and(|p| p.entry_point == ep && !p.manual_routing)
        {
            out.push(Route {
                name: "ping@internal".into(),
                rule: internal("PathPrefix(`/ping`)"),
                priority: i64::MAX - 1,
                middlewares: Vec::new(),
                target: Target::Ping,
            });
        }
    }
    if let Some(redirect) = entry.and_then(|e| e.redirect.as_ref())
        && !https
    {
        let to_port = instance
            .config
            .entry_point(&redirect.to)
            .and_then(|e| e.port())
            .or_else(|| redirect.to.trim_start_matches(':').parse().ok());
        let default = if redirect.scheme == "https" { 443 } else { 80 };
        out.push(Route {
            name: format!("{ep}-to-{}@internal", redirect.to),
            rule: internal("HostRegexp(`^.+$`) && !PathPrefix(`/.well-known/acme-challenge/`)"),
            priority: redirect.priority,
            middlewares: Vec::new(),
            target: Target::Redirect {
                scheme: redirect.scheme.clone(),
                port: to_port.filter(|p| *p != default),
                permanent: redirect.permanent,
            },
        });
    }
    if !https
        && instance.config.resolvers.iter().any(|r| {
            r.challenges.iter().any(|c| {
                matches!(c, super::static_config::Challenge::Http { entry_point } if entry_point == ep)
            })
        })
    {
        out.push(Route {
            name: "acme-http@internal".into(),
            rule: internal("PathPrefix(`/.well-known/acme-challenge/`)"),
            priority: i64::MAX,
            middlewares: Vec::new(),
            target: Target::AcmeChallenge,
        });
    }
    crate::sim::order::sort_by(&mut out, |a, b| {
        b.priority.cmp(&a.priority).then(a.name.cmp(&b.name))
    });
    out
}

/// The entrypoint a connection to container port `port` arrives on.
pub fn entry_point_on(instance: &Instance, port: u16) -> Option<String> {
    instance
        .config
        .entry_points
        .iter()
        .find(|e| e.port() == Some(port))
        .map(|e| e.name.clone())
}

/// The Traefik process in container `id` on `host`, if one runs.
pub fn instance<'a>(world: &'a World, host: &str, id: &ContainerId) -> Option<&'a Instance> {
    world.traefik.instances.get(&(host.to_string(), id.clone()))
}

/// Where a server address leads.
enum Dest {
    /// A container: (machine, container id).
    Container(String, ContainerId),
    /// A service's virtual IP: IPVS picks a task.
    Vip(String),
    /// Nothing answers: (why, for the narration).
    Timeout(String),
}

/// The overlay networks a Traefik container is attached to (through its task), if it is one.
fn overlay_networks(world: &World, id: &ContainerId) -> Vec<String> {
    world
        .swarm
        .tasks
        .iter()
        .find(|t| t.container.as_ref() == Some(id))
        .map(|t| crate::sim::swarm::overlay::task_networks(world, t))
        .unwrap_or_default()
}

/// What answers at `ip` for a Traefik on `host` (container `id`).
fn resolve(world: &World, host: &str, id: &ContainerId, ip: &str) -> Dest {
    // The machine's own bridge networks.
    if let Some(engine) = world.engine_of(host) {
        let me = engine.containers.get(id);
        for c in engine.containers.values() {
            for (network, endpoint) in &c.networks {
                if endpoint.ip_address.as_deref() == Some(ip) {
                    let shared = me.is_some_and(|m| m.networks.contains_key(network));
                    if !shared {
                        return Dest::Timeout(format!(
                            "{ip} is {}'s address on {network}, a network the Traefik container is not attached to: Docker's isolation drops the packets",
                            c.name
                        ));
                    }
                    return Dest::Container(host.to_string(), c.id.clone());
                }
            }
        }
    }
    // The swarm's overlay networks.
    let owner = world
        .swarm
        .overlay
        .addrs
        .keys()
        .find(|(network, owner)| {
            crate::sim::swarm::overlay::addr(world, network, owner).as_deref() == Some(ip)
        })
        .cloned();
    let Some((network, owner)) = owner else {
        return Dest::Timeout(format!(
            "no container has {ip} any more (its task has ended since Traefik last read the swarm)"
        ));
    };
    if !overlay_networks(world, id).contains(&network) {
        return Dest::Timeout(format!(
            "{ip} is on the overlay network {network}, which the Traefik task is not attached to"
        ));
    }
    if world.swarm.services.contains_key(&owner) {
        return Dest::Vip(owner);
    }
    let Some(task) = world.swarm.tasks.iter().find(|t| t.id == owner) else {
        return Dest::Timeout(format!("no task owns {ip} any more"));
    };
    let node_host = task
        .node_id
        .as_ref()
        .and_then(|n| world.swarm.nodes.get(n))
        .map(|n| n.hostname.clone());
    match (node_host, task.container.clone()) {
        (Some(h), Some(c)) => Dest::Container(h, c),
        _ => Dest::Timeout(format!("the task that had {ip} has no container")),
    }
}

/// A server's answer, or the proxy's error for it.
fn forward(
    world: &mut World,
    host: &str,
    id: &ContainerId,
    server: &str,
    req: &Request,
    rec: &mut Record,
) -> Result<Response, (u16, String)> {
    let (ip, port) = address(server);
    let dest = match resolve(world, host, id, ip) {
        Dest::Vip(service_id) => {
            let picked = {
                let backends = crate::sim::swarm::mesh::backends(world, &service_id);
                if backends.is_empty() {
                    None
                } else {
                    let n = world
                        .swarm
                        .overlay
                        .rr
                        .get(&service_id)
                        .copied()
                        .unwrap_or(0);
                    let t = backends[(n % backends.len() as u64) as usize];
                    let h = t
                        .node_id
                        .as_ref()
                        .and_then(|n| world.swarm.nodes.get(n))
                        .map(|n| n.hostname.clone());
                    h.zip(t.container.clone())
                }
            };
            *world.swarm.overlay.rr.entry(service_id).or_insert(0) += 1;
            match picked {
                Some((h, c)) => Dest::Container(h, c),
                None => Dest::Timeout(format!("the virtual IP {ip} has no running task behind it")),
            }
        }
        d => d,
    };
    let (target_host, target) = match dest {
        Dest::Container(h, c) => (h, c),
        Dest::Timeout(why) => return Err((504, why)),
        Dest::Vip(_) => unreachable!("resolved above"),
    };
    let req = req.clone();
    let proxy_ip = proxy_address(world, host, id, ip);
    world
        .on_host(&target_host, |w| {
            let Some(c) = w.engine.containers.get(&target) else {
                return Err((504, format!("nothing answers at {ip}")));
            };
            if let Some(refused) = refusal(c, port) {
                return Err(refused);
            }
            let name = c.name.clone();
            rec.touch(&name);
            if is_whoami(&c.config.image) {
                let body = whoami(c, ip, &proxy_ip, &req);
                crate::sim::docker::engine::record_request(w, &target, &req.path, rec);
                return Ok(Response::page(200, "text/plain; charset=utf-8", body));
            }
            Ok(crate::sim::docker::apps::serve(w, &target, &req, rec))
        })
        .unwrap_or_else(|| Err((504, format!("{target_host} is not a machine of the lab"))))
}

/// The address and port of a server URL (`http://10.0.1.5:80` → `10.0.1.5`, 80).
fn address(server: &str) -> (&str, u16) {
    let rest = server.split_once("://").map_or(server, |(_, r)| r);
    let (ip, port) = rest.rsplit_once(':').unwrap_or((rest, "80"));
    (ip, port.trim_end_matches('/').parse().unwrap_or(80))
}

/// Why container `c` does not take a request on `port`: paused (no answer: 504) or nothing
/// listening there (refused: 502). `None`: it serves HTTP on that port.
fn refusal(c: &crate::sim::docker::container::Container, port: u16) -> Option<(u16, String)> {
    let name = &c.name;
    if c.status() == Status::Paused {
        return Some((504, format!("{name} is paused and never answers")));
    }
    let serves = c.program.as_ref().and_then(|p| p.serves.as_ref());
    let listening = c.status() == Status::Running
        && c.listening
        && serves.is_some_and(|s| s.port == port && s.http);
    (!listening).then(|| {
        (
            502,
            format!("nothing listens on {name}:{port}, so the connection is refused"),
        )
    })
}

/// Why `server` of this Traefik would not answer now, read without sending anything (for the
/// picture): its address leads nowhere, or nothing listens there. `None`: it answers, or it is
/// a virtual IP with running tasks behind it (IPVS picks one per request).
pub fn server_down(world: &World, instance: &Instance, server: &str) -> Option<String> {
    let (ip, port) = address(server);
    match resolve(world, &instance.host, &instance.container, ip) {
        Dest::Timeout(why) => Some(why),
        Dest::Vip(service) => crate::sim::swarm::mesh::backends(world, &service)
            .is_empty()
            .then(|| format!("the virtual IP {ip} has no running task behind it")),
        Dest::Container(h, c) => match world.engine_of(&h).and_then(|e| e.containers.get(&c)) {
            None => Some(format!("nothing answers at {ip}")),
            Some(c) => refusal(c, port).map(|(_, why)| why),
        },
    }
}

/// The Traefik container's own address on the network it reaches `server_ip` over (what the
/// backend sees as the remote address).
fn proxy_address(world: &World, host: &str, id: &ContainerId, server_ip: &str) -> String {
    let prefix = |ip: &str| ip.rsplit_once('.').map(|x| x.0).unwrap_or("").to_string();
    let c = world.engine_of(host).and_then(|e| e.containers.get(id));
    let mine: Vec<String> = c
        .map(|c| {
            c.networks
                .values()
                .filter_map(|e| e.ip_address.clone())
                .collect()
        })
        .unwrap_or_default();
    if let Some(ip) = mine.iter().find(|ip| prefix(ip) == prefix(server_ip)) {
        return ip.clone();
    }
    // A task on an overlay network: its address there.
    let task = world
        .swarm
        .tasks
        .iter()
        .find(|t| t.container.as_ref() == Some(id));
    if let Some(t) = task {
        for n in crate::sim::swarm::overlay::task_networks(world, t) {
            if let Some(ip) = crate::sim::swarm::overlay::addr(world, &n, &t.id)
                && prefix(&ip) == prefix(server_ip)
            {
                return ip;
            }
        }
    }
    mine.first().cloned().unwrap_or_default()
}

fn is_whoami(image: &str) -> bool {
    let name = image.split([':', '@']).next().unwrap_or(image);
    name == "traefik/whoami" || name == "docker.io/traefik/whoami" || name == "containous/whoami"
}

/// What traefik/whoami answers: its hostname, addresses and the request it received.
fn whoami(
    c: &crate::sim::docker::container::Container,
    ip: &str,
    proxy_ip: &str,
    req: &Request,
) -> String {
    let mut lines = vec![
        format!("Hostname: {}", c.config.hostname),
        "IP: 127.0.0.1".to_string(),
    ];
    for endpoint in c.networks.values() {
        if let Some(addr) = &endpoint.ip_address {
            lines.push(format!("IP: {addr}"));
        }
    }
    if lines.len() == 2 {
        // A task on overlay networks: its address there is the one Traefik reached.
        lines.push(format!("IP: {ip}"));
    }
    lines.push(format!("RemoteAddr: {proxy_ip}:46842"));
    lines.push(format!("{} {} HTTP/1.1", req.method, req.target()));
    lines.push(format!("Host: {}", req.host));
    for (k, v) in &req.headers {
        lines.push(format!("{k}: {v}"));
    }
    lines.join("\n") + "\n"
}

/// Applies one middleware: `Err` is an answer that ends the request here.
/// Long because it is one arm per middleware kind page 11 models.
fn middleware(
    instance: &mut Instance,
    dynamic: &Dynamic,
    name: &str,
    req: &mut Request,
    extra: &mut Vec<(String, String)>,
    now_ms: u64,
    depth: u32,
) -> Result<(), Response> {
    let Some(m) = dynamic.middlewares.get(name) else {
        return Ok(());
    };
    match m {
        Middleware::StripPrefix { prefixes } => {
            if let Some(p) = prefixes.iter().find(|p| req.path.starts_with(p.as_str())) {
                let rest = &req.path[p.len()..];
                req.path = if rest.starts_with('/') {
                    rest.to_string()
                } else {
                    format!("/{rest}")
                };
                req.headers.push(("X-Forwarded-Prefix".into(), p.clone()));
            }
        }
        Middleware::RedirectScheme {
            scheme,
            permanent,
            port,
        } => {
            if &req.scheme != scheme {
                let host = req.host.split(':').next().unwrap_or(&req.host).to_string();
                let port = if port.is_empty() || port == "443" && scheme == "https" {
                    String::new()
                } else {
                    format!(":{port}")
                };
                return Err(redirect(
                    req,
                    format!("{scheme}://{host}{port}{}", req.target()),
                    *permanent,
                ));
            }
        }
        Middleware::BasicAuth {
            users,
            realm,
            remove_header,
        } => {
            let ok = req
                .header("Authorization")
                .and_then(|v| v.strip_prefix("Basic "))
                .and_then(super::htpasswd::decode_basic)
                .is_some_and(|(user, password)| {
                    users.iter().any(|line| {
                        line.split_once(':').is_some_and(|(u, hash)| {
                            u == user && super::htpasswd::verify(&password, hash)
                        })
                    })
                });
            if !ok {
                let mut r = Response::text(401, "401 Unauthorized");
                r.headers.push((
                    "Www-Authenticate".into(),
                    format!("Basic realm=\"{realm}\""),
                ));
                return Err(r);
            }
            if *remove_header {
                req.headers
                    .retain(|(k, _)| !k.eq_ignore_ascii_case("Authorization"));
            }
        }
        Middleware::RateLimit {
            average,
            burst,
            period,
        } => {
            if *average > 0 {
                let period = (*period).max(1) as i64;
                let burst = (*burst).max(1);
                let (tokens, last) = instance
                    .buckets
                    .get(name)
                    .copied()
                    .unwrap_or((burst * 1000, now_ms));
                let refill = (now_ms.saturating_sub(last) as i64) * average * 1000 / period;
                let tokens = (tokens + refill).min(burst * 1000);
                if tokens < 1000 {
                    instance.buckets.insert(name.to_string(), (tokens, now_ms));
                    return Err(Response::text(429, "Too Many Requests"));
                }
                instance
                    .buckets
                    .insert(name.to_string(), (tokens - 1000, now_ms));
            }
        }
        Middleware::Headers(options) => {
            for (key, value) in options {
                if let Some(h) = key.strip_prefix("customrequestheaders.") {
                    req.headers.push((canonical_header(h), value.clone()));
                } else if let Some(h) = key.strip_prefix("customresponseheaders.") {
                    extra.push((canonical_header(h), value.clone()));
                } else if key == "stsseconds" && req.scheme == "https" {
                    extra.push((
                        "Strict-Transport-Security".into(),
                        format!("max-age={value}"),
                    ));
                }
            }
        }
        Middleware::Chain(names) => {
            if depth < 8 {
                for n in names {
                    middleware(instance, dynamic, n, req, extra, now_ms, depth + 1)?;
                }
            }
        }
    }
    Ok(())
}

/// Traefik's redirect answer: 301/308 permanent, 302/307 not (GET and HEAD keep their method
/// with the former, other methods need the latter).
fn redirect(req: &Request, location: String, permanent: bool) -> Response {
    let get = req.method == "GET" || req.method == "HEAD";
    let status = match (permanent, get) {
        (true, true) => 301,
        (true, false) => 308,
        (false, true) => 302,
        (false, false) => 307,
    };
    let reason = crate::sim::http::reason(status);
    Response {
        status,
        headers: vec![("Location".into(), location)],
        body: reason.to_string(),
    }
}

/// The servers of a service that its health check (if any) keeps, in order.
fn healthy_servers(
    world: &mut World,
    host: &str,
    id: &ContainerId,
    service: &dynamic::Service,
    rec: &mut Record,
) -> Vec<String> {
    let Some(check) = service.health_check.clone() else {
        return service.servers.clone();
    };
    let mut out = Vec::new();
    for server in &service.servers {
        let probe = Request::get("http", "traefik", 80, &check.path);
        let mut quiet = Record::default();
        if let Ok(r) = forward(world, host, id, server, &probe, &mut quiet)
            && (200..400).contains(&r.status)
        {
            out.push(server.clone());
        }
    }
    let _ = rec;
    out
}

/// The answers of the insecure API and dashboard.
fn api(instance: &Instance, dynamic: &Dynamic, req: &Request) -> Response {
    if req.path.starts_with("/api/http/routers") {
        let routers: Vec<serde_json::Value> = dynamic
            .routers
            .values()
            .map(|r| {
                serde_json::json!({
                    "entryPoints": r.entry_points,
                    "service": r.service.split('@').next().unwrap_or(&r.service),
                    "rule": r.rule,
                    "priority": r.priority,
                    "status": if r.error.is_some() { "disabled" } else { "enabled" },
                    "name": r.name,
                    "provider": r.name.rsplit('@').next().unwrap_or(""),
                })
            })
            .collect();
        return Response::page(
            200,
            "application/json",
            serde_json::Value::Array(routers).to_string() + "\n",
        );
    }
    if req.path.starts_with("/api/version") {
        return Response::page(
            200,
            "application/json",
            format!(
                "{{\"Version\":\"{}.0\",\"Codename\":\"\"}}\n",
                instance.version
            ),
        );
    }
    if req.path.starts_with("/dashboard") {
        return Response::page(
            200,
            "text/html; charset=utf-8",
            "<!DOCTYPE html><html><head><title>Traefik</title></head><body>Traefik dashboard</body></html>".into(),
        );
    }
    Response::text(404, "404 page not found")
}

/// One request arriving at container port `port` of the Traefik in container `id` on `host`.
/// `None` when no Traefik process runs there or nothing listens on that port (the caller's
/// connection is refused).
/// Long because it is Traefik's request pipeline in order: entrypoint, internal routers,
/// router match, middlewares, service, server, access log, trace.
pub fn handle(
    world: &mut World,
    host: &str,
    id: &ContainerId,
    port: u16,
    req: &Request,
    rec: &mut Record,
) -> Option<Response> {
    let key = (host.to_string(), id.clone());
    let mut inst = world.traefik.instances.get(&key)?.clone();
    let ep = entry_point_on(&inst, port)?;
    let now = world.now_ms;
    let dynamic = merged(&inst);
    let https = req.scheme == "https";
    let routes = routes(&inst, &dynamic, &ep, https);
    let rule_req = req.for_rule();
    let mut trace = Trace {
        at_ms: now,
        traefik: inst.name.clone(),
        host: host.to_string(),
        entry_point: ep.clone(),
        request_host: req.host.clone(),
        path: req.path.clone(),
        ..Trace::default()
    };
    let mut forwarded = req.clone();
    forwarded
        .headers
        .push(("X-Forwarded-For".into(), req.client_ip.clone()));
    forwarded
        .headers
        .push(("X-Forwarded-Host".into(), req.host.clone()));
    forwarded
        .headers
        .push(("X-Forwarded-Port".into(), port.to_string()));
    forwarded
        .headers
        .push(("X-Forwarded-Proto".into(), req.scheme.clone()));
    forwarded.headers.push((
        "X-Forwarded-Server".into(),
        world
            .engine_of(host)
            .and_then(|e| e.containers.get(id))
            .map(|c| c.config.hostname.clone())
            .unwrap_or_default(),
    ));
    forwarded
        .headers
        .push(("X-Real-Ip".into(), req.client_ip.clone()));
    // Go's transport asks for gzip on the proxy's behalf.
    forwarded
        .headers
        .push(("Accept-Encoding".into(), "gzip".into()));
    let matched = routes.iter().find(|r| r.rule.matches(&rule_req));
    let response = match matched {
        None => {
            rec.say(format!(
                "{}: no router on entrypoint {ep} matches Host `{}` and path `{}`, so Traefik answers 404.",
                inst.name, req.host, req.path
            ));
            Response::text(404, "404 page not found")
        }
        Some(route) => {
            trace.router = Some(route.name.clone());
            let mut extra = Vec::new();
            let mut result = Ok(());
            for m in &route.middlewares {
                trace.middlewares.push(m.clone());
                result = middleware(&mut inst, &dynamic, m, &mut forwarded, &mut extra, now, 0);
                if result.is_err() {
                    break;
                }
            }
            let mut response = match (result, &route.target) {
                (Err(answer), _) => {
                    rec.say(format!(
                        "Router {} matched; its middleware {} answers {} itself.",
                        route.name,
                        trace.middlewares.last().cloned().unwrap_or_default(),
                        answer.status
                    ));
                    answer
                }
                (
                    Ok(()),
                    Target::Redirect {
                        scheme,
                        port,
                        permanent,
                    },
                ) => {
                    let host_only = req.host.split(':').next().unwrap_or(&req.host);
                    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                    rec.say(format!(
                        "Entrypoint {ep} redirects every request to {scheme} (router {}, priority MaxInt−1).",
                        route.name
                    ));
                    redirect(
                        req,
                        format!("{scheme}://{host_only}{port}{}", req.target()),
                        *permanent,
                    )
                }
                (Ok(()), Target::Ping) => {
                    Response::page(200, "text/plain; charset=utf-8", "OK".into())
                }
                (Ok(()), Target::Api) => api(&inst, &dynamic, req),
                (Ok(()), Target::AcmeChallenge) => Response::text(404, "404 page not found"),
                (Ok(()), Target::Service(name)) => {
                    trace.service = Some(name.clone());
                    match dynamic.services.get(name) {
                        None => {
                            rec.say(format!(
                                "Router {} names service {name}, which does not exist.",
                                route.name
                            ));
                            Response::text(404, "404 page not found")
                        }
                        Some(service) => {
                            let servers = healthy_servers(world, host, id, service, rec);
                            if servers.is_empty() {
                                rec.say(format!(
                                    "Router {} matched, but service {name} has no server to send to: Traefik answers 503.",
                                    route.name
                                ));
                                Response::text(503, "no available server")
                            } else {
                                // A sticky service sends a client back to the server its
                                // cookie names, while that server is still in rotation.
                                let sticky = service.sticky.as_ref().map(|s| {
                                    let cookie = sticky_cookie_name(s, name);
                                    let pinned = req.header("Cookie").and_then(|c| {
                                        c.split(';').find_map(|kv| {
                                            let (k, v) = kv.trim().split_once('=')?;
                                            (k == cookie).then(|| v.to_string())
                                        })
                                    });
                                    (s.clone(), cookie, pinned)
                                });
                                let pinned = sticky.as_ref().and_then(|(_, _, v)| {
                                    servers
                                        .iter()
                                        .find(|s| Some(short_hash(s)) == v.clone())
                                        .cloned()
                                });
                                let server = match pinned {
                                    Some(server) => server,
                                    None => {
                                        let n = inst.rr.entry(name.clone()).or_insert(0);
                                        let server =
                                            servers[(*n % servers.len() as u64) as usize].clone();
                                        *n += 1;
                                        server
                                    }
                                };
                                if let Some((s, cookie, _)) = &sticky {
                                    let mut value =
                                        format!("{cookie}={}; Path=/", short_hash(&server));
                                    if s.http_only {
                                        value.push_str("; HttpOnly");
                                    }
                                    if s.secure {
                                        value.push_str("; Secure");
                                    }
                                    extra.push(("Set-Cookie".into(), value));
                                }
                                trace.server = Some(server.clone());
                                if !service.pass_host_header {
                                    forwarded.host = server
                                        .split_once("://")
                                        .map_or(server.as_str(), |(_, r)| r)
                                        .to_string();
                                }
                                match forward(world, host, id, &server, &forwarded, rec) {
                                    Ok(r) => {
                                        rec.say(format!(
                                            "{}: router {} (rule {}) → service {name} → server {server}, which answers {}.",
                                            inst.name,
                                            route.name,
                                            dynamic.routers.get(&route.name).map(|r| r.rule.as_str()).unwrap_or(""),
                                            r.status
                                        ));
                                        r
                                    }
                                    Err((502, why)) => {
                                        rec.say(format!("Router {} → {server}: {why}. Traefik answers 502 Bad Gateway.", route.name));
                                        Response::text(502, "Bad Gateway")
                                    }
                                    Err((status, why)) => {
                                        rec.say(format!(
                                            "Router {} → {server}: {why}. Traefik waits out its {} s dial timeout and answers {status} Gateway Timeout.",
                                            route.name,
                                            DIAL_TIMEOUT_MS / 1000
                                        ));
                                        Response::text(504, "Gateway Timeout")
                                    }
                                }
                            }
                        }
                    }
                }
            };
            response.headers.extend(extra);
            response
        }
    };
    trace.status = response.status;
    if inst.config.access_log {
        let micros = world.rng.between(300, 4_000);
        let duration_ms = if response.status == 504 {
            DIAL_TIMEOUT_MS
        } else {
            micros / 1000
        };
        inst.requests += 1;
        let quoted = |v: Option<&str>| v.unwrap_or("-").to_string();
        let line = format!(
            "{} - - [{}] \"{} {} HTTP/1.1\" {} {} \"{}\" \"{}\" {} \"{}\" \"{}\" {}ms",
            req.client_ip,
            crate::sim::docker::engine::clf_time(now),
            req.method,
            req.target(),
            response.status,
            response.body.len(),
            quoted(req.header("Referer")),
            quoted(req.header("User-Agent")),
            inst.requests,
            trace.router.clone().unwrap_or_else(|| "-".into()),
            trace.server.clone().unwrap_or_else(|| "-".into()),
            duration_ms
        );
        let target = id.clone();
        world.on_host(host, |w| {
            crate::sim::docker::engine::log_line(w, &target, false, &line, rec);
        });
    }
    rec.touch(&inst.name);
    world.traefik.last = Some(trace);
    world.traefik.instances.insert(key, inst);
    Some(response)
}

/// The certificate Traefik presents for a TLS connection to `name` (SNI), from its acme.json;
/// `None` is its self-signed default certificate.
pub fn certificate_for(instance: &Instance, name: &str) -> Option<super::acme::Certificate> {
    instance.acme.as_ref()?.for_name(name).cloned()
}

/// A short, stable hex digest: sticky cookie values and Traefik's default cookie name.
fn short_hash(text: &str) -> String {
    crate::sim::ids::content_digest(text)[..16].to_string()
}

/// The sticky cookie's name: as labelled, else Traefik's default, an underscore and five hex
/// digits of a hash of the service's name (`_1d52e`).
fn sticky_cookie_name(sticky: &super::dynamic::Sticky, service: &str) -> String {
    if sticky.name.is_empty() {
        format!("_{}", &short_hash(service)[..5])
    } else {
        sticky.name.clone()
    }
}

/// Go's `CanonicalMIMEHeaderKey`: `x-served-by` → `X-Served-By` (labels are read in lower case).
fn canonical_header(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => {
                    first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
                }
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}
