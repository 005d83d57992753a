//! Playing a transcript: from actions to a timeline, and goals with a live status.
//!
//! Like a person at a shell, the runner types a `$` line only once the previous command's prompt
//! has returned (a `docker stop` waits out its grace period first). `wait 30s` lets 30 s of
//! simulated time pass, running every event due. Checks are evaluated after every step, so an
//! `eventually` goal is met the first step it holds and an `always` invariant fails the first step
//! it does not. The resulting `Run` is what the site loads: the whole scenario is precomputed and
//! the reader moves through it; typing a command forks it.

use std::collections::BTreeMap;

use super::parse::{Action, Mode, Scenario, ScenarioError};
use crate::sim::check::Check;
use crate::sim::input::Input;
use crate::sim::record::Record;
use crate::sim::time::{self, MINUTE_MS, Millis};
use crate::sim::timeline::Timeline;
use crate::sim::world::{Waiter, World};

/// How long the runner waits for a prompt to return before calling the transcript broken.
const PROMPT_PATIENCE_MS: Millis = 60 * MINUTE_MS;

#[derive(Clone, Debug)]
pub struct Goal {
    pub line: usize,
    pub mode: Mode,
    pub text: String,
    pub check: Check,
    /// The step count at which the expectation starts to apply.
    pub from_step: usize,
}

/// What became of a line the reader typed.
#[derive(Clone, PartialEq, Debug)]
pub enum Submitted {
    /// It became step `cursor` of the timeline.
    Applied(Record),
    /// Docker refused it and nothing changed: shown in the terminal, not kept as a step.
    Refused(Record),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GoalStatus {
    Pending,
    Met,
    Failed,
}

impl GoalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::Pending => "pending",
            GoalStatus::Met => "met",
            GoalStatus::Failed => "failed",
        }
    }
}

/// The goals of a run and, for every step, whether each check held after it.
#[derive(Clone, Debug, Default)]
pub struct Goals {
    pub goals: Vec<Goal>,
    /// `trace[k][g]`: goal `g`'s check held after step `k` (k = 0 is the start).
    trace: Vec<Vec<bool>>,
}

impl Goals {
    /// Records the checks after step `k`; anything recorded beyond `k` belonged to a discarded
    /// future and is dropped.
    pub fn observe(&mut self, k: usize, world: &World, record: Option<&Record>) {
        self.trace.truncate(k);
        while self.trace.len() < k {
            // Steps never observed (should not happen) count as not holding.
            self.trace.push(vec![false; self.goals.len()]);
        }
        self.trace.push(
            self.goals
                .iter()
                .map(|g| g.check.holds(world, record))
                .collect(),
        );
    }

    pub fn observed_steps(&self) -> usize {
        self.trace.len()
    }

    /// The status of goal `g` when looking at step `cursor`; `finished` says the transcript has
    /// been played to its end, so an `eventually` still unmet has failed.
    pub fn status(&self, g: usize, cursor: usize, finished: bool) -> GoalStatus {
        let goal = &self.goals[g];
        if cursor < goal.from_step {
            return GoalStatus::Pending;
        }
        let last = cursor.min(self.trace.len().saturating_sub(1));
        let held = |k: usize| {
            self.trace
                .get(k)
                .and_then(|row| row.get(g))
                .copied()
                .unwrap_or(false)
        };
        match goal.mode {
            Mode::Now => {
                if held(goal.from_step) {
                    GoalStatus::Met
                } else {
                    GoalStatus::Failed
                }
            }
            Mode::Eventually => {
                if (goal.from_step..=last).any(held) {
                    GoalStatus::Met
                } else if finished {
                    GoalStatus::Failed
                } else {
                    GoalStatus::Pending
                }
            }
            Mode::Always => {
                if (goal.from_step..=last).all(held) {
                    GoalStatus::Met
                } else {
                    GoalStatus::Failed
                }
            }
            Mode::Live => {
                if held(last) {
                    GoalStatus::Met
                } else {
                    GoalStatus::Pending
                }
            }
        }
    }
}

/// The events a capped run ([`Run::play_capped`]) may run for each step it may take. The shipped
/// scenarios run at most about 5 per step (mission 10: 7,851 events in 1,532 steps): ten times
/// that leaves room for any real transcript and keeps a link's work to a second or so.
pub const EVENTS_PER_STEP: u64 = 50;

#[derive(Clone, Debug)]
pub struct Run {
    pub scenario: Scenario,
    pub timeline: Timeline,
    /// `>` narration, keyed by the step count at which it was read (shown before the next step).
    pub notes: BTreeMap<usize, Vec<String>>,
    pub goals: Goals,
    /// The step count reached by the transcript; beyond it, the reader has taken over.
    pub scripted_steps: usize,
    /// The reader has typed something: the transcript no longer decides when the run is over.
    pub taken_over: bool,
}

