//! The schema contract, checked from the outside: for every tool a server
//! lists, arguments built from nothing but its published `inputSchema` must
//! never be refused as `InvalidArguments`, and a value just past a published
//! bound must be refused with a message that names the argument. Both
//! published schemas must be portable to strict clients
//! ([`mcp_tools::schema_findings`] finds nothing), and the structured content
//! of every call must validate against the published `outputSchema`.
//!
//! The generator is deliberately small: the least value each keyword allows
//! (an enum's first value, a string of `minLength` letters, an array of
//! `minItems` distinct items, the integer at `minimum`), and only the required
//! properties. A schema it cannot read (`anyOf`, patterns, formats) gets its
//! own values from the example that publishes it, through `overrides`.

use mcp_tools::Client;
use mcp_tools::serde_json::{Map, Value, json};

/// What one tool's check found wrong; empty when the contract holds.
#[derive(Debug)]
pub struct Breach {
    /// The tool.
    pub tool: String,
    /// The arguments sent.
    pub arguments: Value,
    /// What went wrong.
    pub problem: String,
}

/// Checks every tool `client` lists, its title and its argument contract;
/// returns the breaches found.
///
/// `overrides` gives some arguments of a tool, as `(tool, arguments)`: for a
/// schema the generator cannot read (a `pattern`) or a rule across arguments
/// that only the description states; the generator fills in the rest.
///
/// # Panics
///
/// When `tools/list` or a call fails at the protocol level.
pub async fn check_every_tool(client: &Client, overrides: &[(&str, Value)]) -> Vec<Breach> {
    let tools = client.list_tools().await.expect("tools/list answers");
    let mut breaches = Vec::new();
    for tool in &tools {
        let name = tool["name"].as_str().unwrap_or_default();
        // Clients show titles to people; a tool without one shows its name.
        if tool["title"].as_str().is_none_or(|t| t.trim().is_empty()) {
            breaches.push(Breach {
                tool: name.to_owned(),
                arguments: Value::Null,
                problem: "the tool has no title".into(),
            });
        }
        // Strict clients (the MCP Inspector's --strict) refuse or warn about
        // type lists, bare booleans and schemas without a validation keyword.
        for kind in ["inputSchema", "outputSchema"] {
            if let Some(published) = tool.get(kind) {
                for finding in mcp_tools::schema_findings(published) {
                    breaches.push(Breach {
                        tool: name.to_owned(),
                        arguments: Value::Null,
                        problem: format!("{kind} is not portable: {finding}"),
                    });
                }
            }
        }
        let output = tool.get("outputSchema").cloned().unwrap_or(Value::Null);
        let schema = &tool["inputSchema"];
        let given = overrides
            .iter()
            .find(|(t, _)| *t == name)
            .and_then(|(_, args)| args.as_object().cloned())
            .unwrap_or_default();
        let arguments = minimal_with(schema, &given);
        let Some(arguments) = arguments else {
            breaches.push(Breach {
                tool: name.to_owned(),
                arguments: Value::Null,
                problem: "the generator cannot read this schema; give its arguments".into(),
            });
            continue;
        };
        let outcome = client
            .call(name, arguments.clone())
            .await
            .expect("a call answers");
        if let Err(problem) = check_output(&output, outcome.result()) {
            breaches.push(Breach {
                tool: name.to_owned(),
                arguments: arguments.clone(),
                problem,
            });
        }
        if outcome.error_code() == Some("InvalidArguments") {
            breaches.push(Breach {
                tool: name.to_owned(),
                arguments: arguments.clone(),
                problem: format!(
                    "valid by the schema, refused: {}",
                    outcome.error_message().unwrap_or_default()
                ),
            });
        }
        for (field, outside) in out_of_bounds(schema, &arguments) {
            let outcome = client
                .call(name, outside.clone())
                .await
                .expect("a call answers");
            let message = outcome.error_message().unwrap_or_default().to_owned();
            if outcome.error_code() != Some("InvalidArguments") || !message.contains(&field) {
                breaches.push(Breach {
                    tool: name.to_owned(),
                    arguments: outside,
                    problem: format!(
                        "a value past the bound of '{field}' was not refused naming it: {:?} {message}",
                        outcome.error_code()
                    ),
                });
            }
        }
    }
    for (tool, _) in overrides {
        if !tools.iter().any(|t| t["name"] == *tool) {
            breaches.push(Breach {
                tool: (*tool).to_owned(),
                arguments: Value::Null,
                problem: "arguments given for a tool the server does not list".into(),
            });
        }
    }
    breaches
}

/// The least arguments `schema` allows with the arguments `given`, or `None`
/// when a required argument not given uses keywords the generator does not
/// read.
pub fn minimal_with(schema: &Value, given: &Map<String, Value>) -> Option<Value> {
    let properties = schema.get("properties").and_then(Value::as_object);
    let mut object = given.clone();
    for required in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !object.contains_key(required) {
            let property = properties?.get(required)?;
            object.insert(required.to_owned(), minimal(property)?);
        }
    }
    Some(Value::Object(object))
}

