//! 2026-07-28 multi-round-trip requests: `input_required` results and an
//! integrity-protected `requestState`.
//!
//! A tool asks the client through `ToolContext::request_client` as in earlier
//! revisions. On 2026-07-28 the transport answers from the request's
//! `inputResponses` (and the answers carried in its `requestState`); when an
//! answer is missing, the call is stopped and the client gets
//! `resultType: "input_required"` with the question under a key (`input-0`,
//! `input-1`, … in the order the tool asks) and a signed `requestState`
//! carrying the answers so far. The retry runs the tool again from the start,
//! so a tool must not change anything before its last question.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::future::{BoxFuture, FutureExt};
use hmac::{Hmac, Mac};
use mcp_tools::Cancellation;
use mcp_tools::jsonrpc::ErrorObject;
use mcp_tools::protocol::method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// -32021: the request needs a client capability the client did not declare.
pub(crate) const MISSING_REQUIRED_CLIENT_CAPABILITY: i32 = -32021;

type HmacSha256 = Hmac<Sha256>;

/// The questions and answers of one attempt at a request.
pub(crate) struct InputRound {
    answers: Map<String, Value>,
    next: AtomicUsize,
    asked: Mutex<Map<String, Value>>,
    capabilities: Option<Value>,
    cancellation: Cancellation,
}

impl InputRound {
    pub(crate) fn new(
        answers: Map<String, Value>,
        capabilities: Option<Value>,
        cancellation: Cancellation,
    ) -> Self {
        Self {
            answers,
            next: AtomicUsize::new(0),
            asked: Mutex::default(),
            capabilities,
            cancellation,
        }
    }

    /// Answers a question from the answers at hand, or records it and stops the call.
    pub(crate) fn ask(
        &self,
        method_name: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        let key = format!("input-{}", self.next.fetch_add(1, Ordering::Relaxed));
        if let Some(answer) = self.answers.get(&key) {
            let answer = answer.clone();
            return async move { Ok(answer) }.boxed();
        }
        let capability = match method_name {
            method::ELICIT => Some("elicitation"),
            method::SAMPLE => Some("sampling"),
            "roots/list" => Some("roots"),
            _ => None,
        };
        let declared = capability.is_some_and(|c| {
            self.capabilities
                .as_ref()
                .is_some_and(|caps| caps.get(c).is_some())
        });
        if !declared {
            let error = match capability {
                Some(c) => ErrorObject::new(
                    MISSING_REQUIRED_CLIENT_CAPABILITY,
                    format!("the client did not declare the {c} capability"),
                )
                .with_data(json!({"requiredCapabilities": {c: {}}})),
                None => ErrorObject::method_not_found(method_name),
            };
            return async move { Err(error) }.boxed();
        }
        self.asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, json!({"method": method_name, "params": params}));
        self.cancellation.cancel();
        futures::future::pending().boxed()
    }

    /// The questions asked and not answered, if any.
    pub(crate) fn take_asked(&self) -> Option<Map<String, Value>> {
        let asked = std::mem::take(&mut *self.asked.lock().unwrap_or_else(PoisonError::into_inner));
        (!asked.is_empty()).then_some(asked)
    }

    /// Every answer known in this round.
    pub(crate) fn answers(&self) -> &Map<String, Value> {
        &self.answers
    }
}

/// What a `requestState` binds: who, what, until when, and the answers so far.
#[derive(Serialize, Deserialize)]
struct StatePayload {
    /// The caller's id, or `None` for anonymous calls.
    sub: Option<String>,
    /// Expiry, seconds since the Unix epoch.
    exp: u64,
    /// The method of the request.
    m: String,
    /// Digest of the tool name and arguments.
    d: String,
    /// The answers so far.
    a: Map<String, Value>,
}

/// Signs and checks `requestState` values.
pub(crate) struct StateSigner {
    key: Vec<u8>,
    ttl: Duration,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl StateSigner {
    pub(crate) fn new(key: Vec<u8>, ttl: Duration) -> Self {
        Self { key, ttl }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC accepts keys of any length.
        HmacSha256::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!())
    }

