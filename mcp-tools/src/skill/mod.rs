//! Agent Skills served over MCP (the `io.modelcontextprotocol/skills`
//! extension, SEP-2640): each skill is a directory of files whose root holds a
//! `SKILL.md`, published at `skill://<name>/…`.

mod check;
mod disk;
mod frontmatter;
pub(crate) mod serve;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use check::{check_frontmatter, check_name, check_path, invalid};
use disk::Walk;

use crate::error::BuildError;
use crate::signing::hex;

/// The identifier of the extension, as declared under `capabilities.extensions`.
pub const SKILLS_EXTENSION: &str = "io.modelcontextprotocol/skills";

/// The file at the root of every skill.
pub const SKILL_FILE: &str = "SKILL.md";

/// The most files one skill may hold, `SKILL.md` included.
pub const MAX_SKILL_FILES: usize = 512;

/// The most bytes one skill's files may hold together (16 MiB).
pub const MAX_SKILL_BYTES: u64 = 16 * 1024 * 1024;

/// The longest a skill name may be, in characters.
pub const MAX_SKILL_NAME_LEN: usize = 64;

/// The longest a skill description may be, in characters.
pub const MAX_SKILL_DESCRIPTION_LEN: usize = 1024;

/// One file of a skill, its bytes and what `skills/list` says of them.
#[derive(Debug, Clone)]
pub(crate) struct SkillFile {
    /// The path inside the skill, `/`-separated, such as `scripts/fill.py`.
    pub(crate) path: String,
    pub(crate) bytes: Arc<[u8]>,
    /// `sha256:` and the lowercase hex SHA-256 of the bytes.
    pub(crate) digest: String,
}

/// An Agent Skill: a `SKILL.md` with YAML frontmatter (at least `name` and
/// `description`) and any supporting files, checked when built.
///
/// Its files are published as resources at `skill://<name>/<path>`, readable
/// with `resources/read`; `skills/list` and `skills/get` describe it with the
/// frontmatter and the digest and size of every file.
///
/// ```
/// use mcp_tools::Skill;
///
/// let skill = Skill::builder("release-notes")
///     .file("SKILL.md", "---\nname: release-notes\ndescription: Writes release notes from merged changes.\n---\n# Release notes\nSee [the template](templates/notes.md).\n")
///     .file("templates/notes.md", "## What changed\n")
///     .build()?;
/// assert_eq!(skill.uri(), "skill://release-notes/SKILL.md");
/// assert_eq!(skill.description(), "Writes release notes from merged changes.");
/// # Ok::<(), mcp_tools::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Skill {
    pub(crate) name: String,
    pub(crate) frontmatter: Map<String, Value>,
    /// Sorted by path; `SKILL.md` is among them.
    pub(crate) files: Vec<SkillFile>,
}

impl Skill {
    /// Starts a skill called `name` from files given in memory (for example
    /// with `include_str!` or `include_bytes!`).
    pub fn builder(name: impl Into<String>) -> SkillBuilder {
        SkillBuilder {
            name: name.into(),
            files: Vec::new(),
        }
    }

    /// Reads the skill in the directory `dir`: its `SKILL.md` and every file
    /// below it (hidden files and directories, those starting with `.`, are
    /// skipped). The skill's name is the directory's name.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, BuildError> {
        let dir = dir.as_ref();
        let name = dir.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
            invalid(format!(
                "the skill directory {} has no name that is valid UTF-8",
                dir.display()
            ))
        })?;
        let mut builder = Self::builder(name);
        let mut walk = Walk::default();
        walk.directory(dir, &mut Vec::new())?;
        let found = walk.found;
        for (path, disk) in found {
            let bytes = std::fs::read(&disk).map_err(|e| {
                invalid(format!(
                    "cannot read the skill file {}: {e}",
                    disk.display()
                ))
            })?;
            builder = builder.file(path, bytes);
        }
        builder.build()
    }

    /// The skill's name (the frontmatter `name`, and the last segment of its URI).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The frontmatter `description`.
    pub fn description(&self) -> &str {
        self.frontmatter
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The whole frontmatter, as JSON.
    pub fn frontmatter(&self) -> &Map<String, Value> {
        &self.frontmatter
    }

    /// The URI of its `SKILL.md`: `skill://<name>/SKILL.md`.
    pub fn uri(&self) -> String {
        self.file_uri(SKILL_FILE)
    }

    /// The paths of its files inside the skill, sorted.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|f| f.path.as_str())
    }

    /// The URI of the skill's directory: `skill://<name>`.
    pub(crate) fn root(&self) -> String {
        format!("skill://{}", self.name)
    }

    pub(crate) fn file_uri(&self, path: &str) -> String {
        let mut uri = self.root();
        for segment in path.split('/') {
            uri.push('/');
            encode_segment(segment, &mut uri);
        }
        uri
    }
}

