//! "Your file": a compose or stack file the reader brings, with its `.env` and Dockerfiles.
//!
//! Real life: a team's `compose.yaml` or `docker-stack.yml` is run with `docker compose up -d` on
//! one host or `docker stack deploy -c FILE NAME` on a swarm; linters (hadolint, dclint) read it
//! without running it. Here the same file goes through the terminal's own loader, comes up in the
//! simulation, gets a readiness report and a seeded chaos run, and goes back out with fixes.
//!
//! What we model: an [`Upload`] is the files as the reader gave them (the compose file first,
//! then an optional `.env`, Dockerfiles and any other small file the compose file names, such as
//! a secret's `db/password.txt`), and the [`Target`] it comes up on. It travels in a link's
//! fragment (link.rs), so nothing is uploaded anywhere.
//!
//! What we simplify: the files are text; a folder the reader did not give (a `build:` context)
//! is stood in for by a generic build of the right kind, and the narration says so.

pub mod bringup;
pub mod chaos;
pub mod export;
pub mod link;
pub mod report;

use serde::{Deserialize, Serialize};

/// Where the file comes up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "lowercase")]
pub enum Target {
    /// One Docker host: `docker compose up -d`.
    Host,
    /// A formed swarm (1–3 managers, 0–9 workers): `docker stack deploy -c FILE NAME`.
    Swarm { managers: usize, workers: usize },
}

impl Target {
    /// The swarm sizes the page offers, as the issue of managers and workers asks: a quorum of
    /// one to three managers, up to nine workers.
    pub const MAX_MANAGERS: usize = 3;
    pub const MAX_WORKERS: usize = 9;

    /// Clamps a swarm to the sizes the page offers (a hand-edited link cannot ask for 500 nodes).
    pub fn clamped(self) -> Target {
        match self {
            Target::Host => Target::Host,
            Target::Swarm { managers, workers } => Target::Swarm {
                managers: managers.clamp(1, Self::MAX_MANAGERS),
                workers: workers.min(Self::MAX_WORKERS),
            },
        }
    }
}

/// One file the reader gave: its path relative to the project folder and its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadFile {
    pub path: String,
    pub text: String,
}

/// The reader's files and where they come up. The first file is the compose or stack file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    pub target: Target,
    pub files: Vec<UploadFile>,
}

/// The stack name a file is deployed under (`docker stack deploy -c FILE app`).
pub const STACK_NAME: &str = "app";

/// The largest file the page takes, in bytes: far above any real compose file, low enough that a
/// pasted log or binary cannot stall the page.
pub const MAX_FILE_BYTES: usize = 64 * 1024;
/// The most files one upload carries.
pub const MAX_FILES: usize = 24;

impl Upload {
    /// A compose file alone, on one host, named `compose.yaml`.
    pub fn compose(text: &str) -> Upload {
        Upload {
            target: Target::Host,
            files: vec![UploadFile {
                path: "compose.yaml".to_string(),
                text: text.to_string(),
            }],
        }
    }

    /// The compose or stack file: its path and text.
    pub fn compose_file(&self) -> Option<&UploadFile> {
        self.files.first()
    }

    /// The text of a file by path, if the reader gave it.
    pub fn file(&self, path: &str) -> Option<&str> {
        let path = path.trim_start_matches("./");
        self.files
            .iter()
            .find(|f| f.path.trim_start_matches("./") == path)
            .map(|f| f.text.as_str())
    }

    /// The `.env` next to the compose file, if given.
    pub fn env(&self) -> Option<&str> {
        self.file(".env")
    }

    /// Checks what a link or a paste may carry: a compose file first, safe relative paths, sizes
    /// within the caps. The error is a sentence for the page.
    pub fn validate(&self) -> Result<(), String> {
        let Some(first) = self.files.first() else {
            return Err("no compose file was given".to_string());
        };
        if first.text.trim().is_empty() {
            return Err(format!("{} is empty", first.path));
        }
        if self.files.len() > MAX_FILES {
            return Err(format!("at most {MAX_FILES} files can be given"));
        }
        for f in &self.files {
            if !is_safe_path(&f.path) {
                return Err(format!(
                    "{:?} is not a path inside the project folder",
                    f.path
                ));
            }
            if f.text.len() > MAX_FILE_BYTES {
                return Err(format!(
                    "{} is {} bytes; the page takes files up to {MAX_FILE_BYTES} bytes",
                    f.path,
                    f.text.len()
                ));
            }
        }
        Ok(())
    }
}

/// A relative path of plain names: no `..`, no absolute path, no empty part, nothing odd.
pub fn is_safe_path(path: &str) -> bool {
    let path = path.trim_start_matches("./");
    !path.is_empty()
        && path.len() <= 200
        && !path.starts_with('/')
        && path.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-+@".contains(c))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_project_folder() {
        assert!(is_safe_path("compose.yaml"));
        assert!(is_safe_path("./backend/Dockerfile"));
        assert!(is_safe_path("db/password.txt"));
        assert!(!is_safe_path("../etc/passwd"));
        assert!(!is_safe_path("/etc/passwd"));
        assert!(!is_safe_path("a//b"));
        assert!(!is_safe_path("a b"));
        assert!(!is_safe_path(""));
    }

    #[test]
    fn an_upload_is_checked_before_anything_runs() {
        assert!(Upload::compose("services: {}\n").validate().is_ok());
        assert_eq!(
            Upload::compose("  \n").validate(),
            Err("compose.yaml is empty".to_string())
        );
        let mut big = Upload::compose("services: {}\n");
        big.files.push(UploadFile {
            path: "x.txt".into(),
            text: "x".repeat(MAX_FILE_BYTES + 1),
        });
        assert!(big.validate().unwrap_err().contains("up to 65536 bytes"));
        let swarm = Target::Swarm {
            managers: 7,
            workers: 40,
        };
        assert_eq!(
            swarm.clamped(),
            Target::Swarm {
                managers: 3,
                workers: 9
            }
        );
    }
}
