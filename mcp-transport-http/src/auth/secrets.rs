//! Static secrets (API keys, Basic credentials) and what each one names,
//! found from a presented secret in constant time.

use std::hash::{BuildHasher, Hasher, RandomState};

use subtle::ConstantTimeEq;

/// Secrets kept as keyed tags, each with the value it stands for.
///
/// A secret is never kept: only its tag, 128 bits of SipHash under a key
/// drawn at random for this set (two hashes of the secret, each followed by
/// a byte of its own). The tag exists to make every comparison one of fixed
/// length: a presented secret is tagged the same way and compared with every
/// entry's tag in constant time, so that how long a refusal takes depends
/// neither on how much of a secret was guessed right nor on any secret's
/// length. The key never leaves the process and no tag is ever shown, so
/// nobody can look for a secret with a given tag offline, and a wrong secret
/// matches a tag only by a chance of 2⁻¹²⁸. This costs a few hundred
/// instructions per request; a SHA-256 of the secret, which it replaces,
/// cost ten times as many without SHA instructions in the CPU.
#[derive(Clone)]
pub(super) struct Secrets<T> {
    key: RandomState,
    entries: Vec<(Tag, T)>,
}

impl<T> Default for Secrets<T> {
    fn default() -> Self {
        Self {
            key: RandomState::new(),
            entries: Vec::new(),
        }
    }
}

/// The two 64-bit halves of a tag.
type Tag = [u64; 2];

impl<T> Secrets<T> {
    /// How many secrets there are.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Adds `secret`, standing for `value`.
    pub(super) fn insert(&mut self, secret: &[u8], value: T) {
        let tag = self.tag(secret);
        self.entries.push((tag, value));
    }

    /// What `presented` stands for, comparing it with every entry.
    pub(super) fn find(&self, presented: &[u8]) -> Option<&T> {
        let presented = self.tag(presented);
        let mut found = None;
        for (tag, value) in &self.entries {
            // Both halves compared whole, as numbers, in constant time.
            if bool::from(tag[0].ct_eq(&presented[0]) & tag[1].ct_eq(&presented[1])) {
                found = Some(value);
            }
        }
        found
    }

    fn tag(&self, secret: &[u8]) -> Tag {
        // The secret is absorbed once; the two halves are the hashes of it
        // followed by a byte of their own, two hashes of different inputs.
        let mut first = self.key.build_hasher();
        first.write(secret);
        let mut second = first.clone();
        first.write_u8(0);
        second.write_u8(1);
        [first.finish(), second.finish()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly_the_secret_given() {
        let mut secrets = Secrets::default();
        secrets.insert(b"k-live-123", "bot");
        secrets.insert(b"k-live-1234", "other");
        secrets.insert(b"", "empty");
        assert_eq!(secrets.find(b"k-live-123"), Some(&"bot"));
        assert_eq!(secrets.find(b"k-live-1234"), Some(&"other"));
        assert_eq!(secrets.find(b""), Some(&"empty"));
        for wrong in [
            &b"k-live-12"[..],
            b"k-live-124",
            b"K-LIVE-123",
            b"k-live-123 ",
        ] {
            assert_eq!(secrets.find(wrong), None, "{wrong:?}");
        }
        assert_eq!(secrets.len(), 3);
    }

    #[test]
    fn a_clone_finds_the_same_secrets() {
        let mut secrets = Secrets::default();
        secrets.insert(b"s3cret", 1);
        let copy = secrets.clone();
        assert_eq!(copy.find(b"s3cret"), Some(&1));
        // Another set tags under another key.
        let mut other = Secrets::default();
        other.insert(b"s3cret", 1);
        assert_ne!(secrets.tag(b"s3cret"), other.tag(b"s3cret"));
    }
}
