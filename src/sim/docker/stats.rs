//! `docker stats [OPTIONS] [CONTAINER...]`: one reading of each container's resource usage.
//!
//! docker/cli `cli/command/container/stats.go`: without arguments it lists the running containers
//! (`-a`: all of them, newest first, as `docker ps`), with arguments each one named, once; an
//! unknown name fails the whole command with the daemon's errors joined by newlines (`errors.Join`)
//! and prints no table. `--no-stream` prints one reading, and nothing at all when there is no
//! container; without it the CLI redraws the table until Ctrl-C (the simulation prints one
//! reading and says so). `formatter_stats.go`: the default table `{{.ID}}`, `{{.Name}}`,
//! `{{.CPUPerc}}`, `{{.MemUsage}}`, `{{.MemPerc}}`, `{{.NetIO}}`, `{{.BlockIO}}`, `{{.PIDs}}` under
//! `CONTAINER ID   NAME   CPU %   MEM USAGE / LIMIT   MEM %   NET I/O   BLOCK I/O   PIDS`;
//! percentages with two decimals, memory with go-units `BytesSize` (binary units, 4 significant
//! digits: `8MiB / 16GiB`), I/O with `HumanSizeWithPrecision(…, 3)` (decimal: `1.12kB`),
//! `{{.Container}}` is the name as typed (the full ID when listing), the ID is cut to 12
//! characters unless `--no-trunc`. moby `daemon/stats.go` and `daemon/stats/collector.go`: a
//! container that is not running (or is restarting) gets empty stats carrying only its name and
//! ID, so it reads `0.00%   0B / 0B   0.00%   0B / 0B   0B / 0B   0`.
//!
//! What the numbers come from: MEM USAGE is the same typical footprint the lab's picture uses
//! (`lab::container_memory_bytes`); the LIMIT is the machine's memory (the host, or this swarm
//! machine), or a swarm task's `--limit-memory`. CPU % is a fixed idle figure per program (redis's
//! 10 Hz server cron, postgres's background writers; nginx and node sleep in epoll) and 0 while
//! paused. NET I/O counts the HTTP requests the container has logged since it started (a request
//! in, a response out, with TCP's own packets); BLOCK I/O stays `0B / 0B` (image files are read
//! from the page cache, and the simulation does not track disk writes). PIDS counts tasks, threads
//! included: the processes `docker top` lists plus each runtime's typical threads.

use super::super::lab;
use super::super::record::Record;
use super::super::world::World;
use super::cli::StatsOptions;
use super::container::{Container, Status};
use super::error::DockerError;
use super::image::human_size;
use super::output::{render_template, tabwrite};
use super::top;

/// The CLI's default stats table (Linux daemon).
const DEFAULT_TABLE: &str = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

const HEADERS: &[(&str, &str)] = &[
    ("Container", "CONTAINER"),
    ("Name", "NAME"),
    ("ID", "CONTAINER ID"),
    ("CPUPerc", "CPU %"),
    ("MemUsage", "MEM USAGE / LIMIT"),
    ("MemPerc", "MEM %"),
    ("NetIO", "NET I/O"),
    ("BlockIO", "BLOCK I/O"),
    ("PIDs", "PIDS"),
];

/// What a container's eth0 counts for one HTTP request: the request and TCP's handshake and
/// teardown in; the response's headers and TCP's packets out, besides the body.
const REQUEST_RX_BYTES: u64 = 420;
const RESPONSE_OVERHEAD_TX_BYTES: u64 = 500;

/// One container's reading, as the daemon sends it (`StatsResponse`) and the CLI reduces it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Entry {
    /// The container as given on the command line, or its full ID when listing.
    pub container: String,
    /// The daemon's name, with its slash (`/web`).
    pub name: String,
    pub id: String,
    pub cpu_hundredths: u64,
    pub memory_bytes: u64,
    pub limit_bytes: u64,
    pub net_rx: u64,
    pub net_tx: u64,
    pub block_read: u64,
    pub block_write: u64,
    pub pids: u64,
}

/// The program the container's main process runs, once an entrypoint script has exec'd it.
fn program(c: &Container) -> String {
    let argv = c.config.argv();
    let words: Vec<&str> = argv
        .iter()
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .collect();
    match words.as_slice() {
        ["docker-entrypoint.sh", next, ..] => next.to_string(),
        [first, ..] => first.to_string(),
        [] => String::new(),
    }
}

/// A running program's CPU use while idle, in hundredths of a percent of one CPU.
pub fn idle_cpu_hundredths(c: &Container) -> u64 {
    match program(c).as_str() {
        // serverCron runs 10 times a second (`hz 10`).
        "redis-server" => 10,
        // Polls its providers (Docker, files) and keeps its metrics.
        "traefik" => 5,
        // The background writer, WAL writer and autovacuum launcher wake up now and then.
        "postgres" => 2,
        "python" | "python3" => 1,
        // nginx and node wait in epoll; sleep and shells wait too.
        _ => 0,
    }
}

