//! `docker top` and `docker stats`, pinned to their sources: docker/cli
//! `cli/command/container/top.go` (ps's titles and rows through `tabwriter.NewWriter(out, 20, 1, 3,
//! ' ', 0)`), moby `daemon/top_unix.go` (not running, restarting, paused), docker/cli
//! `cli/command/container/stats.go` (which containers, `--no-stream`, errors joined),
//! `cli/command/container/formatter_stats.go` (columns, headers, units), go-units `size.go`
//! (`BytesSize`, `HumanSizeWithPrecision`), moby `daemon/stats.go` and `daemon/stats/collector.go`
//! (a container that is not running reads as empty stats with its name and ID).

mod common;
use common::Host;
use dockyard::sim::docker::container::Status;

/// A host with `web` (nginx) running for 2 s.
fn web_host() -> Host {
    let mut host = Host::new(1);
    host.run("docker run -d --name web nginx:1.27");
    host.wait(2_000);
    host
}

/// docker/cli top.go: ps -ef's titles, every column at least 20 wide (min width 20, padding 3);
/// the rows are the host's (host PIDs, the shim as parent); nginx's master and its two workers
/// (UID 101, the image's nginx user, which the host has no name for).
#[test]
fn top_prints_ps_ef_through_a_min_width_20_tabwriter_docker_cli_top_go() {
    let mut host = web_host();
    let pid = host.container("web").state.pid;
    let out = host.run("docker top web");
    let row = |cells: [&str; 8]| {
        let mut line = String::new();
        for cell in &cells[..7] {
            line.push_str(&format!("{cell:<20}"));
        }
        line.push_str(cells[7]);
        line
    };
    let (p, shim, w1, w2) = (
        pid.to_string(),
        (pid - 25).to_string(),
        (pid + 1).to_string(),
        (pid + 2).to_string(),
    );
    let expected = [
        row(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]),
        row([
            "root",
            &p,
            &shim,
            "0",
            "09:00",
            "?",
            "00:00:00",
            "nginx: master process nginx -g daemon off;",
        ]),
        row([
            "101",
            &w1,
            &p,
            "0",
            "09:00",
            "?",
            "00:00:00",
            "nginx: worker process",
        ]),
        row([
            "101",
            &w2,
            &p,
            "0",
            "09:00",
            "?",
            "00:00:00",
            "nginx: worker process",
        ]),
    ]
    .join("\n");
    assert_eq!(out, format!("{expected}\n"));
    // `docker container top` is the same command (its alias).
    assert_eq!(host.run("docker container top web"), out);
}

/// moby top_unix.go: the official entrypoint's `exec gosu postgres "$@"` runs postgres as UID
/// 999, with its background processes; a plain command runs as root, as itself.
#[test]
fn top_shows_what_the_entrypoint_execd_moby_top_unix_go() {
    let mut host = Host::new(2);
    host.run("docker run -d --name db -e POSTGRES_PASSWORD=pw postgres:16");
    host.run("docker run -d --name box alpine sleep 3600");
    host.wait(5_000);
    let db = host.run("docker top db");
    let rows: Vec<Vec<&str>> = db
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 6, "{db}");
    assert!(rows.iter().all(|r| r[0] == "999"), "{db}");
    assert!(db.lines().nth(1).unwrap().ends_with("   postgres"), "{db}");
    assert!(db.contains("postgres: checkpointer"), "{db}");
    let box_top = host.run("docker top box");
    let line = box_top.lines().nth(1).unwrap();
    assert!(line.starts_with("root   "), "{box_top}");
    assert!(line.ends_with("   sleep 3600"), "{box_top}");
    // The same processes are what docker stats counts (PIDS), alpine's sleep alone.
    let pids = host.run("docker stats --no-stream --format '{{.Name}} {{.PIDs}}' db box");
    assert_eq!(pids, "db 6\nbox 1\n");
}

