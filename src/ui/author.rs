//! "Save as scenario": what the reader did, as a transcript to edit, check and share.
//!
//! The transcript comes from src/scenario/author.rs (the session's inputs in the documented
//! grammar). Here it is a text area: every edit is parsed as `dockyard play` parses it, and the
//! first mistake is shown with its line and column; goals are added from the list of checks the
//! simulator knows; **Play it** runs the transcript headless and gives each goal's verdict; the
//! link carries the text compressed in its fragment (`#scenario=…`), with an embed snippet for a
//! note, or a download when it is too long for a link. Nothing here runs anything but the
//! simulation.

use yew::prelude::*;

use super::embed::{EmbedSize, iframe_snippet};
use super::url::{self, CUSTOM, Fragment, Query};
use crate::scenario::author::{CHECK_FORMS, goal_results};
use crate::scenario::run::GoalStatus;
use crate::scenario::{Run, Scenario, catalogue};
use crate::sim::yourfile::link;

#[derive(Properties, PartialEq)]
pub struct ScenarioEditorProps {
    /// The transcript to start from.
    pub initial: AttrValue,
    /// The page it opens on when its `page:` names none that exists.
    pub page: &'static str,
    /// This site's address without a query, for the link and the embed snippet.
    pub page_address: AttrValue,
    pub on_close: Callback<()>,
}

