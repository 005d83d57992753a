//! The lab's data: the host under the containers, Multipass VMs and the three "works on my
//! machine" hosts, as plain values.
//!
//! What real systems do: a Multipass instance is a VM with its own CPUs, memory and disk
//! (defaults 1 CPU, 1G memory, 5G disk; minimum 128M memory, 512M disk: multipass
//! `include/multipass/constants.h`, v1.15.1) that boots through firmware, a guest kernel, systemd
//! and cloud-init; Multipass prints sizes in binary units with one decimal.
//!
//! What we model: the host's capacity ([`HOST`]), each VM's size, state and boot stages, and
//! what each lab host last did with the app, with Multipass's size format and size argument.
//!
//! What we simplify: boot stages have fixed, typical durations; the guest OS's footprint is a
//! typical figure (≈ 290 MiB of memory, ≈ 2 GiB of disk). A leaf: nothing here knows the
//! `World` (which holds a [`Lab`]); the commands that change it are in multipass.rs and ssh.rs.

use std::collections::BTreeMap;

use crate::sim::order::CollectOrdered;
use crate::sim::time::{Millis, SECOND_MS};

pub const KIB: u64 = 1024;
pub const MIB: u64 = 1024 * KIB;
pub const GIB: u64 = 1024 * MIB;

/// The simulated host. The kernel string is the one nginx's log prints in this simulation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct HostSpec {
    pub cpus: u32,
    pub memory_bytes: u64,
    pub disk_bytes: u64,
    pub kernel: &'static str,
    pub os: &'static str,
    /// What the host's own OS uses before anything is placed on it (approximate).
    pub os_memory_bytes: u64,
    pub os_disk_bytes: u64,
}

pub const HOST: HostSpec = HostSpec {
    cpus: 8,
    memory_bytes: 16 * GIB,
    disk_bytes: 256 * GIB,
    kernel: "Linux 6.8.0-51-generic",
    os: "Ubuntu 24.04.1 LTS",
    os_memory_bytes: 900 * MIB,
    os_disk_bytes: 12 * GIB,
};

/// Multipass defaults and minimums (`include/multipass/constants.h`, v1.15.1).
pub const DEFAULT_CPUS: u32 = 1;
pub const DEFAULT_MEMORY_BYTES: u64 = GIB;
pub const DEFAULT_DISK_BYTES: u64 = 5 * GIB;
pub const MIN_MEMORY_BYTES: u64 = 128 * MIB;
pub const MIN_DISK_BYTES: u64 = 512 * MIB;

/// What a booted Ubuntu guest uses before any app runs (approximate: `multipass info` on a fresh
/// 24.04 instance shows about this much).
pub const GUEST_OS_MEMORY_BYTES: u64 = 290 * MIB;
pub const GUEST_OS_DISK_BYTES: u64 = 2 * GIB;

/// A Multipass image the lab knows: aliases, `multipass list`'s Image column, the guest kernel.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct VmImage {
    pub names: &'static [&'static str],
    pub release: &'static str,
    pub full_release: &'static str,
    pub guest_kernel: &'static str,
}

pub const VM_IMAGES: &[VmImage] = &[
    VmImage {
        names: &["24.04", "noble", "lts", "default"],
        release: "24.04 LTS",
        full_release: "Ubuntu 24.04.1 LTS",
        guest_kernel: "Linux 6.8.0-49-generic",
    },
    VmImage {
        names: &["22.04", "jammy"],
        release: "22.04 LTS",
        full_release: "Ubuntu 22.04.5 LTS",
        guest_kernel: "Linux 5.15.0-126-generic",
    },
];

/// One boot stage: what the guest is doing, and how long it takes (approximate, typical of a
/// small cloud image under KVM).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BootStage {
    pub what: &'static str,
    pub duration_ms: Millis,
}

/// First boot: cloud-init configures the instance (users, keys, packages), which is most of it.
pub const FIRST_BOOT: &[BootStage] = &[
    BootStage {
        what: "firmware and boot loader",
        duration_ms: 3 * SECOND_MS,
    },
    BootStage {
        what: "guest kernel boot",
        duration_ms: 5 * SECOND_MS,
    },
    BootStage {
        what: "systemd starting the guest's services",
        duration_ms: 7 * SECOND_MS,
    },
    BootStage {
        what: "cloud-init first-boot configuration",
        duration_ms: 20 * SECOND_MS,
    },
];

