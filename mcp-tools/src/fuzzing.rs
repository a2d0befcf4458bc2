//! Entry points for the fuzz targets in `fuzz/` and for the tests that replay
//! their seed corpora. Not public API: no stability promise.
//!
//! Each function takes the fuzzer's bytes, drives the real code under test
//! (nothing here re-implements it) and panics only when an invariant breaks:
//! a panic of the code under test, or an answer that contradicts what was
//! sent (a forged token or state accepted, a check that is not stable).

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};

use crate::confirm::MemoryReplayStore;
use crate::confirm::{Confirmer, Subject, arguments_tag, caller_tag, tool_tag};
use crate::context::Caller;
use crate::input::{StateSigner, call_digest};
use crate::jsonrpc::{self, Incoming, Message};
use crate::signing;
use crate::validate::ArgumentContract;

/// Parses `data` as a JSON-RPC body; every refusal must be a JSON-RPC error
/// response that serialises to valid JSON.
pub fn json_rpc(data: &[u8]) {
    match jsonrpc::parse(data) {
        Ok(Incoming::Single(message)) => message_invariants(&message),
        Ok(Incoming::Batch(items)) => {
            assert!(!items.is_empty(), "an empty batch was accepted");
            for item in items {
                match item {
                    Ok(message) => message_invariants(&message),
                    Err(response) => response_invariants(&response),
                }
            }
        }
        Err(response) => response_invariants(&response),
    }
}

fn message_invariants(message: &Message) {
    // Whatever was accepted serialises again (the SDK echoes ids and methods).
    let text = match message {
        Message::Request(request) => serde_json::to_string(request),
        Message::Notification(notification) => serde_json::to_string(notification),
        Message::Response(_) => return,
    }
    .expect("an accepted message serialises");
    serde_json::from_str::<Value>(&text).expect("a serialised message is JSON");
    // A request reads the same again: its typed `_meta` is written back into
    // `params` and lifted out of it once more.
    if let Message::Request(request) = message {
        match jsonrpc::parse(text.as_bytes()) {
            Ok(Incoming::Single(Message::Request(again))) => {
                assert_eq!(&again, request, "a request changed in a round trip");
            }
            _ => panic!("a serialised request no longer parses as one: {text}"),
        }
    }
}

fn response_invariants(response: &jsonrpc::Response) {
    assert!(
        response.outcome.is_err(),
        "a refusal must carry a JSON-RPC error"
    );
    let bytes = response.to_bytes();
    serde_json::from_slice::<Value>(&bytes).expect("an error response is JSON");
}

/// The input schema the argument target checks against: the kinds of
/// constraints tool authors' schemas hold (bounded strings, patterns,
/// formats, integer ranges, enums, nested objects that refuse unknown fields,
/// bounded arrays, nullable optionals, alternatives).
fn contract() -> &'static ArgumentContract {
    static CONTRACT: OnceLock<ArgumentContract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["email", "count", "mode", "recipients"],
            "properties": {
                "email": {"type": "string", "format": "email", "maxLength": 254},
                "count": {"type": "integer", "minimum": 1, "maximum": 1000},
                "mode": {"type": "string", "enum": ["draft", "send", "schedule"]},
                "subject": {"type": ["string", "null"], "minLength": 1, "maxLength": 120},
                "tag": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,31}$"},
                "when": {"type": "string", "format": "date-time"},
                "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                "recipients": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 20,
                    "uniqueItems": true,
                    "items": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["id"],
                        "properties": {
                            "id": {"type": "integer", "minimum": 0},
                            "role": {"type": "string", "enum": ["to", "cc", "bcc"]},
                            "name": {"type": ["string", "null"]}
                        }
                    }
                },
                "target": {
                    "oneOf": [
                        {"type": "object", "required": ["list"], "additionalProperties": false,
                         "properties": {"list": {"type": "integer"}}},
                        {"type": "object", "required": ["segment"], "additionalProperties": false,
                         "properties": {"segment": {"type": "string", "minLength": 1}}}
                    ]
                }
            }
        });
        match ArgumentContract::compile("send_campaign", &schema) {
            Ok(contract) => contract,
            Err(error) => panic!("the fuzz contract does not compile: {error}"),
        }
    })
}

/// Checks `data` (JSON, or anything) as the arguments of a tool call: a
/// refusal names what was wrong; arguments once accepted stay accepted and
/// unchanged when checked again (normalising is idempotent).
pub fn arguments(data: &[u8]) {
    let Ok(arguments) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let mut args = match crate::validate::arguments_object(Some(arguments)) {
        Ok(args) => args,
        Err(why) => {
            assert!(!why.is_empty(), "an argument refusal must say why");
            return;
        }
    };
    match contract().check(&mut args) {
        Ok(()) => {
            let mut again = args.clone();
            assert!(
                contract().check(&mut again).is_ok(),
                "accepted arguments were refused on a second check: {args}"
            );
            assert_eq!(
                again, args,
                "normalising accepted arguments is not idempotent"
            );
        }
        Err(error) => {
            assert!(
                !error.message().is_empty(),
                "an argument refusal must say why"
            );
        }
    }
}

