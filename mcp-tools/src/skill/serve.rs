//! Serving skills: `skills/list`, `skills/get`, `resources/directory/read`,
//! and the skill files as resources for `resources/list` and `resources/read`.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value, json};

use super::{SKILL_FILE, SKILLS_EXTENSION, Skill, SkillFile};
use crate::cache::CacheHints;
use crate::error::{BuildError, BuildErrorKind};
use crate::jsonrpc::ErrorObject;
use crate::protocol::method;
use crate::resource::{Resource, ResourceContents, ResourceContext};

/// The media type of a directory resource.
pub(crate) const DIRECTORY_MIME_TYPE: &str = "inode/directory";

/// The skills a server serves.
pub(crate) struct SkillCatalog {
    skills: Vec<Skill>,
    /// Each skill's `skills/list` entry, built once.
    entries: Vec<Value>,
    page_size: usize,
    /// The 2026-07-28 caching hints of skill results and skill file reads.
    pub(crate) cache: CacheHints,
}

impl SkillCatalog {
    /// Checks that no two skills share a name.
    pub(crate) fn build(
        skills: Vec<Skill>,
        page_size: usize,
        cache: CacheHints,
    ) -> Result<Self, BuildError> {
        let mut names = HashSet::new();
        for skill in &skills {
            if !names.insert(skill.name.as_str()) {
                return Err(BuildError::new(
                    BuildErrorKind::DuplicateName,
                    format!("two skills are called {:?}", skill.name),
                ));
            }
        }
        Ok(Self {
            entries: skills.iter().map(entry).collect(),
            skills,
            page_size: page_size.max(1),
            cache,
        })
    }

    /// Every skill file as a resource: `SKILL.md` named and described by its
    /// frontmatter, as `text/markdown`.
    pub(crate) fn resources(&self) -> Vec<Resource> {
        let mut out = Vec::new();
        for skill in &self.skills {
            for file in &skill.files {
                let uri = skill.file_uri(&file.path);
                let mime = mime_type(file);
                let builder = if file.path == SKILL_FILE {
                    Resource::builder(uri, skill.name.clone()).description(skill.description())
                } else {
                    Resource::builder(uri, format!("{}/{}", skill.name, file.path))
                };
                let bytes = file.bytes.clone();
                let text = !is_binary(mime);
                let resource = builder
                    .mime_type(mime)
                    .size(file.bytes.len() as u64)
                    .cache(self.cache)
                    .handler(move |cx: ResourceContext| {
                        let contents = match std::str::from_utf8(&bytes) {
                            Ok(s) if text => ResourceContents::text(cx.uri(), s),
                            _ => ResourceContents::blob(cx.uri(), &bytes),
                        };
                        std::future::ready(Ok(contents.with_mime_type(mime)))
                    });
                out.push(resource);
            }
        }
        out
    }

    /// Declares the extension, with `directoryRead`, when there are skills.
    pub(crate) fn declare(&self, capabilities: &mut Map<String, Value>) {
        if self.skills.is_empty() {
            return;
        }
        let extensions = capabilities
            .entry("extensions")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(extensions) = extensions {
            extensions.insert(SKILLS_EXTENSION.into(), json!({"directoryRead": true}));
        }
    }

    /// Serves one of the extension's methods; `None` when `name` is not one or
    /// no skill is registered.
    pub(crate) fn handle(
        &self,
        name: &str,
        params: Option<&Value>,
    ) -> Option<Result<Map<String, Value>, ErrorObject>> {
        if self.skills.is_empty() {
            return None;
        }
        Some(match name {
            method::SKILLS_LIST => self.list(params),
            method::SKILLS_GET => self.get(params),
            method::RESOURCES_DIRECTORY_READ => self.read_directory(params),
            _ => return None,
        })
    }

    fn list(&self, params: Option<&Value>) -> Result<Map<String, Value>, ErrorObject> {
        let offset = cursor(params, "skills", self.skills.len())?;
        let end = (offset + self.page_size).min(self.skills.len());
        let mut out = Map::new();
        out.insert("skills".into(), self.entries[offset..end].to_vec().into());
        if end < self.skills.len() {
            out.insert("nextCursor".into(), format!("skills-{end:x}").into());
        }
        Ok(out)
    }

    fn get(&self, params: Option<&Value>) -> Result<Map<String, Value>, ErrorObject> {
        let uri = params
            .and_then(|p| p.get("uri"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ErrorObject::invalid_params(
                    "skills/get needs \"uri\", the SKILL.md URI of a skill from skills/list (skill://<name>/SKILL.md)",
                )
            })?;
        let entry = self.entries.iter().find(|e| e["uri"] == uri).ok_or_else(|| {
            ErrorObject::invalid_params(format!(
                "no skill is served at {uri}; call skills/list for the skills and their URIs (skill://<name>/SKILL.md)"
            ))
            .with_data(json!({"uri": uri}))
        })?;
        let mut out = Map::new();
        out.insert("skill".into(), entry.clone());
        Ok(out)
    }

