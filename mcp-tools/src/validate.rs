//! Strict argument validation: the published `inputSchema` is the contract.

/// A cross-field rule on an argument type, checked after the schema has passed.
///
/// Rules a JSON Schema cannot say well ("at least one of email or LinkedIn URL")
/// go here. The returned message is shown to the model inside an `InvalidArguments`
/// envelope, so say what is missing and what to do instead.
///
/// ```
/// use mcp_tools::Validate;
///
/// struct SearchContacts { email: Option<String>, linkedin_url: Option<String> }
///
/// impl Validate for SearchContacts {
///     fn validate(&self) -> Result<(), String> {
///         if self.email.is_none() && self.linkedin_url.is_none() {
///             return Err("pass email or linkedInUrl; names are not searchable".into());
///         }
///         Ok(())
///     }
/// }
/// ```
pub trait Validate {
    /// Checks the rule; `Err` carries the message for the model.
    fn validate(&self) -> Result<(), String>;
}

use std::fmt::Write as _;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use serde_json::{Map, Value};

use crate::error::ToolError;

/// The compiled contract of one tool's arguments: normalisation, schema
/// validation and error wording, all derived from the published schema.
pub(crate) struct ArgumentContract {
    tool: Box<str>,
    shape: Shape,
    validator: jsonschema::Validator,
}

/// The parts of the schema normalisation and error wording need, precomputed.
enum Shape {
    Object(Box<ObjectShape>),
    Array(Box<Shape>),
    Enum(Box<[String]>),
    Integer,
    Any,
}

struct ObjectShape {
    properties: Vec<(String, Shape)>,
    required: Vec<String>,
}

impl ObjectShape {
    fn get(&self, name: &str) -> Option<&Shape> {
        self.properties
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s)
    }

    fn accepted(&self) -> String {
        if self.properties.is_empty() {
            return "none (this tool takes no arguments)".into();
        }
        self.properties
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Shape {
    fn of(schema: &Value) -> Shape {
        let Value::Object(map) = schema else {
            return Shape::Any;
        };
        if let Some(Value::Array(values)) = map.get("enum")
            && values.iter().all(Value::is_string)
        {
            return Shape::Enum(
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            );
        }
        if let Some(Value::Object(properties)) = map.get("properties") {
            let required = crate::schema::required_names(map);
            return Shape::Object(Box::new(ObjectShape {
                properties: properties
                    .iter()
                    .map(|(k, v)| (k.clone(), Shape::of(v)))
                    .collect(),
                required,
            }));
        }
        if map.get("type").and_then(Value::as_str) == Some("object") {
            return Shape::Object(Box::new(ObjectShape {
                properties: Vec::new(),
                required: Vec::new(),
            }));
        }
        if let Some(items) = map.get("items") {
            return Shape::Array(Box::new(Shape::of(items)));
        }
        if map.get("type").and_then(Value::as_str) == Some("integer") {
            return Shape::Integer;
        }
        Shape::Any
    }

    /// Applies the lenient readings the contract documents: `null` on an
    /// optional argument means "not given", enum values match
    /// case-insensitively, and an integer may be written with a zero fraction
    /// (`20.0`), as JSON Schema counts it an integer too.
    fn normalise(&self, value: &mut Value) {
        match (self, value) {
            (Shape::Object(object), Value::Object(map)) => {
                map.retain(|k, v| !v.is_null() || object.required.iter().any(|r| r == k));
                for (name, shape) in &object.properties {
                    if let Some(v) = map.get_mut(name) {
                        shape.normalise(v);
                    }
                }
            }
            (Shape::Array(item), Value::Array(items)) => {
                items.iter_mut().for_each(|v| item.normalise(v))
            }
            (Shape::Enum(allowed), Value::String(s)) => {
                if !allowed.iter().any(|a| a == s)
                    && let Some(canonical) = allowed.iter().find(|a| a.eq_ignore_ascii_case(s))
                {
                    s.clone_from(canonical);
                }
            }
            (Shape::Integer, Value::Number(n)) if n.is_f64() => {
                if let Some(integral) = n.as_f64().and_then(integral) {
                    *n = integral;
                }
            }
            _ => {}
        }
    }

    fn at<'a>(&'a self, segments: &[LocationSegment<'_>]) -> Option<&'a Shape> {
        let Some((first, rest)) = segments.split_first() else {
            return Some(self);
        };
        match (self, first) {
            (Shape::Object(o), LocationSegment::Property(name)) => o.get(name)?.at(rest),
            (Shape::Array(item), LocationSegment::Index(_)) => item.at(rest),
            _ => None,
        }
    }
}

/// `x` as an integer JSON number when it has no fraction and fits one.
fn integral(x: f64) -> Option<serde_json::Number> {
    // 2^63 and 2^64: the first values past i64 and u64, exact as floats.
    const I64_END: f64 = 9_223_372_036_854_775_808.0;
    const U64_END: f64 = 18_446_744_073_709_551_616.0;
    if x.fract() != 0.0 || !x.is_finite() {
        return None;
    }
    if (-I64_END..I64_END).contains(&x) {
        #[allow(clippy::cast_possible_truncation, reason = "integral and in range")]
        return Some((x as i64).into());
    }
    if (0.0..U64_END).contains(&x) {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "integral, non-negative and in range"
        )]
        return Some((x as u64).into());
    }
    None
}

