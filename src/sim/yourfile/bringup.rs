//! Bringing the reader's file up: the start world, the command that starts it, and what was
//! guessed on the way.
//!
//! Real life: `docker compose up -d` in the folder that holds `compose.yaml` (with `-f FILE` when
//! the file has another name) builds every `build:` service from its folder and starts the
//! project; `docker stack deploy -c FILE app` on a swarm manager ignores `build:` ("Ignoring
//! unsupported options: build") and refuses a service that names no image ("invalid image
//! reference for service web: no image specified"). A folder that is not there makes BuildKit
//! fail with `unable to prepare context: path "…" not found`.
//!
//! What we model: the upload's files are written into the project folder of one host or of
//! node-1 of a formed swarm (src/sim/swarm/setup.rs), and loaded with the terminal's own Compose
//! loader, so a broken file fails with Compose's words and its line and column. For every
//! `build:` service whose folder the reader did not give, a small generic build context of the
//! right kind is written into that folder (a Dockerfile and the two or three files it copies), so
//! the simulator's real BuildKit builds it and the container answers HTTP on the port the file
//! expects. The kind comes from the pasted Dockerfile's `FROM` when there is one, else from the
//! service's ports and name. Images the catalogue does not know run as generic services; the
//! narration says each guess in one sentence.
//!
//! What we simplify: the generic programs answer every path with one fixed body (a Node.js one
//! is the simulator's `server.js` web app, nginx serves its `index.html`, the others run as the
//! catalogue's generic service of their base image, named by the OCI label
//! `org.opencontainers.image.base.name`); a pasted Dockerfile whose folder's files are missing is
//! replaced by the generic one of the same kind (building it as is would stop at its first
//! `COPY`), and the narration says so.

use super::{STACK_NAME, Target, Upload};
use crate::sim::docker::catalogue::{self, BASE_NAME_LABEL, Resolution};
use crate::sim::docker::compose::{self, DEFAULT_FILES, model::Service};
use crate::sim::docker::dockerfile;
use crate::sim::docker::image::ImageRef;
use crate::sim::hostfs::{PROJECT_DIR, is_within, normalise};
use crate::sim::world::World;

/// The start of a "Your file" run.
#[derive(Clone, Debug)]
pub struct BringUp {
    /// The start world: the host (or a formed swarm, the terminal on node-1) with the upload's
    /// files in the project folder and the generic build contexts written.
    pub world: World,
    /// `docker compose up -d` (with `-f FILE` when Compose would not find the file by itself) or
    /// `docker stack deploy -c FILE app`.
    pub command: String,
    /// One sentence per guess: generic builds, unknown images, files not given.
    pub narration: Vec<String>,
}

/// The kind of program a generic build stands in for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Node,
    Python,
    Go,
    Java,
    Php,
    Rust,
    Nginx,
    /// No port: a long-running worker.
    Worker,
}

