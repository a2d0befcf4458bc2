//! Runtime pieces the `#[tool]` expansion calls through `__private`.
//!
//! # Choosing `handler` or `handler_validated`
//!
//! A tool's argument type may implement [`Validate`]; the macro cannot see
//! trait impls, so the choice is made by the compiler at the concrete type
//! with autoref specialisation. The expansion calls
//! `(&ArgumentsProbe::<A>::new()).finish(builder, body)` with both traits
//! below in scope:
//!
//! - [`FinishValidated`] is implemented for `ArgumentsProbe<A>` when
//!   `A: Validate`; its `&self` method matches the receiver `&ArgumentsProbe<A>`
//!   as it is, so method lookup finds it first.
//! - [`FinishPlain`] is implemented for `&ArgumentsProbe<A>` for every `A`; its
//!   `&self` method needs one more auto-reference, so it is only picked when
//!   the first does not apply.

use std::future::Future;
use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::content::IntoContent;
use crate::context::ToolContext;
use crate::error::ToolError;
use crate::tool::{Tool, ToolBuilder};
use crate::validate::Validate;

/// Carries a tool's argument type to the autoref-specialised `finish` methods.
pub struct ArgumentsProbe<A>(PhantomData<fn() -> A>);

impl<A> ArgumentsProbe<A> {
    /// A probe for `A`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        ArgumentsProbe(PhantomData)
    }
}

/// Finishes a tool whose argument type implements [`Validate`].
pub trait FinishValidated<A> {
    /// Calls [`ToolBuilder::handler_validated`].
    fn finish<O, E, F, Fut>(&self, builder: ToolBuilder, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Validate + Send + 'static,
        O: Serialize + JsonSchema + 'static,
        E: Into<ToolError> + 'static,
        F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static;

    /// Calls [`ToolBuilder::handler_content_validated`].
    fn finish_content<C, E, F, Fut>(&self, builder: ToolBuilder, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Validate + Send + 'static,
        C: IntoContent + 'static,
        E: Into<ToolError> + 'static,
        F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<C, E>> + Send + 'static;
}

impl<A: Validate> FinishValidated<A> for ArgumentsProbe<A> {
    fn finish<O, E, F, Fut>(&self, builder: ToolBuilder, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Validate + Send + 'static,
        O: Serialize + JsonSchema + 'static,
        E: Into<ToolError> + 'static,
        F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static,
    {
        builder.handler_validated(body)
    }

    fn finish_content<C, E, F, Fut>(&self, builder: ToolBuilder, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Validate + Send + 'static,
        C: IntoContent + 'static,
        E: Into<ToolError> + 'static,
        F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<C, E>> + Send + 'static,
    {
        builder.handler_content_validated(body)
    }
}

/// Finishes a tool whose argument type has no [`Validate`] rule.
pub trait FinishPlain<A> {
    /// Calls [`ToolBuilder::handler`].
    fn finish<O, E, F, Fut>(&self, builder: ToolBuilder, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        O: Serialize + JsonSchema + 'static,
        E: Into<ToolError> + 'static,
        F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static;

    /// Calls [`ToolBuilder::handler_content`].
    fn finish_content<C, E, F, Fut>(&self, builder: ToolBuilder, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        C: IntoContent + 'static,
        E: Into<ToolError> + 'static,
        F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<C, E>> + Send + 'static;
}

impl<A> FinishPlain<A> for &ArgumentsProbe<A> {
    fn finish<O, E, F, Fut>(&self, builder: ToolBuilder, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        O: Serialize + JsonSchema + 'static,
        E: Into<ToolError> + 'static,
        F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static,
    {
        builder.handler(body)
    }

    fn finish_content<C, E, F, Fut>(&self, builder: ToolBuilder, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        C: IntoContent + 'static,
        E: Into<ToolError> + 'static,
        F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<C, E>> + Send + 'static,
    {
        builder.handler_content(body)
    }
}

/// Fails to compile, at the argument type, unless it can be a tool's arguments.
pub fn assert_arguments<A: DeserializeOwned + JsonSchema>() {}

/// Fails to compile, at the `T` of `ToolResult<T>`, unless it can be a tool's `Data`.
pub fn assert_data<T: Serialize + JsonSchema>() {}

/// Fails to compile, at the `T` of `ToolResult<T>`, unless a `content` tool can return it.
pub fn assert_content<T: IntoContent>() {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoArguments;

    #[derive(serde::Deserialize, JsonSchema)]
    struct Ruled {
        n: u8,
    }

    impl Validate for Ruled {
        fn validate(&self) -> Result<(), String> {
            if self.n > 3 {
                return Err("n must be at most 3".into());
            }
            Ok(())
        }
    }

    #[tokio::test]
    #[allow(
        clippy::needless_borrow,
        reason = "the same receiver shape as the expansion"
    )]
    async fn the_probe_picks_the_validated_handler_when_there_is_a_rule() {
        use crate::{Client, Server};
        use FinishPlain as _;
        use FinishValidated as _;
        let ruled = (&ArgumentsProbe::<Ruled>::new()).finish(
            Tool::builder("ruled").description("d").read_only(),
            |a: Ruled, _cx| async move { Ok::<_, ToolError>(a.n) },
        );
        let plain = (&ArgumentsProbe::<NoArguments>::new()).finish(
            Tool::builder("plain").description("d").read_only(),
            |_: NoArguments, _cx| async move { Ok::<_, ToolError>(1u8) },
        );
        let server = Server::builder("s", "1").tools([ruled, plain]).build();
        let client = Client::new(server.expect("valid tools"));
        let refused = client.call("ruled", serde_json::json!({"n": 5})).await;
        let refused = refused.expect("a tool result");
        assert_eq!(refused.error_code(), Some("InvalidArguments"));
        let ok = client.call("plain", serde_json::json!({})).await;
        assert!(!ok.expect("a tool result").is_error());
    }
}
