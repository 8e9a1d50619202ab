//! A small zlib inflater (RFC 1950 around RFC 1951), enough to read the
//! ticket inside a UserSig. Built after Mark Adler's `puff.c`: canonical
//! Huffman codes decoded a bit at a time, no lookup tables. Slow next to
//! miniz_oxide, but a ticket is ~200 bytes (a UserSig is at most 8 KiB), and
//! this is a few KB less wasm. It accepts what miniz_oxide accepts: the
//! property tests compare output and verdict on valid, damaged and
//! literal-only streams and on output limits around the size.

/// Why a stream was refused. Callers only need to know that it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Corrupt;

type R<T> = Result<T, Corrupt>;

/// Inflates a zlib stream whose output is at most `limit` bytes. Checks the
/// header and the Adler-32 trailer; bytes after the trailer are ignored (as
/// zlib and miniz_oxide do).
///
/// # Errors
/// [`Corrupt`] for a bad header, a bad or truncated stream, a wrong
/// checksum, a preset dictionary, or more than `limit` bytes of output.
pub(crate) fn inflate_zlib(data: &[u8], limit: usize) -> R<Vec<u8>> {
    let [cmf, flg, ..] = *data else {
        return Err(Corrupt);
    };
    // Deflate, a window of at most 32 KiB, the check bits right, no dictionary.
    if cmf & 0x0F != 8 || cmf >> 4 > 7 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return Err(Corrupt);
    }
    if flg & 0x20 != 0 {
        return Err(Corrupt);
    }
    let mut s = State {
        data,
        pos: 2,
        bit_buf: 0,
        bit_count: 0,
        out: Vec::new(),
        limit,
        fixed: None,
    };
    loop {
        let last = s.bits(1)?;
        match s.bits(2)? {
            0 => s.stored()?,
            1 => s.fixed()?,
            2 => s.dynamic()?,
            _ => return Err(Corrupt),
        }
        if last == 1 {
            break;
        }
    }
    // The trailer starts at the next byte boundary (`pos` is past the bits read).
    let trailer = data.get(s.pos..s.pos + 4).ok_or(Corrupt)?;
    let want = u32::from_be_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    if super::zlib::adler32(&s.out) != want {
        return Err(Corrupt);
    }
    Ok(s.out)
}

const MAX_BITS: usize = 15;
const MAX_LIT_CODES: usize = 286;
const MAX_DIST_CODES: usize = 30;
const FIXED_LIT_CODES: usize = 288;

/// Base lengths and extra bits of length symbols 257..285.
const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Base distances and extra bits of distance symbols 0..29.
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order code length code lengths come in (RFC 1951 3.2.7).
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// A canonical Huffman code: how many codes of each length, and the symbols
/// ordered by code.
struct Huffman {
    count: [u16; MAX_BITS + 1],
    symbol: Vec<u16>,
}

impl Huffman {
    /// Builds the code of `lengths` (0 = symbol unused). Returns the code
    /// and how many codes are left unused: 0 for a complete code, more for an
    /// incomplete one.
    ///
    /// # Errors
    /// [`Corrupt`] for an over-subscribed code (more codes than fit).
    fn new(lengths: &[u8]) -> R<(Huffman, i32)> {
        let mut count = [0u16; MAX_BITS + 1];
        for &len in lengths {
            count[usize::from(len)] += 1;
        }
        let mut left: i32 = 1;
        for &c in &count[1..] {
            left = (left << 1) - i32::from(c);
            if left < 0 {
                return Err(Corrupt);
            }
        }
        let mut offset = [0u16; MAX_BITS + 1];
        for len in 1..MAX_BITS {
            offset[len + 1] = offset[len] + count[len];
        }
        let mut symbol = vec![0u16; lengths.len()];
        for (sym, &len) in lengths.iter().enumerate() {
            if len != 0 {
                let at = &mut offset[usize::from(len)];
                symbol[usize::from(*at)] = sym as u16;
                *at += 1;
            }
        }
        count[0] = 0;
        Ok((Huffman { count, symbol }, left))
    }
}

struct State<'a> {
    data: &'a [u8],
    /// Next byte of `data` to load into the bit buffer.
    pos: usize,
    bit_buf: u32,
    bit_count: u32,
    out: Vec<u8>,
    limit: usize,
    /// The fixed codes, built at the first fixed block (a stream of many
    /// empty fixed blocks must not rebuild them each time).
    fixed: Option<(Huffman, Huffman)>,
}

