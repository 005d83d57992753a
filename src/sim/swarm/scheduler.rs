//! The swarm scheduler: which node runs each task, or why none can.
//!
//! Real SwarmKit (`manager/scheduler`): for each task (grouped by service) the scheduler runs
//! every node through a pipeline of filters, in this order (`pipeline.go` `defaultFilters`):
//! ReadyFilter (node `Ready` and availability `active`), ResourceFilter (the task's
//! `--reserve-cpu` / `--reserve-memory` fit into what is left on the node), PluginFilter,
//! ConstraintFilter (`--constraint node.role==manager`), PlatformFilter (the image's
//! os/arch), HostPortFilter (a `mode=host` published port is free on the node) and
//! MaxReplicasFilter (`--replicas-max-per-node`). A node passes only if every enabled filter
//! passes; the first filter that fails is charged with the failure. Among the nodes that pass
//! it spreads: fewest tasks of this service first, then fewest tasks overall (`nodeLess` in
//! `scheduler.go`). When no node passes, the task stays `pending` with
//! `Status.Err = "no suitable node (" + Pipeline.Explain() + ")"`, the explanation listing each
//! failing filter's `Explain(n)` (`filter.go`), most failures first, joined by `"; "`.
//!
//! Constraints (`manager/constraint/constraint.go`): `key==value` or `key!=value`, key
//! matching `^(?i)[a-z_][a-z0-9\-_.]+$`, value `^(?i)[a-z0-9:\-_\s\.\*\(\)\?\+\[\]\\\^\$\|\/]+$`,
//! compared case-insensitively; keys `node.id`, `node.hostname`, `node.role`,
//! `node.platform.os`, `node.platform.arch`, `node.labels.KEY`, `engine.labels.KEY`
//! (`node.ip` too); an unknown key never matches.
//!
//! Simplified: no PluginFilter (every node has every plugin), no generic resources, no
//! placement preferences (`--placement-pref spread=…`), no `node.ip` constraint, no failure
//! back-off (SwarmKit avoids a node where 5 tasks of the service failed in the last 5 min),
//! ties broken by node ID (SwarmKit's order among equal nodes is a heap's).
//!
//! A leaf: pure functions over node and task descriptions (it imports only `node` and `order`).

use crate::sim::swarm::node::{Availability, NodeStatus, Role};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

/// A node as the scheduler sees it: its spec, its description and what it already runs.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NodeInfo {
    pub id: String,
    pub hostname: String,
    pub role: Role,
    pub availability: Availability,
    pub status: NodeStatus,
    /// `docker node update --label-add` labels (`node.labels.*`).
    pub labels: BTreeMap<String, String>,
    /// The engine's own labels (`engine.labels.*`, from daemon.json).
    pub engine_labels: BTreeMap<String, String>,
    /// `linux`
    pub os: String,
    /// `x86_64` (SwarmKit treats `x86_64` and `amd64` alike)
    pub arch: String,
    /// Total CPUs in nano-CPUs (`2` CPUs = 2_000_000_000).
    pub nano_cpus: u64,
    pub memory_bytes: u64,
    /// Reserved so far by the tasks on the node.
    pub reserved_nano_cpus: u64,
    pub reserved_memory_bytes: u64,
    /// Active tasks (desired state ≤ running) per service ID.
    pub tasks_by_service: BTreeMap<String, u64>,
    /// Active tasks of every service.
    pub total_tasks: u64,
    /// Host-mode published ports in use: (protocol, port).
    pub used_host_ports: BTreeSet<(String, u16)>,
}

impl NodeInfo {
    /// A ready, active node with no tasks and nothing reserved.
    pub fn new(id: &str, hostname: &str, role: Role, nano_cpus: u64, memory_bytes: u64) -> Self {
        NodeInfo {
            id: id.to_string(),
            hostname: hostname.to_string(),
            role,
            availability: Availability::Active,
            status: NodeStatus::Ready,
            labels: BTreeMap::new(),
            engine_labels: BTreeMap::new(),
            os: "linux".to_string(),
            arch: "x86_64".to_string(),
            nano_cpus,
            memory_bytes,
            reserved_nano_cpus: 0,
            reserved_memory_bytes: 0,
            tasks_by_service: BTreeMap::new(),
            total_tasks: 0,
            used_host_ports: BTreeSet::new(),
        }
    }

