//! `completion/complete`: suggestions for a prompt argument or a resource
//! template variable, declared next to the prompt or template.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde::Serialize;

use crate::request_error::RequestError;

/// At most this many values go out in one completion.
pub const MAX_COMPLETION_VALUES: usize = 100;

/// What a client asked to complete.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompletionRequest {
    /// The argument (or template variable) being completed.
    pub argument: String,
    /// What the user typed so far.
    pub value: String,
    /// Arguments the user already settled (`context.arguments`).
    pub context: HashMap<String, String>,
}

/// The suggestions of one completion: up to [`MAX_COMPLETION_VALUES`] values,
/// how many there are in all, and whether more exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<u64>,
    #[serde(rename = "hasMore")]
    has_more: bool,
}

impl Completion {
    /// Every matching value; beyond the first 100, the rest is counted in
    /// `total` and flagged with `hasMore`.
    ///
    /// ```
    /// use mcp_tools::Completion;
    ///
    /// let completion = Completion::from_values((0..150).map(|n| n.to_string()));
    /// assert_eq!(completion.values().len(), 100);
    /// assert_eq!(completion.total(), Some(150));
    /// assert!(completion.has_more());
    /// ```
    pub fn from_values<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut values: Vec<String> = values.into_iter().map(Into::into).collect();
        let total = values.len();
        values.truncate(MAX_COMPLETION_VALUES);
        Self {
            values,
            total: Some(total as u64),
            has_more: total > MAX_COMPLETION_VALUES,
        }
    }

    /// No suggestions.
    pub fn empty() -> Self {
        Self::from_values(Vec::<String>::new())
    }

    /// The values sent.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// How many values exist in all, when known.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Whether more values exist than were sent.
    pub fn has_more(&self) -> bool {
        self.has_more
    }
}

type CompleteFn = Arc<
    dyn Fn(CompletionRequest) -> BoxFuture<'static, Result<Completion, RequestError>> + Send + Sync,
>;

/// How one argument is completed: from a fixed list, or by an async fn.
///
/// ```
/// use mcp_tools::{Completer, Completion, CompletionRequest};
///
/// let cities = Completer::values(["Oslo", "Osaka", "Paris"]);
/// let by_fn = Completer::with(|request: CompletionRequest| async move {
///     Ok(Completion::from_values([format!("{}-1", request.value)]))
/// });
/// ```
#[derive(Clone)]
pub struct Completer(Inner);

#[derive(Clone)]
enum Inner {
    Fixed(Arc<[String]>),
    Dynamic(CompleteFn),
}

impl fmt::Debug for Completer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Fixed(values) => f.debug_tuple("Completer::Fixed").field(values).finish(),
            Inner::Dynamic(_) => f.write_str("Completer::Dynamic"),
        }
    }
}

impl Completer {
    /// Suggests the values that start with what the user typed
    /// (case-insensitively), in the order given.
    pub fn values<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self(Inner::Fixed(values.into_iter().map(Into::into).collect()))
    }

    /// Asks `f` for the suggestions.
    pub fn with<F, Fut>(f: F) -> Self
    where
        F: Fn(CompletionRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Completion, RequestError>> + Send + 'static,
    {
        Self(Inner::Dynamic(Arc::new(move |request| {
            Box::pin(f(request))
        })))
    }

    pub(crate) fn complete(
        &self,
        request: CompletionRequest,
    ) -> BoxFuture<'static, Result<Completion, RequestError>> {
        match &self.0 {
            Inner::Fixed(values) => {
                let typed = request.value.to_lowercase();
                let found = Completion::from_values(
                    values
                        .iter()
                        .filter(|v| v.to_lowercase().starts_with(&typed))
                        .cloned(),
                );
                Box::pin(async move { Ok(found) })
            }
            Inner::Dynamic(f) => {
                let f = f.clone();
                Box::pin(async move {
                    let mut found = f(request).await?;
                    if found.values.len() > MAX_COMPLETION_VALUES {
                        found.values.truncate(MAX_COMPLETION_VALUES);
                        found.has_more = true;
                    }
                    Ok(found)
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(value: &str) -> CompletionRequest {
        CompletionRequest {
            argument: "city".into(),
            value: value.into(),
            context: HashMap::new(),
        }
    }

    #[tokio::test]
    async fn a_fixed_list_filters_by_prefix() {
        let completer = Completer::values(["Oslo", "Osaka", "Paris"]);
        let found = completer.complete(request("os")).await.unwrap();
        assert_eq!(found.values(), ["Oslo", "Osaka"]);
        assert_eq!(found.total(), Some(2));
        assert!(!found.has_more());
    }

    #[tokio::test]
    async fn a_function_never_sends_more_than_one_hundred() {
        let completer = Completer::with(|_| async {
            Ok(Completion {
                values: (0..300).map(|n| n.to_string()).collect(),
                total: None,
                has_more: false,
            })
        });
        let found = completer.complete(request("")).await.unwrap();
        assert_eq!(found.values().len(), MAX_COMPLETION_VALUES);
        assert!(found.has_more());
    }
}
