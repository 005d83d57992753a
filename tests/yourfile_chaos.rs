//! "Your file": real files come up (generic builds where their folders are missing) and get a
//! seeded chaos verdict without a panic; the verdict's inputs replay to the same world; a few
//! verdicts are pinned (a restart policy after a reboot, data on a node-local or anonymous volume
//! in a swarm, requests failing while a service is down).
//!
//! Cost: the 41 real files (39 awesome-compose, the voting app's compose and stack files) each
//! come up, run their whole chaos sequence and replay it once: a few seconds in debug.

use dockyard::sim::World;
use dockyard::sim::docker::compose::convert::{PROJECT_LABEL, SERVICE_LABEL};
use dockyard::sim::docker::container::Status;
use dockyard::sim::yourfile::bringup::bring_up;
use dockyard::sim::yourfile::chaos::{self, ChaosRun, ServiceVerdict};
use dockyard::sim::yourfile::{Target, Upload, UploadFile};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

/// A sample's files as the reader would give them: the compose file, its `.env` and the secret
/// files it names (tests/data/awesome-compose/INDEX.md); never its build folders.
fn sample(name: &str, target: Target) -> Upload {
    let dir = format!("{DATA}/awesome-compose/{name}");
    let mut files = Vec::new();
    for file in ["compose.yaml", "compose.yml", ".env", "db/password.txt"] {
        if let Ok(text) = std::fs::read_to_string(format!("{dir}/{file}")) {
            files.push(UploadFile {
                path: file.to_string(),
                text,
            });
        }
    }
    Upload { target, files }
}

fn voting(file: &str, target: Target) -> Upload {
    let text = std::fs::read_to_string(format!("{DATA}/example-voting-app/{file}"))
        .expect("the voting app's file");
    Upload {
        target,
        files: vec![UploadFile {
            path: file.to_string(),
            text,
        }],
    }
}

fn samples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!("{DATA}/awesome-compose"))
        .expect("the awesome-compose data")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dockyard::sim::order::sort(&mut names);
    names
}

/// Services that are honestly not up once their file has come up, with why (the simulator's
/// words for what real Docker would do with the same file and no build folders).
const NOT_UP: &[(&str, &str, &str)] = &[
    // postgres (18) with the pre-18 `…/data` mount: a restart loop, so Compose keeps waiting
    // for `service_healthy` and never starts what depends on it.
    ("nginx-golang-postgres", "db", "restarting"),
    ("nginx-golang-postgres", "backend", "created"),
    ("nginx-golang-postgres", "proxy", "created"),
    ("spring-postgres", "db", "restarting"),
    // `web` is nginx with a bind-mounted config the reader did not give.
    ("nginx-flask-mongo", "web", "exited"),
    // redpanda's entrypoint script is not a program the simulator runs.
    ("wasmedge-kafka-mysql", "redpanda", "created"),
    // The voting app's healthchecks run scripts from ./healthchecks, which was not given.
    ("example-voting-app", "redis", "unhealthy"),
    ("example-voting-app", "db", "unhealthy"),
    ("example-voting-app", "vote", "created"),
    ("example-voting-app", "result", "created"),
    ("example-voting-app", "worker", "created"),
    ("example-voting-app", "seed", "created"),
];

/// The services whose container (task) runs, not unhealthy, in `world`.
fn running(world: &World, project: &str, target: Target) -> Vec<String> {
    let mut out: Vec<String> = match target {
        Target::Host => world
            .engine
            .containers
            .values()
            .filter(|c| {
                c.status() == Status::Running
                    && c.config.labels.get(PROJECT_LABEL).map(String::as_str) == Some(project)
                    && c.health
                        .as_ref()
                        .is_none_or(|h| h.status.as_str() != "unhealthy")
            })
            .filter_map(|c| c.config.labels.get(SERVICE_LABEL).cloned())
            .collect(),
        Target::Swarm { .. } => world
            .swarm
            .tasks
            .iter()
            .filter(|t| t.container_up)
            .filter_map(|t| world.swarm.services.get(&t.service_id))
            .filter_map(|s| s.spec.name.strip_prefix("app_").map(str::to_string))
            .collect(),
    };
    dockyard::sim::order::sort(&mut out);
    out.dedup();
    out
}

