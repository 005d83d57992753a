//! The production-readiness scorecard of a deployed stack: the common pitfalls a stack can show,
//! each checked against what the swarm really runs.
//!
//! Real life: there is no such Docker command. Teams keep a checklist (and linters read the
//! file); an audit reads `docker service inspect`, `docker node ls` and the backup logs. We read
//! the same things from the world — the services' specs as the managers store them (so a
//! `docker service update` counts as much as an edit of the file), the managers, the images'
//! `USER`, and the backups the host has made — so the score follows what the reader does.
//! Simplified: "a database" is an image we know keeps state (postgres, mysql, mariadb, mongo,
//! redis) with its data folder, and Redis without a volume is a cache (nothing to keep); "the app's code" is an image whose program is `node`; a
//! healthcheck may come from the service or its image.

use super::swarm::scheduler::Operator;
use super::swarm::service::{FailureAction, PublishMode, Service, UpdateOrder};
use super::world::World;

/// The practice project's stack name (`docker stack deploy -c stack.yml shop`).
pub const PRACTICE_STACK: &str = "shop";

/// The ids of the scorecard's lines, in its order (`stack shop passes tags` names one).
pub const ITEMS: &[&str] = &[
    "managers",
    "tags",
    "secrets",
    "healthchecks",
    "limits",
    "logs",
    "volumes",
    "placement",
    "names",
    "overlay",
    "ports",
    "root",
    "updates",
    "https",
    "backups",
];

/// One line of the scorecard.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Item {
    /// Stable id (`tags`, `secrets`, …): the tests and the page's `data-rule`.
    pub id: &'static str,
    /// What holds when it passes, in a sentence.
    pub title: &'static str,
    pub ok: bool,
    /// Why it fails (the services at fault), or what makes it pass.
    pub detail: String,
    /// The scenario that shows the pitfall happening.
    pub scenario: &'static str,
}

/// Images that keep state, and the folder they keep it in.
const STATEFUL: &[(&str, &str)] = &[
    ("postgres", "/var/lib/postgresql/data"),
    ("mysql", "/var/lib/mysql"),
    ("mariadb", "/var/lib/mysql"),
    ("mongo", "/data/db"),
    ("redis", "/data"),
];

/// Third-party images that start as root on purpose (they drop privileges themselves, or, like
/// Traefik reading the Docker socket, need it): not the app's own code.
const THIRD_PARTY: &[&str] = &[
    "postgres", "mysql", "mariadb", "mongo", "redis", "traefik", "registry", "nginx",
];

/// The repository of an image reference without registry, tag or digest (`127.0.0.1:5000/shop-api:1.0`
/// → `shop-api`, `postgres:16` → `postgres`).
fn repo_name(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last)
}

fn tag_of(image: &str) -> Option<&str> {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split_once(':').map(|(_, tag)| tag)
}

fn stateful_dir(image: &str) -> Option<&'static str> {
    let repo = repo_name(image);
    STATEFUL.iter().find(|(r, _)| *r == repo).map(|(_, d)| *d)
}

fn short(service: &Service, stack: &str) -> String {
    service
        .spec
        .name
        .strip_prefix(&format!("{stack}_"))
        .unwrap_or(&service.spec.name)
        .to_string()
}

/// The services of stack `stack`, in name order.
pub fn stack_services<'w>(world: &'w World, stack: &str) -> Vec<&'w Service> {
    let mut services: Vec<&Service> = world
        .swarm
        .services
        .values()
        .filter(|s| {
            s.spec
                .labels
                .get("com.docker.stack.namespace")
                .is_some_and(|ns| ns == stack)
        })
        .collect();
    super::order::sort_by_key(&mut services, |s| s.spec.name.clone());
    services
}

/// An item that passes when no service is at fault.
fn each(
    id: &'static str,
    title: &'static str,
    scenario: &'static str,
    at_fault: Vec<String>,
    fine: &str,
) -> Item {
    Item {
        id,
        title,
        ok: at_fault.is_empty(),
        detail: if at_fault.is_empty() {
            fine.to_string()
        } else {
            at_fault.join("; ")
        },
        scenario,
    }
}

