//! The `TimClient` class.

use std::rc::Rc;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::args::{string_arg, Opts};
use super::call::{spawn_call, Inner, Job};
use super::convert::{from_js, throw, to_js_value};
use super::limiter::host_limiter_of;
use super::list::{ContactGroupItemList, ConversationList, FriendList};
use super::observe::JsObserver;
use super::ratelimit::limiter_of;
use super::signer::JsSigner;
use crate::api::Command;
use crate::client::{CallOptions, Client, ClientConfig, CommandRef, ConfigBuilder, Slot};
use crate::error::Error;
use crate::ratelimit::{Limiter, RateLimiter as CoreRateLimiter};
use crate::region::Region;
use crate::retry::RetryPolicy;
use crate::web::JsClock;
use crate::web::{CryptoEntropy, FetchTransport};

/// A client of the Tencent Cloud IM REST admin API (conversations, conversation
/// groups, marks, friend groups). One method per REST command.
///
/// @example
/// ```js
/// const tim = new TimClient({
///   sdkAppId: 1400000000,
///   identifier: "administrator",
///   userSig: async (id) => (await fetch(`/api/usersig?id=${id}`)).text(),
///   region: "singapore",
/// });
/// const page = await tim.getList({ fromAccount: "alice" });
/// ```
#[wasm_bindgen]
pub struct TimClient {
    pub(super) inner: Rc<Inner>,
}

/// The keys of `new TimClient(options)`.
const CLIENT_KEYS: &[&str] = &[
    "sdkAppId",
    "identifier",
    "userSig",
    "region",
    "baseUrl",
    "fetch",
    "timeoutMs",
    "allowInsecureHttp",
    "retry",
    "rateLimit",
    "cacheUserSig",
    "failover",
    "onRequest",
    "onResponse",
    "onRetry",
    "onLimiterDown",
];

fn parse_options(options: &JsValue) -> Result<Inner, Error> {
    let o = Opts::required(options, "options", CLIENT_KEYS)?;
    let sdk_app_id = o
        .u32("sdkAppId")?
        .ok_or_else(|| Error::invalid("sdkAppId", "is required (the app's SDKAppID)"))?;
    let identifier = o
        .string("identifier")?
        .ok_or_else(|| Error::invalid("identifier", "is required (an app-admin account)"))?;
    let signer = o.function("userSig")?.ok_or_else(|| {
        Error::invalid(
            "userSig",
            "is required: a function (identifier) => string | Promise<string>",
        )
    })?;
    let region = o
        .string("region")?
        .map(|r| {
            from_js::<Region>(JsValue::from_str(&r), "region").map_err(|_| {
                let names = Region::ALL.map(|r| r.name());
                let hint = crate::suggest::nearest(&r, &names)
                    .map_or(String::new(), |n| format!(" (did you mean `{n}`?)"));
                Error::invalid("region", format!("unknown region {r:?}{hint}"))
            })
        })
        .transpose()?;
    let base_url = o.string("baseUrl")?;
    let timeout_ms = o.u32("timeoutMs")?;
    let allow_insecure = o.bool("allowInsecureHttp")?.unwrap_or(false);
    let fetch = o.function("fetch")?;
    if fetch.is_none()
        && !js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("fetch")).unwrap_or(false)
    {
        return Err(Error::invalid(
            "fetch",
            "no global fetch here: pass one in the options",
        ));
    }
    if !CryptoEntropy::available() {
        return Err(Error::invalid(
            "crypto",
            "crypto.getRandomValues is not available in this runtime",
        ));
    }
    let mut config =
        ClientConfig::builder(sdk_app_id, identifier).allow_insecure_http(allow_insecure);
    if let Some(region) = region {
        config = config.region(region);
    }
    if let Some(url) = base_url {
        config = config.base_url(url);
    }
    if let Some(ms) = timeout_ms {
        config = config.timeout_ms(ms);
    }
    let config = parse_failover(&o.value("failover")?, config)?.build()?;
    let retry = parse_retry(&o.value("retry")?)?;
    let limiter = parse_rate_limit(&o.value("rateLimit")?, o.function("onLimiterDown")?)?;
    let cache = o.bool("cacheUserSig")?.unwrap_or(true);
    let observer = JsObserver::from_options(&o)?;
    Ok(Client::new(
        config,
        FetchTransport::new(fetch),
        JsSigner::new(signer),
        CryptoEntropy::default(),
    )
    .with_clock(JsClock)
    .with_retry(retry)
    .with_limiter(limiter)
    .with_usersig_cache(cache)
    .with_observer(observer.map(|o| Arc::new(o) as Arc<dyn crate::client::Observer>)))
}

