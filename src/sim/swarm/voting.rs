//! The Docker voting app on a swarm: where the votes physically are.
//!
//! Real app (github.com/dockersamples/example-voting-app): `vote` (a Flask page) pushes each
//! ballot onto a list in `redis`; `worker` pops them and writes them into the `votes` table of
//! `db` (postgres, its data in the named volume `db-data` at /var/lib/postgresql/data); `result`
//! (a Node page) reads the counts from postgres. In a stack the volume is `STACK_db-data`, and
//! a named volume is local to the node whose engine created it: when the db task is rescheduled
//! to another node, that node's engine creates a NEW, EMPTY volume, postgres initialises an empty
//! database, and the result page shows 0 votes while the old votes sit on the first node's disk.
//!
//! We model exactly that path. A vote (`! vote cats 5`, the learner clicking the page five
//! times) needs a running task of vote, redis, worker and db; the worker's write lands in the
//! db task's volume on ITS node (a file `votes.cats` in that engine's volume, created when the agent
//! prepared the task's container, src/sim/swarm/agent.rs). `! results` reads the page the way
//! `result` does: from whatever volume the running db task has. Nothing here moves data: that
//! the votes vanish after a reschedule falls out of the agent's volume model.
//! Simplified: one click = one vote (no per-browser cookie); a vote that cannot reach the worker
//! or the database is not queued in redis (the real list keeps it until the worker drains it),
//! the narration says it is lost; services are recognised by their images.

use super::task::TaskState;
use crate::sim::docker::image::ImageRef;
use crate::sim::{Record, World};

const VOTE_IMAGE: &str = "dockersamples/examplevotingapp_vote";
const WORKER_IMAGE: &str = "dockersamples/examplevotingapp_worker";
const RESULT_IMAGE: &str = "dockersamples/examplevotingapp_result";
/// Where postgres keeps its files (the official image's `PGDATA`).
const PGDATA: &str = "/var/lib/postgresql/data";

pub use crate::sim::input::VotingAction as Action;

/// One service of the app and where its running task is, if any.
#[derive(Clone, Debug)]
struct Part {
    name: String,
    /// The node hostname of a running task.
    host: Option<String>,
}

/// The five services of one deployment of the app.
struct App {
    vote: Part,
    redis: Option<Part>,
    worker: Option<Part>,
    db: Option<(Part, Option<String>)>,
    result: Option<Part>,
    options: (String, String),
}

fn repo_of(image: &str) -> String {
    ImageRef::parse(image).map(|r| r.repo).unwrap_or_default()
}

/// The hostname of a running task of `service_id` whose machine is on.
fn running_host(world: &World, service_id: &str) -> Option<String> {
    world
        .swarm
        .tasks
        .iter()
        .filter(|t| {
            t.service_id == service_id
                && t.state == TaskState::Running
                && t.desired_state == TaskState::Running
                && t.container_up
        })
        .filter_map(|t| t.node_id.as_ref())
        .filter_map(|n| world.swarm.nodes.get(n))
        .map(|n| n.hostname.clone())
        .find(|h| world.swarm.machines.get(h).is_some_and(|m| m.up))
}

fn find(world: &World) -> Option<App> {
    let services = &world.swarm.services;
    let vote = services
        .values()
        .find(|s| repo_of(&s.spec.template.container.image) == VOTE_IMAGE)?;
    let ns = vote.spec.labels.get(super::stack::LABEL_NAMESPACE).cloned();
    let same = |repo: &str| {
        services.values().find(|s| {
            repo_of(&s.spec.template.container.image) == repo
                && s.spec.labels.get(super::stack::LABEL_NAMESPACE) == ns.as_ref()
        })
    };
    let part = |s: &super::service::Service| Part {
        name: s.spec.name.clone(),
        host: running_host(world, &s.id),
    };
    let c = &vote.spec.template.container;
    Some(App {
        vote: part(vote),
        redis: same("redis").map(part),
        worker: same(WORKER_IMAGE).map(part),
        db: same("postgres").map(|s| {
            let volume = s
                .spec
                .template
                .container
                .mounts
                .iter()
                .find(|m| m.kind == "volume" && m.target == PGDATA && !m.source.is_empty())
                .map(|m| m.source.clone());
            (part(s), volume)
        }),
        result: same(RESULT_IMAGE).map(part),
        options: (
            c.env_value("OPTION_A").unwrap_or("Cats").to_string(),
            c.env_value("OPTION_B").unwrap_or("Dogs").to_string(),
        ),
    })
}

