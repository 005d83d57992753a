//! The challenge panel: what the reader has to do on a checkpoint or a mission, without a
//! transcript to follow.
//!
//! A challenge opens on its starting world with goals to reach (the goals panel shows them,
//! checked after every step the reader takes). This panel gives the hints one at a time, on
//! demand, offers the reference solution (the same page with `&solution`, a transcript to step
//! through), and once every goal is met, the debrief: what the challenge exercised and which
//! page of the path teaches it. Watching the solution, it offers the way back to the challenge.

use yew::prelude::*;

use super::rich;

#[derive(Properties, PartialEq)]
pub struct ChallengeProps {
    pub hints: Vec<String>,
    pub debrief: Vec<String>,
    /// How many hints the reader has asked for.
    pub hints_shown: usize,
    /// Every goal is met at the step shown.
    pub solved: bool,
    /// The reference solution is playing rather than the reader's own attempt.
    pub solution: bool,
    pub on_hint: Callback<()>,
    /// `true`: show the solution; `false`: back to the challenge.
    pub on_solution: Callback<bool>,
}

#[function_component(ChallengePanel)]
pub fn challenge_panel(props: &ChallengeProps) -> Html {
    if props.solution {
        let back = props.on_solution.reform(|_: MouseEvent| false);
        return html! {
            <div class="challenge" data-testid="challenge">
                <p>{"You are watching the reference solution: step through it, or type your own commands from any step."}</p>
                <button type="button" class="button" data-testid="back-to-challenge" onclick={back}>{"← Back to the challenge"}</button>
            </div>
        };
    }
    let shown = props.hints_shown.min(props.hints.len());
    let on_hint = props.on_hint.reform(|_: MouseEvent| ());
    let show = props.on_solution.reform(|_: MouseEvent| true);
    html! {
        <div class="challenge" data-testid="challenge">
            if props.solved {
                <div class="debrief" data-testid="debrief" role="status">
                    <p><strong>{"Solved."}</strong></p>
                    { for props.debrief.iter().map(|d| html! { <p>{rich(d)}</p> }) }
                </div>
            } else {
                <p class="muted">{"No transcript here: reach the goals with your own commands. Stepping back and typing again is allowed."}</p>
            }
            if shown > 0 {
                <ol class="hints" data-testid="hints">
                    { for props.hints[..shown].iter().map(|h| html! { <li>{rich(h)}</li> }) }
                </ol>
            }
            <p class="challenge-actions">
                if shown < props.hints.len() {
                    <button type="button" class="button" data-testid="hint-button" onclick={on_hint}>
                        {format!("Show a hint ({} of {})", shown + 1, props.hints.len())}
                    </button>
                }
                <button type="button" class="button" data-testid="show-solution" onclick={show}>{"Show a solution"}</button>
            </p>
        </div>
    }
}
