//! The `TimClient` class.

use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{from_js, throw, to_js};
use super::fetch::{CryptoEntropy, FetchTransport};
use super::signer::JsSigner;
use crate::api::Command;
use crate::client::{Client, ClientConfig};
use crate::error::Error;
use crate::model::{
    CreateContactGroupRequest, DelContactGroupRequest, DeleteContactRequest,
    GetContactGroupRequest, GetListRequest, MarkContactRequest, SearchContactGroupRequest,
    SnsGroupAddRequest, SnsGroupDeleteRequest, SnsGroupGetRequest, UpdateContactGroupRequest,
};
use crate::region::Region;

type Inner = Client<FetchTransport, JsSigner, CryptoEntropy>;

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
    inner: Rc<Inner>,
}

fn get(options: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn optional_string(options: &JsValue, key: &str) -> Result<Option<String>, Error> {
    let v = get(options, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| Error::invalid(key, "must be a string"))
}

fn optional_u32(options: &JsValue, key: &str) -> Result<Option<u32>, Error> {
    let v = get(options, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => {
            Ok(Some(n as u32))
        }
        _ => Err(Error::invalid(
            key,
            "must be a whole number from 0 to 4294967295",
        )),
    }
}

fn optional_function(options: &JsValue, key: &str) -> Result<Option<js_sys::Function>, Error> {
    let v = get(options, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into::<js_sys::Function>()
        .map(Some)
        .map_err(|_| Error::invalid(key, "must be a function"))
}

fn parse_options(options: &JsValue) -> Result<Inner, Error> {
    if !options.is_object() {
        return Err(Error::invalid("options", "is required (an object)"));
    }
    let sdk_app_id = optional_u32(options, "sdkAppId")?
        .ok_or_else(|| Error::invalid("sdkAppId", "is required (the app's SDKAppID)"))?;
    let identifier = optional_string(options, "identifier")?
        .ok_or_else(|| Error::invalid("identifier", "is required (an app-admin account)"))?;
    let signer = optional_function(options, "userSig")?.ok_or_else(|| {
        Error::invalid(
            "userSig",
            "is required: a function (identifier) => string | Promise<string>",
        )
    })?;
    let region = optional_string(options, "region")?
        .map(|r| {
            from_js::<Region>(JsValue::from_str(&r), "region")
                .map_err(|_| Error::invalid("region", format!("unknown region {r:?}")))
        })
        .transpose()?;
    let base_url = optional_string(options, "baseUrl")?;
    let timeout_ms = optional_u32(options, "timeoutMs")?;
    let allow_insecure = get(options, "allowInsecureHttp").is_truthy();
    let fetch = optional_function(options, "fetch")?;
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
    let config = ClientConfig::new(
        u64::from(sdk_app_id),
        &identifier,
        region,
        base_url.as_deref(),
        timeout_ms,
        allow_insecure,
    )?;
    Ok(Client::new(
        config,
        FetchTransport::new(fetch),
        JsSigner::new(signer),
        CryptoEntropy,
    ))
}

impl TimClient {
    /// Reads the request, runs `run` on it, converts the result or error.
    fn call_with<C, F, Fut>(&self, req: JsValue, run: F) -> js_sys::Promise
    where
        C: Command + DeserializeOwned + 'static,
        C::Output: Serialize,
        F: FnOnce(Rc<Inner>, C) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<C::Output, Error>> + 'static,
    {
        let client = Rc::clone(&self.inner);
        wasm_bindgen_futures::future_to_promise(async move {
            let cmd: C = from_js(req, "request").map_err(|e| throw(&e.at(C::ENDPOINT, None)))?;
            let out = run(client, cmd).await.map_err(|e| throw(&e))?;
            to_js(&out)
        })
    }

    fn call<C>(&self, req: JsValue) -> js_sys::Promise
    where
        C: Command + DeserializeOwned + 'static,
        C::Output: Serialize,
    {
        self.call_with(
            req,
            |client, cmd: C| async move { client.execute(&cmd).await },
        )
    }
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
        self.inner.config().base_url.clone()
    }

    /// `v4/recentcontact/get_list`: one page of a user's conversations, pinned
    /// first. Pass the page's `nextCursor` as `cursor` until `complete`.
    ///
    /// @example
    /// ```js
    /// let cursor;
    /// for (;;) {
    ///   const page = await tim.getList({ fromAccount: "alice", cursor });
    ///   for (const c of page.items) console.log(c.conversation, c.marks?.star);
    ///   if (page.complete) break;
    ///   cursor = page.nextCursor;
    /// }
    /// ```
    #[wasm_bindgen(js_name = getList, unchecked_return_type = "Promise<GetListPage>")]
    pub fn get_list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GetListRequest")] request: JsValue,
    ) -> js_sys::Promise {
        self.call::<GetListRequest>(request)
    }

    /// `v4/recentcontact/get_contact_group`: one page of all conversations that
    /// have marks or groups, plus the user's conversation groups.
    #[wasm_bindgen(js_name = getContactGroup, unchecked_return_type = "Promise<ContactGroupPage>")]
    pub fn get_contact_group(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GetContactGroupRequest")] request: JsValue,
    ) -> js_sys::Promise {
        self.call::<GetContactGroupRequest>(request)
    }

    /// `v4/recentcontact/search_contact_group`: marks and groups of up to 300 conversations.
    #[wasm_bindgen(js_name = searchContactGroup, unchecked_return_type = "Promise<SearchContactGroupResult>")]
    pub fn search_contact_group(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SearchContactGroupRequest")] request: JsValue,
    ) -> js_sys::Promise {
        self.call::<SearchContactGroupRequest>(request)
    }

    /// `v4/recentcontact/update_contact_group`: rename a conversation group
    /// (`newName`), or add / remove conversations (per-item results).
    #[wasm_bindgen(js_name = updateContactGroup, unchecked_return_type = "Promise<UpdateContactGroupResult>")]
    pub fn update_contact_group(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpdateContactGroupRequest")] request: JsValue,
    ) -> js_sys::Promise {
        self.call::<UpdateContactGroupRequest>(request)
    }

    /// `v4/sns/group_get`: a user's friend groups (with friends if `needFriends`).
    #[wasm_bindgen(js_name = snsGroupGet, unchecked_return_type = "Promise<SnsGroupGetResult>")]
    pub fn sns_group_get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SnsGroupGetRequest")] request: JsValue,
    ) -> js_sys::Promise {
        self.call::<SnsGroupGetRequest>(request)
    }

    /// `v4/recentcontact/create_contact_group`: create one conversation group.
    #[wasm_bindgen(js_name = createContactGroup, unchecked_return_type = "Promise<CreateContactGroupResult>")]
    pub fn create_contact_group(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateContactGroupRequest")] request: JsValue,
    ) -> js_sys::Promise {
        self.call::<CreateContactGroupRequest>(request)
    }

    /// `v4/recentcontact/del_contact_group`: delete one conversation group.
    #[wasm_bindgen(js_name = delContactGroup, unchecked_return_type = "Promise<DelContactGroupResult>")]
    pub fn del_contact_group(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DelContactGroupRequest")] request: JsValue,
    ) -> js_sys::Promise {
        self.call::<DelContactGroupRequest>(request)
    }

    /// `v4/recentcontact/mark_contact`: set / clear marks of up to 100 conversations.
    /// With `target` instead of `set` / `clear`, the client reads the current
    /// marks and sends only the difference.
    ///
    /// @example
    /// ```js
    /// await tim.markContact({ fromAccount: "alice", items: [
    ///   { conversation: { type: "c2c", userId: "bob" }, set: ["star", 40], clear: ["unread"] },
    /// ]});
    /// ```
    #[wasm_bindgen(js_name = markContact, unchecked_return_type = "Promise<MarkContactResult>")]
    pub fn mark_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "MarkContactRequest")] request: JsValue,
    ) -> js_sys::Promise {
        self.call_with(request, |client, cmd: MarkContactRequest| async move {
            client.mark_contact(&cmd).await
        })
    }

    /// `v4/recentcontact/delete`: remove a conversation from a user's list.
    #[wasm_bindgen(js_name = deleteContact, unchecked_return_type = "Promise<void>")]
    pub fn delete_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeleteContactRequest")] request: JsValue,
    ) -> js_sys::Promise {
        self.call::<DeleteContactRequest>(request)
    }

    /// `v4/sns/group_add`: create friend groups, optionally with friends (per-friend results).
    #[wasm_bindgen(js_name = snsGroupAdd, unchecked_return_type = "Promise<SnsGroupAddResult>")]
    pub fn sns_group_add(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SnsGroupAddRequest")] request: JsValue,
    ) -> js_sys::Promise {
        self.call::<SnsGroupAddRequest>(request)
    }

    /// `v4/sns/group_delete`: delete friend groups.
    #[wasm_bindgen(js_name = snsGroupDelete, unchecked_return_type = "Promise<SnsGroupDeleteResult>")]
    pub fn sns_group_delete(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SnsGroupDeleteRequest")] request: JsValue,
    ) -> js_sys::Promise {
        self.call::<SnsGroupDeleteRequest>(request)
    }
}
