//! The daemon's local image store: images made of content-addressed layers, shared between images.
//!
//! What real Docker does: an image is a config (CMD, ENV, EXPOSE, …) plus an ordered list of
//! filesystem layers, each named by the digest of its content. Two images built on the same base
//! point at the same base layers, which are stored once: `docker pull` says `Already exists` for
//! them, `docker system df` counts them once, and `docker image rm` deletes a layer only when no
//! other image still uses it. Tags are names pointing at an image ID; re-tagging a newer build
//! leaves the old image as a dangling `<none>:<none>`. The history (`docker history`) lists every
//! instruction, including the config-only ones that add no layer (0B).
//!
//! What we model: the catalogue images with realistic base images (node:20 starts with
//! debian:bookworm's layer, nginx/redis/postgres with bookworm-slim's) and per-layer sizes and
//! `created_by` lines; images built by `docker build` (src/sim/docker/build/mod.rs) with their real
//! config; tags, dangling images, shared-layer accounting and the `docker image rm` conflicts.
//!
//! What we simplify: sizes are approximate (docs/FIDELITY.md, "Orders of magnitude"); layer
//! digests are a stable hash of their origin, not of real bytes; one platform (linux/amd64).
//!
//! A leaf (it imports only the image references and the healthcheck's model): the engine holds
//! its `ImageStore` without importing anything that knows the world.

use std::collections::{BTreeMap, BTreeSet};

use super::image::{CATALOGUE, ImageSpec, content_digest};

/// One line of an image's history: the instruction and the layer it made, if any.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct HistoryEntry {
    /// What `docker history` shows as CREATED BY (`RUN /bin/sh -c npm ci # buildkit`).
    pub created_by: String,
    pub size_bytes: u64,
    /// The layer's digest (64 hex); `None` for config-only instructions (`empty_layer`).
    pub layer: Option<String>,
    /// `buildkit.dockerfile.v0` for layers a Dockerfile build made.
    pub comment: String,
}

/// What a container created from the image starts with.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ImageConfig {
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    pub exposed_ports: Vec<u16>,
    /// The `STOPSIGNAL` (`SIGTERM` when the image sets none).
    pub stop_signal: String,
    pub os: String,
    pub volumes: Vec<String>,
    /// `WORKDIR`, `/` when unset.
    pub workdir: String,
    pub user: String,
    pub labels: Vec<(String, String)>,
    /// `HEALTHCHECK CMD …` as the config stores it (`["CMD-SHELL", "curl …"]`), if any.
    pub healthcheck: Option<Vec<String>>,
    /// `HEALTHCHECK --interval=… --timeout=… --start-period=… --start-interval=… --retries=…`.
    pub healthcheck_timing: super::health::model::HealthOptions,
}

/// A local image.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Image {
    /// The image ID: 64 hex, the digest of its config.
    pub id: String,
    /// `nginx:latest`, …; empty for a dangling image.
    pub repo_tags: Vec<String>,
    /// The registry's manifest digest, for pulled images.
    pub repo_digest: Option<String>,
    pub history: Vec<HistoryEntry>,
    pub config: ImageConfig,
    /// How long before the simulation's epoch the image was made (catalogue images), or `None`
    /// for images built here (then `built_at_ms` says when).
    pub built_days_ago: Option<u32>,
    pub built_at_ms: u64,
    /// When it arrived on this host (pulled or built): `docker images` lists newest first.
    pub stored_at_ms: u64,
    /// Arrival order (several images can arrive at the same simulated millisecond).
    pub seq: u64,
    /// Files its layers carry beyond the standard folders, by path without the leading `/`: an
    /// image made by `docker commit` or `docker import`, or what a build's COPY and npm steps
    /// put there (src/sim/docker/build/files.rs); catalogue images carry none the simulation
    /// reads.
    pub files: super::containerfs::model::Files,
}

