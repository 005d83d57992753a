//! `docker network create|ls|inspect|rm|prune|connect|disconnect`: the CLI side of networks.
//!
//! Real Docker (docker/cli `cli/command/network/*.go`, moby `daemon/network.go`): `create`
//! prints the new network's ID; `ls` prints `NETWORK ID  NAME  DRIVER  SCOPE` sorted by name;
//! `inspect` prints a JSON array (`[]` plus the error for a missing one, exit 1); `rm` prints
//! each name it removed; `prune` asks for confirmation (`-f` skips it), then lists
//! `Deleted Networks:`; `connect`/`disconnect` print nothing. Drivers other than `bridge` need
//! a swarm (`overlay`) or a plugin.
//!
//! What we model: all of that with the daemon's words. What we simplify: the terminal has no
//! stdin, so the prune prompt reads an empty answer; `--opt`, `--gateway`, `--ip-range`,
//! `--ipv6`, `--ip`, `--link`, `ls` filters and `--format` are refused as not simulated.

pub mod model;

pub use model::{NetworkCommand, build, parse_expose};

use super::super::record::Record;
use super::super::world::World;
use super::error::DockerError;
use super::{network, output};

/// Long because it is one arm per `docker network` subcommand.
pub fn run(
    world: &mut World,
    command: NetworkCommand,
    rec: &mut Record,
) -> Result<(), DockerError> {
    match command {
        NetworkCommand::Create {
            name,
            driver,
            internal,
            attachable,
            subnet,
            labels,
        } => {
            match driver.as_str() {
                "bridge" => {}
                "overlay" => {
                    // moby `daemon/cluster` errNoSwarm.
                    return Err(DockerError::daemon(
                        "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.",
                    ));
                }
                "host" | "null" => {
                    return Err(DockerError::daemon(format!(
                        "only one instance of \"{driver}\" network is allowed"
                    )));
                }
                other => {
                    return Err(DockerError::daemon(format!(
                        "could not find plugin {other} in v1 plugin registry: plugin not found"
                    )));
                }
            }
            let labels = super::cli::parse_labels(&labels);
            let id = network::create(
                world,
                &name,
                internal,
                attachable,
                subnet.as_deref(),
                labels,
            )?;
            rec.touch(format!("network:{name}"));
            rec.out(id);
            let n = &world.engine.networks[&name];
            let subnet = n.subnet.map(|s| s.text()).unwrap_or_default();
            let gateway = n.subnet.map(|s| s.gateway()).unwrap_or_default();
            rec.say(format!(
                "The daemon made a new bridge, {name}, with the subnet {subnet}; the host's side of it is the gateway {gateway}. Containers on it can find each other by name: a user-defined network has Docker's embedded DNS server at 127.0.0.11."
            ));
            if internal {
                rec.say(format!(
                    "--internal: {name} gets no route out of the host and its DNS does not forward outside names. Its containers can only talk to each other."
                ));
            }
            Ok(())
        }
        NetworkCommand::Ls { quiet } => {
            rec.out(network::ls(world, quiet));
            Ok(())
        }
        NetworkCommand::Inspect { names, format } => {
            let mut values = Vec::new();
            let mut errors = Vec::new();
            for name in &names {
                match network::find(world, name) {
                    Some(n) => {
                        values.push(network::inspect_json(world, n));
                        rec.touch(format!("network:{}", n.name));
                    }
                    None => errors.push(network::not_found(name).message),
                }
            }
            match &format {
                Some(template) => {
                    for v in &values {
                        rec.out(
                            output::inspect_format(v, template)
                                .map_err(|e| DockerError::new(e, 1))?,
                        );
                    }
                }
                None => rec.out(output::inspect_text(&values)),
            }
            if !values.is_empty() {
                rec.say("Containers lists the running containers plugged into the network, with the address each got there; a stopped container keeps its attachment but gives its address back.");
            }
            for e in &errors {
                rec.err(e.clone());
            }
            rec.error = !errors.is_empty();
            Ok(())
        }
        NetworkCommand::Rm { names, force } => {
            let mut errors = Vec::new();
            for name in &names {
                match network::rm(world, name) {
                    Ok(()) => {
                        rec.out(name.clone());
                        rec.say(format!("The network {name} is gone."));
                    }
                    // docker/cli `network rm -f`: a missing network is not an error.
                    Err(_) if force && network::find(world, name).is_none() => {}
                    Err(e) => {
                        if e.message.contains("active endpoints") {
                            rec.say(format!(
                                "Running containers are still plugged into {name}: stop them or `docker network disconnect` them first."
                            ));
                        }
                        errors.push(e.message);
                    }
                }
            }
            if errors.is_empty() {
                Ok(())
            } else if errors.len() == names.len() {
                Err(DockerError::new(errors.join("\n"), 1).keeping_state())
            } else {
                for e in errors {
                    rec.err(e);
                }
                rec.error = true;
                Ok(())
            }
        }
        NetworkCommand::Prune { force } => {
            if !force {
                rec.out("WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ");
                rec.say("The CLI asks for confirmation and this terminal has no keyboard input for it: the empty answer means no, so nothing is deleted. Add -f to confirm up front.");
                return Ok(());
            }
            let deleted = network::prune(world);
            if !deleted.is_empty() {
                let mut text = String::from("Deleted Networks:");
                for name in &deleted {
                    text.push('\n');
                    text.push_str(name);
                }
                text.push('\n');
                rec.out(text);
            }
            rec.say("Prune removes the user-defined networks no running container uses; bridge, host and none always stay.");
            Ok(())
        }
        NetworkCommand::Connect {
            network: reference,
            container,
            aliases,
        } => {
            let id = world.engine.resolve(&container)?;
            let name = network::connect(world, &reference, &id, &aliases)?;
            let c = &world.engine.containers[&id];
            rec.touch(c.name.clone());
            rec.touch(format!("network:{name}"));
            let ip = c.networks[&name].ip_address.clone();
            rec.say(match ip {
                Some(ip) => format!(
                    "{} now has a second network card: {ip} on {name}. It is on {} network(s) at once and can reach containers on each.",
                    c.name,
                    c.networks.len()
                ),
                None => format!(
                    "{} is attached to {name}; it gets an address there when it starts.",
                    c.name
                ),
            });
            Ok(())
        }
        NetworkCommand::Disconnect {
            network: reference,
            container,
        } => {
            let id = world.engine.resolve(&container)?;
            let name = network::disconnect(world, &reference, &id)?;
            let c = &world.engine.containers[&id];
            rec.touch(c.name.clone());
            rec.touch(format!("network:{name}"));
            rec.say(format!(
                "{} is unplugged from {name}: containers there can no longer reach it, nor resolve its name.",
                c.name
            ));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expose_takes_ports_protocols_and_ranges() {
        assert_eq!(
            parse_expose(&["3000".into(), "80/tcp".into(), "7000-7002".into()]).unwrap(),
            vec![3000, 80, 7000, 7001, 7002]
        );
        assert!(
            parse_expose(&["web".into()])
                .unwrap_err()
                .starts_with("invalid range format for --expose: web")
        );
    }

    #[test]
    fn unsimulated_flags_are_named() {
        let flags = vec![("gateway", "172.30.0.1".to_string())];
        assert_eq!(
            build("network create", &flags, vec!["x".into()]).unwrap_err(),
            "--gateway"
        );
    }
}
