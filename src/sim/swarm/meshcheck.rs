//! Scenario sentences for swarm networking and the traffic generator.
//!
//! A real operator checks these with `docker exec TASK nslookup web` on the task's node,
//! `curl http://node-3:8080/` from outside, and a load tool's report. Each sentence asks the
//! same pure decisions the terminal uses (src/sim/swarm/mesh/mod.rs, src/sim/traffic/mod.rs), so a
//! goal means what the learner would see:
//! - `name web resolves from api` / `name tasks.web resolves from api on appnet` /
//!   `name web does not resolve from lone` — the embedded DNS answer for a task of `api`;
//! - `name tasks.web resolves from api to 3 addresses`;
//! - `port 8080 answers on node-3` / `port 8080 does not answer on node-3` — a request from
//!   outside the swarm, right now (the round robin is not advanced by a check);
//! - `traffic success rate above 99%` / `traffic success rate below 90%`,
//!   `traffic had failures` / `traffic had no failures`, `traffic sent requests`.

use super::mesh::{self, Client};
use crate::sim::World;

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum MeshCheck {
    Resolves {
        name: String,
        from: String,
        network: Option<String>,
        count: Option<usize>,
        expect: bool,
    },
    Answers {
        port: u16,
        host: String,
        expect: bool,
    },
    /// Success rate in per-mille, strictly above (`true`) or below.
    SuccessRate {
        per_mille: u64,
        above: bool,
    },
    HadFailures(bool),
    SentRequests,
}

fn percent(text: &str) -> Result<u64, String> {
    let n = text
        .strip_suffix('%')
        .ok_or_else(|| format!("`{text}` is not a percentage like 99%"))?;
    let (whole, frac) = n.split_once('.').unwrap_or((n, "0"));
    let whole: u64 = whole
        .parse()
        .map_err(|_| format!("`{text}` is not a percentage"))?;
    let tenth: u64 = frac[..1.min(frac.len())]
        .parse()
        .map_err(|_| format!("`{text}` is not a percentage"))?;
    if whole > 100 {
        return Err(format!("`{text}` is over 100%"));
    }
    Ok(whole * 10 + tenth)
}

impl MeshCheck {
    pub fn parse(words: &[&str]) -> Option<Result<MeshCheck, String>> {
        let s = |w: &str| w.to_string();
        let resolves = |name: &str, from: &str, network: Option<&str>, count, expect| {
            Ok(MeshCheck::Resolves {
                name: s(name),
                from: s(from),
                network: network.map(s),
                count,
                expect,
            })
        };
        let count = |n: &str| {
            n.parse::<usize>()
                .map_err(|_| format!("`{n}` is not a number"))
        };
        Some(match words {
            ["name", name, "resolves", "from", from] => resolves(name, from, None, None, true),
            ["name", name, "resolves", "from", from, "on", net] => {
                resolves(name, from, Some(net), None, true)
            }
            ["name", name, "resolves", "from", from, "to", n, "address" | "addresses"] => {
                count(n).and_then(|c| resolves(name, from, None, Some(c), true))
            }
            ["name", name, "does", "not", "resolve", "from", from] => {
                resolves(name, from, None, None, false)
            }
            ["name", name, "does", "not", "resolve", "from", from, "on", net] => {
                resolves(name, from, Some(net), None, false)
            }
            ["port", port, "answers", "on", host] | ["port", port, "does", "not", "answer", "on", host] => {
                match port.parse::<u16>() {
                    Ok(port) => Ok(MeshCheck::Answers {
                        port,
                        host: s(host),
                        expect: words[2] == "answers",
                    }),
                    Err(_) => Err(format!("`{port}` is not a port")),
                }
            }
            ["traffic", "success", "rate", dir @ ("above" | "below"), pct] => {
                percent(pct).map(|per_mille| MeshCheck::SuccessRate {
                    per_mille,
                    above: *dir == "above",
                })
            }
            ["traffic", "had", "failures"] => Ok(MeshCheck::HadFailures(true)),
            ["traffic", "had", "no", "failures"] => Ok(MeshCheck::HadFailures(false)),
            ["traffic", "sent", "requests"] => Ok(MeshCheck::SentRequests),
            ["name", ..] | ["traffic", ..] => Err(
                "try `name web resolves from api [on NET]`, `name web does not resolve from api`, `traffic success rate above 99%`, `traffic had failures`".to_string(),
            ),
            _ => return None,
        })
    }

    pub fn holds(&self, world: &World) -> bool {
        match self {
            MeshCheck::Resolves {
                name,
                from,
                network,
                count,
                expect,
            } => {
                let answer = mesh::resolve(world, from, network.as_deref(), name);
                let ok = match (&answer, count) {
                    (Ok(r), Some(c)) => r.addresses.len() == *c,
                    (Ok(r), None) => !r.addresses.is_empty(),
                    (Err(_), _) => false,
                };
                ok == *expect
            }
            MeshCheck::Answers { port, host, expect } => {
                mesh::request(world, &Client::Outside, host, *port)
                    .outcome
                    .is_ok()
                    == *expect
            }
            MeshCheck::SuccessRate { per_mille, above } => {
                match crate::sim::traffic::success_per_mille(world) {
                    None => false,
                    Some(rate) if *above => rate > *per_mille,
                    Some(rate) => rate < *per_mille,
                }
            }
            MeshCheck::HadFailures(expect) => {
                world.traffic.sent > 0 && (world.traffic.failed > 0) == *expect
            }
            MeshCheck::SentRequests => world.traffic.sent > 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<Result<MeshCheck, String>> {
        MeshCheck::parse(&text.split_whitespace().collect::<Vec<_>>())
    }

    #[test]
    fn sentences_parse() {
        assert_eq!(
            parse("name web resolves from api on appnet"),
            Some(Ok(MeshCheck::Resolves {
                name: "web".into(),
                from: "api".into(),
                network: Some("appnet".into()),
                count: None,
                expect: true
            }))
        );
        assert!(matches!(
            parse("name tasks.web resolves from api to 3 addresses"),
            Some(Ok(MeshCheck::Resolves { count: Some(3), .. }))
        ));
        assert!(matches!(
            parse("name web does not resolve from lone"),
            Some(Ok(MeshCheck::Resolves { expect: false, .. }))
        ));
        assert_eq!(
            parse("port 8080 does not answer on node-3"),
            Some(Ok(MeshCheck::Answers {
                port: 8080,
                host: "node-3".into(),
                expect: false
            }))
        );
        assert_eq!(
            parse("traffic success rate above 99.5%"),
            Some(Ok(MeshCheck::SuccessRate {
                per_mille: 995,
                above: true
            }))
        );
        assert_eq!(
            parse("traffic had failures"),
            Some(Ok(MeshCheck::HadFailures(true)))
        );
        assert!(parse("traffic success rate above lots").unwrap().is_err());
        assert!(parse("traffic blah").unwrap().is_err());
        assert_eq!(parse("service web running 3/3"), None);
    }

    #[test]
    fn no_traffic_means_no_rate() {
        let w = World::new(1);
        assert!(
            !MeshCheck::SuccessRate {
                per_mille: 0,
                above: true
            }
            .holds(&w)
        );
        assert!(!MeshCheck::HadFailures(false).holds(&w));
    }
}
