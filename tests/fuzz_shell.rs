//! Structured fuzzing of the terminal: the line parser (quoting, `$(…)`, variables,
//! here-documents, redirections) and every CLI behind it (docker, docker compose, docker
//! swarm/node/service/stack/secret, multipass, curl, and the host's own programs: the file
//! commands, tar, gzip, crontab, ssh, scp, rsync, df, systemctl, and pg_dump, psql and restic run
//! through `docker exec`), plus the transcript's `!` faults.
//!
//! A real terminal answers any line: a mistake is an error in the program's words and changes
//! nothing. We check the same on the simulation: lines built from the real command tables
//! (src/sim/shell/vocabulary.rs) with random flags and values, real lines from the shipped
//! scenarios with words swapped, dropped and corrupted, typed into worlds the scenarios built
//! (a host with a project, Compose, backups, Traefik, a swarm with services). Properties: no panic,
//! no case past the hang limit, the world's invariants after every line, and a refused line that
//! does not belong to a command documented to keep a part-way change (a failed start, a build's
//! report, curl's counted request) leaves the containers, files, swarm and shell as they were.
//! Simplified: pipes and `&&` are not simulated by the shell, so they appear only as corruption.
#![cfg(not(target_arch = "wasm32"))]

mod fuzz_support;

use dockyard::scenario::{Run, SCENARIOS};
use dockyard::sim::shell::vocabulary;
use dockyard::sim::{Fault, Input, World, testkit};
use fuzz_support::{Mutation, Watch, config, invariants, mutate_all, mutation, report};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestRunner;

/// Values a flag or an argument takes: the names the scenes use, real formats, and wrong ones.
const VALUES: &[&str] = &[
    "web",
    "db",
    "api",
    "app",
    "cache",
    "proxy",
    "traefik",
    "shop_api",
    "app_db",
    "vote_vote",
    "node-1",
    "node-2",
    "node-3",
    "backup-host",
    "nginx",
    "nginx:1.25",
    "postgres:16",
    "redis:7",
    "alpine",
    "busybox",
    "traefik:v3.1",
    "restic/restic",
    "127.0.0.1:5000/app:v2",
    "node:20-alpine",
    "nosuch/image:9",
    "8080:80",
    "80",
    "8080:80/udp",
    "0.0.0.0:443:443",
    "70000:80",
    "data:/data",
    "pgdata:/var/lib/postgresql/data",
    "./site:/usr/share/nginx/html:ro",
    "type=volume,source=d,target=/d",
    "type=bind,source=/nope,target=/x",
    "type=tmpfs,target=/t,tmpfs-size=1m",
    ".",
    "..",
    "/",
    "Dockerfile",
    "compose.yaml",
    "app.sql",
    "nightly.dump",
    "/mnt/backup",
    "/var/lib/docker",
    "backup-host:/backups/",
    "json",
    "table {{.Name}}",
    "{{json .}}",
    "{{.State.Status}}",
    "{{range .Mounts}}{{.Source}}{{end}}",
    "{{",
    "name=web",
    "status=running",
    "label=a=b",
    "dangling=true",
    "until=1h",
    "1",
    "0",
    "3",
    "-1",
    "1000000000",
    "10s",
    "1m30s",
    "500ms",
    "0s",
    "512m",
    "1.5",
    "2g",
    "0.001",
    // Extremes: saturating casts, sums and products of sizes and durations.
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "99999999T",
    "1e6",
    "1e308",
    "99999999999h",
    "2562047h",
    "1e20s",
    "-5s",
    "65535",
    "65536",
    "0:0",
    "1-65535:80",
    "80-81:80-82",
    "8080-8070:80",
    "always",
    "on-failure:3",
    "unless-stopped",
    "no",
    "none",
    "host",
    "bridge",
    "overlay",
    "mynet",
    "front",
    "back",
    "ingress",
    "SIGKILL",
    "HUP",
    "9",
    "A=1",
    "POSTGRES_PASSWORD=secret",
    "node.role==manager",
    "node.hostname!=node-1",
    "node.labels.disk==ssd",
    "replicated",
    "global",
    "start-first",
    "stop-first",
    "pause",
    "rollback",
    "continue",
    "vip",
    "dnsrr",
    "drain",
    "active",
    "manager",
    "worker",
    "http://localhost:8080",
    "localhost:8080",
    "https://example.com/api",
    "http://node-2:8080/",
    "-H",
    "Host: app.example.com",
    "sh",
    "-c",
    "echo hi; exit 3",
    "sleep 1000",
    "true",
    "--",
    "",
    "é",
    "🐳",
    "24.04",
    "2G",
    "10G",
    // The generator turns this marker into a 300-character word (a `const` cannot hold one).
    "@LONG@",
];

