//! Challenges (the phase checkpoints, the practice project's missions) are transcripts with
//! goals and a reference solution: the solution must reach every goal (tests/scenarios.rs plays
//! it like any scenario), and the starting world must not: neither at once nor after time passes
//! with nobody typing.

use dockyard::scenario::{Action, GoalStatus, Run, SCENARIOS, Scenario};
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
fn the_practice_project_is_ten_missions_in_a_chain() {
    let missions: Vec<(&str, Scenario)> = challenges()
        .into_iter()
        .filter(|(slug, _)| slug.starts_with("mission-"))
        .collect();
    assert_eq!(missions.len(), 10);
    for (n, (slug, s)) in missions.iter().enumerate() {
        assert_eq!(*slug, format!("mission-{}", n + 1));
        assert_eq!(s.page, "practice-project");
    }
    // Each starts where the one before it ends: the previous one's whole transcript (commands,
    // faults, waits), then its own lines.
    let steps = |s: &Scenario, upto: usize| -> Vec<String> {
        s.actions[..upto]
            .iter()
            .filter(|(_, a)| !matches!(a, Action::Narrate(_) | Action::Expect(_)))
            .map(|(_, a)| format!("{a:?}"))
            .collect()
    };
    for pair in missions.windows(2) {
        let (before, after) = (&pair[0].1, &pair[1].1);
        let whole = steps(before, before.actions.len());
        let start = steps(after, after.actions.len());
        assert_eq!(
            start[..whole.len()],
            whole[..],
            "{} does not start where {} ends",
            pair[1].0,
            pair[0].0
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
        let target = run.timeline.world().now_ms + 10 * MINUTE_MS;
        run.submit(Input::Advance {
            duration_ms: 10 * MINUTE_MS,
        });
        while run
            .timeline
            .world()
            .next_due_ms()
            .is_some_and(|due| due <= target)
        {
            if !run.forward() {
                break;
            }
        }
        assert!(!run.all_goals_met(), "{slug}: solved by waiting");
    }
}

// That every reference solution reaches every goal is tests/scenarios.rs's: a challenge file is a
// transcript like any other, its goals anchored where its starting world is complete.
