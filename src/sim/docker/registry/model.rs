//! The registry as data: where the `registry` image keeps what is pushed to it, the manifest
//! Docker writes, and the server's program.
//!
//! Real Docker (CNCF Distribution, `registry/storage/paths.go`; Docker's schema 2 manifest,
//! `manifest/schema2`): the registry's filesystem driver keeps everything under its root
//! directory (`/var/lib/registry`, the image's `VOLUME`): each blob once, by digest, at
//! `docker/registry/v2/blobs/sha256/<2 hex>/<hex>/data`, and per repository only links to them:
//! `_layers/sha256/<hex>/link`, `_manifests/revisions/sha256/<hex>/link` and
//! `_manifests/tags/<tag>/current/link` (the tag's manifest digest). A pushed image is a
//! manifest (JSON, 3-space indent, `schemaVersion` 2) naming its config blob and its layers.
//! `docker push` prints the manifest's digest and its size in bytes.
//!
//! What we model: the same paths and links, written as files through the container's mounts, so
//! what is pushed lives in the registry's volume (or its writable layer) and goes with it; the
//! manifest rendered as Docker renders it. What we simplify: a blob's `data` is a stand-in (a
//! layer is a file of its size, the config a JSON text; the whole image config is kept by ID in
//! `World::saved_images`, as `docker image save` keeps it); layers are stored at 40 % of their
//! unpacked size (gzip); digests are the simulation's stable content hash, not SHA-256.
//!
//! A leaf: it imports only the image and process models and the ID hash.

use crate::sim::docker::images::Image;
use crate::sim::docker::process::model::{OnStop, Op, Program, Serves};
use crate::sim::ids::content_digest;

/// `storage.filesystem.rootdirectory` in the image's config, and its `VOLUME`.
pub const STORAGE_ROOT: &str = "/var/lib/registry";
/// The port `http.addr: :5000` listens on.
pub const REGISTRY_PORT: u16 = 5000;
/// Everything the filesystem driver writes sits under this path of the root directory.
const V2: &str = "docker/registry/v2";

pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.docker.distribution.manifest.v2+json";
const CONFIG_MEDIA_TYPE: &str = "application/vnd.docker.container.image.v1+json";
const LAYER_MEDIA_TYPE: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/// `blobs/sha256/ab/abcd…/data`: where a blob's bytes are, relative to the root directory.
pub fn blob_data(hex: &str) -> String {
    format!("{V2}/blobs/sha256/{}/{hex}/data", &hex[..2.min(hex.len())])
}

fn repository(repo: &str) -> String {
    format!("{V2}/repositories/{repo}")
}

/// The link that says a repository holds a layer.
pub fn layer_link(repo: &str, hex: &str) -> String {
    format!("{}/_layers/sha256/{hex}/link", repository(repo))
}

/// The link that says a repository holds a manifest (every manifest ever pushed to it).
pub fn revision_link(repo: &str, hex: &str) -> String {
    format!(
        "{}/_manifests/revisions/sha256/{hex}/link",
        repository(repo)
    )
}

/// The link that names the manifest a tag points to now.
pub fn tag_link(repo: &str, tag: &str) -> String {
    format!("{}/_manifests/tags/{tag}/current/link", repository(repo))
}

/// The tag's history: one link per manifest the tag ever pointed to.
pub fn tag_index_link(repo: &str, tag: &str, hex: &str) -> String {
    format!(
        "{}/_manifests/tags/{tag}/index/sha256/{hex}/link",
        repository(repo)
    )
}

/// A link file's content: `sha256:<hex>`.
pub fn link(hex: &str) -> String {
    format!("sha256:{hex}")
}

/// `sha256:<hex>` → `<hex>`.
pub fn link_target(content: &str) -> Option<&str> {
    content
        .trim()
        .strip_prefix("sha256:")
        .filter(|h| !h.is_empty())
}

