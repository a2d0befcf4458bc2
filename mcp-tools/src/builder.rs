//! Configuring a server: its identity, tools, shared state and policy.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::audit::AuditSink;
use crate::cache::CacheHints;
use crate::call::InFlightCalls;
use crate::catalog::Catalog;
use crate::confirm::{
    self, Confirmer, DEFAULT_CONFIRMATION_LIFETIME, MemoryReplayStore, ReplayStore,
};
use crate::context::{PiiWriteScope, StateMap};
use crate::dispatch::Dispatcher;
use crate::envelope::ResultStyle;
use crate::error::{BuildError, BuildErrorKind};
use crate::input::StateSigner;
use crate::listing::Listing;
use crate::meta::ServerStamp;
use crate::policy::Policy;
use crate::prompt::Prompt;
use crate::protocol::ServerInfo;
use crate::rate::RateLimiter;
use crate::registry::{Registry, ToolListing};
use crate::resource::{Resource, ResourceTemplate};
use crate::rotation::PreviousSecrets;
use crate::skill::Skill;
use crate::skill::serve::SkillCatalog;
use crate::task::{TaskConfig, TaskStore, TaskSupport, Tasks};
use crate::tool::Tool;

/// The time limit of a tool call unless the tool sets its own.
pub const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a cancelled tool may run on to wind down unless configured.
pub const DEFAULT_CANCELLATION_GRACE: Duration = Duration::from_secs(5);

/// How many tools one `tools/list` page holds unless configured.
pub const DEFAULT_LIST_PAGE_SIZE: usize = 100;

/// How long a 2026-07-28 `requestState` stays valid unless configured.
pub const DEFAULT_REQUEST_STATE_TTL: Duration = Duration::from_secs(10 * 60);

/// Configures and builds a [`Server`](crate::Server).
#[must_use = "call .build() to get a Server"]
pub struct ServerBuilder {
    info: ServerInfo,
    instructions: Option<String>,
    tools: Vec<Tool>,
    state: StateMap,
    page_size: usize,
    default_timeout: Duration,
    cancellation_grace: Duration,
    listing: ToolListing,
    result_style: ResultStyle,
    pii_read_scope: Option<String>,
    authentication_required: bool,
    confirmation_secret: Option<Vec<u8>>,
    confirmation_lifetime: Duration,
    replay_store: Option<Arc<dyn ReplayStore>>,
    audit_sink: Option<Arc<dyn AuditSink>>,
    rate_limiter: Option<Arc<dyn RateLimiter>>,
    public_discovery: bool,
    request_state_secret: Option<Vec<u8>>,
    request_state_ttl: Duration,
    tool_list_cache: CacheHints,
    discovery_cache: CacheHints,
    pub(crate) tasks: TaskConfig,
    resources: Vec<Resource>,
    resource_templates: Vec<ResourceTemplate>,
    prompts: Vec<Prompt>,
    resource_list_cache: CacheHints,
    prompt_list_cache: CacheHints,
    skills: Vec<Skill>,
    skill_cache: CacheHints,
    pub(crate) bus: Option<Arc<dyn crate::bus::NotificationBus>>,
    pub(crate) previous_secrets: PreviousSecrets,
}

impl fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("info", &self.info)
            .field("tools", &self.tools.len())
            .finish_non_exhaustive()
    }
}