impl Run {
    /// A run with no transcript: an empty host for free play.
    pub fn sandbox(seed: u64) -> Run {
        Run::sandbox_with_project(seed, None)
    }

    /// Free play whose project folder starts from a template (`node-app` on the images page).
    pub fn sandbox_with_project(seed: u64, project: Option<&str>) -> Run {
        let scenario = Scenario {
            title: "Free play".to_string(),
            page: String::new(),
            seed,
            project: project.map(str::to_string),
            swarm: None,
            actions: Vec::new(),
            challenge: None,
        };
        let mut world = World::new(seed);
        if let Some(template) = project {
            // An unknown template leaves the folder empty; the templates are tested in hostfs.rs.
            let _ = world.fs.seed_project(template);
        }
        let mut goals = Goals::default();
        goals.observe(0, &world, None);
        Run {
            scenario,
            timeline: Timeline::new(world),
            notes: BTreeMap::new(),
            goals,
            scripted_steps: 0,
            taken_over: true,
        }
    }

    /// Free play on a lab already formed into a swarm (`setup: swarm managers=M workers=W`), for
    /// the swarm pages.
    pub fn sandbox_with_swarm(seed: u64, managers: usize, workers: usize) -> Run {
        let mut run = Run::sandbox(seed);
        let mut world = World::new(seed);
        crate::sim::swarm::setup::form(&mut world, managers, workers);
        run.scenario.swarm = Some(super::parse::SwarmSetup { managers, workers });
        run.scenario.title =
            format!("Free play: a swarm of {managers} managers and {workers} workers");
        run.goals = Goals::default();
        run.goals.observe(0, &world, None);
        run.timeline = Timeline::new(world);
        run
    }

    /// Free play's project folder, filled from a template after the world is made (a swarm's
    /// terminal machine, node-1, holds it). The start is re-observed: nothing has happened yet.
    pub fn seed_project(&mut self, template: &str) {
        let mut world = self.timeline.world().clone();
        // An unknown template leaves the folder empty; the templates are tested in hostfs.rs.
        let _ = world.fs.seed_project(template);
        self.scenario.project = Some(template.to_string());
        self.goals = Goals::default();
        self.goals.observe(0, &world, None);
        self.timeline = Timeline::new(world);
    }

    /// Plays the whole transcript. Errors name the line that could not be carried out.
    pub fn play(scenario: &Scenario, seed_override: Option<u64>) -> Result<Run, ScenarioError> {
        Run::play_capped(scenario, seed_override, usize::MAX)
    }

    /// Plays a transcript that came from outside (a link, the scenario editor): as
    /// [`Run::play`], but an error once it has run `max_steps` steps (a `wait 365d` over a crash
    /// loop must not freeze the tab), or [`EVENTS_PER_STEP`] events for each of those steps
    /// (routine events make no step: a `wait 365d` through traffic is millions of them).
    pub fn play_capped(
        scenario: &Scenario,
        seed_override: Option<u64>,
        max_steps: usize,
    ) -> Result<Run, ScenarioError> {
        let seed = seed_override.unwrap_or(scenario.seed);
        let mut world = World::new(seed);
        if let Some(template) = &scenario.project {
            world
                .fs
                .seed_project(template)
                .map_err(|message| ScenarioError::at_line(1, message))?;
        }
        if let Some(setup) = scenario.swarm {
            crate::sim::swarm::setup::form(&mut world, setup.managers, setup.workers);
        }
        Run::play_on(scenario, world, max_steps)
    }

