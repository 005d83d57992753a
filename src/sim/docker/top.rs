//! `docker top CONTAINER [ps OPTIONS]` and the process tree it shows.
//!
//! The daemon (moby `daemon/top_unix.go`) refuses a container that is not running (`container
//! <id> is not running`) or is restarting (`Container <id> is restarting, wait until the container
//! is running`), lists a paused one, runs the host's `ps -ef`, and keeps the rows whose PID belongs
//! to the container. The CLI (docker/cli `cli/command/container/top.go`) prints the titles and rows
//! with `tabwriter.NewWriter(out, 20, 1, 3, ' ', 0)`: every column at least 20 wide, 3 spaces of
//! padding. So the PIDs are the host's, the PPID of the main process is its containerd-shim, and
//! the UIDs are the kernel's numbers as the host's `/etc/passwd` names them.
//!
//! What we model: the main process at the container's host PID (`State.Pid`), its shim a little
//! before it; an entrypoint script (`docker-entrypoint.sh`) has exec'd the real program, so ps
//! shows the program; nginx renames itself `nginx: master process …` and forks two workers (the
//! `start worker process 29/30` of its log, here host PIDs pid+1 and pid+2) that run as the
//! image's `nginx` user (UID 101); the postgres and redis entrypoints drop to their user with
//! `gosu` (UID 999), and postgres starts its background processes. The host has no account for
//! those UIDs, so ps prints the numbers. CPU time follows the same idle figures `docker stats`
//! shows (src/sim/docker/stats.rs). Simplified: only ps's default `-ef` columns are simulated.

use super::super::record::Record;
use super::super::time::{self, Millis, SECOND_MS};
use super::super::world::World;
use super::container::{Container, Status};
use super::engine::Engine;
use super::error::DockerError;
use super::output::tabwrite_min;

/// One row of the host's `ps -ef` that belongs to a container.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Process {
    pub uid: String,
    pub pid: u32,
    pub ppid: u32,
    pub cmd: String,
}

/// How far before the container's main process its containerd-shim was started (the shim forks
/// runc, which creates the container's init).
const SHIM_PID_OFFSET: u32 = 25;

/// Entrypoint scripts of official images that end with `exec "$@"`.
const EXEC_SCRIPTS: &[&str] = &["docker-entrypoint.sh"];

/// postgres's own processes besides the postmaster (PostgreSQL 16, an idle server).
const POSTGRES_BACKGROUND: &[&str] = &[
    "postgres: checkpointer ",
    "postgres: background writer ",
    "postgres: walwriter ",
    "postgres: autovacuum launcher ",
    "postgres: logical replication launcher ",
];

fn base(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The command line ps shows for the main process once any entrypoint script has exec'd it.
fn exec_argv(argv: &[String]) -> (&[String], bool) {
    match argv.split_first() {
        Some((first, rest)) if EXEC_SCRIPTS.contains(&base(first)) && !rest.is_empty() => {
            (rest, true)
        }
        _ => (argv, false),
    }
}

/// A user as the image config gives it (`USER node`, `1000:1000`), as the host's ps prints it.
fn uid_text(user: &str) -> String {
    let user = user.split(':').next().unwrap_or("");
    match user {
        "" | "0" | "root" => "root".to_string(),
        // The official images' users, by the UID they are created with.
        "node" => "1000".to_string(),
        "nginx" => "101".to_string(),
        "postgres" | "redis" => "999".to_string(),
        other => other.to_string(),
    }
}

/// The container's processes as the host's `ps -ef` lists them (empty when it has none).
pub fn processes(engine: &Engine, c: &Container) -> Vec<Process> {
    if !c.status().is_up() || c.state.pid == 0 {
        return Vec::new();
    }
    let argv = c.config.argv();
    let (command, via_script) = exec_argv(&argv);
    let Some(program) = command.first().map(|w| base(w).to_string()) else {
        return Vec::new();
    };
    let image_user = engine
        .images
        .by_id
        .get(&c.config.image_id)
        .map(|i| i.config.user.clone())
        .unwrap_or_default();
    let mut uid = uid_text(&image_user);
    if via_script && uid == "root" && matches!(program.as_str(), "postgres" | "redis-server") {
        // `exec gosu postgres "$@"` / `exec gosu redis "$@"` in the official entrypoints.
        uid = "999".to_string();
    }
    let pid = c.state.pid;
    let joined = command.join(" ");
    let main_cmd = match program.as_str() {
        "nginx" => format!("nginx: master process {joined}"),
        "redis-server" => {
            let port = command
                .iter()
                .position(|a| a == "--port")
                .and_then(|i| command.get(i + 1))
                .map_or("6379", String::as_str);
            format!("redis-server *:{port}")
        }
        _ => joined,
    };
    let mut list = vec![Process {
        uid: uid.clone(),
        pid,
        ppid: pid.saturating_sub(SHIM_PID_OFFSET),
        cmd: main_cmd,
    }];
    let children: Vec<(String, String)> = match program.as_str() {
        "nginx" => (0..2)
            .map(|_| ("101".to_string(), "nginx: worker process".to_string()))
            .collect(),
        "postgres" => POSTGRES_BACKGROUND
            .iter()
            .map(|cmd| (uid.clone(), cmd.trim_end().to_string()))
            .collect(),
        _ => Vec::new(),
    };
    for (i, (uid, cmd)) in children.into_iter().enumerate() {
        list.push(Process {
            uid,
            pid: pid + 1 + i as u32,
            ppid: pid,
            cmd,
        });
    }
    list
}

/// procps `pr_stime` (ps/output.c): `HH:MM` on the day the process started, `MonDD` later that
/// year, the year after that.
fn stime(started_ms: Millis, now_ms: Millis) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, _, _) = time::civil(started_ms);
    let (now_y, now_mo, now_d, ..) = time::civil(now_ms);
    if y != now_y {
        format!("{y:04}")
    } else if (mo, d) != (now_mo, now_d) {
        format!("{}{d:02}", MONTHS[(mo as usize).saturating_sub(1) % 12])
    } else {
        format!("{h:02}:{mi:02}")
    }
}

