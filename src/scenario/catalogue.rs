//! The learning path: one entry per page, the registry the rest of the site reads.
//!
//! Fifteen pages: twelve concepts, two troubleshooting notes and a practice project. A page is
//! ready once it has a [`Lesson`]: the picture it draws ([`View`], drawn by `src/ui/views/` with an
//! exhaustive `match`, so a new view without its drawing does not compile), what its free play
//! starts from ([`Start`]), the example commands under its terminal, what free play suggests, and
//! its scenarios. The home page, the lesson shell, the prerender (which also writes the list as
//! `pages.json` for the browser tests) and the tests all read this list; nothing else names pages.
//!
//! Scenarios are the files in `assets/scenarios/`, compiled in with `include_str!` so the site
//! needs no request to load them; every one is also a test (`tests/scenarios.rs`), and each says
//! `page: SLUG` of the page that lists it (a test checks).

use super::parse::{Scenario, ScenarioError};
use super::run::Run;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Page {
    /// `1`…`12`, `T1`, `T2`, `P`.
    pub number: &'static str,
    pub slug: &'static str,
    pub title: &'static str,
    /// What the reader sees and does there.
    pub summary: &'static str,
    /// What the page teaches with; `None` while it is coming soon.
    pub lesson: Option<Lesson>,
}

impl Page {
    /// Built: it has its picture, free play, examples and scenarios.
    pub fn ready(&self) -> bool {
        self.lesson.is_some()
    }
}

/// A ready page's own parts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Lesson {
    /// Its picture and side panel.
    pub view: View,
    /// What free play starts from (each scenario says its own `setup:`).
    pub start: Start,
    /// The commands offered under the prompt (the first is also its placeholder), written to work
    /// in order in free play and at step 0 of the first scenario (a test types them all).
    pub examples: &'static [&'static str],
    /// What free play, which has no goals, suggests in the goals panel.
    pub free_play_hint: &'static str,
    /// Its transcripts in the picker's order; the first is the page's default.
    pub scenarios: &'static [ScenarioFile],
}

/// The picture and side panel a page draws (`src/ui/views/`); several pages may share one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum View {
    /// VMs and containers on one machine; three hosts side by side.
    Why,
    /// The host's containers (click one to break it) and the state diagram.
    Lifecycle,
    /// The last build and the image's layers; the sizes.
    Images,
    /// Where each file lives; the lifetime of each kind of store.
    Volumes,
    /// The Compose project; each container's state, waits and healthchecks.
    Compose,
    /// Networks and who is plugged in; who reaches whom.
    Network,
    /// The swarm's nodes and tasks (click a node); managers, quorum and services.
    Swarm,
    /// Overlay networks across nodes and the routing mesh; virtual IPs and traffic.
    Overlay,
    /// A rolling update slot by slot; requests answered and the configs.
    Deploy,
    /// The host's disk by what uses it; its use over time.
    Disk,
    /// A Traefik's entrypoints, routers, middlewares, services and servers, the last request's
    /// path through them; its providers and certificates.
    Traefik,
    /// The data's rows over time with every backup, disaster and restore (which backup brought
    /// back which data); where each copy lives, the 3-2-1 rule; the measured RPO and RTO.
    Backups,
    /// The practice project: the shop's swarm, its production-readiness scorecard, the requests
    /// it answers.
    Practice,
}

/// What a page's free play starts from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Start {
    /// An empty host.
    Host,
    /// A host whose project folder starts from a template of `src/sim/hostfs.rs`; `what` is how
    /// the scenario picker names it.
    Project {
        template: &'static str,
        what: &'static str,
    },
    /// A formed swarm with the terminal on node-1, as `setup: swarm managers=M workers=W`.
    Swarm { managers: usize, workers: usize },
    /// A formed swarm whose node-1 has a project folder from a template (the practice project).
    SwarmProject {
        managers: usize,
        workers: usize,
        template: &'static str,
        what: &'static str,
    },
}

impl Start {
    /// A fresh free play from here.
    pub fn run(self, seed: u64) -> Run {
        match self {
            Start::Host => Run::sandbox(seed),
            Start::Project { template, .. } => Run::sandbox_with_project(seed, Some(template)),
            Start::Swarm { managers, workers } => Run::sandbox_with_swarm(seed, managers, workers),
            Start::SwarmProject {
                managers,
                workers,
                template,
                ..
            } => {
                let mut run = Run::sandbox_with_swarm(seed, managers, workers);
                run.seed_project(template);
                run
            }
        }
    }

