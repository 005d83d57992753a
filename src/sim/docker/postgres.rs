//! The `postgres:16` image: its entrypoint, its server, and `psql` inside it.
//!
//! Real image (docker-library/postgres `16/bookworm/docker-entrypoint.sh`, `Dockerfile`):
//! `VOLUME /var/lib/postgresql/data`, `STOPSIGNAL SIGINT`. On start the entrypoint looks for
//! `$PGDATA/PG_VERSION`. Without it the data directory is uninitialized: it refuses to go on
//! unless `POSTGRES_PASSWORD` is set (or `POSTGRES_HOST_AUTH_METHOD=trust`), printing its
//! "Database is uninitialized" error and exiting 1; otherwise it runs `initdb`, starts a temporary
//! server, stops it, and prints "PostgreSQL init process complete; ready for start up." With
//! `PG_VERSION` present it prints "PostgreSQL Database directory appears to contain a database;
//! Skipping initialization". Then `postgres` runs as PID 1 until SIGINT (fast shutdown, exit 0).
//!
//! What we model: that decision (so the data directory's backing store decides whether the data
//! survives a re-created container), initdb writing real file names into the data directory, the
//! server's log lines with PostgreSQL's own wording, and `psql -c` for CREATE TABLE, INSERT,
//! SELECT (`*`, columns, `count(*)`) and DROP TABLE with psql's aligned output; the cluster's
//! database names (initdb's, plus `POSTGRES_DB` at the first initialization only) with CREATE,
//! DROP and ALTER DATABASE. What we simplify: every database shows the same tables (one table
//! folder, `base/5`, dropped with any database); a table's heap file (`base/5/<oid>`, named by its OID as in PostgreSQL) holds
//! its rows as tab-separated text, not 8 kB pages; initdb writes a handful of files (the WAL
//! segment and catalogs are size-only blobs); no WHERE, UPDATE, DELETE or transactions.

use super::super::hostfs;
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::world::World;
use super::containerfs::{self, Node};
use super::error::DockerError;
use super::process::{OnStop, Op, Program, Serves, env_value};

/// `PG_VERSION` in the image (docker-library/postgres 16/bookworm/Dockerfile).
pub const PG_VERSION: &str = "16.13";
/// `SELECT version()`'s short form, as pg_dump's header prints it.
pub const PG_VERSION_LONG: &str = "16.13 (Debian 16.13-1.pgdg12+1)";
const PG_BUILD: &str = "16.13 (Debian 16.13-1.pgdg12+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit";
const DEFAULT_PGDATA: &str = "/var/lib/postgresql/data";
/// The `postgres` database's folder under `base/` (its OID).
const DB_DIR: &str = "base/5";
/// PostgreSQL's `FirstNormalObjectId`: the first OID a user's table gets.
const FIRST_USER_OID: u32 = 16384;
const SOCKET: &str = "/var/run/postgresql/.s.PGSQL.5432";
/// The lock file a running server keeps in its data directory; a clean shutdown removes it.
pub const PID_FILE: &str = "postmaster.pid";
/// What the startup process logs when it finds the server was not shut down cleanly
/// (xlogrecovery.c, xlog.c).
const RECOVERY_LINES: &[&str] = &[
    "database system was interrupted; last known up at {pg_time_s} UTC",
    "database system was not properly shut down; automatic recovery in progress",
    "redo starts at 0/1A2B3C8",
    "invalid record length at 0/1A2C6F0: expected at least 24, got 0",
    "redo done at 0/1A2C6B8 system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.00 s",
    "checkpoint starting: end-of-recovery immediate wait",
    "checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled",
];

/// `$PGDATA`, as the image sets it.
pub fn pgdata(env: &[String]) -> String {
    env_value(env, "PGDATA")
        .filter(|v| !v.is_empty())
        .unwrap_or(DEFAULT_PGDATA)
        .to_string()
}

fn log(line: &str, pid: u32) -> Op {
    Op::Stderr(format!("{{pg_time}} UTC [{pid}] LOG:  {line}"))
}

