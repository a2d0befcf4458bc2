//! The command line.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use mcp_examples_support::cli::ServeArgs;

use crate::tokens::{DEFAULT_TOKEN_DAYS, Grant, MAX_TOKEN_DAYS};

/// Serves Retently's 53 MCP tools over Streamable HTTP on an in-memory sandbox
/// account.
///
/// Without --pat, two personal access tokens are minted and printed: one with
/// every scope but pii:read and pii:write, and one with all 22.
#[derive(Debug, Clone, Parser)]
#[command(name = "retently", version)]
pub struct Options {
    #[command(flatten)]
    pub serve: ServeArgs,

    /// A personal access token to accept and the scopes it grants, as
    /// TOKEN=SCOPE,SCOPE… with TOKEN like rtly_mcp_pat_<id>_<secret>.
    /// Repeat for several tokens.
    #[arg(long = "pat", value_name = "TOKEN=SCOPES")]
    pub pats: Vec<Grant>,

    /// Days until the tokens expire.
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_TOKEN_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_TOKEN_DAYS)))]
    pub pat_days: u32,

    /// The file that receives one JSON line per write call (dry run,
    /// execution or refusal). Appended to if it exists.
    #[arg(long, value_name = "PATH", default_value = "retently-audit.jsonl")]
    pub audit_log: PathBuf,

    /// Accept bearer JWTs from this OAuth issuer (its `iss`), signed HS256
    /// with --jwt-secret. Their audience must be the endpoint URL (--resource).
    #[arg(long, value_name = "URL", requires = "jwt_secret")]
    pub jwt_issuer: Option<String>,

    /// The HS256 secret shared with --jwt-issuer, at least 32 bytes.
    #[arg(long, value_name = "SECRET", requires = "jwt_issuer")]
    pub jwt_secret: Option<String>,

    /// The endpoint's public URL: the audience of accepted JWTs and the
    /// resource in the protected-resource metadata. Default: the listen
    /// address with /mcp.
    #[arg(long, value_name = "URL")]
    pub resource: Option<String>,

    /// Seconds a confirmation token stays valid.
    #[arg(long, value_name = "SECONDS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub confirm_secs: u64,

    /// Confirmed writes per account and hour (the vendor's budget is 60).
    /// With --redis the budget is shared by every replica.
    #[arg(long, value_name = "N", default_value_t = crate::service::WRITES_PER_HOUR,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub writes_per_hour: u32,

    /// Calls of any tool, and other requests, per account and hour (the
    /// vendor's budget is 3600). With --redis the budget is shared by every
    /// replica.
    #[arg(long, value_name = "N", default_value_t = crate::service::CALLS_PER_HOUR,
          value_parser = clap::value_parser!(u32).range(1..=100_000_000))]
    pub calls_per_hour: u32,

    /// Turn the B2B Account-CX feature off, so the company tools refuse.
    #[arg(long)]
    pub no_b2b: bool,

    /// Print an OAuth access token of the sandbox sign-in for this user
    /// (owner, manager, agent or viewer) with every scope their role may
    /// grant, then exit. It is valid for an hour against a server started
    /// with the same --listen (or --resource).
    #[arg(long, value_name = "USER", conflicts_with = "stdio")]
    pub issue_token: Option<String>,
}

impl Options {
    /// How long a confirmation token stays valid.
    pub fn confirmation_lifetime(&self) -> Duration {
        Duration::from_secs(self.confirm_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        Options::try_parse_from(std::iter::once("retently").chain(args.iter().copied()))
    }

    #[test]
    fn defaults() {
        let o = parse(&[]).unwrap();
        assert!(o.pats.is_empty());
        assert_eq!(o.pat_days, 90);
        assert_eq!(o.audit_log, PathBuf::from("retently-audit.jsonl"));
        assert_eq!(o.serve.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(o.confirmation_lifetime(), Duration::from_secs(300));
        assert!(o.issue_token.is_none());
        assert_eq!(o.writes_per_hour, 60);
        assert_eq!(o.calls_per_hour, 3600);
        assert!(parse(&["--calls-per-hour", "0"]).is_err());
        assert_eq!(
            parse(&["--calls-per-hour", "20"]).unwrap().calls_per_hour,
            20
        );
        let o = parse(&["--issue-token", "viewer"]).unwrap();
        assert_eq!(o.issue_token.as_deref(), Some("viewer"));
    }

    #[test]
    fn tokens_and_their_limits() {
        let o = parse(&[
            "--pat",
            "rtly_mcp_pat_ci_0123456789abcdef=feedback:read,reports:read",
            "--pat-days",
            "365",
        ])
        .unwrap();
        assert_eq!(o.pats[0].scopes, ["feedback:read", "reports:read"]);
        assert!(parse(&["--pat-days", "366"]).is_err());
        assert!(parse(&["--pat-days", "0"]).is_err());
        let err = parse(&["--pat", "rtly_mcp_pat_ci_0123456789abcdef=feedback:write"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown scope \"feedback:write\""), "{err}");
    }

    #[test]
    fn jwt_flags_come_together() {
        assert!(parse(&["--jwt-issuer", "https://as.example"]).is_err());
        let o = parse(&[
            "--jwt-issuer",
            "https://as.example",
            "--jwt-secret",
            "0123456789abcdef0123456789abcdef",
        ])
        .unwrap();
        assert_eq!(o.jwt_issuer.as_deref(), Some("https://as.example"));
    }
}