    /// The scenario picker's name for free play from here.
    pub fn label(self) -> String {
        match self {
            Start::Host => "Free play (empty host)".to_string(),
            Start::Project { what, .. } => format!("Free play ({what})"),
            Start::Swarm { managers, workers } => {
                format!("Free play (a swarm: {managers} managers, {workers} workers)")
            }
            Start::SwarmProject { what, .. } => format!("Free play ({what})"),
        }
    }
}

/// The swarm pages' free play, as their scenarios' `setup: swarm managers=3 workers=2`.
const SWARM: Start = Start::Swarm {
    managers: 3,
    workers: 2,
};
/// The images page builds the course's small Node app.
const NODE_APP: Start = Start::Project {
    template: "node-app",
    what: "a Node app to build",
};
/// The Compose pages' scenarios build the course's notes API (`build: ./api`).
const NOTES_API: Start = Start::Project {
    template: "compose-app",
    what: "the notes API project",
};
/// Free play's suggestion on a page with nothing more specific to say.
const TRY_THE_EXAMPLES: &str =
    "Free play has no goals: try the examples under the terminal, or type `help`.";

/// A transcript shipped with the site.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ScenarioFile {
    /// The file name without `.txt`; the `scenario` URL parameter.
    pub slug: &'static str,
    pub text: &'static str,
}

impl ScenarioFile {
    /// The transcript; a challenge that `continues:` another is joined to it (its commands and
    /// solution first), so it plays on its own.
    pub fn parse(&self) -> Result<Scenario, ScenarioError> {
        self.parse_within(0)
    }

    fn parse_within(&self, depth: usize) -> Result<Scenario, ScenarioError> {
        let scenario = Scenario::parse(self.text)?;
        let Some(before) = scenario
            .challenge
            .as_ref()
            .and_then(|c| c.continues.clone())
        else {
            return Ok(scenario);
        };
        let unknown = |message: String| ScenarioError::at_line(1, message);
        // Missions chain ten deep; a cycle or a runaway chain is a bug in the files.
        if depth > 20 {
            return Err(unknown(format!(
                "`continues: {before}` goes round in a circle"
            )));
        }
        let file = scenario_file(&before)
            .ok_or_else(|| unknown(format!("`continues: {before}`: no such scenario")))?;
        let earlier = file.parse_within(depth + 1)?;
        if earlier.challenge.is_none() {
            return Err(unknown(format!(
                "`continues: {before}`: it is not a challenge (no `solution:`)"
            )));
        }
        Ok(scenario.continuing(&earlier))
    }
}

macro_rules! scenarios {
    ($($slug:literal),* $(,)?) => {
        &[$(ScenarioFile { slug: $slug, text: include_str!(concat!("../../assets/scenarios/", $slug, ".txt")) }),*]
    };
}

