//! Sending transactional surveys through an active campaign.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Batch, Pii, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::account::{Account, Channel, Customer, DeliveryState, OutboxEntry, OutboxKind, State};
use crate::customers::looks_like_email;

/// One person to survey.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    /// Their email address. A customer with this address is reused; otherwise one is created.
    #[schemars(length(min = 3, max = 254))]
    pub email: String,
    /// Their first name, for a new customer.
    #[schemars(length(max = 100))]
    pub first_name: Option<String>,
    /// Their last name, for a new customer.
    #[schemars(length(max = 100))]
    pub last_name: Option<String>,
    /// Their phone number; SMS campaigns need it unless the customer on file has one.
    #[schemars(length(min = 7, max = 20))]
    pub phone: Option<String>,
}

/// Arguments of send_survey.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendSurveyArgs {
    /// An enabled email or SMS campaign (list_campaigns shows which are enabled).
    #[schemars(range(min = 1))]
    pub campaign_id: u64,
    /// 1 to 100 people to survey. Suppressed and duplicate addresses are dropped.
    pub recipients: Batch<Recipient>,
}

/// Someone the survey would go to.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlannedRecipient {
    /// Their address; de-identified without pii:read.
    pub email: Pii,
    /// Their name; de-identified without pii:read.
    pub name: Pii,
    /// The customer on file, or absent when one will be created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<u64>,
    /// Where the survey goes: the address, or the phone number for SMS (masked without pii:read).
    pub destination: Pii,
}

/// Someone dropped from the send, and why.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DroppedRecipient {
    /// Their address as given; de-identified without pii:read.
    pub email: Pii,
    /// Why they were dropped.
    pub reason: String,
}

/// What send_survey would do, or did.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SurveySend {
    /// The campaign.
    pub campaign_id: u64,
    /// Its name.
    pub campaign_name: String,
    /// Its channel.
    pub channel: Channel,
    /// Who gets the survey.
    pub recipients: Vec<PlannedRecipient>,
    /// Who is dropped, and why.
    pub dropped: Vec<DroppedRecipient>,
    /// How many customers are created.
    pub new_customers: usize,
    /// The outbox ids of the queued surveys, in recipient order (see list_outbox).
    pub outbox_ids: Vec<u64>,
    /// Surveys used this billing period after the send, against the plan limit.
    pub surveys_used_after: u64,
    /// The plan's survey limit for the billing period.
    pub surveys_limit: u64,
}

/// The domain error code when a send would pass the plan's survey limit.
pub const PLAN_LIMIT_REACHED: &str = "PlanLimitReached";

