//! Content blocks: what a tool returns when its result is not data.
//!
//! Most tools return data, which travels in the envelope
//! (`{"Success":true,"Data":…}`) described by the tool's `outputSchema`. A tool
//! whose result is an image, a sound, a document or a link to one returns MCP
//! content blocks instead: finish it with [`ToolBuilder::handler_content`]
//! (or write `#[tool(content)]`) and return [`Content`], `Vec<Content>` or an
//! array of them.
//!
//! Such a tool publishes no `outputSchema`, and a successful call answers
//! `{"content":[…blocks…],"isError":false}` with no `structuredContent`. A
//! failed call answers exactly as any other tool does: the error envelope
//! (`{"Success":false,"ErrorCode":…,"ErrorMessage":…}`) as text, and as
//! `structuredContent` for protocol versions that have it, with
//! `isError: true`. [`Pii`](crate::Pii) de-identification applies to data, not
//! to content blocks: do not put personal data in them unless the caller may
//! read it ([`ToolContext::may_read_pii`](crate::ToolContext::may_read_pii)).
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use mcp_tools::{Client, Content, NoArguments, Server, Tool, ToolContext, ToolResult};
//!
//! const PIXEL: &[u8] = b"\x89PNG\r\n\x1a\n"; // the start of a PNG, for the example
//!
//! let chart = Tool::builder("chart")
//!     .description("Draws the weekly chart.")
//!     .read_only()
//!     .handler_content(|_: NoArguments, _cx: ToolContext| async move {
//!         ToolResult::Ok(vec![
//!             Content::text("This week's chart:"),
//!             Content::image(PIXEL, "image/png"),
//!             Content::resource_text("chart://week/12", "text/csv", "day,calls\nmon,3\n"),
//!         ])
//!     });
//! let server = Server::builder("charts", "1.0.0").tool(chart).build().unwrap();
//! let client = Client::new(server);
//!
//! let listed = client.list_tools().await.unwrap();
//! assert!(listed[0].get("outputSchema").is_none());
//!
//! let drawn = client.call("chart", serde_json::json!({})).await.unwrap();
//! let content = drawn.result()["content"].as_array().unwrap();
//! assert_eq!(content[1]["type"], "image");
//! assert_eq!(content[1]["data"], "iVBORw0KGgo=");
//! assert_eq!(content[1]["mimeType"], "image/png");
//! assert_eq!(content[2]["resource"]["uri"], "chart://week/12");
//! assert!(drawn.result().get("structuredContent").is_none());
//! # });
//! ```
//!
//! [`ToolBuilder::handler_content`]: crate::ToolBuilder::handler_content

use base64::Engine as _;
use serde::Serialize;

/// One block of a tool result's `content`.
///
/// Make blocks with the constructors ([`Content::text`], [`Content::image`],
/// …); match on them with `..`, since every variant may gain optional fields.
/// Serialises to the MCP form, `{"type":"image","data":"…","mimeType":"…"}`
/// and so on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Content {
    /// Text for the model.
    #[non_exhaustive]
    Text {
        /// The text.
        text: String,
    },
    /// An image, base64-encoded.
    #[non_exhaustive]
    Image {
        /// The image's bytes, base64-encoded (standard alphabet, padded).
        data: String,
        /// Its media type, such as `image/png`.
        #[serde(rename = "mimeType")]
        mime_type: String,
    },
    /// Audio, base64-encoded.
    #[non_exhaustive]
    Audio {
        /// The audio's bytes, base64-encoded (standard alphabet, padded).
        data: String,
        /// Its media type, such as `audio/wav`.
        #[serde(rename = "mimeType")]
        mime_type: String,
    },
    /// A resource embedded in the result, its contents included.
    #[non_exhaustive]
    Resource {
        /// The resource.
        resource: EmbeddedResource,
    },
    /// A link to a resource the client may read (with `resources/read`) or
    /// open, its contents not included.
    #[non_exhaustive]
    ResourceLink {
        /// The resource's URI.
        uri: String,
        /// A programmatic name.
        name: String,
        /// What it is, for the model.
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// Its media type, when known.
        #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
    },
}

/// The contents of an embedded resource: text or a base64 blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EmbeddedResource {
    /// The resource's URI.
    pub uri: String,
    /// Its media type.
    #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// The text or the base64 blob.
    #[serde(flatten)]
    pub body: ResourceBody,
}