/// `rateLimit`: absent = the default bucket, `false` = none, a shared
/// `RateLimiter`, `{ callsPerSecond?, burst? }`, or a host limiter
/// `{ acquire, whenDown? }` (see [`super::limiter`]; `on_down` is the
/// client's `onLimiterDown`).
fn parse_rate_limit(
    v: &JsValue,
    on_down: Option<js_sys::Function>,
) -> Result<Option<Limiter>, Error> {
    if v.is_undefined() {
        return Ok(Some(Limiter::Local(Arc::new(CoreRateLimiter::default()))));
    }
    if v.as_bool() == Some(false) {
        return Ok(None);
    }
    if let Some(shared) = limiter_of(v)? {
        return Ok(Some(Limiter::Local(shared)));
    }
    if !v.is_object() {
        return Err(Error::invalid(
            "rateLimit",
            "must be { callsPerSecond, burst }, a RateLimiter, a limiter object { acquire, whenDown }, or false",
        ));
    }
    if let Some(host) = host_limiter_of(v, on_down)? {
        return Ok(Some(host));
    }
    // `acquire` too, so that a typo of it (`aquire`) gets its hint.
    let o = Opts::required(v, "rateLimit", &["callsPerSecond", "burst", "acquire"])?;
    let cps = o
        .u32("callsPerSecond")?
        .unwrap_or(crate::limits::CALLS_PER_SECOND);
    let limiter = CoreRateLimiter::try_new(cps, o.u32("burst")?)
        .map_err(|e| Error::invalid(&o.field(e.field().unwrap_or("")), e.message()))?;
    Ok(Some(Limiter::Local(Arc::new(limiter))))
}

/// `failover`: absent = the region's backup host (none with `baseUrl`),
/// `false` = none, `{ backupUrl?, coolDownMs? }` to set them.
fn parse_failover(v: &JsValue, mut config: ConfigBuilder) -> Result<ConfigBuilder, Error> {
    if v.is_undefined() || v.as_bool() == Some(true) {
        return Ok(config);
    }
    if v.as_bool() == Some(false) {
        return Ok(config.no_failover());
    }
    let o = Opts::required(v, "failover", &["backupUrl", "coolDownMs"])?;
    if let Some(url) = o.string("backupUrl")? {
        config = config.backup_url(url);
    }
    if let Some(ms) = o.u32("coolDownMs")? {
        config = config.failover_cool_down_ms(ms);
    }
    Ok(config)
}

fn parse_retry(v: &JsValue) -> Result<RetryPolicy, Error> {
    if v.is_undefined() {
        return Ok(RetryPolicy::default());
    }
    if v.as_bool() == Some(false) {
        return Ok(RetryPolicy::none());
    }
    let o = Opts::required(
        v,
        "retry",
        &[
            "maxAttempts",
            "baseDelayMs",
            "maxDelayMs",
            "retryNonIdempotent",
        ],
    )?;
    RetryPolicy::new(
        o.u32("maxAttempts")?,
        o.u32("baseDelayMs")?,
        o.u32("maxDelayMs")?,
        o.bool("retryNonIdempotent")?.unwrap_or(false),
    )
}

