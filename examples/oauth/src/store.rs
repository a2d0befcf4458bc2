//! A bounded map whose entries expire: what keeps clients, pending sign-ins,
//! codes and refresh tokens in memory without letting them grow without end.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// How often expired entries are swept even when the map is not full.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Lifetimes are capped here so that adding one to the clock cannot overflow.
const LONGEST: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

#[derive(Debug)]
struct Entry<V> {
    value: V,
    expires: Instant,
}

/// At most `capacity` live entries. Expired ones are invisible at once and
/// removed by periodic sweeps; when the map is still full, the entry closest
/// to expiry makes room (it had the least life left to lose).
#[derive(Debug)]
pub(crate) struct ExpiringMap<K, V> {
    entries: HashMap<K, Entry<V>>,
    capacity: usize,
    last_sweep: Instant,
}

impl<K: Hash + Eq + Clone, V> ExpiringMap<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: HashMap::new(),
            capacity: capacity.max(1),
            last_sweep: Instant::now(),
        }
    }

    /// Stores `value` under `key` for `ttl`, replacing any entry of that key.
    pub(crate) fn insert(&mut self, key: K, value: V, ttl: Duration) {
        let now = Instant::now();
        if now.duration_since(self.last_sweep) >= SWEEP_EVERY || self.entries.len() >= self.capacity
        {
            self.sweep(now);
        }
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            let soonest = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.expires)
                .map(|(k, _)| k.clone());
            if let Some(soonest) = soonest {
                self.entries.remove(&soonest);
            }
        }
        let expires = now.checked_add(ttl.min(LONGEST)).unwrap_or(now);
        self.entries.insert(key, Entry { value, expires });
    }

    /// The live value of `key`.
    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.entries
            .get(key)
            .filter(|e| e.expires > Instant::now())
            .map(|e| &e.value)
    }

    /// The live value of `key`, to change in place.
    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.entries
            .get_mut(key)
            .filter(|e| e.expires > Instant::now())
            .map(|e| &mut e.value)
    }

    /// Takes the live value of `key` out.
    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        self.entries
            .remove(key)
            .filter(|e| e.expires > Instant::now())
            .map(|e| e.value)
    }

    /// Keeps only the entries for which `keep` holds.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&V) -> bool) {
        self.entries.retain(|_, e| keep(&e.value));
    }

    /// How many entries are held, expired ones not yet swept included.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    fn sweep(&mut self, now: Instant) {
        self.entries.retain(|_, e| e.expires > now);
        self.last_sweep = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_expiring() {
        let mut map = ExpiringMap::new(2);
        map.insert("a", 1, Duration::from_secs(10));
        map.insert("b", 2, Duration::from_secs(20));
        map.insert("c", 3, Duration::from_secs(30));
        assert_eq!(map.len(), 2);
        assert_eq!(map.get(&"a"), None, "the entry closest to expiry made room");
        assert_eq!(map.get(&"c"), Some(&3));
        map.insert("d", 4, Duration::ZERO);
        assert_eq!(map.get(&"d"), None, "expired entries are invisible");
        assert_eq!(map.remove(&"d"), None);
        *map.get_mut(&"c").unwrap() = 5;
        assert_eq!(map.remove(&"c"), Some(5));
        assert_eq!(map.remove(&"c"), None);
    }

    #[test]
    fn expired_entries_make_room_first() {
        let mut map = ExpiringMap::new(2);
        map.insert("old", 1, Duration::ZERO);
        map.insert("keep", 2, Duration::from_secs(5));
        map.insert("new", 3, Duration::from_secs(60));
        assert_eq!(map.get(&"keep"), Some(&2));
        assert_eq!(map.get(&"new"), Some(&3));
        map.retain(|v| *v != 2);
        assert_eq!(map.get(&"keep"), None);
    }

    #[test]
    fn huge_lifetimes_do_not_overflow() {
        let mut map = ExpiringMap::new(1);
        map.insert("k", 1, Duration::MAX);
        assert_eq!(map.get(&"k"), Some(&1));
    }
}
