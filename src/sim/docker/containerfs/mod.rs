//! A container's view of its filesystem: which storage backs each path.
//!
//! Real Docker: the root filesystem is the image's read-only layers with one thin writable layer
//! on top (overlay2, copy-on-write). Every mount is laid over a path of that tree: a volume
//! (`/var/lib/docker/volumes/<name>/_data` on the host), a bind mount (any host folder), a tmpfs
//! (host memory). A path belongs to the mount with the longest target that contains it; anything
//! else lands in the writable layer, which survives `stop`/`start` and is deleted with the
//! container. A tmpfs is unmounted when the container stops, so its files are gone.
//!
//! What we model: the writable layer and each tmpfs as a small tree of text files, reads that
//! fall through to the image's folders, and reads/writes that go to the right backing store
//! (the engine's volumes, the host's project folder, the container's memory); the files a built,
//! committed or imported image carries, read through; a single host file bind-mounted at a path
//! (`-v ./db_password:/run/secrets/db_password:ro`) reads as that file. What we simplify: the
//! catalogue's images contribute only their standard folders (and `VOLUME`/`WORKDIR` paths),
//! not their files; deleting an image file (a whiteout) is not modelled; file modes and owners
//! are not modelled; volume copy-up (an empty volume receiving the image's files at its path)
//! is not modelled; writing through a single-file bind mount is not modelled.

pub mod model;

pub use model::{Backing, ContainerFs, Files, FsError, Node, Touched, files_size};
use model::{join, tree_get, tree_list, tree_mkdir, tree_remove, tree_write};

use std::collections::BTreeMap;

use super::super::hostfs::{self, Entry};
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::world::World;
use super::cli::RunOptions;
use super::error::DockerError;
use super::mount::{self, Mount, MountKind};
use super::volume;
use crate::sim::order::CollectOrdered;

/// The host-side tree behind a bind mount, as our tree type (a snapshot for reading); `None`
/// when `source` is not a folder of the host.
pub fn host_tree(world: &World, source: &str) -> Option<Files> {
    match world.fs.entries.get(source) {
        Some(Entry::Dir) => {}
        _ => return None,
    }
    Some(
        world
            .fs
            .walk(source)
            .into_iter()
            .map(|(rel, e)| (rel, Node::from_entry(e)))
            .collect_map(),
    )
}

/// Runs `f` on the tree that backs `path` in container `id`, mutably.
fn with_tree_mut<T>(
    world: &mut World,
    id: &ContainerId,
    path: &str,
    write: bool,
    f: impl FnOnce(&mut Files, &str) -> Result<T, FsError>,
) -> Result<(T, Touched), FsError> {
    let c = &world.engine.containers[id];
    let backing = c.fs.backing(path);
    match backing {
        Backing::Layer(abs) => {
            let rel = abs.trim_start_matches('/').to_string();
            let c = world.engine.containers.get_mut(id).expect("resolved");
            f(&mut c.fs.writable_layer, &rel).map(|t| (t, Touched::Layer))
        }
        Backing::Mount { mount, rel } => {
            let m = c.fs.mounts[mount].clone();
            if write && m.read_only {
                return Err(FsError::ReadOnly);
            }
            match m.kind {
                MountKind::Volume => {
                    let v = world
                        .engine
                        .volumes
                        .get_mut(&m.source)
                        .ok_or(FsError::NotFound)?;
                    f(&mut v.files, &rel).map(|t| (t, Touched::Volume(m.source.clone())))
                }
                MountKind::Tmpfs => {
                    let c = world.engine.containers.get_mut(id).expect("resolved");
                    let files = c.fs.tmpfs.entry(m.target.clone()).or_default();
                    f(files, &rel).map(|t| (t, Touched::Tmpfs(m.target.clone())))
                }
                MountKind::Bind => {
                    // Work on a copy of the host folder, then write the changes back.
                    let uid = c.config.uid;
                    let mut tree = host_tree(world, &m.source).ok_or(FsError::NotFound)?;
                    let before = tree.clone();
                    let result = f(&mut tree, &rel)?;
                    if tree != before {
                        sync_host(world, &m.source, &before, &tree, uid);
                    }
                    Ok((result, Touched::Bind(m.source.clone())))
                }
            }
        }
    }
}