/// ps's TIME (`[DD-]HH:MM:SS` of CPU time).
fn cpu_time(cpu_ms: Millis) -> String {
    let s = cpu_ms / SECOND_MS;
    let (days, h, m, s) = (s / 86_400, (s / 3_600) % 24, (s / 60) % 60, s % 60);
    if days > 0 {
        format!("{days}-{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// `docker top CONTAINER [ps OPTIONS]`.
pub fn run(
    world: &mut World,
    container: &str,
    ps_args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let id = world.engine.resolve(container)?;
    let c = &world.engine.containers[&id];
    match c.status() {
        Status::Running | Status::Paused => {}
        Status::Restarting => return Err(DockerError::restarting(&c.id.0)),
        _ => return Err(DockerError::not_running(&c.id.0)),
    }
    // The CLI sends the words after the container as one string; the daemon runs `ps` with it.
    let joined = ps_args.join(" ");
    if !matches!(joined.as_str(), "" | "-ef" | "-fe" | "-e -f" | "-f -e") {
        return Err(DockerError::new(
            format!(
                "dockyard: `docker top {container} {joined}` is real Docker (the daemon runs `ps {joined}`), but this page simulates only ps's default `-ef` columns."
            ),
            1,
        ));
    }
    let now = world.now_ms;
    let started = c.state.started_at.unwrap_or(now);
    let cpu_ms = now.saturating_sub(started) * super::stats::idle_cpu_hundredths(c) / 10_000;
    let mut rows = vec![
        ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
            .map(str::to_string)
            .to_vec(),
    ];
    let list = processes(&world.engine, c);
    for (i, p) in list.iter().enumerate() {
        // The main process accounts for the container's CPU; its helpers sit idle.
        let time = if i == 0 {
            cpu_time(cpu_ms)
        } else {
            cpu_time(0)
        };
        rows.push(vec![
            p.uid.clone(),
            p.pid.to_string(),
            p.ppid.to_string(),
            "0".to_string(),
            stime(started, now),
            "?".to_string(),
            time,
            p.cmd.clone(),
        ]);
    }
    rec.out(tabwrite_min(&rows, 20));
    rec.touch(c.name.clone());
    let name = c.name.clone();
    let paused = c.status() == Status::Paused;
    rec.say(format!(
        "These are {name}'s processes as the host sees them: host PIDs (inside the container the main process is PID 1), its parent is the containerd-shim that keeps it running, and UIDs are the kernel's numbers, so a container user the host has no account for shows as a number."
    ));
    if paused {
        rec.say(format!(
            "{name} is paused: its processes are still there, frozen by the cgroup freezer, so docker top lists them."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::super::time::DAY_MS;
    use super::*;

    #[test]
    fn tabwriter_min_width_20_docker_cli_top_go() {
        let out = tabwrite_min(
            &[
                vec!["UID".into(), "PID".into(), "CMD".into()],
                vec!["root".into(), "1234".into(), "sleep 3600".into()],
            ],
            20,
        );
        assert_eq!(
            out,
            "UID                 PID                 CMD\nroot                1234                sleep 3600"
        );
    }

    #[test]
    fn stime_follows_procps_pr_stime() {
        assert_eq!(stime(0, 5_000), "09:00");
        assert_eq!(stime(0, DAY_MS), "Jan05");
        assert_eq!(stime(0, 400 * DAY_MS), "2026");
        assert_eq!(cpu_time(3_600_000 + 61_000), "01:01:01");
        assert_eq!(cpu_time(DAY_MS + 1_000), "1-00:00:01");
    }
}
