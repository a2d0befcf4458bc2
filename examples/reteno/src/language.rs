//! Language codes of contacts and message translations.

use mcp_tools::{ToolError, ToolResult};

/// Normalises a language code to `ll` or `ll-RR` (`pt_br` → `pt-BR`).
pub(crate) fn normalise(code: &str) -> ToolResult<String> {
    let code = code.trim().replace('_', "-");
    let (lang, region) = match code.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (code.as_str(), None),
    };
    let lang_ok = lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_alphabetic());
    let region_ok =
        region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()));
    if !lang_ok || !region_ok {
        return Err(ToolError::invalid_parameter(format!(
            "language code {code:?} is not valid; use two letters such as en or de, \
             optionally with a region such as pt-BR"
        )));
    }
    Ok(match region {
        Some(r) => format!("{}-{}", lang.to_lowercase(), r.to_uppercase()),
        None => lang.to_lowercase(),
    })
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn codes_are_normalised_or_refused() {
        assert_eq!(normalise("DE").ok().as_deref(), Some("de"));
        assert_eq!(normalise("pt_br").ok().as_deref(), Some("pt-BR"));
        assert!(normalise("english").is_err());
        assert!(normalise("e1").is_err());
    }
}
