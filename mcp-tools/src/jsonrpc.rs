//! The JSON-RPC 2.0 layer: ids, messages, responses and protocol errors.
//!
//! Protocol errors (this module) are for messages the server cannot process at
//! all. A tool that runs and fails answers with a successful JSON-RPC response
//! carrying an error envelope instead; see [`crate::ToolError`].

use std::borrow::Cow;
use std::fmt;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

mod raw;
mod request_meta;

pub(crate) use raw::{to_raw, to_raw_object};
pub use request_meta::RequestMeta;
use request_meta::{ParamsMember, WithMeta};

/// The id of a JSON-RPC request: a string or an integer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RequestId {
    /// An integer id.
    Number(i64),
    /// A string id.
    String(Box<str>),
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::String(s) => write!(f, "{s:?}"),
        }
    }
}

impl From<i64> for RequestId {
    fn from(id: i64) -> Self {
        Self::Number(id)
    }
}

impl From<&str> for RequestId {
    fn from(id: &str) -> Self {
        Self::String(id.into())
    }
}

impl Serialize for RequestId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(n) => serializer.serialize_i64(*n),
            Self::String(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for RequestId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(s) => Ok(Self::String(s.into())),
            Value::Number(n) => n
                .as_i64()
                .map(Self::Number)
                .ok_or_else(|| D::Error::custom("a request id must be a string or an integer")),
            _ => Err(D::Error::custom(
                "a request id must be a string or an integer",
            )),
        }
    }
}

/// A request: a method call the peer expects an answer to.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The id the response echoes.
    pub id: RequestId,
    /// The method name, such as `tools/call`.
    pub method: String,
    /// The parameters, if any, without an object `_meta`: [`parse`] moves
    /// that into [`meta`](Self::meta).
    pub params: Option<Value>,
    /// The `_meta` of `params`, read once into its fields (see
    /// [`RequestMeta`]); `None` when the request has none, or when it was
    /// built by hand and [`lift_meta`](Self::lift_meta) was not called.
    pub meta: Option<Box<RequestMeta>>,
}

/// A notification: a one-way message that gets no answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// The method name, such as `notifications/progress`.
    pub method: Cow<'static, str>,
    /// The parameters, if any.
    pub params: Option<Value>,
}

impl Notification {
    /// A notification with parameters.
    pub fn new(method: impl Into<Cow<'static, str>>, params: Value) -> Self {
        Self {
            method: method.into(),
            params: Some(params),
        }
    }
}

/// An answer the peer sent to one of our requests (elicitation, sampling).
#[derive(Debug, Clone, PartialEq)]
pub struct PeerResponse {
    /// The id of our request.
    pub id: RequestId,
    /// The result, or the error the peer answered with.
    pub outcome: Result<Value, ErrorObject>,
}

/// One incoming JSON-RPC message.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A request to answer.
    Request(Request),
    /// A notification.
    Notification(Notification),
    /// A response to a request the server sent.
    Response(PeerResponse),
}

/// What one body held: a single message or a JSON-RPC batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// One message.
    Single(Message),
    /// A batch: one entry per element, each parsed on its own so that one bad
    /// element does not spoil the others.
    Batch(Vec<Result<Message, Box<Response>>>),
}

/// Standard JSON-RPC and MCP error codes.
pub mod code {
    /// The body is not valid JSON.
    pub const PARSE_ERROR: i32 = -32700;
    /// The JSON is not a valid JSON-RPC request.
    pub const INVALID_REQUEST: i32 = -32600;
    /// The method does not exist or is not available in this protocol version.
    pub const METHOD_NOT_FOUND: i32 = -32601;
    /// The parameters are invalid: unknown tool, malformed call.
    pub const INVALID_PARAMS: i32 = -32602;
    /// The server failed to process a valid request.
    pub const INTERNAL_ERROR: i32 = -32603;
    /// A request header does not match its body (2026-07-28).
    pub const HEADER_MISMATCH: i32 = -32020;
    /// The requested protocol version is not supported (2026-07-28).
    pub const UNSUPPORTED_PROTOCOL_VERSION: i32 = -32022;
    /// -32021: the request needs a client capability the client did not declare (2026-07-28).
    pub const MISSING_REQUIRED_CLIENT_CAPABILITY: i32 = -32021;
    /// -32800: the client cancelled the request before it finished.
    pub const REQUEST_CANCELLED: i32 = -32800;
}