fn value_text(v: &str) -> String {
    if v == "@LONG@" {
        "a".repeat(300)
    } else {
        v.to_string()
    }
}

/// Quotes a word for the shell when it needs it, the way a person would (or wrongly, sometimes).
fn shell_word(v: &str, style: u8) -> String {
    let plain = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+%".contains(c));
    match (plain, style % 4) {
        (true, 0..=2) => v.to_string(),
        (_, 3) => format!("\"{v}\""),
        _ => format!("'{}'", v.replace('\'', "'\\''")),
    }
}

/// One token after the command path: a flag in one of pflag's forms, an argument, or a mistake.
#[derive(Clone, Debug)]
enum Token {
    /// (which flag of the command, form, value, quoting)
    Flag(Index, u8, Index, u8),
    /// An unsimulated or unknown flag.
    Other(Index, bool),
    Arg(Index, u8),
}

fn token() -> impl Strategy<Value = Token> {
    prop_oneof![
        4 => (any::<Index>(), 0u8..6, any::<Index>(), any::<u8>())
            .prop_map(|(f, form, v, q)| Token::Flag(f, form, v, q)),
        1 => (any::<Index>(), any::<bool>()).prop_map(|(f, unknown)| Token::Other(f, unknown)),
        3 => (any::<Index>(), any::<u8>()).prop_map(|(v, q)| Token::Arg(v, q)),
    ]
}

