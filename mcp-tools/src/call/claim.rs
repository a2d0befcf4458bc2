//! A verified confirmation token, marked used and charged to the caller's
//! budgets, or refused.
//!
//! Marking the token is the replay store's; charging it, the rate limiter's.
//! Both answer over the network when replicas share them, so the pipeline
//! asks a store that can do both in one step
//! ([`ReplayStore::mark_used_charging`]) first, and otherwise asks the two in
//! turn, giving the mark back when the budget refuses the call.
//!
//! [`ReplayStore::mark_used_charging`]: crate::confirm::ReplayStore::mark_used_charging

use crate::caller::Caller;
use crate::confirm::{self, Claims, Confirmer, TokenCharge};
use crate::error::ToolError;
use crate::rate::{Acquired, RateClass, RateLedger, RateLimiter};

/// Marks the token that `checked` holds used and charges its call, or
/// refuses it: a token that did not verify, a used one, or one whose call a
/// budget refuses (which leaves it usable). Every take is recorded in
/// `ledger`, for the answer's rate headers.
pub(super) async fn claim(
    confirmer: &Confirmer,
    limiter: Option<&dyn RateLimiter>,
    ledger: Option<&RateLedger>,
    caller: Option<&Caller>,
    checked: Result<Claims, ToolError>,
    destructive: bool,
) -> Result<Claims, ToolError> {
    let Some(limiter) = limiter else {
        let claims = checked?;
        confirmer.claim(&claims).await?;
        return Ok(claims);
    };
    let record = |acquired: &Acquired| {
        if let Some(ledger) = ledger {
            ledger.record(acquired);
        }
    };
    if let Ok(claims) = &checked
        && let Some(charging) = confirmer.claim_charging(claims, destructive, caller, limiter)
    {
        return match charging.await? {
            TokenCharge::Charged(acquired) => {
                record(&acquired);
                acquired
                    .map(|_| *claims)
                    .map_err(|refusal| refusal.to_tool_error())
            }
            TokenCharge::AlreadyUsed(status) => {
                record(&Ok(status));
                Err(confirm::already_used())
            }
        };
    }
    let verified = match checked {
        Ok(claims) => confirmer.claim(&claims).await.map(|()| claims),
        Err(refused) => Err(refused),
    };
    // One question for a verified token: the call and its write. A refused
    // token spends only its own budget.
    let acquired = match &verified {
        Ok(_) if destructive => limiter.acquire_confirmed(caller).await,
        Ok(_) => limiter.acquire(caller, RateClass::Confirmation).await,
        Err(_) => limiter.acquire(caller, RateClass::FailedConfirmation).await,
    };
    record(&acquired);
    if let Err(refusal) = acquired {
        // Refused before planning: the token stays usable.
        if let Ok(claims) = &verified {
            confirmer.release(claims).await;
        }
        return Err(refusal.to_tool_error());
    }
    verified
}
