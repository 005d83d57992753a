//! The host's project folder: the files a learner writes and Docker reads.
//!
//! On a real host `docker build .` sends the folder (minus `.dockerignore`) to the builder as the
//! build context, and `-v ./data:/data` bind-mounts a folder into a container. We keep one folder
//! tree as plain data: text files with their content, and "bulk" folders (`node_modules/`, `.git/`)
//! whose thousands of files are summarised by a count and a size, which is all a build context
//! or a bind mount needs to know about them. Paths are absolute and normalised; the shell's
//! working directory is the project folder.

use std::collections::BTreeMap;

use super::ids::content_digest;

/// Where the learner's project lives, and where the shell starts.
pub const PROJECT_DIR: &str = "/home/learner/app";

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Entry {
    Dir,
    File {
        content: String,
    },
    /// A folder of many files summarised as a whole (`node_modules/`).
    Bulk {
        size_bytes: u64,
        file_count: u64,
    },
    /// A packed file (`backup.tar.gz`, `app.dump`) and the files it carries.
    Archive(Box<Archive>),
}

impl Entry {
    pub fn size_bytes(&self) -> u64 {
        match self {
            Entry::Dir => 0,
            Entry::File { content } => content.len() as u64,
            Entry::Bulk { size_bytes, .. } => *size_bytes,
            Entry::Archive(archive) => archive.size_bytes(),
        }
    }

    /// What gzip makes of it: text shrinks to a quarter, binary data to a third (a simplified
    /// deflate ratio; real ratios depend on the bytes), an archive already compressed not at all.
    pub fn gzipped_bytes(&self) -> u64 {
        match self {
            Entry::Dir => 0,
            Entry::File { content } => content.len() as u64 / 4 + 1,
            Entry::Bulk { size_bytes, .. } => size_bytes / 3,
            Entry::Archive(archive) if archive.format.compressed() => archive.size_bytes(),
            Entry::Archive(archive) => archive.size_bytes() / 3,
        }
    }
}

/// How a packed file is laid out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArchiveFormat {
    /// `tar cf`: a 512-byte header per member, data in 512-byte blocks, 10 KiB records.
    Tar,
    /// `tar czf`: the same stream through gzip.
    TarGz,
    /// `gzip FILE`: one file compressed; its one member is named after the original file.
    Gzip,
    /// `pg_dump -Fc`: PostgreSQL's custom format (compressed); its member `toc.dat` holds the
    /// SQL a restore replays, `dbname` the database it was dumped from (for `pg_restore -C`).
    PgCustom,
    /// A restic snapshot file: metadata and the tree it saved (the file contents live in the
    /// repository's packs, so the file itself is small).
    ResticSnapshot,
    /// Redis's `dump.rdb` (and an AOF base file): the keys it saved.
    Rdb,
}

impl ArchiveFormat {
    pub fn compressed(self) -> bool {
        !matches!(self, ArchiveFormat::Tar)
    }
}

/// The contents of a packed file: its members by the name it records (`./base/5/16384`,
/// `dbdata/PG_VERSION`), so unpacking brings back exactly what was packed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Archive {
    pub format: ArchiveFormat,
    pub members: BTreeMap<String, Entry>,
}

/// tar's block and record sizes (GNU tar's default blocking factor 20).
const TAR_BLOCK_BYTES: u64 = 512;
const TAR_RECORD_BYTES: u64 = 10_240;

impl Archive {
    /// The tar stream's size: a header block per member, its data rounded up to whole blocks,
    /// two zero blocks at the end, all rounded up to a whole record.
    pub fn tar_bytes(&self) -> u64 {
        let data: u64 = self
            .members
            .values()
            .map(|e| TAR_BLOCK_BYTES + e.size_bytes().div_ceil(TAR_BLOCK_BYTES) * TAR_BLOCK_BYTES)
            .sum();
        (data + 2 * TAR_BLOCK_BYTES).div_ceil(TAR_RECORD_BYTES) * TAR_RECORD_BYTES
    }

