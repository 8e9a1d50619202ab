//! The `reqwest` feature end to end: one `native::client` (reqwest transport,
//! tokio clock, OS entropy, UserSigs minted from the SecretKey) shared by many
//! tasks of a multi-threaded tokio runtime, against the in-process emulator.
//! Compiling `tokio::spawn` of the client's futures is itself the proof that
//! they are `Send`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::TryStreamExt;
use tim_contacts::model::{
    ConversationRef, CreateContactGroupRequest, GetContactGroupRequest, GetListRequest,
};
use tim_contacts::native::NativeClient;
use tim_contacts::{ClientConfig, ErrorKind};

use common::{big_seed, start, ADMIN, APP_ID};

const TASKS: usize = 32;
/// Tasks that also create a conversation group (a user has at most 20).
const WRITERS: usize = 8;

fn native_client(base_url: String) -> NativeClient {
    let config = ClientConfig::builder(APP_ID, ADMIN)
        .base_url(base_url)
        .build()
        .unwrap();
    tim_contacts::native::client(config, tim_emulator::usersig::SAMPLE_SECRET_KEY).unwrap()
}

#[test]
fn many_tasks_share_one_client_on_a_multi_threaded_runtime() {
    let running = start(big_seed(120), |c| c.get_list_page_size = 25);
    let client = Arc::new(native_client(running.base_url()));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let (groups, listed) = rt.block_on(async {
        let mut tasks = Vec::new();
        for i in 0..TASKS {
            let client = Arc::clone(&client);
            tasks.push(tokio::spawn(async move {
                // Some tasks write (each its own group); every one lists it all.
                let name = (i < WRITERS).then(|| format!("g{i:02}"));
                if let Some(name) = &name {
                    let created = client
                        .create_contact_group(&CreateContactGroupRequest {
                            from_account: "user_0001".into(),
                            group_name: name.clone(),
                            conversations: vec![ConversationRef::c2c("user_0002")],
                        })
                        .await?;
                    assert!(created.results.iter().all(|r| r.ok), "{created:?}");
                }
                let req = GetListRequest {
                    from_account: "user_0001".into(),
                    ..Default::default()
                };
                let items: Vec<_> = client
                    .items(client.list_conversations(req), Default::default())
                    .try_collect()
                    .await?;
                Ok::<_, tim_contacts::Error>((name, items.len()))
            }));
        }
        let mut groups = BTreeSet::new();
        let mut listed = BTreeSet::new();
        for t in tasks {
            let (name, n) = t.await.expect("task").unwrap();
            groups.extend(name);
            listed.insert(n);
        }
        (groups, listed)
    });
    assert_eq!(groups.len(), WRITERS);
    // Every task walked the whole list (5 pages of 25) and saw the same count.
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(*listed.iter().next().unwrap() >= 100, "{listed:?}");
    // The groups are all there, read through the stream of pages.
    let pages: Vec<_> = rt
        .block_on(
            client
                .pages(
                    tim_contacts::paging::ContactGroupPager::new("user_0001", 0),
                    Default::default(),
                )
                .try_collect::<Vec<_>>(),
        )
        .unwrap();
    let seen: BTreeSet<String> = pages
        .iter()
        .flat_map(|p| p.groups.iter().map(|g| g.name.clone()))
        .collect();
    assert!(groups.is_subset(&seen), "{seen:?}");
    // One rate limiter served every task.
    assert!(client.rate_limiter().is_some());
    drop(rt);
    running.shutdown();
}

#[test]
fn errors_keep_their_cause_and_say_whether_to_retry() {
    let running = start(big_seed(1), |_| {});
    let base = running.base_url();
    running.shutdown(); // nothing listens there any more
    let config = ClientConfig::builder(APP_ID, ADMIN)
        .base_url(base)
        .timeout_ms(2_000)
        .build()
        .unwrap();
    let client = tim_contacts::native::client(config, tim_emulator::usersig::SAMPLE_SECRET_KEY)
        .unwrap()
        .with_retry(tim_contacts::retry::RetryPolicy::none());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let e = rt
        .block_on(client.get_contact_group(&GetContactGroupRequest {
            from_account: "user_0001".into(),
            start_index: None,
        }))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert!(e.not_sent(), "{e:?}");
    let source = std::error::Error::source(&e).expect("the transport's error");
    assert!(source.to_string().contains("connect"), "{source}");
    assert!(!e.to_string().contains("usersig="), "{e}");
}