/// The scorecard of stack `stack` as deployed now; empty when it is not deployed.
///
/// Long because it is one short block per item of the checklist, in the page's order.
pub fn scorecard(world: &World, stack: &str) -> Vec<Item> {
    let services = stack_services(world, stack);
    if services.is_empty() {
        return Vec::new();
    }
    let name = |s: &Service| short(s, stack);
    let image_of = |s: &Service| s.spec.template.container.image.clone();
    let mut items = Vec::new();

    let managers = world.swarm.managers().count();
    items.push(Item {
        id: "managers",
        title: "Three or five managers: losing one keeps the quorum",
        ok: managers >= 3 && managers % 2 == 1,
        detail: format!("{managers} manager(s)"),
        scenario: "swarm-one-of-three-managers-dies",
    });

    items.push(each(
        "tags",
        "Every image pinned to a version, never latest",
        "traefik-latest-major-jump",
        services
            .iter()
            .filter(|s| matches!(tag_of(&image_of(s)), None | Some("latest")))
            .map(|s| format!("{} runs {}", name(s), image_of(s)))
            .collect(),
        "every image names its version",
    ));

    items.push(each(
        "secrets",
        "Passwords come from swarm secrets, not the environment",
        "secrets-not-environment",
        services
            .iter()
            .flat_map(|s| {
                s.spec
                    .template
                    .container
                    .env
                    .iter()
                    .filter_map(|e| e.split_once('=').map(|(k, _)| k.to_string()))
                    .filter(|k| {
                        let k = k.to_ascii_uppercase();
                        !k.ends_with("_FILE")
                            && ["PASSWORD", "SECRET", "TOKEN", "API_KEY"]
                                .iter()
                                .any(|w| k.contains(w))
                    })
                    .map(|k| format!("{} has {k} in its environment", name(s)))
                    .collect::<Vec<_>>()
            })
            .collect(),
        "no password in any environment",
    ));

    items.push(each(
        "healthchecks",
        "Every service has a healthcheck",
        "swarm-unhealthy-update",
        services
            .iter()
            .filter(|s| !has_healthcheck(world, s))
            .map(|s| format!("{} has none", name(s)))
            .collect(),
        "every service says when it is healthy",
    ));

    items.push(each(
        "limits",
        "Every service has a memory limit",
        "memory-limit-leak",
        services
            .iter()
            .filter(|s| s.spec.template.limit_memory_bytes == 0)
            .map(|s| format!("{} has no limit", name(s)))
            .collect(),
        "a leak is OOM-killed in its own container",
    ));

    items.push(each(
        "logs",
        "Every service's logs are rotated",
        "disk-full-logs-rotation",
        services
            .iter()
            .filter(|s| {
                let c = &s.spec.template.container;
                let driver = c.log_driver.as_deref().unwrap_or("json-file");
                // local rotates by default; json-file only with max-size.
                driver != "local"
                    && driver != "none"
                    && !c.log_opts.iter().any(|o| o.starts_with("max-size="))
            })
            .map(|s| format!("{}'s json-file log grows without bound", name(s)))
            .collect(),
        "max-size (and max-file) on every service",
    ));

    items.push(each(
        "volumes",
        "Databases keep their data on volumes",
        "database-lost-data",
        services
            .iter()
            .filter_map(|s| {
                // Redis here is a cache: what it holds can be rebuilt, so it needs no volume.
                if repo_name(&image_of(s)) == "redis" {
                    return None;
                }
                let dir = stateful_dir(&image_of(s))?;
                let kept = s
                    .spec
                    .template
                    .container
                    .mounts
                    .iter()
                    .any(|m| m.kind == "volume" && m.target.trim_end_matches('/') == dir);
                (!kept).then(|| format!("{}'s {dir} is in the container", name(s)))
            })
            .collect(),
        "every database's folder is a volume",
    ));

    items.push(each(
        "placement",
        "A database stays on the node that has its volume",
        "swarm-voting-app-db-node-dies",
        services
            .iter()
            .filter(|s| keeps_data_on_a_volume(s))
            .filter(|s| {
                !s.spec.template.placement.constraints.iter().any(|c| {
                    c.operator == Operator::Eq
                        && (c.key == "node.hostname"
                            || c.key == "node.id"
                            || c.key.starts_with("node.labels."))
                })
            })
            .map(|s| {
                format!(
                    "{} may start on another node, with an empty volume",
                    name(s)
                )
            })
            .collect(),
        "each database is pinned to its node",
    ));

    items.push(each(
        "names",
        "Services reach each other by name, not localhost",
        "localhost-is-the-container",
        services
            .iter()
            .flat_map(|s| {
                s.spec
                    .template
                    .container
                    .env
                    .iter()
                    .filter(|e| {
                        let v = e.split_once('=').map_or("", |(_, v)| v);
                        v == "localhost"
                            || v == "127.0.0.1"
                            || v.contains("//localhost")
                            || v.contains("//127.0.0.1")
                    })
                    .map(|e| format!("{}: {e}", name(s)))
                    .collect::<Vec<_>>()
            })
            .collect(),
        "every address is a service name",
    ));

    items.push(each(
        "overlay",
        "Services talk over the stack's overlay networks",
        "swarm-bridge-vs-overlay",
        services
            .iter()
            .filter(|s| s.spec.template.networks.is_empty())
            .map(|s| format!("{} is on no network of its own", name(s)))
            .collect(),
        "every service is on an overlay network",
    ));

    items.push(each(
        "ports",
        "Replicas share one published port through the routing mesh",
        "one-port-host-vs-mesh",
        services
            .iter()
            .filter(|s| {
                s.replicas().is_some_and(|r| r > 1)
                    && s.spec.ports.iter().any(|p| p.mode == PublishMode::Host)
            })
            .map(|s| format!("{} binds a host port with several replicas", name(s)))
            .collect(),
        "published ports go through the mesh",
    ));

    items.push(each(
        "root",
        "The app's own code runs as a non-root user",
        "root-in-the-container",
        services
            .iter()
            .filter(|s| !THIRD_PARTY.contains(&repo_name(&image_of(s))))
            .filter(|s| runs_node_as_root(world, &image_of(s)))
            .map(|s| format!("{} runs node as root", name(s)))
            .collect(),
        "USER node in the API's Dockerfile",
    ));

    let routed: Vec<&&Service> = services
        .iter()
        .filter(|s| {
            s.spec
                .labels
                .get("traefik.enable")
                .is_some_and(|v| v == "true")
        })
        .collect();
    items.push(each(
        "updates",
        "Routed services update start-first and roll back on failure",
        "swarm-bad-update-rolls-back",
        routed
            .iter()
            .filter(|s| {
                s.spec.update.order != UpdateOrder::StartFirst
                    || s.spec.update.failure_action != FailureAction::Rollback
            })
            .map(|s| format!("{} does not", name(s)))
            .collect(),
        "no gap in an update, and a bad one undoes itself",
    ));

    let traefik_args: Vec<String> = services
        .iter()
        .filter(|s| repo_name(&image_of(s)) == "traefik")
        .flat_map(|s| s.spec.template.container.args.clone())
        .collect();
    let redirect = traefik_args
        .iter()
        .any(|a| a.contains(".http.redirections.entrypoint.to="));
    let resolver = traefik_args
        .iter()
        .any(|a| a.starts_with("--certificatesresolvers."));
    items.push(Item {
        id: "https",
        title: "HTTPS from Let's Encrypt, and HTTP redirected to it",
        ok: redirect && resolver,
        detail: match (redirect, resolver) {
            (true, true) => "a certificate resolver and the redirect".to_string(),
            (false, true) => "HTTP is not redirected".to_string(),
            (true, false) => "no certificate resolver".to_string(),
            (false, false) => "plain HTTP".to_string(),
        },
        scenario: "traefik-https-staging-then-production",
    });

    let rule = super::backup::rule_321(world);
    items.push(Item {
        id: "backups",
        title: "Backups kept 3-2-1, one copy off-site",
        ok: rule.holds(),
        detail: if rule.holds() {
            "three copies, two media, one off-site".to_string()
        } else {
            "no copy off this machine yet".to_string()
        },
        scenario: "backup-same-disk-vs-offsite",
    });
    items
}

