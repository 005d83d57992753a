//! The lifecycle picture: one host, its containers, their published ports, and the state machine.
//!
//! Real Docker: a host runs the Docker Engine on one Linux kernel that every container shares; a
//! container is a process tree in its own namespaces, alive exactly as long as its PID 1; `-p`
//! binds a host port and forwards it into the container. We draw the host as a rounded panel with
//! the kernel as a bar along the bottom, each container as a card coloured by its state (badge,
//! image, PID 1's command, Docker's STATUS words, exit code, restarts, a pending stop), and each
//! published port as a connector on the host's top edge wired to its card (solid while something
//! answers behind it, dashed while nothing does). We simplify: no volumes or networks on this page,
//! cards are laid out in creation order on a grid, a removed container shows as a ghost outline for
//! the step that removed it. The state diagram draws Docker's container states and the commands and
//! events that move between them, lighting the state of the container it follows.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{menu, truncate};
use crate::sim::docker::container::{Container, Status};
use crate::sim::docker::output::status_text;
use crate::sim::input::Fault;
use crate::sim::record::Record;
use crate::sim::time::clock;

/// Card width: full, and compact for a phone held upright (two columns that stay legible).
const CARD_W: i32 = 240;
const CARD_W_COMPACT: i32 = 176;
const CARD_H: i32 = 134;
/// The host panel's top edge; port connectors straddle it.
const HOST_Y: i32 = 16;
const HEADER_H: i32 = 46;

/// Where a card sits in the picture.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Slot {
    x: i32,
    y: i32,
}

/// The picture's geometry for `count` cards on `columns` columns.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Layout {
    card_w: i32,
    gap: i32,
    margin: i32,
    pad: i32,
    columns: i32,
    rows: i32,
    width: i32,
    host_h: i32,
    height: i32,
}

impl Layout {
    fn new(count: usize, columns: usize, compact: bool) -> Layout {
        let (card_w, gap, margin, pad) = if compact {
            (CARD_W_COMPACT, 10, 4, 10)
        } else {
            (CARD_W, 16, 8, 18)
        };
        let columns = columns.clamp(1, 4) as i32;
        let count = count as i32;
        let rows = if count == 0 {
            0
        } else {
            (count + columns - 1) / columns
        };
        let width = 2 * margin + 2 * pad + columns * card_w + (columns - 1) * gap;
        let body = if rows == 0 {
            96
        } else {
            rows * CARD_H + (rows - 1) * gap
        };
        // header, cards, images line, kernel bar
        let host_h = HEADER_H + body + 16 + 22 + 34 + 10;
        Layout {
            card_w,
            gap,
            margin,
            pad,
            columns,
            rows,
            width,
            host_h,
            height: HOST_Y + host_h + margin,
        }
    }

    fn host_x(&self) -> i32 {
        self.margin
    }

    fn host_w(&self) -> i32 {
        self.width - 2 * self.margin
    }

    fn slot(&self, i: usize) -> Slot {
        let i = i as i32;
        let (col, row) = (i % self.columns, i / self.columns);
        Slot {
            x: self.margin + self.pad + col * (self.card_w + self.gap),
            y: HOST_Y + HEADER_H + row * (CARD_H + self.gap),
        }
    }

    fn kernel_y(&self) -> i32 {
        HOST_Y + self.host_h - 10 - 30
    }
}

#[derive(Properties, PartialEq)]
pub struct PictureProps {
    pub world: super::WorldRef,
    /// The record of the step that led here (what it touched is highlighted).
    pub last: Option<Rc<Record>>,
    /// Card columns: 3 on a wide screen, 2 on a phone.
    pub columns: usize,
    /// Narrower cards, for a phone.
    #[prop_or_default]
    pub compact: bool,
    /// The container whose fault menu is open.
    pub menu: Option<AttrValue>,
    /// A card was clicked or activated with the keyboard.
    pub on_card: Callback<String>,
    pub on_fault: Callback<Fault>,
    pub on_close_menu: Callback<()>,
    /// The step shown and the number of known steps (a fault chosen before the end of the known
    /// steps replaces the rest: the menu says so).
    #[prop_or_default]
    pub cursor: usize,
    #[prop_or_default]
    pub len: usize,
}

/// The selector of a container's card (what opens its menu, and gets the focus back).
fn card_selector(name: &str) -> String {
    format!("[data-testid=\"container-card\"][data-name=\"{name}\"]")
}

