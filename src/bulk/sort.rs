//! One copy of the standard library's sort for all of the bulk code.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`. Every sort of the bulk code goes through
/// one copy of the standard library's sort (on indices, with a `dyn`
/// comparator): each `sort_by` of another element type or closure is
/// another copy of it in the wasm, a kilobyte or more each.
pub(crate) fn sort_with<T>(v: Vec<T>, cmp: &dyn Fn(&T, &T) -> Ordering) -> Vec<T> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &|a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = v.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

#[inline(never)]
fn sort_indices(order: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}