    /// Count a task of `service_id` (with `spec`'s reservations and host ports) on this node.
    pub fn add_task(&mut self, service_id: &str, spec: &TaskSpec) {
        match self.tasks_by_service.get_mut(service_id) {
            Some(n) => *n += 1,
            None => {
                self.tasks_by_service.insert(service_id.to_string(), 1);
            }
        }
        self.total_tasks += 1;
        self.reserved_nano_cpus += spec.reserve_nano_cpus;
        self.reserved_memory_bytes += spec.reserve_memory_bytes;
        for p in &spec.host_ports {
            self.used_host_ports.insert(p.clone());
        }
    }

    /// Undo `add_task` (the task ended or was shut down).
    pub fn remove_task(&mut self, service_id: &str, spec: &TaskSpec) {
        if let Some(n) = self.tasks_by_service.get_mut(service_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.tasks_by_service.remove(service_id);
            }
        }
        self.total_tasks = self.total_tasks.saturating_sub(1);
        self.reserved_nano_cpus = self
            .reserved_nano_cpus
            .saturating_sub(spec.reserve_nano_cpus);
        self.reserved_memory_bytes = self
            .reserved_memory_bytes
            .saturating_sub(spec.reserve_memory_bytes);
        for p in &spec.host_ports {
            self.used_host_ports.remove(p);
        }
    }

    pub fn tasks_of(&self, service_id: &str) -> u64 {
        self.tasks_by_service.get(service_id).copied().unwrap_or(0)
    }

    pub fn available_nano_cpus(&self) -> u64 {
        self.nano_cpus.saturating_sub(self.reserved_nano_cpus)
    }

    pub fn available_memory_bytes(&self) -> u64 {
        self.memory_bytes.saturating_sub(self.reserved_memory_bytes)
    }
}

/// What the scheduler needs from a service's task template.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct TaskSpec {
    /// Parsed `--constraint` expressions.
    pub constraints: Vec<Constraint>,
    /// `--reserve-cpu 0.5` = 500_000_000.
    pub reserve_nano_cpus: u64,
    pub reserve_memory_bytes: u64,
    /// The image's platforms (os, arch); empty = any.
    pub platforms: Vec<(String, String)>,
    /// `--publish mode=host,…` ports: (protocol, published port).
    pub host_ports: Vec<(String, u16)>,
    /// `--replicas-max-per-node`; 0 = unlimited.
    pub max_replicas_per_node: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Operator {
    Eq,
    NotEq,
}

/// One `--constraint` expression, parsed as SwarmKit does.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Constraint {
    pub key: String,
    pub operator: Operator,
    pub value: String,
}

/// SwarmKit's `constraint.Parse` error texts. The daemon returns them unwrapped (so gRPC code
/// `Unknown`): `Error response from daemon: rpc error: code = Unknown desc = <text>`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ConstraintError {
    /// `constraint expected one operator from ==, !=`
    NoOperator,
    /// `key 'no de' is invalid`
    InvalidKey(String),
    /// `value '' is invalid`
    InvalidValue(String),
}

impl std::fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConstraintError::NoOperator => {
                write!(f, "constraint expected one operator from ==, !=")
            }
            ConstraintError::InvalidKey(k) => write!(f, "key '{k}' is invalid"),
            ConstraintError::InvalidValue(v) => write!(f, "value '{v}' is invalid"),
        }
    }
}

impl ConstraintError {
    /// What the daemon answers (docker/cli prefixes `Error response from daemon: `).
    pub fn daemon_text(&self) -> String {
        format!("rpc error: code = Unknown desc = {self}")
    }
}

