//! Splitting big batches into calls the API accepts, and merging the answers.
//!
//! # Why?
//! `search_contact_group` takes at most 300 conversations and `mark_contact`
//! at most 100 ([`crate::limits`]). The client splits a longer list into
//! consecutive chunks, runs them one after the other (or a few at a time when
//! asked), and merges the answers back in input order. [`run_bounded`] is a
//! tiny executor-free "join with a concurrency limit" for that.

use std::future::{poll_fn, Future};
use std::ops::Range;
use std::pin::Pin;
use std::task::Poll;

use crate::model::{ContactData, ConversationRef};

/// How a batch larger than one call is split and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkOptions {
    /// Chunks in flight at once (1 = sequential, the default).
    pub concurrency: usize,
}

impl ChunkOptions {
    /// Checks and builds the options: `concurrency` chunks in flight, at
    /// least 1 (the one rule for every language).
    ///
    /// # Errors
    /// [`crate::Error::invalid`] naming `concurrency` for 0.
    pub fn new(concurrency: usize) -> Result<Self, crate::Error> {
        if concurrency == 0 {
            return Err(crate::Error::invalid("concurrency", "must be at least 1"));
        }
        Ok(ChunkOptions { concurrency })
    }
}

impl Default for ChunkOptions {
    fn default() -> Self {
        ChunkOptions { concurrency: 1 }
    }
}

/// Consecutive index ranges of at most `max` items covering `0..len`.
pub(crate) fn chunk_ranges(len: usize, max: usize) -> Vec<Range<usize>> {
    let max = max.max(1);
    (0..len)
        .step_by(max)
        .map(|start| start..(start + max).min(len))
        .collect()
}

/// Runs `futs` with at most `limit` of them in flight; returns their outputs
/// in input order. Futures start in input order. No executor needed.
pub(crate) async fn run_bounded<F: Future>(futs: Vec<F>, limit: usize) -> Vec<F::Output> {
    let limit = limit.max(1);
    let total = futs.len();
    let mut waiting = futs.into_iter().enumerate();
    let mut running: Vec<(usize, Pin<Box<F>>)> = Vec::new();
    let mut out: Vec<Option<F::Output>> = (0..total).map(|_| None).collect();
    let mut done = 0;
    poll_fn(|cx| loop {
        while running.len() < limit {
            match waiting.next() {
                Some((i, f)) => running.push((i, Box::pin(f))),
                None => break,
            }
        }
        let before = done;
        running.retain_mut(|(i, f)| match f.as_mut().poll(cx) {
            Poll::Ready(v) => {
                out[*i] = Some(v);
                done += 1;
                false
            }
            Poll::Pending => true,
        });
        if done == total {
            return Poll::Ready(());
        }
        if done == before {
            return Poll::Pending;
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

/// `(conversation, index)` pairs sorted, one per conversation: its lowest index.
fn first_of(list: Vec<(&ConversationRef, usize)>) -> Vec<(&ConversationRef, usize)> {
    let mut list = crate::bulk::sort::sort_with(list, &|a, b| a.cmp(b));
    list.dedup_by(|later, first| later.0 == first.0);
    list
}

/// Orders search results by the first position of their conversation in
/// `input`; items not asked for go last, duplicates are dropped.
pub(crate) fn order_like_input(
    input: &[ConversationRef],
    items: Vec<ContactData>,
) -> Vec<ContactData> {
    // Sorted lists and binary search stand in for hash maps (none in the wasm).
    let pos = first_of(input.iter().enumerate().map(|(i, c)| (c, i)).collect());
    let mut keep = vec![false; items.len()];
    let mut at = vec![usize::MAX; items.len()];
    for (c, n) in first_of(
        items
            .iter()
            .enumerate()
            .map(|(n, d)| (&d.conversation, n))
            .collect(),
    ) {
        keep[n] = true;
        if let Ok(k) = pos.binary_search_by(|(p, _)| (*p).cmp(c)) {
            at[n] = pos[k].1;
        }
    }
    let keyed: Vec<(usize, usize, ContactData)> = items
        .into_iter()
        .enumerate()
        .filter(|&(n, _)| keep[n])
        .map(|(n, d)| (at[n], n, d))
        .collect();
    let keyed = crate::bulk::sort::sort_with(keyed, &|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    keyed.into_iter().map(|(_, _, d)| d).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::marks::Marks;

    #[test]
    fn ranges() {
        assert!(chunk_ranges(0, 100).is_empty());
        assert_eq!(chunk_ranges(100, 100), vec![0..100]);
        assert_eq!(chunk_ranges(250, 100), vec![0..100, 100..200, 200..250]);
        assert_eq!(chunk_ranges(3, 0), vec![0..1, 1..2, 2..3]);
    }

    fn data(id: &str) -> ContactData {
        ContactData {
            conversation: ConversationRef::c2c(id),
            standard_mark: String::new(),
            marks: Marks::from_value(0),
            custom_mark: None,
            group_ids: vec![],
            timestamp: None,
        }
    }

    #[test]
    fn merge_in_input_order() {
        let input: Vec<_> = ["a", "b", "c", "d"]
            .iter()
            .map(|s| ConversationRef::c2c(*s))
            .collect();
        let got = order_like_input(&input, vec![data("d"), data("x"), data("b"), data("d")]);
        let ids: Vec<_> = got.iter().map(|d| d.conversation.clone()).collect();
        assert_eq!(
            ids,
            vec![
                ConversationRef::c2c("b"),
                ConversationRef::c2c("d"),
                ConversationRef::c2c("x")
            ]
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn bounded_join_keeps_order_and_limit() {
        use std::cell::Cell;
        let in_flight = Cell::new(0);
        let peak = Cell::new(0);
        let futs: Vec<_> = (0..7)
            .map(|i| {
                let (in_flight, peak) = (&in_flight, &peak);
                async move {
                    in_flight.set(in_flight.get() + 1);
                    peak.set(peak.get().max(in_flight.get()));
                    // Yield (7 - i) times so later futures finish first.
                    for _ in 0..(7 - i) {
                        let mut yielded = false;
                        poll_fn(|cx| {
                            if yielded {
                                Poll::Ready(())
                            } else {
                                yielded = true;
                                cx.waker().wake_by_ref();
                                Poll::Pending
                            }
                        })
                        .await;
                    }
                    in_flight.set(in_flight.get() - 1);
                    i * 10
                }
            })
            .collect();
        let out = futures::executor::block_on(run_bounded(futs, 3));
        assert_eq!(out, vec![0, 10, 20, 30, 40, 50, 60]);
        assert_eq!(peak.get(), 3);
    }
}
