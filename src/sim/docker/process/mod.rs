//! The main process of a container: what it prints, how long it runs, how it answers signals.
//!
//! In real Docker the container IS its main process (PID 1): when it exits, the container exits
//! with its code. Signals matter: a process running as PID 1 gets no default signal handlers from
//! the kernel, so a program that does not install a SIGTERM handler (a shell, `sleep`, a plain
//! Node.js script) ignores `docker stop` until SIGKILL arrives after the grace period.
//!
//! We model a program as a small list of operations (print, sleep, exit, serve forever, loop) plus
//! its answer to the stop signal, derived from the command line the way the real binaries behave.
//! `sh -c` scripts understand `echo`, `sleep`, `exit N`, `true`, `false`, `trap '…' TERM` and
//! `while true; do …; done`; anything else prints `sh: X: not found`, like a real shell.

pub mod model;

pub use model::{ExecError, OnStop, Op, Program, Serves, ShopStep};

use super::super::time::Millis;

/// Builds the program for a container's command line (`ENTRYPOINT` + `CMD`).
/// `env` is the container's environment (`KEY=value`), `stdin_open` is `-i`.
pub fn program_for(
    argv: &[String],
    env: &[String],
    stdin_open: bool,
) -> Result<Program, ExecError> {
    let Some(first) = argv.first() else {
        return Err(ExecError {
            executable: String::new(),
        });
    };
    let rest = &argv[1..];
    let base = first.rsplit('/').next().unwrap_or(first);
    let program = |ops: Vec<Op>, on_stop: OnStop| Program {
        name: argv.join(" "),
        ops,
        on_stop,
        serves: None,
    };
    match base {
        // Official images start through an entrypoint script that execs the real command; nginx's
        // prints its configuration steps first.
        "docker-entrypoint.sh" if rest.first().map(String::as_str) == Some("nginx") => {
            Ok(nginx(argv, true))
        }
        "docker-entrypoint.sh" if !rest.is_empty() => {
            let mut program = program_for(rest, env, stdin_open)?;
            program.name = argv.join(" ");
            Ok(program)
        }
        "nginx" => Ok(nginx(argv, false)),
        "redis-server" => Ok(redis(argv)),
        "postgres" => Ok(super::postgres::program(argv, env)),
        "node" => node(argv, env),
        "hello" => Ok(program(
            HELLO_WORLD
                .lines()
                .map(|l| Op::Stdout(l.to_string()))
                .chain([Op::Exit(0)])
                .collect(),
            OnStop::Ignore,
        )),
        "sleep" => {
            let ops = match rest.first().and_then(|s| parse_sleep(s)) {
                Some(ms) => vec![Op::Sleep(ms), Op::Exit(0)],
                None => vec![Op::Stderr("sleep: invalid number".to_string()), Op::Exit(1)],
            };
            Ok(program(ops, OnStop::Ignore))
        }
        "echo" => Ok(program(
            vec![Op::Stdout(rest.join(" ")), Op::Exit(0)],
            OnStop::Ignore,
        )),
        "true" => Ok(program(vec![Op::Exit(0)], OnStop::Ignore)),
        // A file tool: its output comes as it exits (`cat /etc/hostname` is the kernel's file).
        tool if FILE_TOOLS.contains(&tool)
            && rest.first().map(String::as_str) != Some("/etc/hostname") =>
        {
            Ok(file_tool(argv))
        }
        "cat" if !rest.is_empty() => {
            let mut ops: Vec<Op> = Vec::new();
            for path in rest.iter().filter(|a| !a.starts_with('-')) {
                ops.push(Op::Cat { path: path.clone() });
                ops.push(Op::Jump(ops.len() + 2));
                ops.push(Op::Exit(1));
            }
            ops.push(Op::Exit(0));
            Ok(program(ops, OnStop::Ignore))
        }
        "false" => Ok(program(vec![Op::Exit(1)], OnStop::Ignore)),

        // A script of file tools only runs as one tool; one with a loop or a sleep is
        // interpreted, its file commands run one by one (`Op::Tool`).
        "sh" | "ash" | "bash"
            if rest.first().map(String::as_str) == Some("-c")
                && runs_file_tools(rest.get(1).map_or("", String::as_str))
                && !has_control_flow(rest.get(1).map_or("", String::as_str)) =>
        {
            Ok(file_tool(argv))
        }
        "sh" | "ash" | "bash" => {
            if rest.first().map(String::as_str) == Some("-c") {
                let script = rest.get(1).cloned().unwrap_or_default();
                Ok(shell_script(argv, &script, env))
            } else if stdin_open {
                Ok(program(vec![Op::WaitForInput], OnStop::Ignore))
            } else {
                // No script and stdin closed: the shell reads EOF and exits at once.
                Ok(program(vec![Op::Exit(0)], OnStop::Ignore))
            }
        }
        _ => Err(ExecError {
            executable: first.clone(),
        }),
    }
}