impl ServerBuilder {
    /// A human-readable title for the server.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.info.title = Some(title.into());
        self
    }

    /// Instructions for the model, sent at `initialize` and `server/discover`.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Registers a tool.
    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// Registers several tools.
    pub fn tools(mut self, tools: impl IntoIterator<Item = Tool>) -> Self {
        self.tools.extend(tools);
        self
    }

    /// Shares a value with every tool; tools take it as `State<T>`.
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// How many tools one `tools/list` page holds (default 100).
    pub fn list_page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The time limit of calls to tools that do not set their own (default 60 s).
    pub fn default_timeout(mut self, limit: Duration) -> Self {
        self.default_timeout = limit;
        self
    }

    /// How long a cancelled call may run on to wind down;
    /// [`DEFAULT_CANCELLATION_GRACE`] unless set.
    ///
    /// Cancellation is cooperative. When the client cancels a call (a
    /// `notifications/cancelled`, or over HTTP the response stream closing), the
    /// tool's [`ToolContext::cancelled`](crate::ToolContext::cancelled) fires;
    /// the tool may stop what it does, undo what it must and return. After this
    /// grace its future is dropped. Either way the client gets no answer (the
    /// protocol says a cancelled request has none), and the audit log records
    /// how the call ended: what the tool returned in the grace, or `Cancelled`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use mcp_tools::{Server, Tool, ToolContext, ToolResult, NoArguments};
    ///
    /// let export = Tool::builder("export")
    ///     .description("Exports the workspace, a page at a time.")
    ///     .read_only()
    ///     .handler(|_: NoArguments, cx: ToolContext| async move {
    ///         for page in 0..100 {
    ///             if cx.is_cancelled() {
    ///                 // Tidy up, then say how far it got.
    ///                 return ToolResult::Ok(format!("stopped after {page} pages"));
    ///             }
    ///             tokio::time::sleep(Duration::from_millis(10)).await;
    ///         }
    ///         ToolResult::Ok("exported 100 pages".to_owned())
    ///     });
    /// let server = Server::builder("exports", "1.0.0")
    ///     .tool(export)
    ///     .cancellation_grace(Duration::from_secs(2))
    ///     .build()?;
    /// # Ok::<(), mcp_tools::BuildError>(())
    /// ```
    pub fn cancellation_grace(mut self, grace: Duration) -> Self {
        self.cancellation_grace = grace;
        self
    }

    /// Which tools `tools/list` shows each caller.
    pub fn tool_listing(mut self, listing: ToolListing) -> Self {
        self.listing = listing;
        self
    }

    /// How every tool of the server shapes its results: the
    /// `{"Success":…,"Data":…}` envelope (the default) or plain MCP results,
    /// where the data is the structured content and an error is `isError`
    /// text. See [`ResultStyle`] for the two shapes side by side.
    ///
    /// ```
    /// use mcp_tools::{ResultStyle, Server};
    ///
    /// let server = Server::builder("notes", "1.0.0")
    ///     .result_style(ResultStyle::Plain)
    ///     .build()?;
    /// # Ok::<(), mcp_tools::BuildError>(())
    /// ```
    pub fn result_style(mut self, style: ResultStyle) -> Self {
        self.result_style = style;
        self
    }

    /// The scope that lets a caller read personal data in clear; without it,
    /// [`crate::Pii`] values are de-identified. Without this setting every caller
    /// sees personal data in clear.
    pub fn pii_read_scope(mut self, scope: impl Into<String>) -> Self {
        self.pii_read_scope = Some(scope.into());
        self
    }

    /// The scope that lets a caller change personal data. Tools check it with
    /// [`ToolContext::require_pii_write`](crate::ToolContext::require_pii_write) when a call would change personal
    /// fields; without this setting every caller may.
    pub fn pii_write_scope(mut self, scope: impl Into<Arc<str>>) -> Self {
        self.state.insert(PiiWriteScope(scope.into()));
        self
    }

    /// The secret that signs confirmation tokens, at least
    /// [`MIN_SECRET_LEN`](confirm::MIN_SECRET_LEN) random bytes from the
    /// server's configuration. Replicas that share it accept each other's
    /// tokens. Without it, a random secret is drawn once per process, so tokens
    /// die with the process.
    pub fn confirmation_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.confirmation_secret = Some(secret.into());
        self
    }

    /// How long a confirmation token stays valid (default 5 minutes).
    pub fn confirmation_lifetime(mut self, lifetime: Duration) -> Self {
        self.confirmation_lifetime = lifetime;
        self
    }

    /// Where used confirmation tokens are remembered (default: in memory, per
    /// process). Replicas share one store so a token confirms only once.
    pub fn replay_store(mut self, store: impl ReplayStore) -> Self {
        self.replay_store = Some(Arc::new(store));
        self
    }

    /// Records every call of destructive and confirm tools; see [`crate::audit`].
    pub fn audit_sink(mut self, sink: impl AuditSink) -> Self {
        self.audit_sink = Some(Arc::new(sink));
        self
    }

    /// Checks every call against a rate budget before the tool runs; see [`crate::rate`].
    pub fn rate_limiter(mut self, limiter: impl RateLimiter) -> Self {
        self.rate_limiter = Some(Arc::new(limiter));
        self
    }

    /// Refuses tool calls without an authenticated caller, except to tools
    /// declared `no_auth`.
    ///
    /// You turn this on; a transport does not. A transport that authenticates
    /// (the HTTP transport with an authenticator) already refuses requests
    /// without valid credentials at admission; this setting makes the
    /// dispatcher itself refuse anonymous calls too, whichever transport or
    /// in-process [`Client`](crate::Client) delivers them. Without it, a call
    /// that reaches the dispatcher without a caller is served (a local,
    /// trusted deployment).
    pub fn require_authentication(mut self) -> Self {
        self.authentication_required = true;
        self
    }

    /// Lets anyone, without credentials, make the discovery requests:
    /// `initialize`, `ping`, `server/discover`, the lists (`tools/list`,
    /// `resources/list`, `resources/templates/list`, `prompts/list`,
    /// `skills/list`) and notifications (off by default). Calls of tools still
    /// need credentials unless the tool is `no_auth`.
    pub fn public_discovery(mut self, on: bool) -> Self {
        self.public_discovery = on;
        self
    }

    /// The secret that signs 2026-07-28 `requestState` values. Replicas that
    /// share it accept each other's states. Without it, a random secret is
    /// drawn per server.
    pub fn request_state_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.request_state_secret = Some(secret.into());
        self
    }

    /// How long a 2026-07-28 `requestState` stays valid (default 10 minutes).
    pub fn request_state_ttl(mut self, ttl: Duration) -> Self {
        self.request_state_ttl = ttl;
        self
    }

    /// The caching hints of `tools/list` on 2026-07-28 (`ttlMs`,
    /// `cacheScope`); [`CacheHints::NO_REUSE`] unless set. With
    /// [`ToolListing::Permitted`] the list differs between callers, so its
    /// scope is always `private`, whatever is set here.
    ///
    /// ```
    /// use std::time::Duration;
    /// use mcp_tools::{CacheHints, Server};
    ///
    /// let server = Server::builder("crm", "1.0.0")
    ///     .tool_list_cache(CacheHints::public(Duration::from_secs(300)))
    ///     .build()?;
    /// # Ok::<(), mcp_tools::BuildError>(())
    /// ```
    pub fn tool_list_cache(mut self, hints: CacheHints) -> Self {
        self.tool_list_cache = hints;
        self
    }

    /// The caching hints of `server/discover` (2026-07-28);
    /// [`CacheHints::NO_REUSE`] unless set.
    pub fn discovery_cache(mut self, hints: CacheHints) -> Self {
        self.discovery_cache = hints;
        self
    }

    /// Registers a resource at a fixed URI; see [`Resource`].
    pub fn resource(mut self, resource: Resource) -> Self {
        self.resources.push(resource);
        self
    }

    /// Registers a resource template; see [`ResourceTemplate`].
    pub fn resource_template(mut self, template: ResourceTemplate) -> Self {
        self.resource_templates.push(template);
        self
    }

    /// Registers a prompt; see [`Prompt`].
    pub fn prompt(mut self, prompt: Prompt) -> Self {
        self.prompts.push(prompt);
        self
    }

    /// The 2026-07-28 caching hints of `resources/list` and
    /// `resources/templates/list`; [`CacheHints::NO_REUSE`] unless set.
    pub fn resource_list_cache(mut self, hints: CacheHints) -> Self {
        self.resource_list_cache = hints;
        self
    }

    /// The 2026-07-28 caching hints of `prompts/list`;
    /// [`CacheHints::NO_REUSE`] unless set.
    pub fn prompt_list_cache(mut self, hints: CacheHints) -> Self {
        self.prompt_list_cache = hints;
        self
    }

    /// Serves a skill (the `io.modelcontextprotocol/skills` extension); see [`Skill`].
    ///
    /// Its files become resources at `skill://<name>/<path>` (in
    /// `resources/list`, readable with `resources/read`), the server answers
    /// `skills/list`, `skills/get` and `resources/directory/read`, and it
    /// declares the extension with `directoryRead: true`.
    pub fn skill(mut self, skill: Skill) -> Self {
        self.skills.push(skill);
        self
    }

    /// Serves several skills, such as [`Skills::from_dir`](crate::Skills::from_dir)'s.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use mcp_tools::{Client, Server, Skill, Skills};
    ///
    /// let skill = Skill::builder("triage")
    ///     .file("SKILL.md", "---\nname: triage\ndescription: Sorts incoming tickets.\n---\nRead [the rules](rules/priority.md).\n")
    ///     .file("rules/priority.md", "P1: outages.\n")
    ///     .build()?;
    /// let server = Server::builder("helpdesk", "1.0.0")
    ///     .skills(Skills::default().with(skill))
    ///     .build()?;
    /// let client = Client::new(server);
    /// let listed = client.request("skills/list", serde_json::json!({})).await.unwrap();
    /// assert_eq!(listed["skills"][0]["uri"], "skill://triage/SKILL.md");
    /// assert_eq!(listed["skills"][0]["resources"].as_array().unwrap().len(), 2);
    /// let rules = client.read_resource("skill://triage/rules/priority.md").await.unwrap();
    /// assert_eq!(rules["contents"][0]["text"], "P1: outages.\n");
    /// # Ok::<(), mcp_tools::BuildError>(())
    /// # }).unwrap();
    /// ```
    pub fn skills(mut self, skills: impl IntoIterator<Item = Skill>) -> Self {
        self.skills.extend(skills);
        self
    }

    /// The 2026-07-28 caching hints of `skills/list`, `skills/get`,
    /// `resources/directory/read` and reads of skill files;
    /// [`CacheHints::NO_REUSE`] unless set.
    pub fn skill_cache(mut self, hints: CacheHints) -> Self {
        self.skill_cache = hints;
        self
    }

    /// A builder with nothing but the server's identity.
    pub(crate) fn new(name: String, version: String) -> Self {
        Self {
            info: ServerInfo {
                name,
                version,
                title: None,
            },
            instructions: None,
            tools: Vec::new(),
            state: StateMap::default(),
            page_size: DEFAULT_LIST_PAGE_SIZE,
            default_timeout: DEFAULT_TOOL_TIMEOUT,
            cancellation_grace: DEFAULT_CANCELLATION_GRACE,
            listing: ToolListing::All,
            result_style: ResultStyle::Envelope,
            pii_read_scope: None,
            authentication_required: false,
            confirmation_secret: None,
            confirmation_lifetime: DEFAULT_CONFIRMATION_LIFETIME,
            replay_store: None,
            audit_sink: None,
            rate_limiter: None,
            public_discovery: false,
            request_state_secret: None,
            request_state_ttl: DEFAULT_REQUEST_STATE_TTL,
            tool_list_cache: CacheHints::NO_REUSE,
            discovery_cache: CacheHints::NO_REUSE,
            tasks: TaskConfig::default(),
            resources: Vec::new(),
            resource_templates: Vec::new(),
            prompts: Vec::new(),
            resource_list_cache: CacheHints::NO_REUSE,
            prompt_list_cache: CacheHints::NO_REUSE,
            skills: Vec::new(),
            skill_cache: CacheHints::NO_REUSE,
            bus: None,
            previous_secrets: PreviousSecrets::default(),
        }
    }

    /// Checks every tool and the configuration, and assembles the dispatcher.
    pub(crate) fn into_dispatcher(self) -> Result<Dispatcher, BuildError> {
        let invalid =
            |message: String| BuildError::new(BuildErrorKind::InvalidConfiguration, message);
        if let Some(secret) = &self.confirmation_secret
            && secret.len() < confirm::MIN_SECRET_LEN
        {
            return Err(invalid(format!(
                "the confirmation secret has {} bytes; use at least {} random bytes",
                secret.len(),
                confirm::MIN_SECRET_LEN
            )));
        }
        self.previous_secrets.check(
            self.confirmation_secret.as_deref(),
            self.request_state_secret.as_deref(),
        )?;
        let confirmer = if self.tools.iter().any(|t| t.confirm) {
            let replay = self
                .replay_store
                .unwrap_or_else(|| Arc::new(MemoryReplayStore::new()));
            Some(
                Confirmer::new(
                    self.confirmation_secret.as_deref(),
                    self.confirmation_lifetime,
                    replay,
                )
                .map_err(invalid)?
                .with_previous_secret(self.previous_secrets.confirmation.as_deref()),
            )
        } else {
            None
        };
        let state_secret = match self.request_state_secret {
            Some(secret) => secret,
            None => {
                let mut fresh = vec![0; 32];
                getrandom::fill(&mut fresh).map_err(|e| {
                    invalid(format!(
                        "no OS randomness for the request-state secret: {e}"
                    ))
                })?;
                fresh
            }
        };
        let tasks_offered = self.tools.iter().any(|t| t.task != TaskSupport::Never);
        let registry =
            Registry::build(self.tools, &self.state, &self.info.name, self.result_style)?;
        let skills = if self.skills.is_empty() {
            None
        } else {
            Some(SkillCatalog::build(
                self.skills,
                self.page_size,
                self.skill_cache,
            )?)
        };
        let mut resources = self.resources;
        resources.extend(skills.iter().flat_map(SkillCatalog::resources));
        let mut catalog = Catalog::build(
            resources,
            self.resource_templates,
            self.prompts,
            self.page_size,
        )?;
        catalog.skills = skills;
        catalog.resource_list_cache = self.resource_list_cache;
        catalog.prompt_list_cache = self.prompt_list_cache;
        let listing = Listing::new(
            &registry,
            self.listing,
            self.page_size,
            self.tool_list_cache,
        );
        Ok(Dispatcher {
            stamp: ServerStamp::new(&self.info),
            info: self.info,
            instructions: self.instructions,
            discovery_cache: self.discovery_cache,
            registry,
            listing,
            policy: Policy {
                authentication_required: self.authentication_required,
                public_discovery: self.public_discovery,
                pii_read_scope: self.pii_read_scope,
                default_timeout: self.default_timeout,
                cancellation_grace: self.cancellation_grace,
                state: Arc::new(self.state),
                confirmer,
                audit_sink: self.audit_sink,
                rate_limiter: self.rate_limiter,
            },
            in_flight: InFlightCalls::default(),
            request_state: StateSigner::new(&state_secret, self.request_state_ttl)
                .with_previous_secret(self.previous_secrets.request_state.as_deref()),
            tasks: Tasks::new(self.tasks, tasks_offered),
            me: std::sync::OnceLock::new(),
            catalog,
            fanout: crate::bus::Fanout {
                bus: self.bus,
                sessions: std::sync::OnceLock::new(),
            },
        })
    }
}

