//! What the host's things use: a container's typical memory, and the host's used and free CPU,
//! memory and disk with VMs beside containers.
//!
//! What real systems do: a VM holds the memory it was given for its whole life and its disk image
//! holds a whole guest OS; a container is a process tree on the host's kernel that costs what its
//! processes use (a few MB for nginx, tens of MB for Node.js), and an image's layers are stored
//! once however many containers use them.
//!
//! What we model: those sums, from the lab's VMs and the mounted engine's containers and layers.
//!
//! What we simplify: a container's memory is a typical idle `docker stats` figure for its main
//! program, not measured.

use super::model::{HOST, HostSpec, KIB, MIB};
use crate::sim::World;
use crate::sim::docker::container::{Container, Status};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::World;
    use crate::sim::input::Input;
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
}
