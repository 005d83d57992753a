//! Challenges (the phase checkpoints, the practice project's missions) are transcripts with
//! goals and a reference solution: the solution must reach every goal (tests/scenarios.rs plays
//! it like any scenario), and the starting world must not: neither at once nor after time passes
//! with nobody typing.

use dockyard::scenario::{GoalStatus, Run, SCENARIOS, Scenario};
use dockyard::sim::input::Input;
use dockyard::sim::time::MINUTE_MS;

fn challenges() -> Vec<(&'static str, Scenario)> {
    SCENARIOS
        .iter()
        .map(|f| {
            (
                f.slug,
                f.parse().unwrap_or_else(|e| panic!("{}: {e}", f.slug)),
            )
        })
        .filter(|(_, s)| s.challenge.is_some())
        .collect()
}

#[test]
fn there_is_a_checkpoint_per_phase() {
    let slugs: Vec<&str> = challenges().iter().map(|(slug, _)| *slug).collect();
    for phase in 1..=4 {
        let slug = format!("checkpoint-phase-{phase}");
        assert!(
            slugs.contains(&slug.as_str()),
            "{slug} is missing: {slugs:?}"
        );
    }
}

#[test]
fn every_challenge_is_unsolved_by_doing_nothing() {
    for (slug, scenario) in challenges() {
        let c = scenario.challenge.as_ref().expect("a challenge");
        assert!(!c.hints.is_empty(), "{slug}: no hint");
        assert!(!c.debrief.is_empty(), "{slug}: no debrief");
        let mut run = Run::open_challenge(&scenario, None)
            .unwrap_or_else(|e| panic!("{slug}: the start does not play: {e}"));
        assert!(!run.all_goals_met(), "{slug}: solved at the start");
        assert!(
            run.goal_statuses().iter().all(|s| *s != GoalStatus::Failed),
            "{slug}: a goal failed before the reader did anything"
        );
        // Ten minutes with nobody at the keyboard: healthchecks, restarts and updates run their
        // course, and still the challenge is not solved.
        run.submit(Input::Advance {
            duration_ms: 10 * MINUTE_MS,
        });
        for _ in 0..2_000 {
            if !run.forward() {
                break;
            }
        }
        assert!(!run.all_goals_met(), "{slug}: solved by waiting");
    }
}

#[test]
fn every_solution_reaches_every_goal() {
    for (slug, scenario) in challenges() {
        let run = Run::play(&scenario, None).unwrap_or_else(|e| panic!("{slug}: {e}"));
        let statuses: Vec<GoalStatus> = (0..run.goals.goals.len())
            .map(|g| run.goals.status(g, run.timeline.len(), true))
            .collect();
        for (goal, status) in run.goals.goals.iter().zip(&statuses) {
            assert_eq!(
                *status,
                GoalStatus::Met,
                "{slug} line {}: `{}`",
                goal.line,
                goal.text
            );
        }
    }
}
