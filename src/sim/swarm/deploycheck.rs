//! Scenario sentences for deployment strategies: which version each slot runs, how many tasks a
//! service has used up, and where a rolling update stands.
//!
//! A real operator reads these off `docker service ps` (one row per slot, its current task's
//! IMAGE, then the history rows `\_ web.1` with `Failed` / `Shutdown`) and `docker service
//! inspect` (`UpdateStatus`). Each sentence reads the simulated store the way those commands do:
//! - `service web has 2 slots on dockyard/web:2.0` — slots whose current task (desired
//!   `running`, or `ready` while a restart waits) was made from a template with that image: a
//!   half-done update shows two images.
//! - `service crashy has 3 failed tasks` — tasks of the service whose last state is `failed`
//!   (what `docker service ps` lists as `Failed`, history included; the reaper keeps 5 per slot).
//! - `service crashy has 3 tasks` — every task `docker service ps` lists.
//!
//! Simplified: a global service's "slots" are its nodes.

use super::task::TaskState;
use crate::sim::World;
use crate::sim::order::CollectOrdered;

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum DeployCheck {
    /// `service web has 2 slots on dockyard/web:2.0`
    SlotsOn {
        service: String,
        count: u64,
        image: String,
    },
    /// `service crashy has 3 failed tasks`
    FailedTasks { service: String, count: u64 },
    /// `service crashy has 3 tasks`
    Tasks { service: String, count: u64 },
    /// `service api had a task OOM-killed`: one of its tasks failed because the kernel killed
    /// it at its memory limit (`task: non-zero exit (137): OOMKilled`).
    OomKilled { service: String },
}

impl DeployCheck {
    pub fn parse(words: &[&str]) -> Option<Result<DeployCheck, String>> {
        let number = |w: &str| {
            w.parse::<u64>()
                .map_err(|_| format!("`{w}` is not a number"))
        };
        let s = |w: &str| w.to_string();
        Some(match words {
            ["service", name, "has", n, "slot" | "slots", "on", image] => {
                number(n).map(|count| DeployCheck::SlotsOn {
                    service: s(name),
                    count,
                    image: s(image),
                })
            }
            ["service", name, "has", n, "failed", "task" | "tasks"] => {
                number(n).map(|count| DeployCheck::FailedTasks {
                    service: s(name),
                    count,
                })
            }
            ["service", name, "had", "a", "task", "OOM-killed"] => {
                Ok(DeployCheck::OomKilled { service: s(name) })
            }
            ["service", name, "has", n, "task" | "tasks"] => {
                number(n).map(|count| DeployCheck::Tasks {
                    service: s(name),
                    count,
                })
            }
            _ => return None,
        })
    }

    pub fn holds(&self, world: &World) -> bool {
        let swarm = &world.swarm;
        let find = |name: &str| swarm.services.values().find(|s| s.spec.name == name);
        match self {
            DeployCheck::SlotsOn {
                service,
                count,
                image,
            } => find(service).is_some_and(|svc| {
                let slots: std::collections::BTreeSet<(u64, String)> = swarm
                    .tasks
                    .iter()
                    .filter(|t| {
                        t.service_id == svc.id && t.desired_state <= TaskState::Running && {
                            // Written with or without the digest a manager pinned.
                            let spec_image = &svc.template_of(t.spec_version).container.image;
                            *spec_image == *image
                                || crate::sim::docker::registry::without_digest(spec_image)
                                    == *image
                        }
                    })
                    .map(|t| (t.slot.unwrap_or(0), t.node_id.clone().unwrap_or_default()))
                    .collect_set();
                slots.len() as u64 == *count
            }),
            DeployCheck::FailedTasks { service, count } => find(service).is_some_and(|svc| {
                swarm
                    .tasks
                    .iter()
                    .filter(|t| t.service_id == svc.id && t.state == TaskState::Failed)
                    .count() as u64
                    == *count
            }),
            DeployCheck::OomKilled { service } => find(service).is_some_and(|svc| {
                swarm.tasks.iter().any(|t| {
                    t.service_id == svc.id
                        && t.state == TaskState::Failed
                        && t.error.contains("OOMKilled")
                })
            }),
            DeployCheck::Tasks { service, count } => find(service).is_some_and(|svc| {
                swarm
                    .tasks
                    .iter()
                    .filter(|t| t.service_id == svc.id)
                    .count() as u64
                    == *count
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<Result<DeployCheck, String>> {
        let words: Vec<&str> = text.split_whitespace().collect();
        DeployCheck::parse(&words)
    }

    #[test]
    fn sentences_parse() {
        assert_eq!(
            parse("service web has 2 slots on dockyard/web:2.0"),
            Some(Ok(DeployCheck::SlotsOn {
                service: "web".into(),
                count: 2,
                image: "dockyard/web:2.0".into()
            }))
        );
        assert_eq!(
            parse("service web has 1 slot on dockyard/web:2.1"),
            Some(Ok(DeployCheck::SlotsOn {
                service: "web".into(),
                count: 1,
                image: "dockyard/web:2.1".into()
            }))
        );
        assert_eq!(
            parse("service crashy has 3 failed tasks"),
            Some(Ok(DeployCheck::FailedTasks {
                service: "crashy".into(),
                count: 3
            }))
        );
        assert_eq!(
            parse("service crashy has 1 task"),
            Some(Ok(DeployCheck::Tasks {
                service: "crashy".into(),
                count: 1
            }))
        );
        assert!(parse("service web has many tasks").unwrap().is_err());
        assert_eq!(parse("service web running 3/3"), None);
    }
}
