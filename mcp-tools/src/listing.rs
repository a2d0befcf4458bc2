//! `tools/list`: pages serialised once at build time, opaque cursors, and
//! per-caller listings when the server lists only permitted tools.

use serde_json::Value;
use serde_json::value::RawValue;

use crate::context::RequestContext;
use crate::jsonrpc::{ErrorObject, raw_json};
use crate::protocol::ProtocolVersion;
use crate::server::{RegisteredTool, Server, ToolListing};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListingVariant {
    /// 2025-03-26: no `outputSchema`.
    Plain,
    /// 2025-06-18 and 2025-11-25.
    Structured,
    /// 2026-07-28: structured plus `resultType`.
    Stateless,
}

impl ListingVariant {
    pub(crate) const ALL: [Self; 3] = [Self::Plain, Self::Structured, Self::Stateless];

    fn of(version: ProtocolVersion) -> Self {
        if version.is_stateless() {
            Self::Stateless
        } else if version.has_structured_output() {
            Self::Structured
        } else {
            Self::Plain
        }
    }
}

pub(crate) fn list_page(
    tools: &[RegisteredTool],
    indices: &[usize],
    variant: ListingVariant,
    next: Option<usize>,
) -> Box<RawValue> {
    let mut out = String::from(r#"{"tools":["#);
    for (n, &i) in indices.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&tools[i].listing[usize::from(variant != ListingVariant::Plain)]);
    }
    out.push(']');
    if let Some(next) = next {
        out.push_str(r#","nextCursor":"#);
        out.push_str(&Value::from(encode_cursor(next)).to_string());
    }
    if variant == ListingVariant::Stateless {
        out.push_str(r#","resultType":"complete""#);
    }
    out.push('}');
    raw_json(out)
}

fn encode_cursor(offset: usize) -> String {
    format!("tools-{offset:x}")
}

fn decode_cursor(cursor: &str, page_size: usize, len: usize) -> Option<usize> {
    let offset = usize::from_str_radix(cursor.strip_prefix("tools-")?, 16).ok()?;
    (offset % page_size == 0 && offset < len).then_some(offset)
}

impl Server {
    pub(crate) fn list_tools(
        &self,
        params: Option<&Value>,
        cx: &RequestContext,
    ) -> Result<Box<RawValue>, ErrorObject> {
        let variant = ListingVariant::of(cx.protocol_version);
        let cursor = params
            .and_then(|p| p.get("cursor"))
            .filter(|c| !c.is_null());
        let page_size = self.inner.page_size;
        let offset = match cursor {
            None => 0,
            Some(Value::String(c)) => decode_cursor(c, page_size, self.inner.tools.len())
                .ok_or_else(|| {
                    ErrorObject::invalid_params(
                        "unknown cursor; pass a nextCursor from a previous tools/list",
                    )
                })?,
            Some(_) => return Err(ErrorObject::invalid_params("\"cursor\" must be a string")),
        };
        if self.inner.listing == ToolListing::All {
            let pages = &self.inner.pages[variant as usize];
            return Ok(pages
                .get(offset / page_size)
                .cloned()
                .unwrap_or_else(|| list_page(&self.inner.tools, &[], variant, None)));
        }
        let permitted: Vec<usize> = (0..self.inner.tools.len())
            .filter(|&i| self.permission(&self.inner.tools[i].tool, cx).is_ok())
            .collect();
        let chunk = permitted
            .iter()
            .copied()
            .skip(offset)
            .take(page_size)
            .collect::<Vec<_>>();
        let next = offset + page_size;
        Ok(list_page(
            &self.inner.tools,
            &chunk,
            variant,
            (next < permitted.len()).then_some(next),
        ))
    }
}
