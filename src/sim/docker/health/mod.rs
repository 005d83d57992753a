//! Container healthchecks: the daemon's probe loop.
//!
//! Real Docker (moby `daemon/health.go`): a container whose config has a `Healthcheck` (from the
//! image's `HEALTHCHECK` or `docker run --health-*`) starts in `starting`. The daemon runs the
//! test command inside the container one `interval` after start (default 30 s), with a `timeout`
//! (default 30 s). During `start_period` (default 0) probes run every `start_interval` (default
//! 5 s, Engine 25+) and failures do not count; a success makes it `healthy` (which ends the start
//! period). Outside the start period, `retries` (default 3; 0 means the default) consecutive
//! failures make it `unhealthy`, and any success resets the streak. Each status change emits a
//! `health_status` event. The last 5 probe results are kept in `.State.Health.Log`; a probe that
//! exceeds its timeout fails with exit code -1 and "Health check exceeded timeout (30s)".
//!
//! What we model: probes are agenda events carrying the container's `run` (stale ones are
//! dropped); what a probe returns is decided from the model by `probe_outcome` (does the
//! program listen on that port, is postgres ready, does the image have the tool at all).
//! What we simplify: a probe's command is parsed with a tiny shell (words, `||`, `&&`); probes
//! only reach `localhost`; the tools an image carries come from a small table by image name
//! (unknown, e.g. built, images are assumed to have curl and wget); a probe of a paused
//! container times out (the freezer holds the probe process, as it does in the real runtime);
//! the result is recorded when the probe is due, with its End at Start + its duration.

pub mod model;

use model::parse_go_duration;
pub use model::{
    DEFAULT_INTERVAL_MS, DEFAULT_RETRIES, DEFAULT_START_INTERVAL_MS, DEFAULT_START_PERIOD_MS,
    DEFAULT_TIMEOUT_MS, Health, HealthConfig, HealthOptions, HealthStatus, MAX_LOG_ENTRIES,
    PROBE_DURATION_MS, ProbeOutcome, ProbeResult, parse_duration_ms,
};

use super::super::event::Event;
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::time::{self, Millis};
use super::super::world::World;
use super::container::{Container, Status};

/// The container's healthcheck, when it has an active one.
pub fn config_of(c: &Container) -> Option<&HealthConfig> {
    c.config.healthcheck.as_ref().filter(|h| !h.disabled())
}

/// The container has just started: it is `starting`, and the first probe is scheduled.
pub fn on_start(world: &mut World, id: &ContainerId) {
    let Some(c) = world.engine.containers.get_mut(id) else {
        return;
    };
    let Some(config) = config_of(c).cloned() else {
        c.health = None;
        return;
    };
    c.health = Some(Health::starting());
    let run = c.run;
    let delay = next_delay(&config, HealthStatus::Starting, 0);
    world.schedule_in(
        delay,
        Event::HealthProbe {
            container: id.clone(),
            run,
        },
    );
}

/// moby: while `starting` and within the start period the next probe comes after
/// `start_interval`, otherwise after `interval`.
fn next_delay(config: &HealthConfig, status: HealthStatus, since_start_ms: Millis) -> Millis {
    if status == HealthStatus::Starting
        && config.start_period() > 0
        && since_start_ms < config.start_period()
    {
        config.start_interval()
    } else {
        config.interval()
    }
}

