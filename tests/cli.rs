//! Bad input never panics and never corrupts state: every mistake gets Docker's words and the
//! simulation is unchanged.

mod common;

use common::{Host, output};
use dockyard::sim::Input;
use dockyard::sim::rng::Rng;

/// Sets up a host with a running, a paused and an exited container.
fn busy_host() -> Host {
    let mut host = Host::new(5);
    host.run("docker run -d --name web -p 8080:80 nginx");
    host.run("docker run -d --name frozen alpine sleep 600");
    host.run("docker pause frozen");
    host.run("docker run --name done alpine true");
    host.wait(100);
    host
}

/// (command, text the answer must contain)
const MISTAKES: &[(&str, &str)] = &[
    ("docker run --bogus nginx", "unknown flag: --bogus"),
    ("docker ps -z", "unknown shorthand flag: 'z' in -z"),
    (
        "docker run",
        "docker: 'docker run' requires at least 1 argument",
    ),
    ("docker run --name", "flag needs an argument: --name"),
    (
        "docker run -d nosuchimage",
        "pull access denied for nosuchimage, repository does not exist or may require 'docker login'",
    ),
    (
        "docker run -d nginx:0.0.1",
        "manifest for nginx:0.0.1 not found: manifest unknown: manifest unknown",
    ),
    (
        "docker run -d Nginx",
        "invalid reference format: repository name (library/Nginx) must be lowercase",
    ),
    (
        "docker run -d --name web nginx",
        "Conflict. The container name \"/web\" is already in use by container",
    ),
    (
        "docker run -d --name 'bad name' nginx",
        "Invalid container name (bad name)",
    ),
    (
        "docker run -d -p 8080:http nginx",
        "invalid containerPort: http",
    ),
    ("docker run -d -p 99999:80 nginx", "invalid hostPort: 99999"),
    (
        "docker run -d --restart sometimes nginx",
        "invalid restart policy: unknown policy 'sometimes'",
    ),
    (
        "docker run -d --restart on-failure:x nginx",
        "invalid restart policy format: maximum retry count must be an integer",
    ),
    (
        "docker run --rm --restart always nginx",
        "conflicting options: cannot specify both --restart and --rm",
    ),
    ("docker stop nosuch", "No such container: nosuch"),
    (
        "docker rm web",
        "cannot remove container \"web\": container is running: stop the container before removing or force remove",
    ),
    (
        "docker rm frozen",
        "cannot remove container \"frozen\": container is paused and must be unpaused first",
    ),
    ("docker pause done", "is not running"),
    ("docker pause frozen", "is already paused"),
    ("docker unpause web", "is not paused"),
    (
        "docker exec frozen ps",
        "Container frozen is paused, unpause the container before exec",
    ),
    ("docker exec done ps", "is not running"),
    (
        "docker exec web nosuchtool",
        "executable file not found in $PATH",
    ),
    ("docker kill done", "cannot kill container: done: container"),
    (
        "docker kill nosuch",
        "cannot kill container: nosuch: No such container: nosuch",
    ),
    (
        "docker kill -s FOO web",
        "cannot kill container: web: invalid signal: FOO",
    ),
    ("docker logs", "docker: 'docker logs' requires 1 argument"),
    ("docker inspect nosuch", "Error: No such object: nosuch"),
    (
        "docker port web 443",
        "Error: No public port '443' published for web",
    ),
    (
        "docker port web abc",
        "Error: invalid port (abc): strconv.ParseUint: parsing \"abc\": invalid syntax",
    ),
    (
        "docker launch nginx",
        "docker: unknown command: docker launch",
    ),
    (
        "docker run -d 'unterminated",
        "unexpected EOF while looking for matching quote",
    ),
    ("kubectl get pods", "bash: kubectl: command not found"),
    (
        "docker start frozen",
        "cannot start a paused container, try unpause instead",
    ),
    (
        "docker ps --format '{{.Nope}}'",
        "can't evaluate field Nope",
    ),
];