/// Brings a file up, runs its chaos, replays the run's inputs and checks the replay reaches the
/// same world; returns the run and the services up when the chaos began.
fn check(label: &str, upload: &Upload) -> (ChaosRun, Vec<String>, Vec<String>) {
    let start = bring_up(upload, 7).unwrap_or_else(|e| panic!("{label}: {e}"));
    let (run, timeline) = chaos::run(upload, 7).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert!(run.len <= chaos::MAX_STEPS, "{label}: {} steps", run.len);
    assert_eq!(
        run.inputs[0].0, 0,
        "{label}: the file's command comes first"
    );
    let replayed = chaos::replay(start.world.clone(), &run.inputs, run.len);
    assert_eq!(replayed.len(), timeline.len(), "{label}: same steps");
    assert!(
        replayed.world() == timeline.world(),
        "{label}: the replay reaches another world"
    );
    // The services up when the chaos began: the world at that moment, replayed.
    let begins = run
        .moments
        .iter()
        .find(|m| m.label == "the chaos begins")
        .expect("the chaos begins")
        .step;
    let at_start = chaos::replay(start.world.clone(), &run.inputs, begins);
    let project = match upload.target {
        Target::Host => {
            dockyard::sim::docker::compose::load(&start.world, Some(&upload.files[0].path), None)
                .expect("loads")
                .project
                .name
                .clone()
        }
        Target::Swarm { .. } => "app".to_string(),
    };
    (
        run,
        running(at_start.world(), &project, upload.target),
        start.narration,
    )
}

fn verdict<'a>(run: &'a ChaosRun, service: &str) -> &'a ServiceVerdict {
    run.services
        .iter()
        .find(|v| v.service == service)
        .unwrap_or_else(|| panic!("no verdict for {service}: {:?}", run.services))
}

