//! The backups picture (page 12): which backup brought back which data.
//!
//! Real backups are judged by restores. A dump (`pg_dump`) or a copy of a database's files (`tar`
//! of its volume) holds the rows committed when it was taken; after a disaster (a dropped table,
//! a deleted or corrupted volume, a lost disk, ransomware) a restore replays one of them, and
//! whatever was written after it is gone. Real tools show the pieces apart: `ls -l` the files,
//! `pg_restore` its log, a monitoring graph the database's size; the recovery point (RPO) and
//! time (RTO) are targets written in a plan and rarely measured.
//!
//! What we draw, from the world only (`world.backups`, src/sim/backup/model.rs, and
//! [`backup::copies`] / [`backup::rule_321`]): a time line of the rows each database held (a step
//! line per container, from the samples); each backup as a mark at its time and its row count,
//! so it sits on the line of the database it copied, labelled with its tool and rows (a file copy
//! of a running database is hollow and red: a live copy); each disaster as a red vertical line;
//! each restore as a mark with an arrow from the backup it replayed; and, for the last restore,
//! the range it recovered and the range lost (from the newest row it brought back to the
//! disaster), with the data lost and the time to restore that [`Backups::objectives`] measures.
//! Under it, where each copy lives (the volumes and the backup files on this host's disk, and off
//! site) and the 3-2-1 rule counted. Beside it, the objectives in words, the application writing,
//! and a legend.
//!
//! Simplified: the time axis gives every event room (each gap between two events is at least a
//! few pixels wide, the rest of the width is shared in proportion to time), so a restore two
//! seconds after its disaster is not drawn on top of it; the ticks name the real times. All
//! databases share one row scale. A container that is gone ends its line at the first disaster
//! after its last sample (the one that took it), or at that sample.

use yew::prelude::*;

use super::truncate;
use crate::sim::backup::model::{BackupMark, Backups, Objectives, RestoreMark};
use crate::sim::backup::{self, Place};
use crate::sim::docker::image::human_size;
use crate::sim::hostfs;
use crate::sim::time::{DAY_MS, HOUR_MS, MINUTE_MS, Millis, SECOND_MS, civil};
use crate::sim::world::World;

#[derive(Properties, PartialEq)]
pub struct BackupsProps {
    pub world: super::WorldRef,
    /// Below the narrow breakpoint: a narrower drawing, so its words stay readable.
    #[prop_or_default]
    pub narrow: bool,
}

/// A duration the way the scenario sentences write one: `6h`, `1h30m`, `2s`, `1.5s`, `250ms`,
/// `2d3h` (the two largest units).
pub fn compact(duration_ms: Millis) -> String {
    if duration_ms < SECOND_MS {
        return format!("{duration_ms}ms");
    }
    if duration_ms < MINUTE_MS {
        return if duration_ms.is_multiple_of(SECOND_MS) {
            format!("{}s", duration_ms / SECOND_MS)
        } else {
            format!("{:.1}s", duration_ms as f64 / SECOND_MS as f64)
        };
    }
    let units = [
        (DAY_MS, "d"),
        (HOUR_MS, "h"),
        (MINUTE_MS, "m"),
        (SECOND_MS, "s"),
    ];
    let first = units
        .iter()
        .position(|(unit, _)| duration_ms >= *unit)
        .unwrap_or(3);
    let mut text = String::new();
    let mut rest = duration_ms;
    for (unit, name) in &units[first..(first + 2).min(units.len())] {
        let n = rest / unit;
        rest %= unit;
        if n > 0 {
            text.push_str(&format!("{n}{name}"));
        }
    }
    text
}

/// A moment on the simulated clock as a time of day (`03:00`, `09:00:07`), with its weekday
/// after the first day (`Tue 03:00`).
pub fn when(at_ms: Millis) -> String {
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let (_, _, _, h, m, s, _) = civil(at_ms);
    let time = if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    };
    // The clock starts on a Monday at 09:00.
    let day = (at_ms + 9 * HOUR_MS) / DAY_MS;
    if day == 0 {
        time
    } else {
        format!("{} {time}", WEEKDAYS[(day % 7) as usize])
    }
}

/// `~/app/nightly.dump` for a file of the project folder.
fn short_path(path: &str) -> String {
    path.strip_prefix(hostfs::PROJECT_DIR)
        .map_or_else(|| path.to_string(), |rest| format!("~/app{rest}"))
}

/// Where a backup was written, in words: a host file, a file in a volume, or the standard output
/// the host shell redirected (`> app.dump`).
fn written_to(path: &str) -> String {
    match path.strip_prefix("volume:") {
        _ if path == "stdout" => "written to its standard output".to_string(),
        Some(rest) => match rest.split_once('/') {
            Some((volume, file)) => format!("in volume {volume} at /{file}"),
            None => format!("in volume {rest}"),
        },
        None => format!("in {}", short_path(path)),
    }
}

/// `18 rows`, `1 row`.
fn rows_text(rows: u64) -> String {
    format!("{rows} row{}", if rows == 1 { "" } else { "s" })
}

/// A backup in a few words: `pg_dump -Fc · 18 rows`, `tar · 2 rows · live copy`.
fn mark_text(m: &BackupMark) -> String {
    format!(
        "{} · {}{}",
        m.tool,
        rows_text(m.rows),
        if m.consistent { "" } else { " · live copy" }
    )
}

/// One database's rows over time.
#[derive(Clone, PartialEq, Debug)]
pub struct Series {
    pub container: String,
    /// (from, rows), in time order.
    pub steps: Vec<(Millis, u64)>,
    /// Where its line ends: now while the container exists.
    pub end_ms: Millis,
    pub gone: bool,
}

