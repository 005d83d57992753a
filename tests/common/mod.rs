//! Helpers shared by the integration tests: drive a world the way a person at a shell would.
#![allow(dead_code)]

use dockyard::sim::docker::container::Container;
use dockyard::sim::{Input, Millis, Record, Timeline, World};

pub struct Host {
    pub timeline: Timeline,
}

impl Host {
    pub fn new(seed: u64) -> Self {
        Host {
            timeline: Timeline::new(World::new(seed)),
        }
    }

    /// Types a line and returns what that step printed (the prompt line excluded).
    pub fn sh(&mut self, line: &str) -> Record {
        self.timeline
            .submit(Input::Command(line.to_string()))
            .clone()
    }

    /// Applies a transcript's `! …` line (a fault or an outside action); returns its record.
    pub fn fault(&mut self, text: &str) -> Record {
        let fault = dockyard::sim::Fault::parse(text).expect("a fault line");
        self.timeline.submit(Input::Fault(fault)).clone()
    }

    /// Types a line, then waits for the prompt like a shell user; returns everything printed.
    pub fn run(&mut self, line: &str) -> String {
        let first = self.sh(line);
        let mut out = output(&first);
        let mut guard = 0;
        while self.timeline.world().shell.is_busy() && guard < 10_000 {
            if !self.timeline.forward() {
                break;
            }
            out.push_str(&output(self.timeline.last_record().expect("just stepped")));
            guard += 1;
        }
        out
    }

    /// Lets `ms` of simulated time pass, running every event due.
    pub fn wait(&mut self, ms: Millis) {
        let target = self.timeline.world().now_ms + ms;
        self.timeline.submit(Input::Advance { duration_ms: ms });
        while self
            .timeline
            .world()
            .next_due_ms()
            .is_some_and(|due| due <= target)
        {
            if !self.timeline.forward_until(target) {
                break;
            }
        }
    }

    pub fn world(&self) -> &World {
        self.timeline.world()
    }

    pub fn container(&self, name: &str) -> &Container {
        self.world()
            .engine
            .by_name(name)
            .unwrap_or_else(|| panic!("no container {name}"))
    }

    /// A container's log, one line per entry, as `docker logs` prints it.
    pub fn logs(&self, name: &str) -> String {
        self.container(name)
            .logs
            .iter()
            .map(|l| format!("{}\n", l.text))
            .collect()
    }

    pub fn now(&self) -> Millis {
        self.world().now_ms
    }
}

/// The terminal text of a record without its prompt line.
pub fn output(record: &Record) -> String {
    let mut out = String::new();
    for line in &record.terminal {
        if line.stream != dockyard::sim::Stream::Prompt {
            out.push_str(&line.text);
            out.push('\n');
        }
    }
    out
}

/// A small deterministic generator for the test's own choices (the world has its own RNG).
pub struct Dice(pub u64);

impl Dice {
    pub fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }
}