/// The program the entrypoint runs for `postgres` (after `docker-entrypoint.sh`).
/// Long because it is the image's entrypoint in order (the data-directory check, initdb, the init
/// scripts, the ready line, the stop signal), each step the log lines it prints.
pub fn program(argv: &[String], env: &[String]) -> Program {
    let data = pgdata(env);
    let file = |rel: &str| format!("{data}/{rel}");
    let password_file = env_value(env, "POSTGRES_PASSWORD_FILE").filter(|f| !f.is_empty());
    let password_ok = env_value(env, "POSTGRES_PASSWORD").is_some_and(|p| !p.is_empty())
        || password_file.is_some()
        || env_value(env, "POSTGRES_HOST_AUTH_METHOD") == Some("trust");
    let mut ops: Vec<Op> = Vec::new();
    // The entrypoint's `file_env 'POSTGRES_PASSWORD'` (docker-library/postgres
    // docker-entrypoint.sh): both set is refused; a file it cannot read stops it.
    if let Some(f) = password_file {
        if env_value(env, "POSTGRES_PASSWORD").is_some_and(|p| !p.is_empty()) {
            ops.push(Op::Stderr(
                "error: both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set (but are exclusive)"
                    .to_string(),
            ));
            ops.push(Op::Exit(1));
            return Program {
                name: argv.join(" "),
                ops,
                on_stop: OnStop::Ignore,
                serves: None,
            };
        }
        ops.push(Op::IfExists {
            path: f.to_string(),
            pc: 3,
        });
        ops.push(Op::Stderr(format!(
            "/usr/local/bin/docker-entrypoint.sh: line 21: {f}: No such file or directory"
        )));
        ops.push(Op::Exit(1));
    }
    let data_check = ops.len();
    // [ -s "$PGDATA/PG_VERSION" ] → DATABASE_ALREADY_EXISTS; the jump target is patched below.
    ops.push(Op::IfExists {
        path: file("PG_VERSION"),
        pc: 0,
    });
    if !password_ok {
        for line in [
            "Error: Database is uninitialized and superuser password is not specified.",
            "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
            "       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".",
            "",
            "       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all",
            "       connections without a password. This is *not* recommended.",
            "",
            "       See PostgreSQL documentation about \"trust\":",
            "       https://www.postgresql.org/docs/current/auth-trust.html",
        ] {
            ops.push(Op::Stderr(line.to_string()));
        }
        ops.push(Op::Exit(1));
    } else {
        let out = |ops: &mut Vec<Op>, lines: &[&str]| {
            for l in lines {
                ops.push(Op::Stdout(l.replace("{data}", &data)));
            }
        };
        out(
            &mut ops,
            &[
                "The files belonging to this database system will be owned by user \"postgres\".",
                "This user must also own the server process.",
                "",
                "The database cluster will be initialized with locale \"en_US.utf8\".",
                "The default database encoding has accordingly been set to \"UTF8\".",
                "The default text search configuration will be set to \"english\".",
                "",
                "Data page checksums are disabled.",
                "",
                "fixing permissions on existing directory {data} ... ok",
                "creating subdirectories ... ok",
            ],
        );
        for dir in [
            "base", "global", "pg_wal", "pg_xact", "base/1", "base/4", DB_DIR,
        ] {
            ops.push(Op::WriteFile {
                path: file(dir),
                node: Node::Dir,
            });
        }
        out(
            &mut ops,
            &[
                "selecting dynamic shared memory implementation ... posix",
                "selecting default max_connections ... 100",
                "selecting default shared_buffers ... 128MB",
                "selecting default time zone ... Etc/UTC",
                "creating configuration files ... ok",
            ],
        );
        ops.push(Op::WriteFile {
            path: file("postgresql.conf"),
            node: Node::File {
                content: "# -----------------------------\n# PostgreSQL configuration file\n# -----------------------------\nlisten_addresses = '*'\nmax_connections = 100\nshared_buffers = 128MB\n".to_string(),
            },
        });
        ops.push(Op::WriteFile {
            path: file("pg_hba.conf"),
            node: Node::File {
                content: "local   all             all                                     trust\nhost    all             all             127.0.0.1/32            trust\nhost all all all scram-sha-256\n".to_string(),
            },
        });
        ops.push(Op::Sleep(700));
        out(&mut ops, &["running bootstrap script ... ok"]);
        ops.push(Op::WriteFile {
            path: file("global/pg_control"),
            node: Node::Blob { size_bytes: 8192 },
        });
        ops.push(Op::WriteFile {
            path: file("pg_wal/000000010000000000000001"),
            node: Node::Blob {
                size_bytes: 16_777_216,
            },
        });
        for db in ["base/1", "base/4", DB_DIR] {
            ops.push(Op::WriteFile {
                path: file(&format!("{db}/1259")),
                node: Node::Blob {
                    size_bytes: 122_880,
                },
            });
            ops.push(Op::WriteFile {
                path: file(&format!("{db}/PG_VERSION")),
                node: Node::File {
                    content: "16\n".to_string(),
                },
            });
        }
        // The cluster's databases: initdb's three, and the one the entrypoint creates
        // (`docker_setup_db`: `CREATE DATABASE "$POSTGRES_DB"` unless it is `postgres`).
        ops.push(Op::WriteFile {
            path: file(DATABASES_FILE),
            node: Node::File {
                content: initial_databases(env)
                    .iter()
                    .map(|d| format!("{d}\n"))
                    .collect(),
            },
        });
        ops.push(Op::Sleep(1200));
        out(
            &mut ops,
            &["performing post-bootstrap initialization ... ok"],
        );
        ops.push(Op::Stderr(
            "initdb: warning: enabling \"trust\" authentication for local connections".to_string(),
        ));
        ops.push(Op::Stderr("initdb: hint: You can change this by editing pg_hba.conf or using the option -A, or --auth-local and --auth-host, the next time you run initdb.".to_string()));
        ops.push(Op::Sleep(400));
        // PG_VERSION last: a half-initialized directory does not count as a database.
        ops.push(Op::WriteFile {
            path: file("PG_VERSION"),
            node: Node::File {
                content: "16\n".to_string(),
            },
        });
        out(
            &mut ops,
            &[
                "syncing data to disk ... ok",
                "",
                "",
                "Success. You can now start the database server using:",
                "",
                "    pg_ctl -D {data} -l logfile start",
                "",
                "waiting for server to start.... done",
                "server started",
                "",
                "/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/*",
                "",
            ],
        );
        ops.push(Op::Sleep(300));
        out(
            &mut ops,
            &[
                "waiting for server to shut down.... done",
                "server stopped",
                "",
                "PostgreSQL init process complete; ready for start up.",
                "",
            ],
        );
    }
    // After a successful initdb, skip the "already initialized" message.
    if password_ok {
        let at = ops.len();
        ops.push(Op::Jump(at + 4));
    }
    let existing = ops.len();
    if let Some(Op::IfExists { pc, .. }) = ops.get_mut(data_check) {
        *pc = existing;
    }
    ops.push(Op::Stdout(String::new()));
    ops.push(Op::Stdout(
        "PostgreSQL Database directory appears to contain a database; Skipping initialization"
            .to_string(),
    ));
    ops.push(Op::Stdout(String::new()));
    ops.push(log(&format!("starting PostgreSQL {PG_BUILD}"), 1));
    ops.push(log("listening on IPv4 address \"0.0.0.0\", port 5432", 1));
    ops.push(log("listening on IPv6 address \"::\", port 5432", 1));
    ops.push(log(&format!("listening on Unix socket \"{SOCKET}\""), 1));
    ops.push(Op::Sleep(60));
    // A postmaster.pid left behind means the server did not shut down cleanly (killed, or the
    // directory was copied while it ran): crash recovery replays the WAL first.
    let check = ops.len();
    ops.push(Op::IfExists {
        path: file(PID_FILE),
        pc: check + 3,
    });
    ops.push(log("database system was shut down at {pg_time_s} UTC", 62));
    ops.push(Op::Jump(check + 3 + RECOVERY_LINES.len()));
    for line in RECOVERY_LINES {
        ops.push(log(line, 27));
    }
    ops.push(Op::WriteFile {
        path: file(PID_FILE),
        node: Node::File {
            content: format!("1\n{data}\n5432\n/var/run/postgresql\n*\n"),
        },
    });
    ops.push(log("database system is ready to accept connections", 1));
    ops.push(Op::Serve);
    Program {
        name: argv.join(" "),
        ops,
        // STOPSIGNAL SIGINT: "fast" shutdown, a checkpoint, exit 0.
        on_stop: OnStop::Exit {
            after_ms: 150,
            exit_code: 0,
            lines: [
                ("received fast shutdown request", 1),
                ("aborting any active transactions", 1),
                (
                    "background worker \"logical replication launcher\" (PID 68) exited with exit code 1",
                    1,
                ),
                ("shutting down", 63),
                ("checkpoint starting: shutdown immediate", 63),
                ("checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled", 63),
                ("database system is shut down", 1),
            ]
            .iter()
            .map(|(l, pid)| format!("{{pg_time}} UTC [{pid}] LOG:  {l}"))
            .collect(),
            stderr: true,
        },
        serves: Some(Serves {
            port: 5432,
            body: "psql: the PostgreSQL wire protocol is not HTTP".to_string(),
            http: false,
            failing_paths: Vec::new(),
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// psql

/// A table as its heap file stores it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Table {
    pub oid: u32,
    pub name: String,
    /// (name, type)
    pub columns: Vec<(String, String)>,
    pub rows: Vec<Vec<Option<String>>>,
    /// A heap file cut short (copied while the server was writing it): the bytes left of its
    /// first 8 kB page. Reading it fails.
    pub torn_bytes: Option<u64>,
}

/// A value as `COPY … TO stdout` writes it (`\N` for NULL, tabs and newlines escaped).
pub fn copy_text(v: &Option<String>) -> String {
    escape(v)
}

/// A `COPY … FROM stdin` field back to its value.
pub fn copy_value(v: &str) -> Option<String> {
    unescape(v)
}

/// A table from its heap file's text (`None` when it is not one).
pub fn decode_table(oid: u32, text: &str) -> Option<Table> {
    Table::decode(oid, text)
}

/// How much of a torn table's first page survived.
pub fn torn_bytes(t: &Table) -> Option<u64> {
    t.torn_bytes
}

fn escape(v: &Option<String>) -> String {
    match v {
        None => "\\N".to_string(),
        Some(s) => s
            .replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n"),
    }
}

fn unescape(v: &str) -> Option<String> {
    if v == "\\N" {
        return None;
    }
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

impl Table {
    fn encode(&self) -> String {
        let mut text = format!("relation {}\n", self.name);
        let cols: Vec<String> = self
            .columns
            .iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect();
        text.push_str(&cols.join("\t"));
        text.push('\n');
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(escape).collect();
            text.push_str(&cells.join("\t"));
            text.push('\n');
        }
        text
    }

    fn decode(oid: u32, text: &str) -> Option<Table> {
        let mut lines = text.lines();
        let first = lines.next()?;
        let (name, torn_bytes) = match first.strip_prefix("torn relation ") {
            Some(rest) => {
                let (name, bytes) = rest.split_once(' ')?;
                (name.to_string(), bytes.parse().ok())
            }
            None => (first.strip_prefix("relation ")?.to_string(), None),
        };
        let columns = lines
            .next()?
            .split('\t')
            .filter(|c| !c.is_empty())
            .map(|c| {
                let (n, t) = c.split_once(' ').unwrap_or((c, "text"));
                (n.to_string(), t.to_string())
            })
            .collect::<Vec<_>>();
        let rows = lines
            .map(|l| l.split('\t').map(unescape).collect())
            .collect();
        Some(Table {
            oid,
            name,
            columns,
            rows: if torn_bytes.is_some() {
                Vec::new()
            } else {
                rows
            },
            torn_bytes,
        })
    }
}

/// Every table in the container's database, read from its data directory.
pub fn tables(world: &World, id: &ContainerId) -> Vec<Table> {
    let Some(c) = world.engine.containers.get(id) else {
        return Vec::new();
    };
    let dir = format!("{}/{DB_DIR}", pgdata(&c.config.env));
    containerfs::list(world, id, &dir)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, node)| {
            let oid = name.parse::<u32>().ok().filter(|o| *o >= FIRST_USER_OID)?;
            match node {
                Node::File { content } => Table::decode(oid, &content),
                _ => None,
            }
        })
        .collect()
}

/// A path inside the container's data directory (`base/5/16384` → `/var/lib/postgresql/data/…`).
fn data_file(world: &World, id: &ContainerId, rel: &str) -> String {
    format!("{}/{rel}", pgdata(&world.engine.containers[id].config.env))
}

pub(super) fn save(world: &mut World, id: &ContainerId, table: &Table) -> Result<(), String> {
    let path = data_file(world, id, &format!("{DB_DIR}/{}", table.oid));
    containerfs::write(
        world,
        id,
        &path,
        Node::File {
            content: table.encode(),
        },
        false,
        true,
    )
    .map(|_| ())
    .map_err(|e| {
        format!(
            "ERROR:  could not write to file \"{DB_DIR}/{}\": {}",
            table.oid,
            e.strerror()
        )
    })
}

/// A clean shutdown (SIGINT, SIGTERM) removes the server's lock file; SIGKILL leaves it.
pub fn on_clean_exit(world: &mut World, id: &ContainerId) {
    let Some(c) = world.engine.containers.get(id) else {
        return;
    };
    if c.config.argv().iter().any(|a| a == "postgres") && c.config.image.starts_with("postgres") {
        let path = format!("{}/{PID_FILE}", pgdata(&c.config.env));
        let _ = containerfs::remove(world, id, &path, false);
    }
}

/// A torn heap file cannot be read: PostgreSQL's error for a short first page.
fn unreadable(table: &Table) -> Result<(), SqlError> {
    match table.torn_bytes {
        Some(bytes) => Err(SqlError {
            message: format!(
                "could not read block 0 in file \"{DB_DIR}/{}\": read only {bytes} of 8192 bytes",
                table.oid
            ),
            position: None,
        }),
        None => Ok(()),
    }
}

/// A table name without the `public.` schema a dump writes.
fn unqualified(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    lower.strip_prefix("public.").unwrap_or(&lower).to_string()
}

fn drop_table(world: &mut World, id: &ContainerId, table: &Table) {
    let path = data_file(world, id, &format!("{DB_DIR}/{}", table.oid));
    let _ = containerfs::remove(world, id, &path, false);
}

/// The server's major version, from the image's tag (`postgres:17` → 17; 16 otherwise).
pub fn server_major(world: &World, id: &ContainerId) -> u32 {
    let image = &world.engine.containers[id].config.image;
    image
        .split_once(':')
        .and_then(|(_, tag)| tag.split(['.', '-']).next())
        .and_then(|m| m.parse().ok())
        .unwrap_or(16)
}

/// The superuser the image created (`POSTGRES_USER`, else `postgres`).
pub fn superuser(env: &[String]) -> String {
    env_value(env, "POSTGRES_USER")
        .filter(|u| !u.is_empty())
        .unwrap_or("postgres")
        .to_string()
}

/// How a client logs in (the image's `pg_hba.conf`): `None` with
/// `POSTGRES_HOST_AUTH_METHOD=trust` (no password asked), else the superuser's password as the
/// entrypoint set it from `POSTGRES_PASSWORD` or the file `POSTGRES_PASSWORD_FILE` names (read
/// now, trimmed; empty when it cannot be read). The model compares it with the current
/// environment: a password changed after the first initialisation would not really change.
pub fn login_password(world: &World, id: &ContainerId) -> Option<String> {
    let env = &world.engine.containers[id].config.env;
    if env_value(env, "POSTGRES_HOST_AUTH_METHOD") == Some("trust") {
        return None;
    }
    if let Some(file) = env_value(env, "POSTGRES_PASSWORD_FILE").filter(|f| !f.is_empty()) {
        return Some(
            containerfs::read(world, id, file)
                .map(|p| p.trim().to_string())
                .unwrap_or_default(),
        );
    }
    Some(
        env_value(env, "POSTGRES_PASSWORD")
            .unwrap_or("")
            .to_string(),
    )
}

/// Roles other than the superuser live in `global/roles` (one name per line); PostgreSQL keeps
/// them in the `pg_authid` catalog, shared by the whole cluster and not in a database's dump.
const ROLES_FILE: &str = "global/roles";

pub fn role_exists(world: &World, id: &ContainerId, role: &str) -> bool {
    let env = &world.engine.containers[id].config.env;
    role == superuser(env)
        || containerfs::read(world, id, &data_file(world, id, ROLES_FILE))
            .unwrap_or_default()
            .lines()
            .any(|l| l == role)
}

/// The cluster's databases live in `global/databases` (one name per line); PostgreSQL keeps them
/// in the `pg_database` catalog, shared by the whole cluster. Every database sees the one table
/// folder (`base/5`): the model has one set of tables per cluster.
const DATABASES_FILE: &str = "global/databases";

/// What initdb and the entrypoint leave: `template1`, `template0`, `postgres`, and `POSTGRES_DB`
/// (default: the superuser's name) when it is another name.
fn initial_databases(env: &[String]) -> Vec<String> {
    let mut out: Vec<String> = ["template1", "template0", "postgres"]
        .iter()
        .map(|d| d.to_string())
        .collect();
    let own = env_value(env, "POSTGRES_DB")
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| superuser(env));
    if !out.contains(&own) {
        out.push(own);
    }
    out
}

