//! The goals of a scenario: its `expect` lines, each met, pending or failed at the step shown.
//!
//! A transcript's `expect:` must hold right there, `expect eventually:` at some later step and
//! `expect always:` at every later step; the run evaluates them after each step, so stepping back
//! shows them pending again. Free play has no goals: we suggest a few things to try instead.

use std::rc::Rc;

use yew::prelude::*;

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
            text: g.text.clone(),
            mode: match g.mode {
                Mode::Now => "now",
                Mode::Eventually => "eventually",
                Mode::Always => "always",
            },
            status,
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct GoalsProps {
    pub goals: Rc<Vec<GoalView>>,
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
                <p class="muted">{"Free play has no goals. Try: run nginx with a published port, curl it, stop it and watch the grace period, crash it from the picture, or give it "}<code>{"--restart always"}</code>{" and reboot the host."}</p>
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
                                <span class="goal-text">{g.text.clone()}</span>
                                <span class="goal-mode">{g.mode}</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