/// A command line from a command table: its path, then flags and arguments.
fn table_line(
    commands: &[&'static dockyard::sim::flags::Command],
    which: &Index,
    tokens: &[Token],
) -> String {
    let c = which.get(commands);
    let mut words: Vec<String> = c.path.split(' ').map(str::to_string).collect();
    for t in tokens {
        match t {
            Token::Flag(f, form, v, q) => {
                if c.flags.is_empty() {
                    continue;
                }
                let flag = f.get(c.flags);
                let value = shell_word(&value_text(v.get::<&str>(VALUES)), *q);
                let takes = flag.value.is_some();
                match (form, flag.short) {
                    (0 | 1, Some(s)) if !takes => words.push(format!("-{s}")),
                    (0, Some(s)) => words.push(format!("-{s}{value}")),
                    (1, Some(s)) => words.extend([format!("-{s}"), value]),
                    (2 | 3, _) if !takes => words.push(format!("--{}", flag.long)),
                    (2, _) => words.push(format!("--{}={value}", flag.long)),
                    (4, _) => words.push(format!("--{}=false", flag.long)),
                    (5, _) => words.push(format!("--{}", flag.long)),
                    _ => words.extend([format!("--{}", flag.long), value]),
                }
            }
            Token::Other(f, unknown) => match (unknown, c.not_simulated.is_empty()) {
                (false, false) => words.push(format!("--{}", f.get(c.not_simulated).0)),
                _ => {
                    words.push(["--bogus", "-Z", "--", "-", "--=x", "---x"][f.index(6)].to_string())
                }
            },
            Token::Arg(v, q) => words.push(shell_word(&value_text(v.get::<&str>(VALUES)), *q)),
        }
    }
    words.join(" ")
}

/// The host's programs without a command table, each with the words it understands.
const HOST_TOOLS: &[(&str, &[&str])] = &[
    (
        "cat",
        &[
            "-n",
            "compose.yaml",
            "Dockerfile",
            "nosuch",
            "/etc/passwd",
            "app.sql",
        ],
    ),
    (
        "echo",
        &["-n", "hello", "$HOME", "${DOMAIN:-x}", "FROM nginx"],
    ),
    (
        "ls",
        &[
            "-l",
            "-a",
            "-la",
            "-R",
            "-lh",
            "/mnt/backup",
            "/var/lib/docker/volumes",
            "src",
        ],
    ),
    (
        "rm",
        &[
            "-r",
            "-f",
            "-rf",
            "compose.yaml",
            "/",
            "src",
            "nightly.dump",
        ],
    ),
    ("mkdir", &["-p", "a/b/c", "repo", "/mnt/backup", "/root/x"]),
    ("pwd", &[]),
    ("touch", &["f", "/etc/shadow", "a/b"]),
    (
        "chmod",
        &["600", "+x", "u+x", "777", "0", "f", "Dockerfile"],
    ),
    (
        "cp",
        &["-r", "-a", "compose.yaml", "c2.yaml", "src", "/tmp/"],
    ),
    ("mv", &["compose.yaml", "x.yaml", "nosuch", "/"]),
    ("date", &["+%F", "-u", "+%s", "--iso-8601"]),
    ("sha256sum", &["compose.yaml", "nightly.dump", "-c"]),
    (
        "tar",
        &[
            "czf",
            "xzf",
            "tf",
            "tzf",
            "cf",
            "xf",
            "czvf",
            "-C",
            "/var/lib/docker",
            "swarm",
            "db.tar",
            "live.tar.gz",
            "--exclude",
            "-",
            "src",
        ],
    ),
    ("gzip", &["-d", "-k", "-c", "db.tar", "x.gz"]),
    ("gunzip", &["live.tar.gz", "-k"]),
    (
        "crontab",
        &["-l", "-r", "-e", "-", "jobs.txt", "-u", "root"],
    ),
    ("cd", &["..", "/", "src", "nosuch", "~"]),
    ("chattr", &["+a", "-a", "+i", "/backups/db", "f"]),
    (
        "mount",
        &["-o", "ro", "-r", "/dev/sdb1", "/mnt/backup", "--read-only"],
    ),
    ("umount", &["/mnt/backup", "/dev/sdb1"]),
    (
        "scp",
        &[
            "nightly.dump",
            "backup-host:/backups/",
            "backup-host:/backups/db/nightly.dump",
            ".",
            "-r",
        ],
    ),
    (
        "rsync",
        &[
            "-av",
            "--delete",
            "/mnt/backup/",
            "backup-host:/backups/db",
            "-n",
        ],
    ),
    ("df", &["-h", "/var/lib/docker", "-i", "/"]),
    ("du", &["-sh", "/var/lib/docker/containers", "-h", "."]),
    (
        "systemctl",
        &[
            "stop", "start", "restart", "status", "reload", "docker", "cron", "nosuch",
        ],
    ),
    (
        "ssh",
        &[
            "node-2",
            "backup-host",
            "prod",
            "ci",
            "laptop",
            "docker",
            "ps",
            "ls",
            "-l",
            "/backups",
            "exit",
        ],
    ),
    ("exit", &[]),
    ("logout", &[]),
    ("sleep", &["1", "0.5", "abc", "10s", "-1", "1d"]),
    ("help", &[]),
    ("export", &["A=1", "DOMAIN=example.com", "=x", "1A=2"]),
    ("unset", &["A", "DOMAIN"]),
    (
        "sudo",
        &[
            "ls",
            "rm",
            "-rf",
            "/var/lib/docker/swarm",
            "systemctl",
            "stop",
            "docker",
        ],
    ),
    ("node", &["server.js", "-v"]),
    ("nosuchprogram", &["x"]),
];

/// Programs inside containers, reached with `docker exec CONTAINER …`.
const IN_CONTAINER: &[(&str, &[&str])] = &[
    (
        "pg_dump",
        &[
            "-U",
            "postgres",
            "-Fc",
            "-f",
            "/tmp/x.dump",
            "postgres",
            "--clean",
            "-t",
            "notes",
            "-d",
            "shop",
        ],
    ),
    (
        "pg_restore",
        &[
            "-U",
            "postgres",
            "-d",
            "postgres",
            "--clean",
            "/tmp/x.dump",
            "-1",
        ],
    ),
    ("pg_dumpall", &["-U", "postgres", "--globals-only"]),
    (
        "psql",
        &[
            "-U",
            "postgres",
            "-c",
            "'SELECT count(*) FROM notes'",
            "-f",
            "/tmp/x.sql",
            "'DROP TABLE notes'",
            "-d",
            "nosuch",
        ],
    ),
    (
        "restic",
        &[
            "init",
            "backup",
            "snapshots",
            "restore",
            "latest",
            "--target",
            "/",
            "-r",
            "/repo",
            "forget",
            "--keep-last",
            "3",
            "--prune",
            "check",
            "/data",
        ],
    ),
    (
        "redis-cli",
        &["GET", "SET", "k", "v", "INFO", "KEYS", "'*'", "FLUSHALL"],
    ),
    (
        "tar",
        &["czf", "/backup/x.tar.gz", "-C", "/data", ".", "xzf", "tf"],
    ),
    (
        "sh",
        &["-c", "'echo hi > /data/f'", "'cat /data/f'", "'exit 4'"],
    ),
    (
        "cat",
        &["/data/f", "/etc/hostname", "/run/secrets/db_password"],
    ),
    ("ls", &["-l", "/data", "/var/lib/postgresql/data"]),
    ("curl", &["-s", "http://api:3000/notes", "http://web", "-f"]),
    ("wget", &["-qO-", "http://web"]),
    ("nslookup", &["web", "tasks.web"]),
    ("ping", &["-c", "1", "db"]),
];

/// `$ …` lines of every shipped scenario (a here-document's body included): real lines, the seed
/// corpus the mutations start from.
fn corpus() -> Vec<String> {
    let mut lines = Vec::new();
    for file in SCENARIOS {
        let mut current: Option<String> = None;
        let mut end: Option<String> = None;
        for raw in file.text.lines() {
            if let (Some(line), Some(marker)) = (current.as_mut(), end.as_ref()) {
                line.push('\n');
                line.push_str(raw);
                if raw.trim() == marker {
                    lines.push(current.take().unwrap_or_default());
                    end = None;
                }
                continue;
            }
            if let Some(cmd) = raw.strip_prefix("$ ") {
                match cmd.split("<<").nth(1) {
                    Some(rest) => {
                        let marker = rest.trim().trim_matches(['\'', '"']).to_string();
                        current = Some(cmd.to_string());
                        end = Some(marker);
                    }
                    None => lines.push(cmd.to_string()),
                }
            }
        }
    }
    lines
}

/// The worlds lines are typed into: free play with the course's project, and the end of shipped
/// scenarios that leave something interesting running (Compose, backups, Traefik, a swarm).
fn scenes() -> Vec<(String, World)> {
    let mut free = World::new(7);
    free.fs
        .seed_project("node-app")
        .expect("the node-app template");
    let mut scenes = vec![("free play (node-app)".to_string(), free)];
    for slug in [
        "compose-up-and-down",
        "backup-nightly-retention",
        "traefik-stack-two-services",
        "swarm-stack-deploy",
        "layer-cache-order",
        "secrets-not-environment",
    ] {
        let file = SCENARIOS
            .iter()
            .find(|f| f.slug == slug)
            .unwrap_or_else(|| panic!("scenario {slug}"));
        let scenario = file.parse().expect("a shipped scenario parses");
        let run = Run::play(&scenario, None).expect("a shipped scenario plays");
        scenes.push((slug.to_string(), run.timeline.world().clone()));
    }
    scenes
}

/// How a line is made.
#[derive(Clone, Debug)]
enum Line {
    /// From a command table.
    Table(Index, Vec<Token>),
    /// A host program without a table.
    Host(Index, Vec<Index>),
    /// `docker exec [-i] CONTAINER program …`.
    Exec(Index, Index, Vec<Index>, bool),
    /// A real line from the scenarios, its words swapped or dropped.
    Corpus(Index, Vec<(Index, Index, u8)>),
    /// A `!` fault line.
    Fault(Index, Vec<Index>),
}

/// What the shell does around a command.
#[derive(Clone, Debug)]
enum Wrap {
    None,
    /// `X=$(…)` / `… $(…)`
    Substitution,
    HereDoc(Index),
    RedirectOut(bool),
    RedirectIn,
    Variable,
}

#[derive(Clone, Debug)]
struct Typed {
    line: Line,
    wrap: Wrap,
    corruption: Vec<Mutation>,
    /// Events to run after the line (timers, the prompt coming back).
    steps_after: u8,
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        5 => (any::<Index>(), prop::collection::vec(token(), 0..6))
            .prop_map(|(c, t)| Line::Table(c, t)),
        2 => (any::<Index>(), prop::collection::vec(any::<Index>(), 0..5))
            .prop_map(|(p, w)| Line::Host(p, w)),
        1 => (any::<Index>(), any::<Index>(), prop::collection::vec(any::<Index>(), 0..6), any::<bool>())
            .prop_map(|(c, p, w, i)| Line::Exec(c, p, w, i)),
        3 => (any::<Index>(), prop::collection::vec((any::<Index>(), any::<Index>(), 0u8..4), 0..3))
            .prop_map(|(l, e)| Line::Corpus(l, e)),
        1 => (any::<Index>(), prop::collection::vec(any::<Index>(), 0..3))
            .prop_map(|(f, w)| Line::Fault(f, w)),
    ]
}

