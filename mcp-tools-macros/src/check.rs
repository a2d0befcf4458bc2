//! Checks that span several keys or the signature: run once everything is parsed.

use proc_macro2::Span;
use quote::ToTokens;
use syn::Signature;
use syn::ext::IdentExt;

use crate::attr::{Effect, ToolAttrs, check_tool_name};
use crate::ctxt::Ctxt;
use crate::extractor::Extractor;
use crate::signature::ToolSignature;

/// Validates the combination of keys, signature and description.
pub(crate) fn check(
    cx: &Ctxt,
    attrs: &ToolAttrs,
    sig: &Signature,
    read: &ToolSignature,
    description: &str,
) {
    check_effect(cx, attrs);
    if let (Some(_), Some(span)) = (attrs.open_world.get(), attrs.closed_world.span()) {
        cx.error_at(
            span,
            "`open_world` and `closed_world` contradict each other; keep one",
        );
    }
    if let Some(span) = attrs.confirm.span() {
        if attrs.effect() == Some(Effect::ReadOnly) {
            cx.error_at(
                span,
                "`confirm` guards a write, and this tool is `read_only`: drop `confirm`, or \
                 declare the tool `additive` or `destructive`",
            );
        } else if read.extractors(Extractor::Confirmation).next().is_none() {
            let mut tokens = sig.ident.to_token_stream();
            sig.paren_token
                .surround(&mut tokens, |t| sig.inputs.to_tokens(t));
            cx.error_spanned_by(
                tokens,
                format!(
                    "a `confirm` tool takes the confirmation handle: add a parameter \
                     `confirmation: {}`",
                    Extractor::Confirmation
                ),
            );
        }
    } else {
        for ty in read.extractors(Extractor::Confirmation) {
            cx.error_spanned_by(
                ty,
                "a `Confirmation` parameter needs the `confirm` key: add `confirm` to \
                 #[tool(...)], or remove this parameter",
            );
        }
    }
    if let (Some(_), Some(span)) = (attrs.no_auth.get(), attrs.scopes.span()) {
        cx.error_at(
            span,
            "a `no_auth` tool runs without credentials, so it cannot require scopes: drop \
             `scopes(...)` or `no_auth`",
        );
    }
    check_headers(cx, attrs, read);
    if description.is_empty() {
        let fn_token = &sig.fn_token;
        let ident = &sig.ident;
        cx.error_spanned_by(
            quote::quote!(#fn_token #ident),
            "a tool needs a description: add a `///` doc comment above the fn saying what the \
             tool does and when to use it; models choose tools by it",
        );
    }
    if attrs.name.get().is_none()
        && let Err(message) = check_tool_name(&sig.ident.unraw().to_string())
    {
        cx.error_spanned_by(
            &sig.ident,
            format!("{message}; or set the name with `name = \"…\"`"),
        );
    }
}

fn check_effect(cx: &Ctxt, attrs: &ToolAttrs) {
    match attrs.effects.as_slice() {
        [] if attrs.has_unknown_key => {}
        [] => cx.error_at(
            Span::call_site(),
            "declare what the tool does to the world: add exactly one of `read_only`, \
             `additive` (writes, destroys nothing) or `destructive` to #[tool(...)]",
        ),
        [_] => {}
        [(first, _), rest @ ..] => {
            for (effect, span) in rest {
                cx.error_at(
                    *span,
                    format!(
                        "a tool has exactly one effect, and `{first}` is already declared: keep \
                         either `{first}` or `{effect}`",
                        first = first.key(),
                        effect = effect.key(),
                    ),
                );
            }
        }
    }
}

/// With plain parameters, a mirrored argument must be one of them; with an
/// `#[args]` type its fields are not visible here, and the server checks the
/// names when it is built.
fn check_headers(cx: &Ctxt, attrs: &ToolAttrs, read: &ToolSignature) {
    let Some(headers) = attrs.headers.get() else {
        return;
    };
    if read
        .params
        .iter()
        .any(|p| matches!(p, crate::param::Param::Arguments { .. }))
    {
        return;
    }
    let names: Vec<String> = read
        .params
        .iter()
        .filter_map(|p| match p {
            crate::param::Param::Property { ident, .. } => Some(ident.unraw().to_string()),
            _ => None,
        })
        .collect();
    for (argument, _) in headers {
        if !names.contains(&argument.unraw().to_string()) {
            let known = if names.is_empty() {
                "this tool takes no arguments".to_owned()
            } else {
                format!("its arguments are: {}", names.join(", "))
            };
            cx.error_spanned_by(
                argument,
                format!("`{argument}` is not an argument of this tool, so it cannot be mirrored into a header; {known}"),
            );
        }
    }
}
