//! A traffic generator: clients sending requests to a published port at a steady rate, so
//! "zero downtime" is measured rather than claimed.
//!
//! Real life: load tools (`hey`, `wrk`, `k6`) or real users send requests continuously; every
//! request is answered or fails (connection refused, timed out, reset), and a dashboard charts
//! requests per second and the success rate. During a `stop-first` update of a one-replica
//! service there is a moment with no task: requests fail. With `start-first` the new task runs
//! before the old one stops: none do.
//!
//! Here: `! traffic start node-1:8080 20/s` starts clients outside the swarm sending 20
//! requests per second to node-1's port 8080; `! traffic stop` stops them. Requests are
//! evaluated in one-second buckets on their own agenda event (`Event::TrafficTick`): at each
//! tick, every request of the bucket asks src/sim/swarm/mesh/mod.rs what would become of it at that
//! moment (round robin advancing as IPVS would), and only the counts (answered, failed, by
//! reason) are kept, for the last 600 s. A tick makes a step of the timeline only when the
//! picture changes (requests start failing, or all succeed again), never one per request.
//! Simplified: all requests of a bucket see the same instant; a tick is only scheduled while
//! something else is still to happen later (a `wait`, a task starting), so a quiet simulation
//! still ends: traffic flows while simulated time passes.

use super::agenda::Class;
use super::event::Event;
use super::swarm::mesh::{self, Client};
use super::time::{Millis, SECOND_MS};
use super::{Record, World};
use std::collections::BTreeMap;
use std::rc::Rc;

pub mod model;

pub use crate::sim::input::{MAX_RATE_PER_S, TrafficAction as Action};
pub use model::{BUCKET_MS, Bucket, Generator, HISTORY_BUCKETS, Point, Traffic};

/// The history as chart points (oldest first).
pub fn series(world: &World) -> Vec<Point> {
    world
        .traffic
        .history
        .iter()
        .map(|b| {
            let total = b.ok + b.failed;
            Point {
                t_ms: b.t_ms,
                requests_per_s: (u64::from(total) * SECOND_MS / BUCKET_MS) as u32,
                success_percent: if total == 0 {
                    100.0
                } else {
                    f64::from(b.ok) * 100.0 / f64::from(total)
                },
            }
        })
        .collect()
}

/// Success rate since the last start, in per-mille; `None` before the first request.
pub fn success_per_mille(world: &World) -> Option<u64> {
    let t = &world.traffic;
    (t.sent > 0).then(|| t.ok * 1000 / t.sent)
}

