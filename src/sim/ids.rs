//! Typed identifiers.
//!
//! Docker names a container by a 64-hex ID (shown as 12) and a unique name; the CLI accepts the
//! full ID, any unique ID prefix, or the name. We key containers by their full ID in a `BTreeMap`
//! so iteration order is stable, and resolve references the way the daemon does. Content digests
//! (image IDs, layer and file checksums) are derived from names and contents here too.

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

/// A stable 64-hex content hash of `text`. Not cryptographic: it only has to be the same on every
/// run and look like the digests Docker prints.
pub fn content_digest(text: &str) -> String {
    let mut out = String::with_capacity(64);
    for salt in 0u64..4 {
        // FNV-1a 64 with a different offset basis per quarter.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for byte in text.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // murmur3's finaliser spreads a one-letter difference over every digit.
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        hash ^= hash >> 33;
        out.push_str(&format!("{hash:016x}"));
    }
    out
}