/// `create` reads the config through the image, as it read `ImageSpec` before.
impl std::ops::Deref for Image {
    type Target = ImageConfig;
    fn deref(&self) -> &ImageConfig {
        &self.config
    }
}

impl Image {
    pub fn id(&self) -> String {
        self.id.clone()
    }

    /// The layers, bottom first: (digest, size).
    pub fn layers(&self) -> Vec<(&str, u64)> {
        self.history
            .iter()
            .filter_map(|h| h.layer.as_deref().map(|d| (d, h.size_bytes)))
            .collect()
    }

    /// What `docker images` shows as SIZE: every layer, shared or not.
    pub fn size_bytes(&self) -> u64 {
        self.layers().iter().map(|(_, s)| s).sum()
    }

    /// Created time in simulated milliseconds relative to the epoch (negative = before).
    pub fn age_ms(&self, now_ms: u64) -> u64 {
        match self.built_days_ago {
            Some(days) => u64::from(days) * 86_400_000 + now_ms,
            None => now_ms.saturating_sub(self.built_at_ms),
        }
    }
}

/// Per-image layer history for the catalogue: the base it starts from and its own instructions
/// (created_by, size; size 0 = config only). The first sized entry absorbs whatever makes the
/// total equal `ImageSpec::size_bytes`, so `docker images` keeps the catalogue's size.
struct Recipe {
    repo: &'static str,
    tag: &'static str,
    base: Option<(&'static str, &'static str)>,
    steps: &'static [(&'static str, u64)],
}

const KB: u64 = 1_000;

