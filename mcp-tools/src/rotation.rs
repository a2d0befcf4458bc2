//! Key rotation: the secrets being rotated out, whose confirmation tokens and
//! `requestState` values still verify until they expire.
//!
//! Rotating a shared secret across replicas without refusing tokens already
//! handed out takes two deployments: first every replica signs with the new
//! secret and keeps the old one as the previous secret; once the longest
//! lifetime (the confirmation lifetime, the `requestState` time to live) has
//! passed since the last replica switched, the previous secret is dropped.
//! New tokens and states are always sealed with the current secret; one sealed
//! with the previous secret is checked exactly as before (caller, arguments,
//! expiry), so it stays valid until it expires and no longer.

use crate::builder::ServerBuilder;
use crate::confirm;
use crate::error::{BuildError, BuildErrorKind};

/// The previous secrets a builder was given.
#[derive(Default)]
pub(crate) struct PreviousSecrets {
    pub(crate) confirmation: Option<Vec<u8>>,
    pub(crate) request_state: Option<Vec<u8>>,
}

impl PreviousSecrets {
    /// Refuses a previous secret that is too short, or one given without the
    /// current secret it is rotated to (the current one would then be a
    /// random per-process secret, which no other replica shares).
    pub(crate) fn check(
        &self,
        confirmation: Option<&[u8]>,
        request_state: Option<&[u8]>,
    ) -> Result<(), BuildError> {
        let invalid =
            |message: String| BuildError::new(BuildErrorKind::InvalidConfiguration, message);
        if let Some(previous) = &self.confirmation {
            if confirmation.is_none() {
                return Err(invalid(
                    "previous_confirmation_secret was set without confirmation_secret; \
                     set the current secret too (the one new tokens are signed with)"
                        .to_owned(),
                ));
            }
            if previous.len() < confirm::MIN_SECRET_LEN {
                return Err(invalid(format!(
                    "the previous confirmation secret has {} bytes; use at least {} random bytes",
                    previous.len(),
                    confirm::MIN_SECRET_LEN
                )));
            }
        }
        if self.request_state.is_some() && request_state.is_none() {
            return Err(invalid(
                "previous_request_state_secret was set without request_state_secret; \
                 set the current secret too (the one new states are signed with)"
                    .to_owned(),
            ));
        }
        Ok(())
    }
}

/// Key rotation (see the module `rotation` of this crate's source, and
/// [`confirmation_secret`](ServerBuilder::confirmation_secret)).
impl ServerBuilder {
    /// A confirmation secret being rotated out: tokens it signed are still
    /// accepted until they expire, while new tokens are signed with
    /// [`confirmation_secret`](Self::confirmation_secret), which must be set
    /// too. At least [`MIN_SECRET_LEN`](confirm::MIN_SECRET_LEN) bytes.
    ///
    /// Rotate in two steps: deploy every replica with the new secret as
    /// current and the old one as previous; once the
    /// [confirmation lifetime](Self::confirmation_lifetime) has passed, drop
    /// the previous secret.
    ///
    /// ```
    /// use mcp_tools::Server;
    ///
    /// let server = Server::builder("crm", "1.0.0")
    ///     .confirmation_secret(*b"the-new-secret-32-bytes-or-more!")
    ///     .previous_confirmation_secret(*b"the-old-secret-32-bytes-or-more!")
    ///     .build()
    ///     .unwrap();
    /// # let _ = server;
    /// ```
    pub fn previous_confirmation_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.previous_secrets.confirmation = Some(secret.into());
        self
    }

    /// A `requestState` secret being rotated out: states it signed are still
    /// accepted until they expire, while new states are signed with
    /// [`request_state_secret`](Self::request_state_secret), which must be
    /// set too. Drop it once the
    /// [request-state time to live](Self::request_state_ttl) has passed.
    pub fn previous_request_state_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.previous_secrets.request_state = Some(secret.into());
        self
    }
}
