//! Let's Encrypt as Traefik meets it, and Traefik's certificate store (`acme.json`).
//!
//! What really happens: a Traefik certificate resolver (an ACME client, go-acme/lego) registers
//! an account with the CA named by `caServer` (Let's Encrypt production
//! `https://acme-v02.api.letsencrypt.org/directory` or staging
//! `https://acme-staging-v02.api.letsencrypt.org/directory`), orders a certificate for a router's
//! names and proves control of each name: HTTP-01 (the CA fetches
//! `http://<name>/.well-known/acme-challenge/<token>`, port 80 only) or TLS-ALPN-01 (port 443).
//! A failed validation comes back as an ACME problem (`urn:ietf:params:acme:error:connection`,
//! `…:unauthorized`, `…:dns`) in Boulder's words. Let's Encrypt's rate limits (its "Rate Limits"
//! documentation) are token buckets: 50 new certificates per registered domain per 7 days
//! (refilling one per 202 minutes, shared by every account), 5 per exact set of identifiers per
//! 7 days (one per 34 h, no overrides), 5 failed authorizations per identifier per account per
//! hour (one per 12 min); a refusal is `urn:ietf:params:acme:error:rateLimited` with `too many …
//! in the last <window>, retry after <YYYY-MM-DD hh:mm:ss> UTC`. ARI renewals are exempt from
//! every limit. Certificates last 90 days. Traefik keeps the account and certificates per
//! resolver in `acme.json` (`pkg/provider/acme/local_store.go`), refuses a file whose mode lets
//! group or others read it (`local_store_unix.go` `CheckFile`: `permissions 644 for … are too
//! open, please use 600`), in which case `cmd/traefik` drops the resolver and keeps running, so
//! routers fall back to the self-signed `TRAEFIK DEFAULT CERT`. It renews a certificate when
//! less than 30 days remain, checking every 24 h (`provider.go` `getCertificateRenewDurations`).
//!
//! What we model: both directories with their own limits (staging's are far larger, per Let's
//! Encrypt's staging-environment page), accounts, issued certificates (serial, names, 90 days,
//! the issuer by key type), the three limits as token buckets with the CA's texts, the four
//! ways a challenge fails (decided by the caller, which knows the network), Traefik's store with
//! its mode check, log line and renewal rule, and what `curl -v https://name/` prints.
//!
//! What we simplify:
//! - The registered domain is the last two labels of a name (`co.uk`-style public suffixes are
//!   not modelled).
//! - The other limits (new orders and accounts, the 1,152 consecutive failures pause, overload
//!   503s) are not modelled. The issuer names are one RSA and one ECDSA intermediate per
//!   directory; the real CA rotates between several.
//! - Only the renewal tiers for the default 90-day duration and the two longer ones Traefik
//!   documents are modelled; shorter durations use the 30-day tier's 10 days / 12 h.
//! - DNS-01 and wildcard names are not modelled; the challenge token is derived from the order
//!   number.
//! - The texts follow their sources, read rather than captured from a run: the challenge
//!   failures and the three limits are Boulder's format strings (`va/http.go`,
//!   `ratelimits/limiter.go`), the issuers the intermediates Let's Encrypt lists for
//!   2025–2026 (R12/E7, staging `(STAGING) Riddling Rhubarb R12` / `(STAGING) Puzzling Parsnip
//!   E7`), curl's `-v` lines those of curl 8.5–8.16 (`lib/vtls/openssl.c`); the duplicate-set
//!   text and the acme.json mode message also match published logs.
//!
//! A leaf: it imports only the time units and the one sort.

use std::collections::BTreeMap;

use crate::sim::order;
use crate::sim::time::{DAY_MS, HOUR_MS, Millis, civil};

pub const PRODUCTION_URL: &str = "https://acme-v02.api.letsencrypt.org/directory";
pub const STAGING_URL: &str = "https://acme-staging-v02.api.letsencrypt.org/directory";
/// Let's Encrypt's default certificate lifetime.
pub const LIFETIME_MS: Millis = 90 * DAY_MS;
/// The common name of the certificate Traefik serves when it has none for the name.
pub const DEFAULT_CERT_CN: &str = "TRAEFIK DEFAULT CERT";
/// The urn of every rate-limit refusal.
pub const RATE_LIMITED: &str = "urn:ietf:params:acme:error:rateLimited";

/// One of Let's Encrypt's two ACME directories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Directory {
    Production,
    Staging,
}

