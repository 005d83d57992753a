//! What page 12 measures: the rows each database holds over time, the backups taken and what
//! they hold, the disasters, the restores and what they brought back, and an application that
//! keeps writing (`! writes start db notes 1/h`).
//!
//! Real backups are judged by restores: the data lost is the time between the newest row a
//! restore brings back and the disaster (the recovery point), the time to restore runs from the
//! disaster to the end of the restore (the recovery time). We record each event where it
//! happens (pg_dump, tar, pg_restore, psql, the disasters) and derive both from the records
//! (src/sim/backup/model.rs). Where the copies are and whether they follow 3-2-1 is read from
//! the files themselves ([`copies`]). Simplified: the host has a system disk (the data, the
//! project folder) and a second disk (`/dev/sdb1`, a medium of its own once mounted); rows carry their write time in a `created_at` column when the writer made
//! them.

pub mod check;
pub mod model;

use super::docker::postgres::{self, Table};
use super::event::Event;
use super::hostfs::{self, Entry};
use super::ids::ContainerId;
use super::record::Record;
use super::time::{self, Millis};
use super::world::World;

/// The column that carries a row's write time.
pub const CREATED_AT: &str = "created_at";

/// `YYYY-MM-DD HH:MM:SS` on the simulated clock.
pub fn timestamp(at_ms: Millis) -> String {
    let (y, mo, d, h, mi, s, _) = time::civil(at_ms);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// The simulated time of a `YYYY-MM-DD HH:MM:SS` timestamp (`None` before the epoch or garbled).
pub fn parse_timestamp(text: &str) -> Option<Millis> {
    let (date, clock) = text.split_once(' ')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    // Four-digit years only (what PostgreSQL's timestamps print), so the arithmetic cannot
    // overflow on a value someone typed.
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let mut c = clock.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, s) = (c.next()??, c.next()??, c.next()??);
    if !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0..61).contains(&s) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), then seconds since 1970.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let unix = days * 86_400 + h * 3600 + mi * 60 + s;
    let epoch = time::unix_seconds(0) as i64;
    (unix >= epoch).then(|| (unix - epoch) as u64 * 1000)
}

/// The rows of some tables, and the newest `created_at` among them.
pub fn rows_of(tables: &[Table]) -> (u64, Option<Millis>) {
    let mut rows = 0;
    let mut newest: Option<Millis> = None;
    for t in tables.iter().filter(|t| t.torn_bytes.is_none()) {
        rows += t.rows.len() as u64;
        if let Some(col) = t.columns.iter().position(|(n, _)| n == CREATED_AT) {
            for row in &t.rows {
                if let Some(at) = row
                    .get(col)
                    .cloned()
                    .flatten()
                    .and_then(|v| parse_timestamp(&v))
                {
                    newest = Some(newest.map_or(at, |n: Millis| n.max(at)));
                }
            }
        }
    }
    (rows, newest)
}

fn is_postgres(world: &World, id: &ContainerId) -> bool {
    world.engine.containers.get(id).is_some_and(|c| {
        c.config.image.starts_with("postgres") && c.config.argv().iter().any(|a| a == "postgres")
    })
}

/// Records the rows a PostgreSQL container's database holds now.
pub fn sample(world: &mut World, id: &ContainerId) {
    if !is_postgres(world, id) {
        return;
    }
    let (rows, _) = rows_of(&postgres::tables(world, id));
    let name = world.engine.containers[id].name.clone();
    let now = world.now_ms;
    world.backups.sample(now, &name, rows);
}

/// Records every PostgreSQL container's rows (after a disaster).
pub fn sample_all(world: &mut World) {
    let ids: Vec<ContainerId> = world.engine.containers.keys().cloned().collect();
    for id in ids {
        sample(world, &id);
    }
}

/// A backup was written: `entry` at `path`, holding `tables`.
pub fn written(
    world: &mut World,
    tool: &str,
    path: &str,
    entry: &Entry,
    tables: &[Table],
    consistent: bool,
) {
    let (rows, newest_row_ms) = rows_of(tables);
    world.backups.marks.push(model::BackupMark {
        at_ms: world.now_ms,
        tool: tool.to_string(),
        path: path.to_string(),
        digest: hostfs::digest(entry),
        rows,
        newest_row_ms,
        consistent,
    });
}

