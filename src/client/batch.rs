//! Requests larger than one call allows: `search_contact_group` by 300
//! conversations, `mark_contact` by 100 items (after resolving `target`s
//! against the current marks, see [`crate::plan::marks`]). Every chunk is
//! validated before any is sent; results come back in input order.

use std::sync::atomic::{AtomicBool, Ordering};

use super::{CallOptions, Client};
use crate::api::Command;
use crate::chunk::{chunk_ranges, order_like_input, run_bounded};
use crate::error::{Error, ErrorKind};
use crate::limits::{MAX_MARK_ITEMS, MAX_SEARCH_ITEMS};
use crate::model::{
    MarkContactRequest, MarkContactResult, SearchContactGroupRequest, SearchContactGroupResult,
};
use crate::plan::marks::{self, shift_field};
use crate::transport::{Clock, Entropy, Signer, Transport};

impl<T: Transport, S: Signer, E: Entropy, K: Clock> Client<T, S, E, K> {
    /// `search_contact_group` for any number of conversations: chunks of 300,
    /// run sequentially or `opts.chunks.concurrency` at a time, items merged
    /// in input order. All chunks are validated before any is sent; the first
    /// failing chunk fails the call (later chunks are not started).
    ///
    /// # Errors
    /// As [`Client::execute`]; an invalid conversation is named by its index
    /// in the whole request.
    pub async fn search_contact_group_with(
        &self,
        req: &SearchContactGroupRequest,
        opts: &CallOptions,
    ) -> Result<SearchContactGroupResult, Error> {
        if req.conversations.len() <= MAX_SEARCH_ITEMS {
            return self.execute_with(req, opts).await;
        }
        let endpoint = <SearchContactGroupRequest as Command>::ENDPOINT;
        let ranges = chunk_ranges(req.conversations.len(), MAX_SEARCH_ITEMS);
        let mut parts = Vec::with_capacity(ranges.len());
        for range in &ranges {
            let part = SearchContactGroupRequest {
                from_account: req.from_account.clone(),
                conversations: req.conversations[range.clone()].to_vec(),
            };
            part.to_body()
                .map_err(|e| shift_field(e, "conversations", |j| range.start + j, endpoint))?;
            parts.push(part);
        }
        let failed = AtomicBool::new(false);
        let futs: Vec<_> = parts
            .iter()
            .map(|part| {
                let failed = &failed;
                async move {
                    if failed.load(Ordering::Relaxed) {
                        return None;
                    }
                    let r = self.execute_with(part, opts).await;
                    if r.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    Some(r)
                }
            })
            .collect();
        let mut items = Vec::new();
        let mut groups = Vec::new();
        for r in run_bounded(futs, opts.chunks.concurrency)
            .await
            .into_iter()
            .flatten()
        {
            let r = r?;
            items.extend(r.items);
            groups = r.groups;
        }
        Ok(SearchContactGroupResult {
            items: order_like_input(&req.conversations, items),
            groups,
        })
    }

    /// `v4/recentcontact/mark_contact` for any number of items.
    ///
    /// Items with a `target` are resolved first: the current marks are read
    /// with `search_contact_group` and only the difference is sent; an item
    /// already at its target is reported as applied (`info` says so) without
    /// being sent. More than 100 items to send are split into chunks of 100,
    /// run sequentially or `opts.chunks.concurrency` at a time; every chunk is
    /// validated before any is sent. Outcomes come back in request order. If
    /// some chunks fail, their items get `ok: false`, the error's code (or -1)
    /// and an `info` saying the change is not confirmed; if every chunk fails
    /// (or the call is aborted) the call fails.
    ///
    /// # Errors
    /// As [`Client::execute`]; reading the current marks can fail too.
    pub async fn mark_contact_with(
        &self,
        req: &MarkContactRequest,
        opts: &CallOptions,
    ) -> Result<MarkContactResult, Error> {
        let endpoint = <MarkContactRequest as Command>::ENDPOINT;
        let no_targets = req.items.iter().all(|i| i.target.is_none());
        if no_targets && req.items.len() <= MAX_MARK_ITEMS {
            return self.execute_with(req, opts).await;
        }
        let targets = marks::check_items(req)?;
        let (to_send, unchanged) = if targets.is_empty() {
            (
                req.items.iter().cloned().enumerate().collect(),
                vec![false; req.items.len()],
            )
        } else {
            let found = self
                .search_contact_group_with(
                    &SearchContactGroupRequest {
                        from_account: req.from_account.clone(),
                        conversations: marks::targets_to_read(req, &targets),
                    },
                    opts,
                )
                .await?;
            let current = found
                .items
                .into_iter()
                .map(|d| (d.conversation, d.marks.value))
                .collect();
            marks::plan_changes(req, &targets, current)
        };
        // Validate every chunk before sending any.
        let ranges = chunk_ranges(to_send.len(), MAX_MARK_ITEMS);
        let mut parts = Vec::with_capacity(ranges.len());
        for range in &ranges {
            let part = MarkContactRequest {
                from_account: req.from_account.clone(),
                items: to_send[range.clone()]
                    .iter()
                    .map(|(_, item)| item.clone())
                    .collect(),
            };
            part.to_body()
                .map_err(|e| shift_field(e, "items", |j| to_send[range.start + j].0, endpoint))?;
            parts.push(part);
        }
        let futs: Vec<_> = parts
            .iter()
            .map(|part| self.execute_with(part, opts))
            .collect();
        let answers = run_bounded(futs, opts.chunks.concurrency).await;
        if !answers.is_empty() && answers.iter().all(Result::is_err)
            || answers
                .iter()
                .any(|a| a.as_ref().is_err_and(|e| e.kind() == ErrorKind::Aborted))
        {
            if let Some(Err(e)) = answers.into_iter().find(Result::is_err) {
                return Err(e);
            }
            return Err(Error::aborted().at(endpoint, None));
        }
        Ok(marks::merge_outcomes(
            req, &to_send, &ranges, answers, &unchanged,
        ))
    }
}
