//! A JSON reader for serde, smaller than serde_json's and naming the field
//! of its errors.
//!
//! Every decode of the crate goes through here (requests from JavaScript,
//! answers of the service, snapshots, UserSig tickets): the derived
//! `Deserialize` impls are serde's, only the deserializer is ours. It is
//! what serde_json's `from_slice` does, minus what the crate never needs
//! (a `Read` abstraction, exact float parsing tuned for speed, raw values),
//! and it builds the error's path (`items[2].userId`) as the error travels
//! up through the maps and sequences that hold it, so nothing runs on the
//! success path. Measured 2026-12-02 (issue 20): serde_json's deserializer
//! was about 36 KB of the optimised module, plus 18 KB of float printing
//! that only its type-mismatch messages pulled in.
//!
//! Behaviour follows serde_json: the same JSON grammar (RFC 8259, no
//! trailing commas, no comments), duplicate keys left to the visitor
//! (derived structs refuse them), strings borrowed when they have no
//! escapes, integers as `u64` / `i64` (`u128` / `i128` beyond, for the
//! 128-bit entry points; a float elsewhere), other numbers as `f64`, typed
//! nesting limited to 128 levels, values nobody reads checked only for
//! their grammar (as serde_json's `ignore_value`: not UTF-8, surrogates,
//! range or depth), and the same messages without their line and column
//! (`invalid type: integer `5`, expected a string`). Differences, none of
//! which a type of the crate meets: a struct (or struct variant) is read
//! from an object only (serde_json also takes an array of its fields in
//! order); a map key is always a string (serde_json parses integer keys); a
//! float is read to within a few units in the last place ([`approx_f64`]),
//! so a number within a few ulps of `f64::MAX` may be refused as out of
//! range, and printed in messages with at most 14 significant digits
//! ([`float_text`]), so the module needs neither float parser nor formatter.

use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, Expected, Unexpected, Visitor};

const MAX_DEPTH: u32 = 128;

/// One step of an error's path, innermost first.
#[derive(Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

/// A decode error: serde's (or the grammar's) message and where. Boxed:
/// one pointer in every `Result` of every generic decoder, as serde_json's.
#[derive(Debug)]
pub(crate) struct DeError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    message: String,
    /// Innermost first; [`DeError::path`] reverses it.
    path: Vec<Seg>,
}

impl DeError {
    #[cold]
    #[inline(never)]
    fn new(message: &str) -> Self {
        Self::owned(message.to_owned())
    }

    #[cold]
    #[inline(never)]
    fn owned(message: String) -> Self {
        DeError(Box::new(Inner {
            message,
            path: Vec::new(),
        }))
    }

    /// The message, without a path.
    pub(crate) fn message(&self) -> &str {
        &self.0.message
    }

    /// `a.b[2].c`, `""` at the top level.
    pub(crate) fn path(&self) -> String {
        let mut out = String::new();
        for seg in self.0.path.iter().rev() {
            match seg {
                Seg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        out
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        if path.is_empty() {
            f.write_str(&self.0.message)
        } else {
            write!(f, "{} at {path}", self.0.message)
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::owned(msg.to_string())
    }

    #[cold]
    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        mismatch("invalid type", &unexp, exp)
    }

    #[cold]
    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        mismatch("invalid value", &unexp, exp)
    }
}

/// `invalid type: integer `5`, expected a string`: serde's wording with
/// serde_json's `null`, written here so that no float formatter is linked
/// (serde's `Unexpected` display prints `Float` with `f64`'s).
#[cold]
#[inline(never)]
fn mismatch(what: &str, unexp: &Unexpected<'_>, exp: &dyn Expected) -> DeError {
    let mut m = String::new();
    m.push_str(what);
    m.push_str(": ");
    let _ = match *unexp {
        Unexpected::Bool(b) => write!(m, "boolean `{b}`"),
        Unexpected::Unsigned(n) => write!(m, "integer `{n}`"),
        Unexpected::Signed(n) => write!(m, "integer `{n}`"),
        Unexpected::Float(x) => write!(m, "floating point `{}`", float_text(x)),
        Unexpected::Char(c) => write!(m, "character `{c}`"),
        Unexpected::Str(s) => {
            m.push_str("string ");
            quote_into(&mut m, s);
            Ok(())
        }
        Unexpected::Bytes(_) => m.write_str("byte array"),
        Unexpected::Unit => m.write_str("null"),
        Unexpected::Option => m.write_str("Option value"),
        Unexpected::NewtypeStruct => m.write_str("newtype struct"),
        Unexpected::Seq => m.write_str("sequence"),
        Unexpected::Map => m.write_str("map"),
        Unexpected::Enum => m.write_str("enum"),
        Unexpected::UnitVariant => m.write_str("unit variant"),
        Unexpected::NewtypeVariant => m.write_str("newtype variant"),
        Unexpected::TupleVariant => m.write_str("tuple variant"),
        Unexpected::StructVariant => m.write_str("struct variant"),
        Unexpected::Other(o) => m.write_str(o),
    };
    let _ = write!(m, ", expected {exp}");
    DeError::owned(m)
}

/// `s` in double quotes, `"` `\` and control characters escaped (what
/// `{:?}` gives for the strings a message quotes, without its tables).
fn quote_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A float's decimal text with at most 14 significant digits: `1.5`,
/// `0.1`, `-2.5e-7`, `1e300`; whole values below 2^53 as integers (`3`).
/// For messages and free text only: the crate reads no fractional field,
/// and the standard formatter (shortest round-trip) is 14 KB of wasm.
pub(crate) fn float_text(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let mut out = String::new();
    if x.is_sign_negative() && x != 0.0 {
        out.push('-');
    }
    let a = x.abs();
    if a.fract() == 0.0 && a < 9_007_199_254_740_992.0 {
        let _ = write!(out, "{}", a as u64);
        return out;
    }
    // Scale into [1e13, 1e14) by exact powers of ten, in steps of 1e16 first
    // (few roundings), and round to an integer of 14 digits: the error of
    // the scaling stays well below the last digit.
    let mut exp: i32 = 13;
    let mut m = a;
    while m >= 1e30 {
        m /= 1e16;
        exp += 16;
    }
    while m >= 1e14 {
        m /= 10.0;
        exp += 1;
    }
    while m < 1e-3 {
        m *= 1e16;
        exp -= 16;
    }
    while m < 1e13 {
        m *= 10.0;
        exp -= 1;
    }
    let mut digits = m.round() as u64;
    if digits >= 100_000_000_000_000 {
        digits /= 10;
        exp += 1;
    }
    let mut text = digits.to_string();
    while text.len() > 1 && text.ends_with('0') {
        text.pop();
    }
    // `exp` is the power of ten of the first digit.
    if (-5..15).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(&text);
        } else {
            let int_len = exp as usize + 1;
            if text.len() <= int_len {
                out.push_str(&text);
                for _ in text.len()..int_len {
                    out.push('0');
                }
            } else {
                out.push_str(&text[..int_len]);
                out.push('.');
                out.push_str(&text[int_len..]);
            }
        }
    } else {
        out.push_str(&text[..1]);
        if text.len() > 1 {
            out.push('.');
            out.push_str(&text[1..]);
        }
        let _ = write!(out, "e{exp}");
    }
    out
}

