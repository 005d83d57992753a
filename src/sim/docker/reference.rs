//! Image references as Docker parses them: the distribution reference grammar.
//!
//! What real Docker does (the distribution/reference Go module the CLI and the daemon use,
//! `ParseNormalizedNamed`): a reference is `name[:tag][@digest]`; the name is an optional registry
//! host (a domain or IP, with an optional `:port`) and a path of lowercase components separated by
//! `/`, each component made of lowercase letters and digits joined by one `.`, one or two `_`, or
//! any number of `-`. The first component is taken as the registry only when it looks like one:
//! `localhost`, or it contains a `.` or a `:`, or it has an uppercase letter; otherwise the image
//! is on Docker Hub (`docker.io`), and a one-component name is an official image
//! (`docker.io/library/nginx`). A tag is a word character then up to 127 word characters, dots and
//! dashes; a digest is `algorithm:hex`. The errors are the module's own words: `invalid reference
//! format`, `invalid reference format: repository name (library/Nginx) must be lowercase`,
//! `repository name must not be more than 255 characters`, the 64-hex-ID refusal, and go-digest's
//! `unsupported digest algorithm` / `invalid checksum digest length|format`.
//!
//! What we model: that grammar exactly, by hand (a regex engine would cost the wasm more than this
//! file), and the familiar form Docker prints (`nginx`, `grafana/grafana`, `ghcr.io/acme/web`).
//!
//! What we simplify: nothing in the grammar; only sha256/sha384/sha512 digests are "registered",
//! as in the Docker CLI, which links those three.

/// A parsed, normalised reference.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Reference {
    /// `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`.
    pub domain: String,
    /// `library/nginx`, `grafana/grafana`, `acme/web`.
    pub path: String,
    pub tag: Option<String>,
    /// `sha256:…`, as written.
    pub digest: Option<String>,
}

/// The most characters a repository path may have.
pub const PATH_MAX: usize = 255;

const DEFAULT_DOMAIN: &str = "docker.io";
const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
const OFFICIAL_PREFIX: &str = "library/";

impl Reference {
    /// The name as Docker shows it: Docker Hub's domain and `library/` left out.
    pub fn familiar_name(&self) -> String {
        if self.domain != DEFAULT_DOMAIN {
            return format!("{}/{}", self.domain, self.path);
        }
        match self.path.strip_prefix(OFFICIAL_PREFIX) {
            Some(rest) if !rest.contains('/') => rest.to_string(),
            _ => self.path.clone(),
        }
    }

    /// Is it on Docker Hub?
    pub fn is_docker_hub(&self) -> bool {
        self.domain == DEFAULT_DOMAIN
    }

    /// An official image: Docker Hub's `library/` namespace.
    pub fn is_official(&self) -> bool {
        self.is_docker_hub()
            && self
                .path
                .strip_prefix(OFFICIAL_PREFIX)
                .is_some_and(|rest| !rest.contains('/'))
    }
}

/// `ParseNormalizedNamed`: a familiar or full reference, normalised.
pub fn parse_normalized_named(s: &str) -> Result<Reference, String> {
    if is_identifier(s) {
        return Err(format!(
            "invalid repository name ({s}), cannot specify 64-byte hexadecimal strings"
        ));
    }
    let (domain, remainder) = split_docker_domain(s);
    let remote = match remainder.find(':') {
        Some(i) => &remainder[..i],
        None => &remainder,
    };
    if remote.to_lowercase() != remote {
        return Err(format!(
            "invalid reference format: repository name ({remote}) must be lowercase"
        ));
    }
    parse(&format!("{domain}/{remainder}"))
}

/// `Parse`: a reference with its domain written out.
pub fn parse(s: &str) -> Result<Reference, String> {
    if s.is_empty() {
        return Err("repository name must have at least one component".into());
    }
    let Some(parts) = match_reference(s) else {
        let lower = s.to_lowercase();
        if lower != s && match_reference(&lower).is_some() {
            return Err("repository name must be lowercase".into());
        }
        return Err("invalid reference format".into());
    };
    if parts.path.len() > PATH_MAX {
        return Err(format!(
            "repository name must not be more than {PATH_MAX} characters"
        ));
    }
    if let Some(digest) = &parts.digest {
        check_digest(digest)?;
    }
    Ok(parts)
}

/// `splitDockerDomain`: decides whether the first component is a registry.
fn split_docker_domain(name: &str) -> (String, String) {
    let Some((maybe_domain, rest)) = name.split_once('/') else {
        return (DEFAULT_DOMAIN.into(), format!("{OFFICIAL_PREFIX}{name}"));
    };
    let (domain, mut remote) = if maybe_domain == "localhost" {
        (maybe_domain.to_string(), rest.to_string())
    } else if maybe_domain == LEGACY_DEFAULT_DOMAIN {
        (DEFAULT_DOMAIN.to_string(), rest.to_string())
    } else if maybe_domain.contains(['.', ':']) || maybe_domain.to_lowercase() != maybe_domain {
        (maybe_domain.to_string(), rest.to_string())
    } else {
        (DEFAULT_DOMAIN.to_string(), name.to_string())
    };
    if domain == DEFAULT_DOMAIN && !remote.contains('/') {
        remote = format!("{OFFICIAL_PREFIX}{remote}");
    }
    (domain, remote)
}

