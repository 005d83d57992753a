//! The swarm-deployment-strategies picture: which version each slot ran over simulated time.
//!
//! Real Swarm shows this only as text: `docker service ps web` lists each slot's current task and
//! its history (`\_ web.1 … Failed 3 seconds ago`), and `docker service inspect` the
//! `UpdateStatus`. The timeline lays the same tasks out against time: one row per slot, one
//! segment per task from the moment its container started to the moment it stopped, coloured by
//! the image version it runs; a cross where a task failed; the updater's monitor window shaded
//! after each new task started; and a banner with the update's state (updating, paused, rolling
//! back, completed) and message. The side panel lists the update and rollback configs the
//! updater is using.
//!
//! Everything is read from the swarm store (src/sim/swarm/{service,task,update}.rs); this file
//! only draws. Simplified: the store keeps 5 tasks per slot (`--task-history-limit`), so the
//! oldest tasks of a crash-looping slot drop off the left of the chart, exactly as they drop out of
//! `docker service ps`; a task's segment starts when its container started (tasks that never
//! started show as a dot at their creation time).

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::record::Record;
use crate::sim::swarm::service::{Service, UpdateState};
use crate::sim::swarm::task::{Task, TaskState};
use crate::sim::swarm::update;
use crate::sim::time::{Millis, short_duration};
use crate::sim::world::World;

#[derive(Properties, PartialEq)]
pub struct DeployProps {
    pub world: super::WorldRef,
    pub last: Option<Rc<Record>>,
}

/// One task drawn on a slot's row.
#[derive(Clone, PartialEq, Debug)]
pub struct Segment {
    pub task_id: String,
    /// Index of its image in the service's list of versions (colour).
    pub version: usize,
    pub image: String,
    pub from_ms: Millis,
    /// `None`: still running (draw to now).
    pub to_ms: Option<Millis>,
    /// Never started (pending, waiting, rejected): drawn as a dot.
    pub never_started: bool,
    pub failed: bool,
    pub error: String,
    pub state: TaskState,
    /// The updater's monitor window after it started: (from, to).
    pub monitor: Option<(Millis, Millis)>,
}

/// One slot of one service.
#[derive(Clone, PartialEq, Debug)]
pub struct Row {
    pub label: String,
    pub service: String,
    pub segments: Vec<Segment>,
}

/// The services, each with its image versions in order of first use, and its rows.
#[derive(Clone, PartialEq, Debug)]
pub struct Model {
    pub rows: Vec<Row>,
    /// (service, images in first-use order).
    pub versions: Vec<(String, Vec<String>)>,
    pub from_ms: Millis,
    pub to_ms: Millis,
}

fn image_of(svc: &Service, t: &Task) -> String {
    svc.template_of(t.spec_version).container.image.clone()
}

/// When the updater's watch on `t` began: the time it reached running (kept by the updater while
/// the update runs), else its container start.
fn monitor_window(world: &World, svc: &Service, t: &Task) -> Option<(Millis, Millis)> {
    let status = svc.update_status.as_ref()?;
    let monitor = update::config(svc).monitor_ms;
    if let Some(p) = world.swarm.updates.get(&svc.id) {
        let (_, reached) = p.updated.iter().find(|(id, _)| *id == t.id)?;
        let from = reached.or(t.started_ms)?;
        return Some((from, from + monitor));
    }
    // The update is over: tasks created while it ran were the updater's.
    let end = status.completed_ms.unwrap_or(world.now_ms);
    if t.created_ms < status.started_ms || t.created_ms > end {
        return None;
    }
    let from = t.started_ms?;
    Some((from, from + monitor))
}

