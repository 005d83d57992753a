//! Every machine of a swarm lab is a full Docker engine, and a task is one of its containers
//! (SwarmKit's agent → executor → engine, `agent/exec/dockerapi`).
//!
//! Sources: SwarmKit `agent/exec/dockerapi/container.go` (the container name
//! `<service>.<slot>.<task id>` and the `com.docker.swarm.*` labels), docker/docs
//! engine/swarm/how-swarm-mode-works/services.md (tasks are containers on their node),
//! engine/swarm/networking.md (`docker_gwbridge`, `ingress`, a worker learns an overlay network
//! when a task there needs it; service discovery through the embedded DNS server: the service
//! name gives its VIP, `tasks.NAME` the tasks' addresses).

mod common;
use common::Host;
use dockyard::sim::swarm::task::TaskState;
use dockyard::sim::{Fault, Input};

fn swarm(seed: u64, managers: usize, workers: usize) -> Host {
    let mut world = dockyard::sim::World::new(seed);
    dockyard::sim::swarm::setup::form(&mut world, managers, workers);
    Host {
        timeline: dockyard::sim::Timeline::new(world),
    }
}

fn fault(h: &mut Host, text: &str) {
    h.timeline
        .submit(Input::Fault(Fault::parse(text).expect("fault")));
}

/// The names of the running tasks the store places on `host`, as their containers are named.
fn tasks_on(h: &Host, host: &str) -> Vec<String> {
    let w = h.world();
    let node = w.swarm.node_of(host).expect("node").id.clone();
    let mut names: Vec<String> = w
        .swarm
        .tasks
        .iter()
        .filter(|t| t.node_id.as_deref() == Some(node.as_str()) && t.state == TaskState::Running)
        .map(|t| {
            let svc = &w.swarm.services[&t.service_id];
            dockyard::sim::swarm::agent::container_name(&svc.spec.name, t)
        })
        .collect();
    dockyard::sim::order::sort(&mut names);
    names
}

fn lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    dockyard::sim::order::sort(&mut v);
    v
}

#[test]
fn docker_ps_on_each_node_lists_exactly_its_task_containers() {
    let mut h = swarm(3, 1, 2);
    h.run("docker service create -d --name web --replicas 5 nginx:1.27");
    h.wait(20_000);
    for host in ["node-1", "node-2", "node-3"] {
        let listed = h.run(&format!("ssh {host} docker ps --format '{{{{.Names}}}}'"));
        assert_eq!(lines(&listed), tasks_on(&h, host), "{host}");
    }
    // The local machine is a node too: plain `docker ps` lists its tasks.
    assert_eq!(
        lines(&h.run("docker ps --format '{{.Names}}'")),
        tasks_on(&h, "node-1")
    );
    let all: usize = ["node-1", "node-2", "node-3"]
        .iter()
        .map(|n| tasks_on(&h, n).len())
        .sum();
    assert_eq!(all, 5);
    // SwarmKit's labels are on the container.
    let labels = h.run("docker ps --format '{{.Labels}}'");
    assert!(
        labels.contains("com.docker.swarm.service.name=web"),
        "{labels}"
    );
    assert!(labels.contains("com.docker.swarm.task.id="), "{labels}");
    assert!(labels.contains("com.docker.swarm.node.id="), "{labels}");
    // --filter reads them.
    let filtered =
        h.run("ssh node-2 docker ps -q --filter label=com.docker.swarm.service.name=web");
    assert_eq!(lines(&filtered).len(), tasks_on(&h, "node-2").len());
    assert_eq!(
        h.run("docker ps --filter colour=blue"),
        "Error response from daemon: invalid filter 'colour'\n"
    );
    // Each node pulled the image into its own store.
    assert!(h.run("ssh node-3 docker images").contains("nginx"));
}

