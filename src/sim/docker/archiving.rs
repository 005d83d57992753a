//! `tar`, `gzip`/`gunzip` and `du`: the tools every backup recipe is made of, written once for the
//! host's shell and for programs inside containers.
//!
//! Real tools: GNU tar 1.34 (Debian, Ubuntu) and BusyBox tar (Alpine, busybox). `tar czf
//! /backup/db.tar.gz -C /data .` packs a folder into members named `./`, `./base/5/16384`;
//! `tar cvf /backup/backup.tar /dbdata` strips the leading `/` (saying so on stderr) and stores
//! `dbdata/…`; `tar x` restores them, `--strip-components N` dropping the first N name parts;
//! `tar t` lists them. GNU tar reads a compressed archive without `z` (it detects gzip).
//! `gzip F` replaces F with F.gz; `gunzip` undoes it. `du -sh` sums what a folder holds.
//!
//! What we model: archives carry the files they packed (src/sim/hostfs.rs `Archive`), so a
//! restore brings back exactly what was packed and nothing else; their size follows tar's block
//! layout and a simplified gzip ratio; the tools' messages, exit codes (tar's 2 for a fatal error)
//! and listings in GNU's and BusyBox's words; the time a tool takes scales with the bytes it
//! moves ([`DISK_BYTES_PER_S`]). What we simplify: owners and modes are not stored (members list
//! as root, 0644/0755), member times are the moment of packing, `--exclude` matches whole names,
//! and `-C` applies to every operand.

use std::collections::BTreeMap;

use super::super::hostfs::{self, Archive, ArchiveFormat, Entry, HostFs};
use super::containerfs::model::{FsError, Node};

/// How fast a backup tool reads and writes: a plain SATA SSD's sequential rate, 200 MB/s.
pub const DISK_BYTES_PER_S: u64 = 200_000_000;

/// The milliseconds a tool moving `bytes` takes (at least one).
pub fn duration_ms(bytes: u64) -> u64 {
    (bytes * 1000 / DISK_BYTES_PER_S).max(1)
}

/// A filesystem a tool works on: the host's project folder or a container's view.
pub trait Tree {
    /// The node at an absolute path.
    fn node(&self, path: &str) -> Option<Node>;
    /// Everything below a folder, as paths relative to it, sorted.
    fn walk(&self, dir: &str) -> Vec<(String, Node)>;
    /// Writes a node at an absolute path, creating missing parent folders.
    fn put(&mut self, path: &str, node: Node) -> Result<(), FsError>;
    /// Removes a file or a folder with everything in it.
    fn delete(&mut self, path: &str) -> Result<(), FsError>;
    /// Is a running PostgreSQL server writing a data directory at or below `path`? Its place
    /// relative to `path` (`""` when it is `path`), and a random draw that decides what the copy
    /// catches mid-write.
    fn live_database(&mut self, _path: &str) -> Option<(String, u64)> {
        None
    }
    /// Is a running Redis rewriting its AOF in a folder at or below `path`? The folder's place
    /// relative to `path`, the manifest the rewrite's end writes, and a random draw that decides
    /// whether the copy reads the manifest after that end.
    fn live_aof_rewrite(&mut self, _path: &str) -> Option<(String, String, u64)> {
        None
    }
}

/// The host's files as a [`Tree`].
pub struct HostTree<'a>(pub &'a mut HostFs);

impl Tree for HostTree<'_> {
    fn node(&self, path: &str) -> Option<Node> {
        self.0.entries.get(path).map(Node::from_entry)
    }

    fn walk(&self, dir: &str) -> Vec<(String, Node)> {
        self.0
            .walk(dir)
            .into_iter()
            .map(|(rel, e)| (rel, Node::from_entry(e)))
            .collect()
    }

    fn put(&mut self, path: &str, node: Node) -> Result<(), FsError> {
        let parent = path.rsplit_once('/').map_or("/", |(p, _)| p);
        let parent = if parent.is_empty() { "/" } else { parent };
        if self.0.read_only(path) {
            return Err(FsError::ReadOnly);
        }
        match self.0.entries.get(parent) {
            Some(Entry::Dir) => {}
            Some(_) => return Err(FsError::NotDir),
            None => self.0.mkdir(parent, true).map_err(|_| FsError::NotFound)?,
        }
        if node != Node::Dir || !matches!(self.0.entries.get(path), Some(Entry::Dir)) {
            if matches!(self.0.entries.get(path), Some(Entry::Dir)) {
                return Err(FsError::IsDir);
            }
            self.0.entries.insert(path.to_string(), node.to_entry());
        }
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<(), FsError> {
        if self.0.read_only(path) {
            return Err(FsError::ReadOnly);
        }
        self.0.remove(path, true).map_err(|_| FsError::NotFound)
    }
}