/// Adds `segment` to `out`, percent-encoding what a URI path segment cannot hold.
fn encode_segment(segment: &str, out: &mut String) {
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

/// Describes a [`Skill`] file by file; finish with [`build`](Self::build).
#[derive(Debug, Clone)]
#[must_use = "finish with .build() to get a Skill"]
pub struct SkillBuilder {
    name: String,
    files: Vec<(String, Arc<[u8]>)>,
}

impl SkillBuilder {
    /// Adds the file at `path` inside the skill (`/`-separated, relative, such
    /// as `SKILL.md` or `scripts/fill.py`) with its contents.
    pub fn file(mut self, path: impl Into<String>, contents: impl AsRef<[u8]>) -> Self {
        self.files.push((path.into(), Arc::from(contents.as_ref())));
        self
    }

    /// Checks the name, the paths, the `SKILL.md` frontmatter and the limits,
    /// and computes every file's digest.
    pub fn build(self) -> Result<Skill, BuildError> {
        let name = self.name;
        check_name(&name)?;
        let mut files = BTreeMap::new();
        for (path, bytes) in self.files {
            check_path(&name, &path)?;
            if files.insert(path.clone(), bytes).is_some() {
                return Err(invalid(format!(
                    "skill {name:?}: the file {path:?} is added twice"
                )));
            }
        }
        let skill_md = files.get(SKILL_FILE).ok_or_else(|| {
            invalid(format!(
                "skill {name:?} has no {SKILL_FILE} at its root; add one whose frontmatter has name: {name} and a description"
            ))
        })?;
        let text = std::str::from_utf8(skill_md)
            .map_err(|_| invalid(format!("skill {name:?}: {SKILL_FILE} is not UTF-8 text")))?;
        let frontmatter =
            frontmatter::parse(text).map_err(|why| invalid(format!("skill {name:?}: {why}")))?;
        check_frontmatter(&name, &frontmatter)?;
        if files.len() > MAX_SKILL_FILES {
            return Err(invalid(format!(
                "skill {name:?} has {} files; a skill may hold at most {MAX_SKILL_FILES}, {SKILL_FILE} included",
                files.len()
            )));
        }
        let total: u64 = files.values().map(|b| b.len() as u64).sum();
        if total > MAX_SKILL_BYTES {
            return Err(invalid(format!(
                "skill {name:?} holds {total} bytes; a skill may hold at most {MAX_SKILL_BYTES} (16 MiB)"
            )));
        }
        let files = files
            .into_iter()
            .map(|(path, bytes)| SkillFile {
                digest: format!("sha256:{}", hex(&Sha256::digest(&bytes))),
                path,
                bytes,
            })
            .collect();
        Ok(Skill {
            name,
            frontmatter,
            files,
        })
    }
}

/// Several skills, usually read from one directory with [`Skills::from_dir`];
/// register them with [`ServerBuilder::skills`](crate::ServerBuilder::skills).
///
/// ```no_run
/// use mcp_tools::{Server, Skills};
///
/// let server = Server::builder("assistant", "1.0.0")
///     .skills(Skills::from_dir("skills")?)
///     .build()?;
/// # Ok::<(), mcp_tools::BuildError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Skills {
    skills: Vec<Skill>,
}

impl Skills {
    /// Reads every skill under `dir`: each subdirectory that holds a
    /// `SKILL.md` is one skill, named after the subdirectory (see
    /// [`Skill::from_dir`]). Other subdirectories and loose files are ignored.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, BuildError> {
        let dir = dir.as_ref();
        let entries = std::fs::read_dir(dir).map_err(|e| {
            invalid(format!(
                "cannot list the skills directory {}: {e}",
                dir.display()
            ))
        })?;
        let mut dirs = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|e| {
                    invalid(format!(
                        "cannot list the skills directory {}: {e}",
                        dir.display()
                    ))
                })?
                .path();
            let hidden = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if !hidden && path.is_dir() && path.join(SKILL_FILE).is_file() {
                dirs.push(path);
            }
        }
        dirs.sort();
        let skills = dirs.iter().map(Skill::from_dir).collect::<Result<_, _>>()?;
        Ok(Self { skills })
    }

    /// Adds a skill.
    #[must_use]
    pub fn with(mut self, skill: Skill) -> Self {
        self.skills.push(skill);
        self
    }

    /// The skills, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Skill> {
        self.skills.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.skills.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.skills.is_empty()
    }
}

impl IntoIterator for Skills {
    type Item = Skill;
    type IntoIter = std::vec::IntoIter<Skill>;

    fn into_iter(self) -> Self::IntoIter {
        self.skills.into_iter()
    }
}

impl FromIterator<Skill> for Skills {
    fn from_iter<I: IntoIterator<Item = Skill>>(iter: I) -> Self {
        Self {
            skills: iter.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SKILL_MD: &str = "---\nname: pdf-tools\ndescription: Fills PDF forms.\n---\n# PDF\n";

    #[test]
    fn digests_are_sha256_of_the_raw_bytes() {
        let skill = Skill::builder("pdf-tools")
            .file("SKILL.md", SKILL_MD)
            .file("empty.txt", [])
            .build()
            .unwrap();
        let empty = skill.files.iter().find(|f| f.path == "empty.txt").unwrap();
        assert_eq!(
            empty.digest,
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn paths_must_stay_inside_the_skill() {
        for bad in ["../x", "/etc/passwd", "a//b", "./a", "a\\b", ""] {
            let err = Skill::builder("pdf-tools")
                .file("SKILL.md", SKILL_MD)
                .file(bad, "x")
                .build()
                .unwrap_err();
            assert!(err.to_string().contains("relative path"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_frontmatter_name_must_be_the_skill_name() {
        let err = Skill::builder("pdf")
            .file("SKILL.md", SKILL_MD)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("name: pdf-tools"), "{err}");
    }

    #[test]
    fn uris_percent_encode_what_a_path_cannot_hold() {
        let skill = Skill::builder("pdf-tools")
            .file("SKILL.md", SKILL_MD)
            .build()
            .unwrap();
        assert_eq!(
            skill.file_uri("docs/read me.md"),
            "skill://pdf-tools/docs/read%20me.md"
        );
    }
}
