//! Sequence performance: rates computed from per-contact delivery counters.

use std::collections::BTreeSet;

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Batch, ToolResult, Validate};
use serde::{Deserialize, Serialize};

use crate::sequences::{ContactStatus, SequenceRef, SequenceStatus};
use crate::workspace::state::Sequence;
use crate::workspace::{Workspace, check};

/// Email and LinkedIn performance of one sequence.
///
/// Counts are contacts unless the name says messages; rates are percentages with one
/// decimal, 0 when their base is 0.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceStats {
    /// The sequence.
    pub sequence_id: u64,
    /// Its name.
    pub name: String,
    /// Its run state.
    pub status: SequenceStatus,
    /// Contacts enrolled.
    pub total_contacts: usize,
    /// Contacts per per-sequence status.
    pub contacts_by_status: StatusCounts,
    /// Email messages sent.
    pub emails_sent: u32,
    /// Email messages delivered.
    pub emails_delivered: u32,
    /// Contacts with at least one delivered email.
    pub contacts_delivered: usize,
    /// Contacts who opened at least one email.
    pub contacts_opened: usize,
    /// Contacts who replied by email.
    pub contacts_replied: usize,
    /// Contacts with at least one bounced email.
    pub contacts_bounced: usize,
    /// Delivered messages over sent messages.
    pub delivery_rate: f64,
    /// Contacts who opened over contacts delivered.
    pub open_rate: f64,
    /// Contacts who replied over contacts delivered.
    pub reply_rate: f64,
    /// Contacts bounced over contacts emailed.
    pub bounce_rate: f64,
    /// LinkedIn connection requests sent.
    #[serde(rename = "LinkedInInvitesSent")]
    pub linkedin_invites_sent: u32,
    /// LinkedIn connection requests accepted.
    #[serde(rename = "LinkedInInvitesAccepted")]
    pub linkedin_invites_accepted: u32,
    /// Accepted over sent connection requests.
    #[serde(rename = "LinkedInAcceptanceRate")]
    pub linkedin_acceptance_rate: f64,
    /// LinkedIn messages sent.
    #[serde(rename = "LinkedInMessagesSent")]
    pub linkedin_messages_sent: u32,
    /// Contacts who replied on LinkedIn.
    #[serde(rename = "LinkedInContactsReplied")]
    pub linkedin_contacts_replied: usize,
    /// LinkedIn repliers over contacts messaged on LinkedIn.
    #[serde(rename = "LinkedInReplyRate")]
    pub linkedin_reply_rate: f64,
}

/// Contacts of a sequence per status.
#[derive(Debug, Clone, Copy, Default, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct StatusCounts {
    /// Receiving steps.
    pub active: usize,
    /// Held.
    pub paused: usize,
    /// Done or replied.
    pub finished: usize,
    /// Stopped for good.
    pub inactive: usize,
    /// Away.
    pub out_of_office: usize,
}

/// Arguments of `reply_compare_sequence_performance`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CompareSequencesArgs {
    /// Ids of 2 to 20 distinct sequences, from reply_search_sequences.
    #[schemars(length(min = 2), inner(range(min = 1)), extend("uniqueItems" = true))]
    pub sequence_ids: Batch<u64, 20>,
}

impl Validate for CompareSequencesArgs {
    fn validate(&self) -> Result<(), String> {
        let distinct: BTreeSet<u64> = self.sequence_ids.iter().copied().collect();
        if distinct.len() < 2 {
            return Err(
                "sequenceIds needs at least 2 distinct sequence ids to compare; for \
                        one sequence call reply_get_sequence_stats"
                    .into(),
            );
        }
        if distinct.contains(&0) {
            return Err("sequenceIds must be greater than 0".into());
        }
        Ok(())
    }
}

/// Side-by-side performance of several sequences.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceComparison {
    /// One entry per sequence, in the order asked.
    pub sequences: Vec<SequenceStats>,
    /// The sequence with the highest email reply rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best_reply_rate_sequence_id: Option<u64>,
}

fn rate(part: impl Into<f64>, whole: impl Into<f64>) -> f64 {
    let whole = whole.into();
    if whole == 0.0 {
        0.0
    } else {
        (part.into() * 1000.0 / whole).round() / 10.0
    }
}

