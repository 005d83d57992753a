//! The learner's progress in the browser: read from and written to `localStorage`, under one key
//! (`dockyard.progress`), as the pure core in src/scenario/progress.rs encodes it.
//!
//! Nothing Docker does: this is the course's own record. What we model: the lesson shell calls
//! [`record_scenario_done`] when a shipped scenario's goals are all met at its end, the challenges
//! call [`record_challenge_done`], and the home page [`load`]s it after it has mounted (never on
//! the server: the prerendered page shows no progress) and [`save`]s it empty to reset it. What
//! we simplify: storage is best effort. A browser without `localStorage`, one that refuses it
//! (private mode, cookies blocked: a `SecurityError`) or one that is full (`QuotaExceededError`)
//! loses the record silently; nothing here throws, panics or shows an error. web-sys's `Storage`
//! binding rather than gloo-storage: one string in, one string out, no serde glue in the wasm.

use crate::scenario::progress::{self, Notice, Progress, STORAGE_KEY};

/// The page's `localStorage`, when the browser lets us have it.
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored progress. A value that could not be read comes back empty with a notice, and is
/// overwritten at once, so the notice is true ("was reset") and shown once.
pub fn load() -> (Progress, Option<Notice>) {
    let raw = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let (progress, notice) = progress::decode(raw.as_deref());
    if notice.is_some() {
        save(&progress);
    }
    (progress, notice)
}

/// Writes `progress` (no progress removes the key). `false` when the browser refused.
pub fn save(progress: &Progress) -> bool {
    let Some(storage) = storage() else {
        return false;
    };
    if progress.is_empty() {
        storage.remove_item(STORAGE_KEY).is_ok()
    } else {
        storage.set_item(STORAGE_KEY, &progress.encode()).is_ok()
    }
}

/// Marks `key` done in the stored progress; `true` when it is newly done and was saved.
fn record(key: &str) -> bool {
    let (mut progress, _) = load();
    progress.mark_done(key) && save(&progress)
}

/// A shipped scenario's goals are all met at its end (`scenario::progress::completed`).
pub fn record_scenario_done(slug: &str) -> bool {
    record(&progress::scenario_key(slug))
}

/// A challenge is done (`phase-1`, `mission-3`): it shows on the home page, and a phase's
/// checkpoint is passed when `phase-N` is.
pub fn record_challenge_done(id: &str) -> bool {
    record(&progress::challenge_key(id))
}
