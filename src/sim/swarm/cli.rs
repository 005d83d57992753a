//! `docker swarm init|join|join-token|leave` and `docker node ls|inspect|promote|demote|update|rm`.
//!
//! Real Docker answers these from the swarm's manager API in the daemon (moby
//! `daemon/cluster`): cluster state can only be read or changed on a manager, each error has its
//! daemon wording (`This node is not a swarm manager. …`, `rpc error: code = FailedPrecondition
//! desc = …`), and `docker node ls` marks the node the CLI talks to with `*`. We answer the same
//! on the learner's machine (`node-1` in a swarm lab, the lone host elsewhere); other machines run
//! `docker swarm join|leave` through `ssh node-2 docker swarm join …`. A mistake changes nothing.
//!
//! The command lines are docker/cli's (`cli/command/swarm`, `cli/command/node`), one [`Command`]
//! each in the one flag layer (src/sim/flags.rs): parsed before any daemon is asked, a flag error
//! prints the usage and exits 125, a wrong argument count exits 1, `--help` prints the usage.
//! Simplified: flags we do not model (`--autolock`, `--cert-expiry`, …) are refused by name.
//! `docker node ps` prints `docker service ps`'s table for the tasks on the nodes named (`self`,
//! the default, is the node the CLI talks to).

use super::cluster::{Availability, MANAGEMENT_PORT, Role, Swarm};
use crate::sim::docker::error::DockerError;
use crate::sim::docker::output::tabwrite;
use crate::sim::flags::{Arity, Command, Flag, Parsed};
use crate::sim::{Record, World};

fn daemon(message: impl AsRef<str>) -> DockerError {
    DockerError::daemon(message)
}

/// moby `daemon/cluster/helpers.go` `errNoSwarm`.
pub const NOT_IN_SWARM: &str = "This node is not part of a swarm";
/// moby `cluster.errNoManager` for a node outside any swarm.
pub const NOT_A_MANAGER: &str = "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.";
/// moby `cluster.errNoManager` on a worker.
pub const WORKER_NOT_MANAGER: &str = "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";
/// moby `cluster.errSwarmExists`.
pub const ALREADY_IN_SWARM: &str = "This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.";

/// The learner's machine exists in the lab even on pages without a swarm lab.
fn ensure_local(world: &mut World) {
    if world.swarm.machines.is_empty() {
        let hostname = world.engine.hostname.clone();
        let mut lab = Swarm::lab(1);
        if let Some(mut m) = lab.machines.remove("node-1") {
            m.hostname = hostname.clone();
            // Its engine is the mounted one (`world.engine`).
            m.engine = std::rc::Rc::new(crate::sim::docker::engine::Engine::placeholder());
            lab.machines.insert(hostname.clone(), m);
        }
        lab.local = hostname;
        world.swarm = lab;
    }
}

/// Fails unless `hostname` is a manager of the swarm.
pub(crate) fn require_manager(world: &World, hostname: &str) -> Result<(), DockerError> {
    match world.swarm.node_of(hostname) {
        None => Err(daemon(NOT_A_MANAGER)),
        Some(n) if n.role == Role::Worker => Err(daemon(WORKER_NOT_MANAGER)),
        Some(_) => {
            // Every manager call goes through the Raft leader (SwarmKit's raft proxy).
            if world.swarm.raft.leader().is_none() {
                let no_leader_for_ms = world.swarm.raft.no_leader_for_ms(world.now_ms).unwrap_or(0);
                return Err(daemon(
                    super::raft::RaftError::NoLeader { no_leader_for_ms }.docker_message(),
                ));
            }
            Ok(())
        }
    }
}

/// A Raft membership change (join as manager, promote, demote, leave), narrated.
fn raft_change(
    world: &mut World,
    host: &str,
    add: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let now = world.now_ms;
    let net = super::control::reachable(world);
    let mut raft = std::mem::take(&mut world.swarm.raft);
    let result = if add {
        raft.add_member(host, now, &net, &mut world.rng)
    } else {
        raft.remove_member(host, now, &net, &mut world.rng)
    };
    world.swarm.raft = raft;
    let events = result.map_err(|e| daemon(e.docker_message()))?;
    super::control::narrate(&events, rec);
    super::control::schedule(world);
    Ok(())
}

/// `docker swarm …` / `docker node …` typed on the learner's machine.
pub fn run(world: &mut World, args: &[String], rec: &mut Record) -> Result<(), DockerError> {
    ensure_local(world);
    // The machine this command runs on: the terminal's, or another through `ssh node-2 docker …`.
    let local = world.here().to_string();
    if world.swarm.machines.get(&local).is_some_and(|m| !m.up) {
        // Nothing answers on a machine without power; the lab's other machines still do.
        return Err(DockerError::new(powered_off(world, &local), 255));
    }
    on_machine(world, &local, args, rec)
}

