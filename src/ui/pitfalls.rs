//! The common pitfalls: a section of the home page (a compact list) and their own index page
//! (`pitfalls.html`, `?page=pitfalls`), each pitfall with what goes wrong, the fix, and links to
//! the scenarios that show it. The content is `scenario::pitfalls::PITFALLS`.

use yew::prelude::*;

use super::home::site_header;
use super::rich;
use crate::scenario::pitfalls::{self, PITFALLS, Pitfall};

/// The links to a pitfall's scenarios, or a plain note when none is written yet.
fn shown_by(p: &Pitfall) -> Html {
    if p.shows.is_empty() {
        return html! { <p class="pitfall-none muted">{"Its scenario is still to be written."}</p> };
    }
    html! {
        <ul class="pitfall-links">
            { for p.shows.iter().filter_map(|s| {
                let href = pitfalls::href(s)?;
                let title = pitfalls::title_of(s)?;
                Some(html! {
                    <li key={*s}>
                        <a href={href} data-testid="pitfall-scenario" data-scenario={*s}>{title}</a>
                    </li>
                })
            }) }
        </ul>
    }
}

fn item(p: &'static Pitfall, full: bool) -> Html {
    html! {
        <li key={p.number} class="pitfall" data-testid="pitfall" data-number={p.number}>
            <span class="path-num" aria-hidden="true">{p.number}</span>
            <div class="pitfall-body">
                <h3><span class="visually-hidden">{format!("{}. ", p.number)}</span>{rich(p.title)}</h3>
                if full {
                    <p><strong>{"What happens: "}</strong>{rich(p.symptom)}</p>
                    <p><strong>{"Instead: "}</strong>{rich(p.fix)}</p>
                } else {
                    <p>{rich(p.fix)}</p>
                }
                { shown_by(p) }
            </div>
        </li>
    }
}

/// The home page's section: the path's nine, then the production four, compact.
pub fn section() -> Html {
    html! {
        <section class="path-group pitfalls-group" aria-labelledby="pitfalls-h" data-testid="pitfalls-section">
            <h2 id="pitfalls-h">{"Common pitfalls"}</h2>
            <p class="muted">
                {"Each one broken, then fixed, in a scenario you can step through. "}
                <a href={format!("{}.html", pitfalls::SLUG)}>{"All pitfalls, explained →"}</a>
            </p>
            <ol class="pitfall-list">
                { for PITFALLS.iter().map(|p| item(p, false)) }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PitfallsPageProps {
    pub home_href: AttrValue,
}

/// The pitfalls' own page: what goes wrong, the fix, and the scenarios, for each.
#[function_component(PitfallsPage)]
pub fn pitfalls_page(props: &PitfallsPageProps) -> Html {
    let (path, production): (Vec<&'static Pitfall>, Vec<&'static Pitfall>) =
        PITFALLS.iter().partition(|p| p.from_the_path());
    html! {
        <div class="pitfalls-page" data-testid="pitfalls-page">
            { site_header(&props.home_href) }
            <main class="pitfalls-main">
                <h1>{"Common pitfalls"}</h1>
                <p class="pitch">{"The mistakes that cost people their data, their uptime or a weekend. Each scenario shows it happening in Docker's own words, then the fix holding: open one, step through it, and type your own commands to try a variation."}</p>
                <section aria-labelledby="pitfalls-path-h">
                    <h2 id="pitfalls-path-h">{"The learning path's nine"}</h2>
                    <ol class="pitfall-list full">{ for path.into_iter().map(|p| item(p, true)) }</ol>
                </section>
                <section aria-labelledby="pitfalls-prod-h">
                    <h2 id="pitfalls-prod-h">{"Four more from production"}</h2>
                    <ol class="pitfall-list full">{ for production.into_iter().map(|p| item(p, true)) }</ol>
                </section>
            </main>
        </div>
    }
}
