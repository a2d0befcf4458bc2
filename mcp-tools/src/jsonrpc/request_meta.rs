//! A request's `params._meta`, read once into typed fields when the request is
//! parsed, so that neither the transport nor the core looks its members up in
//! a map again.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, LazyLock};

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Request, RequestId, map_member};
use crate::protocol::{
    LogLevel, META_CLIENT_CAPABILITIES, META_LOG_LEVEL, META_PROTOCOL_VERSION, ProtocolVersion,
};

/// The `_meta` key of a request's progress token.
const PROGRESS_TOKEN: &str = "progressToken";

/// The `_meta` object of a request's `params`, as the client sent it.
///
/// [`parse`](super::parse) moves an object `_meta` out of a request's
/// `params` into [`Request::meta`](super::Request::meta), reading the members
/// MCP gives a meaning to straight into their fields (the 2026-07-28 protocol
/// version, client capabilities and log level, the progress token); every
/// other member is kept as it came. A `_meta` that is not an object stays in
/// `params`, where the 2026-07-28 checks find and refuse it.
///
/// ```
/// use mcp_tools::transport::jsonrpc::{self, Incoming, Message};
/// use mcp_tools::ProtocolVersion;
/// use serde_json::json;
///
/// let body = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo",
///     "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
///              "io.modelcontextprotocol/clientCapabilities":{},"progressToken":7,"k":"v"}}}"#;
/// let Ok(Incoming::Single(Message::Request(request))) = jsonrpc::parse(body) else { panic!() };
/// let meta = request.meta.as_deref().unwrap();
/// assert_eq!(meta.protocol_version(), Some(Ok(ProtocolVersion::V2026_07_28)));
/// assert_eq!(meta.client_capabilities(), Some(&json!({})));
/// assert_eq!(meta.progress_token(), Some(&json!(7)));
/// assert_eq!(meta.get("k"), Some(&json!("v")));
/// // `params` no longer holds it; serialising the request puts it back.
/// assert_eq!(request.params, Some(json!({"name": "echo"})));
/// assert_eq!(serde_json::to_value(&request).unwrap()["params"]["_meta"]["progressToken"], 7);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestMeta {
    version: Option<VersionMember>,
    /// Shared: the request's context holds the same value.
    capabilities: Option<Arc<Value>>,
    log_level: Option<Value>,
    progress_token: Option<Value>,
    other: Map<String, Value>,
}

/// `io.modelcontextprotocol/protocolVersion`: a version this SDK speaks, read
/// without keeping its string, or whatever else was sent.
#[derive(Debug, Clone, PartialEq)]
enum VersionMember {
    Known(ProtocolVersion),
    Other(Value),
}

impl RequestMeta {
    /// A request's `_meta` from its members.
    ///
    /// ```
    /// use mcp_tools::transport::jsonrpc::RequestMeta;
    /// use serde_json::json;
    ///
    /// let serde_json::Value::Object(members) = json!({"progressToken": "p"}) else { panic!() };
    /// let meta = RequestMeta::from_map(members);
    /// assert_eq!(meta.progress_token(), Some(&json!("p")));
    /// ```
    pub fn from_map(members: Map<String, Value>) -> Self {
        let mut meta = Self::default();
        for (key, value) in members {
            meta.insert(MetaKey::of(key), value);
        }
        meta
    }

    fn insert(&mut self, key: MetaKey, value: Value) {
        match key {
            MetaKey::Version => {
                let known = value.as_str().and_then(known_version);
                self.version =
                    Some(known.map_or(VersionMember::Other(value), VersionMember::Known));
            }
            MetaKey::Capabilities => self.capabilities = Some(Capabilities::from_value(value).0),
            MetaKey::LogLevel => self.log_level = Some(value),
            MetaKey::ProgressToken => self.progress_token = Some(value),
            MetaKey::Other(key) => {
                self.other.insert(key, value);
            }
        }
    }

    /// The protocol version the request names
    /// (`io.modelcontextprotocol/protocolVersion`) when it is a string: `Ok`
    /// for a version this SDK speaks, `Err` with the string otherwise.
    /// `None` when the member is missing or not a string.
    pub fn protocol_version(&self) -> Option<Result<ProtocolVersion, &str>> {
        match self.version.as_ref()? {
            VersionMember::Known(version) => Some(Ok(*version)),
            VersionMember::Other(Value::String(other)) => Some(Err(other)),
            VersionMember::Other(_) => None,
        }
    }

