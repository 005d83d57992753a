//! `ssh HOST [COMMAND…]` and `exit`: the lab's hosts, reached from the learner's terminal.
//!
//! What real ssh does: `ssh HOST COMMAND…` joins the words into one command line that the remote
//! shell runs; `ssh HOST` alone opens a login shell there until `exit`. An unknown host is
//! `ssh: Could not resolve hostname …` and a host that is down `No route to host`, exit 255.
//!
//! What we model: on a swarm lab's machine (`node-2`) the command runs with that machine's engine
//! mounted (`World::on_host`), and `ssh node-2` alone moves the terminal there until `exit`. On
//! the "works on my machine" hosts (`laptop`, `ci`, `prod`) `node --version`, `node server.js`
//! (each with the host's own Node.js, src/sim/lab/node.rs), `npm start` and `docker run …
//! notes-api:1.0` (with the image's Node.js) run; each run is recorded on the host.
//!
//! What we simplify: no interactive sessions on the lab hosts; their `docker` knows only `run`
//! of the course image, with docker/cli's own flags and errors (src/sim/docker/cli.rs).

use super::model::{AppRun, HOST};
use super::node::{major, run_script};
use crate::sim::docker::cli::{self, DockerCommand};
use crate::sim::docker::error::DockerError;
use crate::sim::docker::image;
use crate::sim::hostfs::{self, PROJECT_DIR};
use crate::sim::record::Record;
use crate::sim::world::World;

/// The Node.js version an image of the project carries: from the Dockerfile's `FROM node:N…`
/// if there is one, else the course image's `node:22-alpine`.
pub fn image_node_version(world: &World) -> String {
    let major = world
        .fs
        .read(&format!("{PROJECT_DIR}/Dockerfile"))
        .ok()
        .and_then(|text| {
            text.lines().find_map(|l| {
                let l = l.trim();
                let from = l
                    .strip_prefix("FROM ")
                    .or_else(|| l.strip_prefix("from "))?;
                let tag = from.trim().strip_prefix("node:")?;
                tag.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse::<u32>()
                    .ok()
            })
        })
        .unwrap_or(22);
    match major {
        22 => "v22.11.0".to_string(),
        20 => "v20.18.1".to_string(),
        18 => "v18.20.5".to_string(),
        16 => "v16.20.2".to_string(),
        n => format!("v{n}.0.0"),
    }
}

/// `ssh HOST COMMAND…` to one of the lab hosts.
pub fn ssh(world: &mut World, args: &[String], rec: &mut Record) -> Result<(), DockerError> {
    let Some(host) = args.first() else {
        return Err(DockerError::new(
            "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]\n           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]\n           [-J destination] [-L address] [-l login_name] [-m mac_spec]\n           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]\n           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]\n           destination [command [argument ...]]",
            255,
        ));
    };
    let host = host.rsplit('@').next().unwrap_or(host).to_string();
    // The off-site machine (src/sim/offsite.rs): file commands only, it runs no Docker.
    if let Some(result) = crate::sim::offsite::ssh(world, &host, &args[1..], rec) {
        return result;
    }
    // A machine of the swarm lab, with its own engine: `ssh node-2 docker ps` runs the command
    // there; `ssh node-2` alone moves the terminal there until `exit`.
    if world.swarm.machines.contains_key(&host) {
        if !world.swarm.machines[&host].up {
            return Err(DockerError::new(
                format!("ssh: connect to host {host} port 22: No route to host"),
                255,
            ));
        }
        rec.touch(&host);
        if args.len() == 1 {
            return log_in(world, &host, rec);
        }
        // ssh sends its arguments joined by spaces; the remote shell splits them again, so a
        // quoted `'docker exec $(docker ps -q …)'` is expanded there, not here.
        let line = args[1..].join(" ");
        return world
            .on_host(&host, |w| crate::sim::shell::run_line(w, &line, rec))
            .unwrap_or(Ok(()));
    }
    if !world.lab.machines.contains_key(&host) {
        return Err(DockerError::new(
            format!("ssh: Could not resolve hostname {host}: Name or service not known"),
            255,
        ));
    }
    let command: Vec<String> = args[1..].to_vec();
    let Some(program) = command.first().map(String::as_str) else {
        return Err(DockerError::new(
            "dockyard: interactive ssh sessions are not simulated; give the command to run, e.g. `ssh prod node --version`",
            1,
        ));
    };
    rec.touch(&host);
    match program {
        "node" => ssh_node(world, &host, &command[1..], rec),
        "npm" if command.get(1).map(String::as_str) == Some("start") => {
            rec.out("");
            rec.out("> notes-api@1.0.0 start");
            rec.out("> node server.js");
            rec.out("");
            ssh_node(world, &host, &["server.js".to_string()], rec)
        }
        "docker" => ssh_docker(world, &host, &command[1..], rec),
        other => Err(DockerError::new(
            format!("bash: line 1: {other}: command not found"),
            127,
        )),
    }
}

