//! The host's disk, json-file logs, and what happens when the disk is full.
//!
//! Real Docker keeps everything under `/var/lib/docker` on the host's root filesystem: image
//! layers, volumes, each container's writable layer, and each container's log file
//! (`/var/lib/docker/containers/<id>/<id>-json.log`, one JSON object per line written). The
//! default `json-file` driver never rotates unless `max-size` is set (moby
//! daemon/logger/jsonfilelog/jsonfilelog.go: `capval = -1` without it; `max-file` only counts
//! once `max-size` rotates). A chatty program therefore grows its log until the disk is full;
//! then every write on the host fails with ENOSPC: PostgreSQL panics writing its WAL, `docker run`
//! cannot create the container's layer, the shell cannot save a file.
//!
//! What we model: a small VPS disk (`size_bytes`) whose usage is a function of the world (OS base,
//! image layers, volumes, writable layers, build cache, the project folder, log files). Stored log
//! lines count their json-file size; a program logging at debug level writes an aggregated
//! `rate_bytes_per_s` (no event per line, so hours of simulated time cost nothing), kept as closed
//! bytes plus one open segment per container. Rotation caps what stays on disk at `max-file` files
//! of `max-size`. The moment the disk fills is computed exactly (piecewise linear, rotation caps
//! included) and put on the agenda as [`Event::DiskFull`]. Daemon defaults come from
//! `/etc/docker/daemon.json`, read when the daemon (re)starts, and are copied into a container's
//! `HostConfig.LogConfig` at create: containers created before the restart keep their old config.
//!
//! Simplified: the debug lines themselves are not stored (`docker logs` shows the stored lines
//! only); `docker run`/`create` fail with the overlay2 `mkdir … no space left on device` whether
//! or not a pull would be needed; `compress`, `labels`, `tag`, `env` options are accepted and
//! ignored; other log drivers than `json-file`, `local` and `none` are refused as not simulated;
//! daemon.json's JSON errors are worded like Go's encoding/json for the common cases only.

use std::collections::BTreeMap;

use super::super::event::Event;
use super::super::ids::ContainerId;
use super::super::record::Record;
use super::super::time::Millis;
use super::super::world::World;
use super::container::{Container, Status};
use super::error::DockerError;

pub mod model;

pub use model::{
    DAEMON_JSON, DEBUG_LOG_BYTES_PER_S, DISK_SIZE_BYTES, Daemon, Disk, JSON_LINE_OVERHEAD_BYTES,
    LogConfig, LogFile, OS_BASE_BYTES, Rotation, Sample, from_human_size,
};

/// How many chart samples the world keeps (older ones are thinned).
const MAX_SAMPLES: usize = 256;

/// Checks the options the daemon validates at create (moby jsonfilelog `ValidateLogOpt`, the
/// registry of drivers). Returns the config to store.
pub fn log_config_for_create(
    world: &World,
    driver: Option<&str>,
    opts: &[String],
) -> Result<LogConfig, DockerError> {
    let mut config = match driver {
        None => world.disk.daemon.log_config.clone(),
        Some(d) => LogConfig {
            driver: d.to_string(),
            options: BTreeMap::new(),
        },
    };
    if driver.is_some() || !opts.is_empty() {
        // Per-container opts replace the daemon's opts only when the driver is the same one.
        if driver.is_some_and(|d| d != world.disk.daemon.log_config.driver) {
            config.options.clear();
        }
    }
    for kv in opts {
        let Some((k, v)) = kv.split_once('=') else {
            // docker/cli opts.ValidateLogOpt (runconfig/opts/parse.go).
            return Err(DockerError::new(
                format!(
                    "invalid argument \"{kv}\" for \"--log-opt\" flag: invalid log option: {kv}"
                ),
                125,
            ));
        };
        config.options.insert(k.to_string(), v.to_string());
    }
    validate(&config).map_err(DockerError::daemon)?;
    Ok(config)
}

/// The daemon's check of a driver and its option names (at create, and of daemon.json at start).
pub fn validate(config: &LogConfig) -> Result<(), String> {
    match config.driver.as_str() {
        "json-file" | "local" => {
            for key in config.options.keys() {
                let known = match config.driver.as_str() {
                    "json-file" => matches!(
                        key.as_str(),
                        "max-file"
                            | "max-size"
                            | "compress"
                            | "labels"
                            | "labels-regex"
                            | "env"
                            | "env-regex"
                            | "tag"
                    ),
                    _ => matches!(key.as_str(), "max-file" | "max-size" | "compress"),
                };
                if !known {
                    return Err(format!(
                        "unknown log opt '{key}' for {} log driver",
                        config.driver
                    ));
                }
            }
            Ok(())
        }
        "none" => match config.options.keys().next() {
            Some(key) => Err(format!("unknown log opt '{key}' for none log driver")),
            None => Ok(()),
        },
        "syslog" | "journald" | "gelf" | "fluentd" | "awslogs" | "splunk" | "etwlogs"
        | "gcplogs" => Err(format!(
            "the {} log driver is real but not simulated here: use json-file, local or none",
            config.driver
        )),
        other => Err(format!(
            "logger: no log driver named '{other}' is registered"
        )),
    }
}

