//! Images the simulated registry knows, and how a reference names one.
//!
//! Docker resolves `nginx` to `docker.io/library/nginx:latest`; a reference is `[registry/]repo
//! [:tag][@digest]`. Image IDs and layer digests are content hashes, so they are the same on every
//! machine: we derive them from the image's name with a fixed hash, never from the RNG. Sizes are
//! what `docker images` shows (uncompressed), approximate (typical values, not measured). The layer
//! model (per-layer history, sharing, the local store) lives in images.rs.
//!
//! A leaf (it imports only `ids` and reference.rs): what the registry answers for a reference
//! (`catalogue::lookup`) lives in catalogue.rs, which reads both image.rs and the catalogue data.

/// What an image is configured to run, and how big it is.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ImageSpec {
    pub repo: &'static str,
    pub tags: &'static [&'static str],
    pub size_bytes: u64,
    pub layer_count: u32,
    pub entrypoint: &'static [&'static str],
    pub cmd: &'static [&'static str],
    pub env: &'static [&'static str],
    pub exposed_ports: &'static [u16],
    /// The `STOPSIGNAL` `docker stop` sends (SIGTERM unless the image says otherwise).
    pub stop_signal: &'static str,
    pub os: &'static str,
    /// `VOLUME` paths: the engine gives each an anonymous volume unless one is mounted there.
    pub volumes: &'static [&'static str],
    /// `WORKDIR`, `/` when unset.
    pub workdir: &'static str,
    /// Days before the simulation epoch the image was built, for `docker images`' CREATED.
    pub built_days_ago: u32,
}

const MB: u64 = 1_000_000;

