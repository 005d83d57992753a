//! One picture per concept of the learning path. Each is a set of function components that take
//! the world (a [`WorldRef`]) and the last record and draw hand-written SVG; they hold no simulation
//! logic and send inputs (faults) back through callbacks. Each module's `panels` draws its page's
//! picture and side panel from a [`Stage`]; [`panels`] picks the module a page's
//! [`View`] names.

use std::rc::Rc;

use yew::prelude::*;

use crate::scenario::catalogue::View;
use crate::sim::input::Fault;
use crate::sim::{Record, World};
use crate::ui::session::Session;

pub mod backups;
pub mod compose;
pub mod deploy;
pub mod disk;
pub mod images;
pub mod lifecycle;
pub mod network;
pub mod overlay;
pub mod practice;
pub mod swarm;
pub mod traefik;
pub mod traffic_chart;
pub mod volumes;
pub mod why;

/// The world a picture draws, shared with the timeline (src/sim/timeline.rs `shared_world`).
/// Two are equal when they are the same pointer: the timeline copies its world before a step
/// changes it, so a new world is a new pointer, and a picture's props compare in O(1) instead of
/// walking two worlds field by field (which also kept every state type's `PartialEq` in the wasm).
#[derive(Clone)]
pub struct WorldRef(pub Rc<World>);

impl PartialEq for WorldRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for WorldRef {
    type Target = World;
    fn deref(&self) -> &World {
        &self.0
    }
}

/// What a page's picture and side panel are drawn from: the moment shown, the layout, what the
/// reader picked, and the callbacks through which the pictures give inputs.
pub struct Stage<'a> {
    pub session: &'a Session,
    pub world: WorldRef,
    pub last: Option<Rc<Record>>,
    /// Below the narrow breakpoint: two columns of cards.
    pub narrow: bool,
    pub embed: bool,
    /// The container or machine whose menu is open.
    pub menu: Option<String>,
    /// The container the reader chose to follow in the state diagram.
    pub pinned: Option<String>,
    /// A container card or a machine was clicked.
    pub on_card: Callback<String>,
    pub on_fault: Callback<Fault>,
    /// A command given from the picture (a node's menu).
    pub on_command: Callback<String>,
    pub on_close_menu: Callback<()>,
    /// Follow the last touched container again.
    pub on_unpin: Callback<MouseEvent>,
}

/// A page's picture and side panel. Exhaustive: a new [`View`] does not compile until it is drawn.
pub fn panels(view: View, stage: &Stage) -> (Html, Html) {
    match view {
        View::Why => why::panels(stage),
        View::Lifecycle => lifecycle::panels(stage),
        View::Images => images::panels(stage),
        View::Volumes => volumes::panels(stage),
        View::Compose => compose::panels(stage),
        View::Network => network::panels(stage),
        View::Swarm => swarm::panels(stage),
        View::Overlay => overlay::panels(stage),
        View::Deploy => deploy::panels(stage),
        View::Disk => disk::panels(stage),
        View::Traefik => traefik::panels(stage),
        View::Backups => backups::panels(stage),
        View::Practice => practice::panels(stage),
    }
}

/// A popup menu of the picture (a container's fault menu, a swarm node's menu), as the ARIA menu
/// pattern has it: ↑/↓ move between its items (wrapping), Home/End go to the first/last, Escape
/// closes it and gives the focus back to what opened it, choosing an item gives the focus back
/// too, and it closes when the focus moves out of it or the reader clicks elsewhere. Without the
/// focus going back, the keyboard reader lands on `<body>` and starts again from the top.
pub mod menu {
    use gloo_events::EventListener;
    use wasm_bindgen::JsCast;
    use yew::prelude::*;

    /// The top of a menu: its label (what it acts on) with a close button, and, when choosing an
    /// item would replace the rest of the scenario, the warning the terminal gives too.
    pub fn head(
        label: Html,
        label_id: &str,
        close: Callback<MouseEvent>,
        fork: Option<String>,
        fork_id: &str,
    ) -> Html {
        html! {
            <>
                <div class="fault-menu-head">
                    <span id={label_id.to_string()}>{label}</span>
                    <button class="icon-button" aria-label="Close the menu" title="Close (Esc)" onclick={close}>
                        <span aria-hidden="true">{"✕"}</span>
                    </button>
                </div>
                if let Some(text) = fork {
                    <p class="menu-fork" id={fork_id.to_string()} data-testid="menu-fork">{text}</p>
                }
            </>
        }
    }

