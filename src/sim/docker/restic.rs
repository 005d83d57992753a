//! `restic` (the `restic/restic` image): `init`, `backup`, `snapshots`, `forget`, `prune`,
//! `restore`, `check`.
//!
//! Real restic 0.18 (restic docs `030_preparing_a_new_repo`, `040_backup`, `060_forget`,
//! `045_working_with_repos`; `internal/data/snapshot_policy.go`): a repository is a folder
//! (`config`, `keys/`, `snapshots/`, `data/` packs, `index/`) encrypted with a password
//! (`RESTIC_PASSWORD`, `--password-file`); `backup` stores only chunks the repository does not
//! hold yet (deduplication), so a nightly backup of a mostly unchanged folder adds little.
//! `forget --keep-daily N --keep-weekly N --keep-monthly N [--keep-last N]` keeps, per group of
//! host and paths, the newest snapshot of each of the last N days (weeks, months) THAT HAVE
//! snapshots; a snapshot kept by one rule still counts for the others (the rules are ORed);
//! when a rule finds too few snapshots, the oldest one is kept too (`oldest daily snapshot`).
//! `forget` only removes snapshot files: space comes back with `prune` (or `forget --prune`).
//! The host of a snapshot is the machine's hostname: a throwaway container has a new one at
//! every run, so each backup is its own group unless `--host` names it. `-r sftp:HOST:/path`
//! keeps the repository on another machine: restic starts `ssh HOST -s sftp`, prints what ssh
//! says as `subprocess ssh: …`, and fails with `unable to start the sftp session` when ssh does.
//!
//! What we model: those commands and rules, their output's shape, deduplication by file content
//! (a file's compressed size counts once), packs that `prune` deletes when no snapshot uses
//! them, `check --read-data` finding damaged packs, and the errors for a missing password,
//! repository or snapshot; an `sftp:backup-host:` repository in backup-host's files
//! (src/sim/offsite.rs), read and written through the same [`Tree`] as a local one, its bytes
//! taking the link's time. What we simplify: the container reaches backup-host with the host's
//! SSH key without mounting `~/.ssh`; chunks are whole files, the password is checked
//! against the repository's `keys/` file in plain text (no real encryption), one pack per
//! backup, and times are the simulated clock in UTC.

use std::collections::{BTreeMap, BTreeSet};

use super::super::backup;
use super::super::hostfs::{self, Archive, ArchiveFormat, Entry};
use super::super::ids::ContainerId;
use super::super::offsite;
use super::super::record::Record;
use super::super::world::World;
use super::archiving::HostTree;
use super::archiving::{self, Tree};
use super::containerfs::{self, InContainer, Node};
use super::error::DockerError;

const VERSION: &str = "restic 0.18.1 compiled with go1.24.5 on linux/amd64";

fn fatal(message: impl Into<String>, code: i32) -> DockerError {
    DockerError::new(format!("Fatal: {}", message.into()), code)
}

/// The options every command takes, and the rest of the words.
struct Global {
    repo: Option<String>,
    password: Option<String>,
    host: Option<String>,
    rest: Vec<String>,
}

fn env_value(env: &[String], key: &str) -> Option<String> {
    super::process::env_value(env, key).map(str::to_string)
}

fn globals(world: &World, id: &ContainerId, argv: &[String]) -> Result<Global, DockerError> {
    let env = &world.engine.containers[id].config.env;
    let mut g = Global {
        repo: env_value(env, "RESTIC_REPOSITORY"),
        password: env_value(env, "RESTIC_PASSWORD").filter(|p| !p.is_empty()),
        host: None,
        rest: Vec::new(),
    };
    let mut password_file = env_value(env, "RESTIC_PASSWORD_FILE");
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].clone();
        i += 1;
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = || {
            inline.clone().or_else(|| {
                i += 1;
                argv.get(i - 1).cloned()
            })
        };
        match flag.as_str() {
            "-r" | "--repo" => g.repo = value(),
            "-p" | "--password-file" => password_file = value(),
            "--host" | "-H" => g.host = value(),
            _ => g.rest.push(a),
        }
    }
    if let Some(path) = password_file {
        let text = containerfs::read(world, id, &path).map_err(|e| {
            fatal(
                format!(
                    "Resolving password failed: open {path}: {}",
                    e.strerror().to_ascii_lowercase()
                ),
                1,
            )
        })?;
        g.password = Some(text.trim_end().to_string());
    }
    Ok(g)
}

