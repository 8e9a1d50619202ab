//! The client: configuration, signing and one generic [`Client::execute`].
//!
//! A call runs in phase order: validate and build the body (nothing sent on
//! failure), get a UserSig (from the cache or the [`Signer`]), take a token
//! from the rate limiter, draw `random`, send through the [`Transport`], then
//! read the answer; on a transient failure, wait ([`crate::retry`]) and go
//! again. Every error carries the endpoint, the `random` of its last request
//! and the number of attempts ([`Error::attempts`]); the [`Observer`] hooks
//! see every attempt, with the UserSig redacted.
//!
//! Batches larger than one call are chunked ([`crate::ChunkOptions`]) and listings
//! are walked page by page ([`crate::paging`]).

mod attempt;
mod batch;
mod config;
mod job;
mod observe;
mod options;

use std::cell::RefCell;
use std::sync::Arc;

use crate::api::Command;
use crate::error::Error;
use crate::model::*;
use crate::paging::{ContactGroupPager, ConversationPager, FriendPager, ItemStream, Pager};
use crate::ratelimit::{HostLimiter, HostPacing, Limiter, RateLimiter, WhenDown};
use crate::retry::RetryPolicy;
use crate::sigcache::SigCache;
use crate::transport::{Clock, Entropy, Lock, NoClock, Signer, Transport};

pub use crate::ratelimit::LimiterDownEvent;
pub use config::{ClientConfig, ConfigBuilder, DEFAULT_FAILOVER_COOL_DOWN_MS, DEFAULT_TIMEOUT_MS};
#[cfg_attr(
    not(all(feature = "js", target_arch = "wasm32")),
    allow(unused_imports)
)]
pub(crate) use job::{CommandRef, Job, Slot};
pub use observe::{Observer, RequestEvent, ResponseEvent, RetryEvent};
pub use options::{CallOptions, CallReport};

/// A client for one app and admin identifier.
///
/// With a feature's parts, one call builds it with the robust defaults:
/// `tim_contacts::native::client` (feature `reqwest`) or
/// `tim_contacts::web::client` (feature `web`, wasm32).
///
/// [`Client::new`] makes a plain client from any parts: one attempt per call (plus one
/// re-signed resend after a 70001 / 70052 UserSig answer), the signer
/// asked on every call, no pacing; setting a back-off policy or a rate limiter
/// on it without a clock is refused at the first call (`invalid_input`), never
/// silently ignored. [`Client::with_clock`] turns on the robust
/// defaults: retries ([`RetryPolicy::default`]), a rate limiter of 200 calls/s
/// per endpoint, and the UserSig cache; `with_retry`, `with_rate_limiter`
/// (or `with_host_limiter`, pacing shared beyond this process) and
/// `with_usersig_cache` adjust them.
pub struct Client<T, S, E, K = NoClock> {
    config: ClientConfig,
    transport: T,
    signer: S,
    entropy: E,
    clock: K,
    retry: RetryPolicy,
    limiter: Option<Limiter>,
    cache: Option<SigCache>,
    observer: Option<Arc<dyn Observer>>,
    /// Until when (clock ms) the primary host is avoided after a failover.
    primary_down_until: Lock<Option<u64>>,
}

