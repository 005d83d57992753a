//! `docker secret create|ls|inspect|rm`, and `--secret` on a service: secrets as files in
//! `/run/secrets/`, not in the environment.
//!
//! Real Docker (docs `engine/swarm/secrets.md`, docker/cli `cli/command/secret`): a secret is
//! sent to a manager, stored in the encrypted Raft log, and given only to the tasks of services
//! granted it, mounted as a file in `/run/secrets/<name>` on an in-memory filesystem. Nothing
//! prints its data back: `docker secret inspect` shows its name, ID, labels and dates, and a
//! service's spec names the secret, not its value; an environment variable, by contrast, is in
//! `docker service inspect`, `docker inspect` and every child process. Images such as
//! `postgres` read `*_FILE` variables (`POSTGRES_PASSWORD_FILE=/run/secrets/db_password`). A
//! secret in use cannot be removed (`secret 'x' is in use by the following service: y`); a
//! service naming a secret that does not exist is refused by the CLI (`secret not found: x`).
//!
//! What we model: the store, the four commands with their output and errors, `--secret NAME` and
//! `--secret source=NAME,target=FILE`, the file in each task's container. What we simplify: no
//! `uid`/`gid`/`mode` options (the file is root's, mode 0444), no secret drivers or templating,
//! and the file is written into the container's filesystem rather than a tmpfs mount.

use std::collections::BTreeMap;

use super::cluster::Secret;
use super::service::SecretRef;
use crate::sim::docker::error::DockerError;
use crate::sim::docker::output::tabwrite;
use crate::sim::flags::{Arity, Command, Flag, Parsed};
use crate::sim::hostfs::Entry;
use crate::sim::{Record, World};

pub(crate) const CREATE: Command = Command::docker(
    "docker secret create",
    "docker secret create [OPTIONS] SECRET [file|-]",
    "Create a secret from a file or STDIN as content",
    &[Flag::string("label", Some('l'))],
)
.args(Arity::Between(1, 2))
.not_simulated(&[("driver", Some('d')), ("template-driver", None)]);

pub(crate) const LS: Command = Command::docker(
    "docker secret ls",
    "docker secret ls [OPTIONS]",
    "List secrets",
    &[
        Flag::bool("quiet", Some('q')),
        Flag::string("filter", Some('f')),
        Flag::string("format", None),
    ],
)
.args(Arity::None);

pub(crate) const INSPECT: Command = Command::docker(
    "docker secret inspect",
    "docker secret inspect [OPTIONS] SECRET [SECRET...]",
    "Display detailed information on one or more secrets",
    &[
        Flag::bool("pretty", None),
        Flag::string("format", Some('f')),
    ],
)
.args(Arity::AtLeast(1));

pub(crate) const RM: Command = Command::docker(
    "docker secret rm",
    "docker secret rm SECRET [SECRET...]",
    "Remove one or more secrets",
    &[],
)
.args(Arity::AtLeast(1));

const HELP: &str = "Usage:  docker secret COMMAND

Manage Swarm secrets

Commands:
  create      Create a secret from a file or STDIN as content
  inspect     Display detailed information on one or more secrets
  ls          List secrets
  rm          Remove one or more secrets

Run 'docker secret COMMAND --help' for more information on a command.";

/// `docker secret …` on machine `host`.
pub fn run(
    world: &mut World,
    host: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let Some(verb) = args.first().map(String::as_str) else {
        rec.out(HELP);
        return Ok(());
    };
    let cmd = match verb {
        "create" => &CREATE,
        "ls" | "list" => &LS,
        "inspect" => &INSPECT,
        "rm" | "remove" => &RM,
        "--help" | "-h" | "help" => {
            rec.out(HELP);
            return Ok(());
        }
        other => {
            return Err(DockerError::new(
                format!(
                    "docker: unknown command: docker secret {other}\n\nRun 'docker secret --help' for more information"
                ),
                1,
            ));
        }
    };
    let p = cmd.parse(&args[1..])?;
    super::cli::require_manager(world, host)?;
    match verb {
        "create" => create(world, &p, rec),
        "ls" | "list" => ls(world, &p, rec),
        "inspect" => inspect(world, &p, rec),
        _ => rm(world, &p, rec),
    }
}

/// Puts a new secret in the store; its ID.
pub fn store(
    world: &mut World,
    name: &str,
    data: String,
    labels: BTreeMap<String, String>,
) -> String {
    let id = super::cluster::base36(&mut world.rng, 25);
    world.swarm.secrets.insert(
        id.clone(),
        Secret {
            id: id.clone(),
            name: name.to_string(),
            data,
            labels,
            created_ms: world.now_ms,
        },
    );
    id
}

/// The secret a reference names: an ID, a unique ID prefix, or a name.
pub fn find<'a>(world: &'a World, reference: &str) -> Option<&'a Secret> {
    let secrets = &world.swarm.secrets;
    secrets
        .get(reference)
        .or_else(|| secrets.values().find(|s| s.name == reference))
        .or_else(|| {
            let mut prefixed = secrets.values().filter(|s| s.id.starts_with(reference));
            match (prefixed.next(), prefixed.next()) {
                (Some(s), None) => Some(s),
                _ => None,
            }
        })
}