    /// Focuses the first element matching `selector` (the menu's opener), if any. The opener may
    /// be an SVG element (a container's card): `focus()` is the same method on SVG and HTML
    /// elements, and web-sys calls it structurally, so the unchecked cast is sound.
    pub fn focus(selector: &str) {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(selector).ok().flatten())
        {
            let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    }

    /// The menu (`.fault-menu`) an event happened in. Not `currentTarget`: yew delegates events
    /// to its root, so that is the root, not the menu.
    fn menu_of(e: &Event) -> Option<web_sys::Element> {
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())?
            .closest(".fault-menu")
            .ok()
            .flatten()
    }

    /// The enabled items of a menu.
    fn items(menu: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
        let Ok(list) = menu.query_selector_all("[role=menuitem]:not(:disabled)") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            .collect()
    }

    /// The keys of a menu, on its outer element; `opener` selects the element that opened it.
    /// Keys it handles are `preventDefault`ed, so the page's own shortcuts (Escape, ←/→ step)
    /// leave them alone: a menu does not step the story.
    pub fn on_keydown(close: Callback<()>, opener: String) -> Callback<KeyboardEvent> {
        Callback::from(move |e: KeyboardEvent| {
            let Some(menu) = menu_of(&e) else {
                return;
            };
            let items = items(&menu);
            let active = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element());
            let at = active.and_then(|a| items.iter().position(|i| **i == a));
            let n = items.len();
            let target = match e.key().as_str() {
                "ArrowDown" => at.map_or(0, |i| (i + 1) % n.max(1)),
                "ArrowUp" => at.map_or(n.saturating_sub(1), |i| (i + n - 1) % n.max(1)),
                "Home" => 0,
                "End" => n.saturating_sub(1),
                "Escape" => {
                    e.prevent_default();
                    focus(&opener);
                    close.emit(());
                    return;
                }
                "ArrowLeft" | "ArrowRight" => {
                    e.prevent_default();
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            if let Some(item) = items.get(target) {
                let _ = item.focus();
            }
        })
    }

    /// Closes the menu when the focus goes somewhere outside it (Tab, a click on another
    /// control). A focus going nowhere (a click on plain text) is left to
    /// [`close_on_click_outside`], and a focus going to the opener to the opener's own click,
    /// which toggles the menu (closing here first would make that click reopen it).
    pub fn on_focusout(close: Callback<()>, opener: String) -> Callback<FocusEvent> {
        Callback::from(move |e: FocusEvent| {
            let Some(menu) = menu_of(&e) else {
                return;
            };
            let Some(to) = e
                .related_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let to_opener = to.closest(&opener).ok().flatten().is_some();
            if !menu.contains(Some(&to)) && !to_opener {
                close.emit(());
            }
        })
    }

    /// While a menu is open: a pointer press outside both `menu` and `opener` (selectors) closes
    /// it. The opener is left out so that clicking it toggles the menu instead of reopening it.
    pub fn close_on_click_outside(
        menu: String,
        opener: String,
        close: Callback<()>,
    ) -> Option<EventListener> {
        let document = web_sys::window()?.document()?;
        Some(EventListener::new(&document, "pointerdown", move |e| {
            let Some(target) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let inside = |selector: &str| target.closest(selector).ok().flatten().is_some();
            if !inside(&menu) && !inside(&opener) {
                close.emit(());
            }
        }))
    }

    /// The warning a menu shows when the reader is back inside the known steps, in the words of
    /// the terminal's own: choosing an action there replaces the steps after this one.
    pub fn fork_warning(cursor: usize, len: usize) -> Option<String> {
        (cursor < len).then(|| {
            format!(
                "You are at step {cursor} of {len}: an action chosen here replaces steps {}–{len} with your own.",
                cursor + 1
            )
        })
    }
}

/// Cuts `text` to `max` characters, ending with an ellipsis when it was longer.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_menu_warns_only_inside_the_known_steps() {
        assert_eq!(
            super::menu::fork_warning(3, 12).as_deref(),
            Some(
                "You are at step 3 of 12: an action chosen here replaces steps 4–12 with your own."
            )
        );
        assert_eq!(super::menu::fork_warning(12, 12), None);
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(super::truncate("nginx", 8), "nginx");
        assert_eq!(super::truncate("/docker-entrypoint.sh", 8), "/docker…");
        assert_eq!(super::truncate("ééééé", 3), "éé…");
    }
}
