//! The Compose picture: the project as Compose sees it, and whether its containers still run the
//! file's configuration.
//!
//! Real Docker Compose reads `compose.yaml`, and finds the project's containers by their labels
//! (`com.docker.compose.project`, `.service`); it starts services in `depends_on` order (waiting
//! for `service_healthy` / `service_completed_successfully` when asked), puts every service on
//! the project's networks with its service name as a DNS alias, and mounts named volumes
//! `<project>_<name>`. Each container carries `com.docker.compose.config-hash`, the hash of the
//! service's config when it was created: `docker restart` and `docker compose restart` restart
//! that same container with its frozen config, and only `docker compose up` compares the hash
//! and recreates a container whose service changed. We draw each service as a box (its
//! container, status, exit code, restarts, health with its failing streak, published ports),
//! `depends_on` as arrows labelled with their condition, the project's networks as lanes with a
//! wire from each service, named volumes as cylinders, and mark a container whose label differs
//! from the file's hash as running an OLD config, with the environment entries that differ.
//! Containers of the project whose service left the file are drawn as orphans. A table below
//! gives each container's timings and the healthcheck settings in effect.
//!
//! We simplify: only the file in the current folder is read (no `-f`, `-p`), one row of boxes in
//! start order, the environment comparison covers the keys the file declares (an entry removed
//! from the file cannot be told apart from one the image sets), `env_file:` entries are not
//! compared. The views only read the world: the compose loader and the config hash are the
//! simulation's own (src/sim/docker/compose/).

use std::rc::Rc;

use yew::prelude::*;

use super::truncate;
use crate::sim::docker::compose::convert::{self, config_hash};
use crate::sim::docker::compose::job::{self, Step};
use crate::sim::docker::compose::model::Project;
use crate::sim::docker::compose::{self, LoadError};
use crate::sim::docker::container::{Container, Status};
use crate::sim::docker::health::{HealthStatus, go_duration};
use crate::sim::record::Record;
use crate::sim::time::human_duration;
use crate::sim::world::{Waiter, World};

const PAD: i32 = 14;
const COL_W: i32 = 224;
const BOX_W: i32 = 200;
const BOX_H: i32 = 118;
/// Room above the boxes for the `depends_on` arcs.
const ARC_H: i32 = 58;
const LANE_H: i32 = 34;
const VOL_H: i32 = 64;

#[derive(Properties, PartialEq)]
pub struct ComposeProps {
    pub world: super::WorldRef,
    pub last: Option<Rc<Record>>,
}

/// One environment entry that differs between the running container and the file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EnvDiff {
    pub key: String,
    /// What the container was created with (`None`: not set).
    pub running: Option<String>,
    /// What the file says now.
    pub file: Option<String>,
}

/// One container of the project, as drawn.
#[derive(Clone, PartialEq, Debug)]
pub struct Box_ {
    pub service: String,
    pub container: Option<String>,
    pub status: Option<Status>,
    pub exit_code: i32,
    pub restart_count: u32,
    pub health: Option<(HealthStatus, u32)>,
    pub ports: Vec<String>,
    /// The container's config hash differs from the file's.
    pub old_config: bool,
    pub env_diff: Vec<EnvDiff>,
    /// The service is no longer in the file.
    pub orphan: bool,
}

/// The project read from the folder, and its containers.
#[derive(Clone, PartialEq, Debug)]
pub struct ComposeView {
    pub project: Project,
    pub file: String,
    /// Services in start order (dependencies first), then orphans.
    pub boxes: Vec<Box_>,
}

/// The value a `KEY=VALUE` list gives `key` (the last one wins, as in the engine).
fn env_value(env: &[String], key: &str) -> Option<String> {
    env.iter().rev().find_map(|e| match e.split_once('=') {
        Some((k, v)) if k == key => Some(v.to_string()),
        _ => None,
    })
}

fn ports_of(c: &Container) -> Vec<String> {
    let bindings = if c.bound_ports.is_empty() {
        &c.host_config.port_bindings
    } else {
        &c.bound_ports
    };
    let mut out: Vec<String> = bindings
        .iter()
        .map(|b| match b.host_port {
            Some(h) => format!("{h}→{}", b.container_port),
            None => format!("{}", b.container_port),
        })
        .collect();
    out.dedup();
    out
}

