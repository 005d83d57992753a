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
use crate::sim::record::{Record, Stream, prompt_host};
use crate::sim::time::{Millis, clock};

use super::url::{CUSTOM, FREE_PLAY, InputKind, Query, UrlInput};

/// The most steps a URL may make us compute beyond the precomputed ones (a crash loop with
/// `--restart always` never ends; a link must not freeze the tab).
pub const MAX_EXTRA_STEPS: usize = 3_000;

/// What a link may still make us compute: steps, and the events run in them.
struct Budget {
    steps: usize,
    events: u64,
}

/// The most steps play runs past the end of the story while it waits for a prompt.
pub const MAX_PLAY_PAST_END: usize = 60;

/// The line that hides the terminal's past.
pub const CLEAR: &str = "clear";

/// What the terminal shows, line by line.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LineKind {
    /// `$ docker ps`
    Prompt,
    /// `! crash web 139`, a fault injected by the reader or the transcript.
    Fault,
    Out,
    /// Written to stderr by a command that did what it was asked: Compose's and BuildKit's
    /// progress (` Container app-db-1  Started`, `#5 [2/4] COPY …`) goes to stderr, as the real
    /// tools write it there. A terminal does not colour stderr, so neither do we: only `Err`
    /// is red.
    Stderr,
    /// Output of a step that failed: Docker refused the command, or it exited non-zero.
    Err,
    /// A dim comment from Dockyard (`# Docker refused the command; nothing changed.`).
    Note,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Line {
    pub kind: LineKind,
    pub text: String,
    /// On a prompt line typed after `ssh node-2`, the machine its prompt names (`node-2 $ `).
    pub host: Option<String>,
}

impl Line {
    fn new(kind: LineKind, text: impl Into<String>) -> Line {
        Line {
            kind,
            text: text.into(),
            host: None,
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

/// A line that changed nothing but stays on the screen: Docker's refusal (with the line as
/// typed), or `clear` (no lines: it hides what came before it).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Scratch {
    /// The step count it was typed at: it shows after that step's output.
    pub at: usize,
    /// The line as typed: `docker run --bogus nginx`, `!crash nobody`, `clear`.
    pub typed: String,
    pub lines: Vec<Line>,
}

/// The next thing → does at the end of the known steps: the next scheduled event that makes a
/// step (a grace period ending, a restart back-off, a healthcheck).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NextEvent {
    pub at_ms: Millis,
    pub title: String,
}

/// How far play goes, decided when it starts (see [`Session::play`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Play {
    /// Through the known steps up to this step count, then stop.
    To(usize),
    /// At the end of the known steps with the prompt still busy (a `docker stop` in its grace
    /// period, `sleep 30`): let time pass until the prompt is back.
    UntilPrompt,
}