/// A database whose data folder is a named volume: a node-local volume, so its task must stay
/// on the node that has it.
fn keeps_data_on_a_volume(service: &Service) -> bool {
    let Some(dir) = stateful_dir(&service.spec.template.container.image) else {
        return false;
    };
    service.spec.template.container.mounts.iter().any(|m| {
        m.kind == "volume" && !m.source.is_empty() && m.target.trim_end_matches('/') == dir
    })
}

/// A healthcheck from the service (`--health-cmd`, `healthcheck:`) or its image (`HEALTHCHECK`),
/// as any node that has the image sees it.
fn has_healthcheck(world: &World, service: &Service) -> bool {
    if let Some(h) = &service.spec.template.container.health {
        return h.test.first().is_none_or(|t| t != "NONE");
    }
    image_config(world, &service.spec.template.container.image).is_some_and(|c| {
        c.healthcheck
            .as_ref()
            .is_some_and(|t| t.first().is_some_and(|w| w != "NONE"))
    })
}

/// An image whose program is the app's own Node code (its command starts with `node` or `npm`)
/// and that sets no user. nginx serving the built front end starts as root and drops to its
/// `nginx` user for the workers by itself, as the official image is meant to run.
fn runs_node_as_root(world: &World, image: &str) -> bool {
    image_config(world, image).is_some_and(|c| {
        let user = c.user.split(':').next().unwrap_or("");
        let program = c.entrypoint.iter().chain(&c.cmd).next().map(String::as_str);
        matches!(program, Some("node" | "npm"))
            && (user.is_empty() || user == "root" || user == "0")
    })
}