/// The registry's catalogue. Sizes are approximate (docs/FIDELITY.md, "Orders of magnitude").
pub const CATALOGUE: &[ImageSpec] = &[
    ImageSpec {
        repo: "nginx",
        tags: &["1.27", "latest"],
        size_bytes: 192 * MB,
        layer_count: 7,
        entrypoint: &["/docker-entrypoint.sh"],
        cmd: &["nginx", "-g", "daemon off;"],
        env: &["NGINX_VERSION=1.27.3"],
        exposed_ports: &[80],
        stop_signal: "SIGQUIT",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 40,
    },
    ImageSpec {
        repo: "redis",
        tags: &["7", "latest"],
        size_bytes: 117 * MB,
        layer_count: 8,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["redis-server"],
        env: &["REDIS_VERSION=7.4.1"],
        exposed_ports: &[6379],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 30,
    },
    ImageSpec {
        repo: "alpine",
        tags: &["3.20", "3", "latest"],
        size_bytes: 7_800_000,
        layer_count: 1,
        entrypoint: &[],
        cmd: &["/bin/sh"],
        env: &[],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 60,
    },
    ImageSpec {
        repo: "busybox",
        tags: &["1.37", "latest"],
        size_bytes: 4_270_000,
        layer_count: 1,
        entrypoint: &[],
        cmd: &["sh"],
        env: &[],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 90,
    },
    ImageSpec {
        repo: "hello-world",
        tags: &["latest"],
        size_bytes: 13_300,
        layer_count: 1,
        entrypoint: &[],
        cmd: &["/hello"],
        env: &[],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 600,
    },
    ImageSpec {
        repo: "postgres",
        tags: &["16", "latest"],
        size_bytes: 432 * MB,
        layer_count: 14,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["postgres"],
        env: &["PG_MAJOR=16", "PGDATA=/var/lib/postgresql/data"],
        exposed_ports: &[5432],
        stop_signal: "SIGINT",
        os: "linux",
        volumes: &["/var/lib/postgresql/data"],
        workdir: "/",
        built_days_ago: 20,
    },
    ImageSpec {
        repo: "node",
        tags: &["20", "22", "latest"],
        size_bytes: 1_100 * MB,
        layer_count: 8,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node"],
        env: &["NODE_VERSION=20.18.1", "YARN_VERSION=1.22.22"],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 14,
    },
    ImageSpec {
        repo: "python",
        tags: &["3.12", "latest"],
        size_bytes: 1_020 * MB,
        layer_count: 7,
        entrypoint: &[],
        cmd: &["python3"],
        env: &["PYTHON_VERSION=3.12.8", "LANG=C.UTF-8"],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 21,
    },
    ImageSpec {
        repo: "debian",
        tags: &["bookworm", "12", "latest"],
        size_bytes: 117 * MB,
        layer_count: 1,
        entrypoint: &[],
        cmd: &["bash"],
        env: &[],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 25,
    },
    ImageSpec {
        repo: "traefik",
        tags: &["v3", "v3.2", "latest"],
        size_bytes: 181 * MB,
        layer_count: 4,
        entrypoint: &["/entrypoint.sh"],
        cmd: &["traefik"],
        env: &[],
        exposed_ports: &[80],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 18,
    },
    ImageSpec {
        repo: "mcr.microsoft.com/windows/nanoserver",
        tags: &["ltsc2022", "latest"],
        size_bytes: 297 * MB,
        layer_count: 1,
        entrypoint: &[],
        cmd: &["cmd.exe"],
        env: &[],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "windows",
        volumes: &[],
        workdir: "C:\\",
        built_days_ago: 30,
    },
    // Smaller variants of the same repositories: a different image with its own ID and layers
    // (the images-layers page compares them; src/sim/docker/images.rs has their layer recipes).
    ImageSpec {
        repo: "node",
        tags: &["20-slim", "22-slim"],
        size_bytes: 200 * MB,
        layer_count: 4,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node"],
        env: &["NODE_VERSION=20.18.1", "YARN_VERSION=1.22.22"],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 14,
    },
    ImageSpec {
        repo: "node",
        tags: &["20-alpine", "22-alpine", "alpine"],
        size_bytes: 135 * MB,
        layer_count: 4,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node"],
        env: &["NODE_VERSION=20.18.1", "YARN_VERSION=1.22.22"],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 14,
    },
    ImageSpec {
        repo: "debian",
        tags: &["bookworm-slim", "12-slim"],
        size_bytes: 74_800_000,
        layer_count: 1,
        entrypoint: &[],
        cmd: &["bash"],
        env: &[],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 25,
    },
    ImageSpec {
        repo: "python",
        tags: &["3.12-slim"],
        size_bytes: 130 * MB,
        layer_count: 4,
        entrypoint: &[],
        cmd: &["python3"],
        env: &["PYTHON_VERSION=3.12.8", "LANG=C.UTF-8"],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 21,
    },
    ImageSpec {
        repo: "postgres",
        tags: &["16-alpine"],
        size_bytes: 243 * MB,
        layer_count: 10,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["postgres"],
        env: &["PG_MAJOR=16", "PGDATA=/var/lib/postgresql/data"],
        exposed_ports: &[5432],
        stop_signal: "SIGINT",
        os: "linux",
        volumes: &["/var/lib/postgresql/data"],
        workdir: "/",
        built_days_ago: 20,
    },
    // Course images: small Node.js programs whose behaviour the lessons need.
    ImageSpec {
        repo: "dockyard/crashy",
        tags: &["1.0", "latest"],
        size_bytes: 135 * MB,
        layer_count: 6,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node", "crash.js"],
        env: &["NODE_VERSION=20.18.1", "CRASH_AFTER=5"],
        exposed_ports: &[3000],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 3,
    },
    ImageSpec {
        repo: "dockyard/batch-job",
        tags: &["1.0", "latest"],
        size_bytes: 135 * MB,
        layer_count: 6,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node", "job.js"],
        env: &["NODE_VERSION=20.18.1", "JOB_SECONDS=3"],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/",
        built_days_ago: 3,
    },
    // The course's web app in four releases: 1.0 and 2.0 work, 2.1 crashes at start (a
    // missing module), 2.2 starts but fails its healthcheck (src/sim/swarm/agent.rs).
    ImageSpec {
        repo: "dockyard/web",
        tags: &["1.0"],
        size_bytes: 141 * MB,
        layer_count: 7,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node", "server.js"],
        env: &["NODE_VERSION=20.18.1", "PORT=80", "APP_VERSION=1.0"],
        exposed_ports: &[80],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/app",
        built_days_ago: 30,
    },
    ImageSpec {
        repo: "dockyard/web",
        tags: &["2.0", "latest"],
        size_bytes: 141 * MB,
        layer_count: 7,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node", "server.js"],
        env: &["NODE_VERSION=20.18.1", "PORT=80", "APP_VERSION=2.0"],
        exposed_ports: &[80],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/app",
        built_days_ago: 9,
    },
    ImageSpec {
        repo: "dockyard/web",
        tags: &["2.1"],
        size_bytes: 141 * MB,
        layer_count: 7,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node", "server.js"],
        env: &["NODE_VERSION=20.18.1", "PORT=80", "APP_VERSION=2.1"],
        exposed_ports: &[80],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/app",
        built_days_ago: 2,
    },
    ImageSpec {
        repo: "dockyard/web",
        tags: &["2.2"],
        size_bytes: 141 * MB,
        layer_count: 7,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node", "server.js"],
        env: &["NODE_VERSION=20.18.1", "PORT=80", "APP_VERSION=2.2"],
        exposed_ports: &[80],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/app",
        built_days_ago: 1,
    },
    // The Docker voting app (github.com/dockersamples/example-voting-app): vote (Python/Flask,
    // pushes each vote to redis) → worker (.NET, moves votes from redis into postgres) → result
    // (Node, reads postgres). Sizes approximate.
    ImageSpec {
        repo: "dockersamples/examplevotingapp_vote",
        tags: &["latest"],
        size_bytes: 143 * MB,
        layer_count: 9,
        entrypoint: &[],
        cmd: &["gunicorn", "app:app", "-b", "0.0.0.0:80"],
        env: &["PYTHON_VERSION=3.11.9"],
        exposed_ports: &[80],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/usr/local/app",
        built_days_ago: 30,
    },
    ImageSpec {
        repo: "dockersamples/examplevotingapp_worker",
        tags: &["latest"],
        size_bytes: 190 * MB,
        layer_count: 8,
        entrypoint: &["dotnet", "Worker.dll"],
        cmd: &[],
        env: &["DOTNET_VERSION=7.0.20"],
        exposed_ports: &[],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/app",
        built_days_ago: 30,
    },
    ImageSpec {
        repo: "dockersamples/examplevotingapp_result",
        tags: &["latest"],
        size_bytes: 228 * MB,
        layer_count: 10,
        entrypoint: &["/usr/bin/tini", "--"],
        cmd: &["node", "server.js"],
        env: &["NODE_VERSION=18.20.4", "PORT=80"],
        exposed_ports: &[80],
        stop_signal: "SIGTERM",
        os: "linux",
        volumes: &[],
        workdir: "/usr/local/app",
        built_days_ago: 30,
    },
];

