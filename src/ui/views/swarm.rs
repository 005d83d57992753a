//! The swarm-basics picture: every machine of the lab with the tasks it runs, the tasks no node
//! can take, the managers' Raft group, and the services' desired against running replicas.
//!
//! Real Docker: a swarm is a set of engines; managers hold the cluster state in a Raft log and
//! elect one leader, which alone schedules tasks and answers `docker service …` (a majority of
//! managers, the quorum, must be reachable for that). Each task is one container of a service
//! (`web.2`), pinned to one node, with the state the node's agent last reported and the state
//! the managers want. A node can be `Active`, `Pause` (keeps its tasks, gets no new ones) or
//! `Drain` (its tasks move away); a node whose heartbeats stop is marked `Down` after a while,
//! and until then the managers still count its tasks as running. We draw one panel per machine
//! (hostname, role, the leader's badge, availability, status, and "powered off" when its machine
//! is off) holding a card per live task (service colour, name, observed state, desired state when
//! it differs, and "container gone" when the store still says running but the container died
//! with its machine), a tray of tasks that wait for a node with the scheduler's reason, and beside
//! it the Raft members and the services table. Clicking a node opens a menu that sends the same
//! inputs the terminal takes (`! kill node-3`, `docker node update --availability drain node-3`),
//! and can show the node's own engine under the nodes: every machine of the lab is a Docker
//! engine, so the panel lists what `docker ps -a`, `docker images` and `docker volume ls` would
//! on it (the swarm's task containers, `web.1.<task id>`, in their service's colour, beside any
//! container started there by hand). It stays open while the reader steps, until closed.
//!
//! We simplify: only the tasks the store still holds and whose container is not finished are
//! drawn (the history `docker service ps` shows is left to the terminal); six service colours
//! repeat. The views only read the world: every state drawn is the simulation's
//! (src/sim/swarm/).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{menu, truncate};
use crate::sim::docker::container::{Container, Status};
use crate::sim::docker::engine::Engine;
use crate::sim::docker::image::human_size;
use crate::sim::docker::output::status_text;
use crate::sim::input::Fault;
use crate::sim::record::Record;
use crate::sim::swarm::cluster::{Availability, Machine, Node, NodeStatus, Role};
use crate::sim::swarm::orchestrator::ServiceMode;
use crate::sim::swarm::raft::{self, Role as RaftRole};
use crate::sim::swarm::service::Service;
use crate::sim::swarm::services::replicas_text;
use crate::sim::swarm::task::{Task, TaskState};
use crate::sim::world::World;

/// How many distinct service colours the stylesheet defines (`.sw-svc-0` … `.sw-svc-5`).
const SERVICE_COLOURS: usize = 6;

#[derive(Properties, PartialEq)]
pub struct SwarmProps {
    pub world: super::WorldRef,
    pub last: Option<Rc<Record>>,
    /// The machine whose menu is open.
    #[prop_or_default]
    pub menu: Option<AttrValue>,
    /// A node was clicked (its hostname): open or close its menu.
    #[prop_or_default]
    pub on_node: Callback<String>,
    /// Kill or start a machine.
    #[prop_or_default]
    pub on_fault: Callback<Fault>,
    /// A command line, sent as if typed at the prompt.
    #[prop_or_default]
    pub on_command: Callback<String>,
    #[prop_or_default]
    pub on_close_menu: Callback<()>,
    /// The step shown and the number of known steps: an action chosen before the end of the
    /// known steps replaces the rest, and the menu says so first.
    #[prop_or_default]
    pub cursor: usize,
    #[prop_or_default]
    pub len: usize,
}

/// The selector of a node's header (what opens its menu, and gets the focus back).
fn head_selector(host: &str) -> String {
    format!(".sw-node[data-host=\"{host}\"] .sw-node-head")
}

/// The id of the engine panel's heading, which gets the focus when the panel opens.
const ENGINE_HEADING: &str = "sw-engine-h";

/// The node whose engine is shown, and how many times a panel was opened (choosing "Show its
/// engine" again moves the focus to the panel again).
#[derive(Clone, PartialEq, Debug)]
struct Shown {
    host: String,
    opened: u32,
}

/// Services in creation order: their colour index follows it.
fn services(world: &World) -> Vec<&Service> {
    let mut list: Vec<&Service> = world.swarm.services.values().collect();
    crate::sim::order::sort_by(&mut list, |a, b| {
        (a.created_ms, &a.spec.name).cmp(&(b.created_ms, &b.spec.name))
    });
    list
}

fn colour_of(world: &World, service_id: &str) -> usize {
    services(world)
        .iter()
        .position(|s| s.id == service_id)
        .unwrap_or(0)
        % SERVICE_COLOURS
}

