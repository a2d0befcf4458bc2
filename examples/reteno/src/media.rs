//! Media: images staged through an upload session and stored in the
//! account's file storage.

use mcp_tools::{ToolError, ToolResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::account::clock;
use crate::codes;
use crate::uploads::{UploadKind, UploadTicket};

/// An image in file storage.
#[derive(Debug, Clone)]
pub struct StoredImage {
    /// Image id.
    pub id: u64,
    /// File name.
    pub file_name: String,
    /// Content type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Width and height, when the format tells them cheaply.
    pub size: Option<(u32, u32)>,
    /// When it was stored.
    pub created_at: i64,
}

/// Arguments of `upload_image`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadImageArgs {
    /// The completed session from prepare_image_upload.
    #[schemars(length(max = 100))]
    pub upload_session_id: String,
    /// File name to store it under, such as summer-sale.png; default image-{id}.
    #[schemars(length(min = 1, max = 200))]
    pub file_name: Option<String>,
}

/// A stored image.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageView {
    /// Image id.
    pub id: u64,
    /// The public URL to use in messages (imageUrl, image blocks).
    pub url: String,
    /// Content type.
    pub content_type: String,
    /// Size in bytes.
    pub bytes: usize,
    /// Width in pixels, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// When it was stored, ISO 8601 UTC.
    pub created_at: String,
}

/// Checks the bytes are an image of the declared type; returns its size when
/// the header gives it.
fn sniff(content_type: &str, bytes: &[u8]) -> Result<Option<(u32, u32)>, String> {
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    match content_type {
        "image/png" if bytes.starts_with(b"\x89PNG\r\n\x1a\n") => {
            Ok((bytes.len() >= 24).then(|| (be(&bytes[16..20]), be(&bytes[20..24]))))
        }
        "image/jpeg" if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) => Ok(None),
        "image/gif" if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") => {
            Ok((bytes.len() >= 10).then(|| {
                (
                    u32::from(u16::from_le_bytes([bytes[6], bytes[7]])),
                    u32::from(u16::from_le_bytes([bytes[8], bytes[9]])),
                )
            }))
        }
        "image/webp" if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" => {
            Ok(None)
        }
        _ => Err(format!(
            "the uploaded file is not valid {content_type} data"
        )),
    }
}

impl Account {
    /// `prepare_image_upload`.
    pub fn prepare_image_upload(&self) -> UploadTicket {
        self.uploads().create(UploadKind::Image, None)
    }

    /// `upload_image`.
    pub fn upload_image(&self, args: UploadImageArgs) -> ToolResult<ImageView> {
        let mut files = self
            .uploads()
            .consume(&args.upload_session_id, UploadKind::Image, None)?;
        let file = files
            .remove("image")
            .ok_or_else(|| ToolError::internal("a complete image session holds its image"))?;
        let size = sniff(&file.content_type, &file.bytes).map_err(|e| {
            ToolError::new(
                codes::INVALID_IMAGE,
                format!("{e}; nothing was stored. Upload a real PNG, JPEG, GIF or WebP file in a new session"),
            )
        })?;
        let mut state = self.lock();
        let id = state.next_id();
        let ext = file
            .content_type
            .trim_start_matches("image/")
            .replace("jpeg", "jpg");
        let file_name = args
            .file_name
            .map(|n| n.trim().replace(['/', '\\'], "-"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("image-{id}.{ext}"));
        let image = StoredImage {
            id,
            file_name,
            content_type: file.content_type,
            bytes: file.bytes,
            size,
            created_at: state.now,
        };
        let view = self.image_view(&image);
        state.images.insert(id, image);
        Ok(view)
    }

    fn image_view(&self, image: &StoredImage) -> ImageView {
        ImageView {
            id: image.id,
            url: format!(
                "{}/files/{}/{}",
                self.settings().public_url.trim_end_matches('/'),
                image.id,
                image.file_name
            ),
            content_type: image.content_type.clone(),
            bytes: image.bytes.len(),
            width: image.size.map(|s| s.0),
            height: image.size.map(|s| s.1),
            created_at: clock::format(image.created_at),
        }
    }

    /// A stored image by id: what an HTTP route for `/files/{id}/{name}` serves.
    pub fn image(&self, id: u64) -> Option<StoredImage> {
        self.lock().images.get(&id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn images_are_recognised_by_their_header() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        assert_eq!(sniff("image/png", &png), Ok(Some((640, 480))));
        assert!(sniff("image/jpeg", &png).is_err());
        assert!(sniff("image/png", b"<html>").is_err());
    }
}
