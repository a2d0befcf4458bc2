//! `tasks/get`, `tasks/update` and `tasks/cancel`: the client's side of a task.
//! A task is found only by the caller that created it; anyone else, like an
//! unknown or expired id, gets -32602.

use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::TaskStoreError;
use super::record::{TaskRecord, TaskStatus, TaskUpdate};
use super::runner::{Tasks, declared, extension_required, now_ms};
use crate::context::RequestContext;
use crate::jsonrpc::{ErrorObject, code, raw_json};
use crate::protocol::method;

fn store_failed(e: &TaskStoreError) -> ErrorObject {
    ErrorObject::new(
        code::INTERNAL_ERROR,
        format!("the task store did not answer: {e}; retry later"),
    )
}

fn unknown(id: &str) -> ErrorObject {
    ErrorObject::invalid_params(format!(
        "unknown task {id:?}: it never existed, expired, or belongs to another caller; \
         use the taskId a tools/call returned to you"
    ))
}

fn ack() -> Box<RawValue> {
    raw_json(r#"{"resultType":"complete"}"#.to_owned())
}

impl Tasks {
    /// Answers one `tasks/*` request.
    pub(crate) async fn handle(
        &self,
        method_name: &str,
        params: Option<&Value>,
        cx: &RequestContext,
    ) -> Result<Box<RawValue>, ErrorObject> {
        if !cx.protocol_version.is_stateless() {
            return Err(ErrorObject::method_not_found(method_name));
        }
        if !declared(cx) {
            return Err(extension_required(method_name));
        }
        let id = params
            .and_then(|p| p.get("taskId"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ErrorObject::invalid_params(format!(
                    "{method_name} needs params {{\"taskId\": …}}, the taskId a tools/call returned"
                ))
            })?;
        let record = self.owned(id, cx).await?;
        match method_name {
            method::TASKS_GET => {
                let record = self.reap(record).await?;
                Ok(raw_json(record.detailed()))
            }
            method::TASKS_UPDATE => {
                let responses = match params.and_then(|p| p.get("inputResponses")) {
                    Some(Value::Object(responses)) => responses.clone(),
                    _ => {
                        return Err(ErrorObject::invalid_params(
                            "tasks/update needs \"inputResponses\", an object keyed by the \
                             inputRequests keys tasks/get showed",
                        ));
                    }
                };
                self.store
                    .update(id, TaskUpdate::Answer { responses })
                    .await
                    .map_err(|e| store_failed(&e))?;
                if let Some(live) = self.local(id) {
                    live.answers.send_modify(|n| *n = n.wrapping_add(1));
                }
                Ok(ack())
            }
            method::TASKS_CANCEL => {
                if !record.status.is_terminal() {
                    self.store
                        .update(id, TaskUpdate::RequestCancel)
                        .await
                        .map_err(|e| store_failed(&e))?;
                    if let Some(live) = self.local(id) {
                        live.cancellation.cancel();
                    }
                }
                Ok(ack())
            }
            other => Err(ErrorObject::method_not_found(other)),
        }
    }

    /// The task `id` if the request's caller created it.
    async fn owned(&self, id: &str, cx: &RequestContext) -> Result<TaskRecord, ErrorObject> {
        let record = self
            .store
            .get(id)
            .await
            .map_err(|e| store_failed(&e))?
            .ok_or_else(|| unknown(id))?;
        let caller = cx.caller.as_ref().map(|c| c.id());
        if record.owner.as_deref() != caller {
            return Err(unknown(id));
        }
        Ok(record)
    }

    /// A task whose worker's lease ran out without the task ending is
    /// reported, and recorded, as failed.
    async fn reap(&self, record: TaskRecord) -> Result<TaskRecord, ErrorObject> {
        if record.status.is_terminal()
            || record.lease_until_ms >= now_ms()
            || self.local(&record.id).is_some()
        {
            return Ok(record);
        }
        let update = TaskUpdate::Finish {
            status: TaskStatus::Failed,
            message: Some("the worker running this task stopped without finishing".into()),
            result: None,
            error: Some(json!({
                "code": code::INTERNAL_ERROR,
                "message": "the server process running this task stopped before it finished; \
                            its effects may be partial, so check before calling the tool again",
            })),
        };
        let id = record.id.clone();
        Ok(self
            .store
            .update(&id, update)
            .await
            .map_err(|e| store_failed(&e))?
            .unwrap_or(record))
    }
}