/// Each database's rows over time, in the order they first appear.
pub fn series(world: &World) -> Vec<Series> {
    let backups = &world.backups;
    let mut out: Vec<Series> = Vec::new();
    for s in &backups.samples {
        match out.iter_mut().find(|x| x.container == s.container) {
            Some(x) => x.steps.push((s.at_ms, s.rows)),
            None => out.push(Series {
                container: s.container.clone(),
                steps: vec![(s.at_ms, s.rows)],
                end_ms: world.now_ms,
                gone: false,
            }),
        }
    }
    for x in &mut out {
        if world.engine.by_name(&x.container).is_none() {
            let last = x.steps.last().map_or(0, |s| s.0);
            x.gone = true;
            x.end_ms = backups
                .disasters
                .iter()
                .find(|d| d.at_ms >= last)
                .map_or(last, |d| d.at_ms);
        }
    }
    out
}

/// What the last restore cost, placed on the time line: the newest row it brought back, the
/// disaster before it and its end ([`Backups::objectives`], with the moments it measured between).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Measured {
    pub objectives: Objectives,
    /// The last restore (index into `restores`).
    pub restore: usize,
    pub disaster_ms: Millis,
    pub restore_ms: Millis,
    /// The newest row the restore brought back was written at (when the rows carry a time).
    pub newest_row_ms: Option<Millis>,
}

pub fn measured(backups: &Backups) -> Option<Measured> {
    let objectives = backups.objectives()?;
    let restore: &RestoreMark = backups.restores.last()?;
    let disaster_ms = restore.at_ms - objectives.restore_took_ms;
    Some(Measured {
        objectives,
        restore: backups.restores.len() - 1,
        disaster_ms,
        restore_ms: restore.at_ms,
        newest_row_ms: objectives
            .data_lost_ms
            .map(|lost| disaster_ms.saturating_sub(lost)),
    })
}

/// The least room between two events on the time axis, in pixels.
const MIN_GAP: f64 = 34.0;

/// The time axis: every moment something happened gets at least [`MIN_GAP`] pixels after the
/// one before it; the rest of the width is shared in proportion to time. Between two of them,
/// time is linear.
#[derive(Clone, PartialEq, Debug)]
pub struct Axis {
    keys: Vec<Millis>,
    xs: Vec<f64>,
}

impl Axis {
    pub fn new(mut times: Vec<Millis>, x0: f64, x1: f64) -> Axis {
        crate::sim::order::sort(&mut times);
        times.dedup();
        let gaps = times.len().saturating_sub(1) as f64;
        let width = (x1 - x0).max(0.0);
        let min_gap = if gaps == 0.0 {
            0.0
        } else {
            MIN_GAP.min(width / gaps)
        };
        let spare = width - min_gap * gaps;
        let total = match (times.first(), times.last()) {
            (Some(first), Some(last)) => (last - first).max(1) as f64,
            _ => 1.0,
        };
        let mut xs = Vec::with_capacity(times.len());
        let mut x = x0;
        for (i, t) in times.iter().enumerate() {
            if i > 0 {
                x += min_gap + spare * (t - times[i - 1]) as f64 / total;
            }
            xs.push(x);
        }
        Axis { keys: times, xs }
    }

    /// Where `at_ms` is drawn.
    pub fn x(&self, at_ms: Millis) -> f64 {
        let (Some(first), Some(last)) = (self.xs.first(), self.xs.last()) else {
            return 0.0;
        };
        match self.keys.binary_search(&at_ms) {
            Ok(i) => self.xs[i],
            Err(0) => *first,
            Err(i) if i >= self.keys.len() => *last,
            Err(i) => {
                let (t0, t1) = (self.keys[i - 1], self.keys[i]);
                let (x0, x1) = (self.xs[i - 1], self.xs[i]);
                x0 + (x1 - x0) * (at_ms - t0) as f64 / (t1 - t0) as f64
            }
        }
    }

    /// The moments it gives room to, with where each is drawn.
    pub fn keys(&self) -> impl Iterator<Item = (Millis, f64)> + '_ {
        self.keys.iter().copied().zip(self.xs.iter().copied())
    }
}

/// The moments the axis gives room to: the first thing recorded, every backup, disaster and
/// restore, where each line ends, and now.
fn key_times(world: &World, series: &[Series]) -> Vec<Millis> {
    let b = &world.backups;
    let mut times: Vec<Millis> = b.marks.iter().map(|m| m.at_ms).collect();
    times.extend(b.disasters.iter().map(|d| d.at_ms));
    times.extend(b.restores.iter().map(|r| r.at_ms));
    for s in series {
        times.extend(s.steps.first().map(|p| p.0));
        times.push(s.end_ms);
    }
    if let Some(m) = measured(b) {
        times.extend(m.newest_row_ms);
    }
    times.push(world.now_ms);
    times
}

/// Places labels (each a left edge wanted and a width) in up to `rows` rows, left to right, where
/// each clears the one before it in its row; a label with no room gets `None` (its mark keeps its
/// tooltip). Returns each label's row and left edge, kept within `lo..hi`.
fn place(labels: &[(f64, f64)], rows: usize, lo: f64, hi: f64) -> Vec<Option<(usize, f64)>> {
    let mut order: Vec<usize> = (0..labels.len()).collect();
    crate::sim::order::sort_by_key(&mut order, |i| (labels[*i].0 * 10.0) as i64);
    let mut ends = vec![f64::MIN; rows];
    let mut out = vec![None; labels.len()];
    for i in order {
        let (want, width) = labels[i];
        let left = want.min(hi - width).max(lo);
        if let Some(row) = ends.iter().position(|end| left >= end + 6.0) {
            ends[row] = left + width;
            out[i] = Some((row, left));
        }
    }
    out
}