pub const PAGES: &[Page] = &[
    Page {
        number: "1",
        slug: "why-containers",
        title: "Why containers",
        summary: "VMs carry a guest OS, containers share the kernel: MB vs GB, milliseconds vs seconds; the same image behaves the same everywhere.",
        lesson: Some(Lesson {
            view: View::Why,
            start: Start::Host,
            examples: &[
                "multipass launch 24.04 --name vm1 --cpus 2 --memory 2G --disk 10G",
                "docker run -d --name web -p 8080:80 nginx:1.27",
                "multipass list",
                "ssh prod node server.js",
                "ssh prod docker run -d -p 3000:3000 notes-api:1.0",
                "docker run mcr.microsoft.com/windows/nanoserver:ltsc2022",
            ],
            free_play_hint: TRY_THE_EXAMPLES,
            scenarios: scenarios![
                "vm-boots-container-starts",
                "works-on-my-machine",
                "windows-on-linux",
            ],
        }),
    },
    Page {
        number: "2",
        slug: "containers-lifecycle",
        title: "Containers lifecycle",
        summary: "create, start, stop, kill, pause, restart, rm; logs, exec, inspect; ports; exit codes; PID 1; SIGTERM, 10 s, SIGKILL.",
        lesson: Some(Lesson {
            view: View::Lifecycle,
            start: Start::Host,
            examples: &[
                "docker ps -a",
                "docker run -d --name web -p 8080:80 nginx",
                "curl localhost:8080",
                "docker logs web",
                "!crash web",
                "docker start web",
                "docker stop web",
                "docker run -d --name sleeper alpine sleep 3600",
            ],
            free_play_hint: "Free play has no goals. Try: run nginx with a published port, curl it, stop it and watch the grace period, crash it from the picture, or give it `--restart always` and reboot the host.",
            scenarios: scenarios![
                "pid1-exits",
                "stop-grace-period",
                "memory-limit-leak",
                "port-conflict",
                "restart-policy-backoff",
                "pause-freezes",
            ],
        }),
    },
    Page {
        number: "3",
        slug: "images-layers",
        title: "Images and layers",
        summary: "A Dockerfile built step by step; cache hits and misses and why; multi-stage; build context and .dockerignore.",
        lesson: Some(Lesson {
            view: View::Images,
            start: NODE_APP,
            examples: &[
                "cat > Dockerfile <<EOF\nFROM node:20-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD [\"node\", \"server.js\"]\nEOF",
                "docker build -t notes-api .",
                "cat Dockerfile",
                "echo node_modules > .dockerignore",
                "echo \"// edit\" >> server.js",
                "docker build -t notes-api:2 .",
                "docker history notes-api",
                "docker images",
                "docker system df",
            ],
            free_play_hint: "Free play has no goals. The project folder holds a small Node app: write a Dockerfile, build it, edit `server.js` and build again to see which steps hit the cache, then add a `.dockerignore`.",
            scenarios: scenarios![
                "layer-cache-order",
                "multi-stage-size",
                "dockerignore-context",
            ],
        }),
    },
    Page {
        number: "4",
        slug: "volumes-persistence",
        title: "Volumes and persistence",
        summary: "The writable layer dies with the container; named volumes, bind mounts and tmpfs; `down -v` deletes data.",
        lesson: Some(Lesson {
            view: View::Volumes,
            start: Start::Host,
            examples: &[
                "docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16",
                "sleep 5",
                "docker exec db psql -U postgres -c \"CREATE TABLE notes (body text)\"",
                "docker volume ls",
                "docker run -d --name web -v ./site:/usr/share/nginx/html nginx",
                "docker run -d --name scratch --tmpfs /cache alpine sleep 600",
                "docker rm -f -v db",
            ],
            free_play_hint: TRY_THE_EXAMPLES,
            scenarios: scenarios![
                "database-lost-data",
                "volume-bind-tmpfs",
                "rm-v-and-prune",
                "root-in-the-container",
                "checkpoint-phase-1",
            ],
        }),
    },
    Page {
        number: "5",
        slug: "compose-basics",
        title: "Compose",
        summary: "compose.yaml up/down/ps/logs; service names are DNS names; networks, volumes, depends_on, restart policies.",
        lesson: Some(Lesson {
            view: View::Compose,
            start: NOTES_API,
            examples: &[
                "echo 'services: {web: {image: nginx, ports: [\"8080:80\"], depends_on: [db]}, db: {image: \"postgres:16\", environment: [POSTGRES_PASSWORD=secret]}}' > compose.yaml",
                "cat compose.yaml",
                "docker compose up -d",
                "docker compose ps",
                "docker compose logs web",
                "docker exec app-web-1 getent hosts db",
                "!crash web",
                "docker compose config",
                "docker compose down -v",
            ],
            free_play_hint: "Free play has no goals. The project folder holds the notes API (`api/`, with its Dockerfile): write a `compose.yaml` (the first example does), bring it up, break a service with `!crash api`, change the file and see what `docker compose restart` and `up -d` each do.",
            scenarios: scenarios![
                "compose-up-and-down",
                "localhost-is-the-container",
                "compose-data-in-the-container",
                "compose-restart-policies-reboot",
            ],
        }),
    },
    Page {
        number: "6",
        slug: "compose-healthchecks",
        title: "Healthchecks",
        summary: "starting → healthy/unhealthy with real timings; depends_on service_healthy; the API that crash-loops.",
        lesson: Some(Lesson {
            view: View::Compose,
            start: NOTES_API,
            examples: &[
                "echo 'services: {api: {build: ./api, ports: [\"3000:3000\"], depends_on: {db: {condition: service_healthy}}}, db: {image: \"postgres:16\", environment: [POSTGRES_PASSWORD=secret], healthcheck: {test: [\"CMD-SHELL\", \"pg_isready -U postgres\"], interval: 2s, retries: 10}}}' > compose.yaml",
                "docker compose up -d",
                "docker compose ps",
                "docker inspect -f '{{.State.Health.Status}}' app-db-1",
                "docker compose logs db",
                "docker compose up -d --wait",
                "docker compose config",
            ],
            free_play_hint: "Free play has no goals. The project folder holds the notes API (`api/`, with its Dockerfile): write a `compose.yaml` (the first example does), bring it up, break a service with `!crash api`, change the file and see what `docker compose restart` and `up -d` each do.",
            scenarios: scenarios![
                "api-races-the-database",
                "wait-for-healthy-database",
                "healthcheck-that-never-passes",
                "migrate-before-the-api",
                "shop-cache-aside",
            ],
        }),
    },
    Page {
        number: "7",
        slug: "network-isolation",
        title: "Network isolation",
        summary: "Default bridge vs user-defined; internal networks; front and back networks; a reachability matrix.",
        lesson: Some(Lesson {
            view: View::Network,
            start: Start::Host,
            examples: &[
                "docker network create front",
                "docker network create --internal back",
                "docker run -d --name api --network back node:20 node server.js",
                "docker network connect front api",
                "docker run -d --name web --network front -p 8080:80 nginx",
                "docker exec web curl http://api:3000",
                "docker exec web ping -c 2 api",
                "docker network ls",
            ],
            free_play_hint: TRY_THE_EXAMPLES,
            scenarios: scenarios![
                "default-bridge-no-dns",
                "front-and-back-networks",
                "internal-network-no-way-out",
                "api-finds-its-database",
                "checkpoint-phase-2",
            ],
        }),
    },
    Page {
        number: "8",
        slug: "swarm-basics",
        title: "Swarm basics",
        summary: "Managers and workers, Raft leader and quorum, services and tasks, desired state, drain; kill nodes.",
        lesson: Some(Lesson {
            view: View::Swarm,
            start: SWARM,
            examples: &[
                "docker node ls",
                "docker service create -d --name web --replicas 3 -p 8080:80 dockyard/web:1.0",
                "docker service ps web",
                "!kill node-3",
                "sleep 30",
                "docker service ls",
                "!start node-3",
                "docker node update --availability drain node-2",
                "docker info",
            ],
            free_play_hint: "Free play has no goals. This is a swarm of 3 managers and 2 workers, and the shell is on node-1: create a service with `docker service create -d --name web --replicas 3 dockyard/web:1.0`, kill a node from the picture and watch its tasks move, drain one, or kill two managers and watch the quorum go.",
            scenarios: scenarios![
                "swarm-worker-dies",
                "swarm-single-manager-dies",
                "swarm-one-of-three-managers-dies",
                "swarm-quorum-lost",
                "swarm-drain-for-maintenance",
                "swarm-global-service",
                "swarm-stack-deploy",
                "swarm-private-registry",
                "swarm-voting-app-db-node-dies",
                "secrets-not-environment",
            ],
        }),
    },
    Page {
        number: "9",
        slug: "swarm-overlay-networks",
        title: "Overlay networks and the routing mesh",
        summary: "Overlay spanning nodes vs bridge; VIP and DNS discovery; the ingress routing mesh.",
        lesson: Some(Lesson {
            view: View::Overlay,
            start: SWARM,
            examples: &[
                "docker network ls",
                "docker network create -d overlay appnet",
                "docker service create -d --name web --replicas 2 --network appnet -p 8080:80 dockyard/web:2.0",
                "sleep 5",
                "curl http://node-3:8080/",
                "!traffic start node-1:8080 20/s",
                "sleep 10",
                "!traffic stop",
                "!kill node-2",
            ],
            free_play_hint: "Free play has no goals. This is a swarm of 3 managers and 2 workers: create an overlay network, a service on it that publishes port 8080, `curl` a node that runs no task, then start the traffic generator (`!traffic start node-1:8080 20/s`) and kill a node.",
            scenarios: scenarios![
                "swarm-mesh-any-node",
                "one-port-host-vs-mesh",
                "swarm-bridge-vs-overlay",
                "swarm-host-mode-publish",
                "swarm-dnsrr",
            ],
        }),
    },
    Page {
        number: "10",
        slug: "swarm-deployment-strategies",
        title: "Deployment strategies",
        summary: "Rolling updates with every update_config field; rollback; blue-green; live request success chart.",
        lesson: Some(Lesson {
            view: View::Deploy,
            start: SWARM,
            examples: &[
                "docker service create -d --name web --replicas 4 --update-parallelism 1 --update-delay 5s dockyard/web:1.0",
                "docker service ps web",
                "docker service update -d --image dockyard/web:2.0 web",
                "sleep 30",
                "docker service update -d --image dockyard/web:2.1 --update-failure-action rollback web",
                "sleep 40",
                "docker service inspect --pretty web",
                "docker service ls",
            ],
            free_play_hint: "Free play has no goals. This is a swarm of 3 managers and 2 workers: create a service with 4 replicas of `dockyard/web:1.0`, update it to `2.0` and watch the slots roll, then to `2.1` (it crashes) with `--update-failure-action rollback`.",
            scenarios: scenarios![
                "swarm-bad-update-pauses",
                "swarm-bad-update-rolls-back",
                "swarm-unhealthy-update",
                "swarm-restart-policy",
                "swarm-stop-first-vs-start-first",
                "swarm-blue-green",
                "checkpoint-phase-3",
            ],
        }),
    },
    Page {
        number: "11",
        slug: "traefik-integration",
        title: "Traefik",
        summary: "Label-based routers, entrypoints, HTTP→HTTPS, Let's Encrypt and acme.json, load balancing replicas.",
        lesson: Some(Lesson {
            view: View::Traefik,
            start: SWARM,
            examples: &[
                "docker network create -d overlay proxy",
                "docker service create -d --name traefik --constraint node.role==manager -p 80:80 --network proxy --mount type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock traefik:v3.7 --providers.swarm.exposedbydefault=false --entrypoints.web.address=:80 --accesslog",
                "docker service create -d --name whoami --replicas 2 --network proxy --label traefik.enable=true --label 'traefik.http.routers.whoami.rule=Host(`whoami.localhost`)' --label traefik.http.services.whoami.loadbalancer.server.port=80 traefik/whoami:v1.11",
                "sleep 20",
                "docker service ls",
                "curl -v http://whoami.localhost/",
                "curl -i http://localhost/",
                "docker service logs traefik",
                "!traffic start http://whoami.localhost/ 20/s",
                "!traffic stop",
            ],
            free_play_hint: "Free play has no goals. This is a swarm of 3 managers and 2 workers: create an overlay network, run Traefik on a manager with the Docker socket and `--providers.swarm`, a service with `traefik.*` labels on it (the port label too), wait for Traefik's 15 s poll, then `curl http://whoami.localhost/`. For HTTPS, point a name at a node with `!dns shop.example.com node-1` and add a certificate resolver.",
            scenarios: scenarios![
                "traefik-stack-two-services",
                "traefik-port-label-missing",
                "traefik-labels-outside-deploy",
                "traefik-host-beats-pathprefix",
                "traefik-https-staging-then-production",
                "traefik-acme-node-local-volume",
                "traefik-rolling-update",
                "traefik-basicauth-dollars",
                "traefik-latest-major-jump",
            ],
        }),
    },
    Page {
        number: "12",
        slug: "backup-strategies",
        title: "Backups",
        summary: "Volume backups through a helper container, retention, pg_dump vs live files, a restore drill with RPO/RTO.",
        lesson: Some(Lesson {
            view: View::Backups,
            start: Start::Host,
            examples: &[
                "docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16",
                "!writes start db events 1/m",
                "sleep 10m",
                "docker exec db pg_dump -U postgres -Fc postgres > nightly.dump",
                "docker stop db",
                "docker run --rm -v pgdata:/data:ro -v \"$(pwd)\":/backup alpine tar czf /backup/pgdata-$(date +%F).tar.gz -C /data .",
                "docker start db",
                "sleep 2",
                "!drop-table events",
                "docker exec -i db pg_restore -U postgres -d postgres --clean --if-exists < nightly.dump",
                "docker exec db psql -U postgres -c \"SELECT count(*) FROM events\"",
            ],
            free_play_hint: "Free play has no goals. Run PostgreSQL on a named volume, let an app write with `!writes start db events 1/m`, take backups (`pg_dump` through `docker exec`, or `tar` in a throwaway container), then break something (`!drop-table events`, `!delete-volume pgdata`, `!lose-disk`, `!ransomware`) and restore.",
            scenarios: scenarios![
                "backup-volume-tar-restore",
                "backup-pg-dump-while-writing",
                "backup-live-copy-vs-stopped",
                "backup-restore-errors",
                "backup-nightly-retention",
                "backup-same-disk-vs-offsite",
                "backup-ransomware",
                "backup-export-without-volume",
                "backup-swarm-state",
                "checkpoint-phase-4",
            ],
        }),
    },
    Page {
        number: "T1",
        slug: "restart-config-not-applied",
        title: "Troubleshooting: the old config came back",
        summary: "After a reboot the container runs the OLD config: `docker restart` is not `docker compose up -d`.",
        lesson: Some(Lesson {
            view: View::Compose,
            start: NOTES_API,
            examples: &[
                "echo 'services: {api: {build: ./api, environment: [LOG_LEVEL=info], ports: [\"3000:3000\"]}}' > compose.yaml",
                "docker compose up -d",
                "echo 'services: {api: {build: ./api, environment: [LOG_LEVEL=debug], ports: [\"3000:3000\"]}}' > compose.yaml",
                "docker compose restart api",
                "docker inspect -f '{{.Config.Env}}' app-api-1",
                "docker compose up -d api",
                "!reboot",
                "docker compose ps",
            ],
            free_play_hint: "Free play has no goals. The project folder holds the notes API (`api/`, with its Dockerfile): write a `compose.yaml` (the first example does), bring it up, break a service with `!crash api`, change the file and see what `docker compose restart` and `up -d` each do.",
            scenarios: scenarios![
                "docker-restart-keeps-old-config",
                "reboot-brings-back-old-config",
            ],
        }),
    },
    Page {
        number: "T2",
        slug: "disk-full-logs",
        title: "Troubleshooting: logs filled the disk",
        summary: "json-file logs grow until writes fail; fix it with max-size and max-file.",
        lesson: Some(Lesson {
            view: View::Disk,
            start: Start::Host,
            examples: &[
                "docker run -d --name api -e LOG_LEVEL=debug node:20 node server.js",
                "sleep 12h",
                "df -h /",
                "sudo du -sh /var/lib/docker/containers/*",
                "docker system df",
                "docker run -d --name api2 -e LOG_LEVEL=debug --log-opt max-size=10m --log-opt max-file=3 node:20 node server.js",
                "docker system prune -f",
                "sudo systemctl restart docker",
            ],
            free_play_hint: TRY_THE_EXAMPLES,
            scenarios: scenarios![
                "disk-full-logs-no-rotation",
                "disk-full-logs-rotation",
                "disk-full-logs-daemon-json",
                "disk-full-logs-compose-logging",
            ],
        }),
    },
    Page {
        number: "P",
        slug: "practice-project",
        title: "Practice project",
        summary: "Traefik, a React front, a Node API, PostgreSQL and Redis on a 3-node swarm, in ten missions: deploy, HTTPS, healthchecks, zero-downtime and self-reverting releases, a node lost, limits, backups, secrets, pinned tags, with a live production-readiness scorecard.",
        lesson: Some(Lesson {
            view: View::Practice,
            start: Start::SwarmProject {
                managers: 1,
                workers: 2,
                template: "shop",
                what: "the shop's folder on a swarm of 1 manager and 2 workers",
            },
            examples: &[
                "ls",
                "cat stack.yml",
                "docker node ls",
                "docker service create --name registry --publish published=5000,target=5000 registry:2",
                "docker build -t 127.0.0.1:5000/shop-api:latest ./api",
            ],
            free_play_hint: "Free play has no goals: the missions do. Here, try anything on the shop: build, push, deploy, break a node; the scorecard on the right follows the `shop` stack.",
            scenarios: scenarios![
                "mission-1",
                "mission-2",
                "mission-3",
                "mission-4",
                "mission-5",
                "mission-6",
                "mission-7",
                "mission-8",
                "mission-9",
                "mission-10",
            ],
        }),
    },
];

