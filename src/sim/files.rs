//! File commands in the host's shell: `cat`, `echo`, `ls`, `rm`, `mkdir`, `pwd`, `touch`,
//! `chmod`, `cp`, `mv`, `date`, `sha256sum`.
//!
//! Enough of coreutils to write a Dockerfile (`cat > Dockerfile <<EOF`), a `.dockerignore` or a
//! config file, look at the project folder, copy and check backups (`cp -a`, `mv`,
//! `sha256sum`, `backup-$(date +%F).tar`), with coreutils' own error words. `sha256sum` is real
//! SHA-256 of a text file's bytes; a bulk folder's stand-in bytes are hashed instead. `date` is the
//! simulated clock, in UTC. Options beyond the everyday ones (`ls -la`, `rm -rf`, `mkdir -p`,
//! `cp -r`/`-a`) are not modelled.

use super::docker::error::DockerError;
use super::hostfs::Entry;
use super::record::Record;
use super::world::World;

/// Long because it is one arm per file tool at the host's shell (pwd, echo, cat, touch, mkdir, rm,
/// ls, …).
pub fn run(
    world: &mut World,
    words: &[String],
    stdin: Option<String>,
    redirect: Option<(String, bool)>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let program = words[0].as_str();
    let (flags, args): (Vec<&String>, Vec<&String>) = words[1..]
        .iter()
        .partition(|w| w.starts_with('-') && w.len() > 1 && program != "echo");
    let has = |c: char| flags.iter().any(|f| !f.starts_with("--") && f.contains(c));
    let fail = |message: String| DockerError::new(format!("{program}: {message}"), 1);
    if redirect.is_some() {
        // A full disk (src/sim/docker/disk/mod.rs): the write fails, in coreutils' or bash's words.
        let writer = if program == "echo" {
            "bash: echo"
        } else {
            program
        };
        super::docker::disk::refuse_file_write(world, writer)?;
    }
    match program {
        "pwd" => {
            rec.out(world.fs.cwd.clone());
            Ok(())
        }
        "echo" => {
            let newline = words.get(1).map(String::as_str) != Some("-n");
            let skip = if newline { 1 } else { 2 };
            let mut text = words.get(skip..).unwrap_or(&[]).join(" ");
            if newline {
                text.push('\n');
            }
            output(world, text, redirect, rec)
        }
        "cat" => {
            if args.is_empty() {
                return output(world, stdin.unwrap_or_default(), redirect, rec);
            }
            let mut text = String::new();
            for path in &args {
                text.push_str(world.fs.read(path).map_err(fail)?);
            }
            output(world, text, redirect, rec)
        }
        "touch" => {
            for path in &args {
                if world.fs.get(path).is_none() {
                    world
                        .fs
                        .write(path, "", false)
                        .map_err(|e| fail(format!("cannot touch {e}")))?;
                }
            }
            Ok(())
        }
        "cp" | "mv" => {
            let [sources @ .., dest] = args.as_slice() else {
                return Err(fail("missing file operand".to_string()));
            };
            if sources.is_empty() {
                return Err(fail(format!(
                    "missing destination file operand after '{dest}'"
                )));
            }
            let recursive = program == "mv" || has('r') || has('R') || has('a');
            let into_dir = matches!(world.fs.get(dest), Some(Entry::Dir));
            if sources.len() > 1 && !into_dir {
                return Err(fail(format!("target '{dest}' is not a directory")));
            }
            for source in sources {
                let Some(entry) = world.fs.get(source).cloned() else {
                    return Err(fail(format!(
                        "cannot stat '{source}': No such file or directory"
                    )));
                };
                if matches!(entry, Entry::Dir) && !recursive {
                    return Err(fail(format!(
                        "-r not specified; omitting directory '{source}'"
                    )));
                }
                let name = source
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or(source);
                let target = if into_dir {
                    format!("{}/{name}", dest.trim_end_matches('/'))
                } else {
                    dest.to_string()
                };
                let (from, to) = (world.fs.resolve(source), world.fs.resolve(&target));
                if to == from || to.starts_with(&format!("{from}/")) {
                    return Err(fail(format!(
                        "cannot copy a directory, '{source}', into itself, '{target}'"
                    )));
                }
                let parent = to
                    .rsplit_once('/')
                    .map_or("/", |(p, _)| if p.is_empty() { "/" } else { p });
                let parent_ok = matches!(world.fs.get(parent), Some(Entry::Dir));
                if !parent_ok {
                    return Err(fail(format!(
                        "cannot create regular file '{target}': No such file or directory"
                    )));
                }
                let mut copied: Vec<(String, Entry)> = vec![(to.clone(), entry.clone())];
                for (rel, e) in world.fs.walk(&from) {
                    copied.push((format!("{to}/{rel}"), e.clone()));
                }
                // `cp -a` and `mv` keep each file's mode; a plain `cp` makes new files with the
                // default one.
                let keep_modes = program == "mv" || has('a') || has('p');
                let modes: Vec<(String, u32)> = world
                    .fs
                    .modes
                    .iter()
                    .filter(|(p, _)| *p == &from || p.starts_with(&format!("{from}/")))
                    .map(|(p, m)| (format!("{to}{}", &p[from.len()..]), *m))
                    .collect();
                if program == "mv" {
                    world
                        .fs
                        .entries
                        .retain(|p, _| p != &from && !p.starts_with(&format!("{from}/")));
                    world
                        .fs
                        .modes
                        .retain(|p, _| p != &from && !p.starts_with(&format!("{from}/")));
                }
                world
                    .fs
                    .modes
                    .retain(|p, _| p != &to && !p.starts_with(&format!("{to}/")));
                for (path, e) in copied {
                    world.fs.entries.insert(path, e);
                }
                if keep_modes {
                    world.fs.modes.extend(modes);
                }
            }
            Ok(())
        }
        "date" => {
            let format = args.iter().find_map(|a| a.strip_prefix('+'));
            output(world, date(world.now_ms, format), redirect, rec)
        }
        "sha256sum" => {
            use sha2::{Digest, Sha256};
            if args.is_empty() {
                return Err(fail(
                    "dockyard: reading standard input is not simulated; name a file".to_string(),
                ));
            }
            let mut lines = Vec::new();
            let mut missing = Vec::new();
            for path in &args {
                let bytes = match world.fs.get(path) {
                    Some(Entry::File { content }) => content.clone().into_bytes(),
                    Some(Entry::Bulk {
                        size_bytes,
                        file_count,
                    }) => format!("bulk:{size_bytes}:{file_count}").into_bytes(),
                    // The archive's stand-in bytes: what it carries, so equal archives hash equal.
                    Some(Entry::Archive(archive)) => format!("{archive:?}").into_bytes(),
                    Some(Entry::Dir) => {
                        missing.push(format!("sha256sum: {path}: Is a directory"));
                        continue;
                    }
                    None => {
                        missing.push(format!("sha256sum: {path}: No such file or directory"));
                        continue;
                    }
                };
                let digest = Sha256::digest(&bytes);
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                lines.push(format!("{hex}  {path}"));
            }
            if !lines.is_empty() {
                output(world, lines.join("\n"), redirect.clone(), rec)?;
            }
            if missing.is_empty() {
                Ok(())
            } else {
                Err(DockerError::new(missing.join("\n"), 1))
            }
        }
        "crontab" => super::cron::crontab(world, &words[1..], stdin, rec),
        "chattr" => {
            let [flag, paths @ ..] = &words[1..] else {
                return Err(DockerError::new(
                    "Usage: chattr [-pRVf] [-+=aAcCdDeijPsStTuFx] [-v version] files...",
                    1,
                ));
            };
            let on = match flag.as_str() {
                "+a" => true,
                "-a" => false,
                other => {
                    return Err(DockerError::new(
                        format!(
                            "dockyard: chattr {other} is not simulated; +a and -a (append-only) are"
                        ),
                        1,
                    ));
                }
            };
            for path in paths {
                let abs = world.fs.resolve(path);
                if !world.fs.entries.contains_key(&abs) {
                    return Err(DockerError::new(
                        format!("chattr: No such file or directory while trying to stat {path}"),
                        1,
                    ));
                }
                if on {
                    world.fs.append_only.insert(abs);
                } else {
                    world.fs.append_only.remove(&abs);
                }
            }
            Ok(())
        }
        "cd" => {
            let target = args.first().map_or("/home/learner", |a| a.as_str());
            match world.fs.get(target) {
                Some(Entry::Dir) => {
                    world.fs.cwd = world.fs.resolve(target);
                    Ok(())
                }
                Some(_) => Err(DockerError::new(
                    format!("bash: cd: {target}: Not a directory"),
                    1,
                )),
                None => Err(DockerError::new(
                    format!("bash: cd: {target}: No such file or directory"),
                    1,
                )),
            }
        }
        "tar" | "gzip" | "gunzip" => {
            use super::docker::archiving;
            let (y, mo, d, h, mi, ..) = super::time::civil(world.now_ms);
            let stamp = format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}");
            let cwd = world.fs.cwd.clone();
            let args: Vec<String> = words[1..].to_vec();
            let mut tree = archiving::HostTree(&mut world.fs);
            let outcome = if program == "tar" {
                archiving::tar(&mut tree, &cwd, &args, true, None, &stamp)
            } else {
                archiving::gzip(&mut tree, &cwd, program, &args, true)
            };
            for path in &outcome.wrote {
                rec.touch(path.rsplit('/').next().unwrap_or("").to_string());
            }
            if outcome.code != 0 {
                for line in &outcome.stdout {
                    rec.out(line.clone());
                }
                return Err(DockerError::new(outcome.stderr.join("\n"), outcome.code));
            }
            for line in &outcome.stderr {
                rec.err(line.clone());
            }
            output(
                world,
                outcome.stdout.iter().map(|l| format!("{l}\n")).collect(),
                redirect,
                rec,
            )
        }
        "mount" if args.is_empty() && flags.is_empty() => {
            let mut lines = vec!["/dev/sda1 on / type ext4 (rw,relatime)".to_string()];
            for (point, m) in &world.fs.mounts {
                let mode = if m.read_only { "ro" } else { "rw" };
                lines.push(format!(
                    "{} on {point} type ext4 ({mode},relatime)",
                    m.device
                ));
            }
            output(
                world,
                lines.iter().map(|l| format!("{l}\n")).collect(),
                redirect,
                rec,
            )
        }
        "mount" => {
            // `mount [-o ro|rw] DEVICE DIR` (the options' value is a word of its own).
            let mut read_only = false;
            let mut rest = Vec::new();
            let mut words_iter = words[1..].iter();
            while let Some(w) = words_iter.next() {
                match w.as_str() {
                    "-o" => {
                        let options = words_iter.next().map(String::as_str).unwrap_or("");
                        read_only = options.split(',').any(|o| o == "ro");
                    }
                    "-r" | "--read-only" => read_only = true,
                    other => rest.push(other.to_string()),
                }
            }
            let [device, dir] = rest.as_slice() else {
                return Err(DockerError::new(
                    "dockyard: mount takes `mount [-o ro] /dev/sdb1 DIR` here (the host's second disk)",
                    1,
                ));
            };
            world
                .fs
                .mount(device, dir, read_only)
                .map_err(|e| DockerError::new(e, 32))?;
            rec.say(format!(
                "The second disk is mounted on {} {}: files written there are on another medium than the system disk, yet still reachable by anything on this host that can write {}.",
                world.fs.resolve(dir),
                if read_only { "read-only" } else { "read-write" },
                if read_only { "(nothing can, until it is remounted read-write)" } else { "there" }
            ));
            Ok(())
        }
        "umount" => {
            let [target] = args.as_slice() else {
                return Err(DockerError::new(
                    "umount: bad usage\nTry 'umount --help' for more information.",
                    1,
                ));
            };
            world
                .fs
                .umount(target)
                .map_err(|e| DockerError::new(e, 32))?;
            rec.say("The second disk is detached: its files stay on it, out of reach of this host's programs until it is mounted again.");
            Ok(())
        }
        "chmod" => {
            let [mode, paths @ ..] = args.as_slice() else {
                return Err(fail("missing operand".to_string()));
            };
            let Ok(bits) = u32::from_str_radix(mode, 8) else {
                return Err(fail(format!(
                    "invalid mode: '{mode}' (dockyard simulates octal modes only)"
                )));
            };
            if paths.is_empty() {
                return Err(fail(format!("missing operand after '{mode}'")));
            }
            for path in paths {
                if world.fs.get(path).is_none() {
                    return Err(fail(format!(
                        "cannot access '{path}': No such file or directory"
                    )));
                }
                let abs = world.fs.resolve(path);
                world.fs.modes.insert(abs, bits & 0o7777);
            }
            Ok(())
        }
        "mkdir" => {
            if args.is_empty() {
                return Err(fail("missing operand".to_string()));
            }
            for path in &args {
                world.fs.mkdir(path, has('p')).map_err(fail)?;
            }
            rec.say("The project folder changed: the next `docker build .` sends it as the build context.");
            Ok(())
        }
        "rm" => {
            if args.is_empty() {
                return Err(fail("missing operand".to_string()));
            }
            for path in &args {
                match world.fs.remove(path, has('r') || has('R')) {
                    Ok(()) => {}
                    Err(_) if has('f') && world.fs.get(path).is_none() => {}
                    Err(e) => return Err(fail(e)),
                }
            }
            Ok(())
        }
        "ls" => {
            let all = has('a');
            let long = has('l');
            let targets: Vec<String> = if args.is_empty() {
                vec![".".to_string()]
            } else {
                args.iter().map(|a| a.to_string()).collect()
            };
            let mut lines = Vec::new();
            for target in &targets {
                let entries = world.fs.list(target).map_err(fail)?;
                let shown: Vec<(String, &Entry)> = entries
                    .into_iter()
                    .filter(|(n, _)| all || !n.starts_with('.'))
                    .collect();
                if long {
                    lines.push(format!(
                        "total {}",
                        shown
                            .iter()
                            .map(|(_, e)| e.size_bytes().div_ceil(1024))
                            .sum::<u64>()
                    ));
                    for (name, entry) in &shown {
                        let path = if target == "." {
                            name.clone()
                        } else {
                            format!("{}/{name}", target.trim_end_matches('/'))
                        };
                        let mode = world.fs.mode(&path).unwrap_or(0o644);
                        let kind = mode_string(matches!(entry, Entry::Dir), mode);
                        // A folder's own size is its 4 KiB directory block.
                        let size = match entry {
                            Entry::Dir | Entry::Bulk { .. } => 4096,
                            other => other.size_bytes(),
                        };
                        let owner = super::docker::users::host_owner(
                            world.fs.owner(&world.fs.resolve(&path)),
                        );
                        lines.push(format!(
                            "{kind} 1 {owner} {owner} {size:>6} Jan  5 09:00 {name}"
                        ));
                    }
                } else if !shown.is_empty() {
                    lines.push(
                        shown
                            .iter()
                            .map(|(n, _)| n.as_str())
                            .collect::<Vec<_>>()
                            .join("  "),
                    );
                }
            }
            if !lines.is_empty() {
                rec.out(lines.join("\n"));
            }
            Ok(())
        }
        other => Err(DockerError::new(
            format!("bash: {other}: command not found"),
            127,
        )),
    }
}

