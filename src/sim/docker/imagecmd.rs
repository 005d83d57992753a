//! The image commands: `docker images`, `history`, `image rm`/`rmi`, `pull`, `system df`,
//! `image inspect`, `builder prune`.
//!
//! What real Docker prints, and we print: the docker/cli formatters (tabwriter with 3 spaces of
//! padding; `docker history` truncates CREATED BY to 45 columns with `…` and shows `<missing>` for
//! the layers a pull brought, whose intermediate images do not exist locally); `docker image rm`
//! prints `Untagged:` per tag and `Deleted:` for the image and each layer no other image uses,
//! and refuses with moby's conflict errors while a container uses the image; `docker system df`
//! counts each shared layer once, so its SIZE is smaller than the sum of `docker images`.
//!
//! What we simplify: containers have no writable-layer size yet (0B); `docker images` sorts by
//! creation time like the daemon, with the tag as a tie-break.

use super::super::record::Record;
use super::super::time::{self, Millis};
use super::super::world::World;
use super::build;
use super::engine;
use super::error::DockerError;
use super::image::{ImageRef, human_size};
use super::images::Image;
use super::output::tabwrite;
use crate::sim::order::CollectOrdered;

/// `units.HumanSize` (4 significant digits), which `docker system df` uses.
pub fn human_size4(size_bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut size = size_bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit < UNITS.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    let digits = if size >= 1000.0 {
        0
    } else if size >= 100.0 {
        1
    } else if size >= 10.0 {
        2
    } else {
        3
    };
    let mut text = format!("{size:.digits$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    format!("{text}{}", UNITS[unit])
}

/// `stringutils.Ellipsis`: at most `max` columns, the last one `…`.
fn ellipsis(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

/// Images newest first, as the daemon sorts them.
fn listed(world: &World) -> Vec<&Image> {
    let now = world.now_ms;
    let mut list: Vec<&Image> = world.engine.images.by_id.values().collect();
    crate::sim::order::sort_by(&mut list, |a, b| {
        a.age_ms(now)
            .cmp(&b.age_ms(now))
            .then(b.seq.cmp(&a.seq))
            .then(a.repo_tags.cmp(&b.repo_tags))
    });
    list
}

/// `docker images`: one row per tag (a dangling image gets `<none> <none>`).
pub fn images(world: &World, quiet: bool) -> String {
    let now = world.now_ms;
    let list = listed(world);
    if quiet {
        return list
            .iter()
            .map(|i| i.id[..12].to_string())
            .collect::<Vec<_>>()
            .join("\n");
    }
    let mut rows = vec![vec![
        "REPOSITORY".to_string(),
        "TAG".into(),
        "IMAGE ID".into(),
        "CREATED".into(),
        "SIZE".into(),
    ]];
    for image in list {
        let mut tags = image.repo_tags.clone();
        crate::sim::order::sort(&mut tags);
        if tags.is_empty() {
            tags.push("<none>:<none>".to_string());
        }
        for tag in tags {
            let (repo, tag) = tag.rsplit_once(':').unwrap_or((&tag, "latest"));
            rows.push(vec![
                repo.to_string(),
                tag.to_string(),
                image.id[..12].to_string(),
                created(image, now),
                human_size(image.size_bytes()),
            ]);
        }
    }
    tabwrite(&rows)
}

fn created(image: &Image, now_ms: Millis) -> String {
    format!("{} ago", time::human_duration(image.age_ms(now_ms)))
}

fn no_such_image(reference: &str) -> DockerError {
    let shown = ImageRef::parse(reference)
        .ok()
        .filter(|_| !reference.chars().all(|c| c.is_ascii_hexdigit()))
        .map(|r| r.full())
        .unwrap_or_else(|| reference.to_string());
    DockerError::daemon(format!("No such image: {shown}"))
}

/// `docker history IMAGE`.
pub fn history(
    world: &World,
    reference: &str,
    no_trunc: bool,
    quiet: bool,
) -> Result<String, DockerError> {
    let image = world
        .engine
        .images
        .find(reference)
        .ok_or_else(|| no_such_image(reference))?;
    let now = world.now_ms;
    let mut rows = vec![vec![
        "IMAGE".to_string(),
        "CREATED".into(),
        "CREATED BY".into(),
        "SIZE".into(),
        "COMMENT".into(),
    ]];
    let mut ids = Vec::new();
    for (i, h) in image.history.iter().enumerate().rev() {
        // Only the image itself has an ID here; the steps below it came with it (<missing>).
        let id = if i + 1 == image.history.len() {
            if no_trunc {
                format!("sha256:{}", image.id)
            } else {
                image.id[..12].to_string()
            }
        } else {
            "<missing>".to_string()
        };
        ids.push(id.clone());
        let created_by = h.created_by.replace('\t', " ");
        rows.push(vec![
            id,
            created(image, now),
            if no_trunc {
                created_by
            } else {
                ellipsis(&created_by, 45)
            },
            human_size(h.size_bytes),
            h.comment.clone(),
        ]);
    }
    if quiet {
        return Ok(ids.join("\n"));
    }
    Ok(tabwrite(&rows))
}

/// `docker image rm` / `docker rmi`, one reference.
pub fn remove(
    world: &mut World,
    reference: &str,
    force: bool,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let image = world
        .engine
        .images
        .find(reference)
        .cloned()
        .ok_or_else(|| no_such_image(reference))?;
    let by_tag = ImageRef::parse(reference)
        .ok()
        .map(|r| r.full())
        .filter(|t| image.repo_tags.contains(t));
    // Removing one of several tags only untags (moby daemon/images/image_delete.go).
    if let Some(tag) = &by_tag
        && image.repo_tags.len() > 1
    {
        untag(world, &image.id, tag);
        rec.out(format!("Untagged: {tag}"));
        rec.say(format!("{tag} was one of several names for this image: only the name went; the image and its layers stay."));
        return Ok(());
    }
    if by_tag.is_none() && image.repo_tags.len() > 1 && !force {
        return Err(DockerError::daemon(format!(
            "conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
            &image.id[..12]
        )));
    }
    let shown = by_tag.clone().unwrap_or_else(|| image.id[..12].to_string());
    let users: Vec<_> = world
        .engine
        .containers
        .values()
        .filter(|c| c.config.image_id == image.id)
        .collect();
    if let Some(running) = users.iter().find(|c| c.status().is_up()) {
        return Err(DockerError::daemon(format!(
            "conflict: unable to delete {shown} (cannot be forced) - image is being used by running container {}",
            &running.id.0[..12]
        )));
    }
    if let Some(stopped) = users.first() {
        if !force {
            return Err(DockerError::daemon(format!(
                "conflict: unable to delete {shown} (must be forced) - container {} is using its referenced image {}",
                &stopped.id.0[..12],
                &image.id[..12]
            )));
        }
        // -f with a stopped container: the tags go, the image stays for the container.
        for tag in image.repo_tags.clone() {
            untag(world, &image.id, &tag);
            rec.out(format!("Untagged: {tag}"));
        }
        return Ok(());
    }
    for tag in &image.repo_tags {
        rec.out(format!("Untagged: {tag}"));
        if let Some(digest) = &image.repo_digest {
            let repo = tag.rsplit_once(':').map(|(r, _)| r).unwrap_or(tag);
            rec.out(format!("Untagged: {repo}@sha256:{digest}"));
        }
    }
    for tag in image.repo_tags.clone() {
        world.engine.images.tags.remove(&tag);
    }
    world.engine.images.by_id.remove(&image.id);
    rec.out(format!("Deleted: sha256:{}", image.id));
    let mut kept = 0;
    let mut freed = 0;
    for (layer, size) in image.layers().into_iter().rev() {
        if world.engine.images.has_layer(layer) {
            kept += 1;
        } else {
            freed += size;
            rec.out(format!("Deleted: sha256:{layer}"));
        }
    }
    rec.touch(image.display_name());
    rec.say(format!(
        "The image is gone and {} of disk came back{}.",
        human_size(freed),
        if kept > 0 {
            format!(
                "; {kept} layer{} stayed because another image still uses {}",
                if kept == 1 { "" } else { "s" },
                if kept == 1 { "it" } else { "them" }
            )
        } else {
            String::new()
        }
    ));
    Ok(())
}

fn untag(world: &mut World, id: &str, tag: &str) {
    world.engine.images.tags.remove(tag);
    if let Some(image) = world.engine.images.by_id.get_mut(id) {
        image.repo_tags.retain(|t| t != tag);
    }
}

/// `docker pull NAME[:TAG]`.
pub fn pull(world: &mut World, name: &str, rec: &mut Record) -> Result<(), DockerError> {
    let reference = ImageRef::parse(name).map_err(|e| DockerError::new(e, 1))?;
    if !name.contains(':') {
        rec.out("Using default tag: latest");
    }
    if let Some(local) = world.engine.images.get(&reference.full()) {
        let remote = engine::pull(world, &reference)?;
        rec.out(format!(
            "{}: Pulling from {}",
            reference.tag,
            reference.hub_path()
        ));
        rec.out(format!(
            "Digest: sha256:{}",
            remote.repo_digest.clone().unwrap_or_default()
        ));
        if local.id == remote.id {
            rec.out(format!(
                "Status: Image is up to date for {}",
                reference.full()
            ));
        } else {
            // A local build under a Hub name: the registry's image replaces the tag.
            world.engine.images.insert(Some(&reference.full()), remote);
            rec.out(format!(
                "Status: Downloaded newer image for {}",
                reference.full()
            ));
        }
    } else {
        super::platform::ensure_image_for(world, &reference, rec, false, None)?;
    }
    rec.touch(reference.full());
    // The fully qualified name (`docker.io/library/nginx:latest`, `127.0.0.1:5000/shop-api:1.0`).
    rec.out(format!(
        "{}/{}:{}",
        reference.registry,
        reference.hub_path(),
        reference.tag
    ));
    Ok(())
}

/// `docker system df`.
pub fn system_df(world: &World) -> String {
    let store = &world.engine.images;
    let unique = store.unique_layers();
    let total: u64 = unique.values().sum();
    let active_ids: Vec<&String> = store
        .by_id
        .keys()
        .filter(|id| {
            world
                .engine
                .containers
                .values()
                .any(|c| &c.config.image_id == *id)
        })
        .collect();
    // Reclaimable: layers no image in use needs.
    let in_use: std::collections::BTreeSet<&str> = active_ids
        .iter()
        .filter_map(|id| store.by_id.get(*id))
        .flat_map(|i| i.layers().into_iter().map(|(d, _)| d))
        .collect_set();
    let reclaimable: u64 = unique
        .iter()
        .filter(|(d, _)| !in_use.contains(d.as_str()))
        .map(|(_, s)| s)
        .sum();
    let percent = |part: u64, whole: u64| (part * 100).checked_div(whole).unwrap_or(0);
    let containers = world.engine.containers.len();
    let running = world
        .engine
        .containers
        .values()
        .filter(|c| c.status().is_up())
        .count();
    // Volumes (src/sim/docker/volume/mod.rs): in use when a container mounts them.
    let volumes = &world.engine.volumes;
    let volumes_size: u64 = volumes.values().map(|v| v.size_bytes()).sum();
    let mut volumes_active = 0;
    let mut volumes_reclaimable = 0;
    for v in volumes.values() {
        if super::volume::users(world, &v.name).is_empty() {
            volumes_reclaimable += v.size_bytes();
        } else {
            volumes_active += 1;
        }
    }
    let cache = &world.builder.cache;
    let cache_size: u64 = cache.values().map(|r| r.size_bytes).sum();
    let rows = vec![
        vec![
            "TYPE".to_string(),
            "TOTAL".into(),
            "ACTIVE".into(),
            "SIZE".into(),
            "RECLAIMABLE".into(),
        ],
        vec![
            "Images".to_string(),
            store.by_id.len().to_string(),
            active_ids.len().to_string(),
            human_size4(total),
            format!(
                "{} ({}%)",
                human_size4(reclaimable),
                percent(reclaimable, total)
            ),
        ],
        vec![
            "Containers".to_string(),
            containers.to_string(),
            running.to_string(),
            "0B".into(),
            "0B (0%)".into(),
        ],
        vec![
            "Local Volumes".to_string(),
            volumes.len().to_string(),
            volumes_active.to_string(),
            human_size4(volumes_size),
            format!(
                "{} ({}%)",
                human_size4(volumes_reclaimable),
                percent(volumes_reclaimable, volumes_size)
            ),
        ],
        vec![
            "Build Cache".to_string(),
            cache.len().to_string(),
            "0".into(),
            human_size4(cache_size),
            human_size4(cache_size),
        ],
    ];
    tabwrite(&rows)
}

/// `docker image inspect`: the fields a learner reads.
pub fn inspect_json(image: &Image) -> serde_json::Value {
    let c = &image.config;
    let ports: serde_json::Map<String, serde_json::Value> = c
        .exposed_ports
        .iter()
        .map(|p| (format!("{p}/tcp"), serde_json::json!({})))
        .collect();
    let labels: serde_json::Map<String, serde_json::Value> = c
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let volumes: serde_json::Map<String, serde_json::Value> = c
        .volumes
        .iter()
        .map(|v| (v.clone(), serde_json::json!({})))
        .collect();
    let null_if_empty = |v: &Vec<String>| {
        if v.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::json!(v)
        }
    };
    serde_json::json!({
        "Id": format!("sha256:{}", image.id),
        "RepoTags": image.repo_tags,
        "RepoDigests": image.repo_digest.iter().flat_map(|d| image.repo_tags.iter().map(move |t| format!("{}@sha256:{d}", t.rsplit_once(':').map(|(r, _)| r).unwrap_or(t)))).collect::<Vec<_>>(),
        "Comment": if image.built_days_ago.is_none() { "buildkit.dockerfile.v0" } else { "" },
        "Config": {
            "User": c.user,
            "ExposedPorts": if ports.is_empty() { serde_json::Value::Null } else { serde_json::Value::Object(ports) },
            "Env": c.env,
            "Cmd": null_if_empty(&c.cmd),
            "Healthcheck": c.healthcheck.as_ref().map(|t| super::health::image_config_json(t, &c.healthcheck_timing)),
            "Volumes": if volumes.is_empty() { serde_json::Value::Null } else { serde_json::Value::Object(volumes) },
            "WorkingDir": if c.workdir == "/" { String::new() } else { c.workdir.clone() },
            "Entrypoint": null_if_empty(&c.entrypoint),
            "Labels": if labels.is_empty() { serde_json::Value::Null } else { serde_json::Value::Object(labels) },
            "StopSignal": if c.stop_signal == "SIGTERM" { serde_json::Value::Null } else { serde_json::json!(c.stop_signal) },
        },
        "Architecture": "amd64",
        "Os": c.os,
        "Size": image.size_bytes(),
        "RootFS": {
            "Type": "layers",
            "Layers": image.layers().iter().map(|(d, _)| format!("sha256:{d}")).collect::<Vec<_>>(),
        },
    })
}

/// `docker image inspect NAME…`.
pub fn image_inspect(
    world: &World,
    names: &[String],
    format: Option<&str>,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let mut values = Vec::new();
    let mut missing = Vec::new();
    for name in names {
        match world.engine.images.find(name) {
            Some(image) => values.push(inspect_json(image)),
            None => missing.push(format!("Error: No such image: {name}")),
        }
    }
    match format {
        Some(template) => {
            for v in &values {
                rec.out(
                    super::output::inspect_format(v, template)
                        .map_err(|e| DockerError::new(e, 1))?,
                );
            }
        }
        None => rec.out(super::output::inspect_text(&values)),
    }
    if missing.is_empty() {
        Ok(())
    } else if values.is_empty() {
        Err(DockerError::new(missing.join("\n"), 1))
    } else {
        rec.err(missing.join("\n"));
        Ok(())
    }
}

/// `docker builder prune [-f]`.
pub fn builder_prune(world: &mut World, rec: &mut Record) {
    let cache = std::mem::take(&mut world.builder.cache);
    let total: u64 = cache.values().map(|r| r.size_bytes).sum();
    if !cache.is_empty() {
        let mut rows = vec![vec![
            "ID".to_string(),
            "RECLAIMABLE".into(),
            "SIZE".into(),
            "LAST ACCESSED".into(),
        ]];
        for (key, record) in &cache {
            rows.push(vec![
                format!("{}*", &build::record_id(key)),
                "true".into(),
                human_size4(record.size_bytes),
                "Less than a second ago".into(),
            ]);
        }
        rec.out(tabwrite(&rows));
    }
    rec.out(format!("Total:\t{}", human_size4(total)));
    rec.say(format!(
        "The build cache is empty now ({} entr{} removed): the next build runs every step again. Images are untouched.",
        cache.len(),
        if cache.len() == 1 { "y" } else { "ies" }
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_ellipsis_print_like_the_cli() {
        assert_eq!(human_size4(16_430_000), "16.43MB");
        assert_eq!(human_size4(0), "0B");
        assert_eq!(human_size4(1_234_567_890), "1.235GB");
        assert_eq!(ellipsis("abc", 45), "abc");
        let long = "RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit";
        let short = ellipsis(long, 45);
        assert_eq!(short.chars().count(), 45);
        assert!(short.ends_with('…'));
    }
}
