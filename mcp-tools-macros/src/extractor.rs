//! The extractors: parameters built from the call's context, not from its
//! arguments. This is the one place that decides whether a type is one.

use std::fmt;

use syn::Type;

use crate::type_path::{first_type_argument, last_ident, last_segment};

/// A parameter the runtime fills in through `FromToolContext`.
///
/// Recognised by the last segment of the type's path, so `State<T>`,
/// `mcp_tools::State<T>` and a re-export under the same name all count: the
/// macro sees tokens, not resolved types.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum Extractor {
    /// `State<T>`: shared state registered with `ServerBuilder::state`.
    State,
    /// `ToolContext`: the call itself.
    ToolContext,
    /// `Caller`: the authenticated caller; the call fails without one.
    Caller,
    /// `Option<Caller>`: the caller, when there is one.
    OptionalCaller,
    /// `Confirmation`: the dry-run handle of a `confirm` tool.
    Confirmation,
}

impl Extractor {
    /// The extractor `ty` is, if it is one.
    pub(crate) fn of(ty: &Type) -> Option<Extractor> {
        let segment = last_segment(ty)?;
        let ident = &segment.ident;
        if ident == "Option" {
            return first_type_argument(segment)
                .and_then(last_ident)
                .is_some_and(|inner| inner == "Caller")
                .then_some(Extractor::OptionalCaller);
        }
        if ident == "State" {
            Some(Extractor::State)
        } else if ident == "ToolContext" {
            Some(Extractor::ToolContext)
        } else if ident == "Caller" {
            Some(Extractor::Caller)
        } else if ident == "Confirmation" {
            Some(Extractor::Confirmation)
        } else {
            None
        }
    }

    /// How the type is written, for messages.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Extractor::State => "State<T>",
            Extractor::ToolContext => "ToolContext",
            Extractor::Caller => "Caller",
            Extractor::OptionalCaller => "Option<Caller>",
            Extractor::Confirmation => "Confirmation",
        }
    }
}

impl fmt::Display for Extractor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(ty: Type) -> Option<Extractor> {
        Extractor::of(&ty)
    }

    #[test]
    fn extractors_are_recognised_by_their_last_segment() {
        use syn::parse_quote as q;
        assert_eq!(of(q!(State<Workspace>)), Some(Extractor::State));
        assert_eq!(of(q!(mcp_tools::State<W>)), Some(Extractor::State));
        assert_eq!(of(q!(ToolContext)), Some(Extractor::ToolContext));
        assert_eq!(of(q!(::mcp_tools::Caller)), Some(Extractor::Caller));
        assert_eq!(of(q!(Option<Caller>)), Some(Extractor::OptionalCaller));
        assert_eq!(
            of(q!(std::option::Option<mcp_tools::Caller>)),
            Some(Extractor::OptionalCaller)
        );
        assert_eq!(of(q!(Confirmation)), Some(Extractor::Confirmation));
        assert_eq!(of(q!((Confirmation))), Some(Extractor::Confirmation));
    }

    #[test]
    fn other_types_are_not_extractors() {
        use syn::parse_quote as q;
        assert_eq!(of(q!(Option<String>)), None);
        assert_eq!(of(q!(Option<ToolContext>)), None);
        assert_eq!(of(q!(Vec<Caller>)), None);
        assert_eq!(of(q!(Confirmations)), None);
        assert_eq!(of(q!(MyConfirmation)), None);
        assert_eq!(of(q!(&Caller)), None);
        assert_eq!(of(q!(<T as Trait>::Caller)), None);
    }
}
