//! The image catalogue as data: real public images with their real config, so that real compose
//! files name images the simulation knows.
//!
//! What real Docker does: `docker pull postgres:15-alpine` asks Docker Hub for that tag of the
//! official `library/postgres` repository and gets an image whose config (ENTRYPOINT, CMD, ENV,
//! EXPOSE, VOLUME, USER, STOPSIGNAL, HEALTHCHECK) comes from docker-library's Dockerfile. A tag that
//! does not exist is `manifest for postgres:99 not found: manifest unknown: manifest unknown`; a
//! one-word name outside the official library (`ngnix`) is `pull access denied … repository does not
//! exist or may require 'docker login'`.
//!
//! What we model: `assets/images/catalogue.json` (schema and sources in docs/IMAGES.md): each
//! repository's version families, tag variants, tag forms, image config, the tools each variant
//! carries, the env its entrypoint refuses to start without (with the exact message), its ready log
//! line and typical start-up time. A tag resolves by the repository's own grammar
//! (`{version}-{variant}`, `{variant}`, `{full}`, `latest`, named tags such as `lts`); a version the
//! catalogue does not list but that is plausible (inside the listed range) is treated as its nearest
//! listed family, and the narration says so. `assets/images/official-library.txt` is the closed set
//! of official one-word names. An image nobody catalogued (an official one we lack, `myorg/api`,
//! `ghcr.io/acme/web`) is pulled as a generic long-running service, and the narration says plainly
//! that Dockyard is guessing; we never claim a real public image does not exist.
//!
//! What we simplify: sizes and start-up times are typical values; every variant of a repository
//! shares the default variant's config; a version family's image ID is derived from its name, so
//! `postgres:15` and `postgres:15.3` are the same image here.
//!
//! It also answers `lookup` (the course's hand-written images in image.rs first, then this
//! data), so image.rs need not import this file. A leaf: it imports only image.rs, images.rs and
//! the process and filesystem models, never the world.

use std::sync::OnceLock;

use serde::Deserialize;

use super::image::{CATALOGUE as COURSE_IMAGES, ImageRef, ImageSpec, content_digest};
use super::images::{HistoryEntry, Image, ImageConfig};
use super::process::model::{OnStop, Op, Program, Serves};

#[derive(Deserialize, Debug)]
pub struct Catalogue {
    pub repositories: Vec<Repository>,
}

#[derive(Deserialize, Debug)]
pub struct Repository {
    pub name: String,
    pub official: bool,
    pub kind: String,
    pub versions: Vec<String>,
    pub latest: Option<String>,
    pub variants: Vec<Variant>,
    pub tag_forms: Vec<String>,
    pub config: Config,
    #[serde(default)]
    pub listens: Vec<u16>,
    #[serde(default)]
    pub required_env: Vec<RequiredEnv>,
    pub ready_log: Option<String>,
    pub init_ms: Option<u64>,
}

#[derive(Deserialize, Debug)]
pub struct Variant {
    pub suffix: String,
    pub size_bytes: Option<u64>,
    #[serde(default)]
    pub tools: Vec<String>,
}

#[derive(Deserialize, Debug, Default)]
pub struct Config {
    #[serde(default)]
    pub entrypoint: Option<Vec<String>>,
    #[serde(default)]
    pub cmd: Option<Vec<String>>,
    #[serde(default)]
    pub env: Vec<String>,
    #[serde(default)]
    pub exposed_ports: Vec<String>,
    #[serde(default)]
    pub volumes: Vec<String>,
    #[serde(default)]
    pub workdir: String,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub stop_signal: String,
    pub healthcheck: Option<serde_json::Value>,
}

#[derive(Deserialize, Debug)]
pub struct RequiredEnv {
    pub any_of: Vec<String>,
    pub exit_code: i32,
    pub message: String,
}

static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
static OFFICIAL: OnceLock<Vec<&'static str>> = OnceLock::new();

/// The catalogue, parsed once (it is read-only data: every world shares it).
pub fn catalogue() -> &'static Catalogue {
    CATALOGUE.get_or_init(|| {
        // The full file minus what is there for people (scripts/minify-catalogue.py).
        serde_json::from_str(include_str!("../../../assets/images/catalogue.min.json")).unwrap_or(
            Catalogue {
                repositories: Vec::new(),
            },
        )
    })
}

