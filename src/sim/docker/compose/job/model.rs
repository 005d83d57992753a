//! A `docker compose` command that takes time, as data: the steps it still has to run, and the
//! containers whose output it shows.
//!
//! Real Compose converges a project step by step, waiting on the engine as it goes. We keep the
//! command as a queue of steps in the shell's waiter (`Waiter::Compose`); this module is that
//! queue. It is a leaf (it imports only other leaves: the project model, the docker CLI's typed
//! requests), so the world can hold a job without importing the steps' execution, which runs
//! over the world in src/sim/docker/compose/job/mod.rs.

use crate::sim::docker::cli::RunOptions;
use crate::sim::docker::compose::model::Project;
use crate::sim::ids::ContainerId;
use crate::sim::time::Millis;

/// One container whose output `up` (without `-d`) or `logs -f` is showing.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Attached {
    pub container: ContainerId,
    /// `db-1   | `.
    pub prefix: String,
    /// The container's name without the project (`db-1`), for "exited with code".
    pub short: String,
    /// When it last exited, as last seen, to print each new exit once.
    pub finished_at: Option<Millis>,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Job {
    pub project: Project,
    /// The compose file, for the containers' labels.
    pub file: String,
    pub started_ms: Millis,
    pub steps: Vec<Step>,
    /// `up` without `-d`: show these services' output once started.
    pub attach: Vec<String>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Step {
    /// Create the service's container, or recreate it when its config or image changed.
    Converge {
        service: String,
        force: bool,
        no_recreate: bool,
        /// The old container being stopped for a recreate.
        replacing: Option<ContainerId>,
    },
    /// Start the service's container once its dependencies meet their conditions.
    Start {
        service: String,
        /// Dependencies announced as `Waiting`, and whether their wait is over.
        announced: Vec<(String, bool)>,
    },
    /// `up --wait`: until the service is healthy (or running, without a healthcheck).
    Wait {
        service: String,
        announced: bool,
    },
    /// Stop a container and wait until it has exited.
    Stop {
        container: ContainerId,
        timeout_s: Option<u32>,
        issued: bool,
    },
    /// `compose restart`: stop, then start the same container (same config).
    Restart {
        container: ContainerId,
        timeout_s: Option<u32>,
        issued: bool,
    },
    Remove {
        container: ContainerId,
    },
    RemoveNetwork {
        name: String,
    },
    RemoveVolume {
        name: String,
    },
    RemoveImage {
        name: String,
    },
    /// `compose run`: the one-off container, once its dependencies are up.
    RunOneOff {
        options: Box<RunOptions>,
    },
}
