//! The build-time checks of a skill: its name, its file paths and its
//! `SKILL.md` frontmatter.

use serde_json::{Map, Value};

use super::{MAX_SKILL_DESCRIPTION_LEN, MAX_SKILL_NAME_LEN, SKILL_FILE};
use crate::error::{BuildError, BuildErrorKind};

/// Frontmatter `metadata` keys with this prefix are reserved for MCP extensions.
const RESERVED_METADATA_PREFIX: &str = "io.modelcontextprotocol/";

/// A build error of the [`InvalidSkill`](BuildErrorKind::InvalidSkill) kind.
pub(super) fn invalid(message: String) -> BuildError {
    BuildError::new(BuildErrorKind::InvalidSkill, message)
}

/// Checks the Agent Skills naming rules: 1 to 64 characters, lowercase ASCII
/// letters, digits and hyphens, no hyphen first, last or twice in a row.
pub(super) fn check_name(name: &str) -> Result<(), BuildError> {
    let valid = !name.is_empty()
        && name.len() <= MAX_SKILL_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    if valid {
        Ok(())
    } else {
        Err(BuildError::new(
            BuildErrorKind::InvalidName,
            format!(
                "skill name {name:?} is invalid: use 1 to {MAX_SKILL_NAME_LEN} lowercase letters, digits and hyphens, with no hyphen first, last or twice in a row (like \"pdf-tools\")"
            ),
        ))
    }
}

/// A file path inside a skill: relative, `/`-separated, no empty, `.` or `..`
/// segments.
pub(super) fn check_path(name: &str, path: &str) -> Result<(), BuildError> {
    let bad = path.is_empty()
        || path.contains('\\')
        || path.contains('\0')
        || path
            .split('/')
            .any(|segment| segment.is_empty() || segment == "." || segment == "..");
    if bad {
        return Err(invalid(format!(
            "skill {name:?}: the file path {path:?} is invalid; use a relative path with '/' between names and no empty, \".\" or \"..\" parts, like \"scripts/fill.py\""
        )));
    }
    Ok(())
}

pub(super) fn check_frontmatter(
    name: &str,
    frontmatter: &Map<String, Value>,
) -> Result<(), BuildError> {
    let field = |key: &str| frontmatter.get(key).and_then(Value::as_str).unwrap_or("");
    let declared = field("name");
    if declared.is_empty() {
        return Err(invalid(format!(
            "skill {name:?}: the {SKILL_FILE} frontmatter has no name; add name: {name}"
        )));
    }
    if declared != name {
        return Err(invalid(format!(
            "skill {name:?}: the {SKILL_FILE} frontmatter says name: {declared}, but the skill's name (its directory, the last segment of its URI) is {name:?}; make them equal"
        )));
    }
    let description = field("description");
    if description.trim().is_empty() {
        return Err(invalid(format!(
            "skill {name:?}: the {SKILL_FILE} frontmatter has no description; add one saying what the skill does and when to use it"
        )));
    }
    let length = description.chars().count();
    if length > MAX_SKILL_DESCRIPTION_LEN {
        return Err(invalid(format!(
            "skill {name:?}: the description has {length} characters; at most {MAX_SKILL_DESCRIPTION_LEN} are allowed"
        )));
    }
    if let Some(Value::Object(metadata)) = frontmatter.get("metadata")
        && let Some(key) = metadata
            .keys()
            .find(|k| k.starts_with(RESERVED_METADATA_PREFIX))
    {
        return Err(invalid(format!(
            "skill {name:?}: the metadata key {key:?} uses the prefix {RESERVED_METADATA_PREFIX}, which is reserved for MCP extensions; rename it"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_agent_skills_rules() {
        for good in ["a", "pdf-tools", "x1-2", &"a".repeat(64)] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "-a", "a-", "a--b", "Pdf", "a_b", "a.b", &"a".repeat(65)] {
            let err = check_name(bad).unwrap_err();
            assert_eq!(err.kind(), BuildErrorKind::InvalidName, "{bad}");
        }
    }
}