impl TimClient {
    /// Reads the request now (a bad one rejects the promise), then runs `run`
    /// under the per-call options and converts the result or error.
    fn call_with<C, F, Fut>(
        &self,
        req: JsValue,
        options: Option<JsValue>,
        run: F,
    ) -> js_sys::Promise
    where
        C: Command + DeserializeOwned + 'static,
        C::Output: Serialize,
        F: FnOnce(Rc<Inner>, C, CallOptions) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<C::Output, Error>> + 'static,
    {
        let client = Rc::clone(&self.inner);
        let job = from_js::<C>(req, "request").map(|cmd| -> Job {
            Box::new(move |opts| {
                Box::pin(async move { to_js_value(&run(client, cmd, opts).await?) })
            })
        });
        spawn_call(
            Rc::clone(&self.inner),
            C::ENDPOINT,
            job,
            options.unwrap_or(JsValue::UNDEFINED),
        )
    }

    /// One plain command: its request read now, then the type-erased call path
    /// ([`plain_job`]); what stays per command is reading the request, writing its
    /// body, reading the answer and writing the result for JS.
    fn call<C>(&self, req: JsValue, options: Option<JsValue>) -> js_sys::Promise
    where
        C: Command + DeserializeOwned + 'static,
        C::Output: Serialize,
    {
        let client = Rc::clone(&self.inner);
        let job = from_js::<C>(req, "request")
            .map(|cmd| plain_job(client, Box::new(Slot::new(CommandRef::Owned(cmd)))));
        spawn_call(
            Rc::clone(&self.inner),
            C::ENDPOINT,
            job,
            options.unwrap_or(JsValue::UNDEFINED),
        )
    }
}

/// A command read from JS with its result slot, type-erased.
trait JsJob {
    /// The command, for the attempt loop.
    fn job(&mut self) -> &mut dyn crate::client::Job;
    /// The result, written for JS.
    fn result_js(&mut self) -> Result<JsValue, Error>;
}

impl<C: Command + 'static> JsJob for Slot<'static, C>
where
    C::Output: Serialize,
{
    fn job(&mut self) -> &mut dyn crate::client::Job {
        self
    }

    fn result_js(&mut self) -> Result<JsValue, Error> {
        to_js_value(&self.take()?)
    }
}

/// The run of every plain command: not generic, so the async plumbing around
/// the attempt loop exists once in the wasm (one copy per command type cost
/// about 1 KB).
fn plain_job(client: Rc<Inner>, mut slot: Box<dyn JsJob>) -> Job {
    Box::new(move |opts| {
        Box::pin(async move {
            client.run_job(slot.job(), &opts).await?;
            slot.result_js()
        })
    })
}