/// The host and its containers.
/// Long because it is one SVG picture in one `html!` tree.
#[function_component(Picture)]
pub fn picture(props: &PictureProps) -> Html {
    let world = &props.world;
    let mut containers: Vec<&Container> = world.engine.newest_first();
    containers.reverse();
    let touched: &[String] = props
        .last
        .as_ref()
        .map(|r| r.touched.as_slice())
        .unwrap_or(&[]);
    // Removed in this very step: shown as a ghost where nothing else has taken the name.
    // (A name can have several tombstones; one ghost each.)
    let mut ghosts: Vec<&str> = Vec::new();
    for t in &world.engine.removed {
        let n = t.name.as_str();
        if touched.iter().any(|t| t == n)
            && world.engine.by_name(n).is_none()
            && !ghosts.contains(&n)
        {
            ghosts.push(n);
        }
    }
    let layout = Layout::new(
        containers.len() + ghosts.len(),
        props.columns,
        props.compact,
    );
    let now = world.now_ms;

    let cards = containers.iter().enumerate().map(|(i, c)| {
        let slot = layout.slot(i);
        let name = c.name.clone();
        let onclick = {
            let cb = props.on_card.clone();
            let name = name.clone();
            Callback::from(move |_: MouseEvent| cb.emit(name.clone()))
        };
        let onkeydown = {
            let cb = props.on_card.clone();
            let name = name.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    cb.emit(name.clone());
                }
            })
        };
        html! {
            <Card key={name.clone()} container={Rc::new((*c).clone())} now_ms={now} slot_x={slot.x} slot_y={slot.y} width={layout.card_w}
                touched={touched.contains(&name)} open={props.menu.as_deref() == Some(name.as_str())} {onclick} {onkeydown} />
        }
    });
    let ghost_cards = ghosts.iter().enumerate().map(|(j, name)| {
        let slot = layout.slot(containers.len() + j);
        html! {
            <g key={format!("ghost-{name}")} class="ghost" data-testid="ghost-card" data-name={name.to_string()}
                transform={format!("translate({},{})", slot.x, slot.y)}>
                <rect class="ghost-outline" width={layout.card_w.to_string()} height={CARD_H.to_string()} rx="10" />
                <text class="card-name" x="16" y="28">{truncate(name, 16)}</text>
                <text class="ghost-text" x="16" y="52">{"removed"}</text>
                <text class="ghost-text" x="16" y="72">{"its writable layer is gone"}</text>
            </g>
        }
    });
    let wires = containers
        .iter()
        .enumerate()
        .flat_map(|(i, c)| port_wires(c, layout.slot(i), layout.card_w))
        .collect::<Html>();

    let running = containers.iter().filter(|c| c.status().is_up()).count();
    let summary = format!(
        "{} container{} · {running} up",
        containers.len(),
        if containers.len() == 1 { "" } else { "s" }
    );
    let images: Vec<&str> = world.engine.images.keys().map(String::as_str).collect();
    let images_text = if images.is_empty() {
        "no images pulled yet".to_string()
    } else {
        truncate(
            &format!("images: {}", images.join(" · ")),
            (layout.host_w() / 7) as usize,
        )
    };
    let kernel_text = if layout.columns >= 3 {
        "Linux kernel: one kernel, shared by every container (namespaces + cgroups)"
    } else {
        "Linux kernel (shared by every container)"
    };
    let empty = containers.is_empty() && ghosts.is_empty();
    let label = format!(
        "Host {} with {}",
        world.engine.hostname,
        if containers.is_empty() {
            "no containers".to_string()
        } else {
            containers
                .iter()
                .map(|c| format!("{} {}", c.name, c.status().as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );

    let menu = props.menu.as_ref().and_then(|name| {
        let i = containers.iter().position(|c| c.name == name.as_str())?;
        Some(fault_menu(props, containers[i], layout, layout.slot(i)))
    });

    let stage = use_node_ref();
    // The menu's place goes through the CSSOM, not a `style` attribute: the site's
    // Content-Security-Policy allows no inline style (src/bin/prerender.rs).
    {
        let stage = stage.clone();
        use_effect(move || {
            if let Some(el) = stage.cast::<web_sys::Element>()
                && let Ok(Some(menu)) = el.query_selector(".fault-menu[data-place]")
                && let Ok(menu) = menu.dyn_into::<web_sys::HtmlElement>()
                && let Some(place) = menu.get_attribute("data-place")
            {
                menu.style().set_css_text(&place);
            }
        });
    }
    // Opening the menu moves the focus into it, so the keyboard can pick a fault at once; while
    // it is open, a click anywhere else closes it.
    {
        let stage = stage.clone();
        let close = props.on_close_menu.clone();
        use_effect_with(props.menu.clone(), move |menu| {
            if menu.is_some()
                && let Some(el) = stage.cast::<web_sys::Element>()
                && let Ok(Some(item)) =
                    el.query_selector(".fault-menu [role=menuitem]:not(:disabled)")
                && let Ok(item) = item.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = item.focus();
            }
            let outside = menu.as_ref().and_then(|name| {
                menu::close_on_click_outside(".fault-menu".to_string(), card_selector(name), close)
            });
            move || drop(outside)
        });
    }

    html! {
        <div class="picture-stage" ref={stage}>
            // A group, not an image: its cards are buttons, and an image's content is not read.
            <svg class="picture-svg" viewBox={format!("0 0 {} {}", layout.width, layout.height)} role="group" aria-label={label}
                xmlns="http://www.w3.org/2000/svg">
                <rect class="host" x={layout.host_x().to_string()} y={HOST_Y.to_string()} width={layout.host_w().to_string()}
                    height={layout.host_h.to_string()} rx="16" />
                <g class="wires">{ wires }</g>
                <text class="host-name" x={(layout.host_x() + 18).to_string()} y={(HOST_Y + 32).to_string()}>{world.engine.hostname.clone()}</text>
                <text class="host-sub" x={(layout.host_x() + 26 + 9 * world.engine.hostname.chars().count() as i32).to_string()} y={(HOST_Y + 32).to_string()}>{"Docker Engine"}</text>
                <text class="host-sum" x={(layout.host_x() + layout.host_w() - 18).to_string()} y={(HOST_Y + 32).to_string()} text-anchor="end">{summary}</text>
                // Every part whose size varies sits in its own group, so the svg's own children
                // never shift and yew never morphs one shape into another.
                <g class="cards">{ for cards }</g>
                <g class="ghosts">{ for ghost_cards }</g>
                <g class="empty">
                    if empty {
                        <text class="empty-hint" x={(layout.width / 2).to_string()} y={(HOST_Y + HEADER_H + 40).to_string()} text-anchor="middle">{"No containers yet."}</text>
                        // Two short lines: one long line is wider than the compact (phone) picture.
                        <text class="empty-sub" x={(layout.width / 2).to_string()} y={(HOST_Y + HEADER_H + 64).to_string()} text-anchor="middle">{"Press ▶ (or →) to take the first step,"}</text>
                        <text class="empty-sub" x={(layout.width / 2).to_string()} y={(HOST_Y + HEADER_H + 82).to_string()} text-anchor="middle">{"or type a command below."}</text>
                    }
                </g>
                <text class="images-line" x={(layout.host_x() + 18).to_string()} y={(layout.kernel_y() - 12).to_string()}>{images_text}</text>
                <rect class="kernel" x={(layout.host_x() + 10).to_string()} y={layout.kernel_y().to_string()} width={(layout.host_w() - 20).to_string()} height="30" rx="7" />
                <text class="kernel-text" x={(layout.width / 2).to_string()} y={(layout.kernel_y() + 20).to_string()} text-anchor="middle">{kernel_text}</text>
            </svg>
            { menu.unwrap_or_default() }
        </div>
    }
}

/// The connectors of one container's published ports: a tab on the host's top edge labelled
/// `8080→80`, wired to the card.
fn port_wires(c: &Container, slot: Slot, card_w: i32) -> Vec<Html> {
    if !c.status().is_up() {
        return Vec::new();
    }
    let live = c.status() == Status::Running && c.listening;
    let n = c.bound_ports.len() as i32;
    c.bound_ports
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let offset = (2 * i as i32 - (n - 1)) * 46;
            let cx = slot.x + card_w / 2 + offset;
            let mut label = format!("{}→{}", b.host_port.map(|p| p.to_string()).unwrap_or_else(|| "?".into()), b.container_port);
            if b.proto.as_str() != "tcp" {
                label.push_str(&format!("/{}", b.proto.as_str()));
            }
            if b.host_ip != "0.0.0.0" {
                label = format!("{}:{label}", b.host_ip);
            }
            let w = 18 + 7 * label.chars().count() as i32;
            let class = if live { "port live" } else { "port idle" };
            let title = if live {
                format!("host port {} is published to {}:{}; {} answers", b.host_port.unwrap_or(0), c.name, b.container_port, c.name)
            } else {
                format!("host port {} is held for {}, but nothing answers behind it", b.host_port.unwrap_or(0), c.name)
            };
            html! {
                <g key={format!("port-{}-{i}", c.name)} class={class} data-testid="port" data-port={b.host_port.unwrap_or(0).to_string()}>
                    <title>{title}</title>
                    <path class="wire" d={format!("M{cx},{} L{cx},{}", HOST_Y + 11, slot.y)} />
                    <rect class="port-tab" x={(cx - w / 2).to_string()} y={(HOST_Y - 11).to_string()} width={w.to_string()} height="22" rx="6" />
                    <text class="port-text" x={cx.to_string()} y={(HOST_Y + 4).to_string()} text-anchor="middle">{label}</text>
                </g>
            }
        })
        .collect()
}

