//! `docker compose [-f FILE] [-p NAME] COMMAND [OPTIONS] [ARGS…]`: the command line.
//!
//! What real Compose does: it is a cobra CLI plugin (docker/compose `cmd/compose`). The global
//! flags (`-f`, `-p`, `--project-directory`, `--env-file`, `--profile`, …) come before the
//! subcommand, each subcommand has its own pflag set, and `exec`/`run` stop parsing flags at the
//! service name so the rest is the container's command. A flag mistake goes through the plugin's
//! `SetFlagErrorFunc`, which returns `compose.CommandSyntaxFailure`: pflag's words alone (no usage
//! line) and exit 16. `--help` prints the command's usage and exits 0.
//!
//! What we model: the same shape on the one flag layer (src/sim/flags.rs, `.compose()` style):
//! one [`Command`] for the global flags, whose first positional (the subcommand) ends them, then
//! one per simulated subcommand with Compose's own usage line and description. An `int` flag
//! (`--timeout`) is checked while parsing, as pflag does.
//!
//! What we simplify: flags and subcommands real Compose has that Dockyard does not simulate are
//! refused by name (never ignored); several `-f` files (Compose merges them) are refused; `--help`
//! lists each flag with its type but not cobra's description column; wrong argument counts keep
//! the subcommands' own checks in commands.rs.

use super::super::error::DockerError;
use crate::sim::flags::{Command, Flag, Parsed};

/// `docker compose` itself: the global flags, up to the subcommand.
pub(crate) const GLOBAL: Command = Command::docker(
    "docker compose",
    "docker compose [OPTIONS] COMMAND",
    "Define and run multi-container applications with Docker",
    &[
        Flag::typed("file", Some('f'), "stringArray"),
        Flag::string("project-name", Some('p')),
    ],
)
.stop_at_first_arg()
.not_simulated(&[
    ("project-directory", None),
    ("env-file", None),
    ("profile", None),
    ("parallel", None),
    ("progress", None),
    ("ansi", None),
    ("compatibility", None),
    ("dry-run", None),
    ("all-resources", None),
])
.compose();