/// Taken from the official images' Dockerfiles (docker-library, nginxinc/docker-nginx), shortened.
const RECIPES: &[Recipe] = &[
    Recipe {
        repo: "debian",
        tag: "bookworm",
        base: None,
        steps: &[
            (
                "# debian.sh --arch 'amd64' out/ 'bookworm' '@1736726400'",
                1,
            ),
            ("CMD [\"bash\"]", 0),
        ],
    },
    Recipe {
        repo: "debian",
        tag: "bookworm-slim",
        base: None,
        steps: &[
            (
                "# debian.sh --arch 'amd64' --slim out/ 'bookworm' '@1736726400'",
                1,
            ),
            ("CMD [\"bash\"]", 0),
        ],
    },
    Recipe {
        repo: "alpine",
        tag: "3.20",
        base: None,
        steps: &[
            ("ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit", 1),
            ("CMD [\"/bin/sh\"]", 0),
        ],
    },
    Recipe {
        repo: "node",
        tag: "20",
        base: Some(("debian", "bookworm")),
        steps: &[
            (
                "RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates curl gnupg netbase sq wget # buildkit",
                24_100 * KB,
            ),
            (
                "RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends git mercurial openssh-client subversion procps # buildkit",
                58_800 * KB,
            ),
            (
                "RUN /bin/sh -c set -ex; apt-get update; apt-get install -y --no-install-recommends autoconf automake bzip2 dpkg-dev file g++ gcc make … # buildkit",
                1,
            ),
            (
                "RUN /bin/sh -c groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node # buildkit",
                8_900,
            ),
            ("ENV NODE_VERSION=20.18.1", 0),
            (
                "RUN /bin/sh -c ARCH= && dpkgArch=\"$(dpkg --print-architecture)\" && curl -fsSLO --compressed \"https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-$ARCH.tar.xz\" … # buildkit",
                190_400 * KB,
            ),
            ("ENV YARN_VERSION=1.22.22", 0),
            (
                "RUN /bin/sh -c set -ex && curl -fsSLO --compressed \"https://yarnpkg.com/downloads/$YARN_VERSION/yarn-v$YARN_VERSION.tar.gz\" … # buildkit",
                5_340 * KB,
            ),
            ("COPY docker-entrypoint.sh /usr/local/bin/ # buildkit", 388),
            ("ENTRYPOINT [\"docker-entrypoint.sh\"]", 0),
            ("CMD [\"node\"]", 0),
        ],
    },
    Recipe {
        repo: "node",
        tag: "20-slim",
        base: Some(("debian", "bookworm-slim")),
        steps: &[
            (
                "RUN /bin/sh -c groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node # buildkit",
                8_900,
            ),
            ("ENV NODE_VERSION=20.18.1", 0),
            (
                "RUN /bin/sh -c ARCH= && dpkgArch=\"$(dpkg --print-architecture)\" && savedAptMark=\"$(apt-mark showmanual)\" && apt-get install -y curl wget gnupg dirmngr xz-utils … # buildkit",
                1,
            ),
            ("ENV YARN_VERSION=1.22.22", 0),
            (
                "RUN /bin/sh -c set -ex && savedAptMark=\"$(apt-mark showmanual)\" && curl -fsSLO --compressed \"https://yarnpkg.com/downloads/$YARN_VERSION/yarn-v$YARN_VERSION.tar.gz\" … # buildkit",
                5_340 * KB,
            ),
            ("COPY docker-entrypoint.sh /usr/local/bin/ # buildkit", 388),
            ("ENTRYPOINT [\"docker-entrypoint.sh\"]", 0),
            ("CMD [\"node\"]", 0),
        ],
    },
    Recipe {
        repo: "node",
        tag: "20-alpine",
        base: Some(("alpine", "3.20")),
        steps: &[
            ("ENV NODE_VERSION=20.18.1", 0),
            (
                "RUN /bin/sh -c addgroup -g 1000 node && adduser -u 1000 -G node -s /bin/sh -D node && apk add --no-cache libstdc++ && apk add --no-cache --virtual .build-deps curl … # buildkit",
                1,
            ),
            ("ENV YARN_VERSION=1.22.22", 0),
            (
                "RUN /bin/sh -c apk add --no-cache --virtual .build-deps-yarn curl gnupg tar && … # buildkit",
                5_340 * KB,
            ),
            ("COPY docker-entrypoint.sh /usr/local/bin/ # buildkit", 388),
            ("ENTRYPOINT [\"docker-entrypoint.sh\"]", 0),
            ("CMD [\"node\"]", 0),
        ],
    },
    Recipe {
        repo: "nginx",
        tag: "1.27",
        base: Some(("debian", "bookworm-slim")),
        steps: &[
            (
                "LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>",
                0,
            ),
            ("ENV NGINX_VERSION=1.27.3", 0),
            ("ENV NJS_VERSION=0.8.7", 0),
            (
                "RUN /bin/sh -c set -x && groupadd --system --gid 101 nginx && useradd --system --gid nginx --no-create-home --home /nonexistent … # buildkit",
                1,
            ),
            ("COPY docker-entrypoint.sh / # buildkit", 1_620),
            (
                "COPY 10-listen-on-ipv6-by-default.sh /docker-entrypoint.d # buildkit",
                2_120,
            ),
            (
                "COPY 15-local-resolvers.envsh /docker-entrypoint.d # buildkit",
                389,
            ),
            (
                "COPY 20-envsubst-on-templates.sh /docker-entrypoint.d # buildkit",
                3_020,
            ),
            (
                "COPY 30-tune-worker-processes.sh /docker-entrypoint.d # buildkit",
                4_620,
            ),
            ("ENTRYPOINT [\"/docker-entrypoint.sh\"]", 0),
            ("EXPOSE map[80/tcp:{}]", 0),
            ("STOPSIGNAL SIGQUIT", 0),
            ("CMD [\"nginx\" \"-g\" \"daemon off;\"]", 0),
        ],
    },
    Recipe {
        repo: "redis",
        tag: "7",
        base: Some(("debian", "bookworm-slim")),
        steps: &[
            (
                "RUN /bin/sh -c set -eux; groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis # buildkit",
                4_100,
            ),
            (
                "RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends tzdata; rm -rf /var/lib/apt/lists/* # buildkit",
                1_500 * KB,
            ),
            ("ENV GOSU_VERSION=1.17", 0),
            (
                "RUN /bin/sh -c set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get install -y --no-install-recommends ca-certificates wget; … gosu … # buildkit",
                4_120 * KB,
            ),
            ("ENV REDIS_VERSION=7.4.1", 0),
            (
                "RUN /bin/sh -c set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get install -y --no-install-recommends ca-certificates wget dpkg-dev gcc … make -C /usr/src/redis … # buildkit",
                1,
            ),
            (
                "RUN /bin/sh -c mkdir /data && chown redis:redis /data # buildkit",
                0,
            ),
            ("VOLUME [/data]", 0),
            ("WORKDIR /data", 0),
            (
                "COPY docker-entrypoint.sh /usr/local/bin/ # buildkit",
                2_090,
            ),
            ("ENTRYPOINT [\"docker-entrypoint.sh\"]", 0),
            ("EXPOSE map[6379/tcp:{}]", 0),
            ("CMD [\"redis-server\"]", 0),
        ],
    },
    Recipe {
        repo: "postgres",
        tag: "16",
        base: Some(("debian", "bookworm-slim")),
        steps: &[
            (
                "RUN /bin/sh -c set -eux; groupadd -r postgres --gid=999; useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres # buildkit",
                4_300,
            ),
            (
                "RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends gnupg less; rm -rf /var/lib/apt/lists/* # buildkit",
                9_100 * KB,
            ),
            ("ENV GOSU_VERSION=1.17", 0),
            ("RUN /bin/sh -c set -eux; … gosu … # buildkit", 4_120 * KB),
            (
                "RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends locales; localedef -i en_US -c -f UTF-8 -A /usr/share/locale/locale.alias en_US.UTF-8 # buildkit",
                24_700 * KB,
            ),
            ("ENV LANG=en_US.utf8", 0),
            (
                "RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends libnss-wrapper xz-utils zstd # buildkit",
                4_600 * KB,
            ),
            (
                "RUN /bin/sh -c mkdir /docker-entrypoint-initdb.d # buildkit",
                0,
            ),
            ("ENV PG_MAJOR=16", 0),
            ("ENV PG_VERSION=16.6-1.pgdg120+1", 0),
            (
                "RUN /bin/sh -c set -ex; … apt-get install -y --no-install-recommends \"postgresql-$PG_MAJOR=$PG_VERSION\" … # buildkit",
                1,
            ),
            (
                "RUN /bin/sh -c set -eux; dpkg-divert --add --rename --divert \"/usr/share/postgresql/postgresql.conf.sample.dpkg\" … # buildkit",
                56_300,
            ),
            (
                "RUN /bin/sh -c mkdir -p /var/run/postgresql && chown -R postgres:postgres /var/run/postgresql && chmod 3777 /var/run/postgresql # buildkit",
                0,
            ),
            ("ENV PGDATA=/var/lib/postgresql/data", 0),
            (
                "RUN /bin/sh -c mkdir -p \"$PGDATA\" && chown -R postgres:postgres \"$PGDATA\" && chmod 1777 \"$PGDATA\" # buildkit",
                0,
            ),
            ("VOLUME [/var/lib/postgresql/data]", 0),
            (
                "COPY docker-entrypoint.sh docker-ensure-initdb.sh /usr/local/bin/ # buildkit",
                16_500,
            ),
            (
                "RUN /bin/sh -c ln -sT docker-ensure-initdb.sh /usr/local/bin/docker-enforce-initdb.sh # buildkit",
                0,
            ),
            ("ENTRYPOINT [\"docker-entrypoint.sh\"]", 0),
            ("STOPSIGNAL SIGINT", 0),
            ("EXPOSE map[5432/tcp:{}]", 0),
            ("CMD [\"postgres\"]", 0),
        ],
    },
    Recipe {
        repo: "python",
        tag: "3.12",
        base: Some(("debian", "bookworm")),
        steps: &[
            (
                "RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates curl gnupg netbase sq wget # buildkit",
                24_100 * KB,
            ),
            (
                "RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends git mercurial openssh-client subversion procps # buildkit",
                58_800 * KB,
            ),
            (
                "RUN /bin/sh -c set -ex; apt-get update; apt-get install -y --no-install-recommends autoconf automake bzip2 dpkg-dev file g++ gcc make … # buildkit",
                1,
            ),
            ("ENV LANG=C.UTF-8", 0),
            (
                "RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends libbluetooth-dev tk-dev uuid-dev # buildkit",
                19_600 * KB,
            ),
            ("ENV PYTHON_VERSION=3.12.8", 0),
            (
                "RUN /bin/sh -c set -eux; wget -O python.tar.xz \"https://www.python.org/ftp/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz\"; … make install … # buildkit",
                52_400 * KB,
            ),
            (
                "RUN /bin/sh -c set -eux; for src in idle3 pip3 pydoc3 python3 python3-config; do … ln -svT \"$src\" \"/usr/local/bin/$dst\"; done # buildkit",
                36,
            ),
            ("CMD [\"python3\"]", 0),
        ],
    },
];

