//! The reader's session on a page: a scenario's `Run`, plus what the reader did to it.
//!
//! The scenario is precomputed (`Run::play`) and the reader moves through it; a line they type
//! forks it at the step they are looking at. Everything the reader did that changed the timeline
//! is kept as `UrlInput`s, so `open` can rebuild the exact same moment from a URL: replay the
//! scenario with the seed, give each input at its step, run on to the known length, seek. A
//! command Docker refuses *without changing anything* is not a step at all (no fork, no lost
//! future): its answer is kept beside the terminal as "scratch" lines. `clear` only hides the
//! terminal's past. Pure logic, no web API, so it is tested natively; the views only draw it.

use crate::scenario::catalogue::{self, Page, ScenarioFile};
use crate::scenario::run::Submitted;
use crate::scenario::{Run, Scenario};
use crate::sim::input::{Fault, Input};
use crate::sim::record::Stream;

use super::url::{FREE_PLAY, InputKind, Query, UrlInput};

/// The most steps a URL may make us compute beyond the precomputed ones (a crash loop with
/// `--restart always` never ends; a link must not freeze the tab).
pub const MAX_EXTRA_STEPS: usize = 3_000;

/// What the terminal shows, line by line.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LineKind {
    /// `$ docker ps`
    Prompt,
    /// `! crash web 139`, a fault injected by the reader or the transcript.
    Fault,
    Out,
    Err,
    /// A dim comment from Dockyard (`# Docker refused the command; nothing changed.`).
    Note,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Line {
    pub kind: LineKind,
    pub text: String,
}

impl Line {
    fn new(kind: LineKind, text: impl Into<String>) -> Line {
        Line {
            kind,
            text: text.into(),
        }
    }
}

/// What typing a line did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Typed {
    /// Nothing to do (a blank line).
    Nothing,
    /// A new step was taken (the future after the cursor, if any, was replaced).
    Step,
    /// Refused with nothing changed: the answer is shown, the timeline is untouched.
    Refused,
    /// `clear`: the terminal's past is hidden.
    Cleared,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub page: &'static Page,
    /// The shipped scenario, or `None` for free play on an empty host.
    pub file: Option<&'static ScenarioFile>,
    pub run: Run,
    pub seed: u64,
    /// The reader's own inputs that are part of the timeline, in order.
    pub inputs: Vec<UrlInput>,
    /// Known steps right after the last input was applied; more means the reader stepped on.
    pub base_len: usize,
    /// Refused lines, each shown after the output of the step count it was typed at.
    pub scratch: Vec<(usize, Vec<Line>)>,
    /// The terminal hides steps up to this one (`clear`).
    pub cleared_at: usize,
}

impl Session {
    /// Builds the session a query describes; anything unknown or out of range falls back to the
    /// page's first scenario, its own seed, step 0 or the last known step.
    pub fn open(page: &'static Page, q: &Query) -> Session {
        let scenarios = catalogue::for_page(page.slug);
        let chosen: Option<(&'static ScenarioFile, Scenario)> = match q.scenario.as_deref() {
            Some(FREE_PLAY) => None,
            Some(slug) => scenarios
                .iter()
                .find(|(f, _)| f.slug == slug)
                .or(scenarios.first())
                .cloned(),
            None => scenarios.first().cloned(),
        };
        let mut session = Session::start(page, chosen, q.seed);
        // One budget for every step computed beyond the precomputed ones, whatever the link says.
        let mut budget = MAX_EXTRA_STEPS;
        for input in &q.inputs {
            if !session.reach(input.at, &mut budget) {
                break;
            }
            let given = match input.kind {
                InputKind::Command => Input::Command(input.text.clone()),
                InputKind::Fault => match Fault::parse(&input.text) {
                    Ok(f) => Input::Fault(f),
                    Err(_) => continue,
                },
            };
            session.give(given, input.kind, input.text.clone());
        }
        session.scratch.clear();
        let target = q.len.unwrap_or(0).max(q.step.unwrap_or(0));
        if target > session.len() {
            session.reach(target, &mut budget);
        }
        let step = q.step.unwrap_or(0).min(session.run.timeline.len());
        session.run.seek(step);
        session
    }

