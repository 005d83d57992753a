//! `curl` on the host: how the outside world reaches a container, through a published port.
//!
//! A real `curl http://localhost:8080/` connects to whatever listens on the host's port 8080:
//! with `docker run -p 8080:80`, docker-proxy (or the NAT rule) forwards it to port 80 inside the
//! container, and what answers is the container's server, if it listens there and speaks HTTP.
//! We model that path and name, in the narration, where it stops: no container publishes the port
//! (refused, exit 7), nothing listens inside (reset, exit 56), a paused process (timed out, exit
//! 28), a server that is not HTTP (exit 1); and on a swarm a machine's port, where the routing
//! mesh answers (src/sim/swarm/curl.rs). The request is shaped by `-X`, `-H`, `-d` (a form,
//! POST), `--json` (JSON, POST), `-u`, `-b`, `-A`; what is printed by `-i`, `-I` and `-f`
//! (error 22 on an HTTP error). The answer comes from the container's program
//! (src/sim/docker/apps.rs `serve`), or from Traefik. Simplified: `-d @file` is sent as
//! written, no cookies jar, no redirects outside Traefik. `curl` inside a container is
//! src/sim/docker/probe.rs, which uses the same options.

use crate::sim::docker::container::Status;
use crate::sim::docker::error::DockerError;
use crate::sim::flags::{Arity, Command, Flag, Style};
use crate::sim::http::Request;
use crate::sim::ids::ContainerId;
use crate::sim::record::Record;
use crate::sim::world::Waiter;
use crate::sim::world::World;

/// What `curl --help` (or `-h`) prints: curl's short help (src/tool_help.c, curl 7.7x–8.x as
/// Debian and Ubuntu ship it), the "important" category only.
const HELP: &str = "Usage: curl [options...] <url>
 -d, --data <data>          HTTP POST data
 -f, --fail                 Fail fast with no output on HTTP errors
 -h, --help <category>      Get help for commands
 -i, --include              Include protocol response headers in the output
 -o, --output <file>        Write to file instead of stdout
 -O, --remote-name          Write output to a file named as the remote file
 -s, --silent               Silent mode
 -T, --upload-file <file>   Transfer local FILE to destination
 -u, --user <user:password> Server user and password
 -A, --user-agent <name>    Send User-Agent <name> to server
 -v, --verbose              Make the operation more talkative
 -V, --version              Show version number and quit

This is not the full help, this menu is stripped into categories.
Use \"--help category\" to get an overview of all categories.
For all options use the manual or \"--help all\".";

/// curl's options that the simulation uses; the rest of curl's options are unknown to it.
pub(crate) const CURL: Command = Command {
    path: "curl",
    usage: "curl [options...] <url>",
    about: "",
    flags: &[
        Flag::string("header", Some('H')),
        Flag::string("user", Some('u')),
        Flag::string("request", Some('X')),
        Flag::string("output", Some('o')),
        Flag::string("user-agent", Some('A')),
        Flag::string("cookie", Some('b')),
        Flag::string("max-time", Some('m')),
        Flag::string("connect-timeout", None),
        Flag::string("write-out", Some('w')),
        Flag::bool("verbose", Some('v')),
        Flag::bool("insecure", Some('k')),
        Flag::bool("include", Some('i')),
        Flag::bool("head", Some('I')),
        Flag::bool("silent", Some('s')),
        Flag::bool("show-error", Some('S')),
        Flag::bool("location", Some('L')),
        Flag::bool("fail", Some('f')),
        Flag::string("data", Some('d')),
        Flag::string("data-raw", None),
        Flag::string("json", None),
    ],
    not_simulated: &[("resolve", None), ("cacert", None)],
    interspersed: true,
    args: Arity::Any,
    style: Style::Curl,
};

/// curl's command line, parsed (`curl --help` aside): its flags and its URL.
pub(crate) fn parse_args(args: &[String]) -> Result<crate::sim::flags::Parsed, DockerError> {
    let parsed = CURL.parse(args)?;
    if parsed.args.is_empty() {
        return Err(DockerError::new(
            "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information",
            2,
        ));
    }
    Ok(parsed)
}