#[test]
fn every_mistake_gets_dockers_words_and_changes_nothing() {
    for (command, expected) in MISTAKES {
        let mut host = busy_host();
        let before = host.world().clone();
        let record = host.sh(command);
        let text = output(&record);
        assert!(
            record.error,
            "`{command}` should be refused, printed:\n{text}"
        );
        assert!(
            text.contains(expected),
            "`{command}` printed:\n{text}\nexpected to contain: {expected}"
        );
        let after = host.world();
        assert_eq!(
            after.engine, before.engine,
            "`{command}` changed the containers"
        );
        assert_eq!(after.shell, before.shell, "`{command}` changed the shell");
        assert_eq!(after.rng, before.rng, "`{command}` consumed randomness");
    }
}

/// A failed start is the daemon getting part-way: the container exists in `created` with the
/// error recorded, exactly as on a real host.
#[test]
fn a_failed_start_keeps_the_created_container() {
    let mut host = busy_host();
    let record = host.sh("docker run -d --name web2 -p 8080:80 nginx");
    let text = output(&record);
    assert!(record.error);
    assert!(text.contains("failed to set up container networking: driver failed programming external connectivity on endpoint web2"));
    assert!(text.contains("Bind for 0.0.0.0:8080 failed: port is already allocated"));
    let c = host.container("web2");
    assert_eq!(c.status().as_str(), "created");
    assert_eq!(c.state.exit_code, 128);
    assert!(c.state.error.contains("port is already allocated"));
    // With -d the ID was printed before the start failed.
    assert!(text.lines().next().is_some_and(|l| l.len() == 64));
}

#[test]
fn a_missing_executable_exits_127_and_stays_created() {
    let mut host = Host::new(1);
    let record = host.sh("docker run --name nope alpine nosuchcmd");
    let text = output(&record);
    assert!(text.contains("exec: \"nosuchcmd\": executable file not found in $PATH: unknown"));
    let c = host.container("nope");
    assert_eq!((c.status().as_str(), c.state.exit_code), ("created", 127));
}

#[test]
fn faults_on_missing_containers_are_refused() {
    let mut host = Host::new(1);
    let record = host
        .timeline
        .submit(Input::Fault(dockyard::sim::Fault::Crash {
            container: "ghost".into(),
            exit_code: 1,
        }))
        .clone();
    assert!(record.error);
    assert!(host.world().engine.containers.is_empty());
}

/// Random command lines built from real and broken pieces: nothing may panic, and a refused
/// command never changes the containers.
#[test]
fn random_command_lines_never_panic() {
    const WORDS: &[&str] = &[
        "docker",
        "run",
        "create",
        "start",
        "stop",
        "kill",
        "rm",
        "ps",
        "logs",
        "exec",
        "inspect",
        "port",
        "pause",
        "unpause",
        "restart",
        "images",
        "pull",
        "-d",
        "-it",
        "-a",
        "-f",
        "-t",
        "-p",
        "8080:80",
        "80",
        "-e",
        "A=1",
        "--name",
        "web",
        "db",
        "nginx",
        "alpine",
        "redis:7",
        "dockyard/crashy",
        "sleep",
        "5",
        "sh",
        "-c",
        "'echo hi; exit 3'",
        "--rm",
        "--restart",
        "always",
        "on-failure:2",
        "--format",
        "'{{.State.Status}}'",
        "-s",
        "HUP",
        "curl",
        "localhost:8080",
        "\"",
        "'",
        "--",
        "=",
        "-",
        "--time=0",
        "-P",
        "true",
        "false",
        "ps",
        "hostname",
        "0",
    ];
    let mut rng = Rng::seeded(2024);
    let mut host = Host::new(9);
    for _ in 0..3000 {
        let count = rng.between(1, 7) as usize;
        let mut line: Vec<&str> = (0..count).map(|_| *rng.pick(WORDS)).collect();
        if rng.below(3) > 0 {
            line.insert(0, "docker");
        }
        let line = line.join(" ");
        let before = host.world().engine.clone();
        let record = host.sh(&line);
        if record.error
            && !record.terminal.iter().any(|l| {
                l.text.contains("failed to set up container networking")
                    || l.text.contains("executable file not found")
                    || l.text.contains("device or resource busy")
                    || l.text.contains("Error: failed to start containers")
            })
        {
            assert_eq!(
                host.world().engine,
                before,
                "`{line}` was refused but changed the containers"
            );
        }
        // Let a little time pass so timers fire too, and let the host misbehave now and then.
        match rng.below(12) {
            0..=2 => {
                host.timeline.forward();
            }
            3 => {
                let fault = *rng.pick(&[
                    "crash web",
                    "oom web",
                    "busy web",
                    "crash db 3",
                    "reboot",
                    "oom nosuch",
                ]);
                host.timeline
                    .submit(Input::Fault(dockyard::sim::Fault::parse(fault).unwrap()));
            }
            _ => {}
        }
    }
}

