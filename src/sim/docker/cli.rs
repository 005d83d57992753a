//! The `docker` command line: syntax in, `DockerCommand` out.
//!
//! The real CLI is cobra + pflag: long flags `--name web` or `--name=web`, shorthands `-p 8080:80`
//! or `-p8080:80`, boolean shorthands combined (`-dit`), `--` ends the flags, and for `run`,
//! `create` and `exec` the first positional argument (the image or container) ends flag parsing so
//! the rest belongs to the container's command. Errors are pflag's and cobra's words, followed by
//! `See 'docker run --help'.`, exit code 125 for `run`/`create`, 1 otherwise. Flags that Docker has
//! but this page does not simulate are refused honestly rather than silently ignored.

use super::error::DockerError;
use crate::sim::order::CollectOrdered;

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct RunOptions {
    pub detach: bool,
    pub name: Option<String>,
    pub publish: Vec<String>,
    pub publish_all: bool,
    pub env: Vec<String>,
    pub auto_remove: bool,
    pub restart: Option<String>,
    pub interactive: bool,
    pub tty: bool,
    pub entrypoint: Option<String>,
    pub stop_timeout_s: Option<u32>,
    pub stop_signal: Option<String>,
    /// `-v SRC:DST[:MODE]` as typed (src/sim/docker/mount.rs parses them).
    pub volumes: Vec<String>,
    /// `--mount type=…,source=…,target=…`.
    pub mounts: Vec<String>,
    /// `--tmpfs DST[:OPTIONS]`.
    pub tmpfs: Vec<String>,
    /// `--platform windows/amd64` (src/sim/docker/platform.rs).
    pub platform: Option<String>,
    /// `--network`/`--net` (src/sim/docker/network.rs); empty = the default bridge.
    pub networks: Vec<String>,
    /// `--network-alias`.
    pub network_aliases: Vec<String>,
    /// `--expose PORT[/PROTO]`: documentation, added to the container's exposed ports.
    pub expose: Vec<u16>,
    /// `-h/--hostname`; `None` = the short container ID.
    pub hostname: Option<String>,
    /// `--health-*`, `--no-healthcheck` (src/sim/docker/health.rs).
    pub health: super::health::HealthOptions,
    /// `--label/-l KEY=VALUE` (Compose sets `com.docker.compose.*` labels the same way).
    pub labels: Vec<String>,
    /// `--log-driver`; `None` = the daemon's default (daemon.json), src/sim/docker/disk.rs.
    pub log_driver: Option<String>,
    /// `--log-opt KEY=VALUE` (`max-size=10m`, `max-file=3`).
    pub log_opts: Vec<String>,
    pub image: String,
    pub cmd: Vec<String>,
}

/// `docker ps` flags.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PsOptions {
    pub all: bool,
    pub quiet: bool,
    pub no_trunc: bool,
    pub latest: bool,
    pub last: Option<usize>,
    pub format: Option<String>,
    /// `--filter KEY=VALUE`, each as typed.
    pub filters: Vec<String>,
}

/// `docker stats` flags and arguments (docker/cli `cli/command/container/stats.go`).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct StatsOptions {
    pub all: bool,
    pub no_stream: bool,
    pub no_trunc: bool,
    pub format: Option<String>,
    pub containers: Vec<String>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum DockerCommand {
    Run(RunOptions),
    Create(RunOptions),
    Start {
        containers: Vec<String>,
        attach: bool,
    },
    Stop {
        containers: Vec<String>,
        time_s: Option<u32>,
        signal: Option<String>,
    },
    Restart {
        containers: Vec<String>,
        time_s: Option<u32>,
    },
    Kill {
        containers: Vec<String>,
        signal: String,
    },
    Pause {
        containers: Vec<String>,
    },
    Unpause {
        containers: Vec<String>,
    },
    Rm {
        containers: Vec<String>,
        force: bool,
        /// `-v`: also remove the container's anonymous volumes.
        volumes: bool,
    },
    VolumeCreate {
        name: Option<String>,
        labels: Vec<String>,
        driver: String,
    },
    VolumeLs {
        quiet: bool,
    },
    VolumeInspect {
        names: Vec<String>,
        format: Option<String>,
    },
    VolumeRm {
        names: Vec<String>,
        force: bool,
    },
    VolumePrune {
        all: bool,
        force: bool,
    },
    Ps(PsOptions),
    Logs {
        container: String,
        follow: bool,
        tail: Option<usize>,
        timestamps: bool,
    },
    Exec {
        container: String,
        detach: bool,
        interactive: bool,
        tty: bool,
        env: Vec<String>,
        argv: Vec<String>,
    },
    Inspect {
        names: Vec<String>,
        format: Option<String>,
    },
    Port {
        container: String,
        private_port: Option<String>,
    },
    /// `docker top CONTAINER [ps OPTIONS]` (src/sim/docker/top.rs).
    Top {
        container: String,
        ps_args: Vec<String>,
    },
    /// `docker stats` (src/sim/docker/stats.rs).
    Stats(StatsOptions),
    Images {
        quiet: bool,
    },
    Pull {
        image: String,
    },
    /// `docker build` (src/sim/docker/build.rs).
    Build(super::build::BuildOptions),
    History {
        image: String,
        no_trunc: bool,
        quiet: bool,
    },
    /// `docker rmi` / `docker image rm`.
    Rmi {
        images: Vec<String>,
        force: bool,
    },
    SystemDf,
    ImageInspect {
        names: Vec<String>,
        format: Option<String>,
    },
    BuilderPrune,
    /// `docker network …` (src/sim/docker/netcmd.rs).
    Network(super::netcmd::NetworkCommand),
    Help,
}