/// What a tool did: its output, its exit status, and the bytes it read and wrote.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Outcome {
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
    pub code: i32,
    pub bytes_moved: u64,
    /// Files it wrote (absolute paths), for the narration.
    pub wrote: Vec<String>,
    /// An archive written to standard output (`tar czf - …`), for the caller's redirection.
    pub stdout_archive: Option<Archive>,
    /// What a copy of a live database caught mid-write, in words, for the narration.
    pub hot_copy: Option<String>,
    /// The archive `tar x` unpacked, to recognise a backup being restored.
    pub extracted: Option<Archive>,
}

impl Outcome {
    fn failed(code: i32, lines: Vec<String>) -> Outcome {
        Outcome {
            stderr: lines,
            code,
            ..Outcome::default()
        }
    }
}

/// The options of one `tar` command line.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
struct TarArgs {
    mode: Option<char>,
    verbose: bool,
    gzip: bool,
    file: Option<String>,
    directory: Option<String>,
    strip: usize,
    excludes: Vec<String>,
    operands: Vec<String>,
}

fn tar_usage(gnu: bool, message: &str) -> Outcome {
    if gnu {
        Outcome::failed(
            2,
            vec![
                format!("tar: {message}"),
                "Try 'tar --help' or 'tar --usage' for more information.".to_string(),
            ],
        )
    } else {
        Outcome::failed(1, vec![format!("tar: {message}")])
    }
}

fn usage_err(gnu: bool, message: &str) -> Box<Outcome> {
    Box::new(tar_usage(gnu, message))
}

/// Long because it is tar's three option syntaxes (old-style `czf`, bundled `-czf`, long
/// `--file=`) with the options that take an argument in each.
fn parse_tar(args: &[String], gnu: bool) -> Result<TarArgs, Box<Outcome>> {
    let mut t = TarArgs::default();
    let mut pending: Vec<char> = Vec::new();
    let letters = |t: &mut TarArgs,
                   bundle: &str,
                   pending: &mut Vec<char>|
     -> Result<Option<String>, Box<Outcome>> {
        let chars: Vec<char> = bundle.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            match c {
                'c' | 'x' | 't' => {
                    if t.mode.is_some_and(|m| m != *c) {
                        return Err(usage_err(
                            gnu,
                            "You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option",
                        ));
                    }
                    t.mode = Some(*c);
                }
                'v' => t.verbose = true,
                'z' => t.gzip = true,
                'p' | 'o' => {}
                'f' | 'C' => {
                    let rest: String = chars[i + 1..].iter().collect();
                    if !rest.is_empty() {
                        // `-fNAME`: the rest of the bundle is the argument.
                        return Ok(Some(format!("{c}{rest}")));
                    }
                    pending.push(*c);
                }
                other => {
                    return Err(usage_err(gnu, &format!("invalid option -- '{other}'")));
                }
            }
        }
        Ok(None)
    };
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if let Some(c) = pending.first().copied() {
            pending.remove(0);
            match c {
                'f' => t.file = Some(arg.clone()),
                _ => t.directory = Some(arg.clone()),
            }
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let take = |i: &mut usize| -> Result<String, Box<Outcome>> {
                if let Some(v) = value.clone() {
                    return Ok(v);
                }
                let v = args.get(*i).cloned().ok_or_else(|| {
                    usage_err(gnu, &format!("option '--{name}' requires an argument"))
                })?;
                *i += 1;
                Ok(v)
            };
            match name {
                "create" => t.mode = Some('c'),
                "extract" | "get" => t.mode = Some('x'),
                "list" => t.mode = Some('t'),
                "verbose" => t.verbose = true,
                "gzip" | "gunzip" | "ungzip" => t.gzip = true,
                "file" => t.file = Some(take(&mut i)?),
                "directory" => t.directory = Some(take(&mut i)?),
                "exclude" => t.excludes.push(take(&mut i)?),
                "preserve-permissions"
                | "same-permissions"
                | "same-owner"
                | "numeric-owner"
                | "no-same-owner" => {}
                // GNU tar takes any unambiguous abbreviation: `--strip 1` is the Docker docs'.
                n if n.len() >= 5 && "strip-components".starts_with(n) => {
                    let v = take(&mut i)?;
                    t.strip = v
                        .parse()
                        .map_err(|_| usage_err(gnu, &format!("{v}: Invalid number of elements")))?;
                }
                other => {
                    return Err(usage_err(gnu, &format!("unrecognized option '--{other}'")));
                }
            }
            continue;
        }
        let bundle = if let Some(b) = arg.strip_prefix('-').filter(|b| !b.is_empty()) {
            Some(b)
        } else if i == 1 && !arg.is_empty() && arg.chars().all(|c| "cxtvzfpCo".contains(c)) {
            // The old style: the first word is a bundle of letters without a dash.
            Some(arg.as_str())
        } else {
            None
        };
        match bundle {
            Some(b) => {
                if let Some(attached) = letters(&mut t, b, &mut pending)? {
                    let (c, value) = attached.split_at(1);
                    if c == "f" {
                        t.file = Some(value.to_string());
                    } else {
                        t.directory = Some(value.to_string());
                    }
                }
            }
            None => t.operands.push(arg.clone()),
        }
    }
    if let Some(c) = pending.first() {
        return Err(usage_err(
            gnu,
            &format!("option requires an argument -- '{c}'"),
        ));
    }
    if t.mode.is_none() {
        return Err(usage_err(
            gnu,
            "You must specify one of the '-Acdtrux', '--delete' or '--test-label' options",
        ));
    }
    Ok(t)
}