/// The count a votes file holds.
fn file_number(node: &crate::sim::docker::containerfs::Node) -> Option<u64> {
    match node {
        crate::sim::docker::containerfs::Node::File { content } => content.trim().parse().ok(),
        _ => None,
    }
}

fn key(option: &str) -> String {
    format!("votes.{}", option.to_lowercase())
}

/// The counts postgres holds in the volume `volume` on machine `host`.
fn counts(world: &World, host: &str, volume: &str, options: &(String, String)) -> (u64, u64) {
    let files = world
        .engine_of(host)
        .and_then(|e| e.volumes.get(volume))
        .map(|v| &v.files);
    let get = |o: &str| {
        files
            .and_then(|f| f.get(&key(o)))
            .and_then(file_number)
            .unwrap_or(0)
    };
    (get(&options.0), get(&options.1))
}

/// What the result page shows now: `(option A, count, option B, count)`, or `None` when the
/// page or its database does not answer.
pub fn tally(world: &World) -> Option<(String, u64, String, u64)> {
    let app = find(world)?;
    app.result.as_ref()?.host.as_ref()?;
    let (db, volume) = app.db.as_ref()?;
    let host = db.host.as_ref()?;
    let (a, b) = counts(world, host, volume.as_ref()?, &app.options);
    Some((app.options.0.clone(), a, app.options.1.clone(), b))
}

/// Every vote kept in any volume on machine `host`'s disk (whether a task uses it or not).
pub fn votes_on_disk(world: &World, host: &str) -> u64 {
    world
        .engine_of(host)
        .map(|e| {
            e.volumes
                .values()
                .flat_map(|v| v.files.iter())
                .filter(|(k, _)| k.starts_with("votes."))
                .filter_map(|(_, n)| file_number(n))
                .sum()
        })
        .unwrap_or(0)
}

fn where_(p: &Part) -> String {
    match &p.host {
        Some(h) => format!("{} on {h}", p.name),
        None => format!("{} (no running task)", p.name),
    }
}

/// `! vote cats 5` / `! results`.
pub fn apply(world: &mut World, action: &Action, rec: &mut Record) -> Result<(), String> {
    let app = find(world).ok_or_else(|| {
        format!(
            "no voting app is deployed (a service running {VOTE_IMAGE}); deploy the stack first"
        )
    })?;
    match action {
        Action::Results => {
            results(world, &app, rec);
            Ok(())
        }
        Action::Vote { option, count } => vote(world, &app, option, *count, rec),
    }
}

fn results(world: &World, app: &App, rec: &mut Record) {
    rec.title = "result page".into();
    let Some(result) = app.result.as_ref().filter(|r| r.host.is_some()) else {
        rec.say("The result page does not answer: its service has no running task.");
        return;
    };
    rec.touch(result.name.clone());
    match app.db.as_ref() {
        Some((db, Some(volume))) if db.host.is_some() => {
            let host = db.host.as_deref().unwrap_or_default();
            let (a, b) = counts(world, host, volume, &app.options);
            rec.touch(db.name.clone());
            rec.say(format!(
                "The result page ({}) asks postgres ({}), whose files are the volume {volume} on {host}'s disk: {} {a} — {} {b} ({} votes).",
                where_(result),
                where_(db),
                app.options.0,
                app.options.1,
                a + b
            ));
        }
        _ => rec.say(format!(
            "The result page ({}) keeps waiting for its database: postgres has no running task.",
            where_(result)
        )),
    }
}