/// `ssh node-2` without a command: the terminal's shell now runs on node-2 (its engine, its
/// files are the lab's shared project folder) until `exit`.
fn log_in(world: &mut World, host: &str, rec: &mut Record) -> Result<(), DockerError> {
    let from = world.swarm.local.clone();
    if host == from {
        rec.say(format!("This terminal is already on {host}."));
        return Ok(());
    }
    if !world.mount(host) {
        return Err(DockerError::new(
            format!("ssh: Could not resolve hostname {host}: Name or service not known"),
            255,
        ));
    }
    world.shell.hops.push(from.clone());
    world.swarm.local = host.to_string();
    rec.out(format!(
        "Welcome to {} (GNU/{} x86_64)",
        HOST.os, HOST.kernel
    ));
    rec.say(format!(
        "The terminal is now a shell on {host}: `docker …` talks to {host}'s own engine (its containers, images, volumes). `exit` comes back to {from}."
    ));
    Ok(())
}

/// `exit`: leaves the `ssh` session the terminal is in, back to the machine it came from.
pub fn exit(world: &mut World, rec: &mut Record) -> Result<(), DockerError> {
    let Some(back) = world.shell.hops.pop() else {
        return Err(DockerError::new(
            "dockyard: this terminal is the lab's own shell, not an ssh session: there is nothing to exit to",
            1,
        ));
    };
    let left = world.swarm.local.clone();
    world.mount(&back);
    world.swarm.local = back.clone();
    rec.out("logout");
    rec.out(format!("Connection to {left} closed."));
    rec.touch(&back);
    rec.say(format!("Back on {back}."));
    Ok(())
}

fn ssh_node(
    world: &mut World,
    host: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let machine = &world.lab.machines[host];
    let version = machine.node_version;
    let role = machine.role;
    match args.first().map(String::as_str) {
        Some("--version") | Some("-v") => {
            rec.out(version);
            rec.say(format!(
                "{host} ({role}) has Node.js {version} installed: whatever its admin installed, whenever."
            ));
            Ok(())
        }
        Some(script) => {
            // The same commit is checked out at the same path on every host.
            let path = hostfs::normalise(PROJECT_DIR, script);
            let Ok(source) = world.fs.read(&path).map(str::to_string) else {
                let mut lines = vec![
                    "node:internal/modules/cjs/loader:1080".to_string(),
                    "  throw err;".to_string(),
                    "  ^".to_string(),
                    String::new(),
                    format!("Error: Cannot find module '{path}'"),
                ];
                if major(version) >= 17 {
                    lines.push(String::new());
                    lines.push(format!("Node.js {version}"));
                }
                return Err(DockerError::new(lines.join("\n"), 1));
            };
            let (ok, lines) = run_script(&path, &source, version);
            let summary = if ok {
                lines[0].clone()
            } else {
                lines[4].clone()
            };
            let now = world.now_ms;
            world
                .lab
                .machines
                .get_mut(host)
                .expect("checked")
                .from_source = Some(AppRun {
                ok,
                node_version: version.to_string(),
                summary: summary.clone(),
                at_ms: now,
            });
            if ok {
                rec.out(lines.join("\n"));
                rec.say(format!(
                    "From source, the app runs on {host}'s own Node.js {version}: it starts (`{summary}`). (Dockyard lets the server run on and gives you the prompt back.)"
                ));
                Ok(())
            } else {
                rec.say(format!(
                    "Same code, different result: {host} has Node.js {version}, which does not have what server.js uses. \"Works on my machine\" — because each machine brings its own runtime."
                ));
                // The run is recorded on the host: keep that state change.
                Err(DockerError::new(lines.join("\n"), 1).keeping_state())
            }
        }
        None => Err(DockerError::new(
            "dockyard: the interactive Node.js REPL is not simulated; run a script, e.g. `ssh prod node server.js`",
            1,
        )),
    }
}

