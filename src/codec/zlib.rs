//! Writing zlib (RFC 1950) without compressing: the data as stored deflate
//! blocks, and the Adler-32 checksum a zlib stream ends with (the inflater
//! checks it too).

/// `data` as a zlib stream of stored (uncompressed) deflate blocks.
///
/// The UserSig spec (§6.3) makes no promise about the compressed bytes:
/// servers and every official library read a UserSig with a standard
/// inflater, which takes stored blocks like any other. A ~200-byte ticket
/// gets ~30% longer than at level 6; in return no deflate encoder ships in
/// the package (about 6 KB gzip of wasm).
pub(crate) fn stored(data: &[u8]) -> Vec<u8> {
    const MAX_BLOCK: usize = 0xFFFF;
    let blocks = data.len().div_ceil(MAX_BLOCK).max(1);
    let mut out = Vec::with_capacity(data.len() + 5 * blocks + 6);
    // CMF: deflate, 32 KiB window; FLG: fastest level, no dictionary, FCHECK
    // making 0x7801 a multiple of 31.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut chunks = data.chunks(MAX_BLOCK).peekable();
    if chunks.peek().is_none() {
        // An empty input is one empty final block.
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        // `chunk.len()` is at most 0xFFFF.
        let len = chunk.len() as u16;
        out.push(u8::from(last));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// The Adler-32 checksum zlib ends a stream with.
pub(crate) fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before `b` could overflow.
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zlib_stored_blocks_inflate_back() {
        for n in [0usize, 1, 200, 0xFFFF, 0xFFFF + 1, 150_000] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 % 251) as u8).collect();
            let z = stored(&data);
            assert_eq!(u16::from_be_bytes([z[0], z[1]]) % 31, 0, "FCHECK");
            let back = miniz_oxide::inflate::decompress_to_vec_zlib(&z).unwrap();
            assert_eq!(back, data, "{n} bytes");
        }
        // zlib's own checksum of a known text.
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }
}
