//! The file routes: uploads into sessions, download links and stored images.
//!
//! An upload URL is a capability: its session id is unguessable, lives 15
//! minutes and is consumed once, so the routes take no bearer token and a
//! plain `curl -T` works. Refusals are JSON, `{"error":KIND,"message":…}`,
//! with the status the kind calls for.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use serde_json::json;

use crate::account::Account;
use crate::uploads::{UploadError, UploadErrorKind};

/// The largest request body the upload route reads: the largest file any
/// session takes (an image, 5 MB). Each file's own, smaller limit is checked
/// by the session, with a message naming it.
pub const UPLOAD_BODY_LIMIT: usize = 5 * 1024 * 1024;

/// The routes, over `account`'s upload sessions, downloads and images.
pub fn routes(account: Account) -> Router {
    Router::new()
        .route(
            "/uploads/{id}/{part}",
            put(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/downloads/{id}", get(download))
        .route("/files/{id}/{name}", get(image))
        .with_state(account)
}

/// The HTTP status of an upload refusal.
pub fn upload_status(kind: UploadErrorKind) -> StatusCode {
    match kind {
        UploadErrorKind::NotFound | UploadErrorKind::UnknownPart => StatusCode::NOT_FOUND,
        UploadErrorKind::Expired => StatusCode::GONE,
        UploadErrorKind::AlreadyUsed => StatusCode::CONFLICT,
        UploadErrorKind::UnsupportedContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        UploadErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        UploadErrorKind::Empty => StatusCode::BAD_REQUEST,
    }
}

/// The `error` word of an upload refusal's body.
fn upload_error_name(kind: UploadErrorKind) -> &'static str {
    match kind {
        UploadErrorKind::NotFound => "session_not_found",
        UploadErrorKind::UnknownPart => "unknown_file",
        UploadErrorKind::Expired => "session_expired",
        UploadErrorKind::AlreadyUsed => "session_already_used",
        UploadErrorKind::UnsupportedContentType => "unsupported_content_type",
        UploadErrorKind::TooLarge => "file_too_large",
        UploadErrorKind::Empty => "empty_file",
    }
}

fn refusal(status: StatusCode, error: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "message": message})),
    )
        .into_response()
}

impl IntoResponse for UploadError {
    fn into_response(self) -> Response {
        refusal(
            upload_status(self.kind()),
            upload_error_name(self.kind()),
            &self.to_string(),
        )
    }
}

async fn upload(
    State(account): State<Account>,
    Path((id, part)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                "file_too_large",
                &format!(
                    "{part} is larger than any upload accepts ({UPLOAD_BODY_LIMIT} bytes); \
                     see maxBytes in the prepare_*_upload result"
                ),
            );
        }
        Err(rejection) => {
            return refusal(
                rejection.status(),
                "unreadable_body",
                &rejection.body_text(),
            );
        }
    };
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match account.uploads().receive(&id, &part, content_type, &body) {
        Ok(received) => axum::Json(json!({
            "uploadSessionId": id,
            "file": received.part,
            "size": received.size,
            "complete": received.complete,
        }))
        .into_response(),
        Err(e) => e.into_response(),
    }
}

async fn download(State(account): State<Account>, Path(id): Path<String>) -> Response {
    let Some(file) = account.downloads().fetch(&id) else {
        return refusal(
            StatusCode::NOT_FOUND,
            "link_not_found",
            "no such download link, or it expired (links last an hour); ask the tool for a new one",
        );
    };
    let mut response = (StatusCode::OK, file.bytes).into_response();
    set_header(&mut response, CONTENT_TYPE, &file.content_type);
    set_header(
        &mut response,
        CONTENT_DISPOSITION,
        &format!(
            "attachment; filename=\"{}\"",
            file.file_name.replace('"', "")
        ),
    );
    set_header(&mut response, CACHE_CONTROL, "no-store");
    response
}

async fn image(
    State(account): State<Account>,
    Path((id, name)): Path<(String, String)>,
) -> Response {
    let found = id
        .parse::<u64>()
        .ok()
        .and_then(|id| account.image(id))
        .filter(|image| image.file_name == name);
    let Some(image) = found else {
        return refusal(
            StatusCode::NOT_FOUND,
            "image_not_found",
            "no stored image at this address; take the url from upload_image's result",
        );
    };
    let mut response = (StatusCode::OK, image.bytes).into_response();
    set_header(&mut response, CONTENT_TYPE, &image.content_type);
    response
}

/// Sets a header whose value comes from the account's data; a value HTTP
/// cannot carry is left out rather than failing the response.
fn set_header(response: &mut Response, name: axum::http::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}
