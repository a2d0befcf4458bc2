//! The arguments of `#[tool(...)]`, parsed into a typed [`ToolAttrs`].

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitInt, LitStr, Path, Token};

use crate::ctxt::Ctxt;
use crate::key::{Key, unknown_key_message};

/// What a tool does to the world.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    ReadOnly,
    Additive,
    Destructive,
}

impl Effect {
    pub(crate) fn key(self) -> Key {
        match self {
            Effect::ReadOnly => Key::ReadOnly,
            Effect::Additive => Key::Additive,
            Effect::Destructive => Key::Destructive,
        }
    }
}

/// One key's value, remembering where it was written so that a second
/// occurrence can be reported.
pub(crate) struct Attr<T> {
    key: Key,
    value: Option<(Span, T)>,
}

impl<T> Attr<T> {
    fn none(key: Key) -> Self {
        Attr { key, value: None }
    }

    fn set(&mut self, cx: &Ctxt, path: &Path, value: T) {
        if self.value.is_some() {
            cx.error_spanned_by(
                path,
                format!("duplicate #[tool] key `{}`; remove one of them", self.key),
            );
        } else {
            self.value = Some((span_of(path), value));
        }
    }

    pub(crate) fn get(&self) -> Option<&T> {
        self.value.as_ref().map(|(_, v)| v)
    }

    pub(crate) fn span(&self) -> Option<Span> {
        self.value.as_ref().map(|(s, _)| *s)
    }

    pub(crate) fn is_set(&self) -> bool {
        self.value.is_some()
    }
}

/// The parsed `#[tool(...)]` arguments.
pub(crate) struct ToolAttrs {
    /// Every effect key written, in order, with its span.
    pub(crate) effects: Vec<(Effect, Span)>,
    pub(crate) idempotent: Attr<()>,
    pub(crate) open_world: Attr<()>,
    pub(crate) closed_world: Attr<()>,
    pub(crate) title: Attr<LitStr>,
    pub(crate) name: Attr<LitStr>,
    pub(crate) scopes: Attr<Vec<LitStr>>,
    pub(crate) confirm: Attr<()>,
    pub(crate) no_auth: Attr<()>,
    pub(crate) lenient: Attr<()>,
    pub(crate) timeout_secs: Attr<LitInt>,
    /// `"optional"` or `"required"`, checked.
    pub(crate) task: Attr<LitStr>,
    pub(crate) content: Attr<()>,
    /// `headers(argument = "Header", …)`: arguments mirrored into headers.
    pub(crate) headers: Attr<Vec<(Ident, LitStr)>>,
    pub(crate) krate: Attr<Path>,
    /// Whether an unknown key was written (it may be a misspelt effect).
    pub(crate) has_unknown_key: bool,
}

impl ToolAttrs {
    /// Parses the attribute's arguments, recording every problem in `cx`.
    pub(crate) fn parse(cx: &Ctxt, args: TokenStream) -> ToolAttrs {
        let mut attrs = ToolAttrs {
            effects: Vec::new(),
            idempotent: Attr::none(Key::Idempotent),
            open_world: Attr::none(Key::OpenWorld),
            closed_world: Attr::none(Key::ClosedWorld),
            title: Attr::none(Key::Title),
            name: Attr::none(Key::Name),
            scopes: Attr::none(Key::Scopes),
            confirm: Attr::none(Key::Confirm),
            no_auth: Attr::none(Key::NoAuth),
            lenient: Attr::none(Key::Lenient),
            timeout_secs: Attr::none(Key::TimeoutSecs),
            task: Attr::none(Key::Task),
            content: Attr::none(Key::Content),
            headers: Attr::none(Key::Headers),
            krate: Attr::none(Key::Crate),
            has_unknown_key: false,
        };
        let parser = syn::meta::parser(|meta| attrs.parse_key(cx, meta));
        if let Err(error) = syn::parse::Parser::parse2(parser, args) {
            cx.push(error);
        }
        attrs
    }

    fn parse_key(&mut self, cx: &Ctxt, meta: ParseNestedMeta<'_>) -> syn::Result<()> {
        let Some(key) = Key::of(&meta.path) else {
            cx.error_spanned_by(&meta.path, unknown_key_message(&meta.path));
            self.has_unknown_key = true;
            return skip_value(&meta);
        };
        match key {
            Key::ReadOnly => self.parse_effect(cx, &meta, Effect::ReadOnly),
            Key::Additive => self.parse_effect(cx, &meta, Effect::Additive),
            Key::Destructive => self.parse_effect(cx, &meta, Effect::Destructive),
            Key::Idempotent => set_flag(cx, &meta, &mut self.idempotent),
            Key::OpenWorld => set_flag(cx, &meta, &mut self.open_world),
            Key::ClosedWorld => set_flag(cx, &meta, &mut self.closed_world),
            Key::Confirm => set_flag(cx, &meta, &mut self.confirm),
            Key::NoAuth => set_flag(cx, &meta, &mut self.no_auth),
            Key::Lenient => set_flag(cx, &meta, &mut self.lenient),
            Key::Content => set_flag(cx, &meta, &mut self.content),
            Key::Title => self.parse_title(cx, &meta),
            Key::Name => self.parse_name(cx, &meta),
            Key::Crate => self.parse_crate(cx, &meta),
            Key::TimeoutSecs => self.parse_timeout_secs(cx, &meta),
            Key::Task => self.parse_task(cx, &meta),
            Key::Scopes => self.parse_scopes(cx, &meta),
            Key::Headers => self.parse_headers(cx, &meta),
        }
    }

