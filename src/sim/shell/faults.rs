//! Faults: what happens to the machines rather than what the learner types (`! crash web`,
//! `! oom db`, `! busy web`, `! reboot`, `! kill node-3`, `! partition …`, `! heal`,
//! `! fill-disk node-2`, `! traffic …`, `! vote …`).
//!
//! Real containers die when their process crashes or the kernel's OOM killer picks them, a file
//! held open on the host makes `docker rm` fail, hosts reboot, machines lose power or their
//! network, disks fill. We model each as one input that calls the model that owns it (the engine
//! for a container, src/sim/swarm/control.rs for a machine, the traffic generator, the voting
//! app) and names, in the narration, why it could not be applied if it could not. Simplified: a
//! fault happens at once and exactly; nothing about it is random, and its target is named by the
//! learner (a container, a Compose service, a machine) rather than chosen by the kernel.

use crate::sim::docker::container::Status;
use crate::sim::docker::engine;
use crate::sim::ids::ContainerId;
use crate::sim::input::Fault;
use crate::sim::record::Record;
use crate::sim::world::World;

pub(super) fn on_fault(world: &mut World, fault: Fault, rec: &mut Record) {
    let result = match &fault {
        Fault::Crash { container, exit_code } => fault_target(world, container, rec)
            .and_then(|id| engine::crash(world, &id, *exit_code, false, rec)),
        Fault::OomKill { container } => fault_target(world, container, rec)
            .and_then(|id| engine::crash(world, &id, 137, true, rec)),
        Fault::Leak {
            container,
            bytes_per_s,
            ..
        } => match swarm_task_target(world, container) {
            // A swarm service's task may run on any node: its container leaks there, and that
            // node's kernel is the one that runs out.
            Some((host, id)) => world
                .on_host(&host, |w| {
                    crate::sim::docker::resources::set_leak(w, &id, *bytes_per_s, rec)
                })
                .unwrap_or_else(|| Err(format!("{host} is not a machine of this lab"))),
            None => fault_target(world, container, rec).and_then(|id| {
                crate::sim::docker::resources::set_leak(world, &id, *bytes_per_s, rec)
            }),
        },
        Fault::FsBusy { container } => fault_target(world, container, rec).map(|id| {
            let c = world.engine.containers.get_mut(&id).expect("resolved");
            c.fs_busy = true;
            rec.touch(c.name.clone());
            rec.title = format!("{}: filesystem busy", c.name);
            rec.say(format!(
                "Another process on the host now holds a file inside {}'s filesystem open, so the next attempt to remove it will fail.",
                c.name
            ));
        }),
        Fault::Reboot => {
            engine::reboot(world, rec);
            Ok(())
        }
        Fault::Machine { machine, up } => {
            if *up {
                crate::sim::swarm::control::start(world, machine, rec)
            } else {
                crate::sim::swarm::control::kill(world, machine, rec)
            }
        }
        Fault::Partition { machines } => crate::sim::swarm::control::partition(world, machines, rec),
        Fault::Heal => crate::sim::swarm::control::heal(world, rec),
        Fault::NodeDisk { machine, full } => {
            crate::sim::swarm::control::fill_disk(world, machine, *full, rec)
        }
        Fault::Voting(action) => crate::sim::swarm::voting::apply(world, action, rec),
        Fault::Traffic(action) => crate::sim::traffic::apply(world, action, rec),
        Fault::Dns { name, machine } => dns(world, name, machine.as_deref(), rec),
        Fault::Disaster(disaster) => crate::sim::docker::disaster::apply(world, disaster, rec),
        Fault::Writes { start: None } => {
            crate::sim::backup::stop_writes(world, rec);
            Ok(())
        }
        Fault::Writes {
            start: Some((container, table, every_ms)),
        } => {
            // A swarm service's database: its task's container, when it runs on this machine
            // (the writes go to this machine's engine).
            let name = match swarm_task_target(world, container) {
                Some((host, id)) if host == world.here() => world
                    .engine
                    .containers
                    .get(&id)
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| container.clone()),
                Some((host, _)) => {
                    return fail(
                        rec,
                        &fault,
                        format!("{container}'s task runs on {host}; the writes are simulated against this machine's containers"),
                    );
                }
                None => container.clone(),
            };
            crate::sim::backup::start_writes(world, &name, table, *every_ms, rec)
        }
    };
    if let Err(message) = result {
        fail(rec, &fault, message);
    }
}