#[test]
fn ssh_moves_the_terminal_to_a_node_and_exit_comes_back() {
    let mut h = swarm(4, 1, 2);
    h.run("docker service create -d --name web --replicas 3 nginx:1.27");
    h.wait(20_000);
    let welcome = h.run("ssh node-2");
    assert!(welcome.starts_with("Welcome to Ubuntu 24.04"), "{welcome}");
    assert_eq!(h.world().swarm.local, "node-2");
    assert_eq!(h.world().engine.hostname, "node-2");
    assert_eq!(
        lines(&h.run("docker ps --format '{{.Names}}'")),
        tasks_on(&h, "node-2")
    );
    // A worker cannot read the cluster state.
    assert!(
        h.run("docker node ls")
            .contains("Worker nodes can't be used")
    );
    assert_eq!(h.run("exit"), "logout\nConnection to node-2 closed.\n");
    assert_eq!(h.world().swarm.local, "node-1");
    assert!(h.run("exit").contains("nothing to exit to"));
    assert!(h.run("docker node ls").contains("Leader"));
}

/// Found by fuzzing: `ssh node-2`, `! kill node-2`, `docker run nginx` started a container on a
/// machine that was off. The session dies with the machine; the terminal is back on node-1.
#[test]
fn a_machine_that_dies_under_an_ssh_session_drops_it() {
    let mut h = swarm(5, 3, 2);
    h.run("ssh node-2");
    h.run("ssh node-3");
    assert_eq!(h.world().shell.hops, ["node-1", "node-2"]);
    fault(&mut h, "kill node-2");
    assert_eq!(h.world().swarm.local, "node-1");
    assert_eq!(h.world().engine.hostname, "node-1");
    assert!(h.world().shell.hops.is_empty());
    let said = common::output(h.timeline.last_record().expect("the kill's record"));
    assert!(
        said.contains("client_loop: send disconnect: Broken pipe"),
        "{said}"
    );
    h.run("docker run -d --name web nginx");
    assert_eq!(h.world().check_invariants(), Ok(()));
    assert!(
        h.world()
            .engine
            .containers
            .values()
            .any(|c| c.name == "web"),
        "the container runs on node-1"
    );
    // A machine the terminal is not on changes nothing for it.
    h.run("ssh node-4");
    fault(&mut h, "kill node-5");
    assert_eq!(h.world().swarm.local, "node-4");
}

/// Found by fuzzing: `docker node rm -f` of a worker that is up left its tasks "up" on a node
/// that no longer existed. The worker's agent is refused and its engine removes the task
/// containers; the managers replace the tasks elsewhere.
#[test]
fn a_live_worker_removed_by_force_drops_its_tasks_and_they_are_replaced() {
    let mut h = swarm(7, 1, 2);
    h.run("docker service create -d --name web --replicas 3 nginx");
    h.wait(20_000);
    let on_node_2 = |h: &Host| {
        h.world()
            .swarm
            .tasks
            .iter()
            .filter(|t| t.desired_state == TaskState::Running)
            .filter(|t| {
                t.node_id
                    .as_ref()
                    .and_then(|id| h.world().swarm.nodes.get(id))
                    .is_some_and(|n| n.hostname == "node-2")
            })
            .count()
    };
    assert!(on_node_2(&h) > 0, "the spread puts a task on node-2");
    let refused = h.run("docker node rm node-2");
    assert!(
        refused.contains("is not down and can't be removed"),
        "{refused}"
    );
    h.run("docker node rm -f node-2");
    assert_eq!(h.world().check_invariants(), Ok(()));
    h.wait(20_000);
    assert_eq!(h.world().check_invariants(), Ok(()));
    let running = h
        .world()
        .swarm
        .tasks
        .iter()
        .filter(|t| t.state == TaskState::Running && t.container_up)
        .count();
    assert_eq!(running, 3, "three replicas run on the nodes left");
    h.run("ssh node-2");
    assert_eq!(
        h.run("docker ps -q"),
        "",
        "node-2's task containers are gone"
    );
    assert!(h.run("docker info").contains("Swarm: inactive"));
}

