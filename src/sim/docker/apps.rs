//! The course's application programs — the notes API and its web front — and how a program
//! inside a container connects to another host.
//!
//! Real life: a Node.js service reads its configuration from the environment, resolves the
//! database's host name through the container's resolver (Docker's embedded DNS at 127.0.0.11 on
//! a user-defined network; the host's resolvers on the default bridge, which know no container
//! names) and opens a TCP connection. `localhost` is the container itself. A database that is
//! still initialising refuses TCP (postgres's temporary init server listens only on its unix
//! socket). When `await client.connect()` rejects and nobody catches it, Node prints the
//! uncaught error with its `errno`/`code`/`syscall` properties and exits with code 1 — which,
//! with `--restart on-failure` or Compose's `restart:`, becomes the classic start-up race.
//!
//! The programs (their files are the `compose-app` project template in src/sim/hostfs.rs):
//! - `node api.js` — the notes API. Environment: `PORT` (3000), `DB_HOST` (`db`), `DB_PORT`
//!   (5432), `REDIS_HOST` (unset: no cache), `REDIS_PORT` (6379). Prints
//!   `notes-api: connecting to postgres at db:5432`, connects after [`API_CONNECT_DELAY_MS`]
//!   (loading express and pg), then `connected to postgres at db:5432` and listens on :PORT
//!   (`GET /` → the notes as JSON, `GET /health` → `{"status":"ok"}`, a morgan `tiny` access
//!   line per request), or prints Node's uncaught error and exits 1. With `REDIS_HOST` it then
//!   connects to the cache; if that fails it logs a warning and serves without a cache.
//! - `node web.js` — the web front. Environment: `PORT` (8080), `API_URL`
//!   (`http://api:3000`). Listens at once; each request fetches `API_URL/` and renders the
//!   notes, or answers `502` with a body naming the fetch error when the API is unreachable.
//!
//! What we model: resolution through src/sim/docker/dns.rs and reachability through
//! src/sim/docker/reach.rs at the moment the program connects; Node 20's error texts
//! (`Error: getaddrinfo ENOTFOUND db`, `Error: connect ECONNREFUSED 172.18.0.2:5432`,
//! `connect ETIMEDOUT`, `connect ENETUNREACH`, `getaddrinfo EAI_AGAIN` for a name outside this
//! host, which has no Internet) with the uncaught-rejection header of Node v20.18.1.
//! What we simplify: a dropped connection (another bridge's address) reports ETIMEDOUT at once
//! rather than after the kernel's ~127 s of SYN retries (the narration says so); no passwords or
//! PostgreSQL protocol errors (a listening port 5432 counts as a database); `localhost` resolves
//! to 127.0.0.1 only (no `::1`, so no AggregateError); the API's notes are in memory, it does
//! not query the database per request.
//!
//! `serve` is what any server in a container answers an HTTP request (curl on the host or in a
//! container, wget, Traefik, the traffic generator): these programs, the shop's API
//! (src/sim/docker/shop.rs), nginx from its html folder when it has pages there (a built image,
//! a bind mount: the file, `index.html` for a folder, nginx's 404 page), and any other server's
//! fixed body.

use super::super::http::{Request, Response};
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::world::World;
use super::dns::{self, Miss};
use super::engine;
use super::error::DockerError;
use super::process::{OnStop, Op, Program, Serves};
use super::reach::{Reach, reach};

/// How long the API takes from `node api.js` to its first connection attempt: Node loading
/// express and pg from node_modules (typically 0.5–1.5 s in a small container).
pub const API_CONNECT_DELAY_MS: u64 = 1_000;
/// Linux's default `tcp_syn_retries=6`: 1+2+4+8+16+32+64 s before connect() gives up.
pub const SYN_TIMEOUT_MS: u64 = 127_000;

/// The notes the API keeps in memory.
const NOTES_JSON: &str = "{\"notes\":[{\"id\":1,\"text\":\"start the database first\"},{\"id\":2,\"text\":\"use service names, not localhost\"}]}";

/// Why a connection failed, as Node's libuv names it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Failure {
    /// getaddrinfo: no such name (EAI_NONAME, errno -3008).
    NotFound,
    /// getaddrinfo: the resolver could not be asked (EAI_AGAIN, errno -3001).
    NameAgain,
    /// The kernel answered RST: nothing listens (errno -111).
    Refused { address: String },
    /// No answer at all (errno -110).
    TimedOut { address: String },
    /// No route (errno -101).
    Unreachable { address: String },
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConnectError {
    pub failure: Failure,
    pub host: String,
    pub port: u16,
    /// Plain words for the narration.
    pub reason: String,
}

