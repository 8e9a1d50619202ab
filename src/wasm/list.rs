//! Async iterables over paged listings: `listConversations`,
//! `listContactGroupItems` and `listFriends`. The paging logic is the core's
//! ([`crate::paging`]); these classes hold the state and convert.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::args::Opts;
use super::call::{call_options_of, throw_call, Inner};
use super::convert::{from_js, throw, to_js};
use super::runtime::{abortable, Abort};
use crate::api::Command;
use crate::client::CallOptions;
use crate::error::Error;
use crate::model::{GetListCursor, GetListRequest};
use crate::paging::{
    ContactGroupPager, ConversationPager, FriendPager, ItemStream, OffsetListing, OffsetPager,
    Pager,
};

struct Shared {
    client: Rc<Inner>,
    abort: Option<Abort>,
    opts: CallOptions,
    busy: Cell<bool>,
}

/// Marks an iterator busy while a `next()` is pending; two at once would
/// fetch the same page twice.
struct Busy<'a>(&'a Cell<bool>);

impl<'a> Busy<'a> {
    fn enter(flag: &'a Cell<bool>) -> Result<Busy<'a>, Error> {
        if flag.replace(true) {
            return Err(Error::invalid(
                "next",
                "the previous next() has not settled yet; await it first",
            ));
        }
        Ok(Busy(flag))
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

struct ItemState<P: Pager> {
    shared: Rc<Shared>,
    stream: RefCell<ItemStream<P>>,
}

struct PageState<P: Pager> {
    shared: Rc<Shared>,
    pager: RefCell<P>,
}

/// The next item, through the core's pager ([`crate::client::Client::next_item_shared`]);
/// an abort drops the call (and its fetch).
async fn next_item<P: Pager>(st: &ItemState<P>) -> Result<Option<P::Item>, Error> {
    let _busy = Busy::enter(&st.shared.busy)?;
    let sh = &st.shared;
    let next = sh.client.next_item_shared(&st.stream, &sh.opts);
    abortable(sh.abort.as_ref(), <P::Request as Command>::ENDPOINT, next).await
}

/// The next page, as [`next_item`].
async fn next_page<P: Pager>(st: &PageState<P>) -> Result<Option<P::Page>, Error> {
    let _busy = Busy::enter(&st.shared.busy)?;
    let sh = &st.shared;
    let next = sh.client.next_page_shared(&st.pager, &sh.opts);
    abortable(sh.abort.as_ref(), <P::Request as Command>::ENDPOINT, next).await
}

fn iter_result(value: JsValue, done: bool) -> JsValue {
    let obj = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&obj, &"value".into(), &value);
    let _ = js_sys::Reflect::set(&obj, &"done".into(), &JsValue::from_bool(done));
    obj.into()
}

fn settle<T: Serialize>(shared: &Shared, r: Result<Option<T>, Error>) -> Result<JsValue, JsValue> {
    match r {
        Ok(Some(v)) => Ok(iter_result(to_js(&v)?, false)),
        Ok(None) => Ok(iter_result(JsValue::UNDEFINED, true)),
        Err(e) => Err(throw_call(&shared.client, shared.abort.as_ref(), &e)),
    }
}

fn cursor_js<C: Serialize>(c: Option<C>) -> JsValue {
    match c {
        Some(c) => to_js(&c).unwrap_or(JsValue::NULL),
        None => JsValue::NULL,
    }
}

fn parse_limit(options: &JsValue) -> Result<Option<usize>, Error> {
    let Some(o) = Opts::new(options, "options", &["limit"])? else {
        return Ok(None);
    };
    Ok(o.u32("limit")?.map(|n| n as usize))
}

/// The per-call keys every listing takes besides its request's own.
const LIST_CALL_KEYS: &[&str] = &["signal", "timeoutMs"];

/// Reads listing options: `known` request keys plus `signal` / `timeoutMs`;
/// an unknown key is an error naming it (with the nearest known key).
/// Returns the shared call state and the checked options.
fn split_options(
    client: Rc<Inner>,
    options: &JsValue,
    request_keys: &[&str],
) -> Result<(Rc<Shared>, Option<Opts>), Error> {
    let known: Vec<&str> = request_keys.iter().chain(LIST_CALL_KEYS).copied().collect();
    let o = Opts::new(options, "options", &known)?;
    let per_call = call_options_of(o.as_ref())?;
    Ok((
        Rc::new(Shared {
            client,
            abort: per_call.abort,
            opts: per_call.core,
            busy: Cell::new(false),
        }),
        o,
    ))
}

macro_rules! listing {
    (
        $list:ident, $pages:ident, $pager:ty, $cursor:ty,
        list_doc = $list_doc:literal, pages_doc = $pages_doc:literal,
        next_item = $next_item_ts:literal, collect = $collect_ts:literal,
        next_page = $next_page_ts:literal, cursor = $cursor_ts:literal
    ) => {
        #[doc = $list_doc]
        #[wasm_bindgen]
        #[derive(Clone)]
        pub struct $list {
            state: Rc<ItemState<$pager>>,
        }

        #[wasm_bindgen]
        impl $list {
            /// The next item: `{ value, done }`. Fetches a page when the
            /// current one is used up; rejects with a `TimError`.
            #[wasm_bindgen(unchecked_return_type = $next_item_ts)]
            pub fn next(&self) -> js_sys::Promise {
                let st = Rc::clone(&self.state);
                super::convert::promise(Box::pin(async move {
                    settle(&st.shared, next_item(&st).await)
                }))
            }

            /// Ends a `for await` loop early; the listing can still be
            /// resumed from `cursor`.
            #[wasm_bindgen(
                js_name = "return",
                unchecked_return_type = "Promise<IteratorResult<never, undefined>>"
            )]
            pub fn return_(&self) -> js_sys::Promise {
                js_sys::Promise::resolve(&iter_result(JsValue::UNDEFINED, true))
            }

            /// This object (it is its own async iterator).
            #[wasm_bindgen(js_name = "[Symbol.asyncIterator]")]
            pub fn async_iterator(&self) -> $list {
                self.clone()
            }

            /// Whole pages from `cursor` on, as an async iterable.
            pub fn pages(&self) -> $pages {
                $pages {
                    state: Rc::new(PageState {
                        shared: Rc::clone(&self.state.shared),
                        pager: RefCell::new(self.state.stream.borrow().resume_pager()),
                    }),
                }
            }

            /// Gathers the remaining items, at most `limit` of them (all when absent).
            ///
            /// @throws {TimError} as `next()`.
            #[wasm_bindgen(unchecked_return_type = $collect_ts)]
            pub fn collect(
                &self,
                #[wasm_bindgen(unchecked_optional_param_type = "CollectOptions")] options: Option<
                    JsValue,
                >,
            ) -> js_sys::Promise {
                let st = Rc::clone(&self.state);
                super::convert::promise(Box::pin(async move {
                    let limit = parse_limit(&options.unwrap_or(JsValue::UNDEFINED))
                        .map_err(|e| throw(&e))?;
                    let mut out = Vec::new();
                    while limit.map_or(true, |l| out.len() < l) {
                        let next = next_item(&st).await;
                        match next.map_err(|e| {
                            throw_call(&st.shared.client, st.shared.abort.as_ref(), &e)
                        })? {
                            Some(item) => out.push(item),
                            None => break,
                        }
                    }
                    to_js(&out)
                }))
            }

            /// Where to resume (pass it back as `{ cursor }`): the start of the
            /// page being read, so a resume may repeat items of that page but
            /// never skips one; `null` once everything was read.
            #[wasm_bindgen(getter, unchecked_return_type = $cursor_ts)]
            pub fn cursor(&self) -> JsValue {
                cursor_js::<$cursor>(self.state.stream.borrow().cursor())
            }
        }

        #[doc = $pages_doc]
        #[wasm_bindgen]
        #[derive(Clone)]
        pub struct $pages {
            state: Rc<PageState<$pager>>,
        }

        #[wasm_bindgen]
        impl $pages {
            /// The next page: `{ value, done }`.
            #[wasm_bindgen(unchecked_return_type = $next_page_ts)]
            pub fn next(&self) -> js_sys::Promise {
                let st = Rc::clone(&self.state);
                super::convert::promise(Box::pin(async move {
                    settle(&st.shared, next_page(&st).await)
                }))
            }

            /// Ends a `for await` loop early.
            #[wasm_bindgen(
                js_name = "return",
                unchecked_return_type = "Promise<IteratorResult<never, undefined>>"
            )]
            pub fn return_(&self) -> js_sys::Promise {
                js_sys::Promise::resolve(&iter_result(JsValue::UNDEFINED, true))
            }

