//! Raft among the swarm's managers, as SwarmKit runs it.
//!
//! Real Swarm: every manager runs an etcd/raft node (SwarmKit `manager/state/raft`). The cluster's
//! desired state is a replicated log; only the leader writes to it, and a write counts once a
//! majority (quorum, ⌊N/2⌋+1 of the managers) has stored it. Time moves in ticks of 1 s
//! (`TickInterval`); Docker's defaults are `ElectionTick` 10 and `HeartbeatTick` 1 (`docker info`:
//! "Heartbeat Tick: 1, Election Tick: 10"). The leader sends a heartbeat every tick; a follower
//! that hears nothing for its *randomized* election timeout — etcd/raft draws it in
//! [ElectionTick, 2·ElectionTick−1] ticks, so 10–19 s, again each time it resets — stands for
//! election in the next term, votes for itself and asks the others. A node grants one vote per term,
//! and only to a candidate whose log is at least as up to date as its own (last term, then last
//! index). SwarmKit turns `CheckQuorum` on: a leader that has not heard from a quorum within an
//! election timeout steps down, and a follower that heard from a leader within the last election
//! timeout ignores vote requests (the "lease"). When the cluster has had no leader for 10 ticks,
//! SwarmKit answers API calls at once with "The swarm does not have a leader…"; before that, a call
//! waits and times out with "context deadline exceeded". `docker swarm init --force-new-cluster`
//! rewrites the membership to the local node alone, which then campaigns and leads.
//!
//! PreVote: SwarmKit's `DefaultNodeConfig` sets `CheckQuorum: true` and leaves etcd's `PreVote`
//! off, so by default a partitioned manager keeps bumping its term and, when the partition heals,
//! its higher term makes the leader step down (a short, real disruption). [`RaftCluster::pre_vote`]
//! turns the PreVote phase on (a node first asks whether it *would* win, without changing terms),
//! for comparison.
//!
//! What we model: terms, votes, roles (follower, pre-candidate, candidate, leader), randomized
//! election timeouts from the seeded [`Rng`], heartbeats, the CheckQuorum step-down and lease, the
//! log up-to-date check, commits that need a reachable quorum, restarts that keep the persisted
//! term/vote/log, membership changes with SwarmKit's quorum safeguard, leadership transfer when
//! the leader is removed, and force-new-cluster. Each change is an event that says WHY.
//!
//! What we simplify: message delivery is instantaneous within one step (a heartbeat, a vote
//! request and its answer happen at the same simulated millisecond), so elections resolve at the
//! instant of the timeout; the log is only its last (index, term) and a commit index — a follower
//! that hears the leader takes the leader's log position at once (no AppendEntries back-and-forth,
//! no snapshots); a proposal that cannot reach a quorum is refused up front instead of being
//! appended and timing out; connectivity is a predicate the caller passes in (partitions), and a
//! message needs both directions to work. Only timers and `propose`/membership calls move the state.

use crate::sim::order::CollectOrdered;
use crate::sim::rng::Rng;
use crate::sim::time::Millis;
use std::collections::{BTreeMap, BTreeSet};

/// SwarmKit's `TickInterval`.
pub const TICK_MS: Millis = 1_000;
/// Docker's default `ElectionTick` (`docker swarm init --election-tick`… is not a flag; `docker
/// swarm update` does not expose it either; `docker info` prints it).
pub const ELECTION_TICK: u64 = 10;
/// Docker's default `HeartbeatTick`.
pub const HEARTBEAT_TICK: u64 = 1;
/// The base election timeout (also the CheckQuorum period and the lease).
pub const ELECTION_TIMEOUT_MS: Millis = ELECTION_TICK * TICK_MS;
/// The leader's heartbeat period.
pub const HEARTBEAT_INTERVAL_MS: Millis = HEARTBEAT_TICK * TICK_MS;
/// A quiet cluster's timers repeat with this period: heartbeats every second, CheckQuorum
/// every election timeout.
pub const QUIET_PERIOD_MS: Millis = ELECTION_TIMEOUT_MS;
/// SwarmKit `lostQuorumTimeout`: after this long with no leader, calls fail at once with
/// [`ERR_NO_LEADER`] instead of waiting for the deadline.
pub const LOST_QUORUM_TIMEOUT_MS: Millis = 10 * TICK_MS;
/// SwarmKit's default for etcd's PreVote (its `DefaultNodeConfig` does not set it).
pub const SWARMKIT_PRE_VOTE: bool = false;

/// SwarmKit `lostQuorumMessage` (manager/state/raft/raft.go) as the Docker CLI prints it after
/// "Error response from daemon: " (moby/moby issues #33631, #36696 and many reports).
pub const ERR_NO_LEADER: &str = "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";
/// A call that waited for a leader or a quorum and timed out (gRPC `DeadlineExceeded`, as current
/// engines print it).
pub const ERR_DEADLINE_EXCEEDED: &str =
    "rpc error: code = DeadlineExceeded desc = context deadline exceeded";
/// The same error as engines 1.12–17.03 printed it (numeric gRPC code; moby/moby #29087, #31758).
pub const ERR_DEADLINE_EXCEEDED_LEGACY: &str =
    "rpc error: code = 4 desc = context deadline exceeded";
/// SwarmKit controlapi `UpdateNode`/`RemoveNode` quorum safeguard (`CanRemoveMember`).
pub const ERR_CANNOT_REMOVE_MEMBER: &str = "rpc error: code = FailedPrecondition desc = can't remove member from the raft: this would result in a loss of quorum";

/// `docker node ls` MANAGER STATUS values (docker/cli `formatter` for `node ls`).
pub const MANAGER_STATUS_LEADER: &str = "Leader";
pub const MANAGER_STATUS_REACHABLE: &str = "Reachable";
pub const MANAGER_STATUS_UNREACHABLE: &str = "Unreachable";

/// Votes needed among `members` managers: ⌊N/2⌋+1.
pub fn quorum_size(members: usize) -> usize {
    members / 2 + 1
}

/// Managers that can be lost while keeping quorum: ⌊(N−1)/2⌋.
pub fn fault_tolerance(members: usize) -> usize {
    members.saturating_sub(1) / 2
}

fn seconds(ms: Millis) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
pub enum Role {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// The end of a member's log: what the up-to-date check compares.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct LogPosition {
    pub last_index: u64,
    pub last_term: u64,
}

impl LogPosition {
    /// Raft §5.4.1: a later last term wins; with equal last terms, the longer log.
    pub fn is_at_least(&self, other: &LogPosition) -> bool {
        self.last_term > other.last_term
            || (self.last_term == other.last_term && self.last_index >= other.last_index)
    }
}

/// One manager's Raft state. `term`, `voted_for` and `log` are persisted (they survive a restart);
/// the rest is volatile.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Member {
    pub term: u64,
    pub voted_for: Option<String>,
    pub role: Role,
    /// The leader this member follows in its current term, if it knows one.
    pub leader: Option<String>,
    pub up: bool,
    pub log: LogPosition,
    pub commit_index: u64,
    /// The randomized election timeout drawn at the last reset (10–19 s).
    pub election_timeout_ms: Millis,
    /// When the election timer last restarted (a heartbeat, a granted vote, a reset).
    pub election_timer_start_ms: Millis,
    pub election_deadline_ms: Millis,
    pub last_heard_from_leader_ms: Option<Millis>,
    /// The votes this member received in its latest election (itself included).
    pub votes: Vec<String>,
    /// Leader only: when the next heartbeat goes out.
    pub next_heartbeat_ms: Millis,
    /// Leader only: when CheckQuorum next looks at who answered.
    pub next_check_quorum_ms: Millis,
    /// Leader only: peers that answered since the last CheckQuorum.
    pub recent_active: BTreeSet<String>,
    /// Leader only: peers that answered the latest heartbeat ("Reachable").
    pub reachable_peers: BTreeSet<String>,
}