/// One flag a command accepts.
struct Flag {
    long: &'static str,
    short: Option<char>,
    takes_value: bool,
}

const fn flag(long: &'static str, short: Option<char>, takes_value: bool) -> Flag {
    Flag {
        long,
        short,
        takes_value,
    }
}

/// What cobra prints under `Usage:` and as the short description.
struct CommandSpec {
    name: &'static str,
    usage: &'static str,
    about: &'static str,
    flags: &'static [Flag],
    /// `run`, `create`, `exec`: the first positional argument ends flag parsing.
    stop_at_first_arg: bool,
    args: Arity,
}

#[derive(Clone, Copy)]
enum Arity {
    None,
    AtLeast(usize),
    Exactly(usize),
    Between(usize, usize),
}

const RUN_FLAGS: &[Flag] = &[
    flag("detach", Some('d'), false),
    flag("name", None, true),
    flag("publish", Some('p'), true),
    flag("publish-all", Some('P'), false),
    flag("env", Some('e'), true),
    flag("rm", None, false),
    flag("restart", None, true),
    flag("interactive", Some('i'), false),
    flag("tty", Some('t'), false),
    flag("entrypoint", None, true),
    flag("stop-timeout", None, true),
    flag("stop-signal", None, true),
    flag("volume", Some('v'), true),
    flag("mount", None, true),
    flag("network", None, true),
    flag("net", None, true),
    flag("network-alias", None, true),
    flag("net-alias", None, true),
    flag("expose", None, true),
    flag("hostname", Some('h'), true),
    flag("tmpfs", None, true),
    flag("platform", None, true),
    flag("health-cmd", None, true),
    flag("health-interval", None, true),
    flag("health-timeout", None, true),
    flag("health-retries", None, true),
    flag("health-start-period", None, true),
    flag("health-start-interval", None, true),
    flag("no-healthcheck", None, false),
    flag("label", Some('l'), true),
    flag("log-driver", None, true),
    flag("log-opt", None, true),
];

/// Real `docker run` flags this simulation does not model yet: refused with an honest message.
const RUN_FLAGS_NOT_SIMULATED: &[(&str, Option<char>)] = &[
    ("memory", Some('m')),
    ("cpus", None),
    ("workdir", Some('w')),
    ("user", Some('u')),
    ("env-file", None),
    ("init", None),
];