/// About how wide a label of `text` is at the picture's 10.5 px.
fn text_w(text: &str) -> f64 {
    text.chars().count() as f64 * 6.3
}

fn num(v: f64) -> String {
    format!("{v:.1}")
}

/// The geometry of one drawing.
struct Frame {
    width: f64,
    left: f64,
    right: f64,
    /// The top and bottom of the rows plot.
    plot_top: f64,
    plot_bottom: f64,
    max_rows: u64,
}

impl Frame {
    fn y(&self, rows: u64) -> f64 {
        self.plot_bottom - rows as f64 / self.max_rows as f64 * (self.plot_bottom - self.plot_top)
    }
}

/// Rows of labels above the plot (backups) and below it (disasters and restores).
const TOP_ROWS: usize = 3;
const BOTTOM_ROWS: usize = 2;
const ROW_H: f64 = 14.0;

/// One database's line as an SVG path: a step line (rows change at a moment and hold).
fn step_path(s: &Series, axis: &Axis, f: &Frame) -> String {
    let mut d = String::new();
    let mut last_y = None;
    for (at, rows) in &s.steps {
        let (x, y) = (axis.x(*at), f.y(*rows));
        match last_y {
            None => d.push_str(&format!("M{},{}", num(x), num(y))),
            Some(prev) => d.push_str(&format!(
                " L{},{} L{},{}",
                num(x),
                num(prev),
                num(x),
                num(y)
            )),
        }
        last_y = Some(y);
    }
    if let Some(y) = last_y {
        d.push_str(&format!(" L{},{}", num(axis.x(s.end_ms)), num(y)));
    }
    d
}

/// The lines, one per database; a gone one ends with a cross.
fn lines_svg(series: &[Series], axis: &Axis, f: &Frame) -> Html {
    series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let now = s.steps.last().map_or(0, |p| p.1);
            let (ex, ey) = (axis.x(s.end_ms), f.y(now));
            let title = format!(
                "{}: {}{}",
                s.container,
                rows_text(now),
                if s.gone { " when last seen (gone)" } else { " now" }
            );
            html! {
                <g class={classes!("bk-series", format!("bk-s{}", i % 4))} data-testid="backups-series-line" data-container={s.container.clone()}>
                    <title>{title}</title>
                    <path class="bk-line" d={step_path(s, axis, f)} />
                    if s.gone {
                        <path class="bk-gone" d={format!("M{},{} l6,6 m0,-6 l-6,6", num(ex - 3.0), num(ey - 3.0))} />
                    }
                </g>
            }
        })
        .collect()
}

/// The shaded ranges of the last restore: rows it recovered (up to its newest row), rows lost
/// (from there to the disaster); and the time to restore as a bracket under the plot.
fn measured_svg(m: &Measured, axis: &Axis, f: &Frame, took_y: f64, start_ms: Millis) -> Html {
    let (top, h) = (f.plot_top, f.plot_bottom - f.plot_top);
    let dx = axis.x(m.disaster_ms);
    let bands = m.newest_row_ms.map(|newest| {
        let nx = axis.x(newest);
        let sx = axis.x(start_ms);
        let lost = format!(
            "data lost: {}",
            compact(m.objectives.data_lost_ms.unwrap_or(0))
        );
        let lost_x = ((nx + dx) / 2.0 - text_w(&lost) / 2.0)
            .min(f.width - f.right - text_w(&lost))
            .max(f.left);
        html! {
            <>
                <g class="bk-recovered" data-testid="backups-recovered">
                    <title>{format!("Recovered: the rows written up to {} came back", when(newest))}</title>
                    <rect x={num(sx)} y={num(top)} width={num((nx - sx).max(0.0))} height={num(h)} />
                    if nx - sx > 70.0 {
                        <text class="bk-band-label" x={num(sx + 4.0)} y={num(top + 12.0)}>{"recovered"}</text>
                    }
                </g>
                <g class="bk-lost" data-testid="backups-lost">
                    <title>{format!("Lost: the rows written from {} to the disaster at {}", when(newest), when(m.disaster_ms))}</title>
                    <rect x={num(nx)} y={num(top)} width={num((dx - nx).max(0.0))} height={num(h)} />
                    <text class="bk-band-label bk-lost-label" x={num(lost_x)} y={num(top + 12.0)}>{lost}</text>
                </g>
            </>
        }
    });
    let rx = axis.x(m.restore_ms);
    let took = format!("time to restore: {}", compact(m.objectives.restore_took_ms));
    let took_x = ((dx + rx) / 2.0 - text_w(&took) / 2.0)
        .min(f.width - f.right - text_w(&took))
        .max(f.left);
    html! {
        <>
            {bands.unwrap_or_default()}
            <g class="bk-took" data-testid="backups-took">
                <path d={format!("M{},{} L{},{} L{},{} L{},{}", num(dx), num(took_y - 5.0), num(dx), num(took_y), num(rx), num(took_y), num(rx), num(took_y - 5.0))} />
                <text x={num(took_x)} y={num(took_y + 12.0)}>{took}</text>
            </g>
        </>
    }
}

