//! Doc comments turned into descriptions.

use syn::{Attribute, Expr, ExprLit, Lit, Meta};

use crate::ctxt::Ctxt;

/// The text of the `///` lines among `attrs`, one entry per line.
fn doc_lines(cx: &Ctxt, attrs: &[Attribute]) -> Vec<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        let Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        if !nv.path.is_ident("doc") {
            continue;
        }
        match &nv.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(text),
                ..
            }) => lines.extend(text.value().split('\n').map(str::to_owned)),
            other => cx.error_spanned_by(
                other,
                "#[tool] reads descriptions from literal doc comments; write the text as `///` lines",
            ),
        }
    }
    lines
}

/// Joins doc comment lines the way a reader expects: lines of one paragraph
/// become one line, blank lines separate paragraphs, and list items, headings,
/// tables and code blocks keep their own lines.
pub(crate) fn description(cx: &Ctxt, attrs: &[Attribute]) -> String {
    let lines = doc_lines(cx, attrs);
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    let mut in_code = false;
    let mut paragraph_open = false;
    for line in &lines {
        let line = line.get(indent..).unwrap_or(line.trim_start()).trim_end();
        let starts_fence = line.trim_start().starts_with("```");
        if in_code || starts_fence {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
            if starts_fence {
                in_code = !in_code;
            }
            paragraph_open = false;
            continue;
        }
        if line.trim().is_empty() {
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push_str("\n\n");
            }
            paragraph_open = false;
            continue;
        }
        if paragraph_open && !starts_own_line(line) {
            out.push(' ');
        } else if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(line.trim_start());
        paragraph_open = true;
    }
    out.trim().to_owned()
}

fn starts_own_line(line: &str) -> bool {
    let line = line.trim_start();
    let numbered = line
        .split_once(". ")
        .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    numbered
        || ["- ", "* ", "+ ", "#", "|", ">"]
            .iter()
            .any(|p| line.starts_with(p))
}

/// Whether `attr` is a doc comment.
pub(crate) fn is_doc(attr: &Attribute) -> bool {
    attr.path().is_ident("doc")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(lines: &[&str]) -> String {
        let attrs: Vec<Attribute> = lines
            .iter()
            .map(|l| syn::parse_quote!(#[doc = #l]))
            .collect();
        let cx = Ctxt::default();
        let text = description(&cx, &attrs);
        assert!(cx.check().is_ok());
        text
    }

    #[test]
    fn paragraph_lines_are_joined() {
        assert_eq!(
            describe(&[" Look up contacts", " by email.", "", " Second paragraph."]),
            "Look up contacts by email.\n\nSecond paragraph."
        );
    }

    #[test]
    fn list_items_keep_their_lines() {
        assert_eq!(
            describe(&[" Modes:", " - fast", " - slow", "   and careful"]),
            "Modes:\n- fast\n- slow and careful"
        );
    }

    #[test]
    fn code_blocks_are_verbatim() {
        assert_eq!(
            describe(&[" Example:", " ```", " a", "   b", " ```", " done"]),
            "Example:\n```\na\n  b\n```\ndone"
        );
    }

    #[test]
    fn empty_docs_are_empty() {
        assert_eq!(describe(&[" ", ""]), "");
    }
}
