//! Forming a swarm from the terminal: `docker swarm init` on node-1, `ssh node-2 docker swarm
//! join …` with the printed token, `docker node ls|promote|demote|update|rm`, and the daemon's
//! words for each mistake (moby `daemon/cluster`, swarmkit `controlapi`).

mod common;

use common::Host;
use dockyard::scenario::parse::Scenario;
use dockyard::sim::swarm;

fn lab(machines: usize) -> Host {
    let mut host = Host::new(9);
    host.timeline = dockyard::sim::Timeline::new({
        let mut w = dockyard::sim::World::new(9);
        w.swarm = swarm::cluster::Swarm::lab(machines);
        // The terminal is on node-1: its engine is the mounted one, its slot the placeholder.
        w.engine.hostname = "node-1".into();
        w.swarm.machines.get_mut("node-1").expect("node-1").engine =
            dockyard::sim::docker::engine::Engine::placeholder().into();
        w
    });
    host
}

#[test]
fn moby_cluster_init_join_over_ssh_and_node_ls() {
    let mut host = lab(3);
    assert!(
        host.run("docker node ls")
            .contains("This node is not a swarm manager. Use \"docker swarm init\"")
    );
    let out = host.run("docker swarm init");
    let join = out
        .lines()
        .find(|l| l.trim_start().starts_with("docker swarm join --token"))
        .expect("join command printed")
        .trim()
        .to_string();
    let out = host.run(&format!("ssh node-2 {join}"));
    assert_eq!(out, "This node joined a swarm as a worker.\n");
    let manager = host.run("docker swarm join-token -q manager");
    let out = host.run(&format!(
        "ssh node-3 docker swarm join --token {} 10.0.0.2:2377",
        manager.trim()
    ));
    assert_eq!(out, "This node joined a swarm as a manager.\n");
    let ls = host.run("docker node ls");
    assert_eq!(ls.lines().count(), 4, "{ls}");
    assert!(ls.contains("Leader"), "{ls}");
    assert!(ls.contains("Reachable"), "{ls}");
    let out = host.run("ssh node-2 docker node ls");
    assert!(
        out.contains("Worker nodes can't be used to view or modify cluster state"),
        "{out}"
    );
}

#[test]
fn mistakes_change_nothing() {
    let mut host = lab(2);
    host.run("docker swarm init");
    let before = host.world().swarm.clone();
    for (line, want) in [
        ("docker swarm init", "This node is already part of a swarm"),
        (
            "ssh node-2 docker swarm join --token SWMTKN-1-bad 10.0.0.2:2377",
            "A valid join token is necessary",
        ),
        (
            "ssh node-2 docker swarm join --token x 10.0.0.9:2377",
            "connection refused",
        ),
        ("docker node promote nosuch", "node nosuch not found"),
        (
            "docker node demote node-1",
            "attempting to demote the last manager of the swarm",
        ),
        (
            "docker node update --availability sometimes node-1",
            "invalid availability",
        ),
        (
            "docker node rm node-1",
            "must be demoted to worker before removal",
        ),
        (
            "docker swarm leave",
            "Removing the last manager erases all current state of the swarm",
        ),
        ("docker swarm join-token boss", "unknown role boss"),
        ("docker node ls --bogus", "unknown flag: --bogus"),
    ] {
        let out = host.run(line);
        assert!(out.contains(want), "{line}: {out}");
        assert_eq!(host.world().swarm, before, "{line} changed the swarm");
    }
}

#[test]
fn setup_swarm_forms_the_cluster_before_the_first_step() {
    let scenario = Scenario::parse(
        "# lab\npage: swarm-basics\nsetup: swarm managers=3 workers=2 seed=4\n$ docker node ls\nexpect: output contains \"node-5\"\n",
    )
    .unwrap();
    let setup = scenario.swarm.expect("swarm setup");
    assert_eq!((setup.managers, setup.workers), (3, 2));
    assert!(Scenario::parse("# x\npage: swarm-basics\nsetup: swarm managers=0\n").is_err());
    let run = dockyard::scenario::run::Run::play(&scenario, None).unwrap();
    let world = run.timeline.world();
    assert_eq!(world.swarm.nodes.len(), 5);
    assert!(
        run.goal_statuses()
            .iter()
            .all(|g| *g == dockyard::scenario::run::GoalStatus::Met)
    );
}

fn formed(managers: usize, workers: usize, seed: u64) -> Host {
    let mut host = Host::new(seed);
    host.timeline = dockyard::sim::Timeline::new({
        let mut w = dockyard::sim::World::new(seed);
        swarm::setup::form(&mut w, managers, workers);
        w
    });
    host
}

