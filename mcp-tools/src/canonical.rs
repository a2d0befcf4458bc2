//! Canonical JSON digests: the same arguments always hash the same, whatever
//! the order of their keys.
//!
//! The canonical form is compact JSON with every object's keys sorted by their
//! UTF-8 bytes, strings escaped the way `serde_json` writes them and numbers in
//! `serde_json`'s shortest form. It is hashed with SHA-256 as it is written, so
//! no canonical copy of the value is ever built.

use std::io;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The SHA-256 of `value`'s canonical JSON.
pub(crate) fn digest(value: &Value) -> [u8; 32] {
    let mut hasher = Sha256::new();
    write(&mut hasher, value);
    hasher.finalize().into()
}

fn write(hasher: &mut Sha256, value: &Value) {
    match value {
        Value::Null => hasher.update(b"null"),
        Value::Bool(true) => hasher.update(b"true"),
        Value::Bool(false) => hasher.update(b"false"),
        Value::Number(n) => hasher.update(n.to_string().as_bytes()),
        Value::String(s) => write_string(hasher, s),
        Value::Array(items) => {
            hasher.update(b"[");
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    hasher.update(b",");
                }
                write(hasher, item);
            }
            hasher.update(b"]");
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            hasher.update(b"{");
            for (n, (key, item)) in entries.into_iter().enumerate() {
                if n > 0 {
                    hasher.update(b",");
                }
                write_string(hasher, key);
                hasher.update(b":");
                write(hasher, item);
            }
            hasher.update(b"}");
        }
    }
}

fn write_string(hasher: &mut Sha256, s: &str) {
    struct Feed<'a>(&'a mut Sha256);
    impl io::Write for Feed<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    // Writing a string into a sink that never fails cannot fail.
    let _ = serde_json::to_writer(Feed(hasher), s);
}

/// Lowercase hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_matter() {
        let a = json!({"b": 1, "a": {"y": [1, "x"], "x": null}});
        let b = json!({"a": {"x": null, "y": [1, "x"]}, "b": 1});
        assert_eq!(digest(&a), digest(&b));
    }

    #[test]
    fn values_matter() {
        assert_ne!(digest(&json!({"a": 1})), digest(&json!({"a": 2})));
        assert_ne!(digest(&json!({"a": "1"})), digest(&json!({"a": 1})));
        assert_ne!(digest(&json!(["a", "b"])), digest(&json!(["b", "a"])));
    }

    #[test]
    fn digest_is_sha256_of_the_canonical_text() {
        let value = json!({"z": "é\"", "a": [true, false, null, 1.5]});
        let canonical = r#"{"a":[true,false,null,1.5],"z":"é\""}"#;
        assert_eq!(
            digest(&value),
            <[u8; 32]>::from(Sha256::digest(canonical.as_bytes()))
        );
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
    }
}
