//! The `docker` command line: syntax in, `DockerCommand` out.
//!
//! The real CLI is cobra + pflag: long flags `--name web` or `--name=web`, shorthands `-p 8080:80`
//! or `-p8080:80`, boolean shorthands combined (`-dit`), `--` ends the flags, and for `run`,
//! `create` and `exec` the first positional argument (the image or container) ends flag parsing so
//! the rest belongs to the container's command. The parsing is src/sim/flags.rs's: pflag's and
//! cobra's words with the usage line, exit 125 for a flag error and 1 for a wrong argument count.
//! Flags that Docker has but this page does not simulate are refused honestly rather than
//! silently ignored. `NETWORK_CREATE`/`NETWORK_LS` are shared with src/sim/swarm/overlay.rs.
//!
//! A leaf: the typed requests (`RunOptions`, `DockerCommand` and what they embed: the
//! healthcheck options, a network command, a build's options) and their parsing import only
//! other leaves (src/sim/flags.rs, the domains' `model` modules), so a compose job or the world
//! can hold a request without importing the commands that run it.

use super::error::DockerError;
use crate::sim::flags::{Arity, Command, Flag, Parsed};
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
    /// `--volumes-from CONTAINER[:ro|:rw]`: that container's volumes and bind mounts.
    pub volumes_from: Vec<String>,
    /// `--platform windows/amd64` (src/sim/docker/platform.rs).
    pub platform: Option<String>,
    /// `--network`/`--net` (src/sim/docker/network/mod.rs); empty = the default bridge.
    pub networks: Vec<String>,
    /// `--network-alias`.
    pub network_aliases: Vec<String>,
    /// `--expose PORT[/PROTO]`: documentation, added to the container's exposed ports.
    pub expose: Vec<u16>,
    /// `-h/--hostname`; `None` = the short container ID.
    pub hostname: Option<String>,
    /// `--health-*`, `--no-healthcheck` (src/sim/docker/health/mod.rs).
    pub health: super::health::model::HealthOptions,
    /// `--label/-l KEY=VALUE` (Compose sets `com.docker.compose.*` labels the same way).
    pub labels: Vec<String>,
    /// `--log-driver`; `None` = the daemon's default (daemon.json), src/sim/docker/disk/mod.rs.
    pub log_driver: Option<String>,
    /// `--log-opt KEY=VALUE` (`max-size=10m`, `max-file=3`).
    pub log_opts: Vec<String>,
    /// `-m/--memory`, `--memory-swap` (-1: unlimited), `--cpus` as nano-CPUs; parsed by the CLI,
    /// checked by the daemon (src/sim/docker/resources.rs).
    pub memory_bytes: Option<u64>,
    pub memory_swap_bytes: Option<i64>,
    pub nano_cpus: Option<u64>,
    /// `-u/--user NAME|UID[:GID]` (src/sim/docker/users.rs).
    pub user: Option<String>,
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
    /// `docker tag` / `docker image tag` (src/sim/docker/registry/mod.rs).
    Tag {
        source: String,
        target: String,
    },
    /// `docker push` / `docker image push` (src/sim/docker/registry/mod.rs).
    Push {
        name: String,
        all_tags: bool,
        quiet: bool,
    },
    /// `docker build` (src/sim/docker/build/mod.rs).
    Build(super::build::model::BuildOptions),
    History {
        image: String,
        no_trunc: bool,
        quiet: bool,
    },
    /// `docker export`, `docker import`, `docker commit` (src/sim/docker/exportcmd.rs).
    Export {
        container: String,
        output: Option<String>,
    },
    Import {
        source: String,
        tag: Option<String>,
        changes: Vec<String>,
        message: Option<String>,
    },
    Save {
        images: Vec<String>,
        output: Option<String>,
    },
    Load {
        input: Option<String>,
    },
    Commit {
        container: String,
        tag: Option<String>,
        changes: Vec<String>,
        message: Option<String>,
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
    /// `docker network …` (src/sim/docker/netcmd/mod.rs).
    Network(super::netcmd::model::NetworkCommand),
    Help,
}

