//! The keys `#[tool(...)]` accepts, and the suggestion for a misspelt one.

use std::fmt;

use quote::ToTokens;
use syn::Path;

/// Declares [`Key`], its spelling and [`Key::ALL`] from one list, so a key
/// cannot be added to the enum and forgotten by the parser or the suggestions.
macro_rules! keys {
    ($($(#[doc = $doc:literal])* $variant:ident => $text:literal,)*) => {
        /// A key of `#[tool(...)]`.
        #[derive(Copy, Clone, PartialEq, Eq, Debug)]
        pub(crate) enum Key {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Key {
            /// Every key, in the order the docs list them.
            pub(crate) const ALL: &[Key] = &[$(Key::$variant,)*];

            /// The key as written in `#[tool(...)]`.
            pub(crate) fn as_str(self) -> &'static str {
                match self {
                    $(Key::$variant => $text,)*
                }
            }
        }
    };
}

keys! {
    /// Reads only.
    ReadOnly => "read_only",
    /// Writes, destroys nothing.
    Additive => "additive",
    /// May overwrite or delete.
    Destructive => "destructive",
    /// Calling twice with the same arguments does no more than once.
    Idempotent => "idempotent",
    /// Reaches systems outside the server.
    OpenWorld => "open_world",
    /// Stays inside the server.
    ClosedWorld => "closed_world",
    /// A human-readable title.
    Title => "title",
    /// The tool's name.
    Name => "name",
    /// Scopes the caller must hold.
    Scopes => "scopes",
    /// Runs only with the token of a dry run.
    Confirm => "confirm",
    /// Callable without credentials.
    NoAuth => "no_auth",
    /// Ignores unknown arguments.
    Lenient => "lenient",
    /// A per-tool time limit.
    TimeoutSecs => "timeout_secs",
    /// Whether the tool may run as a task (tasks extension).
    Task => "task",
    /// Returns content blocks instead of data.
    Content => "content",
    /// Arguments mirrored into `Mcp-Param-*` headers.
    Headers => "headers",
    /// Where `mcp_tools` is.
    Crate => "crate",
}

impl Key {
    /// The key `path` names, if it names one.
    pub(crate) fn of(path: &Path) -> Option<Key> {
        Key::ALL
            .iter()
            .copied()
            .find(|key| path.is_ident(key.as_str()))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a path that names no key, suggesting the closest key when
/// the path looks like a typo of it.
pub(crate) fn unknown_key_message(path: &Path) -> String {
    let written = path.to_token_stream().to_string().replace(' ', "");
    let closest = Key::ALL
        .iter()
        .map(|k| (edit_distance(&written, k.as_str()), k.as_str()))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, k)| *d <= 2.max(k.len() / 3));
    match closest {
        Some((_, key)) => format!("unknown #[tool] key `{written}`; did you mean `{key}`?"),
        None => format!(
            "unknown #[tool] key `{written}`; the keys are: {}",
            Key::ALL
                .iter()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_found_by_its_spelling() {
        for key in Key::ALL {
            let path: Path = syn::parse_str(key.as_str()).expect("a key is a path");
            assert_eq!(Key::of(&path), Some(*key));
        }
        let path: Path = syn::parse_quote!(readonly);
        assert_eq!(Key::of(&path), None);
        let path: Path = syn::parse_quote!(a::name);
        assert_eq!(Key::of(&path), None);
    }

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
}
