//! Off-site copies: `backup-host`, a machine in another building reachable over SSH, and
//! `scp`, `rsync` and `ssh backup-host COMMAND` to put backups there and look at them.
//!
//! Real OpenSSH 9 `scp` (SFTP mode) copies files to and from `HOST:PATH`, `-r` for folders,
//! saying `scp: stat local "x": No such file or directory` for a missing source and
//! `ssh: Could not resolve hostname …` for an unknown machine (exit 255). `rsync -a SRC DEST`
//! copies a tree, `SRC/` meaning the folder's contents, `--delete` removing what the source
//! no longer has, `-v` listing the files and a byte summary. A copy there survives what
//! happens to this host: a dead disk, ransomware running here.
//!
//! What we model: that machine's files (a second folder tree, with `/backups` ready), the copies
//! in both directions, the time they take over a 100 Mbit/s link ([`NETWORK_BYTES_PER_S`]), and
//! file commands run there with `ssh`, and restic repositories there (`-r sftp:backup-host:/…`,
//! src/sim/docker/restic.rs). Simplified: keys are already set up (no password
//! prompt), permissions and times are not copied, rsync copies whole files.

use super::docker::error::DockerError;
use super::event::Event;
use super::hostfs::{self, Entry, HostFs};
use super::record::Record;
use super::world::{Waiter, World};

/// The off-site machine every lab has.
pub const BACKUP_HOST: &str = "backup-host";
/// A 100 Mbit/s link between the buildings.
pub const NETWORK_BYTES_PER_S: u64 = 12_500_000;

/// `backup-host`'s files, created on first use with its `/backups` folder.
pub(crate) fn remote(world: &mut World) -> &mut HostFs {
    world
        .offsite
        .entry(BACKUP_HOST.to_string())
        .or_insert_with(|| {
            let mut fs = HostFs::default();
            let _ = fs.mkdir("/backups", true);
            fs
        })
}

/// `HOST:PATH` → (host, path), for a host name that is not a drive letter or a local path.
pub(crate) fn remote_spec(arg: &str) -> Option<(String, String)> {
    let (host, path) = arg.split_once(':')?;
    if host.is_empty() || host.contains('/') {
        return None;
    }
    let host = host.rsplit('@').next().unwrap_or(host).to_string();
    let path = if path.is_empty() {
        "/home/learner".to_string()
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/home/learner/{path}")
    };
    Some((host, hostfs::normalise("/", &path)))
}

fn unknown_host(host: &str, program: &str) -> DockerError {
    DockerError::new(
        format!(
            "ssh: Could not resolve hostname {host}: Name or service not known\n{program}: Connection closed"
        ),
        255,
    )
}

/// Every entry at or under `path` in `fs`, by path relative to `path`'s parent (`x`, `x/a`).
fn take(fs: &HostFs, path: &str) -> Option<Vec<(String, Entry)>> {
    let entry = fs.entries.get(path)?.clone();
    let name = path.rsplit('/').next().unwrap_or("").to_string();
    let mut out = vec![(name.clone(), entry.clone())];
    if matches!(entry, Entry::Dir) {
        for (rel, e) in fs.walk(path) {
            out.push((format!("{name}/{rel}"), e.clone()));
        }
    }
    Some(out)
}

/// Writes `items` into `fs` under `dest` (a folder: each item keeps its name; otherwise the
/// single item takes `dest`'s name).
fn put(fs: &mut HostFs, dest: &str, items: &[(String, Entry)]) -> Result<u64, String> {
    let into_dir = matches!(fs.entries.get(dest), Some(Entry::Dir));
    let mut bytes = 0;
    for (rel, entry) in items {
        let target = if into_dir {
            format!("{}/{rel}", dest.trim_end_matches('/'))
        } else {
            // `scp a.dump host:/backups/b.dump`: the first item is renamed.
            let first = items[0].0.as_str();
            let rest = rel.strip_prefix(first).unwrap_or("");
            format!("{dest}{rest}")
        };
        let parent = target
            .rsplit_once('/')
            .map_or("/", |(p, _)| if p.is_empty() { "/" } else { p });
        if !matches!(fs.entries.get(parent), Some(Entry::Dir)) {
            return Err(format!("{parent}: No such file or directory"));
        }
        if fs.is_append_only(&target) && fs.entries.get(&target) != Some(entry) {
            return Err(format!("dest open \"{target}\": Operation not permitted"));
        }
        fs.entries.insert(target, entry.clone());
        bytes += entry.size_bytes();
    }
    Ok(bytes)
}