fn fail(rec: &mut Record, fault: &Fault, message: String) {
    rec.say(format!(
        "The fault `{}` could not be applied: {message}",
        fault.describe()
    ));
    rec.error = true;
}

/// A swarm service named `name` (`shop_api`), not a container of this machine: the machine and
/// container of its running task with the lowest slot, as `docker service ps` lists first.
fn swarm_task_target(world: &World, name: &str) -> Option<(String, ContainerId)> {
    if world.engine.resolve(name).is_ok() {
        return None;
    }
    let service = world
        .swarm
        .services
        .values()
        .find(|s| s.spec.name == name)?;
    world
        .swarm
        .tasks
        .iter()
        .filter(|t| {
            t.service_id == service.id
                && t.state == crate::sim::swarm::task::TaskState::Running
                && t.container.is_some()
        })
        .min_by_key(|t| (t.slot, t.id.clone()))
        .and_then(|t| {
            let node = world.swarm.nodes.get(t.node_id.as_ref()?)?;
            Some((node.hostname.clone(), t.container.clone()?))
        })
}

/// The container a fault names: a name or ID as the daemon resolves it or, on a Compose project, a
/// service name as Compose finds its container (`docker compose kill api`): the one running
/// container of service `api` (one-off `compose run` containers aside), or its only container.
/// Several running (a scaled service, or two projects) is an error that names them.
fn fault_target(world: &World, name: &str, rec: &mut Record) -> Result<ContainerId, String> {
    use crate::sim::docker::compose::convert::{ONEOFF_LABEL, SERVICE_LABEL};
    use crate::sim::docker::container::Container;
    let not_found = match world.engine.resolve(name) {
        Ok(id) => return Ok(id),
        Err(e) => e.message,
    };
    let of_service = |c: &&Container| {
        let label = |key: &str| c.config.labels.get(key).map(String::as_str);
        label(SERVICE_LABEL) == Some(name) && label(ONEOFF_LABEL) != Some("True")
    };
    let all: Vec<&Container> = world
        .engine
        .newest_first()
        .into_iter()
        .filter(of_service)
        .collect();
    let running: Vec<&Container> = all
        .iter()
        .copied()
        .filter(|c| c.state.status == Status::Running)
        .collect();
    let names = |list: &[&Container]| {
        list.iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match (running.as_slice(), all.as_slice()) {
        ([one], _) | ([], [one]) => *one,
        ([], []) => return Err(not_found),
        ([], several) => {
            return Err(format!(
                "service {name} has {} containers and none is running ({}): name one",
                several.len(),
                names(several)
            ));
        }
        (several, _) => {
            return Err(format!(
                "service {name} has {} running containers ({}): name the one to break",
                several.len(),
                names(several)
            ));
        }
    };
    rec.say(format!(
        "`{name}` is a Compose service: its container is {}.",
        chosen.name
    ));
    Ok(chosen.id.clone())
}

/// `! dns NAME MACHINE`: a public DNS record, as a registrar's zone would hold it.
fn dns(
    world: &mut World,
    name: &str,
    machine: Option<&str>,
    rec: &mut Record,
) -> Result<(), String> {
    let Some(machine) = machine else {
        world.traefik.dns.remove(name);
        rec.title = format!("DNS: {name} removed");
        rec.say(format!(
            "The public DNS record for {name} is gone: clients and the CA get NXDOMAIN."
        ));
        return Ok(());
    };
    let known = machine == world.here() || world.swarm.machines.contains_key(machine);
    if !known {
        return Err(format!("no machine {machine} in this lab"));
    }
    let address = world
        .swarm
        .machines
        .get(machine)
        .map(|m| m.addr.clone())
        .unwrap_or_else(|| crate::sim::traefik::model::SINGLE_HOST_ADDRESS.into());
    world
        .traefik
        .dns
        .insert(name.to_string(), machine.to_string());
    rec.title = format!("DNS: {name} → {machine}");
    rec.touch(machine.to_string());
    rec.say(format!(
        "Public DNS now answers {address} ({machine}) for {name}: browsers, curl and Let's Encrypt's validation servers all reach that machine's ports."
    ));
    Ok(())
}
