//! One user over the [`Client`]: export (the three listings at once), apply
//! a desired state (export, [`plan`], execute the steps in order), verify.
//!
//! The calls go through the client's own methods, so they are validated,
//! signed, paced, retried and chunked like any other. A failed step does not
//! stop the steps after it (each is reported with its per-item results);
//! only a step that needs a failed one is skipped (adding to a group whose
//! create failed, re-creating a friend group whose delete failed), and an
//! abort stops the whole apply.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use serde::{Deserialize, Serialize};

use super::plan::{plan, Plan, Step};
use super::snapshot::{validate_snapshot, Snapshot};
use super::sort::sort_with;
use super::state::{last_by_key, sorted, ConvData, State};
use crate::client::{CallOptions, Client};
use crate::error::{Error, ErrorKind};
use crate::model::{
    check_account, ContactGroup, ConversationRef, CreateContactGroupRequest,
    DelContactGroupRequest, GetListRequest, MarkChange, MarkContactRequest, SnsGroupAddRequest,
    SnsGroupDeleteRequest, SnsGroupGetRequest, UpdateContactGroupRequest,
};
use crate::paging::{ContactGroupPager, ConversationPager};
use crate::transport::{Clock, Entropy, Signer, Transport};

/// What `applyUser` did: the plan, and each executed step with its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplyReport {
    /// The user.
    pub user: String,
    /// The plan computed from the live state (executed unless a dry run).
    pub plan: Plan,
    /// One entry per step run (or skipped), in plan order; empty for a dry run.
    pub executed: Vec<ExecutedStep>,
    /// True when every executed step succeeded for every item.
    pub ok: bool,
    /// The live state the plan was computed from, as read before the first
    /// write: what to restore to undo the apply, and the "before" of an audit
    /// log. Always set by [`apply_user`]; the JavaScript `applyUser` leaves
    /// it out unless asked (`keepBefore: true`), since a whole snapshot per
    /// user would swell every apply log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub before: Option<Snapshot>,
}

/// One executed (or skipped) step of an apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExecutedStep {
    /// The step's index in `plan.steps`.
    pub step: u32,
    /// The step's `op`.
    #[cfg_attr(
        all(feature = "js", target_arch = "wasm32"),
        tsify(type = "Step[\"op\"]")
    )]
    pub op: String,
    /// True when the call succeeded and every item was applied.
    pub ok: bool,
    /// Per-item outcomes in request order: per conversation (groups, marks)
    /// or per friend (`createFriendGroups`); empty for deletes.
    pub results: Vec<StepItemResult>,
    /// Why the call failed (or was skipped); absent when it was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub error: Option<StepError>,
}

/// One item's outcome in an executed step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepItemResult {
    /// The conversation (conversation-group and mark steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub conversation: Option<ConversationRef>,
    /// The friend (`createFriendGroups`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub user_id: Option<String>,
    /// True when `code` is 0.
    pub ok: bool,
    /// The per-item `ResultCode` (0 = applied; -1 = not confirmed).
    pub code: i64,
    /// The per-item `ResultInfo`.
    pub info: String,
}

/// Why a step failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepError {
    /// The `TimError` kind, or `"skipped"` when a step it needs failed.
    #[cfg_attr(
        all(feature = "js", target_arch = "wasm32"),
        tsify(type = "TimErrorKind | \"skipped\"")
    )]
    pub kind: String,
    /// Tencent's `ErrorCode`, for `kind: "api"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub code: Option<i64>,
    /// What went wrong.
    pub message: String,
}

