//! The Traefik picture (page 11): one running Traefik's routing as columns, the last request's
//! path through them, its providers, and its certificates.
//!
//! Real Traefik's dashboard (served by `api@internal`, on `:8080` with `api.insecure`) shows
//! "the current active routes": the entrypoints with their addresses, then HTTP routers, services
//! and middlewares as tables (a router's rule, entrypoints, priority, provider, TLS, status and
//! errors), and a router's page draws entrypoint → router → middlewares → service; servers and
//! their health are on the service's page. It reads the API (`/api/entrypoints`,
//! `/api/http/routers`, `/services`, `/middlewares`), which has no certificate endpoint: what
//! `acme.json` holds is not on it.
//!
//! What we draw, from the world only (src/sim/traefik/model.rs and [`proxy::merged`]): for one
//! instance (buttons pick another when several run), five columns, entrypoints (name, port,
//! the entrypoint redirection as `→ websecure`, TLS), routers by descending priority as Traefik
//! tries them (name, provider tag, rule, priority and whether it is the rule's length, TLS and
//! resolver, the router's error in red, and `entryPoint "x" doesn't exist` / `no valid entryPoint
//! for this router` after Traefik's log lines), middlewares, services and servers (a server that
//! would not answer now is marked with the reason [`proxy::server_down`] finds), with edges router
//! → entrypoints and router → middlewares in order → service → servers. The last request
//! (`world.traefik.last`) lights its path in the colour of its status class (2xx green, 3xx blue,
//! 4xx orange, 5xx red). Under the picture, one line per provider (the docker provider follows
//! the engine's events; the swarm provider's view is its last poll, and a change waits for the
//! next one) with their warnings, and the problems in full. Beside it, each certificate of
//! `acme.json` on a time line with its renewal point, or Traefik's default certificate.
//!
//! Simplified: Traefik's internal routers (`api@internal`, `ping@internal`, the entrypoint
//! redirection's router) are not rows; a request they answered lights its entrypoint and is
//! named in the line above the picture. A chain middleware is one box (its members are listed in
//! it). Health checks are not evaluated for the picture: a server is marked only when its
//! address leads nowhere or nothing listens there.

use yew::prelude::*;

use super::truncate;
use crate::sim::time::{DAY_MS, Millis, civil, clock, short_duration};
use crate::sim::traefik::acme::{self, Certificate, Directory};
use crate::sim::traefik::dynamic::{Dynamic, Middleware, Router};
use crate::sim::traefik::model::{Instance, ProviderView, Trace};
use crate::sim::traefik::proxy;
use crate::sim::traefik::rule;
use crate::sim::traefik::static_config::INTERNAL_ENTRY_POINT;
use crate::sim::world::World;

#[derive(Properties, PartialEq)]
pub struct TraefikProps {
    pub world: super::WorldRef,
}

/// The columns, left to right.
pub const ENTRY_POINTS: usize = 0;
pub const ROUTERS: usize = 1;
pub const MIDDLEWARES: usize = 2;
pub const SERVICES: usize = 3;
pub const SERVERS: usize = 4;
const HEADINGS: [&str; 5] = [
    "entrypoints",
    "routers (by priority)",
    "middlewares",
    "services",
    "servers",
];

/// One box of a column.
#[derive(Clone, PartialEq, Debug)]
pub struct Node {
    /// What edges and the trace know it by: a qualified name, or `service|url` for a server.
    pub key: String,
    pub title: String,
    /// The provider (`docker`, `swarm`, `internal`), drawn as a tag.
    pub tag: Option<String>,
    /// Further lines, in muted type.
    pub lines: Vec<String>,
    /// Red: why it serves nothing or does not answer.
    pub error: Option<String>,
    /// On the last request's path.
    pub lit: bool,
}

impl Node {
    fn new(key: impl Into<String>, title: impl Into<String>) -> Node {
        Node {
            key: key.into(),
            title: title.into(),
            tag: None,
            lines: Vec::new(),
            error: None,
            lit: false,
        }
    }
}

/// An edge from one box to another: (column, row) each.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Edge {
    pub from: (usize, usize),
    pub to: (usize, usize),
    pub lit: bool,
}

/// Everything the picture of one instance draws.
#[derive(Clone, PartialEq, Debug)]
pub struct Model {
    pub columns: [Vec<Node>; 5],
    pub edges: Vec<Edge>,
    /// The last request, when this instance handled it.
    pub trace: Option<Trace>,
}

/// `name@provider` → (`name`, `provider`).
fn split(qualified: &str) -> (&str, Option<&str>) {
    match qualified.rsplit_once('@') {
        Some((name, provider)) => (name, Some(provider)),
        None => (qualified, None),
    }
}

/// A middleware in a few words.
fn describe(m: &Middleware) -> String {
    match m {
        Middleware::StripPrefix { prefixes } => format!("stripPrefix {}", prefixes.join(" ")),
        Middleware::RedirectScheme {
            scheme, permanent, ..
        } => format!(
            "redirectScheme → {scheme}{}",
            if *permanent { " (301)" } else { " (302)" }
        ),
        Middleware::BasicAuth { users, .. } => format!("basicAuth, {} user(s)", users.len()),
        Middleware::RateLimit {
            average,
            burst,
            period,
        } => format!(
            "rateLimit {average} per {}, burst {burst}",
            short_duration(*period)
        ),
        Middleware::Headers(options) => {
            let keys: Vec<&str> = options.keys().map(String::as_str).collect();
            format!("headers: {}", keys.join(", "))
        }
        Middleware::Chain(members) => {
            let names: Vec<&str> = members.iter().map(|m| split(m).0).collect();
            format!("chain: {}", names.join(" → "))
        }
    }
}