impl Member {
    fn new(now_ms: Millis) -> Self {
        Member {
            term: 0,
            voted_for: None,
            role: Role::Follower,
            leader: None,
            up: true,
            log: LogPosition::default(),
            commit_index: 0,
            election_timeout_ms: ELECTION_TIMEOUT_MS,
            election_timer_start_ms: now_ms,
            election_deadline_ms: now_ms + ELECTION_TIMEOUT_MS,
            last_heard_from_leader_ms: None,
            votes: Vec::new(),
            next_heartbeat_ms: 0,
            next_check_quorum_ms: 0,
            recent_active: BTreeSet::new(),
            reachable_peers: BTreeSet::new(),
        }
    }

    /// etcd `reset()`: a fresh randomized timeout in [ElectionTick, 2·ElectionTick−1] ticks.
    fn reset_timer(&mut self, now_ms: Millis, rng: &mut Rng) {
        self.election_timeout_ms = rng.between(ELECTION_TICK, 2 * ELECTION_TICK - 1) * TICK_MS;
        self.restart_timer(now_ms);
    }

    /// `electionElapsed = 0` with the same randomized timeout (a heartbeat, a granted vote).
    fn restart_timer(&mut self, now_ms: Millis) {
        self.election_timer_start_ms = now_ms;
        self.election_deadline_ms = now_ms + self.election_timeout_ms;
    }

    /// CheckQuorum's lease: a member that heard from its leader within an election timeout (or is
    /// the leader) ignores vote requests.
    fn in_lease(&self, now_ms: Millis) -> bool {
        if self.role == Role::Leader {
            return true;
        }
        match (&self.leader, self.last_heard_from_leader_ms) {
            (Some(_), Some(heard)) => now_ms.saturating_sub(heard) < ELECTION_TIMEOUT_MS,
            _ => false,
        }
    }

    fn become_follower(
        &mut self,
        term: u64,
        leader: Option<String>,
        now_ms: Millis,
        rng: &mut Rng,
    ) {
        if term > self.term {
            self.term = term;
            self.voted_for = None;
        }
        self.role = Role::Follower;
        self.leader = leader;
        self.votes.clear();
        self.recent_active.clear();
        self.reachable_peers.clear();
        self.reset_timer(now_ms, rng);
    }
}

/// Why a member did not give its vote.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum VoteRejection {
    /// Down or cut off: the request never arrived.
    NoReply,
    /// CheckQuorum's lease: it heard from a leader less than an election timeout ago.
    InLease { leader: Option<String> },
    /// The candidate's term is behind the voter's.
    StaleTerm { their_term: u64 },
    /// One vote per term, already given.
    AlreadyVoted { for_node: String },
    /// The candidate's log is behind the voter's.
    StaleLog {
        candidate: LogPosition,
        theirs: LogPosition,
    },
}

/// Why a leader (or candidate) gave up its role.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StepDownReason {
    /// CheckQuorum: fewer than a quorum answered during the last election timeout.
    CheckQuorum { heard_from: usize, needed: usize },
    /// It met a member in a higher term.
    HigherTerm { from: String, term: u64 },
    /// It was removed from the managers (demoted).
    Removed,
}

/// Something Raft did, for the narration and the picture.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum RaftEvent {
    ElectionTimeout {
        node: String,
        term: u64,
        waited_ms: Millis,
        last_leader: Option<String>,
    },
    PreVoteStarted {
        node: String,
        term: u64,
    },
    ElectionStarted {
        node: String,
        term: u64,
    },
    VoteGranted {
        from: String,
        to: String,
        term: u64,
        pre_vote: bool,
    },
    VoteRejected {
        from: String,
        to: String,
        term: u64,
        pre_vote: bool,
        why: VoteRejection,
    },
    /// Not enough votes: the node waits for its next timeout.
    ElectionStalled {
        node: String,
        term: u64,
        pre_vote: bool,
        votes: Vec<String>,
        needed: usize,
    },
    LeaderElected {
        node: String,
        term: u64,
        votes: Vec<String>,
        members: usize,
    },
    SteppedDown {
        node: String,
        term: u64,
        was: Role,
        why: StepDownReason,
    },
    HeartbeatMissed {
        leader: String,
        follower: String,
        term: u64,
    },
    /// A follower that had missed heartbeats answers again (back up, or the partition healed).
    HeartbeatAnswered {
        leader: String,
        follower: String,
        term: u64,
    },
    QuorumLost {
        connected: usize,
        members: usize,
        needed: usize,
    },
    QuorumRegained {
        connected: usize,
        members: usize,
        needed: usize,
    },
    MemberDown {
        node: String,
        term: u64,
        was_leader: bool,
        /// It was the only manager: nobody is left to elect a new leader.
        alone: bool,
    },
    MemberRestarted {
        node: String,
        term: u64,
    },
    MemberAdded {
        node: String,
        members: usize,
    },
    MemberRemoved {
        node: String,
        members: usize,
    },
    LeadershipTransfer {
        from: String,
        to: String,
        term: u64,
    },
    ForcedNewCluster {
        node: String,
        removed: Vec<String>,
    },
    InvariantViolated {
        what: String,
    },
}