    fn parse_effect(
        &mut self,
        cx: &Ctxt,
        meta: &ParseNestedMeta<'_>,
        effect: Effect,
    ) -> syn::Result<()> {
        if self.effects.iter().any(|(e, _)| *e == effect) {
            cx.error_spanned_by(
                &meta.path,
                format!(
                    "duplicate #[tool] key `{}`; remove one of them",
                    effect.key()
                ),
            );
        } else {
            self.effects.push((effect, span_of(&meta.path)));
        }
        flag(cx, meta, effect.key())
    }

    fn parse_title(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        if let Some(title) = string_value(cx, meta, Key::Title, "a human-readable title")? {
            if title.value().trim().is_empty() {
                cx.error_spanned_by(
                    &title,
                    "the title is empty; write a few words, or drop `title`",
                );
            }
            self.title.set(cx, &meta.path, title);
        }
        Ok(())
    }

    fn parse_name(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        if let Some(name) = string_value(cx, meta, Key::Name, "the tool's name")? {
            if let Err(message) = check_tool_name(&name.value()) {
                cx.error_spanned_by(&name, message);
            }
            self.name.set(cx, &meta.path, name);
        }
        Ok(())
    }

    fn parse_crate(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        if let Some(lit) = string_value(cx, meta, Key::Crate, "the path of the mcp_tools crate")? {
            match lit.parse::<Path>() {
                Ok(krate) => self.krate.set(cx, &meta.path, krate),
                Err(_) => cx.error_spanned_by(
                    &lit,
                    "`crate` expects a path to the mcp_tools crate, like `crate = \"::my_sdk::mcp_tools\"`",
                ),
            }
        }
        Ok(())
    }

    fn parse_timeout_secs(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        match parse_value(meta)? {
            Expr::Lit(ExprLit {
                lit: Lit::Int(secs),
                ..
            }) if secs.base10_parse::<u64>().is_ok_and(|s| s > 0) => {
                self.timeout_secs.set(cx, &meta.path, secs);
            }
            other => cx.error_spanned_by(
                other,
                "`timeout_secs` expects a whole number of seconds above zero, like `timeout_secs = 30`",
            ),
        }
        Ok(())
    }

    fn parse_task(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        if let Some(support) = string_value(cx, meta, Key::Task, "\"optional\" or \"required\"")? {
            if matches!(support.value().as_str(), "optional" | "required") {
                self.task.set(cx, &meta.path, support);
            } else {
                cx.error_spanned_by(
                    &support,
                    format!(
                        "`task` is \"optional\" (a task when the client supports tasks) or \"required\" \
                         (only as a task), not {:?}",
                        support.value()
                    ),
                );
            }
        }
        Ok(())
    }