/// moby top_unix.go: `errNotRunning(ctr.ID)` with the full ID, `errContainerIsRestarting`, a
/// paused container's processes are listed; the daemon's `No such container`; cobra's
/// `RequiresMinArgs(1)`; `SetInterspersed(false)`: a flag before the container is the CLI's.
#[test]
fn top_refuses_what_is_not_running_moby_top_unix_go() {
    let mut host = web_host();
    host.run("docker create --name box alpine");
    let id = host.container("box").id.0.clone();
    assert_eq!(
        host.run("docker top box"),
        format!("Error response from daemon: container {id} is not running\n")
    );
    assert!(host.sh("docker top box").error);
    assert_eq!(
        host.run("docker top nope"),
        "Error response from daemon: No such container: nope\n"
    );
    assert_eq!(
        host.run("docker top"),
        "docker: 'docker top' requires at least 1 argument\n\nUsage:  docker top CONTAINER [ps OPTIONS]\n\nSee 'docker top --help' for more information\n"
    );
    assert!(
        host.run("docker top -ef web")
            .starts_with("unknown shorthand flag: 'e' in -ef\n")
    );
    // ps options after the container go to ps: -ef is the default; others are not simulated.
    assert_eq!(host.run("docker top web -ef"), host.run("docker top web"));
    assert!(
        host.run("docker top web aux")
            .contains("this page simulates only ps's default `-ef` columns")
    );
    host.run("docker pause web");
    let paused = host.run("docker top web");
    assert_eq!(paused.lines().count(), 4, "{paused}");
    // A container between two runs of its restart policy.
    host.run("docker run -d --name loop --restart always alpine false");
    while host.container("loop").status() != Status::Restarting {
        assert!(host.timeline.forward());
    }
    let loop_id = host.container("loop").id.0.clone();
    assert_eq!(
        host.run("docker top loop"),
        format!(
            "Error response from daemon: Container {loop_id} is restarting, wait until the container is running\n"
        )
    );
}

/// formatter_stats.go: the default table's headers and cells; go-units BytesSize (binary, 4
/// significant digits) for memory over the machine's memory, two-decimal percentages,
/// HumanSizeWithPrecision(3) for I/O; PIDS from the container's tasks.
#[test]
fn stats_default_table_formatter_stats_go() {
    let mut host = web_host();
    let id = host.container("web").id.0[..12].to_string();
    let out = host.run("docker stats --no-stream");
    assert_eq!(
        out,
        format!(
            "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS\n{id}   web       0.00%     8MiB / 16GiB        0.05%     0B / 0B   0B / 0B     3\n"
        )
    );
    // The same command as `docker container stats`, and the same reading without --no-stream,
    // which the narration says real Docker would keep redrawing.
    assert_eq!(host.run("docker container stats --no-stream"), out);
    assert_eq!(host.run("docker stats"), out);
    let rec = host.timeline.last_record().unwrap();
    assert!(
        rec.narration
            .iter()
            .any(|n| n.contains("redraws it every second until you press Ctrl-C")),
        "{:?}",
        rec.narration
    );
    assert!(!host.world().shell.is_busy(), "the prompt is back");
}

/// stats.go: no arguments lists the running containers, `-a` all of them (newest first, as
/// ContainerList returns them); collector.go: a stopped container reads as empty stats with its
/// name and ID; `--no-stream` with nothing to show prints nothing, streaming prints the header.
#[test]
fn stats_lists_running_or_all_containers_docker_cli_stats_go() {
    let mut host = Host::new(3);
    assert_eq!(host.run("docker stats --no-stream"), "");
    assert_eq!(
        host.run("docker stats"),
        "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS\n"
    );
    host.run("docker run --name done alpine true");
    host.run("docker run -d --name cache redis:7");
    host.wait(2_000);
    let names = host.run("docker stats --no-stream --format '{{.Name}}'");
    assert_eq!(names, "cache\n");
    let all = host.run("docker stats -a --no-stream --format '{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.MemPerc}}|{{.NetIO}}|{{.PIDs}}'");
    assert_eq!(
        all,
        "cache|0.10%|4MiB / 16GiB|0.02%|0B / 0B|5\ndone|0.00%|0B / 0B|0.00%|0B / 0B|0\n"
    );
    // A paused container keeps its memory, but the freezer stops its CPU.
    host.run("docker pause cache");
    assert_eq!(
        host.run("docker stats --no-stream --format '{{.CPUPerc}} {{.MemUsage}}' cache"),
        "0.00% 4MiB / 16GiB\n"
    );
}