/// The cluster's databases, from its catalog. A data directory without a readable one (made
/// before the catalog was kept, or its files corrupted or encrypted, whose damage the model
/// shows at the tables) has what the current container's environment would have created.
pub fn databases(world: &World, id: &ContainerId) -> Vec<String> {
    match containerfs::get(world, id, &data_file(world, id, DATABASES_FILE)) {
        Some(Node::File { content }) if !content.is_empty() => {
            content.lines().map(str::to_string).collect()
        }
        _ => initial_databases(&world.engine.containers[id].config.env),
    }
}

pub fn database_exists(world: &World, id: &ContainerId, name: &str) -> bool {
    databases(world, id).iter().any(|d| d == name)
}

fn save_databases(world: &mut World, id: &ContainerId, names: &[String]) -> Result<(), SqlError> {
    let path = data_file(world, id, DATABASES_FILE);
    let content = names.iter().map(|d| format!("{d}\n")).collect();
    containerfs::write(world, id, &path, Node::File { content }, false, true)
        .map(|_| ())
        .map_err(|e| SqlError {
            message: format!(
                "could not write to file \"{DATABASES_FILE}\": {}",
                e.strerror()
            ),
            position: None,
        })
}

/// A database name as SQL spells it: unquoted names fold to lower case.
fn identifier(tok: &str) -> String {
    match tok.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(quoted) => quoted.to_string(),
        None => tok.to_ascii_lowercase(),
    }
}

