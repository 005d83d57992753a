//! The home page (the learning path, fifteen pages in order: twelve concepts, two troubleshooting
//! notes, a practice project) and the "coming soon" page of a page not built yet.
//!
//! Ready pages link to `<slug>.html`, the file the build writes for each page (its first paint is
//! there before the wasm loads; `?page=<slug>` still works too); the others say "coming soon" and
//! are not links. Links are relative, so the site works from any sub-path.

use yew::prelude::*;

use super::rich;
use crate::scenario::{PAGES, Page};

#[derive(Properties, PartialEq)]
pub struct HomeProps {
    /// The address of this page without a query (the home link).
    pub home_href: AttrValue,
    /// Shown above the path, e.g. when a link named a page that does not exist.
    #[prop_or_default]
    pub notice: Option<AttrValue>,
}

fn group(title: &str, intro: &str, pages: &[&'static Page]) -> Html {
    html! {
        <section class="path-group" aria-label={title.to_string()}>
            <h2>{title.to_string()}</h2>
            <p class="muted">{intro.to_string()}</p>
            <ol class="path-list">
                { for pages.iter().map(|p| path_item(p)) }
            </ol>
        </section>
    }
}

fn path_item(p: &'static Page) -> Html {
    let status = if p.ready() { "ready" } else { "coming" };
    html! {
        <li key={p.slug} class={classes!("path-item", status)} data-testid="path-item" data-slug={p.slug} data-status={status}>
            <span class="path-num" aria-hidden="true">{p.number}</span>
            <div class="path-body">
                <h3>
                    if p.ready() {
                        <a class="path-link" href={format!("{}.html", p.slug)}>
                            <span class="visually-hidden">{format!("{}. ", p.number)}</span>{p.title}
                        </a>
                    } else {
                        <span class="visually-hidden">{format!("{}. ", p.number)}</span>{p.title}
                    }
                </h3>
                <p>{rich(p.summary)}</p>
            </div>
            if p.ready() {
                <span class="tag ready" aria-hidden="true">{"open →"}</span>
            } else {
                <span class="tag coming">{"coming soon"}</span>
            }
        </li>
    }
}

#[function_component(Home)]
pub fn home(props: &HomeProps) -> Html {
    let concepts: Vec<&'static Page> = PAGES
        .iter()
        .filter(|p| p.number.parse::<u32>().is_ok())
        .collect();
    let troubleshooting: Vec<&'static Page> =
        PAGES.iter().filter(|p| p.number.starts_with('T')).collect();
    let practice: Vec<&'static Page> = PAGES.iter().filter(|p| p.number.starts_with('P')).collect();
    let first_ready = PAGES.iter().find(|p| p.ready());
    html! {
        <div class="home" data-testid="home">
            <header class="site-header" data-testid="site-header">
                <nav class="crumbs" data-testid="site-nav" aria-label="Site">
                    <a class="brand" href={props.home_href.clone()}><Logo />{"Dockyard"}</a>
                </nav>
            </header>
            <main class="home-main">
                <section class="hero">
                    <h1>{"Docker for production, "}<em>{"watched"}</em>{" step by step"}</h1>
                    <p class="pitch">
                        {"Dockyard runs a small, faithful simulation of Docker in your browser. Each page shows a live picture of the host, a terminal that takes real "}
                        <code>{"docker"}</code>
                        {" commands and answers in Docker's own words, and scenarios that break things on purpose: a process that ignores SIGTERM, a port already taken, a crash loop and its back-off. Step forward and back through every moment, read why it happened, type your own commands to fork the story, and share the exact moment with a link."}
                    </p>
                    if let Some(p) = first_ready {
                        <p class="cta">
                            <a class="button primary" href={format!("{}.html", p.slug)}>{format!("Start with {} →", p.title.to_lowercase())}</a>
                            <a class="button" href={format!("{}.html?scenario=free", p.slug)}>{"Free play on an empty host"}</a>
                        </p>
                    }
                    <ul class="features">
                        <li><strong>{"Watch"}</strong>{" the host: each container as a card with its state, ports, PID 1 and exit code, on the one kernel they share."}</li>
                        <li><strong>{"Type"}</strong>{" real "}<code>{"docker"}</code>{" commands. Mistakes get Docker's own error messages; faults are one click away."}</li>
                        <li><strong>{"Rewind"}</strong>{" to any step, fork it with your own command, and share the moment as a link or an embed."}</li>
                    </ul>
                </section>
                if let Some(notice) = &props.notice {
                    <p class="notice" role="status">{notice.clone()}</p>
                }
                <div class="path">
                    { group("Concepts", "The learning path, from one container to a swarm in production.", &concepts) }
                    { group("Troubleshooting", "Two real incidents, reproduced and fixed.", &troubleshooting) }
                    { group("Practice", "Everything together on a small production stack.", &practice) }
                    { super::pitfalls::section() }
                </div>
            </main>
            <footer class="site-foot">
                <p class="muted">{"Everything runs in your browser as WebAssembly; nothing you type leaves this page."}</p>
            </footer>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ComingSoonProps {
    pub page: &'static Page,
    pub home_href: AttrValue,
}

/// A page of the path that is not built yet.
#[function_component(ComingSoon)]
pub fn coming_soon(props: &ComingSoonProps) -> Html {
    let p = props.page;
    let ready: Vec<&'static Page> = PAGES.iter().filter(|p| p.ready()).collect();
    html! {
        <div class="coming-page" data-testid="coming-soon">
            { site_header(&props.home_href) }
            <main class="coming-main">
                <p class="kicker">{format!("Page {}", p.number)}</p>
                <h1>{p.title}</h1>
                <p class="pitch">{rich(p.summary)}</p>
                <p class="notice">{"This page is coming soon: its model and picture are still being built."}</p>
                <p>
                    <a class="button primary" href={props.home_href.clone()}>{"← Back to the learning path"}</a>
                    { for ready.iter().map(|r| html! {
                        <a class="button" href={format!("{}.html", r.slug)}>{format!("Open {}", r.title.to_lowercase())}</a>
                    }) }
                </p>
            </main>
        </div>
    }
}

/// The header of a page off the path's lessons (coming soon, the pitfalls): the brand and the
/// way back to the learning path.
pub fn site_header(home_href: &AttrValue) -> Html {
    html! {
        <header class="site-header" data-testid="site-header">
            <nav class="crumbs" data-testid="site-nav" aria-label="Site">
                <a class="brand" href={home_href.clone()}><Logo />{"Dockyard"}</a>
                <span class="crumb-sep" aria-hidden="true">{"/"}</span>
                <a href={home_href.clone()}>{"Learning path"}</a>
            </nav>
        </header>
    }
}

/// The end of a lesson: the previous and the next ready page of the path, in the path's order,
/// and the way back to it, so a reader who has finished a page does not have to go back home.
pub fn lesson_nav(page: &Page) -> Html {
    let at = PAGES.iter().position(|p| p.slug == page.slug);
    let ready_before = at.and_then(|i| PAGES[..i].iter().rev().find(|p| p.ready()));
    let ready_after = at.and_then(|i| PAGES[i + 1..].iter().find(|p| p.ready()));
    let link = |p: &'static Page, rel: &'static str, text: String| {
        html! {
            <a class={classes!("lesson-nav-link", rel)} rel={rel} href={format!("{}.html", p.slug)} data-testid={format!("{rel}-lesson")}>
                <span class="lesson-nav-kicker">{if rel == "next" { "Next lesson" } else { "Previous lesson" }}</span>
                <span class="lesson-nav-title">{text}</span>
            </a>
        }
    };
    html! {
        <nav class="lesson-nav" aria-label="Lessons" data-testid="lesson-nav">
            { for ready_before.map(|p| link(p, "prev", format!("← {}. {}", p.number, p.title))) }
            <a class="lesson-nav-home" href="./">{"The learning path"}</a>
            { for ready_after.map(|p| link(p, "next", format!("{}. {} →", p.number, p.title))) }
        </nav>
    }
}

/// The site's mark: a container on a quay, hand-drawn.
#[function_component(Logo)]
pub fn logo() -> Html {
    html! {
        <svg class="logo" viewBox="0 0 24 24" aria-hidden="true">
            <rect x="3" y="6" width="18" height="10" rx="2" />
            <path d="M7 8v6M11 8v6M15 8v6M19 8v6" />
            <path d="M1 20h22" />
        </svg>
    }
}
