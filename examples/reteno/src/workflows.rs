//! Workflows: automation graphs. The agent creates inactive shells, exports
//! them, and saves edited graphs from upload sessions; it never activates one.

use std::collections::{BTreeMap, BTreeSet};

use mcp_tools::{Page, Paging, ToolError, ToolResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::account::Account;
use crate::account::clock;
use crate::account::state::State;
use crate::codes;
use crate::uploads::{UploadKind, UploadTicket};

/// Node types a graph may use.
const NODE_TYPES: &[&str] = &[
    "start",
    "send_email",
    "send_sms",
    "send_push",
    "send_app_inbox",
    "wait",
    "condition",
    "exit",
];

/// A workflow as stored.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// Workflow id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Whether it is running.
    pub active: bool,
    /// The graph: `{"nodes":[…],"edges":[…]}`.
    pub graph: Value,
    /// Start and stop configuration: `{"start":{…},"stop":{…}}`.
    pub configs: Value,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
}

/// A workflow as listed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowView {
    /// Workflow id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// active or inactive.
    pub status: WorkflowStatus,
    /// Nodes in the graph.
    pub node_count: usize,
    /// Creation time, ISO 8601 UTC.
    pub created_at: String,
    /// Last change, ISO 8601 UTC.
    pub updated_at: String,
}

/// Whether a workflow runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WorkflowStatus {
    /// Running: contacts flow through it.
    Active,
    /// Not running; the only state the agent can edit.
    Inactive,
}

/// Arguments of `list_workflows`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListWorkflowsArgs {
    /// Only workflows in this status.
    pub status: Option<WorkflowStatus>,
    /// Part of the name, case-insensitive.
    #[schemars(length(max = 200))]
    pub query: Option<String>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of `create_workflow`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateWorkflowArgs {
    /// Name.
    #[schemars(length(max = 200))]
    pub name: String,
    /// Description.
    #[schemars(length(max = 1000))]
    pub description: Option<String>,
}

/// Arguments naming one workflow.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowIdArgs {
    /// The workflow (id from list_workflows).
    #[schemars(range(min = 1))]
    pub workflow_id: u64,
}

/// Arguments of `update_workflow`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateWorkflowArgs {
    /// The workflow (id from list_workflows); it must be inactive.
    #[schemars(range(min = 1))]
    pub workflow_id: u64,
    /// The completed session from prepare_workflow_upload.
    #[schemars(length(max = 100))]
    pub upload_session_id: String,
}

/// A workflow's structure, as exported.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowExport {
    /// The workflow.
    pub workflow_id: u64,
    /// Name.
    pub name: String,
    /// active or inactive.
    pub status: WorkflowStatus,
    /// The graph: nodes (id, type, settings) and edges (from, to, optional branch).
    #[schemars(schema_with = "graph_schema")]
    pub graph: Value,
    /// When contacts enter (start) and leave (stop).
    #[schemars(schema_with = "configs_schema")]
    pub configs: Value,
}

/// A workflow graph: `{"nodes":[…],"edges":[…]}`, each item an object.
fn graph_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "properties": {
            "nodes": {"type": "array", "items": {"type": "object"}},
            "edges": {"type": "array", "items": {"type": "object"}}
        }
    })
}

/// A workflow's start and stop configuration: `{"start":{…},"stop":{…}}`.
fn configs_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "properties": {
            "start": {"type": "object"},
            "stop": {"type": "object"}
        }
    })
}

/// What `update_workflow` saved.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowSaved {
    /// The workflow.
    pub workflow_id: u64,
    /// Nodes in the saved graph.
    pub node_count: usize,
    /// Edges in the saved graph.
    pub edge_count: usize,
    /// Whether the configs were replaced too.
    pub configs_updated: bool,
}

impl State {
    fn workflow(&self, id: u64) -> ToolResult<&Workflow> {
        self.workflows.get(&id).ok_or_else(|| {
            ToolError::not_found(format!("no workflow {id}; find ids with list_workflows"))
        })
    }