fn wrap() -> impl Strategy<Value = Wrap> {
    prop_oneof![
        12 => Just(Wrap::None),
        1 => Just(Wrap::Substitution),
        1 => any::<Index>().prop_map(Wrap::HereDoc),
        1 => any::<bool>().prop_map(Wrap::RedirectOut),
        1 => Just(Wrap::RedirectIn),
        1 => Just(Wrap::Variable),
    ]
}

fn typed() -> impl Strategy<Value = Typed> {
    (
        line(),
        wrap(),
        prop::collection::vec(mutation(), 0..2),
        0u8..4,
    )
        .prop_map(|(line, wrap, corruption, steps_after)| Typed {
            line,
            wrap,
            corruption,
            steps_after,
        })
}

const FAULTS: &[&str] = &[
    "crash",
    "oom",
    "busy",
    "reboot",
    "kill",
    "start",
    "partition",
    "heal",
    "fill-disk",
    "free-disk",
    "leak",
    "dns",
    "writes",
    "traffic",
    "vote",
    "results",
    "drop-table",
    "delete-volume",
    "corrupt-volume",
    "lose-disk",
    "ransomware",
    "nosuch",
];
const FAULT_WORDS: &[&str] = &[
    "web",
    "db",
    "node-2",
    "node-3",
    "1",
    "137",
    "-1",
    "10M/s",
    "stop",
    "start",
    "notes",
    "app.example.com",
    "node-1:8080",
    "20/s",
    "cats",
    "dogs",
    "2/s",
    "pgdata",
    "x",
    "99999999999",
];

