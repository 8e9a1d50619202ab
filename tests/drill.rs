//! Fault drill: thousands of deterministic mixed reads and writes through the
//! robust core client (retries, rate limiter, UserSig cache) against the
//! in-process emulator with about 10 % injected faults of every kind.
//!
//! A model of the user's state is kept beside the run. A write is applied to
//! the model only when the client reported success. A failed write whose
//! request may have been applied (a transport error, timeout or unreadable
//! answer on any of its attempts) is *uncertain*: the emulator's state is read
//! (control endpoint, never faulted) and must equal either the model before
//! the write (resolved "not applied") or the model after it (resolved
//! "applied"); anything else fails the drill. API errors must be an injected
//! code or the one the model predicts (so a retried create that was applied
//! twice shows up as an unexpected "group name exists"). Reads are compared
//! with the model at that moment; the whole state is compared every 50 ops
//! and at the end.
//!
//! Faults: the emulator's random mode draws from an unseeded RNG, so by
//! default the drill feeds the emulator's fault *script* from its own seeded
//! PRNG with the same semantics (per API request: with probability 0.1, a
//! kind drawn uniformly). That makes a run reproducible and the injected
//! faults exactly countable. `TIM_DRILL_FAULTS=random` uses the emulator's
//! own random mode instead (faults then counted from what the client saw).
//!
//! Env: `TIM_DRILL_OPS` (default 2000), `TIM_DRILL_SEED` (default 20240501),
//! `TIM_DRILL_FAULTS` (`script` | `random`). `scripts/drill` runs 20 000 ops
//! in release mode.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use futures::executor::block_on;
use serde_json::{json, Value};
use tim_contacts::client::{CallOptions, Observer, RequestEvent, ResponseEvent, RetryEvent};
use tim_contacts::model::*;
use tim_contacts::retry::certainly_not_applied;
use tim_contacts::{Client, ClientConfig, Error, ErrorKind};
use tim_emulator::Running;

const USER: &str = "user_0001";
const FAULT_RATE: f64 = 0.1;
/// Every fault kind the emulator has (`none` aside). `delay:60` is longer
/// than the short per-call timeout some operations use.
const KINDS: [&str; 9] = [
    "http502",
    "drop",
    "drop-after",
    "truncate",
    "delay:20",
    "delay:60",
    "error:50004",
    "error:60018",
    "error:60007",
];
const INJECTED_CODES: [i64; 3] = [50004, 60018, 60007];
/// Per-call timeout used by about a quarter of the operations.
const SHORT_TIMEOUT_MS: u32 = 40;
/// After a timeout, wait this long so the orphaned request has landed.
const SETTLE_MS: u64 = 120;
const MAX_CONTACT_GROUPS: usize = 20;
const MAX_FRIEND_GROUPS: usize = 32;

// -------------------------------------------------------------------- PRNG

/// SplitMix64: small, seeded, reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> Option<&'a T> {
        (!v.is_empty()).then(|| &v[self.below(v.len())])
    }
}

// ------------------------------------------------------------------- model

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Mark {
    bits: u64,
    custom: String,
    groups: BTreeSet<String>,
}
impl Mark {
    fn has_data(&self) -> bool {
        self.bits != 0 || !self.custom.is_empty() || !self.groups.is_empty()
    }
}

/// The user's state as the emulator's state dump shows it, minus timestamps.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Model {
    conversations: BTreeMap<String, Value>,
    groups: BTreeMap<u32, String>,
    marks: BTreeMap<String, Mark>,
    friends: Vec<String>,
    friend_groups: Vec<(String, BTreeSet<String>)>,
    seq: u64,
}

fn seed_key(v: &Value) -> String {
    if v["type"] == "c2c" {
        format!("c2c:{}", v["peer"].as_str().unwrap())
    } else {
        format!("group:{}", v["groupId"].as_str().unwrap())
    }
}

fn conv_ref(key: &str) -> ConversationRef {
    match key.split_once(':').unwrap() {
        ("c2c", id) => ConversationRef::c2c(id),
        (_, id) => ConversationRef::group(id),
    }
}

