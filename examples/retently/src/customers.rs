//! Customers (contacts): listing, search, one profile, and profile updates.

use std::collections::BTreeMap;

use mcp_tools::schemars::JsonSchema;
use mcp_tools::serde_json::{Value, json};
use mcp_tools::{Page, Paging, Pii, PiiKind, ToolError, ToolResult, Validate};
use serde::{Deserialize, Serialize};

use crate::account::{Account, AttributeType, Customer, State, validated};
use crate::calendar::Date;

/// One customer.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerView {
    /// The customer id.
    pub id: u64,
    /// Their email; de-identified without pii:read.
    pub email: Pii,
    /// Their first name; de-identified without pii:read.
    pub first_name: Pii,
    /// Their last name; de-identified without pii:read.
    pub last_name: Pii,
    /// Their phone number, if known; masked without pii:read.
    pub phone: Pii<Option<String>>,
    /// Their company, if known (see get_company).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<u64>,
    /// That company's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// Customer tags (see list_tags).
    pub tags: Vec<String>,
    /// Custom properties, keyed by attribute (see list_account_attributes).
    pub properties: BTreeMap<String, Value>,
    /// How many feedback responses they left.
    pub responses: usize,
    /// Their latest answer and its metric, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_score: Option<String>,
    /// When they were added, ISO 8601 UTC.
    pub created_at: String,
}

/// Arguments of list_customers.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListCustomersArgs {
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of search_customers. At least one criterion; all given criteria must match.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchCustomersArgs {
    /// Customers of this company (ids from list_companies).
    #[schemars(range(min = 1))]
    pub company_id: Option<u64>,
    /// Customers whose company name contains this text, ignoring case.
    #[schemars(length(min = 1, max = 100))]
    pub company_name: Option<String>,
    /// Customers carrying this tag (see list_tags), ignoring case.
    #[schemars(length(min = 1, max = 50))]
    pub tag: Option<String>,
    /// Customers whose full name contains this text, ignoring case. Needs pii:read.
    #[schemars(length(min = 1, max = 100))]
    pub name: Option<String>,
    /// Customers whose email contains this text, ignoring case. Needs pii:read.
    #[schemars(length(min = 1, max = 254))]
    pub email: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

impl Validate for SearchCustomersArgs {
    fn validate(&self) -> Result<(), String> {
        let texts = [&self.company_name, &self.tag, &self.name, &self.email];
        if self.company_id.is_none() && texts.iter().all(|t| t.is_none()) {
            return Err("pass at least one of companyId, companyName, tag, name and email; list_customers lists everyone".into());
        }
        if texts
            .iter()
            .any(|t| t.as_deref().is_some_and(|t| t.trim().is_empty()))
        {
            return Err("search texts cannot be blank; omit the ones you do not need".into());
        }
        Ok(())
    }
}

/// Whether a customer search matches on personal data (name or email), which needs pii:read.
pub fn searches_personal_fields(args: &SearchCustomersArgs) -> bool {
    args.name.is_some() || args.email.is_some()
}

/// Arguments naming one customer.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerIdArgs {
    /// The customer id, from list_customers or search_customers.
    #[schemars(range(min = 1))]
    pub customer_id: u64,
}

/// Arguments of update_contact. Omitted fields stay as they are.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateContactArgs {
    /// The customer to update, from list_customers or search_customers.
    #[schemars(range(min = 1))]
    pub customer_id: u64,
    /// A new email address; must not belong to another customer. Needs pii:write.
    #[schemars(length(min = 3, max = 254))]
    pub email: Option<String>,
    /// A new first name. Needs pii:write.
    #[schemars(length(min = 1, max = 100))]
    pub first_name: Option<String>,
    /// A new last name. Needs pii:write.
    #[schemars(length(min = 1, max = 100))]
    pub last_name: Option<String>,
    /// A new phone number, digits with optional +, spaces, dashes and parentheses. Needs pii:write.
    #[schemars(length(min = 7, max = 20))]
    pub phone: Option<String>,
    /// Moves the customer to this company (ids from list_companies).
    #[schemars(range(min = 1))]
    pub company_id: Option<u64>,
    /// The complete new tag list; it replaces the current tags. Pass [] to clear.
    #[schemars(length(max = 50))]
    pub tags: Option<Vec<String>>,
    /// Custom properties to set, keyed by attribute key from list_account_attributes.
    /// Keys not named keep their value; a null value removes the property.
    pub properties: Option<BTreeMap<String, Value>>,
}

