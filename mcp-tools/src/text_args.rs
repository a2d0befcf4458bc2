//! Arguments that arrive as strings (prompt arguments, URI template
//! variables) read into a typed struct: the struct's schema says which
//! strings are numbers or booleans, serde does the rest.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::schema::{raw_input_schema, required_names};

/// One named argument of a typed argument struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArgumentSpec {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) required: bool,
    /// The JSON type the string is read as: `string`, `integer`, `number`, `boolean`.
    kind: String,
}

/// The arguments of `T`, in the order of its schema's properties.
pub(crate) fn argument_specs<T: JsonSchema>() -> Vec<ArgumentSpec> {
    let schema = raw_input_schema::<T>();
    let Some(root) = schema.as_object() else {
        return Vec::new();
    };
    let required = required_names(root);
    let Some(properties) = root.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| ArgumentSpec {
            name: name.clone(),
            description: property
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            required: required.contains(name),
            kind: scalar_kind(property),
        })
        .collect()
}

fn scalar_kind(property: &Value) -> String {
    let types: Vec<&str> = match property.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    ["integer", "number", "boolean"]
        .into_iter()
        .find(|t| types.contains(t))
        .unwrap_or("string")
        .to_owned()
}

/// Reads `T` from string arguments.
pub(crate) type TextParser<T> = Arc<dyn Fn(&Map<String, Value>) -> Result<T, String> + Send + Sync>;

/// A parser for `T`: checks unknown and missing arguments, converts each
/// string to the type its property declares, then deserialises. Errors name
/// the argument and list the accepted ones.
pub(crate) fn parser<T: DeserializeOwned + JsonSchema + 'static>(
    what: &'static str,
) -> TextParser<T> {
    let specs = argument_specs::<T>();
    Arc::new(move |given: &Map<String, Value>| {
        let accepted = || {
            if specs.is_empty() {
                format!("this {what} takes none")
            } else {
                let names: Vec<String> = specs
                    .iter()
                    .map(|s| {
                        if s.required {
                            format!("{} (required)", s.name)
                        } else {
                            s.name.clone()
                        }
                    })
                    .collect();
                format!("accepted: {}", names.join(", "))
            }
        };
        for name in given.keys() {
            if !specs.iter().any(|s| &s.name == name) {
                return Err(format!("unknown {what} argument {name:?}; {}", accepted()));
            }
        }
        if let Some(missing) = specs
            .iter()
            .find(|s| s.required && !given.contains_key(&s.name))
        {
            return Err(format!(
                "missing required {what} argument {:?}; {}",
                missing.name,
                accepted()
            ));
        }
        let mut typed = Map::new();
        for spec in &specs {
            let Some(value) = given.get(&spec.name) else {
                continue;
            };
            let Some(text) = value.as_str() else {
                return Err(format!(
                    "{what} argument {:?} must be a string, got {value}",
                    spec.name
                ));
            };
            let converted = match spec.kind.as_str() {
                "integer" | "number" => text.parse::<serde_json::Number>().ok().map(Value::Number),
                "boolean" => text.parse::<bool>().ok().map(Value::Bool),
                _ => Some(Value::String(text.to_owned())),
            };
            let Some(converted) = converted else {
                return Err(format!(
                    "{what} argument {:?} must be a {} written as text, got {text:?}",
                    spec.name, spec.kind
                ));
            };
            typed.insert(spec.name.clone(), converted);
        }
        serde_json::from_value(Value::Object(typed))
            .map_err(|e| format!("invalid {what} arguments: {e}; {}", accepted()))
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize, JsonSchema, PartialEq)]
    struct Args {
        /// The city.
        city: String,
        days: Option<u32>,
    }

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn specs_come_from_the_schema() {
        let specs = argument_specs::<Args>();
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].name, "city");
        assert_eq!(specs[0].description.as_deref(), Some("The city."));
        assert!(specs[0].required);
        assert!(!specs[1].required);
    }

    #[test]
    fn strings_become_the_declared_types() {
        let parse = parser::<Args>("prompt");
        let args = parse(&map(json!({"city": "Oslo", "days": "3"}))).unwrap();
        assert_eq!(
            args,
            Args {
                city: "Oslo".into(),
                days: Some(3)
            }
        );
    }

    #[test]
    fn errors_name_the_argument_and_the_accepted_ones() {
        let parse = parser::<Args>("prompt");
        let missing = parse(&map(json!({}))).unwrap_err();
        assert!(
            missing.contains("\"city\"") && missing.contains("accepted: city (required), days"),
            "{missing}"
        );
        let unknown = parse(&map(json!({"city": "x", "town": "y"}))).unwrap_err();
        assert!(
            unknown.contains("unknown prompt argument \"town\""),
            "{unknown}"
        );
        let bad = parse(&map(json!({"city": "x", "days": "many"}))).unwrap_err();
        assert!(
            bad.contains("\"days\" must be a integer") || bad.contains("integer"),
            "{bad}"
        );
    }
}
