//! How an agent should work with the Reply tools, served as MCP resources
//! (the rules, the recipes) and prompts (one per recipe, filled in with what
//! the user named), so that a client can hand them to its model.

use mcp_tools::{
    BuildError, Content, PromptContext, PromptMessage, PromptResult, RequestError,
    ResourceContents, ResourceContext, Skill, prompt, resource,
};
use schemars::JsonSchema;
use serde::Deserialize;

/// The URI of the rules for agents.
pub const RULES_URI: &str = "reply://guide/agent-rules";
/// The URI of the workflow recipes.
pub const RECIPES_URI: &str = "reply://guide/recipes";

const RULES: &str = "\
# Working with the Reply tools

1. Decide what kind of request it is: a read, a configuration change, a change to outreach, or a \
message a prospect will see. Every tool says which it is (readOnlyHint, destructiveHint); respect that.
2. Before any change, look up the exact numeric ids with the search, list and filter tools. Do not \
guess an id, and do not ask the user for one.
3. Before anything high-stakes (sending, approving, rejecting, starting, enrolling, blacklisting, \
changing an owner, switching Jason to Autonomous), tell the user what will happen to whom and wait \
for a yes. Rejecting a draft also removes the contact from the sequence; it is not a way to discard \
a draft (regenerate it instead).
4. Results are JSON in the first text content: {\"Success\":true,\"Data\":…} or \
{\"Success\":false,\"ErrorCode\":…,\"ErrorMessage\":…}. Decide on ErrorCode, and report per-item \
outcomes (NotProcessed, AffectedContactIds) with exact counts.
5. Send only the arguments a tool lists, and never an empty string or list for a required one.
6. Page with top and skip until HasMore is false.
7. When a call fails, do what its message says. Never retry a send, approval, start or enrollment \
blindly: a call that timed out may have worked, so check first.
8. When no tool fits, look in reply_get_app_map and reply_search_knowledge_base; only then report \
it with reply_report_unsupported_request and tell the user plainly.
";

const LAUNCH: &str = "\
## Launch a sequence
1. reply_search_sequences by name; settle on one sequenceId (ask the user when several match).
2. reply_get_sequence_steps: which channels does it use?
3. Email steps: reply_list_email_accounts, then reply_assign_email_account_to_sequence if none is \
attached. LinkedIn steps: reply_list_linkedin_accounts, then reply_assign_linkedin_account_to_sequence \
(say so if the account is unhealthy).
4. reply_list_schedules, then reply_assign_schedule_to_sequence if it has none.
5. Optionally give Jason an offer, a playbook and a knowledge base (reply_attach_*), then \
reply_set_sequence_reply_mode.
6. Ask: \"Start this sequence? Its contacts will start receiving outreach.\"
7. reply_start_sequence; NoContacts, NoEmailAccounts or Archived mean a step above was skipped.
8. Confirm it is Active with reply_get_sequence_stats or reply_search_sequences.
";

const ENROLL: &str = "\
## Add a contact to a sequence
1. reply_search_contacts by email address or LinkedIn URL (names are not searchable: ask for an \
email when that is all you have).
2. Not found, and the user confirms the details: reply_create_contact (a name and an email or a \
LinkedIn URL).
3. reply_search_sequences for the sequence.
4. After the user says yes: reply_add_contact_to_sequence (at most 100 ids); contacts it skipped are \
listed in NotProcessed with the reason (ContactAlreadyInSequence, ContactInBlackList, …).
5. reply_get_contact_activity shows the enrollment.
";

const REVIEW: &str = "\
## Review Jason's drafts
1. reply_set_sequence_reply_mode to Review, unless it already is.
2. reply_list_pending_approvals, by sequence, owner or channel.
3. For each draft (a sequenceId and a contactId): read the contact and the conversation, check the \
draft against the attached playbook and knowledge base, then either reply_approve_message (sends at \
once; body and subject may be overridden), reply_regenerate_message with concrete feedback, or, only \
when the contact should leave the sequence for good, reply_reject_message (cannot be undone).
4. reply_bulk_approve_messages only for a batch whose every draft was reviewed: it is all or nothing, \
and one stale draft refuses the whole batch.
";

const AUTONOMOUS: &str = "\
## Let Jason reply on his own
1. Check that the sequence has an offer, a playbook and a knowledge base, and that they were reviewed.
2. Ask plainly: in Autonomous mode Jason sends replies without anyone approving them.
3. reply_set_sequence_reply_mode to Autonomous.
4. Keep an eye on reply_get_inbox_emails and reply_get_sequence_stats.
";

const INBOX: &str = "\
## Answer an inbox thread
1. reply_get_inbox_emails (pages only, no filters; previews, not full bodies): find the threadId and \
its channel.
2. Write the reply and show it to the user for approval.
3. reply_send_inbox_reply with that channel (Email or LinkedIn): a body of up to 32,000 characters; \
no Cc, Bcc, attachments or scheduling. Expect ChannelMismatch, ContactOptedOut or ThreadSendFailed.
4. Optionally reply_change_inbox_category.
";

const UNSUPPORTED: &str = "\
## When no tool does it
1. Make sure no listed tool can do it.
2. reply_get_app_map: it may be a setting in the app; give the user the exact link.
3. reply_search_knowledge_base and reply_get_knowledge_base_article: answer the how-to, citing the \
article.
4. Only when it really is missing: reply_report_unsupported_request with a stable kebab-case \
requestKey and one of its categories, then tell the user it cannot be done here (the REST API may \
cover it).
";

/// The rules an agent using the Reply tools should follow: kinds of
/// request, ids, confirmations, results, paging and failures. Meant for a
/// system prompt.
#[resource(uri = "reply://guide/agent-rules", name = "agent-rules", title = "Rules for agents", mime_type = "text/markdown", audience = ["assistant"], priority = 1.0)]
pub async fn agent_rules(cx: ResourceContext) -> Result<ResourceContents, RequestError> {
    Ok(ResourceContents::text(cx.uri(), RULES).with_mime_type("text/markdown"))
}

/// Step-by-step call sequences for the common jobs: launching a sequence,
/// enrolling a contact, reviewing Jason's drafts, switching him to
/// Autonomous, answering a thread, and requests no tool covers.
#[resource(uri = "reply://guide/recipes", name = "recipes", title = "Workflow recipes", mime_type = "text/markdown", audience = ["assistant"], priority = 0.8)]
pub async fn recipes(cx: ResourceContext) -> Result<ResourceContents, RequestError> {
    let all = [LAUNCH, ENROLL, REVIEW, AUTONOMOUS, INBOX, UNSUPPORTED].join("\n");
    Ok(ResourceContents::text(cx.uri(), all).with_mime_type("text/markdown"))
}

/// The name of the skill that packs the rules and recipes for agents that
/// load Agent Skills.
pub const SKILL_NAME: &str = "reply-outreach";

/// The rules and recipes as an Agent Skill (`skill://reply-outreach/SKILL.md`
/// with one file per recipe), for clients that load skills rather than
/// resources or prompts.
///
/// # Errors
///
/// Never in practice: the files are fixed; a mistake in them fails the
/// server's build, and its tests.
pub fn skill() -> Result<Skill, BuildError> {
    let manifest = format!(
        "---\nname: {SKILL_NAME}\ndescription: How to work with the Reply.io tools safely, \
         resolving ids, confirming high-stakes actions, reading the envelope, paging, and \
         step-by-step recipes for launching sequences, enrolling contacts, supervising Jason \
         and answering the inbox.\n---\n\n{RULES}\n## Recipes\n\nOne file per job in \
         `recipes/`: launch-sequence.md, enroll-contact.md, review-jason-drafts.md, \
         switch-jason-to-autonomous.md, answer-inbox-thread.md, handle-unsupported-request.md.\n"
    );
    Skill::builder(SKILL_NAME)
        .file("SKILL.md", manifest)
        .file("recipes/launch-sequence.md", LAUNCH)
        .file("recipes/enroll-contact.md", ENROLL)
        .file("recipes/review-jason-drafts.md", REVIEW)
        .file("recipes/switch-jason-to-autonomous.md", AUTONOMOUS)
        .file("recipes/answer-inbox-thread.md", INBOX)
        .file("recipes/handle-unsupported-request.md", UNSUPPORTED)
        .build()
}

/// A recipe as a prompt: the rules as an embedded resource, then the task
/// and its steps.
fn recipe(task: String, steps: &str) -> PromptResult {
    PromptResult::new([
        PromptMessage::user(Content::resource_text(RULES_URI, "text/markdown", RULES)),
        PromptMessage::user(Content::text(format!(
            "{task}\n\nFollow these steps:\n\n{steps}"
        ))),
    ])
}

/// Which sequence.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SequenceArgs {
    /// The sequence's name, or part of it, as the user said it.
    pub sequence: String,
}

