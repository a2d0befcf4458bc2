//! Help and meta: the bundled help-center corpus, the app map, and reports of
//! capabilities the product lacks.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, ToolError, ToolResult, Validate};
use serde::{Deserialize, Serialize};

use crate::workspace::state::UnsupportedRequest;
use crate::workspace::{Workspace, check, clock};

/// Product area of an unsupported request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RequestCategory {
    /// Connections to other products.
    #[serde(rename = "integrations")]
    Integrations,
    /// Reports and analytics.
    #[serde(rename = "reporting")]
    Reporting,
    /// Sequences and outreach flows.
    #[serde(rename = "sequences")]
    Sequences,
    /// Contacts and lists.
    #[serde(rename = "contacts")]
    Contacts,
    /// Mailboxes and email sending.
    #[serde(rename = "email")]
    Email,
    /// LinkedIn automation.
    #[serde(rename = "linkedIn")]
    LinkedIn,
    /// Jason and other AI features.
    #[serde(rename = "ai")]
    Ai,
    /// Anything else.
    #[serde(rename = "other")]
    Other,
}

/// One help-center article.
#[derive(Debug, Clone, Copy)]
pub struct Article {
    /// Stable identifier.
    pub slug: &'static str,
    /// Title.
    pub title: &'static str,
    /// Full text.
    pub body: &'static str,
    /// Where the article lives.
    pub source_url: &'static str,
}

const HELP: &str = "https://support.reply.io/en/articles/";

macro_rules! articles {
    ($(($slug:literal, $title:literal, $body:literal),)*) => {
        /// The bundled help-center corpus.
        pub const ARTICLES: &[Article] = &[
            $(Article { slug: $slug, title: $title, body: $body, source_url: concat!("https://support.reply.io/en/articles/", $slug) },)*
        ];
    };
}

