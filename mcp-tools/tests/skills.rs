//! The skills extension (SEP-2640) through the in-process client: listing,
//! getting, reading skill files and directories, and the build-time checks.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use mcp_tools::task::TaskSupport;
use mcp_tools::transport::jsonrpc::code;
use mcp_tools::{
    BuildErrorKind, CacheHints, Client, NoArguments, ProtocolVersion, Resource, ResourceContents,
    ResourceContext, SKILLS_EXTENSION, Server, Skill, Skills, Tool, ToolContext, ToolResult,
};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const REVIEW_MD: &str = "---\nname: code-review\ndescription: >-\n  Reviews a change for bugs and style.\nmetadata:\n  team: platform\n  level: 2\n---\n# Code review\nFollow [the checklist](guides/checklist.md).\n";
const CHECKLIST: &str = "- tests pass\n- names are clear\n";
const LOGO: [u8; 6] = [0x89, b'P', b'N', b'G', 0xff, 0x00];

fn review() -> Skill {
    Skill::builder("code-review")
        .file("SKILL.md", REVIEW_MD)
        .file("guides/checklist.md", CHECKLIST)
        .file("guides/deep/notes.txt", "nested\n")
        .file("assets/logo.png", LOGO)
        .build()
        .unwrap()
}

fn digest(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

fn deploy(n: usize) -> Skill {
    let name = format!("deploy-{n}");
    Skill::builder(&name)
        .file(
            "SKILL.md",
            format!("---\nname: {name}\ndescription: Deploys service {n}.\n---\n"),
        )
        .build()
        .unwrap()
}

fn server() -> Server {
    Server::builder("skills", "1.0.0")
        .skill(review())
        .skills((1..=3).map(deploy))
        .build()
        .unwrap()
}

async fn all_skills(client: &Client) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let params = cursor.map_or_else(|| json!({}), |c| json!({"cursor": c}));
        let page = client.request("skills/list", params).await.unwrap();
        out.extend(page["skills"].as_array().unwrap().iter().cloned());
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return out,
        }
    }
}

#[tokio::test]
async fn the_listing_describes_every_file_with_its_digest_and_size() {
    let client = Client::new(server());
    let skills = all_skills(&client).await;
    assert_eq!(skills.len(), 4);
    let entry = skills
        .iter()
        .find(|s| s["uri"] == "skill://code-review/SKILL.md")
        .unwrap();
    assert_eq!(
        entry["frontmatter"],
        json!({
            "name": "code-review",
            "description": "Reviews a change for bugs and style.",
            "metadata": {"team": "platform", "level": 2},
        })
    );
    let files: [(&str, &[u8]); 4] = [
        ("skill://code-review/SKILL.md", REVIEW_MD.as_bytes()),
        (
            "skill://code-review/guides/checklist.md",
            CHECKLIST.as_bytes(),
        ),
        ("skill://code-review/guides/deep/notes.txt", b"nested\n"),
        ("skill://code-review/assets/logo.png", &LOGO),
    ];
    let listed = entry["resources"].as_array().unwrap();
    assert_eq!(listed.len(), files.len());
    for (uri, bytes) in files {
        let file = listed.iter().find(|r| r["uri"] == uri).unwrap();
        assert_eq!(file["digest"], digest(bytes), "{uri}");
        assert_eq!(file["size"], bytes.len(), "{uri}");
        // What resources/read serves is what the digest covers.
        let read = client.read_resource(uri).await.unwrap();
        let contents = &read["contents"][0];
        let served = match contents["text"].as_str() {
            Some(text) => text.as_bytes().to_vec(),
            None => base64::engine::general_purpose::STANDARD
                .decode(contents["blob"].as_str().unwrap())
                .unwrap(),
        };
        assert_eq!(served, bytes, "{uri}");
    }
}

#[tokio::test]
async fn a_small_page_size_splits_the_listing_between_whole_entries() {
    let server = Server::builder("skills", "1.0.0")
        .list_page_size(1)
        .skill(review())
        .skills((1..=3).map(deploy))
        .build()
        .unwrap();
    let client = Client::new(server);
    let first = client.request("skills/list", json!({})).await.unwrap();
    assert_eq!(first["skills"].as_array().unwrap().len(), 1);
    assert!(first["nextCursor"].is_string());
    let skills = all_skills(&client).await;
    let mut uris: Vec<&str> = skills.iter().map(|s| s["uri"].as_str().unwrap()).collect();
    uris.sort_unstable();
    uris.dedup();
    assert_eq!(uris.len(), 4);
    let bad = client
        .request("skills/list", json!({"cursor": "nonsense"}))
        .await
        .unwrap_err();
    assert_eq!(bad.code, code::INVALID_PARAMS);
}