fn ref_key(c: &ConversationRef) -> String {
    match c {
        ConversationRef::C2c { user_id } => format!("c2c:{user_id}"),
        ConversationRef::Group { group_id } => format!("group:{group_id}"),
    }
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

impl Model {
    fn from_state(state: &Value) -> Model {
        let u = &state["users"][USER];
        let mut m = Model {
            seq: u["friendGroupSequence"].as_u64().unwrap_or(0),
            friends: strs(&u["friends"]),
            ..Model::default()
        };
        for c in u["conversations"].as_array().into_iter().flatten() {
            m.conversations.insert(seed_key(c), c.clone());
        }
        for g in u["contactGroups"].as_array().into_iter().flatten() {
            m.groups.insert(
                g["id"].as_u64().unwrap() as u32,
                g["name"].as_str().unwrap().to_owned(),
            );
        }
        for k in u["marks"].as_array().into_iter().flatten() {
            let bits = k["bits"]
                .as_array()
                .into_iter()
                .flatten()
                .fold(0u64, |acc, b| acc | 1 << b.as_u64().unwrap());
            m.marks.insert(
                seed_key(k),
                Mark {
                    bits,
                    custom: k["customMark"].as_str().unwrap_or("").to_owned(),
                    groups: strs(&k["groups"]).into_iter().collect(),
                },
            );
        }
        for g in u["friendGroups"].as_array().into_iter().flatten() {
            m.friend_groups.push((
                g["name"].as_str().unwrap().to_owned(),
                strs(&g["members"]).into_iter().collect(),
            ));
        }
        m.normalise();
        m
    }

    fn normalise(&mut self) {
        self.marks.retain(|_, m| m.has_data());
    }

    fn group_id(&self, name: &str) -> Option<u32> {
        self.groups
            .iter()
            .find_map(|(id, n)| (n == name).then_some(*id))
    }

    /// A short description of where two models differ.
    fn diff(&self, other: &Model) -> String {
        let mut out = String::new();
        if self.groups != other.groups {
            let _ = write!(out, "groups {:?} vs {:?}; ", self.groups, other.groups);
        }
        for k in self.marks.keys().chain(other.marks.keys()) {
            let (a, b) = (self.marks.get(k), other.marks.get(k));
            if a != b {
                let _ = write!(out, "mark {k}: {a:?} vs {b:?}; ");
                break;
            }
        }
        if self.conversations.len() != other.conversations.len()
            || self.conversations.keys().ne(other.conversations.keys())
        {
            let _ = write!(
                out,
                "conversations {} vs {}; ",
                self.conversations.len(),
                other.conversations.len()
            );
        }
        if self.friend_groups != other.friend_groups {
            let _ = write!(
                out,
                "friend groups {:?} vs {:?}; ",
                self.friend_groups, other.friend_groups
            );
        }
        if self.seq != other.seq {
            let _ = write!(out, "sequence {} vs {}; ", self.seq, other.seq);
        }
        out
    }
}

// --------------------------------------------------------------- operations

#[derive(Debug, Clone)]
struct MarkOp {
    conv: String,
    set: Vec<u8>,
    clear: Vec<u8>,
    custom: Option<String>,
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        name: String,
        convs: Vec<String>,
    },
    Rename {
        old: String,
        new: String,
    },
    Add {
        group: String,
        convs: Vec<String>,
    },
    Remove {
        group: String,
        convs: Vec<String>,
    },
    DelGroup {
        name: String,
    },
    Mark {
        items: Vec<MarkOp>,
    },
    DelConv {
        conv: String,
    },
    SnsAdd {
        names: Vec<String>,
        friends: Vec<String>,
    },
    SnsDel {
        names: Vec<String>,
    },
    ReadList,
    ReadContactGroups,
    Search {
        convs: Vec<String>,
    },
    SnsGet,
}

impl Op {
    fn kind(&self) -> &'static str {
        match self {
            Op::Create { .. } => "create_group",
            Op::Rename { .. } => "rename_group",
            Op::Add { .. } => "add_to_group",
            Op::Remove { .. } => "remove_from_group",
            Op::DelGroup { .. } => "delete_group",
            Op::Mark { .. } => "mark_contact",
            Op::DelConv { .. } => "delete_conversation",
            Op::SnsAdd { .. } => "sns_group_add",
            Op::SnsDel { .. } => "sns_group_delete",
            Op::ReadList => "read:get_list",
            Op::ReadContactGroups => "read:get_contact_group",
            Op::Search { .. } => "read:search_contact_group",
            Op::SnsGet => "read:sns_group_get",
        }
    }
    fn is_write(&self) -> bool {
        !self.kind().starts_with("read:")
    }
}

fn mark_name(bit: u8) -> MarkName {
    match bit {
        0 => MarkName::Builtin(BuiltinMark::Star),
        1 => MarkName::Builtin(BuiltinMark::Unread),
        2 => MarkName::Builtin(BuiltinMark::Fold),
        3 => MarkName::Builtin(BuiltinMark::Hide),
        b => MarkName::Custom(b),
    }
}

fn distinct(rng: &mut Rng, from: &[String], n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for _ in 0..n * 3 {
        if out.len() == n {
            break;
        }
        if let Some(k) = rng.pick(from) {
            if !out.contains(k) {
                out.push(k.clone());
            }
        }
    }
    out
}

