//! One connection: hyper serves it, a watchdog keeps its idle and head
//! timeouts, and the service reads each body incrementally (memory follows the
//! bytes received, never the length announced) before handing the request to
//! the core and acting out the reply.

use super::Shared;
use crate::core::{Action, Answer, Request};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue, CONNECTION, EXPECT};
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Largest request head (request line and headers) hyper buffers.
const MAX_HEAD: usize = 64 * 1024;
/// What is read and thrown away of a body over the limit before the 413 goes
/// out (so that closing does not reset the connection before the client reads it).
const DRAIN_BYTES: usize = 64 * 1024 * 1024;
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// Where a connection is, for the watchdog.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for a request since then (idle timeout).
    Idle(Instant),
    /// The first bytes of a request arrived then; its head is not complete yet
    /// (request timeout).
    Head(Instant),
    /// The service has the request (it keeps the body's deadline itself).
    Busy,
}

/// The phase, shared by the socket wrapper, the service and the watchdog,
/// which is woken on every change.
struct PhaseCell {
    phase: Mutex<Phase>,
    changed: Notify,
}

impl PhaseCell {
    fn new() -> Arc<PhaseCell> {
        Arc::new(PhaseCell {
            phase: Mutex::new(Phase::Idle(Instant::now())),
            changed: Notify::new(),
        })
    }

    fn get(&self) -> Phase {
        *self.lock()
    }

    fn set(&self, p: Phase) {
        *self.lock() = p;
        self.changed.notify_one();
    }

    fn lock(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `t + d`, or far enough in the future when that overflows.
fn after(t: Instant, d: Duration) -> Instant {
    t.checked_add(d)
        .unwrap_or_else(|| t + Duration::from_secs(365 * 24 * 3600))
}

/// The socket, noting when the first bytes of the next request arrive.
struct Watched {
    io: TcpStream,
    phase: Arc<PhaseCell>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let r = Pin::new(&mut this.io).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            if let Phase::Idle(_) = this.phase.get() {
                this.phase.set(Phase::Head(Instant::now()));
            }
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

/// Serve one connection until the client closes it, a timeout closes it, or
/// the server stops (in-flight requests finish first).
pub(super) async fn serve(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let phase = PhaseCell::new();
    let io = TokioIo::new(Watched {
        io: stream,
        phase: phase.clone(),
    });
    let service = {
        let (shared, phase) = (shared.clone(), phase.clone());
        hyper::service::service_fn(move |req| respond(shared.clone(), phase.clone(), req))
    };
    let conn = hyper::server::conn::http1::Builder::new()
        .max_buf_size(MAX_HEAD)
        .title_case_headers(true)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let (idle, request) = (shared.idle_timeout, shared.request_timeout);
    let expiry = |p: Phase| match p {
        Phase::Idle(t) => Some(after(t, idle)),
        Phase::Head(t) => Some(after(t, request)),
        Phase::Busy => None,
    };
    let mut stopping = false;
    loop {
        let due = expiry(phase.get());
        let wake = async {
            match due {
                Some(t) => tokio::time::sleep_until(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = conn.as_mut() => return,
            // A new phase may bring the deadline forward: compute it again.
            _ = phase.changed.notified() => {}
            _ = wake => {
                if expiry(phase.get()).is_some_and(|t| t <= Instant::now()) {
                    // Dropping the connection closes the socket, without an answer.
                    return;
                }
            }
            _ = stop.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The service's error: close the connection without an answer (hyper writes
/// nothing when the service fails).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped without an answer")
    }
}

impl std::error::Error for Dropped {}

async fn respond(
    shared: Arc<Shared>,
    phase: Arc<PhaseCell>,
    req: hyper::Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let started = match phase.get() {
        Phase::Head(t) => t,
        _ => Instant::now(),
    };
    phase.set(Phase::Busy);
    let result = answer(&shared, after(started, shared.request_timeout), req).await;
    phase.set(Phase::Idle(Instant::now()));
    result
}

async fn answer(
    shared: &Shared,
    deadline: Instant,
    req: hyper::Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, mut body) = req.into_parts();
    let expects_continue = parts
        .headers
        .get(EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let limit = shared.core().max_body_bytes();
    let bytes = match read_body(&mut body, limit, deadline, expects_continue).await {
        Ok(b) => b,
        Err(BodyError::Gone) => return Err(Dropped),
        Err(BodyError::Refused(a)) => return Ok(to_response(a)),
    };
    let t0 = std::time::Instant::now();
    let request = Request {
        method: parts.method.as_str(),
        target: parts.uri.path_and_query().map_or("/", |pq| pq.as_str()),
        body: &bytes,
    };
    let mut reply = shared.core().handle(&request, shared.now());
    if let Action::Delay(d) = reply.action {
        tokio::time::sleep(Duration::from_millis(d.ms)).await;
        reply = shared.core().resume(&request, d, shared.now());
    }
    if let (true, Some(line)) = (shared.log, &reply.log) {
        eprintln!("{line} {:.1}ms", t0.elapsed().as_secs_f64() * 1000.0);
    }
    match reply.action {
        Action::Answer(a) => Ok(to_response(a)),
        Action::Drop | Action::Delay(_) => Err(Dropped),
    }
}

enum BodyError {
    /// Answer this (over the limit, timed out, malformed) and close.
    Refused(Answer),
    /// The client went away: nobody to answer.
    Gone,
}

/// Read the body as it arrives, at most `limit` bytes, by `deadline`. A body
/// announced over the limit is refused before any of it is kept.
async fn read_body(
    body: &mut Incoming,
    limit: usize,
    deadline: Instant,
    expects_continue: bool,
) -> Result<Vec<u8>, BodyError> {
    let too_large = || BodyError::Refused(Answer::too_large());
    if body.size_hint().exact().is_some_and(|n| n > limit as u64) {
        // A client waiting for `100 Continue` sends nothing more: answer now.
        if !expects_continue {
            drain(body).await;
        }
        return Err(too_large());
    }
    let mut buf = Vec::new();
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(BodyError::Refused(Answer::timed_out())),
            Ok(None) => return Ok(buf),
            Ok(Some(Err(e))) => return Err(body_error(&e)),
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if buf.len().saturating_add(data.len()) > limit {
                drain(body).await;
                return Err(too_large());
            }
            buf.extend_from_slice(&data);
        }
    }
}

/// Read and discard what the client still sends (bounded in bytes and time).
async fn drain(body: &mut Incoming) {
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        let mut n = 0usize;
        while let Some(Ok(frame)) = body.frame().await {
            n = n.saturating_add(frame.data_ref().map_or(0, Bytes::len));
            if n > DRAIN_BYTES {
                break;
            }
        }
    })
    .await;
}

/// A body hyper could not decode. A chunk size that does not fit in 64 bits
/// is over any limit (413); other framing errors are malformed (400); the
/// rest (reset, early EOF) means the client is gone.
fn body_error(e: &hyper::Error) -> BodyError {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<io::Error>() {
            return match io.kind() {
                io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput => {
                    let why = io.to_string();
                    BodyError::Refused(if why.contains("overflow") {
                        Answer::too_large()
                    } else {
                        Answer::malformed(&why)
                    })
                }
                _ => BodyError::Gone,
            };
        }
        source = s.source();
    }
    BodyError::Gone
}

fn to_response(a: Answer) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(a.body)));
    *r.status_mut() = StatusCode::from_u16(a.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = r.headers_mut();
    for (k, v) in a.headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            headers.append(k, v);
        }
    }
    if a.close {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    r
}
