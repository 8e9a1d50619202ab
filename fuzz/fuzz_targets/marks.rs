//! The mark codec on arbitrary input: no panic; accepted strings round-trip.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tim_contacts::marks::{decode_standard_mark, format_standard_mark, parse_standard_mark};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match decode_standard_mark(s) {
        Ok(m) => {
            assert!(s.len() <= 64 && s.bytes().all(|b| b == b'0' || b == b'1'));
            let canonical = format_standard_mark(m.value);
            assert_eq!(parse_standard_mark(&canonical, "x").ok(), Some(m.value));
        }
        Err(e) => assert_eq!(e.field(), Some("bits")),
    }
});
