//! A private registry: the `registry` image serving the Registry HTTP API, `docker tag`,
//! `docker push`, and pulls of `127.0.0.1:5000/…` images through it.
//!
//! Real Docker (moby `distribution/push.go`, `push_v2.go`, `pull_v2.go`; docker/cli
//! `image/push.go`, client `ImageTag`; CNCF Distribution's registry): `docker tag SRC TARGET`
//! adds a name to an image and prints nothing. `docker push NAME[:TAG]` is done by the daemon:
//! it prints `The push refers to repository [127.0.0.1:5000/shop-api]`, refuses a repository it
//! has no tag of (`An image does not exist locally with the tag: …`), asks the registry for
//! `/v2/` (an address in 127.0.0.0/8 is an insecure registry by default: after HTTPS it tries
//! plain HTTP, so a registry that is not there reads `Get "http://127.0.0.1:5000/v2/": dial tcp
//! 127.0.0.1:5000: connect: connection refused`), then uploads each layer, top first (`Pushed`,
//! `Layer already exists`, or `Mounted from OTHER` for a blob another repository of the same
//! registry holds), then the manifest, and prints `TAG: digest: sha256:… size: N`. Docker Hub
//! without `docker login` answers `denied: requested access to the resource is denied`. A pull is
//! made by the daemon of the machine that pulls: `127.0.0.1:5000` is that machine's own port 5000,
//! which on a swarm node is the routing mesh, so every node reaches the one registry service.
//! The registry keeps what is pushed under `/var/lib/registry` (the image's `VOLUME`): a new
//! container without that volume starts empty, and a pull of what the old one held fails with
//! `manifest for … not found: manifest unknown: manifest unknown`.
//!
//! What we model: the registry container found through the pulling machine's published port or
//! the mesh (src/sim/swarm/mesh/mod.rs), its storage as files in its volume (model.rs), the
//! push's lines and errors, the pull of what it holds, `GET /v2/`, `/v2/_catalog` and
//! `/v2/NAME/tags/list` with their access-log lines, and the digest a manager records for a
//! service's image. What we simplify: a push and a pull take no time (the agent's pull time is
//! src/sim/swarm/agent.rs's); no authentication, TLS or deletion; other registries than
//! loopback ones and Docker Hub refuse a push as Hub does (no login in this lab); a pulled image
//! keeps the tag it was pulled by even when the reference pins a digest.

pub mod model;

use model::Manifest;

use super::containerfs::{self, Backing, Files, Node};
use super::error::DockerError;
use super::image::ImageRef;
use super::images::Image;
use super::mount::MountKind;
use crate::sim::ids::ContainerId;
use crate::sim::order::CollectOrdered;
use crate::sim::{Record, World};

/// `127.0.0.1:5000`, `localhost:5000`: a registry on the pulling machine's own loopback, with
/// its port. `None` for Docker Hub and any other registry.
pub fn loopback(registry: &str) -> Option<(String, u16)> {
    let (host, port) = registry.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let loop_host = host == "localhost" || host == "[::1]" || host.split('.').next() == Some("127");
    loop_host.then(|| (host.to_string(), port))
}

/// Where a daemon reached a registry: the machine and the container that answered.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Endpoint {
    pub host: String,
    pub id: ContainerId,
    pub name: String,
    /// Through the routing mesh (the task's name), rather than a port this machine publishes.
    pub via_mesh: Option<String>,
}

/// Go's `dial tcp` error for a loopback registry nobody listens on (localhost resolves to
/// `::1` first).
fn refused(registry: &str) -> String {
    let (host, port) = loopback(registry).unwrap_or_else(|| (registry.to_string(), 443));
    let address = if host == "localhost" {
        "[::1]".to_string()
    } else {
        host
    };
    format!("Get \"http://{registry}/v2/\": dial tcp {address}:{port}: connect: connection refused")
}

/// Is this container a registry server that is up and listening?
fn is_registry(c: &super::container::Container) -> bool {
    c.status() == super::container::Status::Running
        && c.listening
        && ImageRef::parse(&c.config.image).is_ok_and(|r| r.repo == "registry")
        && c.program
            .as_ref()
            .and_then(|p| p.serves.as_ref())
            .is_some_and(|s| s.port == model::REGISTRY_PORT)
}