/// `CREATE DATABASE`, `DROP DATABASE [IF EXISTS]` and `ALTER DATABASE … OWNER TO`, with
/// PostgreSQL's replies (`dbcommands.c`). Dropping a database drops the tables: the model's
/// databases share one table folder, and the one people drop is the one holding them.
fn database_statement(
    world: &mut World,
    id: &ContainerId,
    toks: &[(usize, String)],
    end: usize,
) -> Result<Vec<String>, SqlError> {
    let word = |i: usize| toks.get(i).map(|(_, t)| t.to_ascii_uppercase());
    let plain = |message: String| SqlError {
        message,
        position: None,
    };
    let mut names = databases(world, id);
    match (word(0).as_deref(), word(1).as_deref()) {
        (Some("CREATE"), _) => {
            let name = toks
                .get(2)
                .map(|t| identifier(&t.1))
                .ok_or_else(|| syntax_error(None, end))?;
            if names.contains(&name) {
                return Err(plain(format!("database \"{name}\" already exists")));
            }
            names.push(name);
            save_databases(world, id, &names)?;
            Ok(vec!["CREATE DATABASE".to_string()])
        }
        (Some("DROP"), _) => {
            let if_exists = word(2).as_deref() == Some("IF");
            let at = if if_exists { 4 } else { 2 };
            let name = toks
                .get(at)
                .map(|t| identifier(&t.1))
                .ok_or_else(|| syntax_error(None, end))?;
            if !names.contains(&name) {
                if if_exists {
                    return Ok(vec![
                        format!("NOTICE:  database \"{name}\" does not exist, skipping"),
                        "DROP DATABASE".to_string(),
                    ]);
                }
                return Err(plain(format!("database \"{name}\" does not exist")));
            }
            if name.starts_with("template") {
                return Err(plain("cannot drop a template database".to_string()));
            }
            names.retain(|d| d != &name);
            save_databases(world, id, &names)?;
            for table in tables(world, id) {
                drop_table(world, id, &table);
            }
            Ok(vec!["DROP DATABASE".to_string()])
        }
        _ => {
            let name = toks.get(2).map(|t| identifier(&t.1)).unwrap_or_default();
            if !names.contains(&name) {
                return Err(plain(format!("database \"{name}\" does not exist")));
            }
            let owner_at = toks
                .iter()
                .position(|(_, t)| t.eq_ignore_ascii_case("owner"));
            if let Some(role) = owner_at.and_then(|at| toks.get(at + 2)) {
                let role = role.1.to_ascii_lowercase();
                if !role_exists(world, id, &role) {
                    return Err(plain(format!("role \"{role}\" does not exist")));
                }
            }
            Ok(vec!["ALTER DATABASE".to_string()])
        }
    }
}

