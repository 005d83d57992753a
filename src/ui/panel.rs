//! One panel of a page: a `<section class="panel …">` named by its `<h2>`, with an optional hint
//! and anything else the head needs (a button, what a diagram follows), then its content. Every
//! panel of a lesson (picture, side panel, terminal, narration, goals, embed) is one of these, so
//! they share one markup and one accessible name.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    /// The panel's own class next to `panel` (`picture-panel`, `diagram-panel`, …).
    pub class: &'static str,
    /// Its `data-testid`, when the tests look for it.
    #[prop_or_default]
    pub testid: Option<&'static str>,
    /// The id of its heading, which names the section (`aria-labelledby`).
    pub heading_id: &'static str,
    pub heading: AttrValue,
    /// A short note after the heading, in muted type.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// More in the head, after the hint.
    #[prop_or_default]
    pub head: Html,
    #[prop_or_default]
    pub children: Html,
}

#[function_component(Panel)]
pub fn panel(props: &PanelProps) -> Html {
    html! {
        <section class={classes!("panel", props.class)} data-testid={props.testid} aria-labelledby={props.heading_id}>
            <div class="panel-head">
                <h2 id={props.heading_id}>{props.heading.clone()}</h2>
                if let Some(hint) = &props.hint {
                    <span class="panel-hint">{hint.clone()}</span>
                }
                { props.head.clone() }
            </div>
            { props.children.clone() }
        </section>
    }
}