/// Where a transcript opens: its own `page:` when that is a ready page, else `fallback`.
pub fn page_of(scenario: &Scenario, fallback: &'static str) -> &'static str {
    catalogue::page(&scenario.page)
        .filter(|p| p.ready())
        .map_or(fallback, |p| p.slug)
}

/// The query and fragment that open a transcript (`embed` for a frame).
pub fn scenario_link(text: &str, page: &str, embed: bool) -> Result<String, link::LinkError> {
    let code = link::pack(text)?;
    let q = Query {
        page: Some(page.to_string()),
        scenario: Some(CUSTOM.to_string()),
        embed,
        ..Query::default()
    };
    Ok(format!(
        "?{}#{}",
        url::serialize(&q),
        Fragment::Scenario(code).serialize()
    ))
}

/// What **Play it** found: each goal's line, text and verdict, or the error that stopped it.
#[derive(Clone, PartialEq)]
enum Played {
    Not,
    Goals(Vec<(usize, String, GoalStatus)>),
    Failed(String),
}

/// Long because it is one form: the text, its status, the goal list, play, link and embed.
#[function_component(ScenarioEditor)]
pub fn scenario_editor(props: &ScenarioEditorProps) -> Html {
    let text = use_state(|| props.initial.to_string());
    let played = use_state(|| Played::Not);
    let parsed = Scenario::parse(&text);
    let oninput = {
        let text = text.clone();
        let played = played.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                text.set(area.value());
                played.set(Played::Not);
            }
        })
    };
    let on_goal = {
        let text = text.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let Some(form) = select
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| CHECK_FORMS.get(i))
            else {
                return;
            };
            let mut next = (*text).clone();
            if !next.ends_with('\n') && !next.is_empty() {
                next.push('\n');
            }
            next.push_str(&format!("expect eventually: {}\n", form.example));
            text.set(next);
            select.set_value("");
        })
    };
    let on_play = {
        let text = text.clone();
        let played = played.clone();
        Callback::from(move |_: MouseEvent| {
            let result = Scenario::parse(&text)
                .map_err(|e| e.to_string())
                .and_then(|s| {
                    Run::play_capped(&s, None, super::session::MAX_EXTRA_STEPS)
                        .map_err(|e| e.to_string())
                });
            played.set(match result {
                Ok(run) => Played::Goals(
                    goal_results(&run)
                        .into_iter()
                        .map(|(g, status)| (g.line, g.text.clone(), status))
                        .collect(),
                ),
                Err(e) => Played::Failed(e),
            });
        })
    };
    let status = match &parsed {
        Ok(s) => {
            let goals = s
                .actions
                .iter()
                .filter(|(_, a)| matches!(a, crate::scenario::parse::Action::Expect(_)))
                .count();
            html! { <p class="author-status ok" data-testid="scenario-status">
                {format!("✓ Reads as a scenario: {} lines to play, {goals} goal{}.", s.actions.len(), if goals == 1 { "" } else { "s" })}
            </p> }
        }
        Err(e) => {
            html! { <p class="author-status error" data-testid="scenario-status" role="alert">{e.to_string()}</p> }
        }
    };
    let verdict = match &*played {
        Played::Not => Html::default(),
        Played::Failed(e) => {
            html! { <p class="author-verdict error" data-testid="scenario-verdict">{format!("It stopped: {e}")}</p> }
        }
        Played::Goals(goals) if goals.is_empty() => {
            html! { <p class="author-verdict" data-testid="scenario-verdict">{"It plays to the end. Add a goal to say what it shows."}</p> }
        }
        Played::Goals(goals) => {
            let met = goals.iter().filter(|g| g.2 == GoalStatus::Met).count();
            html! {
                <div class="author-verdict" data-testid="scenario-verdict">
                    <p>{format!("{met} of {} goals met at the end, as `dockyard play` judges them.", goals.len())}</p>
                    <ul>
                        { for goals.iter().map(|(line, goal, status)| html! {
                            <li class={status.as_str()}>{format!("{} line {line}: {goal}", if *status == GoalStatus::Met { "✓" } else { "✗" })}</li>
                        }) }
                    </ul>
                </div>
            }
        }
    };
    let share = match &parsed {
        Err(_) => Html::default(),
        Ok(s) => {
            let page = page_of(s, props.page);
            match (
                scenario_link(&text, page, false),
                scenario_link(&text, page, true),
            ) {
                (Ok(open), Ok(embed)) => {
                    let snippet = iframe_snippet(
                        &format!("{}{embed}", props.page_address),
                        &format!("Dockyard: {}", s.title),
                        EmbedSize::Standard,
                    );
                    html! {
                        <div class="author-share">
                            <a class="button primary" data-testid="scenario-link" href={open} target="_blank" rel="noopener">{"Open this scenario ↗"}</a>
                            <p class="panel-hint">{"The link carries the whole transcript (compressed, after the #): nothing is uploaded. To embed it in a note:"}</p>
                            <textarea class="author-embed" data-testid="scenario-embed" readonly=true rows="3" value={snippet} aria-label="Embed snippet" />
                        </div>
                    }
                }
                (Err(e), _) | (_, Err(e)) => html! {
                    <div class="author-share">
                        <p class="author-status error" data-testid="scenario-too-long">{e.to_string()}</p>
                        <a class="button" download="scenario.txt" href={format!("data:text/plain;charset=utf-8,{}", url::encode(&text))}>{"Download scenario.txt"}</a>
                    </div>
                },
            }
        }
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="author" data-testid="scenario-editor">
            <p class="panel-hint">{"What you did, as a transcript (the format `dockyard play` reads). Edit it, add goals, play it, share it."}</p>
            <textarea class="author-text" data-testid="scenario-text" rows="14" spellcheck="false" value={(*text).clone()} {oninput} aria-label="Scenario transcript" />
            { status }
            <div class="author-tools">
                <label for="check-forms">{"Add a goal"}</label>
                <select id="check-forms" data-testid="check-forms" onchange={on_goal}>
                    <option value="" selected=true>{"choose a check…"}</option>
                    { for CHECK_FORMS.iter().enumerate().map(|(i, f)| html! {
                        <option value={i.to_string()}>{format!("{}: {}", f.group, f.form)}</option>
                    }) }
                </select>
                <button class="button" type="button" data-testid="scenario-play" onclick={on_play} disabled={parsed.is_err()}>{"Play it"}</button>
                <button class="button" type="button" data-testid="scenario-close" onclick={close}>{"Close"}</button>
            </div>
            { verdict }
            { share }
        </div>
    }
}
