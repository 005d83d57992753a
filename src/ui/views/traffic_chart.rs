//! The traffic chart: requests per second and success rate over simulated time.
//!
//! Real dashboards (Grafana over a load balancer's metrics) plot the request rate and the
//! share answered; a deployment with downtime shows as a dip in the success line. We draw the
//! generator's history (src/sim/traffic/mod.rs `series`): bars for requests answered and failed per
//! second, and a line for the success percentage, in hand-written SVG. Reused by the
//! swarm-overlay-networks, swarm-deployment-strategies and traefik-integration pages. When a
//! proxy answered (Traefik), each bar is split by status class (2xx, 3xx, 4xx, 5xx) as a proxy's
//! dashboard shows it, and requests that got no HTTP answer at all stay red. Simplified: the
//! last 120 seconds are drawn (the world keeps 600), one bar per second.

use yew::prelude::*;

use crate::sim::traffic;
use crate::sim::world::World;

/// Seconds drawn.
const WINDOW: usize = 120;
const W: f64 = 480.0;
const H: f64 = 120.0;
/// At least this many seconds wide, so a short run does not fill the chart with one bar.
const MIN_SLOTS: usize = 30;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 36.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 22.0;

#[derive(Properties, PartialEq)]
pub struct TrafficChartProps {
    pub world: super::WorldRef,
}

/// What the chart shows, computed from the world (kept apart from the markup for tests).
#[derive(Clone, PartialEq, Debug)]
pub struct ChartModel {
    /// (seconds since the first drawn point, ok, failed)
    pub bars: Vec<(f64, u32, u32)>,
    /// Per bar, answers by status class 2xx, 3xx, 4xx, 5xx (all zero when no proxy answered).
    pub classes: Vec<[u32; 4]>,
    pub max_rate: u32,
    /// (x index, success %)
    pub success: Vec<(usize, f64)>,
    pub summary: String,
}

pub fn model(world: &World) -> ChartModel {
    let history = &world.traffic.history;
    let start = history.len().saturating_sub(WINDOW);
    let shown = &history[start..];
    let bars: Vec<(f64, u32, u32)> = shown
        .iter()
        .enumerate()
        .map(|(i, b)| (i as f64, b.ok, b.failed))
        .collect();
    let classes: Vec<[u32; 4]> = shown
        .iter()
        .map(|b| {
            let n = |k: &str| b.by_class.get(k).copied().unwrap_or(0);
            [n("2xx"), n("3xx"), n("4xx"), n("5xx")]
        })
        .collect();
    let max_rate = bars.iter().map(|b| b.1 + b.2).max().unwrap_or(0).max(1);
    let points = traffic::series(world);
    let success = points[start..]
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.success_percent))
        .collect();
    let t = &world.traffic;
    let summary = match (&t.generator, t.sent) {
        (None, 0) => {
            "No traffic yet: `! traffic start node-1:8080 20/s` starts clients.".to_string()
        }
        (g, sent) => {
            let rate = traffic::success_per_mille(world).unwrap_or(0);
            format!(
                "{}{sent} requests, {} answered, {} failed ({}.{}% success)",
                g.as_ref()
                    .map(|g| match &g.url {
                        Some((scheme, name, path)) => format!(
                            "{}/s to {scheme}://{name}{path} ({}:{}) · ",
                            g.rate_per_s, g.host, g.port
                        ),
                        None => format!("{}/s to {}:{} · ", g.rate_per_s, g.host, g.port),
                    })
                    .unwrap_or_else(|| "stopped · ".to_string()),
                t.ok,
                t.failed,
                rate / 10,
                rate % 10
            )
        }
    };
    ChartModel {
        bars,
        classes,
        max_rate,
        success,
        summary,
    }
}

