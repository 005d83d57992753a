//! Every command line the terminal understands, as data: the command tables of each CLI.
//!
//! Real Docker: each CLI (docker/cli's cobra tree, the Compose plugin, Multipass, curl) keeps its
//! own table of subcommands and flags. We model the same: one `flags::Command` per subcommand,
//! declared next to the code that runs it (src/sim/docker/cli.rs, src/sim/docker/compose/args.rs,
//! src/sim/swarm/…, src/sim/lab/multipass.rs, src/sim/shell/curl.rs). This module only gathers
//! them, so a tool that needs the whole vocabulary (the structured fuzzing in tests/fuzz_*.rs,
//! which builds command lines from the real paths and flags) never drifts from what the
//! terminal parses. Simplified: the host's coreutils, tar, crontab, ssh and the tools run inside
//! containers (pg_dump, restic, psql) parse their own words and have no table here.

use crate::sim::flags::Command;

/// The command tables of every CLI the terminal dispatches, each once, in a fixed order.
pub fn commands() -> Vec<&'static Command> {
    use crate::sim::docker::{cli, compose, prune};
    use crate::sim::swarm::{cli as swarm, secrets, services, stackcmd};
    let mut all: Vec<&'static Command> = Vec::new();
    all.extend(cli::SPECS.iter());
    all.extend([&cli::INFO, &prune::SYSTEM_PRUNE]);
    all.push(&compose::args::GLOBAL);
    all.extend(compose::args::COMMANDS.iter());
    all.extend([
        &swarm::INIT,
        &swarm::JOIN,
        &swarm::JOIN_TOKEN,
        &swarm::LEAVE,
        &swarm::NODE_LS,
        &swarm::NODE_INSPECT,
        &swarm::NODE_PS,
        &swarm::NODE_PROMOTE,
        &swarm::NODE_DEMOTE,
        &swarm::NODE_UPDATE,
        &swarm::NODE_RM,
    ]);
    all.extend(services::flags::COMMANDS.iter());
    all.extend([
        &secrets::CREATE,
        &secrets::LS,
        &secrets::INSPECT,
        &secrets::RM,
    ]);
    all.extend([
        &stackcmd::DEPLOY,
        &stackcmd::LS,
        &stackcmd::SERVICES,
        &stackcmd::PS,
        &stackcmd::RM,
        &stackcmd::CONFIG,
    ]);
    all.extend(crate::sim::lab::multipass::COMMANDS.iter());
    all.push(&super::curl::CURL);
    // A table shared by two dispatchers (`docker network create` is also the swarm's) appears
    // once.
    let mut seen = std::collections::BTreeSet::new();
    all.retain(|c| seen.insert(c.path));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each CLI is present, and every path starts with the program the shell dispatches on.
    #[test]
    fn every_cli_is_gathered() {
        let all = commands();
        for path in [
            "docker run",
            "docker compose up",
            "docker service create",
            "docker stack deploy",
            "docker swarm init",
            "docker node update",
            "docker secret create",
            "docker system prune",
            "multipass launch",
            "curl",
        ] {
            assert!(all.iter().any(|c| c.path == path), "{path} missing");
        }
        for c in &all {
            let program = c.path.split(' ').next().unwrap_or_default();
            assert!(
                matches!(program, "docker" | "multipass" | "curl"),
                "{}",
                c.path
            );
        }
    }
}