/// Threads a runtime keeps besides its processes (`pids.current` counts tasks).
fn extra_threads(c: &Container) -> u64 {
    match program(c).as_str() {
        // V8's platform workers and libuv's thread pool.
        "node" => 10,
        // bio_close_file, bio_aof, bio_lazy_free and jemalloc's background thread.
        "redis-server" => 4,
        // The Go runtime's threads.
        "traefik" => 7,
        _ => 0,
    }
}

/// The bytes of the body an HTTP access log line reports: nginx's combined format
/// (`"GET / HTTP/1.1" 200 615`) or morgan's `tiny` (`GET / 200 123 - 1.234 ms`).
fn served_body_bytes(line: &str) -> Option<u64> {
    if let Some(i) = line.find("\"GET ") {
        let rest = &line[i + 1..];
        let close = rest.find('"')?;
        let mut fields = rest[close + 1..].split_whitespace();
        fields.next()?.parse::<u16>().ok()?;
        return fields.next()?.parse().ok();
    }
    let mut fields = line.strip_prefix("GET /")?.split_whitespace();
    fields.next();
    fields.next()?.parse::<u16>().ok()?;
    fields.next()?.parse().ok()
}

/// The memory the container may use: a swarm task's `--limit-memory`, or the machine's.
fn memory_limit(world: &World, c: &Container) -> u64 {
    let task_limit = c
        .config
        .labels
        .get("com.docker.swarm.task.id")
        .and_then(|task_id| world.swarm.tasks.iter().find(|t| &t.id == task_id))
        .and_then(|t| {
            let svc = world.swarm.services.get(&t.service_id)?;
            Some(svc.template_of(t.spec_version).limit_memory_bytes)
        })
        .filter(|bytes| *bytes > 0);
    let own_limit = Some(c.host_config.memory_bytes).filter(|bytes| *bytes > 0);
    task_limit
        .or(own_limit)
        .unwrap_or_else(|| machine_memory(world))
}

/// This machine's memory: a swarm lab machine's, or the single host's.
fn machine_memory(world: &World) -> u64 {
    world
        .swarm
        .machines
        .get(world.here())
        .map_or(lab::HOST.memory_bytes, |m| m.memory_bytes)
}

/// A container's reading now.
pub fn entry(world: &World, c: &Container, given: &str) -> Entry {
    let empty = Entry {
        container: given.to_string(),
        name: c.slash_name(),
        id: c.id.0.clone(),
        ..Entry::default()
    };
    if !c.status().is_up() {
        return empty;
    }
    let limit_bytes = memory_limit(world, c);
    let started = c.state.started_at.unwrap_or(0);
    let (mut net_rx, mut net_tx) = (0, 0);
    for line in c.logs.iter().filter(|l| l.at_ms >= started) {
        if let Some(body) = served_body_bytes(&line.text) {
            net_rx += REQUEST_RX_BYTES;
            net_tx += body + RESPONSE_OVERHEAD_TX_BYTES;
        }
    }
    Entry {
        cpu_hundredths: if c.status() == Status::Paused {
            0
        } else {
            idle_cpu_hundredths(c)
        },
        memory_bytes: super::resources::usage_bytes(c, world.now_ms).min(limit_bytes),
        limit_bytes,
        net_rx,
        net_tx,
        pids: top::processes(&world.engine, c).len() as u64 + extra_threads(c),
        ..empty
    }
}