fn vote(
    world: &mut World,
    app: &App,
    option: &str,
    count: u32,
    rec: &mut Record,
) -> Result<(), String> {
    let (a, b) = &app.options;
    let choice = match option.to_lowercase().as_str() {
        "a" => a.clone(),
        "b" => b.clone(),
        o if o == a.to_lowercase() => a.clone(),
        o if o == b.to_lowercase() => b.clone(),
        _ => {
            return Err(format!(
                "the vote page offers {a} and {b} (or a/b), not {option:?}"
            ));
        }
    };
    rec.title = format!("{count} vote(s) for {choice}");
    if app.vote.host.is_none() {
        rec.say(format!(
            "The vote page does not answer: {} has no running task, so the {count} click(s) go nowhere.",
            app.vote.name
        ));
        return Ok(());
    }
    rec.touch(app.vote.name.clone());
    let Some(redis) = app.redis.as_ref().filter(|r| r.host.is_some()) else {
        rec.say(format!(
            "The vote page ({}) cannot reach redis, so it cannot store the ballots: {count} vote(s) lost.",
            where_(&app.vote)
        ));
        return Ok(());
    };
    rec.touch(redis.name.clone());
    let worker = app.worker.as_ref().filter(|w| w.host.is_some());
    let db = app.db.as_ref().filter(|(d, _)| d.host.is_some());
    let (Some(worker), Some((db, volume))) = (worker, db) else {
        rec.say(format!(
            "The ballots reach redis ({}), but the worker or postgres has no running task, so nothing writes them to the database (Dockyard does not keep redis's queue): {count} vote(s) not counted.",
            where_(redis)
        ));
        return Ok(());
    };
    let Some(volume) = volume else {
        return Err(format!(
            "{} has no named volume at {PGDATA}; Dockyard keeps the votes only in a named volume",
            db.name
        ));
    };
    let host = db.host.clone().unwrap_or_default();
    rec.touch(worker.name.clone());
    rec.touch(db.name.clone());
    let k = key(&choice);
    let before = world
        .engine_of(&host)
        .and_then(|e| e.volumes.get(volume))
        .and_then(|v| v.files.get(&k))
        .and_then(file_number)
        .unwrap_or(0);
    let total = before + u64::from(count);
    let written = world.on_host(&host, |w| {
        // The db task's engine created the volume when it prepared the task.
        let v = w.engine.volumes.get_mut(volume)?;
        v.files.insert(
            k,
            crate::sim::docker::containerfs::Node::File {
                content: total.to_string(),
            },
        );
        Some(())
    });
    if written.flatten().is_none() {
        return Err(format!("no volume {volume} on {host}"));
    }
    let (ca, cb) = counts(world, &host, volume, &app.options);
    rec.say(format!(
        "{count} vote(s) for {choice}: the vote page ({}) pushes them onto redis ({}), the worker ({}) moves them into postgres ({}), which writes them to the volume {volume} on {host}'s disk. The database now holds {a} {ca} — {b} {cb}.",
        where_(&app.vote),
        where_(redis),
        where_(worker),
        where_(db),
    ));
    Ok(())
}

/// Scenario sentences: `result shows 7 votes`, `result shows 5 votes for cats`,
/// `node node-3 keeps 7 votes`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum VoteCheck {
    Total(u64),
    For { option: String, count: u64 },
    OnDisk { host: String, count: u64 },
}

impl VoteCheck {
    pub fn parse(words: &[&str]) -> Option<Result<VoteCheck, String>> {
        let num = |w: &str| {
            w.parse::<u64>()
                .map_err(|_| format!("`{w}` is not a number"))
        };
        Some(match words {
            ["result", "shows", n, "vote" | "votes"] => num(n).map(VoteCheck::Total),
            ["result", "shows", n, "vote" | "votes", "for", option] => {
                num(n).map(|count| VoteCheck::For {
                    option: option.to_lowercase(),
                    count,
                })
            }
            ["node", host, "keeps", n, "vote" | "votes"] => num(n).map(|count| VoteCheck::OnDisk {
                host: host.to_string(),
                count,
            }),
            _ => return None,
        })
    }