/// A probe is due. Returns false for a stale probe (the container stopped or restarted since).
pub fn on_health_probe(world: &mut World, id: &ContainerId, run: u32, rec: &mut Record) -> bool {
    let now = world.now_ms;
    // What a program whose answers depend on other containers answers now (the shop's API
    // fails its /api/health while PostgreSQL does not answer).
    let live = super::shop::probe_failures(world, id);
    let Some(c) = world.engine.containers.get_mut(id) else {
        return false;
    };
    if c.run != run || !c.status().is_up() {
        return false;
    }
    let Some(config) = config_of(c).cloned() else {
        return false;
    };
    let started = c.state.started_at.unwrap_or(now);
    let outcome = probe_outcome_with(c, &config, &live);
    let end = now + outcome.duration_ms;
    let name = c.name.clone();
    let health = c.health.get_or_insert_with(Health::starting);
    let before = health.status;
    health.log.push(ProbeResult {
        start_ms: now,
        end_ms: end,
        exit_code: outcome.exit_code,
        output: outcome.output.clone(),
    });
    if health.log.len() > MAX_LOG_ENTRIES {
        health.log.remove(0);
    }
    let in_start_period = now.saturating_sub(started) < config.start_period();
    if outcome.exit_code == 0 {
        health.failing_streak = 0;
        health.status = HealthStatus::Healthy;
    } else if before == HealthStatus::Starting && in_start_period {
        // moby `shouldIncrementStreak`: failures in the start period do not count.
    } else {
        health.failing_streak += 1;
        if health.failing_streak >= config.retries() {
            health.status = HealthStatus::Unhealthy;
        }
    }
    let after = health.status;
    let streak = health.failing_streak;
    rec.touch(name.clone());
    rec.title = if after != before {
        format!("{name}: health_status: {}", after.as_str())
    } else {
        format!("{name}: healthcheck exit {}", outcome.exit_code)
    };
    let verdict = if outcome.exit_code == 0 {
        "passed".to_string()
    } else if before == HealthStatus::Starting && in_start_period {
        format!(
            "failed (exit code {}), but it is still in its start period ({}), so the failure does not count",
            outcome.exit_code,
            time::human_duration(config.start_period())
        )
    } else {
        format!(
            "failed (exit code {}): {streak} failure(s) in a row, and {} in a row make it unhealthy",
            outcome.exit_code,
            config.retries()
        )
    };
    rec.say(format!(
        "The daemon ran {name}'s healthcheck ({}): it {verdict}. {}",
        test_text(&config.test),
        outcome.reason
    ));
    if after != before {
        rec.say(format!(
            "health_status: {} — {name} goes from {} to {}.",
            after.as_str(),
            before.as_str(),
            after.as_str()
        ));
    }
    let delay = outcome.duration_ms.saturating_sub(PROBE_DURATION_MS)
        + next_delay(&config, after, now.saturating_sub(started));
    world.schedule_in(
        delay,
        Event::HealthProbe {
            container: id.clone(),
            run,
        },
    );
    true
}

fn test_text(test: &[String]) -> String {
    match test.first().map(String::as_str) {
        Some("CMD-SHELL") => test[1..].join(" "),
        Some("CMD") => test[1..].join(" "),
        _ => test.join(" "),
    }
}

/// The tools an image carries, by the image's repository name. `None` = not known: assumed to
/// have the usual HTTP clients.
fn image_has(c: &Container, tool: &str) -> bool {
    let image = c.config.image.as_str();
    let repo_tag = image.rsplit('/').next().unwrap_or(image);
    let (repo, tag) = repo_tag.split_once(':').unwrap_or((repo_tag, "latest"));
    let alpine = tag.contains("alpine");
    // Images the course wrote by hand keep their table below; the others carry what the catalogue
    // lists for their variant (mysql has mysqladmin, mariadb:11 does not, nginx:alpine has wget).
    let hand_written = matches!(
        repo,
        "postgres" | "redis" | "alpine" | "busybox" | "nginx" | "node" | "python"
    );
    if !hand_written
        && !matches!(tool, "sh" | "exit" | "true" | "false")
        && let Some(tools) = super::catalogue::tools(image)
    {
        return tools.iter().any(|t| t == tool);
    }
    match (repo, tool) {
        (_, "sh" | "exit" | "true" | "false") => true,
        ("postgres", "pg_isready") => true,
        ("postgres", _) => false,
        ("redis", "redis-cli") => true,
        ("redis", _) => false,
        ("alpine" | "busybox", "wget") => true,
        ("alpine" | "busybox", _) => false,
        ("nginx", "curl") => true,
        ("nginx", "wget") => alpine,
        ("nginx", _) => false,
        ("node" | "python", "curl") => !alpine,
        ("node" | "python", "wget") => true,
        ("node" | "python", _) => false,
        (_, "curl" | "wget") => true,
        _ => false,
    }
}

/// What the probe returns: a pure function of the container and its healthcheck.
pub fn probe_outcome(c: &Container, config: &HealthConfig) -> ProbeOutcome {
    probe_outcome_with(c, config, &[])
}

