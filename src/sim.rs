//! The simulation kernel: pure, deterministic, no web dependency.
//!
//! Real Docker is a daemon reacting to API calls, signals and timers. We model it as one [`World`]
//! (all state, including the RNG) and one agenda ordered by simulated time; [`step::step`] pops one
//! entry and hands it to its domain. No `HashMap` iteration, no wall clock, no unseeded randomness:
//! the same seed and inputs give the same run, which is what makes links and tests reproducible.

pub mod agenda;
pub mod backup;
pub mod check;
pub mod cron;
pub mod docker;
pub mod event;
pub mod files;
pub mod flags;
pub mod hostfs;
pub mod http;
pub mod ids;
pub mod input;
pub mod invariants;
pub mod lab;
pub mod offsite;
pub mod order;
pub mod readiness;
pub mod record;
pub mod rng;
pub mod shell;
pub mod step;
pub mod swarm;
pub mod testkit;
pub mod time;
pub mod timeline;
pub mod traefik;
pub mod traffic;
pub mod world;
pub mod yourfile;

pub use check::{Check, CheckParseError};
pub use event::Event;
pub use input::{Fault, Input};
pub use record::{Record, Stream, TermLine};
pub use step::step;
pub use time::Millis;
pub use timeline::Timeline;
pub use world::World;