/// What answers at `registry` (`127.0.0.1:5000`) from machine `from`: a container this machine
/// publishes the port for, or, on a swarm node, the task the routing mesh picks. The error is
/// the daemon's (without `Error response from daemon: `).
pub fn reach(world: &World, from: &str, registry: &str) -> Result<Endpoint, String> {
    let Some((_, port)) = loopback(registry) else {
        return Err(refused(registry));
    };
    let engine = world.engine_of(from).ok_or_else(|| refused(registry))?;
    if let Some(c) = engine.port_holder(port) {
        let container_port = c
            .bound_ports
            .iter()
            .find(|b| b.host_port == Some(port))
            .map(|b| b.container_port);
        return if is_registry(c) && container_port == Some(model::REGISTRY_PORT) {
            Ok(Endpoint {
                host: from.to_string(),
                id: c.id.clone(),
                name: c.name.clone(),
                via_mesh: None,
            })
        } else {
            Err(not_a_registry(registry, c))
        };
    }
    if world.swarm.active() && world.swarm.node_of(from).is_some() {
        let client = crate::sim::swarm::mesh::Client::Machine(from.to_string());
        let route = crate::sim::swarm::mesh::request(world, &client, "127.0.0.1", port);
        let Ok(answer) = route.outcome else {
            return Err(refused(registry));
        };
        let task = world.swarm.tasks.iter().find(|t| t.id == answer.task_id);
        let c = task.and_then(|t| crate::sim::swarm::agent::task_container(world, t));
        return match c {
            Some(c) if is_registry(c) && answer.target_port == model::REGISTRY_PORT => {
                Ok(Endpoint {
                    host: answer.task_host.clone(),
                    id: c.id.clone(),
                    name: c.name.clone(),
                    via_mesh: Some(answer.task_name.clone()),
                })
            }
            Some(c) => Err(not_a_registry(registry, c)),
            None => Err(refused(registry)),
        };
    }
    Err(refused(registry))
}

/// Something else listens there: the daemon's `GET /v2/` reads its answer as a registry's.
fn not_a_registry(registry: &str, c: &super::container::Container) -> String {
    match c.program.as_ref().and_then(|p| p.serves.as_ref()) {
        Some(s) if s.http => format!(
            "error parsing HTTP 404 response body: invalid character '<' looking for beginning of value: \"{}\"",
            s.body
                .lines()
                .next()
                .unwrap_or_default()
                .replace('"', "\\\"")
        ),
        _ => format!(
            "Get \"http://{registry}/v2/\": net/http: HTTP/1.x transport connection broken: malformed HTTP response"
        ),
    }
}

/// The files under the registry's root directory, by path relative to it, read through the
/// container's mounts on its machine.
fn storage(world: &World, ep: &Endpoint) -> Files {
    let Some(engine) = world.engine_of(&ep.host) else {
        return Files::new();
    };
    let Some(c) = engine.containers.get(&ep.id) else {
        return Files::new();
    };
    let subtree = |files: &Files, rel: &str| -> Files {
        if rel.is_empty() {
            return files.clone();
        }
        let prefix = format!("{rel}/");
        files
            .iter()
            .filter_map(|(p, n)| Some((p.strip_prefix(&prefix)?.to_string(), n.clone())))
            .collect_map()
    };
    match c.fs.backing(model::STORAGE_ROOT) {
        Backing::Layer(abs) => subtree(&c.fs.writable_layer, abs.trim_start_matches('/')),
        Backing::Mount { mount, rel } => {
            let m = &c.fs.mounts[mount];
            match m.kind {
                MountKind::Volume => engine
                    .volumes
                    .get(&m.source)
                    .map(|v| subtree(&v.files, &rel))
                    .unwrap_or_default(),
                MountKind::Tmpfs => {
                    c.fs.tmpfs
                        .get(&m.target)
                        .map(|f| subtree(f, &rel))
                        .unwrap_or_default()
                }
                MountKind::Bind => containerfs::host_tree(world, &m.source)
                    .map(|f| subtree(&f, &rel))
                    .unwrap_or_default(),
            }
        }
    }
}

/// What a registry's storage holds, as its API reads it.
struct Contents {
    files: Files,
}

impl Contents {
    fn read(world: &World, ep: &Endpoint) -> Contents {
        Contents {
            files: storage(world, ep),
        }
    }