/// The request curl sends for its options: the method (`-X`, else POST with `-d`/`--json`,
/// HEAD with `-I`), its headers (User-Agent, Accept, `-u`, `-b`, `-H` in that order; `-H
/// 'Host: …'` replaces the Host header) and its body (`-d` sends a form unless `-H` says
/// otherwise, `--json` sends JSON).
pub(crate) fn request_from(
    parsed: &crate::sim::flags::Parsed,
    scheme: &str,
    host: &str,
    port: u16,
    target: &str,
) -> Request {
    let mut request = Request::get(scheme, host, port, target);
    let data = parsed
        .value("data")
        .or_else(|| parsed.value("data-raw"))
        .map(|d| (d.to_string(), "application/x-www-form-urlencoded"));
    let data = parsed
        .value("json")
        .map(|d| (d.to_string(), "application/json"))
        .or(data);
    request.method = match parsed.value("request") {
        Some(m) => m.to_string(),
        None if parsed.bool("head") => "HEAD".into(),
        None if data.is_some() => "POST".into(),
        None => "GET".into(),
    };
    request.headers.push((
        "User-Agent".into(),
        parsed
            .value("user-agent")
            .unwrap_or("curl/8.5.0")
            .to_string(),
    ));
    let accept = if parsed.value("json").is_some() {
        "application/json"
    } else {
        "*/*"
    };
    request.headers.push(("Accept".into(), accept.into()));
    if let Some(user) = parsed.value("user") {
        request.headers.push((
            "Authorization".into(),
            format!(
                "Basic {}",
                crate::sim::traefik::htpasswd::encode_basic(user)
            ),
        ));
    }
    if let Some(cookie) = parsed.value("cookie") {
        request.headers.push(("Cookie".into(), cookie.to_string()));
    }
    for header in parsed.values("header") {
        let Some((name, value)) = header.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        if name.eq_ignore_ascii_case("host") {
            request.host = value;
        } else {
            request.headers.push((name.trim().to_string(), value));
        }
    }
    if let Some((body, content_type)) = data {
        if request.header("Content-Type").is_none() {
            request
                .headers
                .push(("Content-Type".into(), content_type.into()));
        }
        request.body = body;
    }
    request
}

/// What curl prints of an answer: with `-i`/`-I` the status line and headers, then the body; with
/// `-f` an error status is curl's error 22 instead of the body.
pub(crate) fn print(
    parsed: &crate::sim::flags::Parsed,
    response: &crate::sim::http::Response,
    rec: &mut Record,
) -> Result<(), DockerError> {
    if parsed.bool("include") || parsed.bool("head") {
        rec.out(response.status_line());
        for (k, v) in &response.headers {
            rec.out(format!("{k}: {v}"));
        }
        rec.out(format!("Content-Length: {}", response.body.len()));
        rec.out("");
    }
    if parsed.bool("fail") && response.status >= 400 {
        return Err(DockerError::new(
            format!(
                "curl: (22) The requested URL returned error: {}",
                response.status
            ),
            22,
        )
        .keeping_state());
    }
    if !parsed.bool("head") && !response.body.is_empty() {
        rec.out(response.body.trim_end_matches('\n').to_string());
    }
    Ok(())
}

/// The parts of a URL curl needs.
struct Url {
    scheme: String,
    host: String,
    port: u16,
    /// Path and query.
    target: String,
}

fn parse_full_url(url: &str) -> Result<Url, DockerError> {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_string(), url),
    };
    if scheme != "http" && scheme != "https" {
        return Err(DockerError::new(
            format!("curl: (1) Protocol \"{scheme}\" not supported"),
            1,
        ));
    }
    let (authority, target) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let target = if target.starts_with('?') {
        format!("/{target}")
    } else {
        target
    };
    let default = if scheme == "https" { 443 } else { 80 };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>().map_err(|_| {
                DockerError::new("curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535", 3)
            })?,
        ),
        None => (authority, default),
    };
    if host.is_empty() {
        return Err(DockerError::new(
            "curl: (3) URL rejected: No host part in the URL",
            3,
        ));
    }
    Ok(Url {
        scheme,
        host: host.to_string(),
        port,
        target: target.split('#').next().unwrap_or("/").to_string(),
    })
}

/// Where a name leads from the learner's machine: `localhost` (and, as curl does, any
/// `*.localhost`), a lab machine, or a public DNS record (src/sim/traefik/model.rs).
fn machine_for(world: &World, name: &str) -> Option<String> {
    let name = name.to_ascii_lowercase();
    let name = name.as_str();
    if matches!(name, "localhost" | "127.0.0.1" | "0.0.0.0") || name.ends_with(".localhost") {
        return Some("localhost".into());
    }
    if crate::sim::swarm::mesh::is_lab_host(world, name) {
        return Some(name.to_string());
    }
    crate::sim::traefik::model::resolve_public(&world.traefik.dns, name)
}