/// The body of an [`EmbeddedResource`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResourceBody {
    /// Text (`"text": "…"`).
    Text(String),
    /// Binary contents, base64-encoded (`"blob": "…"`).
    Blob(String),
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl Content {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text { text: text.into() }
    }

    /// An image block from the image's bytes (encoded here).
    pub fn image(bytes: impl AsRef<[u8]>, mime_type: impl Into<String>) -> Self {
        Self::Image {
            data: base64(bytes.as_ref()),
            mime_type: mime_type.into(),
        }
    }

    /// An image block from data already base64-encoded.
    pub fn image_base64(data: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::Image {
            data: data.into(),
            mime_type: mime_type.into(),
        }
    }

    /// An audio block from the audio's bytes (encoded here).
    pub fn audio(bytes: impl AsRef<[u8]>, mime_type: impl Into<String>) -> Self {
        Self::Audio {
            data: base64(bytes.as_ref()),
            mime_type: mime_type.into(),
        }
    }

    /// An audio block from data already base64-encoded.
    pub fn audio_base64(data: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::Audio {
            data: data.into(),
            mime_type: mime_type.into(),
        }
    }

    /// An embedded text resource.
    pub fn resource_text(
        uri: impl Into<String>,
        mime_type: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Self::Resource {
            resource: EmbeddedResource {
                uri: uri.into(),
                mime_type: Some(mime_type.into()),
                body: ResourceBody::Text(text.into()),
            },
        }
    }

    /// An embedded binary resource from its bytes (encoded here).
    pub fn resource_blob(
        uri: impl Into<String>,
        mime_type: impl Into<String>,
        bytes: impl AsRef<[u8]>,
    ) -> Self {
        Self::Resource {
            resource: EmbeddedResource {
                uri: uri.into(),
                mime_type: Some(mime_type.into()),
                body: ResourceBody::Blob(base64(bytes.as_ref())),
            },
        }
    }

    /// A link to a resource; add details with [`with_description`](Self::with_description)
    /// and [`with_mime_type`](Self::with_mime_type).
    pub fn resource_link(uri: impl Into<String>, name: impl Into<String>) -> Self {
        Self::ResourceLink {
            uri: uri.into(),
            name: name.into(),
            description: None,
            mime_type: None,
        }
    }

    /// Sets a resource link's description; other blocks are returned unchanged.
    pub fn with_description(mut self, text: impl Into<String>) -> Self {
        if let Self::ResourceLink { description, .. } = &mut self {
            *description = Some(text.into());
        }
        self
    }

    /// Sets a resource link's or embedded resource's media type; other blocks
    /// are returned unchanged.
    pub fn with_mime_type(mut self, mime: impl Into<String>) -> Self {
        match &mut self {
            Self::ResourceLink { mime_type, .. } => *mime_type = Some(mime.into()),
            Self::Resource { resource } => resource.mime_type = Some(mime.into()),
            _ => {}
        }
        self
    }
}

/// What a [`handler_content`](crate::ToolBuilder::handler_content) tool may
/// return: one [`Content`] block, a `Vec` of them or an array of them.
#[diagnostic::on_unimplemented(
    message = "a content tool returns `Content`, `Vec<Content>` or `[Content; N]`, not `{Self}`",
    label = "not content blocks",
    note = "tools that return data use `handler` (or `#[tool]` without `content`) instead"
)]
pub trait IntoContent {
    /// The blocks, in order.
    fn into_content(self) -> Vec<Content>;
}

impl IntoContent for Content {
    fn into_content(self) -> Vec<Content> {
        vec![self]
    }
}

impl IntoContent for Vec<Content> {
    fn into_content(self) -> Vec<Content> {
        self
    }
}

impl<const N: usize> IntoContent for [Content; N] {
    fn into_content(self) -> Vec<Content> {
        self.into()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blocks_serialise_to_the_mcp_form() {
        let blocks = vec![
            Content::text("hi"),
            Content::image([1u8, 2, 3], "image/png"),
            Content::audio_base64("AAAA", "audio/wav"),
            Content::resource_text("test://r", "text/plain", "body"),
            Content::resource_blob("test://b", "application/octet-stream", b"\0"),
            Content::resource_link("file:///a.txt", "a.txt")
                .with_description("A file")
                .with_mime_type("text/plain"),
        ];
        assert_eq!(
            serde_json::to_value(&blocks).unwrap(),
            json!([
                {"type": "text", "text": "hi"},
                {"type": "image", "data": "AQID", "mimeType": "image/png"},
                {"type": "audio", "data": "AAAA", "mimeType": "audio/wav"},
                {"type": "resource", "resource": {"uri": "test://r", "mimeType": "text/plain", "text": "body"}},
                {"type": "resource", "resource": {"uri": "test://b", "mimeType": "application/octet-stream", "blob": "AA=="}},
                {"type": "resource_link", "uri": "file:///a.txt", "name": "a.txt",
                 "description": "A file", "mimeType": "text/plain"},
            ])
        );
    }
}
