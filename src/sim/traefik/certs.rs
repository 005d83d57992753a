//! Traefik's certificate resolvers at work: ordering certificates for its routers from the
//! simulated Let's Encrypt, proving control of each name over the lab's network, storing them
//! in acme.json, and renewing them.
//!
//! Real Traefik (`pkg/provider/acme/provider.go`): a router with `tls.certresolver=le` (or on an
//! entrypoint with `http.tls.certResolver`) gets a certificate for the names of its
//! ``Host(`…`)`` matchers. The resolver's account is registered on first use; the order is
//! validated by the CA connecting to the name: HTTP-01 fetches
//! `http://<name>/.well-known/acme-challenge/<token>` on port 80, which Traefik answers on the
//! challenge entrypoint; TLS-ALPN-01 connects to port 443. A failure is logged as `Unable to
//! obtain ACME certificate for domains` with lego's error, and the router serves `TRAEFIK
//! DEFAULT CERT`. Certificates are saved in the resolver's `storage` file; every 24 h Traefik
//! renews those with less than 30 days left. A store lost with its container (a node-local
//! volume on another node, no volume at all) means new orders for the same names, which Let's
//! Encrypt limits to 5 per 7 days.
//!
//! Here: [`obtain`] runs after every live step for each running Traefik: every router's names
//! without a certificate are ordered once per process, validated at once by asking the lab's
//! network what answers at the name's address (public DNS in `world.traefik.dns`, the routing
//! mesh or a published port). [`on_renew`] runs the queued orders (3 s later: the ACME round
//! trip) and the 24 h check. Errors are worded as lego v5 (Traefik v3.7.9's ACME client) wraps
//! them: `resolver: one or more domains had a problem: [NAME: invalid authorization: acme:
//! error: 403 :: urn… :: detail]`, read from its source, not from a captured log. What we
//! simplify: one order per router; wildcard and DNS-01 certificates are not modelled; the
//! account key is not checked; a failed order is not retried by this process.

use std::collections::BTreeMap;

use super::acme::{self, Attempt, Challenge, Reach};
use super::model::Instance;
use super::static_config::Challenge as ChallengeConfig;
use crate::sim::docker::containerfs::{self, model::Node};
use crate::sim::event::Event;
use crate::sim::ids::ContainerId;
use crate::sim::time::{DAY_MS, Millis};
use crate::sim::{Record, World};