/// A JSON-RPC error object: `{"code":…,"message":…,"data":…}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorObject {
    /// The numeric code, see [`code`].
    pub code: i32,
    /// A short description of what went wrong.
    pub message: String,
    /// Structured detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl ErrorObject {
    /// An error with a code and message.
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// Adds structured detail.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// -32700: the body is not valid JSON.
    pub fn parse_error(detail: impl fmt::Display) -> Self {
        Self::new(code::PARSE_ERROR, format!("parse error: {detail}"))
    }

    /// -32600: not a valid JSON-RPC message.
    pub fn invalid_request(detail: impl fmt::Display) -> Self {
        Self::new(code::INVALID_REQUEST, format!("invalid request: {detail}"))
    }

    /// -32601: no such method.
    pub fn method_not_found(method: &str) -> Self {
        Self::new(
            code::METHOD_NOT_FOUND,
            format!("method not found: {method}"),
        )
    }

    /// -32602: invalid parameters.
    pub fn invalid_params(detail: impl fmt::Display) -> Self {
        Self::new(code::INVALID_PARAMS, format!("invalid params: {detail}"))
    }

    /// -32603: internal error.
    pub fn internal(detail: impl fmt::Display) -> Self {
        Self::new(code::INTERNAL_ERROR, format!("internal error: {detail}"))
    }
}

impl fmt::Display for ErrorObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for ErrorObject {}

/// The server's answer to one request.
///
/// A successful result is kept as raw JSON so that it is serialised exactly once.
#[derive(Debug, Clone)]
pub struct Response {
    /// The id of the request; `None` when the request's id could not be read.
    pub id: Option<RequestId>,
    /// The result or the protocol error.
    pub outcome: Result<Box<RawValue>, ErrorObject>,
}

impl PartialEq for Response {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && match (&self.outcome, &other.outcome) {
                (Ok(a), Ok(b)) => a.get() == b.get(),
                (Err(a), Err(b)) => a == b,
                _ => false,
            }
    }
}

impl Response {
    /// A successful response.
    pub fn result(id: RequestId, result: Box<RawValue>) -> Self {
        Self {
            id: Some(id),
            outcome: Ok(result),
        }
    }

    /// An error response.
    pub fn error(id: Option<RequestId>, error: ErrorObject) -> Self {
        Self {
            id,
            outcome: Err(error),
        }
    }

    /// The result parsed as a value, for tests and clients.
    pub fn result_value(&self) -> Option<Value> {
        self.outcome
            .as_ref()
            .ok()
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
    }

    /// The serialised response.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_bytes_between(b"", b"")
    }

    /// The serialised response with `before` written ahead of it and `after`
    /// behind it, in one buffer of the exact length: a transport that frames
    /// a message (an SSE event's `data:` line) gets the frame without copying
    /// the message into a second buffer.
    ///
    /// ```
    /// use mcp_tools::transport::jsonrpc::{ErrorObject, Response};
    ///
    /// let response = Response::error(Some(7.into()), ErrorObject::new(-32601, "no such method"));
    /// let framed = response.to_bytes_between(b"data: ", b"\n\n");
    /// assert_eq!(framed, [b"data: ".as_slice(), &response.to_bytes(), b"\n\n"].concat());
    /// ```
    pub fn to_bytes_between(&self, before: &[u8], after: &[u8]) -> Vec<u8> {
        // A result is already JSON: written around it as `Serialize` would,
        // without going through the serializer's map, into a buffer of its
        // exact length (a `Vec` whose length is its capacity becomes `Bytes`
        // without another allocation).
        let frame = before.len() + after.len();
        let mut out = match &self.outcome {
            Ok(result) => Vec::with_capacity(
                br#"{"jsonrpc":"2.0","id":,"result":}"#.len()
                    + id_length(self.id.as_ref())
                    + result.get().len()
                    + frame,
            ),
            Err(_) => Vec::with_capacity(176 + frame),
        };
        out.extend_from_slice(before);
        if let Ok(result) = &self.outcome {
            out.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
            let id = match &self.id {
                None => {
                    out.extend_from_slice(b"null");
                    Ok(())
                }
                Some(id) => serde_json::to_writer(&mut out, id),
            };
            if id.is_ok() {
                out.extend_from_slice(br#","result":"#);
                out.extend_from_slice(result.get().as_bytes());
                out.push(b'}');
                out.extend_from_slice(after);
                return out;
            }
            out.truncate(before.len());
        }
        // Serialising a response cannot fail: every part is already valid JSON.
        if serde_json::to_writer(&mut out, self).is_err() {
            out.truncate(before.len());
            out.extend_from_slice(
                br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error: response could not be serialised"}}"#,
            );
        }
        out.extend_from_slice(after);
        out
    }
}