/// The boxes of a column in the order given, keyed for lookups.
struct Column {
    nodes: Vec<Node>,
}

impl Column {
    fn at(&self, key: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.key == key)
    }

    /// The row of `key`, adding `make()` at the end when it is new.
    fn row(&mut self, key: &str, make: impl FnOnce() -> Node) -> usize {
        match self.at(key) {
            Some(i) => i,
            None => {
                self.nodes.push(make());
                self.nodes.len() - 1
            }
        }
    }
}

fn entry_point_nodes(instance: &Instance, trace: Option<&Trace>) -> Vec<Node> {
    let config = &instance.config;
    config
        .entry_points
        .iter()
        .map(|e| {
            let port = e
                .port()
                .map_or_else(|| e.address.clone(), |p| format!(":{p}"));
            let mut n = Node::new(e.name.as_str(), format!("{} {port}", e.name));
            if let Some(r) = &e.redirect {
                n.lines.push(format!("→ {}", r.to));
            }
            if e.tls || e.cert_resolver.is_some() {
                n.lines.push(match &e.cert_resolver {
                    Some(r) => format!("TLS, resolver {r}"),
                    None => "TLS".into(),
                });
            }
            if e.name == INTERNAL_ENTRY_POINT && config.api.as_ref().is_some_and(|a| a.insecure) {
                n.lines.push("api & dashboard".into());
            }
            n.lit = trace.is_some_and(|t| t.entry_point == e.name);
            n
        })
        .collect()
}

/// A router's entrypoint problems, after Traefik's log lines (`EntryPoint doesn't exist`, `No
/// valid entryPoint for this router`).
fn entry_point_error(instance: &Instance, named: &[String]) -> Option<String> {
    let missing: Vec<String> = named
        .iter()
        .filter(|e| instance.config.entry_point(e).is_none())
        .map(|e| format!("entryPoint \"{e}\" doesn't exist"))
        .collect();
    if missing.is_empty() {
        None
    } else if missing.len() == named.len() {
        Some(format!(
            "{}; no valid entryPoint for this router",
            missing.join("; ")
        ))
    } else {
        Some(missing.join("; "))
    }
}

/// A router's box: name, provider, rule, priority and TLS, its error.
fn router_node(instance: &Instance, r: &Router) -> Node {
    let (short, provider) = split(&r.name);
    let mut n = Node::new(r.name.as_str(), short);
    n.tag = provider.map(str::to_string);
    n.lines.extend(wrap(&r.rule, CHARS[ROUTERS], 2));
    let mut priority = if r.priority == rule::default_priority(&r.rule) {
        format!("priority {} = rule length", r.priority)
    } else {
        format!("priority {}", r.priority)
    };
    if r.tls || r.cert_resolver.is_some() {
        priority.push_str(" · TLS");
        if let Some(resolver) = &r.cert_resolver {
            priority.push_str(&format!(" ({resolver})"));
        }
    }
    n.lines.push(priority);
    n.error = r
        .error
        .clone()
        .or_else(|| entry_point_error(instance, &r.entry_points));
    n
}

/// A middleware's box; a name no provider defines is its error.
fn middleware_node(dynamic: &Dynamic, name: &str) -> Node {
    let (short, provider) = split(name);
    let mut n = Node::new(name, short);
    n.tag = provider.map(str::to_string);
    match dynamic.middlewares.get(name) {
        Some(m) => n.lines.extend(wrap(&describe(m), CHARS[MIDDLEWARES], 2)),
        None => n.error = Some("does not exist".into()),
    }
    n
}

/// A service's box: its servers and load-balancer options; Traefik's own (`api@internal`), or
/// the error of a name nothing defines.
fn service_node(dynamic: &Dynamic, name: &str) -> Node {
    let (short, provider) = split(name);
    let mut n = Node::new(name, short);
    n.tag = provider.map(str::to_string);
    match dynamic.services.get(name) {
        Some(s) => {
            n.lines.push(format!("{} server(s)", s.servers.len()));
            if let Some(h) = &s.health_check {
                n.lines.push(format!(
                    "health {} every {}",
                    h.path,
                    short_duration(h.interval)
                ));
            }
            if s.sticky.is_some() {
                n.lines.push("sticky cookie".into());
            }
            if !s.pass_host_header {
                n.lines.push("passHostHeader false".into());
            }
        }
        None if provider == Some("internal") => n.lines.push(
            match short {
                "api" => "Traefik's API and dashboard",
                "ping" => "Traefik's health answer",
                _ => "inside Traefik",
            }
            .into(),
        ),
        None => n.error = Some(format!("the service \"{name}\" does not exist")),
    }
    n
}