/// The host's shell writes and reads the project folder like bash and coreutils.
#[test]
fn files_in_the_project_folder() {
    let mut host = Host::new(1);
    let out =
        host.run("cat > Dockerfile <<EOF\nFROM node:20-alpine\nCMD [\"node\", \"server.js\"]\nEOF");
    assert_eq!(out, "");
    assert_eq!(
        host.run("cat Dockerfile"),
        "FROM node:20-alpine\nCMD [\"node\", \"server.js\"]\n"
    );
    host.run("echo node_modules > .dockerignore");
    host.run("echo .git >> .dockerignore");
    assert_eq!(host.run("cat .dockerignore"), "node_modules\n.git\n");
    assert_eq!(host.run("ls"), "Dockerfile\n");
    assert_eq!(host.run("ls -a"), ".dockerignore  Dockerfile\n");
    host.run("mkdir -p src/lib");
    host.run("touch src/lib/util.js");
    assert_eq!(host.run("ls src"), "lib\n");
    assert_eq!(host.run("pwd"), "/home/learner/app\n");
    let record = host.sh("cat nosuch.txt");
    assert!(record.error);
    assert!(output(&record).contains("cat: nosuch.txt: No such file or directory"));
    let record = host.sh("rm src");
    assert!(output(&record).contains("rm: cannot remove 'src': Is a directory"));
    host.run("rm -rf src");
    assert_eq!(host.run("ls"), "Dockerfile\n");
    let record = host.sh("echo hi > missing/dir/file");
    assert!(output(&record).contains("No such file or directory"));
}

/// The same no-panic sweep over everything later pages added: builds, volumes, networks, compose,
/// VMs, files and here-documents, on a host that starts with the course's project folder.
#[test]
fn random_lines_over_every_page_never_panic() {
    const WORDS: &[&str] = &[
        "docker",
        "build",
        "-t",
        "api",
        ".",
        "-f",
        "Dockerfile",
        "--target",
        "build",
        "--no-cache",
        "--build-arg",
        "V=1",
        "volume",
        "create",
        "ls",
        "rm",
        "prune",
        "-a",
        "inspect",
        "network",
        "connect",
        "disconnect",
        "--internal",
        "back",
        "front",
        "compose",
        "config",
        "-p",
        "up",
        "run",
        "-d",
        "--name",
        "db",
        "web",
        "-v",
        "data:/data",
        "./site:/site",
        "--mount",
        "type=tmpfs,target=/t",
        "--tmpfs",
        "/cache",
        "--network",
        "postgres:16",
        "-e",
        "POSTGRES_PASSWORD=x",
        "nginx",
        "alpine",
        "exec",
        "psql",
        "-U",
        "postgres",
        "-c",
        "'SELECT * FROM notes'",
        "sh",
        "'echo hi > /data/f'",
        "cat",
        "/data/f",
        "curl",
        "http://web",
        "ping",
        "-c",
        "1",
        "nslookup",
        "multipass",
        "launch",
        "24.04",
        "--memory",
        "2G",
        "list",
        "delete",
        "purge",
        "ssh",
        "prod",
        "node",
        "server.js",
        "history",
        "images",
        "rmi",
        "system",
        "df",
        "echo",
        "FROM",
        ">",
        ">>",
        "Dockerfile",
        "compose.yaml",
        "<<EOF",
        "EOF",
        "\n",
        "services:",
        "image:",
        "\"",
        "'",
        "--",
        "=",
        ":",
        "${X:-y}",
        "-q",
        "--force",
        "mkdir",
        "-p",
        "touch",
        "ls",
    ];
    for seed in 0..8 {
        let mut rng = Rng::seeded(77 + seed);
        let mut host = Host::new(13 + seed);
        host.timeline.submit(Input::Command("cat > Dockerfile <<EOF\nFROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"server.js\"]\nEOF".into()));
        host.timeline.submit(Input::Command("cat > compose.yaml <<EOF\nservices:\n  web:\n    image: nginx\n    ports: [\"8080:80\"]\nEOF".into()));
        for _ in 0..3000 {
            let count = rng.between(1, 8) as usize;
            let line: Vec<&str> = (0..count).map(|_| *rng.pick(WORDS)).collect();
            host.sh(&line.join(" "));
            if rng.below(4) == 0 {
                host.timeline.forward();
            }
        }
    }
}

