//! `docker exec`: a second process in a running container, for the `docker` CLI and for
//! `docker compose exec`.
//!
//! The real daemon starts the process in the container's namespaces with the container's
//! environment plus `HOSTNAME` and the `-e` additions; it refuses a paused, restarting or stopped
//! container, and a program not on the image's `$PATH` fails with the OCI runtime's words and exit
//! 127. We model that refusal and route the command by what it is: file commands through the
//! container's filesystem (src/sim/docker/execfs.rs), network tools (src/sim/docker/probe.rs),
//! database and cache clients (src/sim/docker/apps.rs), and a few programs answered here (`ps`,
//! `hostname`, `env`, `echo`, `ls`, `curl localhost`). Simplified: the exec'd process runs to its
//! end within the step, `-i`/`-t` change nothing, and an interactive shell is declined with a
//! pointer to one command at a time.

use crate::sim::docker::container::Status;
use crate::sim::docker::error::DockerError;
use crate::sim::ids::ContainerId;
use crate::sim::record::Record;
use crate::sim::world::World;

/// What `docker exec` asks of the daemon, typed: what the `docker` CLI builds from its flags and
/// what `docker compose exec` builds for a service's container (no argv is rebuilt in between).
pub(crate) struct ExecRequest<'a> {
    /// The container as given (a name or an ID prefix).
    pub container: &'a str,
    /// The command and its arguments; never empty (both CLIs require it).
    pub argv: &'a [String],
    /// `-e KEY=VALUE` additions to the container's environment.
    pub env: &'a [String],
    pub detach: bool,
}

/// `docker exec`'s model, for both CLIs: resolve the container, then run the command in it.
pub(crate) fn exec_in(
    world: &mut World,
    request: &ExecRequest,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let id = world.engine.resolve(request.container)?;
    exec(
        world,
        &id,
        request.container,
        request.argv,
        request.env,
        request.detach,
        rec,
    )
}

/// A file tool or database client (src/sim/docker/execfs.rs), and the time its bytes take.
fn run_file_tool(
    world: &mut World,
    id: &ContainerId,
    argv: &[String],
    rec: &mut Record,
) -> Option<Result<(), DockerError>> {
    world.shell.bytes_moved = 0;
    let result = crate::sim::docker::execfs::run(world, id, argv, rec)?;
    let bytes = std::mem::take(&mut world.shell.bytes_moved);
    if result.is_ok() && bytes > 0 {
        wait_for_bytes(world, bytes, rec);
    }
    Some(result)
}

/// A backup tool's work takes time (src/sim/docker/archiving.rs): the prompt returns once its
/// bytes are read and written, and a restore counts as finished then.
fn wait_for_bytes(world: &mut World, bytes: u64, rec: &mut Record) {
    let took_ms = crate::sim::docker::archiving::duration_ms(bytes);
    crate::sim::backup::restore_takes(world, took_ms);
    // What it reports on stderr comes as it works; the terminal shows it when it is done.
    let mut lines = Vec::new();
    rec.terminal.retain(|l| {
        if l.stream == crate::sim::record::Stream::Stderr {
            lines.push((true, l.text.clone()));
            false
        } else {
            true
        }
    });
    world
        .shell
        .waiting
        .push(crate::sim::world::Waiter::Finish { lines });
    world.schedule_in(took_ms, crate::sim::event::Event::Wake);
    rec.say(format!(
        "It moves {} of data: at disk speed that takes {}; the prompt returns then.",
        crate::sim::docker::archiving::human_size(bytes),
        crate::sim::time::short_duration(took_ms)
    ));
}

/// `docker exec`: a second process in a running container.
fn exec(
    world: &mut World,
    id: &ContainerId,
    given: &str,
    argv: &[String],
    env: &[String],
    detach: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let c = &world.engine.containers[id];
    match c.status() {
        Status::Running => {}
        Status::Paused => {
            return Err(DockerError::daemon(format!(
                "Container {given} is paused, unpause the container before exec"
            )));
        }
        Status::Restarting => {
            return Err(DockerError::restarting(&c.id.0));
        }
        _ => {
            return Err(DockerError::not_running(&c.id.0));
        }
    }
    let name = c.name.clone();
    rec.touch(&name);
    let program = argv[0].rsplit('/').next().unwrap_or(&argv[0]).to_string();
    let mut all_env = c.config.env.clone();
    all_env.push(format!("HOSTNAME={}", c.config.hostname));
    all_env.extend(env.iter().cloned());
    // Files inside the container go through its filesystem view
    // (src/sim/docker/containerfs/mod.rs).
    if let Some(result) = run_file_tool(world, id, argv, rec) {
        return result;
    }
    // Network tools (curl and wget, ping, nslookup, getent): src/sim/docker/probe.rs.
    if let Some(result) = crate::sim::docker::probe::run(world, id, argv, rec) {
        return result;
    }
    // Database and cache clients (redis-cli ping, pg_isready): src/sim/docker/apps.rs.
    if let Some(result) = crate::sim::docker::apps::exec(world, id, argv, rec) {
        return result;
    }
    let c = &world.engine.containers[id];
    let out: Vec<String> = match program.as_str() {
        "ps" => {
            rec.say(format!("Inside {name}, PID 1 is the container's main process; your exec'd command is just another process beside it."));
            vec![
                "PID   USER     TIME  COMMAND".to_string(),
                format!("    1 root      0:00 {}", c.program.as_ref().map(|p| p.name.as_str()).unwrap_or("")),
                format!("   {} root      0:00 {}", 7 + c.run, argv.join(" ")),
            ]
        }
        "hostname" => vec![c.config.hostname.clone()],
        "cat" if argv.get(1).map(String::as_str) == Some("/etc/hostname") => vec![c.config.hostname.clone()],
        "env" | "printenv" => all_env,
        "echo" => vec![argv[1..].join(" ")],
        "true" => vec![],
        "ls" => vec!["bin    dev    etc    home   lib    media  mnt    opt    proc   root   run    sbin   srv    sys    tmp    usr    var".to_string()],
        "sh" | "bash" | "ash" if argv.len() == 1 => {
            return Err(DockerError::new(
                "dockyard: interactive shells are not simulated; run one command at a time, e.g. `docker exec web ps`",
                1,
            ));
        }
        _ => {
            return Err(DockerError::new(
                format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{}\": executable file not found in $PATH: unknown", argv[0]),
                127,
            ));
        }
    };
    if !detach && !out.is_empty() {
        rec.out(out.join("\n"));
    }
    Ok(())
}
