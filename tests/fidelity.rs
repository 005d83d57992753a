//! Docker, Compose and SwarmKit behaviours and defaults the simulation models, each pinned by a
//! test that names its upstream source. docs/FIDELITY.md lists them by area, with these tests'
//! names; other areas pin theirs in their own test files (tests/health.rs, tests/top_stats.rs, …).

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

// ---------------------------------------------------------------------------------------------
// docs/FIDELITY.md, "Orders of magnitude": VM vs container (why-containers page)

/// docs/FIDELITY.md, "Orders of magnitude" (a VM reserves its memory), and multipass
/// `include/multipass/constants.h` (v1.15.1): defaults 1 CPU, 1G memory, 5G disk; a VM holds the
/// memory it was given from the moment it starts, while a container costs only its processes.
#[test]
fn vm_reserves_gb_container_uses_mb_multipass_constants_h() {
    use dockyard::sim::lab::{self, GIB, MIB};
    let mut host = Host::new(1);
    host.run("multipass launch --name vm1");
    let vm = &host.world().lab.vms["vm1"];
    assert_eq!((vm.cpus, vm.memory_bytes, vm.disk_bytes), (1, GIB, 5 * GIB));
    host.run("docker run -d --name web nginx:1.27");
    let t = lab::totals(host.world());
    assert_eq!(t.vms.memory_bytes, GIB);
    assert!(t.containers.memory_bytes < 16 * MIB, "{t:?}");
    // Disk: a VM carries a guest OS (gigabytes); the container's image layers are counted once.
    assert!(t.vms.disk_bytes >= GIB);
    host.run("docker run -d --name web2 nginx:1.27");
    assert_eq!(
        lab::totals(host.world()).containers.disk_bytes,
        t.containers.disk_bytes
    );
}

/// docs/FIDELITY.md, "Orders of magnitude" (start): tens of seconds to boot a kernel vs well under
/// a second to start a process. `multipass launch` returns `Launched: vm1` only once the guest is
/// up (multipass `src/client/cli/cmd/launch.cpp`).
#[test]
fn vm_boots_in_tens_of_seconds_container_starts_at_once_multipass_launch_cpp() {
    let mut host = Host::new(1);
    let out = host.run("multipass launch 24.04 --name vm1 --cpus 2 --memory 2G --disk 10G");
    assert!(out.ends_with("Launched: vm1\n"), "{out}");
    let boot_ms = host.now();
    assert!((10_000..60_000).contains(&boot_ms), "{boot_ms}");
    let before = host.now();
    host.run("docker run -d --name web nginx:1.27");
    assert!(host.now() - before < 1_000);
    assert_eq!(host.container("web").status().as_str(), "running");
}

