//! The YAML frontmatter of a `SKILL.md`: found between `---` lines at the top
//! of the file and rendered as a JSON object, as `skills/list` publishes it.

use serde_json::{Map, Number, Value};
use yaml_rust2::{Yaml, YamlLoader};

/// How deep a frontmatter value may nest; deeper is refused, not recursed into.
const MAX_DEPTH: usize = 64;

/// The YAML between the opening and closing `---` lines, if the text starts
/// with one (after an optional byte-order mark).
fn block(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    // An empty block: the closing line follows at once.
    if rest.starts_with("---") && closes(&rest[3..]) {
        return Some("");
    }
    let mut start = 0;
    while let Some(newline) = rest[start..].find('\n') {
        let line_end = start + newline;
        let after = &rest[line_end + 1..];
        if let Some(tail) = after.strip_prefix("---")
            && closes(tail)
        {
            return Some(
                rest[..line_end]
                    .strip_suffix('\r')
                    .unwrap_or(&rest[..line_end]),
            );
        }
        start = line_end + 1;
    }
    None
}

/// Whether what follows `---` ends the line: spaces or tabs, then a line
/// break or the end of the text.
fn closes(tail: &str) -> bool {
    let tail = tail.trim_start_matches([' ', '\t']);
    tail.is_empty() || tail.starts_with('\n') || tail.starts_with("\r\n")
}

/// Parses the frontmatter of `text` into a JSON object; the error says what is
/// wrong, for a build error.
pub(crate) fn parse(text: &str) -> Result<Map<String, Value>, String> {
    let yaml = block(text).ok_or(
        "SKILL.md does not begin with YAML frontmatter: a line \"---\", the fields (name: …, description: …), and a closing \"---\" line",
    )?;
    let documents = YamlLoader::load_from_str(yaml)
        .map_err(|e| format!("the SKILL.md frontmatter is not valid YAML: {e}"))?;
    match documents.into_iter().next() {
        None | Some(Yaml::Null) => Ok(Map::new()),
        Some(Yaml::Hash(hash)) => match to_json(&Yaml::Hash(hash), 0)? {
            Value::Object(map) => Ok(map),
            _ => Err("the SKILL.md frontmatter is not a mapping of fields".into()),
        },
        Some(_) => Err(
            "the SKILL.md frontmatter is not a mapping of fields (name: …, description: …)".into(),
        ),
    }
}

fn to_json(yaml: &Yaml, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "the SKILL.md frontmatter nests deeper than {MAX_DEPTH} levels"
        ));
    }
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::Real(text) => {
            let number = yaml.as_f64().and_then(Number::from_f64).ok_or_else(|| {
                format!("the SKILL.md frontmatter holds the number {text}, which JSON cannot carry")
            })?;
            Value::Number(number)
        }
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| to_json(item, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Hash(hash) => {
            let mut map = Map::new();
            for (key, value) in hash {
                let key = match key {
                    Yaml::String(s) | Yaml::Real(s) => s.clone(),
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Boolean(b) => b.to_string(),
                    Yaml::Null => "null".to_owned(),
                    _ => {
                        return Err(
                            "the SKILL.md frontmatter has a key that is not a plain scalar".into(),
                        );
                    }
                };
                map.insert(key, to_json(value, depth + 1)?);
            }
            Value::Object(map)
        }
        Yaml::Alias(_) | Yaml::BadValue => {
            return Err(
                "the SKILL.md frontmatter holds an alias or a value YAML cannot resolve".into(),
            );
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn flat_and_nested_fields_become_json() {
        let text = "---\nname: pdf-tools\ndescription: >\n  Fills PDF forms.\nlicense: MIT\nmetadata:\n  author: ops\n  version: \"1.2\"\nallowed-tools: Bash Read\n---\n# Body\n";
        assert_eq!(
            Value::Object(parse(text).unwrap()),
            json!({
                "name": "pdf-tools",
                "description": "Fills PDF forms.\n",
                "license": "MIT",
                "metadata": {"author": "ops", "version": "1.2"},
                "allowed-tools": "Bash Read",
            })
        );
    }

    #[test]
    fn crlf_bom_and_a_closing_line_at_the_end_are_accepted() {
        let text = "\u{feff}---\r\nname: a\r\ndescription: b\r\n---";
        assert_eq!(parse(text).unwrap()["name"], "a");
        assert_eq!(parse("---\n---\n").unwrap(), Map::new());
    }

    #[test]
    fn a_missing_or_unclosed_block_is_refused() {
        assert!(parse("# no frontmatter").unwrap_err().contains("---"));
        assert!(parse("---\nname: a\n").is_err());
        assert!(
            parse("---\n- a\n- b\n---\n")
                .unwrap_err()
                .contains("mapping")
        );
        assert!(parse("---\nname: [a\n---\n").unwrap_err().contains("YAML"));
    }

    #[test]
    fn numbers_and_booleans_keep_their_types() {
        let map = parse("---\nn: 3\nx: 1.5\nb: true\nz: ~\n---\n").unwrap();
        assert_eq!(
            Value::Object(map),
            json!({"n": 3, "x": 1.5, "b": true, "z": null})
        );
        assert!(parse("---\nx: .inf\n---\n").unwrap_err().contains("JSON"));
    }
}
