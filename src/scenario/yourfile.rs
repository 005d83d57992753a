//! The "Your file" page's run: the reader's files brought up as a short transcript.
//!
//! Real life: `docker compose up -d` (or `docker stack deploy -c FILE app`) in the folder that
//! holds the file, then watching it for a minute. We play exactly that on the world
//! src/sim/yourfile/bringup.rs makes (the files in the project folder, generic stand-ins for
//! build folders the reader did not give): the up command at step 0, then the events of the next
//! minute one step each, so the reader can step through the start-up and take over from there.
//! The minute is plain steps, not a `wait` input, so that the chaos run's inputs
//! (src/sim/yourfile/chaos.rs, which gives the same command at step 0 and forwards the same way)
//! replay at their own step counts on this run: each moment of the chaos run is a link. The
//! guesses bring-up made are the first narration.

use super::parse::{Action, Scenario, SwarmSetup};
use super::run::Run;
use crate::sim::time::MINUTE_MS;
use crate::sim::yourfile::{Target, Upload, bringup};

/// The page the run belongs to.
pub const PAGE: &str = "your-file";

/// The transcript the page plays, without its setup (the world is made by bring-up).
pub fn scenario(upload: &Upload, seed: u64, command: &str, narration: &[String]) -> Scenario {
    let name = upload
        .compose_file()
        .map_or("compose.yaml", |f| f.path.as_str());
    let swarm = match upload.target.clamped() {
        Target::Host => None,
        Target::Swarm { managers, workers } => Some(SwarmSetup { managers, workers }),
    };
    let mut actions = Vec::new();
    let mut intro = format!("Your {name} is in the project folder.");
    if swarm.is_some() {
        intro.push_str(" The terminal is on node-1, a manager.");
    }
    actions.push((1, Action::Narrate(intro)));
    for line in narration {
        actions.push((1, Action::Narrate(line.clone())));
    }
    actions.push((1, Action::Command(command.to_string())));
    Scenario {
        title: format!("Your file: {name}"),
        page: PAGE.to_string(),
        seed,
        project: None,
        swarm,
        actions,
        challenge: None,
    }
}

/// The page's run for these files: brought up and watched for a minute.
pub fn run(upload: &Upload, seed: u64, max_steps: usize) -> Result<Run, String> {
    let up = bringup::bring_up(upload, seed)?;
    let scenario = scenario(upload, seed, &up.command, &up.narration);
    let mut run = Run::play_on(&scenario, up.world, max_steps).map_err(|e| e.message)?;
    let until_ms = run.timeline.world().now_ms + MINUTE_MS;
    while run.timeline.len() < max_steps
        && run
            .timeline
            .world()
            .next_due_ms()
            .is_some_and(|due| due <= until_ms)
        && run.forward()
    {}
    run.scripted_steps = run.timeline.cursor();
    Ok(run)
}
