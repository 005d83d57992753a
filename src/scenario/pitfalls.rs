//! The common pitfalls: the learning path's nine, and four more from production, each with the
//! scenarios that show it going wrong in Docker's own words and then the fix holding.
//!
//! The section is an index, not copies: every entry names scenarios that already exist on the
//! pages (`catalogue::PAGES`), and a test checks that each one is there. A production pitfall
//! whose scenario is still to be written says so (`shows` empty) rather than pointing at
//! something that does not show it.

use super::catalogue::{PAGES, Page, ScenarioFile};

/// One pitfall: what people do, what happens, what to do instead, and where it is shown.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Pitfall {
    /// `1`…`9` for the path's pitfalls, `P1`…`P4` for the production ones.
    pub number: &'static str,
    pub title: &'static str,
    /// What goes wrong, in one sentence.
    pub symptom: &'static str,
    /// What to do instead, in one sentence.
    pub fix: &'static str,
    /// Scenario slugs that show it (the failure, then the fix), in reading order.
    pub shows: &'static [&'static str],
}

impl Pitfall {
    /// From the learning path's own list (not one of the production four).
    pub fn from_the_path(&self) -> bool {
        !self.number.starts_with('P')
    }
}

pub const PITFALLS: &[Pitfall] = &[
    Pitfall {
        number: "1",
        title: "Storing data in the container's filesystem",
        symptom: "The database's files live in the container's writable layer: `docker rm` (or a `compose down` and `up` that recreates it) throws the data away.",
        fix: "Named volumes for databases, bind mounts for code in development.",
        shows: &["compose-data-in-the-container", "database-lost-data"],
    },
    Pitfall {
        number: "2",
        title: "Using localhost between services",
        symptom: "Inside a container, `localhost` is that container: the API's `localhost:5432` reaches nothing, `ECONNREFUSED`.",
        fix: "Use the service name (`db`, `redis`, `api`): Docker's DNS answers it on the shared network.",
        shows: &["localhost-is-the-container", "api-finds-its-database"],
    },
    Pitfall {
        number: "3",
        title: "depends_on without a healthcheck",
        symptom: "`depends_on` orders the starts, not readiness: the API starts while PostgreSQL is still initialising and crashes.",
        fix: "A healthcheck on the database and `depends_on: {db: {condition: service_healthy}}`.",
        shows: &["api-races-the-database", "wait-for-healthy-database"],
    },
    Pitfall {
        number: "4",
        title: "A single manager in a swarm",
        symptom: "With one manager, its loss leaves no leader: tasks keep running, but nothing is rescheduled or changed.",
        fix: "Three (or five) managers: one (or two) can fail and the Raft quorum holds.",
        shows: &[
            "swarm-single-manager-dies",
            "swarm-one-of-three-managers-dies",
        ],
    },
    Pitfall {
        number: "5",
        title: "Forgetting overlay networks in a swarm",
        symptom: "A bridge network is local to one node: tasks on two nodes cannot reach each other by name.",
        fix: "Put the stack's services on an overlay network (`driver: overlay`).",
        shows: &["swarm-bridge-vs-overlay"],
    },
    Pitfall {
        number: "6",
        title: "Publishing the same port several times",
        symptom: "On one host two containers cannot both bind port 8080 (`port is already allocated`), so people add a port per replica.",
        fix: "In a swarm, publish the port once on the service: the routing mesh spreads it over every replica on every node.",
        shows: &[
            "one-port-host-vs-mesh",
            "port-conflict",
            "swarm-mesh-any-node",
        ],
    },
    Pitfall {
        number: "7",
        title: "Treating containers as small VMs",
        symptom: "A container is one process, not an OS: when PID 1 exits, the container exits, whatever else was started.",
        fix: "One main process per container, in the foreground; start the others as their own containers.",
        shows: &["pid1-exits", "vm-boots-container-starts"],
    },
    Pitfall {
        number: "8",
        title: "`docker restart` instead of `docker compose up -d`",
        symptom: "`docker restart` (and a reboot) starts the container with the configuration it was created with: the edited compose file is ignored.",
        fix: "`docker compose up -d` recreates what changed.",
        shows: &[
            "docker-restart-keeps-old-config",
            "reboot-brings-back-old-config",
        ],
    },
    Pitfall {
        number: "9",
        title: "No backup strategy",
        symptom: "A dropped table, a dead disk or ransomware: without a copy somewhere else, the data is gone for good.",
        fix: "Dumps, not live file copies; 3-2-1 (one copy off-site, one out of reach); and a restore drill that measures what comes back.",
        shows: &[
            "backup-same-disk-vs-offsite",
            "backup-live-copy-vs-stopped",
            "backup-ransomware",
        ],
    },
    Pitfall {
        number: "P1",
        title: "`latest` in production",
        symptom: "`latest` moves: a re-pull or a new node brings another version (Traefik's jump to v3 refused its old flags).",
        fix: "Pin a version (`traefik:v3.7`) or a digest.",
        shows: &["traefik-latest-major-jump"],
    },
    Pitfall {
        number: "P2",
        title: "Secrets in environment variables or images",
        symptom: "An `environment:` password is in `docker inspect` and `docker history` for anyone who can read them.",
        fix: "Swarm secrets mounted at `/run/secrets/NAME`, read through `*_FILE` variables.",
        shows: &["secrets-not-environment"],
    },
    Pitfall {
        number: "P3",
        title: "No resource limits",
        symptom: "A leaking container grows until the whole host is out of memory; then the kernel's OOM killer picks a victim among all its processes.",
        fix: "`--memory` / `deploy.resources.limits`: the leaking container alone is OOM-killed (exit 137) and restarted.",
        shows: &["memory-limit-leak"],
    },
    Pitfall {
        number: "P4",
        title: "Running as root in the container",
        symptom: "Files written to a bind mount belong to root on the host, and a mounted Docker socket is root on the host.",
        fix: "`USER` in the Dockerfile (or `-u`), with the volume's ownership set to match.",
        shows: &["root-in-the-container"],
    },
];