/// What the terminal says when its own machine has no power (real life: the shell is gone).
pub fn powered_off(world: &World, host: &str) -> String {
    let other = world
        .swarm
        .machines
        .values()
        .find(|m| m.up && m.hostname != host)
        .map(|m| m.hostname.clone())
        .unwrap_or_else(|| "node-2".to_string());
    format!(
        "dockyard: {host} is powered off, so this terminal's machine runs nothing; run the command on another machine (`ssh {other} docker …`) or power it on (`! start {host}`)"
    )
}

/// `docker swarm …` / `docker node …` run on machine `host` (the local one, or through ssh).
pub fn on_machine(
    world: &mut World,
    host: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["service", ..] => return super::services::run(world, host, &args[1..], rec),
        ["stack", ..] => return super::stackcmd::run(world, host, &args[1..], rec),
        ["secret", ..] => return super::secrets::run(world, host, &args[1..], rec),
        ["info"] => {
            super::info::info(world, host, rec);
            return Ok(());
        }
        ["swarm" | "node"] | ["swarm" | "node", "--help" | "-h" | "help", ..] => {
            rec.out(if words[0] == "swarm" {
                SWARM_HELP
            } else {
                NODE_HELP
            });
            return Ok(());
        }
        _ => {}
    }
    let (group, verb) = match words.as_slice() {
        [group, verb, ..] => (*group, *verb),
        _ => return Err(DockerError::new("docker: unknown command", 1)),
    };
    let Some(cmd) = command(group, verb) else {
        return Err(DockerError::new(
            format!(
                "dockyard: `docker {group} {verb}` is real Docker but not simulated yet (issue 5 is in progress)"
            ),
            1,
        ));
    };
    let p = cmd.parse(&args[2..])?;
    match cmd.name() {
        "swarm init" => init(world, host, &p, rec),
        "swarm join" => join(world, host, &p, rec),
        "swarm join-token" => join_token(world, host, &p, rec),
        "swarm leave" => leave(world, host, &p, rec),
        "node ls" => node_ls(world, host, &p, rec),
        "node inspect" => node_inspect(world, host, &p, rec),
        "node ps" => node_ps(world, host, &p, rec),
        "node promote" => promote(world, host, true, &p, rec),
        "node demote" => promote(world, host, false, &p, rec),
        "node update" => node_update(world, host, &p, rec),
        _ => node_rm(world, host, &p, rec),
    }
}

// ---------------------------------------------------------------------------------------------
// The command lines (docker/cli `cli/command/swarm`, `cli/command/node`)

pub(crate) const INIT: Command = Command::docker(
    "docker swarm init",
    "docker swarm init [OPTIONS]",
    "Initialize a swarm",
    &[
        Flag::string("advertise-addr", None),
        Flag::typed("listen-addr", None, "node-addr"),
        Flag::typed("default-addr-pool", None, "ipNetSlice"),
        Flag::bool("force-new-cluster", None),
    ],
)
.args(Arity::None)
.not_simulated(&[
    ("autolock", None),
    ("availability", None),
    ("cert-expiry", None),
    ("data-path-addr", None),
    ("data-path-port", None),
    ("default-addr-pool-mask-length", None),
    ("dispatcher-heartbeat", None),
    ("external-ca", None),
    ("max-snapshots", None),
    ("snapshot-interval", None),
    ("task-history-limit", None),
]);

pub(crate) const JOIN: Command = Command::docker(
    "docker swarm join",
    "docker swarm join [OPTIONS] HOST:PORT",
    "Join a swarm as a node and/or manager",
    &[
        Flag::string("token", None),
        Flag::string("advertise-addr", None),
        Flag::typed("listen-addr", None, "node-addr"),
        Flag::string("availability", None),
    ],
)
.args(Arity::Exactly(1))
.not_simulated(&[("data-path-addr", None)]);

pub(crate) const JOIN_TOKEN: Command = Command::docker(
    "docker swarm join-token",
    "docker swarm join-token [OPTIONS] (worker|manager)",
    "Manage join tokens",
    &[Flag::bool("quiet", Some('q')), Flag::bool("rotate", None)],
)
.args(Arity::Exactly(1));

pub(crate) const LEAVE: Command = Command::docker(
    "docker swarm leave",
    "docker swarm leave [OPTIONS]",
    "Leave the swarm",
    &[Flag::bool("force", Some('f'))],
)
.args(Arity::None);

