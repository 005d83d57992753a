//! The learning path's four phases: which pages each groups, the hours the path gives it, and the
//! checkpoint that closes it.
//!
//! Nothing Docker does: this is the course's own plan. The path gives Phase 1 "Foundations" (pages
//! 1–4) 20 h, Phase 2 "Multi-container apps" (5–7) 15 h, Phase 3 "Orchestration with Swarm"
//! (8–10) 22 h and Phase 4 "Production" (11, 12 and the practice project P) 11 h: 68 h in all.
//! The two troubleshooting notes (T1, T2) belong to no phase. Each phase ends with a checkpoint
//! challenge whose id is `phase-N` (its completion is `challenge:phase-N` in the learner's
//! progress, src/scenario/progress.rs). What we simplify: a phase names its pages by their number
//! in `catalogue::PAGES`, and a test checks that every number is there and none is in two phases.

use super::catalogue::{PAGES, Page};

/// One phase of the path.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Phase {
    /// 1…4.
    pub number: u8,
    pub title: &'static str,
    /// The time the path gives it, in hours.
    pub hours: u32,
    /// Its pages' numbers (`Page::number`), in the path's order.
    pub pages: &'static [&'static str],
    /// What the learner can do once it is done: its checkpoint challenge's sentence.
    pub checkpoint: &'static str,
}

impl Phase {
    /// Its pages, in the path's order (a number the catalogue does not have is skipped; a test
    /// checks there is none).
    pub fn pages(&self) -> impl Iterator<Item = &'static Page> + use<> {
        let numbers = self.pages;
        PAGES.iter().filter(move |p| numbers.contains(&p.number))
    }

    /// Its checkpoint challenge's id (`phase-1`).
    pub fn challenge_id(&self) -> String {
        format!("phase-{}", self.number)
    }
}

pub const PHASES: &[Phase] = &[
    Phase {
        number: 1,
        title: "Foundations",
        hours: 20,
        pages: &["1", "2", "3", "4"],
        checkpoint: "You can build optimized images, manage containers, persist data correctly",
    },
    Phase {
        number: 2,
        title: "Multi-container apps",
        hours: 15,
        pages: &["5", "6", "7"],
        checkpoint: "You can deploy multi-container apps with proper networking, healthchecks, and isolation",
    },
    Phase {
        number: 3,
        title: "Orchestration with Swarm",
        hours: 22,
        pages: &["8", "9", "10"],
        checkpoint: "You can deploy to a Swarm cluster with rolling updates, auto-restart, and rollback",
    },
    Phase {
        number: 4,
        title: "Production",
        hours: 11,
        pages: &["11", "12", "P"],
        checkpoint: "You have a production-ready setup with SSL, reverse proxy, and backup strategy",
    },
];

/// The hours of the whole path (the phases together).
pub fn total_hours() -> u32 {
    PHASES.iter().map(|p| p.hours).sum()
}

/// The phase a page belongs to; `None` for the troubleshooting notes.
pub fn phase_of(page: &Page) -> Option<&'static Phase> {
    PHASES.iter().find(|ph| ph.pages.contains(&page.number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_is_68_hours_in_four_phases() {
        assert_eq!(total_hours(), 68);
        let hours: Vec<u32> = PHASES.iter().map(|p| p.hours).collect();
        assert_eq!(hours, [20, 15, 22, 11]);
        let numbers: Vec<u8> = PHASES.iter().map(|p| p.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4]);
        assert_eq!(PHASES[0].challenge_id(), "phase-1");
    }

    /// Every concept page and the practice project is in exactly one phase, in the path's order;
    /// the troubleshooting notes are in none.
    #[test]
    fn every_page_but_troubleshooting_is_in_one_phase() {
        for phase in PHASES {
            let found: Vec<&str> = phase.pages().map(|p| p.number).collect();
            assert_eq!(found, phase.pages, "phase {}", phase.number);
        }
        for page in PAGES {
            let holders = PHASES
                .iter()
                .filter(|ph| ph.pages.contains(&page.number))
                .count();
            let expected = usize::from(!page.number.starts_with('T'));
            assert_eq!(holders, expected, "page {} ({})", page.number, page.slug);
        }
        assert_eq!(
            phase_of(super::super::catalogue::page("practice-project").expect("P")),
            Some(&PHASES[3])
        );
        assert_eq!(
            phase_of(super::super::catalogue::page("disk-full-logs").expect("T2")),
            None
        );
    }
}
