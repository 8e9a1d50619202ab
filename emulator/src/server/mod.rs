//! The native server: hyper (HTTP/1.1) on tokio, driving the sans-IO
//! [`crate::core::Emulator`]. This layer does I/O only: it accepts (at most
//! `max_connections` at once), reads each request's body incrementally within
//! the body limit and the request timeout, passes the request and the clock to
//! the core, and acts out its [`crate::core::Action`] (write, drop, delay).
//!
//! hyper parses, frames (Content-Length, chunked, `Expect: 100-continue`,
//! keep-alive), bounds the head (`max_buf_size`, `max_headers`) and answers a
//! malformed head with 400 / 431. Two things are not hyper's: refusing a
//! connection over the cap is a fixed 503 written before any request is read
//! ([`refuse`]), and the idle and head timeouts are kept apart by a watchdog
//! per connection (`conn.rs`: hyper's `header_read_timeout` runs from the end
//! of the previous exchange, so it would merge the two).

mod conn;

use crate::core::{Answer, Config, Emulator, Now};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpSocket, TcpStream};

/// What every connection shares: the core behind a lock, and the host settings.
struct Shared {
    core: Mutex<Emulator>,
    now: Option<fn() -> u64>,
    epoch: Instant,
    log: bool,
    request_timeout: Duration,
    idle_timeout: Duration,
}

impl Shared {
    fn core(&self) -> MutexGuard<'_, Emulator> {
        self.core.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The wall clock (or the configured override, in seconds) and a monotonic one.
    fn now(&self) -> Now {
        let unix_ms = match self.now {
            Some(f) => f().saturating_mul(1000),
            None => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
        };
        Now {
            unix_ms,
            mono_ms: self.epoch.elapsed().as_millis() as u64,
        }
    }
}

/// A running emulator; dropping it shuts it down.
pub struct Running {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop accepting, close connections and join the server thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Start the emulator on its own thread (with its own tokio runtime). Binds
/// before returning, so `Running::addr` is ready to use.
///
/// # Errors
/// The seed is invalid (`InvalidData`), or binding / starting the runtime failed.
pub fn start(config: Config) -> std::io::Result<Running> {
    let rng_seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let core = Emulator::new(&config, rng_seed)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let listener = {
        let _in_runtime = runtime.enter();
        bind(&config.host, config.port)?
    };
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared {
        core: Mutex::new(core),
        now: config.now,
        epoch: Instant::now(),
        log: config.log,
        request_timeout: config.request_timeout,
        idle_timeout: config.idle_timeout,
    });
    let max_connections = config.max_connections.max(1);
    let (tx, rx) = tokio::sync::watch::channel(false);
    let thread = std::thread::Builder::new()
        .name("tim-emulator".into())
        .spawn(move || {
            runtime.block_on(accept_loop(listener, shared, max_connections, rx));
            runtime.shutdown_timeout(Duration::from_secs(1));
        })?;
    Ok(Running {
        addr,
        shutdown: Some(tx),
        thread: Some(thread),
    })
}

/// Pending connections the kernel queues before `accept` (std's default is
/// 128, which a burst of clients overflows into one-second SYN retries).
const BACKLOG: u32 = 1024;

/// Bind the first address `host:port` resolves to (in a runtime context).
fn bind(host: &str, port: u16) -> std::io::Result<TcpListener> {
    let mut last = None;
    for addr in (host, port).to_socket_addrs()? {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(addr).and_then(|()| socket.listen(BACKLOG)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::AddrNotAvailable, "no address to bind")
    }))
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    max_connections: usize,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(max_connections));
    loop {
        tokio::select! {
            acc = listener.accept() => match acc {
                Ok((stream, _)) => match slots.clone().try_acquire_owned() {
                    Ok(permit) => {
                        let shared = shared.clone();
                        let stop = stop.clone();
                        tokio::spawn(async move {
                            conn::serve(stream, shared, stop).await;
                            drop(permit);
                        });
                    }
                    // Over the connection cap: answer 503 and close, never queue.
                    Err(_) => {
                        tokio::spawn(refuse(stream));
                    }
                },
                // Out of file descriptors or similar: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            _ = stop.changed() => break,
        }
    }
}

/// The one answer written without hyper: hyper answers requests, and this one
/// goes out before any request is read, so that a connection over the cap
/// costs nothing but this write.
async fn refuse(mut stream: TcpStream) {
    let bytes = raw(&Answer::busy());
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(&bytes).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// An answer as HTTP/1.1 bytes, `Connection: close`.
fn raw(a: &Answer) -> Vec<u8> {
    let reason = hyper::StatusCode::from_u16(a.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", a.status);
    for (k, v) in &a.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        a.body.len()
    ));
    let mut out = head.into_bytes();
    out.extend_from_slice(&a.body);
    out
}