#[test]
fn exec_into_a_task_uses_the_overlay_dns_and_vips() {
    let mut h = swarm(3, 1, 2);
    h.run("docker network create -d overlay backend");
    h.run("docker service create -d --name api --network backend --replicas 2 dockyard/web:2.0");
    h.run("docker service create -d --name client --network backend --constraint node.hostname==node-2 alpine sleep 1d");
    h.wait(20_000);
    h.run("ssh node-2");
    let id = h.run("docker ps -q --filter name=client");
    let id = id.trim();
    assert_eq!(id.len(), 12, "one client container on node-2: {id:?}");
    let vip = h.run(&format!("docker exec {id} nslookup api"));
    assert!(vip.contains("Server:\t\t127.0.0.11"), "{vip}");
    assert_eq!(vip.matches("Address: 10.").count(), 1, "one VIP: {vip}");
    let tasks = h.run(&format!("docker exec {id} nslookup tasks.api"));
    assert_eq!(
        tasks.matches("Address: 10.").count(),
        2,
        "two tasks: {tasks}"
    );
    // IPVS picks one of api's two task containers; the app names the one that answered.
    let api_ids: Vec<String> = ["node-1", "node-2", "node-3"]
        .iter()
        .flat_map(|n| lines(&h.run(&format!("ssh {n} docker ps -q -f name=api"))))
        .collect();
    assert_eq!(api_ids.len(), 2);
    for tool in ["wget -qO-", "curl -s"] {
        let body = h.run(&format!("docker exec {id} {tool} http://api/"));
        assert!(
            body.starts_with("{\"version\":\"2.0\",\"host\":\""),
            "{body}"
        );
        assert!(
            api_ids.iter().any(|a| body.contains(a.as_str())),
            "{body} from {api_ids:?}"
        );
    }
    let miss = h.run(&format!("docker exec {id} nslookup nope"));
    assert!(
        miss.contains("** server can't find nope: NXDOMAIN"),
        "{miss}"
    );
    // The worker knows the overlay its task uses, ingress, and its docker_gwbridge.
    let nets = h.run("docker network ls");
    for name in ["backend", "ingress", "docker_gwbridge", "bridge"] {
        assert!(nets.contains(name), "{name} in {nets}");
    }
    // Inspected on node-2, the overlay lists the endpoints there: the client's container and
    // the network's load balancer; docker_gwbridge connects the task to the node.
    let backend = h.run("docker network inspect backend");
    assert!(backend.contains("\"Name\": \"client.1."), "{backend}");
    assert!(backend.contains("\"lb-backend\""), "{backend}");
    let gw = h.run("docker network inspect docker_gwbridge");
    assert!(gw.contains(&format!("\"Name\": \"gateway_{id}\"")), "{gw}");
    assert!(gw.contains("\"Subnet\": \"172.18.0.0/16\""), "{gw}");
}

#[test]
fn a_full_disk_on_a_node_hits_that_nodes_engine() {
    let mut h = swarm(5, 1, 2);
    fault(&mut h, "fill-disk node-2");
    let refused = h.run("ssh node-2 docker run -d nginx:1.27");
    assert!(refused.contains("no space left on device"), "{refused}");
    // The terminal's own machine is not affected.
    assert!(
        !h.run("docker run -d --name ok nginx:1.27")
            .contains("no space")
    );
    h.run("docker service create -d --name web --replicas 6 nginx:1.27");
    h.wait(10_000);
    let ps = h.run("docker service ps --no-trunc web");
    assert!(ps.contains("no space left on device"), "{ps}");
    assert!(tasks_on(&h, "node-2").is_empty());
}

#[test]
fn an_unhealthy_task_container_is_killed_on_its_node() {
    let mut h = swarm(7, 1, 2);
    h.run("docker service create -d --name web --replicas 1 --constraint node.hostname==node-3 --health-cmd 'curl -f http://localhost/health' --health-interval 2s --health-retries 2 dockyard/web:2.2");
    h.wait(15_000);
    let ps = h.run("ssh node-3 \"docker ps -a --format '{{.Names}} {{.Status}}'\"");
    assert!(ps.contains("Exited (137)"), "{ps}");
    let tasks = h.run("docker service ps --no-trunc web");
    assert!(tasks.contains("dockerexec: unhealthy container"), "{tasks}");
    // The container's log is the task's log.
    let logs = h.run("docker service logs web");
    assert!(logs.contains("web 2.2 listening on :80"), "{logs}");
}

#[test]
fn removing_a_service_removes_its_containers_from_every_node() {
    let mut h = swarm(8, 1, 2);
    h.run("docker service create -d --name web --replicas 3 nginx:1.27");
    h.wait(20_000);
    assert!(!tasks_on(&h, "node-2").is_empty() || !tasks_on(&h, "node-3").is_empty());
    h.run("docker service rm web");
    h.wait(20_000);
    for host in ["node-1", "node-2", "node-3"] {
        assert_eq!(
            h.run(&format!("ssh {host} docker ps -aq")),
            "",
            "{host} keeps no container of a removed service"
        );
    }
}

