//! The images-layers picture: the last build instruction by instruction, the image's layer stack,
//! and the sizes that explain it (build context, stages, shared layers).
//!
//! Real systems: BuildKit runs a Dockerfile step by step; each RUN/COPY/ADD/WORKDIR step is
//! looked up in the build cache and either reused (`CACHED`) or run, and the first miss forces
//! every later step of the stage to run again. An image is a stack of content-addressed layers;
//! images built on the same base share its layers on disk. We draw the Dockerfile as a list with a
//! badge per instruction (CACHED, built, config, not reached, skipped) and the reason of each miss;
//! next to it the resulting image's layers as a stack whose bar heights follow the layer sizes
//! (a minimum height keeps the tiny ones visible), base layers marked with the other images that
//! share them. The side panel compares the build context with and without `.dockerignore`, each
//! stage with the final image, and `docker images` with what the disk holds. What we simplify:
//! sizes are the simulation's estimates; all data comes from `World` (builder report and image
//! store), no simulation logic lives here.

use std::rc::Rc;

use yew::prelude::*;

use super::truncate;
use crate::sim::docker::build::{BuildReport, StepStatus};
use crate::sim::docker::image::human_size;
use crate::sim::docker::images::Image;
use crate::sim::hostfs::Entry;
use crate::sim::record::Record;
use crate::sim::world::World;

const W: i32 = 780;
const ROW_H: i32 = 22;
const LIST_W: i32 = 470;
const STACK_X: i32 = 500;
const STACK_W: i32 = 260;
const STACK_H: i32 = 300;

#[derive(Properties, PartialEq)]
pub struct ImagesProps {
    pub world: super::WorldRef,
    pub last: Option<Rc<Record>>,
}

fn badge(status: StepStatus) -> (&'static str, &'static str) {
    match status {
        StepStatus::Cached => ("CACHED", "il-cached"),
        StepStatus::Built => ("built", "il-built"),
        StepStatus::Config => ("config", "il-config"),
        StepStatus::NotReached => ("not reached", "il-notreached"),
        StepStatus::Failed => ("failed", "il-failed"),
        StepStatus::Skipped => ("skipped", "il-skipped"),
    }
}

/// The image the picture shows: the last build's, else the newest image.
fn shown_image<'a>(world: &'a World, report: Option<&BuildReport>) -> Option<&'a Image> {
    let store = &world.engine.images;
    report
        .and_then(|r| r.image_id.as_ref())
        .and_then(|id| store.by_id.get(id))
        .or_else(|| store.by_id.values().max_by_key(|i| i.seq))
}

/// The Dockerfile, instruction by instruction, with the cache badges.
fn dockerfile_rows(report: &BuildReport) -> (Html, i32) {
    let mut y = 10;
    let mut rows = Vec::new();
    let first_miss = report.first_miss().map(|s| (s.line, s.text.clone()));
    for stage in &report.stages {
        let head = if stage.name.is_empty() {
            format!("FROM {}", stage.base)
        } else {
            format!("FROM {} AS {}", stage.base, stage.name)
        };
        let note = if !stage.needed {
            " · not needed, skipped".to_string()
        } else if stage.is_final {
            format!(" · final image {}", human_size(stage.size_bytes))
        } else {
            format!(" · build stage {}", human_size(stage.size_bytes))
        };
        rows.push(html! {
            <g class={classes!("il-stage", (!stage.needed).then_some("il-dim"))} transform={format!("translate(0,{y})")}>
                <text class="il-stage-text" x="8" y="15">{truncate(&head, 44)}</text>
                <text class="il-small" x={(LIST_W - 8).to_string()} y="15" text-anchor="end">{note}</text>
            </g>
        });
        y += ROW_H + 2;
        for step in &stage.steps {
            let (label, class) = badge(step.status);
            let is_first = first_miss
                .as_ref()
                .is_some_and(|(l, t)| *l == step.line && *t == step.text);
            let size = if step.size_bytes > 0 {
                human_size(step.size_bytes)
            } else {
                String::new()
            };
            rows.push(html! {
                <g class={classes!("il-step", class, is_first.then_some("il-first-miss"))}
                    data-testid="build-step" data-status={label} transform={format!("translate(0,{y})")}>
                    <title>{format!("line {}: {} — {}{}", step.line, step.text, label, if step.reason.is_empty() { String::new() } else { format!(" ({})", step.reason) })}</title>
                    <text class="il-line" x="8" y="15">{step.line.to_string()}</text>
                    <text class="il-ins" x="34" y="15">{truncate(&step.text, 40)}</text>
                    <text class="il-small" x={(LIST_W - 92).to_string()} y="15" text-anchor="end">{size}</text>
                    <rect class="il-badge" x={(LIST_W - 86).to_string()} y="3" width="80" height="16" rx="8" />
                    <text class="il-badge-text" x={(LIST_W - 46).to_string()} y="15" text-anchor="middle">{label}</text>
                </g>
            });
            y += ROW_H;
            if matches!(step.status, StepStatus::Built | StepStatus::Failed)
                && !step.reason.is_empty()
                && (is_first || step.status == StepStatus::Failed)
            {
                rows.push(html! {
                    <text class="il-why" data-testid="miss-why" x="34" y={(y + 12).to_string()}>
                        {format!("why: {}", truncate(&step.reason, 70))}
                    </text>
                });
                y += ROW_H - 4;
            }
        }
        y += 6;
    }
    if let Some(error) = &report.error {
        rows.push(html! {
            <text class="il-error" x="8" y={(y + 12).to_string()}>{truncate(&format!("error: {error}"), 78)}</text>
        });
        y += ROW_H;
    }
    (html! { <g>{ for rows }</g> }, y)
}