articles! {
    ("connect-an-email-account", "Connecting an email account",
     "Open Settings, then Email Accounts, and choose Add Email Account. Pick Gmail, Outlook or \
      another provider over IMAP/SMTP and sign in. Once connected, the mailbox shows a green \
      status and can be linked to sequences. A disconnected mailbox stops sending until you \
      reconnect it from the same page."),
    ("daily-sending-limits", "Daily sending limits for mailboxes",
     "Each mailbox has a daily limit on how many emails it sends. New mailboxes should start low \
      and rise gradually while warming up. Set the limit in Settings, Email Accounts, on the \
      mailbox's settings. Sequences spread their sends across every linked mailbox."),
    ("create-a-sequence", "Creating a sequence",
     "Go to Sequences and click New Sequence. Add steps such as emails, LinkedIn actions and \
      calls, and set the delay in days between them. Link at least one mailbox and a schedule, \
      add contacts, then start the sequence. A new sequence does nothing until started."),
    ("ab-testing-steps", "A/B testing sequence steps",
     "Any step can carry several content variants. Reply rotates enabled variants evenly among \
      contacts, so you can compare subject lines or openings. Disable a losing variant from the \
      step editor to stop using it."),
    ("sequence-contact-statuses", "Contact statuses inside a sequence",
     "A contact in a sequence is Active (receiving steps), Paused (held), Finished (went \
      through all steps or replied), Inactive (stopped, for example after a bounce) or \
      OutOfOffice (away; steps resume later). Change a status from the sequence's People tab."),
    ("pause-and-resume-sequences", "Pausing and resuming a sequence",
     "Pausing stops every pending step of the sequence. Starting it again resumes where each \
      contact left off. Archived sequences cannot be started; copy them into a new sequence \
      instead."),
    ("sending-schedules", "Sending schedules",
     "A schedule sets the days and hours when a sequence may send, in a chosen time zone. Manage \
      schedules in Settings, Schedules, and mark one as default for new sequences."),
    ("linkedin-account-setup", "Connecting a LinkedIn account",
     "Add LinkedIn accounts in Settings, LinkedIn Accounts. Reply uses the account's session to \
      run LinkedIn steps. If the session cookie expires the account is marked unhealthy and \
      LinkedIn steps stall until you reconnect it."),
    ("blacklist-contacts-and-domains", "Blacklisting addresses and domains",
     "The blacklist blocks outreach to an address or to a whole domain. Domain entries also \
      cover contacts added later. Manage entries in Settings, Blacklist. Blacklisted contacts \
      are stopped in all sequences."),
    ("opt-outs-and-unsubscribes", "Opt-outs and unsubscribe links",
     "When a contact unsubscribes, Reply marks them as opted out and never emails them again from \
      any sequence or the inbox. Add an unsubscribe link to emails from the step editor."),
    ("import-contacts-csv", "Importing contacts from a CSV file",
     "Go to People, choose Import and upload a CSV. Map the columns to contact fields, choose a \
      list, and decide how to treat duplicates. Large imports run in the background."),
    ("contact-lists", "Organizing contacts into lists",
     "Lists group contacts for filtering and bulk actions. Create a list from People, then add \
      contacts by import, by hand or with bulk actions."),
    ("unified-inbox", "Working in the unified inbox",
     "The inbox collects replies from email and LinkedIn in one place. Assign categories such as \
      Interested or Not interested to keep track of conversations, and reply directly from a \
      thread on its own channel."),
    ("jason-ai-sdr-overview", "Jason AI SDR overview",
     "Jason is Reply's AI sales development rep. It writes and answers outreach using an offer \
      (what you sell), a playbook (how to sell) and a knowledge base (facts about your company). \
      Attach all three to a sequence before turning Jason on."),
    ("jason-review-vs-autopilot", "Review mode and autopilot for Jason",
     "In Review mode every draft Jason writes waits in the approval queue until you approve, \
      regenerate or reject it. Autonomous mode, also called autopilot, sends drafts without \
      review. Rejecting a draft removes the contact from the sequence."),
    ("jason-knowledge-base", "Building a knowledge base for Jason",
     "A knowledge base holds instructions and web pages Jason learns from. Reply handlers tell \
      Jason how to answer common questions like pricing, and reengagement cards tell it how to \
      restart a conversation after a period of silence."),
    ("jason-offers-and-playbooks", "Offers and playbooks",
     "An offer describes the company, the ideal customer, pain points, benefits and case studies. \
      A playbook is a set of selling instructions. Playbooks can be shared with your team or the \
      whole organization, and duplicated to start a variant."),
    ("tasks-overview", "Tasks: calls, LinkedIn actions and to-dos",
     "Tasks remind you of manual work: calls, meetings, LinkedIn actions, manual emails, SMS and \
      WhatsApp messages, or general to-dos. Complete a call task with its outcome so reports \
      count it correctly."),
    ("api-key", "Finding your API key",
     "Open Settings and choose API Key to see or regenerate the key. Use it in the x-api-key \
      header or as a Bearer token. Regenerating invalidates the old key at once."),
    ("sequence-reports", "Reading sequence reports",
     "Each sequence reports delivery, open, reply and bounce rates plus LinkedIn acceptance and \
      reply rates. Open the sequence and choose Reports, or compare sequences under Reports."),
}

/// One area of the app.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AppArea {
    /// Area title.
    pub title: String,
    /// What the area is for.
    pub description: String,
    /// Clicks to reach it, in order.
    pub navigation_steps: Vec<String>,
    /// Path relative to the app's base URL.
    pub url: String,
}

