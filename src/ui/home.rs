//! The home page (the learning path, fifteen pages in order: twelve concepts, two troubleshooting
//! notes, a practice project) and the "coming soon" page of a page not built yet.
//!
//! Ready pages link to `<slug>.html`, the file the build writes for each page (its first paint is
//! there before the wasm loads; `?page=<slug>` still works too); the others say "coming soon" and
//! are not links. Links are relative, so the site works from any sub-path.
//!
//! The path is drawn by phase (src/scenario/phases.rs: its pages, its hours, its checkpoint), the
//! troubleshooting notes after them, with the learner's progress: each page's scenarios done, each
//! phase's, the total, and a phase's checkpoint once its challenge is done. The progress lives in
//! `localStorage` (src/ui/progress.rs) and is read only once the page has mounted in the browser:
//! the build's first paint (src/bin/prerender.rs) and the first live render show the totals
//! alone, then the counts fill in, so the prerendered markup never depends on storage.

use std::rc::Rc;

use gloo_events::EventListener;
use yew::prelude::*;

use super::progress::{load, save};
use super::{dom, rich};
use crate::scenario::phases::{self, PHASES, Phase};
use crate::scenario::progress::{Count, Notice, Progress};
use crate::scenario::{PAGES, Page, SCENARIOS};

#[derive(Properties, PartialEq)]
pub struct HomeProps {
    /// The address of this page without a query (the home link).
    pub home_href: AttrValue,
    /// Shown above the path, e.g. when a link named a page that does not exist.
    #[prop_or_default]
    pub notice: Option<AttrValue>,
}

/// "1 scenario", "5 scenarios".
fn scenarios(n: usize) -> String {
    format!("{n} scenario{}", if n == 1 { "" } else { "s" })
}

/// A count's words, `long` for a phase or the path ("3 of 12 scenarios done"), short for a page
/// ("2/5 scenarios done"); before the progress is read, only how many there are.
fn count_text(count: Option<Count>, total: usize, long: bool) -> String {
    match count {
        None => scenarios(total),
        Some(c) if long => format!("{} of {} done", c.done, scenarios(c.total)),
        Some(c) => format!("{}/{} done", c.done, scenarios(c.total)),
    }
}

/// A count as attributes for the browser tests (`data-done` only once the progress is read).
fn count_attrs(count: Option<Count>) -> Option<AttrValue> {
    count.map(|c| AttrValue::from(c.done.to_string()))
}