#[derive(Properties, PartialEq)]
struct CardProps {
    container: Rc<Container>,
    now_ms: u64,
    slot_x: i32,
    slot_y: i32,
    width: i32,
    touched: bool,
    /// Its fault menu is open.
    open: bool,
    onclick: Callback<MouseEvent>,
    onkeydown: Callback<KeyboardEvent>,
}

/// One container.
#[function_component(Card)]
fn card(props: &CardProps) -> Html {
    let c = &props.container;
    let w = props.width;
    let state = c.status().as_str();
    let badge_w = 16 + (6.9 * state.len() as f64) as i32;
    // How many characters fit on a line, by font.
    let fit = |px_per_char: f64, room: i32| ((f64::from(room) / px_per_char) as usize).max(4);
    let argv = c.config.argv().join(" ");
    let (mut extra, extra_class) = facts(c);
    let mut status = status_text(c, props.now_ms);
    let mut status_class = "card-status";
    if let (Some(stop), true) = (&c.stopping, w < CARD_W) {
        // A narrow card says the same in two shorter lines.
        status = format!("{} sent", stop.signal);
        status_class = "card-status warn";
        extra = format!("SIGKILL at {}", clock(stop.kill_at_ms));
    }
    let class = classes!(
        "card",
        format!("st-{state}"),
        props.touched.then_some("touched")
    );
    html! {
        <g class={class} data-testid="container-card" data-name={c.name.clone()} data-state={state}
            transform={format!("translate({},{})", props.slot_x, props.slot_y)}
            // Named by its own words (name, state, image, PID 1, status): a label that differs from
            // what is shown trips up speech input. That it opens a menu is aria-haspopup's to say.
            tabindex="0" role="button" aria-haspopup="menu" aria-expanded={props.open.to_string()} onclick={props.onclick.clone()} onkeydown={props.onkeydown.clone()}>
            <g class="ring">
                if props.touched {
                    <rect class="touch-ring" x="-5" y="-5" width={(w + 10).to_string()} height={(CARD_H + 10).to_string()} rx="14" />
                }
            </g>
            <rect class="card-bg" width={w.to_string()} height={CARD_H.to_string()} rx="10" />
            <rect class="card-stripe" x="0" y="12" width="4" height={(CARD_H - 24).to_string()} rx="2" />
            <text class="card-name" x="16" y="27">{truncate(&c.name, fit(9.6, w - 36 - badge_w))}</text>
            <g transform={format!("translate({},11)", w - 12 - badge_w)}>
                <rect class="badge" width={badge_w.to_string()} height="21" rx="10.5" />
                <text class="badge-text" x={(badge_w / 2).to_string()} y="15" text-anchor="middle">{state}</text>
            </g>
            <text class="card-image" x="16" y="49">{truncate(&c.config.image, fit(7.25, w - 26))}</text>
            <text class="card-pid" x="16" y="71">{format!("PID 1: {}", truncate(&argv, fit(6.95, w - 26).saturating_sub(7)))}<title>{format!("PID 1: {argv}")}</title></text>
            <text class={status_class} x="16" y="93">{truncate(&status, fit(6.9, w - 24))}</text>
            <text class={classes!("card-extra", extra_class)} x="16" y="116">{truncate(&extra, fit(6.4, w - 22))}</text>
        </g>
    }
}

