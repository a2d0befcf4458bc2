//! `#[resource]` and `#[prompt]`: an async fn becomes a resource, a resource
//! template or a prompt, next to a hidden item that builds it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Expr, FnArg, Ident, ItemFn, LitStr, Pat, Type};

use crate::ctxt::Ctxt;
use crate::description::description;

/// Which attribute is being expanded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Resource,
    Prompt,
}

const RESOURCE_KEYS: &[&str] = &[
    "uri",
    "template",
    "name",
    "title",
    "description",
    "mime_type",
    "size",
    "priority",
    "audience",
    "scopes",
    "complete",
    "crate",
];
const PROMPT_KEYS: &[&str] = &[
    "name",
    "title",
    "description",
    "scopes",
    "complete",
    "crate",
];

/// The attribute's arguments, each with the span of its key.
#[derive(Default)]
struct Attrs {
    strings: Vec<(String, LitStr)>,
    size: Option<Expr>,
    priority: Option<Expr>,
    scopes: Vec<LitStr>,
    complete: Vec<(Ident, Expr)>,
}

impl Attrs {
    fn get(&self, key: &str) -> Option<&LitStr> {
        self.strings.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

fn parse_attrs(cx: &Ctxt, kind: Kind, args: TokenStream) -> Attrs {
    let accepted = match kind {
        Kind::Resource => RESOURCE_KEYS,
        Kind::Prompt => PROMPT_KEYS,
    };
    let attr_name = match kind {
        Kind::Resource => "resource",
        Kind::Prompt => "prompt",
    };
    let mut attrs = Attrs::default();
    let mut seen: Vec<String> = Vec::new();
    let parser = syn::meta::parser(|meta: ParseNestedMeta<'_>| {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        if !accepted.contains(&key.as_str()) {
            cx.error_spanned_by(
                &meta.path,
                format!(
                    "unknown #[{attr_name}] key; accepted: {}",
                    accepted.join(", ")
                ),
            );
            // Skip its value so the other keys are still read.
            if meta.input.peek(syn::Token![=]) {
                let _: Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                meta.parse_nested_meta(|inner| {
                    if inner.input.peek(syn::Token![=]) {
                        let _: Expr = inner.value()?.parse()?;
                    }
                    Ok(())
                })?;
            }
            return Ok(());
        }
        if key != "complete" && seen.contains(&key) {
            cx.error_spanned_by(&meta.path, format!("duplicate key `{key}`"));
        }
        seen.push(key.clone());
        match key.as_str() {
            "size" => attrs.size = Some(meta.value()?.parse()?),
            "priority" => attrs.priority = Some(meta.value()?.parse()?),
            "complete" => meta.parse_nested_meta(|inner| {
                let Some(name) = inner.path.get_ident().cloned() else {
                    return Err(inner.error("write complete(argument = path_or_list)"));
                };
                attrs.complete.push((name, inner.value()?.parse()?));
                Ok(())
            })?,
            "crate" => attrs.strings.push((key, meta.value()?.parse()?)),
            _ => {
                let value: Expr = meta.value()?.parse()?;
                match value {
                    Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => attrs.strings.push((key, s)),
                    Expr::Array(array) if key == "audience" || key == "scopes" => {
                        for element in array.elems {
                            match element {
                                Expr::Lit(syn::ExprLit {
                                    lit: syn::Lit::Str(s),
                                    ..
                                }) => attrs.scopes_or_audience(&key, s),
                                other => cx.error_spanned_by(other, "expected a string literal"),
                            }
                        }
                    }
                    other => cx.error_spanned_by(other, format!("`{key}` takes a string literal")),
                }
            }
        }
        Ok(())
    });
    if let Err(e) = syn::parse::Parser::parse2(parser, args) {
        cx.push(e);
    }
    attrs
}

impl Attrs {
    fn scopes_or_audience(&mut self, key: &str, value: LitStr) {
        if key == "scopes" {
            self.scopes.push(value);
        } else {
            self.strings.push(("audience".into(), value));
        }
    }
}

/// The fn's parameters: the context (by type name) and at most one other.
struct Params {
    /// For each parameter in order: `true` when it is the context.
    order: Vec<bool>,
    /// The type of the non-context parameter.
    args: Option<Type>,
}