/// The tools that work on files (src/sim/docker/execfs.rs runs them): a command line or script
/// using one runs through the container's filesystem instead of the echo-and-sleep interpreter.
const FILE_TOOLS: &[&str] = &[
    "tar",
    "gzip",
    "gunzip",
    "du",
    "cd",
    "mkdir",
    "rm",
    "touch",
    "ls",
    "restic",
    "cat",
    "cp",
    "mv",
    "sha256sum",
    "id",
];

/// A file tool as the main process: it runs, then the container exits with its status.
fn file_tool(argv: &[String]) -> Program {
    Program {
        name: argv.join(" "),
        ops: vec![
            Op::Shell {
                argv: argv.to_vec(),
            },
            Op::Exit(0),
        ],
        on_stop: OnStop::Ignore,
        serves: None,
    }
}

/// Does a script loop, sleep or trap signals (the interpreter's business, not one tool run)?
fn has_control_flow(script: &str) -> bool {
    split_script(script).iter().any(|segment| {
        let words = shell_words::split(segment).unwrap_or_default();
        let first = words.first().map(String::as_str);
        matches!(first, Some("while" | "sleep" | "trap" | "do" | "done"))
    })
}

/// Does a `sh -c` script use a file tool (`cd /dbdata && tar xvf /backup/backup.tar`) or write
/// a file (`echo hello > /dbdata/greeting`)?
fn runs_file_tools(script: &str) -> bool {
    split_script(script).iter().any(|segment| {
        let words = shell_words::split(segment).unwrap_or_default();
        words.iter().any(|w| w.starts_with('>'))
            || words
                .first()
                .is_some_and(|w| FILE_TOOLS.contains(&w.rsplit('/').next().unwrap_or(w)))
    })
}

/// coreutils and busybox `sleep`: a number with an optional `s`, `m`, `h` or `d` suffix.
fn parse_sleep(text: &str) -> Option<Millis> {
    if text == "infinity" {
        return Some(Millis::MAX / 4);
    }
    if let Some(days) = text.strip_suffix('d') {
        let days: f64 = days.parse().ok()?;
        return (days >= 0.0).then_some((days * 86_400_000.0) as Millis);
    }
    super::super::time::parse_duration(text)
}

/// The value of `KEY` in a `KEY=value` environment (the last one set wins, as in execve's
/// environment read by a program).
pub(crate) fn env_value<'a>(env: &'a [String], key: &str) -> Option<&'a str> {
    env.iter()
        .rev()
        .find_map(|kv| kv.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
}

