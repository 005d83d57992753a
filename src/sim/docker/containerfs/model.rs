//! A container's filesystem, as data: its mounts, the writable layer and each tmpfs as small
//! trees of files, and which store backs a path.
//!
//! Real Docker lays every mount over a path of the image's read-only layers plus one thin
//! writable layer (overlay2); a path belongs to the mount with the longest target containing it.
//! This module is that state and the pure tree operations on it. It is a leaf (it imports only
//! other leaves: hostfs, mount, order), so a container and the world can hold a `ContainerFs`
//! without importing the reads and writes through the world (src/sim/docker/containerfs/mod.rs).

use std::collections::BTreeMap;

use crate::sim::docker::mount::{Mount, MountKind};
use crate::sim::hostfs;

/// One node of a small file tree.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Node {
    Dir,
    File {
        content: String,
    },
    /// A binary file known only by its size (a PostgreSQL WAL segment).
    Blob {
        size_bytes: u64,
    },
    /// A packed file (`backup.tar.gz`, a `pg_dump -Fc` dump) and the files it carries.
    Archive(Box<hostfs::Archive>),
}

impl Node {
    pub fn size_bytes(&self) -> u64 {
        match self {
            Node::Dir => 0,
            Node::File { content } => content.len() as u64,
            Node::Blob { size_bytes } => *size_bytes,
            Node::Archive(archive) => archive.size_bytes(),
        }
    }

    /// The same file as the host's folder holds it (a bind mount, a `docker cp`).
    pub fn to_entry(&self) -> hostfs::Entry {
        match self {
            Node::Dir => hostfs::Entry::Dir,
            Node::File { content } => hostfs::Entry::File {
                content: content.clone(),
            },
            Node::Blob { size_bytes } => hostfs::Entry::Bulk {
                size_bytes: *size_bytes,
                file_count: 1,
            },
            Node::Archive(archive) => hostfs::Entry::Archive(archive.clone()),
        }
    }

    /// A host file as a container sees it; a bulk folder is one blob of its size.
    pub fn from_entry(entry: &hostfs::Entry) -> Node {
        match entry {
            hostfs::Entry::Dir => Node::Dir,
            hostfs::Entry::File { content } => Node::File {
                content: content.clone(),
            },
            hostfs::Entry::Bulk { size_bytes, .. } => Node::Blob {
                size_bytes: *size_bytes,
            },
            hostfs::Entry::Archive(archive) => Node::Archive(archive.clone()),
        }
    }
}

/// Files by path relative to the tree's root (`base/5/16384`); the root itself is implicit.
pub type Files = BTreeMap<String, Node>;

/// The total size of a tree's files.
pub fn files_size(files: &Files) -> u64 {
    files.values().map(Node::size_bytes).sum()
}

/// What a filesystem operation failed on, worded by the caller for its program.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FsError {
    NotFound,
    IsDir,
    NotDir,
    ReadOnly,
}

impl FsError {
    /// `strerror` text.
    pub fn strerror(self) -> &'static str {
        match self {
            FsError::NotFound => "No such file or directory",
            FsError::IsDir => "Is a directory",
            FsError::NotDir => "Not a directory",
            FsError::ReadOnly => "Read-only file system",
        }
    }
}

/// The folders every Linux image has at its root.
const ROOT_DIRS: &[&str] = &[
    "bin", "dev", "etc", "home", "lib", "media", "mnt", "opt", "proc", "root", "run", "sbin",
    "srv", "sys", "tmp", "usr", "var",
];

/// A container's mounts and the files it wrote outside them.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ContainerFs {
    /// Mounts in the order given; a volume mount's `source` is the volume's name (anonymous
    /// volumes get a generated one at create).
    pub mounts: Vec<Mount>,
    /// The copy-on-write layer: everything written outside a mount.
    pub writable_layer: Files,
    /// Each tmpfs's files by target; emptied when the container stops.
    pub tmpfs: BTreeMap<String, Files>,
    /// The image's folders (absolute), so reads fall through to it.
    pub image_dirs: Vec<String>,
    /// Files the image's layers carry (a committed or imported image), by path without the
    /// leading `/`: read through, hidden by what the writable layer writes at the same path.
    pub image_files: Files,
}

/// Where a path lives.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Backing {
    /// The container's writable layer (over the image), at this absolute path.
    Layer(String),
    /// The mount at index `mount`, at `rel` inside it (`""` = its root).
    Mount { mount: usize, rel: String },
}

/// `a/b/c` → `a/b`; `a` → ``.
fn rel_parent(rel: &str) -> &str {
    rel.rfind('/').map(|i| &rel[..i]).unwrap_or("")
}

pub(super) fn join(base: &str, rel: &str) -> String {
    match (base, rel) {
        (b, "") => b.to_string(),
        ("/", r) => format!("/{r}"),
        (b, r) => format!("{b}/{r}"),
    }
}