/// A parsed image reference (src/sim/docker/reference.rs has the grammar).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ImageRef {
    /// The familiar name: `nginx`, `dockyard/crashy`, `ghcr.io/acme/web` (Docker Hub's domain and
    /// `library/` left out).
    pub repo: String,
    /// `latest` when the reference names none.
    pub tag: String,
    /// `docker.io`, `ghcr.io`, `localhost:5000`.
    pub registry: String,
    /// The repository's path in its registry: `library/nginx`, `acme/web`.
    pub path: String,
    /// `sha256:…` when the reference pins one.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses a reference as the Docker CLI does (`ParseNormalizedNamed`): `nginx`, `nginx:1.27`,
    /// `docker.io/library/nginx:latest`, `ghcr.io/acme/web@sha256:…`. Errors are its words.
    pub fn parse(text: &str) -> Result<ImageRef, String> {
        let r = super::reference::parse_normalized_named(text)?;
        Ok(ImageRef {
            repo: r.familiar_name(),
            tag: r.tag.clone().unwrap_or_else(|| "latest".to_string()),
            registry: r.domain.clone(),
            path: r.path.clone(),
            digest: r.digest,
        })
    }

    /// `nginx:latest`, as Docker shows it.
    pub fn full(&self) -> String {
        format!("{}:{}", self.repo, self.tag)
    }

    /// The repository's path in its registry (`docker pull` prints `Pulling from library/nginx`).
    pub fn hub_path(&self) -> String {
        self.path.clone()
    }

    /// A Docker Hub official image (`library/…`).
    pub fn is_official(&self) -> bool {
        self.registry == "docker.io" && self.path.starts_with("library/")
    }
}

pub use crate::sim::ids::content_digest;

impl ImageSpec {
    /// The image ID (`sha256:` + 64 hex), the same for all of the image's tags.
    pub fn id(&self) -> String {
        content_digest(&format!("image:{}:{}", self.repo, self.tags[0]))
    }

    /// The repo digest `docker pull` prints.
    pub fn digest(&self) -> String {
        content_digest(&format!("manifest:{}:{}", self.repo, self.tags[0]))
    }

    /// Layer digests, as `docker pull` lists them.
    pub fn layers(&self) -> Vec<String> {
        (0..self.layer_count)
            .map(|i| content_digest(&format!("layer:{}:{}:{i}", self.repo, self.tags[0])))
            .collect()
    }
}

/// Docker's size formatting (go-units `HumanSizeWithPrecision(size, 3)`, decimal units).
pub fn human_size(size_bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut size = size_bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit < UNITS.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    // %.4g: three significant digits, trailing zeros dropped.
    let digits = if size >= 100.0 {
        0
    } else if size >= 10.0 {
        1
    } else {
        2
    };
    let mut text = format!("{size:.digits$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    format!("{text}{}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalise_like_docker() {
        let r = ImageRef::parse("nginx").unwrap();
        assert_eq!(r.full(), "nginx:latest");
        assert_eq!(r.hub_path(), "library/nginx");
        assert_eq!(
            ImageRef::parse("docker.io/library/nginx:1.27")
                .unwrap()
                .full(),
            "nginx:1.27"
        );
        assert_eq!(
            ImageRef::parse("dockyard/crashy:1.0").unwrap().hub_path(),
            "dockyard/crashy"
        );
        assert!(
            ImageRef::parse("Nginx")
                .unwrap_err()
                .contains("must be lowercase")
        );
        assert!(ImageRef::parse("nginx:").is_err());
        assert!(ImageRef::parse("-bad").is_err());
    }

    #[test]
    fn ids_are_stable_content_hashes() {
        let nginx = &CATALOGUE[0];
        assert_eq!(nginx.id(), nginx.id());
        assert_eq!(nginx.id().len(), 64);
        assert_ne!(nginx.id(), CATALOGUE[1].id());
    }

    #[test]
    fn sizes_print_like_docker() {
        assert_eq!(human_size(192_000_000), "192MB");
        assert_eq!(human_size(7_800_000), "7.8MB");
        assert_eq!(human_size(13_300), "13.3kB");
        assert_eq!(human_size(1_100_000_000), "1.1GB");
        assert_eq!(human_size(512), "512B");
    }
}
