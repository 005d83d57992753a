//! Scenario sentences for page 12, measured from the data's history (src/sim/backup/model.rs):
//! - `data lost under 24h` — the last restore's recovery point: from the newest row it brought
//!   back to the disaster before it;
//! - `restore took under 10m` — from that disaster to the end of the restore;
//! - `restore recovers rows up to 03:00` — the newest row the last restore brought back was
//!   written at that time of day (hours and minutes);
//! - `restore brought back 42 rows`;
//! - `backup copies 7` — backup files on the host now;
//! - `3-2-1 holds` / `3-2-1 fails`.

use crate::sim::World;
use crate::sim::time::{self, Millis};

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum BackupCheck {
    DataLostUnder(Millis),
    RestoreTookUnder(Millis),
    RecoversUpTo(String),
    BroughtBack(u64),
    Copies(usize),
    Rule321(bool),
}

impl BackupCheck {
    /// `None` when the words are not a backup sentence.
    pub fn parse(words: &[&str]) -> Option<Result<BackupCheck, String>> {
        let duration = |w: &str| {
            time::parse_duration(w).ok_or_else(|| format!("`{w}` is not a duration (24h, 10m)"))
        };
        Some(match words {
            ["data", "lost", "under", d] => duration(d).map(BackupCheck::DataLostUnder),
            ["restore", "took", "under", d] => duration(d).map(BackupCheck::RestoreTookUnder),
            ["restore", "recovers", "rows", "up", "to", at] => {
                if at.len() == 5 && at.as_bytes()[2] == b':' {
                    Ok(BackupCheck::RecoversUpTo(at.to_string()))
                } else {
                    Err(format!("`{at}` is not a time of day (HH:MM)"))
                }
            }
            ["restore", "brought", "back", n, "rows"] => n
                .parse()
                .map(BackupCheck::BroughtBack)
                .map_err(|_| format!("`{n}` is not a number")),
            ["backup", "copies", n] => n
                .parse()
                .map(BackupCheck::Copies)
                .map_err(|_| format!("`{n}` is not a number")),
            ["3-2-1", "holds"] => Ok(BackupCheck::Rule321(true)),
            ["3-2-1", "fails"] => Ok(BackupCheck::Rule321(false)),
            _ => return None,
        })
    }

    pub fn holds(&self, world: &World) -> bool {
        let backups = &world.backups;
        match self {
            BackupCheck::DataLostUnder(limit) => backups
                .objectives()
                .and_then(|o| o.data_lost_ms)
                .is_some_and(|lost| lost < *limit),
            BackupCheck::RestoreTookUnder(limit) => backups
                .objectives()
                .is_some_and(|o| o.restore_took_ms < *limit),
            BackupCheck::RecoversUpTo(at) => backups
                .restores
                .last()
                .and_then(|r| r.newest_row_ms)
                .is_some_and(|newest| super::timestamp(newest)[11..16] == *at),
            BackupCheck::BroughtBack(n) => backups.restores.last().is_some_and(|r| r.rows == *n),
            BackupCheck::Copies(n) => super::copies(world).len() == *n,
            BackupCheck::Rule321(expect) => super::rule_321(world).holds() == *expect,
        }
    }
}
