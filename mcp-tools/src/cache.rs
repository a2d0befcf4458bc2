//! Caching hints: how long a client may reuse a 2026-07-28 list or read
//! result (`ttlMs`) and who may share it (`cacheScope`).

use std::time::Duration;

use serde_json::{Map, Value};

/// Who may reuse a cached result, like HTTP's `Cache-Control: public` and
/// `private`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CacheScope {
    /// The result holds nothing specific to the caller: any client or shared
    /// cache (a gateway, a caching proxy) may serve it to anyone.
    Public,
    /// The result may differ between callers: only the same authorization
    /// context may reuse it.
    Private,
}

impl CacheScope {
    /// The wire value: `"public"` or `"private"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }
}

/// The caching hints a 2026-07-28 result carries: `ttlMs` and `cacheScope`.
///
/// Lists and reads answer with these on 2026-07-28 (the revision requires
/// them); earlier revisions have no such fields and never see them. The
/// default is [`CacheHints::NO_REUSE`]: stale at once, so a client asks again
/// each time it needs the result.
///
/// ```
/// use std::time::Duration;
/// use mcp_tools::{CacheHints, CacheScope, Server};
///
/// // The tool list only changes with a deployment: let clients and shared
/// // caches keep it for five minutes.
/// let server = Server::builder("crm", "1.0.0")
///     .tool_list_cache(CacheHints::public(Duration::from_secs(300)))
///     .build()?;
/// # Ok::<(), mcp_tools::BuildError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheHints {
    ttl: Duration,
    scope: CacheScope,
}

impl Default for CacheHints {
    fn default() -> Self {
        Self::NO_REUSE
    }
}

impl CacheHints {
    /// Stale at once (`ttlMs: 0`), and only for the caller who asked.
    pub const NO_REUSE: Self = Self {
        ttl: Duration::ZERO,
        scope: CacheScope::Private,
    };

    /// Fresh for `ttl` (whole milliseconds), shareable as `scope` says.
    pub const fn new(ttl: Duration, scope: CacheScope) -> Self {
        Self { ttl, scope }
    }

    /// Fresh for `ttl`, and the same for every caller.
    pub const fn public(ttl: Duration) -> Self {
        Self::new(ttl, CacheScope::Public)
    }

    /// Fresh for `ttl`, for the caller who asked only.
    pub const fn private(ttl: Duration) -> Self {
        Self::new(ttl, CacheScope::Private)
    }

    /// How long the result stays fresh.
    pub const fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Who may reuse the result.
    pub const fn scope(&self) -> CacheScope {
        self.scope
    }

    /// The same freshness, but never shared: for results that were filtered
    /// for the caller, whatever the configuration said.
    #[must_use]
    pub(crate) const fn for_caller_only(self) -> Self {
        Self::private(self.ttl)
    }

    /// `ttlMs` as the wire has it: whole milliseconds, saturating.
    fn ttl_ms(&self) -> u64 {
        u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX)
    }

    /// Appends `,"ttlMs":…,"cacheScope":"…"` to a JSON object being written
    /// (after at least one member).
    pub(crate) fn append_members(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(
            out,
            r#","ttlMs":{},"cacheScope":"{}""#,
            self.ttl_ms(),
            self.scope.as_str()
        );
    }

    /// Sets `ttlMs` and `cacheScope` on a result object.
    pub(crate) fn insert_into(&self, result: &mut Map<String, Value>) {
        result.insert("ttlMs".into(), self.ttl_ms().into());
        result.insert("cacheScope".into(), self.scope.as_str().into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_written_as_the_schema_names_them() {
        let mut out = String::from(r#"{"tools":[]"#);
        CacheHints::public(Duration::from_millis(1500)).append_members(&mut out);
        out.push('}');
        let parsed: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed["ttlMs"], 1500);
        assert_eq!(parsed["cacheScope"], "public");
    }

    #[test]
    fn the_default_is_stale_at_once_and_private() {
        let mut map = Map::new();
        CacheHints::default().insert_into(&mut map);
        assert_eq!(
            Value::Object(map),
            serde_json::json!({"ttlMs": 0, "cacheScope": "private"})
        );
    }

    #[test]
    fn a_caller_filtered_result_is_never_shared() {
        let hints = CacheHints::public(Duration::from_secs(60)).for_caller_only();
        assert_eq!(hints.scope(), CacheScope::Private);
        assert_eq!(hints.ttl(), Duration::from_secs(60));
    }

    #[test]
    fn an_enormous_ttl_saturates_instead_of_wrapping() {
        let mut map = Map::new();
        CacheHints::public(Duration::MAX).insert_into(&mut map);
        assert_eq!(map["ttlMs"], u64::MAX);
    }
}