/// The "Your file" page, outside the learning path: a file the reader brings, brought up on one
/// host (the Compose picture) or on a swarm (the swarm picture). Its run comes from the file, so
/// it lists no scenarios; free play is its target's.
pub const YOUR_FILE_HOST: Page = Page {
    number: "+",
    slug: super::yourfile::PAGE,
    title: "Your file",
    summary: "Paste your own `compose.yaml` or `docker-stack.yml`: it comes up here, gets a production-readiness report with a fix for each finding, survives (or not) a seeded chaos run, and goes back out as a file real Docker accepts. Nothing leaves your browser: the link carries the file.",
    lesson: Some(Lesson {
        view: View::Compose,
        start: Start::Host,
        examples: &[
            "docker compose ps",
            "docker compose logs",
            "docker ps",
            "docker compose down",
        ],
        free_play_hint: "Your file is up: break it from the picture, or type what you would type on your server.",
        scenarios: &[],
    }),
};

/// The "Your file" page on a swarm.
pub const YOUR_FILE_SWARM: Page = Page {
    lesson: Some(Lesson {
        view: View::Swarm,
        start: Start::Swarm {
            managers: 1,
            workers: 2,
        },
        examples: &[
            "docker stack services app",
            "docker service ls",
            "docker node ls",
            "docker stack ps app",
        ],
        free_play_hint: "Your stack is deployed: kill a node from the picture, or type what you would type on a manager.",
        scenarios: &[],
    }),
    ..YOUR_FILE_HOST
};