/// The course image the lab hosts have in their registry.
pub const LAB_IMAGE: &str = "notes-api";

fn ssh_docker(
    world: &mut World,
    host: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    if args.first().map(String::as_str) != Some("run") {
        return Err(DockerError::new(
            "dockyard: on the lab hosts only `docker run … notes-api:1.0` is simulated",
            1,
        ));
    }
    // docker/cli's own parser: the same flags, words and exit codes as on this host.
    let image_arg = match cli::parse(args)? {
        DockerCommand::Run(options) => options.image,
        _ => return Err(DockerError::new("dockyard: expected `docker run`", 1)),
    };
    let reference = image::ImageRef::parse(&image_arg).map_err(|e| DockerError::new(e, 125))?;
    if reference.repo != LAB_IMAGE || reference.tag != "1.0" {
        return Err(DockerError::new(
            format!(
                "dockyard: the lab hosts have only the course image notes-api:1.0 (not {})",
                reference.full()
            ),
            125,
        ));
    }
    let version = image_node_version(world);
    let path = "/app/server.js";
    let source = world
        .fs
        .read(&format!("{PROJECT_DIR}/server.js"))
        .map(str::to_string)
        .unwrap_or_default();
    let (ok, lines) = run_script(path, &source, &version);
    let summary = if ok {
        lines[0].clone()
    } else {
        lines[4].clone()
    };
    let now = world.now_ms;
    let host_node = world.lab.machines[host].node_version;
    world
        .lab
        .machines
        .get_mut(host)
        .expect("checked")
        .from_image = Some(AppRun {
        ok,
        node_version: version.clone(),
        summary: summary.clone(),
        at_ms: now,
    });
    let id = world.rng.hex(64);
    rec.out(id);
    if ok {
        rec.say(format!(
            "From the image, {host} runs the app with the Node.js {version} inside the image — its own Node.js {host_node} is never used. Result: `{summary}`, the same on every host that runs this image."
        ));
    } else {
        rec.say(format!(
            "The container started and its process exited: the image's Node.js {version} lacks what server.js uses (`{summary}`). It fails the same way on every host — an image makes behaviour consistent, not correct."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::World;
    use crate::sim::input::Input;
    use crate::sim::record::Record;
    use crate::sim::step::step;

    fn run(world: &mut World, line: &str) -> Record {
        world.submit(Input::Command(line.to_string()));
        step(world).expect("a record")
    }

    #[test]
    fn source_differs_by_host_image_does_not() {
        let mut w = World::new(1);
        w.fs.seed_project("node-app").unwrap();
        for host in ["laptop", "ci", "prod"] {
            run(&mut w, &format!("ssh {host} node server.js"));
            run(
                &mut w,
                &format!("ssh {host} docker run -d -p 3000:3000 notes-api:1.0"),
            );
        }
        let source: Vec<bool> = w
            .lab
            .machines
            .values()
            .map(|m| m.from_source.as_ref().unwrap().ok)
            .collect();
        // BTreeMap order: ci, laptop, prod.
        assert_eq!(source, vec![true, true, false]);
        let image: Vec<&AppRun> = w
            .lab
            .machines
            .values()
            .map(|m| m.from_image.as_ref().unwrap())
            .collect();
        assert!(image.iter().all(|r| r.ok && r.node_version == "v22.11.0"));
    }

    #[test]
    fn ssh_to_an_unknown_host() {
        let mut w = World::new(1);
        let r = run(&mut w, "ssh staging node --version");
        assert!(
            r.terminal_text()
                .ends_with("ssh: Could not resolve hostname staging: Name or service not known")
        );
        let r = run(&mut w, "ssh prod node --version");
        assert_eq!(r.terminal_text(), "$ ssh prod node --version\nv16.20.2");
    }

    /// The lab hosts' `docker run` is docker/cli's parser: its words and exit 125.
    #[test]
    fn lab_docker_run_uses_docker_clis_parser() {
        let mut w = World::new(1);
        let words: Vec<String> = ["prod", "docker", "run", "--bogus", "notes-api:1.0"]
            .map(String::from)
            .to_vec();
        let e = ssh(&mut w, &words, &mut Record::new(0)).unwrap_err();
        assert_eq!(e.exit_code, 125);
        assert!(
            e.message
                .starts_with("unknown flag: --bogus\n\nUsage:  docker run")
        );
    }
}