    /// Whether the protocol version member is there, whatever its type.
    pub fn has_protocol_version(&self) -> bool {
        self.version.is_some()
    }

    /// The protocol version member as text: the string sent, or `""` for a
    /// member that is not a string; `None` when missing.
    pub fn protocol_version_str(&self) -> Option<&str> {
        Some(match self.version.as_ref()? {
            VersionMember::Known(version) => version.as_str(),
            VersionMember::Other(other) => other.as_str().unwrap_or(""),
        })
    }

    /// The client capabilities the request declares
    /// (`io.modelcontextprotocol/clientCapabilities`), of whatever type was sent.
    pub fn client_capabilities(&self) -> Option<&Value> {
        self.capabilities.as_deref()
    }

    /// [`client_capabilities`](Self::client_capabilities), shared: what a
    /// transport hands to
    /// [`RequestContext::with_client_capabilities`](crate::transport::RequestContext::with_client_capabilities)
    /// without copying the value.
    pub fn shared_client_capabilities(&self) -> Option<&Arc<Value>> {
        self.capabilities.as_ref()
    }

    /// The log level the request asks for (`io.modelcontextprotocol/logLevel`),
    /// when it names one of the eight levels.
    pub fn log_level(&self) -> Option<LogLevel> {
        self.log_level
            .as_ref()
            .and_then(|level| LogLevel::deserialize(level).ok())
    }

    /// The progress token, of whatever type was sent.
    pub fn progress_token(&self) -> Option<&Value> {
        self.progress_token.as_ref()
    }

    /// A member MCP gives no meaning to here (a W3C `traceparent`, an
    /// application's own key), by its key; the four members above are read
    /// through their own methods.
    pub fn get(&self, key: &str) -> Option<&Value> {
        map_member(&self.other, key)
    }

    /// The `_meta` object again, as JSON.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_else(|_| Value::Object(Map::new()))
    }

    /// The number of members.
    fn len(&self) -> usize {
        usize::from(self.version.is_some())
            + usize::from(self.capabilities.is_some())
            + usize::from(self.log_level.is_some())
            + usize::from(self.progress_token.is_some())
            + self.other.len()
    }

    /// Writes the members into an open map.
    pub(super) fn write_members<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match &self.version {
            Some(VersionMember::Known(version)) => {
                map.serialize_entry(META_PROTOCOL_VERSION, version.as_str())?;
            }
            Some(VersionMember::Other(other)) => {
                map.serialize_entry(META_PROTOCOL_VERSION, other)?;
            }
            None => {}
        }
        if let Some(capabilities) = &self.capabilities {
            map.serialize_entry(META_CLIENT_CAPABILITIES, capabilities.as_ref())?;
        }
        for (key, value) in [
            (META_LOG_LEVEL, &self.log_level),
            (PROGRESS_TOKEN, &self.progress_token),
        ] {
            if let Some(value) = value {
                map.serialize_entry(key, value)?;
            }
        }
        for (key, value) in &self.other {
            map.serialize_entry(key, value)?;
        }
        Ok(())
    }
}

impl Request {
    /// A request without `_meta`.
    pub fn new(id: RequestId, method: impl Into<String>, params: Option<Value>) -> Self {
        Self {
            id,
            method: method.into(),
            params,
            meta: None,
        }
    }

    /// Moves an object `_meta` out of `params` into [`meta`](Self::meta), as
    /// [`parse`](super::parse) does, for a request built by hand; nothing changes when
    /// `meta` is already set or `params` holds no object `_meta`.
    ///
    /// ```
    /// use mcp_tools::transport::jsonrpc::Request;
    /// use serde_json::json;
    ///
    /// let mut request = Request::new(1.into(), "tools/call",
    ///     Some(json!({"name": "echo", "_meta": {"progressToken": 3}})));
    /// request.lift_meta();
    /// assert_eq!(request.params, Some(json!({"name": "echo"})));
    /// assert_eq!(request.meta.unwrap().progress_token(), Some(&json!(3)));
    /// ```
    pub fn lift_meta(&mut self) {
        if self.meta.is_some() {
            return;
        }
        let Some(Value::Object(params)) = &mut self.params else {
            return;
        };
        if !map_member(params, "_meta").is_some_and(Value::is_object) {
            return;
        }
        if let Some(Value::Object(meta)) = params.remove("_meta") {
            self.meta = Some(Box::new(RequestMeta::from_map(meta)));
        }
    }
}