/// [`probe_outcome`], with `live` paths that answer an error status now besides the program's
/// own failing paths.
pub fn probe_outcome_with(
    c: &Container,
    config: &HealthConfig,
    live: &[(String, u16)],
) -> ProbeOutcome {
    if c.status() == Status::Paused {
        return ProbeOutcome {
            exit_code: -1,
            output: format!(
                "Health check exceeded timeout ({})",
                go_duration(config.timeout())
            ),
            reason: "The container is paused: the probe process is frozen with it and never answers, so it runs out of time.".to_string(),
            duration_ms: config.timeout(),
        };
    }
    let (shell, words) = match config.test.first().map(String::as_str) {
        Some("CMD-SHELL") => (true, config.test[1..].join(" ")),
        Some("CMD") => (false, String::new()),
        _ => (true, config.test.join(" ")),
    };
    let mut outcome = if shell {
        run_shell(c, &words, live)
    } else {
        let argv: Vec<String> = config.test[1..].to_vec();
        run_argv(c, &argv, false, live)
    };
    if outcome.duration_ms > config.timeout() {
        outcome = ProbeOutcome {
            exit_code: -1,
            output: format!(
                "Health check exceeded timeout ({})",
                go_duration(config.timeout())
            ),
            reason: "The probe ran longer than its timeout.".to_string(),
            duration_ms: config.timeout(),
        };
    }
    outcome
}

/// Go's `time.Duration.String()` for whole seconds/milliseconds (`30s`, `1m0s`, `500ms`).
pub fn go_duration(ms: Millis) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let s = ms / 1000;
    let frac = ms % 1000;
    let sec = if frac == 0 {
        format!("{}s", s % 60)
    } else {
        format!("{}.{}s", s % 60, format!("{frac:03}").trim_end_matches('0'))
    };
    match (s / 3600, (s % 3600) / 60) {
        (0, 0) => sec,
        (0, m) => format!("{m}m{sec}"),
        (h, m) => format!("{h}h{m}m{sec}"),
    }
}

/// `a || b`, `a && b`, left to right, as `/bin/sh -c` runs them.
fn run_shell(c: &Container, line: &str, live: &[(String, u16)]) -> ProbeOutcome {
    let mut result: Option<ProbeOutcome> = None;
    let mut pending_op: Option<&str> = None;
    let mut rest = line;
    loop {
        let (part, op, next) = match (rest.find("||"), rest.find("&&")) {
            (Some(a), Some(b)) if a < b => (&rest[..a], Some("||"), &rest[a + 2..]),
            (Some(a), None) => (&rest[..a], Some("||"), &rest[a + 2..]),
            (_, Some(b)) => (&rest[..b], Some("&&"), &rest[b + 2..]),
            (None, None) => (rest, None, ""),
        };
        let run = match (&result, pending_op) {
            (None, _) => true,
            (Some(r), Some("||")) => r.exit_code != 0,
            (Some(r), Some("&&")) => r.exit_code == 0,
            _ => true,
        };
        if run {
            let argv: Vec<String> = part
                .split_whitespace()
                .map(|w| w.trim_matches(|ch| ch == '"' || ch == '\'').to_string())
                .collect();
            let mut out = run_argv(c, &argv, true, live);
            if let Some(previous) = &result {
                out.output = format!("{}{}", previous.output, out.output);
                out.reason = format!("{} {}", previous.reason, out.reason);
                out.duration_ms += previous.duration_ms;
            }
            result = Some(out);
        }
        match op {
            Some(op) => {
                pending_op = Some(op);
                rest = next;
            }
            None => break,
        }
    }
    result.unwrap_or_else(|| builtin(0, "", "An empty command succeeds."))
}

fn builtin(exit_code: i32, output: &str, reason: &str) -> ProbeOutcome {
    ProbeOutcome {
        exit_code,
        output: output.to_string(),
        reason: reason.to_string(),
        duration_ms: PROBE_DURATION_MS,
    }
}

/// `http://localhost:8080/health` → the port (80 by default); `None` for another host.
fn localhost_port(url: &str) -> Option<u16> {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let authority = rest.split('/').next()?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().ok()?),
        None => (authority, 80),
    };
    matches!(host, "localhost" | "127.0.0.1").then_some(port)
}

fn listens_on(c: &Container, port: u16) -> bool {
    c.status() == Status::Running
        && c.listening
        && c.program
            .as_ref()
            .and_then(|p| p.serves.as_ref())
            .is_some_and(|s| s.port == port)
}