/// The Traefik a connection to `machine:port` reaches, if one answers there: (its machine, its
/// container, the container port).
fn traefik_at(world: &mut World, machine: &str, port: u16) -> Option<(String, ContainerId, u16)> {
    let here = world.here().to_string();
    let local = machine == "localhost" || machine == here;
    if local && let Some(c) = world.engine.port_holder(port) {
        let binding = c.bound_ports.iter().find(|b| b.host_port == Some(port))?;
        let key = (here.clone(), c.id.clone());
        let instance = world.traefik.instances.get(&key)?;
        crate::sim::traefik::proxy::entry_point_on(instance, binding.container_port)?;
        return Some((here, c.id.clone(), binding.container_port));
    }
    if !world.swarm.active() {
        return None;
    }
    let entry = if local {
        here.clone()
    } else {
        machine.to_string()
    };
    let client = crate::sim::swarm::mesh::Client::Machine(here);
    let route = crate::sim::swarm::mesh::request(world, &client, &entry, port);
    let answer = route.outcome.as_ref().ok()?.clone();
    let task = world.swarm.tasks.iter().find(|t| t.id == answer.task_id)?;
    let id = task.container.clone()?;
    let key = (answer.task_host.clone(), id.clone());
    world.traefik.instances.get(&key)?;
    crate::sim::swarm::mesh::advance(world, &route);
    Some((answer.task_host, id, answer.target_port))
}

/// `curl` on the host: published ports are how the outside world reaches a container; a
/// Traefik behind the port answers with its routers (src/sim/traefik/proxy.rs).
/// Long because it is curl's whole exchange: options, name, TLS, request, redirects, output.
pub(crate) fn curl(
    world: &mut World,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        rec.out(HELP);
        return Ok(());
    }
    let parsed = parse_args(args)?;
    let first = parsed.args[0].clone();
    let verbose = parsed.bool("verbose");
    let mut url = parse_full_url(&first)?;
    let mut redirects = 0;
    loop {
        let Some(machine) = machine_for(world, &url.host) else {
            return Err(DockerError::new(
                format!("curl: (6) Could not resolve host: {}", url.host),
                6,
            ));
        };
        let Some((host, id, container_port)) = traefik_at(world, &machine, url.port) else {
            if url.scheme == "https" {
                rec.say(format!(
                    "Nothing on {}:{} speaks TLS: no Traefik (or other HTTPS server) answers there.",
                    url.host, url.port
                ));
                return Err(DockerError::new(
                    format!(
                        "curl: (7) Failed to connect to {} port {} after 0 ms: Couldn't connect to server",
                        url.host, url.port
                    ),
                    7,
                ));
            }
            return plain(world, &parsed, &url, machine, rec);
        };
        if verbose {
            rec.err(format!(
                "*   Trying {}:{}...",
                address_of(world, &machine),
                url.port
            ));
            rec.err(format!(
                "* Connected to {} ({}) port {}",
                url.host,
                address_of(world, &machine),
                url.port
            ));
        }
        if url.scheme == "https" {
            let instance = crate::sim::traefik::proxy::instance(world, &host, &id)
                .expect("traefik_at found it")
                .clone();
            let certificate = crate::sim::traefik::proxy::certificate_for(&instance, &url.host);
            let lines = crate::sim::traefik::acme::curl_certificate(
                &url.host,
                certificate.as_ref(),
                instance.started_ms,
                parsed.bool("insecure"),
            );
            let failed = lines.iter().any(|l| l.starts_with("curl: (60)"));
            for line in &lines {
                if line.starts_with('*') {
                    if verbose {
                        rec.err(line.clone());
                    }
                } else if failed {
                    rec.err(line.clone());
                }
            }
            if failed {
                rec.say(match &certificate {
                    None => format!(
                        "Traefik has no certificate for {}, so it serves its self-signed TRAEFIK DEFAULT CERT, which curl refuses (-k would skip the check).",
                        url.host
                    ),
                    Some(_) => "The certificate comes from Let's Encrypt's STAGING CA, whose root no browser or curl trusts: fine for testing, never for users.".to_string(),
                });
                return Err(DockerError::new("", 60).keeping_state());
            }
        }
        let mut request = request_from(&parsed, &url.scheme, &url.host, url.port, &url.target);
        request.client_ip = if machine == "localhost" {
            "172.17.0.1".into()
        } else {
            "10.0.0.2".into()
        };
        if verbose {
            rec.err(format!(
                "> {} {} HTTP/1.1",
                request.method,
                request.target()
            ));
            rec.err(format!("> Host: {}", request.host));
            for (k, v) in &request.headers {
                rec.err(format!("> {k}: {v}"));
            }
            rec.err(">");
        }
        let response =
            crate::sim::traefik::proxy::handle(world, &host, &id, container_port, &request, rec)
                .expect("traefik_at checked the entrypoint");
        rec.title = format!(
            "curl {}://{}{} → {}",
            url.scheme,
            request.host,
            request.target(),
            response.status
        );
        let mut headers = response.headers.clone();
        headers.push(("Content-Length".into(), response.body.len().to_string()));
        // What curl prints once the answer is in: (stderr, line).
        let mut shown: Vec<(bool, String)> = Vec::new();
        if verbose {
            shown.push((true, format!("< {}", response.status_line())));
            for (k, v) in &headers {
                shown.push((true, format!("< {k}: {v}")));
            }
            shown.push((true, "<".into()));
        }
        let location = response.header("Location").map(str::to_string);
        if parsed.bool("location")
            && (300..400).contains(&response.status)
            && let Some(location) = location
        {
            for (_, line) in shown {
                rec.err(line);
            }
            redirects += 1;
            if redirects > 50 {
                return Err(DockerError::new(
                    "curl: (47) Maximum (50) redirects followed",
                    47,
                ));
            }
            if verbose {
                rec.err(format!("* Issue another request to this URL: '{location}'"));
            }
            url = parse_full_url(&location)?;
            continue;
        }
        if parsed.bool("include") || parsed.bool("head") {
            shown.push((false, response.status_line()));
            for (k, v) in &headers {
                shown.push((false, format!("{k}: {v}")));
            }
            shown.push((false, String::new()));
        }
        let failed = parsed.bool("fail") && response.status >= 400;
        if failed {
            shown.push((
                true,
                format!(
                    "curl: (22) The requested URL returned error: {}",
                    response.status
                ),
            ));
        } else if !parsed.bool("head") && !response.body.is_empty() {
            shown.push((false, response.body.trim_end_matches('\n').to_string()));
        }
        if response.status == 504 {
            // Traefik answers only when its dial timeout runs out: curl waits that long.
            world.shell.waiting.push(Waiter::Curl { lines: shown });
            world.schedule_in(
                crate::sim::traefik::proxy::DIAL_TIMEOUT_MS,
                crate::sim::event::Event::Wake,
            );
            return Ok(());
        }
        let last_error = failed.then(|| shown.pop()).flatten();
        for (stderr, line) in shown {
            if stderr {
                rec.err(line);
            } else {
                rec.out(line);
            }
        }
        if let Some((_, message)) = last_error {
            return Err(DockerError::new(message, 22).keeping_state());
        }
        return Ok(());
    }
}