/// `restic …` inside a container.
pub fn run(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let g = globals(world, id, argv)?;
    let Some(command) = g.rest.first().cloned() else {
        return Err(DockerError::new(
            "Usage:\n  restic [command]\n\nrestic is a backup program which allows saving multiple revisions of files and\ndirectories in an encrypted repository stored on different backends.",
            1,
        ));
    };
    if command == "version" {
        rec.out(VERSION);
        return Ok(());
    }
    let Some(repo) = g.repo.clone() else {
        return Err(fatal(
            "Please specify repository location (-r or --repository-file)",
            1,
        ));
    };
    let repo = locate(&repo);
    if let Some(spec) = repo.strip_prefix(SFTP) {
        // restic runs `ssh HOST -s sftp` and talks SFTP over its pipes; ssh's own complaints
        // come out prefixed with `subprocess ssh:`.
        let host = spec.split_once(':').map_or(spec, |(h, _)| h);
        if host != offsite::BACKUP_HOST {
            let what = if command == "init" {
                format!("create repository at {repo} failed")
            } else {
                format!("unable to open repository at {repo}")
            };
            return Err(DockerError::new(
                format!(
                    "subprocess ssh: ssh: Could not resolve hostname {host}: Name or service not known\nFatal: {what}: unable to start the sftp session, error: error receiving version packet from server: server unexpectedly closed connection: unexpected EOF"
                ),
                1,
            ));
        }
        rec.touch(offsite::BACKUP_HOST);
    }
    let Some(password) = g.password.clone() else {
        return Err(fatal(
            "an empty password is not allowed by default. Pass the flag `--insecure-no-password` to restic to disable this check",
            1,
        ));
    };
    let args: Vec<String> = g.rest[1..].to_vec();
    if command == "init" {
        return init(world, id, &repo, &password, rec);
    }
    let config = text_at(world, id, &format!("{repo}/config")).ok_or_else(|| {
        // The local backend stats the file; the SFTP one Lstats it and gets sftp's wording.
        let why = match repo.strip_prefix(SFTP).and_then(|s| s.split_once(':')) {
            Some((_, path)) => format!("Lstat {path}/config: file does not exist"),
            None => format!("stat {repo}/config: no such file or directory"),
        };
        fatal(
            format!("repository does not exist: unable to open config file: {why}\nIs there a repository at the following location?\n{repo}"),
            10,
        )
    })?;
    let key = text_at(world, id, &format!("{repo}/keys/{}", key_id(&config))).unwrap_or_default();
    if key.trim() != password {
        return Err(fatal("wrong password or no key found", 12));
    }
    let repo_id = config.trim().rsplit(' ').next().unwrap_or("").to_string();
    rec.out(format!(
        "repository {} opened (version 2, compression level auto)",
        &repo_id[..8.min(repo_id.len())]
    ));
    let hostname = g
        .host
        .clone()
        .unwrap_or_else(|| world.engine.containers[id].config.hostname.clone());
    match command.as_str() {
        "backup" => backup_cmd(world, id, &repo, &hostname, &args, rec),
        "snapshots" => {
            snapshots_cmd(world, id, &repo, rec);
            Ok(())
        }
        "forget" => forget(world, id, &repo, &args, rec),
        "prune" => prune(world, id, &repo, rec),
        "restore" => restore(world, id, &repo, &args, rec),
        "check" => check(world, id, &repo, &args, rec),
        other => Err(DockerError::new(
            format!(
                "Error: unknown command \"{other}\" for \"restic\"\nRun 'restic --help' for usage."
            ),
            1,
        )),
    }
}

/// The first `n` characters of an ID as restic prints it (the whole of a shorter name: a file
/// the learner put in the repository).
fn short(id: &str, n: usize) -> &str {
    id.get(..n).unwrap_or(id)
}

fn key_id(config: &str) -> String {
    let id = config.trim().rsplit(' ').next().unwrap_or("");
    id.chars().rev().take(8).collect()
}

fn hex(world: &mut World) -> String {
    format!("{:016x}{:016x}", world.rng.next_u64(), world.rng.next_u64())
}

/// How a repository location names the off-site machine: `sftp:HOST:/path`.
const SFTP: &str = "sftp:";

/// A repository location as restic prints it: a folder the container sees, normalised, or
/// `sftp:HOST:/path` with the remote path made absolute (relative to the login's home).
fn locate(repo: &str) -> String {
    match repo.strip_prefix(SFTP) {
        Some(spec) => match offsite::remote_spec(spec) {
            Some((host, path)) => format!("{SFTP}{host}:{path}"),
            None => format!("{SFTP}{spec}"),
        },
        None => hostfs::normalise("/", repo),
    }
}

