//! Raft among the swarm's managers (src/sim/swarm/raft.rs), driven by simulated time, faults and
//! partitions. Timings are SwarmKit's defaults: tick 1 s, ElectionTick 10, HeartbeatTick 1, so a
//! randomized election timeout in 10–19 s; CheckQuorum on.

use dockyard::sim::rng::Rng;
use dockyard::sim::swarm::raft::*;
use dockyard::sim::time::Millis;
use std::collections::BTreeSet;

fn all(_: &str, _: &str) -> bool {
    true
}

const THREE: [&str; 3] = ["node-1", "node-2", "node-3"];

/// Step timer by timer up to `until_ms`, calling `check` after each step with the time.
fn run(
    c: &mut RaftCluster,
    until_ms: Millis,
    reach: &dyn Fn(&str, &str) -> bool,
    rng: &mut Rng,
    mut check: impl FnMut(&RaftCluster, &[RaftEvent], Millis),
) -> Vec<RaftEvent> {
    let mut all_events = Vec::new();
    loop {
        let at = match c.next_due_ms() {
            Some(due) if due <= until_ms => due,
            _ => until_ms,
        };
        let events = c.advance(at, reach, rng);
        check(c, &events, at);
        all_events.extend(events);
        if at >= until_ms {
            return all_events;
        }
    }
}

/// When the first leader appears.
fn first_leader_at(c: &mut RaftCluster, until_ms: Millis, rng: &mut Rng) -> Option<Millis> {
    let mut first = None;
    run(c, until_ms, &all, rng, |c, _, at| {
        if first.is_none() && c.leader().is_some() {
            first = Some(at);
        }
    });
    first
}

fn elected(events: &[RaftEvent]) -> Vec<(String, u64, usize)> {
    events
        .iter()
        .filter_map(|e| match e {
            RaftEvent::LeaderElected {
                node, term, votes, ..
            } => Some((node.clone(), *term, votes.len())),
            _ => None,
        })
        .collect()
}

fn settled(c: &RaftCluster) -> RaftCluster {
    c.clone()
}

/// Exactly one leader, every up member in its term and following it.
fn converged(c: &RaftCluster) -> Result<(), String> {
    let leader = c.leader().ok_or("no leader")?;
    let term = c.members[leader].term;
    for (name, m) in &c.members {
        if !m.up || name == leader {
            continue;
        }
        if m.role != Role::Follower || m.term != term || m.leader.as_deref() != Some(leader) {
            return Err(format!(
                "{name} is a {} in term {} following {:?}, the leader {leader} is in term {term}",
                m.role.as_str(),
                m.term,
                m.leader
            ));
        }
    }
    Ok(())
}

#[test]
fn a_single_manager_elects_itself_and_again_after_a_restart() {
    let mut rng = Rng::seeded(1);
    let mut c = RaftCluster::new();
    c.add_member("node-1", 0, &all, &mut rng).unwrap();
    assert_eq!(c.leader(), Some("node-1"));
    assert_eq!(c.manager_status("node-1"), Some(MANAGER_STATUS_LEADER));
    assert!(c.has_quorum());
    c.set_up("node-1", false, 5_000, &mut rng);
    assert_eq!(c.leader(), None);
    assert!(!c.has_quorum());
    let events = c.set_up("node-1", true, 60_000, &mut rng);
    assert_eq!(c.leader(), Some("node-1"));
    assert_eq!(c.members["node-1"].term, 2);
    assert_eq!(elected(&events), vec![("node-1".to_string(), 2, 1)]);
}

