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