/// `^(?i)[a-z_][a-z0-9\-_.]+$`
fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    let rest: Vec<char> = chars.collect();
    !rest.is_empty()
        && rest
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `^(?i)[a-z0-9:\-_\s\.\*\(\)\?\+\[\]\\\^\$\|\/]+$`
fn valid_value(value: &str) -> bool {
    !value.is_empty()
        && value.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ':' | '-'
                        | '_'
                        | '.'
                        | '*'
                        | '('
                        | ')'
                        | '?'
                        | '+'
                        | '['
                        | ']'
                        | '\\'
                        | '^'
                        | '$'
                        | '|'
                        | '/'
                        | ' '
                        | '\t'
                        | '\n'
                        | '\r'
                        | '\x0b'
                        | '\x0c'
                )
        })
}

/// Parse one expression like SwarmKit's `constraint.Parse`: the first operator of `==`, `!=`
/// found anywhere in the text splits it; key and value are trimmed, then validated.
pub fn parse_constraint(text: &str) -> Result<Constraint, ConstraintError> {
    for (op, operator) in [("==", Operator::Eq), ("!=", Operator::NotEq)] {
        if let Some((key, value)) = text.split_once(op) {
            let key = key.trim();
            if !valid_key(key) {
                return Err(ConstraintError::InvalidKey(key.to_string()));
            }
            let value = value.trim();
            if !valid_value(value) {
                return Err(ConstraintError::InvalidValue(value.to_string()));
            }
            return Ok(Constraint {
                key: key.to_string(),
                operator,
                value: value.to_string(),
            });
        }
    }
    Err(ConstraintError::NoOperator)
}

/// Parse every `--constraint`; the first bad one is the error.
pub fn parse_constraints(texts: &[String]) -> Result<Vec<Constraint>, ConstraintError> {
    texts.iter().map(|t| parse_constraint(t)).collect()
}

impl Constraint {
    /// SwarmKit `Constraint.Match`: case-insensitive full-string comparison.
    fn matches(&self, what: &str) -> bool {
        let equal = self.value.eq_ignore_ascii_case(what);
        match self.operator {
            Operator::Eq => equal,
            Operator::NotEq => !equal,
        }
    }

    /// SwarmKit `NodeMatches` for this one expression.
    pub fn node_matches(&self, node: &NodeInfo) -> bool {
        let key = self.key.to_ascii_lowercase();
        const NODE_LABELS: &str = "node.labels.";
        const ENGINE_LABELS: &str = "engine.labels.";
        match key.as_str() {
            "node.id" => self.matches(&node.id),
            "node.hostname" => self.matches(&node.hostname),
            "node.role" => self.matches(node.role.as_str()),
            "node.platform.os" => self.matches(&node.os),
            "node.platform.arch" => self.matches(&node.arch),
            _ if key.len() > NODE_LABELS.len() && key.starts_with(NODE_LABELS) => {
                // the label name itself is case-sensitive
                let label = &self.key[NODE_LABELS.len()..];
                self.matches(node.labels.get(label).map(String::as_str).unwrap_or(""))
            }
            _ if key.len() > ENGINE_LABELS.len() && key.starts_with(ENGINE_LABELS) => {
                let label = &self.key[ENGINE_LABELS.len()..];
                self.matches(
                    node.engine_labels
                        .get(label)
                        .map(String::as_str)
                        .unwrap_or(""),
                )
            }
            // a key that matches no predefined syntax never matches
            _ => false,
        }
    }
}

/// The filters of SwarmKit's pipeline, in its order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Filter {
    Ready,
    Resources,
    Constraints,
    Platform,
    HostPort,
    MaxReplicas,
}

impl Filter {
    const ALL: [Filter; 6] = [
        Filter::Ready,
        Filter::Resources,
        Filter::Constraints,
        Filter::Platform,
        Filter::HostPort,
        Filter::MaxReplicas,
    ];

