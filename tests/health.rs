//! Healthcheck timings walked step by step (moby `daemon/health.go`): `starting` at start, the
//! first probe one interval later, `healthy` after the first success, `unhealthy` after
//! `retries` consecutive failures, the start period's grace and its `start_interval` cadence.

mod common;

use common::Host;
use dockyard::sim::docker::health::HealthStatus;

fn health(host: &Host, name: &str) -> (HealthStatus, u32, usize) {
    let h = host.container(name).health.as_ref().expect("a healthcheck");
    (h.status, h.failing_streak, h.log.len())
}

fn probe_starts(host: &Host, name: &str) -> Vec<u64> {
    let c = host.container(name);
    let started = c.state.started_at.unwrap();
    c.health
        .as_ref()
        .unwrap()
        .log
        .iter()
        .map(|r| r.start_ms - started)
        .collect()
}

#[test]
fn starting_at_zero_first_probe_one_interval_later_then_healthy() {
    let mut host = Host::new(1);
    host.run("docker run -d --name web --health-cmd 'curl -f http://localhost/ || exit 1' --health-interval 10s nginx");
    assert_eq!(health(&host, "web"), (HealthStatus::Starting, 0, 0));
    assert!(host.run("docker ps").contains("(health: starting)"));
    host.wait(9_999);
    assert_eq!(health(&host, "web"), (HealthStatus::Starting, 0, 0));
    host.wait(1);
    assert_eq!(health(&host, "web"), (HealthStatus::Healthy, 0, 1));
    assert_eq!(probe_starts(&host, "web"), vec![10_000]);
    assert!(host.run("docker ps").contains("Up 10 seconds (healthy)"));
    assert_eq!(
        host.run("docker inspect --format '{{.State.Health.Status}}' web")
            .trim(),
        "healthy"
    );
    host.wait(10_000);
    assert_eq!(probe_starts(&host, "web"), vec![10_000, 20_000]);
}

#[test]
fn unhealthy_after_retries_consecutive_failures() {
    let mut host = Host::new(1);
    host.run("docker run -d --name bad --health-cmd false --health-interval 2s --health-retries 2 alpine sleep 1000");
    host.wait(2_000);
    assert_eq!(health(&host, "bad"), (HealthStatus::Starting, 1, 1));
    host.wait(2_000);
    assert_eq!(health(&host, "bad"), (HealthStatus::Unhealthy, 2, 2));
    assert!(host.run("docker ps").contains("(unhealthy)"));
    // The log keeps the last five results.
    host.wait(20_000);
    assert_eq!(health(&host, "bad").2, 5);
}

#[test]
fn default_retries_is_three_and_zero_means_three() {
    for flag in ["", "--health-retries 0"] {
        let mut host = Host::new(1);
        host.run(&format!(
            "docker run -d --name bad --health-cmd 'exit 1' --health-interval 1s {flag} alpine sleep 1000"
        ));
        host.wait(2_000);
        assert_eq!(health(&host, "bad"), (HealthStatus::Starting, 2, 2));
        host.wait(1_000);
        assert_eq!(health(&host, "bad"), (HealthStatus::Unhealthy, 3, 3));
    }
}

#[test]
fn start_period_failures_do_not_count_and_probes_run_every_start_interval() {
    let mut host = Host::new(1);
    host.run("docker run -d --name slow --health-cmd 'exit 1' --health-interval 30s --health-retries 1 --health-start-period 12s --health-start-interval 3s alpine sleep 1000");
    host.wait(11_999);
    // Probes at 3, 6 and 9 s: failed, not counted.
    assert_eq!(probe_starts(&host, "slow"), vec![3_000, 6_000, 9_000]);
    assert_eq!(health(&host, "slow"), (HealthStatus::Starting, 0, 3));
    host.wait(1);
    // The probe at 12 s is outside the start period: it counts, and one failure is enough.
    assert_eq!(health(&host, "slow"), (HealthStatus::Unhealthy, 1, 4));
    // From now on probes come every interval.
    host.wait(30_000);
    assert_eq!(
        probe_starts(&host, "slow"),
        vec![3_000, 6_000, 9_000, 12_000, 42_000]
    );
}