/// The configuration and the policies; the parts (transport, signer, ...)
/// are named by type only, and no UserSig is shown.
impl<T, S, E, K> std::fmt::Debug for Client<T, S, E, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("transport", &std::any::type_name::<T>())
            .field("signer", &std::any::type_name::<S>())
            .field("clock", &std::any::type_name::<K>())
            .field("retry", &self.retry)
            .field("limiter", &self.limiter)
            .field("usersig_cache", &self.cache.is_some())
            .field("observer", &self.observer.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: Transport, S: Signer, E: Entropy> Client<T, S, E, NoClock> {
    /// Builds a plain client from its parts (see [`Client`]).
    pub fn new(config: ClientConfig, transport: T, signer: S, entropy: E) -> Self {
        Client {
            config,
            transport,
            signer,
            entropy,
            clock: NoClock,
            retry: RetryPolicy::none(),
            limiter: None,
            cache: None,
            observer: None,
            primary_down_until: Lock::new(None),
        }
    }
}

impl<T: Transport, S: Signer, E: Entropy, K: Clock> Client<T, S, E, K> {
    /// Gives the client a clock and turns on retries, pacing and the UserSig cache.
    pub fn with_clock<K2: Clock>(self, clock: K2) -> Client<T, S, E, K2> {
        Client {
            config: self.config,
            transport: self.transport,
            signer: self.signer,
            entropy: self.entropy,
            clock,
            retry: RetryPolicy::default(),
            limiter: Some(Limiter::Local(Arc::new(RateLimiter::default()))),
            cache: Some(SigCache::new()),
            observer: self.observer,
            primary_down_until: Lock::new(None),
        }
    }

    /// Sets the retry policy. Back-off needs a clock: on a plain client
    /// ([`NoClock`]) a policy with delays makes every call fail with
    /// `invalid_input` naming `retry`, nothing sent, instead of retrying at
    /// once (give it one with [`Client::with_clock`]; `base_delay_ms: 0` asks
    /// for retries at once and is allowed).
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets (or, with `None`, removes) the rate limiter; share one `Arc`
    /// between clients of the same app to pace them together. Pacing needs a
    /// clock: on a plain client ([`NoClock`]) every call fails with
    /// `invalid_input` naming `rate_limiter` rather than going unpaced.
    pub fn with_rate_limiter(mut self, limiter: Option<Arc<RateLimiter>>) -> Self {
        self.limiter = limiter.map(Limiter::Local);
        self
    }

    /// Paces through the host's limiter: its `acquire` is awaited before
    /// each HTTP attempt (bounded by the call's timeout); when it fails,
    /// `when_down` says whether the call fails or that attempt is paced
    /// locally at a quarter of the limit (see [`crate::ratelimit`]).
    pub fn with_host_limiter(self, limiter: Arc<dyn HostLimiter>, when_down: WhenDown) -> Self {
        self.with_limiter(Some(Limiter::Host(HostPacing::new(limiter, when_down))))
    }

    /// Sets (or, with `None`, removes) the pacing, local or the host's.
    pub fn with_limiter(mut self, limiter: Option<Limiter>) -> Self {
        self.limiter = limiter;
        self
    }

    /// Turns the UserSig cache on or off (off: the signer is asked once per call).
    pub fn with_usersig_cache(mut self, on: bool) -> Self {
        self.cache = on.then(SigCache::new);
        self
    }

    /// Sets the hooks.
    pub fn with_observer(mut self, observer: Option<Arc<dyn Observer>>) -> Self {
        self.observer = observer;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The signer.
    pub fn signer(&self) -> &S {
        &self.signer
    }

    /// The base URL the next request goes to: the backup while the primary
    /// is cooling down after a failover, else the primary.
    fn current_base(&self, now_ms: u64) -> (&str, bool) {
        let down_until = *self.primary_down_until.lock();
        match (&self.config.backup_url, down_until) {
            (Some(backup), Some(until)) if now_ms < until => (backup, true),
            _ => (&self.config.base_url, false),
        }
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The local rate limiter, if the client paces with one.
    pub fn rate_limiter(&self) -> Option<&Arc<RateLimiter>> {
        match &self.limiter {
            Some(Limiter::Local(l)) => Some(l),
            _ => None,
        }
    }

    /// The pacing, if any: local buckets or the host's limiter.
    pub fn limiter(&self) -> Option<&Limiter> {
        self.limiter.as_ref()
    }

    /// Runs one command: validate, sign, pace, send, parse, retry.
    ///
    /// # Errors
    /// See [`crate::error`]: invalid input, signing, transport, timeout,
    /// decode, API or abort errors, each with the endpoint, the `random` of
    /// the last attempt and the number of attempts attached.
    pub async fn execute<C: Command>(&self, cmd: &C) -> Result<C::Output, Error> {
        self.execute_with(cmd, &CallOptions::default()).await
    }

    /// As [`Client::execute`], with a per-attempt timeout in milliseconds.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn execute_with_timeout<C: Command>(
        &self,
        cmd: &C,
        timeout_ms: u32,
    ) -> Result<C::Output, Error> {
        let opts = CallOptions {
            timeout_ms: Some(timeout_ms),
            ..CallOptions::default()
        };
        self.execute_with(cmd, &opts).await
    }

    /// As [`Client::execute`], with per-call options.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn execute_with<C: Command>(
        &self,
        cmd: &C,
        opts: &CallOptions,
    ) -> Result<C::Output, Error> {
        // The command behind a `dyn` object: this generic part only builds
        // the slot and takes the result; the loop exists once ([`Client::run_job`]).
        let mut slot = Slot::new(CommandRef::Borrowed(cmd));
        self.run_job(&mut slot, opts).await?;
        slot.take()
    }

    /// Fetches the next page of `pager` and advances it; `Ok(None)` once complete.
    ///
    /// # Errors
    /// As [`Client::execute`], or [`crate::ErrorKind::Pagination`] when the
    /// cursor did not advance (the pager then stays where it was).
    pub async fn next_page<P: Pager>(
        &self,
        pager: &mut P,
        opts: &CallOptions,
    ) -> Result<Option<P::Page>, Error> {
        let Some(req) = pager.request() else {
            return Ok(None);
        };
        let page = self.execute_with(&req, opts).await?;
        pager.advance(&page)?;
        Ok(Some(page))
    }

    /// The next item of `stream`, fetching pages as needed; `Ok(None)` once complete.
    ///
    /// # Errors
    /// As [`Client::next_page`].
    pub async fn next_item<P: Pager>(
        &self,
        stream: &mut ItemStream<P>,
        opts: &CallOptions,
    ) -> Result<Option<P::Item>, Error> {
        loop {
            if let Some(item) = stream.pop() {
                return Ok(Some(item));
            }
            let Some(req) = stream.next_request() else {
                return Ok(None);
            };
            let page = self.execute_with(&req, opts).await?;
            stream.push_page(page)?;
        }
    }

    /// As [`Client::next_page`], for a pager behind a `RefCell` (shared with
    /// a host's iterator object, whose `cursor` may be read while a page is
    /// in flight): it is borrowed between awaits only, never across one.
    ///
    /// # Errors
    /// As [`Client::next_page`].
    #[cfg_attr(not(all(feature = "js", target_arch = "wasm32")), allow(dead_code))]
    pub(crate) async fn next_page_shared<P: Pager>(
        &self,
        pager: &RefCell<P>,
        opts: &CallOptions,
    ) -> Result<Option<P::Page>, Error> {
        let req = pager.borrow().request();
        let Some(req) = req else {
            return Ok(None);
        };
        let page = self.execute_with(&req, opts).await?;
        pager.borrow_mut().advance(&page)?;
        Ok(Some(page))
    }

    /// As [`Client::next_item`], for a stream behind a `RefCell` (see
    /// [`Client::next_page_shared`]).
    ///
    /// # Errors
    /// As [`Client::next_page`].
    #[cfg_attr(not(all(feature = "js", target_arch = "wasm32")), allow(dead_code))]
    pub(crate) async fn next_item_shared<P: Pager>(
        &self,
        stream: &RefCell<ItemStream<P>>,
        opts: &CallOptions,
    ) -> Result<Option<P::Item>, Error> {
        loop {
            if let Some(item) = stream.borrow_mut().pop() {
                return Ok(Some(item));
            }
            let req = stream.borrow().next_request();
            let Some(req) = req else {
                return Ok(None);
            };
            let page = self.execute_with(&req, opts).await?;
            stream.borrow_mut().push_page(page)?;
        }
    }

    /// The items of `stream` as a [`futures_core::Stream`], fetching one page
    /// at a time with `opts`; it ends after the last item, or after the first
    /// error (a failed page can be fetched again by resuming from
    /// [`ItemStream::cursor`]). Natively the stream is `Send` when the client's
    /// parts are (spawn it on a multi-threaded runtime).
    ///
    /// ```no_run
    /// # async fn run<T, S, E, K>(client: tim_contacts::Client<T, S, E, K>) -> Result<(), tim_contacts::Error>
    /// # where T: tim_contacts::transport::Transport, S: tim_contacts::transport::Signer,
    /// #       E: tim_contacts::transport::Entropy, K: tim_contacts::transport::Clock {
    /// use futures_util::{pin_mut, TryStreamExt};
    /// use tim_contacts::model::GetListRequest;
    ///
    /// let req = GetListRequest { from_account: "alice".into(), ..Default::default() };
    /// let items = client.items(client.list_conversations(req), Default::default());
    /// pin_mut!(items);
    /// while let Some(c) = items.try_next().await? {
    ///     println!("{:?} pinned={}", c.conversation, c.pinned);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn items<'a, P>(
        &'a self,
        stream: ItemStream<P>,
        opts: CallOptions,
    ) -> impl futures_core::Stream<Item = Result<P::Item, Error>> + 'a
    where
        P: Pager + 'a,
    {
        futures_util::stream::try_unfold((stream, opts), move |(mut stream, opts)| async move {
            match self.next_item(&mut stream, &opts).await? {
                Some(item) => Ok(Some((item, (stream, opts)))),
                None => Ok(None),
            }
        })
    }

    /// Whole pages of `pager` as a [`futures_core::Stream`] (see [`Client::items`]).
    pub fn pages<'a, P>(
        &'a self,
        pager: P,
        opts: CallOptions,
    ) -> impl futures_core::Stream<Item = Result<P::Page, Error>> + 'a
    where
        P: Pager + 'a,
    {
        futures_util::stream::try_unfold((pager, opts), move |(mut pager, opts)| async move {
            match self.next_page(&mut pager, &opts).await? {
                Some(page) => Ok(Some((page, (pager, opts)))),
                None => Ok(None),
            }
        })
    }

    /// Every conversation of a user, one page at a time (see [`crate::paging`]
    /// and, for a [`futures_core::Stream`], [`Client::items`]).
    pub fn list_conversations(&self, req: GetListRequest) -> ItemStream<ConversationPager> {
        ItemStream::new(ConversationPager::new(req))
    }

    /// Every conversation with group or mark data, from offset `start_index`.
    pub fn list_contact_group_items(
        &self,
        from_account: &str,
        start_index: u32,
    ) -> ItemStream<ContactGroupPager> {
        ItemStream::new(ContactGroupPager::new(from_account, start_index))
    }

    /// Every friend of a user (`sns/friend_get`, page by page), from offset
    /// `start_index`; a friend whose `groups` is empty is in no friend group.
    pub fn list_friends(&self, from_account: &str, start_index: u32) -> ItemStream<FriendPager> {
        ItemStream::new(FriendPager::new(from_account, start_index))
    }
}

/// The Rust method of each command of the table ([`crate::api::COMMANDS`]).
macro_rules! client_methods {
    ($(
        $(#[doc = $doc:tt])*
        $rust:ident $js:tt $req:ident $req_ts:tt => $out:ty, $ts:tt, $how:ident $(($with:ident))?,
        example = $example:tt;
    )*) => {
        impl<T: Transport, S: Signer, E: Entropy, K: Clock> Client<T, S, E, K> {
            $(
                $(#[doc = $doc])*
                ///
                /// # Errors
                /// As [`Client::execute`].
                pub async fn $rust(&self, req: &$req) -> Result<$out, Error> {
                    client_methods!(@run self, req, $how $(($with))?)
                }
            )*
        }
    };
    (@run $self:ident, $req:ident, plain) => {
        $self.execute($req).await
    };
    (@run $self:ident, $req:ident, chunked($with:ident)) => {
        $self.$with($req, &CallOptions::default()).await
    };
}
crate::api::for_each_command!(client_methods);