/// docker/cli: a management command alone or with `--help` prints its subcommands (cobra's
/// help), `docker info --help` its flags; each is an answer (stdout, exit 0), not a mistake.
#[test]
fn management_commands_and_info_print_their_help() {
    let mut host = Host::new(3);
    for (line, expected) in [
        (
            "docker volume",
            "Usage:  docker volume COMMAND\n\nManage volumes\n\nCommands:\n  create      Create a volume\n",
        ),
        (
            "docker network --help",
            "Usage:  docker network COMMAND\n\nManage networks\n",
        ),
        ("docker image -h", "  ls          List images\n"),
        ("docker system --help", "  prune       Remove unused data\n"),
        ("docker container --help", "  ls          List containers\n"),
        (
            "docker info --help",
            "Usage:  docker info [OPTIONS]\n\nDisplay system-wide information\n\nOptions:\n  -f, --format string",
        ),
    ] {
        let record = host.sh(line);
        let text = output(&record);
        assert!(!record.error, "{line} is an answer, not a mistake: {text}");
        assert!(text.contains(expected), "{line}:\n{text}");
    }
    let record = host.sh("docker info --bogus");
    assert!(record.error);
    assert!(output(&record).starts_with("unknown flag: --bogus\n\nUsage:  docker info [OPTIONS]"));
}

/// curl's src/tool_help.c: `curl --help` prints the short help ("important" options), exit 0.
#[test]
fn curl_help_prints_curls_short_help() {
    let mut host = Host::new(3);
    for line in ["curl --help", "curl -h"] {
        let record = host.sh(line);
        let text = output(&record);
        assert!(!record.error, "{text}");
        assert!(
            text.starts_with("Usage: curl [options...] <url>\n -d, --data <data>"),
            "{text}"
        );
        assert!(text.contains("This is not the full help, this menu is stripped into categories."));
    }
}

/// A real docker command the simulation does not model is refused by name, never called unknown;
/// a made-up one is unknown in docker/cli's words.
#[test]
fn real_commands_not_simulated_are_refused_by_name() {
    let mut host = Host::new(3);
    for (line, shown) in [
        ("docker rename web api", "docker rename"),
        ("docker version", "docker version"),
        ("docker image prune -a", "docker image prune"),
        ("docker container prune", "docker container prune"),
    ] {
        let record = host.sh(line);
        assert!(record.error);
        assert_eq!(
            output(&record).trim_end(),
            format!("dockyard: `{shown}` is real Docker, but this page does not simulate it yet."),
            "{line}"
        );
    }
    let record = host.sh("docker bogus");
    assert!(output(&record).starts_with("docker: unknown command: docker bogus\n"));
}