/// Reads `T` from `json`; the error names the field at fault.
///
/// # Errors
/// A [`DeError`] for the first problem: not JSON, or not a `T`.
#[inline(always)]
pub(crate) fn from_slice<'de, T: de::Deserialize<'de>>(json: &'de [u8]) -> Result<T, DeError> {
    let mut r = Reader::new(json);
    let value = T::deserialize(&mut r)?;
    r.end()?;
    Ok(value)
}

/// As [`from_slice`], with the entries of `keys` taken out of the top-level
/// object before `T` sees it: `T` decodes the rest, and each key's value
/// comes back as its JSON text (`None` when absent). A key given twice is
/// an error. This is how an answer's envelope (`ErrorCode`, ...) is read in
/// the same pass as its body without a second decoder per body type.
///
/// # Errors
/// A [`DeError`] for the first problem: not JSON, a captured value that is
/// not JSON, or a rest that is not a `T`.
#[inline(always)]
pub(crate) fn from_slice_capturing<'de, T: de::Deserialize<'de>>(
    json: &'de [u8],
    keys: &'static [&'static str],
) -> Result<(T, Vec<Option<&'de str>>), DeError> {
    let mut r = Reader::capturing(json, keys);
    let value = T::deserialize(&mut r)?;
    Ok((value, r.finish_capture()?))
}

/// A number as read: what serde_json hands a visitor.
enum Num {
    U(u64),
    I(i64),
    U128(u128),
    I128(i128),
    F(f64),
}

/// A string as read: borrowed from the input, or unescaped into the scratch buffer.
enum Str<'de> {
    Borrowed(&'de str),
    Scratch,
}

/// The deserializer: JSON text and a position in it.
pub(crate) struct Reader<'de> {
    s: &'de [u8],
    i: usize,
    depth: u32,
    scratch: String,
    /// Keys of the top-level object taken out before its visitor sees them
    /// ([`from_slice_capturing`]); empty for a plain decode.
    capture: &'static [&'static str],
    /// The text of each captured key's value, as byte ranges.
    captured: Vec<Option<(usize, usize)>>,
}

impl<'de> Reader<'de> {
    fn new(s: &'de [u8]) -> Self {
        Reader {
            s,
            i: 0,
            depth: 0,
            scratch: String::new(),
            capture: &[],
            captured: Vec::new(),
        }
    }

    #[inline(never)]
    fn capturing(s: &'de [u8], keys: &'static [&'static str]) -> Self {
        let mut r = Reader::new(s);
        r.capture = keys;
        r.captured = vec![None; keys.len()];
        r
    }

    /// The end of a capturing decode: the captured values' texts.
    #[inline(never)]
    fn finish_capture(&mut self) -> Result<Vec<Option<&'de str>>, DeError> {
        self.end()?;
        let s = self.s;
        Ok(self
            .captured
            .iter()
            .map(|range| range.and_then(|(a, b)| std::str::from_utf8(&s[a..b]).ok()))
            .collect())
    }

