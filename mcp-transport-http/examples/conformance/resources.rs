//! The suite's resource fixtures: a text and a binary resource, a template
//! with a completed variable, and a resource to subscribe to.

use std::time::Duration;

use mcp_tools::{
    Annotations, CacheHints, Completer, RequestError, Resource, ResourceContents, ResourceContext,
    ResourceTemplate, Role, ServerBuilder,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

/// A 1×1 red PNG, base64-encoded.
pub(crate) const PIXEL_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

#[derive(Deserialize, JsonSchema)]
struct TemplateVars {
    /// The record's identifier.
    id: String,
}

pub(crate) fn register(builder: ServerBuilder) -> ServerBuilder {
    let hour = CacheHints::public(Duration::from_secs(3600));
    builder
        .resource_list_cache(hour)
        .resource(
            Resource::builder("test://static-text", "static-text")
                .title("Static text")
                .description("A fixed text resource.")
                .mime_type("text/plain")
                .annotations(Annotations::for_audience([Role::User, Role::Assistant]).priority(0.5))
                .cache(hour)
                .handler(|cx: ResourceContext| async move {
                    Ok(ResourceContents::text(
                        cx.uri(),
                        "This is the content of the static text resource.",
                    )
                    .with_mime_type("text/plain"))
                }),
        )
        .resource(
            Resource::builder("test://static-binary", "static-binary")
                .description("A fixed binary resource: a 1×1 PNG.")
                .mime_type("image/png")
                .cache(hour)
                .handler(|cx: ResourceContext| async move {
                    Ok(ResourceContents::blob_base64(cx.uri(), PIXEL_PNG)
                        .with_mime_type("image/png"))
                }),
        )
        .resource(
            Resource::builder("test://watched-resource", "watched-resource")
                .description("A resource clients subscribe to.")
                .mime_type("text/plain")
                .handler(|cx: ResourceContext| async move {
                    Ok(
                        ResourceContents::text(cx.uri(), "Watched resource content.")
                            .with_mime_type("text/plain"),
                    )
                }),
        )
        .resource_template(
            ResourceTemplate::builder("test://template/{id}/data", "template-data")
                .description("A record's data, by identifier.")
                .mime_type("application/json")
                .complete("id", Completer::values(["123", "124", "200"]))
                .handler(|vars: TemplateVars, cx: ResourceContext| async move {
                    if vars.id.is_empty() {
                        return Err(RequestError::invalid_params("id must not be empty"));
                    }
                    let body = json!({
                        "id": vars.id,
                        "templateTest": true,
                        "data": format!("Data for ID: {}", vars.id),
                    });
                    Ok(ResourceContents::text(cx.uri(), body.to_string())
                        .with_mime_type("application/json"))
                }),
        )
}