fn box_for(service: &str, c: Option<&Container>, p: &Project) -> Box_ {
    let spec = p.services.get(service);
    let (old_config, env_diff) = match (c, spec) {
        (Some(c), Some(s)) => {
            let hash = c.config.labels.get(convert::HASH_LABEL);
            let old = hash.is_some_and(|h| *h != config_hash(s));
            let diff = if old {
                s.environment
                    .iter()
                    .filter_map(|(k, v)| {
                        let v = v.as_ref()?;
                        let running = env_value(&c.config.env, k);
                        (running.as_ref() != Some(v)).then(|| EnvDiff {
                            key: k.clone(),
                            running,
                            file: Some(v.clone()),
                        })
                    })
                    .collect()
            } else {
                Vec::new()
            };
            (old, diff)
        }
        _ => (false, Vec::new()),
    };
    Box_ {
        service: service.to_string(),
        container: c.map(|c| c.name.clone()),
        status: c.map(Container::status),
        exit_code: c.map_or(0, |c| c.state.exit_code),
        restart_count: c.map_or(0, |c| c.restart_count),
        health: c.and_then(|c| c.health.as_ref().map(|h| (h.status, h.failing_streak))),
        ports: c.map(ports_of).unwrap_or_default(),
        old_config,
        env_diff,
        orphan: spec.is_none(),
    }
}

/// The project and its containers, or why the file does not load.
pub fn compose_view(world: &World) -> Result<ComposeView, LoadError> {
    let loaded = compose::load(world, None, None)?;
    let p = loaded.project;
    let mut boxes = Vec::new();
    for service in convert::start_order(&p, &[], false) {
        let cs = job::service_containers(world, &p.name, &service);
        if cs.is_empty() {
            boxes.push(box_for(&service, None, &p));
        }
        for c in cs {
            boxes.push(box_for(&service, Some(c), &p));
        }
    }
    // Orphans: the project's containers whose service left the file.
    let mut orphans: Vec<&Container> = world
        .engine
        .containers
        .values()
        .filter(|c| {
            let l = &c.config.labels;
            l.get(convert::PROJECT_LABEL) == Some(&p.name)
                && l.get(convert::ONEOFF_LABEL).map(String::as_str) != Some("True")
                && l.get(convert::SERVICE_LABEL)
                    .is_some_and(|s| !p.services.contains_key(s))
        })
        .collect();
    crate::sim::order::sort_by_key(&mut orphans, |c| c.number);
    for c in orphans {
        let service = c
            .config
            .labels
            .get(convert::SERVICE_LABEL)
            .cloned()
            .unwrap_or_default();
        boxes.push(box_for(&service, Some(c), &p));
    }
    Ok(ComposeView {
        project: p,
        file: loaded.file,
        boxes,
    })
}

/// Whether `dep`'s container meets `condition` right now.
fn condition_met(world: &World, project: &str, dep: &str, condition: &str) -> bool {
    job::service_containers(world, project, dep)
        .iter()
        .any(|c| match condition {
            "service_healthy" => c
                .health
                .as_ref()
                .is_some_and(|h| h.status == HealthStatus::Healthy),
            "service_completed_successfully" => {
                c.status() == Status::Exited && c.state.exit_code == 0
            }
            _ => c.status().is_up(),
        })
}

/// What a service's start is waiting for, when a `docker compose` command is waiting on it.
fn pending_wait(world: &World, project: &str, service: &str) -> Option<Vec<String>> {
    world.shell.waiting.iter().find_map(|w| match w {
        Waiter::Compose(j) if j.project.name == project => j.steps.iter().find_map(|s| match s {
            Step::Start { service: name, .. } if name == service => {
                let deps = &j.project.services.get(service)?.depends_on;
                Some(
                    deps.iter()
                        .filter(|(d, dep)| !condition_met(world, project, d, &dep.condition))
                        .map(|(d, dep)| format!("{d} ({})", dep.condition))
                        .collect(),
                )
            }
            _ => None,
        }),
        _ => None,
    })
}

fn status_text(b: &Box_) -> String {
    match b.status {
        None => "not created".to_string(),
        Some(Status::Exited) => format!("exited ({})", b.exit_code),
        Some(s) => s.as_str().to_string(),
    }
}