/// The subcommands simulated, with Compose's usage lines and descriptions (docker/compose v2).
pub(crate) const COMMANDS: &[Command] = &[
    Command::docker(
        "docker compose up",
        "docker compose up [OPTIONS] [SERVICE...]",
        "Create and start containers",
        &[
            Flag::bool("detach", Some('d')),
            Flag::bool("build", None),
            Flag::bool("no-build", None),
            Flag::bool("force-recreate", None),
            Flag::bool("no-recreate", None),
            Flag::bool("no-deps", None),
            Flag::bool("no-start", None),
            Flag::bool("remove-orphans", None),
            Flag::bool("wait", None),
            Flag::bool("quiet-pull", None),
        ],
    )
    .not_simulated(&[
        ("abort-on-container-exit", None),
        ("attach", None),
        ("scale", None),
        ("timeout", Some('t')),
        ("pull", None),
        ("watch", Some('w')),
    ])
    .compose(),
    Command::docker(
        "docker compose down",
        "docker compose down [OPTIONS] [SERVICES]",
        "Stop and remove containers, networks",
        &[
            Flag::bool("volumes", Some('v')),
            Flag::string("rmi", None),
            Flag::bool("remove-orphans", None),
            Flag::typed("timeout", Some('t'), "int"),
        ],
    )
    .compose(),
    Command::docker(
        "docker compose ps",
        "docker compose ps [OPTIONS] [SERVICE...]",
        "List containers",
        &[
            Flag::bool("all", Some('a')),
            Flag::bool("quiet", Some('q')),
            Flag::bool("services", None),
            Flag::string("format", None),
        ],
    )
    .not_simulated(&[("filter", None), ("status", None)])
    .compose(),
    Command::docker(
        "docker compose logs",
        "docker compose logs [OPTIONS] [SERVICE...]",
        "View output from containers",
        &[
            Flag::bool("follow", Some('f')),
            Flag::bool("timestamps", Some('t')),
            Flag::string("tail", Some('n')),
            Flag::bool("no-color", None),
            Flag::bool("no-log-prefix", None),
        ],
    )
    .not_simulated(&[("since", None), ("until", None), ("index", None)])
    .compose(),
    Command::docker(
        "docker compose stop",
        "docker compose stop [OPTIONS] [SERVICE...]",
        "Stop services",
        &[Flag::typed("timeout", Some('t'), "int")],
    )
    .compose(),
    Command::docker(
        "docker compose restart",
        "docker compose restart [OPTIONS] [SERVICE...]",
        "Restart service containers",
        &[Flag::typed("timeout", Some('t'), "int")],
    )
    .not_simulated(&[("no-deps", None)])
    .compose(),
    Command::docker(
        "docker compose start",
        "docker compose start [SERVICE...]",
        "Start services",
        &[],
    )
    .compose(),
    Command::docker(
        "docker compose exec",
        "docker compose exec [OPTIONS] SERVICE COMMAND [ARGS...]",
        "Execute a command in a running container",
        &[
            Flag::bool("detach", Some('d')),
            Flag::bool("no-TTY", Some('T')),
            Flag::bool("interactive", Some('i')),
            Flag::bool("tty", Some('t')),
            Flag::typed("env", Some('e'), "stringArray"),
        ],
    )
    .stop_at_first_arg()
    .not_simulated(&[
        ("index", None),
        ("privileged", None),
        ("user", Some('u')),
        ("workdir", Some('w')),
    ])
    .compose(),
    Command::docker(
        "docker compose run",
        "docker compose run [OPTIONS] SERVICE [COMMAND] [ARGS...]",
        "Run a one-off command on a service",
        &[
            Flag::bool("detach", Some('d')),
            Flag::bool("rm", None),
            Flag::bool("no-TTY", Some('T')),
            Flag::bool("interactive", Some('i')),
            Flag::bool("tty", Some('t')),
            Flag::typed("env", Some('e'), "stringArray"),
            Flag::bool("no-deps", None),
            Flag::string("name", None),
        ],
    )
    .stop_at_first_arg()
    .not_simulated(&[
        ("service-ports", None),
        ("publish", Some('p')),
        ("volume", Some('v')),
        ("user", Some('u')),
        ("workdir", Some('w')),
        ("entrypoint", None),
        ("label", Some('l')),
        ("build", None),
    ])
    .compose(),
    Command::docker(
        "docker compose config",
        "docker compose config [OPTIONS] [SERVICE...]",
        "Parse, resolve and render compose file in canonical format",
        &[
            Flag::bool("services", None),
            Flag::bool("volumes", None),
            Flag::bool("quiet", Some('q')),
        ],
    )
    .not_simulated(&[
        ("format", None),
        ("output", Some('o')),
        ("images", None),
        ("profiles", None),
        ("hash", None),
        ("no-interpolate", None),
        ("resolve-image-digests", None),
    ])
    .compose(),
    Command::docker(
        "docker compose ls",
        "docker compose ls [OPTIONS]",
        "List running compose projects",
        &[Flag::bool("all", Some('a')), Flag::bool("quiet", Some('q'))],
    )
    .not_simulated(&[("filter", None), ("format", None)])
    .compose(),
    Command::docker(
        "docker compose build",
        "docker compose build [OPTIONS] [SERVICE...]",
        "Build or rebuild services",
        &[
            Flag::bool("no-cache", None),
            Flag::bool("pull", None),
            Flag::bool("quiet", Some('q')),
        ],
    )
    .not_simulated(&[("build-arg", None), ("push", None), ("builder", None)])
    .compose(),
    Command::docker(
        "docker compose pull",
        "docker compose pull [OPTIONS] [SERVICE...]",
        "Pull service images",
        &[
            Flag::bool("quiet", Some('q')),
            Flag::bool("ignore-buildable", None),
        ],
    )
    .not_simulated(&[("ignore-pull-failures", None), ("include-deps", None)])
    .compose(),
];

/// Subcommands real Compose has that are not simulated.
const NOT_SIMULATED: &[&str] = &[
    "create", "rm", "kill", "pause", "unpause", "top", "images", "port", "events", "cp", "push",
    "wait", "watch", "scale", "attach", "stats", "version", "alpha", "publish", "commit", "export",
    "volumes",
];

/// What `docker compose` (no subcommand) and `docker compose --help` print: the usage line, then
/// the simulated subcommands.
pub fn usage() -> String {
    let mut text = GLOBAL.help().trim_start().to_string();
    text.push_str("\n\nCommands:");
    let mut names: Vec<&Command> = COMMANDS.iter().collect();
    crate::sim::order::sort_by(&mut names, |a, b| a.name().cmp(b.name()));
    for c in names {
        let name = c.name().trim_start_matches("compose ");
        text.push_str(&format!("\n  {name:<11} {}", c.about));
    }
    text
}

/// `docker compose …` as typed.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ComposeArgs {
    pub file: Option<String>,
    pub project_name: Option<String>,
    /// The subcommand (`up`), empty when none was given.
    pub command: String,
    /// The subcommand's flags, by long name, in the order given.
    pub flags: Parsed,
    /// Service names (or, for `exec`/`run`, the service then the command).
    pub args: Vec<String>,
}

impl ComposeArgs {
    /// A boolean flag: given and not `=false`.
    pub fn bool(&self, long: &str) -> bool {
        self.flags.bool(long)
    }
    /// A scalar flag's last value.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.flags.value(long)
    }
    /// A repeated flag's values, in order.
    pub fn values(&self, long: &str) -> Vec<String> {
        self.flags.values(long)
    }
}

pub fn not_simulated(command: &str) -> bool {
    NOT_SIMULATED.contains(&command)
}

/// The subcommand's [`Command`], when it is simulated.
fn command(name: &str) -> Option<&'static Command> {
    COMMANDS
        .iter()
        .find(|c| c.name().strip_prefix("compose ") == Some(name))
}

