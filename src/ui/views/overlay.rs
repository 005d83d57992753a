//! The swarm-overlay-networks picture: nodes side by side, the swarm's networks as lanes across
//! them, tasks as cards with their addresses, and the path of the last request.
//!
//! Real Docker: an overlay network is one subnet stretched over every node that runs a task on
//! it (VXLAN between the nodes, UDP 4789); `ingress` is the overlay of the routing mesh, so a
//! published port answers on every node and IPVS forwards each connection to a task on any
//! node. A bridge network exists on one host only. We draw each machine as a panel, each swarm
//! network as a lane crossing all panels (a node joins a lane where it runs a task attached to
//! it: a dot marks it), each live task as a card with its address on each network, and the last
//! `curl` typed in the terminal as a path: client → the node it hit → the ingress lane → the task
//! that answered (green), or to where it failed (red, with the reason). Beside it: the services'
//! virtual IPs and what their names resolve to, and the traffic chart (src/ui/views/
//! traffic_chart.rs). Simplified: only swarm-scoped networks are lanes (local bridges are per
//! host and not drawn); at most eight tasks per node are drawn.

use std::rc::Rc;

use yew::prelude::*;

use super::traffic_chart::TrafficChart;
use super::truncate;
use crate::sim::record::Record;
use crate::sim::swarm::mesh::{Failure, Trace};
use crate::sim::swarm::overlay;
use crate::sim::swarm::service::{EndpointMode, PublishMode};
use crate::sim::swarm::task::{Task, TaskState};
use crate::sim::world::World;

const NODE_W: f64 = 200.0;
const GAP: f64 = 18.0;
const X0: f64 = 16.0;
const NODES_Y: f64 = 64.0;
const HEAD_H: f64 = 40.0;
const LANE_H: f64 = 22.0;
const LANE_GAP: f64 = 6.0;
const CARD_H: f64 = 38.0;
const CARD_GAP: f64 = 6.0;
const MAX_CARDS: usize = 8;
const COLOURS: usize = 6;

#[derive(Properties, PartialEq)]
pub struct OverlayProps {
    pub world: super::WorldRef,
    pub last: Option<Rc<Record>>,
}

/// A network lane.
#[derive(Clone, PartialEq, Debug)]
pub struct Lane {
    pub name: String,
    pub subnet: String,
    pub ingress: bool,
    /// Hostnames where the network is live (a task attached to it runs there).
    pub on: Vec<String>,
}

/// A task card.
#[derive(Clone, PartialEq, Debug)]
pub struct Card {
    pub label: String,
    pub colour: usize,
    pub state: TaskState,
    /// (network, address)
    pub addrs: Vec<(String, String)>,
}

/// A machine panel.
#[derive(Clone, PartialEq, Debug)]
pub struct Panel {
    pub host: String,
    pub addr: String,
    pub words: String,
    pub off: bool,
    pub cut: bool,
    pub cards: Vec<Card>,
}

/// Everything the picture draws.
#[derive(Clone, PartialEq, Debug)]
pub struct Model {
    pub panels: Vec<Panel>,
    pub lanes: Vec<Lane>,
    pub trace: Option<Trace>,
}

fn host_of(world: &World, t: &Task) -> Option<String> {
    t.node_id
        .as_ref()
        .and_then(|id| world.swarm.nodes.get(id))
        .map(|n| n.hostname.clone())
}

fn colour(world: &World, service_id: &str) -> usize {
    let mut list: Vec<_> = world.swarm.services.values().collect();
    crate::sim::order::sort_by(&mut list, |a, b| {
        (a.created_ms, &a.spec.name).cmp(&(b.created_ms, &b.spec.name))
    });
    list.iter().position(|s| s.id == service_id).unwrap_or(0) % COLOURS
}