const SPECS: &[CommandSpec] = &[
    CommandSpec {
        name: "run",
        usage: "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]",
        about: "Create and run a new container from an image",
        flags: RUN_FLAGS,
        stop_at_first_arg: true,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "create",
        usage: "docker create [OPTIONS] IMAGE [COMMAND] [ARG...]",
        about: "Create a new container",
        flags: RUN_FLAGS,
        stop_at_first_arg: true,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "start",
        usage: "docker start [OPTIONS] CONTAINER [CONTAINER...]",
        about: "Start one or more stopped containers",
        flags: &[
            flag("attach", Some('a'), false),
            flag("interactive", Some('i'), false),
        ],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "stop",
        usage: "docker stop [OPTIONS] CONTAINER [CONTAINER...]",
        about: "Stop one or more running containers",
        flags: &[
            flag("time", Some('t'), true),
            flag("timeout", None, true),
            flag("signal", Some('s'), true),
        ],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "restart",
        usage: "docker restart [OPTIONS] CONTAINER [CONTAINER...]",
        about: "Restart one or more containers",
        flags: &[
            flag("time", Some('t'), true),
            flag("timeout", None, true),
            flag("signal", Some('s'), true),
        ],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "kill",
        usage: "docker kill [OPTIONS] CONTAINER [CONTAINER...]",
        about: "Kill one or more running containers",
        flags: &[flag("signal", Some('s'), true)],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "pause",
        usage: "docker pause CONTAINER [CONTAINER...]",
        about: "Pause all processes within one or more containers",
        flags: &[],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "unpause",
        usage: "docker unpause CONTAINER [CONTAINER...]",
        about: "Unpause all processes within one or more containers",
        flags: &[],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "rm",
        usage: "docker rm [OPTIONS] CONTAINER [CONTAINER...]",
        about: "Remove one or more containers",
        flags: &[
            flag("force", Some('f'), false),
            flag("volumes", Some('v'), false),
            flag("link", Some('l'), false),
        ],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "ps",
        usage: "docker ps [OPTIONS]",
        about: "List containers",
        flags: &[
            flag("all", Some('a'), false),
            flag("quiet", Some('q'), false),
            flag("no-trunc", None, false),
            flag("latest", Some('l'), false),
            flag("last", Some('n'), true),
            flag("format", None, true),
            flag("size", Some('s'), false),
            flag("filter", Some('f'), true),
        ],
        stop_at_first_arg: false,
        args: Arity::None,
    },
    CommandSpec {
        name: "logs",
        usage: "docker logs [OPTIONS] CONTAINER",
        about: "Fetch the logs of a container",
        flags: &[
            flag("follow", Some('f'), false),
            flag("tail", Some('n'), true),
            flag("timestamps", Some('t'), false),
        ],
        stop_at_first_arg: false,
        args: Arity::Exactly(1),
    },
    CommandSpec {
        name: "exec",
        usage: "docker exec [OPTIONS] CONTAINER COMMAND [ARG...]",
        about: "Execute a command in a running container",
        flags: &[
            flag("detach", Some('d'), false),
            flag("interactive", Some('i'), false),
            flag("tty", Some('t'), false),
            flag("env", Some('e'), true),
        ],
        stop_at_first_arg: true,
        args: Arity::AtLeast(2),
    },
    CommandSpec {
        name: "inspect",
        usage: "docker inspect [OPTIONS] NAME|ID [NAME|ID...]",
        about: "Return low-level information on Docker objects",
        flags: &[flag("format", Some('f'), true), flag("type", None, true)],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "port",
        usage: "docker port CONTAINER [PRIVATE_PORT[/PROTO]]",
        about: "List port mappings or a specific mapping for the container",
        flags: &[],
        stop_at_first_arg: false,
        args: Arity::Between(1, 2),
    },
    // docker/cli cli/command/container/top.go: `SetInterspersed(false)`, so everything after
    // the container goes to ps.
    CommandSpec {
        name: "top",
        usage: "docker top CONTAINER [ps OPTIONS]",
        about: "Display the running processes of a container",
        flags: &[],
        stop_at_first_arg: true,
        args: Arity::AtLeast(1),
    },
    // docker/cli cli/command/container/stats.go.
    CommandSpec {
        name: "stats",
        usage: "docker stats [OPTIONS] [CONTAINER...]",
        about: "Display a live stream of container(s) resource usage statistics",
        flags: &[
            flag("all", Some('a'), false),
            flag("no-stream", None, false),
            flag("no-trunc", None, false),
            flag("format", None, true),
        ],
        stop_at_first_arg: false,
        args: Arity::AtLeast(0),
    },
    CommandSpec {
        name: "images",
        usage: "docker images [OPTIONS] [REPOSITORY[:TAG]]",
        about: "List images",
        flags: &[
            flag("quiet", Some('q'), false),
            flag("all", Some('a'), false),
        ],
        stop_at_first_arg: false,
        args: Arity::Between(0, 1),
    },
    CommandSpec {
        name: "pull",
        usage: "docker pull [OPTIONS] NAME[:TAG|@DIGEST]",
        about: "Download an image from a registry",
        flags: &[flag("quiet", Some('q'), false)],
        stop_at_first_arg: false,
        args: Arity::Exactly(1),
    },
    CommandSpec {
        name: "volume create",
        usage: "docker volume create [OPTIONS] [VOLUME]",
        about: "Create a volume",
        flags: &[
            flag("driver", Some('d'), true),
            flag("label", None, true),
            flag("name", None, true),
            flag("opt", Some('o'), true),
        ],
        stop_at_first_arg: false,
        args: Arity::Between(0, 1),
    },
    CommandSpec {
        name: "volume ls",
        usage: "docker volume ls [OPTIONS]",
        about: "List volumes",
        flags: &[
            flag("quiet", Some('q'), false),
            flag("filter", Some('f'), true),
            flag("format", None, true),
        ],
        stop_at_first_arg: false,
        args: Arity::None,
    },
    CommandSpec {
        name: "volume inspect",
        usage: "docker volume inspect [OPTIONS] VOLUME [VOLUME...]",
        about: "Display detailed information on one or more volumes",
        flags: &[flag("format", Some('f'), true)],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "volume rm",
        usage: "docker volume rm [OPTIONS] VOLUME [VOLUME...]",
        about: "Remove one or more volumes",
        flags: &[flag("force", Some('f'), false)],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "volume prune",
        usage: "docker volume prune [OPTIONS]",
        about: "Remove unused local volumes",
        flags: &[
            flag("all", Some('a'), false),
            flag("force", Some('f'), false),
            flag("filter", None, true),
        ],
        stop_at_first_arg: false,
        args: Arity::None,
    },
    // Network commands (network-isolation page; docker/cli cli/command/network/*.go).
    CommandSpec {
        name: "network create",
        usage: "docker network create [OPTIONS] NETWORK",
        about: "Create a network",
        flags: &[
            flag("driver", Some('d'), true),
            flag("internal", None, false),
            flag("attachable", None, false),
            flag("subnet", None, true),
            flag("label", None, true),
            flag("opt", Some('o'), true),
            flag("gateway", None, true),
            flag("ip-range", None, true),
            flag("ipv6", None, false),
        ],
        stop_at_first_arg: false,
        args: Arity::Exactly(1),
    },
    CommandSpec {
        name: "network ls",
        usage: "docker network ls [OPTIONS]",
        about: "List networks",
        flags: &[
            flag("quiet", Some('q'), false),
            flag("filter", Some('f'), true),
            flag("format", None, true),
            flag("no-trunc", None, false),
        ],
        stop_at_first_arg: false,
        args: Arity::None,
    },
    CommandSpec {
        name: "network inspect",
        usage: "docker network inspect [OPTIONS] NETWORK [NETWORK...]",
        about: "Display detailed information on one or more networks",
        flags: &[
            flag("format", Some('f'), true),
            flag("verbose", Some('v'), false),
        ],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "network rm",
        usage: "docker network rm NETWORK [NETWORK...]",
        about: "Remove one or more networks",
        flags: &[flag("force", Some('f'), false)],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "network prune",
        usage: "docker network prune [OPTIONS]",
        about: "Remove all unused networks",
        flags: &[flag("force", Some('f'), false), flag("filter", None, true)],
        stop_at_first_arg: false,
        args: Arity::None,
    },
    CommandSpec {
        name: "network connect",
        usage: "docker network connect [OPTIONS] NETWORK CONTAINER",
        about: "Connect a container to a network",
        flags: &[
            flag("alias", None, true),
            flag("ip", None, true),
            flag("link", None, true),
        ],
        stop_at_first_arg: false,
        args: Arity::Exactly(2),
    },
    CommandSpec {
        name: "network disconnect",
        usage: "docker network disconnect [OPTIONS] NETWORK CONTAINER",
        about: "Disconnect a container from a network",
        flags: &[flag("force", Some('f'), false)],
        stop_at_first_arg: false,
        args: Arity::Exactly(2),
    },
    // Image commands (images-layers page).
    CommandSpec {
        name: "build",
        usage: "docker buildx build [OPTIONS] PATH | URL | -",
        about: "Start a build",
        flags: &[
            flag("tag", Some('t'), true),
            flag("file", Some('f'), true),
            flag("target", None, true),
            flag("build-arg", None, true),
            flag("no-cache", None, false),
            flag("progress", None, true),
            flag("quiet", Some('q'), false),
            flag("pull", None, false),
        ],
        stop_at_first_arg: false,
        args: Arity::Exactly(1),
    },
    CommandSpec {
        name: "history",
        usage: "docker history [OPTIONS] IMAGE",
        about: "Show the history of an image",
        flags: &[
            flag("no-trunc", None, false),
            flag("quiet", Some('q'), false),
            flag("human", Some('H'), false),
        ],
        stop_at_first_arg: false,
        args: Arity::Exactly(1),
    },
    CommandSpec {
        name: "rmi",
        usage: "docker rmi [OPTIONS] IMAGE [IMAGE...]",
        about: "Remove one or more images",
        flags: &[
            flag("force", Some('f'), false),
            flag("no-prune", None, false),
        ],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "system df",
        usage: "docker system df [OPTIONS]",
        about: "Show docker disk usage",
        flags: &[flag("verbose", Some('v'), false)],
        stop_at_first_arg: false,
        args: Arity::None,
    },
    CommandSpec {
        name: "image inspect",
        usage: "docker image inspect [OPTIONS] IMAGE [IMAGE...]",
        about: "Display detailed information on one or more images",
        flags: &[flag("format", Some('f'), true)],
        stop_at_first_arg: false,
        args: Arity::AtLeast(1),
    },
    CommandSpec {
        name: "builder prune",
        usage: "docker builder prune",
        about: "Remove build cache",
        flags: &[
            flag("all", Some('a'), false),
            flag("force", Some('f'), false),
        ],
        stop_at_first_arg: false,
        args: Arity::None,
    },
];