pub(crate) const NODE_LS: Command = Command::docker(
    "docker node ls",
    "docker node ls [OPTIONS]",
    "List nodes in the swarm",
    &[Flag::bool("quiet", Some('q'))],
)
.args(Arity::None)
.not_simulated(&[("filter", Some('f')), ("format", None)]);

pub(crate) const NODE_INSPECT: Command = Command::docker(
    "docker node inspect",
    "docker node inspect [OPTIONS] self|NODE [NODE...]",
    "Display detailed information on one or more nodes",
    &[
        Flag::string("format", Some('f')),
        Flag::bool("pretty", None),
    ],
)
.args(Arity::AtLeast(1));

pub(crate) const NODE_PS: Command = Command::docker(
    "docker node ps",
    "docker node ps [OPTIONS] [NODE...]",
    "List tasks running on one or more nodes, defaults to current node",
    &[
        Flag::bool("quiet", Some('q')),
        Flag::bool("no-trunc", None),
        Flag::typed("filter", Some('f'), "filter"),
    ],
)
.args(Arity::Any)
.not_simulated(&[("format", None), ("no-resolve", None)]);

pub(crate) const NODE_PROMOTE: Command = Command::docker(
    "docker node promote",
    "docker node promote NODE [NODE...]",
    "Promote one or more nodes to manager in the swarm",
    &[],
)
.args(Arity::AtLeast(1));

pub(crate) const NODE_DEMOTE: Command = Command::docker(
    "docker node demote",
    "docker node demote NODE [NODE...]",
    "Demote one or more nodes from manager in the swarm",
    &[],
)
.args(Arity::AtLeast(1));

pub(crate) const NODE_UPDATE: Command = Command::docker(
    "docker node update",
    "docker node update [OPTIONS] NODE",
    "Update a node",
    &[
        Flag::string("availability", None),
        Flag::typed("label-add", None, "list"),
        Flag::typed("label-rm", None, "list"),
        Flag::string("role", None),
    ],
)
.args(Arity::Exactly(1));

pub(crate) const NODE_RM: Command = Command::docker(
    "docker node rm",
    "docker node rm [OPTIONS] NODE [NODE...]",
    "Remove one or more nodes from the swarm",
    &[Flag::bool("force", Some('f'))],
)
.args(Arity::AtLeast(1));

/// `docker swarm` and `docker swarm --help` (the commands this page simulates).
const SWARM_HELP: &str = "Usage:  docker swarm COMMAND

Manage Swarm

Commands:
  init        Initialize a swarm
  join        Join a swarm as a node and/or manager
  join-token  Manage join tokens
  leave       Leave the swarm

Run 'docker swarm COMMAND --help' for more information on a command.";

/// `docker node` and `docker node --help` (the commands this page simulates).
const NODE_HELP: &str = "Usage:  docker node COMMAND

Manage Swarm nodes

Commands:
  demote      Demote one or more nodes from manager in the swarm
  inspect     Display detailed information on one or more nodes
  ls          List nodes in the swarm
  promote     Promote one or more nodes to manager in the swarm
  ps          List tasks running on one or more nodes, defaults to current node
  rm          Remove one or more nodes from the swarm
  update      Update a node

Run 'docker node COMMAND --help' for more information on a command.";

/// The command `docker GROUP VERB` names (docker/cli aliases: `node ls`/`list`, `rm`/`remove`).
fn command(group: &str, verb: &str) -> Option<&'static Command> {
    Some(match (group, verb) {
        ("swarm", "init") => &INIT,
        ("swarm", "join") => &JOIN,
        ("swarm", "join-token") => &JOIN_TOKEN,
        ("swarm", "leave") => &LEAVE,
        ("node", "ls" | "list") => &NODE_LS,
        ("node", "inspect") => &NODE_INSPECT,
        ("node", "promote") => &NODE_PROMOTE,
        ("node", "ps") => &NODE_PS,
        ("node", "demote") => &NODE_DEMOTE,
        ("node", "update") => &NODE_UPDATE,
        ("node", "rm" | "remove") => &NODE_RM,
        _ => return None,
    })
}