/// The (repository, tag) pairs the files under the root directory hold, from their tag links.
pub fn tags_in<'a>(paths: impl Iterator<Item = &'a String>) -> Vec<(String, String)> {
    let prefix = format!("{V2}/repositories/");
    paths
        .filter_map(|p| {
            let rest = p.strip_prefix(&prefix)?.strip_suffix("/current/link")?;
            let (repo, tag) = rest.split_once("/_manifests/tags/")?;
            (!tag.contains('/')).then(|| (repo.to_string(), tag.to_string()))
        })
        .collect()
}

/// The repositories that link a layer, from their `_layers` links.
pub fn repositories_with_layer<'a>(
    paths: impl Iterator<Item = &'a String>,
    hex: &str,
) -> Vec<String> {
    let prefix = format!("{V2}/repositories/");
    let suffix = format!("/_layers/sha256/{hex}/link");
    paths
        .filter_map(|p| {
            p.strip_prefix(&prefix)?
                .strip_suffix(&suffix)
                .map(str::to_string)
        })
        .collect()
}

/// What a schema 2 manifest names: its config blob and its layers, bottom first, each as
/// (digest hex, size in bytes).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Manifest {
    pub config: (String, u64),
    pub layers: Vec<(String, u64)>,
}

/// The size a registry stores for a layer: gzip packs a typical layer to about 40 %.
pub fn compressed_bytes(size_bytes: u64) -> u64 {
    (size_bytes * 2 / 5).max(32)
}

impl Manifest {
    /// The manifest Docker pushes for `image`, whose config blob is `config_bytes` long.
    pub fn of(image: &Image, config_bytes: u64) -> Manifest {
        Manifest {
            config: (image.id.clone(), config_bytes),
            layers: image
                .layers()
                .into_iter()
                .map(|(hex, size)| (hex.to_string(), compressed_bytes(size)))
                .collect(),
        }
    }

    /// The bytes Docker sends: distribution's schema 2 `MarshalIndent(m, "", "   ")`.
    pub fn render(&self) -> String {
        let descriptor = |media: &str, (hex, size): &(String, u64), indent: &str| {
            format!(
                "{{\n{indent}   \"mediaType\": \"{media}\",\n{indent}   \"size\": {size},\n{indent}   \"digest\": \"sha256:{hex}\"\n{indent}}}"
            )
        };
        let layers: Vec<String> = self
            .layers
            .iter()
            .map(|l| format!("      {}", descriptor(LAYER_MEDIA_TYPE, l, "      ")))
            .collect();
        format!(
            "{{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"{MANIFEST_MEDIA_TYPE}\",\n   \"config\": {},\n   \"layers\": [\n{}\n   ]\n}}",
            descriptor(CONFIG_MEDIA_TYPE, &self.config, "   "),
            layers.join(",\n")
        )
    }

    /// Reads back what [`Manifest::render`] wrote; `None` for anything else.
    pub fn parse(text: &str) -> Option<Manifest> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let descriptor = |v: &serde_json::Value| -> Option<(String, u64)> {
            let hex = v.get("digest")?.as_str()?.strip_prefix("sha256:")?;
            Some((hex.to_string(), v.get("size")?.as_u64()?))
        };
        Some(Manifest {
            config: descriptor(value.get("config")?)?,
            layers: value
                .get("layers")?
                .as_array()?
                .iter()
                .map(descriptor)
                .collect::<Option<Vec<_>>>()?,
        })
    }

    /// The manifest's digest (hex), from its bytes.
    pub fn digest(&self) -> String {
        content_digest(&self.render())
    }
}

/// A JSON string literal.
pub fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// A JSON array of strings.
pub fn quote_list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i.as_ref())).collect();
    format!("[{}]", quoted.join(","))
}

