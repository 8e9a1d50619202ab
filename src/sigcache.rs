//! The UserSig cache: ask the host's signer as seldom as possible.
//!
//! # How long is a UserSig kept?
//! A TLSSigAPIv2 UserSig says when it expires, and reading that needs no key
//! ([`crate::usersig::decode`]). The cache keeps the signer's answer until
//! shortly before `expiresAt` (a tenth of its validity, at most five minutes),
//! then asks again. Calls that need a UserSig while one is being fetched wait
//! for that one fetch instead of starting their own. When the server answers
//! 70001 / 70052 anyway (clock skew, a revoked UserSig), the client asks the
//! cache to replace the UserSig it used; concurrent callers that saw the same
//! failure share that one refresh too.
//!
//! # Opaque UserSigs
//! A UserSig that cannot be decoded (not TLSSigAPIv2, or issued for another
//! identifier) has no readable expiry: it is never cached. Each call then
//! asks the signer once and uses the answer for all of its own attempts.
//!
//! The cache is pure state plus a small "wait for the fetch in flight"
//! primitive (a mutex, never held across an await); time comes in as an argument.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::error::Error;
use crate::transport::{Lock, Signer};

/// Longest safety margin before expiry, in milliseconds.
pub const MAX_REFRESH_MARGIN_MS: u64 = 5 * 60 * 1000;

/// When a UserSig issued at `time` for `expire` seconds should be replaced (Unix ms).
pub fn refresh_at_ms(time: u32, expire: u32) -> u64 {
    let expires_at_ms = (u64::from(time) + u64::from(expire)) * 1000;
    let margin = (u64::from(expire) * 100).min(MAX_REFRESH_MARGIN_MS);
    expires_at_ms.saturating_sub(margin)
}

/// A UserSig handed out by the cache.
#[derive(Clone, PartialEq, Eq)]
pub struct CachedSig {
    /// The UserSig.
    pub usersig: String,
    /// False for an opaque UserSig (not cached; reuse it within one call only).
    pub cached: bool,
}

impl std::fmt::Debug for CachedSig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedSig")
            .field("usersig", &"***")
            .field("cached", &self.cached)
            .finish()
    }
}

#[derive(Default)]
struct State {
    current: Option<(String, u64)>,
    fetching: bool,
    generation: u64,
    last: Option<Result<CachedSig, SignFailure>>,
    waiters: Vec<Waker>,
}

/// The cache; one per client.
#[derive(Default)]
pub struct SigCache {
    state: Lock<State>,
}

impl std::fmt::Debug for SigCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigCache(***)")
    }
}

/// Resets the "fetch in flight" flag if the fetching call is dropped (aborted).
struct FetchGuard<'a> {
    cache: &'a SigCache,
    done: bool,
}

impl Drop for FetchGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            let mut s = self.cache.state.lock();
            s.fetching = false;
            for w in s.waiters.drain(..) {
                w.wake();
            }
        }
    }
}

struct WaitFetch<'a> {
    cache: &'a SigCache,
    generation: u64,
}

impl Future for WaitFetch<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.cache.state.lock();
        if s.generation != self.generation || !s.fetching {
            Poll::Ready(())
        } else {
            s.waiters.push(cx.waker().clone());
            Poll::Pending
        }
    }
}

impl SigCache {
    /// An empty cache.
    pub fn new() -> Self {
        SigCache::default()
    }

