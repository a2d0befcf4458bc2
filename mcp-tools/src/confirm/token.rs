//! The confirmation token: issued by a dry run, checked before execution.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;

use crate::context::Caller;
use crate::error::{ErrorCode, ToolError};
use crate::rate::RateLimiter;
use crate::signing::{self, SigningKey};
use crate::timestamp::{self, human_duration};

use super::{MIN_SECRET_LEN, ReplayStore, TokenCharge, VerifiedToken};

/// What a verified token says.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Claims {
    pub(crate) nonce: [u8; NONCE_LEN],
    pub(crate) expires_at: SystemTime,
}

/// A token handed out by a dry run.
pub(crate) struct IssuedToken {
    pub(crate) token: String,
    pub(crate) expires_at: SystemTime,
}

const TAG_LEN: usize = 16;
const NONCE_LEN: usize = 16;
const PAYLOAD_LEN: usize = 8 + NONCE_LEN + 3 * TAG_LEN;
const PREFIX: &str = "v1.";
/// Domain separation: these seals are confirmation tokens of format v1, nothing else.
const SEAL_CONTEXT: &[u8] = b"mcp-tools confirmation token v1\0";

/// A 16-byte tag binding a token to a value.
pub(crate) type Tag = [u8; TAG_LEN];

/// The tag of a tool of a server.
pub(crate) fn tool_tag(server: &str, tool: &str) -> Tag {
    signing::tag(&[b"tool", server.as_bytes(), tool.as_bytes()])
}

/// The tag of a caller: identity and account, or the anonymous caller.
pub(crate) fn caller_tag(caller: Option<&Caller>) -> Tag {
    match caller {
        None => signing::tag(&[b"anonymous"]),
        Some(c) => match c.account() {
            Some(account) => signing::tag(&[b"caller", c.id().as_bytes(), account.as_bytes()]),
            None => signing::tag(&[b"caller", c.id().as_bytes()]),
        },
    }
}

/// The tag of an arguments digest.
pub(crate) fn arguments_tag(digest: &[u8; 32]) -> Tag {
    let mut out = [0; TAG_LEN];
    out.copy_from_slice(&digest[..TAG_LEN]);
    out
}

/// The token authority of a server: issues and verifies tokens.
pub(crate) struct Confirmer {
    key: SigningKey,
    /// The key of the secret being rotated out: tokens it sealed still verify.
    previous: Option<SigningKey>,
    lifetime: Duration,
    pub(crate) replay: Arc<dyn ReplayStore>,
}

/// Who is asking to confirm what.
pub(crate) struct Subject<'a> {
    pub(crate) tool: &'a str,
    pub(crate) tool_tag: Tag,
    pub(crate) caller_tag: Tag,
    pub(crate) arguments_tag: Tag,
}

/// A per-process secret for servers that configure none.
fn process_secret() -> Result<&'static [u8; 32], getrandom::Error> {
    static SECRET: OnceLock<[u8; 32]> = OnceLock::new();
    if let Some(secret) = SECRET.get() {
        return Ok(secret);
    }
    let mut fresh = [0; 32];
    getrandom::fill(&mut fresh)?;
    Ok(SECRET.get_or_init(|| fresh))
}

impl Confirmer {
    /// A token authority with the configured secret, or the process secret.
    pub(crate) fn new(
        secret: Option<&[u8]>,
        lifetime: Duration,
        replay: Arc<dyn ReplayStore>,
    ) -> Result<Self, String> {
        let secret: &[u8] = match secret {
            Some(s) if s.len() < MIN_SECRET_LEN => {
                return Err(format!(
                    "the confirmation secret has {} bytes; use at least {MIN_SECRET_LEN} random bytes",
                    s.len()
                ));
            }
            Some(s) => s,
            None => process_secret()
                .map_err(|e| format!("no OS randomness for the confirmation secret: {e}"))?,
        };
        Ok(Self {
            key: SigningKey::new(secret, SEAL_CONTEXT),
            previous: None,
            lifetime,
            replay,
        })
    }

    /// Also accepts tokens sealed with `secret`, the one being rotated out;
    /// new tokens are still sealed with the current secret.
    pub(crate) fn with_previous_secret(mut self, secret: Option<&[u8]>) -> Self {
        self.previous = secret.map(|secret| SigningKey::new(secret, SEAL_CONTEXT));
        self
    }

    /// The payload of a token sealed with the current secret or the previous one.
    fn open(&self, sealed: &str) -> Option<Vec<u8>> {
        self.key
            .open(sealed)
            .or_else(|| self.previous.as_ref()?.open(sealed))
    }

