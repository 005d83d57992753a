//! `pg_dump`, `pg_dumpall`, `pg_restore`, and `psql` reading a script (`-f FILE` or standard
//! input), in a `postgres` container.
//!
//! Real PostgreSQL 16 (`src/bin/pg_dump/pg_dump.c`, `pg_backup_archiver.c`, the reference pages
//! of pg_dump, pg_dumpall and pg_restore): `pg_dump` writes one database as a consistent snapshot
//! of the moment it began, without blocking writers; plain format (`-Fp`, the default) is an SQL
//! script restored with `psql`, custom format (`-Fc`) a compressed archive restored with
//! `pg_restore`. It never contains roles: `pg_dumpall --globals-only` does. Plain dumps since
//! 16.10 open with `\restrict KEY` and close with `\unrestrict KEY` (a random 63-character key).
//! `pg_restore` refuses a plain dump ("input file appears to be a text format dump. Please use
//! psql."), and by default goes on after an error, counting them: "errors ignored on restore: N",
//! exit 1. A dump taken by a newer pg_dump carries settings an older server does not know
//! (`SET transaction_timeout = 0;` from 17).
//!
//! What we model: those formats, their real text (header, `SET` preamble, `CREATE TABLE`,
//! `ALTER TABLE … OWNER TO`, `COPY … FROM stdin` with tab-separated rows), `-t`, `--clean
//! [--if-exists]`, `-O`, `-j`, `-f`, the role and version errors, and `-C`: the archive names
//! its database, pg_restore connects to the `-d` one only to run `CREATE DATABASE` (after `DROP
//! DATABASE` with `--clean`), then restores into the new one; a database that already exists is
//! a counted error, and without `-C` a `-d` database the cluster lacks is libpq's `FATAL:
//! database "app" does not exist`. What we simplify: a cluster knows its database names but all
//! of them show one set of tables; no sequences, indexes or constraints, column types as the
//! table was created with them, and a dump runs within one step (nothing can write during it, so
//! its snapshot is trivially consistent).

use super::super::hostfs::{Archive, ArchiveFormat, Entry};
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::world::World;
use super::containerfs::{self, Node};
use super::error::DockerError;
use super::postgres::{self, Table};

const SOCKET: &str = "/var/run/postgresql/.s.PGSQL.5432";

/// The member of a custom archive that holds the dumped database's name.
const DBNAME_MEMBER: &str = "dbname";

/// The characters of `\restrict`'s key (pg_dump.c `generate_restrict_key`).
const RESTRICT_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A connection's options, as every client parses them.
#[derive(Default)]
struct Conn {
    user: Option<String>,
    database: Option<String>,
}

/// Checks what libpq checks before any work: the server is up, the role and database exist.
fn connect(
    world: &World,
    id: &ContainerId,
    program: &str,
    conn: &Conn,
) -> Result<(String, String), DockerError> {
    let c = &world.engine.containers[id];
    let listening = c.listening && c.config.argv().iter().any(|a| a == "postgres");
    let fatal = |why: String| {
        DockerError::new(
            format!("{program}: error: connection to server on socket \"{SOCKET}\" failed: {why}"),
            1,
        )
    };
    if !listening {
        return Err(fatal(
            "No such file or directory\n\tIs the server running locally and accepting connections on that socket?"
                .to_string(),
        ));
    }
    let user = conn.user.clone().unwrap_or_else(|| "root".to_string());
    if !postgres::role_exists(world, id, &user) {
        return Err(fatal(format!("FATAL:  role \"{user}\" does not exist")));
    }
    let database = conn.database.clone().unwrap_or_else(|| user.clone());
    if !postgres::database_exists(world, id, &database) {
        return Err(fatal(format!(
            "FATAL:  database \"{database}\" does not exist"
        )));
    }
    Ok((user, database))
}

/// The cluster's one user database: `POSTGRES_DB`, else the superuser's name.
fn database_name(world: &World, id: &ContainerId) -> String {
    let env = &world.engine.containers[id].config.env;
    super::process::env_value(env, "POSTGRES_DB")
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| postgres::superuser(env))
}

