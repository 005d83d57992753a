//! File commands in the host's shell: `cat`, `echo`, `ls`, `rm`, `mkdir`, `pwd`, `touch`.
//!
//! Enough of coreutils to write a Dockerfile (`cat > Dockerfile <<EOF`), a `.dockerignore` or a
//! config file, and look at the project folder, with coreutils' own error words. Options beyond
//! the everyday ones (`ls -la`, `rm -rf`, `mkdir -p`) are refused with a message saying so.

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
                        let size = match entry {
                            Entry::File { content } => content.len() as u64,
                            _ => 4096,
                        };
                        lines.push(format!(
                            "{kind} 1 learner learner {size:>6} Jan  5 09:00 {name}"
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
