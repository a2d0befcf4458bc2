//! Routes beside the endpoint: requests for paths the endpoint does not own
//! (an authorization server, file downloads) go to a service the application
//! gives, so that one `serve` with its limits and timeouts covers the whole
//! port.

use std::convert::Infallible;

use bytes::{Buf, Bytes};
use http::{Request, Response};
use http_body::Body;
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use tower::ServiceExt as _;
use tower::util::BoxCloneSyncService;

use crate::body::{BoxError, McpBody};

/// The request body a fallback service (`McpServiceBuilder::fallback`) receives.
pub type FallbackBody = UnsyncBoxBody<Bytes, BoxError>;

/// The application's service, type-erased once at build.
#[derive(Clone)]
pub(crate) struct Fallback(
    BoxCloneSyncService<Request<FallbackBody>, Response<McpBody>, Infallible>,
);

impl Fallback {
    pub(crate) fn new<S, B>(service: S) -> Self
    where
        S: tower_service::Service<
                Request<FallbackBody>,
                Response = Response<B>,
                Error = Infallible,
            > + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Self(BoxCloneSyncService::new(service.map_response(
            |response: Response<B>| response.map(McpBody::other),
        )))
    }

    /// Hands one request over, its body streamed as it arrives.
    pub(crate) async fn call<B>(&self, request: Request<B>) -> Response<McpBody>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let request = request.map(|body| {
            body.map_frame(|frame| frame.map_data(|mut data| data.copy_to_bytes(data.remaining())))
                .map_err(Into::into)
                .boxed_unsync()
        });
        // Not `oneshot`: its type, bounded by `Service`, trips the compiler's
        // `Send` check of the futures that await this one.
        let mut service = self.0.clone();
        let ready = std::future::poll_fn(|cx| tower_service::Service::poll_ready(&mut service, cx));
        let Ok(()) = ready.await;
        let Ok(response) = tower_service::Service::call(&mut service, request).await;
        response
    }
}
