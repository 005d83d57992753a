//! Each row of ../shared/reference/FIDELITY.md that this version models, pinned by a test that
//! names its upstream source. Rows of later phases (healthchecks, networks, swarm, Traefik) get
//! their tests with their models.

mod common;

use common::{Host, output};
use dockyard::sim::docker::engine::{
    DEFAULT_STOP_TIMEOUT_S, RESTART_BACKOFF_INITIAL_MS, RESTART_BACKOFF_MAX_MS,
    RESTART_RESET_AFTER_MS,
};
use dockyard::sim::{Fault, Input};

/// docker/docs start-containers-automatically: the default restart policy is `no`.
#[test]
fn default_restart_policy_is_no_docs_start_containers_automatically() {
    let mut host = Host::new(1);
    host.run("docker run -d --name api -e CRASH_AFTER=1 dockyard/crashy");
    host.wait(5_000);
    let c = host.container("api");
    assert_eq!(c.host_config.restart_policy.as_str(), "no");
    assert_eq!((c.status().as_str(), c.restart_count), ("exited", 0));
    let inspect = host.run("docker inspect --format '{{.HostConfig.RestartPolicy.Name}}' api");
    assert_eq!(inspect.trim(), "no");
}

/// moby restartmanager: back-off starts at 100 ms, doubles, is capped at 1 min.
#[test]
fn restart_backoff_doubles_to_a_minute_moby_restartmanager() {
    assert_eq!(
        (
            RESTART_BACKOFF_INITIAL_MS,
            RESTART_BACKOFF_MAX_MS,
            RESTART_RESET_AFTER_MS
        ),
        (100, 60_000, 10_000)
    );
    let mut host = Host::new(1);
    // A process that exits at once, forever: measure the gaps between its restarts.
    host.run("docker run -d --name loop --restart always alpine false");
    let mut restarts_at = Vec::new();
    let mut seen = 0;
    while restarts_at.len() < 12 {
        assert!(host.timeline.forward());
        let c = host.container("loop");
        if c.restart_count > seen && c.status().as_str() == "running" {
            seen = c.restart_count;
            restarts_at.push(host.now());
        }
    }
    let exits_to_restarts: Vec<u64> = restarts_at.windows(2).map(|w| w[1] - w[0]).collect();
    // Each run lasts 5 ms (the process exits immediately), then the delay: 200, 400, … capped.
    let delays: Vec<u64> = exits_to_restarts.iter().map(|gap| gap - 5).collect();
    assert_eq!(
        delays,
        [
            200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200, 60_000, 60_000
        ]
    );
    assert_eq!(restarts_at[0], 5 + 100);
}

/// moby restartmanager: a run of 10 s or more resets the back-off to 100 ms.
#[test]
fn restart_backoff_resets_after_ten_seconds_up_moby_restartmanager() {
    let mut host = Host::new(1);
    host.run("docker run -d --name slow --restart always alpine sh -c 'sleep 11; exit 1'");
    host.wait(11_000);
    assert_eq!(host.container("slow").status().as_str(), "restarting");
    assert_eq!(host.container("slow").backoff_ms, 100);
    host.wait(11_200);
    assert_eq!(
        host.container("slow").backoff_ms,
        100,
        "each run lasted 11 s, so the delay stays 100 ms"
    );
}

/// docker/docs start-containers-automatically: `on-failure[:N]` restarts on non-zero exit only,
/// N times at most; `unless-stopped` and `always` restart on any exit.
#[test]
fn policies_follow_exit_codes_docs_start_containers_automatically() {
    let mut host = Host::new(1);
    host.run("docker run -d --name clean --restart on-failure alpine true");
    host.run("docker run -d --name capped --restart on-failure:2 alpine false");
    host.run("docker run -d --name forever --restart unless-stopped alpine true");
    host.wait(10_000);
    assert_eq!(host.container("clean").restart_count, 0);
    assert_eq!(host.container("clean").status().as_str(), "exited");
    assert_eq!(host.container("capped").restart_count, 2);
    assert_eq!(host.container("capped").status().as_str(), "exited");
    assert!(host.container("forever").restart_count >= 5);
}

/// docker/docs: on a daemon restart `always` comes back even if stopped by hand, `unless-stopped`
/// unless stopped by hand, `no` never, `on-failure` only after a non-zero exit.
#[test]
fn reboot_applies_each_policy_docker_docs() {
    let mut host = Host::new(1);
    host.run("docker run -d --name always-stopped --restart always nginx");
    host.run("docker stop always-stopped");
    host.run("docker run -d --name unless-running --restart unless-stopped nginx");
    host.run("docker run -d --name unless-stopped --restart unless-stopped redis:7");
    host.run("docker stop unless-stopped");
    host.run("docker run -d --name never -p 8080:80 nginx");
    host.run("docker run -d --name failing --restart on-failure:1 alpine sleep 600");
    host.timeline.submit(Input::Fault(Fault::Reboot));
    let state = |h: &Host, n: &str| h.container(n).status().as_str();
    assert_eq!(state(&host, "always-stopped"), "running");
    assert_eq!(state(&host, "unless-running"), "running");
    assert_eq!(state(&host, "unless-stopped"), "exited");
    assert_eq!(state(&host, "never"), "exited");
    // Killed by the reboot with a non-zero code: on-failure brings it back.
    assert_eq!(state(&host, "failing"), "running");
}

