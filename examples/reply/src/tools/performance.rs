//! Sequence statistics, computed from the workspace's delivery records.

use mcp_tools::{State, ToolResult, tool};

use crate::performance::{CompareSequencesArgs, SequenceComparison, SequenceStats};
use crate::sequences::SequenceRef;
use crate::workspace::Workspace;

/// Returns the performance of one sequence: contacts by per-sequence status, emails
/// sent/delivered/opened/replied/bounced with their rates, and LinkedIn invites, acceptances,
/// messages and replies.
///
/// Use it to report how a sequence is doing or to confirm it is running after
/// reply_start_sequence. sequenceId comes from reply_search_sequences. For several sequences
/// at once use reply_compare_sequence_performance.
/// Errors: NotFound — unknown sequenceId.
#[tool(read_only, name = "reply_get_sequence_stats")]
pub async fn get_sequence_stats(
    State(ws): State<Workspace>,
    #[args] args: SequenceRef,
) -> ToolResult<SequenceStats> {
    ws.get_sequence_stats(args)
}

/// Returns the email and LinkedIn metrics of 2 to 20 sequences side by side in one call,
/// plus the id of the sequence with the best email reply rate, to answer questions such as
/// "which campaign works best".
///
/// sequenceIds come from reply_search_sequences and must be distinct.
/// Errors: InvalidArguments — fewer than 2 distinct ids (use reply_get_sequence_stats for
/// one); NotFound — one of the ids is unknown (the message names it).
#[tool(read_only, name = "reply_compare_sequence_performance")]
pub async fn compare_sequence_performance(
    State(ws): State<Workspace>,
    #[args] args: CompareSequencesArgs,
) -> ToolResult<SequenceComparison> {
    ws.compare_sequence_performance(args)
}