impl ConnectError {
    /// Node's `err.message`: `getaddrinfo ENOTFOUND db`, `connect ECONNREFUSED 172.18.0.2:5432`.
    pub fn message(&self) -> String {
        let port = self.port;
        match &self.failure {
            Failure::NotFound => format!("getaddrinfo ENOTFOUND {}", self.host),
            Failure::NameAgain => format!("getaddrinfo EAI_AGAIN {}", self.host),
            Failure::Refused { address } => format!("connect ECONNREFUSED {address}:{port}"),
            Failure::TimedOut { address } => format!("connect ETIMEDOUT {address}:{port}"),
            Failure::Unreachable { address } => format!("connect ENETUNREACH {address}:{port}"),
        }
    }

    /// What Node prints for the uncaught rejection of `await client.connect()` (stderr).
    pub fn node_uncaught(&self) -> Vec<String> {
        let mut lines = vec![
            "node:internal/process/promises:391".to_string(),
            "    triggerUncaughtException(err, true /* fromPromise */);".to_string(),
            "    ^".to_string(),
            String::new(),
            format!("Error: {}", self.message()),
        ];
        let (errno, code) = match &self.failure {
            Failure::NotFound => (-3008, "ENOTFOUND"),
            Failure::NameAgain => (-3001, "EAI_AGAIN"),
            Failure::Refused { .. } => (-111, "ECONNREFUSED"),
            Failure::TimedOut { .. } => (-110, "ETIMEDOUT"),
            Failure::Unreachable { .. } => (-101, "ENETUNREACH"),
        };
        match &self.failure {
            Failure::NotFound | Failure::NameAgain => {
                lines.push(
                    "    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:120:26) {"
                        .to_string(),
                );
                lines.push(format!("  errno: {errno},"));
                lines.push(format!("  code: '{code}',"));
                lines.push("  syscall: 'getaddrinfo',".to_string());
                lines.push(format!("  hostname: '{}'", self.host));
            }
            Failure::Refused { address }
            | Failure::TimedOut { address }
            | Failure::Unreachable { address } => {
                lines.push(
                    "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1610:16) {"
                        .to_string(),
                );
                lines.push(format!("  errno: {errno},"));
                lines.push(format!("  code: '{code}',"));
                lines.push("  syscall: 'connect',".to_string());
                lines.push(format!("  address: '{address}',"));
                lines.push(format!("  port: {}", self.port));
            }
        }
        lines.push("}".to_string());
        lines.push(String::new());
        lines.push("Node.js v20.18.1".to_string());
        lines
    }
}

/// A program in `from` opens a TCP connection to `host:port` now: the container it reaches, or
/// why not.
pub fn connect(
    world: &mut World,
    from: &ContainerId,
    host: &str,
    port: u16,
) -> Result<ContainerId, ConnectError> {
    let fail = |failure: Failure, reason: String| ConnectError {
        failure,
        host: host.to_string(),
        port,
        reason,
    };
    let answer = match dns::resolve(world, from, host) {
        Ok(answer) => answer,
        Err(Miss::Unknown { reason }) => return Err(fail(Failure::NotFound, reason)),
        Err(Miss::Outside) => {
            return Err(fail(
                Failure::NameAgain,
                format!(
                    "{host} is outside this simulated host, which has no Internet connection: the resolver cannot be reached."
                ),
            ));
        }
    };
    let address = answer.addresses[0].clone();
    match reach(world, from, &address, Some(port)) {
        Reach::Open { to, .. } => Ok(to),
        Reach::Refused { reason } => Err(fail(Failure::Refused { address }, reason)),
        Reach::Dropped { reason } => Err(fail(
            Failure::TimedOut { address },
            format!(
                "{reason} The SYN packets go unanswered; a real kernel gives up after about {} s (shown at once here).",
                SYN_TIMEOUT_MS / 1000
            ),
        )),
        Reach::NoRoute { reason } => Err(fail(Failure::Unreachable { address }, reason)),
        Reach::Outside => Err(fail(
            Failure::TimedOut { address },
            "That address is outside this simulated host, which has no Internet connection."
                .to_string(),
        )),
    }
}

