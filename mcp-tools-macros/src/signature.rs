//! What each parameter of a tool fn is: an extractor, the argument type, or
//! one property of a generated argument type.

use quote::ToTokens;
use syn::{
    Attribute, FnArg, GenericArgument, Ident, Pat, PathArguments, ReturnType, Signature, Type,
    TypePath,
};

use crate::ctxt::Ctxt;
use crate::description::is_doc;

/// The marker attribute that makes a parameter the argument type.
pub(crate) const ARGS_MARKER: &str = "args";

/// The extractors, recognised by the last segment of their type's path.
const EXTRACTORS: &[&str] = &["State", "ToolContext", "Caller", "Confirmation"];

/// The extractor a `confirm` tool must take.
pub(crate) const CONFIRMATION: &str = "Confirmation";

/// Types that are JSON values in their own right: a lone parameter of one of
/// these is a property, never the whole argument object.
const PLAIN_VALUE_TYPES: &[&str] = &[
    "String",
    "str",
    "bool",
    "char",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "f32",
    "f64",
    "Option",
    "Vec",
    "VecDeque",
    "HashSet",
    "BTreeSet",
    "HashMap",
    "BTreeMap",
    "IndexMap",
    "Box",
    "Arc",
    "Cow",
    "Value",
    "Pii",
    "Batch",
    "NonZeroU8",
    "NonZeroU16",
    "NonZeroU32",
    "NonZeroU64",
    "NonZeroUsize",
];

/// One parameter, classified.
pub(crate) enum Param {
    /// Built from the call's context with `FromToolContext`.
    Extractor { ty: Type },
    /// The whole argument object.
    Arguments { ty: Type },
    /// One property of the generated argument object.
    Property {
        ident: Ident,
        ty: Type,
        attrs: Vec<Attribute>,
    },
}

/// The parts of a tool fn's signature the expansion needs.
pub(crate) struct ToolSignature {
    pub(crate) params: Vec<Param>,
    /// The `T` of `ToolResult<T>`, when it can be read off the return type.
    pub(crate) data: Option<Type>,
    /// The whole return type, when it is a result.
    pub(crate) output: Option<Type>,
    /// Whether a `Confirmation` parameter is present.
    pub(crate) has_confirmation: bool,
}

/// Reads the signature, reporting everything a tool fn cannot be, and strips
/// the attributes the macro owns from the parameters so `sig` compiles as a
/// plain fn.
pub(crate) fn read(cx: &Ctxt, sig: &mut Signature) -> ToolSignature {
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

    let mut params = Vec::new();
    let mut values = Vec::new();
    let mut forced = None;
    for input in &mut sig.inputs {
        let typed = match input {
            FnArg::Receiver(receiver) => {
                cx.error_spanned_by(
                    &*receiver,
                    "tools are free functions, not methods: remove `self` and pass state with \
                     `State<T>` (registered with `ServerBuilder::state`)",
                );
                continue;
            }
            FnArg::Typed(typed) => typed,
        };
        let mut marked = false;
        let mut attrs = Vec::new();
        for attr in std::mem::take(&mut typed.attrs) {
            if attr.path().is_ident(ARGS_MARKER) {
                if let Err(e) = attr.meta.require_path_only() {
                    cx.error_spanned_by(&attr, format!("write `#[args]` without arguments ({e})"));
                }
                marked = true;
            } else if is_doc(&attr)
                || attr.path().is_ident("serde")
                || attr.path().is_ident("schemars")
            {
                attrs.push(attr);
            } else {
                typed.attrs.push(attr);
            }
        }
        let ty = (*typed.ty).clone();
        check_type(cx, &ty);
        if !marked && is_extractor(&ty) {
            if let Some(attr) = attrs.first() {
                cx.error_spanned_by(
                    attr,
                    "this parameter is an extractor, not an argument: doc comments and \
                     serde/schemars attributes do nothing here; remove them",
                );
            }
            params.push(Param::Extractor { ty });
            continue;
        }
        if marked {
            if forced.is_some() {
                cx.error_spanned_by(
                    &ty,
                    "only one parameter can be `#[args]`: a tool has one argument type",
                );
            }
            forced = Some(ty.clone());
        }
        values.push((params.len(), marked, (*typed.pat).clone(), ty, attrs));
        params.push(Param::Extractor {
            ty: (*typed.ty).clone(),
        }); // placeholder, replaced below
    }

    let whole = match values.as_slice() {
        [(_, true, ..)] => true,
        [(_, false, _, ty, attrs)] => attrs.is_empty() && !is_plain_value(ty),
        _ => false,
    };
    if forced.is_some() && values.len() > 1 {
        for (_, marked, pat, ..) in &values {
            if !marked {
                cx.error_spanned_by(
                    pat,
                    "a tool takes either one `#[args]` type or plain parameters, not both: move \
                     this parameter into the argument type, or drop `#[args]`",
                );
            }
        }
    }
    for (index, marked, pat, ty, attrs) in values {
        params[index] = if whole || marked {
            Param::Arguments { ty }
        } else {
            match property_name(&pat) {
                Some(ident) => Param::Property { ident, ty, attrs },
                None => {
                    cx.error_spanned_by(
                        &pat,
                        "a tool argument needs a plain name, which becomes its JSON property: \
                         write `name: Type`",
                    );
                    Param::Arguments { ty }
                }
            }
        };
    }

    let has_confirmation = params.iter().any(|p| match p {
        Param::Extractor { ty } => last_ident(ty).is_some_and(|i| i == CONFIRMATION),
        _ => false,
    });
    let (output, data) = read_output(cx, sig);
    ToolSignature {
        params,
        data,
        output,
        has_confirmation,
    }
}

