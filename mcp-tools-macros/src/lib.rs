//! The `#[tool]` attribute macro.