/// The most telling fact about a container, with a class for its tone.
fn facts(c: &Container) -> (String, &'static str) {
    if let Some(stop) = &c.stopping {
        return (
            format!(
                "{} sent, SIGKILL at {}",
                stop.signal,
                clock(stop.kill_at_ms)
            ),
            "warn",
        );
    }
    let policy = c.host_config.restart_policy.as_str();
    let restarts = match (c.restart_count, policy) {
        (0, "no") => String::new(),
        (0, p) => format!("restart: {p}"),
        (n, p) => format!("↻ {n} restart{} · {p}", if n == 1 { "" } else { "s" }),
    };
    match c.status() {
        Status::Exited | Status::Dead => {
            let mut s = format!("exit code {}", c.state.exit_code);
            if c.state.oom_killed {
                s.push_str(" · OOM-killed");
            }
            if !restarts.is_empty() {
                s = format!("{s} · {restarts}");
            }
            (
                s,
                if c.state.exit_code == 0 {
                    "muted"
                } else {
                    "bad"
                },
            )
        }
        Status::Restarting => (format!("back-off · {restarts}"), "warn"),
        Status::Paused => ("frozen: processes get no CPU".to_string(), "muted"),
        _ if !restarts.is_empty() => (restarts, "muted"),
        Status::Running if c.listening => {
            let port = c.bound_ports.first().and_then(|b| b.host_port);
            match port {
                Some(p) => (format!("serving on host port {p}"), "ok"),
                None => ("listening (no published port)".to_string(), "muted"),
            }
        }
        Status::Created => ("not started".to_string(), "muted"),
        _ => (String::new(), "muted"),
    }
}

