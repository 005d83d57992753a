//! Embedding a page in a note: the `<iframe>` snippet a page offers, and the small link back to the
//! full page that the compact embed shows.
//!
//! With `&embed` in the URL the page drops its header, narration, goals and this snippet, and keeps
//! the picture, the stepper and the terminal, sized for an iframe about 560 px tall. The snippet's
//! address is the current moment (scenario, seed, step, the reader's own inputs), so a note can
//! embed exactly what its author was looking at.

use yew::prelude::*;

/// Escapes text for an HTML attribute value in double quotes.
pub fn attr_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The snippet for `src` (an absolute address with `&embed`). The query keeps its plain `&`s, as
/// people write them (no parameter name starts like an HTML entity); quotes and angle brackets,
/// which our URLs percent-encode anyway, are escaped.
pub fn iframe_snippet(src: &str, title: &str) -> String {
    let src = src
        .replace('"', "%22")
        .replace('<', "%3C")
        .replace('>', "%3E");
    format!(
        "<iframe src=\"{src}\" width=\"100%\" height=\"560\" style=\"border:0\" title=\"{}\"></iframe>",
        attr_escape(title)
    )
}

#[derive(Properties, PartialEq)]
pub struct EmbedSnippetProps {
    /// The absolute address of this moment, with `&embed`.
    pub src: AttrValue,
    pub title: AttrValue,
}

#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Yes,
    Refused,
}

#[function_component(EmbedSnippet)]
pub fn embed_snippet(props: &EmbedSnippetProps) -> Html {
    let copied = use_state(|| Copied::Not);
    let area = use_node_ref();
    let snippet = iframe_snippet(&props.src, &props.title);
    {
        // A new moment means a new snippet: the "copied" mark no longer applies.
        let copied = copied.clone();
        use_effect_with(snippet.clone(), move |_| copied.set(Copied::Not));
    }
    let onclick = {
        let copied = copied.clone();
        let snippet = snippet.clone();
        let area = area.clone();
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            let area = area.clone();
            super::dom::copy_text(&snippet, move |ok| {
                if !ok {
                    // Select it so that Ctrl+C / long-press copies it.
                    if let Some(el) = area.cast::<web_sys::Element>() {
                        super::dom::select_contents(&el);
                    }
                }
                copied.set(if ok { Copied::Yes } else { Copied::Refused });
            });
        })
    };
    let select_all = {
        let area = area.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = area.cast::<web_sys::Element>() {
                super::dom::select_contents(&el);
            }
        })
    };
    let (label, note) = match *copied {
        Copied::Not => ("Copy", ""),
        Copied::Yes => (
            "Copied ✓",
            "Paste it into any page or note that accepts HTML.",
        ),
        Copied::Refused => (
            "Copy",
            "The browser refused; the snippet is selected, press Ctrl+C.",
        ),
    };
    html! {
        <div class="embed-box">
            <p class="muted">{"Embed this exact moment in a note or a page:"}</p>
            <pre class="embed-snippet" data-testid="embed-snippet" ref={area} tabindex="0" aria-label="Embed snippet"
                onclick={select_all}><code>{snippet.clone()}</code></pre>
            <div class="embed-actions">
                <button class="button" data-testid="copy-embed" {onclick}>{label}</button>
                <span class="muted" aria-live="polite">{note}</span>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct OpenFullProps {
    /// The relative address of the full page (`?page=…` without `embed`).
    pub href: AttrValue,
    pub title: AttrValue,
}

/// The compact embed's footer: what this is, and a way out to the full page.
#[function_component(OpenFull)]
pub fn open_full(props: &OpenFullProps) -> Html {
    html! {
        <div class="embed-foot">
            <span class="embed-title">{"Dockyard · "}{props.title.clone()}</span>
            <a href={props.href.clone()} target="_blank" rel="noopener" data-testid="open-full">{"open in Dockyard ↗"}</a>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_is_an_escaped_iframe() {
        let s = iframe_snippet(
            "https://x.test/d/?page=a&in=0$echo+%22hi%22&embed",
            "Dockyard: \"A\" <b>",
        );
        assert_eq!(
            s,
            "<iframe src=\"https://x.test/d/?page=a&in=0$echo+%22hi%22&embed\" width=\"100%\" height=\"560\" style=\"border:0\" title=\"Dockyard: &quot;A&quot; &lt;b&gt;\"></iframe>"
        );
    }
}