    pub fn size_bytes(&self) -> u64 {
        // gzip's header and trailer: 10 + 8 bytes, plus the name it stores.
        const GZIP_FRAME_BYTES: u64 = 18;
        let compressed: u64 = self.members.values().map(Entry::gzipped_bytes).sum();
        match self.format {
            ArchiveFormat::Tar => self.tar_bytes(),
            // Tar headers are mostly zeros: about 40 bytes each once compressed.
            ArchiveFormat::TarGz => GZIP_FRAME_BYTES + compressed + 40 * self.members.len() as u64,
            ArchiveFormat::Gzip => GZIP_FRAME_BYTES + compressed,
            // The header, the table of contents, then each table's compressed data.
            ArchiveFormat::PgCustom => 2_048 + compressed,
            ArchiveFormat::ResticSnapshot => 512 + 64 * self.members.len() as u64,
            // The header and checksum, then each key and value (RDB is compact, not compressed).
            ArchiveFormat::Rdb => 100 + self.members.values().map(Entry::size_bytes).sum::<u64>(),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct HostFs {
    pub cwd: String,
    pub entries: BTreeMap<String, Entry>,
    /// Permission bits changed by `chmod`, by absolute path; every other file is 0644 and
    /// every folder 0755 (the default umask 022).
    pub modes: BTreeMap<String, u32>,
    /// Folders with the append-only attribute (`chattr +a`): files can be added in them, not
    /// changed, renamed or deleted, even by root.
    pub append_only: std::collections::BTreeSet<String>,
    /// File systems mounted over folders (`mount /dev/sdb1 /mnt/backup`), by mount point.
    pub mounts: BTreeMap<String, Mount>,
    /// The second disk's files while it is not mounted, by path relative to its root.
    pub second_disk: BTreeMap<String, Entry>,
    /// Owners other than the learner (uid 1000), by path: what a container running as root
    /// wrote on a bind mount belongs to root (src/sim/docker/users.rs).
    pub owners: BTreeMap<String, u32>,
    /// Who the shell's command runs as: the learner, or root under `sudo`.
    pub acting_uid: u32,
}

/// The learner's uid: the owner of every file nobody else wrote.
pub const LEARNER_UID: u32 = 1000;

/// The host's second disk: another medium, empty at first, attached with `mount`.
pub const SECOND_DISK: &str = "/dev/sdb1";

/// A mounted file system.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Mount {
    pub device: String,
    /// `mount -o ro`: nothing on it can be written, created or removed.
    pub read_only: bool,
}

impl Default for HostFs {
    fn default() -> Self {
        let mut fs = HostFs {
            cwd: PROJECT_DIR.to_string(),
            entries: BTreeMap::new(),
            modes: BTreeMap::new(),
            append_only: Default::default(),
            mounts: BTreeMap::new(),
            second_disk: BTreeMap::new(),
            owners: BTreeMap::new(),
            acting_uid: LEARNER_UID,
        };
        // /etc/docker holds daemon.json (src/sim/docker/disk/mod.rs).
        for dir in [
            "/",
            "/etc",
            "/etc/docker",
            "/home",
            "/home/learner",
            PROJECT_DIR,
        ] {
            fs.entries.insert(dir.to_string(), Entry::Dir);
        }
        fs
    }
}

/// `a/./b/../c` → `a/c`, relative to `cwd` unless absolute.
pub fn normalise(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => path[..i].to_string(),
    }
}

/// Is `path` inside `dir` (or `dir` itself)?
pub fn is_within(path: &str, dir: &str) -> bool {
    dir == "/" || path == dir || path.starts_with(&format!("{dir}/"))
}

impl HostFs {
    pub fn resolve(&self, path: &str) -> String {
        normalise(&self.cwd, path)
    }

    /// A path's permission bits (0644 files, 0755 folders unless `chmod` changed them).
    pub fn mode(&self, path: &str) -> Option<u32> {
        let abs = self.resolve(path);
        let entry = self.entries.get(&abs)?;
        Some(self.modes.get(&abs).copied().unwrap_or(match entry {
            Entry::Dir => 0o755,
            _ => 0o644,
        }))
    }

    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.entries.get(&self.resolve(path))
    }