/// Object `params` (or none) with `_meta` written back in.
pub(super) struct WithMeta<'a>(pub(super) Option<&'a Value>, pub(super) &'a RequestMeta);

impl Serialize for WithMeta<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(Value::Object(params)) = self.0 {
            for (key, value) in params {
                map.serialize_entry(key, value)?;
            }
        }
        map.serialize_entry("_meta", self.1)?;
        map.end()
    }
}

/// The version `text` names, if this SDK speaks it; no allocation either way.
fn known_version(text: &str) -> Option<ProtocolVersion> {
    ProtocolVersion::ALL
        .into_iter()
        .find(|v| v.as_str() == text)
}

impl Serialize for RequestMeta {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        self.write_members(&mut map)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for RequestMeta {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = RequestMeta;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a _meta object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RequestMeta, A::Error> {
                read_members(map)
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// The members of a `_meta` object, each read into its field.
fn read_members<'de, A: MapAccess<'de>>(mut map: A) -> Result<RequestMeta, A::Error> {
    let mut meta = RequestMeta::default();
    while let Some(key) = map.next_key::<MetaKey>()? {
        match key {
            MetaKey::Version => {
                meta.version = Some(map.next_value::<VersionMember>()?);
            }
            MetaKey::Capabilities => {
                meta.capabilities = Some(map.next_value::<Capabilities>()?.0);
            }
            key => {
                let value = map.next_value::<Value>()?;
                meta.insert(key, value);
            }
        }
    }
    Ok(meta)
}

/// A `_meta` key: one MCP reads, or any other, kept.
enum MetaKey {
    Version,
    Capabilities,
    LogLevel,
    ProgressToken,
    Other(String),
}

impl MetaKey {
    fn known(key: &str) -> Option<Self> {
        Some(match key {
            META_PROTOCOL_VERSION => Self::Version,
            META_CLIENT_CAPABILITIES => Self::Capabilities,
            META_LOG_LEVEL => Self::LogLevel,
            PROGRESS_TOKEN => Self::ProgressToken,
            _ => return None,
        })
    }

    fn of(key: String) -> Self {
        Self::known(&key).unwrap_or(Self::Other(key))
    }
}

impl<'de> Deserialize<'de> for MetaKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl Visitor<'_> for Visit {
            type Value = MetaKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a _meta key")
            }
            fn visit_str<E>(self, key: &str) -> Result<MetaKey, E> {
                Ok(MetaKey::known(key).unwrap_or_else(|| MetaKey::Other(key.to_owned())))
            }
            fn visit_string<E>(self, key: String) -> Result<MetaKey, E> {
                Ok(MetaKey::of(key))
            }
        }
        deserializer.deserialize_str(Visit)
    }
}

/// The protocol version member: a known version is read without allocating
/// its string; anything else is kept as the value it is.
impl<'de> Deserialize<'de> for VersionMember {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read_any(deserializer)
    }
}

impl ReadValue<'_> for VersionMember {
    fn from_value(value: Value) -> Self {
        Self::Other(value)
    }

    fn from_str(text: &str) -> Self {
        known_version(text).map_or_else(|| Self::Other(Value::String(text.to_owned())), Self::Known)
    }

    fn from_string(text: String) -> Self {
        known_version(&text).map_or(Self::Other(Value::String(text)), Self::Known)
    }
}

/// The client capabilities member. Most clients declare none: their `{}`
/// is one value shared by every request, with no allocation to make or free.
struct Capabilities(Arc<Value>);

/// The `{}` of a client that declares no capabilities.
fn no_capabilities() -> Arc<Value> {
    static NONE: LazyLock<Arc<Value>> = LazyLock::new(|| Arc::new(Value::Object(Map::new())));
    NONE.clone()
}

impl<'de> Deserialize<'de> for Capabilities {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read_any(deserializer)
    }
}

impl<'de> ReadValue<'de> for Capabilities {
    fn from_value(value: Value) -> Self {
        match value {
            Value::Object(members) if members.is_empty() => Self(no_capabilities()),
            value => Self(Arc::new(value)),
        }
    }

    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Ok(Self(no_capabilities()));
        };
        // As `Value` reads an object: a later duplicate key replaces the value.
        let mut members = Map::new();
        members.insert(first, map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            members.insert(key, value);
        }
        Ok(Self(Arc::new(Value::Object(members))))
    }
}