struct Vocabulary {
    commands: Vec<&'static dockyard::sim::flags::Command>,
    corpus: Vec<String>,
    /// Every word of the corpus, to swap into other lines.
    words: Vec<String>,
}

impl Vocabulary {
    fn new() -> Vocabulary {
        let corpus = corpus();
        let mut words: Vec<String> = corpus
            .iter()
            .flat_map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect();
        dockyard::sim::order::sort(&mut words);
        words.dedup();
        Vocabulary {
            commands: vocabulary::commands(),
            corpus,
            words,
        }
    }

    /// The input a generated line stands for: a command or a fault.
    fn input(&self, t: &Typed) -> (String, bool) {
        let (text, fault) = match &t.line {
            Line::Table(c, tokens) => (table_line(&self.commands, c, tokens), false),
            Line::Host(p, ws) => {
                let (program, words) = p.get(HOST_TOOLS);
                let mut line = program.to_string();
                for w in ws {
                    if !words.is_empty() {
                        line.push(' ');
                        line.push_str(w.get::<&str>(words));
                    }
                }
                (line, false)
            }
            Line::Exec(c, p, ws, interactive) => {
                let (program, words) = p.get(IN_CONTAINER);
                let mut line = format!(
                    "docker exec {}{} {program}",
                    if *interactive { "-i " } else { "" },
                    c.get(&["db", "web", "api", "app_db", "nosuch"])
                );
                for w in ws {
                    line.push(' ');
                    line.push_str(w.get::<&str>(words));
                }
                (line, false)
            }
            Line::Corpus(l, edits) => {
                let line = l.get(&self.corpus);
                let (first, body) = match line.split_once('\n') {
                    Some((f, b)) => (f.to_string(), Some(b.to_string())),
                    None => (line.clone(), None),
                };
                let mut words: Vec<String> = first.split(' ').map(str::to_string).collect();
                for (at, word, how) in edits {
                    let i = at.index(words.len().max(1));
                    let new = word.get(&self.words).clone();
                    match how {
                        0 if i < words.len() => words[i] = new,
                        1 if i < words.len() && words.len() > 1 => {
                            words.remove(i);
                        }
                        2 => words.insert(i.min(words.len()), new),
                        _ => words.push(new),
                    }
                }
                let mut text = words.join(" ");
                if let Some(body) = body {
                    text.push('\n');
                    text.push_str(&body);
                }
                (text, false)
            }
            Line::Fault(f, ws) => {
                let mut line = f.get(FAULTS).to_string();
                for w in ws {
                    line.push(' ');
                    line.push_str(w.get::<&str>(FAULT_WORDS));
                }
                (line, true)
            }
        };
        let text = if fault {
            text
        } else {
            match &t.wrap {
                Wrap::None => text,
                Wrap::Substitution => format!("echo $({text})"),
                Wrap::HereDoc(body) => format!(
                    "{text} <<EOF\n{}\nEOF",
                    body.get(&self.corpus).lines().next().unwrap_or_default()
                ),
                Wrap::RedirectOut(append) => {
                    format!("{text} {} out.txt", if *append { ">>" } else { ">" })
                }
                Wrap::RedirectIn => format!("{text} < compose.yaml"),
                Wrap::Variable => format!("export X=\"{}\"", text.replace('"', "\\\"")),
            }
        };
        (mutate_all(&text, &t.corruption), fault)
    }
}