    /// Writes (or appends to) a text file, as `cat > f` / `echo … >> f` do. The folder must exist.
    pub fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), String> {
        let abs = self.resolve(path);
        if self.read_only(&abs) {
            return Err(format!("{path}: Read-only file system"));
        }
        if self.denied_write(&abs) {
            return Err(format!("{path}: Permission denied"));
        }
        match self.entries.get(&parent(&abs)) {
            Some(Entry::Dir) => {}
            Some(_) => return Err(format!("{path}: Not a directory")),
            None => return Err(format!("{path}: No such file or directory")),
        }
        match self.entries.get_mut(&abs) {
            Some(Entry::File { content: existing }) if append => existing.push_str(content),
            Some(Entry::Dir | Entry::Bulk { .. }) => return Err(format!("{path}: Is a directory")),
            _ => {
                self.entries.insert(
                    abs,
                    Entry::File {
                        content: content.to_string(),
                    },
                );
            }
        }
        Ok(())
    }

    /// Stores any entry (a packed file a program wrote to standard output). The folder must exist.
    pub fn put(&mut self, path: &str, entry: Entry) -> Result<(), String> {
        let abs = self.resolve(path);
        if self.read_only(&abs) {
            return Err(format!("{path}: Read-only file system"));
        }
        if self.denied_write(&abs) {
            return Err(format!("{path}: Permission denied"));
        }
        match self.entries.get(&parent(&abs)) {
            Some(Entry::Dir) => {}
            Some(_) => return Err(format!("{path}: Not a directory")),
            None => return Err(format!("{path}: No such file or directory")),
        }
        if matches!(
            self.entries.get(&abs),
            Some(Entry::Dir | Entry::Bulk { .. })
        ) {
            return Err(format!("{path}: Is a directory"));
        }
        self.entries.insert(abs, entry);
        Ok(())
    }

    pub fn read(&self, path: &str) -> Result<&str, String> {
        match self.get(path) {
            Some(Entry::File { content }) => Ok(content),
            Some(_) => Err(format!("{path}: Is a directory")),
            None => Err(format!("{path}: No such file or directory")),
        }
    }

    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), String> {
        let abs = self.resolve(path);
        if self.entries.contains_key(&abs) {
            return if parents {
                Ok(())
            } else {
                Err(format!("cannot create directory '{path}': File exists"))
            };
        }
        if self.read_only(&abs) {
            return Err(format!(
                "cannot create directory '{path}': Read-only file system"
            ));
        }
        if self.denied_write(&abs) {
            return Err(format!(
                "cannot create directory '{path}': Permission denied"
            ));
        }
        if !matches!(self.entries.get(&parent(&abs)), Some(Entry::Dir)) {
            if !parents {
                return Err(format!(
                    "cannot create directory '{path}': No such file or directory"
                ));
            }
            self.mkdir(&parent(&abs), true)?;
        }
        self.entries.insert(abs, Entry::Dir);
        Ok(())
    }

    /// Is an existing file at `abs` protected by an append-only folder it is in?
    pub fn is_append_only(&self, abs: &str) -> bool {
        self.entries.contains_key(abs)
            && self
                .append_only
                .iter()
                .any(|dir| abs != dir && is_within(abs, dir))
    }

    /// Removes a file, or a folder with `recursive` (`rm -r`).
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), String> {
        let abs = self.resolve(path);
        if self.is_append_only(&abs) || self.append_only.contains(&abs) {
            return Err(format!("cannot remove '{path}': Operation not permitted"));
        }
        if self.mounts.contains_key(&abs) {
            return Err(format!("cannot remove '{path}': Device or resource busy"));
        }
        if self.read_only(&abs) && self.entries.contains_key(&abs) {
            return Err(format!("cannot remove '{path}': Read-only file system"));
        }
        match self.entries.get(&abs) {
            None => Err(format!("cannot remove '{path}': No such file or directory")),
            Some(Entry::Dir | Entry::Bulk { .. }) if !recursive => {
                Err(format!("cannot remove '{path}': Is a directory"))
            }
            Some(_) => {
                // Removing a name needs write permission on its folder, at every level.
                if let Some(denied) = self
                    .entries
                    .keys()
                    .filter(|p| is_within(p, &abs))
                    .find(|p| self.denied_in(&parent(p)))
                {
                    let shown = format!("{path}{}", &denied[abs.len()..]);
                    return Err(format!("cannot remove '{shown}': Permission denied"));
                }
                self.entries.retain(|p, _| !is_within(p, &abs));
                self.owners.retain(|p, _| !is_within(p, &abs));
                Ok(())
            }
        }
    }

    /// The direct children of a folder, sorted by name.
    pub fn list(&self, dir: &str) -> Result<Vec<(String, &Entry)>, String> {
        let abs = self.resolve(dir);
        match self.entries.get(&abs) {
            Some(Entry::Dir) => {}
            Some(_) => {
                return Ok(vec![(
                    abs.rsplit('/').next().unwrap_or("").to_string(),
                    &self.entries[&abs],
                )]);
            }
            None => return Err(format!("cannot access '{dir}': No such file or directory")),
        }
        Ok(self
            .entries
            .iter()
            .filter(|(p, _)| *p != &abs && parent(p) == abs)
            .map(|(p, e)| (p.rsplit('/').next().unwrap_or("").to_string(), e))
            .collect())
    }

    /// Every entry under `dir`, as paths relative to it (`src/app.js`), files and bulk folders.
    pub fn walk(&self, dir: &str) -> Vec<(String, &Entry)> {
        let abs = self.resolve(dir);
        self.entries
            .iter()
            .filter(|(p, _)| *p != &abs && is_within(p, &abs))
            .map(|(p, e)| (p[abs.len()..].trim_start_matches('/').to_string(), e))
            .collect()
    }

    /// The owner of a path (the learner unless someone else wrote it).
    pub fn owner(&self, abs: &str) -> u32 {
        self.owners.get(abs).copied().unwrap_or(LEARNER_UID)
    }

    /// The shell (not root) may not create or remove names in a folder another user owns.
    fn denied_in(&self, dir: &str) -> bool {
        self.acting_uid != 0 && self.owners.get(dir).is_some_and(|o| *o != self.acting_uid)
    }

    /// Writing `abs`: an existing file must be ours; a new one needs its folder to be ours.
    fn denied_write(&self, abs: &str) -> bool {
        if self.acting_uid == 0 {
            return false;
        }
        if self.entries.contains_key(abs) {
            self.owners.get(abs).is_some_and(|o| *o != self.acting_uid)
        } else {
            self.denied_in(&parent(abs))
        }
    }

    /// The mount point of the mounted file system `abs` is on, if it is not the root disk.
    pub fn mount_of(&self, abs: &str) -> Option<(&str, &Mount)> {
        self.mounts
            .iter()
            .filter(|(point, _)| is_within(abs, point))
            .max_by_key(|(point, _)| point.len())
            .map(|(point, m)| (point.as_str(), m))
    }

    /// Is `abs` on a file system mounted read-only?
    pub fn read_only(&self, abs: &str) -> bool {
        self.mount_of(abs).is_some_and(|(_, m)| m.read_only)
    }

    /// Is `abs` on the second disk (mounted, and not the mount point itself)?
    pub fn on_second_disk(&self, abs: &str) -> bool {
        self.mount_of(abs)
            .is_some_and(|(point, m)| m.device == SECOND_DISK && point != abs)
    }

    /// `mount [-o ro] DEVICE DIR`: the device's files appear under DIR. Errors in util-linux
    /// mount's words.
    pub fn mount(&mut self, device: &str, dir: &str, read_only: bool) -> Result<(), String> {
        let point = self.resolve(dir);
        if device != SECOND_DISK {
            return Err(format!(
                "mount: {point}: special device {device} does not exist."
            ));
        }
        if !matches!(self.entries.get(&point), Some(Entry::Dir)) {
            return Err(format!("mount: {point}: mount point does not exist."));
        }
        if let Some((at, _)) = self.mounts.iter().find(|(_, m)| m.device == device) {
            return Err(format!("mount: {point}: {device} already mounted on {at}."));
        }
        if !self.walk(&point).is_empty() {
            return Err(format!(
                "dockyard: {point} is not empty; mounting over files (which real mount hides until umount) is not simulated"
            ));
        }
        for (rel, entry) in std::mem::take(&mut self.second_disk) {
            self.entries.insert(format!("{point}/{rel}"), entry);
        }
        self.mounts.insert(
            point,
            Mount {
                device: device.to_string(),
                read_only,
            },
        );
        Ok(())
    }

    /// `umount DIR|DEVICE`: the device's files leave the folder with it.
    pub fn umount(&mut self, target: &str) -> Result<(), String> {
        let point = self
            .mounts
            .iter()
            .find(|(p, m)| m.device == target || **p == self.resolve(target))
            .map(|(p, _)| p.clone())
            .ok_or_else(|| format!("umount: {target}: not mounted."))?;
        if is_within(&self.cwd, &point) {
            return Err(format!("umount: {point}: target is busy."));
        }
        let Some(mount) = self.mounts.remove(&point) else {
            return Err(format!("umount: {target}: not mounted."));
        };
        let inside: Vec<String> = self
            .entries
            .keys()
            .filter(|p| **p != point && is_within(p, &point))
            .cloned()
            .collect();
        for path in inside {
            if let Some(entry) = self.entries.remove(&path)
                && mount.device == SECOND_DISK
            {
                let rel = path[point.len()..].trim_start_matches('/').to_string();
                self.second_disk.insert(rel, entry);
            }
        }
        Ok(())
    }

    /// A content checksum, as BuildKit keys a copied file.
    pub fn checksum(&self, path: &str) -> Option<String> {
        let entry = self.get(path)?;
        (!matches!(entry, Entry::Dir)).then(|| digest(entry))
    }
}

