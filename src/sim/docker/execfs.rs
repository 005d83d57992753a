//! File commands run with `docker exec`: `sh -c "echo hi > /data/f"`, `cat`, `ls`, `mkdir`,
//! `touch`, `rm`, and `psql` in a postgres container.
//!
//! Real Docker: `docker exec` starts a second process in the running container's namespaces; it
//! sees the container's filesystem (image + writable layer + mounts). The words of each tool's
//! errors depend on the image: Alpine and BusyBox have BusyBox's `ash` and applets, Debian-based
//! images have `dash` and GNU coreutils.
//!
//! What we model: those commands reading and writing through src/sim/docker/containerfs/mod.rs so
//! each file lands in the store that backs its path, with both families' error texts. What we
//! simplify: a script is a sequence of simple commands (`;`, `&&`, newlines), stops at the first
//! failure, and knows only `>`/`>>` redirections; no pipes, globs or variables.

use super::super::hostfs;
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::world::World;
use super::archiving;
use super::containerfs::{self, FsError, Node, Touched};
use super::error::DockerError;
use super::postgres;
use super::process::split_script;

/// Which family of tools the image ships.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tools {
    BusyBox,
    Gnu,
}

fn tools(world: &World, id: &ContainerId) -> Tools {
    let image = &world.engine.containers[id].config.image;
    let repo = image.split(':').next().unwrap_or(image);
    if matches!(repo, "alpine" | "busybox") || image.contains("alpine") {
        Tools::BusyBox
    } else {
        Tools::Gnu
    }
}

/// One command's failure: what it printed on stderr, and its exit status.
struct Failure {
    text: String,
    code: i32,
}

fn fail(text: String, code: i32) -> Failure {
    Failure { text, code }
}

/// Runs `argv` if it is one of ours; `None` lets the caller handle it.
pub fn run(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
    rec: &mut Record,
) -> Option<Result<(), DockerError>> {
    let program = argv.first()?.rsplit('/').next().unwrap_or("").to_string();
    match program.as_str() {
        "psql" => Some(postgres::psql(world, id, argv, rec)),
        "pg_dump" => Some(super::pgdump::pg_dump(world, id, argv, rec)),
        "pg_dumpall" => Some(super::pgdump::pg_dumpall(world, id, argv, rec)),
        "pg_restore" => Some(super::pgdump::pg_restore(world, id, argv, rec)),
        "restic" => Some(super::restic::run(world, id, argv, rec)),
        "sh" | "bash" | "ash" if argv.get(1).map(String::as_str) == Some("-c") => {
            let script = expand_date(&argv.get(2).cloned().unwrap_or_default(), world.now_ms);
            let shell = if tools(world, id) == Tools::BusyBox {
                "sh".to_string()
            } else {
                "sh: 1".to_string()
            };
            let mut did_something = false;
            // The shell's working folder: `cd /dbdata && tar xvf …` (the image's WORKDIR is `/`
            // for the images backups use).
            let mut cwd = "/".to_string();
            for segment in split_script(&script) {
                let Ok(words) = shell_words::split(&segment) else {
                    return Some(Err(DockerError::new(
                        format!("{shell}: syntax error: unterminated quoted string"),
                        2,
                    )));
                };
                match command(world, id, &words, &shell, &mut cwd, rec) {
                    Ok(()) => did_something = true,
                    Err(f) if did_something => {
                        rec.err(f.text);
                        rec.error = true;
                        return Some(Ok(()));
                    }
                    Err(f) => return Some(Err(DockerError::new(f.text, f.code))),
                }
            }
            Some(Ok(()))
        }
        "cat" if argv.get(1).map(String::as_str) == Some("/etc/hostname") => None,
        "cat" | "ls" | "mkdir" | "touch" | "rm" | "tar" | "gzip" | "gunzip" | "du" | "cp"
        | "mv" | "sha256sum" | "date" | "id" | "whoami" => Some(
            command(world, id, argv, "sh", &mut "/".to_string(), rec)
                .map_err(|f| DockerError::new(f.text, f.code)),
        ),
        _ => None,
    }
}