pub fn model(world: &World) -> Model {
    let live: Vec<&Task> = world
        .swarm
        .tasks
        .iter()
        .filter(|t| t.container_up || (!t.state.is_terminal() && t.state >= TaskState::Assigned))
        .collect();
    let lanes = overlay::networks(world)
        .into_iter()
        .map(|n| {
            let mut on: Vec<String> = live
                .iter()
                .filter(|t| overlay::task_networks(world, t).contains(&n.name))
                .filter_map(|t| host_of(world, t))
                .collect();
            crate::sim::order::sort(&mut on);
            on.dedup();
            Lane {
                name: n.name.clone(),
                subnet: n.subnet.text(),
                ingress: n.ingress,
                on,
            }
        })
        .collect();
    let net = crate::sim::swarm::control::reachable(world);
    let panels = world
        .swarm
        .machines
        .values()
        .map(|m| {
            let node = m.node_id.as_ref().and_then(|id| world.swarm.nodes.get(id));
            let mut words = vec![m.addr.clone()];
            match node {
                Some(n) => words.push(format!("{} · {}", n.role.as_str(), n.status.title())),
                None => words.push("not in the swarm".into()),
            }
            let cards = live
                .iter()
                .filter(|t| host_of(world, t).as_deref() == Some(m.hostname.as_str()))
                .filter_map(|t| {
                    let svc = world.swarm.services.get(&t.service_id)?;
                    Some(Card {
                        label: t.name(&svc.spec.name),
                        colour: colour(world, &t.service_id),
                        state: t.state,
                        addrs: overlay::task_networks(world, t)
                            .into_iter()
                            .filter_map(|n| overlay::addr(world, &n, &t.id).map(|a| (n, a)))
                            .collect(),
                    })
                })
                .take(MAX_CARDS)
                .collect();
            Panel {
                host: m.hostname.clone(),
                addr: m.addr.clone(),
                words: words.join(" · "),
                off: !m.up,
                cut: m.up
                    && m.hostname != world.swarm.local
                    && !net(&world.swarm.local, &m.hostname),
                cards,
            }
        })
        .collect();
    Model {
        panels,
        lanes,
        trace: world.swarm.overlay.last_request.clone(),
    }
}

fn node_x(i: usize) -> f64 {
    X0 + i as f64 * (NODE_W + GAP)
}

fn lane_y(k: usize) -> f64 {
    NODES_Y + HEAD_H + k as f64 * (LANE_H + LANE_GAP)
}

fn cards_y(lanes: usize) -> f64 {
    lane_y(lanes) + 8.0
}

fn card_y(lanes: usize, j: usize) -> f64 {
    cards_y(lanes) + j as f64 * (CARD_H + CARD_GAP)
}

/// The request's path as SVG points, whether it failed, and the label.
fn path_of(m: &Model, trace: &Trace) -> Option<(String, bool, String, (f64, f64))> {
    let lanes = m.lanes.len();
    let client = (X0 + 100.0, 39.0);
    let entry_i = m.panels.iter().position(|p| p.host == trace.host)?;
    let ex = node_x(entry_i) + NODE_W * 0.35;
    let ingress_y = m
        .lanes
        .iter()
        .position(|l| l.ingress)
        .map(|k| lane_y(k) + LANE_H / 2.0)
        .unwrap_or(NODES_Y + HEAD_H);
    let mut pts = vec![client, (ex, client.1), (ex, NODES_Y)];
    let card_at = |label: &str| {
        m.panels.iter().enumerate().find_map(|(i, p)| {
            p.cards
                .iter()
                .position(|c| c.label == label)
                .map(|j| (node_x(i) + NODE_W * 0.65, card_y(lanes, j) + CARD_H / 2.0))
        })
    };
    match &trace.outcome {
        Ok(a) => {
            let (tx, ty) = card_at(&a.task_name)?;
            if a.mode == PublishMode::Ingress {
                pts.push((ex, ingress_y));
                pts.push((tx, ingress_y));
            }
            pts.push((tx, ty));
            let label = format!("→ {} on {}", a.task_name, a.task_host);
            let end = (tx, ty);
            Some((points(&pts), false, label, end))
        }
        Err(f) => {
            let end = match f {
                Failure::NoBackend { .. } => (ex, ingress_y),
                Failure::BackendUnreachable { task_host, .. } => {
                    let i = m.panels.iter().position(|p| &p.host == task_host)?;
                    let tx = node_x(i) + NODE_W * 0.65;
                    pts.push((ex, ingress_y));
                    (tx, ingress_y)
                }
                Failure::NotListening { task_name, .. } => {
                    let (tx, ty) = card_at(task_name)?;
                    pts.push((ex, ingress_y));
                    pts.push((tx, ingress_y));
                    (tx, ty)
                }
                // The entry node does not answer: the request ends at its edge.
                _ => (ex, NODES_Y - 4.0),
            };
            pts.push(end);
            Some((points(&pts), true, format!("✕ {}", f.reason()), end))
        }
    }
}

