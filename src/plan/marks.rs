//! `mark_contact` with `target`s, as pure steps around the two reads and
//! writes the client makes:
//!
//! 1. [`check_items`]: every item is valid (a target excludes set / clear),
//!    before anything is sent; the targets' wanted 64-bit sets.
//! 2. [`plan_changes`]: given the current mark sets (read with
//!    `search_contact_group`), the items to send (set / clear bits, never the
//!    reserved bits 4..31) and those already at their target.
//! 3. [`merge_outcomes`]: the chunks' answers (or failures) back into one
//!    outcome per item, in request order, none dropped.

use std::ops::Range;

use crate::api::Command;
use crate::error::Error;
use crate::marks::{diff_marks, marks_value};
use crate::model::{
    ConversationOutcome, ConversationRef, MarkChange, MarkContactRequest, MarkContactResult,
    MarkName,
};

/// Renames `{list}[j]...` in an invalid-input error to `{list}[map(j)]...`:
/// chunks are validated one by one, errors name the index in the whole request.
pub(crate) fn shift_field(
    e: Error,
    list: &str,
    map: impl Fn(usize) -> usize,
    endpoint: &'static str,
) -> Error {
    let prefix = format!("{list}[");
    let renamed = e.field().and_then(|f| {
        let rest = f.strip_prefix(&prefix)?;
        let (index, tail) = rest.split_once(']')?;
        let j: usize = index.parse().ok()?;
        Some(format!("{prefix}{}]{tail}", map(j)))
    });
    match renamed {
        Some(field) => Error::invalid(&field, e.message()).at(endpoint, None),
        None => e.at(endpoint, None),
    }
}

/// Checks every item; returns `(item index, wanted mark set)` per target,
/// in item order.
///
/// # Errors
/// [`Error::invalid`] naming the first bad item (`items[3].target.custom`).
pub fn check_items(req: &MarkContactRequest) -> Result<Vec<(usize, u64)>, Error> {
    let endpoint = <MarkContactRequest as Command>::ENDPOINT;
    crate::model::check_account(&req.from_account, "fromAccount")
        .map_err(|e| e.at(endpoint, None))?;
    let mut targets = Vec::new();
    for (i, item) in req.items.iter().enumerate() {
        if let Some(target) = &item.target {
            if !item.set.is_empty() || !item.clear.is_empty() {
                return Err(Error::invalid(
                    &format!("items[{i}].target"),
                    "give either target or set / clear, not both",
                )
                .at(endpoint, None));
            }
            let value = marks_value(target).map_err(|e| {
                Error::invalid(
                    &format!("items[{i}].target.{}", e.field().unwrap_or("")),
                    e.message(),
                )
                .at(endpoint, None)
            })?;
            item.conversation
                .validate(&format!("items[{i}].conversation"))
                .map_err(|e| e.at(endpoint, None))?;
            targets.push((i, value));
        } else {
            // Items without a target are checked now too: bad input must
            // fail before the read of the current marks goes out.
            MarkContactRequest {
                from_account: req.from_account.clone(),
                items: vec![item.clone()],
            }
            .to_body()
            .map_err(|e| shift_field(e, "items", |_| i, endpoint))?;
        }
    }
    Ok(targets)
}

/// The conversations whose current marks the targets need.
pub fn targets_to_read(req: &MarkContactRequest, targets: &[(usize, u64)]) -> Vec<ConversationRef> {
    targets
        .iter()
        .map(|&(i, _)| req.items[i].conversation.clone())
        .collect()
}

/// What to send: `(item index, change)` for every item that changes
/// anything, and for each item whether it is already at its target.
/// `current` holds the mark sets read for the targets' conversations (a
/// conversation not in it has none).
pub fn plan_changes(
    req: &MarkContactRequest,
    targets: &[(usize, u64)],
    current: Vec<(ConversationRef, u64)>,
) -> (Vec<(usize, MarkChange)>, Vec<bool>) {
    let mut to_send: Vec<(usize, MarkChange)> = Vec::with_capacity(req.items.len());
    let mut unchanged = vec![false; req.items.len()];
    // Sorted lists and binary search (no hash table in the wasm); `targets`
    // is in item order already.
    let current = crate::bulk::sort::sort_with(current, &|a, b| a.0.cmp(&b.0));
    for (i, item) in req.items.iter().enumerate() {
        let mut item = item.clone();
        if let Ok(t) = targets.binary_search_by_key(&i, |&(j, _)| j) {
            let value = targets[t].1;
            let now = current
                .binary_search_by(|(c, _)| c.cmp(&item.conversation))
                .map_or(0, |k| current[k].1);
            let (set, clear) = diff_marks(now, value);
            item.set = set.into_iter().map(MarkName::from_bit).collect();
            item.clear = clear.into_iter().map(MarkName::from_bit).collect();
            item.target = None;
            if item.set.is_empty() && item.clear.is_empty() && item.custom_mark.is_none() {
                unchanged[i] = true;
                continue;
            }
        }
        to_send.push((i, item));
    }
    (to_send, unchanged)
}

