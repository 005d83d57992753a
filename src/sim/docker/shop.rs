//! The practice project's API (assets/projects/shop/api/server.js): Express, PostgreSQL through
//! `pg`, and a Redis cache in front of the product list.
//!
//! Real life: such an API reads its configuration from the environment (a password from a file
//! when it is a Docker secret: `fs.readFileSync` of a missing file throws `ENOENT` at start, and
//! Node exits 1). At start it retries the database a few times (a database started at the same
//! moment is still initialising), logs each failed attempt, and gives up with the error
//! uncaught; it creates its tables if they are missing. Each request opens (or reuses) a pooled
//! connection; `pg` answers login failures in PostgreSQL's words (`password authentication
//! failed for user "shop"`, `database "shop" does not exist`). The cache is *cache-aside*: the
//! API asks Redis for the key, and on a miss reads PostgreSQL and stores the answer with a TTL
//! (`SET products … EX 30`); while the key lives, PostgreSQL is not asked at all, so the API
//! still answers the product list when the database is down, until the TTL runs out. When
//! Redis is down the API answers from PostgreSQL (slower, and every request hits the database)
//! and logs the outage once. morgan's `tiny` format writes one access line per request.
//!
//! What we model: the program is recognised by its code (`node server.js` whose file in the
//! image starts with the shop's header, src/sim/docker/build/files.rs copies it there);
//! `DB_PASSWORD_FILE` read through the container's filesystem (a swarm secret at
//! /run/secrets, a bind mount) with Node's ENOENT/EISDIR errors; the start-up steps as
//! `Op::Shop` (five attempts 2 s apart after Node's 1 s start, the login checked against the
//! server's `POSTGRES_PASSWORD`/`_FILE`, role and database); the tables in the real PostgreSQL
//! model (`psql -c 'SELECT count(*) FROM products'` sees the 3 seeded rows, an order is a row of
//! `orders`); the key in the real Redis model (`redis-cli GET products`, `TTL products`); every
//! request connects again through DNS and the network (src/sim/docker/apps.rs `connect`, or
//! the swarm's service names, VIPs and tasks on any node); the counters of `/api/stats` in the
//! process's memory (a restarted container starts from 0); the morgan line, whose response time
//! is the only latency the simulation has: a cache hit takes 0.4–1.5 ms, an answer from
//! PostgreSQL 3–9 ms (nothing waits longer in simulated time: a request is answered within
//! its step).
//! What we simplify: one connection per request instead of a pool (a database that restarts
//! is simply reachable again); the login is compared with the server's current environment,
//! not with the password stored at its first initialisation; IPVS picks the first running task
//! of a service rather than the next in turn; Express's JSON body parser is modelled only for
//! `POST /api/orders` (it needs `Content-Type: application/json`, as `curl -d` alone does not
//! send); no `product_id` foreign key; no latency in simulated time.

use super::super::http::{Request, Response};
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::world::World;
use super::apps::{self, ConnectError, Failure};
use super::containerfs::{self, FsError};
use super::process::{OnStop, Op, Program, Serves, ShopStep, env_value};
use super::{dns, engine, postgres, redis};

/// The first line of the shop's server.js: how the model knows the program.
const MARK: &str = "// shop-api:";
/// How many times the API tries PostgreSQL at start, and the pause between tries.
pub const CONNECT_ATTEMPTS: u32 = 5;
pub const RETRY_DELAY_MS: u64 = 2_000;
/// `CACHE_TTL_S` when unset.
pub const DEFAULT_CACHE_TTL_S: u64 = 30;
/// The Redis key of the product list.
pub const CACHE_KEY: &str = "products";

/// What the API process keeps in its memory (lost when it stops).
const APP: &str = "\0app";
const PASSWORD: &str = "\0shop.password";
const CACHE_DOWN: &str = "\0shop.cache_down";
const HITS: &str = "\0shop.cache_hits";
const MISSES: &str = "\0shop.cache_misses";
const BYPASSED: &str = "\0shop.cache_bypassed";
const ORDERS: &str = "\0shop.orders";

/// The API's counters, as `GET /api/stats` answers them.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ShopStats {
    pub cache_hits: u64,
    pub cache_misses: u64,
    pub cache_bypassed: u64,
    pub orders: u64,
}

impl ShopStats {
    fn json(&self) -> String {
        format!(
            "{{\"cache_hits\":{},\"cache_misses\":{},\"cache_bypassed\":{},\"orders\":{}}}",
            self.cache_hits, self.cache_misses, self.cache_bypassed, self.orders
        )
    }
}

/// The API's configuration, from its environment (server.js's defaults).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Config {
    pub port: u16,
    pub db_host: String,
    pub db_port: u16,
    pub db_user: String,
    pub db_name: String,
    pub password_file: Option<String>,
    pub redis: Option<(String, u16)>,
    pub cache_ttl_s: u64,
}

fn set<'a>(env: &'a [String], key: &str) -> Option<&'a str> {
    env_value(env, key).filter(|v| !v.is_empty())
}