fn nginx(argv: &[String], via_entrypoint: bool) -> Program {
    let mut ops = Vec::new();
    if via_entrypoint {
        for line in [
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
            "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
            "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
        ] {
            ops.push(Op::Stdout(line.to_string()));
        }
    }
    for line in [
        "{nginx_time} [notice] 1#1: using the \"epoll\" event method",
        "{nginx_time} [notice] 1#1: nginx/1.27.3",
        "{nginx_time} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14)",
        "{nginx_time} [notice] 1#1: OS: Linux 6.8.0-51-generic",
        "{nginx_time} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
        "{nginx_time} [notice] 1#1: start worker processes",
        "{nginx_time} [notice] 1#1: start worker process 29",
        "{nginx_time} [notice] 1#1: start worker process 30",
    ] {
        ops.push(Op::Stderr(line.to_string()));
    }
    ops.push(Op::Serve);
    Program {
        name: argv.join(" "),
        ops,
        // nginx's image sets STOPSIGNAL SIGQUIT: graceful shutdown, workers finish, exit 0.
        on_stop: OnStop::Exit {
            after_ms: 120,
            exit_code: 0,
            lines: vec![
                "{nginx_time} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down".to_string(),
                "{nginx_time} [notice] 29#29: gracefully shutting down".to_string(),
                "{nginx_time} [notice] 29#29: exiting".to_string(),
                "{nginx_time} [notice] 29#29: exit".to_string(),
                "{nginx_time} [notice] 1#1: worker process 29 exited with code 0".to_string(),
                "{nginx_time} [notice] 1#1: exit".to_string(),
            ],
            stderr: true,
        },
        serves: Some(Serves {
            port: 80,
            body: "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>".to_string(),
            http: true,
            failing_paths: Vec::new(),
        }),
    }
}

fn redis(argv: &[String]) -> Program {
    Program {
        name: argv.join(" "),
        ops: vec![
            Op::Stdout("1:C {redis_time} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo".to_string()),
            Op::Stdout("1:C {redis_time} * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started".to_string()),
            Op::Stdout("1:C {redis_time} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf".to_string()),
            Op::Stdout("1:M {redis_time} * monotonic clock: POSIX clock_gettime".to_string()),
            Op::Stdout("1:M {redis_time} * Running mode=standalone, port=6379.".to_string()),
            Op::Stdout("1:M {redis_time} * Server initialized".to_string()),
            Op::Stdout("1:M {redis_time} * Ready to accept connections tcp".to_string()),
            Op::Serve,
        ],
        on_stop: OnStop::Exit {
            after_ms: 40,
            exit_code: 0,
            lines: vec![
                "1:signal-handler ({unix_time}) Received SIGTERM scheduling shutdown...".to_string(),
                "1:M {redis_time} * User requested shutdown...".to_string(),
                "1:M {redis_time} * Saving the final RDB snapshot before exiting.".to_string(),
                "1:M {redis_time} * DB saved on disk".to_string(),
                "1:M {redis_time} # Redis is now ready to exit, bye bye...".to_string(),
            ],
            stderr: false,
        },
        serves: Some(Serves {
            port: 6379,
            body: "-ERR wrong protocol: this is Redis, not HTTP".to_string(),
            http: false,
            failing_paths: Vec::new(),
        }),
    }
}