/// The small menu that breaks a container on purpose. Each item gives the focus back to the card
/// (see [`menu`]).
fn fault_menu(props: &PictureProps, c: &Container, layout: Layout, slot: Slot) -> Html {
    let name = c.name.clone();
    let up = c.status().is_up();
    let opener = card_selector(&name);
    let fault = |make: fn(String) -> Fault| {
        let cb = props.on_fault.clone();
        let name = name.clone();
        let opener = opener.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(make(name.clone()));
            menu::focus(&opener);
        })
    };
    let close = {
        let cb = props.on_close_menu.clone();
        let opener = opener.clone();
        Callback::from(move |_: MouseEvent| {
            menu::focus(&opener);
            cb.emit(());
        })
    };
    // Below the card's name and badge, so the reader still sees which container it is.
    let left = f64::from(slot.x + 20) / f64::from(layout.width) * 100.0;
    let top = f64::from(slot.y + 38) / f64::from(layout.height) * 100.0;
    let right_side = slot.x + layout.card_w / 2 > layout.width / 2;
    let style = if right_side {
        let right =
            f64::from(layout.width - slot.x - layout.card_w + 20) / f64::from(layout.width) * 100.0;
        format!("right:{right:.2}%;top:{top:.2}%")
    } else {
        format!("left:{left:.2}%;top:{top:.2}%")
    };
    let not_up = (!up).then(|| format!("{} is not running", c.name));
    let fork = menu::fork_warning(props.cursor, props.len);
    let label_id = format!("fault-menu-h-{name}");
    let fork_id = format!("fault-menu-fork-{name}");
    html! {
        <div class="fault-menu" data-testid="fault-menu" data-place={style}
            onkeydown={menu::on_keydown(props.on_close_menu.clone(), opener.clone())}
            onfocusout={menu::on_focusout(props.on_close_menu.clone(), opener.clone())}>
            { menu::head(html! { <>{"Break "}<strong>{c.name.clone()}</strong></> }, &label_id, close, fork, &fork_id) }
            <div role="menu" aria-labelledby={label_id} aria-describedby={(props.cursor < props.len).then_some(fork_id)}>
                <button role="menuitem" tabindex="-1" data-testid="fault-crash" disabled={!up} title={not_up.clone().unwrap_or_default()}
                    onclick={fault(|container| Fault::Crash { container, exit_code: 139 })}>
                    <strong>{"Crash PID 1"}</strong><small>{"segfault: exit code 139"}</small>
                </button>
                <button role="menuitem" tabindex="-1" data-testid="fault-oom" disabled={!up} title={not_up.unwrap_or_default()}
                    onclick={fault(|container| Fault::OomKill { container })}>
                    <strong>{"OOM-kill"}</strong><small>{"out of memory: SIGKILL, exit 137"}</small>
                </button>
                <button role="menuitem" tabindex="-1" data-testid="fault-busy" onclick={fault(|container| Fault::FsBusy { container })}>
                    <strong>{"Hold its filesystem busy"}</strong><small>{"the next docker rm fails: dead"}</small>
                </button>
            </div>
        </div>
    }
}