#[test]
fn a_success_ends_the_start_period() {
    let mut host = Host::new(1);
    // postgres takes a few seconds to accept connections: pg_isready fails, then succeeds.
    host.run("docker run -d --name db -e POSTGRES_PASSWORD=x --health-cmd pg_isready --health-interval 30s --health-start-period 60s --health-start-interval 1s postgres:16");
    host.wait(1_000);
    assert_eq!(health(&host, "db").0, HealthStatus::Starting);
    let log = &host.container("db").health.as_ref().unwrap().log;
    assert_eq!(log[0].exit_code, 2);
    assert!(log[0].output.contains("no response"));
    host.wait(9_000);
    assert_eq!(health(&host, "db").0, HealthStatus::Healthy);
    let starts = probe_starts(&host, "db");
    let n = starts.len();
    // After the success, the cadence is the interval although the start period is not over.
    host.wait(30_000);
    let later = probe_starts(&host, "db");
    assert_eq!(later.len(), n + 1);
    assert_eq!(later[n] - later[n - 1], 30_000);
}

#[test]
fn a_tool_the_image_lacks_fails_with_127() {
    let mut host = Host::new(1);
    host.run("docker run -d --name db -e POSTGRES_PASSWORD=x --health-cmd 'curl -f http://localhost/' --health-interval 1s postgres:16");
    host.wait(1_000);
    let r = &host.container("db").health.as_ref().unwrap().log[0];
    assert_eq!(r.exit_code, 127);
    assert_eq!(r.output, "/bin/sh: 1: curl: not found\n");
}

#[test]
fn exec_form_and_redis_cli() {
    let mut host = Host::new(1);
    host.run("docker run -d --name cache --health-cmd 'redis-cli ping' --health-interval 1s redis");
    host.wait(1_000);
    let r = &host.container("cache").health.as_ref().unwrap().log[0];
    assert_eq!((r.exit_code, r.output.as_str()), (0, "PONG\n"));
}

#[test]
fn a_paused_container_probe_times_out() {
    let mut host = Host::new(1);
    host.run("docker run -d --name web --health-cmd true --health-interval 1s --health-timeout 2s --health-retries 1 nginx");
    host.wait(1_000);
    assert_eq!(health(&host, "web").0, HealthStatus::Healthy);
    host.run("docker pause web");
    host.wait(1_000);
    let h = host.container("web").health.as_ref().unwrap();
    let last = h.log.last().unwrap();
    assert_eq!(
        (
            last.exit_code,
            last.output.as_str(),
            last.end_ms - last.start_ms
        ),
        (-1, "Health check exceeded timeout (2s)", 2_000)
    );
    assert_eq!(h.status, HealthStatus::Unhealthy);
}

#[test]
fn stale_probes_are_dropped_after_a_restart() {
    let mut host = Host::new(1);
    host.run("docker run -d --name web --health-cmd true --health-interval 10s nginx");
    host.wait(5_000);
    host.run("docker restart web");
    assert_eq!(health(&host, "web"), (HealthStatus::Starting, 0, 0));
    let restarted = host.container("web").state.started_at.unwrap();
    host.wait(9_000);
    assert_eq!(health(&host, "web").2, 0);
    host.wait(10_000);
    assert_eq!(probe_starts(&host, "web"), vec![10_000]);
    assert!(restarted > 5_000);
}

#[test]
fn inspect_health_in_mobys_key_order_and_flag_errors() {
    let mut host = Host::new(1);
    host.run("docker run -d --name web --health-cmd true --health-interval 1s nginx");
    host.wait(1_000);
    let json = host.run("docker inspect --format '{{json .State.Health}}' web");
    assert!(json.starts_with("{\"Status\":\"healthy\",\"FailingStreak\":0,\"Log\":[{\"Start\":"));
    assert!(json.contains("\"End\":") && json.contains("\"ExitCode\":0,\"Output\":\"\"}"));
    let e = host.run("docker run -d --health-interval 10 nginx");
    assert!(e.contains("invalid argument \"10\" for \"--health-interval\" flag: time: missing unit in duration \"10\""), "{e}");
    let e = host.run("docker run -d --no-healthcheck --health-cmd true nginx");
    assert!(
        e.contains("--no-healthcheck conflicts with --health-* options"),
        "{e}"
    );
    host.run("docker run -d --name plain --no-healthcheck nginx");
    assert!(host.container("plain").health.is_none());
}