const APP_MAP: &[(&str, &str, &[&str], &str)] = &[
    (
        "Sequences",
        "Create, edit, start and pause sequences and see their people and reports.",
        &["Open the left menu", "Click Sequences"],
        "/sequences",
    ),
    (
        "People",
        "Browse, import, filter and edit contacts and lists.",
        &["Open the left menu", "Click People"],
        "/people",
    ),
    (
        "Inbox",
        "Read and answer replies from email and LinkedIn; set categories.",
        &["Open the left menu", "Click Inbox"],
        "/inbox",
    ),
    (
        "Tasks",
        "Work through calls, LinkedIn actions and other manual tasks.",
        &["Open the left menu", "Click Tasks"],
        "/tasks",
    ),
    (
        "Jason AI SDR",
        "Set up offers, playbooks and knowledge bases and review Jason's drafts.",
        &["Open the left menu", "Click Jason AI SDR"],
        "/ai-sdr",
    ),
    (
        "Reports",
        "Compare sequence, team and channel performance over time.",
        &["Open the left menu", "Click Reports"],
        "/reports",
    ),
    (
        "Email accounts",
        "Connect mailboxes, set daily limits and warm-up.",
        &[
            "Click your avatar",
            "Choose Settings",
            "Open Email Accounts",
        ],
        "/settings/email-accounts",
    ),
    (
        "LinkedIn accounts",
        "Connect LinkedIn accounts and fix unhealthy sessions.",
        &[
            "Click your avatar",
            "Choose Settings",
            "Open LinkedIn Accounts",
        ],
        "/settings/linkedin-accounts",
    ),
    (
        "Schedules",
        "Define sending days, hours and time zones.",
        &["Click your avatar", "Choose Settings", "Open Schedules"],
        "/settings/schedules",
    ),
    (
        "Blacklist",
        "Block addresses and domains from all outreach.",
        &["Click your avatar", "Choose Settings", "Open Blacklist"],
        "/settings/blacklist",
    ),
    (
        "Inbox categories",
        "Add, rename or remove the categories used in the inbox.",
        &[
            "Click your avatar",
            "Choose Settings",
            "Open Inbox Categories",
        ],
        "/settings/inbox-categories",
    ),
    (
        "Integrations",
        "Connect CRMs and other tools.",
        &["Click your avatar", "Choose Settings", "Open Integrations"],
        "/settings/integrations",
    ),
    (
        "API key",
        "See or regenerate the API key.",
        &["Click your avatar", "Choose Settings", "Open API Key"],
        "/settings/api-key",
    ),
    (
        "Team",
        "Invite teammates and manage roles.",
        &["Click your avatar", "Choose Settings", "Open Team"],
        "/settings/team",
    ),
];

/// Arguments of `reply_search_knowledge_base`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchHelpArgs {
    /// The question or keywords, for example "how do I connect a mailbox".
    #[schemars(length(min = 1, max = 500))]
    pub query: String,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// One article matching a help search.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ArticleHit {
    /// Slug, for reply_get_knowledge_base_article.
    pub slug: String,
    /// Title.
    pub title: String,
    /// The opening of the article.
    pub snippet: String,
    /// Where the article lives.
    pub source_url: String,
    /// Relevance; higher is better.
    pub score: u32,
}

/// Arguments of `reply_get_knowledge_base_article`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetArticleArgs {
    /// Slug of the article, from reply_search_knowledge_base.
    #[schemars(length(min = 1, max = 200))]
    pub slug: String,
}

/// A help-center article in full.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ArticleView {
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Full text.
    pub body: String,
    /// Where the article lives; cite it.
    pub source_url: String,
}

/// Arguments of `reply_get_app_map`: none.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppMapArgs {}

/// The catalog of app areas.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AppMap {
    /// Base URL the relative URLs hang off.
    pub base_url: String,
    /// The areas.
    pub areas: Vec<AppArea>,
}

/// Arguments of `reply_report_unsupported_request`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportUnsupportedArgs {
    /// A stable kebab-case key naming the missing capability, such as
    /// "export-sequence-to-pdf": lowercase letters and digits in words joined by single
    /// hyphens, 3 to 80 characters. Reuse the same key for the same need.
    #[schemars(length(min = 3, max = 80))]
    pub request_key: String,
    /// Product area of the request.
    pub category: RequestCategory,
    /// What the user asked for, in one or two sentences.
    #[schemars(length(max = 2000))]
    pub description: Option<String>,
}

