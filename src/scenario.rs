//! Scenarios are transcripts: a text file that reads like a shell session in a note.
//!
//! `$` is a command, `!` a fault, `>` narration, `wait` lets time pass, `expect` states a check.
//! The same file is what the reader steps through on the site, what `tests/scenarios.rs` runs, and
//! what `dockyard play FILE` plays headless. See `parse.rs` for the grammar.

pub mod author;
pub mod catalogue;
pub mod parse;
pub mod phases;
pub mod pitfalls;
#[cfg(not(target_arch = "wasm32"))]
pub mod play_cli;
pub mod progress;
pub mod run;
pub mod url;
pub mod yourfile;

pub use catalogue::{PAGES, Page, SCENARIOS, ScenarioFile};
pub use parse::{Action, Expect, Mode, Scenario, ScenarioError};
pub use run::{GoalStatus, Goals, Run, Submitted};
