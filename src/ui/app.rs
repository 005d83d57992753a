//! The root component: reads the URL, owns the reader's session (the `Run` and what they did to
//! it), turns clicks, keys and timer ticks into steps and inputs, and writes the moment back to the
//! URL with `history.replaceState` after every change.
//!
//! Routing is by query only (`?page=…`; no page = home), so the built site works from any
//! sub-path, and links between pages are plain relative links. Play is an interval that sends
//! `Tick`; the keyboard shortcuts (Space, ←, →, Shift+→ to skip to the next narrated moment) come
//! from one document-level listener that ignores keys typed into a field. The views below draw plain data; no simulation logic lives here
//! beyond choosing which step to show.

use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Interval;
use wasm_bindgen::JsCast;
use yew::html::Scope;
use yew::prelude::*;

use super::challenge::ChallengePanel;
use super::dom;
use super::embed::{EmbedSnippet, NowLine, OpenFull};
use super::goals::{self, Goals};
use super::home::{ComingSoon, Home, Logo};
use super::narration::{self, Narration};
use super::panel::Panel;
use super::rich;
use super::session::{Custom, Play, Session};
use super::stepper::{self, Stepper};
use super::terminal::Terminal;
use super::url::{self, CUSTOM, FREE_PLAY, Fragment, Query};
use super::views::{self, Stage};
use crate::scenario::catalogue::{self, Page};
use crate::sim::input::Fault;
use crate::sim::time::clock;

pub enum Msg {
    Back,
    Forward,
    Seek(usize),
    TogglePlay,
    Tick,
    Speed(usize),
    /// A line typed at the prompt.
    Type(String),
    /// A fault from the picture.
    Fault(Fault),
    /// A container card was clicked: follow it and open its fault menu.
    Card(String),
    CloseMenu,
    /// Follow the last touched container again.
    Unpin,
    PickScenario(String),
    /// One more hint of the challenge.
    Hint,
    /// A challenge's reference solution (`true`) or back to its starting world (`false`).
    Solution(bool),
    /// Skip to the next narrated moment (▸▸, Shift+→).
    Skip,
    Resize,
    /// The "Your file" page's files, to bring up.
    BringUp(crate::sim::yourfile::Upload),
    /// Open the scenario editor on what the reader did (`true`) or close it.
    Author(bool),
}

enum Screen {
    Home {
        notice: Option<String>,
    },
    Coming(&'static Page),
    /// The common pitfalls' index (src/ui/pitfalls.rs).
    Pitfalls,
    Lesson(Box<Lesson>),
    /// The "Your file" page: the reader's files, and once brought up, their run.
    YourFile(Box<YourFile>),
}

struct YourFile {
    upload: Option<Rc<crate::sim::yourfile::Upload>>,
    /// Why the link's files could not be read or brought up.
    error: Option<String>,
    lesson: Option<Box<Lesson>>,
}

impl YourFile {
    /// The page for a link's fragment (or none: an empty editor).
    fn open(q: &Query, fragment: Option<&Fragment>) -> YourFile {
        let code = match fragment {
            Some(Fragment::File(code)) => code,
            _ => {
                return YourFile {
                    upload: None,
                    error: None,
                    lesson: None,
                };
            }
        };
        match crate::sim::yourfile::link::unpack_upload(code) {
            Ok(upload) => {
                let mut page = YourFile {
                    upload: Some(Rc::new(upload.clone())),
                    error: None,
                    lesson: None,
                };
                page.bring_up(upload, q);
                page
            }
            Err(e) => YourFile {
                upload: None,
                error: Some(e.to_string()),
                lesson: None,
            },
        }
    }