impl Validate for ReportUnsupportedArgs {
    fn validate(&self) -> Result<(), String> {
        let key = &self.request_key;
        let words_ok = key.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
        if !(3..=80).contains(&key.len()) || !words_ok {
            return Err(format!(
                "requestKey '{key}' is not kebab-case; use 3 to 80 lowercase letters and digits \
                 in words joined by single hyphens, such as 'export-sequence-to-pdf'"
            ));
        }
        Ok(())
    }
}

/// Confirmation of a recorded request.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct UnsupportedReport {
    /// Always true: the request was recorded.
    pub recorded: bool,
    /// The key recorded.
    pub request_key: String,
    /// Its category.
    pub category: RequestCategory,
    /// How many times this key has been reported, this call included.
    pub times_reported: usize,
    /// When it was recorded, ISO 8601 UTC.
    pub recorded_at: String,
}

fn words(text: &str) -> Vec<String> {
    const STOP: &[&str] = &[
        "a", "an", "the", "do", "i", "how", "to", "of", "in", "on", "is", "my", "what", "does",
        "can", "and", "or", "for", "with", "it", "me", "we",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !STOP.contains(&w.as_str()))
        .collect()
}

/// Scores an article against query words: title hits weigh more, prefixes count.
fn score(article: &Article, query: &[String]) -> u32 {
    let title = words(article.title);
    let body = words(article.body);
    let slug = words(article.slug);
    let matches = |list: &[String], q: &str| {
        let stem = &q[..q.len().min(5)];
        list.iter().filter(|w| w.starts_with(stem)).count() as u32
    };
    query
        .iter()
        .map(|q| {
            3 * matches(&title, q).min(1) + 2 * matches(&slug, q).min(1) + matches(&body, q).min(3)
        })
        .sum()
}

fn snippet(body: &str) -> String {
    let first = body.split_inclusive(". ").next().unwrap_or(body);
    first.trim().to_owned()
}

impl Workspace {
    /// `reply_search_knowledge_base`: help articles ranked for a question.
    pub fn search_knowledge_base(&self, args: SearchHelpArgs) -> ToolResult<Page<ArticleHit>> {
        let query = words(&args.query);
        if query.is_empty() {
            return Err(ToolError::invalid_arguments(
                "query has no searchable words; describe the question, such as 'connect gmail \
                 mailbox'",
            ));
        }
        let mut hits: Vec<ArticleHit> = ARTICLES
            .iter()
            .map(|a| (a, score(a, &query)))
            .filter(|(_, s)| *s > 0)
            .map(|(a, s)| ArticleHit {
                slug: a.slug.to_owned(),
                title: a.title.to_owned(),
                snippet: snippet(a.body),
                source_url: a.source_url.to_owned(),
                score: s,
            })
            .collect();
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.slug.cmp(&b.slug)));
        Ok(Page::from_iter(hits, args.paging))
    }

    /// `reply_get_knowledge_base_article`: one article by slug.
    pub fn get_knowledge_base_article(&self, args: GetArticleArgs) -> ToolResult<ArticleView> {
        let slug = args.slug.trim().trim_start_matches(HELP).to_lowercase();
        ARTICLES
            .iter()
            .find(|a| a.slug == slug)
            .map(|a| ArticleView {
                slug: a.slug.to_owned(),
                title: a.title.to_owned(),
                body: a.body.to_owned(),
                source_url: a.source_url.to_owned(),
            })
            .ok_or_else(|| {
                ToolError::new(
                    "ArticleNotFound",
                    format!(
                        "no help article with slug '{}'; find slugs with \
                         reply_search_knowledge_base",
                        args.slug
                    ),
                )
            })
    }

    /// `reply_get_app_map`: the app's areas with navigation steps and relative URLs.
    pub fn get_app_map(&self, _args: AppMapArgs) -> ToolResult<AppMap> {
        Ok(AppMap {
            base_url: "https://run.reply.io".to_owned(),
            areas: APP_MAP
                .iter()
                .map(|(title, description, steps, url)| AppArea {
                    title: (*title).to_owned(),
                    description: (*description).to_owned(),
                    navigation_steps: steps.iter().map(|s| (*s).to_owned()).collect(),
                    url: (*url).to_owned(),
                })
                .collect(),
        })
    }

    /// `reply_report_unsupported_request`: records a capability the product lacks.
    pub fn report_unsupported_request(
        &self,
        args: ReportUnsupportedArgs,
    ) -> ToolResult<UnsupportedReport> {
        check(&args)?;
        let mut state = self.write();
        let at = state.now;
        state.unsupported_requests.push(UnsupportedRequest {
            request_key: args.request_key.clone(),
            category: args.category,
            description: args.description,
            at,
        });
        let times_reported = state
            .unsupported_requests
            .iter()
            .filter(|r| r.request_key == args.request_key)
            .count();
        Ok(UnsupportedReport {
            recorded: true,
            request_key: args.request_key,
            category: args.category,
            times_reported,
            recorded_at: clock::format(at),
        })
    }
}