    /// Checks a graph: nodes with unique ids and known types, one start,
    /// edges between existing nodes, every node reachable from the start, and
    /// message references that exist.
    fn check_graph(&self, graph: &Value) -> Result<(usize, usize), String> {
        let nodes = graph
            .get("nodes")
            .and_then(Value::as_array)
            .ok_or("the graph has no \"nodes\" array")?;
        if nodes.is_empty() {
            return Err("the graph has no nodes; it needs at least a start node".into());
        }
        let mut ids = BTreeMap::new();
        for (i, node) in nodes.iter().enumerate() {
            let id = node
                .get("id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or(format!("nodes[{i}] has no \"id\""))?;
            let kind = node.get("type").and_then(Value::as_str).unwrap_or("");
            if !NODE_TYPES.contains(&kind) {
                return Err(format!(
                    "node {id} has type {kind:?}; node types are {}",
                    NODE_TYPES.join(", ")
                ));
            }
            if ids.insert(id, kind).is_some() {
                return Err(format!("node id {id} is used twice"));
            }
            if let Some(msg) = node.get("messageId") {
                let found = msg.as_u64().is_some_and(|m| match kind {
                    "send_email" => self.email_messages.contains_key(&m),
                    _ => self.channel_messages.contains_key(&m),
                });
                if !found {
                    return Err(format!(
                        "node {id} refers to message {msg}, which does not exist"
                    ));
                }
            }
        }
        let starts: Vec<&str> = ids
            .iter()
            .filter(|(_, k)| **k == "start")
            .map(|(id, _)| *id)
            .collect();
        let start = match starts.as_slice() {
            [one] => *one,
            [] => return Err("the graph has no node of type start".into()),
            many => {
                return Err(format!(
                    "the graph has {} start nodes ({}); it needs exactly one",
                    many.len(),
                    many.join(", ")
                ));
            }
        };
        let edges = graph
            .get("edges")
            .and_then(Value::as_array)
            .ok_or("the graph has no \"edges\" array")?;
        let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (i, edge) in edges.iter().enumerate() {
            let end = |k: &str| -> Result<&str, String> {
                let id = edge
                    .get(k)
                    .and_then(Value::as_str)
                    .ok_or(format!("edges[{i}] has no \"{k}\""))?;
                if ids.contains_key(id) {
                    Ok(id)
                } else {
                    Err(format!(
                        "edges[{i}] {k} names node {id}, which is not in nodes"
                    ))
                }
            };
            let (from, to) = (end("from")?, end("to")?);
            if to == start {
                return Err(format!("edges[{i}] leads back into the start node"));
            }
            next.entry(from).or_default().push(to);
        }
        let mut seen = BTreeSet::from([start]);
        let mut queue = vec![start];
        while let Some(n) = queue.pop() {
            for &m in next.get(n).into_iter().flatten() {
                if seen.insert(m) {
                    queue.push(m);
                }
            }
        }
        let stranded: Vec<&str> = ids
            .keys()
            .filter(|id| !seen.contains(*id))
            .copied()
            .collect();
        if !stranded.is_empty() {
            return Err(format!(
                "nodes {} cannot be reached from the start node",
                stranded.join(", ")
            ));
        }
        Ok((nodes.len(), edges.len()))
    }
}

fn view(w: &Workflow) -> WorkflowView {
    WorkflowView {
        id: w.id,
        name: w.name.clone(),
        description: w.description.clone(),
        status: status(w),
        node_count: w.graph["nodes"].as_array().map_or(0, Vec::len),
        created_at: clock::format(w.created_at),
        updated_at: clock::format(w.updated_at),
    }
}

fn status(w: &Workflow) -> WorkflowStatus {
    if w.active {
        WorkflowStatus::Active
    } else {
        WorkflowStatus::Inactive
    }
}

fn check_configs(configs: &Value) -> Result<(), String> {
    let obj = configs
        .as_object()
        .ok_or("the configs file must be a JSON object")?;
    if let Some(k) = obj.keys().find(|k| *k != "start" && *k != "stop") {
        return Err(format!(
            "the configs file has key {k:?}; it takes start and stop only"
        ));
    }
    if obj.get("start").is_some_and(|s| !s.is_object())
        || obj.get("stop").is_some_and(|s| !s.is_object())
    {
        return Err("start and stop must be objects".into());
    }
    Ok(())
}

