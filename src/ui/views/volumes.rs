//! The volumes-persistence picture: where each file a container writes really lives.
//!
//! Real Docker: a container's root filesystem is the image plus a thin writable layer (deleted
//! with the container); a named or anonymous volume is a folder under /var/lib/docker/volumes
//! that outlives every container; a bind mount is a folder of the host itself; a tmpfs is host
//! memory, freed when the container stops. We draw the host as a panel with its kernel bar; each
//! container as a card holding its writable layer (a few file names with sizes) and, for each
//! tmpfs, a memory chip; the volumes as cylinders in a row below, wired to the containers that
//! mount them (a dashed wire for read-only) and staying there after those containers are gone;
//! the host's project folder as a folder shape with the bind-mounted subfolders; whatever the
//! last step touched is outlined. We simplify: at most a few files per store, the rest counted;
//! the layout is a grid in creation order.

use std::rc::Rc;

use yew::prelude::*;

use super::truncate;
use crate::sim::docker::container::Container;
use crate::sim::docker::containerfs::{self, Files, Node};
use crate::sim::docker::image::human_size;
use crate::sim::docker::mount::MountKind;
use crate::sim::docker::volume::Volume;
use crate::sim::hostfs;
use crate::sim::record::Record;

const CARD_W: i32 = 230;
const CARD_H: i32 = 168;
const GAP: i32 = 18;
const PAD: i32 = 18;
const HOST_Y: i32 = 12;
const HEADER_H: i32 = 44;
const CYL_W: i32 = 170;
const CYL_H: i32 = 112;
const FOLDER_W: i32 = 230;

#[derive(Properties, PartialEq)]
pub struct VolumesPictureProps {
    pub world: super::WorldRef,
    pub last: Option<Rc<Record>>,
    /// Columns of cards and cylinders: 3 on a wide screen, 2 on a phone.
    pub columns: usize,
}

/// Up to `n` files of a tree as (name, size), the most telling first: a database's tables, then
/// text files, then the rest; and how many there are in all.
fn notable(files: &Files, n: usize) -> (Vec<(String, u64)>, usize, u64) {
    let mut list: Vec<(u8, String, u64)> = files
        .iter()
        .filter(|(_, node)| !matches!(node, Node::Dir))
        .map(|(path, node)| {
            let base = path.rsplit('/').next().unwrap_or(path);
            let is_table =
                path.starts_with("base/") && base.parse::<u32>().is_ok_and(|oid| oid >= 16_384);
            let rank = if is_table {
                0
            } else if matches!(node, Node::File { .. })
                && !base.ends_with(".conf")
                && base != "PG_VERSION"
            {
                1
            } else {
                2
            };
            let label = if is_table {
                let table = match node {
                    Node::File { content } => content
                        .lines()
                        .next()
                        .and_then(|l| l.strip_prefix("relation "))
                        .unwrap_or("")
                        .to_string(),
                    _ => String::new(),
                };
                format!("table {table} ({path})")
            } else {
                path.clone()
            };
            (rank, label, node.size_bytes())
        })
        .collect();
    crate::sim::order::sort(&mut list);
    let count = list.len();
    let total = list.iter().map(|(_, _, s)| *s).sum();
    (
        list.into_iter().take(n).map(|(_, l, s)| (l, s)).collect(),
        count,
        total,
    )
}

/// Lines listing a few files, then "+N more".
fn file_lines(files: &Files, n: usize, x: i32, y: i32, width_chars: usize) -> Html {
    let (shown, count, _) = notable(files, n);
    let mut rows: Vec<Html> = shown
        .iter()
        .enumerate()
        .map(|(i, (name, size))| {
            let text = format!("{} {}", truncate(name, width_chars.saturating_sub(8)), human_size(*size));
            html! { <text class="vp-file" x={x.to_string()} y={(y + 15 * i as i32).to_string()}>{text}<title>{format!("{name} ({} bytes)", size)}</title></text> }
        })
        .collect();
    if count > shown.len() {
        rows.push(html! {
            <text class="vp-more" x={x.to_string()} y={(y + 15 * shown.len() as i32).to_string()}>{format!("+{} more", count - shown.len())}</text>
        });
    }
    if count == 0 {
        rows.push(
            html! { <text class="vp-more" x={x.to_string()} y={y.to_string()}>{"(empty)"}</text> },
        );
    }
    rows.into_iter().collect()
}

