//! The whole state of the simulation.
//!
//! Everything a run depends on lives here, the RNG and the agenda included, so `World::clone()` is
//! a complete snapshot: the timeline stores a few of them as keyframes and replays inputs from
//! there. All collections are `BTreeMap`/`Vec`, never hashed, so iteration order is stable.

use super::agenda::{Agenda, Class};
use super::docker::build::model::Builder;
use super::docker::engine::model::Engine;
use super::event::Event;
use super::hostfs::HostFs;
use super::ids::ContainerId;
use super::input::Input;
use super::lab::model::Lab;
use super::rng::Rng;
use super::time::Millis;
use std::rc::Rc;

#[derive(Clone, PartialEq, Debug)]
pub struct World {
    pub seed: u64,
    pub now_ms: Millis,
    pub rng: Rng,
    pub agenda: Agenda,
    /// The Docker daemon on the simulated host.
    pub engine: Engine,
    /// The learner's terminal on that host.
    pub shell: Shell,
    /// The host's files: the project folder the shell works in.
    pub fs: HostFs,
    /// BuildKit's cache and the last build's report (src/sim/docker/build/mod.rs).
    pub builder: Builder,
    /// Swarm mode: the lab's machines, the swarm's nodes and tokens (src/sim/swarm/).
    pub swarm: super::swarm::cluster::Swarm,
    /// The machine itself (CPUs, memory, disk, kernel), its VMs, and the lab hosts.
    pub lab: Lab,
    /// The host's disk, log files and the daemon's defaults (src/sim/docker/disk/mod.rs).
    pub disk: super::docker::disk::model::Disk,
    /// The traffic generator and what it measured (src/sim/traffic/model.rs).
    pub traffic: super::traffic::model::Traffic,
    /// Running Traefiks, public DNS and the simulated Let's Encrypt (src/sim/traefik/model.rs).
    pub traefik: super::traefik::model::Traefik,
    /// The data's history: rows over time, backups, disasters, restores (src/sim/backup/).
    pub backups: super::backup::model::Backups,
    /// The host's crontab (src/sim/cron/).
    pub cron: super::cron::model::Crontab,
    /// The files of machines in another building (`backup-host`, src/sim/offsite.rs).
    pub offsite: std::collections::BTreeMap<String, HostFs>,
    /// Images written by `docker image save`, by ID: the bytes of their config blobs, which the
    /// archives name (src/sim/docker/exportcmd.rs).
    pub saved_images: std::collections::BTreeMap<String, super::docker::images::Image>,
}

/// The learner's shell session: what its prompt is waiting for.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Shell {
    pub waiting: Vec<Waiter>,
    /// Exported variables (`export DOMAIN=example.com`): the shell expands them, and `docker
    /// compose` and `docker stack deploy` interpolate files with them.
    pub env: std::collections::BTreeMap<String, String>,
    /// `ssh node-2` sessions the terminal is in: the machines to go back to on `exit`.
    pub hops: Vec<String>,
    /// What `< FILE` feeds the command being run (a dump for `pg_restore`); the program that
    /// reads its standard input takes it.
    pub stdin: Option<super::hostfs::Entry>,
    /// A packed file a program wrote to standard output (`pg_dump -Fc`, `tar czf -`), for the
    /// shell's `> FILE` to store.
    pub stdout_archive: Option<super::hostfs::Archive>,
    /// The command being run has its standard output going to a file (`> FILE`), not to the
    /// terminal (`docker export` refuses a terminal).
    pub stdout_redirected: bool,
    /// The bytes the file tools of the command being run read and wrote, which decide how long
    /// a backup container runs (src/sim/docker/archiving.rs).
    pub bytes_moved: u64,
}