impl Kind {
    /// The word the narration uses.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Node => "Node.js",
            Kind::Python => "Python",
            Kind::Go => "Go",
            Kind::Java => "Java",
            Kind::Php => "PHP",
            Kind::Rust => "Rust",
            Kind::Nginx => "nginx",
            Kind::Worker => "worker",
        }
    }

    /// The base image the generic Dockerfile starts from.
    pub fn base(self) -> &'static str {
        match self {
            Kind::Node => "node:20-alpine",
            Kind::Python => "python:3.12-alpine",
            Kind::Go => "golang:1.22-alpine",
            Kind::Java => "eclipse-temurin:21-jdk",
            Kind::Php => "php:8.3-cli",
            Kind::Rust => "rust:1.80",
            Kind::Nginx => "nginx:1.27-alpine",
            Kind::Worker => "alpine:3.20",
        }
    }

    /// The kind an image name suggests (a `FROM` line's image): `None` when it says nothing
    /// (`scratch`, `alpine`, `debian`: a final stage that only carries a binary).
    pub fn of_image(image: &str) -> Option<Kind> {
        let repo = image
            .rsplit('/')
            .next()
            .unwrap_or(image)
            .split([':', '@'])
            .next()
            .unwrap_or("");
        Some(match repo {
            "node" => Kind::Node,
            "python" | "uvicorn-gunicorn-fastapi" | "pypy" => Kind::Python,
            "golang" => Kind::Go,
            "eclipse-temurin" | "openjdk" | "maven" | "gradle" | "amazoncorretto" => Kind::Java,
            "php" => Kind::Php,
            "rust" => Kind::Rust,
            "nginx" | "httpd" => Kind::Nginx,
            _ => return None,
        })
    }

    /// The kind a service's name and first port suggest: the name's hints first (`flask`,
    /// `golang`, `spring`…), then the port's convention (3000 Node.js, 5000/8000 Python, 8080
    /// Java, 80/443 nginx for a front or a proxy).
    pub fn guess(name: &str, port: Option<u16>) -> Kind {
        let name = name.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
        let Some(port) = port else {
            return Kind::Worker;
        };
        let web_port = matches!(port, 80 | 443);
        if has(&["nginx", "proxy"]) && web_port {
            return Kind::Nginx;
        }
        if has(&["flask", "django", "python", "fastapi", "wsgi", "gunicorn"]) {
            return Kind::Python;
        }
        if has(&["golang", "go-"]) || name == "go" {
            return Kind::Go;
        }
        if has(&["java", "spring", "spark", "maven"]) {
            return Kind::Java;
        }
        if has(&["rust"]) {
            return Kind::Rust;
        }
        if has(&["php"]) {
            return Kind::Php;
        }
        if has(&["node", "express", "react", "vue", "angular", "next"]) && !web_port {
            return Kind::Node;
        }
        match port {
            80 | 443 => Kind::Nginx,
            5000 | 8000 | 8001 => Kind::Python,
            8080 => Kind::Java,
            9000 => Kind::Php,
            _ => Kind::Node,
        }
    }
}

/// Where the kind of a generic build came from, for the narration.
enum Why {
    Dockerfile(String),
    Guess,
}