/// The copy takes the time its bytes need over the link; the prompt returns then.
fn wait_for_link(world: &mut World, bytes: u64, rec: &mut Record) {
    let took_ms = (bytes * 1000 / NETWORK_BYTES_PER_S).max(1);
    // What it prints comes as it works; the terminal shows it when it is done.
    let mut lines = Vec::new();
    rec.terminal.retain(|l| match l.stream {
        super::record::Stream::Prompt => true,
        stream => {
            lines.push((stream == super::record::Stream::Stderr, l.text.clone()));
            false
        }
    });
    world.shell.waiting.push(Waiter::Finish { lines });
    world.schedule_in(took_ms, Event::Wake);
    rec.say(format!(
        "{} cross the 100 Mbit/s link to the other building in {}.",
        super::docker::archiving::human_size(bytes),
        super::time::short_duration(took_ms)
    ));
}

/// `scp [-r] SRC… DEST`, one side on `backup-host`.
pub fn scp(world: &mut World, args: &[String], rec: &mut Record) -> Result<(), DockerError> {
    let recursive = args.iter().any(|a| a.starts_with('-') && a.contains('r'));
    let operands: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let [sources @ .., dest] = operands.as_slice() else {
        return Err(DockerError::new(
            "usage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]\n           [-i identity_file] [-J destination] [-l limit] [-o ssh_option]\n           [-P port] [-S program] [-X sftp_option] source ... target",
            1,
        ));
    };
    if sources.is_empty() {
        return Err(DockerError::new(
            "usage: scp [-346ABCOpqRrsTv] source ... target",
            1,
        ));
    }
    for host in sources
        .iter()
        .chain([dest])
        .filter_map(|a| remote_spec(a))
        .map(|(h, _)| h)
    {
        if host != BACKUP_HOST {
            return Err(unknown_host(&host, "scp"));
        }
    }
    let mut total = 0;
    for source in sources {
        let items = match remote_spec(source) {
            Some((_, path)) => take(remote(world), &path).ok_or_else(|| {
                DockerError::new(format!("scp: {path}: No such file or directory"), 1)
            })?,
            None => {
                let path = world.fs.resolve(source);
                take(&world.fs, &path).ok_or_else(|| {
                    DockerError::new(
                        format!("scp: stat local \"{source}\": No such file or directory"),
                        1,
                    )
                })?
            }
        };
        if matches!(items[0].1, Entry::Dir) && !recursive {
            return Err(DockerError::new(
                format!("scp: {source}: not a regular file"),
                1,
            ));
        }
        let stored = match remote_spec(dest) {
            Some((_, path)) => put(remote(world), &path, &items),
            None => {
                let path = world.fs.resolve(dest);
                put(&mut world.fs, &path, &items)
            }
        };
        total += stored.map_err(|e| DockerError::new(format!("scp: {e}"), 1))?;
    }
    rec.touch(BACKUP_HOST);
    wait_for_link(world, total, rec);
    Ok(())
}