/// The servers of every service, with their edges; a server that would not answer now says why.
fn server_nodes(
    world: &World,
    instance: &Instance,
    dynamic: &Dynamic,
    services: &[Node],
    trace: Option<&Trace>,
    edges: &mut Vec<Edge>,
) -> Vec<Node> {
    let mut servers = Column { nodes: Vec::new() };
    for (si, service) in services.iter().enumerate() {
        let Some(s) = dynamic.services.get(&service.key) else {
            continue;
        };
        for url in &s.servers {
            let key = format!("{}|{url}", service.key);
            let vi = servers.row(&key, || {
                let mut n = Node::new(key.as_str(), url.strip_prefix("http://").unwrap_or(url));
                n.error =
                    proxy::server_down(world, instance, url).map(|why| format!("no answer: {why}"));
                n
            });
            let lit =
                service.lit && trace.is_some_and(|t| t.server.as_deref() == Some(url.as_str()));
            servers.nodes[vi].lit |= lit;
            edges.push(Edge {
                from: (SERVICES, si),
                to: (SERVERS, vi),
                lit,
            });
        }
    }
    servers.nodes
}

/// The columns and edges of one instance, as it routes now.
/// Walks each router's chain once, adding boxes and edges as it goes, so that a shared
/// middleware or service is one box.
pub fn model(world: &World, instance: &Instance) -> Model {
    let trace = world
        .traefik
        .last
        .as_ref()
        .filter(|t| t.traefik == instance.name && t.host == instance.host);
    let dynamic: Dynamic = proxy::merged(instance);
    let entry_points = entry_point_nodes(instance, trace);
    let defaults = proxy::default_entry_points(instance);
    let mut routers: Vec<_> = dynamic.routers.values().collect();
    crate::sim::order::sort_by(&mut routers, |a, b| {
        b.priority.cmp(&a.priority).then(a.name.cmp(&b.name))
    });
    let mut router_nodes = Vec::new();
    let mut middlewares = Column { nodes: Vec::new() };
    let mut services = Column { nodes: Vec::new() };
    let mut edges = Vec::new();
    let on_path = |router: &str| trace.is_some_and(|t| t.router.as_deref() == Some(router));
    for (ri, r) in routers.iter().enumerate() {
        let mut n = router_node(instance, r);
        n.lit = on_path(&r.name);
        let eps: Vec<String> = if r.entry_points.is_empty() {
            defaults.clone()
        } else {
            r.entry_points.clone()
        };
        for ep in &eps {
            if let Some(ei) = entry_points.iter().position(|e| &e.key == ep) {
                let lit = n.lit && trace.is_some_and(|t| &t.entry_point == ep);
                edges.push(Edge {
                    from: (ENTRY_POINTS, ei),
                    to: (ROUTERS, ri),
                    lit,
                });
            }
        }
        // router → middlewares in order → service.
        let passed = |m: &str| trace.is_some_and(|t| t.middlewares.iter().any(|x| x == m));
        let mut at = (ROUTERS, ri);
        for m in &r.middlewares {
            let mi = middlewares.row(m, || middleware_node(&dynamic, m));
            let lit = n.lit && passed(m);
            middlewares.nodes[mi].lit |= lit;
            edges.push(Edge {
                from: at,
                to: (MIDDLEWARES, mi),
                lit,
            });
            at = (MIDDLEWARES, mi);
        }
        if !r.service.is_empty() {
            let si = services.row(&r.service, || service_node(&dynamic, &r.service));
            let lit = n.lit && trace.is_some_and(|t| t.service.as_deref() == Some(&r.service));
            services.nodes[si].lit |= lit;
            edges.push(Edge {
                from: at,
                to: (SERVICES, si),
                lit,
            });
        }
        router_nodes.push(n);
    }
    // What no router uses is still configured: listed after.
    for name in dynamic.middlewares.keys() {
        middlewares.row(name, || middleware_node(&dynamic, name));
    }
    for name in dynamic.services.keys() {
        services.row(name, || service_node(&dynamic, name));
    }
    let servers = server_nodes(
        world,
        instance,
        &dynamic,
        &services.nodes,
        trace,
        &mut edges,
    );
    Model {
        columns: [
            entry_points,
            router_nodes,
            middlewares.nodes,
            services.nodes,
            servers,
        ],
        edges,
        trace: trace.cloned(),
    }
}

/// `text` in lines of at most `chars` characters, broken at a space where there is one, and at
/// most `max` lines (the last one cut with an ellipsis).
fn wrap(text: &str, chars: usize, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while out.len() + 1 < max && rest.chars().count() > chars {
        let cut = rest
            .char_indices()
            .nth(chars)
            .map_or(rest.len(), |(i, _)| i);
        let at = rest[..cut].rfind(' ').filter(|i| *i > 0).unwrap_or(cut);
        out.push(rest[..at].trim_end().to_string());
        rest = rest[at..].trim_start();
    }
    if !rest.is_empty() {
        out.push(truncate(rest, chars));
    }
    out
}

/// The CSS class of a status code's class: `tf-s2` … `tf-s5`.
pub fn status_class(status: u16) -> &'static str {
    match status {
        200..=299 => "tf-s2",
        300..=399 => "tf-s3",
        400..=499 => "tf-s4",
        _ => "tf-s5",
    }
}

