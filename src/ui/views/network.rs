//! The network-isolation picture: networks as lanes, containers plugged into them, and who can
//! reach whom.
//!
//! Real Docker: each bridge network is a virtual switch on the host; a container has one
//! interface (and one IP) per network it is on; containers on the same user-defined network
//! find each other by name through the embedded DNS at 127.0.0.11, the default `bridge` has no
//! such DNS, different bridges are isolated from each other, an `internal` network has no way
//! out, and `-p` publishes a port on the host's edge. We draw the host's edge with the published
//! ports on top, the containers in a row, each network as a coloured horizontal lane (its
//! subnet, DNS and way out written on the left) and a wire from each container down to every
//! lane it plugs into, with its IP there. A matrix below says, for every pair, whether the row
//! reaches the column by name on the column's listening port, or why not (src/sim/docker/
//! reach.rs decides; this file only draws). We simplify: at most a handful of networks fit; the
//! pre-defined `host` and `none` are not drawn.

use std::rc::Rc;

use yew::prelude::*;

use super::truncate;
use crate::sim::docker::container::Container;
use crate::sim::docker::network::Network;
use crate::sim::docker::reach;
use crate::sim::record::Record;
use crate::sim::world::World;

const PAD: i32 = 14;
const LABEL_W: i32 = 190;
const COL_W: i32 = 118;
const BOX_W: i32 = 100;
const EDGE_H: i32 = 34;
const BOX_Y: i32 = 48;
const BOX_H: i32 = 46;
const LANE_Y: i32 = 128;
const LANE_H: i32 = 62;
const LANE_BAND: i32 = 30;

#[derive(Properties, PartialEq)]
pub struct NetworkProps {
    pub world: super::WorldRef,
    pub last: Option<Rc<Record>>,
}

/// The containers in creation order (oldest on the left).
fn containers(world: &World) -> Vec<&Container> {
    let mut list = world.engine.newest_first();
    list.reverse();
    list
}

/// The networks drawn as lanes: the default bridge, then user-defined ones in creation order.
fn lanes(world: &World) -> Vec<&Network> {
    let mut list: Vec<&Network> = world
        .engine
        .networks
        .values()
        .filter(|n| n.subnet.is_some())
        .collect();
    // Pools are handed out in order, so the subnet is the creation order.
    crate::sim::order::sort_by_key(&mut list, |n| {
        (!n.predefined, n.subnet.map(|s| s.base), n.name.clone())
    });
    list
}

