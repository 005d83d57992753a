//! Bringing the reader's file up (interim: files into the project folder and the up command;
//! the generic builds arrive with the bring-up work on its own branch).

use super::{STACK_NAME, Target, Upload};
use crate::sim::World;

pub struct BringUp {
    pub world: World,
    pub command: String,
    pub narration: Vec<String>,
}

pub fn bring_up(upload: &Upload, seed: u64) -> Result<BringUp, String> {
    upload.validate()?;
    let mut world = World::new(seed);
    if let Target::Swarm { managers, workers } = upload.target.clamped() {
        crate::sim::swarm::setup::form(&mut world, managers, workers);
    }
    for f in &upload.files {
        if let Some((folder, _)) = f.path.rsplit_once('/') {
            world.fs.mkdir(folder, true)?;
        }
        world.fs.write(&f.path, &f.text, false)?;
    }
    let file = &upload.files[0].path;
    let command = match upload.target {
        Target::Host => format!("docker compose -f {file} up -d"),
        Target::Swarm { .. } => format!("docker stack deploy -c {file} {STACK_NAME}"),
    };
    Ok(BringUp {
        world,
        command,
        narration: Vec::new(),
    })
}