    /// Skips whitespace; the next byte, not consumed.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.s.get(self.i) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.i += 1;
        }
        None
    }

    /// After the top-level value: only whitespace may follow.
    fn end(&mut self) -> Result<(), DeError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(DeError::new("trailing characters")),
        }
    }

    /// Consumes `b` after whitespace, or fails with `message`.
    #[inline(never)]
    fn expect(&mut self, b: u8, message: &str) -> Result<(), DeError> {
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else if self.peek().is_none() {
            Err(DeError::new(&format!("EOF while parsing {}", eof_what(b))))
        } else {
            Err(DeError::new(message))
        }
    }

    /// `null`, `true` or `false` at the position: consumes it.
    #[inline(never)]
    fn literal(&mut self, word: &str) -> Result<(), DeError> {
        let end = self.i + word.len();
        if self.s.get(self.i..end) == Some(word.as_bytes()) {
            self.i = end;
            Ok(())
        } else if end > self.s.len()
            && self.s[self.i..]
                .iter()
                .zip(word.bytes())
                .all(|(a, b)| *a == b)
        {
            Err(DeError::new("EOF while parsing a value"))
        } else {
            Err(DeError::new("expected ident"))
        }
    }

    /// Enters `[` or `{` (already peeked): depth and consumption.
    #[inline(never)]
    fn enter(&mut self) -> Result<(), DeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(DeError::new("recursion limit exceeded"));
        }
        self.i += 1;
        Ok(())
    }

    /// Leaves a container whose visitor is done: its closing byte must be next.
    #[inline(never)]
    fn leave(&mut self, close: u8) -> Result<(), DeError> {
        self.depth -= 1;
        match self.peek() {
            Some(b) if b == close => {
                self.i += 1;
                Ok(())
            }
            None => Err(DeError::new(eof_in(close))),
            Some(_) => Err(DeError::new("trailing characters")),
        }
    }

    /// A string after its opening quote (consumed here).
    #[inline(never)]
    fn string(&mut self) -> Result<Str<'de>, DeError> {
        self.i += 1;
        let start = self.i;
        // The common case: no escape, borrowed.
        loop {
            match self.s.get(self.i) {
                None => return Err(DeError::new("EOF while parsing a string")),
                Some(b'"') => {
                    let text = utf8(&self.s[start..self.i])?;
                    self.i += 1;
                    return Ok(Str::Borrowed(text));
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => return Err(control()),
                Some(_) => self.i += 1,
            }
        }
        self.scratch.clear();
        self.scratch.push_str(utf8(&self.s[start..self.i])?);
        loop {
            let run = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            self.scratch.push_str(utf8(&self.s[run..self.i])?);
            match self.s.get(self.i) {
                None => return Err(DeError::new("EOF while parsing a string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Str::Scratch);
                }
                Some(b'\\') => {
                    self.i += 1;
                    self.escape()?;
                }
                Some(_) => return Err(control()),
            }
        }
    }

    /// One escape after its backslash, appended to the scratch buffer.
    fn escape(&mut self) -> Result<(), DeError> {
        let Some(&b) = self.s.get(self.i) else {
            return Err(DeError::new("EOF while parsing a string"));
        };
        self.i += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                if (0xDC00..0xE000).contains(&hi) {
                    return Err(DeError::new("lone leading surrogate in hex escape"));
                }
                let code = if (0xD800..0xDC00).contains(&hi) {
                    if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                        return Err(DeError::new("unexpected end of hex escape"));
                    }
                    self.i += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(DeError::new("lone leading surrogate in hex escape"));
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else {
                    hi
                };
                char::from_u32(code).ok_or_else(|| DeError::new("invalid unicode code point"))?
            }
            _ => return Err(DeError::new("invalid escape")),
        };
        self.scratch.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, DeError> {
        let mut n = 0;
        for _ in 0..4 {
            let Some(&b) = self.s.get(self.i) else {
                return Err(DeError::new("EOF while parsing a string"));
            };
            let d = char::from(b)
                .to_digit(16)
                .ok_or_else(|| DeError::new("invalid escape"))?;
            n = n * 16 + d;
            self.i += 1;
        }
        Ok(n)
    }

    /// Scans a number's text at the position (a `-` or a digit was
    /// peeked), checking its grammar: the integer part's value when it fits
    /// `u64` (accumulated as it is scanned: u128 arithmetic is a library
    /// call in wasm) and whether a fraction or exponent follows.
    #[inline(never)]
    fn scan_number(&mut self) -> Result<(Option<u64>, bool), DeError> {
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let mut n: Option<u64> = Some(0);
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while let Some(&b) = self.s.get(self.i).filter(|b| b.is_ascii_digit()) {
                    n = n
                        .and_then(|n| n.checked_mul(10))
                        .and_then(|n| n.checked_add(u64::from(b - b'0')));
                    self.i += 1;
                }
            }
            None => return Err(DeError::new("EOF while parsing a value")),
            Some(_) => return Err(DeError::new("invalid number")),
        }
        let mut float = false;
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                return Err(self.number_tail_error());
            }
            self.digits();
            float = true;
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                return Err(self.number_tail_error());
            }
            self.digits();
            float = true;
        }
        Ok((n, float))
    }

    /// A number at the position (a `-` or a digit was peeked).
    #[inline(never)]
    fn number(&mut self) -> Result<Num, DeError> {
        let start = self.i;
        let neg = self.s[self.i] == b'-';
        let (n, float) = self.scan_number()?;
        // ASCII digits, signs, `.` and `e`: valid UTF-8.
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default();
        if !float {
            match n {
                Some(n) if !neg => return Ok(Num::U(n)),
                // `-0` is a float, as serde_json reads it.
                Some(0) => return Ok(Num::F(-0.0)),
                Some(n) if n <= 1 << 63 => return Ok(Num::I((n as i64).wrapping_neg())),
                _ => {}
            }
            if let Ok(m) = text.trim_start_matches('-').parse::<u128>() {
                if !neg {
                    return Ok(Num::U128(m));
                }
                if m == 1 << 127 {
                    return Ok(Num::I128(i128::MIN));
                }
                if let Ok(v) = i128::try_from(m) {
                    return Ok(Num::I128(-v));
                }
            }
        }
        let x = approx_f64(text.as_bytes());
        if x.is_finite() {
            Ok(Num::F(x))
        } else {
            Err(DeError::new("number out of range"))
        }
    }

    fn digits(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
    }

    fn number_tail_error(&self) -> DeError {
        DeError::new(if self.i >= self.s.len() {
            "EOF while parsing a value"
        } else {
            "invalid number"
        })
    }

    /// Skips one value (an unknown field's, a captured one's), checking its
    /// grammar as serde_json's `ignore_value` does: brackets, commas,
    /// colons, escapes, control characters and number syntax, but not what
    /// only a decoded value needs (UTF-8, paired surrogates, a number's
    /// range), and with no nesting limit (a stack, not recursion). So a
    /// broken string in a field the crate never reads does not fail an answer.
    #[inline(never)]
    fn skip(&mut self) -> Result<(), DeError> {
        // The closing bytes of the containers open around the position.
        let mut open: Vec<u8> = Vec::new();
        loop {
            match self.peek() {
                None => return Err(DeError::new("EOF while parsing a value")),
                Some(b'n') => self.literal("null")?,
                Some(b't') => self.literal("true")?,
                Some(b'f') => self.literal("false")?,
                Some(b'"') => self.skip_string()?,
                Some(b'-' | b'0'..=b'9') => drop(self.scan_number()?),
                Some(b'[') => {
                    self.i += 1;
                    if self.peek() == Some(b']') {
                        self.i += 1;
                    } else {
                        open.push(b']');
                        continue;
                    }
                }
                Some(b'{') => {
                    self.i += 1;
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                    } else {
                        open.push(b'}');
                        self.skip_key()?;
                        continue;
                    }
                }
                Some(_) => return Err(DeError::new("expected value")),
            }
            // After a value: close what ends here, or go on to the next one.
            loop {
                let Some(&close) = open.last() else {
                    return Ok(());
                };
                match self.peek() {
                    Some(b) if b == close => {
                        self.i += 1;
                        open.pop();
                    }
                    Some(b',') => {
                        self.i += 1;
                        if self.peek() == Some(close) {
                            return Err(DeError::new("trailing comma"));
                        }
                        if close == b'}' {
                            self.skip_key()?;
                        }
                        break;
                    }
                    None => return Err(DeError::new(eof_in(close))),
                    Some(_) => return Err(DeError::new(comma_message(close))),
                }
            }
        }
    }

    /// A key and its colon, skipped (the position is after `{` or `,`).
    fn skip_key(&mut self) -> Result<(), DeError> {
        if self.peek() != Some(b'"') {
            return Err(self.key_error());
        }
        self.skip_string()?;
        self.expect(b':', "expected `:`")
    }

    /// Skips a string (its quote next): escapes and control characters
    /// checked, its bytes not decoded.
    fn skip_string(&mut self) -> Result<(), DeError> {
        self.i += 1;
        loop {
            match self.s.get(self.i) {
                None => return Err(DeError::new("EOF while parsing a string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.s.get(self.i) {
                        None => return Err(DeError::new("EOF while parsing a string")),
                        Some(b'u') => {
                            self.i += 1;
                            self.hex4()?;
                        }
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(_) => return Err(DeError::new("invalid escape")),
                    }
                }
                Some(&b) if b < 0x20 => return Err(control()),
                Some(_) => self.i += 1,
            }
        }
    }

    /// At a key of the top-level object (its quote next): when it is one of
    /// `capture`, reads the entry, keeps its value's text and returns true.
    #[inline(never)]
    fn capture_entry(&mut self) -> Result<bool, DeError> {
        let at = self.i;
        let key = self.string()?;
        let found = self.capture.iter().position(|c| *c == self.text(&key));
        let Some(index) = found else {
            self.i = at;
            return Ok(false);
        };
        let name = self.capture[index];
        let named = |e: DeError| at_key(e, name);
        self.expect(b':', "expected `:`").map_err(named)?;
        self.peek();
        let start = self.i;
        self.skip().map_err(named)?;
        if self.captured[index].is_some() {
            return Err(named(de::Error::duplicate_field(name)));
        }
        self.captured[index] = Some((start, self.i));
        Ok(true)
    }

    #[cold]
    fn key_error(&mut self) -> DeError {
        DeError::new(if self.peek().is_none() {
            "EOF while parsing an object"
        } else {
            "key must be a string"
        })
    }

    /// The key starting at byte `at` (its quote), for an error's path.
    #[cold]
    #[inline(never)]
    fn key_at(&mut self, at: usize) -> String {
        let saved = self.i;
        self.i = at;
        let key = match self.string() {
            Ok(key) => self.text(&key).to_owned(),
            Err(_) => String::new(),
        };
        self.i = saved;
        key
    }

    /// The text of a string just read.
    fn text<'s>(&'s self, s: &Str<'de>) -> &'s str {
        match s {
            Str::Borrowed(s) => s,
            Str::Scratch => &self.scratch,
        }
    }

    fn visit_str<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, DeError> {
        match self.string()? {
            Str::Borrowed(s) => visitor.visit_borrowed_str(s),
            Str::Scratch => visitor.visit_str(&self.scratch),
        }
    }
}