    /// Plays a transcript's actions on a world made elsewhere (its setup line is not read): the
    /// "Your file" page starts from the reader's files already in the project folder.
    /// Long because it is one arm per kind of transcript line, in the order the player meets them.
    pub fn play_on(
        scenario: &Scenario,
        world: World,
        max_steps: usize,
    ) -> Result<Run, ScenarioError> {
        let mut goals = Goals {
            goals: Vec::new(),
            trace: Vec::new(),
        };
        for (line, action) in &scenario.actions {
            if let Action::Expect(e) = action {
                goals.goals.push(Goal {
                    line: *line,
                    mode: e.mode,
                    text: e.text.clone(),
                    check: e.check.clone(),
                    from_step: 0,
                });
            }
        }
        goals.observe(0, &world, None);
        let mut run = Run {
            scenario: scenario.clone(),
            timeline: Timeline::new(world),
            notes: BTreeMap::new(),
            goals,
            scripted_steps: 0,
            taken_over: false,
        };
        let mut goal_index = 0;
        let events_at_start = run.timeline.world().agenda.events_run();
        let max_events = u64::try_from(max_steps)
            .unwrap_or(u64::MAX)
            .saturating_mul(EVENTS_PER_STEP);
        let over = |run: &Run, line: usize| -> Result<(), ScenarioError> {
            if run.timeline.len() > max_steps {
                return Err(ScenarioError::at_line(
                    line,
                    format!(
                        "the scenario runs past {max_steps} steps here; a scenario from a link plays at most that many"
                    ),
                ));
            }
            let events = run.timeline.world().agenda.events_run() - events_at_start;
            if events > max_events {
                return Err(ScenarioError::at_line(
                    line,
                    format!(
                        "the scenario runs past {max_events} events here (routine ones count: a long wait through traffic or a swarm's heartbeats); a scenario from a link runs at most that many"
                    ),
                ));
            }
            Ok(())
        };
        for (line, action) in &scenario.actions {
            let line = *line;
            over(&run, line)?;
            match action {
                Action::Narrate(text) => {
                    run.notes
                        .entry(run.timeline.cursor())
                        .or_default()
                        .push(text.clone());
                }
                Action::Command(command) => {
                    run.wait_for_prompt(line)?;
                    run.timeline.submit(Input::Command(command.clone()));
                    run.observe_last();
                }
                Action::Fault(fault) => {
                    let record = run.timeline.submit(Input::Fault(fault.clone())).clone();
                    run.observe_last();
                    if record.error {
                        return Err(ScenarioError {
                            line,
                            column: 1,
                            message: record.narration.join(" "),
                        });
                    }
                }
                Action::Wait(duration_ms) => {
                    run.wait_for_prompt(line)?;
                    let target = run.timeline.world().now_ms + duration_ms;
                    run.timeline.submit(Input::Advance {
                        duration_ms: *duration_ms,
                    });
                    run.observe_last();
                    while run
                        .timeline
                        .world()
                        .next_due_ms()
                        .is_some_and(|due| due <= target)
                    {
                        if !run.timeline.forward_until(target) {
                            break;
                        }
                        run.observe_last();
                        over(&run, line)?;
                    }
                }
                Action::Expect(_) => {
                    // Like the next line typed at a shell, a check reads the state once the
                    // previous command's prompt has returned.
                    run.wait_for_prompt(line)?;
                    run.goals.goals[goal_index].from_step = run.timeline.cursor();
                    goal_index += 1;
                }
            }
        }
        over(&run, scenario.actions.last().map_or(1, |(l, _)| *l))?;
        run.scripted_steps = run.timeline.cursor();
        Ok(run)
    }

    /// A challenge's starting world, ready for the reader: its setup and commands played, its
    /// goals pending until the reader's own steps reach them. The transcript no longer decides
    /// when it is over, so an unmet goal stays pending, never failed.
    pub fn open_challenge(
        scenario: &Scenario,
        seed_override: Option<u64>,
    ) -> Result<Run, ScenarioError> {
        let mut run = Run::play(&scenario.challenge_start(), seed_override)?;
        run.taken_over = true;
        Ok(run)
    }

    /// Whether every goal is met at the cursor (a challenge solved, a scenario played through).
    pub fn all_goals_met(&self) -> bool {
        !self.goals.goals.is_empty() && self.goal_statuses().iter().all(|s| *s == GoalStatus::Met)
    }

    fn observe_last(&mut self) {
        let k = self.timeline.cursor();
        let record = self.timeline.last_record().cloned();
        self.goals
            .observe(k, self.timeline.world(), record.as_ref());
    }

    /// Steps until the shell's prompt is back, as a person waits before typing the next line.
    fn wait_for_prompt(&mut self, line: usize) -> Result<(), ScenarioError> {
        let started = self.timeline.world().now_ms;
        while self.timeline.world().shell.is_busy() {
            let world = self.timeline.world();
            let waiting_for = describe_wait(world);
            if world.now_ms - started > PROMPT_PATIENCE_MS || !self.timeline.forward() {
                return Err(ScenarioError {
                    line,
                    column: 1,
                    message: format!(
                        "the previous command never returned ({waiting_for}) after {}; run it with -d, or stop what it waits for",
                        time::short_duration(self.timeline.world().now_ms - started)
                    ),
                });
            }
            self.observe_last();
        }
        Ok(())
    }

    /// Is step `k` part of the transcript (as opposed to the reader's own)?
    pub fn is_scripted(&self, k: usize) -> bool {
        k <= self.scripted_steps
    }

