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
    let m = decode_standard_mark(JsValue::from_str(&format!("1{}", "0".repeat(63)))).unwrap();
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
    let err = decode_standard_mark(JsValue::from_str("102")).unwrap_err();
    assert!(is_tim_error(err.clone()));
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
    assert!(!is_tim_error(js("new Error('x')")));
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
    let page = JsFuture::from(c.get_list(js("{ fromAccount: 'alice' }"), None))
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
    let err = JsFuture::from(c.search_contact_group(
        js("{ fromAccount: 'a', conversations: [{ type: 'c2c' }] }"),
        None,
    ))
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
    let err = JsFuture::from(c.sns_group_get(js("{ fromAccount: 'a' }"), None))
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

/// A fetch that answers get_list pages: `pages` items of one conversation
/// each, numbered, the cursor's startIndex = page number.
/// Counts its calls in `globalThis[name]` (tests run interleaved).
fn paging_stub(pages: u32, name: &str) -> JsValue {
    js(&format!(
        "(() => {{ globalThis.{name} = []; return async (url, init) => {{
            globalThis.{name}.push({{ url, init }});
            const body = JSON.parse(init.body);
            const n = body.StartIndex;
            const done = n + 1 >= {pages};
            return new Response(JSON.stringify({{ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '',
                SessionItem: [{{ Type: 1, To_Account: 'u' + n, MsgTime: 100 - n, TopFlag: 0 }}],
                CompleteFlag: done ? 1 : 0, TimeStamp: 100 - n, StartIndex: n + 1,
                TopTimeStamp: 0, TopStartIndex: 0 }}), {{ status: 200 }});
        }}; }})()"
    ))
}

async fn await_js(p: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(p.unchecked_into::<Promise>()).await
}

#[wasm_bindgen_test]
async fn list_conversations_is_an_async_iterable_with_a_resumable_cursor() {
    let fetch = paging_stub(3, "__pagingCalls");
    let c = client(&fetch, "SIG");
    let list = c.list_conversations("alice".into(), None).unwrap();
    let list: JsValue = list.into();
    // for await works: collect through the protocol in JS.
    let ids = await_js(
        js("async (l) => { const out = []; for await (const c of l) out.push(c.conversation.userId); return out; }")
            .unchecked_into::<Function>()
            .call1(&JsValue::NULL, &list)
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        js_sys::JSON::stringify(&ids).unwrap().as_string().unwrap(),
        r#"["u0","u1","u2"]"#
    );
    assert_eq!(js("globalThis.__pagingCalls.length").as_f64(), Some(3.0));
    assert!(prop(&list, "cursor").is_null());
    // Resume from a saved cursor, with pages() and collect({ limit }).
    let c = client(&paging_stub(3, "__pagingCalls2"), "SIG");
    let list = c
        .list_conversations(
            "alice".into(),
            Some(js("{ cursor: { timeStamp: 99, startIndex: 1 } }")),
        )
        .unwrap();
    let first = await_js(list.collect(Some(js("{ limit: 1 }"))).into())
        .await
        .unwrap();
    assert_eq!(js_sys::Array::from(&first).length(), 1);
    let pages = list.pages();
    let page = await_js(pages.next().into()).await.unwrap();
    assert_eq!(prop(&page, "done").as_bool(), Some(false));
    assert_eq!(
        prop(&prop(&page, "value"), "complete").as_bool(),
        Some(true)
    );
    assert!(prop(&JsValue::from(pages), "cursor").is_null());
}