/// The length of `id` written as JSON (`null` when absent), counted without
/// writing it anywhere.
fn id_length(id: Option<&RequestId>) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let id = match id {
        None => return 4,
        // Counted digit by digit: the common case, without the serializer.
        Some(RequestId::Number(n)) => {
            let sign = usize::from(*n < 0);
            return sign
                + n.unsigned_abs()
                    .checked_ilog10()
                    .map_or(1, |d| d as usize + 1);
        }
        Some(id) => id,
    };
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, id) {
        Ok(()) => count.0,
        Err(_) => 0,
    }
}

impl Serialize for Response {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("jsonrpc", "2.0")?;
        map.serialize_entry("id", &self.id)?;
        match &self.outcome {
            Ok(result) => map.serialize_entry("result", result)?,
            Err(error) => map.serialize_entry("error", error)?,
        }
        map.end()
    }
}

impl Serialize for Notification {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("jsonrpc", "2.0")?;
        map.serialize_entry("method", &self.method)?;
        if let Some(params) = &self.params {
            map.serialize_entry("params", params)?;
        }
        map.end()
    }
}

impl Serialize for Request {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("jsonrpc", "2.0")?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("method", &self.method)?;
        match (&self.params, &self.meta) {
            (None | Some(Value::Object(_)), Some(meta)) => {
                map.serialize_entry("params", &WithMeta(self.params.as_ref(), meta))?;
            }
            (Some(params), _) => map.serialize_entry("params", params)?,
            (None, None) => {}
        }
        map.end()
    }
}

/// Parses a request body: one message or a batch.
///
/// A body that is not JSON gives a -32700 response; a body that is JSON but not
/// a JSON-RPC message gives -32600.
///
/// ```
/// use mcp_tools::transport::jsonrpc::{self, Incoming, Message};
///
/// let parsed = jsonrpc::parse(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#).unwrap();
/// assert!(matches!(parsed, Incoming::Single(Message::Request(_))));
///
/// let err = jsonrpc::parse(b"{not json").unwrap_err();
/// assert_eq!(err.outcome.unwrap_err().code, jsonrpc::code::PARSE_ERROR);
/// ```
pub fn parse(body: &[u8]) -> Result<Incoming, Box<Response>> {
    let starts_with = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    if starts_with == Some(b'[') {
        let items: Vec<Value> = serde_json::from_slice(body)
            .map_err(|e| Box::new(Response::error(None, ErrorObject::parse_error(e))))?;
        if items.is_empty() {
            return Err(Box::new(Response::error(
                None,
                ErrorObject::invalid_request("an empty batch is not a request"),
            )));
        }
        return Ok(Incoming::Batch(items.into_iter().map(from_value).collect()));
    }
    // A single message is read straight into its frame: no intermediate map
    // of the whole body (the hot path of every request).
    let frame: Frame = serde_json::from_slice(body).map_err(|e| {
        let error = match e.classify() {
            serde_json::error::Category::Data if starts_with != Some(b'{') => {
                ErrorObject::invalid_request("a JSON-RPC message must be a JSON object")
            }
            serde_json::error::Category::Data => ErrorObject::invalid_request(e),
            _ => ErrorObject::parse_error(e),
        };
        Box::new(Response::error(None, error))
    })?;
    interpret(frame).map(Incoming::Single).map_err(Box::new)
}

