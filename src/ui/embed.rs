//! Embedding a page in a note: the `<iframe>` snippet a page offers (in three sizes), the line that
//! says what happened at the step shown, and the small link back to the full page that the compact
//! embed shows.
//!
//! With `&embed` in the URL the page drops its header, narration, goals and this snippet, and keeps
//! the picture, the stepper with the current narration line under it, and the terminal. The layout
//! (style.css, `.embed-layout`) fills the frame: in a frame under 540 px tall the picture, the
//! stepper and that line fill the first screen and the terminal follows below (the frame scrolls);
//! from 540 px on, the terminal shares the screen. The snippet's address is the current moment
//! (scenario, seed, step, the reader's own inputs), so a note can embed exactly what its author was
//! looking at.
//!
//! The same line sits under the stepper on a narrow screen, where the narration panel is far below
//! the picture: stepping on a phone shows what each step did without scrolling.

use std::rc::Rc;

use yew::prelude::*;

use super::narration::Item;
use super::rich;

/// Escapes text for an HTML attribute value in double quotes.
pub fn attr_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The frame sizes the snippet offers; each is a layout the embed is built and tested for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EmbedSize {
    /// 640 × 400: the picture, the stepper and the current line; the terminal is below (scroll).
    Compact,
    /// The note's width × 560: the terminal on the same screen.
    Standard,
    /// The note's width × 800: a larger picture and terminal.
    Tall,
}

impl EmbedSize {
    pub const ALL: [EmbedSize; 3] = [EmbedSize::Compact, EmbedSize::Standard, EmbedSize::Tall];

    /// The iframe's `width` attribute and its height in pixels.
    pub fn frame(self) -> (&'static str, u32) {
        match self {
            EmbedSize::Compact => ("640", 400),
            EmbedSize::Standard => ("100%", 560),
            EmbedSize::Tall => ("100%", 800),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EmbedSize::Compact => "compact 640 × 400",
            EmbedSize::Standard => "standard, full width × 560",
            EmbedSize::Tall => "tall, full width × 800",
        }
    }

    fn key(self) -> &'static str {
        match self {
            EmbedSize::Compact => "compact",
            EmbedSize::Standard => "standard",
            EmbedSize::Tall => "tall",
        }
    }
}

/// The snippet for `src` (an absolute address with `&embed`) at `size`. The query keeps its plain
/// `&`s, as people write them (no parameter name starts like an HTML entity); quotes and angle
/// brackets, which our URLs percent-encode anyway, are escaped. A fixed-width frame also gets
/// `max-width:100%`, so that it shrinks in a column narrower than itself instead of overflowing.
pub fn iframe_snippet(src: &str, title: &str, size: EmbedSize) -> String {
    let src = src
        .replace('"', "%22")
        .replace('<', "%3C")
        .replace('>', "%3E");
    let (width, height) = size.frame();
    let style = if width.ends_with('%') {
        "border:0"
    } else {
        "border:0;max-width:100%"
    };
    format!(
        "<iframe src=\"{src}\" width=\"{width}\" height=\"{height}\" style=\"{style}\" title=\"{}\"></iframe>",
        attr_escape(title)
    )
}

/// The embed address, with `&lite` when the reader asked for a lite embed: the built page then
/// shows its prerendered picture and a start button, and downloads the wasm only on that click
/// (src/bin/prerender.rs writes the loader that reads it).
pub fn with_lite(src: &str, lite: bool) -> String {
    if lite {
        format!("{src}&lite")
    } else {
        src.to_string()
    }
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
    let size = use_state(|| EmbedSize::Standard);
    let lite = use_state(|| false);
    let area = use_node_ref();
    let src = with_lite(&props.src, *lite);
    let snippet = iframe_snippet(&src, &props.title, *size);
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
    let sizes = EmbedSize::ALL.iter().map(|&choice| {
        let checked = *size == choice;
        let size = size.clone();
        let onchange = Callback::from(move |_: Event| size.set(choice));
        let id = format!("embed-size-{}", choice.key());
        html! {
            <label key={choice.key()} for={id.clone()} class="embed-size">
                <input type="radio" name="embed-size" id={id} value={choice.key()} data-testid="embed-size"
                    {checked} {onchange} />
                {choice.label()}
            </label>
        }
    });
    html! {
        <div class="embed-box">
            <p class="muted">{"Embed this exact moment in a note or a page:"}</p>
            <fieldset class="embed-sizes">
                <legend>{"Size"}</legend>
                { for sizes }
            </fieldset>
            <label class="embed-lite" for="embed-lite">
                <input type="checkbox" id="embed-lite" data-testid="embed-lite" checked={*lite}
                    onchange={{
                        let lite = lite.clone();
                        Callback::from(move |_: Event| lite.set(!*lite))
                    }} />
                {"Lite: show the picture and load the simulation (1 MB) only when the reader presses start — for a note with several embeds"}
            </label>
            <pre class="embed-snippet" data-testid="embed-snippet" ref={area} tabindex="0" aria-label="Embed snippet"
                onclick={select_all}><code>{snippet.clone()}</code></pre>
            <div class="embed-actions">
                <button class="button" data-testid="copy-embed" {onclick}>{label}</button>
                <span class="muted" aria-live="polite">{note}</span>
            </div>
        </div>
    }
}

