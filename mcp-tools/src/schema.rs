//! Client-friendly JSON Schemas from Rust types.
//!
//! Schemas come from schemars (draft 2020-12) and are then reshaped into the form
//! real MCP clients accept without surprises: subschemas inlined, optional fields
//! simply not required (no `["T","null"]` unions), no top-level title, every object
//! closed with `additionalProperties: false`, and required fields non-empty
//! (`minLength: 1`, `minItems: 1`), and integers bounded by what their Rust
//! type holds (`u32` publishes `minimum: 0, maximum: 4294967295`). The
//! reshaped schema is what the server publishes and also what it validates
//! arguments against.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

/// How strictly a tool treats its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Strictness {
    /// Unknown arguments are refused and the schema says so (the default).
    #[default]
    Strict,
    /// Unknown arguments are ignored; for servers that must tolerate extra fields.
    Lenient,
}

fn generator(for_input: bool) -> SchemaGenerator {
    let settings = SchemaSettings::draft2020_12().with(|s| {
        s.inline_subschemas = true;
        s.meta_schema = None;
    });
    if for_input {
        settings.for_deserialize().into_generator()
    } else {
        settings.for_serialize().into_generator()
    }
}

/// The raw schemars schema of an argument type.
pub(crate) fn raw_input_schema<T: JsonSchema>() -> Value {
    generator(true).into_root_schema_for::<T>().to_value()
}

/// The raw schemars schema of a result type.
pub(crate) fn raw_output_schema<T: JsonSchema>() -> Value {
    generator(false).into_root_schema_for::<T>().to_value()
}

/// Why a schema cannot be published as a tool's input schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SchemaProblem(pub(crate) String);

/// Reshapes a raw input schema into the published, enforced form.
pub(crate) fn publish_input(
    mut schema: Value,
    strictness: Strictness,
) -> Result<Value, SchemaProblem> {
    let Value::Object(root) = &mut schema else {
        // `true`/`false` schemas: only an argument-less tool makes sense here.
        return Ok(empty_object(strictness));
    };
    if root.get("type").and_then(Value::as_str) == Some("null") {
        return Ok(empty_object(strictness));
    }
    if root.contains_key("$defs") {
        return Err(SchemaProblem(
            "the argument type is recursive, so its schema needs $ref, which many MCP clients cannot resolve; \
             use a non-recursive argument type"
                .into(),
        ));
    }
    root.remove("title");
    root.remove("$schema");
    if root.get("type").and_then(Value::as_str) != Some("object") {
        return Err(SchemaProblem(format!(
            "tool arguments are a JSON object, so the argument type must be a struct with named fields; its schema is {}",
            Value::Object(root.clone())
        )));
    }
    reshape(&mut schema, strictness == Strictness::Strict);
    if let Value::Object(root) = &mut schema
        && root
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
    {
        root.remove("properties");
    }
    Ok(schema)
}

fn empty_object(strictness: Strictness) -> Value {
    match strictness {
        Strictness::Strict => json!({"type": "object", "additionalProperties": false}),
        Strictness::Lenient => json!({"type": "object"}),
    }
}

/// Formats schemars adds for Rust integer and float widths; they are not JSON
/// Schema formats, carry nothing the bounds don't, and confuse some validators.
pub(crate) const WIDTH_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "int64", "int128", "uint", "uint8", "uint16", "uint32", "uint64",
    "uint128", "int", "float", "double",
];

/// The values a Rust integer of a schemars width format holds: what
/// deserialisation accepts, so what the schema must state.
fn integer_range(format: &str) -> Option<(i128, i128)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" | "int" => (i32::MIN.into(), i32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" | "uint" => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// States a width format's range as `minimum`/`maximum`, keeping a tighter
/// bound the type declares.
fn state_integer_range(map: &mut Map<String, Value>, format: &str) {
    let Some((low, high)) = integer_range(format) else {
        return;
    };
    map.insert("type".into(), "integer".into());
    let bound = |n: i128| -> Value {
        i64::try_from(n)
            .map(Value::from)
            .or_else(|_| u64::try_from(n).map(Value::from))
            .unwrap_or(Value::Null)
    };
    let tighter_low = map
        .get("minimum")
        .and_then(Value::as_f64)
        .is_some_and(|m| m >= low as f64);
    if !tighter_low {
        map.insert("minimum".into(), bound(low));
    }
    let tighter_high = map
        .get("maximum")
        .and_then(Value::as_f64)
        .is_some_and(|m| m <= high as f64);
    if !tighter_high {
        map.insert("maximum".into(), bound(high));
    }
}

fn reshape(schema: &mut Value, strict: bool) {
    let Value::Object(map) = schema else { return };
    drop_null_alternatives(map);
    enum_from_consts(map);
    if let Some(Value::String(format)) = map.get("format")
        && WIDTH_FORMATS.contains(&format.as_str())
    {
        let format = format.clone();
        map.remove("format");
        state_integer_range(map, &format);
    }
    let is_object =
        map.get("type").and_then(Value::as_str) == Some("object") || map.contains_key("properties");
    if is_object {
        map.entry("type").or_insert_with(|| "object".into());
        if strict {
            map.entry("additionalProperties")
                .or_insert(Value::Bool(false));
        }
        let required = required_names(map);
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            for (name, property) in properties.iter_mut() {
                reshape(property, strict);
                if required.contains(name) {
                    require_non_empty(property);
                }
            }
        }
    }
    for key in ["items", "additionalProperties", "not", "if", "then", "else"] {
        if let Some(sub @ Value::Object(_)) = map.get_mut(key) {
            reshape(sub, strict);
        }
    }
    for key in ["anyOf", "oneOf", "allOf", "prefixItems"] {
        if let Some(Value::Array(subs)) = map.get_mut(key) {
            subs.iter_mut().for_each(|s| reshape(s, strict));
        }
    }
}