    fn text(&self, path: &str) -> Option<&str> {
        match self.files.get(path)? {
            Node::File { content } => Some(content),
            _ => None,
        }
    }

    /// (repository, tag), sorted.
    fn tags(&self) -> Vec<(String, String)> {
        let mut tags = model::tags_in(self.files.keys());
        crate::sim::order::sort(&mut tags);
        tags
    }

    fn repositories(&self) -> Vec<String> {
        let mut repos: Vec<String> = self.tags().into_iter().map(|(r, _)| r).collect();
        repos.dedup();
        repos
    }

    fn has_blob(&self, hex: &str) -> bool {
        self.files.contains_key(&model::blob_data(hex))
    }

    /// The manifest a tag (or a `sha256:` digest) names in a repository: (digest hex, manifest).
    fn manifest(&self, repo: &str, reference: &str) -> Option<(String, Manifest)> {
        let hex = match reference.strip_prefix("sha256:") {
            Some(hex) => {
                self.text(&model::revision_link(repo, hex))?;
                hex.to_string()
            }
            None => model::link_target(self.text(&model::tag_link(repo, reference))?)?.to_string(),
        };
        let manifest = Manifest::parse(self.text(&model::blob_data(&hex))?)?;
        Some((hex, manifest))
    }
}

/// The image a registry's manifest describes: its config (kept by ID, as `docker image save`
/// keeps it), tagged by nobody yet, with the manifest's digest.
fn image_of(world: &World, manifest: &Manifest, digest: &str) -> Image {
    let mut image = world
        .saved_images
        .get(&manifest.config.0)
        .cloned()
        .unwrap_or_else(|| Image {
            id: manifest.config.0.clone(),
            repo_tags: Vec::new(),
            repo_digest: None,
            history: manifest
                .layers
                .iter()
                .map(|(hex, size)| super::images::HistoryEntry {
                    created_by: "ADD layer.tar.gz / # buildkit".to_string(),
                    size_bytes: size * 5 / 2,
                    layer: Some(hex.clone()),
                    comment: String::new(),
                })
                .collect(),
            config: Default::default(),
            built_days_ago: None,
            built_at_ms: 0,
            stored_at_ms: 0,
            seq: 0,
            files: Default::default(),
        });
    image.repo_tags.clear();
    image.repo_digest = Some(digest.to_string());
    image.stored_at_ms = world.now_ms;
    image
}

/// `manifest for 127.0.0.1:5000/shop-api:1.0 not found: manifest unknown: manifest unknown`.
fn manifest_unknown(reference: &ImageRef) -> String {
    let shown = match &reference.digest {
        Some(d) => format!("{}@{d}", reference.repo),
        None => reference.full(),
    };
    format!("manifest for {shown} not found: manifest unknown: manifest unknown")
}

/// A pull from a loopback registry by the daemon of machine `from`; `None` when the reference
/// names another registry (the catalogue answers those, src/sim/docker/engine/mod.rs `pull`).
pub fn pull_from(
    world: &World,
    from: &str,
    reference: &ImageRef,
) -> Option<Result<Image, DockerError>> {
    loopback(&reference.registry)?;
    Some(
        lookup(world, from, reference)
            .map_err(DockerError::daemon)
            .map(|(image, _)| image),
    )
}

/// What `reference` resolves to through the registry `from` reaches: the image and the
/// endpoint, or the daemon's error.
fn lookup(world: &World, from: &str, reference: &ImageRef) -> Result<(Image, Endpoint), String> {
    let ep = reach(world, from, &reference.registry)?;
    let contents = Contents::read(world, &ep);
    let wanted = reference.digest.clone().unwrap_or(reference.tag.clone());
    let (digest, manifest) = contents
        .manifest(&reference.path, &wanted)
        .ok_or_else(|| manifest_unknown(reference))?;
    Ok((image_of(world, &manifest, &digest), ep))
}

/// Whether machine `host` can get a loopback-registry image: it has it (the same digest when
/// the reference pins one), or its registry holds it. `None` for any other image.
pub fn available_on(world: &World, host: &str, reference: &ImageRef) -> Option<bool> {
    loopback(&reference.registry)?;
    let local = world
        .engine_of(host)
        .and_then(|e| e.images.get(&reference.full()))
        .is_some_and(|i| match &reference.digest {
            Some(d) => i.repo_digest.as_deref() == d.strip_prefix("sha256:"),
            None => true,
        });
    Some(local || lookup(world, host, reference).is_ok())
}