    fn bring_up(&mut self, upload: crate::sim::yourfile::Upload, q: &Query) {
        let page = catalogue::your_file_page(upload.target);
        let Some(parts) = page.lesson.as_ref() else {
            return;
        };
        // Too long for a link: it still comes up, and the page says the address cannot carry it.
        let (fragment, too_long) = match crate::sim::yourfile::link::pack_upload(&upload) {
            Ok(code) => (Some(Fragment::File(code)), None),
            Err(e) => (
                None,
                Some(format!(
                    "The files come up, but the address cannot carry them: {e} (the export below has a download)."
                )),
            ),
        };
        self.upload = Some(Rc::new(upload.clone()));
        match Session::open_custom(page, q, Custom::File(upload)) {
            Ok(session) => {
                self.error = too_long;
                self.lesson = Some(Box::new(Lesson::with_session(parts, session, fragment)));
            }
            Err(e) => {
                self.error = Some(e);
                self.lesson = None;
            }
        }
    }
}

/// A ready page with its session.
struct Lesson {
    /// The page's own parts (its view, examples, free play): its entry in the catalogue.
    parts: &'static catalogue::Lesson,
    session: Session,
    /// The page's scenarios: slug and title, for the picker.
    scenarios: Vec<(&'static str, String)>,
    /// The container whose fault menu is open.
    menu: Option<String>,
    /// The container the reader chose to follow in the state diagram.
    pinned: Option<String>,
    /// Lines typed, for Up/Down.
    history: Rc<Vec<String>>,
    /// How many of a challenge's hints the reader asked for.
    hints_shown: usize,
    /// This scenario's completion is in the learner's progress (written once per visit).
    recorded: bool,
    /// What the link's fragment carries for this session (a transcript, the reader's files).
    fragment: Option<Fragment>,
    /// Why the link's transcript could not be played (the page fell back to its own scenario).
    notice: Option<String>,
    /// The scenario editor's starting text, while it is open.
    authoring: Option<String>,
    /// The narration of every known step, with the timeline revision it was built at: built again
    /// only when the steps change, not on every step the reader moves (1,500 items on the
    /// practice project, and the lists compare them item by item when they are a new `Rc`).
    narration: std::cell::RefCell<Option<(u64, Rc<Vec<narration::Item>>)>>,
}

impl Lesson {
    /// The narration items of the run, rebuilt when the timeline's known steps changed.
    fn narration_items(&self) -> Rc<Vec<narration::Item>> {
        let run = &self.session.run;
        let revision = run.timeline.revision();
        let mut cache = self.narration.borrow_mut();
        match cache.as_ref() {
            Some((at, items)) if *at == revision => items.clone(),
            _ => {
                let items = Rc::new(narration::items(run));
                *cache = Some((revision, items.clone()));
                items
            }
        }
    }

    fn new(page: &'static Page, parts: &'static catalogue::Lesson, q: &Query) -> Lesson {
        Lesson::with_session(parts, Session::open(page, q), None)
    }

    /// A lesson on a session made elsewhere (a transcript or files from a link).
    fn with_session(
        parts: &'static catalogue::Lesson,
        session: Session,
        fragment: Option<Fragment>,
    ) -> Lesson {
        let scenarios = catalogue::for_page(session.page.slug)
            .into_iter()
            .map(|(f, s)| (f.slug, s.title))
            .collect();
        Lesson {
            parts,
            session,
            scenarios,
            menu: None,
            pinned: None,
            history: Rc::new(Vec::new()),
            hints_shown: 0,
            recorded: false,
            fragment,
            notice: None,
            authoring: None,
            narration: Default::default(),
        }
    }

    /// The page's lesson for a link: the transcript its fragment carries when there is one and
    /// it plays, else the query's own scenario with a notice saying why.
    fn open(
        page: &'static Page,
        parts: &'static catalogue::Lesson,
        q: &Query,
        fragment: Option<&Fragment>,
    ) -> Lesson {
        let Some(Fragment::Scenario(code)) = fragment else {
            return Lesson::new(page, parts, q);
        };
        let played = crate::sim::yourfile::link::unpack(code)
            .map_err(|e| e.to_string())
            .and_then(|text| Session::open_custom(page, q, Custom::Scenario(text)));
        match played {
            Ok(session) => Lesson::with_session(parts, session, fragment.cloned()),
            Err(e) => {
                let mut lesson = Lesson::new(
                    page,
                    parts,
                    &Query {
                        scenario: None,
                        inputs: Vec::new(),
                        step: None,
                        len: None,
                        ..q.clone()
                    },
                );
                lesson.notice = Some(format!(
                    "The scenario in this link could not be played: {e}"
                ));
                lesson
            }
        }
    }

