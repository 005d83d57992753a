//! Check sentences about where data lives: volumes, files inside containers, files on the host,
//! rows in a PostgreSQL table. src/sim/check.rs asks this file first.
//!
//! Real Docker has no such query; a learner would `docker volume ls`, `docker exec … cat` or
//! `psql -c 'SELECT count(*)'`. These sentences answer the same questions from the world without
//! running a command, so a scenario can state what must have survived.

use super::super::world::World;
use super::{containerfs, postgres};

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StoreCheck {
    /// `volume pgdata exists` / `volume pgdata is removed`
    VolumeExists { name: String, exists: bool },
    /// `volumes 2`: named and anonymous.
    VolumeCount { count: usize },
    /// `anonymous volumes 1`
    AnonymousVolumeCount { count: usize },
    /// `file /data/f in container web contains "hi"`, `file /data/f in container web is missing`
    ContainerFile {
        path: String,
        name: String,
        contains: Option<String>,
    },
    /// `host file data/notes.txt contains "hi"`: the project folder (bind mounts land there).
    HostFile { path: String, contains: String },
    /// `table notes in container db has 1 rows`
    TableRows {
        table: String,
        name: String,
        rows: usize,
    },
    /// `image notes-api:slim is under 200MB`: it exists and `docker images` shows it smaller
    /// (decimal units, as the SIZE column).
    ImageUnder { reference: String, max_bytes: u64 },
    /// `container api uses image notes-api:slim`: created from that reference.
    UsesImage { name: String, reference: String },
    /// `container db keeps /var/lib/postgresql/data in volume pgdata`: that folder is a mount of
    /// that named volume, so the data outlives the container.
    KeepsInVolume {
        name: String,
        target: String,
        volume: String,
    },
}

/// `200MB`, `1.5GB`, `80kB` as `docker images` prints sizes (powers of 1000).
fn decimal_size(text: &str) -> Result<u64, String> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale: f64 = match unit {
        "B" => 1.0,
        "kB" | "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        _ => return Err(format!("`{text}` is not a size (try 200MB or 1.2GB)")),
    };
    number
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| (n * scale) as u64)
        .ok_or_else(|| format!("`{text}` is not a size (try 200MB or 1.2GB)"))
}

fn quoted(text: &str) -> Result<String, String> {
    text.trim()
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .map(str::to_string)
        .ok_or_else(|| "the text must be in double quotes".to_string())
}