impl Validate for UpdateContactArgs {
    fn validate(&self) -> Result<(), String> {
        let nothing = self.email.is_none()
            && self.first_name.is_none()
            && self.last_name.is_none()
            && self.phone.is_none()
            && self.company_id.is_none()
            && self.tags.is_none()
            && self.properties.as_ref().is_none_or(BTreeMap::is_empty);
        if nothing {
            return Err("nothing to update; pass at least one of email, firstName, lastName, phone, companyId, tags and properties".into());
        }
        Ok(())
    }
}

/// Whether an update changes personal data (email, name or phone), which needs pii:write.
pub fn contains_personal_change(args: &UpdateContactArgs) -> bool {
    args.email.is_some()
        || args.first_name.is_some()
        || args.last_name.is_some()
        || args.phone.is_some()
}

/// A value before or after a change: personal values stay de-identifiable.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ChangeValue {
    /// A personal value (email, name, phone); de-identified without pii:read.
    Personal(Pii<Option<String>>),
    /// Any other value.
    Plain(Value),
}

/// One field an update changes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// The field, such as "email", "tags" or "properties.plan".
    pub field: String,
    /// Its value now (null when unset).
    pub before: ChangeValue,
    /// Its value after the update (null when removed).
    pub after: ChangeValue,
}

/// What update_contact would change, or changed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactUpdate {
    /// The customer.
    pub customer_id: u64,
    /// The fields that differ; fields set to their current value are left out.
    pub changes: Vec<FieldChange>,
    /// Whether any personal field (email, name, phone) changes.
    pub personal_data_changed: bool,
}

impl State {
    fn customer_view(&self, c: &Customer) -> CustomerView {
        let last = self.feedback.iter().rev().find(|f| f.customer_id == c.id);
        CustomerView {
            id: c.id,
            email: Pii::email(c.email.clone()),
            first_name: Pii::name(c.first_name.clone()),
            last_name: Pii::name(c.last_name.clone()),
            phone: Pii::new(PiiKind::Phone, c.phone.clone()),
            company_id: c.company_id,
            company_name: c
                .company_id
                .and_then(|id| self.companies.iter().find(|co| co.id == id))
                .map(|co| co.name.clone()),
            tags: c.tags.clone(),
            properties: c.properties.clone(),
            responses: self
                .feedback
                .iter()
                .filter(|f| f.customer_id == c.id)
                .count(),
            last_score: last.map(|f| format!("{} {}", self.metric_of(f).name(), f.score)),
            created_at: c.created_at.iso(),
        }
    }

    fn customers_newest_first(&self) -> Vec<&Customer> {
        let mut all: Vec<&Customer> = self.customers.iter().collect();
        all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        all
    }

    fn check_property(&self, key: &str, value: &Value) -> ToolResult<()> {
        let attribute = self.attributes.iter().find(|a| a.key == key).ok_or_else(|| {
            let keys: Vec<&str> = self.attributes.iter().map(|a| a.key.as_str()).collect();
            ToolError::invalid_parameter(format!(
                "properties.{key}: the account has no such attribute; known keys are {} (see list_account_attributes)",
                keys.join(", ")
            ))
        })?;
        if value.is_null() {
            return Ok(());
        }
        let fits = match attribute.kind {
            AttributeType::Text => value.as_str().is_some_and(|s| s.chars().count() <= 500),
            AttributeType::Number => value.is_number(),
            AttributeType::Boolean => value.is_boolean(),
            AttributeType::Date => value.as_str().and_then(Date::parse).is_some(),
            AttributeType::Choice => value
                .as_str()
                .is_some_and(|s| attribute.options.iter().any(|o| o == s)),
        };
        if fits {
            return Ok(());
        }
        let expected = match attribute.kind {
            AttributeType::Text => "text of at most 500 characters".to_string(),
            AttributeType::Number => "a number".to_string(),
            AttributeType::Boolean => "true or false".to_string(),
            AttributeType::Date => "a date written YYYY-MM-DD".to_string(),
            AttributeType::Choice => format!("one of {}", attribute.options.join(", ")),
        };
        Err(ToolError::invalid_parameter(format!(
            "properties.{key} takes {expected}, got {value}; pass null to remove it"
        )))
    }

