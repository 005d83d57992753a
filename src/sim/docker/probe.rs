//! Network tools run with `docker exec`: `curl URL`, `wget -qO- URL`, `ping -c N NAME`,
//! `nslookup NAME`, `getent hosts NAME` — the way a learner checks who can reach whom.
//!
//! Real tools: curl 8 (`curl: (6) Could not resolve host: api`, `curl: (7) Failed to connect to
//! api port 3000 after 0 ms: Couldn't connect to server`), busybox ping (`ping: bad address
//! 'api'`, `PING api (172.18.0.3): 56 data bytes`, `64 bytes from …: seq=0 ttl=64 time=… ms`,
//! `ping: sendto: Network unreachable`), busybox nslookup (`Server: 127.0.0.11`,
//! `** server can't find api: NXDOMAIN`), glibc getent (`%-15s %s`, exit 2 when not found).
//! Names go through src/sim/docker/dns.rs, packets through src/sim/docker/reach.rs.
//!
//! curl takes the host's curl options (src/sim/shell/curl.rs: `-X`, `-H`, `-d`, `--json`,
//! `-i`, `-f`); wget takes `--header` and `--post-data`, and turns an HTTP error into its own
//! error and exit 1. `localhost` is the container itself. The answer is the target program's
//! (src/sim/docker/apps.rs `serve`).
//! What we simplify: every image has these tools; the simulated host has no Internet, so an
//! outside destination is reported as such; a dropped connection reports curl's message at
//! once instead of after the kernel's ~130 s of SYN retries.

use super::super::http::{Request, Response};
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::world::World;
use super::dns::{self, Miss, Source};
use super::error::DockerError;
use super::network;
use super::reach::{Reach, reach};

/// moby `libnetwork/resolvconf`: with only local nameservers on the host (systemd-resolved's
/// 127.0.0.53), a container without the embedded DNS gets Google's public DNS.
const FALLBACK_DNS: &str = "8.8.8.8";

fn no_internet(rec: &mut Record, what: &str) -> DockerError {
    rec.say(format!("{what} is not a container: real Docker would ask the host's resolvers and route the traffic out through the network's gateway, with NAT. The simulated host stops at its own edge."));
    DockerError::new(
        format!(
            "dockyard: {what} is outside this simulated host, which has no Internet connection. Real Docker would send it out through the gateway and the host's NAT."
        ),
        1,
    )
}

/// Runs the command if it is one of the network tools; `None` leaves it to the shell.
pub fn run(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
    rec: &mut Record,
) -> Option<Result<(), DockerError>> {
    let program = argv.first()?.rsplit('/').next()?.to_string();
    let args = &argv[1..];
    match program.as_str() {
        // curl, and busybox wget (the HTTP client alpine images have: `wget -qO- URL`).
        "curl" => Some(curl_args(args).and_then(|client| http(world, id, &client, rec))),
        "wget" => Some(wget_args(args).and_then(|client| http(world, id, &client, rec))),
        "ping" => Some(ping(world, id, args, rec)),
        "nslookup" => Some(nslookup(world, id, args, rec)),
        "getent" if args.first().map(String::as_str) == Some("hosts") => {
            Some(getent(world, id, &args[1..], rec))
        }
        _ => None,
    }
}

/// An HTTP client's command line: what it sends and how it prints the answer.
struct Client {
    tool: &'static str,
    host: String,
    port: u16,
    request: Request,
    /// curl's options (`-i`, `-f`, …); `None` for wget.
    curl: Option<crate::sim::flags::Parsed>,
}

/// curl's options (src/sim/shell/curl.rs reads them for the host's curl too).
fn curl_args(args: &[String]) -> Result<Client, DockerError> {
    let parsed = crate::sim::shell::curl::parse_args(args)?;
    let url = parsed.args[0].clone();
    let (host, port) = parse_url(&url)
        .ok_or_else(|| DockerError::new("curl: (3) URL rejected: Bad hostname", 3))?;
    let scheme = if url.starts_with("https://") {
        "https"
    } else {
        "http"
    };
    let request =
        crate::sim::shell::curl::request_from(&parsed, scheme, &host, port, &url_target(&url));
    Ok(Client {
        tool: "curl",
        host,
        port,
        request,
        curl: Some(parsed),
    })
}