/// Draws the next operation; mostly valid, sometimes deliberately invalid
/// (duplicate or missing names) so predicted API errors occur too.
fn next_op(rng: &mut Rng, m: &Model, universe: &[String], names: &mut u64) -> Op {
    let mut fresh = |p: &str| {
        *names += 1;
        format!("{p}{names}")
    };
    let groups: Vec<String> = m.groups.values().cloned().collect();
    let fgroups: Vec<String> = m.friend_groups.iter().map(|g| g.0.clone()).collect();
    let r = rng.below(100);
    match r {
        0..=9 => {
            let name = match rng.chance(0.05).then(|| rng.pick(&groups).cloned()) {
                Some(Some(existing)) => existing,
                _ => fresh("g"),
            };
            let n = rng.below(3);
            Op::Create {
                name,
                convs: distinct(rng, universe, n),
            }
        }
        10..=15 if !groups.is_empty() => {
            let old = rng.pick(&groups).unwrap().clone();
            let new = match rng.chance(0.05).then(|| rng.pick(&groups).cloned()) {
                Some(Some(other)) if other != old => other,
                _ => fresh("r"),
            };
            Op::Rename { old, new }
        }
        16..=25 if !groups.is_empty() => {
            let n = 1 + rng.below(3);
            Op::Add {
                group: rng.pick(&groups).unwrap().clone(),
                convs: distinct(rng, universe, n),
            }
        }
        26..=32 if !groups.is_empty() => {
            let group = rng.pick(&groups).unwrap().clone();
            let members: Vec<String> = m
                .marks
                .iter()
                .filter(|(_, k)| k.groups.contains(&group))
                .map(|(c, _)| c.clone())
                .collect();
            let n = 1 + rng.below(2);
            let mut convs = distinct(rng, &members, n);
            if convs.is_empty() || rng.chance(0.3) {
                convs.extend(distinct(rng, universe, 1));
                convs.dedup();
            }
            Op::Remove { group, convs }
        }
        33..=39 => {
            let name = match rng.chance(0.9).then(|| rng.pick(&groups).cloned()) {
                Some(Some(existing)) => existing,
                _ => fresh("missing"),
            };
            Op::DelGroup { name }
        }
        40..=57 => {
            let n = 1 + rng.below(3);
            let items = distinct(rng, universe, n)
                .into_iter()
                .map(|conv| {
                    let bit = |rng: &mut Rng| {
                        if rng.chance(0.5) {
                            rng.below(4) as u8
                        } else {
                            32 + rng.below(32) as u8
                        }
                    };
                    let mut set: Vec<u8> = (0..rng.below(3)).map(|_| bit(rng)).collect();
                    set.sort_unstable();
                    set.dedup();
                    let mut clear: Vec<u8> = (0..rng.below(3)).map(|_| bit(rng)).collect();
                    clear.sort_unstable();
                    clear.dedup();
                    clear.retain(|b| !set.contains(b));
                    let custom = match rng.below(20) {
                        0..=2 => Some(format!("c{}", rng.below(1000))),
                        3 => Some(String::new()),
                        _ => None,
                    };
                    if set.is_empty() && clear.is_empty() && custom.is_none() {
                        set.push(bit(rng));
                    }
                    MarkOp {
                        conv,
                        set,
                        clear,
                        custom,
                    }
                })
                .collect();
            Op::Mark { items }
        }
        58..=60 => Op::DelConv {
            conv: rng.pick(universe).unwrap().clone(),
        },
        61..=66 => {
            let names = if rng.chance(0.05) && !fgroups.is_empty() {
                vec![rng.pick(&fgroups).unwrap().clone()]
            } else {
                (0..1 + rng.below(2)).map(|_| fresh("f")).collect()
            };
            let friends = if rng.chance(0.3) {
                let n = 1 + rng.below(2);
                distinct(rng, &m.friends, n)
            } else {
                vec![]
            };
            Op::SnsAdd { names, friends }
        }
        67..=71 => {
            let names = match rng.chance(0.93).then(|| rng.pick(&fgroups).cloned()) {
                Some(Some(existing)) => vec![existing],
                _ => vec![fresh("nofg")],
            };
            Op::SnsDel { names }
        }
        72..=75 => Op::ReadList,
        76..=80 => Op::ReadContactGroups,
        81..=90 => {
            let n = 1 + rng.below(6);
            Op::Search {
                convs: distinct(rng, universe, n),
            }
        }
        91..=99 => Op::SnsGet,
        // A group op with no group: create one.
        _ => Op::Create {
            name: fresh("g"),
            convs: vec![],
        },
    }
}