/// Applies a changed copy of a bind-mounted folder to the host's files. A file or folder the
/// container creates belongs on the host to the uid it runs as (root unless `-u`/`USER`).
fn sync_host(world: &mut World, source: &str, before: &Files, after: &Files, uid: u32) {
    for rel in before.keys() {
        if !after.contains_key(rel) {
            world.fs.entries.remove(&join(source, rel));
            world.fs.owners.remove(&join(source, rel));
        }
    }
    for (rel, node) in after {
        if before.get(rel) == Some(node) {
            continue;
        }
        let path = join(source, rel);
        if !before.contains_key(rel) {
            if uid == hostfs::LEARNER_UID {
                world.fs.owners.remove(&path);
            } else {
                world.fs.owners.insert(path.clone(), uid);
            }
        }
        world.fs.entries.insert(path, node.to_entry());
    }
}

/// Writes a file inside a container (`echo hi > /data/f`, a program saving its data).
pub fn write(
    world: &mut World,
    id: &ContainerId,
    path: &str,
    node: Node,
    append: bool,
    make_parents: bool,
) -> Result<Touched, FsError> {
    let path = hostfs::normalise("/", path);
    if !make_parents && !is_dir(world, id, parent_of(&path)) {
        return Err(if exists(world, id, parent_of(&path)) {
            FsError::NotDir
        } else {
            FsError::NotFound
        });
    }
    with_tree_mut(world, id, &path, true, |files, rel| {
        // A folder that exists only in the image or as a mount point is real for writing too.
        tree_write(files, rel, node, append, true)
    })
    .map(|(_, t)| t)
}

fn parent_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// `mkdir [-p]` inside a container.
pub fn mkdir(
    world: &mut World,
    id: &ContainerId,
    path: &str,
    parents: bool,
) -> Result<Touched, FsError> {
    let path = hostfs::normalise("/", path);
    if exists(world, id, &path) {
        return if parents && is_dir(world, id, &path) {
            Ok(Touched::Layer)
        } else {
            Err(FsError::IsDir)
        };
    }
    if !parents && !is_dir(world, id, parent_of(&path)) {
        return Err(FsError::NotFound);
    }
    with_tree_mut(world, id, &path, true, |files, rel| {
        tree_mkdir(files, rel, true)
    })
    .map(|(_, t)| t)
}

/// `rm [-r]` inside a container.
pub fn remove(
    world: &mut World,
    id: &ContainerId,
    path: &str,
    recursive: bool,
) -> Result<Touched, FsError> {
    let path = hostfs::normalise("/", path);
    with_tree_mut(world, id, &path, true, |files, rel| {
        tree_remove(files, rel, recursive)
    })
    .map(|(_, t)| t)
}

/// Reads a node inside a container.
pub fn get(world: &World, id: &ContainerId, path: &str) -> Option<Node> {
    let c = world.engine.containers.get(id)?;
    let path = hostfs::normalise("/", path);
    if path == "/" {
        return Some(Node::Dir);
    }
    // A mount point is a folder even when nothing else is there, unless a single file is
    // bind-mounted there (`-v ./secrets/db_password:/run/secrets/db_password:ro`).
    if let Some(m) = c.fs.mounts.iter().find(|m| m.target == path) {
        if m.kind == MountKind::Bind
            && let Some(entry) = world.fs.get(&m.source)
            && !matches!(entry, hostfs::Entry::Dir)
        {
            return Some(Node::from_entry(entry));
        }
        return Some(Node::Dir);
    }
    match c.fs.backing(&path) {
        Backing::Layer(abs) => {
            let rel = abs.trim_start_matches('/');
            c.fs.writable_layer
                .get(rel)
                .or_else(|| c.fs.image_files.get(rel))
                .cloned()
                .or_else(|| c.fs.image_dirs.contains(&abs).then_some(Node::Dir))
        }
        Backing::Mount { mount, rel } => {
            let m = &c.fs.mounts[mount];
            match m.kind {
                MountKind::Volume => world
                    .engine
                    .volumes
                    .get(&m.source)
                    .and_then(|v| tree_get(&v.files, &rel).cloned()),
                MountKind::Tmpfs => {
                    c.fs.tmpfs
                        .get(&m.target)
                        .and_then(|f| tree_get(f, &rel).cloned())
                }
                MountKind::Bind => {
                    host_tree(world, &m.source).and_then(|f| tree_get(&f, &rel).cloned())
                }
            }
        }
    }
}

