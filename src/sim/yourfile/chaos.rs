//! The chaos verdict: a seeded sequence of faults fitted to the reader's file, and what each
//! service went through, measured.
//!
//! Real life: chaos engineering (Netflix's Chaos Monkey, Gremlin, `pumba` for Docker) kills
//! containers and machines on purpose while something probes the service, and the report says
//! what stayed up, how long the rest was down, how many times things restarted, what data was
//! lost and how many requests failed. Docker's own parts decide the outcome: restart policies
//! (`docker restart`, a reboot's daemon start), where data lives (a volume survives a new
//! container; the container's writable layer does not; a swarm node's local volume stays on
//! that node), healthchecks, and Swarm rescheduling tasks from a dead node.
//!
//! What we model: the file comes up as [`super::bringup`] says, then one input at a time, each
//! given as the site's terminal or fault menu would give it (`$ docker restart app-db-1`,
//! `! reboot`), with `sleep 60` between them so simulated time passes. On one host: restart each
//! database, crash one app container (the seeded choice), reboot the host, fill and free its
//! disk, and roll an update (`docker compose up -d --force-recreate`). On a swarm: kill the
//! node of each stateful service and start it again, restart each database and roll every other
//! service (`docker service update --force`), fill and free a node's disk. After every step the
//! world is read, never changed: a service is up while one of its containers (tasks) runs and is
//! not unhealthy; its restarts are the container runs (tasks) that started during the run; its
//! data is lost when its data directory (the image's `VOLUME`) is backed by another store than
//! at the start (a new container's own layer, a new anonymous volume, a volume on another
//! node); its requests are one `curl` per published HTTP port per simulated second, asked of
//! the simulator's own HTTP path on a copy of the world (the published port, or the routing
//! mesh), failed when curl fails or the answer is a 5xx.
//!
//! What we simplify: the world between two steps is constant, so each step's state is probed
//! once and counted for every second until the next step; ports that did not answer HTTP once
//! the file was up (a database's protocol) are not probed; a one-shot service that exits by
//! design counts as down.

use super::bringup::{self, BringUp};
use super::{STACK_NAME, Target, Upload};
use crate::sim::docker::catalogue::{self, Resolution};
use crate::sim::docker::compose::convert::{ONEOFF_LABEL, PROJECT_LABEL, SERVICE_LABEL};
use crate::sim::docker::container::Status;
use crate::sim::docker::containerfs::Backing;
use crate::sim::docker::health::model::HealthStatus;
use crate::sim::docker::image::ImageRef;
use crate::sim::docker::mount::MountKind;
use crate::sim::input::{Fault, Input};
use crate::sim::record::Record;
use crate::sim::rng::Rng;
use crate::sim::time::Millis;
use crate::sim::timeline::Timeline;
use crate::sim::world::World;
use std::collections::{BTreeMap, BTreeSet};

/// How long the file is given to settle once its command has returned, before the chaos begins.
const SETTLE_S: u64 = 30;
/// Simulated time between two faults.
const GAP_S: u64 = 60;
/// How long a command that waits (`docker compose up` on a healthcheck) is waited for.
const PROMPT_PATIENCE_MS: Millis = 180_000;
/// The most steps a run takes: the site replays a link's inputs within 3,000 steps
/// (src/ui/session.rs `MAX_EXTRA_STEPS`), and a crash loop must not run forever.
pub const MAX_STEPS: usize = 2_500;

/// A chaos run: what was given when, and what it did to each service.
#[derive(Clone, Debug, PartialEq)]
pub struct ChaosRun {
    /// (step count at which the line is given, the line): `$ docker compose up -d`, `! reboot`.
    /// Given at the same step counts to a timeline of `bring_up(...).world`, they replay the run.
    pub inputs: Vec<(usize, String)>,
    /// Total steps of the run.
    pub len: usize,
    pub services: Vec<ServiceVerdict>,
    /// Each fault and each notable consequence, with the step that shows it.
    pub moments: Vec<Moment>,
}

/// What one service went through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceVerdict {
    pub service: String,
    pub stayed_up: bool,
    pub downtime_ms: u64,
    pub restarts: u32,
    /// Volumes (or "the container's own layer") whose data the service no longer has.
    pub data_lost: Vec<String>,
    pub requests_failed: u64,
    pub requests_total: u64,
    /// Sentences explaining the numbers.
    pub why: Vec<String>,
}