    /// Issues a token for a dry run.
    pub(crate) fn issue(
        &self,
        subject: &Subject<'_>,
        now: SystemTime,
    ) -> Result<IssuedToken, ToolError> {
        let mut nonce = [0; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| {
            tracing::error!(error = %e, "no OS randomness for a confirmation nonce");
            ToolError::service_unavailable(
                "The server could not issue a confirmation token right now; nothing was changed. Retry the dry run shortly",
            )
        })?;
        let expires_ms = timestamp::unix_millis(now + self.lifetime);
        let mut payload = [0; PAYLOAD_LEN];
        let fields: [&[u8]; 5] = [
            &expires_ms.to_be_bytes(),
            &nonce,
            &subject.tool_tag,
            &subject.caller_tag,
            &subject.arguments_tag,
        ];
        let mut at = 0;
        for field in fields {
            payload[at..at + field.len()].copy_from_slice(field);
            at += field.len();
        }
        let mut token = String::with_capacity(PREFIX.len() + 1 + 96 + 43);
        token.push_str(PREFIX);
        self.key.seal_into(&payload, &mut token);
        Ok(IssuedToken {
            token,
            expires_at: timestamp::from_unix_millis(expires_ms),
        })
    }

    /// Checks a token against the call it claims to confirm. Does not check or
    /// mark the replay store.
    pub(crate) fn verify(
        &self,
        token: &str,
        subject: &Subject<'_>,
        now: SystemTime,
    ) -> Result<Claims, ToolError> {
        let tool = subject.tool;
        let payload: [u8; PAYLOAD_LEN] = token
            .trim()
            .strip_prefix(PREFIX)
            .and_then(|sealed| self.open(sealed))
            .and_then(|payload| payload.try_into().ok())
            .ok_or_else(|| invalid(tool))?;
        let (expires, rest) = payload.split_at(8);
        let (nonce, rest) = rest.split_at(NONCE_LEN);
        let (tool_tag, rest) = rest.split_at(TAG_LEN);
        let (caller_tag, arguments_tag) = rest.split_at(TAG_LEN);
        if tool_tag != subject.tool_tag {
            return Err(ToolError::new(
                ErrorCode::CONFIRMATION_WRONG_TOOL,
                format!(
                    "This confirmationToken was issued by the dry run of another tool, not '{tool}'; \
                     nothing was executed. Pass each token only to the tool that issued it, or call \
                     '{tool}' without confirmationToken to preview and get a token for it"
                ),
            ));
        }
        if caller_tag != subject.caller_tag {
            return Err(ToolError::new(
                ErrorCode::CONFIRMATION_WRONG_CALLER,
                format!(
                    "This confirmationToken was issued to another caller or account; nothing was executed. \
                     Call '{tool}' without confirmationToken to preview with your own identity and get your own token"
                ),
            ));
        }
        let mut millis = [0; 8];
        millis.copy_from_slice(expires);
        let expires_at = timestamp::from_unix_millis(u64::from_be_bytes(millis));
        if now >= expires_at {
            return Err(ToolError::new(
                ErrorCode::CONFIRMATION_EXPIRED,
                format!(
                    "This confirmationToken expired at {}; nothing was executed. Call '{tool}' again \
                     without confirmationToken for a fresh preview and token, then confirm within {}",
                    timestamp::rfc3339(expires_at),
                    human_duration(self.lifetime)
                ),
            ));
        }
        if arguments_tag != subject.arguments_tag {
            return Err(ToolError::new(
                ErrorCode::CONFIRMATION_ARGUMENTS_CHANGED,
                format!(
                    "The arguments differ from those this confirmationToken was issued for; nothing was executed. \
                     To execute what was previewed, repeat the dry run's arguments exactly; to execute these \
                     arguments, call '{tool}' without confirmationToken to preview them and get a new token"
                ),
            ));
        }
        let mut claims = Claims {
            nonce: [0; NONCE_LEN],
            expires_at,
        };
        claims.nonce.copy_from_slice(nonce);
        Ok(claims)
    }

    /// Marks a verified token used, atomically, or refuses it as already
    /// used. Done before the tool runs, so that a replay is refused at once,
    /// also while the first call is still running; a call that then goes no
    /// further than planning gives the mark back ([`Confirmation`]'s
    /// settlement), so its token stays usable.
    ///
    /// [`Confirmation`]: super::Confirmation
    pub(crate) async fn claim(&self, claims: &Claims) -> Result<(), ToolError> {
        if self
            .replay
            .mark_used(&claims.nonce, claims.expires_at)
            .await?
        {
            Ok(())
        } else {
            Err(already_used())
        }
    }

    /// Marks a verified token used and charges its call to `limiter` in one
    /// step, when the replay store can
    /// ([`ReplayStore::mark_used_charging`]); `None` when it cannot.
    pub(crate) fn claim_charging<'a>(
        &'a self,
        claims: &'a Claims,
        destructive: bool,
        caller: Option<&'a Caller>,
        limiter: &'a dyn RateLimiter,
    ) -> Option<BoxFuture<'a, Result<TokenCharge, ToolError>>> {
        let token = VerifiedToken::new(&claims.nonce, claims.expires_at, destructive);
        self.replay.mark_used_charging(token, caller, limiter)
    }

    /// Takes back the mark of a claimed token whose call never reached its
    /// write. A store that cannot answer leaves the token used: safe, the
    /// client gets a fresh token with a dry run.
    pub(crate) async fn release(&self, claims: &Claims) {
        if let Err(error) = self.replay.release(&claims.nonce).await {
            tracing::warn!(%error, "could not give back a confirmation token; it stays used");
        }
    }
}

