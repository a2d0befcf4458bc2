//! Uniform pagination: `top`/`skip` arguments in, `{"Items":[…],"HasMore":bool}` out.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The largest page a tool hands out.
pub const MAX_PAGE_SIZE: u32 = 100;
/// The page size when the caller passes no `top`.
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// Paging arguments, reusable in any argument type with `#[serde(flatten)]`.
///
/// `top` is 1 to 100 (default 20), `skip` is 0 or more. Iterate with
/// `skip += top` until the page says `HasMore: false`.
///
/// ```
/// use mcp_tools::{Page, Paging};
/// use serde::Deserialize;
/// use schemars::JsonSchema;
///
/// #[derive(Deserialize, JsonSchema)]
/// struct ListTasks {
///     /// Only tasks of this contact.
///     contact_id: Option<u64>,
///     #[serde(flatten)]
///     paging: Paging,
/// }
///
/// let args: ListTasks = serde_json::from_value(serde_json::json!({"skip": 2})).unwrap();
/// let page = Page::from_iter(1..=25, args.paging);
/// assert_eq!(page.items, (3..=22).collect::<Vec<_>>());
/// assert!(page.has_more);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Paging {
    /// How many items to return, from 1 to 100.
    #[serde(default = "default_top")]
    #[schemars(range(min = 1, max = 100))]
    pub top: u32,
    /// How many items to skip before the first returned one. Page on with skip += top.
    #[serde(default)]
    pub skip: u32,
}

fn default_top() -> u32 {
    DEFAULT_PAGE_SIZE
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            top: DEFAULT_PAGE_SIZE,
            skip: 0,
        }
    }
}

impl Paging {
    /// Paging with an explicit page size and offset.
    pub fn new(top: u32, skip: u32) -> Self {
        Self { top, skip }
    }
}

/// One page of results: `{"Items":[…],"HasMore":bool}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Page<T> {
    /// The items of this page, in the listing's order.
    pub items: Vec<T>,
    /// Whether more items follow this page.
    pub has_more: bool,
}

impl<T> Page<T> {
    /// Cuts one page out of a full listing, reading at most one item past the page.
    ///
    /// A `top` above [`MAX_PAGE_SIZE`] is clamped (validation normally refuses it first).
    pub fn from_iter<I: IntoIterator<Item = T>>(items: I, paging: Paging) -> Self {
        let top = paging.top.clamp(1, MAX_PAGE_SIZE) as usize;
        let mut rest = items.into_iter().skip(paging.skip as usize);
        let items: Vec<T> = rest.by_ref().take(top).collect();
        let has_more = rest.next().is_some();
        Self { items, has_more }
    }

    /// Transforms every item, keeping `HasMore`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_more: self.has_more,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_through_a_listing() {
        let all: Vec<u32> = (0..45).collect();
        let mut seen: Vec<u32> = Vec::new();
        let mut paging = Paging::default();
        loop {
            let page = Page::from_iter(all.iter().copied(), paging);
            seen.extend(&page.items);
            if !page.has_more {
                break;
            }
            paging.skip += paging.top;
        }
        assert_eq!(seen, all);
    }

    #[test]
    fn exact_fit_has_no_more() {
        let page = Page::from_iter(0..20, Paging::default());
        assert_eq!(page.items.len(), 20);
        assert!(!page.has_more);
        let past_end = Page::from_iter(0..20, Paging::new(5, 40));
        assert!(past_end.items.is_empty());
        assert!(!past_end.has_more);
    }

    #[test]
    fn serialises_pascal_case() {
        let page = Page::from_iter(["a"], Paging::default());
        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            r#"{"Items":["a"],"HasMore":false}"#
        );
    }
}