    /// A UserSig for `identifier` at `now_ms`. With `replace`, the caller saw
    /// that UserSig rejected: a different cached one is returned, or a new one
    /// fetched.
    ///
    /// # Errors
    /// [`SignFailure`]: the signer failed, or answered an empty UserSig.
    pub async fn get<S: Signer + ?Sized>(
        &self,
        signer: &S,
        identifier: &str,
        now_ms: u64,
        replace: Option<&str>,
    ) -> Result<CachedSig, SignFailure> {
        loop {
            let generation = {
                let mut s = self.state.lock();
                if let Some((sig, refresh_at)) = &s.current {
                    let rejected = replace == Some(sig.as_str());
                    if rejected {
                        s.current = None;
                    } else if now_ms < *refresh_at {
                        return Ok(CachedSig {
                            usersig: sig.clone(),
                            cached: true,
                        });
                    }
                }
                if s.fetching {
                    Some(s.generation)
                } else {
                    s.fetching = true;
                    None
                }
            };
            if let Some(generation) = generation {
                WaitFetch {
                    cache: self,
                    generation,
                }
                .await;
                let s = self.state.lock();
                if s.generation != generation {
                    match &s.last {
                        Some(Ok(sig)) if replace != Some(sig.usersig.as_str()) => {
                            return Ok(sig.clone())
                        }
                        Some(Err(e)) => return Err(e.clone()),
                        _ => {}
                    }
                }
                continue;
            }
            let mut guard = FetchGuard {
                cache: self,
                done: false,
            };
            let result = sign_once(signer, identifier).await;
            guard.done = true;
            let mut s = self.state.lock();
            let out = result.map(|usersig| {
                let expiry = crate::usersig::decode(&usersig)
                    .ok()
                    .filter(|info| info.identifier == identifier)
                    .map(|info| refresh_at_ms(info.time, info.expire));
                match expiry {
                    Some(refresh_at) => {
                        s.current = Some((usersig.clone(), refresh_at));
                        CachedSig {
                            usersig,
                            cached: true,
                        }
                    }
                    None => CachedSig {
                        usersig,
                        cached: false,
                    },
                }
            });
            s.fetching = false;
            s.generation += 1;
            s.last = Some(out.clone());
            for w in s.waiters.drain(..) {
                w.wake();
            }
            return out;
        }
    }
}

/// Why no UserSig came from the signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignFailure {
    /// The signer answered with an empty UserSig.
    Empty,
    /// The signer failed with this message (which must not hold a UserSig).
    Signer(String),
}

impl SignFailure {
    /// The call's error: [`crate::ErrorKind::Signing`], nothing was sent.
    pub fn into_error(self) -> Error {
        match self {
            SignFailure::Empty => Error::signing("the signer returned an empty UserSig"),
            SignFailure::Signer(msg) => Error::signing(format!("the signer failed: {msg}")),
        }
    }
}

/// Asks the signer once; an empty answer is [`SignFailure::Empty`].
///
/// # Errors
/// [`SignFailure`]: the signer failed, or answered an empty UserSig.
pub async fn sign_once<S: Signer + ?Sized>(
    signer: &S,
    identifier: &str,
) -> Result<String, SignFailure> {
    match signer.sign(identifier).await {
        Ok(sig) if sig.is_empty() => Err(SignFailure::Empty),
        Ok(sig) => Ok(sig),
        Err(msg) => Err(SignFailure::Signer(msg)),
    }
}