/// The course's Node.js programs. Node installs no SIGTERM handler by default, so as PID 1 it
/// ignores `docker stop` (the classic reason to use `--init` or handle signals in the app).
fn node(argv: &[String], env: &[String]) -> Result<Program, ExecError> {
    let script = argv.get(1).map(String::as_str).unwrap_or("");
    let seconds = |key: &str, default: u64| {
        env_value(env, key)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(default)
    };
    if let Some(program) = super::apps::program(script, argv, env) {
        return Ok(program);
    }
    if script == "server.js"
        && let Some(version) = env_value(env, "APP_VERSION")
    {
        return Ok(web(
            argv,
            version,
            env_value(env, "PORT").and_then(|p| p.parse().ok()),
        ));
    }
    let ops = match script {
        "crash.js" => {
            let after_s = seconds("CRASH_AFTER", 5);
            vec![
                Op::Stdout("api listening on :3000".to_string()),
                Op::Sleep(after_s * 1000),
                Op::Stderr("/app/crash.js:12".to_string()),
                Op::Stderr("    throw new Error('lost connection to upstream');".to_string()),
                Op::Stderr("Error: lost connection to upstream".to_string()),
                Op::Stderr("    at Timeout._onTimeout (/app/crash.js:12:11)".to_string()),
                Op::Stderr("Node.js v20.18.1".to_string()),
                Op::Exit(1),
            ]
        }
        // The course's notes-api (the node-app project template): an Express server on :3000.
        // Like most Node programs it installs no SIGTERM handler, so as PID 1 it ignores
        // `docker stop` until the SIGKILL.
        "server.js" => {
            return Ok(Program {
                name: argv.join(" "),
                ops: vec![
                    Op::Stdout("notes-api listening on :3000".to_string()),
                    Op::Serve,
                ],
                on_stop: OnStop::Ignore,
                serves: Some(Serves {
                    port: 3000,
                    body: "{\"notes\":[]}".to_string(),
                    http: true,
                    failing_paths: Vec::new(),
                }),
            });
        }
        "job.js" => {
            let total_s = seconds("JOB_SECONDS", 3).max(1);
            let mut ops = vec![Op::Stdout(format!("job: processing {total_s} batches"))];
            for batch in 1..=total_s {
                ops.push(Op::Sleep(1000));
                ops.push(Op::Stdout(format!("job: batch {batch}/{total_s} done")));
            }
            ops.push(Op::Stdout("job: finished, exiting".to_string()));
            ops.push(Op::Exit(0));
            ops
        }
        _ => {
            return Ok(Program {
                name: argv.join(" "),
                ops: vec![
                    Op::Stderr(format!("Error: Cannot find module '/app/{script}'")),
                    Op::Stderr("Node.js v20.18.1".to_string()),
                    Op::Exit(1),
                ],
                on_stop: OnStop::Ignore,
                serves: None,
            });
        }
    };
    Ok(Program {
        name: argv.join(" "),
        ops,
        on_stop: OnStop::Ignore,
        serves: None,
    })
}

/// The course's `dockyard/web` releases (`APP_VERSION`): 1.0 and 2.0 serve on `PORT` (80) and
/// answer `/health`; 2.1 was shipped without a dependency and dies at start; 2.2 starts, but its
/// `/health` answers 500. Unlike the notes-api, this app handles SIGTERM: it closes its server
/// and exits 0 at once, so rolling updates are not held up by the grace period.
fn web(argv: &[String], version: &str, port: Option<u16>) -> Program {
    let port = port.unwrap_or(80);
    let name = argv.join(" ");
    if version == "2.1" {
        return Program {
            name,
            ops: vec![
                Op::Sleep(1_500),
                Op::Stderr("node:internal/modules/cjs/loader:1228".to_string()),
                Op::Stderr("  throw err;".to_string()),
                Op::Stderr("  ^".to_string()),
                Op::Stderr(String::new()),
                Op::Stderr("Error: Cannot find module 'express'".to_string()),
                Op::Stderr("Node.js v20.18.1".to_string()),
                Op::Exit(1),
            ],
            on_stop: OnStop::Ignore,
            serves: None,
        };
    }
    let mut serves = Serves {
        port,
        // The container's hostname (its short ID) is filled in when it answers: repeated
        // requests through the routing mesh show which task answered.
        body: format!("{{\"version\":\"{version}\",\"host\":\"{{hostname}}\"}}"),
        http: true,
        failing_paths: Vec::new(),
    };
    if version == "2.2" {
        serves.failing_paths.push(("/health".to_string(), 500));
    }
    Program {
        name,
        ops: vec![
            Op::Stdout(format!("web {version} listening on :{port}")),
            Op::Serve,
        ],
        on_stop: OnStop::Exit {
            after_ms: 200,
            exit_code: 0,
            lines: vec!["web: SIGTERM received, closing the server".to_string()],
            stderr: false,
        },
        serves: Some(serves),
    }
}

