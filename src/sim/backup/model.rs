//! The data's history, for page 12: how many rows each database held over time, every backup
//! taken (when, of what, how many rows), every disaster, every restore, and the write load.
//!
//! A backup is only what can be restored, so the page measures instead of claiming: a backup
//! mark remembers the digest of the file it wrote, a restore finds which backup it replayed by
//! that digest, and the rows it brought back carry the time they were written, so the data lost
//! (RPO) and the time to restore (RTO) come from what happened. Plain data (a leaf), held by
//! `World`; src/sim/backup/mod.rs records into it.

use crate::sim::time::Millis;

/// The rows a database held from `at_ms` on.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RowSample {
    pub at_ms: Millis,
    /// The container running the database.
    pub container: String,
    pub rows: u64,
}

/// A backup as it was written.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BackupMark {
    pub at_ms: Millis,
    /// The tool that wrote it (`pg_dump -Fc`, `tar`).
    pub tool: String,
    /// Where it was written (a host path, or `volume:NAME/path`).
    pub path: String,
    /// The content digest of what was written, to recognise it when it is restored.
    pub digest: String,
    /// The database rows it holds.
    pub rows: u64,
    /// The newest row it holds was written at (its `created_at`), when the rows have one.
    pub newest_row_ms: Option<Millis>,
    /// False for a file copy of a live database.
    pub consistent: bool,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DisasterMark {
    pub at_ms: Millis,
    pub what: String,
}

/// A restore into a database, measured when it finished.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RestoreMark {
    pub at_ms: Millis,
    pub container: String,
    /// The backup it replayed (index into `marks`), when it was one of ours.
    pub from: Option<usize>,
    /// Rows the database holds after it.
    pub rows: u64,
    /// The newest row it holds was written at.
    pub newest_row_ms: Option<Millis>,
}

/// An application writing rows at a steady rate (`! writes start db notes 1/h`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Writer {
    pub container: String,
    pub table: String,
    pub every_ms: Millis,
    pub written: u64,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Backups {
    pub samples: Vec<RowSample>,
    pub marks: Vec<BackupMark>,
    pub disasters: Vec<DisasterMark>,
    pub restores: Vec<RestoreMark>,
    pub writer: Option<Writer>,
}

impl Backups {
    /// The rows `container`'s database held at `at_ms` (0 before the first sample).
    pub fn rows_at(&self, container: &str, at_ms: Millis) -> u64 {
        self.samples
            .iter()
            .rfind(|s| s.container == container && s.at_ms <= at_ms)
            .map_or(0, |s| s.rows)
    }

    /// Records a change of the rows a database holds (nothing when unchanged).
    pub fn sample(&mut self, at_ms: Millis, container: &str, rows: u64) {
        let last = self
            .samples
            .iter()
            .rev()
            .find(|s| s.container == container)
            .map(|s| s.rows);
        if last != Some(rows) {
            self.samples.push(RowSample {
                at_ms,
                container: container.to_string(),
                rows,
            });
        }
    }

    /// What the last restore cost, measured: the time of data lost (from the newest row it
    /// brought back to the disaster before it) and the time to restore (from the disaster to
    /// the restore's end).
    pub fn objectives(&self) -> Option<Objectives> {
        let restore = self.restores.last()?;
        let disaster = self.disasters.iter().rfind(|d| d.at_ms <= restore.at_ms)?;
        Some(Objectives {
            data_lost_ms: restore
                .newest_row_ms
                .map(|newest| disaster.at_ms.saturating_sub(newest)),
            restore_took_ms: restore.at_ms - disaster.at_ms,
        })
    }
}

/// Recovery point and time, as measured.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Objectives {
    /// RPO: from the newest row restored to the disaster; `None` when the rows carry no time.
    pub data_lost_ms: Option<Millis>,
    /// RTO: from the disaster to the end of the restore.
    pub restore_took_ms: Millis,
}