fn check_type(cx: &Ctxt, ty: &Type) {
    match ty {
        Type::Reference(_) => cx.error_spanned_by(
            ty,
            "tool parameters are owned: arguments are deserialized from JSON and extractors are \
             values; use an owned type such as `String` instead of a reference",
        ),
        Type::ImplTrait(_) => cx.error_spanned_by(
            ty,
            "a tool cannot be generic: `impl Trait` parameters have no schema; name a concrete type",
        ),
        _ => {}
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
    let data = match &segment.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    };
    (Some(ty.clone()), data)
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(TypePath { qself: None, path }) => path.segments.last(),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

fn last_ident(ty: &Type) -> Option<&Ident> {
    last_segment(ty).map(|s| &s.ident)
}

fn first_type_argument(segment: &syn::PathSegment) -> Option<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// `State<…>`, `ToolContext`, `Caller`, `Option<Caller>` or `Confirmation`.
pub(crate) fn is_extractor(ty: &Type) -> bool {
    let Some(segment) = last_segment(ty) else {
        return false;
    };
    if segment.ident == "Option" {
        return first_type_argument(segment)
            .and_then(last_ident)
            .is_some_and(|i| i == "Caller");
    }
    EXTRACTORS.iter().any(|e| segment.ident == e)
}

fn is_plain_value(ty: &Type) -> bool {
    match ty {
        Type::Array(_) | Type::Tuple(_) | Type::Slice(_) | Type::Reference(_) => true,
        _ => last_ident(ty).is_some_and(|i| PLAIN_VALUE_TYPES.iter().any(|p| i == p)),
    }
}

fn property_name(pat: &Pat) -> Option<Ident> {
    match pat {
        Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => Some(pat.ident.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(sig: proc_macro2::TokenStream) -> Vec<&'static str> {
        let mut sig: Signature = syn::parse2(sig).expect("a signature");
        let cx = Ctxt::default();
        let read = read(&cx, &mut sig);
        cx.check().expect("no errors");
        read.params
            .iter()
            .map(|p| match p {
                Param::Extractor { .. } => "extractor",
                Param::Arguments { .. } => "arguments",
                Param::Property { .. } => "property",
            })
            .collect()
    }

    #[test]
    fn a_lone_user_type_is_the_argument_type() {
        assert_eq!(
            classify(quote::quote!(async fn f(ws: State<W>, args: Search) -> ToolResult<()>)),
            ["extractor", "arguments"]
        );
    }

    #[test]
    fn a_lone_scalar_is_a_property() {
        assert_eq!(
            classify(quote::quote!(async fn f(text: String, cx: ToolContext) -> ToolResult<()>)),
            ["property", "extractor"]
        );
    }

    #[test]
    fn a_documented_lone_user_type_is_a_property() {
        assert_eq!(
            classify(quote::quote!(async fn f(#[doc = "m"] mode: Mode) -> ToolResult<()>)),
            ["property"]
        );
    }

    #[test]
    fn the_marker_forces_the_argument_type() {
        assert_eq!(
            classify(
                quote::quote!(async fn f(#[args] a: Vec<Item>, c: Option<Caller>) -> ToolResult<()>)
            ),
            ["arguments", "extractor"]
        );
    }

    #[test]
    fn several_values_are_properties() {
        assert_eq!(
            classify(
                quote::quote!(async fn f(a: Mode, b: u8, c: Caller, d: Confirmation) -> ToolResult<()>)
            ),
            ["property", "property", "extractor", "extractor"]
        );
    }
}