/// One line per provider the instance has, with the warnings and errors it logged.
pub fn provider_lines(instance: &Instance, now_ms: Millis) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let logged = |view: &ProviderView, out: &mut Vec<(bool, String)>| {
        for line in &view.dynamic.log {
            if line.starts_with("ERR") || line.starts_with("WRN") {
                out.push((line.starts_with("ERR"), line.clone()));
            }
        }
    };
    let none = ProviderView::default();
    if instance.config.docker.is_some() {
        let view = instance.docker.as_ref().unwrap_or(&none);
        match &view.error {
            Some(e) => out.push((true, format!("docker provider: {e}"))),
            None => out.push((
                false,
                format!(
                    "docker provider: {} router(s), follows the engine's events",
                    view.dynamic.routers.len()
                ),
            )),
        }
        logged(view, &mut out);
    }
    if let Some(swarm) = &instance.config.swarm {
        let view = instance.swarm_seen.as_ref().unwrap_or(&none);
        match &view.error {
            Some(e) => out.push((true, format!("swarm provider: {e}"))),
            None => {
                let mut line = format!(
                    "swarm provider: polled every {}; last poll ({}) read {} router(s)",
                    short_duration(swarm.refresh),
                    clock(instance.last_poll_ms(now_ms)),
                    view.dynamic.routers.len()
                );
                if !instance.swarm_pending.is_empty() {
                    line.push_str(&format!(
                        "; a change waits for the next poll at {}",
                        clock(instance.next_poll_ms(now_ms))
                    ));
                }
                out.push((false, line));
            }
        }
        logged(view, &mut out);
    }
    if instance.config.docker.is_none() && instance.config.swarm.is_none() {
        out.push((
            false,
            "no provider: Traefik has no router but its own (--providers.docker or --providers.swarm)"
                .into(),
        ));
    }
    out
}

/// The line above the picture: where the last request went and what it got.
fn trace_line(trace: &Trace, now_ms: Millis) -> Html {
    let mut hops = vec![format!("entrypoint {}", trace.entry_point)];
    match &trace.router {
        Some(r) => hops.push(format!("router {r}")),
        None => hops.push("no router matches".into()),
    }
    hops.extend(trace.middlewares.iter().map(|m| format!("middleware {m}")));
    hops.extend(trace.service.iter().map(|s| format!("service {s}")));
    hops.extend(trace.server.iter().map(|s| format!("server {s}")));
    let when = if trace.at_ms == now_ms {
        "this step".to_string()
    } else {
        clock(trace.at_ms)
    };
    html! {
        <p class="tf-last" data-testid="traefik-last">
            {format!("Last request ({when}): ")}
            <code>{format!("{}{}", trace.request_host, trace.path)}</code>
            {format!(" → {} → ", hops.join(" → "))}
            <span class={classes!("tf-status", status_class(trace.status))}>{trace.status}</span>
        </p>
    }
}

const COL_X: [f64; 5] = [8.0, 144.0, 390.0, 542.0, 694.0];
const COL_W: [f64; 5] = [112.0, 224.0, 130.0, 130.0, 150.0];
const WIDTH: f64 = 852.0;
const TOP: f64 = 30.0;
const GAP: f64 = 10.0;
const LINE: f64 = 13.0;
/// The characters a line of each column holds (10 px monospace).
const CHARS: [usize; 5] = [16, 35, 19, 19, 22];
/// The characters a title holds (12 px bold), before its tag.
const TITLE_CHARS: [usize; 5] = [14, 30, 16, 16, 18];

/// A coordinate as the SVG gets it.
fn num(v: f64) -> String {
    format!("{v:.1}")
}

/// One SVG `<text>`: every label of the picture (a `.tf-tag` is right-aligned by its class).
fn label(class: &'static str, x: f64, y: f64, text: String) -> Html {
    html! { <text class={class} x={num(x)} y={num(y)}>{text}</text> }
}

fn node_h(n: &Node) -> f64 {
    22.0 + LINE * (n.lines.len() + usize::from(n.error.is_some())) as f64
}

/// The top of every box, per column.
fn tops(m: &Model) -> [Vec<f64>; 5] {
    m.columns.clone().map(|col| {
        let mut y = TOP;
        col.iter()
            .map(|n| {
                let top = y;
                y += node_h(n) + GAP;
                top
            })
            .collect()
    })
}

/// One box.
fn node_svg(col: usize, n: &Node, y: f64) -> Html {
    let (x, w) = (COL_X[col], COL_W[col]);
    let chars = CHARS[col];
    // A tag's monospace characters are narrower than the title's.
    let tag_chars = n.tag.as_ref().map_or(0, |t| (t.len() + 1) * 6 / 7 + 1);
    let mut title = vec![n.title.clone()];
    title.extend(n.lines.iter().cloned());
    title.extend(n.error.iter().cloned());
    let lines: Html = n
        .lines
        .iter()
        .enumerate()
        .map(|(k, l)| {
            label(
                "tf-line",
                x + 8.0,
                y + 15.0 + LINE * (k + 1) as f64,
                truncate(l, chars),
            )
        })
        .collect();
    let error_y = y + 15.0 + LINE * (n.lines.len() + 1) as f64;
    html! {
        <g class={classes!("tf-node", n.lit.then_some("lit"), n.error.is_some().then_some("in-error"))}
            data-testid="traefik-node" data-key={n.key.clone()}>
            <title>{title.join("\n")}</title>
            <rect x={num(x)} y={num(y)} width={num(w)} height={num(node_h(n))} rx="6" />
            {label("tf-title", x + 8.0, y + 15.0, truncate(&n.title, TITLE_CHARS[col].saturating_sub(tag_chars)))}
            {for n.tag.as_ref().map(|tag| label("tf-tag", x + w - 6.0, y + 15.0, format!("@{tag}")))}
            {lines}
            {for n.error.as_ref().map(|e| label("tf-error", x + 8.0, error_y, truncate(&format!("✕ {e}"), chars)))}
        </g>
    }
}

