//! RFC 6570 URI templates, as far as resource templates need them: parsing
//! levels 1 to 3 (`{var}`, `{+var}`, `{#var}`, `{.var}`, `{/var}`, `{;var}`,
//! `{?var}`, `{&var}`, several variables per expression) and matching a
//! concrete URI back to the variables' values.

use std::fmt;

use serde_json::{Map, Value};

/// One piece of a template: text that must appear as written, or an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Expression {
        operator: Option<char>,
        names: Vec<String>,
    },
}

/// A parsed URI template.
///
/// ```
/// use mcp_tools::UriTemplate;
///
/// let template = UriTemplate::parse("file:///{+path}{?rev}").unwrap();
/// let vars = template.match_uri("file:///src/main.rs?rev=7").unwrap();
/// assert_eq!(vars["path"], "src/main.rs");
/// assert_eq!(vars["rev"], "7");
/// assert_eq!(template.variables().collect::<Vec<_>>(), ["path", "rev"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriTemplate {
    text: String,
    parts: Vec<Part>,
}

/// Why a template cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriTemplateError(String);

impl fmt::Display for UriTemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UriTemplateError {}

impl fmt::Display for UriTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl UriTemplate {
    /// Parses a template; level 4 modifiers (`:3`, `*`) are refused.
    pub fn parse(text: &str) -> Result<Self, UriTemplateError> {
        let fail = |why: String| UriTemplateError(format!("URI template {text:?}: {why}"));
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            match rest.find('{') {
                Some(0) => {
                    let end = rest
                        .find('}')
                        .ok_or_else(|| fail("an expression '{' is never closed".into()))?;
                    let body = &rest[1..end];
                    let (operator, list) = match body.chars().next() {
                        Some(c @ ('+' | '#' | '.' | '/' | ';' | '?' | '&')) => {
                            (Some(c), &body[1..])
                        }
                        _ => (None, body),
                    };
                    let mut names = Vec::new();
                    for name in list.split(',') {
                        let valid = !name.is_empty()
                            && name
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                        if !valid {
                            return Err(fail(format!(
                                "{name:?} is not a variable name (letters, digits, '_' and '.'; \
                                 the level-4 modifiers ':' and '*' are not supported)"
                            )));
                        }
                        names.push(name.to_owned());
                    }
                    parts.push(Part::Expression { operator, names });
                    rest = &rest[end + 1..];
                }
                found => {
                    let end = found.unwrap_or(rest.len());
                    if rest[..end].contains('}') {
                        return Err(fail("a '}' closes no expression".into()));
                    }
                    parts.push(Part::Literal(rest[..end].to_owned()));
                    rest = &rest[end..];
                }
            }
        }
        Ok(Self {
            text: text.to_owned(),
            parts,
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The variables, in order of appearance.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .flat_map(|part| match part {
                Part::Literal(_) => &[][..],
                Part::Expression { names, .. } => names.as_slice(),
            })
            .map(String::as_str)
    }

    /// The variables' values when `uri` is an expansion of this template,
    /// percent-decoded; a variable left out of the URI is absent.
    pub fn match_uri(&self, uri: &str) -> Option<Map<String, Value>> {
        let mut out = Map::new();
        match_parts(&self.parts, uri, &mut out).then_some(out)
    }
}

/// Matches `parts` against the whole of `uri`, backtracking over where each
/// expression ends.
fn match_parts(parts: &[Part], uri: &str, out: &mut Map<String, Value>) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return uri.is_empty();
    };
    match first {
        Part::Literal(text) => uri
            .strip_prefix(text.as_str())
            .is_some_and(|tail| match_parts(rest, tail, out)),
        Part::Expression { operator, names } => {
            // Shortest first, so that a literal after the expression anchors it.
            let ends = uri
                .char_indices()
                .map(|(i, _)| i)
                .chain([uri.len()])
                .collect::<Vec<_>>();
            for end in ends {
                let (piece, tail) = uri.split_at(end);
                if !allowed(*operator, piece) {
                    break;
                }
                let mut found = Map::new();
                if bind(*operator, names, piece, &mut found) {
                    let before = out.len();
                    out.extend(found.clone());
                    if match_parts(rest, tail, out) {
                        return true;
                    }
                    for name in found.keys() {
                        out.remove(name);
                    }
                    debug_assert_eq!(out.len(), before);
                }
            }
            false
        }
    }
}

