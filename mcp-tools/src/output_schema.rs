//! The published `outputSchema`, in a form strict clients accept.
//!
//! A result type's schemars schema is reshaped by the rules input schemas
//! follow, adapted to values the server writes rather than reads:
//!
//! - an optional field that serde leaves out when it is `None`
//!   (`#[serde(skip_serializing_if = "Option::is_none")]`) is simply not
//!   required, with no `null` alternative;
//! - a field that is always written but may be `null` keeps `null`, spelled as
//!   `anyOf` branches of one type each, never as a `["T","null"]` type list;
//! - a schema that accepts anything (a bare `true`, or one with a description
//!   but no keyword, as `serde_json::Value` gets) names the JSON types it
//!   accepts, one `anyOf` branch each; a bare `false` becomes `{"not": {}}`;
//! - no top-level title, no `$schema`, no Rust width formats (`uint32`).
//!
//! The result is what the MCP Inspector's `--strict` check asks for (no
//! boolean schemas, no type lists, no schema without a validation keyword)
//! while every value the type serialises to still validates.
//!
//! The published schema is then either the envelope (`Success`/`Data` or
//! `Success`/`ErrorCode`/`ErrorMessage`, the default) or, for a server built
//! with [`ResultStyle::Plain`](crate::ResultStyle::Plain), the data's own
//! schema, wrapped in `{"result": …}` when the data is not an object.

use serde_json::{Map, Value, json};

use crate::schema::{WIDTH_FORMATS, drop_null_alternatives, required_names};

/// The property that holds a plain result whose data is not a JSON object.
pub const PLAIN_RESULT_KEY: &str = "result";

/// Keywords whose value is one subschema.
const ONE_SUBSCHEMA: &[&str] = &[
    "items",
    "contains",
    "not",
    "propertyNames",
    "if",
    "then",
    "else",
    "additionalProperties",
    "unevaluatedProperties",
    "additionalItems",
    "unevaluatedItems",
    "contentSchema",
];

/// Keywords that take a boolean as a value of their own, not as a schema.
const BOOLEAN_VALUED: &[&str] = &[
    "additionalProperties",
    "unevaluatedProperties",
    "additionalItems",
    "unevaluatedItems",
];

/// Keywords whose value is a list of subschemas.
const SUBSCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

/// Keywords whose value is a map of names to subschemas.
const SUBSCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "definitions",
];

/// Keywords that restrict the values a schema accepts; a schema with none of
/// them accepts anything.
const CONSTRAINING: &[&str] = &[
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "format",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "items",
    "prefixItems",
    "contains",
    "additionalItems",
    "unevaluatedItems",
    "properties",
    "patternProperties",
    "additionalProperties",
    "unevaluatedProperties",
    "propertyNames",
    "dependentSchemas",
    "dependencies",
    "$ref",
    "$dynamicRef",
    "$recursiveRef",
];

/// The schema of any JSON value, with each type named: what a result field
/// of arbitrary JSON publishes instead of a bare `true`.
///
/// Use it in a result type for a field that really holds arbitrary JSON:
///
/// ```
/// use schemars::JsonSchema;
/// use serde::Serialize;
///
/// #[derive(Serialize, JsonSchema)]
/// struct Export {
///     /// The vendor's own configuration, passed through as it is.
///     #[schemars(schema_with = "mcp_tools::any_json_schema")]
///     config: serde_json::Value,
/// }
/// # let schema = schemars::schema_for!(Export);
/// # assert!(schema.as_value()["properties"]["config"]["anyOf"].is_array());
/// ```
pub fn any_json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::Schema::try_from(any_json()).unwrap_or_default()
}

/// `{"anyOf": [{"type": "object"}, …]}`: every JSON type, one branch each.
pub(crate) fn any_json() -> Value {
    json!({"anyOf": [
        {"type": "object"},
        {"type": "array"},
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "null"}
    ]})
}

/// Reshapes a raw result schema into the published form of `Data`.
pub(crate) fn publish_data(mut schema: Value) -> Value {
    if let Value::Object(root) = &mut schema {
        root.remove("title");
        root.remove("$schema");
    }
    tidy(&mut schema, false);
    schema
}

/// Whether data of this published schema is always a JSON object.
pub(crate) fn is_object(data: &Value) -> bool {
    data.get("type").and_then(Value::as_str) == Some("object")
}

/// The envelope's schema, admitting both shapes, with `Data`'s schema.
pub(crate) fn envelope(data: Value) -> Value {
    let (data, defs) = take_defs(data);
    let mut schema = json!({
        "type": "object",
        "properties": {
            "Success": {"type": "boolean", "description": "Whether the call succeeded."},
            "Data": data,
            "ErrorCode": {"type": "string", "description": "Machine-readable failure code, present when Success is false."},
            "ErrorMessage": {"type": "string", "description": "What went wrong and what to do about it, present when Success is false."}
        },
        "required": ["Success"],
        "anyOf": [
            {"properties": {"Success": {"const": true}}, "required": ["Data"]},
            {"properties": {"Success": {"const": false}}, "required": ["ErrorCode", "ErrorMessage"]}
        ]
    });
    put_defs(&mut schema, defs);
    schema
}