/// The files of a generic build context: (path inside the context, text). `port` is the port the
/// program answers on (`None` for a worker).
/// `target` names the stage (`build.target` in the file) so that BuildKit finds it.
/// Long because it is one small context per kind (a Dockerfile and the source it copies), written
/// out in full so that each reads as the file a person would write.
pub fn generic_context(
    kind: Kind,
    service: &str,
    port: Option<u16>,
    target: Option<&str>,
) -> Vec<(String, String)> {
    let port_n = port.unwrap_or(80);
    let header = format!(
        "# Dockyard's generic stand-in for service {service}: its build folder was not given.\n"
    );
    let label = format!("LABEL {BASE_NAME_LABEL}=\"{}\"\n", kind.base());
    let from = match target {
        Some(stage) => format!("FROM {} AS {stage}\n", kind.base()),
        None => format!("FROM {}\n", kind.base()),
    };
    let expose = port.map(|p| format!("EXPOSE {p}\n")).unwrap_or_default();
    let dockerfile = |body: &str| format!("{header}{from}{label}{body}");
    let files: Vec<(&str, String)> = match kind {
        Kind::Node => vec![
            (
                "Dockerfile",
                dockerfile(&format!(
                    "WORKDIR /app\nCOPY package.json ./\nRUN npm install --omit=dev\nCOPY server.js ./\nENV APP_VERSION=1.0 PORT={port_n}\n{expose}CMD [\"node\", \"server.js\"]\n"
                )),
            ),
            (
                "package.json",
                format!(
                    "{{\n  \"name\": \"{service}\",\n  \"version\": \"1.0.0\",\n  \"main\": \"server.js\",\n  \"dependencies\": {{}}\n}}\n"
                ),
            ),
            (
                "server.js",
                format!(
                    "// A generic HTTP server on $PORT: answers every path, /health included.\nconst http = require('http');\nconst port = Number(process.env.PORT || {port_n});\nhttp.createServer((req, res) => res.end(JSON.stringify({{ service: '{service}' }})))\n  .listen(port, () => console.log(`{service} listening on :${{port}}`));\nprocess.on('SIGTERM', () => process.exit(0));\n"
                ),
            ),
        ],
        Kind::Python => vec![
            (
                "Dockerfile",
                dockerfile(&format!(
                    "WORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY app.py ./\n{expose}CMD [\"python\", \"app.py\"]\n"
                )),
            ),
            ("requirements.txt", "# no dependencies\n".to_string()),
            (
                "app.py",
                format!(
                    "# A generic HTTP server: answers every path.\nfrom http.server import BaseHTTPRequestHandler, HTTPServer\n\nclass Handler(BaseHTTPRequestHandler):\n    def do_GET(self):\n        self.send_response(200)\n        self.end_headers()\n        self.wfile.write(b'{service}')\n\nHTTPServer(('0.0.0.0', {port_n}), Handler).serve_forever()\n"
                ),
            ),
        ],
        Kind::Go => vec![
            (
                "Dockerfile",
                dockerfile(&format!(
                    "WORKDIR /src\nCOPY go.mod main.go ./\nRUN go build -o /usr/local/bin/server .\n{expose}CMD [\"server\"]\n"
                )),
            ),
            ("go.mod", format!("module {service}\n\ngo 1.22\n")),
            (
                "main.go",
                format!(
                    "// A generic HTTP server: answers every path.\npackage main\n\nimport \"net/http\"\n\nfunc main() {{\n\thttp.HandleFunc(\"/\", func(w http.ResponseWriter, r *http.Request) {{ w.Write([]byte(\"{service}\")) }})\n\thttp.ListenAndServe(\":{port_n}\", nil)\n}}\n"
                ),
            ),
        ],
        Kind::Java => vec![
            (
                "Dockerfile",
                dockerfile(&format!(
                    "WORKDIR /app\nCOPY Main.java ./\n{expose}CMD [\"java\", \"Main.java\"]\n"
                )),
            ),
            (
                "Main.java",
                format!(
                    "// A generic HTTP server (run as a single-file program): answers every path.\nimport com.sun.net.httpserver.HttpServer;\nimport java.net.InetSocketAddress;\n\npublic class Main {{\n    public static void main(String[] args) throws Exception {{\n        HttpServer server = HttpServer.create(new InetSocketAddress({port_n}), 0);\n        server.createContext(\"/\", exchange -> {{\n            byte[] body = \"{service}\".getBytes();\n            exchange.sendResponseHeaders(200, body.length);\n            exchange.getResponseBody().write(body);\n            exchange.close();\n        }});\n        server.start();\n    }}\n}}\n"
                ),
            ),
        ],
        Kind::Php => vec![
            (
                "Dockerfile",
                dockerfile(&format!(
                    "COPY index.php /var/www/html/\n{expose}CMD [\"php\", \"-S\", \"0.0.0.0:{port_n}\", \"-t\", \"/var/www/html\"]\n"
                )),
            ),
            ("index.php", format!("<?php echo '{service}';\n")),
        ],
        Kind::Rust => vec![
            (
                "Dockerfile",
                dockerfile(&format!(
                    "WORKDIR /app\nCOPY Cargo.toml ./\nCOPY src ./src\nRUN cargo build --release\n{expose}CMD [\"/app/target/release/{}\"]\n",
                    crate_name(service)
                )),
            ),
            (
                "Cargo.toml",
                format!(
                    "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
                    crate_name(service)
                ),
            ),
            (
                "src/main.rs",
                format!(
                    "// A generic TCP server answering HTTP: every path gets the same body.\nuse std::io::Write;\n\nfn main() {{\n    let listener = std::net::TcpListener::bind(\"0.0.0.0:{port_n}\").unwrap();\n    for stream in listener.incoming().flatten() {{\n        let mut stream = stream;\n        let _ = stream.write_all(b\"HTTP/1.1 200 OK\\r\\ncontent-length: {}\\r\\n\\r\\n{service}\");\n    }}\n}}\n",
                    service.len()
                ),
            ),
        ],
        Kind::Nginx => vec![
            (
                "Dockerfile",
                dockerfile("COPY index.html /usr/share/nginx/html/index.html\nEXPOSE 80\n"),
            ),
            (
                "index.html",
                format!(
                    "<!DOCTYPE html>\n<html>\n<head><title>{service}</title></head>\n<body><h1>{service}</h1></body>\n</html>\n"
                ),
            ),
        ],
        Kind::Worker => vec![(
            "Dockerfile",
            dockerfile(
                "CMD [\"sh\", \"-c\", \"trap 'exit 0' TERM; while true; do sleep 3600; done\"]\n",
            ),
        )],
    };
    files.into_iter().map(|(p, t)| (p.to_string(), t)).collect()
}

