//! A long `wait` through routine events. Real time passes for free; here every Raft heartbeat
//! and every tick of a traffic generator is an event to run, and routine events make no step of
//! their own. Found by fuzzing: `wait 365d` with traffic running was one step of minutes of work
//! (a link could freeze the tab). Now a step ends after `QUIET_EVENTS_PER_STEP` routine events
//! ("time passes"), and a transcript from a link runs at most `EVENTS_PER_STEP` events per step
//! of its budget, then says so with the line.

#![cfg(not(target_arch = "wasm32"))]

use dockyard::scenario::Scenario;
use dockyard::scenario::run::{EVENTS_PER_STEP, Run};
use dockyard::sim::step::QUIET_EVENTS_PER_STEP;

fn transcript(wait: &str) -> Scenario {
    Scenario::parse(&format!(
        "# Traffic through a long wait\npage: swarm-routing-mesh\nsetup: swarm managers=1 workers=1\n$ docker service create -d --name web -p 8080:80 nginx\nwait 30s\n! traffic start node-1:8080 20/s\nwait {wait}\n"
    ))
    .expect("the transcript parses")
}

#[test]
fn a_year_through_traffic_from_a_link_stops_at_the_event_budget_with_its_line() {
    let steps = 3_000;
    let err = Run::play_capped(&transcript("365d"), None, steps).unwrap_err();
    assert_eq!(err.line, 7, "{err:?}");
    let max_events = steps as u64 * EVENTS_PER_STEP;
    assert!(
        err.message
            .contains(&format!("runs past {max_events} events here")),
        "{}",
        err.message
    );
}

#[test]
fn routine_events_make_a_step_of_their_own_past_the_limit() {
    let mut run = Run::play(&transcript("4h"), None).expect("a few hours play");
    let len = run.timeline.len();
    let passes = run
        .timeline
        .records()
        .iter()
        .filter(|r| r.title == "time passes")
        .count();
    assert!(passes >= 1, "4 hours of ticks make at least one such step");
    let mut before = run.timeline.start().agenda.events_run();
    for k in 1..=len {
        run.timeline.seek(k);
        let now = run.timeline.world().agenda.events_run();
        assert!(
            now - before <= QUIET_EVENTS_PER_STEP,
            "step {k} ran {} events",
            now - before
        );
        before = now;
    }
}
