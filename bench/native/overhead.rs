//! Native per-call overhead (feature `reqwest`): the client's `sns_group_get`
//! (validate, sign from the cache, build the URL, send through reqwest, read
//! the envelope and the typed answer, retry bookkeeping) against a bare
//! reqwest POST of the same body plus `serde_json::from_slice` into a
//! `Value`, on the same in-process emulator, in the same process, alternating
//! rounds. Prints microseconds per call and the ratio client / bare.
//!
//! ```sh
//! cargo bench --features reqwest --bench native_overhead
//! ```
//! (`CALLS=n` changes the calls per round, default 2000.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use tim_contacts::model::SnsGroupGetRequest;
use tim_contacts::ClientConfig;
use tim_emulator::{seedgen, usersig, Config};

const APPID: u32 = 1_400_000_000;
const ADMIN: &str = "administrator";
const ROUNDS: usize = 5;

fn main() {
    let calls: usize = std::env::var("CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let seed = seedgen::generate(&seedgen::GenOptions {
        users: 1,
        conversations: 10,
        seed: 7,
        demo: false,
        ..Default::default()
    });
    let running = tim_emulator::start(Config {
        seed,
        log: false,
        // Pacing is not what is measured: neither side is throttled.
        rate_limit: 1_000_000,
        ..Config::default()
    })
    .expect("emulator");
    let base = running.base_url();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let config = ClientConfig::builder(APPID, ADMIN)
        .base_url(base.clone())
        .build()
        .unwrap();
    let client = tim_contacts::native::client(config, usersig::SAMPLE_SECRET_KEY)
        .unwrap()
        .with_rate_limiter(None);
    let req = SnsGroupGetRequest {
        from_account: "user_0001".into(),
        ..Default::default()
    };

    // The bare baseline: one reqwest client, a UserSig minted once, the body as the client sends it.
    let http = reqwest::Client::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let sig = usersig::gen_usersig(
        usersig::SAMPLE_SECRET_KEY,
        u64::from(APPID),
        ADMIN,
        now,
        86_400,
    );
    let body = r#"{"From_Account":"user_0001"}"#;
    let mut random = 0u32;

    let mut client_us = Vec::new();
    let mut bare_us = Vec::new();
    rt.block_on(async {
        // Warm-up: connections, the UserSig cache.
        for _ in 0..50 {
            client.sns_group_get(&req).await.unwrap();
        }
        for _ in 0..ROUNDS {
            let t = Instant::now();
            for _ in 0..calls {
                let r = client.sns_group_get(&req).await.unwrap();
                std::hint::black_box(r);
            }
            client_us.push(t.elapsed().as_secs_f64() * 1e6 / calls as f64);

            let t = Instant::now();
            for _ in 0..calls {
                random = random.wrapping_add(1);
                let url = format!(
                    "{base}/v4/sns/group_get?sdkappid={APPID}&identifier={ADMIN}&usersig={sig}&random={random}&contenttype=json"
                );
                let resp = http
                    .post(&url)
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status().as_u16(), 200);
                let bytes = resp.bytes().await.unwrap();
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(v["ErrorCode"], 0, "{v}");
                std::hint::black_box(v);
            }
            bare_us.push(t.elapsed().as_secs_f64() * 1e6 / calls as f64);
        }
    });
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (c, b) = (median(&mut client_us), median(&mut bare_us));
    println!("native per-call, {calls} calls x {ROUNDS} rounds (median round):");
    println!("  bare reqwest + serde_json::Value: {b:8.1} us/call");
    println!("  tim-contacts native client:       {c:8.1} us/call");
    println!("  ratio client / bare:              {:8.3}", c / b);
    println!("  overhead:                         {:8.1} us/call", c - b);
    drop(rt);
    running.shutdown();
}