    /// A shipped scenario whose goals are all met at its end goes into the learner's progress
    /// (src/ui/progress.rs); free play, which has no goals, never does. A challenge counts when
    /// the reader's own commands solve it, not when they watch its reference solution.
    fn record_completion(&mut self) {
        if self.recorded {
            return;
        }
        let Some(file) = self.session.file else {
            return;
        };
        if self.session.run.scenario.challenge.is_some() {
            if self.session.is_challenge() && self.session.run.all_goals_met() {
                super::progress::record_challenge_done(&crate::scenario::progress::challenge_id(
                    file.slug,
                ));
                self.recorded = true;
            }
            return;
        }
        if crate::scenario::progress::completed(&self.session.run) {
            super::progress::record_scenario_done(file.slug);
            self.recorded = true;
        }
    }
}

/// Where the app is drawn: in the browser (the URL is read from `location`), or ahead of time by
/// the build (`src/bin/prerender.rs`), which gives the query and file name of the page it writes.
#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    #[prop_or_default]
    pub prerender: Option<Prerender>,
}

/// A page drawn at build time: the markup the reader sees before the wasm has loaded (and without
/// JavaScript at all). Nothing in it may touch a browser API.
#[derive(Clone, PartialEq, Debug)]
pub struct Prerender {
    /// The query it stands for (`page=swarm-basics`, `page=swarm-basics&embed`).
    pub search: String,
    /// Its file name (`swarm-basics.html`), for links back to it.
    pub file: String,
}

pub struct App {
    screen: Screen,
    embed: bool,
    /// Drawn ahead of time: the interactive parts say they are loading.
    prerendered: bool,
    home_href: AttrValue,
    /// This page's own address (absolute in the browser), for the embed snippet.
    page_address: AttrValue,
    playing: Option<Interval>,
    /// How far play goes (decided by the session when it starts).
    play: Play,
    speed: usize,
    narrow: bool,
    last_query: Option<String>,
    last_title: String,
    _listeners: Vec<EventListener>,
}

/// Below this width the picture uses two columns of cards.
const NARROW_PX: f64 = 720.0;

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let prerender = ctx.props().prerender.clone();
        let (search, path) = match &prerender {
            Some(p) => (p.search.clone(), p.file.clone()),
            None => (dom::search(), dom::pathname()),
        };
        // Ahead of time there is no fragment: a build has no reader's file.
        let fragment = match &prerender {
            Some(_) => None,
            None => Fragment::parse(&dom::hash()),
        };
        let mut q = url::parse(&search);
        // `swarm-basics.html` is that page even without `?page=` (the build writes one file per
        // page, so a static host serves each page's own first paint).
        let file_page = url::page_of_file(&path);
        if q.page.is_none() {
            q.page = file_page.map(str::to_string);
        }
        let home_href: AttrValue = if file_page.is_some() || path.is_empty() {
            "./".into()
        } else {
            path.clone().into()
        };
        let page_address: AttrValue = match &prerender {
            Some(p) => p.file.clone().into(),
            None => dom::page_address().into(),
        };
        let screen = match q.page.as_deref() {
            None => Screen::Home { notice: None },
            Some(crate::scenario::pitfalls::SLUG) => Screen::Pitfalls,
            Some(crate::scenario::yourfile::PAGE) => {
                Screen::YourFile(Box::new(YourFile::open(&q, fragment.as_ref())))
            }
            Some(slug) => match catalogue::page(slug) {
                None => Screen::Home {
                    notice: Some(format!(
                        "There is no page called “{slug}” (yet). Here is the learning path."
                    )),
                },
                Some(p) => match &p.lesson {
                    None => Screen::Coming(p),
                    Some(parts) => {
                        Screen::Lesson(Box::new(Lesson::open(p, parts, &q, fragment.as_ref())))
                    }
                },
            },
        };
        let prerendered = prerender.is_some();
        App {
            screen,
            embed: q.embed,
            prerendered,
            home_href,
            page_address,
            playing: None,
            play: Play::To(0),
            speed: 1,
            // Ahead of time there is no window: draw the wide layout, which CSS reflows.
            narrow: !prerendered && dom::inner_width() < NARROW_PX,
            last_query: None,
            last_title: String::new(),
            _listeners: if prerendered {
                Vec::new()
            } else {
                listeners(ctx.link())
            },
        }
    }

    /// Long because it is one arm per UI message.
    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        if let Msg::Resize = msg {
            let narrow = dom::inner_width() < NARROW_PX;
            let changed = narrow != self.narrow;
            self.narrow = narrow;
            return changed;
        }
        if let Msg::BringUp(upload) = msg {
            self.playing = None;
            let Screen::YourFile(page) = &mut self.screen else {
                return false;
            };
            let q = Query {
                page: Some(crate::scenario::yourfile::PAGE.to_string()),
                ..Query::default()
            };
            page.bring_up(upload, &q);
            return true;
        }
        let lesson = match &mut self.screen {
            Screen::Lesson(lesson) => lesson,
            Screen::YourFile(page) => match page.lesson.as_mut() {
                Some(lesson) => lesson,
                None => return false,
            },
            _ => return false,
        };
        if let Msg::Author(open) = msg {
            self.playing = None;
            lesson.authoring = open.then(|| {
                crate::scenario::author::transcript(&lesson.session.run, lesson.session.cursor())
            });
            return true;
        }
        // A step redraws the picture under an open menu (its node or container may have changed
        // or gone): stepping closes it, even a step that goes nowhere.
        let menu_closed = matches!(
            msg,
            Msg::Back | Msg::Forward | Msg::Seek(_) | Msg::Tick | Msg::TogglePlay | Msg::Skip
        ) && lesson.menu.take().is_some();
        let s = &mut lesson.session;
        menu_closed
            | match msg {
                Msg::Back => {
                    self.playing = None;
                    s.back()
                }
                Msg::Forward => s.forward(),
                Msg::Seek(k) => {
                    self.playing = None;
                    let moved = k != s.cursor();
                    s.seek(k);
                    moved
                }
                Msg::TogglePlay => {
                    // Play stops at the end of the story (or, at the end with a command still
                    // waiting, once its prompt is back): see `Session::play`.
                    if self.playing.take().is_none()
                        && let Some(play) = s.play()
                    {
                        self.play = play;
                        self.playing = Some(start_interval(ctx.link(), self.speed));
                    }
                    true
                }
                Msg::Tick => {
                    if !s.tick(self.play) {
                        self.playing = None;
                    }
                    true
                }
                Msg::Skip => {
                    self.playing = None;
                    s.skip()
                }
                Msg::Speed(i) => {
                    self.speed = i.min(stepper::SPEEDS.len() - 1);
                    if self.playing.is_some() {
                        self.playing = Some(start_interval(ctx.link(), self.speed));
                    }
                    true
                }
                Msg::Type(line) => {
                    self.playing = None;
                    let trimmed = line.trim().to_string();
                    if !trimmed.is_empty() && lesson.history.last() != Some(&trimmed) {
                        Rc::make_mut(&mut lesson.history).push(trimmed);
                    }
                    lesson.menu = None;
                    s.type_line(&line);
                    true
                }
                Msg::Fault(fault) => {
                    self.playing = None;
                    lesson.menu = None;
                    s.inject(fault);
                    true
                }
                Msg::Card(name) => {
                    lesson.menu = if lesson.menu.as_deref() == Some(name.as_str()) {
                        None
                    } else {
                        Some(name.clone())
                    };
                    lesson.pinned = Some(name);
                    true
                }
                Msg::CloseMenu => lesson.menu.take().is_some(),
                Msg::Unpin => lesson.pinned.take().is_some(),
                Msg::PickScenario(slug) => {
                    self.playing = None;
                    // The reader's own commands live in this scenario's timeline: ask before
                    // dropping them, and leave the select on this scenario if they say no.
                    let own = s.inputs.len();
                    if own > 0 && slug != s.scenario_param() && !confirm_switch(own) {
                        keep_select_on(s.scenario_param());
                        return false;
                    }
                    let page = s.page;
                    let q = Query {
                        page: Some(page.slug.to_string()),
                        scenario: Some(slug),
                        ..Query::default()
                    };
                    let history = lesson.history.clone();
                    // Leaving a run that came from the link: its fragment goes too.
                    **lesson = Lesson::new(page, lesson.parts, &q);
                    lesson.history = history;
                    true
                }
                Msg::Hint => {
                    lesson.hints_shown += 1;
                    true
                }
                Msg::Solution(solution) => {
                    self.playing = None;
                    let own = s.inputs.len();
                    if own > 0 && !confirm_switch(own) {
                        return false;
                    }
                    let page = s.page;
                    let q = Query {
                        page: Some(page.slug.to_string()),
                        scenario: Some(s.scenario_param().to_string()),
                        solution,
                        ..Query::default()
                    };
                    let (history, hints) = (lesson.history.clone(), lesson.hints_shown);
                    **lesson = Lesson::new(page, lesson.parts, &q);
                    lesson.history = history;
                    lesson.hints_shown = hints;
                    true
                }
                Msg::Resize | Msg::BringUp(_) | Msg::Author(_) => false,
            }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        match &self.screen {
            Screen::Home { notice } => html! {
                <Home home_href={self.home_href.clone()} notice={notice.clone().map(AttrValue::from)} />
            },
            Screen::Pitfalls => html! {
                <super::pitfalls::PitfallsPage home_href={self.home_href.clone()} />
            },
            Screen::Coming(page) => {
                html! { <ComingSoon page={*page} home_href={self.home_href.clone()} /> }
            }
            Screen::Lesson(lesson) => self.view_lesson(ctx, lesson, Html::default()),
            Screen::YourFile(page) => self.view_your_file(ctx, page),
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first_render: bool) {
        if first_render {
            // Tells CSS (and the browser tests) that the page is interactive now.
            dom::mark_live();
        }
        // Never ahead of time: the build has no storage, and its page shows no progress.
        if !self.prerendered
            && let Screen::Lesson(lesson) = &mut self.screen
        {
            lesson.record_completion();
        }
        let lesson_url = |l: &Lesson| {
            let mut q = url::serialize(&l.session.query(self.embed));
            if let Some(f) = &l.fragment {
                q.push('#');
                q.push_str(&f.serialize());
            }
            q
        };
        let (query, title) = match &self.screen {
            Screen::Home { .. } => (None, "Dockyard — learn Docker for production".to_string()),
            Screen::Coming(p) => (None, format!("{} (coming soon) · Dockyard", p.title)),
            Screen::Pitfalls => (None, "Common pitfalls · Dockyard".to_string()),
            Screen::Lesson(l) => (
                Some(lesson_url(l)),
                format!(
                    "{} · {} · Dockyard",
                    l.session.page.title, l.session.run.scenario.title
                ),
            ),
            Screen::YourFile(page) => (
                Some(match &page.lesson {
                    Some(l) => lesson_url(l),
                    None => format!("page={}", crate::scenario::yourfile::PAGE),
                }),
                "Your file · Dockyard".to_string(),
            ),
        };
        if let Some(q) = query
            && self.last_query.as_ref() != Some(&q)
        {
            match q.split_once('#') {
                Some((query, fragment)) => dom::replace_url(query, Some(fragment)),
                None => dom::replace_url(&q, None),
            }
            self.last_query = Some(q);
        }
        if title != self.last_title {
            dom::set_title(&title);
            self.last_title = title;
        }
    }
}