/// A moment to link to: a fault given or a consequence seen, and the step count that shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    pub label: String,
    pub step: usize,
}

/// A line of the run as the site gives it: `$ command` or `! fault`.
pub fn input_of(line: &str) -> Option<Input> {
    if let Some(command) = line.strip_prefix("$ ") {
        return Some(Input::Command(command.to_string()));
    }
    let fault = line.strip_prefix('!')?.trim();
    Fault::parse(fault).ok().map(Input::Fault)
}

/// Replays a run's inputs the way the site replays a link (`in=<step>$cmd`): run on to each
/// input's step count, give it, and run on to `len` steps.
pub fn replay(start: World, inputs: &[(usize, String)], len: usize) -> Timeline {
    let mut timeline = Timeline::new(start);
    // An input given at step count `len` or later makes a step past `len`.
    for (at, line) in inputs.iter().filter(|(at, _)| *at < len) {
        while timeline.cursor() < *at {
            if !timeline.forward() {
                break;
            }
        }
        if let Some(input) = input_of(line) {
            timeline.submit(input);
        }
    }
    while timeline.cursor() < len {
        if !timeline.forward() {
            break;
        }
    }
    timeline
}

/// What the catalogue says a service's image is.
#[derive(Clone, Debug, Default)]
struct Nature {
    /// A database the run restarts (SQL, document, key-value store).
    database: bool,
    /// Keeps data: a database, a broker, a search engine.
    stateful: bool,
}

