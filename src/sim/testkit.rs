//! Driving a world from a test, the way the terminal does: type a line, let time pass.
//!
//! Every move goes through [`step_until`], so the clock only moves with a step (a test that
//! sets `now_ms` by hand builds a world no replay reaches), nothing due after the wait's end
//! runs, and in debug builds every step checks the world's invariants (src/sim/invariants.rs).
//! The unit tests in src/ and the integration tests in tests/ share these helpers.

use super::input::Input;
use super::record::Record;
use super::step::step_until;
use super::time::Millis;
use super::world::World;

/// How many steps [`run`] follows before deciding the prompt never comes back.
const PROMPT_GUARD: usize = 10_000;

/// Submits `input` and runs its step (inputs go first at the current millisecond).
pub fn submit(world: &mut World, input: Input) -> Record {
    world.submit(input);
    step_until(world, Some(world.now_ms)).expect("an input always makes a step")
}

/// Types a line in the terminal and runs its step; returns that step's record.
pub fn type_line(world: &mut World, line: &str) -> Record {
    submit(world, Input::Command(line.to_string()))
}

/// Runs every step due up to `until_ms` (none after), handing each to `each`; returns how many
/// ran. The clock stays at the last step: use [`wait`] for a step at `until_ms` itself.
pub fn forward_until_each(
    world: &mut World,
    until_ms: Millis,
    mut each: impl FnMut(&World, &Record),
) -> usize {
    let mut steps = 0;
    while world.next_due_ms().is_some_and(|due| due <= until_ms) {
        let Some(record) = step_until(world, Some(until_ms)) else {
            break;
        };
        each(world, &record);
        steps += 1;
    }
    steps
}

/// Runs every step due up to `until_ms`; returns their records.
pub fn forward_until(world: &mut World, until_ms: Millis) -> Vec<Record> {
    let mut records = Vec::new();
    forward_until_each(world, until_ms, |_, r| records.push(r.clone()));
    records
}

/// Lets `ms` of simulated time pass (a transcript's `wait`): the wait's own step, then every
/// step due until it ends, the last one at its end. Returns the records after the wait's own.
pub fn wait(world: &mut World, ms: Millis) -> Vec<Record> {
    let until_ms = world.now_ms + ms;
    submit(world, Input::Advance { duration_ms: ms });
    forward_until(world, until_ms)
}

/// Everything those records printed in the terminal, prompt lines included.
pub fn printed(records: &[Record]) -> String {
    records
        .iter()
        .map(Record::terminal_text)
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Types a line, then follows the steps until the prompt is back (as a shell user waits for
/// `docker stop`); returns everything printed, the typed line's prompt included.
pub fn run(world: &mut World, line: &str) -> String {
    let mut records = vec![type_line(world, line)];
    while world.shell.is_busy() && records.len() < PROMPT_GUARD {
        // The next live step, however far (quiet events before it make no step).
        let Some(record) = step_until(world, None) else {
            break;
        };
        records.push(record);
    }
    printed(&records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_ends_on_its_own_step_and_runs_nothing_later() {
        let mut w = World::new(1);
        type_line(&mut w, "docker run -d --name web nginx:1.27");
        let records = wait(&mut w, 30_000);
        assert_eq!(w.now_ms, 30_000);
        assert_eq!(
            records.last().map(|r| r.title.as_str()),
            Some("the wait is over")
        );
        assert!(w.next_due_ms().is_none_or(|due| due > 30_000));
    }

    #[test]
    fn run_waits_for_the_prompt() {
        let mut w = World::new(1);
        type_line(&mut w, "docker run -d --name sleeper alpine sleep 3600");
        let out = run(&mut w, "docker stop sleeper");
        assert!(out.ends_with("sleeper"), "{out}");
        assert_eq!(w.now_ms, 10_000, "the grace period ran out");
        assert!(!w.shell.is_busy());
    }
}
