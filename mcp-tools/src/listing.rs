//! `tools/list`: pages serialised once at build time, opaque cursors, and
//! per-caller listings when the server lists only permitted tools.

use serde_json::Value;
use serde_json::value::RawValue;

use crate::cache::CacheHints;
use crate::context::RequestContext;
use crate::jsonrpc::{ErrorObject, raw_json};
use crate::policy::Policy;
use crate::protocol::ProtocolVersion;
use crate::registry::{RegisteredTool, Registry, ToolListing};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListingVariant {
    /// 2025-03-26: no `outputSchema`.
    Plain,
    /// 2025-06-18 and 2025-11-25.
    Structured,
    /// 2026-07-28: structured plus `resultType`.
    Stateless,
}

impl ListingVariant {
    const ALL: [Self; 3] = [Self::Plain, Self::Structured, Self::Stateless];

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

fn list_page(
    tools: &[RegisteredTool],
    indices: &[usize],
    variant: ListingVariant,
    next: Option<usize>,
    hints: CacheHints,
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
        hints.append_members(&mut out);
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

/// How `tools/list` answers: the mode, the page size, and for
/// [`ToolListing::All`] every page serialised once.
pub(crate) struct Listing {
    mode: ToolListing,
    page_size: usize,
    pages: [Vec<Box<RawValue>>; 3],
    /// The hints of a list every caller sees alike.
    hints: CacheHints,
}

impl Listing {
    /// Serialises the pages of `registry`, `page_size` tools each.
    pub(crate) fn new(
        registry: &Registry,
        mode: ToolListing,
        page_size: usize,
        hints: CacheHints,
    ) -> Self {
        let tools = registry.all();
        let everyone: Vec<usize> = (0..tools.len()).collect();
        let pages = ListingVariant::ALL.map(|variant| {
            everyone
                .chunks(page_size)
                .enumerate()
                .map(|(n, chunk)| {
                    let next = (n + 1) * page_size;
                    list_page(
                        tools,
                        chunk,
                        variant,
                        (next < tools.len()).then_some(next),
                        hints,
                    )
                })
                .collect::<Vec<_>>()
        });
        Self {
            mode,
            page_size,
            pages,
            hints,
        }
    }

    /// Answers `tools/list`.
    pub(crate) fn list(
        &self,
        registry: &Registry,
        policy: &Policy,
        params: Option<&Value>,
        cx: &RequestContext,
    ) -> Result<Box<RawValue>, ErrorObject> {
        let tools = registry.all();
        let variant = ListingVariant::of(cx.protocol_version);
        let cursor = params
            .and_then(|p| p.get("cursor"))
            .filter(|c| !c.is_null());
        let page_size = self.page_size;
        let offset = match cursor {
            None => 0,
            Some(Value::String(c)) => {
                decode_cursor(c, page_size, tools.len()).ok_or_else(|| {
                    ErrorObject::invalid_params(
                        "unknown cursor; pass a nextCursor from a previous tools/list",
                    )
                })?
            }
            Some(_) => return Err(ErrorObject::invalid_params("\"cursor\" must be a string")),
        };
        if self.mode == ToolListing::All {
            let pages = &self.pages[variant as usize];
            return Ok(pages
                .get(offset / page_size)
                .cloned()
                .unwrap_or_else(|| list_page(tools, &[], variant, None, self.hints)));
        }
        let caller = cx.caller.as_ref();
        let permitted: Vec<usize> = (0..tools.len())
            .filter(|&i| policy.permission(&tools[i].tool, caller).is_ok())
            .collect();
        let chunk = permitted
            .iter()
            .copied()
            .skip(offset)
            .take(page_size)
            .collect::<Vec<_>>();
        let next = offset + page_size;
        Ok(list_page(
            tools,
            &chunk,
            variant,
            (next < permitted.len()).then_some(next),
            self.hints.for_caller_only(),
        ))
    }
}