#[wasm_bindgen_test]
async fn an_aborted_signal_rejects_at_once_and_mid_iteration() {
    let fetch = paging_stub(5, "__abortCalls");
    let c = client(&fetch, "SIG");
    let err = JsFuture::from(c.get_list(
        js("{ fromAccount: 'a' }"),
        Some(js("{ signal: AbortSignal.abort() }")),
    ))
    .await
    .unwrap_err();
    assert!(is_tim_error(err.clone()));
    assert_eq!(prop(&err, "kind").as_string().as_deref(), Some("aborted"));
    assert_eq!(js("globalThis.__abortCalls.length").as_f64(), Some(0.0));
    // Abort after the first page: the next next() rejects, nothing more is fetched.
    let ctl = js("new AbortController()");
    let options = js("({})");
    Reflect::set(&options, &"signal".into(), &prop(&ctl, "signal")).unwrap();
    let list = c.list_conversations("a".into(), Some(options)).unwrap();
    let one = await_js(list.next().into()).await.unwrap();
    assert_eq!(prop(&one, "done").as_bool(), Some(false));
    js("(c) => c.abort()")
        .unchecked_into::<Function>()
        .call1(&JsValue::NULL, &ctl)
        .unwrap();
    let err = await_js(list.next().into()).await.unwrap_err();
    assert_eq!(prop(&err, "kind").as_string().as_deref(), Some("aborted"));
    assert_eq!(js("globalThis.__abortCalls.length").as_f64(), Some(1.0));
    // The cursor still says where to resume.
    assert_eq!(
        prop(&prop(&JsValue::from(list), "cursor"), "startIndex").as_f64(),
        Some(1.0)
    );
}

#[wasm_bindgen_test]
async fn retries_are_reported_on_the_error_and_to_the_hooks() {
    let fetch = js(
        "(() => { globalThis.__calls502 = []; return async (url, init) => {
            globalThis.__calls502.push({ url, init });
            return new Response('bad gateway', { status: 502 });
        }; })()",
    );
    let options = js(
        "{ sdkAppId: 1400000000, identifier: 'administrator', baseUrl: 'https://example.test',
           userSig: () => 'SECRETSIG', retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
           onRequest: (e) => (globalThis.__events ??= []).push(e),
           onRetry: (e) => (globalThis.__retries ??= []).push(e) }",
    );
    Reflect::set(&options, &"fetch".into(), &fetch).unwrap();
    let c = TimClient::new(options).unwrap();
    let err = JsFuture::from(c.get_list(js("{ fromAccount: 'a' }"), None))
        .await
        .unwrap_err();
    assert_eq!(js("globalThis.__calls502.length").as_f64(), Some(3.0));
    assert_eq!(prop(&err, "attempts").as_f64(), Some(3.0));
    assert_eq!(prop(&err, "status").as_f64(), Some(502.0));
    assert_eq!(js_sys::Array::from(&prop(&err, "delaysMs")).length(), 2);
    assert_eq!(js("globalThis.__retries.length").as_f64(), Some(2.0));
    let url = js("globalThis.__events[2].url").as_string().unwrap();
    assert!(
        url.contains("usersig=***") && !url.contains("SECRETSIG"),
        "{url}"
    );
    assert_eq!(js("globalThis.__events[2].attempt").as_f64(), Some(3.0));
}

#[wasm_bindgen_test]
fn gen_and_verify_user_sig() {
    let opts = "{ sdkAppId: 1400000000, secretKey: 'k', identifier: 'admin', time: 1600000000, expire: 100";
    let in_browser = js("typeof window !== 'undefined' && typeof document !== 'undefined'")
        .as_bool()
        .unwrap();
    let plain = super::gen_user_sig(js(&format!("{opts} }}")));
    if in_browser {
        // The SecretKey must not live in a page: refused unless opted in.
        let err = plain.unwrap_err();
        assert!(is_tim_error(err.clone()));
        assert_eq!(
            prop(&err, "field").as_string().as_deref(),
            Some("dangerouslyAllowBrowser")
        );
    } else {
        assert!(plain.is_ok(), "Node and Deno scripts may sign");
    }
    let sig =
        super::gen_user_sig(js(&format!("{opts}, dangerouslyAllowBrowser: true }}"))).unwrap();
    let info = super::verify_user_sig(js(&format!(
        "{{ userSig: '{sig}', sdkAppId: 1400000000, secretKey: 'k', identifier: 'admin', now: 1600000050, dangerouslyAllowBrowser: true }}"
    )))
    .unwrap();
    assert_eq!(prop(&info, "expiresAt").as_f64(), Some(1_600_000_100.0));
    let err = super::verify_user_sig(js(&format!(
        "{{ userSig: '{sig}', sdkAppId: 1400000000, secretKey: 'k', identifier: 'admin', now: 1600000101, dangerouslyAllowBrowser: true }}"
    )))
    .unwrap_err();
    assert_eq!(prop(&err, "code").as_f64(), Some(70001.0));
    assert!(is_tim_error(err.clone()));
}

