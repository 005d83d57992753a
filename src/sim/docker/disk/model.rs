//! A host's disk and the daemon's logging defaults, as data.
//!
//! Plain data (a leaf: it imports nothing that knows the world), so `World` and every lab
//! machine can hold a disk without importing its behaviour (src/sim/docker/disk/mod.rs: log
//! growth, rotation, the disk filling up, `df`/`du`/`systemctl`).

use crate::sim::ids::ContainerId;
use crate::sim::time::Millis;
use std::collections::BTreeMap;

/// A small VPS: 20 GB.
pub const DISK_SIZE_BYTES: u64 = 20_000_000_000;
/// What the OS, packages and the Docker Engine itself take before any image.
pub const OS_BASE_BYTES: u64 = 6_400_000_000;
/// The debug output of the course's chatty Node.js app (`LOG_LEVEL=debug`): every request, every
/// query, every cache lookup, about 150 kB/s.
pub const DEBUG_LOG_BYTES_PER_S: u64 = 150_000;
/// What json-file adds around each line: `{"log":"…\n","stream":"stdout","time":"…"}\n`
/// (moby's jsonfilelog.go counts 68 bytes of structure).
pub const JSON_LINE_OVERHEAD_BYTES: u64 = 68;
/// Where daemon defaults live.
pub const DAEMON_JSON: &str = "/etc/docker/daemon.json";

/// `HostConfig.LogConfig`: the driver and its options, fixed at create.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LogConfig {
    pub driver: String,
    pub options: BTreeMap<String, String>,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            driver: "json-file".to_string(),
            options: BTreeMap::new(),
        }
    }
}

/// How a log file is kept: `None` = grows without limit.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rotation {
    pub max_size_bytes: u64,
    pub max_file: u64,
}

impl LogConfig {
    /// The rotation this config asks for. Values were checked at start ([`check_values`]).
    pub fn rotation(&self) -> Option<Rotation> {
        let (default_size, default_files) = match self.driver.as_str() {
            // The `local` driver rotates by default: 20 MB, 5 files (docs: local driver).
            "local" => (Some(20_000_000), 5),
            _ => (None, 1),
        };
        let max_size_bytes = self
            .options
            .get("max-size")
            .and_then(|s| from_human_size(s).ok())
            .or(default_size)?;
        let max_file = self
            .options
            .get("max-file")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(default_files)
            .max(1);
        Some(Rotation {
            max_size_bytes,
            max_file,
        })
    }

    /// What `docker inspect` prints under `.HostConfig.LogConfig`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "Type": self.driver, "Config": self.options })
    }
}

/// One container's log file: bytes already written by the aggregated debug output, and the open
/// segment (since when, at what rate).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct LogFile {
    pub written_bytes: u64,
    pub since_ms: Millis,
    pub rate_bytes_per_s: u64,
}

/// One point of the disk chart.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Sample {
    pub at_ms: Millis,
    pub used_bytes: u64,
}

/// The daemon as a process: its defaults (from daemon.json when it last started) and whether it runs.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Daemon {
    pub log_config: LogConfig,
    pub running: bool,
    /// Why the last start failed (dockerd's message), shown by `systemctl status docker`.
    pub failure: Option<String>,
}

impl Default for Daemon {
    fn default() -> Self {
        Daemon {
            log_config: LogConfig::default(),
            running: true,
            failure: None,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Disk {
    pub size_bytes: u64,
    pub os_base_bytes: u64,
    pub logs: BTreeMap<ContainerId, LogFile>,
    pub full: bool,
    pub samples: Vec<Sample>,
    pub daemon: Daemon,
    /// Space taken by something outside Docker (a lab's `! fill-disk node-2`: another
    /// program's files), counted with the OS.
    pub filled_bytes: u64,
}

impl Default for Disk {
    fn default() -> Self {
        Disk {
            size_bytes: DISK_SIZE_BYTES,
            os_base_bytes: OS_BASE_BYTES,
            logs: BTreeMap::new(),
            full: false,
            samples: Vec::new(),
            daemon: Daemon::default(),
            filled_bytes: 0,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sizes

/// go-units `FromHumanSize` (decimal: `10m` = 10 000 000 bytes), which json-file uses for
/// `max-size`. Error: `invalid size: 'X'`.
pub fn from_human_size(text: &str) -> Result<u64, String> {
    let bad = || format!("invalid size: '{text}'");
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number.parse().map_err(|_| bad())?;
    let unit = unit.trim().to_ascii_lowercase();
    let unit = unit
        .strip_suffix("ib")
        .or_else(|| unit.strip_suffix('b'))
        .unwrap_or(&unit);
    let factor: f64 = match unit {
        "" => 1.0,
        "k" => 1e3,
        "m" => 1e6,
        "g" => 1e9,
        "t" => 1e12,
        "p" => 1e15,
        _ => return Err(bad()),
    };
    Ok((value * factor) as u64)
}
