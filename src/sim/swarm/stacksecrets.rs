//! A stack file's `secrets:`: created by `docker stack deploy`, granted to its services, removed
//! by `docker stack rm`.
//!
//! Real Docker (docker/cli `cli/command/stack/swarm/deploy_composefile.go` `createSecrets`,
//! `cli/compose/convert/compose.go` `Secrets`, `convert/service.go` `convertServiceSecrets`): a
//! top-level secret with `file:` becomes the swarm secret `STACK_KEY` (or its `name:`), created
//! before the networks and services (`Creating secret app_db_password`); one that exists already
//! is updated, and SwarmKit refuses any change but labels (`only updates to Labels are
//! allowed`). `external: true` names a secret made beforehand (`docker secret create`); the CLI
//! looks it up (`secret not found: NAME`). A service's `secrets: [db_password]` mounts it as
//! `/run/secrets/db_password` (the key, not the scoped name) unless `target:` says otherwise.
//! `docker stack rm` removes the stack's secrets after its services (`Removing secret …`).
//!
//! What we model: `file:`, `external:`, `name:`, the short service syntax and `source:`. What we
//! simplify: `environment:` (a secret from a variable) is refused with a Dockyard message, and a
//! long-syntax `target:` is read as the key (the compose model keeps only the source name).

use std::collections::BTreeMap;

use super::service::{SecretRef, Spec};
use super::stack::LABEL_NAMESPACE;
use crate::sim::docker::compose::model::Project;
use crate::sim::docker::compose::yaml::Node;
use crate::sim::docker::error::DockerError;
use crate::sim::{Record, World};

/// Creates (or checks) the stack's secrets; returns each key's (secret ID, name).
pub fn deploy(
    world: &mut World,
    project: &Project,
    namespace: &str,
    rec: &mut Record,
) -> Result<BTreeMap<String, (String, String)>, DockerError> {
    let mut out = BTreeMap::new();
    for (key, def) in &project.secrets {
        let (name, external) = super::stack::object_name(namespace, key, def);
        if external {
            // Looked up when a service uses it (convertServiceSecrets).
            if let Some(s) = world.swarm.secrets.values().find(|s| s.name == name) {
                out.insert(key.clone(), (s.id.clone(), name));
            }
            continue;
        }
        let Some(file) = def.get("file").and_then(Node::scalar_text) else {
            return Err(DockerError::new(
                format!(
                    "dockyard: secret {key}: only `file:` and `external:` secrets are simulated (not `environment:`)"
                ),
                1,
            ));
        };
        let path = world.fs.resolve(&file);
        let data =
            world.fs.read(&path).map(str::to_string).map_err(|_| {
                DockerError::new(format!("open {path}: no such file or directory"), 1)
            })?;
        if let Some(existing) = world.swarm.secrets.values().find(|s| s.name == name) {
            if existing.data != data {
                return Err(DockerError::new(
                    format!(
                        "failed to update secret {name}: Error response from daemon: rpc error: code = InvalidArgument desc = only updates to Labels are allowed"
                    ),
                    1,
                ));
            }
            out.insert(key.clone(), (existing.id.clone(), name));
            continue;
        }
        let labels = BTreeMap::from([(LABEL_NAMESPACE.to_string(), namespace.to_string())]);
        let id = super::secrets::store(world, &name, data, labels);
        rec.out(format!("Creating secret {name}"));
        out.insert(key.clone(), (id, name));
    }
    Ok(out)
}

/// Grants each service the secrets its `secrets:` lists.
pub fn attach(
    services: &mut [(String, Spec)],
    project: &Project,
    made: &BTreeMap<String, (String, String)>,
) -> Result<(), DockerError> {
    for (compose_name, spec) in services.iter_mut() {
        let Some(svc) = project.services.get(compose_name) else {
            continue;
        };
        let mut refs = Vec::new();
        for key in &svc.secrets {
            let Some((id, name)) = made.get(key) else {
                // An external secret nobody created (the loader has already refused an
                // undefined key).
                let name = project
                    .secrets
                    .get(key)
                    .and_then(|d| d.get("name").and_then(Node::scalar_text))
                    .unwrap_or_else(|| key.clone());
                return Err(DockerError::new(format!("secret not found: {name}"), 1));
            };
            refs.push(SecretRef {
                secret_id: id.clone(),
                secret_name: name.clone(),
                target: key.clone(),
            });
        }
        spec.template.container.secrets = refs;
    }
    Ok(())
}

/// `docker stack rm`: the stack's own secrets go after its services.
pub fn remove(world: &mut World, namespace: &str, rec: &mut Record) -> bool {
    let mine: Vec<(String, String)> = world
        .swarm
        .secrets
        .values()
        .filter(|s| s.labels.get(LABEL_NAMESPACE).map(String::as_str) == Some(namespace))
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    for (id, name) in &mine {
        rec.out(format!("Removing secret {name}"));
        world.swarm.secrets.remove(id);
    }
    !mine.is_empty()
}