/// What the line under the stepper says at a step: the step's number, clock and title, and its
/// narration in one paragraph (CSS cuts it to two lines; the narration panel has the rest).
#[derive(Clone, PartialEq, Debug)]
pub struct Now {
    pub step: usize,
    /// `0:10.120`, empty at the start.
    pub clock: String,
    pub title: String,
    pub text: String,
    pub error: bool,
}

/// The line for `cursor` among a run's narration items. At the start it is the transcript's first
/// guide note (what the scenario is about to show), or how to take the first step.
pub fn now_at(items: &[Item], cursor: usize) -> Now {
    let step = items.iter().find_map(|item| match item {
        Item::Step {
            k,
            clock,
            title,
            lines,
            error,
            ..
        } if *k == cursor => Some(Now {
            step: *k,
            clock: clock.clone(),
            title: title.clone(),
            text: lines.join(" "),
            error: *error,
        }),
        _ => None,
    });
    step.unwrap_or_else(|| {
        let intro = items.iter().find_map(|item| match item {
            Item::Note { before: 1, lines } => Some(lines.join(" ")),
            _ => None,
        });
        Now {
            step: cursor,
            clock: String::new(),
            title: "start".to_string(),
            text: intro.unwrap_or_else(|| {
                "Press ▶ (or →) to take the first step, or type a command.".to_string()
            }),
            error: false,
        }
    })
}

#[derive(Properties, PartialEq)]
pub struct NowLineProps {
    pub items: Rc<Vec<Item>>,
    pub cursor: usize,
}

/// The current narration entry in one or two lines, under the stepper (the embed, narrow screens).
/// It is a polite live region: where it shows, it is the only narration a screen reader hears
/// change when stepping.
#[function_component(NowLine)]
pub fn now_line(props: &NowLineProps) -> Html {
    let now = now_at(&props.items, props.cursor);
    html! {
        <p class={classes!("now-line", now.error.then_some("error"))} data-testid="now-line"
            data-step={now.step.to_string()} aria-live="polite">
            <span class="now-clamp">
                <span class="now-head">
                    <span class="now-k">{now.step.to_string()}</span>
                    if !now.clock.is_empty() {
                        <span class="now-clock">{now.clock.clone()}</span>
                    }
                    <span class="now-title">{now.title.clone()}</span>
                </span>
                if !now.text.is_empty() {
                    <span class="now-text">{rich(&now.text)}</span>
                }
            </span>
        </p>
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
            EmbedSize::Standard,
        );
        assert_eq!(
            s,
            "<iframe src=\"https://x.test/d/?page=a&in=0$echo+%22hi%22&embed\" width=\"100%\" height=\"560\" style=\"border:0\" title=\"Dockyard: &quot;A&quot; &lt;b&gt;\"></iframe>"
        );
    }

    #[test]
    fn a_lite_embed_says_so_in_its_address() {
        let src = "https://x.test/swarm-basics.html?page=swarm-basics&step=0&embed";
        assert_eq!(with_lite(src, false), src);
        let lite = with_lite(src, true);
        assert!(lite.ends_with("&embed&lite"), "{lite}");
        assert!(iframe_snippet(&lite, "t", EmbedSize::Compact).contains("&embed&lite\""));
    }

    #[test]
    fn each_size_has_its_frame_and_a_fixed_width_shrinks() {
        let compact = iframe_snippet("https://x.test/?page=a&embed", "t", EmbedSize::Compact);
        assert!(
            compact.contains("width=\"640\" height=\"400\" style=\"border:0;max-width:100%\""),
            "{compact}"
        );
        let tall = iframe_snippet("https://x.test/?page=a&embed", "t", EmbedSize::Tall);
        assert!(
            tall.contains("width=\"100%\" height=\"800\" style=\"border:0\""),
            "{tall}"
        );
    }

    #[test]
    fn the_line_under_the_stepper_follows_the_cursor() {
        use crate::scenario::{Run, catalogue};
        use crate::ui::narration::items;
        let (_, scenario) = catalogue::for_page("containers-lifecycle").remove(0);
        let mut run = Run::play(&scenario, None).expect("the shipped scenario plays");
        let all = items(&run);
        // At the start: the transcript's first guide note.
        let start = now_at(&all, 0);
        assert_eq!((start.step, start.title.as_str()), (0, "start"));
        let intro = all.iter().find_map(|i| match i {
            Item::Note { before: 1, lines } => Some(lines.join(" ")),
            _ => None,
        });
        assert_eq!(Some(start.text), intro);
        // At step 2: that step's title and narration.
        run.seek(2);
        let now = now_at(&items(&run), 2);
        let Some(Item::Step { title, lines, .. }) =
            all.iter().find(|i| matches!(i, Item::Step { k: 2, .. }))
        else {
            panic!("no step 2 in {all:?}");
        };
        assert_eq!((now.step, &now.title), (2, title));
        assert_eq!(now.text, lines.join(" "));
        assert!(!now.clock.is_empty());
    }
}