/// The config of `image` as the first engine holding it has it.
fn image_config<'w>(
    world: &'w World,
    image: &str,
) -> Option<&'w super::docker::images::ImageConfig> {
    let reference = super::docker::image::ImageRef::parse(image).ok()?;
    let full = reference.full();
    std::iter::once(&world.engine)
        .chain(
            world
                .swarm
                .machines
                .keys()
                .filter_map(|h| world.engine_of(h)),
        )
        .find_map(|e| e.images.get(&full))
        .map(|i| &i.config)
}

/// The files that make the practice project's stack, as real Docker takes them: the project
/// folder's `stack.yml` and Dockerfiles as they are now, and the flags the deployed Traefik
/// runs with (one per line, as a `command:` list or `docker run` arguments take them). A file
/// missing from the folder is left out.
pub fn export(world: &World, stack: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = ["stack.yml", "api/Dockerfile", "web/Dockerfile"]
        .iter()
        .filter_map(|path| {
            let full = format!("{}/{path}", super::hostfs::PROJECT_DIR);
            world
                .fs
                .read(&full)
                .ok()
                .map(|text| (path.to_string(), text.to_string()))
        })
        .collect();
    let flags: Vec<String> = stack_services(world, stack)
        .iter()
        .filter(|s| repo_name(&s.spec.template.container.image) == "traefik")
        .flat_map(|s| s.spec.template.container.args.clone())
        .collect();
    if !flags.is_empty() {
        files.push(("traefik-flags.txt".to_string(), flags.join("\n") + "\n"));
    }
    files
}

/// `k of n` passed.
pub fn score(items: &[Item]) -> (usize, usize) {
    (items.iter().filter(|i| i.ok).count(), items.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_split_like_references() {
        assert_eq!(repo_name("127.0.0.1:5000/shop-api:1.0"), "shop-api");
        assert_eq!(tag_of("127.0.0.1:5000/shop-api:1.0"), Some("1.0"));
        assert_eq!(tag_of("127.0.0.1:5000/shop-api"), None);
        assert_eq!(repo_name("postgres:16@sha256:abc"), "postgres");
        assert_eq!(stateful_dir("redis:7"), Some("/data"));
        assert_eq!(stateful_dir("nginx:1.27"), None);
    }

    #[test]
    fn the_ids_are_the_scorecards_lines_in_order() {
        let mut world = World::new(1);
        crate::sim::swarm::setup::form(&mut world, 1, 0);
        let mut t = crate::sim::Timeline::new(world);
        t.submit(crate::sim::Input::Command(
            "cat > s.yml <<EOF\nservices:\n  web:\n    image: nginx\nEOF".to_string(),
        ));
        t.forward();
        t.submit(crate::sim::Input::Command(
            "docker stack deploy -c s.yml shop".to_string(),
        ));
        t.forward();
        let items = scorecard(t.world(), "shop");
        let ids: Vec<&str> = items.iter().map(|i| i.id).collect();
        assert_eq!(ids, ITEMS);
        let tags = items.iter().find(|i| i.id == "tags").expect("tags");
        assert!(
            !tags.ok && tags.detail.contains("web runs nginx"),
            "{tags:?}"
        );
    }

    #[test]
    fn no_stack_no_scorecard() {
        let world = World::new(1);
        assert!(scorecard(&world, "shop").is_empty());
    }
}