/// Prints `text`, or writes it where `>`/`>>` said.
fn output(
    world: &mut World,
    text: String,
    redirect: Option<(String, bool)>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    match redirect {
        None => {
            let trimmed = text.strip_suffix('\n').unwrap_or(&text);
            if !trimmed.is_empty() || !text.is_empty() {
                rec.out(trimmed.to_string());
            }
            Ok(())
        }
        Some((path, append)) => {
            world
                .fs
                .write(&path, &text, append)
                .map_err(|e| DockerError::new(format!("bash: {e}"), 1))?;
            let name = world.fs.resolve(&path);
            rec.touch(name.rsplit('/').next().unwrap_or("").to_string());
            rec.say(format!(
                "{} {} in the project folder ({} bytes).",
                if append { "Appended to" } else { "Wrote" },
                path,
                world.fs.get(&path).map(|e| e.size_bytes()).unwrap_or(0)
            ));
            Ok(())
        }
    }
}

/// `ls -l`'s permission column: `-rw-r--r--`.
fn mode_string(dir: bool, mode: u32) -> String {
    let mut out = String::from(if dir { "d" } else { "-" });
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 7;
        out.push(if bits & 4 != 0 { 'r' } else { '-' });
        out.push(if bits & 2 != 0 { 'w' } else { '-' });
        out.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    out
}

