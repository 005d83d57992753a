//! The world's own random number generator.
//!
//! Docker draws container IDs and names at random, SwarmKit randomises election timeouts. We draw
//! them all from one PCG generator seeded by the scenario, stored inside the `World`, so a cloned
//! world continues with exactly the same draws and a seed in a link reproduces the run.

use rand_core::{Rng as _, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Rng {
    pcg: Pcg64Mcg,
}

impl Rng {
    pub fn seeded(seed: u64) -> Self {
        Self {
            pcg: Pcg64Mcg::seed_from_u64(seed),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.pcg.next_u64()
    }

    /// A value in `0..bound` (bound > 0). The tiny modulo bias does not matter for a teaching tool.
    pub fn below(&mut self, bound: u64) -> u64 {
        debug_assert!(bound > 0);
        self.next_u64() % bound.max(1)
    }

    /// A value in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    /// `count` lowercase hex digits, as Docker prints IDs and digests.
    pub fn hex(&mut self, count: usize) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(count);
        while out.len() < count {
            let mut word = self.next_u64();
            for _ in 0..16 {
                if out.len() == count {
                    break;
                }
                out.push(DIGITS[(word & 0xf) as usize] as char);
                word >>= 4;
            }
        }
        out
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_draws() {
        let mut a = Rng::seeded(7);
        let mut b = Rng::seeded(7);
        assert_eq!(a.hex(64), b.hex(64));
        assert_eq!(a.between(10, 19), b.between(10, 19));
        assert_ne!(Rng::seeded(7).hex(64), Rng::seeded(8).hex(64));
    }

    #[test]
    fn a_clone_continues_identically() {
        let mut a = Rng::seeded(1);
        a.next_u64();
        let mut b = a.clone();
        assert_eq!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn between_stays_in_range() {
        let mut rng = Rng::seeded(3);
        for _ in 0..1000 {
            let v = rng.between(10, 19);
            assert!((10..=19).contains(&v));
        }
    }
}