pub fn exists(world: &World, id: &ContainerId, path: &str) -> bool {
    get(world, id, path).is_some()
}

pub fn is_dir(world: &World, id: &ContainerId, path: &str) -> bool {
    matches!(get(world, id, path), Some(Node::Dir))
}

/// A text file's content.
pub fn read(world: &World, id: &ContainerId, path: &str) -> Result<String, FsError> {
    match get(world, id, path) {
        Some(Node::File { content }) => Ok(content),
        Some(Node::Blob { .. } | Node::Archive(_)) => Ok(String::new()),
        Some(Node::Dir) => Err(FsError::IsDir),
        None => Err(FsError::NotFound),
    }
}

/// A folder's children (name, node), sorted by name; mount points show as folders.
pub fn list(world: &World, id: &ContainerId, path: &str) -> Result<Vec<(String, Node)>, FsError> {
    let path = hostfs::normalise("/", path);
    match get(world, id, &path) {
        None => return Err(FsError::NotFound),
        Some(Node::Dir) => {}
        Some(node) => {
            return Ok(vec![(
                path.rsplit('/').next().unwrap_or("").to_string(),
                node,
            )]);
        }
    }
    let c = &world.engine.containers[id];
    let mut children: BTreeMap<String, Node> = BTreeMap::new();
    match c.fs.backing(&path) {
        Backing::Layer(abs) => {
            for dir in &c.fs.image_dirs {
                if parent_of(dir) == abs && dir != &abs {
                    children.insert(dir.rsplit('/').next().unwrap_or("").to_string(), Node::Dir);
                }
            }
            for (name, node) in tree_list(&c.fs.image_files, abs.trim_start_matches('/')) {
                children.insert(name, node);
            }
            for (name, node) in tree_list(&c.fs.writable_layer, abs.trim_start_matches('/')) {
                children.insert(name, node);
            }
        }
        Backing::Mount { mount, rel } => {
            let m = &c.fs.mounts[mount];
            let tree = match m.kind {
                MountKind::Volume => world.engine.volumes.get(&m.source).map(|v| v.files.clone()),
                MountKind::Tmpfs => c.fs.tmpfs.get(&m.target).cloned(),
                MountKind::Bind => host_tree(world, &m.source),
            }
            .unwrap_or_default();
            for (name, node) in tree_list(&tree, &rel) {
                children.insert(name, node);
            }
        }
    }
    for m in &c.fs.mounts {
        if parent_of(&m.target) == path && m.target != path {
            children.insert(
                m.target.rsplit('/').next().unwrap_or("").to_string(),
                Node::Dir,
            );
        }
    }
    Ok(children.into_iter().collect())
}

/// The store behind a path in a container, and the path's place in it: `volume:NAME`,
/// `host` (bind mounts, by host path), `layer:ID`, `tmpfs:ID:TARGET`.
fn store_of(world: &World, id: &ContainerId, path: &str) -> Option<(String, String)> {
    let c = world.engine.containers.get(id)?;
    let path = hostfs::normalise("/", path);
    Some(match c.fs.backing(&path) {
        Backing::Layer(abs) => (format!("layer:{}", id.0), abs),
        Backing::Mount { mount, rel } => {
            let m = &c.fs.mounts[mount];
            match m.kind {
                MountKind::Volume => (format!("volume:{}", m.source), rel),
                MountKind::Bind => ("host".to_string(), join(&m.source, &rel)),
                MountKind::Tmpfs => (format!("tmpfs:{}:{}", id.0, m.target), rel),
            }
        }
    })
}