/// The values json-file parses when the logger starts (moby jsonfilelog.go `New`); a bad value
/// fails the container's start with "failed to initialize logging driver: …".
pub fn check_values(config: &LogConfig) -> Result<(), String> {
    if let Some(size) = config.options.get("max-size") {
        let bytes = from_human_size(size)?;
        if bytes == 0 {
            return Err("max-size must be a positive number".to_string());
        }
    }
    if let Some(files) = config.options.get("max-file") {
        let n: i64 = files
            .parse()
            .map_err(|_| format!("strconv.Atoi: parsing \"{files}\": invalid syntax"))?;
        if n < 1 {
            return Err("max-file cannot be less than 1".to_string());
        }
    }
    Ok(())
}

/// The start-time check as the daemon reports it.
pub fn check_start(world: &World, id: &ContainerId) -> Result<(), DockerError> {
    let Some(c) = world.engine.containers.get(id) else {
        return Ok(());
    };
    check_values(&c.host_config.log_config)
        .map_err(|e| DockerError::daemon(format!("failed to initialize logging driver: {e}")))
}

/// The rate a running container's program writes debug output at.
pub fn rate_bytes_per_s(c: &Container) -> u64 {
    if c.status() != Status::Running || c.host_config.log_config.driver == "none" {
        return 0;
    }
    let argv = c.config.argv();
    let node = argv.iter().any(|a| a.rsplit('/').next() == Some("node"));
    let debug = c
        .config
        .env
        .iter()
        .rev()
        .find_map(|kv| kv.strip_prefix("LOG_LEVEL="))
        .is_some_and(|v| v.eq_ignore_ascii_case("debug"));
    if node && debug {
        DEBUG_LOG_BYTES_PER_S
    } else {
        0
    }
}

/// Everything a container has written to its log (before rotation): stored lines in json-file
/// form plus the aggregated debug output up to `now_ms`.
pub fn log_written_bytes(world: &World, c: &Container) -> u64 {
    log_written_bytes_on(&world.disk, world.now_ms, c)
}

/// [`log_written_bytes`] for a container of the machine whose disk is `disk` (mounted or not).
fn log_written_bytes_on(disk: &Disk, now_ms: Millis, c: &Container) -> u64 {
    if c.host_config.log_config.driver == "none" {
        return 0;
    }
    let lines: u64 = c
        .logs
        .iter()
        .map(|l| l.text.len() as u64 + JSON_LINE_OVERHEAD_BYTES)
        .sum();
    let aggregated = disk.logs.get(&c.id).map_or(0, |f| {
        f.written_bytes + f.rate_bytes_per_s * now_ms.saturating_sub(f.since_ms) / 1000
    });
    lines + aggregated
}

/// What stays on disk of `written` bytes under a rotation: json-file keeps `max-file` files; the
/// current one holds what was written since the last rotation.
pub fn on_disk(written: u64, rotation: Option<Rotation>) -> u64 {
    match rotation {
        None => written,
        Some(r) => {
            let cap = r.max_size_bytes.saturating_mul(r.max_file);
            if written <= cap {
                written
            } else {
                (r.max_file - 1) * r.max_size_bytes + written % r.max_size_bytes.max(1)
            }
        }
    }
}

/// A container's log files on disk, in bytes.
pub fn log_bytes(world: &World, c: &Container) -> u64 {
    on_disk(
        log_written_bytes(world, c),
        c.host_config.log_config.rotation(),
    )
}

/// The parts of the disk, for `df`, the chart and the picture.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Usage {
    pub os_bytes: u64,
    pub images_bytes: u64,
    pub volumes_bytes: u64,
    pub containers_bytes: u64,
    pub build_cache_bytes: u64,
    pub logs_bytes: u64,
}

impl Usage {
    pub fn total(&self) -> u64 {
        self.os_bytes
            + self.images_bytes
            + self.volumes_bytes
            + self.containers_bytes
            + self.build_cache_bytes
            + self.logs_bytes
    }
}

/// The disk's usage, computed from the world (nothing is counted twice or kept separately).
pub fn usage(world: &World) -> Usage {
    usage_of(world, &world.engine, &world.disk)
}

/// [`usage`] of the machine whose engine and disk these are, mounted or parked in its lab slot
/// (src/sim/world.rs `mount`): what `usage` would say with that machine mounted.
pub fn usage_of(world: &World, engine: &super::engine::Engine, disk: &Disk) -> Usage {
    let project: u64 = world.fs.entries.values().map(|e| e.size_bytes()).sum();
    Usage {
        os_bytes: disk.os_base_bytes + disk.filled_bytes + project,
        images_bytes: engine.images.unique_layers().values().sum(),
        volumes_bytes: engine.volumes.values().map(|v| v.size_bytes()).sum(),
        containers_bytes: engine
            .containers
            .values()
            .map(|c| c.fs.layer_size_bytes())
            .sum(),
        build_cache_bytes: world.builder.cache.values().map(|r| r.size_bytes).sum(),
        logs_bytes: engine
            .containers
            .values()
            .map(|c| {
                on_disk(
                    log_written_bytes_on(disk, world.now_ms, c),
                    c.host_config.log_config.rotation(),
                )
            })
            .sum(),
    }
}