impl Directory {
    pub fn url(self) -> &'static str {
        match self {
            Directory::Production => PRODUCTION_URL,
            Directory::Staging => STAGING_URL,
        }
    }

    /// The directory a `caServer` names (trailing slash and case ignored); `None` for another CA.
    pub fn from_url(url: &str) -> Option<Directory> {
        let url = url.trim().trim_end_matches('/').to_ascii_lowercase();
        [Directory::Production, Directory::Staging]
            .into_iter()
            .find(|d| d.url() == url)
    }

    /// The issuer a certificate for this key type gets, as curl prints it.
    pub fn issuer(self, key_type: &str) -> &'static str {
        let ecdsa = key_type.to_ascii_uppercase().starts_with("EC");
        match (self, ecdsa) {
            (Directory::Production, false) => "C=US; O=Let's Encrypt; CN=R12",
            (Directory::Production, true) => "C=US; O=Let's Encrypt; CN=E7",
            (Directory::Staging, false) => {
                "C=US; O=(STAGING) Let's Encrypt; CN=(STAGING) Riddling Rhubarb R12"
            }
            (Directory::Staging, true) => {
                "C=US; O=(STAGING) Let's Encrypt; CN=(STAGING) Puzzling Parsnip E7"
            }
        }
    }

    fn limits(self) -> Limits {
        match self {
            Directory::Production => Limits {
                per_domain: 50,
                per_set: 5,
                failures_per_hour: 5,
            },
            Directory::Staging => Limits {
                per_domain: 30_000,
                per_set: 30_000,
                failures_per_hour: 60,
            },
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Limits {
    per_domain: u64,
    per_set: u64,
    failures_per_hour: u64,
}

/// How the CA proves control of a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Challenge {
    Http01,
    TlsAlpn01,
}

/// What the CA found when it tried to reach the name (the caller, which knows the network,
/// decides).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Traefik answered the challenge.
    Answered,
    ConnectionRefused,
    Timeout,
    /// Another server answered: a 404 for HTTP-01, no `acme-tls/1` for TLS-ALPN-01.
    WrongServer,
    /// No DNS record for the name.
    NxDomain,
}

/// One order: which challenge, what the CA found, at which address, and whether it is an ARI
/// renewal (exempt from every limit).
#[derive(Clone, Debug)]
pub struct Attempt {
    pub challenge: Challenge,
    pub reach: Reach,
    pub address: String,
    pub ari_renewal: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: u64,
    pub email: String,
    pub directory: Directory,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub serial: String,
    pub names: Vec<String>,
    pub not_before: Millis,
    pub not_after: Millis,
    pub issuer: String,
    pub directory: Directory,
}

/// An ACME problem as the CA returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcmeError {
    pub status: u16,
    pub urn: String,
    pub detail: String,
}

impl AcmeError {
    /// How lego (Traefik's ACME client) words the problem:
    /// `acme: error: 429 :: POST :: <url> :: <urn> :: <detail>`.
    pub fn lego(&self, url: &str) -> String {
        format!(
            "acme: error: {} :: POST :: {url} :: {} :: {}",
            self.status, self.urn, self.detail
        )
    }
}

/// A token bucket as Let's Encrypt's limits are (GCRA): `count` per `period`, refilling one
/// per `period / count`. Holds the theoretical arrival time.
fn bucket_allows(
    tat: Option<&Millis>,
    now_ms: Millis,
    count: u64,
    period: Millis,
) -> Result<Millis, Millis> {
    let interval = period / count.max(1);
    let new_tat = tat
        .copied()
        .unwrap_or(0)
        .max(now_ms)
        .saturating_add(interval);
    if new_tat - now_ms <= period {
        Ok(new_tat)
    } else {
        Err(new_tat - period)
    }
}

/// The registered domain of a name: its last two labels (a simplification).
pub fn registered_domain(name: &str) -> String {
    let labels: Vec<&str> = name.trim_end_matches('.').split('.').collect();
    let from = labels.len().saturating_sub(2);
    labels[from..].join(".").to_ascii_lowercase()
}

/// `YYYY-MM-DD hh:mm:ss UTC`, as the CA words a retry time.
pub fn utc(at_ms: Millis) -> String {
    let (y, mo, d, h, mi, s, _) = civil(at_ms);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
}

/// Simulated Let's Encrypt: both directories, their accounts, certificates and limits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ca {
    pub accounts: BTreeMap<u64, Account>,
    pub issued: Vec<Certificate>,
    /// Token buckets: (directory, limit, key) → theoretical arrival time.
    buckets: BTreeMap<(Directory, &'static str, String), Millis>,
    orders: u64,
}