/// Every role: the superuser first.
pub fn roles(world: &World, id: &ContainerId) -> Vec<String> {
    let env = &world.engine.containers[id].config.env;
    let mut out = vec![superuser(env)];
    out.extend(
        containerfs::read(world, id, &data_file(world, id, ROLES_FILE))
            .unwrap_or_default()
            .lines()
            .map(str::to_string),
    );
    out
}

fn add_role(world: &mut World, id: &ContainerId, role: &str) -> Result<(), String> {
    let path = data_file(world, id, ROLES_FILE);
    containerfs::write(
        world,
        id,
        &path,
        Node::File {
            content: format!("{role}\n"),
        },
        true,
        true,
    )
    .map(|_| ())
    .map_err(|e| format!("could not write to file \"{ROLES_FILE}\": {}", e.strerror()))
}

/// Runs one SQL statement for a client other than `psql -c` (a script, `pg_restore`): the lines
/// PostgreSQL answers, or its error as `ERROR:  …`.
pub fn execute(world: &mut World, id: &ContainerId, sql: &str) -> Result<Vec<String>, String> {
    run_statement(world, id, 0, sql).map_err(|e| format!("ERROR:  {}", e.message))
}

/// Splits SQL on `;` outside quotes.
pub(super) fn statements(sql: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quote = false;
    for (i, c) in sql.char_indices() {
        match c {
            '\'' => quote = !quote,
            ';' if !quote => {
                out.push((start, sql[start..i].to_string()));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((start, sql[start..].to_string()));
    out.into_iter()
        .filter(|(_, s)| !s.trim().is_empty())
        .collect()
}

/// SQL tokens: words, quoted strings (kept with quotes), punctuation; with their byte offsets.
fn tokens(sql: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = sql.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut text = String::from("'");
            i += 1;
            while i < chars.len() {
                let ch = chars[i].1;
                i += 1;
                if ch == '\'' {
                    if i < chars.len() && chars[i].1 == '\'' {
                        text.push('\'');
                        i += 1;
                        continue;
                    }
                    break;
                }
                text.push(ch);
            }
            text.push('\'');
            out.push((at, text));
        } else if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' {
            let mut text = String::new();
            while i < chars.len() && (chars[i].1.is_alphanumeric() || "_-.".contains(chars[i].1)) {
                text.push(chars[i].1);
                i += 1;
            }
            out.push((at, text));
        } else {
            out.push((at, c.to_string()));
            i += 1;
        }
    }
    out
}

/// A psql error: the server's message, and the position it points at (if any).
struct SqlError {
    message: String,
    position: Option<usize>,
}

fn err_at(message: String, position: usize) -> SqlError {
    SqlError {
        message,
        position: Some(position),
    }
}

fn syntax_error(tok: Option<&(usize, String)>, end: usize) -> SqlError {
    match tok {
        Some((at, t)) => err_at(format!("syntax error at or near \"{t}\""), *at),
        None => err_at("syntax error at end of input".to_string(), end),
    }
}

fn is_numeric(ty: &str) -> bool {
    matches!(
        ty.to_ascii_lowercase().as_str(),
        "int"
            | "integer"
            | "int4"
            | "bigint"
            | "int8"
            | "smallint"
            | "serial"
            | "bigserial"
            | "numeric"
            | "real"
            | "float"
    )
}

/// psql's aligned table (border 1): centred headers, numbers right-aligned, the last column not
/// padded, then `(N rows)` and an empty line (postgres `src/fe_utils/print.c`).
pub fn aligned(headers: &[String], numeric: &[bool], rows: &[Vec<String>]) -> Vec<String> {
    let width = |s: &str| s.chars().count();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .map(|r| width(&r[i]))
                .chain([width(h)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let last = headers.len().saturating_sub(1);
    let mut lines = Vec::new();
    let mut head = String::new();
    for (i, h) in headers.iter().enumerate() {
        let space = widths[i] - width(h);
        head.push(' ');
        head.push_str(&" ".repeat(space / 2));
        head.push_str(h);
        head.push_str(&" ".repeat(space.div_ceil(2)));
        head.push(' ');
        if i < last {
            head.push('|');
        }
    }
    lines.push(head);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
    lines.push(rule.join("+"));
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i] - width(cell);
            line.push(' ');
            if numeric[i] {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i < last {
                    line.push_str(&" ".repeat(pad));
                }
            }
            if i < last {
                line.push_str(" |");
            }
        }
        lines.push(line);
    }
    lines.push(if rows.len() == 1 {
        "(1 row)".to_string()
    } else {
        format!("({} rows)", rows.len())
    });
    lines.push(String::new());
    lines
}

fn literal(tok: &str) -> Option<Option<String>> {
    if let Some(inner) = tok.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        return Some(Some(inner.to_string()));
    }
    if tok.eq_ignore_ascii_case("null") {
        return Some(None);
    }
    if tok.parse::<f64>().is_ok() {
        return Some(Some(tok.to_string()));
    }
    None
}

