//! `docker export`, `docker import` and `docker commit`: a container's files as a tar archive
//! or as a new image, and what each leaves out.
//!
//! Real Docker (docker/cli reference pages `container_export.md`, `image_import.md`,
//! `container_commit.md`):
//! `export` writes a container's filesystem as a tar to standard output or `-o FILE`, and
//! refuses a terminal ("cowardly refusing to save to a terminal. Use the -o flag or redirect");
//! it "doesn't export the contents of volumes": a volume's mount point is exported as the empty
//! folder underneath. `import` makes an image of one flattened layer from such a tar: no history,
//! no CMD, ENV or ports unless `--change` gives them. `commit` makes an image of the container's
//! image plus its writable layer, with the container's configuration; "commits do not include any
//! data contained in mounted volumes", and the container is paused while it runs.
//!
//! `docker image save` writes images with all their layers, tags and history to a tar (OCI
//! layout: `index.json`, `manifest.json`, `blobs/sha256/…`), `docker image load` restores them
//! and prints `Loaded image: nginx:1.27`.
//!
//! What we model: those archives and images, carrying the files (so a container of the new image
//! sees them), their sizes, the messages and the IDs they print. What we simplify: `--change`
//! takes `CMD`, `ENTRYPOINT`, `ENV`, `WORKDIR` and `EXPOSE` in their JSON or shell form; the
//! pause of `commit` is instant; the standard folders of the image are exported empty; a saved
//! image's configuration is kept by ID beside the archive (`world.saved_images`, standing in for
//! the config blob's bytes), the archive listing its layers and tags.

use std::collections::BTreeMap;

use super::super::hostfs::{Archive, ArchiveFormat, Entry};
use super::super::ids::content_digest;
use super::super::record::Record;
use super::super::world::World;
use super::cli::DockerCommand;
use super::containerfs::{Files, Node};
use super::error::DockerError;
use super::images::{HistoryEntry, Image, ImageConfig};

/// The five commands, from the CLI's parse.
pub fn run(world: &mut World, command: DockerCommand, rec: &mut Record) -> Result<(), DockerError> {
    match command {
        DockerCommand::Export { container, output } => {
            export(world, &container, output.as_deref(), rec)
        }
        DockerCommand::Import {
            source,
            tag,
            changes,
            message,
        } => import(
            world,
            &source,
            tag.as_deref(),
            &changes,
            message.as_deref(),
            rec,
        ),
        DockerCommand::Commit {
            container,
            tag,
            changes,
            message,
        } => commit(
            world,
            &container,
            tag.as_deref(),
            &changes,
            message.as_deref(),
            rec,
        ),
        DockerCommand::Save { images, output } => save(world, &images, output.as_deref(), rec),
        DockerCommand::Load { input } => load(world, input.as_deref(), rec),
        _ => Ok(()),
    }
}

/// `docker export [-o FILE] CONTAINER`.
pub fn export(
    world: &mut World,
    container: &str,
    output: Option<&str>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let id = world.engine.resolve(container)?;
    let c = &world.engine.containers[&id];
    if output.is_none() && !world.shell.stdout_redirected {
        return Err(DockerError::new(
            "cowardly refusing to save to a terminal. Use the -o flag or redirect",
            1,
        ));
    }
    let mut members: std::collections::BTreeMap<String, Entry> = std::collections::BTreeMap::new();
    for dir in &c.fs.image_dirs {
        members.insert(dir.trim_start_matches('/').to_string(), Entry::Dir);
    }
    members.insert(
        ".dockerenv".to_string(),
        Entry::File {
            content: String::new(),
        },
    );
    for (rel, node) in c.fs.image_files.iter().chain(c.fs.writable_layer.iter()) {
        members.insert(rel.clone(), node.to_entry());
    }
    // A volume's or bind mount's files are not the container's: its mount point is exported as
    // the folder underneath, empty.
    let mut skipped = Vec::new();
    for m in &c.fs.mounts {
        let target = m.target.trim_start_matches('/').to_string();
        members.retain(|k, _| k != &target && !k.starts_with(&format!("{target}/")));
        members.insert(target.clone(), Entry::Dir);
        skipped.push(m.target.clone());
    }
    let name = c.name.clone();
    let archive = Archive {
        format: ArchiveFormat::Tar,
        members,
    };
    let size = archive.size_bytes();
    rec.touch(&name);
    if !skipped.is_empty() {
        rec.say(format!(
            "docker export wrote {name}'s own files only: {} {} mounted from outside the container, so the archive holds an empty folder there, not the data.",
            skipped.join(", "),
            if skipped.len() == 1 { "is" } else { "are" }
        ));
    }
    match output {
        Some(path) => {
            world
                .fs
                .put(path, Entry::Archive(Box::new(archive)))
                .map_err(|e| {
                    DockerError::new(format!("failed to export container: open {e}"), 1)
                })?;
            rec.say(format!("{path} holds {name}'s filesystem ({size} bytes)."));
        }
        None => world.shell.stdout_archive = Some(archive),
    }
    Ok(())
}

