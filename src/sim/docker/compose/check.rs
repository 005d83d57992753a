//! Scenario checks about a Compose project: `container app-api-1 has env LOG_LEVEL=debug`,
//! `container app-api-1 runs the current compose config`, `container app-api-1 runs an old
//! compose config`, `compose is waiting`.
//!
//! Real Compose compares a container's `com.docker.compose.config-hash` label with the hash of
//! the service in the file to decide whether `up` must recreate it; a container that `docker
//! restart` or a reboot brought back keeps its label and its old environment. These checks read
//! exactly that. Pure: they never draw from the RNG.

use super::convert;
use crate::sim::world::{Waiter, World};

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ComposeCheck {
    /// The container's environment (as `docker inspect` shows it) has `KEY=VALUE`.
    Env { container: String, entry: String },
    /// The container's config hash equals (or differs from) its service's in the file.
    CurrentConfig { container: String, current: bool },
    /// A `docker compose` command is still waiting (for a dependency, a stop…).
    Waiting,
}

impl ComposeCheck {
    /// `None` when the sentence is not about Compose.
    pub fn parse(words: &[&str]) -> Option<Result<ComposeCheck, String>> {
        Some(Ok(match words {
            ["container", c, "has", "env", entry] => {
                if !entry.contains('=') {
                    return Some(Err(format!("`{entry}` is not KEY=VALUE")));
                }
                ComposeCheck::Env {
                    container: c.to_string(),
                    entry: entry.to_string(),
                }
            }
            [
                "container",
                c,
                "runs",
                "the",
                "current",
                "compose",
                "config",
            ] => ComposeCheck::CurrentConfig {
                container: c.to_string(),
                current: true,
            },
            ["container", c, "runs", "an", "old", "compose", "config"] => {
                ComposeCheck::CurrentConfig {
                    container: c.to_string(),
                    current: false,
                }
            }
            ["compose", "is", "waiting"] => ComposeCheck::Waiting,
            _ => return None,
        }))
    }

    pub fn holds(&self, world: &World) -> bool {
        match self {
            ComposeCheck::Env { container, entry } => world
                .engine
                .by_name(container)
                .is_some_and(|c| c.config.env.iter().any(|e| e == entry)),
            ComposeCheck::CurrentConfig { container, current } => {
                let Some(c) = world.engine.by_name(container) else {
                    return false;
                };
                let Ok(loaded) = super::load(world, None, None) else {
                    return false;
                };
                let Some(service) = c
                    .config
                    .labels
                    .get(convert::SERVICE_LABEL)
                    .and_then(|s| loaded.project.services.get(s))
                else {
                    return false;
                };
                let same = c.config.labels.get(convert::HASH_LABEL)
                    == Some(&convert::config_hash(service));
                same == *current
            }
            ComposeCheck::Waiting => world
                .shell
                .waiting
                .iter()
                .any(|w| matches!(w, Waiter::Compose(_))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences() {
        assert_eq!(
            ComposeCheck::parse(&["container", "app-api-1", "has", "env", "A=1"]),
            Some(Ok(ComposeCheck::Env {
                container: "app-api-1".into(),
                entry: "A=1".into()
            }))
        );
        assert!(matches!(
            ComposeCheck::parse(&["container", "x", "has", "env", "A"]),
            Some(Err(_))
        ));
        assert_eq!(
            ComposeCheck::parse(&["container", "c", "runs", "an", "old", "compose", "config"]),
            Some(Ok(ComposeCheck::CurrentConfig {
                container: "c".into(),
                current: false
            }))
        );
        assert_eq!(ComposeCheck::parse(&["network", "x", "exists"]), None);
    }
}