/// Long because it is one SVG picture in one `html!` tree.
#[function_component(NetworkPicture)]
pub fn network_picture(props: &NetworkProps) -> Html {
    let world = &props.world;
    let touched: &[String] = props
        .last
        .as_ref()
        .map(|r| r.touched.as_slice())
        .unwrap_or(&[]);
    let cs = containers(world);
    let ls = lanes(world);
    let width = (PAD * 2 + LABEL_W + cs.len() as i32 * COL_W).max(620);
    let height = LANE_Y + ls.len() as i32 * LANE_H + PAD;
    let col_x = |i: usize| PAD + LABEL_W + i as i32 * COL_W + (COL_W - BOX_W) / 2;

    let lane_views: Html = ls
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let y = LANE_Y + i as i32 * LANE_H;
            let subnet = n.subnet.map(|s| s.text()).unwrap_or_default();
            let dns = if n.has_embedded_dns() {
                "DNS 127.0.0.11: names work"
            } else {
                "no DNS: names do not resolve"
            };
            let out = if n.internal {
                "internal: no way out".to_string()
            } else {
                format!(
                    "out via {} (NAT)",
                    n.subnet.map(|s| s.gateway()).unwrap_or_default()
                )
            };
            let key = format!("network:{}", n.name);
            let class = classes!(
                "np-lane",
                format!("np-lane-{}", i % 5),
                n.internal.then_some("internal"),
                touched.contains(&key).then_some("touched")
            );
            html! {
                <g class={class} data-testid="network-lane" data-name={n.name.clone()}>
                    <rect class="np-band" x={PAD.to_string()} y={y.to_string()} width={(width - 2 * PAD).to_string()} height={LANE_BAND.to_string()} rx="8" />
                    <text class="np-lane-name" x={(PAD + 10).to_string()} y={(y + 20).to_string()}>{truncate(&n.name, 16)}</text>
                    <text class="np-lane-sub" x={(PAD + 10).to_string()} y={(y + LANE_BAND + 13).to_string()}>{format!("{subnet} · {dns}")}</text>
                    <text class="np-lane-sub" x={(PAD + 10).to_string()} y={(y + LANE_BAND + 26).to_string()}>{out}</text>
                </g>
            }
        })
        .collect();

    let mut wires: Vec<Html> = Vec::new();
    let mut boxes: Vec<Html> = Vec::new();
    let mut ports: Vec<Html> = Vec::new();
    for (i, c) in cs.iter().enumerate() {
        let x = col_x(i);
        let state = c.status().as_str();
        for (name, e) in &c.networks {
            let Some(j) = ls.iter().position(|n| &n.name == name) else {
                continue;
            };
            let ly = LANE_Y + j as i32 * LANE_H + LANE_BAND / 2;
            let cx = x + BOX_W / 2;
            let class = classes!("np-wire", e.ip_address.is_none().then_some("idle"));
            let ip = e
                .ip_address
                .clone()
                .unwrap_or_else(|| "no IP (stopped)".to_string());
            let aliases = if e.aliases.is_empty() {
                String::new()
            } else {
                format!(" aka {}", e.aliases.join(","))
            };
            wires.push(html! {
                <g class={class}>
                    <line x1={cx.to_string()} y1={(BOX_Y + BOX_H).to_string()} x2={cx.to_string()} y2={ly.to_string()} />
                    <circle class="np-plug" cx={cx.to_string()} cy={ly.to_string()} r="5" />
                    <text class="np-ip" x={(cx + 8).to_string()} y={(ly + 4).to_string()}>{truncate(&format!("{ip}{aliases}"), 22)}</text>
                </g>
            });
        }
        for (k, b) in c.bound_ports.iter().enumerate() {
            let label = format!(
                ":{}→{}",
                b.host_port.map(|p| p.to_string()).unwrap_or_default(),
                b.container_port
            );
            let px = x + k as i32 * 52;
            ports.push(html! {
                <g class="np-port">
                    <rect x={px.to_string()} y={(EDGE_H - 12).to_string()} width="50" height="18" rx="4" />
                    <text x={(px + 25).to_string()} y={(EDGE_H + 1).to_string()} text-anchor="middle">{label}</text>
                    <line x1={(px + 25).to_string()} y1={(EDGE_H + 6).to_string()} x2={(px + 25).to_string()} y2={BOX_Y.to_string()} />
                </g>
            });
        }
        let class = classes!(
            "np-box",
            format!("st-{state}"),
            touched.contains(&c.name).then_some("touched")
        );
        boxes.push(html! {
            <g class={class} data-container={c.name.clone()}>
                <rect x={x.to_string()} y={BOX_Y.to_string()} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="8" />
                <text class="np-name" x={(x + BOX_W / 2).to_string()} y={(BOX_Y + 19).to_string()} text-anchor="middle">{truncate(&c.name, 13)}</text>
                <text class="np-state" x={(x + BOX_W / 2).to_string()} y={(BOX_Y + 36).to_string()} text-anchor="middle">{state}</text>
            </g>
        });
    }

    let empty = cs.is_empty().then(|| {
        html! {
            <text class="np-empty" x={(PAD + LABEL_W).to_string()} y={(BOX_Y + 26).to_string()}>
                {"no containers yet: try docker network create app"}
            </text>
        }
    });
    html! {
        <svg class="np-svg" viewBox={format!("0 0 {width} {height}")} role="img"
            aria-label="Networks as lanes with the containers plugged into them">
            <rect class="np-edge" x={PAD.to_string()} y="6" width={(width - 2 * PAD).to_string()} height={(EDGE_H - 6).to_string()} rx="6" />
            <text class="np-edge-label" x={(PAD + 10).to_string()} y="25">{"host's edge: published ports (-p)"}</text>
            { lane_views }
            { for wires }
            { for ports }
            { for boxes }
            { empty }
        </svg>
    }
}

/// The reachability matrix: row → column by name, on the column's listening port.
#[function_component(ReachMatrix)]
pub fn reach_matrix(props: &NetworkProps) -> Html {
    let world = &props.world;
    let cs = containers(world);
    if cs.len() < 2 {
        return html! {
            <p class="np-hint">{"With two containers or more, this table shows who can reach whom, and why not."}</p>
        };
    }
    let header: Html = cs
        .iter()
        .map(|c| html! { <th scope="col">{truncate(&c.name, 12)}</th> })
        .collect();
    let rows: Html = cs
        .iter()
        .map(|from| {
            let cells: Html = cs
                .iter()
                .map(|to| {
                    if from.id == to.id {
                        return html! { <td class="np-self">{"·"}</td> };
                    }
                    match reach::by_name(world, &from.id, &to.id, None) {
                        Ok(port) => html! { <td class="np-ok">{format!("✓ :{port}")}</td> },
                        Err(why) => html! { <td class="np-no">{format!("✗ {why}")}</td> },
                    }
                })
                .collect();
            html! { <tr><th scope="row">{truncate(&from.name, 12)}</th>{cells}</tr> }
        })
        .collect();
    html! {
        <table class="np-matrix" data-testid="reach-matrix">
            <caption>{"Row connects to column by name (curl http://NAME:PORT from inside the row's container)"}</caption>
            <thead><tr><th>{"from \\ to"}</th>{header}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The network-isolation page: the networks and who is plugged into each, then who reaches whom.
pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use crate::ui::panel::Panel;
    let (world, last) = (&stage.world, &stage.last);
    let picture = html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading="Networks and who is plugged in" hint="outlined: what the last step touched">
            <NetworkPicture world={world.clone()} last={last.clone()} />
        </Panel>
    };
    let matrix = html! {
        <Panel class="diagram-panel" testid="reachability" heading_id="reach-h" heading="Who can reach whom">
            <ReachMatrix world={world.clone()} last={last.clone()} />
        </Panel>
    };
    (picture, matrix)
}
