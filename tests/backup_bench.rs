//! Benchmark (not a timed test: it prints what it measures and asserts only outcomes): how long
//! simulating `wait 30d` of nightly backups takes. A PostgreSQL container, an app writing a row
//! an hour (`! writes start db events 1/h`), and a crontab that dumps the database every night
//! at 03:00 and backs the dumps up with restic in a throwaway container; then thirty days pass.
//! Run with `make bench` (natively, release).

use dockyard::sim::{Fault, Input, Timeline, World};

fn run(timeline: &mut Timeline, line: &str) {
    timeline.submit(Input::Command(line.to_string()));
    while timeline.world().shell.is_busy() {
        if !timeline.forward() {
            break;
        }
    }
}

fn wait(timeline: &mut Timeline, ms: u64) -> usize {
    let target = timeline.world().now_ms + ms;
    timeline.submit(Input::Advance { duration_ms: ms });
    let mut steps = 0;
    while timeline
        .world()
        .next_due_ms()
        .is_some_and(|due| due <= target)
    {
        if !timeline.forward_until(target) {
            break;
        }
        steps += 1;
    }
    steps
}

#[test]
#[ignore]
// A benchmark reads the wall clock; the simulation never does.
#[allow(clippy::disallowed_methods)]
fn thirty_days_of_nightly_backups() {
    use std::time::Instant;
    let mut timeline = Timeline::new(World::new(7));
    run(
        &mut timeline,
        "docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16",
    );
    wait(&mut timeline, 5_000);
    timeline.submit(Input::Fault(
        Fault::parse("writes start db events 1/h").unwrap(),
    ));
    run(&mut timeline, "mkdir dumps");
    run(&mut timeline, "mkdir repo");
    run(
        &mut timeline,
        "docker run --rm -e RESTIC_PASSWORD=pw -v /home/learner/app/repo:/repo restic/restic -r /repo init",
    );
    run(
        &mut timeline,
        "crontab - <<'EOF'\n0 3 * * * cd app/dumps && docker exec db pg_dump -U postgres -Fc postgres > db-$(date +\\%F).dump\n30 3 * * * docker run --rm -e RESTIC_PASSWORD=pw -v /home/learner/app/dumps:/dumps:ro -v /home/learner/app/repo:/repo restic/restic -r /repo backup --host db /dumps\nEOF",
    );
    let started = Instant::now();
    let steps = wait(&mut timeline, 30 * 86_400_000);
    let took = started.elapsed();
    let world = timeline.world();
    let dumps = world.fs.walk("/home/learner/app/dumps").len();
    println!(
        "wait 30d of nightly backups: {steps} steps in {:.2} s ({:.0} µs/step); {dumps} dumps, {} backups recorded, {} rows",
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / steps.max(1) as f64,
        world.backups.marks.len(),
        world.backups.samples.last().map_or(0, |s| s.rows)
    );
    let snapshots = world.fs.walk("/home/learner/app/repo/snapshots").len();
    println!("restic snapshots: {snapshots}");
    assert_eq!(dumps, 30);
    // The dumps are the database's backups; restic copies files, not database pages.
    assert_eq!(world.backups.marks.len(), 30);
    assert_eq!(snapshots, 30);
}
