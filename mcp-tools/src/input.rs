//! 2026-07-28 multi-round-trip requests: `input_required` results and an
//! integrity-protected `requestState`.
//!
//! A tool asks the client through `ToolContext::request_client` as in earlier
//! revisions. On 2026-07-28 the dispatcher answers from the request's
//! `inputResponses` (and the answers carried in its `requestState`); when an
//! answer is missing, the call is stopped and the client gets
//! `resultType: "input_required"` with the question under a key (the one the
//! tool chose with `ToolContext::request_client_keyed`, or `input-0`,
//! `input-1`, … in the order it asks) and a signed `requestState` carrying the
//! answers so far. Questions made together go out in one round. A question
//! the client declared no capability for ends the request with -32021, and an
//! answer that is not a result of the question's method with -32602. The retry runs the tool again from the start,
//! so a tool must not change anything before its last question.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use futures::future::{BoxFuture, FutureExt};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::context::{Cancellation, Peer};
use crate::jsonrpc::{ErrorObject, Notification, code};
use crate::protocol::method;
use crate::signing::{self, SigningKey};
use crate::timestamp;

/// Domain separation: these seals are request states, nothing else.
const SEAL_CONTEXT: &[u8] = b"mcp-tools request state v1\0";

/// The questions and answers of one attempt at a request.
pub(crate) struct InputRound {
    answers: Map<String, Value>,
    next: AtomicUsize,
    asked: Mutex<Map<String, Value>>,
    /// Why the request cannot go on: a capability the client did not declare,
    /// or an answer that is not one.
    refusal: Mutex<Option<ErrorObject>>,
    capabilities: Option<Arc<Value>>,
    cancellation: Cancellation,
    /// Where the call's notifications go: the transport's peer, if any.
    transport: Option<Arc<dyn Peer>>,
}

impl InputRound {
    pub(crate) fn new(
        answers: Map<String, Value>,
        capabilities: Option<Arc<Value>>,
        cancellation: Cancellation,
    ) -> Self {
        Self {
            answers,
            next: AtomicUsize::new(0),
            asked: Mutex::default(),
            refusal: Mutex::default(),
            capabilities,
            cancellation,
            transport: None,
        }
    }

    /// The round as the peer of its call: requests to the client are answered
    /// by the round, notifications go to `transport`. One allocation serves
    /// both (the round is the call's peer itself).
    pub(crate) fn with_transport(mut self, transport: Option<Arc<dyn Peer>>) -> Self {
        self.transport = transport;
        self
    }