/// Used bytes, never more than the disk holds.
pub fn used_bytes(world: &World) -> u64 {
    usage(world).total().min(world.disk.size_bytes)
}

/// How long until the disk is full at the current rates, rotation caps included.
pub fn time_to_full_ms(world: &World) -> Option<Millis> {
    let used = usage(world).total();
    if used >= world.disk.size_bytes {
        return Some(0);
    }
    // Each growing log: (rate, bytes it can still grow on disk before rotation holds it flat).
    let mut growing: Vec<(u64, Option<u64>)> = Vec::new();
    for c in world.engine.containers.values() {
        let Some(f) = world.disk.logs.get(&c.id) else {
            continue;
        };
        if f.rate_bytes_per_s == 0 {
            continue;
        }
        let room = c.host_config.log_config.rotation().map(|r| {
            let cap = r.max_size_bytes.saturating_mul(r.max_file);
            cap.saturating_sub(log_written_bytes(world, c).min(cap))
        });
        growing.push((f.rate_bytes_per_s, room));
    }
    let mut free = (world.disk.size_bytes - used) as f64;
    let mut elapsed_ms = 0f64;
    loop {
        let active: Vec<&(u64, Option<u64>)> = growing
            .iter()
            .filter(|(_, room)| room.is_none_or(|r| r > 0))
            .collect();
        let rate: u64 = active.iter().map(|(r, _)| r).sum();
        if rate == 0 {
            return None;
        }
        let to_full_ms = free / rate as f64 * 1000.0;
        let next_cap_ms = active
            .iter()
            .filter_map(|(r, room)| room.map(|room| room as f64 / *r as f64 * 1000.0))
            .fold(f64::INFINITY, f64::min);
        if to_full_ms <= next_cap_ms {
            return Some((elapsed_ms + to_full_ms).ceil() as Millis);
        }
        elapsed_ms += next_cap_ms;
        free -= rate as f64 * next_cap_ms / 1000.0;
        for (r, room) in growing.iter_mut() {
            if let Some(room) = room {
                let grown = (*r as f64 * next_cap_ms / 1000.0).round() as u64;
                *room = room.saturating_sub(grown.max(1));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Keeping the model in step

/// After every step: close and open log segments whose rate changed, notice freed space, crash
/// the databases that cannot write, put the moment the disk fills on the agenda, and sample the
/// chart. Cheap: a pass over the containers.
pub fn sync(world: &mut World, rec: &mut Record) {
    let now = world.now_ms;
    let full = world.disk.full;
    let rates: Vec<(ContainerId, u64)> = world
        .engine
        .containers
        .values()
        .map(|c| (c.id.clone(), if full { 0 } else { rate_bytes_per_s(c) }))
        .collect();
    world
        .disk
        .logs
        .retain(|id, _| world.engine.containers.contains_key(id));
    for (id, rate) in rates {
        let f = world.disk.logs.entry(id).or_default();
        if f.rate_bytes_per_s != rate {
            f.written_bytes += f.rate_bytes_per_s * now.saturating_sub(f.since_ms) / 1000;
            f.since_ms = now;
            f.rate_bytes_per_s = rate;
        } else if rate == 0 {
            f.since_ms = now;
        }
    }
    if world.disk.full && usage(world).total() < world.disk.size_bytes {
        world.disk.full = false;
        rec.say(format!(
            "The disk has free space again ({} free): writes succeed, the chatty logs grow again.",
            human_df(world.disk.size_bytes - used_bytes(world))
        ));
        // The debug output resumes now.
        let ids: Vec<ContainerId> = world.disk.logs.keys().cloned().collect();
        for id in ids {
            let rate = rate_bytes_per_s(&world.engine.containers[&id]);
            if let Some(f) = world.disk.logs.get_mut(&id) {
                f.since_ms = now;
                f.rate_bytes_per_s = rate;
            }
        }
    }
    if world.disk.full {
        crash_databases(world, rec);
    }
    world.agenda.cancel(|e| matches!(e, Event::DiskFull));
    if !world.disk.full
        && let Some(ms) = time_to_full_ms(world)
    {
        world.schedule_in(ms, Event::DiskFull);
    }
    sample(world);
}

fn sample(world: &mut World) {
    let s = Sample {
        at_ms: world.now_ms,
        used_bytes: used_bytes(world),
    };
    let samples = &mut world.disk.samples;
    let n = samples.len();
    let same_time = n >= 1 && samples[n - 1].at_ms == s.at_ms;
    // A flat stretch needs only its two ends.
    let flat = n >= 2
        && samples[n - 1].used_bytes == s.used_bytes
        && samples[n - 2].used_bytes == s.used_bytes;
    if same_time || flat {
        samples[n - 1] = s;
    } else {
        samples.push(s);
    }
    if samples.len() > MAX_SAMPLES {
        // Keep the first and the newest; drop every other one in between.
        let mut i = 0;
        samples.retain(|_| {
            i += 1;
            i % 2 == 1 || i == MAX_SAMPLES + 1
        });
    }
}

/// The agenda says the disk is full now.
pub fn on_disk_full(world: &mut World, rec: &mut Record) -> bool {
    if world.disk.full {
        return false;
    }
    if usage(world).total() + 1_000_000 < world.disk.size_bytes {
        // Rates changed without a step seeing it: put the right moment back on the agenda.
        if let Some(ms) = time_to_full_ms(world) {
            world.schedule_in(ms.max(1), Event::DiskFull);
        }
        return false;
    }
    world.disk.full = true;
    rec.title = "disk full".to_string();
    let writers: Vec<String> = world
        .engine
        .containers
        .values()
        .filter(|c| {
            world
                .disk
                .logs
                .get(&c.id)
                .is_some_and(|f| f.rate_bytes_per_s > 0)
        })
        .map(|c| c.name.clone())
        .collect();
    for name in &writers {
        rec.touch(name);
    }
    let u = usage(world);
    rec.say(format!(
        "The host's disk is full: {} of {}. Container logs take {} of it, written by {} with no max-size, so json-file never rotated.",
        human_df(world.disk.size_bytes),
        human_df(world.disk.size_bytes),
        human_df(u.logs_bytes),
        if writers.is_empty() { "the containers".to_string() } else { writers.join(", ") },
    ));
    rec.say("From now on every write on the host fails with ENOSPC (\"No space left on device\"): log lines are dropped, databases cannot write their WAL, docker run cannot create a container's layer, the shell cannot save a file.");
    true
}

/// PostgreSQL cannot write its WAL: the backend PANICs, the postmaster terminates everything and
/// its restart fails too (wording: postgres src/backend/access/transam/xlog.c `could not write to
/// file`, postmaster.c `terminated by signal 6: Aborted`, `aborting startup due to startup
/// process failure`).
pub(crate) fn crash_databases(world: &mut World, rec: &mut Record) {
    let ids: Vec<ContainerId> = world
        .engine
        .containers
        .values()
        .filter(|c| {
            c.status() == Status::Running
                && c.program
                    .as_ref()
                    .is_some_and(|p| p.name.contains("postgres"))
        })
        .map(|c| c.id.clone())
        .collect();
    for id in ids {
        let c = &world.engine.containers[&id];
        let pid = c.state.pid.max(1) + 60;
        let first_time = c.restart_count == 0;
        let name = c.name.clone();
        let mut lines = Vec::new();
        if first_time {
            lines.push(format!("{{pg_time}} UTC [{pid}] PANIC:  could not write to file \"pg_wal/xlogtemp.{pid}\": No space left on device"));
            lines.push(format!("{{pg_time}} UTC [1] LOG:  WAL writer process (PID {pid}) was terminated by signal 6: Aborted"));
            lines.push(
                "{pg_time} UTC [1] LOG:  terminating any other active server processes".to_string(),
            );
            lines.push(
                "{pg_time} UTC [1] LOG:  all server processes terminated; reinitializing"
                    .to_string(),
            );
        }
        let startup = pid + 1;
        lines.push(format!("{{pg_time}} UTC [{startup}] LOG:  database system was interrupted; last known up at {{pg_time}} UTC"));
        lines.push(format!("{{pg_time}} UTC [{startup}] FATAL:  could not write to file \"pg_wal/xlogtemp.{startup}\": No space left on device"));
        lines.push(format!(
            "{{pg_time}} UTC [1] LOG:  startup process (PID {startup}) exited with exit code 1"
        ));
        lines.push(
            "{pg_time} UTC [1] LOG:  aborting startup due to startup process failure".to_string(),
        );
        lines.push("{pg_time} UTC [1] LOG:  database system is shut down".to_string());
        for line in lines {
            super::engine::log_line(world, &id, true, &line, rec);
        }
        if first_time {
            rec.say(format!(
                "{name}: PostgreSQL could not write its write-ahead log (pg_wal) and PANICked; the postmaster tried to recover, but recovery must write too, so it shut down (exit code 1)."
            ));
        } else {
            rec.say(format!(
                "{name}: PostgreSQL starts, but crash recovery must write to pg_wal and the disk is still full: it shuts down again (exit code 1)."
            ));
        }
        let title = rec.title.clone();
        let _ = super::engine::crash(world, &id, 1, false, rec);
        if title == "disk full" {
            rec.title = title;
        }
    }
}

/// `docker run`/`create` on a full disk: the daemon cannot create the container's layer.
pub fn refuse_when_full(world: &mut World) -> Result<(), DockerError> {
    if !world.disk.full {
        return Ok(());
    }
    let id = world.rng.hex(64);
    Err(DockerError::daemon(format!(
        "mkdir /var/lib/docker/overlay2/{id}-init: no space left on device"
    )))
}

/// A file write in the shell on a full disk (`cat > f`, `echo … > f`): coreutils' wording.
pub fn refuse_file_write(world: &World, program: &str) -> Result<(), DockerError> {
    if world.disk.full {
        return Err(DockerError::new(
            format!("{program}: write error: No space left on device"),
            1,
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Host commands: df, du, systemctl

/// `df -h`/`du -h` sizes (powers of 1024, one decimal below 10, as coreutils prints them).
pub fn human_df(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["", "K", "M", "G", "T", "P"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        return format!("{bytes}");
    }
    if size < 10.0 {
        let tenths = (size * 10.0).ceil() / 10.0;
        if tenths < 10.0 {
            return format!("{tenths:.1}{}", UNITS[unit]);
        }
    }
    format!("{:.0}{}", size.ceil(), UNITS[unit])
}

/// The path of a container's log file, as `docker inspect` shows `.LogPath`.
pub fn log_path(id: &ContainerId) -> String {
    format!("/var/lib/docker/containers/{0}/{0}-json.log", id.0)
}

/// `df`, `du`, `systemctl` (and `sudo` in front of them) in the host's shell.
pub fn host_command(
    world: &mut World,
    words: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let program = words.first().map(String::as_str).unwrap_or("");
    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    match program {
        "df" => {
            let size = world.disk.size_bytes;
            let used = used_bytes(world);
            let percent = (used * 100).div_ceil(size.max(1));
            rec.out(format!(
                "Filesystem      Size  Used Avail Use% Mounted on\n/dev/vda1       {:>4}  {:>4}  {:>4} {:>3}% /",
                human_df(size),
                human_df(used),
                human_df(size - used),
                percent
            ));
            rec.say("df counts everything on the root filesystem, /var/lib/docker included: images, volumes, containers' layers and their log files.");
            Ok(())
        }
        "du" => {
            let paths: Vec<&str> = args
                .iter()
                .copied()
                .filter(|a| !a.starts_with('-'))
                .collect();
            let mut lines = Vec::new();
            for path in paths {
                let dir = path.trim_end_matches('/');
                if dir == "/var/lib/docker/containers/*" || dir == "/var/lib/docker/containers" {
                    let mut total = 0;
                    for c in world.engine.containers.values() {
                        let bytes = log_bytes(world, c) + c.fs.layer_size_bytes() + 4096;
                        total += bytes;
                        if dir.ends_with('*') {
                            lines.push(format!(
                                "{}\t/var/lib/docker/containers/{}",
                                human_df(bytes),
                                c.id.0
                            ));
                        }
                    }
                    if !dir.ends_with('*') {
                        lines.push(format!("{}\t{dir}", human_df(total)));
                    }
                    for c in world.engine.containers.values() {
                        rec.touch(&c.name);
                    }
                } else if !dir.starts_with("/var/lib/docker") {
                    // Any other folder: the project's files (src/sim/docker/archiving.rs).
                    let cwd = world.fs.cwd.clone();
                    let words: Vec<String> = args.iter().map(|a| a.to_string()).collect();
                    let tree = super::archiving::HostTree(&mut world.fs);
                    let out = super::archiving::du(&tree, &cwd, &words, true);
                    if out.code != 0 {
                        return Err(DockerError::new(out.stderr.join("\n"), out.code));
                    }
                    rec.out(out.stdout.join("\n"));
                    return Ok(());
                } else {
                    return Err(DockerError::new(
                        format!(
                            "du: cannot access '{path}': the simulation measures /var/lib/docker/containers/* only"
                        ),
                        1,
                    ));
                }
            }
            if lines.is_empty() && world.engine.containers.is_empty() {
                return Err(DockerError::new(
                    "du: cannot access '/var/lib/docker/containers/*': No such file or directory",
                    1,
                ));
            }
            rec.out(lines.join("\n"));
            rec.say("Each container's folder holds its json-file log (<id>-json.log): that is where chatty output piles up. `docker system df` does not count it.");
            Ok(())
        }
        "systemctl" => systemctl(world, &args, rec),
        _ => Err(DockerError::new(
            format!("bash: {program}: command not found"),
            127,
        )),
    }
}

fn systemctl(world: &mut World, args: &[&str], rec: &mut Record) -> Result<(), DockerError> {
    match args {
        ["restart" | "start", "docker" | "docker.service"] => {
            restart_daemon(world, rec);
            Ok(())
        }
        ["stop", "docker" | "docker.service"] => {
            super::engine::restart_everything(world, rec, false);
            world.disk.daemon.running = false;
            rec.say("The Docker daemon is stopped: docker commands cannot reach it until `systemctl start docker`.");
            Ok(())
        }
        ["status", "docker" | "docker.service"] => {
            let d = &world.disk.daemon;
            let state = match (d.running, &d.failure) {
                (true, _) => "active (running)".to_string(),
                (false, Some(_)) => "failed (Result: exit-code)".to_string(),
                (false, None) => "inactive (dead)".to_string(),
            };
            let mut text = format!(
                "● docker.service - Docker Application Container Engine\n     Loaded: loaded (/usr/lib/systemd/system/docker.service; enabled; preset: enabled)\n     Active: {state}"
            );
            if let (false, Some(f)) = (d.running, &d.failure) {
                text.push_str(&format!("\n\ndockerd[812]: {f}"));
            }
            rec.out(text);
            Ok(())
        }
        ["daemon-reload"] => Ok(()),
        _ => Err(DockerError::new(
            "systemctl: the simulation knows `systemctl restart|start|stop|status docker`",
            1,
        )),
    }
}

/// `systemctl restart docker`: dockerd reads daemon.json; on a bad file it does not start. On a
/// good one, containers stop with it and come back per their restart policy, like at a reboot.
pub fn restart_daemon(world: &mut World, rec: &mut Record) {
    let text = world.fs.read(DAEMON_JSON).ok().map(str::to_string);
    let config = match text.as_deref().map(parse_daemon_json).transpose() {
        Ok(c) => c.unwrap_or_default(),
        Err(e) => {
            let message =
                format!("unable to configure the Docker daemon with file {DAEMON_JSON}: {e}");
            world.disk.daemon.running = false;
            world.disk.daemon.failure = Some(message.clone());
            super::engine::restart_everything(world, rec, false);
            rec.err("Job for docker.service failed because the control process exited with error code.\nSee \"systemctl status docker.service\" and \"journalctl -xeu docker.service\" for details.");
            rec.error = true;
            rec.say(format!("dockerd refused to start: {message}. Every docker command now fails until the file is fixed and the daemon restarted."));
            return;
        }
    };
    world.disk.daemon.log_config = config.clone();
    world.disk.daemon.running = true;
    world.disk.daemon.failure = None;
    rec.title = "docker daemon restart".to_string();
    rec.say(format!(
        "dockerd restarted and read {DAEMON_JSON}: new containers get log driver {} with {}. Containers that already exist keep the LogConfig they were created with.",
        config.driver,
        if config.options.is_empty() {
            "no options (no rotation)".to_string()
        } else {
            config.options.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
        }
    ));
    super::engine::restart_everything(world, rec, true);
}

/// The `log-driver`/`log-opts` part of daemon.json, with dockerd's complaints.
pub fn parse_daemon_json(text: &str) -> Result<LogConfig, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| go_json_error(text, &e))?;
    let Some(object) = value.as_object() else {
        return Err(
            "json: cannot unmarshal array into Go value of type map[string]interface {}"
                .to_string(),
        );
    };
    let mut config = LogConfig::default();
    if let Some(driver) = object.get("log-driver") {
        config.driver = driver.as_str().unwrap_or_default().to_string();
    }
    if let Some(opts) = object.get("log-opts") {
        let Some(opts) = opts.as_object() else {
            return Err("json: cannot unmarshal string into Go struct field Config.log-opts of type map[string]string".to_string());
        };
        for (k, v) in opts {
            let Some(v) = v.as_str() else {
                return Err(format!(
                    "json: cannot unmarshal number into Go struct field Config.log-opts of type string (log-opts.{k})"
                ));
            };
            config.options.insert(k.clone(), v.to_string());
        }
    }
    validate(&config)?;
    check_values(&config)?;
    Ok(config)
}

/// Go's encoding/json wording for the common syntax errors.
fn go_json_error(text: &str, e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "unexpected end of JSON input".to_string();
    }
    let offset = text
        .lines()
        .take(e.line().saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum::<usize>()
        + e.column().saturating_sub(1);
    let at = text
        .get(offset..)
        .and_then(|s| s.chars().next())
        .unwrap_or(' ');
    let before = text.get(..offset).unwrap_or("").trim_end().chars().last();
    let context = match before {
        Some(',' | '{') => "looking for beginning of object key string",
        Some('"') => "after object key",
        _ => "looking for beginning of value",
    };
    format!("invalid character '{at}' {context}")
}

/// Scenario checks about the disk (src/sim/check.rs).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum DiskCheck {
    /// `disk is full` / `disk is not full`
    Full(bool),
    /// `disk used under 80%`
    UsedUnder { percent: u64 },
    /// `log of api is under 40MB` (the json-file files on disk)
    LogUnder { name: String, bytes: u64 },
    /// `log of api is over 1GB`
    LogOver { name: String, bytes: u64 },
    /// `daemon is running` / `daemon is down`
    Daemon(bool),
}

impl DiskCheck {
    pub fn parse(words: &[&str]) -> Option<Result<DiskCheck, String>> {
        let size = |s: &str| from_human_size(s);
        Some(match words {
            ["disk", "is", "full"] => Ok(DiskCheck::Full(true)),
            ["disk", "is", "not", "full"] => Ok(DiskCheck::Full(false)),
            ["disk", "used", "under", p] => p
                .strip_suffix('%')
                .and_then(|n| n.parse().ok())
                .map(|percent| DiskCheck::UsedUnder { percent })
                .ok_or_else(|| format!("`{p}` is not a percentage")),
            ["log", "of", name, "is", "under", s] => size(s).map(|bytes| DiskCheck::LogUnder {
                name: name.to_string(),
                bytes,
            }),
            ["log", "of", name, "is", "over", s] => size(s).map(|bytes| DiskCheck::LogOver {
                name: name.to_string(),
                bytes,
            }),
            ["daemon", "is", "running"] => Ok(DiskCheck::Daemon(true)),
            ["daemon", "is", "down"] => Ok(DiskCheck::Daemon(false)),
            _ => return None,
        })
    }

    pub fn holds(&self, world: &World) -> bool {
        let log = |name: &str| world.engine.by_name(name).map(|c| log_bytes(world, c));
        match self {
            DiskCheck::Full(full) => world.disk.full == *full,
            DiskCheck::UsedUnder { percent } => {
                used_bytes(world) * 100 < percent * world.disk.size_bytes
            }
            DiskCheck::LogUnder { name, bytes } => log(name).is_some_and(|b| b < *bytes),
            DiskCheck::LogOver { name, bytes } => log(name).is_some_and(|b| b > *bytes),
            DiskCheck::Daemon(up) => world.disk.daemon.running == *up,
        }
    }
}

/// The docker CLI cannot reach a stopped or failed daemon.
pub fn daemon_up(world: &World) -> Result<(), DockerError> {
    if world.disk.daemon.running {
        Ok(())
    } else {
        Err(DockerError::new(
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
            1,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Input, Timeline};

    fn host() -> Timeline {
        Timeline::new(World::new(3))
    }

    fn sh(t: &mut Timeline, line: &str) -> Record {
        let rec = t.submit(Input::Command(line.to_string())).clone();
        while t.world().shell.is_busy() && t.forward() {}
        rec
    }

    fn wait(t: &mut Timeline, ms: Millis) {
        let target = t.world().now_ms + ms;
        t.submit(Input::Advance { duration_ms: ms });
        while t.world().next_due_ms().is_some_and(|due| due <= target) {
            t.forward();
        }
    }

    #[test]
    fn human_sizes_parse_like_go_units_from_human_size() {
        assert_eq!(from_human_size("10m"), Ok(10_000_000));
        assert_eq!(from_human_size("1.5k"), Ok(1_500));
        assert_eq!(from_human_size("2GB"), Ok(2_000_000_000));
        assert_eq!(from_human_size("42"), Ok(42));
        assert_eq!(
            from_human_size("ten"),
            Err("invalid size: 'ten'".to_string())
        );
        assert_eq!(
            from_human_size("10x"),
            Err("invalid size: '10x'".to_string())
        );
    }

    #[test]
    fn rotation_keeps_max_file_files_of_max_size() {
        let r = Some(Rotation {
            max_size_bytes: 10,
            max_file: 3,
        });
        assert_eq!(on_disk(25, r), 25);
        assert_eq!(on_disk(30, r), 30);
        assert_eq!(on_disk(1_000_004, r), 24);
        assert_eq!(on_disk(1_000_004, None), 1_000_004);
        let mut c = LogConfig::default();
        assert_eq!(c.rotation(), None);
        // max-file alone does nothing: json-file only rotates once max-size is set.
        c.options.insert("max-file".into(), "3".into());
        assert_eq!(c.rotation(), None);
        c.options.insert("max-size".into(), "10m".into());
        assert_eq!(
            c.rotation(),
            Some(Rotation {
                max_size_bytes: 10_000_000,
                max_file: 3
            })
        );
    }

    #[test]
    fn bad_log_options_get_the_daemons_words() {
        let cfg = |driver: &str, k: &str, v: &str| LogConfig {
            driver: driver.into(),
            options: [(k.to_string(), v.to_string())].into_iter().collect(),
        };
        assert_eq!(
            validate(&cfg("json-file", "max-sise", "1m")),
            Err("unknown log opt 'max-sise' for json-file log driver".to_string())
        );
        assert_eq!(
            validate(&cfg("jsonfile", "max-size", "1m")),
            Err("logger: no log driver named 'jsonfile' is registered".to_string())
        );
        assert_eq!(
            check_values(&cfg("json-file", "max-size", "0")),
            Err("max-size must be a positive number".into())
        );
        assert_eq!(
            check_values(&cfg("json-file", "max-file", "0")),
            Err("max-file cannot be less than 1".into())
        );
        assert_eq!(
            check_values(&cfg("json-file", "max-file", "three")),
            Err("strconv.Atoi: parsing \"three\": invalid syntax".into())
        );
    }

    #[test]
    fn daemon_json_errors_read_like_dockerd() {
        let ok = parse_daemon_json(
            r#"{"log-driver":"json-file","log-opts":{"max-size":"10m","max-file":"3"}}"#,
        )
        .unwrap();
        assert_eq!(
            ok.rotation(),
            Some(Rotation {
                max_size_bytes: 10_000_000,
                max_file: 3
            })
        );
        assert_eq!(
            parse_daemon_json(r#"{"log-opts":{"max-size":"10m",}}"#),
            Err("invalid character '}' looking for beginning of object key string".to_string())
        );
        assert_eq!(
            parse_daemon_json("{").unwrap_err(),
            "unexpected end of JSON input"
        );
        assert!(
            parse_daemon_json(r#"{"log-opts":{"max-file":3}}"#)
                .unwrap_err()
                .contains("cannot unmarshal number")
        );
        for junk in ["", "[]", "nul", "{\"log-opts\": 1}", "\u{0}", "{\"a\":}"] {
            let _ = parse_daemon_json(junk);
        }
    }

    #[test]
    fn a_debug_app_fills_the_disk_and_postgres_panics() {
        let mut t = host();
        sh(
            &mut t,
            "docker run -d --name db --restart always -e POSTGRES_PASSWORD=secret postgres:16",
        );
        sh(
            &mut t,
            "docker run -d --name api -e LOG_LEVEL=debug node:20 node server.js",
        );
        // initdb writes the database files first.
        wait(&mut t, 10_000);
        let left = time_to_full_ms(t.world()).expect("the log grows without limit");
        let free = t.world().disk.size_bytes - usage(t.world()).total();
        assert_eq!(
            left,
            (free as f64 / DEBUG_LOG_BYTES_PER_S as f64 * 1000.0).ceil() as Millis
        );
        wait(&mut t, left - 1000);
        assert!(!t.world().disk.full);
        wait(&mut t, 2000);
        assert!(t.world().disk.full);
        assert_eq!(used_bytes(t.world()), t.world().disk.size_bytes);
        let logs = sh(&mut t, "docker logs db").terminal_text();
        assert!(
            logs.contains("PANIC:  could not write to file \"pg_wal/xlogtemp."),
            "{logs}"
        );
        assert!(logs.contains("No space left on device"));
        // Nothing new can be created, nothing can be saved.
        let run = sh(&mut t, "docker run -d nginx");
        assert!(
            run.terminal_text()
                .contains("-init: no space left on device")
        );
        let save = sh(&mut t, "echo hi > notes.txt");
        assert!(
            save.terminal_text()
                .contains("bash: echo: write error: No space left on device")
        );
        // Removing the chatty container frees its log: the disk has room again.
        sh(&mut t, "docker rm -f api");
        assert!(!t.world().disk.full);
        assert!(usage(t.world()).logs_bytes < 1_000_000);
    }

    #[test]
    fn rotation_keeps_the_disk_flat() {
        let mut t = host();
        sh(
            &mut t,
            "docker run -d --name api -e LOG_LEVEL=debug --log-opt max-size=10m --log-opt max-file=3 node:20 node server.js",
        );
        assert!(time_to_full_ms(t.world()).is_none());
        wait(&mut t, 48 * 3_600_000);
        assert!(!t.world().disk.full);
        let api = t.world().engine.by_name("api").unwrap();
        assert!(log_bytes(t.world(), api) <= 30_000_000);
        let inspect = sh(
            &mut t,
            "docker inspect --format '{{json .HostConfig.LogConfig}}' api",
        )
        .terminal_text();
        assert!(inspect.contains(r#""max-size":"10m""#), "{inspect}");
    }

    #[test]
    fn daemon_json_applies_to_containers_created_after_the_restart() {
        let mut t = host();
        sh(
            &mut t,
            "docker run -d --name old -e LOG_LEVEL=debug --restart unless-stopped node:20 node server.js",
        );
        sh(
            &mut t,
            "cat > /etc/docker/daemon.json <<EOF\n{\"log-driver\":\"json-file\",\"log-opts\":{\"max-size\":\"10m\",\"max-file\":\"3\"}}\nEOF",
        );
        sh(&mut t, "sudo systemctl restart docker");
        sh(
            &mut t,
            "docker run -d --name new -e LOG_LEVEL=debug node:20 node server.js",
        );
        let w = t.world();
        assert_eq!(w.engine.by_name("old").unwrap().status(), Status::Running);
        assert_eq!(
            w.engine
                .by_name("old")
                .unwrap()
                .host_config
                .log_config
                .rotation(),
            None
        );
        assert!(
            w.engine
                .by_name("new")
                .unwrap()
                .host_config
                .log_config
                .rotation()
                .is_some()
        );
        // A broken file: dockerd does not start, the CLI cannot connect.
        sh(
            &mut t,
            "cat > /etc/docker/daemon.json <<EOF\n{\"log-opts\": {\"max-size\": \"10m\",}}\nEOF",
        );
        let rec = sh(&mut t, "sudo systemctl restart docker");
        assert!(
            rec.terminal_text()
                .contains("Job for docker.service failed")
        );
        assert!(
            sh(&mut t, "docker ps")
                .terminal_text()
                .contains("Cannot connect to the Docker daemon")
        );
        assert!(
            sh(&mut t, "systemctl status docker")
                .terminal_text()
                .contains("invalid character '}' looking for beginning of object key string")
        );
    }

    #[test]
    fn bad_log_flags_never_panic_and_change_nothing() {
        let mut t = host();
        for line in [
            "docker run -d --log-opt max-size nginx",
            "docker run -d --log-opt max-sise=1m nginx",
            "docker run -d --log-driver jsonfile nginx",
            "docker run -d --log-driver none --log-opt max-size=1m nginx",
            "docker run -d --log-opt max-size=-1 nginx",
            "docker run -d --log-opt max-file=x --log-opt max-size=1k nginx",
            "docker run -d --log-opt max-size=99999999999999999999999t nginx",
            "docker system prune --nope",
            "docker system prune extra",
            "du -sh /nowhere",
            "systemctl reload docker",
        ] {
            let rec = sh(&mut t, line);
            assert!(rec.error || !rec.terminal.is_empty(), "{line}");
        }
        let start = sh(
            &mut t,
            "docker run -d --name web --log-opt max-size=ten nginx",
        )
        .terminal_text();
        assert!(
            start.contains("failed to initialize logging driver: invalid size: 'ten'"),
            "{start}"
        );
    }
}