/// The backups: a mark on the data at each one's time and rows, labelled above the plot.
fn marks_svg(marks: &[BackupMark], axis: &Axis, f: &Frame) -> Html {
    let texts: Vec<String> = marks.iter().map(mark_text).collect();
    let wanted: Vec<(f64, f64)> = marks
        .iter()
        .zip(&texts)
        .map(|(m, t)| (axis.x(m.at_ms) - 6.0, text_w(t)))
        .collect();
    let placed = place(&wanted, TOP_ROWS, f.left - 30.0, f.width - 4.0);
    marks
        .iter()
        .zip(texts)
        .zip(placed)
        .enumerate()
        .map(|(i, ((m, text), at))| {
            let (x, y) = (axis.x(m.at_ms), f.y(m.rows));
            let title = format!(
                "Backup {}: {} at {}, {} {}{}",
                i + 1,
                m.tool,
                when(m.at_ms),
                rows_text(m.rows),
                written_to(&m.path),
                if m.consistent {
                    ""
                } else {
                    " (a file copy of a running database: it may not restore)"
                }
            );
            let label = at.map(|(row, left)| {
                let ly = 12.0 + ROW_H * row as f64;
                html! {
                    <>
                        <path class="bk-leader" d={format!("M{},{} L{},{}", num(x), num(ly + 3.0), num(x), num(y - 6.0))} />
                        <text class="bk-mark-label" x={num(left)} y={num(ly)}>{text}</text>
                    </>
                }
            });
            html! {
                <g class={classes!("bk-mark", (!m.consistent).then_some("live"))} data-testid="backup-mark"
                    data-tool={m.tool.clone()} data-rows={m.rows.to_string()} data-consistent={m.consistent.to_string()}>
                    <title>{title}</title>
                    {label.unwrap_or_default()}
                    <circle cx={num(x)} cy={num(y)} r="5" />
                </g>
            }
        })
        .collect()
}

/// The disasters (red lines) and the restores (a mark at the rows they left, an arrow from the
/// backup each replayed), labelled under the plot.
fn events_svg(backups: &Backups, axis: &Axis, f: &Frame) -> Html {
    // Labels first, disasters and restores together, so they share the rows under the plot.
    let mut texts: Vec<(f64, String)> = backups
        .disasters
        .iter()
        .map(|d| (axis.x(d.at_ms), d.what.clone()))
        .collect();
    texts.extend(
        backups
            .restores
            .iter()
            .map(|r| (axis.x(r.at_ms), format!("restore: {}", rows_text(r.rows)))),
    );
    let wanted: Vec<(f64, f64)> = texts.iter().map(|(x, t)| (x - 4.0, text_w(t))).collect();
    let placed = place(&wanted, BOTTOM_ROWS, f.left - 30.0, f.width - 4.0);
    let label_y = |row: usize| f.plot_bottom + 16.0 + ROW_H * row as f64;
    let n = backups.disasters.len();
    let disasters: Html = backups
        .disasters
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let x = axis.x(d.at_ms);
            let bottom = placed[i].map_or(f.plot_bottom, |(row, _)| label_y(row) - 10.0);
            html! {
                <g class="bk-disaster" data-testid="backup-disaster" data-what={d.what.clone()}>
                    <title>{format!("Disaster at {}: {}", when(d.at_ms), d.what)}</title>
                    <line x1={num(x)} x2={num(x)} y1={num(f.plot_top - 4.0)} y2={num(bottom)} />
                    if let Some((row, left)) = placed[i] {
                        <text x={num(left)} y={num(label_y(row))}>{truncate(&d.what, 28)}</text>
                    }
                </g>
            }
        })
        .collect();
    let restores: Html = backups
        .restores
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (x, y) = (axis.x(r.at_ms), f.y(r.rows));
            let from = r.from.and_then(|k| backups.marks.get(k).map(|m| (k, m)));
            let arrow = from.map(|(_, m)| {
                let (bx, by) = (axis.x(m.at_ms), f.y(m.rows));
                let lift = (by.min(y) - 26.0).max(f.plot_top - 10.0);
                html! {
                    <>
                        <path class="bk-arrow" d={format!("M{},{} C{},{} {},{} {},{}", num(bx), num(by - 6.0), num(bx), num(lift), num(x), num(lift), num(x), num(y - 9.0))} />
                        <path class="bk-arrowhead" d={format!("M{},{} l-4,-7 l8,0 Z", num(x), num(y - 6.0))} />
                    </>
                }
            });
            let title = format!(
                "Restore into {} at {}: {}{}",
                r.container,
                when(r.at_ms),
                rows_text(r.rows),
                match from {
                    Some((k, m)) => format!(", from backup {} ({} at {})", k + 1, m.tool, when(m.at_ms)),
                    None => ", from a file this page did not see written".to_string(),
                }
            );
            let label = placed[n + i].map(|(row, left)| {
                let ly = label_y(row);
                html! {
                    <>
                        <path class="bk-leader" d={format!("M{},{} L{},{}", num(x), num(y + 7.0), num(x), num(ly - 10.0))} />
                        <text x={num(left)} y={num(ly)}>{format!("restore: {}", rows_text(r.rows))}</text>
                    </>
                }
            });
            html! {
                <g class="bk-restore" data-testid="backup-restore" data-container={r.container.clone()}
                    data-from={r.from.map(|k| k.to_string()).unwrap_or_default()}>
                    <title>{title}</title>
                    {arrow.unwrap_or_default()}
                    {label.unwrap_or_default()}
                    <path class="bk-diamond" d={format!("M{},{} l6,6 l-6,6 l-6,-6 Z", num(x), num(y - 6.0))} />
                </g>
            }
        })
        .collect();
    html! { <>{disasters}{restores}</> }
}