/// Something a command is still waiting for before the prompt returns, as a real shell would.
#[derive(Clone, PartialEq, Debug)]
pub enum Waiter {
    /// `docker stop`: print the argument once the container has exited.
    Stop {
        container: ContainerId,
        print: String,
    },
    /// `docker restart`: once the container has exited, start it again, then print the argument.
    Restart {
        container: ContainerId,
        print: String,
    },
    /// `docker run` without `-d`, `docker start -a`: the terminal shows the container's output
    /// until it exits.
    Attached { container: ContainerId },
    /// `docker logs -f`: new lines appear until the container stops.
    Follow { container: ContainerId },
    /// `sleep N` / `wait`: until the wake-up event.
    Sleep,
    /// `curl` waiting for an answer that comes late (Traefik's 504 after its 30 s dial
    /// timeout): the lines to print at the wake-up event, each `(stderr, text)`.
    Curl { lines: Vec<(bool, String)> },
    /// A backup tool still moving its bytes (`docker exec db pg_restore …`, `scp`): what it
    /// reports, each `(stderr, text)`, printed when it finishes.
    Finish { lines: Vec<(bool, String)> },
    /// `multipass launch` / `start`: until the VM has booted (sim/lab.rs).
    Vm { name: String },
    /// `docker compose up|down|stop|restart`: the steps still to run
    /// (src/sim/docker/compose/job/mod.rs).
    Compose(Box<super::docker::compose::job::model::Job>),
    /// `docker compose up` without `-d`, `docker compose logs -f`: the services' output, each
    /// line prefixed with its container's name.
    ComposeAttached {
        containers: Vec<super::docker::compose::job::model::Attached>,
    },
    /// `docker service create|update|scale|rollback` without `--detach`: the CLI follows the
    /// rollout until it converges (src/sim/swarm/services.rs).
    Service {
        service_id: String,
        kind: super::swarm::follow_kind::Follow,
        converged_since_ms: Option<super::time::Millis>,
    },
}

impl Waiter {
    pub fn container(&self) -> Option<&ContainerId> {
        match self {
            Waiter::Stop { container, .. }
            | Waiter::Restart { container, .. }
            | Waiter::Attached { container }
            | Waiter::Follow { container } => Some(container),
            Waiter::Sleep
            | Waiter::Curl { .. }
            | Waiter::Finish { .. }
            | Waiter::Vm { .. }
            | Waiter::Compose(_)
            | Waiter::ComposeAttached { .. }
            | Waiter::Service { .. } => None,
        }
    }
}

impl Shell {
    /// The prompt has not returned yet.
    pub fn is_busy(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// Is the terminal showing this container's output as it is written?
    pub fn streams(&self, id: &ContainerId) -> bool {
        self.waiting.iter().any(|w| {
            matches!(w, Waiter::Attached { container } | Waiter::Follow { container } if container == id)
        }) || self.stream_prefix(id).is_some()
    }

    /// The `db-1  | ` prefix Compose puts before this container's lines, when attached.
    pub fn stream_prefix(&self, id: &ContainerId) -> Option<&str> {
        self.waiting.iter().find_map(|w| match w {
            Waiter::ComposeAttached { containers } => containers
                .iter()
                .find(|a| &a.container == id)
                .map(|a| a.prefix.as_str()),
            _ => None,
        })
    }
}

impl World {
    pub fn new(seed: u64) -> Self {
        World {
            seed,
            now_ms: 0,
            rng: Rng::seeded(seed),
            agenda: Agenda::default(),
            engine: Engine::new("host"),
            shell: Shell::default(),
            fs: HostFs::default(),
            builder: Builder::default(),
            lab: Lab::default(),
            swarm: Default::default(),
            disk: super::docker::disk::model::Disk::default(),
            traffic: Default::default(),
            backups: Default::default(),
            cron: Default::default(),
            offsite: Default::default(),
            saved_images: Default::default(),
            traefik: Default::default(),
        }
    }

    /// Schedules one of the simulation's own events `delay_ms` from now. A container's timer
    /// on a lab with several machines names its machine, so it runs on that machine's engine
    /// wherever the terminal is by then ([`World::on_host`]).
    pub fn schedule_in(&mut self, delay_ms: Millis, event: Event) {
        let due_ms = self.now_ms + delay_ms;
        let event = if event.container().is_some() && self.swarm.machines.len() > 1 {
            Event::OnHost {
                host: self.engine.hostname.clone(),
                event: Box::new(event),
            }
        } else {
            event
        };
        self.agenda.schedule(due_ms, Class::Event, event);
    }

    /// The machine whose engine `world.engine` is: the terminal's, or the one a command is
    /// running on through `ssh` or the swarm's agent.
    pub fn here(&self) -> &str {
        &self.engine.hostname
    }

