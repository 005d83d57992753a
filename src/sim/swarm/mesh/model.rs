//! The routing mesh, as data: who sends a request, what it gets back or why it fails, and the
//! last request the learner sent.
//!
//! Real Docker routes a published port through IPVS on every node and crosses nodes over the
//! overlay's VXLAN tunnels (UDP 4789). This module is the outcome of one such request (kept in
//! the swarm's store for the picture) and its wording. It is a leaf (it imports only `time` and the service's publish mode), so
//! the swarm can hold the last trace without importing the routing itself, which reads the world
//! in src/sim/swarm/mesh/mod.rs.

use crate::sim::swarm::service::PublishMode;
use crate::sim::time::Millis;

/// The VXLAN port overlay traffic crosses between nodes (re-exported as `VXLAN_PORT`).
pub const VXLAN_PORT: u16 = 4789;

/// Who sends a request.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Client {
    /// A user outside the cluster, on the lab's network on the learner's side of any partition
    /// (the traffic generator's clients).
    Outside,
    /// A shell on one of the lab's machines (the learner's terminal).
    Machine(String),
}

/// A request that was answered.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Answer {
    pub service: String,
    /// The node whose port received the request.
    pub entry: String,
    pub task_id: String,
    /// `web.3`
    pub task_name: String,
    /// The node that runs the task.
    pub task_host: String,
    /// The task's address on the network the request crossed (ingress), empty in host mode.
    pub task_ip: String,
    /// The task container's hostname: its short container ID.
    pub container_id: String,
    pub mode: PublishMode,
    pub target_port: u16,
    /// What the program in the task answers.
    pub body: String,
}

/// Why a request failed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Failure {
    UnknownHost(String),
    /// The client's own machine is off.
    ClientDown(String),
    NodeOff(String),
    /// The node is on the other side of a network partition.
    Partitioned(String),
    /// Nothing listens on that port of that node.
    NotPublished {
        host: String,
        port: u16,
    },
    /// `mode=host`: the port is bound only where a task runs, and none runs here.
    HostModeNoTask {
        host: String,
        service: String,
    },
    /// IPVS has no task to send it to.
    NoBackend {
        service: String,
    },
    /// IPVS picked a task on a node the entry node cannot reach.
    BackendUnreachable {
        entry: String,
        task_name: String,
        task_host: String,
    },
    /// The task runs, but its program does not listen on the target port.
    NotListening {
        task_name: String,
        port: u16,
    },
}

impl Failure {
    /// A short reason, the key the traffic generator counts by.
    pub fn reason(&self) -> String {
        match self {
            Failure::UnknownHost(h) => format!("unknown host {h}"),
            Failure::ClientDown(h) => format!("the client's machine {h} is off"),
            Failure::NodeOff(h) => format!("{h} is off"),
            Failure::Partitioned(h) => format!("{h} is cut off by a partition"),
            Failure::NotPublished { host, port } => {
                format!("nothing listens on {host}:{port}")
            }
            Failure::HostModeNoTask { host, service } => {
                format!("no {service} task on {host} (host-mode port)")
            }
            Failure::NoBackend { service } => format!("no running task of {service}"),
            Failure::BackendUnreachable {
                entry, task_host, ..
            } => format!("{entry} cannot reach {task_host}"),
            Failure::NotListening { task_name, port } => {
                format!("nothing listens on port {port} in {task_name}")
            }
        }
    }

    /// curl's message and exit code for this failure.
    pub fn curl_error(&self, host: &str, port: u16) -> (String, i32) {
        let refused = (
            format!(
                "curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
            ),
            7,
        );
        let timeout = (
            format!(
                "curl: (28) Failed to connect to {host} port {port} after 5000 ms: Timeout was reached"
            ),
            28,
        );
        match self {
            Failure::UnknownHost(h) => (format!("curl: (6) Could not resolve host: {h}"), 6),
            Failure::NodeOff(_) | Failure::Partitioned(_) | Failure::ClientDown(_) => timeout,
            Failure::BackendUnreachable { .. } | Failure::NoBackend { .. } => (
                "curl: (28) Operation timed out after 5000 milliseconds with 0 bytes received"
                    .to_string(),
                28,
            ),
            Failure::NotPublished { .. }
            | Failure::HostModeNoTask { .. }
            | Failure::NotListening { .. } => refused,
        }
    }

    /// Why, for the narration.
    pub fn explain(&self) -> String {
        match self {
            Failure::UnknownHost(h) => format!("{h} is not a machine of this lab."),
            Failure::ClientDown(h) => format!("{h}, where the request starts, has no power."),
            Failure::NodeOff(h) => format!(
                "{h} is off: nothing answers the connection, so the client waits until it gives up. A load balancer in front of the swarm would stop sending users there."
            ),
            Failure::Partitioned(h) => format!(
                "{h} is on the other side of the network partition: the packets never arrive."
            ),
            Failure::NotPublished { host, port } => format!(
                "No service publishes port {port}, so nothing on {host} listens there: the kernel refuses the connection."
            ),
            Failure::HostModeNoTask { host, service } => format!(
                "{service} publishes this port in host mode: only nodes that run one of its tasks listen on it, and {host} runs none. There is no routing mesh to forward it."
            ),
            Failure::NoBackend { service } => format!(
                "The port is open on every node (the routing mesh), but {service} has no running task: IPVS has nowhere to send the connection."
            ),
            Failure::BackendUnreachable {
                entry,
                task_name,
                task_host,
            } => format!(
                "IPVS on {entry} picked {task_name} on {task_host}, but {entry} cannot reach {task_host} over the overlay (VXLAN, UDP {}): the connection hangs.",
                VXLAN_PORT
            ),
            Failure::NotListening { task_name, port } => format!(
                "The request reaches {task_name}, but its program does not listen on port {port}: check the target port of --publish."
            ),
        }
    }
}

/// One request and what became of it (what the picture draws).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Trace {
    pub at_ms: Millis,
    /// `node-1` or `outside`.
    pub client: String,
    /// The node the request was sent to.
    pub host: String,
    pub port: u16,
    pub outcome: Result<Answer, Failure>,
}

/// A decision, and the round-robin counter to advance if the caller acts on it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Route {
    pub outcome: Result<Answer, Failure>,
    pub rr_key: Option<String>,
    /// How many backends the round robin turns over (1 when it played no part): the outcome
    /// of the request `period` positions later is the same, all else equal.
    pub period: u64,
}
