//! The response future of [`McpService`](crate::McpService).

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use http::Response;
use tokio::sync::OwnedSemaphorePermit;

use crate::body::McpBody;

/// The future [`McpService`](crate::McpService) returns: never fails.
pub struct ResponseFuture {
    /// The endpoint's own future, polled in its box: nothing around it is an
    /// `async` layer of its own, so the box is the request's only future.
    inner: BoxFuture<'static, Response<McpBody>>,
    /// A slot of the server's in-flight requests (under `serve()`), given
    /// back as soon as the answer is ready.
    slot: Option<OwnedSemaphorePermit>,
}

impl ResponseFuture {
    pub(crate) fn new(inner: BoxFuture<'static, Response<McpBody>>) -> Self {
        Self { inner, slot: None }
    }

    /// `inner`, holding `slot` until it is ready.
    pub(crate) fn holding(
        inner: BoxFuture<'static, Response<McpBody>>,
        slot: OwnedSemaphorePermit,
    ) -> Self {
        Self {
            inner,
            slot: Some(slot),
        }
    }
}

impl Future for ResponseFuture {
    type Output = Result<Response<McpBody>, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let response = std::task::ready!(self.inner.as_mut().poll(cx));
        self.slot = None;
        Poll::Ready(Ok(response))
    }
}

impl fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