impl Config {
    pub fn of(env: &[String]) -> Config {
        let port = |key: &str, default: u16| {
            set(env, key)
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        Config {
            port: port("PORT", 3000),
            db_host: set(env, "DB_HOST").unwrap_or("db").to_string(),
            db_port: port("DB_PORT", 5432),
            db_user: set(env, "DB_USER").unwrap_or("shop").to_string(),
            db_name: set(env, "DB_NAME").unwrap_or("shop").to_string(),
            password_file: set(env, "DB_PASSWORD_FILE").map(str::to_string),
            redis: set(env, "REDIS_HOST").map(|h| (h.to_string(), port("REDIS_PORT", 6379))),
            cache_ttl_s: set(env, "CACHE_TTL_S")
                .and_then(|v| v.parse().ok())
                .unwrap_or(DEFAULT_CACHE_TTL_S),
        }
    }

    fn db_at(&self) -> String {
        format!("{}:{}", self.db_host, self.db_port)
    }
}

fn base(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The program for a container whose command is `node server.js` and whose server.js is the
/// shop's; `None` for anything else (another server.js keeps its own program).
pub fn program_for(world: &World, id: &ContainerId) -> Option<Program> {
    let c = world.engine.containers.get(id)?;
    let argv = c.config.argv();
    let words: Vec<&String> = argv
        .iter()
        .skip_while(|w| base(w) == "docker-entrypoint.sh")
        .collect();
    if words.len() != 2 || base(words[0]) != "node" || base(words[1]) != "server.js" {
        return None;
    }
    let workdir = world
        .engine
        .images
        .by_id
        .get(&c.config.image_id)
        .map(|i| i.config.workdir.clone())
        .unwrap_or_else(|| "/".to_string());
    let path = super::super::hostfs::normalise(&workdir, words[1]);
    let code = containerfs::read(world, id, &path).ok()?;
    if !code.starts_with(MARK) {
        return None;
    }
    let config = Config::of(&c.config.env);
    Some(Program {
        name: argv.join(" "),
        ops: start_ops(&config),
        // server.js installs no SIGTERM handler: as PID 1, Node ignores `docker stop`.
        on_stop: OnStop::Ignore,
        serves: Some(Serves {
            port: config.port,
            body: String::new(),
            http: true,
            failing_paths: Vec::new(),
        }),
    })
}

/// server.js's `main()`: configure, connect with retries, migrate, connect the cache, listen.
fn start_ops(config: &Config) -> Vec<Op> {
    const EXIT: usize = usize::MAX;
    let mut ops = vec![
        Op::Shop {
            step: ShopStep::Configure,
            on_fail: EXIT,
        },
        Op::Stdout(format!(
            "shop-api: connecting to postgres at {} (database {}, user {})",
            config.db_at(),
            config.db_name,
            config.db_user
        )),
        Op::Sleep(apps::API_CONNECT_DELAY_MS),
    ];
    let mut to_ready = Vec::new();
    for attempt in 1..=CONNECT_ATTEMPTS {
        let at = ops.len();
        ops.push(Op::Shop {
            step: ShopStep::ConnectDb {
                attempt,
                attempts: CONNECT_ATTEMPTS,
            },
            on_fail: at + 2,
        });
        to_ready.push(ops.len());
        ops.push(Op::Jump(0));
        ops.push(if attempt < CONNECT_ATTEMPTS {
            Op::Sleep(RETRY_DELAY_MS)
        } else {
            Op::Exit(1)
        });
    }
    let ready = ops.len();
    for at in to_ready {
        ops[at] = Op::Jump(ready);
    }
    ops.push(Op::Shop {
        step: ShopStep::Migrate,
        on_fail: EXIT,
    });
    if config.redis.is_some() {
        ops.push(Op::Shop {
            step: ShopStep::ConnectCache,
            on_fail: ops.len() + 1,
        });
    }
    ops.push(Op::Stdout(format!(
        "shop-api listening on :{}",
        config.port
    )));
    ops.push(Op::Serve);
    let exit = ops.len();
    ops.push(Op::Exit(1));
    for op in &mut ops {
        if let Op::Shop { on_fail, .. } = op
            && *on_fail == EXIT
        {
            *on_fail = exit;
        }
    }
    ops
}

// ---------------------------------------------------------------------------------------------
// Connections

/// Where a connection landed: the machine and the container that accepted it.
#[derive(Clone, PartialEq, Eq, Debug)]
struct Peer {
    host: String,
    id: ContainerId,
    name: String,
}

/// The API in `from` connects to `name:port` now: on one host through DNS and the bridge
/// networks (apps.rs), from a swarm task through the swarm's service names and VIPs.
fn dial(
    world: &mut World,
    from: &ContainerId,
    name: &str,
    port: u16,
) -> Result<Peer, ConnectError> {
    let service = dns::swarm_service_of(&world.engine.containers[from]).map(str::to_string);
    if let Some(service) = service {
        return dial_swarm(world, &service, name, port);
    }
    let to = apps::connect(world, from, name, port)?;
    Ok(Peer {
        host: world.here().to_string(),
        name: world.engine.containers[&to].name.clone(),
        id: to,
    })
}

/// A task's connection to another service: the embedded DNS answer (a VIP, or the tasks'
/// addresses), then a running task of that service on a machine this one can reach.
fn dial_swarm(world: &World, service: &str, name: &str, port: u16) -> Result<Peer, ConnectError> {
    use crate::sim::swarm::mesh;
    let fail = |failure: Failure, reason: String| ConnectError {
        failure,
        host: name.to_string(),
        port,
        reason,
    };
    let resolved = mesh::resolve(world, service, None, name).map_err(|_| {
        fail(
            Failure::NotFound,
            format!("No service {name} shares an overlay network with {service}: the embedded DNS server answers NXDOMAIN."),
        )
    })?;
    let Some(address) = resolved.addresses.first().cloned() else {
        return Err(fail(
            Failure::NotFound,
            format!(
                "{name} has no running task, so the embedded DNS server has no address for it."
            ),
        ));
    };
    let caller = world
        .swarm
        .services
        .values()
        .find(|s| s.spec.name == service);
    let target =
        caller.and_then(|c| mesh::service_named(world, c, name.trim_start_matches("tasks.")));
    let Some(target) = target else {
        return Err(fail(
            Failure::NotFound,
            format!("There is no service {name}."),
        ));
    };
    let here = world.here().to_string();
    let reachable = crate::sim::swarm::control::reachable(world);
    let mut refused = None;
    for task in mesh::backends(world, &target.id) {
        let Some(c) = crate::sim::swarm::agent::task_container(world, task) else {
            continue;
        };
        let host = task
            .node_id
            .as_ref()
            .and_then(|n| world.swarm.nodes.get(n))
            .map(|n| n.hostname.clone())
            .unwrap_or_default();
        if !reachable(&here, &host) {
            continue;
        }
        let listens = c.listening
            && c.program
                .as_ref()
                .and_then(|p| p.serves.as_ref())
                .is_some_and(|s| s.port == port);
        if listens {
            return Ok(Peer {
                host,
                id: c.id.clone(),
                name: c.name.clone(),
            });
        }
        refused = Some(c.name.clone());
    }
    Err(match refused {
        Some(task) => fail(
            Failure::Refused { address },
            format!("{task} runs, but nothing in it accepts connections on port {port} yet."),
        ),
        None => fail(
            Failure::TimedOut { address },
            format!(
                "{name} has no running task this machine can reach: the connection gets no answer."
            ),
        ),
    })
}

/// Why PostgreSQL refused a session, as node-postgres reports it.
#[derive(Clone, PartialEq, Eq, Debug)]
enum DbError {
    /// No connection at all (DNS, refused, timed out).
    Connect(ConnectError),
    /// The server answered with an error: (message, SQLSTATE, source file, line, routine).
    Server {
        message: String,
        code: &'static str,
        file: &'static str,
        line: &'static str,
        routine: &'static str,
    },
    /// The client has no password to answer SCRAM with (node-postgres' own error).
    NoPassword,
}

impl DbError {
    /// `err.message`, as the API logs it.
    fn message(&self) -> String {
        match self {
            DbError::Connect(e) => e.message(),
            DbError::Server { message, .. } => message.clone(),
            DbError::NoPassword => {
                "SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string".to_string()
            }
        }
    }

    /// What Node prints when the last attempt's error is not caught.
    fn uncaught(&self) -> Vec<String> {
        let server = match self {
            DbError::Connect(e) => return e.node_uncaught(),
            DbError::Server {
                message,
                code,
                file,
                line,
                routine,
            } => Some((message, *code, *file, *line, *routine)),
            DbError::NoPassword => None,
        };
        let mut lines = vec![
            "node:internal/process/promises:391".to_string(),
            "    triggerUncaughtException(err, true /* fromPromise */);".to_string(),
            "    ^".to_string(),
            String::new(),
        ];
        match server {
            Some((message, code, file, line, routine)) => {
                lines.push(format!("error: {message}"));
                for at in [
                    "Parser.parseErrorMessage (/app/node_modules/pg-protocol/dist/parser.js:283:98)",
                    "Parser.handlePacket (/app/node_modules/pg-protocol/dist/parser.js:122:29)",
                    "Parser.parse (/app/node_modules/pg-protocol/dist/parser.js:35:38)",
                    "Socket.<anonymous> (/app/node_modules/pg-protocol/dist/index.js:11:42)",
                    "Socket.emit (node:events:519:28)",
                    "addChunk (node:internal/streams/readable:559:12)",
                    "readableAddChunkPushByteMode (node:internal/streams/readable:510:3)",
                    "Readable.push (node:internal/streams/readable:390:5)",
                ] {
                    lines.push(format!("    at {at}"));
                }
                lines.push(
                    "    at TCP.onStreamRead (node:internal/stream_base_commons:191:23) {"
                        .to_string(),
                );
                lines.push(format!("  length: {},", message.len() + 62));
                lines.push("  severity: 'FATAL',".to_string());
                lines.push(format!("  code: '{code}',"));
                for field in [
                    "detail",
                    "hint",
                    "position",
                    "internalPosition",
                    "internalQuery",
                    "where",
                    "schema",
                    "table",
                    "column",
                    "dataType",
                    "constraint",
                ] {
                    lines.push(format!("  {field}: undefined,"));
                }
                lines.push(format!("  file: '{file}',"));
                lines.push(format!("  line: '{line}',"));
                lines.push(format!("  routine: '{routine}'"));
                lines.push("}".to_string());
            }
            None => {
                lines.push(format!("Error: {}", self.message()));
                lines.push("    at /app/node_modules/pg-pool/index.js:45:11".to_string());
                lines.push(
                    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"
                        .to_string(),
                );
                lines.push("    at async connectDatabase (/app/server.js:35:7)".to_string());
                lines.push("    at async main (/app/server.js:146:3)".to_string());
            }
        }
        lines.push(String::new());
        lines.push("Node.js v20.18.1".to_string());
        lines
    }

    /// Plain words for the narration.
    fn reason(&self) -> String {
        match self {
            DbError::Connect(e) => e.reason.clone(),
            DbError::Server { message, .. } => {
                format!("PostgreSQL answers, but refuses the session: {message}.")
            }
            DbError::NoPassword => "PostgreSQL asks for a password (SCRAM), and the API has none: neither DB_PASSWORD nor DB_PASSWORD_FILE is set.".to_string(),
        }
    }
}

/// Opens a session on the API's database: a connection, then the login the server checks.
fn session(world: &mut World, from: &ContainerId, config: &Config) -> Result<Peer, DbError> {
    let peer = dial(world, from, &config.db_host, config.db_port).map_err(DbError::Connect)?;
    let password = world.engine.containers[from].memory.get(PASSWORD).cloned();
    let (user, database) = (config.db_user.clone(), config.db_name.clone());
    let checked = world.on_host(&peer.host, |w| {
        let expected = postgres::login_password(w, &peer.id);
        let role = postgres::role_exists(w, &peer.id, &user);
        if let Some(expected) = expected {
            let Some(given) = password else {
                return Err(DbError::NoPassword);
            };
            if !role || given != expected {
                return Err(DbError::Server {
                    message: format!("password authentication failed for user \"{user}\""),
                    code: "28P01",
                    file: "auth.c",
                    line: "323",
                    routine: "auth_failed",
                });
            }
        } else if !role {
            return Err(DbError::Server {
                message: format!("role \"{user}\" does not exist"),
                code: "28000",
                file: "miscinit.c",
                line: "756",
                routine: "InitializeSessionUserId",
            });
        }
        if !postgres::database_exists(w, &peer.id, &database) {
            return Err(DbError::Server {
                message: format!("database \"{database}\" does not exist"),
                code: "3D000",
                file: "postinit.c",
                line: "885",
                routine: "InitPostgres",
            });
        }
        Ok(())
    });
    match checked {
        Some(Ok(())) => Ok(peer),
        Some(Err(e)) => Err(e),
        None => Err(DbError::Connect(ConnectError {
            failure: Failure::TimedOut {
                address: peer.host.clone(),
            },
            host: config.db_host.clone(),
            port: config.db_port,
            reason: format!("{} is not a machine of this lab.", peer.host),
        })),
    }
}

// ---------------------------------------------------------------------------------------------
// Start-up

fn memory(world: &World, id: &ContainerId, key: &str) -> Option<String> {
    world.engine.containers.get(id)?.memory.get(key).cloned()
}

fn remember(world: &mut World, id: &ContainerId, key: &str, value: &str) {
    if let Some(c) = world.engine.containers.get_mut(id) {
        c.memory.insert(key.to_string(), value.to_string());
    }
}

fn forget(world: &mut World, id: &ContainerId, key: &str) {
    if let Some(c) = world.engine.containers.get_mut(id) {
        c.memory.remove(key);
    }
}

/// Node's uncaught error for `fs.readFileSync` of the password file at the top of server.js.
fn read_file_error(path: &str, e: FsError) -> Vec<String> {
    let (code, errno, message) = match e {
        FsError::IsDir => (
            "EISDIR",
            -21,
            "EISDIR: illegal operation on a directory, read".to_string(),
        ),
        _ => (
            "ENOENT",
            -2,
            format!("ENOENT: no such file or directory, open '{path}'"),
        ),
    };
    let mut lines = vec![
        "node:fs:453".to_string(),
        "  return binding.readFileUtf8(path, stringToFlags(options.flag));".to_string(),
        "                 ^".to_string(),
        String::new(),
        format!("Error: {message}"),
        "    at Object.readFileSync (node:fs:453:20)".to_string(),
        "    at Object.<anonymous> (/app/server.js:21:8)".to_string(),
        "    at Module._compile (node:internal/modules/cjs/loader:1469:14)".to_string(),
        "    at Module._extensions..js (node:internal/modules/cjs/loader:1548:10)".to_string(),
        "    at Module.load (node:internal/modules/cjs/loader:1288:32)".to_string(),
        "    at Module._load (node:internal/modules/cjs/loader:1104:12)".to_string(),
        "    at TracingChannel.traceSync (node:diagnostics_channel:315:14)".to_string(),
        "    at wrapModuleLoad (node:internal/modules/cjs/loader:218:24)".to_string(),
        "    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:170:5) {".to_string(),
        format!("  errno: {errno},"),
        format!("  code: '{code}',"),
    ];
    if code == "ENOENT" {
        lines.push("  syscall: 'open',".to_string());
        lines.push(format!("  path: '{path}'"));
    } else {
        lines.push("  syscall: 'read'".to_string());
    }
    lines.push("}".to_string());
    lines.push(String::new());
    lines.push("Node.js v20.18.1".to_string());
    lines
}

/// What a start-up step returns: whether it succeeded, and the lines the API logs (`true` for
/// stderr).
type StepResult = (bool, Vec<(bool, String)>);

/// `Op::Shop` running in the engine.
pub fn on_step(
    world: &mut World,
    id: &ContainerId,
    step: &ShopStep,
    rec: &mut Record,
) -> StepResult {
    let config = Config::of(&world.engine.containers[id].config.env);
    match step {
        ShopStep::Configure => configure(world, id, &config, rec),
        ShopStep::ConnectDb { attempt, attempts } => {
            connect_db(world, id, &config, *attempt, *attempts, rec)
        }
        ShopStep::Migrate => migrate(world, id, &config, rec),
        ShopStep::ConnectCache => connect_cache(world, id, &config, rec),
    }
}

/// The top of server.js: the password, from `DB_PASSWORD` or the file `DB_PASSWORD_FILE` names.
fn configure(world: &mut World, id: &ContainerId, config: &Config, rec: &mut Record) -> StepResult {
    remember(world, id, APP, "shop-api");
    let c = &world.engine.containers[id];
    let me = c.name.clone();
    let password = match &config.password_file {
        Some(file) => match containerfs::read(world, id, file) {
            Ok(text) => Some(text.trim().to_string()),
            Err(e) => {
                rec.say(format!(
                    "{me} reads its database password from DB_PASSWORD_FILE={file}, but there is no such file in the container ({}). `fs.readFileSync` throws at the top of server.js, nothing catches it, and Node exits 1. A swarm secret appears at /run/secrets/<name> only if the service is granted it.",
                    e.strerror()
                ));
                let lines = read_file_error(file, e);
                return (false, lines.into_iter().map(|l| (true, l)).collect());
            }
        },
        None => set(&c.config.env, "DB_PASSWORD").map(str::to_string),
    };
    if let Some(p) = password {
        remember(world, id, PASSWORD, &p);
    }
    (true, Vec::new())
}

/// `connectDatabase()`: one attempt; a failure is logged, and the last one is not caught.
fn connect_db(
    world: &mut World,
    id: &ContainerId,
    config: &Config,
    attempt: u32,
    attempts: u32,
    rec: &mut Record,
) -> StepResult {
    let me = world.engine.containers[id].name.clone();
    match session(world, id, config) {
        Ok(peer) => {
            rec.touch(peer.name.clone());
            rec.say(format!(
                "{me} connects to PostgreSQL at {} ({}) and logs in as {}.",
                config.db_at(),
                peer.name,
                config.db_user
            ));
            let line = format!("connected to postgres at {}", config.db_at());
            (true, vec![(false, line)])
        }
        Err(e) if attempt < attempts => {
            rec.say(format!(
                "{me} cannot use PostgreSQL yet (attempt {attempt} of {attempts}): {} It logs the error and tries again in {} s.",
                e.reason(),
                RETRY_DELAY_MS / 1000
            ));
            let line = format!(
                "postgres at {} not ready (attempt {attempt}/{attempts}): {}; retrying in {} s",
                config.db_at(),
                e.message(),
                RETRY_DELAY_MS / 1000
            );
            (false, vec![(true, line)])
        }
        Err(e) => {
            rec.say(format!(
                "{me} gives up on PostgreSQL after {attempts} attempts: {} The last error is not caught, so Node prints it and exits with code 1.",
                e.reason()
            ));
            (false, e.uncaught().into_iter().map(|l| (true, l)).collect())
        }
    }
}

/// The cache at start: a failure is a warning, and the API serves without it.
fn connect_cache(
    world: &mut World,
    id: &ContainerId,
    config: &Config,
    rec: &mut Record,
) -> StepResult {
    let Some((host, port)) = config.redis.clone() else {
        return (true, Vec::new());
    };
    let me = world.engine.containers[id].name.clone();
    match dial(world, id, &host, port) {
        Ok(peer) => {
            rec.touch(peer.name.clone());
            rec.say(format!(
                "{me} connects to its cache, Redis at {host}:{port} ({}).",
                peer.name
            ));
            (
                true,
                vec![(false, format!("connected to redis at {host}:{port}"))],
            )
        }
        Err(e) => {
            remember(world, id, CACHE_DOWN, "1");
            rec.say(format!(
                "{me} cannot reach its cache at {host}:{port} ({}). {} The API catches this: it logs a warning and serves from PostgreSQL without the cache.",
                e.message(),
                e.reason
            ));
            (true, vec![(true, cache_warning(&host, port, &e.message()))])
        }
    }
}

fn cache_warning(host: &str, port: u16, message: &str) -> String {
    format!(
        "warning: redis at {host}:{port} unavailable (Error: {message}); answering from postgres without the cache"
    )
}

/// `CREATE TABLE IF NOT EXISTS` products and orders, and three products in an empty table.
fn migrate(world: &mut World, id: &ContainerId, config: &Config, rec: &mut Record) -> StepResult {
    let me = world.engine.containers[id].name.clone();
    let peer = match session(world, id, config) {
        Ok(peer) => peer,
        Err(e) => return (false, e.uncaught().into_iter().map(|l| (true, l)).collect()),
    };
    let result = world.on_host(&peer.host, |w| -> Result<bool, String> {
        postgres::execute(
            w,
            &peer.id,
            "CREATE TABLE IF NOT EXISTS products (id serial PRIMARY KEY, name text NOT NULL, price_cents integer NOT NULL)",
        )?;
        postgres::execute(
            w,
            &peer.id,
            "CREATE TABLE IF NOT EXISTS orders (id serial PRIMARY KEY, product_id integer NOT NULL, quantity integer NOT NULL)",
        )?;
        let empty = postgres::tables(w, &peer.id)
            .iter()
            .any(|t| t.name == "products" && t.rows.is_empty() && t.torn_bytes.is_none());
        if empty {
            postgres::execute(
                w,
                &peer.id,
                "INSERT INTO products (name, price_cents) VALUES ('Espresso cup', 1200), ('Pour-over kettle', 4500), ('Coffee beans 1 kg', 2800)",
            )?;
        }
        Ok(empty)
    });
    match result {
        Some(Ok(seeded)) => {
            rec.touch(peer.name.clone());
            rec.say(if seeded {
                format!(
                    "{me} creates the tables products and orders in {} and seeds three products.",
                    peer.name
                )
            } else {
                format!(
                    "{me} finds its tables in {}: the data survived, nothing to seed.",
                    peer.name
                )
            });
            let lines = if seeded {
                vec![(false, "seeded 3 products".to_string())]
            } else {
                Vec::new()
            };
            (true, lines)
        }
        Some(Err(message)) => {
            let message = message.trim_start_matches("ERROR:  ").to_string();
            rec.say(format!(
                "{me} cannot create its tables: {message}. The error is not caught: Node exits 1."
            ));
            let e = DbError::Server {
                message,
                code: "XX000",
                file: "postgres.c",
                line: "1",
                routine: "exec_simple_query",
            };
            (false, e.uncaught().into_iter().map(|l| (true, l)).collect())
        }
        None => (false, Vec::new()),
    }
}

// ---------------------------------------------------------------------------------------------
// Requests

/// Is the program in `id` the shop's API (once it has started)?
pub fn is_api(world: &World, id: &ContainerId) -> bool {
    memory(world, id, APP).as_deref() == Some("shop-api")
}

fn count(world: &World, id: &ContainerId, key: &str) -> u64 {
    memory(world, id, key)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn bump(world: &mut World, id: &ContainerId, key: &str) {
    let n = count(world, id, key) + 1;
    remember(world, id, key, &n.to_string());
}

/// The counters of the API in `id` (zero for any other container).
pub fn stats_of(world: &World, id: &ContainerId) -> ShopStats {
    ShopStats {
        cache_hits: count(world, id, HITS),
        cache_misses: count(world, id, MISSES),
        cache_bypassed: count(world, id, BYPASSED),
        orders: count(world, id, ORDERS),
    }
}

/// For the pictures: every running shop API on every machine (the container's name), with its
/// counters since its process started, in machine then name order.
pub fn shop_stats(world: &World) -> Vec<(String, ShopStats)> {
    let mut engines = vec![&world.engine];
    for (host, machine) in &world.swarm.machines {
        if *host != world.engine.hostname {
            engines.push(&machine.engine);
        }
    }
    let mut out = Vec::new();
    for engine in engines {
        for c in engine.containers.values() {
            if c.memory.get(APP).map(String::as_str) == Some("shop-api") {
                let n = |key: &str| c.memory.get(key).and_then(|v| v.parse().ok()).unwrap_or(0);
                out.push((
                    c.name.clone(),
                    ShopStats {
                        cache_hits: n(HITS),
                        cache_misses: n(MISSES),
                        cache_bypassed: n(BYPASSED),
                        orders: n(ORDERS),
                    },
                ));
            }
        }
    }
    out
}

/// The sum of [`shop_stats`] over every API process.
pub fn shop_stats_total(world: &World) -> ShopStats {
    shop_stats(world)
        .iter()
        .fold(ShopStats::default(), |mut sum, (_, s)| {
            sum.cache_hits += s.cache_hits;
            sum.cache_misses += s.cache_misses;
            sum.cache_bypassed += s.cache_bypassed;
            sum.orders += s.orders;
            sum
        })
}

fn json(status: u16, body: String) -> Response {
    Response::page(status, "application/json; charset=utf-8", body)
}

const UNAVAILABLE: &str = "{\"error\":\"database unavailable\"}";

/// The product list from PostgreSQL, as node-postgres turns the rows into JSON.
fn read_products(
    world: &mut World,
    id: &ContainerId,
    config: &Config,
) -> Result<(String, String), DbError> {
    let peer = session(world, id, config)?;
    let tables = world
        .on_host(&peer.host, |w| postgres::tables(w, &peer.id))
        .unwrap_or_default();
    let Some(table) = tables.iter().find(|t| t.name == "products") else {
        return Err(DbError::Server {
            message: "relation \"products\" does not exist".to_string(),
            code: "42P01",
            file: "parse_relation.c",
            line: "1449",
            routine: "parserOpenTable",
        });
    };
    if let Some(bytes) = table.torn_bytes {
        return Err(DbError::Server {
            message: format!(
                "could not read block 0 in file \"base/5/{}\": read only {bytes} of 8192 bytes",
                table.oid
            ),
            code: "XX001",
            file: "md.c",
            line: "789",
            routine: "mdreadv",
        });
    }
    let column = |name: &str| table.columns.iter().position(|(n, _)| n == name);
    let (idc, namec, pricec) = (column("id"), column("name"), column("price_cents"));
    let mut rows: Vec<(u64, String)> = table
        .rows
        .iter()
        .map(|r| {
            let cell = |c: Option<usize>| c.and_then(|i| r.get(i).cloned().flatten());
            let id: u64 = cell(idc).and_then(|v| v.parse().ok()).unwrap_or(0);
            let name = serde_json::Value::String(cell(namec).unwrap_or_default());
            let price = cell(pricec).unwrap_or_else(|| "null".to_string());
            (
                id,
                format!("{{\"id\":{id},\"name\":{name},\"price_cents\":{price}}}"),
            )
        })
        .collect();
    crate::sim::order::sort_by_key(&mut rows, |(id, _)| *id);
    let list: Vec<String> = rows.into_iter().map(|(_, r)| r).collect();
    Ok((format!("[{}]", list.join(",")), peer.name))
}

/// What the cache said about the product list.
enum Cache {
    /// No REDIS_HOST: the API has no cache.
    None,
    Hit(String, String),
    /// Redis answered without the key: (the Redis peer).
    Miss(Peer),
    /// Redis could not be reached.
    Down,
}

/// `GET /api/products`: cache-aside over Redis and PostgreSQL.
/// Long because cache-aside is one decision in order (ask Redis, count, read PostgreSQL, fill
/// the cache), each branch with its own answer, header and narration.
fn products(
    world: &mut World,
    id: &ContainerId,
    config: &Config,
    rec: &mut Record,
) -> (Response, &'static str) {
    let me = world.engine.containers[id].name.clone();
    let cache = match &config.redis {
        None => Cache::None,
        Some((host, port)) => match dial(world, id, host, *port) {
            Ok(peer) => {
                if memory(world, id, CACHE_DOWN).is_some() {
                    forget(world, id, CACHE_DOWN);
                    engine::log_line(
                        world,
                        id,
                        false,
                        &format!("redis at {host}:{port} is back: caching again"),
                        rec,
                    );
                }
                rec.touch(peer.name.clone());
                let value = world
                    .on_host(&peer.host, |w| redis::get(w, &peer.id, CACHE_KEY))
                    .flatten();
                match value {
                    Some(v) => Cache::Hit(v, peer.name),
                    None => Cache::Miss(peer),
                }
            }
            Err(e) => {
                if memory(world, id, CACHE_DOWN).is_none() {
                    remember(world, id, CACHE_DOWN, "1");
                    engine::log_line(
                        world,
                        id,
                        true,
                        &cache_warning(host, *port, &e.message()),
                        rec,
                    );
                }
                rec.say(format!(
                    "{me} cannot reach Redis at {host}:{port} ({}): it answers from PostgreSQL without the cache (X-Cache: BYPASS).",
                    e.message()
                ));
                Cache::Down
            }
        },
    };
    let header = match &cache {
        Cache::None => None,
        Cache::Hit(..) => Some("HIT"),
        Cache::Miss(_) => Some("MISS"),
        Cache::Down => Some("BYPASS"),
    };
    let with_header = |mut r: Response| {
        if let Some(h) = header {
            r.headers.push(("X-Cache".into(), h.into()));
        }
        r
    };
    match &cache {
        Cache::Hit(value, redis_name) => {
            bump(world, id, HITS);
            rec.say(format!(
                "{me} finds the key {CACHE_KEY} in Redis ({redis_name}): a cache hit, answered without asking PostgreSQL."
            ));
            return (with_header(json(200, value.clone())), "hit");
        }
        Cache::Miss(_) => bump(world, id, MISSES),
        Cache::Down => bump(world, id, BYPASSED),
        Cache::None => {}
    }
    let (body, db_name) = match read_products(world, id, config) {
        Ok(found) => found,
        Err(e) => {
            engine::log_line(
                world,
                id,
                true,
                &format!("GET /api/products: {}", e.message()),
                rec,
            );
            rec.say(format!(
                "{me} needs PostgreSQL for the product list (the cache does not have it) and cannot use it: {} It answers 503.",
                e.reason()
            ));
            return (with_header(json(503, UNAVAILABLE.to_string())), "error");
        }
    };
    rec.touch(db_name.clone());
    if let Cache::Miss(peer) = &cache {
        let ttl_ms = config.cache_ttl_s * 1000;
        world.on_host(&peer.host, |w| {
            redis::set(w, &peer.id, CACHE_KEY, &body, Some(ttl_ms));
        });
        rec.say(format!(
            "{me} misses the cache, reads the products from PostgreSQL ({db_name}) and stores them in Redis ({}) for {} s: SET {CACHE_KEY} … EX {}.",
            peer.name, config.cache_ttl_s, config.cache_ttl_s
        ));
    } else {
        rec.say(format!(
            "{me} reads the products from PostgreSQL ({db_name})."
        ));
    }
    (with_header(json(200, body)), "db")
}

/// The JSON body of `POST /api/orders`, if the request says it is JSON (express.json()).
fn order_fields(req: &Request) -> Result<(i64, i64), Response> {
    let bad = || {
        json(
            400,
            "{\"error\":\"product_id and a positive quantity are required\"}".to_string(),
        )
    };
    let is_json = req
        .header("Content-Type")
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return Err(bad());
    }
    let value: serde_json::Value = serde_json::from_str(&req.body).map_err(|_| {
        Response::page(
            400,
            "text/html; charset=utf-8",
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Bad Request</pre>\n</body>\n</html>\n".to_string(),
        )
    })?;
    let number = |v: &serde_json::Value| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    };
    let product = number(&value["product_id"]).ok_or_else(bad)?;
    let quantity = if value["quantity"].is_null() {
        1
    } else {
        number(&value["quantity"]).ok_or_else(bad)?
    };
    if quantity < 1 {
        return Err(bad());
    }
    Ok((product, quantity))
}

/// `POST /api/orders`: a row in `orders`, answered 201 with its id.
fn order(
    world: &mut World,
    id: &ContainerId,
    config: &Config,
    req: &Request,
    rec: &mut Record,
) -> Response {
    let me = world.engine.containers[id].name.clone();
    let (product, quantity) = match order_fields(req) {
        Ok(fields) => fields,
        Err(response) => {
            rec.say(format!(
                "{me} answers 400: the order needs a JSON body with product_id (Content-Type: application/json; `curl -d` alone sends a form)."
            ));
            return response;
        }
    };
    let inserted = session(world, id, config).and_then(|peer| {
        let sql =
            format!("INSERT INTO orders (product_id, quantity) VALUES ({product}, {quantity})");
        world
            .on_host(&peer.host, |w| {
                postgres::execute(w, &peer.id, &sql)?;
                let orders = postgres::tables(w, &peer.id)
                    .into_iter()
                    .find(|t| t.name == "orders");
                let new_id = orders
                    .and_then(|t| {
                        let c = t.columns.iter().position(|(n, _)| n == "id")?;
                        t.rows
                            .iter()
                            .filter_map(|r| r.get(c).cloned().flatten()?.parse::<u64>().ok())
                            .max()
                    })
                    .unwrap_or(0);
                Ok::<u64, String>(new_id)
            })
            .unwrap_or_else(|| Err("the database's machine is gone".to_string()))
            .map(|new_id| (new_id, peer.name.clone()))
            .map_err(|message| DbError::Server {
                message: message.trim_start_matches("ERROR:  ").to_string(),
                code: "42P01",
                file: "parse_relation.c",
                line: "1449",
                routine: "parserOpenTable",
            })
    });
    match inserted {
        Ok((new_id, db_name)) => {
            bump(world, id, ORDERS);
            rec.touch(db_name.clone());
            rec.say(format!(
                "{me} writes order {new_id} (product {product} × {quantity}) into the table orders of PostgreSQL ({db_name}) and answers 201."
            ));
            json(
                201,
                format!("{{\"id\":{new_id},\"product_id\":{product},\"quantity\":{quantity}}}"),
            )
        }
        Err(e) => {
            engine::log_line(
                world,
                id,
                true,
                &format!("POST /api/orders: {}", e.message()),
                rec,
            );
            rec.say(format!(
                "{me} cannot write the order: {} It answers 503; an order needs the database, a cache cannot take it.",
                e.reason()
            ));
            json(503, UNAVAILABLE.to_string())
        }
    }
}

/// `GET /api/health`: 200 while PostgreSQL answers (`SELECT 1`), else 503.
fn health(world: &mut World, id: &ContainerId, config: &Config, rec: &mut Record) -> Response {
    let me = world.engine.containers[id].name.clone();
    match session(world, id, config) {
        Ok(peer) => {
            rec.say(format!(
                "{me}'s health route runs SELECT 1 on PostgreSQL ({}): it answers, so 200.",
                peer.name
            ));
            json(200, "{\"status\":\"ok\"}".to_string())
        }
        Err(e) => {
            rec.say(format!(
                "{me}'s health route runs SELECT 1 on PostgreSQL and cannot: {} It answers 503, whatever the cache still holds.",
                e.reason()
            ));
            json(
                503,
                "{\"status\":\"error\",\"error\":\"database unavailable\"}".to_string(),
            )
        }
    }
}

/// What the health route answers now, without logging a request (the daemon's probe asks
/// through src/sim/docker/health/mod.rs): the paths that fail, with their status.
pub fn probe_failures(world: &mut World, id: &ContainerId) -> Vec<(String, u16)> {
    if !is_api(world, id) {
        return Vec::new();
    }
    let config = Config::of(&world.engine.containers[id].config.env);
    match session(world, id, &config) {
        Ok(_) => Vec::new(),
        Err(_) => vec![("/api/health".to_string(), 503)],
    }
}

/// A request reaches the API: its answer, and morgan's `tiny` access line in its log.
pub fn respond(world: &mut World, id: &ContainerId, req: &Request, rec: &mut Record) -> Response {
    let c = &world.engine.containers[id];
    let me = c.name.clone();
    let config = Config::of(&c.config.env);
    rec.touch(me.clone());
    let method = if req.method == "HEAD" {
        "GET"
    } else {
        req.method.as_str()
    };
    let (response, kind) = match (method, req.path.as_str()) {
        ("GET", "/api/products") => products(world, id, &config, rec),
        ("POST", "/api/orders") => (order(world, id, &config, req, rec), "db"),
        ("GET", "/api/stats") => (json(200, stats_of(world, id).json()), "hit"),
        ("GET", "/api/health") => (health(world, id, &config, rec), "db"),
        (m, p) => (
            Response::page(
                404,
                "text/html; charset=utf-8",
                format!(
                    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot {m} {p}</pre>\n</body>\n</html>\n"
                ),
            ),
            "hit",
        ),
    };
    // The only latency the model has: what morgan measures inside the process.
    let micros = match kind {
        "hit" => world.rng.between(400, 1_500),
        "error" => world.rng.between(1_000, 3_000),
        _ => world.rng.between(3_000, 9_000),
    };
    let line = format!(
        "{} {} {} {} - {}.{:03} ms",
        req.method,
        req.target(),
        response.status,
        response.body.len(),
        micros / 1000,
        micros % 1000
    );
    engine::log_line(world, id, false, &line, rec);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_has_the_documented_defaults() {
        let c = Config::of(&[]);
        assert_eq!(
            (
                c.port,
                c.db_host.as_str(),
                c.db_port,
                c.db_user.as_str(),
                c.db_name.as_str()
            ),
            (3000, "db", 5432, "shop", "shop")
        );
        assert_eq!((c.redis, c.cache_ttl_s, c.password_file), (None, 30, None));
        let env: Vec<String> = [
            "REDIS_HOST=cache",
            "REDIS_PORT=6380",
            "CACHE_TTL_S=5",
            "PORT=8000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let c = Config::of(&env);
        assert_eq!(c.redis, Some(("cache".to_string(), 6380)));
        assert_eq!((c.cache_ttl_s, c.port), (5, 8000));
    }

    #[test]
    fn start_up_retries_then_exits() {
        let ops = start_ops(&Config::of(&[]));
        let connects: Vec<usize> = ops
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                matches!(
                    o,
                    Op::Shop {
                        step: ShopStep::ConnectDb { .. },
                        ..
                    }
                )
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(connects.len(), CONNECT_ATTEMPTS as usize);
        // Each failure waits 2 s before the next attempt; the last one exits 1.
        for (n, at) in connects.iter().enumerate() {
            let Op::Shop { on_fail, .. } = &ops[*at] else {
                unreachable!()
            };
            let expected = if n + 1 < connects.len() {
                Op::Sleep(RETRY_DELAY_MS)
            } else {
                Op::Exit(1)
            };
            assert_eq!(ops[*on_fail], expected);
            assert!(matches!(ops[at + 1], Op::Jump(_)));
        }
        assert!(ops.contains(&Op::Stdout("shop-api listening on :3000".into())));
        assert!(!ops.iter().any(|o| matches!(
            o,
            Op::Shop {
                step: ShopStep::ConnectCache,
                ..
            }
        )));
        assert!(
            ops.iter()
                .all(|o| !matches!(o, Op::Shop { on_fail, .. } if *on_fail >= ops.len()))
        );
    }

    #[test]
    fn errors_read_as_node_prints_them() {
        let lines = read_file_error("/run/secrets/db_password", FsError::NotFound);
        assert!(
            lines.contains(
                &"Error: ENOENT: no such file or directory, open '/run/secrets/db_password'"
                    .to_string()
            )
        );
        assert!(lines.contains(&"  code: 'ENOENT',".to_string()));
        assert_eq!(lines.last().map(String::as_str), Some("Node.js v20.18.1"));
        let e = DbError::Server {
            message: "password authentication failed for user \"shop\"".to_string(),
            code: "28P01",
            file: "auth.c",
            line: "323",
            routine: "auth_failed",
        };
        let lines = e.uncaught();
        assert_eq!(
            lines[4],
            "error: password authentication failed for user \"shop\""
        );
        assert!(lines.contains(&"  code: '28P01',".to_string()));
        assert_eq!(
            ShopStats {
                cache_hits: 2,
                cache_misses: 1,
                cache_bypassed: 0,
                orders: 3
            }
            .json(),
            "{\"cache_hits\":2,\"cache_misses\":1,\"cache_bypassed\":0,\"orders\":3}"
        );
    }
}
