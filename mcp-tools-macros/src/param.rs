//! What each parameter of a tool fn is: an extractor, the argument type, or
//! one property of a generated argument type.
//!
//! The rule, with no default that a doc comment could flip: a parameter marked
//! `#[args]` is the argument type (its fields are the arguments); every other
//! non-extractor parameter is one property. A lone parameter whose type is not
//! a JSON value the macro knows must say which it is, with `#[args]` or with a
//! doc comment, since the macro cannot see whether its type is a struct.

use syn::{Attribute, FnArg, Ident, Pat, Signature, Type};

use crate::ctxt::Ctxt;
use crate::description::is_doc;
use crate::extractor::Extractor;
use crate::type_path::{first_type_argument, last_segment};

/// The marker attribute that makes a parameter the argument type.
pub(crate) const ARGS_MARKER: &str = "args";

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

/// Wrappers that are plain values exactly when what they wrap is one:
/// `Box<Search>` is as ambiguous as `Search`.
const TRANSPARENT_WRAPPERS: &[&str] = &["Box", "Arc"];

/// One parameter, classified.
pub(crate) enum Param {
    /// Built from the call's context with `FromToolContext`.
    Extractor { ty: Type, extractor: Extractor },
    /// The whole argument object.
    Arguments { ty: Type },
    /// One property of the generated argument object.
    Property {
        ident: Ident,
        ty: Type,
        attrs: Vec<Attribute>,
    },
}

/// A parameter as written, before its form is decided.
struct Input {
    /// What it extracts, when it is an extractor rather than a value.
    extractor: Option<Extractor>,
    /// The `#[args]` attribute, when written.
    marker: Option<Attribute>,
    pat: Pat,
    ty: Type,
    /// Doc comments and serde/schemars attributes, which a property keeps.
    attrs: Vec<Attribute>,
}

/// Reads every parameter of `sig`, taking the macro's own attributes off them
/// so the fn compiles as written.
pub(crate) fn read(cx: &Ctxt, sig: &mut Signature) -> Vec<Param> {
    let mut inputs = Vec::new();
    for input in &mut sig.inputs {
        match input {
            FnArg::Receiver(receiver) => cx.error_spanned_by(
                &*receiver,
                "tools are free functions, not methods: remove `self` and pass state with \
                 `State<T>` (registered with `ServerBuilder::state`)",
            ),
            FnArg::Typed(typed) => inputs.push(read_input(cx, typed)),
        }
    }
    let generic = !sig.generics.params.is_empty();
    check_values(cx, generic, inputs.iter().filter(|i| i.extractor.is_none()));
    inputs.into_iter().map(|input| param(cx, input)).collect()
}

/// Reads one parameter, taking the macro's own attributes off it.
fn read_input(cx: &Ctxt, typed: &mut syn::PatType) -> Input {
    let mut marker = None;
    let mut attrs = Vec::new();
    for attr in std::mem::take(&mut typed.attrs) {
        if attr.path().is_ident(ARGS_MARKER) {
            if let Err(e) = attr.meta.require_path_only() {
                cx.error_spanned_by(&attr, format!("write `#[args]` without arguments ({e})"));
            }
            marker = Some(attr);
        } else if is_doc(&attr) || attr.path().is_ident("serde") || attr.path().is_ident("schemars")
        {
            attrs.push(attr);
        } else {
            typed.attrs.push(attr);
        }
    }
    let ty = (*typed.ty).clone();
    check_type(cx, &ty);
    let extractor = marker.is_none().then(|| Extractor::of(&ty)).flatten();
    if extractor.is_some()
        && let Some(attr) = attrs.first()
    {
        cx.error_spanned_by(
            attr,
            "this parameter is an extractor, not an argument: doc comments and \
             serde/schemars attributes do nothing here; remove them",
        );
    }
    Input {
        extractor,
        marker,
        pat: (*typed.pat).clone(),
        ty,
        attrs,
    }
}