/// What a manager records for a service's image (`--resolve-image always`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Pin {
    /// `127.0.0.1:5000/shop-api:1.0@sha256:…` (moby `imageWithDigestString`).
    Pinned(String),
    /// Not on a loopback registry: left to the catalogue (Docker Hub and the others).
    Elsewhere,
    /// The registry cannot be reached or lacks the tag: the CLI warns that each node will
    /// resolve the name alone.
    Unresolved,
}

/// The digest of a service's image on a loopback registry, asked through the registry the
/// daemon on `from` reaches.
pub fn pin(world: &World, from: &str, image: &str) -> Pin {
    let Ok(reference) = ImageRef::parse(image) else {
        return Pin::Elsewhere;
    };
    if loopback(&reference.registry).is_none() {
        return Pin::Elsewhere;
    }
    if reference.digest.is_some() {
        return Pin::Pinned(image.to_string());
    }
    match lookup(world, from, &reference) {
        Ok((found, _)) => Pin::Pinned(format!(
            "{}@sha256:{}",
            reference.full(),
            found.repo_digest.unwrap_or_default()
        )),
        Err(_) => Pin::Unresolved,
    }
}

/// `docker ps`, `docker service ls|ps` show an image without the digest a service pins when it
/// has a tag (docker/cli's formatters: `reference.WithTag(reference.TrimNamed(…))`).
pub fn without_digest(image: &str) -> String {
    match image.split_once('@') {
        Some((name, _))
            if name
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains(':')) =>
        {
            name.to_string()
        }
        _ => image.to_string(),
    }
}

/// Writes one file into the registry's storage on its machine.
fn write(world: &mut World, ep: &Endpoint, rel: &str, node: Node) {
    let path = format!("{}/{rel}", model::STORAGE_ROOT);
    let id = ep.id.clone();
    world.on_host(&ep.host, |w| {
        let _ = containerfs::write(w, &id, &path, node, false, true);
    });
}

/// An access-log line the registry writes on stdout (gorilla's CombinedLoggingHandler).
fn access_line(
    world: &mut World,
    ep: &Endpoint,
    client_ip: &str,
    request: &str,
    status: u16,
    bytes: usize,
    agent: &str,
) {
    let line = format!(
        "{client_ip} - - [{}] \"{request} HTTP/1.1\" {status} {bytes} \"\" \"{agent}\"",
        super::engine::clf_time(world.now_ms)
    );
    let id = ep.id.clone();
    let mut quiet = Record::new(world.now_ms);
    world.on_host(&ep.host, |w| {
        if w.engine.containers.contains_key(&id) {
            super::engine::log_line(w, &id, false, &line, &mut quiet);
        }
    });
}

/// The daemon's User-Agent (moby `dockerversion.DockerUserAgent`).
fn daemon_agent() -> String {
    let v = crate::sim::swarm::cluster::ENGINE_VERSION;
    format!(
        "docker/{v} go/go1.24.9 git-commit/0 kernel/6.8.0-51-generic os/linux arch/amd64 UpstreamClient(Docker-Client/{v} \\(linux\\))"
    )
}

/// Where the daemon's requests come from, as the registry sees them: the bridge's gateway for
/// a published port, the ingress network for the mesh.
fn client_ip(ep: &Endpoint) -> &'static str {
    if ep.via_mesh.is_some() {
        "10.0.0.2"
    } else {
        "172.17.0.1"
    }
}

/// The registry's log after a daemon pulled `reference` through it (the manifest request).
pub fn note_pull(world: &mut World, reference: &ImageRef) {
    if loopback(&reference.registry).is_none() {
        return;
    }
    let from = world.here().to_string();
    if let Ok((image, ep)) = lookup(world, &from, reference) {
        let wanted = reference.digest.clone().unwrap_or(reference.tag.clone());
        let size = Manifest::of(&image, model::config_json(&image).len() as u64)
            .render()
            .len();
        access_line(
            world,
            &ep,
            client_ip(&ep),
            &format!("GET /v2/{}/manifests/{wanted}", reference.path),
            200,
            size,
            &daemon_agent(),
        );
    }
}

