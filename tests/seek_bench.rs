//! Seeking, measured (a benchmark, not a test: `make bench` runs it in release, ignored otherwise).
//!
//! A page's stepper rebuilds any moment from the nearest keyframe (src/sim/timeline.rs): the cost
//! of a seek is the clone of that keyframe's world plus the steps replayed from it. This plays
//! every shipped scenario, takes the longest, and seeks to EVERY step of it from the far end (the
//! worst place to come from), timing each; it also times one step forward on every step of the
//! biggest swarm scene (the most machines and tasks) and the clone of the biggest world. It
//! prints `BENCH name=… value=…` lines that scripts/bench.sh gathers into its table; the browser's
//! own figures (the step label and the next frame, CPU slowed 4×) come from scripts/bench-seek.mjs.
//! It asserts what a seek gives (the same world as a straight run), never a time.

#![cfg(not(target_arch = "wasm32"))]

use dockyard::scenario::catalogue::SCENARIOS;
use dockyard::scenario::run::Run;
use dockyard::sim::World;

/// Milliseconds since `start` (the wall clock is for benchmarks only: clippy.toml bans it elsewhere).
#[allow(clippy::disallowed_methods)]
fn ms_since(start: std::time::Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

#[allow(clippy::disallowed_methods)]
fn now() -> std::time::Instant {
    std::time::Instant::now()
}

/// How big a world is to clone and to step: its containers and tasks over every machine.
fn weight(world: &World) -> usize {
    let host = world.engine.containers.len();
    let swarm = &world.swarm;
    host + swarm.tasks.len()
        + swarm
            .machines
            .values()
            .map(|m| m.engine.containers.len())
            .sum::<usize>()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    dockyard::sim::order::sort_by(&mut v, f64::total_cmp);
    v
}

#[test]
#[ignore = "a benchmark: make bench"]
fn seek_every_step_of_the_longest_scenario() {
    let start = now();
    let runs: Vec<(&str, Run)> = SCENARIOS
        .iter()
        .map(|f| (f.slug, Run::play(&f.parse().unwrap(), None).unwrap()))
        .collect();
    println!(
        "seek_bench: played the {} shipped scenarios in {:.0} ms",
        runs.len(),
        ms_since(start)
    );
    let (slug, longest) = runs
        .iter()
        .max_by_key(|(_, r)| r.timeline.len())
        .expect("scenarios ship");
    let len = longest.timeline.len();
    let mut timeline = longest.timeline.clone();
    let mut seeks = Vec::with_capacity(len + 1);
    for k in 0..=len {
        timeline.seek(len);
        let start = now();
        timeline.seek(k);
        seeks.push(ms_since(start));
        assert_eq!(timeline.cursor(), k);
    }
    let seeks = sorted(seeks);
    println!("seek_bench: the longest shipped scenario is {slug} ({len} steps)");
    println!("BENCH name=seek_longest_steps value={len}");
    println!(
        "BENCH name=seek_native_max_ms value={:.2}",
        seeks[seeks.len() - 1]
    );
    println!(
        "BENCH name=seek_native_p50_ms value={:.3}",
        percentile(&seeks, 0.5)
    );

    // The biggest swarm scene: one step forward at every step, and the clone of its world.
    let (slug, big) = runs
        .iter()
        .filter(|(_, r)| !r.timeline.world().swarm.nodes.is_empty())
        .max_by_key(|(_, r)| weight(r.timeline.world()))
        .expect("swarm scenarios ship");
    let mut timeline = big.timeline.clone();
    let len = timeline.len();
    let mut steps = Vec::with_capacity(len);
    timeline.seek(0);
    for k in 0..len {
        let start = now();
        timeline.forward();
        steps.push(ms_since(start));
        assert_eq!(timeline.cursor(), k + 1);
    }
    // The slowest steps, to say where a step's time goes.
    let mut slowest: Vec<(f64, usize)> = steps.iter().copied().zip(1..).collect();
    dockyard::sim::order::sort_by(&mut slowest, |a, b| b.0.total_cmp(&a.0));
    for (ms, k) in slowest.iter().take(5) {
        println!(
            "seek_bench: step {k} took {ms:.2} ms: {}",
            timeline.records()[k - 1].title
        );
    }
    let steps = sorted(steps);
    let world = timeline.world().clone();
    let start = now();
    let clones = 20;
    for _ in 0..clones {
        std::hint::black_box(world.clone());
    }
    let clone_ms = ms_since(start) / f64::from(clones);
    println!(
        "seek_bench: the biggest swarm scene is {slug} ({len} steps, {} containers and tasks)",
        weight(&world)
    );
    println!(
        "BENCH name=step_biggest_swarm_native_max_ms value={:.3}",
        steps[steps.len() - 1]
    );
    println!("BENCH name=world_clone_biggest_native_ms value={clone_ms:.3}");
}