const RUN_FLAGS: &[Flag] = &[
    Flag::bool("detach", Some('d')),
    Flag::string("name", None),
    Flag::string("publish", Some('p')),
    Flag::bool("publish-all", Some('P')),
    Flag::string("env", Some('e')),
    Flag::bool("rm", None),
    Flag::string("restart", None),
    Flag::bool("interactive", Some('i')),
    Flag::bool("tty", Some('t')),
    Flag::string("entrypoint", None),
    Flag::string("stop-timeout", None),
    Flag::string("stop-signal", None),
    Flag::string("volume", Some('v')),
    Flag::string("mount", None),
    Flag::string("network", None),
    Flag::string("net", None),
    Flag::string("network-alias", None),
    Flag::string("net-alias", None),
    Flag::string("expose", None),
    Flag::string("hostname", Some('h')),
    Flag::string("tmpfs", None),
    Flag::string("volumes-from", None),
    Flag::string("platform", None),
    Flag::string("health-cmd", None),
    Flag::string("health-interval", None),
    Flag::string("health-timeout", None),
    Flag::string("health-retries", None),
    Flag::string("health-start-period", None),
    Flag::string("health-start-interval", None),
    Flag::bool("no-healthcheck", None),
    Flag::string("label", Some('l')),
    Flag::string("log-driver", None),
    Flag::string("log-opt", None),
    Flag::string("memory", Some('m')),
    Flag::string("memory-swap", None),
    Flag::string("cpus", None),
    Flag::string("user", Some('u')),
];

/// Real `docker run` flags this simulation does not model yet: refused with an honest message.
const RUN_FLAGS_NOT_SIMULATED: &[(&str, Option<char>)] =
    &[("workdir", Some('w')), ("env-file", None), ("init", None)];

/// `docker network create`, also read by the swarm's network store (src/sim/swarm/overlay.rs)
/// so both answer a line the same way.
pub(crate) const NETWORK_CREATE: Command = Command::docker(
    "docker network create",
    "docker network create [OPTIONS] NETWORK",
    "Create a network",
    &[
        Flag::string("driver", Some('d')),
        Flag::bool("internal", None),
        Flag::bool("attachable", None),
        Flag::string("subnet", None),
        Flag::string("label", None),
        Flag::string("opt", Some('o')),
        Flag::string("gateway", None),
        Flag::string("ip-range", None),
        Flag::bool("ipv6", None),
    ],
)
.args(Arity::Exactly(1));

/// `docker network ls`, also read by src/sim/swarm/overlay.rs.
pub(crate) const NETWORK_LS: Command = Command::docker(
    "docker network ls",
    "docker network ls [OPTIONS]",
    "List networks",
    &[
        Flag::bool("quiet", Some('q')),
        Flag::string("filter", Some('f')),
        Flag::string("format", None),
        Flag::bool("no-trunc", None),
    ],
)
.args(Arity::None);