/// Applies `--change` instructions to a new image's configuration.
fn apply_changes(config: &mut ImageConfig, changes: &[String]) -> Result<(), DockerError> {
    for change in changes {
        let (instruction, rest) = change.trim().split_once(' ').unwrap_or((change.trim(), ""));
        let words = || -> Vec<String> {
            serde_json::from_str::<Vec<String>>(rest.trim()).unwrap_or_else(|_| {
                vec![
                    "/bin/sh".to_string(),
                    "-c".to_string(),
                    rest.trim().to_string(),
                ]
            })
        };
        match instruction.to_ascii_uppercase().as_str() {
            "CMD" => config.cmd = words(),
            "ENTRYPOINT" => config.entrypoint = words(),
            "ENV" => config.env.push(rest.trim().replacen(' ', "=", 1)),
            "WORKDIR" => config.workdir = rest.trim().to_string(),
            "EXPOSE" => {
                if let Ok(port) = rest.trim().trim_end_matches("/tcp").parse() {
                    config.exposed_ports.push(port);
                }
            }
            other => {
                return Err(DockerError::daemon(format!(
                    "{} is not a valid change command",
                    other.to_ascii_lowercase()
                )));
            }
        }
    }
    Ok(())
}

/// An image made on this host (not pulled): no registry digest, no tags yet.
fn made_here(id: String, history: Vec<HistoryEntry>, config: ImageConfig, files: Files) -> Image {
    Image {
        id,
        repo_tags: Vec::new(),
        repo_digest: None,
        history,
        config,
        built_days_ago: None,
        built_at_ms: 0,
        stored_at_ms: 0,
        seq: 0,
        files,
    }
}

fn store(world: &mut World, tag: Option<&str>, mut image: Image) -> Result<String, DockerError> {
    let tag = match tag {
        Some(t) => Some(
            super::image::ImageRef::parse(t)
                .map_err(|e| DockerError::new(e, 1))?
                .full(),
        ),
        None => None,
    };
    image.stored_at_ms = world.now_ms;
    image.built_at_ms = world.now_ms;
    let id = image.id.clone();
    world.engine.images.insert(tag.as_deref(), image);
    Ok(id)
}

