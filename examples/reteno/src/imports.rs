//! Asynchronous contact imports: accepted at once, then processed row by row
//! as sandbox time passes.

use std::collections::BTreeMap;

use mcp_tools::{Batch, ToolError, ToolResult, Validate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::account::clock;
use crate::account::state::State;
use crate::contacts::ContactInput;

/// How long an import waits in the queue before processing starts.
pub const QUEUE_SECS: i64 = 5;
/// Rows processed per second of sandbox time.
pub const ROWS_PER_SEC: i64 = 20;
/// The most rows one import takes.
pub const MAX_ROWS: usize = 5000;
/// The most per-row errors a status lists.
const MAX_LISTED_ERRORS: usize = 100;

/// Columns a CSV header may name; any other column becomes a custom field.
const KNOWN_COLUMNS: &[&str] = &[
    "externalCustomerId",
    "email",
    "phone",
    "firstName",
    "lastName",
    "languageCode",
    "timeZone",
];

/// An import as stored.
#[derive(Debug, Clone)]
pub struct Import {
    /// Session id.
    pub id: String,
    /// Every row, or why it could not be read.
    pub rows: Vec<Result<ContactInput, String>>,
    /// When it was accepted.
    pub created_at: i64,
    /// Rows applied so far.
    pub processed: usize,
    /// Contacts created so far.
    pub created: usize,
    /// Contacts updated so far.
    pub updated: usize,
    /// Rows refused so far: (row number from 1, reason).
    pub errors: Vec<(usize, String)>,
    /// When the last row was applied.
    pub finished_at: Option<i64>,
}

/// Arguments of `upload_contacts`: a batch payload or a CSV file, exactly one.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadContactsArgs {
    /// Up to 5000 contacts as objects, each with at least one identifier.
    pub contacts: Option<Batch<ContactInput, MAX_ROWS>>,
    /// A CSV file's text: a header line naming columns (externalCustomerId, email, phone, firstName, lastName, languageCode, timeZone; other columns become custom fields), then one contact per line. Up to 5000 rows and 1 MB.
    #[schemars(length(min = 1, max = 1_048_576))]
    pub csv: Option<String>,
    /// Address book (id from get_addressbooks) to file every imported contact in.
    #[schemars(range(min = 1))]
    pub address_book_id: Option<u64>,
}

impl Validate for UploadContactsArgs {
    fn validate(&self) -> Result<(), String> {
        match (&self.contacts, &self.csv) {
            (Some(_), None) | (None, Some(_)) => Ok(()),
            _ => Err("pass the contacts either as contacts (a list) or as csv (a file's text), exactly one".into()),
        }
    }
}

/// What `upload_contacts` returns at once.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportStarted {
    /// Pass it to get_import_status.
    pub session_id: String,
    /// queued.
    pub status: ImportState,
    /// Rows accepted for processing.
    pub total_rows: usize,
}

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImportState {
    /// Waiting to start.
    Queued,
    /// Rows are being applied; counts grow.
    Processing,
    /// Every row was applied or refused.
    Finished,
}

/// Arguments of `get_import_status`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportStatusArgs {
    /// The sessionId upload_contacts returned.
    #[schemars(length(max = 100))]
    pub session_id: String,
}

/// One refused row.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RowError {
    /// Row number, from 1 (a CSV's header is not counted).
    pub row: usize,
    /// Why it was refused.
    pub error: String,
}

/// An import's progress.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportStatus {
    /// The session.
    pub session_id: String,
    /// queued, processing or finished.
    pub status: ImportState,
    /// Rows in the import.
    pub total_rows: usize,
    /// Rows applied or refused so far.
    pub processed_rows: usize,
    /// Contacts created.
    pub created: usize,
    /// Contacts updated.
    pub updated: usize,
    /// Rows refused.
    pub failed: usize,
    /// The first 100 refused rows.
    pub errors: Vec<RowError>,
    /// When it was accepted, ISO 8601 UTC.
    pub started_at: String,
    /// When it finished, ISO 8601 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
}

/// Splits one CSV line into fields; quotes may hold commas and doubled quotes.
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            // Spaces before an opening quote are padding, not content.
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    fields.push(field);
    Ok(fields.into_iter().map(|f| f.trim().to_owned()).collect())
}

/// Reads a CSV file into rows; a bad line becomes that row's error.
fn parse_csv(text: &str) -> ToolResult<Vec<Result<ContactInput, String>>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = csv_fields(lines.next().unwrap_or_default())
        .map_err(|e| ToolError::invalid_parameter(format!("the CSV header cannot be read: {e}")))?;
    if !header
        .iter()
        .any(|h| ["externalCustomerId", "email", "phone"].contains(&h.as_str()))
    {
        return Err(ToolError::invalid_parameter(format!(
            "the CSV header ({}) names no identifier column; it needs email, phone or externalCustomerId",
            header.join(",")
        )));
    }
    let rows: Vec<_> = lines
        .map(|line| {
            let values = csv_fields(line)?;
            if values.len() != header.len() {
                return Err(format!(
                    "{} values for {} columns",
                    values.len(),
                    header.len()
                ));
            }
            let mut known: BTreeMap<&str, String> = BTreeMap::new();
            let mut fields = BTreeMap::new();
            for (h, v) in header.iter().zip(values) {
                if v.is_empty() {
                    continue;
                }
                match KNOWN_COLUMNS.iter().find(|k| **k == h) {
                    Some(k) => {
                        known.insert(k, v);
                    }
                    None => {
                        fields.insert(h.clone(), v);
                    }
                }
            }
            Ok(ContactInput {
                external_customer_id: known.remove("externalCustomerId"),
                email: known.remove("email"),
                phone: known.remove("phone"),
                first_name: known.remove("firstName"),
                last_name: known.remove("lastName"),
                language_code: known.remove("languageCode"),
                time_zone: known.remove("timeZone"),
                email_subscribed: None,
                sms_subscribed: None,
                fields: (!fields.is_empty()).then_some(fields),
                address_book_ids: None,
            })
        })
        .collect();
    if rows.is_empty() {
        return Err(ToolError::invalid_parameter(
            "the CSV has a header but no rows",
        ));
    }
    if rows.len() > MAX_ROWS {
        return Err(ToolError::invalid_parameter(format!(
            "the CSV has {} rows; one import takes at most {MAX_ROWS}, so split it",
            rows.len()
        )));
    }
    Ok(rows)
}