/// The tasks extension's settings (see [`crate::task`]).
impl ServerBuilder {
    /// Keeps tasks in `store` instead of this process's memory, for example a
    /// store shared by several replicas.
    pub fn task_store(mut self, store: Arc<dyn TaskStore>) -> Self {
        self.tasks.store = Some(store);
        self
    }

    /// How long a task and its result are kept after it is created; `None`
    /// keeps them until the process ends. A task still running when its time
    /// is up is stopped. Default [`DEFAULT_TASK_TTL`](crate::task::DEFAULT_TASK_TTL).
    pub fn task_ttl(mut self, ttl: Option<Duration>) -> Self {
        self.tasks.ttl = ttl;
        self
    }

    /// The polling interval suggested to clients (`pollIntervalMs`). Default
    /// [`DEFAULT_TASK_POLL_INTERVAL`](crate::task::DEFAULT_TASK_POLL_INTERVAL).
    pub fn task_poll_interval(mut self, interval: Duration) -> Self {
        self.tasks.poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// How long a call that may become a task runs before the client gets a
    /// task handle; a call that ends sooner answers in its own request.
    /// `Duration::ZERO` makes every such call a task. Default
    /// [`DEFAULT_TASK_IMMEDIATE_WINDOW`](crate::task::DEFAULT_TASK_IMMEDIATE_WINDOW).
    pub fn task_immediate_window(mut self, window: Duration) -> Self {
        self.tasks.immediate_window = window;
        self
    }

    /// How long a worker's lease lasts; workers renew it a few times per lease.
    /// A task whose lease ran out without it ending (its process died) is
    /// reported failed. Default [`DEFAULT_TASK_LEASE`](crate::task::DEFAULT_TASK_LEASE).
    pub fn task_lease(mut self, lease: Duration) -> Self {
        self.tasks.lease = lease.max(Duration::from_millis(30));
        self
    }
}

/// Key rotation: secrets being rotated out, whose tokens and states still
/// verify until they expire.
impl ServerBuilder {
    /// A confirmation secret being rotated out: tokens it signed are still
    /// accepted until they expire, while new tokens are signed with
    /// [`confirmation_secret`](Self::confirmation_secret), which must be set
    /// too. At least [`MIN_SECRET_LEN`](confirm::MIN_SECRET_LEN) bytes.
    ///
    /// Rotate in two steps: deploy every replica with the new secret as
    /// current and the old one as previous; once the
    /// [confirmation lifetime](Self::confirmation_lifetime) has passed, drop
    /// the previous secret.
    ///
    /// ```
    /// use mcp_tools::Server;
    ///
    /// let server = Server::builder("crm", "1.0.0")
    ///     .confirmation_secret(*b"the-new-secret-32-bytes-or-more!")
    ///     .previous_confirmation_secret(*b"the-old-secret-32-bytes-or-more!")
    ///     .build()
    ///     .unwrap();
    /// # let _ = server;
    /// ```
    pub fn previous_confirmation_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.previous_secrets.confirmation = Some(secret.into());
        self
    }

