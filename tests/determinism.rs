//! The kernel's promises: the same seed and inputs give the same run; seek(k) is a straight run
//! to k; back then forward is forward; an input in the past forks.

mod common;

use dockyard::scenario::{Run, SCENARIOS, ScenarioFile};
use dockyard::sim::{Input, Timeline, World};

/// The scenarios these promises are checked on: every one, except that of the practice
/// project's missions, which each replay the ones before them, only mission 4 is played (its
/// transcript holds the registry, the stack, HTTPS, healthchecks and a rolling update under
/// traffic; the later ones add minutes of debug-build time each and nothing new to the kernel).
fn files() -> impl Iterator<Item = &'static ScenarioFile> {
    SCENARIOS
        .iter()
        .filter(|f| !f.slug.starts_with("mission-") || f.slug == "mission-4")
}

fn play_all(seed: u64) -> Vec<Run> {
    files()
        .map(|f| Run::play(&f.parse().unwrap(), Some(seed)).unwrap())
        .collect()
}

#[test]
fn same_seed_same_records() {
    for (a, b) in play_all(42).iter().zip(play_all(42).iter()) {
        assert_eq!(a.timeline.records(), b.timeline.records());
        assert_eq!(a.timeline.world(), b.timeline.world());
    }
}

#[test]
fn different_seeds_draw_different_ids() {
    let a = play_all(1);
    let b = play_all(2);
    assert_ne!(a[0].timeline.records(), b[0].timeline.records());
}

#[test]
fn seek_equals_a_straight_run() {
    for file in files() {
        let run = Run::play(&file.parse().unwrap(), None).unwrap();
        let mut timeline = run.timeline.clone();
        let len = timeline.len();
        // Straight runs to every k: the start world and each step run again, no keyframe used.
        let inputs: std::collections::BTreeMap<usize, Input> = timeline
            .inputs()
            .map(|(k, input)| (k, input.clone()))
            .collect();
        let mut world = timeline.start().clone();
        let mut worlds = vec![world.clone()];
        for k in 1..=len {
            if let Some(input) = inputs.get(&k) {
                world.submit(input.clone());
            }
            assert!(dockyard::sim::step::step(&mut world).is_some());
            worlds.push(world.clone());
        }
        // Forward one step at a time (through the keyframes of costly steps, copied).
        let mut forward = timeline.clone();
        forward.seek(0);
        for (k, expected) in worlds.iter().enumerate().skip(1) {
            assert!(forward.forward());
            assert_eq!(
                forward.world(),
                expected,
                "{}: forward to {k} differs",
                file.slug
            );
        }
        // Seek in a scrambled order, across keyframes.
        let mut order: Vec<usize> = (0..=len).collect();
        order.reverse();
        order.rotate_left(len / 3);
        for k in order {
            timeline.seek(k);
            assert_eq!(timeline.cursor(), k);
            assert_eq!(
                timeline.world(),
                &worlds[k],
                "{}: seek({k}) differs",
                file.slug
            );
        }
    }
}

#[test]
fn back_then_forward_equals_forward() {
    for file in files() {
        let mut timeline = Run::play(&file.parse().unwrap(), None).unwrap().timeline;
        let len = timeline.len();
        timeline.seek(len / 2);
        let here = timeline.world().clone();
        assert!(timeline.forward());
        let ahead = timeline.world().clone();
        assert!(timeline.back());
        assert_eq!(timeline.world(), &here);
        assert!(timeline.forward());
        assert_eq!(timeline.world(), &ahead);
        assert_eq!(
            timeline.len(),
            len,
            "replaying the known future must not add steps"
        );
    }
}

