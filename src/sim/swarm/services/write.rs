//! The `docker service` commands that write to the store: create, scale, update, rollback, rm.
//!
//! Real Docker (moby `daemon/cluster/services.go`, SwarmKit `manager/controlapi/service.go`):
//! the CLI sends the whole spec to a manager, which forwards it to the Raft leader; the leader
//! validates it, writes a new version (an update keeps the old one as `PreviousSpec`) and the
//! orchestrator, updater and scheduler do the rest. `create` prints the new ID, the others the
//! name; unless `--detach`, the CLI then follows the rollout (src/sim/swarm/services/follow.rs).
//!
//! We write the same changes to `world.swarm` and start the updater. Simplified: a generated
//! service name comes from a short word list (moby's namesgenerator has hundreds); `--force`
//! marks the old versions dirty instead of bumping `ForceUpdate`.

use super::flags;
use super::follow::follow;
use super::format::human_go_duration;
use super::validate;
use super::{Follow, find_service};
use crate::sim::docker::error::DockerError;
use crate::sim::flags::Parsed;
use crate::sim::swarm::orchestrator::ServiceMode;
use crate::sim::swarm::service::{PublishMode, Service, Spec, UpdateState};
use crate::sim::swarm::task::TaskState;
use crate::sim::{Record, World};

/// A random service name, as the daemon picks one when `--name` is missing (moby namesgenerator).
fn generated_name(world: &mut World) -> String {
    const LEFT: &[&str] = &[
        "admiring", "brave", "eager", "focused", "jolly", "keen", "quirky", "serene",
    ];
    const RIGHT: &[&str] = &[
        "hopper", "lovelace", "turing", "curie", "darwin", "noether", "ritchie", "shannon",
    ];
    let l = LEFT[world.rng.below(LEFT.len() as u64) as usize];
    let r = RIGHT[world.rng.below(RIGHT.len() as u64) as usize];
    format!("{l}_{r}")
}

/// `docker service create`: a spec from the flags, written by [`create_spec`] (which
/// `docker stack deploy` calls too).
pub(super) fn create(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let (image, args) = p
        .args
        .split_first()
        .expect("create takes at least 1 argument");
    let mode = flags::mode(p)?;
    let name = match p.string("name") {
        Some(n) => n,
        None => generated_name(world),
    };
    let mut spec = Spec::new(&name, image);
    spec.template.container.args = args.to_vec();
    if mode == ServiceMode::Global {
        spec.mode = mode;
    }
    flags::apply_flags(&flags::CREATE, &mut spec, p, true)?;
    spec.template.container.secrets =
        super::super::secrets::parse_refs(world, &p.values("secret"))?;
    let id = create_spec(world, spec, rec)
        .inspect_err(|e| super::super::overlay::explain_refusal(e, rec))?;
    if !p.bool("quiet") {
        rec.out(id.clone());
    }
    if p.bool("detach") {
        rec.say("With --detach the CLI returns at once; `docker service ps` shows the tasks as they start.");
    } else {
        follow(world, &id, Follow::Create);
    }
    Ok(())
}

/// Write a new service into the store (the leader's controlapi `CreateService`).
pub fn create_spec(world: &mut World, spec: Spec, rec: &mut Record) -> Result<String, DockerError> {
    if !validate::valid_dns_name(&spec.name) {
        // SwarmKit controlapi `validateAnnotations`.
        return Err(DockerError::daemon(
            "rpc error: code = InvalidArgument desc = name must be valid as a DNS name component",
        ));
    }
    if world
        .swarm
        .services
        .values()
        .any(|s| s.spec.name == spec.name)
    {
        return Err(DockerError::daemon(
            "rpc error: code = AlreadyExists desc = name conflicts with an existing object",
        ));
    }
    validate::spec(world, &spec)?;
    let mut spec = spec;
    resolve_image(world, &mut spec, rec);
    let id = super::super::cluster::base36(&mut world.rng, 25);
    let now = world.now_ms;
    let mut svc = Service::new(&id, spec, now);
    assign_published_ports(world, &mut svc);
    let name = svc.spec.name.clone();
    let desired = match svc.spec.mode {
        ServiceMode::Replicated { replicas } => format!("{replicas} replica(s)"),
        ServiceMode::Global => "one task on every eligible node".to_string(),
    };
    world.swarm.services.insert(id.clone(), svc);
    super::super::overlay::on_service_changed(world, &id);
    rec.title = format!("service {name} created");
    rec.touch(name.clone());
    rec.say(format!(
        "The leader writes service {name} into the Raft log (desired state: {desired}); its orchestrator creates the tasks and the scheduler picks their nodes."
    ));
    Ok(id)
}