/// The recipe for a catalogue entry, if we wrote one.
fn recipe(spec: &ImageSpec) -> Option<&'static Recipe> {
    RECIPES
        .iter()
        .find(|r| r.repo == spec.repo && spec.tags.contains(&r.tag))
}

fn catalogue_spec(repo: &str, tag: &str) -> Option<&'static ImageSpec> {
    CATALOGUE
        .iter()
        .find(|s| s.repo == repo && s.tags.contains(&tag))
}

/// The history of a catalogue image, base layers first.
pub fn catalogue_history(spec: &ImageSpec) -> Vec<HistoryEntry> {
    let entry = |created_by: &str, size_bytes: u64, key: String| HistoryEntry {
        created_by: created_by.to_string(),
        size_bytes,
        layer: (size_bytes > 0 || created_by.starts_with("COPY") || created_by.starts_with("ADD"))
            .then(|| content_digest(&key)),
        comment: if created_by.ends_with("# buildkit") {
            "buildkit.dockerfile.v0".to_string()
        } else {
            String::new()
        },
    };
    let Some(r) = recipe(spec) else {
        // No recipe written: the catalogue's layer count and size, the first layer the biggest.
        let count = u64::from(spec.layer_count.max(1));
        let rest = spec.size_bytes / (4 * count);
        let first = spec.size_bytes - rest * (count - 1);
        let mut history: Vec<HistoryEntry> = (0..count)
            .map(|i| {
                let size = if i == 0 { first } else { rest };
                let created_by = if i == 0 {
                    format!("ADD rootfs.tar.gz / # {}", spec.repo)
                } else {
                    format!(
                        "RUN /bin/sh -c install layer {i} of {} # buildkit",
                        spec.repo
                    )
                };
                let mut h = entry(
                    &created_by,
                    size.max(1),
                    format!("layer:{}:{}:{i}", spec.repo, spec.tags[0]),
                );
                h.layer = Some(content_digest(&format!(
                    "layer:{}:{}:{i}",
                    spec.repo, spec.tags[0]
                )));
                h
            })
            .collect();
        let cmd = format!("CMD {}", json_list(spec.cmd));
        history.push(entry(&cmd, 0, String::new()));
        return history;
    };
    let mut history = match r.base.and_then(|(repo, tag)| catalogue_spec(repo, tag)) {
        Some(base) => catalogue_history(base),
        None => Vec::new(),
    };
    // The base's config lines stay in the history (docker history shows them) but its CMD is
    // replaced by ours; sizes are what they are.
    let base_total: u64 = history.iter().map(|h| h.size_bytes).sum();
    let listed: u64 = r.steps.iter().filter(|(_, s)| *s > 1).map(|(_, s)| s).sum();
    let filler = spec.size_bytes.saturating_sub(base_total + listed).max(1);
    for (i, (created_by, size)) in r.steps.iter().enumerate() {
        let size = if *size == 1 { filler } else { *size };
        history.push(entry(
            created_by,
            size,
            format!("layer:{}:{}:{i}", spec.repo, r.tag),
        ));
    }
    history
}