    fn parse_scopes(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        if !meta.input.peek(syn::token::Paren) {
            cx.error_spanned_by(
                &meta.path,
                "`scopes` lists string literals in parentheses, like `scopes(\"inbox:read\", \"inbox:write\")`",
            );
            return skip_value(meta);
        }
        let content;
        syn::parenthesized!(content in meta.input);
        let items = Punctuated::<Expr, Token![,]>::parse_terminated(&content)?;
        if items.is_empty() {
            cx.error_spanned_by(
                &meta.path,
                "`scopes()` is empty; list at least one scope or drop the key",
            );
        }
        let mut scopes = Vec::new();
        for item in items {
            match item {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(scope),
                    ..
                }) => {
                    let text = scope.value();
                    if text.is_empty() || text.chars().any(char::is_whitespace) {
                        cx.error_spanned_by(
                            &scope,
                            "a scope is a non-empty string without spaces, like \"inbox:write\"",
                        );
                    }
                    scopes.push(scope);
                }
                other => cx.error_spanned_by(
                    other,
                    "scopes are string literals: write `scopes(\"inbox:read\")`",
                ),
            }
        }
        self.scopes.set(cx, &meta.path, scopes);
        Ok(())
    }

    fn parse_headers(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        const SHAPE: &str = "`headers` maps arguments to header names in parentheses, like \
                             `headers(region = \"Region\")`, which mirrors `region` into \
                             `Mcp-Param-Region`";
        if !meta.input.peek(syn::token::Paren) {
            cx.error_spanned_by(&meta.path, SHAPE);
            return skip_value(meta);
        }
        let mut headers: Vec<(Ident, LitStr)> = Vec::new();
        meta.parse_nested_meta(|entry| {
            let Some(argument) = entry.path.get_ident().cloned() else {
                cx.error_spanned_by(&entry.path, SHAPE);
                return skip_value(&entry);
            };
            let header = match entry.value().and_then(|v| v.parse::<Expr>()) {
                Ok(Expr::Lit(ExprLit {
                    lit: Lit::Str(header),
                    ..
                })) => header,
                Ok(other) => {
                    cx.error_spanned_by(other, SHAPE);
                    return Ok(());
                }
                Err(_) => {
                    cx.error_spanned_by(&argument, SHAPE);
                    return skip_value(&entry);
                }
            };
            if let Err(message) = check_header_name(&header.value()) {
                cx.error_spanned_by(&header, message);
            }
            if headers.iter().any(|(a, _)| a == &argument) {
                cx.error_spanned_by(
                    &argument,
                    format!("`{argument}` is mirrored twice; keep one header for it"),
                );
            } else if let Some((other, _)) = headers
                .iter()
                .find(|(_, h)| h.value().eq_ignore_ascii_case(&header.value()))
            {
                cx.error_spanned_by(
                    &header,
                    format!(
                        "`{other}` is already mirrored into this header (header names compare \
                         case-insensitively); choose another name"
                    ),
                );
            }
            headers.push((argument, header));
            Ok(())
        })?;
        if headers.is_empty() {
            cx.error_spanned_by(
                &meta.path,
                "`headers()` is empty; map at least one argument or drop the key",
            );
        }
        self.headers.set(cx, &meta.path, headers);
        Ok(())
    }

    /// The declared effect, when exactly one was written.
    pub(crate) fn effect(&self) -> Option<Effect> {
        match self.effects.as_slice() {
            [(effect, _)] => Some(*effect),
            _ => None,
        }
    }

    /// The path generated code uses to reach the runtime.
    pub(crate) fn crate_path(&self) -> TokenStream {
        match self.krate.get() {
            Some(path) => path.to_token_stream(),
            None => quote::quote!(::mcp_tools),
        }
    }
}

fn span_of(path: &Path) -> Span {
    path.segments
        .first()
        .map_or_else(Span::call_site, |s| s.ident.span())
}

/// Records a key that takes no value, like `confirm`.
fn set_flag(cx: &Ctxt, meta: &ParseNestedMeta<'_>, attr: &mut Attr<()>) -> syn::Result<()> {
    flag(cx, meta, attr.key)?;
    attr.set(cx, &meta.path, ());
    Ok(())
}

/// A key that takes no value; anything after it is an error on the key.
fn flag(cx: &Ctxt, meta: &ParseNestedMeta<'_>, key: Key) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        return Ok(());
    }
    cx.error_spanned_by(
        &meta.path,
        format!("`{key}` takes no value; write just `{key}`"),
    );
    skip_value(meta)
}

fn parse_value(meta: &ParseNestedMeta<'_>) -> syn::Result<Expr> {
    meta.value()?.parse::<Expr>()
}

/// `key = "string"`; a missing or non-string value is recorded as an error.
fn string_value(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    key: Key,
    what: &str,
) -> syn::Result<Option<LitStr>> {
    if !meta.input.peek(Token![=]) {
        cx.error_spanned_by(
            &meta.path,
            format!("`{key}` expects {what} as a string: `{key} = \"…\"`"),
        );
        skip_value(meta)?;
        return Ok(None);
    }
    match parse_value(meta)? {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(Some(lit)),
        other => {
            cx.error_spanned_by(
                other,
                format!("`{key}` expects {what} as a string literal: `{key} = \"…\"`"),
            );
            Ok(None)
        }
    }
}

/// Consumes whatever follows a key (`= expr` or `(…)`), so parsing can go on.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        parse_value(meta)?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// The rule the server applies to an `x-mcp-header` name at build time: a
/// non-empty HTTP token.
pub(crate) fn check_header_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a header name cannot be empty; write the {Name} of Mcp-Param-{Name}".into());
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(*c)))
    {
        Some(bad) => Err(format!(
            "header names may not contain {bad:?}; use letters, digits and ! # $ % & ' * + - . ^ _ ` | ~"
        )),
        None => Ok(()),
    }
}

/// The same rule the server applies at build time, checked at compile time.
pub(crate) fn check_tool_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(
            "a tool name cannot be empty; write 1 to 64 characters of A-Z a-z 0-9 _ . -".into(),
        );
    }
    let length = name.chars().count();
    if length > 64 {
        return Err(format!(
            "this tool name is {length} characters long; the limit is 64, shorten it"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(format!(
            "tool names may not contain {bad:?}; use only letters A-Z a-z, digits, '_', '.' and '-'"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_server_rule() {
        assert!(check_tool_name("reply.search-contacts_2").is_ok());
        assert!(check_tool_name("").is_err());
        assert!(check_tool_name("has space").is_err());
        assert!(check_tool_name(&"a".repeat(65)).is_err());
        assert!(check_tool_name(&"a".repeat(64)).is_ok());
    }
}