/// `Op::Connect` running in the engine: `Ok` continues with the next instruction; `Err` holds
/// the stderr lines to log before the program continues at its `on_fail`.
pub fn on_connect(
    world: &mut World,
    id: &ContainerId,
    host: &str,
    port: u16,
    fatal: bool,
    rec: &mut Record,
) -> Result<(), Vec<String>> {
    let me = world.engine.containers[id].name.clone();
    match connect(world, id, host, port) {
        Ok(to) => {
            let target = world.engine.containers[&to].name.clone();
            rec.touch(&target);
            if &to == id {
                rec.say(format!(
                    "{me} connects to {host}:{port}, which is itself: localhost inside a container is that container."
                ));
            } else {
                rec.say(format!(
                    "{me} resolves {host} and connects to {target} on port {port}: {target} accepts connections."
                ));
            }
            Ok(())
        }
        Err(e) => {
            let mut why = e.reason.clone();
            if matches!(host, "localhost" | "127.0.0.1") {
                why.push_str(" Use the other container's name instead (e.g. DB_HOST=db).");
            } else if let Failure::Refused { address } = &e.failure
                && let Some(db) = initialising_postgres(world, address)
            {
                why.push_str(&format!(
                    " {db} is PostgreSQL still initialising: initdb and its temporary server listen only on the unix socket, so TCP is refused until `database system is ready to accept connections`. Starting first is not being ready: wait for a pg_isready healthcheck (Compose: depends_on with condition: service_healthy) or retry in the app."
                ));
            }
            if fatal {
                rec.say(format!(
                    "{me} cannot connect to {host}:{port} ({}). {why} Nobody catches the error, so Node prints it and exits with code 1.",
                    e.message()
                ));
                Err(e.node_uncaught())
            } else {
                rec.say(format!(
                    "{me} cannot reach its cache at {host}:{port} ({}). {why} The API catches this error: it logs a warning and carries on without a cache.",
                    e.message()
                ));
                Err(vec![format!(
                    "warning: redis at {host}:{port} unavailable (Error: {}); continuing without a cache",
                    e.message()
                )])
            }
        }
    }
}

/// The name of a running postgres container at `address` that does not accept TCP yet.
fn initialising_postgres(world: &World, address: &str) -> Option<String> {
    world
        .engine
        .containers
        .values()
        .find(|c| {
            c.networks
                .values()
                .any(|e| e.ip_address.as_deref() == Some(address))
        })
        .filter(|c| {
            c.status() == super::container::Status::Running
                && !c.listening
                && c.config.argv().iter().any(|a| a == "postgres")
        })
        .map(|c| c.name.clone())
}

fn env_value<'a>(env: &'a [String], key: &str) -> Option<&'a str> {
    env.iter()
        .rev()
        .find_map(|kv| kv.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
        .filter(|v| !v.is_empty())
}

fn env_port(env: &[String], key: &str, default: u16) -> u16 {
    env_value(env, key)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `http://api:3000/x` → (`api`, 3000).
fn host_port(url: &str) -> (String, u16) {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or("");
    let default = if url.starts_with("https://") { 443 } else { 80 };
    match authority.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse().unwrap_or(default)),
        None => (authority.to_string(), default),
    }
}

/// What a server answers on `GET /`: its body, with `{hostname}` replaced by the container's
/// hostname (the course's web app prints where it runs).
pub fn body_of(c: &super::container::Container, serves: &super::process::Serves) -> String {
    serves.body.replace("{hostname}", &c.config.hostname)
}

/// The program for `node api.js` / `node web.js`, or `None` for other scripts.
pub fn program(script: &str, argv: &[String], env: &[String]) -> Option<Program> {
    let script = script.rsplit('/').next().unwrap_or(script);
    let (ops, port) = match script {
        "api.js" => {
            let port = env_port(env, "PORT", 3000);
            let db = env_value(env, "DB_HOST").unwrap_or("db").to_string();
            let db_port = env_port(env, "DB_PORT", 5432);
            let mut ops = vec![
                Op::Stdout(format!(
                    "notes-api: connecting to postgres at {db}:{db_port}"
                )),
                Op::Sleep(API_CONNECT_DELAY_MS),
                // on_fail is patched below to the final Exit(1).
                Op::Connect {
                    host: db.clone(),
                    port: db_port,
                    on_fail: 0,
                    fatal: true,
                },
                Op::Stdout(format!("connected to postgres at {db}:{db_port}")),
            ];
            if let Some(redis) = env_value(env, "REDIS_HOST") {
                let redis_port = env_port(env, "REDIS_PORT", 6379);
                let listen_at = ops.len() + 2;
                ops.push(Op::Connect {
                    host: redis.to_string(),
                    port: redis_port,
                    on_fail: listen_at,
                    fatal: false,
                });
                ops.push(Op::Stdout(format!(
                    "connected to redis at {redis}:{redis_port}"
                )));
            }
            ops.push(Op::Stdout(format!("notes-api listening on :{port}")));
            ops.push(Op::Serve);
            let exit_at = ops.len();
            ops.push(Op::Exit(1));
            if let Some(Op::Connect { on_fail, .. }) = ops.get_mut(2) {
                *on_fail = exit_at;
            }
            (ops, port)
        }
        "web.js" => {
            let port = env_port(env, "PORT", 8080);
            let api = env_value(env, "API_URL").unwrap_or("http://api:3000");
            (
                vec![
                    Op::Stdout(format!("notes-web listening on :{port}, API at {api}")),
                    Op::Serve,
                ],
                port,
            )
        }
        _ => return None,
    };
    Some(Program {
        name: argv.join(" "),
        ops,
        // Neither installs a SIGTERM handler: as PID 1, Node ignores `docker stop`.
        on_stop: OnStop::Ignore,
        serves: Some(Serves {
            port,
            body: if script == "api.js" {
                NOTES_JSON.to_string()
            } else {
                String::new()
            },
            http: true,
            failing_paths: Vec::new(),
        }),
    })
}