#[test]
fn three_managers_elect_one_leader_within_the_randomized_timeout() {
    for seed in 0..16 {
        let mut rng = Rng::seeded(seed);
        let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
        let at = first_leader_at(&mut c, 25_000, &mut rng).expect("a leader");
        assert!(
            (10_000..=19_000).contains(&at),
            "seed {seed}: leader at {at} ms"
        );
        let events = c.advance(60_000, &all, &mut rng);
        assert!(
            elected(&events).is_empty(),
            "seed {seed}: a second election {events:?}"
        );
        converged(&c).unwrap();
        assert!(c.has_quorum());
        for node in THREE {
            let status = c.manager_status(node).unwrap();
            if Some(node) == c.leader() {
                assert_eq!(status, MANAGER_STATUS_LEADER);
            } else {
                assert_eq!(status, MANAGER_STATUS_REACHABLE);
            }
        }
        c.check_invariants().unwrap();
    }
}

#[test]
fn same_seed_same_run_different_seeds_different_timings() {
    let play = |seed: u64| {
        let mut rng = Rng::seeded(seed);
        let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
        let events = c.advance(40_000, &all, &mut rng);
        (settled(&c), events)
    };
    assert_eq!(play(5), play(5));
    let timings: BTreeSet<Millis> = (0..8)
        .map(|seed| {
            let mut rng = Rng::seeded(seed);
            let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
            first_leader_at(&mut c, 30_000, &mut rng).unwrap()
        })
        .collect();
    assert!(
        timings.len() > 1,
        "every seed elected at the same time: {timings:?}"
    );
}

#[test]
fn a_killed_leader_is_replaced_in_a_higher_term_within_about_20_seconds() {
    for seed in 0..16 {
        let mut rng = Rng::seeded(seed);
        let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
        c.advance(30_000, &all, &mut rng);
        let old = c.leader().unwrap().to_string();
        let old_term = c.members[&old].term;
        let events = c.set_up(&old, false, 30_500, &mut rng);
        assert!(matches!(
            &events[..],
            [RaftEvent::MemberDown {
                was_leader: true,
                ..
            }]
        ));
        assert_eq!(c.leader(), None);
        let mut new_at = None;
        run(&mut c, 60_000, &all, &mut rng, |c, _, at| {
            if new_at.is_none() && c.leader().is_some() {
                new_at = Some(at);
            }
        });
        let at = new_at.expect("a new leader");
        assert!(
            at <= 30_500 + 20_000,
            "seed {seed}: new leader only at {at}"
        );
        let new = c.leader().unwrap();
        assert_ne!(new, old);
        assert!(c.members[new].term > old_term);
        assert!(c.has_quorum(), "2 of 3 is a quorum");
        assert_eq!(c.manager_status(&old), Some(MANAGER_STATUS_UNREACHABLE));
        // The old leader comes back as a follower of the new one.
        c.set_up(&old, true, 61_000, &mut rng);
        c.advance(63_000, &all, &mut rng);
        converged(&c).unwrap();
        c.check_invariants().unwrap();
    }
}

#[test]
fn two_of_three_down_means_no_leader_no_writes_and_docker_says_so() {
    let mut rng = Rng::seeded(9);
    let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
    c.advance(30_000, &all, &mut rng);
    let leader = c.leader().unwrap().to_string();
    let followers: Vec<String> = THREE
        .iter()
        .map(|s| s.to_string())
        .filter(|n| *n != leader)
        .collect();
    c.set_up(&followers[0], false, 31_000, &mut rng);
    c.set_up(&followers[1], false, 31_000, &mut rng);
    let events = c.advance(31_000, &all, &mut rng);
    assert!(
        events.iter().any(|e| matches!(
            e,
            RaftEvent::QuorumLost {
                connected: 1,
                members: 3,
                needed: 2
            }
        )),
        "{events:?}"
    );
    // The leader hears nobody: CheckQuorum makes it step down within an election timeout.
    let events = c.advance(45_000, &all, &mut rng);
    assert!(
        events.iter().any(|e| matches!(
            e,
            RaftEvent::SteppedDown {
                why: StepDownReason::CheckQuorum {
                    heard_from: 1,
                    needed: 2
                },
                ..
            }
        )),
        "{events:?}"
    );
    assert_eq!(c.leader(), None);
    assert!(!c.has_quorum());
    let events = c.advance(200_000, &all, &mut rng);
    assert!(elected(&events).is_empty());
    let err = c.propose(200_000, &all, &mut rng).unwrap_err();
    assert!(matches!(err, RaftError::NoLeader { .. }));
    assert_eq!(err.docker_message(), ERR_NO_LEADER);
    // Bringing one back restores the quorum and a leader.
    c.set_up(&followers[0], true, 200_000, &mut rng);
    let events = c.advance(240_000, &all, &mut rng);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RaftEvent::QuorumRegained { .. }))
    );
    assert!(c.leader().is_some());
    assert!(c.propose(240_000, &all, &mut rng).is_ok());
    c.check_invariants().unwrap();
}

