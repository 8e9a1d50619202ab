//! Padded base64 (RFC 4648) in two alphabets: the standard one and the
//! UserSig's (`+ / =` written as `* - _`, TLSSigAPIv2 spec §6). A few lines
//! instead of a general-purpose crate in the wasm; the property tests hold it
//! to the `base64` crate.

/// The three symbols after `A-Za-z0-9` of a base64 alphabet: 62, 63, padding.
pub(crate) type Extra = [u8; 3];
/// RFC 4648 base64.
pub(crate) const STANDARD: Extra = *b"+/=";
/// The UserSig alphabet (spec §6): `+ / =` written as `* - _`.
pub(crate) const USERSIG: Extra = *b"*-_";

/// Base64 with padding in the alphabet `extra`.
pub(crate) fn encode(data: &[u8], extra: Extra) -> String {
    let symbol = |v: u32| -> char {
        // `v` < 64.
        let v = (v & 63) as u8;
        char::from(match v {
            0..=25 => b'A' + v,
            26..=51 => b'a' + (v - 26),
            52..=61 => b'0' + (v - 52),
            62 => extra[0],
            _ => extra[1],
        })
    };
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        out.push(symbol(n >> 18));
        out.push(symbol(n >> 12));
        out.push(if chunk.len() > 1 {
            symbol(n >> 6)
        } else {
            char::from(extra[2])
        });
        out.push(if chunk.len() > 2 {
            symbol(n)
        } else {
            char::from(extra[2])
        });
    }
    out
}

/// Decodes canonical padded base64 in either alphabet (`+ / =` or the
/// UserSig's `* - _`); `None` for anything else, including set bits after
/// the last byte.
pub(crate) fn decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 4 != 0 {
        return None;
    }
    let value = |b: u8| -> Option<u32> {
        Some(u32::from(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'*' => 62,
            b'/' | b'-' => 63,
            _ => return None,
        }))
    };
    let quads = text.len() / 4;
    let mut out = Vec::with_capacity(quads * 3);
    for (i, quad) in text.chunks(4).enumerate() {
        let pad = quad
            .iter()
            .rev()
            .take_while(|&&b| b == b'=' || b == b'_')
            .count();
        if pad > 2 || (pad > 0 && i + 1 != quads) {
            return None;
        }
        let mut n = 0u32;
        for &b in &quad[..4 - pad] {
            n = (n << 6) | value(b)?;
        }
        n <<= 6 * pad as u32;
        if n & ((1u32 << (8 * pad)) - 1) != 0 {
            return None;
        }
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_and_the_usersig_alphabet() {
        for (plain, b64) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes(), STANDARD), b64);
            assert_eq!(decode(b64.as_bytes()).unwrap(), plain.as_bytes());
        }
        let bytes = [0xfb, 0xff, 0xbf, 0xfe];
        assert_eq!(encode(&bytes, STANDARD), "+/+//g==");
        assert_eq!(encode(&bytes, USERSIG), "*-*--g__");
        assert_eq!(decode(b"*-*--g__").unwrap(), bytes);
        for bad in [
            "Zg=", "Zg===", "Z===", "Zh==", "Zm9=", "Zg==Zg==", "Zm 9", "Zm9v\n", "=Zm9",
        ] {
            assert_eq!(decode(bad.as_bytes()), None, "{bad:?}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod base64_props {
        use super::super::*;
        use base64::Engine;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn encode_and_decode_agree_with_the_base64_crate(data in proptest::collection::vec(any::<u8>(), 0..64)) {
                let std = base64::engine::general_purpose::STANDARD.encode(&data);
                prop_assert_eq!(encode(&data, STANDARD), std.clone());
                prop_assert_eq!(decode(std.as_bytes()), Some(data));
            }

            #[test]
            fn decode_accepts_exactly_what_the_base64_crate_accepts(text in "[A-Za-z0-9+/=]{0,12}") {
                let theirs = base64::engine::general_purpose::STANDARD.decode(&text).ok();
                prop_assert_eq!(decode(text.as_bytes()), theirs);
            }
        }
    }
}