impl RaftEvent {
    /// One plain sentence saying what happened and why.
    /// Long because it is one sentence per kind of Raft event.
    pub fn describe(&self) -> String {
        match self {
            RaftEvent::ElectionTimeout {
                node,
                term,
                waited_ms,
                last_leader,
            } => {
                let heard = match last_leader {
                    Some(leader) => format!("heard no heartbeat from {leader}"),
                    None => "knew no leader".to_string(),
                };
                format!(
                    "{node} {heard} for {} (its randomized election timeout, drawn in 10–19 s): \
                     it stands for election for term {}",
                    seconds(*waited_ms),
                    term + 1
                )
            }
            RaftEvent::PreVoteStarted { node, term } => format!(
                "{node} first asks the others whether they would vote for it in term {term} \
                 (pre-vote), without raising its own term"
            ),
            RaftEvent::ElectionStarted { node, term } => format!(
                "{node} becomes a candidate: it moves to term {term}, votes for itself and asks the \
                 other managers for their votes"
            ),
            RaftEvent::VoteGranted {
                from,
                to,
                term,
                pre_vote,
            } => {
                let what = if *pre_vote { "would vote" } else { "votes" };
                format!(
                    "{from} {what} for {to} in term {term}: it has not voted for anyone else in \
                     that term and {to}'s log is at least as up to date as its own"
                )
            }
            RaftEvent::VoteRejected {
                from,
                to,
                term,
                pre_vote,
                why,
            } => {
                let what = if *pre_vote { "pre-vote" } else { "vote" };
                if *why == VoteRejection::NoReply {
                    return format!(
                        "{to} gets no {what} from {from}: {from} is down or cut off from {to}, so \
                         the request never arrives"
                    );
                }
                let reason = match why {
                    VoteRejection::NoReply => {
                        format!("{from} is down or cut off from {to}, so the request never arrives")
                    }
                    VoteRejection::InLease { leader } => match leader {
                        Some(leader) if leader == from => format!(
                            "{from} is the leader and still hears from a quorum (CheckQuorum), \
                             so it ignores the request"
                        ),
                        Some(leader) => format!(
                            "{from} heard from its leader {leader} less than 10 s ago, so it \
                             ignores the request (CheckQuorum's lease)"
                        ),
                        None => format!("{from} still trusts its current leader"),
                    },
                    VoteRejection::StaleTerm { their_term } => format!(
                        "{from} is already in term {their_term}, later than {to}'s term {term}"
                    ),
                    VoteRejection::AlreadyVoted { for_node } => format!(
                        "{from} already voted for {for_node} in term {term} (one vote per term)"
                    ),
                    VoteRejection::StaleLog { candidate, theirs } => format!(
                        "{to}'s log ends at entry {} of term {}, behind {from}'s entry {} of term \
                         {}: a node with a stale log cannot lead",
                        candidate.last_index,
                        candidate.last_term,
                        theirs.last_index,
                        theirs.last_term
                    ),
                };
                format!("{from} refuses its {what} to {to}: {reason}")
            }
            RaftEvent::ElectionStalled {
                node,
                term,
                pre_vote,
                votes,
                needed,
            } => {
                let what = if *pre_vote { "pre-votes" } else { "votes" };
                format!(
                    "{node} gets {} of the {needed} {what} it needs for term {term}: no leader \
                     yet; it will try again when its next randomized timeout (10–19 s) runs out",
                    votes.len()
                )
            }
            RaftEvent::LeaderElected {
                node,
                term,
                votes,
                members,
            } => format!(
                "{node} is the leader for term {term} with {} of {members} votes ({}; a quorum is \
                 {}): it now runs the orchestrator, scheduler and dispatcher and sends a heartbeat \
                 every second",
                votes.len(),
                votes.join(", "),
                quorum_size(*members)
            ),
            RaftEvent::SteppedDown {
                node,
                term,
                was,
                why,
            } => match why {
                StepDownReason::CheckQuorum { heard_from, needed } => format!(
                    "{node} stops being the leader of term {term}: in the last 10 s only \
                     {heard_from} of the managers (itself included) answered, fewer than the \
                     quorum of {needed} (CheckQuorum), so it can no longer be sure it is the leader"
                ),
                StepDownReason::HigherTerm { from, term: higher } => format!(
                    "{node} stops being a {} of term {term}: {from} is in term {higher}, and a \
                     later term always wins, so {node} becomes a follower in term {higher}",
                    was.as_str()
                ),
                StepDownReason::Removed => format!(
                    "{node} stops being the leader of term {term}: it was removed from the managers"
                ),
            },
            RaftEvent::HeartbeatMissed {
                leader,
                follower,
                term,
            } => format!(
                "{leader} (leader, term {term}) gets no answer to its heartbeat from {follower}: \
                 {follower} shows as Unreachable"
            ),
            RaftEvent::HeartbeatAnswered {
                leader,
                follower,
                term,
            } => format!(
                "{follower} answers the heartbeat of {leader} again: it follows {leader} in term \
                 {term}, catches up on the log and shows as Reachable"
            ),
            RaftEvent::QuorumLost {
                connected,
                members,
                needed,
            } => format!(
                "quorum lost: at most {connected} of {members} managers can talk to each other, \
                 and Raft needs {needed}; no leader can be elected, so nothing can be scheduled, \
                 updated or joined (running tasks keep running)"
            ),
            RaftEvent::QuorumRegained {
                connected,
                members,
                needed,
            } => format!(
                "{connected} of {members} managers can talk to each other again (a quorum is \
                 {needed}): a leader can be elected"
            ),
            RaftEvent::MemberDown {
                node,
                term,
                was_leader,
                alone,
            } => {
                if *alone {
                    format!(
                        "{node}, the only manager (leader of term {term}), goes down: no other \
                         manager can be elected, so the swarm has no leader until it comes back"
                    )
                } else if *was_leader {
                    format!(
                        "{node}, the leader of term {term}, goes down: its followers stop hearing \
                         heartbeats and will elect a new leader after their election timeouts"
                    )
                } else {
                    format!("manager {node} goes down (it was in term {term})")
                }
            }
            RaftEvent::MemberRestarted { node, term } => format!(
                "{node} restarts as a follower; it kept its term ({term}), its vote and its log on \
                 disk"
            ),
            RaftEvent::MemberAdded { node, members } => format!(
                "{node} joins the Raft cluster as a manager: {members} managers, quorum {}, \
                 tolerates {} down",
                quorum_size(*members),
                fault_tolerance(*members)
            ),
            RaftEvent::MemberRemoved { node, members } => format!(
                "{node} leaves the Raft cluster: {members} managers, quorum {}, tolerates {} down",
                quorum_size(*members),
                fault_tolerance(*members)
            ),
            RaftEvent::LeadershipTransfer { from, to, term } => format!(
                "{from} hands leadership over to {to} before leaving: {to} campaigns at once for \
                 term {term}"
            ),
            RaftEvent::ForcedNewCluster { node, removed } => format!(
                "--force-new-cluster: {node} rewrites the membership to itself alone (removing {}) \
                 and keeps its copy of the cluster state",
                if removed.is_empty() {
                    "nobody".to_string()
                } else {
                    removed.join(", ")
                }
            ),
            RaftEvent::InvariantViolated { what } => format!("Raft invariant violated: {what}"),
        }
    }
}

/// Why a Raft write or membership change was refused.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum RaftError {
    /// No leader now; `no_leader_for_ms` is how long the cluster has been without one.
    NoLeader {
        no_leader_for_ms: Millis,
    },
    /// A leader exists but cannot reach a quorum.
    NoQuorum {
        reachable: usize,
        needed: usize,
    },
    /// The leader met a higher term while replicating.
    LostLeadership,
    /// SwarmKit's quorum safeguard for demote / node rm.
    CannotRemoveMember {
        reachable_after: usize,
        needed_after: usize,
    },
    NotAMember(String),
    AlreadyAMember(String),
}