/// `docker import [-c CHANGE]… FILE|- [REPOSITORY[:TAG]]`.
pub fn import(
    world: &mut World,
    source: &str,
    tag: Option<&str>,
    changes: &[String],
    message: Option<&str>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let entry = if source == "-" {
        world.shell.stdin.take()
    } else {
        world.fs.get(source).cloned()
    };
    let archive = match entry {
        Some(Entry::Archive(a))
            if matches!(a.format, ArchiveFormat::Tar | ArchiveFormat::TarGz) =>
        {
            *a
        }
        Some(_) => {
            return Err(DockerError::daemon("archive/tar: invalid tar header"));
        }
        None if source == "-" => {
            return Err(DockerError::daemon("archive/tar: invalid tar header"));
        }
        None => {
            return Err(DockerError::new(
                format!("open {source}: no such file or directory"),
                1,
            ));
        }
    };
    let files: Files = archive
        .members
        .iter()
        .filter(|(k, _)| !k.is_empty() && *k != ".")
        .map(|(k, e)| (k.trim_start_matches("./").to_string(), Node::from_entry(e)))
        .collect();
    let size = archive.tar_bytes();
    let layer = content_digest(&format!("layer:{:?}", archive.members));
    let mut config = ImageConfig {
        os: "linux".to_string(),
        workdir: "/".to_string(),
        stop_signal: "SIGTERM".to_string(),
        ..ImageConfig::default()
    };
    apply_changes(&mut config, changes)?;
    let image = made_here(
        content_digest(&format!("imported:{layer}:{config:?}")),
        vec![HistoryEntry {
            created_by: String::new(),
            size_bytes: size,
            layer: Some(layer),
            comment: message.map_or_else(|| format!("Imported from {source}"), str::to_string),
        }],
        config,
        files,
    );
    let id = store(world, tag, image)?;
    rec.out(format!("sha256:{id}"));
    rec.say("The image is one flattened layer with no history, and none of the original image's settings: no CMD, ENV, ports or volumes unless --change gives them.");
    Ok(())
}

/// `docker commit [-c CHANGE]… [-m MESSAGE] CONTAINER [REPOSITORY[:TAG]]`.
pub fn commit(
    world: &mut World,
    container: &str,
    tag: Option<&str>,
    changes: &[String],
    message: Option<&str>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let id = world.engine.resolve(container)?;
    let c = &world.engine.containers[&id];
    let base = world
        .engine
        .images
        .by_id
        .get(&c.config.image_id)
        .or_else(|| world.engine.images.find(&c.config.image))
        .cloned()
        .ok_or_else(|| DockerError::daemon(format!("No such image: {}", c.config.image)))?;
    let mut files = base.files.clone();
    files.extend(c.fs.writable_layer.clone());
    let layer_size: u64 = c.fs.writable_layer.values().map(Node::size_bytes).sum();
    let mut config = base.config.clone();
    config.cmd = c.config.cmd.clone();
    config.entrypoint = c.config.entrypoint.clone();
    config.env = c.config.env.clone();
    apply_changes(&mut config, changes)?;
    let layer = content_digest(&format!("commit:{}:{:?}", c.id.0, c.fs.writable_layer));
    let mut history = base.history.clone();
    history.push(HistoryEntry {
        created_by: c.config.argv().join(" "),
        size_bytes: layer_size,
        layer: Some(layer.clone()),
        comment: message.unwrap_or("").to_string(),
    });
    let volumes: Vec<String> = c.fs.mounts.iter().map(|m| m.target.clone()).collect();
    let name = c.name.clone();
    let image = made_here(
        content_digest(&format!("committed:{layer}:{config:?}")),
        history,
        config,
        files,
    );
    let image_id = store(world, tag, image)?;
    rec.out(format!("sha256:{image_id}"));
    rec.touch(&name);
    rec.say(format!(
        "{name} was paused while its writable layer ({layer_size} bytes) became a new layer on top of its image.{}",
        if volumes.is_empty() {
            String::new()
        } else {
            format!(" What is mounted at {} is not in the image: commits do not include volumes.", volumes.join(", "))
        }
    ));
    Ok(())
}