fn nature(image: Option<&str>) -> Nature {
    let kind = image
        .and_then(|i| ImageRef::parse(i).ok())
        .and_then(|r| match catalogue::resolve(&r) {
            Resolution::Known(resolved) => Some(resolved.repository.kind.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let database = matches!(
        kind.as_str(),
        "sql-database" | "document-database" | "key-value-store"
    );
    Nature {
        database,
        stateful: database || matches!(kind.as_str(), "message-broker" | "search-engine"),
    }
}

/// One running instance of a service: a container run (host) or a task (swarm).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Instance {
    /// `container-id#run` or the task ID: a new key is a (re)start.
    key: String,
    machine: String,
    healthy: bool,
    /// Where its data directory lives: (description, identity).
    home: Option<(String, String)>,
    name: String,
}

/// The store behind `path` in a container: a volume (by name, on its machine), a bind mount
/// (by host path, on its machine) or the container's own layer.
fn home_of(
    c: &crate::sim::docker::container::Container,
    machine: &str,
    path: &str,
    on_swarm: bool,
) -> (String, String) {
    // On a swarm a volume is local to its node: the same name elsewhere is another volume.
    let on = if on_swarm {
        format!(" on {machine}")
    } else {
        String::new()
    };
    match c.fs.backing(path) {
        Backing::Mount { mount, .. } => match c.fs.mounts.get(mount) {
            Some(m) if m.kind == MountKind::Volume => (
                format!("volume {}{on}", short_volume(&m.source)),
                format!("volume:{machine}:{}", m.source),
            ),
            Some(m) if m.kind == MountKind::Bind => (
                format!("bind mount {}{on}", m.source),
                format!("bind:{machine}:{}", m.source),
            ),
            _ => ("a tmpfs".to_string(), format!("tmpfs:{}:{}", c.id.0, c.run)),
        },
        Backing::Layer(_) => (
            "the container's own layer".to_string(),
            format!("layer:{}", c.id.0),
        ),
    }
}

/// An anonymous volume's 64-hex name, shortened as `docker volume ls` users read it.
fn short_volume(name: &str) -> String {
    if name.len() == 64 && name.chars().all(|c| c.is_ascii_hexdigit()) {
        format!("{}… (anonymous)", &name[..12])
    } else {
        name.to_string()
    }
}

/// A service of the file and what the run measured of it.
#[derive(Clone, Debug, Default)]
struct Tracked {
    name: String,
    nature: Nature,
    /// The image's `VOLUME` (the data directory), learnt from its running container.
    data_path: Option<String>,
    /// Ports that answered HTTP once the file was up.
    probed: Vec<u16>,
    up: bool,
    was_up_at_start: bool,
    down_since: Option<(Millis, String)>,
    downtime_ms: u64,
    seen: BTreeSet<String>,
    baseline: BTreeSet<String>,
    home: Option<(String, String)>,
    data_lost: Vec<String>,
    failed: u64,
    total: u64,
    /// Per probed port: did it answer at the current state?
    answering: BTreeMap<u16, bool>,
    why: Vec<String>,
}

struct Runner {
    timeline: Timeline,
    target: Target,
    project: String,
    inputs: Vec<(usize, String)>,
    moments: Vec<Moment>,
    services: Vec<Tracked>,
    counting: bool,
    /// Time of the state last observed.
    observed_ms: Millis,
    /// The last input given, for the narration of what followed it.
    last_input: String,
    /// The last input other than `sleep`: what a change that follows is put down to.
    last_action: String,
}

/// Runs the chaos sequence fitted to the upload.
pub fn chaos(upload: &Upload, seed: u64) -> Result<ChaosRun, String> {
    run(upload, seed).map(|(run, _)| run)
}

/// As [`chaos`], with the timeline the run made (its last world is what [`replay`] reaches).
pub fn run(upload: &Upload, seed: u64) -> Result<(ChaosRun, Timeline), String> {
    let BringUp { world, command, .. } = bringup::bring_up(upload, seed)?;
    let file = upload
        .compose_file()
        .map(|f| f.path.trim_start_matches("./").to_string())
        .unwrap_or_default();
    let loaded = crate::sim::docker::compose::load(&world, Some(&file), None)
        .map_err(|e| format!("{file}: {}", e.message))?;
    let target = upload.target.clamped();
    let services = loaded
        .project
        .services
        .iter()
        .map(|(name, s)| Tracked {
            name: name.clone(),
            nature: nature(s.image.as_deref()),
            ..Tracked::default()
        })
        .collect();
    let mut runner = Runner {
        observed_ms: world.now_ms,
        timeline: Timeline::new(world),
        target,
        project: loaded.project.name.clone(),
        inputs: Vec::new(),
        moments: Vec::new(),
        services,
        counting: false,
        last_input: String::new(),
        last_action: String::new(),
    };
    runner.give(&format!("$ {command}"));
    runner.wait_for_prompt();
    runner.sleep(SETTLE_S);
    runner.start_counting();
    // The run's own choices come from the seed, never from the world's generator (taking from
    // it here would change what the replayed steps draw).
    let mut rng = Rng::seeded(seed ^ 0x6368_616f_735f_7275);
    match target {
        Target::Host => runner.host_sequence(&command, &mut rng),
        Target::Swarm { .. } => runner.swarm_sequence(&mut rng),
    }
    Ok(runner.finish())
}

impl Runner {
    fn world(&self) -> &World {
        self.timeline.world()
    }

    fn budget_left(&self) -> bool {
        self.timeline.cursor() < MAX_STEPS
    }

    /// Gives a line at the cursor, unless it would be refused with nothing changed (the site
    /// keeps such a line beside the terminal, never as a step, src/scenario/run.rs `refusal`).
    fn give(&mut self, line: &str) -> bool {
        let Some(input) = input_of(line) else {
            return false;
        };
        if !self.budget_left() {
            return false;
        }
        let world = self.world();
        let mut trial = world.clone();
        trial.submit(input.clone());
        let record = crate::sim::step(&mut trial).unwrap_or_else(|| Record::new(world.now_ms));
        let unchanged = trial.engine == world.engine
            && trial.shell == world.shell
            && trial.rng == world.rng
            && trial.fs == world.fs
            && trial.swarm == world.swarm;
        if record.error && unchanged {
            // Docker's own words for the refusal (stderr), else the narration.
            let words: Vec<String> = record
                .terminal
                .iter()
                .filter(|l| l.stream == crate::sim::record::Stream::Stderr)
                .map(|l| l.text.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            let why = if words.is_empty() {
                record.narration.join(" ")
            } else {
                words.join(" ")
            };
            self.moments.push(Moment {
                label: format!("{line} is refused: {why}"),
                step: self.timeline.cursor(),
            });
            return false;
        }
        let at = self.timeline.cursor();
        self.timeline.submit(input);
        self.inputs.push((at, line.to_string()));
        self.moments.push(Moment {
            label: line.to_string(),
            step: at + 1,
        });
        self.last_input = line.to_string();
        if !line.starts_with("$ sleep ") {
            self.last_action = line.to_string();
        }
        self.observe();
        true
    }

    /// One step forward; false when nothing is left to happen or the budget is spent.
    fn forward(&mut self) -> bool {
        if !self.budget_left() || !self.timeline.forward() {
            return false;
        }
        self.observe();
        true
    }

    /// Steps until the prompt has no more waits than before the last command, or patience ends.
    fn wait_for_prompt(&mut self) {
        let started = self.world().now_ms;
        while self.world().shell.is_busy() && self.world().now_ms - started < PROMPT_PATIENCE_MS {
            if !self.forward() {
                break;
            }
        }
        if self.world().shell.is_busy() {
            self.moments.push(Moment {
                label: format!(
                    "`{}` has not returned after {} s: the run goes on without it",
                    self.last_input.trim_start_matches("$ "),
                    PROMPT_PATIENCE_MS / 1000
                ),
                step: self.timeline.cursor(),
            });
        }
    }

    /// `sleep N`: lets simulated time pass, running everything due meanwhile.
    fn sleep(&mut self, seconds: u64) {
        let sleeping = |w: &World| {
            w.shell
                .waiting
                .iter()
                .filter(|x| matches!(x, crate::sim::world::Waiter::Sleep))
                .count()
        };
        let before = sleeping(self.world());
        if !self.give(&format!("$ sleep {seconds}")) {
            return;
        }
        while sleeping(self.world()) > before {
            if !self.forward() {
                break;
            }
        }
    }

    /// Long because it is the host's sequence in order: each database restarted, one app
    /// container crashed, the reboot, the disk filled and freed, the update rolled.
    fn host_sequence(&mut self, command: &str, rng: &mut Rng) {
        let mut databases: Vec<String> = self
            .services
            .iter()
            .filter(|s| s.nature.database && s.up)
            .map(|s| s.name.clone())
            .collect();
        shuffle(&mut databases, rng);
        for db in databases {
            if let Some(container) = self.container_name(&db) {
                self.give(&format!("$ docker restart {container}"));
                self.wait_for_prompt();
                self.sleep(GAP_S);
            }
        }
        let apps: Vec<String> = self
            .services
            .iter()
            .filter(|s| !s.nature.stateful && s.up)
            .map(|s| s.name.clone())
            .collect();
        if !apps.is_empty() {
            let app = apps[rng.below(apps.len() as u64) as usize].clone();
            if let Some(container) = self.container_name(&app) {
                self.give(&format!("! crash {container}"));
                self.sleep(GAP_S);
            }
        }
        self.give("! reboot");
        self.sleep(GAP_S);
        let host = self.world().here().to_string();
        if self.give(&format!("! fill-disk {host}")) {
            self.sleep(GAP_S);
            self.give(&format!("! free-disk {host}"));
            self.sleep(SETTLE_S);
        }
        self.give(&format!("$ {command} --force-recreate"));
        self.wait_for_prompt();
        self.sleep(GAP_S);
    }

    /// Long because it is the swarm's sequence in order: each stateful service's node killed and
    /// started again, each database restarted, a node's disk filled and freed, every other
    /// service rolled.
    fn swarm_sequence(&mut self, rng: &mut Rng) {
        let mut stateful: Vec<String> = self
            .services
            .iter()
            .filter(|s| s.nature.stateful && s.up)
            .map(|s| s.name.clone())
            .collect();
        shuffle(&mut stateful, rng);
        for name in &stateful {
            let Some(node) = self.instances(name).first().map(|i| i.machine.clone()) else {
                continue;
            };
            if self.give(&format!("! kill {node}")) {
                self.sleep(GAP_S);
                self.give(&format!("! start {node}"));
                self.sleep(GAP_S);
            }
        }
        let databases: Vec<String> = self
            .services
            .iter()
            .filter(|s| s.nature.database && s.up)
            .map(|s| s.name.clone())
            .collect();
        for db in &databases {
            self.give(&format!(
                "$ docker service update --force -d {STACK_NAME}_{db}"
            ));
            self.wait_for_prompt();
            self.sleep(GAP_S);
        }
        let machines: Vec<String> = self.world().swarm.machines.keys().cloned().collect();
        let here = self.world().here().to_string();
        let others: Vec<String> = machines.iter().filter(|m| **m != here).cloned().collect();
        let pool = if others.is_empty() { machines } else { others };
        if !pool.is_empty() {
            let node = pool[rng.below(pool.len() as u64) as usize].clone();
            if self.give(&format!("! fill-disk {node}")) {
                self.sleep(GAP_S);
                self.give(&format!("! free-disk {node}"));
                self.sleep(SETTLE_S);
            }
        }
        let rolled: Vec<String> = self
            .services
            .iter()
            .filter(|s| !s.nature.stateful)
            .map(|s| s.name.clone())
            .collect();
        for name in &rolled {
            self.give(&format!(
                "$ docker service update --force -d {STACK_NAME}_{name}"
            ));
        }
        self.sleep(GAP_S);
    }

    /// The name of a service's running container (host), for `docker restart` and `! crash`.
    fn container_name(&self, service: &str) -> Option<String> {
        self.instances(service).first().map(|i| i.name.clone())
    }

    /// The running instances of a service, in a stable order.
    fn instances(&self, service: &str) -> Vec<Instance> {
        let world = self.world();
        let data_path = self
            .services
            .iter()
            .find(|s| s.name == service)
            .and_then(|s| s.data_path.clone());
        match self.target {
            Target::Host => host_instances(world, &self.project, service, data_path.as_deref()),
            Target::Swarm { .. } => swarm_instances(world, service, data_path.as_deref()),
        }
    }

    /// The state of every service after a step; with the chaos under way, the time since the
    /// previous observation is counted with the previous state.
    fn observe(&mut self) {
        let now = self.world().now_ms;
        let since = self.observed_ms;
        if self.counting {
            // One request per port at every whole second in [since, now).
            let seconds = now.div_ceil(1000) - since.div_ceil(1000);
            for s in &mut self.services {
                if !s.up {
                    s.downtime_ms += now - since;
                }
                for ok in s.answering.values() {
                    s.total += seconds;
                    if !ok {
                        s.failed += seconds;
                    }
                }
            }
        }
        self.observed_ms = now;
        let step = self.timeline.cursor();
        let probe_world = self.counting.then(|| self.world().clone());
        for i in 0..self.services.len() {
            let name = self.services[i].name.clone();
            let instances = self.instances(&name);
            let up = instances.iter().any(|x| x.healthy);
            let s = &mut self.services[i];
            if self.counting {
                for x in &instances {
                    s.seen.insert(x.key.clone());
                }
                if s.up && !up {
                    s.down_since = Some((now, self.last_action.clone()));
                    self.moments.push(Moment {
                        label: format!("{name} goes down"),
                        step,
                    });
                } else if !s.up && up {
                    if let Some((from, cause)) = s.down_since.take() {
                        s.why
                            .push(down_sentence(&name, now - from, &cause, &self.last_action));
                    }
                    self.moments.push(Moment {
                        label: format!("{name} is up again"),
                        step,
                    });
                }
                if let (Some((_, before)), Some(x)) = (&s.home, instances.first())
                    && let Some((now_desc, now_id)) = &x.home
                {
                    let before = before.clone();
                    if *now_id != before {
                        let (lost_desc, _) = s.home.clone().unwrap_or_default();
                        let lost = lost_desc
                            .strip_prefix("the container's own layer")
                            .map(|_| "the container's own layer".to_string())
                            .unwrap_or(lost_desc.clone());
                        if !s.data_lost.contains(&lost) {
                            s.data_lost.push(lost.clone());
                            s.why.push(format!(
                                "Its data directory {} lived in {lost_desc}; after `{}` it is in {now_desc}: what was written before is gone{}.",
                                s.data_path.clone().unwrap_or_default(),
                                self.last_action.trim_start_matches("$ "),
                                moved_why(&before, now_id)
                            ));
                            self.moments.push(Moment {
                                label: format!("{name} lost its data ({lost})"),
                                step,
                            });
                        }
                        s.home = x.home.clone();
                    }
                }
            }
            s.up = up;
            if let Some(world) = &probe_world {
                let probed = s.probed.clone();
                for port in probed {
                    s.answering.insert(port, answers(world, port));
                }
            }
        }
    }

    /// The chaos begins: the state now is the baseline.
    fn start_counting(&mut self) {
        let world = self.world().clone();
        for i in 0..self.services.len() {
            let name = self.services[i].name.clone();
            let image_volume = self.data_path_of(&name);
            self.services[i].data_path = image_volume;
            let instances = self.instances(&name);
            let ports = self.published_ports(&name);
            let s = &mut self.services[i];
            s.was_up_at_start = s.up;
            s.baseline = instances.iter().map(|x| x.key.clone()).collect();
            s.seen = s.baseline.clone();
            s.home = instances.first().and_then(|x| x.home.clone());
            if !s.up {
                s.down_since = Some((world.now_ms, String::new()));
                s.why.push(format!(
                    "{name} was not up when the chaos began ({}).",
                    not_up_reason(&world, &self.project, self.target, &name)
                ));
            }
            for port in ports {
                if answers(&world, port) {
                    s.probed.push(port);
                    s.answering.insert(port, true);
                } else {
                    s.why.push(format!(
                        "Port {port} did not answer HTTP once the file was up (another protocol, or nothing listening), so no requests to it were counted."
                    ));
                }
            }
        }
        self.counting = true;
        self.observed_ms = world.now_ms;
        self.moments.push(Moment {
            label: "the chaos begins".to_string(),
            step: self.timeline.cursor(),
        });
    }

    /// Where a running container of the service keeps its data: `$PGDATA` when its environment
    /// sets one (the postgres image's own variable), else its image's first `VOLUME`.
    fn data_path_of(&self, service: &str) -> Option<String> {
        let world = self.world();
        let first = self.instances(service).into_iter().next()?;
        let engine = world.engine_of(&first.machine)?;
        let container = match self.target {
            Target::Host => engine
                .containers
                .values()
                .find(|c| first.key == format!("{}#{}", c.id.0, c.run))?,
            Target::Swarm { .. } => world
                .swarm
                .tasks
                .iter()
                .find(|t| t.id == first.key)
                .and_then(|t| t.container.as_ref())
                .and_then(|id| engine.containers.get(id))?,
        };
        let pgdata = container
            .config
            .env
            .iter()
            .rev()
            .find_map(|kv| kv.strip_prefix("PGDATA="))
            .filter(|v| !v.is_empty())
            .map(str::to_string);
        pgdata.or_else(|| {
            engine
                .images
                .find(&container.config.image)
                .and_then(|i| i.config.volumes.first().cloned())
        })
    }

    /// The published TCP ports of a service.
    fn published_ports(&self, service: &str) -> Vec<u16> {
        let world = self.world();
        let mut ports: Vec<u16> = match self.target {
            Target::Host => world
                .engine
                .containers
                .values()
                .filter(|c| is_member(c, &self.project, service))
                .flat_map(|c| c.bound_ports.iter())
                .filter(|b| b.proto.as_str() == "tcp")
                .filter_map(|b| b.host_port)
                .collect(),
            Target::Swarm { .. } => world
                .swarm
                .services
                .values()
                .filter(|s| s.spec.name == format!("{STACK_NAME}_{service}"))
                .flat_map(|s| s.spec.ports.iter())
                .filter(|p| p.protocol == "tcp" && p.published_port != 0)
                .map(|p| p.published_port)
                .collect(),
        };
        crate::sim::order::sort(&mut ports);
        ports.dedup();
        ports
    }

    fn finish(mut self) -> (ChaosRun, Timeline) {
        let now = self.world().now_ms;
        let services = self
            .services
            .iter_mut()
            .map(|s| {
                if let Some((from, cause)) = s.down_since.take()
                    && s.was_up_at_start
                {
                    s.why.push(format!(
                        "Down for {} since `{}`: still down at the end of the run.",
                        seconds_text(now - from),
                        cause.trim_start_matches("$ ")
                    ));
                }
                let restarts = s.seen.difference(&s.baseline).count() as u32;
                if restarts > 0 {
                    s.why.push(format!(
                        "{} started {restarts} time{} during the run (restart policy, restarts, recreations, rescheduled tasks).",
                        s.name,
                        if restarts == 1 { "" } else { "s" }
                    ));
                }
                if s.failed > 0 {
                    s.why.push(format!(
                        "{} of {} requests (one per second to port {}) failed.",
                        s.failed,
                        s.total,
                        s.probed
                            .iter()
                            .map(u16::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                ServiceVerdict {
                    service: s.name.clone(),
                    stayed_up: s.was_up_at_start && s.downtime_ms == 0,
                    downtime_ms: s.downtime_ms,
                    restarts,
                    data_lost: s.data_lost.clone(),
                    requests_failed: s.failed,
                    requests_total: s.total,
                    why: s.why.clone(),
                }
            })
            .collect();
        let run = ChaosRun {
            inputs: self.inputs,
            len: self.timeline.cursor(),
            services,
            moments: self.moments,
        };
        (run, self.timeline)
    }
}

/// Why a data directory's new home is another store, from the two homes' identities
/// (`volume:MACHINE:NAME`, `bind:MACHINE:PATH`, `layer:ID`).
fn moved_why(before: &str, now: &str) -> &'static str {
    let part = |id: &str, i: usize| id.split(':').nth(i).unwrap_or_default().to_string();
    let (kind_before, kind_now) = (part(before, 0), part(now, 0));
    if kind_before == "layer" {
        " (a new container starts with a new, empty writable layer)"
    } else if kind_before == kind_now && part(before, 1) != part(now, 1) {
        " (a volume is local to the node that made it: the task on another node got an empty one of the same name)"
    } else if kind_before == "volume" && kind_now == "volume" {
        " (a new container or task gets a new anonymous volume)"
    } else {
        ""
    }
}

/// "Down for 12 s after `! reboot`, back by itself" and the like.
fn down_sentence(name: &str, down_ms: u64, cause: &str, last: &str) -> String {
    let after = if cause.is_empty() {
        "from the start".to_string()
    } else {
        format!("after `{}`", cause.trim_start_matches("$ "))
    };
    let back = if last == cause {
        "back by itself (its restart policy, a healthcheck passing again, or Swarm)".to_string()
    } else {
        format!("back after `{}`", last.trim_start_matches("$ "))
    };
    format!(
        "{name} was down for {} {after}; {back}.",
        seconds_text(down_ms)
    )
}

/// `0.3 s` under ten seconds, `42 s` above.
pub fn seconds_text(ms: u64) -> String {
    if ms < 10_000 {
        format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
    } else {
        format!("{} s", ms / 1000)
    }
}

/// Is this container one of the service's (not a one-off `compose run`)?
fn is_member(c: &crate::sim::docker::container::Container, project: &str, service: &str) -> bool {
    c.config.labels.get(PROJECT_LABEL).map(String::as_str) == Some(project)
        && c.config.labels.get(SERVICE_LABEL).map(String::as_str) == Some(service)
        && c.config.labels.get(ONEOFF_LABEL).map(String::as_str) != Some("True")
}

fn host_instances(
    world: &World,
    project: &str,
    service: &str,
    data_path: Option<&str>,
) -> Vec<Instance> {
    let machine = world.here().to_string();
    world
        .engine
        .containers
        .values()
        .filter(|c| is_member(c, project, service) && c.status() == Status::Running)
        .map(|c| Instance {
            key: format!("{}#{}", c.id.0, c.run),
            machine: machine.clone(),
            healthy: c
                .health
                .as_ref()
                .is_none_or(|h| h.status != HealthStatus::Unhealthy),
            home: data_path.map(|p| home_of(c, &machine, p, false)),
            name: c.name.clone(),
        })
        .collect()
}

fn swarm_instances(world: &World, service: &str, data_path: Option<&str>) -> Vec<Instance> {
    let full = format!("{STACK_NAME}_{service}");
    let Some(svc) = world.swarm.services.values().find(|s| s.spec.name == full) else {
        return Vec::new();
    };
    let mut out: Vec<Instance> = world
        .swarm
        .tasks
        .iter()
        .filter(|t| {
            t.service_id == svc.id
                && t.state == crate::sim::swarm::task::TaskState::Running
                && t.container_up
        })
        .filter_map(|t| {
            let node = world.swarm.nodes.get(t.node_id.as_ref()?)?;
            let machine = node.hostname.clone();
            let c = world
                .engine_of(&machine)?
                .containers
                .get(t.container.as_ref()?)?;
            Some(Instance {
                key: t.id.clone(),
                healthy: c
                    .health
                    .as_ref()
                    .is_none_or(|h| h.status != HealthStatus::Unhealthy),
                home: data_path.map(|p| home_of(c, &machine, p, true)),
                name: c.name.clone(),
                machine,
            })
        })
        .collect();
    crate::sim::order::sort_by_key(&mut out, |i| i.key.clone());
    out
}

/// Why a service is not up, from its containers' (tasks') state.
fn not_up_reason(world: &World, project: &str, target: Target, service: &str) -> String {
    match target {
        Target::Host => {
            let states: Vec<String> = world
                .engine
                .containers
                .values()
                .filter(|c| is_member(c, project, service))
                .map(|c| {
                    let health = c
                        .health
                        .as_ref()
                        .map(|h| format!(", {}", h.status.as_str()))
                        .unwrap_or_default();
                    format!(
                        "{} is {}{health}{}",
                        c.name,
                        c.status().as_str(),
                        if c.status() == Status::Running {
                            String::new()
                        } else {
                            format!(", exit code {}", c.state.exit_code)
                        }
                    )
                })
                .collect();
            if states.is_empty() {
                "no container was created".to_string()
            } else {
                states.join("; ")
            }
        }
        Target::Swarm { .. } => {
            let full = format!("{STACK_NAME}_{service}");
            let Some(svc) = world.swarm.services.values().find(|s| s.spec.name == full) else {
                return format!("the stack has no service {full}");
            };
            let errors: Vec<String> = world
                .swarm
                .tasks
                .iter()
                .filter(|t| t.service_id == svc.id && !t.error.is_empty())
                .map(|t| t.error.clone())
                .collect();
            match errors.last() {
                Some(e) => format!("its last task failed: {e}"),
                None => "no task of it runs".to_string(),
            }
        }
    }
}

/// Does `curl -f http://localhost:PORT/` get an answer below 500? On a swarm it is asked on the
/// first machine that is powered on (as a load balancer in front of the nodes would choose one),
/// through the routing mesh. Asked of a copy: a request moves round robins and writes access
/// logs, and the run must not.
fn answers(world: &World, port: u16) -> bool {
    let mut copy = world.clone();
    if copy.swarm.active()
        && let Some(up) = copy
            .swarm
            .machines
            .values()
            .find(|m| m.up)
            .map(|m| m.hostname.clone())
        && up != copy.here()
    {
        copy.mount(&up);
    }
    let mut rec = Record::new(copy.now_ms);
    let args = vec!["-f".to_string(), format!("http://localhost:{port}/")];
    match crate::sim::shell::curl::curl(&mut copy, &args, &mut rec) {
        Ok(()) => true,
        Err(e) => {
            e.exit_code == 22
                && e.message
                    .rsplit(' ')
                    .next()
                    .and_then(|code| code.trim().parse::<u16>().ok())
                    .is_some_and(|status| status < 500)
        }
    }
}

/// A seeded Fisher–Yates shuffle.
fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_the_sites_inputs() {
        assert_eq!(
            input_of("$ docker restart app-db-1"),
            Some(Input::Command("docker restart app-db-1".into()))
        );
        assert_eq!(input_of("! reboot"), Some(Input::Fault(Fault::Reboot)));
        assert_eq!(input_of("!bogus fault"), None);
        assert_eq!(input_of("docker ps"), None);
    }

    #[test]
    fn a_moved_data_directory_says_why() {
        assert!(moved_why("layer:abc", "layer:def").contains("writable layer"));
        assert!(moved_why("volume:node-1:app_db", "volume:node-2:app_db").contains("local"));
        assert!(moved_why("volume:node-1:a", "volume:node-1:b").contains("anonymous"));
        assert_eq!(seconds_text(300), "0.3 s");
        assert_eq!(seconds_text(65_400), "65 s");
    }

    #[test]
    fn a_file_with_nothing_to_run_gets_an_empty_verdict_and_no_panic() {
        let run = chaos(&Upload::compose("services: {}\n"), 1).unwrap();
        assert!(run.services.is_empty());
        assert!(run.len > 0);
    }
}