/// Docker's management-command aliases (`docker container ls` = `docker ps`).
fn canonical(words: &[String]) -> Option<(&'static str, usize)> {
    let first = words.first()?.as_str();
    let second = words.get(1).map(String::as_str);
    let alias = match (first, second) {
        ("container", Some("ls" | "list" | "ps")) => Some("ps"),
        ("container", Some("rm" | "remove")) => Some("rm"),
        ("container", Some(sub)) => SPECS.iter().find(|s| s.name == sub).map(|s| s.name),
        ("image", Some("ls" | "list")) => Some("images"),
        ("image", Some("pull")) => Some("pull"),
        ("image", Some("rm" | "remove")) => Some("rmi"),
        ("image", Some("history")) => Some("history"),
        ("image", Some("inspect")) => Some("image inspect"),
        ("image", Some("build")) | ("buildx", Some("build" | "b")) => Some("build"),
        ("system", Some("df")) => Some("system df"),
        ("builder", Some("prune")) => Some("builder prune"),
        // docker/cli cli/command/volume: `ls` has the alias `list`, `rm` has `remove`.
        ("volume", Some("create")) => Some("volume create"),
        ("volume", Some("ls" | "list")) => Some("volume ls"),
        ("volume", Some("inspect")) => Some("volume inspect"),
        ("volume", Some("rm" | "remove")) => Some("volume rm"),
        ("volume", Some("prune")) => Some("volume prune"),
        // docker/cli cli/command/network: `ls` has the alias `list`, `rm` has `remove`.
        ("network", Some("create")) => Some("network create"),
        ("network", Some("ls" | "list")) => Some("network ls"),
        ("network", Some("inspect")) => Some("network inspect"),
        ("network", Some("rm" | "remove")) => Some("network rm"),
        ("network", Some("prune")) => Some("network prune"),
        ("network", Some("connect")) => Some("network connect"),
        ("network", Some("disconnect")) => Some("network disconnect"),
        _ => None,
    };
    if let Some(name) = alias {
        return Some((name, 2));
    }
    SPECS.iter().find(|s| s.name == first).map(|s| (s.name, 1))
}

/// `--label k=v` values as a map (a bare `k` is an empty value), as the CLI sends them.
pub fn parse_labels(labels: &[String]) -> std::collections::BTreeMap<String, String> {
    labels
        .iter()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or((l, ""));
            (k.to_string(), v.to_string())
        })
        .collect_map()
}

/// Parses the words after `docker`.
pub fn parse(words: &[String]) -> Result<DockerCommand, DockerError> {
    let Some(first) = words.first() else {
        return Ok(DockerCommand::Help);
    };
    if matches!(first.as_str(), "help" | "--help" | "-h") {
        return Ok(DockerCommand::Help);
    }
    let Some((name, consumed)) = canonical(words) else {
        if first.starts_with('-') {
            return Err(DockerError::new(
                format!(
                    "unknown flag: {first}\n\nUsage:  docker [OPTIONS] COMMAND [ARG...]\n\nRun 'docker --help' for more information"
                ),
                125,
            ));
        }
        return Err(DockerError::new(
            format!(
                "docker: unknown command: docker {first}\n\nRun 'docker --help' for more information"
            ),
            1,
        ));
    };
    let spec = SPECS
        .iter()
        .find(|s| s.name == name)
        .expect("canonical names exist");
    let parsed = parse_flags(spec, &words[consumed..])?;
    check_arity(spec, &parsed.args)?;
    build(spec, parsed)
}

