//! The disk-full-logs picture: the host's disk as one bar, and its use over simulated time.
//!
//! Real Docker stores images, volumes, containers' writable layers and their json-file logs under
//! `/var/lib/docker` on the host's root disk; `docker system df` lists the first three, never the
//! logs, while `df` sees everything. The bar splits the disk the way `df` would see it (OS,
//! images, volumes, containers, build cache, logs, free) and names each container's log with its
//! rotation (`no max-size` in the alarm colour). The chart draws the sampled used bytes against
//! simulated time with the disk's size as a ceiling line. Everything is read from
//! src/sim/docker/disk/mod.rs (usage and samples); this file only draws. We simplify: the chart
//! joins samples with straight lines (between steps the growth is linear anyway).

use std::rc::Rc;

use yew::prelude::*;

use super::truncate;
use crate::sim::docker::disk::{self, human_df};
use crate::sim::record::Record;

#[derive(Properties, PartialEq)]
pub struct DiskProps {
    pub world: super::WorldRef,
    pub last: Option<Rc<Record>>,
}

const BAR_W: f64 = 600.0;
const BAR_H: f64 = 34.0;

#[function_component(DiskBar)]
pub fn disk_bar(props: &DiskProps) -> Html {
    let world = &props.world;
    let u = disk::usage(world);
    let size = world.disk.size_bytes.max(1) as f64;
    let used = disk::used_bytes(world);
    let parts: [(&str, &str, u64); 6] = [
        ("os", "OS", u.os_bytes),
        ("images", "images", u.images_bytes),
        ("volumes", "volumes", u.volumes_bytes),
        ("containers", "containers", u.containers_bytes),
        ("cache", "build cache", u.build_cache_bytes),
        ("logs", "logs", u.logs_bytes),
    ];
    let mut x = 0.0;
    let mut rects = Vec::new();
    for (class, label, bytes) in parts {
        let w = (bytes as f64 / size * BAR_W).min(BAR_W - x);
        if w <= 0.0 {
            continue;
        }
        rects.push(html! {
            <rect class={classes!("disk-part", format!("disk-{class}"))} x={format!("{x:.1}")} y="0"
                width={format!("{w:.1}")} height={BAR_H.to_string()}>
                <title>{format!("{label}: {}", human_df(bytes))}</title>
            </rect>
        });
        x += w;
    }
    let touched: &[String] = props
        .last
        .as_ref()
        .map(|r| r.touched.as_slice())
        .unwrap_or(&[]);
    let legend: Html = parts
        .iter()
        .map(|(class, label, bytes)| {
            html! {
                <li class="disk-legend-item">
                    <span class={classes!("disk-swatch", format!("disk-{class}"))}></span>
                    {format!("{label} {}", human_df(*bytes))}
                </li>
            }
        })
        .collect();
    let logs: Html = world
        .engine
        .newest_first()
        .into_iter()
        .rev()
        .map(|c| {
            let bytes = disk::log_bytes(world, c);
            let rotation = match c.host_config.log_config.rotation() {
                Some(r) => format!("max-size {} × {}", human_df(r.max_size_bytes), r.max_file),
                None if c.host_config.log_config.driver == "none" => "driver none".to_string(),
                None => "no max-size".to_string(),
            };
            let growing = world.disk.logs.get(&c.id).is_some_and(|f| f.rate_bytes_per_s > 0);
            let unbounded = c.host_config.log_config.rotation().is_none() && growing;
            html! {
                <li class={classes!("disk-log", unbounded.then_some("unbounded"), touched.contains(&c.name).then_some("touched"))}
                    data-testid="disk-log">
                    <code>{truncate(&c.name, 18)}</code>
                    <span class="disk-log-size">{human_df(bytes)}</span>
                    <span class="disk-log-rotation">{rotation}</span>
                    if growing { <span class="disk-log-rate">{format!("+{}/s", human_df(disk::rate_bytes_per_s(c)))}</span> }
                </li>
            }
        })
        .collect();
    let state = if world.disk.full {
        "FULL: writes fail with No space left on device"
    } else if !world.disk.daemon.running {
        "dockerd is not running"
    } else {
        ""
    };
    html! {
        <div class={classes!("disk-picture", world.disk.full.then_some("full"))}>
            <p class="disk-summary">
                <strong>{format!("{} of {} used ({}%)", human_df(used), human_df(world.disk.size_bytes), used * 100 / world.disk.size_bytes.max(1))}</strong>
                if !state.is_empty() { <span class="disk-alarm" data-testid="disk-alarm">{state}</span> }
            </p>
            <svg class="disk-bar" viewBox={format!("0 0 {BAR_W} {BAR_H}")} role="img"
                aria-label={format!("disk: {} of {} used", human_df(used), human_df(world.disk.size_bytes))}>
                <rect class="disk-free" x="0" y="0" width={BAR_W.to_string()} height={BAR_H.to_string()} />
                { for rects }
            </svg>
            <ul class="disk-legend">{legend}</ul>
            <h3 class="disk-sub">{"Log files (/var/lib/docker/containers/<id>/<id>-json.log)"}</h3>
            if world.engine.containers.is_empty() {
                <p class="disk-empty">{"No containers, no logs."}</p>
            } else {
                <ul class="disk-loglist">{logs}</ul>
            }
        </div>
    }
}

