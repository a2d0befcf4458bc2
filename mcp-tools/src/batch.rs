//! Bounded batch arguments and per-item batch outcomes.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{Deserializer, Error as _};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// The most items one batch call may carry.
pub const MAX_BATCH_SIZE: usize = 100;

/// A list argument of 1 to `MAX` items (100 unless stated), refused when longer.
///
/// The bound is published in the schema (`minItems`/`maxItems`) and enforced when
/// the arguments are read, so a caller never gets a silently truncated batch.
///
/// ```
/// use mcp_tools::Batch;
///
/// let ids: Batch<u64> = serde_json::from_str("[1, 2, 3]").unwrap();
/// assert_eq!(ids.len(), 3);
/// let too_many = serde_json::to_string(&(0..101).collect::<Vec<u64>>()).unwrap();
/// assert!(serde_json::from_str::<Batch<u64>>(&too_many).is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Batch<T, const MAX: usize = MAX_BATCH_SIZE>(Vec<T>);

impl<T, const MAX: usize> Batch<T, MAX> {
    /// Wraps a list, refusing an empty one or one longer than `MAX`.
    pub fn new(items: Vec<T>) -> Result<Self, BatchSizeError> {
        if items.is_empty() || items.len() > MAX {
            return Err(BatchSizeError {
                len: items.len(),
                max: MAX,
            });
        }
        Ok(Self(items))
    }

    /// The items, in the caller's order.
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T, const MAX: usize> Deref for Batch<T, MAX> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T, const MAX: usize> IntoIterator for Batch<T, MAX> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T, const MAX: usize> IntoIterator for &'a Batch<T, MAX> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: fmt::Debug, const MAX: usize> fmt::Debug for Batch<T, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A batch argument had no items or more than the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSizeError {
    len: usize,
    max: usize,
}

impl fmt::Display for BatchSizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == 0 {
            write!(f, "a batch needs at least 1 item")
        } else {
            write!(
                f,
                "a batch holds at most {} items, got {}; split it into several calls",
                self.max, self.len
            )
        }
    }
}

impl std::error::Error for BatchSizeError {}

impl<'de, T: Deserialize<'de>, const MAX: usize> Deserialize<'de> for Batch<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<T>::deserialize(deserializer)?;
        Self::new(items).map_err(D::Error::custom)
    }
}

impl<T: Serialize, const MAX: usize> Serialize for Batch<T, MAX> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<T: JsonSchema, const MAX: usize> JsonSchema for Batch<T, MAX> {
    fn schema_name() -> Cow<'static, str> {
        format!("Batch_{}_{}", T::schema_name(), MAX).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "array",
            "items": generator.subschema_for::<T>(),
            "minItems": 1,
            "maxItems": MAX,
        })
    }
}

/// Names the list of affected ids in a [`BatchOutcome`].
///
/// Vendor surfaces name it after what the batch touches (`AffectedContactIds`);
/// implement this on a marker type to choose the name.
///
/// ```
/// use mcp_tools::{BatchLabel, BatchOutcome};
///
/// struct Contacts;
/// impl BatchLabel for Contacts {
///     const AFFECTED_IDS: &'static str = "AffectedContactIds";
/// }
///
/// let mut outcome = BatchOutcome::<u64, Contacts>::new();
/// outcome.affected(7);
/// outcome.not_processed(8, "ContactInBlackList");
/// assert_eq!(
///     serde_json::to_string(&outcome).unwrap(),
///     r#"{"Affected":1,"AffectedContactIds":[7],"NotProcessed":[{"Id":8,"Reason":"ContactInBlackList"}]}"#
/// );
/// ```
pub trait BatchLabel {
    /// The key of the affected-ids list.
    const AFFECTED_IDS: &'static str;
}

/// The default label: `AffectedIds`.
#[derive(Debug, Clone, Copy)]
pub struct Ids;

impl BatchLabel for Ids {
    const AFFECTED_IDS: &'static str = "AffectedIds";
}

/// What a batch call did, item by item: `{"Affected":n,"AffectedIds":[…],"NotProcessed":[…]}`.
///
/// The authoritative record of a partially applied batch: an item counts as done
/// only if its id is in the affected list.
pub struct BatchOutcome<Id, L: BatchLabel = Ids> {
    affected_ids: Vec<Id>,
    not_processed: Vec<NotProcessed<Id>>,
    label: PhantomData<fn() -> L>,
}

/// One batch item that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct NotProcessed<Id> {
    /// The id the caller passed.
    pub id: Id,
    /// A code saying why it was skipped, such as `NotFound`.
    pub reason: String,
}

impl<Id, L: BatchLabel> BatchOutcome<Id, L> {
    /// An outcome with nothing recorded yet.
    pub fn new() -> Self {
        Self {
            affected_ids: Vec::new(),
            not_processed: Vec::new(),
            label: PhantomData,
        }
    }

    /// Records an item the call changed.
    pub fn affected(&mut self, id: Id) {
        self.affected_ids.push(id);
    }

    /// Records an item the call skipped, with a reason code.
    pub fn not_processed(&mut self, id: Id, reason: impl Into<String>) {
        self.not_processed.push(NotProcessed {
            id,
            reason: reason.into(),
        });
    }

    /// The ids the call changed.
    pub fn affected_ids(&self) -> &[Id] {
        &self.affected_ids
    }

    /// The items the call skipped.
    pub fn skipped(&self) -> &[NotProcessed<Id>] {
        &self.not_processed
    }
}

impl<Id, L: BatchLabel> Default for BatchOutcome<Id, L> {
    fn default() -> Self {
        Self::new()
    }
}

impl<Id: fmt::Debug, L: BatchLabel> fmt::Debug for BatchOutcome<Id, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchOutcome")
            .field(L::AFFECTED_IDS, &self.affected_ids)
            .field("not_processed", &self.not_processed)
            .finish()
    }
}

impl<Id: Serialize, L: BatchLabel> Serialize for BatchOutcome<Id, L> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("Affected", &self.affected_ids.len())?;
        map.serialize_entry(L::AFFECTED_IDS, &self.affected_ids)?;
        map.serialize_entry("NotProcessed", &self.not_processed)?;
        map.end()
    }
}

impl<Id: JsonSchema, L: BatchLabel> JsonSchema for BatchOutcome<Id, L> {
    fn schema_name() -> Cow<'static, str> {
        format!("BatchOutcome_{}_{}", Id::schema_name(), L::AFFECTED_IDS).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut properties = serde_json::Map::new();
        properties.insert(
            "Affected".into(),
            json_schema!({"type": "integer", "minimum": 0, "description": "How many items the call changed."}).into(),
        );
        properties.insert(
            L::AFFECTED_IDS.into(),
            generator.subschema_for::<Vec<Id>>().into(),
        );
        properties.insert(
            "NotProcessed".into(),
            generator.subschema_for::<Vec<NotProcessed<Id>>>().into(),
        );
        json_schema!({
            "type": "object",
            "properties": properties,
            "required": ["Affected", L::AFFECTED_IDS, "NotProcessed"],
        })
    }
}