/// The plain style's schema: the data's own schema when `wrap` is false
/// (the data is an object), else `{"result": <data>}`.
pub(crate) fn plain(data: Value, wrap: bool) -> Value {
    if !wrap {
        let mut data = data;
        if let Value::Object(map) = &mut data {
            // `structuredContent` is an object; say so at the top even when the
            // data's schema is a union of object shapes (a confirm tool's).
            map.entry("type").or_insert_with(|| "object".into());
        }
        return data;
    }
    let (data, defs) = take_defs(data);
    let mut schema = json!({
        "type": "object",
        "properties": { PLAIN_RESULT_KEY: data },
        "required": [PLAIN_RESULT_KEY]
    });
    put_defs(&mut schema, defs);
    schema
}

fn take_defs(mut data: Value) -> (Value, Option<Value>) {
    let defs = data.as_object_mut().and_then(|m| m.remove("$defs"));
    (data, defs)
}

fn put_defs(schema: &mut Value, defs: Option<Value>) {
    if let (Some(defs), Value::Object(map)) = (defs, schema) {
        map.insert("$defs".into(), defs);
    }
}

/// Reshapes one schema in place; `under_not` when it is the operand of `not`,
/// where an empty schema is the intended "nothing".
fn tidy(schema: &mut Value, under_not: bool) {
    match schema {
        Value::Bool(true) if !under_not => *schema = any_json(),
        Value::Bool(true) => *schema = json!({}),
        Value::Bool(false) => *schema = json!({"not": {}}),
        Value::Object(map) => tidy_map(map, under_not),
        _ => {}
    }
}

fn tidy_map(map: &mut Map<String, Value>, under_not: bool) {
    if let Some(Value::String(format)) = map.get("format")
        && WIDTH_FORMATS.contains(&format.as_str())
    {
        map.remove("format");
    }
    let required = required_names(map);
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            // Not required means serde leaves the field out when it has no
            // value, so `null` is never written and need not be admitted.
            if !required.contains(name)
                && let Value::Object(property) = property
            {
                drop_null_alternatives(property);
            }
        }
    }
    for key in SUBSCHEMA_MAPS {
        if let Some(Value::Object(subs)) = map.get_mut(*key) {
            subs.values_mut().for_each(|s| tidy(s, false));
        }
    }
    for key in SUBSCHEMA_LISTS {
        if let Some(Value::Array(subs)) = map.get_mut(*key) {
            subs.iter_mut().for_each(|s| tidy(s, false));
        }
    }
    for key in ONE_SUBSCHEMA {
        match map.get_mut(*key) {
            Some(Value::Bool(_)) if BOOLEAN_VALUED.contains(key) => {}
            Some(sub) => tidy(sub, *key == "not"),
            None => {}
        }
    }
    split_type_list(map);
    if !under_not
        && !constrains(map)
        && let Value::Object(any) = any_json()
    {
        map.extend(any);
    }
}

/// `"type": ["string", "null"]` becomes `anyOf` branches of one type each;
/// the other keywords stay where they are, since each applies to its own type.
fn split_type_list(map: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = map.get_mut("type") else {
        return;
    };
    if types.len() == 1 {
        let only = types.remove(0);
        map.insert("type".into(), only);
        return;
    }
    let branches: Vec<Value> = types.iter().map(|t| json!({"type": t})).collect();
    map.remove("type");
    match map.remove("anyOf") {
        None => {
            map.insert("anyOf".into(), Value::Array(branches));
        }
        Some(existing) => {
            let all = map
                .entry("allOf")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(all) = all {
                all.push(json!({"anyOf": existing}));
                all.push(json!({"anyOf": branches}));
            }
        }
    }
}

fn constrains(map: &Map<String, Value>) -> bool {
    map.keys().any(|k| CONSTRAINING.contains(&k.as_str()))
        || (map.contains_key("if") && (map.contains_key("then") || map.contains_key("else")))
}

/// What makes a published schema unportable to strict clients, by the rules
/// of the MCP Inspector's `--strict` check: each finding as
/// `"<path>: <problem>"`; empty when there is none.
///
/// ```
/// use serde_json::json;
///
/// let findings = mcp_tools::schema_findings(&json!({
///     "type": "object",
///     "properties": {"note": {"type": ["string", "null"]}, "any": true}
/// }));
/// assert_eq!(findings.len(), 2);
/// assert!(mcp_tools::schema_findings(&json!({"type": "string"})).is_empty());
/// ```
pub fn schema_findings(schema: &Value) -> Vec<String> {
    let mut findings = Vec::new();
    lint(schema, "#", None, &mut findings);
    findings
}