/// A container's filesystem as the backup tools see it (src/sim/docker/archiving.rs): reads and
/// writes go through its mounts like any program's, and each store written is remembered for the
/// narration and the picture.
pub struct InContainer<'a> {
    pub world: &'a mut World,
    pub id: ContainerId,
    pub touched: Vec<Touched>,
}

impl super::archiving::Tree for InContainer<'_> {
    fn node(&self, path: &str) -> Option<Node> {
        get(self.world, &self.id, path)
    }

    fn walk(&self, dir: &str) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        let mut pending = vec![String::new()];
        while let Some(rel) = pending.pop() {
            let path = join(dir, &rel);
            for (name, node) in list(self.world, &self.id, &path).unwrap_or_default() {
                let child = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                if node == Node::Dir {
                    pending.push(child.clone());
                }
                out.push((child, node));
            }
        }
        crate::sim::order::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
        out
    }

    fn put(&mut self, path: &str, node: Node) -> Result<(), FsError> {
        let t = if node == Node::Dir {
            if is_dir(self.world, &self.id, path) {
                return Ok(());
            }
            mkdir(self.world, &self.id, path, true)?
        } else {
            write(self.world, &self.id, path, node, false, true)?
        };
        if !self.touched.contains(&t) {
            self.touched.push(t);
        }
        Ok(())
    }

    fn live_database(&mut self, path: &str) -> Option<(String, u64)> {
        let (store, rel) = store_of(self.world, &self.id, path)?;
        let world = &*self.world;
        let found = world.engine.containers.values().find_map(|c| {
            let serving = c.listening
                && c.config.image.starts_with("postgres")
                && c.config.argv().iter().any(|a| a == "postgres");
            if !serving {
                return None;
            }
            let data = super::postgres::pgdata(&c.config.env);
            let (db_store, db_rel) = store_of(world, &c.id, &data)?;
            if db_store != store {
                return None;
            }
            if rel.is_empty() || db_rel == rel {
                Some(db_rel.trim_start_matches('/').to_string())
            } else {
                db_rel.strip_prefix(&format!("{rel}/")).map(str::to_string)
            }
        })?;
        let draw = self.world.rng.below(1 << 32);
        Some((found, draw))
    }

    fn live_aof_rewrite(&mut self, path: &str) -> Option<(String, String, u64)> {
        let (store, rel) = store_of(self.world, &self.id, path)?;
        let world = &*self.world;
        let found = world.engine.containers.values().find_map(|c| {
            let dir = super::redis::aof_dir_of(world, &c.id)?;
            let manifest = super::redis::rewrite_end_manifest(world, &c.id)?;
            let (aof_store, aof_rel) = store_of(world, &c.id, dir)?;
            if aof_store != store {
                return None;
            }
            let (rel, aof_rel) = (rel.trim_matches('/'), aof_rel.trim_matches('/'));
            let place = if aof_rel == rel {
                String::new()
            } else if rel.is_empty() {
                aof_rel.to_string()
            } else {
                aof_rel.strip_prefix(&format!("{rel}/"))?.to_string()
            };
            Some((place, manifest))
        })?;
        let draw = self.world.rng.below(1 << 32);
        Some((found.0, found.1, draw))
    }

    fn delete(&mut self, path: &str) -> Result<(), FsError> {
        let t = remove(self.world, &self.id, path, true)?;
        if !self.touched.contains(&t) {
            self.touched.push(t);
        }
        Ok(())
    }
}