#[test]
fn the_images_healthcheck_in_exec_form_runs_without_flags() {
    let mut world = dockyard::sim::World::new(1);
    world.fs.seed_project("node-app").unwrap();
    let mut host = Host {
        timeline: dockyard::sim::Timeline::new(world),
    };
    host.run("cat > Dockerfile <<EOF\nFROM nginx\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/\"]\nEOF");
    host.run("docker build -t web .");
    host.run("docker run -d --name web web");
    assert_eq!(
        host.container("web")
            .config
            .healthcheck
            .as_ref()
            .unwrap()
            .test,
        vec!["CMD", "curl", "-f", "http://localhost/"]
    );
    assert_eq!(health(&host, "web"), (HealthStatus::Starting, 0, 0));
    host.wait(30_000);
    assert_eq!(health(&host, "web"), (HealthStatus::Healthy, 0, 1));
    // A tool the image lacks, in exec form: runc's wording, exit 127.
    host.run("cat > Dockerfile <<EOF\nFROM nginx\nHEALTHCHECK CMD [\"pg_isready\"]\nEOF");
    host.run("docker build -t web2 .");
    host.run("docker run -d --name web2 web2");
    host.wait(30_000);
    let r = &host.container("web2").health.as_ref().unwrap().log[0];
    assert_eq!(r.exit_code, 127);
    assert!(
        r.output
            .contains("exec: \"pg_isready\": executable file not found in $PATH")
    );
    // --no-healthcheck turns the image's off.
    host.run("docker run -d --name quiet --no-healthcheck web");
    assert!(host.container("quiet").health.is_none());
}

#[test]
fn negative_and_conflicting_flags_are_refused_as_docker_cli_reports_them() {
    let mut host = Host::new(1);
    let e = host.run("docker run -d --health-retries -1 nginx");
    assert!(e.contains("docker: --health-retries cannot be negative\n\nRun 'docker run --help' for more information"), "{e}");
    let e = host.run("docker run -d --health-timeout -5s nginx");
    assert!(e.contains("--health-timeout cannot be negative"), "{e}");
    assert!(host.world().engine.containers.is_empty());
}

#[test]
fn dockerfile_healthcheck_options_set_the_timings() {
    let mut world = dockyard::sim::World::new(1);
    world.fs.seed_project("node-app").unwrap();
    let mut host = Host {
        timeline: dockyard::sim::Timeline::new(world),
    };
    host.run("cat > Dockerfile <<EOF\nFROM nginx\nHEALTHCHECK --interval=5s --retries=2 CMD curl -f http://localhost/ || exit 1\nEOF");
    host.run("docker build -t web .");
    let inspect = host.run("docker image inspect --format '{{json .Config.Healthcheck}}' web");
    assert_eq!(
        inspect.trim(),
        r#"{"Test":["CMD-SHELL","curl -f http://localhost/ || exit 1"],"Interval":5000000000,"Retries":2}"#
    );
    host.run("docker run -d --name web web");
    host.wait(4_999);
    assert_eq!(health(&host, "web"), (HealthStatus::Starting, 0, 0));
    host.wait(1);
    assert_eq!(health(&host, "web"), (HealthStatus::Healthy, 0, 1));
    // A flag overrides the image's value, the rest is kept.
    host.run("docker run -d --name web2 --health-interval 2s web");
    let h = host.container("web2").config.healthcheck.clone().unwrap();
    assert_eq!((h.interval_ms, h.retries()), (2_000, 2));
}

#[test]
fn wget_spider_and_curl_with_an_output_file_find_the_url() {
    let mut host = Host::new(1);
    host.run("docker run -d --name web --health-cmd 'curl -o /dev/null -fs http://localhost:80/' --health-interval 1s nginx");
    host.run("docker run -d --name web2 --health-cmd 'wget -q --spider http://localhost:8080/' --health-interval 1s node:20-alpine sleep 1000");
    host.wait(1_000);
    assert_eq!(health(&host, "web").0, HealthStatus::Healthy);
    let r = &host.container("web2").health.as_ref().unwrap().log[0];
    assert_eq!(
        (r.exit_code, r.output.as_str()),
        (
            1,
            "wget: can't connect to remote host (127.0.0.1): Connection refused\n"
        )
    );
}