/// Interprets one JSON value as a JSON-RPC message.
pub fn from_value(value: Value) -> Result<Message, Box<Response>> {
    if !value.is_object() {
        return Err(Box::new(Response::error(
            None,
            ErrorObject::invalid_request("a JSON-RPC message must be a JSON object"),
        )));
    }
    let frame = serde_json::from_value::<Frame>(value)
        .map_err(|e| Box::new(Response::error(None, ErrorObject::invalid_request(e))))?;
    interpret(frame).map_err(Box::new)
}

/// The members of a JSON-RPC message. A member given as `null` is present
/// (`Some`), so that `"id": null` is told apart from a missing id.
///
/// `jsonrpc`, `id` and `method` are read straight into what they stand for,
/// without a `Value` in between; a member of the wrong type is kept as such,
/// so that [`interpret`] refuses it with the same message whatever it holds.
#[derive(Deserialize)]
struct Frame {
    #[serde(default, deserialize_with = "some")]
    jsonrpc: Option<Version>,
    #[serde(default, deserialize_with = "some")]
    id: Option<IdMember>,
    #[serde(default, deserialize_with = "some")]
    method: Option<MethodMember>,
    #[serde(default, deserialize_with = "some")]
    params: Option<ParamsMember>,
    #[serde(default, deserialize_with = "present")]
    result: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    error: Option<Value>,
}

fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// A member that is there, `null` included.
fn some<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// Whether the `jsonrpc` member is the string `"2.0"`.
struct Version(bool);

/// The `id` member: `null`, an id, or a value that cannot be one.
enum IdMember {
    Null,
    Id(RequestId),
    Invalid,
}

/// The `method` member: a string, or a value of another type.
enum MethodMember {
    Name(String),
    NotAString,
}

/// What a member of any type reads as, for [`Version`], [`IdMember`] and
/// [`MethodMember`]: strings and integers as they are, anything else only
/// as its kind, its contents skipped.
enum Scalar<'a> {
    Str(Cow<'a, str>),
    Int(Option<i64>),
    Null,
    Other,
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Int(Some(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Scalar::Int(i64::try_from(v).ok()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Scalar::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Other)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                Scalar::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Other)
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self(
            matches!(Scalar::deserialize(deserializer)?, Scalar::Str(v) if v == "2.0"),
        ))
    }
}

impl<'de> Deserialize<'de> for IdMember {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Scalar::deserialize(deserializer)? {
            Scalar::Null => Self::Null,
            Scalar::Str(id) => Self::Id(RequestId::String(id.into())),
            Scalar::Int(Some(id)) => Self::Id(RequestId::Number(id)),
            Scalar::Int(None) | Scalar::Other => Self::Invalid,
        })
    }
}

impl<'de> Deserialize<'de> for MethodMember {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Scalar::deserialize(deserializer)? {
            Scalar::Str(name) => Self::Name(name.into_owned()),
            _ => Self::NotAString,
        })
    }
}

/// The message a request id of the wrong type is refused with.
const ID_TYPE: &str = "a request id must be a string or an integer";