/// `rsync -a[v] [--delete] SRC DEST` (one side may be on `backup-host`).
/// Long because it is rsync's run in order: the hosts, the source (a folder or its contents),
/// the changed files only, `--delete`, then `-v`'s list and byte summary.
pub fn rsync(world: &mut World, args: &[String], rec: &mut Record) -> Result<(), DockerError> {
    let verbose = args
        .iter()
        .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('v'));
    let delete = args.iter().any(|a| a == "--delete");
    let operands: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let [source, dest] = operands.as_slice() else {
        return Err(DockerError::new(
            "rsync: a source and a destination are needed\nrsync error: syntax or usage error (code 1) at main.c(1795) [client=3.2.7]",
            1,
        ));
    };
    for host in [source, dest]
        .iter()
        .filter_map(|a| remote_spec(a))
        .map(|(h, _)| h)
    {
        if host != BACKUP_HOST {
            return Err(DockerError::new(
                format!(
                    "ssh: Could not resolve hostname {host}: Name or service not known\nrsync: connection unexpectedly closed (0 bytes received so far) [sender]\nrsync error: unexplained error (code 255) at io.c(232) [sender=3.2.7]"
                ),
                255,
            ));
        }
    }
    let contents_only = source.ends_with('/');
    let (src_fs_remote, src_path) = match remote_spec(source) {
        Some((_, p)) => (true, hostfs::normalise("/", &p)),
        None => (false, world.fs.resolve(source)),
    };
    let items = {
        let fs = if src_fs_remote {
            &*remote(world)
        } else {
            &world.fs
        };
        take(fs, &src_path).ok_or_else(|| {
            DockerError::new(
                format!("rsync: [sender] change_dir \"{src_path}\" failed: No such file or directory (2)\nrsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338) [sender=3.2.7]"),
                23,
            )
        })?
    };
    let items: Vec<(String, Entry)> = if contents_only {
        let prefix = format!("{}/", items[0].0);
        items
            .iter()
            .skip(1)
            .map(|(r, e)| (r.strip_prefix(&prefix).unwrap_or(r).to_string(), e.clone()))
            .collect()
    } else {
        items
    };
    let dest_path = match remote_spec(dest) {
        Some((_, p)) => hostfs::normalise("/", &p),
        None => world.fs.resolve(dest),
    };
    let dest_fs: &mut HostFs = if remote_spec(dest).is_some() {
        remote(world)
    } else {
        &mut world.fs
    };
    let _ = dest_fs.mkdir(&dest_path, true);
    let mut sent = 0;
    let mut listed = Vec::new();
    for (rel, entry) in &items {
        let target = format!("{}/{rel}", dest_path.trim_end_matches('/'));
        if dest_fs.entries.get(&target) != Some(entry) {
            if dest_fs.is_append_only(&target) {
                return Err(DockerError::new(
                    format!(
                        "rsync: [receiver] rename \"{target}\" failed: Operation not permitted (1)\nrsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338) [sender=3.2.7]"
                    ),
                    23,
                ));
            }
            if let Some(parent) = target.rsplit_once('/').map(|(p, _)| p.to_string()) {
                let _ = dest_fs.mkdir(&parent, true);
            }
            dest_fs.entries.insert(target, entry.clone());
            sent += entry.size_bytes();
            listed.push(if matches!(entry, Entry::Dir) {
                format!("{rel}/")
            } else {
                rel.clone()
            });
        }
    }
    let mut deleted = Vec::new();
    if delete {
        let keep: Vec<String> = items
            .iter()
            .map(|(r, _)| format!("{}/{r}", dest_path.trim_end_matches('/')))
            .collect();
        let extra: Vec<String> = dest_fs
            .walk(&dest_path)
            .into_iter()
            .map(|(rel, _)| format!("{}/{rel}", dest_path.trim_end_matches('/')))
            .filter(|p| !keep.contains(p))
            .collect();
        for path in extra {
            if dest_fs.is_append_only(&path) {
                return Err(DockerError::new(
                    format!(
                        "rsync: [generator] delete_file: unlink({path}) failed: Operation not permitted (1)\nrsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338) [sender=3.2.7]"
                    ),
                    23,
                ));
            }
            dest_fs.entries.remove(&path);
            deleted.push(path);
        }
    }
    let total: u64 = items.iter().map(|(_, e)| e.size_bytes()).sum();
    if verbose {
        let mut lines = vec!["sending incremental file list".to_string()];
        lines.extend(
            deleted
                .iter()
                .map(|p| format!("deleting {}", p.rsplit('/').next().unwrap_or(p))),
        );
        lines.extend(listed.iter().cloned());
        lines.push(String::new());
        lines.push(format!(
            "sent {} bytes  received {} bytes  {} bytes/sec",
            sent + 100 * listed.len() as u64,
            35 + 20 * listed.len(),
            sent.max(1)
        ));
        lines.push(format!(
            "total size is {total}  speedup is {:.2}",
            total as f64 / (sent.max(1)) as f64
        ));
        rec.out(lines.join("\n"));
    }
    rec.touch(BACKUP_HOST);
    wait_for_link(world, sent, rec);
    if sent == 0 {
        rec.say("Nothing had changed: rsync sent only the file list.");
    }
    Ok(())
}

/// `ssh backup-host COMMAND`: a file command run there. `None` for another machine.
pub fn ssh(
    world: &mut World,
    host: &str,
    command: &[String],
    rec: &mut Record,
) -> Option<Result<(), DockerError>> {
    if host != BACKUP_HOST {
        return None;
    }
    if command.is_empty() {
        return Some(Err(DockerError::new(
            "dockyard: an interactive session on backup-host is not simulated; give the command: ssh backup-host ls -l /backups",
            1,
        )));
    }
    const TOOLS: &[&str] = &[
        "chattr",
        "ls",
        "cat",
        "rm",
        "mkdir",
        "du",
        "sha256sum",
        "tar",
        "gzip",
        "gunzip",
        "cp",
        "mv",
        "touch",
    ];
    if !TOOLS.contains(&command[0].as_str()) {
        return Some(Err(DockerError::new(
            format!("bash: line 1: {}: command not found", command[0]),
            127,
        )));
    }
    rec.touch(BACKUP_HOST);
    let line = command.join(" ");
    let there = remote(world).clone();
    let local = std::mem::replace(&mut world.fs, there);
    let result = super::shell::run_line(world, &line, rec);
    let there = std::mem::replace(&mut world.fs, local);
    world.offsite.insert(BACKUP_HOST.to_string(), there);
    Some(result)
}
