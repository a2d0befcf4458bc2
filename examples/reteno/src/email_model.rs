//! The structured (editor) model of an email and the rule on editing it:
//! content may change, layout and block structure may not.
//!
//! A model is `{"rows":[{"id","columns":[{"id","blocks":[{"id","type","content":{…}}]}]}]}`
//! plus any layout attributes (widths, paddings, colours) on rows, columns and
//! blocks. Every value inside a block's `content` object is content; everything
//! else is layout or structure and must come back unchanged.

use serde_json::{Map, Value};

/// The block types the editor knows.
const BLOCK_TYPES: &[&str] = &["text", "heading", "image", "button", "divider", "spacer"];

/// Checks that `model` has the editor's shape; `Err` says what is wrong.
pub(crate) fn check_shape(model: &Value) -> Result<(), String> {
    let rows = model
        .get("rows")
        .and_then(Value::as_array)
        .ok_or("the model has no \"rows\" array")?;
    for (r, row) in rows.iter().enumerate() {
        id_of(row, &format!("rows[{r}]"))?;
        let columns = row
            .get("columns")
            .and_then(Value::as_array)
            .ok_or(format!("rows[{r}] has no \"columns\" array"))?;
        for (c, column) in columns.iter().enumerate() {
            id_of(column, &format!("rows[{r}].columns[{c}]"))?;
            let blocks = column
                .get("blocks")
                .and_then(Value::as_array)
                .ok_or(format!("rows[{r}].columns[{c}] has no \"blocks\" array"))?;
            for (b, block) in blocks.iter().enumerate() {
                let at = format!("rows[{r}].columns[{c}].blocks[{b}]");
                id_of(block, &at)?;
                let kind = block.get("type").and_then(Value::as_str).unwrap_or("");
                if !BLOCK_TYPES.contains(&kind) {
                    return Err(format!(
                        "{at} has type {kind:?}; block types are {}",
                        BLOCK_TYPES.join(", ")
                    ));
                }
                if block.get("content").is_some_and(|c| !c.is_object()) {
                    return Err(format!("{at}.content must be an object"));
                }
            }
        }
    }
    Ok(())
}

fn id_of<'a>(node: &'a Value, at: &str) -> Result<&'a str, String> {
    node.get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or(format!("{at} has no \"id\""))
}

/// The differences in layout and structure between two models, at most `limit`,
/// each naming where and what changed. Empty means only content changed.
pub(crate) fn structural_changes(before: &Value, after: &Value, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    diff(
        &skeleton(before),
        &skeleton(after),
        "model",
        &mut out,
        limit,
    );
    out
}

/// The ids of blocks whose content differs.
pub(crate) fn changed_blocks(before: &Value, after: &Value) -> Vec<String> {
    let old = blocks(before);
    blocks(after)
        .into_iter()
        .filter(|(id, content)| old.iter().all(|(i, c)| i != id || c != content))
        .map(|(id, _)| id)
        .collect()
}

fn blocks(model: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for row in model["rows"].as_array().into_iter().flatten() {
        for column in row["columns"].as_array().into_iter().flatten() {
            for block in column["blocks"].as_array().into_iter().flatten() {
                let id = block["id"].as_str().unwrap_or_default().to_owned();
                out.push((id, block.get("content").cloned().unwrap_or(Value::Null)));
            }
        }
    }
    out
}

/// The model with every block's content blanked: what must not change.
fn skeleton(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let is_block = map.contains_key("type") && map.contains_key("id");
            Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let v = if is_block && k == "content" {
                            Value::Null
                        } else {
                            skeleton(v)
                        };
                        (k.clone(), v)
                    })
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(skeleton).collect()),
        other => other.clone(),
    }
}

fn label(value: &Value, at: &str) -> String {
    match value.get("id").and_then(Value::as_str) {
        Some(id) => format!("{at} (id {id})"),
        None => at.to_owned(),
    }
}

fn diff(a: &Value, b: &Value, at: &str, out: &mut Vec<String>, limit: usize) {
    if out.len() >= limit || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if x.get("id") != y.get("id") && x.contains_key("id") {
                out.push(format!(
                    "{} was replaced by {}",
                    label(a, at),
                    y.get("id").and_then(Value::as_str).map_or_else(
                        || "an element without id".to_owned(),
                        |id| format!("id {id}")
                    )
                ));
                return;
            }
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => diff(v, w, &format!("{}.{k}", label(a, at)), out, limit),
                    None => out.push(format!("{}: {k} was removed", label(a, at))),
                }
            }
            for k in y.keys().filter(|k| !x.contains_key(*k)) {
                if out.len() < limit {
                    out.push(format!("{}: {k} was added", label(a, at)));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                out.push(format!(
                    "{at} has {} elements instead of {} (elements cannot be added or removed)",
                    y.len(),
                    x.len()
                ));
                return;
            }
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                diff(v, w, &format!("{at}[{i}]"), out, limit);
            }
        }
        _ => out.push(format!("{at} changed from {a} to {b}")),
    }
}

/// Renders a model to the HTML the email sends.
pub(crate) fn render(model: &Value) -> String {
    let mut html = String::from("<!doctype html><html><body><table width=\"100%\">");
    for row in model["rows"].as_array().into_iter().flatten() {
        html.push_str("<tr>");
        for column in row["columns"].as_array().into_iter().flatten() {
            html.push_str("<td>");
            for block in column["blocks"].as_array().into_iter().flatten() {
                let c = &block["content"];
                let text = |k: &str| escape(c[k].as_str().unwrap_or_default());
                let part = match block["type"].as_str().unwrap_or_default() {
                    "heading" => format!("<h1>{}</h1>", text("text")),
                    "text" => format!("<p>{}</p>", text("text")),
                    "image" => format!("<img src=\"{}\" alt=\"{}\">", text("src"), text("alt")),
                    "button" => format!("<a href=\"{}\">{}</a>", text("href"), text("label")),
                    "divider" => "<hr>".to_owned(),
                    _ => "<br>".to_owned(),
                };
                html.push_str(&part);
            }
            html.push_str("</td>");
        }
        html.push_str("</tr>");
    }
    html.push_str("</table></body></html>");
    html
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn model(text: &str, width: u32) -> Value {
        json!({"rows": [{"id": "r1", "columns": [{"id": "c1", "width": width, "blocks": [
            {"id": "b1", "type": "text", "content": {"text": text}}
        ]}]}]})
    }

    #[test]
    fn content_may_change_but_layout_may_not() {
        let before = model("Hello", 100);
        assert!(check_shape(&before).is_ok());
        assert!(structural_changes(&before, &model("Hi there", 100), 5).is_empty());
        assert_eq!(changed_blocks(&before, &model("Hi", 100)), ["b1"]);
        let changes = structural_changes(&before, &model("Hello", 50), 5);
        assert_eq!(changes.len(), 1);
        assert!(
            changes[0].contains("width changed from 100 to 50"),
            "{changes:?}"
        );
        assert!(render(&before).contains("<p>Hello</p>"));
    }
}