/// Runs `f` on the files a repository path lives in, with the path inside them: backup-host's
/// over SFTP for `sftp:backup-host:/…`, else the container's own view. Every repository
/// command reads and writes through this, so a repository works the same in both places.
fn with_tree<R>(
    world: &mut World,
    id: &ContainerId,
    path: &str,
    f: impl FnOnce(&mut dyn Tree, &str) -> R,
) -> R {
    match path
        .strip_prefix(SFTP)
        .and_then(|s| s.split_once(':'))
        .map(|(_, p)| p.to_string())
    {
        Some(remote_path) => f(&mut HostTree(offsite::remote(world)), &remote_path),
        None => f(
            &mut InContainer {
                world,
                id: id.clone(),
                touched: Vec::new(),
            },
            path,
        ),
    }
}

fn node_at(world: &mut World, id: &ContainerId, path: &str) -> Option<Node> {
    with_tree(world, id, path, |t, p| t.node(p))
}

/// A repository file's text (`None` when it is missing or a folder).
fn text_at(world: &mut World, id: &ContainerId, path: &str) -> Option<String> {
    match node_at(world, id, path)? {
        Node::File { content } => Some(content),
        Node::Dir => None,
        _ => Some(String::new()),
    }
}

/// A repository folder's direct children.
fn children(world: &mut World, id: &ContainerId, path: &str) -> Vec<(String, Node)> {
    with_tree(world, id, path, |t, p| t.walk(p))
        .into_iter()
        .filter(|(rel, _)| !rel.contains('/'))
        .collect()
}

fn remove_at(world: &mut World, id: &ContainerId, path: &str) {
    let _ = with_tree(world, id, path, |t, p| t.delete(p));
}

/// What crosses the link to backup-host takes the link's time: counted as the disk bytes that
/// would take as long (the tool's run time follows its bytes, src/sim/docker/archiving.rs).
fn over_link(world: &mut World, path: &str, bytes: u64) {
    if path.starts_with(SFTP) {
        world.shell.bytes_moved +=
            bytes * archiving::DISK_BYTES_PER_S / offsite::NETWORK_BYTES_PER_S;
    }
}

fn put(world: &mut World, id: &ContainerId, path: &str, node: Node) -> Result<(), DockerError> {
    over_link(world, path, node.size_bytes());
    with_tree(world, id, path, |t, p| t.put(p, node)).map_err(|e| {
        fatal(
            format!("open {path}: {}", e.strerror().to_ascii_lowercase()),
            1,
        )
    })
}

fn init(
    world: &mut World,
    id: &ContainerId,
    repo: &str,
    password: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    if node_at(world, id, &format!("{repo}/config")).is_some() {
        return Err(fatal(
            format!("create repository at {repo} failed: config file already exists"),
            1,
        ));
    }
    let repo_id = hex(world);
    let config = format!("restic repository v2 {repo_id}\n");
    for dir in ["data", "index", "keys", "locks", "snapshots"] {
        put(world, id, &format!("{repo}/{dir}"), Node::Dir)?;
    }
    put(
        world,
        id,
        &format!("{repo}/config"),
        Node::File {
            content: config.clone(),
        },
    )?;
    put(
        world,
        id,
        &format!("{repo}/keys/{}", key_id(&config)),
        Node::File {
            content: format!("{password}\n"),
        },
    )?;
    rec.out(format!(
        "created restic repository {} at {repo}\n\nPlease note that knowledge of your password is required to access\nthe repository. Losing your password means that your data is\nirrecoverably lost.",
        short(&repo_id, 10)
    ));
    Ok(())
}

/// A snapshot as its file stores it: metadata plus the tree it saved.
struct Snapshot {
    id: String,
    at_ms: u64,
    host: String,
    paths: Vec<String>,
    tree: BTreeMap<String, Entry>,
}

fn snapshots(world: &mut World, id: &ContainerId, repo: &str) -> Vec<Snapshot> {
    let mut out: Vec<Snapshot> = children(world, id, &format!("{repo}/snapshots"))
        .into_iter()
        .filter_map(|(name, node)| {
            let Node::Archive(a) = node else { return None };
            let meta = match a.members.get(".snapshot") {
                Some(Entry::File { content }) => content.clone(),
                _ => return None,
            };
            let field = |k: &str| {
                meta.lines()
                    .find_map(|l| l.strip_prefix(k))
                    .unwrap_or("")
                    .to_string()
            };
            Some(Snapshot {
                id: name,
                at_ms: field("time_ms=").parse().ok()?,
                host: field("host="),
                paths: field("paths=")
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect(),
                tree: a
                    .members
                    .iter()
                    .filter(|(k, _)| *k != ".snapshot")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            })
        })
        .collect();
    crate::sim::order::sort_by_key(&mut out, |s| (s.at_ms, s.id.clone()));
    out
}

