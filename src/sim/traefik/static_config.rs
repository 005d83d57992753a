//! Traefik's static (install) configuration: what it reads once, at start.
//!
//! What real Traefik v3 does: `cmd/traefik` tries its loaders in turn (traefik/traefik
//! `pkg/cli/loader_file.go`, `loader_flag.go`, `loader_env.go`): a configuration file if one is
//! named by `--configFile` or found in `/etc/traefik/`, `$XDG_CONFIG_HOME/`, `$HOME/.config/` or
//! the working folder (`traefik.yml`, `traefik.yaml`, `traefik.toml`), otherwise the command-line
//! flags; only the first source found is used. traefik/paerser turns `--a.b.c=v` or the file's
//! nested keys into a tree and fills the `static.Configuration` struct, matching names without
//! regard to case; a flag with no `=` on a boolean or a section (`--providers.docker`, `--api`,
//! `--ping`) means `true`. A name the struct does not have stops Traefik with paerser's `field
//! not found, node: <name>` (the first unknown segment, as written), prefixed by `failed to
//! decode configuration from flags: ` for flags, after `command traefik error: `; the process
//! exits 1 (traefik/traefik#5422, #10671). Before decoding, the deprecation loader
//! (`pkg/cli/deprecation.go`) looks for v2 options that v3 removed: `providers.docker.swarmMode`
//! logs `Docker provider `swarmMode` option has been removed in v3, please use the Swarm Provider
//! instead. …` and Traefik stops with `incompatible deprecated install configuration option
//! found` (the v3.6+ words; v3.0–v3.5 say `static` instead of `install`). Then
//! `SetEffectiveConfiguration` (`pkg/config/static/static_config.go`) adds the defaults: an
//! entrypoint `http` on `:80` when none is declared, the internal entrypoint `traefik` on `:8080`
//! when `api.insecure` or `ping` needs it.
//!
//! What we model: the keys page 11 uses, with Traefik's defaults (doc.traefik.io, "Install
//! configuration" reference pages; `pkg/provider/docker/pdocker.go` and `pswarm.go`
//! `SetDefaults`): entrypoints (address, asDefault, the entrypoint redirection with scheme
//! `https`, permanent `true` and priority MaxInt−1, `http.tls.certResolver`), the docker provider
//! (endpoint, exposedByDefault `true`, network, constraints, defaultRule ``Host(`{{ normalize
//! .Name }}`)``, watch), the swarm provider (the same plus refreshSeconds 15 s), the file
//! provider, api (dashboard `true` once api is on, insecure), ping, log.level (ERROR), accesslog,
//! ACME certificate resolvers (email, storage `acme.json`, caServer Let's Encrypt production,
//! keyType `RSA4096`, certificatesDuration 2160 h, HTTP-01 entrypoint, TLS-ALPN-01, DNS-01
//! provider), and the two removed v2 docker options the deprecation loader reports
//! (`swarmMode`, `tls.caOptional`).
//!
//! What we simplify:
//! - Real keys whose effect the simulation does not have (timeouts, forwarded headers, metrics,
//!   tracing, the other providers, log format, access-log filters, …) are accepted and listed in
//!   [`StaticConfig::unmodelled`], never refused: a real guide's flags must start.
//! - The value of a flag must follow `=` (`--entrypoints.web.address=:80`); paerser also takes
//!   the next argument (`--entrypoints.web.address :80`), which we accept too, but a missing value
//!   is reported in our words. A bad boolean or duration is reported with Go's `strconv` words,
//!   without paerser's own wrapping.
//! - TOML files and environment variables (`TRAEFIK_…`) are not read. The file must be YAML and
//!   the caller decides whether one exists ([`load`]).
//! - A file that is not YAML, or not a mapping, is reported with our parser's words.
//! - When several keys are unknown, Traefik reports one of them; we report the first in the
//!   order written. An invalid `log.level` falls back to ERROR with a warning in our words.
//!
//! A leaf: it imports only the YAML parser, the one sort and the time units.

use crate::sim::docker::compose::yaml::{self, Node, Value};
use crate::sim::order;
use crate::sim::time::{Millis, SECOND_MS};

/// The exit code of a Traefik that refuses its configuration.
pub const EXIT_CODE: i32 = 1;
/// The Docker socket both providers use unless told otherwise.
pub const DEFAULT_ENDPOINT: &str = "unix:///var/run/docker.sock";
/// The rule a router gets when its labels name none.
pub const DEFAULT_RULE: &str = "Host(`{{ normalize .Name }}`)";
pub const LETS_ENCRYPT_PRODUCTION: &str = "https://acme-v02.api.letsencrypt.org/directory";
pub const LETS_ENCRYPT_STAGING: &str = "https://acme-staging-v02.api.letsencrypt.org/directory";
/// The internal entrypoint of the insecure API and of ping.
pub const INTERNAL_ENTRY_POINT: &str = "traefik";
/// The swarm provider's default polling period (`RefreshSeconds = 15 * time.Second`).
pub const DEFAULT_REFRESH: Millis = 15 * SECOND_MS;
/// The entrypoint redirection's default priority, MaxInt−1 on 64-bit.
pub const REDIRECT_PRIORITY: i64 = i64::MAX - 1;
/// Where Traefik looks for its file when `--configFile` is not given, in order.
pub const CONFIG_FILE_DIRS: [&str; 4] = ["/etc/traefik", "$XDG_CONFIG_HOME", "$HOME/.config", "."];
/// The file names it tries in each folder (only YAML is read here).
pub const CONFIG_FILE_NAMES: [&str; 2] = ["traefik.yml", "traefik.yaml"];

const SWARM_MODE_REMOVED: &str = "Docker provider `swarmMode` option has been removed in v3, \
please use the Swarm Provider instead. For more information please read the migration guide: \
https://doc.traefik.io/traefik/v3.7/migrate/v2-to-v3-details/#swarmmode";
const CA_OPTIONAL_REMOVED: &str = "Docker provider `tls.CAOptional` option has been removed in \
v3, as TLS client authentication is a server side option (see \
https://github.com/golang/go/blob/740a490f71d026bb7d2d13cb8fa2d6d6e0572b70/src/crypto/tls/common.go#L634). \
Please remove all occurrences from the install configuration for Traefik to start. For more \
information please read the migration guide: \
https://doc.traefik.io/traefik/v3.6/migration/v2-to-v3/#tlscaoptional";
const DEPRECATED_FOUND: &str =
    "command traefik error: incompatible deprecated install configuration option found";

/// Why Traefik stopped at start: the error lines it logged, then the line the command prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartError {
    /// ERROR-level log messages printed before the final line (the deprecation notices).
    pub log: Vec<String>,
    /// Exactly what Traefik prints last (`command traefik error: …`).
    pub message: String,
}

impl StartError {
    /// The process's exit code; the container exits with it.
    pub fn exit_code(&self) -> i32 {
        EXIT_CODE
    }
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
    Panic,
}

impl LogLevel {
    /// Whether a log line (`ERR …`, `WRN …`, `INF …`) is printed at this level.
    pub fn shows(self, line: &str) -> bool {
        let level = match line.get(..3) {
            Some("TRC") => LogLevel::Trace,
            Some("DBG") => LogLevel::Debug,
            Some("INF") => LogLevel::Info,
            Some("WRN") => LogLevel::Warn,
            Some("FTL") => LogLevel::Fatal,
            Some("PNC") => LogLevel::Panic,
            _ => LogLevel::Error,
        };
        level >= self
    }

    fn parse(text: &str) -> Option<LogLevel> {
        let level = match text.to_ascii_lowercase().as_str() {
            "trace" => LogLevel::Trace,
            "debug" => LogLevel::Debug,
            "info" => LogLevel::Info,
            "warn" => LogLevel::Warn,
            "error" => LogLevel::Error,
            "fatal" => LogLevel::Fatal,
            "panic" => LogLevel::Panic,
            _ => return None,
        };
        Some(level)
    }