/// The names of a rule's ``Host(`…`)`` matchers (not `HostRegexp`).
pub fn hosts_of(rule: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = rule;
    while let Some(i) = rest.find("Host(") {
        let before = &rest[..i];
        let after = &rest[i + 5..];
        rest = after;
        if before.ends_with(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        let Some(close) = after.find(')') else {
            break;
        };
        for value in after[..close].split(',') {
            let v = value.trim().trim_matches(|c| c == '`' || c == '"');
            if !v.is_empty() {
                out.push(v.to_ascii_lowercase());
            }
        }
    }
    out
}

/// (resolver, router, rule, names) for every router that wants a certificate.
fn wanted(instance: &Instance) -> Vec<(String, String, String, Vec<String>)> {
    let dynamic = super::proxy::merged(instance);
    let mut out = Vec::new();
    for router in dynamic.routers.values() {
        if router.error.is_some() {
            continue;
        }
        let from_entry = router
            .entry_points
            .iter()
            .chain(
                router
                    .entry_points
                    .is_empty()
                    .then_some(&instance.config.entry_points)
                    .into_iter()
                    .flatten()
                    .map(|e| &e.name),
            )
            .find_map(|ep| instance.config.entry_point(ep)?.cert_resolver.clone());
        let Some(resolver) = router.cert_resolver.clone().or(from_entry) else {
            continue;
        };
        let names = hosts_of(&router.rule);
        if names.is_empty() {
            continue;
        }
        out.push((resolver, router.name.clone(), router.rule.clone(), names));
    }
    out
}

/// What answers a connection from the internet to `machine:port`: (machine, container,
/// container port); `Err` is what the CA runs into.
fn answering(world: &World, machine: &str, port: u16) -> Result<(String, ContainerId, u16), Reach> {
    if world.swarm.active() && world.swarm.machines.contains_key(machine) {
        let route = crate::sim::swarm::mesh::request(
            world,
            &crate::sim::swarm::mesh::Client::Outside,
            machine,
            port,
        );
        return match route.outcome {
            Ok(answer) => {
                let task = world.swarm.tasks.iter().find(|t| t.id == answer.task_id);
                match task.and_then(|t| t.container.clone()) {
                    Some(id) => Ok((answer.task_host, id, answer.target_port)),
                    None => Err(Reach::ConnectionRefused),
                }
            }
            Err(
                crate::sim::swarm::mesh::Failure::NodeOff(_)
                | crate::sim::swarm::mesh::Failure::Partitioned(_)
                | crate::sim::swarm::mesh::Failure::BackendUnreachable { .. },
            ) => Err(Reach::Timeout),
            Err(_) => Err(Reach::ConnectionRefused),
        };
    }
    let engine = world.engine_of(machine).ok_or(Reach::Timeout)?;
    let c = engine.port_holder(port).ok_or(Reach::ConnectionRefused)?;
    let binding = c
        .bound_ports
        .iter()
        .find(|b| b.host_port == Some(port))
        .ok_or(Reach::ConnectionRefused)?;
    Ok((machine.to_string(), c.id.clone(), binding.container_port))
}

/// What the CA finds when it validates `name` for this Traefik: (reach, the address it used).
fn validate(
    world: &World,
    instance: &Instance,
    name: &str,
    challenge: &ChallengeConfig,
) -> (Reach, String) {
    let Some(machine) = super::model::resolve_public(&world.traefik.dns, name) else {
        return (Reach::NxDomain, String::new());
    };
    let address = world
        .swarm
        .machines
        .get(&machine)
        .map(|m| m.addr.clone())
        .unwrap_or_else(|| super::model::SINGLE_HOST_ADDRESS.into());
    let port = match challenge {
        ChallengeConfig::Tls => 443,
        _ => 80,
    };
    let reach = match answering(world, &machine, port) {
        Err(reach) => reach,
        Ok((host, id, container_port)) => {
            let ours = host == instance.host && id == instance.container;
            let entry = super::proxy::entry_point_on(instance, container_port);
            let right_entry = match challenge {
                ChallengeConfig::Http { entry_point } => entry.as_deref() == Some(entry_point),
                ChallengeConfig::Tls => entry.is_some(),
                ChallengeConfig::Dns { .. } => false,
            };
            if ours && right_entry {
                Reach::Answered
            } else {
                Reach::WrongServer
            }
        }
    };
    (reach, address)
}

/// Writes the instance's store to its resolvers' storage files inside its container.
fn save(world: &mut World, key: &(String, ContainerId)) {
    let Some(instance) = world.traefik.instances.get(key) else {
        return;
    };
    let Some(store) = instance.acme.clone() else {
        return;
    };
    let emails: BTreeMap<String, String> = instance
        .config
        .resolvers
        .iter()
        .map(|r| (r.name.clone(), r.email.clone()))
        .collect();
    let paths: Vec<String> = instance
        .config
        .resolvers
        .iter()
        .map(|r| r.storage.clone())
        .collect();
    let text = super::store::to_json(&store, |r| emails.get(r).cloned().unwrap_or_default());
    let id = key.1.clone();
    world.on_host(&key.0, |w| {
        for path in &paths {
            let path = if path.starts_with('/') {
                path.clone()
            } else {
                format!("/{path}")
            };
            let _ = containerfs::write(
                w,
                &id,
                &path,
                Node::File {
                    content: text.clone(),
                },
                false,
                true,
            );
        }
    });
}

fn log(world: &mut World, key: &(String, ContainerId), line: &str, rec: &mut Record) {
    let level = world.traefik.instances.get(key).map(|i| i.config.log_level);
    if level.is_some_and(|l| !l.shows(line)) {
        return;
    }
    let id = key.1.clone();
    let line = format!("{{traefik_time}} {line}");
    world.on_host(&key.0, |w| {
        crate::sim::docker::engine::log_line(w, &id, false, &line, rec);
    });
}

/// One order for `names` through `resolver`: the certificate lands in the store, or the
/// failure is logged as Traefik logs it. A renewal's certificate replaces the old one.
/// Long because it is one ACME exchange in order: resolver, account, validation, order, log.
fn order(
    world: &mut World,
    key: &(String, ContainerId),
    resolver: &str,
    router: &str,
    rule: &str,
    names: &[String],
    rec: &mut Record,
) {
    let Some(instance) = world.traefik.instances.get(key).cloned() else {
        return;
    };
    // A resolver the configuration lacks, or one dropped at start (acme.json's mode).
    let dropped = instance
        .dropped_resolvers
        .iter()
        .any(|d| d.contains(&format!("providerName={resolver}.acme")));
    let Some(config) = instance
        .config
        .resolver(resolver)
        .filter(|_| !dropped)
        .cloned()
    else {
        log(
            world,
            key,
            &format!(
                "ERR Router uses a nonexistent certificate resolver certificateResolver={resolver} routerName={router}"
            ),
            rec,
        );
        return;
    };
    let Some(directory) = acme::Directory::from_url(&config.ca_server) else {
        return;
    };
    let Some(challenge) = config
        .challenges
        .iter()
        .find(|c| !matches!(c, ChallengeConfig::Dns { .. }))
        .cloned()
    else {
        return;
    };
    let mut store = instance.acme.clone().unwrap_or_default();
    let entry = store.resolvers.entry(resolver.to_string()).or_default();
    let account = match &entry.account {
        Some((id, _)) if world.traefik.ca.accounts.contains_key(id) => *id,
        _ => {
            let id = world.traefik.ca.register(directory, &config.email);
            let uri = world.traefik.ca.account_url(id).unwrap_or_default();
            entry.account = Some((id, uri));
            id
        }
    };
    let (reach, address) = names
        .iter()
        .map(|n| validate(world, &instance, n, &challenge))
        .find(|(r, _)| *r != Reach::Answered)
        .unwrap_or((Reach::Answered, String::new()));
    let attempt = Attempt {
        challenge: match challenge {
            ChallengeConfig::Tls => Challenge::TlsAlpn01,
            _ => Challenge::Http01,
        },
        reach,
        address,
        ari_renewal: false,
    };
    let now = world.now_ms;
    let result = world
        .traefik
        .ca
        .order(now, account, names, &config.key_type, &attempt);
    let name = instance.name.clone();
    match result {
        Ok(certificate) => {
            rec.say(format!(
                "{name} ordered a certificate for {} from Let's Encrypt ({}) and proved control of the name{}: valid until {}, stored in {}.",
                names.join(", "),
                match directory {
                    acme::Directory::Production => "production",
                    acme::Directory::Staging => "staging: browsers and curl do not trust it",
                },
                match attempt.challenge {
                    Challenge::Http01 => " (HTTP-01: the CA fetched /.well-known/acme-challenge/… on port 80 and Traefik answered)",
                    Challenge::TlsAlpn01 => " (TLS-ALPN-01 on port 443)",
                },
                acme::utc(certificate.not_after),
                config.storage
            ));
            store.put(resolver, certificate);
        }
        Err(e) => {
            let names_list = names.join(" ");
            let error = if e.urn == acme::RATE_LIMITED {
                let base = directory.url().trim_end_matches("/directory");
                format!(
                    "unable to generate a certificate for the domains [{names_list}]: {}",
                    e.lego(&format!("{base}/acme/new-order"))
                )
            } else {
                format!(
                    "unable to generate a certificate for the domains [{names_list}]: resolver: one or more domains had a problem: [{}: invalid authorization: acme: error: {} :: {} :: {}]",
                    names.first().cloned().unwrap_or_default(),
                    e.status,
                    e.urn,
                    e.detail
                )
            };
            let domains: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            log(
                world,
                key,
                &format!(
                    "ERR Unable to obtain ACME certificate for domains error=\"{}\" ACME CA={} acmeCA={} domains=[{}] providerName={resolver}.acme routerName={router} rule={rule}",
                    error.replace('"', "\\\""),
                    config.ca_server,
                    config.ca_server,
                    domains.join(",")
                ),
                rec,
            );
            rec.say(format!(
                "{name} could not get a certificate for {}: {} It keeps serving TRAEFIK DEFAULT CERT for that name.",
                names.join(", "),
                e.detail
            ));
        }
    }
    if let Some(i) = world.traefik.instances.get_mut(key) {
        i.acme = Some(store);
    }
    save(world, key);
}

/// How long an ACME exchange takes before the CA validates (account, order, challenge).
pub const ACME_ROUND_TRIP_MS: Millis = 3_000;

/// After every live step: queue an order for what the routers of each running Traefik still
/// lack; the orders run [`ACME_ROUND_TRIP_MS`] later ([`on_renew`]).
pub fn obtain(world: &mut World, _rec: &mut Record) {
    let keys: Vec<(String, ContainerId)> = world
        .traefik
        .instances
        .iter()
        .filter(|(_, i)| !i.config.resolvers.is_empty())
        .map(|(k, _)| k.clone())
        .collect();
    for key in keys {
        let instance = world.traefik.instances[&key].clone();
        for (resolver, router, rule, mut names) in wanted(&instance) {
            crate::sim::order::sort(&mut names);
            names.dedup();
            let set = format!("{resolver} {}", names.join(","));
            let have = instance
                .acme
                .as_ref()
                .is_some_and(|s| names.iter().all(|n| s.for_name(n).is_some()));
            if have || instance.acme_attempted.contains(&set) {
                continue;
            }
            if let Some(i) = world.traefik.instances.get_mut(&key) {
                i.acme_attempted.insert(set);
                i.acme_pending.push((resolver, router, rule, names));
            }
        }
        schedule_renewal(world, &key);
    }
}

/// The next 24 h check at which a certificate of the instance is due, if any.
fn next_check(instance: &Instance, now_ms: Millis) -> Option<Millis> {
    if !instance.acme_pending.is_empty() {
        return Some(now_ms + ACME_ROUND_TRIP_MS);
    }
    let store = instance.acme.as_ref()?;
    let due = store
        .resolvers
        .values()
        .flat_map(|r| r.certificates.iter())
        .map(|c| c.not_after.saturating_sub(acme::RENEW_BEFORE_MS))
        .min()?;
    let from = due.max(now_ms + 1);
    let since = from.saturating_sub(instance.started_ms);
    let checks = since.div_ceil(DAY_MS);
    Some(instance.started_ms + checks * DAY_MS)
}

fn schedule_renewal(world: &mut World, key: &(String, ContainerId)) {
    let now = world.now_ms;
    let Some(instance) = world.traefik.instances.get(key) else {
        return;
    };
    let Some(at) = next_check(instance, now) else {
        return;
    };
    if instance
        .acme_due_ms
        .is_some_and(|due| due <= at && due > now)
    {
        return;
    }
    let run = instance.run;
    if let Some(i) = world.traefik.instances.get_mut(key) {
        i.acme_due_ms = Some(at);
    }
    let event = Event::TraefikRenew {
        container: key.1.clone(),
        run,
    };
    world.on_host(&key.0, |w| w.schedule_in(at - now, event));
}

/// Certificate work due: queued orders (the CA validates now), then the 24 h renewal check
/// (certificates with less than 30 days left are ordered again).
pub fn on_renew(world: &mut World, id: &ContainerId, run: u32, rec: &mut Record) -> bool {
    let key = (world.here().to_string(), id.clone());
    let Some(instance) = world.traefik.instances.get_mut(&key) else {
        return false;
    };
    if instance.run != run || instance.acme_due_ms != Some(world.now_ms) {
        return false;
    }
    instance.acme_due_ms = None;
    let pending = std::mem::take(&mut instance.acme_pending);
    let ordered = !pending.is_empty();
    for (resolver, router, rule, names) in &pending {
        order(world, &key, resolver, router, rule, names, rec);
    }
    if ordered {
        let name = world.traefik.instances[&key].name.clone();
        rec.title = format!(
            "{name}: ACME order for {}",
            pending
                .iter()
                .map(|p| p.3.join(","))
                .collect::<Vec<_>>()
                .join(" ")
        );
        rec.touch(&name);
        schedule_renewal(world, &key);
        return true;
    }
    let Some(instance) = world.traefik.instances.get_mut(&key) else {
        return false;
    };
    let now = world.now_ms;
    let due = instance
        .acme
        .as_ref()
        .map(|s| s.due_for_renewal(now))
        .unwrap_or_default();
    let name = instance.name.clone();
    let routers = wanted(instance);
    for (resolver, names) in &due {
        let (router, rule) = routers
            .iter()
            .find(|(r, _, _, n)| r == resolver && n.iter().all(|x| names.contains(x)))
            .map(|(_, router, rule, _)| (router.clone(), rule.clone()))
            .unwrap_or_default();
        rec.say(format!(
            "{name}'s daily check: the certificate for {} has less than 30 days left, so Traefik renews it now.",
            names.join(", ")
        ));
        order(world, &key, resolver, &router, &rule, names, rec);
    }
    schedule_renewal(world, &key);
    if !due.is_empty() {
        rec.title = format!("{name} renews {} certificate(s)", due.len());
        rec.touch(&name);
    }
    !due.is_empty()
}
