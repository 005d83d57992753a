//! Real images from the catalogue data (src/sim/docker/catalogue.rs, assets/images/catalogue.json)
//! through the terminal: tags by each repository's grammar, Docker Hub's errors for a tag or a name
//! that cannot exist, a database's entrypoint refusing to start without its password (the
//! entrypoint's own words, exit 1), web servers answering, healthcheck tools per variant, and
//! images nobody catalogued run as generic services with the narration saying so.

mod common;

use common::{Host, output};
use dockyard::sim::docker::container::Status;

#[test]
fn tags_resolve_by_each_repository_s_grammar() {
    let mut host = Host::new(1);
    for reference in [
        "postgres:15-alpine",
        "postgres:alpine",
        "redis:7.4-bookworm",
        "nginx:1.28-alpine",
        "mysql:8.4",
        "mariadb:10.6.4-focal",
        "mongo:latest",
        "grafana/grafana",
        "prom/prometheus",
        "docker.elastic.co/elasticsearch/elasticsearch:8.15.0",
    ] {
        let out = host.run(&format!("docker pull {reference}"));
        assert!(
            out.contains("Status: Downloaded newer image for"),
            "{reference}: {out}"
        );
    }
    let images = host.run("docker images");
    assert!(
        images.contains("postgres") && images.contains("15-alpine"),
        "{images}"
    );
}

/// distribution's registry answers: a tag that cannot exist, a name outside the official library.
#[test]
fn impossible_tags_and_misspelt_names_get_docker_hub_s_answers() {
    let mut host = Host::new(1);
    for (line, expected) in [
        (
            "docker pull postgres:99",
            "manifest for postgres:99 not found: manifest unknown: manifest unknown",
        ),
        (
            "docker pull nginx:banana",
            "manifest for nginx:banana not found: manifest unknown: manifest unknown",
        ),
        (
            "docker run -d ngnix",
            "pull access denied for ngnix, repository does not exist or may require 'docker login'",
        ),
        (
            "docker run -d postgress:16",
            "pull access denied for postgress, repository does not exist or may require 'docker login'",
        ),
        (
            "docker run -d elasticsearch",
            "manifest for elasticsearch:latest not found",
        ),
    ] {
        let out = host.run(line);
        assert!(out.contains(expected), "{line}: {out}");
    }
    assert!(host.world().engine.containers.is_empty());
}

/// docker-library/mysql docker-entrypoint.sh: no root password option → the error, exit 1.
#[test]
fn a_database_refuses_to_start_without_its_password_in_its_entrypoint_s_words() {
    let mut host = Host::new(2);
    host.run("docker run -d --name db mysql:8.4");
    host.wait(3_000);
    let c = host.container("db");
    assert_eq!((c.status(), c.state.exit_code), (Status::Exited, 1));
    assert!(
        host.logs("db")
            .contains("Database is uninitialized and password option is not specified"),
        "{}",
        host.logs("db")
    );
    host.run("docker run -d --name db2 -e MYSQL_ROOT_PASSWORD=secret mysql:8.4");
    host.wait(15_000);
    let c = host.container("db2");
    assert_eq!(c.status(), Status::Running);
    assert!(
        host.logs("db2").contains("ready for connections"),
        "{}",
        host.logs("db2")
    );
}

#[test]
fn a_web_server_from_the_catalogue_answers_http() {
    let mut host = Host::new(3);
    host.run("docker run -d --name web -p 8080:80 httpd:2.4");
    host.wait(2_000);
    assert_eq!(host.container("web").status(), Status::Running);
    let out = host.run("curl http://localhost:8080/");
    assert!(out.contains("It works!"), "{out}");
}

#[test]
fn an_image_nobody_catalogued_runs_as_a_generic_service_and_the_narration_says_so() {
    let mut host = Host::new(4);
    let record = host.sh("docker run -d --name api -p 3000:3000 myorg/api:1.2");
    let said = record.narration.join(" ");
    assert!(
        said.contains("does not know the image myorg/api:1.2"),
        "{said}"
    );
    host.wait(1_000);
    assert_eq!(host.container("api").status(), Status::Running);
    let out = host.run("curl http://localhost:3000/");
    assert!(out.contains("Dockyard does not know"), "{out}");
    // An unknown command in a known OS image still fails to exec (exit 127).
    let out = output(&host.sh("docker run --name nope debian:bookworm nosuchcmd"));
    assert!(out.contains("executable file not found in $PATH"), "{out}");
}