/// The address curl connects to for a machine.
fn address_of(world: &World, machine: &str) -> String {
    if machine == "localhost" {
        return "127.0.0.1".into();
    }
    world
        .swarm
        .machines
        .get(machine)
        .map(|m| m.addr.clone())
        .unwrap_or_else(|| crate::sim::traefik::model::SINGLE_HOST_ADDRESS.into())
}

/// A request to a server that is not a Traefik: published ports are how the outside world
/// reaches a container (the body only; curl's options do not change it).
fn plain(
    world: &mut World,
    parsed: &crate::sim::flags::Parsed,
    url: &Url,
    host: String,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let port = url.port;
    // A lab machine's port in a swarm: the routing mesh answers (src/sim/swarm/curl.rs).
    if let Some(result) = crate::sim::swarm::curl::run(world, &host, port, &url.target, rec) {
        return result;
    }
    if !matches!(host.as_str(), "localhost" | "127.0.0.1" | "0.0.0.0") {
        return Err(DockerError::new(
            format!("curl: (6) Could not resolve host: {host}"),
            6,
        ));
    }
    let refused = DockerError::new(
        format!(
            "curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
        ),
        7,
    );
    let Some(c) = world.engine.port_holder(port) else {
        rec.say(format!(
            "No running container publishes host port {port}, so nothing listens there."
        ));
        return Err(refused);
    };
    let id = c.id.clone();
    let name = c.name.clone();
    rec.touch(&name);
    let binding = c
        .bound_ports
        .iter()
        .find(|b| b.host_port == Some(port))
        .cloned();
    let container_port = binding.map(|b| b.container_port).unwrap_or(0);
    if c.status() == Status::Paused {
        rec.say(format!("{name} is paused: the connection is accepted by the kernel, but the frozen process never answers."));
        return Err(DockerError::new(
            "curl: (28) Operation timed out after 5000 milliseconds with 0 bytes received",
            28,
        ));
    }
    let serves = c
        .program
        .as_ref()
        .and_then(|p| p.serves.clone())
        .filter(|s| s.port == container_port && c.listening);
    match serves {
        None => {
            rec.say(format!(
                "Host port {port} is published to {name}:{container_port}, but nothing listens on port {container_port} inside the container, so the connection is reset."
            ));
            Err(DockerError::new(
                "curl: (56) Recv failure: Connection reset by peer",
                56,
            ))
        }
        Some(s) if !s.http => {
            rec.say(format!(
                "{name} answers on {container_port}, but it does not speak HTTP."
            ));
            Err(DockerError::new(
                "curl: (1) Received HTTP/0.9 when not allowed",
                1,
            ))
        }
        Some(_) => {
            rec.say(format!("Host port {port} → {name}:{container_port}: the request reaches the container through the published port."));
            let mut request = request_from(parsed, &url.scheme, &url.host, port, &url.target);
            request.client_ip = "172.17.0.1".into();
            let response = crate::sim::docker::apps::serve(world, &id, &request, rec);
            print(parsed, &response, rec)
        }
    }
}