/// Runs one statement; returns the lines psql prints for it.
/// Long because it is one arm per SQL statement form the model understands, each with PostgreSQL's
/// reply.
fn run_statement(
    world: &mut World,
    id: &ContainerId,
    offset: usize,
    sql: &str,
) -> Result<Vec<String>, SqlError> {
    let toks: Vec<(usize, String)> = tokens(sql)
        .into_iter()
        .map(|(at, t)| (at + offset, t))
        .collect();
    let end = offset + sql.trim_end().len();
    let word = |i: usize| toks.get(i).map(|(_, t)| t.to_ascii_uppercase());
    let tables = tables(world, id);
    let find = |name: &str| tables.iter().find(|t| t.name == unqualified(name)).cloned();
    let missing = |name: &str, at: usize| {
        err_at(
            format!("relation \"{}\" does not exist", unqualified(name)),
            at,
        )
    };
    match word(0).as_deref() {
        // What a dump's preamble sets; a parameter this server does not know is refused.
        Some("SET") => {
            let param = word(1).unwrap_or_default().to_ascii_lowercase();
            if param == "transaction_timeout" && server_major(world, id) < 17 {
                return Err(SqlError {
                    message: "unrecognized configuration parameter \"transaction_timeout\""
                        .to_string(),
                    position: None,
                });
            }
            Ok(vec!["SET".to_string()])
        }
        Some("SELECT")
            if toks
                .iter()
                .any(|(_, t)| t.eq_ignore_ascii_case("pg_catalog.set_config")) =>
        {
            Ok(aligned(
                &["set_config".to_string()],
                &[false],
                &[vec![String::new()]],
            ))
        }
        Some("ALTER") if word(1).as_deref() == Some("TABLE") => {
            let name = toks.get(2).map(|t| t.1.clone()).unwrap_or_default();
            let table = find(&name).ok_or_else(|| missing(&name, toks[2].0))?;
            let owner_at = toks
                .iter()
                .position(|(_, t)| t.eq_ignore_ascii_case("owner"));
            if let Some(at) = owner_at {
                let role = toks
                    .get(at + 2)
                    .map(|t| t.1.to_ascii_lowercase())
                    .unwrap_or_default();
                if !role_exists(world, id, &role) {
                    return Err(SqlError {
                        message: format!("role \"{role}\" does not exist"),
                        position: None,
                    });
                }
            }
            let _ = table;
            Ok(vec!["ALTER TABLE".to_string()])
        }
        Some("CREATE" | "DROP" | "ALTER") if word(1).as_deref() == Some("DATABASE") => {
            database_statement(world, id, &toks, end)
        }
        Some("CREATE") if word(1).as_deref() == Some("ROLE") => {
            let role = toks
                .get(2)
                .map(|t| t.1.to_ascii_lowercase())
                .unwrap_or_default();
            if role_exists(world, id, &role) {
                return Err(SqlError {
                    message: format!("role \"{role}\" already exists"),
                    position: None,
                });
            }
            add_role(world, id, &role).map_err(|m| SqlError {
                message: m,
                position: None,
            })?;
            Ok(vec!["CREATE ROLE".to_string()])
        }
        Some("ALTER") if word(1).as_deref() == Some("ROLE") => {
            let role = toks
                .get(2)
                .map(|t| t.1.to_ascii_lowercase())
                .unwrap_or_default();
            if !role_exists(world, id, &role) {
                return Err(SqlError {
                    message: format!("role \"{role}\" does not exist"),
                    position: None,
                });
            }
            Ok(vec!["ALTER ROLE".to_string()])
        }
        Some("DROP") if word(1).as_deref() == Some("TABLE") && word(2).as_deref() == Some("IF") => {
            let name = toks.get(4).map(|t| t.1.clone()).unwrap_or_default();
            match find(&name) {
                Some(table) => {
                    drop_table(world, id, &table);
                    Ok(vec!["DROP TABLE".to_string()])
                }
                None => Ok(vec![
                    format!(
                        "NOTICE:  table \"{}\" does not exist, skipping",
                        unqualified(&name)
                    ),
                    "DROP TABLE".to_string(),
                ]),
            }
        }
        Some("CREATE") => {
            if word(1).as_deref() != Some("TABLE") {
                return Err(syntax_error(toks.get(1), end));
            }
            let mut i = 2;
            let if_not_exists = word(2).as_deref() == Some("IF");
            if if_not_exists {
                i = 5;
            }
            let (name_at, name) = toks
                .get(i)
                .cloned()
                .ok_or_else(|| syntax_error(None, end))?;
            let name = unqualified(&name);
            if toks.get(i + 1).map(|t| t.1.as_str()) != Some("(") {
                return Err(syntax_error(toks.get(i + 1), end));
            }
            let mut columns = Vec::new();
            let mut current: Vec<String> = Vec::new();
            let mut depth = 0;
            for (_, t) in &toks[i + 2..] {
                match t.as_str() {
                    "(" => {
                        depth += 1;
                        current.push(t.clone());
                    }
                    ")" if depth > 0 => {
                        depth -= 1;
                        current.push(t.clone());
                    }
                    ")" | "," => {
                        if let Some((n, rest)) = current.split_first() {
                            let ty = rest.first().cloned().unwrap_or_else(|| "text".to_string());
                            columns.push((n.to_ascii_lowercase(), ty.to_ascii_lowercase()));
                        }
                        current.clear();
                        if t == ")" {
                            break;
                        }
                    }
                    _ => current.push(t.clone()),
                }
            }
            if find(&name).is_some() {
                if if_not_exists {
                    return Ok(vec![
                        format!("NOTICE:  relation \"{name}\" already exists, skipping"),
                        "CREATE TABLE".to_string(),
                    ]);
                }
                return Err(SqlError {
                    message: format!("relation \"{name}\" already exists"),
                    position: None,
                });
            }
            let _ = name_at;
            let oid = tables
                .iter()
                .map(|t| t.oid + 3)
                .max()
                .unwrap_or(FIRST_USER_OID);
            let table = Table {
                oid,
                name,
                columns,
                rows: Vec::new(),
                torn_bytes: None,
            };
            save(world, id, &table).map_err(|m| SqlError {
                message: m.trim_start_matches("ERROR:  ").to_string(),
                position: None,
            })?;
            Ok(vec!["CREATE TABLE".to_string()])
        }
        Some("INSERT") => {
            if word(1).as_deref() != Some("INTO") {
                return Err(syntax_error(toks.get(1), end));
            }
            let (name_at, name) = toks
                .get(2)
                .cloned()
                .ok_or_else(|| syntax_error(None, end))?;
            let mut table = find(&name).ok_or_else(|| missing(&name, name_at))?;
            unreadable(&table)?;
            let mut i = 3;
            let mut target: Vec<usize> = (0..table.columns.len()).collect();
            if toks.get(i).map(|t| t.1.as_str()) == Some("(") {
                target.clear();
                i += 1;
                while let Some((at, t)) = toks.get(i) {
                    i += 1;
                    match t.as_str() {
                        ")" => break,
                        "," => {}
                        col => {
                            let idx = table
                                .columns
                                .iter()
                                .position(|(n, _)| n == &col.to_ascii_lowercase())
                                .ok_or_else(|| {
                                    err_at(
                                        format!(
                                            "column \"{}\" of relation \"{}\" does not exist",
                                            col.to_ascii_lowercase(),
                                            table.name
                                        ),
                                        *at,
                                    )
                                })?;
                            target.push(idx);
                        }
                    }
                }
            }
            if word(i).as_deref() != Some("VALUES") {
                return Err(syntax_error(toks.get(i), end));
            }
            i += 1;
            let mut inserted = 0;
            loop {
                if toks.get(i).map(|t| t.1.as_str()) != Some("(") {
                    return Err(syntax_error(toks.get(i), end));
                }
                i += 1;
                let mut values = Vec::new();
                while let Some((at, t)) = toks.get(i) {
                    i += 1;
                    match t.as_str() {
                        ")" => break,
                        "," => {}
                        v => values.push(literal(v).ok_or_else(|| {
                            err_at(format!("column \"{v}\" does not exist"), *at)
                        })?),
                    }
                }
                if values.len() > target.len() {
                    return Err(SqlError {
                        message: "INSERT has more expressions than target columns".to_string(),
                        position: None,
                    });
                }
                let mut row: Vec<Option<String>> = vec![None; table.columns.len()];
                for (k, v) in values.into_iter().enumerate() {
                    row[target[k]] = v;
                }
                for (c, (_, ty)) in table.columns.iter().enumerate() {
                    if row[c].is_none() && ty.contains("serial") && !target[..].contains(&c) {
                        let next = table
                            .rows
                            .iter()
                            .filter_map(|r| r[c].as_deref().and_then(|v| v.parse::<u64>().ok()))
                            .max()
                            .unwrap_or(0)
                            + 1;
                        row[c] = Some(next.to_string());
                    }
                }
                table.rows.push(row);
                inserted += 1;
                if toks.get(i).map(|t| t.1.as_str()) == Some(",") {
                    i += 1;
                    continue;
                }
                break;
            }
            save(world, id, &table).map_err(|m| SqlError {
                message: m.trim_start_matches("ERROR:  ").to_string(),
                position: None,
            })?;
            Ok(vec![format!("INSERT 0 {inserted}")])
        }
        Some("SELECT") => {
            let from = toks
                .iter()
                .position(|(_, t)| t.eq_ignore_ascii_case("from"))
                .ok_or_else(|| syntax_error(toks.get(1), end))?;
            let (name_at, name) = toks
                .get(from + 1)
                .cloned()
                .ok_or_else(|| syntax_error(None, end))?;
            let table = find(&name).ok_or_else(|| missing(&name, name_at))?;
            unreadable(&table)?;
            let select: Vec<&str> = toks[1..from].iter().map(|(_, t)| t.as_str()).collect();
            let (headers, numeric, rows) = if select == ["count", "(", "*", ")"] {
                (
                    vec!["count".to_string()],
                    vec![true],
                    vec![vec![table.rows.len().to_string()]],
                )
            } else {
                let indexes: Vec<usize> = if select == ["*"] {
                    (0..table.columns.len()).collect()
                } else {
                    let mut idx = Vec::new();
                    for (at, t) in &toks[1..from] {
                        if t == "," {
                            continue;
                        }
                        let i = table
                            .columns
                            .iter()
                            .position(|(n, _)| n == &t.to_ascii_lowercase())
                            .ok_or_else(|| {
                                err_at(
                                    format!("column \"{}\" does not exist", t.to_ascii_lowercase()),
                                    *at,
                                )
                            })?;
                        idx.push(i);
                    }
                    idx
                };
                (
                    indexes
                        .iter()
                        .map(|i| table.columns[*i].0.clone())
                        .collect(),
                    indexes
                        .iter()
                        .map(|i| is_numeric(&table.columns[*i].1))
                        .collect(),
                    table
                        .rows
                        .iter()
                        .map(|r| {
                            indexes
                                .iter()
                                .map(|i| r.get(*i).cloned().flatten().unwrap_or_default())
                                .collect()
                        })
                        .collect(),
                )
            };
            Ok(aligned(&headers, &numeric, &rows))
        }
        Some("DROP") => {
            if word(1).as_deref() != Some("TABLE") {
                return Err(syntax_error(toks.get(1), end));
            }
            let (name_at, name) = toks
                .get(2)
                .cloned()
                .ok_or_else(|| syntax_error(None, end))?;
            let table = find(&name).ok_or_else(|| SqlError {
                message: format!("table \"{}\" does not exist", unqualified(&name)),
                position: None,
            })?;
            let _ = name_at;
            drop_table(world, id, &table);
            Ok(vec!["DROP TABLE".to_string()])
        }
        _ => Err(syntax_error(toks.first(), end)),
    }
}