/// Asks before a scenario switch throws away `own` commands; without a window (or a dialog the
/// browser blocks) the answer is yes, as it was before asking existed.
fn confirm_switch(own: usize) -> bool {
    let text = format!(
        "Switch scenario? Your {own} command{} in this one will be lost.",
        if own == 1 { "" } else { "s" }
    );
    web_sys::window()
        .and_then(|w| w.confirm_with_message(&text).ok())
        .unwrap_or(true)
}

/// Puts the scenario select back on `slug` (the reader changed it, then cancelled): the virtual
/// DOM did not change, so yew would leave the browser's choice showing.
fn keep_select_on(slug: &str) {
    let select = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("scenario-select"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok());
    if let Some(select) = select {
        select.set_value(slug);
    }
}

fn start_interval(link: &Scope<App>, speed: usize) -> Interval {
    let link = link.clone();
    Interval::new(stepper::interval_ms(speed), move || {
        link.send_message(Msg::Tick)
    })
}

/// Space, ← and → anywhere on the page (not while typing in a field); Escape closes the fault
/// menu; and the window's width, for the picture's columns.
fn listeners(link: &Scope<App>) -> Vec<EventListener> {
    let mut out = Vec::new();
    if let Some(document) = dom::document() {
        let link = link.clone();
        out.push(EventListener::new_with_options(
            &document,
            "keydown",
            EventListenerOptions::enable_prevent_default(),
            move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
                    return;
                }
                let key = e.key();
                if key == "Escape" {
                    link.send_message(Msg::CloseMenu);
                    return;
                }
                let target = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                if target.as_ref().is_some_and(dom::takes_typing) {
                    return;
                }
                let msg = match key.as_str() {
                    " " | "Spacebar" => {
                        if target.as_ref().is_some_and(dom::activates_on_space) {
                            return;
                        }
                        Msg::TogglePlay
                    }
                    "ArrowLeft" => Msg::Back,
                    "ArrowRight" if e.shift_key() => Msg::Skip,
                    "ArrowRight" => Msg::Forward,
                    _ => return,
                };
                e.prevent_default();
                link.send_message(msg);
            },
        ));
    }
    if let Some(window) = dom::window() {
        let link = link.clone();
        out.push(EventListener::new(&window, "resize", move |_| {
            link.send_message(Msg::Resize)
        }));
    }
    out
}