#[test]
fn an_input_in_the_past_discards_the_old_future() {
    let mut timeline = Timeline::new(World::new(3));
    timeline.submit(Input::Command("docker run -d --name aa nginx".into()));
    timeline.submit(Input::Command("docker run -d --name bb nginx".into()));
    timeline.submit(Input::Command("docker run -d --name cc nginx".into()));
    assert_eq!(timeline.len(), 3);
    timeline.seek(1);
    timeline.submit(Input::Command("docker run -d --name zz nginx".into()));
    assert_eq!(timeline.len(), 2);
    assert_eq!(timeline.cursor(), 2);
    let names: Vec<String> = timeline
        .world()
        .engine
        .newest_first()
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(names, ["zz", "aa"]);
    // And the fork is itself reproducible from the start.
    let now = timeline.world().clone();
    timeline.seek(0);
    timeline.seek(2);
    assert_eq!(timeline.world(), &now);
}

#[test]
fn time_is_integer_milliseconds_and_only_moves_forward() {
    let run = Run::play(&SCENARIOS[0].parse().unwrap(), None).unwrap();
    let times: Vec<u64> = run.timeline.records().iter().map(|r| r.at_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
}

/// A typo while looking at the past must not throw the scenario's future away.
#[test]
fn a_refused_command_does_not_fork() {
    use dockyard::scenario::Submitted;
    let file = SCENARIOS
        .iter()
        .find(|f| f.slug == "stop-grace-period")
        .unwrap();
    let mut run = Run::play(&file.parse().unwrap(), None).unwrap();
    let len = run.timeline.len();
    run.seek(2);
    let before = run.timeline.world().clone();
    match run.try_submit(Input::Command("docker stop --bogus web".into())) {
        Submitted::Refused(record) => {
            assert!(record.terminal_text().contains("unknown flag: --bogus"))
        }
        Submitted::Applied(_) => panic!("a refused command was applied"),
    }
    assert_eq!(run.timeline.len(), len);
    assert_eq!(run.timeline.cursor(), 2);
    assert_eq!(run.timeline.world(), &before);
    // A command Docker accepts forks as usual.
    assert!(matches!(
        run.try_submit(Input::Command("docker ps".into())),
        Submitted::Applied(_)
    ));
    assert_eq!(run.timeline.len(), 3);
}

/// A shipped scenario, played.
fn shipped(slug: &str) -> Run {
    let file = dockyard::scenario::catalogue::scenario(slug).expect("a shipped scenario");
    Run::play(&file.parse().expect("it parses"), None).expect("it plays")
}

/// Keyframes follow the cost of replaying: quiet steps get one every 16 steps, steps through the
/// traffic generator's requests get them more often (src/sim/timeline.rs).
#[test]
fn keyframes_are_placed_by_replay_cost() {
    use dockyard::sim::timeline::QUIET_STEPS_PER_KEYFRAME as QUIET;
    let quiet = shipped("pid1-exits");
    let len = quiet.timeline.len();
    assert_eq!(
        quiet.timeline.keyframe_count(),
        1 + len / QUIET as usize,
        "{len} quiet steps"
    );
    let busy = shipped("mission-10");
    let len = busy.timeline.len();
    let world = busy.timeline.world();
    assert!(
        world.traffic.sent > 200,
        "the scenario sends traffic: {}",
        world.traffic.sent
    );
    assert!(
        busy.timeline.keyframe_count() > 1 + len / QUIET as usize,
        "{} keyframes for {len} steps with {} requests",
        busy.timeline.keyframe_count(),
        world.traffic.sent
    );
}

/// What is drawn from every known step (the narration) is rebuilt only when the revision moves:
/// moving the cursor keeps it, a step appended or a future forgotten changes it.
#[test]
fn the_revision_moves_when_the_known_steps_change_not_when_the_cursor_does() {
    let mut run = shipped("pid1-exits");
    let len = run.timeline.len();
    let at_end = run.timeline.revision();
    run.timeline.seek(len / 2);
    run.timeline.seek(1);
    run.timeline.seek(len);
    assert_eq!(run.timeline.revision(), at_end, "seeking changes nothing");
    run.timeline.seek(len / 2);
    run.timeline.truncate_future();
    let forgotten = run.timeline.revision();
    assert_ne!(forgotten, at_end);
    run.timeline.forward();
    assert_ne!(run.timeline.revision(), forgotten, "a step appended");
}