/// A digest of what a file holds (a folder holds nothing of its own).
pub fn digest(entry: &Entry) -> String {
    match entry {
        Entry::File { content } => content_digest(content),
        Entry::Bulk {
            size_bytes,
            file_count,
        } => content_digest(&format!("bulk:{size_bytes}:{file_count}")),
        Entry::Archive(archive) => content_digest(&format!("{archive:?}")),
        Entry::Dir => content_digest(""),
    }
}

impl HostFs {
    /// Fills the project folder from a template (`setup: host project=node-app`).
    pub fn seed_project(&mut self, template: &str) -> Result<(), String> {
        let files: &[(&str, &str)] = match template {
            "node-app" => NODE_APP,
            "compose-app" => COMPOSE_APP,
            "shop" => SHOP,
            "empty" => &[],
            other => {
                return Err(format!(
                    "unknown project template `{other}` (try node-app, compose-app or shop)"
                ));
            }
        };
        for (path, content) in files {
            let abs = normalise(PROJECT_DIR, path);
            self.mkdir(&parent(&abs), true)?;
            self.entries.insert(
                abs,
                Entry::File {
                    content: content.to_string(),
                },
            );
        }
        if template == "node-app" {
            // What `npm install` and `git init` leave behind: big, and nothing the image needs.
            self.entries.insert(
                format!("{PROJECT_DIR}/node_modules"),
                Entry::Bulk {
                    size_bytes: 184_300_000,
                    file_count: 14_212,
                },
            );
            self.entries.insert(
                format!("{PROJECT_DIR}/.git"),
                Entry::Bulk {
                    size_bytes: 12_600_000,
                    file_count: 931,
                },
            );
        }
        if template == "shop" {
            // A developer's checkout: each part's `npm install` (ignored by its .dockerignore)
            // and the repository's history.
            for (path, size_bytes, file_count) in [
                ("api/node_modules", 9_400_000, 1_873),
                ("web/node_modules", 61_700_000, 9_544),
                (".git", 2_300_000, 214),
            ] {
                self.entries.insert(
                    format!("{PROJECT_DIR}/{path}"),
                    Entry::Bulk {
                        size_bytes,
                        file_count,
                    },
                );
            }
        }
        Ok(())
    }
}

