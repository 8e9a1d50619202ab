//! Every answer parser on arbitrary bodies: no panic; failures are typed.
//! The commands come from the crate's one table (`tim_contacts::api::COMMANDS`),
//! so a new command is fuzzed without an edit here.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tim_contacts::api::COMMANDS;
use tim_contacts::transport::HttpResponse;
use tim_contacts::ErrorKind;

fuzz_target!(|data: &[u8]| {
    let resp = HttpResponse {
        status: 200,
        body: data.to_vec(),
    };
    for c in COMMANDS {
        if let Err(e) = (c.parse_example)(&resp) {
            assert!(matches!(
                e.kind(),
                ErrorKind::Transport | ErrorKind::Decode | ErrorKind::Api
            ));
        }
    }
});
