//! Redis's dataset and its persistence: `redis-cli SET/GET/DEL/DBSIZE/KEYS`, `SAVE`,
//! `BGSAVE`, `LASTSAVE`, `BGREWRITEAOF`, `CONFIG SET`, `INFO persistence`, `redis-cli --rdb
//! FILE`, and what a restart loads.
//!
//! Real Redis 7.4 (redis.io "Redis persistence", `redis.conf`): the dataset lives in memory.
//! An RDB snapshot (`SAVE` blocks, `BGSAVE` forks; a clean shutdown saves one too) is written to
//! a temporary file and renamed to `dump.rdb` in `dir` (`/data` in the image), so a copy of it
//! is always whole: "you can copy RDB files while the database is running". With
//! `--appendonly yes` every write is appended to `appendonlydir/` (a base file, an incremental
//! file and a manifest, since 7.0); at start the AOF wins over the RDB. A rewrite
//! (`BGREWRITEAOF`, or automatic when the AOF doubles) replaces the base and incremental files,
//! so a backup copies the directory with rewrites paused (`CONFIG SET
//! auto-aof-rewrite-percentage 0`, `aof_rewrite_in_progress:0`). A container killed with
//! SIGKILL saves nothing: what the last snapshot (or the AOF) does not hold is lost.
//!
//! What we model: the dataset as string keys (in the container's memory, lost when it stops)
//! with their TTL (`SET key value EX 30`, `TTL`, `PTTL`: an expired key is gone for every
//! command, and for the programs that read it, src/sim/docker/shop.rs),
//! the RDB and AOF files with their names, loading at start with Redis's log lines, the save on
//! a clean stop, `--rdb`, and the AOF rewrite; a manifest naming a file the folder lacks stops
//! the server at start (`Unable to obtain the AOF file … length`, exit 1), as Redis 7 sizes
//! every listed file before loading (`aof.c`). A rewrite (Redis 7's multi-part AOF) opens the
//! next incremental file at once and lists it in the manifest, writes the new base in a
//! temporary file (`temp-rewriteaof-bg-PID.aof` in `/data`), and at its end names the new base
//! in the manifest and deletes the old files; `INFO persistence` says
//! `aof_rewrite_in_progress:1` meanwhile. A copy of `appendonlydir/` that runs across the end of
//! a rewrite can hold the new manifest but not the new base: that is the copy Redis then refuses
//! to start from. What we simplify: only string keys; a TTL is kept in the RDB, not in the
//! AOF (a key replayed from the AOF has none); the default automatic snapshots (`save
//! 3600 1 300 100 60 10000`) and automatic AOF rewrites (which start at 64 MB, far above the
//! sizes here) are not simulated (explicit `SAVE`/`BGSAVE`/`BGREWRITEAOF` and the shutdown save
//! are); a rewrite takes 1 s plus its bytes at 100 MB/s (the fork, the write, the fsync); a copy
//! during one catches its end or not by a seeded draw; the files hold the keys as text.

use std::collections::BTreeMap;

use super::super::hostfs::{Archive, ArchiveFormat, Entry};
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::world::World;
use super::containerfs::{self, Node};
use super::error::DockerError;

const RDB: &str = "/data/dump.rdb";
const AOF_DIR: &str = "/data/appendonlydir";
const MANIFEST: &str = "/data/appendonlydir/appendonly.aof.manifest";
const BASE: &str = "appendonly.aof.1.base.rdb";
const INCR: &str = "appendonly.aof.1.incr.aof";
/// Marks a rewrite in progress in the server's memory: when it ends.
const REWRITE_UNTIL: &str = "\0rewrite_until_ms";
/// A rewrite's fixed cost (fork, fsync) and its write speed.
const REWRITE_FIXED_MS: u64 = 1_000;
const REWRITE_BYTES_PER_S: u64 = 100_000_000;

