//! `-v`, `--mount` and `--tmpfs`: what a container mounts, and where.
//!
//! Real Docker has two syntaxes. `-v SRC:DST[:MODE]` is split by the daemon (moby
//! `volume/mounts/linux_parser.go` `ParseMountRaw`): an absolute SRC is a bind mount, anything
//! else names a volume, and a lone `DST` asks for an anonymous volume; a missing host folder is
//! created. The CLI first turns a SRC starting with `.` into an absolute path (docker/cli
//! `cli/command/container/opts.go`, Docker 23+). `--mount type=…,source=…,target=…[,readonly]`
//! is parsed by the CLI (docker/cli `opts/mount.go`) and validated by the daemon, which refuses a
//! bind source that does not exist (`validateMountConfigImpl`). `--tmpfs DST[:OPTIONS]` mounts
//! memory.
//!
//! What we model: the three kinds, read-only, relative bind sources, anonymous volumes, and the
//! daemon's and CLI's error texts. What we simplify: propagation, SELinux labels (`z`/`Z`),
//! `volume-nocopy`, `volume-subpath`, tmpfs size/mode are accepted and ignored.

use super::super::hostfs;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum MountKind {
    Volume,
    Bind,
    Tmpfs,
}

impl MountKind {
    /// The word Docker uses (`docker inspect` `.Mounts[].Type`, `--mount type=`).
    pub fn as_str(self) -> &'static str {
        match self {
            MountKind::Volume => "volume",
            MountKind::Bind => "bind",
            MountKind::Tmpfs => "tmpfs",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Mount {
    pub kind: MountKind,
    /// A volume's name (empty = anonymous, until create names it), a host path, or empty.
    pub source: String,
    /// The absolute path inside the container.
    pub target: String,
    pub read_only: bool,
    /// `-v` creates a missing bind source; `--mount` refuses it.
    pub create_host_path: bool,
}

impl Mount {
    pub fn volume(source: &str, target: &str, read_only: bool) -> Mount {
        Mount {
            kind: MountKind::Volume,
            source: source.to_string(),
            target: target.to_string(),
            read_only,
            create_host_path: false,
        }
    }

    pub fn is_anonymous_volume(&self) -> bool {
        self.kind == MountKind::Volume && self.source.is_empty()
    }
}

/// moby `names.RestrictedNameChars`: what a local volume name may contain.
pub const RESTRICTED_NAME_CHARS: &str = "[a-zA-Z0-9][a-zA-Z0-9_.-]";

/// Is this a valid local volume name (moby `volume/local/local.go` `validateName`)?
pub fn valid_volume_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// moby `linuxValidMountMode`: `rw`/`ro`, labels, propagation, copy modes, comma-separated, at
/// most one of each kind.
fn valid_mode(mode: &str) -> bool {
    if mode.is_empty() {
        return true;
    }
    let mut counts = [0; 4];
    for o in mode.split(',') {
        let kind = match o {
            "rw" | "ro" => 0,
            "z" | "Z" => 1,
            "private" | "rprivate" | "shared" | "rshared" | "slave" | "rslave" => 2,
            "nocopy" => 3,
            _ => return false,
        };
        counts[kind] += 1;
    }
    counts.iter().all(|c| *c <= 1)
}

/// Target checks shared by both syntaxes (moby `validateMountConfigImpl`), worded
/// `invalid mount config for type "…": …`.
fn check_target(kind: MountKind, target: &str) -> Result<(), String> {
    let config =
        |why: String| format!("invalid mount config for type \"{}\": {why}", kind.as_str());
    if target.is_empty() {
        return Err(config("field Target must not be empty".to_string()));
    }
    if hostfs::normalise("/", target) == "/" {
        return Err(config(
            "invalid specification: destination can't be '/'".to_string(),
        ));
    }
    if !target.starts_with('/') {
        return Err(config(format!(
            "invalid mount path: '{target}' mount path must be absolute"
        )));
    }
    Ok(())
}

/// The CLI's first look at `-v` (docker/cli `internal/volumespec` `Parse`), run before the request
/// is sent: empty sections and too many fields. Errors are printed by `docker run` as they are.
pub fn cli_check_volume_flag(raw: &str) -> Result<(), String> {
    if raw.is_empty() {
        return Err("invalid empty volume spec".to_string());
    }
    if raw.len() <= 2 {
        return Ok(());
    }
    let parts: Vec<&str> = raw.split(':').collect();
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            return Err(format!("invalid spec: {raw}: empty section between colons"));
        }
        if i >= 3 {
            return Err(format!("invalid spec: {raw}: too many colons"));
        }
    }
    Ok(())
}