impl Ca {
    pub fn new() -> Ca {
        Ca::default()
    }

    /// Registers an account on a directory; returns its id.
    pub fn register(&mut self, directory: Directory, email: &str) -> u64 {
        let id = self.accounts.len() as u64 + 1;
        self.accounts.insert(
            id,
            Account {
                id,
                email: email.to_string(),
                directory,
            },
        );
        id
    }

    /// The account's URL, as Traefik stores it in acme.json.
    pub fn account_url(&self, account: u64) -> Option<String> {
        let a = self.accounts.get(&account)?;
        let base = a.directory.url().trim_end_matches("/directory");
        Some(format!("{base}/acme/acct/{}", account))
    }

    /// The three limits, checked before an order (nothing is spent here).
    fn check_limits(
        &self,
        now_ms: Millis,
        account: u64,
        directory: Directory,
        names: &[String],
    ) -> Result<(), AcmeError> {
        let limits = directory.limits();
        for name in names {
            let key = format!("{account} {name}");
            let tat = self.buckets.get(&(directory, "failed", key));
            if let Err(retry) = bucket_allows(tat, now_ms, limits.failures_per_hour, HOUR_MS) {
                return Err(rate_limited(format!(
                    "too many failed authorizations ({}) for \"{name}\" in the last 1h0m0s, retry after {}: see https://letsencrypt.org/docs/rate-limits/#authorization-failures-per-identifier-per-account",
                    limits.failures_per_hour,
                    utc(retry)
                )));
            }
        }
        let mut domains: Vec<String> = names.iter().map(|n| registered_domain(n)).collect();
        order::sort(&mut domains);
        domains.dedup();
        for domain in &domains {
            let tat = self.buckets.get(&(directory, "domain", domain.clone()));
            if let Err(retry) = bucket_allows(tat, now_ms, limits.per_domain, 7 * DAY_MS) {
                return Err(rate_limited(format!(
                    "too many certificates ({}) already issued for \"{domain}\" in the last 168h0m0s, retry after {}: see https://letsencrypt.org/docs/rate-limits/#new-certificates-per-registered-domain",
                    limits.per_domain,
                    utc(retry)
                )));
            }
        }
        let set = names.join(",");
        let tat = self.buckets.get(&(directory, "set", set.clone()));
        if let Err(retry) = bucket_allows(tat, now_ms, limits.per_set, 7 * DAY_MS) {
            return Err(rate_limited(format!(
                "too many certificates ({}) already issued for this exact set of identifiers in the last 168h0m0s, retry after {}: see https://letsencrypt.org/docs/rate-limits/#new-certificates-per-exact-set-of-identifiers",
                limits.per_set,
                utc(retry)
            )));
        }
        Ok(())
    }

    /// Orders a certificate for `names` with `key_type`: the certificate, or the CA's problem.
    /// Failed challenges count towards the failed-authorization limit.
    pub fn order(
        &mut self,
        now_ms: Millis,
        account: u64,
        names: &[String],
        key_type: &str,
        attempt: &Attempt,
    ) -> Result<Certificate, AcmeError> {
        let Some(directory) = self.accounts.get(&account).map(|a| a.directory) else {
            return Err(AcmeError {
                status: 400,
                urn: "urn:ietf:params:acme:error:accountDoesNotExist".into(),
                detail: "No account exists with the provided key".into(),
            });
        };
        let mut names: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        order::sort(&mut names);
        names.dedup();
        let limits = directory.limits();
        if !attempt.ari_renewal {
            self.check_limits(now_ms, account, directory, &names)?;
        }
        self.orders += 1;
        if attempt.reach != Reach::Answered {
            let token = token(self.orders);
            if !attempt.ari_renewal {
                for name in &names {
                    let key = (directory, "failed", format!("{account} {name}"));
                    let spent = bucket_allows(
                        self.buckets.get(&key),
                        now_ms,
                        limits.failures_per_hour,
                        HOUR_MS,
                    );
                    if let Ok(tat) = spent {
                        self.buckets.insert(key, tat);
                    }
                }
            }
            let first = names.first().cloned().unwrap_or_default();
            return Err(challenge_error(attempt, &first, &token));
        }
        if !attempt.ari_renewal {
            let mut keys: Vec<(Directory, &'static str, String)> = names
                .iter()
                .map(|n| (directory, "domain", registered_domain(n)))
                .collect();
            order::sort(&mut keys);
            keys.dedup();
            keys.push((directory, "set", names.join(",")));
            for key in keys {
                let count = if key.1 == "set" {
                    limits.per_set
                } else {
                    limits.per_domain
                };
                if let Ok(tat) = bucket_allows(self.buckets.get(&key), now_ms, count, 7 * DAY_MS) {
                    self.buckets.insert(key, tat);
                }
            }
        }
        let certificate = Certificate {
            serial: format!("{:036x}", 0x03a1_0000_u64 + self.orders),
            names,
            not_before: now_ms,
            not_after: now_ms.saturating_add(LIFETIME_MS),
            issuer: directory.issuer(key_type).to_string(),
            directory,
        };
        self.issued.push(certificate.clone());
        Ok(certificate)
    }
}

fn rate_limited(detail: String) -> AcmeError {
    AcmeError {
        status: 429,
        urn: RATE_LIMITED.into(),
        detail,
    }
}

/// A 43-character base64url-looking token derived from the order number.
fn token(order: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state = order.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995;
    (0..43)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ALPHABET[(state % 64) as usize] as char
        })
        .collect()
}