#[expect(
    clippy::result_large_err,
    reason = "boxed once at the public boundary; inside, the many early returns read better unboxed"
)]
fn interpret(frame: Frame) -> Result<Message, Response> {
    let id = match frame.id {
        None => None,
        Some(IdMember::Null) => {
            return Err(Response::error(
                None,
                ErrorObject::invalid_request("the id must be a string or an integer, not null"),
            ));
        }
        Some(IdMember::Invalid) => {
            return Err(Response::error(None, ErrorObject::invalid_request(ID_TYPE)));
        }
        Some(IdMember::Id(id)) => Some(id),
    };
    let fail = |detail: &str| Response::error(id.clone(), ErrorObject::invalid_request(detail));
    if !frame.jsonrpc.is_some_and(|Version(ok)| ok) {
        return Err(fail("the \"jsonrpc\" member must be \"2.0\""));
    }
    let (params, meta) = match frame.params {
        None => (None, None),
        Some(ParamsMember {
            value: p @ (Value::Object(_) | Value::Array(_)),
            meta,
        }) => (Some(p), meta),
        Some(_) => return Err(fail("\"params\" must be an object or an array")),
    };
    match (frame.method, id) {
        (Some(MethodMember::Name(method)), Some(id)) => Ok(Message::Request(Request {
            id,
            method,
            params,
            meta,
        })),
        (Some(MethodMember::Name(method)), None) => {
            // A notification keeps its `_meta` in `params`.
            let mut params = params;
            if let (Some(Value::Object(members)), Some(meta)) = (&mut params, meta) {
                members.insert("_meta".to_owned(), meta.to_value());
            }
            Ok(Message::Notification(Notification {
                method: method.into(),
                params,
            }))
        }
        (Some(MethodMember::NotAString), id) => Err(Response::error(
            id,
            ErrorObject::invalid_request("\"method\" must be a string"),
        )),
        (None, Some(id)) => {
            if let Some(result) = frame.result {
                Ok(Message::Response(PeerResponse {
                    id,
                    outcome: Ok(result),
                }))
            } else if let Some(error) = frame.error {
                let error = serde_json::from_value::<ErrorObject>(error).map_err(|e| {
                    Response::error(Some(id.clone()), ErrorObject::invalid_request(e))
                })?;
                Ok(Message::Response(PeerResponse {
                    id,
                    outcome: Err(error),
                }))
            } else {
                Err(Response::error(
                    Some(id),
                    ErrorObject::invalid_request(
                        "a message needs \"method\", \"result\" or \"error\"",
                    ),
                ))
            }
        }
        (None, None) => Err(Response::error(
            None,
            ErrorObject::invalid_request(
                "a message needs \"method\" (or \"id\" with \"result\"/\"error\")",
            ),
        )),
    }
}

/// The member `key` of `value` when it is an object. Small objects (a
/// request's `params`, its `_meta`) are searched key by key, which is cheaper
/// than hashing `key` the way a map lookup does; large ones are looked up.
///
/// ```
/// use mcp_tools::transport::jsonrpc::member;
/// use serde_json::json;
///
/// let params = json!({"name": "echo", "_meta": {"progressToken": 7}});
/// let meta = member(&params, "_meta").unwrap();
/// assert_eq!(member(meta, "progressToken"), Some(&json!(7)));
/// assert_eq!(member(&json!([1]), "name"), None);
/// ```
pub fn member<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => map_member(map, key),
        _ => None,
    }
}

/// [`member`] of a map.
pub(crate) fn map_member<'a>(
    map: &'a serde_json::Map<String, Value>,
    key: &str,
) -> Option<&'a Value> {
    if map.len() > 8 {
        return map.get(key);
    }
    map.iter().find_map(|(k, v)| (k == key).then_some(v))
}

/// The member `key` of `map`, to change in place; found like [`map_member`].
pub(crate) fn member_mut<'a>(
    map: &'a mut serde_json::Map<String, Value>,
    key: &str,
) -> Option<&'a mut Value> {
    if map.len() > 8 {
        return map.get_mut(key);
    }
    map.iter_mut().find_map(|(k, v)| (k == key).then_some(v))
}

/// Removes the member `key` from `map`, hashing `key` only when it is there
/// (most requests bring none of the members taken this way).
pub(crate) fn take_member(map: &mut serde_json::Map<String, Value>, key: &str) -> Option<Value> {
    map_member(map, key)?;
    map.remove(key)
}

/// Wraps JSON the SDK assembled itself.
pub(crate) fn raw_json(json: String) -> Box<RawValue> {
    RawValue::from_string(json).unwrap_or_else(|_| {
        // Unreachable: every caller assembles valid JSON; degrade to an empty object.
        RawValue::from_string("{}".to_owned()).unwrap_or_else(|_| unreachable!())
    })
}

#[cfg(test)]
mod tests;