fn read_params(cx: &Ctxt, func: &ItemFn, context: &str, takes_args: bool, what: &str) -> Params {
    let mut params = Params {
        order: Vec::new(),
        args: None,
    };
    for input in &func.sig.inputs {
        let FnArg::Typed(typed) = input else {
            cx.error_spanned_by(input, format!("a {what} fn takes no `self`"));
            continue;
        };
        if !matches!(
            &*typed.pat,
            Pat::Ident(_) | Pat::Wild(_) | Pat::TupleStruct(_)
        ) {
            cx.error_spanned_by(&typed.pat, "use a plain parameter name");
        }
        let is_context = matches!(&*typed.ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == context));
        if is_context {
            params.order.push(true);
        } else if !takes_args {
            cx.error_spanned_by(
                &typed.ty,
                format!("a {what} fn takes only `{context}`; use `template = \"…\"` for variables"),
            );
        } else if params.args.is_some() {
            cx.error_spanned_by(
                &typed.ty,
                format!("a {what} fn takes one arguments struct and `{context}`; put every argument in one struct"),
            );
        } else {
            params.order.push(false);
            params.args = Some((*typed.ty).clone());
        }
    }
    params
}

/// Expands `#[resource]` or `#[prompt]`.
pub(crate) fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(e) => {
            let error = e.to_compile_error();
            return quote!(#item #error);
        }
    };
    let cx = Ctxt::default();
    let attrs = parse_attrs(&cx, kind, args);
    if func.sig.asyncness.is_none() {
        cx.error_spanned_by(func.sig.fn_token, "this fn must be `async`");
    }
    if !func.sig.generics.params.is_empty() {
        cx.error_spanned_by(&func.sig.generics, "this fn cannot be generic");
    }
    let krate: TokenStream = match attrs.get("crate") {
        Some(path) => path.parse().unwrap_or_else(|e| {
            cx.push(e);
            quote!(::mcp_tools)
        }),
        None => quote!(::mcp_tools),
    };
    let p = quote!(#krate::__private);
    let ident = &func.sig.ident;
    let vis = &func.vis;
    let name = attrs
        .get("name")
        .map(LitStr::value)
        .unwrap_or_else(|| ident.to_string());
    let doc = description(&cx, &func.attrs);
    let description = attrs
        .get("description")
        .map(LitStr::value)
        .or((!doc.is_empty()).then_some(doc));
    let mut chain = TokenStream::new();
    if let Some(title) = attrs.get("title") {
        chain.extend(quote!(.title(#title)));
    }
    if let Some(description) = description {
        chain.extend(quote!(.description(#description)));
    }
    if !attrs.scopes.is_empty() {
        let scopes = &attrs.scopes;
        chain.extend(quote!(.scopes([#(#scopes),*])));
    }
    for (argument, value) in &attrs.complete {
        let argument = argument.to_string();
        let completer = match value {
            Expr::Array(list) => {
                let values = &list.elems;
                quote_spanned!(value.span()=> #p::Completer::values([#values]))
            }
            other => quote_spanned!(other.span()=> #p::Completer::with(#other)),
        };
        chain.extend(quote!(.complete(#argument, #completer)));
    }
    let built = match kind {
        Kind::Prompt => expand_prompt(&cx, &func, &p, &name, chain),
        Kind::Resource => expand_resource(&cx, &func, &attrs, &p, &name, chain),
    };
    if let Err(e) = cx.check() {
        let e = e.to_compile_error();
        return quote!(#func #e);
    }
    quote! {
        #func
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #ident {}
        #[automatically_derived]
        impl #ident {
            #built
        }
    }
}

fn call_args(params: &Params, args: &Ident, context: &Ident) -> TokenStream {
    let inputs = params
        .order
        .iter()
        .map(|is_context| if *is_context { context } else { args });
    quote!(#(#inputs),*)
}

fn expand_prompt(
    cx: &Ctxt,
    func: &ItemFn,
    p: &TokenStream,
    name: &str,
    chain: TokenStream,
) -> TokenStream {
    let params = read_params(cx, func, "PromptContext", true, "prompt");
    let ident = &func.sig.ident;
    let args_ty = params
        .args
        .clone()
        .map_or_else(|| quote!(#p::NoArguments), |t| quote!(#t));
    let (a, c) = (format_ident!("__args"), format_ident!("__cx"));
    let call = call_args(&params, &a, &c);
    let builder = format_ident!("prompt", span = Span::call_site());
    quote! {
        /// The prompt this fn renders, to register with `.prompt(..)`.
        pub fn #builder() -> #p::Prompt {
            #p::Prompt::builder(#name)
                #chain
                .handler(move |#a: #args_ty, #c: #p::PromptContext| {
                    let _ = &#a;
                    let _ = &#c;
                    #ident(#call)
                })
        }
    }
}

fn expand_resource(
    cx: &Ctxt,
    func: &ItemFn,
    attrs: &Attrs,
    p: &TokenStream,
    name: &str,
    mut chain: TokenStream,
) -> TokenStream {
    let ident = &func.sig.ident;
    let (uri, template) = (attrs.get("uri"), attrs.get("template"));
    if let Some(mime) = attrs.get("mime_type") {
        chain.extend(quote!(.mime_type(#mime)));
    }
    let audience: Vec<TokenStream> = attrs
        .strings
        .iter()
        .filter(|(k, _)| k == "audience")
        .map(|(_, v)| match v.value().as_str() {
            "user" => quote!(#p::Role::User),
            "assistant" => quote!(#p::Role::Assistant),
            _ => {
                cx.error_spanned_by(v, "audience is \"user\" or \"assistant\"");
                quote!(#p::Role::User)
            }
        })
        .collect();
    if !audience.is_empty() || attrs.priority.is_some() {
        let mut annotations = quote!(#p::Annotations::for_audience([#(#audience),*]));
        if let Some(priority) = &attrs.priority {
            annotations.extend(quote!(.priority(#priority)));
        }
        chain.extend(quote!(.annotations(#annotations)));
    }
    let (a, c) = (format_ident!("__vars"), format_ident!("__cx"));
    match (uri, template) {
        (Some(uri), None) => {
            if uri.value().contains('{') {
                cx.error_spanned_by(
                    uri,
                    "this URI has `{…}` variables; declare it with `template = \"…\"`",
                );
            }
            if let Some((argument, _)) = attrs.complete.first() {
                cx.error_spanned_by(
                    argument,
                    "completion needs a template variable; a fixed `uri` has none",
                );
            }
            if let Some(size) = &attrs.size {
                chain.extend(quote!(.size(#size)));
            }
            let params = read_params(cx, func, "ResourceContext", false, "resource");
            let call = call_args(&params, &a, &c);
            quote! {
                /// The resource this fn reads, to register with `.resource(..)`.
                pub fn resource() -> #p::Resource {
                    #p::Resource::builder(#uri, #name)
                        #chain
                        .handler(move |#c: #p::ResourceContext| {
                            let _ = &#c;
                            #ident(#call)
                        })
                }
            }
        }
        (None, Some(template)) => {
            if !template.value().contains('{') {
                cx.error_spanned_by(template, "this template has no `{variable}`; declare a fixed resource with `uri = \"…\"`");
            }
            if let Some(size) = &attrs.size {
                cx.error_spanned_by(size, "`size` belongs to a fixed `uri`, not to a template");
            }
            let params = read_params(cx, func, "ResourceContext", true, "resource template");
            if params.args.is_none() {
                cx.error_spanned_by(
                    &func.sig.ident,
                    "a template's fn takes a struct of its variables (Deserialize + JsonSchema) and `ResourceContext`",
                );
            }
            let args_ty = params
                .args
                .clone()
                .map_or_else(|| quote!(#p::NoArguments), |t| quote!(#t));
            let call = call_args(&params, &a, &c);
            quote! {
                /// The resource template this fn reads, to register with `.resource_template(..)`.
                pub fn resource_template() -> #p::ResourceTemplate {
                    #p::ResourceTemplate::builder(#template, #name)
                        #chain
                        .handler(move |#a: #args_ty, #c: #p::ResourceContext| {
                            let _ = &#c;
                            #ident(#call)
                        })
                }
            }
        }
        (Some(_), Some(template)) => {
            cx.error_spanned_by(template, "declare either `uri` or `template`, not both");
            TokenStream::new()
        }
        (None, None) => {
            cx.error_at(
                Span::call_site(),
                "#[resource] needs `uri = \"…\"` or `template = \"…\"`",
            );
            TokenStream::new()
        }
    }
}