/// A `docker` (or `ssh … docker`) subcommand whose refusal may keep a part-way change, as the
/// product documents (`DockerError::keeping_state`): a failed start or removal, a failed build's
/// report, `network connect` errors after some connections, probes and curl's counted requests.
fn may_keep_state(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    !words.first().is_some_and(|p| {
        matches!(
            *p,
            "docker" | "cat" | "echo" | "ls" | "mkdir" | "pwd" | "touch" | "export" | "unset"
        )
    }) || has("run")
        || has("start")
        || has("restart")
        || has("rm")
        || has("build")
        || has("compose")
        || has("network")
        || has("exec")
        || has("stack")
        || has("service")
        || has("swarm")
        || has("node")
        || has("secret")
        || line.contains("$(")
        || line.contains('>')
}

/// Types one generated line (or applies a fault) and checks the promises.
///
/// The refusal is judged on `shell::on_input` itself, on a copy: the step that carries the line
/// also runs the kernel's after-step passes (a `docker compose` job waiting from an earlier
/// line moves on, logs are synced), which change the world whatever the line did.
fn apply(world: &mut World, vocab: &Vocabulary, t: &Typed) -> Result<(), TestCaseError> {
    let (text, is_fault) = vocab.input(t);
    if !is_fault && !may_keep_state(&text) {
        let mut trial = world.clone();
        let mut rec = dockyard::sim::Record::new(trial.now_ms);
        dockyard::sim::shell::on_input(&mut trial, Input::Command(text.clone()), &mut rec);
        if rec.error {
            prop_assert!(
                trial.engine == world.engine
                    && trial.fs == world.fs
                    && trial.swarm == world.swarm
                    && trial.shell.env == world.shell.env,
                "{text:?} was refused but changed the world:\n{}",
                rec.terminal_text()
            );
        }
    }
    let record = if is_fault {
        match Fault::parse(&text) {
            Ok(fault) => testkit::submit(world, Input::Fault(fault)),
            Err(_) => return Ok(()),
        }
    } else {
        testkit::type_line(world, &text)
    };
    invariants(world, &text)?;
    if std::env::var_os("FUZZ_SHOW").is_some() {
        // What the generator makes and how the terminal answers, to judge the strategies.
        let answer = record.terminal_text();
        println!("{text:?}\n    -> {:?}", answer.lines().nth(1).unwrap_or(""));
    }
    for _ in 0..t.steps_after {
        if dockyard::sim::step(world).is_none() {
            break;
        }
        invariants(world, &text)?;
    }
    Ok(())
}

