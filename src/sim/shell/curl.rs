//! `curl` on the host: how the outside world reaches a container, through a published port.
//!
//! A real `curl http://localhost:8080/` connects to whatever listens on the host's port 8080:
//! with `docker run -p 8080:80`, docker-proxy (or the NAT rule) forwards it to port 80 inside the
//! container, and what answers is the container's server, if it listens there and speaks HTTP.
//! We model that path and name, in the narration, where it stops: no container publishes the port
//! (refused, exit 7), nothing listens inside (reset, exit 56), a paused process (timed out, exit
//! 28), a server that is not HTTP (exit 1); and on a swarm a machine's port, where the routing
//! mesh answers (src/sim/swarm/curl.rs). Simplified: `http://` only, the first non-flag word is
//! the URL, every flag but `--help` is ignored, and the body is what the container's program
//! serves (its answer comes from src/sim/docker/apps.rs). `curl` inside a container is
//! src/sim/shell/exec.rs and src/sim/docker/probe.rs.

use crate::sim::docker::container::Status;
use crate::sim::docker::error::DockerError;
use crate::sim::record::Record;
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

/// `http://localhost:8080/path` → (host, port).
pub(super) fn parse_url(url: &str) -> Option<(String, u16)> {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    if rest.starts_with("https://") {
        return None;
    }
    let authority = rest.split('/').next()?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().ok()?),
        None => (authority, 80),
    };
    if host.is_empty() {
        return None;
    }
    Some((host.to_string(), port))
}

/// `curl` on the host: published ports are how the outside world reaches a container.
pub(super) fn curl(
    world: &mut World,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        rec.out(HELP);
        return Ok(());
    }
    let target = args.iter().find(|a| !a.starts_with('-')).ok_or_else(|| {
        DockerError::new(
            "curl: try 'curl --help' or 'curl --manual' for more information",
            2,
        )
    })?;
    let (host, port) = parse_url(target)
        .ok_or_else(|| DockerError::new("curl: (3) URL rejected: Bad hostname", 3))?;
    // A lab machine's port in a swarm: the routing mesh answers (src/sim/swarm/curl.rs).
    if let Some(result) = crate::sim::swarm::curl::run(world, &host, port, rec) {
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
        Some(s) => {
            rec.say(format!("Host port {port} → {name}:{container_port}: the request reaches the container through the published port."));
            let path = crate::sim::docker::apps::url_path(target);
            let body = crate::sim::docker::apps::serve_http(world, &id, &path, s.body, rec);
            rec.out(body);
            Ok(())
        }
    }
}