fn restrict_key(world: &mut World) -> String {
    (0..63)
        .map(|_| RESTRICT_CHARS[world.rng.below(RESTRICT_CHARS.len() as u64) as usize] as char)
        .collect()
}

fn version_line(world: &World, id: &ContainerId) -> String {
    match postgres::server_major(world, id) {
        16 => postgres::PG_VERSION_LONG.to_string(),
        major => format!("{major}.0 (Debian {major}.0-1.pgdg12+1)"),
    }
}

/// pg_dump's SQL for `tables` (the body shared by plain dumps and custom archives).
fn dump_sql(
    world: &World,
    id: &ContainerId,
    tables: &[Table],
    owner: &str,
    clean: Option<bool>,
) -> String {
    let version = version_line(world, id);
    let mut sql = String::new();
    sql.push_str(&format!(
        "-- Dumped from database version {version}\n-- Dumped by pg_dump version {version}\n\n"
    ));
    sql.push_str("SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET idle_in_transaction_session_timeout = 0;\n");
    if postgres::server_major(world, id) >= 17 {
        sql.push_str("SET transaction_timeout = 0;\n");
    }
    sql.push_str("SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nSELECT pg_catalog.set_config('search_path', '', false);\nSET check_function_bodies = false;\nSET xmloption = content;\nSET client_min_messages = warning;\nSET row_security = off;\n\n");
    if let Some(if_exists) = clean {
        for t in tables.iter().rev() {
            let ie = if if_exists { "IF EXISTS " } else { "" };
            sql.push_str(&format!("DROP TABLE {ie}public.{};\n", t.name));
        }
    }
    sql.push_str("SET default_tablespace = '';\n\nSET default_table_access_method = heap;\n\n");
    for t in tables {
        let columns: Vec<String> = t
            .columns
            .iter()
            .map(|(n, ty)| format!("    {n} {}", canonical_type(ty)))
            .collect();
        sql.push_str(&format!(
            "--\n-- Name: {name}; Type: TABLE; Schema: public; Owner: {owner}\n--\n\nCREATE TABLE public.{name} (\n{}\n);\n\n\nALTER TABLE public.{name} OWNER TO {owner};\n\n",
            columns.join(",\n"),
            name = t.name
        ));
    }
    for t in tables {
        let names: Vec<&str> = t.columns.iter().map(|(n, _)| n.as_str()).collect();
        sql.push_str(&format!(
            "--\n-- Data for Name: {name}; Type: TABLE DATA; Schema: public; Owner: {owner}\n--\n\nCOPY public.{name} ({}) FROM stdin;\n",
            names.join(", "),
            name = t.name
        ));
        for row in &t.rows {
            let cells: Vec<String> = row.iter().map(postgres::copy_text).collect();
            sql.push_str(&cells.join("\t"));
            sql.push('\n');
        }
        sql.push_str("\\.\n\n\n");
    }
    sql
}

/// The type name pg_dump prints (`format_type`): `int` → `integer`, `serial` → `integer`.
fn canonical_type(ty: &str) -> String {
    match ty {
        "int" | "int4" | "serial" => "integer".to_string(),
        "int8" | "bigserial" => "bigint".to_string(),
        "bool" => "boolean".to_string(),
        "float" | "float8" => "double precision".to_string(),
        "varchar" => "character varying".to_string(),
        other => other.to_string(),
    }
}