#[cfg(test)]
mod tests {
    use mcp_tools::serde_json::json;

    use super::*;
    use crate::workspace::args;

    #[test]
    fn corpus_is_well_formed() {
        assert!((15..=25).contains(&ARTICLES.len()));
        let mut slugs: Vec<_> = ARTICLES.iter().map(|a| a.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), ARTICLES.len());
        assert!(ARTICLES.iter().all(|a| a.source_url.starts_with(HELP)));
    }

    #[test]
    fn search_then_read_an_article() {
        let ws = Workspace::sandbox();
        let hits = ws
            .search_knowledge_base(args(json!({"query": "How do I connect a Gmail mailbox?"})))
            .expect("search");
        assert_eq!(hits.items[0].slug, "connect-an-email-account");
        let article = ws
            .get_knowledge_base_article(args(json!({"slug": hits.items[0].slug})))
            .expect("article");
        assert!(article.body.contains("Email Accounts"));
        let autopilot = ws
            .search_knowledge_base(args(json!({"query": "what does autopilot do"})))
            .expect("search");
        assert_eq!(autopilot.items[0].slug, "jason-review-vs-autopilot");
        let missing = ws.get_knowledge_base_article(args(json!({"slug": "no-such-page"})));
        assert_eq!(
            missing.expect_err("missing").code().as_str(),
            "ArticleNotFound"
        );
        let empty = ws.search_knowledge_base(args(json!({"query": "how do I"})));
        assert_eq!(
            empty.expect_err("stop words only").code().as_str(),
            "InvalidArguments"
        );
    }

    #[test]
    fn app_map_lists_areas_with_relative_urls() {
        let map = Workspace::sandbox()
            .get_app_map(args(json!({})))
            .expect("map");
        assert!(map.areas.len() >= 10);
        assert!(
            map.areas
                .iter()
                .all(|a| a.url.starts_with('/') && !a.navigation_steps.is_empty())
        );
    }

    #[test]
    fn unsupported_requests_need_kebab_case_keys() {
        let ws = Workspace::sandbox();
        for bad in [
            "Export PDF",
            "export--pdf",
            "-export",
            "export_pdf",
            "ExportPdf",
            "ab",
        ] {
            let err = ws
                .report_unsupported_request(args(
                    json!({"requestKey": bad, "category": "reporting"}),
                ))
                .expect_err(bad);
            assert_eq!(err.code().as_str(), "InvalidArguments", "{bad}");
        }
        let first = ws
            .report_unsupported_request(args(json!({
                "requestKey": "export-sequence-to-pdf2", "category": "reporting",
                "description": "User wants a PDF of a sequence"
            })))
            .expect("record");
        assert_eq!(first.times_reported, 1);
        let second = ws
            .report_unsupported_request(args(
                json!({"requestKey": "export-sequence-to-pdf2", "category": "linkedIn"}),
            ))
            .expect("record");
        assert_eq!(second.times_reported, 2);
        assert_eq!(second.category, RequestCategory::LinkedIn);
        assert_eq!(ws.read().unsupported_requests.len(), 2);
    }
}