impl ArgumentContract {
    /// Compiles the contract of a published input schema.
    pub(crate) fn compile(tool: &str, schema: &Value) -> Result<Self, String> {
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(schema)
            .map_err(|e| format!("its input schema does not compile: {e}"))?;
        Ok(Self {
            tool: tool.into(),
            shape: Shape::of(schema),
            validator,
        })
    }

    /// Normalises `args` in place and checks them against the schema.
    pub(crate) fn check(&self, args: &mut Value) -> Result<(), ToolError> {
        self.shape.normalise(args);
        if self.validator.is_valid(args) {
            return Ok(());
        }
        Err(ToolError::invalid_arguments(self.explain(args)))
    }

    /// Whether the field at `segments` is a required property of its object.
    fn is_required(&self, segments: &[LocationSegment<'_>]) -> bool {
        let Some((LocationSegment::Property(name), parent)) = segments.split_last() else {
            return false;
        };
        match self.shape.at(parent) {
            Some(Shape::Object(o)) => o.required.iter().any(|r| r == name.as_ref()),
            _ => false,
        }
    }

    fn explain(&self, args: &Value) -> String {
        let mut missing: Vec<String> = Vec::new();
        let mut unknown: Vec<(String, Vec<String>, String)> = Vec::new();
        let mut other: Vec<String> = Vec::new();
        for error in self.validator.iter_errors(args) {
            let segments: Vec<LocationSegment<'_>> = error.instance_path().segments().collect();
            let path = dotted(&segments);
            let instance = error.instance();
            match error.kind() {
                ValidationErrorKind::Required { property } => {
                    let name = property
                        .as_str()
                        .map_or_else(|| property.to_string(), str::to_owned);
                    missing.push(join(&path, &name));
                }
                // Only a required field left empty is "missing"; an optional
                // one given empty is refused for its bound, below.
                ValidationErrorKind::Type { .. }
                    if instance.is_null() && self.is_required(&segments) =>
                {
                    missing.push(path)
                }
                ValidationErrorKind::MinLength { limit: 1 }
                    if instance.as_str() == Some("") && self.is_required(&segments) =>
                {
                    missing.push(path)
                }
                ValidationErrorKind::MinItems { limit: 1 }
                    if instance.as_array().is_some_and(Vec::is_empty)
                        && self.is_required(&segments) =>
                {
                    missing.push(path)
                }
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    let accepted = match self.shape.at(&segments) {
                        Some(Shape::Object(o)) => o.accepted(),
                        _ => "see the tool's inputSchema".into(),
                    };
                    unknown.push((path, unexpected.clone(), accepted));
                }
                // A closed object without properties is a `false` schema for
                // its members: report them as the unknown arguments they are.
                ValidationErrorKind::FalseSchema => {
                    // jsonschema reports it at the member (with its name in
                    // the path) or, for some schemas, at the object itself.
                    let (place, names) = match segments.split_last() {
                        Some((LocationSegment::Property(name), parent))
                            if !instance.is_object() || self.shape.at(&segments).is_none() =>
                        {
                            (parent, vec![name.to_string()])
                        }
                        _ => match value_at(args, &segments) {
                            Some(Value::Object(members)) => {
                                let object = match self.shape.at(&segments) {
                                    Some(Shape::Object(o)) => Some(o),
                                    _ => None,
                                };
                                let names = members
                                    .keys()
                                    .filter(|k| object.is_none_or(|o| o.get(k).is_none()))
                                    .cloned()
                                    .collect();
                                (&segments[..], names)
                            }
                            _ => {
                                other.push(describe(&path, error.kind(), instance));
                                continue;
                            }
                        },
                    };
                    let accepted = match self.shape.at(place) {
                        Some(Shape::Object(o)) => o.accepted(),
                        _ => "see the tool's inputSchema".into(),
                    };
                    let place = dotted(place);
                    match unknown.last_mut() {
                        Some((last, known, _)) if *last == place => {
                            for name in names {
                                if !known.contains(&name) {
                                    known.push(name);
                                }
                            }
                        }
                        _ => unknown.push((place, names, accepted)),
                    }
                }
                kind => other.push(describe(&path, kind, instance)),
            }
        }
        missing.dedup();
        let mut message = String::new();
        let tool = &self.tool;
        if !missing.is_empty() {
            let _ = write!(
                message,
                "Tool '{tool}' is missing required argument(s): {}. Supply a real value for each; \
                 null, empty strings, and empty arrays are not accepted for required fields.",
                missing.join(", ")
            );
        }
        for (path, names, accepted) in unknown {
            if !message.is_empty() {
                message.push(' ');
            }
            let place = if path.is_empty() {
                String::new()
            } else {
                format!(" inside '{path}'")
            };
            let _ = write!(
                message,
                "Tool '{tool}' does not accept argument(s){place}: {}. Accepted{place}: {accepted}.",
                names.join(", ")
            );
        }
        if !other.is_empty() {
            if !message.is_empty() {
                message.push(' ');
            }
            let _ = write!(
                message,
                "Tool '{tool}' arguments failed validation: {}.",
                other.join("; ")
            );
        }
        if message.is_empty() {
            let _ = write!(message, "Tool '{tool}' arguments failed validation.");
        }
        message
    }
}