/// The repository's index: content digest → (compressed size, pack).
fn index(world: &mut World, id: &ContainerId, repo: &str) -> BTreeMap<String, (u64, String)> {
    text_at(world, id, &format!("{repo}/index/index"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let mut w = l.split(' ');
            Some((
                w.next()?.to_string(),
                (w.next()?.parse().ok()?, w.next()?.to_string()),
            ))
        })
        .collect()
}

fn save_index(
    world: &mut World,
    id: &ContainerId,
    repo: &str,
    index: &BTreeMap<String, (u64, String)>,
) -> Result<(), DockerError> {
    let text: String = index
        .iter()
        .map(|(d, (s, p))| format!("{d} {s} {p}\n"))
        .collect();
    put(
        world,
        id,
        &format!("{repo}/index/index"),
        Node::File { content: text },
    )
}

fn mib(bytes: u64) -> String {
    format!("{:.3} MiB", bytes as f64 / 1_048_576.0)
}

fn time_text(at_ms: u64) -> String {
    backup::timestamp(at_ms)
}

/// Long because it is restic's backup in order: the paths read, what the repository already
/// holds, the new pack, the snapshot file, the summary, and what page 12 records of it.
fn backup_cmd(
    world: &mut World,
    id: &ContainerId,
    repo: &str,
    host: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let paths: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(|p| hostfs::normalise("/", p))
        .collect();
    if paths.is_empty() {
        return Err(fatal(
            "nothing to backup, please specify source files/dirs",
            1,
        ));
    }
    let mut tree: BTreeMap<String, Entry> = BTreeMap::new();
    let mut hot_copy = None;
    {
        let mut view = InContainer {
            world,
            id: id.clone(),
            touched: Vec::new(),
        };
        for p in &paths {
            let Some(node) = view.node(p) else {
                return Err(fatal(
                    "all source directories/files do not exist".to_string(),
                    1,
                ));
            };
            tree.insert(p.clone(), node.to_entry());
            if node == Node::Dir {
                for (rel, child) in view.walk(p) {
                    tree.insert(
                        format!("{}/{rel}", p.trim_end_matches('/')),
                        child.to_entry(),
                    );
                }
            }
            // restic reads files one by one too: a live database's files are caught mid-write.
            if let Some((rel, draw)) = view.live_database(p) {
                let dir = if rel.is_empty() {
                    p.clone()
                } else {
                    format!("{p}/{rel}")
                };
                hot_copy = Some(archiving::tear(&mut tree, &dir, draw));
            }
        }
    }
    let previous = snapshots(world, id, repo);
    let parent = previous
        .iter()
        .rev()
        .find(|s| s.host == host && s.paths == paths);
    match parent {
        Some(p) => rec.out(format!("using parent snapshot {}", short(&p.id, 8))),
        None => rec.out("no parent snapshot found, will read all files"),
    }
    let mut idx = index(world, id, repo);
    let pack = hex(world);
    let (mut new_files, mut changed, mut unmodified, mut dirs) = (0, 0, 0, 0);
    let (mut added, mut stored, mut processed) = (0u64, 0u64, 0u64);
    for (path, entry) in &tree {
        if matches!(entry, Entry::Dir) {
            dirs += 1;
            continue;
        }
        processed += entry.size_bytes();
        let digest = hostfs::digest(entry);
        let before = parent.and_then(|p| p.tree.get(path));
        match before {
            Some(b) if hostfs::digest(b) == digest => unmodified += 1,
            Some(_) => changed += 1,
            None => new_files += 1,
        }
        if let std::collections::btree_map::Entry::Vacant(slot) = idx.entry(digest) {
            let size = entry.gzipped_bytes();
            added += entry.size_bytes();
            stored += size;
            slot.insert((size, pack.clone()));
        }
    }
    if stored > 0 {
        put(
            world,
            id,
            &format!("{repo}/data/{}/{pack}", short(&pack, 2)),
            Node::Blob { size_bytes: stored },
        )?;
    }
    save_index(world, id, repo, &idx)?;
    let snap_id = hex(world);
    let mut members = tree.clone();
    members.insert(
        ".snapshot".to_string(),
        Entry::File {
            content: format!(
                "time_ms={}\nhost={host}\npaths={}\n",
                world.now_ms,
                paths.join(",")
            ),
        },
    );
    let archive = Archive {
        format: ArchiveFormat::ResticSnapshot,
        members,
    };
    let entry = Entry::Archive(Box::new(archive.clone()));
    put(
        world,
        id,
        &format!("{repo}/snapshots/{snap_id}"),
        Node::Archive(Box::new(archive)),
    )?;
    rec.out(format!(
        "\nFiles:       {new_files:>5} new, {changed:>5} changed, {unmodified:>5} unmodified\nDirs:        {:>5} new,     0 changed,     0 unmodified\nAdded to the repository: {} ({} stored)\n\nprocessed {} files, {} in 0:00\nsnapshot {} saved",
        if parent.is_some() { 0 } else { dirs },
        mib(added),
        mib(stored),
        new_files + changed + unmodified,
        mib(processed),
        short(&snap_id, 8)
    ));
    world.shell.bytes_moved += processed;
    let tables = backup::tables_in_archive(&Archive {
        format: ArchiveFormat::Tar,
        members: tree,
    });
    if !tables.is_empty() {
        backup::written(
            world,
            "restic backup",
            &format!("{repo}/snapshots/{}", short(&snap_id, 8)),
            &entry,
            &tables,
            hot_copy.is_none(),
        );
    }
    if let Some(what) = &hot_copy {
        rec.say(format!("restic read a PostgreSQL data directory while its server was running: {what}. The snapshot is complete as files and useless as a database; back up a pg_dump instead, or stop the server."));
    }
    if parent.is_none() && previous.iter().any(|s| s.paths == paths) {
        rec.say(format!(
            "restic groups snapshots by host and paths, and this container's hostname ({host}) is new: the snapshots of earlier runs are another group, so no parent was used and `forget` will count them apart. Give `--host` a fixed name."
        ));
    }
    Ok(())
}

