//! The traffic generator's state: what the clients send and what they measured.
//!
//! Plain data (a leaf: it imports nothing that knows the world), so `World` can hold it without
//! importing the behaviour in src/sim/traffic/mod.rs, which asks the routing mesh what becomes
//! of each request.

use crate::sim::time::{Millis, SECOND_MS};
use std::collections::BTreeMap;
use std::rc::Rc;

/// One bucket per second.
pub const BUCKET_MS: Millis = SECOND_MS;
/// History kept: the last 600 buckets (ten minutes).
pub const HISTORY_BUCKETS: usize = 600;

/// Clients currently sending.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Generator {
    /// The lab machine the requests go to.
    pub host: String,
    pub port: u16,
    /// For a URL target: (scheme, the `Host` header, path).
    pub url: Option<(String, String, String)>,
    pub rate_per_s: u32,
    pub started_ms: Millis,
}

/// One second of traffic. A bucket never changes once written, so the copies of the world
/// that the timeline keeps share its maps (`Rc`) rather than copying them: ten minutes of
/// history are 600 of them.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Bucket {
    /// The end of the second it covers.
    pub t_ms: Millis,
    pub ok: u32,
    pub failed: u32,
    /// Failures by reason (src/sim/swarm/mesh/mod.rs `Failure::reason`).
    pub reasons: Rc<BTreeMap<String, u32>>,
    /// Answers by task (`web.1`), for the picture.
    pub answered_by: Rc<BTreeMap<String, u32>>,
    /// HTTP answers by status class (`2xx` … `5xx`) when a proxy answered.
    pub by_class: Rc<BTreeMap<String, u32>>,
}

/// The generator and what it measured.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Traffic {
    pub generator: Option<Generator>,
    pub next_bucket_ms: Millis,
    pub history: Vec<Bucket>,
    /// Totals since the last `traffic start`.
    pub sent: u64,
    pub ok: u64,
    pub failed: u64,
    /// Every reason seen since the last start, with its count.
    pub reasons: BTreeMap<String, u64>,
}

/// A point of the chart.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Point {
    pub t_ms: Millis,
    pub requests_per_s: u32,
    /// 0–100.
    pub success_percent: f64,
}