#[tokio::test]
async fn skills_get_answers_one_entry_and_refuses_unknown_uris() {
    let client = Client::new(server());
    let got = client
        .request("skills/get", json!({"uri": "skill://deploy-2/SKILL.md"}))
        .await
        .unwrap();
    assert_eq!(got["skill"]["uri"], "skill://deploy-2/SKILL.md");
    assert_eq!(got["skill"]["frontmatter"]["name"], "deploy-2");
    assert!(got.get("nextCursor").is_none());
    let listed = all_skills(&client).await;
    assert!(listed.contains(&got["skill"]));

    let unknown = "skill://no-such-skill/SKILL.md";
    let refused = client
        .request("skills/get", json!({"uri": unknown}))
        .await
        .unwrap_err();
    assert_eq!(refused.code, code::INVALID_PARAMS);
    assert_eq!(refused.data.unwrap()["uri"], unknown);
    assert!(
        refused.message.contains("skills/list"),
        "{}",
        refused.message
    );
    let missing = client.request("skills/get", json!({})).await.unwrap_err();
    assert_eq!(missing.code, code::INVALID_PARAMS);
    assert!(missing.message.contains("\"uri\""), "{}", missing.message);
}

#[tokio::test]
async fn skill_files_are_listed_resources_and_skill_md_is_markdown_named_by_its_frontmatter() {
    let client = Client::new(server());
    let resources = client.list_resources().await.unwrap();
    let skill_md = resources
        .iter()
        .find(|r| r["uri"] == "skill://code-review/SKILL.md")
        .unwrap();
    assert_eq!(skill_md["name"], "code-review");
    assert_eq!(
        skill_md["description"],
        "Reviews a change for bugs and style."
    );
    assert_eq!(skill_md["mimeType"], "text/markdown");
    assert_eq!(skill_md["size"], REVIEW_MD.len());
    let read = client
        .read_resource("skill://code-review/SKILL.md")
        .await
        .unwrap();
    assert_eq!(read["contents"][0]["mimeType"], "text/markdown");
    assert_eq!(read["contents"][0]["text"], REVIEW_MD);
    let logo = client
        .read_resource("skill://code-review/assets/logo.png")
        .await
        .unwrap();
    assert_eq!(logo["contents"][0]["mimeType"], "image/png");
    assert!(logo["contents"][0]["blob"].is_string());
}

async fn directory(client: &Client, uri: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut params = json!({"uri": uri});
    loop {
        let page = client
            .request("resources/directory/read", params.clone())
            .await
            .unwrap();
        out.extend(page["resources"].as_array().unwrap().iter().cloned());
        match page["nextCursor"].as_str() {
            Some(next) => params["cursor"] = next.into(),
            None => return out,
        }
    }
}

#[tokio::test]
async fn directories_list_their_direct_children_a_page_at_a_time() {
    for page_size in [1, 100] {
        let server = Server::builder("skills", "1.0.0")
            .list_page_size(page_size)
            .skill(review())
            .build()
            .unwrap();
        let client = Client::new(server);
        let root = directory(&client, "skill://code-review").await;
        assert_eq!(
            root,
            vec![
                json!({"uri": "skill://code-review/SKILL.md", "name": "SKILL.md", "mimeType": "text/markdown", "size": REVIEW_MD.len()}),
                json!({"uri": "skill://code-review/assets", "name": "assets", "mimeType": "inode/directory"}),
                json!({"uri": "skill://code-review/guides", "name": "guides", "mimeType": "inode/directory"}),
            ]
        );
        // A trailing slash names the same directory.
        assert_eq!(directory(&client, "skill://code-review/").await, root);
        let guides = directory(&client, "skill://code-review/guides").await;
        let uris: Vec<&str> = guides.iter().map(|c| c["uri"].as_str().unwrap()).collect();
        assert_eq!(
            uris,
            [
                "skill://code-review/guides/checklist.md",
                "skill://code-review/guides/deep"
            ]
        );
        assert_eq!(guides[1]["mimeType"], "inode/directory");
    }
}

#[tokio::test]
async fn directory_reads_refuse_files_unknown_uris_and_bad_params() {
    let client = Client::new(server());
    for (params, hint) in [
        (json!({"uri": "skill://code-review/SKILL.md"}), "is a file"),
        (
            json!({"uri": "skill://code-review/nope"}),
            "not a directory",
        ),
        (json!({"uri": "file:///etc"}), "not a directory"),
        (json!({}), "needs \"uri\""),
        (
            json!({"uri": "skill://code-review", "cursor": 7}),
            "must be a string",
        ),
        (
            json!({"uri": "skill://code-review", "cursor": "entries-99"}),
            "unknown cursor",
        ),
    ] {
        let refused = client
            .request("resources/directory/read", params.clone())
            .await
            .unwrap_err();
        assert_eq!(refused.code, code::INVALID_PARAMS, "{params}");
        assert!(
            refused.message.contains(hint),
            "{params}: {}",
            refused.message
        );
    }
}