fn snapshots_cmd(world: &mut World, id: &ContainerId, repo: &str, rec: &mut Record) {
    let all = snapshots(world, id, repo);
    let mut lines = vec![
        "ID        Time                 Host        Tags        Paths  Size".to_string(),
        "-".repeat(75),
    ];
    for s in &all {
        let size: u64 = s.tree.values().map(Entry::size_bytes).sum();
        lines.push(format!(
            "{}  {}  {:<10}              {}  {}",
            short(&s.id, 8),
            time_text(s.at_ms),
            s.host,
            s.paths.join(","),
            mib(size)
        ));
    }
    lines.push("-".repeat(75));
    lines.push(format!("{} snapshots", all.len()));
    rec.out(lines.join("\n"));
}

/// restic's keep rules, in its order.
const RULES: [(&str, &str); 6] = [
    ("--keep-last", "last"),
    ("--keep-hourly", "hourly"),
    ("--keep-daily", "daily"),
    ("--keep-weekly", "weekly"),
    ("--keep-monthly", "monthly"),
    ("--keep-yearly", "yearly"),
];

/// The bucket a snapshot falls in for a rule (`daily`: its day; `weekly`: its ISO week).
fn bucket(rule: &str, at_ms: u64, id: &str) -> String {
    let (y, mo, d, h, ..) = crate::sim::time::civil(at_ms);
    let days = crate::sim::time::unix_seconds(at_ms) / 86_400;
    match rule {
        "last" => id.to_string(),
        "hourly" => format!("{y}-{mo}-{d}-{h}"),
        "daily" => format!("{y}-{mo}-{d}"),
        // Weeks are Monday 00:00 to Sunday 23:59 (1970-01-01 was a Thursday).
        "weekly" => format!("{}", (days + 3) / 7),
        "monthly" => format!("{y}-{mo}"),
        _ => format!("{y}"),
    }
}