/// formatter_stats.go: `{{.Container}}` is the argument as typed (the full ID when listing),
/// `{{.ID}}` is cut to 12 characters unless `--no-trunc`; a `table` format gets the headers.
#[test]
fn stats_format_fields_formatter_stats_go() {
    let mut host = web_host();
    let id = host.container("web").id.0.clone();
    assert_eq!(
        host.run("docker stats --no-stream --format '{{.Container}} {{.ID}} {{.Name}}' web"),
        format!("web {} web\n", &id[..12])
    );
    assert_eq!(
        host.run("docker stats --no-stream --no-trunc --format '{{.Container}} {{.ID}}'"),
        format!("{id} {id}\n")
    );
    assert_eq!(
        host.run("docker stats --no-stream --format 'table {{.Name}}\\t{{.MemPerc}}'"),
        "NAME      MEM %\nweb       0.05%\n"
    );
    // Named twice: one reading (stats.go adds each name once).
    assert_eq!(
        host.run("docker stats --no-stream --format '{{.Name}}' web web"),
        "web\n"
    );
    assert!(
        host.run("docker stats --no-stream --format '{{.Nope}}'")
            .contains("can't evaluate field Nope")
    );
}

/// stats.go: each named container is collected; the failures are joined (`errors.Join`, one per
/// line) and fail the command, and no table is printed.
#[test]
fn stats_unknown_containers_fail_together_docker_cli_stats_go() {
    let mut host = web_host();
    let rec = host.sh("docker stats --no-stream nope web nada");
    assert!(rec.error);
    assert_eq!(
        common::output(&rec),
        "Error response from daemon: No such container: nope\nError response from daemon: No such container: nada\n"
    );
}

/// NET I/O counts what the container served since it started: each request in, each response
/// (its body and headers) out, as HumanSizeWithPrecision(3) prints them.
#[test]
fn stats_net_io_counts_requests_served_go_units_size_go() {
    let mut host = Host::new(4);
    host.run("docker run -d --name web -p 8080:80 nginx:1.27");
    host.wait(1_000);
    host.run("curl http://localhost:8080/");
    host.run("curl http://localhost:8080/");
    assert_eq!(
        host.run("docker stats --no-stream --format '{{.NetIO}}' web"),
        "840B / 2.23kB\n"
    );
    // A restart gives the container a new network namespace: its counters start again.
    host.run("docker restart web");
    host.wait(1_000);
    assert_eq!(
        host.run("docker stats --no-stream --format '{{.NetIO}}' web"),
        "0B / 0B\n"
    );
}

/// Every lab machine has its own engine: `ssh node-2 docker stats` reads node-2's containers over
/// node-2's memory (4 GiB), or the service's `--limit-memory` (the task container's limit).
#[test]
fn stats_on_a_swarm_machine_reads_its_engine_and_limits() {
    let mut world = dockyard::sim::World::new(5);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    let mut h = Host {
        timeline: dockyard::sim::Timeline::new(world),
    };
    h.run("docker service create -d --name web --replicas 3 nginx:1.27");
    h.run("docker service create -d --name capped --replicas 3 --limit-memory 64M nginx:1.27");
    h.wait(20_000);
    // ssh joins its arguments with spaces and the remote shell splits them again: the format
    // needs its own quotes inside the command's.
    let out = h.run("ssh node-2 \"docker stats --no-stream --format '{{.Name}} {{.MemUsage}}'\"");
    let lines: Vec<&str> = out.lines().collect();
    assert!(!lines.is_empty(), "{out}");
    for line in &lines {
        let (name, usage) = line.split_once(' ').unwrap();
        let limit = if name.starts_with("capped.") {
            "64MiB"
        } else {
            "4GiB"
        };
        assert_eq!(usage, format!("8MiB / {limit}"), "{out}");
    }
    let top = h.run(&format!(
        "ssh node-2 docker top {}",
        lines[0].split(' ').next().unwrap()
    ));
    assert!(top.contains("nginx: master process"), "{top}");
}

/// cli.rs HELP: both commands are listed with cobra's short descriptions.
#[test]
fn help_lists_top_and_stats_docker_cli_top_go_stats_go() {
    let mut host = Host::new(1);
    let help = host.run("docker --help");
    assert!(help.contains("  top         Display the running processes of a container\n"));
    assert!(help.contains(
        "  stats       Display a live stream of container(s) resource usage statistics\n"
    ));
}
