//! The arguments of `#[tool(...)]`, parsed into a typed [`ToolAttrs`].

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, LitInt, LitStr, Path, Token};

use crate::ctxt::Ctxt;

/// A key of `#[tool(...)]`.
#[derive(Copy, Clone)]
pub(crate) struct Key(&'static str);

impl Key {
    pub(crate) fn as_str(self) -> &'static str {
        self.0
    }
}

pub(crate) const READ_ONLY: Key = Key("read_only");
pub(crate) const ADDITIVE: Key = Key("additive");
pub(crate) const DESTRUCTIVE: Key = Key("destructive");
pub(crate) const IDEMPOTENT: Key = Key("idempotent");
pub(crate) const OPEN_WORLD: Key = Key("open_world");
pub(crate) const CLOSED_WORLD: Key = Key("closed_world");
pub(crate) const TITLE: Key = Key("title");
pub(crate) const NAME: Key = Key("name");
pub(crate) const SCOPES: Key = Key("scopes");
pub(crate) const CONFIRM: Key = Key("confirm");
pub(crate) const NO_AUTH: Key = Key("no_auth");
pub(crate) const LENIENT: Key = Key("lenient");
pub(crate) const TIMEOUT_SECS: Key = Key("timeout_secs");
pub(crate) const CONTENT: Key = Key("content");
pub(crate) const CRATE: Key = Key("crate");

/// Every key, in the order the docs list them.
pub(crate) const KEYS: &[Key] = &[
    READ_ONLY,
    ADDITIVE,
    DESTRUCTIVE,
    IDEMPOTENT,
    OPEN_WORLD,
    CLOSED_WORLD,
    TITLE,
    NAME,
    SCOPES,
    CONFIRM,
    NO_AUTH,
    LENIENT,
    TIMEOUT_SECS,
    CONTENT,
    CRATE,
];

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
            Effect::ReadOnly => READ_ONLY,
            Effect::Additive => ADDITIVE,
            Effect::Destructive => DESTRUCTIVE,
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
                format!(
                    "duplicate #[tool] key `{}`; remove one of them",
                    self.key.as_str()
                ),
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
    pub(crate) content: Attr<()>,
    pub(crate) krate: Attr<Path>,
    /// Whether an unknown key was written (it may be a misspelt effect).
    pub(crate) has_unknown_key: bool,
}

impl ToolAttrs {
    /// Parses the attribute's arguments, recording every problem in `cx`.
    pub(crate) fn parse(cx: &Ctxt, args: TokenStream) -> ToolAttrs {
        let mut attrs = ToolAttrs {
            effects: Vec::new(),
            idempotent: Attr::none(IDEMPOTENT),
            open_world: Attr::none(OPEN_WORLD),
            closed_world: Attr::none(CLOSED_WORLD),
            title: Attr::none(TITLE),
            name: Attr::none(NAME),
            scopes: Attr::none(SCOPES),
            confirm: Attr::none(CONFIRM),
            no_auth: Attr::none(NO_AUTH),
            lenient: Attr::none(LENIENT),
            timeout_secs: Attr::none(TIMEOUT_SECS),
            content: Attr::none(CONTENT),
            krate: Attr::none(CRATE),
            has_unknown_key: false,
        };
        let parser = syn::meta::parser(|meta| attrs.parse_key(cx, meta));
        if let Err(error) = syn::parse::Parser::parse2(parser, args) {
            cx.push(error);
        }
        attrs
    }

