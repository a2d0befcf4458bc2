//! Annotated, schema-strict Model Context Protocol tool servers.

mod batch;
mod error;
mod paging;
mod patch;
pub mod pii;
mod validate;

pub use batch::{Batch, BatchLabel, BatchOutcome, BatchSizeError, Ids, MAX_BATCH_SIZE, NotProcessed};
pub use error::{ErrorCode, ToolError, ToolResult};
pub use paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, Paging};
pub use patch::ApplyPatch;
pub use pii::{Pii, PiiKind};
pub use validate::Validate;
pub use schemars;
pub use serde_json;
