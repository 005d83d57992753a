//! Running a Compose project: `up`, `down`, `ps`, `logs`, `stop`, `start`, `restart`, `exec`,
//! `run`, `ls`, with Compose's names, labels, progress events, dependency conditions and
//! recreation rules (docker/compose `pkg/compose/convergence.go`, `create.go`, `down.go`). Tests
//! pinning an upstream behaviour name their source; docs/FIDELITY.md, "Compose", lists them.

mod common;

use common::Host;
use dockyard::sim::docker::container::Status;

fn write(host: &mut Host, name: &str, text: &str) {
    let out = host.run(&format!("cat > {name} <<'EOF'\n{text}EOF"));
    assert_eq!(out, "", "writing {name}");
}

const WEB_DB: &str = "services:
  web:
    image: nginx
    ports:
      - \"8080:80\"
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: secret
    volumes:
      - db-data:/var/lib/postgresql/data
    healthcheck:
      test: [\"CMD\", \"pg_isready\", \"-U\", \"postgres\"]
      interval: 2s
      retries: 10
volumes:
  db-data:
";

fn up(text: &str) -> (Host, String) {
    let mut host = Host::new(3);
    write(&mut host, "compose.yaml", text);
    let out = host.run("docker compose up -d");
    (host, out)
}

#[test]
fn compose_naming_project_service_number_network_and_volume() {
    let (host, out) = up(WEB_DB);
    for line in [
        " Network app_default  Created",
        " Volume \"app_db-data\"  Created",
        " Container app-db-1  Created",
        " Container app-web-1  Created",
    ] {
        assert!(out.contains(line), "{line:?} missing in\n{out}");
    }
    let w = host.world();
    assert!(w.engine.networks.contains_key("app_default"));
    assert!(w.engine.volumes.contains_key("app_db-data"));
    let db = host.container("app-db-1");
    assert_eq!(db.config.labels["com.docker.compose.project"], "app");
    assert_eq!(db.config.labels["com.docker.compose.service"], "db");
    assert_eq!(db.config.labels["com.docker.compose.container-number"], "1");
    assert!(
        db.networks["app_default"]
            .aliases
            .contains(&"db".to_string())
    );
}

#[test]
fn compose_convergence_go_depends_on_service_healthy_waits_for_the_healthcheck() {
    let (host, out) = up(WEB_DB);
    // The prompt came back only once db was healthy, and web started after that.
    let waiting = out.find(" Container app-db-1  Waiting").expect("waiting");
    let healthy = out.find(" Container app-db-1  Healthy").expect("healthy");
    let started = out
        .find(" Container app-web-1  Started")
        .expect("web started");
    assert!(waiting < healthy && healthy < started, "{out}");
    assert!(!host.world().shell.is_busy());
    let db = host.container("app-db-1");
    let web = host.container("app-web-1");
    assert!(web.state.started_at.unwrap() > db.state.started_at.unwrap());
    assert_eq!(web.status(), Status::Running);
}

#[test]
fn compose_spec_depends_on_short_form_is_service_started_no_wait() {
    let (host, out) = up(
        "services:\n  web:\n    image: nginx\n    depends_on: [db]\n  db:\n    image: postgres:16\n    environment: {POSTGRES_PASSWORD: x}\n",
    );
    assert!(!out.contains("Waiting"), "{out}");
    // Both started in the same instant: only the order is guaranteed.
    let db = host.container("app-db-1");
    let web = host.container("app-web-1");
    assert_eq!(db.state.started_at, web.state.started_at);
    assert!(out.find("app-db-1  Started").unwrap() < out.find("app-web-1  Started").unwrap());
}

#[test]
fn compose_convergence_go_service_completed_successfully_and_its_failure() {
    let ok = "services:\n  migrate:\n    image: alpine\n    command: [\"sh\", \"-c\", \"echo migrating; sleep 2; exit 0\"]\n  app:\n    image: nginx\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n";
    let (host, out) = up(ok);
    assert!(out.contains(" Container app-migrate-1  Exited"), "{out}");
    assert_eq!(host.container("app-app-1").status(), Status::Running);

    let (host, out) = up(&ok.replace("exit 0", "exit 3"));
    assert!(
        out.contains("service \"migrate\" didn't complete successfully: exit 3"),
        "{out}"
    );
    assert_eq!(host.container("app-app-1").status(), Status::Created);
}

#[test]
fn compose_convergence_go_service_healthy_without_a_healthcheck_fails() {
    let (_, out) = up(
        "services:\n  web:\n    image: nginx\n    depends_on:\n      db: {condition: service_healthy}\n  db:\n    image: redis:7\n",
    );
    assert!(
        out.contains(
            "dependency failed to start: container app-db-1 has no healthcheck configured"
        ),
        "{out}"
    );
}

#[test]
fn compose_docs_docker_restart_keeps_frozen_config_up_d_recreates_only_changed() {
    let base = "services:\n  web:\n    image: nginx\n    environment: {MODE: one}\n  cache:\n    image: redis:7\n";
    let (mut host, _) = up(base);
    let web_id = host.container("app-web-1").id.clone();
    let cache_id = host.container("app-cache-1").id.clone();
    write(
        &mut host,
        "compose.yaml",
        &base.replace("MODE: one", "MODE: two"),
    );
    host.run("docker restart app-web-1");
    assert!(
        host.container("app-web-1")
            .config
            .env
            .contains(&"MODE=one".to_string())
    );
    let out = host.run("docker compose restart");
    assert!(out.contains(" Container app-web-1  Restarting"), "{out}");
    assert_eq!(
        host.container("app-web-1").id,
        web_id,
        "restart keeps the container"
    );
    assert!(
        host.container("app-web-1")
            .config
            .env
            .contains(&"MODE=one".to_string())
    );
    let out = host.run("docker compose up -d");
    assert!(out.contains(" Container app-web-1  Recreate"), "{out}");
    assert!(out.contains(" Container app-web-1  Recreated"), "{out}");
    assert!(out.contains(" Container app-cache-1  Running"), "{out}");
    assert_ne!(host.container("app-web-1").id, web_id);
    assert_eq!(host.container("app-cache-1").id, cache_id);
    assert!(
        host.container("app-web-1")
            .config
            .env
            .contains(&"MODE=two".to_string())
    );
    // Nothing changed: a second `up -d` recreates nothing.
    let out = host.run("docker compose up -d");
    assert!(!out.contains("Recreate"), "{out}");
}

#[test]
fn compose_docs_down_v_removes_named_volumes_data_loss() {
    let (mut host, _) = up(WEB_DB);
    let out = host.run("docker compose down");
    assert!(out.contains(" Container app-web-1  Removed"), "{out}");
    assert!(out.contains(" Network app_default  Removed"), "{out}");
    assert!(host.world().engine.volumes.contains_key("app_db-data"));
    assert!(host.world().engine.containers.is_empty());
    host.run("docker compose up -d");
    let out = host.run("docker compose down -v");
    assert!(out.contains(" Volume app_db-data  Removed"), "{out}");
    assert!(!host.world().engine.volumes.contains_key("app_db-data"));
}

#[test]
fn stop_is_reverse_dependency_order_and_start_brings_the_same_containers_back() {
    let (mut host, _) = up(WEB_DB);
    let id = host.container("app-db-1").id.clone();
    let out = host.run("docker compose stop");
    let web = out
        .find(" Container app-web-1  Stopped")
        .expect("web stopped");
    let db = out
        .find(" Container app-db-1  Stopping")
        .expect("db stopping");
    assert!(web < db, "dependents stop first:\n{out}");
    assert_eq!(host.container("app-db-1").status(), Status::Exited);
    host.run("docker compose start");
    assert_eq!(host.container("app-db-1").id, id);
    assert_eq!(host.container("app-web-1").status(), Status::Running);
}

#[test]
fn ps_logs_exec_run_and_ls() {
    let (mut host, _) = up(WEB_DB);
    let out = host.run("docker compose ps");
    assert!(
        out.starts_with("NAME        IMAGE         COMMAND                  SERVICE   CREATED"),
        "{out}"
    );
    assert!(out.contains("(healthy)"), "{out}");
    assert_eq!(host.run("docker compose ps --services"), "db\nweb\n");
    let out = host.run("docker compose logs db");
    assert!(out.contains("db-1  | "), "{out}");
    assert!(
        out.contains("database system is ready to accept connections"),
        "{out}"
    );
    let out = host.run("docker compose logs --tail 1 web");
    assert_eq!(out.lines().count(), 1, "{out}");
    let out = host.run("docker compose exec web getent hosts db");
    assert!(out.contains(" db"), "{out}");
    let out = host.run("docker compose run --rm web echo hello");
    assert!(out.contains("hello"), "{out}");
    assert!(
        host.world()
            .engine
            .containers
            .values()
            .all(|c| !c.name.contains("-run-")),
        "--rm removed the one-off container"
    );
    let out = host.run("docker compose ls");
    assert!(out.contains("app       running(2)"), "{out}");
    let out = host.run(
        "docker inspect -f '{{index .Config.Labels \"com.docker.compose.service\"}}' app-db-1",
    );
    assert_eq!(out, "db\n");
}

#[test]
fn mistakes_change_nothing() {
    let mut host = Host::new(1);
    write(&mut host, "compose.yaml", WEB_DB);
    let before = host.world().clone();
    for (line, want) in [
        ("docker compose up -d nosuch", "no such service: nosuch"),
        ("docker compose up --detached", "unknown flag: --detached"),
        ("docker compose exec db", "requires at least 2 arguments"),
        (
            "docker compose exec db psql",
            "service \"db\" is not running",
        ),
        (
            "docker compose down --rmi some",
            "invalid --rmi option \"some\"",
        ),
    ] {
        let out = host.run(line);
        assert!(out.contains(want), "{line}: {out}");
        assert_eq!(
            host.world().engine,
            before.engine,
            "{line} changed the engine"
        );
    }
    for (text, want) in [
        (
            "services:\n  web:\n    image: nginx\n    ports: [8080:80\n",
            "yaml:",
        ),
        (
            "services:\n  web:\n    image: nginx\n    networks: [back]\n",
            "service \"web\" refers to undefined network back: invalid compose project",
        ),
        (
            "services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n",
            "dependency cycle detected",
        ),
    ] {
        write(&mut host, "compose.yaml", text);
        let before = host.world().engine.clone();
        let record = host.sh("docker compose up -d");
        let out = common::output(&record);
        assert!(out.contains(want), "{out}");
        assert!(record.error);
        assert_eq!(host.world().engine, before);
    }
    write(
        &mut host,
        "compose.yaml",
        "services:\n  web:\n    image: nginx\n    networks: [proxy]\nnetworks:\n  proxy:\n    external: true\n",
    );
    let before = host.world().engine.clone();
    let out = host.run("docker compose up -d");
    assert!(
        out.contains("network proxy declared as external, but could not be found"),
        "{out}"
    );
    assert_eq!(host.world().engine, before);
}

#[test]
fn up_without_d_attaches_with_prefixes_and_reports_exits() {
    let mut host = Host::new(2);
    write(
        &mut host,
        "compose.yaml",
        "services:\n  job:\n    image: alpine\n    command: [\"sh\", \"-c\", \"echo one; sleep 1; echo two; exit 4\"]\n",
    );
    let out = host.run("docker compose up");
    assert!(out.contains("Attaching to job-1"), "{out}");
    assert!(out.contains("job-1  | one\n"), "{out}");
    assert!(out.contains("job-1  | two\n"), "{out}");
    assert!(out.contains("job-1 exited with code 4"), "{out}");
    assert!(!host.world().shell.is_busy());
}

#[test]
fn orphans_are_reported_then_removed_on_request() {
    let (mut host, _) = up("services:\n  web:\n    image: nginx\n  old:\n    image: redis:7\n");
    write(
        &mut host,
        "compose.yaml",
        "services:\n  web:\n    image: nginx\n",
    );
    let out = host.run("docker compose up -d");
    assert!(
        out.contains("Found orphan containers ([app-old-1])"),
        "{out}"
    );
    let out = host.run("docker compose up -d --remove-orphans");
    assert!(out.contains(" Container app-old-1  Removed"), "{out}");
}

#[test]
fn nasty_compose_commands_never_panic() {
    let mut host = Host::new(4);
    write(&mut host, "compose.yaml", WEB_DB);
    for line in [
        "docker compose",
        "docker compose up -d --no-start",
        "docker compose start",
        "docker compose up -d --wait",
        "docker compose restart -t x",
        "docker compose logs -f",
        "docker compose run",
        "docker compose run db",
        "docker compose exec -T web",
        "docker compose ps --format json",
        "docker compose stop -t 0",
        "docker compose down --rmi all -v",
        "docker compose -p other up -d",
        "docker compose -p other down",
        "docker compose ls -a",
    ] {
        host.run(line);
    }
}

#[test]
fn build_then_up_recreates_with_the_new_image() {
    let mut host = Host::new(5);
    write(
        &mut host,
        "Dockerfile",
        "FROM alpine\nCMD [\"sleep\", \"3600\"]\n",
    );
    write(
        &mut host,
        "compose.yaml",
        "services:\n  app:\n    build: .\n",
    );
    let out = host.run("docker compose up -d");
    assert!(out.contains(" Service app  Built"), "{out}");
    let first = host.container("app-app-1").id.clone();
    // Same file, same context: nothing to recreate.
    let out = host.run("docker compose up -d");
    assert!(out.contains(" Container app-app-1  Running"), "{out}");
    write(
        &mut host,
        "Dockerfile",
        "FROM alpine\nENV MODE=new\nCMD [\"sleep\", \"3600\"]\n",
    );
    let out = host.run("docker compose build");
    assert!(
        out.contains("naming to docker.io/library/app-app:latest"),
        "{out}"
    );
    assert_eq!(
        host.container("app-app-1").id,
        first,
        "build alone changes no container"
    );
    let out = host.run("docker compose up -d");
    assert!(out.contains(" Container app-app-1  Recreate"), "{out}");
    assert!(
        host.container("app-app-1")
            .config
            .env
            .contains(&"MODE=new".to_string())
    );
    let out = host.run("docker compose pull");
    assert!(
        !out.contains("Pulling"),
        "nothing to pull for a built service: {out}"
    );
}

#[test]
fn compose_spec_depends_on_required_false_starts_anyway() {
    let (host, out) = up(
        "services:\n  web:\n    image: nginx\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n        required: false\n  migrate:\n    image: alpine\n    command: [\"sh\", \"-c\", \"exit 2\"]\n",
    );
    assert!(out.contains(" Container app-migrate-1  Skipped"), "{out}");
    assert_eq!(host.container("app-web-1").status(), Status::Running);
}

#[test]
fn compose_logging_options_become_the_containers_log_config() {
    let (host, _) = up(
        "services:\n  api:\n    image: nginx\n    logging:\n      driver: json-file\n      options:\n        max-size: 10m\n        max-file: \"3\"\n",
    );
    let log = &host.container("app-api-1").host_config.log_config;
    assert_eq!(log.driver, "json-file");
    assert_eq!(log.options["max-size"], "10m");
    assert_eq!(log.options["max-file"], "3");
}

/// `!crash api` on a Compose page: the fault finds the service's container as `docker compose
/// kill api` would (its one running container), names it in the narration, and refuses with
/// the candidates when the service has several; a plain container name still wins.
#[test]
fn a_fault_accepts_a_compose_service_name() {
    use dockyard::sim::Input;
    use dockyard::sim::input::Fault;
    let (mut host, _) = up(WEB_DB);
    let fault = |host: &mut Host, text: &str| {
        host.timeline
            .submit(Input::Fault(Fault::parse(text).expect("parses")))
            .clone()
    };
    let rec = fault(&mut host, "crash web");
    assert!(!rec.error, "{:?}", rec.narration);
    assert!(
        rec.narration
            .iter()
            .any(|n| n.contains("`web` is a Compose service: its container is app-web-1")),
        "{:?}",
        rec.narration
    );
    assert_eq!(host.container("app-web-1").state.exit_code, 139);
    assert_eq!(host.container("app-db-1").status(), Status::Running);
    // The container name itself still works, and an unknown name is the daemon's answer.
    assert!(!fault(&mut host, "oom app-db-1").error);
    let rec = fault(&mut host, "crash nobody");
    assert!(rec.error);
    assert!(
        rec.narration
            .iter()
            .any(|n| n.contains("No such container: nobody")),
        "{:?}",
        rec.narration
    );
    // Two running containers of service web (here a second one labelled by hand, as a scaled
    // service or another project would have): which one? A crash names one, so it asks.
    host.run("docker start app-web-1");
    host.run("docker run -d --name web-copy --label com.docker.compose.service=web nginx");
    let rec = fault(&mut host, "crash web");
    assert!(rec.error);
    assert!(
        rec.narration.iter().any(|n| n.contains(
            "service web has 2 running containers (web-copy, app-web-1): name the one to break"
        )),
        "{:?}",
        rec.narration
    );
}
