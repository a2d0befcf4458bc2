//! Reading a skill from disk: the walk of its directory.

use std::path::{Path, PathBuf};

use super::check::invalid;
use super::{MAX_SKILL_BYTES, MAX_SKILL_FILES, SKILL_FILE};
use crate::error::BuildError;

/// What a walk of a skill directory found: (path inside the skill, path on
/// disk) of every file, their total size, and the directories entered (by
/// canonical path, so a symbolic link back up the tree is not walked twice).
#[derive(Default)]
pub(super) struct Walk {
    pub(super) found: Vec<(String, PathBuf)>,
    bytes: u64,
    entered: Vec<PathBuf>,
}

impl Walk {
    /// Adds the files below `dir`, refusing as soon as the skill holds more
    /// files or bytes than allowed, before reading any of them.
    pub(super) fn directory(
        &mut self,
        dir: &Path,
        prefix: &mut Vec<String>,
    ) -> Result<(), BuildError> {
        let listing_failed = |e: std::io::Error| {
            invalid(format!(
                "cannot list the skill directory {}: {e}",
                dir.display()
            ))
        };
        let canonical = dir.canonicalize().map_err(listing_failed)?;
        if self.entered.contains(&canonical) {
            return Err(invalid(format!(
                "the skill directory {} links back to a directory above it; remove the symbolic link",
                dir.display()
            )));
        }
        self.entered.push(canonical);
        let mut entries = std::fs::read_dir(dir)
            .map_err(listing_failed)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(listing_failed)?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let disk = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                return Err(invalid(format!(
                    "the skill file {} has a name that is not valid UTF-8; rename it",
                    disk.display()
                )));
            };
            if name.starts_with('.') {
                continue;
            }
            // Follows symbolic links, as a reader of the directory would.
            let meta = std::fs::metadata(&disk)
                .map_err(|e| invalid(format!("cannot read {}: {e}", disk.display())))?;
            prefix.push(name);
            if meta.is_dir() {
                self.directory(&disk, prefix)?;
            } else if meta.is_file() {
                self.bytes += meta.len();
                self.found.push((prefix.join("/"), disk));
                self.check_limits()?;
            }
            prefix.pop();
        }
        self.entered.pop();
        Ok(())
    }

    fn check_limits(&self) -> Result<(), BuildError> {
        let dir = self
            .entered
            .first()
            .map_or_else(String::new, |d| d.display().to_string());
        if self.found.len() > MAX_SKILL_FILES {
            return Err(invalid(format!(
                "the skill directory {dir} holds more than {MAX_SKILL_FILES} files; a skill may hold at most {MAX_SKILL_FILES}, {SKILL_FILE} included"
            )));
        }
        if self.bytes > MAX_SKILL_BYTES {
            return Err(invalid(format!(
                "the skill directory {dir} holds more than {MAX_SKILL_BYTES} bytes; a skill may hold at most 16 MiB"
            )));
        }
        Ok(())
    }
}
