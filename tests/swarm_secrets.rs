//! Swarm secrets: `docker secret create|ls|inspect|rm` and `--secret` on a service, against
//! passwords in environment variables.
//!
//! Sources: Docker docs `engine/swarm/secrets.md` (stored in the encrypted Raft log, mounted in
//! `/run/secrets/<name>` of the services granted them; a secret in use cannot be removed),
//! docker/cli `cli/command/secret` and `cli/command/service/parse.go` (`secret not found: x`),
//! docker-library/postgres `docker-entrypoint.sh` (`file_env`: `POSTGRES_PASSWORD_FILE`, and
//! `error: both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set (but are exclusive)`).

mod common;
use common::Host;

fn swarm(seed: u64) -> Host {
    let mut world = dockyard::sim::World::new(seed);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    Host {
        timeline: dockyard::sim::Timeline::new(world),
    }
}

/// The node a service's first task runs on, and its container's name there.
fn task_of(h: &Host, service: &str) -> (String, String) {
    let w = h.world();
    let svc = w
        .swarm
        .services
        .values()
        .find(|s| s.spec.name == service)
        .expect("service");
    let t = w
        .swarm
        .tasks
        .iter()
        .find(|t| t.service_id == svc.id && t.container_up)
        .expect("a running task");
    let node = w.swarm.nodes[t.node_id.as_ref().unwrap()].hostname.clone();
    (
        node,
        dockyard::sim::swarm::agent::container_name(service, t),
    )
}

#[test]
fn a_secret_is_stored_listed_and_never_printed_back() {
    let mut h = swarm(1);
    h.run("echo s3cret-pw > db_password.txt");
    let id = h.run("docker secret create db_password db_password.txt");
    assert_eq!(id.trim().len(), 25, "{id}");
    let out = h.run("docker secret create api_key - <<EOF\nk-123\nEOF");
    assert_eq!(out.trim().len(), 25, "{out}");
    let ls = h.run("docker secret ls");
    assert!(ls.starts_with("ID "), "{ls}");
    assert!(ls.contains("db_password") && ls.contains("api_key"), "{ls}");
    let inspect = h.run("docker secret inspect db_password");
    assert!(inspect.contains("\"Name\": \"db_password\""), "{inspect}");
    assert!(!inspect.contains("s3cret-pw"), "{inspect}");
    let out = h.run("docker secret create db_password db_password.txt");
    assert!(
        out.contains("Error response from daemon: rpc error: code = AlreadyExists desc = secret db_password already exists"),
        "{out}"
    );
    let out = h.run("docker secret inspect nope");
    assert!(out.contains("Error: no such secret: nope"), "{out}");
    let out = h.run("ssh node-2 docker secret ls");
    assert!(out.contains("not a swarm manager"), "{out}");
}

/// The pitfall and its fix: a password in `-e` is in `docker service inspect` and in the
/// task container's `docker inspect`; with `--secret` and `POSTGRES_PASSWORD_FILE` only the
/// file's path is, and the database starts from the file.
#[test]
fn a_password_in_env_is_visible_and_a_secret_is_not() {
    let mut h = swarm(2);
    h.run("docker service create -d --name leaky -e POSTGRES_PASSWORD=s3cret-pw postgres:16");
    h.wait(30_000);
    let out = h.run("docker service inspect leaky");
    assert!(out.contains("POSTGRES_PASSWORD=s3cret-pw"), "{out}");
    let (node, name) = task_of(&h, "leaky");
    let out = h.run(&format!("ssh {node} docker inspect {name}"));
    assert!(out.contains("POSTGRES_PASSWORD=s3cret-pw"), "{out}");

    h.run("echo s3cret-pw > db_password.txt");
    h.run("docker secret create db_password db_password.txt");
    let out = h.run("docker service create -d --name db --secret db_password -e POSTGRES_PASSWORD_FILE=/run/secrets/db_password postgres:16");
    assert!(!out.contains("rror"), "{out}");
    h.wait(30_000);
    let out = h.run("docker service inspect db");
    assert!(out.contains("\"SecretName\": \"db_password\""), "{out}");
    assert!(!out.contains("s3cret-pw"), "{out}");
    let (node, name) = task_of(&h, "db");
    let out = h.run(&format!("ssh {node} docker inspect {name}"));
    assert!(!out.contains("s3cret-pw"), "{out}");
    let logs = h.run(&format!("ssh {node} docker logs {name}"));
    assert!(
        logs.contains("database system is ready to accept connections"),
        "{logs}"
    );
    let out = h.run(&format!(
        "ssh {node} docker exec {name} cat /run/secrets/db_password"
    ));
    assert_eq!(out.trim(), "s3cret-pw");

    let out = h.run("docker secret rm db_password");
    assert!(
        out.contains("secret 'db_password' is in use by the following service: db"),
        "{out}"
    );
    let out = h.run("docker service create -d --name x --secret nope nginx:1.27");
    assert!(out.contains("secret not found: nope"), "{out}");
    h.run("docker service rm db");
    let out = h.run("docker secret rm db_password");
    assert_eq!(out.trim(), "db_password");
}