/// `psql [-U user] [-d db] [-t] -c SQL` run with `docker exec` in a postgres container. Prints to
/// the terminal; the error's exit code is psql's (1 for an SQL error, 2 for no connection).
/// Long because psql's flags, connection checks and meta-commands come before the statements, in
/// psql's order.
pub fn psql(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let c = &world.engine.containers[id];
    let env = c.config.env.clone();
    let name = c.name.clone();
    let listening = c.listening && c.config.argv().iter().any(|a| a == "postgres");
    let mut user: Option<String> = None;
    let mut db: Option<String> = None;
    let mut sql: Option<String> = None;
    let mut tuples_only = false;
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        let value = |i: &mut usize| {
            *i += 1;
            argv.get(*i).cloned()
        };
        match a {
            "-U" | "--username" => user = value(&mut i),
            "-d" | "--dbname" => db = value(&mut i),
            "-c" | "--command" => sql = value(&mut i),
            "-h" | "--host" | "-p" | "--port" => {
                value(&mut i);
            }
            "-t" | "--tuples-only" => tuples_only = true,
            _ if a.starts_with("-U") => user = Some(a[2..].to_string()),
            _ if a.starts_with("-c") => sql = Some(a[2..].to_string()),
            _ if !a.starts_with('-') && db.is_none() => db = Some(a.to_string()),
            _ => {}
        }
        i += 1;
    }
    if !listening {
        rec.say(format!(
            "Nothing listens on PostgreSQL's socket in {name} yet: the server is not (or no longer) ready."
        ));
        return Err(DockerError::new(
            format!(
                "psql: error: connection to server on socket \"{SOCKET}\" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?"
            ),
            2,
        ));
    }
    // Without -U, psql connects as the OS user: `docker exec` runs as root.
    let user = user.unwrap_or_else(|| "root".to_string());
    let fail = |why: String| {
        DockerError::new(
            format!(
                "psql: error: connection to server on socket \"{SOCKET}\" failed: FATAL:  {why}"
            ),
            2,
        )
    };
    if !role_exists(world, id, &user) {
        if user == "root" {
            rec.say("psql connects as the OS user when -U is not given; inside the container that is root, which is not a database role. Add -U postgres.");
        }
        return Err(fail(format!("role \"{user}\" does not exist")));
    }
    let database = db.unwrap_or_else(|| user.clone());
    if !database_exists(world, id, &database) {
        return Err(fail(format!("database \"{database}\" does not exist")));
    }
    let Some(sql) = sql else {
        if let Some(script) = super::pgdump::psql_script(world, id, argv) {
            let (text, file) = script?;
            return super::pgdump::psql_run(world, id, argv, &text, &file, rec);
        }
        return Err(DockerError::new(
            "dockyard: interactive psql is not simulated; pass the SQL with -c, e.g. psql -U postgres -c \"SELECT * FROM notes\"",
            1,
        ));
    };
    let data = pgdata(&env);
    rec.touch(&name);
    let mut printed_any = false;
    for (offset, stmt) in statements(&sql) {
        match run_statement(world, id, offset, &stmt) {
            Ok(lines) => {
                let lines: Vec<String> = if tuples_only {
                    let n = lines.len();
                    if n >= 4 && lines[n - 2].starts_with('(') {
                        lines[2..n - 2]
                            .iter()
                            .cloned()
                            .chain([String::new()])
                            .collect()
                    } else {
                        lines
                    }
                } else {
                    lines
                };
                for line in lines {
                    if line.starts_with("NOTICE:") {
                        rec.err(line);
                    } else {
                        rec.out(line);
                    }
                }
                printed_any = true;
            }
            Err(e) => {
                let mut text = format!("ERROR:  {}", e.message);
                if let Some(at) = e.position {
                    let first_line = sql.lines().next().unwrap_or("");
                    let col = sql[..at.min(sql.len())].chars().count();
                    text.push_str(&format!("\nLINE 1: {first_line}\n{}^", " ".repeat(8 + col)));
                }
                rec.say(format!(
                    "PostgreSQL answered with an error, so psql exits 1: {}.",
                    e.message
                ));
                if printed_any {
                    rec.err(text);
                    rec.error = true;
                    return Ok(());
                }
                return Err(DockerError::new(text, 1));
            }
        }
    }
    crate::sim::backup::sample(world, id);
    let backing = world.engine.containers[id].fs.backing(&data);
    let place = match backing {
        containerfs::Backing::Layer(_) => containerfs::Touched::Layer,
        containerfs::Backing::Mount { mount, .. } => {
            let m = &world.engine.containers[id].fs.mounts[mount];
            match m.kind {
                super::mount::MountKind::Volume => containerfs::Touched::Volume(m.source.clone()),
                super::mount::MountKind::Bind => containerfs::Touched::Bind(m.source.clone()),
                super::mount::MountKind::Tmpfs => containerfs::Touched::Tmpfs(m.target.clone()),
            }
        }
    };
    rec.touch(touched_key(&place));
    rec.say(format!(
        "PostgreSQL keeps its tables as files under {data}, which lives in {}.",
        place.describe(&name)
    ));
    Ok(())
}