fn json_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(" "))
}

/// A catalogue image as it lands in the local store after a pull.
pub fn from_catalogue(spec: &ImageSpec, now_ms: u64) -> Image {
    Image {
        id: spec.id(),
        repo_tags: Vec::new(),
        repo_digest: Some(spec.digest()),
        history: catalogue_history(spec),
        config: ImageConfig {
            entrypoint: spec.entrypoint.iter().map(|s| s.to_string()).collect(),
            cmd: spec.cmd.iter().map(|s| s.to_string()).collect(),
            env: spec.env.iter().map(|s| s.to_string()).collect(),
            exposed_ports: spec.exposed_ports.to_vec(),
            stop_signal: spec.stop_signal.to_string(),
            os: spec.os.to_string(),
            volumes: spec.volumes.iter().map(|s| s.to_string()).collect(),
            workdir: spec.workdir.to_string(),
            user: String::new(),
            labels: Vec::new(),
            healthcheck: None,
            healthcheck_timing: Default::default(),
        },
        built_days_ago: Some(spec.built_days_ago),
        built_at_ms: 0,
        stored_at_ms: now_ms,
        seq: 0,
        files: Default::default(),
    }
}

/// The local images: by ID, and the tags that name them.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ImageStore {
    pub by_id: BTreeMap<String, Image>,
    /// `repo:tag` → image ID.
    pub tags: BTreeMap<String, String>,
    pub next_seq: u64,
}