    /// SwarmKit `filter.go` `Explain(nodes)`, word for word.
    pub fn explain(self, nodes: u64) -> String {
        let (one, many) = match self {
            Filter::Ready => (
                "1 node not available for new tasks",
                "nodes not available for new tasks",
            ),
            Filter::Resources => (
                "insufficient resources on 1 node",
                "insufficient resources on",
            ),
            Filter::Constraints => (
                "scheduling constraints not satisfied on 1 node",
                "scheduling constraints not satisfied on",
            ),
            Filter::Platform => ("unsupported platform on 1 node", "unsupported platform on"),
            Filter::HostPort => (
                "host-mode port already in use on 1 node",
                "host-mode port already in use on",
            ),
            // MaxReplicasFilter.Explain ignores the count.
            Filter::MaxReplicas => return "max replicas per node limit exceed".to_string(),
        };
        match (self, nodes) {
            (_, 1) => one.to_string(),
            (Filter::Ready, n) => format!("{n} {many}"),
            (_, n) => format!("{many} {n} nodes"),
        }
    }

    fn enabled(self, spec: &TaskSpec) -> bool {
        match self {
            Filter::Ready => true,
            Filter::Resources => spec.reserve_nano_cpus > 0 || spec.reserve_memory_bytes > 0,
            Filter::Constraints => !spec.constraints.is_empty(),
            Filter::Platform => !spec.platforms.is_empty(),
            Filter::HostPort => !spec.host_ports.is_empty(),
            Filter::MaxReplicas => spec.max_replicas_per_node > 0,
        }
    }

    fn check(self, node: &NodeInfo, spec: &TaskSpec, service_id: &str) -> bool {
        match self {
            Filter::Ready => {
                node.status == NodeStatus::Ready && node.availability == Availability::Active
            }
            Filter::Resources => {
                spec.reserve_nano_cpus <= node.available_nano_cpus()
                    && spec.reserve_memory_bytes <= node.available_memory_bytes()
            }
            Filter::Constraints => spec.constraints.iter().all(|c| c.node_matches(node)),
            Filter::Platform => {
                let norm = |a: &str| {
                    if a == "x86_64" {
                        "amd64".to_string()
                    } else {
                        a.to_string()
                    }
                };
                spec.platforms.iter().any(|(os, arch)| {
                    (arch.is_empty() || norm(arch) == norm(&node.arch))
                        && (os.is_empty() || *os == node.os)
                })
            }
            Filter::HostPort => !spec
                .host_ports
                .iter()
                .any(|p| node.used_host_ports.contains(p)),
            Filter::MaxReplicas => node.tasks_of(service_id) < spec.max_replicas_per_node,
        }
    }
}

/// The first filter `node` fails for a task of `service_id` with `spec`, or `None` if it passes
/// them all (SwarmKit `Pipeline.Process`).
pub fn first_failing_filter(node: &NodeInfo, spec: &TaskSpec, service_id: &str) -> Option<Filter> {
    Filter::ALL
        .into_iter()
        .find(|f| f.enabled(spec) && !f.check(node, spec, service_id))
}

/// Why a task stays pending: `no suitable node (…)`, as `docker service ps` shows it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NoSuitableNode {
    /// `Pipeline.Explain()`: empty when there are no nodes at all.
    pub explanation: String,
}

impl std::fmt::Display for NoSuitableNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.explanation.is_empty() {
            write!(f, "no suitable node")
        } else {
            write!(f, "no suitable node ({})", self.explanation)
        }
    }
}