fn edge_svg(e: &Edge, m: &Model, tops: &[Vec<f64>; 5]) -> Html {
    let centre = |(c, r): (usize, usize)| tops[c][r] + node_h(&m.columns[c][r]) / 2.0;
    let (y1, y2) = (centre(e.from), centre(e.to));
    let d = if e.from.0 == e.to.0 {
        // A middleware to the next in the same column: a loop on the right.
        let x = COL_X[e.from.0] + COL_W[e.from.0];
        format!(
            "M{x:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x:.1},{y2:.1}",
            x + 16.0,
            x + 16.0
        )
    } else {
        let x1 = COL_X[e.from.0] + COL_W[e.from.0];
        let x2 = COL_X[e.to.0];
        let mid = (x1 + x2) / 2.0;
        format!("M{x1:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {x2:.1},{y2:.1}")
    };
    html! { <path class={classes!("tf-edge", e.lit.then_some("lit"))} d={d} /> }
}

/// The SVG of one instance's model. The last request's path is solid when it happened at this
/// step, dashed when it is an earlier one (still the most recent).
fn picture_svg(m: &Model, instance: &Instance, now_ms: Millis) -> Html {
    let tops = tops(m);
    let height = tops
        .iter()
        .zip(&m.columns)
        .map(|(t, col)| {
            t.last()
                .zip(col.last())
                .map_or(TOP + 20.0, |(y, n)| y + node_h(n))
        })
        .fold(TOP + 20.0, f64::max)
        + 8.0;
    let headings: Html = HEADINGS
        .iter()
        .enumerate()
        .map(|(c, h)| label("tf-heading", COL_X[c] + 2.0, 16.0, h.to_string()))
        .collect();
    let empties: Html = m
        .columns
        .iter()
        .enumerate()
        .filter(|(_, col)| col.is_empty())
        .map(|(c, _)| label("tf-line", COL_X[c] + 2.0, TOP + 14.0, "none".into()))
        .collect();
    // Lit edges last, so that they are drawn over the others.
    let mut edges: Vec<&Edge> = m.edges.iter().collect();
    crate::sim::order::sort_by_key(&mut edges, |e| e.lit);
    let edges: Html = edges.into_iter().map(|e| edge_svg(e, m, &tops)).collect();
    let nodes: Html = m
        .columns
        .iter()
        .enumerate()
        .flat_map(|(c, col)| col.iter().enumerate().map(move |(r, n)| (c, r, n)))
        .map(|(c, r, n)| node_svg(c, n, tops[c][r]))
        .collect();
    let counts = m
        .columns
        .iter()
        .zip(HEADINGS)
        .map(|(col, h)| format!("{} {}", col.len(), h.split(' ').next().unwrap_or(h)))
        .collect::<Vec<_>>()
        .join(", ");
    let label = format!(
        "{} on {}: {counts}{}",
        instance.name,
        instance.host,
        m.trace
            .as_ref()
            .map(|t| format!(
                "; the last request, {}{}, got {} via router {}",
                t.request_host,
                t.path,
                t.status,
                t.router.as_deref().unwrap_or("none")
            ))
            .unwrap_or_default()
    );
    let status = m.trace.as_ref().map(|t| status_class(t.status));
    let earlier = m.trace.as_ref().is_some_and(|t| t.at_ms != now_ms);
    html! {
        <svg class={classes!("tf-svg", status, earlier.then_some("earlier"))} viewBox={format!("0 0 {WIDTH} {height:.0}")} role="img" aria-label={label}>
            {headings}
            {empties}
            {edges}
            {nodes}
        </svg>
    }
}

/// The problems of the picture in full (the boxes cut their text).
fn problems(m: &Model) -> Html {
    let items: Vec<Html> = m
        .columns
        .iter()
        .flatten()
        .filter_map(|n| {
            let e = n.error.as_ref()?;
            let what = n.key.split('|').next_back().unwrap_or(&n.key);
            Some(html! { <li><code>{what.to_string()}</code>{format!(": {e}")}</li> })
        })
        .collect();
    if items.is_empty() {
        return Html::default();
    }
    html! { <ul class="tf-problems" data-testid="traefik-problems">{for items}</ul> }
}