/// The nodes of the state diagram: id, label, centre.
const NODES: &[(&str, &str, i32, i32)] = &[
    ("created", "created", 110, 140),
    ("running", "running", 300, 140),
    ("paused", "paused", 490, 140),
    ("restarting", "restarting", 300, 40),
    ("exited", "exited", 300, 236),
    ("dead", "dead", 490, 236),
    ("removed", "removed", 300, 322),
];
const NODE_W: i32 = 104;
const NODE_H: i32 = 32;

/// Arrows: path, label, label position, label anchor.
const EDGES: &[(&str, &str, i32, i32, &str)] = &[
    ("M18,140 L56,140", "create", 36, 130, "middle"),
    ("M163,140 L246,140", "start", 204, 130, "middle"),
    ("M353,131 L436,131", "pause", 394, 121, "middle"),
    ("M437,149 L354,149", "unpause", 394, 166, "middle"),
    ("M288,123 L288,57", "exits, policy restarts", 280, 94, "end"),
    ("M312,57 L312,123", "back-off over: start", 320, 94, "start"),
    (
        "M288,157 L288,219",
        "stop · kill · PID 1 exits",
        280,
        192,
        "end",
    ),
    ("M312,219 L312,157", "start · restart", 320, 192, "start"),
    ("M353,236 L436,236", "rm fails (busy)", 394, 252, "middle"),
    ("M300,253 L300,304", "rm", 308, 284, "start"),
    ("M490,253 L490,322 L354,322", "rm", 498, 290, "start"),
    ("M110,157 L110,322 L246,322", "rm", 102, 290, "end"),
];

#[derive(Properties, PartialEq)]
pub struct StateDiagramProps {
    pub world: super::WorldRef,
    /// The container whose state is lit.
    pub follow: Option<AttrValue>,
}

/// The node a container's status lights.
pub fn node_of(status: Status) -> &'static str {
    match status {
        Status::Removing => "removed",
        s => s.as_str(),
    }
}

/// Docker's container states and what moves a container between them.
#[function_component(StateDiagram)]
pub fn state_diagram(props: &StateDiagramProps) -> Html {
    let world = &props.world;
    let lit: Option<&'static str> =
        props
            .follow
            .as_ref()
            .and_then(|name| match world.engine.by_name(name) {
                Some(c) => Some(node_of(c.status())),
                None if world.engine.removed.iter().any(|t| t.name == name.as_str()) => {
                    Some("removed")
                }
                None => None,
            });
    let count = |id: &str| -> usize {
        if id == "removed" {
            world
                .engine
                .removed
                .iter()
                .filter(|t| world.engine.by_name(&t.name).is_none())
                .count()
        } else {
            world
                .engine
                .containers
                .values()
                .filter(|c| node_of(c.status()) == id)
                .count()
        }
    };
    let label = match (&props.follow, lit) {
        (Some(name), Some(state)) => format!("State diagram: {name} is {state}"),
        _ => "State diagram of a container".to_string(),
    };
    html! {
        <svg class="diagram-svg" viewBox="0 0 600 350" role="img" aria-label={label} xmlns="http://www.w3.org/2000/svg">
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
                </marker>
            </defs>
            <circle class="entry" cx="14" cy="140" r="5" />
            { for EDGES.iter().enumerate().map(|(i, (d, text, x, y, anchor))| html! {
                <g key={i} class="edge">
                    <path d={*d} marker-end="url(#arrow)" />
                    <text x={x.to_string()} y={y.to_string()} text-anchor={*anchor}>{*text}</text>
                </g>
            }) }
            { for NODES.iter().map(|(id, text, cx, cy)| {
                let on = lit == Some(*id);
                let n = count(id);
                html! {
                    <g key={*id} class={classes!("node", format!("st-{id}"), on.then_some("lit"))} data-node={*id}
                        data-lit={if on { "true" } else { "false" }}>
                        <rect x={(cx - NODE_W / 2).to_string()} y={(cy - NODE_H / 2).to_string()} width={NODE_W.to_string()}
                            height={NODE_H.to_string()} rx="16" />
                        <text x={cx.to_string()} y={(cy + 5).to_string()} text-anchor="middle">{*text}</text>
                        <g class="count-slot">
                            if n > 0 {
                                <g class="count" transform={format!("translate({},{})", cx + NODE_W / 2 - 4, cy - NODE_H / 2 + 2)}>
                                    <circle r="10" />
                                    <text y="4" text-anchor="middle">{n.to_string()}</text>
                                </g>
                            }
                        </g>
                    </g>
                }
            }) }
        </svg>
    }
}