impl StoreCheck {
    /// `None` when the sentence is not about storage.
    pub fn parse(text: &str) -> Option<Result<StoreCheck, String>> {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix("file ") {
            return Some((|| {
                let (path, rest) = rest
                    .split_once(" in container ")
                    .ok_or("expected `file PATH in container NAME contains \"…\"`")?;
                let (name, what) = rest
                    .split_once(' ')
                    .ok_or("expected `contains \"…\"` or `is missing`")?;
                let contains = match what.trim() {
                    "is missing" => None,
                    w => Some(quoted(
                        w.strip_prefix("contains ")
                            .ok_or("expected `contains \"…\"` or `is missing`")?,
                    )?),
                };
                Ok(StoreCheck::ContainerFile {
                    path: path.to_string(),
                    name: name.to_string(),
                    contains,
                })
            })());
        }
        if let Some(rest) = text.strip_prefix("host file ") {
            return Some((|| {
                let (path, q) = rest
                    .split_once(" contains ")
                    .ok_or("expected `host file PATH contains \"…\"`")?;
                Ok(StoreCheck::HostFile {
                    path: path.to_string(),
                    contains: quoted(q)?,
                })
            })());
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        let number = |w: &str| {
            w.parse::<usize>()
                .map_err(|_| format!("`{w}` is not a number"))
        };
        Some(match words.as_slice() {
            ["volume", name, "exists"] => Ok(StoreCheck::VolumeExists {
                name: name.to_string(),
                exists: true,
            }),
            ["volume", name, "is", "removed"] => Ok(StoreCheck::VolumeExists {
                name: name.to_string(),
                exists: false,
            }),
            ["volumes", n] => number(n).map(|count| StoreCheck::VolumeCount { count }),
            ["anonymous", "volumes", n] => {
                number(n).map(|count| StoreCheck::AnonymousVolumeCount { count })
            }
            [
                "table",
                table,
                "in",
                "container",
                name,
                "has",
                n,
                "rows" | "row",
            ] => number(n).map(|rows| StoreCheck::TableRows {
                table: table.to_string(),
                name: name.to_string(),
                rows,
            }),
            ["image", reference, "is", "under", size] => {
                decimal_size(size).map(|max_bytes| StoreCheck::ImageUnder {
                    reference: reference.to_string(),
                    max_bytes,
                })
            }
            ["container", name, "uses", "image", reference] => Ok(StoreCheck::UsesImage {
                name: name.to_string(),
                reference: reference.to_string(),
            }),
            ["container", name, "keeps", target, "in", "volume", volume] => {
                Ok(StoreCheck::KeepsInVolume {
                    name: name.to_string(),
                    target: target.to_string(),
                    volume: volume.to_string(),
                })
            }
            _ => return None,
        })
    }

    pub fn holds(&self, world: &World) -> bool {
        let engine = &world.engine;
        match self {
            StoreCheck::ImageUnder {
                reference,
                max_bytes,
            } => super::image::ImageRef::parse(reference).is_ok_and(|r| {
                engine
                    .images
                    .get(&r.full())
                    .is_some_and(|i| i.size_bytes() < *max_bytes)
            }),
            StoreCheck::UsesImage { name, reference } => {
                let wanted = super::image::ImageRef::parse(reference).map(|r| r.full());
                engine.by_name(name).is_some_and(|c| {
                    super::image::ImageRef::parse(&c.config.image).map(|r| r.full()) == wanted
                })
            }
            StoreCheck::KeepsInVolume {
                name,
                target,
                volume,
            } => engine.by_name(name).is_some_and(|c| {
                c.fs.mounts.iter().any(|m| {
                    m.kind == super::mount::MountKind::Volume
                        && m.source == *volume
                        && m.target.trim_end_matches('/') == target.trim_end_matches('/')
                })
            }),
            StoreCheck::VolumeExists { name, exists } => {
                engine.volumes.contains_key(name) == *exists
            }
            StoreCheck::VolumeCount { count } => engine.volumes.len() == *count,
            StoreCheck::AnonymousVolumeCount { count } => {
                engine.volumes.values().filter(|v| v.anonymous).count() == *count
            }
            StoreCheck::ContainerFile {
                path,
                name,
                contains,
            } => engine.by_name(name).is_some_and(|c| match contains {
                None => !containerfs::exists(world, &c.id, path),
                Some(text) => {
                    containerfs::read(world, &c.id, path).is_ok_and(|r| r.contains(text.as_str()))
                }
            }),
            StoreCheck::HostFile { path, contains } => world
                .fs
                .read(path)
                .is_ok_and(|r| r.contains(contains.as_str())),
            StoreCheck::TableRows { table, name, rows } => engine.by_name(name).is_some_and(|c| {
                postgres::tables(world, &c.id)
                    .iter()
                    .any(|t| &t.name == table && t.rows.len() == *rows)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_sentences_parse() {
        assert_eq!(
            StoreCheck::parse("file /data/f in container web contains \"hi there\""),
            Some(Ok(StoreCheck::ContainerFile {
                path: "/data/f".into(),
                name: "web".into(),
                contains: Some("hi there".into())
            }))
        );
        assert_eq!(
            StoreCheck::parse("table notes in container db has 1 row"),
            Some(Ok(StoreCheck::TableRows {
                table: "notes".into(),
                name: "db".into(),
                rows: 1
            }))
        );
        assert_eq!(
            StoreCheck::parse("volume pgdata is removed"),
            Some(Ok(StoreCheck::VolumeExists {
                name: "pgdata".into(),
                exists: false
            }))
        );
        assert!(matches!(
            StoreCheck::parse("host file data/x contains y"),
            Some(Err(_))
        ));
        assert_eq!(StoreCheck::parse("container web is running"), None);
    }
}