/// Reports the combinations of value parameters with no single reading.
///
/// In a generic fn (refused already) a lone parameter's form is moot, so it
/// is not asked for.
fn check_values<'a>(cx: &Ctxt, generic: bool, values: impl Iterator<Item = &'a Input>) {
    let values: Vec<&Input> = values.collect();
    let marked = values.iter().filter(|v| v.marker.is_some()).count();
    for value in values.iter().filter(|v| v.marker.is_some()).skip(1) {
        cx.error_spanned_by(
            &value.ty,
            "only one parameter can be `#[args]`: a tool has one argument type",
        );
    }
    for value in &values {
        if value.marker.is_some() {
            check_args_attrs(cx, value);
        } else if marked > 0 {
            cx.error_spanned_by(
                &value.pat,
                "a tool takes either one `#[args]` type or plain parameters, not both: move \
                 this parameter into the argument type, or drop `#[args]`",
            );
        }
    }
    if let [value] = values.as_slice()
        && !generic
        && value.marker.is_none()
        && value.attrs.is_empty()
        && !is_plain_value(&value.ty)
        && !matches!(value.ty, Type::ImplTrait(_))
    {
        let pat = &value.pat;
        let ty = &value.ty;
        let message = match property_name(pat) {
            Some(name) => format!(
                "`{name}` is the only argument and #[tool] cannot see whether its type is a \
                 struct, so say how to publish it: mark it `#[args]` to make the fields of its \
                 type the tool's arguments, or add a `///` doc comment to make it one property \
                 named `{name}`"
            ),
            None => "this is the only argument and #[tool] cannot see whether its type is a \
                     struct, so say how to publish it: mark it `#[args]` to make the fields of \
                     its type the tool's arguments"
                .to_owned(),
        };
        cx.error_spanned_by(quote::quote!(#pat: #ty), message);
    }
}

/// The parameter marked `#[args]` is not published itself, so the attributes
/// a property would carry mean nothing on it; say so rather than drop them.
fn check_args_attrs(cx: &Ctxt, value: &Input) {
    if let Some(doc) = value.attrs.iter().find(|a| is_doc(a)) {
        cx.error_spanned_by(
            doc,
            "`#[args]` publishes the fields of this parameter's type, not the parameter, so \
             this doc comment is never shown to a model: document the type's fields instead, \
             or drop `#[args]` to publish the parameter as one property",
        );
    }
    if let Some(attr) = value.attrs.iter().find(|a| !is_doc(a)) {
        cx.error_spanned_by(
            attr,
            "`#[args]` publishes the fields of this parameter's type, not the parameter, so \
             this attribute has no effect: put it on the type or its fields instead, or drop \
             `#[args]` to publish the parameter as one property",
        );
    }
}

fn param(cx: &Ctxt, input: Input) -> Param {
    let Input {
        extractor,
        marker,
        pat,
        ty,
        attrs,
    } = input;
    if let Some(extractor) = extractor {
        return Param::Extractor { ty, extractor };
    }
    if marker.is_some() {
        return Param::Arguments { ty };
    }
    match property_name(&pat) {
        Some(ident) => Param::Property { ident, ty, attrs },
        None => {
            cx.error_spanned_by(
                &pat,
                "a tool argument needs a plain name, which becomes its JSON property: write \
                 `name: Type`, or mark a lone parameter `#[args]` to destructure its type",
            );
            Param::Arguments { ty }
        }
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

/// Whether `ty` is a JSON value the macro knows, which a lone parameter can
/// only be a property of.
fn is_plain_value(ty: &Type) -> bool {
    match ty {
        Type::Array(_) | Type::Tuple(_) | Type::Slice(_) | Type::Reference(_) => true,
        _ => last_segment(ty).is_some_and(|segment| {
            if TRANSPARENT_WRAPPERS.iter().any(|w| segment.ident == w) {
                first_type_argument(segment).is_some_and(is_plain_value)
            } else {
                PLAIN_VALUE_TYPES.iter().any(|p| segment.ident == p)
            }
        }),
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

    fn read_params(sig: proc_macro2::TokenStream) -> (Vec<Param>, Vec<String>) {
        let mut sig: Signature = syn::parse2(sig).expect("a signature");
        let cx = Ctxt::default();
        let params = read(&cx, &mut sig);
        let errors = match cx.check() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| e.to_string()).collect(),
        };
        (params, errors)
    }

    fn classify(sig: proc_macro2::TokenStream) -> Vec<&'static str> {
        let (params, errors) = read_params(sig);
        assert_eq!(errors, Vec::<String>::new());
        params
            .iter()
            .map(|p| match p {
                Param::Extractor { .. } => "extractor",
                Param::Arguments { .. } => "arguments",
                Param::Property { .. } => "property",
            })
            .collect()
    }

    fn errors(sig: proc_macro2::TokenStream) -> Vec<String> {
        read_params(sig).1
    }

    #[test]
    fn a_marked_user_type_is_the_argument_type() {
        assert_eq!(
            classify(
                quote::quote!(async fn f(ws: State<W>, #[args] args: Search) -> ToolResult<()>)
            ),
            ["extractor", "arguments"]
        );
    }

    #[test]
    fn a_lone_unmarked_user_type_must_say_its_form() {
        for sig in [
            quote::quote!(async fn f(ws: State<W>, args: Search) -> ToolResult<()>),
            quote::quote!(async fn f(args: Box<Search>) -> ToolResult<()>),
            quote::quote!(async fn f(args: std::sync::Arc<Search>) -> ToolResult<()>),
        ] {
            let errors = errors(sig);
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(errors[0].contains("mark it `#[args]`"), "{errors:?}");
            assert!(errors[0].contains("property named `args`"), "{errors:?}");
        }
        let errors = errors(quote::quote!(async fn f(Search { a }: Search) -> ToolResult<()>));
        assert!(errors[0].contains("mark it `#[args]`"), "{errors:?}");
        assert!(!errors[0].contains("doc comment"), "{errors:?}");
    }

    #[test]
    fn a_lone_scalar_is_a_property() {
        assert_eq!(
            classify(quote::quote!(async fn f(text: String, cx: ToolContext) -> ToolResult<()>)),
            ["property", "extractor"]
        );
        assert_eq!(
            classify(quote::quote!(async fn f(ids: Box<Vec<u64>>) -> ToolResult<()>)),
            ["property"]
        );
    }

    #[test]
    fn a_documented_lone_user_type_is_a_property() {
        assert_eq!(
            classify(quote::quote!(async fn f(#[doc = "m"] mode: Mode) -> ToolResult<()>)),
            ["property"]
        );
        assert_eq!(
            classify(quote::quote!(async fn f(#[serde(default)] mode: Mode) -> ToolResult<()>)),
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
    fn a_marked_parameter_refuses_property_attributes() {
        let errors = errors(quote::quote!(
            async fn f(#[doc = "d"] #[serde(default)] #[args] a: Search) -> ToolResult<()>
        ));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("this doc comment is never shown"));
        assert!(errors[1].contains("this attribute has no effect"));
    }

    #[test]
    fn the_marker_excludes_other_values() {
        let errors = errors(quote::quote!(
            async fn f(#[args] a: Search, #[args] b: Search, c: u8) -> ToolResult<()>
        ));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("only one parameter can be `#[args]`"));
        assert!(errors[1].contains("not both"));
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