/// The manager pins a service's image to the digest its registry has now (moby
/// `imageWithDigestString`, `--resolve-image always`): `127.0.0.1:5000/shop-api:1.0@sha256:…`,
/// asked through the registry the daemon of the terminal's machine reaches. An image no
/// registry answers for gets the CLI's warning (moby `digestWarning`), and each node resolves
/// the name alone. Catalogue images are not pinned here (src/sim/docker/registry/mod.rs `pin`).
pub fn resolve_image(world: &World, spec: &mut Spec, rec: &mut Record) {
    let here = world.here().to_string();
    let image = spec.template.container.image.clone();
    use crate::sim::docker::registry::{Pin, pin};
    let unreachable = match pin(world, &here, &image) {
        Pin::Pinned(pinned) => {
            spec.template.container.image = pinned;
            false
        }
        Pin::Elsewhere => super::super::agent::image_error(&spec.template.container)
            .is_some_and(|e| e.starts_with("No such image")),
        Pin::Unresolved => true,
    };
    if unreachable {
        rec.err(format!(
            "image {image} could not be accessed on a registry to record\nits digest. Each node will access {image} independently,\npossibly leading to different nodes running different\nversions of the image.\n"
        ));
    }
}

/// Ports published without a number get one from 30000–32767 (SwarmKit's port allocator).
fn assign_published_ports(world: &World, svc: &mut Service) {
    let used: Vec<u16> = world
        .swarm
        .services
        .values()
        .flat_map(|s| s.endpoint_ports.iter().map(|p| p.published_port))
        .collect();
    let mut next = 30000u16;
    svc.endpoint_ports = svc
        .spec
        .ports
        .iter()
        .map(|p| {
            let mut p = p.clone();
            if p.published_port == 0 && p.mode == PublishMode::Ingress {
                while used.contains(&next) {
                    next += 1;
                }
                p.published_port = next;
                next += 1;
            }
            p
        })
        .collect();
}

/// `docker service scale SERVICE=REPLICAS…`: a new replica count, one service at a time.
pub(super) fn scale(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let mut changed = Vec::new();
    for arg in &p.args {
        let Some((name, n)) = arg.split_once('=') else {
            // docker/cli `scaleArgs`: an argument error in its own layout, exit 1.
            let c = &flags::SCALE;
            return Err(DockerError::new(
                format!(
                    "invalid scale specifier '{arg}'.\nSee '{} --help'.\n\nUsage:  {}\n\n{}",
                    c.path, c.usage, c.about
                ),
                1,
            ));
        };
        let replicas: u64 = n.parse().map_err(|_| {
            DockerError::new(
                format!(
                    "invalid replicas value {n}: strconv.ParseUint: parsing \"{n}\": invalid syntax"
                ),
                1,
            )
        })?;
        let Some(id) = find_service(world, name) else {
            return Err(DockerError::daemon(format!("service {name} not found")));
        };
        let svc = world.swarm.services.get_mut(&id).expect("found above");
        if svc.spec.mode == ServiceMode::Global {
            return Err(DockerError::new(
                format!("{name}: scale can only be used with replicated or replicated-job mode"),
                1,
            ));
        }
        let mut spec = svc.spec.clone();
        spec.mode = ServiceMode::Replicated { replicas };
        let now = world.now_ms;
        svc.set_spec(spec, true, now);
        // Scaling is a service update: UpdateStatus is reset (a paused update starts again).
        svc.update_status = None;
        super::super::update::begin(world, &id, rec);
        rec.out(format!("{name} scaled to {replicas}"));
        rec.touch(name.to_string());
        rec.say(format!(
            "{name}: desired replicas is now {replicas}. Scaling changes no task template, so no task is replaced: the orchestrator only adds or removes slots."
        ));
        changed.push(id);
    }
    if !p.bool("detach") {
        for id in changed {
            follow(world, &id, Follow::Update);
        }
    }
    Ok(())
}