            /// This object (it is its own async iterator).
            #[wasm_bindgen(js_name = "[Symbol.asyncIterator]")]
            pub fn async_iterator(&self) -> $pages {
                self.clone()
            }

            /// Where the next page starts; `null` once complete.
            #[wasm_bindgen(getter, unchecked_return_type = $cursor_ts)]
            pub fn cursor(&self) -> JsValue {
                cursor_js::<$cursor>(self.state.pager.borrow().cursor())
            }
        }
    };
}

listing!(
    ConversationList, ConversationPages, ConversationPager, GetListCursor,
    list_doc = "The conversations of a user as an async iterable (`for await`); from `listConversations`.",
    pages_doc = "The `getList` pages of a user as an async iterable; from `listConversations(...).pages()`.",
    next_item = "Promise<IteratorResult<Conversation, undefined>>",
    collect = "Promise<Conversation[]>",
    next_page = "Promise<IteratorResult<GetListPage, undefined>>",
    cursor = "GetListCursor | null"
);

listing!(
    ContactGroupItemList, ContactGroupItemPages, ContactGroupPager, u32,
    list_doc = "Conversations with marks or groups as an async iterable; from `listContactGroupItems`.",
    pages_doc = "The `getContactGroup` pages as an async iterable; from `listContactGroupItems(...).pages()`.",
    next_item = "Promise<IteratorResult<ContactData, undefined>>",
    collect = "Promise<ContactData[]>",
    next_page = "Promise<IteratorResult<ContactGroupPage, undefined>>",
    cursor = "number | null"
);

