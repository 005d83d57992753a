//! Platforms: which images this daemon can pull and run.
//!
//! What real Docker does: a tag on a registry is usually a manifest list (an OCI index) with one
//! image per platform (`linux/amd64`, `linux/arm64`, `windows/amd64` …). The daemon's puller picks
//! the entry for the requested platform, by default its own, and when the list has none it fails
//! with `no matching manifest for linux/amd64 in the manifest list entries` (moby v28.5.2
//! `distribution/pull_v2.go`, `noMatchesErr`). With `--platform windows/amd64` a Linux daemon finds
//! the Windows entry, but as soon as it reads the image's config it refuses it:
//! `image operating system "windows" cannot be used on this platform: operating system is not
//! supported` (`distribution/config.go` `platformFromConfig` wrapping `image.CheckOS`). Both errors
//! arrive in the pull's progress stream after `<tag>: Pulling from <path>`, so `docker pull` prints
//! them bare (exit 1) and `docker run` as `docker: …`.
//!
//! What we model: this daemon is `linux/amd64`; catalogue images are Linux images for every
//! platform we name, except those whose catalogue `os` is `windows` (Windows-only lists).
//! What we simplify: `--platform` takes `linux/amd64` or `windows/amd64` only; other architectures
//! would need an emulator (binfmt/QEMU) that this simulation does not model. The containerd image
//! store (Docker 29's default) words these errors differently; we follow the v28 graphdriver store.

use super::super::record::Record;
use super::super::world::World;
use super::catalogue::{self, Lookup};
use super::engine;
use super::error::DockerError;
use super::image::ImageRef;
use super::images::Image;

/// The daemon's own platform (`docker version` → OS/Arch).
pub const DAEMON_PLATFORM: &str = "linux/amd64";

/// The repository path as the pull progress prints it: without the registry's host name.
pub fn pull_path(reference: &ImageRef) -> String {
    match reference.repo.split_once('/') {
        Some((host, rest)) if host.contains('.') || host.contains(':') => rest.to_string(),
        _ => reference.hub_path(),
    }
}

/// Why an image of operating system `image_os` cannot be pulled for `requested` (the daemon's
/// own platform when `None`). The text is the daemon's, without any prefix.
pub fn check_pull(image_os: &str, requested: Option<&str>) -> Result<(), String> {
    let platform = requested.unwrap_or(DAEMON_PLATFORM);
    let wanted_os = platform.split('/').next().unwrap_or("");
    if wanted_os != image_os {
        return Err(format!(
            "no matching manifest for {platform} in the manifest list entries"
        ));
    }
    if image_os != "linux" {
        return Err(format!(
            "image operating system \"{image_os}\" cannot be used on this platform: operating system is not supported"
        ));
    }
    Ok(())
}

/// `--platform` values this simulation understands.
pub fn parse_platform(text: &str) -> Result<String, DockerError> {
    let normal = text.to_ascii_lowercase();
    match normal.as_str() {
        "linux/amd64" | "linux/x86_64" | "linux" => Ok("linux/amd64".to_string()),
        "windows/amd64" | "windows" => Ok("windows/amd64".to_string()),
        _ if normal.split('/').count() > 3 || normal.is_empty() => Err(DockerError::daemon(
            // containerd/platforms: what the daemon answers for a malformed specifier.
            format!("\"{text}\": unknown operating system or architecture: invalid argument"),
        )),
        _ => Err(DockerError::new(
            format!(
                "dockyard: --platform {text} is not simulated (this host is linux/amd64; try linux/amd64 or windows/amd64)"
            ),
            1,
        )),
    }
}

/// `engine::ensure_image` with the platform check first: a registry image whose manifest list
/// has nothing for the requested platform fails after `Pulling from`, before any layer.
pub fn ensure_image_for(
    world: &mut World,
    reference: &ImageRef,
    rec: &mut Record,
    for_run: bool,
    platform: Option<&str>,
) -> Result<Image, DockerError> {
    let platform = platform.map(parse_platform).transpose()?;
    if !world.engine.images.contains_key(&reference.full())
        && let Lookup::Found(spec) = catalogue::lookup(reference)
        && let Err(message) = check_pull(spec.os, platform.as_deref())
    {
        let pulling = format!("{}: Pulling from {}", reference.tag, pull_path(reference));
        if for_run {
            rec.err(format!(
                "Unable to find image '{}' locally",
                reference.full()
            ));
            rec.err(pulling);
        } else {
            rec.out(pulling);
        }
        rec.say(format!(
            "{} is a {} image; this host's kernel is Linux. A container runs on the host's kernel, so Docker cannot run an image made for another operating system.",
            reference.full(),
            spec.os
        ));
        return Err(DockerError::new(message, 1));
    }
    engine::ensure_image(world, reference, rec, for_run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_windows_only_list_has_no_linux_entry() {
        assert_eq!(
            check_pull("windows", None).unwrap_err(),
            "no matching manifest for linux/amd64 in the manifest list entries"
        );
        assert_eq!(
            check_pull("windows", Some("windows/amd64")).unwrap_err(),
            "image operating system \"windows\" cannot be used on this platform: operating system is not supported"
        );
        assert!(check_pull("linux", None).is_ok());
        assert_eq!(
            check_pull("linux", Some("windows/amd64")).unwrap_err(),
            "no matching manifest for windows/amd64 in the manifest list entries"
        );
    }

    #[test]
    fn pull_paths_drop_the_registry_host() {
        let r = ImageRef::parse("mcr.microsoft.com/windows/nanoserver:ltsc2022").unwrap();
        assert_eq!(pull_path(&r), "windows/nanoserver");
        assert_eq!(
            pull_path(&ImageRef::parse("nginx").unwrap()),
            "library/nginx"
        );
    }

    #[test]
    fn platforms_parse() {
        assert_eq!(parse_platform("linux/amd64").unwrap(), "linux/amd64");
        assert_eq!(parse_platform("WINDOWS/amd64").unwrap(), "windows/amd64");
        assert!(
            parse_platform("linux/arm64")
                .unwrap_err()
                .message
                .starts_with("dockyard:")
        );
    }
}