/// The value of a JSON number's text (already checked against the
/// grammar), to within a few units in the last place: 19 significant
/// digits scaled by exact powers of ten. The standard parser is exact, and
/// its table of powers of five alone is 10 KB of incompressible wasm; no
/// field of the crate is fractional, so a float is only ever refused or
/// echoed (messages, free text), never used as a value.
fn approx_f64(text: &[u8]) -> f64 {
    let (neg, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let mut mantissa: u64 = 0;
    let mut exp10: i64 = 0;
    let mut i = 0;
    let mut fraction = false;
    while let Some(&b) = text.get(i) {
        match b {
            b'0'..=b'9' => {
                if mantissa < 1_000_000_000_000_000_000 {
                    mantissa = mantissa * 10 + u64::from(b - b'0');
                    if fraction {
                        exp10 -= 1;
                    }
                } else if !fraction {
                    exp10 += 1;
                }
            }
            b'.' => fraction = true,
            _ => break,
        }
        i += 1;
    }
    if matches!(text.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_neg = text.get(i) == Some(&b'-');
        if matches!(text.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let mut e: i64 = 0;
        for &b in &text[i.min(text.len())..] {
            e = (e * 10 + i64::from(b - b'0')).min(100_000);
        }
        exp10 += if exp_neg { -e } else { e };
    }
    let mut x = mantissa as f64;
    // Beyond these the value is 0 or infinite whatever the 19 digits are
    // (and the loops below would run for each power of ten).
    if mantissa == 0 || exp10 < -343 {
        x = 0.0;
    } else if exp10 > 309 {
        x = f64::INFINITY;
    } else {
        // Powers of ten up to 1e22 are exact in an f64.
        let pow = |n: i64| (0..n).fold(1.0_f64, |p, _| p * 10.0);
        while exp10 > 22 && x.is_finite() {
            x *= 1e22;
            exp10 -= 22;
        }
        while exp10 < -22 && x != 0.0 {
            x /= 1e22;
            exp10 += 22;
        }
        if exp10 >= 0 {
            x *= pow(exp10);
        } else {
            x /= pow(-exp10);
        }
    }
    if neg {
        -x
    } else {
        x
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, DeError> {
    std::str::from_utf8(bytes).map_err(|_| DeError::new("invalid unicode code point"))
}

#[cold]
fn control() -> DeError {
    DeError::new("control character (\\u0000-\\u001F) found while parsing a string")
}

fn eof_in(close: u8) -> &'static str {
    if close == b']' {
        "EOF while parsing a list"
    } else {
        "EOF while parsing an object"
    }
}

fn eof_what(b: u8) -> &'static str {
    match b {
        b']' => "a list",
        b'}' | b':' => "an object",
        _ => "a value",
    }
}

fn comma_message(close: u8) -> &'static str {
    if close == b']' {
        "expected `,` or `]`"
    } else {
        "expected `,` or `}`"
    }
}

#[cold]
#[inline(never)]
fn at_key(e: DeError, name: &str) -> DeError {
    at(e, Seg::Key(name.to_owned()))
}

/// Adds `seg` to the path of an error passing through a container.
#[cold]
#[inline(never)]
fn at(mut e: DeError, seg: Seg) -> DeError {
    e.0.path.push(seg);
    e
}

/// `fn $from(self, visitor)` as `self.$to(visitor)`, for entry points that
/// read the same JSON as another (every integer width as the 64-bit one).
macro_rules! forward_typed {
    ($($($from:ident)+ => $to:ident;)+) => {
        $($(
            fn $from<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
                self.$to(visitor)
            }
        )+)+
    };
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.peek() {
            None => Err(DeError::new("EOF while parsing a value")),
            Some(b'n') => {
                self.literal("null")?;
                visitor.visit_unit()
            }
            Some(b't') => {
                self.literal("true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                visitor.visit_bool(false)
            }
            Some(b'"') => self.visit_str(visitor),
            Some(b'-' | b'0'..=b'9') => match self.number()? {
                Num::U(n) => visitor.visit_u64(n),
                Num::I(n) => visitor.visit_i64(n),
                // Beyond 64 bits a float, as serde_json reads it (no
                // `visit_u128` of every visitor in the wasm).
                Num::U128(n) => visitor.visit_f64(n as f64),
                Num::I128(n) => visitor.visit_f64(n as f64),
                Num::F(x) => visitor.visit_f64(x),
            },
            Some(b'[') => self.seq(visitor),
            Some(b'{') => self.map(visitor),
            Some(_) => Err(DeError::new("expected value")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.peek() {
            Some(b'"') => visitor.visit_enum(UnitVariant { r: self }),
            Some(b'{') => {
                self.enter()?;
                if self.peek() != Some(b'"') {
                    return Err(self.key_error());
                }
                let key = self.i;
                let v = visitor
                    .visit_enum(VariantMap { r: &mut *self })
                    .map_err(|e| keyed(self, e, key))?;
                self.leave(b'}')?;
                Ok(v)
            }
            None => Err(DeError::new("EOF while parsing a value")),
            Some(_) => Err(DeError::new("expected value")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.depth == 0 && !self.capture.is_empty() && self.peek() == Some(b'{') {
            // The top-level object of a capturing decode: its entries still
            // have to be looked at for the captured keys.
            self.map(de::IgnoredAny)?;
        } else {
            self.skip()?;
        }
        visitor.visit_unit()
    }

    // The typed entry points call only the visitor method their type
    // accepts and refuse anything else through one non-generic function
    // (`mismatch_at`), as serde_json does: forwarding them all to
    // `deserialize_any` would instantiate every `visit_*` of every visitor.

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.peek() {
            Some(b't') => {
                self.literal("true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                visitor.visit_bool(false)
            }
            _ => Err(self.mismatch_at(&visitor)),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.integer()? {
            Ok(Num::U(n)) => visitor.visit_u64(n),
            Ok(Num::I(n)) => visitor.visit_i64(n),
            _ => Err(self.mismatch_at(&visitor)),
        }
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.integer()? {
            Ok(Num::U(n)) => visitor.visit_u128(u128::from(n)),
            Ok(Num::U128(n)) => visitor.visit_u128(n),
            Ok(Num::I(n)) => visitor.visit_i128(i128::from(n)),
            Ok(Num::I128(n)) => visitor.visit_i128(n),
            _ => Err(self.mismatch_at(&visitor)),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => match self.number()? {
                Num::U(n) => visitor.visit_u64(n),
                Num::I(n) => visitor.visit_i64(n),
                Num::F(x) => visitor.visit_f64(x),
                Num::U128(n) => visitor.visit_f64(n as f64),
                Num::I128(n) => visitor.visit_f64(n as f64),
            },
            _ => Err(self.mismatch_at(&visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.peek() == Some(b'"') {
            self.visit_str(visitor)
        } else {
            Err(self.mismatch_at(&visitor))
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            visitor.visit_unit()
        } else {
            Err(self.mismatch_at(&visitor))
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.peek() == Some(b'[') {
            self.seq(visitor)
        } else {
            Err(self.mismatch_at(&visitor))
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.peek() == Some(b'{') {
            self.map(visitor)
        } else {
            Err(self.mismatch_at(&visitor))
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        // Only an object: serde_json also takes a struct as an array of its
        // fields in order, which no caller means and which keeps every
        // derived struct's `visit_seq` in the wasm.
        if self.peek() == Some(b'{') {
            self.map(visitor)
        } else {
            Err(self.mismatch_at(&visitor))
        }
    }

    forward_typed! {
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_i8 deserialize_i16
        deserialize_i32 deserialize_i64 => deserialize_u64;
        deserialize_i128 => deserialize_u128;
        deserialize_f32 => deserialize_f64;
        deserialize_char deserialize_string deserialize_identifier => deserialize_str;
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    serde::forward_to_deserialize_any! {
        bytes byte_buf
    }
}

impl<'de> Reader<'de> {
    /// An integer at the position: `Ok(Ok(n))`; `Ok(Err(()))` when the
    /// value is something else (a float, a string, ...), left unread for
    /// [`Reader::mismatch_at`] to describe.
    #[inline(never)]
    fn integer(&mut self) -> Result<Result<Num, ()>, DeError> {
        let start = self.i;
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => match self.number()? {
                Num::F(_) => {
                    self.i = start;
                    Ok(Err(()))
                }
                n => Ok(Ok(n)),
            },
            _ => Ok(Err(())),
        }
    }

    /// `invalid type: <the value at the position>, expected <exp>`; reads a
    /// scalar value, not a container (serde_json's `peek_invalid_type`).
    #[cold]
    #[inline(never)]
    fn mismatch_at(&mut self, exp: &dyn Expected) -> DeError {
        use de::Error as _;
        let unexp = match self.peek() {
            None => return DeError::new("EOF while parsing a value"),
            Some(b'n') => match self.literal("null") {
                Ok(()) => Unexpected::Unit,
                Err(e) => return e,
            },
            Some(b't') => match self.literal("true") {
                Ok(()) => Unexpected::Bool(true),
                Err(e) => return e,
            },
            Some(b'f') => match self.literal("false") {
                Ok(()) => Unexpected::Bool(false),
                Err(e) => return e,
            },
            Some(b'-' | b'0'..=b'9') => match self.number() {
                Ok(Num::U(n)) => Unexpected::Unsigned(n),
                Ok(Num::I(n)) => Unexpected::Signed(n),
                Ok(Num::F(x)) => Unexpected::Float(x),
                Ok(Num::U128(_) | Num::I128(_)) => Unexpected::Other("a 128-bit integer"),
                Err(e) => return e,
            },
            Some(b'"') => match self.string() {
                Ok(text) => return DeError::invalid_type(Unexpected::Str(self.text(&text)), exp),
                Err(e) => return e,
            },
            Some(b'[') => Unexpected::Seq,
            Some(b'{') => Unexpected::Map,
            Some(_) => return DeError::new("expected value"),
        };
        DeError::invalid_type(unexp, exp)
    }

    fn seq<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, DeError> {
        self.enter()?;
        let v = visitor.visit_seq(Seq {
            r: &mut *self,
            index: 0,
        })?;
        self.leave(b']')?;
        Ok(v)
    }

    fn map<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, DeError> {
        self.enter()?;
        let mut st = MapState {
            first: true,
            key: None,
            done: false,
        };
        let v = visitor.visit_map(Map {
            r: &mut *self,
            st: &mut st,
        });
        let v = v.map_err(|e| map_error(self, e, &st))?;
        self.leave(b'}')?;
        Ok(v)
    }
}

/// The path of an error inside the value of the key at byte `key`.
#[cold]
#[inline(never)]
fn keyed(r: &mut Reader<'_>, e: DeError, key: usize) -> DeError {
    let name = r.key_at(key);
    at(e, Seg::Key(name))
}

struct Seq<'a, 'de> {
    r: &'a mut Reader<'de>,
    index: usize,
}

impl<'de> Seq<'_, 'de> {
    /// True when another element follows (its comma consumed).
    #[inline(never)]
    fn has_next(&mut self) -> Result<bool, DeError> {
        match self.r.peek() {
            Some(b']') => return Ok(false),
            None => return Err(DeError::new("EOF while parsing a list")),
            _ => {}
        }
        if self.index > 0 {
            self.r.expect(b',', "expected `,` or `]`")?;
            if self.r.peek() == Some(b']') {
                return Err(DeError::new("trailing comma"));
            }
        }
        Ok(true)
    }
}

impl<'de> de::SeqAccess<'de> for Seq<'_, 'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let index = self.index;
        match self.has_next() {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => return Err(at(e, Seg::Index(index))),
        }
        self.index += 1;
        seed.deserialize(&mut *self.r)
            .map(Some)
            .map_err(|e| at(e, Seg::Index(index)))
    }
}

/// Where a map's reading is, kept by its caller: an error's path depends on it.
struct MapState {
    first: bool,
    /// Where the last key read starts (its quote), until the next key is begun.
    key: Option<usize>,
    /// The closing `}` was seen.
    done: bool,
}

struct Map<'a, 'de> {
    r: &'a mut Reader<'de>,
    st: &'a mut MapState,
}

/// The path of an error out of a map's visitor, as serde_json's position
/// would give it: inside a value or just after it (a visitor refusing what
/// it read), the last key; in a key (an unknown one), or once the map is
/// done (a missing field), the map itself.
#[cold]
#[inline(never)]
fn map_error(r: &mut Reader<'_>, e: DeError, st: &MapState) -> DeError {
    match st.key {
        Some(key) if !st.done => keyed(r, e, key),
        _ => e,
    }
}

impl Map<'_, '_> {
    /// True when another entry follows; its key is next (the quote peeked).
    #[inline(never)]
    fn has_next(&mut self) -> Result<bool, DeError> {
        loop {
            self.st.key = None;
            match self.r.peek() {
                Some(b'}') => {
                    self.st.done = true;
                    return Ok(false);
                }
                None => return Err(DeError::new("EOF while parsing an object")),
                _ => {}
            }
            if !self.st.first {
                self.r.expect(b',', "expected `,` or `}`")?;
                if self.r.peek() == Some(b'}') {
                    return Err(DeError::new("trailing comma"));
                }
            }
            self.st.first = false;
            if self.r.peek() != Some(b'"') {
                return Err(self.r.key_error());
            }
            if !(self.r.depth == 1 && !self.r.capture.is_empty() && self.r.capture_entry()?) {
                return Ok(true);
            }
        }
    }
}

impl<'de> de::MapAccess<'de> for Map<'_, 'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if !self.has_next()? {
            return Ok(None);
        }
        let at = self.r.i;
        let key = seed.deserialize(Key { r: &mut *self.r })?;
        self.st.key = Some(at);
        self.r.expect(b':', "expected `:`")?;
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        seed.deserialize(&mut *self.r)
    }
}

/// A map key: always a string, given to the visitor as one.
struct Key<'a, 'de> {
    r: &'a mut Reader<'de>,
}

impl<'de> de::Deserializer<'de> for Key<'_, 'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.r.visit_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_enum(UnitVariant { r: self.r })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

/// An enum written as its variant's name (`"c2c"`).
struct UnitVariant<'a, 'de> {
    r: &'a mut Reader<'de>,
}

impl<'de> de::EnumAccess<'de> for UnitVariant<'_, 'de> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        let v = seed.deserialize(Key { r: &mut *self.r })?;
        Ok((v, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'_, 'de> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, DeError> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"newtype variant",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, DeError> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"tuple variant",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, DeError> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"struct variant",
        ))
    }
}

/// An enum written as `{ "variant": value }`.
struct VariantMap<'a, 'de> {
    r: &'a mut Reader<'de>,
}

impl<'de> de::EnumAccess<'de> for VariantMap<'_, 'de> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        let v = seed.deserialize(Key { r: &mut *self.r })?;
        self.r.expect(b':', "expected `:`")?;
        Ok((v, self))
    }
}

impl<'de> de::VariantAccess<'de> for VariantMap<'_, 'de> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        de::Deserialize::deserialize(self.r)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self.r)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_seq(self.r, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_struct(self.r, "", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    /// Any JSON value, to compare the reader with serde_json on the same text.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(untagged)]
    enum V {
        Null,
        Bool(bool),
        U(u64),
        I(i64),
        F(f64),
        S(String),
        A(Vec<V>),
        O(BTreeMap<String, V>),
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let texts = [
            r#"{"a":[1,-2,3.5,1e3,-0,0.25e-2,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"],"b":{}}"#,
            " [ ] ",
            "\"plain\"",
            "18446744073709551615",
            "-9223372036854775808",
            r#"{"k\u0041":{"z":[[],[{}]]}}"#,
        ];
        for t in texts {
            let ours: V = from_slice(t.as_bytes()).unwrap_or_else(|e| panic!("{t}: {e}"));
            let theirs: V = serde_json::from_str(t).unwrap();
            assert!(close(&ours, &theirs), "{t}: {ours:?} vs {theirs:?}");
        }
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        let texts = [
            "",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "[1 2]",
            "{\"a\" 1}",
            "{1:2}",
            "01",
            "1.",
            "1e",
            "-",
            "nul",
            "tru",
            "\"\\x\"",
            "\"a\nb\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "[1]x",
            "1e400",
            "\"abc",
            "[",
            "[1",
            "{\"a\":",
            "+1",
            ".5",
            "\"\\u12\"",
        ];
        for t in texts {
            assert!(from_slice::<V>(t.as_bytes()).is_err(), "{t:?} was read");
            assert!(
                serde_json::from_str::<V>(t).is_err(),
                "{t:?}: serde_json reads it"
            );
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(
            from_slice::<V>(deep.as_bytes()).unwrap_err().message(),
            "recursion limit exceeded"
        );
        assert!(from_slice::<V>(&[b'"', 0xff, b'"']).is_err());
    }

    /// Values equal, floats to within the reader's few ulps.
    fn close(a: &V, b: &V) -> bool {
        match (a, b) {
            (V::F(x), V::F(y)) => (x - y).abs() <= x.abs().max(y.abs()) * 1e-14,
            (V::A(x), V::A(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| close(a, b)),
            (V::O(x), V::O(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((k, a), (l, b))| k == l && close(a, b))
            }
            _ => a == b,
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod differential {
        use super::*;
        use proptest::prelude::*;

        /// Tokens of JSON and a few that break it.
        const TOKENS: &[&str] = &[
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            " ",
            "\n",
            "\"a\"",
            "\"k\":",
            "\"\\u00e9\\n\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud800\"",
            "\"\\x\"",
            "0",
            "-0",
            "12",
            "-7",
            "1.5",
            "2e3",
            "1e999",
            "18446744073709551616",
            "-9223372036854775809",
            "true",
            "false",
            "null",
            "nul",
            "01",
            "1.",
            "\"",
            "\\",
            "\u{1}",
            "é",
        ];

        /// A JSON document (valid), as text.
        fn document() -> impl Strategy<Value = String> {
            let leaf = prop::sample::select(vec![
                "0",
                "-0",
                "12",
                "-7",
                "1.5",
                "2e3",
                "-2.5E-3",
                "18446744073709551615",
                "18446744073709551616",
                "-9223372036854775808",
                "true",
                "false",
                "null",
                "\"\"",
                "\"a\"",
                "\"\\u00e9\\n\\\"\"",
                "\"\\ud83d\\ude00\"",
            ])
            .prop_map(str::to_owned);
            leaf.prop_recursive(4, 32, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4)
                        .prop_map(|v| format!("[{}]", v.join(","))),
                    prop::collection::vec(("[a-c]{1,2}", inner), 0..4).prop_map(|v| {
                        let entries: Vec<String> = v
                            .into_iter()
                            .map(|(k, v)| format!("\"{k}\" : {v}"))
                            .collect();
                        format!("{{{}}}", entries.join(","))
                    }),
                ]
            })
        }

        /// A document with a few tokens inserted, bytes deleted or a cut:
        /// text near valid JSON, where a grammar's edge cases are.
        fn jsonish() -> impl Strategy<Value = String> {
            let edit = (
                0usize..3,
                any::<prop::sample::Index>(),
                prop::sample::select(TOKENS.to_vec()),
            );
            (document(), prop::collection::vec(edit, 0..3)).prop_map(|(mut text, edits)| {
                for (kind, at, token) in edits {
                    let mut i = at.index(text.len() + 1);
                    while !text.is_char_boundary(i) {
                        i -= 1;
                    }
                    match kind {
                        0 => text.insert_str(i, token),
                        1 if i < text.len() => {
                            let c = text[i..].chars().next().map_or(1, char::len_utf8);
                            text.replace_range(i..i + c, "");
                        }
                        _ => text.truncate(i),
                    }
                }
                text
            })
        }

        proptest! {
            // Near-valid text finds a grammar slip (a missing comma) in
            // about one case in a thousand: thousands of cases, well under a second.
            #![proptest_config(ProptestConfig::with_cases(4096))]
            #[test]
            fn accepts_and_refuses_what_serde_json_does(text in jsonish()) {
                let ours = from_slice::<V>(text.as_bytes());
                let theirs = serde_json::from_str::<V>(&text);
                match (&ours, &theirs) {
                    (Ok(a), Ok(b)) => prop_assert!(close(a, b), "{text}: {a:?} vs {b:?}"),
                    (Err(_), Err(_)) => {}
                    _ => prop_assert!(false, "{text}: ours {ours:?}, serde_json {theirs:?}"),
                }
            }
        }

        #[test]
        fn whole_documents_agree() {
            // Well-formed documents are rare in random token soup: build some.
            let docs = [
                r#"{"SessionItem":[{"Type":1,"To_Account":"u\u0041","MsgTime":1700000000,"TopFlag":0}],"CompleteFlag":1}"#,
                r#"[[1,2,[3,[4,[5]]]],{"a":{"b":{"c":[true,null,-1.25e-3]}}},"\t"]"#,
            ];
            for d in docs {
                let ours: V = from_slice(d.as_bytes()).unwrap();
                let theirs: V = serde_json::from_str(d).unwrap();
                assert!(close(&ours, &theirs), "{d}");
            }
        }
    }

    #[test]
    fn skipped_values_are_checked_as_serde_json_checks_them() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct S {
            a: u8,
        }
        // What only a decoded value needs is not checked in a value nobody
        // reads: a lone surrogate, a number out of range, nesting, non-UTF-8.
        let deep = format!(r#"{{"x":{}{},"a":1}}"#, "[".repeat(300), "]".repeat(300));
        for text in [
            r#"{"x":"\ud800","a":1}"#.to_owned(),
            r#"{"x":1e400,"a":1}"#.to_owned(),
            deep,
        ] {
            assert_eq!(
                from_slice::<S>(text.as_bytes()).ok(),
                Some(S { a: 1 }),
                "{text}"
            );
            assert_eq!(
                serde_json::from_str::<S>(&text).ok(),
                Some(S { a: 1 }),
                "{text}"
            );
        }
        let mut bytes = br#"{"x":"?","a":1}"#.to_vec();
        bytes[6] = 0xff;
        assert_eq!(from_slice::<S>(&bytes).ok(), Some(S { a: 1 }));
        assert!(serde_json::from_slice::<S>(&bytes).is_ok());
        // The grammar still is.
        for text in [
            r#"{"x":"\q","a":1}"#,
            "{\"x\":\"\u{1}\",\"a\":1}",
            r#"{"x":[1 2],"a":1}"#,
        ] {
            assert!(from_slice::<S>(text.as_bytes()).is_err(), "{text}");
            assert!(serde_json::from_str::<S>(text).is_err(), "{text}");
        }
    }

    #[test]
    fn extreme_numbers_are_quick_and_exact_at_the_ends() {
        // A huge exponent is not a loop per power of ten.
        let many = format!("[{}0]", "1e-99999,".repeat(20_000));
        let v: Vec<f64> = from_slice(many.as_bytes()).unwrap();
        assert!(v[..20_000].iter().all(|x| *x == 0.0));
        assert!(from_slice::<f64>(b"1e99999").is_err());
        assert_eq!(
            from_slice::<f64>(b"-1e-99999").unwrap().to_bits(),
            (-0.0f64).to_bits()
        );
        let min: i128 = from_slice(b"-170141183460469231731687303715884105728").unwrap();
        assert_eq!(min, i128::MIN);
        let big: f64 = from_slice(b"18446744073709551616").unwrap();
        assert_eq!(big, 18_446_744_073_709_551_616.0);
    }

    #[test]
    fn skips_unknown_values_checking_their_grammar() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct S {
            a: u8,
        }
        let ok: S =
            from_slice(br#"{"x":{"y":[1,"2",{"z":null}],"w":true},"a":7,"q":-1.5e3}"#).unwrap();
        assert_eq!(ok, S { a: 7 });
        for bad in [
            r#"{"x":[1,],"a":7}"#,
            r#"{"x":{"y"},"a":7}"#,
            r#"{"x":nope,"a":7}"#,
        ] {
            assert!(from_slice::<S>(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn messages_name_the_value_and_the_expectation() {
        let e = from_slice::<Vec<u32>>(b"[1, 1.5]").unwrap_err();
        assert_eq!(
            (e.path(), e.message()),
            (
                "[1]".to_owned(),
                "invalid type: floating point `1.5`, expected u32"
            )
        );
        let e = from_slice::<Vec<String>>(br#"["a", null]"#).unwrap_err();
        assert_eq!(e.message(), "invalid type: null, expected a string");
        let e = from_slice::<u8>(br#""q\"x""#).unwrap_err();
        assert_eq!(e.message(), r#"invalid type: string "q\"x", expected u8"#);
        let e = from_slice::<BTreeMap<String, Vec<bool>>>(br#"{"a":[true],"b\u00e9":[false,7]}"#)
            .unwrap_err();
        assert_eq!(
            (e.path(), e.message()),
            (
                "bé[1]".to_owned(),
                "invalid type: integer `7`, expected a boolean"
            )
        );
    }

    #[test]
    fn floats_are_read_to_within_a_few_ulps() {
        let texts = [
            "1.5",
            "0.1",
            "-2.5e-7",
            "1e300",
            "123456.789",
            "3.14159265358979323846264338",
            "1234567890123456789012345",
            "0.000000000000000000000000000012",
            "-0.0",
            "2.2250738585072014e-308",
            "1.7976931348623157e308",
            "5e-324",
            "1E+2",
            "0e999",
        ];
        for t in texts {
            let want: f64 = t.parse().unwrap();
            let got = approx_f64(t.as_bytes());
            let tolerance = want.abs() * 1e-15 + 1e-310;
            assert!((got - want).abs() <= tolerance, "{t}: {got} vs {want}");
        }
        assert!(approx_f64(b"1e309").is_infinite());
    }

    #[test]
    fn captured_keys_are_taken_out_of_the_top_level_object() {
        #[derive(Deserialize, Debug, PartialEq)]
        #[serde(deny_unknown_fields)]
        struct Body {
            #[serde(default)]
            items: Vec<u8>,
        }
        const KEYS: &[&str] = &["Code", "Info"];
        let json = br#"{"Code": 7, "items": [1, 2], "Info": {"a" : [1]}}"#;
        let (b, texts) = from_slice_capturing::<Body>(json, KEYS).unwrap();
        assert_eq!(b, Body { items: vec![1, 2] });
        assert_eq!(texts, [Some("7"), Some(r#"{"a" : [1]}"#)]);
        // Only the top level is captured: a nested "Code" is the body's.
        let e =
            from_slice_capturing::<Body>(br#"{"items": [], "x": {"Code": 1}}"#, KEYS).unwrap_err();
        assert_eq!(e.message(), "unknown field `x`, expected `items`");
        let ((), texts) =
            from_slice_capturing::<de::IgnoredAny>(br#"{"a": [], "Info": "i"}"#, KEYS)
                .map(|(_, t)| ((), t))
                .unwrap();
        assert_eq!(texts, [None, Some(r#""i""#)]);
        let e = from_slice_capturing::<Body>(br#"{"Code": 1, "Code": 2}"#, KEYS).unwrap_err();
        assert_eq!(
            (e.path(), e.message()),
            ("Code".to_owned(), "duplicate field `Code`")
        );
        let e = from_slice_capturing::<Body>(br#"{"Info": [1,], "items": []}"#, KEYS).unwrap_err();
        assert_eq!(e.path(), "Info");
    }

    #[test]
    fn float_text_is_short_and_close() {
        let cases = [
            (1.5, "1.5"),
            (0.1, "0.1"),
            (-2.5e-7, "-2.5e-7"),
            (1e300, "1e300"),
            (3.0, "3"),
            (123456.789, "123456.789"),
            (0.000_012_5, "0.0000125"),
            (1.0 / 3.0, "0.33333333333333"),
            (1e-300, "1e-300"),
            (-1.7976931348623157e308, "-1.7976931348623e308"),
            (5e-324, "4.9406564584125e-324"),
            (9.5e15, "9.5e15"),
            (2e16, "2e16"),
        ];
        for (x, text) in cases {
            assert_eq!(float_text(x), text, "{x}");
            let back: f64 = float_text(x).parse().unwrap();
            assert!((back - x).abs() <= x.abs() * 1e-13, "{x}");
        }
    }
}
