//! Jason offer tools: what Jason pitches.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::offers::{
    CreateOfferArgs, GenerateOfferArgs, ListOffersArgs, Offer, OfferDraft, OfferRef, OfferSummary,
    UpdateOfferArgs,
};
use crate::workspace::Workspace;

/// Lists the Jason (AI SDR) offers of the workspace: what Jason can pitch to prospects, with
/// each offer's id, name, company and the sequences it is attached to.
///
/// This is the resolver for offerId (reply_get_offer, reply_update_offer,
/// reply_attach_offer_to_sequence). Page with top and skip.
#[tool(read_only, name = "reply_list_offers")]
pub async fn list_offers(
    State(ws): State<Workspace>,
    #[args] args: ListOffersArgs,
) -> ToolResult<Page<OfferSummary>> {
    ws.list_offers(args)
}

/// Returns one offer in full: company name and description, ideal customer profile, reason
/// for outreach, case studies, pain points, benefits and website.
///
/// offerId comes from reply_list_offers.
/// Errors: NotFound — unknown offerId.
#[tool(read_only, name = "reply_get_offer")]
pub async fn get_offer(State(ws): State<Workspace>, #[args] args: OfferRef) -> ToolResult<Offer> {
    ws.get_offer(args)
}

/// Creates an offer Jason can pitch: a name, the company name and description, and optionally
/// the ideal customer profile, reason for outreach, case studies, pain points, benefits and
/// website. To start from a website, draft the fields with reply_generate_offer_from_website,
/// review them with the user, then pass them here.
///
/// Errors: InvalidParameter — websiteUrl is not a full http(s) URL; InvalidArguments — blank
/// required text.
#[tool(destructive, name = "reply_create_offer")]
pub async fn create_offer(
    State(ws): State<Workspace>,
    #[args] args: CreateOfferArgs,
) -> ToolResult<Offer> {
    ws.create_offer(args)
}

/// Updates an offer. Only the fields you pass change; a list field (caseStudies, painPoints,
/// benefits), when passed, replaces the whole list.
///
/// offerId comes from reply_list_offers.
/// Errors: NotFound — unknown offerId; InvalidParameter — websiteUrl is not a full http(s) URL.
#[tool(destructive, idempotent, name = "reply_update_offer")]
pub async fn update_offer(
    State(ws): State<Workspace>,
    #[args] args: UpdateOfferArgs,
) -> ToolResult<Offer> {
    ws.update_offer(args)
}

/// Asks Jason to draft offer content from a company website URL and optional notes: company
/// name and description, ideal customer profile, reason for outreach, pain points, benefits
/// and case-study prompts. Nothing is saved: show the draft to the user, then create it with
/// reply_create_offer. In this sandbox the draft is derived from the URL itself; no page is
/// fetched.
///
/// Errors: InvalidParameter — websiteUrl is not a full http(s) URL.
#[tool(read_only, open_world, name = "reply_generate_offer_from_website")]
pub async fn generate_offer_from_website(
    State(ws): State<Workspace>,
    #[args] args: GenerateOfferArgs,
) -> ToolResult<OfferDraft> {
    ws.generate_offer_from_website(args)
}