    /// A fresh session at step 0 of `scenario` (or the empty host).
    pub fn start(
        page: &'static Page,
        scenario: Option<(&'static ScenarioFile, Scenario)>,
        seed: Option<u64>,
    ) -> Session {
        let (file, run, seed) = match scenario {
            Some((file, s)) => {
                let seed = seed.unwrap_or(s.seed);
                // A transcript is tested with its own seed; should another seed break it, play
                // it as written rather than fail.
                match Run::play(&s, Some(seed)).or_else(|_| Run::play(&s, None)) {
                    Ok(run) => {
                        let seed = run.timeline.start().seed;
                        (Some(file), run, seed)
                    }
                    Err(_) => (None, Run::sandbox(seed), seed),
                }
            }
            None => {
                let seed = seed.unwrap_or(1);
                // The images page builds the course's Node app: free play starts with it.
                let project = (page.slug == "images-layers").then_some("node-app");
                (None, Run::sandbox_with_project(seed, project), seed)
            }
        };
        let mut run = run;
        run.seek(0);
        let base_len = run.timeline.len();
        Session {
            page,
            file,
            run,
            seed,
            inputs: Vec::new(),
            base_len,
            scratch: Vec::new(),
            cleared_at: 0,
        }
    }

    /// The `scenario` URL parameter.
    pub fn scenario_param(&self) -> &'static str {
        self.file.map(|f| f.slug).unwrap_or(FREE_PLAY)
    }

    pub fn cursor(&self) -> usize {
        self.run.timeline.cursor()
    }

