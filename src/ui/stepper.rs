//! The stepper: back, play/pause, forward, skip to the next narrated moment, speed, a scrubber over
//! the known steps, and where we are (`step 3 / 10` and the simulated clock, `0:00:10.120`).
//!
//! A real host only moves forward in time; here every step is a record the reader can revisit.
//! The total is the end of the story (the scenario's steps, or up to the reader's last command),
//! and it stays put: forward at the end runs the next scheduled event (a stop's grace period
//! ending, a restart back-off, a healthcheck), its title says which and when, and the steps it
//! adds are shown as "+k past the scenario" rather than growing the total, so the reader always
//! knows where the lesson ended. It is disabled when nothing is scheduled that would make a step.
//! Play stops at the end of the story. Playing maps simulated steps to wall time at a fixed pace
//! (700 ms per step at 1×), not to simulated milliseconds, so a 10 s grace period does not mean a
//! 10 s wait; ▸▸ (Shift+→) skips to the next moment the narration has something to say.

use yew::prelude::*;

/// The speeds offered, as multipliers of the base pace.
pub const SPEEDS: &[(f64, &str)] = &[(0.5, "0.5×"), (1.0, "1×"), (2.0, "2×"), (4.0, "4×")];
/// Wall-clock time per step at 1×.
pub const BASE_STEP_MS: f64 = 700.0;

/// Milliseconds between steps at speed `index`.
pub fn interval_ms(index: usize) -> u32 {
    let speed = SPEEDS.get(index).map(|s| s.0).unwrap_or(1.0);
    (BASE_STEP_MS / speed).round() as u32
}

#[derive(Properties, PartialEq)]
pub struct StepperProps {
    pub cursor: usize,
    /// Known steps (the scrubber's range).
    pub len: usize,
    /// The end of the story: the total shown.
    pub total: usize,
    /// `+3 past the scenario` when the cursor is beyond `total`.
    #[prop_or_default]
    pub past: Option<AttrValue>,
    pub can_forward: bool,
    /// What → does: `Step forward (→)`, `Run the next scheduled event: … at 0:01:30 (→)`.
    pub forward_title: AttrValue,
    /// Where ▸▸ goes, if anywhere.
    #[prop_or_default]
    pub skip_to: Option<usize>,
    pub playing: bool,
    pub speed: usize,
    /// The simulated clock at the cursor (`0:00:10.120`).
    pub clock: AttrValue,
    pub on_back: Callback<()>,
    pub on_forward: Callback<()>,
    pub on_skip: Callback<()>,
    pub on_play: Callback<()>,
    pub on_speed: Callback<usize>,
    pub on_seek: Callback<usize>,
}

#[function_component(Stepper)]
pub fn stepper(props: &StepperProps) -> Html {
    let emit = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_speed = {
        let cb = props.on_speed.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>()
                && let Ok(i) = select.value().parse::<usize>()
            {
                cb.emit(i);
            }
        })
    };
    let on_seek = {
        let cb = props.on_seek.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>()
                && let Ok(k) = input.value().parse::<usize>()
            {
                cb.emit(k);
            }
        })
    };
    let at_start = props.cursor == 0;
    let skip_title = match props.skip_to {
        Some(k) => format!("Skip to the next narrated moment: step {k} (Shift+→)"),
        None => "Nothing narrated ahead".to_string(),
    };
    let (play_label, play_icon) = if props.playing {
        (
            "Pause (space)",
            html! { <svg viewBox="0 0 16 16" aria-hidden="true"><rect x="3" y="2" width="3.5" height="12" rx="1"/><rect x="9.5" y="2" width="3.5" height="12" rx="1"/></svg> },
        )
    } else {
        (
            "Play (space)",
            html! { <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 2.2 L13.5 8 L4 13.8 z"/></svg> },
        )
    };
    html! {
        <div class="stepper" role="group" aria-label="Step through the scenario">
            <div class="stepper-buttons">
                <button class="step-button" data-testid="step-back" onclick={emit(&props.on_back)} disabled={at_start}
                    aria-label="Step back" title="Step back (←)">
                    <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M12 2.2 L2.5 8 L12 13.8 z"/></svg>
                </button>
                <button class={classes!("step-button", "play", props.playing.then_some("playing"))} data-testid="play"
                    onclick={emit(&props.on_play)} aria-label={play_label} aria-pressed={if props.playing { "true" } else { "false" }}
                    title={play_label}>
                    { play_icon }
                </button>
                <button class="step-button" data-testid="step-forward" onclick={emit(&props.on_forward)}
                    disabled={!props.can_forward} aria-label="Step forward" title={props.forward_title.clone()}>
                    <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 2.2 L13.5 8 L4 13.8 z"/><rect x="13" y="2.2" width="1.6" height="11.6" rx=".5"/></svg>
                </button>
                <button class="step-button" data-testid="step-skip" onclick={emit(&props.on_skip)}
                    disabled={props.skip_to.is_none()} aria-label="Skip to the next narrated moment" title={skip_title}>
                    <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1.5 2.2 L8.5 8 L1.5 13.8 z"/><path d="M8 2.2 L15 8 L8 13.8 z"/></svg>
                </button>
            </div>
            <input class="scrubber" data-testid="scrubber" type="range" min="0" max={props.len.to_string()}
                value={props.cursor.to_string()} step="1" oninput={on_seek} aria-label="Seek to a step"
                aria-valuetext={format!("step {} of {}", props.cursor, props.total)} />
            <div class="step-label" data-testid="step-label" aria-live="polite">
                <span class="step-count">{format!("step {} / {}", props.cursor, props.total)}</span>
                if let Some(past) = &props.past {
                    <span class="past-end" data-testid="past-end">{format!(" ({past})")}</span>
                }
                <span class="label-sep" aria-hidden="true">{" · "}</span>
                <span class="clock" title="simulated time">{props.clock.clone()}</span>
            </div>
            <label class="speed">
                <span class="visually-hidden">{"Speed"}</span>
                <select data-testid="speed" onchange={on_speed} title="Playback speed">
                    { for SPEEDS.iter().enumerate().map(|(i, (_, label))| html! {
                        <option value={i.to_string()} selected={i == props.speed}>{*label}</option>
                    }) }
                </select>
            </label>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn speeds_map_to_intervals() {
        assert_eq!(super::interval_ms(0), 1400);
        assert_eq!(super::interval_ms(1), 700);
        assert_eq!(super::interval_ms(3), 175);
        assert_eq!(super::interval_ms(99), 700);
    }
}
