//! The learning path and the scenarios that ship with the site.
//!
//! Fifteen pages: twelve concepts, two troubleshooting notes and a practice
//! project. A page is `ready` once its model, picture and scenarios exist. Scenarios are the files
//! in `assets/scenarios/`, compiled in with `include_str!` so the site needs no request to load
//! them; every one is also a test (`tests/scenarios.rs`).

use super::parse::{Scenario, ScenarioError};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Page {
    /// `1`…`12`, `T1`, `T2`, `P`.
    pub number: &'static str,
    pub slug: &'static str,
    pub title: &'static str,
    /// What the reader sees and does there.
    pub summary: &'static str,
    pub ready: bool,
}

pub const PAGES: &[Page] = &[
    Page {
        number: "1",
        slug: "why-containers",
        title: "Why containers",
        summary: "VMs carry a guest OS, containers share the kernel: MB vs GB, milliseconds vs seconds; the same image behaves the same everywhere.",
        ready: true,
    },
    Page {
        number: "2",
        slug: "containers-lifecycle",
        title: "Containers lifecycle",
        summary: "create, start, stop, kill, pause, restart, rm; logs, exec, inspect; ports; exit codes; PID 1; SIGTERM, 10 s, SIGKILL.",
        ready: true,
    },
    Page {
        number: "3",
        slug: "images-layers",
        title: "Images and layers",
        summary: "A Dockerfile built step by step; cache hits and misses and why; multi-stage; build context and .dockerignore.",
        ready: true,
    },
    Page {
        number: "4",
        slug: "volumes-persistence",
        title: "Volumes and persistence",
        summary: "The writable layer dies with the container; named volumes, bind mounts and tmpfs; `down -v` deletes data.",
        ready: true,
    },
    Page {
        number: "5",
        slug: "compose-basics",
        title: "Compose",
        summary: "compose.yaml up/down/ps/logs; service names are DNS names; networks, volumes, depends_on, restart policies.",
        ready: true,
    },
    Page {
        number: "6",
        slug: "compose-healthchecks",
        title: "Healthchecks",
        summary: "starting → healthy/unhealthy with real timings; depends_on service_healthy; the API that crash-loops.",
        ready: true,
    },
    Page {
        number: "7",
        slug: "network-isolation",
        title: "Network isolation",
        summary: "Default bridge vs user-defined; internal networks; front and back networks; a reachability matrix.",
        ready: true,
    },
    Page {
        number: "8",
        slug: "swarm-basics",
        title: "Swarm basics",
        summary: "Managers and workers, Raft leader and quorum, services and tasks, desired state, drain; kill nodes.",
        ready: true,
    },
    Page {
        number: "9",
        slug: "swarm-overlay-networks",
        title: "Overlay networks and the routing mesh",
        summary: "Overlay spanning nodes vs bridge; VIP and DNS discovery; the ingress routing mesh.",
        ready: true,
    },
    Page {
        number: "10",
        slug: "swarm-deployment-strategies",
        title: "Deployment strategies",
        summary: "Rolling updates with every update_config field; rollback; blue-green; live request success chart.",
        ready: true,
    },
    Page {
        number: "11",
        slug: "traefik-integration",
        title: "Traefik",
        summary: "Label-based routers, entrypoints, HTTP→HTTPS, Let's Encrypt and acme.json, load balancing replicas.",
        ready: false,
    },
    Page {
        number: "12",
        slug: "backup-strategies",
        title: "Backups",
        summary: "Volume backups through a helper container, retention, pg_dump vs live files, a restore drill with RPO/RTO.",
        ready: false,
    },
    Page {
        number: "T1",
        slug: "restart-config-not-applied",
        title: "Troubleshooting: the old config came back",
        summary: "After a reboot the container runs the OLD config: `docker restart` is not `docker compose up -d`.",
        ready: true,
    },
    Page {
        number: "T2",
        slug: "disk-full-logs",
        title: "Troubleshooting: logs filled the disk",
        summary: "json-file logs grow until writes fail; fix it with max-size and max-file.",
        ready: true,
    },
    Page {
        number: "P",
        slug: "practice-project",
        title: "Practice project",
        summary: "Traefik, a React front, a Node API, PostgreSQL and Redis on a 3-node swarm: deploy, break, roll back, restore.",
        ready: false,
    },
];

pub fn page(slug: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.slug == slug)
}

/// A transcript shipped with the site.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ScenarioFile {
    /// The file name without `.txt`; the `scenario` URL parameter.
    pub slug: &'static str,
    pub text: &'static str,
}

impl ScenarioFile {
    pub fn parse(&self) -> Result<Scenario, ScenarioError> {
        Scenario::parse(self.text)
    }
}

macro_rules! scenarios {
    ($($slug:literal),* $(,)?) => {
        &[$(ScenarioFile { slug: $slug, text: include_str!(concat!("../../assets/scenarios/", $slug, ".txt")) }),*]
    };
}

/// Every shipped scenario, in the order the pages list them.
pub const SCENARIOS: &[ScenarioFile] = scenarios![
    "pid1-exits",
    "stop-grace-period",
    "port-conflict",
    "restart-policy-backoff",
    "pause-freezes",
    "layer-cache-order",
    "multi-stage-size",
    "dockerignore-context",
    "database-lost-data",
    "volume-bind-tmpfs",
    "rm-v-and-prune",
    "vm-boots-container-starts",
    "default-bridge-no-dns",
    "front-and-back-networks",
    "internal-network-no-way-out",
    "api-finds-its-database",
    "works-on-my-machine",
    "windows-on-linux",
    "disk-full-logs-no-rotation",
    "disk-full-logs-rotation",
    "disk-full-logs-daemon-json",
    "disk-full-logs-compose-logging",
    "compose-up-and-down",
    "localhost-is-the-container",
    "compose-data-in-the-container",
    "compose-restart-policies-reboot",
    "api-races-the-database",
    "wait-for-healthy-database",
    "healthcheck-that-never-passes",
    "migrate-before-the-api",
    "docker-restart-keeps-old-config",
    "reboot-brings-back-old-config",
    "swarm-worker-dies",
    "swarm-single-manager-dies",
    "swarm-one-of-three-managers-dies",
    "swarm-quorum-lost",
    "swarm-drain-for-maintenance",
    "swarm-global-service",
    "swarm-mesh-any-node",
    "swarm-bridge-vs-overlay",
    "swarm-host-mode-publish",
    "swarm-dnsrr",
    "swarm-bad-update-pauses",
    "swarm-bad-update-rolls-back",
    "swarm-unhealthy-update",
    "swarm-restart-policy",
    "swarm-stop-first-vs-start-first",
    "swarm-blue-green",
    "swarm-stack-deploy",
    "swarm-voting-app-db-node-dies",
];

pub fn scenario(slug: &str) -> Option<&'static ScenarioFile> {
    SCENARIOS.iter().find(|s| s.slug == slug)
}

/// The scenarios of one page, in catalogue order. A file that fails to parse is a bug caught by
/// the tests, so it is skipped here rather than breaking the page.
pub fn for_page(slug: &str) -> Vec<(&'static ScenarioFile, Scenario)> {
    SCENARIOS
        .iter()
        .filter_map(|f| f.parse().ok().map(|s| (f, s)))
        .filter(|(_, s)| s.page == slug)
        .collect()
}
