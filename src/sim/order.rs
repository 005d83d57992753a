//! Sorting, instantiated once.
//!
//! Nothing Docker does: this is about the size of the site. Rust's standard stable sort is
//! monomorphised for every element type and every comparison closure; with ~55 call sites it
//! was ~190 KB of the wasm before wasm-opt (twiggy: `quicksort` + `drift::sort`). Here the
//! standard sort runs once, on indices, with a `&dyn` comparison, and a small generic step
//! applies the resulting order in place. Same results as `slice::sort_by` (stable: equal elements
//! keep their order), O(n log n) comparisons plus O(n) swaps. clippy.toml points every
//! `sort*` call here.
//!
//! The same goes for collecting into a `BTreeMap`/`BTreeSet`: `FromIterator` sorts the items
//! first (one more stable-sort instantiation per type), so [`CollectOrdered`] inserts them one
//! by one instead, reusing `insert`, which every map already has.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The one instantiation of the standard sort: the stable order of `0..len` under `less`.
fn permutation(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    #[allow(clippy::disallowed_methods)] // the one place the standard sort is instantiated
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Moves `items[order[i]]` to position `i` for every `i`, following each cycle of the
/// permutation once (O(n) swaps).
fn apply<T>(items: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// `slice::sort_by`, stable.
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = permutation(items.len(), &|a, b| compare(&items[a], &items[b]));
    apply(items, order);
}

/// `slice::sort_by_key`, stable (the key is computed for each comparison, as std does).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `slice::sort`, stable.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// `collect()` into ordered collections without `FromIterator`'s sort. Duplicate keys: the last
/// one wins, as with `collect()`.
pub trait CollectOrdered: Iterator + Sized {
    fn collect_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        let mut map = BTreeMap::new();
        for (key, value) in self {
            map.insert(key, value);
        }
        map
    }

    fn collect_set(self) -> BTreeSet<Self::Item>
    where
        Self::Item: Ord,
    {
        let mut set = BTreeSet::new();
        for item in self {
            set.insert(item);
        }
        set
    }
}

impl<I: Iterator> CollectOrdered for I {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::Rng;

    #[test]
    fn agrees_with_the_standard_stable_sort() {
        let mut rng = Rng::seeded(7);
        for len in 0..200 {
            // Few distinct keys, so stability is exercised.
            let items: Vec<(u64, usize)> = (0..len).map(|i| (rng.below(5), i)).collect();
            let mut ours = items.clone();
            sort_by_key(&mut ours, |&(k, _)| k);
            let mut std_sorted = items.clone();
            #[allow(clippy::disallowed_methods)]
            std_sorted.sort_by_key(|&(k, _)| k);
            assert_eq!(ours, std_sorted, "len {len}");
        }
    }

    #[test]
    fn sorts_strings_and_reverse_keys() {
        let mut names = vec!["web", "api", "db", "api"];
        sort(&mut names);
        assert_eq!(names, ["api", "api", "db", "web"]);
        sort_by_key(&mut names, |n| std::cmp::Reverse(n.len()));
        assert_eq!(names, ["api", "api", "web", "db"]);
    }

    #[test]
    fn collecting_keeps_the_last_duplicate_as_collect_does() {
        let pairs = [("a", 1), ("b", 2), ("a", 3)];
        let ours = pairs.iter().copied().collect_map();
        let std_map: BTreeMap<_, _> = pairs.iter().copied().collect();
        assert_eq!(ours, std_map);
        assert_eq!(pairs.iter().map(|p| p.0).collect_set().len(), 2);
    }
}
