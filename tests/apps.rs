//! The Compose lessons' application programs end to end through the terminal: the notes API
//! built from the `compose-app` template connecting to PostgreSQL by service name, the start-up
//! race with `--restart on-failure`, the `localhost` and default-bridge pitfalls, the cache, and
//! the web front's 502 (src/sim/docker/apps.rs).

mod common;

use common::Host;
use dockyard::sim::docker::container::Status;

fn project(seed: u64) -> Host {
    let mut world = dockyard::sim::World::new(seed);
    world.fs.seed_project("compose-app").unwrap();
    let mut host = Host {
        timeline: dockyard::sim::Timeline::new(world),
    };
    let out = host.run("docker build -t notes-api ./api");
    assert!(
        out.contains("naming to docker.io/library/notes-api:latest done"),
        "{out}"
    );
    let out = host.run("docker build -t notes-web ./web");
    assert!(
        out.contains("naming to docker.io/library/notes-web:latest done"),
        "{out}"
    );
    host.run("docker pull postgres:16");
    host.run("docker pull redis");
    host
}

#[test]
fn the_api_connects_to_a_ready_database_by_its_name_and_serves() {
    let mut host = project(1);
    host.run("docker network create notes");
    host.run("docker run -d --name db --network notes -e POSTGRES_PASSWORD=secret postgres:16");
    host.wait(5_000);
    host.run("docker run -d --name api --network notes notes-api");
    host.wait(2_000);
    assert_eq!(
        host.logs("api"),
        "notes-api: connecting to postgres at db:5432\nconnected to postgres at db:5432\nnotes-api listening on :3000\n"
    );
    // busybox wget in an alpine container on the same network.
    host.run("docker run -d --name probe --network notes alpine sleep infinity");
    assert_eq!(
        host.run("docker exec probe wget -qO- http://api:3000/health"),
        "{\"status\":\"ok\"}\n"
    );
    let out = host.run("docker exec probe wget -qO- http://api:3000/");
    assert!(out.starts_with("{\"notes\":[{\"id\":1,"), "{out}");
    // morgan's `tiny` access line for each request.
    let api_logs = host.logs("api");
    assert!(api_logs.contains("GET /health 200 15 - "), "{api_logs}");
    assert!(api_logs.contains("GET / 200 "), "{api_logs}");
}

#[test]
fn started_together_the_api_loses_the_race_and_restarts_until_the_database_accepts() {
    let mut host = project(2);
    host.run("docker network create notes");
    host.run("docker run -d --name db --network notes -e POSTGRES_PASSWORD=secret postgres:16");
    host.run("docker run -d --name api --network notes --restart on-failure notes-api");
    host.wait(15_000);
    let api = host.container("api");
    assert_eq!(api.state.status, Status::Running);
    assert!(api.listening);
    assert!(
        (1..=2).contains(&api.restart_count),
        "restarts: {}",
        api.restart_count
    );
    let out = host.logs("api");
    let refused = out
        .matches("Error: connect ECONNREFUSED 172.18.0.2:5432")
        .count();
    assert_eq!(refused as u32, api.restart_count, "{out}");
    assert!(out.contains("  code: 'ECONNREFUSED',\n  syscall: 'connect',\n  address: '172.18.0.2',\n  port: 5432\n}\n\nNode.js v20.18.1\n"), "{out}");
    assert!(
        out.ends_with("connected to postgres at db:5432\nnotes-api listening on :3000\n"),
        "{out}"
    );
    // The database took seconds: ready only after the API's first attempts.
    let db_ready = host
        .container("db")
        .logs
        .iter()
        .find(|l| {
            l.text
                .ends_with("database system is ready to accept connections")
        })
        .map(|l| l.at_ms)
        .unwrap();
    let first_refusal = api
        .logs
        .iter()
        .find(|l| l.text.contains("ECONNREFUSED"))
        .map(|l| l.at_ms)
        .unwrap();
    assert!(first_refusal < db_ready);
}

#[test]
fn without_a_restart_policy_the_crashed_api_stays_exited_with_code_1() {
    let mut host = project(3);
    host.run("docker network create notes");
    host.run("docker run -d --name db --network notes -e POSTGRES_PASSWORD=secret postgres:16");
    host.run("docker run -d --name api --network notes notes-api");
    host.wait(5_000);
    let api = host.container("api");
    assert_eq!(api.state.status, Status::Exited);
    assert_eq!(api.state.exit_code, 1);
    let ps = host.run("docker ps -a --format '{{.Names}} {{.Status}}'");
    assert!(ps.contains("api Exited (1)"), "{ps}");
}

#[test]
fn on_the_default_bridge_the_name_db_does_not_resolve() {
    let mut host = project(4);
    host.run("docker run -d --name db -e POSTGRES_PASSWORD=secret postgres:16");
    host.wait(5_000);
    host.run("docker run -d --name api notes-api");
    host.wait(2_000);
    assert_eq!(
        host.logs("api"),
        "notes-api: connecting to postgres at db:5432\n\
         node:internal/process/promises:391\n    triggerUncaughtException(err, true /* fromPromise */);\n    ^\n\n\
         Error: getaddrinfo ENOTFOUND db\n    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:120:26) {\n  errno: -3008,\n  code: 'ENOTFOUND',\n  syscall: 'getaddrinfo',\n  hostname: 'db'\n}\n\nNode.js v20.18.1\n"
    );
    assert_eq!(host.container("api").state.exit_code, 1);
}