#[wasm_bindgen_test]
fn a_shared_rate_limiter_is_accepted() {
    let limiter = super::ratelimit::RateLimiter::new(Some(js("{ callsPerSecond: 50 }"))).unwrap();
    assert_eq!(limiter.calls_per_second(), 50);
    let options = js(
        "{ sdkAppId: 1400000000, identifier: 'administrator', baseUrl: 'https://example.test', userSig: () => 'x' }",
    );
    Reflect::set(&options, &"rateLimit".into(), &JsValue::from(limiter)).unwrap();
    assert!(TimClient::new(options).is_ok());
    let err = TimClient::new(js(
        "{ sdkAppId: 1, identifier: 'a', userSig: () => 'x', region: 'china', rateLimit: 'fast' }",
    ))
    .err()
    .unwrap();
    assert_eq!(
        prop(&err, "field").as_string().as_deref(),
        Some("rateLimit")
    );
}

#[wasm_bindgen_test]
fn batch_codec_round_trips_and_names_the_bad_entry() {
    let marks = super::decode_standard_marks(js("['1', '', '1000']")).unwrap();
    let arr = js_sys::Array::from(&marks);
    assert_eq!(arr.length(), 3);
    assert_eq!(prop(&arr.get(0), "star").as_bool(), Some(true));
    assert_eq!(prop(&arr.get(2), "hide").as_bool(), Some(true));
    assert!(prop(&arr.get(1), "value").is_bigint());
    let back = super::encode_standard_marks(marks).unwrap();
    let back = js_sys::Array::from(&back);
    assert_eq!(back.get(0).as_string().as_deref(), Some("1"));
    assert_eq!(back.get(1).as_string().as_deref(), Some(""));
    assert_eq!(back.get(2).as_string().as_deref(), Some("1000"));
    let err = super::decode_standard_marks(js("['1', '12']")).unwrap_err();
    assert_eq!(prop(&err, "field").as_string().as_deref(), Some("bits[1]"));
    let err = super::encode_standard_marks(js("[{}, { custom: [7] }]")).unwrap_err();
    assert_eq!(
        prop(&err, "field").as_string().as_deref(),
        Some("marks[1].custom[0]")
    );
}

#[wasm_bindgen_test]
fn results_cross_on_the_tape_with_javascript_values() {
    use std::collections::BTreeMap;
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Row {
        user_id: String,
        note: Option<String>,
        big: u128,
        neg: i128,
        at: u32,
        ratio: f64,
        tags: BTreeMap<String, Vec<i32>>,
    }
    let rows = vec![
        Row {
            user_id: "管理员😀".into(),
            note: None,
            big: u128::from(u64::MAX),
            neg: -5,
            at: 1_772_612_017,
            ratio: -0.25,
            tags: [("ключ".to_owned(), vec![-1, 0, 1 << 29])].into(),
        },
        Row {
            user_id: "after the surrogate pair".into(),
            note: Some("\"quoted\"\n".into()),
            big: 0,
            neg: 0,
            at: 0,
            ratio: 1e300,
            tags: BTreeMap::new(),
        },
    ];
    let v = super::convert::to_js(&rows).unwrap();
    let text = js("(v) => JSON.stringify(v, (_k, x) => typeof x === 'bigint' ? `${x}n` : x === undefined ? '<undefined>' : x)")
        .unchecked_into::<Function>()
        .call1(&JsValue::NULL, &v)
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(
        text,
        r#"[{"userId":"管理员😀","note":"<undefined>","big":"18446744073709551615n","neg":"-5n","at":1772612017,"ratio":-0.25,"tags":{"ключ":[-1,0,536870912]}},{"userId":"after the surrogate pair","note":"\"quoted\"\n","big":"0n","neg":"0n","at":0,"ratio":1e+300,"tags":{}}]"#
    );
    // `None` is an own property holding `undefined`, as serde-wasm-bindgen wrote it.
    let first = js_sys::Array::from(&v).get(0);
    assert!(Reflect::has(&first, &"note".into()).unwrap());
    assert!(prop(&first, "big").is_bigint());
}