fn health_text(h: &Option<(HealthStatus, u32)>) -> Option<String> {
    h.map(|(s, streak)| {
        if streak > 0 {
            format!("{} · failing {streak}", s.as_str())
        } else {
            s.as_str().to_string()
        }
    })
}

fn banner(e: &LoadError) -> Html {
    let missing = e.message.starts_with("no configuration file provided");
    let at = e
        .position
        .map(|(l, c)| format!("line {l}, column {c}: "))
        .unwrap_or_default();
    html! {
        <div class={classes!("cp-banner", (!missing).then_some("cp-error"))} data-testid="compose-error">
            if missing {
                {"No compose.yaml in this folder yet: write one (cat > compose.yaml <<EOF …), then docker compose up -d."}
            } else {
                <strong>{"compose.yaml does not load: "}</strong>{format!("{at}{}", e.message)}
            }
        </div>
    }
}

/// Networks and volumes are touched as `network:NAME` / `volume:NAME` by the engine's commands
/// and by their bare name by Compose's events.
fn is_touched(touched: &[String], kind: &str, name: &str) -> bool {
    touched
        .iter()
        .any(|t| t == name || t.strip_prefix(kind).and_then(|r| r.strip_prefix(':')) == Some(name))
}

/// Centre x of column `i`.
fn col_x(i: usize) -> i32 {
    PAD + i as i32 * COL_W + COL_W / 2
}