/// The image's layers, bottom first, heights following their sizes.
fn layer_stack(world: &World, image: &Image) -> Html {
    let layers = image.layers();
    let total: u64 = layers.iter().map(|(_, s)| s).sum::<u64>().max(1);
    let sharing = world.engine.images.sharing_with(&image.id);
    let min_h = 10.0;
    let free = (STACK_H as f64 - min_h * layers.len() as f64).max(40.0);
    let mut y = 40.0 + STACK_H as f64;
    let mut bars = Vec::new();
    // created_by of each layer, from the history.
    let created: Vec<&str> = image
        .history
        .iter()
        .filter(|h| h.layer.is_some())
        .map(|h| h.created_by.as_str())
        .collect();
    for (i, (digest, size)) in layers.iter().enumerate() {
        let h = min_h + free * (*size as f64 / total as f64);
        y -= h;
        let shared_with: Vec<String> = sharing
            .get(*digest)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        let shared = !shared_with.is_empty();
        let label = format!(
            "{} {}",
            human_size(*size),
            truncate(created.get(i).copied().unwrap_or(""), 26)
        );
        bars.push(html! {
            <g class={classes!("il-layer", shared.then_some("il-shared"))} data-testid="layer"
                data-shared={shared.to_string()}>
                <title>{format!("sha256:{}… {} — {}{}", &digest[..12], human_size(*size), created.get(i).copied().unwrap_or(""),
                    if shared { format!("; shared with {}", shared_with.join(", ")) } else { String::new() })}</title>
                <rect x={STACK_X.to_string()} y={format!("{y:.1}")} width={STACK_W.to_string()} height={format!("{:.1}", (h - 2.0).max(2.0))} rx="3" />
                if h >= 13.0 {
                    <text class="il-layer-text" x={(STACK_X + 6).to_string()} y={format!("{:.1}", y + h / 2.0 + 4.0)}>
                        {label}{ if shared { " · shared" } else { "" } }
                    </text>
                }
            </g>
        });
    }
    html! {
        <g data-testid="layer-stack">
            <text class="il-title" x={STACK_X.to_string()} y="18">{truncate(&format!("{} · {} · {} layers", image.display_name(), human_size(image.size_bytes()), layers.len()), 38)}</text>
            <text class="il-small" x={STACK_X.to_string()} y="33">{"bar height ∝ size · blue = shared with another image"}</text>
            { for bars }
        </g>
    }
}

/// The main panel.
#[function_component(ImagesPicture)]
pub fn images_picture(props: &ImagesProps) -> Html {
    let world = &props.world;
    let report = world.builder.last.as_ref();
    let (list, list_h) = match report {
        Some(r) => dockerfile_rows(r),
        None => {
            // No build yet: the project folder.
            let mut rows = vec![html! {
                <text class="il-title" x="8" y="18">{"The project folder (no build yet)"}</text>
            }];
            let mut y = 40;
            if let Ok(entries) = world.fs.list(".") {
                for (name, entry) in entries {
                    let size = match entry {
                        Entry::Dir => "folder".to_string(),
                        other => human_size(other.size_bytes()),
                    };
                    rows.push(html! {
                        <g transform={format!("translate(0,{y})")}>
                            <text class="il-ins" x="8" y="0">{name}</text>
                            <text class="il-small" x="300" y="0">{size}</text>
                        </g>
                    });
                    y += ROW_H;
                }
            }
            rows.push(html! {
                <text class="il-small" x="8" y={(y + 10).to_string()}>{"Write a Dockerfile (cat > Dockerfile <<EOF …), then docker build -t notes-api ."}</text>
            });
            (html! { <g>{ for rows }</g> }, y + 20)
        }
    };
    let stack = match shown_image(world, report) {
        Some(image) => layer_stack(world, image),
        None => html! {
            <text class="il-small" x={STACK_X.to_string()} y="40">{"no image yet"}</text>
        },
    };
    let height = list_h.max(STACK_H + 60);
    html! {
        <svg class="il-svg" viewBox={format!("0 0 {W} {height}")} role="img"
            aria-label="The last build, instruction by instruction, and the image's layers">
            { list }
            { stack }
        </svg>
    }
}

