//! The machine under the containers: one host with its kernel, CPUs, memory and disk; virtual
//! machines placed on it with Canonical Multipass; and three more hosts (`laptop`, `ci`, `prod`)
//! for "works on my machine".
//!
//! What real systems do, and we model:
//! - A VM boots its own kernel and OS. `multipass launch 24.04 --name vm1 --cpus 2 --memory 2G
//!   --disk 10G` creates an instance (defaults 1 CPU, 1G memory, 5G disk; minimum 128M memory,
//!   512M disk: multipass `include/multipass/constants.h`, v1.15.1), boots it through firmware,
//!   the guest kernel, systemd and cloud-init, and returns only when the instance is up, printing
//!   `Launched: vm1`. The memory it was given is held by the hypervisor for the guest's whole life;
//!   its disk image holds a whole guest OS. `multipass list` / `info` / `stop` / `start` /
//!   `delete` / `purge` use Multipass's own table formats and error words (`src/client/cli/
//!   formatter/table_formatter.cpp`, `src/daemon/daemon.cpp`); a deleted instance keeps its disk
//!   until `purge`.
//! - A container is a process tree on the host's kernel: it costs the memory its processes use
//!   (a few MB for nginx, tens of MB for Node.js), starts as fast as a process starts, and its
//!   image's layers are stored once on disk however many containers use them.
//! - "Works on my machine": the same `server.js` run with each host's own Node.js behaves
//!   differently (Node 16 has no `Array.prototype.findLast`, added in Node 18 / V8 9.7); run from an
//!   image, the runtime travels with the app, so the result is the same on every host.
//!
//! What we simplify: boot stages have fixed, typical durations (tens of seconds, labelled
//! approximate in the picture); `multipass stop` completes at once; the image is already in
//! Multipass's cache (no download); the guest OS's footprint is a typical figure (≈ 290 MiB of
//! memory, ≈ 2 GiB of disk after first boot) rather than measured; memory footprints of container
//! programs are typical `docker stats` figures. The three lab hosts run only the course image
//! `notes-api:1.0`, and they are not a cluster: a later page adds swarm nodes.

use std::collections::BTreeMap;