#[test]
fn a_leader_without_a_reachable_quorum_cannot_commit() {
    let mut rng = Rng::seeded(4);
    let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
    c.advance(30_000, &all, &mut rng);
    let leader = c.leader().unwrap().to_string();
    let l = leader.clone();
    let alone = move |a: &str, b: &str| (a == l) == (b == l);
    let err = c.propose(30_100, &alone, &mut rng).unwrap_err();
    assert_eq!(
        err,
        RaftError::NoQuorum {
            reachable: 1,
            needed: 2
        }
    );
    assert_eq!(err.docker_message(), ERR_DEADLINE_EXCEEDED);
    let index = c.propose(30_200, &all, &mut rng).unwrap();
    for m in c.members.values() {
        assert_eq!(
            m.commit_index, index,
            "committed everywhere the leader reached"
        );
    }
}

fn partition_scenario(pre_vote: bool, seed: u64) {
    let mut rng = Rng::seeded(seed);
    let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
    c.pre_vote = pre_vote;
    c.advance(30_000, &all, &mut rng);
    let old = c.leader().unwrap().to_string();
    let old_term = c.members[&old].term;
    let cut = old.clone();
    let partitioned = move |a: &str, b: &str| (a == cut) == (b == cut);
    let events = run(&mut c, 60_000, &partitioned, &mut rng, |c, _, _| {
        c.check_invariants().unwrap();
    });
    assert!(
        events.iter().any(|e| matches!(
            e,
            RaftEvent::SteppedDown {
                node,
                why: StepDownReason::CheckQuorum { .. },
                ..
            } if *node == old
        )),
        "seed {seed}: {events:#?}"
    );
    let new = c
        .leader()
        .expect("the majority elects a leader")
        .to_string();
    assert_ne!(new, old);
    let new_term = c.members[&new].term;
    assert!(new_term > old_term);
    assert!(c.has_quorum());
    if pre_vote {
        // PreVote: the cut-off node never raised its term.
        assert_eq!(c.members[&old].term, old_term, "seed {seed}");
    }
    // Heal: the old leader ends up following a leader of a higher term.
    let events = c.advance(150_000, &all, &mut rng);
    converged(&c).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{events:#?}"));
    assert!(c.members[&old].term >= new_term);
    assert_eq!(c.members[&old].role, Role::Follower);
    if pre_vote {
        assert_eq!(c.leader(), Some(new.as_str()), "seed {seed}: no disruption");
    }
    c.check_invariants().unwrap();
}

#[test]
fn a_partitioned_leader_steps_down_and_follows_after_the_heal() {
    for seed in 0..8 {
        partition_scenario(SWARMKIT_PRE_VOTE, seed);
    }
}

#[test]
fn with_pre_vote_a_partitioned_node_does_not_bump_terms() {
    for seed in 0..8 {
        partition_scenario(true, seed);
    }
}

#[test]
fn without_pre_vote_a_cut_off_follower_raises_its_term_and_disrupts_on_heal() {
    let mut rng = Rng::seeded(2);
    let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
    c.advance(30_000, &all, &mut rng);
    let leader = c.leader().unwrap().to_string();
    let follower = THREE.iter().find(|n| **n != leader).unwrap().to_string();
    let f = follower.clone();
    let cut = move |a: &str, b: &str| (a == f) == (b == f);
    c.advance(90_000, &cut, &mut rng);
    assert!(c.members[&follower].term > c.members[&leader].term);
    assert_eq!(
        c.leader(),
        Some(leader.as_str()),
        "the majority keeps its leader"
    );
    let events = c.advance(91_000, &all, &mut rng);
    assert!(
        events.iter().any(|e| matches!(
            e,
            RaftEvent::SteppedDown {
                why: StepDownReason::HigherTerm { .. },
                ..
            }
        )),
        "{events:#?}"
    );
    c.advance(200_000, &all, &mut rng);
    converged(&c).unwrap();
    c.check_invariants().unwrap();
}

#[test]
fn a_restarted_member_keeps_its_term_vote_and_log() {
    let mut rng = Rng::seeded(6);
    let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
    c.advance(30_000, &all, &mut rng);
    c.propose(30_000, &all, &mut rng).unwrap();
    let leader = c.leader().unwrap().to_string();
    let follower = THREE.iter().find(|n| **n != leader).unwrap().to_string();
    let before = c.members[&follower].clone();
    let follower_name = follower.clone();
    c.set_up(&follower, false, 31_000, &mut rng);
    c.advance(50_000, &all, &mut rng);
    let events = c.set_up(&follower, true, 50_000, &mut rng);
    let after = &c.members[&follower];
    assert_eq!(after.term, before.term);
    assert_eq!(after.voted_for, before.voted_for);
    assert_eq!(after.log, before.log);
    assert_eq!(after.role, Role::Follower);
    assert!(events[0].describe().contains("kept its term"));
    let events = c.advance(52_000, &all, &mut rng);
    assert!(
        events.iter().any(|e| matches!(
            e,
            RaftEvent::HeartbeatAnswered { follower, .. } if *follower == follower_name
        )),
        "{events:#?}"
    );
    assert_eq!(c.manager_status(&follower), Some(MANAGER_STATUS_REACHABLE));
    converged(&c).unwrap();
}

#[test]
fn force_new_cluster_recovers_a_cluster_that_lost_quorum() {
    let mut rng = Rng::seeded(8);
    let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
    c.advance(30_000, &all, &mut rng);
    let index = c.propose(30_000, &all, &mut rng).unwrap();
    c.set_up("node-1", false, 31_000, &mut rng);
    c.set_up("node-2", false, 31_000, &mut rng);
    c.advance(80_000, &all, &mut rng);
    assert!(!c.has_quorum());
    let term = c.members["node-3"].term;
    let events = c.force_new_cluster("node-3", 80_000, &mut rng).unwrap();
    assert!(
        matches!(&events[0], RaftEvent::ForcedNewCluster { removed, .. } if removed.len() == 2)
    );
    assert_eq!(c.size(), 1);
    assert_eq!(c.leader(), Some("node-3"));
    assert_eq!(c.members["node-3"].term, term + 1);
    assert!(c.has_quorum());
    assert!(
        c.members["node-3"].log.last_index >= index,
        "the state survives"
    );
    assert!(c.propose(80_100, &all, &mut rng).unwrap() > index);
    // New managers join the new cluster.
    c.add_member("node-4", 81_000, &all, &mut rng).unwrap();
    c.add_member("node-5", 82_000, &all, &mut rng).unwrap();
    assert_eq!(c.size(), 3);
    converged(&c).unwrap();
    assert_eq!(
        c.force_new_cluster("node-9", 90_000, &mut rng),
        Err(RaftError::NotAMember("node-9".to_string()))
    );
}

#[test]
fn demotion_that_would_lose_quorum_is_refused_and_a_leaving_leader_hands_over() {
    let mut rng = Rng::seeded(12);
    let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
    c.advance(30_000, &all, &mut rng);
    let leader = c.leader().unwrap().to_string();
    let others: Vec<String> = THREE
        .iter()
        .map(|s| s.to_string())
        .filter(|n| *n != leader)
        .collect();
    c.set_up(&others[0], false, 31_000, &mut rng);
    c.advance(32_000, &all, &mut rng);
    let err = c
        .remove_member(&others[1], 32_000, &all, &mut rng)
        .unwrap_err();
    assert!(matches!(err, RaftError::CannotRemoveMember { .. }));
    assert_eq!(err.docker_message(), ERR_CANNOT_REMOVE_MEMBER);
    c.set_up(&others[0], true, 33_000, &mut rng);
    c.advance(34_000, &all, &mut rng);
    // The leader demotes itself: it hands over without waiting for a timeout.
    let events = c.remove_member(&leader, 35_000, &all, &mut rng).unwrap();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RaftEvent::LeadershipTransfer { .. }))
    );
    assert_eq!(c.size(), 2);
    assert!(c.leader().is_some());
    assert!(!c.members.contains_key(&leader));
    converged(&c).unwrap();
    c.check_invariants().unwrap();
}