fn fault(host: &mut Host, text: &str) {
    let fault = dockyard::sim::Fault::parse(text).unwrap();
    host.timeline.submit(dockyard::sim::Input::Fault(fault));
}

#[test]
fn fidelity_swarmkit_leader_dies_one_of_three_cluster_carries_on() {
    let mut host = formed(3, 1, 5);
    assert!(host.run("docker node ls").contains("Leader"));
    fault(&mut host, "kill node-1");
    host.wait(40_000);
    let world = host.world();
    let leader = world.swarm.raft.leader().expect("a new leader within 40 s");
    assert_ne!(leader, "node-1");
    assert!(world.swarm.raft.term() >= 2);
    let ls = host.run(&format!("ssh {leader} docker node ls"));
    assert!(
        ls.contains("node-1     Down      Active         Unreachable"),
        "{ls}"
    );
    assert_eq!(ls.matches("Leader").count(), 1, "{ls}");
    // Back on: node-1 follows the newer term.
    fault(&mut host, "start node-1");
    host.wait(5_000);
    let ls = host.run("docker node ls");
    assert!(
        ls.contains("node-1     Ready     Active         Reachable"),
        "{ls}"
    );
}

#[test]
fn fidelity_swarmkit_two_of_three_managers_down_quorum_lost() {
    let mut host = formed(3, 0, 6);
    fault(&mut host, "kill node-2");
    fault(&mut host, "kill node-3");
    host.wait(40_000);
    assert!(host.world().swarm.raft.leader().is_none());
    let out = host.run("docker node ls");
    assert!(
        out.contains(
            "The swarm does not have a leader. It's possible that too few managers are online."
        ),
        "{out}"
    );
    let out = host.run("docker node promote node-2");
    assert!(out.contains("The swarm does not have a leader"), "{out}");
}

#[test]
fn a_single_manager_dying_freezes_the_cluster() {
    let mut host = formed(1, 2, 7);
    fault(&mut host, "kill node-1");
    host.wait(30_000);
    let w = host.world();
    assert!(w.swarm.raft.leader().is_none());
    // No leader, no dispatcher: nobody marks node-1 down.
    assert_eq!(
        w.swarm.node_of("node-1").unwrap().status,
        swarm::cluster::NodeStatus::Ready
    );
    let out = host.run("ssh node-2 docker node ls");
    assert!(out.contains("Worker nodes can't be used"), "{out}");
}

/// Runs `line` (without `docker`) through the swarm CLIs on a copy of the host's world and
/// returns Docker's answer with its exit code.
fn answer(host: &Host, line: &str) -> Result<String, (String, i32)> {
    let mut world = host.world().clone();
    let mut rec = dockyard::sim::Record::new(world.now_ms);
    let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    swarm::cli::run(&mut world, &args, &mut rec)
        .map(|()| rec.terminal_text())
        .map_err(|e| (e.message, e.exit_code))
}

/// docker/cli `FlagErrorFunc` (cli/cobra.go): every flag error is the flag's words, the usage
/// line and `Run '… --help'`, exit 125, on every swarm command; a wrong argument count is
/// `cli/required.go`'s words, exit 1; a daemon error exits 1.
#[test]
fn docker_cli_flag_errors_exit_125_with_usage_on_every_swarm_cli() {
    let mut host = lab(2);
    host.run("docker swarm init");
    for (line, usage) in [
        (
            "service create --bogus nginx",
            "docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]",
        ),
        (
            "stack deploy --bogus -c compose.yaml app",
            "docker stack deploy [OPTIONS] STACK",
        ),
        (
            "node update --bogus node-1",
            "docker node update [OPTIONS] NODE",
        ),
        ("swarm init --bogus", "docker swarm init [OPTIONS]"),
        ("service ls --bogus", "docker service ls [OPTIONS]"),
        ("node ls --bogus", "docker node ls [OPTIONS]"),
        (
            "swarm join-token --bogus worker",
            "docker swarm join-token [OPTIONS] (worker|manager)",
        ),
    ] {
        let path = usage
            .split(" [")
            .next()
            .unwrap()
            .split(" NODE")
            .next()
            .unwrap();
        let (message, code) = answer(&host, line).unwrap_err();
        assert_eq!(code, 125, "{line}: {message}");
        assert_eq!(
            message,
            format!(
                "unknown flag: --bogus\n\nUsage:  {usage}\n\nRun '{path} --help' for more information"
            ),
            "{line}"
        );
    }
    // A bad value is a flag error too (pflag's Set fails).
    let (message, code) = answer(&host, "service create --replicas x nginx").unwrap_err();
    assert_eq!(code, 125);
    assert!(
        message.starts_with("invalid argument \"x\" for \"--replicas\" flag: strconv.ParseUint"),
        "{message}"
    );
    let (message, code) = answer(&host, "node update --availability off node-1").unwrap_err();
    assert_eq!(code, 125, "{message}");
    // Wrong argument counts exit 1, in cli/required.go's words.
    let (message, code) = answer(&host, "service update").unwrap_err();
    assert_eq!(code, 1);
    assert!(
        message.starts_with("docker: 'docker service update' requires 1 argument\n\nUsage:  docker service update [OPTIONS] SERVICE"),
        "{message}"
    );
    let (message, code) = answer(&host, "swarm leave now").unwrap_err();
    assert_eq!(code, 1);
    assert!(
        message.starts_with("docker: 'docker swarm leave' accepts no arguments"),
        "{message}"
    );
    // A daemon error exits 1.
    let (message, code) = answer(&host, "node rm node-1").unwrap_err();
    assert_eq!(code, 1);
    assert!(
        message.starts_with("Error response from daemon:"),
        "{message}"
    );
}