/// The name tar stores for an operand: no leading `/`, no trailing `/`, `.` for the folder.
fn member_name(operand: &str) -> String {
    let trimmed = operand.trim_start_matches('/').trim_end_matches('/');
    if trimmed.is_empty() {
        ".".to_string()
    } else {
        trimmed.to_string()
    }
}

/// A member's name as tar prints it: folders end in `/`.
fn shown(name: &str, entry: &Entry) -> String {
    if matches!(entry, Entry::Dir) {
        format!("{name}/")
    } else {
        name.to_string()
    }
}

/// Runs `tar` with `args` (the words after `tar`) in `cwd` on `tree`. `stdin` is an archive
/// piped in for `-f -`; `now` is the packing time for listings (`YYYY-MM-DD HH:MM`).
/// Long because it is tar's three modes, each with GNU's and BusyBox's messages.
pub fn tar(
    tree: &mut dyn Tree,
    cwd: &str,
    args: &[String],
    gnu: bool,
    stdin: Option<&Archive>,
    now: &str,
) -> Outcome {
    let t = match parse_tar(args, gnu) {
        Ok(t) => t,
        Err(out) => return *out,
    };
    let base = hostfs::normalise(cwd, t.directory.as_deref().unwrap_or("."));
    let fatal = |message: String| {
        let mut lines = vec![format!("tar: {message}")];
        if gnu {
            lines.push("tar: Error is not recoverable: exiting now".to_string());
        }
        Outcome::failed(if gnu { 2 } else { 1 }, lines)
    };
    let Some(file) = t.file.clone() else {
        return fatal(if t.mode == Some('c') {
            "Refusing to write archive contents to terminal (missing -f option?)".to_string()
        } else {
            "Refusing to read archive contents from terminal (missing -f option?)".to_string()
        });
    };
    let archive_path = hostfs::normalise(cwd, &file);
    if t.mode == Some('c') {
        return create(tree, &t, &base, &file, &archive_path, gnu);
    }
    // Reading: `-f -` is standard input; GNU and BusyBox both detect gzip by its magic bytes.
    let archive = if file == "-" {
        match stdin {
            Some(a) => a.clone(),
            None => return fatal("This does not look like a tar archive".to_string()),
        }
    } else {
        match tree.node(&archive_path) {
            Some(Node::Archive(a)) => *a,
            Some(Node::Dir) => {
                return fatal(format!("{file}: Cannot read: Is a directory"));
            }
            Some(_) => {
                return Outcome::failed(
                    if gnu { 2 } else { 1 },
                    if gnu {
                        vec![
                            "tar: This does not look like a tar archive".to_string(),
                            "tar: Exiting with failure status due to previous errors".to_string(),
                        ]
                    } else {
                        vec!["tar: invalid tar magic".to_string()]
                    },
                );
            }
            None => {
                return fatal(if gnu {
                    format!("{file}: Cannot open: No such file or directory")
                } else {
                    format!("can't open '{file}': No such file or directory")
                });
            }
        }
    };
    if !matches!(archive.format, ArchiveFormat::Tar | ArchiveFormat::TarGz) {
        return Outcome::failed(
            2,
            vec![
                "tar: This does not look like a tar archive".to_string(),
                "tar: Exiting with failure status due to previous errors".to_string(),
            ],
        );
    }
    let selected = |name: &str| {
        t.operands.is_empty()
            || t.operands.iter().any(|o| {
                let o = member_name(o);
                name == o || name.starts_with(&format!("{o}/"))
            })
    };
    let mut out = Outcome {
        bytes_moved: archive.size_bytes(),
        ..Outcome::default()
    };
    if t.mode == Some('t') {
        for (name, entry) in archive.members.iter().filter(|(n, _)| selected(n)) {
            out.stdout.push(if t.verbose {
                let mode = if matches!(entry, Entry::Dir) {
                    "drwxr-xr-x"
                } else {
                    "-rw-r--r--"
                };
                let size = if matches!(entry, Entry::Dir) {
                    0
                } else {
                    entry.size_bytes()
                };
                if gnu {
                    format!("{mode} root/root {size:>9} {now} {}", shown(name, entry))
                } else {
                    format!("{mode} 0/0 {size:>9} {now}:00 {}", shown(name, entry))
                }
            } else {
                shown(name, entry)
            });
        }
        return out;
    }
    // Extract: each member at its name under the target folder, minus `--strip-components`.
    out.extracted = Some(archive.clone());
    for (name, entry) in archive.members.iter().filter(|(n, _)| selected(n)) {
        let parts: Vec<&str> = name
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        if parts.len() <= t.strip {
            continue;
        }
        let rel = parts[t.strip..].join("/");
        let path = hostfs::normalise(&base, &rel);
        if t.verbose {
            out.stdout.push(shown(name, entry));
        }
        let node = Node::from_entry(entry);
        if let Err(e) = tree.put(&path, node) {
            out.stderr.push(if gnu {
                format!("tar: {rel}: Cannot open: {}", e.strerror())
            } else {
                format!("tar: can't open '{rel}': {}", e.strerror())
            });
            out.code = if gnu { 2 } else { 1 };
            continue;
        }
        if !matches!(entry, Entry::Dir) {
            out.wrote.push(path);
        }
    }
    if out.code != 0 && gnu {
        out.stderr
            .push("tar: Exiting with failure status due to previous errors".to_string());
    }
    out
}

