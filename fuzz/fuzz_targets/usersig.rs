//! The UserSig decoder and verifier on arbitrary input: no panic, no hang.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tim_contacts::usersig;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    if let Ok(info) = usersig::decode(&s) {
        assert_eq!(info.expires_at, info.time.saturating_add(info.expire));
    }
    let _ = usersig::verify(&s, "key", 1_400_000_000, "administrator", 1_700_000_000);
});
