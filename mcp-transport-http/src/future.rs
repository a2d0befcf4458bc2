//! The response future of [`McpService`](crate::McpService).

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use http::Response;

use crate::body::McpBody;

/// The future [`McpService`](crate::McpService) returns: never fails.
pub struct ResponseFuture {
    inner: BoxFuture<'static, Result<Response<McpBody>, Infallible>>,
}

impl ResponseFuture {
    pub(crate) fn new(inner: BoxFuture<'static, Result<Response<McpBody>, Infallible>>) -> Self {
        Self { inner }
    }
}

impl Future for ResponseFuture {
    type Output = Result<Response<McpBody>, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