/// GNU `date` in the C locale and UTC: `Mon Jan  5 09:00:12 UTC 2026`, or `+FORMAT` with the
/// usual conversions (`%F %T %Y %m %d %H %M %S %s %a %b %e %%`).
pub(crate) fn date(at_ms: u64, format: Option<&str>) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s, _) = super::time::civil(at_ms);
    let unix = super::time::unix_seconds(at_ms);
    // 1970-01-01 was a Thursday.
    let weekday = DAYS[((unix / 86_400) % 7) as usize];
    let month = MONTHS[(mo as usize).saturating_sub(1) % 12];
    let Some(format) = format else {
        return format!("{weekday} {month} {d:>2} {h:02}:{mi:02}:{s:02} UTC {y}");
    };
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('F') => out.push_str(&format!("{y:04}-{mo:02}-{d:02}")),
            Some('T') => out.push_str(&format!("{h:02}:{mi:02}:{s:02}")),
            Some('Y') => out.push_str(&format!("{y:04}")),
            Some('m') => out.push_str(&format!("{mo:02}")),
            Some('d') => out.push_str(&format!("{d:02}")),
            Some('e') => out.push_str(&format!("{d:>2}")),
            Some('H') => out.push_str(&format!("{h:02}")),
            Some('M') => out.push_str(&format!("{mi:02}")),
            Some('S') => out.push_str(&format!("{s:02}")),
            Some('s') => out.push_str(&unix.to_string()),
            Some('a') => out.push_str(weekday),
            Some('b') => out.push_str(month),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}