/// The task's name as `docker service ps` prints it, with a global task's node ID shortened.
fn task_label(world: &World, t: &Task) -> String {
    let service = world
        .swarm
        .services
        .get(&t.service_id)
        .map(|s| s.spec.name.as_str())
        .unwrap_or("?");
    match (t.slot, &t.node_id) {
        (Some(_), _) | (None, None) => t.name(service),
        (None, Some(node)) => format!("{service}.{}", truncate(node, 6)),
    }
}

/// A task still alive in the store: not yet in a terminal state.
fn live(t: &Task) -> bool {
    !t.state.is_terminal()
}

/// The tasks a node holds (live ones), in creation order.
fn tasks_on<'a>(world: &'a World, node_id: &str) -> Vec<&'a Task> {
    world
        .swarm
        .tasks
        .iter()
        .filter(|t| live(t) && t.node_id.as_deref() == Some(node_id))
        .collect()
}

/// Tasks no node took: pending in the scheduler with its reason.
fn unscheduled(world: &World) -> Vec<&Task> {
    world
        .swarm
        .tasks
        .iter()
        .filter(|t| live(t) && t.node_id.is_none() && t.desired_state <= TaskState::Running)
        .collect()
}

/// The store still says running, but the container died with its machine (nobody told the
/// managers yet).
fn container_gone(t: &Task) -> bool {
    !t.container_up && t.state == TaskState::Running
}

fn state_class(state: TaskState) -> &'static str {
    match state {
        TaskState::Running => "sw-st-running",
        TaskState::New
        | TaskState::Pending
        | TaskState::Assigned
        | TaskState::Accepted
        | TaskState::Preparing
        | TaskState::Ready
        | TaskState::Starting => "sw-st-starting",
        TaskState::Complete | TaskState::Shutdown | TaskState::Remove => "sw-st-stopped",
        TaskState::Failed | TaskState::Rejected | TaskState::Orphaned => "sw-st-failed",
    }
}

fn task_card(world: &World, t: &Task, touched: &[String]) -> Html {
    let label = task_label(world, t);
    let gone = container_gone(t);
    let desired = (t.desired_state != TaskState::Running)
        .then(|| format!("wanted: {}", t.desired_state.as_str()));
    let image = world
        .swarm
        .services
        .get(&t.service_id)
        .and_then(|s| s.versions.get(&t.spec_version))
        .map(|tpl| tpl.container.image.clone())
        .unwrap_or_default();
    let class = classes!(
        "sw-task",
        format!("sw-svc-{}", colour_of(world, &t.service_id)),
        gone.then_some("gone"),
        (t.desired_state > TaskState::Running).then_some("leaving"),
        touched.contains(&label).then_some("touched"),
    );
    let title = format!(
        "{label}: {} (desired {}), image {image}{}",
        t.state.as_str(),
        t.desired_state.as_str(),
        if gone {
            "; its machine is off, the managers have not noticed yet"
        } else {
            ""
        }
    );
    html! {
        <li key={t.id.clone()} class={class} data-testid="swarm-task" data-task={label.clone()} data-state={t.state.as_str()} {title}>
            <span class="sw-task-name">{label}</span>
            <span class={classes!("sw-badge", state_class(t.state))}>{t.state.as_str()}</span>
            if let Some(d) = desired {
                <span class="sw-desired">{d}</span>
            }
            if gone {
                <span class="sw-gone" data-testid="container-gone">{"container gone"}</span>
            }
        </li>
    }
}

/// Node objects no machine is any more (it left, maybe joined again under a new ID): the
/// managers keep listing them, Down, until `docker node rm`.
fn stale_nodes(world: &World) -> Vec<&Node> {
    let swarm = &world.swarm;
    swarm
        .nodes
        .values()
        .filter(|n| {
            swarm
                .machines
                .get(&n.hostname)
                .is_none_or(|m| m.node_id.as_deref() != Some(n.id.as_str()))
        })
        .collect()
}

/// The role, availability, status and power words of a node's panel, for its label.
fn node_words(m: &Machine, node: Option<&Node>, leader: bool) -> String {
    let mut words = vec![m.hostname.clone()];
    match node {
        Some(n) => {
            words.push(n.role.as_str().to_string());
            if leader {
                words.push("Raft leader".to_string());
            }
            words.push(n.availability.title().to_string());
            words.push(n.status.title().to_string());
        }
        None => words.push("not in the swarm".to_string()),
    }
    if !m.up {
        words.push("powered off".to_string());
    }
    words.join(", ")
}

