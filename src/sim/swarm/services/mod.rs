//! `docker service create|ls|ps|inspect|scale|update|rollback|rm|logs`.
//!
//! Real Docker (docker/cli `cli/command/service`, moby `daemon/cluster/services.go`): the CLI
//! parses the command line first (a flag error prints the usage line and exits 125, a wrong
//! argument count exits 1, `--help` prints the usage), then every service command goes to a
//! manager, which forwards it to the Raft leader; the leader writes the change to the store and
//! the control loops do the rest. `create` prints the new ID, `update`, `scale` and `rollback`
//! the name; unless `--detach`, the CLI then follows the tasks until they converge.
//!
//! We parse each subcommand with its own [`crate::sim::flags::Command`] (flags.rs), then:
//! - flags.rs: the command table, and the flags turned into [`Spec`](super::service::Spec)
//!   changes;
//! - validate.rs: what the daemon refuses in a spec (shared with `docker stack deploy`);
//! - write.rs: the store writes (create, scale, update, rollback, rm);
//! - format.rs: what ls/ps/inspect/logs print;
//! - follow.rs: the CLI following a rollout (`Waiter::Service`, [`poll`]).
//!
//! Simplified: `--format` for `inspect` only; no secrets/configs; `--mount` options beyond
//! type/source/target are dropped; `docker service logs` shows what the course programs print.

pub(crate) mod flags;
mod follow;
mod format;
pub mod validate;
mod write;

pub use super::follow_kind::Follow;
pub use follow::{poll, verify_due};
pub use format::{
    PsOptions, human_go_duration, inspect_json, node_ps_text, ordered_tasks, ports_text, ps_text,
    replicas_text,
};
pub use write::{create_spec, resolve_image};

use super::service::Service;
use crate::sim::docker::error::DockerError;
use crate::sim::{Record, World};

/// `docker service` and `docker service --help`: the management command's help.
const HELP: &str = "Usage:  docker service COMMAND

Manage Swarm services

Commands:
  create      Create a new service
  inspect     Display detailed information on one or more services
  logs        Fetch the logs of a service or task
  ls          List services
  ps          List the tasks of one or more services
  rm          Remove one or more services
  rollback    Revert changes to a service's configuration
  scale       Scale one or multiple replicated services
  update      Update a service

Run 'docker service COMMAND --help' for more information on a command.";

/// `docker service …` typed on `host`: parsed first (usage errors never reach a daemon), then
/// run on the manager.
pub fn run(
    world: &mut World,
    host: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let (cmd, words) = match crate::sim::flags::subcommand("docker service", args, flags::command)?
    {
        crate::sim::flags::Subcommand::Help => {
            rec.out(HELP);
            return Ok(());
        }
        crate::sim::flags::Subcommand::Run(cmd, words) => (cmd, words),
    };
    let p = cmd.parse(words)?;
    super::cli::require_manager(world, host)?;
    match cmd.name() {
        "service create" => write::create(world, &p, rec),
        "service ls" => format::ls(world, &p, rec),
        "service ps" => format::ps(world, &p, rec),
        "service inspect" => format::inspect(world, &p, rec),
        "service scale" => write::scale(world, &p, rec),
        "service update" => write::update(world, &p, rec),
        "service rollback" => write::rollback(world, &p, rec),
        "service rm" => write::rm(world, &p, rec),
        "service logs" => format::logs(world, &p, rec),
        other => unreachable!("{other} is in the command table"),
    }
}

/// A service by name, full ID or unique ID prefix (moby `cluster.getService`).
fn find_service(world: &World, reference: &str) -> Option<String> {
    let s = &world.swarm.services;
    if let Some(svc) = s.values().find(|svc| svc.spec.name == reference) {
        return Some(svc.id.clone());
    }
    if s.contains_key(reference) {
        return Some(reference.to_string());
    }
    let matches: Vec<&Service> = s
        .values()
        .filter(|svc| !reference.is_empty() && svc.id.starts_with(reference))
        .collect();
    (matches.len() == 1).then(|| matches[0].id.clone())
}
