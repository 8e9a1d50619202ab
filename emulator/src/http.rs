//! A deliberately small HTTP/1.1 server: just enough for JSON POSTs, CORS
//! preflights and the fault modes that need raw control of the connection
//! (drop without a response, truncated body).

use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};

const MAX_HEAD: usize = 64 * 1024;

/// A parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Method, e.g. "POST".
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Raw query string (without `?`).
    pub query: String,
    /// Headers with lower-cased names.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Whether the client wants the connection kept open.
    pub keep_alive: bool,
}

impl Request {
    /// First header value with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Decoded query parameters (first occurrence wins in [`Request::param`]).
    pub fn params(&self) -> Vec<(String, String)> {
        self.query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (percent_decode(k), percent_decode(v)),
                None => (percent_decode(kv), String::new()),
            })
            .collect()
    }
}

/// Percent-decoding (`+` is kept as is: UserSigs never contain it).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A response to write.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Content type ("" = none).
    pub content_type: &'static str,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Response {
    /// JSON response.
    pub fn json(status: u16, body: Vec<u8>) -> Self {
        Response {
            status,
            content_type: "application/json; charset=utf-8",
            headers: Vec::new(),
            body,
        }
    }
}

/// What to do with the connection after handling a request.
#[derive(Debug)]
pub enum Outcome {
    /// Write the response (keep-alive permitting).
    Respond(Response),
    /// Write the response, but announce and send only its first `n` bytes, then close.
    Truncated(Response, usize),
    /// Close the connection without writing anything.
    Drop,
}

/// Failure while reading a request.
#[derive(Debug)]
pub enum ReadError {
    /// Clean EOF before a request started.
    Closed,
    /// Malformed request.
    Bad(String),
    /// Body larger than the limit (declared or while reading chunks).
    TooLarge,
    /// I/O error.
    Io,
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        502 => "Bad Gateway",
        _ => "Unknown",
    }
}

async fn read_line<R: AsyncBufRead + Unpin>(
    r: &mut R,
    buf: &mut Vec<u8>,
    budget: &mut usize,
) -> Result<usize, ReadError> {
    buf.clear();
    let mut limited = r.take(*budget as u64 + 1);
    let n = limited
        .read_until(b'\n', buf)
        .await
        .map_err(|_| ReadError::Io)?;
    if n > *budget {
        return Err(ReadError::Bad("request head too large".into()));
    }
    *budget -= n;
    Ok(n)
}

fn trim_crlf(b: &[u8]) -> &[u8] {
    let mut e = b.len();
    while e > 0 && (b[e - 1] == b'\n' || b[e - 1] == b'\r') {
        e -= 1;
    }
    &b[..e]
}

/// Read one request. `max_body` bounds the body size.
pub async fn read_request<R, W>(r: &mut R, w: &mut W, max_body: usize) -> Result<Request, ReadError>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut budget = MAX_HEAD;
    let mut line = Vec::new();
    // request line (skip stray empty lines)
    let request_line = loop {
        let n = read_line(r, &mut line, &mut budget).await?;
        if n == 0 {
            return Err(ReadError::Closed);
        }
        let t = trim_crlf(&line);
        if !t.is_empty() {
            break String::from_utf8_lossy(t).into_owned();
        }
    };
    let mut parts = request_line.split_whitespace();
    let (method, target, version) = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/1.") => {
            (m.to_string(), t.to_string(), v.to_string())
        }
        _ => return Err(ReadError::Bad("malformed request line".into())),
    };
    let mut headers = Vec::new();
    loop {
        let n = read_line(r, &mut line, &mut budget).await?;
        if n == 0 {
            return Err(ReadError::Bad("unexpected EOF in headers".into()));
        }
        let t = trim_crlf(&line);
        if t.is_empty() {
            break;
        }
        let s = String::from_utf8_lossy(t);
        match s.split_once(':') {
            Some((k, v)) => headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string())),
            None => return Err(ReadError::Bad("malformed header".into())),
        }
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let conn = find("connection").unwrap_or_default().to_ascii_lowercase();
    let keep_alive = if version == "HTTP/1.0" {
        conn.contains("keep-alive")
    } else {
        !conn.contains("close")
    };
    let chunked = find("transfer-encoding")
        .map(|v| v.to_ascii_lowercase().contains("chunked"))
        .unwrap_or(false);
    let content_length = match find("content-length") {
        Some(v) => Some(
            v.parse::<usize>()
                .map_err(|_| ReadError::Bad("invalid Content-Length".into()))?,
        ),
        None => None,
    };
    if let Some(len) = content_length {
        if len > max_body && !chunked {
            return Err(ReadError::TooLarge);
        }
    }
    let expects_continue = find("expect")
        .map(|v| v.eq_ignore_ascii_case("100-continue"))
        .unwrap_or(false);
    if expects_continue && (chunked || content_length.unwrap_or(0) > 0) {
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .await
            .map_err(|_| ReadError::Io)?;
        w.flush().await.map_err(|_| ReadError::Io)?;
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut b = 4096usize;
            read_line(r, &mut line, &mut b).await?;
            let t = String::from_utf8_lossy(trim_crlf(&line)).into_owned();
            let size_str = t.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_str, 16)
                .map_err(|_| ReadError::Bad("invalid chunk size".into()))?;
            if size == 0 {
                // trailers
                loop {
                    let mut b = 4096usize;
                    let n = read_line(r, &mut line, &mut b).await?;
                    if n == 0 || trim_crlf(&line).is_empty() {
                        break;
                    }
                }
                break;
            }
            if body.len().saturating_add(size) > max_body {
                return Err(ReadError::TooLarge);
            }
            let start = body.len();
            body.resize(start + size, 0);
            r.read_exact(&mut body[start..])
                .await
                .map_err(|_| ReadError::Io)?;
            let mut b = 16usize;
            read_line(r, &mut line, &mut b).await?;
        }
    } else if let Some(len) = content_length {
        body.resize(len, 0);
        r.read_exact(&mut body).await.map_err(|_| ReadError::Io)?;
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.clone(), String::new()),
    };
    Ok(Request {
        method,
        path,
        query,
        headers,
        body,
        keep_alive,
    })
}

/// Serialize a response head + body (body cut to `send_len` bytes while
/// announcing `send_len` as Content-Length).
pub fn serialize(resp: &Response, send_len: usize, keep_alive: bool) -> Vec<u8> {
    let send_len = send_len.min(resp.body.len());
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    if !resp.content_type.is_empty() {
        head.push_str(&format!("Content-Type: {}\r\n", resp.content_type));
    }
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {send_len}\r\n"));
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut out = head.into_bytes();
    out.extend_from_slice(&resp.body[..send_len]);
    out
}

/// Idle time allowed between keep-alive requests.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