/// Whether an expansion of `operator` can contain all of `piece`.
fn allowed(operator: Option<char>, piece: &str) -> bool {
    match operator {
        None => !piece.contains(['/', '?', '#', '&']),
        Some('+' | '#') => true,
        Some('.') => !piece.contains(['/', '?', '#']),
        Some('/') => !piece.contains(['?', '#']),
        Some(';' | '?' | '&') => !piece.contains(['#', '/']),
        Some(_) => false,
    }
}

/// Reads the variables of one expression out of its expansion `piece`.
fn bind(
    operator: Option<char>,
    names: &[String],
    piece: &str,
    out: &mut Map<String, Value>,
) -> bool {
    let (prefix, separator) = match operator {
        None | Some('+') => ("", ','),
        Some('#') => ("#", ','),
        Some('.') => (".", '.'),
        Some('/') => ("/", '/'),
        Some(';') => (";", ';'),
        Some('?') => ("?", '&'),
        Some('&') => ("&", '&'),
        Some(_) => return false,
    };
    if piece.is_empty() {
        // An operator with a prefix expands an undefined variable to nothing;
        // a bare or reserved one is a required piece of the URI here.
        return !prefix.is_empty();
    }
    let Some(body) = piece.strip_prefix(prefix) else {
        return false;
    };
    let named = matches!(operator, Some(';' | '?' | '&'));
    let values: Vec<&str> = body.split(separator).collect();
    if named {
        for pair in values {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !names.iter().any(|n| n == key) || out.contains_key(key) {
                return false;
            }
            out.insert(key.to_owned(), decode(value).into());
        }
        return true;
    }
    if values.len() > names.len() || values.iter().any(|v| v.is_empty()) {
        return false;
    }
    for (name, value) in names.iter().zip(values) {
        out.insert(name.clone(), decode(value).into());
    }
    true
}

/// Percent-decodes `text`; malformed escapes stay as written.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(template: &str, uri: &str) -> Option<Map<String, Value>> {
        UriTemplate::parse(template).unwrap().match_uri(uri)
    }

    #[test]
    fn simple_variables_stop_at_slashes() {
        let found = vars("test://template/{id}/data", "test://template/123/data").unwrap();
        assert_eq!(found["id"], "123");
        assert!(vars("test://template/{id}/data", "test://template/1/2/data").is_none());
        assert!(vars("test://template/{id}/data", "test://template//data").is_none());
        assert!(vars("test://template/{id}/data", "test://other/1/data").is_none());
    }

    #[test]
    fn reserved_expansion_spans_slashes_and_values_are_decoded() {
        let found = vars("file:///{+path}", "file:///a/b%20c.txt").unwrap();
        assert_eq!(found["path"], "a/b c.txt");
    }

    #[test]
    fn query_and_path_segments() {
        let found = vars("api://{/a,b}{?x,y}", "api:///one/two?y=2&x=1").unwrap();
        assert_eq!(
            (found["a"].as_str(), found["b"].as_str()),
            (Some("one"), Some("two"))
        );
        assert_eq!(
            (found["x"].as_str(), found["y"].as_str()),
            (Some("1"), Some("2"))
        );
        let partial = vars("api://items{?page}", "api://items").unwrap();
        assert!(partial.is_empty());
        assert!(vars("api://items{?page}", "api://items?other=1").is_none());
    }

    #[test]
    fn malformed_templates_are_refused_with_the_reason() {
        let open = UriTemplate::parse("a://{id").unwrap_err().to_string();
        assert!(open.contains("never closed"), "{open}");
        let explode = UriTemplate::parse("a://{list*}").unwrap_err().to_string();
        assert!(explode.contains("not supported"), "{explode}");
        assert!(UriTemplate::parse("a://x}").is_err());
    }
}