struct Parsed {
    flags: Vec<(&'static str, String)>,
    args: Vec<String>,
}

impl Parsed {
    fn bool(&self, long: &str) -> bool {
        self.flags
            .iter()
            .rev()
            .find(|(l, _)| *l == long)
            .is_some_and(|(_, v)| v != "false")
    }
    fn value(&self, long: &str) -> Option<String> {
        self.flags
            .iter()
            .rev()
            .find(|(l, _)| *l == long)
            .map(|(_, v)| v.clone())
    }
    fn values(&self, long: &str) -> Vec<String> {
        self.flags
            .iter()
            .filter(|(l, _)| *l == long)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// cobra's flag error (docker/cli `FlagErrorFunc`): always exit 125.
fn usage_error(spec: &CommandSpec, message: String) -> DockerError {
    DockerError::new(
        format!(
            "{message}\n\nUsage:  {}\n\nRun 'docker {} --help' for more information",
            spec.usage, spec.name
        ),
        125,
    )
}

fn not_simulated(spec: &CommandSpec, flag: &str) -> DockerError {
    DockerError::new(
        format!(
            "dockyard: `docker {} {flag}` is real Docker, but this page does not simulate it yet.",
            spec.name
        ),
        125,
    )
}

fn parse_flags(spec: &CommandSpec, words: &[String]) -> Result<Parsed, DockerError> {
    let mut parsed = Parsed {
        flags: Vec::new(),
        args: Vec::new(),
    };
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if word == "--" {
            parsed.args.extend(words[i..].iter().cloned());
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            if name == "help" {
                return Err(DockerError::new(help_text(spec), 0));
            }
            let Some(flag) = spec.flags.iter().find(|f| f.long == name) else {
                if spec.flags.as_ptr() == RUN_FLAGS.as_ptr()
                    && RUN_FLAGS_NOT_SIMULATED.iter().any(|(l, _)| *l == name)
                {
                    return Err(not_simulated(spec, &format!("--{name}")));
                }
                return Err(usage_error(spec, format!("unknown flag: --{name}")));
            };
            let value = if flag.takes_value {
                match inline {
                    Some(v) => v,
                    None if i < words.len() => {
                        i += 1;
                        words[i - 1].clone()
                    }
                    None => {
                        return Err(usage_error(
                            spec,
                            format!("flag needs an argument: --{name}"),
                        ));
                    }
                }
            } else {
                match inline.as_deref() {
                    None | Some("true") => "true".to_string(),
                    Some("false") => "false".to_string(),
                    Some(other) => {
                        return Err(usage_error(
                            spec,
                            format!(
                                "invalid argument \"{other}\" for \"--{name}\" flag: strconv.ParseBool: parsing \"{other}\": invalid syntax"
                            ),
                        ));
                    }
                }
            };
            parsed.flags.push((flag.long, value));
        } else if word.len() > 1 && word.starts_with('-') {
            let shorts: Vec<char> = word[1..].chars().collect();
            let mut j = 0;
            while j < shorts.len() {
                let c = shorts[j];
                j += 1;
                if c == 'h' && spec.name != "run" && spec.name != "create" {
                    return Err(DockerError::new(help_text(spec), 0));
                }
                let Some(flag) = spec.flags.iter().find(|f| f.short == Some(c)) else {
                    if spec.flags.as_ptr() == RUN_FLAGS.as_ptr()
                        && let Some((long, _)) =
                            RUN_FLAGS_NOT_SIMULATED.iter().find(|(_, s)| *s == Some(c))
                    {
                        return Err(not_simulated(spec, &format!("-{c} (--{long})")));
                    }
                    return Err(usage_error(
                        spec,
                        format!("unknown shorthand flag: '{c}' in {word}"),
                    ));
                };
                if flag.takes_value {
                    let rest: String = shorts[j..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest.strip_prefix('=').unwrap_or(&rest).to_string()
                    } else if i < words.len() {
                        i += 1;
                        words[i - 1].clone()
                    } else {
                        return Err(usage_error(
                            spec,
                            format!("flag needs an argument: '{c}' in -{c}"),
                        ));
                    };
                    parsed.flags.push((flag.long, value));
                    break;
                }
                parsed.flags.push((flag.long, "true".to_string()));
            }
        } else {
            parsed.args.push(word.clone());
            if spec.stop_at_first_arg {
                parsed.args.extend(words[i..].iter().cloned());
                break;
            }
        }
    }
    Ok(parsed)
}

fn check_arity(spec: &CommandSpec, args: &[String]) -> Result<(), DockerError> {
    let (ok, phrase) = match spec.args {
        Arity::None => (args.is_empty(), "no arguments".to_string()),
        Arity::AtLeast(n) => (
            args.len() >= n,
            format!("at least {n} argument{}", if n == 1 { "" } else { "s" }),
        ),
        Arity::Exactly(n) => (
            args.len() == n,
            format!("{n} argument{}", if n == 1 { "" } else { "s" }),
        ),
        Arity::Between(lo, hi) => (
            (lo..=hi).contains(&args.len()),
            format!("at least {lo} and at most {hi} arguments"),
        ),
    };
    if ok {
        return Ok(());
    }
    // docker/cli cli/required.go; "requires at least" really does say "See" where the others say
    // "Run".
    let (verb, tail) = match spec.args {
        Arity::None => ("accepts", "Run"),
        Arity::AtLeast(_) => ("requires", "See"),
        _ => ("requires", "Run"),
    };
    Err(DockerError::new(
        format!(
            "docker: 'docker {}' {verb} {phrase}\n\nUsage:  {}\n\n{tail} 'docker {} --help' for more information",
            spec.name, spec.usage, spec.name
        ),
        1,
    ))
}

fn help_text(spec: &CommandSpec) -> String {
    let mut text = format!("\nUsage:  {}\n\n{}\n\nOptions:", spec.usage, spec.about);
    for f in spec.flags {
        let short = f
            .short
            .map(|c| format!("-{c}, "))
            .unwrap_or_else(|| "    ".to_string());
        let value = if f.takes_value { " string" } else { "" };
        text.push_str(&format!("\n  {short}--{}{value}", f.long));
    }
    text
}

fn parse_seconds(
    spec: &CommandSpec,
    flag: &str,
    value: Option<String>,
) -> Result<Option<u32>, DockerError> {
    match value {
        None => Ok(None),
        Some(v) => v.parse::<i64>().map(|s| Some(s.clamp(0, i64::from(u32::MAX)) as u32)).map_err(|_| {
            usage_error(
                spec,
                format!("invalid argument \"{v}\" for \"-t, --{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"),
            )
        }),
    }
}

fn build(spec: &CommandSpec, p: Parsed) -> Result<DockerCommand, DockerError> {
    let args = p.args.clone();
    Ok(match spec.name {
        "run" | "create" => {
            let stop_timeout_s = match p.value("stop-timeout") {
                None => None,
                Some(v) => Some(v.parse::<u32>().map_err(|_| {
                    usage_error(spec, format!("invalid argument \"{v}\" for \"--stop-timeout\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"))
                })?),
            };
            // pflag runs `MountOpt.Set` while parsing: a bad --mount is a flag error.
            for raw in p.values("mount") {
                if let Err(e) = super::mount::parse_mount_flag(&raw, "/") {
                    return Err(usage_error(
                        spec,
                        format!("invalid argument \"{raw}\" for \"--mount\" flag: {e}"),
                    ));
                }
            }
            let options = RunOptions {
                detach: p.bool("detach"),
                name: p.value("name"),
                publish: p.values("publish"),
                publish_all: p.bool("publish-all"),
                env: p.values("env"),
                auto_remove: p.bool("rm"),
                restart: p.value("restart"),
                interactive: p.bool("interactive"),
                tty: p.bool("tty"),
                entrypoint: p.value("entrypoint"),
                stop_timeout_s,
                stop_signal: p.value("stop-signal"),
                volumes: p.values("volume"),
                mounts: p.values("mount"),
                tmpfs: p.values("tmpfs"),
                platform: p.value("platform"),
                networks: p
                    .flags
                    .iter()
                    .filter(|(l, _)| matches!(*l, "network" | "net"))
                    .map(|(_, v)| v.clone())
                    .collect(),
                network_aliases: p
                    .flags
                    .iter()
                    .filter(|(l, _)| matches!(*l, "network-alias" | "net-alias"))
                    .map(|(_, v)| v.clone())
                    .collect(),
                expose: super::netcmd::parse_expose(&p.values("expose"))
                    .map_err(|e| DockerError::new(e, 125))?,
                hostname: p.value("hostname"),
                labels: p.values("label"),
                log_driver: p.value("log-driver"),
                log_opts: p.values("log-opt"),
                health: super::health::HealthOptions::from_flags(
                    |f| p.value(f),
                    p.bool("no-healthcheck"),
                )
                .map_err(|e| {
                    if e.starts_with("invalid argument") {
                        usage_error(spec, e)
                    } else {
                        // docker/cli opts.go errors, printed by runRun's reportError.
                        DockerError::new(
                            format!(
                                "docker: {e}\n\nRun 'docker {} --help' for more information",
                                spec.name
                            ),
                            125,
                        )
                    }
                })?,
                image: args[0].clone(),
                cmd: args[1..].to_vec(),
            };
            if spec.name == "run" {
                DockerCommand::Run(options)
            } else {
                DockerCommand::Create(options)
            }
        }
        "start" => DockerCommand::Start {
            containers: args,
            attach: p.bool("attach"),
        },
        "stop" | "restart" => {
            let time = p.value("time").or_else(|| p.value("timeout"));
            let time_s = parse_seconds(spec, "time", time)?;
            if spec.name == "stop" {
                DockerCommand::Stop {
                    containers: args,
                    time_s,
                    signal: p.value("signal"),
                }
            } else {
                DockerCommand::Restart {
                    containers: args,
                    time_s,
                }
            }
        }
        "kill" => DockerCommand::Kill {
            containers: args,
            signal: p.value("signal").unwrap_or_else(|| "KILL".to_string()),
        },
        "pause" => DockerCommand::Pause { containers: args },
        "unpause" => DockerCommand::Unpause { containers: args },
        "rm" => DockerCommand::Rm {
            containers: args,
            force: p.bool("force"),
            volumes: p.bool("volumes"),
        },
        // Real flags this page does not model yet are refused rather than ignored.
        "volume ls" | "volume prune" | "volume create"
            if ["filter", "format", "opt"]
                .iter()
                .any(|f| p.value(f).is_some()) =>
        {
            let flag = ["filter", "format", "opt"]
                .into_iter()
                .find(|f| p.value(f).is_some())
                .unwrap_or("filter");
            return Err(not_simulated(spec, &format!("--{flag}")));
        }
        "volume create" => {
            let name = match (args.first(), p.value("name")) {
                (Some(a), Some(n)) if *a != n => {
                    // docker/cli cli/command/volume/create.go
                    return Err(DockerError::new(
                        "conflicting options: cannot specify a volume-name through both --name and as a positional arg",
                        1,
                    ));
                }
                (Some(a), _) => Some(a.clone()),
                (None, n) => n,
            };
            DockerCommand::VolumeCreate {
                name,
                labels: p.values("label"),
                driver: p.value("driver").unwrap_or_else(|| "local".to_string()),
            }
        }
        name if name.starts_with("network ") => {
            let flags: Vec<(&str, String)> = p.flags.iter().map(|(l, v)| (*l, v.clone())).collect();
            match super::netcmd::build(name, &flags, args) {
                Ok(command) => DockerCommand::Network(command),
                Err(flag) => return Err(not_simulated(spec, &flag)),
            }
        }
        "volume ls" => DockerCommand::VolumeLs {
            quiet: p.bool("quiet"),
        },
        "volume inspect" => DockerCommand::VolumeInspect {
            names: args,
            format: p.value("format"),
        },
        "volume rm" => DockerCommand::VolumeRm {
            names: args,
            force: p.bool("force"),
        },
        "volume prune" => DockerCommand::VolumePrune {
            all: p.bool("all"),
            force: p.bool("force"),
        },
        "ps" => {
            let last = match p.value("last") {
                None => None,
                Some(v) => Some(v.parse::<i64>().map_err(|_| {
                    usage_error(spec, format!("invalid argument \"{v}\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"))
                })?),
            };
            DockerCommand::Ps(PsOptions {
                all: p.bool("all"),
                quiet: p.bool("quiet"),
                no_trunc: p.bool("no-trunc"),
                latest: p.bool("latest"),
                last: last.filter(|n| *n >= 0).map(|n| n as usize),
                format: p.value("format"),
                filters: p.values("filter"),
            })
        }
        "logs" => {
            let tail = match p.value("tail").as_deref() {
                None | Some("all") => None,
                Some(v) => Some(v.parse::<usize>().map_err(|_| {
                    usage_error(spec, format!("invalid argument \"{v}\" for \"-n, --tail\" flag: strconv.Atoi: parsing \"{v}\": invalid syntax"))
                })?),
            };
            DockerCommand::Logs {
                container: args[0].clone(),
                follow: p.bool("follow"),
                tail,
                timestamps: p.bool("timestamps"),
            }
        }
        "exec" => DockerCommand::Exec {
            container: args[0].clone(),
            detach: p.bool("detach"),
            interactive: p.bool("interactive"),
            tty: p.bool("tty"),
            env: p.values("env"),
            argv: args[1..].to_vec(),
        },
        "inspect" => DockerCommand::Inspect {
            names: args,
            format: p.value("format"),
        },
        "port" => DockerCommand::Port {
            container: args[0].clone(),
            private_port: args.get(1).cloned(),
        },
        "top" => DockerCommand::Top {
            container: args[0].clone(),
            ps_args: args[1..].to_vec(),
        },
        "stats" => DockerCommand::Stats(StatsOptions {
            all: p.bool("all"),
            no_stream: p.bool("no-stream"),
            no_trunc: p.bool("no-trunc"),
            format: p.value("format"),
            containers: args,
        }),
        "images" => DockerCommand::Images {
            quiet: p.bool("quiet"),
        },
        "pull" => DockerCommand::Pull {
            image: args[0].clone(),
        },
        "build" => DockerCommand::Build(super::build::BuildOptions {
            context: args[0].clone(),
            tags: p.values("tag"),
            file: p.value("file"),
            target: p.value("target"),
            build_args: p.values("build-arg"),
            no_cache: p.bool("no-cache"),
            quiet: p.bool("quiet"),
        }),
        "history" => DockerCommand::History {
            image: args[0].clone(),
            no_trunc: p.bool("no-trunc"),
            quiet: p.bool("quiet"),
        },
        "rmi" => DockerCommand::Rmi {
            images: args,
            force: p.bool("force"),
        },
        "system df" => DockerCommand::SystemDf,
        "image inspect" => DockerCommand::ImageInspect {
            names: args,
            format: p.value("format"),
        },
        "builder prune" => DockerCommand::BuilderPrune,
        other => unreachable!("spec {other} has no builder"),
    })
}

/// `docker --help`, shortened to what this page simulates.
pub const HELP: &str = "
Usage:  docker [OPTIONS] COMMAND

A self-sufficient runtime for containers (simulated by Dockyard)

Common Commands:
  run         Create and run a new container from an image
  exec        Execute a command in a running container
  ps          List containers
  build       Build an image from a Dockerfile
  images      List images
  pull        Download an image from a registry
  info        Display system-wide information

Management Commands:
  builder     Manage builds (prune)
  compose*    Docker Compose (config, up, down, ps, logs, stop, start, restart, exec, run, ls)
  network     Manage networks (create, ls, inspect, rm, prune, connect, disconnect)
  system      Manage Docker (df, prune)
  volume      Manage volumes (create, ls, inspect, rm, prune)

Swarm Commands:
  node        Manage Swarm nodes (ls, inspect, promote, demote, update, rm)
  service     Manage Swarm services (create, ls, ps, inspect, logs, scale, update, rollback, rm)
  stack       Manage Swarm stacks (deploy, ls, services, ps, config, rm)
  swarm       Manage Swarm (init, join, join-token, leave)

Container Commands:
  create      Create a new container
  start       Start one or more stopped containers
  stop        Stop one or more running containers
  restart     Restart one or more containers
  kill        Kill one or more running containers
  pause       Pause all processes within one or more containers
  unpause     Unpause all processes within one or more containers
  rm          Remove one or more containers
  logs        Fetch the logs of a container
  inspect     Return low-level information on Docker objects
  port        List port mappings or a specific mapping for the container
  top         Display the running processes of a container
  stats       Display a live stream of container(s) resource usage statistics

Image Commands:
  history     Show the history of an image
  rmi         Remove one or more images (also: docker image rm)
  image inspect

Run 'docker COMMAND --help' for more information on a command.";

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Result<DockerCommand, DockerError> {
        let words = shell_words::split(line).unwrap();
        parse(&words[1..])
    }

