//! Backing up a swarm: a database task dumped on its node, and a manager's swarm state copied,
//! lost with its disk and brought back with `docker swarm init --force-new-cluster`.
//!
//! Sources: Docker docs `engine/swarm/admin_guide.md` ("Back up the swarm": stop Docker on the
//! manager first, a hot copy restores unpredictably; "Restore from a backup": replace
//! /var/lib/docker/swarm, start Docker, `docker swarm init --force-new-cluster`); the swarm state
//! holds services, networks, secrets and configs but no volume data (`engine/swarm/secrets.md`,
//! volumes are node-local); SwarmKit `manager/state/raft/storage/walwrap.go` `ReadRepairWAL`
//! (`irreparable WAL error`) over etcd's WAL (`wal: crc mismatch`).

mod common;
use common::Host;

fn swarm(seed: u64, managers: usize, workers: usize) -> Host {
    let mut world = dockyard::sim::World::new(seed);
    dockyard::sim::swarm::setup::form(&mut world, managers, workers);
    Host {
        timeline: dockyard::sim::Timeline::new(world),
    }
}

fn running(h: &Host, service: &str) -> usize {
    let w = h.world();
    let Some(svc) = w.swarm.services.values().find(|s| s.spec.name == service) else {
        return 0;
    };
    w.swarm
        .tasks
        .iter()
        .filter(|t| {
            t.service_id == svc.id
                && t.state == dockyard::sim::swarm::task::TaskState::Running
                && t.container_up
        })
        .count()
}

/// The docs' recipe end to end: stop Docker on the (only) manager, tar the folder, start Docker;
/// the manager's disk dies; a new disk, the copy from off-site, `--force-new-cluster`: the
/// services come back as they were when the copy was taken.
#[test]
fn a_cold_copy_of_the_swarm_folder_brings_the_cluster_back_with_force_new_cluster() {
    let mut h = swarm(5, 1, 2);
    h.run("docker service create -d --name web --replicas 3 nginx:1.27");
    h.wait(30_000);
    assert_eq!(running(&h, "web"), 3);
    let out = h.run("sudo systemctl stop docker");
    assert!(!out.contains("rror"), "{out}");
    let out = h.run("docker node ls");
    assert!(out.contains("Cannot connect to the Docker daemon"), "{out}");
    let out = h.run("sudo tar czvf swarm-backup.tar.gz -C /var/lib/docker swarm");
    assert!(out.contains("swarm/raft/wal-v3-encrypted/"), "{out}");
    assert!(
        out.contains("swarm/certificates/swarm-root-ca.crt"),
        "{out}"
    );
    h.run("sudo systemctl start docker");
    h.wait(20_000);
    assert_eq!(running(&h, "web"), 3);
    let out = h.run("docker node ls");
    assert!(out.contains("Leader"), "{out}");
    // A change after the copy: the copy does not have it.
    h.run("docker service create -d --name late --replicas 2 nginx:1.27");
    h.wait(30_000);
    assert_eq!(running(&h, "late"), 2);
    let out = h.run("scp swarm-backup.tar.gz backup-host:/backups/");
    assert!(!out.contains("rror"), "{out}");

    h.fault("lose-disk node-1");
    h.wait(30_000);
    h.fault("start node-1");
    h.wait(5_000);
    let out = h.run("docker node ls");
    assert!(out.contains("not a swarm manager"), "{out}");
    let out = h.run("ls swarm-backup.tar.gz");
    assert!(out.contains("No such file"), "{out}");
    h.run("scp backup-host:/backups/swarm-backup.tar.gz .");
    h.run("sudo systemctl stop docker");
    h.run("sudo rm -rf /var/lib/docker/swarm");
    let said = h
        .sh("sudo tar xzf swarm-backup.tar.gz -C /var/lib/docker")
        .narration
        .join(" ");
    assert!(said.contains("copied from node-1"), "{said}");
    let said = h.sh("sudo systemctl start docker").narration.join(" ");
    assert!(said.contains("Not one byte of volume data"), "{said}");
    let out = h.run("docker swarm init --force-new-cluster");
    assert!(out.contains("Swarm initialized"), "{out}");
    h.wait(30_000);
    let out = h.run("docker service ls");
    assert!(out.contains("web"), "{out}");
    assert!(!out.contains("late"), "{out}");
    assert_eq!(running(&h, "web"), 3);
    // The workers' containers of `late` belong to no task of the restored store: removed.
    let w = h.world();
    for host in ["node-2", "node-3"] {
        let engine = w.engine_of(host).unwrap();
        assert!(
            engine
                .containers
                .values()
                .all(|c| !c.name.starts_with("late.")),
            "{host}"
        );
    }
    h.world().check_invariants().unwrap();
}

