//! One Docker Engine on one host: images, containers and their processes, and the CLI that drives
//! them. A swarm node is built from engines, not the reverse, so this module is meant not to import
//! `swarm`. Today two files still do: dns.rs and probe.rs ask src/sim/swarm/mesh/mod.rs (and the
//! agent and overlay store) when a task's container resolves a name or makes a request
//! (docs/ARCHITECTURE.md, "Known layering problems").

pub mod apps;
pub mod archiving;
pub mod build;
pub mod catalogue;
pub mod cli;
pub mod compose;
pub mod container;
pub mod containerfs;
pub mod disaster;
pub mod disk;
pub mod dns;
pub mod dockerfile;
pub mod engine;
pub mod error;
pub mod execfs;
pub mod exportcmd;
pub mod health;
pub mod image;
pub mod imagecmd;
pub mod images;
pub mod mount;
pub mod netcheck;
pub mod netcmd;
pub mod network;
pub mod output;
pub mod pgdump;
pub mod platform;
pub mod postgres;
pub mod probe;
pub mod process;
pub mod prune;
pub mod reach;
pub mod redis;
pub mod reference;
pub mod registry;
pub mod resources;
pub mod restic;
pub mod shop;
pub mod stats;
pub mod storecheck;
pub mod top;
pub mod users;
pub mod volume;
pub mod volumecmd;