fn init(world: &mut World, host: &str, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    super::statedir::refuse_torn(world, host)?;
    if p.bool("force-new-cluster")
        && let Some(node) = world.swarm.node_of(host)
        && node.role == Role::Manager
    {
        return force_new_cluster(world, host, rec);
    }
    if world.swarm.node_of(host).is_some() {
        return Err(daemon(ALREADY_IN_SWARM));
    }
    let addr = world.swarm.machines[host].addr.clone();
    if let Some(a) = p.value("advertise-addr")
        && a.split(':').next() != Some(addr.as_str())
    {
        return Err(daemon(format!(
            "advertise address must be a non-zero IP address or network interface (with optional port number): {a} is not an address of this machine"
        )));
    }
    let now = world.now_ms;
    let id = world.swarm.init(host, now, &mut world.rng);
    raft_change(world, host, true, rec)?;
    rec.touch(host);
    rec.out(format!(
        "Swarm initialized: current node ({id}) is now a manager.\n\nTo add a worker to this swarm, run the following command:\n\n    docker swarm join --token {} {addr}:{MANAGEMENT_PORT}\n\nTo add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.\n",
        world.swarm.worker_token
    ));
    rec.say(format!(
        "{host}'s engine is now the first manager of a new swarm: it holds the cluster state in a Raft log (alone, so it is the leader and the quorum), and made two join tokens. The token, not the command, decides whether a joining engine becomes a worker or a manager."
    ));
    Ok(())
}

/// `docker swarm init --force-new-cluster` on a manager of a swarm that lost its quorum: moby
/// `cluster.Init` with `ForceNewCluster` restarts SwarmKit with the Raft membership rewritten to
/// this node alone (SwarmKit `raft.Node.JoinAndStart` with `ForceNewCluster`). It keeps the
/// store: services, tasks and every node object (the other managers stay listed, Down, until
/// `docker node demote`/`rm`). docker/cli prints the same text as a first `init`. Simplified: a
/// removed manager that comes back is not refused by the new cluster (it stays out of Raft).
fn force_new_cluster(world: &mut World, host: &str, rec: &mut Record) -> Result<(), DockerError> {
    let id = world
        .swarm
        .node_of(host)
        .map(|n| n.id.clone())
        .unwrap_or_default();
    let addr = world.swarm.machines[host].addr.clone();
    let now = world.now_ms;
    let events = world
        .swarm
        .raft
        .force_new_cluster(host, now, &mut world.rng)
        .map_err(|e| daemon(e.docker_message()))?;
    super::control::narrate(&events, rec);
    super::control::schedule(world);
    // A new leader's dispatcher gives every node a fresh grace period before judging it.
    super::control::restart_heartbeat_clocks(world, rec);
    rec.touch(host);
    rec.out(format!(
        "Swarm initialized: current node ({id}) is now a manager.\n\nTo add a worker to this swarm, run the following command:\n\n    docker swarm join --token {} {addr}:{MANAGEMENT_PORT}\n\nTo add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.\n",
        world.swarm.worker_token
    ));
    rec.say(format!(
        "{host} is now the only member of the Raft group, so it is the whole quorum and leads again. It kept its copy of the store: the services, their tasks and the workers are all still there, and the orchestrator and scheduler run again. Add managers back (docker swarm join-token manager) to tolerate a failure again."
    ));
    Ok(())
}

fn join_token(
    world: &mut World,
    host: &str,
    p: &Parsed,
    rec: &mut Record,
) -> Result<(), DockerError> {
    require_manager(world, host)?;
    let role = match p.args[0].as_str() {
        "worker" => Role::Worker,
        "manager" => Role::Manager,
        other => {
            return Err(DockerError::new(format!("unknown role {other}"), 1));
        }
    };
    if p.bool("rotate") {
        let secret = super::cluster::base36(&mut world.rng, 25);
        let token = match role {
            Role::Worker => &mut world.swarm.worker_token,
            Role::Manager => &mut world.swarm.manager_token,
        };
        let digest_end = token.rfind('-').unwrap_or(token.len());
        *token = format!("{}-{secret}", &token[..digest_end]);
        rec.out(format!(
            "Successfully rotated {} join token.\n",
            role.as_str()
        ));
        rec.say("The old token no longer lets anyone join; nodes already in the swarm are not affected.");
    }
    let token = match role {
        Role::Worker => world.swarm.worker_token.clone(),
        Role::Manager => world.swarm.manager_token.clone(),
    };
    if p.bool("quiet") {
        rec.out(token);
        return Ok(());
    }
    let addr = world.swarm.machines[host].addr.clone();
    rec.out(format!(
        "To add a {} to this swarm, run the following command:\n\n    docker swarm join --token {token} {addr}:{MANAGEMENT_PORT}\n",
        role.as_str()
    ));
    Ok(())
}

