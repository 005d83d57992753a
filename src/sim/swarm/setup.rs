//! A swarm lab formed before the first step (`setup: swarm managers=3 workers=2`).
//!
//! On real machines this is `docker swarm init` on the first, then `docker swarm join --token …`
//! on each of the others with the manager or worker token. We run the same membership changes
//! (src/sim/swarm/cluster.rs) without printing them, so a scenario starts from a formed cluster;
//! `docker swarm init` on a fresh lab shows the real sequence.

use super::cluster::{Role, Swarm};
use crate::sim::World;

/// Machines `node-1`…`node-{managers+workers}`; the first `managers` are managers. The learner's
/// terminal is on node-1.
pub fn form(world: &mut World, managers: usize, workers: usize) {
    let managers = managers.max(1);
    world.swarm = Swarm::lab(managers + workers);
    // The terminal's engine is node-1's: its slot in the lab holds the placeholder.
    world.engine.hostname = "node-1".to_string();
    if let Some(m) = world.swarm.machines.get_mut("node-1") {
        m.engine = std::rc::Rc::new(crate::sim::docker::engine::Engine::placeholder());
    }
    let now = world.now_ms;
    world.swarm.init("node-1", now, &mut world.rng);
    let net = |_: &str, _: &str| true;
    let _ = world
        .swarm
        .raft
        .add_member("node-1", now, &net, &mut world.rng);
    for i in 2..=managers + workers {
        let host = format!("node-{i}");
        let role = if i <= managers {
            Role::Manager
        } else {
            Role::Worker
        };
        if role == Role::Manager {
            // Joins need a leader with a quorum: node-1 leads from the start.
            let _ = world
                .swarm
                .raft
                .add_member(&host, now, &net, &mut world.rng);
        }
        world.swarm.add_node(&host, role, now, &mut world.rng);
    }
    super::control::schedule(world);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_managers_two_workers() {
        let mut w = World::new(7);
        form(&mut w, 3, 2);
        assert_eq!(w.swarm.nodes.len(), 5);
        assert_eq!(w.swarm.managers().count(), 3);
        assert_eq!(w.swarm.leader().unwrap().hostname, "node-1");
        let again = {
            let mut w2 = World::new(7);
            form(&mut w2, 3, 2);
            w2
        };
        assert_eq!(w, again, "same seed, same IDs and tokens");
    }
}