/// The "Your file" page for a target: the Compose picture on one host, the swarm's on a swarm.
pub fn your_file_page(target: crate::sim::yourfile::Target) -> &'static Page {
    match target {
        crate::sim::yourfile::Target::Host => &YOUR_FILE_HOST,
        crate::sim::yourfile::Target::Swarm { .. } => &YOUR_FILE_SWARM,
    }
}

pub fn page(slug: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.slug == slug)
}

/// The lesson of a ready page.
pub fn lesson(slug: &str) -> Option<&'static Lesson> {
    page(slug).and_then(|p| p.lesson.as_ref())
}

/// Every shipped scenario, page by page, in the path's order.
pub const SCENARIOS: &[ScenarioFile] = &ALL_SCENARIOS;

const SCENARIO_COUNT: usize = {
    let mut n = 0;
    let mut p = 0;
    while p < PAGES.len() {
        if let Some(lesson) = &PAGES[p].lesson {
            n += lesson.scenarios.len();
        }
        p += 1;
    }
    n
};

const ALL_SCENARIOS: [ScenarioFile; SCENARIO_COUNT] = {
    let mut all = [ScenarioFile { slug: "", text: "" }; SCENARIO_COUNT];
    let mut n = 0;
    let mut p = 0;
    while p < PAGES.len() {
        if let Some(lesson) = &PAGES[p].lesson {
            let mut s = 0;
            while s < lesson.scenarios.len() {
                all[n] = lesson.scenarios[s];
                n += 1;
                s += 1;
            }
        }
        p += 1;
    }
    all
};

