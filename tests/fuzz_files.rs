//! Structured fuzzing of the files the terminal reads: the Dockerfile parser and the build behind
//! it, the Compose and stack loader (YAML trees built from the Compose schema's own keys,
//! arbitrary YAML, alias bombs, and mutations of the real files in tests/data), and crontabs.
//!
//! Real Docker answers a broken file with an error naming its line and leaves everything as it
//! was. We check that on the simulation: no panic, no case past the hang limit, the world's
//! invariants after every step, and a refused `docker compose up`/`config` or `docker stack
//! deploy` (a file the loader rejects) leaves the containers, files, swarm and shell equal.
//! Simplified: the schema walk picks each keyword's shape at random rather than exhaustively;
//! YAML is emitted in block style with flow lists now and then.
#![cfg(not(target_arch = "wasm32"))]

mod fuzz_support;

use dockyard::sim::docker::compose::yaml;
use dockyard::sim::docker::dockerfile;
use dockyard::sim::{World, testkit};
use fuzz_support::{Watch, config, invariants, mutate_all, mutation, report};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestRunner;
use serde_json::Value as Json;

/// Runs events until the prompt is back (a build, a compose job), at most `max` steps.
fn settle(world: &mut World, max: usize, what: &str) -> Result<(), TestCaseError> {
    for _ in 0..max {
        if !world.shell.is_busy() {
            break;
        }
        if dockyard::sim::step(world).is_none() {
            break;
        }
        invariants(world, what)?;
    }
    Ok(())
}

/// Types `line`; when Docker refuses it as a load error, the world must be as it was.
fn load_command(world: &mut World, line: &str, file: &str) -> Result<(), TestCaseError> {
    let before = world.clone();
    let record = testkit::type_line(world, line);
    invariants(world, line)?;
    if std::env::var_os("FUZZ_SHOW").is_some() {
        let answer = record.terminal_text();
        println!("{line} -> {:?}", answer.lines().nth(1).unwrap_or(""));
    }
    // `docker stack deploy` creates the networks, then each service: a service the daemon
    // refuses after that leaves what was created, as on a real swarm (the answer says so).
    let text = record.terminal_text();
    let part_way = text
        .lines()
        .any(|l| l.starts_with("Creating ") || l.contains(" Created") || l.contains(" Creating"));
    if record.error && !part_way {
        prop_assert!(
            world.engine == before.engine
                && world.fs == before.fs
                && world.swarm == before.swarm
                && world.shell == before.shell,
            "`{line}` refused the file but changed the world:\n{}\n--- file ---\n{file}",
            record.terminal_text()
        );
    }
    settle(world, 40, line)
}

// ---------------------------------------------------------------------------------------------
// Compose: trees from the schema
// ---------------------------------------------------------------------------------------------

/// A YAML value to emit.
#[derive(Clone, Debug)]
enum Y {
    /// A scalar as it is written (already quoted when it needs to be).
    Scalar(String),
    List(Vec<Y>),
    Map(Vec<(String, Y)>),
}

/// Reads choices from proptest's entropy, wrapping around (shrinking shortens and zeroes it,
/// which steers the walk to the first choices: small trees).
struct Entropy<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Entropy<'_> {
    fn below(&mut self, n: usize) -> usize {
        if self.bytes.is_empty() || n == 0 {
            return 0;
        }
        let b = self.bytes[self.at % self.bytes.len()];
        self.at += 1;
        usize::from(b) % n
    }
}

/// Scalars of every YAML type, right and wrong for what a key expects.
const SCALARS: &[&str] = &[
    "nginx",
    "postgres:16",
    "redis:7-alpine",
    "\"8080:80\"",
    "8080:80",
    "80",
    "\"127.0.0.1:5432:5432\"",
    "data:/data",
    "./src:/app:ro",
    "web",
    "db",
    "front",
    "always",
    "on-failure",
    "unless-stopped",
    "\"no\"",
    "no",
    "yes",
    "true",
    "false",
    "~",
    "null",
    "0",
    "-1",
    "3",
    "1.5",
    "1e3",
    "0x1F",
    "0o17",
    ".inf",
    "-.nan",
    "99999999999999999999999",
    "10s",
    "1m30s",
    "500ms",
    "512M",
    "2g",
    "\"\"",
    "''",
    "\"${DB_PASSWORD}\"",
    "${PORT:-8080}:80",
    "\"${X:?must be set}\"",
    "$$HOME",
    "\"CMD-SHELL\"",
    "[\"CMD\", \"curl\", \"-f\", \"http://localhost\"]",
    "sh -c 'echo hi'",
    "node.role == manager",
    "traefik.enable=true",
    "\"traefik.http.routers.web.rule=Host(`a.example.com`)\"",
    "json-file",
    "bridge",
    "overlay",
    "host",
    "external",
    "\"é🐳\"",
    "2026-01-05",
    "!!str 5",
    "!!int x",
    "&anchor web",
    "*nosuch",
];

