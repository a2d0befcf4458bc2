//! The one signing primitive of the crate: canonical JSON digests and
//! HMAC-SHA256 sealed tokens. Confirmation tokens and 2026-07-28 request state
//! are both built on it.
//!
//! A digest hashes a value's canonical JSON, so the same arguments always hash
//! the same whatever the order of their keys. The canonical form is compact JSON with every object's keys sorted by their
//! UTF-8 bytes, strings escaped the way `serde_json` writes them and numbers in
//! `serde_json`'s shortest form. It is hashed with SHA-256 as it is written, so
//! no canonical copy of the value is ever built.

use std::io;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The length of a seal's MAC.
pub(crate) const MAC_LEN: usize = 32;

/// A secret that seals payloads: HMAC-SHA256 with a domain-separation context,
/// so that a seal made for one purpose never verifies for another.
#[derive(Clone)]
pub(crate) struct SigningKey {
    mac: Hmac<Sha256>,
    context: &'static [u8],
}

impl SigningKey {
    /// A key over `secret` for seals of one kind, named by `context`.
    pub(crate) fn new(secret: &[u8], context: &'static [u8]) -> Self {
        // HMAC takes keys of any length, so this cannot fail.
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        Self { mac, context }
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(self.context);
        mac.update(payload);
        mac
    }

    /// `base64url(payload) "." base64url(mac)`, appended to `out`.
    pub(crate) fn seal_into(&self, payload: &[u8], out: &mut String) {
        let mac = self.mac(payload).finalize().into_bytes();
        URL_SAFE_NO_PAD.encode_string(payload, out);
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(mac, out);
    }

    /// A sealed payload: see [`seal_into`](Self::seal_into).
    pub(crate) fn seal(&self, payload: &[u8]) -> String {
        let mut out = String::with_capacity((payload.len() + MAC_LEN) * 4 / 3 + 4);
        self.seal_into(payload, &mut out);
        out
    }

    /// The payload of a seal this key made, checked in constant time; `None`
    /// for anything malformed, altered or sealed with another key or context.
    pub(crate) fn open(&self, sealed: &str) -> Option<Vec<u8>> {
        let (payload, mac) = sealed.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let mac = URL_SAFE_NO_PAD.decode(mac).ok()?;
        self.mac(&payload).verify_slice(&mac).ok()?;
        Some(payload)
    }
}

/// The SHA-256 of `value`'s canonical JSON.
pub(crate) fn digest(value: &Value) -> [u8; 32] {
    let mut hasher = Sha256::new();
    write(&mut hasher, value);
    hasher.finalize().into()
}

/// `value`'s canonical JSON: the bytes [`digest`] hashes, for a digest that
/// may never be needed (hashing them later gives the same digest).
pub(crate) fn canonical(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    write(&mut out, value);
    out
}

/// The digest of canonical JSON kept by [`canonical`]: [`digest`] of the
/// value it was made from.
pub(crate) fn digest_of_canonical(canonical: &[u8]) -> [u8; 32] {
    Sha256::digest(canonical).into()
}

/// Where canonical JSON goes: a hash, or a buffer.
trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Sha256 {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

fn write(hasher: &mut impl Sink, value: &Value) {
    match value {
        Value::Null => hasher.put(b"null"),
        Value::Bool(true) => hasher.put(b"true"),
        Value::Bool(false) => hasher.put(b"false"),
        Value::Number(n) => hasher.put(n.to_string().as_bytes()),
        Value::String(s) => write_string(hasher, s),
        Value::Array(items) => {
            hasher.put(b"[");
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    hasher.put(b",");
                }
                write(hasher, item);
            }
            hasher.put(b"]");
        }
        Value::Object(map) => {
            // Members in the order of their keys' bytes. A small object (the
            // arguments of most calls) is sorted in place, without a `Vec`.
            let mut small = [None; SMALL_OBJECT];
            if map.len() <= SMALL_OBJECT {
                for (slot, entry) in small.iter_mut().zip(map.iter()) {
                    *slot = Some(entry);
                }
                let entries = &mut small[..map.len()];
                entries.sort_unstable_by(|a, b| key_bytes(*a).cmp(&key_bytes(*b)));
                write_members(hasher, entries.iter().flatten().copied());
            } else {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                write_members(hasher, entries.into_iter());
            }
        }
    }
}

/// The most members an object may have to be sorted without allocating.
const SMALL_OBJECT: usize = 8;

fn key_bytes<'a>(entry: Option<(&'a String, &Value)>) -> Option<&'a [u8]> {
    entry.map(|(key, _)| key.as_bytes())
}

/// `{"key":value,…}` of members already in order.
fn write_members<'a>(
    hasher: &mut impl Sink,
    members: impl Iterator<Item = (&'a String, &'a Value)>,
) {
    hasher.put(b"{");
    for (n, (key, item)) in members.enumerate() {
        if n > 0 {
            hasher.put(b",");
        }
        write_string(hasher, key);
        hasher.put(b":");
        write(hasher, item);
    }
    hasher.put(b"}");
}

fn write_string(hasher: &mut impl Sink, s: &str) {
    struct Feed<'a, S>(&'a mut S);
    impl<S: Sink> io::Write for Feed<'_, S> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.put(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    // Writing a string into a sink that never fails cannot fail.
    let _ = serde_json::to_writer(Feed(hasher), s);
}

/// A 16-byte SHA-256 tag over length-prefixed parts: binds a seal to values
/// without carrying them.
pub(crate) fn tag(parts: &[&[u8]]) -> [u8; 16] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    let full: [u8; 32] = hasher.finalize().into();
    let mut out = [0; 16];
    out.copy_from_slice(&full[..16]);
    out
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
    fn objects_of_any_size_are_written_in_key_order() {
        // Up to eight members are sorted in place, more in a `Vec`: both in
        // the order of their keys' bytes.
        for size in [0, 1, 2, 8, 9, 20] {
            let mut object = serde_json::Map::new();
            for n in (0..size).rev() {
                object.insert(format!("k{n:02}"), json!(n));
            }
            let expected: Vec<String> = (0..size).map(|n| format!("\"k{n:02}\":{n}")).collect();
            let expected = format!("{{{}}}", expected.join(","));
            assert_eq!(
                String::from_utf8(canonical(&Value::Object(object))).unwrap(),
                expected
            );
        }
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
    }

    #[test]
    fn digests_ignore_key_order() {
        assert_eq!(
            digest(&json!({"b": 1, "a": [1, {"y": 2, "x": 1}]})),
            digest(&json!({"a": [1, {"x": 1, "y": 2}], "b": 1}))
        );
        assert_ne!(digest(&json!({"a": 1})), digest(&json!({"a": "1"})));
    }

    #[test]
    fn seals_open_only_with_their_key_and_context() {
        let key = SigningKey::new(b"secret", b"one\0");
        let sealed = key.seal(b"payload");
        assert_eq!(key.open(&sealed).as_deref(), Some(&b"payload"[..]));
        assert!(SigningKey::new(b"secret", b"two\0").open(&sealed).is_none());
        assert!(SigningKey::new(b"other", b"one\0").open(&sealed).is_none());
        let mut altered = sealed.clone();
        altered.replace_range(0..1, if sealed.starts_with('A') { "B" } else { "A" });
        assert!(key.open(&altered).is_none());
        for bad in ["", ".", "abc", "!!.??", "cGF5bG9hZA."] {
            assert!(key.open(bad).is_none(), "{bad:?}");
        }
    }
}
