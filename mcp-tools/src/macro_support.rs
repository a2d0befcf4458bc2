//! Runtime pieces the `#[tool]` expansion calls through `__private`.
//!
//! # Finding a [`Validate`] rule
//!
//! A tool's argument type may implement [`Validate`]; the macro cannot see
//! trait impls, so the compiler decides at the concrete type with autoref
//! specialisation. The expansion calls
//! `(&ArgumentsProbe::<A>::new()).argument_check()` with both traits below in
//! scope, and hands the answer to [`with_argument_check`]:
//!
//! - [`CheckValidated`] is implemented for `ArgumentsProbe<A>` when
//!   `A: Validate`; its `&self` method matches the receiver `&ArgumentsProbe<A>`
//!   as it is, so method lookup finds it first.
//! - [`CheckPlain`] is implemented for `&ArgumentsProbe<A>` for every `A`; its
//!   `&self` method needs one more auto-reference, so it is only picked when
//!   the first does not apply.

use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::content::IntoContent;
use crate::tool::ToolBuilder;
use crate::validate::Validate;

/// A cross-field rule of an argument type, as [`Validate::validate`].
pub(crate) type ArgumentCheck<A> = fn(&A) -> Result<(), String>;

/// Carries a tool's argument type to the autoref-specialised `argument_check` methods.
pub struct ArgumentsProbe<A>(PhantomData<fn() -> A>);

impl<A> ArgumentsProbe<A> {
    /// A probe for `A`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        ArgumentsProbe(PhantomData)
    }
}

/// The rule of an argument type that implements [`Validate`].
pub trait CheckValidated<A> {
    /// `Some(A::validate)`.
    fn argument_check(&self) -> Option<ArgumentCheck<A>>;
}

impl<A: Validate> CheckValidated<A> for ArgumentsProbe<A> {
    fn argument_check(&self) -> Option<ArgumentCheck<A>> {
        Some(A::validate)
    }
}

/// No rule, for argument types without [`Validate`].
pub trait CheckPlain<A> {
    /// `None`.
    fn argument_check(&self) -> Option<ArgumentCheck<A>>;
}

impl<A> CheckPlain<A> for &ArgumentsProbe<A> {
    fn argument_check(&self) -> Option<ArgumentCheck<A>> {
        None
    }
}

/// Adds the rule the probe found, if any.
pub fn with_argument_check<A: 'static>(
    builder: ToolBuilder,
    check: Option<ArgumentCheck<A>>,
) -> ToolBuilder {
    match check {
        Some(rule) => builder.validate(rule),
        None => builder,
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
    use crate::error::ToolError;
    use crate::tool::Tool;

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
        use CheckPlain as _;
        use CheckValidated as _;
        let ruled = with_argument_check(
            Tool::builder("ruled").description("d").read_only(),
            (&ArgumentsProbe::<Ruled>::new()).argument_check(),
        )
        .handler(|a: Ruled, _cx| async move { Ok::<_, ToolError>(a.n) });
        let plain = with_argument_check(
            Tool::builder("plain").description("d").read_only(),
            (&ArgumentsProbe::<NoArguments>::new()).argument_check(),
        )
        .handler(|_: NoArguments, _cx| async move { Ok::<_, ToolError>(1u8) });
        let server = Server::builder("s", "1").tools([ruled, plain]).build();
        let client = Client::new(server.expect("valid tools"));
        let refused = client.call("ruled", serde_json::json!({"n": 5})).await;
        let refused = refused.expect("a tool result");
        assert_eq!(refused.error_code(), Some("InvalidArguments"));
        let ok = client.call("plain", serde_json::json!({})).await;
        assert!(!ok.expect("a tool result").is_error());
    }
}