impl App {
    /// Ahead of time only: says the interactive parts are loading (the page's inline loader
    /// hides it if the wasm cannot load) and, in an embed, offers the lite embed's start button,
    /// which the loader shows with `&lite` and which loads the wasm on click.
    fn loading_note(&self, embed: bool) -> Html {
        if !self.prerendered {
            return Html::default();
        }
        html! {
            <div class="loading-note" data-testid="loading" role="status">
                <span class="loading-live">{"Loading the simulation… the picture below is step 0; stepping and the terminal start in a moment."}</span>
                if embed {
                    <button class="button primary lite-start" data-testid="lite-start" type="button" hidden=true>
                        {"▶ Start the interactive demo"}
                    </button>
                }
            </div>
        }
    }

    /// The "Your file" page: the panel with the files, report, chaos and export; once brought
    /// up, the run below it like any lesson's.
    fn view_your_file(&self, ctx: &Context<Self>, page: &YourFile) -> Html {
        let panel = html! {
            <super::yourfile::YourFilePanel upload={page.upload.clone()} error={page.error.clone().map(AttrValue::from)}
                on_bring_up={ctx.link().callback(Msg::BringUp)} page_address={self.page_address.clone()}
                seed={page.lesson.as_ref().map_or(1, |l| l.session.seed)} />
        };
        if let Some(lesson) = &page.lesson {
            return self.view_lesson(ctx, lesson, panel);
        }
        let p = &catalogue::YOUR_FILE_HOST;
        html! {
            <div class={classes!("lesson", "yourfile-empty", self.prerendered.then_some("prerendered"))} data-page={p.slug}>
                <header class="site-header lesson-header" data-testid="site-header">
                    <nav class="crumbs" data-testid="site-nav" aria-label="Site">
                        <a class="brand" href={self.home_href.clone()}><Logo />{"Dockyard"}</a>
                        <span class="crumb-sep" aria-hidden="true">{"/"}</span>
                        <a href={self.home_href.clone()} data-testid="home-link">{"← Learning path"}</a>
                    </nav>
                    <div class="lesson-title"><h1>{p.title}</h1></div>
                </header>
                <main class="lesson-main">
                    <p class="lesson-summary">{rich(p.summary)}</p>
                    { panel }
                </main>
            </div>
        }
    }

