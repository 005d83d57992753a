//! Dockyard: learn Docker for production in the browser.
//!
//! The crate has three parts. [`sim`] is a pure, deterministic model of what Docker does: one
//! [`sim::World`] (plain cloneable data that owns its seeded RNG), one agenda of inputs and scheduled
//! events, and [`sim::step`] as the only dispatcher, which runs one event and returns a
//! [`sim::Record`] narrating what happened and why. A [`sim::Timeline`] keeps the start world and the
//! inputs, so any moment can be revisited (back, seek) or forked (an input given in the past).
//!
//! [`scenario`] parses transcripts (`assets/scenarios/*.txt`): they read like a shell session in a
//! note (`$` commands, `!` faults, `>` narration, `wait`, `expect`), and the same file is what the
//! reader steps through on the site, what the tests run, and what `dockyard play FILE` plays headless.
//!
//! `ui` (feature `ui`, on by default) is the yew front end: it owns a `Timeline`, draws each concept
//! as SVG and sends inputs back; it holds no simulation logic.

pub mod scenario;
pub mod sim;
#[cfg(feature = "ui")]
pub mod ui;
