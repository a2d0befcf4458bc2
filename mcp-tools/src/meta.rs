//! The per-request and per-result `_meta` fields of 2026-07-28: what a
//! request must carry, the log level it may ask for, and the server's
//! identity stamped on every result.

use serde_json::Value;
use serde_json::value::RawValue;

use crate::jsonrpc::{ErrorObject, Request, map_member, member, raw_json};
use crate::protocol::{META_CLIENT_CAPABILITIES, META_PROTOCOL_VERSION, ServerInfo};

/// The `_meta` key under which a 2026-07-28 result names the server.
pub const META_SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";

/// Checks that a 2026-07-28 request's `_meta` carries the fields every request
/// must: the protocol version (a string) and the client capabilities (an
/// object). A request without them is malformed: -32602 (Invalid params),
/// which HTTP answers with 400.
///
/// The fields are read from [`Request::meta`], where parsing put them; a
/// request built by hand with `_meta` still in `params` is checked there.
///
/// ```
/// use mcp_tools::transport::check_request_meta;
/// use mcp_tools::transport::jsonrpc::Request;
/// use serde_json::json;
///
/// let good = Request::new(1.into(), "tools/list", Some(json!({"_meta": {
///     "io.modelcontextprotocol/protocolVersion": "2026-07-28",
///     "io.modelcontextprotocol/clientCapabilities": {}
/// }})));
/// assert!(check_request_meta(&good).is_ok());
/// let bad = Request::new(2.into(), "tools/list", Some(json!({})));
/// assert_eq!(check_request_meta(&bad).unwrap_err().code, -32602);
/// ```
pub fn check_request_meta(request: &Request) -> Result<(), ErrorObject> {
    let (has_version, has_capabilities) = match (&request.meta, &request.params) {
        (Some(meta), _) => (
            meta.protocol_version().is_some(),
            meta.client_capabilities().is_some_and(Value::is_object),
        ),
        (None, params) => match params.as_ref().and_then(|p| member(p, "_meta")) {
            None => return Err(refuse_meta("the request has no _meta")),
            Some(Value::Object(meta)) => (
                map_member(meta, META_PROTOCOL_VERSION).is_some_and(Value::is_string),
                map_member(meta, META_CLIENT_CAPABILITIES).is_some_and(Value::is_object),
            ),
            Some(_) => return Err(refuse_meta("_meta is not an object")),
        },
    };
    if !has_version {
        return Err(refuse_meta(&format!(
            "_meta has no {META_PROTOCOL_VERSION} string"
        )));
    }
    if !has_capabilities {
        return Err(refuse_meta(&format!(
            "_meta has no {META_CLIENT_CAPABILITIES} object"
        )));
    }
    Ok(())
}

/// The refusal of a request whose `_meta` lacks what every 2026-07-28
/// request carries; written only for a request that fails.
fn refuse_meta(what: &str) -> ErrorObject {
    ErrorObject::invalid_params(format!(
        "{what}; every 2026-07-28 request carries params._meta with \
         {META_PROTOCOL_VERSION:?} (a string) and {META_CLIENT_CAPABILITIES:?} (an object, \
         {{}} when the client declares none)"
    ))
}

/// The server's identity as it goes into a result's `_meta`, serialised once.
pub(crate) struct ServerStamp {
    /// `"_meta":{"io.modelcontextprotocol/serverInfo":{…}}`: a result's whole
    /// `_meta` as a member: written first by results serialised with it in
    /// place (`tools/call`), spliced into others by [`stamp`](Self::stamp).
    meta_member: String,
    /// How a result that already names the server first begins.
    stamped: String,
    info: Value,
}

impl ServerStamp {
    pub(crate) fn new(info: &ServerInfo) -> Self {
        let info = serde_json::to_value(info).unwrap_or(Value::Null);
        let member = format!("{}:{}", Value::from(META_SERVER_INFO), info);
        let meta_member = format!("\"_meta\":{{{member}}}");
        let stamped = format!("{{\"_meta\":{{{}:", Value::from(META_SERVER_INFO));
        Self {
            meta_member,
            stamped,
            info,
        }
    }

    /// The `_meta` member of a result that names the server, to write first
    /// in place: [`stamp`](Self::stamp) leaves such a result as it is.
    pub(crate) fn meta_member(&self) -> &str {
        &self.meta_member
    }