    fn parse_key(&mut self, cx: &Ctxt, meta: ParseNestedMeta<'_>) -> syn::Result<()> {
        let path = meta.path.clone();
        let Some(key) = KEYS.iter().copied().find(|k| path.is_ident(k.as_str())) else {
            cx.error_spanned_by(&path, unknown_key_message(&path));
            self.has_unknown_key = true;
            return skip_value(&meta);
        };
        match key.as_str() {
            "read_only" | "additive" | "destructive" => {
                let effect = match key.as_str() {
                    "read_only" => Effect::ReadOnly,
                    "additive" => Effect::Additive,
                    _ => Effect::Destructive,
                };
                if self.effects.iter().any(|(e, _)| *e == effect) {
                    cx.error_spanned_by(
                        &path,
                        format!(
                            "duplicate #[tool] key `{}`; remove one of them",
                            key.as_str()
                        ),
                    );
                } else {
                    self.effects.push((effect, span_of(&path)));
                }
                flag(cx, &meta, key)
            }
            "idempotent" => flag(cx, &meta, key).map(|()| self.idempotent.set(cx, &path, ())),
            "open_world" => flag(cx, &meta, key).map(|()| self.open_world.set(cx, &path, ())),
            "closed_world" => flag(cx, &meta, key).map(|()| self.closed_world.set(cx, &path, ())),
            "confirm" => flag(cx, &meta, key).map(|()| self.confirm.set(cx, &path, ())),
            "no_auth" => flag(cx, &meta, key).map(|()| self.no_auth.set(cx, &path, ())),
            "lenient" => flag(cx, &meta, key).map(|()| self.lenient.set(cx, &path, ())),
            "content" => flag(cx, &meta, key).map(|()| self.content.set(cx, &path, ())),
            "title" => {
                if let Some(title) = string_value(cx, &meta, key, "a human-readable title")? {
                    if title.value().trim().is_empty() {
                        cx.error_spanned_by(
                            &title,
                            "the title is empty; write a few words, or drop `title`",
                        );
                    }
                    self.title.set(cx, &path, title);
                }
                Ok(())
            }
            "name" => {
                if let Some(name) = string_value(cx, &meta, key, "the tool's name")? {
                    if let Err(message) = check_tool_name(&name.value()) {
                        cx.error_spanned_by(&name, message);
                    }
                    self.name.set(cx, &path, name);
                }
                Ok(())
            }
            "crate" => {
                if let Some(lit) = string_value(cx, &meta, key, "the path of the mcp_tools crate")?
                {
                    match lit.parse::<Path>() {
                        Ok(krate) => self.krate.set(cx, &path, krate),
                        Err(_) => cx.error_spanned_by(
                            &lit,
                            "`crate` expects a path to the mcp_tools crate, like `crate = \"::my_sdk::mcp_tools\"`",
                        ),
                    }
                }
                Ok(())
            }
            "timeout_secs" => {
                let value = parse_value(&meta)?;
                match value {
                    Expr::Lit(ExprLit { lit: Lit::Int(secs), .. })
                        if secs.base10_parse::<u64>().is_ok_and(|s| s > 0) =>
                    {
                        self.timeout_secs.set(cx, &path, secs);
                    }
                    other => cx.error_spanned_by(
                        other,
                        "`timeout_secs` expects a whole number of seconds above zero, like `timeout_secs = 30`",
                    ),
                }
                Ok(())
            }
            "scopes" => {
                if !meta.input.peek(syn::token::Paren) {
                    cx.error_spanned_by(
                        &path,
                        "`scopes` lists string literals in parentheses, like `scopes(\"inbox:read\", \"inbox:write\")`",
                    );
                    return skip_value(&meta);
                }
                let content;
                syn::parenthesized!(content in meta.input);
                let items = Punctuated::<Expr, Token![,]>::parse_terminated(&content)?;
                let written = items.len();
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
                if written == 0 {
                    cx.error_spanned_by(
                        &path,
                        "`scopes()` is empty; list at least one scope or drop the key",
                    );
                }
                self.scopes.set(cx, &path, scopes);
                Ok(())
            }
            _ => unreachable!("every key in KEYS is handled"),
        }
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

/// A key that takes no value; anything after it is an error on the key.
fn flag(cx: &Ctxt, meta: &ParseNestedMeta<'_>, key: Key) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        return Ok(());
    }
    cx.error_spanned_by(
        &meta.path,
        format!(
            "`{}` takes no value; write just `{}`",
            key.as_str(),
            key.as_str()
        ),
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
            format!(
                "`{}` expects {what} as a string: `{} = \"…\"`",
                key.as_str(),
                key.as_str()
            ),
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
                format!(
                    "`{}` expects {what} as a string literal: `{} = \"…\"`",
                    key.as_str(),
                    key.as_str()
                ),
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

fn unknown_key_message(path: &Path) -> String {
    let written = path.to_token_stream().to_string().replace(' ', "");
    let closest = KEYS
        .iter()
        .map(|k| (edit_distance(&written, k.as_str()), k.as_str()))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, k)| *d <= 2.max(k.len() / 3));
    match closest {
        Some((_, key)) => format!("unknown #[tool] key `{written}`; did you mean `{key}`?"),
        None => format!(
            "unknown #[tool] key `{written}`; the keys are: {}",
            KEYS.iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Levenshtein distance between two short strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
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
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("readonly", "read_only"), 1);
        assert_eq!(edit_distance("scope", "scopes"), 1);
        assert_eq!(edit_distance("", "name"), 4);
        assert_eq!(edit_distance("titel", "title"), 2);
    }

    #[test]
    fn unknown_keys_get_a_suggestion_when_close() {
        let path: Path = syn::parse_quote!(readonly);
        assert!(unknown_key_message(&path).contains("did you mean `read_only`"));
        let path: Path = syn::parse_quote!(frobnicate);
        assert!(unknown_key_message(&path).contains("the keys are"));
    }

    #[test]
    fn names_follow_the_server_rule() {
        assert!(check_tool_name("reply.search-contacts_2").is_ok());
        assert!(check_tool_name("").is_err());
        assert!(check_tool_name("has space").is_err());
        assert!(check_tool_name(&"a".repeat(65)).is_err());
        assert!(check_tool_name(&"a".repeat(64)).is_ok());
    }
}
