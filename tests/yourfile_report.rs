//! The readiness report and the export on real files: every awesome-compose sample (as one host,
//! with its `.env` and secret files) and the example voting app's compose file (one host) and
//! stack file (a swarm of 1 manager and 2 workers) get a report without a panic, pinned findings
//! by rule and line, and an export with every fix that loads, has none of the fixed findings and
//! is byte-stable. The `see` links are checked against the site's catalogue.

use dockyard::scenario::catalogue::{PAGES, page};
use dockyard::scenario::pitfalls::page_of;
use dockyard::sim::yourfile::export::export;
use dockyard::sim::yourfile::report::{Mode, Report, report};
use dockyard::sim::yourfile::{Target, Upload, UploadFile};

fn data(rel: &str) -> String {
    format!("{}/tests/data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn collect(dir: &std::path::Path, prefix: &str, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
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

/// A sample's files as an upload: the compose file first, then the rest (`.env`, secrets).
fn sample(name: &str) -> Upload {
    let mut files = Vec::new();
    collect(
        std::path::Path::new(&data(&format!("awesome-compose/{name}"))),
        "",
        &mut files,
    );
    let first = files
        .iter()
        .position(|(p, _)| p == "compose.yaml" || p == "compose.yml")
        .unwrap_or_else(|| panic!("{name}: no compose file"));
    let compose = files.remove(first);
    let mut all = vec![compose];
    all.extend(files);
    Upload {
        target: Target::Host,
        files: all
            .into_iter()
            .map(|(path, text)| UploadFile { path, text })
            .collect(),
    }
}

fn voting(file: &str, target: Target) -> Upload {
    Upload {
        target,
        files: vec![UploadFile {
            path: file.to_string(),
            text: std::fs::read_to_string(data(&format!("example-voting-app/{file}"))).unwrap(),
        }],
    }
}

fn samples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(data("awesome-compose"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dockyard::sim::order::sort(&mut names);
    names
}

/// Every real file as (label, upload).
fn all_files() -> Vec<(String, Upload)> {
    let mut out: Vec<(String, Upload)> = samples()
        .into_iter()
        .map(|n| {
            let u = sample(&n);
            (n, u)
        })
        .collect();
    out.push((
        "voting/docker-compose.yml".into(),
        voting("docker-compose.yml", Target::Host),
    ));
    out.push((
        "voting/docker-stack.yml".into(),
        voting(
            "docker-stack.yml",
            Target::Swarm {
                managers: 1,
                workers: 2,
            },
        ),
    ));
    out
}

fn summary(r: &Report) -> String {
    r.findings
        .iter()
        .map(|f| {
            format!(
                "  {} {}:{} {} [{}]{}",
                f.rule,
                f.line,
                f.column,
                f.message,
                f.key(),
                if f.fix.is_some() { " (fix)" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Findings pinned per file: (file, rule, line).
const PINNED: &[(&str, &[(&str, usize)])] = &[
    ("angular", &[("DY107", 3), ("DY111", 3), ("DY120", 8)]),
    ("apache-php", &[("DY107", 3), ("DY114", 3), ("DY120", 8)]),
    (
        "aspnet-mssql",
        &[("DY121", 7), ("DY112", 10), ("DY101", 12)],
    ),
    ("django", &[("DY107", 3), ("DY113", 3), ("DY120", 8)]),
    (
        "elasticsearch-logstash-kibana",
        &[("DY101", 4), ("DY119", 10), ("DY103", 34)],
    ),
    ("fastapi", &[("DY111", 3), ("DY114", 3), ("DY120", 11)]),
    ("flask", &[("DY107", 3), ("DY111", 3), ("DY120", 11)]),
    ("flask-redis", &[("DY110", 4), ("DY119", 6), ("DY103", 19)]),
    (
        "gitea-postgres",
        &[("DY110", 4), ("DY112", 10), ("DY108", 24)],
    ),
    ("minecraft", &[("DY107", 3), ("DY110", 4), ("DY120", 6)]),
    (
        "nextcloud-postgres",
        &[("DY112", 7), ("DY121", 15), ("DY108", 23)],
    ),
    (
        "nextcloud-redis-mariadb",
        &[("DY112", 18), ("DY121", 19), ("DY108", 31)],
    ),
    (
        "nginx-aspnet-mysql",
        &[("DY111", 3), ("DY121", 15), ("DY108", 30)],
    ),
    (
        "nginx-flask-mongo",
        &[("DY110", 4), ("DY103", 27), ("DY101", 30)],
    ),
    (
        "nginx-flask-mysql",
        &[("DY121", 3), ("DY108", 18), ("DY111", 44)],
    ),
    ("nginx-golang", &[("DY111", 3), ("DY110", 4), ("DY111", 15)]),
    (
        "nginx-golang-mysql",
        &[("DY121", 13), ("DY108", 28), ("DY110", 36)],
    ),
    (
        "nginx-golang-postgres",
        &[("DY121", 13), ("DY110", 14), ("DY108", 20)],
    ),
    (
        "nginx-nodejs-redis",
        &[("DY110", 5), ("DY119", 7), ("DY111", 20)],
    ),
    (
        "nginx-wsgi-flask",
        &[("DY113", 3), ("DY114", 3), ("DY103", 13)],
    ),
    (
        "pihole-cloudflared-DoH",
        &[("DY130", 2), ("DY110", 5), ("DY110", 21)],
    ),
    ("plex", &[("DY111", 3), ("DY110", 4), ("DY118", 6)]),
    ("portainer", &[("DY111", 3), ("DY113", 3), ("DY116", 10)]),
    (
        "postgresql-pgadmin",
        &[("DY101", 5), ("DY110", 5), ("DY119", 11)],
    ),
    (
        "prometheus-grafana",
        &[("DY110", 4), ("DY110", 15), ("DY112", 22)],
    ),
    (
        "react-express-mongodb",
        &[("DY103", 28), ("DY111", 34), ("DY108", 38)],
    ),
    (
        "react-express-mysql",
        &[("DY112", 13), ("DY103", 31), ("DY121", 32)],
    ),
    (
        "react-java-mysql",
        &[("DY111", 3), ("DY113", 3), ("DY108", 33)],
    ),
    ("react-nginx", &[("DY107", 3), ("DY111", 3), ("DY113", 3)]),
    (
        "react-rust-postgres",
        &[("DY112", 25), ("DY103", 33), ("DY119", 43)],
    ),
    ("sparkjava", &[("DY107", 3), ("DY111", 3), ("DY113", 3)]),
    (
        "sparkjava-mysql",
        &[("DY107", 3), ("DY121", 9), ("DY108", 18)],
    ),
    (
        "spring-postgres",
        &[("DY121", 11), ("DY110", 12), ("DY108", 17)],
    ),
    (
        "traefik-golang",
        &[("DY107", 3), ("DY111", 3), ("DY116", 11)],
    ),
    ("vuejs", &[("DY107", 3), ("DY111", 3), ("DY113", 3)]),
    (
        "wasmedge-kafka-mysql",
        &[("DY110", 23), ("DY132", 25), ("DY101", 35)],
    ),
    (
        "wasmedge-mysql-nginx",
        &[("DY110", 11), ("DY132", 13), ("DY101", 24)],
    ),
    ("wireguard", &[("DY130", 2), ("DY111", 4), ("DY110", 5)]),
    (
        "wordpress-mysql",
        &[("DY121", 3), ("DY108", 10), ("DY110", 21)],
    ),
    (
        "voting/docker-compose.yml",
        &[("DY121", 55), ("DY112", 69), ("DY108", 71)],
    ),
    (
        "voting/docker-stack.yml",
        &[("DY130", 6), ("DY104", 8), ("DY126", 15)],
    ),
];

#[test]
fn every_real_file_gets_a_report_with_its_pinned_findings() {
    let files = all_files();
    assert_eq!(
        files.len(),
        41,
        "39 awesome-compose samples and the voting app's two files"
    );
    let mut failures = Vec::new();
    for (label, upload) in &files {
        let r = match report(upload) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{label}: {e}"));
                continue;
            }
        };
        if std::env::var("PRINT_FINDINGS").is_ok() {
            println!("{label}:\n{}", summary(&r));
        }
        let stack = matches!(upload.target, Target::Swarm { .. });
        assert_eq!(r.mode == Mode::Stack, stack);
        let pinned = PINNED
            .iter()
            .find(|(f, _)| f == label)
            .map(|(_, p)| *p)
            .unwrap_or(&[]);
        if pinned.len() < 2 {
            failures.push(format!("{label}: fewer than two pinned findings"));
        }
        for (rule, line) in pinned {
            if !r
                .findings
                .iter()
                .any(|f| f.rule == *rule && f.line == *line)
            {
                failures.push(format!(
                    "{label}: no {rule} at line {line}\n{}",
                    summary(&r)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every fix of every finding, accepted.
fn all_fix_keys(r: &Report) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.fix.is_some())
        .map(|f| f.key())
        .collect()
}

fn with_text(upload: &Upload, text: &str) -> Upload {
    let mut u = upload.clone();
    u.files[0].text = text.to_string();
    u
}

#[test]
fn exports_with_every_fix_load_lose_the_fixed_findings_and_are_stable() {
    let mut failures = Vec::new();
    let mut fixes = 0;
    for (label, upload) in all_files() {
        let r = report(&upload).unwrap();
        let keys = all_fix_keys(&r);
        fixes += keys.len();
        let once = match export(&upload, &keys) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{label}: export does not load: {e}"));
                continue;
            }
        };
        let exported = with_text(&upload, &once);
        let again = report(&exported).unwrap();
        for k in &keys {
            if again.findings.iter().any(|f| &f.key() == k) {
                failures.push(format!("{label}: {k} is still there after its fix\n{once}"));
            }
        }
        let twice = export(&exported, &keys).unwrap();
        if twice != once {
            failures.push(format!(
                "{label}: export is not stable\n{once}\n---\n{twice}"
            ));
        }
        // With nothing accepted, the export is the file with LF and one final newline.
        let plain = export(&upload, &[]).unwrap();
        let original = &upload.files[0].text;
        if plain.trim_end() != original.replace("\r\n", "\n").trim_end() {
            failures.push(format!("{label}: an export without fixes changed the file"));
        }
        if export(&with_text(&upload, &plain), &[]).unwrap() != plain {
            failures.push(format!("{label}: export → load → export differs"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(fixes > 100, "only {fixes} fixes over the real files");
}

#[test]
fn every_see_link_is_a_real_page_and_scenario() {
    let mut seen = 0;
    let mut check = |f: &dockyard::sim::yourfile::report::Finding| {
        let Some(see) = f.see else { return };
        seen += 1;
        assert!(
            page(see.page).is_some_and(|p| p.lesson.is_some()),
            "{}: page {} is not a ready page",
            f.rule,
            see.page
        );
        if let Some(s) = see.scenario {
            assert_eq!(
                page_of(s).map(|p| p.slug),
                Some(see.page),
                "{}: scenario {s} is not on page {}",
                f.rule,
                see.page
            );
        }
    };
    for (_, upload) in all_files() {
        report(&upload)
            .unwrap()
            .findings
            .iter()
            .for_each(&mut check);
    }
    for upload in [stack_example(), dockerfile_example()] {
        report(&upload)
            .unwrap()
            .findings
            .iter()
            .for_each(&mut check);
    }
    assert!(seen > 300, "{seen}");
    assert!(!PAGES.is_empty());
}

/// A stack with the swarm mistakes: bridge network, `restart`, `depends_on`, Traefik labels
/// outside `deploy:` without the port label, a database on a local volume.
fn stack_example() -> Upload {
    let text = "\
services:
  web:
    image: traefik/whoami:v1.11
    restart: always
    depends_on: [db]
    labels:
      - traefik.enable=true
      - traefik.http.routers.web.rule=Host(`web.example`)
    networks: [front]
  db:
    image: postgres:16
    volumes:
      - db-data:/var/lib/postgresql/data
    networks: [front]
    ports:
      - 5432:5432
networks:
  front:
    driver: bridge
volumes:
  db-data:
";
    Upload {
        target: Target::Swarm {
            managers: 3,
            workers: 2,
        },
        files: vec![UploadFile {
            path: "stack.yml".into(),
            text: text.into(),
        }],
    }
}

fn dockerfile_example() -> Upload {
    let compose = "services:\n  api:\n    build: ./api\n    ports: [\"8080:8080\"]\n";
    let dockerfile = "\
FROM node
MAINTAINER Jane <jane@example.com>
WORKDIR app
ADD package.json .
RUN apk add curl
RUN cd /tmp && curl -s https://example.com | sh
USER root
RUN apt-get install curl && pip install flask
CMD node server.js
CMD [\"node\", \"server.js\"]
";
    Upload {
        target: Target::Host,
        files: vec![
            UploadFile {
                path: "compose.yaml".into(),
                text: compose.into(),
            },
            UploadFile {
                path: "api/Dockerfile".into(),
                text: dockerfile.into(),
            },
        ],
    }
}

fn rules_at(r: &Report) -> Vec<(&'static str, usize)> {
    r.findings.iter().map(|f| (f.rule, f.line)).collect()
}

#[test]
fn a_stack_gets_the_swarm_rules_and_their_fixes() {
    let up = stack_example();
    let r = report(&up).unwrap();
    let found = rules_at(&r);
    for want in [
        ("DY122", 4),
        ("DY123", 5),
        ("DY124", 6),
        ("DY125", 6),
        ("DY126", 10),
        ("DY119", 16),
        ("DY105", 19),
    ] {
        assert!(found.contains(&want), "{want:?} in {found:?}");
    }
    // Not Compose rules: no DY107 (restart missing) nor DY103 in a stack.
    assert!(r.of("DY107").is_empty() && r.of("DY103").is_empty());
    assert_eq!(r.of("DY104").len(), 0, "three managers");
    let port = r.of("DY125")[0].fix.as_ref().unwrap();
    assert!(
        port.diff
            .contains("+      - traefik.http.services.web.loadbalancer.server.port=80"),
        "{}",
        port.diff
    );
    let keys = all_fix_keys(&r);
    let out = export(&up, &keys).unwrap();
    assert_eq!(
        out,
        "\
services:
  web:
    image: traefik/whoami:v1.11
    depends_on: [db]
    networks: [front]
    logging:
      driver: json-file
      options:
        max-size: 10m
        max-file: \"3\"
    deploy:
      restart_policy:
        condition: any
      labels:
        - traefik.enable=true
        - traefik.http.routers.web.rule=Host(`web.example`)
        - traefik.http.services.web.loadbalancer.server.port=80
  db:
    image: postgres:16
    volumes:
      - db-data:/var/lib/postgresql/data
    networks: [front]
    ports:
      - 5432:5432
    healthcheck:
      test: [\"CMD-SHELL\", \"pg_isready -U $${POSTGRES_USER:-postgres}\"]
      interval: 10s
      timeout: 5s
      retries: 5
      start_period: 30s
    logging:
      driver: json-file
      options:
        max-size: 10m
        max-file: \"3\"
networks:
  front:
    driver: overlay
volumes:
  db-data:
"
    );
}

#[test]
fn dockerfiles_get_hadolints_rules() {
    let up = dockerfile_example();
    let r = report(&up).unwrap();
    let in_dockerfile: Vec<(&str, usize)> = r
        .findings
        .iter()
        .filter(|f| f.file == "api/Dockerfile")
        .map(|f| (f.rule, f.line))
        .collect();
    for want in [
        ("DY301", 1),
        ("DY309", 2),
        ("DY306", 3),
        ("DY304", 4),
        ("DY311", 5),
        ("DY308", 6),
        ("DY307", 6),
        ("DY312", 6),
        ("DY303", 7),
        ("DY317", 8),
        ("DY318", 8),
        ("DY319", 8),
        ("DY320", 8),
        ("DY305", 9),
        ("DY310", 10),
    ] {
        assert!(
            in_dockerfile.contains(&want),
            "{want:?} in {in_dockerfile:?}"
        );
    }
    // The compose file's findings come first, then the Dockerfile's by line.
    assert_eq!(r.findings[0].file, "compose.yaml");
    assert!(
        r.findings
            .iter()
            .all(|f| f.file != "api/Dockerfile" || f.service.as_deref() == Some("api"))
    );
    let keys = all_fix_keys(&r);
    let files = dockyard::sim::yourfile::export::export_upload(&up, &keys).unwrap();
    let dockerfile = &files.files[1].text;
    assert!(dockerfile.starts_with("FROM node:26\nLABEL maintainer=\"Jane <jane@example.com>\"\nWORKDIR app\nCOPY package.json .\nRUN apk add --no-cache curl\n"), "{dockerfile}");
    assert!(
        dockerfile.contains("\nRUN apt-get install --no-install-recommends -y curl && pip install --no-cache-dir flask\n"),
        "{dockerfile}"
    );
    let after = report(&files).unwrap();
    for k in &keys {
        assert!(!after.findings.iter().any(|f| &f.key() == k), "{k}");
    }
}

#[test]
fn a_file_that_does_not_load_gets_the_loaders_words() {
    let e = report(&Upload::compose("services:\n  web:\n    image: [\n")).unwrap_err();
    assert!(e.contains("line 3"), "{e}");
    let e = report(&Upload::compose("services:\n  web:\n    imag: nginx\n")).unwrap_err();
    assert!(
        e.starts_with("validating compose.yaml: services.web"),
        "{e}"
    );
    assert!(e.contains("line 3, column 5"), "{e}");
}

#[test]
fn localhost_between_services_is_found_and_fixed() {
    let up = Upload::compose(
        "services:\n  api:\n    image: node:22\n    environment:\n      DATABASE_URL: postgres://app@localhost:5432/app # the db\n      - x\n",
    );
    // (The list item above makes the file invalid: a finding needs a file that loads.)
    assert!(report(&up).is_err());
    let up = Upload::compose(
        "services:\n  api:\n    image: node:22\n    environment:\n      DATABASE_URL: \"postgres://app@localhost:5432/app\" # the db\n      REDIS_HOST: localhost\n      REACT_APP_API: http://localhost:5432\n  db:\n    image: postgres:16\n  cache:\n    image: redis:7\n",
    );
    let r = report(&up).unwrap();
    let local = r.of("DY102");
    assert_eq!(local.len(), 2, "{:?}", rules_at(&r));
    assert_eq!((local[0].line, local[0].column), (5, 21));
    let keys: Vec<String> = local.iter().map(|f| f.key()).collect();
    let out = export(&up, &keys).unwrap();
    assert!(
        out.contains(
            "DATABASE_URL: \"postgres://app@db:5432/app\" # the db\n      REDIS_HOST: cache\n"
        ),
        "{out}"
    );
}

#[test]
fn a_compose_file_gets_the_host_rules_and_their_fixes() {
    let text = "\
version: \"3.8\"
services:
  api:
    image: node:22
    container_name: app
    privileged: true
    depends_on:
      - db
      - cache
    ports:
      - \"8080:8080\"
    deploy:
      replicas: 2
  web:
    image: nginx:1.27
    container_name: app
    ports:
      - 8080:80
    restart: always
  db:
    image: postgres # the database
    ports:
      - target: 5432
        published: 5432
  cache:
    image: redis:7
    network_mode: host
";
    let up = Upload::compose(text);
    let r = report(&up).unwrap();
    let found = rules_at(&r);
    for want in [
        ("DY130", 1),
        ("DY115", 4),
        ("DY117", 6),
        ("DY103", 8),
        ("DY103", 9),
        ("DY106", 11),
        ("DY133", 16),
        ("DY131", 18),
        ("DY101", 21),
        ("DY110", 21),
        ("DY119", 23),
        ("DY118", 27),
    ] {
        assert!(found.contains(&want), "{want:?} in {found:?}");
    }
    assert!(
        r.of("DY107")
            .iter()
            .all(|f| f.service.as_deref() != Some("web"))
    );
    let version = r.of("DY130")[0];
    assert_eq!(
        version.fix.as_ref().unwrap().diff,
        "--- a/compose.yaml\n+++ b/compose.yaml\n@@ -1,4 +1,3 @@\n-version: \"3.8\"\n services:\n   api:\n     image: node:22\n"
    );
    let only = |rules: &[&str]| -> Vec<String> {
        r.findings
            .iter()
            .filter(|f| f.fix.is_some() && rules.contains(&f.rule))
            .map(|f| f.key())
            .collect()
    };
    let out = export(&up, &only(&["DY130", "DY103", "DY101", "DY110", "DY119"])).unwrap();
    assert_eq!(
        out,
        "\
services:
  api:
    image: node:22
    container_name: app
    privileged: true
    depends_on:
      db:
        condition: service_healthy
      cache:
        condition: service_healthy
    ports:
      - \"8080:8080\"
    deploy:
      replicas: 2
  web:
    image: nginx:1.27
    container_name: app
    ports:
      - 8080:80
    restart: always
  db:
    image: postgres:18 # the database
    ports:
      - target: 5432
        host_ip: 127.0.0.1
        published: 5432
    healthcheck:
      test: [\"CMD-SHELL\", \"pg_isready -U $${POSTGRES_USER:-postgres}\"]
      interval: 10s
      timeout: 5s
      retries: 5
      start_period: 30s
    volumes:
      - db-data:/var/lib/postgresql/data
  cache:
    image: redis:7
    network_mode: host
    healthcheck:
      test: [\"CMD\", \"redis-cli\", \"ping\"]
      interval: 10s
      timeout: 5s
      retries: 5
      start_period: 30s
volumes:
  db-data: {}
"
    );
}

#[test]
fn a_stack_names_what_the_swarm_ignores() {
    let text = "services:\n  web:\n    image: nginx:1.27\n    build: .\n    privileged: true\n    container_name: web\n";
    let up = Upload {
        target: Target::Swarm {
            managers: 1,
            workers: 0,
        },
        files: Upload::compose(text).files,
    };
    let r = report(&up).unwrap();
    let ignored: Vec<usize> = r.of("DY127").iter().map(|f| f.line).collect();
    assert_eq!(ignored, [4, 5, 6]);
    assert!(r.of("DY117").is_empty() && r.of("DY132").is_empty());
    assert_eq!(r.of("DY104").len(), 1);
    assert_eq!(r.managers, 1);
}

#[test]
fn merged_keys_are_reported_where_the_merge_is_and_not_edited_blindly() {
    let text = "\
x-common: &common
  restart: always
  image: nginx:latest
services:
  web:
    <<: *common
    ports: ['80:80']
  api:
    <<: *common
";
    let up = Upload {
        target: Target::Swarm {
            managers: 3,
            workers: 0,
        },
        files: Upload::compose(text).files,
    };
    let r = report(&up).unwrap();
    // The merged `restart` is found, at the alias that brought it in.
    let restart = r.of("DY122");
    assert_eq!(restart.len(), 2);
    assert_eq!((restart[0].line, restart[0].column), (6, 9));
    // Deleting it there would delete the merge line: no fix is offered.
    assert!(restart.iter().all(|f| f.fix.is_none()));
    let out = export(&up, &all_fix_keys(&r)).unwrap();
    assert!(out.contains("<<: *common"), "{out}");
    assert!(report(&with_text(&up, &out)).is_ok());
}

#[test]
fn a_service_made_only_of_merged_keys_gets_no_blind_insertion() {
    let text = "x-common: &common\n  image: postgres:16\nservices:\n  db:\n    <<: *common\n";
    let r = report(&Upload::compose(text)).unwrap();
    let health = r.of("DY111");
    assert_eq!(health.len(), 1);
    assert!(health[0].fix.is_none(), "{:?}", health[0].fix);
}

/// Applies a unified diff the way `patch` does (hunks in order, context checked).
fn patch(original: &str, diff: &str) -> Result<String, String> {
    let old: Vec<&str> = original.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut at = 0;
    for line in diff.lines().skip(2) {
        if let Some(header) = line.strip_prefix("@@ -") {
            let start: usize = header
                .split([',', ' '])
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or(format!("bad hunk header {line}"))?;
            // An empty range names the line before it.
            let from = if header.split(' ').next().is_some_and(|r| r.ends_with(",0")) {
                start
            } else {
                start - 1
            };
            while at < from {
                out.push(old[at].to_string());
                at += 1;
            }
        } else if let Some(kept) = line.strip_prefix(' ') {
            if old.get(at) != Some(&kept) {
                return Err(format!("context {kept:?} is not line {}", at + 1));
            }
            out.push(kept.to_string());
            at += 1;
        } else if let Some(gone) = line.strip_prefix('-') {
            if old.get(at) != Some(&gone) {
                return Err(format!("deleted {gone:?} is not line {}", at + 1));
            }
            at += 1;
        } else if let Some(added) = line.strip_prefix('+') {
            out.push(added.to_string());
        }
    }
    out.extend(old[at..].iter().map(|l| l.to_string()));
    Ok(out.join("\n") + "\n")
}

#[test]
fn every_fix_diff_applies_with_patch_and_gives_the_fixed_file() {
    let mut checked = 0;
    let mut uploads: Vec<Upload> = all_files().into_iter().map(|(_, u)| u).collect();
    uploads.extend([stack_example(), dockerfile_example()]);
    for upload in uploads {
        let r = report(&upload).unwrap();
        for f in &r.findings {
            let Some(fix) = &f.fix else { continue };
            let original = upload
                .files
                .iter()
                .find(|x| x.path == fix.file)
                .map(|x| x.text.replace("\r\n", "\n"))
                .unwrap();
            let original = format!("{}\n", original.trim_end_matches('\n'));
            let patched = patch(&original, &fix.diff)
                .unwrap_or_else(|e| panic!("{}: {e}\n{}", f.key(), fix.diff));
            // The fixed file is what the export gives with that one fix.
            let exported =
                dockyard::sim::yourfile::export::export_upload(&upload, &[f.key()]).unwrap();
            let want = &exported
                .files
                .iter()
                .find(|x| x.path == fix.file)
                .unwrap()
                .text;
            assert_eq!(&patched, want, "{}\n{}", f.key(), fix.diff);
            checked += 1;
        }
    }
    assert!(checked > 150, "{checked}");
}