    /// Computes what an update would change, refusing invalid values.
    pub fn plan_contact_update(&self, args: &UpdateContactArgs) -> ToolResult<ContactUpdate> {
        validated(args)?;
        let c = self.customer(args.customer_id)?;
        let mut changes = Vec::new();
        let personal = |v: Option<String>, kind| ChangeValue::Personal(Pii::new(kind, v));
        let mut text_change =
            |field: &str, kind: PiiKind, current: Option<&str>, new: &Option<String>| {
                if let Some(new) = new {
                    let new = new.trim();
                    if current != Some(new) {
                        changes.push(FieldChange {
                            field: field.into(),
                            before: personal(current.map(str::to_string), kind),
                            after: personal(Some(new.to_string()), kind),
                        });
                    }
                }
            };
        if let Some(email) = &args.email {
            let email = email.trim();
            if !looks_like_email(email) {
                return Err(ToolError::invalid_parameter(format!(
                    "email {email:?} is not a valid address; pass one like name@example.com"
                )));
            }
            if let Some(other) = self
                .customers
                .iter()
                .find(|o| o.id != c.id && o.email.eq_ignore_ascii_case(email))
            {
                return Err(ToolError::conflict(format!(
                    "customer {} already uses that email; pick another address or update customer {} instead",
                    other.id, other.id
                )));
            }
        }
        for (field, value) in [
            ("firstName", &args.first_name),
            ("lastName", &args.last_name),
        ] {
            if value
                .as_deref()
                .is_some_and(|v| v.trim().is_empty() || v.chars().count() > 100)
            {
                return Err(ToolError::invalid_parameter(format!(
                    "{field} must be 1 to 100 characters and not blank"
                )));
            }
        }
        if let Some(phone) = &args.phone {
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            let allowed = phone
                .chars()
                .all(|ch| ch.is_ascii_digit() || " +-().".contains(ch));
            if !allowed || !(7..=15).contains(&digits) {
                return Err(ToolError::invalid_parameter(format!(
                    "phone {phone:?} is not a phone number; pass 7 to 15 digits with optional +, spaces, dashes and parentheses"
                )));
            }
        }
        text_change("email", PiiKind::Email, Some(&c.email), &args.email);
        text_change(
            "firstName",
            PiiKind::Name,
            Some(&c.first_name),
            &args.first_name,
        );
        text_change(
            "lastName",
            PiiKind::Name,
            Some(&c.last_name),
            &args.last_name,
        );
        text_change("phone", PiiKind::Phone, c.phone.as_deref(), &args.phone);
        if let Some(company_id) = args.company_id {
            let company = self.company(company_id)?;
            if c.company_id != Some(company_id) {
                changes.push(FieldChange {
                    field: "companyId".into(),
                    before: ChangeValue::Plain(json!(c.company_id)),
                    after: ChangeValue::Plain(json!(company.id)),
                });
            }
        }
        if let Some(tags) = &args.tags {
            let tags = normalize_tags(tags)?;
            if tags != c.tags {
                changes.push(FieldChange {
                    field: "tags".into(),
                    before: ChangeValue::Plain(json!(c.tags)),
                    after: ChangeValue::Plain(json!(tags)),
                });
            }
        }
        for (key, value) in args.properties.iter().flatten() {
            self.check_property(key, value)?;
            let current = c.properties.get(key).cloned().unwrap_or(Value::Null);
            if &current != value {
                changes.push(FieldChange {
                    field: format!("properties.{key}"),
                    before: ChangeValue::Plain(current),
                    after: ChangeValue::Plain(value.clone()),
                });
            }
        }
        let personal_data_changed = changes.iter().any(|ch| {
            matches!(
                ch.field.as_str(),
                "email" | "firstName" | "lastName" | "phone"
            )
        });
        Ok(ContactUpdate {
            customer_id: c.id,
            changes,
            personal_data_changed,
        })
    }
}

/// Trims, drops duplicates (ignoring case) and checks the length of tags.
pub fn normalize_tags(tags: &[String]) -> ToolResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim();
        if tag.is_empty() || tag.chars().count() > 50 {
            return Err(ToolError::invalid_parameter(format!(
                "tag {tag:?} must be 1 to 50 characters and not blank"
            )));
        }
        if !out.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            out.push(tag.to_string());
        }
    }
    Ok(out)
}

