//! `multipass launch|list|info|stop|start|delete|purge` on the host, and a VM's boot.
//!
//! What real Multipass does (v1.15.1): `launch 24.04 --name vm1 --cpus 2 --memory 2G --disk 10G`
//! creates an instance, boots it through firmware, the guest kernel, systemd and cloud-init, and
//! returns only when it is up, printing `Launched: vm1`. The memory it was given is held by the
//! hypervisor for the guest's whole life. `list`/`info`/`stop`/`start`/`delete`/`purge` use
//! Multipass's own table formats and error words (`src/client/cli/formatter/
//! table_formatter.cpp`, `src/daemon/daemon.cpp`); a deleted instance keeps its disk until
//! `purge`. The client is a Qt program: `QCommandLineParser`'s errors (`Unknown option 'x'.`,
//! `Missing value after 'name'.`) exit 1, a daemon failure is `<command> failed: …` exit 2.
//!
//! What we model: those commands on the lab's model (src/sim/lab/model.rs), each boot stage as
//! an `Event::VmBoot`; flags go through the one flag layer (src/sim/flags.rs) in its Multipass
//! style.
//!
//! What we simplify: `multipass stop` completes at once; the image is already in Multipass's
//! cache (no download); only the images 24.04 and 22.04 exist; flags real Multipass has that are
//! not simulated (`--cloud-init`, `--mount`, `--all`, `--format`, …) are refused by name; `--help`
//! uses the flag layer's layout, not Qt's.

use super::model::{
    DEFAULT_CPUS, DEFAULT_DISK_BYTES, DEFAULT_MEMORY_BYTES, GUEST_OS_DISK_BYTES,
    GUEST_OS_MEMORY_BYTES, HOST, MIN_DISK_BYTES, MIN_MEMORY_BYTES, VM_IMAGES, Vm, VmImage, VmState,
    multipass_size, parse_multipass_size,
};
use crate::sim::docker::error::DockerError;
use crate::sim::docker::image::content_digest;
use crate::sim::event::Event;
use crate::sim::flags::{Command, Flag, Parsed};
use crate::sim::record::Record;
use crate::sim::time::SECOND_MS;
use crate::sim::world::{Waiter, World};

fn mp_error(command: &str, message: impl AsRef<str>) -> DockerError {
    // `standard_failure_handler_for`: "<command> failed: <message>"; exit code 2 for a gRPC
    // error (`return_code_for`: CommandFail).
    DockerError::new(format!("{command} failed: {}", message.as_ref()), 2)
}

fn cli_error(message: impl Into<String>) -> DockerError {
    // A command-line error (ParseCode::CommandLineError → ReturnCode::CommandLineError = 1).
    DockerError::new(message, 1)
}

/// The subcommands simulated, with their usage lines and flags (multipass `src/client/cli/cmd/`).
pub(crate) const COMMANDS: &[Command] = &[
    Command::docker(
        "multipass launch",
        "multipass launch [options] [<image>]",
        "Create and start an Ubuntu instance",
        &[
            Flag::string("name", Some('n')),
            Flag::typed("cpus", Some('c'), "cpus"),
            Flag::typed("memory", Some('m'), "memory"),
            Flag::typed("disk", Some('d'), "disk"),
        ],
    )
    .not_simulated(&[
        ("cloud-init", None),
        ("network", None),
        ("bridged", None),
        ("mount", None),
        ("timeout", None),
    ])
    .multipass(),
    Command::docker(
        "multipass list",
        "multipass list [options]",
        "List all available instances",
        &[],
    )
    .not_simulated(&[("format", None), ("snapshots", None)])
    .multipass(),
    Command::docker(
        "multipass info",
        "multipass info [options] <instance> [<instance> ...]",
        "Display information about instances",
        &[],
    )
    .not_simulated(&[("all", None), ("format", None), ("snapshots", None)])
    .multipass(),
    Command::docker(
        "multipass stop",
        "multipass stop [options] <instance> [<instance> ...]",
        "Stop running instances",
        &[],
    )
    .not_simulated(&[
        ("all", None),
        ("time", Some('t')),
        ("cancel", Some('c')),
        ("force", None),
    ])
    .multipass(),
    Command::docker(
        "multipass start",
        "multipass start [options] <instance> [<instance> ...]",
        "Start instances",
        &[],
    )
    .not_simulated(&[("all", None), ("timeout", None)])
    .multipass(),
    Command::docker(
        "multipass delete",
        "multipass delete [options] <instance> [<instance> ...]",
        "Delete instances",
        &[Flag::bool("purge", Some('p'))],
    )
    .not_simulated(&[("all", None)])
    .multipass(),
    Command::docker(
        "multipass purge",
        "multipass purge",
        "Purge all deleted instances permanently",
        &[],
    )
    .multipass(),
];

