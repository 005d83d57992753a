//! The shell's own small programs: `sleep` and `help`.
//!
//! coreutils' `sleep N` blocks the prompt for N seconds (with an `s`/`m`/`h` suffix, the unit);
//! a shell's `help` lists its builtins. We model `sleep` as a waiter that keeps the prompt busy
//! until an `Event::Wake` the agenda fires N simulated seconds later (`shell::on_wake`), and
//! `help` as docker's usage followed by what else this terminal takes (other programs, file
//! commands, the faults). Simplified: `sleep` takes one interval and an invalid one is refused
//! whole; `help` describes this simulator's terminal, not bash's builtins.

use crate::sim::docker::cli;
use crate::sim::docker::error::DockerError;
use crate::sim::event::Event;
use crate::sim::record::Record;
use crate::sim::time;
use crate::sim::world::{Waiter, World};

/// `sleep N`: the prompt stays busy until N of simulated time has passed.
pub(super) fn sleep(
    world: &mut World,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let duration_ms = args
        .first()
        .and_then(|w| time::parse_duration(w))
        .ok_or_else(|| DockerError::new("sleep: invalid time interval", 1))?;
    world.shell.waiting.push(Waiter::Sleep);
    world.schedule_in(duration_ms, Event::Wake);
    rec.say(format!(
        "The shell sleeps for {}: step forward to let the time pass.",
        time::short_duration(duration_ms)
    ));
    Ok(())
}

/// `help`: docker's usage, then the rest of this terminal.
pub(super) fn help(world: &World, rec: &mut Record) -> Result<(), DockerError> {
    rec.out(cli::HELP.trim_start());
    rec.out(terminal_help(world));
    Ok(())
}

/// The rest of what this terminal takes (the shell's `help`, after docker's): other programs,
/// files, and the faults; on a swarm, where the reader is and what to try first.
fn terminal_help(world: &World) -> String {
    let mut out = String::from(
        "
Also in this terminal:
  curl URL, sleep N (lets time pass), clear, help
  ssh HOST CMD          run CMD on another machine of the lab (ssh node-2 docker ps)
  multipass …           VMs (launch, list, info, stop, start, delete, purge)
  df -h /, du -sh DIR, systemctl restart docker
  cat, echo … > FILE, cat > FILE <<EOF, ls, rm, mkdir, touch, pwd, cd   (the project folder)
  cp, mv, chmod, date, sha256sum, tar, gzip, gunzip, crontab
  scp, rsync, ssh backup-host CMD   (a machine in another building, for off-site copies)
  mount [-o ro] /dev/sdb1 DIR, umount DIR   (the host's second disk)
  docker … > FILE, docker exec -i … < FILE   (the host's shell redirects the command's output/input)

Faults (a line starting with !):
  !crash NAME [CODE]    !oom NAME    !leak NAME 10M/s    !busy NAME    !reboot   (a container or a Compose service)
  !kill NODE    !start NODE    !partition NODE…    !heal    !fill-disk NODE    !free-disk NODE
  !traffic start NODE:PORT N/s    !traffic stop
  !writes start CONTAINER TABLE 1/h    !writes stop    (an app writing rows into PostgreSQL)
  !drop-table NAME    !delete-volume NAME    !corrupt-volume NAME    !lose-disk [NODE]    !ransomware",
    );
    if world.swarm.active() {
        let machines = world.swarm.machines.len();
        out.push_str(&format!(
            "

This shell is on {}, one of a {machines}-machine swarm: try docker node ls,
docker service create -d --name web --replicas 3 -p 8080:80 dockyard/web:1.0, docker service ps web.",
            world.engine.hostname
        ));
    }
    out
}

/// `export NAME=VALUE…` (a bare `export` lists them as bash does) and `unset NAME…`.
pub(super) fn variables(
    world: &mut World,
    words: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let unset = words[0] == "unset";
    if words.len() == 1 && !unset {
        for (name, value) in &world.shell.env {
            rec.out(format!("declare -x {name}=\"{value}\""));
        }
        return Ok(());
    }
    for word in &words[1..] {
        if unset {
            world.shell.env.remove(word.as_str());
            continue;
        }
        let (name, value) = word.split_once('=').unwrap_or((word.as_str(), ""));
        let valid = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(DockerError::new(
                format!("bash: export: `{word}': not a valid identifier"),
                1,
            ));
        }
        if word.contains('=') {
            world.shell.env.insert(name.to_string(), value.to_string());
        }
    }
    Ok(())
}

/// `systemctl stop|start|restart docker` on a machine of the swarm lab: the daemon as on any host
/// (src/sim/docker/disk/mod.rs), and the node it is: its tasks stop with it, a manager's Raft
/// member is away, and at start the engine reads its swarm folder (src/sim/swarm/statedir.rs).
pub(super) fn systemctl_on_swarm_machine(
    world: &mut World,
    words: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    use crate::sim::swarm::statedir;
    let verb = words.get(1).map(String::as_str).unwrap_or("");
    let docker = matches!(
        words.get(2).map(String::as_str),
        Some("docker" | "docker.service")
    );
    if docker && verb == "restart" {
        statedir::dockerd_stopped(world, rec);
    }
    crate::sim::docker::disk::host_command(world, words, rec)?;
    if docker {
        match verb {
            "stop" => statedir::dockerd_stopped(world, rec),
            "start" | "restart" if world.disk.daemon.running => {
                statedir::dockerd_started(world, rec)
            }
            _ => {}
        }
    }
    Ok(())
}