/// The image's entrypoint: both variables set is refused; a `_FILE` that is not there stops it.
#[test]
fn postgres_password_file_errors_are_the_entrypoints() {
    let mut h = Host::new(3);
    h.run("docker run -d --name both -e POSTGRES_PASSWORD=a -e POSTGRES_PASSWORD_FILE=/run/secrets/pw postgres:16");
    h.wait(3_000);
    assert!(h.logs("both").contains(
        "error: both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set (but are exclusive)"
    ));
    h.run("docker run -d --name missing -e POSTGRES_PASSWORD_FILE=/run/secrets/pw postgres:16");
    h.wait(3_000);
    assert!(
        h.logs("missing")
            .contains("/run/secrets/pw: No such file or directory"),
        "{}",
        h.logs("missing")
    );
    let out = h.run("docker ps -a");
    assert!(out.contains("Exited (1)"), "{out}");
}

/// A stack file's secrets (docker/cli `deploy_composefile.go` `createSecrets`,
/// `convert/service.go`): `file:` becomes `STACK_KEY`, created before the networks; the service
/// finds it at `/run/secrets/KEY`; a changed file is refused (`only updates to Labels are
/// allowed`); `external:` must exist; `docker stack rm` removes the stack's own secrets.
#[test]
fn a_stack_creates_grants_and_removes_its_secrets() {
    let mut h = swarm(4);
    h.run("echo s3cret-pw > db_password.txt");
    h.run("cat > stack.yml <<EOF\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    secrets:\n      - db_password\nsecrets:\n  db_password:\n    file: ./db_password.txt\nEOF");
    let out = h.run("docker stack deploy -c stack.yml app");
    assert!(
        out.contains(
            "Creating secret app_db_password\nCreating network app_default\nCreating service app_db"
        ),
        "{out}"
    );
    h.wait(30_000);
    let (node, name) = task_of(&h, "app_db");
    let out = h.run(&format!(
        "ssh {node} docker exec {name} cat /run/secrets/db_password"
    ));
    assert_eq!(out.trim(), "s3cret-pw");
    let logs = h.run(&format!("ssh {node} docker logs {name}"));
    assert!(logs.contains("ready to accept connections"), "{logs}");
    // The same file again: nothing to do. A changed one: refused.
    let out = h.run("docker stack deploy -c stack.yml app");
    assert!(!out.contains("Creating secret"), "{out}");
    h.run("echo other > db_password.txt");
    let out = h.run("docker stack deploy -c stack.yml app");
    assert!(
        out.contains("failed to update secret app_db_password: Error response from daemon: rpc error: code = InvalidArgument desc = only updates to Labels are allowed"),
        "{out}"
    );
    let out = h.run("docker stack rm app");
    assert!(
        out.contains(
            "Removing service app_db\nRemoving secret app_db_password\nRemoving network app_default"
        ),
        "{out}"
    );
    assert!(h.world().swarm.secrets.is_empty());

    h.run("cat > ext.yml <<EOF\nservices:\n  db:\n    image: postgres:16\n    secrets: [pw]\nsecrets:\n  pw:\n    external: true\nEOF");
    let out = h.run("docker stack deploy -c ext.yml ext");
    assert!(out.contains("secret not found: pw"), "{out}");
    h.run("docker secret create pw db_password.txt");
    let out = h.run("docker stack deploy -c ext.yml ext");
    assert!(out.contains("Creating service ext_db"), "{out}");
    assert!(!out.contains("Creating secret"), "{out}");
}

/// `docker service update --secret-rm / --secret-add` (docker/cli `updateSecrets`): the tasks
/// are replaced with the new list, and a secret no longer used can then be removed.
#[test]
fn update_adds_and_removes_a_services_secrets() {
    let mut h = swarm(5);
    h.run("echo one > one.txt");
    h.run("echo two > two.txt");
    h.run("docker secret create pw_v1 one.txt");
    h.run("docker secret create pw_v2 two.txt");
    h.run("docker service create -d --name app --secret source=pw_v1,target=pw nginx:1.27");
    h.wait(20_000);
    let (node, name) = task_of(&h, "app");
    let out = h.run(&format!(
        "ssh {node} docker exec {name} cat /run/secrets/pw"
    ));
    assert_eq!(out.trim(), "one");
    let out =
        h.run("docker service update -d --secret-rm pw_v1 --secret-add source=pw_v2,target=pw app");
    assert!(!out.contains("rror"), "{out}");
    h.wait(30_000);
    let (node, name) = task_of(&h, "app");
    let out = h.run(&format!(
        "ssh {node} docker exec {name} cat /run/secrets/pw"
    ));
    assert_eq!(out.trim(), "two");
    let out = h.run("docker secret rm pw_v1");
    assert_eq!(out.trim(), "pw_v1");
    let out = h.run("docker service update -d --secret-add nope app");
    assert!(out.contains("secret not found: nope"), "{out}");
}