/// Which snapshots of one group (newest first) a policy keeps, each with its reasons.
pub fn apply_policy(
    group: &[(u64, String)],
    policy: &[(&'static str, i64)],
) -> Vec<(usize, Vec<String>)> {
    let mut reasons: Vec<Vec<String>> = vec![Vec::new(); group.len()];
    for (rule, count) in policy {
        let mut left = *count;
        let mut last: Option<String> = None;
        for (i, (at_ms, id)) in group.iter().enumerate() {
            if left == 0 {
                break;
            }
            let b = bucket(rule, *at_ms, id);
            if last.as_ref() != Some(&b) {
                reasons[i].push(format!("{rule} snapshot"));
                last = Some(b);
                left -= 1;
            }
        }
        // Not enough snapshots for the rule: the oldest is kept as well.
        if left > 0 && *rule != "last" && !group.is_empty() {
            let oldest = group.len() - 1;
            let reason = format!("oldest {rule} snapshot");
            if !reasons[oldest]
                .iter()
                .any(|r| r == &format!("{rule} snapshot"))
            {
                reasons[oldest].push(reason);
            }
        }
    }
    reasons
        .into_iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .collect()
}

/// Long because it is forget's report in restic's shape: the policy line, then per group the
/// snapshots kept with their reasons and those removed, then `--prune`.
fn forget(
    world: &mut World,
    id: &ContainerId,
    repo: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let mut policy: Vec<(&'static str, i64)> = Vec::new();
    let mut i = 0;
    let mut do_prune = false;
    let mut dry_run = false;
    while i < args.len() {
        let (flag, inline) = match args[i].split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (args[i].clone(), None),
        };
        i += 1;
        if flag == "--prune" {
            do_prune = true;
            continue;
        }
        if flag == "--dry-run" || flag == "-n" {
            dry_run = true;
            continue;
        }
        let Some((_, rule)) = RULES.iter().find(|(f, _)| *f == flag) else {
            continue;
        };
        let value = inline.or_else(|| {
            i += 1;
            args.get(i - 1).cloned()
        });
        let n: i64 = value.as_deref().and_then(|v| v.parse().ok()).ok_or_else(|| {
            DockerError::new(format!("invalid argument \"{}\" for \"{flag}\" flag: strconv.ParseInt: parsing: invalid syntax", value.clone().unwrap_or_default()), 1)
        })?;
        policy.push((rule, n));
    }
    if policy.is_empty() {
        return Err(fatal(
            "no policy was specified, no snapshots will be removed",
            1,
        ));
    }
    let described: Vec<String> = policy.iter().map(|(r, n)| format!("{n} {r}")).collect();
    rec.out(format!(
        "Applying Policy: keep {} snapshots",
        described.join(", ")
    ));
    let all = snapshots(world, id, repo);
    // Groups by host and paths, newest first within each.
    let mut groups: BTreeMap<(String, String), Vec<&Snapshot>> = BTreeMap::new();
    for s in all.iter().rev() {
        groups
            .entry((s.host.clone(), s.paths.join(",")))
            .or_default()
            .push(s);
    }
    let mut removed = Vec::new();
    for ((host, paths), group) in &groups {
        let ids: Vec<(u64, String)> = group.iter().map(|s| (s.at_ms, s.id.clone())).collect();
        let kept = apply_policy(&ids, &policy);
        if groups.len() > 1 {
            rec.out(format!("snapshots for (host [{host}], paths [{paths}]):"));
        }
        let mut lines = vec![
            format!("keep {} snapshots:", kept.len()),
            "ID        Time                 Host        Tags        Reasons           Paths"
                .to_string(),
            "-".repeat(79),
        ];
        for (k, reasons) in &kept {
            let s = group[*k];
            for (j, reason) in reasons.iter().enumerate() {
                if j == 0 {
                    lines.push(format!(
                        "{}  {}  {:<10}              {:<16}  {}",
                        short(&s.id, 8),
                        time_text(s.at_ms),
                        s.host,
                        reason,
                        paths
                    ));
                } else {
                    lines.push(format!("{:<55}{reason}", ""));
                }
            }
        }
        lines.push("-".repeat(79));
        lines.push(format!("{} snapshots", kept.len()));
        let gone: Vec<&Snapshot> = group
            .iter()
            .enumerate()
            .filter(|(k, _)| !kept.iter().any(|(kk, _)| kk == k))
            .map(|(_, s)| *s)
            .collect();
        if !gone.is_empty() {
            lines.push(String::new());
            lines.push(format!("remove {} snapshots:", gone.len()));
            lines.push("ID        Time                 Host        Tags        Paths".to_string());
            lines.push("-".repeat(61));
            for s in &gone {
                lines.push(format!(
                    "{}  {}  {:<10}              {paths}",
                    short(&s.id, 8),
                    time_text(s.at_ms),
                    s.host
                ));
            }
            lines.push("-".repeat(61));
            lines.push(format!("{} snapshots", gone.len()));
        }
        rec.out(lines.join("\n"));
        removed.extend(gone.iter().map(|s| s.id.clone()));
    }
    if dry_run {
        return Ok(());
    }
    for snap in &removed {
        remove_at(world, id, &format!("{repo}/snapshots/{snap}"));
    }
    if !removed.is_empty() {
        rec.out(format!(
            "[0:00] 100.00%  {n} / {n} files deleted",
            n = removed.len()
        ));
    }
    if groups.len() > 1 {
        rec.say(format!("The policy applied to each of {} groups (host and paths) separately: snapshots taken under different hostnames are never weighed against each other.", groups.len()));
    }
    if do_prune {
        prune(world, id, repo, rec)?;
    } else if !removed.is_empty() {
        rec.say("forget removed only the snapshot files: the data they referenced is still in the repository's packs until `restic prune` (or `forget --prune`).");
    }
    Ok(())
}

/// Deletes the packs no snapshot uses any more.
fn prune(
    world: &mut World,
    id: &ContainerId,
    repo: &str,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let all = snapshots(world, id, repo);
    let used: BTreeSet<String> = all
        .iter()
        .flat_map(|s| {
            s.tree
                .values()
                .filter(|e| !matches!(e, Entry::Dir))
                .map(hostfs::digest)
        })
        .collect();
    let mut idx = index(world, id, repo);
    let before: u64 = idx.values().map(|(s, _)| s).sum();
    let packs_before: BTreeSet<String> = idx.values().map(|(_, p)| p.clone()).collect();
    idx.retain(|d, _| used.contains(d));
    let packs_after: BTreeSet<String> = idx.values().map(|(_, p)| p.clone()).collect();
    let mut freed = 0;
    for pack in packs_before.difference(&packs_after) {
        let path = format!("{repo}/data/{}/{pack}", short(pack, 2));
        freed += node_at(world, id, &path).map_or(0, |n| n.size_bytes());
        remove_at(world, id, &path);
    }
    save_index(world, id, repo, &idx)?;
    let after: u64 = idx.values().map(|(s, _)| s).sum();
    rec.out(format!(
        "loading indexes...\nloading all snapshots...\nfinding data that is still in use for {} snapshots\n[0:00] 100.00%  {n} / {n} snapshots\nsearching used packs...\ncollecting packs for deletion and repacking\n\nto delete:           {} packs, {}\ntotal prune:         {}\nremaining:           {}\n\ndeleting unreferenced packs\ndone",
        all.len(),
        packs_before.difference(&packs_after).count(),
        mib(freed),
        mib(before - after.min(before)),
        mib(after),
        n = all.len()
    ));
    Ok(())
}

/// Long because it is restic's restore in order: its options, the snapshot, the files written
/// into the target, the summary, and what page 12 records of a restored database.
fn restore(
    world: &mut World,
    id: &ContainerId,
    repo: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let mut target: Option<String> = None;
    let mut which: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--target" || a == "-t" {
            target = args.get(i).cloned();
            i += 1;
        } else if let Some(t) = a.strip_prefix("--target=") {
            target = Some(t.to_string());
        } else if !a.starts_with('-') {
            which = Some(a.clone());
        }
    }
    let Some(target) = target else {
        return Err(fatal(
            "Please specify a directory to restore to (--target)",
            1,
        ));
    };
    let which = which.ok_or_else(|| {
        fatal(
            "no snapshot ID specified, specify snapshot ID or use special ID 'latest'",
            1,
        )
    })?;
    let all = snapshots(world, id, repo);
    let snap = if which == "latest" {
        all.last()
    } else {
        all.iter().find(|s| s.id.starts_with(&which))
    }
    .ok_or_else(|| {
        fatal(
            format!("failed to find snapshot: no matching ID found for prefix \"{which}\""),
            1,
        )
    })?;
    let target = hostfs::normalise("/", &target);
    let mut view = InContainer {
        world,
        id: id.clone(),
        touched: Vec::new(),
    };
    let mut count = 0;
    let mut bytes = 0;
    for (path, entry) in &snap.tree {
        let dest = format!("{}{path}", target.trim_end_matches('/'));
        view.put(&dest, Node::from_entry(entry))
            .map_err(|e| fatal(format!("{dest}: {}", e.strerror()), 1))?;
        count += 1;
        bytes += entry.size_bytes();
    }
    let touched = std::mem::take(&mut view.touched);
    for t in &touched {
        rec.touch(super::postgres::touched_key(t));
    }
    rec.out(format!(
        "restoring snapshot {} of [{}] at {} +0000 UTC by root@{} to {target}\nSummary: Restored {count} files/dirs ({}) in 0:00",
        short(&snap.id, 8),
        snap.paths.join(" "),
        time_text(snap.at_ms),
        snap.host,
        mib(bytes)
    ));
    world.shell.bytes_moved += bytes;
    over_link(world, repo, bytes);
    let tables = backup::tables_in_archive(&Archive {
        format: ArchiveFormat::Tar,
        members: snap.tree.clone(),
    });
    if !tables.is_empty() {
        let mut members = snap.tree.clone();
        members.insert(
            ".snapshot".to_string(),
            Entry::File {
                content: format!(
                    "time_ms={}\nhost={}\npaths={}\n",
                    snap.at_ms,
                    snap.host,
                    snap.paths.join(",")
                ),
            },
        );
        let digest = hostfs::digest(&Entry::Archive(Box::new(Archive {
            format: ArchiveFormat::ResticSnapshot,
            members,
        })));
        let name = world.engine.containers[id].name.clone();
        backup::restored(world, &format!("{name} (files)"), Some(&digest), &tables);
    }
    Ok(())
}