/// A small Node.js API, the course's running example.
const NODE_APP: &[(&str, &str)] = &[
    (
        "package.json",
        "{\n  \"name\": \"notes-api\",\n  \"version\": \"1.0.0\",\n  \"main\": \"server.js\",\n  \"scripts\": { \"start\": \"node server.js\" },\n  \"dependencies\": { \"express\": \"^4.21.1\", \"pg\": \"^8.13.1\" }\n}\n",
    ),
    (
        "package-lock.json",
        "{\n  \"name\": \"notes-api\",\n  \"lockfileVersion\": 3,\n  \"packages\": { \"node_modules/express\": { \"version\": \"4.21.1\" }, \"node_modules/pg\": { \"version\": \"8.13.1\" } }\n}\n",
    ),
    (
        "server.js",
        // `findLast` needs Node 18+: the "works on my machine" lesson (sim/lab.rs) runs this on
        // hosts with Node 22, 20 and 16.
        "const express = require('express');\nconst app = express();\nconst notes = [\n  { id: 1, text: 'write a Dockerfile', done: true },\n  { id: 2, text: 'ship it', done: false },\n];\nconst lastDone = notes.findLast((n) => n.done);\napp.get('/', (req, res) => res.json({ notes, lastDone }));\napp.listen(3000, () => console.log('notes-api listening on :3000'));\n",
    ),
    ("README.md", "# notes-api\n\nA tiny notes service.\n"),
];