/// Rows for every service, slot by slot, from the tasks the store still holds.
pub fn model(world: &World) -> Model {
    let now = world.now_ms;
    let mut rows = Vec::new();
    let mut versions = Vec::new();
    let mut from = now;
    let mut services: Vec<&Service> = world.swarm.services.values().collect();
    crate::sim::order::sort_by(&mut services, |a, b| a.spec.name.cmp(&b.spec.name));
    for svc in services {
        let name = svc.spec.name.clone();
        let mut tasks: Vec<&Task> = world
            .swarm
            .tasks
            .iter()
            .filter(|t| t.service_id == svc.id)
            .collect();
        crate::sim::order::sort_by_key(&mut tasks, |t| (t.created_ms, t.id.clone()));
        let mut images: Vec<String> = Vec::new();
        for t in &tasks {
            let image = image_of(svc, t);
            if !images.contains(&image) {
                images.push(image);
            }
        }
        if !images.contains(&svc.spec.template.container.image) {
            images.push(svc.spec.template.container.image.clone());
        }
        let mut by_slot: std::collections::BTreeMap<(u64, String), Vec<Segment>> =
            Default::default();
        for t in tasks {
            if t.state == TaskState::Remove {
                continue;
            }
            let image = image_of(svc, t);
            let version = images.iter().position(|i| *i == image).unwrap_or(0);
            let never_started = t.started_ms.is_none();
            let from_ms = t.started_ms.unwrap_or(t.created_ms);
            from = from.min(from_ms);
            let ended = t.state.is_terminal() || (!t.container_up && !never_started);
            by_slot
                .entry(match t.slot {
                    Some(s) => (s, String::new()),
                    None => (0, t.node_id.clone().unwrap_or_default()),
                })
                .or_default()
                .push(Segment {
                    task_id: t.id.clone(),
                    version,
                    image,
                    from_ms,
                    to_ms: ended.then_some(t.state_since_ms.max(from_ms)),
                    never_started,
                    failed: t.state == TaskState::Failed || t.state == TaskState::Rejected,
                    error: t.error.clone(),
                    state: t.state,
                    monitor: monitor_window(world, svc, t),
                });
        }
        for ((slot, node), segments) in by_slot {
            let label = if node.is_empty() {
                format!("{name}.{slot}")
            } else {
                let host = world
                    .swarm
                    .nodes
                    .get(&node)
                    .map(|n| n.hostname.clone())
                    .unwrap_or(node);
                format!("{name}@{host}")
            };
            rows.push(Row {
                label,
                service: name.clone(),
                segments,
            });
        }
        versions.push((name, images));
    }
    // At least 30 s on screen, at most the last 3 minutes.
    let from = from
        .max(now.saturating_sub(180_000))
        .min(now.saturating_sub(30_000));
    Model {
        rows,
        versions,
        from_ms: from,
        to_ms: now,
    }
}

/// The update banner: (css class, text).
pub fn banner(svc: &Service, world: &World) -> Option<(&'static str, String)> {
    let st = svc.update_status.as_ref()?;
    let name = &svc.spec.name;
    let progress = world
        .swarm
        .updates
        .get(&svc.id)
        .map(|p| format!(" — {} of {} slots taken", p.taken(), p.total))
        .unwrap_or_default();
    Some(match st.state {
        UpdateState::Updating => ("updating", format!("{name}: updating{progress}")),
        UpdateState::Paused => ("paused", format!("{name}: PAUSED — {}", st.message)),
        UpdateState::Completed => ("completed", format!("{name}: update completed")),
        UpdateState::RollbackStarted => (
            "rolling-back",
            format!("{name}: ROLLING BACK{progress} — {}", st.message),
        ),
        UpdateState::RollbackPaused => (
            "paused",
            format!("{name}: ROLLBACK PAUSED — {}", st.message),
        ),
        UpdateState::RollbackCompleted => ("completed", format!("{name}: rollback completed")),
    })
}

const W: f64 = 640.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 8.0;
const ROW_H: f64 = 26.0;
const AXIS_H: f64 = 22.0;