/// The tables a packed data directory holds (heap files under `base/5/`).
pub fn tables_in_archive(archive: &hostfs::Archive) -> Vec<Table> {
    archive
        .members
        .iter()
        .filter_map(|(name, entry)| {
            let (dir, file) = name.rsplit_once('/')?;
            if !dir.ends_with("base/5") {
                return None;
            }
            let oid: u32 = file.parse().ok().filter(|o| *o >= 16_384)?;
            match entry {
                Entry::File { content } => postgres::decode_table(oid, content),
                _ => None,
            }
        })
        .collect()
}

/// A restore into `target` finished: from the backup whose digest is `digest` (if it is one),
/// leaving the database with `tables`.
pub fn restored(world: &mut World, target: &str, digest: Option<&str>, tables: &[Table]) {
    let (rows, newest_row_ms) = rows_of(tables);
    let from = digest.and_then(|d| world.backups.marks.iter().rposition(|m| m.digest == d));
    world.backups.restores.push(model::RestoreMark {
        at_ms: world.now_ms,
        container: target.to_string(),
        from,
        rows,
        newest_row_ms,
    });
    world.backups.sample(world.now_ms, target, rows);
}

/// A restore recorded now ends `took_ms` later (a tool moving its bytes): its mark and the rows
/// it brought back move to when it finishes.
pub fn restore_takes(world: &mut World, took_ms: Millis) {
    let now = world.now_ms;
    let Some(restore) = world.backups.restores.last_mut().filter(|r| r.at_ms == now) else {
        return;
    };
    restore.at_ms += took_ms;
    let container = restore.container.clone();
    if let Some(sample) = world
        .backups
        .samples
        .iter_mut()
        .rev()
        .find(|s| s.container == container && s.at_ms == now)
    {
        sample.at_ms += took_ms;
    }
}

pub fn disaster(world: &mut World, what: &str) {
    world.backups.disasters.push(model::DisasterMark {
        at_ms: world.now_ms,
        what: what.to_string(),
    });
    sample_all(world);
}

/// `! writes start CONTAINER TABLE RATE` (`1/h`, `10/m`, `2/s`): an application inserting one
/// row per period, each with its `created_at`; `! writes stop`.
pub fn start_writes(
    world: &mut World,
    container: &str,
    table: &str,
    every_ms: Millis,
    rec: &mut Record,
) -> Result<(), String> {
    let id = world
        .engine
        .by_name(container)
        .map(|c| c.id.clone())
        .ok_or_else(|| format!("no container {container}"))?;
    if !is_postgres(world, &id) {
        return Err(format!("{container} is not a PostgreSQL server"));
    }
    world.backups.writer = Some(model::Writer {
        container: container.to_string(),
        table: table.to_string(),
        every_ms,
        written: 0,
    });
    world.agenda.cancel(|e| matches!(e, Event::DataWrite));
    world.schedule_in(every_ms, Event::DataWrite);
    rec.say(format!(
        "An application now writes one row into {table} on {container} every {}, each stamped with its {CREATED_AT}: the data a backup must keep up with.",
        time::short_duration(every_ms)
    ));
    Ok(())
}

pub fn stop_writes(world: &mut World, rec: &mut Record) {
    world.backups.writer = None;
    world.agenda.cancel(|e| matches!(e, Event::DataWrite));
    rec.say("The application stopped writing.");
}