/// What page 12 measures of a `tar`: an archive holding a database's tables is a backup (a
/// consistent one unless it copied a live server); unpacking one is a restore.
fn record_backup(world: &mut World, id: &ContainerId, program: &str, outcome: &archiving::Outcome) {
    use crate::sim::backup;
    if program != "tar" || outcome.code != 0 {
        return;
    }
    if let Some(archive) = &outcome.extracted {
        let tables = backup::tables_in_archive(archive);
        if !tables.is_empty() {
            let digest = hostfs::digest(&hostfs::Entry::Archive(Box::new(archive.clone())));
            let name = world.engine.containers[id].name.clone();
            backup::restored(world, &format!("{name} (files)"), Some(&digest), &tables);
        }
        return;
    }
    for path in &outcome.wrote {
        if let Some(Node::Archive(archive)) = containerfs::get(world, id, path) {
            let tables = backup::tables_in_archive(&archive);
            if !tables.is_empty() {
                let entry = hostfs::Entry::Archive(archive);
                backup::written(
                    world,
                    "tar",
                    path,
                    &entry,
                    &tables,
                    outcome.hot_copy.is_none(),
                );
            }
        }
    }
}

/// A file tool (or a `sh -c` script of them) as a container's main process: its output lines
/// (stderr?, text), its exit status, and the bytes it moved (which decide how long it runs).
pub fn run_for_process(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
    rec: &mut Record,
) -> (Vec<(bool, String)>, i32, u64) {
    let mut inner = Record::new(world.now_ms);
    world.shell.bytes_moved = 0;
    let result = run(world, id, argv, &mut inner).unwrap_or(Ok(()));
    let mut lines: Vec<(bool, String)> = inner
        .terminal
        .iter()
        .flat_map(|l| {
            let stderr = l.stream == crate::sim::record::Stream::Stderr;
            l.text
                .lines()
                .map(move |t| (stderr, t.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    rec.narration.extend(inner.narration);
    rec.touched.extend(inner.touched);
    let code = match result {
        Ok(()) if inner.error => 1,
        Ok(()) => 0,
        Err(e) => {
            lines.extend(e.message.lines().map(|l| (true, l.to_string())));
            e.exit_code
        }
    };
    (lines, code, std::mem::take(&mut world.shell.bytes_moved))
}

/// `cp [-a|-r] SRC… DEST` and `mv SRC… DEST` inside a container, through its mounts.
#[allow(clippy::too_many_arguments)]
fn copy_or_move(
    world: &mut World,
    id: &ContainerId,
    program: &str,
    typed: &[&String],
    resolved: &[String],
    flags: &str,
    gnu: bool,
    rec: &mut Record,
) -> Result<(), Failure> {
    use super::archiving::Tree;
    let (Some((dest_typed, sources)), Some(dest)) = (typed.split_last(), resolved.last()) else {
        return Err(fail(format!("{program}: missing file operand"), 1));
    };
    if sources.is_empty() {
        return Err(fail(
            format!("{program}: missing destination file operand after '{dest_typed}'"),
            1,
        ));
    }
    let recursive =
        program == "mv" || flags.contains('a') || flags.contains('r') || flags.contains('R');
    let mut tree = containerfs::InContainer {
        world,
        id: id.clone(),
        touched: Vec::new(),
    };
    let into_dir = tree.node(dest) == Some(Node::Dir);
    for (typed_source, source) in sources.iter().zip(resolved) {
        let Some(node) = tree.node(source) else {
            return Err(fail(
                if gnu {
                    format!("{program}: cannot stat '{typed_source}': No such file or directory")
                } else {
                    format!("{program}: can't stat '{typed_source}': No such file or directory")
                },
                1,
            ));
        };
        if node == Node::Dir && !recursive {
            return Err(fail(
                if gnu {
                    format!("cp: -r not specified; omitting directory '{typed_source}'")
                } else {
                    format!("cp: omitting directory '{typed_source}'")
                },
                1,
            ));
        }
        let name = source.rsplit('/').next().unwrap_or(source);
        let target = if into_dir {
            format!("{}/{name}", dest.trim_end_matches('/'))
        } else {
            dest.clone()
        };
        let children = if node == Node::Dir {
            tree.walk(source)
        } else {
            Vec::new()
        };
        tree.put(&target, node).map_err(|e| {
            fail(
                format!("{program}: cannot create '{dest_typed}': {}", e.strerror()),
                1,
            )
        })?;
        for (rel, child) in children {
            tree.put(&format!("{target}/{rel}"), child).map_err(|e| {
                fail(
                    format!("{program}: cannot create '{dest_typed}': {}", e.strerror()),
                    1,
                )
            })?;
        }
        if program == "mv" {
            let _ = tree.delete(source);
        }
    }
    let touched = std::mem::take(&mut tree.touched);
    for t in &touched {
        rec.touch(postgres::touched_key(t));
    }
    Ok(())
}

/// One `ls -l` line in coreutils' or BusyBox's layout. Owners and modes are not modelled (root,
/// 0644 and 0755); the time shown is the container's creation.
fn long_line(world: &World, id: &ContainerId, name: &str, node: &Node, gnu: bool) -> String {
    let (mode, size) = match node {
        Node::Dir => ("drwxr-xr-x", 4096),
        other => ("-rw-r--r--", other.size_bytes()),
    };
    let created = world.engine.containers[id].created_at;
    let stamp = crate::sim::files::date(created, Some("%b %e %H:%M"));
    let links = if *node == Node::Dir { 2 } else { 1 };
    if gnu {
        format!("{mode} {links} root root {size:>8} {stamp} {name}")
    } else {
        format!("{mode}    {links} root     root      {size:>8} {stamp} {name}")
    }
}

/// The container's shell expands `$(date)` and `$(date +FORMAT)` when the command runs (a backup
/// loop names each archive by its day); other command substitutions are not simulated.
fn expand_date(script: &str, now_ms: u64) -> String {
    let mut out = String::new();
    let mut rest = script;
    while let Some(start) = rest.find("$(date") {
        let Some(len) = rest[start..].find(')') else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + len];
        let format = inner
            .split_whitespace()
            .nth(1)
            .and_then(|f| f.trim_matches(|c| c == '\'' || c == '"').strip_prefix('+'));
        out.push_str(&crate::sim::files::date(now_ms, format));
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// `cat PATH` as a container's main process: its output lines (stderr?, text) and success.
pub fn cat_for_process(world: &World, id: &ContainerId, path: &str) -> (Vec<(bool, String)>, bool) {
    match containerfs::read(world, id, path) {
        Ok(text) => (text.lines().map(|l| (false, l.to_string())).collect(), true),
        Err(e) => {
            let line = if tools(world, id) == Tools::Gnu {
                format!("cat: {path}: {}", e.strerror())
            } else {
                format!("cat: can't open '{path}': {}", e.strerror())
            };
            (vec![(true, line)], false)
        }
    }
}

/// Takes `> file` / `>> file` out of the words.
fn redirection(words: &mut Vec<String>) -> Option<(String, bool)> {
    let i = words.iter().position(|w| w.starts_with('>'))?;
    let op = words.remove(i);
    let append = op.starts_with(">>");
    let inline = op.trim_start_matches('>').to_string();
    let path = if !inline.is_empty() {
        inline
    } else if i < words.len() {
        words.remove(i)
    } else {
        return None;
    };
    Some((path, append))
}

fn narrate_write(world: &World, id: &ContainerId, path: &str, t: &Touched, rec: &mut Record) {
    let name = world.engine.containers[id].name.clone();
    rec.touch(postgres::touched_key(t));
    let why = match t {
        Touched::Layer => {
            "copy-on-write: it lives only as long as the container; `docker rm` deletes it"
        }
        Touched::Volume(_) => "a volume outlives the container; `docker rm` keeps it",
        Touched::Bind(_) => "the file is on the host itself, visible outside Docker",
        Touched::Tmpfs(_) => "memory only: it is gone when the container stops",
    };
    rec.say(format!("{path} lands in {} ({why}).", t.describe(&name)));
}

/// Long because it is one arm per shell tool run inside a container (pwd, echo, cat, touch, mkdir,
/// rm, ls).
fn command(
    world: &mut World,
    id: &ContainerId,
    words: &[String],
    shell: &str,
    cwd: &mut String,
    rec: &mut Record,
) -> Result<(), Failure> {
    let mut words = words.to_vec();
    let redirect =
        redirection(&mut words).map(|(path, append)| (hostfs::normalise(cwd, &path), append));
    let gnu = tools(world, id) == Tools::Gnu;
    let Some(program) = words.first().cloned() else {
        return Ok(());
    };
    let program = program.rsplit('/').next().unwrap_or(&program).to_string();
    let args: Vec<String> = words[1..].to_vec();
    let typed: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    // Paths as the program opens them: relative to the shell's working folder.
    let resolved: Vec<String> = typed.iter().map(|p| hostfs::normalise(cwd, p)).collect();
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .flat_map(|a| a.chars().skip(1))
        .collect();
    // What the command writes to stdout, before any redirection.
    let mut output: Vec<String> = Vec::new();
    match program.as_str() {
        "echo" => output.push(args.join(" ")),
        "date" => {
            let format = args.iter().find_map(|a| a.strip_prefix('+'));
            output.push(crate::sim::files::date(world.now_ms, format));
        }
        "id" | "whoami" => {
            let config = &world.engine.containers[id].config;
            let user = super::users::User {
                uid: config.uid,
                gid: config.gid,
                name: config.user_name.clone(),
            };
            match (program.as_str(), &user.name) {
                ("id", _) => output.push(super::users::id_line(&user)),
                (_, Some(name)) => output.push(name.clone()),
                (_, None) => {
                    return Err(Failure {
                        text: format!("whoami: cannot find name for user ID {}", user.uid),
                        code: 1,
                    });
                }
            }
        }
        "sha256sum" => {
            use sha2::{Digest, Sha256};
            for (p, abs) in typed.iter().zip(&resolved) {
                let bytes = match containerfs::get(world, id, abs) {
                    Some(Node::File { content }) => content.into_bytes(),
                    Some(Node::Dir) => {
                        return Err(fail(format!("sha256sum: {p}: Is a directory"), 1));
                    }
                    Some(other) => format!("{:?}", other.to_entry()).into_bytes(),
                    None => {
                        return Err(fail(
                            if gnu {
                                format!("sha256sum: {p}: No such file or directory")
                            } else {
                                format!("sha256sum: can't open '{p}': No such file or directory")
                            },
                            1,
                        ));
                    }
                };
                let hex: String = Sha256::digest(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                output.push(format!("{hex}  {p}"));
            }
        }
        "cp" | "mv" => {
            copy_or_move(world, id, &program, &typed, &resolved, &flags, gnu, rec)?;
        }
        "cd" => {
            let target = hostfs::normalise(cwd, typed.first().map_or("/root", |p| p.as_str()));
            if !containerfs::is_dir(world, id, &target) {
                let dir = typed.first().map_or("/root", |p| p.as_str());
                return Err(fail(
                    if gnu {
                        format!("{shell}: cd: can't cd to {dir}")
                    } else {
                        format!("{shell}: cd: can't cd to {dir}: No such file or directory")
                    },
                    2,
                ));
            }
            *cwd = target;
        }
        "tar" | "gzip" | "gunzip" | "du" => {
            let now = crate::sim::time::civil(world.now_ms);
            let stamp = format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                now.0, now.1, now.2, now.3, now.4
            );
            let stdin = match world.shell.stdin.take() {
                Some(hostfs::Entry::Archive(a)) => Some(*a),
                _ => None,
            };
            let mut tree = containerfs::InContainer {
                world,
                id: id.clone(),
                touched: Vec::new(),
            };
            let outcome = match program.as_str() {
                "tar" => archiving::tar(&mut tree, cwd, &args, gnu, stdin.as_ref(), &stamp),
                "du" => archiving::du(&tree, cwd, &args, gnu),
                other => archiving::gzip(&mut tree, cwd, other, &args, gnu),
            };
            let touched = std::mem::take(&mut tree.touched);
            world.shell.bytes_moved += outcome.bytes_moved;
            for t in &touched {
                rec.touch(postgres::touched_key(t));
            }
            if let Some(t) = touched.first() {
                let name = world.engine.containers[id].name.clone();
                rec.say(format!(
                    "{program} wrote {} file(s) into {}.",
                    outcome.wrote.len(),
                    t.describe(&name)
                ));
            }
            record_backup(world, id, &program, &outcome);
            if let Some(what) = &outcome.hot_copy {
                rec.say(format!(
                    "tar copied a PostgreSQL data directory while its server was running. tar takes no atomic snapshot and the server keeps changes in memory and in the WAL, so the files were caught at different moments: {what}. The archive looks complete; it is not a usable backup. Stop the server first, or use pg_dump."
                ));
            }
            world.shell.stdout_archive = outcome.stdout_archive.clone();
            for line in &outcome.stderr {
                if outcome.code == 0 {
                    rec.err(line.clone());
                }
            }
            if outcome.code != 0 {
                return Err(fail(outcome.stderr.join("\n"), outcome.code));
            }
            output.extend(outcome.stdout);
        }
        "true" | ":" | "sleep" => {}
        "cat" => {
            for (p, abs) in typed.iter().zip(&resolved) {
                match containerfs::read(world, id, abs) {
                    Ok(text) => output.extend(text.lines().map(str::to_string)),
                    Err(e) => {
                        return Err(fail(
                            if gnu {
                                format!("cat: {p}: {}", e.strerror())
                            } else {
                                format!("cat: can't open '{p}': {}", e.strerror())
                            },
                            1,
                        ));
                    }
                }
            }
        }
        "ls" => {
            let targets: Vec<(String, String)> = if typed.is_empty() {
                vec![(cwd.clone(), cwd.clone())]
            } else {
                typed
                    .iter()
                    .zip(&resolved)
                    .map(|(p, abs)| (p.to_string(), abs.clone()))
                    .collect()
            };
            for (p, abs) in &targets {
                match containerfs::list(world, id, abs) {
                    Ok(children) => {
                        if targets.len() > 1 {
                            output.push(format!("{p}:"));
                        }
                        for (name, node) in children {
                            if name.starts_with('.') && !flags.contains('a') {
                                continue;
                            }
                            if flags.contains('l') {
                                output.push(long_line(world, id, &name, &node, gnu));
                            } else {
                                output.push(name);
                            }
                        }
                    }
                    Err(e) => {
                        return Err(fail(
                            if gnu {
                                format!("ls: cannot access '{p}': {}", e.strerror())
                            } else {
                                format!("ls: {p}: {}", e.strerror())
                            },
                            if gnu { 2 } else { 1 },
                        ));
                    }
                }
            }
        }
        "mkdir" => {
            for (p, abs) in typed.iter().zip(&resolved) {
                let t = containerfs::mkdir(world, id, abs, flags.contains('p')).map_err(|e| {
                    let why = if e == FsError::IsDir {
                        "File exists"
                    } else {
                        e.strerror()
                    };
                    fail(
                        if gnu {
                            format!("mkdir: cannot create directory '{p}': {why}")
                        } else {
                            format!("mkdir: can't create directory '{p}': {why}")
                        },
                        1,
                    )
                })?;
                narrate_write(world, id, p, &t, rec);
            }
        }
        "touch" => {
            for (p, abs) in typed.iter().zip(&resolved) {
                if containerfs::exists(world, id, abs) {
                    continue;
                }
                let t = containerfs::write(
                    world,
                    id,
                    abs,
                    Node::File {
                        content: String::new(),
                    },
                    false,
                    false,
                )
                .map_err(|e| {
                    fail(
                        if gnu {
                            format!("touch: cannot touch '{p}': {}", e.strerror())
                        } else {
                            format!("touch: {p}: {}", e.strerror())
                        },
                        1,
                    )
                })?;
                narrate_write(world, id, p, &t, rec);
            }
        }
        "rm" => {
            for (p, abs) in typed.iter().zip(&resolved) {
                let recursive = flags.contains('r') || flags.contains('R');
                match containerfs::remove(world, id, abs, recursive) {
                    Ok(t) => {
                        rec.touch(postgres::touched_key(&t));
                    }
                    Err(FsError::NotFound) if flags.contains('f') => {}
                    Err(e) => {
                        return Err(fail(
                            if gnu {
                                format!("rm: cannot remove '{p}': {}", e.strerror())
                            } else {
                                format!("rm: can't remove '{p}': {}", e.strerror())
                            },
                            1,
                        ));
                    }
                }
            }
        }
        other => {
            return Err(fail(format!("{shell}: {other}: not found"), 127));
        }
    }
    match redirect {
        None => {
            if !output.is_empty() {
                rec.out(output.join("\n"));
            }
            Ok(())
        }
        Some((path, append)) => {
            let mut content = output.join("\n");
            if !output.is_empty() {
                content.push('\n');
            }
            match containerfs::write(world, id, &path, Node::File { content }, append, false) {
                Ok(t) => {
                    narrate_write(world, id, &path, &t, rec);
                    Ok(())
                }
                Err(e) => {
                    let why = match e {
                        FsError::NotFound if gnu => "Directory nonexistent",
                        FsError::NotFound => "nonexistent directory",
                        other => other.strerror(),
                    };
                    Err(fail(
                        if gnu {
                            format!("{shell}: cannot create {path}: {why}")
                        } else {
                            format!("{shell}: can't create {path}: {why}")
                        },
                        2,
                    ))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_on_separators_outside_quotes() {
        assert_eq!(
            split_script("echo 'a; b' > /f; cat /f && ls"),
            vec!["echo 'a; b' > /f", "cat /f", "ls"]
        );
    }

    #[test]
    fn redirections_are_taken_out() {
        let mut w: Vec<String> = ["echo", "hi", ">>/data/f"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(redirection(&mut w), Some(("/data/f".to_string(), true)));
        assert_eq!(w, vec!["echo", "hi"]);
    }
}