/// The model after `op` fully succeeded, or the API code the emulator must answer.
fn expected(m: &Model, op: &Op) -> Result<Model, i64> {
    let mut n = m.clone();
    match op {
        Op::Create { name, convs } => {
            if m.group_id(name).is_some() {
                return Err(50002);
            }
            if m.groups.len() >= MAX_CONTACT_GROUPS {
                return Err(51010);
            }
            let id = (1u32..).find(|i| !m.groups.contains_key(i)).unwrap();
            n.groups.insert(id, name.clone());
            for c in convs {
                n.marks
                    .entry(c.clone())
                    .or_default()
                    .groups
                    .insert(name.clone());
            }
        }
        Op::Rename { old, new } => {
            let id = m.group_id(old).ok_or(51009)?;
            if new != old && m.group_id(new).is_some() {
                return Err(50002);
            }
            n.groups.insert(id, new.clone());
            for k in n.marks.values_mut() {
                if k.groups.remove(old) {
                    k.groups.insert(new.clone());
                }
            }
        }
        Op::Add { group, convs } => {
            m.group_id(group).ok_or(51009)?;
            for c in convs {
                n.marks
                    .entry(c.clone())
                    .or_default()
                    .groups
                    .insert(group.clone());
            }
        }
        Op::Remove { group, convs } => {
            m.group_id(group).ok_or(51009)?;
            for c in convs {
                if let Some(k) = n.marks.get_mut(c) {
                    k.groups.remove(group);
                }
            }
        }
        Op::DelGroup { name } => {
            let id = m.group_id(name).ok_or(51009)?;
            n.groups.remove(&id);
            for k in n.marks.values_mut() {
                k.groups.remove(name);
            }
        }
        Op::Mark { items } => {
            for it in items {
                let k = n.marks.entry(it.conv.clone()).or_default();
                for b in &it.clear {
                    k.bits &= !(1u64 << b);
                }
                for b in &it.set {
                    k.bits |= 1u64 << b;
                }
                if let Some(c) = &it.custom {
                    k.custom.clone_from(c);
                }
            }
        }
        Op::DelConv { conv } => {
            n.conversations.remove(conv);
        }
        Op::SnsAdd { names, friends } => {
            if names
                .iter()
                .any(|x| m.friend_groups.iter().any(|g| &g.0 == x))
            {
                return Err(30001);
            }
            if m.friend_groups.len() + names.len() > MAX_FRIEND_GROUPS {
                return Err(30011);
            }
            let members: BTreeSet<String> = friends
                .iter()
                .filter(|f| m.friends.contains(f))
                .cloned()
                .collect();
            for x in names {
                n.friend_groups.push((x.clone(), members.clone()));
            }
            n.seq += 1;
        }
        Op::SnsDel { names } => {
            if !names
                .iter()
                .all(|x| m.friend_groups.iter().any(|g| &g.0 == x))
            {
                return Err(30001);
            }
            n.friend_groups.retain(|g| !names.contains(&g.0));
            n.seq += 1;
        }
        Op::ReadList | Op::ReadContactGroups | Op::Search { .. } | Op::SnsGet => {}
    }
    n.normalise();
    Ok(n)
}

// ------------------------------------------------------------ observation

#[derive(Debug, Clone)]
struct Attempt {
    failure: Option<String>,
    maybe_applied: bool,
    timed_out: bool,
}

#[derive(Default)]
struct Seen {
    requests: Count,
    retries: Count,
    attempts: Shared<Vec<Attempt>>,
    /// What the client saw per attempt, by class.
    classes: Shared<BTreeMap<String, u64>>,
}

struct DrillObserver(Arc<Seen>);
impl Observer for DrillObserver {
    fn on_request(&self, _e: &RequestEvent<'_>) {
        self.0.requests.set(self.0.requests.get() + 1);
    }
    fn on_response(&self, e: &ResponseEvent<'_>) {
        let failure = e.error.map(class);
        *self
            .0
            .classes
            .borrow_mut()
            .entry(failure.clone().unwrap_or_else(|| "ok".into()))
            .or_default() += 1;
        self.0.attempts.borrow_mut().push(Attempt {
            maybe_applied: e
                .error
                .is_some_and(|err| err.kind() != ErrorKind::Api && !certainly_not_applied(err)),
            timed_out: e.error.is_some_and(|err| err.kind() == ErrorKind::Timeout),
            failure,
        });
    }
    fn on_retry(&self, _e: &RetryEvent<'_>) {
        self.0.retries.set(self.0.retries.get() + 1);
    }
}

/// `kind` or `kind:code` / `kind:status`.
fn class(e: &Error) -> String {
    match (e.kind(), e.code(), e.status()) {
        (ErrorKind::Api, Some(c), _) => format!("api:{c}"),
        (k, _, Some(s)) => format!("{}:{s}", k.as_str()),
        (k, _, _) => k.as_str().to_owned(),
    }
}

// ------------------------------------------------------------------- drill

type DrillClient = Client<Tcp, RcSigner<Minting>, Counter, Rc<FakeClock>>;

#[derive(Default)]
struct Report {
    ops: BTreeMap<&'static str, (u64, u64, u64)>,
    failures: BTreeMap<String, u64>,
    uncertain_applied: BTreeMap<&'static str, u64>,
    uncertain_not_applied: BTreeMap<&'static str, u64>,
    predicted_errors: u64,
    injected: BTreeMap<String, u64>,
    sns_seq_bumps: u64,
    full_checks: u64,
    text: String,
}

struct Drill {
    running: Running,
    client: DrillClient,
    seen: Arc<Seen>,
    model: Model,
    broken: bool,
    random_faults: bool,
    fault_rng: Rng,
    script: Vec<&'static str>,
    fed_until: usize,
    last_seq: u64,
    report: Report,
}

