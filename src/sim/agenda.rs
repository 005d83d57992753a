//! The agenda: everything that will happen, in order.
//!
//! A daemon reacts to requests as they arrive and to timers as they fire. We keep both in one
//! ordered map keyed by (due time, class, insertion number): inputs (class 0) go before events due at
//! the same millisecond, and ties keep insertion order, so the order never depends on anything but
//! the seed and the inputs.

use std::collections::BTreeMap;

use super::event::Event;
use super::time::Millis;

/// Inputs come before the simulation's own events due at the same instant, so a command typed
/// "now" is handled in the very next step.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Class {
    Input = 0,
    Event = 1,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct Key {
    pub due_ms: Millis,
    pub class: Class,
    pub seq: u64,
}

#[derive(Clone, PartialEq, Debug, Default)]
pub struct Agenda {
    entries: BTreeMap<Key, Event>,
    next_seq: u64,
    /// Entries popped so far: the events the world has run, routine ones included (what bounds
    /// the work a link may ask for; src/scenario/run.rs).
    popped: u64,
}

impl Agenda {
    pub fn schedule(&mut self, due_ms: Millis, class: Class, event: Event) -> Key {
        let key = Key {
            due_ms,
            class,
            seq: self.next_seq,
        };
        self.next_seq += 1;
        self.entries.insert(key, event);
        key
    }

    pub fn pop(&mut self) -> Option<(Key, Event)> {
        let entry = self.entries.pop_first();
        self.popped += u64::from(entry.is_some());
        entry
    }

    /// How many events the world has run since it began, routine ones included.
    pub fn events_run(&self) -> u64 {
        self.popped
    }

    pub fn peek(&self) -> Option<(&Key, &Event)> {
        self.entries.first_key_value()
    }

    /// Whether any entry matches (e.g. "is anything but the swarm's timer pending?").
    pub fn any(&self, f: impl Fn(&Event) -> bool) -> bool {
        self.entries.values().any(|e| f(e.inner()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Event)> {
        self.entries.iter()
    }

    /// Drops every entry the predicate matches (a cancelled timer). Like [`Agenda::any`], the
    /// predicate sees the event itself, not the machine it is addressed to.
    pub fn cancel(&mut self, mut matches: impl FnMut(&Event) -> bool) {
        self.entries.retain(|_, event| !matches(event.inner()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_class_then_insertion() {
        let mut agenda = Agenda::default();
        agenda.schedule(10, Class::Event, Event::Wake);
        agenda.schedule(5, Class::Event, Event::Wake);
        agenda.schedule(10, Class::Input, Event::Wake);
        let order: Vec<_> = std::iter::from_fn(|| agenda.pop())
            .map(|(k, _)| (k.due_ms, k.class, k.seq))
            .collect();
        assert_eq!(
            order,
            vec![
                (5, Class::Event, 1),
                (10, Class::Input, 2),
                (10, Class::Event, 0)
            ]
        );
    }
}