impl StepError {
    fn of(e: &Error) -> Self {
        StepError {
            kind: e.kind().as_str().to_owned(),
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// What `verifyUser` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyReport {
    /// The user.
    pub user: String,
    /// True when the live state matches desired (the plan is empty).
    pub matches: bool,
    /// What applying desired would do now.
    pub plan: Plan,
}

/// Runs three futures at once; the first error wins (the others are dropped).
async fn try_join3<A, B, C, TA, TB, TC>(a: A, b: B, c: C) -> Result<(TA, TB, TC), Error>
where
    A: Future<Output = Result<TA, Error>>,
    B: Future<Output = Result<TB, Error>>,
    C: Future<Output = Result<TC, Error>>,
{
    let (mut a, mut b, mut c) = (pin!(a), pin!(b), pin!(c));
    let (mut ra, mut rb, mut rc) = (None, None, None);
    poll_fn(|cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v?);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v?);
            }
        }
        if rc.is_none() {
            if let Poll::Ready(v) = c.as_mut().poll(cx) {
                rc = Some(v?);
            }
        }
        match (ra.take(), rb.take(), rc.take()) {
            (Some(x), Some(y), Some(z)) => Poll::Ready(Ok((x, y, z))),
            (x, y, z) => {
                (ra, rb, rc) = (x, y, z);
                Poll::Pending
            }
        }
    })
    .await
}

/// A conversation as a listing returned it: marks, custom mark, group ids.
type Listed = (ConversationRef, u64, Option<String>, Vec<u32>);

/// Reads a user's whole state: every page of `get_list` (with marks and
/// groups attached, `AssistFlags` 63), every page of `get_contact_group`
/// (conversations that carry marks or groups but are not in the recent list
/// are only there) and `sns/group_get` with friends, the three at once. The
/// snapshot is full and in the export's order: conversations sorted by key,
/// each once (a conversation in both listings takes `get_contact_group`'s
/// data), group ids resolved to names (an id with no group listed is
/// dropped), group names and friends sorted.
///
/// # Errors
/// [`Error::invalid`] naming `user` for an empty one; else the first failed
/// call's error (as [`Client::execute`], or [`ErrorKind::Pagination`]).
pub async fn export_user<T: Transport, S: Signer, E: Entropy, K: Clock>(
    client: &Client<T, S, E, K>,
    user: &str,
    opts: &CallOptions,
) -> Result<Snapshot, Error> {
    check_account(user, "user")?;
    let list = async {
        let mut pager = ConversationPager::new(GetListRequest {
            from_account: user.to_owned(),
            ..GetListRequest::default()
        });
        let mut out: Vec<Listed> = Vec::new();
        while let Some(page) = client.next_page(&mut pager, opts).await? {
            out.extend(
                page.items
                    .into_iter()
                    .map(|c| (c.conversation, c.marks.value, c.custom_mark, c.group_ids)),
            );
        }
        Ok::<_, Error>(out)
    };
    let data = async {
        let mut pager = ContactGroupPager::new(user, 0);
        let mut out: Vec<Listed> = Vec::new();
        let mut groups: Vec<ContactGroup> = Vec::new();
        while let Some(page) = client.next_page(&mut pager, opts).await? {
            out.extend(
                page.items
                    .into_iter()
                    .map(|d| (d.conversation, d.marks.value, d.custom_mark, d.group_ids)),
            );
            groups.extend(page.groups);
        }
        Ok::<_, Error>((out, groups))
    };
    let friends_req = SnsGroupGetRequest {
        from_account: user.to_owned(),
        need_friends: Some(true),
        ..SnsGroupGetRequest::default()
    };
    let friends = client.execute_with(&friends_req, opts);
    let (mut listed, (data, groups), friends) = try_join3(list, data, friends).await?;
    // get_contact_group's entry of a conversation comes last and wins.
    listed.extend(data);
    let listed = last_by_key(listed, |c| &c.0);
    let mut ids = sort_with(
        groups.into_iter().map(|g| (g.id, g.name)).collect(),
        &|a, b| a.0.cmp(&b.0),
    );
    ids.dedup_by(|a, b| a.0 == b.0);
    let name_of = |id: u32| {
        ids.binary_search_by_key(&id, |(i, _)| *i)
            .ok()
            .map(|k| ids[k].1.clone())
    };
    let state = State {
        convs: listed
            .into_iter()
            .map(|(c, marks, custom, group_ids)| {
                let groups = group_ids.into_iter().filter_map(name_of).collect();
                (
                    c,
                    ConvData {
                        marks,
                        custom: custom.unwrap_or_default(),
                        groups: sorted(groups),
                    },
                )
            })
            .collect(),
        groups: sorted(ids.iter().map(|(_, n)| n.clone()).collect()),
        friend_groups: last_by_key(
            friends
                .groups
                .into_iter()
                .map(|g| (g.name, sorted(g.friends.unwrap_or_default())))
                .collect(),
            |g| &g.0,
        ),
    };
    Ok(state.to_snapshot(user))
}