/// Long because it is one arm per probe program a healthcheck runs (curl, wget, pg_isready,
/// redis-cli, mysqladmin, …), each with its own answer and exit code.
fn run_argv(c: &Container, argv: &[String], shell: bool, live: &[(String, u16)]) -> ProbeOutcome {
    let Some(first) = argv.first() else {
        return builtin(0, "", "An empty command succeeds.");
    };
    let tool = first.rsplit('/').next().unwrap_or(first).to_string();
    let args = &argv[1..];
    if !image_has(c, &tool) {
        // dash (debian's /bin/sh) and runc's wording.
        let output = if shell {
            format!("/bin/sh: 1: {first}: not found\n")
        } else {
            format!(
                "OCI runtime exec failed: exec failed: unable to start container process: exec: \"{first}\": executable file not found in $PATH: unknown"
            )
        };
        return ProbeOutcome {
            exit_code: 127,
            output,
            reason: format!(
                "The image {} has no {tool} program, so the command cannot run (exit code 127).",
                c.config.image
            ),
            duration_ms: PROBE_DURATION_MS,
        };
    }
    match tool.as_str() {
        "true" => builtin(0, "", "`true` always succeeds."),
        "false" => builtin(1, "", "`false` always fails."),
        "exit" => {
            let code = args
                .first()
                .and_then(|a| a.parse::<i32>().ok())
                .unwrap_or(0);
            builtin(code, "", &format!("`exit {code}` ends with code {code}."))
        }
        "curl" | "wget" => {
            // The URL: the word with a scheme, else the first word that is not an option
            // (`curl -o /dev/null -s http://localhost/` names the URL last).
            let url = args
                .iter()
                .find(|a| a.contains("://"))
                .or_else(|| args.iter().find(|a| !a.starts_with('-')));
            let Some(url) = url else {
                return builtin(2, "", &format!("{tool} was given no URL."));
            };
            let Some(port) = localhost_port(url) else {
                return builtin(
                    if tool == "curl" { 6 } else { 1 },
                    "",
                    "The simulation's probes only reach localhost.",
                );
            };
            let path = url
                .strip_prefix("http://")
                .unwrap_or(url)
                .split_once('/')
                .map(|(_, p)| format!("/{p}"))
                .unwrap_or_else(|| "/".to_string());
            let failing = c
                .program
                .as_ref()
                .and_then(|p| p.serves.as_ref())
                .and_then(|s| s.failing_paths.iter().find(|(p, _)| *p == path))
                .or_else(|| live.iter().find(|(p, _)| *p == path))
                .map(|(_, status)| *status);
            let fail_flag = args.iter().any(|a| {
                a == "-f"
                    || a == "--fail"
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('f'))
            });
            if listens_on(c, port)
                && let Some(status) = failing
                && (tool == "wget" || fail_flag)
            {
                return if tool == "curl" {
                    builtin(
                        22,
                        &format!("curl: (22) The requested URL returned error: {status}\n"),
                        &format!(
                            "The program answers {path} with HTTP {status}; `curl -f` turns that into exit code 22."
                        ),
                    )
                } else {
                    builtin(
                        1,
                        &format!(
                            "wget: server returned error: HTTP/1.1 {status} {}\n",
                            crate::sim::http::reason(status)
                        ),
                        &format!("The program answers {path} with HTTP {status}."),
                    )
                };
            }
            if listens_on(c, port) {
                let output = if tool == "curl" {
                    c.program
                        .as_ref()
                        .and_then(|p| p.serves.as_ref())
                        .map(|s| s.body.clone())
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                builtin(
                    0,
                    &output,
                    &format!("The container's program listens on port {port} and answers."),
                )
            } else if tool == "curl" {
                builtin(
                    7,
                    &format!(
                        "curl: (7) Failed to connect to localhost port {port} after 0 ms: Couldn't connect to server\n"
                    ),
                    &format!("Nothing listens on port {port} inside the container (yet)."),
                )
            } else {
                builtin(
                    1,
                    "wget: can't connect to remote host (127.0.0.1): Connection refused\n",
                    &format!("Nothing listens on port {port} inside the container (yet)."),
                )
            }
        }
        "pg_isready" => {
            let ready = c.status() == Status::Running
                && c.listening
                && c.config.argv().iter().any(|a| a == "postgres");
            if ready {
                builtin(
                    0,
                    "/var/run/postgresql:5432 - accepting connections\n",
                    "PostgreSQL has finished starting and accepts connections.",
                )
            } else {
                builtin(
                    2,
                    "/var/run/postgresql:5432 - no response\n",
                    "PostgreSQL is not accepting connections yet.",
                )
            }
        }
        // traefik's `healthcheck` command (cmd/healthcheck): it reads the static configuration
        // from its own flags, so it needs `--ping` too, and asks GET /ping on the `traefik`
        // entrypoint (:8080), which the running Traefik serves only when it was started with
        // `--ping`.
        "traefik" if args.first().is_some_and(|a| a == "healthcheck") => {
            let ping = |a: &String| a == "--ping" || a == "--ping=true";
            if !args.iter().any(ping) {
                builtin(
                    1,
                    "Please enable `ping` to use health check\n",
                    "`traefik healthcheck` needs `--ping` among its own flags.",
                )
            } else if c.status() == Status::Running
                && c.listening
                && c.config.argv().iter().any(ping)
            {
                builtin(
                    0,
                    "OK: http://:8080/ping\n",
                    "Traefik answers GET /ping on its traefik entrypoint (:8080).",
                )
            } else {
                builtin(
                    1,
                    "Error calling healthcheck: Get \"http://:8080/ping\": dial tcp :8080: connect: connection refused\n",
                    "The running Traefik serves /ping only when it was started with `--ping`; nothing listens on :8080.",
                )
            }
        }
        "redis-cli" => {
            if listens_on(c, 6379) {
                builtin(0, "PONG\n", "Redis listens on 6379 and answers PONG.")
            } else {
                builtin(
                    1,
                    "Could not connect to Redis at 127.0.0.1:6379: Connection refused\n",
                    "Redis does not listen on 6379 yet.",
                )
            }
        }
        // The database clients real healthchecks call: they succeed once the server in this
        // container accepts connections (its ready line printed, its port open).
        "mysqladmin"
        | "mariadb-admin"
        | "healthcheck.sh"
        | "mongosh"
        | "mongo"
        | "rabbitmq-diagnostics"
        | "nc" => {
            let up = c.status() == Status::Running
                && c.listening
                && c.program.as_ref().is_some_and(|p| p.serves.is_some());
            let (ok_text, fail_code, fail_text) = match tool.as_str() {
                "mysqladmin" | "mariadb-admin" => (
                    "mysqld is alive\n",
                    1,
                    "mysqladmin: connect to server at 'localhost' failed\nerror: 'Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)'\n",
                ),
                "mongosh" | "mongo" => (
                    "{ ok: 1 }\n",
                    1,
                    "MongoNetworkError: connect ECONNREFUSED 127.0.0.1:27017\n",
                ),
                "rabbitmq-diagnostics" => (
                    "Ping succeeded\n",
                    69,
                    "Error: unable to perform an operation on node\n",
                ),
                _ => ("", 1, ""),
            };
            if up {
                builtin(
                    0,
                    ok_text,
                    &format!(
                        "The server in {} accepts connections, so {tool} succeeds.",
                        c.name
                    ),
                )
            } else {
                builtin(
                    fail_code,
                    fail_text,
                    &format!("The server in {} does not accept connections yet.", c.name),
                )
            }
        }
        other => builtin(
            127,
            &format!("/bin/sh: 1: {other}: not found\n"),
            &format!("The simulation does not know the program {other}."),
        ),
    }
}

