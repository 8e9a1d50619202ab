//! The client: configuration, signing and one generic [`Client::execute`].
//!
//! A call runs in phase order: validate and build the body (nothing sent on
//! failure), ask the [`Signer`] for a UserSig, draw `random`, send through the
//! [`Transport`], then read the answer. Every error carries the endpoint and,
//! once a request exists, its `random`.

use std::collections::HashMap;

use crate::api::{build_url, parse_response, percent_encoded, Command, RequestParams};
use crate::error::Error;
use crate::limits::MAX_SEARCH_ITEMS;
use crate::marks::{diff_marks, marks_value};
use crate::model::{
    ContactGroupPage, ConversationOutcome, ConversationRef, CreateContactGroupRequest,
    CreateContactGroupResult, DelContactGroupRequest, DelContactGroupResult, DeleteContactRequest,
    GetContactGroupRequest, GetListPage, GetListRequest, MarkContactRequest, MarkContactResult,
    MarkName, SearchContactGroupRequest, SearchContactGroupResult, SnsGroupAddRequest,
    SnsGroupAddResult, SnsGroupDeleteRequest, SnsGroupDeleteResult, SnsGroupGetRequest,
    SnsGroupGetResult, UpdateContactGroupRequest, UpdateContactGroupResult,
};
use crate::region::Region;
use crate::transport::{scrub_secret, Entropy, HttpRequest, Signer, Transport, TransportError};

/// Default per-request timeout. The service's own timeout is 3 s, so a
/// client should wait longer than that (spec §1.3).
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// What a client needs to know about the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The app's SDKAppID.
    pub sdk_app_id: u64,
    /// The admin account calls are made as.
    pub identifier: String,
    /// `https://host` of the region, or a proxy / emulator URL.
    pub base_url: String,
    /// Per-request timeout in milliseconds (0 = none).
    pub timeout_ms: u32,
}

impl ClientConfig {
    /// Checks and builds a configuration. `base_url` wins over `region`; one is required.
    /// Plain `http://` is accepted only for loopback hosts unless `allow_insecure_http`.
    ///
    /// # Errors
    /// [`Error::invalid`] naming `sdkAppId`, `identifier`, `baseUrl` or `region`.
    pub fn new(
        sdk_app_id: u64,
        identifier: &str,
        region: Option<Region>,
        base_url: Option<&str>,
        timeout_ms: Option<u32>,
        allow_insecure_http: bool,
    ) -> Result<Self, Error> {
        if sdk_app_id == 0 || sdk_app_id > u64::from(u32::MAX) {
            return Err(Error::invalid(
                "sdkAppId",
                "must be the app's SDKAppID (1..=4294967295)",
            ));
        }
        crate::model::check_account(identifier, "identifier")?;
        let base_url = match (base_url, region) {
            (Some(url), _) => check_base_url(url, allow_insecure_http)?,
            (None, Some(region)) => region.base_url(),
            (None, None) => return Err(Error::invalid("region", "give a region or a baseUrl")),
        };
        Ok(ClientConfig {
            sdk_app_id,
            identifier: identifier.to_owned(),
            base_url,
            timeout_ms: timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
        })
    }
}