/// A `sh -c` script, in the small subset the lessons use.
fn shell_script(argv: &[String], script: &str, env: &[String]) -> Program {
    let mut ops = Vec::new();
    let mut on_stop = OnStop::Ignore;
    let mut loop_start: Option<usize> = None;
    let mut last_status = 0;
    let mut exited = false;
    for segment in split_script(script) {
        let words = shell_words::split(&segment).unwrap_or_default();
        let mut words: Vec<String> = words.into_iter().map(|w| expand(&w, env)).collect();
        if words.first().map(String::as_str) == Some("do") {
            words.remove(0);
        }
        let Some(cmd) = words.first().cloned() else {
            continue;
        };
        // A file command (`tar czf …`, `echo x > /data/f`) runs through the container's
        // filesystem when the script reaches it.
        let text = segment.trim();
        let text = text.strip_prefix("do ").unwrap_or(text);
        if !matches!(cmd.as_str(), "while" | "done") && runs_file_tools(text) {
            ops.push(Op::Tool {
                argv: vec!["sh".to_string(), "-c".to_string(), text.to_string()],
            });
            last_status = 0;
            continue;
        }
        match cmd.as_str() {
            "while" if words.get(1).map(String::as_str) == Some("true") => {
                loop_start = Some(ops.len());
            }
            "done" => {
                if let Some(start) = loop_start.take() {
                    ops.push(Op::Jump(start));
                }
            }
            "echo" => {
                ops.push(Op::Stdout(words[1..].join(" ")));
                last_status = 0;
            }
            "sleep" => match words.get(1).and_then(|s| parse_sleep(s)) {
                Some(ms) => ops.push(Op::Sleep(ms)),
                None => {
                    ops.push(Op::Stderr("sleep: invalid number".to_string()));
                    last_status = 1;
                }
            },
            "exit" => {
                let code = words
                    .get(1)
                    .and_then(|c| c.parse::<i32>().ok())
                    .unwrap_or(last_status);
                ops.push(Op::Exit(code.rem_euclid(256)));
                exited = true;
                break;
            }
            "true" | ":" => last_status = 0,
            "false" => last_status = 1,
            "trap" => {
                // trap 'echo bye; exit 0' TERM: the shell now handles the stop signal.
                let handles_term = words[2..]
                    .iter()
                    .any(|s| matches!(s.as_str(), "TERM" | "SIGTERM" | "15"));
                if handles_term {
                    let action = words.get(1).cloned().unwrap_or_default();
                    let mut lines = Vec::new();
                    let mut exit_code = 143;
                    for part in split_script(&action) {
                        let w = shell_words::split(&part).unwrap_or_default();
                        match w.first().map(String::as_str) {
                            Some("echo") => lines.push(w[1..].join(" ")),
                            Some("exit") => {
                                exit_code = w.get(1).and_then(|c| c.parse().ok()).unwrap_or(0)
                            }
                            _ => {}
                        }
                    }
                    on_stop = OnStop::Exit {
                        after_ms: 10,
                        exit_code,
                        lines,
                        stderr: false,
                    };
                }
            }
            other => {
                ops.push(Op::Stderr(format!("sh: {other}: not found")));
                last_status = 127;
            }
        }
    }
    if !exited && !matches!(ops.last(), Some(Op::Jump(_))) {
        ops.push(Op::Exit(last_status));
    }
    Program {
        name: argv.join(" "),
        ops,
        on_stop,
        serves: None,
    }
}

