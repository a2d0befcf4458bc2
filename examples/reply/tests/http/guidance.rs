//! The agent rules and workflow recipes, served as resources and as prompts
//! that name the user's own sequence, contact or request.

use mcp_tools::serde_json::json;
use mcp_tools::{Client, ProtocolVersion};

use mcp_example_reply::guidance::{RECIPES_URI, RULES_URI};
use mcp_example_reply::server::server;
use mcp_example_reply::workspace::Workspace;

fn client(version: ProtocolVersion) -> Client {
    Client::new(server(Workspace::sandbox(), 3_000).unwrap()).with_protocol_version(version)
}

#[tokio::test]
async fn the_rules_and_recipes_are_readable_resources() {
    let c = client(ProtocolVersion::V2025_11_25);
    let listed = c.list_resources().await.unwrap();
    let uris: Vec<&str> = listed
        .iter()
        .filter_map(|r| r["uri"].as_str())
        .filter(|u| u.starts_with("reply://"))
        .collect();
    assert_eq!(uris, [RULES_URI, RECIPES_URI]);
    let rules = c.read_resource(RULES_URI).await.unwrap();
    assert_eq!(rules["contents"][0]["mimeType"], "text/markdown");
    assert!(
        rules["contents"][0]["text"]
            .as_str()
            .unwrap()
            .contains("HasMore")
    );
    let recipes = c.read_resource(RECIPES_URI).await.unwrap();
    let text = recipes["contents"][0]["text"].as_str().unwrap();
    // Every tool a recipe names is a real tool of this server.
    let tools: Vec<String> = c
        .list_tools()
        .await
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    for named in text
        .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '*'))
        .filter(|w| w.starts_with("reply_") && !w.ends_with('*'))
    {
        assert!(
            tools.iter().any(|t| t == named),
            "the recipes name {named}, which is no tool"
        );
    }
}

#[tokio::test]
async fn a_recipe_prompt_names_what_the_user_asked_for() {
    let c = client(ProtocolVersion::V2026_07_28);
    let prompts = c.list_prompts().await.unwrap();
    assert_eq!(prompts.len(), 6);
    assert!(
        prompts
            .iter()
            .all(|p| p["title"].is_string() && p["description"].is_string())
    );
    let got = c
        .get_prompt(
            "enroll_contact",
            json!({"contact": "maya@brightloop.io", "sequence": "Q3 outbound"}),
        )
        .await
        .unwrap();
    let messages = got["messages"].as_array().unwrap();
    assert_eq!(messages[0]["content"]["resource"]["uri"], RULES_URI);
    let task = messages[1]["content"]["text"].as_str().unwrap();
    assert!(
        task.contains("maya@brightloop.io") && task.contains("Q3 outbound"),
        "{task}"
    );
    assert!(task.contains("reply_add_contact_to_sequence"));

    // A missing argument is refused naming it.
    let refused = c
        .get_prompt("launch_sequence", json!({}))
        .await
        .unwrap_err();
    assert_eq!(refused.code, -32602);
    assert!(refused.message.contains("sequence"), "{}", refused.message);
}

#[tokio::test]
async fn the_same_guidance_is_an_agent_skill() {
    let c = client(ProtocolVersion::V2026_07_28);
    let listed = c.request("skills/list", json!({})).await.unwrap();
    let skill = &listed["skills"][0];
    assert_eq!(skill["uri"], "skill://reply-outreach/SKILL.md", "{listed}");
    assert_eq!(skill["frontmatter"]["name"], "reply-outreach");
    let files: Vec<&str> = skill["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["uri"].as_str())
        .collect();
    assert!(
        files.contains(&"skill://reply-outreach/recipes/launch-sequence.md"),
        "{files:?}"
    );
    let manifest = c
        .read_resource("skill://reply-outreach/SKILL.md")
        .await
        .unwrap();
    let text = manifest["contents"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("---\nname: reply-outreach\n"), "{text}");
    assert!(
        text.contains("Page with top and skip"),
        "the rules are in it"
    );
}