/// The containers-lifecycle page: the host and its containers (click one for its fault menu),
/// then the state diagram of the container the reader follows.
pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use crate::ui::panel::Panel;
    let (world, last) = (&stage.world, &stage.last);
    let exists = |name: &str| {
        world.engine.by_name(name).is_some() || world.engine.removed.iter().any(|t| t.name == name)
    };
    let pinned = stage.pinned.clone().filter(|n| exists(n));
    let follow = pinned.clone().or_else(|| stage.session.last_touched());

    let columns = if stage.narrow {
        2
    } else if stage.embed && world.engine.containers.len() > 3 {
        4
    } else {
        3
    };
    let reboot = html! {
        <button class="button small" data-testid="reboot" onclick={stage.on_fault.reform(|_: MouseEvent| Fault::Reboot)}
            title="Every process dies at once; then the daemon applies each container's restart policy">
            {"↻ Reboot host"}
        </button>
    };
    let picture = html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading="The host" hint="click a container to break it" head={reboot}>
            <Picture world={world.clone()} last={last.clone()} {columns} compact={stage.narrow}
                menu={stage.menu.clone().map(AttrValue::from)}
                on_card={stage.on_card.clone()} on_fault={stage.on_fault.clone()}
                on_close_menu={stage.on_close_menu.clone()} cursor={stage.session.cursor()} len={stage.session.len()} />
        </Panel>
    };
    let following = match (&follow, &pinned) {
        (Some(name), Some(_)) => html! {
            <span class="following">{"following "}<strong>{name.clone()}</strong>
                <button class="link-button" onclick={stage.on_unpin.clone()} title="Follow whichever container changes">{"follow the action"}</button>
            </span>
        },
        (Some(name), None) => html! {
            <span class="following">{"following "}<strong>{name.clone()}</strong>{" (the last one that changed)"}</span>
        },
        _ => html! { <span class="following">{"no container yet"}</span> },
    };
    let diagram = html! {
        <Panel class="diagram-panel" testid="state-diagram" heading_id="diagram-h" heading="Container states" head={following}>
            <StateDiagram world={world.clone()} follow={follow.clone().map(AttrValue::from)} />
        </Panel>
    };
    (picture, diagram)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_grows_by_rows_and_fits_the_cards() {
        for compact in [false, true] {
            let empty = Layout::new(0, 3, compact);
            assert_eq!(empty.rows, 0);
            let one_row = Layout::new(3, 3, compact);
            let two_rows = Layout::new(4, 3, compact);
            assert_eq!((one_row.rows, two_rows.rows), (1, 2));
            assert_eq!(two_rows.host_h - one_row.host_h, CARD_H + one_row.gap);
            let last = two_rows.slot(3);
            assert!(last.y + CARD_H < two_rows.kernel_y());
            let right = one_row.slot(2);
            assert!(right.x + one_row.card_w <= one_row.host_x() + one_row.host_w() - one_row.pad);
        }
        assert_eq!(Layout::new(5, 0, false).columns, 1);
    }

    #[test]
    fn every_status_lights_a_node() {
        for s in [
            Status::Created,
            Status::Running,
            Status::Paused,
            Status::Restarting,
            Status::Removing,
            Status::Exited,
            Status::Dead,
        ] {
            assert!(NODES.iter().any(|(id, ..)| *id == node_of(s)), "{s:?}");
        }
    }
}