#[tokio::test]
async fn the_extension_is_declared_only_with_skills_and_beside_resources() {
    let client = Client::new(server());
    let init = client.initialize().await.unwrap();
    assert_eq!(
        init["capabilities"]["extensions"][SKILLS_EXTENSION],
        json!({"directoryRead": true})
    );
    assert!(init["capabilities"]["resources"].is_object());
    let discovered = Client::new(server())
        .with_protocol_version(ProtocolVersion::V2026_07_28)
        .request("server/discover", json!({}))
        .await
        .unwrap();
    assert_eq!(
        discovered["capabilities"]["extensions"][SKILLS_EXTENSION]["directoryRead"],
        true
    );

    // Beside the tasks extension, both are declared.
    let with_tasks = Server::builder("skills", "1.0.0")
        .skill(deploy(1))
        .tool(
            Tool::builder("slow")
                .description("Takes a while.")
                .read_only()
                .task(TaskSupport::Optional)
                .handler(|_: NoArguments, _: ToolContext| async {
                    ToolResult::Ok("done".to_owned())
                }),
        )
        .build()
        .unwrap();
    let discovered = Client::new(with_tasks)
        .with_protocol_version(ProtocolVersion::V2026_07_28)
        .request("server/discover", json!({}))
        .await
        .unwrap();
    let extensions = discovered["capabilities"]["extensions"]
        .as_object()
        .unwrap();
    assert!(extensions.contains_key(SKILLS_EXTENSION), "{extensions:?}");
    assert!(
        extensions.contains_key("io.modelcontextprotocol/tasks"),
        "{extensions:?}"
    );

    let plain = Client::new(Server::builder("plain", "1.0.0").build().unwrap());
    let init = plain.initialize().await.unwrap();
    assert!(init["capabilities"].get("extensions").is_none(), "{init}");
    for method in ["skills/list", "skills/get", "resources/directory/read"] {
        let refused = plain.request(method, json!({})).await.unwrap_err();
        assert_eq!(refused.code, code::METHOD_NOT_FOUND, "{method}");
    }
}

#[tokio::test]
async fn results_carry_the_configured_cache_hints_on_2026_07_28() {
    let server = Server::builder("skills", "1.0.0")
        .skill(review())
        .skill_cache(CacheHints::public(Duration::from_secs(30)))
        .build()
        .unwrap();
    let client = Client::new(server).with_protocol_version(ProtocolVersion::V2026_07_28);
    for (method, params) in [
        ("skills/list", json!({})),
        ("skills/get", json!({"uri": "skill://code-review/SKILL.md"})),
        (
            "resources/directory/read",
            json!({"uri": "skill://code-review"}),
        ),
        (
            "resources/read",
            json!({"uri": "skill://code-review/SKILL.md"}),
        ),
    ] {
        let result = client.request(method, params).await.unwrap();
        assert_eq!(result["ttlMs"], 30_000, "{method}");
        assert_eq!(result["cacheScope"], "public", "{method}");
        assert_eq!(result["resultType"], "complete", "{method}");
    }
}

#[test]
fn build_errors_say_what_is_wrong() {
    let invalid = |builder: mcp_tools::SkillBuilder| builder.build().unwrap_err();

    let no_skill_md = invalid(Skill::builder("a").file("README.md", "hi"));
    assert_eq!(no_skill_md.kind(), BuildErrorKind::InvalidSkill);
    assert!(
        no_skill_md.to_string().contains("no SKILL.md"),
        "{no_skill_md}"
    );

    let no_frontmatter = invalid(Skill::builder("a").file("SKILL.md", "# A\n"));
    assert!(
        no_frontmatter.to_string().contains("frontmatter"),
        "{no_frontmatter}"
    );

    let no_description = invalid(Skill::builder("a").file("SKILL.md", "---\nname: a\n---\n"));
    assert!(
        no_description.to_string().contains("no description"),
        "{no_description}"
    );

    let long = format!("---\nname: a\ndescription: {}\n---\n", "x".repeat(1025));
    let too_long = invalid(Skill::builder("a").file("SKILL.md", long));
    assert!(too_long.to_string().contains("1024"), "{too_long}");

    let reserved = invalid(Skill::builder("a").file(
        "SKILL.md",
        "---\nname: a\ndescription: d\nmetadata:\n  io.modelcontextprotocol/x: 1\n---\n",
    ));
    assert!(reserved.to_string().contains("reserved"), "{reserved}");

    let bad_name = invalid(Skill::builder("Bad_Name").file("SKILL.md", "---\nname: Bad_Name\n---"));
    assert_eq!(bad_name.kind(), BuildErrorKind::InvalidName);

    let twice = invalid(
        Skill::builder("a")
            .file("SKILL.md", "---\nname: a\ndescription: d\n---\n")
            .file("SKILL.md", "again"),
    );
    assert!(twice.to_string().contains("twice"), "{twice}");

    let mut many = Skill::builder("a").file("SKILL.md", "---\nname: a\ndescription: d\n---\n");
    for i in 0..mcp_tools::MAX_SKILL_FILES {
        many = many.file(format!("f/{i}.txt"), "x");
    }
    assert!(invalid(many).to_string().contains("at most 512"));

    let big = vec![0u8; usize::try_from(mcp_tools::MAX_SKILL_BYTES).unwrap()];
    let too_big = invalid(
        Skill::builder("a")
            .file("SKILL.md", "---\nname: a\ndescription: d\n---\n")
            .file("data.bin", big),
    );
    assert!(too_big.to_string().contains("16 MiB"), "{too_big}");
}

