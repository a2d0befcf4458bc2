//! Personal data in tool output, de-identified unless the caller may read it.
//!
//! Wrap each personal field of an output type in [`Pii`]. When a call's result is
//! serialised, the server decides once, from the caller's scopes, whether personal
//! data goes out in clear; every `Pii` value at any depth of the output follows
//! that decision. A caller without the PII-read scope sees `j***@example.com` for
//! an email and a stable pseudonym such as `Person 4F2A` for a name.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

thread_local! {
    static CLEAR: Cell<bool> = const { Cell::new(false) };
}

/// What kind of personal datum a [`Pii`] holds, which decides how it is de-identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PiiKind {
    /// An email address: first character and domain kept, `j***@example.com`.
    Email,
    /// A person's name: replaced by a stable pseudonym, `Person 4F2A`.
    Name,
    /// A phone number: all but the last two digits masked.
    Phone,
    /// Any other personal datum: fully redacted.
    Other,
}

/// A personal datum in tool output.
///
/// ```
/// use mcp_tools::Pii;
/// use serde::Serialize;
///
/// #[derive(Serialize)]
/// struct Customer { email: Pii, name: Pii }
///
/// let c = Customer { email: Pii::email("jane@example.com"), name: Pii::name("Jane Roe") };
/// // Outside a call, personal data is de-identified: the safe default.
/// let json = serde_json::to_string(&c).unwrap();
/// assert!(json.contains("j***@example.com"));
/// assert!(!json.contains("Jane"));
/// // The server serialises in clear for callers holding the PII-read scope.
/// let clear = mcp_tools::pii::serialize_in_clear(|| serde_json::to_string(&c).unwrap());
/// assert!(clear.contains("jane@example.com"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Pii<T = String> {
    value: T,
    kind: PiiKind,
}

impl<T> Pii<T> {
    /// Wraps a value of the given kind.
    pub fn new(kind: PiiKind, value: T) -> Self {
        Self { value, kind }
    }

    /// The value in clear, for the server's own logic (matching, sending).
    pub fn expose(&self) -> &T {
        &self.value
    }

    /// Unwraps the value in clear.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The kind of datum.
    pub fn kind(&self) -> PiiKind {
        self.kind
    }
}

impl Pii<String> {
    /// An email address.
    pub fn email(value: impl Into<String>) -> Self {
        Self::new(PiiKind::Email, value.into())
    }

    /// A person's name.
    pub fn name(value: impl Into<String>) -> Self {
        Self::new(PiiKind::Name, value.into())
    }

    /// A phone number.
    pub fn phone(value: impl Into<String>) -> Self {
        Self::new(PiiKind::Phone, value.into())
    }

    /// Any other personal datum.
    pub fn other(value: impl Into<String>) -> Self {
        Self::new(PiiKind::Other, value.into())
    }
}

impl<T> fmt::Debug for Pii<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Debug output ends up in logs; never print the value.
        write!(f, "Pii<{:?}>(..)", self.kind)
    }
}

/// Runs `f` with personal data serialised in clear on this thread, then restores the
/// previous mode (also if `f` panics).
pub fn serialize_in_clear<R>(f: impl FnOnce() -> R) -> R {
    with_mode(true, f)
}

/// Runs `f` with personal data de-identified on this thread (the default mode).
pub fn serialize_deidentified<R>(f: impl FnOnce() -> R) -> R {
    with_mode(false, f)
}

pub(crate) fn with_mode<R>(clear: bool, f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            CLEAR.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CLEAR.with(|c| c.replace(clear)));
    f()
}

fn in_clear() -> bool {
    CLEAR.with(Cell::get)
}

/// De-identifies one string of the given kind.
///
/// Deterministic: the same input always gives the same output, so an agent can
/// still group rows by a de-identified name or email.
pub fn deidentify(kind: PiiKind, value: &str) -> Cow<'static, str> {
    match kind {
        PiiKind::Email => match value.split_once('@') {
            Some((local, domain)) if !local.is_empty() => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}").into()
            }
            _ => "***".into(),
        },
        PiiKind::Name => {
            if value.trim().is_empty() {
                "".into()
            } else {
                format!("Person {:04X}", fingerprint(value) & 0xFFFF).into()
            }
        }
        PiiKind::Phone => {
            let digits = value.chars().filter(char::is_ascii_digit).count();
            let mut seen = 0;
            value
                .chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        seen += 1;
                        if seen + 2 > digits { c } else { '*' }
                    } else {
                        c
                    }
                })
                .collect::<String>()
                .into()
        }
        PiiKind::Other => "[redacted]".into(),
    }
}

/// FNV-1a: stable across processes and releases, unlike `std`'s hasher.
fn fingerprint(value: &str) -> u64 {
    value
        .trim()
        .to_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
}

impl Serialize for Pii<String> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if in_clear() {
            serializer.serialize_str(&self.value)
        } else {
            serializer.serialize_str(&deidentify(self.kind, &self.value))
        }
    }
}

impl Serialize for Pii<Option<String>> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.value {
            None => serializer.serialize_none(),
            Some(v) if in_clear() => serializer.serialize_str(v),
            Some(v) => serializer.serialize_str(&deidentify(self.kind, v)),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Pii<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(|value| Self::new(PiiKind::Other, value))
    }
}

impl<T: JsonSchema> JsonSchema for Pii<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_keep_first_letter_and_domain() {
        assert_eq!(
            deidentify(PiiKind::Email, "jane@example.com"),
            "j***@example.com"
        );
        assert_eq!(deidentify(PiiKind::Email, "not-an-email"), "***");
    }

    #[test]
    fn names_get_stable_pseudonyms() {
        let a = deidentify(PiiKind::Name, "Jane Roe");
        assert_eq!(a, deidentify(PiiKind::Name, "jane roe "));
        assert_ne!(a, deidentify(PiiKind::Name, "John Doe"));
        assert!(a.starts_with("Person "));
    }

    #[test]
    fn phones_keep_last_two_digits() {
        assert_eq!(deidentify(PiiKind::Phone, "+1 555-0142"), "+* ***-**42");
    }

    #[test]
    fn mode_is_restored_after_panic() {
        let result = std::panic::catch_unwind(|| serialize_in_clear(|| panic!("boom")));
        assert!(result.is_err());
        assert!(!in_clear());
    }
}