/// One labelled horizontal bar.
fn size_bar(y: i32, label: &str, value: u64, max: u64, class: &'static str) -> Html {
    let width = 300.0 * (value as f64 / max.max(1) as f64);
    html! {
        <g class={classes!("il-bar", class)} transform={format!("translate(0,{y})")}>
            <text class="il-small" x="8" y="13">{label.to_string()}</text>
            <rect x="200" y="2" width={format!("{:.1}", width.max(2.0))} height="14" rx="3" />
            <text class="il-small" x={format!("{:.1}", 206.0 + width.max(2.0))} y="13">{human_size(value)}</text>
        </g>
    }
}

/// The side panel: context, stages, disk.
#[function_component(ImagesSizes)]
pub fn images_sizes(props: &ImagesProps) -> Html {
    let world = &props.world;
    let mut rows = Vec::new();
    let mut y = 6;
    if let Some(r) = world.builder.last.as_ref() {
        let max = r.context_all_bytes.max(1);
        rows.push(html! { <text class="il-title" x="8" y={(y + 12).to_string()}>{"Build context"}</text> });
        y += 22;
        rows.push(size_bar(
            y,
            "the whole folder",
            r.context_all_bytes,
            max,
            "il-bar-all",
        ));
        y += 20;
        rows.push(size_bar(
            y,
            if r.dockerignore {
                "minus .dockerignore"
            } else {
                "no .dockerignore"
            },
            r.context_bytes,
            max,
            "il-bar-ctx",
        ));
        y += 20;
        rows.push(size_bar(
            y,
            "sent (paths COPY uses)",
            r.transferred_bytes,
            max,
            "il-bar-sent",
        ));
        y += 28;
        let needed: Vec<_> = r.stages.iter().filter(|s| s.needed).collect();
        if needed.len() > 1 {
            let max = needed.iter().map(|s| s.size_bytes).max().unwrap_or(1);
            rows.push(html! { <text class="il-title" x="8" y={(y + 12).to_string()}>{"Stages (only the final one is the image)"}</text> });
            y += 22;
            for s in needed {
                let label = format!("{}{}", s.name, if s.is_final { " (final)" } else { "" });
                rows.push(size_bar(
                    y,
                    &label,
                    s.size_bytes,
                    max,
                    if s.is_final {
                        "il-bar-final"
                    } else {
                        "il-bar-stage"
                    },
                ));
                y += 20;
            }
            y += 8;
        }
    }
    let store = &world.engine.images;
    let sum: u64 = store.by_id.values().map(Image::size_bytes).sum();
    let unique: u64 = store.unique_layers().values().sum();
    rows.push(html! { <text class="il-title" x="8" y={(y + 12).to_string()}>{format!("Images on this host: {}", store.len())}</text> });
    y += 22;
    let max = sum.max(1);
    rows.push(size_bar(
        y,
        "docker images adds up to",
        sum,
        max,
        "il-bar-all",
    ));
    y += 20;
    rows.push(size_bar(
        y,
        "disk (shared layers once)",
        unique,
        max,
        "il-bar-ctx",
    ));
    y += 24;
    let cache: u64 = world.builder.cache.values().map(|c| c.size_bytes).sum();
    rows.push(html! {
        <text class="il-small" x="8" y={(y + 10).to_string()}>
            {format!("build cache: {} entries, {}", world.builder.cache.len(), human_size(cache))}
        </text>
    });
    y += 20;
    html! {
        <svg class="il-svg" data-testid="sizes" viewBox={format!("0 0 560 {y}")} role="img"
            aria-label="Build context, stage and disk sizes">
            { for rows }
        </svg>
    }
}

/// The images-layers page: the last build and the image's layers, then the sizes that explain them.
pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use crate::ui::panel::Panel;
    let (world, last) = (&stage.world, &stage.last);
    let picture = html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading="The build, step by step, and the image's layers" hint="sizes are estimates">
            <ImagesPicture world={world.clone()} last={last.clone()} />
        </Panel>
    };
    let sizes = html! {
        <Panel class="diagram-panel" testid="image-sizes" heading_id="sizes-h" heading="Sizes">
            <ImagesSizes world={world.clone()} last={last.clone()} />
        </Panel>
    };
    (picture, sizes)
}