#[wasm_bindgen]
impl TimClient {
    /// Creates a client. Validates the options; makes no request.
    ///
    /// @throws {TimError} `kind: "invalid_input"` naming the bad option.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TimClientOptions")] options: JsValue,
    ) -> Result<TimClient, JsValue> {
        parse_options(&options)
            .map(|inner| TimClient {
                inner: Rc::new(inner),
            })
            .map_err(|e| throw(&e))
    }

    /// The base URL requests go to.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.config().base_url().to_owned()
    }

    /// Every conversation of `fromAccount`, fetched page by page as you
    /// iterate (at most one page in memory). Pinned conversations come first.
    /// The result is an async iterable of conversations; `.pages()` iterates
    /// whole pages, `.collect({ limit })` gathers items, and `.cursor` is where
    /// to resume later (pass it back as `{ cursor }`).
    ///
    /// @example
    /// ```js
    /// for await (const c of tim.listConversations("alice", { signal })) {
    ///   console.log(c.conversation, c.pinned);
    /// }
    /// const first50 = await tim.listConversations("alice").collect({ limit: 50 });
    /// ```
    /// @throws {TimError} `kind: "invalid_input"` for bad options (at once);
    /// iteration rejects like any call, or with `kind: "pagination"` when the
    /// server's cursor stops moving.
    #[wasm_bindgen(js_name = listConversations)]
    pub fn list_conversations(
        &self,
        #[wasm_bindgen(js_name = fromAccount, unchecked_param_type = "string")]
        from_account: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ListConversationsOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<ConversationList, JsValue> {
        string_arg(&from_account, "fromAccount")
            .and_then(|from_account| {
                ConversationList::create(
                    Rc::clone(&self.inner),
                    from_account,
                    &options.unwrap_or(JsValue::UNDEFINED),
                )
            })
            .map_err(|e| throw(&e))
    }

    /// Every conversation of `fromAccount` that has marks or conversation
    /// groups (`get_contact_group`), page by page as you iterate. Same shape
    /// as `listConversations`; the cursor is a `startIndex` number.
    ///
    /// @example
    /// ```js
    /// for await (const item of tim.listContactGroupItems("alice")) console.log(item.marks.star);
    /// ```
    /// @throws {TimError} `kind: "invalid_input"` for bad options.
    #[wasm_bindgen(js_name = listContactGroupItems)]
    pub fn list_contact_group_items(
        &self,
        #[wasm_bindgen(js_name = fromAccount, unchecked_param_type = "string")]
        from_account: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ListContactGroupItemsOptions")]
        options: Option<JsValue>,
    ) -> Result<ContactGroupItemList, JsValue> {
        string_arg(&from_account, "fromAccount")
            .and_then(|from_account| {
                ContactGroupItemList::create(
                    Rc::clone(&self.inner),
                    from_account,
                    &options.unwrap_or(JsValue::UNDEFINED),
                )
            })
            .map_err(|e| throw(&e))
    }

    /// Every friend of `fromAccount` (`sns/friend_get`), page by page as you
    /// iterate, each with its friend groups: a friend whose `groups` is empty
    /// is in none. Same shape as `listConversations`; the cursor is a
    /// `startIndex` number.
    ///
    /// @example
    /// ```js
    /// const friends = await tim.listFriends("alice").collect();
    /// const ungrouped = friends.filter((f) => f.groups.length === 0);
    /// ```
    /// @throws {TimError} `kind: "invalid_input"` for bad options.
    #[wasm_bindgen(js_name = listFriends)]
    pub fn list_friends(
        &self,
        #[wasm_bindgen(js_name = fromAccount, unchecked_param_type = "string")]
        from_account: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ListFriendsOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<FriendList, JsValue> {
        string_arg(&from_account, "fromAccount")
            .and_then(|from_account| {
                FriendList::create(
                    Rc::clone(&self.inner),
                    from_account,
                    &options.unwrap_or(JsValue::UNDEFINED),
                )
            })
            .map_err(|e| throw(&e))
    }
}

/// The JavaScript method of each command of the table ([`crate::api::COMMANDS`]).
macro_rules! js_methods {
    ($(
        $(#[doc = $doc:tt])*
        $rust:ident $js:tt $req:ident $req_ts:tt => $out:ty, $ts:tt, $how:ident $(($with:ident))?,
        example = $example:tt;
    )*) => {
        #[wasm_bindgen]
        impl TimClient {
            $(
                $(#[doc = $doc])*
                #[wasm_bindgen(js_name = $js, unchecked_return_type = $ts)]
                pub fn $rust(
                    &self,
                    #[wasm_bindgen(unchecked_param_type = $req_ts)] request: JsValue,
                    #[wasm_bindgen(unchecked_optional_param_type = "TimCallOptions")] options: Option<JsValue>,
                ) -> js_sys::Promise {
                    js_methods!(@run self, request, options, $req, $how $(($with))?)
                }
            )*
        }
    };
    (@run $self:ident, $request:ident, $options:ident, $req:ident, plain) => {
        $self.call::<crate::model::$req>($request, $options)
    };
    (@run $self:ident, $request:ident, $options:ident, $req:ident, chunked($with:ident)) => {
        $self.call_with($request, $options, |client, cmd: crate::model::$req, opts| async move {
            client.$with(&cmd, &opts).await
        })
    };
}
crate::api::for_each_command!(js_methods);
