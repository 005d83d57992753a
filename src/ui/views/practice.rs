//! Page 15, the practice project: the shop's swarm, its production-readiness scorecard, and the
//! requests it answers.
//!
//! The picture is the swarm page's (nodes, their tasks, a node's menu to kill or drain it): the
//! shop is a stack like any other. The side panel is what this page adds: the scorecard of the
//! `shop` stack as the swarm runs it now (src/sim/readiness.rs), so every mission that fixes a
//! pitfall raises the score the moment its update lands, and the traffic chart that proves an
//! update lost no request. Each line of the scorecard links the scenario showing that pitfall.

use yew::prelude::*;

use super::swarm::SwarmSide;
use super::traffic_chart::TrafficChart;
use crate::sim::readiness::{self, PRACTICE_STACK};
use crate::ui::panel::Panel;

#[derive(Properties, PartialEq)]
pub struct ScorecardProps {
    pub world: super::WorldRef,
}

/// The scorecard of the shop stack, or what to do before it can be scored.
#[function_component(Scorecard)]
pub fn scorecard(props: &ScorecardProps) -> Html {
    let items = readiness::scorecard(&props.world, PRACTICE_STACK);
    if items.is_empty() {
        return html! {
            <div class="scorecard" data-testid="scorecard" data-score="0">
                <p class="muted">{format!("Deploy the stack as `{PRACTICE_STACK}` (`docker stack deploy -c stack.yml {PRACTICE_STACK}`) and its production readiness is scored here, live.")}</p>
            </div>
        };
    }
    let (passed, total) = readiness::score(&items);
    html! {
        <div class="scorecard" data-testid="scorecard" data-score={passed.to_string()}>
            <p class="scorecard-total"><strong>{format!("{passed} of {total}")}</strong>{" production checks pass"}</p>
            <ul class="scorecard-list">
                { for items.iter().map(|i| html! {
                    <li key={i.id} class={classes!("scorecard-item", if i.ok { "ok" } else { "bad" })} data-rule={i.id} data-ok={i.ok.to_string()}>
                        <span class="goal-icon" aria-label={if i.ok { "passes" } else { "fails" }}>{if i.ok { "✓" } else { "✗" }}</span>
                        <span>
                            <a href={format!("?page={}&scenario={}", page_of(i.scenario), i.scenario)}>{i.title}</a>
                            <span class="muted">{format!(" · {}", i.detail)}</span>
                        </span>
                    </li>
                }) }
            </ul>
        </div>
    }
}

/// The stack as files real Docker takes: each with a download link and its text.
#[function_component(Export)]
pub fn export(props: &ScorecardProps) -> Html {
    let files = readiness::export(&props.world, PRACTICE_STACK);
    if files.is_empty() {
        return Html::default();
    }
    html! {
        <details class="export" data-testid="export">
            <summary>{"Export the stack: stack.yml, the Dockerfiles, Traefik's flags"}</summary>
            <p class="muted">{"The project folder's files as they are at this step (what `docker stack deploy -c stack.yml shop` reads), and the flags the deployed Traefik runs with."}</p>
            { for files.iter().map(|(path, text)| {
                let name = path.replace('/', "-");
                html! {
                    <div class="export-file" key={path.clone()}>
                        <p>
                            <code>{path.clone()}</code>{" · "}
                            <a download={name} href={format!("data:text/plain;charset=utf-8,{}", percent(text))} data-testid="export-download">{"download"}</a>
                        </p>
                        <pre>{text.clone()}</pre>
                    </div>
                }
            }) }
        </details>
    }
}

/// A file's text for a `data:` URL: everything but unreserved characters as `%XX`.
/// Drawn on every step, so one buffer and no allocation per byte.
fn percent(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
    out
}

/// The page of the path whose scenario shows an item's pitfall (drawn on every step: looked up in
/// the catalogue, not parsed from the transcript).
fn page_of(scenario: &str) -> &'static str {
    crate::scenario::catalogue::page_of_scenario(scenario).unwrap_or_default()
}

pub fn panels(stage: &super::Stage) -> (Html, Html) {
    let (world, last) = (&stage.world, &stage.last);
    let picture = super::swarm::picture_panel(stage, "The shop on its swarm");
    let side = html! {
        <Panel class="diagram-panel" testid="practice-side" heading_id="practice-side-h" heading="Production readiness, requests, and the swarm">
            <Scorecard world={world.clone()} />
            <TrafficChart world={world.clone()} />
            <Export world={world.clone()} />
            <SwarmSide world={world.clone()} last={last.clone()} />
        </Panel>
    };
    (picture, side)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_percent_encoded_for_its_data_url() {
        assert_eq!(percent("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(percent("x: 1\n# é"), "x%3A%201%0A%23%20%C3%A9");
        assert_eq!(page_of("mission-10"), "practice-project");
        assert_eq!(page_of("no-such-scenario"), "");
    }
}