/// The name `docker push` shows the repository by: `docker.io/library/shop-api`,
/// `127.0.0.1:5000/shop-api` (`repoInfo.Name.Name()`).
fn qualified(reference: &ImageRef) -> String {
    format!("{}/{}", reference.registry, reference.path)
}

/// `docker push [-a] [-q] NAME[:TAG]`.
/// Long because it is the daemon's push in order (the CLI's default tag, the repository line,
/// the local tags, the registry, then each tag's layers and manifest), each step with its own
/// words.
pub fn push(
    world: &mut World,
    name: &str,
    all_tags: bool,
    quiet: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let parsed =
        super::reference::parse_normalized_named(name).map_err(|e| DockerError::new(e, 1))?;
    let reference = ImageRef::parse(name).map_err(|e| DockerError::new(e, 1))?;
    if parsed.digest.is_some() {
        return Err(DockerError::new("cannot push a digest reference", 1));
    }
    if all_tags && parsed.tag.is_some() {
        return Err(DockerError::new("tag can't be used with --all-tags/-a", 1));
    }
    if !all_tags && parsed.tag.is_none() && !quiet {
        rec.out("Using default tag: latest");
    }
    rec.title = format!("docker push {}", reference.full());
    let out = |rec: &mut Record, line: String| {
        if !quiet {
            rec.out(line);
        }
    };
    out(
        rec,
        format!("The push refers to repository [{}]", qualified(&reference)),
    );
    let prefix = format!("{}:", reference.repo);
    let mut local: Vec<String> = world
        .engine
        .images
        .keys()
        .filter(|t| {
            t.strip_prefix(&prefix)
                .is_some_and(|rest| !rest.contains('/'))
        })
        .cloned()
        .collect();
    crate::sim::order::sort(&mut local);
    if local.is_empty() {
        rec.say(format!(
            "This daemon has no image named {} (any tag): a push sends an image this engine already has under that name. Tag one first: `docker tag SOURCE {}`.",
            reference.repo,
            reference.full()
        ));
        return Err(DockerError::new(
            format!(
                "An image does not exist locally with the tag: {}",
                reference.repo
            ),
            1,
        ));
    }
    let here = world.here().to_string();
    let endpoint = if loopback(&reference.registry).is_some() {
        match reach(world, &here, &reference.registry) {
            Ok(ep) => Some(ep),
            Err(e) => {
                rec.say(format!(
                    "The daemon on {here} connects to {} itself: nothing answers there, so there is no registry to push to (start one: `docker run -d -p 5000:5000 registry:2`, or on a swarm `docker service create --name registry --publish published=5000,target=5000 registry:2`).",
                    reference.registry
                ));
                return Err(DockerError::new(e, 1));
            }
        }
    } else {
        None
    };
    let tags: Vec<String> = if all_tags {
        local
    } else if local.contains(&reference.full()) {
        vec![reference.full()]
    } else {
        return Err(DockerError::new(
            format!("tag does not exist: {}", reference.full()),
            1,
        ));
    };
    let Some(ep) = endpoint else {
        // Docker Hub (or another public registry): no `docker login` in this lab.
        if let Some(image) = world.engine.images.get(&tags[0]) {
            for (hex, _) in image.layers().iter().rev() {
                out(rec, format!("{}: Preparing", &hex[..12]));
            }
        }
        rec.say(format!(
            "{} is a repository on {}: pushing there needs an account that owns it (`docker login`), and this lab has none. A private registry on the swarm takes pushes without a login: tag the image 127.0.0.1:5000/NAME.",
            reference.path,
            if reference.registry == "docker.io" {
                "Docker Hub"
            } else {
                reference.registry.as_str()
            }
        ));
        return Err(DockerError::new(
            "denied: requested access to the resource is denied",
            1,
        ));
    };
    let mut lines = Vec::new();
    for tag in &tags {
        let image = world.engine.images.get(tag).cloned().expect("listed above");
        let tag_name = tag.rsplit_once(':').map(|(_, t)| t).unwrap_or("latest");
        lines.extend(push_tag(world, &ep, &reference, &image, tag_name, rec));
    }
    for line in lines {
        out(rec, line);
    }
    if quiet {
        // docker/cli prints `ref.String()`: the full name, with the tag unless `--all-tags`.
        rec.out(if all_tags {
            qualified(&reference)
        } else {
            format!("{}:{}", qualified(&reference), reference.tag)
        });
    }
    rec.touch(&ep.name);
    rec.say(format!(
        "The daemon on {here} sent the image to the registry at {}: {}. It lives there now, in {}'s /var/lib/registry{}, and any daemon that reaches {} can pull it.",
        reference.registry,
        match &ep.via_mesh {
            Some(task) => format!(
                "{here}'s port {} is the routing mesh, which took the upload to the registry task {task} on {}",
                loopback(&reference.registry).map(|(_, p)| p).unwrap_or(0),
                ep.host
            ),
            None => format!(
                "the port is published by the container {} on this machine",
                ep.name
            ),
        },
        ep.name,
        storage_words(world, &ep),
        reference.registry
    ));
    Ok(())
}