/// The time ticks: the last moment (now) always, then from the left each that has room.
fn ticks_svg(axis: &Axis, y: f64, f: &Frame) -> Html {
    let keys: Vec<(Millis, f64)> = axis.keys().collect();
    let Some(&(last_ms, last_x)) = keys.last() else {
        return Html::default();
    };
    let last_text = when(last_ms);
    let last_left = (last_x - text_w(&last_text) / 2.0).min(f.width - 4.0 - text_w(&last_text));
    // Moments within the same second read the same: one label for them.
    let mut said = vec![last_text.clone()];
    let mut shown = vec![(last_left, last_text)];
    let mut end = f64::MIN;
    for &(at, x) in &keys[..keys.len() - 1] {
        let text = when(at);
        let left = (x - text_w(&text) / 2.0).max(2.0);
        if left >= end + 8.0 && left + text_w(&text) + 8.0 <= last_left && !said.contains(&text) {
            end = left + text_w(&text);
            said.push(text.clone());
            shown.push((left, text));
        }
    }
    let marks: Html = keys
        .iter()
        .map(|(_, x)| html! { <line class="bk-tick" x1={num(*x)} x2={num(*x)} y1={num(f.plot_bottom)} y2={num(f.plot_bottom + 4.0)} /> })
        .collect();
    let labels: Html = shown
        .into_iter()
        .map(|(left, text)| html! { <text class="bk-axis" x={num(left)} y={num(y)}>{text}</text> })
        .collect();
    html! { <>{marks}{labels}</> }
}

/// The picture's text alternative: what the lines, marks and ranges say.
fn summary(world: &World, series: &[Series], m: Option<&Measured>) -> String {
    let b = &world.backups;
    let mut parts: Vec<String> = series
        .iter()
        .map(|s| {
            let rows = s.steps.last().map_or(0, |p| p.1);
            format!(
                "{} holds {}{}",
                s.container,
                rows_text(rows),
                if s.gone { " (gone)" } else { "" }
            )
        })
        .collect();
    parts.extend(
        b.marks
            .iter()
            .map(|k| format!("backup at {}: {}", when(k.at_ms), mark_text(k))),
    );
    parts.extend(
        b.disasters
            .iter()
            .map(|d| format!("disaster at {}: {}", when(d.at_ms), d.what)),
    );
    parts.extend(b.restores.iter().map(|r| {
        format!(
            "restore at {} into {}: {}{}",
            when(r.at_ms),
            r.container,
            rows_text(r.rows),
            r.from
                .and_then(|k| b.marks.get(k))
                .map(|k| format!(" from the {} of {}", k.tool, when(k.at_ms)))
                .unwrap_or_default()
        )
    }));
    if let Some(m) = m {
        if let Some(lost) = m.objectives.data_lost_ms {
            parts.push(format!("data lost: {}", compact(lost)));
        }
        parts.push(format!(
            "time to restore: {}",
            compact(m.objectives.restore_took_ms)
        ));
    }
    format!("Rows over time. {}.", parts.join("; "))
}

/// The time line: rows per database, backups, disasters, restores and what the last one cost.
#[function_component(BackupsTimeline)]
pub fn backups_timeline(props: &BackupsProps) -> Html {
    let world = &props.world;
    let b = &world.backups;
    let series = series(world);
    if series.is_empty() && b.marks.is_empty() && b.disasters.is_empty() && b.restores.is_empty() {
        return html! {
            <p class="bk-empty" data-testid="backups-empty">
                {"No database yet. Run PostgreSQL on a volume ("}
                <code>{"docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16"}</code>
                {"), let an app write ("}<code>{"!writes start db events 1/m"}</code>
                {"), take a backup, break something, restore: its rows over time, each backup, disaster and restore appear here."}
            </p>
        };
    }
    let width = if props.narrow { 420.0 } else { 720.0 };
    let measured = measured(b);
    let max_rows = series
        .iter()
        .flat_map(|s| s.steps.iter().map(|p| p.1))
        .chain(b.marks.iter().map(|m| m.rows))
        .chain(b.restores.iter().map(|r| r.rows))
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_top = 12.0 + ROW_H * TOP_ROWS as f64;
    let f = Frame {
        width,
        left: 46.0,
        right: 14.0,
        plot_top,
        plot_bottom: plot_top + if props.narrow { 120.0 } else { 140.0 },
        max_rows,
    };
    let axis = Axis::new(key_times(world, &series), f.left, f.width - f.right);
    let start_ms = axis.keys().next().map_or(0, |k| k.0);
    let took_y = f.plot_bottom + 12.0 + ROW_H * BOTTOM_ROWS as f64;
    let axis_y = took_y + if measured.is_some() { 34.0 } else { 4.0 };
    let height = axis_y + 8.0;
    let grid: Html = [0, max_rows]
        .iter()
        .map(|rows| {
            html! {
                <g class="bk-grid">
                    <line x1={num(f.left)} x2={num(f.width - f.right)} y1={num(f.y(*rows))} y2={num(f.y(*rows))} />
                    <text x={num(f.left - 6.0)} y={num(f.y(*rows) + 4.0)} text-anchor="end">{rows.to_string()}</text>
                </g>
            }
        })
        .collect();
    html! {
        <svg class="picture-svg bk-svg" data-testid="backups-timeline" viewBox={format!("0 0 {width} {height:.0}")}
            role="img" aria-label={summary(world, &series, measured.as_ref())}>
            {measured.as_ref().map(|m| measured_svg(m, &axis, &f, took_y, start_ms)).unwrap_or_default()}
            {grid}
            <text class="bk-unit" x={num(f.left - 6.0)} y={num(f.y(max_rows) - 10.0)} text-anchor="end">{"rows"}</text>
            {lines_svg(&series, &axis, &f)}
            {events_svg(b, &axis, &f)}
            {marks_svg(&b.marks, &axis, &f)}
            {ticks_svg(&axis, axis_y, &f)}
        </svg>
    }
}

/// Each database's line, named, with the rows it holds (the colours of the time line).
fn series_legend(series: &[Series]) -> Html {
    if series.is_empty() {
        return Html::default();
    }
    let items: Html = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let rows = s.steps.last().map_or(0, |p| p.1);
            html! {
                <li class={format!("bk-s{}", i % 4)} data-testid="backups-series">
                    <span class="bk-swatch" aria-hidden="true"></span>
                    <code>{truncate(&s.container, 28)}</code>
                    {format!(" {}{}", rows_text(rows), if s.gone { ", gone" } else { "" })}
                </li>
            }
        })
        .collect();
    html! { <ul class="bk-series-list" aria-label="Databases on the time line">{items}</ul> }
}

