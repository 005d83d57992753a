//! BuildKit's state between builds (the cache records, the last build's report) and a build as
//! typed (`BuildOptions`).
//!
//! Plain data (a leaf: it imports nothing that knows the world), so `World` can hold the builder
//! without importing the build itself (src/sim/docker/build/mod.rs).

use std::collections::{BTreeMap, BTreeSet};

/// `docker build` as typed: the context, tags, Dockerfile, target, build args and flags.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct BuildOptions {
    pub context: String,
    pub tags: Vec<String>,
    pub file: Option<String>,
    pub target: Option<String>,
    pub build_args: Vec<String>,
    pub no_cache: bool,
    pub quiet: bool,
}

/// One entry of the build cache: a step's result and what its key was made of, so a later miss
/// can say what changed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CacheRecord {
    pub parent: String,
    pub text: String,
    /// Copied files and their checksums (COPY/ADD).
    pub files: BTreeMap<String, String>,
    /// Build args and ENV the step ran with.
    pub vars: BTreeMap<String, String>,
    pub size_bytes: u64,
    pub layer: String,
    pub created_by: String,
    pub duration_ms: u64,
}

/// BuildKit's state between builds.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Builder {
    pub cache: BTreeMap<String, CacheRecord>,
    /// Base images BuildKit has already fetched (their layers are in its content store).
    pub fetched: BTreeSet<String>,
    pub last: Option<BuildReport>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StepStatus {
    Cached,
    Built,
    /// Config only: no layer, no step.
    Config,
    /// The build stopped before this instruction.
    NotReached,
    Failed,
    /// The stage was not needed for the target.
    Skipped,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StepReport {
    pub line: usize,
    pub text: String,
    pub status: StepStatus,
    /// Why a step was built (or failed); empty when cached.
    pub reason: String,
    pub size_bytes: u64,
    pub duration_ms: u64,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StageReport {
    pub name: String,
    pub base: String,
    pub base_size_bytes: u64,
    pub steps: Vec<StepReport>,
    /// The stage's image size (base + its layers), when it was built.
    pub size_bytes: u64,
    pub is_final: bool,
    pub needed: bool,
}

/// What the last `docker build` did, for the picture.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct BuildReport {
    pub dockerfile: String,
    pub stages: Vec<StageReport>,
    /// Everything in the folder, and what is left after `.dockerignore`.
    pub context_all_bytes: u64,
    pub context_bytes: u64,
    /// What was sent to the builder (only the paths COPY/ADD use).
    pub transferred_bytes: u64,
    pub dockerignore: bool,
    pub image_id: Option<String>,
    pub tags: Vec<String>,
    pub error: Option<String>,
    pub total_ms: u64,
}

impl BuildReport {
    /// The first step that was rebuilt, and why.
    pub fn first_miss(&self) -> Option<&StepReport> {
        self.stages
            .iter()
            .flat_map(|s| &s.steps)
            .find(|s| matches!(s.status, StepStatus::Built | StepStatus::Failed))
    }
}