/// Every key the schema knows anywhere (for a wrong key in the right place).
fn schema_keys(schema: &Json, out: &mut Vec<String>) {
    match schema {
        Json::Object(map) => {
            for (k, v) in map {
                if k == "properties"
                    && let Json::Object(props) = v
                {
                    out.extend(props.keys().cloned());
                }
                schema_keys(v, out);
            }
        }
        Json::Array(items) => items.iter().for_each(|i| schema_keys(i, out)),
        _ => {}
    }
}

struct Schema {
    root: Json,
    keys: Vec<String>,
}

impl Schema {
    fn load() -> Schema {
        let text = std::fs::read_to_string(format!(
            "{}/src/sim/docker/compose/compose-spec.min.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("the embedded Compose schema");
        let root: Json = serde_json::from_str(&text).expect("the schema is JSON");
        let mut keys = Vec::new();
        schema_keys(&root, &mut keys);
        dockyard::sim::order::sort(&mut keys);
        keys.dedup();
        Schema { root, keys }
    }

    fn resolve<'a>(&'a self, s: &'a Json) -> &'a Json {
        let mut s = s;
        for _ in 0..8 {
            match s.get("$ref").and_then(Json::as_str) {
                Some(r) => {
                    let name = r.rsplit('/').next().unwrap_or_default();
                    match self.root["definitions"].get(name) {
                        Some(def) => s = def,
                        None => break,
                    }
                }
                None => break,
            }
        }
        s
    }

    /// Any scalar at all: the wrong type for the place, most of the time.
    fn scalar(&self, e: &mut Entropy) -> Y {
        Y::Scalar(SCALARS[e.below(SCALARS.len())].to_string())
    }

    /// A scalar of the type the schema asks for (one time in twenty, any scalar).
    fn typed_scalar(&self, ty: &str, key: &str, e: &mut Entropy) -> Y {
        if e.below(20) == 0 {
            return self.scalar(e);
        }
        let pool: &[&str] = match (ty, key) {
            ("integer", _) => &[
                "0",
                "1",
                "3",
                "-1",
                "512",
                "65536",
                "99999999999999999999",
                "9223372036854775807",
                "-9223372036854775808",
                "4294967296",
            ],
            ("number", _) => &["0", "0.5", "1.5", "2", "-1", "1e3"],
            ("boolean", _) => &["true", "false"],
            ("null", _) => &["", "~", "null"],
            (_, "image") => &[
                "nginx",
                "postgres:16",
                "redis:7",
                "alpine:3.20",
                "traefik:v3.1",
                "node:20-alpine",
                "nosuch/x:1",
                "NGINX",
            ],
            (
                _,
                "interval" | "timeout" | "start_period" | "start_interval" | "delay" | "monitor"
                | "stop_grace_period" | "window",
            ) => &[
                "10s",
                "1m30s",
                "500ms",
                "0s",
                "abc",
                "-1s",
                "2562047h",
                "99999999999h",
                "1e20s",
            ],
            (_, "memory" | "mem_limit" | "shm_size" | "memswap_limit" | "mem_reservation") => &[
                "512M",
                "2g",
                "1024",
                "0",
                "abc",
                "99999999T",
                "18446744073709551615",
            ],
            (_, "cpus") => &["0.5", "2", "0", "-1", "1e6", "1e308"],
            (_, "replicas") => &["1", "3", "0", "-1", "100000", "4294967296"],
            (_, "restart") => &[
                "always",
                "\"no\"",
                "on-failure:3",
                "unless-stopped",
                "sometimes",
            ],
            (_, "condition") => &[
                "service_healthy",
                "service_started",
                "service_completed_successfully",
                "on-failure",
                "any",
                "none",
            ],
            (_, "driver") => &["bridge", "overlay", "local", "json-file", "host", "nosuch"],
            (_, "mode") => &["replicated", "global", "host", "ingress", "vip", "dnsrr"],
            (_, "order") => &["start-first", "stop-first"],
            (_, "failure_action") => &["rollback", "pause", "continue"],
            (_, "target" | "published") => &["80", "8080", "\"8080\"", "70000", "/data"],
            _ => &[
                "web",
                "db",
                "\"8080:80\"",
                "80",
                "data:/data",
                "./src:/app:ro",
                "/data",
                "\"${PORT:-8080}:80\"",
                "\"$${HOME}\"",
                "A=1",
                "node.role == manager",
                "traefik.enable=true",
                "sh -c 'echo hi'",
                "\"CMD-SHELL\"",
                "\"\"",
                "é",
                "value",
            ],
        };
        Y::Scalar(pool[e.below(pool.len())].to_string())
    }

    fn name(&self, e: &mut Entropy) -> String {
        [
            "web", "db", "api", "cache", "front", "back", "data", "default", "x-y", "1", "é",
        ][e.below(11)]
        .to_string()
    }

    /// A value for `schema`, `depth` levels deep; one time in eight something of the wrong shape.
    fn value(&self, schema: &Json, key: &str, e: &mut Entropy, depth: usize) -> Y {
        let schema = self.resolve(schema);
        if depth > 6 || e.below(40) == 0 {
            return self.scalar(e);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Json::Array(options)) = schema.get(key)
                && !options.is_empty()
            {
                let pick = &options[e.below(options.len())];
                return self.value(pick, key, e, depth + 1);
            }
        }
        let ty = match schema.get("type") {
            Some(Json::String(t)) => t.clone(),
            Some(Json::Array(ts)) if !ts.is_empty() => ts[e.below(ts.len())]
                .as_str()
                .unwrap_or("string")
                .to_string(),
            _ if schema.get("properties").is_some() => "object".to_string(),
            _ => "string".to_string(),
        };
        match ty.as_str() {
            "object" => {
                let mut entries = Vec::new();
                let props = schema.get("properties").and_then(Json::as_object);
                let patterned = schema.get("patternProperties").and_then(Json::as_object);
                let extra = schema.get("additionalProperties");
                // `^x-` is the extension pattern: an extension field now and then, not names.
                let open = patterned.is_some_and(|p| p.keys().any(|k| k != "^x-"))
                    || extra.is_some_and(|x| x.is_object() || x == &Json::Bool(true));
                if patterned.is_some_and(|p| p.contains_key("^x-")) && e.below(10) == 0 {
                    entries.push(("x-extension".to_string(), self.scalar(e)));
                }
                // What the schema requires comes first, so most maps are complete.
                if let Some(Json::Array(required)) = schema.get("required") {
                    for k in required.iter().filter_map(Json::as_str) {
                        let v = props.and_then(|p| p.get(k)).cloned().unwrap_or(Json::Null);
                        entries.push((k.to_string(), self.value(&v, k, e, depth + 1)));
                    }
                }
                let count = e.below(5);
                for _ in 0..count {
                    let wrong_key = e.below(40) == 0;
                    match props {
                        Some(p) if !p.is_empty() && !wrong_key && (!open || e.below(2) == 0) => {
                            let (k, v) = p.iter().nth(e.below(p.len())).expect("in range");
                            entries.push((k.clone(), self.value(v, k, e, depth + 1)));
                        }
                        _ if wrong_key => {
                            let k = self.keys[e.below(self.keys.len())].clone();
                            entries.push((k, self.scalar(e)));
                        }
                        _ if open => {
                            let inner = patterned
                                .and_then(|p| p.iter().find(|(k, _)| *k != "^x-").map(|(_, v)| v))
                                .or(extra.filter(|x| x.is_object()))
                                .cloned()
                                .unwrap_or(Json::Object(Default::default()));
                            let name = self.name(e);
                            entries.push((name.clone(), self.value(&inner, &name, e, depth + 1)));
                        }
                        _ => {}
                    }
                }
                // A key twice is a YAML error already tested by the arbitrary YAML; keep the first.
                let mut seen = std::collections::BTreeSet::new();
                entries.retain(|(k, _)| seen.insert(k.clone()));
                Y::Map(entries)
            }
            "array" => {
                let items = schema.get("items").cloned().unwrap_or(Json::Null);
                Y::List(
                    (0..e.below(4))
                        .map(|_| self.value(&items, key, e, depth + 1))
                        .collect(),
                )
            }
            _ => {
                if let Some(Json::Array(options)) = schema.get("enum")
                    && !options.is_empty()
                    && e.below(2) == 0
                {
                    let v = &options[e.below(options.len())];
                    return Y::Scalar(match v {
                        Json::String(s) => s.clone(),
                        other => other.to_string(),
                    });
                }
                self.typed_scalar(&ty, key, e)
            }
        }
    }

    /// A Compose file: `services` with a few services, and maybe networks, volumes, secrets.
    fn file(&self, e: &mut Entropy) -> Y {
        let service = &self.root["definitions"]["service"];
        let mut services = Vec::new();
        for _ in 0..=e.below(3) {
            let mut body = match self.value(service, "service", e, 1) {
                Y::Map(m) => m,
                other => vec![("command".to_string(), other)],
            };
            if e.below(6) > 0 && !body.iter().any(|(k, _)| k == "image") {
                body.insert(
                    0,
                    ("image".to_string(), self.typed_scalar("string", "image", e)),
                );
            }
            let name = self.name(e);
            if !services.iter().any(|(n, _)| *n == name) {
                services.push((name, Y::Map(body)));
            }
        }
        let mut top = vec![("services".to_string(), Y::Map(services))];
        for key in [
            "networks", "volumes", "secrets", "configs", "name", "version", "include",
        ] {
            if e.below(5) == 0 {
                let schema = &self.root["properties"][key];
                top.push((key.to_string(), self.value(schema, key, e, 1)));
            }
        }
        if e.below(4) == 0 {
            let n = top.len();
            top.swap(0, e.below(n));
        }
        Y::Map(top)
    }
}

/// Block-style YAML, with flow lists now and then.
fn emit(y: &Y, indent: usize, out: &mut String, e: &mut Entropy) {
    let pad = " ".repeat(indent);
    match y {
        Y::Scalar(s) => {
            out.push(' ');
            out.push_str(s);
            out.push('\n');
        }
        Y::List(items) if items.is_empty() => out.push_str(" []\n"),
        Y::Map(items) if items.is_empty() => out.push_str(" {}\n"),
        Y::List(items) if e.below(3) == 0 && items.iter().all(|i| matches!(i, Y::Scalar(_))) => {
            let words: Vec<&str> = items
                .iter()
                .map(|i| match i {
                    Y::Scalar(s) => s.as_str(),
                    _ => "",
                })
                .collect();
            out.push_str(&format!(" [{}]\n", words.join(", ")));
        }
        Y::List(items) => {
            out.push('\n');
            for item in items {
                out.push_str(&pad);
                out.push('-');
                match item {
                    Y::Map(m) if !m.is_empty() => {
                        // The first key on the dash's line, the rest under it.
                        let mut first = true;
                        for (k, v) in m {
                            if first {
                                out.push_str(&format!(" {k}:"));
                                first = false;
                            } else {
                                out.push_str(&format!("{pad}  {k}:"));
                            }
                            emit(v, indent + 4, out, e);
                        }
                    }
                    other => emit(other, indent + 2, out, e),
                }
            }
        }
        Y::Map(items) => {
            out.push('\n');
            for (k, v) in items {
                out.push_str(&format!("{pad}{k}:"));
                emit(v, indent + 2, out, e);
            }
        }
    }
}

fn compose_text(schema: &Schema, bytes: &[u8]) -> String {
    let mut e = Entropy { bytes, at: 0 };
    let tree = schema.file(&mut e);
    let mut out = String::new();
    if let Y::Map(items) = &tree {
        for (k, v) in items {
            out.push_str(&format!("{k}:"));
            emit(v, 2, &mut out, &mut e);
        }
    }
    out
}

/// A free-play host with the course's project, and a formed swarm of three machines.
fn worlds() -> (World, World) {
    let mut host = World::new(5);
    host.fs.seed_project("node-app").expect("template");
    let mut swarm = World::new(6);
    dockyard::sim::swarm::setup::form(&mut swarm, 1, 2);
    (host, swarm)
}

/// The compose loader on one file: parsed alone, then `config`, `up -d` on a host and
/// `stack deploy` on a swarm.
fn compose_case(host: &World, swarm: &World, text: &str) -> Result<(), TestCaseError> {
    let _ = yaml::parse(text);
    let mut w = host.clone();
    w.fs.write("compose.yaml", text, false)
        .map_err(TestCaseError::fail)?;
    load_command(&mut w, "docker compose config", text)?;
    load_command(&mut w, "docker compose up -d", text)?;
    let mut s = swarm.clone();
    s.fs.write("stack.yml", text, false)
        .map_err(TestCaseError::fail)?;
    load_command(&mut s, "docker stack deploy -c stack.yml fz", text)?;
    Ok(())
}

/// Compose files built from the schema's keys with random scalars of every type.
#[test]
fn fuzz_compose_files_from_the_schema() {
    let schema = Schema::load();
    let (host, swarm) = worlds();
    let cfg = config(120);
    let cases = cfg.cases;
    let mut runner = TestRunner::new(cfg);
    let show = std::env::var_os("FUZZ_SHOW").is_some();
    let result = runner.run(&prop::collection::vec(any::<u8>(), 1..160), |bytes| {
        if fuzz_support::out_of_time() {
            return Ok(());
        }
        let watch = Watch::start();
        let text = compose_text(&schema, &bytes);
        if show {
            println!("---\n{text}");
        }
        compose_case(&host, &swarm, &text)?;
        watch.check(&text)
    });
    if let Err(e) = result {
        panic!("compose from the schema: {e}");
    }
    report("compose files from the schema", cases);
}

/// The real files of tests/data (39 awesome-compose samples, the voting app's compose and stack
/// files), each mutated: lines cut, repeated, swapped, re-indented, bytes flipped, tokens added.
#[test]
fn fuzz_real_compose_files_mutated() {
    let files = fuzz_support::real_compose_files();
    let (host, swarm) = worlds();
    let cfg = config(120);
    let cases = cfg.cases;
    let mut runner = TestRunner::new(cfg);
    let strategy = (any::<Index>(), prop::collection::vec(mutation(), 1..5));
    let result = runner.run(&strategy, |(which, ms)| {
        if fuzz_support::out_of_time() {
            return Ok(());
        }
        let watch = Watch::start();
        let (name, text) = which.get(&files);
        let text = mutate_all(text, &ms);
        compose_case(&host, &swarm, &text)?;
        watch.check(&format!("{name} mutated by {ms:?}"))
    });
    if let Err(e) = result {
        panic!("real files mutated: {e}");
    }
    report("real compose files mutated", cases);
}

/// YAML syntax soup: anchors, aliases, merge keys, tags, block scalars, flow collections,
/// directives and document markers, on the parser and `docker compose config`.
#[test]
fn fuzz_arbitrary_yaml() {
    const PIECES: &[&str] = &[
        "services:",
        "web:",
        "image:",
        " nginx",
        "ports:",
        "- ",
        "  ",
        "    ",
        "\n",
        "\n  ",
        "&a ",
        "*a",
        "<<: *a",
        "!!str ",
        "!!map ",
        "!custom ",
        "{",
        "}",
        "[",
        "]",
        ",",
        ": ",
        "|",
        ">-",
        "|+",
        "---",
        "...",
        "? ",
        "%YAML 1.2",
        "%TAG ! tag:x,2000:",
        "\"",
        "'",
        "#",
        "\t",
        "\r\n",
        "x-common: &c",
        "environment:",
        "A: 1",
        "- A=1",
        "${X}",
        "$${X}",
        "é",
        "\u{feff}",
        "\0",
        "0x",
        "-1",
        "null",
        "~",
        "9999999999999999999999",
        "- [",
        "]]",
    ];
    let (host, _) = worlds();
    let cfg = config(300);
    let cases = cfg.cases;
    let mut runner = TestRunner::new(cfg);
    let result = runner.run(&prop::collection::vec(select(PIECES), 0..40), |parts| {
        if fuzz_support::out_of_time() {
            return Ok(());
        }
        let watch = Watch::start();
        let text: String = parts.concat();
        let _ = yaml::parse(&text);
        let mut w = host.clone();
        w.fs.write("compose.yaml", &text, false)
            .map_err(TestCaseError::fail)?;
        load_command(&mut w, "docker compose config", &text)?;
        watch.check(&text)
    });
    if let Err(e) = result {
        panic!("arbitrary YAML: {e}");
    }
    report("arbitrary YAML", cases);
}

/// Alias bombs ("billion laughs"): each level repeats the previous one `width` times. The
/// parser's cap on copied nodes must refuse them quickly, never hang or run out of memory.
#[test]
fn fuzz_yaml_alias_bombs() {
    let cfg = config(40);
    let cases = cfg.cases;
    let mut runner = TestRunner::new(cfg);
    let (host, _) = worlds();
    let result = runner.run(
        &(1usize..12, 1usize..12, any::<bool>()),
        |(depth, width, in_service)| {
            if fuzz_support::out_of_time() {
                return Ok(());
            }
            let watch = Watch::start();
            let mut text = String::from("x-l0: &l0 [\"lol\"]\n");
            for d in 1..=depth {
                let refs = vec![format!("*l{}", d - 1); width].join(", ");
                text.push_str(&format!("x-l{d}: &l{d} [{refs}]\n"));
            }
            text.push_str("services:\n  web:\n    image: nginx\n");
            if in_service {
                text.push_str(&format!("    command: *l{depth}\n"));
            }
            let _ = yaml::parse(&text);
            let mut w = host.clone();
            w.fs.write("compose.yaml", &text, false)
                .map_err(TestCaseError::fail)?;
            load_command(&mut w, "docker compose config", &text)?;
            watch.check(&format!("depth {depth} width {width}"))
        },
    );
    if let Err(e) = result {
        panic!("alias bombs: {e}");
    }
    report("YAML alias bombs", cases);
}

// ---------------------------------------------------------------------------------------------
// Dockerfiles
// ---------------------------------------------------------------------------------------------

/// Instruction lines, in forms BuildKit accepts and forms it refuses.
const DOCKERFILE_LINES: &[&str] = &[
    "FROM node:20-alpine",
    "FROM node:20-alpine AS build",
    "FROM build AS final",
    "FROM --platform=linux/amd64 alpine",
    "FROM scratch",
    "FROM nosuch/image:9",
    "FROM $BASE",
    "FROM",
    "ARG BASE=alpine",
    "ARG VERSION",
    "ARG",
    "ENV NODE_ENV=production",
    "ENV A=1 B=\"two words\"",
    "ENV KEY value",
    "ENV",
    "WORKDIR /app",
    "WORKDIR relative",
    "WORKDIR $HOME/x",
    "COPY package*.json ./",
    "COPY . .",
    "COPY --from=build /app/dist /usr/share/nginx/html",
    "COPY --from=nosuch /x /y",
    "COPY --chown=node:node . .",
    "COPY --chmod=755 server.js /app/",
    "COPY nosuch.txt /",
    "COPY [\"server.js\", \"/app/\"]",
    "COPY",
    "ADD https://example.com/x.tar.gz /tmp/",
    "ADD archive.tar.gz /opt/",
    "RUN npm ci",
    "RUN npm ci --omit=dev",
    "RUN apk add --no-cache curl",
    "RUN [\"sh\", \"-c\", \"echo hi\"]",
    "RUN --mount=type=cache,target=/root/.npm npm ci",
    "RUN exit 1",
    "RUN",
    "CMD [\"node\", \"server.js\"]",
    "CMD node server.js",
    "CMD [\"node\", \"server.js\"",
    "CMD []",
    "ENTRYPOINT [\"docker-entrypoint.sh\"]",
    "ENTRYPOINT nginx -g 'daemon off;'",
    "EXPOSE 3000",
    "EXPOSE 80/tcp 443/udp",
    "EXPOSE 70000",
    "EXPOSE abc",
    "USER node",
    "USER 1000:1000",
    "USER",
    "HEALTHCHECK --interval=5s --timeout=3s CMD wget -qO- http://localhost:3000/ || exit 1",
    "HEALTHCHECK NONE",
    "HEALTHCHECK --interval=abc CMD true",
    "HEALTHCHECK CMD",
    "LABEL org.opencontainers.image.source=https://github.com/x/y",
    "LABEL a=b c=\"d e\"",
    "VOLUME /data",
    "VOLUME [\"/data\", \"/logs\"]",
    "STOPSIGNAL SIGTERM",
    "STOPSIGNAL 99",
    "SHELL [\"/bin/bash\", \"-c\"]",
    "ONBUILD RUN echo hi",
    "MAINTAINER someone",
    "RUN echo one \\",
    "    && echo two",
    "\\",
    "# a comment",
    "# syntax=docker/dockerfile:1",
    "# escape=`",
    "",
    "   ",
    "frm alpine",
    "COPPY . .",
    "run echo lower",
    "RUN <<EOF",
    "echo heredoc",
    "EOF",
    "\t RUN echo tab",
    "RUN echo é🐳",
];

/// Dockerfiles from real instruction lines: parsed, then built (`docker build`) in the course's
/// project folder, with `--target` and `--build-arg` now and then.
#[test]
fn fuzz_dockerfiles() {
    let (host, _) = worlds();
    let cfg = config(200);
    let cases = cfg.cases;
    let mut runner = TestRunner::new(cfg);
    let strategy = (
        prop::collection::vec(select(DOCKERFILE_LINES), 0..14),
        prop::collection::vec(mutation(), 0..2),
        0u8..4,
    );
    let result = runner.run(&strategy, |(lines, ms, flags)| {
        if fuzz_support::out_of_time() {
            return Ok(());
        }
        let watch = Watch::start();
        let text = mutate_all(&lines.join("\n"), &ms);
        if let Err(e) = dockerfile::parse(&text) {
            let _ = dockerfile::excerpt("Dockerfile", &text, e.line);
        }
        let mut w = host.clone();
        w.fs.write("Dockerfile", &text, false)
            .map_err(TestCaseError::fail)?;
        let line = match flags {
            0 => "docker build -t fz .",
            1 => "docker build -t fz --target build .",
            2 => "docker build --build-arg BASE=nginx -t fz:2 .",
            _ => "docker build --no-cache -f Dockerfile -t fz .",
        };
        testkit::type_line(&mut w, line);
        invariants(&w, line)?;
        settle(&mut w, 60, line)?;
        testkit::type_line(&mut w, "docker run -d --name fz fz");
        invariants(&w, "docker run -d --name fz fz")?;
        settle(&mut w, 10, "docker run")?;
        watch.check(&text)
    });
    if let Err(e) = result {
        panic!("Dockerfiles: {e}");
    }
    report("Dockerfiles", cases);
}

// ---------------------------------------------------------------------------------------------
// Crontabs
// ---------------------------------------------------------------------------------------------

const CRON_FIELDS: &[&str] = &[
    "*",
    "*/5",
    "*/15",
    "0",
    "5",
    "30",
    "59",
    "60",
    "23",
    "24",
    "1-5",
    "5-1",
    "1,2,3",
    "*/0",
    "0-59/10",
    "mon",
    "MON-FRI",
    "sun,sat",
    "jan",
    "feb",
    "dec",
    "7",
    "31",
    "30",
    "0",
    "-1",
    "99999999999",
    "1-",
    "*/",
    ",,",
    "a",
    "é",
];
const CRON_COMMANDS: &[&str] = &[
    "docker exec db pg_dump -U postgres -Fc postgres > /mnt/backup/nightly.dump",
    "docker exec db pg_dump -U postgres postgres > app-$(date +\\%F).sql",
    "docker run --rm -v pgdata:/data -v /mnt/backup:/backup alpine tar czf /backup/x.tar.gz -C /data .",
    "scp /mnt/backup/nightly.dump backup-host:/backups/",
    "echo hi % not a newline",
    "/usr/local/bin/backup.sh",
    "",
];
const CRON_SPECIAL: &[&str] = &[
    "@hourly",
    "@daily",
    "@midnight",
    "@weekly",
    "@monthly",
    "@yearly",
    "@annually",
    "@reboot",
    "@bogus",
    "@",
];

#[derive(Clone, Debug)]
enum CronLine {
    Fields(Vec<Index>, Index),
    Special(Index, Index),
    Env(Index),
    Comment,
    Blank,
}

fn cron_line() -> impl Strategy<Value = CronLine> {
    prop_oneof![
        6 => (prop::collection::vec(any::<Index>(), 0..7), any::<Index>())
            .prop_map(|(f, c)| CronLine::Fields(f, c)),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(s, c)| CronLine::Special(s, c)),
        1 => any::<Index>().prop_map(CronLine::Env),
        1 => Just(CronLine::Comment),
        1 => Just(CronLine::Blank),
    ]
}