/// Boulder's problem for a challenge that could not be validated.
fn challenge_error(attempt: &Attempt, name: &str, token: &str) -> AcmeError {
    let ip = &attempt.address;
    let url = format!("http://{name}/.well-known/acme-challenge/{token}");
    let (status, kind, detail) = match (attempt.challenge, attempt.reach) {
        (_, Reach::NxDomain) => (
            400,
            "dns",
            format!(
                "DNS problem: NXDOMAIN looking up A for {name} - check that a DNS record exists for this domain; DNS problem: NXDOMAIN looking up AAAA for {name} - check that a DNS record exists for this domain"
            ),
        ),
        (Challenge::Http01, Reach::ConnectionRefused) => (
            400,
            "connection",
            format!("{ip}: Fetching {url}: Connection refused"),
        ),
        (Challenge::Http01, Reach::Timeout) => (
            400,
            "connection",
            format!("{ip}: Fetching {url}: Timeout during connect (likely firewall problem)"),
        ),
        (Challenge::Http01, _) => (
            403,
            "unauthorized",
            format!("{ip}: Invalid response from {url}: 404"),
        ),
        (Challenge::TlsAlpn01, Reach::ConnectionRefused) => {
            (400, "connection", format!("{ip}: Connection refused"))
        }
        (Challenge::TlsAlpn01, Reach::Timeout) => (
            400,
            "connection",
            format!("{ip}: Timeout during connect (likely firewall problem)"),
        ),
        (Challenge::TlsAlpn01, _) => (
            403,
            "unauthorized",
            format!(
                "{ip}: Cannot negotiate ALPN protocol \"acme-tls/1\" for tls-alpn-01 challenge"
            ),
        ),
    };
    AcmeError {
        status,
        urn: format!("urn:ietf:params:acme:error:{kind}"),
        detail,
    }
}

/// One resolver's part of acme.json.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResolverStore {
    /// The account id and its URI (on the CA it was registered with).
    pub account: Option<(u64, String)>,
    pub certificates: Vec<Certificate>,
}

impl ResolverStore {
    /// Traefik's check at start (`isAccountMatchingCaServer`, comparing hosts): an account
    /// registered with another `caServer` is reset, with Traefik's log line (without its time stamp). The
    /// certificates stay and are served until their renewal is due, so staging ones linger.
    pub fn reset_if_other_ca(&mut self, ca_server: &str) -> Option<String> {
        let (_, stored) = self.account.as_ref()?;
        if host(stored) == host(ca_server) {
            return None;
        }
        self.account = None;
        Some(
            "WRN Account URI does not match the current CAServer. The account will be reset."
                .into(),
        )
    }
}

/// The host of a URL (what Traefik compares between the account URI and `caServer`).
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or("").to_ascii_lowercase()
}

/// Traefik's acme.json: per resolver, its account and certificates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AcmeStore {
    pub resolvers: BTreeMap<String, ResolverStore>,
}

/// The mode Traefik creates acme.json with.
pub const STORE_MODE: u32 = 0o600;
/// Traefik's renewal check interval for the default 90-day certificates.
pub const RENEW_CHECK_MS: Millis = DAY_MS;
/// Traefik renews a 90-day certificate when fewer than this remain.
pub const RENEW_BEFORE_MS: Millis = 30 * DAY_MS;

/// Traefik's `CheckFile`: the error for a mode that lets group or others in.
pub fn check_mode(path: &str, mode: u32) -> Result<(), String> {
    if mode & 0o077 != 0 {
        Err(format!(
            "permissions {:o} for {path} are too open, please use 600",
            mode & 0o777
        ))
    } else {
        Ok(())
    }
}

