//! Patch semantics for `update_*` tools.
//!
//! An update argument is an `Option<T>`: omitted or `null` keeps the stored value,
//! a value replaces it, and a list replaces the whole stored list (no merging).
//! A value equal to the stored one changes nothing, so that an update repeated
//! with the same arguments reports no change (and logs no activity) the second
//! time.

/// Applies one optional update argument to a stored field.
///
/// ```
/// use mcp_tools::ApplyPatch;
///
/// let mut title = String::from("CEO");
/// let mut tags = vec!["a".to_string(), "b".to_string()];
///
/// assert!(!None::<String>.apply_to(&mut title));
/// assert_eq!(title, "CEO");
///
/// assert!(Some(vec!["c".to_string()]).apply_to(&mut tags));
/// assert_eq!(tags, ["c"]);
///
/// // The same value again is not a change.
/// assert!(!Some(vec!["c".to_string()]).apply_to(&mut tags));
/// ```
pub trait ApplyPatch<T> {
    /// Writes the new value into `target` if there is one and it differs;
    /// returns whether `target` changed.
    fn apply_to(self, target: &mut T) -> bool;
}

impl<T: PartialEq> ApplyPatch<T> for Option<T> {
    fn apply_to(self, target: &mut T) -> bool {
        match self {
            Some(value) if value != *target => {
                *target = value;
                true
            }
            _ => false,
        }
    }
}

impl<T: PartialEq> ApplyPatch<Option<T>> for Option<T> {
    fn apply_to(self, target: &mut Option<T>) -> bool {
        match self {
            Some(value) if target.as_ref() != Some(&value) => {
                *target = Some(value);
                true
            }
            _ => false,
        }
    }
}