    /// A signed state for a retry of `method` on `digest` by `caller`.
    pub(crate) fn sign(
        &self,
        caller: Option<&str>,
        method_name: &str,
        digest: &str,
        answers: Map<String, Value>,
    ) -> String {
        let payload = StatePayload {
            sub: caller.map(str::to_owned),
            exp: unix_now() + self.ttl.as_secs(),
            m: method_name.to_owned(),
            d: digest.to_owned(),
            a: answers,
        };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap_or_default());
        let mut mac = self.mac();
        mac.update(body.as_bytes());
        let tag = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{body}.{tag}")
    }

    /// The answers a valid state carries.
    pub(crate) fn verify(
        &self,
        state: &str,
        caller: Option<&str>,
        method_name: &str,
        digest: &str,
    ) -> Result<Map<String, Value>, ErrorObject> {
        let refuse = |why: &str| {
            ErrorObject::invalid_params(format!(
                "requestState {why}; send the request again without requestState and inputResponses"
            ))
        };
        let (body, tag) = state
            .split_once('.')
            .ok_or_else(|| refuse("is malformed"))?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| refuse("is malformed"))?;
        let mut mac = self.mac();
        mac.update(body.as_bytes());
        mac.verify_slice(&tag)
            .map_err(|_| refuse("failed verification"))?;
        let payload: StatePayload = URL_SAFE_NO_PAD
            .decode(body)
            .ok()
            .and_then(|json| serde_json::from_slice(&json).ok())
            .ok_or_else(|| refuse("is malformed"))?;
        if payload.exp < unix_now() {
            return Err(refuse("has expired"));
        }
        if payload.sub.as_deref() != caller {
            return Err(refuse("belongs to another caller"));
        }
        if payload.m != method_name || payload.d != digest {
            return Err(refuse("belongs to another request"));
        }
        Ok(payload.a)
    }
}

/// A digest of a tool name and its arguments, independent of key order.
pub(crate) fn call_digest(name: &str, arguments: Option<&Value>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([0]);
    if let Some(arguments) = arguments {
        hash_canonical(&mut hasher, arguments);
    }
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

fn hash_canonical(hasher: &mut Sha256, value: &Value) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            hasher.update(b"{");
            for key in keys {
                hasher.update(Value::from(key.as_str()).to_string().as_bytes());
                hasher.update(b":");
                hash_canonical(hasher, &map[key]);
                hasher.update(b",");
            }
            hasher.update(b"}");
        }
        Value::Array(items) => {
            hasher.update(b"[");
            for item in items {
                hash_canonical(hasher, item);
                hasher.update(b",");
            }
            hasher.update(b"]");
        }
        other => hasher.update(other.to_string().as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_refuse_tampering() {
        let signer = StateSigner::new(b"k".to_vec(), Duration::from_secs(60));
        let digest = call_digest("t", Some(&json!({"b": 1, "a": [1, {"y": 2, "x": 1}]})));
        assert_eq!(
            digest,
            call_digest("t", Some(&json!({"a": [1, {"x": 1, "y": 2}], "b": 1})))
        );
        let mut answers = Map::new();
        answers.insert("input-0".into(), json!({"action": "accept"}));
        let state = signer.sign(Some("u"), "tools/call", &digest, answers.clone());
        assert_eq!(
            signer
                .verify(&state, Some("u"), "tools/call", &digest)
                .unwrap(),
            answers
        );
        assert!(
            signer
                .verify(&state, Some("v"), "tools/call", &digest)
                .is_err()
        );
        assert!(
            signer
                .verify(&state, Some("u"), "tools/call", "other")
                .is_err()
        );
        let mut tampered = state.clone();
        tampered.insert(3, 'x');
        assert!(
            signer
                .verify(&tampered, Some("u"), "tools/call", &digest)
                .is_err()
        );
        let other_key = StateSigner::new(b"j".to_vec(), Duration::from_secs(60));
        assert!(
            other_key
                .verify(&state, Some("u"), "tools/call", &digest)
                .is_err()
        );
    }
}