impl Import {
    fn state(&self, now: i64) -> ImportState {
        if self.finished_at.is_some() {
            ImportState::Finished
        } else if now < self.created_at + QUEUE_SECS {
            ImportState::Queued
        } else {
            ImportState::Processing
        }
    }
}

impl State {
    /// Applies the rows of every import that sandbox time has reached.
    pub(crate) fn settle_imports(&mut self) {
        let ids: Vec<String> = self
            .imports
            .values()
            .filter(|i| i.finished_at.is_none())
            .map(|i| i.id.clone())
            .collect();
        for id in ids {
            let Some(mut import) = self.imports.remove(&id) else {
                continue;
            };
            let elapsed = self.now - import.created_at - QUEUE_SECS;
            // Whole seconds of processing; a row takes 1/ROWS_PER_SEC of a second.
            let due = usize::try_from((elapsed + 1).max(0).saturating_mul(ROWS_PER_SEC))
                .unwrap_or(usize::MAX)
                .min(import.rows.len());
            while import.processed < due {
                let n = import.processed;
                match import.rows[n].clone().and_then(|row| {
                    self.upsert(&row)
                        .map_err(|e| format!("{}: {}", e.code(), e.message()))
                }) {
                    Ok(done) if done.created => import.created += 1,
                    Ok(_) => import.updated += 1,
                    Err(e) => import.errors.push((n + 1, e)),
                }
                import.processed += 1;
            }
            if import.processed == import.rows.len() && elapsed >= 0 {
                // The last row fell due at this second of processing.
                let last = i64::try_from(import.rows.len().saturating_sub(1)).unwrap_or(i64::MAX);
                import.finished_at = Some(import.created_at + QUEUE_SECS + last / ROWS_PER_SEC);
            }
            self.imports.insert(id, import);
        }
    }
}

impl Account {
    /// `upload_contacts`: accepts the rows and returns at once.
    pub fn upload_contacts(&self, args: UploadContactsArgs) -> ToolResult<ImportStarted> {
        args.validate().map_err(ToolError::invalid_arguments)?;
        let mut rows = match (args.contacts, args.csv) {
            (Some(batch), _) => batch.into_iter().map(Ok).collect(),
            (None, Some(csv)) => parse_csv(&csv)?,
            (None, None) => Vec::new(),
        };
        let mut state = self.lock();
        if let Some(book) = args.address_book_id {
            if !state.addressbooks.iter().any(|b| b.id == book) {
                return Err(ToolError::not_found(format!(
                    "no address book {book}; take ids from get_addressbooks"
                )));
            }
            for row in rows.iter_mut().flatten() {
                row.address_book_ids.get_or_insert_with(Vec::new).push(book);
            }
        }
        let id = format!("imp-{}", state.next_id());
        let total_rows = rows.len();
        let created_at = state.now;
        state.imports.insert(
            id.clone(),
            Import {
                id: id.clone(),
                rows,
                created_at,
                processed: 0,
                created: 0,
                updated: 0,
                errors: Vec::new(),
                finished_at: None,
            },
        );
        Ok(ImportStarted {
            session_id: id,
            status: ImportState::Queued,
            total_rows,
        })
    }

    /// `get_import_status`.
    pub fn import_status(&self, args: ImportStatusArgs) -> ToolResult<ImportStatus> {
        let state = self.lock();
        let import = state.imports.get(args.session_id.trim()).ok_or_else(|| {
            ToolError::not_found(format!(
                "no import session {:?}; use the sessionId upload_contacts returned",
                args.session_id
            ))
        })?;
        Ok(ImportStatus {
            session_id: import.id.clone(),
            status: import.state(state.now),
            total_rows: import.rows.len(),
            processed_rows: import.processed,
            created: import.created,
            updated: import.updated,
            failed: import.errors.len(),
            errors: import
                .errors
                .iter()
                .take(MAX_LISTED_ERRORS)
                .map(|(row, error)| RowError {
                    row: *row,
                    error: error.clone(),
                })
                .collect(),
            started_at: clock::format(import.created_at),
            finished_at: import.finished_at.map(clock::format),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_are_split_with_quotes() {
        assert_eq!(
            csv_fields(r#"a, "b, c" ,"say ""hi""""#).ok(),
            Some(vec!["a".into(), "b, c".into(), r#"say "hi""#.into()])
        );
        assert!(csv_fields(r#""open"#).is_err());
        let rows = parse_csv("email,firstName,plan\nada@example.com,Ada,gold\nbad-line\n")
            .expect("parses");
        assert_eq!(rows.len(), 2);
        let first = rows[0].as_ref().expect("first row");
        assert_eq!(first.first_name.as_deref(), Some("Ada"));
        assert_eq!(
            first
                .fields
                .as_ref()
                .and_then(|f| f.get("plan"))
                .map(String::as_str),
            Some("gold")
        );
        assert!(rows[1].is_err());
    }
}
