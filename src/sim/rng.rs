//! The world's own random number generator.
//!
//! Docker draws container IDs and names at random, SwarmKit randomises election timeouts. We draw
//! them all from one PCG generator seeded by the scenario, stored inside the `World`, so a cloned
//! world continues with exactly the same draws and a seed in a link reproduces the run.
//!
//! The generator is `rand_pcg::Pcg64Mcg`; ranges (`below`, `between`) and choices (`pick`) are the
//! `rand` crate's (`RngExt::random_range`, `IndexedRandom::choose`): unbiased (Lemire's widening
//! multiply, not a modulo) and portable, so a seed draws the same values natively and in the
//! wasm32 build. `rand` runs with its default features off: no getrandom, no OS or thread
//! generator, nothing but the seed. Its cost in the release wasm is noise (when it replaced our
//! modulo helpers: +172 bytes raw, ~0.5 KB less gzip -9). `hex` stays our own: 16 digits from each
//! 64-bit draw, as Docker prints IDs, with no range to sample.

use rand::seq::IndexedRandom as _;
use rand::{Rng as _, RngExt as _, SeedableRng};
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

    /// A value in `0..bound`, uniformly. Panics when `bound` is 0.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.pcg.random_range(0..bound)
    }

    /// A value in `low..=high`, uniformly. Panics when `low > high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        self.pcg.random_range(low..=high)
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

    /// One of `items`, uniformly. Panics when `items` is empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        items
            .choose(&mut self.pcg)
            .expect("pick from an empty slice")
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