/// `docker service update`: the flags over the current spec, written as a new version; the
/// updater then replaces the out-of-date tasks.
pub(super) fn update(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let reference = &p.args[0];
    let Some(id) = find_service(world, reference) else {
        return Err(DockerError::daemon(format!(
            "service {reference} not found"
        )));
    };
    if p.bool("rollback") {
        return do_rollback(world, &id, p.bool("detach"), rec);
    }
    let svc = world.swarm.services[&id].clone();
    let mut spec = svc.spec.clone();
    if let Some(image) = p.string("image") {
        spec.template.container.image = image;
        // `--image` asks the manager to pin the new image's digest (docker/cli
        // `QueryRegistry`); other flags keep the digest the service already records.
        resolve_image(world, &mut spec, rec);
    }
    if let Some(args) = p.value("args") {
        spec.template.container.args = args.split_whitespace().map(str::to_string).collect();
    }
    flags::apply_flags(&flags::UPDATE, &mut spec, p, false)?;
    // `--secret-rm NAME`, then `--secret-add NAME|source=…,target=…` (docker/cli
    // `updateSecrets`): a changed list is a new task template, so the tasks are replaced.
    let gone = p.values("secret-rm");
    let secrets = &mut spec.template.container.secrets;
    secrets.retain(|r| !gone.contains(&r.secret_name) && !gone.contains(&r.secret_id));
    for added in super::super::secrets::parse_refs(world, &p.values("secret-add"))? {
        secrets.retain(|r| r.target != added.target);
        secrets.push(added);
    }
    validate::spec(world, &spec)?;
    let name = spec.name.clone();
    let force = p.bool("force");
    let now = world.now_ms;
    let before = svc.spec.template.clone();
    let template_changed = spec.template != before;
    {
        let s = world.swarm.services.get_mut(&id).expect("exists");
        s.set_spec(spec, true, now);
        if force && !template_changed {
            // `--force` dirties every task: a fresh template version with the same content.
            s.versions.clear();
            let v = s.spec_version;
            let t = s.spec.template.clone();
            s.versions.insert(v, t);
        }
    }
    if let Some(s) = world.swarm.services.get_mut(&id) {
        let mut svc = s.clone();
        assign_published_ports(world, &mut svc);
        world.swarm.services.insert(id.clone(), svc);
    }
    super::super::overlay::on_service_changed(world, &id);
    rec.out(name.clone());
    rec.touch(name.clone());
    rec.title = format!("service {name} updated");
    if template_changed || force {
        let cfg = world.swarm.services[&id].spec.update;
        rec.say(format!(
            "{name}: the task template changed, so every task is now out of date. The updater replaces them {} at a time ({}), waiting {} between batches and watching each new task for {}; on failure: {}.",
            if cfg.parallelism == 0 { "all".to_string() } else { cfg.parallelism.to_string() },
            cfg.order.as_str(),
            human_go_duration(cfg.delay_ms),
            human_go_duration(cfg.monitor_ms),
            cfg.failure_action.as_str()
        ));
        if force && !template_changed {
            force_dirty(world, &id);
        }
    } else {
        rec.say(format!(
            "{name}: nothing in the task template changed, so no task is replaced (a paused update starts again: every update resets UpdateStatus)."
        ));
    }
    // controlapi `UpdateService`: "Reset update status"; the updater then takes the dirty slots.
    if let Some(s) = world.swarm.services.get_mut(&id) {
        s.update_status = None;
    }
    super::super::update::begin(world, &id, rec);
    if !p.bool("detach") {
        follow(world, &id, Follow::Update);
    }
    Ok(())
}