pub(crate) const SPECS: &[Command] = &[
    Command::docker(
        "docker export",
        "docker export [OPTIONS] CONTAINER",
        "Export a container's filesystem as a tar archive",
        &[Flag::string("output", Some('o'))],
    )
    .args(Arity::Exactly(1)),
    Command::docker(
        "docker import",
        "docker import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
        "Import the contents from a tarball to create a filesystem image",
        &[
            Flag::string("change", Some('c')),
            Flag::string("message", Some('m')),
            Flag::string("platform", None),
        ],
    )
    .args(Arity::Between(1, 2)),
    Command::docker(
        "docker save",
        "docker save [OPTIONS] IMAGE [IMAGE...]",
        "Save one or more images to a tar archive (streamed to STDOUT by default)",
        &[
            Flag::string("output", Some('o')),
            Flag::string("platform", None),
        ],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker load",
        "docker load [OPTIONS]",
        "Load an image from a tar archive or STDIN",
        &[
            Flag::string("input", Some('i')),
            Flag::bool("quiet", Some('q')),
            Flag::string("platform", None),
        ],
    )
    .args(Arity::None),
    Command::docker(
        "docker commit",
        "docker commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
        "Create a new image from a container's changes",
        &[
            Flag::string("author", Some('a')),
            Flag::string("change", Some('c')),
            Flag::string("message", Some('m')),
            Flag::bool("pause", Some('p')),
            Flag::bool("no-pause", None),
        ],
    )
    .args(Arity::Between(1, 2)),
    Command::docker(
        "docker run",
        "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]",
        "Create and run a new container from an image",
        RUN_FLAGS,
    )
    .args(Arity::AtLeast(1))
    .stop_at_first_arg()
    .not_simulated(RUN_FLAGS_NOT_SIMULATED),
    Command::docker(
        "docker create",
        "docker create [OPTIONS] IMAGE [COMMAND] [ARG...]",
        "Create a new container",
        RUN_FLAGS,
    )
    .args(Arity::AtLeast(1))
    .stop_at_first_arg()
    .not_simulated(RUN_FLAGS_NOT_SIMULATED),
    Command::docker(
        "docker start",
        "docker start [OPTIONS] CONTAINER [CONTAINER...]",
        "Start one or more stopped containers",
        &[
            Flag::bool("attach", Some('a')),
            Flag::bool("interactive", Some('i')),
        ],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker stop",
        "docker stop [OPTIONS] CONTAINER [CONTAINER...]",
        "Stop one or more running containers",
        &[
            Flag::string("time", Some('t')),
            Flag::string("timeout", None),
            Flag::string("signal", Some('s')),
        ],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker restart",
        "docker restart [OPTIONS] CONTAINER [CONTAINER...]",
        "Restart one or more containers",
        &[
            Flag::string("time", Some('t')),
            Flag::string("timeout", None),
            Flag::string("signal", Some('s')),
        ],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker kill",
        "docker kill [OPTIONS] CONTAINER [CONTAINER...]",
        "Kill one or more running containers",
        &[Flag::string("signal", Some('s'))],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker pause",
        "docker pause CONTAINER [CONTAINER...]",
        "Pause all processes within one or more containers",
        &[],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker unpause",
        "docker unpause CONTAINER [CONTAINER...]",
        "Unpause all processes within one or more containers",
        &[],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker rm",
        "docker rm [OPTIONS] CONTAINER [CONTAINER...]",
        "Remove one or more containers",
        &[
            Flag::bool("force", Some('f')),
            Flag::bool("volumes", Some('v')),
            Flag::bool("link", Some('l')),
        ],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker ps",
        "docker ps [OPTIONS]",
        "List containers",
        &[
            Flag::bool("all", Some('a')),
            Flag::bool("quiet", Some('q')),
            Flag::bool("no-trunc", None),
            Flag::bool("latest", Some('l')),
            Flag::string("last", Some('n')),
            Flag::string("format", None),
            Flag::bool("size", Some('s')),
            Flag::string("filter", Some('f')),
        ],
    )
    .args(Arity::None),
    Command::docker(
        "docker logs",
        "docker logs [OPTIONS] CONTAINER",
        "Fetch the logs of a container",
        &[
            Flag::bool("follow", Some('f')),
            Flag::string("tail", Some('n')),
            Flag::bool("timestamps", Some('t')),
        ],
    )
    .args(Arity::Exactly(1)),
    Command::docker(
        "docker exec",
        "docker exec [OPTIONS] CONTAINER COMMAND [ARG...]",
        "Execute a command in a running container",
        &[
            Flag::bool("detach", Some('d')),
            Flag::bool("interactive", Some('i')),
            Flag::bool("tty", Some('t')),
            Flag::string("env", Some('e')),
        ],
    )
    .args(Arity::AtLeast(2))
    .stop_at_first_arg(),
    Command::docker(
        "docker inspect",
        "docker inspect [OPTIONS] NAME|ID [NAME|ID...]",
        "Return low-level information on Docker objects",
        &[
            Flag::string("format", Some('f')),
            Flag::string("type", None),
        ],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker port",
        "docker port CONTAINER [PRIVATE_PORT[/PROTO]]",
        "List port mappings or a specific mapping for the container",
        &[],
    )
    .args(Arity::Between(1, 2)),
    // docker/cli cli/command/container/top.go: `SetInterspersed(false)`, so everything after
    // the container goes to ps.
    Command::docker(
        "docker top",
        "docker top CONTAINER [ps OPTIONS]",
        "Display the running processes of a container",
        &[],
    )
    .args(Arity::AtLeast(1))
    .stop_at_first_arg(),
    // docker/cli cli/command/container/stats.go.
    Command::docker(
        "docker stats",
        "docker stats [OPTIONS] [CONTAINER...]",
        "Display a live stream of container(s) resource usage statistics",
        &[
            Flag::bool("all", Some('a')),
            Flag::bool("no-stream", None),
            Flag::bool("no-trunc", None),
            Flag::string("format", None),
        ],
    )
    .args(Arity::AtLeast(0)),
    Command::docker(
        "docker images",
        "docker images [OPTIONS] [REPOSITORY[:TAG]]",
        "List images",
        &[Flag::bool("quiet", Some('q')), Flag::bool("all", Some('a'))],
    )
    .args(Arity::Between(0, 1)),
    Command::docker(
        "docker pull",
        "docker pull [OPTIONS] NAME[:TAG|@DIGEST]",
        "Download an image from a registry",
        &[Flag::bool("quiet", Some('q'))],
    )
    .args(Arity::Exactly(1)),
    // docker/cli cli/command/image/tag.go and push.go.
    Command::docker(
        "docker tag",
        "docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
        "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
        &[],
    )
    .args(Arity::Exactly(2)),
    Command::docker(
        "docker push",
        "docker push [OPTIONS] NAME[:TAG]",
        "Upload an image to a registry",
        &[
            Flag::bool("all-tags", Some('a')),
            Flag::bool("quiet", Some('q')),
            Flag::bool("disable-content-trust", None),
        ],
    )
    .args(Arity::Exactly(1))
    .not_simulated(&[("platform", None)]),
    Command::docker(
        "docker volume create",
        "docker volume create [OPTIONS] [VOLUME]",
        "Create a volume",
        &[
            Flag::string("driver", Some('d')),
            Flag::string("label", None),
            Flag::string("name", None),
            Flag::string("opt", Some('o')),
        ],
    )
    .args(Arity::Between(0, 1)),
    Command::docker(
        "docker volume ls",
        "docker volume ls [OPTIONS]",
        "List volumes",
        &[
            Flag::bool("quiet", Some('q')),
            Flag::string("filter", Some('f')),
            Flag::string("format", None),
        ],
    )
    .args(Arity::None),
    Command::docker(
        "docker volume inspect",
        "docker volume inspect [OPTIONS] VOLUME [VOLUME...]",
        "Display detailed information on one or more volumes",
        &[Flag::string("format", Some('f'))],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker volume rm",
        "docker volume rm [OPTIONS] VOLUME [VOLUME...]",
        "Remove one or more volumes",
        &[Flag::bool("force", Some('f'))],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker volume prune",
        "docker volume prune [OPTIONS]",
        "Remove unused local volumes",
        &[
            Flag::bool("all", Some('a')),
            Flag::bool("force", Some('f')),
            Flag::string("filter", None),
        ],
    )
    .args(Arity::None),
    // Network commands (network-isolation page; docker/cli cli/command/network/*.go).
    NETWORK_CREATE,
    NETWORK_LS,
    Command::docker(
        "docker network inspect",
        "docker network inspect [OPTIONS] NETWORK [NETWORK...]",
        "Display detailed information on one or more networks",
        &[
            Flag::string("format", Some('f')),
            Flag::bool("verbose", Some('v')),
        ],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker network rm",
        "docker network rm NETWORK [NETWORK...]",
        "Remove one or more networks",
        &[Flag::bool("force", Some('f'))],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker network prune",
        "docker network prune [OPTIONS]",
        "Remove all unused networks",
        &[Flag::bool("force", Some('f')), Flag::string("filter", None)],
    )
    .args(Arity::None),
    Command::docker(
        "docker network connect",
        "docker network connect [OPTIONS] NETWORK CONTAINER",
        "Connect a container to a network",
        &[
            Flag::string("alias", None),
            Flag::string("ip", None),
            Flag::string("link", None),
        ],
    )
    .args(Arity::Exactly(2)),
    Command::docker(
        "docker network disconnect",
        "docker network disconnect [OPTIONS] NETWORK CONTAINER",
        "Disconnect a container from a network",
        &[Flag::bool("force", Some('f'))],
    )
    .args(Arity::Exactly(2)),
    // Image commands (images-layers page).
    Command::docker(
        "docker build",
        "docker buildx build [OPTIONS] PATH | URL | -",
        "Start a build",
        &[
            Flag::string("tag", Some('t')),
            Flag::string("file", Some('f')),
            Flag::string("target", None),
            Flag::string("build-arg", None),
            Flag::bool("no-cache", None),
            Flag::string("progress", None),
            Flag::bool("quiet", Some('q')),
            Flag::bool("pull", None),
        ],
    )
    .args(Arity::Exactly(1)),
    Command::docker(
        "docker history",
        "docker history [OPTIONS] IMAGE",
        "Show the history of an image",
        &[
            Flag::bool("no-trunc", None),
            Flag::bool("quiet", Some('q')),
            Flag::bool("human", Some('H')),
        ],
    )
    .args(Arity::Exactly(1)),
    Command::docker(
        "docker rmi",
        "docker rmi [OPTIONS] IMAGE [IMAGE...]",
        "Remove one or more images",
        &[Flag::bool("force", Some('f')), Flag::bool("no-prune", None)],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker system df",
        "docker system df [OPTIONS]",
        "Show docker disk usage",
        &[Flag::bool("verbose", Some('v'))],
    )
    .args(Arity::None),
    Command::docker(
        "docker image inspect",
        "docker image inspect [OPTIONS] IMAGE [IMAGE...]",
        "Display detailed information on one or more images",
        &[Flag::string("format", Some('f'))],
    )
    .args(Arity::AtLeast(1)),
    Command::docker(
        "docker builder prune",
        "docker builder prune",
        "Remove build cache",
        &[Flag::bool("all", Some('a')), Flag::bool("force", Some('f'))],
    )
    .args(Arity::None),
];