fn check(
    world: &mut World,
    id: &ContainerId,
    repo: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let read_data = args.iter().any(|a| a == "--read-data");
    let all = snapshots(world, id, repo);
    let idx = index(world, id, repo);
    let mut lines = vec!["load indexes".to_string(), "check all packs".to_string()];
    let mut errors = Vec::new();
    let packs: BTreeSet<String> = idx.values().map(|(_, p)| p.clone()).collect();
    for pack in &packs {
        let path = format!("{repo}/data/{}/{pack}", short(pack, 2));
        match node_at(world, id, &path) {
            None => errors.push(format!("pack {}: does not exist", short(pack, 8))),
            Some(Node::Blob { .. }) => {}
            Some(_) if read_data => errors.push(format!(
                "Pack ID does not match, want {}, got {}",
                short(pack, 8),
                &archiving::human_size(1)
            )),
            Some(_) => {}
        }
    }
    lines.push("check snapshots, trees and blobs".to_string());
    lines.push(format!(
        "[0:00] 100.00%  {n} / {n} snapshots",
        n = all.len()
    ));
    if read_data {
        lines.push("read all data".to_string());
        lines.push(format!("[0:00] 100.00%  {n} / {n} packs", n = packs.len()));
        let bytes: u64 = idx.values().map(|(s, _)| s).sum();
        world.shell.bytes_moved += bytes;
        over_link(world, repo, bytes);
    }
    rec.out(lines.join("\n"));
    if errors.is_empty() {
        rec.out("no errors were found");
        Ok(())
    } else {
        Err(DockerError::new(
            format!("{}\nFatal: repository contains errors", errors.join("\n")),
            1,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400_000;

    /// restic docs (060_forget): daily backups, `--keep-daily 7 --keep-weekly 5` keeps 7
    /// dailies plus only 4 extra weeklies, since the 7 dailies already include one weekly.
    #[test]
    fn daily_and_weekly_rules_overlap_as_restic_documents() {
        // 41 nightly snapshots at 03:00 from 2026-01-06, newest first; the newest is a Sunday
        // (2026-02-15), so
        // the last 7 days are one week, as in the docs' example.
        let group: Vec<(u64, String)> = (0..41u64)
            .rev()
            .map(|d| (18 * 3_600_000 + d * DAY, format!("{d:08}")))
            .collect();
        let kept = apply_policy(&group, &[("daily", 7), ("weekly", 5)]);
        assert_eq!(kept.len(), 7 + 4);
        assert!(
            kept.iter()
                .take(7)
                .all(|(_, r)| r.contains(&"daily snapshot".to_string()))
        );
    }

    /// Days without snapshots do not count: with a gap, keep-daily reaches further back.
    #[test]
    fn keep_daily_counts_days_that_have_snapshots() {
        let days = [20u64, 19, 18, 10, 9, 8, 7];
        let group: Vec<(u64, String)> = days.iter().map(|d| (d * DAY, format!("{d:08}"))).collect();
        let kept = apply_policy(&group, &[("daily", 5)]);
        let kept_days: Vec<u64> = kept.iter().map(|(i, _)| days[*i]).collect();
        assert_eq!(kept_days, [20, 19, 18, 10, 9]);
    }

    #[test]
    fn too_few_snapshots_keep_the_oldest_too() {
        let group: Vec<(u64, String)> = (0..3u64)
            .rev()
            .map(|d| (d * DAY, format!("{d:08}")))
            .collect();
        let kept = apply_policy(&group, &[("monthly", 3)]);
        let reasons: Vec<&Vec<String>> = kept.iter().map(|(_, r)| r).collect();
        assert_eq!(kept.len(), 2);
        assert_eq!(reasons[1], &vec!["oldest monthly snapshot".to_string()]);
    }
}