/// Which of the course's apps a container runs, from its program's command line.
fn app_of(world: &World, id: &ContainerId) -> Option<&'static str> {
    let c = world.engine.containers.get(id)?;
    let name = &c.program.as_ref()?.name;
    let mut words = name.split_whitespace().skip_while(|w| {
        let base = w.rsplit('/').next().unwrap_or(w);
        base != "node"
    });
    words.next()?;
    match words.next()?.rsplit('/').next()? {
        "api.js" => Some("api.js"),
        "web.js" => Some("web.js"),
        _ => None,
    }
}

/// The path of a URL (`http://x:1/health?a` → `/health`).
pub fn url_path(url: &str) -> String {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    match rest.find('/') {
        Some(i) => rest[i..]
            .split(['?', '#'])
            .next()
            .unwrap_or("/")
            .to_string(),
        None => "/".to_string(),
    }
}

/// Does the server in `id` answer for itself (one of the course's apps, or nginx with pages of
/// its own)?
pub fn known(world: &World, id: &ContainerId) -> bool {
    super::shop::is_api(world, id) || app_of(world, id).is_some() || html_root(world, id)
}

/// Where nginx's default server reads its files.
const HTML_ROOT: &str = "/usr/share/nginx/html";

/// Is `id` an nginx whose html folder holds an index.html (a built image's pages, a bind
/// mount)? The catalogue's nginx images carry no files: they answer their welcome page.
fn html_root(world: &World, id: &ContainerId) -> bool {
    let Some(c) = world.engine.containers.get(id) else {
        return false;
    };
    let nginx = c.program.as_ref().is_some_and(|p| {
        p.name
            .split_whitespace()
            .any(|w| w.rsplit('/').next() == Some("nginx"))
    });
    nginx
        && matches!(
            super::containerfs::get(world, id, &format!("{HTML_ROOT}/index.html")),
            Some(super::containerfs::Node::File { .. })
        )
}

