//! The feedback filter vocabulary, filter specs built from it, and their replay.
//!
//! describe_filters publishes every field a condition can test, the operators each
//! field accepts and the values it allows. apply_filter checks a spec against that
//! vocabulary before running it, and remembers it among the recent filters.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::serde_json::{Value, json};
use mcp_tools::{Page, Paging, ToolError, ToolResult, Validate};
use serde::{Deserialize, Serialize};

use crate::account::{
    Account, Category, Channel, Feedback, Metric, RECENT_FILTER_LIMIT, RecentFilter, State,
    validated,
};
use crate::calendar::Date;
use crate::feedback::{Aggregate, FeedbackRow, GroupBy};

/// How the conditions of a spec combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    /// A response must meet every condition.
    #[default]
    All,
    /// A response must meet at least one condition.
    Any,
}

/// One test on one field, as published by describe_filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// A field name from describe_filters, such as "score" or "topics".
    pub field: String,
    /// An operator the field accepts, such as "gte" or "hasAny".
    pub operator: String,
    /// The operand: one value, a list for in/notIn/hasAny/hasAll/hasNone, a
    /// two-item [low, high] list for between, nothing for isEmpty/isNotEmpty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "operand_schema")]
    pub value: Option<Value>,
}

/// A condition's operand: a string, number or boolean, or a list of them.
fn operand_schema(_: &mut mcp_tools::schemars::SchemaGenerator) -> mcp_tools::schemars::Schema {
    let scalar = json!([{"type": "string"}, {"type": "number"}, {"type": "boolean"}]);
    let mut branches = scalar.as_array().cloned().unwrap_or_default();
    branches.push(json!({"type": "array", "items": {"anyOf": scalar}}));
    mcp_tools::schemars::Schema::try_from(json!({ "anyOf": branches })).unwrap_or_default()
}

/// A closed list of accepted values: strings, or whole numbers (ids, scores).
fn allowed_values_schema(
    _: &mut mcp_tools::schemars::SchemaGenerator,
) -> mcp_tools::schemars::Schema {
    mcp_tools::schemars::Schema::try_from(json!({
        "type": "array",
        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    }))
    .unwrap_or_default()
}

/// A feedback filter: conditions and how they combine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterSpec {
    /// The conditions, at most 20. No conditions match every response.
    #[serde(default)]
    #[schemars(length(max = 20))]
    pub conditions: Vec<Condition>,
    /// "all" (default) or "any".
    #[serde(default)]
    pub combine: Combine,
}

/// The value type a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ValueType {
    /// A whole number.
    Integer,
    /// One of a closed list of strings (see allowedValues).
    Choice,
    /// true or false.
    Boolean,
    /// A calendar day, YYYY-MM-DD.
    Date,
    /// Free text.
    Text,
    /// A list of strings.
    StringList,
}

/// The operand an operator takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Operand {
    /// No value.
    None,
    /// One value of the field's type.
    One,
    /// A non-empty list of values of the field's type.
    List,
    /// A two-item list [low, high], both included.
    Range,
}

struct FieldDef {
    name: &'static str,
    description: &'static str,
    value_type: ValueType,
    operators: &'static [&'static str],
}

const SCALAR_OPS: &[&str] = &["eq", "ne", "in", "notIn"];
const LIST_OPS: &[&str] = &["hasAny", "hasAll", "hasNone", "isEmpty", "isNotEmpty"];
const OPTIONAL_ID_OPS: &[&str] = &["eq", "ne", "in", "notIn", "isEmpty", "isNotEmpty"];

const FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "campaignId",
        description: "The campaign the response answered",
        value_type: ValueType::Integer,
        operators: SCALAR_OPS,
    },
    FieldDef {
        name: "metric",
        description: "The metric of that campaign",
        value_type: ValueType::Choice,
        operators: SCALAR_OPS,
    },
    FieldDef {
        name: "channel",
        description: "The channel of that campaign",
        value_type: ValueType::Choice,
        operators: SCALAR_OPS,
    },
    FieldDef {
        name: "score",
        description: "The raw answer on the metric's scale",
        value_type: ValueType::Integer,
        operators: &[
            "eq", "ne", "in", "notIn", "gt", "gte", "lt", "lte", "between",
        ],
    },
    FieldDef {
        name: "category",
        description: "The band of the answer: positive (promoter, satisfied, easy), neutral or negative",
        value_type: ValueType::Choice,
        operators: SCALAR_OPS,
    },
    FieldDef {
        name: "comment",
        description: "The comment text, matched case-insensitively",
        value_type: ValueType::Text,
        operators: &["contains", "notContains", "isEmpty", "isNotEmpty"],
    },
    FieldDef {
        name: "tags",
        description: "Tags on the response",
        value_type: ValueType::StringList,
        operators: LIST_OPS,
    },
    FieldDef {
        name: "topics",
        description: "Topics found in the comment",
        value_type: ValueType::StringList,
        operators: LIST_OPS,
    },
    FieldDef {
        name: "status",
        description: "The workflow status key",
        value_type: ValueType::Choice,
        operators: SCALAR_OPS,
    },
    FieldDef {
        name: "starred",
        description: "Whether the response is starred",
        value_type: ValueType::Boolean,
        operators: &["eq"],
    },
    FieldDef {
        name: "assigneeId",
        description: "The team member it is assigned to",
        value_type: ValueType::Integer,
        operators: OPTIONAL_ID_OPS,
    },
    FieldDef {
        name: "customerId",
        description: "The customer who answered",
        value_type: ValueType::Integer,
        operators: &["eq", "ne", "in", "notIn"],
    },
    FieldDef {
        name: "companyId",
        description: "The customer's company (B2B Account-CX feature)",
        value_type: ValueType::Integer,
        operators: OPTIONAL_ID_OPS,
    },
    FieldDef {
        name: "date",
        description: "The day the response arrived",
        value_type: ValueType::Date,
        operators: &["on", "before", "after", "between"],
    },
    FieldDef {
        name: "hasReplies",
        description: "Whether the reply thread has any message",
        value_type: ValueType::Boolean,
        operators: &["eq"],
    },
];

const OPERATORS: &[(&str, Operand, &str)] = &[
    ("eq", Operand::One, "equals the value"),
    (
        "ne",
        Operand::One,
        "differs from the value (an empty field differs from everything)",
    ),
    ("in", Operand::List, "equals one of the values"),
    ("notIn", Operand::List, "equals none of the values"),
    ("gt", Operand::One, "is greater than the value"),
    ("gte", Operand::One, "is greater than or equal to the value"),
    ("lt", Operand::One, "is less than the value"),
    ("lte", Operand::One, "is less than or equal to the value"),
    (
        "between",
        Operand::Range,
        "lies between low and high, both included",
    ),
    ("contains", Operand::One, "contains the text, ignoring case"),
    (
        "notContains",
        Operand::One,
        "does not contain the text, ignoring case",
    ),
    (
        "isEmpty",
        Operand::None,
        "has no value (no comment, no tags, unassigned, ...)",
    ),
    ("isNotEmpty", Operand::None, "has a value"),
    ("hasAny", Operand::List, "holds at least one of the values"),
    ("hasAll", Operand::List, "holds every one of the values"),
    ("hasNone", Operand::List, "holds none of the values"),
    ("on", Operand::One, "falls on the day"),
    ("before", Operand::One, "falls before the day"),
    ("after", Operand::One, "falls after the day"),
];

/// One field of the vocabulary.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterField {
    /// The name to put in a condition's field.
    pub name: String,
    /// What the field holds.
    pub description: String,
    /// Its value type.
    pub value_type: ValueType,
    /// The operators it accepts.
    pub operators: Vec<String>,
    /// The values it accepts, when the set is closed; absent when any value of the type is fine.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "allowed_values_schema")]
    pub allowed_values: Option<Vec<Value>>,
}

/// One operator of the vocabulary.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterOperator {
    /// The name to put in a condition's operator.
    pub name: String,
    /// The operand it takes.
    pub operand: Operand,
    /// What it tests.
    pub meaning: String,
}