impl ImageStore {
    /// The tags (`nginx:latest`), sorted.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.tags.keys()
    }

    pub fn contains_key(&self, tag: &str) -> bool {
        self.tags.contains_key(tag)
    }

    pub fn get(&self, tag: &str) -> Option<&Image> {
        self.tags.get(tag).and_then(|id| self.by_id.get(id))
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Finds an image by `repo[:tag]`, full ID, `sha256:` ID or unique ID prefix, as the daemon
    /// does for `docker image rm`/`history`/`inspect`.
    pub fn find(&self, reference: &str) -> Option<&Image> {
        if let Ok(r) = super::image::ImageRef::parse(reference)
            && let Some(image) = self.get(&r.full())
        {
            return Some(image);
        }
        let hex = reference.strip_prefix("sha256:").unwrap_or(reference);
        if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let matches: Vec<&Image> = self
            .by_id
            .values()
            .filter(|i| i.id.starts_with(hex))
            .collect();
        match matches.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// Stores an image and points `tag` at it; the image the tag named before loses it (and is
    /// dangling if that was its last tag).
    pub fn insert(&mut self, tag: Option<&str>, mut image: Image) {
        let id = image.id.clone();
        self.next_seq += 1;
        image.seq = self.next_seq;
        if let Some(existing) = self.by_id.remove(&id) {
            // Same content again: keep its tags and when it arrived.
            image.repo_tags = existing.repo_tags;
            image.stored_at_ms = existing.stored_at_ms;
            image.seq = existing.seq;
            if image.built_days_ago.is_none() {
                image.built_at_ms = existing.built_at_ms;
            }
        }
        if let Some(tag) = tag {
            if let Some(old_id) = self.tags.insert(tag.to_string(), id.clone())
                && old_id != id
                && let Some(old) = self.by_id.get_mut(&old_id)
            {
                old.repo_tags.retain(|t| t != tag);
            }
            if !image.repo_tags.iter().any(|t| t == tag) {
                image.repo_tags.push(tag.to_string());
            }
        }
        self.by_id.insert(id, image);
    }

    /// Every layer on disk with its size, each once.
    pub fn unique_layers(&self) -> BTreeMap<String, u64> {
        let mut layers = BTreeMap::new();
        for image in self.by_id.values() {
            for (digest, size) in image.layers() {
                layers.insert(digest.to_string(), size);
            }
        }
        layers
    }

    /// Is this layer already on the host (so a pull says `Already exists`)?
    pub fn has_layer(&self, digest: &str) -> bool {
        self.by_id
            .values()
            .any(|i| i.layers().iter().any(|(d, _)| *d == digest))
    }

    /// The other images that share at least one layer with `id`.
    pub fn sharing_with(&self, id: &str) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let Some(image) = self.by_id.get(id) else {
            return out;
        };
        for (digest, _) in image.layers() {
            for other in self.by_id.values().filter(|o| o.id != id) {
                if other.layers().iter().any(|(d, _)| *d == digest) {
                    out.entry(digest.to_string())
                        .or_default()
                        .insert(other.display_name());
                }
            }
        }
        out
    }
}

