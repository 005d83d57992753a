//! Checks a scenario can state about the lab (src/sim/check.rs delegates here): `vm vm1 is
//! running` (or starting, stopped, deleted, purged), `host prod source fails`, `host ci image
//! works`.
//!
//! Real Multipass reports an instance's state in `multipass list`; we read the same state from
//! the lab's model. A check only reads the world.

use super::model::VmState;
use crate::sim::World;

/// `vm vm1 is running` (or starting, stopped, deleted, purged); `host prod source fails`,
/// `host ci image works`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum LabCheck {
    VmState {
        name: String,
        state: Option<VmState>,
    },
    AppRun {
        host: String,
        from_image: bool,
        ok: bool,
    },
}

impl LabCheck {
    /// `None` when the sentence is not about the lab.
    pub fn parse(words: &[&str]) -> Option<Result<LabCheck, String>> {
        match words {
            ["vm", name, "is", state] => Some(
                match *state {
                    "starting" => Ok(Some(VmState::Starting)),
                    "running" => Ok(Some(VmState::Running)),
                    "stopped" => Ok(Some(VmState::Stopped)),
                    "deleted" => Ok(Some(VmState::Deleted)),
                    "purged" => Ok(None),
                    other => Err(format!(
                        "`{other}` is not a VM state (starting, running, stopped, deleted, purged)"
                    )),
                }
                .map(|state| LabCheck::VmState {
                    name: name.to_string(),
                    state,
                }),
            ),
            ["host", host, how, result] if matches!(*how, "source" | "image") => {
                Some(match *result {
                    "works" | "fails" => Ok(LabCheck::AppRun {
                        host: host.to_string(),
                        from_image: *how == "image",
                        ok: *result == "works",
                    }),
                    other => Err(format!("`{other}` is not `works` or `fails`")),
                })
            }
            _ => None,
        }
    }

    pub fn holds(&self, world: &World) -> bool {
        match self {
            LabCheck::VmState { name, state } => match state {
                Some(s) => world.lab.vms.get(name).is_some_and(|vm| vm.state == *s),
                None => !world.lab.vms.contains_key(name),
            },
            LabCheck::AppRun {
                host,
                from_image,
                ok,
            } => world.lab.machines.get(host).is_some_and(|m| {
                let run = if *from_image {
                    &m.from_image
                } else {
                    &m.from_source
                };
                run.as_ref().is_some_and(|r| r.ok == *ok)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::World;
    use crate::sim::input::Input;
    use crate::sim::record::Record;
    use crate::sim::step::step;

    fn run(world: &mut World, line: &str) -> Record {
        world.submit(Input::Command(line.to_string()));
        step(world).expect("a record")
    }

    #[test]
    fn lab_checks_parse_and_hold() {
        let mut w = World::new(1);
        let check = |text: &str| LabCheck::parse(&text.split_whitespace().collect::<Vec<_>>());
        assert!(check("container web is running").is_none());
        assert!(check("vm vm1 is asleep").unwrap().is_err());
        let purged = check("vm vm1 is purged").unwrap().unwrap();
        assert!(purged.holds(&w));
        run(&mut w, "multipass launch --name vm1");
        assert!(check("vm vm1 is starting").unwrap().unwrap().holds(&w));
        w.fs.seed_project("node-app").unwrap();
        run(&mut w, "ssh prod node server.js");
        assert!(check("host prod source fails").unwrap().unwrap().holds(&w));
        assert!(!check("host prod image works").unwrap().unwrap().holds(&w));
    }
}
