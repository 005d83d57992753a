//! A container: its frozen configuration and its state.
//!
//! Docker fixes a container's configuration at `create` (image, command, env, ports, restart
//! policy); `start`, `stop` and `restart` never change it, which is why `docker restart` keeps the
//! old config and only re-creating applies a new one. State moves through created → running ⇄
//! paused, running → restarting → running, running → exited, and dead when removal fails; removed
//! containers leave the map (we keep a tombstone so the picture can say what happened).
//!
//! Plain data (a leaf: it imports only other leaves, the `model` modules of the process, the
//! filesystem, the healthcheck, the networks and the disk), so the engine and the world can hold
//! containers without importing the daemon's behaviour.

use super::super::ids::ContainerId;
use super::super::time::Millis;
use super::process::model::Program;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Status {
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
}

impl Status {
    /// The word `docker inspect` uses in `.State.Status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Running => "running",
            Status::Paused => "paused",
            Status::Restarting => "restarting",
            Status::Removing => "removing",
            Status::Exited => "exited",
            Status::Dead => "dead",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        [
            Status::Created,
            Status::Running,
            Status::Paused,
            Status::Restarting,
            Status::Removing,
            Status::Exited,
            Status::Dead,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// Does the container hold its process (and its published ports)?
    pub fn is_up(self) -> bool {
        matches!(self, Status::Running | Status::Paused)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PolicyName {
    No,
    Always,
    UnlessStopped,
    OnFailure,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RestartPolicy {
    pub name: PolicyName,
    /// `on-failure:N`; 0 means no limit.
    pub maximum_retry_count: u32,
}

/// Who rejects a bad `--restart`: the CLI (syntax) or the daemon (policy); they word it differently.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum RestartPolicyError {
    Cli(String),
    Daemon(String),
}

impl Default for RestartPolicy {
    fn default() -> Self {
        RestartPolicy {
            name: PolicyName::No,
            maximum_retry_count: 0,
        }
    }
}

impl RestartPolicy {
    /// Parses `--restart` as the CLI does (`no`, `always`, `unless-stopped`, `on-failure[:N]`).
    pub fn parse(text: &str) -> Result<RestartPolicy, RestartPolicyError> {
        // The CLI checks the syntax (docker/cli opts/parse.go), the daemon the policy
        // (api/types/container/hostconfig.go ValidateRestartPolicy).
        let (name, count) = match text.split_once(':') {
            Some(("", _)) => {
                return Err(RestartPolicyError::Cli(
                    "invalid restart policy format: no policy provided before colon".to_string(),
                ));
            }
            Some((name, count)) => (name, Some(count)),
            None => (text, None),
        };
        let count = match count {
            None => None,
            Some(n) => Some(n.parse::<i64>().map_err(|_| {
                RestartPolicyError::Cli(
                    "invalid restart policy format: maximum retry count must be an integer"
                        .to_string(),
                )
            })?),
        };
        let name = match name {
            "no" | "" => PolicyName::No,
            "always" => PolicyName::Always,
            "unless-stopped" => PolicyName::UnlessStopped,
            "on-failure" => PolicyName::OnFailure,
            other => {
                return Err(RestartPolicyError::Daemon(format!(
                    "invalid restart policy: unknown policy '{other}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"
                )));
            }
        };
        let maximum_retry_count = match count {
            None => 0,
            Some(_) if name != PolicyName::OnFailure => {
                return Err(RestartPolicyError::Daemon(
                    "invalid restart policy: maximum retry count can only be used with 'on-failure'".to_string(),
                ));
            }
            Some(n) if n < 0 => {
                return Err(RestartPolicyError::Daemon(
                    "invalid restart policy: maximum retry count cannot be negative".to_string(),
                ));
            }
            Some(n) => n.min(i64::from(u32::MAX)) as u32,
        };
        Ok(RestartPolicy {
            name,
            maximum_retry_count,
        })
    }

    pub fn as_str(&self) -> &'static str {
        match self.name {
            PolicyName::No => "no",
            PolicyName::Always => "always",
            PolicyName::UnlessStopped => "unless-stopped",
            PolicyName::OnFailure => "on-failure",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }
}

/// `-p [ip:][host_port:]container_port[/proto]`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PortBinding {
    /// `0.0.0.0` unless an address was given.
    pub host_ip: String,
    /// `None` until the daemon picks an ephemeral port for `-p 80` or `-P`.
    pub host_port: Option<u16>,
    pub container_port: u16,
    pub proto: Proto,
}

impl PortBinding {
    /// Parses one `-p` value; errors use the CLI's wording.
    pub fn parse(text: &str) -> Result<PortBinding, String> {
        let (spec, proto) = match text.rsplit_once('/') {
            Some((spec, "tcp")) => (spec, Proto::Tcp),
            Some((spec, "udp")) => (spec, Proto::Udp),
            Some((_, other)) => return Err(format!("invalid proto: {other}")),
            None => (text, Proto::Tcp),
        };
        let parts: Vec<&str> = spec.split(':').collect();
        let (ip, host, container) = match parts.as_slice() {
            [container] => (None, None, *container),
            [host, container] => (None, Some(*host), *container),
            [ip, host, container] => (Some(*ip), Some(*host), *container),
            _ => return Err(format!("invalid port format for --publish: {text}")),
        };
        let container_port = container
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("invalid containerPort: {container}"))?;
        let host_port = match host {
            None | Some("") => None,
            Some(h) => Some(
                h.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| format!("invalid hostPort: {h}"))?,
            ),
        };
        let host_ip = match ip {
            None | Some("") => "0.0.0.0".to_string(),
            Some(ip)
                if ip.split('.').count() == 4 && ip.split('.').all(|o| o.parse::<u8>().is_ok()) =>
            {
                ip.to_string()
            }
            Some(ip) => return Err(format!("invalid IP address: {ip}")),
        };
        Ok(PortBinding {
            host_ip,
            host_port,
            container_port,
            proto,
        })
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ContainerConfig {
    /// The image as the user wrote it (`nginx`), which `docker ps` shows.
    pub image: String,
    /// The image ID it was created from.
    pub image_id: String,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    pub exposed_ports: Vec<u16>,
    pub tty: bool,
    pub open_stdin: bool,
    pub stop_signal: String,
    /// `--stop-timeout`, seconds; `None` = the daemon's 10 s.
    pub stop_timeout_s: Option<u32>,
    pub hostname: String,
    /// `-u`, else the image's `USER`; empty is root (src/sim/docker/users.rs).
    pub user: String,
    /// `user` resolved in the image when the container was created.
    pub uid: u32,
    pub gid: u32,
    pub user_name: Option<String>,
    /// The healthcheck (image `HEALTHCHECK` or `--health-*`), src/sim/docker/health/mod.rs.
    pub healthcheck: Option<super::health::model::HealthConfig>,
    /// `--label` and, for Compose's containers, `com.docker.compose.project/service/…`.
    pub labels: std::collections::BTreeMap<String, String>,
}

impl ContainerConfig {
    /// The full command line of the main process.
    pub fn argv(&self) -> Vec<String> {
        self.entrypoint.iter().chain(&self.cmd).cloned().collect()
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct HostConfig {
    /// `-m`: bytes, 0 = no limit; `--memory-swap`: 0 unset, -1 unlimited; `--cpus` as nano-CPUs
    /// (src/sim/docker/resources.rs).
    pub memory_bytes: u64,
    pub memory_swap_bytes: i64,
    pub nano_cpus: u64,
    pub port_bindings: Vec<PortBinding>,
    pub publish_all: bool,
    pub restart_policy: RestartPolicy,
    pub auto_remove: bool,
    /// `--log-driver`/`--log-opt`, or the daemon's defaults at create (src/sim/docker/disk/mod.rs).
    pub log_config: super::disk::model::LogConfig,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ContainerState {
    pub status: Status,
    pub pid: u32,
    pub exit_code: i32,
    pub started_at: Option<Millis>,
    pub finished_at: Option<Millis>,
    pub oom_killed: bool,
    pub error: String,
}

/// One line a container wrote, as the json-file log driver keeps it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LogLine {
    pub at_ms: Millis,
    pub stderr: bool,
    pub text: String,
}

/// A stop in progress: the stop signal was sent, SIGKILL follows at `kill_at_ms`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Stopping {
    pub signal: String,
    pub kill_at_ms: Millis,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Container {
    pub id: ContainerId,
    pub name: String,
    /// Creation order on this engine: `docker ps` lists newest first.
    pub number: u64,
    pub created_at: Millis,
    pub config: ContainerConfig,
    pub host_config: HostConfig,
    pub state: ContainerState,
    /// The published ports as bound at the last start (host ports resolved).
    pub bound_ports: Vec<PortBinding>,
    pub restart_count: u32,
    /// How many times the main process has been started; timers carry it to detect staleness.
    pub run: u32,
    /// The running program.
    pub program: Option<Program>,
    /// The program has reached its serve loop: connections to its port are answered.
    pub listening: bool,
    /// The container's address on the default bridge while it runs (`172.17.0.x`).
    pub ip_address: Option<String>,
    /// Its endpoints, by network name (src/sim/docker/network/mod.rs).
    pub networks: std::collections::BTreeMap<String, super::network::model::Endpoint>,
    pub logs: Vec<LogLine>,
    /// Stopped by `docker stop`/`kill`: `unless-stopped` must not bring it back.
    pub manually_stopped: bool,
    /// The restart manager's current back-off, 0 before the first restart.
    pub backoff_ms: Millis,
    pub stopping: Option<Stopping>,
    /// Process timers that came due while the container was paused (the freezer holds them).
    pub frozen: Vec<usize>,
    /// A signal sent with `docker kill -s` while paused, delivered on unpause.
    pub pending_signal: Option<String>,
    /// A fault holds the container's filesystem busy: the next removal fails.
    pub fs_busy: bool,
    /// Its mounts and writable layer (src/sim/docker/containerfs/mod.rs).
    pub fs: super::containerfs::model::ContainerFs,
    /// `.State.Health` while a healthcheck runs (src/sim/docker/health/mod.rs).
    pub health: Option<super::health::model::Health>,
    /// What its main process holds in memory and loses when it stops: Redis's keys
    /// (src/sim/docker/redis.rs).
    pub memory: std::collections::BTreeMap<String, String>,
    /// A leak in its program (`! leak NAME 10M/s`): bytes added per second of each run, counted
    /// from `leak_since_ms` or the run's start, whichever is later.
    pub leak_bytes_per_s: u64,
    pub leak_since_ms: crate::sim::time::Millis,
}

impl Container {
    pub fn status(&self) -> Status {
        self.state.status
    }

    /// `/name`, as the daemon reports names.
    pub fn slash_name(&self) -> String {
        format!("/{}", self.name)
    }
}

/// A container that was removed, kept for the picture and the checks.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Tombstone {
    pub id: ContainerId,
    pub name: String,
    pub removed_at: Millis,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_policies_parse() {
        assert_eq!(
            RestartPolicy::parse("always").unwrap().name,
            PolicyName::Always
        );
        let p = RestartPolicy::parse("on-failure:3").unwrap();
        assert_eq!((p.name, p.maximum_retry_count), (PolicyName::OnFailure, 3));
        assert!(
            matches!(RestartPolicy::parse("sometimes"), Err(RestartPolicyError::Daemon(m)) if m.contains("unknown policy 'sometimes'"))
        );
        assert!(matches!(
            RestartPolicy::parse("always:3"),
            Err(RestartPolicyError::Daemon(_))
        ));
        assert!(matches!(
            RestartPolicy::parse("on-failure:x"),
            Err(RestartPolicyError::Cli(_))
        ));
    }

    #[test]
    fn port_specs_parse() {
        let p = PortBinding::parse("8080:80").unwrap();
        assert_eq!(
            (p.host_port, p.container_port, p.proto),
            (Some(8080), 80, Proto::Tcp)
        );
        let p = PortBinding::parse("127.0.0.1:5353:53/udp").unwrap();
        assert_eq!((p.host_ip.as_str(), p.proto), ("127.0.0.1", Proto::Udp));
        assert_eq!(PortBinding::parse("80").unwrap().host_port, None);
        assert_eq!(
            PortBinding::parse("8080:http").unwrap_err(),
            "invalid containerPort: http"
        );
        assert!(PortBinding::parse("1:2:3:4").is_err());
    }
}