/// The least value `schema` allows, or `None` when it uses keywords the
/// generator does not read.
pub fn minimal(schema: &Value) -> Option<Value> {
    let map = schema.as_object()?;
    if let Some(Value::Array(values)) = map.get("enum") {
        return values.first().cloned();
    }
    if let Some(value) = map.get("const") {
        return Some(value.clone());
    }
    if ["anyOf", "oneOf", "allOf", "not", "pattern", "format", "if"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        return None;
    }
    match map.get("type").and_then(Value::as_str) {
        Some("object") => minimal_with(schema, &Map::new()),
        Some("array") => {
            let count = map.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = map.get("items").map_or(Some(json!("x")), minimal)?;
            (0..count)
                .map(|i| distinct(&item, i))
                .collect::<Option<Vec<_>>>()
                .map(Value::Array)
        }
        Some("string") => {
            let length = map.get("minLength").and_then(Value::as_u64).unwrap_or(0);
            Some(Value::String("a".repeat(usize::try_from(length).ok()?)))
        }
        Some("integer") => Some(map.get("minimum").cloned().unwrap_or(json!(0))),
        Some("number") => Some(map.get("minimum").cloned().unwrap_or(json!(0.0))),
        Some("boolean") => Some(json!(false)),
        _ => None,
    }
}

/// The `i`th of distinct values like `item`, for arrays that may demand
/// `uniqueItems`.
fn distinct(item: &Value, i: u64) -> Option<Value> {
    match item {
        Value::Number(n) if n.is_u64() => Some(json!(n.as_u64()? + i)),
        Value::Number(n) if n.is_i64() => Some(json!(n.as_i64()? + i64::try_from(i).ok()?)),
        Value::String(s) => Some(json!(format!(
            "{s}{}",
            "b".repeat(usize::try_from(i).ok()?)
        ))),
        other if i == 0 => Some(other.clone()),
        _ => None,
    }
}

/// For each given integer or string argument with a published bound,
/// `arguments` with that argument just past it, and the argument's name.
pub fn out_of_bounds(schema: &Value, arguments: &Value) -> Vec<(String, Value)> {
    let mut cases = Vec::new();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return cases;
    };
    for (name, property) in properties {
        if arguments.get(name).is_none() {
            continue;
        }
        let past = match property.get("type").and_then(Value::as_str) {
            Some("integer") => property
                .get("maximum")
                .and_then(Value::as_u64)
                .and_then(|max| max.checked_add(1))
                .map(|v| json!(v))
                .or_else(|| {
                    property
                        .get("minimum")
                        .and_then(Value::as_i64)
                        .and_then(|min| min.checked_sub(1))
                        .map(|v| json!(v))
                }),
            Some("string") => property
                .get("maxLength")
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n + 1).ok())
                .map(|n| json!("a".repeat(n))),
            _ => None,
        };
        if let Some(past) = past {
            let mut outside = arguments.clone();
            outside[name.as_str()] = past;
            cases.push((name.clone(), outside));
        }
    }
    cases
}

/// Checks one call's `structuredContent` against the tool's published
/// `outputSchema` (`null` for a tool that publishes none): `Err` names every
/// place where they disagree. A result without structured content passes.
pub fn check_output(output_schema: &Value, result: &Value) -> Result<(), String> {
    let (Some(structured), false) = (result.get("structuredContent"), output_schema.is_null())
    else {
        return Ok(());
    };
    let validator = jsonschema::validator_for(output_schema)
        .map_err(|e| format!("the outputSchema does not compile: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(structured)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "structuredContent does not match the published outputSchema: {}",
            errors.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_arguments_a_schema_allows() {
        let schema = json!({
            "type": "object",
            "properties": {
                "ids": {"type": "array", "items": {"type": "integer", "minimum": 1},
                        "minItems": 2, "uniqueItems": true},
                "name": {"type": "string", "minLength": 3},
                "kind": {"type": "string", "enum": ["b", "a"]},
                "top": {"type": "integer", "minimum": 1, "maximum": 100},
            },
            "required": ["ids", "name", "kind"],
        });
        assert_eq!(
            minimal(&schema),
            Some(json!({"ids": [1, 2], "name": "aaa", "kind": "b"}))
        );
        assert_eq!(minimal(&json!({"anyOf": []})), None);
    }

    #[test]
    fn values_just_past_the_bounds() {
        let schema = json!({
            "type": "object",
            "properties": {
                "top": {"type": "integer", "minimum": 1, "maximum": 100},
                "skip": {"type": "integer", "minimum": 0},
                "note": {"type": "string", "maxLength": 2},
            },
        });
        let cases = out_of_bounds(&schema, &json!({"top": 1, "skip": 0, "note": ""}));
        assert_eq!(
            cases,
            vec![
                ("top".to_owned(), json!({"top": 101, "skip": 0, "note": ""})),
                ("skip".to_owned(), json!({"top": 1, "skip": -1, "note": ""})),
                (
                    "note".to_owned(),
                    json!({"top": 1, "skip": 0, "note": "aaa"})
                ),
            ]
        );
    }
}