    /// Answers a question from the answers at hand, or records it and stops
    /// the call. A question the client cannot answer (it did not declare the
    /// capability) and an answer of the wrong shape stop the call too: the
    /// request then fails with the recorded protocol error.
    pub(crate) fn ask(
        &self,
        key: Option<&str>,
        method_name: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        let key = match key {
            Some(key) => key.to_owned(),
            None => format!("input-{}", self.next.fetch_add(1, Ordering::Relaxed)),
        };
        let capability = match method_name {
            method::ELICIT => Some(ASKING_CAPABILITIES[0]),
            method::SAMPLE => Some(ASKING_CAPABILITIES[1]),
            method::ROOTS_LIST => Some(ASKING_CAPABILITIES[2]),
            _ => None,
        };
        let Some(capability) = capability else {
            let error = ErrorObject::method_not_found(method_name);
            return async move { Err(error) }.boxed();
        };
        let declared = self
            .capabilities
            .as_deref()
            .is_some_and(|caps| caps.get(capability).is_some());
        if !declared {
            return self.stop(
                ErrorObject::new(
                    code::MISSING_REQUIRED_CLIENT_CAPABILITY,
                    format!(
                        "this request needs the client's {capability} capability; declare it in \
                         _meta[\"io.modelcontextprotocol/clientCapabilities\"] to use this tool"
                    ),
                )
                .with_data(json!({"requiredCapabilities": {capability: {}}})),
            );
        }
        if let Some(answer) = self.answers.get(&key) {
            if let Err(why) = check_answer(method_name, answer) {
                return self.stop(ErrorObject::invalid_params(format!(
                    "inputResponses[{key:?}] is not an answer to {method_name}: {why}"
                )));
            }
            let answer = answer.clone();
            return async move { Ok(answer) }.boxed();
        }
        self.asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, json!({"method": method_name, "params": params}));
        self.cancellation.stop();
        futures::future::pending().boxed()
    }

    /// Whether a question went unanswered (the call is being stopped for it).
    pub(crate) fn has_asked(&self) -> bool {
        !self
            .asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    /// Records why the request fails and stops the call.
    fn stop(&self, error: ErrorObject) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        self.refusal
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(error);
        self.cancellation.stop();
        futures::future::pending().boxed()
    }

    /// The protocol error the request ends with, if a question could not be asked.
    pub(crate) fn take_refusal(&self) -> Option<ErrorObject> {
        self.refusal
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
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

/// Whether `answer` has the shape of a result of `method_name`.
fn check_answer(method_name: &str, answer: &Value) -> Result<(), String> {
    let Value::Object(answer) = answer else {
        return Err(format!("it is {answer}, not a result object"));
    };
    let has = |field: &str, test: fn(&Value) -> bool| answer.get(field).is_some_and(test);
    match method_name {
        method::ELICIT => {
            let action = answer.get("action").and_then(Value::as_str);
            if !matches!(action, Some("accept" | "decline" | "cancel")) {
                return Err("\"action\" must be \"accept\", \"decline\" or \"cancel\"".into());
            }
            if answer.get("content").is_some_and(|c| !c.is_object()) {
                return Err("\"content\" must be an object".into());
            }
        }
        method::SAMPLE
            if !has("role", Value::is_string)
                || !has("content", |c| c.is_object() || c.is_array()) =>
        {
            return Err("it needs \"role\" and \"content\" (a CreateMessageResult)".into());
        }
        method::ROOTS_LIST if !has("roots", Value::is_array) => {
            return Err("it needs \"roots\", an array (a ListRootsResult)".into());
        }
        _ => {}
    }
    Ok(())
}

/// The peer a 2026-07-28 call sees (the round it is in): requests to the
/// client are answered by the round; notifications go to the transport's peer.
impl Peer for InputRound {
    fn notify(&self, notification: Notification) {
        if let Some(peer) = &self.transport {
            peer.notify(notification);
        }
    }

    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        self.ask(None, method, params)
    }

    fn request_keyed(
        &self,
        key: &str,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        self.ask(Some(key), method, params)
    }
}

/// What a `requestState` binds: who, what, until when, and the answers so far.
#[derive(Serialize, Deserialize)]
struct StatePayload {
    /// The caller's id, or `None` for anonymous calls.
    sub: Option<String>,
    /// Expiry, milliseconds since the Unix epoch.
    exp: u64,
    /// The method of the request.
    m: String,
    /// Digest of the tool name and arguments, hex.
    d: String,
    /// The answers so far.
    a: Map<String, Value>,
}

/// Signs and checks `requestState` values.
pub(crate) struct StateSigner {
    key: SigningKey,
    /// The key of the secret being rotated out: states it sealed still verify.
    previous: Option<SigningKey>,
    ttl: Duration,
}

impl StateSigner {
    pub(crate) fn new(secret: &[u8], ttl: Duration) -> Self {
        Self {
            key: SigningKey::new(secret, SEAL_CONTEXT),
            previous: None,
            ttl,
        }
    }