/// `tar c`: packs each operand (under `-C`'s folder) into a new archive.
/// Long because it is the operands' walk, the leading-slash rule, the exclusions, the archive
/// not packing itself, and the archive's destination (a file or standard output).
fn create(
    tree: &mut dyn Tree,
    t: &TarArgs,
    base: &str,
    file: &str,
    archive_path: &str,
    gnu: bool,
) -> Outcome {
    if t.operands.is_empty() {
        return tar_usage(gnu, "Cowardly refusing to create an empty archive");
    }
    let mut out = Outcome::default();
    let mut members: BTreeMap<String, Entry> = BTreeMap::new();
    let mut warned_slash = false;
    let mut failed = false;
    for operand in &t.operands {
        let path = hostfs::normalise(base, operand);
        let name = member_name(operand);
        if operand.starts_with('/') && !warned_slash {
            warned_slash = true;
            out.stderr.push(if gnu {
                "tar: Removing leading `/' from member names".to_string()
            } else {
                "tar: removing leading '/' from member names".to_string()
            });
        }
        let Some(node) = tree.node(&path) else {
            failed = true;
            out.stderr.push(if gnu {
                format!("tar: {operand}: Cannot stat: No such file or directory")
            } else {
                format!("tar: {operand}: No such file or directory")
            });
            continue;
        };
        // What -v prints is the name as given, folders with a trailing `/`.
        let printed = operand.trim_end_matches('/');
        let printed = if printed.is_empty() { "." } else { printed };
        let mut add = |member: String, shown_as: String, node: &Node, out: &mut Outcome| {
            if t.excludes
                .iter()
                .any(|x| member.rsplit('/').next() == Some(x.as_str()))
            {
                return;
            }
            let entry = node.to_entry();
            if t.verbose {
                out.stdout.push(shown(&shown_as, &entry));
            }
            members.insert(member, entry);
        };
        add(name.clone(), printed.to_string(), &node, &mut out);
        if node == Node::Dir {
            for (rel, child) in tree.walk(&path) {
                let child_path = hostfs::normalise(&path, &rel);
                if child_path == archive_path {
                    // GNU tar does not pack the archive it is writing.
                    if gnu {
                        out.stderr.push(format!(
                            "tar: {printed}/{rel}: file is the archive; not dumped"
                        ));
                    }
                    continue;
                }
                if t.excludes
                    .iter()
                    .any(|x| rel.split('/').any(|part| part == x))
                {
                    continue;
                }
                add(
                    format!("{name}/{rel}"),
                    format!("{printed}/{rel}"),
                    &child,
                    &mut out,
                );
            }
        }
    }
    for operand in &t.operands {
        let path = hostfs::normalise(base, operand);
        if let Some((rel, draw)) = tree.live_database(&path) {
            let prefix = match (member_name(operand).as_str(), rel.as_str()) {
                (name, "") => name.to_string(),
                (name, rel) => format!("{name}/{rel}"),
            };
            out.hot_copy = Some(tear(&mut members, &prefix, draw));
        }
        if let Some((rel, manifest, draw)) = tree.live_aof_rewrite(&path) {
            let prefix = match (member_name(operand).as_str(), rel.as_str()) {
                (name, "") => name.to_string(),
                (name, rel) => format!("{name}/{rel}"),
            };
            out.hot_copy = Some(across_rewrite(&mut members, &prefix, manifest, draw));
        }
    }
    let archive = Archive {
        format: if t.gzip {
            ArchiveFormat::TarGz
        } else {
            ArchiveFormat::Tar
        },
        members,
    };
    let read_bytes: u64 = archive.members.values().map(Entry::size_bytes).sum();
    out.bytes_moved = read_bytes + archive.size_bytes();
    if file == "-" {
        // `tar czf - …`: the archive goes to standard output, for the caller's redirection.
        out.stdout.clear();
        out.stdout_archive = Some(archive);
    } else if let Err(e) = tree.put(archive_path, Node::Archive(Box::new(archive))) {
        let mut lines = vec![if gnu {
            format!("tar: {file}: Cannot open: {}", e.strerror())
        } else {
            format!("tar: can't open '{file}': {}", e.strerror())
        }];
        if gnu {
            lines.push("tar: Error is not recoverable: exiting now".to_string());
        }
        out.stderr.extend(lines);
        out.code = if gnu { 2 } else { 1 };
        return out;
    } else {
        out.wrote.push(archive_path.to_string());
    }
    if failed {
        if gnu {
            out.stderr
                .push("tar: Exiting with failure status due to previous errors".to_string());
        }
        out.code = if gnu { 2 } else { 1 };
    }
    out
}