/// busybox wget's options: `-q`, `-O FILE` (`-O-`: standard output), `-T SEC`, `--header
/// 'K: V'`, `--post-data=DATA` (a POST), `--spider`.
fn wget_args(args: &[String]) -> Result<Client, DockerError> {
    let mut url: Option<String> = None;
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut post: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-O" | "-T" | "-U" | "-Y" | "-P" => i += 1,
            "--header" => {
                i += 1;
                if let Some((k, v)) = args.get(i).and_then(|h| h.split_once(':')) {
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            "--post-data" => {
                i += 1;
                post = args.get(i).cloned();
            }
            _ if a.starts_with("--post-data=") => {
                post = Some(a["--post-data=".len()..].to_string())
            }
            _ if a.starts_with("--header=") => {
                if let Some((k, v)) = a["--header=".len()..].split_once(':') {
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            _ if a.starts_with('-') => {}
            _ => {
                url.get_or_insert_with(|| a.to_string());
            }
        }
        i += 1;
    }
    let Some(url) = url else {
        return Err(DockerError::new(
            "BusyBox v1.36.1 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...",
            1,
        ));
    };
    let (host, port) =
        parse_url(&url).ok_or_else(|| DockerError::new(format!("wget: bad address '{url}'"), 1))?;
    let mut request = Request::get("http", &host, port, &url_target(&url));
    request.headers.push(("User-Agent".into(), "Wget".into()));
    request.headers.extend(headers);
    if let Some(body) = post {
        request.method = "POST".into();
        if request.header("Content-Type").is_none() {
            request.headers.push((
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
        }
        request.body = body;
    }
    Ok(Client {
        tool: "wget",
        host,
        port,
        request,
        curl: None,
    })
}

/// The path and query of a URL (`http://api:3000/x?y` → `/x?y`).
fn url_target(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => format!("/{}", &rest[i..]),
        Some(i) => rest[i..].split('#').next().unwrap_or("/").to_string(),
        None => "/".to_string(),
    }
}

/// The server in `to` (on `machine`) answers: what the client prints.
fn deliver(
    world: &mut World,
    machine: &str,
    to: &ContainerId,
    client: &Client,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let response = world
        .on_host(machine, |w| super::apps::serve(w, to, &client.request, rec))
        .unwrap_or_else(|| Response::page(502, "text/plain", String::new()));
    show(client, &response, rec)
}

/// What the client prints of an answer: curl's options decide; busybox wget prints the body, or
/// its error for an HTTP error status (exit 1).
fn show(client: &Client, response: &Response, rec: &mut Record) -> Result<(), DockerError> {
    match &client.curl {
        Some(parsed) => crate::sim::shell::curl::print(parsed, response, rec),
        None if response.status >= 400 => Err(DockerError::new(
            format!("wget: server returned error: {}", response.status_line()),
            1,
        )
        .keeping_state()),
        None => {
            if !response.body.is_empty() {
                rec.out(response.body.trim_end_matches('\n').to_string());
            }
            Ok(())
        }
    }
}

/// An HTTP request from the container `id`: to itself (`localhost`), to another container of
/// its networks, or from a swarm task to a service.
fn http(
    world: &mut World,
    id: &ContainerId,
    client: &Client,
    rec: &mut Record,
) -> Result<(), DockerError> {
    if matches!(client.host.as_str(), "localhost" | "127.0.0.1") {
        return local(world, id, client, rec);
    }
    if client.tool == "curl" {
        curl(world, id, client, rec)
    } else {
        wget(world, id, client, rec)
    }
}

/// `curl http://localhost:PORT/…` inside a container: its own program, if it listens there.
fn local(
    world: &mut World,
    id: &ContainerId,
    client: &Client,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let c = &world.engine.containers[id];
    let name = c.name.clone();
    let port = client.port;
    rec.say(format!(
        "`localhost` inside a container is the container itself: {name}'s own network namespace."
    ));
    let listens = c.listening
        && c.program
            .as_ref()
            .and_then(|p| p.serves.as_ref())
            .is_some_and(|s| s.port == port && s.http);
    if !listens {
        return Err(if client.tool == "curl" {
            DockerError::new(
                format!(
                    "curl: (7) Failed to connect to {} port {port} after 0 ms: Couldn't connect to server",
                    client.host
                ),
                7,
            )
        } else {
            DockerError::new(
                "wget: can't connect to remote host (127.0.0.1): Connection refused",
                1,
            )
        });
    }
    let here = world.here().to_string();
    deliver(world, &here, id, client, rec)
}

/// `http://api:3000/path` → (`api`, 3000); `https://` defaults to 443.
fn parse_url(url: &str) -> Option<(String, u16)> {
    let (rest, default_port) = if let Some(r) = url.strip_prefix("https://") {
        (r, 443)
    } else {
        (url.strip_prefix("http://").unwrap_or(url), 80)
    };
    let authority = rest.split(['/', '?']).next()?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().ok()?),
        None => (authority, default_port),
    };
    (!host.is_empty()).then(|| (host.to_string(), port))
}

fn name_of(world: &World, id: &ContainerId) -> String {
    world.engine.containers[id].name.clone()
}

fn explain_answer(rec: &mut Record, from: &str, host: &str, answer: &dns::Answer) {
    if let Source::EmbeddedDns { network } = &answer.source {
        let list = answer.addresses.join(", ");
        rec.say(format!(
            "{from} asked Docker's embedded DNS server at {} for {host}: on the user-defined network {network} the answer is {list} (valid for {} s).",
            dns::EMBEDDED_DNS,
            dns::TTL_S
        ));
    }
}

fn curl(
    world: &mut World,
    id: &ContainerId,
    client: &Client,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let (host, port) = (client.host.as_str(), client.port);
    let from = name_of(world, id);
    let answer = match dns::resolve(world, id, host) {
        Ok(answer) => answer,
        Err(Miss::Unknown { reason }) => {
            rec.say(reason);
            return Err(DockerError::new(
                format!("curl: (6) Could not resolve host: {host}"),
                6,
            ));
        }
        Err(Miss::Outside) => return Err(no_internet(rec, host)),
    };
    explain_answer(rec, &from, host, &answer);
    let ip = answer.addresses[0].clone();
    if dns::swarm_service_of(&world.engine.containers[id]).is_some() {
        return swarm_http(world, client, &from, &ip, rec);
    }
    let failed = |ms: u64| {
        DockerError::new(
            format!(
                "curl: (7) Failed to connect to {host} port {port} after {ms} ms: Couldn't connect to server"
            ),
            7,
        )
    };
    match reach(world, id, &ip, Some(port)) {
        Reach::Open { to, via } => {
            let target = &world.engine.containers[&to];
            let target_name = target.name.clone();
            let serves = target
                .program
                .as_ref()
                .and_then(|p| p.serves.clone())
                .filter(|s| s.port == port);
            rec.touch(&target_name);
            rec.say(format!(
                "{from} and {target_name} are both on {via}, so the connection goes straight to {target_name}'s port {port} — no -p needed between containers; publishing is for the host."
            ));
            match serves {
                Some(s) if !s.http => Err(DockerError::new(
                    "curl: (1) Received HTTP/0.9 when not allowed",
                    1,
                )),
                Some(_) => {
                    let here = world.here().to_string();
                    deliver(world, &here, &to, client, rec)
                }
                None => Ok(()),
            }
        }
        Reach::Refused { reason } => {
            rec.say(reason);
            Err(failed(0))
        }
        Reach::Dropped { reason } => {
            rec.say(format!(
                "{reason} curl gets no answer at all and gives up after the kernel's connection timeout."
            ));
            let waited_ms = 129_000 + world.rng.below(3_000);
            Err(failed(waited_ms))
        }
        Reach::NoRoute { reason } => {
            rec.say(reason);
            Err(failed(0))
        }
        Reach::Outside => Err(no_internet(rec, host)),
    }
}

/// `curl` / `wget` from a task's container to another service: the address is a VIP (IPVS
/// picks one running task) or a task's own address; the answer is that task container's
/// program's.
/// Long because a request from a task follows the mesh in order (resolve, VIP or task address,
/// IPVS pick, the container's answer), each step with its own failure.
fn swarm_http(
    world: &mut World,
    client: &Client,
    from: &str,
    ip: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    use crate::sim::swarm::{agent, mesh, overlay};
    let (tool, host, port) = (client.tool, client.host.as_str(), client.port);
    let path = client.request.path.as_str();
    let refused = || {
        if tool == "wget" {
            DockerError::new(
                format!("wget: can't connect to remote host ({ip}): Connection refused"),
                1,
            )
        } else {
            DockerError::new(
                format!(
                    "curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
                ),
                7,
            )
        }
    };
    let target = world
        .swarm
        .services
        .values()
        .find(|s| {
            overlay::networks(world)
                .iter()
                .any(|n| overlay::addr(world, &n.name, &s.id).as_deref() == Some(ip))
        })
        .map(|s| (s.id.clone(), s.spec.name.clone()));
    let task = match target {
        // A VIP: IPVS balances over the service's running tasks.
        Some((service_id, service_name)) => {
            let backends: Vec<crate::sim::swarm::task::Task> = mesh::backends(world, &service_id)
                .into_iter()
                .cloned()
                .collect();
            if backends.is_empty() {
                rec.say(format!(
                    "{host} is {service_name}'s virtual IP, but the service has no running task for IPVS to send the connection to."
                ));
                return Err(refused());
            }
            let pick = world.rng.below(backends.len() as u64) as usize;
            backends[pick].clone()
        }
        None => {
            let found = world.swarm.tasks.iter().find(|t| {
                overlay::networks(world)
                    .iter()
                    .any(|n| overlay::addr(world, &n.name, &t.id).as_deref() == Some(ip))
            });
            match found {
                Some(t) => t.clone(),
                None => return Err(refused()),
            }
        }
    };
    let Some(c) = agent::task_container(world, &task) else {
        return Err(refused());
    };
    let serves = c
        .program
        .as_ref()
        .and_then(|p| p.serves.clone())
        .filter(|s| s.port == port && c.listening);
    let target_name = c.name.clone();
    let target_id = c.id.clone();
    let body = serves.as_ref().map(|s| super::apps::body_of(c, s));
    rec.touch(&target_name);
    let Some(s) = serves else {
        rec.say(format!(
            "The connection reaches {target_name}, but nothing listens on port {port} there."
        ));
        return Err(refused());
    };
    rec.say(format!(
        "{from} connects to {host} ({ip}) over the overlay network; it lands on {target_name}, which answers."
    ));
    let machine = task
        .node_id
        .as_ref()
        .and_then(|n| world.swarm.nodes.get(n))
        .map(|n| n.hostname.clone())
        .unwrap_or_default();
    let known = world
        .on_host(&machine, |w| super::apps::known(w, &target_id))
        .unwrap_or(false);
    if known && s.http {
        return deliver(world, &machine, &target_id, client, rec);
    }
    if let Some((_, status)) = s.failing_paths.iter().find(|(p, _)| p == path) {
        if tool == "wget" {
            return Err(DockerError::new(
                format!("wget: server returned error: HTTP/1.1 {status} Internal Server Error"),
                1,
            ));
        }
        rec.out("Internal Server Error");
        return Ok(());
    }
    if !s.http {
        return Err(DockerError::new(
            "curl: (1) Received HTTP/0.9 when not allowed",
            1,
        ));
    }
    rec.out(body.unwrap_or_default());
    Ok(())
}

/// busybox wget's words (networking/wget.c): `wget: bad address 'api'`, `wget: can't connect
/// to remote host (172.18.0.3): Connection refused`.
fn wget(
    world: &mut World,
    id: &ContainerId,
    client: &Client,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let (host, port) = (client.host.as_str(), client.port);
    let from = name_of(world, id);
    let answer = match dns::resolve(world, id, host) {
        Ok(answer) => answer,
        Err(Miss::Unknown { reason }) => {
            rec.say(reason);
            return Err(DockerError::new(format!("wget: bad address '{host}'"), 1));
        }
        Err(Miss::Outside) => return Err(no_internet(rec, host)),
    };
    explain_answer(rec, &from, host, &answer);
    let ip = answer.addresses[0].clone();
    if dns::swarm_service_of(&world.engine.containers[id]).is_some() {
        return swarm_http(world, client, &from, &ip, rec);
    }
    let cannot = |why: &str| {
        DockerError::new(
            format!("wget: can't connect to remote host ({ip}): {why}"),
            1,
        )
    };
    match reach(world, id, &ip, Some(port)) {
        Reach::Open { to, via } => {
            let target = &world.engine.containers[&to];
            let target_name = target.name.clone();
            let serves = target
                .program
                .as_ref()
                .and_then(|p| p.serves.clone())
                .filter(|s| s.port == port);
            rec.touch(&target_name);
            rec.say(format!(
                "{from} and {target_name} are both on {via}, so the request goes straight to {target_name}'s port {port}."
            ));
            if serves.is_some_and(|s| s.http) {
                let here = world.here().to_string();
                return deliver(world, &here, &to, client, rec);
            }
            Ok(())
        }
        Reach::Refused { reason } => {
            rec.say(reason);
            Err(cannot("Connection refused"))
        }
        Reach::Dropped { reason } => {
            rec.say(format!(
                "{reason} wget waits for an answer that never comes."
            ));
            Err(cannot("Connection timed out"))
        }
        Reach::NoRoute { reason } => {
            rec.say(reason);
            Err(cannot("Network unreachable"))
        }
        Reach::Outside => Err(no_internet(rec, host)),
    }
}

fn ping(
    world: &mut World,
    id: &ContainerId,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let mut count: Option<u32> = None;
    let mut target: Option<&String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-c" {
            count = args.get(i + 1).and_then(|c| c.parse().ok());
            i += 2;
            continue;
        }
        if let Some(c) = a.strip_prefix("-c") {
            count = c.parse().ok();
        } else if !a.starts_with('-') {
            target = Some(a);
        }
        i += 1;
    }
    let Some(host) = target else {
        return Err(DockerError::new(
            "BusyBox v1.36.1 multi-call binary.\n\nUsage: ping [OPTIONS] HOST",
            1,
        ));
    };
    let Some(count) = count.filter(|c| (1..=20).contains(c)) else {
        return Err(DockerError::new(
            "dockyard: ping without -c runs until Ctrl-C, which this terminal cannot send; use e.g. `ping -c 3 NAME`.",
            1,
        ));
    };
    let answer = match dns::resolve(world, id, host) {
        Ok(answer) => answer,
        Err(Miss::Unknown { reason }) => {
            rec.say(reason);
            return Err(DockerError::new(format!("ping: bad address '{host}'"), 1));
        }
        Err(Miss::Outside) => return Err(no_internet(rec, host)),
    };
    let from = name_of(world, id);
    explain_answer(rec, &from, host, &answer);
    let ip = answer.addresses[0].clone();
    let header = format!("PING {host} ({ip}): 56 data bytes");
    let stats = |received: u32| {
        format!(
            "\n--- {host} ping statistics ---\n{count} packets transmitted, {received} packets received, {}% packet loss",
            (count - received) * 100 / count
        )
    };
    match reach(world, id, &ip, None) {
        Reach::Open { to, .. } => {
            let to_name = name_of(world, &to);
            rec.touch(&to_name);
            let mut lines = vec![header];
            let mut times = Vec::new();
            for seq in 0..count {
                let us = 40 + world.rng.below(80);
                times.push(us);
                lines.push(format!(
                    "64 bytes from {ip}: seq={seq} ttl=64 time=0.{us:03} ms"
                ));
            }
            lines.push(stats(count));
            let min = times.iter().min().copied().unwrap_or(0);
            let max = times.iter().max().copied().unwrap_or(0);
            let avg = times.iter().sum::<u64>() / u64::from(count);
            lines.push(format!(
                "round-trip min/avg/max = 0.{min:03}/0.{avg:03}/0.{max:03} ms"
            ));
            rec.out(lines.join("\n"));
            if to != *id {
                rec.say(format!(
                    "{to_name} answers: the two containers share a network. Ping only shows the path works; a port still needs a process listening on it."
                ));
            }
            Ok(())
        }
        Reach::Dropped { reason } | Reach::Refused { reason } => {
            rec.say(reason);
            rec.out(format!("{header}\n{}", stats(0)));
            rec.error = true;
            Ok(())
        }
        Reach::NoRoute { reason } => {
            rec.say(reason);
            rec.out(header);
            rec.err("ping: sendto: Network unreachable");
            rec.error = true;
            Ok(())
        }
        Reach::Outside => Err(no_internet(rec, host)),
    }
}