fn join(world: &mut World, host: &str, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let remote = p.args[0].as_str();
    if world.swarm.node_of(host).is_some() {
        return Err(daemon(ALREADY_IN_SWARM));
    }
    let remote_ip = remote.split(':').next().unwrap_or(remote);
    let manager_there = world
        .swarm
        .managers()
        .any(|n| n.addr == remote_ip || n.hostname == remote_ip);
    if !manager_there {
        // The dial times out: nothing answers on that address's port 2377.
        return Err(daemon(format!(
            "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp {remote_ip}:{MANAGEMENT_PORT}: connect: connection refused\""
        )));
    }
    let token = p.string("token").unwrap_or_default();
    let Some(role) = world.swarm.role_for_token(&token) else {
        return Err(daemon(
            "rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster",
        ));
    };
    if role == Role::Manager {
        // A new manager joins the Raft group first: that needs a leader with a quorum.
        raft_change(world, host, true, rec)?;
    }
    let now = world.now_ms;
    let id = world.swarm.add_node(host, role, now, &mut world.rng);
    if let Some(a) = p.value("availability")
        && let Some(av) = Availability::parse(a)
        && let Some(n) = world.swarm.nodes.get_mut(&id)
    {
        n.availability = av;
    }
    rec.touch(host);
    rec.out(format!("This node joined a swarm as a {}.", role.as_str()));
    rec.say(format!(
        "{host} presented the {} token to the manager at {remote}: it got a certificate for that role and is now node {id}.",
        role.as_str()
    ));
    Ok(())
}

fn leave(world: &mut World, host: &str, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let force = p.bool("force");
    let Some(node) = world.swarm.node_of(host).cloned() else {
        return Err(daemon(NOT_IN_SWARM));
    };
    if node.role == Role::Manager && !force {
        let managers = world.swarm.managers().count();
        let message = if managers == 1 {
            "You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.".to_string()
        } else {
            format!(
                "You are attempting to leave the swarm on a node that is participating as a manager. Removing this node leaves {} managers out of {}. Without a Raft quorum your swarm will be inaccessible. The only way to restore a swarm that has lost consensus is to reinitialize it with `--force-new-cluster`. Use `--force` to suppress this message.",
                managers - 1,
                managers
            )
        };
        return Err(daemon(message));
    }
    if node.role == Role::Manager && world.swarm.managers().count() > 1 {
        raft_change(world, host, false, rec)?;
    }
    world.swarm.leave(&node.id);
    rec.touch(host);
    rec.out("Node left the swarm.");
    rec.say(format!(
        "{host} left the swarm. Managers still list it (status Down) until `docker node rm` removes it."
    ));
    Ok(())
}

fn manager_status(swarm: &Swarm, id: &str) -> &'static str {
    let Some(n) = swarm.nodes.get(id) else {
        return "";
    };
    if n.role != Role::Manager {
        return "";
    }
    swarm
        .raft
        .manager_status(&n.hostname)
        .unwrap_or("Unreachable")
}