    /// Statuses of all goals at the cursor.
    pub fn goal_statuses(&self) -> Vec<GoalStatus> {
        let cursor = self.timeline.cursor();
        // An unmet `eventually` has failed only when the transcript itself has run to its end;
        // once the reader has taken over, it is still theirs to reach.
        let finished = !self.taken_over && cursor >= self.scripted_steps;
        (0..self.goals.goals.len())
            .map(|g| self.goals.status(g, cursor, finished))
            .collect()
    }

    /// Moves forward one step, keeping the goals' trace up to date.
    pub fn forward(&mut self) -> bool {
        let known = self.timeline.len();
        let moved = self.timeline.forward();
        if moved && self.timeline.cursor() > known {
            self.observe_last();
        }
        moved
    }

    pub fn back(&mut self) -> bool {
        self.timeline.back()
    }

    pub fn seek(&mut self, step: usize) {
        self.timeline.seek(step);
    }

    /// What the reader typed, as the site handles it: a command Docker refuses (a typo, an unknown
    /// flag, a missing container) changes nothing, so it must not fork the timeline either: its
    /// answer is returned as `Refused` and the timeline (and any scripted future) stays as it was.
    /// Anything else is submitted like `submit`.
    pub fn try_submit(&mut self, input: Input) -> Submitted {
        match self.refusal(&input) {
            Some(record) => Submitted::Refused(record),
            None => Submitted::Applied(self.submit(input)),
        }
    }

    /// Docker's answer to `input` at the cursor when it refuses it with nothing changed, or
    /// `None` when giving it would be a step. Nothing is given: a trial runs on a copy.
    pub fn refusal(&self, input: &Input) -> Option<Record> {
        let mut trial = self.timeline.world().clone();
        trial.submit(input.clone());
        let record = crate::sim::step(&mut trial).expect("a submitted input is the next event");
        // What a command changes: a refusal that still changed any of it (a stack deploy that
        // created some services before failing, a file written before an error) is a step, never
        // a lost change. The builder, lab, disk and traffic models are not compared: including them
        // turned plain refusals (`docker run --bogus nginx`) into steps (ui::session's tests).
        let world = self.timeline.world();
        let unchanged = trial.engine == world.engine
            && trial.shell == world.shell
            && trial.rng == world.rng
            && trial.fs == world.fs
            && trial.swarm == world.swarm;
        (record.error && unchanged).then_some(record)
    }

    /// The reader types a command (or injects a fault): the future after the cursor is discarded.
    pub fn submit(&mut self, input: Input) -> Record {
        let cursor = self.timeline.cursor();
        if cursor < self.scripted_steps {
            self.scripted_steps = cursor;
        }
        if !self.taken_over {
            // The reader leaves the script. The goals still ahead of this moment were anchored
            // in the discarded future: they become targets to reach from here, at any step.
            self.taken_over = true;
            for goal in &mut self.goals.goals {
                if goal.from_step > cursor {
                    goal.from_step = cursor;
                    if goal.mode != Mode::Live {
                        goal.mode = Mode::Eventually;
                    }
                }
            }
        }
        let record = self.timeline.submit(input).clone();
        self.observe_last();
        record
    }
}

fn describe_wait(world: &World) -> String {
    match world.shell.waiting.first() {
        Some(Waiter::Attached { container }) | Some(Waiter::Follow { container }) => {
            let name = world
                .engine
                .container(container)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            format!("the terminal is still attached to {name}")
        }
        Some(Waiter::Stop { print, .. }) => format!("still stopping {print}"),
        Some(Waiter::Restart { print, .. }) => format!("still restarting {print}"),
        Some(Waiter::Sleep) => "still sleeping".to_string(),
        Some(Waiter::Curl { .. }) => "curl is still waiting for an answer".to_string(),
        Some(Waiter::Finish { .. }) => "a backup tool is still moving its data".to_string(),
        Some(Waiter::Vm { name }) => format!("still booting {name}"),
        Some(Waiter::Compose(job)) => format!(
            "`docker compose` is still converging project {}",
            job.project.name
        ),
        Some(Waiter::ComposeAttached { .. }) => {
            "the terminal is still attached to the project's containers (use up -d)".to_string()
        }
        Some(Waiter::Service { service_id, .. }) => {
            let name = world
                .swarm
                .services
                .get(service_id)
                .map(|s| s.spec.name.clone())
                .unwrap_or_default();
            format!("`docker service` is still following {name}'s tasks (use -d)")
        }
        None => "nothing".to_string(),
    }
}