fn plan_send(state: &State, args: &SendSurveyArgs) -> ToolResult<SurveySend> {
    let campaign = state.campaign(args.campaign_id)?;
    if !campaign.enabled {
        let active: Vec<String> = state
            .campaigns
            .iter()
            .filter(|c| c.enabled && c.channel != Channel::Web)
            .map(|c| format!("{} ({})", c.id, c.name))
            .collect();
        return Err(ToolError::conflict(format!(
            "campaign {} ({}) is disabled and cannot send; enable it in Retently or use an active one: {}",
            campaign.id,
            campaign.name,
            active.join(", ")
        )));
    }
    if campaign.channel == Channel::Web {
        return Err(ToolError::invalid_input(format!(
            "campaign {} ({}) is a web widget shown in-app and cannot be sent; pick an email or SMS campaign from list_campaigns",
            campaign.id, campaign.name
        )));
    }
    let mut recipients: Vec<PlannedRecipient> = Vec::new();
    let mut dropped = Vec::new();
    let mut new_customers = 0;
    for r in args.recipients.iter() {
        let email = r.email.trim().to_string();
        let drop = |reason: String| DroppedRecipient {
            email: Pii::email(email.clone()),
            reason,
        };
        if !looks_like_email(&email) {
            dropped.push(drop("not a valid email address".into()));
            continue;
        }
        if recipients
            .iter()
            .any(|p| p.email.expose().eq_ignore_ascii_case(&email))
        {
            dropped.push(drop("listed more than once".into()));
            continue;
        }
        if let Some(reason) = state.suppression_of(&email) {
            dropped.push(drop(reason));
            continue;
        }
        let customer: Option<&Customer> = state
            .customers
            .iter()
            .find(|c| c.email.eq_ignore_ascii_case(&email));
        let name = match customer {
            Some(c) => c.full_name(),
            None => format!(
                "{} {}",
                r.first_name.as_deref().unwrap_or_default().trim(),
                r.last_name.as_deref().unwrap_or_default().trim()
            )
            .trim()
            .to_string(),
        };
        let destination = if campaign.channel == Channel::Sms {
            match r
                .phone
                .clone()
                .or_else(|| customer.and_then(|c| c.phone.clone()))
            {
                Some(phone) => Pii::phone(phone),
                None => {
                    dropped.push(drop(
                        "no phone number for an SMS campaign; pass phone".into(),
                    ));
                    continue;
                }
            }
        } else {
            Pii::email(email.clone())
        };
        if customer.is_none() {
            new_customers += 1;
        }
        recipients.push(PlannedRecipient {
            email: Pii::email(email.clone()),
            name: Pii::name(name),
            customer_id: customer.map(|c| c.id),
            destination,
        });
    }
    let limit = state.plan_limit("surveysSent");
    let used = state.usage("surveysSent") + recipients.len() as u64;
    if used > limit {
        return Err(ToolError::new(
            PLAN_LIMIT_REACHED,
            format!(
                "sending {} surveys would use {used} of the {limit} this billing period allows; send fewer or wait for the period ending {}",
                recipients.len(),
                state.plan.period_end
            ),
        ));
    }
    let first_outbox = State::next_id(&state.outbox, |e| e.id);
    Ok(SurveySend {
        campaign_id: campaign.id,
        campaign_name: campaign.name.clone(),
        channel: campaign.channel,
        outbox_ids: (0..recipients.len() as u64)
            .map(|i| first_outbox + i)
            .collect(),
        recipients,
        dropped,
        new_customers,
        surveys_used_after: used,
        surveys_limit: limit,
    })
}

fn commit_send(state: &mut State, args: &SendSurveyArgs, plan: &SurveySend) -> ToolResult<()> {
    let campaign = state.campaign(plan.campaign_id)?.clone();
    let subject = state
        .templates
        .iter()
        .find(|t| t.id == campaign.template_id)
        .map_or_else(|| campaign.name.clone(), |t| t.subject.clone());
    let now = state.now;
    for (planned, outbox_id) in plan.recipients.iter().zip(&plan.outbox_ids) {
        let email = planned.email.expose().clone();
        let customer_id = match planned.customer_id {
            Some(id) => id,
            None => {
                let given = args
                    .recipients
                    .iter()
                    .find(|r| r.email.trim().eq_ignore_ascii_case(&email));
                let id = State::next_id(&state.customers, |c| c.id);
                state.customers.push(Customer {
                    id,
                    email: email.clone(),
                    first_name: given.and_then(|g| g.first_name.clone()).unwrap_or_default(),
                    last_name: given.and_then(|g| g.last_name.clone()).unwrap_or_default(),
                    phone: given.and_then(|g| g.phone.clone()),
                    company_id: None,
                    tags: Vec::new(),
                    properties: Default::default(),
                    created_at: now,
                });
                id
            }
        };
        state.outbox.push(OutboxEntry {
            id: *outbox_id,
            kind: OutboxKind::Survey,
            campaign_id: Some(campaign.id),
            customer_id: Some(customer_id),
            feedback_id: None,
            email,
            channel: campaign.channel,
            subject: subject.clone(),
            state: DeliveryState::Queued,
            queued_at: now,
            sent_at: None,
        });
    }
    Ok(())
}

