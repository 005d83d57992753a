//! What must hold after every step, whatever was typed and whatever broke.
//!
//! A real host and a real swarm never show these violated: a container cannot run on a machine
//! that has no power, two processes cannot listen on one host port, a Raft term has one leader,
//! the kernel refuses a write the disk has no room for, an event cannot fire in the past. Each
//! is a statement about the whole [`World`], checked after every live step in debug builds
//! (src/sim/step.rs), by the chaos tests (tests/chaos.rs, tests/chaos_host.rs), and available to
//! any test: a failure names the invariant and what broke it.
//!
//! The invariants:
//! - **agenda**: nothing on the agenda is due before `now_ms` (time only moves forward);
//! - **mount**: every lab machine's engine slot holds the placeholder exactly when that machine
//!   is the mounted one (`world.engine.hostname`), and a parked engine is that machine's;
//! - **raft**: at most one leader per term, nothing committed past a log's end
//!   (src/sim/swarm/raft.rs `check_invariants`);
//! - **power**: no container runs (or is paused or restarting) on a machine that is off, and no
//!   task says its container is up there;
//! - **tasks**: a task with `container_up` has a running (or paused, or restarting: what the
//!   agent calls up) container on its node's engine, and a task's container carries its task's
//!   SwarmKit labels (task, service and node IDs);
//! - **ports**: on each engine, a host port is bound by at most one up container per host
//!   address (`0.0.0.0` overlapping every address), as the daemon's port allocator ensures;
//! - **disk**: a disk not marked full holds no more than its size (on the mounted machine, a
//!   step that wrote past the end may leave marking it full to the disk-full step it puts on
//!   the agenda for the same millisecond);
//! - **volumes**: every named volume a container mounts exists on that container's engine.

use super::World;
use super::docker::container::{Container, Proto, Status};
use super::docker::disk::{self, Disk};
use super::docker::engine::Engine;
use super::docker::mount::MountKind;
use super::event::Event;

/// The SwarmKit labels the agent puts on a task's container (src/sim/swarm/agent.rs).
const TASK_ID_LABEL: &str = "com.docker.swarm.task.id";
const SERVICE_ID_LABEL: &str = "com.docker.swarm.service.id";
const NODE_ID_LABEL: &str = "com.docker.swarm.node.id";

