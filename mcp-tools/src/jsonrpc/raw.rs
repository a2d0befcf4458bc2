//! Raw JSON the SDK writes itself, made into a `Box<RawValue>` at its exact
//! length.
//!
//! `serde_json::value::to_raw_value` serialises into a 128-byte buffer that
//! doubles as it fills, then shrinks it to its length: a `tools/call` result
//! (a few hundred bytes) pays an allocation and two or three `realloc`s, each
//! moving the bytes. [`to_raw`] serialises into a buffer kept by the thread
//! instead and copies the JSON out once, into an allocation of its length.
//! `RawValue::from_string` would take that copy but parse it again to check
//! it; [`handover`] passes it to `Box<RawValue>`'s own `Deserialize`, which
//! keeps a string as it is given.

use std::cell::RefCell;

use serde::Serialize;
use serde::de::value::{Error as HandoverError, MapDeserializer};
use serde::de::{Deserialize, Deserializer, Visitor};
use serde_json::value::RawValue;

thread_local! {
    /// The buffer [`to_raw`] serialises into, reused by every call on the thread.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The largest buffer a thread keeps between calls: a larger result's buffer
/// is let go, so that one large result does not hold its memory for good.
const KEPT_CAPACITY: usize = 64 * 1024;

/// `value` serialised as JSON, in a `Box<RawValue>` of its exact length: what
/// `serde_json::value::to_raw_value` gives, without its buffer's growth.
pub(crate) fn to_raw<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Box<RawValue>> {
    to_raw_object(value, "", "")
}

/// `value`, which serialises as a JSON object, with the members `head` (JSON
/// text, such as `"a":1,"b":2`) written before its own and the members `tail`
/// after them: the same bytes as serialising a struct with those members
/// first and last, without serialising them on every call (a 2026-07-28
/// result's `_meta` and `resultType` are the same for every result).
///
/// A `value` that is not an object is written as it is, without them.
pub(crate) fn to_raw_object<T: Serialize + ?Sized>(
    value: &T,
    head: &str,
    tail: &str,
) -> serde_json::Result<Box<RawValue>> {
    SCRATCH.with(|scratch| {
        // Taken already only if a `Serialize` impl serialises again from
        // inside: that inner value gets a buffer of its own.
        let Ok(mut buffer) = scratch.try_borrow_mut() else {
            return write_raw(&mut Vec::new(), value, head, tail);
        };
        let written = write_raw(&mut buffer, value, head, tail);
        if buffer.capacity() > KEPT_CAPACITY {
            *buffer = Vec::new();
        }
        written
    })
}

/// [`to_raw_object`] with `buffer` as the place to serialise.
fn write_raw<T: Serialize + ?Sized>(
    buffer: &mut Vec<u8>,
    value: &T,
    head: &str,
    tail: &str,
) -> serde_json::Result<Box<RawValue>> {
    buffer.clear();
    write_object(buffer, value, head, tail)?;
    // serde_json writes UTF-8 only; checking it is a pass over the bytes, far
    // cheaper than parsing them again.
    let text = std::str::from_utf8(buffer).map_err(serde::ser::Error::custom)?;
    Ok(raw_of(text))
}

/// Serialises `value` into `buffer`, with the members `head` before its own
/// and `tail` after them when it is an object. `head` is written first and
/// the object's `{` overwritten with the `,` that follows it, so no byte
/// already written is moved.
fn write_object<T: Serialize + ?Sized>(
    buffer: &mut Vec<u8>,
    value: &T,
    head: &str,
    tail: &str,
) -> serde_json::Result<()> {
    if !head.is_empty() {
        buffer.push(b'{');
        buffer.extend_from_slice(head.as_bytes());
    }
    let start = buffer.len();
    serde_json::to_writer(&mut *buffer, value)?;
    let written = buffer.get(start..).unwrap_or_default();
    if !(written.starts_with(b"{") && written.ends_with(b"}")) {
        // Not an object: written as it is, without the members.
        buffer.drain(..start);
        return Ok(());
    }
    if !head.is_empty() {
        if written == b"{}" {
            buffer.truncate(start);
            buffer.push(b'}');
        } else if let Some(open) = buffer.get_mut(start) {
            *open = b',';
        }
    }
    if !tail.is_empty() {
        buffer.pop();
        if buffer.len() > 1 {
            buffer.push(b',');
        }
        buffer.extend_from_slice(tail.as_bytes());
        buffer.push(b'}');
    }
    Ok(())
}

/// `text`, JSON the SDK serialised itself, copied into a `Box<RawValue>`.
fn raw_of(text: &str) -> Box<RawValue> {
    handover(text).unwrap_or_else(|| {
        // Only if serde_json stopped taking strings this way: then checked by
        // parsing, and valid, since serde_json wrote it.
        RawValue::from_string(text.to_owned()).unwrap_or_else(|_| Box::<RawValue>::default())
    })
}

/// `text` as a `Box<RawValue>` without parsing it: `Box<RawValue>`'s
/// `Deserialize` asks for a newtype struct holding a one-entry map (the key is
/// the struct's name, the value the JSON as a string) and keeps the string it
/// is given; serde_json's own deserializer feeds it that way. `None` if it
/// ever asks for something else.
///
/// Only for JSON the SDK wrote: nothing here checks `text`.
fn handover(text: &str) -> Option<Box<RawValue>> {
    <Box<RawValue>>::deserialize(Handover(text)).ok()
}

/// The deserializer of [`handover`].
struct Handover<'a>(&'a str);