/// Launch a sequence safely: mailboxes, schedule and optional AI set up
/// first, the user's go-ahead, then a check that it runs.
#[prompt(name = "launch_sequence", title = "Launch a sequence")]
pub async fn launch_sequence(
    _cx: PromptContext,
    args: SequenceArgs,
) -> Result<PromptResult, RequestError> {
    Ok(recipe(
        format!("Launch the Reply sequence \"{}\".", args.sequence),
        LAUNCH,
    ))
}

/// Who to enroll where.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct EnrollArgs {
    /// The contact's email address or LinkedIn profile URL.
    pub contact: String,
    /// The sequence's name, or part of it.
    pub sequence: String,
}

/// Add one contact to a sequence, creating the contact if the user agrees,
/// and verify the enrollment.
#[prompt(name = "enroll_contact", title = "Add a contact to a sequence")]
pub async fn enroll_contact(
    _cx: PromptContext,
    args: EnrollArgs,
) -> Result<PromptResult, RequestError> {
    Ok(recipe(
        format!(
            "Add {} to the Reply sequence \"{}\".",
            args.contact, args.sequence
        ),
        ENROLL,
    ))
}

/// Which drafts to review.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReviewArgs {
    /// Only the drafts of this sequence (its name); all pending drafts when left out.
    pub sequence: Option<String>,
}