/// Normalises a base URL: scheme and host, optional path, no query, no trailing slash.
fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        Error::invalid(
            "baseUrl",
            "must start with https:// (or http:// for loopback)",
        )
    })?;
    if rest.is_empty() || rest.contains(['?', '#']) || rest.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            "baseUrl",
            "must be scheme://host[:port][/path] without query",
        ));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.find(']') {
        Some(end) if authority.starts_with('[') => &authority[..=end],
        _ => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() || authority.contains('@') {
        return Err(Error::invalid("baseUrl", "needs a host (and no user info)"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(host) => {}
        "http" => {
            return Err(Error::invalid(
                "baseUrl",
                "plain http would send the UserSig in clear; use https, a loopback host, or allowInsecureHttp",
            ))
        }
        _ => return Err(Error::invalid("baseUrl", "scheme must be https or http")),
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || host.strip_prefix("127.").is_some_and(|r| {
            r.split('.').count() == 3 && r.split('.').all(|p| p.parse::<u8>().is_ok())
        })
}

/// A client for one app and admin identifier.
pub struct Client<T, S, E> {
    config: ClientConfig,
    transport: T,
    signer: S,
    entropy: E,
}

impl<T: Transport, S: Signer, E: Entropy> Client<T, S, E> {
    /// Builds a client from its parts.
    pub fn new(config: ClientConfig, transport: T, signer: S, entropy: E) -> Self {
        Client {
            config,
            transport,
            signer,
            entropy,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Runs one command: validate, sign, send, parse.
    ///
    /// # Errors
    /// See [`crate::error`]: invalid input, signing, transport, timeout,
    /// decode or API errors, each with the endpoint and `random` attached.
    pub async fn execute<C: Command>(&self, cmd: &C) -> Result<C::Output, Error> {
        self.execute_with_timeout(cmd, self.config.timeout_ms).await
    }

    /// As [`Client::execute`], with a per-call timeout in milliseconds.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn execute_with_timeout<C: Command>(
        &self,
        cmd: &C,
        timeout_ms: u32,
    ) -> Result<C::Output, Error> {
        let body = cmd.to_body().map_err(|e| e.at(C::ENDPOINT, None))?;
        let usersig = match self.signer.sign(&self.config.identifier).await {
            Ok(sig) if !sig.is_empty() => sig,
            Ok(_) => {
                return Err(
                    Error::signing("the signer returned an empty UserSig").at(C::ENDPOINT, None)
                )
            }
            Err(msg) => {
                return Err(
                    Error::signing(format!("the signer failed: {msg}")).at(C::ENDPOINT, None)
                )
            }
        };
        let random = self.entropy.random_u32();
        let req = HttpRequest {
            url: build_url(
                C::ENDPOINT,
                &RequestParams {
                    base_url: &self.config.base_url,
                    sdk_app_id: self.config.sdk_app_id,
                    identifier: &self.config.identifier,
                    usersig: &usersig,
                    random,
                    timeout_ms,
                },
            ),
            body,
            timeout_ms,
        };
        let resp = self.transport.send(&req).await.map_err(|e| {
            match e {
                // The host's message may quote the URL, and with it the UserSig.
                TransportError::Network(msg) => {
                    let msg =
                        scrub_secret(&scrub_secret(&msg, &usersig), &percent_encoded(&usersig));
                    Error::transport(msg, None)
                }
                TransportError::Timeout => Error::timeout(timeout_ms),
                TransportError::Aborted => Error::transport("aborted by the caller", None),
            }
            .at(C::ENDPOINT, Some(random))
        })?;
        parse_response(cmd, &resp).map_err(|e| e.at(C::ENDPOINT, Some(random)))
    }

    /// `v4/recentcontact/get_list`: one page of a user's conversations.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn get_list(&self, req: &GetListRequest) -> Result<GetListPage, Error> {
        self.execute(req).await
    }

    /// `v4/recentcontact/get_contact_group`: one page of group and mark data.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn get_contact_group(
        &self,
        req: &GetContactGroupRequest,
    ) -> Result<ContactGroupPage, Error> {
        self.execute(req).await
    }

    /// `v4/recentcontact/search_contact_group`: data of given conversations.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn search_contact_group(
        &self,
        req: &SearchContactGroupRequest,
    ) -> Result<SearchContactGroupResult, Error> {
        self.execute(req).await
    }

    /// `v4/recentcontact/update_contact_group`: rename, or add / remove conversations.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn update_contact_group(
        &self,
        req: &UpdateContactGroupRequest,
    ) -> Result<UpdateContactGroupResult, Error> {
        self.execute(req).await
    }

    /// `v4/recentcontact/create_contact_group`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn create_contact_group(
        &self,
        req: &CreateContactGroupRequest,
    ) -> Result<CreateContactGroupResult, Error> {
        self.execute(req).await
    }

    /// `v4/recentcontact/del_contact_group`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn del_contact_group(
        &self,
        req: &DelContactGroupRequest,
    ) -> Result<DelContactGroupResult, Error> {
        self.execute(req).await
    }

    /// `v4/recentcontact/mark_contact`. Items with a `target` are resolved
    /// first: the current marks are read with `search_contact_group` and only
    /// the difference is sent; an item already at its target is reported as
    /// applied (`info` says so) without being sent.
    ///
    /// # Errors
    /// As [`Client::execute`]; reading the current marks can fail too.
    pub async fn mark_contact(&self, req: &MarkContactRequest) -> Result<MarkContactResult, Error> {
        if req.items.iter().all(|i| i.target.is_none()) {
            return self.execute(req).await;
        }
        let endpoint = <MarkContactRequest as Command>::ENDPOINT;
        crate::model::check_account(&req.from_account, "fromAccount")
            .map_err(|e| e.at(endpoint, None))?;
        let mut targets = Vec::new();
        for (i, item) in req.items.iter().enumerate() {
            if let Some(target) = &item.target {
                if !item.set.is_empty() || !item.clear.is_empty() {
                    return Err(Error::invalid(
                        &format!("items[{i}].target"),
                        "give either target or set / clear, not both",
                    )
                    .at(endpoint, None));
                }
                let value = marks_value(target).map_err(|e| {
                    Error::invalid(
                        &format!("items[{i}].target.{}", e.field().unwrap_or("")),
                        e.message(),
                    )
                    .at(endpoint, None)
                })?;
                item.conversation
                    .validate(&format!("items[{i}].conversation"))
                    .map_err(|e| e.at(endpoint, None))?;
                targets.push((i, value));
            }
        }
        let mut current: HashMap<ConversationRef, u64> = HashMap::new();
        let wanted: Vec<ConversationRef> = targets
            .iter()
            .map(|&(i, _)| req.items[i].conversation.clone())
            .collect();
        for chunk in wanted.chunks(MAX_SEARCH_ITEMS) {
            let found = self
                .search_contact_group(&SearchContactGroupRequest {
                    from_account: req.from_account.clone(),
                    conversations: chunk.to_vec(),
                })
                .await?;
            current.extend(
                found
                    .items
                    .into_iter()
                    .map(|d| (d.conversation, d.marks.value)),
            );
        }
        let mut to_send = Vec::with_capacity(req.items.len());
        let mut unchanged = Vec::new();
        for (i, item) in req.items.iter().enumerate() {
            let mut item = item.clone();
            if let Some(&(_, value)) = targets.iter().find(|&&(t, _)| t == i) {
                let now = current.get(&item.conversation).copied().unwrap_or(0);
                let (set, clear) = diff_marks(now, value);
                item.set = set.into_iter().map(MarkName::from_bit).collect();
                item.clear = clear.into_iter().map(MarkName::from_bit).collect();
                item.target = None;
                if item.set.is_empty() && item.clear.is_empty() && item.custom_mark.is_none() {
                    unchanged.push(i);
                    continue;
                }
            }
            to_send.push((i, item));
        }
        let sent = if to_send.is_empty() {
            Vec::new()
        } else {
            let resolved = MarkContactRequest {
                from_account: req.from_account.clone(),
                items: to_send.iter().map(|(_, item)| item.clone()).collect(),
            };
            self.execute(&resolved).await?.results
        };
        // Merge back in request order; extra results (none expected) go last.
        let mut sent = sent.into_iter();
        let mut results = Vec::with_capacity(req.items.len());
        for (i, item) in req.items.iter().enumerate() {
            if unchanged.contains(&i) {
                results.push(ConversationOutcome {
                    conversation: item.conversation.clone(),
                    ok: true,
                    code: 0,
                    info: "unchanged: the marks already match the target".into(),
                });
            } else if let Some(outcome) = sent.next() {
                results.push(outcome);
            }
        }
        results.extend(sent);
        Ok(MarkContactResult { results })
    }

    /// `v4/recentcontact/delete`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn delete_contact(&self, req: &DeleteContactRequest) -> Result<(), Error> {
        self.execute(req).await
    }

    /// `v4/sns/group_get`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn sns_group_get(
        &self,
        req: &SnsGroupGetRequest,
    ) -> Result<SnsGroupGetResult, Error> {
        self.execute(req).await
    }

    /// `v4/sns/group_add`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn sns_group_add(
        &self,
        req: &SnsGroupAddRequest,
    ) -> Result<SnsGroupAddResult, Error> {
        self.execute(req).await
    }

    /// `v4/sns/group_delete`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn sns_group_delete(
        &self,
        req: &SnsGroupDeleteRequest,
    ) -> Result<SnsGroupDeleteResult, Error> {
        self.execute(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        let ok = |u: &str| check_base_url(u, false);
        assert_eq!(
            ok("https://console.tim.qq.com/").unwrap(),
            "https://console.tim.qq.com"
        );
        assert!(ok("http://127.0.0.1:8080").is_ok());
        assert!(ok("http://localhost:1/proxy").is_ok());
        assert!(ok("http://[::1]:9").is_ok());
        assert_eq!(
            ok("http://example.com").unwrap_err().field(),
            Some("baseUrl")
        );
        assert!(check_base_url("http://example.com", true).is_ok());
        assert!(ok("ftp://x").is_err());
        assert!(ok("https://x?y=1").is_err());
        assert!(ok("https://").is_err());
        assert!(ok("http://127.0.0.1.evil.com").is_err());
        assert!(ok("http://user@127.0.0.1").is_err());
        assert!(ok("console.tim.qq.com").is_err());
    }

    #[test]
    fn config_needs_a_destination_and_app() {
        assert_eq!(
            ClientConfig::new(1, "admin", None, None, None, false)
                .unwrap_err()
                .field(),
            Some("region")
        );
        assert_eq!(
            ClientConfig::new(0, "admin", Some(Region::China), None, None, false)
                .unwrap_err()
                .field(),
            Some("sdkAppId")
        );
        assert_eq!(
            ClientConfig::new(1, "", Some(Region::China), None, None, false)
                .unwrap_err()
                .field(),
            Some("identifier")
        );
        let c = ClientConfig::new(
            1_400_000_000,
            "admin",
            Some(Region::Jakarta),
            None,
            None,
            false,
        )
        .unwrap();
        assert_eq!(c.base_url, "https://adminapiidn.im.qcloud.com");
        assert_eq!(c.timeout_ms, DEFAULT_TIMEOUT_MS);
    }
}