impl Image {
    /// The first tag, or the short ID of a dangling image.
    pub fn display_name(&self) -> String {
        self.repo_tags
            .first()
            .cloned()
            .unwrap_or_else(|| self.id[..12].to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(repo: &str, tag: &str) -> &'static ImageSpec {
        catalogue_spec(repo, tag).unwrap()
    }

    #[test]
    fn catalogue_sizes_add_up_to_the_catalogue() {
        for s in CATALOGUE {
            let image = from_catalogue(s, 0);
            assert_eq!(image.size_bytes(), s.size_bytes, "{}", s.repo);
            assert!(!image.layers().is_empty());
        }
    }

    #[test]
    fn images_on_the_same_base_share_its_layer() {
        let node = from_catalogue(spec("node", "20"), 0);
        let python = from_catalogue(spec("python", "3.12"), 0);
        let debian = from_catalogue(spec("debian", "bookworm"), 0);
        assert_eq!(node.layers()[0], debian.layers()[0]);
        assert_eq!(python.layers()[0], debian.layers()[0]);
        let nginx = from_catalogue(spec("nginx", "1.27"), 0);
        let redis = from_catalogue(spec("redis", "7"), 0);
        assert_eq!(nginx.layers()[0], redis.layers()[0]);
        assert_ne!(nginx.layers()[0], node.layers()[0]);
    }

    #[test]
    fn shared_layers_are_stored_once() {
        let mut store = ImageStore::default();
        store.insert(Some("nginx:1.27"), from_catalogue(spec("nginx", "1.27"), 0));
        store.insert(Some("redis:7"), from_catalogue(spec("redis", "7"), 1));
        let sum: u64 = store.by_id.values().map(|i| i.size_bytes()).sum();
        let unique: u64 = store.unique_layers().values().sum();
        let slim = from_catalogue(spec("debian", "bookworm-slim"), 0).size_bytes();
        assert_eq!(sum - unique, slim);
        assert!(!store.sharing_with(&spec("nginx", "1.27").id()).is_empty());
    }

    #[test]
    fn retagging_leaves_a_dangling_image() {
        let mut store = ImageStore::default();
        let mut a = from_catalogue(spec("alpine", "3.20"), 0);
        a.id = "a".repeat(64);
        let mut b = a.clone();
        b.id = "b".repeat(64);
        store.insert(Some("app:latest"), a);
        store.insert(Some("app:latest"), b);
        assert!(store.by_id[&"a".repeat(64)].repo_tags.is_empty());
        assert_eq!(store.get("app:latest").unwrap().id, "b".repeat(64));
        assert_eq!(store.find("bbbb").unwrap().id, "b".repeat(64));
        assert!(store.find("app").is_some());
    }
}