/// What holds the registry's root directory, for the narration.
fn storage_words(world: &World, ep: &Endpoint) -> String {
    let Some(engine) = world.engine_of(&ep.host) else {
        return String::new();
    };
    let Some(c) = engine.containers.get(&ep.id) else {
        return String::new();
    };
    match c.fs.backing(model::STORAGE_ROOT) {
        Backing::Mount { mount, .. } if c.fs.mounts[mount].kind == MountKind::Volume => {
            let source = &c.fs.mounts[mount].source;
            if engine.volumes.get(source).is_some_and(|v| v.anonymous) {
                " (an anonymous volume of that container: a new container starts with an empty one)"
                    .to_string()
            } else {
                format!(" (the volume {source} on {})", ep.host)
            }
        }
        Backing::Mount { .. } => String::new(),
        Backing::Layer(_) => {
            " (its writable layer: removing the container removes them)".to_string()
        }
    }
}

/// One tag's upload: each layer (top first), the config, the manifest and the tag link. Returns
/// the lines the push prints for it.
fn push_tag(
    world: &mut World,
    ep: &Endpoint,
    reference: &ImageRef,
    image: &Image,
    tag: &str,
    rec: &mut Record,
) -> Vec<String> {
    let repo = reference.path.clone();
    let contents = Contents::read(world, ep);
    let mut lines = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut pushed = 0;
    let layers = image.layers();
    for (hex, size) in layers.iter().rev() {
        let short = &hex[..12];
        let linked = contents.files.contains_key(&model::layer_link(&repo, hex));
        let status = if seen.contains(hex) || linked {
            "Layer already exists".to_string()
        } else if let Some(other) = contents
            .has_blob(hex)
            .then(|| model::repositories_with_layer(contents.files.keys(), hex))
            .and_then(|repos| repos.into_iter().find(|r| *r != repo))
        {
            write(world, ep, &model::layer_link(&repo, hex), link_node(hex));
            format!("Mounted from {other}")
        } else {
            write(
                world,
                ep,
                &model::blob_data(hex),
                Node::Blob {
                    size_bytes: model::compressed_bytes(*size),
                },
            );
            write(world, ep, &model::layer_link(&repo, hex), link_node(hex));
            pushed += 1;
            "Pushed".to_string()
        };
        seen.push(hex);
        lines.push(format!("{short}: {status}"));
    }
    let (digest, size_bytes) = write_manifest(world, ep, &repo, tag, image);
    // The daemon remembers the digest for this repository (`addDigestReference`). The store
    // keeps one digest per image: an image pulled from Docker Hub keeps Hub's.
    if let Some(local) = world.engine.images.by_id.get_mut(&image.id)
        && local.repo_digest.is_none()
    {
        local.repo_digest = Some(digest.clone());
    }
    access_line(
        world,
        ep,
        client_ip(ep),
        &format!("PUT /v2/{repo}/manifests/{tag}"),
        201,
        0,
        &daemon_agent(),
    );
    rec.say(format!(
        "{repo}:{tag}: {}. The manifest lists the config and the layers; its digest (sha256:{}…) names exactly this image.",
        match (pushed, layers.len()) {
            (0, _) => "every layer was already in the registry, nothing was uploaded".to_string(),
            (p, n) if p == n => format!("all {n} layer(s) uploaded"),
            (p, n) => format!("{p} of {n} layer(s) uploaded, the others were already in the registry"),
        },
        &digest[..12]
    ));
    lines.push(format!("{tag}: digest: sha256:{digest} size: {size_bytes}"));
    lines
}

