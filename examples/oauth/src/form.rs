//! `application/x-www-form-urlencoded`: the parameters of authorization,
//! consent and token requests, and the query of the redirect back to a client.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Parameters of one request, each name at most once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
}

/// The most parameters a request may carry; real ones have about a dozen.
const MAX_PARAMS: usize = 64;

impl Params {
    /// Parses `input` (a query string or a form body).
    ///
    /// RFC 6749 section 3.1: a parameter must not be repeated, so a repeated
    /// one is refused rather than guessed at.
    pub(crate) fn parse(input: &str) -> Result<Self, String> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for piece in input.split('&').filter(|p| !p.is_empty()) {
            if pairs.len() == MAX_PARAMS {
                return Err(format!("more than {MAX_PARAMS} parameters"));
            }
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            let name = decode(name)?;
            let value = decode(value)?;
            if pairs.iter().any(|(n, _)| *n == name) {
                return Err(format!("the parameter `{name}` is given more than once"));
            }
            pairs.push((name, value));
        }
        Ok(Self { pairs })
    }

    /// The value of `name`; an empty value counts as absent (RFC 6749 section 3.1).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }
}

fn decode(raw: &str) -> Result<String, String> {
    let spaced: Cow<'_, str> = if raw.contains('+') {
        Cow::Owned(raw.replace('+', " "))
    } else {
        Cow::Borrowed(raw)
    };
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| "a parameter is not valid UTF-8 once percent-decoded".to_owned())
}

/// Everything but the unreserved characters of RFC 3986 is escaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` escaped for a query string or an HTML-free form body.
pub(crate) fn encode(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// `uri` with `params` appended to its query (a redirect URI may have one).
pub(crate) fn append_query(uri: &str, params: &[(&str, &str)]) -> String {
    let mut out = uri.to_owned();
    for (name, value) in params {
        if !out.ends_with('?') && !out.ends_with('&') {
            out.push(if out.contains('?') { '&' } else { '?' });
        }
        out.push_str(&encode(name));
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_percent() {
        let p = Params::parse("a=b+c&d=%2Fe%20f&empty=&flag").unwrap();
        assert_eq!(p.get("a"), Some("b c"));
        assert_eq!(p.get("d"), Some("/e f"));
        assert_eq!(p.get("empty"), None);
        assert_eq!(p.get("flag"), None);
        assert_eq!(p.get("missing"), None);
    }

    #[test]
    fn refuses_repeats_and_bad_utf8() {
        assert!(Params::parse("a=1&a=2").unwrap_err().contains("`a`"));
        assert!(Params::parse("a=%FF").is_err());
        assert_eq!(Params::parse("a=1&&b=2&").unwrap().get("b"), Some("2"));
        let many: String = (0..65).map(|i| format!("p{i}=1&")).collect();
        assert!(Params::parse(&many).is_err());
    }

    #[test]
    fn appends_to_an_existing_query() {
        assert_eq!(
            append_query("http://h/cb", &[("code", "a b"), ("state", "x&y")]),
            "http://h/cb?code=a%20b&state=x%26y"
        );
        assert_eq!(
            append_query("http://h/cb?k=v", &[("code", "c")]),
            "http://h/cb?k=v&code=c"
        );
        assert_eq!(
            append_query("http://h/cb?", &[("code", "c")]),
            "http://h/cb?code=c"
        );
    }
}
