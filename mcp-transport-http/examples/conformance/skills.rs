//! The suite's skills fixture (SEP-2640): two skills compiled into the
//! binary, each with a supporting file in a subdirectory.

use std::time::Duration;

use mcp_tools::{CacheHints, ServerBuilder, Skill};

pub(crate) fn register(builder: ServerBuilder) -> ServerBuilder {
    let release_notes = Skill::builder("release-notes")
        .file("SKILL.md", include_str!("skills/release-notes/SKILL.md"))
        .file(
            "templates/notes.md",
            include_str!("skills/release-notes/templates/notes.md"),
        )
        .build()
        .expect("a valid release-notes skill");
    let csv_cleanup = Skill::builder("csv-cleanup")
        .file("SKILL.md", include_str!("skills/csv-cleanup/SKILL.md"))
        .file(
            "scripts/clean.py",
            include_bytes!("skills/csv-cleanup/scripts/clean.py"),
        )
        .build()
        .expect("a valid csv-cleanup skill");
    builder
        .skill_cache(CacheHints::public(Duration::from_secs(600)))
        .skills([release_notes, csv_cleanup])
}