/// `multipass <command> …` on the host.
pub fn multipass(world: &mut World, args: &[String], rec: &mut Record) -> Result<(), DockerError> {
    let Some(command) = args.first().map(String::as_str) else {
        rec.out(MULTIPASS_HELP);
        return Ok(());
    };
    let name = match command {
        "ls" => "list",
        "help" | "--help" | "-h" => {
            rec.out(MULTIPASS_HELP);
            return Ok(());
        }
        other => other,
    };
    let Some(spec) = COMMANDS
        .iter()
        .find(|c| c.path.strip_prefix("multipass ") == Some(name))
    else {
        return Err(cli_error(format!(
            "Error: unknown command '{command}'. Try 'multipass help' for the list of commands."
        )));
    };
    let parsed = spec.parse(&args[1..])?;
    let rest = &parsed.args;
    match name {
        "launch" => launch(world, &parsed, rec),
        "list" => {
            no_arguments(rest)?;
            rec.out(list(world).trim_end_matches('\n'));
            Ok(())
        }
        "info" => info(world, rest, rec),
        "stop" => each_instance(world, "stop", rest, rec, stop),
        "start" => each_instance(world, "start", rest, rec, start),
        "delete" => {
            let purge = parsed.bool("purge");
            each_instance(world, "delete", rest, rec, |w, name, rec| {
                delete(w, name, purge, rec)
            })
        }
        _ => {
            no_arguments(rest)?;
            purge(world, rec);
            Ok(())
        }
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

/// What `multipass launch` asked for, checked as the client (CPU count) and the daemon (sizes
/// and name, every problem on its own line) check it.
struct LaunchRequest {
    name: Option<String>,
    image: VmImage,
    cpus: u32,
    memory_bytes: u64,
    disk_bytes: u64,
}

fn launch_request(parsed: &Parsed) -> Result<LaunchRequest, DockerError> {
    let name = parsed.string("name");
    let cpus_text = parsed.string("cpus");
    let memory_text = parsed.string("memory");
    let disk_text = parsed.string("disk");
    let rest = &parsed.args;
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
    Ok(LaunchRequest {
        name,
        image,
        cpus,
        memory_bytes,
        disk_bytes,
    })
}

fn launch(world: &mut World, parsed: &Parsed, rec: &mut Record) -> Result<(), DockerError> {
    let LaunchRequest {
        name,
        image,
        cpus,
        memory_bytes,
        disk_bytes,
    } = launch_request(parsed)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::World;
    use crate::sim::input::Input;
    use crate::sim::lab::footprint::totals;
    use crate::sim::lab::model::GIB;
    use crate::sim::record::Record;
    use crate::sim::step::step;

    fn run(world: &mut World, line: &str) -> Record {
        world.submit(Input::Command(line.to_string()));
        step(world).expect("a record")
    }

    fn settle(world: &mut World) -> Vec<Record> {
        std::iter::from_fn(|| step(world)).take(100).collect()
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

    /// Qt's `QCommandLineParser` words through the one flag layer (src/sim/flags.rs), exit 1.
    #[test]
    fn flags_go_through_the_flag_layer_with_qts_words() {
        let mut w = World::new(1);
        for (line, message) in [
            ("multipass launch --bogus", "Unknown option 'bogus'."),
            ("multipass launch -x", "Unknown option 'x'."),
            ("multipass launch --name", "Missing value after 'name'."),
            (
                "multipass launch jammy noble",
                "Too many arguments supplied",
            ),
            ("multipass list extra", "This command takes no arguments"),
        ] {
            let e = multipass(&mut w, &words(line)[1..], &mut Record::new(0)).unwrap_err();
            assert_eq!((e.message.as_str(), e.exit_code), (message, 1), "{line}");
        }
        let e = multipass(&mut w, &words("stop --all"), &mut Record::new(0)).unwrap_err();
        assert!(
            e.message
                .contains("`multipass stop --all` is real Multipass")
        );
        run(&mut w, "multipass launch --name=vm1 -c2 jammy");
        settle(&mut w);
        assert_eq!(w.lab.vms["vm1"].cpus, 2);
        run(&mut w, "multipass delete -p vm1");
        assert!(w.lab.vms.is_empty());
    }

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }
}