fn lint(schema: &Value, path: &str, keyword: Option<&str>, findings: &mut Vec<String>) {
    let map = match schema {
        Value::Bool(b) => {
            if !keyword.is_some_and(|k| BOOLEAN_VALUED.contains(&k)) {
                findings.push(format!("{path}: a bare {b} where a schema object belongs"));
            }
            return;
        }
        Value::Object(map) => map,
        _ => return,
    };
    if let Some(Value::Array(types)) = map.get("type") {
        findings.push(format!(
            "{path}: a type list {}; use anyOf branches of one type each",
            Value::Array(types.clone())
        ));
    }
    if keyword != Some("not") && !constrains(map) {
        findings.push(format!(
            "{path}: no validation keyword, so it accepts any value; name its type"
        ));
    }
    for key in SUBSCHEMA_MAPS.iter().chain(&["dependencies"]) {
        if let Some(Value::Object(subs)) = map.get(*key) {
            for (name, sub) in subs {
                lint(sub, &format!("{path}/{key}/{name}"), Some(key), findings);
            }
        }
    }
    for key in SUBSCHEMA_LISTS {
        if let Some(Value::Array(subs)) = map.get(*key) {
            for (i, sub) in subs.iter().enumerate() {
                lint(sub, &format!("{path}/{key}/{i}"), Some(key), findings);
            }
        }
    }
    for key in ONE_SUBSCHEMA {
        match map.get(*key) {
            Some(Value::Array(subs)) if *key == "items" => {
                for (i, sub) in subs.iter().enumerate() {
                    lint(sub, &format!("{path}/{key}/{i}"), Some(key), findings);
                }
            }
            Some(sub) => lint(sub, &format!("{path}/{key}"), Some(key), findings),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::raw_output_schema;
    use schemars::JsonSchema;
    use serde::Serialize;

    #[allow(dead_code)]
    #[derive(Serialize, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    struct Row {
        /// Always written, maybe null.
        score: Option<u32>,
        /// Left out when absent.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        /// Arbitrary JSON.
        extra: Value,
        /// A map of anything.
        labels: std::collections::BTreeMap<String, Value>,
        nested: Option<Vec<Option<i64>>>,
    }

    fn row(score: Option<u32>, note: Option<&str>) -> Value {
        serde_json::to_value(Row {
            score,
            note: note.map(str::to_owned),
            extra: json!([1, {"a": null}]),
            labels: [("k".to_owned(), json!(null))].into_iter().collect(),
            nested: Some(vec![None, Some(-3)]),
        })
        .unwrap()
    }

    #[test]
    fn results_publish_a_portable_schema() {
        let raw = raw_output_schema::<Row>();
        assert!(
            !schema_findings(&raw).is_empty(),
            "the raw schema has findings"
        );
        let data = publish_data(raw);
        assert_eq!(schema_findings(&data), Vec::<String>::new(), "{data:#}");
        let p = &data["properties"];
        assert_eq!(p["note"]["type"], "string", "{data:#}");
        assert!(p["score"]["anyOf"].is_array());
        assert!(p["score"].get("format").is_none());
        assert!(data.get("title").is_none());
        for value in [row(None, None), row(Some(3), Some("hi"))] {
            assert!(
                jsonschema::is_valid(&data, &value),
                "{value} against {data:#}"
            );
        }
        assert!(!jsonschema::is_valid(&data, &json!({"note": null})));
    }

    #[test]
    fn boolean_schemas_name_their_types() {
        let data = publish_data(json!({
            "type": "object",
            "properties": {"any": true, "never": false, "open": {"type": "object", "additionalProperties": true}}
        }));
        assert_eq!(schema_findings(&data), Vec::<String>::new(), "{data:#}");
        assert_eq!(data["properties"]["open"]["additionalProperties"], true);
        assert!(jsonschema::is_valid(
            &data,
            &json!({"any": null, "open": {"x": 1}})
        ));
        assert!(!jsonschema::is_valid(&data, &json!({"never": 1})));
    }

    #[test]
    fn envelope_and_plain_schemas_stay_portable() {
        let data = publish_data(raw_output_schema::<Row>());
        let wrapped = publish_data(raw_output_schema::<Vec<String>>());
        assert!(is_object(&data));
        assert!(!is_object(&wrapped));
        for schema in [
            envelope(data.clone()),
            plain(data.clone(), false),
            plain(wrapped.clone(), true),
        ] {
            assert_eq!(schema_findings(&schema), Vec::<String>::new(), "{schema:#}");
        }
        let plain_wrapped = plain(wrapped, true);
        assert!(jsonschema::is_valid(
            &plain_wrapped,
            &json!({"result": ["a"]})
        ));
        assert!(!jsonschema::is_valid(&plain_wrapped, &json!(["a"])));
    }

    #[test]
    fn findings_name_the_place() {
        let findings = schema_findings(&json!({
            "type": "object",
            "properties": {"a": {"description": "x"}, "b": {"anyOf": [true]}},
            "additionalProperties": false
        }));
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(findings[0].starts_with("#/properties/a:"), "{findings:?}");
        assert!(
            findings[1].starts_with("#/properties/b/anyOf/0:"),
            "{findings:?}"
        );
    }
}