fn group(title: &str, intro: &str, pages: &[&'static Page], progress: Option<&Progress>) -> Html {
    html! {
        <section class="path-group" aria-label={title.to_string()}>
            <h2>{title.to_string()}</h2>
            <p class="muted">{intro.to_string()}</p>
            <ol class="path-list">
                { for pages.iter().map(|p| path_item(p, progress)) }
            </ol>
        </section>
    }
}

/// The page and scenario of a phase's checkpoint challenge, where it is played.
fn checkpoint_href(phase: &Phase) -> Option<String> {
    let slug = format!(
        "{}{}",
        crate::scenario::progress::CHECKPOINT_PREFIX,
        phase.challenge_id()
    );
    let page = PAGES.iter().find(|p| {
        p.lesson
            .as_ref()
            .is_some_and(|l| l.scenarios.iter().any(|f| f.slug == slug))
    })?;
    Some(format!("{}.html?scenario={slug}", page.slug))
}

/// One phase: its title and hours, its scenarios done, its checkpoint, its pages.
fn phase_group(phase: &'static Phase, progress: Option<&Progress>) -> Html {
    let pages: Vec<&'static Page> = phase.pages().collect();
    let total = Progress::default().pages_count(pages.iter().copied()).total;
    let count = progress.map(|p| p.pages_count(pages.iter().copied()));
    let passed = progress.is_some_and(|p| p.challenge_done(&phase.challenge_id()));
    let heading = format!("phase-{}-h", phase.number);
    html! {
        <section class={classes!("path-group", "phase", count.is_some_and(Count::complete).then_some("complete"))}
            data-testid="phase" data-phase={phase.number.to_string()} aria-labelledby={heading.clone()}>
            <h2 id={heading}>
                <span class="phase-kicker">{format!("Phase {}", phase.number)}</span>
                <span class="visually-hidden">{": "}</span>
                {phase.title}
            </h2>
            <p class="phase-meta">
                <span class="phase-hours" data-testid="phase-hours">{format!("{} h", phase.hours)}</span>
                <span aria-hidden="true">{" · "}</span>
                <span data-testid="phase-count" data-done={count_attrs(count)} data-total={total.to_string()}>
                    {count_text(count, total, true)}
                </span>
            </p>
            <p class={classes!("checkpoint", passed.then_some("passed"))} data-testid="phase-checkpoint"
                data-challenge={phase.challenge_id()} data-status={if passed { "passed" } else { "open" }}>
                <strong>{if passed { "✓ Checkpoint passed: " } else { "Checkpoint: " }}</strong>
                {phase.checkpoint}
                if let Some(href) = checkpoint_href(phase) {
                    {" "}<a class="checkpoint-link" data-testid="checkpoint-link" href={href}>
                        {if passed { "Take it again →" } else { "Take the challenge →" }}
                    </a>
                }
            </p>
            <ol class="path-list">
                { for pages.iter().map(|p| path_item(p, progress)) }
            </ol>
        </section>
    }
}

fn path_item(p: &'static Page, progress: Option<&Progress>) -> Html {
    let status = if p.ready() { "ready" } else { "coming" };
    let total = Progress::default().page_count(p).total;
    let count = progress.map(|pr| pr.page_count(p));
    let complete = count.is_some_and(Count::complete);
    html! {
        <li key={p.slug} class={classes!("path-item", status, complete.then_some("complete"))} data-testid="path-item" data-slug={p.slug} data-status={status}>
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
                if total > 0 {
                    <p class="path-progress" data-testid="path-progress" data-done={count_attrs(count)} data-total={total.to_string()}>
                        if complete { <span aria-hidden="true">{"✓ "}</span> }
                        {count_text(count, total, false)}
                    </p>
                }
            </div>
            if p.ready() {
                <span class="tag ready" aria-hidden="true">{"open →"}</span>
            } else {
                <span class="tag coming">{"coming soon"}</span>
            }
        </li>
    }
}

/// Where the reset button is: asking first happens in the page (not `window.confirm`), and the
/// focus follows the buttons that appear.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Reset {
    Idle,
    Asking,
    /// "Keep it": back to the button, focused.
    Kept,
    /// Reset: the summary (0 done) is focused and says so.
    Done,
}

/// The progress as the home page holds it: `None` until it is read (the server, the first
/// render); and why a stored value was reset, shown until the reader resets or leaves.
#[derive(Clone, PartialEq)]
struct Held {
    progress: UseStateHandle<Option<Rc<Progress>>>,
    notice: UseStateHandle<Option<String>>,
}

/// Reads the progress after the page has mounted, and again when another tab changes it or the
/// back button brings this page back from the browser's cache.
#[hook]
fn use_stored_progress() -> Held {
    let held = Held {
        progress: use_state(|| None),
        notice: use_state(|| None),
    };
    {
        let held = held.clone();
        use_effect_with((), move |_| {
            let read = move || {
                let (progress, notice) = load();
                if let Some(Notice(text)) = notice {
                    held.notice.set(Some(text));
                }
                held.progress.set(Some(Rc::new(progress)));
            };
            read();
            let listeners: Vec<EventListener> = dom::window()
                .map(|w| {
                    let again = read.clone();
                    vec![
                        EventListener::new(&w, "storage", move |_| read()),
                        EventListener::new(&w, "pageshow", move |_| again()),
                    ]
                })
                .unwrap_or_default();
            move || drop(listeners)
        });
    }
    held
}

/// The learner's progress over the whole path, the notice of a reset value, and the reset button.
#[derive(Properties, PartialEq)]
struct ProgressSummaryProps {
    held: Held,
}