/// A Cargo package name from a service name.
fn crate_name(service: &str) -> String {
    let name: String = service
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if name.is_empty() {
        "app".to_string()
    } else {
        name
    }
}

/// The ports a service's program is expected to answer on: its `ports:` targets, then its
/// `expose:` entries, in the file's order, without repeats.
pub fn expected_ports(service: &Service) -> Vec<u16> {
    let mut out: Vec<u16> = Vec::new();
    let exposed = service.expose.iter().filter_map(|e| {
        e.split('/')
            .next()
            .and_then(|p| p.split('-').next())
            .and_then(|p| p.parse::<u16>().ok())
    });
    for port in service
        .ports
        .iter()
        .filter(|p| p.protocol != "udp")
        .filter_map(|p| u16::try_from(p.target).ok())
        .chain(exposed)
    {
        if port != 0 && !out.contains(&port) {
            out.push(port);
        }
    }
    out
}

/// The path of an upload file inside the host's filesystem.
fn absolute(path: &str) -> String {
    normalise(PROJECT_DIR, path)
}

/// Writes a file, making its folders.
fn put(world: &mut World, abs: &str, text: &str) -> Result<(), String> {
    if let Some(i) = abs.rfind('/')
        && i > 0
    {
        world.fs.mkdir(&abs[..i], true)?;
    }
    world.fs.write(abs, text, false)
}

/// The file as the reader named it, relative to the project folder.
fn shown(abs: &str) -> String {
    abs.strip_prefix(PROJECT_DIR)
        .map(|r| format!(".{r}"))
        .unwrap_or_else(|| abs.to_string())
}

