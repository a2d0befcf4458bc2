//! Media.

use mcp_tools::{State, ToolResult, tool};

use crate::account::Account;
use crate::media::{ImageView, UploadImageArgs};
use crate::uploads::UploadTicket;

/// Opens a short-lived, single-use upload session for one image (PNG, JPEG, GIF or WebP, up to
/// 5 MB). PUT the file to the returned uploadUrl with its Content-Type, then call upload_image
/// with the uploadSessionId before expiresAt (15 minutes).
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Prepare an image upload"
)]
pub async fn prepare_image_upload(State(account): State<Account>) -> ToolResult<UploadTicket> {
    Ok(account.prepare_image_upload())
}

/// Stores the image of a completed prepare_image_upload session in Reteno file storage and
/// returns its public URL (for imageUrl of push and app inbox messages, or image blocks of
/// email models), size and, where the format tells, its width and height.
///
/// Errors: InvalidImage — the bytes are not an image of the declared type (nothing stored);
/// UploadSessionNotFound, UploadSessionExpired, UploadSessionAlreadyUsed,
/// UploadSessionIncomplete, UploadSessionWrongKind — prepare a new session and upload again.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Store an uploaded image"
)]
pub async fn upload_image(
    State(account): State<Account>,
    #[args] args: UploadImageArgs,
) -> ToolResult<ImageView> {
    account.upload_image(args)
}