    /// `result` with the server named in its `_meta`. A result without
    /// `_meta` (the common case) gets it spliced in without re-parsing; one
    /// serialised with [`meta_member`](Self::meta_member) first is returned as
    /// it is.
    pub(crate) fn stamp(&self, result: Box<RawValue>) -> Box<RawValue> {
        let text = result.get();
        if text.starts_with(&self.stamped) {
            return result;
        }
        if !text.contains("\"_meta\"") {
            if let Some(rest) = text.strip_prefix('{') {
                let rest = rest.trim_start();
                let separator = if rest.starts_with('}') { "" } else { "," };
                return raw_json(format!("{{{}{separator}{rest}", self.meta_member));
            }
            return result;
        }
        let Ok(Value::Object(mut members)) = serde_json::from_str::<Value>(text) else {
            return result;
        };
        match members.get_mut("_meta") {
            Some(Value::Object(meta)) => {
                meta.entry(META_SERVER_INFO)
                    .or_insert_with(|| self.info.clone());
            }
            _ => {
                let mut meta = serde_json::Map::new();
                meta.insert(META_SERVER_INFO.into(), self.info.clone());
                members.insert("_meta".into(), Value::Object(meta));
            }
        }
        raw_json(Value::Object(members).to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stamp() -> ServerStamp {
        ServerStamp::new(&ServerInfo {
            name: "s".into(),
            version: "1".into(),
            title: None,
        })
    }

    fn stamped(text: &str) -> Value {
        serde_json::from_str(stamp().stamp(raw_json(text.into())).get()).unwrap()
    }

    #[test]
    fn every_result_shape_is_stamped() {
        let info = json!({"name": "s", "version": "1"});
        // A result serialised with the stamp's member first is kept as it is.
        let first = format!(r#"{{{},"a":1}}"#, stamp().meta_member());
        assert_eq!(stamp().stamp(raw_json(first.clone())).get(), first);
        assert_eq!(
            stamped(&first),
            json!({"_meta": {META_SERVER_INFO: info}, "a": 1})
        );
        assert_eq!(stamped("{}"), json!({"_meta": {META_SERVER_INFO: info}}));
        assert_eq!(
            stamped(r#"{"resultType":"complete"}"#),
            json!({"_meta": {META_SERVER_INFO: info}, "resultType": "complete"})
        );
        assert_eq!(
            stamped(r#"{"a":1,"_meta":{"k":2}}"#),
            json!({"a": 1, "_meta": {"k": 2, META_SERVER_INFO: info}})
        );
        assert_eq!(
            stamped(r#"{"content":[{"text":"\"_meta\""}]}"#)["_meta"][META_SERVER_INFO],
            info
        );
    }

    #[test]
    fn requests_without_the_required_fields_are_invalid_params() {
        let v = META_PROTOCOL_VERSION;
        let c = META_CLIENT_CAPABILITIES;
        let request = |params: Option<Value>| Request::new(1.into(), "tools/list", params);
        let lifted = |params: Value| {
            let mut request = request(Some(params));
            request.lift_meta();
            request
        };
        for bad in [
            json!({}),
            json!({"_meta": []}),
            json!({"_meta": {c: {}}}),
            json!({"_meta": {v: "2026-07-28"}}),
            json!({"_meta": {v: "2026-07-28", c: []}}),
            json!({"_meta": {v: 7, c: {}}}),
        ] {
            // Read from params (built by hand) and from the typed `_meta`.
            for request in [request(Some(bad.clone())), lifted(bad.clone())] {
                let error = check_request_meta(&request).unwrap_err();
                assert_eq!(error.code, -32602, "{bad}");
            }
        }
        assert!(check_request_meta(&request(None)).is_err());
        let good = json!({"_meta": {v: "2026-07-28", c: {}}});
        assert!(check_request_meta(&request(Some(good.clone()))).is_ok());
        assert!(check_request_meta(&lifted(good)).is_ok());
        // An unsupported version is still a string: refused elsewhere, with -32022.
        assert!(check_request_meta(&lifted(json!({"_meta": {v: "1999-01-01", c: {}}}))).is_ok());
    }
}