/// The image's config blob as the engine writes it (compact JSON): what `docker inspect` reads
/// back after a pull.
pub fn config_json(image: &Image) -> String {
    let c = &image.config;
    let ports: Vec<String> = c
        .exposed_ports
        .iter()
        .map(|p| format!("\"{p}/tcp\":{{}}"))
        .collect();
    let history: Vec<String> = image
        .history
        .iter()
        .map(|h| {
            let mut entry = format!("{{\"created_by\":{}", quote(&h.created_by));
            if !h.comment.is_empty() {
                entry.push_str(&format!(",\"comment\":{}", quote(&h.comment)));
            }
            if h.layer.is_none() {
                entry.push_str(",\"empty_layer\":true");
            }
            entry.push('}');
            entry
        })
        .collect();
    let diff_ids: Vec<String> = image.layers().iter().map(|(hex, _)| link(hex)).collect();
    format!(
        "{{\"architecture\":\"amd64\",\"config\":{{\"Env\":{},\"Entrypoint\":{},\"Cmd\":{},\"ExposedPorts\":{{{}}},\"WorkingDir\":{},\"User\":{}}},\"history\":[{}],\"os\":{},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":{}}}}}",
        quote_list(&c.env),
        quote_list(&c.entrypoint),
        quote_list(&c.cmd),
        ports.join(","),
        quote(&c.workdir),
        quote(&c.user),
        history.join(","),
        quote(&c.os),
        quote_list(&diff_ids),
    )
}

/// The release and Go version a `registry` image family was built with (the project's
/// Dockerfile at each tag: 2.8.3 with go1.20.8, 3.0.0 with go1.23.7; 3.1.x with go1.25).
fn release(family: Option<&str>) -> (&'static str, &'static str) {
    match family {
        Some("2.6") => ("2.6.2", "go1.9.2"),
        Some("2.7") => ("2.7.1", "go1.11.2"),
        Some("2.8") => ("2.8.3", "go1.20.8"),
        Some("3.0") => ("3.0.0", "go1.23.7"),
        _ => ("3.1.2", "go1.25.9"),
    }
}

