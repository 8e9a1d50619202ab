//! The native client (feature `reqwest`): one client shared by tokio tasks.
//!
//! ```sh
//! cargo run --example native --features reqwest -- http://127.0.0.1:PORT
//! ```
//!
//! With no URL it calls the Singapore region; the SecretKey comes from
//! `TIM_SECRET_KEY` (default: the emulator's sample key), the SDKAppID from
//! `TIM_SDKAPPID` (default 1400000000), the admin from `TIM_IDENTIFIER`.
#![allow(clippy::expect_used)]

use std::sync::Arc;

use futures::TryStreamExt;
use tim_contacts::model::GetListRequest;
use tim_contacts::{ClientConfig, Region};

/// The emulator's sample SecretKey (emulator/src/usersig.rs), for local runs.
const SAMPLE_SECRET_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

#[tokio::main]
async fn main() -> Result<(), tim_contacts::Error> {
    let env = |k: &str| std::env::var(k).ok();
    let sdk_app_id = env("TIM_SDKAPPID")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_400_000_000);
    let admin = env("TIM_IDENTIFIER").unwrap_or_else(|| "administrator".into());
    let key = env("TIM_SECRET_KEY").unwrap_or_else(|| SAMPLE_SECRET_KEY.into());
    let builder = ClientConfig::builder(sdk_app_id, admin);
    let config = match std::env::args().nth(1) {
        Some(url) => builder.base_url(url),
        None => builder.region(Region::Singapore),
    }
    .build()?;
    let client = Arc::new(tim_contacts::native::client(config, &key)?);

    let mut tasks = Vec::new();
    for user in ["user_0001", "user_0002", "user_0003"] {
        let client = Arc::clone(&client);
        tasks.push(tokio::spawn(async move {
            let req = GetListRequest {
                from_account: user.into(),
                ..Default::default()
            };
            let all: Vec<_> = client
                .items(client.list_conversations(req), Default::default())
                .try_collect()
                .await?;
            Ok::<_, tim_contacts::Error>((user, all))
        }));
    }
    for t in tasks {
        let (user, all) = t.await.expect("the task ran")?;
        let pinned = all.iter().filter(|c| c.pinned).count();
        println!("{user}: {} conversations, {pinned} pinned", all.len());
    }
    Ok(())
}
