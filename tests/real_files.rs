//! Real compose files from public sample repositories (tests/data, each file naming its source in
//! its first line) behave as they do with real Docker: the image-only samples of docker/awesome-compose
//! come up with `docker compose up -d` and go down cleanly; a sample with `build:` whose folder is
//! absent fails with BuildKit's context error, as real Docker does without the folder.

mod common;

use common::Host;
use dockyard::sim::docker::container::Status;

/// Puts a sample's compose file (and its `.env`, secret files) into the project folder.
fn project(sample: &str) -> Host {
    let dir = format!(
        "{}/tests/data/awesome-compose/{sample}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut world = dockyard::sim::World::new(7);
    let mut files = Vec::new();
    collect(std::path::Path::new(&dir), "", &mut files);
    for (rel, content) in files {
        if let Some((folder, _)) = rel.rsplit_once('/') {
            world
                .fs
                .mkdir(folder, true)
                .expect("mkdir in the project folder");
        }
        world
            .fs
            .write(&rel, &content, false)
            .expect("write into the project folder");
    }
    Host {
        timeline: dockyard::sim::Timeline::new(world),
    }
}

fn collect(dir: &std::path::Path, prefix: &str, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .collect();
    dockyard::sim::order::sort_by_key(&mut entries, |e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if e.path().is_dir() {
            collect(&e.path(), &rel, out);
        } else if let Ok(text) = std::fs::read_to_string(e.path()) {
            out.push((rel, text));
        }
    }
}

/// The samples whose every service names an image (no `build:`): tests/data/awesome-compose/INDEX.md.
const IMAGE_ONLY: &[&str] = &[
    "elasticsearch-logstash-kibana",
    "gitea-postgres",
    "minecraft",
    "nextcloud-postgres",
    "nextcloud-redis-mariadb",
    "pihole-cloudflared-DoH",
    "plex",
    "portainer",
    "postgresql-pgadmin",
    "prometheus-grafana",
    "wireguard",
    "wordpress-mysql",
];

#[test]
fn awesome_compose_image_only_samples_come_up_and_go_down() {
    let mut failures = Vec::new();
    for sample in IMAGE_ONLY {
        let mut host = project(sample);
        let up = host.run("docker compose up -d");
        host.wait(60_000);
        let world = host.world();
        let not_running: Vec<String> = world
            .engine
            .containers
            .values()
            .filter(|c| c.status() != Status::Running)
            .map(|c| format!("{} {:?} (exit {})", c.name, c.status(), c.state.exit_code))
            .collect();
        let unhealthy: Vec<String> = world
            .engine
            .containers
            .values()
            .filter(|c| {
                c.health
                    .as_ref()
                    .is_some_and(|h| h.status.as_str() != "healthy")
            })
            .map(|c| c.name.clone())
            .collect();
        if world.engine.containers.is_empty() || !not_running.is_empty() || !unhealthy.is_empty() {
            failures.push(format!(
                "{sample}: {not_running:?} unhealthy {unhealthy:?}\n{up}"
            ));
            continue;
        }
        let down = host.run("docker compose down");
        if !host.world().engine.containers.is_empty() {
            failures.push(format!("{sample}: down left containers\n{down}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

/// Without its build folder, a sample with `build:` stops where real Docker stops.
#[test]
fn awesome_compose_samples_with_build_fail_without_their_folder_as_real_docker_does() {
    for sample in ["flask", "react-express-mysql", "nginx-golang"] {
        let mut host = project(sample);
        let up = host.run("docker compose up -d");
        println!("{sample}:\n{up}");
        assert!(
            up.contains("unable to prepare context: path") && up.contains("not found"),
            "{sample}: {up}"
        );
        assert!(
            host.world()
                .engine
                .containers
                .values()
                .all(|c| c.status() != Status::Running),
            "{sample}: something runs"
        );
    }
}

/// dockersamples/example-voting-app's docker-stack.yml, exactly as published, on 1 manager and 2
/// workers: its networks are created, every service converges (`redis:alpine` and
/// `postgres:15-alpine` are real images now).
#[test]
fn the_voting_app_stack_file_deploys_as_published() {
    let path = format!(
        "{}/tests/data/example-voting-app/docker-stack.yml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("the stack file");
    let mut world = dockyard::sim::World::new(11);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    world
        .fs
        .write("docker-stack.yml", &text, false)
        .expect("write the stack file");
    let mut host = Host {
        timeline: dockyard::sim::Timeline::new(world),
    };
    let out = host.run("docker stack deploy -c docker-stack.yml vote");
    assert!(out.contains("Creating service vote_db"), "{out}");
    host.wait(120_000);
    let ls = host.run("docker service ls");
    for (service, replicas) in [
        ("vote_redis", "1/1"),
        ("vote_db", "1/1"),
        ("vote_vote", "2/2"),
        ("vote_result", "1/1"),
        ("vote_worker", "2/2"),
    ] {
        let line = ls
            .lines()
            .find(|l| l.contains(service))
            .unwrap_or_else(|| panic!("{service} missing:\n{ls}"));
        assert!(line.contains(replicas), "{service}: {line}\n{out}");
    }
    let networks = host.run("docker network ls");
    assert!(
        networks.contains("vote_frontend") && networks.contains("vote_backend"),
        "{networks}"
    );
}

/// tiangolo/dockerswarm.rocks' Traefik v3 stack (docs/traefik-v3.yml), exactly as published,
/// set up the way its guide says: the external `traefik-public` network, the node label for the
/// certificates volume, the exported variables. Traefik gets a certificate through the
/// TLS-ALPN-01 challenge, redirects HTTP, and puts its dashboard behind basic auth.
#[test]
fn the_dockerswarm_rocks_traefik_v3_stack_deploys_as_published() {
    let path = format!(
        "{}/tests/data/traefik/dockerswarm-rocks/traefik-v3.yml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("the stack file");
    let mut world = dockyard::sim::World::new(21);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    world
        .fs
        .write("traefik.yml", &text, false)
        .expect("write the stack file");
    let mut host = Host {
        timeline: dockyard::sim::Timeline::new(world),
    };
    host.fault("dns traefik.sys.example.com node-1");
    host.run("docker network create --driver=overlay traefik-public");
    host.run(
        "docker node update --label-add traefik-public.traefik-public-certificates=true node-1",
    );
    host.run("export EMAIL=admin@example.com");
    host.run("export DOMAIN=traefik.sys.example.com");
    host.run("export USERNAME=admin");
    host.run("export HASHED_PASSWORD='$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'");
    let out = host.run("docker stack deploy -c traefik.yml traefik");
    assert!(out.contains("Creating service traefik_traefik"), "{out}");
    host.wait(60_000);
    let ls = host.run("docker service ls");
    assert!(ls.contains("1/1"), "{ls}");
    let out = host.run("curl -i http://traefik.sys.example.com/");
    assert!(out.contains("HTTP/1.1 301 Moved Permanently"), "{out}");
    assert!(
        out.contains("Location: https://traefik.sys.example.com/"),
        "{out}"
    );
    let out = host.run("curl -i https://traefik.sys.example.com/dashboard/");
    assert!(out.contains("HTTP/1.1 401 Unauthorized"), "{out}");
    let out = host.run("curl -v -u admin:test https://traefik.sys.example.com/dashboard/");
    assert!(out.contains("issuer: C=US; O=Let's Encrypt"), "{out}");
    assert!(out.contains("Traefik dashboard"), "{out}");
}

/// traefik/traefik's own Swarm setup guide (docs/content/setup/swarm.md), its stack as
/// published (the hash placeholder left in): HTTP redirects to HTTPS, whoami answers on
/// `whoami.swarm.localhost` over TLS (Traefik's default certificate, hence `-k`).
#[test]
fn the_traefik_docs_swarm_stack_deploys_as_published() {
    let dir = format!(
        "{}/tests/data/traefik/traefik-docs-setup-swarm",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(format!("{dir}/docker-compose-swarm.yaml")).expect("stack");
    let tls = std::fs::read_to_string(format!("{dir}/dynamic/tls.yaml")).expect("tls.yaml");
    let mut world = dockyard::sim::World::new(22);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    world
        .fs
        .write("docker-compose-swarm.yaml", &text, false)
        .expect("write");
    world.fs.mkdir("certs", true).expect("mkdir");
    world.fs.mkdir("dynamic", true).expect("mkdir");
    world
        .fs
        .write("dynamic/tls.yaml", &tls, false)
        .expect("write");
    let mut host = Host {
        timeline: dockyard::sim::Timeline::new(world),
    };
    let out = host.run("docker stack deploy -c docker-compose-swarm.yaml traefik");
    assert!(out.contains("Creating service traefik_whoami"), "{out}");
    host.wait(60_000);
    let out = host.run("curl -i http://whoami.swarm.localhost/");
    assert!(
        out.contains("Location: https://whoami.swarm.localhost/"),
        "{out}"
    );
    let out = host.run("curl -k https://whoami.swarm.localhost/");
    assert!(out.contains("Host: whoami.swarm.localhost"), "{out}");
    let out = host.run("curl https://whoami.swarm.localhost/");
    assert!(out.contains("curl: (60)"), "{out}");
}

/// heyvaldemar/traefik-letsencrypt-docker-swarm, a Traefik v2 (2.9) stack with v2's
/// `--providers.docker.swarmMode=true`, exactly as published: it runs (healthy through its
/// `wget …/ping --spider` healthcheck). Updating its image to v3 fails the new task (v3 refuses
/// the v2 flag), and its `update_config.failure_action: rollback` brings 2.9 back.
#[test]
fn a_traefik_v2_stack_runs_and_rolls_back_from_a_v3_image() {
    let path = format!(
        "{}/tests/data/traefik/heyvaldemar-v2/traefik-letsencrypt-docker-swarm.yml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("the stack file");
    let mut world = dockyard::sim::World::new(23);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    world.fs.write("traefik.yml", &text, false).expect("write");
    let mut host = Host {
        timeline: dockyard::sim::Timeline::new(world),
    };
    host.run("docker network create -d overlay traefik-network");
    let out = host.run("docker stack deploy -c traefik.yml traefik");
    assert!(out.contains("Creating service traefik_traefik"), "{out}");
    host.wait(60_000);
    let ps = host.run("docker service ps traefik_traefik");
    assert!(ps.contains("Running"), "{ps}");
    let out = host.run("curl -i http://node-1/");
    assert!(out.contains("404 page not found"), "{out}");
    host.run("docker service update -d --image traefik:v3.0 traefik_traefik");
    host.wait(120_000);
    let inspect = host.run("docker service inspect --format '{{.UpdateStatus.State}} {{.Spec.TaskTemplate.ContainerSpec.Image}}' traefik_traefik");
    assert!(
        inspect.contains("rollback_completed traefik:2.9"),
        "{inspect}"
    );
}