#[wasm_bindgen_test]
fn marks_inputs_read_the_same_with_or_without_json() {
    use super::marks_in::{marks_input_by_json, marks_input_by_words};
    // Plain shapes: the word path applies and reads what the JSON path reads.
    for src in [
        "{}",
        "{ star: true }",
        "{ star: false, unread: true, fold: true, hide: false }",
        "{ custom: [] }",
        "{ custom: [32, 63, 40], hide: true }",
        "{ value: 0n }",
        "{ value: 18446744073709551615n, star: true }",
        "{ value: 4294967296n, custom: [33], fold: undefined }",
        "{ star: true, value: 9n, custom: [0, 255] }",
    ] {
        let words = marks_input_by_words(&js(src));
        assert!(words.is_some(), "the word path should take {src}");
        assert_eq!(words, marks_input_by_json(js(src)).ok(), "{src}");
    }
    // Anything else goes the JSON path (which accepts or names the field).
    for src in [
        "null",
        "[]",
        "'star'",
        "{ star: 1 }",
        "{ star: null }",
        "{ value: 5 }",
        "{ value: '5' }",
        "{ value: -1n }",
        "{ value: 18446744073709551616n }",
        "{ custom: [32.5] }",
        "{ custom: [256] }",
        "{ custom: '32' }",
        "{ stars: true }",
        "{ toJSON() { return {}; } }",
        "Object.assign(Object.create({ inherited: 1 }), { star: true, toString: 1 })",
        // Shapes JSON.stringify would read differently (found in review).
        "new Number(5)",
        "new Boolean(true)",
        "Object(1n)",
        "{ custom: Object.assign([40], { toJSON: () => [41] }) }",
        "{ custom: new (class extends Array {})(40) }",
    ] {
        assert_eq!(marks_input_by_words(&js(src)), None, "{src}");
    }
    // A getter that throws is a TimError, and the module keeps working.
    for _ in 0..3000 {
        let err = super::encode_standard_mark(js("{ get star() { throw new RangeError('x'); } }"))
            .unwrap_err();
        assert_eq!(
            prop(&err, "kind").as_string().as_deref(),
            Some("invalid_input")
        );
    }
    let err = super::encode_standard_marks(js("[{ get star() { throw new RangeError('x'); } }]"))
        .unwrap_err();
    assert_eq!(
        prop(&err, "kind").as_string().as_deref(),
        Some("invalid_input")
    );
    assert_eq!(
        super::encode_standard_mark(js("{ hide: true }")).unwrap(),
        "1000"
    );
    // A list with its own iterator or toJSON is read as JSON reads it.
    let list = js("Object.assign([{ star: true }], { toJSON: () => [{ unread: true }] })");
    let strings = js_sys::Array::from(&super::encode_standard_marks(list).unwrap());
    assert_eq!(strings.get(0).as_string().as_deref(), Some("10"));
    let list = js("Object.assign([{ star: true }], { [Symbol.iterator]: function* () { yield { hide: true }; } })");
    let strings = js_sys::Array::from(&super::encode_standard_marks(list).unwrap());
    assert_eq!(strings.get(0).as_string().as_deref(), Some("1"));
    // The encode functions give the same strings and errors either way.
    assert_eq!(
        super::encode_standard_mark(js("{ star: true, custom: [32] }")).unwrap(),
        super::encode_standard_mark(js(
            "{ star: true, custom: [32], value: undefined, hide: null }"
        ))
        .unwrap()
    );
    let err = super::encode_standard_mark(js("{ custom: [31] }")).unwrap_err();
    assert_eq!(
        prop(&err, "field").as_string().as_deref(),
        Some("custom[0]")
    );
    let err = super::encode_standard_mark(js("{ star: 'yes' }")).unwrap_err();
    assert_eq!(prop(&err, "field").as_string().as_deref(), Some("star"));
}