#[test]
fn db_host_localhost_is_the_api_container_itself() {
    let mut host = project(5);
    host.run("docker network create notes");
    host.run("docker run -d --name db --network notes -e POSTGRES_PASSWORD=secret postgres:16");
    host.wait(5_000);
    let rec = host.sh("docker run -d --name api --network notes -e DB_HOST=localhost notes-api");
    assert!(!rec.error);
    host.wait(2_000);
    let out = host.logs("api");
    assert!(
        out.contains("Error: connect ECONNREFUSED 127.0.0.1:5432\n"),
        "{out}"
    );
    assert!(out.contains("  address: '127.0.0.1',\n"), "{out}");
    assert_eq!(host.container("api").state.exit_code, 1);
}

#[test]
fn a_database_on_another_network_is_not_found_by_name() {
    let mut host = project(6);
    host.run("docker network create back");
    host.run("docker network create front");
    host.run("docker run -d --name db --network back -e POSTGRES_PASSWORD=secret postgres:16");
    host.wait(5_000);
    host.run("docker run -d --name api --network front notes-api");
    host.wait(2_000);
    assert!(
        host.logs("api")
            .contains("Error: getaddrinfo ENOTFOUND db\n")
    );
    // Connected to the database's network too, the restarted API gets through.
    host.run("docker network connect back api");
    host.run("docker start api");
    host.wait(2_000);
    assert!(
        host.logs("api")
            .ends_with("connected to postgres at db:5432\nnotes-api listening on :3000\n")
    );
}

#[test]
fn the_cache_is_optional_the_api_warns_and_carries_on() {
    let mut host = project(7);
    host.run("docker network create notes");
    host.run("docker run -d --name db --network notes -e POSTGRES_PASSWORD=secret postgres:16");
    host.wait(5_000);
    host.run("docker run -d --name api --network notes -e REDIS_HOST=cache notes-api");
    host.wait(2_000);
    let out = host.logs("api");
    assert!(
        out.contains("warning: redis at cache:6379 unavailable (Error: getaddrinfo ENOTFOUND cache); continuing without a cache\nnotes-api listening on :3000\n"),
        "{out}"
    );
    assert!(host.container("api").listening);
    host.run("docker run -d --name cache --network notes --health-cmd 'redis-cli ping' --health-interval 1s redis");
    host.run("docker run -d --name api2 --network notes -e REDIS_HOST=cache notes-api");
    host.wait(3_000);
    assert!(
        host.logs("api2")
            .contains("connected to redis at cache:6379\nnotes-api listening on :3000\n")
    );
    let ps = host.run("docker ps --format '{{.Names}} {{.Status}}'");
    assert!(ps.contains("(healthy)"), "{ps}");
}

#[test]
fn the_web_front_answers_502_until_the_api_is_up() {
    let mut host = project(8);
    host.run("docker network create notes");
    host.run("docker run -d --name web --network notes -p 8080:8080 notes-web");
    host.wait(500);
    assert_eq!(
        host.run("curl http://localhost:8080/"),
        "502 Bad Gateway: cannot reach the API at http://api:3000 (getaddrinfo ENOTFOUND api)\n"
    );
    assert!(host.logs("web").contains(
        "cannot reach the API at http://api:3000: getaddrinfo ENOTFOUND api\nGET / 502 "
    ));
    host.run("docker run -d --name db --network notes -e POSTGRES_PASSWORD=secret postgres:16");
    host.wait(5_000);
    host.run("docker run -d --name api --network notes notes-api");
    host.wait(2_000);
    let page = host.run("curl http://localhost:8080/");
    assert!(page.contains("<li>start the database first</li>"), "{page}");
    assert!(host.logs("web").contains("GET / 200 "));
    assert!(host.logs("api").contains("GET / 200 "));
    // From inside another container on the network, by name.
    host.run("docker run -d --name probe --network notes alpine sleep infinity");
    let page = host.run("docker exec probe wget -qO- http://web:8080/");
    assert!(page.contains("<h1>Notes</h1>"), "{page}");
    // The API stopped: the front is still up but answers 502, naming why.
    host.run("docker stop -t 0 api");
    let out = host.run("curl http://localhost:8080/");
    assert!(out.starts_with("502 Bad Gateway"), "{out}");
}

#[test]
fn redis_cli_and_pg_isready_connect_like_any_client() {
    let mut host = project(9);
    host.run("docker network create notes");
    host.run("docker run -d --name db --network notes -e POSTGRES_PASSWORD=secret postgres:16");
    host.run("docker run -d --name cache --network notes redis");
    // While initdb runs, the database does not answer on TCP.
    assert_eq!(
        host.run("docker exec db pg_isready -h db"),
        "db:5432 - no response\n"
    );
    host.wait(5_000);
    assert_eq!(
        host.run("docker exec db pg_isready"),
        "/var/run/postgresql:5432 - accepting connections\n"
    );
    assert_eq!(
        host.run("docker exec db pg_isready -h db -p 5432"),
        "db:5432 - accepting connections\n"
    );
    assert_eq!(host.run("docker exec cache redis-cli ping"), "PONG\n");
    assert_eq!(
        host.run("docker exec cache redis-cli -h cache ping"),
        "PONG\n"
    );
    assert_eq!(
        host.run("docker exec cache redis-cli -h db ping"),
        "Could not connect to Redis at db:6379: Connection refused\n"
    );
    assert_eq!(
        host.run("docker exec cache redis-cli -h nosuch ping"),
        "Could not connect to Redis at nosuch:6379: Name or service not known\n"
    );
    // The tool is only in its own image.
    assert!(
        host.run("docker exec db redis-cli ping")
            .contains("executable file not found")
    );
}