/// SwarmKit `Pipeline.Explain` over `nodes`: each failing filter charged with the nodes it
/// turned away, most failures first (ties in pipeline order), joined by `"; "`.
pub fn explain<'a>(
    nodes: impl IntoIterator<Item = &'a NodeInfo>,
    spec: &TaskSpec,
    service_id: &str,
) -> NoSuitableNode {
    let mut counts: BTreeMap<Filter, u64> = BTreeMap::new();
    for node in nodes {
        if let Some(f) = first_failing_filter(node, spec, service_id) {
            *counts.entry(f).or_insert(0) += 1;
        }
    }
    let mut list: Vec<(Filter, u64)> = counts.into_iter().collect();
    crate::sim::order::sort_by(&mut list, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    NoSuitableNode {
        explanation: list
            .into_iter()
            .map(|(f, n)| f.explain(n))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// Spread order (SwarmKit `nodeLess`): fewest tasks of this service, then fewest tasks in all,
/// then node ID.
fn spread_key<'a>(node: &'a NodeInfo, service_id: &str) -> (u64, u64, &'a str) {
    (
        node.tasks_of(service_id),
        node.total_tasks,
        node.id.as_str(),
    )
}

/// Choose a node for one task of `service_id`. Does not change `nodes`: call
/// [`NodeInfo::add_task`] on the chosen node (or use [`place_batch`]).
pub fn place(
    nodes: &BTreeMap<String, NodeInfo>,
    spec: &TaskSpec,
    service_id: &str,
) -> Result<String, NoSuitableNode> {
    nodes
        .values()
        .filter(|n| first_failing_filter(n, spec, service_id).is_none())
        .min_by(|a, b| spread_key(a, service_id).cmp(&spread_key(b, service_id)))
        .map(|n| n.id.clone())
        .ok_or_else(|| explain(nodes.values(), spec, service_id))
}

/// Check one given node for a task (global services: the orchestrator names the node; the
/// scheduler only checks that it can take it).
pub fn place_on(node: &NodeInfo, spec: &TaskSpec, service_id: &str) -> Result<(), NoSuitableNode> {
    match first_failing_filter(node, spec, service_id) {
        None => Ok(()),
        Some(_) => Err(explain([node], spec, service_id)),
    }
}

/// Place `count` tasks of one service, one after the other, counting each placement on its node
/// (`add_task`) so the next one sees it. Returns one result per task, in order; once no node
/// can take a task, every remaining task gets the same reason. O(nodes + count·log nodes).
///
/// Fast at scale because a reconcile calls it for every service, most often with nothing or a
/// few tasks to place among a thousand nodes: no work at all for `count == 0`, and the nodes that
/// pass go into a binary heap built in one O(n) pass (not n ordered inserts). The heap pops in
/// exactly the spread order (its keys are unique: they end with the node's index in ID order).
pub fn place_batch(
    nodes: &mut BTreeMap<String, NodeInfo>,
    spec: &TaskSpec,
    service_id: &str,
    count: usize,
) -> Vec<Result<String, NoSuitableNode>> {
    let mut results = Vec::with_capacity(count);
    if count == 0 {
        return results;
    }
    let mut list: Vec<&mut NodeInfo> = nodes.values_mut().collect();
    let mut ready: BinaryHeap<Reverse<(u64, u64, usize)>> = list
        .iter()
        .enumerate()
        .filter(|(_, node)| first_failing_filter(node, spec, service_id).is_none())
        .map(|(i, node)| Reverse((node.tasks_of(service_id), node.total_tasks, i)))
        .collect::<Vec<_>>()
        .into();
    while results.len() < count {
        let Some(Reverse(first)) = ready.pop() else {
            break;
        };
        let node = &mut list[first.2];
        node.add_task(service_id, spec);
        results.push(Ok(node.id.clone()));
        if first_failing_filter(node, spec, service_id).is_none() {
            ready.push(Reverse((
                node.tasks_of(service_id),
                node.total_tasks,
                first.2,
            )));
        }
    }
    if results.len() < count {
        let why = explain(list.iter().map(|n| &**n), spec, service_id);
        while results.len() < count {
            results.push(Err(why.clone()));
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1 << 30;
    const CPU: u64 = 1_000_000_000;

    fn three_nodes() -> BTreeMap<String, NodeInfo> {
        let mut nodes = BTreeMap::new();
        nodes.insert(
            "n1".into(),
            NodeInfo::new("n1", "node-1", Role::Manager, 2 * CPU, 4 * GB),
        );
        nodes.insert(
            "n2".into(),
            NodeInfo::new("n2", "node-2", Role::Worker, 2 * CPU, 4 * GB),
        );
        nodes.insert(
            "n3".into(),
            NodeInfo::new("n3", "node-3", Role::Worker, 2 * CPU, 4 * GB),
        );
        nodes
    }

    fn hosts(
        nodes: &BTreeMap<String, NodeInfo>,
        ids: &[Result<String, NoSuitableNode>],
    ) -> Vec<String> {
        ids.iter()
            .map(|r| match r {
                Ok(id) => nodes[id].hostname.clone(),
                Err(e) => e.to_string(),
            })
            .collect()
    }

    #[test]
    fn spread_across_three_nodes() {
        let mut nodes = three_nodes();
        let spec = TaskSpec::default();
        let placed = place_batch(&mut nodes, &spec, "web", 6);
        assert_eq!(
            hosts(&nodes, &placed),
            ["node-1", "node-2", "node-3", "node-1", "node-2", "node-3"]
        );
        // a second service prefers the node with fewest tasks overall
        nodes.get_mut("n1").unwrap().add_task("db", &spec);
        nodes.get_mut("n1").unwrap().remove_task("db", &spec);
        nodes.get_mut("n2").unwrap().add_task("db", &spec);
        assert_eq!(place(&nodes, &spec, "api").unwrap(), "n1");
        // but fewest of its own service first
        nodes.get_mut("n1").unwrap().add_task("api", &spec);
        assert_eq!(place(&nodes, &spec, "api").unwrap(), "n3");
    }

    #[test]
    fn place_and_batch_agree() {
        let mut a = three_nodes();
        let mut b = three_nodes();
        let spec = TaskSpec::default();
        a.get_mut("n2").unwrap().add_task("x", &spec);
        b.get_mut("n2").unwrap().add_task("x", &spec);
        let batch = place_batch(&mut a, &spec, "web", 7);
        for r in batch {
            let one = place(&b, &spec, "web").unwrap();
            assert_eq!(r.unwrap(), one);
            b.get_mut(&one).unwrap().add_task("web", &spec);
        }
    }

    #[test]
    fn constraints_filter_with_swarmkit_reason() {
        let mut nodes = three_nodes();
        let spec = TaskSpec {
            constraints: parse_constraints(&["node.role==manager".to_string()]).unwrap(),
            ..TaskSpec::default()
        };
        let placed = place_batch(&mut nodes, &spec, "web", 2);
        assert_eq!(hosts(&nodes, &placed), ["node-1", "node-1"]);

        let spec = TaskSpec {
            constraints: parse_constraints(&["node.labels.zone==eu".to_string()]).unwrap(),
            ..TaskSpec::default()
        };
        let err = place(&nodes, &spec, "web").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no suitable node (scheduling constraints not satisfied on 3 nodes)"
        );
        nodes
            .get_mut("n3")
            .unwrap()
            .labels
            .insert("zone".into(), "EU".into());
        assert_eq!(place(&nodes, &spec, "web").unwrap(), "n3");
        nodes.get_mut("n3").unwrap().status = NodeStatus::Down;
        assert_eq!(
            place(&nodes, &spec, "web").unwrap_err().to_string(),
            "no suitable node (scheduling constraints not satisfied on 2 nodes; 1 node not available for new tasks)"
        );
        let ne = parse_constraint("node.hostname != node-1").unwrap();
        assert!(!ne.node_matches(&nodes["n1"]));
        assert!(ne.node_matches(&nodes["n2"]));
        let unknown = parse_constraint("node.colour==red").unwrap();
        assert!(!unknown.node_matches(&nodes["n1"]));
        let engine = parse_constraint("engine.labels.disk!=ssd").unwrap();
        assert!(engine.node_matches(&nodes["n1"]));
        let id = parse_constraint("NODE.ID==N2").unwrap();
        assert!(id.node_matches(&nodes["n2"]));
    }

    #[test]
    fn bad_constraints_get_swarmkit_errors() {
        let err = |t: &str| parse_constraint(t).unwrap_err().to_string();
        assert_eq!(
            err("nodeabc"),
            "constraint expected one operator from ==, !="
        );
        assert_eq!(
            err("node ~ abc"),
            "constraint expected one operator from ==, !="
        );
        assert_eq!(err(""), "constraint expected one operator from ==, !=");
        assert_eq!(err("1node==a2"), "key '1node' is invalid");
        assert_eq!(err("no de== node1"), "key 'no de' is invalid");
        assert_eq!(err("==node1"), "key '' is invalid");
        assert_eq!(err("node=="), "value '' is invalid");
        assert_eq!(err("node== "), "value '' is invalid");
        assert_eq!(err("node==a<b"), "value 'a<b' is invalid");
        assert!(parse_constraint("node.role==manager").is_ok());
        assert_eq!(
            ConstraintError::NoOperator.daemon_text(),
            "rpc error: code = Unknown desc = constraint expected one operator from ==, !="
        );
        let c = parse_constraint(" node == node 1").unwrap();
        assert_eq!((c.key.as_str(), c.value.as_str()), ("node", "node 1"));
        let c = parse_constraint("node==[a-b]+c*(n|b)/").unwrap();
        assert_eq!(c.value, "[a-b]+c*(n|b)/");
    }

    #[test]
    fn drained_and_paused_nodes_get_nothing() {
        let mut nodes = three_nodes();
        nodes.get_mut("n2").unwrap().availability = Availability::Drain;
        nodes.get_mut("n3").unwrap().availability = Availability::Pause;
        let placed = place_batch(&mut nodes, &TaskSpec::default(), "web", 3);
        assert_eq!(hosts(&nodes, &placed), ["node-1", "node-1", "node-1"]);
        nodes.get_mut("n1").unwrap().availability = Availability::Drain;
        assert_eq!(
            place(&nodes, &TaskSpec::default(), "web")
                .unwrap_err()
                .to_string(),
            "no suitable node (3 nodes not available for new tasks)"
        );
        assert_eq!(
            place(&BTreeMap::new(), &TaskSpec::default(), "web")
                .unwrap_err()
                .to_string(),
            "no suitable node"
        );
    }

    #[test]
    fn resources_exhaust_then_pending() {
        let mut nodes = three_nodes();
        let spec = TaskSpec {
            reserve_memory_bytes: 3 * GB,
            ..TaskSpec::default()
        };
        let placed = place_batch(&mut nodes, &spec, "db", 4);
        assert_eq!(
            hosts(&nodes, &placed),
            [
                "node-1",
                "node-2",
                "node-3",
                "no suitable node (insufficient resources on 3 nodes)"
            ]
        );
        nodes.get_mut("n1").unwrap().status = NodeStatus::Down;
        assert_eq!(
            place(&nodes, &spec, "db").unwrap_err().to_string(),
            "no suitable node (insufficient resources on 2 nodes; 1 node not available for new tasks)"
        );
        let cpu = TaskSpec {
            reserve_nano_cpus: 3 * CPU,
            ..TaskSpec::default()
        };
        assert_eq!(
            place(&three_nodes(), &cpu, "x").unwrap_err().to_string(),
            "no suitable node (insufficient resources on 3 nodes)"
        );
    }

    #[test]
    fn max_replicas_platform_and_host_ports() {
        let mut nodes = three_nodes();
        let spec = TaskSpec {
            max_replicas_per_node: 1,
            ..TaskSpec::default()
        };
        let placed = place_batch(&mut nodes, &spec, "w", 4);
        assert_eq!(
            placed[3].as_ref().unwrap_err().to_string(),
            "no suitable node (max replicas per node limit exceed)"
        );
        let mut nodes = three_nodes();
        nodes.get_mut("n1").unwrap().arch = "aarch64".into();
        let spec = TaskSpec {
            platforms: vec![("linux".into(), "amd64".into())],
            host_ports: vec![("tcp".into(), 80)],
            ..TaskSpec::default()
        };
        let placed = place_batch(&mut nodes, &spec, "edge", 3);
        assert_eq!(
            hosts(&nodes, &placed),
            [
                "node-2",
                "node-3",
                "no suitable node (host-mode port already in use on 2 nodes; unsupported platform on 1 node)"
            ]
        );
        assert!(place_on(&nodes["n2"], &spec, "edge").is_err());
    }
}