/// Loads the upload onto a fresh world and writes what a run needs.
/// Long because it is the bring-up in order: the machines, the files, the load (with its
/// line:column error), then one pass per service for builds, images and files not given.
pub fn bring_up(upload: &Upload, seed: u64) -> Result<BringUp, String> {
    upload.validate()?;
    let target = upload.target.clamped();
    let mut world = World::new(seed);
    if let Target::Swarm { managers, workers } = target {
        crate::sim::swarm::setup::form(&mut world, managers, workers);
    }
    for file in &upload.files {
        put(&mut world, &absolute(&file.path), &file.text)?;
    }
    let compose_file = upload.compose_file().ok_or("no compose file was given")?;
    let file = compose_file.path.trim_start_matches("./").to_string();
    let loaded = compose::load(&world, Some(&file), None).map_err(|e| match e.position {
        Some((line, column)) if line > 0 => format!("{file}:{line}:{column}: {}", e.message),
        _ => format!("{file}: {}", e.message),
    })?;
    let project = loaded.project;
    let mut narration = Vec::new();
    let command = match target {
        Target::Host if DEFAULT_FILES.contains(&file.as_str()) => {
            "docker compose up -d".to_string()
        }
        Target::Host => format!("docker compose -f {file} up -d"),
        Target::Swarm { .. } => format!("docker stack deploy -c {file} {STACK_NAME}"),
    };
    let mut written: Vec<String> = Vec::new();
    for (name, service) in &project.services {
        let ports = expected_ports(service);
        match (&service.build, target) {
            (Some(build), Target::Host) => {
                generic_build(
                    &mut world,
                    upload,
                    name,
                    build,
                    &ports,
                    &mut written,
                    &mut narration,
                )?;
            }
            (Some(_), Target::Swarm { .. }) if service.image.is_none() => {
                narration.push(format!(
                    "Service {name} has `build:` and no `image:`: `docker stack deploy` ignores `build` (\"Ignoring unsupported options: build\") and refuses the whole stack with \"invalid image reference for service {name}: no image specified\". Build and push the image first (`docker build -t 127.0.0.1:5000/{name} .` then `docker push`), and name it in `image:`."
                ));
            }
            (Some(_), Target::Swarm { .. }) => {
                narration.push(format!(
                    "Service {name} has `build:`: `docker stack deploy` ignores it and pulls `{}` on whichever node runs the task.",
                    service.image.as_deref().unwrap_or_default()
                ));
                image_note(name, service, &ports, &mut narration);
            }
            (None, _) => image_note(name, service, &ports, &mut narration),
        }
        missing_files(&world, name, service, &mut narration);
    }
    for (key, def) in &project.secrets {
        if let Some(path) = def.get("file").and_then(|n| n.scalar_text()) {
            let abs = normalise(&project.project_dir, &path);
            if world.fs.get(&abs).is_none() {
                narration.push(format!(
                    "The file of secret {key} ({}) was not given: Compose cannot read it, so the services that use it will not start until it is there.",
                    shown(&abs)
                ));
            }
        }
    }
    Ok(BringUp {
        world,
        command,
        narration,
    })
}