/// The Compose lessons' application (src/sim/docker/apps.rs runs these programs): a notes API
/// that needs PostgreSQL at start, optionally a Redis cache, and a web front that calls the API.
/// No compose.yaml: each scenario writes its own.
const COMPOSE_APP: &[(&str, &str)] = &[
    (
        "api/Dockerfile",
        "FROM node:20-alpine\nWORKDIR /app\nCOPY package.json ./\nRUN npm install --omit=dev\nCOPY . .\nEXPOSE 3000\nCMD [\"node\", \"api.js\"]\n",
    ),
    (
        "api/package.json",
        "{\n  \"name\": \"notes-api\",\n  \"version\": \"1.0.0\",\n  \"main\": \"api.js\",\n  \"scripts\": { \"start\": \"node api.js\" },\n  \"dependencies\": { \"express\": \"^4.21.1\", \"pg\": \"^8.13.1\", \"morgan\": \"^1.10.0\", \"redis\": \"^4.7.0\" }\n}\n",
    ),
    (
        "api/api.js",
        "// notes-api: connects to PostgreSQL at start, then serves the notes.\n// Environment: PORT (3000), DB_HOST (db), DB_PORT (5432), DB_USER (postgres),\n// DB_PASSWORD (secret), DB_NAME (postgres), REDIS_HOST (unset: no cache), REDIS_PORT (6379).\nconst express = require('express');\nconst { Client } = require('pg');\nconst redis = require('redis');\n\nconst port = Number(process.env.PORT || 3000);\nconst dbHost = process.env.DB_HOST || 'db';\nconst dbPort = Number(process.env.DB_PORT || 5432);\nconst notes = [\n  { id: 1, text: 'start the database first' },\n  { id: 2, text: 'use service names, not localhost' },\n];\n\nasync function main() {\n  console.log(`notes-api: connecting to postgres at ${dbHost}:${dbPort}`);\n  const db = new Client({\n    host: dbHost,\n    port: dbPort,\n    user: process.env.DB_USER || 'postgres',\n    password: process.env.DB_PASSWORD || 'secret',\n    database: process.env.DB_NAME || 'postgres',\n  });\n  await db.connect(); // not caught: if the database is not there, Node exits 1\n  console.log(`connected to postgres at ${dbHost}:${dbPort}`);\n\n  if (process.env.REDIS_HOST) {\n    const where = `${process.env.REDIS_HOST}:${process.env.REDIS_PORT || 6379}`;\n    // reconnectStrategy: false: fail once instead of retrying forever.\n    const cache = redis.createClient({ url: `redis://${where}`, socket: { reconnectStrategy: false } });\n    try {\n      await cache.connect();\n      console.log(`connected to redis at ${where}`);\n    } catch (err) {\n      console.error(`warning: redis at ${where} unavailable (${err}); continuing without a cache`);\n    }\n  }\n\n  const app = express();\n  app.use(require('morgan')('tiny'));\n  app.get('/health', (req, res) => res.json({ status: 'ok' }));\n  app.get('/', (req, res) => res.json({ notes }));\n  app.listen(port, () => console.log(`notes-api listening on :${port}`));\n}\n\nmain();\n",
    ),
    (
        "web/Dockerfile",
        "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nEXPOSE 8080\nCMD [\"node\", \"web.js\"]\n",
    ),
    (
        "web/web.js",
        "// notes-web: the front page; every request fetches the notes from the API.\n// Environment: PORT (8080), API_URL (http://api:3000).\nconst http = require('http');\n\nconst port = Number(process.env.PORT || 8080);\nconst apiUrl = process.env.API_URL || 'http://api:3000';\n\nhttp\n  .createServer(async (req, res) => {\n    try {\n      const r = await fetch(`${apiUrl}/`);\n      const { notes } = await r.json();\n      res.writeHead(200, { 'content-type': 'text/html' });\n      res.end(`<!DOCTYPE html>\\n<html>\\n<head><title>Notes</title></head>\\n<body>\\n<h1>Notes</h1>\\n<ul>${notes.map((n) => `<li>${n.text}</li>`).join('')}</ul>\\n</body>\\n</html>`);\n    } catch (err) {\n      const why = err.cause ? err.cause.message : err.message;\n      console.error(`cannot reach the API at ${apiUrl}: ${why}`);\n      res.writeHead(502, { 'content-type': 'text/plain' });\n      res.end(`502 Bad Gateway: cannot reach the API at ${apiUrl} (${why})`);\n    }\n  })\n  .listen(port, () => console.log(`notes-web listening on :${port}, API at ${apiUrl}`));\n",
    ),
    (
        "README.md",
        "# notes\n\n- api/: the notes API (Node.js, needs PostgreSQL; optional Redis cache)\n- web/: the web front (calls the API)\n",
    ),
];