/// What Traefik does with its storage at start: an existing file with a wrong mode drops the
/// resolver (the log line, without its time stamp, is returned); a missing file is an empty
/// store created 0600.
pub fn open_store(
    path: &str,
    existing: Option<(u32, &AcmeStore)>,
) -> Result<(AcmeStore, u32), String> {
    match existing {
        None => Ok((AcmeStore::default(), STORE_MODE)),
        Some((mode, store)) => match check_mode(path, mode) {
            Ok(()) => Ok((store.clone(), mode)),
            Err(error) => Err(format!(
                "ERR The ACME resolve is skipped from the resolvers list error=\"unable to get ACME account: {error}\""
            )),
        },
    }
}

/// Traefik's renewal tiers (`getCertificateRenewDurations`): (renew before, check interval)
/// for a `certificatesDuration` in hours.
pub fn renew_durations(certificates_duration_hours: u64) -> (Millis, Millis) {
    let duration = certificates_duration_hours * HOUR_MS;
    if duration >= 365 * DAY_MS {
        (4 * 30 * DAY_MS, 7 * DAY_MS)
    } else if duration >= 90 * DAY_MS {
        (RENEW_BEFORE_MS, RENEW_CHECK_MS)
    } else {
        (10 * DAY_MS, 12 * HOUR_MS)
    }
}

impl AcmeStore {
    /// (resolver, names) of every certificate with less than 30 days left at `now_ms`.
    pub fn due_for_renewal(&self, now_ms: Millis) -> Vec<(String, Vec<String>)> {
        let mut due = Vec::new();
        for (resolver, store) in &self.resolvers {
            for cert in &store.certificates {
                if cert.not_after < now_ms.saturating_add(RENEW_BEFORE_MS) {
                    due.push((resolver.clone(), cert.names.clone()));
                }
            }
        }
        due
    }

    /// Stores a certificate, replacing the one for the same names.
    pub fn put(&mut self, resolver: &str, certificate: Certificate) {
        let store = self.resolvers.entry(resolver.to_string()).or_default();
        store.certificates.retain(|c| c.names != certificate.names);
        store.certificates.push(certificate);
    }

    /// The certificate Traefik would serve for `name` (exact match of one of its names).
    pub fn for_name(&self, name: &str) -> Option<&Certificate> {
        let name = name.to_ascii_lowercase();
        self.resolvers
            .values()
            .flat_map(|s| s.certificates.iter())
            .find(|c| c.names.contains(&name))
    }
}

/// curl's date format (OpenSSL's `ASN1_TIME_print`): `Jan  5 12:00:00 2026 GMT`.
pub fn curl_date(at_ms: Millis) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s, _) = civil(at_ms);
    let month = MONTHS.get(mo.saturating_sub(1) as usize).unwrap_or(&"Jan");
    format!("{month} {d:>2} {h:02}:{mi:02}:{s:02} {y} GMT")
}

/// curl's words when it cannot verify a certificate (exit code 60).
pub fn curl_verify_failure(reason: &str) -> Vec<String> {
    vec![
        format!("curl: (60) SSL certificate problem: {reason}"),
        "More details here: https://curl.se/docs/sslcerts.html".into(),
        String::new(),
        "curl failed to verify the legitimacy of the server and therefore could not".into(),
        "establish a secure connection to it. To learn more about this situation and".into(),
        "how to fix it, please visit the webpage mentioned above.".into(),
    ]
}

