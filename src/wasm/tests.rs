//! Boundary tests, run by wasm-bindgen-test in Node and in headless Chromium.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use super::client::TimClient;
use super::{decode_standard_mark, encode_standard_mark, is_tim_error};

fn prop(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn js(src: &str) -> JsValue {
    Function::new_no_args(&format!("return ({src});"))
        .call0(&JsValue::NULL)
        .unwrap()
}

fn client(fetch: &JsValue, user_sig: &str) -> TimClient {
    let options = js(&format!(
        "{{ sdkAppId: 1400000000, identifier: 'administrator', baseUrl: 'https://example.test',
            userSig: () => Promise.resolve('{user_sig}') }}"
    ));
    Reflect::set(&options, &"fetch".into(), fetch).unwrap();
    TimClient::new(options).unwrap()
}

/// A fetch stub that records calls on `globalThis.__calls` and answers `body`.
fn stub(body: &str) -> JsValue {
    js(&format!(
        "(() => {{ globalThis.__calls = []; return async (url, init) => {{
            globalThis.__calls.push({{ url, init }});
            return new Response({body:?}, {{ status: 200 }});
        }}; }})()"
    ))
}

fn calls() -> u32 {
    js("globalThis.__calls.length").as_f64().unwrap() as u32
}

#[wasm_bindgen_test]
fn marks_cross_as_bigint() {
    let m = decode_standard_mark(&format!("1{}", "0".repeat(63))).unwrap();
    let value = prop(&m, "value");
    assert!(value.is_bigint());
    assert_eq!(
        js_sys::BigInt::from(value).to_string(10).unwrap(),
        "9223372036854775808"
    );
    assert_eq!(
        js_sys::Array::from(&prop(&m, "custom")).get(0).as_f64(),
        Some(63.0)
    );
    assert_eq!(prop(&m, "star").as_bool(), Some(false));
    let back = encode_standard_mark(js("{ value: 9223372036854775808n, star: true }")).unwrap();
    assert_eq!(back, format!("1{}1", "0".repeat(62)));
}

#[wasm_bindgen_test]
fn codec_errors_are_tim_errors() {
    let err = decode_standard_mark("102").unwrap_err();
    assert!(is_tim_error(&err));
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(prop(&err, "name").as_string().as_deref(), Some("TimError"));
    assert_eq!(
        prop(&err, "kind").as_string().as_deref(),
        Some("invalid_input")
    );
    assert_eq!(prop(&err, "field").as_string().as_deref(), Some("bits"));
    let err = encode_standard_mark(js("{ custom: [12] }")).unwrap_err();
    assert_eq!(
        prop(&err, "field").as_string().as_deref(),
        Some("custom[0]")
    );
    let err = encode_standard_mark(js("{ stars: true }")).unwrap_err();
    assert_eq!(
        prop(&err, "kind").as_string().as_deref(),
        Some("invalid_input")
    );
    assert!(!is_tim_error(&js("new Error('x')")));
}

#[wasm_bindgen_test]
fn constructor_names_the_bad_option() {
    let err = TimClient::new(js("{ sdkAppId: 1, identifier: 'admin', region: 'china' }"))
        .err()
        .unwrap();
    assert_eq!(prop(&err, "field").as_string().as_deref(), Some("userSig"));
    let err = TimClient::new(js(
        "{ sdkAppId: 1, identifier: 'admin', userSig: () => 'x', region: 'mars' }",
    ))
    .err()
    .unwrap();
    assert_eq!(prop(&err, "field").as_string().as_deref(), Some("region"));
    let err = TimClient::new(js(
        "{ sdkAppId: 1, identifier: 'admin', userSig: () => 'x', baseUrl: 'http://example.com' }",
    ))
    .err()
    .unwrap();
    assert_eq!(prop(&err, "field").as_string().as_deref(), Some("baseUrl"));
}

#[wasm_bindgen_test]
async fn request_goes_through_the_given_fetch() {
    let fetch = stub(
        r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","SessionItem":[{"Type":1,"To_Account":"bob","MsgTime":5,"TopFlag":1,"StandardMark":"10"}],"CompleteFlag":1,"TimeStamp":5,"StartIndex":1,"TopTimeStamp":0,"TopStartIndex":0}"#,
    );
    let c = client(&fetch, "SIG*abc");
    let page = JsFuture::from(c.get_list(js("{ fromAccount: 'alice' }")))
        .await
        .unwrap();
    assert_eq!(calls(), 1);
    let url = js("globalThis.__calls[0].url").as_string().unwrap();
    assert!(url.starts_with("https://example.test/v4/recentcontact/get_list?sdkappid=1400000000&identifier=administrator&usersig=SIG*abc&random="), "{url}");
    assert!(url.ends_with("&contenttype=json"));
    let body = js("globalThis.__calls[0].init.body").as_string().unwrap();
    assert_eq!(
        body,
        r#"{"From_Account":"alice","TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0,"AssistFlags":63}"#
    );
    let item = js_sys::Array::from(&prop(&page, "items")).get(0);
    assert_eq!(
        prop(&prop(&item, "conversation"), "type")
            .as_string()
            .as_deref(),
        Some("c2c")
    );
    assert_eq!(
        prop(&prop(&item, "conversation"), "userId")
            .as_string()
            .as_deref(),
        Some("bob")
    );
    assert_eq!(prop(&prop(&item, "marks"), "unread").as_bool(), Some(true));
    assert!(prop(&prop(&item, "marks"), "value").is_bigint());
    assert_eq!(
        prop(&prop(&page, "nextCursor"), "startIndex").as_f64(),
        Some(1.0)
    );
}

#[wasm_bindgen_test]
async fn bad_input_is_rejected_before_fetch() {
    let fetch = stub("{}");
    let c = client(&fetch, "SIG");
    let err = JsFuture::from(
        c.search_contact_group(js("{ fromAccount: 'a', conversations: [{ type: 'c2c' }] }")),
    )
    .await
    .unwrap_err();
    assert_eq!(calls(), 0);
    assert_eq!(
        prop(&err, "kind").as_string().as_deref(),
        Some("invalid_input")
    );
    assert_eq!(
        prop(&err, "field").as_string().as_deref(),
        Some("conversations[0].userId")
    );
    assert_eq!(
        prop(&err, "endpoint").as_string().as_deref(),
        Some("v4/recentcontact/search_contact_group")
    );
}

#[wasm_bindgen_test]
async fn api_errors_keep_the_usersig_out() {
    let fetch = stub(
        r#"{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"UserSig expired","ErrorDisplay":""}"#,
    );
    let c = client(&fetch, "TOPSECRETSIG");
    let err = JsFuture::from(c.sns_group_get(js("{ fromAccount: 'a' }")))
        .await
        .unwrap_err();
    assert_eq!(prop(&err, "code").as_f64(), Some(70001.0));
    assert_eq!(prop(&err, "kind").as_string().as_deref(), Some("api"));
    assert!(prop(&err, "random").as_f64().is_some());
    let all: Promise = js("(e) => Promise.resolve(String(e) + JSON.stringify(e) + e.stack)")
        .unchecked_into::<Function>()
        .call1(&JsValue::NULL, &err)
        .unwrap()
        .unchecked_into();
    let text = JsFuture::from(all).await.unwrap().as_string().unwrap();
    assert!(!text.contains("TOPSECRETSIG"), "{text}");
}
