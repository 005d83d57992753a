//! Named properties a scenario expects: goals (eventually) and invariants (always).
//!
//! A check is a sentence a learner can read (`container web is exited`, `port 8080 serves web`),
//! parsed into a predicate over the world and the step that led to it. The scenario runner decides
//! when each must hold; this file only answers "does it hold now?".

use super::docker::container::Status;
use super::record::Record;
use super::world::World;

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Check {
    /// `container web is running` (any `docker inspect` status, or `removed`).
    ContainerStatus {
        name: String,
        status: Option<Status>,
    },
    /// `container web exit code 137`
    ExitCode {
        name: String,
        code: i32,
    },
    /// `container web restart count 3` (at least that many restarts)
    RestartCount {
        name: String,
        at_least: u32,
    },
    /// `port 8080 serves web`: a request to the host port reaches that container's server.
    PortServes {
        port: u16,
        name: String,
    },
    /// `port 8080 is free`
    PortFree {
        port: u16,
    },
    /// `running containers 2`
    RunningCount {
        count: usize,
    },
    /// `output contains "text"`: the terminal printed it at this step.
    OutputContains {
        text: String,
    },
    /// `output lacks "text"`: the step printed something, and not that (a secret kept out of
    /// `docker inspect`).
    OutputLacks {
        text: String,
    },
    /// `prompt is back`: no command is still waiting.
    PromptBack,
    /// Volumes and files: `volume pgdata exists`, `file /data/f in container web contains "hi"`,
    /// `table notes in container db has 1 rows`, … (src/sim/docker/storecheck.rs).
    Store(super::docker::storecheck::StoreCheck),
    /// `vm vm1 is running`, `host prod source fails`, … (sim/lab.rs).
    Lab(super::lab::LabCheck),
    /// `network front exists`, `container web can reach api on 3000`, … (src/sim/docker/netcheck.rs).
    Net(super::docker::netcheck::NetCheck),
    /// `disk is full`, `disk is not full`, `log of api is under 40MB`, `disk used under 80%`
    /// (src/sim/docker/disk/mod.rs).
    Disk(super::docker::disk::DiskCheck),
    /// `container app-api-1 has env A=1`, `… runs an old compose config`, `compose is waiting`
    /// (src/sim/docker/compose/check.rs).
    Compose(super::docker::compose::check::ComposeCheck),
    /// `container web is healthy|unhealthy|starting` (src/sim/docker/health/mod.rs).
    Health {
        name: String,
        status: super::docker::health::HealthStatus,
    },
    /// `service web running 3/3`, `node node-3 is down`, `swarm has a leader`…
    /// (src/sim/swarm/check.rs).
    Swarm(super::swarm::check::SwarmCheck),
    /// `name web resolves from api`, `port 8080 answers on node-3`, `traffic had failures`…
    /// (src/sim/swarm/meshcheck.rs).
    Mesh(super::swarm::meshcheck::MeshCheck),
    /// `result shows 5 votes for cats`, `node node-3 keeps 5 votes` (src/sim/swarm/voting.rs).
    Vote(super::swarm::voting::VoteCheck),
    /// `service web has 2 slots on dockyard/web:2.0`, `service crashy has 3 failed tasks`
    /// (src/sim/swarm/deploycheck.rs).
    Deploy(super::swarm::deploycheck::DeployCheck),
    Traefik(super::traefik::check::TraefikCheck),
    /// `data lost under 24h`, `restore recovers rows up to 03:00`, `3-2-1 holds`…
    /// (src/sim/backup/check.rs).
    Backup(super::backup::check::BackupCheck),
    /// `stack shop passes tags` / `stack shop fails secrets`: a line of the production-readiness
    /// scorecard (src/sim/readiness.rs), by its id.
    Readiness {
        stack: String,
        item: String,
        passes: bool,
    },
    /// `registry 127.0.0.1:5000 has shop-api:1.0`, `… lacks …` (src/sim/docker/registry/mod.rs).
    Registry(super::docker::registry::RegistryCheck),
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CheckParseError(pub String);

impl Check {
    pub fn parse(text: &str) -> Result<Check, CheckParseError> {
        let text = text.trim();
        let err = |why: &str| CheckParseError(format!("{why} in check `{text}`"));
        for (prefix, lacks) in [("output contains ", false), ("output lacks ", true)] {
            let Some(rest) = text.strip_prefix(prefix) else {
                continue;
            };
            let quoted = rest.trim();
            let inner = quoted
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .ok_or_else(|| err("the text must be in double quotes"))?;
            // `\"` stands for a double quote inside the text (Compose quotes volume names).
            let text = inner.replace("\\\"", "\"");
            return Ok(if lacks {
                Check::OutputLacks { text }
            } else {
                Check::OutputContains { text }
            });
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        let number = |w: &str| {
            w.parse::<u32>()
                .map_err(|_| err(&format!("`{w}` is not a number")))
        };
        if let ["stack", stack, verdict @ ("passes" | "fails"), item] = words.as_slice() {
            if !super::readiness::ITEMS.contains(item) {
                return Err(err(&format!(
                    "`{item}` is not a scorecard line (try {})",
                    super::readiness::ITEMS.join(", ")
                )));
            }
            return Ok(Check::Readiness {
                stack: stack.to_string(),
                item: item.to_string(),
                passes: *verdict == "passes",
            });
        }
        if let Some(traefik) = super::traefik::check::TraefikCheck::parse(&words, text) {
            return traefik.map(Check::Traefik).map_err(|why| err(&why));
        }
        if let Some(backup) = super::backup::check::BackupCheck::parse(&words) {
            return backup.map(Check::Backup).map_err(|why| err(&why));
        }
        if let Some(store) = super::docker::storecheck::StoreCheck::parse(text) {
            return store.map(Check::Store).map_err(|why| err(&why));
        }
        if let Some(lab) = super::lab::LabCheck::parse(&words) {
            return lab.map(Check::Lab).map_err(|why| err(&why));
        }
        if let Some(net) = super::docker::netcheck::NetCheck::parse(&words) {
            return net.map(Check::Net).map_err(|why| err(&why));
        }
        if let Some(compose) = super::docker::compose::check::ComposeCheck::parse(&words) {
            return compose.map(Check::Compose).map_err(|why| err(&why));
        }
        if let Some(mesh) = super::swarm::meshcheck::MeshCheck::parse(&words) {
            return mesh.map(Check::Mesh).map_err(|why| err(&why));
        }
        if let Some(swarm) = super::swarm::check::SwarmCheck::parse(&words) {
            return swarm.map(Check::Swarm).map_err(|why| err(&why));
        }
        if let Some(vote) = super::swarm::voting::VoteCheck::parse(&words) {
            return vote.map(Check::Vote).map_err(|why| err(&why));
        }
        if let Some(deploy) = super::swarm::deploycheck::DeployCheck::parse(&words) {
            return deploy.map(Check::Deploy).map_err(|why| err(&why));
        }
        if let Some(registry) = super::docker::registry::RegistryCheck::parse(&words) {
            return registry.map(Check::Registry).map_err(|why| err(&why));
        }
        if let Some(disk) = super::docker::disk::DiskCheck::parse(&words) {
            return disk.map(Check::Disk).map_err(|why| err(&why));
        }
        match words.as_slice() {
            ["container", name, "is", "removed"] => Ok(Check::ContainerStatus { name: name.to_string(), status: None }),
            ["container", name, "is", status @ ("healthy" | "unhealthy" | "starting")] => Ok(Check::Health {
                name: name.to_string(),
                status: super::docker::health::HealthStatus::parse(status).ok_or_else(|| err("unknown health status"))?,
            }),
            ["container", name, "is", status] => Status::parse(status)
                .map(|s| Check::ContainerStatus { name: name.to_string(), status: Some(s) })
                .ok_or_else(|| err(&format!("`{status}` is not a container state (created, running, paused, restarting, exited, dead, removed)"))),
            ["container", name, "exit", "code", code] => Ok(Check::ExitCode {
                name: name.to_string(),
                code: code.parse::<i32>().map_err(|_| err(&format!("`{code}` is not a number")))?,
            }),
            ["container", name, "restart", "count", n] => Ok(Check::RestartCount { name: name.to_string(), at_least: number(n)? }),
            ["port", port, "serves", name] => Ok(Check::PortServes {
                port: port.parse().map_err(|_| err(&format!("`{port}` is not a port")))?,
                name: name.to_string(),
            }),
            ["port", port, "is", "free"] => Ok(Check::PortFree {
                port: port.parse().map_err(|_| err(&format!("`{port}` is not a port")))?,
            }),
            ["running", "containers", n] => Ok(Check::RunningCount { count: number(n)? as usize }),
            ["prompt", "is", "back"] => Ok(Check::PromptBack),
            _ => Err(err("unknown check (try `container NAME is STATE`, `container NAME exit code N`, `container NAME restart count N`, `port N serves NAME`, `port N is free`, `running containers N`, `output contains \"…\"`, `prompt is back`)")),
        }
    }

    /// Does the property hold in `world`, reached by the step `record`?
    pub fn holds(&self, world: &World, record: Option<&Record>) -> bool {
        let engine = &world.engine;
        match self {
            Check::Readiness {
                stack,
                item,
                passes,
            } => super::readiness::scorecard(world, stack)
                .iter()
                .any(|i| i.id == item && i.ok == *passes),
            Check::ContainerStatus { name, status: None } => {
                engine.by_name(name).is_none() && engine.removed.iter().any(|t| &t.name == name)
            }
            Check::ContainerStatus {
                name,
                status: Some(s),
            } => engine.by_name(name).is_some_and(|c| c.status() == *s),
            Check::ExitCode { name, code } => engine
                .by_name(name)
                .is_some_and(|c| c.state.exit_code == *code),
            Check::RestartCount { name, at_least } => engine
                .by_name(name)
                .is_some_and(|c| c.restart_count >= *at_least),
            Check::PortServes { port, name } => engine.port_holder(*port).is_some_and(|c| {
                &c.name == name
                    && c.status() == Status::Running
                    && c.listening
                    && c.program
                        .as_ref()
                        .and_then(|p| p.serves.as_ref())
                        .is_some_and(|s| {
                            c.bound_ports
                                .iter()
                                .any(|b| b.host_port == Some(*port) && b.container_port == s.port)
                        })
            }),
            Check::PortFree { port } => engine.port_holder(*port).is_none(),
            Check::RunningCount { count } => {
                engine
                    .containers
                    .values()
                    .filter(|c| c.status() == Status::Running)
                    .count()
                    == *count
            }
            Check::OutputContains { text } => {
                record.is_some_and(|r| r.terminal.iter().any(|l| l.text.contains(text.as_str())))
            }
            Check::OutputLacks { text } => record.is_some_and(|r| {
                r.terminal.len() > 1 && !r.terminal.iter().any(|l| l.text.contains(text.as_str()))
            }),
            Check::PromptBack => !world.shell.is_busy(),
            Check::Store(check) => check.holds(world),
            Check::Lab(check) => check.holds(world),
            Check::Net(check) => check.holds(world),
            Check::Disk(check) => check.holds(world),
            Check::Compose(check) => check.holds(world),
            Check::Swarm(check) => check.holds(world),
            Check::Mesh(check) => check.holds(world),
            Check::Vote(check) => check.holds(world),
            Check::Deploy(check) => check.holds(world),
            Check::Traefik(check) => check.holds(world),
            Check::Backup(check) => check.holds(world),
            Check::Registry(check) => check.holds(world),
            Check::Health { name, status } => engine.by_name(name).is_some_and(|c| {
                c.status().is_up() && c.health.as_ref().is_some_and(|h| h.status == *status)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_parse() {
        assert_eq!(
            Check::parse("container web is exited").unwrap(),
            Check::ContainerStatus {
                name: "web".into(),
                status: Some(Status::Exited)
            }
        );
        assert_eq!(
            Check::parse("port 8080 is free").unwrap(),
            Check::PortFree { port: 8080 }
        );
        assert_eq!(
            Check::parse("output contains \"port is already allocated\"").unwrap(),
            Check::OutputContains {
                text: "port is already allocated".into()
            }
        );
        assert!(
            Check::parse("container web is sleepy")
                .unwrap_err()
                .0
                .contains("not a container state")
        );
        assert!(Check::parse("the moon is full").is_err());
    }

    #[test]
    fn health_checks_parse_and_hold() {
        use super::super::docker::health::HealthStatus;
        assert_eq!(
            Check::parse("container web is healthy").unwrap(),
            Check::Health {
                name: "web".into(),
                status: HealthStatus::Healthy
            }
        );
        assert_eq!(
            Check::parse("container web is starting").unwrap(),
            Check::Health {
                name: "web".into(),
                status: HealthStatus::Starting
            }
        );
        let mut world = World::new(1);
        world.submit(super::super::input::Input::Command(
            "docker run -d --name web --health-cmd true --health-interval 1s nginx".into(),
        ));
        super::super::step::step(&mut world);
        let starting = Check::parse("container web is starting").unwrap();
        let healthy = Check::parse("container web is healthy").unwrap();
        assert!(starting.holds(&world, None) && !healthy.holds(&world, None));
        while world.now_ms < 1_000 {
            super::super::step::step(&mut world);
        }
        assert!(healthy.holds(&world, None));
        assert!(
            !Check::parse("container web is unhealthy")
                .unwrap()
                .holds(&world, None)
        );
    }
}
