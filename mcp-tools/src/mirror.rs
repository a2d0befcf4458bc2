//! Tool parameters mirrored into HTTP headers (2026-07-28, SEP-2243): the
//! `x-mcp-header` annotation a tool publishes on a parameter, and the check
//! that an `Mcp-Param-{Name}` header a request carries says what its body says.
//!
//! The decision is the core's; a transport reads the headers and maps a
//! refusal (-32020, HeaderMismatch) to its wire (HTTP 400).

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::jsonrpc::{ErrorObject, code};

/// The schema keyword naming a parameter's header.
pub(crate) const X_MCP_HEADER: &str = "x-mcp-header";

/// The largest integer a JavaScript client holds exactly: mirrored integers
/// stay within ±(2^53 − 1).
const SAFE_INTEGER: i64 = (1 << 53) - 1;

/// The JSON type of a mirrored parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Integer,
    Boolean,
}

/// One mirrored parameter of a tool.
#[derive(Debug, Clone)]
pub(crate) struct HeaderMirror {
    /// The `{Name}` of `Mcp-Param-{Name}`, as declared.
    name: String,
    /// The chain of `properties` keys leading to the parameter.
    path: Vec<String>,
    kind: Kind,
}

/// Checks an `x-mcp-header` value: a non-empty HTTP token (RFC 9110 `tchar`s).
pub(crate) fn check_header_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("an x-mcp-header name cannot be empty".into());
    }
    match name.chars().find(|c| !is_tchar(*c)) {
        Some(bad) => Err(format!(
            "x-mcp-header {name:?} contains {bad:?}; a header name uses only letters, digits and \
             ! # $ % & ' * + - . ^ _ ` | ~"
        )),
        None => Ok(()),
    }
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Annotates `property` of `schema` with `x-mcp-header: header`.
pub(crate) fn annotate(schema: &mut Value, property: &str, header: &str) -> Result<(), String> {
    let target = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut(property))
        .and_then(Value::as_object_mut)
        .ok_or_else(|| {
            format!(
                "header_param names {property:?}, which is not a top-level argument of the tool"
            )
        })?;
    if let Some(existing) = target.get(X_MCP_HEADER)
        && existing != header
    {
        return Err(format!(
            "argument {property:?} is mirrored twice, as {existing} and {header:?}"
        ));
    }
    target.insert(X_MCP_HEADER.into(), header.into());
    Ok(())
}

/// Finds and checks every `x-mcp-header` of a published input schema. A
/// mirrored integer gets bounds within the JavaScript-safe range, so the
/// schema the server enforces keeps every mirrored value exact.
pub(crate) fn collect(schema: &mut Value) -> Result<Vec<HeaderMirror>, String> {
    let mut mirrors = Vec::new();
    walk(schema, &mut Vec::new(), true, &mut mirrors)?;
    for (i, a) in mirrors.iter().enumerate() {
        if let Some(b) = mirrors[..i]
            .iter()
            .find(|b| b.name.eq_ignore_ascii_case(&a.name))
        {
            return Err(format!(
                "x-mcp-header {:?} and {:?} name the same header (names compare case-insensitively)",
                b.name, a.name
            ));
        }
    }
    Ok(mirrors)
}