fn points(pts: &[(f64, f64)]) -> String {
    pts.iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Long because it is one SVG picture in one `html!` tree.
#[function_component(OverlayPicture)]
pub fn overlay_picture(props: &OverlayProps) -> Html {
    let world = &props.world;
    if !world.swarm.active() {
        return html! {
            <p class="ov-empty" data-testid="overlay-empty">
                {"No swarm here yet: the networks of a swarm appear once `docker swarm init` has run. Pick a swarm scenario above."}
            </p>
        };
    }
    let m = model(world);
    let touched: &[String] = props
        .last
        .as_ref()
        .map(|r| r.touched.as_slice())
        .unwrap_or(&[]);
    let lanes_n = m.lanes.len();
    let most_cards = m
        .panels
        .iter()
        .map(|p| p.cards.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let width = X0 * 2.0 + m.panels.len() as f64 * (NODE_W + GAP) - GAP;
    let node_h = HEAD_H
        + lanes_n as f64 * (LANE_H + LANE_GAP)
        + 8.0
        + most_cards as f64 * (CARD_H + CARD_GAP)
        + 6.0;
    let height = NODES_Y + node_h + 14.0;

    let panels: Html = m
        .panels
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = node_x(i);
            let class = classes!(
                "ov-node",
                p.off.then_some("off"),
                p.cut.then_some("cut"),
                touched.contains(&p.host).then_some("touched"),
            );
            let cards: Html = p
                .cards
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    let y = card_y(lanes_n, j);
                    let addrs = c
                        .addrs
                        .iter()
                        .map(|(n, a)| format!("{} {a}", if n == overlay::INGRESS { "ing" } else { n.as_str() }))
                        .collect::<Vec<_>>()
                        .join(" · ");
                    let class = classes!(
                        "ov-task",
                        format!("ov-svc-{}", c.colour),
                        (c.state != TaskState::Running).then_some("starting"),
                        (c.state.is_terminal()).then_some("ending"),
                    );
                    html! {
                        <g class={class} data-testid="overlay-task" data-task={c.label.clone()}>
                            <title>{format!("{}: {} · {}", c.label, c.state.as_str(), addrs)}</title>
                            <rect x={format!("{:.1}", x + 8.0)} y={format!("{y:.1}")} width={format!("{:.1}", NODE_W - 16.0)} height={CARD_H.to_string()} rx="6" />
                            <text class="ov-task-name" x={format!("{:.1}", x + 16.0)} y={format!("{:.1}", y + 15.0)}>{format!("{} · {}", c.label, c.state.as_str())}</text>
                            <text class="ov-task-ip" x={format!("{:.1}", x + 16.0)} y={format!("{:.1}", y + 30.0)}>{truncate(&addrs, 34)}</text>
                        </g>
                    }
                })
                .collect();
            html! {
                <g class={class} data-testid="overlay-node" data-host={p.host.clone()}>
                    <rect x={format!("{x:.1}")} y={NODES_Y.to_string()} width={NODE_W.to_string()} height={format!("{node_h:.1}")} rx="10" />
                    { cards }
                </g>
            }
        })
        .collect();

    // The nodes' names and words, drawn over the request's path with a halo of the node's own
    // background: the path goes down through a node's head, and must not strike its words out.
    let heads: Html = m
        .panels
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = node_x(i);
            let state = if p.off {
                " · powered off"
            } else if p.cut {
                " · cut off"
            } else {
                ""
            };
            html! {
                <g class={classes!("ov-head", p.off.then_some("off"))}>
                    <text class="ov-node-name" x={format!("{:.1}", x + 10.0)} y={(NODES_Y + 17.0).to_string()}>{format!("{}{state}", p.host)}</text>
                    <text class="ov-node-words" x={format!("{:.1}", x + 10.0)} y={(NODES_Y + 32.0).to_string()}>{p.words.clone()}</text>
                </g>
            }
        })
        .collect();

    let lanes: Html = m
        .lanes
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let y = lane_y(k);
            let dots: Html = m
                .panels
                .iter()
                .enumerate()
                .filter(|(_, p)| l.on.contains(&p.host))
                .map(|(i, _)| {
                    html! { <circle class="ov-vtep" cx={format!("{:.1}", node_x(i) + NODE_W - 10.0)} cy={format!("{:.1}", y + LANE_H / 2.0)} r="4"><title>{"VXLAN endpoint: this node runs a task on the network"}</title></circle> }
                })
                .collect();
            let class = classes!(
                "ov-lane",
                l.ingress.then_some("ingress"),
                touched.contains(&format!("network:{}", l.name)).then_some("touched"),
            );
            html! {
                <g class={class} data-testid="overlay-lane" data-network={l.name.clone()}>
                    <rect x={(X0 - 8.0).to_string()} y={format!("{y:.1}")} width={format!("{:.1}", width - 2.0 * X0 + 16.0)} height={LANE_H.to_string()} rx="4" />
                    <text class="ov-lane-name" x={(X0 + 4.0).to_string()} y={format!("{:.1}", y + 15.0)}>{format!("{} {}", l.name, l.subnet)}</text>
                    { dots }
                </g>
            }
        })
        .collect();

    let path = m.trace.as_ref().and_then(|t| {
        let (pts, failed, label, end) = path_of(&m, t)?;
        let class = classes!("ov-path", failed.then_some("failed"));
        Some(html! {
            <g class={class} data-testid="overlay-path" data-failed={failed.to_string()}>
                <polyline points={pts} />
                <circle cx={format!("{:.1}", end.0)} cy={format!("{:.1}", end.1)} r="5" />
                <text class="ov-path-label" x={(X0 + 110.0).to_string()} y="14">{format!("curl {}:{} {label}", t.host, t.port)}</text>
            </g>
        })
    });
    let client_label = m
        .trace
        .as_ref()
        .map(|t| t.client.clone())
        .unwrap_or_else(|| "client".into());
    let label = format!(
        "{} nodes; networks: {}; {}",
        m.panels.len(),
        m.lanes
            .iter()
            .map(|l| format!("{} ({})", l.name, l.subnet))
            .collect::<Vec<_>>()
            .join(", "),
        m.trace
            .as_ref()
            .and_then(|t| path_of(&m, t)
                .map(|(_, _, l, _)| format!("last request to {}:{} {l}", t.host, t.port)))
            .unwrap_or_else(|| "no request yet".into())
    );
    html! {
        // Scrolls sideways on a narrow screen (the drawing keeps a legible minimum width):
        // focusable and named, so the keyboard can scroll it too.
        <div class="ov-stage" data-testid="overlay-picture" tabindex="0" role="region" aria-label="Nodes, networks and the last request (scrolls sideways when narrow)">
            <svg class="ov-svg" viewBox={format!("0 0 {width:.0} {height:.0}")} role="img" aria-label={label}>
                <g class="ov-client">
                    <rect x={X0.to_string()} y="24" width="100" height="30" rx="6" />
                    <text x={(X0 + 50.0).to_string()} y="43" text-anchor="middle">{format!("{client_label} (curl)")}</text>
                </g>
                { panels }
                { lanes }
                { path.unwrap_or_default() }
                { heads }
            </svg>
        </div>
    }
}