/// docker/cli container_stop: SIGTERM, then SIGKILL after 10 s; `-t` changes the wait.
#[test]
fn stop_waits_ten_seconds_then_kills_docker_cli_container_stop() {
    assert_eq!(DEFAULT_STOP_TIMEOUT_S, 10);
    let mut host = Host::new(1);
    host.run("docker run -d --name sleeper alpine sleep 600");
    let asked = host.now();
    let printed = host.run("docker stop sleeper");
    assert_eq!(printed.trim(), "sleeper");
    assert_eq!(host.now() - asked, 10_000);
    assert_eq!(host.container("sleeper").state.exit_code, 137);

    host.run("docker start sleeper");
    let asked = host.now();
    host.run("docker stop -t 3 sleeper");
    assert_eq!(host.now() - asked, 3_000);

    // A program that handles its stop signal exits on its own, long before the deadline.
    host.run("docker run -d --name web nginx");
    let asked = host.now();
    host.run("docker stop web");
    assert!(host.now() - asked < 1_000);
    assert_eq!(host.container("web").state.exit_code, 0);
}

/// engine: the main process's exit ends the container with its code; `docker kill` gives 137.
#[test]
fn exit_codes_follow_the_main_process_engine() {
    let mut host = Host::new(1);
    host.run("docker run -d --name three alpine sh -c 'exit 3'");
    host.wait(100);
    assert_eq!(host.container("three").state.exit_code, 3);
    host.run("docker run -d --name web nginx");
    host.run("docker kill web");
    assert_eq!(host.container("web").state.exit_code, 137);
    let ps = host.run("docker ps -a --format '{{.Names}} {{.Status}}'");
    assert!(
        ps.contains("web Exited (137) Less than a second ago"),
        "{ps}"
    );
}

/// moby daemon/kill.go: SIGKILL (or the stop signal) cancels the restart manager, so an `always`
/// container stopped by hand stays stopped.
#[test]
fn manual_stop_cancels_the_restart_policy_moby_kill() {
    let mut host = Host::new(1);
    host.run("docker run -d --name web --restart always nginx");
    host.run("docker kill web");
    host.wait(120_000);
    assert_eq!(host.container("web").status().as_str(), "exited");
}

/// moby daemon/kill.go: a paused container is unpaused after the stop signal or SIGKILL is sent.
#[test]
fn stopping_a_paused_container_unpauses_it_moby_kill() {
    let mut host = Host::new(1);
    host.run("docker run -d --name web nginx");
    host.run("docker pause web");
    host.run("docker stop web");
    assert_eq!(
        host.container("web").state.exit_code,
        0,
        "nginx got its SIGQUIT and shut down cleanly"
    );
    host.run("docker start web");
    host.run("docker pause web");
    host.run("docker kill web");
    assert_eq!(host.container("web").state.exit_code, 137);
}

/// docker/docs compose + engine: `docker restart` keeps the container's frozen config.
#[test]
fn restart_keeps_the_frozen_config_engine() {
    let mut host = Host::new(1);
    host.run("docker run -d --name web -e MODE=old nginx");
    let env_before = host.container("web").config.env.clone();
    host.run("docker restart web");
    assert_eq!(host.container("web").status().as_str(), "running");
    assert_eq!(host.container("web").config.env, env_before);
    assert!(env_before.contains(&"MODE=old".to_string()));
}

/// moby daemon/errors.go: the name conflict message.
#[test]
fn name_conflict_wording_moby_daemon_errors() {
    let mut host = Host::new(1);
    host.run("docker run -d --name web nginx");
    let id = host.container("web").id.0.clone();
    let out = output(&host.sh("docker run -d --name web nginx"));
    assert_eq!(
        out.trim_end(),
        format!(
            "docker: Error response from daemon: Conflict. The container name \"/web\" is already in use by container \"{id}\". You have to remove (or rename) that container to be able to reuse that name.\n\nRun 'docker run --help' for more information"
        )
    );
}

/// moby libnetwork portallocator: the port conflict message.
#[test]
fn port_conflict_wording_moby_portallocator() {
    let mut host = Host::new(1);
    host.run("docker run -d --name blue -p 8080:80 nginx");
    let out = output(&host.sh("docker run -d --name green -p 8080:80 nginx"));
    assert!(
        out.contains("Bind for 0.0.0.0:8080 failed: port is already allocated"),
        "{out}"
    );
}

/// docker/cli formatter: `docker ps` columns, tabwriter padding, COMMAND truncation, PORTS.
#[test]
fn ps_layout_docker_cli_formatter() {
    let mut host = Host::new(1);
    host.run("docker run -d --name web -p 8080:80 nginx:1.27");
    host.wait(2_000);
    let ps = host.run("docker ps");
    let lines: Vec<&str> = ps.lines().collect();
    let id = &host.container("web").id.0[..12];
    assert_eq!(
        lines[0],
        "CONTAINER ID   IMAGE        COMMAND                  CREATED         STATUS         PORTS                                     NAMES"
    );
    assert_eq!(
        lines[1],
        format!(
            "{id}   nginx:1.27   \"/docker-entrypoint.…\"   2 seconds ago   Up 2 seconds   0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   web"
        )
    );
}

/// docker/cli + moby: `inspect` shows Go's zero time for a never-finished container and the
/// state keys in the engine's order.
#[test]
fn inspect_state_docker_inspect() {
    let mut host = Host::new(1);
    host.run("docker create --name box alpine");
    let out = host.run("docker inspect box");
    assert!(out.starts_with("[\n    {\n        \"Id\": "), "{out}");
    assert!(out.contains("\"StartedAt\": \"0001-01-01T00:00:00Z\""));
    let order = [
        "\"Status\"",
        "\"Running\"",
        "\"Paused\"",
        "\"Restarting\"",
        "\"OOMKilled\"",
        "\"Dead\"",
        "\"Pid\"",
        "\"ExitCode\"",
        "\"Error\"",
        "\"StartedAt\"",
        "\"FinishedAt\"",
    ];
    let positions: Vec<usize> = order.iter().map(|k| out.find(k).expect(k)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
}