    /// The Docker engine of machine `host` (the mounted one, or one of the lab's machines).
    pub fn engine_of(&self, host: &str) -> Option<&Engine> {
        if host == self.engine.hostname {
            return Some(&self.engine);
        }
        self.swarm.machines.get(host).map(|m| &*m.engine)
    }

    /// The disk of machine `host`.
    pub fn disk_of(&self, host: &str) -> Option<&super::docker::disk::model::Disk> {
        if host == self.engine.hostname {
            return Some(&self.disk);
        }
        self.swarm.machines.get(host).map(|m| &*m.disk)
    }

    /// Runs `f` with machine `host`'s engine and disk as `world.engine` / `world.disk` (every
    /// engine function works on those), then puts them back. `None` when there is no such
    /// machine. This is how one engine model serves every machine: the single host is the
    /// one-machine case, a swarm node's agent and `ssh node-2 docker …` mount that node's.
    pub fn on_host<R>(&mut self, host: &str, f: impl FnOnce(&mut World) -> R) -> Option<R> {
        if host == self.engine.hostname {
            return Some(f(self));
        }
        let previous = self.engine.hostname.clone();
        if !self.mount(host) {
            return None;
        }
        let result = f(self);
        self.mount(&previous);
        Some(result)
    }

    /// Makes `host`'s engine and disk the mounted ones, parking the current ones in their
    /// machine. Every machine keeps its own engine in `Machine.engine` except the mounted one,
    /// whose slot holds an empty placeholder. A parked engine another copy of the world still
    /// shares (a keyframe) is copied as it is mounted, so that copy never sees the change.
    /// `false` (nothing moved) if either machine is missing.
    pub fn mount(&mut self, host: &str) -> bool {
        let current = self.engine.hostname.clone();
        if host == current {
            return true;
        }
        if !self.swarm.machines.contains_key(host) || !self.swarm.machines.contains_key(&current) {
            return false;
        }
        let incoming = self.swarm.machines.get_mut(host).expect("checked");
        let engine = std::mem::replace(&mut incoming.engine, Rc::new(Engine::placeholder()));
        let disk = std::mem::take(&mut incoming.disk);
        let parked_engine = std::mem::replace(&mut self.engine, Rc::unwrap_or_clone(engine));
        let parked_disk = std::mem::replace(&mut self.disk, Rc::unwrap_or_clone(disk));
        let slot = self.swarm.machines.get_mut(&current).expect("checked");
        slot.engine = Rc::new(parked_engine);
        slot.disk = Rc::new(parked_disk);
        true
    }

    /// Queues an input for the very next step.
    pub fn submit(&mut self, input: Input) {
        self.agenda
            .schedule(self.now_ms, Class::Input, Event::Input(input));
    }

    /// When the next scheduled thing is due, if anything is.
    pub fn next_due_ms(&self) -> Option<Millis> {
        self.agenda.peek().map(|(key, _)| key.due_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_shares_the_engines_it_does_not_change() {
        let mut world = World::new(3);
        crate::sim::swarm::setup::form(&mut world, 1, 2);
        let keyframe = world.clone();
        let shared = |a: &World, b: &World, host: &str| {
            Rc::ptr_eq(
                &a.swarm.machines[host].engine,
                &b.swarm.machines[host].engine,
            )
        };
        assert!(shared(&world, &keyframe, "node-2") && shared(&world, &keyframe, "node-3"));
        world.on_host("node-2", |w| {
            crate::sim::docker::volume::create(w, Some("data"), Default::default())
        });
        assert!(
            world
                .engine_of("node-2")
                .unwrap()
                .volumes
                .contains_key("data")
        );
        assert!(
            !keyframe
                .engine_of("node-2")
                .unwrap()
                .volumes
                .contains_key("data"),
            "the keyframe keeps the engine as it was"
        );
        assert!(
            !shared(&world, &keyframe, "node-2"),
            "node-2's engine was copied"
        );
        assert!(
            shared(&world, &keyframe, "node-3"),
            "node-3's is still shared"
        );
        assert_eq!(world.here(), "node-1");
    }
}