/// `--force`: make every live task look out of date (SwarmKit bumps `ForceUpdate`).
fn force_dirty(world: &mut World, id: &str) {
    let version = world.swarm.services[id].spec_version;
    let mut old = world.swarm.services[id].spec.template.clone();
    // An impossible marker in a stored old version makes those tasks dirty.
    old.container
        .labels
        .insert("dockyard.force-update".into(), version.to_string());
    if let Some(s) = world.swarm.services.get_mut(id) {
        for t in world.swarm.tasks.iter().filter(|t| t.service_id == id) {
            if t.spec_version != version {
                s.versions.insert(t.spec_version, old.clone());
            }
        }
    }
}

/// `docker service rollback SERVICE`.
pub(super) fn rollback(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let reference = &p.args[0];
    let Some(id) = find_service(world, reference) else {
        return Err(DockerError::daemon(format!(
            "service {reference} not found"
        )));
    };
    do_rollback(world, &id, p.bool("detach"), rec)
}

fn do_rollback(
    world: &mut World,
    id: &str,
    detach: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let svc = world.swarm.services[id].clone();
    let name = svc.spec.name.clone();
    let Some(previous) = svc.previous_spec.clone() else {
        return Err(DockerError::daemon(format!(
            "rpc error: code = FailedPrecondition desc = service {} does not have a previous spec",
            svc.id
        )));
    };
    let now = world.now_ms;
    // controlapi `UpdateService` with `Rollback: PREVIOUS`: Spec and PreviousSpec swap places
    // (a second rollback goes forward again) and the status says who asked.
    if let Some(s) = world.swarm.services.get_mut(id) {
        s.set_spec(previous, true, now);
        s.update_status = Some(super::super::service::UpdateStatus {
            state: UpdateState::RollbackStarted,
            started_ms: now,
            completed_ms: None,
            message: "manually requested rollback".into(),
        });
    }
    super::super::overlay::on_service_changed(world, id);
    super::super::update::begin(world, id, rec);
    rec.out(name.clone());
    rec.touch(name.clone());
    rec.title = format!("service {name} rolled back");
    rec.say(format!(
        "{name}: the previous spec comes back (PreviousSpec) and its tasks are replaced with the rollback_config ({} at a time, {}).",
        svc.spec.rollback.parallelism,
        svc.spec.rollback.order.as_str()
    ));
    if !detach {
        follow(
            world,
            id,
            Follow::Rollback {
                message: "manually requested rollback".into(),
                first: true,
            },
        );
    }
    Ok(())
}

/// `docker service rm SERVICE…`: each found service is deleted; the missing ones are listed
/// after the others are gone.
pub(super) fn rm(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let mut missing = Vec::new();
    for r in &p.args {
        let Some(id) = find_service(world, r) else {
            missing.push(format!("service {r} not found"));
            continue;
        };
        let name = world.swarm.services[&id].spec.name.clone();
        world.swarm.services.remove(&id);
        world.swarm.updates.remove(&id);
        for t in world.swarm.tasks.iter_mut().filter(|t| t.service_id == id) {
            if t.desired_state < TaskState::Remove {
                t.desired_state = TaskState::Remove;
            }
        }
        super::super::overlay::on_service_removed(world, &id);
        rec.out(name.clone());
        rec.say(format!(
            "Service {name} is deleted from the store; each node's agent stops and removes its containers."
        ));
    }
    if !missing.is_empty() {
        return Err(DockerError::new(missing.join("\n"), 1).keeping_state());
    }
    Ok(())
}