#[function_component(TrafficChart)]
pub fn traffic_chart(props: &TrafficChartProps) -> Html {
    let m = model(&props.world);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w / m.bars.len().max(MIN_SLOTS) as f64;
    let y_of = |v: f64, max: f64| TOP + plot_h - v / max * plot_h;
    let bars: Html = m
        .bars
        .iter()
        .zip(&m.classes)
        .map(|((i, ok, failed), classes)| {
            let x = LEFT + i * slot;
            let max = f64::from(m.max_rate);
            if classes.iter().any(|n| *n > 0) {
                // Stacked by status class from the bottom, then what got no answer at all.
                let answered: u32 = classes.iter().sum();
                let segments = [
                    ("tc-c2", classes[0]),
                    ("tc-c3", classes[1]),
                    ("tc-c4", classes[2]),
                    ("tc-c5", classes[3]),
                    ("tc-failed", (ok + failed).saturating_sub(answered)),
                ];
                let mut below = 0u32;
                let rects: Html = segments
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(class, n)| {
                        let bottom = y_of(f64::from(below), max);
                        below += n;
                        let top = y_of(f64::from(below), max);
                        html! {
                            <rect class={*class} x={format!("{x:.1}")} y={format!("{top:.1}")}
                                width={format!("{:.1}", (slot - 0.5).max(0.5))} height={format!("{:.1}", bottom - top)} />
                        }
                    })
                    .collect();
                return html! { <g>{rects}</g> };
            }
            let ok_top = y_of(f64::from(*ok), max);
            let fail_top = y_of(f64::from(ok + failed), max);
            html! {
                <g>
                    <rect class="tc-ok" x={format!("{x:.1}")} y={format!("{ok_top:.1}")}
                        width={format!("{:.1}", (slot - 0.5).max(0.5))} height={format!("{:.1}", TOP + plot_h - ok_top)} />
                    if *failed > 0 {
                        <rect class="tc-failed" x={format!("{x:.1}")} y={format!("{fail_top:.1}")}
                            width={format!("{:.1}", (slot - 0.5).max(0.5))} height={format!("{:.1}", ok_top - fail_top)} />
                    }
                </g>
            }
        })
        .collect();
    let line: String = m
        .success
        .iter()
        .map(|(i, pct)| {
            format!(
                "{:.1},{:.1}",
                LEFT + (*i as f64 + 0.5) * slot,
                y_of(*pct, 100.0)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let by_class = m.classes.iter().any(|c| c.iter().any(|n| *n > 0));
    let label = if by_class {
        format!(
            "Traffic chart: {}. Bars: requests per second by status (2xx green, 3xx blue, 4xx orange, 5xx and no answer red); line: success percentage.",
            m.summary
        )
    } else {
        format!(
            "Traffic chart: {}. Bars: requests per second (failed on top, in red); line: success percentage.",
            m.summary
        )
    };
    html! {
        <figure class="tc" data-testid="traffic-chart">
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={label}>
                <line class="tc-axis" x1={LEFT.to_string()} y1={(TOP + plot_h).to_string()} x2={(W - RIGHT).to_string()} y2={(TOP + plot_h).to_string()} />
                <text class="tc-tick" x={(LEFT - 4.0).to_string()} y={(TOP + 8.0).to_string()} text-anchor="end">{format!("{}/s", m.max_rate)}</text>
                <text class="tc-tick" x={(LEFT - 4.0).to_string()} y={(TOP + plot_h).to_string()} text-anchor="end">{"0"}</text>
                <text class="tc-tick tc-pct" x={(W - RIGHT + 4.0).to_string()} y={(TOP + 8.0).to_string()}>{"100%"}</text>
                <text class="tc-tick tc-pct" x={(W - RIGHT + 4.0).to_string()} y={(TOP + plot_h).to_string()}>{"0%"}</text>
                <text class="tc-tick" x={LEFT.to_string()} y={(H - 6.0).to_string()}>{format!("last {} s", m.bars.len())}</text>
                { bars }
                if !line.is_empty() {
                    <polyline class="tc-success" points={line} />
                }
            </svg>
            <figcaption class="tc-summary" data-testid="traffic-summary">{ m.summary.clone() }</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_world_has_a_hint() {
        let w = World::new(1);
        let m = model(&w);
        assert!(m.bars.is_empty());
        assert!(m.summary.contains("traffic start"));
    }

    #[test]
    fn bars_follow_the_history() {
        let mut w = World::new(1);
        w.traffic.history = (0..130)
            .map(|i| crate::sim::traffic::Bucket {
                t_ms: i * 1000,
                ok: 18,
                failed: if i == 129 { 2 } else { 0 },
                ..Default::default()
            })
            .collect();
        w.traffic.sent = 130 * 18 + 2;
        w.traffic.ok = 130 * 18;
        w.traffic.failed = 2;
        let m = model(&w);
        assert_eq!(m.bars.len(), WINDOW);
        assert_eq!(m.max_rate, 20);
        assert_eq!(m.success.last().map(|s| s.1), Some(90.0));
        assert!(m.summary.contains("2 failed"), "{}", m.summary);
        assert!(m.classes.iter().all(|c| c == &[0; 4]));
    }

    #[test]
    fn proxied_answers_are_split_by_status_class() {
        let mut w = World::new(1);
        let classes: std::collections::BTreeMap<String, u32> =
            [("2xx".to_string(), 15), ("5xx".to_string(), 5)].into();
        w.traffic.history = vec![crate::sim::traffic::Bucket {
            t_ms: 1000,
            ok: 15,
            failed: 5,
            by_class: std::rc::Rc::new(classes),
            ..Default::default()
        }];
        let m = model(&w);
        assert_eq!(m.classes, vec![[15, 0, 0, 5]]);
    }
}