/// Reads a client's `-U`/`-d` and returns the other words.
fn take_conn(argv: &[String], takes_value: &[&str]) -> (Conn, Vec<(String, Option<String>)>) {
    let mut conn = Conn::default();
    let mut rest = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].clone();
        i += 1;
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ if a.len() > 2 && a.starts_with('-') && !a.starts_with("--") => {
                (a[..2].to_string(), Some(a[2..].to_string()))
            }
            _ => (a.clone(), None),
        };
        let needs = matches!(
            flag.as_str(),
            "-U" | "--username" | "-d" | "--dbname" | "-h" | "--host" | "-p" | "--port"
        ) || takes_value.contains(&flag.as_str());
        let value = if needs {
            inline.or_else(|| {
                i += 1;
                argv.get(i - 1).cloned()
            })
        } else {
            inline
        };
        match flag.as_str() {
            "-U" | "--username" => conn.user = value,
            "-d" | "--dbname" => conn.database = value,
            "-h" | "--host" | "-p" | "--port" => {}
            _ => rest.push((flag, value)),
        }
    }
    (conn, rest)
}

/// `pg_dump [-U user] [-Fc|-Fp] [-t table]… [-f file] [--clean [--if-exists]] [DBNAME]`.
/// Long because it is pg_dump's order: options, connection, a table it cannot read, the table
/// selection, then the output in its format and what page 12 records of it.
pub fn pg_dump(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let (mut conn, rest) = take_conn(argv, &["-F", "--format", "-t", "--table", "-f", "--file"]);
    let mut format = 'p';
    let mut only: Vec<String> = Vec::new();
    let mut file: Option<String> = None;
    let (mut clean, mut if_exists) = (false, false);
    for (flag, value) in rest {
        match (flag.as_str(), value) {
            ("-F" | "--format", Some(v)) => format = v.chars().next().unwrap_or('p'),
            ("-t" | "--table", Some(v)) => only.push(v.to_ascii_lowercase()),
            ("-f" | "--file", Some(v)) => file = Some(v),
            ("-c" | "--clean", _) => clean = true,
            ("--if-exists", _) => if_exists = true,
            (word, None) if !word.starts_with('-') && conn.database.is_none() => {
                conn.database = Some(word.to_string());
            }
            _ => {}
        }
    }
    if conn.database.is_none() {
        conn.database = conn.user.clone();
    }
    let (user, database) = connect(world, id, "pg_dump", &conn)?;
    let all = postgres::tables(world, id);
    for t in &all {
        if let Some(torn) = postgres::torn_bytes(t) {
            return Err(DockerError::new(
                format!(
                    "pg_dump: error: Dumping the contents of table \"{name}\" failed: PQgetResult() failed.\npg_dump: detail: Error message from server: ERROR:  could not read block 0 in file \"base/5/{oid}\": read only {torn} of 8192 bytes\npg_dump: detail: Command was: COPY public.{name} TO stdout;",
                    name = t.name,
                    oid = t.oid
                ),
                1,
            ));
        }
    }
    let tables: Vec<Table> = all
        .into_iter()
        .filter(|t| {
            only.is_empty()
                || only
                    .iter()
                    .any(|o| o.trim_start_matches("public.") == t.name)
        })
        .collect();
    if let Some(missing) = only.iter().find(|o| !tables.iter().any(|t| &t.name == *o)) {
        return Err(DockerError::new(
            format!("pg_dump: error: no matching tables were found for pattern \"{missing}\""),
            1,
        ));
    }
    let owner = postgres::superuser(&world.engine.containers[id].config.env);
    let _ = user;
    let body = dump_sql(world, id, &tables, &owner, clean.then_some(if_exists));
    let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
    let name = world.engine.containers[id].name.clone();
    rec.touch(&name);
    let produced = match format {
        'c' => Entry::Archive(Box::new(Archive {
            format: ArchiveFormat::PgCustom,
            // The archive's header names the database it was dumped from (pg_restore -l:
            // `dbname: app`); `pg_restore -C` creates that one.
            members: [
                ("toc.dat".to_string(), Entry::File { content: body }),
                (
                    DBNAME_MEMBER.to_string(),
                    Entry::File {
                        content: database.clone(),
                    },
                ),
            ]
            .into_iter()
            .collect(),
        })),
        'p' => {
            let key = restrict_key(world);
            Entry::File {
                content: format!(
                    "--\n-- PostgreSQL database dump\n--\n\n\\restrict {key}\n\n{body}--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict {key}\n"
                ),
            }
        }
        other => {
            return Err(DockerError::new(
                format!("pg_dump: error: invalid output format \"{other}\" specified"),
                1,
            ));
        }
    };
    let tool = if format == 'c' {
        "pg_dump -Fc"
    } else {
        "pg_dump"
    };
    crate::sim::backup::written(
        world,
        tool,
        file.as_deref().unwrap_or("stdout"),
        &produced,
        &tables,
        true,
    );
    world.shell.bytes_moved += produced.size_bytes();
    rec.say(format!(
        "pg_dump read database {database} as one snapshot ({} table(s), {rows} row(s)): what was committed when it began, while other sessions could go on writing.",
        tables.len()
    ));
    emit(world, id, file.as_deref(), produced, rec)
}