impl Account {
    /// `send_survey`, first phase: who would be surveyed and who dropped. Sends nothing.
    pub fn plan_send_survey(&self, args: &SendSurveyArgs) -> ToolResult<SurveySend> {
        plan_send(&self.read(), args)
    }

    /// `send_survey`, second phase: queues the surveys (creating customers as needed).
    pub fn apply_send_survey(&self, args: &SendSurveyArgs) -> ToolResult<SurveySend> {
        self.apply_planned(args, plan_send, commit_send)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_tools::serde_json::{from_value, json};

    fn send(campaign_id: u64, recipients: mcp_tools::serde_json::Value) -> SendSurveyArgs {
        from_value(json!({"campaignId": campaign_id, "recipients": recipients}))
            .expect("valid arguments")
    }

    #[test]
    fn drops_suppressed_duplicate_and_invalid_addresses() {
        let account = Account::sandbox();
        let (suppressed, known) = {
            let s = account.read();
            (
                s.suppressed_emails[0].email.clone(),
                s.customers[1].email.clone(),
            )
        };
        let args = send(
            1,
            json!([
                {"email": "new.person@inbox.example", "firstName": "New", "lastName": "Person"},
                {"email": known},
                {"email": suppressed},
                {"email": "ceo@competitor.example"},
                {"email": "noreply@shop.example"},
                {"email": "NEW.person@inbox.example"},
                {"email": "not-an-address"}
            ]),
        );
        let plan = account.plan_send_survey(&args).unwrap();
        assert_eq!(plan.recipients.len(), 2);
        assert_eq!(plan.new_customers, 1);
        assert_eq!(plan.dropped.len(), 5);
        let reasons: Vec<&str> = plan.dropped.iter().map(|d| d.reason.as_str()).collect();
        assert!(reasons.iter().any(|r| r.contains("suppressed address")));
        assert!(reasons.iter().any(|r| r.contains("suppressed domain")));
        assert!(reasons.iter().any(|r| r.contains("suppressed pattern")));
        assert!(reasons.contains(&"listed more than once"));

        let (outbox, customers) = (account.read().outbox.len(), account.read().customers.len());
        assert_eq!(account.read().outbox.len(), outbox, "a plan queues nothing");
        let done = account.apply_send_survey(&args).unwrap();
        assert_eq!(done.outbox_ids, plan.outbox_ids);
        let state = account.read();
        assert_eq!(state.outbox.len(), outbox + 2);
        assert_eq!(state.customers.len(), customers + 1);
        assert!(
            state
                .outbox
                .iter()
                .rev()
                .take(2)
                .all(|e| e.state == DeliveryState::Queued)
        );
    }

    #[test]
    fn refuses_disabled_and_web_campaigns() {
        let account = Account::sandbox();
        let one = json!([{"email": "a@b.example"}]);
        let err = account.plan_send_survey(&send(6, one.clone())).unwrap_err();
        assert_eq!(err.code().as_str(), "Conflict");
        assert!(err.message().contains("disabled"));
        let err = account
            .apply_send_survey(&send(6, one.clone()))
            .unwrap_err();
        assert_eq!(err.code().as_str(), "Conflict");
        let err = account.plan_send_survey(&send(2, one.clone())).unwrap_err();
        assert_eq!(err.code().as_str(), "InvalidInput");
        let err = account.plan_send_survey(&send(99, one)).unwrap_err();
        assert_eq!(err.code().as_str(), "NotFound");
    }

    #[test]
    fn sms_needs_a_phone() {
        let account = Account::sandbox();
        let plan = account
            .plan_send_survey(&send(
                4,
                json!([
                    {"email": "x1@inbox.example"},
                    {"email": "x2@inbox.example", "phone": "+1 555-0100"}
                ]),
            ))
            .unwrap();
        assert_eq!(plan.recipients.len(), 1);
        assert!(plan.dropped[0].reason.contains("phone"));
    }
}