impl Account {
    /// `list_workflows`.
    pub fn list_workflows(&self, args: ListWorkflowsArgs) -> Page<WorkflowView> {
        let state = self.lock();
        let query = args.query.as_deref().map(str::to_lowercase);
        let hits = state.workflows.values().filter(|w| {
            args.status.is_none_or(|s| status(w) == s)
                && query
                    .as_deref()
                    .is_none_or(|q| w.name.to_lowercase().contains(q))
        });
        Page::from_iter(hits.map(view), args.paging)
    }

    /// `create_workflow`: an inactive shell with a lone start node.
    pub fn create_workflow(&self, args: CreateWorkflowArgs) -> WorkflowView {
        let mut state = self.lock();
        let workflow = Workflow {
            id: state.next_id(),
            name: args.name,
            description: args.description,
            active: false,
            graph: json!({"nodes": [{"id": "start", "type": "start"}], "edges": []}),
            configs: json!({"start": {"trigger": "manual"}, "stop": {}}),
            created_at: state.now,
            updated_at: state.now,
        };
        let out = view(&workflow);
        state.workflows.insert(workflow.id, workflow);
        out
    }

    /// `get_workflow_export`.
    pub fn workflow_export(&self, args: WorkflowIdArgs) -> ToolResult<WorkflowExport> {
        let state = self.lock();
        let w = state.workflow(args.workflow_id)?;
        Ok(WorkflowExport {
            workflow_id: w.id,
            name: w.name.clone(),
            status: status(w),
            graph: w.graph.clone(),
            configs: w.configs.clone(),
        })
    }

    /// `prepare_workflow_upload`.
    pub fn prepare_workflow_upload(&self, args: WorkflowIdArgs) -> ToolResult<UploadTicket> {
        let state = self.lock();
        state.workflow(args.workflow_id)?;
        Ok(self
            .uploads()
            .create(UploadKind::Workflow, Some(args.workflow_id)))
    }

    /// `update_workflow`: validates the uploaded graph and saves it.
    pub fn update_workflow(&self, args: UpdateWorkflowArgs) -> ToolResult<WorkflowSaved> {
        {
            let state = self.lock();
            let w = state.workflow(args.workflow_id)?;
            if w.active {
                return Err(ToolError::new(
                    codes::WORKFLOW_ACTIVE,
                    format!(
                        "workflow {} is active and contacts are moving through it; the agent edits inactive \
                         workflows only, so ask the user to deactivate it in Reteno first",
                        w.id
                    ),
                ));
            }
        }
        let mut files = self.uploads().consume(
            &args.upload_session_id,
            UploadKind::Workflow,
            Some(args.workflow_id),
        )?;
        let parse = |name: &str, bytes: Vec<u8>| -> ToolResult<Value> {
            serde_json::from_slice(&bytes).map_err(|e| {
                ToolError::new(codes::INVALID_FILE, format!("the uploaded {name} file is not valid JSON ({e}); fix it and upload in a new session"))
            })
        };
        let graph = parse(
            "graph",
            files.remove("graph").map(|f| f.bytes).unwrap_or_default(),
        )?;
        let configs = match files.remove("configs") {
            Some(f) => Some(parse("configs", f.bytes)?),
            None => None,
        };
        let mut state = self.lock();
        let (node_count, edge_count) = state.check_graph(&graph).map_err(|e| {
            ToolError::new(
                codes::INVALID_WORKFLOW_GRAPH,
                format!("{e}; nothing was saved. Fix the graph and upload it in a new session"),
            )
        })?;
        if let Some(c) = &configs {
            check_configs(c).map_err(|e| {
                ToolError::new(
                    codes::INVALID_WORKFLOW_GRAPH,
                    format!("{e}; nothing was saved"),
                )
            })?;
        }
        let now = state.now;
        let w = state
            .workflows
            .get_mut(&args.workflow_id)
            .ok_or_else(|| ToolError::not_found("the workflow was deleted meanwhile"))?;
        w.graph = graph;
        let configs_updated = configs.is_some();
        if let Some(c) = configs {
            w.configs = c;
        }
        w.updated_at = now;
        Ok(WorkflowSaved {
            workflow_id: w.id,
            node_count,
            edge_count,
            configs_updated,
        })
    }
}