/// The filter vocabulary of the account.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterVocabulary {
    /// The fields a condition can test.
    pub fields: Vec<FilterField>,
    /// The operators, with their operands.
    pub operators: Vec<FilterOperator>,
    /// How conditions combine: "all" or "any".
    pub combine: Vec<Combine>,
    /// What apply_filter can group an aggregate by.
    pub group_by: Vec<GroupBy>,
    /// A spec that works on this account, to copy from.
    pub example: FilterSpec,
}

/// Arguments of describe_filters (none).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DescribeFiltersArgs {}

/// What apply_filter returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FilterOutput {
    /// Matching responses, newest first, one page at a time.
    #[default]
    Rows,
    /// Counts and scores of the matching responses, grouped by groupBy.
    Aggregate,
}

/// Arguments of apply_filter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplyFilterArgs {
    /// A filter spec built from describe_filters. Pass exactly one of spec, savedFilterId and recentFilterId.
    pub spec: Option<FilterSpec>,
    /// Replays a saved filter (ids from list_saved_filters).
    #[schemars(range(min = 1))]
    pub saved_filter_id: Option<u64>,
    /// Replays a recently applied filter (ids from list_recent_filters).
    #[schemars(range(min = 1))]
    pub recent_filter_id: Option<u64>,
    /// rows (default) or aggregate.
    pub output: Option<FilterOutput>,
    /// What to group by; required when output is aggregate, refused otherwise.
    pub group_by: Option<GroupBy>,
    #[serde(flatten)]
    pub paging: Paging,
}

impl Validate for ApplyFilterArgs {
    fn validate(&self) -> Result<(), String> {
        let sources = [
            self.spec.is_some(),
            self.saved_filter_id.is_some(),
            self.recent_filter_id.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() != 1 {
            return Err("pass exactly one of spec, savedFilterId and recentFilterId".into());
        }
        match (self.output.unwrap_or_default(), self.group_by) {
            (FilterOutput::Aggregate, None) => {
                Err("output aggregate needs groupBy (campaign, metric, channel, score, topic, tag or company)".into())
            }
            (FilterOutput::Rows, Some(_)) => {
                Err("groupBy only applies to output aggregate; drop it or set output to aggregate".into())
            }
            _ => Ok(()),
        }
    }
}

/// The result of apply_filter.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterResult {
    /// The spec that ran.
    pub spec: FilterSpec,
    /// The id under which it is now listed by list_recent_filters.
    pub recent_filter_id: u64,
    /// How many responses matched.
    pub matched: u32,
    /// The page of matching responses (output rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<Page<FeedbackRow>>,
    /// The grouped counts (output aggregate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregate: Option<Aggregate>,
}

/// A saved filter.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SavedFilterView {
    /// Pass as savedFilterId to apply_filter.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Its conditions.
    pub spec: FilterSpec,
    /// The team member who saved it.
    pub created_by: u64,
    /// When it was saved, ISO 8601 UTC.
    pub created_at: String,
}

/// A recently applied filter.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecentFilterView {
    /// Pass as recentFilterId to apply_filter.
    pub id: u64,
    /// Its conditions.
    pub spec: FilterSpec,
    /// When it was last applied, ISO 8601 UTC.
    pub applied_at: String,
}

/// Arguments of list_saved_filters and list_recent_filters (none).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ListFiltersArgs {}

#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum Scalar {
    Int(i64),
    Str(String),
    Bool(bool),
    Date(Date),
}

#[derive(Debug, Clone)]
enum Operands {
    None,
    One(Scalar),
    List(Vec<Scalar>),
    Range(Scalar, Scalar),
}

#[derive(Debug, Clone)]
struct Compiled {
    field: &'static str,
    operator: &'static str,
    operands: Operands,
}

enum FieldValue {
    Scalar(Option<Scalar>),
    Text(String),
    List(Vec<String>),
}