/// Reads the live state, plans the way to `desired` ([`plan`]) and, unless
/// `dry_run`, executes the steps in order through the client. Every step
/// run is reported with its per-item results; a failed step does not stop
/// the later ones (those that need it are reported as skipped).
///
/// # Errors
/// Invalid desired input ([`validate_snapshot`], before anything is sent),
/// a failed read of the live state, or an abort ([`ErrorKind::Aborted`],
/// which stops the apply between or during steps). A failed write is not an
/// error: it is in the report.
pub async fn apply_user<T: Transport, S: Signer, E: Entropy, K: Clock>(
    client: &Client<T, S, E, K>,
    desired: &Snapshot,
    prune: bool,
    dry_run: bool,
    opts: &CallOptions,
) -> Result<ApplyReport, Error> {
    validate_snapshot(desired)?;
    let live = export_user(client, &desired.user, opts).await?;
    let plan = plan(desired, &live, prune)?;
    let mut executed = Vec::new();
    if !dry_run {
        // (name, step index) of failed group creates and friend-group deletes.
        let mut failed_creates: Vec<(String, usize)> = Vec::new();
        let mut failed_deletes: Vec<(String, usize)> = Vec::new();
        for (i, step) in plan.steps.iter().enumerate() {
            let needs = |failed: &[(String, usize)], names: &[&String]| {
                failed
                    .iter()
                    .find(|(n, _)| names.contains(&n))
                    .map(|(n, at)| (n.clone(), *at))
            };
            let blocked = match step {
                Step::AddToGroup { group, .. } => needs(&failed_creates, &[group]),
                Step::CreateFriendGroups { names, .. } => {
                    needs(&failed_deletes, &names.iter().collect::<Vec<_>>())
                }
                _ => None,
            };
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            if let Some((name, at)) = blocked {
                executed.push(ExecutedStep {
                    step: index,
                    op: step.op().to_owned(),
                    ok: false,
                    results: Vec::new(),
                    error: Some(StepError {
                        kind: "skipped".to_owned(),
                        code: None,
                        message: format!("not run: step {at} ({name:?}) failed"),
                    }),
                });
                continue;
            }
            match run_step(client, &desired.user, step, opts).await {
                Ok(results) => executed.push(ExecutedStep {
                    step: index,
                    op: step.op().to_owned(),
                    ok: results.iter().all(|r| r.ok),
                    results,
                    error: None,
                }),
                Err(e) if e.kind() == ErrorKind::Aborted => return Err(e),
                Err(e) => {
                    match step {
                        Step::CreateGroup { name, .. } => failed_creates.push((name.clone(), i)),
                        Step::DeleteFriendGroups { names } => {
                            failed_deletes.extend(names.iter().map(|n| (n.clone(), i)));
                        }
                        _ => {}
                    }
                    executed.push(ExecutedStep {
                        step: index,
                        op: step.op().to_owned(),
                        ok: false,
                        results: Vec::new(),
                        error: Some(StepError::of(&e)),
                    });
                }
            }
        }
    }
    Ok(ApplyReport {
        user: desired.user.clone(),
        ok: executed.iter().all(|s| s.ok),
        plan,
        executed,
        before: Some(live),
    })
}

/// Reads the live state and says whether it matches `desired`: the plan
/// from it ([`plan`], with `prune` as given) is empty.
///
/// # Errors
/// As [`apply_user`] before its first write.
pub async fn verify_user<T: Transport, S: Signer, E: Entropy, K: Clock>(
    client: &Client<T, S, E, K>,
    desired: &Snapshot,
    prune: bool,
    opts: &CallOptions,
) -> Result<VerifyReport, Error> {
    validate_snapshot(desired)?;
    let live = export_user(client, &desired.user, opts).await?;
    let plan = plan(desired, &live, prune)?;
    Ok(VerifyReport {
        user: desired.user.clone(),
        matches: plan.is_empty(),
        plan,
    })
}

