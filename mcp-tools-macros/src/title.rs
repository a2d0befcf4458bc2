//! The title a tool gets when its attribute names none: its fn's name as
//! words, because clients show titles to people and `list_email_accounts` is
//! not for people.

/// Words that are written in capitals (or their own way) in a title.
const SPELLED: &[(&str, &str)] = &[
    ("api", "API"),
    ("b2b", "B2B"),
    ("csv", "CSV"),
    ("html", "HTML"),
    ("id", "ID"),
    ("ids", "IDs"),
    ("json", "JSON"),
    ("linkedin", "LinkedIn"),
    ("mcp", "MCP"),
    ("pii", "PII"),
    ("sms", "SMS"),
    ("url", "URL"),
    ("urls", "URLs"),
];

/// `list_email_accounts` → `List email accounts`; `get_sms_stats` →
/// `Get SMS stats`. A raw identifier's `r#` is already gone.
pub(crate) fn from_fn_name(name: &str) -> String {
    let mut title = String::with_capacity(name.len());
    for (n, word) in name.split('_').filter(|w| !w.is_empty()).enumerate() {
        if n > 0 {
            title.push(' ');
        }
        let lower = word.to_ascii_lowercase();
        match SPELLED.iter().find(|(plain, _)| *plain == lower) {
            Some((_, spelled)) => title.push_str(spelled),
            None if n == 0 => {
                let mut chars = lower.chars();
                if let Some(first) = chars.next() {
                    title.extend(first.to_uppercase());
                    title.push_str(chars.as_str());
                }
            }
            None => title.push_str(&lower),
        }
    }
    title
}

#[cfg(test)]
mod tests {
    use super::from_fn_name;

    #[test]
    fn names_become_sentence_case_titles() {
        assert_eq!(from_fn_name("list_email_accounts"), "List email accounts");
        assert_eq!(from_fn_name("get_sms_stats"), "Get SMS stats");
        assert_eq!(
            from_fn_name("list_linkedin_accounts"),
            "List LinkedIn accounts"
        );
        assert_eq!(from_fn_name("id_of_contact"), "ID of contact");
        assert_eq!(from_fn_name("echo"), "Echo");
        assert_eq!(from_fn_name("_private__name_"), "Private name");
    }
}