/// What is refused before the image is even looked up: the CLI's own `-v` check (docker/cli
/// `internal/volumespec`) and the daemon's `--mount` validation, which `verifyContainerSettings`
/// runs before `GetImage` (moby v28.5.2 `daemon/create.go`, `daemon/container.go`).
pub fn check_before_image(world: &World, options: &RunOptions) -> Result<(), DockerError> {
    for raw in &options.volumes {
        mount::cli_check_volume_flag(raw).map_err(|e| DockerError::new(e, 125))?;
    }
    for raw in &options.mounts {
        let m = mount::parse_mount_flag(raw, &world.fs.cwd).map_err(|e| {
            DockerError::new(
                format!("invalid argument \"{raw}\" for \"--mount\" flag: {e}"),
                125,
            )
        })?;
        mount::validate_mount(&m, |p| {
            world.fs.entries.contains_key(p) || mount::on_every_docker_host(p)
        })
        .map_err(DockerError::daemon)?;
    }
    Ok(())
}

/// moby `registerMountPoints`: the mounts of each `--volumes-from` container (its volumes and
/// bind mounts, not its tmpfs), in that container's mode unless `:ro`/`:rw` says; a destination
/// the command line mounts itself keeps the command line's.
fn volumes_from(
    world: &World,
    options: &RunOptions,
    mounts: &mut Vec<Mount>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    for raw in &options.volumes_from {
        let (name, mode) = match raw.rsplit_once(':') {
            Some((n, m)) if m == "ro" || m == "rw" => (n, Some(m == "ro")),
            Some((_, m)) => {
                return Err(DockerError::daemon(format!("invalid mode: {m}")));
            }
            None => (raw.as_str(), None),
        };
        let source = world.engine.resolve(name)?;
        let from: Vec<Mount> = world.engine.containers[&source]
            .fs
            .mounts
            .iter()
            .filter(|m| m.kind != MountKind::Tmpfs)
            .cloned()
            .collect();
        for mut m in from {
            if mounts.iter().any(|o| o.target == m.target) {
                continue;
            }
            if let Some(read_only) = mode {
                m.read_only = read_only;
            }
            mounts.push(m);
        }
        rec.say(format!(
            "--volumes-from {name}: the new container mounts {name}'s volumes and bind mounts at the same paths."
        ));
    }
    Ok(())
}

