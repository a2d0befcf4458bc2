//! Strict argument validation: the published `inputSchema` is the contract.

/// A cross-field rule on an argument type, checked after the schema has passed.
///
/// Rules a JSON Schema cannot say well ("at least one of email or LinkedIn URL")
/// go here. The returned message is shown to the model inside an `InvalidArguments`
/// envelope, so say what is missing and what to do instead.
///
/// ```
/// use mcp_tools::Validate;
///
/// struct SearchContacts { email: Option<String>, linkedin_url: Option<String> }
///
/// impl Validate for SearchContacts {
///     fn validate(&self) -> Result<(), String> {
///         if self.email.is_none() && self.linkedin_url.is_none() {
///             return Err("pass email or linkedInUrl; names are not searchable".into());
///         }
///         Ok(())
///     }
/// }
/// ```
pub trait Validate {
    /// Checks the rule; `Err` carries the message for the model.
    fn validate(&self) -> Result<(), String>;
}