/// The anchored reference pattern: `name [":" tag] ["@" digest]`, with the name split into its
/// domain and path as the anchored name pattern captures them. `None` when it does not match.
fn match_reference(s: &str) -> Option<Reference> {
    // Neither a name nor a tag may contain '@': everything after the first one is the digest.
    let (rest, digest) = match s.split_once('@') {
        Some((rest, digest)) => {
            if !is_digest(digest) {
                return None;
            }
            (rest, Some(digest.to_string()))
        }
        None => (s, None),
    };
    // A tag has neither '/' nor ':', and a name never ends in a port without a path after it: a
    // ':' after the last '/' starts the tag.
    let last_slash = rest.rfind('/');
    let (name, tag) = match rest.rfind(':') {
        Some(i) if last_slash.is_none_or(|slash| i > slash) => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if let Some(tag) = tag
        && !is_tag(tag)
    {
        return None;
    }
    // The domain is optional and cannot contain '/': it is the first component when that reads
    // as a domain and the rest as a path; otherwise the whole name is a path.
    let (domain, path) = match name.split_once('/') {
        Some((first, path)) if is_domain_and_port(first) && is_remote_name(path) => {
            (first.to_string(), path.to_string())
        }
        _ if is_remote_name(name) => (String::new(), name.to_string()),
        _ => return None,
    };
    Some(Reference {
        domain,
        path,
        tag: tag.map(str::to_string),
        digest,
    })
}

/// `[\w][\w.-]{0,127}`
fn is_tag(s: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = s.chars();
    chars.next().is_some_and(word)
        && s.len() <= 128
        && chars.all(|c| word(c) || c == '.' || c == '-')
}

/// `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`
fn is_digest(s: &str) -> bool {
    let Some((algorithm, hex)) = s.split_once(':') else {
        return false;
    };
    let component_ok = |c: &str| {
        let mut chars = c.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric())
    };
    algorithm.split(['-', '_', '+', '.']).all(component_ok)
        && hex.len() >= 32
        && hex.chars().all(|c| c.is_ascii_hexdigit())
}

/// go-digest's `Parse`: the algorithm must be one the binary registered, with its exact length of
/// lowercase hex.
fn check_digest(digest: &str) -> Result<(), String> {
    let (algorithm, hex) = digest.split_once(':').unwrap_or((digest, ""));
    let length = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Err("unsupported digest algorithm".into()),
    };
    if hex.len() != length {
        return Err("invalid checksum digest length".into());
    }
    if !hex
        .chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    {
        return Err("invalid checksum digest format".into());
    }
    Ok(())
}