    /// Also accepts states sealed with `secret`, the one being rotated out;
    /// new states are still sealed with the current secret.
    pub(crate) fn with_previous_secret(mut self, secret: Option<&[u8]>) -> Self {
        self.previous = secret.map(|secret| SigningKey::new(secret, SEAL_CONTEXT));
        self
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
            exp: timestamp::unix_millis(SystemTime::now() + self.ttl),
            m: method_name.to_owned(),
            d: digest.to_owned(),
            a: answers,
        };
        self.key
            .seal(&serde_json::to_vec(&payload).unwrap_or_default())
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
        let payload: StatePayload = self
            .key
            .open(state)
            .or_else(|| self.previous.as_ref()?.open(state))
            .and_then(|json| serde_json::from_slice(&json).ok())
            .ok_or_else(|| refuse("is malformed or failed verification"))?;
        if payload.exp < timestamp::unix_millis(SystemTime::now()) {
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
    named_digest(name, &signing::digest(arguments.unwrap_or(&Value::Null)))
}

/// The client capabilities a question to the client needs, one per method
/// [`InputRound::ask`] accepts (elicitation, sampling, roots).
const ASKING_CAPABILITIES: [&str; 3] = ["elicitation", "sampling", "roots"];

/// Whether a client with these capabilities can be asked anything: without
/// any of [`ASKING_CAPABILITIES`], every question is refused (-32021) and no
/// call of it answers `input_required`.
pub(crate) fn can_be_asked(capabilities: Option<&Value>) -> bool {
    capabilities.is_some_and(|caps| {
        ASKING_CAPABILITIES
            .iter()
            .any(|capability| crate::jsonrpc::member(caps, capability).is_some())
    })
}

/// The arguments [`call_digest`] reads, as canonical JSON: kept when the
/// digest may be needed later, after the call has consumed the arguments.
pub(crate) fn canonical_arguments(arguments: Option<&Value>) -> Vec<u8> {
    signing::canonical(arguments.unwrap_or(&Value::Null))
}

/// [`call_digest`] of arguments kept by [`canonical_arguments`].
pub(crate) fn call_digest_of_canonical(name: &str, canonical: &[u8]) -> String {
    named_digest(name, &signing::digest_of_canonical(canonical))
}

/// The tool name and the arguments' digest, tagged together.
fn named_digest(name: &str, arguments: &[u8; 32]) -> String {
    signing::hex(&signing::tag(&[name.as_bytes(), arguments]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_a_client_with_a_capability_a_question_needs_can_be_asked() {
        assert!(!can_be_asked(None));
        assert!(!can_be_asked(Some(&json!({}))));
        assert!(!can_be_asked(Some(
            &json!({"experimental": {}, "tasks": {}})
        )));
        assert!(!can_be_asked(Some(&json!(["elicitation"]))));
        for capability in ASKING_CAPABILITIES {
            assert!(can_be_asked(Some(&json!({"x": 1, capability: {}}))));
        }
    }

    #[test]
    fn a_digest_from_canonical_arguments_is_the_same() {
        for arguments in [
            None,
            Some(json!({"b": 1.5, "a": [1, {"y": "\"q\"\n", "x": null}], "c": -7})),
            Some(json!({})),
        ] {
            let canonical = canonical_arguments(arguments.as_ref());
            assert_eq!(
                call_digest_of_canonical("t", &canonical),
                call_digest("t", arguments.as_ref())
            );
        }
    }

    #[test]
    fn states_round_trip_and_refuse_tampering() {
        let signer = StateSigner::new(b"k", Duration::from_secs(60));
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
        let other_key = StateSigner::new(b"j", Duration::from_secs(60));
        assert!(
            other_key
                .verify(&state, Some("u"), "tools/call", &digest)
                .is_err()
        );
    }

    /// Counts the notifications it is sent; asked anything, it fails the test.
    #[derive(Default)]
    struct Transport(Mutex<Vec<String>>);

    impl Peer for Transport {
        fn notify(&self, notification: Notification) {
            self.0
                .lock()
                .unwrap()
                .push(notification.method.into_owned());
        }

        fn request(
            &self,
            method: &str,
            _: Value,
        ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
            panic!("the round answers {method} itself; the transport is never asked")
        }
    }

    #[test]
    fn the_round_is_its_calls_peer() {
        let transport = Arc::new(Transport::default());
        let cancellation = Cancellation::new();
        let mut answers = Map::new();
        answers.insert("k".into(), json!({"action": "decline"}));
        let round = Arc::new(
            InputRound::new(
                answers,
                Some(Arc::new(json!({"elicitation": {}}))),
                cancellation.clone(),
            )
            .with_transport(Some(transport.clone() as Arc<dyn Peer>)),
        );
        let peer: Arc<dyn Peer> = round.clone();
        // Notifications go on to the transport.
        peer.notify(Notification::new(method::PROGRESS, json!({"progress": 1})));
        assert_eq!(*transport.0.lock().unwrap(), [method::PROGRESS]);
        // A question the request answered is answered by the round.
        let answer =
            futures::executor::block_on(peer.request_keyed("k", method::ELICIT, json!({})));
        assert_eq!(answer.unwrap(), json!({"action": "decline"}));
        assert!(!cancellation.is_cancelled());
        // One it did not is recorded, and the call stopped.
        drop(peer.request(method::ELICIT, json!({"message": "?"})));
        assert!(cancellation.is_stopped());
        let asked = round.take_asked().unwrap();
        assert_eq!(asked["input-0"]["method"], method::ELICIT);
        // Without a transport, notifications go nowhere, and nothing fails.
        let alone = InputRound::new(Map::new(), None, Cancellation::new());
        alone.notify(Notification::new(method::PROGRESS, json!({})));
    }
}