    pub fn len(&self) -> usize {
        self.run.timeline.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Is there anything to step forward to (a known step, or a scheduled event)?
    pub fn can_forward(&self) -> bool {
        self.cursor() < self.len() || self.run.timeline.world().next_due_ms().is_some()
    }

    pub fn forward(&mut self) -> bool {
        self.run.forward()
    }

    pub fn back(&mut self) -> bool {
        self.run.back()
    }

    pub fn seek(&mut self, step: usize) {
        self.run.seek(step);
    }

    /// The query that rebuilds this moment.
    pub fn query(&self, embed: bool) -> Query {
        Query {
            page: Some(self.page.slug.to_string()),
            scenario: Some(self.scenario_param().to_string()),
            seed: Some(self.seed),
            step: Some(self.cursor()),
            len: (self.len() > self.base_len).then_some(self.len()),
            inputs: self.inputs.clone(),
            embed,
        }
    }

    /// A line typed at the prompt: a command, `!fault`, or `clear`.
    pub fn type_line(&mut self, line: &str) -> Typed {
        let line = line.trim();
        if line.is_empty() {
            return Typed::Nothing;
        }
        if line == "clear" {
            self.cleared_at = self.cursor();
            return Typed::Cleared;
        }
        if let Some(fault) = line.strip_prefix('!') {
            return match Fault::parse(fault.trim()) {
                Ok(f) => self.inject(f),
                Err(message) => {
                    let at = self.cursor();
                    self.scratch.push((
                        at,
                        vec![
                            Line::new(LineKind::Fault, format!("! {}", fault.trim())),
                            Line::new(LineKind::Err, message),
                        ],
                    ));
                    Typed::Refused
                }
            };
        }
        self.give(
            Input::Command(line.to_string()),
            InputKind::Command,
            line.to_string(),
        )
    }

    /// A fault from the picture's menu.
    pub fn inject(&mut self, fault: Fault) -> Typed {
        let text = fault.describe();
        self.give(Input::Fault(fault), InputKind::Fault, text)
    }

    /// Gives an input at the cursor. Refused with nothing changed: kept as scratch only.
    fn give(&mut self, input: Input, kind: InputKind, text: String) -> Typed {
        let at = self.cursor();
        match self.run.try_submit(input) {
            Submitted::Refused(record) => {
                let mut lines = vec![match kind {
                    InputKind::Command => Line::new(LineKind::Prompt, text),
                    InputKind::Fault => Line::new(LineKind::Fault, format!("! {text}")),
                }];
                lines.extend(
                    record
                        .terminal
                        .iter()
                        .filter(|l| l.stream != Stream::Prompt)
                        .map(term_line),
                );
                lines.extend(
                    record
                        .narration
                        .iter()
                        .map(|n| Line::new(LineKind::Note, n.clone())),
                );
                self.scratch.push((at, lines));
                Typed::Refused
            }
            Submitted::Applied(_) => {
                self.inputs.retain(|i| i.at < at);
                self.inputs.push(UrlInput { at, kind, text });
                self.scratch.retain(|(k, _)| *k <= at);
                self.base_len = self.len();
                Typed::Step
            }
        }
    }

    /// Moves the cursor to `step`, running scheduled events past the known steps if needed
    /// (each one taken from `budget`).
    fn reach(&mut self, step: usize, budget: &mut usize) -> bool {
        self.run.seek(step.min(self.len()));
        while self.cursor() < step && *budget > 0 {
            if !self.run.forward() {
                return false;
            }
            *budget -= 1;
        }
        self.cursor() == step
    }

    /// The terminal from the last `clear` up to the cursor, each line with the step it belongs to.
    pub fn terminal(&self) -> Vec<(usize, Line)> {
        let cursor = self.cursor();
        let from = if self.cleared_at <= cursor {
            self.cleared_at
        } else {
            0
        };
        let faults: Vec<(usize, String)> = self
            .run
            .timeline
            .inputs()
            .filter_map(|(k, i)| match i {
                Input::Fault(f) => Some((k, f.describe())),
                _ => None,
            })
            .collect();
        let mut out = Vec::new();
        let scratch_at = |k: usize, out: &mut Vec<(usize, Line)>| {
            for (at, lines) in &self.scratch {
                if *at == k {
                    out.extend(lines.iter().cloned().map(|l| (k, l)));
                }
            }
        };
        if from == 0 {
            scratch_at(0, &mut out);
        }
        for (i, record) in self
            .run
            .timeline
            .records()
            .iter()
            .enumerate()
            .take(cursor)
            .skip(from)
        {
            let k = i + 1;
            if let Some((_, fault)) = faults.iter().find(|(s, _)| *s == k) {
                out.push((k, Line::new(LineKind::Fault, format!("! {fault}"))));
            }
            out.extend(record.terminal.iter().map(|l| (k, term_line(l))));
            scratch_at(k, &mut out);
        }
        out
    }

    /// The container the state diagram follows when the reader has not picked one: the last one
    /// a step up to the cursor touched.
    pub fn last_touched(&self) -> Option<String> {
        let world = self.run.timeline.world();
        let known = |name: &str| {
            world.engine.by_name(name).is_some()
                || world.engine.removed.iter().any(|t| t.name == name)
        };
        self.run.timeline.records()[..self.cursor()]
            .iter()
            .rev()
            .flat_map(|r| r.touched.iter())
            .find(|n| known(n))
            .cloned()
    }
}

fn term_line(l: &crate::sim::record::TermLine) -> Line {
    let kind = match l.stream {
        Stream::Prompt => LineKind::Prompt,
        Stream::Stdout => LineKind::Out,
        Stream::Stderr => LineKind::Err,
    };
    Line::new(kind, l.text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::url;

    fn lifecycle() -> &'static Page {
        catalogue::page("containers-lifecycle").expect("the lifecycle page exists")
    }

    fn fingerprint(s: &Session) -> (usize, usize, String) {
        let world = s.run.timeline.world();
        (s.cursor(), s.len(), format!("{:?}", world.engine))
    }

    #[test]
    fn the_default_is_the_first_scenario_at_step_0() {
        let s = Session::open(lifecycle(), &url::parse("page=containers-lifecycle"));
        assert_eq!(s.scenario_param(), "pid1-exits");
        assert_eq!(s.cursor(), 0);
        assert!(s.len() > 5);
        let q = url::serialize(&s.query(false));
        assert_eq!(
            q,
            format!(
                "page=containers-lifecycle&scenario=pid1-exits&seed={}&step=0",
                s.seed
            )
        );
    }

    #[test]
    fn bad_parameters_fall_back() {
        let s = Session::open(
            lifecycle(),
            &url::parse("scenario=nope&step=999999&len=99999999"),
        );
        assert_eq!(s.scenario_param(), "pid1-exits");
        assert!(s.cursor() <= s.len());
        let free = Session::open(lifecycle(), &url::parse("scenario=free&seed=3&step=5"));
        assert_eq!(
            (free.scenario_param(), free.seed, free.cursor(), free.len()),
            ("free", 3, 0, 0)
        );
        // A crash loop never ends: a link asking for far-away steps stops at the budget.
        let mut many = String::from("scenario=free&step=999999999");
        many.push_str(
            "&in=0$docker+run+-d+--name+loop+--restart+always+-e+CRASH_AFTER%3D1+dockyard/crashy",
        );
        for k in 1..50 {
            many.push_str(&format!("&in={}$docker+ps", 1_000 * k));
        }
        let s = Session::open(lifecycle(), &url::parse(&many));
        // The run, at most the budget of timer steps, and the `docker ps` lines it reached.
        assert!(
            s.inputs.len() >= 2 && s.inputs.len() < 10,
            "{:?}",
            s.inputs.len()
        );
        assert!(s.len() <= MAX_EXTRA_STEPS + s.inputs.len(), "{}", s.len());
    }

    #[test]
    fn a_fork_reloads_to_the_same_moment() {
        let mut s = Session::open(
            lifecycle(),
            &url::parse("scenario=stop-grace-period&step=4"),
        );
        assert_eq!(
            s.type_line("docker run -d --name extra -p 9090:80 nginx"),
            Typed::Step
        );
        assert_eq!(s.len(), 5, "the scripted future after step 4 is replaced");
        assert_eq!(s.type_line("docker stop extra"), Typed::Step);
        while s.forward() {}
        s.seek(6);
        assert_eq!(s.type_line("!crash sleeper"), Typed::Step);
        s.forward();
        s.back();
        let link = url::serialize(&s.query(true));
        let again = Session::open(lifecycle(), &url::parse(&link));
        assert_eq!(fingerprint(&again), fingerprint(&s));
        assert_eq!(url::serialize(&again.query(true)), link);
    }

    #[test]
    fn stepping_past_the_known_steps_is_remembered() {
        let mut s = Session::open(lifecycle(), &url::parse("scenario=free"));
        s.type_line("docker run -d --name web --restart always -e CRASH_AFTER=1 dockyard/crashy");
        for _ in 0..6 {
            assert!(s.forward());
        }
        s.seek(2);
        let q = s.query(false);
        assert_eq!(q.len, Some(7));
        let again = Session::open(lifecycle(), &q);
        assert_eq!(fingerprint(&again), fingerprint(&s));
    }

    #[test]
    fn a_refused_command_changes_nothing() {
        let mut s = Session::open(lifecycle(), &url::parse("page=containers-lifecycle"));
        let (cursor, len) = (s.cursor(), s.len());
        assert_eq!(s.type_line("docker run --bogus nginx"), Typed::Refused);
        assert_eq!((s.cursor(), s.len(), s.inputs.len()), (cursor, len, 0));
        let text: Vec<String> = s.terminal().into_iter().map(|(_, l)| l.text).collect();
        assert!(
            text.iter().any(|t| t.contains("unknown flag: --bogus")),
            "{text:?}"
        );
        assert_eq!(s.type_line("!explode"), Typed::Refused);
        assert_eq!(s.type_line("!crash nobody"), Typed::Refused);
        assert_eq!(s.type_line("   "), Typed::Nothing);
        assert_eq!(s.cursor(), cursor);
    }

    #[test]
    fn a_failed_start_that_changed_state_is_a_step() {
        let mut s = Session::open(lifecycle(), &url::parse("scenario=free"));
        s.type_line("docker run -d --name blue -p 8080:80 nginx");
        assert_eq!(
            s.type_line("docker run -d --name green -p 8080:80 nginx"),
            Typed::Step
        );
        assert_eq!(s.cursor(), 2);
    }

    #[test]
    fn clear_hides_the_past_of_the_terminal() {
        let mut s = Session::open(lifecycle(), &url::parse("scenario=free"));
        s.type_line("docker ps");
        assert!(!s.terminal().is_empty());
        assert_eq!(s.type_line("clear"), Typed::Cleared);
        assert!(s.terminal().is_empty());
        s.type_line("docker ps -a");
        assert_eq!(s.terminal()[0].1.text, "docker ps -a");
        s.seek(0);
        assert!(s.terminal().is_empty());
    }

    #[test]
    fn the_state_diagram_follows_the_last_touched_container() {
        let mut s = Session::open(lifecycle(), &url::parse("scenario=free"));
        assert_eq!(s.last_touched(), None);
        s.type_line("docker run -d --name web nginx");
        assert_eq!(s.last_touched().as_deref(), Some("web"));
        s.type_line("docker ps");
        assert_eq!(s.last_touched().as_deref(), Some("web"));
    }
}