/// Long because it is one SVG picture in one `html!` tree; what it shows is computed by `model`.
#[function_component(DeployTimeline)]
pub fn deploy_timeline(props: &DeployProps) -> Html {
    let world = &props.world;
    let m = model(world);
    let touched: &[String] = props
        .last
        .as_ref()
        .map(|r| r.touched.as_slice())
        .unwrap_or(&[]);
    let mut services: Vec<&Service> = world.swarm.services.values().collect();
    crate::sim::order::sort_by(&mut services, |a, b| a.spec.name.cmp(&b.spec.name));
    let banners: Html = services
        .iter()
        .filter_map(|s| banner(s, world))
        .map(|(class, text)| {
            html! { <p class={classes!("dp-banner", class)} data-testid="deploy-banner">{text}</p> }
        })
        .collect();
    if m.rows.is_empty() {
        return html! {
            <div class="dp-timeline">
                {banners}
                <p class="dp-empty">{"No service yet. Create one with "}<code>{"docker service create"}</code>{"; each slot gets a row here."}</p>
            </div>
        };
    }
    let span = (m.to_ms - m.from_ms).max(1) as f64;
    let plot_w = W - LEFT - RIGHT;
    let px = |t: Millis| LEFT + (t.max(m.from_ms) - m.from_ms) as f64 / span * plot_w;
    let h = TOP + m.rows.len() as f64 * ROW_H + AXIS_H;
    let version_of = |service: &str, v: usize| {
        let offset: usize = m
            .versions
            .iter()
            .take_while(|(s, _)| s != service)
            .map(|(_, images)| images.len())
            .sum();
        (offset + v) % 6
    };
    let rows: Html = m
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let y = TOP + i as f64 * ROW_H;
            let segs: Html = row
                .segments
                .iter()
                .filter(|s| s.to_ms.is_none_or(|t| t >= m.from_ms))
                .map(|s| {
                    let colour = format!("dp-v{}", version_of(&row.service, s.version));
                    let x1 = px(s.from_ms);
                    let x2 = px(s.to_ms.unwrap_or(m.to_ms)).max(x1 + 2.0);
                    let title = format!(
                        "{} {} — {}{}",
                        &s.task_id[..12.min(s.task_id.len())],
                        s.image,
                        s.state.as_str(),
                        if s.error.is_empty() { String::new() } else { format!(": {}", s.error) }
                    );
                    let monitor = s.monitor.map(|(a, b)| {
                        let (a, b) = (px(a), px(b.min(m.to_ms)));
                        html! { <rect class="dp-monitor" x={format!("{a:.1}")} y={format!("{:.1}", y + 1.0)}
                            width={format!("{:.1}", (b - a).max(0.0))} height={format!("{:.1}", ROW_H - 2.0)}>
                            <title>{"monitor window: a failure here counts against the update"}</title></rect> }
                    });
                    let tag = s.image.rsplit(':').next().unwrap_or("").to_string();
                    html! {
                        <g class={classes!("dp-seg", colour, s.to_ms.is_some().then_some("ended"))}>
                            {monitor}
                            if s.never_started {
                                <circle class="dp-dot" cx={format!("{x1:.1}")} cy={format!("{:.1}", y + ROW_H / 2.0)} r="3"><title>{title.clone()}</title></circle>
                            } else {
                                <rect class="dp-bar" x={format!("{x1:.1}")} y={format!("{:.1}", y + 6.0)}
                                    width={format!("{:.1}", x2 - x1)} height={format!("{:.1}", ROW_H - 12.0)} rx="3">
                                    <title>{title.clone()}</title>
                                </rect>
                                if x2 - x1 > 26.0 {
                                    <text class="dp-tag" x={format!("{:.1}", x1 + 4.0)} y={format!("{:.1}", y + ROW_H / 2.0 + 4.0)}>{tag}</text>
                                }
                            }
                            if s.failed {
                                <g class="dp-fail" transform={format!("translate({:.1},{:.1})", x2, y + ROW_H / 2.0)}>
                                    <title>{title}</title>
                                    <line x1="-4" y1="-4" x2="4" y2="4" />
                                    <line x1="-4" y1="4" x2="4" y2="-4" />
                                </g>
                            }
                        </g>
                    }
                })
                .collect();
            let hot = touched.contains(&row.label);
            html! {
                <g class={classes!("dp-row", hot.then_some("touched"))} data-testid="deploy-row">
                    <line class="dp-lane" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()}
                        y1={format!("{:.1}", y + ROW_H / 2.0)} y2={format!("{:.1}", y + ROW_H / 2.0)} />
                    <text class="dp-label" x={(LEFT - 6.0).to_string()} y={format!("{:.1}", y + ROW_H / 2.0 + 4.0)} text-anchor="end">{row.label.clone()}</text>
                    {segs}
                </g>
            }
        })
        .collect();
    // Ticks every 10 s (30 s beyond two minutes), labelled relative to now.
    let step: Millis = if span > 120_000.0 { 30_000 } else { 10_000 };
    let ticks: Html = (0..=(m.to_ms - m.from_ms) / step)
        .map(|k| {
            let t = m.to_ms - k * step;
            let x = px(t);
            html! {
                <g class="dp-tick">
                    <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={TOP.to_string()} y2={format!("{:.1}", h - AXIS_H)} />
                    <text x={format!("{x:.1}")} y={format!("{:.1}", h - 6.0)} text-anchor="middle">
                        {if k == 0 { "now".to_string() } else { format!("−{}", short_duration(k * step)) }}
                    </text>
                </g>
            }
        })
        .collect();
    let legend: Html = m
        .versions
        .iter()
        .flat_map(|(service, images)| {
            images.iter().enumerate().map(move |(v, image)| (service.clone(), v, image.clone()))
        })
        .map(|(service, v, image)| {
            html! {
                <li><span class={classes!("dp-swatch", format!("dp-v{}", version_of(&service, v)))}></span><code>{image}</code></li>
            }
        })
        .collect();
    html! {
        <div class="dp-timeline">
            {banners}
            <svg class="dp-chart" viewBox={format!("0 0 {W} {h:.0}")} role="img" data-testid="deploy-timeline"
                aria-label="task versions per slot over simulated time">
                {ticks}
                {rows}
            </svg>
            <ul class="dp-legend">
                {legend}
                <li><span class="dp-swatch dp-monitor-swatch"></span>{"monitor window"}</li>
                <li><span class="dp-cross">{"✕"}</span>{"task failed"}</li>
            </ul>
        </div>
    }
}

