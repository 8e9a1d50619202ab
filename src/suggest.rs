//! "Did you mean ...?" for unknown option keys: the nearest known name by
//! edit distance, when one is close enough to be a likely typo.

/// The known name nearest to `name` (case-insensitive Levenshtein distance),
/// if it is at most a third of the longer name's length away (rounded up; at least 1, at
/// most 3 edits): `timeOutMs` -> `timeoutMs`, `signall` -> `signal`.
pub(crate) fn nearest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for &candidate in known {
        let d = distance(&lower, &candidate.to_ascii_lowercase());
        let limit = name.len().max(candidate.len()).div_ceil(3).clamp(1, 3);
        let better = match best {
            Some((bd, _)) => d < bd,
            None => true,
        };
        if d <= limit && better {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The message of an unknown key: `unknown option (did you mean "timeoutMs"?)`.
pub(crate) fn unknown_key_message(name: &str, known: &[&str]) -> String {
    match nearest(name, known) {
        Some(hint) => format!("unknown option (did you mean `{hint}`?)"),
        None => format!("unknown option; known: {}", known.join(", ")),
    }
}

/// Levenshtein distance over chars; names are short, so O(n*m) is fine.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let known = ["timeoutMs", "signal", "concurrency", "baseUrl", "burst"];
        assert_eq!(nearest("timeOutMs", &known), Some("timeoutMs"));
        assert_eq!(nearest("signall", &known), Some("signal"));
        assert_eq!(nearest("baseURL", &known), Some("baseUrl"));
        assert_eq!(nearest("burts", &known), Some("burst"));
        assert_eq!(nearest("region", &known), None);
        assert_eq!(nearest("", &known), None);
        assert!(unknown_key_message("signall", &known).contains("`signal`"));
        assert!(unknown_key_message("zzz", &known).contains("known: timeoutMs"));
    }
}
