//! Short-lived download links: exports and editor models are handed to the
//! agent as URLs on the example's own server, as the hosted service does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use schemars::JsonSchema;
use serde::Serialize;

use crate::account::clock::{self, Clock};
use crate::uploads::unguessable_id;

/// How long a download link works: one hour.
pub const LINK_LIFETIME_SECS: i64 = 3600;

/// A file behind a download link.
#[derive(Debug, Clone)]
pub struct Download {
    /// The file name to offer, such as `email-1201.html`.
    pub file_name: String,
    /// Its content type.
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    expires_at: i64,
}

/// A link to one published file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DownloadLink {
    /// Where to GET the file.
    pub url: String,
    /// The file name.
    pub file_name: String,
    /// Its content type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: usize,
    /// When the link stops working.
    pub expires_at: String,
}

/// The published files of one sandbox account.
#[derive(Clone, Debug)]
pub struct Downloads {
    files: Arc<Mutex<HashMap<String, Download>>>,
    clock: Clock,
    base_url: Arc<str>,
}

impl Downloads {
    /// A store whose links start with `base_url`.
    pub fn new(clock: Clock, base_url: &str) -> Self {
        Self {
            files: Arc::default(),
            clock,
            base_url: base_url.trim_end_matches('/').into(),
        }
    }

    /// Publishes a file and returns its link.
    pub(crate) fn publish(
        &self,
        file_name: String,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> DownloadLink {
        let now = self.clock.now();
        let id = unguessable_id("dl", now);
        let expires_at = now + LINK_LIFETIME_SECS;
        let link = DownloadLink {
            url: format!("{}/downloads/{id}", self.base_url),
            file_name: file_name.clone(),
            content_type: content_type.to_owned(),
            size: bytes.len(),
            expires_at: clock::format(expires_at),
        };
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        files.retain(|_, f| f.expires_at > now);
        files.insert(
            id,
            Download {
                file_name,
                content_type: content_type.to_owned(),
                bytes,
                expires_at,
            },
        );
        link
    }

    /// The file behind a link id (the last path segment), while the link works:
    /// what an HTTP download route serves.
    pub fn fetch(&self, id: &str) -> Option<Download> {
        let now = self.clock.now();
        let files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        files.get(id).filter(|f| f.expires_at > now).cloned()
    }

    /// The file behind a full link URL, for tests and in-process callers.
    pub fn fetch_url(&self, url: &str) -> Option<Download> {
        self.fetch(url.rsplit('/').next()?)
    }
}