/// Docker Hub's official library: the closed set of one-word names.
pub fn official_names() -> &'static [&'static str] {
    OFFICIAL.get_or_init(|| {
        include_str!("../../../assets/images/official-library.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

pub fn repository(name: &str) -> Option<&'static Repository> {
    catalogue().repositories.iter().find(|r| r.name == name)
}

/// What a reference resolves to.
#[derive(Clone, Debug)]
pub enum Resolution {
    /// A catalogued repository, at a version family and variant.
    Known(Resolved),
    /// Nobody catalogued it, but it may well exist: pulled as a generic long-running service.
    Generic,
    /// The repository is known and this tag cannot exist in it.
    UnknownTag,
    /// A one-word name outside Docker Hub's official library.
    UnknownRepo,
}

#[derive(Clone, Debug)]
pub struct Resolved {
    pub repository: &'static Repository,
    /// The version family (`15`, `1.28`), `None` for a repository without versions.
    pub family: Option<String>,
    pub variant: &'static Variant,
    /// Said in the narration when the tag was read loosely (a version the catalogue does not list).
    pub note: Option<String>,
}

/// Resolves a reference by its repository's tag grammar.
pub fn resolve(reference: &ImageRef) -> Resolution {
    let Some(repo) = repository(&reference.repo) else {
        let one_word = reference.is_official();
        return if one_word
            && !official_names()
                .iter()
                .any(|n| Some(*n) == reference.path.strip_prefix("library/"))
        {
            Resolution::UnknownRepo
        } else {
            Resolution::Generic
        };
    };
    match resolve_tag(repo, &reference.tag) {
        Some(r) => Resolution::Known(r),
        None => Resolution::UnknownTag,
    }
}

fn default_variant(repo: &'static Repository) -> Option<&'static Variant> {
    repo.variants
        .iter()
        .find(|v| v.suffix.is_empty())
        .or(repo.variants.first())
}

/// `{version}-{variant}`, `{variant}`, `{full}`, `latest`, a named tag: the family and variant.
/// The repository's own tag forms are tried first (each a pattern of literals and placeholders,
/// docs/IMAGES.md); a version the catalogue does not list but that is plausible comes last.
fn resolve_tag(repo: &'static Repository, tag: &str) -> Option<Resolved> {
    let default = default_variant(repo)?;
    if tag == "latest" {
        // elasticsearch, logstash and kibana publish no `latest`.
        if repo.latest.is_none() && !repo.tag_forms.iter().any(|f| f == "latest") {
            return None;
        }
        return Some(Resolved {
            repository: repo,
            family: repo.latest.clone(),
            variant: default,
            note: None,
        });
    }
    for form in &repo.tag_forms {
        let mut found = Found::default();
        if match_form(repo, &tokens(form), tag, &mut found) {
            return Some(Resolved {
                repository: repo,
                family: found.family.or_else(|| repo.latest.clone()),
                variant: found.variant.unwrap_or(default),
                note: None,
            });
        }
    }
    // A version the catalogue does not list, alone or with a variant: the nearest family.
    let mut variants: Vec<&'static Variant> = repo.variants.iter().collect();
    crate::sim::order::sort_by_key(&mut variants, |v| std::cmp::Reverse(v.suffix.len()));
    for variant in variants {
        let version = if variant.suffix.is_empty() {
            Some(tag)
        } else {
            tag.strip_suffix(variant.suffix.as_str())
                .and_then(|v| v.strip_suffix('-'))
        };
        if let Some((family, note)) = version.and_then(|v| version_family(repo, v)) {
            return Some(Resolved {
                repository: repo,
                family: Some(family),
                variant,
                note,
            });
        }
    }
    None
}

/// What a tag form's placeholders matched.
#[derive(Default, Clone)]
struct Found {
    family: Option<String>,
    variant: Option<&'static Variant>,
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Literal(&'a str),
    Slot(&'a str),
}

/// `{version}-{variant}` → [Slot(version), Literal(-), Slot(variant)].
fn tokens(form: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = form;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(0) => match rest.find('}') {
                Some(close) => {
                    out.push(Token::Slot(&rest[1..close]));
                    rest = &rest[close + 1..];
                }
                None => {
                    out.push(Token::Literal(rest));
                    rest = "";
                }
            },
            Some(open) => {
                out.push(Token::Literal(&rest[..open]));
                rest = &rest[open..];
            }
            None => {
                out.push(Token::Literal(rest));
                rest = "";
            }
        }
    }
    out
}

/// Does `tag` match the tokens? Placeholders try every split (tags are short, forms shorter).
fn match_form(
    repo: &'static Repository,
    tokens: &[Token<'_>],
    tag: &str,
    found: &mut Found,
) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return tag.is_empty();
    };
    match first {
        Token::Literal(text) => tag
            .strip_prefix(text)
            .is_some_and(|after| match_form(repo, rest, after, found)),
        Token::Slot(slot) => {
            for end in (1..=tag.len()).rev() {
                if !tag.is_char_boundary(end) {
                    continue;
                }
                let mut next = found.clone();
                if fill_slot(repo, slot, &tag[..end], &mut next)
                    && match_form(repo, rest, &tag[end..], &mut next)
                {
                    *found = next;
                    return true;
                }
            }
            false
        }
    }
}

/// Whether `text` can stand for the placeholder `slot`, recording the family or variant.
fn fill_slot(repo: &'static Repository, slot: &str, text: &str, found: &mut Found) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    match slot {
        "variant" => match repo
            .variants
            .iter()
            .find(|v| !v.suffix.is_empty() && v.suffix == text)
        {
            Some(v) => {
                found.variant = Some(v);
                true
            }
            None => false,
        },
        "version" | "full" | "major" | "minor" => {
            let core = if slot == "full" {
                release_core(text)
            } else {
                Some(text)
            };
            let Some(numbers) = core.and_then(parse_version) else {
                return false;
            };
            let families: Vec<(&String, Vec<u64>)> = repo
                .versions
                .iter()
                .filter_map(|f| parse_version(f).map(|n| (f, n)))
                .collect();
            let family = families
                .iter()
                .filter(|(_, n)| numbers.starts_with(n) || n.starts_with(&numbers))
                .max_by(|a, b| {
                    // The family the version is a release of, else the newest it is a prefix of.
                    (numbers.starts_with(&a.1), &a.1).cmp(&(numbers.starts_with(&b.1), &b.1))
                })
                .map(|(f, _)| (*f).clone());
            match family {
                Some(f) => {
                    found.family = Some(f);
                    true
                }
                None => false,
            }
        }
        "codename" => text.len() >= 3 && text.bytes().all(|b| b.is_ascii_lowercase()),
        "date" => text.len() == 8 && digits(text),
        "build" | "php" | "release" | "upstream_release" => {
            text.split('.').all(digits) && !text.starts_with('.')
        }
        _ => false,
    }
}

/// The version number of a full release tag without its build or pre-release marks: Java's
/// `8u502-b07` and `11.0.32_9`, `4.0.0-rc-5`, `8.5.0RC1`, `13.0.1-rc`, `1.2.3-beta2`.
fn release_core(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (core, tail) = text.split_at(end);
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let ok = tail.is_empty()
        || tail
            .strip_prefix('u')
            .is_some_and(|t| match t.split_once("-b") {
                Some((update, build)) => digits(update) && digits(build),
                None => digits(t),
            })
        || tail.strip_prefix('_').is_some_and(digits)
        || ["-rc", "rc", "RC", "-beta", "-alpha", "beta", "alpha"]
            .iter()
            .any(|mark| {
                tail.strip_prefix(mark).is_some_and(|t| {
                    let t = t.strip_prefix('-').unwrap_or(t);
                    t.is_empty() || digits(t)
                })
            });
    (ok && !core.is_empty()).then_some(core)
}

/// The family a version names: exactly (`15`), by a longer version (`15.3`, `1.28.0`), by a
/// shorter one (`8` → the newest `8.x`), or, inside the listed range, the nearest listed family.
fn version_family(repo: &Repository, version: &str) -> Option<(String, Option<String>)> {
    let version = version.strip_prefix('v').unwrap_or(version);
    let numbers = parse_version(version)?;
    let families: Vec<(&String, Vec<u64>)> = repo
        .versions
        .iter()
        .filter_map(|f| parse_version(f).map(|n| (f, n)))
        .collect();
    if families.is_empty() {
        return None;
    }
    // Exact, or a patch release of a family.
    if let Some((f, _)) = families
        .iter()
        .filter(|(_, n)| numbers.starts_with(n))
        .max_by_key(|(_, n)| n.len())
    {
        return Some(((*f).clone(), None));
    }
    // A major alone (`mysql:8`): the newest family of that major.
    if let Some((f, _)) = families
        .iter()
        .filter(|(_, n)| n.starts_with(&numbers))
        .max_by(|a, b| a.1.cmp(&b.1))
    {
        return Some(((*f).clone(), None));
    }
    // Plausible but not listed: inside the range of listed majors, the nearest family.
    let majors: Vec<u64> = families.iter().map(|(_, n)| n[0]).collect();
    let (low, high) = (majors.iter().min()?, majors.iter().max()?);
    if numbers[0] < *low || numbers[0] > *high {
        return None;
    }
    let nearest = families
        .iter()
        .min_by_key(|(_, n)| distance(n, &numbers))
        .map(|(f, _)| (*f).clone())?;
    let note = format!(
        "Dockyard's catalogue does not list {} {version}; it is treated as the nearest version it knows, {nearest}.",
        repo.name
    );
    Some((nearest, Some(note)))
}

/// `15`, `1.28.0`, `8.0.36` → numbers; anything else (`banana`, `1.x`) is not a version.
fn parse_version(text: &str) -> Option<Vec<u64>> {
    if text.is_empty() || text.len() > 20 {
        return None;
    }
    text.split('.').map(|p| p.parse::<u64>().ok()).collect()
}

/// How far two versions are apart, comparing majors first.
fn distance(a: &[u64], b: &[u64]) -> (u64, u64) {
    let major = a[0].abs_diff(b[0]);
    let minor = a
        .get(1)
        .copied()
        .unwrap_or(0)
        .abs_diff(b.get(1).copied().unwrap_or(0));
    (major, minor)
}

/// The image a resolution pulls: its config from the catalogue, its layers sized from the variant.
pub fn image(resolution: &Resolution, reference: &ImageRef, now_ms: u64) -> Option<Image> {
    let (key, config, size_bytes) = match resolution {
        Resolution::Known(r) => {
            let repo = r.repository;
            let key = format!(
                "{}:{}:{}",
                repo.name,
                r.family.as_deref().unwrap_or("latest"),
                r.variant.suffix
            );
            let size = r
                .variant
                .size_bytes
                .or_else(|| default_variant(repo).and_then(|v| v.size_bytes))
                .unwrap_or(100_000_000);
            let mut config = image_config(&repo.config);
            postgres_layout(repo, r.family.as_deref(), &mut config);
            (key, config, size)
        }
        Resolution::Generic => {
            let config = ImageConfig {
                // Nobody told Dockyard this image's command: say so where docker shows it.
                cmd: vec!["<unknown to Dockyard>".to_string()],
                stop_signal: "SIGTERM".to_string(),
                os: "linux".to_string(),
                workdir: "/".to_string(),
                ..ImageConfig::default()
            };
            (reference.full(), config, 150_000_000)
        }
        Resolution::UnknownTag | Resolution::UnknownRepo => return None,
    };
    // A few layers, the first (the base system) the biggest, as real images are.
    let count: u64 = (size_bytes / 60_000_000).clamp(2, 10);
    let rest = size_bytes / (4 * count);
    let first = size_bytes - rest * (count - 1);
    let mut history: Vec<HistoryEntry> = (0..count)
        .map(|i| {
            let digest = content_digest(&format!("layer:{key}:{i}"));
            HistoryEntry {
                created_by: if i == 0 {
                    "ADD rootfs.tar.gz / # buildkit".to_string()
                } else {
                    format!("RUN /bin/sh -c set -eux; install step {i} # buildkit")
                },
                size_bytes: if i == 0 { first } else { rest },
                layer: Some(digest),
                comment: "buildkit.dockerfile.v0".to_string(),
            }
        })
        .collect();
    if !config.cmd.is_empty() {
        let quoted: Vec<String> = config.cmd.iter().map(|a| format!("{a:?}")).collect();
        history.push(HistoryEntry {
            created_by: format!("CMD [{}]", quoted.join(" ")),
            size_bytes: 0,
            layer: None,
            comment: "buildkit.dockerfile.v0".to_string(),
        });
    }
    Some(Image {
        id: content_digest(&format!("image:{key}")),
        repo_tags: Vec::new(),
        repo_digest: Some(content_digest(&format!("manifest:{key}"))),
        history,
        config,
        built_days_ago: Some(30),
        built_at_ms: 0,
        stored_at_ms: now_ms,
        seq: 0,
        files: Default::default(),
    })
}

/// The catalogue keeps one config per repository, PostgreSQL 18's; its notes say 17 and older
/// set `PGDATA=/var/lib/postgresql/data` and `VOLUME /var/lib/postgresql/data`
/// (docker-library/postgres before PR 1259). An older family gets that layout, so its data lives
/// where a `…/data` mount puts it.
fn postgres_layout(repo: &Repository, family: Option<&str>, config: &mut ImageConfig) {
    let major = family
        .and_then(|f| f.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    let Some(major) = major.filter(|m| repo.name == "postgres" && *m < 18) else {
        return;
    };
    for kv in &mut config.env {
        if kv.starts_with("PGDATA=") {
            *kv = "PGDATA=/var/lib/postgresql/data".to_string();
        } else if kv.starts_with("PG_MAJOR=") {
            *kv = format!("PG_MAJOR={major}");
        }
    }
    config.volumes = vec!["/var/lib/postgresql/data".to_string()];
}

fn image_config(c: &Config) -> ImageConfig {
    let ports = c
        .exposed_ports
        .iter()
        .filter_map(|p| p.strip_suffix("/tcp").unwrap_or(p).parse::<u16>().ok())
        .collect();
    let healthcheck = c
        .healthcheck
        .as_ref()
        .and_then(|h| h.get("Test"))
        .and_then(|t| t.as_array())
        .map(|t| {
            t.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        });
    ImageConfig {
        entrypoint: c.entrypoint.clone().unwrap_or_default(),
        cmd: c.cmd.clone().unwrap_or_default(),
        env: c.env.clone(),
        exposed_ports: ports,
        stop_signal: if c.stop_signal.is_empty() {
            "SIGTERM".to_string()
        } else {
            c.stop_signal.clone()
        },
        os: "linux".to_string(),
        volumes: c.volumes.clone(),
        workdir: if c.workdir.is_empty() {
            "/".to_string()
        } else {
            c.workdir.clone()
        },
        user: c.user.clone(),
        labels: Vec::new(),
        healthcheck,
        healthcheck_timing: Default::default(),
    }
}

/// The files a database's first start writes into its data directory (the image's first
/// `VOLUME`), with typical sizes: InnoDB's system tablespace for MySQL/MariaDB, WiredTiger's
/// files for MongoDB, the Erlang cookie and Mnesia database for RabbitMQ, a dump for others.
/// The first entry is what a later start looks for to skip initialisation.
fn data_files(repo: &str, volumes: &[String]) -> Vec<(String, super::containerfs::model::Node)> {
    use super::containerfs::model::Node;
    let Some(dir) = volumes.first() else {
        return Vec::new();
    };
    let blob = |size_bytes: u64| Node::Blob { size_bytes };
    let file = |content: &str| Node::File {
        content: content.to_string(),
    };
    let at = |name: &str| format!("{}/{name}", dir.trim_end_matches('/'));
    match repo {
        "mysql" | "mariadb" => vec![
            (at("ibdata1"), blob(12 * 1024 * 1024)),
            (at("mysql.ibd"), blob(24 * 1024 * 1024)),
            (at("undo_001"), blob(16 * 1024 * 1024)),
            (
                at("auto.cnf"),
                file("[auto]\nserver-uuid=3b1f3c2e-0000-11ef-9a2b-0242ac120002\n"),
            ),
        ],
        "mongo" => vec![
            (
                at("WiredTiger"),
                file("WiredTiger\nWiredTiger 11.2.0: (November 10, 2022)\n"),
            ),
            (at("WiredTiger.wt"), blob(64 * 1024)),
            (
                at("journal/WiredTigerLog.0000000001"),
                blob(100 * 1024 * 1024),
            ),
            (at("mongod.lock"), file("1\n")),
        ],
        "rabbitmq" => vec![
            (at(".erlang.cookie"), file("QWERTYUIOPASDFGHJKLZ")),
            (at("mnesia/rabbit@localhost/schema.DAT"), blob(40 * 1024)),
        ],
        // postgres (src/sim/docker/postgres.rs) and redis (dump.rdb on save) have their own.
        "postgres" | "redis" => Vec::new(),
        _ => vec![(at("data"), blob(1024 * 1024))],
    }
}

/// The main process of a container whose command line the process model does not know, from what
/// the catalogue says its image is (a database checks its required env, starts, logs its ready
/// line and serves; a web server serves HTTP), or a generic long-running service for an image
/// nobody catalogued. Returns the program and what the narration should say about it.
/// Long because it is one arm per kind of catalogued image (database, web server, cache, queue,
/// generic), each a short program.
pub fn program(
    image: &str,
    argv: &[String],
    env: &[String],
    published: &[u16],
) -> Option<(Program, Option<String>)> {
    let reference = ImageRef::parse(image).ok()?;
    let name = argv.join(" ");
    let serve = |port: Option<u16>, http: bool, body: String| {
        port.map(|port| Serves {
            port,
            body,
            http,
            failing_paths: Vec::new(),
        })
    };
    let running = |ops: Vec<Op>, serves: Option<Serves>| Program {
        name: name.clone(),
        ops,
        on_stop: OnStop::Exit {
            after_ms: 300,
            exit_code: 0,
            lines: Vec::new(),
            stderr: false,
        },
        serves,
    };
    let generic = |why: String| {
        let port = published.first().copied();
        let body = format!("(a response from {image}: Dockyard does not know what it answers)");
        (running(vec![Op::Serve], serve(port, true, body)), Some(why))
    };
    let resolved = match resolve(&reference) {
        Resolution::Known(r) => r,
        Resolution::Generic => {
            return Some(generic(format!(
                "Dockyard does not know the image {} and is guessing: it runs it as a generic long-running service{}.",
                reference.full(),
                published
                    .first()
                    .map(|p| format!(" that answers on port {p}"))
                    .unwrap_or_default()
            )));
        }
        Resolution::UnknownTag | Resolution::UnknownRepo => return None,
    };
    let repo = resolved.repository;
    // Does the command line run the image's own server (its CMD, or options the entrypoint script
    // passes to it: `--default-authentication-plugin=…`)? Otherwise it runs another program,
    // which must be one the image carries, or exec fails as it would for real (exit 127).
    let entrypoint = repo.config.entrypoint.clone().unwrap_or_default();
    let cmd = repo.config.cmd.clone().unwrap_or_default();
    let tail = argv.strip_prefix(entrypoint.as_slice()).unwrap_or(argv);
    let base = |a: &str| a.rsplit('/').next().unwrap_or(a).to_string();
    // `sh -c '/usr/local/bin/cloudflared proxy-dns …'` runs the program the script names.
    let tail = shell_script_words(tail).unwrap_or_else(|| tail.to_vec());
    let cmd = shell_script_words(&cmd).unwrap_or(cmd);
    let is_default = match (tail.first(), cmd.first()) {
        (None, _) => true,
        (Some(first), _) if first.starts_with('-') => true,
        (Some(first), Some(own)) => base(first) == base(own),
        (Some(_), None) => false,
    };
    if !is_default {
        let executable = base(tail.first().map(String::as_str).unwrap_or_default());
        if !resolved.variant.tools.contains(&executable) {
            return None;
        }
    }
    let env_set = |key: &str| {
        env.iter().rev().any(|kv| {
            kv.strip_prefix(key)
                .and_then(|r| r.strip_prefix('='))
                .is_some_and(|v| !v.is_empty())
        })
    };
    if repo.name == "registry" && is_default {
        // The entrypoint runs `registry serve CONFIG` (src/sim/docker/registry/model.rs).
        let config = tail.first().cloned().unwrap_or_default();
        let program = super::registry::model::program(
            resolved.family.as_deref(),
            &format!("registry serve {config}"),
            env,
        );
        return Some((program, resolved.note));
    }
    let port = repo.listens.first().copied().or(published.first().copied());
    let init = Op::Sleep(repo.init_ms.unwrap_or(1_000));
    let ready = repo.ready_log.clone().map(Op::Stdout);
    match repo.kind.as_str() {
        "language-runtime" if is_default => {
            // `node`, `python3` with no terminal: the REPL reads end-of-file and exits.
            Some((running(vec![Op::Exit(0)], None), None))
        }
        _ if !is_default => Some(generic(format!(
            "Dockyard cannot run `{name}` inside {}: it keeps it running as a generic service.",
            reference.full()
        ))),
        "sql-database" | "document-database" | "key-value-store" | "message-broker"
        | "search-engine" => {
            if let Some(missing) = repo
                .required_env
                .iter()
                .find(|r| !r.any_of.iter().any(|k| env_set(k)))
            {
                let mut ops: Vec<Op> = missing
                    .message
                    .lines()
                    .map(|l| Op::Stderr(l.to_string()))
                    .collect();
                ops.push(Op::Exit(missing.exit_code));
                let why = format!(
                    "{}'s entrypoint refuses to initialise without {}: it prints why and exits {}.",
                    repo.name,
                    missing
                        .any_of
                        .first()
                        .map(String::as_str)
                        .unwrap_or("its settings"),
                    missing.exit_code
                );
                return Some((running(ops, None), Some(why)));
            }
            let http = repo.kind == "search-engine";
            let body = if http {
                format!(
                    "{{\"name\":\"{}\",\"tagline\":\"You Know, for Search\"}}",
                    repo.name
                )
            } else {
                format!(
                    "({} speaks its own protocol on this port, not HTTP)",
                    repo.name
                )
            };
            // A first start initialises the data directory (the image's VOLUME, or what is
            // mounted there); a later start finds the files and skips straight to serving.
            let mut ops = Vec::new();
            let files = data_files(repo.name.as_str(), &repo.config.volumes);
            if let Some((marker, _)) = files.first() {
                ops.push(Op::IfExists {
                    path: marker.clone(),
                    pc: 1 + files.len(),
                });
                for (path, node) in files {
                    ops.push(Op::WriteFile { path, node });
                }
            }
            ops.push(init);
            ops.extend(ready);
            ops.push(Op::Serve);
            Some((running(ops, serve(port, http, body)), resolved.note))
        }
        _ => {
            let body = match repo.name.as_str() {
                "httpd" => "<html><body><h1>It works!</h1></body></html>".to_string(),
                other => format!("<!doctype html><title>{other}</title>"),
            };
            let mut ops = vec![init];
            ops.extend(ready);
            ops.push(Op::Serve);
            Some((running(ops, serve(port, true, body)), resolved.note))
        }
    }
}

/// The OCI annotation a built image may carry to name the image it was built from.
pub const BASE_NAME_LABEL: &str = "org.opencontainers.image.base.name";

/// The main process of a container of a built image whose label names its base: the base's own
/// program when the command line is one the base carries (or its default), else a generic
/// long-running service (the build may have installed anything: `pip install gunicorn`,
/// `go build -o /server`), said plainly.
pub fn built_on(
    base: &str,
    argv: &[String],
    env: &[String],
    published: &[u16],
) -> Option<(Program, Option<String>)> {
    if let Some(found) = program(base, argv, env, published) {
        return Some(found);
    }
    let port = published.first().copied();
    let body = format!(
        "(a response from an image built on {base}: Dockyard does not know what it answers)"
    );
    let program = Program {
        name: argv.join(" "),
        ops: vec![Op::Serve],
        on_stop: OnStop::Exit {
            after_ms: 300,
            exit_code: 0,
            lines: Vec::new(),
            stderr: false,
        },
        serves: port.map(|port| Serves {
            port,
            body,
            http: true,
            failing_paths: Vec::new(),
        }),
    };
    let why = format!(
        "Dockyard cannot run `{}` (built on {base}): it keeps it running as a generic service{}.",
        argv.join(" "),
        port.map(|p| format!(" that answers HTTP on port {p}"))
            .unwrap_or_default()
    );
    Some((program, Some(why)))
}

/// The words of a `sh -c SCRIPT` command line's script, `exec` left out; `None` for any other.
pub fn shell_script_words(argv: &[String]) -> Option<Vec<String>> {
    let shell = argv.first()?;
    let shell = shell.rsplit('/').next().unwrap_or(shell);
    if !matches!(shell, "sh" | "bash" | "ash") || argv.get(1).map(String::as_str) != Some("-c") {
        return None;
    }
    let words: Vec<String> = argv
        .get(2)?
        .split_whitespace()
        .skip_while(|w| *w == "exec")
        .map(str::to_string)
        .collect();
    (!words.is_empty()).then_some(words)
}

/// The tools a catalogued image's variant carries (`None`: not catalogued).
pub fn tools(image: &str) -> Option<&'static [String]> {
    let reference = ImageRef::parse(image).ok()?;
    match resolve(&reference) {
        Resolution::Known(r) => Some(r.variant.tools.as_slice()),
        _ => None,
    }
}

/// What the registry answers for a reference.
pub enum Lookup {
    /// One of the course's hand-written images (with their layer recipes and behaviour).
    Found(&'static ImageSpec),
    /// A real image from the catalogue data (below), or one nobody
    /// catalogued that is pulled as a generic service.
    Catalogue(Resolution),
    /// The repository exists but not this tag.
    UnknownTag,
    /// No such repository (or no access to it).
    UnknownRepo,
}

pub fn lookup(reference: &ImageRef) -> Lookup {
    // A repository has several entries (node:20, node:20-alpine): find the one with this tag.
    let tag = reference.tag.as_str();
    if let Some(spec) = COURSE_IMAGES
        .iter()
        .find(|spec| spec.repo == reference.repo && spec.tags.contains(&tag))
    {
        return Lookup::Found(spec);
    }
    let course_repo = COURSE_IMAGES.iter().any(|spec| spec.repo == reference.repo);
    match resolve(reference) {
        Resolution::Known(r) => Lookup::Catalogue(Resolution::Known(r)),
        // The course's own images are all listed: another tag of one does not exist.
        _ if course_repo => Lookup::UnknownTag,
        // Nobody publishes under dockyard/ but this course.
        Resolution::Generic if reference.repo.starts_with("dockyard/") => Lookup::UnknownRepo,
        Resolution::Generic => Lookup::Catalogue(Resolution::Generic),
        Resolution::UnknownTag => Lookup::UnknownTag,
        Resolution::UnknownRepo => Lookup::UnknownRepo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family(reference: &str) -> Result<(String, String), String> {
        let r = ImageRef::parse(reference).map_err(|e| e.to_string())?;
        match resolve(&r) {
            Resolution::Known(k) => Ok((k.family.unwrap_or_default(), k.variant.suffix.clone())),
            Resolution::Generic => Err("generic".into()),
            Resolution::UnknownTag => Err("unknown tag".into()),
            Resolution::UnknownRepo => Err("unknown repo".into()),
        }
    }

    #[test]
    fn the_catalogue_parses_and_covers_the_sample_files_images() {
        let names: Vec<&str> = catalogue()
            .repositories
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        for needed in [
            "mysql",
            "mariadb",
            "mongo",
            "postgres",
            "redis",
            "nginx",
            "httpd",
            "php",
            "wordpress",
            "nextcloud",
            "gitea/gitea",
            "grafana/grafana",
            "prom/prometheus",
            "elasticsearch",
            "logstash",
            "kibana",
            "portainer/portainer-ce",
            "dpage/pgadmin4",
            "traefik",
            "node",
            "python",
            "golang",
            "eclipse-temurin",
            "rabbitmq",
            "memcached",
            "adminer",
            "busybox",
            "alpine",
            "ubuntu",
            "debian",
        ] {
            assert!(names.contains(&needed), "{needed} is not in the catalogue");
        }
        assert!(official_names().contains(&"postgres"));
        assert!(!official_names().contains(&"ngnix"));
    }

    /// The embedded file is the full one stripped as scripts/minify-catalogue.py strips it.
    #[test]
    fn min_file_is_the_full_file_stripped() {
        use serde_json::Value;
        let mut full: Value =
            serde_json::from_str(include_str!("../../../assets/images/catalogue.json")).unwrap();
        let min: Value =
            serde_json::from_str(include_str!("../../../assets/images/catalogue.min.json"))
                .unwrap();
        for repo in full["repositories"].as_array_mut().unwrap() {
            let repo = repo.as_object_mut().unwrap();
            for key in ["notes", "source", "full_versions", "data_dir"] {
                repo.remove(key);
            }
            for variant in repo["variants"].as_array_mut().unwrap() {
                variant
                    .as_object_mut()
                    .unwrap()
                    .retain(|k, _| ["suffix", "size_bytes", "tools"].contains(&k.as_str()));
            }
        }
        assert!(
            full == min,
            "assets/images/catalogue.min.json is stale: run python3 scripts/minify-catalogue.py"
        );
    }

    #[test]
    fn tags_follow_each_repository_s_grammar() {
        let f = |s: &str| family(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(f("postgres:15-alpine"), ("15".into(), "alpine".into()));
        assert_eq!(f("postgres:alpine").1, "alpine");
        assert_eq!(f("postgres:15.3"), ("15".into(), "".into()));
        assert_eq!(f("redis:7.4-bookworm").1, "bookworm");
        assert_eq!(f("nginx:1.28-alpine"), ("1.28".into(), "alpine".into()));
        assert_eq!(f("nginx:1.28.0").0, "1.28");
        assert_eq!(f("mysql:8.4").0, "8.4");
        assert_eq!(f("mysql:8").0, "8.4");
        assert_eq!(f("mariadb:10.6.4-focal"), ("10.6".into(), "focal".into()));
        assert_eq!(f("node:lts-alpine").1, "alpine");
        assert_eq!(f("traefik:v3.1").0.split('.').next(), Some("3"));
        assert!(f("postgres:latest").0.parse::<u32>().is_ok());
    }

    #[test]
    fn impossible_tags_and_names_are_refused_and_unknown_images_are_guessed() {
        assert_eq!(family("postgres:99"), Err("unknown tag".into()));
        assert_eq!(family("nginx:banana"), Err("unknown tag".into()));
        assert_eq!(family("nginx:0.0.1"), Err("unknown tag".into()));
        assert_eq!(family("elasticsearch:latest"), Err("unknown tag".into()));
        assert_eq!(family("ngnix"), Err("unknown repo".into()));
        assert_eq!(family("postgress:16"), Err("unknown repo".into()));
        assert_eq!(family("myorg/api:1.2"), Err("generic".into()));
        assert_eq!(family("ghcr.io/acme/web"), Err("generic".into()));
        // Official, but not catalogued: it exists, so it is guessed, not refused.
        assert_eq!(family("haproxy:3.0"), Err("generic".into()));
    }

    #[test]
    fn a_plausible_unlisted_version_is_the_nearest_family_and_says_so() {
        let r = ImageRef::parse("postgres:15.99").unwrap();
        let Resolution::Known(k) = resolve(&r) else {
            panic!("postgres:15.99 did not resolve")
        };
        assert_eq!(k.family.as_deref(), Some("15"));
        assert!(k.note.is_none());
        let repo = repository("redis").unwrap();
        let (fam, note) = version_family(repo, "7.5").unwrap();
        assert!(fam.starts_with('7'), "{fam}");
        assert!(note.unwrap().contains("nearest"));
    }
}
