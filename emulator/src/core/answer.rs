//! What the core answers with: an HTTP status, headers (CORS always included)
//! and body bytes, plus whether the connection should close after it. Also the
//! envelope every API answer carries, and the answers a host gives for
//! transport failures, so that every form of the emulator words them alike.

use serde_json::{json, Map, Value};

/// An answer to write: the host adds `Content-Length` (= `body.len()`) and
/// framing; everything else is here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status code.
    pub status: u16,
    /// Header name / value pairs, `Content-Type` and the CORS headers included.
    pub headers: Vec<(&'static str, String)>,
    /// Body bytes (for the `truncate` fault, already cut to half).
    pub body: Vec<u8>,
    /// Close the connection after writing this answer.
    pub close: bool,
}

const JSON: &str = "application/json; charset=utf-8";

const BAD_GATEWAY_HTML: &str = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n";

fn cors() -> Vec<(&'static str, String)> {
    vec![
        ("Access-Control-Allow-Origin", "*".into()),
        ("Access-Control-Allow-Methods", "POST, OPTIONS".into()),
        (
            "Access-Control-Allow-Headers",
            "Content-Type, X-Requested-With".into(),
        ),
        ("Access-Control-Max-Age", "600".into()),
    ]
}

/// The API envelope: `ActionStatus`, `ErrorCode`, `ErrorInfo`, `ErrorDisplay`.
pub(crate) fn envelope(code: i64, info: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "ActionStatus".into(),
        json!(if code == 0 { "OK" } else { "FAIL" }),
    );
    m.insert("ErrorCode".into(), json!(code));
    m.insert("ErrorInfo".into(), json!(info));
    m.insert("ErrorDisplay".into(), json!(""));
    m
}

impl Answer {
    fn new(status: u16, content_type: Option<&'static str>, body: Vec<u8>) -> Answer {
        let mut headers = Vec::with_capacity(5);
        if let Some(t) = content_type {
            headers.push(("Content-Type", t.to_string()));
        }
        headers.extend(cors());
        Answer {
            status,
            headers,
            body,
            close: false,
        }
    }

    /// A JSON answer.
    pub(crate) fn json(status: u16, v: &Value) -> Answer {
        Answer::new(status, Some(JSON), v.to_string().into_bytes())
    }

    /// HTTP 200 with a FAIL envelope.
    pub(crate) fn fail(code: i64, info: &str) -> Answer {
        Answer::json(200, &Value::Object(envelope(code, info)))
    }

    /// A control endpoint's error: `{"error": …}`.
    pub(crate) fn control_error(status: u16, msg: impl Into<String>) -> Answer {
        Answer::json(status, &json!({"error": msg.into()}))
    }

    /// `OPTIONS`: 204 with the CORS headers and no body.
    pub(crate) fn preflight() -> Answer {
        Answer::new(204, None, Vec::new())
    }

    /// The `http502` fault: what a gateway in front of the service says.
    pub(crate) fn bad_gateway() -> Answer {
        Answer::new(
            502,
            Some("text/html; charset=utf-8"),
            BAD_GATEWAY_HTML.as_bytes().to_vec(),
        )
    }

    fn closing(mut self, status: u16) -> Answer {
        self.status = status;
        self.close = true;
        self
    }

    /// Transport: the body is over the limit (HTTP 413, FAIL 60003); close.
    pub fn too_large() -> Answer {
        Answer::fail(60003, "request body too large").closing(413)
    }

    /// Transport: the request did not arrive within the request timeout
    /// (HTTP 200, FAIL 60008); close.
    pub fn timed_out() -> Answer {
        Answer::fail(60008, "request timeout").closing(200)
    }

    /// Transport: the request could not be read (HTTP 400, FAIL 60002); close.
    pub fn malformed(why: &str) -> Answer {
        Answer::fail(60002, why).closing(400)
    }

    /// Transport: over the connection cap (HTTP 503, FAIL 60008); close.
    pub fn busy() -> Answer {
        Answer::fail(60008, "too many connections").closing(503)
    }
}