/// What a file copy of a Redis AOF folder holds when a rewrite ends while it runs (redis.io
/// "Redis persistence", backing up AOF: "make sure no rewrite is in progress"): the files were
/// listed before the end, the manifest read after it (by `draw`), so the manifest names a base
/// file the copy does not have. Otherwise the copy is the folder as it was, which loads.
fn across_rewrite(
    members: &mut BTreeMap<String, Entry>,
    aof_dir: &str,
    manifest: String,
    draw: u64,
) -> String {
    let key = format!("{aof_dir}/appendonly.aof.manifest");
    if draw.is_multiple_of(2) || !members.contains_key(&key) {
        return "a Redis AOF rewrite was in progress, but the copy read the whole folder before it ended: it loads".to_string();
    }
    members.insert(key, Entry::File { content: manifest });
    "a Redis AOF rewrite ended while the copy ran: its manifest names the new base file, which the copy does not hold".to_string()
}

/// What a file copy of a running PostgreSQL data directory holds (PostgreSQL docs, "File System
/// Level Backup": tar takes no atomic snapshot, and the server buffers writes). The lock file is
/// in it, so a server started on the copy runs crash recovery; and the files were read at
/// different moments, so one table (chosen by `draw`) is behind or cut short: its newest rows are
/// missing, or its first page is torn and cannot be read. Returns what happened, in words.
pub(crate) fn tear(members: &mut BTreeMap<String, Entry>, data_dir: &str, draw: u64) -> String {
    let heap_prefix = format!("{data_dir}/base/5/");
    let tables: Vec<String> = members
        .iter()
        .filter(|(name, entry)| {
            name.starts_with(&heap_prefix)
                && matches!(entry, Entry::File { content } if content.starts_with("relation "))
        })
        .map(|(name, _)| name.clone())
        .collect();
    let Some(victim) = tables
        .get((draw % tables.len().max(1) as u64) as usize)
        .cloned()
    else {
        return "the copy holds the server's lock file (postmaster.pid) as if it had crashed; no table had changes in flight".to_string();
    };
    let Some(Entry::File { content }) = members.get_mut(&victim) else {
        return String::new();
    };
    let mut lines: Vec<String> = content.lines().map(str::to_string).collect();
    let table = lines[0].trim_start_matches("relation ").to_string();
    let rows = lines.len().saturating_sub(2);
    if (draw / tables.len() as u64).is_multiple_of(2) && rows > 0 {
        // The file was read before the server flushed its newest rows (they were in the WAL
        // segment, which was copied earlier).
        let lost = rows.div_ceil(3);
        lines.truncate(lines.len() - lost);
        *content = lines.iter().map(|l| format!("{l}\n")).collect();
        format!("table {table}'s file was copied before its newest {lost} row(s) reached it")
    } else {
        // The copy caught the file while the server was rewriting its first page.
        *content = format!(
            "torn relation {table} 4096\n{}\n",
            lines.get(1).cloned().unwrap_or_default()
        );
        format!(
            "table {table}'s file was copied halfway through a page write: only 4096 of its 8192 bytes are consistent"
        )
    }
}