#[function_component(ProgressSummary)]
fn progress_summary(props: &ProgressSummaryProps) -> Html {
    let held = &props.held;
    let reset = use_state(|| Reset::Idle);
    let (reset_ref, keep_ref, summary_ref) = (use_node_ref(), use_node_ref(), use_node_ref());
    {
        let refs = (reset_ref.clone(), keep_ref.clone(), summary_ref.clone());
        use_effect_with(*reset, move |step| {
            let target = match step {
                Reset::Idle => None,
                Reset::Asking => Some(&refs.1),
                Reset::Kept => Some(&refs.0),
                Reset::Done => Some(&refs.2),
            };
            if let Some(el) = target.and_then(|r| r.cast::<web_sys::HtmlElement>()) {
                let _ = el.focus();
            }
        });
    }
    let progress = held.progress.as_deref();
    let total = SCENARIOS.len();
    let count = progress.map(|p| p.pages_count(PAGES));
    let ask = {
        let reset = reset.clone();
        Callback::from(move |_: MouseEvent| reset.set(Reset::Asking))
    };
    let keep = {
        let reset = reset.clone();
        Callback::from(move |_: MouseEvent| reset.set(Reset::Kept))
    };
    let confirm = {
        let (reset, held) = (reset.clone(), held.clone());
        Callback::from(move |_: MouseEvent| {
            let mut progress = held.progress.as_deref().cloned().unwrap_or_default();
            progress.reset();
            save(&progress);
            held.progress.set(Some(Rc::new(progress)));
            held.notice.set(None);
            reset.set(Reset::Done);
        })
    };
    let state = if progress.is_some() {
        "loaded"
    } else {
        "loading"
    };
    html! {
        <section class="progress-summary" data-testid="progress" data-state={state} aria-labelledby="path-h">
            <h2 id="path-h">{"The learning path"}</h2>
            <p class="muted">
                {format!("Four phases, {} h in all, from one container to a swarm in production; then two real incidents to troubleshoot.", phases::total_hours())}
            </p>
            if let Some(notice) = &*held.notice {
                <p class="notice" role="status" data-testid="progress-notice">{notice.clone()}</p>
            }
            <div class="progress-line">
                <p class="progress-total" data-testid="progress-total" data-done={count_attrs(count)} data-total={total.to_string()}
                    tabindex="-1" ref={summary_ref}>
                    {match count {
                        None => format!("{} to play. ", scenarios(total)),
                        Some(c) => format!("{} of {} done. ", c.done, scenarios(c.total)),
                    }}
                    <span class="muted">{"Completed scenarios are remembered in this browser only."}</span>
                    if *reset == Reset::Done { <span class="progress-was-reset">{" Your progress was reset."}</span> }
                </p>
                if progress.is_some_and(|p| !p.is_empty()) || *reset == Reset::Asking {
                    if *reset == Reset::Asking {
                        <div class="reset-confirm" role="group" aria-label="Reset progress" data-testid="progress-reset-ask">
                            <span>{"Forget every completed scenario and checkpoint?"}</span>
                            <button type="button" class="button small danger" data-testid="progress-reset-confirm" onclick={confirm}>{"Yes, reset"}</button>
                            <button type="button" class="button small" data-testid="progress-reset-cancel" onclick={keep} ref={keep_ref}>{"Keep it"}</button>
                        </div>
                    } else {
                        <button type="button" class="button small" data-testid="progress-reset" onclick={ask} ref={reset_ref}>{"Reset progress"}</button>
                    }
                }
            </div>
        </section>
    }
}

#[function_component(Home)]
pub fn home(props: &HomeProps) -> Html {
    let held = use_stored_progress();
    let progress = held.progress.as_deref();
    let troubleshooting: Vec<&'static Page> = PAGES
        .iter()
        .filter(|p| phases::phase_of(p).is_none())
        .collect();
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
                    <ProgressSummary held={held.clone()} />
                    { for PHASES.iter().map(|ph| phase_group(ph, progress)) }
                    { group("Troubleshooting", "Two real incidents, reproduced and fixed.", &troubleshooting, progress) }
                    { super::pitfalls::section() }
                    <section class="path-group yourfile-group" aria-labelledby="yourfile-home-h" data-testid="yourfile-section">
                        <h2 id="yourfile-home-h">{"Your own file"}</h2>
                        <p class="muted">
                            {"Paste your own compose.yaml or docker-stack.yml: watch it come up, get a production-readiness report with a fix for each finding, put it through a seeded chaos run, and take the fixed file home. "}
                            <a href="?page=your-file" data-testid="your-file-link">{"Bring your own file →"}</a>
                        </p>
                    </section>
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