/// `! traffic start|stop`.
pub fn apply(world: &mut World, action: &Action, rec: &mut Record) -> Result<(), String> {
    match action {
        Action::Start {
            host: name,
            port,
            rate_per_s,
            url,
        } => {
            // A URL's name is looked up the way a client outside would (public DNS), or is a
            // lab machine; `*.localhost` is the learner's own machine.
            let host = if world.swarm.machines.contains_key(name) {
                name.clone()
            } else if name.ends_with(".localhost") || name == "localhost" {
                world.here().to_string()
            } else {
                crate::sim::traefik::model::resolve_public(&world.traefik.dns, name)
                    .ok_or_else(|| format!("no machine {name} in this lab"))?
            };
            let host = &host;
            if !world.swarm.machines.contains_key(host) {
                return Err(format!("no machine {host} in this lab"));
            }
            let now = world.now_ms;
            world.traffic = Traffic {
                generator: Some(Generator {
                    host: host.clone(),
                    port: *port,
                    url: url
                        .as_ref()
                        .map(|(scheme, path)| (scheme.clone(), name.clone(), path.clone())),
                    rate_per_s: *rate_per_s,
                    started_ms: now,
                }),
                next_bucket_ms: now + BUCKET_MS,
                ..Traffic::default()
            };
            rec.title = format!("traffic: {rate_per_s}/s to {host}:{port}");
            rec.touch(host.clone());
            rec.say(format!(
                "Clients outside the swarm start sending {rate_per_s} requests per second to {host}:{port}. Each second, the chart counts how many were answered and why the others failed. Traffic flows while simulated time passes (wait, or step forward)."
            ));
            Ok(())
        }
        Action::Stop => {
            let Some(g) = world.traffic.generator.take() else {
                return Err("no traffic is running".to_string());
            };
            world.agenda.cancel(|e| matches!(e, Event::TrafficTick));
            let t = &world.traffic;
            rec.title = "traffic stops".to_string();
            rec.say(format!(
                "The clients stop. To {}:{}: {} requests, {} answered, {} failed{}.",
                g.host,
                g.port,
                t.sent,
                t.ok,
                t.failed,
                if t.reasons.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({})",
                        t.reasons
                            .iter()
                            .map(|(r, n)| format!("{n}× {r}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ));
            Ok(())
        }
    }
}

/// Something other than the swarm's timers and traffic is due after `t_ms`.
fn later_work(world: &World, t_ms: Millis) -> bool {
    world
        .agenda
        .iter()
        .any(|(k, e)| k.due_ms > t_ms && !matches!(e, Event::TrafficTick | Event::SwarmTick))
}

fn schedule(world: &mut World) {
    let at = world.traffic.next_bucket_ms.max(world.now_ms);
    if later_work(world, at) {
        world.agenda.schedule(at, Class::Event, Event::TrafficTick);
    }
}

/// Before each step: while traffic runs and time is going to pass, keep a tick on the agenda.
pub fn resume(world: &mut World) {
    if world.traffic.generator.is_some() && !world.agenda.any(|e| matches!(e, Event::TrafficTick)) {
        schedule(world);
    }
}

/// `Event::TrafficTick`: evaluate the buckets due by now. A step only when the outcome flips.
pub fn on_tick(world: &mut World, rec: &mut Record) -> bool {
    let Some(g) = world.traffic.generator.clone() else {
        return false;
    };
    let was_failing = world.traffic.history.last().is_some_and(|b| b.failed > 0);
    let mut evaluated = 0;
    while world.traffic.next_bucket_ms <= world.now_ms && evaluated < HISTORY_BUCKETS {
        let t_ms = world.traffic.next_bucket_ms;
        evaluate(world, &g, t_ms);
        world.traffic.next_bucket_ms += BUCKET_MS;
        evaluated += 1;
    }
    if world.traffic.next_bucket_ms <= world.now_ms {
        // A long quiet gap: skip to now rather than replay it.
        world.traffic.next_bucket_ms = world.now_ms + BUCKET_MS;
    }
    schedule(world);
    let Some(last) = world.traffic.history.last().cloned() else {
        return false;
    };
    let failing = last.failed > 0;
    if failing == was_failing {
        return false;
    }
    rec.touch(g.host.clone());
    if failing {
        let reasons = last
            .reasons
            .iter()
            .map(|(r, n)| format!("{n}× {r}"))
            .collect::<Vec<_>>()
            .join(", ");
        rec.title = format!(
            "traffic: {} of {} requests fail",
            last.failed,
            last.ok + last.failed
        );
        rec.say(format!(
            "Requests to {}:{} start failing: {reasons}.",
            g.host, g.port
        ));
    } else {
        rec.title = "traffic: every request answered".to_string();
        rec.say(format!(
            "Every request to {}:{} is answered again ({} in the last second).",
            g.host, g.port, last.ok
        ));
    }
    true
}

/// The Traefik a route's answering task runs, if any: (machine, container, port).
fn traefik_of(
    world: &World,
    route: &mesh::Route,
) -> Option<(String, crate::sim::ids::ContainerId, u16)> {
    let answer = route.outcome.as_ref().ok()?;
    let task = world.swarm.tasks.iter().find(|t| t.id == answer.task_id)?;
    let id = task.container.clone()?;
    crate::sim::traefik::proxy::instance(world, &answer.task_host, &id)?;
    Some((answer.task_host.clone(), id, answer.target_port))
}

/// One bucket of requests that a Traefik answers: each request goes through its routers (its
/// round robin, its view of the swarm), and is counted by status.
fn evaluate_proxied(world: &mut World, g: &Generator, bucket: &mut Bucket, per_bucket: u64) {
    let (mut answered_by, mut reasons, mut by_class) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let (scheme, vhost, path) = g
        .url
        .clone()
        .unwrap_or_else(|| ("http".into(), g.host.clone(), "/".into()));
    for _ in 0..per_bucket {
        let route = mesh::request(world, &Client::Outside, &g.host, g.port);
        mesh::advance(world, &route);
        let Some((host, id, port)) = traefik_of(world, &route) else {
            match &route.outcome {
                Ok(answer) => {
                    bucket.ok += 1;
                    *answered_by.entry(answer.task_name.clone()).or_insert(0) += 1;
                    *by_class.entry("2xx".to_string()).or_insert(0) += 1;
                }
                Err(f) => {
                    bucket.failed += 1;
                    *reasons.entry(f.reason()).or_insert(0) += 1;
                }
            }
            continue;
        };
        let mut request = crate::sim::http::Request::get(&scheme, &vhost, g.port, &path);
        request.client_ip = "203.0.113.7".into();
        request
            .headers
            .push(("User-Agent".into(), "hey/0.0.1".into()));
        let mut quiet = Record::new(world.now_ms);
        let response =
            crate::sim::traefik::proxy::handle(world, &host, &id, port, &request, &mut quiet);
        let status = response.map_or(502, |r| r.status);
        *by_class
            .entry(crate::sim::http::class(status).to_string())
            .or_insert(0) += 1;
        if status < 400 {
            bucket.ok += 1;
            let server = world
                .traefik
                .last
                .as_ref()
                .and_then(|t| t.server.clone())
                .unwrap_or_else(|| "traefik".into());
            *answered_by.entry(server).or_insert(0) += 1;
        } else {
            bucket.failed += 1;
            *reasons
                .entry(format!("{status} {}", crate::sim::http::reason(status)))
                .or_insert(0) += 1;
        }
    }
    bucket.answered_by = Rc::new(answered_by);
    bucket.reasons = Rc::new(reasons);
    bucket.by_class = Rc::new(by_class);
}

/// One bucket: each request asks the mesh for its fate now.
fn evaluate(world: &mut World, g: &Generator, t_ms: Millis) {
    let mut bucket = Bucket {
        t_ms,
        ..Bucket::default()
    };
    let probe = mesh::request(world, &Client::Outside, &g.host, g.port);
    if g.url.is_some() || traefik_of(world, &probe).is_some() {
        let per_bucket = (u64::from(g.rate_per_s) * BUCKET_MS / SECOND_MS).max(1);
        evaluate_proxied(world, g, &mut bucket, per_bucket);
        record(world, bucket);
        return;
    }
    let per_bucket = (u64::from(g.rate_per_s) * BUCKET_MS / SECOND_MS).max(1);
    // Within a bucket nothing changes but the round robin, which repeats every `period`
    // requests: ask the mesh for one turn of it, then count the rest in whole turns.
    let mut routes: Vec<mesh::Route> = Vec::new();
    let mut asked = 0u64;
    while asked < per_bucket {
        let route = mesh::request(world, &Client::Outside, &g.host, g.port);
        mesh::advance(world, &route);
        asked += 1;
        let period = route.period.max(1);
        routes.push(route);
        if routes.len() as u64 >= period {
            break;
        }
    }
    let rest = per_bucket - asked;
    let turn = routes.len() as u64;
    let (mut answered_by, mut reasons) = (BTreeMap::new(), BTreeMap::new());
    for (i, route) in routes.iter().enumerate() {
        // This position's share of the remaining requests, in round-robin order.
        let extra = rest / turn + u64::from((i as u64) < rest % turn);
        let n = (1 + extra) as u32;
        match &route.outcome {
            Ok(answer) => {
                bucket.ok += n;
                *answered_by.entry(answer.task_name.clone()).or_insert(0) += n;
            }
            Err(f) => {
                bucket.failed += n;
                *reasons.entry(f.reason()).or_insert(0) += n;
            }
        }
    }
    bucket.answered_by = Rc::new(answered_by);
    bucket.reasons = Rc::new(reasons);
    if let Some(last) = routes.last() {
        mesh::advance_by(world, last, rest);
    }
    record(world, bucket);
}

/// Adds a bucket to the history and the totals.
fn record(world: &mut World, bucket: Bucket) {
    let t = &mut world.traffic;
    t.sent += u64::from(bucket.ok + bucket.failed);
    t.ok += u64::from(bucket.ok);
    t.failed += u64::from(bucket.failed);
    for (r, n) in bucket.reasons.iter() {
        *t.reasons.entry(r.clone()).or_insert(0) += u64::from(*n);
    }
    t.history.push(bucket);
    if t.history.len() > HISTORY_BUCKETS {
        let extra = t.history.len() - HISTORY_BUCKETS;
        t.history.drain(..extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Input;
    use crate::sim::input::Fault;

    fn submit(w: &mut World, input: Input) -> Record {
        w.submit(input);
        crate::sim::step(w).unwrap()
    }

    #[test]
    fn parse_lines() {
        let p = |s: &str| Action::parse(&s.split_whitespace().collect::<Vec<_>>());
        assert_eq!(
            p("traffic start node-1:8080 20/s"),
            Some(Ok(Action::Start {
                host: "node-1".into(),
                port: 8080,
                rate_per_s: 20,
                url: None,
            }))
        );
        assert_eq!(
            p("traffic start https://app.example.com/api 5/s"),
            Some(Ok(Action::Start {
                host: "app.example.com".into(),
                port: 443,
                rate_per_s: 5,
                url: Some(("https".into(), "/api".into())),
            }))
        );
        assert_eq!(p("traffic stop"), Some(Ok(Action::Stop)));
        assert!(p("traffic start node-1").unwrap().is_err());
        assert!(p("traffic start node-1:8080 0/s").unwrap().is_err());
        assert_eq!(p("crash web"), None);
        assert_eq!(
            Fault::parse("traffic start node-2:80 5/s").map(|f| f.describe()),
            Ok("traffic start node-2:80 5/s".to_string())
        );
    }

    #[test]
    fn buckets_count_and_the_simulation_still_ends() {
        let mut w = World::new(9);
        crate::sim::swarm::setup::form(&mut w, 1, 2);
        submit(
            &mut w,
            Input::Command(
                "docker service create -d --name web --replicas 2 -p 8080:80 nginx".into(),
            ),
        );
        while crate::sim::step(&mut w).is_some() {}
        let r = submit(
            &mut w,
            Input::Fault(Fault::parse("traffic start node-3:8080 20/s").unwrap()),
        );
        assert!(!r.error);
        submit(
            &mut w,
            Input::Advance {
                duration_ms: 10_000,
            },
        );
        let mut steps = 0;
        while crate::sim::step(&mut w).is_some() {
            steps += 1;
            assert!(steps < 100, "the timeline must end");
        }
        let s = series(&w);
        assert!(s.len() >= 9 && s.len() <= 10, "{}", s.len());
        assert!(
            s.iter()
                .all(|p| p.requests_per_s == 20 && p.success_percent == 100.0)
        );
        assert_eq!(success_per_mille(&w), Some(1000));
        // Both tasks answered, in turn: 10 each per second, and IPVS moved 20 places.
        let shares: Vec<u32> = w.traffic.history[0].answered_by.values().copied().collect();
        assert_eq!(shares, vec![10, 10]);
        let turned: u64 = w.swarm.overlay.rr.values().sum();
        assert_eq!(turned, w.traffic.sent);
        // node-3 dies: requests to it fail, with the reason.
        submit(&mut w, Input::Fault(Fault::parse("kill node-3").unwrap()));
        submit(&mut w, Input::Advance { duration_ms: 3_000 });
        while crate::sim::step(&mut w).is_some() {}
        assert!(
            w.traffic.reasons.contains_key("node-3 is off"),
            "{:?}",
            w.traffic.reasons
        );
        let r = submit(&mut w, Input::Fault(Fault::parse("traffic stop").unwrap()));
        assert!(r.narration.join(" ").contains("failed"));
        assert!(w.traffic.generator.is_none());
    }

    #[test]
    fn history_is_bounded() {
        let mut w = World::new(1);
        crate::sim::swarm::setup::form(&mut w, 1, 0);
        submit(
            &mut w,
            Input::Fault(Fault::parse("traffic start node-1:8080 1/s").unwrap()),
        );
        submit(
            &mut w,
            Input::Advance {
                duration_ms: 700_000,
            },
        );
        while crate::sim::step(&mut w).is_some() {}
        assert_eq!(w.traffic.history.len(), HISTORY_BUCKETS);
        assert!(w.traffic.failed > 600);
    }
}