/// `gzip [-k] [-d] [-c] FILE…` and `gunzip FILE.gz…`: compress a file into `FILE.gz` (the original
/// is removed unless `-k`), or back.
/// Long because it is both directions, each with gzip's refusals (a folder, a suffix already
/// there or missing, data not in gzip format).
pub fn gzip(tree: &mut dyn Tree, cwd: &str, program: &str, args: &[String], gnu: bool) -> Outcome {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .flat_map(|a| a.chars().skip(1))
        .collect();
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let decompress = program == "gunzip" || flags.contains('d');
    let keep = flags.contains('k');
    let mut out = Outcome::default();
    if files.is_empty() {
        return Outcome::failed(
            1,
            vec![format!(
                "{program}: compressed data not {} to a terminal. Use -f to force {}compression.",
                if decompress { "read from" } else { "written" },
                if decompress { "de" } else { "" }
            )],
        );
    }
    for file in files {
        let path = hostfs::normalise(cwd, file);
        let fail = |why: &str| {
            if gnu {
                format!("{program}: {file}: {why}")
            } else {
                format!("{program}: can't open '{file}': {why}")
            }
        };
        let Some(node) = tree.node(&path) else {
            out.stderr.push(fail("No such file or directory"));
            out.code = 1;
            continue;
        };
        if decompress {
            let Some(stem) = path
                .strip_suffix(".gz")
                .or_else(|| path.strip_suffix(".tgz"))
            else {
                out.stderr
                    .push(format!("{program}: {file}: unknown suffix -- ignored"));
                out.code = 2;
                continue;
            };
            let target = if path.ends_with(".tgz") {
                format!("{stem}.tar")
            } else {
                stem.to_string()
            };
            let inner = match node {
                Node::Archive(a) if a.format == ArchiveFormat::Gzip => a
                    .members
                    .values()
                    .next()
                    .map(Node::from_entry)
                    .unwrap_or(Node::Dir),
                Node::Archive(a) if a.format == ArchiveFormat::TarGz => {
                    Node::Archive(Box::new(Archive {
                        format: ArchiveFormat::Tar,
                        members: a.members,
                    }))
                }
                _ => {
                    out.stderr.push(if gnu {
                        format!("{program}: {file}: not in gzip format")
                    } else {
                        format!("{program}: invalid magic")
                    });
                    out.code = 1;
                    continue;
                }
            };
            out.bytes_moved += inner.size_bytes();
            if let Err(e) = tree.put(&target, inner) {
                out.stderr.push(fail(e.strerror()));
                out.code = 1;
                continue;
            }
            out.wrote.push(target);
        } else {
            if node == Node::Dir {
                out.stderr
                    .push(format!("{program}: {file} is a directory -- ignored"));
                out.code = 2;
                continue;
            }
            if path.ends_with(".gz") {
                out.stderr.push(format!(
                    "{program}: {file} already has .gz suffix -- unchanged"
                ));
                out.code = 2;
                continue;
            }
            let name = path.rsplit('/').next().unwrap_or(&path).to_string();
            let packed = match node {
                Node::Archive(a) if a.format == ArchiveFormat::Tar => Archive {
                    format: ArchiveFormat::TarGz,
                    members: a.members,
                },
                other => Archive {
                    format: ArchiveFormat::Gzip,
                    members: BTreeMap::from([(name, other.to_entry())]),
                },
            };
            let target = format!("{path}.gz");
            out.bytes_moved += packed.size_bytes();
            if let Err(e) = tree.put(&target, Node::Archive(Box::new(packed))) {
                out.stderr.push(fail(e.strerror()));
                out.code = 1;
                continue;
            }
            out.wrote.push(target);
        }
        if !keep {
            let _ = tree.delete(&path);
        }
    }
    out
}

