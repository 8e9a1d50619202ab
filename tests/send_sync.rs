//! Compile-time proof that, natively, the client, its parts and the futures
//! and streams of its calls are `Send` (and the client `Sync`), so one
//! `Arc<Client>` serves every task of a multi-threaded runtime. (In wasm32
//! nothing asks for `Send`: the JS layer's parts are not.) A regression
//! (an `Rc`, a `RefCell`, a non-`Send` hook) fails to build this file.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::sync::Arc;

use tim_contacts::model::{
    GetListRequest, MarkContactRequest, SearchContactGroupRequest, SnsGroupGetRequest,
};
use tim_contacts::transport::{
    Clock, Entropy, HttpRequest, HttpResponse, StaticSigner, Transport, TransportError,
};
use tim_contacts::{CallOptions, Client, ClientConfig};

fn send<T: Send>(_: &T) {}
fn send_sync<T: Send + Sync>(_: &T) {}
fn send_future<F: Future + Send>(f: F) -> F {
    f
}

struct T;
impl Transport for T {
    async fn send(&self, _: &HttpRequest) -> Result<HttpResponse, TransportError> {
        Err(TransportError::Aborted)
    }
}
struct E;
impl Entropy for E {
    fn random_u32(&self) -> u32 {
        1
    }
}
struct K;
impl Clock for K {
    fn now_ms(&self) -> u64 {
        0
    }
    async fn sleep(&self, _: u32) {}
}

fn config() -> ClientConfig {
    ClientConfig::builder(1_400_000_000, "administrator")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap()
}

#[test]
fn the_client_and_its_futures_are_send_and_sync() {
    let plain = Client::new(config(), T, StaticSigner("sig".into()), E);
    send_sync(&plain);
    let robust = Arc::new(
        Client::new(config(), T, StaticSigner("sig".into()), E)
            .with_clock(K)
            .with_observer(None),
    );
    send_sync(&robust);
    let get = GetListRequest::default();
    drop(send_future(robust.get_list(&get)));
    drop(send_future(
        robust.sns_group_get(&SnsGroupGetRequest::default()),
    ));
    let opts = CallOptions::new().cancel(|| false);
    send(&opts);
    let search = SearchContactGroupRequest::default();
    drop(send_future(
        robust.search_contact_group_with(&search, &opts),
    ));
    let marks = MarkContactRequest::default();
    drop(send_future(robust.mark_contact_with(&marks, &opts)));
    let items = robust.items(robust.list_conversations(get.clone()), CallOptions::new());
    send(&items);
    let pages = robust.pages(
        tim_contacts::paging::ConversationPager::new(get),
        CallOptions::new(),
    );
    send(&pages);
    // Spawnable on another thread, as tokio::spawn needs.
    let c = Arc::clone(&robust);
    std::thread::spawn(move || {
        let r = futures::executor::block_on(c.sns_group_get(&SnsGroupGetRequest::default()));
        assert!(r.is_err());
    })
    .join()
    .unwrap();
}

#[cfg(feature = "reqwest")]
#[test]
fn the_native_client_is_send_and_sync() {
    let c = tim_contacts::native::client(config(), "key").unwrap();
    send_sync(&c);
    drop(send_future(c.get_list(&GetListRequest::default())));
}