/// Go through Jason's pending drafts one by one: approve, regenerate with
/// feedback, or (rarely) reject.
#[prompt(name = "review_jason_drafts", title = "Review Jason's drafts")]
pub async fn review_jason_drafts(
    _cx: PromptContext,
    args: ReviewArgs,
) -> Result<PromptResult, RequestError> {
    let task = match args.sequence {
        Some(sequence) => format!("Review Jason's pending drafts in the sequence \"{sequence}\"."),
        None => "Review Jason's pending drafts.".to_owned(),
    };
    Ok(recipe(task, REVIEW))
}

/// Let Jason answer a sequence's replies without approval, after checking
/// he has what he needs and the user agreed.
#[prompt(
    name = "switch_jason_to_autonomous",
    title = "Let Jason reply on his own"
)]
pub async fn switch_jason_to_autonomous(
    _cx: PromptContext,
    args: SequenceArgs,
) -> Result<PromptResult, RequestError> {
    Ok(recipe(
        format!(
            "Switch Jason to Autonomous for the sequence \"{}\".",
            args.sequence
        ),
        AUTONOMOUS,
    ))
}

/// Which thread to answer.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ThreadArgs {
    /// Who or what the thread is about, as the user described it.
    pub thread: String,
}

/// Answer an inbox thread on its own channel, with the user's approval of
/// the text.
#[prompt(name = "answer_inbox_thread", title = "Answer an inbox thread")]
pub async fn answer_inbox_thread(
    _cx: PromptContext,
    args: ThreadArgs,
) -> Result<PromptResult, RequestError> {
    Ok(recipe(
        format!("Answer the inbox thread: {}.", args.thread),
        INBOX,
    ))
}

/// What the user asked for.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct RequestArgs {
    /// The user's request, in their words.
    pub request: String,
}

/// A request that no tool seems to cover: find the in-app setting or the
/// help article first, and report it only when it is really missing.
#[prompt(name = "handle_unsupported_request", title = "When no tool does it")]
pub async fn handle_unsupported_request(
    _cx: PromptContext,
    args: RequestArgs,
) -> Result<PromptResult, RequestError> {
    Ok(recipe(
        format!(
            "The user asked: \"{}\". No tool seems to do it.",
            args.request
        ),
        UNSUPPORTED,
    ))
}