    #[test]
    fn run_flags_parse_like_pflag() {
        let DockerCommand::Run(o) = p("docker run -dit --name=web -p8080:80 -e A=1 --env B=2 nginx:1.27 nginx -g 'daemon off;'").unwrap() else {
            panic!()
        };
        assert!(o.detach && o.interactive && o.tty);
        assert_eq!(o.name.as_deref(), Some("web"));
        assert_eq!(o.publish, vec!["8080:80"]);
        assert_eq!(o.env, vec!["A=1", "B=2"]);
        assert_eq!(o.image, "nginx:1.27");
        assert_eq!(o.cmd, vec!["nginx", "-g", "daemon off;"]);
    }

    #[test]
    fn flags_after_the_image_belong_to_the_command() {
        let DockerCommand::Run(o) = p("docker run alpine ls -la").unwrap() else {
            panic!()
        };
        assert_eq!(o.cmd, vec!["ls", "-la"]);
    }

    #[test]
    fn unknown_flags_get_pflags_words() {
        let e = p("docker run --bogus nginx").unwrap_err();
        assert_eq!(
            e.message,
            "unknown flag: --bogus\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'docker run --help' for more information"
        );
        assert_eq!(e.exit_code, 125);
        let e = p("docker ps -dz").unwrap_err();
        assert!(
            e.message
                .starts_with("unknown shorthand flag: 'd' in -dz\n")
        );
        let e = p("docker run --name").unwrap_err();
        assert!(e.message.starts_with("flag needs an argument: --name"));
    }