    /// A `requestState` secret being rotated out: states it signed are still
    /// accepted until they expire, while new states are signed with
    /// [`request_state_secret`](Self::request_state_secret), which must be
    /// set too. Drop it once the
    /// [request-state time to live](Self::request_state_ttl) has passed.
    pub fn previous_request_state_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.previous_secrets.request_state = Some(secret.into());
        self
    }
}

/// Replicas: the notification bus (see [`crate::bus`]).
impl ServerBuilder {
    /// Shares notifications with the other replicas of a deployment through
    /// `bus` (default: none; a single process needs none). With a bus,
    /// [`Server::notify_resource_updated`](crate::Server::notify_resource_updated)
    /// reaches the subscribers of every replica.
    ///
    /// ```
    /// use mcp_tools::Server;
    /// use mcp_tools::bus::{BusMessage, BusReceiver, NotificationBus};
    ///
    /// /// A bus to nowhere: a deployment of one.
    /// struct Alone;
    /// impl NotificationBus for Alone {
    ///     fn publish(&self, _: BusMessage) {}
    ///     fn attach(&self, _: BusReceiver) {}
    /// }
    /// let server = Server::builder("crm", "1.0.0").notification_bus(Alone).build().unwrap();
    /// assert!(server.has_notification_bus());
    /// ```
    pub fn notification_bus(mut self, bus: impl crate::bus::NotificationBus) -> Self {
        self.bus = Some(Arc::new(bus));
        self
    }
}