impl RaftError {
    /// The daemon's message (the CLI adds "Error response from daemon: ").
    pub fn docker_message(&self) -> String {
        match self {
            RaftError::NoLeader { no_leader_for_ms } if *no_leader_for_ms > LOST_QUORUM_TIMEOUT_MS => {
                ERR_NO_LEADER.to_string()
            }
            RaftError::NoLeader { .. } | RaftError::NoQuorum { .. } => {
                ERR_DEADLINE_EXCEEDED.to_string()
            }
            RaftError::LostLeadership => {
                "rpc error: code = Unknown desc = raft: failed to process the request: node lost leader status".to_string()
            }
            RaftError::CannotRemoveMember { .. } => ERR_CANNOT_REMOVE_MEMBER.to_string(),
            RaftError::NotAMember(_) => {
                "rpc error: code = Unknown desc = raft: member unknown".to_string()
            }
            RaftError::AlreadyAMember(node) => format!("{node} is already a manager"),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
enum Timer {
    Heartbeat,
    CheckQuorum,
    Election,
}

/// The managers' Raft cluster.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RaftCluster {
    pub members: BTreeMap<String, Member>,
    /// etcd's PreVote phase (off in SwarmKit; see the module header).
    pub pre_vote: bool,
    /// Every leader ever elected, by term: the "one leader per term" history.
    pub leaders_by_term: BTreeMap<u64, String>,
    /// Invariant violations seen so far (empty in a correct run).
    pub violations: Vec<String>,
    /// Since when no member has been leader (None while there is one).
    pub no_leader_since_ms: Option<Millis>,
    /// Whether a quorum of members could talk to each other at the last `advance`.
    pub quorum_possible: bool,
    /// The latest time processed.
    pub now_ms: Millis,
    /// Events produced by `propose` (which returns a `Result`), handed out by the next `advance`.
    pending: Vec<RaftEvent>,
}

impl Default for RaftCluster {
    fn default() -> Self {
        Self::new()
    }
}

impl RaftCluster {
    pub fn new() -> Self {
        RaftCluster {
            members: BTreeMap::new(),
            pre_vote: SWARMKIT_PRE_VOTE,
            leaders_by_term: BTreeMap::new(),
            violations: Vec::new(),
            no_leader_since_ms: None,
            quorum_possible: true,
            now_ms: 0,
            pending: Vec::new(),
        }
    }

    /// Managers that all start at once with empty logs and no leader (as after a full restart):
    /// each draws its election timeout.
    pub fn with_members(names: &[&str], now_ms: Millis, rng: &mut Rng) -> Self {
        let mut cluster = Self::new();
        cluster.now_ms = now_ms;
        for name in names {
            let mut member = Member::new(now_ms);
            member.reset_timer(now_ms, rng);
            cluster.members.insert(name.to_string(), member);
        }
        cluster.no_leader_since_ms = Some(now_ms);
        cluster
    }

    pub fn size(&self) -> usize {
        self.members.len()
    }

    /// The leader now: an up member in the Leader role, the one with the highest term if a
    /// stale, cut-off leader still believes it leads an older term.
    pub fn leader(&self) -> Option<&str> {
        self.members
            .iter()
            .filter(|(_, m)| m.up && m.role == Role::Leader)
            .max_by_key(|(_, m)| m.term)
            .map(|(name, _)| name.as_str())
    }

    /// The current term: the highest term among the members that are up.
    pub fn term(&self) -> u64 {
        self.members
            .values()
            .filter(|m| m.up)
            .map(|m| m.term)
            .max()
            .unwrap_or(0)
    }

    /// A leader exists and its latest heartbeat reached a quorum (itself included).
    pub fn has_quorum(&self) -> bool {
        match self.leader() {
            Some(leader) => {
                self.members[leader].reachable_peers.len() + 1 >= quorum_size(self.size())
            }
            None => false,
        }
    }

    /// How long the cluster has been without a leader at `now_ms`.
    pub fn no_leader_for_ms(&self, now_ms: Millis) -> Option<Millis> {
        self.no_leader_since_ms
            .map(|since| now_ms.saturating_sub(since))
    }

    /// `docker node ls` MANAGER STATUS for a member, as the leader sees it.
    pub fn manager_status(&self, node: &str) -> Option<&'static str> {
        let member = self.members.get(node)?;
        match self.leader() {
            Some(leader) if leader == node => Some(MANAGER_STATUS_LEADER),
            Some(leader) if member.up && self.members[leader].reachable_peers.contains(node) => {
                Some(MANAGER_STATUS_REACHABLE)
            }
            _ => Some(MANAGER_STATUS_UNREACHABLE),
        }
    }

    fn can_talk(&self, a: &str, b: &str, reachable: &dyn Fn(&str, &str) -> bool) -> bool {
        let up = |n: &str| self.members.get(n).is_some_and(|m| m.up);
        up(a) && up(b) && reachable(a, b) && reachable(b, a)
    }

    fn others(&self, node: &str) -> Vec<String> {
        self.members
            .keys()
            .filter(|n| *n != node)
            .cloned()
            .collect()
    }

    fn next_timer(&self) -> Option<(Millis, Timer, String)> {
        let mut best: Option<(Millis, Timer, String)> = None;
        for (name, m) in &self.members {
            if !m.up {
                continue;
            }
            let candidates: &[(Millis, Timer)] = if m.role == Role::Leader {
                &[
                    (m.next_heartbeat_ms, Timer::Heartbeat),
                    (m.next_check_quorum_ms, Timer::CheckQuorum),
                ]
            } else {
                &[(m.election_deadline_ms, Timer::Election)]
            };
            for &(due, timer) in candidates {
                let key = (due, timer, name.clone());
                if best.as_ref().is_none_or(|b| key < *b) {
                    best = Some(key);
                }
            }
        }
        best
    }

    /// Every time stamp moved `delta_ms` later: the cluster as it is `delta_ms` from now if
    /// nothing but time happens.
    fn shifted(&self, delta_ms: Millis) -> RaftCluster {
        let mut c = self.clone();
        c.now_ms += delta_ms;
        c.no_leader_since_ms = c.no_leader_since_ms.map(|t| t + delta_ms);
        // Only the timers a member's role runs move (a leader's election timer and a
        // follower's heartbeat timer sit unused).
        for m in c.members.values_mut() {
            if m.role == Role::Leader {
                m.next_heartbeat_ms += delta_ms;
                m.next_check_quorum_ms += delta_ms;
            } else {
                m.election_timer_start_ms += delta_ms;
                m.election_deadline_ms += delta_ms;
                m.last_heard_from_leader_ms = m.last_heard_from_leader_ms.map(|t| t + delta_ms);
            }
        }
        c
    }

    /// A quiet cluster (a stable leader, everybody answering) repeats itself every
    /// [`QUIET_PERIOD_MS`]: heartbeats and CheckQuorum change nothing but their own timers.
    /// Skips the whole periods that fit before `until_ms` in one go, after checking on a copy
    /// that one period really is a pure shift in time (same state, same random draws, nothing
    /// worth telling). `false`, and nothing changed, when the cluster is not that quiet.
    /// This is what lets a transcript's `wait 2d` on a swarm take milliseconds: the result is
    /// the state ticking would reach.
    pub fn skip_quiet(
        &mut self,
        until_ms: Millis,
        reachable: &dyn Fn(&str, &str) -> bool,
        rng: &Rng,
    ) -> bool {
        if !self.pending.is_empty() || until_ms < self.now_ms + 3 * QUIET_PERIOD_MS {
            return false;
        }
        let mut probe = self.clone();
        let mut probe_rng = rng.clone();
        let events = probe.advance(self.now_ms + QUIET_PERIOD_MS, reachable, &mut probe_rng);
        let quiet = events.iter().all(|e| {
            matches!(
                e,
                RaftEvent::HeartbeatMissed { .. } | RaftEvent::HeartbeatAnswered { .. }
            )
        });
        if !quiet || probe_rng != *rng || probe != self.shifted(QUIET_PERIOD_MS) {
            return false;
        }
        let periods = (until_ms - self.now_ms) / QUIET_PERIOD_MS - 1;
        *self = self.shifted(periods * QUIET_PERIOD_MS);
        true
    }

    /// When the next timer (heartbeat, CheckQuorum, election timeout) is due.
    pub fn next_due_ms(&self) -> Option<Millis> {
        self.next_timer().map(|(due, _, _)| due)
    }

    /// Process every timer due up to `now_ms`, each at its own due time and in a fixed order
    /// (time, then heartbeat before CheckQuorum before election, then node name). Call it also
    /// right after a fault (kill, partition) so quorum changes are reported.
    pub fn advance(
        &mut self,
        now_ms: Millis,
        reachable: &dyn Fn(&str, &str) -> bool,
        rng: &mut Rng,
    ) -> Vec<RaftEvent> {
        let mut events = std::mem::take(&mut self.pending);
        // Every timer moves forward by at least a heartbeat when it fires, so this ends; the
        // bound is a guard against a bug turning into a hang.
        let mut guard = 0u32;
        while let Some((due, timer, node)) = self.next_timer() {
            if due > now_ms || guard > 1_000_000 {
                break;
            }
            guard += 1;
            let at = due.max(self.now_ms);
            self.now_ms = at;
            match timer {
                Timer::Heartbeat => self.heartbeat_round(&node, at, reachable, rng, &mut events),
                Timer::CheckQuorum => self.check_quorum(&node, at, rng, &mut events),
                Timer::Election => self.election_timeout(&node, at, reachable, rng, &mut events),
            }
            self.check_roles(&mut events);
            self.track_leader();
        }
        self.now_ms = self.now_ms.max(now_ms);
        self.track(reachable, &mut events);
        events
    }

    /// Note when the cluster lost (or found) its leader, at the time being processed.
    fn track_leader(&mut self) {
        if self.leader().is_some() {
            self.no_leader_since_ms = None;
        } else if self.no_leader_since_ms.is_none() {
            self.no_leader_since_ms = Some(self.now_ms);
        }
    }

    fn track(&mut self, reachable: &dyn Fn(&str, &str) -> bool, events: &mut Vec<RaftEvent>) {
        self.track_leader();
        if self.members.is_empty() {
            return;
        }
        let names: Vec<String> = self.members.keys().cloned().collect();
        let connected = names
            .iter()
            .filter(|a| self.members[*a].up)
            .map(|a| {
                1 + names
                    .iter()
                    .filter(|b| *b != a && self.can_talk(a, b, reachable))
                    .count()
            })
            .max()
            .unwrap_or(0);
        let needed = quorum_size(self.size());
        let possible = connected >= needed;
        let members = self.size();
        if self.quorum_possible && !possible {
            events.push(RaftEvent::QuorumLost {
                connected,
                members,
                needed,
            });
        } else if !self.quorum_possible && possible {
            events.push(RaftEvent::QuorumRegained {
                connected,
                members,
                needed,
            });
        }
        self.quorum_possible = possible;
    }

    /// At most one leader per term among the members, and the history agrees.
    fn check_roles(&mut self, events: &mut Vec<RaftEvent>) {
        let mut by_term: BTreeMap<u64, Vec<&str>> = BTreeMap::new();
        for (name, m) in &self.members {
            if m.up && m.role == Role::Leader {
                by_term.entry(m.term).or_default().push(name);
            }
        }
        for (term, leaders) in by_term {
            if leaders.len() > 1 {
                let what = format!(
                    "term {term} has {} leaders: {}",
                    leaders.len(),
                    leaders.join(", ")
                );
                if !self.violations.contains(&what) {
                    self.violations.push(what.clone());
                    events.push(RaftEvent::InvariantViolated { what });
                }
            }
        }
    }

    /// `Ok` when every invariant held so far.
    pub fn check_invariants(&self) -> Result<(), String> {
        if let Some(first) = self.violations.first() {
            return Err(first.clone());
        }
        for (name, m) in &self.members {
            if m.up && m.role == Role::Leader && self.leaders_by_term.get(&m.term) != Some(name) {
                return Err(format!(
                    "{name} leads term {} but the history says {:?}",
                    m.term,
                    self.leaders_by_term.get(&m.term)
                ));
            }
            if m.commit_index > m.log.last_index {
                return Err(format!(
                    "{name} committed {} beyond its log end {}",
                    m.commit_index, m.log.last_index
                ));
            }
        }
        Ok(())
    }

    fn election_timeout(
        &mut self,
        node: &str,
        now_ms: Millis,
        reachable: &dyn Fn(&str, &str) -> bool,
        rng: &mut Rng,
        events: &mut Vec<RaftEvent>,
    ) {
        let m = self.members.get_mut(node).expect("timer of a member");
        events.push(RaftEvent::ElectionTimeout {
            node: node.to_string(),
            term: m.term,
            waited_ms: now_ms.saturating_sub(m.election_timer_start_ms),
            last_leader: m.leader.take(),
        });
        if self.pre_vote {
            self.pre_campaign(node, now_ms, reachable, rng, events);
        } else {
            self.campaign(node, now_ms, false, reachable, rng, events);
        }
    }

    fn pre_campaign(
        &mut self,
        node: &str,
        now_ms: Millis,
        reachable: &dyn Fn(&str, &str) -> bool,
        rng: &mut Rng,
        events: &mut Vec<RaftEvent>,
    ) {
        let (next_term, log) = {
            let m = self.members.get_mut(node).expect("member");
            m.role = Role::PreCandidate;
            m.reset_timer(now_ms, rng);
            (m.term + 1, m.log)
        };
        events.push(RaftEvent::PreVoteStarted {
            node: node.to_string(),
            term: next_term,
        });
        let mut votes = vec![node.to_string()];
        let mut higher: Option<(String, u64)> = None;
        for other in self.others(node) {
            let why = if !self.can_talk(node, &other, reachable) {
                Some(VoteRejection::NoReply)
            } else {
                let o = &self.members[&other];
                let can_vote = next_term > o.term
                    || o.voted_for.as_deref() == Some(node)
                    || (o.voted_for.is_none() && o.leader.is_none());
                if o.in_lease(now_ms) {
                    Some(VoteRejection::InLease {
                        leader: o.leader.clone(),
                    })
                } else if next_term < o.term {
                    if higher.as_ref().is_none_or(|(_, t)| o.term > *t) {
                        higher = Some((other.clone(), o.term));
                    }
                    Some(VoteRejection::StaleTerm { their_term: o.term })
                } else if !can_vote {
                    Some(VoteRejection::AlreadyVoted {
                        for_node: o.voted_for.clone().unwrap_or_default(),
                    })
                } else if !log.is_at_least(&o.log) {
                    Some(VoteRejection::StaleLog {
                        candidate: log,
                        theirs: o.log,
                    })
                } else {
                    None
                }
            };
            match why {
                None => {
                    votes.push(other.clone());
                    events.push(RaftEvent::VoteGranted {
                        from: other,
                        to: node.to_string(),
                        term: next_term,
                        pre_vote: true,
                    });
                }
                Some(why) => events.push(RaftEvent::VoteRejected {
                    from: other,
                    to: node.to_string(),
                    term: next_term,
                    pre_vote: true,
                    why,
                }),
            }
        }
        let needed = quorum_size(self.size());
        if let Some((from, term)) = higher {
            let m = self.members.get_mut(node).expect("member");
            let old = m.term;
            m.become_follower(term, None, now_ms, rng);
            events.push(RaftEvent::SteppedDown {
                node: node.to_string(),
                term: old,
                was: Role::PreCandidate,
                why: StepDownReason::HigherTerm { from, term },
            });
        } else if votes.len() >= needed {
            self.campaign(node, now_ms, false, reachable, rng, events);
        } else {
            self.members.get_mut(node).expect("member").votes = votes.clone();
            events.push(RaftEvent::ElectionStalled {
                node: node.to_string(),
                term: next_term,
                pre_vote: true,
                votes,
                needed,
            });
        }
    }

    /// Become a candidate and ask for votes; `force` (a leadership transfer) ignores leases.
    /// Long because an election (pre-vote, term, votes from the reachable peers, the outcome) is
    /// one step of the Raft state machine.
    fn campaign(
        &mut self,
        node: &str,
        now_ms: Millis,
        force: bool,
        reachable: &dyn Fn(&str, &str) -> bool,
        rng: &mut Rng,
        events: &mut Vec<RaftEvent>,
    ) {
        let (term, log) = {
            let m = self.members.get_mut(node).expect("member");
            m.term += 1;
            m.voted_for = Some(node.to_string());
            m.role = Role::Candidate;
            m.leader = None;
            m.reset_timer(now_ms, rng);
            (m.term, m.log)
        };
        events.push(RaftEvent::ElectionStarted {
            node: node.to_string(),
            term,
        });
        let mut votes = vec![node.to_string()];
        let mut higher: Option<(String, u64)> = None;
        for other in self.others(node) {
            let why = if !self.can_talk(node, &other, reachable) {
                Some(VoteRejection::NoReply)
            } else if !force && self.members[&other].in_lease(now_ms) {
                let o = &self.members[&other];
                Some(VoteRejection::InLease {
                    leader: o.leader.clone(),
                })
            } else if term < self.members[&other].term {
                let their_term = self.members[&other].term;
                if higher.as_ref().is_none_or(|(_, t)| their_term > *t) {
                    higher = Some((other.clone(), their_term));
                }
                Some(VoteRejection::StaleTerm { their_term })
            } else {
                let o = self.members.get_mut(&other).expect("member");
                if term > o.term {
                    let was = o.role;
                    let old = o.term;
                    o.become_follower(term, None, now_ms, rng);
                    if was != Role::Follower {
                        events.push(RaftEvent::SteppedDown {
                            node: other.clone(),
                            term: old,
                            was,
                            why: StepDownReason::HigherTerm {
                                from: node.to_string(),
                                term,
                            },
                        });
                    }
                }
                let can_vote = o.voted_for.as_deref() == Some(node)
                    || (o.voted_for.is_none() && o.leader.is_none());
                if !can_vote {
                    Some(VoteRejection::AlreadyVoted {
                        for_node: o.voted_for.clone().unwrap_or_default(),
                    })
                } else if !log.is_at_least(&o.log) {
                    Some(VoteRejection::StaleLog {
                        candidate: log,
                        theirs: o.log,
                    })
                } else {
                    o.voted_for = Some(node.to_string());
                    o.restart_timer(now_ms);
                    None
                }
            };
            match why {
                None => {
                    votes.push(other.clone());
                    events.push(RaftEvent::VoteGranted {
                        from: other,
                        to: node.to_string(),
                        term,
                        pre_vote: false,
                    });
                }
                Some(why) => events.push(RaftEvent::VoteRejected {
                    from: other,
                    to: node.to_string(),
                    term,
                    pre_vote: false,
                    why,
                }),
            }
        }
        let needed = quorum_size(self.size());
        if let Some((from, their)) = higher {
            let m = self.members.get_mut(node).expect("member");
            m.become_follower(their, None, now_ms, rng);
            events.push(RaftEvent::SteppedDown {
                node: node.to_string(),
                term,
                was: Role::Candidate,
                why: StepDownReason::HigherTerm { from, term: their },
            });
        } else if votes.len() >= needed {
            self.become_leader(node, now_ms, votes, reachable, rng, events);
        } else {
            self.members.get_mut(node).expect("member").votes = votes.clone();
            events.push(RaftEvent::ElectionStalled {
                node: node.to_string(),
                term,
                pre_vote: false,
                votes,
                needed,
            });
        }
    }

    fn become_leader(
        &mut self,
        node: &str,
        now_ms: Millis,
        votes: Vec<String>,
        reachable: &dyn Fn(&str, &str) -> bool,
        rng: &mut Rng,
        events: &mut Vec<RaftEvent>,
    ) {
        let others: BTreeSet<String> = self.others(node).into_iter().collect_set();
        let members = self.size();
        let m = self.members.get_mut(node).expect("member");
        let term = m.term;
        m.role = Role::Leader;
        m.leader = Some(node.to_string());
        m.votes = votes.clone();
        // etcd appends an empty entry in the new term on becoming leader.
        m.log = LogPosition {
            last_index: m.log.last_index + 1,
            last_term: term,
        };
        m.next_heartbeat_ms = now_ms;
        m.next_check_quorum_ms = now_ms + ELECTION_TIMEOUT_MS;
        m.recent_active.clear();
        // Assume everybody answers, so the first round reports who does not.
        m.reachable_peers = others;
        match self.leaders_by_term.get(&term) {
            Some(previous) if previous != node => {
                let what = format!("term {term} elected both {previous} and {node}");
                self.violations.push(what.clone());
                events.push(RaftEvent::InvariantViolated { what });
            }
            _ => {
                self.leaders_by_term.insert(term, node.to_string());
            }
        }
        events.push(RaftEvent::LeaderElected {
            node: node.to_string(),
            term,
            votes,
            members,
        });
        self.heartbeat_round(node, now_ms, reachable, rng, events);
    }

    /// The leader's heartbeat (with its log) to every member it can reach.
    fn heartbeat_round(
        &mut self,
        leader: &str,
        now_ms: Millis,
        reachable: &dyn Fn(&str, &str) -> bool,
        rng: &mut Rng,
        events: &mut Vec<RaftEvent>,
    ) {
        let (term, log, commit) = {
            let l = &self.members[leader];
            (l.term, l.log, l.commit_index)
        };
        let mut acked = BTreeSet::new();
        let mut higher: Option<(String, u64)> = None;
        for other in self.others(leader) {
            if !self.can_talk(leader, &other, reachable) {
                continue;
            }
            let o = self.members.get_mut(&other).expect("member");
            if o.term > term {
                // With CheckQuorum on, etcd answers a lower-term heartbeat with its own term.
                higher = Some((other.clone(), o.term));
                break;
            }
            let was = o.role;
            let follows = was == Role::Follower && o.leader.as_deref() == Some(leader);
            if !follows {
                let old = o.term;
                o.become_follower(term, Some(leader.to_string()), now_ms, rng);
                if was == Role::Leader {
                    events.push(RaftEvent::SteppedDown {
                        node: other.clone(),
                        term: old,
                        was,
                        why: StepDownReason::HigherTerm {
                            from: leader.to_string(),
                            term,
                        },
                    });
                }
            }
            o.term = term;
            o.last_heard_from_leader_ms = Some(now_ms);
            o.restart_timer(now_ms);
            o.log = log;
            acked.insert(other);
        }
        if let Some((from, their)) = higher {
            let l = self.members.get_mut(leader).expect("member");
            l.become_follower(their, None, now_ms, rng);
            events.push(RaftEvent::SteppedDown {
                node: leader.to_string(),
                term,
                was: Role::Leader,
                why: StepDownReason::HigherTerm { from, term: their },
            });
            return;
        }
        let needed = quorum_size(self.size());
        let l = self.members.get_mut(leader).expect("member");
        for missed in l.reachable_peers.difference(&acked) {
            events.push(RaftEvent::HeartbeatMissed {
                leader: leader.to_string(),
                follower: missed.clone(),
                term,
            });
        }
        for back in acked.difference(&l.reachable_peers) {
            events.push(RaftEvent::HeartbeatAnswered {
                leader: leader.to_string(),
                follower: back.clone(),
                term,
            });
        }
        l.recent_active.extend(acked.iter().cloned());
        l.next_heartbeat_ms = now_ms + HEARTBEAT_INTERVAL_MS;
        let committed = if acked.len() + 1 >= needed {
            l.commit_index = l.commit_index.max(log.last_index);
            l.commit_index
        } else {
            commit
        };
        l.reachable_peers = acked.clone();
        for other in acked {
            let o = self.members.get_mut(&other).expect("member");
            o.commit_index = o.commit_index.max(committed).min(o.log.last_index);
        }
    }

    fn check_quorum(
        &mut self,
        leader: &str,
        now_ms: Millis,
        rng: &mut Rng,
        events: &mut Vec<RaftEvent>,
    ) {
        let needed = quorum_size(self.size());
        let l = self.members.get_mut(leader).expect("member");
        let heard_from = l.recent_active.len() + 1;
        if heard_from < needed {
            let term = l.term;
            l.become_follower(term, None, now_ms, rng);
            events.push(RaftEvent::SteppedDown {
                node: leader.to_string(),
                term,
                was: Role::Leader,
                why: StepDownReason::CheckQuorum { heard_from, needed },
            });
        } else {
            l.recent_active.clear();
            l.next_check_quorum_ms = now_ms + ELECTION_TIMEOUT_MS;
        }
    }

    /// Replicate one entry (a service change, a scheduling decision, a join…). It commits only
    /// when the leader reaches a quorum; the returned value is the entry's log index.
    pub fn propose(
        &mut self,
        now_ms: Millis,
        reachable: &dyn Fn(&str, &str) -> bool,
        rng: &mut Rng,
    ) -> Result<u64, RaftError> {
        let now_ms = now_ms.max(self.now_ms);
        let Some(leader) = self.leader().map(str::to_string) else {
            return Err(RaftError::NoLeader {
                no_leader_for_ms: self.no_leader_for_ms(now_ms).unwrap_or(0),
            });
        };
        let needed = quorum_size(self.size());
        let reached = 1 + self
            .others(&leader)
            .iter()
            .filter(|o| self.can_talk(&leader, o, reachable))
            .count();
        if reached < needed {
            return Err(RaftError::NoQuorum {
                reachable: reached,
                needed,
            });
        }
        let index = {
            let l = self.members.get_mut(&leader).expect("member");
            l.log = LogPosition {
                last_index: l.log.last_index + 1,
                last_term: l.term,
            };
            l.log.last_index
        };
        let mut events = Vec::new();
        self.heartbeat_round(&leader, now_ms, reachable, rng, &mut events);
        self.pending.extend(events);
        let l = &self.members[&leader];
        if l.role != Role::Leader {
            return Err(RaftError::LostLeadership);
        }
        if l.commit_index >= index {
            Ok(index)
        } else {
            Err(RaftError::NoQuorum {
                reachable: l.reachable_peers.len() + 1,
                needed,
            })
        }
    }

    /// A node becomes a manager (`swarm init` for the first, `join --token <manager token>` or
    /// `node promote` after). The first member elects itself at once (SwarmKit campaigns as
    /// soon as it is the only member); later ones need a leader with a quorum.
    pub fn add_member(
        &mut self,
        node: &str,
        now_ms: Millis,
        reachable: &dyn Fn(&str, &str) -> bool,
        rng: &mut Rng,
    ) -> Result<Vec<RaftEvent>, RaftError> {
        if self.members.contains_key(node) {
            return Err(RaftError::AlreadyAMember(node.to_string()));
        }
        let now_ms = now_ms.max(self.now_ms);
        self.now_ms = now_ms;
        let mut events = std::mem::take(&mut self.pending);
        if self.members.is_empty() {
            let mut member = Member::new(now_ms);
            member.reset_timer(now_ms, rng);
            self.members.insert(node.to_string(), member);
            events.push(RaftEvent::MemberAdded {
                node: node.to_string(),
                members: 1,
            });
            self.campaign(node, now_ms, false, reachable, rng, &mut events);
            self.track(reachable, &mut events);
            return Ok(events);
        }
        // The configuration change goes through the log like any other entry.
        self.propose(now_ms, reachable, rng)?;
        events.append(&mut self.pending);
        let mut member = Member::new(now_ms);
        member.reset_timer(now_ms, rng);
        self.members.insert(node.to_string(), member);
        events.push(RaftEvent::MemberAdded {
            node: node.to_string(),
            members: self.size(),
        });
        if let Some(leader) = self.leader().map(str::to_string) {
            // A new member is expected to answer: only a miss is news.
            let l = self.members.get_mut(&leader).expect("member");
            l.reachable_peers.insert(node.to_string());
            self.heartbeat_round(&leader, now_ms, reachable, rng, &mut events);
        }
        self.track(reachable, &mut events);
        Ok(events)
    }

    /// A manager leaves the Raft cluster (`node demote`, `node rm --force`, `swarm leave`).
    /// SwarmKit refuses when the remaining reachable managers would be fewer than the new quorum
    /// (`CanRemoveMember`). A leader removing itself first hands leadership to an up-to-date
    /// follower (SwarmKit `TransferLeadership`).
    pub fn remove_member(
        &mut self,
        node: &str,
        now_ms: Millis,
        reachable: &dyn Fn(&str, &str) -> bool,
        rng: &mut Rng,
    ) -> Result<Vec<RaftEvent>, RaftError> {
        if !self.members.contains_key(node) {
            return Err(RaftError::NotAMember(node.to_string()));
        }
        let now_ms = now_ms.max(self.now_ms);
        self.now_ms = now_ms;
        let Some(leader) = self.leader().map(str::to_string) else {
            return Err(RaftError::NoLeader {
                no_leader_for_ms: self.no_leader_for_ms(now_ms).unwrap_or(0),
            });
        };
        let remaining = self.size() - 1;
        let reachable_after = self
            .members
            .keys()
            .filter(|n| *n != node && (**n == leader || self.can_talk(&leader, n, reachable)))
            .count();
        let needed_after = quorum_size(remaining);
        if remaining == 0 || reachable_after < needed_after {
            return Err(RaftError::CannotRemoveMember {
                reachable_after,
                needed_after,
            });
        }
        self.propose(now_ms, reachable, rng)?;
        let mut events = std::mem::take(&mut self.pending);
        if leader == node {
            let log = self.members[node].log;
            let successor = self.others(node).into_iter().find(|o| {
                self.can_talk(node, o, reachable) && self.members[o].log.is_at_least(&log)
            });
            let term = self.members[node].term;
            let l = self.members.get_mut(node).expect("member");
            l.become_follower(term, None, now_ms, rng);
            events.push(RaftEvent::SteppedDown {
                node: node.to_string(),
                term,
                was: Role::Leader,
                why: StepDownReason::Removed,
            });
            self.members.remove(node);
            events.push(RaftEvent::MemberRemoved {
                node: node.to_string(),
                members: self.size(),
            });
            if let Some(successor) = successor {
                events.push(RaftEvent::LeadershipTransfer {
                    from: node.to_string(),
                    to: successor.clone(),
                    term: term + 1,
                });
                self.campaign(&successor, now_ms, true, reachable, rng, &mut events);
            }
        } else {
            self.members.remove(node);
            if let Some(l) = self.members.get_mut(&leader) {
                l.reachable_peers.remove(node);
                l.recent_active.remove(node);
            }
            events.push(RaftEvent::MemberRemoved {
                node: node.to_string(),
                members: self.size(),
            });
        }
        self.check_roles(&mut events);
        self.track(reachable, &mut events);
        Ok(events)
    }

    /// A manager's engine stops (`up == false`) or starts again. A restarted member keeps its
    /// persisted term, vote and log, and comes back as a follower with a fresh timeout (or, if it
    /// is the only member, campaigns at once as SwarmKit does).
    pub fn set_up(
        &mut self,
        node: &str,
        up: bool,
        now_ms: Millis,
        rng: &mut Rng,
    ) -> Vec<RaftEvent> {
        let now_ms = now_ms.max(self.now_ms);
        self.now_ms = now_ms;
        let mut events = Vec::new();
        let alone = self.members.len() == 1;
        let Some(m) = self.members.get_mut(node) else {
            return events;
        };
        if m.up == up {
            return events;
        }
        if !up {
            let was_leader = m.role == Role::Leader;
            let term = m.term;
            m.up = false;
            m.role = Role::Follower;
            m.leader = None;
            m.votes.clear();
            m.recent_active.clear();
            m.reachable_peers.clear();
            m.last_heard_from_leader_ms = None;
            events.push(RaftEvent::MemberDown {
                node: node.to_string(),
                term,
                was_leader,
                alone,
            });
            if self.leader().is_none() && self.no_leader_since_ms.is_none() {
                self.no_leader_since_ms = Some(now_ms);
            }
        } else {
            m.up = true;
            m.role = Role::Follower;
            m.leader = None;
            m.last_heard_from_leader_ms = None;
            m.reset_timer(now_ms, rng);
            events.push(RaftEvent::MemberRestarted {
                node: node.to_string(),
                term: m.term,
            });
            if alone {
                self.campaign(node, now_ms, false, &|_, _| true, rng, &mut events);
                if self.leader().is_some() {
                    self.no_leader_since_ms = None;
                }
            }
        }
        events
    }

    /// `docker swarm init --force-new-cluster` on `node`: it becomes the only member, keeps its
    /// log, and elects itself in the next term. The term history restarts with the new cluster.
    pub fn force_new_cluster(
        &mut self,
        node: &str,
        now_ms: Millis,
        rng: &mut Rng,
    ) -> Result<Vec<RaftEvent>, RaftError> {
        if !self.members.contains_key(node) {
            return Err(RaftError::NotAMember(node.to_string()));
        }
        let now_ms = now_ms.max(self.now_ms);
        self.now_ms = now_ms;
        let removed = self.others(node);
        self.members.retain(|name, _| name == node);
        self.leaders_by_term.clear();
        let mut events = vec![RaftEvent::ForcedNewCluster {
            node: node.to_string(),
            removed,
        }];
        let m = self.members.get_mut(node).expect("member");
        m.up = true;
        m.role = Role::Follower;
        m.leader = None;
        m.recent_active.clear();
        m.reachable_peers.clear();
        self.campaign(node, now_ms, true, &|_, _| true, rng, &mut events);
        let m = self.members.get_mut(node).expect("member");
        m.commit_index = m.log.last_index;
        self.no_leader_since_ms = None;
        self.quorum_possible = true;
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(_: &str, _: &str) -> bool {
        true
    }

    fn three(seed: u64) -> (RaftCluster, Rng) {
        let mut rng = Rng::seeded(seed);
        let c = RaftCluster::with_members(&["node-1", "node-2", "node-3"], 0, &mut rng);
        (c, rng)
    }

    #[test]
    fn quorum_and_fault_tolerance_match_the_docs_table() {
        let rows = [
            (1, 1, 0),
            (2, 2, 0),
            (3, 2, 1),
            (4, 3, 1),
            (5, 3, 2),
            (7, 4, 3),
        ];
        for (n, q, f) in rows {
            assert_eq!(quorum_size(n), q, "quorum of {n}");
            assert_eq!(fault_tolerance(n), f, "tolerance of {n}");
        }
    }

    #[test]
    fn swarm_init_elects_the_only_manager_at_once() {
        let mut rng = Rng::seeded(1);
        let mut c = RaftCluster::new();
        let events = c.add_member("node-1", 0, &all, &mut rng).unwrap();
        assert_eq!(c.leader(), Some("node-1"));
        assert_eq!(c.members["node-1"].term, 1);
        assert!(c.has_quorum());
        assert!(
            events
                .iter()
                .any(|e| matches!(e, RaftEvent::LeaderElected { term: 1, .. }))
        );
        assert_eq!(c.propose(100, &all, &mut rng), Ok(2));
    }

    #[test]
    fn three_fresh_managers_elect_one_leader_within_the_timeout() {
        let (mut c, mut rng) = three(7);
        assert_eq!(c.leader(), None);
        let events = c.advance(20_000, &all, &mut rng);
        let elected: Vec<_> = events
            .iter()
            .filter(|e| matches!(e, RaftEvent::LeaderElected { .. }))
            .collect();
        assert_eq!(elected.len(), 1, "{events:?}");
        assert!(c.leader().is_some());
        assert!(c.has_quorum());
        c.check_invariants().unwrap();
    }

    /// The skip reaches exactly the state a tick per second reaches.
    #[test]
    fn skipping_quiet_periods_equals_ticking_through_them() {
        let (mut c, mut rng) = three(7);
        c.advance(40_000, &all, &mut rng);
        assert!(c.leader().is_some());
        let mut ticked = c.clone();
        let mut ticked_rng = rng.clone();
        let mut skipped = c.clone();
        assert!(
            skipped.skip_quiet(6 * 3_600_000, &all, &rng),
            "{:?}",
            skipped.members
        );
        assert!(skipped.now_ms > 5 * 3_600_000);
        let target = skipped.now_ms;
        let mut t = ticked.now_ms;
        while t < target {
            t = (t + 1_000).min(target);
            ticked.advance(t, &all, &mut ticked_rng);
        }
        assert_eq!(ticked_rng, rng);
        assert_eq!(ticked, skipped);
        // A cluster with a member down is not quiet: nothing is skipped.
        let mut down = c.clone();
        let follower = down.others(down.leader().unwrap())[0].clone();
        down.set_up(&follower, false, down.now_ms, &mut rng);
        down.advance(down.now_ms + 20_000, &all, &mut rng);
        let before = down.clone();
        let _ = down.skip_quiet(2 * 86_400_000, &all, &rng);
        assert!(down == before || down.now_ms > before.now_ms);
    }

    #[test]
    fn a_stale_log_cannot_win() {
        let (mut c, mut rng) = three(3);
        c.advance(20_000, &all, &mut rng);
        let leader = c.leader().unwrap().to_string();
        // A follower cut off misses a write; then the leader dies.
        let lagging = c.others(&leader)[0].clone();
        let cut = lagging.clone();
        let reach = move |a: &str, b: &str| a != cut && b != cut;
        c.propose(20_500, &reach, &mut rng).unwrap();
        assert!(c.members[&lagging].log.last_index < c.members[&leader].log.last_index);
        c.set_up(&leader, false, 20_600, &mut rng);
        // The lagging node times out first, once the other follower's lease has run out.
        let other = c
            .others(&leader)
            .into_iter()
            .find(|n| *n != lagging)
            .unwrap();
        c.members.get_mut(&lagging).unwrap().election_deadline_ms = 31_000;
        c.members.get_mut(&other).unwrap().election_deadline_ms = 40_000;
        let events = c.advance(31_000, &all, &mut rng);
        assert!(
            events.iter().any(|e| matches!(
                e,
                RaftEvent::VoteRejected {
                    why: VoteRejection::StaleLog { .. },
                    ..
                }
            )),
            "{events:?}"
        );
        assert_eq!(c.leader(), None);
        assert_ne!(c.leader(), Some(lagging.as_str()));
        let events = c.advance(120_000, &all, &mut rng);
        assert_ne!(c.leader(), Some(lagging.as_str()));
        assert!(c.leader().is_some(), "{events:#?}");
    }

    #[test]
    fn one_vote_per_term() {
        let (mut c, mut rng) = three(21);
        // node-1 leads term 5 with node-3's vote; node-2 was away and is still in term 4.
        for (name, term, voted, role, leader) in [
            ("node-1", 5, Some("node-1"), Role::Leader, Some("node-1")),
            ("node-2", 4, None, Role::Follower, None),
            ("node-3", 5, Some("node-1"), Role::Follower, Some("node-1")),
        ] {
            let m = c.members.get_mut(name).unwrap();
            m.term = term;
            m.voted_for = voted.map(str::to_string);
            m.role = role;
            m.leader = leader.map(str::to_string);
            m.last_heard_from_leader_ms = Some(0);
            m.election_deadline_ms = 50_000;
            m.next_heartbeat_ms = 50_000;
            m.next_check_quorum_ms = 50_000;
        }
        c.leaders_by_term.insert(5, "node-1".to_string());
        // node-1 is cut off; node-2 times out (node-3's lease has run out) and asks for term 5.
        c.members.get_mut("node-2").unwrap().election_deadline_ms = 20_000;
        let apart = |a: &str, b: &str| (a == "node-1") == (b == "node-1");
        let events = c.advance(20_000, &apart, &mut rng);
        assert!(
            events.iter().any(|e| matches!(
                e,
                RaftEvent::VoteRejected { from, why: VoteRejection::AlreadyVoted { for_node }, term: 5, .. }
                    if from == "node-3" && for_node == "node-1"
            )),
            "{events:#?}"
        );
        assert_eq!(c.members["node-2"].role, Role::Candidate);
        c.check_invariants().unwrap();
    }

    #[test]
    fn every_event_describes_itself() {
        let (mut c, mut rng) = three(11);
        let mut events = c.advance(30_000, &all, &mut rng);
        let leader = c.leader().unwrap().to_string();
        events.extend(c.set_up(&leader, false, 30_000, &mut rng));
        events.extend(c.advance(60_000, &all, &mut rng));
        for e in &events {
            let text = e.describe();
            assert!(!text.is_empty());
            assert!(!text.contains("{"), "{text}");
        }
        let timeout = events
            .iter()
            .find(|e| matches!(e, RaftEvent::ElectionTimeout { .. }))
            .unwrap()
            .describe();
        assert!(timeout.contains("randomized election timeout"), "{timeout}");
    }

    #[test]
    fn errors_use_swarmkit_wording() {
        assert_eq!(
            RaftError::NoLeader {
                no_leader_for_ms: 30_000
            }
            .docker_message(),
            ERR_NO_LEADER
        );
        assert_eq!(
            RaftError::NoLeader {
                no_leader_for_ms: 3_000
            }
            .docker_message(),
            ERR_DEADLINE_EXCEEDED
        );
        assert_eq!(
            RaftError::NoQuorum {
                reachable: 1,
                needed: 2
            }
            .docker_message(),
            ERR_DEADLINE_EXCEEDED
        );
        assert!(ERR_CANNOT_REMOVE_MEMBER.ends_with("this would result in a loss of quorum"));
    }

    #[test]
    fn the_only_manager_going_down_says_nobody_takes_over() {
        let mut rng = Rng::seeded(3);
        let mut c = RaftCluster::with_members(&["node-1"], 0, &mut rng);
        c.advance(30_000, &|_: &str, _: &str| true, &mut rng);
        assert_eq!(c.leader(), Some("node-1"));
        let events = c.set_up("node-1", false, 31_000, &mut rng);
        let text = events[0].describe();
        assert!(text.contains("the only manager"), "{text}");
        assert!(!text.contains("followers"), "{text}");
    }

    #[test]
    fn seconds_are_printed_like_the_narration() {
        assert_eq!(seconds(13_000), "13 s");
        assert_eq!(seconds(13_400), "13.4 s");
    }
}