    #[test]
    fn missing_arguments_print_cobras_usage() {
        let e = p("docker stop").unwrap_err();
        assert_eq!(
            e.message,
            "docker: 'docker stop' requires at least 1 argument\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'docker stop --help' for more information"
        );
        assert_eq!(e.exit_code, 1);
        let e = p("docker logs a b").unwrap_err();
        assert!(
            e.message
                .starts_with("docker: 'docker logs' requires 1 argument\n")
        );
        assert!(
            e.message
                .ends_with("Run 'docker logs --help' for more information")
        );
        let e = p("docker ps web").unwrap_err();
        assert!(
            e.message
                .starts_with("docker: 'docker ps' accepts no arguments\n")
        );
    }

    #[test]
    fn unknown_commands_are_named() {
        let e = p("docker launch nginx").unwrap_err();
        assert_eq!(
            e.message,
            "docker: unknown command: docker launch\n\nRun 'docker --help' for more information"
        );
    }

    #[test]
    fn management_aliases_work() {
        assert!(matches!(
            p("docker container ls -a").unwrap(),
            DockerCommand::Ps(PsOptions { all: true, .. })
        ));
        assert!(matches!(
            p("docker container stop web").unwrap(),
            DockerCommand::Stop { .. }
        ));
    }

    #[test]
    fn real_but_unsimulated_flags_say_so() {
        let e = p("docker run --cpus 1 nginx").unwrap_err();
        assert!(e.message.contains("does not simulate it yet"));
    }