impl Drill {
    fn new(seed: u64, broken: bool, random_faults: bool) -> Drill {
        let running = start(big_seed(200), |c| {
            c.rate_limit = 0;
            c.get_list_page_size = 40;
            c.contact_group_page_size = 15;
        });
        let seen = Arc::new(Seen::default());
        let cfg = ClientConfig::builder(APP_ID, ADMIN)
            .base_url(running.base_url())
            .build()
            .unwrap();
        let client = Client::new(cfg, Tcp, RcSigner(signer()), Counter(Cell::new(7)))
            .with_clock(FakeClock::new())
            .with_observer(Some(Arc::new(DrillObserver(seen.clone()))));
        let model = Model::from_state(&control(&running, "GET", "state", None));
        control(&running, "POST", "requests/clear", None);
        if random_faults {
            control(
                &running,
                "POST",
                "config",
                Some(json!({ "faults": { "rate": FAULT_RATE, "kinds": KINDS } })),
            );
        }
        let last_seq = model.seq;
        Drill {
            running,
            client,
            seen,
            model,
            broken,
            random_faults,
            fault_rng: Rng(seed ^ 0xFA17),
            script: Vec::new(),
            fed_until: 0,
            last_seq,
            report: Report::default(),
        }
    }

    /// Keeps the emulator's fault script ahead of the requests the client sends.
    fn feed(&mut self) {
        if self.random_faults {
            return;
        }
        let consumed = self.seen.requests.get() as usize;
        if self.fed_until >= consumed + 64 {
            return;
        }
        let until = consumed + 512;
        while self.script.len() < until {
            let f = if self.fault_rng.chance(FAULT_RATE) {
                KINDS[self.fault_rng.below(KINDS.len())]
            } else {
                "none"
            };
            self.script.push(f);
        }
        // `script` replaces the queue: the unconsumed entries are re-sent as they were.
        control(
            &self.running,
            "POST",
            "config",
            Some(json!({ "faults": { "script": &self.script[consumed..until] } })),
        );
        self.fed_until = until;
    }

    fn faults_off(&self) {
        control(
            &self.running,
            "POST",
            "config",
            Some(json!({ "faults": { "rate": 0.0, "script": [] } })),
        );
    }

    fn server(&self) -> Model {
        Model::from_state(&control(&self.running, "GET", "state", None))
    }

    /// Runs one write; `Ok(())` when the server's answer was consistent.
    fn write(&mut self, op: &Op, opts: &CallOptions) -> Result<(), String> {
        let c = &self.client;
        let from = USER.to_owned();
        let refs = |v: &[String]| v.iter().map(|k| conv_ref(k)).collect::<Vec<_>>();
        let expect = expected(&self.model, op);
        let post = expect.as_ref().ok();
        let result: Result<(), Error> = match op {
            Op::Create { name, convs } => block_on(c.execute_with(
                &CreateContactGroupRequest {
                    from_account: from,
                    group_name: name.clone(),
                    conversations: refs(convs),
                },
                opts,
            ))
            .map(|r| {
                let want = post.and_then(|p| p.group_id(name));
                assert_eq!(Some(r.group.id), want, "create {name}: id");
                assert!(r.results.iter().all(|o| o.ok), "{r:?}");
            }),
            Op::Rename { old, new } => block_on(c.execute_with(
                &UpdateContactGroupRequest {
                    from_account: from,
                    group_name: old.clone(),
                    new_name: Some(new.clone()),
                    add: vec![],
                    remove: vec![],
                },
                opts,
            ))
            .map(|r| assert_eq!(Some(r.group_id), self.model.group_id(old))),
            Op::Add { group, convs } | Op::Remove { group, convs } => {
                let add = matches!(op, Op::Add { .. });
                block_on(c.execute_with(
                    &UpdateContactGroupRequest {
                        from_account: from,
                        group_name: group.clone(),
                        new_name: None,
                        add: if add { refs(convs) } else { vec![] },
                        remove: if add { vec![] } else { refs(convs) },
                    },
                    opts,
                ))
                .map(|r| assert!(r.results.iter().all(|o| o.ok), "{r:?}"))
            }
            Op::DelGroup { name } => block_on(c.execute_with(
                &DelContactGroupRequest {
                    from_account: from,
                    group_name: name.clone(),
                },
                opts,
            ))
            .map(|r| {
                let id = self.model.group_id(name).unwrap();
                assert_eq!(
                    r.deleted,
                    vec![ContactGroup {
                        name: name.clone(),
                        id
                    }]
                );
            }),
            Op::Mark { items } => block_on(
                c.mark_contact_with(
                    &MarkContactRequest {
                        from_account: from,
                        items: items
                            .iter()
                            .map(|it| MarkChange {
                                conversation: conv_ref(&it.conv),
                                set: it.set.iter().map(|b| mark_name(*b)).collect(),
                                clear: it.clear.iter().map(|b| mark_name(*b)).collect(),
                                custom_mark: it.custom.clone(),
                                target: None,
                            })
                            .collect(),
                    },
                    opts,
                ),
            )
            .map(|r| assert!(r.results.iter().all(|o| o.ok), "{r:?}")),
            Op::DelConv { conv } => block_on(c.execute_with(
                &DeleteContactRequest {
                    from_account: from,
                    conversation: conv_ref(conv),
                    clear_ramble: None,
                },
                opts,
            )),
            Op::SnsAdd { names, friends } => block_on(c.execute_with(
                &SnsGroupAddRequest {
                    from_account: from,
                    group_names: names.clone(),
                    friends: friends.clone(),
                },
                opts,
            ))
            .map(|r| {
                assert_eq!(Some(u64::from(r.current_sequence)), post.map(|p| p.seq));
                assert!(r.failed_accounts.is_empty() && r.results.iter().all(|o| o.ok));
            }),
            Op::SnsDel { names } => block_on(c.execute_with(
                &SnsGroupDeleteRequest {
                    from_account: from,
                    group_names: names.clone(),
                },
                opts,
            ))
            .map(|r| assert_eq!(Some(u64::from(r.current_sequence)), post.map(|p| p.seq))),
            _ => unreachable!(),
        };
        let kind = op.kind();
        let sns = matches!(op, Op::SnsAdd { .. } | Op::SnsDel { .. });
        match result {
            Ok(()) => {
                let post =
                    expect.map_err(|code| format!("succeeded, expected API error {code}"))?;
                self.model = post;
                self.report.sns_seq_bumps += u64::from(sns);
                Ok(())
            }
            Err(e) => {
                *self.report.failures.entry(class(&e)).or_default() += 1;
                if e.not_sent() {
                    return Err(format!("unexpected unsent failure: {e}"));
                }
                if self.broken {
                    // Deliberately wrong: treat a failed write as applied.
                    if let Ok(post) = expect {
                        self.model = post;
                    }
                    return Ok(());
                }
                let attempts = self.seen.attempts.borrow().clone();
                let uncertain = attempts.iter().any(|a| a.maybe_applied);
                if !uncertain {
                    // Every attempt was rejected before processing: nothing applied.
                    let code = e.code().unwrap_or(-1);
                    if e.kind() != ErrorKind::Api {
                        return Err(format!("non-API failure without an ambiguous attempt: {e}"));
                    }
                    if INJECTED_CODES.contains(&code) {
                        return Ok(());
                    }
                    if expect == Err(code) {
                        self.report.predicted_errors += 1;
                        return Ok(());
                    }
                    return Err(format!(
                        "unexpected API error {code} ({e}); model predicted {:?}",
                        expect.err()
                    ));
                }
                // Uncertain: see what the server has.
                if attempts.iter().any(|a| a.timed_out) {
                    std::thread::sleep(Duration::from_millis(SETTLE_MS));
                }
                let srv = self.server();
                if srv == self.model {
                    *self.report.uncertain_not_applied.entry(kind).or_default() += 1;
                } else if expect.as_ref().is_ok_and(|p| *p == srv) {
                    *self.report.uncertain_applied.entry(kind).or_default() += 1;
                    self.report.sns_seq_bumps += u64::from(sns);
                    self.model = srv;
                } else {
                    let tried: Vec<_> = attempts.iter().map(|a| a.failure.clone()).collect();
                    return Err(format!(
                        "uncertain write ({e}; attempts {tried:?}) left the server in neither the before nor the after state: before→server {} | after→server {}",
                        self.model.diff(&srv),
                        expect.map(|p| p.diff(&srv)).unwrap_or_else(|c| format!("expected error {c}"))
                    ));
                }
                Ok(())
            }
        }
    }