/// `-v` as the daemon reads it (moby `ParseMountRaw`). `cwd` resolves `./data` the way the CLI
/// does before sending it. Errors are the daemon's message (without `Error response from daemon:`).
pub fn parse_volume_flag(raw: &str, cwd: &str) -> Result<Mount, String> {
    // The CLI makes a relative `.`-path absolute (docker/cli container/opts.go).
    let raw_owned;
    let raw = match raw.split_once(':') {
        Some((host, rest)) if host.starts_with('.') => {
            raw_owned = format!("{}:{rest}", hostfs::normalise(cwd, host));
            raw_owned.as_str()
        }
        _ => raw,
    };
    let invalid = || format!("invalid volume specification: '{raw}'");
    let arr: Vec<&str> = raw.splitn(4, ':').collect();
    if arr[0].is_empty() {
        return Err(invalid());
    }
    let (source, target, mode) = match arr.as_slice() {
        [target] => ("", *target, ""),
        [_, second] if valid_mode(second) => return Err(invalid()),
        [source, target] => (*source, *target, ""),
        [source, target, mode] => (*source, *target, *mode),
        _ => return Err(invalid()),
    };
    if !valid_mode(mode) {
        return Err(format!("invalid mode: {mode}"));
    }
    let kind = if source.starts_with('/') {
        MountKind::Bind
    } else {
        MountKind::Volume
    };
    check_target(kind, target).map_err(|e| format!("{}: {e}", invalid()))?;
    if kind == MountKind::Volume && !source.is_empty() && !valid_volume_name(source) {
        // moby volume/local/local.go, wrapped by the store's OpErr ("create <name>: …").
        return Err(format!(
            "create {source}: \"{source}\" includes invalid characters for a local volume name, only \"{RESTRICTED_NAME_CHARS}\" are allowed. If you intended to pass a host directory, use absolute path"
        ));
    }
    Ok(Mount {
        kind,
        source: if kind == MountKind::Bind {
            hostfs::normalise("/", source)
        } else {
            source.to_string()
        },
        target: hostfs::normalise("/", target),
        read_only: mode.split(',').any(|o| o == "ro"),
        create_host_path: true,
    })
}

/// `--mount` as the CLI parses it (docker/cli `opts/mount.go` `MountOpt.Set`). Errors are what
/// pflag prints after `invalid argument "…" for "--mount" flag: `.
pub fn parse_mount_flag(raw: &str, cwd: &str) -> Result<Mount, String> {
    let mut kind = "volume".to_string();
    let mut source = String::new();
    let mut target = String::new();
    let mut read_only = false;
    for field in raw.split(',') {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v)),
            None => (field.to_ascii_lowercase(), None),
        };
        let Some(value) = value else {
            match key.as_str() {
                "readonly" | "ro" => read_only = true,
                "volume-nocopy" | "bind-nonrecursive" => {}
                _ => return Err(format!("invalid field '{field}' must be a key=value pair")),
            }
            continue;
        };
        match key.as_str() {
            "type" => kind = value.to_ascii_lowercase(),
            "source" | "src" => {
                source = if !value.starts_with('/') && value.starts_with('.') {
                    hostfs::normalise(cwd, value)
                } else {
                    value.to_string()
                }
            }
            "target" | "dst" | "destination" => target = value.to_string(),
            "readonly" | "ro" => {
                read_only = match value {
                    "1" | "t" | "T" | "true" | "TRUE" | "True" => true,
                    "0" | "f" | "F" | "false" | "FALSE" | "False" => false,
                    _ => return Err(format!("invalid value for {key}: {value}")),
                }
            }
            "consistency" | "bind-propagation" | "bind-recursive" | "volume-nocopy"
            | "volume-label" | "volume-driver" | "volume-opt" | "volume-subpath" | "tmpfs-size"
            | "tmpfs-mode" => {}
            _ => return Err(format!("unexpected key '{key}' in '{field}'")),
        }
    }
    if kind.is_empty() {
        return Err("type is required".to_string());
    }
    if target.is_empty() {
        return Err("target is required".to_string());
    }
    let kind = match kind.as_str() {
        "volume" => MountKind::Volume,
        "bind" => MountKind::Bind,
        "tmpfs" => MountKind::Tmpfs,
        // The daemon refuses the others (moby daemon/volumes_unix.go); we name them the same way.
        other => return Err(format!("mount type unknown: {other}")),
    };
    Ok(Mount {
        kind,
        source,
        target,
        read_only,
        create_host_path: false,
    })
}

/// The Docker daemon's own API socket: every Docker host has it (mounting it hands the
/// container the daemon: Traefik's providers, Portainer, CI runners).
pub const DOCKER_SOCKET: &str = "/var/run/docker.sock";

/// Host paths every machine running Docker has, whatever the project folder holds.
pub fn on_every_docker_host(path: &str) -> bool {
    matches!(
        path,
        DOCKER_SOCKET | "/var/run" | "/var" | "/run/docker.sock"
    )
}