fn invalid(tool: &str) -> ToolError {
    ToolError::new(
        ErrorCode::CONFIRMATION_INVALID,
        format!(
            "This confirmationToken is not valid: it is malformed, altered, or was not issued by this server; \
             nothing was executed. Pass the ConfirmationToken of the dry run exactly as it was returned, or \
             call '{tool}' without confirmationToken to get a new one"
        ),
    )
}

pub(crate) fn already_used() -> ToolError {
    ToolError::new(
        ErrorCode::CONFIRMATION_ALREADY_USED,
        "This confirmationToken was already used: the action it confirmed was executed once and was not \
         repeated now. Check the outcome with a read tool; to do it again, call without confirmationToken \
         for a new preview and token",
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::confirm::{DEFAULT_CONFIRMATION_LIFETIME, MemoryReplayStore};
    use serde_json::json;

    fn confirmer(secret: &[u8], lifetime: Duration) -> Confirmer {
        Confirmer::new(Some(secret), lifetime, Arc::new(MemoryReplayStore::new())).unwrap()
    }

    fn subject<'a>(tool: &'a str, caller: &Caller, args: &serde_json::Value) -> Subject<'a> {
        Subject {
            tool,
            tool_tag: tool_tag("srv", tool),
            caller_tag: caller_tag(Some(caller)),
            arguments_tag: arguments_tag(&crate::signing::digest(args)),
        }
    }

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn round_trip_and_each_refusal() {
        let c = confirmer(SECRET, DEFAULT_CONFIRMATION_LIFETIME);
        let alice = Caller::new("alice").with_account("acme");
        let args = json!({"to": ["a@example.com"], "campaign": 7});
        let now = SystemTime::now();
        let issued = c.issue(&subject("send", &alice, &args), now).unwrap();
        assert!(issued.token.starts_with("v1."));
        assert_eq!(issued.token.len(), 3 + 96 + 1 + 43);

        let ok = c.verify(&issued.token, &subject("send", &alice, &args), now);
        assert!(ok.is_ok());

        let code = |r: Result<Claims, ToolError>| r.err().map(|e| e.code().clone());
        assert_eq!(
            code(c.verify(&issued.token, &subject("other", &alice, &args), now)),
            Some(ErrorCode::CONFIRMATION_WRONG_TOOL)
        );
        let bob = Caller::new("bob").with_account("acme");
        assert_eq!(
            code(c.verify(&issued.token, &subject("send", &bob, &args), now)),
            Some(ErrorCode::CONFIRMATION_WRONG_CALLER)
        );
        let other_account = Caller::new("alice").with_account("globex");
        assert_eq!(
            code(c.verify(&issued.token, &subject("send", &other_account, &args), now)),
            Some(ErrorCode::CONFIRMATION_WRONG_CALLER)
        );
        let changed = json!({"to": ["b@example.com"], "campaign": 7});
        assert_eq!(
            code(c.verify(&issued.token, &subject("send", &alice, &changed), now)),
            Some(ErrorCode::CONFIRMATION_ARGUMENTS_CHANGED)
        );
        let later = now + DEFAULT_CONFIRMATION_LIFETIME;
        assert_eq!(
            code(c.verify(&issued.token, &subject("send", &alice, &args), later)),
            Some(ErrorCode::CONFIRMATION_EXPIRED)
        );
        let other_secret = confirmer(
            b"another secret of at least 32 bytes!",
            Duration::from_secs(60),
        );
        assert_eq!(
            code(other_secret.verify(&issued.token, &subject("send", &alice, &args), now)),
            Some(ErrorCode::CONFIRMATION_INVALID)
        );
    }

    #[test]
    fn tampering_is_detected() {
        let c = confirmer(SECRET, DEFAULT_CONFIRMATION_LIFETIME);
        let alice = Caller::new("alice");
        let args = json!({});
        let now = SystemTime::now();
        let token = c.issue(&subject("t", &alice, &args), now).unwrap().token;
        // Flip one character of the payload (a later expiry, say).
        let mut bytes = token.clone().into_bytes();
        bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(bytes).unwrap();
        for bad in [
            altered.as_str(),
            "",
            "v1.",
            "v2.abc.def",
            "v1.!!!.???",
            &token[..token.len() - 2],
        ] {
            let err = c
                .verify(bad, &subject("t", &alice, &args), now)
                .unwrap_err();
            assert_eq!(err.code(), &ErrorCode::CONFIRMATION_INVALID, "{bad:?}");
        }
    }

    #[test]
    fn short_secrets_are_refused() {
        let err = Confirmer::new(
            Some(b"short"),
            DEFAULT_CONFIRMATION_LIFETIME,
            Arc::new(MemoryReplayStore::new()),
        )
        .err()
        .unwrap();
        assert!(err.contains("at least 32"));
    }
}