/// What `docker ps` puts in brackets after `Up …` (moby `container/state.go`).
pub fn ps_text(status: HealthStatus) -> String {
    match status {
        HealthStatus::Starting => "health: starting".to_string(),
        other => other.as_str().to_string(),
    }
}

/// `.State.Health` in moby's key order (`api/types/container` `Health`, `HealthcheckResult`).
pub fn inspect_json(h: &Health) -> serde_json::Value {
    serde_json::json!({
        "Status": h.status.as_str(),
        "FailingStreak": h.failing_streak,
        "Log": h.log.iter().map(|r| serde_json::json!({
            "Start": time::rfc3339(r.start_ms),
            "End": time::rfc3339(r.end_ms),
            "ExitCode": r.exit_code,
            "Output": r.output,
        })).collect::<Vec<_>>(),
    })
}

/// The healthcheck a new container gets: the flags over the image's `HEALTHCHECK` (the daemon
/// fills an empty test from the image, moby `daemon/create.go` merge).
pub fn from_options(
    options: &HealthOptions,
    image_test: Option<&Vec<String>>,
    image_timing: &HealthOptions,
) -> Option<HealthConfig> {
    let test = if options.no_healthcheck {
        vec!["NONE".to_string()]
    } else if let Some(cmd) = &options.cmd {
        vec!["CMD-SHELL".to_string(), cmd.clone()]
    } else if let Some(test) = options.test.as_ref().filter(|t| !t.is_empty()) {
        test.clone()
    } else {
        image_test.cloned()?
    };
    let pick = |flag: Millis, image: Millis| if flag == 0 { image } else { flag };
    Some(HealthConfig {
        test,
        interval_ms: pick(options.interval_ms, image_timing.interval_ms),
        timeout_ms: pick(options.timeout_ms, image_timing.timeout_ms),
        start_period_ms: pick(options.start_period_ms, image_timing.start_period_ms),
        start_interval_ms: pick(options.start_interval_ms, image_timing.start_interval_ms),
        retries: if options.retries == 0 {
            image_timing.retries
        } else {
            options.retries
        },
    })
}