/// A later boot (`multipass start`): no first-boot configuration.
pub const REBOOT: &[BootStage] = &[
    BootStage {
        what: "firmware and boot loader",
        duration_ms: 3 * SECOND_MS,
    },
    BootStage {
        what: "guest kernel boot",
        duration_ms: 5 * SECOND_MS,
    },
    BootStage {
        what: "systemd starting the guest's services",
        duration_ms: 7 * SECOND_MS,
    },
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VmState {
    Starting,
    Running,
    Stopped,
    Deleted,
}

impl VmState {
    /// Multipass's words (`format_utils.cpp` `status_string_for`).
    pub fn as_str(self) -> &'static str {
        match self {
            VmState::Starting => "Starting",
            VmState::Running => "Running",
            VmState::Stopped => "Stopped",
            VmState::Deleted => "Deleted",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Vm {
    pub name: String,
    pub image: VmImage,
    pub cpus: u32,
    pub memory_bytes: u64,
    pub disk_bytes: u64,
    pub state: VmState,
    pub ipv4: String,
    /// Which boot this is; a boot event of an earlier boot is stale.
    pub boot: u32,
    /// Index into the boot stages while `Starting`.
    pub stage: usize,
    pub first_boot: bool,
    pub boot_started_ms: Millis,
    /// How long the last completed boot took.
    pub last_boot_ms: Option<Millis>,
    pub launched: bool,
}

impl Vm {
    pub fn stages(&self) -> &'static [BootStage] {
        if self.first_boot { FIRST_BOOT } else { REBOOT }
    }

    pub fn boot_total_ms(&self) -> Millis {
        self.stages().iter().map(|s| s.duration_ms).sum()
    }

    /// 0.0…1.0 through the current boot.
    pub fn boot_progress(&self, now_ms: Millis) -> f64 {
        match self.state {
            VmState::Starting => {
                let total = self.boot_total_ms().max(1);
                (now_ms.saturating_sub(self.boot_started_ms) as f64 / total as f64).min(1.0)
            }
            VmState::Running => 1.0,
            _ => 0.0,
        }
    }

    /// Holds the host's memory and CPUs (booting or running).
    pub fn is_up(&self) -> bool {
        matches!(self.state, VmState::Starting | VmState::Running)
    }

    /// Disk the instance uses on the host: its image with the guest OS, until purged.
    pub fn disk_used_bytes(&self) -> u64 {
        GUEST_OS_DISK_BYTES.min(self.disk_bytes)
    }
}

/// One of the "works on my machine" hosts.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Machine {
    pub name: String,
    pub role: &'static str,
    /// `node --version` on that host.
    pub node_version: &'static str,
    /// The last run of the app from source (`ssh HOST node server.js`).
    pub from_source: Option<AppRun>,
    /// The last run of the app from the image (`ssh HOST docker run … notes-api:1.0`).
    pub from_image: Option<AppRun>,
}

/// What one run of the app did on one host.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AppRun {
    pub ok: bool,
    /// The Node.js that ran it.
    pub node_version: String,
    /// One line: `notes-api listening on :3000` or `TypeError: notes.findLast is not a function`.
    pub summary: String,
    pub at_ms: Millis,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Lab {
    pub vms: BTreeMap<String, Vm>,
    pub next_ip: u8,
    pub next_boot: u32,
    pub machines: BTreeMap<String, Machine>,
}

impl Default for Lab {
    fn default() -> Self {
        let machines = [
            ("laptop", "your laptop", "v22.11.0"),
            ("ci", "the CI runner", "v20.18.1"),
            ("prod", "the production server", "v16.20.2"),
        ]
        .into_iter()
        .map(|(name, role, node_version)| {
            (
                name.to_string(),
                Machine {
                    name: name.to_string(),
                    role,
                    node_version,
                    from_source: None,
                    from_image: None,
                },
            )
        })
        .collect_map();
        Lab {
            vms: BTreeMap::new(),
            next_ip: 2,
            next_boot: 1,
            machines,
        }
    }
}

/// Multipass's size format (`MemorySize::human_readable`, one decimal, binary units).
pub fn multipass_size(bytes: u64) -> String {
    for (unit, suffix) in [(GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")] {
        if bytes >= unit {
            return format!("{:.1}{suffix}", bytes as f64 / unit as f64);
        }
    }
    format!("{bytes}B")
}

/// Multipass's size argument: `2G`, `512M`, `1024K`, `10GiB`, plain bytes. Units are binary.
pub fn parse_multipass_size(text: &str) -> Option<u64> {
    let lower = text.to_ascii_lowercase();
    let trimmed = lower
        .strip_suffix("ib")
        .or_else(|| lower.strip_suffix('b'))
        .unwrap_or(&lower);
    let (number, unit) = match trimmed.chars().last()? {
        'k' => (&trimmed[..trimmed.len() - 1], KIB),
        'm' => (&trimmed[..trimmed.len() - 1], MIB),
        'g' => (&trimmed[..trimmed.len() - 1], GIB),
        _ => (trimmed, 1),
    };
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    Some((value * unit as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_print_like_multipass() {
        assert_eq!(parse_multipass_size("2G"), Some(2 * GIB));
        assert_eq!(parse_multipass_size("512M"), Some(512 * MIB));
        assert_eq!(parse_multipass_size("10GiB"), Some(10 * GIB));
        assert_eq!(parse_multipass_size("1.5g"), Some(3 * GIB / 2));
        assert_eq!(parse_multipass_size("lots"), None);
        assert_eq!(multipass_size(2 * GIB), "2.0GiB");
        assert_eq!(multipass_size(290 * MIB), "290.0MiB");
    }
}