#[test]
fn every_real_file_comes_up_and_gets_a_verdict_that_replays() {
    let mut files: Vec<(String, Upload)> = samples()
        .into_iter()
        .map(|s| {
            let upload = sample(&s, Target::Host);
            (s, upload)
        })
        .collect();
    files.push((
        "example-voting-app".to_string(),
        voting("docker-compose.yml", Target::Host),
    ));
    assert_eq!(files.len(), 40);
    let mut failures = Vec::new();
    for (label, upload) in &files {
        let (run, up, narration) = check(label, upload);
        let start = bring_up(upload, 7).expect("came up once");
        let project =
            dockyard::sim::docker::compose::load(&start.world, Some(&upload.files[0].path), None)
                .expect("loads")
                .project;
        for (name, service) in &project.services {
            let not_up = NOT_UP.iter().find(|(s, n, _)| s == label && n == name);
            let expected_down = not_up.is_some();
            if let Some((_, _, state)) = not_up
                && !verdict(&run, name).why.first().is_some_and(|w| {
                    w.contains("was not up when the chaos began") && w.contains(state)
                })
            {
                failures.push(format!(
                    "{label}: {name} not said to be {state}: {:?}",
                    verdict(&run, name).why
                ));
            }
            if up.contains(name) == expected_down {
                failures.push(format!(
                    "{label}: {name} up={} (expected {})",
                    up.contains(name),
                    !expected_down
                ));
            }
            // Every `build:` without its folder is stood in for, and the narration says so.
            if service.build.is_some()
                && !narration.iter().any(|n| {
                    n.starts_with(&format!("Service {name} builds from"))
                        && (n.contains("generic") || n.contains("same folder"))
                })
            {
                failures.push(format!("{label}: no generic build said for {name}"));
            }
            assert!(
                run.services.iter().any(|v| &v.service == name),
                "{label}: no verdict for {name}"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_voting_app_stack_comes_up_on_a_swarm_and_loses_what_is_not_on_a_volume() {
    let upload = voting(
        "docker-stack.yml",
        Target::Swarm {
            managers: 1,
            workers: 2,
        },
    );
    let (run, up, _) = check("docker-stack.yml", &upload);
    assert_eq!(up, ["db", "redis", "result", "vote", "worker"]);
    assert!(
        run.inputs
            .iter()
            .any(|(_, l)| l.starts_with("! kill node-"))
    );
    assert!(
        run.inputs
            .iter()
            .any(|(_, l)| l == "$ docker service update --force -d app_vote")
    );
    // redis has no volume: every new task starts on an empty anonymous one.
    let redis = verdict(&run, "redis");
    assert!(
        redis.data_lost.iter().any(|v| v.contains("(anonymous)")),
        "{redis:?}"
    );
    // The published ports are probed through the routing mesh every second.
    let vote = verdict(&run, "vote");
    assert!(vote.requests_total > 300, "{vote:?}");
}

#[test]
fn every_awesome_compose_file_gets_a_verdict_on_a_swarm_too() {
    // `docker stack deploy` refuses a `build:` service without `image:` in real Docker's words;
    // the image-only samples deploy, and every one gets a verdict without a panic.
    for name in samples() {
        let upload = sample(
            &name,
            Target::Swarm {
                managers: 1,
                workers: 1,
            },
        );
        let start = bring_up(&upload, 3).unwrap_or_else(|e| panic!("{name}: {e}"));
        let run = chaos::chaos(&upload, 3).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!run.services.is_empty(), "{name}");
        if let Some(n) = start
            .narration
            .iter()
            .find(|n| n.contains("has `build:` and no `image:`"))
        {
            assert!(n.contains("no image specified"), "{n}");
        }
    }
}

#[test]
fn a_stack_with_a_build_and_no_image_fails_as_docker_does_and_says_what_to_do() {
    let upload = Upload {
        target: Target::Swarm {
            managers: 1,
            workers: 0,
        },
        files: vec![UploadFile {
            path: "stack.yml".into(),
            text: "services:\n  web:\n    build: ./web\n    ports: ['8080:80']\n".into(),
        }],
    };
    let b = bring_up(&upload, 1).unwrap();
    assert_eq!(b.command, "docker stack deploy -c stack.yml app");
    assert!(b.narration[0].contains("Build and push the image first"));
    // Refused with nothing changed, the deploy is no step (the site keeps it beside the
    // terminal); the run's first moment carries Docker's words.
    let run = chaos::chaos(&upload, 1).unwrap();
    let refused = &run.moments[0].label;
    assert!(
        refused.starts_with("$ docker stack deploy -c stack.yml app is refused: "),
        "{refused}"
    );
    assert!(
        refused.contains("Ignoring unsupported options: build"),
        "{refused}"
    );
    assert!(
        refused.contains("invalid image reference for service web: no image specified"),
        "{refused}"
    );
    assert!(!run.inputs.iter().any(|(_, l)| l.contains("stack deploy")));
    let web = verdict(&run, "web");
    assert!(!web.stayed_up);
    assert!(
        web.why[0].contains("the stack has no service app_web"),
        "{web:?}"
    );
}

#[test]
fn a_restart_policy_brings_a_service_back_after_the_reboot_and_none_does_not() {
    let upload = Upload::compose(
        "services:\n  web:\n    image: nginx:1.27\n    restart: always\n    ports: ['8080:80']\n  api:\n    image: nginx:1.27\n    ports: ['8081:80']\n",
    );
    let run = chaos::chaos(&upload, 5).unwrap();
    let web = verdict(&run, "web");
    let api = verdict(&run, "api");
    assert!(web.downtime_ms < 5_000, "{web:?}");
    assert!(web.restarts >= 2, "{web:?}");
    // Without a policy nothing starts api again until the update recreates it.
    assert!(api.downtime_ms >= 60_000, "{api:?}");
    assert!(!api.stayed_up);
    assert!(
        api.why
            .iter()
            .any(|w| w.contains("back after `docker compose up -d --force-recreate`")),
        "{api:?}"
    );
    // One request a second to each published port: api's fail while it is down.
    assert!(api.requests_failed >= 60, "{api:?}");
    assert!(api.requests_total >= api.requests_failed);
    assert!(web.requests_failed < api.requests_failed, "{web:?}");
    for label in [
        "! reboot",
        "! fill-disk host",
        "! free-disk host",
        "$ docker compose up -d --force-recreate",
    ] {
        let moment = run
            .moments
            .iter()
            .find(|m| m.label == label)
            .unwrap_or_else(|| panic!("no moment {label}: {:?}", run.moments));
        assert!(
            run.inputs
                .iter()
                .any(|(at, l)| l == label && at + 1 == moment.step)
        );
    }
}

#[test]
fn a_database_on_a_named_volume_keeps_its_data_and_one_on_an_anonymous_volume_does_not() {
    // One node: a named volume is always the same one; a task's anonymous volume is new with
    // every new task (`docker service update --force` replaces the task).
    let upload = Upload {
        target: Target::Swarm {
            managers: 1,
            workers: 0,
        },
        files: vec![UploadFile {
            path: "docker-stack.yml".into(),
            text: "services:\n  kept:\n    image: postgres:16\n    environment: {POSTGRES_PASSWORD: example}\n    volumes: ['pgdata:/var/lib/postgresql/data']\n  lost:\n    image: postgres:16\n    environment: {POSTGRES_PASSWORD: example}\nvolumes:\n  pgdata: {}\n".into(),
        }],
    };
    let run = chaos::chaos(&upload, 9).unwrap();
    let kept = verdict(&run, "kept");
    let lost = verdict(&run, "lost");
    assert!(kept.data_lost.is_empty(), "{kept:?}");
    assert!(kept.restarts >= 1, "{kept:?}");
    assert!(!lost.data_lost.is_empty(), "{lost:?}");
    assert!(
        lost.data_lost
            .iter()
            .all(|v| v.contains("(anonymous) on node-1")),
        "{lost:?}"
    );
    assert!(
        lost.why
            .iter()
            .any(|w| w.contains("/var/lib/postgresql/data") && w.contains("is gone")),
        "{lost:?}"
    );
    assert!(
        run.moments
            .iter()
            .any(|m| m.label.starts_with("lost lost its data"))
    );
}

#[test]
fn a_run_is_the_same_for_the_same_seed_and_fitted_to_the_file() {
    let upload = sample("nginx-nodejs-redis", Target::Host);
    assert_eq!(
        chaos::chaos(&upload, 11).unwrap(),
        chaos::chaos(&upload, 11).unwrap()
    );
    let run = chaos::chaos(&upload, 11).unwrap();
    // Its database is restarted, one of its app containers crashed.
    assert!(
        run.inputs
            .iter()
            .any(|(_, l)| l == "$ docker restart app-redis-1")
    );
    assert!(
        run.inputs
            .iter()
            .any(|(_, l)| l.starts_with("! crash app-"))
    );
    // A broken file gets Compose's error with its line and column, not a run.
    let err = chaos::chaos(&Upload::compose("services:\n  web:\n    image: [\n"), 1).unwrap_err();
    assert!(err.starts_with("compose.yaml:"), "{err}");
}

/// The simulator behaviours the verdicts rest on, with their upstream sources.
mod fidelity {
    use dockyard::sim::docker::container::Status;
    use dockyard::sim::{Input, Timeline, World};

    fn run(timeline: &mut Timeline, line: &str) {
        timeline.submit(Input::Command(line.to_string()));
        let mut guard = 0;
        while timeline.world().shell.is_busy() && guard < 1_000 && timeline.forward() {
            guard += 1;
        }
    }

    fn anonymous_volume(world: &World, name: &str) -> String {
        let c = world.engine.by_name(name).expect("the container");
        c.fs.mounts
            .iter()
            .find(|m| m.source.len() == 64)
            .map(|m| m.source.clone())
            .unwrap_or_else(|| panic!("an anonymous volume: {:?} {:?}", c.fs.mounts, c.status()))
    }

    /// docker/compose `pkg/compose/convergence.go` (`recreateContainer` keeps the old
    /// container's anonymous volumes unless `--renew-anon-volumes`).
    #[test]
    fn compose_recreate_keeps_anonymous_volumes_compose_convergence_go() {
        let mut world = World::new(3);
        world
            .fs
            .write(
                "compose.yaml",
                "services:\n  cache:\n    image: mongo:7\n",
                false,
            )
            .unwrap();
        let mut timeline = Timeline::new(world);
        run(&mut timeline, "docker compose up -d");
        let before = anonymous_volume(timeline.world(), "app-cache-1");
        run(&mut timeline, "docker compose up -d --force-recreate");
        let c = timeline.world().engine.by_name("app-cache-1").unwrap();
        assert_eq!(c.status(), Status::Running);
        assert_eq!(anonymous_volume(timeline.world(), "app-cache-1"), before);
    }

    /// docker-library/postgres: 17 and older set `PGDATA=/var/lib/postgresql/data` and
    /// `VOLUME /var/lib/postgresql/data`; 18 moved both (PR 1259).
    #[test]
    fn postgres_before_18_keeps_its_data_under_data_docker_library_postgres() {
        let mut world = World::new(3);
        world
            .fs
            .write(
                "compose.yaml",
                "services:\n  old:\n    image: postgres:15-alpine\n    environment: {POSTGRES_PASSWORD: x}\n  new:\n    image: postgres:18\n    environment: {POSTGRES_PASSWORD: x}\n",
                false,
            )
            .unwrap();
        let mut timeline = Timeline::new(world);
        run(&mut timeline, "docker compose up -d");
        let images = &timeline.world().engine.images;
        let old = images.find("postgres:15-alpine").unwrap();
        assert!(
            old.config
                .env
                .contains(&"PGDATA=/var/lib/postgresql/data".to_string())
        );
        assert_eq!(old.config.volumes, ["/var/lib/postgresql/data"]);
        let new = images.find("postgres:18").unwrap();
        assert_eq!(new.config.volumes, ["/var/lib/postgresql"]);
    }

    /// A built image whose OCI label `org.opencontainers.image.base.name` names a catalogued
    /// base runs a command that base does not carry as a generic service, said plainly.
    #[test]
    fn a_labelled_build_runs_unknown_programs_as_a_generic_service() {
        let mut world = World::new(3);
        world.fs.mkdir("api", true).unwrap();
        world
            .fs
            .write(
                "api/Dockerfile",
                "FROM python:3.12-alpine\nLABEL org.opencontainers.image.base.name=\"python:3.12-alpine\"\nCOPY app.py .\nEXPOSE 8000\nCMD [\"gunicorn\", \"app:app\"]\n",
                false,
            )
            .unwrap();
        world.fs.write("api/app.py", "app = None\n", false).unwrap();
        let mut timeline = Timeline::new(world);
        run(&mut timeline, "docker build -t api ./api");
        let record = timeline
            .submit(Input::Command(
                "docker run -d --name api -p 8000:8000 api".into(),
            ))
            .clone();
        assert!(
            record.narration.iter().any(|n| n
                .contains("Dockyard cannot run `gunicorn app:app` (built on python:3.12-alpine)")),
            "{:?}",
            record.narration
        );
        run(&mut timeline, "sleep 2");
        let record = timeline
            .submit(Input::Command("curl -s localhost:8000/".into()))
            .clone();
        assert!(!record.error, "{record:?}");
    }
}

/// Real files with a seeded mutation (a line dropped, duplicated or cut short) either fail to load
/// with Compose's words or come up and get a verdict: never a panic.
#[test]
fn mutated_real_files_never_panic() {
    let mut rng = dockyard::sim::rng::Rng::seeded(16);
    let names = samples();
    for round in 0..40 {
        let name = &names[rng.below(names.len() as u64) as usize];
        let mut upload = sample(name, Target::Host);
        if round % 4 == 0 {
            upload.target = Target::Swarm {
                managers: 1,
                workers: 1,
            };
        }
        let lines: Vec<&str> = upload.files[0].text.lines().collect();
        let i = rng.below(lines.len() as u64) as usize;
        let mut mutated: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        match rng.below(3) {
            0 => {
                mutated.remove(i);
            }
            1 => mutated.insert(i, lines[i].to_string()),
            _ => {
                let cut = lines[i].len() / 2;
                mutated[i] = lines[i].chars().take(cut).collect();
            }
        }
        upload.files[0].text = mutated.join("\n");
        match chaos::chaos(&upload, round) {
            Ok(run) => assert!(run.len <= chaos::MAX_STEPS, "{name} round {round}"),
            Err(e) => assert!(
                e.starts_with(&upload.files[0].path),
                "{name} round {round}: {e}"
            ),
        }
    }
}