/// A request's `params` member as [`parse`](super::parse) reads it: the
/// value, with an object `_meta` taken out of it and read into its fields.
pub(super) struct ParamsMember {
    pub(super) value: Value,
    pub(super) meta: Option<Box<RequestMeta>>,
}

impl<'de> Deserialize<'de> for ParamsMember {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read_any(deserializer)
    }
}

impl<'de> ReadValue<'de> for ParamsMember {
    fn from_value(value: Value) -> Self {
        Self { value, meta: None }
    }

    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut members = Map::new();
        let mut meta = None;
        // Whether a `_meta` that is not an object sits in `members`.
        let mut kept = false;
        while let Some(key) = map.next_key::<ParamsKey>()? {
            match key {
                ParamsKey::Meta => match map.next_value::<MetaMember>()? {
                    MetaMember::Object(object) => {
                        // A later `_meta` replaces an earlier one, as in a map.
                        if std::mem::take(&mut kept) {
                            members.remove("_meta");
                        }
                        meta = Some(object);
                    }
                    MetaMember::Other(other) => {
                        meta = None;
                        kept = true;
                        members.insert("_meta".to_owned(), other);
                    }
                },
                ParamsKey::Other(key) => {
                    let value = map.next_value::<Value>()?;
                    members.insert(key, value);
                }
            }
        }
        Ok(Self {
            value: Value::Object(members),
            meta,
        })
    }
}

/// A key of `params`: `_meta`, read without allocating its name, or another.
enum ParamsKey {
    Meta,
    Other(String),
}

impl<'de> Deserialize<'de> for ParamsKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl Visitor<'_> for Visit {
            type Value = ParamsKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a params key")
            }
            fn visit_str<E>(self, key: &str) -> Result<ParamsKey, E> {
                Ok(if key == "_meta" {
                    ParamsKey::Meta
                } else {
                    ParamsKey::Other(key.to_owned())
                })
            }
            fn visit_string<E>(self, key: String) -> Result<ParamsKey, E> {
                Ok(if key == "_meta" {
                    ParamsKey::Meta
                } else {
                    ParamsKey::Other(key)
                })
            }
        }
        deserializer.deserialize_str(Visit)
    }
}

/// A `_meta` member: an object, read into its fields, or any other value.
enum MetaMember {
    Object(Box<RequestMeta>),
    Other(Value),
}

impl<'de> Deserialize<'de> for MetaMember {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read_any(deserializer)
    }
}

impl<'de> ReadValue<'de> for MetaMember {
    fn from_value(value: Value) -> Self {
        Self::Other(value)
    }

    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        read_members(map).map(|meta| Self::Object(Box::new(meta)))
    }
}

/// How a member that may be any JSON value is read: most values become a
/// [`Value`]; a reader takes objects (and strings) its own way where that
/// spares building one.
trait ReadValue<'de>: Sized {
    fn from_value(value: Value) -> Self;

    fn from_str(text: &str) -> Self {
        Self::from_value(Value::String(text.to_owned()))
    }

    fn from_string(text: String) -> Self {
        Self::from_value(Value::String(text))
    }

    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Self::from_value)
    }
}

/// Reads any JSON value as `T` through its [`ReadValue`].
fn read_any<'de, D: Deserializer<'de>, T: ReadValue<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(AnyValue(PhantomData))
}

struct AnyValue<T>(PhantomData<T>);

impl<'de, T: ReadValue<'de>> Visitor<'de> for AnyValue<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(T::from_value)
    }

    fn visit_str<E>(self, v: &str) -> Result<T, E> {
        Ok(T::from_str(v))
    }

    fn visit_string<E>(self, v: String) -> Result<T, E> {
        Ok(T::from_string(v))
    }

    fn visit_bool<E>(self, v: bool) -> Result<T, E> {
        Ok(T::from_value(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<T, E> {
        Ok(T::from_value(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<T, E> {
        Ok(T::from_value(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<T, E> {
        Ok(T::from_value(Value::from(v)))
    }

    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::from_value(Value::Null))
    }

    fn visit_none<E>(self) -> Result<T, E> {
        Ok(T::from_value(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}