/// One line of the manifest: `file NAME seq N type b|i`.
#[derive(Clone, PartialEq, Eq, Debug)]
struct AofFile {
    name: String,
    seq: u64,
    kind: char,
}

fn parse_manifest(text: &str) -> Vec<AofFile> {
    text.lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split(' ').collect();
            match w.as_slice() {
                ["file", name, "seq", seq, "type", kind] => Some(AofFile {
                    name: name.to_string(),
                    seq: seq.parse().ok()?,
                    kind: kind.chars().next()?,
                }),
                _ => None,
            }
        })
        .collect()
}

fn manifest_text(files: &[AofFile]) -> String {
    files
        .iter()
        .map(|f| format!("file {} seq {} type {}\n", f.name, f.seq, f.kind))
        .collect()
}

fn current_manifest(world: &World, id: &ContainerId) -> Vec<AofFile> {
    containerfs::read(world, id, MANIFEST)
        .map(|t| parse_manifest(&t))
        .unwrap_or_default()
}

/// The sequence number after the highest of a kind (`b` base, `i` incr) in the manifest.
fn next_seq(files: &[AofFile], kind: char) -> u64 {
    files
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.seq)
        .max()
        .unwrap_or(0)
        + 1
}

/// Writes one of the server's files; a failed write is the server's problem, and it goes on.
fn put(world: &mut World, id: &ContainerId, path: &str, node: Node) {
    let _ = containerfs::write(world, id, path, node, false, true);
}

fn text(content: String) -> Node {
    Node::File { content }
}

/// The manifest a rewrite in progress will write at its end: the new base, the newest incr.
fn manifest_after_rewrite(files: &[AofFile]) -> Vec<AofFile> {
    let base_seq = next_seq(files, 'b');
    let mut out = vec![AofFile {
        name: format!("appendonly.aof.{base_seq}.base.rdb"),
        seq: base_seq,
        kind: 'b',
    }];
    out.extend(files.iter().rfind(|f| f.kind == 'i').cloned());
    out
}

/// A rewrite in progress in `id`: the manifest its end writes (for a copy that runs across it).
pub fn rewrite_end_manifest(world: &World, id: &ContainerId) -> Option<String> {
    let c = world.engine.containers.get(id)?;
    c.memory.get(REWRITE_UNTIL)?;
    Some(manifest_text(&manifest_after_rewrite(&current_manifest(
        world, id,
    ))))
}

/// Is `c` a running Redis keeping its AOF in `/data`? (For the copy hook in containerfs.)
pub fn aof_dir_of(world: &World, id: &ContainerId) -> Option<&'static str> {
    (is_redis(world, id) && world.engine.containers[id].listening && appendonly(world, id))
        .then_some(AOF_DIR)
}

fn temp_file(world: &World, id: &ContainerId) -> String {
    let pid = world.engine.containers[id].run * 7 + 30;
    format!("/data/temp-rewriteaof-bg-{pid}.aof")
}

/// `BGREWRITEAOF`: the next incr file opens now; the new base is written in the background.
fn start_rewrite(world: &mut World, id: &ContainerId) -> Result<(), DockerError> {
    if world.engine.containers[id]
        .memory
        .contains_key(REWRITE_UNTIL)
    {
        return Err(DockerError::new(
            "(error) ERR Background append only file rewriting already in progress",
            1,
        ));
    }
    let mut files = current_manifest(world, id);
    let incr_seq = next_seq(&files, 'i');
    let incr = format!("appendonly.aof.{incr_seq}.incr.aof");
    put(world, id, &format!("{AOF_DIR}/{incr}"), text(String::new()));
    files.push(AofFile {
        name: incr,
        seq: incr_seq,
        kind: 'i',
    });
    put(world, id, MANIFEST, text(manifest_text(&files)));
    let size_bytes = rdb(&persisted(world, id)).size_bytes();
    let temp = temp_file(world, id);
    put(world, id, &temp, Node::Blob { size_bytes });
    let duration_ms = REWRITE_FIXED_MS + size_bytes * 1000 / REWRITE_BYTES_PER_S;
    let until = world.now_ms + duration_ms;
    let c = world.engine.containers.get_mut(id).expect("exists");
    c.memory
        .insert(REWRITE_UNTIL.to_string(), until.to_string());
    let run = c.run;
    world.schedule_in(
        duration_ms,
        crate::sim::event::Event::AofRewriteDone {
            container: id.clone(),
            run,
        },
    );
    Ok(())
}

