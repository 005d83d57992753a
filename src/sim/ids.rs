//! Typed identifiers.
//!
//! Docker names a container by a 64-hex ID (shown as 12) and a unique name; the CLI accepts the
//! full ID, any unique ID prefix, or the name. We key containers by their full ID in a `BTreeMap`
//! so iteration order is stable, and resolve references the way the daemon does.

use std::fmt;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub struct ContainerId(pub String);

impl ContainerId {
    /// The 12-character form `docker ps` shows.
    pub fn short(&self) -> &str {
        &self.0[..12.min(self.0.len())]
    }
}

impl fmt::Display for ContainerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