/// `docker create`'s mounts: parses `-v`, `--mount` and `--tmpfs`, adds an anonymous volume for
/// each image `VOLUME` nothing is mounted on, creates the volumes (and, for `-v`, a missing host
/// folder). Errors are Docker's; the caller's world is restored when one is returned.
pub fn prepare<S: AsRef<str>>(
    world: &mut World,
    options: &RunOptions,
    image_volumes: &[S],
    workdir: &str,
    rec: &mut Record,
) -> Result<ContainerFs, DockerError> {
    let cwd = world.fs.cwd.clone();
    let mut mounts: Vec<Mount> = Vec::new();
    for raw in &options.volumes {
        mount::cli_check_volume_flag(raw).map_err(|e| DockerError::new(e, 125))?;
        mounts.push(mount::parse_volume_flag(raw, &cwd).map_err(DockerError::daemon)?);
    }
    for raw in &options.mounts {
        let m = mount::parse_mount_flag(raw, &cwd).map_err(|e| {
            DockerError::new(
                format!("invalid argument \"{raw}\" for \"--mount\" flag: {e}"),
                125,
            )
        })?;
        mount::validate_mount(&m, |p| {
            world.fs.entries.contains_key(p) || mount::on_every_docker_host(p)
        })
        .map_err(DockerError::daemon)?;
        mounts.push(m);
    }
    for raw in &options.tmpfs {
        mounts.push(mount::parse_tmpfs_flag(raw).map_err(DockerError::daemon)?);
    }
    volumes_from(world, options, &mut mounts, rec)?;
    // moby daemon/errors.go duplicateMountPointError
    for (i, m) in mounts.iter().enumerate() {
        if mounts[..i].iter().any(|o| o.target == m.target) {
            return Err(DockerError::daemon(format!(
                "Duplicate mount point: {}",
                m.target
            )));
        }
    }
    // An image VOLUME with nothing mounted on it gets a fresh anonymous volume.
    for path in image_volumes.iter().map(AsRef::as_ref) {
        let path = hostfs::normalise("/", path);
        if !mounts.iter().any(|m| m.target == path) {
            mounts.push(Mount::volume("", &path, false));
            rec.say(format!(
                "The image declares VOLUME {path}: with nothing mounted there, the daemon creates an anonymous volume for it."
            ));
        }
    }
    for m in &mut mounts {
        match m.kind {
            MountKind::Volume => {
                let existed = !m.source.is_empty() && world.engine.volumes.contains_key(&m.source);
                let name = volume::create(
                    world,
                    (!m.source.is_empty()).then_some(m.source.as_str()),
                    BTreeMap::new(),
                )?;
                rec.touch(format!("volume:{name}"));
                if !m.source.is_empty() && !existed {
                    rec.say(format!(
                        "The volume {name} did not exist, so the daemon created it (empty) at /var/lib/docker/volumes/{name}/_data."
                    ));
                } else if !m.source.is_empty() {
                    rec.say(format!(
                        "The volume {name} already exists: the container gets its files as they are."
                    ));
                }
                m.source = name;
            }
            MountKind::Bind => {
                if !world.fs.entries.contains_key(&m.source)
                    && !mount::on_every_docker_host(&m.source)
                {
                    world
                        .fs
                        .mkdir(&m.source, true)
                        .map_err(|e| DockerError::daemon(format!("mkdir {}: {e}", m.source)))?;
                    rec.say(format!(
                        "-v created the missing host folder {} (the --mount syntax would refuse instead).",
                        m.source
                    ));
                }
                rec.touch(format!("bind:{}", m.source));
            }
            MountKind::Tmpfs => {}
        }
    }
    Ok(ContainerFs::new(mounts, image_volumes, workdir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::docker::mount::Mount;

    fn fs_with(mounts: Vec<Mount>) -> ContainerFs {
        ContainerFs::new(mounts, &["/var/lib/postgresql/data"], "/")
    }

    #[test]
    fn the_longest_mount_target_wins() {
        let fs = fs_with(vec![
            Mount::volume("data", "/srv", false),
            Mount::volume("inner", "/srv/cache", false),
        ]);
        assert_eq!(
            fs.backing("/srv/cache/x"),
            Backing::Mount {
                mount: 1,
                rel: "x".into()
            }
        );
        assert_eq!(
            fs.backing("/srv/cachette"),
            Backing::Mount {
                mount: 0,
                rel: "cachette".into()
            }
        );
        assert_eq!(fs.backing("/etc/x"), Backing::Layer("/etc/x".into()));
    }

    #[test]
    fn image_volume_paths_are_folders_of_the_image() {
        let fs = fs_with(vec![]);
        assert!(fs.image_dirs.contains(&"/var/lib/postgresql".to_string()));
        assert!(
            fs.image_dirs
                .contains(&"/var/lib/postgresql/data".to_string())
        );
    }

    #[test]
    fn trees_write_append_list_and_remove() {
        let mut files = Files::new();
        assert_eq!(
            tree_write(
                &mut files,
                "a/b",
                Node::File {
                    content: "x".into()
                },
                false,
                false
            ),
            Err(FsError::NotFound)
        );
        tree_write(
            &mut files,
            "a/b",
            Node::File {
                content: "x".into(),
            },
            false,
            true,
        )
        .unwrap();
        tree_write(
            &mut files,
            "a/b",
            Node::File {
                content: "y".into(),
            },
            true,
            false,
        )
        .unwrap();
        assert_eq!(
            files["a/b"],
            Node::File {
                content: "xy".into()
            }
        );
        assert_eq!(tree_list(&files, "a").len(), 1);
        assert_eq!(tree_list(&files, "").len(), 1);
        assert_eq!(tree_remove(&mut files, "a", false), Err(FsError::IsDir));
        tree_remove(&mut files, "a", true).unwrap();
        assert!(files.is_empty());
    }
}
