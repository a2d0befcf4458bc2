//! 2026-07-28 `subscriptions/listen`: a request whose answer is a long-lived
//! stream of the notifications the client asked for. This server honours
//! `resourceSubscriptions` (its resource and prompt lists never change at run
//! time, so list-changed filters are left out of the acknowledgment).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

use crate::catalog::Catalog;
use crate::context::{Peer, RequestContext};
use crate::jsonrpc::{ErrorObject, Notification, RequestId};

/// The `_meta` key that names the subscription a notification belongs to.
pub(crate) const META_SUBSCRIPTION_ID: &str = "io.modelcontextprotocol/subscriptionId";

/// The first message of a listen stream.
const ACKNOWLEDGED: &str = "notifications/subscriptions/acknowledged";

/// Tags every notification with the subscription's id before it goes out on
/// the listen request's stream.
struct SubscriptionPeer {
    id: Value,
    stream: Arc<dyn Peer>,
}

impl Peer for SubscriptionPeer {
    fn notify(&self, mut notification: Notification) {
        let params = notification.params.get_or_insert_with(|| json!({}));
        if let Value::Object(params) = params {
            let meta = params.entry("_meta").or_insert_with(|| json!({}));
            if let Value::Object(meta) = meta {
                meta.insert(META_SUBSCRIPTION_ID.into(), self.id.clone());
            }
        }
        self.stream.notify(notification);
    }
}

impl Catalog {
    /// Serves `subscriptions/listen`: acknowledges the filter, then delivers
    /// `notifications/resources/updated` for the URIs asked for until the
    /// client cancels (closes the stream). `Ok(())` when it ended that way.
    pub(crate) async fn listen(
        &self,
        id: &RequestId,
        params: Option<&Value>,
        cx: &RequestContext,
    ) -> Result<(), ErrorObject> {
        let Some(stream) = cx.peer.clone() else {
            return Err(ErrorObject::invalid_request(
                "subscriptions/listen answers with an event stream; send Accept: text/event-stream",
            ));
        };
        let filter = params.and_then(|p| p.get("notifications"));
        let asked = match filter.and_then(|f| f.get("resourceSubscriptions")) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(uris)) => uris
                .iter()
                .map(|u| {
                    u.as_str().map(str::to_owned).ok_or_else(|| {
                        ErrorObject::invalid_params(
                            "resourceSubscriptions must be a list of URI strings",
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => {
                return Err(ErrorObject::invalid_params(
                    "resourceSubscriptions must be a list of URI strings",
                ));
            }
        };
        let honoured: Vec<String> = asked
            .into_iter()
            .filter(|uri| self.readable(uri, cx))
            .collect();
        let id_value = serde_json::to_value(id).unwrap_or(Value::Null);
        let peer: Arc<dyn Peer> = Arc::new(SubscriptionPeer {
            id: id_value.clone(),
            stream,
        });
        let mut acknowledged = json!({});
        if !honoured.is_empty() {
            acknowledged["resourceSubscriptions"] = json!(honoured);
        }
        peer.notify(Notification::new(
            ACKNOWLEDGED,
            json!({"notifications": acknowledged}),
        ));
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let channel: Arc<str> =
            Arc::from(format!("listen-{}", NEXT.fetch_add(1, Ordering::Relaxed)));
        for uri in &honoured {
            self.subscribe(uri, channel.clone(), peer.clone());
        }
        cx.cancellation.cancelled().await;
        for uri in &honoured {
            self.unsubscribe(uri, &channel);
        }
        Ok(())
    }
}
