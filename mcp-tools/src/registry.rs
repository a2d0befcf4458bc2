//! The registry: every tool checked once at build time (name, description,
//! effect, state, schemas) and kept with its compiled argument contract and
//! its serialised `tools/list` entries.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::confirm::{self, CONFIRMATION_TOKEN_ARGUMENT, Tag};
use crate::context::StateMap;
use crate::envelope::{ResultShape, ResultStyle};
use crate::error::{BuildError, BuildErrorKind};
use crate::mirror::{self, HeaderMirror};
use crate::output_schema;
use crate::schema;
use crate::tool::{Effect, Tool};
use crate::validate::ArgumentContract;

/// Which tools `tools/list` shows a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ToolListing {
    /// Every tool, whatever the caller may call.
    #[default]
    All,
    /// Only the tools the caller is authenticated and scoped for.
    Permitted,
}

/// Checks a tool name: 1 to 64 characters of `[A-Za-z0-9_.-]`.
pub fn validate_tool_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a tool name cannot be empty".into());
    }
    if name.len() > 64 {
        return Err(format!(
            "tool name {name:?} is {} characters long; the limit is 64",
            name.len()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(format!(
            "tool name {name:?} contains {bad:?}; use only letters, digits, '_', '.' and '-'"
        ));
    }
    Ok(())
}

/// The checked tools of a server, by registration order and by name.
pub(crate) struct Registry {
    tools: Vec<RegisteredTool>,
    /// Indices into `tools`, ordered by name: a call's tool is found by a
    /// binary search that compares names, with no hash of the name per call
    /// (SipHash of a short name cost more than the few comparisons).
    by_name: Box<[usize]>,
    /// Whether any tool mirrors an argument into an `Mcp-Param-*` header:
    /// when none does, a 2026-07-28 call's headers need no look-up of its tool.
    mirrors_any: bool,
}

impl Registry {
    /// Checks and registers `tools` for the server named `server`.
    pub(crate) fn build(
        tools: Vec<Tool>,
        state: &StateMap,
        server: &str,
        style: ResultStyle,
    ) -> Result<Self, BuildError> {
        let mut registered: Vec<RegisteredTool> = Vec::with_capacity(tools.len());
        let mut seen = HashSet::with_capacity(tools.len());
        for tool in tools {
            let tool = register(tool, state, server, style)?;
            if !seen.insert(tool.tool.name.clone()) {
                return Err(BuildError::new(
                    BuildErrorKind::DuplicateName,
                    format!(
                        "two tools are named {:?}; tool names must be unique",
                        tool.tool.name
                    ),
                ));
            }
            registered.push(tool);
        }
        let mut by_name: Vec<usize> = (0..registered.len()).collect();
        by_name.sort_unstable_by(|&a, &b| registered[a].tool.name.cmp(&registered[b].tool.name));
        let mirrors_any = registered.iter().any(|t| !t.header_mirrors.is_empty());
        Ok(Self {
            tools: registered,
            by_name: by_name.into_boxed_slice(),
            mirrors_any,
        })
    }

    /// Whether any tool mirrors an argument into a header.
    pub(crate) fn mirrors_any(&self) -> bool {
        self.mirrors_any
    }

    /// The tool registered under `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&RegisteredTool> {
        self.by_name
            .binary_search_by(|&i| self.tools[i].tool.name.as_ref().cmp(name))
            .ok()
            .map(|at| &self.tools[self.by_name[at]])
    }

    /// Every tool, in registration order.
    pub(crate) fn all(&self) -> &[RegisteredTool] {
        &self.tools
    }
}