impl ContainerFs {
    /// A new container's view: the image's folders, no files yet.
    pub fn new<S: AsRef<str>>(
        mounts: Vec<Mount>,
        image_volumes: &[S],
        workdir: &str,
    ) -> ContainerFs {
        let mut image_dirs: Vec<String> = ROOT_DIRS.iter().map(|d| format!("/{d}")).collect();
        for path in image_volumes.iter().map(AsRef::as_ref).chain([workdir]) {
            let mut p = hostfs::normalise("/", path);
            while p != "/" {
                if !image_dirs.contains(&p) {
                    image_dirs.push(p.clone());
                }
                p = match p.rfind('/') {
                    Some(0) | None => "/".to_string(),
                    Some(i) => p[..i].to_string(),
                };
            }
        }
        crate::sim::order::sort(&mut image_dirs);
        let tmpfs = mounts
            .iter()
            .filter(|m| m.kind == MountKind::Tmpfs)
            .map(|m| (m.target.clone(), Files::new()))
            .collect();
        ContainerFs {
            mounts,
            writable_layer: Files::new(),
            tmpfs,
            image_dirs,
            image_files: Files::new(),
        }
    }

    /// The mount that backs `path` (the longest target containing it), or the writable layer.
    pub fn backing(&self, path: &str) -> Backing {
        let path = hostfs::normalise("/", path);
        let best = self
            .mounts
            .iter()
            .enumerate()
            .filter(|(_, m)| hostfs::is_within(&path, &m.target))
            .max_by_key(|(_, m)| m.target.len());
        match best {
            Some((mount, m)) => Backing::Mount {
                mount,
                rel: path[m.target.len()..].trim_start_matches('/').to_string(),
            },
            None => Backing::Layer(path),
        }
    }

    /// A tmpfs lives in the container's memory: the kernel frees it when the container stops.
    pub fn clear_tmpfs(&mut self) {
        for files in self.tmpfs.values_mut() {
            files.clear();
        }
    }

    /// The volumes this container mounts (named and anonymous).
    pub fn volume_names(&self) -> impl Iterator<Item = &str> {
        self.mounts
            .iter()
            .filter(|m| m.kind == MountKind::Volume)
            .map(|m| m.source.as_str())
    }

    /// The size of what this container wrote into its writable layer (`docker ps -s`).
    pub fn layer_size_bytes(&self) -> u64 {
        files_size(&self.writable_layer)
    }
}

/// A node in a tree by relative path; the root is a folder.
pub(super) fn tree_get<'a>(files: &'a Files, rel: &str) -> Option<&'a Node> {
    const ROOT: Node = Node::Dir;
    if rel.is_empty() {
        Some(&ROOT)
    } else {
        files.get(rel)
    }
}

/// Writes into a tree; `make_parents` creates missing folders (a program's own `mkdir -p`).
pub(super) fn tree_write(
    files: &mut Files,
    rel: &str,
    node: Node,
    append: bool,
    make_parents: bool,
) -> Result<(), FsError> {
    if rel.is_empty() {
        return Err(FsError::IsDir);
    }
    let parent = rel_parent(rel).to_string();
    match tree_get(files, &parent) {
        Some(Node::Dir) => {}
        Some(_) => return Err(FsError::NotDir),
        None if make_parents => tree_mkdir(files, &parent, true)?,
        None => return Err(FsError::NotFound),
    }
    match (files.get_mut(rel), node) {
        (Some(Node::Dir), _) => Err(FsError::IsDir),
        (Some(Node::File { content }), Node::File { content: more }) if append => {
            content.push_str(&more);
            Ok(())
        }
        (_, node) => {
            files.insert(rel.to_string(), node);
            Ok(())
        }
    }
}

pub(super) fn tree_mkdir(files: &mut Files, rel: &str, parents: bool) -> Result<(), FsError> {
    if rel.is_empty() {
        return Ok(());
    }
    match files.get(rel) {
        Some(Node::Dir) => return Ok(()),
        Some(_) => return Err(FsError::NotDir),
        None => {}
    }
    let parent = rel_parent(rel).to_string();
    match tree_get(files, &parent) {
        Some(Node::Dir) => {}
        Some(_) => return Err(FsError::NotDir),
        None if parents => tree_mkdir(files, &parent, true)?,
        None => return Err(FsError::NotFound),
    }
    files.insert(rel.to_string(), Node::Dir);
    Ok(())
}

pub(super) fn tree_list(files: &Files, rel: &str) -> Vec<(String, Node)> {
    files
        .iter()
        .filter(|(p, _)| {
            !p.is_empty()
                && rel_parent(p) == rel
                && (rel.is_empty() || p.starts_with(&format!("{rel}/")))
        })
        .map(|(p, n)| (p.rsplit('/').next().unwrap_or(p).to_string(), n.clone()))
        .collect()
}

pub(super) fn tree_remove(files: &mut Files, rel: &str, recursive: bool) -> Result<(), FsError> {
    match files.get(rel) {
        None => Err(FsError::NotFound),
        Some(Node::Dir) if !recursive => Err(FsError::IsDir),
        Some(_) => {
            let prefix = format!("{rel}/");
            files.retain(|p, _| p != rel && !p.starts_with(&prefix));
            Ok(())
        }
    }
}

/// Which store a write touched, for the picture and the narration.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Touched {
    Layer,
    Volume(String),
    Bind(String),
    Tmpfs(String),
}

impl Touched {
    /// Plain words for the narration.
    pub fn describe(&self, container: &str) -> String {
        match self {
            Touched::Layer => format!("{container}'s writable layer"),
            Touched::Volume(name) if name.len() == 64 => {
                format!("the anonymous volume {}…", &name[..12])
            }
            Touched::Volume(name) => format!("the volume {name}"),
            Touched::Bind(path) => format!("the host folder {path} (bind mount)"),
            Touched::Tmpfs(target) => format!("the tmpfs at {target} (host memory)"),
        }
    }
}
