//! What a dry run answers, and the schema that describes it.

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::error::ToolError;
use crate::timestamp;

use super::CONFIRMATION_TOKEN_ARGUMENT;
use super::token::IssuedToken;

/// The `Data` of a dry run.
pub(crate) fn dry_run_data(
    tool: &str,
    preview: &RawValue,
    issued: &IssuedToken,
) -> Result<Box<RawValue>, ToolError> {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct DryRun<'a> {
        confirmed: bool,
        preview: &'a RawValue,
        confirmation_token: &'a str,
        expires_at: String,
        instructions: String,
    }
    let expires_at = timestamp::rfc3339(issued.expires_at);
    let instructions = format!(
        "Nothing was changed: this was a dry run. Show the preview to the user. To execute it, call '{tool}' \
         again with exactly the same arguments plus \"{CONFIRMATION_TOKEN_ARGUMENT}\" set to ConfirmationToken, \
         before {expires_at}"
    );
    serde_json::value::to_raw_value(&DryRun {
        confirmed: false,
        preview,
        confirmation_token: &issued.token,
        expires_at,
        instructions,
    })
    .map_err(|e| ToolError::internal(format!("the dry-run result could not be serialised: {e}")))
}

/// The schema of a dry run's `Data`.
pub(crate) fn dry_run_schema() -> Value {
    // A preview is whatever the tool hands `Confirmation::preview`: any JSON.
    let mut preview = crate::output_schema::any_json();
    preview["description"] = "What the call would change.".into();
    json!({
        "type": "object",
        "description": "A dry run: nothing was changed. Call again with the same arguments plus confirmationToken to execute.",
        "properties": {
            "Confirmed": {"const": false, "description": "Always false: the call was not executed."},
            "Preview": preview,
            "ConfirmationToken": {"type": "string", "description": "Pass as confirmationToken, with the same arguments, to execute."},
            "ExpiresAt": {"type": "string", "format": "date-time", "description": "When the token expires (RFC 3339, UTC)."},
            "Instructions": {"type": "string", "description": "What to do next."}
        },
        "required": ["Confirmed", "Preview", "ConfirmationToken", "ExpiresAt"]
    })
}

/// `Data`'s schema for a confirm tool: the tool's result or a dry run.
pub(crate) fn union_with_dry_run(mut data: Value) -> Value {
    let defs = data.as_object_mut().and_then(|m| m.remove("$defs"));
    let mut union = json!({"anyOf": [data, dry_run_schema()]});
    if let (Some(defs), Value::Object(m)) = (defs, &mut union) {
        m.insert("$defs".into(), defs);
    }
    union
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_keeps_definitions_at_the_top() {
        let schema = union_with_dry_run(json!({"type": "object", "$defs": {"A": {}}}));
        assert!(schema["$defs"]["A"].is_object());
        assert!(schema["anyOf"][0].get("$defs").is_none());
        assert_eq!(
            schema["anyOf"][1]["properties"]["Confirmed"]["const"],
            false
        );
    }
}
