//! Scopes: parsing the `scope` parameter and deciding what is granted.

/// The longest scope list accepted, in scopes.
const MAX_SCOPES: usize = 64;

/// The scopes of a `scope` parameter (space-separated, RFC 6749 section 3.3),
/// each at most once.
pub(crate) fn parse(scope: &str) -> Result<Vec<String>, String> {
    let mut scopes: Vec<String> = Vec::new();
    for token in scope.split(' ').filter(|t| !t.is_empty()) {
        // scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
        let valid = token
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b));
        if !valid {
            return Err(format!(
                "the scope `{}` has characters a scope may not have",
                crate::client::shorten(token)
            ));
        }
        if scopes.len() == MAX_SCOPES {
            return Err(format!("more than {MAX_SCOPES} scopes were asked for"));
        }
        if !scopes.iter().any(|s| s == token) {
            scopes.push(token.to_owned());
        }
    }
    Ok(scopes)
}

/// What a person grants: of the scopes the user may grant, those the client
/// asked for, or all of them when it asked for none. Kept in the user's order.
pub(crate) fn grant(requested: Option<&[String]>, grantable: &[String]) -> Vec<String> {
    grantable
        .iter()
        .filter(|s| requested.is_none_or(|r| r.contains(s)))
        .cloned()
        .collect()
}

/// The scopes joined for the wire.
pub(crate) fn join(scopes: &[String]) -> String {
    scopes.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_space_separated_tokens() {
        assert_eq!(parse("a  b a").unwrap(), strings(&["a", "b"]));
        assert_eq!(parse("").unwrap(), Vec::<String>::new());
        assert!(parse("a\"b").is_err());
        assert!(parse("caf\u{e9}").is_err());
        let many: String = (0..65).map(|i| format!("s{i} ")).collect();
        assert!(parse(&many).is_err());
    }

    #[test]
    fn grants_the_intersection() {
        let user = strings(&["read", "write"]);
        assert_eq!(
            grant(Some(&strings(&["write", "admin"])), &user),
            strings(&["write"])
        );
        assert_eq!(grant(None, &user), user);
        assert!(grant(Some(&strings(&["admin"])), &user).is_empty());
    }
}