/// docs/FIDELITY.md, "Orders of magnitude" (isolation): a Linux container needs a Linux kernel.
/// moby v28.5.2 `distribution/pull_v2.go` (`noMatchesErr`) and `distribution/config.go`
/// (`platformFromConfig`): a Windows-only manifest list has nothing for linux/amd64, and the
/// Windows variant is refused once its config is read.
#[test]
fn windows_image_fails_on_linux_moby_pull_v2_go() {
    let mut host = Host::new(1);
    let out = host.run("docker pull mcr.microsoft.com/windows/nanoserver:ltsc2022");
    assert_eq!(
        out,
        "ltsc2022: Pulling from windows/nanoserver\nno matching manifest for linux/amd64 in the manifest list entries\n"
    );
    let out = host.run("docker run mcr.microsoft.com/windows/nanoserver:ltsc2022");
    assert!(out.contains(
        "docker: no matching manifest for linux/amd64 in the manifest list entries\n\nRun 'docker run --help' for more information"
    ), "{out}");
    let out = host
        .run("docker run --platform windows/amd64 mcr.microsoft.com/windows/nanoserver:ltsc2022");
    assert!(out.contains(
        "docker: image operating system \"windows\" cannot be used on this platform: operating system is not supported"
    ), "{out}");
    assert!(host.world().engine.containers.is_empty());
    assert!(host.world().engine.images.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Volumes and persistence (docs/FIDELITY.md, "Volumes and storage"; `docker compose down -v`
// belongs to Compose, tests/compose_up.rs).

/// docs/FIDELITY.md, "tmpfs": host memory only, gone when the container stops, not shareable.
/// Docker docs storage/tmpfs ("tmpfs mounts are temporary, and only persisted in the host memory.
/// When the container stops, the tmpfs mount is removed"; "you can't share tmpfs mounts between
/// containers"); moby `daemon` unmounts it with the container.
#[test]
fn tmpfs_is_memory_gone_on_stop_not_shared_docs_storage_tmpfs() {
    let mut host = Host::new(1);
    host.run("docker run -d --name one --tmpfs /cache alpine sleep 3600");
    host.run("docker run -d --name two --tmpfs /cache alpine sleep 3600");
    host.run("docker exec one sh -c \"echo hot > /cache/x\"");
    assert_eq!(host.run("docker exec one cat /cache/x"), "hot\n");
    // Host memory only: no volume, nothing in the host's folders.
    assert!(host.world().engine.volumes.is_empty());
    assert!(host.world().fs.entries.keys().all(|p| !p.contains("cache")));
    // Not shareable: b's tmpfs at the same path is its own, empty.
    assert_eq!(
        host.run("docker exec two cat /cache/x"),
        "cat: can't open '/cache/x': No such file or directory\n"
    );
    host.run("docker stop -t 0 one");
    host.run("docker start one");
    assert_eq!(host.run("docker exec one ls /cache"), "");
}

/// moby v28.5.2 `volume/service/service.go` (`AnonymousLabel`, prune filter) and docker/cli
/// `cli/command/volume/prune.go` (`--all`, API 1.42): since Engine 23 `docker volume prune`
/// removes unused anonymous volumes only; `-a` takes unused named ones too.
#[test]
fn volume_prune_spares_named_volumes_unless_all_moby_volume_service() {
    let mut host = Host::new(1);
    host.run("docker volume create keep");
    host.run("docker run --name tmp1 -v /anon alpine true");
    host.run("docker rm tmp1");
    assert_eq!(host.world().engine.volumes.len(), 2);
    let out = host.run("docker volume prune");
    assert_eq!(
        out,
        "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] \n"
    );
    assert_eq!(host.world().engine.volumes.len(), 2);
    let out = host.run("docker volume prune -f");
    assert!(out.starts_with("Deleted Volumes:\n"), "{out}");
    assert!(out.ends_with("\nTotal reclaimed space: 0B\n"), "{out}");
    assert_eq!(
        host.world().engine.volumes.keys().collect::<Vec<_>>(),
        ["keep"]
    );
    let out = host.run("docker volume prune -a -f");
    assert_eq!(out, "Deleted Volumes:\nkeep\n\nTotal reclaimed space: 0B\n");
}

/// moby v28.5.2 `volume/service/errors.go` (`OpErr`, `errVolumeInUse`, `errNoSuchVolume`): a
/// volume referenced by any container, even a stopped one, cannot be removed.
#[test]
fn volume_in_use_and_missing_errors_moby_volume_service_errors_go() {
    let mut host = Host::new(1);
    host.run("docker run -d --name writer -v data:/data alpine sleep 3600");
    host.run("docker stop -t 0 writer");
    let id = host.container("writer").id.0.clone();
    let rec = host.sh("docker volume rm data");
    assert_eq!(
        output(&rec),
        format!("Error response from daemon: remove data: volume is in use - [{id}]\n")
    );
    let rec = host.sh("docker volume rm nosuch");
    assert_eq!(
        output(&rec),
        "Error response from daemon: get nosuch: no such volume\n"
    );
}

/// moby v28.5.2 `volume/mounts/linux_parser.go` (`ParseMountRaw`, `errInvalidSpec`) and
/// `volume/mounts/validate.go` (`errBindSourceDoesNotExist`): `-v` creates a missing host
/// folder, `--mount type=bind` refuses it; malformed specs are named.
#[test]
fn mount_syntax_errors_moby_volume_mounts_linux_parser_go() {
    let mut host = Host::new(1);
    host.run("docker pull alpine");
    let rec = host.sh("docker run -d --mount type=bind,source=/srv/none,target=/data alpine true");
    assert_eq!(
        output(&rec),
        "docker: Error response from daemon: invalid mount config for type \"bind\": bind source path does not exist: /srv/none\n\nRun 'docker run --help' for more information\n"
    );
    let rec = host.sh("docker run -d -v /data:rw alpine true");
    assert!(output(&rec).starts_with(
        "docker: Error response from daemon: invalid volume specification: '/data:rw'\n"
    ));
    assert!(host.world().engine.containers.is_empty());
    host.run("docker run -d --name two -v /srv/made:/data alpine true");
    assert!(host.world().fs.entries.contains_key("/srv/made"));
}

/// docker/cli `cli/command/container/rm.go` ("-v: Remove anonymous volumes associated with the
/// container") and `opts.go` (`--rm`: "Automatically remove the container and its associated
/// anonymous volumes when it exits"): named volumes survive both.
#[test]
fn rm_v_and_auto_remove_delete_anonymous_volumes_only_docker_cli_rm_go() {
    let mut host = Host::new(1);
    host.run("docker run -d --name one -v named:/n -v /anon alpine sleep 3600");
    host.run("docker rm -f one");
    assert_eq!(host.world().engine.volumes.len(), 2, "plain rm keeps both");
    host.run("docker run -d --name two -v named:/n -v /anon2 alpine sleep 3600");
    host.run("docker rm -f -v two");
    assert_eq!(
        host.world().engine.volumes.len(),
        2,
        "rm -v took b's anonymous one"
    );
    host.run("docker run --rm -v named:/n -v /anon3 alpine true");
    let names: Vec<&String> = host.world().engine.volumes.keys().collect();
    assert_eq!(names.len(), 2);
    assert!(host.world().engine.volumes.contains_key("named"));
}

/// Docker docs storage ("the writable layer ... is deleted when the container is deleted"; it
/// survives stop/start): a file outside any mount is kept across a restart and gone with `rm`.
#[test]
fn writable_layer_survives_stop_dies_with_rm_docs_storage() {
    let mut host = Host::new(1);
    host.run("docker run -d --name box alpine sleep 3600");
    host.run("docker exec box sh -c \"echo hi > /root/note\"");
    host.run("docker stop -t 0 box");
    host.run("docker start box");
    assert_eq!(host.run("docker exec box cat /root/note"), "hi\n");
    host.run("docker rm -f box");
    host.run("docker run -d --name box alpine sleep 3600");
    assert_eq!(
        host.run("docker exec box cat /root/note"),
        "cat: can't open '/root/note': No such file or directory\n"
    );
}

/// docker-library/postgres `16/bookworm/docker-entrypoint.sh` (`docker_verify_minimum_env`,
/// `DATABASE_ALREADY_EXISTS`): an empty data directory without POSTGRES_PASSWORD exits 1 with
/// the entrypoint's error; an initialized one skips initdb.
#[test]
fn postgres_entrypoint_decides_on_the_data_dir_docker_library_postgres() {
    let mut host = Host::new(1);
    host.run("docker run -d --name nopw postgres:16");
    host.wait(1_000);
    assert_eq!(host.container("nopw").state.exit_code, 1);
    let logs = host.run("docker logs nopw");
    assert!(logs.starts_with(
        "Error: Database is uninitialized and superuser password is not specified.\n       You must specify POSTGRES_PASSWORD to a non-empty value for the\n"
    ), "{logs}");
    host.run("docker run -d --name db -e POSTGRES_PASSWORD=pw -v pg:/var/lib/postgresql/data postgres:16");
    host.wait(5_000);
    assert_eq!(
        host.run("docker exec db psql -U postgres -c \"CREATE TABLE notes (body text)\""),
        "CREATE TABLE\n"
    );
    assert_eq!(
        host.run("docker exec db psql -U postgres -c \"INSERT INTO notes VALUES ('hi')\""),
        "INSERT 0 1\n"
    );
    host.run("docker stop db");
    host.wait(1_000);
    assert_eq!(host.container("db").state.exit_code, 0);
    host.run("docker rm db");
    // Even without a password: the directory holds a database, so nothing is verified.
    host.run("docker run -d --name db2 -v pg:/var/lib/postgresql/data postgres:16");
    host.wait(1_000);
    let logs = host.run("docker logs db2");
    assert!(logs.contains(
        "PostgreSQL Database directory appears to contain a database; Skipping initialization"
    ));
    assert_eq!(
        host.run("docker exec db2 psql -U postgres -c \"SELECT * FROM notes\""),
        " body \n------\n hi\n(1 row)\n\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Build cache and images (docs/FIDELITY.md, "Build cache (BuildKit)"; images-layers page)

fn project_host(seed: u64) -> Host {
    let mut world = dockyard::sim::World::new(seed);
    world.fs.seed_project("node-app").unwrap();
    Host {
        timeline: dockyard::sim::Timeline::new(world),
    }
}

fn write(host: &mut Host, path: &str, text: &str) {
    host.run(&format!("cat > {path} <<EOF\n{text}EOF"));
}

fn statuses(host: &Host) -> Vec<(String, String)> {
    use dockyard::sim::docker::build::StepStatus;
    let report = host.world().builder.last.as_ref().expect("a build ran");
    report
        .stages
        .iter()
        .flat_map(|s| &s.steps)
        .filter(|s| s.status != StepStatus::Config)
        .map(|s| (s.text.clone(), format!("{:?}", s.status)))
        .collect()
}

/// moby/buildkit cache/contenthash + solver: a COPY's key covers the copied files' checksums; a
/// miss invalidates every later step of the stage ("parent layer changed").
#[test]
fn copy_key_covers_file_checksums_and_a_miss_invalidates_the_rest_buildkit_contenthash() {
    let mut host = project_host(1);
    write(&mut host, ".dockerignore", "node_modules\n.git\n");
    write(
        &mut host,
        "Dockerfile",
        "FROM node:20-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
    );
    host.run("docker build -t app .");
    let again = host.run("docker build -t app .");
    assert_eq!(again.matches("CACHED").count(), 5, "{again}");
    host.run("echo '// edit' >> server.js");
    host.run("docker build -t app .");
    let s = statuses(&host);
    assert_eq!(s[2], ("RUN npm ci".to_string(), "Cached".to_string()));
    assert_eq!(s[3], ("COPY . .".to_string(), "Built".to_string()));
    host.run("echo ' ' >> package.json");
    host.run("docker build -t app .");
    let report = host.world().builder.last.clone().unwrap();
    let steps = &report.stages[0].steps;
    assert_eq!(steps[1].reason, "package.json changed");
    assert!(
        steps[2].reason.starts_with("parent layer changed"),
        "{}",
        steps[2].reason
    );
    assert!(
        host.run("docker build --no-cache -t app .")
            .contains("#8 DONE")
    );
}

/// docker docs (build cache invalidation): an ARG change misses at its first use, not its
/// definition.
#[test]
fn arg_change_misses_at_first_use_docs_build_cache_invalidation() {
    let mut host = project_host(2);
    write(
        &mut host,
        "Dockerfile",
        "FROM alpine:3.20\nARG VERSION=1\nWORKDIR /app\nRUN echo $VERSION\n",
    );
    host.run("docker build -t a .");
    host.run("docker build --build-arg VERSION=2 -t a .");
    let report = host.world().builder.last.clone().unwrap();
    let steps: Vec<_> = report.stages[0].steps.iter().collect();
    assert_eq!(format!("{:?}", steps[1].status), "Cached"); // WORKDIR
    assert_eq!(format!("{:?}", steps[2].status), "Built"); // RUN uses it
    assert_eq!(steps[2].reason, "build arg VERSION changed (1 → 2)");
}

/// moby/buildkit frontend/dockerfile/dockerfile2llb: RUN/COPY/ADD make layers; ENV, CMD, EXPOSE,
/// LABEL… change only the config (0B history lines, no layer).
#[test]
fn config_instructions_make_no_layer_buildkit_dockerfile2llb() {
    let mut host = project_host(3);
    write(
        &mut host,
        "Dockerfile",
        "FROM alpine:3.20\nENV NODE_ENV=production\nLABEL team=notes\nCOPY server.js /app/\nEXPOSE 3000\nCMD [\"node\", \"/app/server.js\"]\n",
    );
    host.run("docker build -t cfg .");
    let image = host
        .world()
        .engine
        .images
        .get("cfg:latest")
        .unwrap()
        .clone();
    let base = host.world().engine.images.len();
    assert_eq!(base, 1);
    assert_eq!(image.layers().len(), 2); // alpine's + COPY
    assert!(
        image
            .config
            .env
            .contains(&"NODE_ENV=production".to_string())
    );
    assert_eq!(image.config.exposed_ports, vec![3000]);
    let history = host.run("docker history cfg");
    assert!(
        history.contains(
            "EXPOSE map[3000/tcp:{}]                         0B        buildkit.dockerfile.v0"
        ),
        "{history}"
    );
    assert!(history.contains("<missing>"));
}

/// docker docs multi-stage builds: only the final stage (or --target) is in the image; stages it
/// does not need are skipped.
#[test]
fn only_the_final_stage_is_the_image_docs_multistage() {
    let mut host = project_host(4);
    write(&mut host, ".dockerignore", "node_modules\n.git\n");
    let dockerfile = "FROM node:20 AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n\nFROM alpine:3.20 AS unused\nRUN echo never\n\nFROM node:20-alpine\nWORKDIR /app\nCOPY --from=build /app /app\nCMD [\"node\", \"server.js\"]\n";
    write(&mut host, "Dockerfile", dockerfile);
    let out = host.run("docker build -t slim .");
    assert!(!out.contains("RUN echo never"), "{out}");
    let slim = host
        .world()
        .engine
        .images
        .get("slim:latest")
        .unwrap()
        .size_bytes();
    host.run("docker build --target build -t fat .");
    let fat = host
        .world()
        .engine
        .images
        .get("fat:latest")
        .unwrap()
        .size_bytes();
    assert!(slim < 200_000_000 && fat > 1_000_000_000, "{slim} {fat}");
    let e = host.run("docker build --target nope .");
    assert!(e.contains(
        "ERROR: failed to build: failed to solve: target stage \"nope\" could not be found"
    ));
}

/// moby/patternmatcher: the build context is the folder minus .dockerignore; BuildKit sends only
/// the paths COPY/ADD use.
#[test]
fn context_excludes_dockerignore_moby_patternmatcher() {
    let mut host = project_host(5);
    write(&mut host, "Dockerfile", "FROM alpine:3.20\nCOPY . /app\n");
    assert!(
        host.run("docker build .")
            .contains("transferring context: 197MB")
    );
    write(&mut host, ".dockerignore", "node_modules\n.git\n");
    let out = host.run("docker build .");
    assert!(out.contains("#5 transferring context: 7"), "{out}");
    let r = host.world().builder.last.clone().unwrap();
    assert!(r.context_all_bytes > 190_000_000 && r.context_bytes < 10_000);
}

/// moby/buildkit frontend/dockerfile/parser and the CLI's error excerpt.
#[test]
fn parse_and_checksum_errors_use_buildkits_words_buildkit_parser() {
    let mut host = project_host(6);
    write(
        &mut host,
        "Dockerfile",
        "FROM alpine:3.20\nWORKDIR /app\nCOPY nosuch ./\n",
    );
    let before = host.world().engine.images.clone();
    let out = host.run("docker build .");
    assert!(out.contains("   3 | >>> COPY nosuch ./"), "{out}");
    assert!(out.contains("ERROR: failed to build: failed to solve: failed to compute cache key: failed to calculate checksum of ref "));
    assert!(out.ends_with(": \"/nosuch\": not found\n"), "{out}");
    assert_eq!(host.world().engine.images, before);
    write(&mut host, "Dockerfile", "FROM alpine:3.20\nRUNN echo\n");
    assert!(host.run("docker build .").contains("ERROR: failed to build: failed to solve: dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)"));
    write(&mut host, "Dockerfile", "FROM node:99\n");
    assert!(host.run("docker build .").contains("failed to resolve source metadata for docker.io/library/node:99: docker.io/library/node:99: not found"));
    host.run("rm Dockerfile");
    assert!(
        host.run("docker build .")
            .contains("failed to read dockerfile: open Dockerfile: no such file or directory")
    );
}

/// moby distribution/pull_v2.go: layers already on the host say `Already exists`.
#[test]
fn shared_layers_already_exist_moby_pull_v2() {
    let mut host = Host::new(7);
    host.run("docker pull nginx:1.27");
    let out = host.run("docker pull redis:7");
    assert_eq!(out.matches("Already exists").count(), 1, "{out}");
    let df = host.run("docker system df");
    assert!(df.starts_with("TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\nImages          2         0         234.2MB"), "{df}");
}

/// moby daemon/images/image_delete.go: a running container's image cannot be deleted; untagging
/// and deleting print `Untagged:`/`Deleted:`.
#[test]
fn image_rm_conflicts_and_untags_moby_image_delete() {
    let mut host = Host::new(8);
    host.run("docker run -d --name web nginx:1.27");
    let e = host.run("docker image rm nginx:1.27");
    let id = host.container("web").id.0[..12].to_string();
    assert_eq!(
        e,
        format!(
            "Error response from daemon: conflict: unable to delete nginx:1.27 (cannot be forced) - image is being used by running container {id}\n"
        )
    );
    host.run("docker rm -f web");
    let out = host.run("docker rmi nginx:1.27");
    assert!(
        out.starts_with("Untagged: nginx:1.27\nUntagged: nginx@sha256:"),
        "{out}"
    );
    assert!(out.contains("Deleted: sha256:"));
    assert!(host.world().engine.images.is_empty());
    assert_eq!(
        host.run("docker rmi nginx:1.27"),
        "Error response from daemon: No such image: nginx:1.27\n"
    );
}

/// A built Node app runs as a server: CMD ["node", "server.js"] listens on :3000.
#[test]
fn a_built_image_runs_its_cmd_docker_run_reference() {
    let mut host = project_host(9);
    write(&mut host, ".dockerignore", "node_modules\n");
    write(
        &mut host,
        "Dockerfile",
        "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
    );
    host.run("docker build -t notes-api .");
    host.run("docker run -d --name api -p 3000:3000 notes-api");
    host.wait(1_000);
    assert!(
        host.run("docker logs api")
            .contains("notes-api listening on :3000")
    );
    assert!(host.run("curl http://localhost:3000").contains("notes"));
}

/// moby api/types/container MountPoint: `docker inspect` lists each mount with its type, source
/// and destination (volumes under the local driver's folder, binds at their host path).
#[test]
fn inspect_lists_mounts_moby_mountpoint() {
    let mut host = Host::new(1);
    host.run(
        "docker run -d --name box -v data:/data -v ./site:/site --tmpfs /cache alpine sleep 600",
    );
    let out = host.run("docker inspect --format '{{json .Mounts}}' box");
    assert!(out.contains("\"Type\":\"volume\",\"Name\":\"data\",\"Source\":\"/var/lib/docker/volumes/data/_data\",\"Destination\":\"/data\""), "{out}");
    assert!(
        out.contains(
            "\"Type\":\"bind\",\"Source\":\"/home/learner/app/site\",\"Destination\":\"/site\""
        ),
        "{out}"
    );
    assert!(
        out.contains("\"Type\":\"tmpfs\",\"Source\":\"\",\"Destination\":\"/cache\""),
        "{out}"
    );
}

// ---- Networks (network-isolation page) ----

/// moby `daemon/container_operations.go` (service discovery only on non-default networks) and
/// `libnetwork/resolver.go`: the embedded DNS at 127.0.0.11 exists on user-defined networks
/// only; on the default `bridge` a container name does not resolve.
#[test]
fn embedded_dns_only_on_user_defined_networks_moby_libnetwork_resolver() {
    let mut host = Host::new(1);
    host.run("docker run -d --name one nginx");
    host.run("docker run -d --name two nginx");
    assert!(
        host.run("docker exec one curl http://two")
            .contains("curl: (6) Could not resolve host: two")
    );
    host.run("docker network create app");
    host.run("docker run -d --name three --network app nginx");
    host.run("docker run -d --name four --network app nginx");
    host.wait(1_000);
    let out = host.run("docker exec three nslookup four");
    assert!(out.contains("Server:\t\t127.0.0.11"), "{out}");
    assert!(out.contains("Name:\tfour\nAddress: 172.18.0.3"), "{out}");
    assert!(
        host.run("docker exec three curl http://four")
            .contains("Welcome to nginx!")
    );
}

/// moby `libnetwork/resolver.go` (`respTTL = 600`) and `service_common.go` (records shuffled):
/// a name shared by several containers answers every address, in random order (seeded here).
#[test]
fn dns_answers_several_addresses_in_random_order_ttl_600_moby_libnetwork_resolver() {
    assert_eq!(dockyard::sim::docker::dns::TTL_S, 600);
    let mut host = Host::new(2);
    host.run("docker network create app");
    host.run("docker run -d --name client --network app nginx");
    for n in 1..=3 {
        host.run(&format!(
            "docker run -d --name search{n} --network app --network-alias search nginx"
        ));
    }
    let mut orders = Vec::new();
    for _ in 0..6 {
        let out = host.run("docker exec client getent hosts search");
        let mut lines: Vec<&str> = out.lines().collect();
        orders.push(lines.join(","));
        dockyard::sim::order::sort(&mut lines);
        assert_eq!(
            lines,
            vec![
                "172.18.0.3      search",
                "172.18.0.4      search",
                "172.18.0.5      search"
            ]
        );
    }
    orders.dedup();
    assert!(orders.len() > 1, "the order changes between answers");
}

/// moby `libnetwork/drivers/bridge` (`internal`: no default route, no masquerade) and
/// `libnetwork/resolver.go` (no external forwarding on internal networks).
#[test]
fn internal_network_has_no_route_out_and_no_upstream_dns_moby_bridge_internal() {
    let mut host = Host::new(3);
    host.run("docker network create --internal back");
    host.run("docker run -d --name db --network back nginx");
    let out = host.run("docker exec db ping -c 1 8.8.8.8");
    assert!(out.contains("ping: sendto: Network unreachable"), "{out}");
    assert!(
        host.run("docker exec db curl https://example.com")
            .contains("curl: (6) Could not resolve host: example.com")
    );
    assert!(
        host.run("docker network inspect back")
            .contains("\"Internal\": true")
    );
}

/// docker docs "Networking overview": `localhost` inside a container is its own loopback,
/// never another container, even one on the same network.
#[test]
fn localhost_is_the_container_itself_docs_network_overview() {
    let mut host = Host::new(4);
    host.run("docker network create app");
    host.run("docker run -d --name api --network app node:20 node server.js");
    host.run("docker run -d --name web --network app nginx");
    host.wait(1_000);
    assert!(host.run("docker exec web curl http://localhost:3000").contains(
        "curl: (7) Failed to connect to localhost port 3000 after 0 ms: Couldn't connect to server"
    ));
    assert!(
        host.run("docker exec web curl http://api:3000")
            .contains("notes")
    );
}

/// docker docs "Bridge network driver": bridge networks are scoped to one host (`SCOPE local`);
/// a multi-host (overlay) network needs a swarm (moby `daemon/cluster` errNoSwarm).
#[test]
fn bridge_networks_are_one_host_only_docs_network_drivers_bridge() {
    let mut host = Host::new(5);
    host.run("docker network create app");
    let ls = host.run("docker network ls");
    assert!(ls.lines().skip(1).all(|l| l.ends_with("local")), "{ls}");
    assert!(
        host.run("docker network create -d overlay multi")
            .contains("This node is not a swarm manager.")
    );
}

/// compose-spec "depends_on" (spec.md, Services top-level element): the short form means
/// `condition: service_started` with `required: true`; the long form keeps its condition and
/// `restart`, and `required` defaults to true (compose-go `types.ServiceDependency`).
#[test]
fn compose_depends_on_short_and_long_forms_compose_spec_depends_on() {
    let mut host = Host::new(6);
    host.run(
        "cat > compose.yaml <<'EOF'\nservices:\n  api:\n    image: node:20\n    depends_on:\n      - cache\n      - db\n  worker:\n    image: node:20\n    depends_on:\n      db:\n        condition: service_healthy\n        restart: true\n      migrate:\n        condition: service_completed_successfully\n        required: false\n  cache:\n    image: redis\n  db:\n    image: postgres:16\n  migrate:\n    image: node:20\nEOF",
    );
    let out = host.run("docker compose config");
    assert!(out.contains("  api:\n    depends_on:\n      cache:\n        condition: service_started\n        required: true\n      db:\n        condition: service_started\n        required: true\n"), "{out}");
    assert!(out.contains("      db:\n        condition: service_healthy\n        restart: true\n        required: true\n      migrate:\n        condition: service_completed_successfully\n        required: false\n"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// Healthchecks (src/sim/docker/health/mod.rs)

/// moby daemon/health.go: interval 30 s, timeout 30 s, retries 3, start_period 0, start_interval 5 s.
#[test]
fn healthcheck_defaults_moby_daemon_health_go() {
    use dockyard::sim::docker::health::*;
    assert_eq!(
        (
            DEFAULT_INTERVAL_MS,
            DEFAULT_TIMEOUT_MS,
            DEFAULT_RETRIES,
            DEFAULT_START_PERIOD_MS,
            DEFAULT_START_INTERVAL_MS
        ),
        (30_000, 30_000, 3, 0, 5_000)
    );
    let mut host = Host::new(1);
    host.run("docker run -d --name web --health-cmd true nginx");
    host.wait(29_999);
    assert!(
        host.container("web")
            .health
            .as_ref()
            .unwrap()
            .log
            .is_empty()
    );
    host.wait(1);
    assert_eq!(host.container("web").health.as_ref().unwrap().log.len(), 1);
}

/// moby daemon/health.go monitor: the first probe one interval after start; within the start
/// period probes run every start_interval and failures do not count; a success ends it.
#[test]
fn first_probe_after_interval_start_period_grace_moby_daemon_health_go() {
    let mut host = Host::new(1);
    host.run("docker run -d --name probe1 --health-cmd false --health-retries 1 --health-start-period 10s --health-start-interval 2s alpine sleep 1000");
    host.wait(9_999);
    let h = host.container("probe1").health.as_ref().unwrap();
    assert_eq!(
        (h.log.len(), h.failing_streak, h.status.as_str()),
        (4, 0, "starting")
    );
    host.wait(1);
    let h = host.container("probe1").health.as_ref().unwrap();
    assert_eq!((h.failing_streak, h.status.as_str()), (1, "unhealthy"));
    let mut host = Host::new(1);
    host.run("docker run -d --name probe2 --health-cmd true --health-interval 20s --health-start-period 60s --health-start-interval 2s alpine sleep 1000");
    host.wait(2_000);
    assert_eq!(
        host.container("probe2")
            .health
            .as_ref()
            .unwrap()
            .status
            .as_str(),
        "healthy"
    );
    host.wait(19_999);
    assert_eq!(
        host.container("probe2").health.as_ref().unwrap().log.len(),
        1
    );
    host.wait(1);
    assert_eq!(
        host.container("probe2").health.as_ref().unwrap().log.len(),
        2
    );
}

/// moby daemon/health.go `retries: 0` falls back to defaultProbeRetries (3).
#[test]
fn retries_zero_means_three_moby_daemon_health_go() {
    let mut host = Host::new(1);
    host.run("docker run -d --name probe1 --health-cmd 'exit 1' --health-interval 1s --health-retries 0 alpine sleep 1000");
    host.wait(2_000);
    assert_eq!(
        host.container("probe1")
            .health
            .as_ref()
            .unwrap()
            .status
            .as_str(),
        "starting"
    );
    host.wait(1_000);
    assert_eq!(
        host.container("probe1")
            .health
            .as_ref()
            .unwrap()
            .status
            .as_str(),
        "unhealthy"
    );
}

/// moby container/state.go + daemon/health.go: starting → healthy/unhealthy, a `health_status`
/// event on each change (narrated), `docker ps` shows `(health: starting)`/`(healthy)`.
#[test]
fn health_states_and_health_status_events_moby_container_state_go() {
    let mut host = Host::new(1);
    host.run("docker run -d --name web --health-cmd 'curl -f http://localhost/' --health-interval 1s nginx");
    assert!(host.run("docker ps").contains("(health: starting)"));
    let mut changes = Vec::new();
    while host.now() < 5_000 {
        host.timeline.forward();
        let rec = host.timeline.last_record().unwrap();
        changes.extend(
            rec.narration
                .iter()
                .filter(|s| s.starts_with("health_status:"))
                .cloned(),
        );
    }
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert!(changes[0].starts_with("health_status: healthy"));
    assert!(host.run("docker ps").contains("(healthy)"));
}

/// docker/docs logging (json-file): no size limit unless `log-opts max-size`/`max-file`, set per
/// container or in daemon.json; daemon.json applies only to containers created after dockerd read
/// it; moby daemon/logger/jsonfilelog/jsonfilelog.go: `max-file` counts only once `max-size` is
/// set, and the option names and values get its words.
#[test]
fn json_file_logs_grow_without_max_size_docker_docs_logging_json_file() {
    use dockyard::sim::docker::disk;
    let mut host = Host::new(2);
    host.run("docker run -d --name plain -e LOG_LEVEL=debug node:20 node server.js");
    host.run("docker run -d --name onlyfiles -e LOG_LEVEL=debug --log-opt max-file=3 node:20 node server.js");
    host.run("docker run -d --name capped -e LOG_LEVEL=debug --log-opt max-size=10m --log-opt max-file=3 node:20 node server.js");
    assert_eq!(
        host.run("docker inspect --format '{{json .HostConfig.LogConfig}}' plain")
            .trim(),
        r#"{"Type":"json-file","Config":{}}"#
    );
    host.wait(3 * 3_600_000);
    let log = |host: &Host, name: &str| disk::log_bytes(host.world(), host.container(name));
    let three_hours = 3 * 3_600 * disk::DEBUG_LOG_BYTES_PER_S;
    assert!(log(&host, "plain") >= three_hours);
    assert!(
        log(&host, "onlyfiles") >= three_hours,
        "max-file alone does not rotate"
    );
    assert!(log(&host, "capped") <= 30_000_000);
    // `docker system df` has no row for logs: its Containers size is the writable layers.
    let df = host.run("docker system df");
    assert!(!df.to_lowercase().contains("log"), "{df}");
    // Bad names and values, in moby's words.
    let bad = host.run("docker run -d --log-opt max-sizes=1m nginx");
    assert!(
        bad.contains("unknown log opt 'max-sizes' for json-file log driver"),
        "{bad}"
    );
    let bad =
        host.run("docker run -d --name zero --log-opt max-size=10m --log-opt max-file=0 nginx");
    assert!(
        bad.contains("failed to initialize logging driver: max-file cannot be less than 1"),
        "{bad}"
    );
}

/// docker/docs daemon configuration: log defaults from /etc/docker/daemon.json are read at
/// dockerd start and copied into containers at create; existing containers keep theirs.
#[test]
fn daemon_json_log_defaults_only_for_new_containers_docker_docs_logging_configure() {
    let mut host = Host::new(3);
    host.run("docker run -d --name old --restart always nginx");
    host.run("cat > /etc/docker/daemon.json <<EOF\n{\"log-driver\": \"json-file\", \"log-opts\": {\"max-size\": \"10m\", \"max-file\": \"3\"}}\nEOF");
    host.run("sudo systemctl restart docker");
    host.run("docker run -d --name new nginx");
    let opts = |host: &mut Host, name: &str| {
        host.run(&format!(
            "docker inspect --format '{{{{json .HostConfig.LogConfig.Config}}}}' {name}"
        ))
        .trim()
        .to_string()
    };
    assert_eq!(opts(&mut host, "old"), "{}");
    assert_eq!(
        opts(&mut host, "new"),
        r#"{"max-file":"3","max-size":"10m"}"#
    );
    assert_eq!(host.container("old").status().as_str(), "running");
}

/// docker/cli cli/command/system/prune.go: the confirmation lists what goes; `-f` prunes and
/// prints `Total reclaimed space:`.
#[test]
fn system_prune_prompt_and_total_docker_cli_system_prune_go() {
    let mut host = Host::new(4);
    host.run("docker run --name once alpine echo hi");
    let prompt = host.run("docker system prune --volumes");
    assert!(prompt.starts_with("WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all anonymous volumes not used by at least one container\n  - all dangling images\n  - unused build cache\n\nAre you sure you want to continue? [y/N]"), "{prompt}");
    assert!(host.world().engine.by_name("once").is_some());
    let out = host.run("docker system prune -f");
    assert!(out.starts_with("Deleted Containers:\n"), "{out}");
    assert!(out.contains("Total reclaimed space: "));
    assert!(host.world().engine.by_name("once").is_none());
}

/// nodejs/node lib/internal/errors.js `uvExceptionWithHostPort`: `connect ECONNREFUSED
/// 172.18.0.2:5432` with errno/code/syscall/address/port, printed by Node 20 for an uncaught
/// rejection under `node:internal/process/promises` and ending `Node.js v20.18.1`.
#[test]
fn node_connect_error_object_node_lib_internal_errors_js_uv_exception_with_host_port() {
    use dockyard::sim::docker::apps::{ConnectError, Failure};
    let e = ConnectError {
        failure: Failure::Refused {
            address: "172.18.0.2".to_string(),
        },
        host: "db".to_string(),
        port: 5432,
        reason: String::new(),
    };
    assert_eq!(
        e.node_uncaught().join("\n"),
        "node:internal/process/promises:391\n    triggerUncaughtException(err, true /* fromPromise */);\n    ^\n\nError: connect ECONNREFUSED 172.18.0.2:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1610:16) {\n  errno: -111,\n  code: 'ECONNREFUSED',\n  syscall: 'connect',\n  address: '172.18.0.2',\n  port: 5432\n}\n\nNode.js v20.18.1"
    );
}

/// nodejs/node lib/internal/errors.js `DNSException`: `getaddrinfo ENOTFOUND db`, errno -3008
/// (UV_EAI_NONAME), `hostname` instead of address/port.
#[test]
fn node_getaddrinfo_error_object_node_lib_internal_errors_js_dns_exception() {
    use dockyard::sim::docker::apps::{ConnectError, Failure};
    let e = ConnectError {
        failure: Failure::NotFound,
        host: "db".to_string(),
        port: 5432,
        reason: String::new(),
    };
    let lines = e.node_uncaught();
    assert_eq!(lines[4], "Error: getaddrinfo ENOTFOUND db");
    assert_eq!(
        lines[6..10].join("\n"),
        "  errno: -3008,\n  code: 'ENOTFOUND',\n  syscall: 'getaddrinfo',\n  hostname: 'db'"
    );
}

/// postgres src/bin/scripts/pg_isready.c: `%s:%s - accepting connections` / `- no response`,
/// the host being the unix socket directory without -h.
#[test]
fn pg_isready_lines_postgres_src_bin_scripts_pg_isready_c() {
    let mut host = Host::new(9);
    host.run("docker run -d --name db -e POSTGRES_PASSWORD=secret postgres:16");
    assert_eq!(
        host.run("docker exec db pg_isready"),
        "/var/run/postgresql:5432 - no response\n"
    );
    host.wait(5_000);
    assert_eq!(
        host.run("docker exec db pg_isready"),
        "/var/run/postgresql:5432 - accepting connections\n"
    );
}

/// moby/swarmkit manager/state/raft/raft.go (TickInterval 1 s; Docker's ElectionTick 10,
/// HeartbeatTick 1; CheckQuorum on) and etcd raft.go `resetRandomizedElectionTimeout`
/// ([electiontimeout, 2*electiontimeout-1] ticks): a follower's election timeout is 10–19 s.
#[test]
fn raft_election_timeout_10_to_19_s_swarmkit_raft_go_etcd_reset_randomized_election_timeout() {
    use dockyard::sim::swarm::raft::*;
    assert_eq!((TICK_MS, ELECTION_TICK, HEARTBEAT_TICK), (1_000, 10, 1));
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..200 {
        let mut rng = dockyard::sim::rng::Rng::seeded(seed);
        let c = RaftCluster::with_members(&["node-1"], 0, &mut rng);
        seen.insert(c.members["node-1"].election_timeout_ms);
    }
    assert_eq!(seen.first(), Some(&10_000));
    assert_eq!(seen.last(), Some(&19_000));
}

/// docker/docs "Administer and maintain a swarm of Docker Engines" (fault tolerance table) and
/// etcd raft `quorum.MajorityConfig`: quorum ⌊N/2⌋+1, tolerates ⌊(N−1)/2⌋ losses.
#[test]
fn raft_quorum_majority_docs_swarm_admin_guide_fault_tolerance_table() {
    use dockyard::sim::swarm::raft::{fault_tolerance, quorum_size};
    for (n, q, f) in [(1, 1, 0), (3, 2, 1), (5, 3, 2), (7, 4, 3)] {
        assert_eq!((quorum_size(n), fault_tolerance(n)), (q, f), "{n} managers");
    }
}

/// moby/swarmkit manager/state/raft/raft.go `lostQuorumMessage` / `lostQuorumTimeout` (10 ticks)
/// and the gRPC deadline error reported in moby/moby #29087, #31758, #36696 (`code = 4` on
/// engines up to 17.03, `code = DeadlineExceeded` since); recovery with `--force-new-cluster`.
#[test]
fn raft_quorum_lost_errors_and_force_new_cluster_swarmkit_raft_go_lost_quorum_message() {
    use dockyard::sim::swarm::raft::*;
    let all = |_: &str, _: &str| true;
    let mut rng = dockyard::sim::rng::Rng::seeded(3);
    let mut c = RaftCluster::with_members(&["node-1", "node-2", "node-3"], 0, &mut rng);
    c.advance(30_000, &all, &mut rng);
    c.set_up("node-1", false, 30_000, &mut rng);
    c.set_up("node-2", false, 30_000, &mut rng);
    c.advance(100_000, &all, &mut rng);
    assert!(!c.has_quorum());
    let err = c.propose(100_000, &all, &mut rng).unwrap_err();
    assert_eq!(
        err.docker_message(),
        "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online."
    );
    assert_eq!(
        ERR_DEADLINE_EXCEEDED_LEGACY,
        "rpc error: code = 4 desc = context deadline exceeded"
    );
    assert_eq!(
        RaftError::NoQuorum {
            reachable: 1,
            needed: 2
        }
        .docker_message(),
        "rpc error: code = DeadlineExceeded desc = context deadline exceeded"
    );
    c.force_new_cluster("node-3", 100_000, &mut rng).unwrap();
    assert_eq!(c.leader(), Some("node-3"));
    assert!(c.propose(100_100, &all, &mut rng).is_ok());
}

/// swarmkit manager/orchestrator/taskreaper: `--task-history-limit` defaults to 5 tasks per slot.
#[test]
fn task_history_five_per_slot_swarmkit_taskreaper() {
    use dockyard::sim::swarm::task::*;
    assert_eq!(DEFAULT_TASK_HISTORY_LIMIT, 5);
    let mut tasks: Vec<Task> = (0..8)
        .map(|i| {
            let mut t = Task::new(&format!("t{i}"), "s", Some(1), Some("n1"), 1, i * 1_000);
            t.state = TaskState::Failed;
            t.desired_state = TaskState::Shutdown;
            t
        })
        .collect();
    tasks[7].state = TaskState::Running;
    tasks[7].desired_state = TaskState::Running;
    assert_eq!(
        prune_history(&tasks, DEFAULT_TASK_HISTORY_LIMIT),
        ["t0", "t1", "t2"]
    );
}

/// swarmkit manager/scheduler/scheduler.go nodeLess + filter.go ReadyFilter: spread by fewest
/// tasks of the service, then fewest tasks; `pause` and `drain` nodes get no new tasks.
#[test]
fn default_scheduling_spread_and_availability_swarmkit_scheduler_go() {
    use dockyard::sim::swarm::cluster::{Availability, Role};
    use dockyard::sim::swarm::scheduler::*;
    use std::collections::BTreeMap;
    let mut nodes: BTreeMap<String, NodeInfo> = (1..=3)
        .map(|i| {
            let id = format!("n{i}");
            (
                id.clone(),
                NodeInfo::new(&id, &format!("node-{i}"), Role::Worker, 1 << 31, 1 << 31),
            )
        })
        .collect();
    nodes
        .get_mut("n1")
        .unwrap()
        .add_task("other", &TaskSpec::default());
    let placed: Vec<String> = place_batch(&mut nodes, &TaskSpec::default(), "web", 3)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(placed, ["n2", "n3", "n1"]);
    nodes.get_mut("n1").unwrap().availability = Availability::Pause;
    nodes.get_mut("n2").unwrap().availability = Availability::Drain;
    nodes.get_mut("n3").unwrap().availability = Availability::Drain;
    assert_eq!(
        place(&nodes, &TaskSpec::default(), "web")
            .unwrap_err()
            .to_string(),
        "no suitable node (3 nodes not available for new tasks)"
    );
}

/// swarmkit manager/scheduler/filter.go Explain + pipeline.go Explain: the pending task's error.
#[test]
fn no_suitable_node_reasons_swarmkit_filter_go() {
    use dockyard::sim::swarm::cluster::{NodeStatus, Role};
    use dockyard::sim::swarm::scheduler::*;
    use std::collections::BTreeMap;
    let mut nodes: BTreeMap<String, NodeInfo> = (1..=4)
        .map(|i| {
            let id = format!("n{i}");
            (
                id.clone(),
                NodeInfo::new(&id, &format!("node-{i}"), Role::Worker, 1 << 31, 1 << 31),
            )
        })
        .collect();
    nodes.get_mut("n4").unwrap().status = NodeStatus::Down;
    let spec = TaskSpec {
        constraints: vec![parse_constraint("node.labels.db==true").unwrap()],
        ..TaskSpec::default()
    };
    assert_eq!(
        place(&nodes, &spec, "db").unwrap_err().to_string(),
        "no suitable node (scheduling constraints not satisfied on 3 nodes; 1 node not available for new tasks)"
    );
    assert_eq!(
        parse_constraint("node.role=manager")
            .unwrap_err()
            .daemon_text(),
        "rpc error: code = Unknown desc = constraint expected one operator from ==, !="
    );
}

/// swarmkit manager/orchestrator/restart/restart.go: effective restart policy `any`, delay 5 s,
/// max_attempts 0 (unlimited), no window.
#[test]
fn restart_policy_effective_defaults_swarmkit_restart_go() {
    use dockyard::sim::swarm::orchestrator::*;
    let p = RestartPolicy::default();
    assert_eq!(p.condition, RestartCondition::Any);
    assert_eq!(p.delay_ms, 5_000);
    assert_eq!(p.max_attempts, 0);
    assert_eq!(p.window_ms, 0);
}

/// A lab of 1 manager and 2 workers with `compose` as compose.yaml, driven like a shell user.
fn stack_lab(seed: u64, compose: &str) -> Host {
    let mut world = dockyard::sim::World::new(seed);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    world
        .fs
        .write("/home/learner/app/compose.yaml", compose, false)
        .expect("write compose.yaml");
    Host {
        timeline: dockyard::sim::Timeline::new(world),
    }
}

/// compose-spec deploy.md documents `restart_policy.delay` "default: 0" and `update_config` /
/// `rollback_config` `monitor` "default 0s"; docker/cli `convertRestartPolicy` /
/// `convertUpdateConfig` leave them unset and moby `updateConfigToGRPC` drops a zero monitor,
/// so swarmkit `api/defaults` (restart delay 5 s, update monitor 5 s) applies.
#[test]
fn stack_effective_defaults_compose_spec_deploy_md_vs_swarmkit_api_defaults() {
    let mut host = stack_lab(
        4,
        "services:\n  web:\n    image: nginx:1.27\n  api:\n    image: nginx:1.27\n    deploy:\n      update_config: {parallelism: 2, monitor: 0s}\n      restart_policy: {condition: on-failure, delay: 0s}\n",
    );
    let rec = host.sh("docker stack deploy -c compose.yaml app");
    assert!(
        rec.narration.iter().any(|n| n.contains(
            "deploy.restart_policy.delay: the Compose reference says 0, the swarm uses 5s (web)"
        )),
        "{:?}",
        rec.narration
    );
    let spec = |name: &str| {
        host.world()
            .swarm
            .services
            .values()
            .find(|s| s.spec.name == name)
            .expect("service")
            .spec
            .clone()
    };
    let web = spec("app_web");
    assert_eq!(web.template.restart.delay_ms, 5_000);
    assert_eq!(
        (web.update.monitor_ms, web.rollback.monitor_ms),
        (5_000, 5_000)
    );
    let api = spec("app_api");
    // An explicit 0s restart delay reaches SwarmKit; an explicit 0s monitor does not.
    assert_eq!(api.template.restart.delay_ms, 0);
    assert_eq!((api.update.parallelism, api.update.monitor_ms), (2, 5_000));
    let pretty = host.run("docker service inspect --pretty app_web");
    assert!(pretty.contains("Delay:\t\t5s") && pretty.contains("Monitoring Period: 5s"));
}

/// docker/cli cli/compose/types/types.go `UnsupportedProperties` + cli/command/stack/loader.go
/// (`Ignoring unsupported options: …`), deploy_composefile.go (`Creating service`, `Updating
/// service NAME (id: ID)`), remove.go (`Removing service`).
#[test]
fn stack_deploy_output_docker_cli_stack_deploy_composefile_go() {
    let mut host = stack_lab(
        4,
        "services:\n  web:\n    image: nginx:1.27\n    build: .\n    restart: always\n",
    );
    let out = host.run("docker stack deploy -c compose.yaml app");
    assert!(
        out.starts_with("Ignoring unsupported options: build, restart\n\nSince --detach=false was not specified, tasks will be created in the background.\nIn a future release, --detach=false will become the default.\nCreating network app_default\nCreating service app_web\n"),
        "{out}"
    );
    let id = host
        .world()
        .swarm
        .services
        .values()
        .next()
        .expect("service")
        .id
        .clone();
    let out = host.run("docker stack deploy -d -c compose.yaml app");
    assert!(
        out.contains(&format!("Updating service app_web (id: {id})")),
        "{out}"
    );
    assert_eq!(
        host.run("docker stack ls"),
        "NAME      SERVICES\napp       1\n"
    );
    assert_eq!(
        host.run("docker stack rm app"),
        "Removing service app_web\nRemoving network app_default\n"
    );
    assert_eq!(
        host.run("docker stack rm app"),
        "Nothing found in stack: app\n"
    );
}

/// docs/FIDELITY.md, "Swarm named volumes": local to the node that created them. docker/docs
/// engine/swarm/services.md ("Data volumes": a volume is created on the node that runs the task,
/// the data is not moved with the task). The voting app's db moves when its node dies and
/// starts with an EMPTY volume; the votes stay on the dead node's disk.
#[test]
fn swarm_named_volumes_local_to_the_node_docs_swarm_services_data_volumes() {
    let mut host = stack_lab(
        11,
        "services:\n  vote:\n    image: dockersamples/examplevotingapp_vote\n  redis:\n    image: redis:7\n  worker:\n    image: dockersamples/examplevotingapp_worker\n  db:\n    image: postgres:16\n    environment: {POSTGRES_USER: postgres, POSTGRES_PASSWORD: postgres}\n    volumes: [db-data:/var/lib/postgresql/data]\n    deploy:\n      placement: {constraints: [node.role == worker]}\n  result:\n    image: dockersamples/examplevotingapp_result\nvolumes:\n  db-data: {}\n",
    );
    host.run("docker stack deploy -c compose.yaml vote");
    host.wait(40_000);
    host.timeline
        .submit(Input::Fault(Fault::parse("vote cats 5").expect("fault")));
    assert_eq!(
        dockyard::sim::swarm::voting::tally(host.world()).map(|t| t.1),
        Some(5)
    );
    let db_host = |w: &dockyard::sim::World| -> Vec<String> {
        w.swarm
            .machines
            .values()
            .filter(|m| {
                w.engine_of(&m.hostname)
                    .is_some_and(|e| e.volumes.contains_key("vote_db-data"))
            })
            .map(|m| m.hostname.clone())
            .collect()
    };
    let before = db_host(host.world());
    assert_eq!(before.len(), 1);
    host.timeline.submit(Input::Fault(Fault::Machine {
        machine: before[0].clone(),
        up: false,
    }));
    host.wait(60_000);
    let after = db_host(host.world());
    assert_eq!(after.len(), 2, "a second, separate volume on the new node");
    assert_eq!(
        dockyard::sim::swarm::voting::tally(host.world()).map(|t| (t.1, t.3)),
        Some((0, 0))
    );
    assert_eq!(
        dockyard::sim::swarm::voting::votes_on_disk(host.world(), &before[0]),
        5
    );
}

/// A lab of 1 manager and 2 workers with `docker service create -d … dockyard/web:2.0` run and
/// settled (30 s).
fn deploy_lab(flags: &str, replicas: u64) -> Host {
    let mut world = dockyard::sim::World::new(7);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    let mut host = Host {
        timeline: dockyard::sim::Timeline::new(world),
    };
    host.run(&format!(
        "docker service create -d --name web --replicas {replicas} {flags} dockyard/web:2.0"
    ));
    host.wait(30_000);
    host
}

fn update_status(host: &Host) -> (String, String) {
    let svc = host.world().swarm.services.values().next().expect("web");
    let st = svc.update_status.as_ref().expect("an update status");
    (st.state.as_str().to_string(), st.message.clone())
}

/// swarmkit api/defaults `Service.Update` / `Service.Rollback`: parallelism 1, delay 0, failure
/// action pause, monitor 5 s, max failure ratio 0, order stop-first; `docker service inspect`
/// shows them as the effective config.
#[test]
fn update_and_rollback_config_effective_defaults_swarmkit_api_defaults() {
    let mut host = deploy_lab("", 1);
    let out = host.run(
        "docker service inspect --format '{{json .Spec.UpdateConfig}} {{json .Spec.RollbackConfig}}' web",
    );
    // moby api/types/swarm: `Delay` is omitempty; a float32 0 prints as `0`.
    let want = r#"{"Parallelism":1,"FailureAction":"pause","Monitor":5000000000,"MaxFailureRatio":0,"Order":"stop-first"}"#;
    assert_eq!(out.trim(), format!("{want} {want}"));
}

/// swarmkit manager/orchestrator/update/updater.go: a task the update created that fails within
/// `monitor` of running counts; failures / dirty slots > max_failure_ratio (0) → `pause` with
/// "update paused due to failure or early termination of task <ID>"; slots not reached keep the
/// old version; docker/cli progress.go ends with `service update paused: <message>`.
#[test]
fn failed_task_pauses_the_update_swarmkit_updater_go_and_cli_progress_go() {
    let mut host = deploy_lab("--update-delay 10s", 3);
    let out = host.run("docker service update --image dockyard/web:2.1 web");
    let (state, message) = update_status(&host);
    assert_eq!(state, "paused");
    assert!(message.starts_with("update paused due to failure or early termination of task "));
    assert!(
        out.contains(&format!("service update paused: {message}")),
        "{out}"
    );
    let ps = host.run("docker service ps web");
    assert_eq!(ps.matches("dockyard/web:2.0").count(), 3, "{ps}");
}

/// swarmkit updater.go `rollbackUpdate`: failure_action rollback puts PreviousSpec back (and clears
/// it), state `rollback_started` with "update rolled back due to failure or early termination of
/// task <ID>", then `rollback_completed` / "rollback completed"; docker/cli progress.go shows
/// `rollback: <message>` and `rolling back update: N out of N tasks`.
#[test]
fn failure_action_rollback_swarmkit_updater_go_rollback_update() {
    let mut host = deploy_lab("", 3);
    let out = host
        .run("docker service update --update-failure-action rollback --image dockyard/web:2.1 web");
    assert!(
        out.contains("rollback: update rolled back due to failure or early termination of task "),
        "{out}"
    );
    assert!(out.contains("overall progress: rolling back update: 3 out of 3 tasks"));
    assert!(out.contains("verify: Service web converged"));
    assert_eq!(
        update_status(&host),
        ("rollback_completed".into(), "rollback completed".into())
    );
    let out = host.run("docker service rollback web");
    assert!(out.contains("does not have a previous spec"), "{out}");
}

/// swarmkit controlapi/service.go `UpdateService`: `Rollback: PREVIOUS` swaps Spec and
/// PreviousSpec with "manually requested rollback"; any other update resets UpdateStatus to nil,
/// so the updater starts over (a paused update resumes).
#[test]
fn manual_rollback_swaps_specs_and_update_resets_status_swarmkit_controlapi_service_go() {
    let mut host = deploy_lab("", 2);
    host.run("docker service update -d --image dockyard/web:1.0 web");
    host.wait(30_000);
    let out = host.run("docker service rollback web");
    assert!(
        out.starts_with("web\nrollback: manually requested rollback\n"),
        "{out}"
    );
    let image = |h: &Host, prev: bool| {
        let s = h.world().swarm.services.values().next().unwrap();
        let spec = if prev {
            s.previous_spec.as_ref().unwrap()
        } else {
            &s.spec
        };
        spec.template.container.image.clone()
    };
    assert_eq!(image(&host, false), "dockyard/web:2.0");
    assert_eq!(image(&host, true), "dockyard/web:1.0");
    // With a 10 s delay slot 2 is still on 2.0 when slot 1 fails: the update pauses half done.
    host.run("docker service update -d --update-delay 10s --image dockyard/web:2.1 web");
    host.wait(8_000);
    assert_eq!(update_status(&host).0, "paused");
    host.run("docker service update -d web");
    assert_eq!(update_status(&host).0, "updating");
}

/// A three-node lab with the learner's terminal on node-1 (the manager).
fn mesh_lab() -> Host {
    let mut world = dockyard::sim::World::new(21);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    Host {
        timeline: dockyard::sim::Timeline::new(world),
    }
}

/// docs/FIDELITY.md, "Bridge networks: one host only": swarm services on different nodes need an
/// overlay network. moby daemon/cluster/services.go `populateNetworkID`: a local (non-swarm)
/// network is refused with "The network %s cannot be used with services. Only networks scoped to
/// the swarm can be used, such as those created with the overlay driver."; moby
/// daemon/cluster/helpers.go `getNetwork`: "network %s not found". libnetwork drivers/overlay: an
/// overlay spans nodes.
#[test]
fn bridge_networks_one_host_only_moby_daemon_cluster_services_go() {
    let mut host = mesh_lab();
    host.run("docker network create appnet");
    let out = host.run("docker service create -d --name db --network appnet postgres:16");
    assert!(
        out.contains("Error response from daemon: The network appnet cannot be used with services. Only networks scoped to the swarm can be used, such as those created with the overlay driver."),
        "{out}"
    );
    let out = host.run("docker service create -d --name db --network nope postgres:16");
    assert!(
        out.contains("Error response from daemon: network nope not found"),
        "{out}"
    );
    assert!(host.world().swarm.services.is_empty());
    host.run("docker network create -d overlay backend");
    let out = host.run("docker network ls");
    assert!(out.contains("backend           overlay   swarm"), "{out}");
    assert!(out.contains("ingress           overlay   swarm"), "{out}");
    // Every swarm node has docker_gwbridge (docker/docs engine/swarm/networking.md).
    assert!(out.contains("docker_gwbridge   bridge    local"), "{out}");
    host.run("docker service create -d --name db --network backend --constraint node.hostname==node-2 postgres:16");
    host.run("docker service create -d --name api --network backend --constraint node.hostname==node-3 dockyard/web:2.0");
    host.wait(20_000);
    let w = host.world();
    let answer = dockyard::sim::swarm::mesh::resolve(w, "api", Some("backend"), "db").unwrap();
    assert!(
        answer.vip && answer.addresses[0].starts_with("10.0.1."),
        "{answer:?}"
    );
    let out = host.run("docker network rm backend");
    assert!(
        out.contains("rpc error: code = FailedPrecondition desc = network "),
        "{out}"
    );
    assert!(out.contains(" is in use by service "), "{out}");
}

/// docs/FIDELITY.md, "Routing mesh (ingress)": every node accepts a published port and
/// load-balances (IPVS) to tasks on any node; `mode: host` bypasses it; `endpoint_mode: dnsrr`
/// cannot use ingress. Docker docs "Use swarm mode routing mesh" (engine/swarm/ingress.md) and
/// SwarmKit controlapi `validateEndpointSpec`.
#[test]
fn routing_mesh_ingress_docker_docs_swarm_ingress() {
    let mut host = mesh_lab();
    host.run("docker service create -d --name web --replicas 2 -p 8080:80 --constraint node.hostname!=node-3 dockyard/web:2.0");
    host.wait(10_000);
    // node-3 runs no task and still answers; IPVS alternates between the two tasks.
    let a = host.run("curl http://node-3:8080/");
    let b = host.run("curl http://node-3:8080/");
    assert!(a.contains("{\"version\":\"2.0\",\"host\":\""), "{a}");
    assert!(b.contains("{\"version\":\"2.0\",\"host\":\""), "{b}");
    assert_ne!(a, b, "round robin picks the other task");
    // Host mode: only the node running the task listens.
    host.run("docker service create -d --name hm --publish published=9090,target=80,mode=host --constraint node.hostname==node-2 nginx:1.27");
    host.wait(10_000);
    assert!(
        host.run("curl http://node-2:9090/")
            .contains("Welcome to nginx!")
    );
    let out = host.run("curl http://node-3:9090/");
    assert!(
        out.contains(
            "curl: (7) Failed to connect to node-3 port 9090 after 0 ms: Couldn't connect to server"
        ),
        "{out}"
    );
    // dnsrr and ingress do not mix.
    let out =
        host.run("docker service create -d --name rr --endpoint-mode dnsrr -p 7070:80 nginx:1.27");
    assert!(
        out.contains("port published with ingress mode can't be used with dnsrr mode"),
        "{out}"
    );
}