fn create(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let name = p.args[0].clone();
    let source = p.args.get(1).map(String::as_str).unwrap_or("-");
    let data = if source == "-" {
        match world.shell.stdin.take() {
            Some(Entry::File { content }) => content,
            Some(_) => String::new(),
            None => {
                return Err(DockerError::new(
                    "Error response from daemon: rpc error: code = InvalidArgument desc = secret data must be larger than 0 and less than 500 KB",
                    1,
                ));
            }
        }
    } else {
        world
            .fs
            .read(source)
            .map(str::to_string)
            .map_err(|_| DockerError::new(format!("open {source}: no such file or directory"), 1))?
    };
    if data.is_empty() || data.len() > 500 * 1024 {
        return Err(DockerError::daemon(
            "rpc error: code = InvalidArgument desc = secret data must be larger than 0 and less than 500 KB",
        ));
    }
    if world.swarm.secrets.values().any(|s| s.name == name) {
        return Err(DockerError::daemon(format!(
            "rpc error: code = AlreadyExists desc = secret {name} already exists"
        )));
    }
    let mut labels = BTreeMap::new();
    for l in p.values("label") {
        let (k, v) = l.split_once('=').unwrap_or((l.as_str(), ""));
        labels.insert(k.to_string(), v.to_string());
    }
    let id = store(world, &name, data, labels);
    rec.out(id);
    rec.say(format!(
        "The secret {name} is now in the managers' Raft store, encrypted. No command prints its value back; only the tasks of services granted it (`--secret {name}`) see it, as the file /run/secrets/{name}."
    ));
    Ok(())
}

fn ls(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let mut secrets: Vec<&Secret> = world.swarm.secrets.values().collect();
    crate::sim::order::sort_by(&mut secrets, |a, b| a.name.cmp(&b.name));
    if p.bool("quiet") {
        rec.out(
            secrets
                .iter()
                .map(|s| s.id.clone())
                .collect::<Vec<_>>()
                .join("\n"),
        );
        return Ok(());
    }
    let now = world.now_ms;
    let mut rows = vec![
        ["ID", "NAME", "DRIVER", "CREATED", "UPDATED"]
            .map(String::from)
            .to_vec(),
    ];
    for s in secrets {
        let ago = format!(
            "{} ago",
            crate::sim::time::human_duration(now.saturating_sub(s.created_ms))
        );
        rows.push(vec![
            s.id.clone(),
            s.name.clone(),
            String::new(),
            ago.clone(),
            ago,
        ]);
    }
    rec.out(tabwrite(&rows));
    Ok(())
}

fn inspect(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let mut found = Vec::new();
    for r in &p.args {
        match find(world, r) {
            Some(s) => found.push(s.clone()),
            None => {
                if !found.is_empty() {
                    rec.out(render(&found));
                }
                return Err(DockerError::new(format!("Error: no such secret: {r}"), 1));
            }
        }
    }
    rec.out(render(&found));
    rec.say("inspect shows the secret's name, ID, labels and dates: never its data.");
    Ok(())
}

fn render(secrets: &[Secret]) -> String {
    let items: Vec<serde_json::Value> = secrets
        .iter()
        .map(|s| {
            let at = crate::sim::time::rfc3339(s.created_ms);
            serde_json::json!({
                "ID": s.id,
                "Version": {"Index": 11},
                "CreatedAt": at,
                "UpdatedAt": at,
                "Spec": {"Name": s.name, "Labels": s.labels},
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default()
}

fn rm(world: &mut World, p: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    for r in &p.args {
        let Some(secret) = find(world, r).cloned() else {
            return Err(DockerError::new(format!("Error: no such secret: {r}"), 1));
        };
        let users: Vec<String> = world
            .swarm
            .services
            .values()
            .filter(|svc| {
                svc.spec
                    .template
                    .container
                    .secrets
                    .iter()
                    .any(|s| s.secret_id == secret.id)
            })
            .map(|svc| svc.spec.name.clone())
            .collect();
        if !users.is_empty() {
            return Err(DockerError::daemon(format!(
                "rpc error: code = InvalidArgument desc = secret '{}' is in use by the following service: {}",
                secret.name,
                users.join(", ")
            )));
        }
        world.swarm.secrets.remove(&secret.id);
        rec.out(r.clone());
    }
    Ok(())
}

/// `--secret NAME` / `--secret source=NAME,target=FILE` → references to existing secrets (the
/// CLI looks them up before sending the spec: `secret not found: NAME`).
pub fn parse_refs(world: &World, values: &[String]) -> Result<Vec<SecretRef>, DockerError> {
    let mut refs = Vec::new();
    for v in values {
        let (mut source, mut target) = (String::new(), String::new());
        if v.contains('=') {
            for field in v.split(',') {
                match field.split_once('=') {
                    Some(("source" | "src", s)) => source = s.to_string(),
                    Some(("target", t)) => target = t.to_string(),
                    Some(("uid" | "gid" | "mode", _)) => {}
                    _ => {
                        return Err(DockerError::new(
                            format!(
                                "invalid argument \"{v}\" for \"--secret\" flag: invalid field '{field}' must be a key=value pair"
                            ),
                            125,
                        ));
                    }
                }
            }
        } else {
            source = v.clone();
        }
        if target.is_empty() {
            target = source.clone();
        }
        let Some(secret) = world.swarm.secrets.values().find(|s| s.name == source) else {
            return Err(DockerError::new(format!("secret not found: {source}"), 1));
        };
        refs.push(SecretRef {
            secret_id: secret.id.clone(),
            secret_name: secret.name.clone(),
            target,
        });
    }
    Ok(refs)
}