fn conversation_result(
    conversation: ConversationRef,
    ok: bool,
    code: i64,
    info: String,
) -> StepItemResult {
    StepItemResult {
        conversation: Some(conversation),
        user_id: None,
        ok,
        code,
        info,
    }
}

/// Sends one step; its per-item results.
async fn run_step<T: Transport, S: Signer, E: Entropy, K: Clock>(
    client: &Client<T, S, E, K>,
    user: &str,
    step: &Step,
    opts: &CallOptions,
) -> Result<Vec<StepItemResult>, Error> {
    let from_account = user.to_owned();
    let outcomes = |results: Vec<crate::model::ConversationOutcome>| {
        results
            .into_iter()
            .map(|o| conversation_result(o.conversation, o.ok, o.code, o.info))
            .collect()
    };
    Ok(match step {
        Step::CreateGroup {
            name,
            conversations,
        } => {
            let req = CreateContactGroupRequest {
                from_account,
                group_name: name.clone(),
                conversations: conversations.clone(),
            };
            outcomes(client.execute_with(&req, opts).await?.results)
        }
        Step::DeleteGroup { name } => {
            let req = DelContactGroupRequest {
                from_account,
                group_name: name.clone(),
            };
            client.execute_with(&req, opts).await?;
            Vec::new()
        }
        Step::AddToGroup {
            group,
            conversations,
        }
        | Step::RemoveFromGroup {
            group,
            conversations,
        } => {
            let add = matches!(step, Step::AddToGroup { .. });
            let req = UpdateContactGroupRequest {
                from_account,
                group_name: group.clone(),
                new_name: None,
                add: if add {
                    conversations.clone()
                } else {
                    Vec::new()
                },
                remove: if add {
                    Vec::new()
                } else {
                    conversations.clone()
                },
            };
            client
                .execute_with(&req, opts)
                .await?
                .results
                .into_iter()
                .map(|o| conversation_result(o.conversation, o.ok, o.code, o.info))
                .collect()
        }
        Step::Mark { .. } | Step::CustomMark { .. } => {
            let items = match step {
                Step::Mark { items } => items
                    .iter()
                    .map(|m| MarkChange {
                        conversation: m.conversation.clone(),
                        set: m.set.clone(),
                        clear: m.clear.clone(),
                        custom_mark: None,
                        target: None,
                    })
                    .collect(),
                Step::CustomMark { items } => items
                    .iter()
                    .map(|m| MarkChange {
                        conversation: m.conversation.clone(),
                        set: Vec::new(),
                        clear: Vec::new(),
                        custom_mark: Some(m.custom_mark.clone()),
                        target: None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let req = MarkContactRequest {
                from_account,
                items,
            };
            outcomes(client.mark_contact_with(&req, opts).await?.results)
        }
        Step::CreateFriendGroups { names, friends } => {
            let req = SnsGroupAddRequest {
                from_account,
                group_names: names.clone(),
                friends: friends.clone(),
            };
            let r = client.execute_with(&req, opts).await?;
            let mut results: Vec<StepItemResult> = r
                .results
                .into_iter()
                .map(|f| StepItemResult {
                    conversation: None,
                    user_id: Some(f.user_id),
                    ok: f.ok,
                    code: f.code,
                    info: f.info,
                })
                .collect();
            for failed in r.failed_accounts {
                if !results.iter().any(|x| x.user_id.as_ref() == Some(&failed)) {
                    results.push(StepItemResult {
                        conversation: None,
                        user_id: Some(failed),
                        ok: false,
                        code: -1,
                        info: "not added (listed in Fail_Account)".to_owned(),
                    });
                }
            }
            results
        }
        Step::DeleteFriendGroups { names } => {
            let req = SnsGroupDeleteRequest {
                from_account,
                group_names: names.clone(),
            };
            client.execute_with(&req, opts).await?;
            Vec::new()
        }
    })
}