listing!(
    FriendList,
    FriendPages,
    FriendPager,
    u32,
    list_doc = "The friends of a user as an async iterable; from `listFriends`.",
    pages_doc = "The `snsFriendGet` pages as an async iterable; from `listFriends(...).pages()`.",
    next_item = "Promise<IteratorResult<Friend, undefined>>",
    collect = "Promise<Friend[]>",
    next_page = "Promise<IteratorResult<FriendPage, undefined>>",
    cursor = "number | null"
);

/// The request keys of `listConversations` options.
const LIST_CONVERSATIONS_KEYS: &[&str] =
    &["cursor", "pinned", "empty", "pinnedPaging", "assistFlags"];

impl ConversationList {
    pub(crate) fn create(
        client: Rc<Inner>,
        from_account: String,
        options: &JsValue,
    ) -> Result<ConversationList, Error> {
        let (shared, o) = split_options(client, options, LIST_CONVERSATIONS_KEYS)?;
        let rest = js_sys::Object::new();
        if let Some(o) = &o {
            for key in LIST_CONVERSATIONS_KEYS {
                let v = o.value(key)?;
                if !v.is_undefined() {
                    let _ = js_sys::Reflect::set(&rest, &JsValue::from_str(key), &v);
                }
            }
        }
        let _ = js_sys::Reflect::set(&rest, &"fromAccount".into(), &from_account.into());
        let req: GetListRequest = from_js(rest.into(), "options")?;
        Ok(ConversationList {
            state: Rc::new(ItemState {
                shared,
                stream: RefCell::new(ItemStream::new(ConversationPager::new(req))),
            }),
        })
    }
}

/// The state of an offset-paged listing (`{ cursor }` options: a `startIndex`).
fn offset_state<L: OffsetListing>(
    client: Rc<Inner>,
    from_account: String,
    options: &JsValue,
) -> Result<Rc<ItemState<OffsetPager<L>>>, Error> {
    let (shared, o) = split_options(client, options, &["cursor"])?;
    let start = match &o {
        Some(o) => o.u32("cursor")?.unwrap_or(0),
        None => 0,
    };
    Ok(Rc::new(ItemState {
        shared,
        stream: RefCell::new(ItemStream::new(OffsetPager::new(from_account, start))),
    }))
}

impl ContactGroupItemList {
    pub(crate) fn create(
        client: Rc<Inner>,
        from_account: String,
        options: &JsValue,
    ) -> Result<ContactGroupItemList, Error> {
        let state = offset_state(client, from_account, options)?;
        Ok(ContactGroupItemList { state })
    }
}

impl FriendList {
    pub(crate) fn create(
        client: Rc<Inner>,
        from_account: String,
        options: &JsValue,
    ) -> Result<FriendList, Error> {
        let state = offset_state(client, from_account, options)?;
        Ok(FriendList { state })
    }
}