/// The update and rollback configs of each service, as `docker service inspect --pretty` shows.
#[function_component(DeployConfig)]
pub fn deploy_config(props: &DeployProps) -> Html {
    let world = &props.world;
    let mut services: Vec<&Service> = world.swarm.services.values().collect();
    crate::sim::order::sort_by(&mut services, |a, b| a.spec.name.cmp(&b.spec.name));
    if services.is_empty() {
        return html! { <p class="dp-empty">{"No service yet."}</p> };
    }
    let parallelism = |n: u64| {
        if n == 0 {
            "all".to_string()
        } else {
            n.to_string()
        }
    };
    let short_duration = |ms: Millis| {
        if ms == 0 {
            "0 s".to_string()
        } else {
            short_duration(ms)
        }
    };
    let rows: Html = services
        .iter()
        .map(|s| {
            let u = &s.spec.update;
            let r = &s.spec.rollback;
            let restart = &s.spec.template.restart;
            let state = s
                .update_status
                .as_ref()
                .map(|st| st.state.as_str().to_string())
                .unwrap_or_else(|| "—".into());
            html! {
                <>
                <tr><th colspan="3">{s.spec.name.clone()}<span class="dp-state">{state}</span></th></tr>
                <tr><td>{"update"}</td><td colspan="2">{format!("{} at a time, delay {}, {}, monitor {}, on failure {}, max ratio {}",
                    parallelism(u.parallelism), short_duration(u.delay_ms), u.order.as_str(), short_duration(u.monitor_ms),
                    u.failure_action.as_str(), u.max_failure_ratio_text())}</td></tr>
                <tr><td>{"rollback"}</td><td colspan="2">{format!("{} at a time, delay {}, {}, monitor {}, on failure {}",
                    parallelism(r.parallelism), short_duration(r.delay_ms), r.order.as_str(), short_duration(r.monitor_ms),
                    r.failure_action.as_str())}</td></tr>
                <tr><td>{"restart"}</td><td colspan="2">{format!("condition {}, delay {}, max attempts {}{}",
                    restart.condition.as_str(), short_duration(restart.delay_ms),
                    if restart.max_attempts == 0 { "unlimited".to_string() } else { restart.max_attempts.to_string() },
                    if restart.window_ms > 0 { format!(", window {}", short_duration(restart.window_ms)) } else { String::new() })}</td></tr>
                </>
            }
        })
        .collect();
    html! {
        <table class="dp-config" data-testid="deploy-config"><tbody>{rows}</tbody></table>
    }
}