/// The signing-environment rule of the built-in signer: minting UserSigs
/// needs the SecretKey, which must never ship to a browser.
///
/// # Errors
/// [`Error::invalid`] naming `dangerouslyAllowBrowser` when `in_browser`
/// and the caller did not opt in.
#[cfg_attr(not(all(feature = "js", target_arch = "wasm32")), allow(dead_code))]
pub fn check_signing_environment(in_browser: bool, dangerously_allow: bool) -> Result<(), Error> {
    if in_browser && !dangerously_allow {
        return Err(Error::invalid(
            "dangerouslyAllowBrowser",
            "genUserSig needs the SecretKey, which must not be shipped to a browser; \
             mint UserSigs on your server (pass dangerouslyAllowBrowser: true only for local demos)",
        ));
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::cell::Cell;

    const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    struct Counting {
        calls: Cell<u32>,
        time: Cell<u32>,
        expire: u32,
        opaque: bool,
    }

    impl Signer for Counting {
        async fn sign(&self, identifier: &str) -> Result<String, String> {
            self.calls.set(self.calls.get() + 1);
            // Yield once so concurrent callers overlap.
            Yield(false).await;
            if self.opaque {
                return Ok(format!("opaque-{}", self.calls.get()));
            }
            // A new issue time per call, so every UserSig differs.
            Ok(crate::usersig::generate(
                KEY,
                1_400_000_000,
                identifier,
                self.time.get() + self.calls.get(),
                self.expire,
            ))
        }
    }

    struct Yield(bool);
    impl Future for Yield {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                Poll::Ready(())
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    fn signer(expire: u32, opaque: bool) -> Counting {
        Counting {
            calls: Cell::new(0),
            time: Cell::new(1_700_000_000),
            expire,
            opaque,
        }
    }

    #[test]
    fn margin() {
        assert_eq!(
            refresh_at_ms(1000, 86_400),
            (1000 + 86_400) * 1000 - 300_000
        );
        assert_eq!(refresh_at_ms(1000, 60), 1_054_000);
    }

    #[test]
    fn cached_until_shortly_before_expiry() {
        let s = signer(600, false);
        s.time.set(1_700_000_000 - 1);
        let c = SigCache::new();
        let t0 = 1_700_000_000_000u64;
        let block = futures::executor::block_on;
        let a = block(c.get(&s, "admin", t0, None)).unwrap();
        assert!(a.cached);
        let b = block(c.get(&s, "admin", t0 + 500_000, None)).unwrap();
        assert_eq!((a.usersig == b.usersig, s.calls.get()), (true, 1));
        s.time.set(1_700_000_540 - 2);
        let d = block(c.get(&s, "admin", t0 + 540_000, None)).unwrap();
        assert_ne!(d.usersig, a.usersig);
        assert_eq!(s.calls.get(), 2);
        // Rejected by the server: replaced once, then served from the cache.
        s.time.set(1_700_000_541 - 3);
        let e = block(c.get(&s, "admin", t0 + 541_000, Some(&d.usersig))).unwrap();
        assert_ne!(e.usersig, d.usersig);
        let f = block(c.get(&s, "admin", t0 + 541_000, Some(&d.usersig))).unwrap();
        assert_eq!((f.usersig == e.usersig, s.calls.get()), (true, 3));
    }

    #[test]
    fn concurrent_calls_share_one_fetch() {
        let s = signer(86_400, false);
        let c = SigCache::new();
        let futs: Vec<_> = (0..5)
            .map(|_| c.get(&s, "admin", 1_700_000_000_000, None))
            .collect();
        let out = futures::executor::block_on(crate::chunk::run_bounded(futs, 5));
        assert_eq!(s.calls.get(), 1);
        assert!(out.iter().all(|r| r.as_ref().unwrap().cached));
        let first = out[0].as_ref().unwrap().usersig.clone();
        let futs: Vec<_> = (0..4)
            .map(|_| c.get(&s, "admin", 1_700_000_000_000, Some(&first)))
            .collect();
        let out = futures::executor::block_on(crate::chunk::run_bounded(futs, 4));
        assert_eq!(
            s.calls.get(),
            2,
            "one forced refresh for four rejected calls"
        );
        assert!(out.iter().all(|r| r.as_ref().unwrap().usersig != first));
    }

    #[test]
    fn opaque_usersigs_are_not_cached() {
        let s = signer(0, true);
        let c = SigCache::new();
        let a = futures::executor::block_on(c.get(&s, "admin", 0, None)).unwrap();
        let b = futures::executor::block_on(c.get(&s, "admin", 0, None)).unwrap();
        assert!(!a.cached && !b.cached);
        assert_ne!(a.usersig, b.usersig);
        assert_eq!(s.calls.get(), 2);
        // Issued for another identifier: not cached either.
        let other = crate::transport::StaticSigner(crate::usersig::generate(
            KEY,
            1_400_000_000,
            "someone",
            1_700_000_000,
            86_400,
        ));
        let x = futures::executor::block_on(c.get(&other, "admin", 0, None)).unwrap();
        assert!(!x.cached);
    }

    #[test]
    fn browser_rule() {
        assert!(check_signing_environment(false, false).is_ok());
        assert!(check_signing_environment(true, true).is_ok());
        assert_eq!(
            check_signing_environment(true, false).unwrap_err().field(),
            Some("dangerouslyAllowBrowser")
        );
    }
}