/// `du [-s] [-h] PATH…`: the space a file or folder takes, in KiB blocks or human units.
pub fn du(tree: &dyn Tree, cwd: &str, args: &[String], gnu: bool) -> Outcome {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .flat_map(|a| a.chars().skip(1))
        .collect();
    let mut paths: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    if paths.is_empty() {
        paths.push(".".to_string());
    }
    let human = flags.contains('h');
    let summary = flags.contains('s');
    let mut out = Outcome::default();
    for p in paths {
        let path = hostfs::normalise(cwd, &p);
        let Some(node) = tree.node(&path) else {
            out.stderr.push(if gnu {
                format!("du: cannot access '{p}': No such file or directory")
            } else {
                format!("du: {p}: No such file or directory")
            });
            out.code = 1;
            continue;
        };
        // Disk usage counts 4 KiB blocks: a folder takes one, a file its size rounded up.
        let blocks = |n: &Node| match n {
            Node::Dir => 4096,
            other => other.size_bytes().div_ceil(4096) * 4096,
        };
        let mut totals: BTreeMap<String, u64> = BTreeMap::new();
        let mut total = blocks(&node);
        if node == Node::Dir {
            for (rel, child) in tree.walk(&path) {
                let size = blocks(&child);
                total += size;
                if !summary {
                    // Each folder's line sums what is under it.
                    let mut dir = rel.clone();
                    if child != Node::Dir {
                        dir = dir
                            .rsplit_once('/')
                            .map(|(d, _)| d.to_string())
                            .unwrap_or_default();
                    }
                    let mut prefix = String::new();
                    for part in dir.split('/').filter(|p| !p.is_empty()) {
                        prefix = if prefix.is_empty() {
                            part.to_string()
                        } else {
                            format!("{prefix}/{part}")
                        };
                        *totals.entry(prefix.clone()).or_default() += size;
                    }
                }
            }
        }
        let show = |bytes: u64| {
            if human {
                human_size(bytes)
            } else {
                (bytes / 1024).to_string()
            }
        };
        // du prints the deepest folders first (post-order).
        let mut dirs: Vec<(&String, &u64)> = totals.iter().collect();
        crate::sim::order::sort_by(&mut dirs, |a, b| b.0.cmp(a.0));
        for (rel, size) in dirs {
            out.stdout.push(format!(
                "{}\t{}/{rel}",
                show(*size),
                p.trim_end_matches('/')
            ));
        }
        out.stdout.push(format!("{}\t{p}", show(total)));
    }
    out
}