const SECRET: &[u8; 32] = b"fuzzing secret, 32 bytes long..!";

fn confirmer() -> &'static Confirmer {
    static CONFIRMER: OnceLock<Confirmer> = OnceLock::new();
    CONFIRMER.get_or_init(|| {
        match Confirmer::new(
            Some(SECRET),
            Duration::from_secs(300),
            Arc::new(MemoryReplayStore::new()),
        ) {
            Ok(confirmer) => confirmer,
            Err(error) => panic!("the fuzz confirmer does not build: {error}"),
        }
    })
}

/// Verifies `data` as a confirmation token for one fixed call. The first byte
/// picks what the token is checked against (the issued call, another tool,
/// another caller, other arguments), the rest is the token. Only the exact
/// token issued for that same call may pass.
pub fn confirmation(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(token) = std::str::from_utf8(rest) else {
        return;
    };
    let confirmer = confirmer();
    let caller = Caller::new("user-1").with_account("acme");
    let digest = signing::digest(&json!({"campaign": 7}));
    let issued_for = || Subject {
        tool: "send_campaign",
        tool_tag: tool_tag("fuzz", "send_campaign"),
        caller_tag: caller_tag(Some(&caller)),
        arguments_tag: arguments_tag(&digest),
    };
    let now = SystemTime::now();
    let issued = confirmer
        .issue(&issued_for(), now)
        .expect("the fuzz confirmer issues tokens");
    let other_caller = Caller::new("user-2").with_account("acme");
    let subject = match pick % 4 {
        0 => issued_for(),
        1 => Subject {
            tool: "purge",
            tool_tag: tool_tag("fuzz", "purge"),
            ..issued_for()
        },
        2 => Subject {
            caller_tag: caller_tag(Some(&other_caller)),
            ..issued_for()
        },
        _ => Subject {
            arguments_tag: arguments_tag(&signing::digest(&json!({"campaign": 8}))),
            ..issued_for()
        },
    };
    let verified = confirmer.verify(token, &subject, now);
    // A fresh token, issued with a fresh nonce, must verify for its own call:
    // the verifier is not refusing everything.
    assert!(confirmer.verify(&issued.token, &issued_for(), now).is_ok());
    // Tokens are sealed: the fuzzer cannot produce one; it can only replay
    // one from the corpus, and only for the call it was issued for.
    if verified.is_ok() {
        assert_eq!(
            pick % 4,
            0,
            "a token verified for a call it was not issued for"
        );
    }
    // A sealed token altered in any one character is refused.
    let mut bytes = issued.token.into_bytes();
    let at = usize::from(pick) % bytes.len();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8_lossy(&bytes);
    assert!(
        confirmer.verify(&altered, &issued_for(), now).is_err(),
        "an altered confirmation token verified"
    );
}

fn state_signer() -> &'static StateSigner {
    static SIGNER: OnceLock<StateSigner> = OnceLock::new();
    SIGNER.get_or_init(|| StateSigner::new(SECRET, Duration::from_secs(300)))
}

/// Verifies `data` as a 2026-07-28 `requestState` for one fixed call, and
/// round-trips a state that carries `data` as an answer. A state the signer
/// did not seal never verifies; a sealed one verifies only for its own
/// caller, method and arguments, and gives back exactly its answers.
pub fn request_state(data: &[u8]) {
    let signer = state_signer();
    let digest = call_digest("book", Some(&json!({"room": 4})));
    let text = String::from_utf8_lossy(data);
    if let Ok(answers) = signer.verify(&text, Some("user-1"), "tools/call", &digest) {
        // Only a replayed seal can get here; what it carries is a map.
        let _ = answers.len();
    }
    // Round trip: the fuzzer's bytes as an answer, bound to this call.
    let mut answers = Map::new();
    answers.insert("input-0".into(), Value::String(text.into_owned()));
    let state = signer.sign(Some("user-1"), "tools/call", &digest, answers.clone());
    let back = signer
        .verify(&state, Some("user-1"), "tools/call", &digest)
        .expect("a state just signed verifies");
    assert_eq!(
        back, answers,
        "a state gives back other answers than it was signed with"
    );
    assert!(
        signer
            .verify(&state, Some("user-2"), "tools/call", &digest)
            .is_err()
    );
    assert!(signer.verify(&state, None, "tools/call", &digest).is_err());
    let other = call_digest("book", Some(&json!({"room": 5})));
    assert!(
        signer
            .verify(&state, Some("user-1"), "tools/call", &other)
            .is_err()
    );
    // Any single-character change of the seal is refused.
    if !data.is_empty() {
        let mut bytes = state.into_bytes();
        let at = usize::from(data[0]) % bytes.len();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8_lossy(&bytes);
        assert!(
            signer
                .verify(&altered, Some("user-1"), "tools/call", &digest)
                .is_err(),
            "an altered requestState verified"
        );
    }
}