    #[test]
    fn mount_flags_and_volume_commands_parse() {
        let DockerCommand::Run(o) =
            p("docker run -v data:/data --mount type=tmpfs,target=/cache --tmpfs /run alpine")
                .unwrap()
        else {
            panic!()
        };
        assert_eq!(o.volumes, vec!["data:/data"]);
        assert_eq!(o.mounts, vec!["type=tmpfs,target=/cache"]);
        assert_eq!(o.tmpfs, vec!["/run"]);
        let e = p("docker run --mount type=bind,target alpine").unwrap_err();
        assert!(e.message.starts_with(
            "invalid argument \"type=bind,target\" for \"--mount\" flag: invalid field 'target' must be a key=value pair\n"
        ));
        assert!(matches!(
            p("docker volume list -q").unwrap(),
            DockerCommand::VolumeLs { quiet: true }
        ));
        assert!(matches!(
            p("docker rm -v db").unwrap(),
            DockerCommand::Rm { volumes: true, .. }
        ));
        assert!(
            p("docker volume ls --filter dangling=true")
                .unwrap_err()
                .message
                .contains("does not simulate it yet")
        );
        let e = p("docker volume rm").unwrap_err();
        assert!(
            e.message
                .starts_with("docker: 'docker volume rm' requires at least 1 argument")
        );
    }

    /// docker/cli cli/command/container/top.go (`SetInterspersed(false)`: ps's options follow the
    /// container) and stats.go (`-a`, `--no-stream`, `--no-trunc`, `--format`, any containers).
    #[test]
    fn top_and_stats_parse_docker_cli_top_go_stats_go() {
        assert_eq!(
            p("docker top web -o pid,comm").unwrap(),
            DockerCommand::Top {
                container: "web".into(),
                ps_args: vec!["-o".into(), "pid,comm".into()],
            }
        );
        assert!(matches!(
            p("docker container top web").unwrap(),
            DockerCommand::Top { .. }
        ));
        assert_eq!(
            p("docker stats -a --no-stream --no-trunc --format '{{.Name}}' web db").unwrap(),
            DockerCommand::Stats(StatsOptions {
                all: true,
                no_stream: true,
                no_trunc: true,
                format: Some("{{.Name}}".into()),
                containers: vec!["web".into(), "db".into()],
            })
        );
        assert_eq!(
            p("docker container stats").unwrap(),
            DockerCommand::Stats(StatsOptions::default())
        );
        assert!(
            p("docker stats --bogus").unwrap_err().message.starts_with(
                "unknown flag: --bogus\n\nUsage:  docker stats [OPTIONS] [CONTAINER...]"
            )
        );
    }

    #[test]
    fn stop_time_parses() {
        assert_eq!(
            p("docker stop -t 3 web").unwrap(),
            DockerCommand::Stop {
                containers: vec!["web".into()],
                time_s: Some(3),
                signal: None
            }
        );
    }
}