    /// Runs one read and compares it with the model; a failed read is fine
    /// (counted by its typed class), a wrong answer is not.
    fn read(&mut self, op: &Op, opts: &CallOptions) -> Result<(), String> {
        let c = &self.client;
        let m = &self.model;
        let last_seq = self.last_seq;
        let outcome: Result<Option<u64>, Error> = (|| match op {
            Op::ReadList => {
                let mut stream = c.list_conversations(GetListRequest {
                    from_account: USER.into(),
                    empty: Some(true),
                    ..Default::default()
                });
                let mut seen = BTreeSet::new();
                while let Some(item) = block_on(c.next_item(&mut stream, opts))? {
                    let k = ref_key(&item.conversation);
                    assert!(seen.insert(k.clone()), "get_list repeated {k}");
                }
                let want: BTreeSet<String> = m.conversations.keys().cloned().collect();
                assert_eq!(seen, want, "get_list");
                Ok(None)
            }
            Op::ReadContactGroups => {
                let mut stream = c.list_contact_group_items(USER, 0);
                let mut got = BTreeMap::new();
                while let Some(d) = block_on(c.next_item(&mut stream, opts))? {
                    let k = ref_key(&d.conversation);
                    let mark = contact_mark(m, &d);
                    assert!(got.insert(k.clone(), mark).is_none(), "repeated {k}");
                }
                assert_eq!(got, m.marks, "get_contact_group");
                Ok(None)
            }
            Op::Search { convs } => {
                let r = block_on(c.search_contact_group_with(
                    &SearchContactGroupRequest {
                        from_account: USER.into(),
                        conversations: convs.iter().map(|k| conv_ref(k)).collect(),
                    },
                    opts,
                ))?;
                let got: BTreeMap<String, Mark> = r
                    .items
                    .iter()
                    .map(|d| (ref_key(&d.conversation), contact_mark(m, d)))
                    .collect();
                let want: BTreeMap<String, Mark> = convs
                    .iter()
                    .filter_map(|k| m.marks.get(k).map(|v| (k.clone(), v.clone())))
                    .collect();
                assert_eq!(got, want, "search_contact_group");
                let groups: BTreeMap<u32, String> =
                    r.groups.into_iter().map(|g| (g.id, g.name)).collect();
                assert_eq!(groups, m.groups, "search_contact_group groups");
                Ok(None)
            }
            Op::SnsGet => {
                let r = block_on(c.execute_with(
                    &SnsGroupGetRequest {
                        from_account: USER.into(),
                        need_friends: Some(true),
                        ..Default::default()
                    },
                    opts,
                ))?;
                let got: Vec<(String, BTreeSet<String>)> = r
                    .groups
                    .iter()
                    .map(|g| {
                        assert_eq!(
                            g.friend_count as usize,
                            g.friends.as_ref().map_or(0, Vec::len)
                        );
                        (
                            g.name.clone(),
                            g.friends.clone().unwrap_or_default().into_iter().collect(),
                        )
                    })
                    .collect();
                assert_eq!(got, m.friend_groups, "sns group_get");
                let seq = u64::from(r.current_sequence);
                assert_eq!(seq, m.seq, "sns sequence");
                assert!(seq >= last_seq, "sequence went back");
                Ok(Some(seq))
            }
            _ => unreachable!(),
        })();
        match outcome {
            Ok(seq) => self.last_seq = seq.unwrap_or(self.last_seq),
            Err(e) => {
                if matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::Pagination) {
                    return Err(format!("read failed unexpectedly: {e}"));
                }
                *self.report.failures.entry(class(&e)).or_default() += 1;
            }
        }
        Ok(())
    }

    fn run(&mut self, ops: usize, seed: u64) -> Result<(), String> {
        let mut rng = Rng(seed);
        let mut names = 0u64;
        let mut universe: BTreeSet<String> = self.model.conversations.keys().cloned().collect();
        universe.extend(self.model.marks.keys().cloned());
        universe.extend((0..10).map(|i| format!("c2c:ghost_{i}")));
        let universe: Vec<String> = universe.into_iter().collect();
        let seq0 = self.model.seq;
        for i in 0..ops {
            let op = next_op(&mut rng, &self.model, &universe, &mut names);
            let mut opts = CallOptions::new();
            if rng.chance(0.25) {
                opts = opts.timeout_ms(SHORT_TIMEOUT_MS);
            }
            self.feed();
            self.seen.attempts.borrow_mut().clear();
            let entry = self.report.ops.entry(op.kind()).or_default();
            entry.0 += 1;
            let failures_before: u64 = self.report.failures.values().sum();
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                if op.is_write() {
                    self.write(&op, &opts)
                } else {
                    self.read(&op, &opts)
                }
            }))
            .unwrap_or_else(|p| {
                Err(p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default())
            });
            r.map_err(|e| format!("op #{i} {op:?}: {e}"))?;
            let failed = self.report.failures.values().sum::<u64>() > failures_before;
            let entry = self.report.ops.get_mut(op.kind()).unwrap();
            if failed {
                entry.2 += 1;
            } else {
                entry.1 += 1;
            }
            if self.seen.attempts.borrow().iter().any(|a| a.timed_out) {
                // Let an orphaned (delayed) request land before the next op.
                std::thread::sleep(Duration::from_millis(SETTLE_MS));
            }
            if i % 50 == 49 {
                self.check_full(&format!("after op #{i}"))?;
            }
        }
        // Faults off: the state, and reads through the client, equal the model.
        self.faults_off();
        self.check_full("at the end")?;
        let strict = CallOptions::default();
        for op in [Op::ReadList, Op::ReadContactGroups, Op::SnsGet] {
            let before: u64 = self.report.failures.values().sum();
            self.read(&op, &strict)?;
            if self.report.failures.values().sum::<u64>() != before {
                return Err(format!("{op:?} failed with faults off"));
            }
        }
        let seq_delta = self.model.seq - seq0;
        if seq_delta != self.report.sns_seq_bumps {
            return Err(format!(
                "friend-group sequence moved {seq_delta}, successful + uncertain-applied sns writes {}",
                self.report.sns_seq_bumps
            ));
        }
        // Every client attempt reached the emulator exactly once.
        let counted: u64 = control(&self.running, "GET", "requests", None)
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        if counted != self.seen.requests.get() {
            return Err(format!(
                "emulator counted {counted} requests, the client sent {}",
                self.seen.requests.get()
            ));
        }
        if !self.random_faults {
            let consumed = self.seen.requests.get() as usize;
            for f in &self.script[..consumed.min(self.script.len())] {
                if *f != "none" {
                    *self.report.injected.entry((*f).to_owned()).or_default() += 1;
                }
            }
            // The client cannot see more of a fault class than was injected.
            let seen = self.seen.classes.borrow();
            let inj = |k: &str| self.report.injected.get(k).copied().unwrap_or(0);
            let saw = |k: &str| seen.get(k).copied().unwrap_or(0);
            for code in INJECTED_CODES {
                let k = format!("error:{code}");
                if saw(&format!("api:{code}")) > inj(&k) {
                    return Err(format!("client saw more {k} than injected"));
                }
            }
            if saw("transport:502") > inj("http502") || saw("decode") > inj("truncate") {
                return Err("client saw more 502 / decode failures than injected".into());
            }
        }
        Ok(())
    }

    fn check_full(&mut self, when: &str) -> Result<(), String> {
        self.report.full_checks += 1;
        let srv = self.server();
        if srv != self.model {
            return Err(format!(
                "state diverged {when}: model vs server: {}",
                self.model.diff(&srv)
            ));
        }
        Ok(())
    }

    fn summary(&mut self, ops: usize, elapsed: Duration) -> String {
        let r = &self.report;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "drill: {ops} ops in {:.1} s, fault mode {}, {} HTTP attempts, {} retries",
            elapsed.as_secs_f64(),
            if self.random_faults {
                "emulator random (rate 0.1)"
            } else {
                "seeded script (rate 0.1)"
            },
            self.seen.requests.get(),
            self.seen.retries.get()
        );
        let _ = writeln!(s, "ops by kind (total / ok / failed):");
        for (k, (n, ok, failed)) in &r.ops {
            let _ = writeln!(s, "  {k:<28} {n:>6} {ok:>6} {failed:>6}");
        }
        let total_ok: u64 = r.ops.values().map(|v| v.1).sum();
        let _ = writeln!(s, "successes: {total_ok}");
        let _ = writeln!(s, "typed failures by class: {:?}", r.failures);
        let _ = writeln!(
            s,
            "  of which predicted by the model (duplicate / missing name, limits): {}",
            r.predicted_errors
        );
        let _ = writeln!(
            s,
            "uncertain writes: resolved applied {:?}, resolved not applied {:?}",
            r.uncertain_applied, r.uncertain_not_applied
        );
        let _ = writeln!(
            s,
            "faults injected (from the script): {:?} = {}",
            r.injected,
            r.injected.values().sum::<u64>()
        );
        let _ = writeln!(
            s,
            "attempt outcomes seen by the client: {:?}",
            self.seen.classes.borrow()
        );
        let _ = writeln!(
            s,
            "sns sequence bumps (ok + uncertain-applied): {}; full state comparisons: {}",
            r.sns_seq_bumps, r.full_checks
        );
        let _ = writeln!(
            s,
            "final: {} conversations, {} contact groups, {} marked, {} friend groups",
            self.model.conversations.len(),
            self.model.groups.len(),
            self.model.marks.len(),
            self.model.friend_groups.len()
        );
        self.report.text.clone_from(&s);
        s
    }
}

