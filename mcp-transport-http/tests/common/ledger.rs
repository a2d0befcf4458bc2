//! A write tool in two steps that waits at a gate between them, for tests that
//! need a write in flight at a moment of their choosing (shutdown, abandoned
//! clients), and an audit sink to see how it ended.

use std::sync::{Arc, Mutex};

use mcp_tools::audit::MemoryAuditSink;
use mcp_tools::{ServerBuilder, Tool, ToolContext, ToolResult};
use schemars::JsonSchema;
use serde::Deserialize;
use tokio::sync::{Semaphore, mpsc};

#[derive(Deserialize, JsonSchema)]
pub struct Transfer {
    /// How much to move.
    pub amount: u32,
}

/// The ledger's entries, the gate the write waits at, and the audit log.
#[derive(Clone)]
pub struct Ledger {
    pub entries: Arc<Mutex<Vec<String>>>,
    pub gate: Arc<Semaphore>,
    pub audit: MemoryAuditSink,
}

impl Ledger {
    /// Adds the `transfer` tool and the audit sink to `builder`; the returned
    /// receiver gets one message each time a transfer reaches the gate.
    pub fn install(
        builder: ServerBuilder,
    ) -> (ServerBuilder, Ledger, mpsc::UnboundedReceiver<u32>) {
        let ledger = Ledger {
            entries: Arc::default(),
            gate: Arc::new(Semaphore::new(0)),
            audit: MemoryAuditSink::new(),
        };
        let (at_gate, reached) = mpsc::unbounded_channel();
        let tool_ledger = ledger.clone();
        let builder = builder.audit_sink(ledger.audit.clone()).tool(
            Tool::builder("transfer")
                .description("Debits, waits at the test's gate, then credits.")
                .destructive()
                .handler(move |args: Transfer, _cx: ToolContext| {
                    let ledger = tool_ledger.clone();
                    let at_gate = at_gate.clone();
                    async move {
                        ledger.push(format!("debit {}", args.amount));
                        let _ = at_gate.send(args.amount);
                        let permit = ledger.gate.acquire().await;
                        drop(permit);
                        ledger.push(format!("credit {}", args.amount));
                        ToolResult::Ok(args.amount)
                    }
                }),
        );
        (builder, ledger, reached)
    }

    fn push(&self, entry: String) {
        self.entries.lock().unwrap().push(entry);
    }

    /// Lets every transfer waiting at the gate go on.
    pub fn open_gate(&self) {
        self.gate.add_permits(1000);
    }

    pub fn entries(&self) -> Vec<String> {
        self.entries.lock().unwrap().clone()
    }
}