/// Long because it is one SVG picture in one `html!` tree; what it shows is computed by the
/// functions above.
#[function_component(ComposePicture)]
pub fn compose_picture(props: &ComposeProps) -> Html {
    let world = &props.world;
    let touched: &[String] = props
        .last
        .as_ref()
        .map(|r| r.touched.as_slice())
        .unwrap_or(&[]);
    let view = match compose_view(world) {
        Ok(v) => v,
        Err(e) => return banner(&e),
    };
    let p = &view.project;
    let n = view.boxes.len().max(1);
    let width = (PAD * 2 + n as i32 * COL_W).max(680);
    let box_y = ARC_H + 6;
    let net_keys: Vec<&String> = p.networks.keys().collect();
    let vol_keys: Vec<&String> = p.volumes.keys().collect();
    let lane_y = |j: usize| box_y + BOX_H + 22 + j as i32 * LANE_H;
    let vol_y = lane_y(net_keys.len()) + 10;
    let height = vol_y + if vol_keys.is_empty() { 0 } else { VOL_H } + PAD;
    // The first column of each service, for arrows and volume links.
    let column_of = |service: &str| view.boxes.iter().position(|b| b.service == service);

    let lanes: Html = net_keys
        .iter()
        .enumerate()
        .map(|(j, key)| {
            let real = convert::resource_name(&p.name, key, p.networks.get(*key));
            let exists = world.engine.networks.contains_key(&real);
            let y = lane_y(j);
            let class = classes!(
                "cp-lane",
                format!("cp-lane-{}", j % 4),
                (!exists).then_some("absent"),
                is_touched(touched, "network", &real).then_some("touched")
            );
            let label = if exists {
                real.clone()
            } else {
                format!("{real} (not created)")
            };
            html! {
                <g class={class} data-testid="compose-network" data-name={real}>
                    <rect x={PAD.to_string()} y={(y - 10).to_string()} width={(width - 2 * PAD).to_string()} height="20" rx="6" />
                    // Just right of the first column's wire, in the gap before the next one: at
                    // the lane's left end the first wire's plug would sit on the words.
                    <text x={(col_x(0) + 12).to_string()} y={(y + 4).to_string()}>{truncate(&label, 28)}<title>{label.clone()}</title></text>
                </g>
            }
        })
        .collect();

    let mut wires: Vec<Html> = Vec::new();
    let mut boxes: Vec<Html> = Vec::new();
    for (i, b) in view.boxes.iter().enumerate() {
        let cx = col_x(i);
        let x = cx - BOX_W / 2;
        // Wires to the lanes this container (or, before `up`, this service) is on.
        let on: Vec<usize> = match b.container.as_ref().and_then(|n| world.engine.by_name(n)) {
            Some(c) => net_keys
                .iter()
                .enumerate()
                .filter(|(_, k)| {
                    c.networks.contains_key(&convert::resource_name(
                        &p.name,
                        k,
                        p.networks.get(**k),
                    ))
                })
                .map(|(j, _)| j)
                .collect(),
            None => p
                .services
                .get(&b.service)
                .map(|s| {
                    net_keys
                        .iter()
                        .enumerate()
                        .filter(|(_, k)| s.networks.contains_key(**k))
                        .map(|(j, _)| j)
                        .collect()
                })
                .unwrap_or_default(),
        };
        for j in on {
            let y = lane_y(j);
            wires.push(html! {
                <g class={classes!("cp-wire", b.container.is_none().then_some("idle"))}>
                    <line x1={cx.to_string()} y1={(box_y + BOX_H).to_string()} x2={cx.to_string()} y2={y.to_string()} />
                    <circle cx={cx.to_string()} cy={y.to_string()} r="4" />
                    <text x={(cx + 7).to_string()} y={(y - 13).to_string()}>{format!("DNS: {}", b.service)}</text>
                </g>
            });
        }
        let state = b.status.map_or("none", Status::as_str);
        let is_touched = b.container.as_ref().is_some_and(|n| touched.contains(n));
        let class = classes!(
            "cp-box",
            format!("st-{state}"),
            b.old_config.then_some("old-config"),
            b.orphan.then_some("orphan"),
            is_touched.then_some("touched")
        );
        let mut lines: Vec<(String, &'static str)> = Vec::new();
        let mut status = status_text(b);
        if b.restart_count > 0 {
            status.push_str(&format!(" · restarts {}", b.restart_count));
        }
        lines.push((status, "cp-status"));
        if !b.ports.is_empty() {
            lines.push((format!("ports {}", b.ports.join(", ")), "cp-ports"));
        }
        if b.orphan {
            lines.push(("orphan: not in the file".into(), "cp-warn"));
        } else if b.old_config {
            lines.push(("runs an OLD config".into(), "cp-warn"));
        }
        let health = health_text(&b.health).map(|h| {
            let st = b.health.map_or("none", |(s, _)| s.as_str());
            html! {
                <g class={classes!("cp-health", format!("h-{st}"))} data-testid="compose-health">
                    <rect x={(x + 8).to_string()} y={(box_y + BOX_H - 24).to_string()} width={(BOX_W - 16).to_string()} height="18" rx="9" />
                    <text x={cx.to_string()} y={(box_y + BOX_H - 11).to_string()} text-anchor="middle">{h}</text>
                </g>
            }
        });
        boxes.push(html! {
            <g class={class} data-testid="compose-service" data-service={b.service.clone()}
                data-container={b.container.clone().unwrap_or_default()} data-state={state}>
                <rect x={x.to_string()} y={box_y.to_string()} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="10" />
                <text class="cp-service" x={(x + 10).to_string()} y={(box_y + 20).to_string()}>{truncate(&b.service, 22)}</text>
                <text class="cp-container" x={(x + 10).to_string()} y={(box_y + 37).to_string()}>
                    {truncate(b.container.as_deref().unwrap_or("no container"), 26)}
                </text>
                { for lines.iter().enumerate().map(|(k, (t, c))| html! {
                    <text class={*c} x={(x + 10).to_string()} y={(box_y + 55 + k as i32 * 15).to_string()}>{truncate(t, 30)}</text>
                }) }
                { health }
            </g>
        });
    }

    // depends_on arcs: from the dependent's box to its dependency's, above the boxes.
    let mut arcs: Vec<Html> = Vec::new();
    let mut level = 0;
    for (i, b) in view.boxes.iter().enumerate() {
        if b.orphan || column_of(&b.service) != Some(i) {
            continue;
        }
        let Some(s) = p.services.get(&b.service) else {
            continue;
        };
        for (dep, d) in &s.depends_on {
            let Some(j) = column_of(dep) else { continue };
            let (x1, x2) = (col_x(i) - 20, col_x(j) + 20);
            let top = 20 + (level % 3) * 12;
            level += 1;
            let mid = (x1 + x2) / 2;
            // The curve's highest point (both control points at `top`), the label just above.
            let peak = (box_y + 3 * top) / 4;
            let met = condition_met(world, &p.name, dep, &d.condition);
            arcs.push(html! {
                <g class={classes!("cp-dep", met.then_some("met"))} data-testid="compose-depends-on">
                    <path d={format!("M {x1} {box_y} C {x1} {top}, {x2} {top}, {x2} {box_y}")} marker-end="url(#cp-arrow)" />
                    <text x={mid.to_string()} y={(peak - 4).to_string()} text-anchor="middle">{d.condition.clone()}</text>
                </g>
            });
        }
    }

    let vols: Html = vol_keys
        .iter()
        .enumerate()
        .map(|(k, key)| {
            let real = convert::resource_name(&p.name, key, p.volumes.get(*key));
            let exists = world.engine.volumes.contains_key(&real);
            let vx = PAD + 20 + k as i32 * 170;
            let users: Vec<usize> = p
                .services
                .iter()
                .filter(|(_, s)| {
                    s.volumes
                        .iter()
                        .any(|m| m.kind == "volume" && m.source.as_deref() == Some(key.as_str()))
                })
                .filter_map(|(name, _)| column_of(name))
                .collect();
            let class = classes!(
                "cp-volume",
                (!exists).then_some("absent"),
                is_touched(touched, "volume", &real).then_some("touched")
            );
            html! {
                <g class={class} data-testid="compose-volume" data-name={real.clone()}>
                    { for users.iter().map(|&i| html! {
                        <line class="cp-vol-link" x1={col_x(i).to_string()} y1={(box_y + BOX_H).to_string()}
                            x2={(vx + 30).to_string()} y2={vol_y.to_string()} />
                    }) }
                    <path d={format!("M {vx} {y0} v 30 a 30 8 0 0 0 60 0 v -30", y0 = vol_y + 8)} />
                    <ellipse cx={(vx + 30).to_string()} cy={(vol_y + 8).to_string()} rx="30" ry="8" />
                    <text x={(vx + 68).to_string()} y={(vol_y + 26).to_string()}>{truncate(&real, 18)}</text>
                    <text class="cp-sub" x={(vx + 68).to_string()} y={(vol_y + 40).to_string()}>
                        {if exists { "volume: outlives down" } else { "not created yet" }}
                    </text>
                </g>
            }
        })
        .collect();

    let drift: Vec<&Box_> = view.boxes.iter().filter(|b| b.old_config).collect();
    let orphans: Vec<&Box_> = view.boxes.iter().filter(|b| b.orphan).collect();
    let notes = (!drift.is_empty() || !orphans.is_empty()).then(|| {
        html! {
            <div class="cp-notes" data-testid="compose-drift">
                { for drift.iter().map(|b| html! {
                    <div class="cp-drift">
                        <p><strong>{b.container.clone().unwrap_or_default()}</strong>
                            {" runs an OLD config — "}<code>{"docker compose up -d"}</code>{" recreates it ("}
                            <code>{"docker restart"}</code>{" and "}<code>{"docker compose restart"}</code>{" keep the old one)."}</p>
                        if b.env_diff.is_empty() {
                            <p class="cp-sub">{"The environment it declares is the same; another setting changed (image, ports, command, healthcheck…)."}</p>
                        } else {
                            <table class="cp-env">
                                <thead><tr><th>{"environment"}</th><th>{"running container"}</th><th>{"compose.yaml now"}</th></tr></thead>
                                <tbody>
                                    { for b.env_diff.iter().map(|d| html! {
                                        <tr><th scope="row"><code>{d.key.clone()}</code></th>
                                            <td class="cp-old"><code>{d.running.clone().unwrap_or_else(|| "(not set)".into())}</code></td>
                                            <td class="cp-new"><code>{d.file.clone().unwrap_or_else(|| "(not set)".into())}</code></td></tr>
                                    }) }
                                </tbody>
                            </table>
                        }
                    </div>
                }) }
                { for orphans.iter().map(|b| html! {
                    <p class="cp-orphan"><strong>{b.container.clone().unwrap_or_default()}</strong>
                        {format!(" belongs to service “{}”, which is no longer in the file: ", b.service)}
                        <code>{"docker compose up -d --remove-orphans"}</code>{" or "}<code>{"down --remove-orphans"}</code>{" removes it."}</p>
                }) }
            </div>
        }
    });

    html! {
        <div class="cp-wrap">
            <p class="cp-project">{"project "}<strong>{p.name.clone()}</strong>{" · "}<code>{view.file.clone()}</code></p>
            <svg class="cp-svg" viewBox={format!("0 0 {width} {height}")} role="img"
                aria-label="The Compose project: services, depends_on, networks and volumes">
                <defs>
                    <marker id="cp-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                </defs>
                { lanes }
                { for wires }
                { vols }
                { for arcs }
                { for boxes }
            </svg>
            { notes }
        </div>
    }
}

fn ago(world: &World, at: u64) -> String {
    format!("{} ago", human_duration(world.now_ms.saturating_sub(at)))
}

/// The table: each container's state, waits, timings and healthcheck settings in effect.
#[function_component(ComposeTable)]
pub fn compose_table(props: &ComposeProps) -> Html {
    let world = &props.world;
    let Ok(view) = compose_view(world) else {
        return html! { <p class="cp-sub">{"The table fills in once compose.yaml loads."}</p> };
    };
    let p = &view.project;
    let rows: Html = view
        .boxes
        .iter()
        .map(|b| {
            let c = b.container.as_ref().and_then(|n| world.engine.by_name(n));
            let wait = match pending_wait(world, &p.name, &b.service) {
                Some(deps) if !deps.is_empty() => format!("waiting for {}", deps.join(", ")),
                _ => p
                    .services
                    .get(&b.service)
                    .map(|s| {
                        s.depends_on
                            .iter()
                            .map(|(d, dep)| {
                                let met = condition_met(world, &p.name, d, &dep.condition);
                                format!("{d}: {} {}", dep.condition, if met { "✓" } else { "✗" })
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
            };
            let hc = c.and_then(|c| c.config.healthcheck.as_ref());
            let hc_text = match hc {
                None => "none".to_string(),
                Some(h) if h.disabled() => "disabled".to_string(),
                // In the caption's order: interval/timeout/retries/start_period/start_interval.
                Some(h) => format!(
                    "{}/{}/{}/{}/{}",
                    go_duration(h.interval()),
                    go_duration(h.timeout()),
                    h.retries(),
                    go_duration(h.start_period()),
                    go_duration(h.start_interval())
                ),
            };
            let created = c.map(|c| ago(world, c.created_at)).unwrap_or_default();
            let started = c
                .and_then(|c| c.state.started_at)
                .map(|t| ago(world, t))
                .unwrap_or_else(|| "—".into());
            // The exit code goes with the status, as `docker ps` writes it: `exited (1)`.
            let status = match b.status {
                Some(st @ (Status::Exited | Status::Restarting | Status::Dead)) => {
                    format!("{} ({})", st.as_str(), b.exit_code)
                }
                Some(st) => st.as_str().to_string(),
                None => "—".into(),
            };
            html! {
                <tr class={classes!(b.old_config.then_some("old-config"), b.orphan.then_some("orphan"))}
                    data-testid="compose-row" data-container={b.container.clone().unwrap_or_default()}>
                    <th scope="row">{b.service.clone()}</th>
                    <td>{b.container.clone().unwrap_or_else(|| "—".into())}</td>
                    <td>{status}</td>
                    <td>{health_text(&b.health).unwrap_or_else(|| "—".into())}</td>
                    <td class="cp-n" data-testid="compose-restarts">{b.restart_count}</td>
                    <td class="cp-wait">{if wait.is_empty() { "—".to_string() } else { wait }}</td>
                    <td class="cp-when">{created}<br />{started}</td>
                    <td class="cp-hc">{hc_text}</td>
                </tr>
            }
        })
        .collect();
    html! {
        // Scrolls sideways in a narrow panel: focusable and named, so the keyboard can scroll it.
        <div class="cp-table-wrap" tabindex="0" role="region" aria-label="Compose containers (scrolls sideways)">
            <table class="cp-table" data-testid="compose-table">
                <caption>{"Each container: state (exit code), what it waits for (depends_on), when it was created and started, and the healthcheck in effect as interval/timeout/retries/start_period/start_interval (defaults 30s/30s/3/0s/5s)"}</caption>
                <thead><tr>
                    <th scope="col">{"service"}</th><th scope="col">{"container"}</th><th scope="col">{"status"}</th>
                    <th scope="col">{"health"}</th><th scope="col">{"restarts"}</th><th scope="col">{"depends_on"}</th>
                    <th scope="col">{"created / started"}</th><th scope="col">{"healthcheck"}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The Compose pages: the project as Compose sees it, then each container's state and timings.
pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use crate::ui::panel::Panel;
    let (world, last) = (&stage.world, &stage.last);
    let picture = html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading="The Compose project" hint="outlined: what the last step touched">
            <ComposePicture world={world.clone()} last={last.clone()} />
        </Panel>
    };
    let table = html! {
        <Panel class="diagram-panel" testid="compose-containers" heading_id="compose-h" heading="Containers, waits and healthchecks">
            <ComposeTable world={world.clone()} last={last.clone()} />
        </Panel>
    };
    (picture, table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::input::Input;
    use crate::sim::timeline::Timeline;

    fn run(lines: &[&str]) -> Timeline {
        let mut world = World::new(3);
        world
            .fs
            .seed_project("compose-app")
            .expect("template exists");
        let mut t = Timeline::new(world);
        for line in lines {
            t.submit(Input::Command(line.to_string()));
            let mut guard = 0;
            while t.world().shell.is_busy() && guard < 500 {
                t.forward();
                guard += 1;
            }
        }
        t
    }

    const FILE: &str = "cat > compose.yaml <<EOF\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: secret\n    volumes:\n      - db-data:/var/lib/postgresql/data\n  web:\n    image: nginx\n    ports:\n      - \"8080:80\"\n    depends_on:\n      - db\nvolumes:\n  db-data:\nEOF";

    #[test]
    fn a_missing_file_is_a_load_error() {
        let t = run(&[]);
        let e = compose_view(t.world()).unwrap_err();
        assert!(e.message.starts_with("no configuration file provided"));
    }

    #[test]
    fn services_come_in_start_order_with_their_containers() {
        let t = run(&[FILE, "docker compose up -d"]);
        let v = compose_view(t.world()).expect("loads");
        let names: Vec<_> = v.boxes.iter().map(|b| b.container.clone()).collect();
        assert_eq!(
            names,
            vec![Some("app-db-1".to_string()), Some("app-web-1".to_string())]
        );
        assert!(v.boxes.iter().all(|b| !b.old_config && !b.orphan));
        assert_eq!(v.boxes[1].ports, vec!["8080→80".to_string()]);
    }

    #[test]
    fn a_changed_file_marks_the_old_config_until_up_recreates() {
        let mut t = run(&[FILE, "docker compose up -d"]);
        let changed = FILE.replace("secret", "s3cret");
        for line in [changed.as_str(), "docker compose restart db"] {
            t.submit(Input::Command(line.to_string()));
            while t.world().shell.is_busy() {
                if !t.forward() {
                    break;
                }
            }
        }
        let v = compose_view(t.world()).expect("loads");
        let db = &v.boxes[0];
        assert!(db.old_config, "restart keeps the old config");
        assert_eq!(
            db.env_diff,
            vec![EnvDiff {
                key: "POSTGRES_PASSWORD".into(),
                running: Some("secret".into()),
                file: Some("s3cret".into()),
            }]
        );
        assert!(!v.boxes[1].old_config);
        t.submit(Input::Command("docker compose up -d".into()));
        while t.world().shell.is_busy() {
            if !t.forward() {
                break;
            }
        }
        let v = compose_view(t.world()).expect("loads");
        assert!(v.boxes.iter().all(|b| !b.old_config), "up recreated it");
    }

    #[test]
    fn a_service_removed_from_the_file_leaves_an_orphan() {
        let t = run(&[
            FILE,
            "docker compose up -d",
            "cat > compose.yaml <<EOF\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: secret\n    volumes:\n      - db-data:/var/lib/postgresql/data\nvolumes:\n  db-data:\nEOF",
        ]);
        let v = compose_view(t.world()).expect("loads");
        let orphan: Vec<_> = v.boxes.iter().filter(|b| b.orphan).collect();
        assert_eq!(orphan.len(), 1);
        assert_eq!(orphan[0].container.as_deref(), Some("app-web-1"));
    }

    /// The terminal's examples for the three Compose pages work on a Compose project (the
    /// terminal's own test only covers ready pages, on a folder without compose.yaml).
    #[test]
    fn the_compose_pages_examples_are_understood_and_load_the_file() {
        const PROJECT: &str = "cat > compose.yaml <<EOF\nservices:\n  api:\n    build: ./api\n    environment:\n      DB_HOST: db\n    restart: on-failure\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: secret\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\", \"-U\", \"postgres\"]\n      interval: 2s\nEOF";
        for slug in [
            "compose-basics",
            "compose-healthchecks",
            "restart-config-not-applied",
        ] {
            let mut t = run(&[PROJECT]);
            for example in crate::scenario::catalogue::lesson(slug)
                .expect("ready")
                .examples
            {
                let input = match example.strip_prefix('!') {
                    Some(f) => Input::Fault(crate::sim::Fault::parse(f).expect("fault parses")),
                    None => Input::Command(example.to_string()),
                };
                let text = t.submit(input).terminal_text();
                for refusal in [
                    "command not found",
                    "not simulate",
                    "unknown command",
                    "unknown flag",
                    "unknown shorthand",
                    "no configuration file",
                    "yaml:",
                ] {
                    assert!(!text.contains(refusal), "{slug}: `{example}` → {text}");
                }
                let mut guard = 0;
                while t.world().shell.is_busy() && guard < 2000 {
                    t.forward();
                    guard += 1;
                }
            }
        }
    }

    #[test]
    fn a_start_waiting_on_a_healthy_dependency_says_what_it_waits_for() {
        let file = "cat > compose.yaml <<EOF\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: secret\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\", \"-U\", \"postgres\"]\n      interval: 2s\n  web:\n    image: nginx\n    depends_on:\n      db:\n        condition: service_healthy\nEOF";
        let mut t = run(&[file]);
        t.submit(Input::Command("docker compose up -d".into()));
        let w = t.world();
        assert!(w.shell.is_busy(), "up waits for db to be healthy");
        assert_eq!(
            pending_wait(w, "app", "web"),
            Some(vec!["db (service_healthy)".to_string()])
        );
        let v = compose_view(w).expect("loads");
        assert_eq!(v.boxes[0].health, Some((HealthStatus::Starting, 0)));
        assert!(!condition_met(w, "app", "db", "service_healthy"));
        assert!(condition_met(w, "app", "db", "service_started"));
        while t.world().shell.is_busy() {
            if !t.forward() {
                break;
            }
        }
        let w = t.world();
        assert_eq!(pending_wait(w, "app", "web"), None);
        assert!(condition_met(w, "app", "db", "service_healthy"));
    }

    #[test]
    fn after_a_host_reboot_the_restarted_container_still_runs_the_old_config() {
        let with_policy = FILE.replace(
            "    image: nginx\n",
            "    image: nginx\n    restart: always\n",
        );
        let mut t = run(&[with_policy.as_str(), "docker compose up -d"]);
        let changed = with_policy.replace(
            "    image: nginx\n",
            "    image: nginx\n    environment:\n      MODE: new\n",
        );
        t.submit(Input::Command(changed));
        t.submit(Input::Fault(crate::sim::Fault::Reboot));
        for _ in 0..200 {
            if !t.forward() {
                break;
            }
        }
        let v = compose_view(t.world()).expect("loads");
        let web = v.boxes.iter().find(|b| b.service == "web").expect("web");
        assert_eq!(
            web.status,
            Some(Status::Running),
            "restart: always brought it back"
        );
        assert!(web.old_config);
        assert_eq!(
            web.env_diff,
            vec![EnvDiff {
                key: "MODE".into(),
                running: None,
                file: Some("new".into()),
            }]
        );
    }

    #[test]
    fn networks_and_volumes_are_touched_by_either_name() {
        let touched = vec!["app_default".to_string(), "volume:app_db-data".to_string()];
        assert!(is_touched(&touched, "network", "app_default"));
        assert!(is_touched(&touched, "volume", "app_db-data"));
        assert!(!is_touched(&touched, "network", "app_db-data"));
        assert!(!is_touched(&touched, "volume", "app"));
    }

    #[test]
    fn env_values_take_the_last_entry() {
        let env = vec!["A=1".to_string(), "B=x=y".into(), "A=2".into()];
        assert_eq!(env_value(&env, "A").as_deref(), Some("2"));
        assert_eq!(env_value(&env, "B").as_deref(), Some("x=y"));
        assert_eq!(env_value(&env, "C"), None);
    }
}