/// Writes a generic build context for a `build:` whose folder was not given (or whose pasted
/// Dockerfile copies files that were not), and says so.
/// Long because it decides in order (a remote context, a folder shared with another service, the
/// reader's own Dockerfile and files, the kind), then writes and narrates.
#[allow(clippy::too_many_arguments)]
fn generic_build(
    world: &mut World,
    upload: &Upload,
    service: &str,
    build: &crate::sim::docker::compose::model::Build,
    ports: &[u16],
    written: &mut Vec<String>,
    narration: &mut Vec<String>,
) -> Result<(), String> {
    let context = build.context.as_str();
    if context.contains("://") || context.starts_with("git@") {
        narration.push(format!(
            "Service {service} builds from a remote context ({context}), which Dockyard does not fetch: the build will fail as it would offline."
        ));
        return Ok(());
    }
    let dockerfile_abs = normalise(context, &build.dockerfile);
    // The files the reader gave for this build: inside its folder, other than the Dockerfile, the
    // compose file and `.env` (a context of `.` holds those too).
    let compose_files: Vec<String> = upload
        .files
        .iter()
        .take(1)
        .map(|f| absolute(&f.path))
        .chain([absolute(".env")])
        .collect();
    let given: Vec<String> = upload
        .files
        .iter()
        .map(|f| absolute(&f.path))
        .filter(|p| is_within(p, context) && !compose_files.contains(p))
        .collect();
    let pasted = upload
        .files
        .iter()
        .find(|f| absolute(&f.path) == dockerfile_abs)
        .map(|f| f.text.clone());
    let others_given = given.iter().any(|p| *p != dockerfile_abs);
    if written.contains(&dockerfile_abs) {
        narration.push(format!(
            "Service {service} builds from the same folder ({}) as another service: the same generic image.",
            shown(context)
        ));
        return Ok(());
    }
    // The reader gave the Dockerfile with its folder (or one that copies nothing): build it as
    // is. Without a Dockerfile, whatever else was given, there is nothing to build.
    if pasted
        .as_deref()
        .is_some_and(|t| others_given || !copies_from_context(t))
    {
        return Ok(());
    }
    let (kind, why) = match pasted.as_deref().and_then(kind_of_dockerfile) {
        Some((kind, from)) => (kind, Why::Dockerfile(from)),
        None => (Kind::guess(service, ports.first().copied()), Why::Guess),
    };
    let port = match kind {
        Kind::Worker => None,
        Kind::Nginx => Some(80),
        _ => ports.first().copied(),
    };
    for (rel, text) in generic_context(kind, service, port, build.target.as_deref()) {
        let path = if rel == "Dockerfile" {
            dockerfile_abs.clone()
        } else {
            normalise(context, &rel)
        };
        // A file the reader gave is theirs: the generic Dockerfile copies it as it is.
        if rel == "Dockerfile" || world.fs.get(&path).is_none() {
            put(world, &path, &text)?;
        }
    }
    written.push(dockerfile_abs.clone());
    let answers = match port {
        Some(p) => format!("answering HTTP on port {p}"),
        None => "running as a long-lived worker (no port in the file)".to_string(),
    };
    let sentence = match why {
        Why::Dockerfile(from) => format!(
            "Service {service}: {} was pasted, but not the files it copies, so Dockyard builds a generic {} image in its place ({}, like yours: FROM {from}), {answers}; `docker compose up` builds it for real.",
            shown(&dockerfile_abs),
            kind.label(),
            kind.base()
        ),
        Why::Guess => format!(
            "Service {service} builds from {}, which was not given: Dockyard wrote a generic {} build there (FROM {}, {answers}, guessed from {}); `docker compose up` builds it for real, and your own code would answer differently.",
            shown(context),
            kind.label(),
            kind.base(),
            match ports.first() {
                Some(p) => format!("its name and port {p}"),
                None => "its name and having no port".to_string(),
            }
        ),
    };
    narration.push(sentence);
    if kind == Kind::Nginx && ports.first().is_some_and(|p| *p != 80) {
        narration.push(format!(
            "The generic nginx of {service} answers on port 80 only; the file also expects {}.",
            ports
                .iter()
                .filter(|p| **p != 80)
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(())
}

/// Does a Dockerfile copy anything from its build context (`COPY`/`ADD` without `--from`)?
fn copies_from_context(text: &str) -> bool {
    match dockerfile::parse(text) {
        Ok(instructions) => instructions
            .iter()
            .any(|i| matches!(i.keyword.as_str(), "COPY" | "ADD") && i.flag("from").is_none()),
        // A Dockerfile BuildKit cannot parse is built as is: its error is the reader's to see.
        Err(_) => false,
    }
}

/// The kind a pasted Dockerfile says: the last stage whose `FROM` names a known kind of image
/// (a final `FROM scratch` or `alpine` that only carries a binary defers to the builder stage).
fn kind_of_dockerfile(text: &str) -> Option<(Kind, String)> {
    let instructions = dockerfile::parse(text).ok()?;
    instructions
        .iter()
        .filter(|i| i.keyword == "FROM")
        .filter_map(|i| i.words().into_iter().find(|w| !w.starts_with("--")))
        .filter_map(|image| Kind::of_image(&image).map(|k| (k, image)))
        .next_back()
}

/// What the catalogue makes of a service's image, when that is a guess.
fn image_note(name: &str, service: &Service, ports: &[u16], narration: &mut Vec<String>) {
    let Some(image) = &service.image else {
        return;
    };
    let Ok(reference) = ImageRef::parse(image) else {
        return;
    };
    match catalogue::resolve(&reference) {
        Resolution::Known(_) => {}
        Resolution::Generic => narration.push(format!(
            "Dockyard does not know the image {} (service {name}): it runs it as a generic long-running service{}; the real image may behave differently.",
            reference.full(),
            ports
                .first()
                .map(|p| format!(" that answers HTTP on port {p}"))
                .unwrap_or_default()
        )),
        Resolution::UnknownTag => narration.push(format!(
            "The image {} (service {name}) has no such tag: the pull will fail with `manifest unknown`, as it would for real.",
            reference.full()
        )),
        Resolution::UnknownRepo => narration.push(format!(
            "The image {} (service {name}) is not an official Docker Hub image: the pull will fail with `pull access denied`, as it would for real.",
            reference.full()
        )),
    }
}

/// Files a service names that the reader did not give (an `env_file`, a bind-mounted file).
fn missing_files(world: &World, name: &str, service: &Service, narration: &mut Vec<String>) {
    for env_file in &service.env_file {
        let abs = normalise(PROJECT_DIR, env_file);
        if world.fs.get(&abs).is_none() {
            narration.push(format!(
                "Service {name}'s env_file {} was not given: Compose refuses to start without it.",
                shown(&abs)
            ));
        }
    }
    for mount in &service.volumes {
        if mount.kind != "bind" {
            continue;
        }
        let Some(source) = &mount.source else {
            continue;
        };
        if is_within(source, PROJECT_DIR) && world.fs.get(source).is_none() {
            narration.push(format!(
                "Service {name} bind-mounts {} at {}, which was not given: Docker creates an empty folder there, so what the service expected to read is missing.",
                shown(source),
                mount.target
            ));
            let check = service
                .healthcheck
                .as_ref()
                .filter(|h| !h.disable)
                .and_then(|h| {
                    let words: Vec<&str> = h
                        .test
                        .iter()
                        .skip(1)
                        .flat_map(|t| t.split_whitespace())
                        .collect();
                    words.first().map(|w| w.to_string())
                })
                .filter(|program| is_within(program, &mount.target));
            if let Some(program) = check {
                narration.push(format!(
                    "Service {name}'s healthcheck runs {program} from that folder: without it the check fails (`not found`), {name} stays unhealthy, and a service that waits for it with `condition: service_healthy` never starts."
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_dockerfile_or_the_ports_and_name() {
        assert_eq!(Kind::guess("frontend", Some(3000)), Kind::Node);
        assert_eq!(Kind::guess("backend", Some(5000)), Kind::Python);
        assert_eq!(Kind::guess("backend", Some(8080)), Kind::Java);
        assert_eq!(Kind::guess("golang-api", Some(8080)), Kind::Go);
        assert_eq!(Kind::guess("proxy", Some(80)), Kind::Nginx);
        assert_eq!(Kind::guess("etl", None), Kind::Worker);
        assert_eq!(
            kind_of_dockerfile(
                "FROM golang:1.18-alpine AS build\nRUN go build -o /server\nFROM scratch\nCOPY --from=build /server /server\n"
            )
            .map(|(k, _)| k),
            Some(Kind::Go)
        );
        assert!(copies_from_context("FROM node:20\nCOPY . .\n"));
        assert!(!copies_from_context("FROM nginx\nRUN echo hi\n"));
    }

    #[test]
    fn a_broken_file_fails_with_its_line_and_column() {
        let err =
            bring_up(&Upload::compose("services:\n  web:\n    imag: nginx\n"), 1).unwrap_err();
        assert!(err.starts_with("compose.yaml:3:5: "), "{err}");
        assert!(err.contains("imag"), "{err}");
    }

    #[test]
    fn a_missing_build_folder_gets_a_generic_build_of_its_kind() {
        let b = bring_up(
            &Upload::compose(
                "services:\n  backend:\n    build: ./backend\n    ports: ['8000:8000']\n",
            ),
            1,
        )
        .unwrap();
        assert_eq!(b.command, "docker compose up -d");
        let dockerfile = b
            .world
            .fs
            .read(&format!("{PROJECT_DIR}/backend/Dockerfile"))
            .unwrap();
        assert!(
            dockerfile.contains("FROM python:3.12-alpine"),
            "{dockerfile}"
        );
        assert!(
            b.narration[0].contains("generic Python build"),
            "{:?}",
            b.narration
        );
    }
}
