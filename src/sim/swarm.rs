//! Docker Swarm mode: several hosts, Raft among the managers, services reconciled into tasks.
//!
//! Real Swarm (SwarmKit inside dockerd) keeps the cluster's desired state in a Raft log replicated
//! among the managers; only the leader runs the orchestrator (desired tasks per service), the
//! scheduler (which node runs each task) and the dispatcher (which hands tasks to the workers'
//! agents and hears their heartbeats). Each part lives in its own file here, as a deterministic
//! state machine driven by the world's agenda and seeded RNG. `swarm/` builds on `docker/` (each
//! node's agent drives that node's engine); the reverse is meant not to happen, but docker/dns.rs
//! and docker/probe.rs still call into swarm/ (docs/ARCHITECTURE.md, "Known layering problems").

pub mod agent;
pub mod check;
pub mod cli;
pub mod cluster;
pub mod control;
pub mod curl;
pub mod deploycheck;
pub mod follow_kind;
pub mod info;
pub mod manager;
pub mod mesh;
pub mod meshcheck;
pub mod node;
pub mod orchestrator;
pub mod overlay;
pub mod raft;
pub mod scheduler;
pub mod secrets;
pub mod service;
pub mod services;
pub mod setup;
pub mod stack;
pub mod stackcmd;
pub mod stacksecrets;
pub mod statedir;
pub mod task;
pub mod update;
pub mod voting;
