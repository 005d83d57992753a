//! The running Traefiks of the world, and the public internet they face (DNS, the ACME CA).
//!
//! Real Traefik keeps in memory what its providers last told it (the docker provider follows
//! the engine's event stream; the swarm provider polls the managers every `refreshSeconds`),
//! its load balancers' positions and rate-limit buckets; all of it is lost when the process
//! restarts. Its certificates live in `acme.json`, a file. Let's Encrypt and public DNS are
//! outside every machine.
//!
//! Here: one [`Instance`] per running Traefik container, keyed by (machine, container), made
//! when its program starts (src/sim/traefik/program.rs) and dropped when its container stops
//! (src/sim/traefik/providers.rs `sync`). The swarm provider's view is what a poll last read:
//! `swarm_seen` changes only at poll times, and `swarm_pending` holds the newer states a poll
//! has yet to pick up. The CA and the public DNS zone are world-wide.
//!
//! A leaf: it imports the other Traefik leaves, ids and time.

use std::collections::BTreeMap;

use super::acme::{AcmeStore, Ca};
use super::dynamic::Dynamic;
use super::static_config::StaticConfig;
use crate::sim::ids::ContainerId;
use crate::sim::time::Millis;

/// Everything Traefik-related the world holds.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Traefik {
    /// Running Traefik processes by (machine, container).
    pub instances: BTreeMap<(String, ContainerId), Instance>,
    /// The simulated Let's Encrypt.
    pub ca: Ca,
    /// Public DNS: a name (lower case) → the lab machine its A record points at. `*.example.com`
    /// is a wildcard record.
    pub dns: BTreeMap<String, String>,
    /// The last request a Traefik handled, for the picture.
    pub last: Option<Trace>,
}

/// One provider as an instance sees it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ProviderView {
    /// Why the provider reads nothing (no socket, not a manager), as Traefik logs it.
    pub error: Option<String>,
    /// What the provider produced when last read.
    pub dynamic: Dynamic,
}

/// One running Traefik.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Instance {
    pub host: String,
    pub container: ContainerId,
    /// The container's name (for the picture and the narration).
    pub name: String,
    /// The container's run this process belongs to.
    pub run: u32,
    pub started_ms: Millis,
    /// `3.7`, `2.11`: the image's version.
    pub version: String,
    pub config: StaticConfig,
    /// The docker provider's view (it follows events: always current).
    pub docker: Option<ProviderView>,
    /// The file provider's view (it watches its files: always current).
    pub file: Option<ProviderView>,
    /// The swarm provider's view as of its last poll.
    pub swarm_seen: Option<ProviderView>,
    /// Newer swarm states, oldest first, with the time each became true.
    pub swarm_pending: Vec<(Millis, ProviderView)>,
    /// Whether a poll event is on the agenda.
    pub poll_scheduled: bool,
    /// Requests handled (the access log's count).
    pub requests: u64,
    /// Round-robin position per service.
    pub rr: BTreeMap<String, u64>,
    /// Rate-limit buckets per middleware: (tokens × 1000, last refill).
    pub buckets: BTreeMap<String, (i64, Millis)>,
    /// acme.json as this process read it at start, per resolver (`None`: the resolver was dropped).
    pub acme: Option<AcmeStore>,
    /// Resolvers dropped at start, with the reason.
    pub dropped_resolvers: Vec<String>,
    /// Certificate orders this process has made, as `resolver name,name…` (one try each).
    pub acme_attempted: std::collections::BTreeSet<String>,
    /// Orders queued for the CA: (resolver, router, rule, names).
    pub acme_pending: Vec<(String, String, String, Vec<String>)>,
    /// When certificate work (queued orders or the 24 h renewal check) is next on the agenda;
    /// an event for another time is stale.
    pub acme_due_ms: Option<Millis>,
}

impl Instance {
    /// The last poll time at or before `now_ms` (polls start with the process).
    pub fn last_poll_ms(&self, now_ms: Millis) -> Millis {
        let refresh = self
            .config
            .swarm
            .as_ref()
            .map_or(15_000, |s| s.refresh.max(1));
        let since = now_ms.saturating_sub(self.started_ms);
        self.started_ms + since / refresh * refresh
    }

    /// The first poll time strictly after `at_ms`.
    pub fn next_poll_ms(&self, at_ms: Millis) -> Millis {
        let refresh = self
            .config
            .swarm
            .as_ref()
            .map_or(15_000, |s| s.refresh.max(1));
        self.last_poll_ms(at_ms) + refresh
    }
}

/// The path of one request through a Traefik, for the picture and the narration.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Trace {
    pub at_ms: Millis,
    /// The Traefik container's name and machine.
    pub traefik: String,
    pub host: String,
    pub entry_point: String,
    /// `Host` header and path.
    pub request_host: String,
    pub path: String,
    pub router: Option<String>,
    pub middlewares: Vec<String>,
    pub service: Option<String>,
    pub server: Option<String>,
    pub status: u16,
}

/// The lab machine a public name points at: an exact record, else a wildcard (`*.example.com`
/// covers one more label in front).
pub fn resolve_public(dns: &BTreeMap<String, String>, name: &str) -> Option<String> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if let Some(m) = dns.get(&name) {
        return Some(m.clone());
    }
    let (_, parent) = name.split_once('.')?;
    dns.get(&format!("*.{parent}")).cloned()
}

/// The public address of a single host that is not a lab machine (a documentation range,
/// RFC 5737).
pub const SINGLE_HOST_ADDRESS: &str = "203.0.113.10";