fn walk(
    schema: &mut Value,
    path: &mut Vec<String>,
    reachable: bool,
    mirrors: &mut Vec<HeaderMirror>,
) -> Result<(), String> {
    match schema {
        Value::Object(map) => {
            if let Some(header) = map.get(X_MCP_HEADER).cloned() {
                mirrors.push(mirror_of(map, &header, path, reachable)?);
            }
            for (key, value) in map.iter_mut() {
                if key == "properties"
                    && let Value::Object(properties) = value
                {
                    for (name, property) in properties.iter_mut() {
                        path.push(name.clone());
                        walk(property, path, reachable, mirrors)?;
                        path.pop();
                    }
                } else if key != X_MCP_HEADER {
                    walk(value, &mut Vec::new(), false, mirrors)?;
                }
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter_mut()
            .try_for_each(|item| walk(item, &mut Vec::new(), false, mirrors)),
        _ => Ok(()),
    }
}

fn mirror_of(
    map: &mut Map<String, Value>,
    header: &Value,
    path: &[String],
    reachable: bool,
) -> Result<HeaderMirror, String> {
    let Value::String(name) = header else {
        return Err(format!("x-mcp-header must be a string, not {header}"));
    };
    check_header_name(name)?;
    if !reachable || path.is_empty() {
        return Err(format!(
            "x-mcp-header {name:?} is not on an argument reached from the schema root through \
             \"properties\" alone (not inside items, allOf/anyOf/oneOf/not, if/then/else or $ref)"
        ));
    }
    let kind = match map.get("type").and_then(Value::as_str) {
        Some("string") => Kind::String,
        Some("integer") => Kind::Integer,
        Some("boolean") => Kind::Boolean,
        other => {
            return Err(format!(
                "x-mcp-header {name:?} is on argument {:?} of type {}; only string, integer and \
                 boolean arguments can be mirrored into a header",
                path.join("."),
                other.unwrap_or("(none or several)")
            ));
        }
    };
    if kind == Kind::Integer {
        let low = map.get("minimum").and_then(Value::as_f64);
        if low.is_none_or(|m| m < -(SAFE_INTEGER as f64)) {
            map.insert("minimum".into(), (-SAFE_INTEGER).into());
        }
        let high = map.get("maximum").and_then(Value::as_f64);
        if high.is_none_or(|m| m > SAFE_INTEGER as f64) {
            map.insert("maximum".into(), SAFE_INTEGER.into());
        }
    }
    Ok(HeaderMirror {
        name: name.clone(),
        path: path.to_vec(),
        kind,
    })
}

/// Checks the `Mcp-Param-*` headers of a call against its arguments.
///
/// `headers` are `(name, value)` pairs with `name` the part after
/// `Mcp-Param-` (any case). Headers that mirror no parameter are ignored.
pub(crate) fn check_headers(
    mirrors: &[HeaderMirror],
    arguments: Option<&Value>,
    headers: &[(&str, &[u8])],
) -> Result<(), ErrorObject> {
    for mirror in mirrors {
        let mut sent = headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case(&mirror.name));
        let header = sent.next();
        if sent.next().is_some() {
            return Err(mismatch(format!(
                "Mcp-Param-{} is sent more than once; send it once",
                mirror.name
            )));
        }
        let body = arguments
            .and_then(|a| mirror.path.iter().try_fold(a, |v, key| v.get(key)))
            .filter(|v| !v.is_null());
        let argument = mirror.path.join(".");
        let header = match (header, body) {
            (None, None) => continue,
            (None, Some(_)) => {
                return Err(mismatch(format!(
                    "the Mcp-Param-{} header is missing, and argument {argument:?} has a value; \
                     mirror the value into the header",
                    mirror.name
                )));
            }
            (Some(_), None) => {
                return Err(mismatch(format!(
                    "the Mcp-Param-{} header is sent, and argument {argument:?} has no value; \
                     leave the header out when the argument is absent or null",
                    mirror.name
                )));
            }
            (Some((_, raw)), Some(body)) => (decode(&mirror.name, raw)?, body),
        };
        if !agrees(mirror.kind, &header.0, header.1) {
            return Err(mismatch(format!(
                "Mcp-Param-{} header value {:?} does not match argument {argument:?} {}",
                mirror.name, header.0, header.1
            )));
        }
    }
    Ok(())
}

fn mismatch(detail: String) -> ErrorObject {
    ErrorObject::new(code::HEADER_MISMATCH, format!("header mismatch: {detail}"))
}

/// The value a header carries: plain visible ASCII, or `=?base64?…?=`
/// (canonical padding, UTF-8 inside).
fn decode(name: &str, raw: &[u8]) -> Result<String, ErrorObject> {
    if let Some(bad) = raw.iter().find(|b| !matches!(b, b'\t' | b' '..=b'~')) {
        return Err(mismatch(format!(
            "Mcp-Param-{name} contains the byte 0x{bad:02x}; a header value is visible ASCII, \
             space and tab, and anything else is sent as =?base64?…?="
        )));
    }
    // Only ASCII remains, so this is UTF-8.
    let text = String::from_utf8_lossy(raw);
    let text = text.trim_matches([' ', '\t']);
    let Some(encoded) = text
        .strip_prefix("=?base64?")
        .and_then(|t| t.strip_suffix("?="))
    else {
        return Ok(text.to_owned());
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|e| {
            mismatch(format!(
                "Mcp-Param-{name} is not valid base64 inside =?base64?…?= ({e}); encode the UTF-8 \
                 bytes with the standard alphabet and padding"
            ))
        })?;
    String::from_utf8(bytes).map_err(|_| {
        mismatch(format!(
            "Mcp-Param-{name} decodes to bytes that are not UTF-8"
        ))
    })
}

/// Whether a decoded header value says what the body value says.
fn agrees(kind: Kind, header: &str, body: &Value) -> bool {
    match (kind, body) {
        (Kind::String, Value::String(s)) => s == header,
        (Kind::Integer, Value::Number(n)) => header
            .parse::<f64>()
            .ok()
            .zip(n.as_f64())
            .is_some_and(|(h, b)| h == b),
        (Kind::Boolean, Value::Bool(b)) => header == if *b { "true" } else { "false" },
        // A body value of the wrong type is the argument contract's to refuse.
        _ => true,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mirrors() -> Vec<HeaderMirror> {
        let mut schema = json!({"type": "object", "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"},
            "count": {"type": "integer", "x-mcp-header": "Count"},
            "dry": {"type": "boolean", "x-mcp-header": "Dry"},
            "query": {"type": "string"}
        }});
        let found = collect(&mut schema).unwrap();
        assert_eq!(schema["properties"]["count"]["maximum"], SAFE_INTEGER);
        found
    }

    fn check(arguments: Value, headers: &[(&str, &str)]) -> Result<(), ErrorObject> {
        let headers: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (*n, v.as_bytes())).collect();
        check_headers(&mirrors(), Some(&arguments), &headers)
    }

    #[test]
    fn headers_must_say_what_the_body_says() {
        let args = json!({"region": "Hello", "count": 42, "dry": true, "query": "q"});
        let good = [("region", "Hello"), ("COUNT", "42.0"), ("Dry", "true")];
        assert!(check(args.clone(), &good).is_ok());
        let encoded = [
            ("Region", "=?base64?SGVsbG8=?="),
            ("Count", "42"),
            ("Dry", "true"),
        ];
        assert!(check(args.clone(), &encoded).is_ok());
        for bad in [
            [
                ("Region", "=?base64?SGVsbG8?="),
                ("Count", "42"),
                ("Dry", "true"),
            ],
            [
                ("Region", "=?base64?SGVs!!!bG8=?="),
                ("Count", "42"),
                ("Dry", "true"),
            ],
            [("Region", "hello"), ("Count", "42"), ("Dry", "true")],
            [("Region", "Hello"), ("Count", "43"), ("Dry", "true")],
            [("Region", "Hello"), ("Count", "42"), ("Dry", "True")],
        ] {
            let error = check(args.clone(), &bad).unwrap_err();
            assert_eq!(error.code, code::HEADER_MISMATCH, "{bad:?}");
        }
        // A missing header for a present value, and a header for an absent one.
        assert!(check(args, &[("Region", "Hello"), ("Count", "42")]).is_err());
        assert!(
            check(
                json!({"region": "Hello"}),
                &[("Region", "Hello"), ("Dry", "true")]
            )
            .is_err()
        );
        // Null and absent values need no header; unknown headers are ignored.
        assert!(
            check(
                json!({"region": "Hello", "dry": null}),
                &[("Region", "Hello"), ("Other", "x")]
            )
            .is_ok()
        );
        // Literal values that only look encoded are literal.
        assert!(
            check(
                json!({"region": "=?base64?SGVsbG8="}),
                &[("Region", "=?base64?SGVsbG8=")]
            )
            .is_ok()
        );
    }

    #[test]
    fn bad_annotations_are_named() {
        for (schema, says) in [
            (
                json!({"properties": {"a": {"type": "number", "x-mcp-header": "A"}}}),
                "only string",
            ),
            (
                json!({"properties": {"a": {"type": "string", "x-mcp-header": ""}}}),
                "empty",
            ),
            (
                json!({"properties": {"a": {"type": "string", "x-mcp-header": "My Region"}}}),
                "' '",
            ),
            (
                json!({"properties": {"a": {"type": "string", "x-mcp-header": "R"},
                                      "b": {"type": "string", "x-mcp-header": "r"}}}),
                "same header",
            ),
            (
                json!({"properties": {"a": {"type": "array", "items": {"type": "string", "x-mcp-header": "A"}}}}),
                "not on an argument",
            ),
        ] {
            let error = collect(&mut schema.clone()).unwrap_err();
            assert!(error.contains(says), "{error}");
        }
        let mut nested = json!({"properties": {"a": {"type": "object",
            "properties": {"b": {"type": "boolean", "x-mcp-header": "B"}}}}});
        assert_eq!(collect(&mut nested).unwrap()[0].path, ["a", "b"]);
    }
}