/// The page's picture: the instance buttons, the last request, the columns and the provider
/// lines; what it shows is computed by `model`.
#[function_component(TraefikPicture)]
pub fn traefik_picture(props: &TraefikProps) -> Html {
    let world = &props.world;
    let chosen = use_state(|| None::<String>);
    let instances: Vec<&Instance> = world.traefik.instances.values().collect();
    if instances.is_empty() {
        return html! {
            <div class="tf-empty" data-testid="traefik-empty">
                <p>{"No Traefik is running. Start one with "}
                    <code>{"docker stack deploy -c traefik.yml proxy"}</code>{" on a swarm, or "}
                    <code>{"docker run -d -p 80:80 -v /var/run/docker.sock:/var/run/docker.sock traefik:v3.7 --providers.docker --entrypoints.web.address=:80"}</code>
                    {"; its entrypoints, routers and services appear here."}</p>
            </div>
        };
    }
    let key = |i: &Instance| format!("{}@{}", i.name, i.host);
    let instance = instances
        .iter()
        .find(|i| chosen.as_deref() == Some(key(i).as_str()))
        .unwrap_or(&instances[0]);
    let m = model(world, instance);
    let buttons: Html = if instances.len() > 1 {
        let items: Html = instances
            .iter()
            .map(|i| {
                let k = key(i);
                let pressed = k == key(instance);
                let chosen = chosen.clone();
                let onclick = {
                    let k = k.clone();
                    Callback::from(move |_: MouseEvent| chosen.set(Some(k.clone())))
                };
                html! {
                    <button type="button" class="tf-pick" aria-pressed={pressed.to_string()} {onclick}>
                        {format!("{} on {}", i.name, i.host)}
                    </button>
                }
            })
            .collect();
        html! { <div class="tf-picks" role="group" aria-label="Which Traefik to show">{items}</div> }
    } else {
        Html::default()
    };
    let config = &instance.config;
    let api = match &config.api {
        Some(a) if a.insecure => format!(
            "API and dashboard on {} (insecure)",
            config
                .entry_point(INTERNAL_ENTRY_POINT)
                .map_or(":8080".to_string(), |e| e.address.clone())
        ),
        Some(_) => "API behind a router (service api@internal)".to_string(),
        None => "no API".to_string(),
    };
    let about = format!(
        "traefik:v{} in {} on {}, started at {} · {api} · access log {}",
        instance.version,
        instance.name,
        instance.host,
        clock(instance.started_ms),
        if config.access_log { "on" } else { "off" }
    );
    let providers: Html = provider_lines(instance, world.now_ms)
        .into_iter()
        .map(|(bad, line)| html! { <li class={classes!(bad.then_some("tf-bad"))}>{line}</li> })
        .collect();
    html! {
        <div class="tf-picture" data-testid="traefik-picture">
            {buttons}
            <p class="tf-about">{about}</p>
            if let Some(t) = &m.trace {
                {trace_line(t, world.now_ms)}
            } else {
                <p class="tf-last">{"No request has gone through this Traefik yet: curl one of its hosts."}</p>
            }
            // Scrolls sideways on a narrow screen: focusable and named, so the keyboard can too.
            <div class="tf-stage" tabindex="0" role="region" aria-label="Entrypoints, routers, middlewares, services and servers (scrolls sideways when narrow)">
                {picture_svg(&m, instance, world.now_ms)}
            </div>
            {problems(&m)}
            <ul class="tf-providers" data-testid="traefik-providers">{providers}</ul>
        </div>
    }
}

/// `2026-04-05`.
fn date(at_ms: Millis) -> String {
    let (y, mo, d, ..) = civil(at_ms);
    format!("{y:04}-{mo:02}-{d:02}")
}

/// One certificate row's facts.
#[derive(Clone, PartialEq, Debug)]
pub struct CertRow {
    pub resolver: String,
    pub names: String,
    /// The issuer's common name (`R11`, `(STAGING) Wannabe Watercress R11`).
    pub issuer: String,
    pub staging: bool,
    pub not_before: Millis,
    pub not_after: Millis,
    /// When Traefik starts renewing it.
    pub renew_from: Millis,
}

/// Every certificate of the instance's acme.json, by resolver.
pub fn cert_rows(instance: &Instance) -> Vec<CertRow> {
    let Some(store) = &instance.acme else {
        return Vec::new();
    };
    store
        .resolvers
        .iter()
        .flat_map(|(resolver, s)| s.certificates.iter().map(move |c| (resolver, c)))
        .map(|(resolver, c): (&String, &Certificate)| {
            let before = instance
                .config
                .resolver(resolver)
                .map_or(acme::RENEW_BEFORE_MS, |r| {
                    acme::renew_durations(r.certificates_duration).0
                });
            CertRow {
                resolver: resolver.clone(),
                names: c.names.join(", "),
                issuer: c
                    .issuer
                    .rsplit_once("CN=")
                    .map_or(c.issuer.clone(), |(_, cn)| cn.to_string()),
                staging: c.directory == Directory::Staging,
                not_before: c.not_before,
                not_after: c.not_after,
                renew_from: c.not_after.saturating_sub(before),
            }
        })
        .collect()
}

const LINE_W: f64 = 220.0;

/// A certificate's life as a bar: issued → renewal point → expiry, and now.
fn life_svg(row: &CertRow, now_ms: Millis) -> Html {
    let span = row.not_after.saturating_sub(row.not_before).max(1) as f64;
    let x = |t: Millis| {
        (t.clamp(row.not_before, row.not_after) - row.not_before) as f64 / span * (LINE_W - 4.0)
            + 2.0
    };
    let label = format!(
        "valid {} to {}, renewal from {}",
        date(row.not_before),
        date(row.not_after),
        date(row.renew_from)
    );
    html! {
        <svg class="tf-life" viewBox={format!("0 0 {LINE_W} 16")} role="img" aria-label={label}>
            <rect class="tf-life-valid" x="2" y="5" width={num(x(row.renew_from) - 2.0)} height="6" rx="2" />
            <rect class="tf-life-renew" x={num(x(row.renew_from))} y="5" width={num(x(row.not_after) - x(row.renew_from))} height="6" rx="2" />
            <line class="tf-life-now" x1={num(x(now_ms))} x2={num(x(now_ms))} y1="1" y2="15" />
        </svg>
    }
}