fn register(
    mut tool: Tool,
    state: &StateMap,
    server: &str,
    style: ResultStyle,
) -> Result<RegisteredTool, BuildError> {
    let name = tool.name.clone();
    validate_tool_name(&name).map_err(|m| BuildError::new(BuildErrorKind::InvalidName, m))?;
    if tool.description.trim().is_empty() {
        return Err(BuildError::new(
            BuildErrorKind::MissingDescription,
            format!("tool {name:?} has no description; models choose tools by their descriptions"),
        ));
    }
    if let Some(defect) = &tool.defect {
        return Err(BuildError::new(
            BuildErrorKind::InvalidSchema,
            format!("tool {name:?}: {defect}"),
        ));
    }
    let Some(effect) = tool.effect else {
        return Err(BuildError::new(
            BuildErrorKind::MissingEffect,
            format!(
                "tool {name:?} declares no effect; call read_only(), additive() or destructive()"
            ),
        ));
    };
    if tool.confirm && effect == Effect::ReadOnly {
        return Err(BuildError::new(
            BuildErrorKind::ConfirmWithoutWrite,
            format!("tool {name:?} is read-only, so there is nothing to confirm; drop confirm()"),
        ));
    }
    if let Some((_, missing)) = tool
        .required_state
        .iter()
        .find(|(id, _)| !state.contains(*id))
    {
        return Err(BuildError::new(
            BuildErrorKind::MissingState,
            format!(
                "tool {name:?} needs shared state of type {missing}; register it with ServerBuilder::state"
            ),
        ));
    }
    let invalid_schema = |detail: String| {
        BuildError::new(
            BuildErrorKind::InvalidSchema,
            format!("tool {name:?}: {detail}"),
        )
    };
    let mut input = if tool.input_verbatim {
        let input = std::mem::take(&mut tool.input_schema);
        if input.get("type").and_then(Value::as_str) != Some("object") {
            return Err(invalid_schema(format!(
                "tool arguments are a JSON object, so its input schema needs \"type\": \"object\"; it is {input}"
            )));
        }
        input
    } else {
        schema::publish_input(std::mem::take(&mut tool.input_schema), tool.strictness)
            .map_err(|p| invalid_schema(p.0))?
    };
    if tool.confirm {
        add_confirmation_argument(&mut input).map_err(invalid_schema)?;
    }
    for (argument, header) in &tool.header_params {
        mirror::check_header_name(header).map_err(&invalid_schema)?;
        mirror::annotate(&mut input, argument, header).map_err(&invalid_schema)?;
    }
    let header_mirrors = mirror::collect(&mut input).map_err(&invalid_schema)?;
    let contract = ArgumentContract::compile(&name, &input).map_err(invalid_schema)?;
    // Content tools publish no output schema: their results are blocks, not data.
    let mut shape = ResultShape::Envelope;
    let output = tool.data_schema.take().map(|data| {
        let mut data = output_schema::publish_data(data);
        let wrap = !output_schema::is_object(&data);
        if tool.confirm {
            data = confirm::union_with_dry_run(data);
        }
        match style {
            ResultStyle::Envelope => output_schema::envelope(data),
            ResultStyle::Plain => {
                shape = ResultShape::Plain { wrap };
                output_schema::plain(data, wrap)
            }
        }
    });
    if style == ResultStyle::Plain {
        // Content tools answer with their blocks; only their errors need the shape.
        if let ResultShape::Envelope = shape {
            shape = ResultShape::Plain { wrap: false };
        }
    }
    let confirm_tag = confirm::tool_tag(server, &name);
    let mut listed = serde_json::Map::new();
    listed.insert("name".into(), name.as_ref().into());
    if let Some(title) = &tool.annotations.title {
        listed.insert("title".into(), title.clone().into());
    }
    listed.insert("description".into(), tool.description.clone().into());
    listed.insert("inputSchema".into(), input.clone());
    listed.insert("annotations".into(), json!(tool.annotations));
    let plain = Value::Object(listed.clone()).to_string();
    if let Some(output) = &output {
        listed.insert("outputSchema".into(), output.clone());
    }
    let structured = Value::Object(listed).to_string();
    Ok(RegisteredTool {
        name: Arc::from(&*tool.name),
        tool,
        contract,
        input_schema: input,
        output_schema: output.unwrap_or(Value::Null),
        shape,
        listing: [plain, structured],
        confirm_tag,
        header_mirrors,
    })
}

fn add_confirmation_argument(input: &mut Value) -> Result<(), String> {
    let properties = input
        .as_object_mut()
        .map(|o| o.entry("properties").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut)
        .ok_or("its input schema is not an object")?;
    if properties.contains_key(CONFIRMATION_TOKEN_ARGUMENT) {
        return Err(format!(
            "its arguments already have a field named {CONFIRMATION_TOKEN_ARGUMENT}, which confirm tools reserve"
        ));
    }
    properties.insert(
        CONFIRMATION_TOKEN_ARGUMENT.into(),
        json!({
            "type": "string",
            "minLength": 1,
            "description": "Leave out to get a dry run: a preview of what would change and a ConfirmationToken. \
                            To execute, call again with the same arguments plus this token. A token works once, \
                            for this caller, this tool and these exact arguments, until it expires."
        }),
    );
    Ok(())
}

pub(crate) struct RegisteredTool {
    pub(crate) tool: Tool,
    /// The name, shared with every call's context without allocating.
    pub(crate) name: Arc<str>,
    pub(crate) contract: ArgumentContract,
    pub(crate) input_schema: Value,
    pub(crate) output_schema: Value,
    /// How its results are shaped.
    pub(crate) shape: ResultShape,
    pub(crate) listing: [String; 2],
    /// Binds confirmation tokens to this tool of this server.
    pub(crate) confirm_tag: Tag,
    /// Arguments mirrored into `Mcp-Param-*` headers.
    pub(crate) header_mirrors: Vec<HeaderMirror>,
}

/// A read-only view of a registered tool, for transports and tests.
#[derive(Clone, Copy)]
pub struct ToolInfo<'a> {
    pub(crate) registered: &'a RegisteredTool,
}

impl fmt::Debug for ToolInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.registered.tool.fmt(f)
    }
}

impl<'a> ToolInfo<'a> {
    /// The tool's definition.
    pub fn tool(&self) -> &'a Tool {
        &self.registered.tool
    }

    /// The published (and enforced) input schema.
    pub fn input_schema(&self) -> &'a Value {
        &self.registered.input_schema
    }

    /// The published output schema (the envelope); `null` for tools that
    /// return content blocks, which publish none.
    pub fn output_schema(&self) -> &'a Value {
        &self.registered.output_schema
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NoArguments, ToolContext, ToolResult};

    fn tool(name: &'static str) -> Tool {
        Tool::builder(name)
            .description("A tool.")
            .read_only()
            .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(()) })
    }

    #[test]
    fn every_tool_is_found_by_its_name_and_no_other() {
        let names = [
            "zeta", "alpha", "m.id", "alpha2", "Alpha", "a-b", "a_b", "b",
        ];
        let registry = Registry::build(
            names.iter().map(|n| tool(n)).collect(),
            &StateMap::default(),
            "s",
            ResultStyle::default(),
        )
        .unwrap();
        for name in names {
            assert_eq!(registry.get(name).map(|t| &*t.name), Some(name));
        }
        for absent in ["", "alph", "alpha3", "ALPHA", "zz", "a"] {
            assert!(registry.get(absent).is_none(), "{absent:?} was found");
        }
        // Registration order is kept for `tools/list`.
        let order: Vec<&str> = registry.all().iter().map(|t| &*t.name).collect();
        assert_eq!(order, names);
        let empty = Registry::build(
            Vec::new(),
            &StateMap::default(),
            "s",
            ResultStyle::default(),
        )
        .unwrap();
        assert!(empty.get("alpha").is_none());
    }
}