/// Where each copy of the data lives: the volumes and the backup files, by place.
#[function_component(BackupCopies)]
pub fn backup_copies(props: &BackupsProps) -> Html {
    let world = &props.world;
    let copies = backup::copies(world);
    let volumes: Html = world
        .engine
        .volumes
        .values()
        .map(|v| {
            let users: Vec<&str> = world
                .engine
                .containers
                .values()
                .filter(|c| c.fs.volume_names().any(|n| n == v.name))
                .map(|c| c.name.as_str())
                .collect();
            let used = if users.is_empty() {
                "not mounted".to_string()
            } else {
                format!("mounted by {}", users.join(", "))
            };
            html! {
                <li class="bk-copy bk-live-data" data-testid="backup-volume" data-name={v.name.clone()}>
                    <span class="bk-kind">{"volume"}</span>
                    <code>{truncate(v.short_name(), 24)}</code>
                    <span class="bk-size">{human_size(v.size_bytes())}</span>
                    <span class="bk-what">{format!("live data · {used}")}</span>
                </li>
            }
        })
        .collect();
    let copy = |c: &backup::Copy| {
        let mark = c.mark.and_then(|k| world.backups.marks.get(k));
        let what = match mark {
            Some(m) => format!("{} at {} · {}", m.tool, when(m.at_ms), rows_text(m.rows)),
            None => "a backup file this page did not see written".to_string(),
        };
        let live = mark.is_some_and(|m| !m.consistent);
        html! {
            <li class={classes!("bk-copy", live.then_some("live"))} data-testid="backup-copy" data-path={c.path.clone()}>
                <span class="bk-kind">{"file"}</span>
                <code>{short_path(&c.path)}</code>
                <span class="bk-size">{human_size(c.size_bytes)}</span>
                <span class="bk-what">{what}</span>
                if live {
                    <span class="bk-warn">{"live copy of a running database: it may not restore"}</span>
                }
            </li>
        }
    };
    let here: Html = copies
        .iter()
        .filter(|c| c.place == Place::SameDisk)
        .map(copy)
        .collect();
    let away: Vec<Html> = copies
        .iter()
        .filter(|c| c.place == Place::OffSite)
        .map(copy)
        .collect();
    let other_disk: Vec<Html> = copies
        .iter()
        .filter(|c| c.place == Place::OtherDisk)
        .map(copy)
        .collect();
    let show_second_disk = !other_disk.is_empty() || !world.fs.mounts.is_empty();
    let nothing_here = world.engine.volumes.is_empty() && copies.is_empty();
    html! {
        <div class="bk-places" data-testid="backups-copies">
            <section class="bk-place" aria-labelledby="bk-here-h">
                <h4 id="bk-here-h">{"This host's disk"}</h4>
                if nothing_here {
                    <p class="bk-none">{"Nothing yet."}</p>
                } else {
                    <ul class="bk-copies">{volumes}{here}</ul>
                }
            </section>
            if show_second_disk {
                {second_disk(world, other_disk)}
            }
            <section class="bk-place bk-offsite" aria-labelledby="bk-away-h">
                <h4 id="bk-away-h">{"Off-site"}</h4>
                if away.is_empty() {
                    <p class="bk-none">{"Nothing: losing this host's disk loses every copy."}</p>
                } else {
                    <ul class="bk-copies">{for away}</ul>
                }
            </section>
        </div>
    }
}

/// The host's second disk: whether it is mounted (and so reachable), and the copies on it.
fn second_disk(world: &World, copies: Vec<Html>) -> Html {
    let state = match world
        .fs
        .mounts
        .iter()
        .find(|(_, m)| m.device == crate::sim::hostfs::SECOND_DISK)
    {
        Some((point, m)) if m.read_only => format!("mounted read-only on {point}"),
        Some((point, _)) => {
            format!("mounted read-write on {point}: writable by anything on this host")
        }
        None => "not mounted: out of this host's reach".to_string(),
    };
    html! {
        <section class="bk-place" aria-labelledby="bk-disk2-h" data-testid="backups-second-disk">
            <h4 id="bk-disk2-h">{"Second disk (/dev/sdb1)"}</h4>
            <p class="bk-none">{state}</p>
            if !copies.is_empty() {
                <ul class="bk-copies">{for copies}</ul>
            }
        </section>
    }
}

/// The 3-2-1 rule, counted from the copies: three lines, each ticked or crossed.
#[function_component(Rule321View)]
pub fn rule_321_view(props: &BackupsProps) -> Html {
    let r = backup::rule_321(&props.world);
    let backups = r.copies.saturating_sub(1);
    let lines = [
        (
            r.copies >= 3,
            "3 copies of the data",
            format!(
                "{} now: the live data and {backups} backup{}",
                r.copies,
                if backups == 1 { "" } else { "s" }
            ),
        ),
        (
            r.media >= 2,
            "2 different media",
            if r.media == 1 {
                "1 now: everything is on this host's system disk".to_string()
            } else {
                format!("{} now", r.media)
            },
        ),
        (
            r.offsite >= 1,
            "1 copy off-site",
            format!("{} now", r.offsite),
        ),
    ];
    let items: Html = lines
        .into_iter()
        .map(|(ok, rule, now)| {
            html! {
                <li class={classes!("bk-rule-line", if ok { "ok" } else { "no" })} data-testid="rule-321-line" data-ok={ok.to_string()}>
                    <span class="bk-tick-mark" aria-hidden="true">{if ok { "✓" } else { "✗" }}</span>
                    <span class="visually-hidden">{if ok { "met: " } else { "not met: " }}</span>
                    <strong>{rule}</strong>{format!(" · {now}")}
                </li>
            }
        })
        .collect();
    html! {
        <div class="bk-rule" data-testid="rule-321" data-holds={r.holds().to_string()}>
            <ul aria-label="The 3-2-1 rule">{items}</ul>
            <p class={classes!("bk-rule-verdict", if r.holds() { "ok" } else { "no" })}>
                {if r.holds() { "3-2-1 holds." } else { "3-2-1 fails." }}
            </p>
        </div>
    }
}

