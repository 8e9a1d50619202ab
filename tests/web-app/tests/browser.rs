//! tim-contacts in a Rust wasm app (feature `web`, not `js`), in headless
//! Chromium: the public `web::client` (fetch transport, JS clock, crypto
//! entropy) against the emulator at `EMULATOR_URL` (read when this is
//! compiled; scripts/ci/web-app-chromium starts the emulator and sets it).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use futures_util::TryStreamExt;
use tim_contacts::model::{GetListRequest, SnsGroupGetRequest};
use tim_contacts::transport::FnSigner;
use tim_contacts::web::{CryptoEntropy, FetchTransport, JsClock};
use tim_contacts::{CallOptions, Client, ClientConfig, ErrorKind};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The emulator's URL, fixed at compile time (the test runs in a browser).
fn emulator_url() -> &'static str {
    option_env!("EMULATOR_URL").unwrap_or_else(|| {
        panic!(
            "EMULATOR_URL was not set when this was compiled (scripts/ci/web-app-chromium sets it)"
        )
    })
}
const APP: u32 = 1_400_000_000;
const ADMIN: &str = "administrator";
/// The emulator's sample SecretKey (emulator/src/usersig.rs). A real app
/// asks its backend for UserSigs instead: the key never ships to a browser.
const SAMPLE_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

fn now_s() -> u32 {
    (js_sys::Date::now() / 1000.0) as u32
}

fn config(url: &str) -> ClientConfig {
    ClientConfig::builder(APP, ADMIN)
        .base_url(url)
        .build()
        .unwrap()
}

type Signer = FnSigner<fn(&str) -> std::future::Ready<Result<String, String>>>;

fn signer() -> Signer {
    FnSigner(|id: &str| {
        std::future::ready(Ok(tim_contacts::usersig::generate(
            SAMPLE_KEY,
            APP,
            id,
            now_s(),
            3600,
        )))
    })
}

#[wasm_bindgen_test]
async fn lists_every_conversation_through_fetch() {
    assert!(CryptoEntropy::available());
    let client = tim_contacts::web::client(config(emulator_url()), signer());
    let req = GetListRequest {
        from_account: "alice".into(),
        ..Default::default()
    };
    let page = client.get_list(&req).await.unwrap();
    assert!(!page.items.is_empty());
    let all: Vec<_> = client
        .items(client.list_conversations(req), CallOptions::new())
        .try_collect()
        .await
        .unwrap();
    assert!(all.len() >= page.items.len());
    let groups = client
        .sns_group_get(&SnsGroupGetRequest {
            from_account: "alice".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let _ = groups.current_sequence;
}

#[wasm_bindgen_test]
async fn an_api_error_and_an_unreachable_host_are_typed() {
    let client = tim_contacts::web::client(config(emulator_url()), signer());
    let e = client
        .del_contact_group(&tim_contacts::model::DelContactGroupRequest {
            from_account: "alice".into(),
            group_name: "no such group".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.code(), Some(51009));

    // Nothing listens on port 9: the fetch fails, with a short timeout and no retries.
    let down = Client::new(
        ClientConfig::builder(APP, ADMIN)
            .base_url("http://127.0.0.1:9")
            .timeout_ms(3_000)
            .build()
            .unwrap(),
        FetchTransport::default(),
        signer(),
        CryptoEntropy::default(),
    )
    .with_clock(JsClock)
    .with_retry(tim_contacts::retry::RetryPolicy::none());
    let e = down
        .sns_group_get(&SnsGroupGetRequest {
            from_account: "alice".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Transport | ErrorKind::Timeout),
        "{e:?}"
    );
    assert!(std::error::Error::source(&e).is_some(), "{e:?}");
}