/// go-units `BytesSize`: `%.4g` of the size in binary units.
pub fn bytes_size(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    let exponent = if size > 0.0 {
        size.log10().floor() as i32
    } else {
        0
    };
    let decimals = (3 - exponent).max(0) as usize;
    let mut text = format!("{size:.decimals$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    format!("{text}{}", UNITS[unit])
}

/// `strconv.FormatFloat(val, 'f', 2, 64) + "%"`.
fn percentage(value: f64) -> String {
    format!("{value:.2}%")
}

fn field(e: &Entry, name: &str, no_trunc: bool) -> Option<String> {
    Some(match name {
        "Container" => e.container.clone(),
        "Name" if e.name.chars().count() > 1 => e.name[1..].to_string(),
        "Name" => "--".to_string(),
        "ID" if no_trunc => e.id.clone(),
        "ID" => e.id.chars().take(12).collect(),
        "CPUPerc" => percentage(e.cpu_hundredths as f64 / 100.0),
        "MemUsage" => format!(
            "{} / {}",
            bytes_size(e.memory_bytes),
            bytes_size(e.limit_bytes)
        ),
        "MemPerc" if e.limit_bytes == 0 => percentage(0.0),
        "MemPerc" => percentage(e.memory_bytes as f64 / e.limit_bytes as f64 * 100.0),
        "NetIO" => format!("{} / {}", human_size(e.net_rx), human_size(e.net_tx)),
        "BlockIO" => format!(
            "{} / {}",
            human_size(e.block_read),
            human_size(e.block_write)
        ),
        "PIDs" => e.pids.to_string(),
        _ => return None,
    })
}

/// The table (or the formatted lines) for these readings.
pub fn render(entries: &[Entry], format: Option<&str>, no_trunc: bool) -> Result<String, String> {
    let template = match format {
        None | Some("table") => DEFAULT_TABLE,
        Some(f) => f,
    };
    let (table, body) = match template.strip_prefix("table") {
        Some(rest) => (true, rest.trim_start().to_string()),
        None => (false, template.to_string()),
    };
    let body = body.replace("\\t", "\t");
    let fix = |e: String| e.replace("in type container", "in type *container.statsContext");
    let render = |e: &Entry| -> Result<String, String> {
        render_template(&body, &|path: &[&str]| match path {
            [name] => field(e, name, no_trunc),
            _ => None,
        })
        .map_err(fix)
    };
    if !table {
        let lines: Result<Vec<String>, String> = entries.iter().map(render).collect();
        return Ok(lines?.join("\n"));
    }
    let header = render_template(&body, &|path: &[&str]| {
        HEADERS
            .iter()
            .find(|(f, _)| path == [*f])
            .map(|(_, h)| h.to_string())
    })
    .map_err(fix)?;
    let mut rows = vec![header.split('\t').map(str::to_string).collect::<Vec<_>>()];
    for e in entries {
        rows.push(render(e)?.split('\t').map(str::to_string).collect());
    }
    Ok(tabwrite(&rows))
}

/// `docker stats`.
pub fn run(world: &mut World, options: &StatsOptions, rec: &mut Record) -> Result<(), DockerError> {
    let mut entries = Vec::new();
    if options.containers.is_empty() {
        for c in world.engine.newest_first() {
            let listed = options.all
                || matches!(
                    c.status(),
                    Status::Running | Status::Paused | Status::Restarting
                );
            if listed {
                entries.push(entry(world, c, &c.id.0));
            }
        }
    } else {
        let mut errors = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for given in &options.containers {
            if seen.contains(&given.as_str()) {
                continue;
            }
            seen.push(given);
            match world.engine.resolve(given) {
                Ok(id) => entries.push(entry(world, &world.engine.containers[&id], given)),
                Err(e) => errors.push(e.message),
            }
        }
        if !errors.is_empty() {
            return Err(DockerError::new(errors.join("\n"), 1));
        }
    }
    for e in &entries {
        rec.touch(e.name.trim_start_matches('/'));
    }
    if options.no_stream && entries.is_empty() {
        rec.say("No container to report on: docker stats --no-stream prints nothing at all.");
        return Ok(());
    }
    let text = render(&entries, options.format.as_deref(), options.no_trunc)
        .map_err(|e| DockerError::new(e, 1))?;
    if !text.is_empty() {
        rec.out(text);
    }
    let machine = machine_memory(world);
    if entries.iter().any(|e| e.limit_bytes == machine) {
        rec.say(format!(
            "MEM USAGE is what each container's processes hold; a LIMIT of {} is all of this machine's memory, because nothing capped the container (`docker run --memory`, a service's `--limit-memory`). Containers share the host's kernel and memory: nothing is set aside for them the way a VM's memory is.",
            bytes_size(machine)
        ));
    }
    if let Some(e) = entries
        .iter()
        .find(|e| e.limit_bytes > 0 && e.limit_bytes != machine)
    {
        rec.say(format!(
            "{}'s LIMIT ({}) is the memory cap it was given (`docker run --memory`, or its service's `--limit-memory`): past it, the kernel's OOM killer ends the process.",
            e.name.trim_start_matches('/'),
            bytes_size(e.limit_bytes)
        ));
    }
    if !options.no_stream {
        rec.say("Real `docker stats` keeps this table on screen and redraws it every second until you press Ctrl-C; here it prints one reading and gives the prompt back (`--no-stream` asks for exactly one).");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_size_is_go_units_bytes_size() {
        assert_eq!(bytes_size(0), "0B");
        assert_eq!(bytes_size(8 * 1024 * 1024), "8MiB");
        assert_eq!(bytes_size(16 << 30), "16GiB");
        assert_eq!(bytes_size(600 * 1024), "600KiB");
        assert_eq!(bytes_size(7_675_576), "7.32MiB");
        assert_eq!(bytes_size(1023 * 1024 + 1000), "1024KiB");
        assert_eq!(bytes_size(16_747_000_000), "15.6GiB");
        assert_eq!(bytes_size(1_234_567), "1.177MiB");
    }

    #[test]
    fn access_lines_report_their_body_size() {
        assert_eq!(
            served_body_bytes(
                "172.17.0.1 - - [05/Jan/2026:09:00:12 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"curl/8.5.0\" \"-\""
            ),
            Some(615)
        );
        assert_eq!(served_body_bytes("GET /health 200 15 - 1.234 ms"), Some(15));
        assert_eq!(served_body_bytes("web 1.0 listening on :80"), None);
    }

    #[test]
    fn stopped_containers_read_zero_formatter_stats_go() {
        let e = Entry {
            container: "done".into(),
            name: "/done".into(),
            id: "0123456789abcdef".into(),
            ..Entry::default()
        };
        assert_eq!(
            render(&[e], None, false).unwrap(),
            "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS\n0123456789ab   done      0.00%     0B / 0B             0.00%     0B / 0B   0B / 0B     0"
        );
    }
}