/// A hot copy (Docker running on the manager) restores or not, by the seed: the torn one stops
/// SwarmKit reading its log (`irreparable WAL error: wal: crc mismatch`), in the daemon's log at
/// start and from `docker swarm init --force-new-cluster`.
#[test]
fn a_hot_copy_restores_unpredictably() {
    let mut outcomes = Vec::new();
    for seed in 1..=8 {
        let mut h = swarm(seed, 1, 1);
        h.run("docker service create -d --name web --replicas 2 nginx:1.27");
        h.wait(20_000);
        h.run("tar czf swarm.tar.gz -C /var/lib/docker swarm");
        let saved = h.world().swarm.saved_states.values().next_back().unwrap();
        assert!(saved.hot);
        let torn = saved.torn;
        h.run("sudo systemctl stop docker");
        h.run("sudo rm -rf /var/lib/docker/swarm");
        h.run("sudo tar xzf swarm.tar.gz -C /var/lib/docker");
        let start = h.sh("sudo systemctl start docker");
        let init = h.run("docker swarm init --force-new-cluster");
        if torn {
            assert!(
                common::output(&start).contains(
                    "swarm component could not be started\" error=\"irreparable WAL error: wal: crc mismatch\""
                ),
                "{}",
                common::output(&start)
            );
            assert!(
                init.contains(
                    "Error response from daemon: irreparable WAL error: wal: crc mismatch"
                ),
                "{init}"
            );
        } else {
            assert!(init.contains("Swarm initialized"), "{init}");
        }
        outcomes.push(torn);
        h.world().check_invariants().unwrap();
    }
    assert!(
        outcomes.contains(&true) && outcomes.contains(&false),
        "{outcomes:?}"
    );
}

/// A copy taken with Docker stopped is never torn.
#[test]
fn a_cold_copy_is_never_torn() {
    for seed in 1..=8 {
        let mut h = swarm(seed, 1, 1);
        h.run("sudo systemctl stop docker");
        h.run("tar czf swarm.tar.gz -C /var/lib/docker swarm");
        let saved = h.world().swarm.saved_states.values().next_back().unwrap();
        assert!(!saved.hot && !saved.torn);
    }
}

/// Three managers in the copy: started from it, the node has no quorum (the other two are "the
/// old swarm") until `--force-new-cluster` makes it the only manager.
#[test]
fn a_copy_from_three_managers_needs_force_new_cluster() {
    let mut h = swarm(7, 3, 1);
    h.run("docker service create -d --name web --replicas 2 nginx:1.27");
    h.wait(20_000);
    h.run("sudo systemctl stop docker");
    h.run("tar czf swarm.tar.gz -C /var/lib/docker swarm");
    h.run("sudo systemctl start docker");
    h.run("scp swarm.tar.gz backup-host:/backups/");
    h.wait(20_000);
    for m in ["node-1", "node-2", "node-3"] {
        h.fault(&format!("kill {m}"));
    }
    h.fault("lose-disk node-1");
    h.fault("start node-1");
    h.wait(5_000);
    h.run("scp backup-host:/backups/swarm.tar.gz .");
    h.run("sudo systemctl stop docker");
    h.run("sudo tar xzf swarm.tar.gz -C /var/lib/docker");
    let said = h.sh("sudo systemctl start docker").narration.join(" ");
    h.wait(20_000);
    let out = h.run("docker service ls");
    assert!(
        out.contains("rpc error") || out.contains("quorum"),
        "{out} {said}"
    );
    let out = h.run("docker swarm init --force-new-cluster");
    assert!(out.contains("Swarm initialized"), "{out}");
    h.wait(30_000);
    let out = h.run("docker service ls");
    assert!(out.contains("web"), "{out}");
    h.world().check_invariants().unwrap();
}

/// Unquoted, `$(docker ps -q -f name=app_db)` is expanded by this machine's shell before ssh
/// runs: node-1 has no such container, so node-2 runs `docker exec pg_dump …`, and the daemon
/// looks for a container named `pg_dump`. (The quoted form is
/// `backups::a_swarm_database_task_is_dumped_on_its_node`.)
#[test]
fn unquoted_substitution_runs_on_this_machine_not_the_node() {
    let mut h = swarm(3, 1, 2);
    h.run("docker service create -d --name app_db --constraint node.hostname==node-2 -e POSTGRES_PASSWORD=secret postgres:16");
    h.wait(30_000);
    let out =
        h.run("ssh node-2 docker exec $(docker ps -q -f name=app_db) pg_dump -U postgres postgres");
    assert!(
        out.contains("Error response from daemon: No such container: pg_dump"),
        "{out}"
    );
}