/// A UUID-shaped instance ID, stable for the same command line (the real one is random).
fn instance_id(seed: &str) -> String {
    let h = content_digest(seed);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// `registry serve CONFIG`: logrus lines on stderr (the text formatter with RFC 3339 nano
/// time stamps and the context's fields, sorted), then it serves the API on :5000. A SIGTERM
/// ends it at once: with no `http.drainTimeout` it installs no handler, and Go's default
/// action for PID 1 is `exit(2)`.
pub fn program(family: Option<&str>, name: &str, env: &[String]) -> Program {
    let (version, go) = release(family);
    let v3 = version.starts_with('3');
    let id = instance_id(&format!("{name} {}", env.join(" ")));
    // 3.x's config-example.yml adds `environment: development` and a debug server on :5001.
    let fields = if v3 {
        format!(
            "environment=development go.version={go} instance.id={id} service=registry version={version}"
        )
    } else {
        format!("go.version={go} instance.id={id} service=registry version={version}")
    };
    let line = |level: &str, msg: &str| {
        format!("time=\"{{rfc3339nano_time}}\" level={level} msg=\"{msg}\" {fields}")
    };
    let secret_given = env
        .iter()
        .any(|kv| kv.starts_with("REGISTRY_HTTP_SECRET=") && kv.len() > 21);
    let purge_minutes = u64::from_str_radix(&id[..2], 16).unwrap_or(0) % 60;
    let mut ops = Vec::new();
    if v3 {
        ops.push(Op::Stderr(
            "time=\"{rfc3339nano_time}\" level=info msg=\"debug server listening :5001\""
                .to_string(),
        ));
    }
    if !secret_given {
        ops.push(Op::Stderr(line(
            "warning",
            "No HTTP secret provided - generated random secret. This may cause problems with uploads if multiple registries are behind a load-balancer. To provide a shared secret, fill in http.secret in the configuration file or set the REGISTRY_HTTP_SECRET environment variable.",
        )));
    }
    ops.push(Op::Stderr(line("info", "redis not configured")));
    ops.push(Op::Stderr(line(
        "info",
        &format!("Starting upload purge in {purge_minutes}m0s"),
    )));
    ops.push(Op::Stderr(line(
        "info",
        "using inmemory blob descriptor cache",
    )));
    ops.push(Op::Sleep(100));
    ops.push(Op::Stderr(line("info", "listening on [::]:5000")));
    ops.push(Op::Serve);
    Program {
        name: name.to_string(),
        ops,
        on_stop: OnStop::Exit {
            after_ms: 10,
            exit_code: 2,
            lines: Vec::new(),
            stderr: true,
        },
        serves: Some(Serves {
            port: REGISTRY_PORT,
            body: "404 page not found".to_string(),
            http: true,
            failing_paths: Vec::new(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_layer_manifest_is_as_long_as_dockers() {
        // docker/cli's e2e test pushes alpine (one layer) and reads `size: 528`: a config of
        // 1,472 bytes and a layer of 2,797,541 bytes, rendered with 3-space indents.
        let m = Manifest {
            config: ("a".repeat(64), 1_472),
            layers: vec![("b".repeat(64), 2_797_541)],
        };
        assert_eq!(m.render().len(), 528, "{}", m.render());
        assert_eq!(Manifest::parse(&m.render()), Some(m));
    }

    #[test]
    fn the_config_blob_is_json_with_the_images_config() {
        let spec = crate::sim::docker::image::CATALOGUE
            .iter()
            .find(|s| s.repo == "nginx")
            .unwrap();
        let image = crate::sim::docker::images::from_catalogue(spec, 0);
        let v: serde_json::Value = serde_json::from_str(&config_json(&image)).unwrap();
        assert_eq!(v["config"]["Cmd"][2], "daemon off;");
        assert_eq!(v["config"]["ExposedPorts"]["80/tcp"], serde_json::json!({}));
        assert_eq!(
            v["rootfs"]["diff_ids"].as_array().unwrap().len(),
            image.layers().len()
        );
        assert_eq!(v["history"][0]["created_by"], image.history[0].created_by);
    }

    #[test]
    fn paths_follow_the_filesystem_driver() {
        let hex = "ab".repeat(32);
        assert_eq!(
            blob_data(&hex),
            format!("docker/registry/v2/blobs/sha256/ab/{hex}/data")
        );
        assert_eq!(
            tag_link("shop-api", "1.0"),
            "docker/registry/v2/repositories/shop-api/_manifests/tags/1.0/current/link"
        );
        let paths = [
            tag_link("shop-api", "1.0"),
            tag_link("team/web", "latest"),
            tag_index_link("shop-api", "1.0", &hex),
            layer_link("team/web", &hex),
        ];
        assert_eq!(
            tags_in(paths.iter()),
            vec![
                ("shop-api".to_string(), "1.0".to_string()),
                ("team/web".to_string(), "latest".to_string())
            ]
        );
        assert_eq!(repositories_with_layer(paths.iter(), &hex), ["team/web"]);
        assert_eq!(link_target("sha256:abc\n"), Some("abc"));
    }

    #[test]
    fn the_server_logs_like_registry_2_8_and_stops_at_once() {
        let p = program(
            Some("2.8"),
            "registry serve /etc/docker/registry/config.yml",
            &[],
        );
        let lines: Vec<&String> = p
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Stderr(l) => Some(l),
                _ => None,
            })
            .collect();
        assert!(lines[0].contains("level=warning msg=\"No HTTP secret provided"));
        assert!(
            lines[lines.len() - 1]
                .contains("msg=\"listening on [::]:5000\" go.version=go1.20.8 instance.id=")
        );
        assert!(lines[1].ends_with("service=registry version=2.8.3"));
        assert!(matches!(p.on_stop, OnStop::Exit { exit_code: 2, .. }));
        let quiet = program(
            Some("2.8"),
            "r",
            &["REGISTRY_HTTP_SECRET=s3cret".to_string()],
        );
        assert!(!format!("{:?}", quiet.ops).contains("No HTTP secret"));
    }
}