fn run_lines(default_cases: u32, name: &str, max_lines: usize) {
    let scenes = scenes();
    let vocab = Vocabulary::new();
    let cfg = config(default_cases);
    let cases = cfg.cases;
    let mut runner = TestRunner::new(cfg);
    let strategy = (
        any::<Index>(),
        prop::collection::vec(typed(), 1..=max_lines),
    );
    let result = runner.run(&strategy, |(scene, lines)| {
        if fuzz_support::out_of_time() {
            return Ok(());
        }
        let watch = Watch::start();
        let (_, start) = scene.get(&scenes);
        let mut world = start.clone();
        for t in &lines {
            apply(&mut world, &vocab, t)?;
        }
        let shown: Vec<String> = lines.iter().map(|t| vocab.input(t).0).collect();
        watch.check(&format!("{shown:?}"))
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    report(name, cases);
}

/// Lines from every CLI's table, host tools, `docker exec` tools, corpus lines and faults, a
/// few per case, on every scene.
#[test]
fn fuzz_terminal_lines() {
    run_lines(400, "terminal lines", 4);
}

/// The line parser alone: arbitrary text made of shell syntax and real words, on free play
/// (quoting, `$(`, `${`, here-document markers, redirections, NUL, UTF-8).
#[test]
fn fuzz_line_parser_on_raw_text() {
    let mut world = World::new(3);
    world.fs.seed_project("node-app").expect("template");
    let vocab = Vocabulary::new();
    let mut pieces: Vec<String> = fuzz_support::NASTY.iter().map(|s| s.to_string()).collect();
    pieces.extend(
        [
            "docker",
            "compose",
            "ssh",
            "node-2",
            "cat",
            "echo",
            "<<EOF",
            "<<'EOF'",
            "EOF",
            "<<-",
            ">",
            ">>",
            "<",
            "2>&1",
            "|",
            "sudo",
            "$X",
            "${X:-y}",
            "${X:?err}",
            "$((1+1))",
            "\\\n",
            "$(echo",
            "$(docker ps -q)",
            "`ls`",
            "export",
            "X=1",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    pieces.extend(vocab.words.iter().take(400).cloned());
    let cfg = config(300);
    let cases = cfg.cases;
    let mut runner = TestRunner::new(cfg);
    let strategy = prop::collection::vec((select(pieces), any::<bool>()), 0..16);
    let result = runner.run(&strategy, |parts| {
        if fuzz_support::out_of_time() {
            return Ok(());
        }
        let watch = Watch::start();
        let line: String = parts
            .iter()
            .map(|(p, space)| if *space { format!("{p} ") } else { p.clone() })
            .collect();
        let mut w = world.clone();
        let record = testkit::type_line(&mut w, &line);
        invariants(&w, &line)?;
        let _ = record.terminal_text();
        watch.check(&line)
    });
    if let Err(e) = result {
        panic!("line parser: {e}");
    }
    report("line parser (raw text)", cases);
}

/// Found by `fuzz_terminal_lines` (release, 2026-12-06): a shipped scenario's line, then a line
/// Docker refuses (`docker volume inspect web`). The step of the refused line also runs the
/// kernel's after-step passes (a waiting `docker compose` job moves on), so the refusal is judged
/// where the product makes its promise: `shell::on_input` puts the world back.
#[test]
fn a_refused_line_changes_nothing_whatever_ran_before() {
    let vocab = Vocabulary::new();
    let mut start = World::new(7);
    start.fs.seed_project("node-app").expect("template");
    for line in &vocab.corpus {
        let mut world = start.clone();
        testkit::type_line(&mut world, line);
        let before = world.clone();
        let mut rec = dockyard::sim::Record::new(world.now_ms);
        dockyard::sim::shell::on_input(
            &mut world,
            Input::Command("docker volume inspect web".into()),
            &mut rec,
        );
        assert!(rec.error, "after {line:?}: {}", rec.terminal_text());
        assert!(
            world.engine == before.engine
                && world.fs == before.fs
                && world.swarm == before.swarm
                && world.shell.env == before.shell.env,
            "after {line:?} the refusal changed the world"
        );
    }
}

/// The same finding as the site sees it: after a `sudo` line, a refused command is a refusal
/// (it does not become a step that throws the scenario's future away).
#[test]
fn a_refused_command_after_sudo_is_not_a_step() {
    let mut run = Run::sandbox(1);
    run.submit(Input::Command("sudo mkdir -p /mnt/backup".into()));
    let refused = run.refusal(&Input::Command("docker volume inspect web".into()));
    let record = refused.expect("a refusal, not a step");
    assert!(
        record
            .terminal_text()
            .contains("Error response from daemon: get web: no such volume")
    );
}