const CHART_W: f64 = 600.0;
const CHART_H: f64 = 200.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 24.0;
/// Room above the ceiling (the disk's size) for its label: below it, a full disk's line and area
/// would cover the words.
const TOP: f64 = 22.0;

/// `1h30`, `45m`, `20s` for the time axis.
fn axis_time(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        let m = (s % 3600) / 60;
        if m == 0 {
            format!("{}h", s / 3600)
        } else {
            format!("{}h{m:02}", s / 3600)
        }
    } else if s >= 60 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

#[function_component(DiskChart)]
pub fn disk_chart(props: &DiskProps) -> Html {
    let world = &props.world;
    let size = world.disk.size_bytes.max(1) as f64;
    let mut points: Vec<(u64, u64)> = world
        .disk
        .samples
        .iter()
        .map(|s| (s.at_ms, s.used_bytes))
        .collect();
    let now = (world.now_ms, disk::used_bytes(world));
    if points.last().is_none_or(|p| p.0 < now.0) {
        points.push(now);
    }
    let t0 = points.first().map_or(0, |p| p.0);
    let span = (now.0.saturating_sub(t0)).max(1) as f64;
    let plot_w = CHART_W - LEFT - 8.0;
    let plot_h = CHART_H - BOTTOM - TOP;
    let px = |t: u64| LEFT + (t.saturating_sub(t0)) as f64 / span * plot_w;
    let py = |b: u64| TOP + plot_h - b as f64 / size * plot_h;
    let path: String = points
        .iter()
        .enumerate()
        .map(|(i, (t, b))| {
            format!(
                "{}{:.1},{:.1}",
                if i == 0 { "M" } else { " L" },
                px(*t),
                py(*b)
            )
        })
        .collect();
    let area = format!(
        "{path} L{:.1},{:.1} L{:.1},{:.1} Z",
        px(now.0),
        py(0),
        px(t0),
        py(0)
    );
    let ticks: Html = (0..=4)
        .map(|i| {
            let b = world.disk.size_bytes / 4 * i;
            html! {
                <g class="chart-tick">
                    <line x1={LEFT.to_string()} x2={(CHART_W - 8.0).to_string()} y1={format!("{:.1}", py(b))} y2={format!("{:.1}", py(b))} />
                    <text x={(LEFT - 4.0).to_string()} y={format!("{:.1}", py(b) + 4.0)} text-anchor="end">{human_df(b)}</text>
                </g>
            }
        })
        .collect();
    html! {
        <svg class="disk-chart" viewBox={format!("0 0 {CHART_W} {CHART_H}")} role="img" data-testid="disk-chart"
            aria-label="disk used over simulated time">
            {ticks}
            <line class="chart-ceiling" x1={LEFT.to_string()} x2={(CHART_W - 8.0).to_string()} y1={format!("{:.1}", py(world.disk.size_bytes))} y2={format!("{:.1}", py(world.disk.size_bytes))} />
            <path class="chart-area" d={area} />
            <path class={classes!("chart-line", world.disk.full.then_some("full"))} d={path} />
            <text class="chart-ceiling-label" x={(CHART_W - 10.0).to_string()} y={format!("{:.1}", py(world.disk.size_bytes) - 6.0)} text-anchor="end">
                {format!("disk size {}", human_df(world.disk.size_bytes))}
            </text>
            <text class="chart-axis" x={LEFT.to_string()} y={(CHART_H - 6.0).to_string()}>{"+0"}</text>
            <text class="chart-axis" x={(CHART_W - 8.0).to_string()} y={(CHART_H - 6.0).to_string()} text-anchor="end">
                {format!("+{}", axis_time(now.0.saturating_sub(t0)))}
            </text>
        </svg>
    }
}

/// The disk-full-logs page: the disk split by what uses it, and its use over time.
pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use crate::ui::panel::Panel;
    let (world, last) = (&stage.world, &stage.last);
    let picture = html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading="The host's disk" hint="df sees logs; docker system df does not">
            <DiskBar world={world.clone()} last={last.clone()} />
        </Panel>
    };
    let chart = html! {
        <Panel class="diagram-panel" testid="disk-over-time" heading_id="disk-chart-h" heading="Disk used over time">
            <DiskChart world={world.clone()} last={last.clone()} />
        </Panel>
    };
    (picture, chart)
}

#[cfg(test)]
mod tests {
    #[test]
    fn axis_times_read_short() {
        assert_eq!(super::axis_time(0), "0s");
        assert_eq!(super::axis_time(90_000), "1m");
        assert_eq!(super::axis_time(3_600_000), "1h");
        assert_eq!(super::axis_time(5_400_000), "1h30");
    }
}