/// The rewrite's end: the new base replaces the old files in the manifest.
pub fn on_rewrite_done(world: &mut World, id: &ContainerId, run: u32, rec: &mut Record) -> bool {
    let Some(c) = world.engine.containers.get(id) else {
        return false;
    };
    if c.run != run || !c.memory.contains_key(REWRITE_UNTIL) {
        return false;
    }
    let files = current_manifest(world, id);
    let after = manifest_after_rewrite(&files);
    let base = rdb(&persisted(world, id));
    put(world, id, &format!("{AOF_DIR}/{}", after[0].name), base);
    put(world, id, MANIFEST, text(manifest_text(&after)));
    for old in files.iter().filter(|f| !after.contains(f)) {
        let _ = containerfs::remove(world, id, &format!("{AOF_DIR}/{}", old.name), false);
    }
    let temp = temp_file(world, id);
    let _ = containerfs::remove(world, id, &temp, false);
    let c = world.engine.containers.get_mut(id).expect("exists");
    c.memory.remove(REWRITE_UNTIL);
    let name = c.name.clone();
    rec.touch(&name);
    rec.say(format!(
        "{name}: the AOF rewrite is done: the manifest now names {} and the old base and incr files are deleted. A copy of appendonlydir/ that was running just now may hold the new manifest without that file.",
        after[0].name
    ));
    true
}

pub fn is_redis(world: &World, id: &ContainerId) -> bool {
    world.engine.containers.get(id).is_some_and(|c| {
        c.config.image.starts_with("redis")
            && c.config.argv().iter().any(|a| a.ends_with("redis-server"))
    })
}

fn appendonly(world: &World, id: &ContainerId) -> bool {
    let argv = world.engine.containers[id].config.argv();
    argv.windows(2)
        .any(|w| w[0] == "--appendonly" && w[1] == "yes")
        || world.engine.containers[id]
            .memory
            .get("\0appendonly")
            .is_some_and(|v| v == "yes")
}

/// Where a key's expiry time is kept, beside it in the server's memory.
fn expire_key(key: &str) -> String {
    format!("\0expire:{key}")
}

/// When `key` expires (simulated ms), if it has a TTL.
fn expires_at(world: &World, id: &ContainerId, key: &str) -> Option<u64> {
    world.engine.containers[id]
        .memory
        .get(&expire_key(key))
        .and_then(|v| v.parse().ok())
}