/// Computes a sequence's stats from its enrollments.
pub fn stats_of(sequence: &Sequence) -> SequenceStats {
    let mut by_status = StatusCounts::default();
    let (mut sent, mut delivered, mut invites, mut accepted, mut li_sent) = (0, 0, 0, 0, 0);
    let (mut c_emailed, mut c_delivered, mut c_opened, mut c_replied, mut c_bounced) =
        (0, 0, 0, 0, 0);
    let (mut c_li_messaged, mut c_li_replied) = (0, 0);
    for e in sequence.enrollments.values() {
        match e.status {
            ContactStatus::Active => by_status.active += 1,
            ContactStatus::Paused => by_status.paused += 1,
            ContactStatus::Finished => by_status.finished += 1,
            ContactStatus::Inactive => by_status.inactive += 1,
            ContactStatus::OutOfOffice => by_status.out_of_office += 1,
        }
        let d = e.delivery;
        sent += d.emails_sent;
        delivered += d.emails_delivered;
        invites += d.invites_sent;
        accepted += d.invites_accepted;
        li_sent += d.linkedin_messages_sent;
        c_emailed += usize::from(d.emails_sent > 0);
        c_delivered += usize::from(d.emails_delivered > 0);
        c_opened += usize::from(d.emails_opened > 0);
        c_replied += usize::from(d.emails_replied > 0);
        c_bounced += usize::from(d.emails_bounced > 0);
        c_li_messaged += usize::from(d.linkedin_messages_sent > 0);
        c_li_replied += usize::from(d.linkedin_replies > 0);
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    SequenceStats {
        sequence_id: sequence.id,
        name: sequence.name.clone(),
        status: sequence.status,
        total_contacts: sequence.enrollments.len(),
        contacts_by_status: by_status,
        emails_sent: sent,
        emails_delivered: delivered,
        contacts_delivered: c_delivered,
        contacts_opened: c_opened,
        contacts_replied: c_replied,
        contacts_bounced: c_bounced,
        delivery_rate: rate(delivered, sent),
        open_rate: rate(count(c_opened), count(c_delivered)),
        reply_rate: rate(count(c_replied), count(c_delivered)),
        bounce_rate: rate(count(c_bounced), count(c_emailed)),
        linkedin_invites_sent: invites,
        linkedin_invites_accepted: accepted,
        linkedin_acceptance_rate: rate(accepted, invites),
        linkedin_messages_sent: li_sent,
        linkedin_contacts_replied: c_li_replied,
        linkedin_reply_rate: rate(count(c_li_replied), count(c_li_messaged)),
    }
}

impl Workspace {
    /// `reply_get_sequence_stats`: email and LinkedIn metrics of one sequence.
    pub fn get_sequence_stats(&self, args: SequenceRef) -> ToolResult<SequenceStats> {
        let state = self.read();
        Ok(stats_of(state.sequence(args.sequence_id)?))
    }

    /// `reply_compare_sequence_performance`: metrics of several sequences side by side.
    pub fn compare_sequence_performance(
        &self,
        args: CompareSequencesArgs,
    ) -> ToolResult<SequenceComparison> {
        check(&args)?;
        let state = self.read();
        let mut seen = BTreeSet::new();
        let mut sequences = Vec::new();
        for &id in args.sequence_ids.iter() {
            if seen.insert(id) {
                sequences.push(stats_of(state.sequence(id)?));
            }
        }
        let best_reply_rate_sequence_id = sequences
            .iter()
            .filter(|s| s.contacts_delivered > 0)
            .max_by(|a, b| a.reply_rate.total_cmp(&b.reply_rate))
            .map(|s| s.sequence_id);
        Ok(SequenceComparison {
            sequences,
            best_reply_rate_sequence_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use mcp_tools::serde_json::json;

    use super::*;
    use crate::workspace::args;

    #[test]
    fn stats_are_computed_from_enrollments() {
        let ws = Workspace::sandbox();
        let s = ws
            .get_sequence_stats(args(json!({"sequenceId": 1})))
            .expect("stats");
        let by = s.contacts_by_status;
        assert_eq!(
            by.active + by.paused + by.finished + by.inactive + by.out_of_office,
            s.total_contacts
        );
        assert!(s.emails_sent >= s.emails_delivered);
        assert!((0.0..=100.0).contains(&s.reply_rate));
        assert!(s.linkedin_invites_sent > 0);
        let fresh = ws
            .get_sequence_stats(args(json!({"sequenceId": 12})))
            .expect("stats");
        assert_eq!(fresh.emails_sent, 0);
        assert_eq!(fresh.reply_rate, 0.0);
    }

    #[test]
    fn comparison_needs_two_known_sequences() {
        let ws = Workspace::sandbox();
        let one = ws.compare_sequence_performance(args(json!({"sequenceIds": [1, 1]})));
        assert_eq!(
            one.expect_err("one distinct id").code().as_str(),
            "InvalidArguments"
        );
        let unknown = ws.compare_sequence_performance(args(json!({"sequenceIds": [1, 999]})));
        assert_eq!(unknown.expect_err("unknown id").code().as_str(), "NotFound");
        let both = ws
            .compare_sequence_performance(args(json!({"sequenceIds": [2, 1, 7]})))
            .expect("compare");
        let ids: Vec<u64> = both.sequences.iter().map(|s| s.sequence_id).collect();
        assert_eq!(ids, [2, 1, 7]);
        assert!(both.best_reply_rate_sequence_id.is_some());
    }
}