/// Docker's management-command aliases (`docker container ls` = `docker ps`).
fn canonical(words: &[String]) -> Option<(&'static str, usize)> {
    let first = words.first()?.as_str();
    let second = words.get(1).map(String::as_str);
    let alias = match (first, second) {
        ("container", Some("ls" | "list" | "ps")) => Some("ps"),
        ("container", Some("rm" | "remove")) => Some("rm"),
        ("container", Some(sub)) => SPECS.iter().find(|s| s.name() == sub).map(|s| s.name()),
        ("image", Some("ls" | "list")) => Some("images"),
        ("image", Some("pull")) => Some("pull"),
        ("image", Some("push")) => Some("push"),
        ("image", Some("tag")) => Some("tag"),
        ("image", Some("rm" | "remove")) => Some("rmi"),
        ("image", Some("history")) => Some("history"),
        ("image", Some("import")) => Some("import"),
        ("image", Some("save")) => Some("save"),
        ("image", Some("load")) => Some("load"),
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
    SPECS
        .iter()
        .find(|s| s.name() == first)
        .map(|s| (s.name(), 1))
}

/// `docker info`'s flags (docker/cli cli/command/system/info.go), for its help and mistakes.
pub(crate) const INFO: Command = Command::docker(
    "docker info",
    "docker info [OPTIONS]",
    "Display system-wide information",
    &[Flag::string("format", Some('f'))],
)
.args(Arity::None);

/// The management commands (docker/cli `cli/command/*/cmd.go`) and the subcommands simulated
/// under each: (group, description, [(subcommand, the command it runs)]).
/// A management command's simulated subcommands: (subcommand, the command it runs).
type Subcommands = &'static [(&'static str, &'static str)];

const MANAGEMENT: &[(&str, &str, Subcommands)] = &[
    ("builder", "Manage builds", &[("prune", "builder prune")]),
    (
        "container",
        "Manage containers",
        &[
            ("commit", "commit"),
            ("create", "create"),
            ("exec", "exec"),
            ("export", "export"),
            ("inspect", "inspect"),
            ("kill", "kill"),
            ("logs", "logs"),
            ("ls", "ps"),
            ("pause", "pause"),
            ("port", "port"),
            ("restart", "restart"),
            ("rm", "rm"),
            ("run", "run"),
            ("start", "start"),
            ("stats", "stats"),
            ("stop", "stop"),
            ("top", "top"),
            ("unpause", "unpause"),
        ],
    ),
    (
        "image",
        "Manage images",
        &[
            ("build", "build"),
            ("history", "history"),
            ("import", "import"),
            ("inspect", "image inspect"),
            ("load", "load"),
            ("ls", "images"),
            ("pull", "pull"),
            ("push", "push"),
            ("rm", "rmi"),
            ("save", "save"),
            ("tag", "tag"),
        ],
    ),
    (
        "network",
        "Manage networks",
        &[
            ("connect", "network connect"),
            ("create", "network create"),
            ("disconnect", "network disconnect"),
            ("inspect", "network inspect"),
            ("ls", "network ls"),
            ("prune", "network prune"),
            ("rm", "network rm"),
        ],
    ),
    (
        "system",
        "Manage Docker",
        &[("df", "system df"), ("prune", "system prune")],
    ),
    (
        "volume",
        "Manage volumes",
        &[
            ("create", "volume create"),
            ("inspect", "volume inspect"),
            ("ls", "volume ls"),
            ("prune", "volume prune"),
            ("rm", "volume rm"),
        ],
    ),
];

/// `docker volume`, `docker volume --help`: cobra's help of a management command (its
/// subcommands with their descriptions), exit 0.
fn management_help(words: &[String]) -> Option<DockerError> {
    let group = words.first()?;
    if !matches!(
        words.get(1).map(String::as_str),
        None | Some("--help" | "-h")
    ) {
        return None;
    }
    let (name, about, subs) = MANAGEMENT.iter().find(|(g, _, _)| g == group)?;
    let mut text = format!("\nUsage:  docker {name} COMMAND\n\n{about}\n\nCommands:");
    for (sub, runs) in *subs {
        let short = if *runs == "system prune" {
            "Remove unused data"
        } else {
            SPECS
                .iter()
                .find(|s| s.name() == *runs)
                .map_or("", |s| s.about)
        };
        text.push_str(&format!("\n  {sub:<11} {short}"));
    }
    text.push_str(&format!(
        "\n\nRun 'docker {name} COMMAND --help' for more information on a command."
    ));
    Some(DockerError::new(text, 0))
}

/// Real docker commands (docker 28's `docker --help`) and management subcommands this simulation
/// does not model: refused by name, so that a real command is never called unknown.
const NOT_SIMULATED_COMMANDS: &[&str] = &[
    "attach", "config", "context", "cp", "diff", "events", "login", "logout", "manifest", "plugin",
    "rename", "search", "secret", "trust", "update", "version", "wait",
];
const NOT_SIMULATED_SUBCOMMANDS: &[(&str, &[&str])] = &[
    (
        "container",
        &["attach", "cp", "diff", "prune", "rename", "update", "wait"],
    ),
    ("image", &["prune"]),
    ("system", &["events", "info"]),
];

/// `tag` for `docker tag …`, `image prune` for `docker image prune …`, when it is real Docker
/// that the simulation does not model.
fn not_simulated_command(words: &[String]) -> Option<String> {
    let first = words.first()?.as_str();
    if NOT_SIMULATED_COMMANDS.contains(&first) {
        return Some(first.to_string());
    }
    let second = words.get(1)?.as_str();
    NOT_SIMULATED_SUBCOMMANDS
        .iter()
        .find(|(group, subs)| *group == first && subs.contains(&second))
        .map(|_| format!("{first} {second}"))
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
    if let Some(answer) = management_help(words) {
        return Err(answer);
    }
    if first == "info" {
        // `docker info` alone is answered by the shell (src/sim/swarm/info.rs); here only its
        // help and flag mistakes.
        let p = INFO.parse(&words[1..])?;
        return Err(INFO.refuse(&format!("--format {}", p.value("format").unwrap_or(""))));
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
        if let Some(shown) = not_simulated_command(words) {
            return Err(DockerError::new(
                format!(
                    "dockyard: `docker {shown}` is real Docker, but this page does not simulate it yet."
                ),
                1,
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
        .find(|s| s.name() == name)
        .expect("canonical names exist");
    let parsed = spec.parse(&words[consumed..])?;
    build(spec, parsed)
}

fn parse_seconds(
    spec: &Command,
    flag: &str,
    value: Option<String>,
) -> Result<Option<u32>, DockerError> {
    match value {
        None => Ok(None),
        Some(v) => v.parse::<i64>().map(|s| Some(s.clamp(0, i64::from(u32::MAX)) as u32)).map_err(|_| {
            spec.flag_error(
                format!("invalid argument \"{v}\" for \"-t, --{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"),
            )
        }),
    }
}

/// Long because it is one arm per docker subcommand, turning its parsed flags into its typed
/// request.
fn build(spec: &Command, p: Parsed) -> Result<DockerCommand, DockerError> {
    let args = p.args.clone();
    let name = spec.name();
    Ok(match name {
        "run" | "create" => {
            let stop_timeout_s = match p.string("stop-timeout") {
                None => None,
                Some(v) => Some(v.parse::<u32>().map_err(|_| {
                    spec.flag_error( format!("invalid argument \"{v}\" for \"--stop-timeout\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"))
                })?),
            };
            // pflag runs `MountOpt.Set` while parsing: a bad --mount is a flag error.
            for raw in p.values("mount") {
                if let Err(e) = super::mount::parse_mount_flag(&raw, "/") {
                    return Err(spec.flag_error(format!(
                        "invalid argument \"{raw}\" for \"--mount\" flag: {e}"
                    )));
                }
            }
            let options = RunOptions {
                detach: p.bool("detach"),
                name: p.string("name"),
                publish: p.values("publish"),
                publish_all: p.bool("publish-all"),
                env: p.values("env"),
                auto_remove: p.bool("rm"),
                restart: p.string("restart"),
                interactive: p.bool("interactive"),
                tty: p.bool("tty"),
                entrypoint: p.string("entrypoint"),
                stop_timeout_s,
                stop_signal: p.string("stop-signal"),
                volumes: p.values("volume"),
                mounts: p.values("mount"),
                tmpfs: p.values("tmpfs"),
                volumes_from: p.values("volumes-from"),
                platform: p.string("platform"),
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
                expose: super::netcmd::model::parse_expose(&p.values("expose"))
                    .map_err(|e| DockerError::new(e, 125))?,
                hostname: p.string("hostname"),
                labels: p.values("label"),
                log_driver: p.string("log-driver"),
                log_opts: p.values("log-opt"),
                memory_bytes: p
                    .string("memory")
                    .map(|v| {
                        crate::sim::flags::memory_bytes(&v)
                            .map_err(|e| spec.invalid_value("memory", &v, &e))
                    })
                    .transpose()?,
                memory_swap_bytes: p
                    .string("memory-swap")
                    .map(|v| {
                        if v == "-1" {
                            return Ok(-1);
                        }
                        crate::sim::flags::memory_bytes(&v)
                            .map(|b| b as i64)
                            .map_err(|e| spec.invalid_value("memory-swap", &v, &e))
                    })
                    .transpose()?,
                user: p.string("user"),
                nano_cpus: p
                    .string("cpus")
                    .map(|v| {
                        crate::sim::flags::nano_cpus(&v)
                            .map_err(|e| spec.invalid_value("cpus", &v, &e))
                    })
                    .transpose()?,
                health: super::health::model::HealthOptions::from_flags(
                    |f| p.string(f),
                    p.bool("no-healthcheck"),
                )
                .map_err(|e| {
                    if e.starts_with("invalid argument") {
                        spec.flag_error(e)
                    } else {
                        // docker/cli opts.go errors, printed by runRun's reportError.
                        DockerError::new(
                            format!(
                                "docker: {e}\n\nRun 'docker {} --help' for more information",
                                name
                            ),
                            125,
                        )
                    }
                })?,
                image: args[0].clone(),
                cmd: args[1..].to_vec(),
            };
            if name == "run" {
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
            let time = p.string("time").or_else(|| p.string("timeout"));
            let time_s = parse_seconds(spec, "time", time)?;
            if name == "stop" {
                DockerCommand::Stop {
                    containers: args,
                    time_s,
                    signal: p.string("signal"),
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
            signal: p.string("signal").unwrap_or_else(|| "KILL".to_string()),
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
                .any(|f| p.string(f).is_some()) =>
        {
            let flag = ["filter", "format", "opt"]
                .into_iter()
                .find(|f| p.string(f).is_some())
                .unwrap_or("filter");
            return Err(spec.refuse(&format!("--{flag}")));
        }
        "volume create" => {
            let name = match (args.first(), p.string("name")) {
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
                driver: p.string("driver").unwrap_or_else(|| "local".to_string()),
            }
        }
        name if name.starts_with("network ") => {
            let flags: Vec<(&str, String)> = p.flags.iter().map(|(l, v)| (*l, v.clone())).collect();
            match super::netcmd::model::build(name, &flags, args) {
                Ok(command) => DockerCommand::Network(command),
                Err(flag) => return Err(spec.refuse(&flag)),
            }
        }
        "volume ls" => DockerCommand::VolumeLs {
            quiet: p.bool("quiet"),
        },
        "volume inspect" => DockerCommand::VolumeInspect {
            names: args,
            format: p.string("format"),
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
            let last = match p.string("last") {
                None => None,
                Some(v) => Some(v.parse::<i64>().map_err(|_| {
                    spec.flag_error( format!("invalid argument \"{v}\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"))
                })?),
            };
            DockerCommand::Ps(PsOptions {
                all: p.bool("all"),
                quiet: p.bool("quiet"),
                no_trunc: p.bool("no-trunc"),
                latest: p.bool("latest"),
                last: last.filter(|n| *n >= 0).map(|n| n as usize),
                format: p.string("format"),
                filters: p.values("filter"),
            })
        }
        "logs" => {
            let tail = match p.string("tail").as_deref() {
                None | Some("all") => None,
                Some(v) => Some(v.parse::<usize>().map_err(|_| {
                    spec.flag_error( format!("invalid argument \"{v}\" for \"-n, --tail\" flag: strconv.Atoi: parsing \"{v}\": invalid syntax"))
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
            format: p.string("format"),
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
            format: p.string("format"),
            containers: args,
        }),
        "images" => DockerCommand::Images {
            quiet: p.bool("quiet"),
        },
        "pull" => DockerCommand::Pull {
            image: args[0].clone(),
        },
        "tag" => DockerCommand::Tag {
            source: args[0].clone(),
            target: args[1].clone(),
        },
        "push" => DockerCommand::Push {
            name: args[0].clone(),
            all_tags: p.bool("all-tags"),
            quiet: p.bool("quiet"),
        },
        "build" => DockerCommand::Build(super::build::model::BuildOptions {
            context: args[0].clone(),
            tags: p.values("tag"),
            file: p.string("file"),
            target: p.string("target"),
            build_args: p.values("build-arg"),
            no_cache: p.bool("no-cache"),
            quiet: p.bool("quiet"),
        }),
        "export" => DockerCommand::Export {
            container: args[0].clone(),
            output: p.string("output"),
        },
        "import" => DockerCommand::Import {
            source: args[0].clone(),
            tag: args.get(1).cloned(),
            changes: p.values("change"),
            message: p.string("message"),
        },
        "save" => DockerCommand::Save {
            images: args,
            output: p.string("output"),
        },
        "load" => DockerCommand::Load {
            input: p.string("input"),
        },
        "commit" => DockerCommand::Commit {
            container: args[0].clone(),
            tag: args.get(1).cloned(),
            changes: p.values("change"),
            message: p.string("message"),
        },
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
            format: p.string("format"),
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
  push        Upload an image to a registry
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
  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
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
        let e = p("docker run --workdir /app nginx").unwrap_err();
        assert!(e.message.contains("does not simulate it yet"));
    }

    #[test]
    fn resource_flags_parse_as_docker_cli_does() {
        let DockerCommand::Run(o) =
            p("docker run -m 256m --memory-swap -1 --cpus 0.5 nginx").unwrap()
        else {
            panic!()
        };
        assert_eq!(o.memory_bytes, Some(256 << 20));
        assert_eq!(o.memory_swap_bytes, Some(-1));
        assert_eq!(o.nano_cpus, Some(500_000_000));
        let e = p("docker run -m lots nginx").unwrap_err();
        assert!(
            e.message.starts_with(
                "invalid argument \"lots\" for \"-m, --memory\" flag: invalid size: 'lots'"
            ),
            "{}",
            e.message
        );
        let e = p("docker run --cpus half nginx").unwrap_err();
        assert!(
            e.message
                .contains("failed to parse half as a rational number"),
            "{}",
            e.message
        );
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
