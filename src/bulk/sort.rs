//! One sort for the whole crate (the bulk code, the mark planner, the
//! search-result order), not generic over the element type.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`. Every sort of the crate goes through this one
/// (on indices, with a `dyn` comparator) into [`sort_indices`], a merge sort
/// of our own: each `sort_by` / `sort_unstable` of another element type or
/// closure was another copy of the standard library's sort in the wasm, 2-3 KB
/// each, four of them (issue 20).
pub(crate) fn sort_with<T>(v: Vec<T>, cmp: &dyn Fn(&T, &T) -> Ordering) -> Vec<T> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &|a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = v.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

/// A stable bottom-up merge sort of `order` by `cmp`: n log n comparisons,
/// one buffer of n indices.
#[inline(never)]
fn sort_indices(order: &mut Vec<usize>, cmp: &dyn Fn(usize, usize) -> Ordering) {
    let n = order.len();
    let mut buf = vec![0usize; n];
    let mut width = 1;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            for slot in &mut buf[lo..hi] {
                // Take from the right run only when strictly less: stable.
                if j < hi && (i == mid || cmp(order[j], order[i]) == Ordering::Less) {
                    *slot = order[j];
                    j += 1;
                } else {
                    *slot = order[i];
                    i += 1;
                }
            }
            lo = hi;
        }
        std::mem::swap(order, &mut buf);
        width *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::sort_with;

    /// Against the standard library's stable sort, on keys with many ties
    /// (stability shows) and every length up to 70 (odd runs, empty).
    #[test]
    fn sorts_stably_like_the_standard_sort() {
        let mut seed = 7u32;
        for len in 0..70 {
            let v: Vec<(u32, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ((seed >> 16) % 5, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|a| a.0);
            assert_eq!(sort_with(v, &|a, b| a.0.cmp(&b.0)), want, "len {len}");
        }
    }
}
