//! Deterministic seed-document generator (used by `tim-seedgen` and tests).

use crate::state::{
    SeedContactGroup, SeedConversation, SeedDoc, SeedFriendGroup, SeedMark, SeedUser,
};
use std::collections::BTreeSet;

/// SplitMix64: tiny deterministic PRNG.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// New generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    /// True with probability `pct`/100.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

/// Generator options.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Number of users (bulk mode).
    pub users: usize,
    /// Conversations per user (bulk mode) / for the main demo user.
    pub conversations: usize,
    /// PRNG seed.
    pub seed: u64,
    /// Demo mode: named users, one big user, realistic names.
    pub demo: bool,
    /// Newest MsgTime.
    pub base_time: u64,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            users: 3,
            conversations: 1000,
            seed: 42,
            demo: false,
            base_time: 1_760_000_000,
        }
    }
}

const GROUP_NAMES: [&str; 6] = ["Work", "Family", "Friends", "Projects", "Gaming", "VIP"];
const FRIEND_GROUP_NAMES: [&str; 4] = ["Colleagues", "Classmates", "Family", "Close friends"];
const CUSTOM_MARKS: [&str; 6] = [
    "vip",
    "follow-up",
    "{\"color\":\"red\"}",
    "customer:gold",
    "muted-until:1760100000",
    "priority=high",
];
const MARK_BITS: [u8; 10] = [0, 1, 2, 3, 32, 33, 34, 35, 40, 63];

fn gen_user(
    rng: &mut Rng,
    me: &str,
    others: &[String],
    n_conv: usize,
    n_groups: usize,
    opts: &GenOptions,
) -> SeedUser {
    let mut conversations = Vec::with_capacity(n_conv);
    let mut keys: Vec<(bool, String)> = Vec::with_capacity(n_conv);
    // Many equal MsgTimes: times are drawn from ~n/3 distinct slots, and 5%
    // share one exact "burst" time.
    let slots = (n_conv as u64 / 3).max(1);
    let burst = opts.base_time - 3600;
    let mut used = BTreeSet::new();
    let mut i = 0usize;
    while conversations.len() < n_conv {
        i += 1;
        let is_group = rng.chance(30);
        let id = if is_group {
            format!("@TGS#{}{:05}", if rng.chance(50) { "1" } else { "2" }, i)
        } else if i <= others.len() {
            others[i - 1].clone()
        } else {
            format!("user_{i:05}")
        };
        if id == me || !used.insert((is_group, id.clone())) {
            continue;
        }
        let msg_time = if rng.chance(5) {
            burst
        } else {
            opts.base_time - rng.below(slots) * 97
        };
        let pinned = rng.chance(3);
        let has_messages = !rng.chance(5);
        conversations.push(SeedConversation {
            kind: if is_group { "group" } else { "c2c" }.into(),
            peer: (!is_group).then(|| id.clone()),
            group_id: is_group.then(|| id.clone()),
            msg_time,
            pinned,
            has_messages,
        });
        keys.push((is_group, id));
    }
    let contact_groups: Vec<SeedContactGroup> = GROUP_NAMES
        .iter()
        .take(n_groups)
        .enumerate()
        .map(|(i, n)| SeedContactGroup {
            id: i as u64 + 1,
            name: (*n).to_string(),
        })
        .collect();
    // Marks on ~12% of the conversations (at most 900), plus two conversations
    // that are not in the recent-contact list (marks are independent of it).
    let n_marks = (n_conv / 8).clamp(usize::from(n_conv > 0), 900);
    let mut marked = BTreeSet::new();
    let mut marks = Vec::new();
    let mut extra = vec![
        (false, format!("{me}_archived_peer")),
        (true, "@TGS#old_team".to_string()),
    ];
    while marked.len() < n_marks && !keys.is_empty() {
        let k = keys[rng.below(keys.len() as u64) as usize].clone();
        if marked.insert(k.clone()) {
            extra.push(k);
        }
    }
    for (n, (is_group, id)) in extra.into_iter().enumerate() {
        let mut bits = BTreeSet::new();
        for _ in 0..rng.below(3) {
            bits.insert(MARK_BITS[rng.below(MARK_BITS.len() as u64) as usize]);
        }
        let custom_mark = if rng.chance(30) || n == 0 {
            CUSTOM_MARKS[rng.below(CUSTOM_MARKS.len() as u64) as usize].to_string()
        } else {
            String::new()
        };
        let mut groups = Vec::new();
        for g in &contact_groups {
            if rng.chance(25) {
                groups.push(g.name.clone());
            }
        }
        if bits.is_empty() && custom_mark.is_empty() && groups.is_empty() {
            bits.insert(0);
        }
        marks.push(SeedMark {
            kind: if is_group { "group" } else { "c2c" }.into(),
            peer: (!is_group).then(|| id.clone()),
            group_id: is_group.then_some(id),
            bits: bits.into_iter().collect(),
            custom_mark,
            groups,
            timestamp: opts.base_time - rng.below(86_400 * 30),
        });
    }
    // friends: the other users plus some generated ones
    let mut friends: BTreeSet<String> = others.iter().filter(|o| *o != me).cloned().collect();
    for _ in 0..(8 + rng.below(12)) {
        friends.insert(format!("user_{:05}", 1 + rng.below(n_conv.max(50) as u64)));
    }
    let friend_list: Vec<String> = friends.iter().cloned().collect();
    let n_fg = 3 + rng.below(2) as usize;
    let friend_groups: Vec<SeedFriendGroup> = FRIEND_GROUP_NAMES
        .iter()
        .take(n_fg)
        .map(|name| SeedFriendGroup {
            name: (*name).to_string(),
            members: friend_list
                .iter()
                .filter(|_| rng.chance(35))
                .cloned()
                .collect(),
        })
        .collect();
    SeedUser {
        conversations,
        marks,
        contact_groups,
        friends: friend_list,
        friend_group_sequence: friend_groups.len() as u64,
        friend_groups,
    }
}