/// The value at `segments` inside `value`.
fn value_at<'v>(value: &'v Value, segments: &[LocationSegment<'_>]) -> Option<&'v Value> {
    segments
        .iter()
        .try_fold(value, |value, segment| match segment {
            LocationSegment::Property(name) => value.get(name.as_ref()),
            LocationSegment::Index(i) => value.get(*i),
        })
}

fn dotted(segments: &[LocationSegment<'_>]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            LocationSegment::Property(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            LocationSegment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn type_name(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => article(&t.to_string()),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| article(&t.to_string()))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn article(t: &str) -> String {
    match t {
        "integer" | "array" | "object" => format!("an {t}"),
        "null" => "null".into(),
        other => format!("a {other}"),
    }
}

fn list(values: &Value) -> String {
    match values {
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn describe(path: &str, kind: &ValidationErrorKind, instance: &Value) -> String {
    let subject = if path.is_empty() {
        "arguments".to_owned()
    } else {
        path.to_owned()
    };
    match kind {
        ValidationErrorKind::Type { kind } => format!(
            "{subject} must be {}, got {}",
            type_name(kind),
            json_kind(instance)
        ),
        ValidationErrorKind::Enum { options } => format!(
            "{subject} must be one of: {} (case-insensitive), got {}",
            list(options),
            instance
        ),
        ValidationErrorKind::Constant { expected_value } => {
            format!("{subject} must be {expected_value}")
        }
        ValidationErrorKind::Minimum { limit } => {
            format!("{subject} must be greater than or equal to {limit}, got {instance}")
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("{subject} must be less than or equal to {limit}, got {instance}")
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("{subject} must be greater than {limit}, got {instance}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("{subject} must be less than {limit}, got {instance}")
        }
        ValidationErrorKind::MinLength { limit } => {
            format!("{subject} must be at least {limit} characters long")
        }
        ValidationErrorKind::MaxLength { limit } => format!(
            "{subject} must be at most {limit} characters long, got {}",
            instance.as_str().map_or(0, |s| s.chars().count())
        ),
        ValidationErrorKind::MinItems { limit } => {
            format!("{subject} must have at least {limit} item(s)")
        }
        ValidationErrorKind::MaxItems { limit } => format!(
            "{subject} must have at most {limit} items, got {}; split the work into several calls",
            instance.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::UniqueItems => format!("{subject} must not repeat items"),
        ValidationErrorKind::Pattern { pattern } => {
            format!("{subject} must match the pattern {pattern}")
        }
        ValidationErrorKind::Format { format } => format!("{subject} must be a valid {format}"),
        ValidationErrorKind::MultipleOf { .. } => {
            format!("{subject} is not a multiple of the allowed step")
        }
        _ => format!("{subject} is not valid: {}", kind_fallback(kind)),
    }
}

fn kind_fallback(kind: &ValidationErrorKind) -> String {
    let debug = format!("{kind:?}");
    debug
        .split([' ', '{', '('])
        .next()
        .unwrap_or("invalid")
        .to_owned()
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Keeps the arguments an object, turning a missing `arguments` into `{}`.
pub(crate) fn arguments_object(arguments: Option<Value>) -> Result<Value, &'static str> {
    match arguments {
        None | Some(Value::Null) => Ok(Value::Object(Map::new())),
        Some(v @ Value::Object(_)) => Ok(v),
        Some(_) => Err("\"arguments\" must be a JSON object"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refusal(schema: Value, mut args: Value) -> String {
        let contract = ArgumentContract::compile("t", &schema).unwrap();
        contract.check(&mut args).unwrap_err().message().to_owned()
    }

    #[test]
    fn a_tool_without_arguments_names_the_unknown_ones() {
        let message = refusal(
            json!({"type": "object", "additionalProperties": false}),
            json!({"loud": true, "quiet": 1}),
        );
        assert_eq!(
            message,
            "Tool 't' does not accept argument(s): loud, quiet. \
             Accepted: none (this tool takes no arguments)."
        );
        assert!(!message.contains("FalseSchema"), "{message}");
    }

    #[test]
    fn an_empty_optional_field_is_refused_for_its_bound_not_as_missing() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "nickname": {"type": "string", "minLength": 1},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1}
            },
            "required": ["name"]
        });
        let message = refusal(schema.clone(), json!({"name": "Ada", "nickname": ""}));
        assert!(!message.contains("missing"), "{message}");
        assert!(message.contains("nickname"), "{message}");
        let message = refusal(schema.clone(), json!({"name": "Ada", "tags": []}));
        assert!(!message.contains("missing"), "{message}");
        assert!(message.contains("tags"), "{message}");
        let message = refusal(schema, json!({"name": ""}));
        assert!(
            message.contains("missing required argument(s): name"),
            "{message}"
        );
    }
}