/// Beside the picture: the objectives as measured, the application writing, a legend.
#[function_component(BackupsSide)]
pub fn backups_side(props: &BackupsProps) -> Html {
    let world = &props.world;
    let b = &world.backups;
    let objectives = match measured(b) {
        None => html! {
            <p class="bk-none">{"No restore after a disaster yet. The data lost (RPO) and the time to restore (RTO) are measured from a real restore here, not promised."}</p>
        },
        Some(m) => {
            let lost = match (m.objectives.data_lost_ms, m.newest_row_ms) {
                (Some(lost), Some(newest)) => format!(
                    "{}: the newest row it brought back was written at {}, the disaster came at {}.",
                    compact(lost),
                    when(newest),
                    when(m.disaster_ms)
                ),
                _ => "not measurable: the restored rows carry no write time (an app started with !writes start stamps each row's created_at).".to_string(),
            };
            let restore = &b.restores[m.restore];
            let from = restore
                .from
                .and_then(|k| b.marks.get(k))
                .map(|k| format!("the {} of {}", k.tool, when(k.at_ms)))
                .unwrap_or_else(|| "a file this page did not see written".to_string());
            html! {
                <dl class="bk-objectives">
                    <dt>{"Data lost (RPO, measured)"}</dt>
                    <dd data-testid="backups-rpo">{lost}</dd>
                    <dt>{"Time to restore (RTO, measured)"}</dt>
                    <dd data-testid="backups-rto">{format!("{}: from the disaster at {} to the end of the restore at {}.",
                        compact(m.objectives.restore_took_ms), when(m.disaster_ms), when(m.restore_ms))}</dd>
                    <dt>{"The restore"}</dt>
                    <dd>{format!("{} into {} from {from}.", rows_text(restore.rows), restore.container)}</dd>
                </dl>
            }
        }
    };
    let writer = match &b.writer {
        Some(w) => format!(
            "An app writes one row into {} on {} every {}: {} written so far.",
            w.table,
            w.container,
            compact(w.every_ms),
            w.written
        ),
        None => "No application is writing (!writes start db events 1/m starts one).".to_string(),
    };
    let key = |class: &'static str, shape: Html, text: &'static str| {
        html! {
            <li>
                <svg class={classes!("bk-key", class)} viewBox="0 0 22 14" aria-hidden="true">{shape}</svg>
                {text}
            </li>
        }
    };
    html! {
        <div class="bk-side">
            <div data-testid="backups-objectives">{objectives}</div>
            <p class="bk-writer" data-testid="backups-writer">{writer}</p>
            <ul class="bk-legend" aria-label="Legend">
                {key("bk-s0", html! { <path class="bk-line" d="M1,11 L8,11 L8,4 L21,4" /> }, "a database's rows over time")}
                {key("bk-mark", html! { <circle cx="11" cy="7" r="5" /> }, "a backup (its tool and rows above)")}
                {key("bk-mark live", html! { <circle cx="11" cy="7" r="5" /> }, "a live copy: files of a running database")}
                {key("bk-disaster", html! { <line x1="11" x2="11" y1="0" y2="14" /> }, "a disaster")}
                {key("bk-restore", html! { <><path class="bk-arrow" d="M1,12 C1,1 11,1 11,4" /><path class="bk-diamond" d="M11,3 l5,5 l-5,5 l-5,-5 Z" /></> }, "a restore, with an arrow from the backup it replayed")}
                {key("bk-recovered", html! { <rect x="1" y="1" width="20" height="12" /> }, "rows the last restore brought back")}
                {key("bk-lost", html! { <rect x="1" y="1" width="20" height="12" /> }, "rows lost: written after the newest row it brought back, before the disaster")}
            </ul>
        </div>
    }
}

