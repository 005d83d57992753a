//! The goals of a scenario: its `expect` lines, each met, pending or failed at the step shown.
//!
//! A transcript's `expect:` must hold right there, `expect eventually:` at some later step and
//! `expect always:` at every later step; the run evaluates them after each step, so stepping back
//! shows them pending again. Free play has no goals: we suggest a few things to try on that page
//! instead. A check is shown as a reader would write it: `output contains " Volume "app_db-data"
//! Created"` with the transcript's `\"` escapes undone and the quoted text set as code.

use std::rc::Rc;

use yew::prelude::*;

use super::rich;
use crate::scenario::{GoalStatus, Mode, Run};

#[derive(Clone, PartialEq, Debug)]
pub struct GoalView {
    pub text: String,
    pub mode: &'static str,
    pub status: GoalStatus,
}

/// The goals of a run at its cursor.
pub fn views(run: &Run) -> Vec<GoalView> {
    let statuses = run.goal_statuses();
    run.goals
        .goals
        .iter()
        .zip(statuses)
        .map(|(g, status)| GoalView {
            text: readable(&g.text),
            mode: match g.mode {
                Mode::Now => "now",
                Mode::Eventually => "eventually",
                Mode::Always => "always",
                Mode::Live => "now",
            },
            status,
        })
        .collect()
}

/// A check as the reader reads it: `\"` and `\\` unescaped, and a quoted text (`output contains
/// "…"`, `file … contains "…"`) in backticks, so it shows as code with its spaces.
pub fn readable(text: &str) -> String {
    let Some(open) = text.find(" \"") else {
        return text.to_string();
    };
    let (head, quoted) = (&text[..open], &text[open + 2..]);
    let Some(inner) = quoted.strip_suffix('"') else {
        return text.to_string();
    };
    let inner = inner.replace("\\\"", "\"").replace("\\\\", "\\");
    if inner.contains('`') {
        return format!("{head} \"{inner}\"");
    }
    format!("{head} `{inner}`")
}

#[derive(Properties, PartialEq)]
pub struct GoalsProps {
    pub goals: Rc<Vec<GoalView>>,
    /// What to try in free play, which has no goals (the page's `free_play_hint`).
    #[prop_or_default]
    pub free_play_hint: &'static str,
}

#[function_component(Goals)]
pub fn goals(props: &GoalsProps) -> Html {
    let met = props
        .goals
        .iter()
        .filter(|g| g.status == GoalStatus::Met)
        .count();
    let failed = props
        .goals
        .iter()
        .filter(|g| g.status == GoalStatus::Failed)
        .count();
    html! {
        <div class="goals" data-testid="goals">
            if props.goals.is_empty() {
                <p class="muted">{rich(props.free_play_hint)}</p>
            } else {
                <p class="goals-summary">
                    {format!("{met} of {} met", props.goals.len())}
                    if failed > 0 { <span class="bad">{format!(" · {failed} failed")}</span> }
                </p>
                <ul class="goal-list">
                    { for props.goals.iter().enumerate().map(|(i, g)| {
                        let (icon, label) = match g.status {
                            GoalStatus::Met => ("✓", "met"),
                            GoalStatus::Pending => ("…", "pending"),
                            GoalStatus::Failed => ("✗", "failed"),
                        };
                        html! {
                            <li key={i} class={classes!("goal", g.status.as_str())} data-testid="goal" data-status={g.status.as_str()}>
                                <span class="goal-icon" aria-label={label} title={label}>{icon}</span>
                                <span class="goal-text">{rich(&g.text)}</span>
                                <span class="goal-mode">{g.mode}</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn checks_read_without_escapes() {
        assert_eq!(
            readable(r#"output contains " Volume \"app_db-data\" Created""#),
            r#"output contains ` Volume "app_db-data" Created`"#
        );
        assert_eq!(
            readable(r#"output contains "\"version\":\"2.0\"""#),
            r#"output contains `"version":"2.0"`"#
        );
        assert_eq!(
            readable(r#"file /data/f in container web contains "hi""#),
            "file /data/f in container web contains `hi`"
        );
        assert_eq!(
            readable("container web is running"),
            "container web is running"
        );
        assert_eq!(
            readable(r#"output contains "a `b`""#),
            r#"output contains "a `b`""#
        );
        assert_eq!(readable(r#"odd " text"#), r#"odd " text"#);
    }
}
