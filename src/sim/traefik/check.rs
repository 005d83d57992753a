//! Scenario sentences for page 11: what Traefik routes, answered, logged and holds.
//!
//! A real operator checks these in Traefik's dashboard (routers and their services), with
//! `curl -v` (status and certificate), `docker logs` / `docker service logs` on the Traefik
//! container, and a load tool's report. Each sentence reads the same state the terminal and the
//! picture use, and changes nothing:
//! - `traefik routes whoami.localhost to whoami` / `traefik does not route whoami.localhost` —
//!   a running Traefik has an enabled router whose rule matches a GET of that host (at `/`, or
//!   at a path: `traefik routes example.com/api to api`) and whose service is named so;
//! - `traefik answered 404` — the status of the last request a Traefik handled;
//! - `traefik logged "port is missing"` — a line of any Traefik container's log (running or
//!   not: a crash loop's words count);
//! - `traefik has a certificate for app.example.com from production|staging` / `traefik has no
//!   certificate for app.example.com`;
//! - `traffic saw 502` / `traffic saw no 502` — a status among the traffic generator's failures.

use crate::sim::World;
use crate::sim::http::Request;

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum TraefikCheck {
    Routes {
        host: String,
        path: String,
        service: Option<String>,
        expect: bool,
    },
    Answered(u16),
    Logged(String),
    Certificate {
        name: String,
        /// `None`: no certificate at all is expected.
        production: Option<bool>,
    },
    TrafficSaw {
        status: u16,
        expect: bool,
    },
}

fn status(text: &str) -> Result<u16, String> {
    text.parse::<u16>()
        .ok()
        .filter(|s| (100..600).contains(s))
        .ok_or_else(|| format!("`{text}` is not an HTTP status"))
}

fn split_target(target: &str) -> (String, String) {
    match target.find('/') {
        Some(i) => (target[..i].to_string(), target[i..].to_string()),
        None => (target.to_string(), "/".to_string()),
    }
}

impl TraefikCheck {
    /// `None` when the words are not a Traefik sentence.
    pub fn parse(words: &[&str], text: &str) -> Option<Result<TraefikCheck, String>> {
        Some(match words {
            ["traefik", "routes", target, "to", service] => {
                let (host, path) = split_target(target);
                Ok(TraefikCheck::Routes {
                    host,
                    path,
                    service: Some(service.to_string()),
                    expect: true,
                })
            }
            ["traefik", "does", "not", "route", target] => {
                let (host, path) = split_target(target);
                Ok(TraefikCheck::Routes {
                    host,
                    path,
                    service: None,
                    expect: false,
                })
            }
            ["traefik", "answered", code] => status(code).map(TraefikCheck::Answered),
            ["traefik", "logged", ..] => {
                let quoted = text
                    .split_once("logged")
                    .map(|(_, rest)| rest.trim())
                    .unwrap_or_default();
                match quoted.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                    Some(inner) => Ok(TraefikCheck::Logged(inner.to_string())),
                    None => Err("the logged text must be in double quotes".to_string()),
                }
            }
            ["traefik", "has", "a", "certificate", "for", name, "from", ca] => match *ca {
                "production" | "staging" => Ok(TraefikCheck::Certificate {
                    name: name.to_ascii_lowercase(),
                    production: Some(*ca == "production"),
                }),
                other => Err(format!("`{other}` is not a CA (production or staging)")),
            },
            ["traefik", "has", "no", "certificate", "for", name] => Ok(TraefikCheck::Certificate {
                name: name.to_ascii_lowercase(),
                production: None,
            }),
            ["traffic", "saw", "no", code] => status(code).map(|status| TraefikCheck::TrafficSaw {
                status,
                expect: false,
            }),
            ["traffic", "saw", code] => status(code).map(|status| TraefikCheck::TrafficSaw {
                status,
                expect: true,
            }),
            ["traefik", ..] => Err(
                "try `traefik routes HOST to SERVICE`, `traefik does not route HOST`, `traefik answered 404`, `traefik logged \"…\"`, `traefik has a certificate for NAME from production`".to_string(),
            ),
            _ => return None,
        })
    }

    pub fn holds(&self, world: &World) -> bool {
        match self {
            TraefikCheck::Routes {
                host,
                path,
                service,
                expect,
            } => {
                let request = Request::get("http", host, 80, path).for_rule();
                // The router Traefik would pick: the matching one of highest priority.
                let routed = world.traefik.instances.values().any(|i| {
                    let dynamic = super::proxy::merged(i);
                    let best = dynamic
                        .routers
                        .values()
                        .filter(|r| {
                            r.error.is_none()
                                && super::rule::parse(&r.rule)
                                    .is_ok_and(|rule| rule.matches(&request))
                        })
                        .max_by(|a, b| a.priority.cmp(&b.priority).then(b.name.cmp(&a.name)));
                    best.is_some_and(|r| {
                        service.as_ref().is_none_or(|s| {
                            let base = r.service.split('@').next().unwrap_or(&r.service);
                            base == s || base.starts_with(&format!("{s}-"))
                        })
                    })
                });
                routed == *expect
            }
            TraefikCheck::Answered(code) => world
                .traefik
                .last
                .as_ref()
                .is_some_and(|t| t.status == *code),
            TraefikCheck::Logged(text) => traefik_logs(world).any(|l| l.contains(text.as_str())),
            TraefikCheck::Certificate { name, production } => {
                let found = world
                    .traefik
                    .instances
                    .values()
                    .find_map(|i| i.acme.as_ref()?.for_name(name).map(|c| c.directory));
                match (production, found) {
                    (None, found) => found.is_none(),
                    (Some(_), None) => false,
                    (Some(p), Some(d)) => *p == (d == super::acme::Directory::Production),
                }
            }
            TraefikCheck::TrafficSaw { status, expect } => {
                let prefix = format!("{status} ");
                let saw = world.traffic.reasons.keys().any(|r| r.starts_with(&prefix))
                    || world
                        .traffic
                        .history
                        .iter()
                        .any(|b| b.reasons.keys().any(|r| r.starts_with(&prefix)));
                saw == *expect
            }
        }
    }
}

/// Every log line of every container running a Traefik image, on every machine.
fn traefik_logs(world: &World) -> impl Iterator<Item = &str> {
    let mut hosts: Vec<&str> = vec![world.engine.hostname.as_str()];
    hosts.extend(
        world
            .swarm
            .machines
            .keys()
            .map(String::as_str)
            .filter(|h| *h != world.engine.hostname),
    );
    hosts
        .into_iter()
        .filter_map(|h| world.engine_of(h))
        .flat_map(|e| e.containers.values())
        .filter(|c| super::program::is_traefik(&c.config.image))
        .flat_map(|c| c.logs.iter().map(|l| l.text.as_str()))
}