fn node_ls(world: &mut World, host: &str, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    require_manager(world, host)?;
    let swarm = &world.swarm;
    let me = swarm
        .node_of(host)
        .map(|n| n.id.clone())
        .unwrap_or_default();
    let mut nodes: Vec<_> = swarm.nodes.values().collect();
    crate::sim::order::sort_by(&mut nodes, |a, b| {
        a.hostname.cmp(&b.hostname).then(a.id.cmp(&b.id))
    });
    if p.bool("quiet") {
        let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
        rec.out(ids.join("\n"));
        return Ok(());
    }
    let mut rows = vec![
        [
            "ID",
            "HOSTNAME",
            "STATUS",
            "AVAILABILITY",
            "MANAGER STATUS",
            "ENGINE VERSION",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for n in nodes {
        rows.push(vec![
            if n.id == me {
                format!("{} *", n.id)
            } else {
                n.id.clone()
            },
            n.hostname.clone(),
            n.status.title().to_string(),
            n.availability.title().to_string(),
            manager_status(swarm, &n.id).to_string(),
            super::cluster::ENGINE_VERSION.to_string(),
        ]);
    }
    rec.out(tabwrite(&rows));
    rec.say("`*` marks the node this CLI talks to. MANAGER STATUS is empty for workers; among managers, one is the Raft Leader.");
    Ok(())
}

/// The node ID a reference names: `self` is the node the CLI talks to.
fn node_id(world: &World, host: &str, reference: &str) -> Result<String, DockerError> {
    if reference == "self" {
        Ok(world
            .swarm
            .node_of(host)
            .map(|n| n.id.clone())
            .unwrap_or_default())
    } else {
        world.swarm.resolve(reference).map_err(daemon)
    }
}

/// `docker node ps [NODE...]`: the tasks on those nodes (`self` when none is named).
fn node_ps(world: &mut World, host: &str, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    require_manager(world, host)?;
    let references: Vec<String> = if p.args.is_empty() {
        vec!["self".to_string()]
    } else {
        p.args.clone()
    };
    let mut ids = Vec::new();
    for reference in &references {
        let id = node_id(world, host, reference)?;
        ids.push(id);
    }
    let options = super::services::PsOptions {
        quiet: p.bool("quiet"),
        no_trunc: p.bool("no-trunc"),
        filters: p.values("filter"),
    };
    rec.out(super::services::node_ps_text(world, &ids, &options));
    Ok(())
}

fn node_inspect(
    world: &mut World,
    host: &str,
    p: &Parsed,
    rec: &mut Record,
) -> Result<(), DockerError> {
    require_manager(world, host)?;
    let pretty = p.bool("pretty");
    let mut values = Vec::new();
    for reference in &p.args {
        let id = node_id(world, host, reference)?;
        let n = &world.swarm.nodes[&id];
        let status = manager_status(&world.swarm, &id);
        if pretty {
            let mut text = format!(
                "ID:\t\t\t{}\nHostname:\t\t{}\nJoined at:\t\t{}\nStatus:\n State:\t\t\t{}\n Availability:\t\t{}\n Address:\t\t{}\n",
                n.id,
                n.hostname,
                crate::sim::time::rfc3339(n.created_ms),
                n.status.title(),
                n.availability.title(),
                n.addr
            );
            if n.role == Role::Manager {
                text.push_str(&format!(
                    "Manager Status:\n Address:\t\t{}:{MANAGEMENT_PORT}\n Raft Status:\t\t{}\n Leader:\t\t{}\n",
                    n.addr,
                    if status == "Unreachable" { "Unreachable" } else { "Reachable" },
                    if status == "Leader" { "Yes" } else { "No" }
                ));
            }
            if !n.labels.is_empty() {
                text.push_str("Labels:\n");
                for (k, v) in &n.labels {
                    text.push_str(&format!(" - {k}={v}\n"));
                }
            }
            let m = &world.swarm.machines[&n.hostname];
            text.push_str(&format!(
                "Platform:\n Operating System:\tlinux\n Architecture:\t\tx86_64\nResources:\n CPUs:\t\t\t{}\n Memory:\t\t{}GiB\nEngine Version:\t\t{}",
                m.cpus,
                m.memory_bytes >> 30,
                super::cluster::ENGINE_VERSION
            ));
            values.push(text);
        } else {
            let mut v = serde_json::json!({
                "ID": n.id,
                "CreatedAt": crate::sim::time::rfc3339(n.created_ms),
                "UpdatedAt": crate::sim::time::rfc3339(n.updated_ms),
                "Spec": {
                    "Labels": n.labels,
                    "Role": n.role.as_str(),
                    "Availability": n.availability.as_str(),
                },
                "Description": {
                    "Hostname": n.hostname,
                    "Platform": {"Architecture": "x86_64", "OS": "linux"},
                    "Engine": {"EngineVersion": super::cluster::ENGINE_VERSION},
                },
                "Status": {"State": n.status.title().to_lowercase(), "Addr": n.addr},
            });
            if n.role == Role::Manager {
                v["ManagerStatus"] = serde_json::json!({
                    "Leader": status == "Leader",
                    "Reachability": if status == "Unreachable" { "unreachable" } else { "reachable" },
                    "Addr": format!("{}:{MANAGEMENT_PORT}", n.addr),
                });
            }
            values.push(match p.value("format") {
                Some(f) => crate::sim::docker::output::inspect_format(&v, f)
                    .map_err(|e| DockerError::new(e, 1))?,
                None => crate::sim::docker::output::inspect_text(&[v]),
            });
        }
    }
    rec.out(values.join("\n"));
    Ok(())
}

fn promote(
    world: &mut World,
    host: &str,
    up: bool,
    p: &Parsed,
    rec: &mut Record,
) -> Result<(), DockerError> {
    require_manager(world, host)?;
    // Check every node first: a mistake changes nothing.
    let mut ids = Vec::new();
    for reference in &p.args {
        ids.push(world.swarm.resolve(reference).map_err(daemon)?);
    }
    for (reference, id) in p.args.iter().zip(ids) {
        let managers = world.swarm.managers().count();
        let (role, hostname) = {
            let n = &world.swarm.nodes[&id];
            (n.role, n.hostname.clone())
        };
        match (up, role) {
            (true, Role::Manager) => rec.out(format!("Node {reference} is already a manager.")),
            (false, Role::Worker) => rec.out(format!("Node {reference} is already a worker.")),
            (false, Role::Manager) if managers == 1 => {
                return Err(daemon(
                    "rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm",
                ));
            }
            (true, Role::Worker) => {
                raft_change(world, &hostname, true, rec)?;
                rec.touch(hostname.clone());
                rec.out(format!(
                    "Node {reference} promoted to a manager in the swarm."
                ));
                rec.say(format!(
                    "{hostname} is now a manager: it joins the Raft group, so it votes and holds a copy of the cluster state. {} managers need {} of them for a quorum.",
                    managers + 1,
                    Swarm::quorum(managers + 1)
                ));
            }
            (false, Role::Manager) => {
                raft_change(world, &hostname, false, rec)?;
                rec.touch(hostname.clone());
                rec.out(format!("Manager {reference} demoted in the swarm."));
                rec.say(format!(
                    "{hostname} leaves the Raft group and only runs tasks now."
                ));
            }
        }
        let now = world.now_ms;
        if let Some(n) = world.swarm.nodes.get_mut(&id) {
            if up {
                n.role = Role::Manager;
            } else if managers > 1 {
                n.role = Role::Worker;
            }
            n.updated_ms = now;
        }
    }
    Ok(())
}

fn node_update(
    world: &mut World,
    host: &str,
    p: &Parsed,
    rec: &mut Record,
) -> Result<(), DockerError> {
    require_manager(world, host)?;
    let reference = &p.args[0];
    let id = world.swarm.resolve(reference).map_err(daemon)?;
    let mut node = world.swarm.nodes[&id].clone();
    for (k, v) in &p.flags {
        match *k {
            "availability" => {
                node.availability = Availability::parse(v).ok_or_else(|| {
                    NODE_UPDATE.invalid_value(
                        "availability",
                        v,
                        &format!("invalid availability: {v}"),
                    )
                })?;
            }
            "label-add" => {
                let (key, value) = v.split_once('=').unwrap_or((v, ""));
                node.labels.insert(key.to_string(), value.to_string());
            }
            "label-rm" if node.labels.remove(v).is_none() => {
                return Err(daemon(format!("key {v} doesn't exist in node's labels")));
            }
            "role" => {
                return Err(DockerError::new(
                    "dockyard: use `docker node promote|demote` (the same change)",
                    1,
                ));
            }
            _ => {}
        }
    }
    let before = world.swarm.nodes[&id].availability;
    node.updated_ms = world.now_ms;
    rec.touch(node.hostname.clone());
    if before != node.availability {
        rec.say(match node.availability {
            Availability::Drain => format!(
                "{} is drained: the scheduler gives it no new tasks and moves its running tasks to other nodes (a maintenance window).",
                node.hostname
            ),
            Availability::Pause => format!(
                "{} is paused: its tasks keep running, but it gets no new ones.",
                node.hostname
            ),
            Availability::Active => format!("{} is active again: it can get new tasks (existing ones are not moved back).", node.hostname),
        });
    }
    world.swarm.nodes.insert(id, node);
    rec.out(reference.to_string());
    Ok(())
}

fn node_rm(world: &mut World, host: &str, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    require_manager(world, host)?;
    let force = p.bool("force");
    for reference in &p.args {
        let id = world.swarm.resolve(reference).map_err(daemon)?;
        let n = world.swarm.nodes[&id].clone();
        if n.role == Role::Manager {
            return Err(daemon(format!(
                "rpc error: code = FailedPrecondition desc = node {id} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal"
            )));
        }
        let up = world
            .swarm
            .machines
            .get(&n.hostname)
            .is_some_and(|m| m.engine_running() && m.node_id.as_deref() == Some(id.as_str()));
        if up && !force {
            return Err(daemon(format!(
                "rpc error: code = FailedPrecondition desc = node {id} is not down and can't be removed"
            )));
        }
        if up {
            stop_removed_worker(world, &id, &n.hostname, rec);
        }
        world.swarm.remove_node(&id);
        rec.touch(n.hostname.clone());
        rec.out(reference.to_string());
    }
    Ok(())
}

/// `node rm --force` of a worker that is still up: the managers delete the node and revoke its
/// certificate, so its agent's next session is refused and the node's swarm component stops, as
/// on `docker swarm leave`, which force-removes the node's task containers. The managers hear
/// nothing more from those tasks: none is up any more, and the orchestrators replace them on the
/// other nodes (their node left the swarm).
fn stop_removed_worker(world: &mut World, id: &str, host: &str, rec: &mut Record) {
    let containers: Vec<_> = world
        .swarm
        .tasks
        .iter_mut()
        .filter(|t| t.node_id.as_deref() == Some(id))
        .filter_map(|t| {
            t.container_up = false;
            t.due_ms = None;
            t.container.clone()
        })
        .collect();
    let mut removed = 0;
    let mut quiet = Record::new(world.now_ms);
    world.on_host(host, |w| {
        for container in &containers {
            if w.engine.containers.contains_key(container)
                && crate::sim::docker::engine::rm(w, container, true, true, "", &mut quiet).is_ok()
            {
                removed += 1;
            }
        }
    });
    rec.say(format!(
        "{host} was still up: its certificate is revoked, its agent is refused and leaves the swarm, and its engine removes the {removed} task container(s) it ran (as `docker swarm leave` would). The orchestrators replace those tasks on the other nodes."
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(world: &mut World, host: &str, line: &str) -> Result<String, String> {
        let mut rec = Record::new(0);
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        on_machine(world, host, &words, &mut rec)
            .map(|_| rec.terminal_text())
            .map_err(|e| e.message)
    }

    fn lab() -> World {
        let mut w = World::new(3);
        w.swarm = Swarm::lab(3);
        w
    }

    #[test]
    fn init_then_join_with_the_printed_token() {
        let mut w = lab();
        let out = sh(&mut w, "node-1", "swarm init").unwrap();
        assert!(
            out.starts_with("Swarm initialized: current node ("),
            "{out}"
        );
        assert!(
            out.contains("    docker swarm join --token SWMTKN-1-"),
            "{out}"
        );
        assert!(out.contains(" 10.0.0.2:2377"), "{out}");
        let token = w.swarm.worker_token.clone();
        let out = sh(
            &mut w,
            "node-2",
            &format!("swarm join --token {token} 10.0.0.2:2377"),
        )
        .unwrap();
        assert_eq!(out, "This node joined a swarm as a worker.");
        assert_eq!(
            sh(&mut w, "node-1", "swarm init").unwrap_err(),
            format!("Error response from daemon: {ALREADY_IN_SWARM}")
        );
        assert_eq!(
            sh(&mut w, "node-2", "node ls").unwrap_err(),
            format!("Error response from daemon: {WORKER_NOT_MANAGER}")
        );
        assert_eq!(
            sh(&mut w, "node-3", "node ls").unwrap_err(),
            format!("Error response from daemon: {NOT_A_MANAGER}")
        );
        let bad = sh(
            &mut w,
            "node-3",
            "swarm join --token SWMTKN-1-x 10.0.0.2:2377",
        )
        .unwrap_err();
        assert!(bad.contains("A valid join token is necessary"), "{bad}");
    }

    #[test]
    fn node_ls_marks_self_and_the_leader() {
        let mut w = lab();
        sh(&mut w, "node-1", "swarm init").unwrap();
        let token = w.swarm.manager_token.clone();
        sh(
            &mut w,
            "node-2",
            &format!("swarm join --token {token} 10.0.0.2:2377"),
        )
        .unwrap();
        let out = sh(&mut w, "node-1", "node ls").unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION"), "{out}");
        assert!(
            lines[1].contains(" *   node-1     Ready     Active         Leader           28.0.1"),
            "{out}"
        );
        assert!(
            lines[2].contains("node-2     Ready     Active         Reachable        28.0.1"),
            "{out}"
        );
    }

    #[test]
    fn promote_demote_drain_and_remove() {
        let mut w = lab();
        sh(&mut w, "node-1", "swarm init").unwrap();
        let token = w.swarm.worker_token.clone();
        sh(
            &mut w,
            "node-2",
            &format!("swarm join --token {token} 10.0.0.2:2377"),
        )
        .unwrap();
        assert_eq!(
            sh(&mut w, "node-1", "node promote node-2").unwrap(),
            "Node node-2 promoted to a manager in the swarm."
        );
        assert_eq!(
            sh(&mut w, "node-1", "node demote node-2").unwrap(),
            "Manager node-2 demoted in the swarm."
        );
        assert!(
            sh(&mut w, "node-1", "node demote node-1")
                .unwrap_err()
                .contains("attempting to demote the last manager")
        );
        assert_eq!(
            sh(&mut w, "node-1", "node update --availability drain node-2").unwrap(),
            "node-2"
        );
        assert!(sh(&mut w, "node-1", "node ls").unwrap().contains("Drain"));
        assert!(sh(&mut w, "node-1", "node update --availability off node-2").is_err());
        let e = sh(&mut w, "node-1", "node rm node-2").unwrap_err();
        assert!(e.contains("is not down and can't be removed"), "{e}");
        assert_eq!(
            sh(&mut w, "node-2", "swarm leave").unwrap(),
            "Node left the swarm."
        );
        assert!(
            sh(&mut w, "node-1", "node ls")
                .unwrap()
                .contains("node-2     Down")
        );
        assert_eq!(sh(&mut w, "node-1", "node rm node-2").unwrap(), "node-2");
        assert!(
            sh(&mut w, "node-1", "swarm leave")
                .unwrap_err()
                .contains("Removing the last manager erases all current state")
        );
        assert!(
            sh(&mut w, "node-1", "node inspect --pretty self")
                .unwrap()
                .contains("Leader:\t\tYes")
        );
    }
}