/// The nameserver in the container's `/etc/resolv.conf`.
fn nameserver(world: &World, id: &ContainerId) -> &'static str {
    let c = &world.engine.containers[id];
    if dns::swarm_service_of(c).is_some() {
        // Task containers are on overlay networks, which have the embedded DNS server.
        return dns::EMBEDDED_DNS;
    }
    let embedded = c.networks.iter().any(|(n, e)| {
        e.ip_address.is_some()
            && world
                .engine
                .networks
                .get(n)
                .is_some_and(network::Network::has_embedded_dns)
    });
    if embedded {
        dns::EMBEDDED_DNS
    } else {
        FALLBACK_DNS
    }
}

fn nslookup(
    world: &mut World,
    id: &ContainerId,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let Some(host) = args.iter().find(|a| !a.starts_with('-')) else {
        return Err(DockerError::new(
            "BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]",
            1,
        ));
    };
    let server = nameserver(world, id);
    let header = format!("Server:\t\t{server}\nAddress:\t{server}:53\n");
    match dns::resolve(world, id, host) {
        Ok(answer) => {
            let from = name_of(world, id);
            explain_answer(rec, &from, host, &answer);
            let mut lines = vec![header, "Non-authoritative answer:".to_string()];
            for a in &answer.addresses {
                lines.push(format!("Name:\t{host}\nAddress: {a}"));
            }
            lines.push(String::new());
            rec.out(lines.join("\n"));
            Ok(())
        }
        Err(Miss::Unknown { reason }) => {
            rec.say(reason);
            rec.out(header);
            rec.err(format!("** server can't find {host}: NXDOMAIN"));
            rec.error = true;
            Ok(())
        }
        Err(Miss::Outside) => Err(no_internet(rec, host)),
    }
}

fn getent(
    world: &mut World,
    id: &ContainerId,
    names: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let mut lines = Vec::new();
    let mut missing = false;
    for host in names {
        match dns::resolve(world, id, host) {
            Ok(answer) => {
                for a in &answer.addresses {
                    lines.push(format!("{a:<15} {host}"));
                }
            }
            Err(Miss::Unknown { reason }) => {
                rec.say(reason);
                missing = true;
            }
            Err(Miss::Outside) => return Err(no_internet(rec, host)),
        }
    }
    if !lines.is_empty() {
        rec.out(lines.join("\n"));
    }
    if missing {
        // glibc getent: exit 2 when a key is not found, with no output for it.
        rec.error = true;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_host_and_port() {
        assert_eq!(parse_url("http://api:3000/x"), Some(("api".into(), 3000)));
        assert_eq!(parse_url("api"), Some(("api".into(), 80)));
        assert_eq!(
            parse_url("https://example.com"),
            Some(("example.com".into(), 443))
        );
        assert_eq!(parse_url("http://:80"), None);
    }
}