/// The daemon's validation of a `--mount` (moby `validateMountConfigImpl`); `host_exists` answers
/// whether a host path exists. Errors are the daemon's message.
pub fn validate_mount(m: &Mount, host_exists: impl Fn(&str) -> bool) -> Result<(), String> {
    check_target(m.kind, &m.target)?;
    let config = |why: String| {
        format!(
            "invalid mount config for type \"{}\": {why}",
            m.kind.as_str()
        )
    };
    match m.kind {
        MountKind::Bind => {
            if m.source.is_empty() {
                return Err(config("field Source must not be empty".to_string()));
            }
            if !m.source.starts_with('/') {
                return Err(config(format!(
                    "invalid mount path: '{}' mount path must be absolute",
                    m.source
                )));
            }
            if !m.create_host_path && !host_exists(&m.source) {
                return Err(config(format!(
                    "bind source path does not exist: {}",
                    m.source
                )));
            }
        }
        MountKind::Volume => {
            if m.read_only && m.source.is_empty() {
                return Err(config(
                    "must not set ReadOnly mode when using anonymous volumes".to_string(),
                ));
            }
            if !m.source.is_empty() && !valid_volume_name(&m.source) {
                return Err(format!(
                    "create {}: \"{}\" includes invalid characters for a local volume name, only \"{RESTRICTED_NAME_CHARS}\" are allowed. If you intended to pass a host directory, use absolute path",
                    m.source, m.source
                ));
            }
        }
        MountKind::Tmpfs => {
            if !m.source.is_empty() {
                return Err(config("field Source must not be specified".to_string()));
            }
        }
    }
    Ok(())
}

/// `--tmpfs DST[:OPTIONS]`.
pub fn parse_tmpfs_flag(raw: &str) -> Result<Mount, String> {
    let (target, options) = raw.split_once(':').unwrap_or((raw, ""));
    let m = Mount {
        kind: MountKind::Tmpfs,
        source: String::new(),
        target: target.to_string(),
        read_only: options.split(',').any(|o| o == "ro"),
        create_host_path: false,
    };
    check_target(MountKind::Tmpfs, target)?;
    Ok(Mount {
        target: hostfs::normalise("/", target),
        ..m
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CWD: &str = "/home/learner/app";

    #[test]
    fn v_names_a_volume_or_binds_a_path() {
        let m = parse_volume_flag("pgdata:/var/lib/postgresql/data", CWD).unwrap();
        assert_eq!((m.kind, m.source.as_str()), (MountKind::Volume, "pgdata"));
        let m = parse_volume_flag("./site:/usr/share/nginx/html:ro", CWD).unwrap();
        assert_eq!(
            (m.kind, m.source.as_str(), m.read_only),
            (MountKind::Bind, "/home/learner/app/site", true)
        );
        let m = parse_volume_flag("/data", CWD).unwrap();
        assert!(m.is_anonymous_volume());
    }

    #[test]
    fn v_errors_use_the_daemons_words() {
        // moby volume/mounts/linux_parser.go ParseMountRaw
        assert_eq!(
            parse_volume_flag("/data:rw", CWD).unwrap_err(),
            "invalid volume specification: '/data:rw'"
        );
        assert_eq!(
            parse_volume_flag("data:/data:rx", CWD).unwrap_err(),
            "invalid mode: rx"
        );
        assert_eq!(
            parse_volume_flag("data:app", CWD).unwrap_err(),
            "invalid volume specification: 'data:app': invalid mount config for type \"volume\": invalid mount path: 'app' mount path must be absolute"
        );
        assert!(
            parse_volume_flag("my/data:/data", CWD)
                .unwrap_err()
                .contains("includes invalid characters for a local volume name")
        );
        assert_eq!(
            cli_check_volume_flag("a::b").unwrap_err(),
            "invalid spec: a::b: empty section between colons"
        );
    }

    #[test]
    fn mount_flag_parses_and_validates() {
        let m = parse_mount_flag("type=bind,source=./data,target=/data,readonly", CWD).unwrap();
        assert_eq!(
            (m.kind, m.source.as_str(), m.read_only),
            (MountKind::Bind, "/home/learner/app/data", true)
        );
        assert_eq!(
            validate_mount(&m, |_| false).unwrap_err(),
            "invalid mount config for type \"bind\": bind source path does not exist: /home/learner/app/data"
        );
        assert_eq!(
            parse_mount_flag("type=volume,target", CWD).unwrap_err(),
            "invalid field 'target' must be a key=value pair"
        );
        assert_eq!(
            parse_mount_flag("type=volume,src=x", CWD).unwrap_err(),
            "target is required"
        );
        assert_eq!(
            parse_mount_flag("type=tmpfs,dst=/cache,size=1", CWD).unwrap_err(),
            "unexpected key 'size' in 'size=1'"
        );
    }

    #[test]
    fn tmpfs_targets_must_be_absolute() {
        assert!(parse_tmpfs_flag("/run/cache:size=64m").is_ok());
        assert!(
            parse_tmpfs_flag("cache")
                .unwrap_err()
                .contains("must be absolute")
        );
    }
}
