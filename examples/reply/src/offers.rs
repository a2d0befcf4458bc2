//! Jason offers: what Jason pitches, and drafting one from a website address.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{ApplyPatch, Page, Paging, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::knowledge::check_url;
use crate::workspace::state::next_key;
use crate::workspace::{Workspace, non_blank};

/// An offer, stored and returned as is.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Offer {
    /// Offer id, for reply_attach_offer_to_sequence.
    pub id: u64,
    /// Internal name of the offer.
    pub name: String,
    /// The selling company's name.
    pub company_name: String,
    /// What the company does.
    pub company_description: String,
    /// Who the offer is for.
    pub ideal_customer_profile: String,
    /// Why Jason is reaching out.
    pub reason_for_outreach: String,
    /// Customer stories Jason may cite.
    pub case_studies: Vec<String>,
    /// Problems the offer solves.
    pub pain_points: Vec<String>,
    /// Outcomes the offer delivers.
    pub benefits: Vec<String>,
    /// The company's website.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
}

/// Arguments of `reply_list_offers`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListOffersArgs {
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// An offer in a listing.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct OfferSummary {
    /// Offer id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Selling company.
    pub company_name: String,
    /// Sequences it is attached to.
    pub attached_sequence_ids: Vec<u64>,
}

/// Arguments naming one offer.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferRef {
    /// Id of the offer, from reply_list_offers.
    #[schemars(range(min = 1))]
    pub offer_id: u64,
}

/// Arguments of `reply_create_offer`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateOfferArgs {
    /// Internal name of the offer.
    #[schemars(length(min = 1, max = 200))]
    pub name: String,
    /// The selling company's name.
    #[schemars(length(min = 1, max = 200))]
    pub company_name: String,
    /// What the company does.
    #[schemars(length(min = 1, max = 5000))]
    pub company_description: String,
    /// Who the offer is for: industries, roles, company sizes.
    #[schemars(length(max = 5000))]
    pub ideal_customer_profile: Option<String>,
    /// Why Jason is reaching out.
    #[schemars(length(max = 5000))]
    pub reason_for_outreach: Option<String>,
    /// Customer stories Jason may cite.
    #[schemars(length(max = 20))]
    pub case_studies: Option<Vec<String>>,
    /// Problems the offer solves.
    #[schemars(length(max = 20))]
    pub pain_points: Option<Vec<String>>,
    /// Outcomes the offer delivers.
    #[schemars(length(max = 20))]
    pub benefits: Option<Vec<String>>,
    /// The company's website, as an http(s) URL.
    #[schemars(length(max = 2000))]
    pub website_url: Option<String>,
}

/// Arguments of `reply_update_offer`; omitted or null fields keep their value, a passed
/// list replaces the whole list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOfferArgs {
    /// Id of the offer, from reply_list_offers.
    #[schemars(range(min = 1))]
    pub offer_id: u64,
    /// New name.
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// New company name.
    #[schemars(length(min = 1, max = 200))]
    pub company_name: Option<String>,
    /// New company description.
    #[schemars(length(min = 1, max = 5000))]
    pub company_description: Option<String>,
    /// New ideal customer profile.
    #[schemars(length(max = 5000))]
    pub ideal_customer_profile: Option<String>,
    /// New reason for outreach.
    #[schemars(length(max = 5000))]
    pub reason_for_outreach: Option<String>,
    /// Replaces all case studies.
    #[schemars(length(max = 20))]
    pub case_studies: Option<Vec<String>>,
    /// Replaces all pain points.
    #[schemars(length(max = 20))]
    pub pain_points: Option<Vec<String>>,
    /// Replaces all benefits.
    #[schemars(length(max = 20))]
    pub benefits: Option<Vec<String>>,
    /// New website URL.
    #[schemars(length(max = 2000))]
    pub website_url: Option<String>,
}

/// Arguments of `reply_generate_offer_from_website`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GenerateOfferArgs {
    /// The company website to draft from, as an http(s) URL.
    #[schemars(length(min = 1, max = 2000))]
    pub website_url: String,
    /// Extra notes to steer the draft: audience, angle, proof points.
    #[schemars(length(max = 5000))]
    pub notes: Option<String>,
}

/// A drafted offer; nothing is saved until it is passed to reply_create_offer.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct OfferDraft {
    /// Suggested offer name.
    pub name: String,
    /// Company name read from the domain.
    pub company_name: String,
    /// Draft company description.
    pub company_description: String,
    /// Draft ideal customer profile.
    pub ideal_customer_profile: String,
    /// Draft reason for outreach.
    pub reason_for_outreach: String,
    /// Draft case study prompts.
    pub case_studies: Vec<String>,
    /// Draft pain points.
    pub pain_points: Vec<String>,
    /// Draft benefits.
    pub benefits: Vec<String>,
    /// The URL the draft came from.
    pub website_url: String,
    /// Reminder that the draft is not stored.
    pub note: String,
}