    pub fn holds(&self, world: &World) -> bool {
        match self {
            VoteCheck::Total(n) => tally(world).is_some_and(|(_, a, _, b)| a + b == *n),
            VoteCheck::For { option, count } => tally(world).is_some_and(|(oa, a, ob, b)| {
                (oa.to_lowercase() == *option && a == *count)
                    || (ob.to_lowercase() == *option && b == *count)
            }),
            VoteCheck::OnDisk { host, count } => votes_on_disk(world, host) == *count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Input;
    use crate::sim::swarm::setup;
    use crate::sim::testkit::{type_line, wait};

    const APP: &str = "services:\n  vote:\n    image: dockersamples/examplevotingapp_vote\n  redis:\n    image: redis:7\n  worker:\n    image: dockersamples/examplevotingapp_worker\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: postgres\n      POSTGRES_PASSWORD: postgres\n    volumes: [db-data:/var/lib/postgresql/data]\n    deploy:\n      placement:\n        constraints: [node.role == worker]\n  result:\n    image: dockersamples/examplevotingapp_result\nvolumes:\n  db-data: {}\n";

    fn deployed() -> World {
        let mut w = World::new(11);
        setup::form(&mut w, 1, 2);
        w.fs.write("/home/learner/app/compose.yaml", APP, false)
            .unwrap();
        type_line(&mut w, "docker stack deploy -c compose.yaml app");
        wait(&mut w, 40_000);
        w
    }

    fn db_host(w: &World) -> String {
        let app = find(w).unwrap();
        app.db.unwrap().0.host.unwrap()
    }

    #[test]
    fn actions_parse() {
        assert_eq!(
            Action::parse(&["vote", "cats", "5"]),
            Some(Ok(Action::Vote {
                option: "cats".into(),
                count: 5
            }))
        );
        assert!(Action::parse(&["vote", "cats", "0"]).unwrap().is_err());
        assert_eq!(Action::parse(&["results"]), Some(Ok(Action::Results)));
        assert!(Action::parse(&["crash", "web"]).is_none());
        assert_eq!(
            VoteCheck::parse(&["result", "shows", "0", "votes"]),
            Some(Ok(VoteCheck::Total(0)))
        );
        assert!(
            VoteCheck::parse(&["node", "node-2", "keeps", "x", "votes"])
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn votes_land_in_the_db_tasks_volume_on_its_node() {
        let mut w = deployed();
        let mut rec = Record::new(w.now_ms);
        apply(
            &mut w,
            &Action::Vote {
                option: "cats".into(),
                count: 5,
            },
            &mut rec,
        )
        .unwrap();
        apply(
            &mut w,
            &Action::Vote {
                option: "b".into(),
                count: 2,
            },
            &mut rec,
        )
        .unwrap();
        assert_eq!(tally(&w), Some(("Cats".into(), 5, "Dogs".into(), 2)));
        let host = db_host(&w);
        assert_ne!(host, "node-1", "the constraint keeps db on a worker");
        assert_eq!(votes_on_disk(&w, &host), 7);
        assert!(
            apply(
                &mut w,
                &Action::Vote {
                    option: "birds".into(),
                    count: 1
                },
                &mut rec
            )
            .is_err()
        );
    }

    #[test]
    fn the_db_rescheduled_elsewhere_starts_with_an_empty_volume() {
        let mut w = deployed();
        let mut rec = Record::new(w.now_ms);
        apply(
            &mut w,
            &Action::Vote {
                option: "cats".into(),
                count: 5,
            },
            &mut rec,
        )
        .unwrap();
        let first = db_host(&w);
        w.submit(Input::Fault(crate::sim::input::Fault::Machine {
            machine: first.clone(),
            up: false,
        }));
        wait(&mut w, 60_000);
        let second = db_host(&w);
        assert_ne!(first, second, "the db task moved to the other worker");
        // Nothing copied the data: the new node's engine made a new, empty volume.
        assert_eq!(tally(&w).map(|t| (t.1, t.3)), Some((0, 0)));
        assert_eq!(
            votes_on_disk(&w, &first),
            5,
            "the votes are still on the dead node's disk"
        );
        assert_eq!(votes_on_disk(&w, &second), 0);
    }
}