/// `Option<T>` becomes plain `T`: an optional argument is one that is not required.
pub(crate) fn drop_null_alternatives(map: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            map.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(alternatives)) = map.get_mut(key) else {
            continue;
        };
        let before = alternatives.len();
        alternatives.retain(|alt| {
            alt.get("type").and_then(Value::as_str) != Some("null")
                && alt.get("const") != Some(&Value::Null)
        });
        if alternatives.len() == 1 && before > 1 {
            let Some(Value::Object(only)) = alternatives.pop() else {
                continue;
            };
            map.remove(key);
            for (k, v) in only {
                // The outer schema's own keywords (description, default) win.
                map.entry(k).or_insert(v);
            }
        }
    }
}

/// A `oneOf` of documented constants (an enum whose variants have doc comments)
/// becomes a plain `enum`, with the variant docs folded into the description.
fn enum_from_consts(map: &mut Map<String, Value>) {
    let Some(Value::Array(alternatives)) = map.get("oneOf") else {
        return;
    };
    let mut values = Vec::new();
    let mut notes = Vec::new();
    for alt in alternatives {
        let Some(constant) = alt.get("const").filter(|c| c.is_string()).or_else(|| {
            alt.get("enum")
                .and_then(Value::as_array)
                .filter(|e| e.len() == 1 && e[0].is_string())
                .map(|e| &e[0])
        }) else {
            return;
        };
        if let Some(doc) = alt.get("description").and_then(Value::as_str) {
            notes.push(format!(
                "{}: {}",
                constant.as_str().unwrap_or_default(),
                doc.trim_end_matches('.')
            ));
        }
        values.push(constant.clone());
    }
    map.remove("oneOf");
    map.insert("type".into(), "string".into());
    map.insert("enum".into(), Value::Array(values));
    if !notes.is_empty() {
        let listed = format!("Values: {}.", notes.join("; "));
        let description = match map.get("description").and_then(Value::as_str) {
            Some(d) => format!("{d} {listed}"),
            None => listed,
        };
        map.insert("description".into(), description.into());
    }
}

/// The names an object schema lists under `required`.
pub(crate) fn required_names(map: &Map<String, Value>) -> Vec<String> {
    map.get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn require_non_empty(property: &mut Value) {
    let Value::Object(map) = property else { return };
    match map.get("type").and_then(Value::as_str) {
        Some("string") => raise_floor(map, "minLength"),
        Some("array") => raise_floor(map, "minItems"),
        _ => {}
    }
}

/// Makes a required string or list non-empty, unless its type declares its own
/// lower bound: `#[schemars(length(min = 0))]` on a required list means "pass
/// `[]` to clear", and that declaration wins.
fn raise_floor(map: &mut Map<String, Value>, keyword: &str) {
    if !map.contains_key(keyword) {
        map.insert(keyword.into(), 1.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemars::JsonSchema;
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    struct Inner {
        /// A label.
        label: String,
    }

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    enum Channel {
        /// Email messages.
        Email,
        /// LinkedIn messages.
        LinkedIn,
    }

    /// The arguments.
    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    struct Args {
        /// The message.
        message: String,
        /// Optional note.
        note: Option<String>,
        tags: Vec<String>,
        inner: Option<Inner>,
        channel: Channel,
        count: u32,
    }

    #[test]
    fn reshapes_to_the_client_friendly_form() {
        let schema = publish_input(raw_input_schema::<Args>(), Strictness::Strict).unwrap();
        assert!(schema.get("title").is_none());
        assert!(schema.get("$schema").is_none());
        assert!(schema.get("$defs").is_none());
        assert_eq!(schema["additionalProperties"], false);
        let p = &schema["properties"];
        assert_eq!(p["message"]["minLength"], 1);
        assert_eq!(p["message"]["description"], "The message.");
        assert_eq!(p["note"]["type"], "string");
        assert_eq!(p["tags"]["minItems"], 1);
        assert_eq!(p["inner"]["type"], "object");
        assert_eq!(p["inner"]["additionalProperties"], false);
        assert_eq!(p["inner"]["properties"]["label"]["minLength"], 1);
        assert_eq!(p["channel"]["enum"], json!(["Email", "LinkedIn"]));
        assert!(p["count"].get("format").is_none());
        assert_eq!(p["count"]["minimum"], 0);
        let mut required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        required.sort();
        assert_eq!(required, ["channel", "count", "message", "tags"]);
        assert!(!schema.to_string().contains("null"), "{schema}");
    }

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    struct Replace {
        /// The whole new list; `[]` clears it.
        #[schemars(length(min = 0))]
        topics: Vec<String>,
        /// At least one.
        ids: Vec<u64>,
    }

    #[test]
    fn a_declared_lower_bound_wins_over_non_empty() {
        let schema = publish_input(raw_input_schema::<Replace>(), Strictness::Strict).unwrap();
        assert_eq!(schema["properties"]["topics"]["minItems"], 0);
        assert_eq!(schema["properties"]["ids"]["minItems"], 1);
    }

    #[test]
    fn unit_arguments_publish_an_empty_closed_object() {
        let schema = publish_input(raw_input_schema::<()>(), Strictness::Strict).unwrap();
        assert_eq!(
            schema,
            json!({"type": "object", "additionalProperties": false})
        );
    }

    #[test]
    fn lenient_schemas_stay_open() {
        let schema = publish_input(raw_input_schema::<Args>(), Strictness::Lenient).unwrap();
        assert!(schema.get("additionalProperties").is_none());
    }

    #[test]
    fn non_object_arguments_are_refused() {
        assert!(publish_input(raw_input_schema::<Vec<u8>>(), Strictness::Strict).is_err());
    }
}
