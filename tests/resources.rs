//! Memory and CPU limits, a leaking process and the OOM killer.
//!
//! Sources: Docker docs `engine/containers/resource_constraints.md` (`-m`, `--memory-swap`,
//! `--cpus`; without a limit "Any process is subject to killing"); moby
//! `daemon/daemon_unix.go` `verifyPlatformContainerResources` (the daemon's refusals, word for
//! word); moby API `ContainerState.OOMKilled`; an OOM-killed PID 1 exits 137 (128 + SIGKILL).

mod common;
use common::Host;

#[test]
fn the_daemon_refuses_limits_it_cannot_honour() {
    let mut h = Host::new(1);
    let out = h.run("docker run -d -m 4m nginx:1.27");
    assert!(
        out.contains("Error response from daemon: Minimum memory limit allowed is 6MB"),
        "{out}"
    );
    let out = h.run("docker run -d --memory-swap 1g nginx:1.27");
    assert!(
        out.contains(
            "You should always set the Memory limit when using Memoryswap limit, see usage"
        ),
        "{out}"
    );
    let out = h.run("docker run -d -m 512m --memory-swap 256m nginx:1.27");
    assert!(
        out.contains("Minimum memoryswap limit should be larger than memory limit, see usage"),
        "{out}"
    );
    let out = h.run("docker run -d --cpus 99 nginx:1.27");
    assert!(
        out.contains("range of CPUs is from 0.01 to 8.00, as there are only 8 CPUs available"),
        "{out}"
    );
    assert!(h.world().engine.containers.is_empty());
}

#[test]
fn limits_show_in_inspect_and_stats() {
    let mut h = Host::new(2);
    h.run("docker run -d --name web -m 256m --cpus 0.5 nginx:1.27");
    h.wait(1_000);
    let out = h.run("docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}' web");
    assert_eq!(out.trim(), "268435456 500000000");
    let out = h.run("docker stats --no-stream web");
    assert!(out.contains("/ 256MiB"), "{out}");
}

/// With `-m`, the leaking container alone is OOM-killed at its limit (exit 137, OOMKilled true)
/// and its restart policy brings it back, leaking again; its neighbour never notices.
#[test]
fn a_leak_under_a_limit_kills_only_that_container() {
    let mut h = Host::new(3);
    h.run("docker run -d --name db -e POSTGRES_PASSWORD=pw postgres:16");
    h.run("docker run -d --name api -m 256m --restart unless-stopped nginx:1.27");
    h.wait(2_000);
    let said = h.fault("leak api 10M/s").narration.join(" ");
    assert!(said.contains("its limit of 256MiB"), "{said}");
    h.wait(20_000);
    assert_eq!(h.container("api").restart_count, 0);
    h.wait(10_000);
    // Restarted by its policy: OOMKilled is reset by the new start, as the API says.
    let out = h.run("docker inspect -f '{{.State.OOMKilled}} {{.RestartCount}}' api");
    assert_eq!(out.trim(), "false 1");
    assert!(h.container("db").status().is_up());
    // It leaks again after the restart, and is killed again.
    h.wait(60_000);
    assert!(h.container("api").restart_count >= 2);
    assert!(h.container("db").status().is_up());
}

/// Without a limit the leak takes the host's memory; the kernel then kills the largest
/// process on the host.
#[test]
fn a_leak_without_a_limit_fills_the_host_first() {
    let mut h = Host::new(4);
    h.run("docker run -d --name db -e POSTGRES_PASSWORD=pw postgres:16");
    h.run("docker run -d --name api nginx:1.27");
    h.wait(2_000);
    h.fault("leak api 100M/s");
    h.wait(60_000);
    assert!(h.container("api").status().is_up(), "killed too early");
    let out = h.run("docker stats --no-stream api");
    assert!(out.contains("/ 16GiB"), "{out}");
    h.wait(120_000);
    let api = h.container("api");
    assert!(!api.status().is_up());
    assert_eq!(api.state.exit_code, 137);
    assert!(api.state.oom_killed);
    assert!(h.container("db").status().is_up());
}

/// Without a restart policy the OOM-killed container stays `Exited (137)` with OOMKilled true.
#[test]
fn an_oom_killed_container_says_so() {
    let mut h = Host::new(5);
    h.run("docker run -d --name api -m 64m nginx:1.27");
    h.wait(1_000);
    h.fault("leak api 8M/s");
    h.wait(10_000);
    let out = h.run("docker inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' api");
    assert_eq!(out.trim(), "true 137");
    let out = h.run("docker ps -a");
    assert!(out.contains("Exited (137)"), "{out}");
}

/// Compose applies `mem_limit`/`cpus` and `deploy.resources.limits` to the containers it makes
/// (the Compose specification's `mem_limit`, `cpus` and `deploy.md`; Compose v2 honours
/// `deploy.resources` on `up`).
#[test]
fn compose_limits_reach_the_container() {
    let mut h = Host::new(6);
    h.run("cat > compose.yaml <<EOF\nservices:\n  api:\n    image: nginx:1.27\n    deploy:\n      resources:\n        limits:\n          memory: 256M\n          cpus: '0.5'\n  worker:\n    image: nginx:1.27\n    mem_limit: 128m\nEOF");
    let out = h.run("docker compose up -d");
    assert!(!out.contains("rror"), "{out}");
    let out =
        h.run("docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}' app-api-1");
    assert_eq!(out.trim(), "268435456 500000000");
    let out = h.run("docker inspect -f '{{.HostConfig.Memory}}' app-worker-1");
    assert_eq!(out.trim(), "134217728");
}