fn cron_text(lines: &[CronLine], newline_at_end: bool) -> String {
    let mut text = lines
        .iter()
        .map(|l| match l {
            CronLine::Fields(fields, command) => {
                let mut words: Vec<&str> =
                    fields.iter().map(|f| *f.get::<&str>(CRON_FIELDS)).collect();
                words.push(command.get::<&str>(CRON_COMMANDS));
                words.join(" ")
            }
            CronLine::Special(s, c) => format!("{} {}", s.get(CRON_SPECIAL), c.get(CRON_COMMANDS)),
            CronLine::Env(i) => {
                ["MAILTO=\"\"", "SHELL=/bin/bash", "PATH=/usr/bin", "=x"][i.index(4)].to_string()
            }
            CronLine::Comment => "# m h dom mon dow command".to_string(),
            CronLine::Blank => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    if newline_at_end {
        text.push('\n');
    }
    text
}

/// Crontab lines from cron's own field forms: parsed (each job's next run computed), then
/// installed with `crontab -` on the backups scene's world and two hours of simulated time run.
#[test]
fn fuzz_crontabs() {
    let mut world = World::new(8);
    world.fs.seed_project("node-app").expect("template");
    testkit::type_line(
        &mut world,
        "docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16",
    );
    testkit::wait(&mut world, 30_000);
    let cfg = config(150);
    let cases = cfg.cases;
    let mut runner = TestRunner::new(cfg);
    let strategy = (prop::collection::vec(cron_line(), 0..6), any::<bool>());
    let result = runner.run(&strategy, |(lines, newline)| {
        if fuzz_support::out_of_time() {
            return Ok(());
        }
        let watch = Watch::start();
        let text = cron_text(&lines, newline);
        if let Ok(table) = dockyard::sim::cron::model::parse(&text, "-") {
            for job in &table.jobs {
                let _ = job.next_after(world.now_ms);
            }
        }
        let mut w = world.clone();
        let line = format!(
            "crontab - <<'EOF'\n{}EOF",
            if newline {
                text.clone()
            } else {
                format!("{text}\n")
            }
        );
        testkit::type_line(&mut w, &line);
        invariants(&w, &line)?;
        let until = w.now_ms + 2 * 3_600_000;
        for _ in 0..200 {
            match w.next_due_ms() {
                Some(due) if due <= until => {
                    if dockyard::sim::step(&mut w).is_none() {
                        break;
                    }
                    invariants(&w, &line)?;
                }
                _ => break,
            }
        }
        watch.check(&text)
    });
    if let Err(e) = result {
        panic!("crontabs: {e}");
    }
    report("crontabs", cases);
}

/// Found by `fuzz_real_compose_files_mutated` (release, 2026-12-06): a service name SwarmKit
/// refuses (`elasticsearch-`, not a DNS label). The stack's network is created first, then the
/// service is refused in SwarmKit's words; the network stays, as it does on a real swarm.
#[test]
fn a_stack_service_swarmkit_refuses_keeps_the_network_created_before_it() {
    let (_, swarm) = worlds();
    let mut w = swarm.clone();
    let text = "services:\n  elasticsearch-:\n    image: elasticsearch:7.16.1\n";
    w.fs.write("stack.yml", text, false).expect("write");
    let record = testkit::type_line(&mut w, "docker stack deploy -c stack.yml fz");
    let out = record.terminal_text();
    assert!(record.error, "{out}");
    assert!(out.contains("Creating network fz_default"), "{out}");
    assert!(
        out.contains("failed to create service fz_elasticsearch-: Error response from daemon: rpc error: code = InvalidArgument desc = name must be valid as a DNS name component"),
        "{out}"
    );
    assert!(invariants(&w, "stack deploy").is_ok());
    let networks = testkit::run(&mut w, "docker network ls");
    assert!(networks.contains("fz_default"), "{networks}");
    let services = testkit::run(&mut w, "docker service ls");
    assert!(!services.contains("elasticsearch"), "{services}");
}