/// The page a scenario is on (the ready page whose lesson lists it).
pub fn page_of(scenario: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| {
        p.lesson.is_some_and(|l| {
            l.scenarios
                .iter()
                .any(|f: &ScenarioFile| f.slug == scenario)
        })
    })
}

/// A scenario's title: the first line of its transcript (`# Title`).
pub fn title_of(scenario: &str) -> Option<&'static str> {
    let file = page_of(scenario)?
        .lesson
        .as_ref()?
        .scenarios
        .iter()
        .find(|f| f.slug == scenario)?;
    file.text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# "))
        .map(str::trim)
}

/// Where a scenario opens: its page's file with the scenario in the query.
pub fn href(scenario: &str) -> Option<String> {
    page_of(scenario).map(|p| format!("{}.html?scenario={scenario}", p.slug))
}

/// The index page's slug (`pitfalls.html`, `?page=pitfalls`).
pub const SLUG: &str = "pitfalls";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_linked_scenario_is_on_a_ready_page() {
        for p in PITFALLS {
            for s in p.shows {
                assert!(
                    page_of(s).is_some(),
                    "pitfall {}: no page lists {s}",
                    p.number
                );
                assert!(
                    title_of(s).is_some(),
                    "pitfall {}: {s} has no title",
                    p.number
                );
            }
        }
    }

    #[test]
    fn the_paths_nine_are_all_shown() {
        let path: Vec<&Pitfall> = PITFALLS.iter().filter(|p| p.from_the_path()).collect();
        assert_eq!(path.len(), 9);
        assert!(path.iter().all(|p| !p.shows.is_empty()));
        assert_eq!(PITFALLS.len(), 13);
        // The four from production each have their own broken → fixed scenario too.
        assert!(PITFALLS.iter().all(|p| !p.shows.is_empty()));
    }
}
