//! Every answer parser on arbitrary bodies: no panic; failures are typed.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tim_contacts::api::{parse_response, Command};
use tim_contacts::model::*;
use tim_contacts::transport::HttpResponse;
use tim_contacts::ErrorKind;

fn check<C: Command>(cmd: &C, resp: &HttpResponse) {
    if let Err(e) = parse_response(cmd, resp) {
        assert!(matches!(
            e.kind(),
            ErrorKind::Transport | ErrorKind::Decode | ErrorKind::Api
        ));
    }
}

fuzz_target!(|data: &[u8]| {
    let resp = HttpResponse {
        status: 200,
        body: data.to_vec(),
    };
    let a = || "alice".to_string();
    let b = || ConversationRef::c2c("bob");
    check(
        &GetListRequest {
            from_account: a(),
            ..Default::default()
        },
        &resp,
    );
    check(
        &GetContactGroupRequest {
            from_account: a(),
            start_index: None,
        },
        &resp,
    );
    check(
        &SearchContactGroupRequest {
            from_account: a(),
            conversations: vec![b()],
        },
        &resp,
    );
    check(
        &UpdateContactGroupRequest {
            from_account: a(),
            group_name: "g".into(),
            add: vec![b()],
            ..Default::default()
        },
        &resp,
    );
    check(
        &CreateContactGroupRequest {
            from_account: a(),
            group_name: "g".into(),
            conversations: vec![b()],
        },
        &resp,
    );
    check(
        &DelContactGroupRequest {
            from_account: a(),
            group_name: "g".into(),
        },
        &resp,
    );
    check(
        &MarkContactRequest {
            from_account: a(),
            items: vec![MarkChange {
                conversation: b(),
                set: vec![MarkName::Custom(40)],
                clear: vec![],
                custom_mark: None,
                target: None,
            }],
        },
        &resp,
    );
    check(
        &DeleteContactRequest {
            from_account: a(),
            conversation: b(),
            clear_ramble: None,
        },
        &resp,
    );
    check(
        &SnsGroupGetRequest {
            from_account: a(),
            ..Default::default()
        },
        &resp,
    );
    check(
        &SnsGroupAddRequest {
            from_account: a(),
            group_names: vec!["g".into()],
            friends: vec!["b".into()],
        },
        &resp,
    );
    check(
        &SnsGroupDeleteRequest {
            from_account: a(),
            group_names: vec!["g".into()],
        },
        &resp,
    );
});