/// The picture's key for a touched store.
pub fn touched_key(t: &containerfs::Touched) -> String {
    match t {
        containerfs::Touched::Layer => "layer".to_string(),
        containerfs::Touched::Volume(n) => format!("volume:{n}"),
        containerfs::Touched::Bind(p) => format!("bind:{p}"),
        containerfs::Touched::Tmpfs(t) => format!("tmpfs:{t}"),
    }
}

/// Is `path` inside `dir`?
pub fn within(path: &str, dir: &str) -> bool {
    hostfs::is_within(path, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn psql_aligned_output_matches_print_c() {
        assert_eq!(
            aligned(&s(&["body"]), &[false], &[s(&["hello"])]),
            s(&[" body  ", "-------", " hello", "(1 row)", ""])
        );
        assert_eq!(
            aligned(&s(&["count"]), &[true], &[s(&["1"])]),
            s(&[" count ", "-------", "     1", "(1 row)", ""])
        );
        assert_eq!(
            aligned(
                &s(&["id", "body"]),
                &[true, false],
                &[s(&["1", "hi"]), s(&["2", "there"])]
            ),
            s(&[
                " id | body  ",
                "----+-------",
                "  1 | hi",
                "  2 | there",
                "(2 rows)",
                ""
            ])
        );
    }

    #[test]
    fn tables_round_trip_through_their_heap_file() {
        let t = Table {
            oid: FIRST_USER_OID,
            name: "notes".into(),
            columns: vec![("body".into(), "text".into())],
            rows: vec![vec![Some("tab\there".into())], vec![None]],
            torn_bytes: None,
        };
        assert_eq!(Table::decode(t.oid, &t.encode()), Some(t));
    }

    #[test]
    fn without_a_password_an_empty_data_dir_is_refused() {
        let p = program(&s(&["docker-entrypoint.sh", "postgres"]), &[]);
        assert!(p.ops.contains(&Op::Exit(1)));
        let p = program(
            &s(&["docker-entrypoint.sh", "postgres"]),
            &s(&["POSTGRES_PASSWORD=secret"]),
        );
        assert!(!p.ops.contains(&Op::Exit(1)));
        assert_eq!(p.ops.last(), Some(&Op::Serve));
    }

    #[test]
    fn statements_split_outside_quotes() {
        let parts = statements("INSERT INTO notes VALUES ('a;b'); SELECT 1");
        assert_eq!(parts.len(), 2);
        assert_eq!(tokens("VALUES ('it''s')")[2].1, "'it's'");
    }
}