impl State<'_> {
    /// The next `need` (at most 16) bits, least significant first.
    fn bits(&mut self, need: u32) -> R<u32> {
        let mut val = self.bit_buf;
        while self.bit_count < need {
            let byte = *self.data.get(self.pos).ok_or(Corrupt)?;
            self.pos += 1;
            val |= u32::from(byte) << self.bit_count;
            self.bit_count += 8;
        }
        self.bit_buf = val >> need;
        self.bit_count -= need;
        Ok(val & ((1 << need) - 1))
    }

    fn push(&mut self, byte: u8) -> R<()> {
        if self.out.len() >= self.limit {
            return Err(Corrupt);
        }
        self.out.push(byte);
        Ok(())
    }

    /// A stored block: the rest of the current byte is dropped, then LEN,
    /// its complement, and LEN bytes.
    fn stored(&mut self) -> R<()> {
        self.bit_buf = 0;
        self.bit_count = 0;
        let head = self.data.get(self.pos..self.pos + 4).ok_or(Corrupt)?;
        let len = u16::from_le_bytes([head[0], head[1]]);
        if len != !u16::from_le_bytes([head[2], head[3]]) {
            return Err(Corrupt);
        }
        self.pos += 4;
        let len = usize::from(len);
        let bytes = self.data.get(self.pos..self.pos + len).ok_or(Corrupt)?;
        if self.out.len() + len > self.limit {
            return Err(Corrupt);
        }
        self.out.extend_from_slice(bytes);
        self.pos += len;
        Ok(())
    }

    /// One symbol of `h`, read a bit at a time (codes are stored MSB first).
    fn decode(&mut self, h: &Huffman) -> R<usize> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for &count in &h.count[1..] {
            code |= self.bits(1)? as i32;
            let count = i32::from(count);
            if code - count < first {
                return Ok(usize::from(h.symbol[(index + (code - first)) as usize]));
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(Corrupt)
    }

    /// The symbols of a Huffman-coded block up to its end code.
    fn codes(&mut self, lit: &Huffman, dist: &Huffman) -> R<()> {
        loop {
            let sym = self.decode(lit)?;
            if sym < 256 {
                self.push(sym as u8)?;
                continue;
            }
            if sym == 256 {
                return Ok(());
            }
            let sym = sym - 257;
            if sym >= LEN_BASE.len() {
                return Err(Corrupt);
            }
            let len = usize::from(LEN_BASE[sym]) + self.bits(u32::from(LEN_EXTRA[sym]))? as usize;
            let d = self.decode(dist)?;
            if d >= DIST_BASE.len() {
                return Err(Corrupt);
            }
            let back = usize::from(DIST_BASE[d]) + self.bits(u32::from(DIST_EXTRA[d]))? as usize;
            if back > self.out.len() {
                return Err(Corrupt);
            }
            // Byte by byte: the copy may overlap what it writes.
            for _ in 0..len {
                let byte = self.out[self.out.len() - back];
                self.push(byte)?;
            }
        }
    }

    /// A block with the fixed codes of RFC 1951 3.2.6.
    fn fixed(&mut self) -> R<()> {
        let (lit, dist) = match self.fixed.take() {
            Some(codes) => codes,
            None => {
                let mut lengths = [8u8; FIXED_LIT_CODES];
                lengths[144..256].fill(9);
                lengths[256..280].fill(7);
                (
                    Huffman::new(&lengths)?.0,
                    Huffman::new(&[5u8; MAX_DIST_CODES])?.0,
                )
            }
        };
        let read = self.codes(&lit, &dist);
        self.fixed = Some((lit, dist));
        read
    }

    /// A block that carries its own codes (RFC 1951 3.2.7).
    fn dynamic(&mut self) -> R<()> {
        let nlen = self.bits(5)? as usize + 257;
        let ndist = self.bits(5)? as usize + 1;
        let ncode = self.bits(4)? as usize + 4;
        if nlen > MAX_LIT_CODES || ndist > MAX_DIST_CODES {
            return Err(Corrupt);
        }
        let mut cl = [0u8; 19];
        for &at in &CL_ORDER[..ncode] {
            cl[at] = self.bits(3)? as u8;
        }
        let (cl_code, left) = Huffman::new(&cl)?;
        if left != 0 {
            return Err(Corrupt);
        }
        let mut lengths = [0u8; MAX_LIT_CODES + MAX_DIST_CODES];
        let mut i = 0;
        while i < nlen + ndist {
            let sym = self.decode(&cl_code)?;
            if sym < 16 {
                lengths[i] = sym as u8;
                i += 1;
                continue;
            }
            let (value, times) = match sym {
                16 => {
                    let prev = *lengths[..i].last().ok_or(Corrupt)?;
                    (prev, 3 + self.bits(2)?)
                }
                17 => (0, 3 + self.bits(3)?),
                _ => (0, 11 + self.bits(7)?),
            };
            let times = times as usize;
            if i + times > nlen + ndist {
                return Err(Corrupt);
            }
            lengths[i..i + times].fill(value);
            i += times;
        }
        if lengths[256] == 0 {
            return Err(Corrupt);
        }
        // An incomplete code is allowed when it has at most one symbol: a
        // block of literals only has no distance codes at all (RFC 1951
        // 3.2.7: "one distance code of zero bits"), and encoders write one
        // code for a lone symbol. Decoding a symbol the code lacks fails.
        // (As miniz_oxide; zlib also wants a lone symbol's length to be 1.)
        let at_most_one = |l: &[u8]| l.iter().filter(|&&x| x != 0).count() <= 1;
        let (lit, left) = Huffman::new(&lengths[..nlen])?;
        if left > 0 && !at_most_one(&lengths[..nlen]) {
            return Err(Corrupt);
        }
        let (dist, left) = Huffman::new(&lengths[nlen..nlen + ndist])?;
        if left > 0 && !at_most_one(&lengths[nlen..nlen + ndist]) {
            return Err(Corrupt);
        }
        self.codes(&lit, &dist)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn miniz(data: &[u8], limit: usize) -> Option<Vec<u8>> {
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, limit).ok()
    }

    #[test]
    fn reads_what_zlib_levels_write() {
        let text: Vec<u8> = (0..5000u32)
            .map(|i| b"abcabcabdTLS.sig"[(i * i % 16) as usize])
            .collect();
        for level in 0..=10 {
            let z = miniz_oxide::deflate::compress_to_vec_zlib(&text, level);
            assert_eq!(inflate_zlib(&z, 1 << 20), Ok(text.clone()), "level {level}");
        }
        // An empty input compresses to a single final block.
        let z = miniz_oxide::deflate::compress_to_vec_zlib(b"", 6);
        assert_eq!(inflate_zlib(&z, 10), Ok(Vec::new()));
    }

    #[allow(clippy::unwrap_used)] // test data written by hand
    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// A de Bruijn sequence over `k` symbols: no substring of length `n`
    /// repeats, so an encoder finds no match and writes literals only.
    fn de_bruijn(k: u8, n: usize) -> Vec<u8> {
        fn db(t: usize, p: usize, k: u8, n: usize, a: &mut Vec<u8>, out: &mut Vec<u8>) {
            if t > n {
                if n % p == 0 {
                    out.extend(a[1..=p].iter().map(|&c| b'a' + c));
                }
                return;
            }
            a[t] = a[t - p];
            db(t + 1, p, k, n, a, out);
            for c in a[t - p] + 1..k {
                a[t] = c;
                db(t + 1, t, k, n, a, out);
            }
        }
        let (mut a, mut out) = (vec![0u8; n + 1], Vec::new());
        db(1, 1, k, n, &mut a, &mut out);
        out
    }

    #[test]
    fn reads_blocks_of_literals_only() {
        // Dynamic blocks without a single distance code (found by review:
        // this inflater refused them, zlib and miniz_oxide do not).
        assert_eq!(
            inflate_zlib(&hex("780105c081080000000020b6fda58e00c50083"), 100),
            Ok(b"AA".to_vec())
        );
        let z = hex("789c0580010900000082b69afedf10c040888dc9c2a1188da4b6b9359d2d576a5670503c1963");
        assert_eq!(inflate_zlib(&z, 1000).ok(), miniz(&z, 1000));
        assert!(inflate_zlib(&z, 1000).is_ok());
        for (k, n) in [(4, 3), (3, 4), (8, 3), (16, 2)] {
            let data = de_bruijn(k, n);
            for level in 1..=10 {
                let z = miniz_oxide::deflate::compress_to_vec_zlib(&data, level);
                assert_eq!(
                    inflate_zlib(&z, 1 << 16),
                    Ok(data.clone()),
                    "k {k} n {n} level {level}"
                );
            }
        }
    }

    #[test]
    fn reads_many_empty_fixed_blocks() {
        // 3-bit header + 7-bit end code per empty fixed block: 10 bits each.
        let blocks = 4000;
        let mut bits: Vec<bool> = Vec::new();
        for i in 0..blocks {
            bits.extend([i == blocks - 1, true, false]); // BFINAL, BTYPE 01 (LSB first)
            bits.extend([false; 7]); // end of block: code 0000000
        }
        let mut z = vec![0x78, 0x01];
        z.extend(bits.chunks(8).map(|c| {
            c.iter()
                .enumerate()
                .fold(0u8, |b, (i, &bit)| b | (u8::from(bit) << i))
        }));
        z.extend_from_slice(&adler32_of_empty());
        assert_eq!(inflate_zlib(&z, 10), Ok(Vec::new()));
        assert_eq!(inflate_zlib(&z, 10).ok(), miniz(&z, 10));
    }

    fn adler32_of_empty() -> [u8; 4] {
        crate::codec::zlib::adler32(b"").to_be_bytes()
    }

    #[test]
    fn refuses_bad_headers_checksums_and_oversize() {
        let z = miniz_oxide::deflate::compress_to_vec_zlib(b"hello hello hello", 6);
        assert_eq!(
            inflate_zlib(&z, 100).as_deref(),
            Ok(&b"hello hello hello"[..])
        );
        // Exactly at the limit is fine; one byte over is not.
        assert!(inflate_zlib(&z, 17).is_ok());
        assert_eq!(inflate_zlib(&z, 16), Err(Corrupt));
        let mut bad = z.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(inflate_zlib(&bad, 100), Err(Corrupt), "checksum");
        let mut bad = z.clone();
        bad[0] = 0x79; // method 9
        assert_eq!(inflate_zlib(&bad, 100), Err(Corrupt), "method");
        let mut bad = z.clone();
        bad[1] ^= 0x01; // the check bits
        assert_eq!(inflate_zlib(&bad, 100), Err(Corrupt), "check bits");
        let mut bad = z.clone();
        bad[1] = 0x20; // FDICT, check bits right (0x7820 is a multiple of 31)
        assert_eq!(inflate_zlib(&bad, 100), Err(Corrupt), "dictionary");
        assert_eq!(
            inflate_zlib(&z[..z.len() - 1], 100),
            Err(Corrupt),
            "truncated"
        );
        assert_eq!(inflate_zlib(&[], 100), Err(Corrupt));
        assert_eq!(inflate_zlib(&[0x78], 100), Err(Corrupt));
        // Reserved block type 3.
        assert_eq!(
            inflate_zlib(&[0x78, 0x01, 0x07, 0, 0, 0, 1], 100),
            Err(Corrupt)
        );
        // Trailing bytes after the checksum are ignored, as zlib does.
        let mut more = z.clone();
        more.extend_from_slice(b"junk");
        assert_eq!(inflate_zlib(&more, 100), miniz(&more, 100).ok_or(Corrupt));
    }

    /// Data of every kind an encoder treats differently: runs of a few
    /// symbols (matches), bytes that never repeat (literals only), noise.
    fn data() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), any::<u8>()], 0..3000),
            (2u8..20, 2usize..4).prop_map(|(k, n)| de_bruijn(k, n)),
            prop::collection::vec(any::<u8>(), 0..300),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn agrees_with_miniz_on_valid_streams(data in data(), level in 0u8..=10, slack in 0usize..3) {
            let z = miniz_oxide::deflate::compress_to_vec_zlib(&data, level);
            prop_assert_eq!(inflate_zlib(&z, 1 << 16), Ok(data.clone()));
            // Limits around the size: both accept and refuse alike.
            let limit = data.len().saturating_sub(1) + slack;
            prop_assert_eq!(inflate_zlib(&z, limit).ok(), miniz(&z, limit));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]

        #[test]
        fn agrees_with_miniz_on_damaged_streams(
            data in data(),
            level in 0u8..=10,
            flips in prop::collection::vec((any::<prop::sample::Index>(), 0u8..8), 0..4),
            cut in prop::option::weighted(0.2, any::<prop::sample::Index>()),
            slack in 0usize..3,
        ) {
            let mut z = miniz_oxide::deflate::compress_to_vec_zlib(&data, level);
            for (at, bit) in flips {
                let i = at.index(z.len());
                z[i] ^= 1 << bit;
            }
            if let Some(cut) = cut {
                z.truncate(cut.index(z.len() + 1));
            }
            let limit = data.len().saturating_sub(1) + slack;
            // Never panics; accepted and refused alike, and the same bytes
            // when accepted: nothing looser or stricter than miniz_oxide.
            prop_assert_eq!(inflate_zlib(&z, limit).ok(), miniz(&z, limit));
        }

        #[test]
        fn never_panics_on_noise(data in prop::collection::vec(any::<u8>(), 0..300)) {
            let mut z = vec![0x78, 0x9C];
            z.extend_from_slice(&data);
            let _ = inflate_zlib(&z, 1000);
        }
    }
}
