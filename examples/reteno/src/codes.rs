//! The sandbox's own error codes, next to the SDK's shared ones
//! (`InvalidArguments`, `NotFound`, `Conflict`, …).

use mcp_tools::ErrorCode;

/// No upload session has the given id.
pub const UPLOAD_SESSION_NOT_FOUND: ErrorCode = ErrorCode::custom("UploadSessionNotFound");
/// The upload session is past its expiry.
pub const UPLOAD_SESSION_EXPIRED: ErrorCode = ErrorCode::custom("UploadSessionExpired");
/// The upload session was already consumed by a finishing tool.
pub const UPLOAD_SESSION_USED: ErrorCode = ErrorCode::custom("UploadSessionAlreadyUsed");
/// The upload session belongs to another finishing tool or another object.
pub const UPLOAD_SESSION_WRONG_KIND: ErrorCode = ErrorCode::custom("UploadSessionWrongKind");
/// A required file of the upload session has not been uploaded.
pub const UPLOAD_INCOMPLETE: ErrorCode = ErrorCode::custom("UploadSessionIncomplete");
/// The segment is dynamic; only static segments can be changed.
pub const DYNAMIC_SEGMENT: ErrorCode = ErrorCode::custom("DynamicSegmentNotSupported");
/// An email model edit changed layout or block structure.
pub const BLOCK_STRUCTURE_CHANGED: ErrorCode = ErrorCode::custom("BlockStructureChanged");
/// The uploaded file is not valid JSON of the expected shape.
pub const INVALID_FILE: ErrorCode = ErrorCode::custom("InvalidUploadedFile");
/// The uploaded workflow graph is not a valid graph.
pub const INVALID_WORKFLOW_GRAPH: ErrorCode = ErrorCode::custom("InvalidWorkflowGraph");
/// The workflow is active; the agent edits inactive workflows only.
pub const WORKFLOW_ACTIVE: ErrorCode = ErrorCode::custom("WorkflowActive");
/// The contact unsubscribed from the channel of the message.
pub const CONTACT_UNSUBSCRIBED: ErrorCode = ErrorCode::custom("ContactUnsubscribed");
/// The contact has no address on the channel of the message.
pub const NO_ADDRESS: ErrorCode = ErrorCode::custom("ContactHasNoAddress");
/// The email's HTML comes from its editor model and cannot be replaced directly.
pub const EDITOR_MODEL_REQUIRED: ErrorCode = ErrorCode::custom("EditorModelRequired");
/// The uploaded bytes are not an image of the declared type.
pub const INVALID_IMAGE: ErrorCode = ErrorCode::custom("InvalidImage");
/// A delivery status can only move forward.
pub const STATUS_REGRESSION: ErrorCode = ErrorCode::custom("StatusCannotMoveBack");
/// The storefront URL cannot be read as a public storefront.
pub const UNREACHABLE_STOREFRONT: ErrorCode = ErrorCode::custom("StorefrontUnreachable");
/// The email message's sender domain is not verified, so it cannot be sent.
pub const SENDER_NOT_VERIFIED: ErrorCode = ErrorCode::custom("SenderNotVerified");