pub fn scenario(slug: &str) -> Option<&'static ScenarioFile> {
    scenario_file(slug)
}

/// The page that lists a shipped scenario (what its `page:` line says; a test checks they agree),
/// without parsing it.
pub fn page_of_scenario(slug: &str) -> Option<&'static str> {
    PAGES
        .iter()
        .find(|p| {
            p.lesson
                .as_ref()
                .is_some_and(|l| l.scenarios.iter().any(|f| f.slug == slug))
        })
        .map(|p| p.slug)
}

fn scenario_file(slug: &str) -> Option<&'static ScenarioFile> {
    SCENARIOS.iter().find(|s| s.slug == slug)
}

/// The scenarios of one page, in its order. A file that fails to parse is a bug caught by the
/// tests, so it is skipped here rather than breaking the page.
pub fn for_page(slug: &str) -> Vec<(&'static ScenarioFile, Scenario)> {
    lesson(slug)
        .map_or(&[][..], |l| l.scenarios)
        .iter()
        .filter_map(|f| f.parse().ok().map(|s| (f, s)))
        .collect()
}

/// The learning path as JSON (`pages.json` in the built site, which the browser tests drive their
/// per-page loops from): each page's number, slug, title and whether it is ready, and for a ready
/// page its view, what free play starts from, its scenarios and its examples; and its phase.
pub fn pages_json() -> String {
    let pages: Vec<serde_json::Value> = PAGES
        .iter()
        .map(|p| {
            let mut page = serde_json::json!({
                "number": p.number,
                "slug": p.slug,
                "title": p.title,
                "ready": p.ready(),
                // Its phase of the path (src/scenario/phases.rs), `null` for troubleshooting.
                "phase": super::phases::phase_of(p).map(|ph| ph.number),
            });
            if let Some(lesson) = &p.lesson {
                let start = match lesson.start {
                    Start::Host => "host",
                    Start::Project { .. } => "project",
                    Start::Swarm { .. } | Start::SwarmProject { .. } => "swarm",
                };
                let extra = serde_json::json!({
                    "view": format!("{:?}", lesson.view),
                    "start": start,
                    "free_play": lesson.start.label(),
                    "scenarios": lesson.scenarios.iter().map(|f| f.slug).collect::<Vec<_>>(),
                    "examples": lesson.examples,
                });
                if let (Some(page), Some(extra)) = (page.as_object_mut(), extra.as_object()) {
                    page.extend(extra.clone());
                }
            }
            page
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&pages).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Submitted;
    use crate::sim::{Fault, Input};
    use std::collections::BTreeSet;

    /// Every ready page is complete, and each scenario is listed once, under the page it names.
    #[test]
    fn every_ready_page_has_its_own_parts() {
        let mut slugs = BTreeSet::new();
        for page in PAGES {
            assert!(slugs.insert(page.slug), "{} is listed twice", page.slug);
        }
        let mut views = BTreeSet::new();
        let mut files = BTreeSet::new();
        for page in PAGES {
            let Some(lesson) = &page.lesson else {
                continue;
            };
            views.insert(format!("{:?}", lesson.view));
            assert!(!lesson.examples.is_empty(), "{}: no examples", page.slug);
            assert!(!lesson.scenarios.is_empty(), "{}: no scenario", page.slug);
            assert!(!lesson.free_play_hint.is_empty(), "{}: no hint", page.slug);
            if let Start::Project { template, .. } | Start::SwarmProject { template, .. } =
                lesson.start
            {
                let mut world = crate::sim::World::new(1);
                assert_eq!(world.fs.seed_project(template), Ok(()), "{}", page.slug);
            }
            for file in lesson.scenarios {
                assert!(files.insert(file.slug), "{} is listed twice", file.slug);
                let scenario = file
                    .parse()
                    .unwrap_or_else(|e| panic!("{}: {e}", file.slug));
                assert_eq!(
                    scenario.page, page.slug,
                    "{} is listed under {} but says `page: {}`",
                    file.slug, page.slug, scenario.page
                );
            }
            assert_eq!(for_page(page.slug).len(), lesson.scenarios.len());
            for file in lesson.scenarios {
                assert_eq!(page_of_scenario(file.slug), Some(page.slug));
            }
        }
        // Every view is some page's (a view nobody draws is dead code).
        assert_eq!(views.len(), 13, "{views:?}");
        assert_eq!(SCENARIOS.len(), files.len());
        assert!(SCENARIOS.iter().all(|f| files.contains(f.slug)));
    }

    /// Lines a page's terminal prints when it does not understand an example.
    const NOT_UNDERSTOOD: &[&str] = &[
        "command not found",
        "not simulate",
        "unknown command",
        "unknown flag",
        "unknown shorthand",
        "flag needs an argument",
        "requires at least",
        "requires exactly",
        "accepts no arguments",
        "accepts at most",
        "No such container",
        "No such file",
        "No swarm lab here",
        "This node is not a swarm manager",
        "could not be applied",
    ];

    /// What typing `line` at the prompt printed (terminal and narration), after which the prompt
    /// is let come back, as a reader would before the next example.
    fn type_line(run: &mut Run, line: &str) -> String {
        let input = match line.strip_prefix('!') {
            Some(fault) => {
                Input::Fault(Fault::parse(fault.trim()).unwrap_or_else(|e| panic!("`{line}`: {e}")))
            }
            None => Input::Command(line.to_string()),
        };
        let record = match run.try_submit(input) {
            Submitted::Applied(record) | Submitted::Refused(record) => record,
        };
        for _ in 0..300 {
            if !run.timeline.world().shell.is_busy() || !run.forward() {
                break;
            }
        }
        format!(
            "{}\n{}",
            record.terminal_text(),
            record.narration.join("\n")
        )
    }

    /// Each ready page's examples, typed in order into a fresh free play of that page and into its
    /// first scenario at step 0, are understood there: no unknown command, flag, container or
    /// file, no usage error, nothing "not simulated".
    #[test]
    fn every_ready_pages_examples_are_understood_where_it_starts() {
        for page in PAGES {
            let Some(lesson) = &page.lesson else {
                continue;
            };
            let first = lesson.scenarios[0].parse().expect("parses");
            let mut scenario = Run::play(&first, None).expect("plays");
            scenario.seek(0);
            for (start, mut run) in [
                ("free play", lesson.start.run(1)),
                (first.title.as_str(), scenario),
            ] {
                for example in lesson.examples {
                    let text = type_line(&mut run, example);
                    for refusal in NOT_UNDERSTOOD {
                        assert!(
                            !text.contains(refusal),
                            "{} / {start}: `{example}` printed:\n{text}",
                            page.slug
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_json_list_names_every_page_in_order() {
        let list: serde_json::Value = serde_json::from_str(&pages_json()).expect("JSON");
        let list = list.as_array().expect("a list");
        assert_eq!(list.len(), PAGES.len());
        for (json, page) in list.iter().zip(PAGES) {
            assert_eq!(json["slug"], page.slug);
            assert_eq!(json["ready"], page.ready());
            assert_eq!(
                json.get("examples").is_some(),
                page.ready(),
                "{}",
                page.slug
            );
        }
        assert_eq!(list[7]["start"], "swarm");
        assert_eq!(list[0]["phase"], 1);
        assert_eq!(list[14]["phase"], 4, "the practice project");
        assert!(
            list[12]["phase"].is_null(),
            "troubleshooting is in no phase"
        );
        assert_eq!(list[1]["scenarios"][0], "pid1-exits");
    }
}