/// The practice project's shop (assets/projects/shop/): a React front end built into an nginx
/// image, a Node.js API using PostgreSQL and a Redis cache (src/sim/docker/shop.rs runs it), and
/// the stack file that starts them behind Traefik.
const SHOP: &[(&str, &str)] = &[
    (
        "README.md",
        include_str!("../../assets/projects/shop/README.md"),
    ),
    (
        "stack.yml",
        include_str!("../../assets/projects/shop/stack.yml"),
    ),
    (
        "api/.dockerignore",
        include_str!("../../assets/projects/shop/api/.dockerignore"),
    ),
    (
        "api/Dockerfile",
        include_str!("../../assets/projects/shop/api/Dockerfile"),
    ),
    (
        "api/package.json",
        include_str!("../../assets/projects/shop/api/package.json"),
    ),
    (
        "api/package-lock.json",
        include_str!("../../assets/projects/shop/api/package-lock.json"),
    ),
    (
        "api/server.js",
        include_str!("../../assets/projects/shop/api/server.js"),
    ),
    (
        "web/.dockerignore",
        include_str!("../../assets/projects/shop/web/.dockerignore"),
    ),
    (
        "web/Dockerfile",
        include_str!("../../assets/projects/shop/web/Dockerfile"),
    ),
    (
        "web/index.html",
        include_str!("../../assets/projects/shop/web/index.html"),
    ),
    (
        "web/package.json",
        include_str!("../../assets/projects/shop/web/package.json"),
    ),
    (
        "web/package-lock.json",
        include_str!("../../assets/projects/shop/web/package-lock.json"),
    ),
    (
        "web/vite.config.js",
        include_str!("../../assets/projects/shop/web/vite.config.js"),
    ),
    (
        "web/src/main.jsx",
        include_str!("../../assets/projects/shop/web/src/main.jsx"),
    ),
    (
        "web/src/App.jsx",
        include_str!("../../assets/projects/shop/web/src/App.jsx"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise() {
        assert_eq!(
            normalise("/home/learner/app", "src/../server.js"),
            "/home/learner/app/server.js"
        );
        assert_eq!(normalise("/home/learner/app", "/etc/./hosts"), "/etc/hosts");
        assert_eq!(normalise("/", ".."), "/");
    }

    #[test]
    fn files_write_read_append_remove() {
        let mut fs = HostFs::default();
        fs.write("notes.txt", "one\n", false).unwrap();
        fs.write("notes.txt", "two\n", true).unwrap();
        assert_eq!(fs.read("notes.txt").unwrap(), "one\ntwo\n");
        assert!(
            fs.write("missing/x", "", false)
                .unwrap_err()
                .contains("No such file or directory")
        );
        fs.mkdir("src/lib", true).unwrap();
        fs.write("src/lib/a.js", "x", false).unwrap();
        assert!(
            fs.remove("src", false)
                .unwrap_err()
                .contains("Is a directory")
        );
        fs.remove("src", true).unwrap();
        assert!(fs.get("src/lib/a.js").is_none());
    }

    #[test]
    fn the_compose_app_has_an_api_and_a_web_front_but_no_compose_file() {
        let mut fs = HostFs::default();
        fs.seed_project("compose-app").unwrap();
        assert!(
            fs.read("api/Dockerfile")
                .unwrap()
                .contains("CMD [\"node\", \"api.js\"]")
        );
        assert!(
            fs.read("api/api.js")
                .unwrap()
                .contains("process.env.DB_HOST || 'db'")
        );
        assert!(fs.read("web/web.js").unwrap().contains("http://api:3000"));
        assert!(fs.read("web/Dockerfile").unwrap().contains("web.js"));
        assert!(fs.get("compose.yaml").is_none());
        assert!(fs.get("docker-compose.yml").is_none());
    }

    #[test]
    fn the_node_app_has_a_heavy_node_modules() {
        let mut fs = HostFs::default();
        fs.seed_project("node-app").unwrap();
        let total: u64 = fs.walk(".").iter().map(|(_, e)| e.size_bytes()).sum();
        assert!(total > 190_000_000);
        let names: Vec<String> = fs.list(".").unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                ".git",
                "README.md",
                "node_modules",
                "package-lock.json",
                "package.json",
                "server.js"
            ]
        );
    }
}