/// Beside the picture: services, their virtual IPs and DNS answers, then the traffic chart.
#[function_component(OverlaySide)]
pub fn overlay_side(props: &OverlayProps) -> Html {
    let world = &props.world;
    let mut services: Vec<_> = world.swarm.services.values().collect();
    crate::sim::order::sort_by(&mut services, |a, b| a.spec.name.cmp(&b.spec.name));
    let rows: Html = services
        .iter()
        .map(|s| {
            let vips = if s.spec.endpoint_mode == EndpointMode::Dnsrr {
                "dnsrr: no VIP, the name resolves to each task".to_string()
            } else if s.virtual_ips.is_empty() {
                "—".to_string()
            } else {
                s.virtual_ips
                    .iter()
                    .map(|(n, a)| format!("{n} {a}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let ports = s
                .endpoint_ports
                .iter()
                .map(|p| format!("{}→{} {}", p.published_port, p.target_port, p.mode.as_str()))
                .collect::<Vec<_>>()
                .join(", ");
            let running = crate::sim::swarm::mesh::backends(world, &s.id).len();
            html! {
                <tr data-testid="overlay-service">
                    <td>{s.spec.name.clone()}</td>
                    <td>{vips}</td>
                    <td>{if ports.is_empty() { "—".to_string() } else { ports }}</td>
                    <td>{running}</td>
                </tr>
            }
        })
        .collect();
    html! {
        <div class="ov-side">
            if services.is_empty() {
                <p class="ov-empty">{"No services yet."}</p>
            } else {
                <table class="ov-table">
                    <thead><tr><th>{"service"}</th><th>{"virtual IPs"}</th><th>{"published"}</th><th>{"in IPVS"}</th></tr></thead>
                    <tbody>{ rows }</tbody>
                </table>
            }
            <TrafficChart world={world.clone()} />
        </div>
    }
}

/// The swarm-overlay-networks page: nodes with the swarm's networks as lanes and the last
/// request's path; beside it the services' virtual IPs and the traffic chart.
pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use crate::ui::panel::Panel;
    let (world, last) = (&stage.world, &stage.last);
    let picture = html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading="Networks across nodes and the routing mesh" hint="lanes: swarm networks · line: the last curl">
            <OverlayPicture world={world.clone()} last={last.clone()} />
        </Panel>
    };
    let side = html! {
        <Panel class="diagram-panel" testid="overlay-side" heading_id="overlay-side-h" heading="Virtual IPs and traffic">
            <OverlaySide world={world.clone()} last={last.clone()} />
        </Panel>
    };
    (picture, side)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Input;

    #[test]
    fn lanes_cards_and_the_last_path() {
        let mut w = World::new(6);
        crate::sim::swarm::setup::form(&mut w, 1, 2);
        for l in [
            "docker network create -d overlay appnet",
            "docker service create -d --name web --replicas 2 --network appnet -p 8080:80 --constraint node.hostname!=node-3 nginx",
        ] {
            w.submit(Input::Command(l.into()));
            crate::sim::step(&mut w);
        }
        while crate::sim::step(&mut w).is_some() {}
        w.submit(Input::Command("curl http://node-3:8080/".into()));
        crate::sim::step(&mut w);
        let m = model(&w);
        assert_eq!(m.lanes.len(), 2);
        assert_eq!(m.lanes[0].name, "ingress");
        assert_eq!(m.lanes[1].on, vec!["node-1", "node-2"]);
        assert_eq!(m.panels[2].cards.len(), 0);
        assert_eq!(m.panels[0].cards[0].addrs.len(), 2);
        let trace = m.trace.clone().unwrap();
        let (pts, failed, label, _) = path_of(&m, &trace).unwrap();
        assert!(!failed && label.contains("web."), "{label}");
        assert!(pts.split(' ').count() >= 5);
    }
}
