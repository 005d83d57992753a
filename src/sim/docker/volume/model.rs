//! A volume, as data: its name, driver, labels and files.
//!
//! Real Docker's local driver keeps a volume's files under
//! `/var/lib/docker/volumes/<name>/_data`; anonymous volumes carry moby's anonymous label. This
//! module is that state. It is a leaf (it imports only `time` and the container filesystem's
//! model), so the engine can hold its volumes without importing the volume commands, which run
//! over the world in src/sim/docker/volume/mod.rs.

use std::collections::BTreeMap;

use crate::sim::docker::containerfs::model::{Files, files_size};
use crate::sim::time::Millis;

/// moby `volume/service` `AnonymousLabel`.
pub const ANONYMOUS_LABEL: &str = "com.docker.volume.anonymous";

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Volume {
    pub name: String,
    pub driver: String,
    pub created_at: Millis,
    pub labels: BTreeMap<String, String>,
    /// Created without a name (image `VOLUME`, `-v /path`, `docker volume create` with no name).
    pub anonymous: bool,
    pub files: Files,
}

impl Volume {
    /// Where the local driver keeps it on the host.
    pub fn mountpoint(&self) -> String {
        format!("/var/lib/docker/volumes/{}/_data", self.name)
    }

    pub fn size_bytes(&self) -> u64 {
        files_size(&self.files)
    }

    /// A short name for pictures and narration: anonymous names are 64 hex characters.
    pub fn short_name(&self) -> &str {
        if self.anonymous && self.name.len() == 64 {
            &self.name[..12]
        } else {
            &self.name
        }
    }
}