/// A light syntax check: one @, a non-empty local part, a dotted domain, no spaces.
pub fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

impl Account {
    /// `list_customers`: customers, newest first.
    pub fn list_customers(&self, args: ListCustomersArgs) -> ToolResult<Page<CustomerView>> {
        let state = self.read();
        let rows = state
            .customers_newest_first()
            .into_iter()
            .map(|c| state.customer_view(c));
        Ok(Page::from_iter(rows, args.paging))
    }

    /// `search_customers`: customers by company, tag, name or email, newest first.
    /// Check `searches_personal_fields` for the pii:read rule before calling.
    pub fn search_customers(&self, args: SearchCustomersArgs) -> ToolResult<Page<CustomerView>> {
        validated(&args)?;
        let state = self.read();
        if let Some(id) = args.company_id {
            state.company(id)?;
        }
        let lower = |s: &Option<String>| s.as_deref().map(|s| s.trim().to_lowercase());
        let (company_name, tag, name, email) = (
            lower(&args.company_name),
            lower(&args.tag),
            lower(&args.name),
            lower(&args.email),
        );
        let rows = state
            .customers_newest_first()
            .into_iter()
            .filter(|c| args.company_id.is_none_or(|id| c.company_id == Some(id)))
            .filter(|c| {
                company_name.as_deref().is_none_or(|needle| {
                    c.company_id
                        .and_then(|id| state.companies.iter().find(|co| co.id == id))
                        .is_some_and(|co| co.name.to_lowercase().contains(needle))
                })
            })
            .filter(|c| {
                tag.as_deref()
                    .is_none_or(|t| c.tags.iter().any(|x| x.to_lowercase() == t))
            })
            .filter(|c| {
                name.as_deref()
                    .is_none_or(|n| c.full_name().to_lowercase().contains(n))
            })
            .filter(|c| {
                email
                    .as_deref()
                    .is_none_or(|e| c.email.to_lowercase().contains(e))
            })
            .map(|c| state.customer_view(c));
        Ok(Page::from_iter(rows, args.paging))
    }

    /// `get_customer`: one customer.
    pub fn get_customer(&self, args: CustomerIdArgs) -> ToolResult<CustomerView> {
        let state = self.read();
        let c = state.customer(args.customer_id)?;
        Ok(state.customer_view(c))
    }

    /// `update_contact`, first phase: what the update would change. Changes nothing.
    /// Check `contains_personal_change` for the pii:write rule before calling.
    pub fn plan_update_contact(&self, args: &UpdateContactArgs) -> ToolResult<ContactUpdate> {
        self.read().plan_contact_update(args)
    }