/// nginx's answer from its html folder: the file, `index.html` for a folder, or its 404 page.
fn static_file(world: &World, id: &ContainerId, path: &str) -> Response {
    use super::containerfs::Node;
    let file = if path.ends_with('/') {
        format!("{HTML_ROOT}{path}index.html")
    } else {
        format!("{HTML_ROOT}{path}")
    };
    let content_type = match file.rsplit('.').next() {
        Some("html") => "text/html",
        Some("js") => "application/javascript",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    match super::containerfs::get(world, id, &file) {
        Some(Node::File { content }) => Response::page(200, content_type, content),
        Some(Node::Blob { size_bytes }) => Response::page(
            200,
            content_type,
            format!("/* {size_bytes} bytes of minified code */"),
        ),
        Some(Node::Dir) => {
            let mut r = Response::page(301, "text/html", nginx_page(301));
            r.headers.push(("Location".into(), format!("{path}/")));
            r
        }
        _ => Response::page(404, "text/html", nginx_page(404)),
    }
}

/// nginx's own error page.
fn nginx_page(status: u16) -> String {
    let title = format!("{status} {}", crate::sim::http::reason(status));
    format!(
        "<html>\n<head><title>{title}</title></head>\n<body>\n<center><h1>{title}</h1></center>\n<hr><center>nginx/1.27.3</center>\n</body>\n</html>\n"
    )
}

/// An HTTP request reaches the server in `id`: its answer. The shop's API and the notes apps
/// answer for themselves and write their own access lines (src/sim/docker/shop.rs, below);
/// nginx with pages in its html folder serves them; any other server answers its program's
/// body (or the error status of a failing path). Those two write an nginx-style access line
/// (src/sim/docker/engine/mod.rs `record_request`).
pub fn serve(world: &mut World, id: &ContainerId, request: &Request, rec: &mut Record) -> Response {
    if super::shop::is_api(world, id) {
        return super::shop::respond(world, id, request, rec);
    }
    if let Some(app) = app_of(world, id) {
        let (status, body) = respond(world, id, app, &request.path, rec, 0);
        let content_type = if body.starts_with('{') {
            "application/json; charset=utf-8"
        } else {
            "text/html; charset=utf-8"
        };
        return Response::page(status, content_type, body);
    }
    if html_root(world, id) {
        let response = static_file(world, id, &request.path);
        engine::record_request(world, id, &request.path, rec);
        return response;
    }
    // The registry image answers the Registry HTTP API (src/sim/docker/registry/mod.rs).
    if let Some((status, body)) =
        super::registry::serve_http(world, id, &request.path, "172.18.0.2", rec)
    {
        return Response::page(status, "application/json; charset=utf-8", body);
    }
    let c = &world.engine.containers[id];
    let Some(serves) = c.program.as_ref().and_then(|p| p.serves.clone()) else {
        return Response::page(502, "text/plain", String::new());
    };
    let failing = serves
        .failing_paths
        .iter()
        .find(|(p, _)| *p == request.path)
        .map(|(_, status)| *status);
    let body = body_of(c, &serves);
    engine::record_request(world, id, &request.path, rec);
    match failing {
        Some(status) => Response::page(status, "text/html", String::new()),
        None => Response::page(200, "text/html", body),
    }
}

/// morgan's `tiny` format: `GET / 200 123 - 1.234 ms`.
fn access_line(world: &mut World, path: &str, status: u16, body: &str) -> String {
    let micros = world.rng.between(400, 3_000);
    format!(
        "GET {path} {status} {} - {}.{:03} ms",
        body.len(),
        micros / 1000,
        micros % 1000
    )
}

/// (status, body) of one of the course's apps; `depth` stops a web front that points at itself.
fn respond(
    world: &mut World,
    id: &ContainerId,
    app: &str,
    path: &str,
    rec: &mut Record,
    depth: u32,
) -> (u16, String) {
    let name = world.engine.containers[id].name.clone();
    rec.touch(&name);
    let (status, body, errors) = match (app, path) {
        ("api.js", "/health") => (200, "{\"status\":\"ok\"}".to_string(), vec![]),
        ("api.js", "/") | ("api.js", "/notes") => (200, NOTES_JSON.to_string(), vec![]),
        ("api.js", _) => (
            404,
            format!(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET {path}</pre>\n</body>\n</html>"
            ),
            vec![],
        ),
        _ => web_page(world, id, rec, depth),
    };
    for line in errors {
        engine::log_line(world, id, true, &line, rec);
    }
    let line = access_line(world, path, status, &body);
    engine::log_line(world, id, false, &line, rec);
    (status, body)
}

/// The web front's page: it fetches `API_URL/` now.
fn web_page(
    world: &mut World,
    id: &ContainerId,
    rec: &mut Record,
    depth: u32,
) -> (u16, String, Vec<String>) {
    let c = &world.engine.containers[id];
    let me = c.name.clone();
    let api_url = env_value(&c.config.env, "API_URL")
        .unwrap_or("http://api:3000")
        .to_string();
    let (host, port) = host_port(&api_url);
    let bad_gateway = |why: String| {
        (
            502,
            format!("502 Bad Gateway: cannot reach the API at {api_url} ({why})"),
            vec![format!("cannot reach the API at {api_url}: {why}")],
        )
    };
    let to = match connect(world, id, &host, port) {
        Ok(to) => to,
        Err(e) => {
            rec.say(format!(
                "{me} fetches {api_url} for the page, but cannot connect: {} {} It answers 502 Bad Gateway.",
                e.message(),
                e.reason
            ));
            return bad_gateway(e.message());
        }
    };
    let target = &world.engine.containers[&to];
    let target_name = target.name.clone();
    let serves = target.program.as_ref().and_then(|p| p.serves.clone());
    let api_body = match app_of(world, &to) {
        Some(app) if depth < 3 => {
            let path = url_path(&api_url);
            let (status, body) = respond(world, &to, app, &path, rec, depth + 1);
            if status != 200 {
                return bad_gateway(format!("the API answered {status}"));
            }
            body
        }
        _ => match serves {
            Some(s) if s.http => {
                engine::record_request(world, &to, "/", rec);
                s.body
            }
            _ => return bad_gateway("other side closed".to_string()),
        },
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&api_body) else {
        let first: String = api_body
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default();
        let start: String = api_body.chars().take(10).collect();
        return bad_gateway(format!(
            "Unexpected token '{first}', \"{start}\"... is not valid JSON"
        ));
    };
    rec.say(format!(
        "{me} fetched {api_url} from {target_name} over their shared network and renders the notes."
    ));
    let items: Vec<String> = json["notes"]
        .as_array()
        .map(|notes| {
            notes
                .iter()
                .map(|n| format!("<li>{}</li>", n["text"].as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    (
        200,
        format!(
            "<!DOCTYPE html>\n<html>\n<head><title>Notes</title></head>\n<body>\n<h1>Notes</h1>\n<ul>{}</ul>\n</body>\n</html>",
            items.join("")
        ),
        vec![],
    )
}

/// The image's repository name (`postgres:16` → `postgres`).
fn image_repo(world: &World, id: &ContainerId) -> String {
    let image = world.engine.containers[id].config.image.as_str();
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split([':', '@']).next().unwrap_or(last).to_string()
}

/// `docker exec … redis-cli [-h H] [-p P] ping` in a redis container and `pg_isready [-h H]
/// [-p P]` in a postgres container: the clients the images ship, connecting like any program.
/// redis-cli: `PONG`, or `Could not connect to Redis at H:P: Connection refused` (exit 1).
/// pg_isready (src/bin/scripts/pg_isready.c): `H:P - accepting connections` (0) or
/// `H:P - no response` (2, shown as a failed step); without `-h` it uses the unix socket
/// `/var/run/postgresql`.
/// `None` leaves any other command (or the tool in an image that lacks it) to the shell.
/// Long because it is two real tools' command lines (redis-cli and pg_isready) with their flags,
/// connection rules and exact answers; splitting them would repeat the flag walk.
pub fn exec(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
    rec: &mut Record,
) -> Option<Result<(), DockerError>> {
    let tool = argv.first()?.rsplit('/').next()?.to_string();
    let repo = image_repo(world, id);
    match (tool.as_str(), repo.as_str()) {
        ("redis-cli", "redis") | ("pg_isready", "postgres") => {}
        _ => return None,
    }
    let mut host: Option<String> = None;
    let mut port: Option<u16> = None;
    let mut rdb_file: Option<String> = None;
    let mut words: Vec<String> = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        match a {
            "-h" | "--host" => {
                i += 1;
                host = argv.get(i).cloned();
            }
            "-p" | "--port" => {
                i += 1;
                port = argv.get(i).and_then(|p| p.parse().ok());
            }
            "-U" | "--username" | "-d" | "--dbname" | "-t" | "--timeout" | "-a" | "-n" => {
                i += 1;
            }
            "--rdb" => {
                i += 1;
                rdb_file = argv.get(i).cloned();
            }
            _ if a.starts_with("--host=") => host = Some(a[7..].to_string()),
            _ if a.starts_with("--port=") => port = a[7..].parse().ok(),
            _ if a.starts_with('-') => {}
            _ => words.push(a.to_string()),
        }
        i += 1;
    }
    let me = world.engine.containers[id].name.clone();
    if tool == "redis-cli" {
        let ping = words
            .first()
            .is_some_and(|w| w.eq_ignore_ascii_case("ping"));
        let host = host.unwrap_or_else(|| "127.0.0.1".to_string());
        let port = port.unwrap_or(6379);
        return Some(match connect(world, id, &host, port) {
            Ok(to) if !ping => {
                let target = world.engine.containers[&to].name.clone();
                rec.touch(&target);
                super::redis::cli(world, id, &to, &words, rdb_file.as_deref(), rec)
            }
            Ok(to) => {
                let target = world.engine.containers[&to].name.clone();
                rec.touch(&target);
                rec.say(format!(
                    "redis-cli in {me} reaches {target} on {port}: Redis answers PING with PONG."
                ));
                rec.out("PONG");
                Ok(())
            }
            Err(e) => {
                rec.say(e.reason.clone());
                let why = match e.failure {
                    Failure::NotFound => "Name or service not known",
                    Failure::NameAgain => "Temporary failure in name resolution",
                    Failure::Refused { .. } => "Connection refused",
                    Failure::TimedOut { .. } => "Connection timed out",
                    Failure::Unreachable { .. } => "Network is unreachable",
                };
                Err(DockerError::new(
                    format!("Could not connect to Redis at {host}:{port}: {why}"),
                    1,
                ))
            }
        });
    }
    let port = port.unwrap_or(5432);
    let (label, ready) = match host {
        None => {
            // The unix socket: the server's own, even its temporary init server's.
            let c = &world.engine.containers[id];
            let ready = c.listening
                && c.program
                    .as_ref()
                    .and_then(|p| p.serves.as_ref())
                    .is_some_and(|s| s.port == port);
            (format!("/var/run/postgresql:{port}"), ready)
        }
        Some(h) => {
            let result = connect(world, id, &h, port);
            if let Err(e) = &result {
                rec.say(e.reason.clone());
            }
            (format!("{h}:{port}"), result.is_ok())
        }
    };
    if ready {
        rec.say(format!(
            "PostgreSQL answers at {label}: it accepts connections."
        ));
        rec.out(format!("{label} - accepting connections"));
        Some(Ok(()))
    } else {
        rec.say(
            "pg_isready got no answer: the server is not accepting connections (yet). It exits 2.",
        );
        rec.out(format!("{label} - no response"));
        // Like psql's errors: the line is pg_isready's stdout; the step is marked as failed.
        rec.error = true;
        Some(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::docker::cli::RunOptions;
    use crate::sim::docker::network;
    use crate::sim::step::step;
    use std::collections::BTreeMap;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn run(
        world: &mut World,
        name: &str,
        image: &str,
        networks: &[&str],
        env: &[&str],
    ) -> ContainerId {
        let options = RunOptions {
            name: Some(name.to_string()),
            image: image.to_string(),
            networks: s(networks),
            env: s(env),
            // A client that stays up: alpine's own `sh` would exit at once without a terminal.
            cmd: if image == "alpine" {
                s(&["sleep", "infinity"])
            } else {
                Vec::new()
            },
            ..RunOptions::default()
        };
        let mut rec = Record::default();
        let id = engine::create(world, &options, &mut rec).unwrap();
        engine::start(world, &id, &mut rec).unwrap();
        id
    }

    /// Steps the world until `done` or no event is left.
    fn step_until(world: &mut World, done: impl Fn(&World) -> bool) {
        for _ in 0..500 {
            if done(world) || step(world).is_none() {
                return;
            }
        }
    }

    fn failure(r: Result<ContainerId, ConnectError>) -> Failure {
        r.expect_err("the connection should fail").failure
    }

    #[test]
    fn the_default_bridge_resolves_no_container_names() {
        let mut world = World::new(1);
        let db = run(&mut world, "db", "redis", &[], &[]);
        let api = run(&mut world, "api", "alpine", &[], &[]);
        step_until(&mut world, |w| w.engine.containers[&db].listening);
        let err = connect(&mut world, &api, "db", 6379).unwrap_err();
        assert_eq!(err.failure, Failure::NotFound);
        assert_eq!(err.message(), "getaddrinfo ENOTFOUND db");
        assert!(err.reason.contains("default bridge"), "{}", err.reason);
        // By address the default bridge does connect.
        let ip = world.engine.containers[&db].ip_address.clone().unwrap();
        assert_eq!(connect(&mut world, &api, &ip, 6379), Ok(db));
    }

    #[test]
    fn a_user_defined_network_resolves_service_names() {
        let mut world = World::new(2);
        network::create(&mut world, "app", false, false, None, BTreeMap::new()).unwrap();
        let cache = run(&mut world, "cache", "redis", &["app"], &[]);
        let api = run(&mut world, "api", "alpine", &["app"], &[]);
        step_until(&mut world, |w| w.engine.containers[&cache].listening);
        assert_eq!(connect(&mut world, &api, "cache", 6379), Ok(cache.clone()));
        let ip = world.engine.containers[&cache].networks["app"]
            .ip_address
            .clone()
            .unwrap();
        assert_eq!(
            failure(connect(&mut world, &api, "cache", 5432)),
            Failure::Refused { address: ip }
        );
    }

    #[test]
    fn postgres_refuses_while_it_initialises_then_accepts() {
        let mut world = World::new(3);
        network::create(&mut world, "app", false, false, None, BTreeMap::new()).unwrap();
        let db = run(
            &mut world,
            "db",
            "postgres:16",
            &["app"],
            &["POSTGRES_PASSWORD=secret"],
        );
        let api = run(&mut world, "api", "alpine", &["app"], &[]);
        let mut rec = Record::default();
        let lines = on_connect(&mut world, &api, "db", 5432, true, &mut rec).unwrap_err();
        assert_eq!(lines[4], "Error: connect ECONNREFUSED 172.18.0.2:5432");
        assert!(
            rec.narration
                .iter()
                .any(|n| n.contains("still initialising")),
            "{:?}",
            rec.narration
        );
        let err = connect(&mut world, &api, "db", 5432).unwrap_err();
        assert_eq!(err.message(), "connect ECONNREFUSED 172.18.0.2:5432");
        let lines = err.node_uncaught();
        assert_eq!(lines[4], "Error: connect ECONNREFUSED 172.18.0.2:5432");
        assert!(lines.contains(&"  errno: -111,".to_string()));
        assert!(lines.contains(&"  code: 'ECONNREFUSED',".to_string()));
        assert_eq!(lines.last().unwrap(), "Node.js v20.18.1");
        step_until(&mut world, |w| w.engine.containers[&db].listening);
        assert!(world.engine.containers[&db].logs.iter().any(|l| {
            l.text
                .ends_with("database system is ready to accept connections")
        }));
        assert!(
            world.now_ms >= 2_000,
            "initdb takes seconds: {}",
            world.now_ms
        );
        assert_eq!(connect(&mut world, &api, "db", 5432), Ok(db));
    }

    #[test]
    fn localhost_is_the_container_itself() {
        let mut world = World::new(4);
        network::create(&mut world, "app", false, false, None, BTreeMap::new()).unwrap();
        let db = run(&mut world, "db", "redis", &["app"], &[]);
        let api = run(&mut world, "api", "alpine", &["app"], &[]);
        step_until(&mut world, |w| w.engine.containers[&db].listening);
        let err = connect(&mut world, &api, "localhost", 6379).unwrap_err();
        assert_eq!(
            err.failure,
            Failure::Refused {
                address: "127.0.0.1".to_string()
            }
        );
        assert!(err.reason.contains("itself"), "{}", err.reason);
        // From inside the redis container, localhost:6379 is redis.
        assert_eq!(connect(&mut world, &db, "localhost", 6379), Ok(db.clone()));
    }

    #[test]
    fn another_network_is_not_found_by_name_and_times_out_by_address() {
        let mut world = World::new(5);
        network::create(&mut world, "front", false, false, None, BTreeMap::new()).unwrap();
        network::create(&mut world, "back", false, false, None, BTreeMap::new()).unwrap();
        let db = run(&mut world, "db", "redis", &["back"], &[]);
        let web = run(&mut world, "web", "alpine", &["front"], &[]);
        step_until(&mut world, |w| w.engine.containers[&db].listening);
        let err = connect(&mut world, &web, "db", 6379).unwrap_err();
        assert_eq!(err.failure, Failure::NotFound);
        assert!(
            err.reason.contains("share no user-defined network"),
            "{}",
            err.reason
        );
        let ip = world.engine.containers[&db].networks["back"]
            .ip_address
            .clone()
            .unwrap();
        let err = connect(&mut world, &web, &ip, 6379).unwrap_err();
        assert_eq!(err.message(), format!("connect ETIMEDOUT {ip}:6379"));
        assert!(err.node_uncaught().contains(&"  errno: -110,".to_string()));
    }

    #[test]
    fn an_internal_network_reaches_its_peers_but_nothing_outside() {
        let mut world = World::new(6);
        network::create(&mut world, "back", true, false, None, BTreeMap::new()).unwrap();
        let db = run(&mut world, "db", "redis", &["back"], &[]);
        let api = run(&mut world, "api", "alpine", &["back"], &[]);
        step_until(&mut world, |w| w.engine.containers[&db].listening);
        assert_eq!(connect(&mut world, &api, "db", 6379), Ok(db));
        let err = connect(&mut world, &api, "1.1.1.1", 443).unwrap_err();
        assert_eq!(err.message(), "connect ENETUNREACH 1.1.1.1:443");
        let err = connect(&mut world, &api, "registry.example.com", 443).unwrap_err();
        assert_eq!(err.message(), "getaddrinfo ENOTFOUND registry.example.com");
    }

    #[test]
    fn not_found_prints_nodes_getaddrinfo_error_object() {
        let e = ConnectError {
            failure: Failure::NotFound,
            host: "db".to_string(),
            port: 5432,
            reason: String::new(),
        };
        assert_eq!(
            e.node_uncaught()[4..10].to_vec(),
            s(&[
                "Error: getaddrinfo ENOTFOUND db",
                "    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:120:26) {",
                "  errno: -3008,",
                "  code: 'ENOTFOUND',",
                "  syscall: 'getaddrinfo',",
                "  hostname: 'db'",
            ])
        );
    }

    #[test]
    fn the_api_is_configured_by_its_environment() {
        let argv = s(&["node", "api.js"]);
        let p = program("api.js", &argv, &[]).unwrap();
        assert_eq!(
            p.ops[0],
            Op::Stdout("notes-api: connecting to postgres at db:5432".into())
        );
        assert_eq!(p.serves.as_ref().unwrap().port, 3000);
        let Op::Connect { on_fail, fatal, .. } = &p.ops[2] else {
            panic!("{:?}", p.ops[2])
        };
        assert!(*fatal);
        assert_eq!(p.ops[*on_fail], Op::Exit(1));
        let env = s(&[
            "DB_HOST=postgres",
            "DB_PORT=5433",
            "PORT=4000",
            "REDIS_HOST=cache",
        ]);
        let p = program("/app/api.js", &argv, &env).unwrap();
        assert_eq!(p.serves.as_ref().unwrap().port, 4000);
        assert!(p.ops.contains(&Op::Connect {
            host: "postgres".into(),
            port: 5433,
            on_fail: p.ops.len() - 1,
            fatal: true
        }));
        let redis_at = p
            .ops
            .iter()
            .position(|o| matches!(o, Op::Connect { fatal: false, .. }))
            .unwrap();
        let Op::Connect { on_fail, .. } = &p.ops[redis_at] else {
            unreachable!()
        };
        assert_eq!(
            p.ops[*on_fail],
            Op::Stdout("notes-api listening on :4000".into())
        );
        let web = program("web.js", &s(&["node", "web.js"]), &[]).unwrap();
        assert_eq!(web.serves.unwrap().port, 8080);
        assert!(program("job.js", &argv, &[]).is_none());
    }

    #[test]
    fn url_paths() {
        assert_eq!(url_path("http://api:3000/health"), "/health");
        assert_eq!(url_path("http://api:3000"), "/");
        assert_eq!(url_path("localhost:8080/x?y=1"), "/x");
        assert_eq!(host_port("http://api:3000"), ("api".to_string(), 3000));
        assert_eq!(host_port("http://api"), ("api".to_string(), 80));
    }
}