/// Beside the picture: each instance's certificates.
#[function_component(TraefikCertificates)]
pub fn traefik_certificates(props: &TraefikProps) -> Html {
    let world = &props.world;
    let now = world.now_ms;
    let instances: Vec<&Instance> = world.traefik.instances.values().collect();
    if instances.is_empty() {
        return html! { <p class="tf-empty">{"No Traefik, no certificates."}</p> };
    }
    let several = instances.len() > 1;
    let blocks: Html = instances
        .iter()
        .map(|instance| {
            let rows = cert_rows(instance);
            let items: Html = rows
                .iter()
                .map(|r| {
                    let left = r.not_after.saturating_sub(now) / DAY_MS;
                    let state = if now >= r.not_after {
                        "expired".to_string()
                    } else if now >= r.renew_from {
                        format!("{left} days left: renewal due")
                    } else {
                        format!("{left} days left")
                    };
                    html! {
                        <li class="tf-cert" data-testid="traefik-cert">
                            <div class="tf-cert-head">
                                <code>{r.names.clone()}</code>
                                if r.staging { <span class="tf-staging">{"staging: browsers do not trust it"}</span> }
                            </div>
                            <div class="tf-cert-words">{format!("{} · issuer {} · expires {} ({state}) · renewal from {}",
                                r.resolver, r.issuer, date(r.not_after), date(r.renew_from))}</div>
                            {life_svg(r, now)}
                        </li>
                    }
                })
                .collect();
            let mut resolvers: Vec<Html> = instance
                .config
                .resolvers
                .iter()
                .filter(|r| !rows.iter().any(|row| row.resolver == r.name))
                .map(|r| {
                    let ca = match Directory::from_url(&r.ca_server) {
                        Some(Directory::Production) => "Let's Encrypt",
                        Some(Directory::Staging) => "Let's Encrypt staging",
                        None => r.ca_server.as_str(),
                    };
                    html! { <li>{format!("resolver {} ({ca}): no certificate yet", r.name)}</li> }
                })
                .collect();
            resolvers.extend(
                instance
                    .dropped_resolvers
                    .iter()
                    .map(|d| html! { <li class="tf-bad">{d.clone()}</li> }),
            );
            html! {
                <div class="tf-certs">
                    if several { <h3 class="tf-sub">{format!("{} on {}", instance.name, instance.host)}</h3> }
                    if rows.is_empty() {
                        <p class="tf-nocert" data-testid="traefik-no-cert">
                            {format!("No certificate: Traefik serves {} (self-signed) for every HTTPS name.", acme::DEFAULT_CERT_CN)}
                        </p>
                    } else {
                        <ul class="tf-certlist">{items}</ul>
                    }
                    if !resolvers.is_empty() {
                        <ul class="tf-resolvers">{for resolvers}</ul>
                    }
                </div>
            }
        })
        .collect();
    html! { <div class="tf-side">{blocks}</div> }
}