/// Parses the words after `docker compose`. `--help` at either level is an `Err` with exit code
/// 0 and the help text.
pub fn parse(words: &[String]) -> Result<ComposeArgs, DockerError> {
    let global = GLOBAL.parse(words).map_err(|e| {
        if e.exit_code == 0 {
            DockerError::new(usage(), 0)
        } else {
            e
        }
    })?;
    let files = global.values("file");
    if files.len() > 1 {
        return Err(DockerError::new(
            "dockyard: several -f files are merged by Compose; that merge is not simulated (use one file)",
            1,
        ));
    }
    let mut out = ComposeArgs {
        file: files.into_iter().next(),
        project_name: global.string("project-name"),
        ..ComposeArgs::default()
    };
    let Some((first, rest)) = global.args.split_first() else {
        return Ok(out);
    };
    out.command = first.clone();
    let Some(cmd) = command(first) else {
        // Unknown or not simulated: the caller answers by name.
        return Ok(out);
    };
    let parsed = cmd.parse(rest)?;
    if let Some(v) = parsed.value("timeout")
        && v.parse::<i64>().is_err()
    {
        return Err(cmd.invalid_value(
            "timeout",
            v,
            &format!("strconv.ParseInt: parsing \"{v}\": invalid syntax"),
        ));
    }
    out.args = parsed.args.clone();
    out.flags = parsed;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn global_and_command_flags() {
        let a = parse(&words("-f x.yaml -pdemo up -d --build api")).unwrap();
        assert_eq!(a.file.as_deref(), Some("x.yaml"));
        assert_eq!(a.project_name.as_deref(), Some("demo"));
        assert_eq!(a.command, "up");
        assert!(a.bool("detach") && a.bool("build"));
        assert_eq!(a.args, vec!["api"]);
        let a = parse(&words("--file=y.yaml --project-name=p up --detach=false")).unwrap();
        assert_eq!(a.file.as_deref(), Some("y.yaml"));
        assert_eq!(a.project_name.as_deref(), Some("p"));
        assert!(!a.bool("detach"));
    }

    #[test]
    fn exec_stops_at_the_service() {
        let a = parse(&words("exec -T db psql -U postgres -c select")).unwrap();
        assert!(a.bool("no-TTY"));
        assert_eq!(a.args, words("db psql -U postgres -c select"));
    }

    #[test]
    fn values_and_errors_in_pflag_words() {
        let a = parse(&words("stop -t5 api")).unwrap();
        assert_eq!(a.value("timeout"), Some("5"));
        let a = parse(&words("down --rmi=all -v")).unwrap();
        assert_eq!(a.value("rmi"), Some("all"));
        assert!(a.bool("volumes"));
        for (line, message) in [
            ("up --detached", "unknown flag: --detached"),
            ("up -x", "unknown shorthand flag: 'x' in -x"),
            ("logs --tail", "flag needs an argument: --tail"),
            ("-f", "flag needs an argument: 'f' in -f"),
            ("--file", "flag needs an argument: --file"),
            ("--bogus up", "unknown flag: --bogus"),
            (
                "stop -t soon",
                "invalid argument \"soon\" for \"-t, --timeout\" flag: strconv.ParseInt: parsing \"soon\": invalid syntax",
            ),
        ] {
            let e = parse(&words(line)).unwrap_err();
            assert_eq!((e.message.as_str(), e.exit_code), (message, 16), "{line}");
        }
    }

    /// docker/compose `cmd/compose/compose.go`: `SetFlagErrorFunc` returns
    /// `CommandSyntaxFailure` (exit 16) with pflag's words alone.
    #[test]
    fn compose_flag_errors_exit_16_like_command_syntax_failure() {
        let e = parse(&words("up --bogus")).unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.exit_code),
            ("unknown flag: --bogus", 16)
        );
        // Real flags not simulated are refused by name, with the same code.
        let e = parse(&words("--env-file prod.env up")).unwrap_err();
        assert_eq!(e.exit_code, 16);
        assert!(
            e.message.contains("`docker compose --env-file`"),
            "{}",
            e.message
        );
        let e = parse(&words("-f a.yaml -f b.yaml up")).unwrap_err();
        assert!(e.message.contains("several -f files"));
    }

    #[test]
    fn help_prints_the_usage_and_exits_0() {
        let e = parse(&words("up --help")).unwrap_err();
        assert_eq!(e.exit_code, 0);
        assert!(e.message.contains(
            "Usage:  docker compose up [OPTIONS] [SERVICE...]\n\nCreate and start containers"
        ));
        let e = parse(&words("--help")).unwrap_err();
        assert_eq!(e.exit_code, 0);
        assert!(
            e.message
                .starts_with("Usage:  docker compose [OPTIONS] COMMAND")
        );
        assert!(
            e.message
                .contains("\n  up          Create and start containers")
        );
        assert_eq!(parse(&words("exec -h")).unwrap_err().exit_code, 0);
    }
}