/// One outcome per item of `req`, in request order, from the answers of the
/// chunks `ranges` of `to_send`. A failed chunk's items are `ok: false`,
/// "not confirmed"; an item the server did not answer for likewise; results
/// beyond a chunk's items are kept at the end.
pub fn merge_outcomes(
    req: &MarkContactRequest,
    to_send: &[(usize, MarkChange)],
    ranges: &[Range<usize>],
    answers: Vec<Result<MarkContactResult, Error>>,
    unchanged: &[bool],
) -> MarkContactResult {
    let mut outcomes: Vec<Option<ConversationOutcome>> = vec![None; req.items.len()];
    // Results the server sent beyond the chunk's items: kept, never dropped.
    let mut extras = Vec::new();
    for (range, answer) in ranges.iter().zip(answers) {
        let chunk = &to_send[range.clone()];
        match answer {
            Ok(result) => {
                let mut results = result.results.into_iter();
                for (i, _) in chunk {
                    outcomes[*i] = results.next();
                }
                extras.extend(results);
            }
            Err(e) => {
                for (i, item) in chunk {
                    outcomes[*i] = Some(ConversationOutcome {
                        conversation: item.conversation.clone(),
                        ok: false,
                        code: e.code().unwrap_or(-1),
                        info: format!("not confirmed: this chunk failed: {e}"),
                    });
                }
            }
        }
    }
    let mut results: Vec<ConversationOutcome> = req
        .items
        .iter()
        .zip(outcomes)
        .zip(unchanged)
        .map(|((item, outcome), &unchanged)| match outcome {
            _ if unchanged => ConversationOutcome {
                conversation: item.conversation.clone(),
                ok: true,
                code: 0,
                info: "unchanged: the marks already match the target".into(),
            },
            Some(o) => o,
            None => ConversationOutcome {
                conversation: item.conversation.clone(),
                ok: false,
                code: -1,
                info: "not confirmed: the server returned no result for this item".into(),
            },
        })
        .collect();
    results.extend(extras);
    MarkContactResult { results }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::marks::MarksInput;

    fn item(user: &str, target: Option<MarksInput>) -> MarkChange {
        MarkChange {
            conversation: ConversationRef::c2c(user),
            set: vec![],
            clear: vec![],
            custom_mark: None,
            target,
        }
    }

    #[test]
    fn a_target_becomes_the_difference_and_reserved_bits_stay_untouched() {
        let req = MarkContactRequest {
            from_account: "a".into(),
            items: vec![
                item(
                    "b",
                    Some(MarksInput {
                        star: Some(true),
                        ..Default::default()
                    }),
                ),
                item(
                    "c",
                    Some(MarksInput {
                        value: Some(1),
                        ..Default::default()
                    }),
                ),
            ],
        };
        let targets = check_items(&req).unwrap();
        assert_eq!(targets, vec![(0, 1), (1, 1)]);
        // b has unread + a reserved bit 5; c is already at its target.
        let current = vec![
            (ConversationRef::c2c("b"), 0b10_0010),
            (ConversationRef::c2c("c"), 1),
        ];
        let (to_send, unchanged) = plan_changes(&req, &targets, current);
        assert_eq!(unchanged, vec![false, true]);
        assert_eq!(to_send.len(), 1);
        assert_eq!(
            to_send[0].1.set,
            vec![MarkName::Builtin(crate::model::BuiltinMark::Star)]
        );
        assert_eq!(
            to_send[0].1.clear,
            vec![MarkName::Builtin(crate::model::BuiltinMark::Unread)]
        );
        let merged = merge_outcomes(
            &req,
            &to_send,
            &[std::ops::Range { start: 0, end: 1 }],
            vec![Err(Error::api(50004, "", ""))],
            &unchanged,
        );
        assert_eq!(merged.results.len(), 2);
        assert!(!merged.results[0].ok && merged.results[0].info.starts_with("not confirmed"));
        assert!(merged.results[1].ok);
    }

    #[test]
    fn a_target_with_set_is_refused_naming_the_item() {
        let mut both = item("b", Some(MarksInput::default()));
        both.set = vec![MarkName::Builtin(crate::model::BuiltinMark::Star)];
        let mut plain = item("x", None);
        plain.set = vec![MarkName::Custom(40)];
        let req = MarkContactRequest {
            from_account: "a".into(),
            items: vec![plain, both],
        };
        assert_eq!(
            check_items(&req).unwrap_err().field(),
            Some("items[1].target")
        );
    }
}