/// The keys that have not expired, without the settings kept beside them.
fn keys(world: &World, id: &ContainerId) -> BTreeMap<String, String> {
    let now = world.now_ms;
    let memory = &world.engine.containers[id].memory;
    memory
        .iter()
        .filter(|(k, _)| !k.starts_with('\0'))
        .filter(|(k, _)| {
            memory
                .get(&expire_key(k))
                .and_then(|v| v.parse::<u64>().ok())
                .is_none_or(|at| at > now)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `GET key` from a client program (src/sim/docker/shop.rs): the value, unless it is missing or
/// its TTL has run out.
pub fn get(world: &World, id: &ContainerId, key: &str) -> Option<String> {
    let value = world.engine.containers.get(id)?.memory.get(key)?;
    if key.starts_with('\0') || expires_at(world, id, key).is_some_and(|at| at <= world.now_ms) {
        return None;
    }
    Some(value.clone())
}

/// `SET key value [EX seconds]` from a client program or redis-cli. A SET without EX clears the
/// key's TTL, as Redis does.
pub fn set(world: &mut World, id: &ContainerId, key: &str, value: &str, ttl_ms: Option<u64>) {
    let at = ttl_ms.map(|ttl| world.now_ms + ttl);
    let Some(c) = world.engine.containers.get_mut(id) else {
        return;
    };
    c.memory.insert(key.to_string(), value.to_string());
    match at {
        Some(at) => c.memory.insert(expire_key(key), at.to_string()),
        None => c.memory.remove(&expire_key(key)),
    };
    append_aof(world, id, &format!("SET {key} {value}"));
    mark_dirty(world, id);
}

/// What redis-cli shows for a bulk string: quoted, with `"` and `\` escaped.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `SET`'s options after the value: `EX seconds` or `PX milliseconds` (others are refused).
fn set_ttl_ms(words: &[String]) -> Result<Option<u64>, DockerError> {
    let syntax = || DockerError::new("(error) ERR syntax error", 1);
    match words {
        [] => Ok(None),
        [unit, n] => {
            let n: i64 = n.parse().map_err(|_| {
                DockerError::new("(error) ERR value is not an integer or out of range", 1)
            })?;
            if n <= 0 {
                return Err(DockerError::new(
                    "(error) ERR invalid expire time in 'set' command",
                    1,
                ));
            }
            match unit.to_ascii_uppercase().as_str() {
                "EX" => Ok(Some(n as u64 * 1000)),
                "PX" => Ok(Some(n as u64)),
                _ => Err(syntax()),
            }
        }
        _ => Err(syntax()),
    }
}

/// What a snapshot saves: the live keys, and the expiry time of those that have one (RDB
/// stores it with the key).
fn persisted(world: &World, id: &ContainerId) -> BTreeMap<String, String> {
    let mut out = keys(world, id);
    let expiring: Vec<(String, u64)> = out
        .keys()
        .filter_map(|k| expires_at(world, id, k).map(|at| (k.clone(), at)))
        .collect();
    for (k, at) in expiring {
        out.insert(expire_key(&k), at.to_string());
    }
    out
}

/// An RDB file holding `keys` (a line per key: the key, its value, and its expiry time when the
/// map has one).
fn rdb(keys: &BTreeMap<String, String>) -> Node {
    let text: String = keys
        .iter()
        .filter(|(k, _)| !k.starts_with('\0'))
        .map(|(k, v)| match keys.get(&expire_key(k)) {
            Some(at) => format!("{k}\t{v}\t{at}\n"),
            None => format!("{k}\t{v}\n"),
        })
        .collect();
    Node::Archive(Box::new(Archive {
        format: ArchiveFormat::Rdb,
        members: BTreeMap::from([("keys".to_string(), Entry::File { content: text })]),
    }))
}

fn read_rdb(node: &Node) -> Option<BTreeMap<String, String>> {
    let Node::Archive(a) = node else { return None };
    if a.format != ArchiveFormat::Rdb {
        return None;
    }
    let Some(Entry::File { content }) = a.members.get("keys") else {
        return Some(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    for line in content.lines() {
        let mut fields = line.split('\t');
        let (Some(k), Some(v)) = (fields.next(), fields.next()) else {
            continue;
        };
        out.insert(k.to_string(), v.to_string());
        if let Some(at) = fields.next() {
            out.insert(expire_key(k), at.to_string());
        }
    }
    Some(out)
}

fn save(world: &mut World, id: &ContainerId) -> bool {
    let node = rdb(&persisted(world, id));
    let ok = containerfs::write(world, id, RDB, node, false, true).is_ok();
    if ok {
        let now = world.now_ms;
        let c = world.engine.containers.get_mut(id).expect("exists");
        c.memory
            .insert("\0last_save_ms".to_string(), now.to_string());
        c.memory.insert("\0dirty".to_string(), "0".to_string());
    }
    ok
}

/// The log lines of loading the dataset when the server becomes ready (on its `Serve`), and
/// the exit code when it cannot load it.
pub fn on_ready(world: &mut World, id: &ContainerId) -> (Vec<String>, Option<i32>) {
    if !is_redis(world, id) {
        return (Vec::new(), None);
    }
    let t = "1:M {redis_time}";
    // Redis 7 sizes every file the manifest names before loading any (aof.c
    // `getBaseAndIncrAppendOnlyFilesSize`): one missing is fatal, and the server exits 1.
    if appendonly(world, id)
        && let Ok(manifest) = containerfs::read(world, id, MANIFEST)
    {
        let missing = manifest
            .lines()
            .filter_map(|l| l.strip_prefix("file "))
            .map(|l| l.split(' ').next().unwrap_or("").to_string())
            .find(|file| containerfs::get(world, id, &format!("{AOF_DIR}/{file}")).is_none());
        if let Some(file) = missing {
            return (
                vec![format!(
                    "{t} # Unable to obtain the AOF file {file} length. stat: No such file or directory"
                )],
                Some(1),
            );
        }
    }
    (load(world, id), None)
}

/// Loads the AOF (when on) or the RDB into memory; the lines Redis logs for it.
fn load(world: &mut World, id: &ContainerId) -> Vec<String> {
    let t = "1:M {redis_time}";
    if appendonly(world, id) {
        let manifest = containerfs::read(world, id, MANIFEST).ok();
        let Some(manifest) = manifest else {
            let _ = containerfs::mkdir(world, id, AOF_DIR, true);
            rewrite_aof(world, id);
            return vec![
                format!("{t} * Creating AOF base file {BASE} on server start"),
                format!("{t} * Creating AOF incr file {INCR} on server start"),
            ];
        };
        let mut loaded = BTreeMap::new();
        let mut lines = Vec::new();
        for file in manifest
            .lines()
            .filter_map(|l| l.strip_prefix("file "))
            .map(|l| l.split(' ').next().unwrap_or(""))
        {
            let path = format!("{AOF_DIR}/{file}");
            match containerfs::get(world, id, &path) {
                Some(node) if file.ends_with(".rdb") => {
                    loaded.extend(read_rdb(&node).unwrap_or_default());
                    lines.push(format!(
                        "{t} * DB loaded from base file {file}: 0.000 seconds"
                    ));
                }
                Some(Node::File { content }) => {
                    for cmd in content.lines() {
                        apply(&mut loaded, cmd);
                    }
                    lines.push(format!(
                        "{t} * DB loaded from incr file {file}: 0.000 seconds"
                    ));
                }
                _ => {
                    lines.push(format!(
                        "{t} # Can't open the append-only file {file}: No such file or directory"
                    ));
                    return lines;
                }
            }
        }
        lines.push(format!(
            "{t} * DB loaded from append only file: 0.000 seconds"
        ));
        world
            .engine
            .containers
            .get_mut(id)
            .expect("exists")
            .memory
            .extend(loaded);
        return lines;
    }
    match containerfs::get(world, id, RDB).as_ref().and_then(read_rdb) {
        Some(mut keys) => {
            // Keys whose TTL ran out while the server was down are not loaded.
            let now = world.now_ms;
            let expired: Vec<String> = keys
                .keys()
                .filter(|k| !k.starts_with('\0'))
                .filter(|k| {
                    keys.get(&expire_key(k))
                        .and_then(|at| at.parse::<u64>().ok())
                        .is_some_and(|at| at <= now)
                })
                .cloned()
                .collect();
            for k in &expired {
                keys.remove(k);
                keys.remove(&expire_key(k));
            }
            let n = keys.keys().filter(|k| !k.starts_with('\0')).count();
            let gone = expired.len();
            world
                .engine
                .containers
                .get_mut(id)
                .expect("exists")
                .memory
                .extend(keys);
            vec![
                format!("{t} * Loading RDB produced by version 7.4.1"),
                format!("{t} * Done loading RDB, keys loaded: {n}, keys expired: {gone}."),
                format!("{t} * DB loaded from disk: 0.000 seconds"),
            ]
        }
        None => Vec::new(),
    }
}

/// A clean shutdown saves the final snapshot (SIGKILL does not get here).
pub fn on_clean_exit(world: &mut World, id: &ContainerId) {
    if is_redis(world, id) {
        // A rewrite cut short leaves the manifest as it was (with the new incr), which loads.
        if world.engine.containers[id]
            .memory
            .contains_key(REWRITE_UNTIL)
        {
            let temp = temp_file(world, id);
            let _ = containerfs::remove(world, id, &temp, false);
        }
        save(world, id);
    }
}

fn apply(keys: &mut BTreeMap<String, String>, command: &str) {
    let words: Vec<&str> = command.splitn(3, ' ').collect();
    match words.as_slice() {
        ["SET", k, v] => {
            keys.insert(k.to_string(), v.to_string());
        }
        ["DEL", k] => {
            keys.remove(*k);
        }
        _ => {}
    }
}

/// Writes a new AOF base (the dataset now) and an empty incremental file, and the manifest.
fn rewrite_aof(world: &mut World, id: &ContainerId) {
    let node = rdb(&persisted(world, id));
    put(world, id, &format!("{AOF_DIR}/{BASE}"), node);
    put(world, id, &format!("{AOF_DIR}/{INCR}"), text(String::new()));
    let manifest = format!("file {BASE} seq 1 type b\nfile {INCR} seq 1 type i\n");
    put(world, id, MANIFEST, text(manifest));
}

fn append_aof(world: &mut World, id: &ContainerId, command: &str) {
    if appendonly(world, id) {
        let incr = current_manifest(world, id)
            .into_iter()
            .rfind(|f| f.kind == 'i')
            .map_or(INCR.to_string(), |f| f.name);
        let _ = containerfs::write(
            world,
            id,
            &format!("{AOF_DIR}/{incr}"),
            Node::File {
                content: format!("{command}\n"),
            },
            true,
            true,
        );
    }
}

fn mark_dirty(world: &mut World, id: &ContainerId) {
    let c = world.engine.containers.get_mut(id).expect("exists");
    let dirty: u64 = c
        .memory
        .get("\0dirty")
        .and_then(|d| d.parse().ok())
        .unwrap_or(0);
    c.memory
        .insert("\0dirty".to_string(), (dirty + 1).to_string());
}

/// `redis-cli [--rdb FILE] COMMAND…` against the server in `target`, run from `from`.
/// Long because it is one arm per Redis command simulated, each with Redis's reply.
pub fn cli(
    world: &mut World,
    from: &ContainerId,
    target: &ContainerId,
    words: &[String],
    rdb_file: Option<&str>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    if let Some(file) = rdb_file {
        let node = rdb(&persisted(world, target));
        let size = node.size_bytes();
        containerfs::write(world, from, file, node, false, false).map_err(|e| {
            DockerError::new(format!("Error opening '{file}': {}", e.strerror()), 1)
        })?;
        rec.out(format!("sending REPLCONF capa eof\nsending REPLCONF rdb-only 1\nSYNC sent to master, writing {size} bytes to '{file}'\nTransfer finished with success after {size} bytes"));
        rec.say("redis-cli --rdb asked the server for a fresh snapshot over the replication protocol and wrote it here: a consistent RDB, taken while Redis kept serving.");
        return Ok(());
    }
    let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    let out = match upper
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["PING"] => "PONG".to_string(),
        ["SET", ..] if words.len() >= 3 => {
            let ttl_ms = set_ttl_ms(&words[3..])?;
            set(world, target, &words[1], &words[2], ttl_ms);
            "OK".to_string()
        }
        ["GET", _] => match keys(world, target).get(&words[1]) {
            Some(v) => quoted(v),
            None => "(nil)".to_string(),
        },
        // -2: no such key; -1: no TTL.
        ["TTL" | "PTTL", _] => {
            let ms = match (
                keys(world, target).contains_key(&words[1]),
                expires_at(world, target, &words[1]),
            ) {
                (false, _) => -2,
                (true, None) => -1,
                (true, Some(at)) => (at - world.now_ms) as i64,
            };
            let shown = if ms < 0 || upper[0] == "PTTL" {
                ms
            } else {
                (ms + 500) / 1000
            };
            format!("(integer) {shown}")
        }
        ["DEL", _] => {
            let live = keys(world, target).contains_key(&words[1]);
            let c = world.engine.containers.get_mut(target).expect("exists");
            c.memory.remove(&expire_key(&words[1]));
            let removed = c.memory.remove(&words[1]).is_some() && live;
            if removed {
                append_aof(world, target, &format!("DEL {}", words[1]));
                mark_dirty(world, target);
            }
            format!("(integer) {}", u8::from(removed))
        }
        ["DBSIZE"] => format!("(integer) {}", keys(world, target).len()),
        ["KEYS", _] => {
            let all = keys(world, target);
            if all.is_empty() {
                "(empty array)".to_string()
            } else {
                all.keys()
                    .enumerate()
                    .map(|(i, k)| format!("{}) \"{k}\"", i + 1))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
        ["SAVE"] => {
            if !save(world, target) {
                return Err(DockerError::new("(error) ERR", 1));
            }
            "OK".to_string()
        }
        ["BGSAVE"] => {
            save(world, target);
            "Background saving started".to_string()
        }
        ["LASTSAVE"] => {
            let at: u64 = world.engine.containers[target]
                .memory
                .get("\0last_save_ms")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            format!("(integer) {}", crate::sim::time::unix_seconds(at))
        }
        ["BGREWRITEAOF"] => {
            if !appendonly(world, target) {
                // Without AOF, Redis still writes one (and turns nothing on): keep it simple.
                return Err(DockerError::new(
                    "(error) ERR Background append only file rewriting is disabled: appendonly is no",
                    1,
                ));
            }
            start_rewrite(world, target)?;
            "Background append only file rewriting started".to_string()
        }
        ["CONFIG", "SET", ..] if words.len() == 4 => {
            let c = world.engine.containers.get_mut(target).expect("exists");
            c.memory.insert(
                format!("\0{}", words[2].to_ascii_lowercase()),
                words[3].clone(),
            );
            if words[2].eq_ignore_ascii_case("appendonly") && words[3] == "yes" {
                let _ = containerfs::mkdir(world, target, AOF_DIR, true);
                rewrite_aof(world, target);
            }
            "OK".to_string()
        }
        ["INFO", "PERSISTENCE"] | ["INFO"] => {
            let m = &world.engine.containers[target].memory;
            let dirty = m.get("\0dirty").cloned().unwrap_or_else(|| "0".to_string());
            let last: u64 = m
                .get("\0last_save_ms")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            format!(
                "# Persistence\nloading:0\nrdb_changes_since_last_save:{dirty}\nrdb_bgsave_in_progress:0\nrdb_last_save_time:{}\nrdb_last_bgsave_status:ok\naof_enabled:{}\naof_rewrite_in_progress:{}\naof_rewrite_scheduled:0\naof_last_bgrewrite_status:ok",
                crate::sim::time::unix_seconds(last),
                u8::from(appendonly(world, target)),
                u8::from(m.contains_key(REWRITE_UNTIL))
            )
        }
        [] => {
            return Err(DockerError::new(
                "dockyard: interactive redis-cli is not simulated; give the command: redis-cli SET key value",
                1,
            ));
        }
        [other, ..] => {
            return Err(DockerError::new(
                format!(
                    "(error) ERR unknown command '{}', with args beginning with: ",
                    other.to_ascii_lowercase()
                ),
                1,
            ));
        }
    };
    rec.out(out);
    Ok(())
}