fn is_touched(touched: &[String], key: &str) -> bool {
    touched.iter().any(|t| t == key)
}

/// The picture: host, containers with their layers and tmpfs chips, volumes, project folder.
/// Long because it is one SVG picture in one `html!` tree.
#[function_component(VolumesPicture)]
pub fn volumes_picture(props: &VolumesPictureProps) -> Html {
    let world = &props.world;
    let touched: &[String] = props
        .last
        .as_ref()
        .map(|r| r.touched.as_slice())
        .unwrap_or(&[]);
    let mut containers: Vec<&Container> = world.engine.newest_first();
    containers.reverse();
    let volumes: Vec<&Volume> = {
        let mut v: Vec<&Volume> = world.engine.volumes.values().collect();
        crate::sim::order::sort_by_key(&mut v, |v| (v.created_at, v.name.clone()));
        v
    };
    // Bind sources in use (by any container), for the project folder.
    let mut binds: Vec<String> = Vec::new();
    for c in &containers {
        for m in &c.fs.mounts {
            if m.kind == MountKind::Bind && !binds.contains(&m.source) {
                binds.push(m.source.clone());
            }
        }
    }
    let columns = props.columns.clamp(1, 4) as i32;
    let width = 2 * PAD + 16 + columns * CARD_W + (columns - 1) * GAP;
    let card_rows = (containers.len() as i32 + columns - 1) / columns;
    let cards_h = if card_rows == 0 {
        70
    } else {
        card_rows * (CARD_H + GAP)
    };
    let vol_y = HOST_Y + HEADER_H + cards_h + 40;
    let store_count = volumes.len() as i32 + i32::from(!binds.is_empty());
    let vol_cols = ((width - 2 * PAD) / (CYL_W + GAP)).max(1);
    let vol_rows = ((store_count + vol_cols - 1) / vol_cols).max(1);
    let kernel_y = vol_y + vol_rows * (CYL_H + 40) + 8;
    let height = kernel_y + 44;

    let card_slot = |i: usize| {
        let i = i as i32;
        (
            PAD + 8 + (i % columns) * (CARD_W + GAP),
            HOST_Y + HEADER_H + (i / columns) * (CARD_H + GAP),
        )
    };
    let store_slot = |i: usize| {
        let i = i as i32;
        (
            PAD + 8 + (i % vol_cols) * (CYL_W + GAP),
            vol_y + (i / vol_cols) * (CYL_H + 40),
        )
    };
    let vol_index = |name: &str| volumes.iter().position(|v| v.name == name);
    let folder_slot = store_slot(volumes.len());

    // Wires: container card bottom → volume cylinder top / project folder.
    let mut wires: Vec<Html> = Vec::new();
    for (i, c) in containers.iter().enumerate() {
        let (cx, cy) = card_slot(i);
        for (k, m) in c.fs.mounts.iter().enumerate() {
            let (tx, ty) = match m.kind {
                MountKind::Volume => match vol_index(&m.source) {
                    Some(j) => {
                        let (x, y) = store_slot(j);
                        (x + CYL_W / 2, y)
                    }
                    None => continue,
                },
                MountKind::Bind => (folder_slot.0 + 30, folder_slot.1),
                MountKind::Tmpfs => continue,
            };
            let sx = cx + 24 + (k as i32 * 80) % (CARD_W - 60);
            let sy = cy + CARD_H;
            let class = classes!(
                "vp-wire",
                m.read_only.then_some("ro"),
                (!c.status().is_up()).then_some("idle")
            );
            let mid = (sy + ty) / 2;
            wires.push(html! {
                <g key={format!("w-{}-{k}", c.name)}>
                    <path class={class} d={format!("M{sx},{sy} C{sx},{mid} {tx},{mid} {tx},{ty}")} />
                    <text class="vp-wire-label" x={(sx + 4).to_string()} y={(sy + 13).to_string()}>
                        {format!("{}{}", truncate(&m.target, 18), if m.read_only { " (ro)" } else { "" })}
                    </text>
                </g>
            });
        }
    }

    let cards = containers.iter().enumerate().map(|(i, c)| {
        let (x, y) = card_slot(i);
        let state = c.status().as_str();
        let layer_touched = is_touched(touched, &c.name) && is_touched(touched, "layer");
        let class = classes!("vp-card", format!("st-{state}"), is_touched(touched, &c.name).then_some("touched"));
        let tmpfs: Vec<(&String, &Files)> = c.fs.tmpfs.iter().collect();
        let chips = tmpfs.iter().enumerate().map(|(k, (target, files))| {
            let chip_x = 12 + k as i32 * 106;
            let key = format!("tmpfs:{target}");
            let (_, count, total) = notable(files, 0);
            let chip_class = classes!("vp-chip", (is_touched(touched, &c.name) && is_touched(touched, &key)).then_some("touched"));
            let pins = (0..4).map(|p| html! {
                <>
                    <rect class="vp-pin" x={(chip_x + 12 + p * 24).to_string()} y="128" width="6" height="4" />
                    <rect class="vp-pin" x={(chip_x + 12 + p * 24).to_string()} y="156" width="6" height="4" />
                </>
            }).collect::<Html>();
            html! {
                <g key={key.clone()} class={chip_class} data-testid="tmpfs-chip">
                    { pins }
                    <rect class="vp-chip-body" x={chip_x.to_string()} y="132" width="100" height="24" rx="3" />
                    <text class="vp-chip-text" x={(chip_x + 6).to_string()} y="148">
                        {format!("{} {}", truncate(target, 7), if count == 0 { "empty".to_string() } else { human_size(total) })}
                    </text>
                    <title>{format!("tmpfs at {target}: host memory, emptied when the container stops ({count} files)")}</title>
                </g>
            }
        });
        html! {
            <g key={c.name.clone()} class={class} data-testid="vp-container" data-name={c.name.clone()} data-state={state}
                transform={format!("translate({x},{y})")}>
                <rect class="vp-card-bg" width={CARD_W.to_string()} height={CARD_H.to_string()} rx="10" />
                <rect class="card-stripe" x="0" y="12" width="4" height={(CARD_H - 24).to_string()} rx="2" />
                <text class="card-name" x="14" y="24">{truncate(&c.name, 16)}</text>
                <text class="vp-state" x={(CARD_W - 12).to_string()} y="24" text-anchor="end">{state}</text>
                <text class="card-image" x="14" y="42">{truncate(&c.config.image, 28)}</text>
                <g class={classes!("vp-layer", layer_touched.then_some("touched"))}>
                    <rect class="vp-layer-bg" x="10" y="50" width={(CARD_W - 20).to_string()} height="72" rx="6" />
                    <text class="vp-layer-title" x="18" y="65">{"writable layer"}</text>
                    { file_lines(&c.fs.writable_layer, 3, 18, 81, 30) }
                </g>
                { for chips }
            </g>
        }
    });

    let cylinders = volumes.iter().enumerate().map(|(j, v)| {
        let (x, y) = store_slot(j);
        let key = format!("volume:{}", v.name);
        let users: Vec<&str> = containers
            .iter()
            .filter(|c| c.fs.volume_names().any(|n| n == v.name))
            .map(|c| c.name.as_str())
            .collect();
        let class = classes!("vp-volume", v.anonymous.then_some("anon"), users.is_empty().then_some("unused"), is_touched(touched, &key).then_some("touched"));
        let rx = CYL_W / 2;
        let title = if v.anonymous { format!("anonymous {}…", &v.name[..8.min(v.name.len())]) } else { v.name.clone() };
        html! {
            <g key={key.clone()} class={class} data-testid="volume" data-name={v.name.clone()} transform={format!("translate({x},{y})")}>
                <path class="vp-cyl" d={format!("M0,10 A{rx},10 0 0,1 {CYL_W},10 L{CYL_W},{} A{rx},10 0 0,1 0,{} Z", CYL_H - 10, CYL_H - 10)} />
                <ellipse class="vp-cyl-top" cx={rx.to_string()} cy="10" rx={rx.to_string()} ry="10" />
                <text class="vp-vol-name" x="10" y="36">{truncate(&title, 22)}</text>
                { file_lines(&v.files, 3, 10, 53, 26) }
                <text class="vp-vol-sub" x="10" y={(CYL_H + 14).to_string()}>
                    {if users.is_empty() { format!("unused · {}", human_size(v.size_bytes())) } else { format!("{} · {}", truncate(&users.join(", "), 14), human_size(v.size_bytes())) }}
                </text>
                <title>{format!("volume {} at {}", v.name, v.mountpoint())}</title>
            </g>
        }
    });

    let folder = (!binds.is_empty()).then(|| {
        let (x, y) = folder_slot;
        let touched_bind = binds.iter().any(|b| is_touched(touched, &format!("bind:{b}")));
        let mut files = Files::new();
        for b in &binds {
            let rel_base = b.strip_prefix(&format!("{}/", hostfs::PROJECT_DIR)).unwrap_or(b).to_string();
            for (rel, node) in containerfs::host_tree(world, b).unwrap_or_default() {
                files.insert(format!("{rel_base}/{rel}"), node);
            }
        }
        let label: Vec<String> = binds
            .iter()
            .map(|b| b.strip_prefix(hostfs::PROJECT_DIR).map(|r| format!("~/app{r}")).unwrap_or_else(|| b.clone()))
            .collect();
        html! {
            <g class={classes!("vp-folder", touched_bind.then_some("touched"))} data-testid="bind-folder" transform={format!("translate({x},{y})")}>
                <path class="vp-folder-body" d={format!("M0,8 L0,{CYL_H} L{FOLDER_W},{CYL_H} L{FOLDER_W},14 L70,14 L60,4 L10,4 Z")} />
                <text class="vp-vol-name" x="10" y="32">{truncate(&format!("host: {}", label.join(", ")), 30)}</text>
                { file_lines(&files, 3, 10, 50, 30) }
                <text class="vp-vol-sub" x="10" y={(CYL_H + 14).to_string()}>{"bind mount: the host's own folder"}</text>
            </g>
        }
    });

    let label = format!(
        "Host with {} container(s) and {} volume(s)",
        containers.len(),
        volumes.len()
    );
    let empty = containers.is_empty() && volumes.is_empty();
    html! {
        <div class="picture-stage">
            <svg class="picture-svg vp-svg" viewBox={format!("0 0 {width} {height}")} role="img" aria-label={label} xmlns="http://www.w3.org/2000/svg">
                <rect class="host" x={PAD.to_string()} y={HOST_Y.to_string()} width={(width - 2 * PAD).to_string()} height={(kernel_y + 36 - HOST_Y).to_string()} rx="16" />
                <text class="host-name" x={(PAD + 16).to_string()} y={(HOST_Y + 30).to_string()}>{world.engine.hostname.clone()}</text>
                <text class="host-sub" x={(PAD + 70).to_string()} y={(HOST_Y + 30).to_string()}>{"containers"}</text>
                <text class="host-sub" x={(PAD + 16).to_string()} y={(vol_y - 16).to_string()}>{"storage on the host: /var/lib/docker/volumes, and your project folder"}</text>
                <g class="vp-wires">{ for wires }</g>
                <g class="cards">{ for cards }</g>
                <g class="vp-volumes">{ for cylinders }</g>
                <g class="vp-folders">{ folder.unwrap_or_default() }</g>
                <g class="empty">
                    if empty {
                        <text class="empty-hint" x={(width / 2).to_string()} y={(HOST_Y + HEADER_H + 36).to_string()} text-anchor="middle">{"No containers or volumes yet."}</text>
                    }
                </g>
                <rect class="kernel" x={(PAD + 10).to_string()} y={kernel_y.to_string()} width={(width - 2 * PAD - 20).to_string()} height="26" rx="7" />
                <text class="kernel-text" x={(width / 2).to_string()} y={(kernel_y + 18).to_string()} text-anchor="middle">{"Linux kernel · tmpfs lives in its memory"}</text>
            </svg>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct StoresLegendProps {
    pub world: super::WorldRef,
}

/// The four places a file can live, and what ends each one's life.
#[function_component(StoresLegend)]
pub fn stores_legend(props: &StoresLegendProps) -> Html {
    let engine = &props.world.engine;
    let layers = engine
        .containers
        .values()
        .filter(|c| !c.fs.writable_layer.is_empty())
        .count();
    let named = engine.volumes.values().filter(|v| !v.anonymous).count();
    let anonymous = engine.volumes.values().filter(|v| v.anonymous).count();
    let binds = engine
        .containers
        .values()
        .flat_map(|c| c.fs.mounts.iter())
        .filter(|m| m.kind == MountKind::Bind)
        .count();
    let tmpfs = engine
        .containers
        .values()
        .map(|c| c.fs.tmpfs.len())
        .sum::<usize>();
    let rows = [
        (
            "vp-key-layer",
            "Writable layer",
            "copy-on-write over the image",
            "kept by stop/start, deleted by docker rm",
            layers,
        ),
        (
            "vp-key-volume",
            "Named volume",
            "/var/lib/docker/volumes/NAME/_data",
            "survives rm; deleted by docker volume rm / prune -a",
            named,
        ),
        (
            "vp-key-anon",
            "Anonymous volume",
            "image VOLUME or -v /path",
            "deleted by rm -v, --rm, volume prune",
            anonymous,
        ),
        (
            "vp-key-bind",
            "Bind mount",
            "a folder of the host (-v ./dir:/path)",
            "the host's own files: Docker never deletes them",
            binds,
        ),
        (
            "vp-key-tmpfs",
            "tmpfs",
            "host memory (--tmpfs /path)",
            "emptied when the container stops",
            tmpfs,
        ),
    ];
    html! {
        <table class="vp-legend" data-testid="stores-legend">
            <thead><tr><th>{"where"}</th><th>{"is"}</th><th>{"its data ends when"}</th><th>{"now"}</th></tr></thead>
            <tbody>
                { for rows.iter().map(|(class, name, what, ends, n)| html! {
                    <tr>
                        <td><span class={classes!("vp-key", *class)}></span>{*name}</td>
                        <td class="vp-what">{*what}</td>
                        <td>{*ends}</td>
                        <td class="vp-n">{n.to_string()}</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// The volumes-persistence page: where each file lives, then the lifetime of each kind of store.
pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use crate::ui::panel::Panel;
    let (world, last) = (&stage.world, &stage.last);
    let picture = html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading="Where each file lives" hint="outlined: what the last step touched">
            <VolumesPicture world={world.clone()} last={last.clone()} columns={if stage.narrow { 2 } else { 3 }} />
        </Panel>
    };
    let legend = html! {
        <Panel class="diagram-panel" testid="stores" heading_id="stores-h" heading="Five places to write, five lifetimes">
            <StoresLegend world={world.clone()} />
        </Panel>
    };
    (picture, legend)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_come_first_among_notable_files() {
        let mut files = Files::new();
        files.insert(
            "PG_VERSION".into(),
            Node::File {
                content: "16\n".into(),
            },
        );
        files.insert(
            "pg_wal/000000010000000000000001".into(),
            Node::Blob {
                size_bytes: 16_777_216,
            },
        );
        files.insert(
            "base/5/16384".into(),
            Node::File {
                content: "relation notes\nbody text\nhi\n".into(),
            },
        );
        let (shown, count, _) = notable(&files, 2);
        assert_eq!(count, 3);
        assert_eq!(shown[0].0, "table notes (base/5/16384)");
    }
}