/// `docker image save [-o FILE] IMAGE…`.
pub fn save(
    world: &mut World,
    images: &[String],
    output: Option<&str>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    if output.is_none() && !world.shell.stdout_redirected {
        return Err(DockerError::new(
            "cowardly refusing to save to a terminal. Use the -o flag or redirect",
            1,
        ));
    }
    let mut members: BTreeMap<String, Entry> = BTreeMap::new();
    let mut manifest = Vec::new();
    for name in images {
        let image = world
            .engine
            .images
            .find(name)
            .cloned()
            .ok_or_else(|| DockerError::daemon(format!("No such image: {name}")))?;
        let layers: Vec<String> = image
            .history
            .iter()
            .filter_map(|h| h.layer.clone().map(|l| (l, h.size_bytes)))
            .map(|(layer, size)| {
                members.insert(
                    format!("blobs/sha256/{layer}"),
                    Entry::Bulk {
                        size_bytes: size,
                        file_count: 1,
                    },
                );
                format!("\"blobs/sha256/{layer}\"")
            })
            .collect();
        let tag = super::image::ImageRef::parse(name)
            .ok()
            .map(|r| r.full())
            .filter(|t| image.repo_tags.contains(t));
        let tags = tag.map(|t| format!("\"{t}\"")).unwrap_or_default();
        manifest.push(format!(
            "{{\"Config\":\"blobs/sha256/{}\",\"RepoTags\":[{tags}],\"Layers\":[{}]}}",
            image.id,
            layers.join(",")
        ));
        members.insert(
            format!("blobs/sha256/{}", image.id),
            Entry::File {
                content: format!(
                    "{{\"architecture\":\"amd64\",\"os\":\"linux\",\"history\":{}}}",
                    image.history.len()
                ),
            },
        );
        world.saved_images.insert(image.id.clone(), image);
    }
    members.insert(
        "manifest.json".to_string(),
        Entry::File {
            content: format!("[{}]", manifest.join(",")),
        },
    );
    members.insert(
        "oci-layout".to_string(),
        Entry::File {
            content: "{\"imageLayoutVersion\":\"1.0.0\"}".to_string(),
        },
    );
    members.insert(
        "index.json".to_string(),
        Entry::File {
            content: "{\"schemaVersion\":2}".to_string(),
        },
    );
    let archive = Archive {
        format: ArchiveFormat::Tar,
        members,
    };
    rec.say(format!(
        "The archive holds {} image(s) with every layer, tag and history entry: `docker load` brings them back as they were. It holds no container and no volume.",
        images.len()
    ));
    match output {
        Some(path) => world
            .fs
            .put(path, Entry::Archive(Box::new(archive)))
            .map_err(|e| DockerError::new(format!("failed to save image: open {e}"), 1)),
        None => {
            world.shell.stdout_archive = Some(archive);
            Ok(())
        }
    }
}

/// `docker image load [-i FILE]` (or `< FILE`).
pub fn load(world: &mut World, input: Option<&str>, rec: &mut Record) -> Result<(), DockerError> {
    let entry =
        match input {
            Some(path) => world.fs.get(path).cloned().ok_or_else(|| {
                DockerError::new(format!("open {path}: no such file or directory"), 1)
            })?,
            None => world.shell.stdin.take().ok_or_else(|| {
                DockerError::new("requested load from stdin, but stdin is empty", 1)
            })?,
        };
    let manifest = match &entry {
        Entry::Archive(a) => match a.members.get("manifest.json") {
            Some(Entry::File { content }) => content.clone(),
            _ => return Err(DockerError::daemon("unexpected EOF")),
        },
        _ => return Err(DockerError::daemon("unexpected EOF")),
    };
    let configs: Vec<(String, Vec<String>)> = serde_json::from_str::<serde_json::Value>(&manifest)
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            let id = m.get("Config")?.as_str()?.rsplit('/').next()?.to_string();
            let tags = m
                .get("RepoTags")?
                .as_array()?
                .iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect();
            Some((id, tags))
        })
        .collect();
    for (id, tags) in configs {
        let Some(mut image) = world.saved_images.get(&id).cloned() else {
            return Err(DockerError::daemon("unexpected EOF"));
        };
        image.repo_tags.clear();
        image.stored_at_ms = world.now_ms;
        if tags.is_empty() {
            world.engine.images.insert(None, image.clone());
            rec.out(format!("Loaded image ID: sha256:{id}"));
        }
        for tag in &tags {
            world.engine.images.insert(Some(tag), image.clone());
            rec.out(format!("Loaded image: {tag}"));
        }
    }
    Ok(())
}
