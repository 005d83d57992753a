//! Scenario checks about networks: `network front exists`, `network back is internal`,
//! `container web is on network front`, `container web can reach api on 3000`,
//! `container web cannot reach db`.
//!
//! "Reach" means what a program in the container would get connecting by name: the embedded
//! DNS must know the name (a shared user-defined network), the packets must get through
//! (src/sim/docker/reach.rs), and a process must listen on the port (the target's serving port
//! when none is given). Pure: checks never draw from the RNG.

use super::super::world::World;
use super::reach;

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum NetCheck {
    Exists {
        network: String,
    },
    Internal {
        network: String,
    },
    OnNetwork {
        container: String,
        network: String,
    },
    Reach {
        from: String,
        to: String,
        port: Option<u16>,
        can: bool,
    },
}

impl NetCheck {
    /// `None` when the sentence is not about networks.
    pub fn parse(words: &[&str]) -> Option<Result<NetCheck, String>> {
        let port = |p: &str| p.parse::<u16>().map_err(|_| format!("`{p}` is not a port"));
        Some(match words {
            ["network", n, "exists"] => Ok(NetCheck::Exists {
                network: n.to_string(),
            }),
            ["network", n, "is", "internal"] => Ok(NetCheck::Internal {
                network: n.to_string(),
            }),
            ["container", c, "is", "on", "network", n] => Ok(NetCheck::OnNetwork {
                container: c.to_string(),
                network: n.to_string(),
            }),
            [
                "container",
                a,
                verb @ ("can" | "cannot"),
                "reach",
                b,
                rest @ ..,
            ] => {
                let port = match rest {
                    [] => None,
                    ["on", p] => match port(p) {
                        Ok(p) => Some(p),
                        Err(e) => return Some(Err(e)),
                    },
                    _ => return Some(Err("expected `on PORT` or nothing after the name".into())),
                };
                Ok(NetCheck::Reach {
                    from: a.to_string(),
                    to: b.to_string(),
                    port,
                    can: *verb == "can",
                })
            }
            _ => return None,
        })
    }

    pub fn holds(&self, world: &World) -> bool {
        let engine = &world.engine;
        match self {
            NetCheck::Exists { network } => engine.networks.contains_key(network),
            NetCheck::Internal { network } => {
                engine.networks.get(network).is_some_and(|n| n.internal)
            }
            NetCheck::OnNetwork { container, network } => engine
                .by_name(container)
                .is_some_and(|c| c.networks.contains_key(network)),
            NetCheck::Reach {
                from,
                to,
                port,
                can,
            } => {
                let (Some(a), Some(b)) = (engine.by_name(from), engine.by_name(to)) else {
                    return !can;
                };
                reach::by_name(world, &a.id, &b.id, *port).is_ok() == *can
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_parse() {
        assert_eq!(
            NetCheck::parse(&["container", "web", "can", "reach", "api", "on", "3000"]),
            Some(Ok(NetCheck::Reach {
                from: "web".into(),
                to: "api".into(),
                port: Some(3000),
                can: true
            }))
        );
        assert_eq!(
            NetCheck::parse(&["network", "back", "is", "internal"]),
            Some(Ok(NetCheck::Internal {
                network: "back".into()
            }))
        );
        assert!(matches!(
            NetCheck::parse(&["container", "web", "cannot", "reach", "db", "on", "x"]),
            Some(Err(_))
        ));
        assert_eq!(
            NetCheck::parse(&["container", "web", "is", "running"]),
            None
        );
        assert!(NetCheck::holds(
            &NetCheck::Exists {
                network: "bridge".into()
            },
            &World::new(1)
        ));
    }
}