impl World {
    /// `Ok` when every invariant of the module documentation holds; otherwise the first one
    /// broken, named (`power: …`, `ports: …`) with what breaks it.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.check_agenda()?;
        self.check_mount()?;
        self.swarm
            .raft
            .check_invariants()
            .map_err(|e| format!("raft: {e}"))?;
        for (host, engine, disk) in self.machines() {
            check_power(self, host, engine)?;
            check_ports(host, engine)?;
            check_volumes(host, engine)?;
            check_disk(self, host, engine, disk)?;
        }
        self.check_tasks()
    }

    /// Every machine's engine and disk: the mounted one first, then the parked ones.
    fn machines(&self) -> Vec<(&str, &Engine, &Disk)> {
        let mut all = vec![(self.engine.hostname.as_str(), &self.engine, &self.disk)];
        for host in self.swarm.machines.keys() {
            if *host == self.engine.hostname {
                continue;
            }
            if let (Some(engine), Some(disk)) = (self.engine_of(host), self.disk_of(host)) {
                all.push((host.as_str(), engine, disk));
            }
        }
        all
    }

    fn check_agenda(&self) -> Result<(), String> {
        match self.agenda.peek() {
            Some((key, event)) if key.due_ms < self.now_ms => Err(format!(
                "agenda: {event:?} is due at {} ms, before now ({} ms)",
                key.due_ms, self.now_ms
            )),
            _ => Ok(()),
        }
    }

    fn check_mount(&self) -> Result<(), String> {
        let mounted = &self.engine.hostname;
        if mounted.is_empty() {
            return Err("mount: the mounted engine is a placeholder".to_string());
        }
        if !self.swarm.machines.is_empty() && !self.swarm.machines.contains_key(mounted) {
            return Err(format!(
                "mount: the mounted engine is {mounted}'s, which is not a machine of the lab"
            ));
        }
        for (host, m) in &self.swarm.machines {
            let placeholder = is_placeholder(&m.engine);
            if placeholder != (host == mounted) {
                return Err(format!(
                    "mount: {host}'s engine slot {} the placeholder while {mounted} is mounted",
                    if placeholder {
                        "holds"
                    } else {
                        "does not hold"
                    }
                ));
            }
            if !placeholder && m.engine.hostname != *host {
                return Err(format!(
                    "mount: {host}'s engine slot holds {}'s engine",
                    m.engine.hostname
                ));
            }
        }
        Ok(())
    }

    fn check_tasks(&self) -> Result<(), String> {
        let swarm = &self.swarm;
        for t in &swarm.tasks {
            let host = t
                .node_id
                .as_ref()
                .and_then(|id| swarm.nodes.get(id))
                .map(|n| n.hostname.as_str());
            let container = match (host, &t.container) {
                (Some(host), Some(id)) => self
                    .engine_of(host)
                    .and_then(|e| e.containers.get(id))
                    .map(|c| (host, c)),
                _ => None,
            };
            if t.container_up {
                let up = container.is_some_and(|(_, c)| {
                    matches!(
                        c.status(),
                        Status::Running | Status::Paused | Status::Restarting
                    )
                });
                if !up {
                    return Err(format!(
                        "tasks: task {} says its container is up, but {} on {}",
                        t.id,
                        match (&t.container, container) {
                            (None, _) => "it has no container".to_string(),
                            (Some(id), None) => format!("container {} is not there", id.0),
                            (Some(_), Some((_, c))) =>
                                format!("container {} is {}", c.name, c.status().as_str()),
                        },
                        host.unwrap_or("no node")
                    ));
                }
            }
            if let Some((host, c)) = container {
                let wanted = [
                    (TASK_ID_LABEL, Some(t.id.as_str())),
                    (SERVICE_ID_LABEL, Some(t.service_id.as_str())),
                    (NODE_ID_LABEL, t.node_id.as_deref()),
                ];
                for (label, value) in wanted {
                    let have = c.config.labels.get(label).map(String::as_str);
                    if have != value {
                        return Err(format!(
                            "tasks: task {}'s container {} on {host} has {label}={have:?}, not {value:?}",
                            t.id, c.name
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// What a machine's engine slot holds while that machine is mounted (`Engine::placeholder`).
fn is_placeholder(engine: &Engine) -> bool {
    *engine == Engine::placeholder()
}

/// A container that holds a process: running, paused (frozen, still in memory) or restarting.
fn holds_process(c: &Container) -> bool {
    matches!(
        c.status(),
        Status::Running | Status::Paused | Status::Restarting
    )
}

fn check_power(world: &World, host: &str, engine: &Engine) -> Result<(), String> {
    let Some(machine) = world.swarm.machines.get(host) else {
        return Ok(());
    };
    if machine.engine_running() {
        return Ok(());
    }
    if let Some(c) = engine.containers.values().find(|c| holds_process(c)) {
        return Err(format!(
            "power: container {} is {} on {host}, which is off",
            c.name,
            c.status().as_str()
        ));
    }
    let node = machine.node_id.as_deref();
    if let Some(t) = world
        .swarm
        .tasks
        .iter()
        .find(|t| t.container_up && node.is_some() && t.node_id.as_deref() == node)
    {
        return Err(format!(
            "power: task {} says its container is up on {host}, which is off",
            t.id
        ));
    }
    Ok(())
}

fn check_ports(host: &str, engine: &Engine) -> Result<(), String> {
    let mut bound: Vec<(&str, u16, Proto, &str)> = Vec::new();
    for c in engine.containers.values().filter(|c| c.status().is_up()) {
        for b in &c.bound_ports {
            let Some(port) = b.host_port else {
                continue;
            };
            let ip = b.host_ip.as_str();
            if let Some((other_ip, _, _, other)) = bound.iter().find(|(i, p, proto, _)| {
                *p == port && *proto == b.proto && (*i == ip || *i == "0.0.0.0" || ip == "0.0.0.0")
            }) {
                return Err(format!(
                    "ports: {ip}:{port}/{} is bound on {host} by {} and already by {other} ({other_ip})",
                    b.proto.as_str(),
                    c.name,
                ));
            }
            bound.push((ip, port, b.proto, c.name.as_str()));
        }
    }
    Ok(())
}

fn check_volumes(host: &str, engine: &Engine) -> Result<(), String> {
    for c in engine.containers.values() {
        for m in &c.fs.mounts {
            if m.kind == MountKind::Volume
                && !m.source.is_empty()
                && !engine.volumes.contains_key(&m.source)
            {
                return Err(format!(
                    "volumes: container {} on {host} mounts volume {}, which {host}'s engine does not have",
                    c.name, m.source
                ));
            }
        }
    }
    Ok(())
}

fn check_disk(world: &World, host: &str, engine: &Engine, d: &Disk) -> Result<(), String> {
    if d.full {
        return Ok(());
    }
    let used = disk::usage_of(world, engine, d).total();
    // A step that writes past the end (a pull, a log line) leaves the mounted disk to the
    // disk-full step it puts on the agenda for now (src/sim/docker/disk/mod.rs `sync`).
    let filling_now = host == world.engine.hostname
        && world
            .agenda
            .iter()
            .any(|(key, e)| key.due_ms <= world.now_ms && matches!(e, Event::DiskFull));
    if used > d.size_bytes && !filling_now {
        return Err(format!(
            "disk: {host}'s disk holds {used} bytes, more than its {} bytes, and is not marked full",
            d.size_bytes
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agenda::Class;
    use crate::sim::swarm::setup;
    use crate::sim::testkit::{type_line, wait};

    fn broken(w: &World) -> String {
        w.check_invariants().expect_err("an invariant must fail")
    }

    fn host() -> World {
        let mut w = World::new(5);
        type_line(&mut w, "docker run -d --name web -p 8080:80 nginx:1.27");
        type_line(
            &mut w,
            "docker run -d --name db -e POSTGRES_PASSWORD=x -v pgdata:/var/lib/postgresql/data postgres:16",
        );
        wait(&mut w, 5_000);
        w
    }

    fn swarm() -> World {
        let mut w = World::new(5);
        setup::form(&mut w, 1, 2);
        type_line(
            &mut w,
            "docker service create -d --name web --replicas 3 nginx:1.27",
        );
        wait(&mut w, 20_000);
        w
    }

    fn id(w: &World, name: &str) -> crate::sim::ids::ContainerId {
        w.engine.by_name(name).expect("container").id.clone()
    }

    #[test]
    fn a_busy_host_and_a_running_swarm_keep_them() {
        assert_eq!(host().check_invariants(), Ok(()));
        let w = swarm();
        assert_eq!(w.swarm.tasks.iter().filter(|t| t.container_up).count(), 3);
        assert_eq!(w.check_invariants(), Ok(()));
    }

    #[test]
    fn an_event_due_in_the_past_breaks_the_agenda() {
        let mut w = host();
        w.agenda.schedule(w.now_ms - 1, Class::Event, Event::Wake);
        assert!(broken(&w).starts_with("agenda: "), "{}", broken(&w));
    }

    #[test]
    fn two_containers_on_one_host_port_break_ports() {
        let mut w = host();
        let web = w.engine.by_name("web").unwrap().bound_ports.clone();
        let db = id(&w, "db");
        w.engine.containers.get_mut(&db).unwrap().bound_ports = web;
        assert!(
            broken(&w).starts_with("ports: 0.0.0.0:8080/tcp"),
            "{}",
            broken(&w)
        );
    }

    #[test]
    fn a_missing_volume_breaks_volumes() {
        let mut w = host();
        w.engine.volumes.remove("pgdata");
        assert!(
            broken(&w).starts_with("volumes: container db"),
            "{}",
            broken(&w)
        );
    }

    #[test]
    fn an_overfull_disk_not_marked_full_breaks_disk() {
        let mut w = host();
        w.disk.filled_bytes = w.disk.size_bytes;
        assert!(
            broken(&w).starts_with("disk: host's disk"),
            "{}",
            broken(&w)
        );
        w.disk.full = true;
        assert_eq!(w.check_invariants(), Ok(()));
    }

    #[test]
    fn a_container_left_running_on_a_dead_machine_breaks_power() {
        let mut w = swarm();
        let host = (2..=3)
            .map(|i| format!("node-{i}"))
            .find(|h| w.engine_of(h).is_some_and(|e| !e.containers.is_empty()))
            .expect("a task off node-1");
        // Power lost without the engine hearing of it (src/sim/swarm/agent.rs `power_off`).
        w.swarm.machines.get_mut(&host).unwrap().up = false;
        assert!(
            broken(&w).starts_with("power: container web."),
            "{}",
            broken(&w)
        );
    }

    #[test]
    fn a_task_whose_container_is_gone_or_mislabelled_breaks_tasks() {
        let w = swarm();
        let (i, t) = w
            .swarm
            .tasks
            .iter()
            .enumerate()
            .find(|(_, t)| {
                t.container_up
                    && t.node_id.as_deref() == w.swarm.machines["node-1"].node_id.as_deref()
            })
            .expect("a task on node-1");
        let cid = t.container.clone().unwrap();
        let mut gone = w.clone();
        gone.engine.containers.remove(&cid);
        assert!(
            broken(&gone).starts_with("tasks: task "),
            "{}",
            broken(&gone)
        );
        let mut relabelled = w.clone();
        relabelled
            .engine
            .containers
            .get_mut(&cid)
            .unwrap()
            .config
            .labels
            .insert(TASK_ID_LABEL.into(), "someone-else".into());
        assert!(
            broken(&relabelled).contains("has com.docker.swarm.task.id=Some(\"someone-else\")"),
            "{}",
            broken(&relabelled)
        );
        let mut down = w.clone();
        down.swarm.tasks[i].container = None;
        assert!(
            broken(&down).contains("it has no container"),
            "{}",
            broken(&down)
        );
    }

    #[test]
    fn a_second_engine_for_the_mounted_machine_breaks_mount() {
        let mut w = swarm();
        w.swarm.machines.get_mut("node-1").unwrap().engine = Engine::new("node-1").into();
        assert!(
            broken(&w).starts_with("mount: node-1's engine slot does not hold"),
            "{}",
            broken(&w)
        );
        let mut w = swarm();
        w.swarm.machines.get_mut("node-2").unwrap().engine = Engine::new("node-3").into();
        assert_eq!(
            broken(&w),
            "mount: node-2's engine slot holds node-3's engine"
        );
    }
}