/// The config blob, the manifest and the tag's links: what makes the uploaded layers an image
/// of the repository. Returns the manifest's digest (hex) and size. The image's config is also
/// kept by ID, as `docker image save` keeps it.
fn write_manifest(
    world: &mut World,
    ep: &Endpoint,
    repo: &str,
    tag: &str,
    image: &Image,
) -> (String, usize) {
    let config = model::config_json(image);
    let manifest = Manifest::of(image, config.len() as u64);
    let text = manifest.render();
    let digest = manifest.digest();
    let size_bytes = text.len();
    write(
        world,
        ep,
        &model::blob_data(&image.id),
        Node::File { content: config },
    );
    write(
        world,
        ep,
        &model::blob_data(&digest),
        Node::File { content: text },
    );
    for link in [
        model::revision_link(repo, &digest),
        model::tag_index_link(repo, tag, &digest),
        model::tag_link(repo, tag),
    ] {
        write(world, ep, &link, link_node(&digest));
    }
    world.saved_images.insert(image.id.clone(), image.clone());
    (digest, size_bytes)
}

fn link_node(hex: &str) -> Node {
    Node::File {
        content: model::link(hex),
    }
}

/// `docker tag SOURCE TARGET` / `docker image tag`: another name for the same image; prints
/// nothing (moby client `ImageTag`, daemon `TagImage`).
pub fn tag(
    world: &mut World,
    source: &str,
    target: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let invalid = |text: &str, e: String| {
        DockerError::new(
            format!("Error parsing reference: \"{text}\" is not a valid repository/tag: {e}"),
            1,
        )
    };
    let hex = source.strip_prefix("sha256:").unwrap_or(source);
    let source_ref = match ImageRef::parse(source) {
        Ok(r) => Some(r),
        Err(_) if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) => None,
        Err(e) => return Err(invalid(source, e)),
    };
    let parsed =
        super::reference::parse_normalized_named(target).map_err(|e| invalid(target, e))?;
    if parsed.digest.is_some() {
        return Err(DockerError::new(
            "refusing to create a tag with a digest reference",
            1,
        ));
    }
    let target_ref = ImageRef::parse(target).map_err(|e| invalid(target, e))?;
    let Some(image) = world.engine.images.find(source).cloned() else {
        let shown = source_ref.map(|r| r.full()).unwrap_or(source.to_string());
        return Err(DockerError::daemon(format!("No such image: {shown}")));
    };
    let before = world
        .engine
        .images
        .get(&target_ref.full())
        .map(|i| i.id.clone());
    world
        .engine
        .images
        .insert(Some(&target_ref.full()), image.clone());
    rec.title = format!("docker tag {source} {}", target_ref.full());
    rec.touch(target_ref.full());
    rec.say(format!(
        "{} now names the same image as {source} (ID {}): a tag is only a name, nothing is copied and no layer is written.{}",
        target_ref.full(),
        &image.id[..12],
        match before {
            Some(old) if old != image.id => format!(
                " The tag named image {} before; that image keeps its other names, or is left dangling (<none>).",
                &old[..12]
            ),
            _ => String::new(),
        }
    ));
    if loopback(&target_ref.registry).is_some() {
        rec.say(format!(
            "The name starts with {}: `docker push {}` will send it to the registry at that address, as seen from the daemon that pushes.",
            target_ref.registry,
            target_ref.full()
        ));
    }
    Ok(())
}