    /// `update_contact`, second phase: re-plans under the write lock and applies it.
    pub fn apply_update_contact(&self, args: &UpdateContactArgs) -> ToolResult<ContactUpdate> {
        let mut state = self.write();
        let plan = state.plan_contact_update(args)?;
        let tags = match &args.tags {
            Some(tags) => Some(normalize_tags(tags)?),
            None => None,
        };
        let index = state
            .customers
            .iter()
            .position(|c| c.id == args.customer_id)
            .ok_or_else(|| ToolError::not_found("the customer was deleted; nothing was changed"))?;
        let c = &mut state.customers[index];
        let trimmed = |v: &Option<String>| v.as_deref().map(|s| s.trim().to_string());
        if let Some(email) = trimmed(&args.email) {
            c.email = email;
        }
        if let Some(first) = trimmed(&args.first_name) {
            c.first_name = first;
        }
        if let Some(last) = trimmed(&args.last_name) {
            c.last_name = last;
        }
        if let Some(phone) = trimmed(&args.phone) {
            c.phone = Some(phone);
        }
        if let Some(id) = args.company_id {
            c.company_id = Some(id);
        }
        if let Some(tags) = tags {
            c.tags = tags;
        }
        for (key, value) in args.properties.iter().flatten() {
            if value.is_null() {
                c.properties.remove(key);
            } else {
                c.properties.insert(key.clone(), value.clone());
            }
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_tools::serde_json::from_value;

    fn update(value: Value) -> UpdateContactArgs {
        from_value(value).expect("valid arguments")
    }

    #[test]
    fn personal_rules_for_the_tool_layer() {
        assert!(contains_personal_change(&update(
            json!({"customerId": 1, "email": "a@b.example"})
        )));
        assert!(contains_personal_change(&update(
            json!({"customerId": 1, "lastName": "Roe"})
        )));
        assert!(!contains_personal_change(&update(
            json!({"customerId": 1, "tags": ["vip"]})
        )));
        let search: SearchCustomersArgs = from_value(json!({"tag": "vip"})).unwrap();
        assert!(!searches_personal_fields(&search));
        let search: SearchCustomersArgs = from_value(json!({"name": "olivia"})).unwrap();
        assert!(searches_personal_fields(&search));
    }

    #[test]
    fn plan_changes_nothing_and_apply_does() {
        let account = Account::sandbox();
        let before = account
            .get_customer(CustomerIdArgs { customer_id: 5 })
            .unwrap();
        let args = update(json!({
            "customerId": 5,
            "tags": ["vip", "VIP", " beta "],
            "properties": {"plan": "enterprise", "mrr": 999, "betaTester": null},
            "lastName": "Roe"
        }));
        let plan = account.plan_update_contact(&args).unwrap();
        assert!(plan.personal_data_changed);
        assert!(plan.changes.iter().any(|c| c.field == "tags"));
        let unchanged = account
            .get_customer(CustomerIdArgs { customer_id: 5 })
            .unwrap();
        assert_eq!(unchanged.tags, before.tags);
        assert_eq!(unchanged.properties, before.properties);

        account.apply_update_contact(&args).unwrap();
        let after = account
            .get_customer(CustomerIdArgs { customer_id: 5 })
            .unwrap();
        assert_eq!(after.tags, ["vip", "beta"]);
        assert_eq!(after.properties.get("mrr"), Some(&json!(999)));
        assert!(!after.properties.contains_key("betaTester"));
        assert_eq!(after.last_name.expose(), "Roe");
        // Applying again is a no-op plan.
        assert!(
            account
                .plan_update_contact(&args)
                .unwrap()
                .changes
                .is_empty()
        );
    }

    #[test]
    fn properties_follow_the_attribute_schema() {
        let account = Account::sandbox();
        let cases = [
            (json!({"plan": "platinum"}), "one of starter"),
            (json!({"mrr": "lots"}), "a number"),
            (json!({"signupDate": "yesterday"}), "YYYY-MM-DD"),
            (json!({"shoeSize": 42}), "no such attribute"),
        ];
        for (properties, expected) in cases {
            let err = account
                .plan_update_contact(&update(json!({"customerId": 1, "properties": properties})))
                .unwrap_err();
            assert!(err.message().contains(expected), "{}", err.message());
        }
    }

    #[test]
    fn email_changes_are_checked() {
        let account = Account::sandbox();
        let taken = account.read().customers[1].email.clone();
        let err = account
            .plan_update_contact(&update(json!({"customerId": 1, "email": taken})))
            .unwrap_err();
        assert_eq!(err.code().as_str(), "Conflict");
        let err = account
            .plan_update_contact(&update(json!({"customerId": 1, "email": "not an email"})))
            .unwrap_err();
        assert_eq!(err.code().as_str(), "InvalidParameter");
        let err = account
            .plan_update_contact(&update(json!({"customerId": 1})))
            .unwrap_err();
        assert_eq!(err.code().as_str(), "InvalidArguments");
        let err = account
            .plan_update_contact(&update(json!({"customerId": 9999, "tags": []})))
            .unwrap_err();
        assert_eq!(err.code().as_str(), "NotFound");
    }

    #[test]
    fn searches_and_pages() {
        let account = Account::sandbox();
        let page = account
            .search_customers(from_value(json!({"tag": "VIP", "top": 100})).unwrap())
            .unwrap();
        assert!(!page.items.is_empty());
        assert!(page.items.iter().all(|c| c.tags.iter().any(|t| t == "vip")));
        let all = account
            .list_customers(from_value(json!({"top": 100, "skip": 200})).unwrap())
            .unwrap();
        assert_eq!(all.items.len(), 100);
        assert!(!all.has_more);
    }
}