/// `[a-f0-9]{64}`: an image ID, which may not be used as a name.
fn is_identifier(s: &str) -> bool {
    s.len() == 64
        && s.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// `host [":" port]` where host is a domain name or a bracketed IPv6 address.
fn is_domain_and_port(s: &str) -> bool {
    let (host_ok, rest) = match s.strip_prefix('[') {
        Some(after) => match after.split_once(']') {
            Some((inside, rest)) => (
                !inside.is_empty() && inside.chars().all(|c| c.is_ascii_hexdigit() || c == ':'),
                rest,
            ),
            None => return false,
        },
        None => {
            let end = s.find(':').unwrap_or(s.len());
            let host = &s[..end];
            (
                !host.is_empty() && host.split('.').all(is_domain_component),
                &s[end..],
            )
        }
    };
    let port_ok = rest.is_empty()
        || rest
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    host_ok && port_ok
}

/// `[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]`
fn is_domain_component(c: &str) -> bool {
    !c.is_empty()
        && !c.starts_with('-')
        && !c.ends_with('-')
        && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
}

/// path-component ("/" path-component)*
fn is_remote_name(s: &str) -> bool {
    !s.is_empty() && s.split('/').all(is_path_component)
}

/// `[a-z0-9]+ (separator [a-z0-9]+)*` with separator `[._]|__|[-]+`.
fn is_path_component(c: &str) -> bool {
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = c.as_bytes();
    let mut i = 0;
    loop {
        // One run of letters and digits.
        let start = i;
        while i < bytes.len() && alnum(bytes[i]) {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i == bytes.len() {
            return true;
        }
        // Then one separator before the next run.
        let sep_start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &c[sep_start..i];
        let ok =
            matches!(sep, "." | "_" | "__") || (!sep.is_empty() && sep.bytes().all(|b| b == b'-'));
        if !ok {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> (String, String, Option<String>, Option<String>) {
        let r = parse_normalized_named(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (r.domain, r.path, r.tag, r.digest)
    }

    fn err(s: &str) -> String {
        parse_normalized_named(s).expect_err(s)
    }

    const SHA: &str = "sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";

    /// Cases from distribution/reference normalize_test.go and reference_test.go.
    #[test]
    fn familiar_names_normalise_like_distribution_reference() {
        assert_eq!(
            ok("nginx"),
            ("docker.io".into(), "library/nginx".into(), None, None)
        );
        assert_eq!(ok("nginx:1.27").2.as_deref(), Some("1.27"));
        assert_eq!(ok("grafana/grafana").1, "grafana/grafana");
        assert_eq!(ok("docker.io/nginx").1, "library/nginx");
        assert_eq!(ok("index.docker.io/library/nginx").0, "docker.io");
        assert_eq!(ok("ghcr.io/acme/web:1.2").0, "ghcr.io");
        assert_eq!(ok("localhost/web").0, "localhost");
        assert_eq!(ok("localhost:5000/web:1").0, "localhost:5000");
        assert_eq!(ok("127.0.0.1:5000/a/b/c").1, "a/b/c");
        assert_eq!(ok("[::1]:5000/web").0, "[::1]:5000");
        assert_eq!(
            ok("docker.elastic.co/elasticsearch/elasticsearch:8.15.0").0,
            "docker.elastic.co"
        );
        assert_eq!(ok("my-registry:5000/x").0, "my-registry:5000");
        assert_eq!(ok("a__b/c--d.e_f").1, "a__b/c--d.e_f");
        assert_eq!(ok(&format!("busybox@{SHA}")).3.as_deref(), Some(SHA));
        assert_eq!(
            ok(&format!("busybox:latest@{SHA}")).2.as_deref(),
            Some("latest")
        );
        assert_eq!(ok("Foo.com/bar").0, "Foo.com");
    }

    #[test]
    fn familiar_names_print_like_docker() {
        let name = |s: &str| parse_normalized_named(s).unwrap().familiar_name();
        assert_eq!(name("docker.io/library/nginx"), "nginx");
        assert_eq!(name("index.docker.io/grafana/grafana"), "grafana/grafana");
        assert_eq!(name("ghcr.io/acme/web"), "ghcr.io/acme/web");
        assert_eq!(name("docker.io/library/a/b"), "library/a/b");
        assert!(parse_normalized_named("postgres").unwrap().is_official());
        assert!(
            !parse_normalized_named("bitnami/postgresql")
                .unwrap()
                .is_official()
        );
    }

    #[test]
    fn bad_references_get_docker_s_words() {
        assert_eq!(
            err("Nginx"),
            "invalid reference format: repository name (library/Nginx) must be lowercase"
        );
        // An uppercase first component reads as a registry host (splitDockerDomain).
        assert_eq!(ok("myOrg/api").0, "myOrg");
        assert_eq!(err("nginx:"), "invalid reference format");
        assert_eq!(err("-bad"), "invalid reference format");
        assert_eq!(err("nginx:bad tag"), "invalid reference format");
        assert_eq!(err("a..b"), "invalid reference format");
        assert_eq!(err("a___b"), "invalid reference format");
        assert_eq!(err("nginx:-x"), "invalid reference format");
        assert_eq!(
            err(&format!("nginx:{}", "a".repeat(129))),
            "invalid reference format"
        );
        assert_eq!(err("nginx@sha256:abc"), "invalid reference format");
        assert_eq!(
            err(&format!("nginx@md5:{}", "a".repeat(32))),
            "unsupported digest algorithm"
        );
        assert_eq!(
            err(&format!("nginx@sha256:{}", "a".repeat(40))),
            "invalid checksum digest length"
        );
        assert_eq!(
            err(&format!("nginx@sha256:{}", "A".repeat(64))),
            "invalid checksum digest format"
        );
        assert_eq!(
            err(&"a".repeat(64)),
            format!(
                "invalid repository name ({}), cannot specify 64-byte hexadecimal strings",
                "a".repeat(64)
            )
        );
        assert_eq!(
            err(&"a".repeat(250)),
            "repository name must not be more than 255 characters"
        );
        assert_eq!(
            err("Foo.com/Bar"),
            "invalid reference format: repository name (Bar) must be lowercase"
        );
        assert_eq!(err(""), "invalid reference format");
        assert_eq!(err("[::1/x"), "invalid reference format");
    }

    /// No input panics, and what parses prints back to something that parses the same.
    #[test]
    fn arbitrary_references_never_panic_and_round_trip() {
        let alphabet: Vec<char> = "aZ09._-/:@[]Aé ".chars().collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let s: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            if let Ok(r) = parse_normalized_named(&s) {
                let mut again = r.familiar_name();
                if let Some(t) = &r.tag {
                    again.push_str(&format!(":{t}"));
                }
                if let Some(d) = &r.digest {
                    again.push_str(&format!("@{d}"));
                }
                assert_eq!(parse_normalized_named(&again), Ok(r), "{s:?} → {again:?}");
            }
        }
    }
}