/// `du -h`/`ls -lh` sizes: `4.0K`, `16M`, `1.2G` (one decimal below 10, rounded up).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["K", "M", "G", "T", "P"];
    if bytes < 1024 {
        return bytes.to_string();
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        format!("{:.1}{}", (value * 10.0).ceil() / 10.0, UNITS[unit])
    } else {
        format!("{}{}", value.ceil() as u64, UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    fn host_with_data() -> HostFs {
        let mut fs = HostFs::default();
        fs.mkdir("/data/sub", true).unwrap();
        fs.write("/data/a.txt", "hello\n", false).unwrap();
        fs.write("/data/sub/b.txt", "world\n", false).unwrap();
        fs
    }

    #[test]
    fn the_three_option_styles_parse_alike() {
        for line in [
            "czf /b/x.tgz -C /data .",
            "-czf /b/x.tgz -C /data .",
            "--create --gzip --file=/b/x.tgz --directory /data .",
        ] {
            let t = parse_tar(&words(line), true).unwrap();
            assert_eq!(t.mode, Some('c'), "{line}");
            assert!(t.gzip, "{line}");
            assert_eq!(t.file.as_deref(), Some("/b/x.tgz"), "{line}");
            assert_eq!(t.directory.as_deref(), Some("/data"), "{line}");
            assert_eq!(t.operands, ["."], "{line}");
        }
        let t = parse_tar(&words("xvf /backup/backup.tar --strip 1"), true).unwrap();
        assert_eq!((t.mode, t.strip), (Some('x'), 1));
    }

    #[test]
    fn packing_a_folder_then_unpacking_it_elsewhere_gives_the_same_files() {
        let mut fs = host_with_data();
        fs.mkdir("/backup", true).unwrap();
        let out = tar(
            &mut HostTree(&mut fs),
            "/",
            &words("czvf /backup/d.tar.gz -C /data ."),
            true,
            None,
            "2026-12-05 09:00",
        );
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(out.stdout, ["./", "./a.txt", "./sub/", "./sub/b.txt"]);
        let out = tar(
            &mut HostTree(&mut fs),
            "/",
            &words("xzf /backup/d.tar.gz -C /restore"),
            true,
            None,
            "",
        );
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(fs.read("/restore/sub/b.txt").unwrap(), "world\n");
        assert_eq!(fs.read("/restore/a.txt").unwrap(), "hello\n");
    }

    #[test]
    fn an_absolute_operand_loses_its_slash_and_strip_components_takes_it_off_again() {
        let mut fs = host_with_data();
        let out = tar(
            &mut HostTree(&mut fs),
            "/",
            &words("cvf /b.tar /data"),
            true,
            None,
            "",
        );
        assert_eq!(out.stderr, ["tar: Removing leading `/' from member names"]);
        assert_eq!(out.stdout[0], "/data/");
        let Some(Entry::Archive(a)) = fs.get("/b.tar") else {
            panic!()
        };
        assert!(a.members.contains_key("data/sub/b.txt"));
        assert_eq!(a.size_bytes(), 10_240);
        let out = tar(
            &mut HostTree(&mut fs),
            "/new",
            &words("xf /b.tar --strip-components=1"),
            true,
            None,
            "",
        );
        assert_eq!(out.code, 0);
        assert_eq!(fs.read("/new/sub/b.txt").unwrap(), "world\n");
    }

    #[test]
    fn tar_errors_speak_gnu_and_busybox() {
        let mut fs = host_with_data();
        let out = tar(
            &mut HostTree(&mut fs),
            "/",
            &words("xf /nope.tar"),
            true,
            None,
            "",
        );
        assert_eq!(out.code, 2);
        assert_eq!(
            out.stderr,
            [
                "tar: /nope.tar: Cannot open: No such file or directory",
                "tar: Error is not recoverable: exiting now"
            ]
        );
        let out = tar(
            &mut HostTree(&mut fs),
            "/",
            &words("xf /data/a.txt"),
            false,
            None,
            "",
        );
        assert_eq!(
            (out.code, out.stderr[0].as_str()),
            (1, "tar: invalid tar magic")
        );
        let out = tar(
            &mut HostTree(&mut fs),
            "/",
            &words("cf /x.tar"),
            true,
            None,
            "",
        );
        assert_eq!(
            out.stderr[0],
            "tar: Cowardly refusing to create an empty archive"
        );
        let out = tar(
            &mut HostTree(&mut fs),
            "/",
            &words("cf /x.tar /missing"),
            true,
            None,
            "",
        );
        assert_eq!(out.code, 2);
        assert!(
            out.stderr
                .contains(&"tar: /missing: Cannot stat: No such file or directory".to_string())
        );
    }

    #[test]
    fn gzip_replaces_the_file_and_gunzip_brings_it_back() {
        let mut fs = host_with_data();
        let out = gzip(
            &mut HostTree(&mut fs),
            "/data",
            "gzip",
            &words("a.txt"),
            true,
        );
        assert_eq!(out.code, 0);
        assert!(fs.get("/data/a.txt").is_none());
        assert!(matches!(fs.get("/data/a.txt.gz"), Some(Entry::Archive(_))));
        gzip(
            &mut HostTree(&mut fs),
            "/data",
            "gunzip",
            &words("a.txt.gz"),
            true,
        );
        assert_eq!(fs.read("/data/a.txt").unwrap(), "hello\n");
    }

    #[test]
    fn du_sums_blocks_and_prints_human_sizes() {
        let mut fs = host_with_data();
        let out = du(&HostTree(&mut fs), "/", &words("-sh /data"), true);
        assert_eq!(out.stdout, ["16K\t/data"]);
        assert_eq!(human_size(16_777_216), "16M");
        assert_eq!(human_size(1_500_000), "1.5M");
    }
}