/// The marks of a returned conversation, group ids mapped to the model's names.
fn contact_mark(m: &Model, d: &ContactData) -> Mark {
    assert_eq!(
        d.marks.value,
        decode(&d.standard_mark),
        "StandardMark vs marks"
    );
    Mark {
        bits: d.marks.value,
        custom: d.custom_mark.clone().unwrap_or_default(),
        groups: d
            .group_ids
            .iter()
            .map(|id| {
                m.groups
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| format!("unknown id {id}"))
            })
            .collect(),
    }
}

fn decode(standard_mark: &str) -> u64 {
    if standard_mark.is_empty() {
        0
    } else {
        u64::from_str_radix(standard_mark, 2).unwrap()
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn drill(ops: usize, seed: u64, broken: bool, random: bool) -> (Result<(), String>, Drill) {
    let mut d = Drill::new(seed, broken, random);
    let started = Instant::now();
    let r = d.run(ops, seed);
    let text = d.summary(ops, started.elapsed());
    println!("{text}");
    (r, d)
}

#[test]
fn fault_drill_keeps_the_model_and_the_server_equal() {
    let ops = env_or("TIM_DRILL_OPS", 2000usize);
    let seed = env_or("TIM_DRILL_SEED", 20_240_501u64);
    let random = std::env::var("TIM_DRILL_FAULTS").is_ok_and(|v| v == "random");
    let (r, d) = drill(ops, seed, false, random);
    if let Err(e) = r {
        panic!("drill failed: {e}");
    }
    let rep = &d.report;
    // The run exercised what it claims to.
    assert!(d.seen.retries.get() > 0);
    assert!(
        rep.failures.values().sum::<u64>() > 0,
        "no typed failure at all"
    );
    assert!(
        rep.uncertain_applied.values().sum::<u64>() > 0
            && rep.uncertain_not_applied.values().sum::<u64>() > 0,
        "uncertain writes of both outcomes"
    );
    if !random {
        for k in KINDS {
            assert!(
                rep.injected.get(k).copied().unwrap_or(0) > 0,
                "{k} never injected"
            );
        }
    }
}

#[test]
fn the_drill_catches_a_model_that_applies_failed_writes() {
    let (r, _) = drill(400, 7, true, false);
    let e = r.expect_err("a broken model must be detected");
    assert!(
        e.contains("diverged") || e.contains("neither") || e.contains("assert"),
        "{e}"
    );
}