/// Writes a dump where it goes: a file inside the container (`-f`), else standard output (the
/// host shell's `>` stores it; the terminal shows a text dump).
fn emit(
    world: &mut World,
    id: &ContainerId,
    file: Option<&str>,
    produced: Entry,
    rec: &mut Record,
) -> Result<(), DockerError> {
    match (file, produced) {
        (Some(path), entry) => {
            containerfs::write(world, id, path, Node::from_entry(&entry), false, false).map_err(
                |e| {
                    DockerError::new(
                        format!(
                            "pg_dump: error: could not open output file \"{path}\": {}",
                            e.strerror()
                        ),
                        1,
                    )
                },
            )?;
            Ok(())
        }
        (None, Entry::File { content }) => {
            rec.out(content.trim_end_matches('\n').to_string());
            Ok(())
        }
        (None, Entry::Archive(archive)) => {
            world.shell.stdout_archive = Some(*archive);
            Ok(())
        }
        (None, _) => Ok(()),
    }
}

/// `pg_dumpall [-U user] [--globals-only|-g]`: roles, then (without `-g`) every database.
pub fn pg_dumpall(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let (mut conn, rest) = take_conn(argv, &["-f", "--file"]);
    let globals_only = rest.iter().any(|(f, _)| f == "-g" || f == "--globals-only");
    let file = rest
        .iter()
        .find(|(f, _)| f == "-f" || f == "--file")
        .and_then(|(_, v)| v.clone());
    conn.database = Some("postgres".to_string());
    connect(world, id, "pg_dumpall", &conn)?;
    let key = restrict_key(world);
    let mut sql = format!(
        "--\n-- PostgreSQL database cluster dump\n--\n\n\\restrict {key}\n\nSET default_transaction_read_only = off;\n\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n\n--\n-- Roles\n--\n\n"
    );
    let superuser = postgres::superuser(&world.engine.containers[id].config.env);
    for role in postgres::roles(world, id) {
        let attrs = if role == superuser {
            "SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS"
        } else {
            "NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS"
        };
        sql.push_str(&format!(
            "CREATE ROLE {role};\nALTER ROLE {role} WITH {attrs};\n"
        ));
    }
    sql.push('\n');
    if !globals_only {
        let db = database_name(world, id);
        let tables = postgres::tables(world, id);
        sql.push_str(&format!(
            "\\unrestrict {key}\n\n--\n-- Databases\n--\n\n\\connect {db}\n\n--\n-- PostgreSQL database dump\n--\n\n"
        ));
        sql.push_str(&dump_sql(world, id, &tables, &superuser, None));
        sql.push_str("--\n-- PostgreSQL database dump complete\n--\n\n");
    } else {
        sql.push_str(&format!("\\unrestrict {key}\n\n"));
    }
    sql.push_str("--\n-- PostgreSQL database cluster dump complete\n--\n\n");
    emit(
        world,
        id,
        file.as_deref(),
        Entry::File { content: sql },
        rec,
    )
}

/// How a script's failures are reported: psql prints each and goes on (exit 0, or 3 with
/// `ON_ERROR_STOP`); pg_restore prints each with the command and counts them (exit 1).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Runner {
    Psql { stop_on_error: bool },
    PgRestore { exit_on_error: bool },
}

