//! One command, type-erased for the attempt loop: what [`Client::execute_with`]
//! needs of a command (its endpoint, its body, reading its answer) behind a
//! `dyn` object, so that the loop, signing, pacing and retry exist once in the
//! wasm instead of once per command type (each generic copy of the call's
//! state machine cost about 1 KB; issue 20).

use std::future::Future;

use super::{CallOptions, Client};
use crate::api::{parse_response, Command};
use crate::error::Error;
use crate::transport::{Clock, Entropy, HttpResponse, MaybeSend, Signer, Transport};

/// What the attempt loop needs of one command.
pub(crate) trait Job: MaybeSend {
    /// The command's endpoint.
    fn endpoint(&self) -> &'static str;
    /// Whether sending it twice is harmless.
    fn idempotent(&self) -> bool;
    /// Validates the request and writes its body.
    fn body(&self) -> Result<String, Error>;
    /// Reads a successful answer and keeps the result.
    fn parse(&mut self, resp: &HttpResponse) -> Result<(), Error>;
}

/// A command, borrowed (from [`Client::execute_with`]) or, in the npm
/// package, owned (a call from JS owns its decoded request; natively there is
/// no such variant, so a borrowed command need only be `Sync`).
pub(crate) enum CommandRef<'c, C> {
    Borrowed(&'c C),
    #[cfg(all(feature = "js", target_arch = "wasm32"))]
    Owned(C),
}

/// A command and, once its answer was read, its result.
pub(crate) struct Slot<'c, C: Command> {
    cmd: CommandRef<'c, C>,
    out: Option<C::Output>,
}

impl<'c, C: Command> Slot<'c, C> {
    pub(crate) fn new(cmd: CommandRef<'c, C>) -> Self {
        Slot { cmd, out: None }
    }

    fn cmd(&self) -> &C {
        match &self.cmd {
            CommandRef::Borrowed(c) => c,
            #[cfg(all(feature = "js", target_arch = "wasm32"))]
            CommandRef::Owned(c) => c,
        }
    }

    /// The result (an error naming the endpoint if no answer was read).
    pub(crate) fn take(&mut self) -> Result<C::Output, Error> {
        self.out
            .take()
            .ok_or_else(|| Error::decode("", "no answer was parsed").at(C::ENDPOINT, None))
    }
}

impl<C: Command> Job for Slot<'_, C> {
    fn endpoint(&self) -> &'static str {
        C::ENDPOINT
    }

    fn idempotent(&self) -> bool {
        C::IDEMPOTENT
    }

    fn body(&self) -> Result<String, Error> {
        self.cmd().to_body()
    }

    fn parse(&mut self, resp: &HttpResponse) -> Result<(), Error> {
        self.out = Some(parse_response(self.cmd(), resp)?);
        Ok(())
    }
}

/// The future of [`Client::run_job`]. In wasm a boxed `dyn` future, so that no
/// caller embeds (and inlines) the attempt loop's state machine; natively the
/// plain one, which stays `Send` whenever the client's parts are (a boxed one
/// would have to promise `Send` for every transport).
#[cfg(target_arch = "wasm32")]
type RunFuture<'a> = std::pin::Pin<Box<dyn Future<Output = Result<(), Error>> + 'a>>;

impl<T: Transport, S: Signer, E: Entropy, K: Clock> Client<T, S, E, K> {
    /// Runs one type-erased command: validate and build the body (nothing
    /// sent on failure), then the attempt loop ([`Client::run`]).
    pub(crate) fn run_job<'a>(
        &'a self,
        job: &'a mut dyn Job,
        opts: &'a CallOptions,
    ) -> impl Future<Output = Result<(), Error>> + 'a {
        let fut = async move {
            let endpoint = job.endpoint();
            let body = job.body().map_err(|e| e.at(endpoint, None))?;
            let idempotent = job.idempotent();
            self.run(endpoint, idempotent, body, opts, &mut |resp| {
                job.parse(resp)
            })
            .await
        };
        #[cfg(target_arch = "wasm32")]
        let fut: RunFuture<'a> = Box::pin(fut);
        fut
    }
}