/// Long because it is one SVG picture in one `html!` tree.
#[function_component(SwarmPicture)]
pub fn swarm_picture(props: &SwarmProps) -> Html {
    let world = &props.world;
    let swarm = &world.swarm;
    let touched: &[String] = props
        .last
        .as_ref()
        .map(|r| r.touched.as_slice())
        .unwrap_or(&[]);
    let leader = swarm.leader().map(|n| n.hostname.clone());

    // The engine panel: opening it moves the focus to its heading.
    let shown = use_state(|| None::<Shown>);
    use_effect_with((*shown).clone(), |shown| {
        if shown.is_some() {
            menu::focus(&format!("#{ENGINE_HEADING}"));
        }
    });
    let show_engine = {
        let shown = shown.clone();
        let close = props.on_close_menu.clone();
        Callback::from(move |host: String| {
            let opened = shown.as_ref().map_or(0, |s| s.opened) + 1;
            shown.set(Some(Shown { host, opened }));
            close.emit(());
        })
    };
    let hide_engine = {
        let shown = shown.clone();
        Callback::from(move |host: String| {
            shown.set(None);
            menu::focus(&head_selector(&host));
        })
    };

    // Opening the menu moves the focus into it, so the keyboard can pick an action at once; while
    // it is open, a click anywhere else closes it.
    let stage = use_node_ref();
    {
        let stage = stage.clone();
        let close = props.on_close_menu.clone();
        use_effect_with(props.menu.clone(), move |menu| {
            if menu.is_some()
                && let Some(el) = stage.cast::<web_sys::Element>()
                && let Ok(Some(item)) = el.query_selector(".sw-menu [role=menuitem]:not(:disabled)")
                && let Ok(item) = item.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = item.focus();
            }
            let outside = menu.as_ref().and_then(|host| {
                menu::close_on_click_outside(".sw-menu".to_string(), head_selector(host), close)
            });
            move || drop(outside)
        });
    }

    if swarm.machines.is_empty() {
        return html! {
            <div class="sw-stage" ref={stage}>
                <p class="sw-empty" data-testid="swarm-empty">
                    {"No swarm lab here: this scenario starts from an empty host. Pick a swarm scenario above."}
                </p>
            </div>
        };
    }

    let panels: Html = swarm
        .machines
        .values()
        .map(|m| {
            let node = m.node_id.as_ref().and_then(|id| swarm.nodes.get(id));
            let is_leader = leader.as_deref() == Some(m.hostname.as_str());
            let host = m.hostname.clone();
            let open = props.menu.as_deref() == Some(host.as_str());
            let onclick = {
                let cb = props.on_node.clone();
                let host = host.clone();
                Callback::from(move |_: MouseEvent| cb.emit(host.clone()))
            };
            let onkeydown = {
                let cb = props.on_node.clone();
                let host = host.clone();
                Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        cb.emit(host.clone());
                    }
                })
            };
            let tasks = node.map(|n| tasks_on(world, &n.id)).unwrap_or_default();
            let class = classes!(
                "sw-node",
                (!m.up).then_some("off"),
                node.is_some_and(|n| n.status == NodeStatus::Down)
                    .then_some("down"),
                node.map(|n| format!("avail-{}", n.availability.as_str())),
                is_leader.then_some("leader"),
                touched.contains(&host).then_some("touched"),
            );
            let badges = match node {
                // Spaces between the badges: they are the button's name, read as words.
                Some(n) => html! {
                    <>
                        {" "}<span class={classes!("sw-role", (n.role == Role::Manager).then_some("manager"))}>{n.role.as_str()}</span>
                        if is_leader {
                            {" "}<span class="sw-leader" data-testid="leader-badge">{"LEADER"}</span>
                        }
                        {" "}<span class={classes!("sw-avail", format!("avail-{}", n.availability.as_str()))}>{n.availability.title()}</span>
                        {" "}<span class={classes!("sw-status", (n.status == NodeStatus::Down).then_some("down"))}>{n.status.title()}</span>
                    </>
                },
                None => html! { <>{" "}<span class="sw-status">{"not joined"}</span></> },
            };
            let body = if tasks.is_empty() {
                html! { <p class="sw-none">{if m.up { "no tasks" } else { "no tasks (powered off)" }}</p> }
            } else {
                html! { <ul class="sw-tasks">{ for tasks.iter().map(|t| task_card(world, t, touched)) }</ul> }
            };
            let menu = open.then(|| node_menu(props, m, node, &show_engine));
            html! {
                <div key={host.clone()} class={class} data-testid="swarm-node" data-host={host.clone()}
                    data-up={m.up.to_string()}>
                    // Named by what it shows (a label that differs from the visible words trips up
                    // speech input), plus what a sighted reader sees elsewhere: the power.
                    <div class="sw-node-head" tabindex="0" role="button" aria-haspopup="menu" aria-expanded={open.to_string()}
                        title={node_words(m, node, is_leader)} {onclick} {onkeydown}>
                        <span class="sw-host">{host.clone()}</span>
                        { badges }
                        <span class="visually-hidden">{if m.up { ". Open the node menu" } else { ", powered off. Open the node menu" }}</span>
                    </div>
                    if !m.up {
                        // An inline icon: U+23FB (⏻) is missing from most fonts.
                        <p class="sw-off" data-testid="powered-off">
                            <svg class="sw-power" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
                                <path d="M8 1.8v5.6" /><path d="M4.4 4a5.4 5.4 0 1 0 7.2 0" />
                            </svg>
                            {"powered off"}
                        </p>
                    }
                    <p class="sw-machine">{format!("{} · {} CPU · {} GiB", m.addr, m.cpus, m.memory_bytes >> 30)}</p>
                    { body }
                    { menu.unwrap_or_default() }
                </div>
            }
        })
        .collect();

    let stale = stale_nodes(world);
    let stale_line = (!stale.is_empty()).then(|| {
        let names: Vec<String> = stale
            .iter()
            .map(|n| format!("{} ({}…, {})", n.hostname, truncate(&n.id, 7), n.status.title()))
            .collect();
        html! {
            <p class="sw-hint" data-testid="stale-nodes">
                {format!("Still listed by the managers, no machine behind them: {} (docker node rm)", names.join(", "))}
            </p>
        }
    });
    let engine_view = shown
        .as_ref()
        .and_then(|shown| swarm.machines.get(&shown.host))
        .map(|m| engine_panel(world, m, touched, hide_engine.clone()));
    let pending = unscheduled(world);
    let tray = html! {
        <div class={classes!("sw-tray", pending.is_empty().then_some("empty"))} data-testid="unscheduled">
            <h3>{"Unscheduled"}</h3>
            if pending.is_empty() {
                <p class="sw-none">{"every task has a node"}</p>
            } else {
                <ul class="sw-tasks">
                    { for pending.iter().map(|t| {
                        let reason = if t.error.is_empty() { t.message.clone() } else { t.error.clone() };
                        html! {
                            <li key={t.id.clone()} class={classes!("sw-task", "pending", format!("sw-svc-{}", colour_of(world, &t.service_id)))}
                                data-testid="pending-task">
                                <span class="sw-task-name">{task_label(world, t)}</span>
                                <span class={classes!("sw-badge", state_class(t.state))}>{t.state.as_str()}</span>
                                <span class="sw-reason">{reason}</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    };

    html! {
        <div class="sw-stage" ref={stage}>
            if !swarm.active() {
                <p class="sw-hint">{"These machines are not a swarm yet: docker swarm init."}</p>
            }
            <div class="sw-grid">{ panels }</div>
            { engine_view.unwrap_or_default() }
            { stale_line.unwrap_or_default() }
            { tray }
            <Legend />
        </div>
    }
}

/// The menu of one machine: power, then availability (as `docker node update` would), the
/// network and the disk, each giving the focus back to the node's header (see [`menu`]); last,
/// its engine, which opens the engine panel and moves the focus there (nothing happens in the
/// simulation: it only shows).
/// Long because each menu item is its own accessible button with its command and focus rule.
fn node_menu(
    props: &SwarmProps,
    m: &Machine,
    node: Option<&Node>,
    show_engine: &Callback<String>,
) -> Html {
    let disk_full = props.world.disk_of(&m.hostname).is_some_and(|d| d.full);
    let host = m.hostname.clone();
    let opener = head_selector(&host);
    // Emit, then give the focus back to the node: the menu closes with the step it makes.
    let then_focus = |emit: Box<dyn Fn()>| {
        let opener = opener.clone();
        Callback::from(move |_: MouseEvent| {
            emit();
            menu::focus(&opener);
        })
    };
    let send = |fault: Fault| {
        let cb = props.on_fault.clone();
        then_focus(Box::new(move || cb.emit(fault.clone())))
    };
    let power = send(Fault::Machine {
        machine: host.clone(),
        up: !m.up,
    });
    let availability = |to: Availability| {
        let cb = props.on_command.clone();
        let line = format!("docker node update --availability {} {host}", to.as_str());
        then_focus(Box::new(move || cb.emit(line.clone())))
    };
    let close = {
        let cb = props.on_close_menu.clone();
        let opener = opener.clone();
        Callback::from(move |_: MouseEvent| {
            menu::focus(&opener);
            cb.emit(());
        })
    };
    let cut_off = m.partition != 0;
    let network = if cut_off {
        send(Fault::Heal)
    } else {
        send(Fault::Partition {
            machines: vec![host.clone()],
        })
    };
    let disk = send(Fault::NodeDisk {
        machine: host.clone(),
        full: !disk_full,
    });
    let engine = {
        let cb = show_engine.clone();
        let host = host.clone();
        Callback::from(move |_: MouseEvent| cb.emit(host.clone()))
    };
    let current = node.map(|n| n.availability);
    let fork = menu::fork_warning(props.cursor, props.len);
    let label_id = format!("node-menu-h-{host}");
    let fork_id = format!("node-menu-fork-{host}");
    html! {
        <div class="sw-menu fault-menu" data-testid="node-menu"
            onkeydown={menu::on_keydown(props.on_close_menu.clone(), opener.clone())}
            onfocusout={menu::on_focusout(props.on_close_menu.clone(), opener.clone())}>
            { menu::head(html! { <>{"Actions on "}<strong>{host.clone()}</strong></> }, &label_id, close, fork, &fork_id) }
            <div role="menu" aria-labelledby={label_id} aria-describedby={(props.cursor < props.len).then_some(fork_id)}>
                if m.up {
                    <button role="menuitem" tabindex="-1" data-testid="node-kill" onclick={power}>
                        <strong>{"Kill the machine"}</strong><small>{format!("! kill {host}: power off, no goodbye")}</small>
                    </button>
                } else {
                    <button role="menuitem" tabindex="-1" data-testid="node-start" onclick={power}>
                        <strong>{"Start the machine"}</strong><small>{format!("! start {host}")}</small>
                    </button>
                }
                <button role="menuitem" tabindex="-1" data-testid="node-drain" disabled={node.is_none() || current == Some(Availability::Drain)}
                    onclick={availability(Availability::Drain)}>
                    <strong>{"Drain"}</strong><small>{"its tasks move to other nodes"}</small>
                </button>
                <button role="menuitem" tabindex="-1" data-testid="node-activate" disabled={node.is_none() || current == Some(Availability::Active)}
                    onclick={availability(Availability::Active)}>
                    <strong>{"Activate"}</strong><small>{"takes new tasks again (nothing moves back)"}</small>
                </button>
                <button role="menuitem" tabindex="-1" data-testid="node-partition" disabled={!m.up} onclick={network}>
                    if cut_off {
                        <strong>{"Heal the network"}</strong><small>{"! heal: every machine reaches every other"}</small>
                    } else {
                        <strong>{"Cut it off the network"}</strong><small>{format!("! partition {host}: it runs on, unreachable")}</small>
                    }
                </button>
                <button role="menuitem" tabindex="-1" data-testid="node-disk" disabled={!m.up} onclick={disk}>
                    if disk_full {
                        <strong>{"Free its disk"}</strong><small>{format!("! free-disk {host}")}</small>
                    } else {
                        <strong>{"Fill its disk"}</strong><small>{format!("! fill-disk {host}: no new container fits")}</small>
                    }
                </button>
                <button role="menuitem" tabindex="-1" data-testid="node-engine" onclick={engine}>
                    <strong>{"Show its engine"}</strong><small>{"its containers, images and volumes (changes nothing)"}</small>
                </button>
            </div>
        </div>
    }
}

/// The colour class of a container's status, as the task cards use them.
fn status_class(c: &Container) -> &'static str {
    match c.status() {
        Status::Running | Status::Paused => "sw-st-running",
        Status::Created | Status::Restarting | Status::Removing => "sw-st-starting",
        Status::Exited if c.state.exit_code == 0 => "sw-st-stopped",
        Status::Exited | Status::Dead => "sw-st-failed",
    }
}

/// The swarm service a container runs a task of (SwarmKit's label), if any.
fn service_of(c: &Container) -> Option<&str> {
    c.config
        .labels
        .get("com.docker.swarm.service.name")
        .map(String::as_str)
}

/// The engine's containers newest first, each as `docker ps -a` shows it (name, image, status).
fn engine_containers(world: &World, engine: &Engine, touched: &[String]) -> Html {
    let containers = engine.newest_first();
    if containers.is_empty() {
        return html! { <p class="sw-none">{"no containers"}</p> };
    }
    let colour = |name: &str| {
        services(world)
            .iter()
            .position(|s| s.spec.name == name)
            .map(|i| format!("sw-svc-{}", i % SERVICE_COLOURS))
    };
    let rows = containers.into_iter().map(|c| {
        let service = service_of(c);
        let class = classes!(
            service.and_then(colour),
            service.is_some().then_some("task"),
            touched.contains(&c.name).then_some("touched"),
        );
        html! {
            <tr key={c.id.0.clone()} {class} data-testid="engine-container" data-name={c.name.clone()}
                data-state={c.status().as_str()} data-service={service.map(str::to_string)}>
                <th scope="row">
                    if service.is_some() {
                        <span class="sw-swatch" aria-hidden="true"></span>
                    }
                    {c.name.clone()}
                </th>
                <td>{truncate(&c.config.image, 28)}</td>
                <td><span class={classes!("sw-badge", status_class(c))}>{status_text(c, world.now_ms)}</span></td>
            </tr>
        }
    });
    html! {
        <table class="sw-table">
            <thead><tr><th scope="col">{"name"}</th><th scope="col">{"image"}</th><th scope="col">{"status"}</th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// The engine's images newest first, one row per tag (`<none>:<none>` for a dangling one), with
/// the size `docker images` prints.
fn engine_images(engine: &Engine) -> Html {
    let mut images: Vec<_> = engine.images.by_id.values().collect();
    crate::sim::order::sort_by_key(&mut images, |i| std::cmp::Reverse(i.seq));
    let rows: Vec<(String, String)> = images
        .iter()
        .flat_map(|i| {
            let mut tags = i.repo_tags.clone();
            crate::sim::order::sort(&mut tags);
            if tags.is_empty() {
                tags.push("<none>:<none>".to_string());
            }
            let size = human_size(i.size_bytes());
            tags.into_iter().map(move |t| (t, size.clone()))
        })
        .collect();
    if rows.is_empty() {
        return html! { <p class="sw-none">{"no images"}</p> };
    }
    html! {
        <ul class="sw-engine-list">
            { for rows.into_iter().map(|(tag, size)| html! {
                <li key={tag.clone()} data-testid="engine-image" data-ref={tag.clone()}>
                    <span class="sw-engine-ref">{tag}</span>{" "}<span class="sw-engine-size">{size}</span>
                </li>
            }) }
        </ul>
    }
}

/// The engine's volumes by name (an anonymous one by its short ID).
fn engine_volumes(engine: &Engine) -> Html {
    if engine.volumes.is_empty() {
        return html! { <p class="sw-none">{"no volumes"}</p> };
    }
    html! {
        <ul class="sw-engine-list">
            { for engine.volumes.values().map(|v| html! {
                <li key={v.name.clone()} data-testid="engine-volume" data-name={v.name.clone()}>
                    <span class="sw-engine-ref">{v.short_name().to_string()}</span>
                </li>
            }) }
        </ul>
    }
}

/// One machine's Docker engine, under the nodes: its containers (tasks and others), images and
/// volumes, read from the world as they are at the step shown. Escape or ✕ closes it and gives
/// the focus back to the node.
fn engine_panel(world: &World, m: &Machine, touched: &[String], hide: Callback<String>) -> Html {
    let host = m.hostname.clone();
    let Some(engine) = world.engine_of(&host) else {
        return Html::default();
    };
    let close = {
        let hide = hide.clone();
        let host = host.clone();
        Callback::from(move |_: MouseEvent| hide.emit(host.clone()))
    };
    let onkeydown = {
        let host = host.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                hide.emit(host.clone());
            }
        })
    };
    let count = |n: usize| format!(" ({n})");
    let images = engine
        .images
        .by_id
        .values()
        .map(|i| i.repo_tags.len().max(1))
        .sum::<usize>();
    html! {
        <section class="sw-engine" data-testid="engine-panel" data-host={host.clone()} aria-labelledby={ENGINE_HEADING} {onkeydown}>
            <div class="sw-engine-head">
                <h3 id={ENGINE_HEADING} tabindex="-1">
                    {"The engine of "}<span class="sw-host">{host.clone()}</span>
                    if !m.up {
                        <span class="sw-engine-note">{" · powered off: what its disk holds"}</span>
                    }
                </h3>
                <button class="icon-button" data-testid="engine-close" aria-label={format!("Close the engine of {host}")}
                    title="Close (Esc)" onclick={close}>
                    <span aria-hidden="true">{"✕"}</span>
                </button>
            </div>
            <div class="sw-engine-cols">
                <div class="sw-engine-containers">
                    <h4>{"Containers"}{count(engine.containers.len())}<small>{format!(" docker ps -a on {host}")}</small></h4>
                    { engine_containers(world, engine, touched) }
                </div>
                <div>
                    <h4>{"Images"}{count(images)}</h4>
                    { engine_images(engine) }
                </div>
                <div>
                    <h4>{"Volumes"}{count(engine.volumes.len())}</h4>
                    { engine_volumes(engine) }
                </div>
            </div>
        </section>
    }
}

#[function_component(Legend)]
fn legend() -> Html {
    html! {
        <dl class="sw-legend" data-testid="swarm-legend">
            <div><dt><span class="sw-leader">{"LEADER"}</span></dt><dd>{"the Raft leader: schedules and answers docker service"}</dd></div>
            <div><dt><span class="sw-badge sw-st-running">{"running"}</span></dt><dd>{"observed state, as the node's agent last reported it"}</dd></div>
            <div><dt><span class="sw-desired">{"wanted: shutdown"}</span></dt><dd>{"the managers' desired state, when it differs"}</dd></div>
            <div><dt><span class="sw-gone">{"container gone"}</span></dt><dd>{"the store still says running, but the machine is off"}</dd></div>
            <div><dt><span class="sw-avail avail-drain">{"Drain"}</span></dt><dd>{"no tasks here: they moved away"}</dd></div>
            <div><dt><kbd>{"Enter"}</kbd></dt><dd>{"on a node: its menu (kill/start, drain/activate, its engine…; ↑ ↓ to move, Esc to close)"}</dd></div>
        </dl>
    }
}

/// The managers' Raft group and the services: the side panel.
#[function_component(SwarmSide)]
pub fn swarm_side(props: &SwarmProps) -> Html {
    let world = &props.world;
    let swarm = &world.swarm;
    let touched: &[String] = props
        .last
        .as_ref()
        .map(|r| r.touched.as_slice())
        .unwrap_or(&[]);
    if !swarm.active() {
        return html! { <p class="sw-none">{"No swarm yet: the Raft group and services appear after docker swarm init."}</p> };
    }
    let r = &swarm.raft;
    let size = r.size();
    let needed = raft::quorum_size(size);
    let up = r.members.values().filter(|m| m.up).count();
    let leader = r.leader();
    let met = leader.is_some() && r.quorum_possible;
    let quorum_text = if met {
        format!("quorum met: {up} of {size} managers up, {needed} needed")
    } else if r.quorum_possible {
        format!("electing: {up} of {size} managers up, {needed} needed, no leader yet")
    } else {
        format!("quorum LOST: {up} of {size} managers up, {needed} needed")
    };
    let members: Html = r
        .members
        .iter()
        .map(|(name, m)| {
            let role = if !m.up { "down" } else { m.role.as_str() };
            let status = r.manager_status(name).unwrap_or("");
            html! {
                <tr key={name.clone()} class={classes!((!m.up).then_some("off"), (m.role == RaftRole::Leader && m.up).then_some("leader"))}>
                    <th scope="row">{name.clone()}</th>
                    <td>{role}</td>
                    <td>{m.term}</td>
                    <td>{m.voted_for.clone().unwrap_or_else(|| "—".to_string())}</td>
                    <td>{if m.up { "up" } else { "off" }}</td>
                    <td>{status}</td>
                </tr>
            }
        })
        .collect();
    let rows: Html = services(world)
        .iter()
        .map(|s| {
            let mode = match s.spec.mode {
                ServiceMode::Replicated { .. } => "replicated",
                ServiceMode::Global => "global",
            };
            let update = s
                .update_status
                .as_ref()
                .map(|u| u.state.as_str())
                .unwrap_or("—");
            let class = classes!(
                format!("sw-svc-{}", colour_of(world, &s.id)),
                touched.contains(&s.spec.name).then_some("touched")
            );
            html! {
                <tr key={s.id.clone()} {class} data-testid="service-row" data-service={s.spec.name.clone()}>
                    <th scope="row"><span class="sw-swatch" aria-hidden="true"></span>{s.spec.name.clone()}</th>
                    <td>{mode}</td>
                    <td class="sw-replicas">{replicas_text(world, s)}</td>
                    <td>{truncate(&s.spec.template.container.image, 24)}</td>
                    <td>{update}</td>
                </tr>
            }
        })
        .collect();
    html! {
        <div class="sw-side">
            <div class="sw-raft" data-testid="raft">
                <h3>{format!("Raft · term {}", r.term())}</h3>
                <p class={classes!("sw-quorum", if met { "met" } else if r.quorum_possible { "electing" } else { "lost" })}
                    data-testid="quorum" role="status">
                    {quorum_text}
                    {format!(" · leader: {}", leader.unwrap_or("none"))}
                </p>
                <table class="sw-table">
                    <thead><tr><th scope="col">{"manager"}</th><th scope="col">{"role"}</th><th scope="col">{"term"}</th>
                        <th scope="col">{"voted for"}</th><th scope="col">{"power"}</th><th scope="col">{"node ls"}</th></tr></thead>
                    <tbody>{members}</tbody>
                </table>
                <p class="sw-note">{format!("{size} managers tolerate {} failure(s); workers do not vote.", raft::fault_tolerance(size))}</p>
            </div>
            <div class="sw-services" data-testid="services">
                <h3>{"Services"}</h3>
                if world.swarm.services.is_empty() {
                    <p class="sw-none">{"no services yet: docker service create --name web --replicas 3 nginx"}</p>
                } else {
                    <table class="sw-table">
                        <thead><tr><th scope="col">{"name"}</th><th scope="col">{"mode"}</th><th scope="col">{"running/desired"}</th>
                            <th scope="col">{"image"}</th><th scope="col">{"update"}</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
            </div>
        </div>
    }
}

/// The swarm-basics page: every machine with its tasks (click one to kill/start/drain it), then
/// the Raft group and the services.
/// The swarm's picture panel under `heading`: its nodes and tasks, a node's menu (the practice
/// project draws its shop with it too).
pub fn picture_panel(stage: &super::Stage, heading: &'static str) -> Html {
    use crate::ui::panel::Panel;
    let (world, last) = (&stage.world, &stage.last);
    let menu = stage
        .menu
        .clone()
        .filter(|host| world.swarm.machines.contains_key(host))
        .map(AttrValue::from);
    html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading={heading} hint="click a node to kill, start or drain it">
            <SwarmPicture world={world.clone()} last={last.clone()} {menu}
                on_node={stage.on_card.clone()} on_fault={stage.on_fault.clone()}
                on_command={stage.on_command.clone()} on_close_menu={stage.on_close_menu.clone()}
                cursor={stage.session.cursor()} len={stage.session.len()} />
        </Panel>
    }
}

pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use crate::ui::panel::Panel;
    let (world, last) = (&stage.world, &stage.last);
    let picture = picture_panel(stage, "The swarm: nodes and their tasks");
    let side = html! {
        <Panel class="diagram-panel" testid="swarm-side" heading_id="swarm-side-h" heading="Managers, quorum and services">
            <SwarmSide world={world.clone()} last={last.clone()} />
        </Panel>
    };
    (picture, side)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::swarm::setup;

    #[test]
    fn tasks_of_a_fresh_lab_are_empty_and_words_name_the_role() {
        let mut w = World::new(7);
        setup::form(&mut w, 1, 2);
        let m = &w.swarm.machines["node-1"];
        let node = w.swarm.node_of("node-1");
        let words = node_words(m, node, true);
        assert_eq!(words, "node-1, manager, Raft leader, Active, Ready");
        assert!(unscheduled(&w).is_empty());
        assert!(tasks_on(&w, &node.unwrap().id).is_empty());
    }

    #[test]
    fn a_task_on_a_dead_machine_is_drawn_as_container_gone() {
        use crate::sim::input::{Fault, Input};
        use crate::sim::timeline::Timeline;
        let mut w = World::new(7);
        setup::form(&mut w, 1, 2);
        let mut tl = Timeline::new(w);
        tl.submit(Input::Command(
            "docker service create -d --name web --replicas 3 nginx:1.27".to_string(),
        ));
        tl.submit(Input::Advance {
            duration_ms: 10_000,
        });
        while tl.forward() {}
        tl.submit(Input::Fault(Fault::Machine {
            machine: "node-3".to_string(),
            up: false,
        }));
        let w = tl.world();
        let id = w.swarm.node_of("node-3").unwrap().id.clone();
        let on3 = tasks_on(w, &id);
        assert_eq!(on3.len(), 1);
        assert!(container_gone(on3[0]));
        assert_eq!(task_label(w, on3[0]), on3[0].name("web"));
        let m = &w.swarm.machines["node-3"];
        assert!(node_words(m, w.swarm.node_of("node-3"), false).ends_with("powered off"));
    }

    #[test]
    fn a_node_that_left_is_listed_apart() {
        use crate::sim::input::Input;
        use crate::sim::timeline::Timeline;
        let mut w = World::new(7);
        setup::form(&mut w, 1, 2);
        let mut tl = Timeline::new(w);
        assert!(stale_nodes(tl.world()).is_empty());
        tl.submit(Input::Command("ssh node-3 docker swarm leave".to_string()));
        let stale = stale_nodes(tl.world());
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].hostname, "node-3");
    }

    #[test]
    fn a_nodes_engine_holds_its_task_containers_and_its_own() {
        use crate::sim::input::Input;
        use crate::sim::timeline::Timeline;
        let mut w = World::new(7);
        setup::form(&mut w, 1, 2);
        let mut tl = Timeline::new(w);
        tl.submit(Input::Command(
            "docker service create -d --name web --replicas 3 nginx:1.27".to_string(),
        ));
        tl.submit(Input::Command(
            "ssh node-2 docker run -d --name probe -v cache:/data alpine false".to_string(),
        ));
        tl.submit(Input::Advance {
            duration_ms: 10_000,
        });
        while tl.forward() {}
        let w = tl.world();
        let engine = w.engine_of("node-2").expect("node-2 has an engine");
        let mut seen: Vec<(Option<&str>, &str)> = engine
            .newest_first()
            .into_iter()
            .map(|c| (service_of(c), status_class(c)))
            .collect();
        crate::sim::order::sort(&mut seen);
        assert_eq!(
            seen,
            [(None, "sw-st-failed"), (Some("web"), "sw-st-running")]
        );
        assert!(engine.volumes.contains_key("cache"));
        assert!(engine.images.get("alpine:latest").is_some());
        assert!(engine.images.get("nginx:1.27").is_some());
    }

    #[test]
    fn state_classes_group_the_states() {
        assert_eq!(state_class(TaskState::Running), "sw-st-running");
        assert_eq!(state_class(TaskState::Preparing), "sw-st-starting");
        assert_eq!(state_class(TaskState::Failed), "sw-st-failed");
        assert_eq!(state_class(TaskState::Shutdown), "sw-st-stopped");
    }
}