/// Page 12: the data's time line, where its copies live and the 3-2-1 rule; beside it, the
/// measured objectives, the writer and a legend.
pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use crate::ui::panel::Panel;
    let world = &stage.world;
    let picture = html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading="Backups: which one brought back which data" hint="arrow: the backup a restore replayed">
            <div class="bk-picture">
                <BackupsTimeline world={world.clone()} narrow={stage.narrow} />
                {series_legend(&series(world))}
                <h3 class="bk-sub">{"Where each copy lives"}</h3>
                <BackupCopies world={world.clone()} />
                <h3 class="bk-sub">{"The 3-2-1 rule"}</h3>
                <Rule321View world={world.clone()} />
            </div>
        </Panel>
    };
    let side = html! {
        <Panel class="diagram-panel" testid="backups-side" heading_id="backups-side-h" heading="Recovery, measured">
            <BackupsSide world={world.clone()} />
        </Panel>
    };
    (picture, side)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::input::{Fault, Input};
    use crate::sim::testkit::{run, submit, wait};

    fn fault(w: &mut World, text: &str) {
        submit(w, Input::Fault(Fault::parse(text).expect("a fault")));
    }

    #[test]
    fn durations_read_like_the_scenario_sentences() {
        assert_eq!(compact(250), "250ms");
        assert_eq!(compact(2_000), "2s");
        assert_eq!(compact(1_500), "1.5s");
        assert_eq!(compact(6 * HOUR_MS), "6h");
        assert_eq!(compact(6 * HOUR_MS + 5_000), "6h");
        assert_eq!(compact(90 * MINUTE_MS), "1h30m");
        assert_eq!(compact(DAY_MS + 3 * HOUR_MS), "1d3h");
        assert_eq!(compact(61 * SECOND_MS), "1m1s");
    }

    #[test]
    fn times_of_day_name_the_weekday_after_the_first() {
        assert_eq!(when(0), "09:00");
        assert_eq!(when(7_000), "09:00:07");
        assert_eq!(when(18 * HOUR_MS), "Tue 03:00");
    }

    #[test]
    fn the_axis_gives_close_events_room_and_keeps_time_in_order() {
        let axis = Axis::new(
            vec![0, 18 * HOUR_MS, 24 * HOUR_MS, 24 * HOUR_MS + 2_000],
            0.0,
            600.0,
        );
        let xs: Vec<f64> = axis.keys().map(|k| k.1).collect();
        assert_eq!(xs.first(), Some(&0.0));
        assert!((xs[3] - 600.0).abs() < 1e-6, "{xs:?}");
        assert!(xs[3] - xs[2] >= MIN_GAP - 1e-6, "{xs:?}");
        // Long stretches keep their proportions: 18 h is wider than 6 h.
        assert!(xs[1] - xs[0] > 2.0 * (xs[2] - xs[1]), "{xs:?}");
        // Between keys, linear; outside, clamped.
        assert!((axis.x(9 * HOUR_MS) - xs[1] / 2.0).abs() < 1e-6);
        assert_eq!(axis.x(99 * HOUR_MS), xs[3]);
    }

    #[test]
    fn labels_without_room_are_left_out() {
        let placed = place(&[(0.0, 50.0), (10.0, 50.0), (20.0, 50.0)], 2, 0.0, 500.0);
        assert_eq!(placed[0], Some((0, 0.0)));
        assert_eq!(placed[1], Some((1, 10.0)));
        assert_eq!(placed[2], None);
    }

    /// tests/backups.rs's measure: a row an hour from 09:00, a dump at 03:00, the table dropped
    /// at 09:00 and restored from the dump: the lost range runs from the newest row restored to
    /// the disaster, and the restore's arrow comes from the dump.
    #[test]
    fn the_last_restore_shows_the_range_it_lost_and_the_backup_it_replayed() {
        let mut w = World::new(60);
        run(
            &mut w,
            "docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16",
        );
        wait(&mut w, 5_000);
        fault(&mut w, "writes start db events 1/h");
        wait(&mut w, 18 * HOUR_MS);
        run(
            &mut w,
            "docker exec db pg_dump -U postgres -Fc postgres > nightly.dump",
        );
        wait(&mut w, 6 * HOUR_MS);
        fault(&mut w, "drop-table events");
        run(
            &mut w,
            "docker exec -i db pg_restore -U postgres -d postgres < nightly.dump",
        );
        let b = &w.backups;
        let m = measured(b).expect("a restore after a disaster");
        assert_eq!(m.objectives, b.objectives().unwrap());
        assert_eq!(m.disaster_ms, b.disasters[0].at_ms);
        assert_eq!(m.newest_row_ms, b.restores[0].newest_row_ms);
        assert_eq!(compact(m.objectives.data_lost_ms.unwrap()), "6h");
        assert_eq!(b.restores[0].from, Some(0));
        assert_eq!(b.marks[0].tool, "pg_dump -Fc");
        let lines = series(&w);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].container, "db");
        assert!(!lines[0].gone);
        // The line climbs a row an hour, drops to none at the disaster, and comes back.
        let rows: Vec<u64> = lines[0].steps.iter().map(|s| s.1).collect();
        assert_eq!(rows.iter().max(), Some(&24), "{rows:?}");
        assert_eq!(rows[rows.len() - 2..], [0, 18], "{rows:?}");
        let text = summary(&w, &lines, Some(&m));
        assert!(text.contains("data lost: 6h"), "{text}");
        assert!(text.contains("from the pg_dump -Fc of Tue 03:00"), "{text}");
    }

    /// The page's first scenario: a volume is deleted with its container; that line ends at the
    /// disaster, and the copy list shows the archive.
    #[test]
    fn a_deleted_volume_ends_its_databases_line_and_the_archive_stays() {
        let mut w = World::new(12);
        run(
            &mut w,
            "docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16",
        );
        wait(&mut w, 5_000);
        run(
            &mut w,
            "docker exec db psql -U postgres -c \"CREATE TABLE notes (id int, body text)\"",
        );
        run(
            &mut w,
            "docker exec db psql -U postgres -c \"INSERT INTO notes VALUES (1, 'a'), (2, 'b')\"",
        );
        run(&mut w, "docker stop db");
        run(
            &mut w,
            "docker run --rm -v pgdata:/data:ro -v \"$(pwd)\":/backup alpine tar czf /backup/pgdata.tar.gz -C /data .",
        );
        fault(&mut w, "delete-volume pgdata");
        let lines = series(&w);
        let db = lines
            .iter()
            .find(|s| s.container == "db")
            .expect("db's line");
        assert!(db.gone);
        assert_eq!(db.end_ms, w.backups.disasters[0].at_ms);
        let copies = backup::copies(&w);
        assert_eq!(copies.len(), 1);
        assert_eq!(short_path(&copies[0].path), "~/app/pgdata.tar.gz");
        assert_eq!(copies[0].mark, Some(0));
        assert!(w.backups.marks[0].consistent);
        assert_eq!(w.backups.marks[0].rows, 2);
    }
}