fn clean_list(items: Option<Vec<String>>) -> Option<Vec<String>> {
    items.map(|list| {
        list.into_iter()
            .filter_map(|i| non_blank(Some(i)))
            .collect()
    })
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Drafts an offer from nothing but the URL's text: the domain names the company, the
/// path's words become topic hints.
fn draft_from_url(url: &str, notes: Option<&str>) -> OfferDraft {
    let rest = url
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.split(':').next().unwrap_or(host).to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let labels: Vec<&str> = host.split('.').collect();
    let stem = if labels.len() >= 3 && matches!(labels[labels.len() - 2], "co" | "com" | "org") {
        labels[labels.len() - 3]
    } else if labels.len() >= 2 {
        labels[labels.len() - 2]
    } else {
        host
    };
    let company = stem
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(title_case)
        .collect::<Vec<_>>()
        .join(" ");
    const FILLER: &[&str] = &["index", "html", "en", "us", "home", "www", "php", "aspx"];
    let hints: Vec<String> = path
        .split(['/', '-', '_', '?', '&', '=', '#', '.'])
        .map(str::to_lowercase)
        .filter(|w| {
            w.len() > 2 && w.chars().all(char::is_alphabetic) && !FILLER.contains(&w.as_str())
        })
        .fold(Vec::new(), |mut acc, w| {
            if !acc.contains(&w) {
                acc.push(w);
            }
            acc
        });
    let focus = if hints.is_empty() {
        "its core product".to_owned()
    } else {
        hints.join(" ")
    };
    let notes_line = notes
        .map(|n| format!(" Notes from the user: {n}"))
        .unwrap_or_default();
    OfferDraft {
        name: format!("{company} – {}", title_case(&focus)),
        company_name: company.clone(),
        company_description: format!(
            "{company} ({host}) helps its customers with {focus}. Review and expand this \
             description with what the company actually sells.{notes_line}"
        ),
        ideal_customer_profile: format!(
            "Teams that are responsible for {focus} and are evaluating tools to do it faster."
        ),
        reason_for_outreach: format!(
            "Prospects who fit the profile are likely spending time on {focus} that {company} \
             could save them."
        ),
        case_studies: vec![format!(
            "Add a short customer story showing a measurable result with {company}."
        )],
        pain_points: vec![
            format!("Manual, slow work around {focus}"),
            "Hard to measure what is working".to_owned(),
        ],
        benefits: vec![
            format!("Less time spent on {focus}"),
            "Clearer results to report to leadership".to_owned(),
        ],
        website_url: url.to_owned(),
        note: "Draft only, built from the URL text without visiting the site; nothing was saved. \
               Edit it, then save it with reply_create_offer."
            .to_owned(),
    }
}

impl Workspace {
    /// `reply_list_offers`: the workspace's offers.
    pub fn list_offers(&self, args: ListOffersArgs) -> ToolResult<Page<OfferSummary>> {
        let state = self.read();
        let items = state.offers.values().map(|o| OfferSummary {
            id: o.id,
            name: o.name.clone(),
            company_name: o.company_name.clone(),
            attached_sequence_ids: state
                .sequences
                .values()
                .filter(|s| s.offer_id == Some(o.id))
                .map(|s| s.id)
                .collect(),
        });
        Ok(Page::from_iter(items, args.paging))
    }

    /// `reply_get_offer`: one offer in full.
    pub fn get_offer(&self, args: OfferRef) -> ToolResult<Offer> {
        let state = self.read();
        state
            .offers
            .get(&args.offer_id)
            .cloned()
            .ok_or_else(|| missing_offer(args.offer_id))
    }

    /// `reply_create_offer`: stores a new offer.
    pub fn create_offer(&self, args: CreateOfferArgs) -> ToolResult<Offer> {
        let mut state = self.write();
        let website_url = non_blank(args.website_url)
            .map(|u| check_url(&u, "websiteUrl"))
            .transpose()?;
        let require = |text: String, field: &str| {
            non_blank(Some(text))
                .ok_or_else(|| ToolError::invalid_arguments(format!("{field} is blank")))
        };
        let offer = Offer {
            id: next_key(&state.offers),
            name: require(args.name, "name")?,
            company_name: require(args.company_name, "companyName")?,
            company_description: require(args.company_description, "companyDescription")?,
            ideal_customer_profile: non_blank(args.ideal_customer_profile).unwrap_or_default(),
            reason_for_outreach: non_blank(args.reason_for_outreach).unwrap_or_default(),
            case_studies: clean_list(args.case_studies).unwrap_or_default(),
            pain_points: clean_list(args.pain_points).unwrap_or_default(),
            benefits: clean_list(args.benefits).unwrap_or_default(),
            website_url,
        };
        state.tick();
        state.offers.insert(offer.id, offer.clone());
        Ok(offer)
    }

    /// `reply_update_offer`: patches an offer.
    pub fn update_offer(&self, args: UpdateOfferArgs) -> ToolResult<Offer> {
        let mut state = self.write();
        let website_url = args
            .website_url
            .map(|u| check_url(&u, "websiteUrl"))
            .transpose()?;
        state.tick();
        let offer = state
            .offers
            .get_mut(&args.offer_id)
            .ok_or_else(|| missing_offer(args.offer_id))?;
        non_blank(args.name).apply_to(&mut offer.name);
        non_blank(args.company_name).apply_to(&mut offer.company_name);
        non_blank(args.company_description).apply_to(&mut offer.company_description);
        args.ideal_customer_profile
            .apply_to(&mut offer.ideal_customer_profile);
        args.reason_for_outreach
            .apply_to(&mut offer.reason_for_outreach);
        clean_list(args.case_studies).apply_to(&mut offer.case_studies);
        clean_list(args.pain_points).apply_to(&mut offer.pain_points);
        clean_list(args.benefits).apply_to(&mut offer.benefits);
        website_url.apply_to(&mut offer.website_url);
        Ok(offer.clone())
    }

    /// `reply_generate_offer_from_website`: drafts an offer from a URL; stores nothing.
    pub fn generate_offer_from_website(&self, args: GenerateOfferArgs) -> ToolResult<OfferDraft> {
        let url = check_url(&args.website_url, "websiteUrl")?;
        Ok(draft_from_url(&url, non_blank(args.notes).as_deref()))
    }
}

fn missing_offer(id: u64) -> ToolError {
    ToolError::not_found(format!(
        "no offer with id {id}; list offers with reply_list_offers"
    ))
}

#[cfg(test)]
mod tests {
    use super::draft_from_url;

    #[test]
    fn company_and_hints_come_from_the_url() {
        let d = draft_from_url(
            "https://www.acme-robotics.com/solutions/warehouse-automation",
            None,
        );
        assert_eq!(d.company_name, "Acme Robotics");
        assert!(
            d.company_description
                .contains("solutions warehouse automation")
        );
        let uk = draft_from_url("https://shop.brightpath.co.uk", Some("focus on retail"));
        assert_eq!(uk.company_name, "Brightpath");
        assert!(uk.company_description.contains("focus on retail"));
    }
}

#[cfg(test)]
mod workspace_tests {
    use mcp_tools::serde_json::json;

    use super::*;
    use crate::workspace::args;

    #[test]
    fn generating_an_offer_stores_nothing() {
        let ws = Workspace::sandbox();
        let before = ws.list_offers(args(json!({}))).expect("list").items.len();
        let draft = ws
            .generate_offer_from_website(args(
                json!({"websiteUrl": "https://helixgenomics.com/lab-automation"}),
            ))
            .expect("draft");
        assert_eq!(draft.company_name, "Helixgenomics");
        assert_eq!(
            ws.list_offers(args(json!({}))).expect("list").items.len(),
            before
        );
        let bad = ws.generate_offer_from_website(args(json!({"websiteUrl": "helix genomics"})));
        assert_eq!(
            bad.expect_err("bad url").code().as_str(),
            "InvalidParameter"
        );
    }

    #[test]
    fn create_and_patch_an_offer() {
        let ws = Workspace::sandbox();
        let created = ws
            .create_offer(args(json!({
                "name": "Trial", "companyName": "Brightloop", "companyDescription": "Pipeline tools",
                "painPoints": ["a", "b"]
            })))
            .expect("create");
        let patched = ws
            .update_offer(args(
                json!({"offerId": created.id, "painPoints": ["c"], "name": null}),
            ))
            .expect("update");
        assert_eq!(patched.pain_points, ["c"]);
        assert_eq!(patched.name, "Trial");
        assert_eq!(
            ws.get_offer(args(json!({"offerId": created.id})))
                .expect("get")
                .pain_points,
            ["c"]
        );
        let missing = ws.get_offer(args(json!({"offerId": 404})));
        assert_eq!(missing.expect_err("missing").code().as_str(), "NotFound");
    }
}