use super::docker::container::{Container, Status};
use super::docker::error::DockerError;
use super::docker::image::{self, content_digest};
use super::event::Event;
use super::hostfs::{self, PROJECT_DIR};
use super::record::Record;
use super::time::{Millis, SECOND_MS};
use super::world::{Waiter, World};

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
        .collect();
        Lab {
            vms: BTreeMap::new(),
            next_ip: 2,
            next_boot: 1,
            machines,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Footprints and totals

/// What a container's processes typically use in memory, from its main program (approximate
/// `docker stats` MEM USAGE of an idle container).
pub fn container_memory_bytes(c: &Container) -> u64 {
    if !matches!(
        c.status(),
        Status::Running | Status::Paused | Status::Restarting
    ) {
        return 0;
    }
    let argv = c.config.argv().join(" ");
    let has = |word: &str| argv.split([' ', '/']).any(|w| w == word);
    if has("nginx") {
        8 * MIB
    } else if has("redis-server") {
        4 * MIB
    } else if has("postgres") {
        30 * MIB
    } else if has("node") {
        48 * MIB
    } else if has("traefik") {
        25 * MIB
    } else if has("python3") || has("python") {
        12 * MIB
    } else {
        // sh, sleep, busybox tools: well under a megabyte each.
        600 * KIB
    }
}

/// How much of the host a group of things uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Usage {
    pub count: usize,
    /// vCPUs handed to VMs; containers get no reservation (they share all CPUs unless `--cpus`).
    pub cpus: u32,
    pub memory_bytes: u64,
    pub disk_bytes: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Totals {
    pub host: HostSpec,
    pub vms: Usage,
    pub containers: Usage,
}

impl Totals {
    pub fn used_memory_bytes(&self) -> u64 {
        self.host.os_memory_bytes + self.vms.memory_bytes + self.containers.memory_bytes
    }
    pub fn free_memory_bytes(&self) -> u64 {
        self.host
            .memory_bytes
            .saturating_sub(self.used_memory_bytes())
    }
    pub fn used_disk_bytes(&self) -> u64 {
        self.host.os_disk_bytes + self.vms.disk_bytes + self.containers.disk_bytes
    }
    pub fn free_disk_bytes(&self) -> u64 {
        self.host.disk_bytes.saturating_sub(self.used_disk_bytes())
    }
    /// vCPUs promised to VMs beyond the host's CPUs (allowed: the hypervisor time-shares them).
    pub fn free_cpus(&self) -> u32 {
        self.host.cpus.saturating_sub(self.vms.cpus)
    }
    pub fn memory_overcommitted(&self) -> bool {
        self.used_memory_bytes() > self.host.memory_bytes
    }
}

/// Used and free CPU, memory and disk on the host, VMs beside containers.
pub fn totals(world: &World) -> Totals {
    let mut vms = Usage::default();
    for vm in world.lab.vms.values() {
        vms.count += 1;
        vms.disk_bytes += vm.disk_used_bytes();
        if vm.is_up() {
            vms.cpus += vm.cpus;
            vms.memory_bytes += vm.memory_bytes;
        }
    }
    let mut containers = Usage::default();
    for c in world.engine.containers.values() {
        containers.count += 1;
        containers.memory_bytes += container_memory_bytes(c);
    }
    // A layer is stored once, however many images, tags and containers use it.
    containers.disk_bytes = world.engine.images.unique_layers().values().sum();
    Totals {
        host: HOST,
        vms,
        containers,
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

// ---------------------------------------------------------------------------------------------
// multipass

fn mp_error(command: &str, message: impl AsRef<str>) -> DockerError {
    // `standard_failure_handler_for`: "<command> failed: <message>"; exit code 2 for a gRPC
    // error (`return_code_for`: CommandFail).
    DockerError::new(format!("{command} failed: {}", message.as_ref()), 2)
}

fn cli_error(message: impl Into<String>) -> DockerError {
    // A command-line error (ParseCode::CommandLineError → ReturnCode::CommandLineError = 1).
    DockerError::new(message, 1)
}

/// Takes the value of a `-x VALUE` / `--long VALUE` / `--long=VALUE` option out of `args`.
fn take_option(
    args: &mut Vec<String>,
    short: &str,
    long: &str,
) -> Result<Option<String>, DockerError> {
    let Some(i) = args
        .iter()
        .position(|a| a == short || a == long || a.starts_with(&format!("{long}=")))
    else {
        return Ok(None);
    };
    let flag = args.remove(i);
    if let Some((_, value)) = flag.split_once('=') {
        return Ok(Some(value.to_string()));
    }
    if i < args.len() {
        Ok(Some(args.remove(i)))
    } else {
        // QCommandLineParser's wording.
        Err(cli_error(format!(
            "Missing value after '{}'.",
            flag.trim_start_matches('-')
        )))
    }
}

fn take_flag(args: &mut Vec<String>, names: &[&str]) -> bool {
    let before = args.len();
    args.retain(|a| !names.contains(&a.as_str()));
    args.len() != before
}

/// `multipass <command> …` on the host.
pub fn multipass(world: &mut World, args: &[String], rec: &mut Record) -> Result<(), DockerError> {
    let Some(command) = args.first().map(String::as_str) else {
        rec.out(MULTIPASS_HELP);
        return Ok(());
    };
    let mut rest: Vec<String> = args[1..].to_vec();
    match command {
        "launch" => launch(world, &mut rest, rec),
        "list" | "ls" => {
            no_arguments(&rest)?;
            rec.out(list(world).trim_end_matches('\n'));
            Ok(())
        }
        "info" => info(world, &rest, rec),
        "stop" => each_instance(world, "stop", &rest, rec, stop),
        "start" => each_instance(world, "start", &rest, rec, start),
        "delete" => {
            let purge = take_flag(&mut rest, &["--purge", "-p"]);
            each_instance(world, "delete", &rest, rec, |w, name, rec| {
                delete(w, name, purge, rec)
            })
        }
        "purge" => {
            no_arguments(&rest)?;
            purge(world, rec);
            Ok(())
        }
        "help" | "--help" | "-h" => {
            rec.out(MULTIPASS_HELP);
            Ok(())
        }
        other => Err(cli_error(format!(
            "Error: unknown command '{other}'. Try 'multipass help' for the list of commands."
        ))),
    }
}

const MULTIPASS_HELP: &str = "Usage: multipass [options] <command>
Create, control and connect to Ubuntu instances (simulated by Dockyard).

Available commands:
  delete    Delete instances
  info      Display information about instances
  launch    Create and start an Ubuntu instance
  list      List all available instances
  purge     Purge all deleted instances permanently
  start     Start instances
  stop      Stop running instances";

fn no_arguments(rest: &[String]) -> Result<(), DockerError> {
    if rest.is_empty() {
        Ok(())
    } else {
        Err(cli_error("This command takes no arguments"))
    }
}

fn each_instance(
    world: &mut World,
    command: &str,
    names: &[String],
    rec: &mut Record,
    mut f: impl FnMut(&mut World, &str, &mut Record) -> Result<(), String>,
) -> Result<(), DockerError> {
    if names.is_empty() {
        return Err(cli_error("Name argument or --all is required".to_string()));
    }
    let mut errors = Vec::new();
    for name in names {
        if let Err(e) = f(world, name, rec) {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else if errors.len() == 1 {
        Err(mp_error(command, &errors[0]))
    } else {
        Err(mp_error(
            command,
            format!("The following errors occurred:\n{}", errors.join("\n")),
        ))
    }
}

fn valid_hostname(name: &str) -> bool {
    // multipass `utils::valid_hostname`: ^([a-zA-Z]|[a-zA-Z][a-zA-Z0-9\-]*[a-zA-Z0-9])$
    let bytes = name.as_bytes();
    match bytes {
        [] => false,
        [one] => one.is_ascii_alphabetic(),
        [first, middle @ .., last] => {
            first.is_ascii_alphabetic()
                && last.is_ascii_alphanumeric()
                && middle
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
    }
}

/// Multipass's generated names ("petnames"): an adjective and an animal.
fn petname(world: &mut World) -> String {
    const ADJECTIVES: &[&str] = &[
        "able", "brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lively",
        "merry", "nimble", "proud", "quick", "sturdy", "witty",
    ];
    const ANIMALS: &[&str] = &[
        "alpaca", "beaver", "cobra", "dingo", "egret", "ferret", "gecko", "heron", "ibex",
        "jackal", "koala", "lemur", "marten", "newt", "ocelot", "puffin",
    ];
    loop {
        let name = format!("{}-{}", world.rng.pick(ADJECTIVES), world.rng.pick(ANIMALS));
        if !world.lab.vms.contains_key(&name) {
            return name;
        }
    }
}

fn launch(world: &mut World, rest: &mut Vec<String>, rec: &mut Record) -> Result<(), DockerError> {
    let name = take_option(rest, "-n", "--name")?;
    let cpus_text = take_option(rest, "-c", "--cpus")?;
    let memory_text = take_option(rest, "-m", "--memory")?;
    let disk_text = take_option(rest, "-d", "--disk")?;
    if let Some(unknown) = rest.iter().find(|a| a.starts_with('-')) {
        return Err(cli_error(format!(
            "Unknown option '{}'.",
            unknown.trim_start_matches('-')
        )));
    }
    if rest.len() > 1 {
        return Err(cli_error("Too many arguments supplied"));
    }
    let image_name = rest
        .first()
        .cloned()
        .unwrap_or_else(|| "default".to_string());
    let Some(image) = VM_IMAGES
        .iter()
        .find(|i| i.names.contains(&image_name.as_str()))
        .copied()
    else {
        return Err(DockerError::new(
            format!(
                "dockyard: this lab has the images 24.04 (noble, lts) and 22.04 (jammy), not \"{image_name}\""
            ),
            1,
        ));
    };
    let cpus = match &cpus_text {
        None => DEFAULT_CPUS,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n >= 1 => n as u32,
            _ => {
                // launch.cpp
                return Err(cli_error(format!(
                    "Error: invalid CPU count '{text}', need a positive integer value."
                )));
            }
        },
    };
    // The daemon validates sizes and the name together and reports each problem on its own line.
    let mut details = Vec::new();
    let memory_bytes = match &memory_text {
        None => DEFAULT_MEMORY_BYTES,
        Some(text) => match parse_multipass_size(text) {
            Some(b) if b >= MIN_MEMORY_BYTES => b,
            _ => {
                details.push(format!("Invalid memory size value supplied: {text}."));
                0
            }
        },
    };
    let disk_bytes = match &disk_text {
        None => DEFAULT_DISK_BYTES,
        Some(text) => match parse_multipass_size(text) {
            Some(b) if b >= MIN_DISK_BYTES => b,
            _ => {
                details.push(format!("Invalid disk size value supplied: {text}."));
                0
            }
        },
    };
    if let Some(n) = &name
        && !valid_hostname(n)
    {
        details.push(format!("Invalid instance name supplied: {n}"));
    }
    if !details.is_empty() {
        return Err(mp_error(
            "launch",
            format!("Invalid arguments supplied\n{}", details.join("\n")),
        ));
    }
    let name = match name {
        Some(n) => n,
        None => petname(world),
    };
    if world.lab.vms.contains_key(&name) {
        return Err(mp_error(
            "launch",
            format!("instance \"{name}\" already exists"),
        ));
    }
    let ip = world.lab.next_ip;
    world.lab.next_ip = world.lab.next_ip.wrapping_add(1).max(2);
    let vm = Vm {
        name: name.clone(),
        image,
        cpus,
        memory_bytes,
        disk_bytes,
        state: VmState::Starting,
        ipv4: format!("10.86.153.{ip}"),
        boot: 0,
        stage: 0,
        first_boot: true,
        boot_started_ms: world.now_ms,
        last_boot_ms: None,
        launched: false,
    };
    world.lab.vms.insert(name.clone(), vm);
    begin_boot(world, &name);
    world.shell.waiting.push(Waiter::Vm { name: name.clone() });
    rec.touch(&name);
    rec.say(format!(
        "Multipass creates {name}: a virtual machine with {cpus} vCPU{}, {} of memory and a {} disk, and boots a whole Ubuntu {} in it — firmware, its own kernel ({}), systemd, cloud-init. The host sets aside {} of memory for it right away.",
        if cpus == 1 { "" } else { "s" },
        multipass_size(memory_bytes),
        multipass_size(disk_bytes),
        image.release,
        image.guest_kernel,
        multipass_size(memory_bytes),
    ));
    let total_s = world.lab.vms[&name].boot_total_ms() / SECOND_MS;
    rec.say(format!(
        "`multipass launch` waits until the guest is up: about {total_s} s (approximate). Step forward to watch it boot."
    ));
    Ok(())
}

fn begin_boot(world: &mut World, name: &str) {
    let boot = world.lab.next_boot;
    world.lab.next_boot += 1;
    let now = world.now_ms;
    let vm = world.lab.vms.get_mut(name).expect("caller checked");
    vm.state = VmState::Starting;
    vm.boot = boot;
    vm.stage = 0;
    vm.boot_started_ms = now;
    let first = vm.stages()[0].duration_ms;
    world.schedule_in(
        first,
        Event::VmBoot {
            vm: name.to_string(),
            boot,
            stage: 1,
        },
    );
}

/// A boot stage is over: move to the next, or the guest is up.
pub fn on_vm_boot(
    world: &mut World,
    name: &str,
    boot: u32,
    stage: usize,
    rec: &mut Record,
) -> bool {
    let now = world.now_ms;
    let Some(vm) = world.lab.vms.get_mut(name) else {
        return false;
    };
    if vm.boot != boot || vm.state != VmState::Starting {
        return false;
    }
    let stages = vm.stages();
    let done = stages[stage - 1];
    rec.touch(name);
    if stage < stages.len() {
        vm.stage = stage;
        let next = stages[stage];
        rec.title = format!("{name}: {}", next.what);
        rec.say(format!(
            "{name}: {} finished ({} s in); next: {}.",
            done.what,
            (now - vm.boot_started_ms) / SECOND_MS,
            next.what
        ));
        if stage == 1 {
            rec.say(format!(
                "This is a second kernel ({}) running on top of the host's ({}): the VM cannot share the host's.",
                vm.image.guest_kernel, HOST.kernel
            ));
        }
        let delay = next.duration_ms;
        world.schedule_in(
            delay,
            Event::VmBoot {
                vm: name.to_string(),
                boot,
                stage: stage + 1,
            },
        );
        return true;
    }
    let took = now - vm.boot_started_ms;
    vm.state = VmState::Running;
    vm.stage = stages.len();
    vm.last_boot_ms = Some(took);
    let first_launch = !vm.launched;
    vm.launched = true;
    vm.first_boot = false;
    rec.title = format!("{name} is running");
    rec.say(format!(
        "{name} is up after {} s. Its guest OS alone uses about {} of memory and {} of disk (approximate) before any app runs.",
        took / SECOND_MS,
        multipass_size(GUEST_OS_MEMORY_BYTES),
        multipass_size(GUEST_OS_DISK_BYTES)
    ));
    if let Some(i) = world
        .shell
        .waiting
        .iter()
        .position(|w| matches!(w, Waiter::Vm { name: n } if n == name))
    {
        world.shell.waiting.remove(i);
        if first_launch {
            rec.out(format!("Launched: {name}"));
        }
    }
    true
}

/// A `launch`/`start` still waiting for this instance gives the prompt back (its boot was cut short).
fn release_waiter(world: &mut World, name: &str) {
    world
        .shell
        .waiting
        .retain(|w| !matches!(w, Waiter::Vm { name: n } if n == name));
}

fn find_vm<'a>(world: &'a mut World, name: &str) -> Result<&'a mut Vm, String> {
    world
        .lab
        .vms
        .get_mut(name)
        .ok_or_else(|| format!("instance \"{name}\" does not exist"))
}

fn stop(world: &mut World, name: &str, rec: &mut Record) -> Result<(), String> {
    let vm = find_vm(world, name)?;
    match vm.state {
        VmState::Deleted => return Err(format!("instance \"{name}\" is deleted")),
        VmState::Stopped => {
            rec.say(format!("{name} is already stopped."));
            return Ok(());
        }
        VmState::Starting | VmState::Running => {}
    }
    vm.state = VmState::Stopped;
    vm.boot += 1000; // any boot event still pending is now stale
    rec.touch(name);
    rec.say(format!(
        "{name}'s guest OS shuts down and the hypervisor gives its {} of memory and {} vCPU{} back to the host. Its disk stays.",
        multipass_size(vm.memory_bytes),
        vm.cpus,
        if vm.cpus == 1 { "" } else { "s" }
    ));
    release_waiter(world, name);
    Ok(())
}

fn start(world: &mut World, name: &str, rec: &mut Record) -> Result<(), String> {
    let vm = find_vm(world, name)?;
    match vm.state {
        VmState::Deleted => return Err(format!("instance \"{name}\" is deleted")),
        VmState::Running | VmState::Starting => {
            rec.say(format!(
                "{name} is already {}.",
                vm.state.as_str().to_lowercase()
            ));
            return Ok(());
        }
        VmState::Stopped => {}
    }
    begin_boot(world, name);
    world.shell.waiting.push(Waiter::Vm {
        name: name.to_string(),
    });
    let total_s = world.lab.vms[name].boot_total_ms() / SECOND_MS;
    rec.touch(name);
    rec.say(format!(
        "{name} boots again: firmware, kernel, systemd — about {total_s} s (approximate). The host reserves its memory again."
    ));
    Ok(())
}

fn delete(world: &mut World, name: &str, purge: bool, rec: &mut Record) -> Result<(), String> {
    let vm = find_vm(world, name)?;
    if purge {
        let disk = vm.disk_used_bytes();
        world.lab.vms.remove(name);
        release_waiter(world, name);
        rec.say(format!(
            "{name} is deleted and purged: its {} disk image is gone from the host.",
            multipass_size(disk)
        ));
        return Ok(());
    }
    vm.state = VmState::Deleted;
    vm.boot += 1000;
    release_waiter(world, name);
    rec.touch(name);
    rec.say(format!(
        "{name} is deleted but not purged: it stops and frees its memory, yet its disk image stays on the host (it can still be recovered) until `multipass purge`."
    ));
    Ok(())
}

fn purge(world: &mut World, rec: &mut Record) {
    let deleted: Vec<String> = world
        .lab
        .vms
        .values()
        .filter(|v| v.state == VmState::Deleted)
        .map(|v| v.name.clone())
        .collect();
    for name in &deleted {
        world.lab.vms.remove(name);
    }
    if deleted.is_empty() {
        rec.say("No deleted instances to purge.");
    } else {
        rec.say(format!(
            "Purged {}: their disk images are removed from the host.",
            deleted.join(", ")
        ));
    }
}

/// `multipass list` (`generate_instances_list`).
pub fn list(world: &World) -> String {
    if world.lab.vms.is_empty() {
        return "No instances found.\n".to_string();
    }
    let name_width = world
        .lab
        .vms
        .keys()
        .map(|n| n.len() + 3)
        .chain([4 + 3, 24])
        .max()
        .unwrap_or(24);
    let row = |a: &str, b: &str, c: &str, d: &str| format!("{a:<name_width$}{b:<18}{c:<17}{d}\n");
    let mut out = row("Name", "State", "IPv4", "Image");
    for vm in world.lab.vms.values() {
        let ip = if vm.state == VmState::Running {
            vm.ipv4.as_str()
        } else {
            "--"
        };
        let image = if vm.launched || vm.state == VmState::Running {
            format!("Ubuntu {}", vm.image.release)
        } else {
            "Not Available".to_string()
        };
        out.push_str(&row(&vm.name, vm.state.as_str(), ip, &image));
    }
    out
}

fn info(world: &mut World, names: &[String], rec: &mut Record) -> Result<(), DockerError> {
    if names.is_empty() {
        return Err(cli_error("Name argument or --all is required"));
    }
    let missing: Vec<String> = names
        .iter()
        .filter(|n| !world.lab.vms.contains_key(*n))
        .map(|n| format!("instance \"{n}\" does not exist"))
        .collect();
    if !missing.is_empty() {
        return Err(mp_error(
            "info",
            if missing.len() == 1 {
                missing[0].clone()
            } else {
                format!("The following errors occurred:\n{}", missing.join("\n"))
            },
        ));
    }
    let mut blocks = Vec::new();
    for name in names {
        let vm = &world.lab.vms[name];
        blocks.push(info_block(vm));
        rec.touch(name);
    }
    rec.out(blocks.join("\n").trim_end_matches('\n'));
    rec.say("A VM's memory is what its guest OS uses out of what the host handed it; the rest stays reserved for the guest anyway.");
    Ok(())
}

/// One instance in `multipass info` (`generate_instance_details`).
pub fn info_block(vm: &Vm) -> String {
    let running = vm.state == VmState::Running;
    let field = |k: &str, v: &str| format!("{k:<16}{v}\n");
    let usage = |used: u64, total: u64| {
        if running {
            format!("{} out of {}", multipass_size(used), multipass_size(total))
        } else {
            "--".to_string()
        }
    };
    let hash = content_digest(&format!("multipass-image:{}", vm.image.release));
    let mut out = String::new();
    out += &field("Name:", &vm.name);
    out += &field("State:", vm.state.as_str());
    out += &field("Snapshots:", "0");
    out += &field("IPv4:", if running { &vm.ipv4 } else { "--" });
    out += &field(
        "Release:",
        if vm.launched || running {
            vm.image.full_release
        } else {
            "--"
        },
    );
    out += &field(
        "Image hash:",
        &format!("{} (Ubuntu {})", &hash[..12], vm.image.release),
    );
    out += &field(
        "CPU(s):",
        &if running {
            vm.cpus.to_string()
        } else {
            "--".to_string()
        },
    );
    out += &field("Load:", if running { "0.00 0.00 0.00" } else { "--" });
    // The guest sees a little less than it was given (partition table, kernel reservations).
    out += &field(
        "Disk usage:",
        &usage(vm.disk_used_bytes(), vm.disk_bytes / 100 * 96),
    );
    out += &field(
        "Memory usage:",
        &usage(GUEST_OS_MEMORY_BYTES, vm.memory_bytes / 100 * 96),
    );
    out += &field("Mounts:", "--");
    out
}

// ---------------------------------------------------------------------------------------------
// "Works on my machine": ssh to laptop, ci, prod

/// Node.js features a script may use, and the first major version that has them.
/// (Node changelogs: findLast/findLastIndex 18.0.0 (V8 10.1); toSorted/toReversed 20.0.0
/// (V8 11.3); structuredClone 17.0.0; global fetch 18.0.0.)
const METHOD_FEATURES: &[(&str, u32)] = &[
    ("findLastIndex", 18),
    ("findLast", 18),
    ("toSorted", 20),
    ("toReversed", 20),
];
const GLOBAL_FEATURES: &[(&str, u32)] = &[("structuredClone", 17), ("fetch", 18)];

/// The major version of `v16.20.2`.
fn major(version: &str) -> u32 {
    version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0)
}

/// What `node server.js` prints and whether it keeps running, for a script and a Node version.
pub fn run_script(path: &str, source: &str, node_version: &str) -> (bool, Vec<String>) {
    let have = major(node_version);
    for (index, line) in source.lines().enumerate() {
        let line_no = index + 1;
        for (method, since) in METHOD_FEATURES {
            let needle = format!(".{method}(");
            let Some(at) = line.find(&needle) else {
                continue;
            };
            if have >= *since {
                continue;
            }
            let receiver: String = line[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$' || *c == '.')
                .collect::<String>()
                .chars()
                .rev()
                .collect();
            // V8 points at the property name; the stack's column is 1-based.
            let column = at + 2;
            return (
                false,
                node_crash(
                    path,
                    line_no,
                    line,
                    column,
                    &format!("TypeError: {receiver}.{method} is not a function"),
                    have,
                    node_version,
                ),
            );
        }
        for (global, since) in GLOBAL_FEATURES {
            let needle = format!("{global}(");
            let Some(at) = line.find(&needle) else {
                continue;
            };
            let before = line[..at].chars().last();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') {
                continue;
            }
            if have >= *since {
                continue;
            }
            return (
                false,
                node_crash(
                    path,
                    line_no,
                    line,
                    at + 1,
                    &format!("ReferenceError: {global} is not defined"),
                    have,
                    node_version,
                ),
            );
        }
    }
    let listening = source
        .lines()
        .find_map(|l| {
            let start = l.find("console.log('")? + "console.log('".len();
            let end = l[start..].find('\'')?;
            Some(l[start..start + end].to_string())
        })
        .unwrap_or_else(|| "(the script ran without output)".to_string());
    (true, vec![listening])
}

/// An uncaught exception as Node prints it: the source line with a caret, the error, the stack.
/// Node 17+ add a `Node.js vX` line at the end; 16 does not. The loader's line numbers are those
/// of Node 16.20 (typical, not captured from a run).
fn node_crash(
    path: &str,
    line_no: usize,
    line: &str,
    column: usize,
    error: &str,
    major: u32,
    version: &str,
) -> Vec<String> {
    let mut out = vec![
        format!("{path}:{line_no}"),
        line.to_string(),
        format!("{}^", " ".repeat(column.saturating_sub(1))),
        String::new(),
        error.to_string(),
        format!("    at Object.<anonymous> ({path}:{line_no}:{column})"),
        "    at Module._compile (node:internal/modules/cjs/loader:1198:14)".to_string(),
        "    at Object.Module._extensions..js (node:internal/modules/cjs/loader:1252:10)"
            .to_string(),
        "    at Module.load (node:internal/modules/cjs/loader:1076:32)".to_string(),
        "    at Function.Module._load (node:internal/modules/cjs/loader:911:12)".to_string(),
        "    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:81:12)"
            .to_string(),
        "    at node:internal/main/run_main_module:22:47".to_string(),
    ];
    if major >= 17 {
        out.push(String::new());
        out.push(format!("Node.js {version}"));
    }
    out
}

/// The Node.js version an image of the project carries: from the Dockerfile's `FROM node:N…`
/// if there is one, else the course image's `node:22-alpine`.
pub fn image_node_version(world: &World) -> String {
    let major = world
        .fs
        .read(&format!("{PROJECT_DIR}/Dockerfile"))
        .ok()
        .and_then(|text| {
            text.lines().find_map(|l| {
                let l = l.trim();
                let from = l
                    .strip_prefix("FROM ")
                    .or_else(|| l.strip_prefix("from "))?;
                let tag = from.trim().strip_prefix("node:")?;
                tag.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse::<u32>()
                    .ok()
            })
        })
        .unwrap_or(22);
    match major {
        22 => "v22.11.0".to_string(),
        20 => "v20.18.1".to_string(),
        18 => "v18.20.5".to_string(),
        16 => "v16.20.2".to_string(),
        n => format!("v{n}.0.0"),
    }
}

/// `ssh HOST COMMAND…` to one of the lab hosts.
pub fn ssh(world: &mut World, args: &[String], rec: &mut Record) -> Result<(), DockerError> {
    let Some(host) = args.first() else {
        return Err(DockerError::new(
            "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]\n           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]\n           [-J destination] [-L address] [-l login_name] [-m mac_spec]\n           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]\n           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]\n           destination [command [argument ...]]",
            255,
        ));
    };
    let host = host.rsplit('@').next().unwrap_or(host).to_string();
    // A machine of the swarm lab, with its own engine: `ssh node-2 docker ps` runs the command
    // there; `ssh node-2` alone moves the terminal there until `exit`.
    if world.swarm.machines.contains_key(&host) {
        if !world.swarm.machines[&host].up {
            return Err(DockerError::new(
                format!("ssh: connect to host {host} port 22: No route to host"),
                255,
            ));
        }
        rec.touch(&host);
        if args.len() == 1 {
            return log_in(world, &host, rec);
        }
        let line = shell_words::join(&args[1..]);
        return world
            .on_host(&host, |w| crate::sim::shell::run_line(w, &line, rec))
            .unwrap_or(Ok(()));
    }
    if !world.lab.machines.contains_key(&host) {
        return Err(DockerError::new(
            format!("ssh: Could not resolve hostname {host}: Name or service not known"),
            255,
        ));
    }
    let command: Vec<String> = args[1..].to_vec();
    let Some(program) = command.first().map(String::as_str) else {
        return Err(DockerError::new(
            "dockyard: interactive ssh sessions are not simulated; give the command to run, e.g. `ssh prod node --version`",
            1,
        ));
    };
    rec.touch(&host);
    match program {
        "node" => ssh_node(world, &host, &command[1..], rec),
        "npm" if command.get(1).map(String::as_str) == Some("start") => {
            rec.out("");
            rec.out("> notes-api@1.0.0 start");
            rec.out("> node server.js");
            rec.out("");
            ssh_node(world, &host, &["server.js".to_string()], rec)
        }
        "docker" => ssh_docker(world, &host, &command[1..], rec),
        other => Err(DockerError::new(
            format!("bash: line 1: {other}: command not found"),
            127,
        )),
    }
}

/// `ssh node-2` without a command: the terminal's shell now runs on node-2 (its engine, its
/// files are the lab's shared project folder) until `exit`.
fn log_in(world: &mut World, host: &str, rec: &mut Record) -> Result<(), DockerError> {
    let from = world.swarm.local.clone();
    if host == from {
        rec.say(format!("This terminal is already on {host}."));
        return Ok(());
    }
    if !world.mount(host) {
        return Err(DockerError::new(
            format!("ssh: Could not resolve hostname {host}: Name or service not known"),
            255,
        ));
    }
    world.shell.hops.push(from.clone());
    world.swarm.local = host.to_string();
    rec.out(format!(
        "Welcome to {} (GNU/{} x86_64)",
        HOST.os, HOST.kernel
    ));
    rec.say(format!(
        "The terminal is now a shell on {host}: `docker …` talks to {host}'s own engine (its containers, images, volumes). `exit` comes back to {from}."
    ));
    Ok(())
}

/// `exit`: leaves the `ssh` session the terminal is in, back to the machine it came from.
pub fn exit(world: &mut World, rec: &mut Record) -> Result<(), DockerError> {
    let Some(back) = world.shell.hops.pop() else {
        return Err(DockerError::new(
            "dockyard: this terminal is the lab's own shell, not an ssh session: there is nothing to exit to",
            1,
        ));
    };
    let left = world.swarm.local.clone();
    world.mount(&back);
    world.swarm.local = back.clone();
    rec.out("logout");
    rec.out(format!("Connection to {left} closed."));
    rec.touch(&back);
    rec.say(format!("Back on {back}."));
    Ok(())
}

fn ssh_node(
    world: &mut World,
    host: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    let machine = &world.lab.machines[host];
    let version = machine.node_version;
    let role = machine.role;
    match args.first().map(String::as_str) {
        Some("--version") | Some("-v") => {
            rec.out(version);
            rec.say(format!(
                "{host} ({role}) has Node.js {version} installed: whatever its admin installed, whenever."
            ));
            Ok(())
        }
        Some(script) => {
            // The same commit is checked out at the same path on every host.
            let path = hostfs::normalise(PROJECT_DIR, script);
            let Ok(source) = world.fs.read(&path).map(str::to_string) else {
                let mut lines = vec![
                    "node:internal/modules/cjs/loader:1080".to_string(),
                    "  throw err;".to_string(),
                    "  ^".to_string(),
                    String::new(),
                    format!("Error: Cannot find module '{path}'"),
                ];
                if major(version) >= 17 {
                    lines.push(String::new());
                    lines.push(format!("Node.js {version}"));
                }
                return Err(DockerError::new(lines.join("\n"), 1));
            };
            let (ok, lines) = run_script(&path, &source, version);
            let summary = if ok {
                lines[0].clone()
            } else {
                lines[4].clone()
            };
            let now = world.now_ms;
            world
                .lab
                .machines
                .get_mut(host)
                .expect("checked")
                .from_source = Some(AppRun {
                ok,
                node_version: version.to_string(),
                summary: summary.clone(),
                at_ms: now,
            });
            if ok {
                rec.out(lines.join("\n"));
                rec.say(format!(
                    "From source, the app runs on {host}'s own Node.js {version}: it starts (`{summary}`). (Dockyard lets the server run on and gives you the prompt back.)"
                ));
                Ok(())
            } else {
                rec.say(format!(
                    "Same code, different result: {host} has Node.js {version}, which does not have what server.js uses. \"Works on my machine\" — because each machine brings its own runtime."
                ));
                // The run is recorded on the host: keep that state change.
                Err(DockerError::new(lines.join("\n"), 1).keeping_state())
            }
        }
        None => Err(DockerError::new(
            "dockyard: the interactive Node.js REPL is not simulated; run a script, e.g. `ssh prod node server.js`",
            1,
        )),
    }
}

/// The course image the lab hosts have in their registry.
pub const LAB_IMAGE: &str = "notes-api";

fn ssh_docker(
    world: &mut World,
    host: &str,
    args: &[String],
    rec: &mut Record,
) -> Result<(), DockerError> {
    if args.first().map(String::as_str) != Some("run") {
        return Err(DockerError::new(
            "dockyard: on the lab hosts only `docker run … notes-api:1.0` is simulated",
            1,
        ));
    }
    // Flags with a value, then the first positional word is the image.
    let mut i = 1;
    let mut image_arg = None;
    while i < args.len() {
        let a = &args[i];
        if matches!(
            a.as_str(),
            "-p" | "--publish" | "--name" | "-e" | "--env" | "--restart"
        ) {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        image_arg = Some(a.clone());
        break;
    }
    let Some(image_arg) = image_arg else {
        return Err(DockerError::new(
            "docker: 'docker run' requires at least 1 argument\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nSee 'docker run --help' for more information",
            1,
        ));
    };
    let reference = image::ImageRef::parse(&image_arg).map_err(|e| DockerError::new(e, 125))?;
    if reference.repo != LAB_IMAGE || reference.tag != "1.0" {
        return Err(DockerError::new(
            format!(
                "dockyard: the lab hosts have only the course image notes-api:1.0 (not {})",
                reference.full()
            ),
            125,
        ));
    }
    let version = image_node_version(world);
    let path = "/app/server.js";
    let source = world
        .fs
        .read(&format!("{PROJECT_DIR}/server.js"))
        .map(str::to_string)
        .unwrap_or_default();
    let (ok, lines) = run_script(path, &source, &version);
    let summary = if ok {
        lines[0].clone()
    } else {
        lines[4].clone()
    };
    let now = world.now_ms;
    let host_node = world.lab.machines[host].node_version;
    world
        .lab
        .machines
        .get_mut(host)
        .expect("checked")
        .from_image = Some(AppRun {
        ok,
        node_version: version.clone(),
        summary: summary.clone(),
        at_ms: now,
    });
    let id = world.rng.hex(64);
    rec.out(id);
    if ok {
        rec.say(format!(
            "From the image, {host} runs the app with the Node.js {version} inside the image — its own Node.js {host_node} is never used. Result: `{summary}`, the same on every host that runs this image."
        ));
    } else {
        rec.say(format!(
            "The container started and its process exited: the image's Node.js {version} lacks what server.js uses (`{summary}`). It fails the same way on every host — an image makes behaviour consistent, not correct."
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Checks a scenario can state about the lab (sim/check.rs delegates here)

/// `vm vm1 is running` (or starting, stopped, deleted, purged); `host prod source fails`,
/// `host ci image works`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum LabCheck {
    VmState {
        name: String,
        state: Option<VmState>,
    },
    AppRun {
        host: String,
        from_image: bool,
        ok: bool,
    },
}

impl LabCheck {
    /// `None` when the sentence is not about the lab.
    pub fn parse(words: &[&str]) -> Option<Result<LabCheck, String>> {
        match words {
            ["vm", name, "is", state] => Some(
                match *state {
                    "starting" => Ok(Some(VmState::Starting)),
                    "running" => Ok(Some(VmState::Running)),
                    "stopped" => Ok(Some(VmState::Stopped)),
                    "deleted" => Ok(Some(VmState::Deleted)),
                    "purged" => Ok(None),
                    other => Err(format!(
                        "`{other}` is not a VM state (starting, running, stopped, deleted, purged)"
                    )),
                }
                .map(|state| LabCheck::VmState {
                    name: name.to_string(),
                    state,
                }),
            ),
            ["host", host, how, result] if matches!(*how, "source" | "image") => {
                Some(match *result {
                    "works" | "fails" => Ok(LabCheck::AppRun {
                        host: host.to_string(),
                        from_image: *how == "image",
                        ok: *result == "works",
                    }),
                    other => Err(format!("`{other}` is not `works` or `fails`")),
                })
            }
            _ => None,
        }
    }

    pub fn holds(&self, world: &World) -> bool {
        match self {
            LabCheck::VmState { name, state } => match state {
                Some(s) => world.lab.vms.get(name).is_some_and(|vm| vm.state == *s),
                None => !world.lab.vms.contains_key(name),
            },
            LabCheck::AppRun {
                host,
                from_image,
                ok,
            } => world.lab.machines.get(host).is_some_and(|m| {
                let run = if *from_image {
                    &m.from_image
                } else {
                    &m.from_source
                };
                run.as_ref().is_some_and(|r| r.ok == *ok)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::input::Input;
    use crate::sim::step::step;

    fn run(world: &mut World, line: &str) -> Record {
        world.submit(Input::Command(line.to_string()));
        step(world).expect("a record")
    }

    fn settle(world: &mut World) -> Vec<Record> {
        std::iter::from_fn(|| step(world)).take(100).collect()
    }

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

    #[test]
    fn launch_boots_through_stages_and_reserves_memory() {
        let mut w = World::new(1);
        let r = run(
            &mut w,
            "multipass launch 24.04 --name vm1 --cpus 2 --memory 2G --disk 10G",
        );
        assert!(!r.error, "{r:?}");
        assert!(w.shell.is_busy());
        assert_eq!(w.lab.vms["vm1"].state, VmState::Starting);
        let t = totals(&w);
        assert_eq!(t.vms.memory_bytes, 2 * GIB);
        assert_eq!(t.vms.cpus, 2);
        let records = settle(&mut w);
        let last = records.last().unwrap();
        assert_eq!(last.terminal_text(), "Launched: vm1");
        assert_eq!(w.lab.vms["vm1"].state, VmState::Running);
        assert_eq!(w.now_ms, 35 * SECOND_MS);
        assert!(!w.shell.is_busy());
    }

    #[test]
    fn defaults_are_one_cpu_1g_memory_5g_disk() {
        let mut w = World::new(1);
        run(&mut w, "multipass launch --name vm2");
        let vm = &w.lab.vms["vm2"];
        assert_eq!((vm.cpus, vm.memory_bytes, vm.disk_bytes), (1, GIB, 5 * GIB));
    }

    #[test]
    fn bad_launch_arguments_use_multipass_words() {
        let mut w = World::new(1);
        let r = run(&mut w, "multipass launch --memory 64M --name 1bad");
        assert!(r.error);
        assert_eq!(
            r.terminal_text(),
            "$ multipass launch --memory 64M --name 1bad\nlaunch failed: Invalid arguments supplied\nInvalid memory size value supplied: 64M.\nInvalid instance name supplied: 1bad"
        );
        let r = run(&mut w, "multipass launch --cpus 0");
        assert!(
            r.terminal_text()
                .ends_with("Error: invalid CPU count '0', need a positive integer value.")
        );
        assert!(w.lab.vms.is_empty());
        run(&mut w, "multipass launch --name vm1");
        settle(&mut w);
        let r = run(&mut w, "multipass launch --name vm1");
        assert!(
            r.terminal_text()
                .ends_with("launch failed: instance \"vm1\" already exists")
        );
        let r = run(&mut w, "multipass stop nope");
        assert!(
            r.terminal_text()
                .ends_with("stop failed: instance \"nope\" does not exist")
        );
    }

    #[test]
    fn list_and_info_formats() {
        let mut w = World::new(1);
        assert_eq!(list(&w), "No instances found.\n");
        run(
            &mut w,
            "multipass launch 24.04 --name vm1 --cpus 2 --memory 2G --disk 10G",
        );
        assert_eq!(
            list(&w),
            "Name                    State             IPv4             Image\nvm1                     Starting          --               Not Available\n"
        );
        settle(&mut w);
        assert_eq!(
            list(&w),
            "Name                    State             IPv4             Image\nvm1                     Running           10.86.153.2      Ubuntu 24.04 LTS\n"
        );
        let info = info_block(&w.lab.vms["vm1"]);
        assert!(info.contains("CPU(s):         2\n"), "{info}");
        assert!(
            info.contains("Memory usage:   290.0MiB out of 1.9GiB\n"),
            "{info}"
        );
        assert!(
            info.contains("Disk usage:     2.0GiB out of 9.6GiB\n"),
            "{info}"
        );
    }

    #[test]
    fn stop_frees_memory_delete_keeps_disk_until_purge() {
        let mut w = World::new(1);
        run(&mut w, "multipass launch --name vm1 --memory 2G");
        settle(&mut w);
        run(&mut w, "multipass stop vm1");
        let t = totals(&w);
        assert_eq!(
            (t.vms.memory_bytes, t.vms.disk_bytes),
            (0, GUEST_OS_DISK_BYTES)
        );
        run(&mut w, "multipass start vm1");
        let records = settle(&mut w);
        assert_eq!(w.lab.vms["vm1"].last_boot_ms, Some(15 * SECOND_MS));
        assert!(
            records
                .iter()
                .all(|r| !r.terminal_text().contains("Launched"))
        );
        run(&mut w, "multipass delete vm1");
        assert_eq!(w.lab.vms["vm1"].state, VmState::Deleted);
        assert_eq!(totals(&w).vms.disk_bytes, GUEST_OS_DISK_BYTES);
        run(&mut w, "multipass purge");
        assert!(w.lab.vms.is_empty());
    }

    #[test]
    fn stopping_during_boot_makes_the_boot_events_stale() {
        let mut w = World::new(1);
        run(&mut w, "multipass launch --name vm1");
        run(&mut w, "multipass stop vm1");
        settle(&mut w);
        assert_eq!(w.lab.vms["vm1"].state, VmState::Stopped);
    }

    #[test]
    fn containers_count_memory_per_process_and_layers_once() {
        let mut w = World::new(1);
        run(&mut w, "docker run -d --name web1 nginx:1.27");
        run(&mut w, "docker run -d --name web2 nginx:1.27");
        settle(&mut w);
        let t = totals(&w);
        assert_eq!(t.containers.memory_bytes, 16 * MIB);
        let nginx: u64 = w
            .engine
            .images
            .get("nginx:1.27")
            .unwrap()
            .layers()
            .iter()
            .map(|(_, size)| size)
            .sum();
        assert_eq!(t.containers.disk_bytes, nginx);
        assert_eq!(t.containers.cpus, 0);
    }

    const SERVER: &str = "const notes = [];\nconst latest = notes.findLast((n) => n.done);\nconsole.log('notes-api listening on :3000');\n";

    #[test]
    fn findlast_fails_on_node_16_only() {
        let (ok, lines) = run_script("/home/learner/app/server.js", SERVER, "v16.20.2");
        assert!(!ok);
        assert_eq!(lines[0], "/home/learner/app/server.js:2");
        assert_eq!(lines[2], "                     ^");
        assert_eq!(lines[4], "TypeError: notes.findLast is not a function");
        assert_eq!(
            lines[5],
            "    at Object.<anonymous> (/home/learner/app/server.js:2:22)"
        );
        assert!(!lines.iter().any(|l| l.starts_with("Node.js")));
        let (ok, lines) = run_script("/app/server.js", SERVER, "v20.18.1");
        assert!(ok);
        assert_eq!(lines, vec!["notes-api listening on :3000".to_string()]);
    }

    #[test]
    fn source_differs_by_host_image_does_not() {
        let mut w = World::new(1);
        w.fs.seed_project("node-app").unwrap();
        for host in ["laptop", "ci", "prod"] {
            run(&mut w, &format!("ssh {host} node server.js"));
            run(
                &mut w,
                &format!("ssh {host} docker run -d -p 3000:3000 notes-api:1.0"),
            );
        }
        let source: Vec<bool> = w
            .lab
            .machines
            .values()
            .map(|m| m.from_source.as_ref().unwrap().ok)
            .collect();
        // BTreeMap order: ci, laptop, prod.
        assert_eq!(source, vec![true, true, false]);
        let image: Vec<&AppRun> = w
            .lab
            .machines
            .values()
            .map(|m| m.from_image.as_ref().unwrap())
            .collect();
        assert!(image.iter().all(|r| r.ok && r.node_version == "v22.11.0"));
    }

    #[test]
    fn lab_checks_parse_and_hold() {
        let mut w = World::new(1);
        let check = |text: &str| LabCheck::parse(&text.split_whitespace().collect::<Vec<_>>());
        assert!(check("container web is running").is_none());
        assert!(check("vm vm1 is asleep").unwrap().is_err());
        let purged = check("vm vm1 is purged").unwrap().unwrap();
        assert!(purged.holds(&w));
        run(&mut w, "multipass launch --name vm1");
        assert!(check("vm vm1 is starting").unwrap().unwrap().holds(&w));
        w.fs.seed_project("node-app").unwrap();
        run(&mut w, "ssh prod node server.js");
        assert!(check("host prod source fails").unwrap().unwrap().holds(&w));
        assert!(!check("host prod image works").unwrap().unwrap().holds(&w));
    }

    #[test]
    fn ssh_to_an_unknown_host() {
        let mut w = World::new(1);
        let r = run(&mut w, "ssh staging node --version");
        assert!(
            r.terminal_text()
                .ends_with("ssh: Could not resolve hostname staging: Name or service not known")
        );
        let r = run(&mut w, "ssh prod node --version");
        assert_eq!(r.terminal_text(), "$ ssh prod node --version\nv16.20.2");
    }
}
