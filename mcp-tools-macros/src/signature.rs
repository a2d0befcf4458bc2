//! A tool fn's signature: what the fn must be, its parameters (see
//! [`crate::param`]) and the data its result carries.

use quote::ToTokens;
use syn::{ReturnType, Signature, Type};

use crate::ctxt::Ctxt;
use crate::extractor::Extractor;
use crate::param::{self, Param};
use crate::type_path::{first_type_argument, last_segment};

/// The parts of a tool fn's signature the expansion needs.
pub(crate) struct ToolSignature {
    pub(crate) params: Vec<Param>,
    /// The `T` of `ToolResult<T>`, when it can be read off the return type.
    pub(crate) data: Option<Type>,
    /// The whole return type, when it is a result.
    pub(crate) output: Option<Type>,
}

impl ToolSignature {
    /// The types of the parameters that are `extractor`, in order.
    pub(crate) fn extractors(&self, extractor: Extractor) -> impl Iterator<Item = &Type> {
        self.params.iter().filter_map(move |param| match param {
            Param::Extractor { ty, extractor: e } if *e == extractor => Some(ty),
            _ => None,
        })
    }
}

/// Reads the signature, reporting everything a tool fn cannot be, and strips
/// the attributes the macro owns from the parameters so `sig` compiles as a
/// plain fn.
pub(crate) fn read(cx: &Ctxt, sig: &mut Signature) -> ToolSignature {
    check_fn(cx, sig);
    let params = param::read(cx, sig);
    let (output, data) = read_output(cx, sig);
    ToolSignature {
        params,
        data,
        output,
    }
}

fn check_fn(cx: &Ctxt, sig: &Signature) {
    if sig.asyncness.is_none() {
        cx.error_spanned_by(
            sig.fn_token,
            "a tool must be an async fn: write `async fn` here",
        );
    }
    if let Some(constness) = &sig.constness {
        cx.error_spanned_by(constness, "a tool cannot be a const fn; remove `const`");
    }
    if let Some(unsafety) = &sig.unsafety {
        cx.error_spanned_by(unsafety, "a tool cannot be an unsafe fn; remove `unsafe`");
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(abi, "a tool cannot have an ABI; remove it");
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(variadic, "a tool cannot be variadic");
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        let generics = &sig.generics;
        let where_clause = &generics.where_clause;
        cx.error_spanned_by(
            quote::quote!(#generics #where_clause),
            "a tool cannot be generic: its argument and result types must be concrete to publish \
             their schemas; write one tool per concrete type",
        );
    }
}

fn read_output(cx: &Ctxt, sig: &Signature) -> (Option<Type>, Option<Type>) {
    let ty = match &sig.output {
        ReturnType::Type(_, ty) => &**ty,
        ReturnType::Default => {
            let mut tokens = sig.ident.to_token_stream();
            sig.paren_token
                .surround(&mut tokens, |t| sig.inputs.to_tokens(t));
            cx.error_spanned_by(
                tokens,
                "a tool returns a result: add `-> ToolResult<T>` (or `-> Result<T, E>` with \
                 `E: Into<ToolError>`), where `T` is the `Data` it answers with",
            );
            return (None, None);
        }
    };
    let Some(segment) = last_segment(ty).filter(|s| s.ident.to_string().ends_with("Result")) else {
        cx.error_spanned_by(
            ty,
            "a tool returns a result: write `ToolResult<T>` (or `Result<T, E>` with \
             `E: Into<ToolError>`), where `T` is the `Data` it answers with",
        );
        return (None, None);
    };
    let data = first_type_argument(segment).cloned();
    (Some(ty.clone()), data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_sig(sig: proc_macro2::TokenStream) -> (ToolSignature, Vec<String>) {
        let mut sig: Signature = syn::parse2(sig).expect("a signature");
        let cx = Ctxt::default();
        let read = read(&cx, &mut sig);
        let errors = match cx.check() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| e.to_string()).collect(),
        };
        (read, errors)
    }

    #[test]
    fn extractors_are_found_by_kind() {
        let (read, errors) = read_sig(quote::quote!(
            async fn f(c: Caller, d: mcp_tools::Confirmation) -> ToolResult<()>
        ));
        assert!(errors.is_empty());
        assert_eq!(read.extractors(Extractor::Confirmation).count(), 1);
        assert_eq!(read.extractors(Extractor::Caller).count(), 1);
        assert_eq!(read.extractors(Extractor::State).count(), 0);
    }

    #[test]
    fn the_data_type_is_read_off_the_result() {
        let (read, errors) = read_sig(quote::quote!(
            async fn f() -> Result<Vec<Row>, MyError>
        ));
        assert!(errors.is_empty());
        let data = read.data.expect("a data type");
        assert_eq!(quote::quote!(#data).to_string(), "Vec < Row >");
        let (_, errors) = read_sig(quote::quote!(async fn f() -> String));
        assert_eq!(errors.len(), 1);
    }
}
