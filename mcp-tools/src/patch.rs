//! Patch semantics for `update_*` tools.
//!
//! An update argument is an `Option<T>`: omitted or `null` keeps the stored value,
//! a value replaces it, and a list replaces the whole stored list (no merging).

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
/// ```
pub trait ApplyPatch<T> {
    /// Writes the new value into `target` if there is one; returns whether it did.
    fn apply_to(self, target: &mut T) -> bool;
}

impl<T> ApplyPatch<T> for Option<T> {
    fn apply_to(self, target: &mut T) -> bool {
        match self {
            Some(value) => {
                *target = value;
                true
            }
            None => false,
        }
    }
}

impl<T> ApplyPatch<Option<T>> for Option<T> {
    fn apply_to(self, target: &mut Option<T>) -> bool {
        match self {
            Some(value) => {
                *target = Some(value);
                true
            }
            None => false,
        }
    }
}