/// cobra's help: `--help` (and `-h`, since none of these commands has a `-h` flag) prints the
/// usage line and exits 0, before anything reaches a daemon; in the terminal it is output, not an
/// error, and changes nothing.
#[test]
fn cobra_help_prints_the_usage_and_exits_0() {
    let mut host = lab(2);
    for (line, usage) in [
        (
            "service create",
            "docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]",
        ),
        ("service ls", "docker service ls [OPTIONS]"),
        (
            "service ps",
            "docker service ps [OPTIONS] SERVICE [SERVICE...]",
        ),
        (
            "service inspect",
            "docker service inspect [OPTIONS] SERVICE [SERVICE...]",
        ),
        (
            "service scale",
            "docker service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]",
        ),
        ("service update", "docker service update [OPTIONS] SERVICE"),
        (
            "service rollback",
            "docker service rollback [OPTIONS] SERVICE",
        ),
        ("service rm", "docker service rm SERVICE [SERVICE...]"),
        ("service logs", "docker service logs [OPTIONS] SERVICE|TASK"),
        ("stack deploy", "docker stack deploy [OPTIONS] STACK"),
        ("stack ls", "docker stack ls [OPTIONS]"),
        ("stack services", "docker stack services [OPTIONS] STACK"),
        ("stack ps", "docker stack ps [OPTIONS] STACK"),
        ("stack rm", "docker stack rm [OPTIONS] STACK [STACK...]"),
        ("swarm init", "docker swarm init [OPTIONS]"),
        ("swarm join", "docker swarm join [OPTIONS] HOST:PORT"),
        (
            "swarm join-token",
            "docker swarm join-token [OPTIONS] (worker|manager)",
        ),
        ("swarm leave", "docker swarm leave [OPTIONS]"),
        ("node ls", "docker node ls [OPTIONS]"),
        (
            "node inspect",
            "docker node inspect [OPTIONS] self|NODE [NODE...]",
        ),
        ("node promote", "docker node promote NODE [NODE...]"),
        ("node demote", "docker node demote NODE [NODE...]"),
        ("node update", "docker node update [OPTIONS] NODE"),
        ("node rm", "docker node rm [OPTIONS] NODE [NODE...]"),
    ] {
        for flag in ["--help", "-h"] {
            let (message, code) = answer(&host, &format!("{line} {flag}")).unwrap_err();
            assert_eq!(code, 0, "{line} {flag}");
            assert!(
                message.contains(&format!("Usage:  {usage}\n")),
                "{line} {flag}: {message}"
            );
        }
    }
    let before = host.world().swarm.clone();
    let record = host.sh("docker service create --help");
    assert!(!record.error);
    let out = common::output(&record);
    assert!(
        out.starts_with("Usage:  docker service create [OPTIONS] IMAGE"),
        "{out}"
    );
    assert!(out.contains("  -p, --publish port"), "{out}");
    assert_eq!(host.world().swarm, before);
    for (group, first) in [
        ("service", "Usage:  docker service COMMAND"),
        ("stack", "Usage:  docker stack [OPTIONS] COMMAND"),
        ("swarm", "Usage:  docker swarm COMMAND"),
        ("node", "Usage:  docker node COMMAND"),
    ] {
        let out = host.run(&format!("docker {group} --help"));
        assert!(out.starts_with(first), "{group}: {out}");
    }
}