    fn read_directory(&self, params: Option<&Value>) -> Result<Map<String, Value>, ErrorObject> {
        let uri = params
            .and_then(|p| p.get("uri"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ErrorObject::invalid_params(
                    "resources/directory/read needs \"uri\", a directory such as skill://<name> from skills/list",
                )
            })?;
        let wanted = uri.strip_suffix('/').unwrap_or(uri);
        let listing = self
            .skills
            .iter()
            .find_map(|skill| directory(skill, wanted))
            .ok_or_else(|| self.not_a_directory(uri))?;
        let offset = cursor(params, "entries", listing.len())?;
        let end = (offset + self.page_size).min(listing.len());
        let mut out = Map::new();
        out.insert("resources".into(), listing[offset..end].to_vec().into());
        if end < listing.len() {
            out.insert("nextCursor".into(), format!("entries-{end:x}").into());
        }
        Ok(out)
    }

    fn not_a_directory(&self, uri: &str) -> ErrorObject {
        let is_file = self
            .skills
            .iter()
            .any(|s| s.files.iter().any(|f| s.file_uri(&f.path) == uri));
        let detail = if is_file {
            format!(
                "{uri} is a file, not a directory; read it with resources/read, or pass its directory to resources/directory/read"
            )
        } else {
            format!(
                "{uri} is not a directory this server serves; skill directories are skill://<name> (a skills/list uri without /SKILL.md) and the subdirectories resources/directory/read lists"
            )
        };
        ErrorObject::invalid_params(detail).with_data(json!({"uri": uri}))
    }
}

/// A skill's entry in `skills/list` and `skills/get`.
fn entry(skill: &Skill) -> Value {
    let resources: Vec<Value> = skill
        .files
        .iter()
        .map(|f| {
            json!({
                "uri": skill.file_uri(&f.path),
                "digest": f.digest,
                "size": f.bytes.len(),
            })
        })
        .collect();
    json!({
        "uri": skill.uri(),
        "frontmatter": skill.frontmatter,
        "resources": resources,
    })
}

/// The direct children of the directory at `uri` if it is one of `skill`'s:
/// files with their size and media type, subdirectories as `inode/directory`.
fn directory(skill: &Skill, uri: &str) -> Option<Vec<Value>> {
    let dir_path = if uri == skill.root() {
        String::new()
    } else {
        skill
            .files
            .iter()
            .flat_map(|f| parents(&f.path))
            .find(|d| skill.file_uri(d) == uri)?
            .to_owned()
    };
    // Keyed by URI so the listing is sorted and each subdirectory appears once.
    let mut children = BTreeMap::new();
    for file in &skill.files {
        let Some(rest) = child_of(&dir_path, &file.path) else {
            continue;
        };
        match rest.split_once('/') {
            None => {
                let child = skill.file_uri(&file.path);
                children.insert(
                    child.clone(),
                    json!({
                        "uri": child,
                        "name": rest,
                        "mimeType": mime_type(file),
                        "size": file.bytes.len(),
                    }),
                );
            }
            Some((subdir, _)) => {
                let path = if dir_path.is_empty() {
                    subdir.to_owned()
                } else {
                    format!("{dir_path}/{subdir}")
                };
                let child = skill.file_uri(&path);
                children.entry(child.clone()).or_insert_with(
                    || json!({"uri": child, "name": subdir, "mimeType": DIRECTORY_MIME_TYPE}),
                );
            }
        }
    }
    Some(children.into_values().collect())
}

/// The directories above a file path: `a/b/c.md` → `a`, `a/b`.
fn parents(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// What of `path` lies below the directory `dir` ("" for the skill's root).
fn child_of<'p>(dir: &str, path: &'p str) -> Option<&'p str> {
    if dir.is_empty() {
        Some(path)
    } else {
        path.strip_prefix(dir)?.strip_prefix('/')
    }
}

/// The offset a `cursor` param names, from a `nextCursor` of `<key>-<hex>`.
fn cursor(params: Option<&Value>, key: &str, len: usize) -> Result<usize, ErrorObject> {
    match params.and_then(|p| p.get("cursor")).filter(|c| !c.is_null()) {
        None => Ok(0),
        Some(Value::String(cursor)) => cursor
            .strip_prefix(key)
            .and_then(|rest| rest.strip_prefix('-'))
            .and_then(|n| usize::from_str_radix(n, 16).ok())
            .filter(|&n| n < len)
            .ok_or_else(|| {
                ErrorObject::invalid_params(
                    "unknown cursor; pass the nextCursor of the previous page unchanged, or no cursor for the first page",
                )
            }),
        Some(_) => Err(ErrorObject::invalid_params("\"cursor\" must be a string")),
    }
}

/// Whether files of this media type are served as base64 blobs even when
/// their bytes happen to be UTF-8.
fn is_binary(mime: &str) -> bool {
    matches!(
        mime,
        "image/png" | "image/jpeg" | "image/gif" | "application/pdf" | "application/octet-stream"
    )
}

/// The media type of a skill file, from its extension; `text/markdown` for
/// `SKILL.md`, `text/plain` or `application/octet-stream` when unknown.
fn mime_type(file: &SkillFile) -> &'static str {
    let extension = file
        .path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let known = match extension.as_str() {
        "md" | "markdown" => "text/markdown",
        "txt" => "text/plain",
        "json" => "application/json",
        "yaml" | "yml" => "application/yaml",
        "toml" => "application/toml",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "xml" => "application/xml",
        "py" => "text/x-python",
        "sh" => "text/x-shellscript",
        "js" | "mjs" => "text/javascript",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        _ => "",
    };
    match known {
        "" if std::str::from_utf8(&file.bytes).is_ok() => "text/plain",
        "" => "application/octet-stream",
        known => known,
    }
}