/// `HEALTHCHECK --interval=5s --retries=3 CMD …`: the options before the command (buildkit's
/// `parseHealthConfig` flags). An option with a bad value is ignored here.
pub fn timing_from_dockerfile_flags(flags: &[(String, String)]) -> HealthOptions {
    let mut timing = HealthOptions::default();
    for (key, value) in flags {
        let duration = parse_go_duration(value).ok().flatten();
        match (key.trim_start_matches('-'), duration) {
            ("interval", Some(ms)) => timing.interval_ms = ms,
            ("timeout", Some(ms)) => timing.timeout_ms = ms,
            ("start-period", Some(ms)) => timing.start_period_ms = ms,
            ("start-interval", Some(ms)) => timing.start_interval_ms = ms,
            ("retries", _) => timing.retries = value.parse().unwrap_or(0),
            _ => {}
        }
    }
    timing
}

/// The image config's `Healthcheck` (moby `container.HealthConfig`, durations in nanoseconds,
/// zero fields omitted).
pub fn image_config_json(test: &[String], timing: &HealthOptions) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert("Test".into(), serde_json::json!(test));
    let ns = |ms: Millis| serde_json::json!(ms * 1_000_000);
    for (key, ms) in [
        ("Interval", timing.interval_ms),
        ("Timeout", timing.timeout_ms),
        ("StartPeriod", timing.start_period_ms),
        ("StartInterval", timing.start_interval_ms),
    ] {
        if ms > 0 {
            map.insert(key.into(), ns(ms));
        }
    }
    if timing.retries > 0 {
        map.insert("Retries".into(), serde_json::json!(timing.retries));
    }
    serde_json::Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_mobys() {
        let c = HealthConfig {
            test: vec!["CMD".into(), "true".into()],
            ..Default::default()
        };
        assert_eq!(
            (
                c.interval(),
                c.timeout(),
                c.retries(),
                c.start_period(),
                c.start_interval()
            ),
            (30_000, 30_000, 3, 0, 5_000)
        );
    }

    #[test]
    fn go_durations_print_like_go() {
        assert_eq!(go_duration(30_000), "30s");
        assert_eq!(go_duration(90_000), "1m30s");
        assert_eq!(go_duration(500), "500ms");
        assert_eq!(go_duration(1_500), "1.5s");
    }

    #[test]
    fn next_delay_uses_start_interval_only_in_the_start_period() {
        let c = HealthConfig {
            test: vec!["CMD".into(), "true".into()],
            start_period_ms: 20_000,
            interval_ms: 10_000,
            start_interval_ms: 2_000,
            ..Default::default()
        };
        assert_eq!(next_delay(&c, HealthStatus::Starting, 0), 2_000);
        assert_eq!(next_delay(&c, HealthStatus::Starting, 20_000), 10_000);
        assert_eq!(next_delay(&c, HealthStatus::Healthy, 0), 10_000);
    }

    #[test]
    fn localhost_urls_parse() {
        assert_eq!(localhost_port("http://localhost/"), Some(80));
        assert_eq!(localhost_port("http://127.0.0.1:8080/health"), Some(8080));
        assert_eq!(localhost_port("http://api:3000/"), None);
    }

    #[test]
    fn dockerfile_options_set_the_timing() {
        let flags = vec![
            ("interval".to_string(), "5s".to_string()),
            ("retries".to_string(), "2".to_string()),
        ];
        let t = timing_from_dockerfile_flags(&flags);
        assert_eq!((t.interval_ms, t.retries), (5_000, 2));
    }

    #[test]
    fn flag_durations_parse_like_go() {
        assert_eq!(parse_go_duration("10s"), Ok(Some(10_000)));
        assert_eq!(parse_go_duration("0"), Ok(Some(0)));
        assert_eq!(parse_go_duration("-1s"), Ok(None));
        assert_eq!(
            parse_go_duration("10"),
            Err("time: missing unit in duration \"10\"".to_string())
        );
        assert_eq!(
            parse_go_duration("ten"),
            Err("time: invalid duration \"ten\"".to_string())
        );
    }
}