/// Where a session's run came from when it is neither a shipped scenario nor free play.
#[derive(Clone, Debug, PartialEq)]
pub enum Custom {
    /// A transcript from a link's fragment (`#scenario=…`) or the scenario editor.
    Scenario(String),
    /// The reader's own files on the "Your file" page (`#file=…`), brought up as its run.
    File(crate::sim::yourfile::Upload),
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
    /// Known steps right after the last input was applied (the scenario's own steps before the
    /// reader typed anything): the end of the story. More means the reader stepped on.
    pub base_len: usize,
    /// Lines that changed nothing, in the order they were typed (at most one `clear`: the last).
    pub scratch: Vec<Scratch>,
    /// What → does at the end of the known steps; `None` inside them or when nothing is left.
    next_event: Option<NextEvent>,
    /// A challenge played as its reference solution (`&solution`), not from its starting world.
    pub solution: bool,
    /// The transcript or file the run was made from, when it came from the reader.
    pub custom: Option<std::rc::Rc<Custom>>,
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
        let mut session = Session::start_as(page, chosen, q.seed, q.solution);
        session.replay(q);
        session
    }

    /// A session on a run the reader brought: a transcript (played with a step cap, as a link
    /// may carry anything) or their files. The query's own inputs and step are replayed on it as
    /// on any page. The error is the transcript's first mistake (`line 3:5: …`) or the file's.
    pub fn open_custom(page: &'static Page, q: &Query, custom: Custom) -> Result<Session, String> {
        let run = match &custom {
            Custom::Scenario(text) => {
                let scenario = Scenario::parse(text).map_err(|e| e.to_string())?;
                let run = if scenario.challenge.is_some() {
                    Run::open_challenge(&scenario, q.seed)
                } else {
                    Run::play_capped(&scenario, q.seed, MAX_EXTRA_STEPS)
                };
                run.map_err(|e| e.to_string())?
            }
            Custom::File(upload) => {
                crate::scenario::yourfile::run(upload, q.seed.unwrap_or(1), MAX_EXTRA_STEPS)?
            }
        };
        let seed = run.timeline.start().seed;
        let mut session = Session::from_run(page, None, run, seed, false);
        session.custom = Some(std::rc::Rc::new(custom));
        session.replay(q);
        Ok(session)
    }

    /// Gives the query's inputs at their steps, runs on to its known length, and seeks its step.
    fn replay(&mut self, q: &Query) {
        let session = self;
        // One budget for every step computed beyond the precomputed ones, whatever the link says:
        // so many steps, and so many events in them (routine ones make no step).
        let mut budget = Budget {
            steps: MAX_EXTRA_STEPS,
            events: MAX_EXTRA_STEPS as u64 * crate::scenario::run::EVENTS_PER_STEP,
        };
        for input in &q.inputs {
            if !session.reach(input.at, &mut budget) {
                break;
            }
            match input.kind {
                InputKind::Command => {
                    session.give(
                        Input::Command(input.text.clone()),
                        InputKind::Command,
                        input.text.clone(),
                    );
                }
                InputKind::Fault => {
                    if let Ok(f) = Fault::parse(&input.text) {
                        session.give(Input::Fault(f), InputKind::Fault, input.text.clone());
                    }
                }
                InputKind::Scratch => session.retype_scratch(&input.text),
            }
        }
        let target = q.len.unwrap_or(0).max(q.step.unwrap_or(0));
        if target > session.len() {
            session.reach(target, &mut budget);
        }
        // A challenge opens where its starting world is complete, ready for the reader.
        let first = if session.is_challenge() {
            session.base_len
        } else {
            0
        };
        let step = q.step.unwrap_or(first).min(session.run.timeline.len());
        session.run.seek(step);
        session.refresh();
    }

    /// A fresh session at step 0 of `scenario` (or free play).
    pub fn start(
        page: &'static Page,
        scenario: Option<(&'static ScenarioFile, Scenario)>,
        seed: Option<u64>,
    ) -> Session {
        Session::start_as(page, scenario, seed, false)
    }

    /// As [`Session::start`]; a challenge opens on its starting world with its goals to reach,
    /// or with `solution`, plays its reference solution like any transcript.
    pub fn start_as(
        page: &'static Page,
        scenario: Option<(&'static ScenarioFile, Scenario)>,
        seed: Option<u64>,
        solution: bool,
    ) -> Session {
        let solution = solution
            && scenario
                .as_ref()
                .is_some_and(|(_, s)| s.challenge.is_some());
        let (file, run, seed) = match scenario {
            Some((file, s)) => {
                let seed = seed.unwrap_or(s.seed);
                let play = |seed: Option<u64>| {
                    if s.challenge.is_some() && !solution {
                        Run::open_challenge(&s, seed)
                    } else {
                        Run::play(&s, seed)
                    }
                };
                // A transcript is tested with its own seed; should another seed break it, play
                // it as written rather than fail.
                match play(Some(seed)).or_else(|_| play(None)) {
                    Ok(run) => {
                        let seed = run.timeline.start().seed;
                        (Some(file), run, seed)
                    }
                    Err(_) => (None, Run::sandbox(seed), seed),
                }
            }
            None => {
                let seed = seed.unwrap_or(1);
                (None, free_play(page, seed), seed)
            }
        };
        Session::from_run(page, file, run, seed, solution)
    }

    /// A session at step 0 of a run made elsewhere.
    fn from_run(
        page: &'static Page,
        file: Option<&'static ScenarioFile>,
        mut run: Run,
        seed: u64,
        solution: bool,
    ) -> Session {
        run.seek(0);
        let base_len = run.timeline.len();
        let mut session = Session {
            page,
            file,
            run,
            seed,
            inputs: Vec::new(),
            base_len,
            scratch: Vec::new(),
            next_event: None,
            solution,
            custom: None,
        };
        session.refresh();
        session
    }

    /// On a challenge's starting world: the reader has goals to reach with their own commands.
    pub fn is_challenge(&self) -> bool {
        self.run.scenario.challenge.is_some() && !self.solution
    }

    /// The `scenario` URL parameter.
    pub fn scenario_param(&self) -> &'static str {
        match (self.file, &self.custom) {
            (Some(f), _) => f.slug,
            (None, Some(_)) => CUSTOM,
            (None, None) => FREE_PLAY,
        }
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

    /// The end of the story: the scenario's own steps, or the steps up to the reader's last
    /// input. The stepper shows this as its total, so the total does not grow while the reader
    /// runs scheduled events past it (those are marked as "+k past the scenario" instead): the
    /// reader always sees where the lesson ends.
    pub fn known_len(&self) -> usize {
        self.base_len
    }

    /// Steps shown beyond the end of the story, said in words: `+3 past the scenario`.
    pub fn past_end(&self) -> Option<String> {
        let extra = self
            .cursor()
            .checked_sub(self.base_len)
            .filter(|k| *k > 0)?;
        let what = if self.inputs.is_empty() && self.file.is_some() {
            "the scenario"
        } else {
            "your last command"
        };
        Some(format!("+{extra} past {what}"))
    }

    /// The next scheduled event → would run at the end of the known steps.
    pub fn next_event(&self) -> Option<&NextEvent> {
        self.next_event.as_ref()
    }

    /// Is there anything to step forward to (a known step, or a scheduled event that makes one)?
    pub fn can_forward(&self) -> bool {
        self.cursor() < self.len() || self.next_event.is_some()
    }

    /// What → does from here, for its title.
    pub fn forward_hint(&self) -> String {
        if self.cursor() < self.len() {
            "Step forward (→)".to_string()
        } else if let Some(next) = &self.next_event {
            format!(
                "Run the next scheduled event: {} at {} (→)",
                next.title,
                clock(next.at_ms)
            )
        } else {
            "The end: nothing else is scheduled".to_string()
        }
    }

    pub fn forward(&mut self) -> bool {
        let moved = self.run.forward();
        self.refresh();
        moved
    }

    pub fn back(&mut self) -> bool {
        let moved = self.run.back();
        self.refresh();
        moved
    }

    pub fn seek(&mut self, step: usize) {
        self.run.seek(step);
        self.refresh();
    }

    /// The next narrated moment after the cursor: the step count before the transcript's next
    /// guide note (where the story says something new), else the end of the story, else the end
    /// of the known steps. `None` at the end.
    pub fn next_moment(&self) -> Option<usize> {
        let cursor = self.cursor();
        let typed: Vec<usize> = self
            .run
            .timeline
            .inputs()
            .map(|(k, _)| k)
            .filter(|k| !self.run.is_scripted(*k))
            .collect();
        let note = self
            .run
            .notes
            .keys()
            .copied()
            .filter(|j| *j > cursor && *j <= self.len())
            // The same rule as the narration: a note of a discarded future is not a moment.
            .find(|j| self.run.is_scripted(*j) && !typed.contains(&(j + 1)));
        let end = [self.base_len, self.len()]
            .into_iter()
            .find(|k| *k > cursor);
        match (note, end) {
            (Some(n), Some(e)) => Some(n.min(e)),
            (n, e) => n.or(e),
        }
    }

    /// Skips to [`Session::next_moment`] (Shift+→, the stepper's ▸▸).
    pub fn skip(&mut self) -> bool {
        match self.next_moment() {
            Some(k) => {
                self.seek(k);
                true
            }
            None => false,
        }
    }

    /// Starts play: how far it goes. Play never runs past the end of the story by itself: inside
    /// it, play stops at its end; at the end, with a command still waiting, it lets time pass
    /// until the prompt is back; otherwise it starts again from step 0. `None`: nothing to play.
    pub fn play(&mut self) -> Option<Play> {
        let cursor = self.cursor();
        if cursor < self.base_len {
            return Some(Play::To(self.base_len));
        }
        if cursor < self.len() {
            return Some(Play::To(self.len()));
        }
        if self.run.timeline.world().shell.is_busy() && self.next_event.is_some() {
            return Some(Play::UntilPrompt);
        }
        if self.base_len == 0 {
            return None;
        }
        self.seek(0);
        Some(Play::To(self.base_len))
    }

    /// One tick of play: steps forward; `false` when play should stop.
    pub fn tick(&mut self, play: Play) -> bool {
        match play {
            Play::To(end) => self.cursor() < end && self.forward() && self.cursor() < end,
            // A prompt that never comes back (`docker logs -f` on a crash loop) stops play too.
            Play::UntilPrompt => {
                self.forward()
                    && self.run.timeline.world().shell.is_busy()
                    && self.can_forward()
                    && self.cursor() < self.base_len + MAX_PLAY_PAST_END
            }
        }
    }

    /// The query that rebuilds this moment.
    pub fn query(&self, embed: bool) -> Query {
        // A step's scratch lines were typed before the input given at that step (after it, the
        // cursor had moved on), so they come first; `url::parse` keeps that order for ties.
        let mut inputs: Vec<UrlInput> = self
            .scratch
            .iter()
            .map(|s| UrlInput {
                at: s.at,
                kind: InputKind::Scratch,
                text: s.typed.clone(),
            })
            .chain(self.inputs.iter().cloned())
            .collect();
        crate::sim::order::sort_by_key(&mut inputs, |i| i.at);
        Query {
            page: Some(self.page.slug.to_string()),
            scenario: Some(self.scenario_param().to_string()),
            seed: Some(self.seed),
            step: Some(self.cursor()),
            len: (self.len() > self.base_len).then_some(self.len()),
            inputs,
            solution: self.solution,
            embed,
        }
    }

    /// A line typed at the prompt: a command, `!fault`, or `clear`.
    pub fn type_line(&mut self, line: &str) -> Typed {
        let line = line.trim();
        if line.is_empty() {
            return Typed::Nothing;
        }
        if line == CLEAR {
            // Only the last `clear` counts, as on a real terminal.
            self.scratch.retain(|s| s.typed != CLEAR);
            self.scratch.push(Scratch {
                at: self.cursor(),
                typed: CLEAR.to_string(),
                lines: Vec::new(),
            });
            return Typed::Cleared;
        }
        if let Some(fault) = line.strip_prefix('!') {
            return match Fault::parse(fault.trim()) {
                Ok(f) => self.inject(f),
                Err(message) => {
                    self.scratch.push(Scratch {
                        at: self.cursor(),
                        typed: line.to_string(),
                        lines: vec![
                            Line::new(LineKind::Fault, format!("! {}", fault.trim())),
                            Line::new(LineKind::Err, message),
                        ],
                    });
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
        let typed = match kind {
            InputKind::Fault => format!("!{text}"),
            _ => text.clone(),
        };
        let typed_kind = match self.run.try_submit(input) {
            Submitted::Refused(record) => {
                let lines = refusal_lines(&typed, &record, prompt_host(self.run.timeline.world()));
                self.scratch.push(Scratch { at, typed, lines });
                Typed::Refused
            }
            Submitted::Applied(_) => {
                self.inputs.retain(|i| i.at < at);
                self.inputs.push(UrlInput { at, kind, text });
                // Scratch typed later in the discarded future goes with it (a `clear` too).
                self.scratch.retain(|s| s.at <= at);
                self.base_len = self.len();
                Typed::Step
            }
        };
        self.refresh();
        typed_kind
    }

    /// A scratch line from a link, typed again at the cursor. It only ever shows: should it no
    /// longer be refused (a hand-edited link), it is dropped rather than allowed to change the
    /// timeline.
    fn retype_scratch(&mut self, typed: &str) {
        let typed = typed.trim();
        let input = if typed == CLEAR {
            self.type_line(CLEAR);
            return;
        } else if let Some(fault) = typed.strip_prefix('!') {
            match Fault::parse(fault.trim()) {
                Ok(f) => Input::Fault(f),
                // Unparsable: `type_line` only ever makes scratch of it.
                Err(_) => {
                    self.type_line(typed);
                    return;
                }
            }
        } else {
            Input::Command(typed.to_string())
        };
        if let Some(record) = self.run.refusal(&input) {
            let typed = match &input {
                Input::Fault(f) => format!("!{}", f.describe()),
                _ => typed.to_string(),
            };
            let lines = refusal_lines(&typed, &record, prompt_host(self.run.timeline.world()));
            self.scratch.push(Scratch {
                at: self.cursor(),
                typed,
                lines,
            });
        }
    }

    /// Moves the cursor to `step`, running scheduled events past the known steps if needed
    /// (each step and the events it ran taken from `budget`).
    fn reach(&mut self, step: usize, budget: &mut Budget) -> bool {
        self.run.seek(step.min(self.len()));
        while self.cursor() < step && budget.steps > 0 && budget.events > 0 {
            let events_before = self.run.timeline.world().agenda.events_run();
            if !self.run.forward() {
                return false;
            }
            let events = self.run.timeline.world().agenda.events_run() - events_before;
            budget.steps -= 1;
            budget.events = budget.events.saturating_sub(events);
        }
        self.cursor() == step
    }

    /// Recomputes what → would do at the end of the known steps.
    fn refresh(&mut self) {
        self.next_event = if self.cursor() < self.len() {
            None
        } else {
            self.run.timeline.peek_next().map(|r| NextEvent {
                at_ms: r.at_ms,
                title: r.title,
            })
        };
    }

    /// The step the terminal starts after (`clear`), and the index of that `clear` in `scratch`.
    fn cleared(&self) -> Option<(usize, usize)> {
        let cursor = self.cursor();
        self.scratch
            .iter()
            .position(|s| s.typed == CLEAR)
            .map(|i| (self.scratch[i].at, i))
            .filter(|(at, _)| *at <= cursor)
    }

    /// The terminal from the last `clear` up to the cursor, each line with the step it belongs to.
    pub fn terminal(&self) -> Vec<(usize, Line)> {
        let cursor = self.cursor();
        let cleared = self.cleared();
        let from = cleared.map(|(at, _)| at).unwrap_or(0);
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
            for (i, s) in self.scratch.iter().enumerate() {
                // At the step of the `clear`, only what was typed after it shows.
                let hidden = cleared.is_some_and(|(at, c)| k == at && i < c);
                if s.at == k && !hidden {
                    out.extend(s.lines.iter().cloned().map(|l| (k, l)));
                }
            }
        };
        scratch_at(from, &mut out);
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
            out.extend(record.terminal.iter().map(|l| (k, term_line(l, record))));
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

/// Free play on a page starts from its lesson's `start` (a page still coming has none: an empty
/// host).
fn free_play(page: &Page, seed: u64) -> Run {
    match &page.lesson {
        Some(lesson) => lesson.start.run(seed),
        None => Run::sandbox(seed),
    }
}

/// What the terminal shows for a line that changed nothing: the line as typed (its prompt naming
/// `host`, the machine the terminal is on: see [`prompt_host`]), Docker's answer, and Dockyard's
/// note.
fn refusal_lines(typed: &str, record: &Record, host: Option<String>) -> Vec<Line> {
    let mut lines = vec![match typed.strip_prefix('!') {
        Some(fault) => Line::new(LineKind::Fault, format!("! {}", fault.trim())),
        None => Line {
            host,
            ..Line::new(LineKind::Prompt, typed)
        },
    }];
    lines.extend(
        record
            .terminal
            .iter()
            .filter(|l| l.stream != Stream::Prompt)
            .map(|l| term_line(l, record)),
    );
    lines.extend(
        record
            .narration
            .iter()
            .map(|n| Line::new(LineKind::Note, n.clone())),
    );
    lines
}

/// A record's terminal line. Stderr is red only when the step failed (see [`LineKind::Stderr`]).
fn term_line(l: &crate::sim::record::TermLine, record: &Record) -> Line {
    let kind = match l.stream {
        Stream::Prompt => LineKind::Prompt,
        Stream::Stdout => LineKind::Out,
        Stream::Stderr if record.error => LineKind::Err,
        Stream::Stderr => LineKind::Stderr,
    };
    Line {
        host: l.host.clone(),
        ..Line::new(kind, l.text.clone())
    }
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

    /// The query and fragment a link from the scenario editor opens (`?…#scenario=CODE`).
    fn open_link(page: &'static Page, link: &str) -> Result<Session, String> {
        let (query, fragment) = link
            .trim_start_matches('?')
            .split_once('#')
            .expect("a link with a fragment");
        let Some(url::Fragment::Scenario(code)) = url::Fragment::parse(fragment) else {
            panic!("not a scenario link: {link}");
        };
        let text = crate::sim::yourfile::link::unpack(&code).map_err(|e| e.to_string())?;
        Session::open_custom(page, &url::parse(query), Custom::Scenario(text))
    }

    /// Site → transcript → `dockyard play` passes its goals → link → the same moment in the site.
    #[test]
    fn a_saved_scenario_plays_its_goals_and_its_link_opens_the_same_moment() {
        let page = lifecycle();
        let mut s = Session::open(page, &url::parse("page=containers-lifecycle&scenario=free"));
        assert_eq!(
            s.type_line("docker run -d --name web nginx:1.27"),
            Typed::Step
        );
        for _ in 0..6 {
            s.forward();
        }
        assert_eq!(s.type_line("!crash web 3"), Typed::Step);
        for _ in 0..3 {
            s.forward();
        }
        let mut text = crate::scenario::author::transcript(&s.run, s.cursor());
        assert!(
            text.contains("$ docker run -d --name web nginx:1.27\n"),
            "{text}"
        );
        assert!(text.contains("! crash web 3\n"), "{text}");
        text.push_str(
            "expect eventually: container web is exited\nexpect: container web exit code 3\n",
        );
        let scenario = Scenario::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let played = Run::play(&scenario, None).expect("it plays");
        let verdicts = crate::scenario::author::goal_results(&played);
        assert_eq!(verdicts.len(), 2);
        assert!(
            verdicts
                .iter()
                .all(|(_, v)| *v == crate::scenario::run::GoalStatus::Met),
            "{text}"
        );
        let link = crate::ui::author::scenario_link(&text, page.slug, false).expect("short enough");
        let (query, fragment) = link.split_once('#').expect("a fragment");
        let opened = open_link(
            page,
            &format!("{query}&step={}#{fragment}", played.timeline.len()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(opened.scenario_param(), url::CUSTOM);
        assert_eq!(opened.cursor(), played.timeline.len());
        assert_eq!(
            format!("{:?}", opened.run.timeline.world().engine),
            format!("{:?}", played.timeline.world().engine)
        );
        // The reader forks the linked scenario; its own query brings the fork back.
        let mut forked = opened;
        assert_eq!(forked.type_line("docker rm web"), Typed::Step);
        let q = forked.query(false);
        let text = match forked.custom.as_deref() {
            Some(Custom::Scenario(text)) => text.clone(),
            other => panic!("{other:?}"),
        };
        let again = Session::open_custom(page, &q, Custom::Scenario(text)).expect("reopens");
        assert_eq!(fingerprint(&again), fingerprint(&forked));
    }

    #[test]
    fn a_link_scenario_is_capped_and_its_mistakes_name_line_and_column() {
        let page = lifecycle();
        let err = Session::open_custom(
            page,
            &Query::default(),
            Custom::Scenario("# T\n$ docker ps\nexpect: the moon is full\n".into()),
        )
        .unwrap_err();
        assert!(err.starts_with("line 3:9: "), "{err}");
        let endless = "# T\nsetup: host\n$ docker run -d --restart always --name loop alpine false\nwait 30d\n";
        let err = Session::open_custom(page, &Query::default(), Custom::Scenario(endless.into()))
            .unwrap_err();
        assert!(err.contains("steps"), "{err}");
    }

    /// The "Your file" page's run becomes a transcript that writes the files with here-documents
    /// and brings them up the same way.
    #[test]
    fn a_your_file_session_saves_as_a_transcript_that_brings_the_file_up() {
        let upload = crate::sim::yourfile::Upload::compose(
            "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n",
        );
        let page = catalogue::your_file_page(upload.target);
        let mut s = Session::open_custom(page, &Query::default(), Custom::File(upload))
            .expect("it comes up");
        let end = s.run.timeline.len();
        s.seek(end);
        let text = crate::scenario::author::transcript(&s.run, end);
        assert!(
            text.contains("$ cat > compose.yaml <<'EOF'\nservices:\n"),
            "{text}"
        );
        assert!(text.contains("$ docker compose up -d\n"), "{text}");
        let played = Run::play(&Scenario::parse(&text).expect("parses"), None).expect("plays");
        let running = |w: &crate::sim::World| {
            w.engine
                .containers
                .values()
                .filter(|c| c.status() == crate::sim::docker::container::Status::Running)
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            running(played.timeline.world()),
            vec!["app-web-1".to_string()]
        );
        assert_eq!(
            running(played.timeline.world()),
            running(s.run.timeline.world())
        );
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
    fn a_challenge_opens_on_its_start_and_a_link_brings_back_what_the_reader_did() {
        let volumes = page("volumes-persistence");
        let s = Session::open(volumes, &url::parse("scenario=checkpoint-phase-1"));
        assert!(s.is_challenge());
        assert_eq!(s.cursor(), s.len(), "ready for the reader, not at step 0");
        assert!(!s.run.all_goals_met());
        let mut s = s;
        assert_eq!(s.type_line("docker rm -f api"), Typed::Step);
        let q = url::serialize(&s.query(false));
        assert!(!q.contains("solution"), "{q}");
        let again = Session::open(volumes, &url::parse(&q));
        assert!(again.is_challenge());
        assert_eq!((again.cursor(), again.len()), (s.cursor(), s.len()));
        // The reference solution plays like a transcript, from step 0, and reaches every goal.
        let mut solution =
            Session::open(volumes, &url::parse("scenario=checkpoint-phase-1&solution"));
        assert!(!solution.is_challenge() && solution.solution);
        assert_eq!(solution.cursor(), 0);
        assert!(url::serialize(&solution.query(false)).contains("&solution"));
        let end = solution.len();
        solution.seek(end);
        assert!(solution.run.all_goals_met());
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

    fn page(slug: &str) -> &'static Page {
        catalogue::page(slug).expect("the page exists")
    }

    /// The terminal's lines, a prompt line with the machine its prompt names (`node-2 $ `).
    fn texts(s: &Session) -> Vec<(usize, LineKind, String)> {
        s.terminal()
            .into_iter()
            .map(|(k, l)| match l.host {
                Some(host) => (k, l.kind, format!("{host} $ {}", l.text)),
                None => (k, l.kind, l.text),
            })
            .collect()
    }

    /// After `ssh node-2` the lines typed there (applied or refused) name node-2 in their prompt,
    /// and so does the live prompt; after `exit` the prompt is the lab's own `$ ` again. A link
    /// reopens the same prompts.
    #[test]
    fn lines_typed_after_ssh_name_the_machine() {
        let mut s = Session::open(page("swarm-basics"), &url::parse("scenario=free"));
        let here = |s: &Session| prompt_host(s.run.timeline.world());
        assert_eq!(here(&s), None);
        assert_eq!(s.type_line("ssh node-2"), Typed::Step);
        assert_eq!(here(&s).as_deref(), Some("node-2"));
        assert_eq!(s.type_line("docker ps"), Typed::Step);
        assert_eq!(s.type_line("docker bogus"), Typed::Refused);
        assert_eq!(s.type_line("exit"), Typed::Step);
        assert_eq!(here(&s), None);
        assert_eq!(s.type_line("docker ps"), Typed::Step);
        let prompts: Vec<String> = texts(&s)
            .into_iter()
            .filter(|(_, kind, _)| *kind == LineKind::Prompt)
            .map(|(_, _, text)| text)
            .collect();
        assert_eq!(
            prompts,
            [
                "ssh node-2",
                "node-2 $ docker ps",
                "node-2 $ docker bogus",
                "node-2 $ exit",
                "docker ps"
            ]
        );
        let r = &s.run.timeline.records()[1];
        assert!(r.terminal_text().starts_with("node-2 $ docker ps\n"));
        reopen(&s).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Reopens the session's own link: everything the reader sees must be the same.
    fn reopen(s: &Session) -> Result<Session, String> {
        let link = url::serialize(&s.query(false));
        let again = Session::open(s.page, &url::parse(&link));
        let seen = |s: &Session| {
            let world = s.run.timeline.world();
            (
                s.cursor(),
                s.len(),
                s.known_len(),
                clock(world.now_ms),
                format!("{world:?}"),
            )
        };
        if seen(&again) != seen(s) {
            let (a, b) = (seen(s), seen(&again));
            return Err(format!(
                "{link}\n  before: step {} / {} (end {}) at {}\n  after:  step {} / {} (end {}) at {}\n  same world: {}",
                a.0,
                a.1,
                a.2,
                a.3,
                b.0,
                b.1,
                b.2,
                b.3,
                a.4 == b.4
            ));
        }
        if texts(&again) != texts(s) {
            return Err(format!(
                "{link}\n  terminal before: {:?}\n  terminal after:  {:?}",
                texts(s),
                texts(&again)
            ));
        }
        let again_link = url::serialize(&again.query(false));
        if again_link != link {
            return Err(format!("the link changed: {link}\n  became {again_link}"));
        }
        Ok(again)
    }

    #[test]
    fn a_quiet_event_past_the_end_does_not_move_the_clock() {
        // Issue 10: → past the end ran only quiet events (no step), yet the world's clock jumped
        // 24 h; a command typed then was at 1440:30, and its link reopened at 0:30.
        let link =
            "page=swarm-overlay-networks&scenario=swarm-mesh-any-node&seed=11&step=18&len=18";
        let mut s = Session::open(page("swarm-overlay-networks"), &url::parse(link));
        let (cursor, now_ms) = (s.cursor(), s.run.timeline.world().now_ms);
        assert_eq!((cursor, s.len(), s.known_len()), (18, 18, 17));
        assert!(!s.can_forward(), "→ is disabled when nothing would happen");
        assert!(!s.forward());
        assert_eq!(s.run.timeline.world().now_ms, now_ms, "no step, no time");
        assert_eq!(s.type_line("docker service ls"), Typed::Step);
        let again = reopen(&s).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            again.run.timeline.world().now_ms,
            s.run.timeline.world().now_ms
        );
    }

    /// The reader's actions for the property test.
    #[derive(Clone, Debug)]
    enum Action {
        Forward,
        Back,
        Seek(usize),
        /// → pressed several times at the end of the known steps.
        PastTheEnd(usize),
        Type(String),
        Clear,
    }

    /// Lines that change something on each kind of page, and lines Docker refuses.
    fn lines_for(slug: &str) -> (&'static [&'static str], &'static [&'static str]) {
        let refused: &[&str] = &[
            "docker run --bogus nginx",
            "docker stop nobody",
            "!crash nobody",
            "!explode",
            "docker frobnicate",
        ];
        let applied: &[&str] = match slug {
            "swarm-basics" | "swarm-overlay-networks" | "swarm-deployment-strategies" => &[
                "docker service ls",
                "docker service create -d --name extra --replicas 2 dockyard/web:1.0",
                "docker service scale extra=3",
                "!kill node-2",
                "!start node-2",
                "docker node ls",
                "sleep 5",
            ],
            "compose-healthchecks" | "restart-config-not-applied" => &[
                "docker compose up -d",
                "docker compose ps",
                "!reboot",
                "docker compose restart api",
                "sleep 5",
            ],
            _ => &[
                "docker run -d --name web -p 8080:80 nginx",
                "docker run -d --name loop --restart always -e CRASH_AFTER=1 dockyard/crashy",
                "docker stop web",
                "docker ps -a",
                "!crash web",
                "!reboot",
                "sleep 3",
            ],
        };
        (applied, refused)
    }

    fn random_actions(rng: &mut crate::sim::rng::Rng, slug: &str, count: usize) -> Vec<Action> {
        let (applied, refused) = lines_for(slug);
        (0..count)
            .map(|_| match rng.below(10) {
                0 => Action::Forward,
                1 => Action::Back,
                2 => Action::Seek(rng.below(40) as usize),
                3 => Action::PastTheEnd(1 + rng.below(3) as usize),
                4 | 5 => Action::Type(rng.pick(refused).to_string()),
                6 => Action::Clear,
                // The page's own examples too (here-documents, builds, Compose files).
                7 => Action::Type(
                    rng.pick(catalogue::lesson(slug).expect("a ready page").examples)
                        .to_string(),
                ),
                _ => Action::Type(rng.pick(applied).to_string()),
            })
            .collect()
    }

    fn act(s: &mut Session, action: &Action) {
        match action {
            Action::Forward => {
                s.forward();
            }
            Action::Back => {
                s.back();
            }
            Action::Seek(k) => s.seek(*k),
            Action::PastTheEnd(n) => {
                s.seek(s.len());
                for _ in 0..*n {
                    s.forward();
                }
            }
            Action::Type(line) => {
                s.type_line(line);
            }
            Action::Clear => {
                s.type_line(CLEAR);
            }
        }
    }

    /// Property: whatever the reader does (step, seek, run past the end, type commands that apply
    /// or are refused, inject faults, clear), the link of the moment reopens the same moment:
    /// cursor, known steps, clock, world and terminal. `LINK_SEEDS=200` runs more.
    #[test]
    fn links_rebuild_the_same_moment_after_random_reader_actions() {
        let starts: &[(&str, &str)] = &[
            ("containers-lifecycle", "pid1-exits"),
            ("containers-lifecycle", "stop-grace-period"),
            ("containers-lifecycle", FREE_PLAY),
            ("compose-healthchecks", "api-races-the-database"),
            (
                "restart-config-not-applied",
                "docker-restart-keeps-old-config",
            ),
            ("swarm-overlay-networks", "swarm-mesh-any-node"),
            ("swarm-basics", "swarm-worker-dies"),
            ("images-layers", FREE_PLAY),
            ("compose-basics", FREE_PLAY),
            ("swarm-basics", FREE_PLAY),
        ];
        let seeds: u64 = std::env::var("LINK_SEEDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(16);
        for seed in 0..seeds {
            let mut rng = crate::sim::rng::Rng::seeded(seed);
            let (slug, scenario) = *rng.pick(starts);
            let p = page(slug);
            let mut s = Session::open(p, &url::parse(&format!("page={slug}&scenario={scenario}")));
            let actions = random_actions(&mut rng, slug, 10);
            let mut done = Vec::new();
            for action in &actions {
                act(&mut s, action);
                done.push(action.clone());
                // Check after every few actions, and always at the end.
                if (done.len() % 4 == 0 || done.len() == actions.len())
                    && let Err(e) = reopen(&s)
                {
                    panic!(
                        "seed {seed}, {slug} / {scenario}, after {} actions:\n{done:#?}\n{e}",
                        done.len()
                    );
                }
            }
        }
    }

    #[test]
    fn refused_lines_and_clear_are_in_the_link() {
        let mut s = Session::open(lifecycle(), &url::parse("scenario=free"));
        assert_eq!(s.type_line("docker run -d --name web nginx"), Typed::Step);
        assert_eq!(s.type_line("docker stop nobody"), Typed::Refused);
        assert_eq!(s.type_line("clear"), Typed::Cleared);
        assert_eq!(s.type_line("docker run --bogus nginx"), Typed::Refused);
        assert_eq!(s.type_line("!crash nobody"), Typed::Refused);
        let link = url::serialize(&s.query(false));
        assert!(
            link.contains("&in=1?docker+stop+nobody&in=1?clear&in=1?docker+run+--bogus+nginx"),
            "{link}"
        );
        let again = reopen(&s).unwrap_or_else(|e| panic!("{e}"));
        let text: Vec<String> = again.terminal().into_iter().map(|(_, l)| l.text).collect();
        // After `clear`, only what was typed after it.
        assert_eq!(text[0], "docker run --bogus nginx", "{text:?}");
        assert!(text.iter().any(|t| t.contains("unknown flag: --bogus")));
        assert!(
            !text
                .iter()
                .any(|t| t.contains("nobody") && t.starts_with("docker stop"))
        );
        assert!(text.iter().any(|t| t.contains("crash nobody")));
        // A fork before them drops them, as it drops the future they were typed in.
        let mut fork = again.clone();
        fork.seek(0);
        assert_eq!(fork.type_line("docker ps"), Typed::Step);
        assert!(fork.scratch.is_empty());
        assert!(!url::serialize(&fork.query(false)).contains('?'));
        // A hand-edited scratch line that would change something is not applied.
        let edited = Session::open(
            lifecycle(),
            &url::parse("scenario=free&in=0?docker+run+-d+nginx"),
        );
        assert_eq!((edited.len(), edited.scratch.len()), (0, 0));
    }

    #[test]
    fn the_end_of_the_story_stays_put_and_forward_says_what_it_does() {
        let swarm = page("swarm-basics");
        let mut s = Session::open(swarm, &url::parse("scenario=swarm-worker-dies"));
        let end = s.known_len();
        assert_eq!(end, s.len());
        s.seek(end);
        match s.next_event().cloned() {
            // Nothing left that makes a step: → is disabled and says so.
            None => {
                assert!(!s.can_forward());
                assert!(!s.forward());
                assert!(s.forward_hint().starts_with("The end"));
            }
            Some(next) => {
                let hint = s.forward_hint();
                assert!(
                    hint.contains(&next.title) && hint.contains(&clock(next.at_ms)),
                    "{hint}"
                );
                assert!(s.forward());
                assert_eq!(s.run.timeline.world().now_ms, next.at_ms);
                assert_eq!(s.known_len(), end, "the total does not grow");
                assert_eq!(s.past_end().as_deref(), Some("+1 past the scenario"));
            }
        }
        // A scheduled healthcheck past the end is labelled, never counted in the total.
        let mut t = Session::open(
            page("restart-config-not-applied"),
            &url::parse("page=restart-config-not-applied"),
        );
        let end = t.known_len();
        t.seek(end);
        if t.can_forward() {
            let hint = t.forward_hint();
            assert!(hint.starts_with("Run the next scheduled event: "), "{hint}");
            t.forward();
            t.forward();
            assert_eq!(t.known_len(), end);
            assert_eq!(t.past_end().as_deref(), Some("+2 past the scenario"));
        }
    }

    #[test]
    fn play_stops_at_the_end_of_the_story() {
        let mut s = Session::open(
            page("restart-config-not-applied"),
            &url::parse("page=restart-config-not-applied"),
        );
        let end = s.known_len();
        s.seek(end.saturating_sub(3));
        let play = s.play().expect("something to play");
        assert_eq!(play, Play::To(end));
        let mut ticks = 0;
        while s.tick(play) {
            ticks += 1;
            assert!(ticks < 10);
        }
        assert_eq!((s.cursor(), s.len()), (end, end));
        // At the end, play starts over rather than running scheduled events.
        assert_eq!(s.play(), Some(Play::To(end)));
        assert_eq!(s.cursor(), 0);
        // With a command still waiting, play lets time pass until the prompt is back.
        let mut f = Session::open(lifecycle(), &url::parse("scenario=free"));
        f.type_line("docker run -d --name web nginx");
        f.type_line("docker stop web");
        if f.run.timeline.world().shell.is_busy() {
            assert_eq!(f.play(), Some(Play::UntilPrompt));
            while f.tick(Play::UntilPrompt) {}
            assert!(!f.run.timeline.world().shell.is_busy());
        }
        assert_eq!(
            Session::open(lifecycle(), &url::parse("scenario=free")).play(),
            None
        );
        // A prompt that never comes back: play still stops.
        let mut endless = Session::open(lifecycle(), &url::parse("scenario=free"));
        endless.type_line(
            "docker run -d --name loop --restart always -e CRASH_AFTER=1 dockyard/crashy",
        );
        endless.type_line("docker logs -f loop");
        assert!(endless.run.timeline.world().shell.is_busy());
        assert_eq!(endless.play(), Some(Play::UntilPrompt));
        let mut ticks = 0;
        while endless.tick(Play::UntilPrompt) {
            ticks += 1;
            assert!(ticks <= MAX_PLAY_PAST_END, "play never stopped");
        }
    }

    /// Compose writes its progress to stderr, as the real one does: those lines keep their stream
    /// but are not drawn as errors; a refused command's answer is.
    #[test]
    fn progress_on_stderr_is_not_an_error() {
        let compose = page("compose-basics");
        let mut s = Session::open(compose, &url::parse("scenario=free"));
        s.type_line("echo 'services: {web: {image: nginx}}' > compose.yaml");
        assert_eq!(s.type_line("docker compose up -d"), Typed::Step);
        let kinds: Vec<(LineKind, String)> = s
            .terminal()
            .into_iter()
            .map(|(_, l)| (l.kind, l.text))
            .collect();
        assert!(
            kinds
                .iter()
                .any(|(k, t)| *k == LineKind::Stderr && t.contains("Container app-web-1")),
            "{kinds:?}"
        );
        assert!(!kinds.iter().any(|(k, _)| *k == LineKind::Err), "{kinds:?}");
        assert_eq!(s.type_line("docker stop nobody"), Typed::Refused);
        let refusal: Vec<LineKind> = s.scratch[0].lines.iter().map(|l| l.kind).collect();
        assert!(refusal.contains(&LineKind::Err), "{refusal:?}");
    }

    #[test]
    fn skipping_lands_on_the_next_narrated_moment() {
        let disk = page("disk-full-logs");
        let mut s = Session::open(disk, &url::parse("scenario=disk-full-logs-no-rotation"));
        assert!(s.len() > 100, "{}", s.len());
        let notes: Vec<usize> = s.run.notes.keys().copied().filter(|j| *j > 0).collect();
        let mut stops = Vec::new();
        while s.skip() {
            stops.push(s.cursor());
            assert!(stops.len() < 20);
        }
        let mut expected = notes.clone();
        if expected.last() != Some(&s.known_len()) {
            expected.push(s.known_len());
        }
        assert_eq!(stops, expected, "notes at {notes:?}");
        assert_eq!(s.next_moment(), None);
        // Far fewer presses than steps.
        assert!(stops.len() * 10 < s.len());
    }
}