#[test]
fn a_server_refuses_two_skills_of_one_name_or_a_resource_at_a_skill_uri() {
    let twice = Server::builder("s", "1.0.0")
        .skills([deploy(1), deploy(1)])
        .build()
        .unwrap_err();
    assert_eq!(twice.kind(), BuildErrorKind::DuplicateName);
    let clash = Server::builder("s", "1.0.0")
        .skill(deploy(1))
        .resource(
            Resource::builder("skill://deploy-1/SKILL.md", "clash").handler(
                |cx: ResourceContext| async move { Ok(ResourceContents::text(cx.uri(), "")) },
            ),
        )
        .build()
        .unwrap_err();
    assert_eq!(clash.kind(), BuildErrorKind::DuplicateName);
}

/// A fresh directory under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcp-tools-skills-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn skills_load_from_a_directory_of_skill_directories() {
    let root = scratch("load");
    let write = |path: &str, contents: &[u8]| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    };
    write(
        "pdf-forms/SKILL.md",
        b"---\nname: pdf-forms\ndescription: Fills PDF forms.\n---\n",
    );
    write("pdf-forms/scripts/fill.py", b"print('fill')\n");
    write("pdf-forms/.cache/ignored", b"x");
    write("notes/README.md", b"not a skill: no SKILL.md");
    write("stray.txt", b"not a skill either");
    write(
        "zip-tools/SKILL.md",
        b"---\nname: zip-tools\ndescription: Packs files.\n---\n",
    );

    let skills = Skills::from_dir(&root).unwrap();
    let names: Vec<&str> = skills.iter().map(Skill::name).collect();
    assert_eq!(names, ["pdf-forms", "zip-tools"]);
    let pdf = skills.iter().next().unwrap();
    assert_eq!(
        pdf.files().collect::<Vec<_>>(),
        ["SKILL.md", "scripts/fill.py"]
    );

    let client = Client::new(
        Server::builder("s", "1.0.0")
            .skills(skills)
            .build()
            .unwrap(),
    );
    let read = client
        .read_resource("skill://pdf-forms/scripts/fill.py")
        .await
        .unwrap();
    assert_eq!(read["contents"][0]["text"], "print('fill')\n");
    assert_eq!(read["contents"][0]["mimeType"], "text/x-python");

    write(
        "mismatch/SKILL.md",
        b"---\nname: other-name\ndescription: d\n---\n",
    );
    let err = Skills::from_dir(&root).unwrap_err();
    assert_eq!(err.kind(), BuildErrorKind::InvalidSkill);
    assert!(err.to_string().contains("other-name"), "{err}");

    std::fs::remove_dir_all(root.join("mismatch")).unwrap();
    #[cfg(unix)]
    {
        // A link back up the tree is refused instead of walked forever.
        std::os::unix::fs::symlink(root.join("pdf-forms"), root.join("pdf-forms/scripts/loop"))
            .unwrap();
        let err = Skills::from_dir(&root).unwrap_err();
        assert!(err.to_string().contains("links back"), "{err}");
        std::fs::remove_file(root.join("pdf-forms/scripts/loop")).unwrap();
    }
    // Too many files is refused while walking, before reading them.
    for i in 0..=mcp_tools::MAX_SKILL_FILES {
        write(&format!("zip-tools/many/{i}.txt"), b"x");
    }
    let err = Skills::from_dir(&root).unwrap_err();
    assert!(err.to_string().contains("more than 512 files"), "{err}");

    let missing = Skills::from_dir(root.join("nowhere")).unwrap_err();
    assert!(missing.to_string().contains("cannot list"), "{missing}");
    std::fs::remove_dir_all(&root).unwrap();
}
