//! The web front end (yew, client-side rendering): one page per concept of the learning path.
//!
//! `start` installs a panic hook and renders [`app::App`] into `<body>`. The app owns the reader's
//! [`session::Session`] (a scenario's `Run` plus what the reader did to it) and the URL; the views
//! draw plain data and send inputs back. There is no simulation logic here: a bug in the
//! simulation is a panic, which the hook turns into a visible panel rather than a dead page.

pub mod app;
pub mod author;
pub mod challenge;
pub mod embed;
pub mod goals;
pub mod home;
pub mod narration;
pub mod panel;
pub mod pitfalls;
pub mod progress;
pub mod session;
pub mod stepper;
pub mod terminal;
// The query and fragment codec is pure and lives with the scenarios (tested natively and fuzzed
// without the `ui` feature); the views keep reaching it as `ui::url`.
pub use crate::scenario::url;
pub mod views;
pub mod yourfile;

/// Entry point on wasm: the panic panel, then the app.
pub fn start() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_error_panel(&info.to_string());
    }));
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    // The build wrote this page's first paint (src/bin/prerender.rs): it was for reading while
    // the wasm loaded. The app draws the same components, live, in its place. Both happen in this
    // one task, so the browser never paints an empty page in between.
    for id in [PRERENDER_ID, PRERENDER_EMBED_ID] {
        if let Some(el) = document.get_element_by_id(id) {
            el.remove();
        }
    }
    yew::Renderer::<app::App>::with_root(body.into()).render();
}

/// The element that holds a page's prerendered markup, and the `<template>` with its embed layout.
pub const PRERENDER_ID: &str = "prerender";
pub const PRERENDER_EMBED_ID: &str = "prerender-embed";

/// Text with `backtick` spans rendered as code, as the transcripts and summaries write them.
pub(crate) fn rich(text: &str) -> yew::Html {
    use yew::html;
    let parts = text.split('`').enumerate().map(|(i, part)| {
        if i % 2 == 1 {
            html! { <code>{part.to_string()}</code> }
        } else {
            html! { {part.to_string()} }
        }
    });
    html! { <>{ for parts }</> }
}

/// Appends a visible panel with the panic message straight to the DOM: yew may be dead by now.
fn show_error_panel(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    let Ok(panel) = document.create_element("div") else {
        return;
    };
    let _ = panel.set_attribute("data-testid", "error-panel");
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("class", "error-panel");
    let heading = document.create_element("strong").ok();
    if let Some(h) = &heading {
        h.set_text_content(Some(
            "Dockyard hit a bug and stopped. Reloading the page usually helps.",
        ));
        let _ = panel.append_child(h);
    }
    if let Ok(pre) = document.create_element("pre") {
        pre.set_text_content(Some(message));
        let _ = panel.append_child(&pre);
    }
    let _ = body.append_child(&panel);
}

/// Small DOM helpers shared by the components; every one of them tolerates a missing node.
pub(crate) mod dom {
    use wasm_bindgen::JsCast;

    pub fn window() -> Option<web_sys::Window> {
        web_sys::window()
    }

    pub fn document() -> Option<web_sys::Document> {
        window().and_then(|w| w.document())
    }

    /// `location.search`, or "" when unavailable.
    pub fn search() -> String {
        window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default()
    }

    /// `location.pathname`, or "" when unavailable.
    pub fn pathname() -> String {
        window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_default()
    }

    /// `origin + pathname`, the absolute address of this page without its query.
    pub fn page_address() -> String {
        let origin = window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        format!("{origin}{}", pathname())
    }

    /// `location.hash` with its `#`, or "".
    pub fn hash() -> String {
        window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default()
    }

    /// Rewrites the query and the fragment of the current entry in the history (no navigation,
    /// no new entry). `fragment` is without its `#`; `None` drops any.
    pub fn replace_url(query: &str, fragment: Option<&str>) {
        let Some(history) = window().and_then(|w| w.history().ok()) else {
            return;
        };
        let mut url = if query.is_empty() {
            pathname()
        } else {
            format!("?{query}")
        };
        if let Some(fragment) = fragment {
            url.push('#');
            url.push_str(fragment);
        }
        if url.is_empty() {
            return;
        }
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }

    /// Marks `<html data-live>`: the wasm app has drawn itself and takes input (until then the
    /// prerendered page shows its loading state).
    pub fn mark_live() {
        if let Some(root) = document().and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-live", "");
        }
    }

    pub fn set_title(title: &str) {
        if let Some(d) = document() {
            d.set_title(title);
        }
    }

    pub fn inner_width() -> f64 {
        window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|v| v.as_f64())
            .unwrap_or(1280.0)
    }

    /// Scrolls `container` (and only it, not the page) so that `child` is in view.
    pub fn scroll_within(container: &web_sys::Element, child: &web_sys::Element) {
        let (Some(c), Some(e)) = (
            container.dyn_ref::<web_sys::HtmlElement>(),
            child.dyn_ref::<web_sys::HtmlElement>(),
        ) else {
            return;
        };
        let top = e.offset_top();
        let bottom = top + e.offset_height();
        let view_top = c.scroll_top();
        let view_bottom = view_top + c.client_height();
        if top < view_top + 8 || bottom > view_bottom - 8 {
            let target = top - (c.client_height() - e.offset_height().min(c.client_height())) / 3;
            c.set_scroll_top(target.max(0));
        }
    }

    /// Scrolls an element to its end.
    pub fn scroll_to_end(el: &web_sys::Element) {
        el.set_scroll_top(el.scroll_height());
    }

    /// Is the element one that takes typing (where the page's shortcuts must not fire)?
    pub fn takes_typing(el: &web_sys::Element) -> bool {
        let tag = el.tag_name().to_ascii_uppercase();
        matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA")
            || el
                .get_attribute("contenteditable")
                .is_some_and(|v| v != "false")
    }

    /// Does Space already mean "activate" on this element?
    pub fn activates_on_space(el: &web_sys::Element) -> bool {
        let tag = el.tag_name().to_ascii_uppercase();
        matches!(tag.as_str(), "BUTTON" | "A" | "SUMMARY")
            || el
                .get_attribute("role")
                .is_some_and(|r| r == "button" || r == "menuitem")
    }

    /// Selects the text inside `el` (so that Ctrl+C copies it).
    pub fn select_contents(el: &web_sys::Element) {
        if let Some(selection) = window().and_then(|w| w.get_selection().ok().flatten()) {
            let _ = selection.select_all_children(el);
        }
    }

    /// Copies text to the clipboard; `done(true)` on success, `done(false)` when the browser
    /// refuses or has no clipboard (never an uncaught error).
    pub fn copy_text(text: &str, done: impl Fn(bool) + Clone + 'static) {
        use wasm_bindgen::prelude::Closure;
        let Some(navigator) = window().map(|w| w.navigator()) else {
            done(false);
            return;
        };
        // `navigator.clipboard` is undefined outside a secure context.
        let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
            .map(|v| !v.is_undefined() && !v.is_null())
            .unwrap_or(false);
        if !has_clipboard {
            done(false);
            return;
        }
        let promise = navigator.clipboard().write_text(text);
        let ok = done.clone();
        let resolve = Closure::once(move |_: wasm_bindgen::JsValue| ok(true));
        let reject = Closure::once(move |_: wasm_bindgen::JsValue| done(false));
        let _ = promise.then2(&resolve, &reject);
        // The closures must outlive this call; one small leak per click on Copy.
        resolve.forget();
        reject.forget();
    }
}