impl State {
    fn allowed_values(&self, field: &str) -> Option<Vec<Value>> {
        let strings = |items: Vec<String>| Some(items.into_iter().map(Value::String).collect());
        match field {
            "campaignId" => Some(self.campaigns.iter().map(|c| json!(c.id)).collect()),
            "metric" => strings(Metric::ALL.iter().map(|m| m.name().to_string()).collect()),
            "channel" => strings(Channel::ALL.iter().map(|c| c.name().to_string()).collect()),
            "category" => strings(
                [Category::Positive, Category::Neutral, Category::Negative]
                    .iter()
                    .map(|c| c.name().to_string())
                    .collect(),
            ),
            "status" => strings(self.statuses.iter().map(|s| s.key.clone()).collect()),
            "topics" => strings(self.topics.iter().map(|t| t.name.clone()).collect()),
            "tags" => strings(self.feedback_tags()),
            "assigneeId" => Some(self.users.iter().map(|u| json!(u.id)).collect()),
            "companyId" => Some(self.companies.iter().map(|c| json!(c.id)).collect()),
            "score" => Some((0..=10).map(|s| json!(s)).collect()),
            _ => None,
        }
    }

    /// Tags used on feedback, sorted.
    pub fn feedback_tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self
            .feedback
            .iter()
            .flat_map(|f| f.tags.iter().cloned())
            .collect();
        tags.sort();
        tags.dedup();
        tags
    }

    fn fields(&self) -> impl Iterator<Item = &'static FieldDef> + '_ {
        FIELDS
            .iter()
            .filter(|f| self.b2b_enabled || f.name != "companyId")
    }

    /// The account's filter vocabulary.
    pub fn vocabulary(&self) -> FilterVocabulary {
        FilterVocabulary {
            fields: self
                .fields()
                .map(|f| FilterField {
                    name: f.name.into(),
                    description: f.description.into(),
                    value_type: f.value_type,
                    operators: f.operators.iter().map(|o| o.to_string()).collect(),
                    allowed_values: self.allowed_values(f.name),
                })
                .collect(),
            operators: OPERATORS
                .iter()
                .map(|(name, operand, meaning)| FilterOperator {
                    name: (*name).into(),
                    operand: *operand,
                    meaning: (*meaning).into(),
                })
                .collect(),
            combine: vec![Combine::All, Combine::Any],
            group_by: vec![
                GroupBy::Campaign,
                GroupBy::Metric,
                GroupBy::Channel,
                GroupBy::Score,
                GroupBy::Topic,
                GroupBy::Tag,
                GroupBy::Company,
            ],
            example: FilterSpec {
                conditions: vec![
                    Condition {
                        field: "metric".into(),
                        operator: "eq".into(),
                        value: Some(json!("NPS")),
                    },
                    Condition {
                        field: "score".into(),
                        operator: "lte".into(),
                        value: Some(json!(6)),
                    },
                ],
                combine: Combine::All,
            },
        }
    }

    fn compile(&self, index: usize, condition: &Condition) -> ToolResult<Compiled> {
        let at = format!("conditions[{index}]");
        let def = self
            .fields()
            .find(|f| f.name == condition.field)
            .ok_or_else(|| {
                let names: Vec<&str> = self.fields().map(|f| f.name).collect();
                let hint = if condition.field == "companyId" {
                    " (companyId needs the B2B Account-CX feature, which is off)"
                } else {
                    ""
                };
                ToolError::invalid_parameter(format!(
                    "{at}: unknown field {:?}{hint}; fields are {}; describe_filters lists them",
                    condition.field,
                    names.join(", ")
                ))
            })?;
        let operator = def
            .operators
            .iter()
            .find(|o| **o == condition.operator)
            .ok_or_else(|| {
                ToolError::invalid_parameter(format!(
                    "{at}: field {} does not take operator {:?}; it takes {}",
                    def.name,
                    condition.operator,
                    def.operators.join(", ")
                ))
            })?;
        let operand = OPERATORS
            .iter()
            .find(|o| o.0 == *operator)
            .map_or(Operand::One, |o| o.1);
        let allowed = self.allowed_values(def.name);
        let one = |value: &Value| self.scalar(&at, def, allowed.as_deref(), value);
        let operands = match (operand, condition.value.as_ref()) {
            (Operand::None, None | Some(Value::Null)) => Operands::None,
            (Operand::None, Some(_)) => {
                return Err(ToolError::invalid_parameter(format!(
                    "{at}: operator {operator} takes no value; drop value"
                )));
            }
            (_, None | Some(Value::Null)) => {
                return Err(ToolError::invalid_parameter(format!(
                    "{at}: operator {operator} needs a value"
                )));
            }
            (Operand::One, Some(value)) => Operands::One(one(value)?),
            (Operand::List, Some(Value::Array(items))) if !items.is_empty() => {
                Operands::List(items.iter().map(one).collect::<ToolResult<_>>()?)
            }
            (Operand::List, Some(_)) => {
                return Err(ToolError::invalid_parameter(format!(
                    "{at}: operator {operator} needs a non-empty list of values"
                )));
            }
            (Operand::Range, Some(Value::Array(items))) if items.len() == 2 => {
                let (low, high) = (one(&items[0])?, one(&items[1])?);
                if low > high {
                    return Err(ToolError::invalid_parameter(format!(
                        "{at}: between needs [low, high] with low <= high"
                    )));
                }
                Operands::Range(low, high)
            }
            (Operand::Range, Some(_)) => {
                return Err(ToolError::invalid_parameter(format!(
                    "{at}: operator between needs a two-item list [low, high]"
                )));
            }
        };
        Ok(Compiled {
            field: def.name,
            operator,
            operands,
        })
    }

    fn scalar(
        &self,
        at: &str,
        def: &FieldDef,
        allowed: Option<&[Value]>,
        value: &Value,
    ) -> ToolResult<Scalar> {
        let wrong = |expected: &str| {
            ToolError::invalid_parameter(format!(
                "{at}: field {} takes {expected}, got {value}",
                def.name
            ))
        };
        let scalar = match def.value_type {
            ValueType::Integer => {
                Scalar::Int(value.as_i64().ok_or_else(|| wrong("a whole number"))?)
            }
            ValueType::Boolean => {
                Scalar::Bool(value.as_bool().ok_or_else(|| wrong("true or false"))?)
            }
            ValueType::Date => {
                let text = value
                    .as_str()
                    .ok_or_else(|| wrong("a date written YYYY-MM-DD"))?;
                Scalar::Date(Date::parse(text).ok_or_else(|| wrong("a date written YYYY-MM-DD"))?)
            }
            ValueType::Choice | ValueType::Text | ValueType::StringList => {
                let text = value.as_str().ok_or_else(|| wrong("a string"))?;
                if def.value_type == ValueType::Text && text.trim().is_empty() {
                    return Err(wrong("non-blank text"));
                }
                Scalar::Str(text.to_string())
            }
        };
        // Closed sets: the value must be one of the published ones (scores only in range).
        if let Some(allowed) = allowed
            && def.value_type != ValueType::Text
            && !allowed.contains(value)
        {
            let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
            let source = match def.name {
                "campaignId" => " (see list_campaigns)",
                "assigneeId" => " (see list_users)",
                "companyId" => " (see list_companies)",
                "status" => " (see list_statuses)",
                "topics" => " (see list_topics)",
                _ => "",
            };
            return Err(ToolError::invalid_parameter(format!(
                "{at}: {value} is not a value of field {}; allowed values are {}{source}",
                def.name,
                list.join(", ")
            )));
        }
        Ok(scalar)
    }

    fn field_value(&self, f: &Feedback, field: &str) -> FieldValue {
        let int = |v: u64| FieldValue::Scalar(Some(Scalar::Int(v as i64)));
        let string = |s: &str| FieldValue::Scalar(Some(Scalar::Str(s.to_string())));
        let campaign = self.campaign_of(f);
        match field {
            "campaignId" => int(f.campaign_id),
            "metric" => string(self.metric_of(f).name()),
            "channel" => string(campaign.map_or("email", |c| c.channel.name())),
            "score" => int(u64::from(f.score)),
            "category" => string(Category::of(self.metric_of(f), f.score).name()),
            "comment" => FieldValue::Text(f.comment.clone()),
            "tags" => FieldValue::List(f.tags.clone()),
            "topics" => FieldValue::List(f.topics.iter().map(|t| t.topic.clone()).collect()),
            "status" => string(&f.status),
            "starred" => FieldValue::Scalar(Some(Scalar::Bool(f.starred))),
            "assigneeId" => FieldValue::Scalar(f.assignee_id.map(|id| Scalar::Int(id as i64))),
            "customerId" => int(f.customer_id),
            "companyId" => FieldValue::Scalar(
                self.customer_of(f)
                    .and_then(|c| c.company_id)
                    .map(|id| Scalar::Int(id as i64)),
            ),
            "date" => FieldValue::Scalar(Some(Scalar::Date(f.created_at.date()))),
            "hasReplies" => FieldValue::Scalar(Some(Scalar::Bool(!f.replies.is_empty()))),
            _ => FieldValue::Scalar(None),
        }
    }

    fn matches(&self, f: &Feedback, c: &Compiled) -> bool {
        let value = self.field_value(f, c.field);
        match (&value, &c.operands) {
            (FieldValue::Scalar(v), Operands::One(x)) => match c.operator {
                "eq" | "on" => v.as_ref() == Some(x),
                "ne" => v.as_ref() != Some(x),
                "gt" | "after" => v.as_ref().is_some_and(|v| v > x),
                "gte" => v.as_ref().is_some_and(|v| v >= x),
                "lt" | "before" => v.as_ref().is_some_and(|v| v < x),
                "lte" => v.as_ref().is_some_and(|v| v <= x),
                _ => false,
            },
            (FieldValue::Scalar(v), Operands::List(xs)) => {
                let inside = v.as_ref().is_some_and(|v| xs.contains(v));
                if c.operator == "notIn" {
                    !inside
                } else {
                    inside
                }
            }
            (FieldValue::Scalar(v), Operands::Range(low, high)) => {
                v.as_ref().is_some_and(|v| low <= v && v <= high)
            }
            (FieldValue::Scalar(v), Operands::None) => (c.operator == "isEmpty") == v.is_none(),
            (FieldValue::Text(text), Operands::One(Scalar::Str(needle))) => {
                let found = text.to_lowercase().contains(&needle.to_lowercase());
                if c.operator == "notContains" {
                    !found
                } else {
                    found
                }
            }
            (FieldValue::Text(text), Operands::None) => {
                (c.operator == "isEmpty") == text.trim().is_empty()
            }
            (FieldValue::List(items), Operands::None) => {
                (c.operator == "isEmpty") == items.is_empty()
            }
            (FieldValue::List(items), Operands::List(xs)) => {
                let holds = |x: &Scalar| match x {
                    Scalar::Str(s) => items.iter().any(|i| i.eq_ignore_ascii_case(s)),
                    _ => false,
                };
                match c.operator {
                    "hasAny" => xs.iter().any(holds),
                    "hasAll" => xs.iter().all(holds),
                    "hasNone" => !xs.iter().any(holds),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Checks a spec against the vocabulary and returns the matching responses, newest first.
    pub fn run_filter(&self, spec: &FilterSpec) -> ToolResult<Vec<&Feedback>> {
        if spec.conditions.len() > 20 {
            return Err(ToolError::invalid_parameter(
                "a spec holds at most 20 conditions; narrow it down or split it",
            ));
        }
        let compiled: Vec<Compiled> = spec
            .conditions
            .iter()
            .enumerate()
            .map(|(i, c)| self.compile(i, c))
            .collect::<ToolResult<_>>()?;
        Ok(self
            .feedback
            .iter()
            .rev()
            .filter(|f| match spec.combine {
                _ if compiled.is_empty() => true,
                Combine::All => compiled.iter().all(|c| self.matches(f, c)),
                Combine::Any => compiled.iter().any(|c| self.matches(f, c)),
            })
            .collect())
    }

    fn remember_filter(&mut self, spec: &FilterSpec) -> u64 {
        let id = match self.recent_filters.iter().position(|r| &r.spec == spec) {
            Some(position) => self.recent_filters.remove(position).id,
            None => State::next_id(&self.recent_filters, |r| r.id),
        };
        self.recent_filters.insert(
            0,
            RecentFilter {
                id,
                spec: spec.clone(),
                applied_at: self.now,
            },
        );
        self.recent_filters.truncate(RECENT_FILTER_LIMIT);
        id
    }
}

impl Account {
    /// `describe_filters`: the vocabulary a filter spec is built from.
    pub fn describe_filters(&self, _args: DescribeFiltersArgs) -> ToolResult<FilterVocabulary> {
        Ok(self.read().vocabulary())
    }

    /// `apply_filter`: runs a spec (or replays a saved or recent one) and records it
    /// among the recent filters.
    pub fn apply_filter(&self, args: ApplyFilterArgs) -> ToolResult<FilterResult> {
        validated(&args)?;
        let mut state = self.write();
        let spec = if let Some(spec) = args.spec {
            spec
        } else if let Some(id) = args.saved_filter_id {
            state
                .saved_filters
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.spec.clone())
                .ok_or_else(|| {
                    ToolError::not_found(format!(
                        "no saved filter with id {id}; list_saved_filters gives valid ids"
                    ))
                })?
        } else {
            let id = args.recent_filter_id.unwrap_or_default();
            state
                .recent_filters
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.spec.clone())
                .ok_or_else(|| {
                    ToolError::not_found(format!(
                        "no recent filter with id {id}; list_recent_filters gives valid ids"
                    ))
                })?
        };
        let (matched, rows, aggregate) = {
            let hits = state.run_filter(&spec)?;
            let matched = hits.len() as u32;
            match (args.output.unwrap_or_default(), args.group_by) {
                (FilterOutput::Aggregate, Some(group_by)) => (
                    matched,
                    None,
                    Some(state.aggregate(hits.into_iter(), group_by)?),
                ),
                _ => {
                    let rows = hits.into_iter().map(|f| state.feedback_row(f));
                    (matched, Some(Page::from_iter(rows, args.paging)), None)
                }
            }
        };
        let recent_filter_id = state.remember_filter(&spec);
        Ok(FilterResult {
            spec,
            recent_filter_id,
            matched,
            rows,
            aggregate,
        })
    }

    /// `list_saved_filters`: the account's named filters.
    pub fn list_saved_filters(&self, _args: ListFiltersArgs) -> ToolResult<Vec<SavedFilterView>> {
        let state = self.read();
        Ok(state
            .saved_filters
            .iter()
            .map(|s| SavedFilterView {
                id: s.id,
                name: s.name.clone(),
                description: s.description.clone(),
                spec: s.spec.clone(),
                created_by: s.created_by,
                created_at: s.created_at.iso(),
            })
            .collect())
    }

    /// `list_recent_filters`: recently applied filters, newest first.
    pub fn list_recent_filters(&self, _args: ListFiltersArgs) -> ToolResult<Vec<RecentFilterView>> {
        let state = self.read();
        Ok(state
            .recent_filters
            .iter()
            .map(|r| RecentFilterView {
                id: r.id,
                spec: r.spec.clone(),
                applied_at: r.applied_at.iso(),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_tools::serde_json::from_value;

    fn apply(account: &Account, args: Value) -> ToolResult<FilterResult> {
        account.apply_filter(from_value(args).expect("valid arguments"))
    }

    #[test]
    fn vocabulary_lists_fields_and_values() {
        let account = Account::sandbox();
        let vocab = account.describe_filters(DescribeFiltersArgs {}).unwrap();
        let metric = vocab.fields.iter().find(|f| f.name == "metric").unwrap();
        assert_eq!(metric.allowed_values.as_ref().unwrap().len(), 3);
        assert!(vocab.fields.iter().any(|f| f.name == "companyId"));
        // The published example runs.
        assert!(apply(&account, json!({"spec": vocab.example})).is_ok());
        account.set_b2b_feature(false);
        let vocab = account.describe_filters(DescribeFiltersArgs {}).unwrap();
        assert!(!vocab.fields.iter().any(|f| f.name == "companyId"));
    }

    #[test]
    fn refuses_what_the_vocabulary_does_not_allow() {
        let account = Account::sandbox();
        let cases = [
            (
                json!({"field": "mood", "operator": "eq", "value": 1}),
                "unknown field",
            ),
            (
                json!({"field": "score", "operator": "contains", "value": 1}),
                "does not take operator",
            ),
            (
                json!({"field": "metric", "operator": "eq", "value": "XPS"}),
                "allowed values",
            ),
            (
                json!({"field": "score", "operator": "gte", "value": "high"}),
                "whole number",
            ),
            (
                json!({"field": "score", "operator": "between", "value": [9]}),
                "two-item",
            ),
            (
                json!({"field": "comment", "operator": "isEmpty", "value": "x"}),
                "takes no value",
            ),
            (
                json!({"field": "topics", "operator": "hasAny", "value": []}),
                "non-empty list",
            ),
            (
                json!({"field": "date", "operator": "after", "value": "2026-02-30"}),
                "YYYY-MM-DD",
            ),
            (
                json!({"field": "status", "operator": "eq"}),
                "needs a value",
            ),
        ];
        for (condition, expected) in cases {
            let err = apply(&account, json!({"spec": {"conditions": [condition]}})).unwrap_err();
            assert_eq!(err.code().as_str(), "InvalidParameter");
            assert!(err.message().contains(expected), "{}", err.message());
        }
        let err = apply(&account, json!({"savedFilterId": 1, "spec": {}})).unwrap_err();
        assert_eq!(err.code().as_str(), "InvalidArguments");
        let err = apply(&account, json!({"savedFilterId": 1, "output": "aggregate"})).unwrap_err();
        assert!(err.message().contains("groupBy"));
    }

    #[test]
    fn filters_match_and_aggregate() {
        let account = Account::sandbox();
        let spec = json!({"conditions": [
            {"field": "metric", "operator": "eq", "value": "NPS"},
            {"field": "score", "operator": "between", "value": [0, 6]},
            {"field": "date", "operator": "after", "value": "2026-06-30"}
        ]});
        let rows = apply(&account, json!({"spec": spec, "top": 100})).unwrap();
        let page = rows.rows.unwrap();
        assert!(rows.matched > 0);
        assert!(page.items.iter().all(|r| r.metric == Metric::Nps
            && r.score <= 6
            && r.created_at.as_str() >= "2026-07-01"));
        let agg = apply(
            &account,
            json!({"spec": spec, "output": "aggregate", "groupBy": "score"}),
        )
        .unwrap()
        .aggregate
        .unwrap();
        assert_eq!(agg.total_responses, rows.matched);
        assert!(agg.groups.iter().all(|g| g.score == Some(-100.0)));
    }

    #[test]
    fn applying_records_and_replays_recent_filters() {
        let account = Account::sandbox();
        let before = account
            .list_recent_filters(ListFiltersArgs {})
            .unwrap()
            .len();
        let saved = apply(&account, json!({"savedFilterId": 3})).unwrap();
        let recent = account.list_recent_filters(ListFiltersArgs {}).unwrap();
        assert_eq!(recent.len(), before + 1);
        assert_eq!(recent[0].id, saved.recent_filter_id);
        let replay = apply(&account, json!({"recentFilterId": saved.recent_filter_id})).unwrap();
        assert_eq!(replay.matched, saved.matched);
        // Replaying the same spec moves it to the front instead of duplicating it.
        assert_eq!(
            account
                .list_recent_filters(ListFiltersArgs {})
                .unwrap()
                .len(),
            before + 1
        );
        let err = apply(&account, json!({"recentFilterId": 999})).unwrap_err();
        assert_eq!(err.code().as_str(), "NotFound");
    }
}