/// docker/cli `service create --stop-signal`, SwarmKit `ContainerSpec.StopSignal`: the task's
/// container is created with it, so the agent's stop sends it.
#[test]
fn a_services_stop_signal_reaches_its_containers() {
    let mut h = swarm(9, 1, 0);
    h.run("docker service create -d --name web --stop-signal SIGTERM --stop-grace-period 3s nginx:1.27");
    h.wait(10_000);
    let id = h.run("docker ps -q -f name=web");
    let config = h.run(&format!(
        "docker inspect --format '{{{{.Config.StopSignal}}}} {{{{.Config.StopTimeout}}}}' {}",
        id.trim()
    ));
    assert_eq!(config, "SIGTERM 3\n");
    let spec = h.run("docker service inspect --format '{{json .Spec.TaskTemplate.ContainerSpec.StopSignal}}' web");
    assert_eq!(spec, "\"SIGTERM\"\n");
}

/// The single host's disk model on a node: PostgreSQL cannot write its WAL on a full disk and
/// panics (`PANIC:  could not write to file "pg_wal/xlogtemp.N": No space left on device`), the
/// task fails, and the managers start a replacement (which node-2 rejects while it is full).
#[test]
fn a_full_disk_crashes_a_database_task_running_there() {
    let mut h = swarm(6, 1, 2);
    h.run("docker service create -d --name db --constraint node.hostname==node-2 -e POSTGRES_PASSWORD=x postgres:16");
    h.wait(20_000);
    assert_eq!(tasks_on(&h, "node-2").len(), 1);
    fault(&mut h, "fill-disk node-2");
    h.wait(2_000);
    let logs = h.run("docker service logs db");
    assert!(logs.contains("No space left on device"), "{logs}");
    let ps = h.run("docker service ps --no-trunc db");
    assert!(ps.contains("Failed"), "{ps}");
    h.wait(20_000);
    let ps = h.run("docker service ps --no-trunc db");
    assert!(ps.contains("no space left on device"), "{ps}");
}

/// `docker node ps` is `docker service ps`'s table for the tasks on the nodes named: `self` (the
/// node the CLI talks to) by default, any node by name; managers only.
#[test]
fn node_ps_lists_the_tasks_on_a_node() {
    let mut h = swarm(7, 1, 2);
    h.run("docker service create -d --name web --replicas 3 nginx");
    h.wait(20_000);
    let rows = |out: &str, node: &str| {
        out.lines()
            .skip(1)
            .filter(|l| l.split_whitespace().nth(3) == Some(node))
            .count()
    };
    let mine = h.run("docker node ps");
    assert!(
        mine.starts_with("ID ") && mine.contains("DESIRED STATE") && mine.contains("CURRENT STATE"),
        "{mine}"
    );
    let lines = mine.lines().count() - 1;
    assert!(
        lines >= 1,
        "node-1 runs a task of three over three nodes: {mine}"
    );
    assert_eq!(rows(&mine, "node-1"), lines, "only node-1's tasks: {mine}");
    assert_eq!(h.run("docker node ps self"), mine);
    let theirs = h.run("docker node ps node-2");
    assert!(rows(&theirs, "node-2") >= 1, "{theirs}");
    assert_eq!(rows(&theirs, "node-1"), 0, "{theirs}");
    let both = h.run("docker node ps node-1 node-2");
    assert_eq!(
        both.lines().count() - 1,
        lines + theirs.lines().count() - 1,
        "{both}"
    );
    let ids = h.run("docker node ps -q node-2");
    assert_eq!(ids.lines().count(), theirs.lines().count() - 1, "{ids}");
    assert!(
        h.run("docker node ps nosuch")
            .contains("node nosuch not found"),
        "an unknown node is refused"
    );
    h.run("ssh node-2");
    assert!(
        h.run("docker node ps")
            .contains("Worker nodes can't be used to view or modify cluster state"),
        "a worker cannot list tasks"
    );
}