    /// The three letters of Traefik's common log format (`ERR`, `WRN`, …).
    pub fn short(self) -> &'static str {
        match self {
            LogLevel::Trace => "TRC",
            LogLevel::Debug => "DBG",
            LogLevel::Info => "INF",
            LogLevel::Warn => "WRN",
            LogLevel::Error => "ERR",
            LogLevel::Fatal => "FTL",
            LogLevel::Panic => "PNC",
        }
    }
}

/// `entrypoints.NAME.http.redirections.entrypoint`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// An entrypoint name or a port (`:443`).
    pub to: String,
    pub scheme: String,
    pub permanent: bool,
    pub priority: i64,
}

impl Default for Redirect {
    fn default() -> Redirect {
        Redirect {
            to: String::new(),
            scheme: "https".into(),
            permanent: true,
            priority: REDIRECT_PRIORITY,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EntryPoint {
    /// As first written: paerser merges keys that differ only in case and keeps the first
    /// spelling.
    pub name: String,
    /// `[host]:port[/tcp|/udp]`, e.g. `:80`.
    pub address: String,
    pub as_default: bool,
    pub redirect: Option<Redirect>,
    /// `http.tls` turned on for every router of the entrypoint.
    pub tls: bool,
    /// `http.tls.certResolver`.
    pub cert_resolver: Option<String>,
}

impl EntryPoint {
    /// The port of the address (`:80` → 80), if it has one.
    pub fn port(&self) -> Option<u16> {
        let address = self.address.split('/').next().unwrap_or_default();
        address.rsplit(':').next()?.parse().ok()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DockerProvider {
    pub endpoint: String,
    pub exposed_by_default: bool,
    pub network: String,
    pub constraints: String,
    pub default_rule: String,
    pub watch: bool,
}

impl Default for DockerProvider {
    fn default() -> DockerProvider {
        DockerProvider {
            endpoint: DEFAULT_ENDPOINT.into(),
            exposed_by_default: true,
            network: String::new(),
            constraints: String::new(),
            default_rule: DEFAULT_RULE.into(),
            watch: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwarmProvider {
    pub endpoint: String,
    pub exposed_by_default: bool,
    pub network: String,
    pub constraints: String,
    pub default_rule: String,
    pub watch: bool,
    /// How often services and tasks are polled.
    pub refresh: Millis,
}

impl Default for SwarmProvider {
    fn default() -> SwarmProvider {
        SwarmProvider {
            endpoint: DEFAULT_ENDPOINT.into(),
            exposed_by_default: true,
            network: String::new(),
            constraints: String::new(),
            default_rule: DEFAULT_RULE.into(),
            watch: true,
            refresh: DEFAULT_REFRESH,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FileProvider {
    pub filename: Option<String>,
    pub directory: Option<String>,
    pub watch: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Api {
    pub dashboard: bool,
    pub insecure: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ping {
    pub entry_point: String,
    pub manual_routing: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Challenge {
    /// HTTP-01, answered on this entrypoint (it must be port 80 for the CA).
    Http { entry_point: String },
    /// TLS-ALPN-01 (port 443).
    Tls,
    /// DNS-01 through a DNS provider.
    Dns { provider: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertResolver {
    pub name: String,
    pub email: String,
    pub storage: String,
    pub ca_server: String,
    pub key_type: String,
    /// Hours.
    pub certificates_duration: u64,
    /// The challenges turned on, in the order written (whoever uses the resolver checks that
    /// there is one).
    pub challenges: Vec<Challenge>,
}

impl CertResolver {
    fn new(name: &str) -> CertResolver {
        CertResolver {
            name: name.into(),
            email: String::new(),
            storage: "acme.json".into(),
            ca_server: LETS_ENCRYPT_PRODUCTION.into(),
            key_type: "RSA4096".into(),
            certificates_duration: 2160,
            challenges: Vec::new(),
        }
    }
}

/// Traefik's effective static configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticConfig {
    /// Sorted by name.
    pub entry_points: Vec<EntryPoint>,
    pub docker: Option<DockerProvider>,
    pub swarm: Option<SwarmProvider>,
    pub file: Option<FileProvider>,
    pub api: Option<Api>,
    pub ping: Option<Ping>,
    pub log_level: LogLevel,
    pub access_log: bool,
    /// Sorted by name.
    pub resolvers: Vec<CertResolver>,
    /// Real keys accepted without a simulated effect, as written (`serversTransport.…`).
    pub unmodelled: Vec<String>,
    /// Startup warnings (an invalid log level).
    pub warnings: Vec<String>,
}

impl Default for StaticConfig {
    fn default() -> StaticConfig {
        StaticConfig {
            entry_points: Vec::new(),
            docker: None,
            swarm: None,
            file: None,
            api: None,
            ping: None,
            log_level: LogLevel::Error,
            access_log: false,
            resolvers: Vec::new(),
            unmodelled: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

impl StaticConfig {
    pub fn entry_point(&self, name: &str) -> Option<&EntryPoint> {
        self.entry_points.iter().find(|e| e.name == name)
    }

    pub fn resolver(&self, name: &str) -> Option<&CertResolver> {
        self.resolvers.iter().find(|r| r.name == name)
    }
}

/// The value of `--configFile` (any case), if given.
pub fn config_file_flag(args: &[String]) -> Option<String> {
    args.iter().find_map(|arg| {
        let (name, value) = arg.trim_start_matches('-').split_once('=')?;
        name.eq_ignore_ascii_case("configfile")
            .then(|| value.to_string())
    })
}

/// Traefik's start: a file when one was found (its text), otherwise the flags.
pub fn load(args: &[String], file: Option<&str>) -> Result<StaticConfig, StartError> {
    match file {
        Some(text) => from_yaml(text),
        None => from_flags(args),
    }
}

/// One key of the tree: its segments as written and its value (`None`: a bare flag).
struct Entry {
    path: Vec<String>,
    value: Option<String>,
}

/// Why a key could not be applied.
enum Fail {
    Stop(StartError),
    /// A key that needs a value was given none: the next argument is taken, if any.
    NeedsValue,
}

/// The error paerser gives for an unknown name, as the loader wraps it.
fn field_not_found(prefix: &str, node: &str) -> Fail {
    Fail::Stop(StartError {
        log: Vec::new(),
        message: format!("command traefik error: {prefix}field not found, node: {node}"),
    })
}

fn stop(prefix: &str, detail: String) -> Fail {
    Fail::Stop(StartError {
        log: Vec::new(),
        message: format!("command traefik error: {prefix}{detail}"),
    })
}

const FLAGS_PREFIX: &str = "failed to decode configuration from flags: ";

/// Parses Traefik's command line (the arguments after the program name).
pub fn from_flags(args: &[String]) -> Result<StaticConfig, StartError> {
    let entries = flag_entries(args);
    deprecation_check(&entries)?;
    let mut config = StaticConfig::default();
    for entry in &entries {
        match apply(&mut config, entry, FLAGS_PREFIX) {
            Ok(()) => {}
            Err(Fail::Stop(e)) => return Err(e),
            Err(Fail::NeedsValue) => {
                let flag = entry.path.join(".");
                return Err(stop_error(format!("flag needs an argument: --{flag}")));
            }
        }
    }
    Ok(finish(config))
}

/// The flags as keys. A flag without `=` whose key needs a value takes the next argument
/// when that one is not a flag; paerser stops at `--` or at any other argument that is not a flag.
fn flag_entries(args: &[String]) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" || arg.len() < 2 || !arg.starts_with('-') {
            break;
        }
        let name = arg.strip_prefix("--").unwrap_or(&arg[1..]);
        let (name, value) = match name.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (name, None),
        };
        let mut entry = Entry {
            path: name.split('.').map(|s| s.trim().to_string()).collect(),
            value,
        };
        let needs_value = entry.value.is_none()
            && matches!(
                apply(&mut StaticConfig::default(), &entry, FLAGS_PREFIX),
                Err(Fail::NeedsValue)
            );
        if let Some(next) = args.get(i).filter(|a| needs_value && !a.starts_with('-')) {
            entry.value = Some(next.clone());
            i += 1;
        }
        entries.push(entry);
    }
    entries
}

fn stop_error(detail: String) -> StartError {
    match stop(FLAGS_PREFIX, detail) {
        Fail::Stop(e) => e,
        Fail::NeedsValue => unreachable!("stop always stops"),
    }
}

/// Parses a `traefik.yml` static file.
pub fn from_yaml(text: &str) -> Result<StaticConfig, StartError> {
    let root = yaml::parse(text).map_err(|e| StartError {
        log: Vec::new(),
        message: format!("command traefik error: {e}"),
    })?;
    let mut entries = Vec::new();
    match &root.value {
        Value::Map(_) => flatten(&root, &mut Vec::new(), &mut entries),
        Value::Null => {}
        _ => {
            return Err(StartError {
                log: Vec::new(),
                message: "command traefik error: the configuration file is not a mapping".into(),
            });
        }
    }
    deprecation_check(&entries)?;
    let mut config = StaticConfig::default();
    for entry in &entries {
        if let Err(fail) = apply(&mut config, entry, "") {
            return Err(match fail {
                Fail::Stop(e) => e,
                Fail::NeedsValue => StartError {
                    log: Vec::new(),
                    message: format!(
                        "command traefik error: no value for {}",
                        entry.path.join(".")
                    ),
                },
            });
        }
    }
    Ok(finish(config))
}

/// The file's tree as keys: a list of scalars is one comma-separated value (as a flag writes
/// it), any other list is indexed (`[0]`), as paerser names its elements.
fn flatten(node: &Node, path: &mut Vec<String>, out: &mut Vec<Entry>) {
    match &node.value {
        Value::Map(pairs) => {
            if pairs.is_empty() {
                out.push(Entry {
                    path: path.clone(),
                    value: None,
                });
            }
            for (key, value) in pairs {
                path.push(key.as_key());
                flatten(value, path, out);
                path.pop();
            }
        }
        Value::Seq(items) if items.iter().all(|n| n.scalar_text().is_some()) => {
            let texts: Vec<String> = items.iter().filter_map(Node::scalar_text).collect();
            out.push(Entry {
                path: path.clone(),
                value: Some(texts.join(",")),
            });
        }
        Value::Seq(items) => {
            for (n, item) in items.iter().enumerate() {
                path.push(format!("[{n}]"));
                flatten(item, path, out);
                path.pop();
            }
        }
        Value::Null => out.push(Entry {
            path: path.clone(),
            value: None,
        }),
        _ => out.push(Entry {
            path: path.clone(),
            value: node.scalar_text(),
        }),
    }
}

/// v2 options v3 removed, reported all together before anything else is decoded.
fn deprecation_check(entries: &[Entry]) -> Result<(), StartError> {
    let mut log = Vec::new();
    let under = |entry: &Entry, names: &[&str]| {
        entry.path.len() >= names.len()
            && names
                .iter()
                .zip(&entry.path)
                .all(|(n, p)| p.eq_ignore_ascii_case(n))
    };
    if entries
        .iter()
        .any(|e| under(e, &["providers", "docker", "swarmMode"]))
    {
        log.push(SWARM_MODE_REMOVED.to_string());
    }
    if entries
        .iter()
        .any(|e| under(e, &["providers", "docker", "tls", "caOptional"]))
    {
        log.push(CA_OPTIONAL_REMOVED.to_string());
    }
    if log.is_empty() {
        return Ok(());
    }
    Err(StartError {
        log,
        message: DEPRECATED_FOUND.into(),
    })
}

/// The keys of one level, matched without regard to case.
fn is(segment: &str, name: &str) -> bool {
    segment.eq_ignore_ascii_case(name)
}

/// A bare key or a section: `true` when bare, else the value as a Go boolean.
fn flag(value: &Option<String>, prefix: &str) -> Result<bool, Fail> {
    match value {
        None => Ok(true),
        Some(v) => go_bool(v).ok_or_else(|| {
            stop(
                prefix,
                format!("strconv.ParseBool: parsing \"{v}\": invalid syntax"),
            )
        }),
    }
}

/// `strconv.ParseBool`'s accepted spellings.
pub fn go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn text(value: &Option<String>) -> Result<String, Fail> {
    value.clone().ok_or(Fail::NeedsValue)
}

fn apply(config: &mut StaticConfig, entry: &Entry, prefix: &str) -> Result<(), Fail> {
    let path = &entry.path;
    let Some(first) = path.first() else {
        return Ok(());
    };
    let rest = &path[1..];
    let value = &entry.value;
    if is(first, "entrypoints") {
        apply_entry_point(config, rest, value, prefix)
    } else if is(first, "providers") {
        apply_provider(config, rest, value, prefix)
    } else if is(first, "api") {
        apply_api(config, rest, value, prefix)
    } else if is(first, "ping") {
        apply_ping(config, rest, value, prefix)
    } else if is(first, "log") {
        apply_log(config, path, value, prefix)
    } else if is(first, "accesslog") {
        if rest.is_empty() {
            config.access_log = flag(value, prefix)?;
        } else {
            config.access_log = true;
            config.unmodelled.push(path.join("."));
        }
        Ok(())
    } else if is(first, "certificatesresolvers") {
        apply_resolver(config, rest, value, prefix)
    } else if UNMODELLED_ROOTS.iter().any(|r| is(first, r)) {
        config.unmodelled.push(path.join("."));
        Ok(())
    } else {
        Err(field_not_found(prefix, first))
    }
}

/// Top-level sections of `static.Configuration` that the simulation accepts but does not model
/// (`configFile` is the file loader's own flag).
const UNMODELLED_ROOTS: &[&str] = &[
    "global",
    "serversTransport",
    "tcpServersTransport",
    "metrics",
    "tracing",
    "hostResolver",
    "experimental",
    "core",
    "spiffe",
    "ocsp",
    "configFile",
];

/// Real providers the simulation does not have.
const UNMODELLED_PROVIDERS: &[&str] = &[
    "providersThrottleDuration",
    "kubernetesCRD",
    "kubernetesIngress",
    "kubernetesGateway",
    "kubernetesIngressNGINX",
    "consulCatalog",
    "nomad",
    "ecs",
    "consul",
    "etcd",
    "zooKeeper",
    "redis",
    "http",
    "rest",
    "plugin",
];

/// Keys of one level that exist and are accepted without effect.
fn unmodelled(config: &mut StaticConfig, key: &[String], names: &[&str]) -> bool {
    let known = key.first().is_some_and(|k| names.iter().any(|n| is(k, n)));
    if known {
        config.unmodelled.push(key.join("."));
    }
    known
}

fn entry_point_mut<'a>(config: &'a mut StaticConfig, name: &str) -> &'a mut EntryPoint {
    let index = match config.entry_points.iter().position(|e| is(&e.name, name)) {
        Some(index) => index,
        None => {
            config.entry_points.push(EntryPoint {
                name: name.into(),
                ..EntryPoint::default()
            });
            config.entry_points.len() - 1
        }
    };
    &mut config.entry_points[index]
}

fn apply_entry_point(
    config: &mut StaticConfig,
    rest: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let Some(name) = rest.first() else {
        return Ok(()); // `--entrypoints` alone declares nothing
    };
    let key = &rest[1..];
    let Some(field) = key.first() else {
        entry_point_mut(config, name);
        return Ok(());
    };
    if is(field, "http") {
        return apply_entry_point_http(config, name, &key[1..], value, prefix);
    }
    const OTHER: &[&str] = &[
        "allowACMEByPass",
        "reusePort",
        "transport",
        "proxyProtocol",
        "forwardedHeaders",
        "http2",
        "http3",
        "udp",
        "observability",
    ];
    if unmodelled(config, key, OTHER) {
        entry_point_mut(config, name);
        return Ok(());
    }
    if key.len() > 1 {
        return Err(field_not_found(prefix, &key[1]));
    }
    if is(field, "address") {
        entry_point_mut(config, name).address = text(value)?;
    } else if is(field, "asDefault") {
        entry_point_mut(config, name).as_default = flag(value, prefix)?;
    } else {
        return Err(field_not_found(prefix, field));
    }
    Ok(())
}

fn apply_entry_point_http(
    config: &mut StaticConfig,
    name: &str,
    key: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let Some(field) = key.first() else {
        entry_point_mut(config, name);
        return Ok(());
    };
    if is(field, "redirections") {
        return apply_redirect(config, name, &key[1..], value, prefix);
    }
    if is(field, "tls") {
        let tls_key = &key[1..];
        let entry_point = entry_point_mut(config, name);
        match tls_key.first() {
            None => entry_point.tls = flag(value, prefix)?,
            Some(k) if is(k, "certResolver") && tls_key.len() == 1 => {
                entry_point.tls = true;
                entry_point.cert_resolver = Some(text(value)?);
            }
            Some(k) if is(k, "options") || is(k, "domains") => {
                entry_point.tls = true;
                config.unmodelled.push(key.join("."));
            }
            Some(k) => return Err(field_not_found(prefix, k)),
        }
        return Ok(());
    }
    const OTHER: &[&str] = &[
        "middlewares",
        "encodeQuerySemicolons",
        "sanitizePath",
        "maxHeaderBytes",
        "encodedCharacters",
    ];
    if unmodelled(config, key, OTHER) {
        entry_point_mut(config, name);
        return Ok(());
    }
    Err(field_not_found(prefix, field))
}

fn apply_redirect(
    config: &mut StaticConfig,
    name: &str,
    key: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let Some(section) = key.first() else {
        return Ok(());
    };
    if !is(section, "entryPoint") {
        return Err(field_not_found(prefix, section));
    }
    let entry_point = entry_point_mut(config, name);
    let redirect = entry_point.redirect.get_or_insert_with(Redirect::default);
    let Some(field) = key.get(1) else {
        return Ok(());
    };
    if key.len() > 2 {
        return Err(field_not_found(prefix, &key[2]));
    }
    if is(field, "to") {
        redirect.to = text(value)?;
    } else if is(field, "scheme") {
        redirect.scheme = text(value)?;
    } else if is(field, "permanent") {
        redirect.permanent = flag(value, prefix)?;
    } else if is(field, "priority") {
        let v = text(value)?;
        redirect.priority = v.parse().map_err(|_| {
            stop(
                prefix,
                format!("strconv.ParseInt: parsing \"{v}\": invalid syntax"),
            )
        })?;
    } else {
        return Err(field_not_found(prefix, field));
    }
    Ok(())
}

/// Fields the docker and swarm providers share.
enum Common {
    Endpoint,
    ExposedByDefault,
    Network,
    Constraints,
    DefaultRule,
}

fn common_field(field: &str) -> Option<Common> {
    let common = if is(field, "endpoint") {
        Common::Endpoint
    } else if is(field, "exposedByDefault") {
        Common::ExposedByDefault
    } else if is(field, "network") {
        Common::Network
    } else if is(field, "constraints") {
        Common::Constraints
    } else if is(field, "defaultRule") {
        Common::DefaultRule
    } else {
        return None;
    };
    Some(common)
}

/// Docker-client options both providers have and the simulation ignores.
const CLIENT_OPTIONS: &[&str] = &[
    "tls",
    "username",
    "password",
    "httpClientTimeout",
    "useBindPortIP",
    "allowEmptyServices",
];

fn apply_provider(
    config: &mut StaticConfig,
    rest: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let Some(name) = rest.first() else {
        return Ok(());
    };
    let key = &rest[1..];
    if is(name, "docker") {
        apply_docker(config, key, value, prefix)
    } else if is(name, "swarm") {
        apply_swarm(config, key, value, prefix)
    } else if is(name, "file") {
        apply_file(config, key, value, prefix)
    } else if unmodelled(config, rest, UNMODELLED_PROVIDERS) {
        Ok(())
    } else {
        Err(field_not_found(prefix, name))
    }
}

/// A field of the docker or swarm provider, with its values in place.
struct CommonFields<'a> {
    endpoint: &'a mut String,
    exposed_by_default: &'a mut bool,
    network: &'a mut String,
    constraints: &'a mut String,
    default_rule: &'a mut String,
}

fn apply_common(
    fields: CommonFields<'_>,
    which: Common,
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    match which {
        Common::Endpoint => *fields.endpoint = text(value)?,
        Common::ExposedByDefault => *fields.exposed_by_default = flag(value, prefix)?,
        Common::Network => *fields.network = text(value)?,
        Common::Constraints => *fields.constraints = text(value)?,
        Common::DefaultRule => *fields.default_rule = text(value)?,
    }
    Ok(())
}

fn apply_docker(
    config: &mut StaticConfig,
    key: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let Some(field) = key.first() else {
        config.docker = flag(value, prefix)?.then(DockerProvider::default);
        return Ok(());
    };
    let docker = config.docker.get_or_insert_with(DockerProvider::default);
    if let Some(which) = common_field(field).filter(|_| key.len() == 1) {
        let fields = CommonFields {
            endpoint: &mut docker.endpoint,
            exposed_by_default: &mut docker.exposed_by_default,
            network: &mut docker.network,
            constraints: &mut docker.constraints,
            default_rule: &mut docker.default_rule,
        };
        return apply_common(fields, which, value, prefix);
    }
    if is(field, "watch") && key.len() == 1 {
        docker.watch = flag(value, prefix)?;
        return Ok(());
    }
    if unmodelled(config, key, CLIENT_OPTIONS) {
        return Ok(());
    }
    Err(field_not_found(
        prefix,
        deeper(key, common_field(field).is_some() || is(field, "watch")),
    ))
}

fn apply_swarm(
    config: &mut StaticConfig,
    key: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let Some(field) = key.first() else {
        config.swarm = flag(value, prefix)?.then(SwarmProvider::default);
        return Ok(());
    };
    let swarm = config.swarm.get_or_insert_with(SwarmProvider::default);
    if let Some(which) = common_field(field).filter(|_| key.len() == 1) {
        let fields = CommonFields {
            endpoint: &mut swarm.endpoint,
            exposed_by_default: &mut swarm.exposed_by_default,
            network: &mut swarm.network,
            constraints: &mut swarm.constraints,
            default_rule: &mut swarm.default_rule,
        };
        return apply_common(fields, which, value, prefix);
    }
    if is(field, "watch") && key.len() == 1 {
        swarm.watch = flag(value, prefix)?;
        return Ok(());
    }
    if is(field, "refreshSeconds") && key.len() == 1 {
        let v = text(value)?;
        swarm.refresh = go_duration(&v)
            .ok_or_else(|| stop(prefix, format!("time: invalid duration \"{v}\"")))?;
        return Ok(());
    }
    if unmodelled(config, key, CLIENT_OPTIONS) {
        return Ok(());
    }
    Err(field_not_found(
        prefix,
        deeper(
            key,
            common_field(field).is_some() || is(field, "refreshSeconds") || is(field, "watch"),
        ),
    ))
}

/// The unknown name: the segment under a known field, or the field itself.
fn deeper(key: &[String], field_known: bool) -> &str {
    match key.get(1) {
        Some(under) if field_known => under,
        _ => &key[0],
    }
}

/// Traefik's `ptypes.Duration`: a bare number is seconds, otherwise Go's `time.ParseDuration`
/// (`1m30s`, `500ms`, `1.5h`).
pub fn go_duration(text: &str) -> Option<Millis> {
    if let Ok(seconds) = text.parse::<u64>() {
        return seconds.checked_mul(SECOND_MS);
    }
    let mut rest = text;
    let mut total = 0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let millis = match &rest[..unit_len] {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 60e3,
            "h" => 3600e3,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * millis;
    }
    (total.is_finite() && total < 1e15).then_some(total as Millis)
}

fn apply_file(
    config: &mut StaticConfig,
    key: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let Some(field) = key.first() else {
        config.file = flag(value, prefix)?.then(FileProvider::default);
        return Ok(());
    };
    let file = config.file.get_or_insert_with(FileProvider::default);
    if key.len() > 1 {
        return Err(field_not_found(prefix, &key[1]));
    }
    if is(field, "filename") {
        file.filename = Some(text(value)?);
    } else if is(field, "directory") {
        file.directory = Some(text(value)?);
    } else if is(field, "watch") {
        file.watch = flag(value, prefix)?;
    } else if is(field, "debugLogGeneratedTemplate") {
        config.unmodelled.push(key.join("."));
    } else {
        return Err(field_not_found(prefix, field));
    }
    Ok(())
}

fn apply_api(
    config: &mut StaticConfig,
    key: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let fresh = || Api {
        dashboard: true,
        insecure: false,
    };
    let Some(field) = key.first() else {
        config.api = flag(value, prefix)?.then(fresh);
        return Ok(());
    };
    let api = config.api.get_or_insert_with(fresh);
    if key.len() > 1 {
        return Err(field_not_found(prefix, &key[1]));
    }
    if is(field, "dashboard") {
        api.dashboard = flag(value, prefix)?;
    } else if is(field, "insecure") {
        api.insecure = flag(value, prefix)?;
    } else if is(field, "debug") || is(field, "basePath") || is(field, "disableDashboardAd") {
        config.unmodelled.push(format!("api.{field}"));
    } else {
        return Err(field_not_found(prefix, field));
    }
    Ok(())
}

fn apply_ping(
    config: &mut StaticConfig,
    key: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let fresh = || Ping {
        entry_point: INTERNAL_ENTRY_POINT.into(),
        manual_routing: false,
    };
    let Some(field) = key.first() else {
        config.ping = flag(value, prefix)?.then(fresh);
        return Ok(());
    };
    let ping = config.ping.get_or_insert_with(fresh);
    if key.len() > 1 {
        return Err(field_not_found(prefix, &key[1]));
    }
    if is(field, "entryPoint") {
        ping.entry_point = text(value)?;
    } else if is(field, "manualRouting") {
        ping.manual_routing = flag(value, prefix)?;
    } else if is(field, "terminatingStatusCode") {
        config.unmodelled.push(format!("ping.{field}"));
    } else {
        return Err(field_not_found(prefix, field));
    }
    Ok(())
}

fn apply_log(
    config: &mut StaticConfig,
    path: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let key = &path[1..];
    let Some(field) = key.first() else {
        flag(value, prefix)?;
        return Ok(());
    };
    if is(field, "level") && key.len() == 1 {
        let v = text(value)?;
        config.log_level = LogLevel::parse(&v).unwrap_or_else(|| {
            config
                .warnings
                .push(format!("invalid log level {v:?}, using ERROR"));
            LogLevel::Error
        });
        return Ok(());
    }
    const OTHER: &[&str] = &[
        "format",
        "filePath",
        "noColor",
        "maxSize",
        "maxAge",
        "maxBackups",
        "compress",
        "otlp",
    ];
    if unmodelled(config, key, OTHER) {
        return Ok(());
    }
    Err(field_not_found(prefix, deeper(key, is(field, "level"))))
}

fn resolver_mut<'a>(config: &'a mut StaticConfig, name: &str) -> &'a mut CertResolver {
    let index = match config.resolvers.iter().position(|r| is(&r.name, name)) {
        Some(index) => index,
        None => {
            config.resolvers.push(CertResolver::new(name));
            config.resolvers.len() - 1
        }
    };
    &mut config.resolvers[index]
}

fn apply_resolver(
    config: &mut StaticConfig,
    rest: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let Some(name) = rest.first() else {
        return Ok(());
    };
    let Some(kind) = rest.get(1) else {
        resolver_mut(config, name);
        return Ok(());
    };
    if is(kind, "tailscale") {
        config.unmodelled.push(rest.join("."));
        return Ok(());
    }
    if !is(kind, "acme") {
        return Err(field_not_found(prefix, kind));
    }
    let key = &rest[2..];
    let resolver = resolver_mut(config, name);
    let Some(field) = key.first() else {
        return Ok(());
    };
    if is(field, "httpChallenge") || is(field, "tlsChallenge") || is(field, "dnsChallenge") {
        return apply_challenge(resolver, key, value, prefix);
    }
    if key.len() > 1 && !is(field, "eab") {
        return Err(field_not_found(prefix, &key[1]));
    }
    if is(field, "email") {
        resolver.email = text(value)?;
    } else if is(field, "storage") {
        resolver.storage = text(value)?;
    } else if is(field, "caServer") {
        resolver.ca_server = text(value)?;
    } else if is(field, "keyType") {
        resolver.key_type = text(value)?;
    } else if is(field, "certificatesDuration") {
        let v = text(value)?;
        resolver.certificates_duration = v.parse().map_err(|_| {
            stop(
                prefix,
                format!("strconv.ParseInt: parsing \"{v}\": invalid syntax"),
            )
        })?;
    } else if [
        "preferredChain",
        "eab",
        "caCertificates",
        "caSystemCertPool",
        "caServerName",
    ]
    .iter()
    .any(|n| is(field, n))
    {
        config.unmodelled.push(rest.join("."));
    } else {
        return Err(field_not_found(prefix, field));
    }
    Ok(())
}

fn apply_challenge(
    resolver: &mut CertResolver,
    key: &[String],
    value: &Option<String>,
    prefix: &str,
) -> Result<(), Fail> {
    let field = &key[0];
    let sub = key.get(1);
    if is(field, "tlsChallenge") {
        if let Some(sub) = sub {
            return Err(field_not_found(prefix, sub));
        }
        resolver.challenges.retain(|c| *c != Challenge::Tls);
        if flag(value, prefix)? {
            resolver.challenges.push(Challenge::Tls);
        }
        return Ok(());
    }
    let http = is(field, "httpChallenge");
    let (wanted, other) = if http {
        ("entryPoint", &["delay"][..])
    } else {
        (
            "provider",
            &[
                "delayBeforeCheck",
                "resolvers",
                "propagation",
                "disablePropagationCheck",
            ][..],
        )
    };
    let Some(sub) = sub else {
        flag(value, prefix)?;
        return Ok(());
    };
    if is(sub, wanted) && key.len() == 2 {
        let v = text(value)?;
        let challenge = if http {
            Challenge::Http { entry_point: v }
        } else {
            Challenge::Dns { provider: v }
        };
        let same = |c: &Challenge| std::mem::discriminant(c) == std::mem::discriminant(&challenge);
        resolver.challenges.retain(|c| !same(c));
        resolver.challenges.push(challenge);
        return Ok(());
    }
    if other.iter().any(|o| is(sub, o)) {
        return Ok(());
    }
    Err(field_not_found(prefix, sub))
}

/// `SetEffectiveConfiguration`: the default entrypoints, in name order.
fn finish(mut config: StaticConfig) -> StaticConfig {
    if config.entry_points.is_empty() {
        config.entry_points.push(EntryPoint {
            name: "http".into(),
            address: ":80".into(),
            ..EntryPoint::default()
        });
    }
    let insecure_api = config.api.as_ref().is_some_and(|a| a.insecure);
    let internal_ping = config
        .ping
        .as_ref()
        .is_some_and(|p| !p.manual_routing && p.entry_point == INTERNAL_ENTRY_POINT);
    if (insecure_api || internal_ping) && config.entry_point(INTERNAL_ENTRY_POINT).is_none() {
        config.entry_points.push(EntryPoint {
            name: INTERNAL_ENTRY_POINT.into(),
            address: ":8080".into(),
            ..EntryPoint::default()
        });
    }
    order::sort_by(&mut config.entry_points, |a, b| a.name.cmp(&b.name));
    order::sort_by(&mut config.resolvers, |a, b| a.name.cmp(&b.name));
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn flags(list: &[&str]) -> StaticConfig {
        from_flags(&args(list)).expect("Traefik starts")
    }

    fn refused(list: &[&str]) -> StartError {
        from_flags(&args(list)).expect_err("Traefik refuses")
    }

    /// The `command:` of the Traefik service in Traefik's own "Setup Traefik Proxy in Docker
    /// Swarm" guide (doc.traefik.io/traefik/setup/swarm/, from traefik/traefik's docs), followed by
    /// the Let's Encrypt additions the same guide gives.
    const SWARM_GUIDE: &[&str] = &[
        "--entrypoints.web.address=:80",
        "--entrypoints.web.http.redirections.entrypoint.to=websecure",
        "--entrypoints.web.http.redirections.entrypoint.scheme=https",
        "--entrypoints.web.http.redirections.entrypoint.permanent=true",
        "--entrypoints.websecure.address=:443",
        "--entrypoints.websecure.http.tls=true",
        "--providers.file.filename=/dynamic/tls.yaml",
        "--providers.swarm.endpoint=unix:///var/run/docker.sock",
        "--providers.swarm.watch=true",
        "--providers.swarm.exposedbydefault=false",
        "--providers.swarm.network=traefik_traefik_proxy",
        "--api.dashboard=true",
        "--api.insecure=false",
        "--log.level=INFO",
        "--accesslog=true",
        "--metrics.prometheus=true",
        "--certificatesresolvers.le.acme.email=you@example.com",
        "--certificatesresolvers.le.acme.storage=/letsencrypt/acme.json",
        "--certificatesresolvers.le.acme.httpchallenge.entrypoint=web",
        "--entrypoints.websecure.http.tls.certresolver=le",
    ];

    /// The `command:` of Traefik's "Setup Traefik Proxy in Docker Standalone" guide
    /// (doc.traefik.io/traefik/setup/docker/), a Compose project with the docker provider.
    const COMPOSE_GUIDE: &[&str] = &[
        "--entrypoints.web.address=:80",
        "--entrypoints.web.http.redirections.entrypoint.to=websecure",
        "--entrypoints.web.http.redirections.entrypoint.scheme=https",
        "--entrypoints.web.http.redirections.entrypoint.permanent=true",
        "--entrypoints.websecure.address=:443",
        "--entrypoints.websecure.http.tls=true",
        "--providers.file.filename=/dynamic/tls.yaml",
        "--providers.docker=true",
        "--providers.docker.exposedbydefault=false",
        "--providers.docker.network=proxy",
        "--api.dashboard=true",
        "--api.insecure=false",
        "--log.level=INFO",
        "--accesslog=true",
        "--metrics.prometheus=true",
    ];

    /// The v2 swarm stack people still copy (dockerswarm.rocks' `traefik.yml`, written for
    /// Traefik v2.2): the docker provider in swarm mode, with ACME over TLS-ALPN.
    const V2_SWARM_GUIDE: &[&str] = &[
        "--providers.docker",
        "--providers.docker.constraints=Label(`traefik.constraint-label`, `traefik-public`)",
        "--providers.docker.exposedbydefault=false",
        "--providers.docker.swarmmode",
        "--entrypoints.http.address=:80",
        "--entrypoints.https.address=:443",
        "--certificatesresolvers.le.acme.email=admin@example.com",
        "--certificatesresolvers.le.acme.storage=/certificates/acme.json",
        "--certificatesresolvers.le.acme.tlschallenge=true",
        "--accesslog",
        "--log",
        "--api",
    ];

    #[test]
    fn traefik_swarm_setup_guide_flags_parse_traefik_docs_setup_swarm() {
        let config = flags(SWARM_GUIDE);
        let names: Vec<&str> = config
            .entry_points
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(names, ["web", "websecure"]);
        let web = config.entry_point("web").unwrap();
        assert_eq!(web.port(), Some(80));
        let redirect = web.redirect.as_ref().unwrap();
        assert_eq!(
            (
                redirect.to.as_str(),
                redirect.scheme.as_str(),
                redirect.permanent
            ),
            ("websecure", "https", true)
        );
        let websecure = config.entry_point("websecure").unwrap();
        assert_eq!(websecure.port(), Some(443));
        assert!(websecure.tls);
        assert_eq!(websecure.cert_resolver.as_deref(), Some("le"));
        let swarm = config.swarm.as_ref().unwrap();
        assert_eq!(swarm.endpoint, DEFAULT_ENDPOINT);
        assert!(!swarm.exposed_by_default);
        assert_eq!(swarm.network, "traefik_traefik_proxy");
        assert_eq!(swarm.refresh, 15_000);
        assert_eq!(config.docker, None);
        let file = config.file.as_ref().unwrap();
        assert_eq!(file.filename.as_deref(), Some("/dynamic/tls.yaml"));
        let api = config.api.as_ref().unwrap();
        assert!(api.dashboard && !api.insecure);
        assert_eq!(config.log_level, LogLevel::Info);
        assert!(config.access_log);
        assert_eq!(config.unmodelled, ["metrics.prometheus"]);
        let le = config.resolver("le").unwrap();
        assert_eq!(le.email, "you@example.com");
        assert_eq!(le.storage, "/letsencrypt/acme.json");
        assert_eq!(le.ca_server, LETS_ENCRYPT_PRODUCTION);
        assert_eq!(
            le.challenges,
            [Challenge::Http {
                entry_point: "web".into()
            }]
        );
        // No insecure API, no ping: no internal entrypoint.
        assert!(config.entry_point(INTERNAL_ENTRY_POINT).is_none());
    }

    #[test]
    fn traefik_compose_setup_guide_flags_parse_traefik_docs_setup_docker() {
        let config = flags(COMPOSE_GUIDE);
        let docker = config.docker.as_ref().unwrap();
        assert!(!docker.exposed_by_default);
        assert_eq!(docker.network, "proxy");
        assert_eq!(docker.endpoint, DEFAULT_ENDPOINT);
        assert_eq!(docker.default_rule, DEFAULT_RULE);
        assert!(docker.watch);
        assert_eq!(config.swarm, None);
        assert_eq!(config.entry_points.len(), 2);
        assert!(config.resolvers.is_empty());
        assert_eq!(config.entry_point("websecure").unwrap().cert_resolver, None);
    }

    #[test]
    fn v2_swarm_mode_flag_is_removed_in_v3_traefik_migration_v3() {
        let error = refused(V2_SWARM_GUIDE);
        assert_eq!(
            error.message,
            "command traefik error: incompatible deprecated install configuration option found"
        );
        assert_eq!(
            error.log,
            [
                "Docker provider `swarmMode` option has been removed in v3, please use the Swarm \
              Provider instead. For more information please read the migration guide: \
              https://doc.traefik.io/traefik/v3.7/migrate/v2-to-v3-details/#swarmmode"
            ]
        );
        assert_eq!(error.exit_code(), 1);
        assert_eq!(error.to_string(), error.message);
        // Without the swarm-mode flag, the rest of the v2 stack starts on v3.
        let rest: Vec<&str> = V2_SWARM_GUIDE
            .iter()
            .copied()
            .filter(|f| !f.contains("swarmmode"))
            .collect();
        let config = flags(&rest);
        assert_eq!(config.resolver("le").unwrap().challenges, [Challenge::Tls]);
        assert!(config.api.as_ref().unwrap().dashboard);
        assert_eq!(
            config.docker.as_ref().unwrap().constraints,
            "Label(`traefik.constraint-label`, `traefik-public`)"
        );
    }

    #[test]
    fn v2_tls_ca_optional_is_removed_in_v3_traefik_migration_v3() {
        let error = refused(&["--providers.docker.tls.caOptional=true"]);
        assert!(
            error.log[0].starts_with("Docker provider `tls.CAOptional` option has been removed")
        );
        assert_eq!(error.exit_code(), EXIT_CODE);
    }

    #[test]
    fn unknown_flag_stops_traefik_field_not_found_traefik_cli() {
        // traefik/traefik#5422: a v1 key on v2+ names the first segment it cannot place.
        let error = refused(&["--entrypoints.web.address=:80", "--kubernetes"]);
        assert_eq!(
            error.message,
            "command traefik error: failed to decode configuration from flags: field not found, \
             node: kubernetes"
        );
        assert_eq!(error.exit_code(), 1);
        assert!(error.log.is_empty());
        // A misspelt field names the misspelt segment, as written.
        let error = refused(&["--entrypoints.web.adress=:80"]);
        assert!(error.message.ends_with("field not found, node: adress"));
        let error = refused(&["--providers.swarm.refreshSecond=10"]);
        assert!(error.message.ends_with("node: refreshSecond"));
        let error = refused(&["--providers.docker.network.name=x"]);
        assert!(error.message.ends_with("node: name"));
    }

    #[test]
    fn v2_swarm_mode_refresh_seconds_is_field_not_found_traefik_issue_10671() {
        let error = refused(&["--providers.docker.swarmModeRefreshSeconds=30"]);
        assert!(
            error
                .message
                .ends_with("field not found, node: swarmModeRefreshSeconds")
        );
    }

    #[test]
    fn a_dash_inside_a_compose_list_item_is_a_node_named_dash_dash_api_paerser_flags() {
        // `command: ["- --api.insecure=true"]`: one argument starting `- --`, a real crash loop.
        let error = refused(&["- --api.insecure=true"]);
        assert!(error.message.ends_with("field not found, node: --api"));
    }

    #[test]
    fn swarm_provider_polls_every_15_seconds_by_default_traefik_swarm_provider() {
        let config = flags(&["--providers.swarm=true"]);
        let swarm = config.swarm.unwrap();
        assert_eq!(swarm.refresh, DEFAULT_REFRESH);
        assert_eq!(DEFAULT_REFRESH, 15 * SECOND_MS);
        assert_eq!(swarm.endpoint, "unix:///var/run/docker.sock");
        assert!(swarm.exposed_by_default);
        assert_eq!(swarm.network, "");
        // A bare number is seconds; Go durations are accepted too (ptypes.Duration).
        let refresh = |v: &str| {
            flags(&[&format!("--providers.swarm.refreshSeconds={v}")])
                .swarm
                .unwrap()
                .refresh
        };
        assert_eq!(refresh("30"), 30_000);
        assert_eq!(refresh("1m30s"), 90_000);
        assert_eq!(refresh("500ms"), 500);
        let error = refused(&["--providers.swarm.refreshSeconds=soon"]);
        assert!(error.message.ends_with("time: invalid duration \"soon\""));
    }

    #[test]
    fn providers_expose_by_default_and_use_the_socket_traefik_docker_swarm_set_defaults() {
        let config = flags(&["--providers.docker", "--providers.swarm.network=proxy"]);
        let docker = config.docker.unwrap();
        assert!(docker.exposed_by_default);
        assert_eq!(docker.endpoint, DEFAULT_ENDPOINT);
        assert_eq!(docker.default_rule, "Host(`{{ normalize .Name }}`)");
        assert_eq!(config.swarm.unwrap().network, "proxy");
        // `=false` on the section turns the provider off.
        assert_eq!(flags(&["--providers.docker=false"]).docker, None);
    }

    #[test]
    fn log_level_defaults_to_error_traefik_logs_reference() {
        assert_eq!(flags(&[]).log_level, LogLevel::Error);
        assert_eq!(flags(&["--log.level=DEBUG"]).log_level, LogLevel::Debug);
        assert_eq!(flags(&["--log.level=warn"]).log_level, LogLevel::Warn);
        let config = flags(&["--log.level=LOUD"]);
        assert_eq!(config.log_level, LogLevel::Error);
        assert_eq!(config.warnings.len(), 1);
        assert_eq!(LogLevel::Error.short(), "ERR");
    }

    #[test]
    fn access_log_is_off_by_default_and_a_bare_flag_turns_it_on_traefik_access_logs() {
        assert!(!flags(&[]).access_log);
        assert!(flags(&["--accesslog"]).access_log);
        assert!(!flags(&["--accesslog=false"]).access_log);
        assert!(flags(&["--accesslog.format=json"]).access_log);
    }

    #[test]
    fn no_entrypoint_means_http_on_port_80_traefik_static_config_set_effective() {
        let config = flags(&[]);
        assert_eq!(config.entry_points.len(), 1);
        assert_eq!(config.entry_points[0].name, "http");
        assert_eq!(config.entry_points[0].address, ":80");
        assert_eq!(config.docker, None);
        assert_eq!(config.swarm, None);
        assert_eq!(config.api, None);
    }

    #[test]
    fn insecure_api_and_ping_listen_on_the_traefik_entrypoint_8080_traefik_api_dashboard() {
        let config = flags(&["--api.insecure=true", "--entrypoints.web.address=:80"]);
        let internal = config.entry_point(INTERNAL_ENTRY_POINT).unwrap();
        assert_eq!(internal.port(), Some(8080));
        let api = config.api.unwrap();
        assert!(api.insecure && api.dashboard);
        let config = flags(&["--ping=true"]);
        assert!(config.entry_point(INTERNAL_ENTRY_POINT).is_some());
        assert_eq!(config.ping.unwrap().entry_point, "traefik");
        // A declared `traefik` entrypoint keeps its address.
        let config = flags(&["--api.insecure", "--entrypoints.traefik.address=:9000"]);
        assert_eq!(config.entry_point("traefik").unwrap().port(), Some(9000));
    }

    #[test]
    fn entrypoint_redirect_is_https_permanent_max_int_minus_one_traefik_entrypoints() {
        let config = flags(&["--entrypoints.web.http.redirections.entrypoint.to=websecure"]);
        let redirect = config.entry_point("web").unwrap().redirect.clone().unwrap();
        assert_eq!(redirect.scheme, "https");
        assert!(redirect.permanent);
        assert_eq!(redirect.priority, 9_223_372_036_854_775_806);
        let config = flags(&[
            "--entrypoints.web.http.redirections.entrypoint.to=:443",
            "--entrypoints.web.http.redirections.entrypoint.permanent=false",
            "--entrypoints.web.asDefault=true",
        ]);
        let web = config.entry_point("web").unwrap();
        assert!(web.as_default);
        assert!(!web.redirect.as_ref().unwrap().permanent);
        assert_eq!(web.redirect.as_ref().unwrap().to, ":443");
    }

    #[test]
    fn acme_resolver_defaults_traefik_acme_reference() {
        let config = flags(&[
            "--certificatesresolvers.le.acme.email=ops@example.com",
            "--certificatesresolvers.le.acme.tlschallenge",
        ]);
        let le = config.resolver("le").unwrap();
        assert_eq!(le.storage, "acme.json");
        assert_eq!(le.ca_server, LETS_ENCRYPT_PRODUCTION);
        assert_eq!(le.key_type, "RSA4096");
        assert_eq!(le.certificates_duration, 2160);
        assert_eq!(le.challenges, [Challenge::Tls]);
        let config = flags(&[
            "--certificatesresolvers.staging.acme.caserver=https://acme-staging-v02.api.letsencrypt.org/directory",
            "--certificatesresolvers.staging.acme.keytype=EC256",
            "--certificatesresolvers.staging.acme.dnschallenge.provider=cloudflare",
        ]);
        let staging = config.resolver("staging").unwrap();
        assert_eq!(staging.ca_server, LETS_ENCRYPT_STAGING);
        assert_eq!(staging.key_type, "EC256");
        assert_eq!(
            staging.challenges,
            [Challenge::Dns {
                provider: "cloudflare".into()
            }]
        );
        let error = refused(&["--certificatesresolvers.le.acme.mail=x"]);
        assert!(error.message.ends_with("node: mail"));
    }

    #[test]
    fn flag_names_ignore_case_and_bare_booleans_are_true_traefik_paerser() {
        let config = flags(&[
            "--EntryPoints.Web.Address=:80",
            "--PROVIDERS.SWARM.EXPOSEDBYDEFAULT=false",
            "--providers.swarm.exposedByDefault",
            "--Api.Insecure",
            "-ping",
        ]);
        assert_eq!(config.entry_point("Web").unwrap().address, ":80");
        let merged = flags(&[
            "--entrypoints.Web.address=:80",
            "--entrypoints.web.asDefault",
        ]);
        assert_eq!(merged.entry_points.len(), 1);
        assert!(merged.entry_point("Web").unwrap().as_default);
        assert!(config.swarm.unwrap().exposed_by_default);
        assert!(config.api.unwrap().insecure);
        assert!(config.ping.is_some());
        let error = refused(&["--api.insecure=yes"]);
        assert!(
            error
                .message
                .ends_with("strconv.ParseBool: parsing \"yes\": invalid syntax")
        );
    }

    #[test]
    fn a_value_may_follow_in_the_next_argument_and_a_positional_stops_flags_paerser() {
        let config = flags(&["--entrypoints.web.address", ":8000", "--accesslog"]);
        assert_eq!(config.entry_point("web").unwrap().address, ":8000");
        assert!(config.access_log);
        let config = flags(&["--accesslog", "extra", "--nonsense"]);
        assert!(config.access_log);
        let error = refused(&["--log.level"]);
        assert!(
            error
                .message
                .ends_with("flag needs an argument: --log.level")
        );
    }

    const GUIDE_YAML: &str = "
entryPoints:
  web:
    address: ':80'
    http:
      redirections:
        entryPoint:
          to: websecure
          scheme: https
  websecure:
    address: ':443'
    http:
      tls:
        certResolver: le
providers:
  swarm:
    exposedByDefault: false
    network: traefik-public
    refreshSeconds: 30
  file:
    directory: /etc/traefik/dynamic
api:
  dashboard: true
log:
  level: DEBUG
accessLog: {}
ping: {}
certificatesResolvers:
  le:
    acme:
      email: ops@example.com
      storage: /letsencrypt/acme.json
      httpChallenge:
        entryPoint: web
";

    #[test]
    fn traefik_yml_is_the_same_tree_as_the_flags_traefik_install_configuration_overview() {
        let config = from_yaml(GUIDE_YAML).unwrap();
        assert_eq!(
            config
                .entry_point("web")
                .unwrap()
                .redirect
                .as_ref()
                .unwrap()
                .to,
            "websecure"
        );
        assert_eq!(
            config
                .entry_point("websecure")
                .unwrap()
                .cert_resolver
                .as_deref(),
            Some("le")
        );
        let swarm = config.swarm.as_ref().unwrap();
        assert_eq!(swarm.refresh, 30_000);
        assert_eq!(swarm.network, "traefik-public");
        assert!(!swarm.exposed_by_default);
        assert_eq!(
            config.file.as_ref().unwrap().directory.as_deref(),
            Some("/etc/traefik/dynamic")
        );
        assert_eq!(config.log_level, LogLevel::Debug);
        assert!(config.access_log);
        assert!(config.ping.is_some());
        assert!(config.entry_point(INTERNAL_ENTRY_POINT).is_some());
        assert_eq!(
            config.resolver("le").unwrap().challenges,
            [Challenge::Http {
                entry_point: "web".into()
            }]
        );
    }

    #[test]
    fn unknown_key_in_traefik_yml_stops_traefik_field_not_found_traefik_issue_10170() {
        let error = from_yaml("entryPoints:\n  web:\n    adress: ':80'\n").unwrap_err();
        assert_eq!(
            error.message,
            "command traefik error: field not found, node: adress"
        );
        assert_eq!(error.exit_code(), 1);
        // A list where a map was expected is named by its index.
        let error = from_yaml("providers:\n  - docker: {}\n").unwrap_err();
        assert_eq!(
            error.message,
            "command traefik error: field not found, node: [0]"
        );
        let error = from_yaml("providers:\n  docker:\n    swarmMode: true\n").unwrap_err();
        assert_eq!(error.message, DEPRECATED_FOUND);
        assert!(from_yaml("entryPoints: [").is_err());
        assert!(from_yaml("").is_ok());
    }

    #[test]
    fn a_found_file_wins_over_the_flags_traefik_cli_loaders() {
        let flags = args(&[
            "--configFile=/etc/traefik/traefik.yml",
            "--providers.docker",
        ]);
        assert_eq!(
            config_file_flag(&flags).as_deref(),
            Some("/etc/traefik/traefik.yml")
        );
        let config = load(&flags, Some("providers:\n  swarm: {}\n")).unwrap();
        assert!(config.swarm.is_some() && config.docker.is_none());
        let config = load(&args(&["--providers.docker"]), None).unwrap();
        assert!(config.docker.is_some());
        // `configFile` itself is a real flag, not an unknown one.
        assert!(from_flags(&flags).is_ok());
    }

    /// A small deterministic generator, so the test needs no seed plumbing.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn bad_input_never_panics() {
        let all: Vec<String> = args(SWARM_GUIDE)
            .into_iter()
            .chain(args(V2_SWARM_GUIDE))
            .collect();
        for flag in &all {
            for end in (0..=flag.len()).filter(|&e| flag.is_char_boundary(e)) {
                let _ = from_flags(&[flag[..end].to_string()]);
                let _ = from_flags(&[flag[..end].to_string(), ":80".into()]);
            }
        }
        for n in 0..=all.len() {
            let _ = from_flags(&all[..n]);
        }
        for end in (0..=GUIDE_YAML.len()).filter(|&e| GUIDE_YAML.is_char_boundary(e)) {
            let _ = from_yaml(&GUIDE_YAML[..end]);
        }
        let alphabet: Vec<char> = "-.=:aeiprstxyz0159µ [ ]{}\n'`".chars().collect();
        let mut state = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let len = (next(&mut state) % 24) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next(&mut state) % alphabet.len() as u64) as usize])
                .collect();
            let _ = from_flags(std::slice::from_ref(&text));
            let _ = from_flags(&[format!("--providers.swarm.refreshSeconds={text}")]);
            let _ = from_yaml(&text);
        }
        for v in [
            "99999999999999999999",
            "1e400s",
            "-1s",
            ".s",
            "1.5h",
            "µs",
            "5µs",
        ] {
            let _ = go_duration(v);
        }
    }
}