/// One write of the application; the next is scheduled whether or not this one could land
/// (a database that is down loses the write, as a real app's request would fail).
pub fn on_write(world: &mut World, rec: &mut Record) -> bool {
    let Some(writer) = world.backups.writer.clone() else {
        return false;
    };
    world.schedule_in(writer.every_ms, Event::DataWrite);
    rec.title = format!("the app writes to {}", writer.table);
    let Some(id) = world
        .engine
        .by_name(&writer.container)
        .map(|c| c.id.clone())
    else {
        rec.say(format!(
            "The app could not write: {} is gone.",
            writer.container
        ));
        return true;
    };
    if !world.engine.containers[&id].listening {
        rec.say(format!(
            "The app could not write: {} is not accepting connections.",
            writer.container
        ));
        return true;
    }
    let exists = postgres::tables(world, &id)
        .iter()
        .any(|t| t.name == writer.table);
    if !exists {
        let _ = postgres::execute(
            world,
            &id,
            &format!(
                "CREATE TABLE {} (id serial, body text, {CREATED_AT} timestamp)",
                writer.table
            ),
        );
    }
    let n = writer.written + 1;
    let sql = format!(
        "INSERT INTO {} (body, {CREATED_AT}) VALUES ('event {n}', '{}')",
        writer.table,
        timestamp(world.now_ms)
    );
    match postgres::execute(world, &id, &sql) {
        Ok(_) => {
            if let Some(w) = world.backups.writer.as_mut() {
                w.written = n;
            }
            rec.touch(&writer.container);
            sample(world, &id);
        }
        Err(e) => rec.say(format!("The app's write failed: {e}")),
    }
    true
}

/// Where a backup copy lives.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Place {
    /// On this host's disk, with the data.
    SameDisk,
    /// On this host's second disk (`/dev/sdb1`), mounted or not.
    OtherDisk,
    /// On another machine.
    OffSite,
}

/// A backup file found where it is now.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Copy {
    pub path: String,
    pub place: Place,
    pub size_bytes: u64,
    /// The backup mark it matches (by content), if it is one the page saw written.
    pub mark: Option<usize>,
}

/// Every backup file on the host and off-site: archives and dumps the page recognises by their
/// content.
pub fn copies(world: &World) -> Vec<Copy> {
    let fs = &world.fs;
    let here = fs.entries.iter().map(|(p, e)| {
        let place = if fs.on_second_disk(p) {
            Place::OtherDisk
        } else {
            Place::SameDisk
        };
        (p.clone(), e, place)
    });
    let detached = fs.second_disk.iter().map(|(rel, e)| {
        (
            format!("{}:/{rel}", hostfs::SECOND_DISK),
            e,
            Place::OtherDisk,
        )
    });
    let there = world.offsite.iter().flat_map(|(host, fs)| {
        fs.entries
            .iter()
            .map(move |(p, e)| (format!("{host}:{p}"), e, Place::OffSite))
    });
    here.chain(detached)
        .chain(there)
        .filter(|(_, e, _)| is_backup(e))
        .map(|(path, e, place)| {
            let digest = hostfs::digest(e);
            Copy {
                path,
                place,
                size_bytes: e.size_bytes(),
                mark: world.backups.marks.iter().rposition(|m| m.digest == digest),
            }
        })
        .collect()
}

fn is_backup(e: &Entry) -> bool {
    match e {
        Entry::Archive(_) => true,
        Entry::File { content } => content.starts_with("--\n-- PostgreSQL database"),
        _ => false,
    }
}

/// The 3-2-1 rule, counted: copies of the data (the live data plus each backup), places they
/// are on, and how many of those are off-site.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rule321 {
    pub copies: usize,
    pub media: usize,
    pub offsite: usize,
}

impl Rule321 {
    pub fn holds(&self) -> bool {
        self.copies >= 3 && self.media >= 2 && self.offsite >= 1
    }
}

pub fn rule_321(world: &World) -> Rule321 {
    let copies = copies(world);
    let offsite = copies.iter().filter(|c| c.place == Place::OffSite).count();
    let other_disk = copies.iter().any(|c| c.place == Place::OtherDisk);
    let media = 1 + usize::from(other_disk) + usize::from(offsite > 0);
    Rule321 {
        copies: 1 + copies.len(),
        media,
        offsite,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        for at in [0, 61_000, 86_400_000 * 31 + 3_600_000 * 17] {
            assert_eq!(parse_timestamp(&timestamp(at)), Some(at));
        }
        assert_eq!(timestamp(0), "2026-01-05 09:00:00");
        assert_eq!(parse_timestamp("garbage"), None);
        assert_eq!(parse_timestamp("99999999999999-01-01 00:00:00"), None);
        assert_eq!(parse_timestamp("2026-01-05 99999999999999:00:00"), None);
    }
}