/// Runs an SQL script (a dump): statements, `COPY … FROM stdin` blocks and psql's
/// meta-commands. Returns the number of errors.
fn run_script(
    world: &mut World,
    id: &ContainerId,
    script: &str,
    runner: Runner,
    file: &str,
    rec: &mut Record,
) -> Result<usize, DockerError> {
    let lines: Vec<&str> = script.lines().collect();
    let mut errors = 0;
    let mut statement = String::new();
    let mut start_line = 0;
    let mut i = 0;
    let report = |rec: &mut Record, line_no: usize, message: &str, command: &str| match runner {
        Runner::Psql { .. } => rec.err(format!("psql:{file}:{line_no}: {message}")),
        Runner::PgRestore { .. } => rec.err(format!(
            "pg_restore: error: could not execute query: {message}\nCommand was: {}",
            command.trim()
        )),
    };
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if statement.is_empty() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with("--") {
                continue;
            }
            if let Some(meta) = trimmed.strip_prefix('\\') {
                let word = meta.split_whitespace().next().unwrap_or("");
                if !matches!(word, "restrict" | "unrestrict" | "connect" | "c") {
                    rec.err(format!("psql:{file}:{i}: error: invalid command \\{word}"));
                    errors += 1;
                }
                continue;
            }
            start_line = i;
        }
        statement.push_str(line);
        statement.push('\n');
        if !line.trim_end().ends_with(';') {
            continue;
        }
        let sql = std::mem::take(&mut statement);
        let upper = sql.trim_start().to_ascii_uppercase();
        let result = if upper.starts_with("COPY ") && upper.contains("FROM STDIN") {
            // The rows follow, up to `\.`.
            let mut rows = Vec::new();
            while i < lines.len() && lines[i] != "\\." {
                rows.push(lines[i]);
                i += 1;
            }
            i += 1;
            copy_in(world, id, &sql, &rows)
        } else {
            postgres::execute(world, id, sql.trim().trim_end_matches(';'))
        };
        match result {
            Ok(out) => {
                if let Runner::Psql { .. } = runner {
                    for l in out {
                        if l.starts_with("NOTICE:") {
                            rec.err(format!("psql:{file}:{start_line}: {l}"));
                        } else {
                            rec.out(l);
                        }
                    }
                }
            }
            Err(message) => {
                errors += 1;
                report(rec, start_line, &message, &sql);
                match runner {
                    Runner::Psql {
                        stop_on_error: true,
                    } => {
                        return Err(DockerError::new(String::new(), 3));
                    }
                    Runner::PgRestore {
                        exit_on_error: true,
                    } => {
                        return Err(DockerError::new(String::new(), 1));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(errors)
}

/// `COPY public.t (a, b) FROM stdin;` and its rows.
fn copy_in(
    world: &mut World,
    id: &ContainerId,
    sql: &str,
    rows: &[&str],
) -> Result<Vec<String>, String> {
    let after = sql.trim_start()[5..].trim_start();
    let name = after
        .split([' ', '('])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let name = name.strip_prefix("public.").unwrap_or(&name).to_string();
    let Some(mut table) = postgres::tables(world, id)
        .into_iter()
        .find(|t| t.name == name)
    else {
        return Err(format!("ERROR:  relation \"public.{name}\" does not exist"));
    };
    for row in rows {
        table
            .rows
            .push(row.split('\t').map(postgres::copy_value).collect());
    }
    postgres::save(world, id, &table)?;
    Ok(vec![format!("COPY {}", rows.len())])
}

/// `psql -f FILE` or `psql < FILE`: the script's text, or `None` when psql has neither.
pub fn psql_script(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
) -> Option<Result<(String, String), DockerError>> {
    if argv
        .iter()
        .any(|a| a == "-c" || a == "--command" || (a.starts_with("-c") && a.len() > 2))
    {
        return None;
    }
    let file = argv
        .iter()
        .position(|a| a == "-f" || a == "--file")
        .and_then(|i| argv.get(i + 1).cloned());
    match file {
        Some(path) => Some(match containerfs::get(world, id, &path) {
            Some(Node::File { content }) => Ok((content, path)),
            Some(_) => Err(DockerError::new(
                format!("psql: error: {path}: could not read: Is a directory"),
                1,
            )),
            None => Err(DockerError::new(
                format!("psql: error: {path}: No such file or directory"),
                1,
            )),
        }),
        None => match world.shell.stdin.take() {
            Some(Entry::File { content }) => Some(Ok((content, "<stdin>".to_string()))),
            Some(Entry::Archive(a)) if a.format == ArchiveFormat::PgCustom => {
                Some(Err(DockerError::new(
                    "psql:<stdin>:1: error: invalid command \\\nThe input is a PostgreSQL custom-format dump.\nUse the pg_restore command-line client to restore this dump to a database.",
                    1,
                )))
            }
            _ => None,
        },
    }
}

/// psql running a script: every statement's reply, errors reported and skipped (psql's default).
pub fn psql_run(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
    script: &str,
    file: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let stop_on_error = argv.windows(2).any(|w| w[0] == "-v" || w[0] == "--set")
        && argv
            .iter()
            .any(|a| a.eq_ignore_ascii_case("ON_ERROR_STOP=on") || a == "ON_ERROR_STOP=1");
    let result = run_script(world, id, script, Runner::Psql { stop_on_error }, file, rec);
    let name = world.engine.containers[id].name.clone();
    world.shell.bytes_moved += script.len() as u64;
    let digest = crate::sim::hostfs::digest(&Entry::File {
        content: script.to_string(),
    });
    let tables = postgres::tables(world, id);
    crate::sim::backup::restored(world, &name, Some(&digest), &tables);
    let errors = result?;
    rec.touch(&name);
    if errors > 0 {
        rec.say(format!(
            "psql went on after {errors} error(s): by default it runs every statement and still exits 0. `-v ON_ERROR_STOP=on` (or `-1`) makes a restore all-or-nothing."
        ));
    }
    Ok(())
}

/// `pg_restore [-U user] [-d db] [--clean [--if-exists]] [-C] [-O] [-j N] [-e] [FILE]`.
/// Long because it is pg_restore's order: its options, its input (a file or standard input,
/// refused when it is a text dump), then the replay with `--clean`'s drops and the error count.
pub fn pg_restore(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let (conn, rest) = take_conn(argv, &["-j", "--jobs", "-f", "--file"]);
    let has = |names: &[&str]| rest.iter().any(|(f, _)| names.contains(&f.as_str()));
    let clean = has(&["-c", "--clean"]);
    let if_exists = has(&["--if-exists"]);
    let no_owner = has(&["-O", "--no-owner"]);
    let exit_on_error = has(&["-e", "--exit-on-error"]);
    let create = has(&["-C", "--create"]);
    let jobs = has(&["-j", "--jobs"]);
    let file = rest
        .iter()
        .find(|(f, v)| !f.starts_with('-') && v.is_none())
        .map(|(f, _)| f.clone());
    let input = match &file {
        Some(path) => containerfs::get(world, id, path)
            .map(|n| n.to_entry())
            .ok_or_else(|| {
                DockerError::new(
                    format!("pg_restore: error: could not open input file \"{path}\": No such file or directory"),
                    1,
                )
            })?,
        None => {
            if jobs {
                return Err(DockerError::new(
                    "pg_restore: error: parallel restore from standard input is not supported",
                    1,
                ));
            }
            world.shell.stdin.take().ok_or_else(|| {
                DockerError::new(
                    "pg_restore: error: input file is too short (read 0, expected 5)",
                    1,
                )
            })?
        }
    };
    let digest = crate::sim::hostfs::digest(&input);
    world.shell.bytes_moved += input.size_bytes();
    let (body, archive_db) = match input {
        Entry::Archive(a) if a.format == ArchiveFormat::PgCustom => {
            let text = |member: &str| match a.members.get(member) {
                Some(Entry::File { content }) => Some(content.clone()),
                _ => None,
            };
            (text("toc.dat").unwrap_or_default(), text(DBNAME_MEMBER))
        }
        Entry::File { content }
            if content.starts_with("--") || content.contains("PostgreSQL database dump") =>
        {
            return Err(DockerError::new(
                "pg_restore: error: input file appears to be a text format dump. Please use psql.",
                1,
            ));
        }
        _ => {
            return Err(DockerError::new(
                "pg_restore: error: input file does not appear to be a valid archive",
                1,
            ));
        }
    };
    let body = if no_owner {
        body.lines()
            .filter(|l| !(l.starts_with("ALTER TABLE") && l.contains(" OWNER TO ")))
            .map(|l| format!("{l}\n"))
            .collect()
    } else {
        body
    };
    // -C: the DATABASE entry (pg_dump.c `dumpDatabase`), dropped first with --clean; then
    // pg_restore reconnects to the new database for the rest.
    let owner = postgres::superuser(&world.engine.containers[id].config.env);
    let created = create.then(|| {
        let name = archive_db
            .clone()
            .or_else(|| conn.database.clone())
            .unwrap_or_else(|| owner.clone());
        let mut sql = String::new();
        if clean {
            let ie = if if_exists { "IF EXISTS " } else { "" };
            sql.push_str(&format!("DROP DATABASE {ie}{name};\n"));
        }
        sql.push_str(&format!(
            "--\n-- Name: {name}; Type: DATABASE; Schema: -; Owner: {owner}\n--\n\nCREATE DATABASE {name} WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'en_US.utf8';\n\n\n"
        ));
        if !no_owner {
            sql.push_str(&format!("ALTER DATABASE {name} OWNER TO {owner};\n\n"));
        }
        sql.push_str(&format!("\\connect {name}\n\n"));
        (name, sql)
    });
    let Some(target) = conn.database.clone() else {
        // Without -d, pg_restore prints the archive as an SQL script.
        let head = created.as_ref().map(|(_, sql)| sql.as_str()).unwrap_or("");
        rec.out(format!("{head}{}", body.trim_end()));
        return Ok(());
    };
    connect(world, id, "pg_restore", &conn)?;
    let mut script = created
        .as_ref()
        .map(|(_, sql)| sql.clone())
        .unwrap_or_default();
    // --clean drops each table first (without --if-exists a table not there is an error); with
    // -C the dropped and recreated database is empty, so only the database is dropped.
    if clean && !create {
        let creates: Vec<String> = body
            .lines()
            .filter_map(|l| l.strip_prefix("CREATE TABLE public."))
            .map(|rest| rest.split([' ', '(']).next().unwrap_or("").to_string())
            .collect();
        for name in creates.iter().rev() {
            let ie = if if_exists { "IF EXISTS " } else { "" };
            script.push_str(&format!("DROP TABLE {ie}public.{name};\n"));
        }
    }
    script.push_str(&body);
    let result = run_script(
        world,
        id,
        &script,
        Runner::PgRestore { exit_on_error },
        "",
        rec,
    );
    let name = world.engine.containers[id].name.clone();
    let tables = postgres::tables(world, id);
    crate::sim::backup::restored(world, &name, Some(&digest), &tables);
    let errors = result?;
    rec.touch(&name);
    if let Some((db, _)) = &created {
        rec.say(format!(
            "pg_restore -C used database {target} only to run CREATE DATABASE {db}, then connected to {db} and restored into it."
        ));
    }
    if errors > 0 {
        rec.err(format!(
            "pg_restore: warning: errors ignored on restore: {errors}"
        ));
        rec.say(format!(
            "pg_restore went on past {errors} failed statement(s) and exits 1: the tables and rows that did not fail are restored, the rest is not."
        ));
        rec.error = true;
    }
    Ok(())
}
