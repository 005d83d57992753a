//! Networks, as data: a network's subnet and settings, a container's endpoint on it, and the
//! three networks a fresh daemon has.
//!
//! Real Docker keeps each network (libnetwork: driver, IPAM subnet and gateway, `internal`,
//! labels) in the daemon's store and an endpoint (IP, aliases) per container and network. This
//! module is that state. It is a leaf (it imports only `rng` and `time`), so the engine, a
//! container and a swarm machine can hold networks without importing the daemon's network
//! commands, which run over the world in src/sim/docker/network/mod.rs.

use std::collections::BTreeMap;

use crate::sim::order::CollectOrdered;
use crate::sim::rng::Rng;
use crate::sim::time::Millis;

/// The default bridge's name (`docker0` on the host).
pub const DEFAULT_BRIDGE: &str = "bridge";

/// An IPv4 subnet, `base/prefix`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Subnet {
    pub base: u32,
    pub prefix: u8,
}

impl Subnet {
    /// `172.18.0.0/16`. The base must be the network address (moby: `invalid subnet … : it should
    /// be …`), prefixes /8 to /30.
    pub fn parse(text: &str) -> Result<Subnet, String> {
        let (ip, prefix) = text
            .split_once('/')
            .ok_or_else(|| format!("invalid CIDR address: {text}"))?;
        let base = parse_ip(ip).ok_or_else(|| format!("invalid CIDR address: {text}"))?;
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| (8..=30).contains(p))
            .ok_or_else(|| format!("invalid CIDR address: {text}"))?;
        let subnet = Subnet { base, prefix };
        if base & subnet.mask() != base {
            return Err(format!(
                "invalid subnet {text}: it should be {}",
                Subnet {
                    base: base & subnet.mask(),
                    prefix
                }
                .text()
            ));
        }
        Ok(subnet)
    }

    fn mask(self) -> u32 {
        u32::MAX << (32 - u32::from(self.prefix))
    }

    pub fn text(self) -> String {
        format!("{}/{}", ip_text(self.base), self.prefix)
    }

    /// The first usable address: the bridge's own (the containers' default gateway).
    pub fn gateway(self) -> String {
        ip_text(self.base + 1)
    }

    pub fn contains(self, ip: &str) -> bool {
        parse_ip(ip).is_some_and(|a| a & self.mask() == self.base)
    }

    pub(super) fn overlaps(self, other: Subnet) -> bool {
        let shorter = self.prefix.min(other.prefix);
        let mask = u32::MAX << (32 - u32::from(shorter));
        self.base & mask == other.base & mask
    }

    /// The addresses a container can get: after the gateway, before the broadcast address.
    pub(super) fn hosts(self) -> impl Iterator<Item = String> {
        let size = 1u32 << (32 - u32::from(self.prefix));
        (2..size - 1).map(move |n| ip_text(self.base + n))
    }
}

pub fn parse_ip(text: &str) -> Option<u32> {
    let octets: Vec<u8> = text
        .split('.')
        .map(|o| o.parse::<u8>().ok())
        .collect::<Option<Vec<_>>>()?;
    match octets.as_slice() {
        [a, b, c, d] => Some(u32::from_be_bytes([*a, *b, *c, *d])),
        _ => None,
    }
}

fn ip_text(ip: u32) -> String {
    let [a, b, c, d] = ip.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Network {
    pub name: String,
    /// 64 hex characters.
    pub id: String,
    /// `bridge`, or `host`/`null` for the pre-defined ones.
    pub driver: String,
    /// `None` for `host` and `none`.
    pub subnet: Option<Subnet>,
    pub internal: bool,
    pub attachable: bool,
    pub labels: BTreeMap<String, String>,
    pub created_at: Millis,
    /// `bridge`, `host`, `none`: made by the daemon, cannot be removed.
    pub predefined: bool,
}

impl Network {
    /// User-defined networks have the embedded DNS server (127.0.0.11); the default bridge
    /// does not (moby `daemon/container_operations.go`: service discovery only when
    /// `!IsDefault()`, the default bridge only has legacy `--link`).
    pub fn has_embedded_dns(&self) -> bool {
        !self.predefined && self.driver == "bridge"
    }

    pub fn short_id(&self) -> &str {
        &self.id[..12]
    }
}

/// A container's attachment to one network.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Endpoint {
    /// `--network-alias`: extra DNS names on this network only.
    pub aliases: Vec<String>,
    /// Given at start, released at stop.
    pub ip_address: Option<String>,
}

/// The daemon's pre-defined networks. Their IDs are fixed per name (they are made once, when
/// the daemon is installed, before any scenario's seed matters).
pub fn predefined() -> BTreeMap<String, Network> {
    let made = |name: &str, driver: &str, subnet: Option<Subnet>| {
        let seed = name.bytes().fold(0x5eed_u64, |h, b| {
            h.wrapping_mul(131).wrapping_add(u64::from(b))
        });
        Network {
            name: name.to_string(),
            id: Rng::seeded(seed).hex(64),
            driver: driver.to_string(),
            subnet,
            internal: false,
            attachable: false,
            labels: BTreeMap::new(),
            created_at: 0,
            predefined: true,
        }
    };
    let bridge = Subnet {
        base: parse_ip("172.17.0.0").unwrap_or_default(),
        prefix: 16,
    };
    [
        made(DEFAULT_BRIDGE, "bridge", Some(bridge)),
        made("host", "host", None),
        made("none", "null", None),
    ]
    .into_iter()
    .map(|n| (n.name.clone(), n))
    .collect_map()
}