/// A compose-style healthcheck calls a tool only the image variant carries: mysqladmin is in
/// mysql, not in an alpine-based redis.
#[test]
fn healthcheck_tools_follow_the_image_variant() {
    let mut host = Host::new(5);
    host.run(
        "docker run -d --name db -e MYSQL_ROOT_PASSWORD=x --health-cmd 'mysqladmin ping -h localhost' --health-interval 2s mysql:8.4",
    );
    host.run(
        "docker run -d --name mq --health-cmd 'mysqladmin ping' --health-interval 2s --health-retries 2 memcached:1.6-alpine",
    );
    host.wait(30_000);
    let health = |name: &str| {
        host.container(name)
            .health
            .as_ref()
            .map(|h| h.status.as_str().to_string())
            .unwrap_or_default()
    };
    assert_eq!(health("db"), "healthy");
    assert_eq!(health("mq"), "unhealthy");
}

/// Every tag docker-library lists today for a catalogued official repository
/// (assets/images/tags/<name>.txt, from official-images' history) must resolve by that
/// repository's tag grammar; Windows-only tags aside (the simulated host is Linux).
#[test]
fn the_tags_docker_library_lists_today_resolve() {
    use dockyard::sim::docker::catalogue::{Resolution, resolve};
    use dockyard::sim::docker::image::ImageRef;
    let dir = format!("{}/assets/images/tags", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    dockyard::sim::order::sort_by_key(&mut files, |e| e.file_name());
    let (mut total, mut missed) = (0, Vec::new());
    for entry in files {
        let name = entry
            .file_name()
            .to_string_lossy()
            .trim_end_matches(".txt")
            .to_string();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.get(3) != Some(&"yes") {
                continue;
            }
            let tag = cols[0];
            if tag.contains("windows") || tag.contains("nanoserver") || tag.contains("ltsc") {
                continue;
            }
            total += 1;
            let reference = ImageRef::parse(&format!("{name}:{tag}")).unwrap();
            if !matches!(resolve(&reference), Resolution::Known(_)) {
                missed.push(format!("{name}:{tag}"));
            }
        }
    }
    // 162 of 2,094 still miss (7.7 %): pre-release tags of a family the catalogue does not list
    // yet (`mariadb:13.0-rc`), `golang:tip-DATE`, and variants the catalogue's data leaves out
    // (maven's amazoncorretto-*, php's RC builds with variants). This pins that it gets no worse.
    let share = missed.len() as f64 / total as f64;
    assert!(
        share < 0.08,
        "{} of {total} current tags do not resolve, e.g. {:?}",
        missed.len(),
        &missed[..missed.len().min(40)]
    );
}

/// The mysql image declares `VOLUME /var/lib/mysql` (docker-library/mysql Dockerfile) and its
/// first start initialises InnoDB there (`ibdata1`, `mysql.ibd`, undo tablespaces, `auto.cnf`):
/// the named volume holds the data, and outlives the container.
#[test]
fn a_catalogue_database_writes_its_data_directory_into_its_volume() {
    let mut h = common::Host::new(1);
    h.run("docker run -d --name db -e MYSQL_ROOT_PASSWORD=x -v data:/var/lib/mysql mysql:8.4");
    h.wait(30_000);
    let listed = h.run("docker exec db ls /var/lib/mysql");
    for f in ["ibdata1", "mysql.ibd", "auto.cnf"] {
        assert!(listed.contains(f), "{f} in {listed}");
    }
    let size = h.world().engine.volumes["data"].size_bytes();
    assert!(size > 50_000_000, "{size}");
    h.run("docker rm -f db");
    assert_eq!(h.world().engine.volumes["data"].size_bytes(), size);
    // Without a mount, the image's VOLUME gets an anonymous volume that holds the same files.
    h.run("docker run -d --name m2 -e MONGO_INITDB_ROOT_USERNAME=a -e MONGO_INITDB_ROOT_PASSWORD=b mongo:8");
    h.wait(30_000);
    assert!(h.run("docker exec m2 ls /data/db").contains("WiredTiger"));
}