/// What `curl -v https://<name>/` shows of the certificate Traefik serves: the verbose lines,
/// then, when verification fails and `insecure` (`-k`) is off, curl's error (and no response).
/// `None` is Traefik's self-signed default certificate (valid a year from `started_ms`).
pub fn curl_certificate(
    name: &str,
    certificate: Option<&Certificate>,
    started_ms: Millis,
    insecure: bool,
) -> Vec<String> {
    let (subject, start, expire, issuer, failure) = match certificate {
        Some(c) => (
            format!("CN={}", c.names.first().map_or(name, String::as_str)),
            c.not_before,
            c.not_after,
            c.issuer.clone(),
            (c.directory == Directory::Staging)
                .then_some(("unable to get local issuer certificate", 20)),
        ),
        None => (
            format!("CN={DEFAULT_CERT_CN}"),
            started_ms,
            started_ms.saturating_add(365 * DAY_MS),
            format!("CN={DEFAULT_CERT_CN}"),
            Some(("self-signed certificate", 18)),
        ),
    };
    if let (Some((reason, _)), false) = (failure, insecure) {
        let mut lines = vec![format!("* SSL certificate problem: {reason}")];
        lines.push("* closing connection #0".to_string());
        lines.extend(curl_verify_failure(reason));
        return lines;
    }
    let mut lines = vec![
        "* Server certificate:".to_string(),
        format!("*  subject: {subject}"),
        format!("*  start date: {}", curl_date(start)),
        format!("*  expire date: {}", curl_date(expire)),
    ];
    let matched = certificate.is_some_and(|c| c.names.iter().any(|n| n.eq_ignore_ascii_case(name)));
    if matched {
        lines.push(format!(
            "*  subjectAltName: host \"{name}\" matched cert's \"{}\"",
            name.to_ascii_lowercase()
        ));
    }
    lines.push(format!("*  issuer: {issuer}"));
    match failure {
        Some((reason, code)) => lines.push(format!(
            "*  SSL certificate verify result: {reason} ({code}), continuing anyway."
        )),
        None => lines.push("*  SSL certificate verify ok.".into()),
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Millis = 15 * HOUR_MS; // 2026-01-06 00:00:00 UTC (the simulation starts 2026-01-05 09:00)

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|n| n.to_string()).collect()
    }

    fn attempt(reach: Reach) -> Attempt {
        Attempt {
            challenge: Challenge::Http01,
            reach,
            address: "203.0.113.10".into(),
            ari_renewal: false,
        }
    }

    #[test]
    fn directories_are_the_caserver_urls_traefik_acme_reference() {
        assert_eq!(
            Directory::from_url(PRODUCTION_URL),
            Some(Directory::Production)
        );
        assert_eq!(Directory::from_url(STAGING_URL), Some(Directory::Staging));
        assert_eq!(Directory::from_url("https://ca.example/dir"), None);
    }

    #[test]
    fn a_certificate_lasts_90_days_le_cert_lifetimes() {
        let mut ca = Ca::new();
        let acct = ca.register(Directory::Production, "ops@example.com");
        let cert = ca
            .order(
                T0,
                acct,
                &names(&["app.example.com"]),
                "RSA4096",
                &attempt(Reach::Answered),
            )
            .unwrap();
        assert_eq!(cert.not_after - cert.not_before, 90 * DAY_MS);
        assert_eq!(cert.issuer, "C=US; O=Let's Encrypt; CN=R12");
        assert_eq!(ca.issued.len(), 1);
    }

    #[test]
    fn staging_certificates_have_the_staging_issuer_le_staging_environment() {
        let mut ca = Ca::new();
        let acct = ca.register(Directory::Staging, "ops@example.com");
        let cert = ca
            .order(
                T0,
                acct,
                &names(&["app.example.com"]),
                "RSA4096",
                &attempt(Reach::Answered),
            )
            .unwrap();
        assert!(cert.issuer.contains("(STAGING)"), "{}", cert.issuer);
        let ec = ca
            .order(
                T0,
                acct,
                &names(&["b.example.com"]),
                "EC256",
                &attempt(Reach::Answered),
            )
            .unwrap();
        assert!(ec.issuer.contains("(STAGING)") && ec.issuer.ends_with("E7"));
        let lines = curl_certificate("app.example.com", Some(&cert), T0, false);
        assert_eq!(
            lines[0],
            "* SSL certificate problem: unable to get local issuer certificate"
        );
    }

    #[test]
    fn the_sixth_order_for_the_same_names_in_a_week_is_refused_le_rate_limits() {
        // Five restarts an hour apart, each losing acme.json; the bucket refills one per 33.6 h.
        let mut ca = Ca::new();
        let set = names(&["app.example.com", "www.example.com"]);
        for hour in 0..5 {
            // A new account each time: acme.json was lost.
            let acct = ca.register(Directory::Production, "ops@example.com");
            ca.order(
                T0 + hour * HOUR_MS,
                acct,
                &set,
                "RSA4096",
                &attempt(Reach::Answered),
            )
            .unwrap();
        }
        let acct = ca.register(Directory::Production, "ops@example.com");
        let error = ca
            .order(
                T0 + 5 * HOUR_MS,
                acct,
                &set,
                "RSA4096",
                &attempt(Reach::Answered),
            )
            .unwrap_err();
        assert_eq!(error.status, 429);
        assert_eq!(error.urn, RATE_LIMITED);
        assert_eq!(
            error.detail,
            "too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s, retry after 2026-01-07 09:36:00 UTC: see https://letsencrypt.org/docs/rate-limits/#new-certificates-per-exact-set-of-identifiers"
        );
        // Another set of names is not affected; an ARI renewal is exempt.
        ca.order(
            T0 + 5 * HOUR_MS,
            acct,
            &names(&["app.example.com"]),
            "RSA4096",
            &attempt(Reach::Answered),
        )
        .unwrap();
        let ari = Attempt {
            ari_renewal: true,
            ..attempt(Reach::Answered)
        };
        ca.order(T0 + 5 * HOUR_MS, acct, &set, "RSA4096", &ari)
            .unwrap();
        // One slot refills every 33.6 h.
        ca.order(
            T0 + 7 * DAY_MS,
            acct,
            &set,
            "RSA4096",
            &attempt(Reach::Answered),
        )
        .unwrap();
    }

    #[test]
    fn fifty_certificates_per_registered_domain_le_rate_limits() {
        let mut ca = Ca::new();
        let acct = ca.register(Directory::Production, "ops@example.com");
        for i in 0..50 {
            let name = format!("host{i}.example.com");
            ca.order(T0, acct, &[name], "RSA4096", &attempt(Reach::Answered))
                .unwrap();
        }
        let other = ca.register(Directory::Production, "other@example.com");
        let error = ca
            .order(
                T0,
                other,
                &names(&["host50.Example.com"]),
                "RSA4096",
                &attempt(Reach::Answered),
            )
            .unwrap_err();
        assert!(
            error.detail.starts_with("too many certificates (50) already issued for \"example.com\" in the last 168h0m0s, retry after 2026-01-06 03:21:36 UTC"),
            "{}",
            error.detail
        );
        assert_eq!(registered_domain("a.b.example.co.uk"), "co.uk");
    }

    #[test]
    fn five_failed_http01_in_an_hour_refuse_the_sixth_le_rate_limits() {
        let mut ca = Ca::new();
        let acct = ca.register(Directory::Production, "ops@example.com");
        let set = names(&["app.example.com"]);
        for minute in 0..5 {
            let error = ca
                .order(
                    T0 + minute * 60_000,
                    acct,
                    &set,
                    "RSA4096",
                    &attempt(Reach::ConnectionRefused),
                )
                .unwrap_err();
            assert_eq!(error.urn, "urn:ietf:params:acme:error:connection");
            assert!(error.detail.starts_with(
                "203.0.113.10: Fetching http://app.example.com/.well-known/acme-challenge/"
            ));
            assert!(
                error.detail.ends_with(": Connection refused"),
                "{}",
                error.detail
            );
        }
        let error = ca
            .order(
                T0 + 10 * 60_000,
                acct,
                &set,
                "RSA4096",
                &attempt(Reach::Answered),
            )
            .unwrap_err();
        assert_eq!(error.urn, RATE_LIMITED);
        assert_eq!(
            error.detail,
            "too many failed authorizations (5) for \"app.example.com\" in the last 1h0m0s, retry after 2026-01-06 00:12:00 UTC: see https://letsencrypt.org/docs/rate-limits/#authorization-failures-per-identifier-per-account"
        );
        // Another account is not limited by this one's failures.
        let other = ca.register(Directory::Production, "b@example.com");
        assert!(
            ca.order(
                T0 + 600_000,
                other,
                &set,
                "RSA4096",
                &attempt(Reach::Answered)
            )
            .is_ok()
        );
    }

    #[test]
    fn each_challenge_failure_has_boulders_problem_le_challenge_types() {
        let mut ca = Ca::new();
        let acct = ca.register(Directory::Production, "ops@example.com");
        let set = names(&["app.example.com"]);
        let urn = |ca: &mut Ca, challenge, reach| {
            let a = Attempt {
                challenge,
                ..attempt(reach)
            };
            ca.order(T0, acct, &set, "RSA4096", &a).unwrap_err()
        };
        let e = urn(&mut ca, Challenge::Http01, Reach::Timeout);
        assert!(
            e.detail
                .ends_with("Timeout during connect (likely firewall problem)")
        );
        let e = urn(&mut ca, Challenge::Http01, Reach::WrongServer);
        assert_eq!(e.urn, "urn:ietf:params:acme:error:unauthorized");
        assert!(e.detail.ends_with(": 404"));
        let e = urn(&mut ca, Challenge::Http01, Reach::NxDomain);
        assert_eq!(e.urn, "urn:ietf:params:acme:error:dns");
        assert!(
            e.detail
                .starts_with("DNS problem: NXDOMAIN looking up A for app.example.com")
        );
        let e = urn(&mut ca, Challenge::TlsAlpn01, Reach::ConnectionRefused);
        assert_eq!(e.detail, "203.0.113.10: Connection refused");
        assert!(
            e.lego(PRODUCTION_URL)
                .starts_with("acme: error: 400 :: POST :: ")
        );
    }

    #[test]
    fn renewed_70_days_later_not_before_traefik_acme_renewal() {
        let mut ca = Ca::new();
        let acct = ca.register(Directory::Production, "ops@example.com");
        let set = names(&["app.example.com"]);
        let (mut store, mode) = open_store("/letsencrypt/acme.json", None).unwrap();
        assert_eq!(mode, 0o600);
        assert!(store.resolvers.is_empty());
        store.put(
            "le",
            ca.order(T0, acct, &set, "RSA4096", &attempt(Reach::Answered))
                .unwrap(),
        );
        let mut renewed_on = None;
        for day in 1..=70 {
            let now = T0 + day * RENEW_CHECK_MS;
            for (resolver, names) in store.due_for_renewal(now) {
                let cert = ca
                    .order(now, acct, &names, "RSA4096", &attempt(Reach::Answered))
                    .unwrap();
                store.put(&resolver, cert);
                renewed_on.get_or_insert(day);
            }
        }
        assert_eq!(renewed_on, Some(61));
        assert!(store.due_for_renewal(T0 + 70 * DAY_MS).is_empty());
        assert_eq!(
            store.for_name("APP.example.com").unwrap().not_before,
            T0 + 61 * DAY_MS
        );
        assert_eq!(renew_durations(2160), (30 * DAY_MS, DAY_MS));
        assert_eq!(renew_durations(24 * 365), (120 * DAY_MS, 7 * DAY_MS));
    }

    #[test]
    fn switching_staging_to_production_resets_the_account_traefik_provider_go() {
        let mut ca = Ca::new();
        let id = ca.register(Directory::Staging, "ops@example.com");
        let uri = ca.account_url(id).unwrap();
        assert_eq!(
            uri,
            "https://acme-staging-v02.api.letsencrypt.org/acme/acct/1"
        );
        let mut resolver = ResolverStore {
            account: Some((id, uri)),
            certificates: Vec::new(),
        };
        assert_eq!(resolver.reset_if_other_ca(STAGING_URL), None);
        assert_eq!(
            resolver.reset_if_other_ca(PRODUCTION_URL).as_deref(),
            Some("WRN Account URI does not match the current CAServer. The account will be reset.")
        );
        assert_eq!(resolver.account, None);
    }

    #[test]
    fn a_0644_acme_json_disables_the_resolver_traefik_local_store_unix() {
        let store = AcmeStore::default();
        let error = open_store("/letsencrypt/acme.json", Some((0o644, &store))).unwrap_err();
        assert_eq!(
            error,
            "ERR The ACME resolve is skipped from the resolvers list error=\"unable to get ACME account: permissions 644 for /letsencrypt/acme.json are too open, please use 600\""
        );
        assert!(open_store("/letsencrypt/acme.json", Some((0o600, &store))).is_ok());
    }

    #[test]
    fn curl_shows_issuer_subject_and_dates_curl_and_traefik_generate() {
        let mut ca = Ca::new();
        let acct = ca.register(Directory::Production, "ops@example.com");
        let cert = ca
            .order(
                T0 + 12 * HOUR_MS,
                acct,
                &names(&["app.example.com"]),
                "RSA4096",
                &attempt(Reach::Answered),
            )
            .unwrap();
        let lines = curl_certificate("app.example.com", Some(&cert), T0, false);
        assert_eq!(
            lines,
            [
                "* Server certificate:",
                "*  subject: CN=app.example.com",
                "*  start date: Jan  6 12:00:00 2026 GMT",
                "*  expire date: Apr  6 12:00:00 2026 GMT",
                "*  subjectAltName: host \"app.example.com\" matched cert's \"app.example.com\"",
                "*  issuer: C=US; O=Let's Encrypt; CN=R12",
                "*  SSL certificate verify ok.",
            ]
        );
        let default = curl_certificate("app.example.com", None, T0, false);
        assert_eq!(
            default[0],
            "* SSL certificate problem: self-signed certificate"
        );
        assert!(
            default.contains(
                &"curl: (60) SSL certificate problem: self-signed certificate".to_string()
            )
        );
        let insecure = curl_certificate("app.example.com", None, T0, true);
        assert!(insecure.contains(&"*  subject: CN=TRAEFIK DEFAULT CERT".to_string()));
        assert!(
            insecure
                .last()
                .unwrap()
                .contains("self-signed certificate (18), continuing anyway.")
        );
    }
}