/// Page 11: one Traefik's routing and the last request's path; beside it, its certificates.
pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use crate::ui::panel::Panel;
    let world = &stage.world;
    let picture = html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading="Traefik: entrypoints, routers, services" hint="coloured line: the last request">
            <TraefikPicture world={world.clone()} />
        </Panel>
    };
    let side = html! {
        <Panel class="diagram-panel" testid="traefik-side" heading_id="traefik-side-h" heading="Certificates (acme.json) and traffic">
            <TraefikCertificates world={world.clone()} />
            <super::traffic_chart::TrafficChart world={world.clone()} />
        </Panel>
    };
    (picture, side)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testkit::{run, wait};

    /// The Traefik docs' quick start: the docker provider, whoami routed by Host.
    fn quick_start() -> World {
        let mut w = World::new(1);
        run(&mut w, "docker network create web");
        run(
            &mut w,
            "docker run -d --name traefik --network web -p 80:80 -p 8080:8080 -v /var/run/docker.sock:/var/run/docker.sock:ro traefik:v3.7 --api.insecure=true --providers.docker=true --providers.docker.exposedbydefault=false --entrypoints.web.address=:80",
        );
        run(
            &mut w,
            "docker run -d --name whoami --network web -l traefik.enable=true -l 'traefik.http.routers.whoami.rule=Host(`whoami.localhost`)' -l traefik.http.routers.whoami.entrypoints=web traefik/whoami",
        );
        wait(&mut w, 2_000);
        w
    }

    fn only(w: &World) -> &Instance {
        w.traefik.instances.values().next().expect("a Traefik runs")
    }

    #[test]
    fn columns_and_the_lit_path_of_the_last_request() {
        let mut w = quick_start();
        run(&mut w, "curl http://whoami.localhost/");
        let m = model(&w, only(&w));
        let titles =
            |c: usize| -> Vec<String> { m.columns[c].iter().map(|n| n.title.clone()).collect() };
        assert_eq!(titles(ENTRY_POINTS), vec!["traefik :8080", "web :80"]);
        assert_eq!(titles(ROUTERS), vec!["whoami"]);
        let router = &m.columns[ROUTERS][0];
        assert_eq!(router.tag.as_deref(), Some("docker"));
        assert_eq!(router.lines[0], "Host(`whoami.localhost`)");
        assert_eq!(router.lines[1], "priority 24 = rule length");
        assert!(router.lit && router.error.is_none());
        assert_eq!(m.columns[SERVICES].len(), 1);
        assert_eq!(m.columns[SERVERS].len(), 1);
        assert!(m.columns[SERVERS][0].lit && m.columns[SERVERS][0].error.is_none());
        // web → whoami → service → server, all lit; nothing from the internal entrypoint.
        assert_eq!(m.edges.len(), 3);
        assert!(m.edges.iter().all(|e| e.lit));
        assert_eq!(m.edges[0].from, (ENTRY_POINTS, 1));
        assert_eq!(m.trace.as_ref().map(|t| t.status), Some(200));
        assert_eq!(status_class(200), "tf-s2");
        assert_eq!(status_class(404), "tf-s4");
        let lines = provider_lines(only(&w), w.now_ms);
        assert_eq!(
            lines,
            vec![(
                false,
                "docker provider: 1 router(s), follows the engine's events".to_string()
            )]
        );
    }

    #[test]
    fn a_server_where_nothing_listens_is_marked_and_a_404_lights_nothing() {
        let mut w = quick_start();
        run(
            &mut w,
            "docker run -d --name bad --network web -l traefik.enable=true -l 'traefik.http.routers.bad.rule=Host(`bad.localhost`)' -l traefik.http.services.bad.loadbalancer.server.port=81 traefik/whoami",
        );
        wait(&mut w, 1_000);
        run(&mut w, "curl http://nothing.localhost/");
        let m = model(&w, only(&w));
        let down: Vec<&Node> = m.columns[SERVERS]
            .iter()
            .filter(|n| n.error.is_some())
            .collect();
        assert_eq!(down.len(), 1, "{:?}", m.columns[SERVERS]);
        assert!(
            down[0]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("nothing listens on bad:81")),
            "{:?}",
            down[0]
        );
        assert_eq!(m.trace.as_ref().map(|t| t.status), Some(404));
        assert!(m.columns[ROUTERS].iter().all(|n| !n.lit));
        assert!(m.columns[ENTRY_POINTS][1].lit);
    }

    #[test]
    fn an_unknown_entrypoint_is_the_routers_error() {
        let mut w = quick_start();
        run(
            &mut w,
            "docker run -d --name other --network web -l traefik.enable=true -l 'traefik.http.routers.other.rule=Host(`other.localhost`)' -l traefik.http.routers.other.entrypoints=websecure traefik/whoami",
        );
        wait(&mut w, 1_000);
        let m = model(&w, only(&w));
        let other = m.columns[ROUTERS]
            .iter()
            .find(|n| n.title == "other")
            .expect("router other");
        assert_eq!(
            other.error.as_deref(),
            Some("entryPoint \"websecure\" doesn't exist; no valid entryPoint for this router")
        );
    }

    #[test]
    fn the_swarm_provider_line_says_a_change_waits_for_the_next_poll() {
        let mut w = World::new(3);
        crate::sim::swarm::setup::form(&mut w, 1, 1);
        for line in [
            "docker network create -d overlay proxy",
            // A socket proxy's tcp endpoint: no bind mount needed.
            "docker service create -d --name traefik --network proxy --constraint node.role==manager -p 80:80 traefik:v3.7 --providers.swarm.endpoint=tcp://socket-proxy:2375 --providers.swarm.network=proxy --entrypoints.web.address=:80",
        ] {
            run(&mut w, line);
        }
        wait(&mut w, 20_000);
        run(
            &mut w,
            "docker service create -d --name whoami --network proxy --label 'traefik.http.routers.whoami.rule=Host(`whoami.localhost`)' --label traefik.http.services.whoami.loadbalancer.server.port=80 traefik/whoami",
        );
        let mut waiting = None;
        for _ in 0..30 {
            wait(&mut w, 1_000);
            let line = provider_lines(only(&w), w.now_ms)[0].1.clone();
            if line.contains("a change waits") {
                waiting = Some(line);
                break;
            }
        }
        let line = waiting.expect("a change waits for a poll");
        assert!(
            line.starts_with("swarm provider: polled every 15 s; last poll ("),
            "{line}"
        );
        assert!(line.contains("read 0 router(s)"), "{line}");
        let next = clock(only(&w).next_poll_ms(w.now_ms));
        assert!(line.ends_with(&format!("next poll at {next}")), "{line}");
        wait(&mut w, 16_000);
        let line = provider_lines(only(&w), w.now_ms)[0].1.clone();
        assert!(
            line.contains("read 1 router(s)") && !line.contains("waits"),
            "{line}"
        );
        assert_eq!(model(&w, only(&w)).columns[SERVERS].len(), 1);
    }

    #[test]
    fn long_rules_wrap_at_a_space() {
        assert_eq!(wrap("Host(`a`)", 35, 2), vec!["Host(`a`)"]);
        assert_eq!(
            wrap("Host(`example.com`) && PathPrefix(`/api`)", 35, 2),
            vec!["Host(`example.com`) &&", "PathPrefix(`/api`)"]
        );
        assert_eq!(wrap("abcdefghij", 4, 2), vec!["abcd", "efg…"]);
    }

    #[test]
    fn certificates_show_their_renewal_point() {
        let w = quick_start();
        let mut instance = only(&w).clone();
        assert!(cert_rows(&instance).is_empty());
        let store = instance.acme.get_or_insert_with(Default::default);
        store.put(
            "le",
            Certificate {
                serial: "01".into(),
                names: vec!["whoami.example.com".into()],
                not_before: 0,
                not_after: acme::LIFETIME_MS,
                issuer: Directory::Staging.issuer("RSA4096").into(),
                directory: Directory::Staging,
            },
        );
        let rows = cert_rows(&instance);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].issuer, "(STAGING) Riddling Rhubarb R12");
        assert!(rows[0].staging);
        assert_eq!(rows[0].renew_from, 60 * DAY_MS);
        assert_eq!(date(rows[0].not_after), "2026-04-05");
    }
}