impl<'de> Deserializer<'de> for Handover<'_> {
    type Error = HandoverError;

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_map(MapDeserializer::new(std::iter::once((name, self.0))))
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::invalid_type(
            serde::de::Unexpected::Str(self.0),
            &visitor,
        ))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple tuple_struct map
        struct enum identifier ignored_any
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn the_json_is_handed_over_as_it_is() {
        // Were serde_json to change how `Box<RawValue>` is deserialised,
        // `to_raw` would still be right (it parses instead) but slower: this
        // says so.
        let raw = handover(r#"{"a":[1,"b"]}"#).unwrap();
        assert_eq!(raw.get(), r#"{"a":[1,"b"]}"#);
    }

    #[test]
    fn to_raw_is_to_raw_value() {
        let long = "x\"y".repeat(100);
        for value in [
            json!({"text": "a \"quoted\"\nline", "n": [1, 2.5, null, true]}),
            json!("\u{e9}\u{1f600}"),
            json!({"long": long}),
            json!([]),
        ] {
            let ours = to_raw(&value).unwrap();
            let theirs = serde_json::value::to_raw_value(&value).unwrap();
            assert_eq!(ours.get(), theirs.get());
        }
    }

    #[test]
    fn members_are_written_around_an_object() {
        let framed = |value: Value, head: &str, tail: &str| {
            let raw = to_raw_object(&value, head, tail).unwrap();
            serde_json::from_str::<Value>(raw.get()).unwrap();
            raw.get().to_owned()
        };
        let object = json!({"a": 1, "b": [2]});
        assert_eq!(framed(object.clone(), "", ""), r#"{"a":1,"b":[2]}"#);
        assert_eq!(
            framed(object.clone(), r#""h":0"#, ""),
            r#"{"h":0,"a":1,"b":[2]}"#
        );
        assert_eq!(
            framed(object.clone(), "", r#""t":9"#),
            r#"{"a":1,"b":[2],"t":9}"#
        );
        assert_eq!(
            framed(object, r#""h":{"x":"}"}"#, r#""t":9"#),
            r#"{"h":{"x":"}"},"a":1,"b":[2],"t":9}"#
        );
        assert_eq!(
            framed(json!({}), r#""h":0"#, r#""t":9"#),
            r#"{"h":0,"t":9}"#
        );
        assert_eq!(framed(json!({}), r#""h":0"#, ""), r#"{"h":0}"#);
        assert_eq!(framed(json!({}), "", r#""t":9"#), r#"{"t":9}"#);
        // Not an object: as it is.
        assert_eq!(framed(json!([1]), r#""h":0"#, r#""t":9"#), "[1]");
        assert_eq!(framed(json!("{}"), r#""h":0"#, r#""t":9"#), r#""{}""#);
    }

    #[test]
    fn a_value_serialised_inside_another_is_written_too() {
        struct Nested;
        impl Serialize for Nested {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let inner = to_raw(&json!({"inner": 1})).map_err(serde::ser::Error::custom)?;
                inner.serialize(serializer)
            }
        }
        assert_eq!(to_raw(&[Nested]).unwrap().get(), r#"[{"inner":1}]"#);
    }

    #[test]
    fn a_large_buffer_is_let_go() {
        let large = "x".repeat(KEPT_CAPACITY * 2);
        assert_eq!(to_raw(&large).unwrap().get().len(), large.len() + 2);
        SCRATCH.with(|scratch| assert!(scratch.borrow().capacity() <= KEPT_CAPACITY));
    }
}