/// The swarm-deployment-strategies page: each slot's task versions over time during an update or
/// rollback, then the requests answered and the update/rollback/restart configs.
pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use super::traffic_chart::TrafficChart;
    use crate::ui::panel::Panel;
    let (world, last) = (&stage.world, &stage.last);
    let picture = html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading="Rolling update: which version each slot runs" hint="shaded: the updater's monitor window">
            <DeployTimeline world={world.clone()} last={last.clone()} />
        </Panel>
    };
    let side = html! {
        <Panel class="diagram-panel" testid="deploy-side" heading_id="deploy-side-h" heading="Requests answered, and the configs">
            <TrafficChart world={world.clone()} />
            <DeployConfig world={world.clone()} last={last.clone()} />
        </Panel>
    };
    (picture, side)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Input;

    fn world_after(lines: &[&str], wait_ms: Millis) -> World {
        let mut w = World::new(7);
        crate::sim::swarm::setup::form(&mut w, 1, 2);
        for line in lines {
            w.submit(Input::Command(line.to_string()));
            crate::sim::step::step(&mut w);
            let target = w.now_ms + wait_ms;
            w.submit(Input::Advance {
                duration_ms: wait_ms,
            });
            while w.next_due_ms().is_some_and(|d| d <= target) {
                crate::sim::step::step(&mut w);
            }
        }
        w
    }

    #[test]
    fn one_row_per_slot_coloured_by_version() {
        let w = world_after(
            &[
                "docker service create -d --name web --replicas 2 dockyard/web:2.0",
                "docker service update -d --image dockyard/web:1.0 web",
            ],
            30_000,
        );
        let m = model(&w);
        assert_eq!(
            m.rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(),
            vec!["web.1", "web.2"]
        );
        assert_eq!(
            m.versions,
            vec![(
                "web".to_string(),
                vec![
                    "dockyard/web:2.0".to_string(),
                    "dockyard/web:1.0".to_string()
                ]
            )]
        );
        for row in &m.rows {
            let v: Vec<usize> = row.segments.iter().map(|s| s.version).collect();
            assert_eq!(v, vec![0, 1], "{}", row.label);
            assert!(row.segments[0].to_ms.is_some() && row.segments[1].to_ms.is_none());
            // the new task was watched for the monitor period after it started
            let (a, b) = row.segments[1].monitor.unwrap();
            assert_eq!(b - a, 5_000);
        }
        let svc = w.swarm.services.values().next().unwrap();
        assert_eq!(
            banner(svc, &w),
            Some(("completed", "web: update completed".to_string()))
        );
    }

    #[test]
    fn a_failed_task_is_marked_and_the_banner_says_paused() {
        let w = world_after(
            &[
                "docker service create -d --name web --replicas 2 dockyard/web:2.0",
                "docker service update -d --image dockyard/web:2.1 web",
            ],
            20_000,
        );
        let m = model(&w);
        assert!(
            m.rows[0]
                .segments
                .iter()
                .any(|s| s.failed && s.image == "dockyard/web:2.1")
        );
        let svc = w.swarm.services.values().next().unwrap();
        let (class, text) = banner(svc, &w).unwrap();
        assert_eq!(class, "paused");
        assert!(text.contains("update paused due to failure"), "{text}");
    }
}
