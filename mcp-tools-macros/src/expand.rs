//! The code `#[tool]` adds next to the user's fn.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{ItemFn, LitStr};

use crate::attr::{Effect, ToolAttrs};
use crate::check::check;
use crate::ctxt::Ctxt;
use crate::description::description;
use crate::param::Param;
use crate::signature::{self, ToolSignature};

/// Expands `#[tool(args)] item`.
pub(crate) fn tool(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(_) => {
            let error = syn::Error::new(
                proc_macro2::Span::call_site(),
                "#[tool] goes on a free async fn: `async fn name(…) -> ToolResult<T>`",
            )
            .to_compile_error();
            return quote!(#error #item);
        }
    };
    let cx = Ctxt::default();
    let attrs = ToolAttrs::parse(&cx, args);
    let description = description(&cx, &func.attrs);
    let read = signature::read(&cx, &mut func.sig);
    check(&cx, &attrs, &func.sig, &read, &description);
    match cx.check() {
        Ok(()) => {
            let generated = definition(&attrs, &func, &read, &description);
            quote!(#func #generated)
        }
        Err(errors) => {
            let errors = errors.to_compile_error();
            quote!(#func #errors)
        }
    }
}

/// The hidden struct named after the fn, with its `tool()` constructor.
fn definition(
    attrs: &ToolAttrs,
    func: &ItemFn,
    read: &ToolSignature,
    description: &str,
) -> TokenStream {
    let krate = attrs.crate_path();
    let p = quote!(#krate::__private);
    let ident = &func.sig.ident;
    let vis = &func.vis;
    let name = attrs
        .name
        .get()
        .cloned()
        .unwrap_or_else(|| LitStr::new(&ident.unraw().to_string(), ident.span()));

    let mut builder = quote!(#p::Tool::builder(#name).description(#description));
    let title = attrs.title.get().cloned().unwrap_or_else(|| {
        LitStr::new(
            &crate::title::from_fn_name(&ident.unraw().to_string()),
            ident.span(),
        )
    });
    builder.extend(quote!(.title(#title)));
    builder.extend(match attrs.effect() {
        Some(Effect::ReadOnly) => quote!(.read_only()),
        Some(Effect::Additive) => quote!(.additive()),
        Some(Effect::Destructive) | None => quote!(.destructive()),
    });
    if attrs.idempotent.is_set() {
        builder.extend(quote!(.idempotent()));
    }
    if attrs.open_world.is_set() {
        builder.extend(quote!(.open_world(true)));
    }
    if attrs.closed_world.is_set() {
        builder.extend(quote!(.open_world(false)));
    }
    if let Some(scopes) = attrs.scopes.get() {
        builder.extend(quote!(.scopes([#(#scopes),*])));
    }
    if attrs.confirm.is_set() {
        builder.extend(quote!(.confirm()));
    }
    if attrs.no_auth.is_set() {
        builder.extend(quote!(.no_auth()));
    }
    if attrs.lenient.is_set() {
        builder.extend(quote!(.lenient()));
    }
    if let Some(secs) = attrs.timeout_secs.get() {
        builder.extend(quote!(.timeout(#p::Duration::from_secs(#secs))));
    }
    if let Some(support) = attrs.task.get() {
        let variant = match support.value().as_str() {
            "required" => quote!(Required),
            _ => quote!(Optional),
        };
        builder.extend(quote!(.task(#p::TaskSupport::#variant)));
    }
    for (argument, header) in attrs.headers.get().into_iter().flatten() {
        let argument = argument.unraw().to_string();
        builder.extend(quote!(.header_param(#argument, #header)));
    }

    let mut args_span = proc_macro2::Span::call_site();
    let mut args_span_set = false;
    let mut extract = TokenStream::new();
    let mut call_args = Vec::new();
    let mut fields = Vec::new();
    let mut args_ty = None;
    for (index, param) in read.params.iter().enumerate() {
        let var = format_ident!("__mcp_tools_{}", index);
        match param {
            Param::Extractor { ty, .. } => {
                builder.extend(quote!(.uses::<#ty>()));
                extract.extend(quote_spanned! {ty.span()=>
                    let #var = <#ty as #p::FromToolContext>::from_tool_context(&__cx)?;
                });
                call_args.push(quote!(#var));
            }
            Param::Arguments { ty } => {
                args_span = ty.span();
                args_span_set = true;
                args_ty = Some(quote!(#ty));
                call_args.push(quote!(__args));
            }
            Param::Property { ident, ty, attrs } => {
                fields.push(quote!(#(#attrs)* #ident: #ty));
                call_args.push(quote!(__args.#ident));
            }
        }
    }
    let mut local_args = TokenStream::new();
    let args_ty = match args_ty {
        Some(ty) => ty,
        None if fields.is_empty() => quote!(#p::NoArguments),
        None => {
            let serde_path = format!("{}::serde", p);
            let schemars_path = format!("{}::schemars", p);
            local_args = quote! {
                #[derive(#p::serde::Deserialize, #p::schemars::JsonSchema)]
                #[serde(crate = #serde_path)]
                #[schemars(crate = #schemars_path)]
                struct __McpToolsArguments {
                    #(#fields,)*
                }
            };
            quote!(__McpToolsArguments)
        }
    };
    // Each type the user wrote gets a static assertion spanned on it, so rustc
    // reports a missing trait there. The `finish` call needs the same traits; it
    // is spanned on the argument type (or the data type when the arguments are
    // generated), where rustc folds its report into the assertion's.
    let mut assertions = TokenStream::new();
    if args_span_set {
        assertions.extend(quote_spanned! {args_span=>
            #p::assert_arguments::<#args_ty>();
        });
    }
    let mut finish_span = args_span;
    let content = attrs.content.is_set();
    if let Some(data) = &read.data {
        if content {
            assertions.extend(quote_spanned! {data.span()=>
                #p::assert_content::<#data>();
            });
        } else {
            assertions.extend(quote_spanned! {data.span()=>
                #p::assert_data::<#data>();
            });
        }
        if !args_span_set {
            finish_span = data.span();
        }
    }
    let call = if content {
        quote_spanned! {finish_span=>
            #p::with_argument_check(builder, (&#p::ArgumentsProbe::<#args_ty>::new()).argument_check())
                .handler_content(__body)
        }
    } else {
        quote_spanned! {finish_span=>
            #p::with_argument_check(builder, (&#p::ArgumentsProbe::<#args_ty>::new()).argument_check())
                .handler(__body)
        }
    };
    let output_span = read
        .output
        .as_ref()
        .map_or_else(proc_macro2::Span::call_site, Spanned::span);
    let finish = quote_spanned! {output_span=>
        #p::Result::map_err(__out, #p::Into::<#p::ToolError>::into)
    };
    let doc = format!(
        "Makes the `{}` tool, ready for `ServerBuilder::tool`.",
        name.value()
    );

    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #ident {
            _private: (),
        }

        #[automatically_derived]
        impl #ident {
            #[doc = #doc]
            #vis fn tool() -> #p::Tool {
                use #p::{CheckPlain as _, CheckValidated as _};
                #local_args
                #assertions
                let builder = #builder;
                let __body = move |__args: #args_ty, __cx: #p::ToolContext| async move {
                    #extract
                    let __out = #ident(#(#call_args),*).await;
                    #finish
                };
                #call
            }
        }
    }
}