/// The registry's answer to `GET path` (the Registry HTTP API v2), as (status, body): `None`
/// when the container in the mounted engine is not a registry. Writes its access-log line.
pub fn serve_http(
    world: &mut World,
    id: &ContainerId,
    path: &str,
    client: &str,
    rec: &mut Record,
) -> Option<(u16, String)> {
    let c = world.engine.containers.get(id)?;
    if !is_registry(c) {
        return None;
    }
    let ep = Endpoint {
        host: world.here().to_string(),
        id: id.clone(),
        name: c.name.clone(),
        via_mesh: None,
    };
    let contents = Contents::read(world, &ep);
    let path = path.split('?').next().unwrap_or(path);
    let (status, body) = match path {
        "/v2" | "/v2/" => (200, "{}".to_string()),
        "/v2/_catalog" => (
            200,
            format!(
                "{{\"repositories\":{}}}\n",
                model::quote_list(&contents.repositories())
            ),
        ),
        _ => match path
            .strip_prefix("/v2/")
            .and_then(|p| p.strip_suffix("/tags/list"))
        {
            Some(repo) => {
                let tags: Vec<String> = contents
                    .tags()
                    .into_iter()
                    .filter(|(r, _)| r == repo)
                    .map(|(_, t)| t)
                    .collect();
                if tags.is_empty() {
                    (
                        404,
                        format!(
                            "{{\"errors\":[{{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\",\"detail\":{{\"name\":{}}}}}]}}\n",
                            model::quote(repo)
                        ),
                    )
                } else {
                    (
                        200,
                        format!(
                            "{{\"name\":{},\"tags\":{}}}\n",
                            model::quote(repo),
                            model::quote_list(&tags)
                        ),
                    )
                }
            }
            None => (404, "404 page not found\n".to_string()),
        },
    };
    access_line(
        world,
        &ep,
        client,
        &format!("GET {path}"),
        status,
        body.len(),
        "curl/8.5.0",
    );
    let name = ep.name.clone();
    rec.touch(&name);
    if path == "/v2/_catalog" {
        rec.say(format!(
            "{name} lists the repositories it holds, read from /var/lib/registry/docker/registry/v2/repositories."
        ));
    }
    Some((status, body))
}

/// A request the routing mesh delivered to task `task_id`: the registry's answer, if that task
/// is a registry.
pub fn answer_task(
    world: &mut World,
    task_id: &str,
    path: &str,
    rec: &mut Record,
) -> Option<String> {
    let task = world.swarm.tasks.iter().find(|t| t.id == task_id)?;
    let id = task.container.clone()?;
    let node = task.node_id.clone()?;
    let host = world.swarm.nodes.get(&node)?.hostname.clone();
    world
        .on_host(&host, |w| serve_http(w, &id, path, "10.0.0.2", rec))
        .flatten()
        .map(|(_, body)| body)
}

/// `registry 127.0.0.1:5000 has shop-api:1.0` / `… lacks …`: what a pull from the terminal's
/// machine would find there now.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RegistryCheck {
    pub registry: String,
    pub image: String,
    pub has: bool,
}

impl RegistryCheck {
    pub fn parse(words: &[&str]) -> Option<Result<RegistryCheck, String>> {
        let ["registry", registry, verb @ ("has" | "lacks"), image] = words else {
            return None;
        };
        if loopback(registry).is_none() {
            return Some(Err(format!(
                "`{registry}` is not a loopback registry address such as 127.0.0.1:5000"
            )));
        }
        Some(Ok(RegistryCheck {
            registry: registry.to_string(),
            image: image.to_string(),
            has: *verb == "has",
        }))
    }

    pub fn holds(&self, world: &World) -> bool {
        let Ok(reference) = ImageRef::parse(&format!("{}/{}", self.registry, self.image)) else {
            return false;
        };
        let from = world.here().to_string();
        lookup(world, &from, &reference).is_ok() == self.has
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_registries_have_a_port() {
        assert_eq!(loopback("127.0.0.1:5000"), Some(("127.0.0.1".into(), 5000)));
        assert_eq!(loopback("localhost:5001"), Some(("localhost".into(), 5001)));
        assert_eq!(loopback("docker.io"), None);
        assert_eq!(loopback("node-2:5000"), None);
        assert!(
            refused("localhost:5000").contains("dial tcp [::1]:5000: connect: connection refused")
        );
        assert_eq!(
            refused("127.0.0.1:5000"),
            "Get \"http://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused"
        );
    }

    #[test]
    fn digests_are_hidden_where_the_cli_hides_them() {
        let pinned = format!("127.0.0.1:5000/shop-api:1.0@sha256:{}", "a".repeat(64));
        assert_eq!(without_digest(&pinned), "127.0.0.1:5000/shop-api:1.0");
        let bare = format!("nginx@sha256:{}", "a".repeat(64));
        assert_eq!(without_digest(&bare), bare);
        assert_eq!(without_digest("nginx:1.27"), "nginx:1.27");
    }
}