#[test]
fn joining_needs_a_quorum() {
    let mut rng = Rng::seeded(13);
    let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
    c.advance(30_000, &all, &mut rng);
    c.set_up("node-1", false, 30_000, &mut rng);
    c.set_up("node-2", false, 30_000, &mut rng);
    c.set_up("node-3", false, 30_000, &mut rng);
    let err = c.add_member("node-4", 31_000, &all, &mut rng).unwrap_err();
    assert!(matches!(err, RaftError::NoLeader { .. }));
    assert_eq!(
        c.add_member("node-1", 31_000, &all, &mut rng),
        Err(RaftError::AlreadyAMember("node-1".to_string()))
    );
}

/// A small xorshift-free chaos plan drawn from the test's own seeded RNG.
#[derive(Debug)]
enum Fault {
    Kill(String),
    Restart(String),
    Partition(BTreeSet<String>),
    Heal,
}

fn chaos(seed: u64, members: usize, pre_vote: bool) {
    let names: Vec<String> = (1..=members).map(|i| format!("node-{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut rng = Rng::seeded(seed);
    let mut plan_rng = Rng::seeded(seed ^ 0x5eed);
    let mut c = RaftCluster::with_members(&refs, 0, &mut rng);
    c.pre_vote = pre_vote;
    let mut side: BTreeSet<String> = BTreeSet::new();
    let mut log: Vec<(Millis, Fault)> = Vec::new();
    let mut now = 0;
    let fail = |log: &Vec<(Millis, Fault)>, why: String| -> ! {
        panic!("seed {seed} ({members} managers, pre_vote {pre_vote}): {why}\ninputs: {log:#?}")
    };
    while now < 400_000 {
        now += plan_rng.between(1_000, 15_000);
        let fault = match plan_rng.below(4) {
            0 => Fault::Kill(plan_rng.pick(&names).clone()),
            1 => Fault::Restart(plan_rng.pick(&names).clone()),
            2 => Fault::Partition(
                names
                    .iter()
                    .filter(|_| plan_rng.below(2) == 0)
                    .cloned()
                    .collect(),
            ),
            _ => Fault::Heal,
        };
        let cut = side.clone();
        let reach = move |a: &str, b: &str| cut.contains(a) == cut.contains(b);
        run(&mut c, now, &reach, &mut rng, |c, _, at| {
            if let Err(e) = c.check_invariants() {
                fail(&log, format!("at {at} ms: {e}"));
            }
            // At most one leader per term, at every step.
            let mut terms = BTreeSet::new();
            for m in c
                .members
                .values()
                .filter(|m| m.up && m.role == Role::Leader)
            {
                if !terms.insert(m.term) {
                    fail(&log, format!("at {at} ms: two leaders in term {}", m.term));
                }
            }
        });
        match &fault {
            Fault::Kill(n) => {
                c.set_up(n, false, now, &mut rng);
            }
            Fault::Restart(n) => {
                c.set_up(n, true, now, &mut rng);
            }
            Fault::Partition(s) => side = s.clone(),
            Fault::Heal => side.clear(),
        }
        // A write succeeds only with a leader that reaches a quorum.
        let cut = side.clone();
        let reach = move |a: &str, b: &str| cut.contains(a) == cut.contains(b);
        if let Ok(index) = c.propose(now, &reach, &mut rng) {
            let leader = c.leader().unwrap().to_string();
            let holders = c
                .members
                .values()
                .filter(|m| m.log.last_index >= index)
                .count();
            if holders < quorum_size(members) {
                fail(
                    &log,
                    format!("entry {index} by {leader} committed on {holders} members"),
                );
            }
        }
        log.push((now, fault));
    }
    // Heal everything and bring every manager back: one leader, everyone follows it.
    for n in &names {
        c.set_up(n, true, now, &mut rng);
    }
    run(&mut c, now + 150_000, &all, &mut rng, |c, _, at| {
        if let Err(e) = c.check_invariants() {
            fail(&log, format!("after healing, at {at} ms: {e}"));
        }
    });
    if let Err(e) = converged(&c) {
        fail(&log, format!("did not converge after healing: {e}"));
    }
    if !c.has_quorum() || c.propose(now + 150_000, &all, &mut rng).is_err() {
        fail(&log, "no quorum after healing".to_string());
    }
}

#[test]
fn chaos_over_64_seeds_keeps_one_leader_per_term_and_converges() {
    // More on demand: RAFT_CHAOS_SEEDS=5000 cargo test --test raft chaos
    let seeds = std::env::var("RAFT_CHAOS_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64u64);
    for seed in 0..seeds {
        let members = [3, 5, 3, 1, 7, 2][seed as usize % 6];
        chaos(seed, members, seed % 2 == 1);
    }
}

#[test]
fn docker_answers_deadline_exceeded_at_first_then_no_leader_after_10_seconds() {
    let mut rng = Rng::seeded(17);
    let mut c = RaftCluster::with_members(&THREE, 0, &mut rng);
    c.advance(30_000, &all, &mut rng);
    let leader = c.leader().unwrap().to_string();
    // CheckQuorum looks once per election timeout at who answered since its last look, so the
    // leader steps down at its first look at least an election timeout after a follower last
    // answered: one to two election timeouts later, depending on where its period falls.
    let last_answer = THREE
        .iter()
        .filter(|n| **n != leader)
        .filter_map(|n| c.members[*n].last_heard_from_leader_ms)
        .max()
        .expect("the followers heard the leader");
    let mut step_down = c.members[&leader].next_check_quorum_ms;
    while step_down < last_answer + ELECTION_TIMEOUT_MS {
        step_down += ELECTION_TIMEOUT_MS;
    }
    for n in THREE.iter().filter(|n| **n != leader) {
        c.set_up(n, false, 30_000, &mut rng);
    }
    let mut lost_at = None;
    run(&mut c, 60_000, &all, &mut rng, |c, _, at| {
        if lost_at.is_none() && c.leader().is_none() {
            lost_at = Some(at);
        }
    });
    let lost_at = lost_at.expect("CheckQuorum steps the leader down");
    assert_eq!(lost_at, step_down, "stepped down at {lost_at}");
    assert!(
        (last_answer + ELECTION_TIMEOUT_MS..last_answer + 2 * ELECTION_TIMEOUT_MS)
            .contains(&lost_at),
        "stepped down at {lost_at}, {} ms after the last answer",
        lost_at - last_answer
    );
    assert_eq!(c.no_leader_for_ms(lost_at), Some(0));
    let soon = RaftError::NoLeader {
        no_leader_for_ms: c.no_leader_for_ms(lost_at + 5_000).unwrap(),
    };
    assert_eq!(soon.docker_message(), ERR_DEADLINE_EXCEEDED);
    assert_eq!(
        c.propose(lost_at + 11_000, &all, &mut rng)
            .unwrap_err()
            .docker_message(),
        ERR_NO_LEADER
    );
}