/// Splits a script on `;`, `&&` and newlines outside quotes (also used by `docker exec … sh -c`).
pub fn split_script(script: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (None, ';' | '\n') => parts.push(std::mem::take(&mut current)),
            (None, '&') if chars.peek() == Some(&'&') => {
                chars.next();
                parts.push(std::mem::take(&mut current));
            }
            (None, c) => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// `$VAR` and `${VAR}` from the container's environment.
fn expand(word: &str, env: &[String]) -> String {
    let mut out = String::new();
    let mut rest = word;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, tail) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => (&inner[..end], &inner[end + 1..]),
                None => (inner, ""),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        if name.is_empty() {
            out.push('$');
        } else {
            out.push_str(env_value(env, name).unwrap_or(""));
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// What `docker run hello-world` prints.
pub const HELLO_WORLD: &str = "
Hello from Docker!
This message shows that your installation appears to be working correctly.

To generate this message, Docker took the following steps:
 1. The Docker client contacted the Docker daemon.
 2. The Docker daemon pulled the \"hello-world\" image from the Docker Hub.
    (amd64)
 3. The Docker daemon created a new container from that image which runs the
    executable that produces the output you are currently reading.
 4. The Docker daemon streamed that output to the Docker client, which sent it
    to your terminal.

To try something more ambitious, you can run an Ubuntu container with:
 $ docker run -it ubuntu bash

Share images, automate workflows, and more with a free Docker ID:
 https://hub.docker.com/

For more examples and ideas, visit:
 https://docs.docker.com/get-started/
";

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn sleep_as_pid1_ignores_sigterm() {
        let p = program_for(&argv(&["sleep", "300"]), &[], false).unwrap();
        assert_eq!(p.ops, vec![Op::Sleep(300_000), Op::Exit(0)]);
        assert_eq!(p.on_stop, OnStop::Ignore);
    }

    #[test]
    fn scripts_run_in_order_and_exit_with_the_last_code() {
        let p = program_for(
            &argv(&["sh", "-c", "echo hi; sleep 2 && exit 3"]),
            &[],
            false,
        )
        .unwrap();
        assert_eq!(
            p.ops,
            vec![Op::Stdout("hi".into()), Op::Sleep(2000), Op::Exit(3)]
        );
    }

    #[test]
    fn while_true_loops_forever() {
        let p = program_for(
            &argv(&["sh", "-c", "while true; do echo $GREETING; sleep 1; done"]),
            &["GREETING=hello".to_string()],
            false,
        )
        .unwrap();
        assert_eq!(
            p.ops,
            vec![Op::Stdout("hello".into()), Op::Sleep(1000), Op::Jump(0)]
        );
    }

    #[test]
    fn a_trap_makes_the_shell_handle_sigterm() {
        let p = program_for(
            &argv(&["sh", "-c", "trap 'echo bye; exit 0' TERM; sleep 300"]),
            &[],
            false,
        )
        .unwrap();
        assert!(matches!(p.on_stop, OnStop::Exit { exit_code: 0, .. }));
    }

    #[test]
    fn an_unknown_executable_cannot_start() {
        assert_eq!(
            program_for(&argv(&["nosuch"]), &[], false),
            Err(ExecError {
                executable: "nosuch".into()
            })
        );
    }

    #[test]
    fn a_bare_shell_exits_unless_stdin_is_open() {
        let closed = program_for(&argv(&["/bin/sh"]), &[], false).unwrap();
        assert_eq!(closed.ops, vec![Op::Exit(0)]);
        let open = program_for(&argv(&["/bin/sh"]), &[], true).unwrap();
        assert_eq!(open.ops, vec![Op::WaitForInput]);
    }

    #[test]
    fn crashy_reads_its_delay_from_the_environment() {
        let p = program_for(
            &argv(&["docker-entrypoint.sh", "node", "crash.js"]),
            &["CRASH_AFTER=2".to_string()],
            false,
        )
        .unwrap();
        assert!(p.ops.contains(&Op::Sleep(2000)));
        assert_eq!(p.ops.last(), Some(&Op::Exit(1)));
    }
}