    /// Long because it lays out the whole lesson page (picture, side panel, stepper, terminal,
    /// goals) in one `html!` tree.
    fn view_lesson(&self, ctx: &Context<Self>, lesson: &Lesson, top: Html) -> Html {
        let link = ctx.link();
        let s = &lesson.session;
        let run = &s.run;
        let page = s.page;
        let world = views::WorldRef(run.timeline.shared_world());
        let last = run.timeline.last_record().cloned().map(Rc::new);
        // The page's own picture and side panel: its lesson's view, drawn by src/ui/views/.
        let stage = Stage {
            session: s,
            world: world.clone(),
            last,
            narrow: self.narrow,
            embed: self.embed,
            menu: lesson.menu.clone(),
            pinned: lesson.pinned.clone(),
            on_card: link.callback(Msg::Card),
            on_fault: link.callback(Msg::Fault),
            on_command: link.callback(Msg::Type),
            on_close_menu: link.callback(|_| Msg::CloseMenu),
            on_unpin: link.callback(|_| Msg::Unpin),
        };
        let (picture, diagram) = views::panels(lesson.parts.view, &stage);
        let stepper = html! {
            <Stepper cursor={s.cursor()} len={s.len()} total={s.known_len()} past={s.past_end().map(AttrValue::from)}
                can_forward={s.can_forward()} forward_title={AttrValue::from(s.forward_hint())} skip_to={s.next_moment()}
                playing={self.playing.is_some()} speed={self.speed} clock={AttrValue::from(clock(world.now_ms))}
                on_back={link.callback(|_| Msg::Back)} on_forward={link.callback(|_| Msg::Forward)} on_skip={link.callback(|_| Msg::Skip)}
                on_play={link.callback(|_| Msg::TogglePlay)} on_speed={link.callback(Msg::Speed)}
                on_seek={link.callback(Msg::Seek)} />
        };
        let terminal_hint = html! {
            <span class="panel-hint">{"real docker syntax · "}<code>{"help"}</code>{" · "}<code>{"clear"}</code>
                if !self.embed {
                    {" · "}<a href="?page=your-file" data-testid="terminal-your-file" title="Bring your own compose or stack file">{"your file ↗"}</a>
                }
            </span>
        };
        let terminal = html! {
            <Panel class="terminal-panel" heading_id="terminal-h" heading="Terminal" head={terminal_hint}>
                <Terminal lines={Rc::new(s.terminal())} cursor={s.cursor()} len={s.len()} busy={world.shell.is_busy()}
                    host={crate::sim::record::prompt_host(&world).map(AttrValue::from)}
                    history={lesson.history.clone()} on_submit={link.callback(Msg::Type)} examples={if self.embed { &[][..] } else { lesson.parts.examples }} />
            </Panel>
        };
        let scenario_title = run.scenario.title.clone();
        let items = lesson.narration_items();
        // The stepper with the current narration line under it (shown in the embed and on narrow
        // screens, where the narration panel is out of sight).
        let stepper = html! {
            <div class="panel stepper-panel" data-testid="stepper-panel">
                { stepper }
                <NowLine items={items.clone()} cursor={s.cursor()} />
            </div>
        };

        // A run that came in the link's fragment keeps it in every address made from it.
        let hash = lesson
            .fragment
            .as_ref()
            .map(|f| format!("#{}", f.serialize()))
            .unwrap_or_default();
        if self.embed {
            let full = format!("{}{hash}", url::serialize(&s.query(false)));
            return html! {
                <div class={classes!("embed-layout", self.prerendered.then_some("prerendered"))} data-page={page.slug}>
                    { self.loading_note(true) }
                    <main class="embed-main">
                        // The page's heading for screen readers (the frame's visible title is its footer).
                        <h1 class="visually-hidden">{format!("Dockyard: {} · {scenario_title}", page.title)}</h1>
                        // The picture and the side panel scroll inside the frame when they are taller
                        // than their share: focusable and named, so the keyboard can scroll them.
                        <div class="embed-stage">
                            <div class="embed-scroll embed-picture" tabindex="0" role="region" aria-label="The picture (scrolls)">
                                { picture }
                            </div>
                            { stepper }
                        </div>
                        <div class="embed-bottom">
                            { terminal }
                            <div class="embed-scroll embed-diagram" tabindex="0" role="region" aria-label="Details (scroll)">
                                { diagram }
                            </div>
                        </div>
                        <OpenFull href={format!("?{full}")} title={format!("{} · {scenario_title}", page.title)} />
                    </main>
                </div>
            };
        }

        let on_pick = link.batch_callback(|e: Event| {
            e.target_dyn_into::<web_sys::HtmlSelectElement>()
                .map(|sel| Msg::PickScenario(sel.value()))
        });
        let current = s.scenario_param();
        let embed_src = format!(
            "{}?{}{hash}",
            self.page_address,
            url::serialize(&s.query(true))
        );
        let custom = s.custom.is_some();
        let from_file = matches!(s.custom.as_deref(), Some(Custom::File(_)));
        let author = match &lesson.authoring {
            Some(text) => html! {
                <super::author::ScenarioEditor initial={AttrValue::from(text.clone())} page={page.slug}
                    page_address={self.page_address.clone()} on_close={link.callback(|_| Msg::Author(false))} />
            },
            None => html! {
                <div class="author-closed">
                    <p class="panel-hint">{"Turn what you did here into a transcript: edit it, add goals, play it, and share it as a link or an embed."}</p>
                    <button class="button" type="button" data-testid="save-scenario" onclick={link.callback(|_| Msg::Author(true))}>{"Save as scenario"}</button>
                </div>
            },
        };
        let embed_title = format!("Dockyard: {} · {scenario_title}", page.title);
        html! {
            <div class={classes!("lesson", self.prerendered.then_some("prerendered"))} data-page={page.slug}>
                { self.loading_note(false) }
                <header class="site-header lesson-header" data-testid="site-header">
                    <nav class="crumbs" data-testid="site-nav" aria-label="Site">
                        <a class="brand" href={self.home_href.clone()}><Logo />{"Dockyard"}</a>
                        <span class="crumb-sep" aria-hidden="true">{"/"}</span>
                        <a href={self.home_href.clone()} data-testid="home-link">{"← Learning path"}</a>
                    </nav>
                    <div class="lesson-title">
                        <span class="page-num" aria-hidden="true">{page.number}</span>
                        <h1>{page.title}</h1>
                    </div>
                    <div class="scenario-picker">
                        if !from_file {
                        <label for="scenario-select">{"Scenario"}</label>
                        <select id="scenario-select" data-testid="scenario-select" onchange={on_pick}>
                            { for lesson.scenarios.iter().map(|(slug, title)| html! {
                                <option key={*slug} value={*slug} selected={*slug == current}>{title.clone()}</option>
                            }) }
                            <option key={FREE_PLAY} value={FREE_PLAY} selected={current == FREE_PLAY}>{lesson.parts.start.label()}</option>
                            if custom {
                                <option key={CUSTOM} value={CUSTOM} selected=true>{format!("From the link: {scenario_title}")}</option>
                            }
                        </select>
                        }
                        <span class="seed" data-testid="seed" title="The seed fixes every random choice (IDs, timings): same seed, same run">
                            {format!("seed {}", s.seed)}
                        </span>
                    </div>
                </header>
                // The summary inside <main>: text outside every landmark is lost to landmark navigation.
                <main class="lesson-main">
                <p class="lesson-summary">{rich(page.summary)}</p>
                if let Some(notice) = &lesson.notice {
                    <p class="notice" data-testid="link-notice" role="alert">{notice.clone()}</p>
                }
                { top }
                <div class="lesson-grid">
                    <div class="col-main">
                        { picture }
                        { stepper }
                        { terminal }
                        { diagram }
                    </div>
                    <div class="col-side">
                        <Panel class="narration-panel" heading_id="narration-h" heading="What happened" hint={scenario_title.clone()}>
                            <Narration {items} cursor={s.cursor()} on_seek={link.callback(Msg::Seek)} />
                        </Panel>
                        <Panel class="goals-panel" heading_id="goals-h" heading="Goals">
                            <Goals goals={Rc::new(goals::views(run))} free_play_hint={lesson.parts.free_play_hint} />
                        </Panel>
                        if let Some(c) = &run.scenario.challenge {
                            <Panel class="challenge-panel" testid="challenge-panel" heading_id="challenge-h" heading="Challenge" hint={AttrValue::from(if s.solution { "reference solution" } else { "your turn" })}>
                                <ChallengePanel hints={c.hints.clone()} debrief={c.debrief.clone()} hints_shown={lesson.hints_shown}
                                    solved={run.all_goals_met()} solution={s.solution}
                                    on_hint={link.callback(|_| Msg::Hint)} on_solution={link.callback(Msg::Solution)} />
                            </Panel>
                        }
                        <Panel class="embed-panel" heading_id="embed-h" heading="Embed">
                            <EmbedSnippet src={embed_src} title={embed_title} />
                        </Panel>
                        <Panel class="author-panel" testid="author-panel" heading_id="author-h" heading="Your own scenario">
                            { author }
                        </Panel>
                    </div>
                </div>
                </main>
                { super::home::lesson_nav(page) }
            </div>
        }
    }
}
