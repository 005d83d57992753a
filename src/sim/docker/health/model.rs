//! A container's healthcheck, as data: the configuration a container holds, its `.State.Health`,
//! and the `--health-*` options as typed.
//!
//! Real Docker keeps the healthcheck in the container's config (moby `container.HealthConfig`,
//! zero meaning the daemon's default) and its state in `.State.Health` (status, failing streak,
//! the last five probe results). This module is that state, the defaults and the flag parsing
//! (Go durations). It is a leaf (it imports only `time`), so a container, an image and the CLI's
//! typed requests can hold a healthcheck without importing the probe loop, which runs over the
//! world in src/sim/docker/health/mod.rs.

use crate::sim::time::{self, Millis};

/// moby `daemon/health.go` defaults.
pub const DEFAULT_INTERVAL_MS: Millis = 30_000;
pub const DEFAULT_TIMEOUT_MS: Millis = 30_000;
pub const DEFAULT_START_PERIOD_MS: Millis = 0;
pub const DEFAULT_START_INTERVAL_MS: Millis = 5_000;
pub const DEFAULT_RETRIES: u32 = 3;
/// moby `maxLogEntries`.
pub const MAX_LOG_ENTRIES: usize = 5;
/// How long a probe that answers at once takes (exec start + the command).
pub const PROBE_DURATION_MS: Millis = 40;

/// The healthcheck as the container's config holds it (0 = the daemon's default, as in moby).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct HealthConfig {
    /// `["CMD-SHELL", "curl -f http://localhost/"]`, `["CMD", "pg_isready"]` or `["NONE"]`.
    pub test: Vec<String>,
    pub interval_ms: Millis,
    pub timeout_ms: Millis,
    pub start_period_ms: Millis,
    pub start_interval_ms: Millis,
    pub retries: u32,
}

impl HealthConfig {
    pub fn disabled(&self) -> bool {
        self.test.is_empty() || self.test.first().map(String::as_str) == Some("NONE")
    }
    pub fn interval(&self) -> Millis {
        or_default(self.interval_ms, DEFAULT_INTERVAL_MS)
    }
    pub fn timeout(&self) -> Millis {
        or_default(self.timeout_ms, DEFAULT_TIMEOUT_MS)
    }
    pub fn start_period(&self) -> Millis {
        or_default(self.start_period_ms, DEFAULT_START_PERIOD_MS)
    }
    pub fn start_interval(&self) -> Millis {
        or_default(self.start_interval_ms, DEFAULT_START_INTERVAL_MS)
    }
    /// `retries: 0` means the default 3.
    pub fn retries(&self) -> u32 {
        if self.retries == 0 {
            DEFAULT_RETRIES
        } else {
            self.retries
        }
    }
}

fn or_default(value: Millis, default: Millis) -> Millis {
    if value == 0 { default } else { value }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HealthStatus {
    Starting,
    Healthy,
    Unhealthy,
}

impl HealthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Starting => "starting",
            HealthStatus::Healthy => "healthy",
            HealthStatus::Unhealthy => "unhealthy",
        }
    }
    pub fn parse(text: &str) -> Option<HealthStatus> {
        [
            HealthStatus::Starting,
            HealthStatus::Healthy,
            HealthStatus::Unhealthy,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// One entry of `.State.Health.Log`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProbeResult {
    pub start_ms: Millis,
    pub end_ms: Millis,
    pub exit_code: i32,
    pub output: String,
}

/// `.State.Health`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Health {
    pub status: HealthStatus,
    pub failing_streak: u32,
    pub log: Vec<ProbeResult>,
}

impl Health {
    pub fn starting() -> Health {
        Health {
            status: HealthStatus::Starting,
            failing_streak: 0,
            log: Vec::new(),
        }
    }
}

/// What one probe returns, and why (for the narration).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProbeOutcome {
    pub exit_code: i32,
    pub output: String,
    pub reason: String,
    /// How long the probe ran.
    pub duration_ms: Millis,
}

/// `docker run --health-cmd … --health-interval … --no-healthcheck` as typed.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct HealthOptions {
    pub cmd: Option<String>,
    /// A whole `test` (`["CMD", "pg_isready"]`), as Compose's `healthcheck.test` sends it;
    /// `--health-cmd` is always `CMD-SHELL`.
    pub test: Option<Vec<String>>,
    pub interval_ms: Millis,
    pub timeout_ms: Millis,
    pub start_period_ms: Millis,
    pub start_interval_ms: Millis,
    pub retries: u32,
    pub no_healthcheck: bool,
}

impl HealthOptions {
    /// Parses the flags as docker/cli does (`cli/command/container/opts.go`): durations with
    /// Go's `time.ParseDuration` (pflag's wording on a bad value), negatives refused, and
    /// `--no-healthcheck` conflicting with any `--health-*`.
    pub fn from_flags(
        value: impl Fn(&str) -> Option<String>,
        no_healthcheck: bool,
    ) -> Result<HealthOptions, String> {
        let duration = |flag: &str| -> Result<Millis, String> {
            let Some(v) = value(flag) else {
                return Ok(0);
            };
            parse_go_duration(&v)
                .map_err(|e| format!("invalid argument \"{v}\" for \"--{flag}\" flag: {e}"))?
                .ok_or_else(|| format!("--{flag} cannot be negative"))
        };
        let retries = match value("health-retries") {
            None => 0,
            Some(v) => {
                let n = v.parse::<i64>().map_err(|_| {
                    format!("invalid argument \"{v}\" for \"--health-retries\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax")
                })?;
                if n < 0 {
                    return Err("--health-retries cannot be negative".to_string());
                }
                n.min(i64::from(u32::MAX)) as u32
            }
        };
        let options = HealthOptions {
            cmd: value("health-cmd").filter(|c| !c.is_empty()),
            test: None,
            interval_ms: duration("health-interval")?,
            timeout_ms: duration("health-timeout")?,
            start_period_ms: duration("health-start-period")?,
            start_interval_ms: duration("health-start-interval")?,
            retries,
            no_healthcheck,
        };
        let any_health = options.cmd.is_some()
            || options.interval_ms > 0
            || options.timeout_ms > 0
            || options.start_period_ms > 0
            || options.start_interval_ms > 0
            || options.retries > 0;
        if no_healthcheck && any_health {
            return Err("--no-healthcheck conflicts with --health-* options".to_string());
        }
        Ok(options)
    }
}

/// A Go duration (`5s`, `1m30s`) in ms; `None` when invalid or negative.
pub fn parse_duration_ms(text: &str) -> Option<Millis> {
    parse_go_duration(text).ok().flatten()
}

/// Go's `time.ParseDuration` errors; `Ok(None)` for a negative duration.
pub(super) fn parse_go_duration(text: &str) -> Result<Option<Millis>, String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if body == "0" {
        return Ok(Some(0));
    }
    if !body.is_empty() && body.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(format!("time: missing unit in duration \"{text}\""));
    }
    match time::parse_duration(body) {
        Some(ms) if body.chars().last().is_some_and(|c| c.is_ascii_alphabetic()) => {
            Ok((!negative || ms == 0).then_some(ms))
        }
        _ => Err(format!("time: invalid duration \"{text}\"")),
    }
}