/// Generate a seed document.
pub fn generate(opts: &GenOptions) -> SeedDoc {
    let mut rng = Rng::new(opts.seed);
    let mut doc = SeedDoc {
        sdk_app_id: Some(crate::DEFAULT_SDK_APP_ID),
        ..SeedDoc::default()
    };
    if opts.demo {
        let names: Vec<String> = ["alice", "bob", "carol", "dave", "erin"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for (i, me) in names.iter().enumerate() {
            let (n_conv, n_groups) = if i == 0 {
                (opts.conversations, 5)
            } else {
                (12 + rng.below(30) as usize, 3 + rng.below(2) as usize)
            };
            let u = gen_user(&mut rng, me, &names, n_conv, n_groups, opts);
            doc.users.insert(me.clone(), u);
        }
        // one user with nothing at all (empty lists are a useful edge case)
        doc.users.insert("frank".into(), SeedUser::default());
    } else {
        let names: Vec<String> = (1..=opts.users).map(|i| format!("user_{i:04}")).collect();
        for me in &names {
            let u = gen_user(&mut rng, me, &names, opts.conversations, 4, opts);
            doc.users.insert(me.clone(), u);
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::State;

    #[test]
    fn deterministic_and_valid() {
        let o = GenOptions {
            users: 2,
            conversations: 500,
            ..GenOptions::default()
        };
        let a = generate(&o);
        let b = generate(&o);
        assert_eq!(a, b);
        let s = State::from_seed(&a).unwrap();
        assert_eq!(s.users.len(), 2);
        assert!(s.users.values().all(|u| u.conversations.len() == 500));
        let d = generate(&GenOptions {
            demo: true,
            conversations: 400,
            ..GenOptions::default()
        });
        State::from_seed(&d).unwrap();
    }
}
