//! The server's resources, resource templates and prompts, and the methods
//! that serve them: `resources/*`, `prompts/*` and `completion/complete`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::cache::CacheHints;
use crate::completion::{Completer, Completion, CompletionRequest};
use crate::context::{Caller, Peer, RequestContext, StateMap};
use crate::error::{BuildError, BuildErrorKind};
use crate::jsonrpc::{ErrorObject, Notification, code, raw_json};
use crate::prompt::{Prompt, PromptContext};
use crate::protocol::method;
use crate::request_error::RequestError;
use crate::resource::{Resource, ResourceContext, ResourceTemplate, run_read};
use crate::skill::serve::SkillCatalog;

/// Who is subscribed to which URI: the channel and where its notifications go.
type Subscribers = HashMap<String, Vec<(Arc<str>, Arc<dyn Peer>)>>;

/// Everything but tools a server offers.
pub(crate) struct Catalog {
    resources: Vec<Resource>,
    templates: Vec<ResourceTemplate>,
    prompts: Vec<Prompt>,
    page_size: usize,
    pub(crate) resource_list_cache: CacheHints,
    pub(crate) prompt_list_cache: CacheHints,
    subscribers: Mutex<Subscribers>,
    /// The skills extension; its files are among `resources`.
    pub(crate) skills: Option<SkillCatalog>,
}

impl Catalog {
    /// Checks names, templates and completions.
    pub(crate) fn build(
        resources: Vec<Resource>,
        templates: Vec<ResourceTemplate>,
        prompts: Vec<Prompt>,
        page_size: usize,
    ) -> Result<Self, BuildError> {
        let fail = |kind, message: String| Err(BuildError::new(kind, message));
        let mut uris = HashSet::new();
        for resource in &resources {
            if !uris.insert(resource.uri.as_str()) {
                return fail(
                    BuildErrorKind::DuplicateName,
                    format!("two resources share the URI {}", resource.uri),
                );
            }
        }
        let mut texts = HashSet::new();
        for template in &templates {
            if !texts.insert(template.text.as_str()) {
                return fail(
                    BuildErrorKind::DuplicateName,
                    format!("two resource templates share {}", template.text),
                );
            }
            if let Some(problem) = template.problem() {
                return fail(BuildErrorKind::InvalidConfiguration, problem);
            }
        }
        let mut names = HashSet::new();
        for prompt in &prompts {
            if prompt.name.is_empty() || !names.insert(prompt.name.as_str()) {
                return fail(
                    BuildErrorKind::DuplicateName,
                    format!("prompt name {:?} is empty or used twice", prompt.name),
                );
            }
            if let Some(problem) = prompt.problem() {
                return fail(BuildErrorKind::InvalidConfiguration, problem);
            }
        }
        Ok(Self {
            resources,
            templates,
            prompts,
            page_size,
            resource_list_cache: CacheHints::NO_REUSE,
            prompt_list_cache: CacheHints::NO_REUSE,
            subscribers: Mutex::default(),
            skills: None,
        })
    }

    fn has_resources(&self) -> bool {
        !self.resources.is_empty() || !self.templates.is_empty()
    }

    /// Adds `resources`, `prompts` and `completions` to the server's capabilities
    /// for what is registered.
    pub(crate) fn declare(&self, capabilities: &mut Map<String, Value>, stateless: bool) {
        if self.has_resources() {
            let mut resources = json!({"listChanged": false});
            if !stateless {
                resources["subscribe"] = true.into();
            }
            capabilities.insert("resources".into(), resources);
        }
        if !self.prompts.is_empty() {
            capabilities.insert("prompts".into(), json!({"listChanged": false}));
        }
        let completes = self.prompts.iter().any(|p| !p.completers.is_empty())
            || self.templates.iter().any(|t| !t.completers.is_empty());
        if completes {
            capabilities.insert("completions".into(), json!({}));
        }
        if let Some(skills) = &self.skills {
            skills.declare(capabilities);
        }
    }

    /// Serves one of the catalog's methods; `None` when `name` is not one.
    pub(crate) async fn handle(
        &self,
        name: &str,
        params: Option<&Value>,
        cx: &RequestContext,
        state: &Arc<StateMap>,
    ) -> Option<Result<Box<RawValue>, ErrorObject>> {
        let stateless = cx.protocol_version.is_stateless();
        let (result, hints) = match name {
            method::RESOURCES_LIST if self.has_resources() => {
                let items: Vec<Value> = self.resources.iter().map(Resource::listing).collect();
                (
                    self.page("resources", &items, params),
                    Some(self.resource_list_cache),
                )
            }
            method::RESOURCE_TEMPLATES_LIST if self.has_resources() => {
                let items: Vec<Value> = self
                    .templates
                    .iter()
                    .map(ResourceTemplate::listing)
                    .collect();
                (
                    self.page("resourceTemplates", &items, params),
                    Some(self.resource_list_cache),
                )
            }
            method::RESOURCES_READ if self.has_resources() => {
                match self.read(params, cx, state).await {
                    Ok((result, hints)) => (Ok(result), Some(hints)),
                    Err(e) => (Err(e), None),
                }
            }
            method::RESOURCES_SUBSCRIBE | method::RESOURCES_UNSUBSCRIBE
                if self.has_resources() && !stateless =>
            {
                (self.subscription(name, params, cx), None)
            }
            method::PROMPTS_LIST if !self.prompts.is_empty() => {
                let items: Vec<Value> = self.prompts.iter().map(Prompt::listing).collect();
                (
                    self.page("prompts", &items, params),
                    Some(self.prompt_list_cache),
                )
            }
            method::PROMPTS_GET if !self.prompts.is_empty() => {
                (self.get_prompt(params, cx, state).await, None)
            }
            method::COMPLETE if self.has_resources() || !self.prompts.is_empty() => {
                (self.complete(params, cx).await, None)
            }
            other => match self.skills.as_ref().and_then(|s| s.handle(other, params)) {
                Some(result) => (result, self.skills.as_ref().map(|s| s.cache)),
                None => return None,
            },
        };
        Some(result.map(|mut result| {
            if stateless {
                result.insert("resultType".into(), "complete".into());
                if let Some(hints) = hints {
                    hints.insert_into(&mut result);
                }
            }
            raw_json(Value::Object(result).to_string())
        }))
    }

    /// One page of `items` under `key`, with an opaque cursor to the next.
    fn page(
        &self,
        key: &str,
        items: &[Value],
        params: Option<&Value>,
    ) -> Result<Map<String, Value>, ErrorObject> {
        let offset = match params
            .and_then(|p| p.get("cursor"))
            .filter(|c| !c.is_null())
        {
            None => 0,
            Some(Value::String(cursor)) => cursor
                .strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('-'))
                .and_then(|n| usize::from_str_radix(n, 16).ok())
                .filter(|&n| n % self.page_size == 0 && n < items.len())
                .ok_or_else(|| {
                    ErrorObject::invalid_params(format!(
                        "unknown cursor; pass a nextCursor from a previous list of {key}"
                    ))
                })?,
            Some(_) => return Err(ErrorObject::invalid_params("\"cursor\" must be a string")),
        };
        let end = (offset + self.page_size).min(items.len());
        let mut out = Map::new();
        out.insert(key.into(), items[offset..end].to_vec().into());
        if end < items.len() {
            out.insert("nextCursor".into(), format!("{key}-{end:x}").into());
        }
        Ok(out)
    }

    async fn read(
        &self,
        params: Option<&Value>,
        cx: &RequestContext,
        state: &Arc<StateMap>,
    ) -> Result<(Map<String, Value>, CacheHints), ErrorObject> {
        let uri = required_string(
            params,
            "uri",
            "resources/read needs \"uri\", a string from resources/list or matching a template from resources/templates/list",
        )?;
        let (handler, vars, descriptor) = self.find(uri).ok_or_else(|| not_found(uri))?;
        permitted(
            &descriptor.scopes,
            cx.caller.as_ref(),
            &format!("resource {uri}"),
        )?;
        let rcx = ResourceContext {
            uri: uri.to_owned(),
            caller: cx.caller.clone(),
            state: state.clone(),
        };
        let contents = run_read(handler, vars, rcx)
            .await
            .map_err(RequestError::into_error_object)?;
        let mut out = Map::new();
        out.insert("contents".into(), json!(contents));
        Ok((out, descriptor.cache))
    }

    /// The static resource at `uri`, or the first template that matches it.
    fn find(
        &self,
        uri: &str,
    ) -> Option<(
        &crate::resource::ReadFn,
        Map<String, Value>,
        &crate::resource::Descriptor,
    )> {
        if let Some(resource) = self.resources.iter().find(|r| r.uri == uri) {
            return Some((&resource.handler, Map::new(), &resource.descriptor));
        }
        self.templates.iter().find_map(|t| {
            let vars = t.template.as_ref().ok()?.match_uri(uri)?;
            Some((&t.handler, vars, &t.descriptor))
        })
    }

    fn subscription(
        &self,
        name: &str,
        params: Option<&Value>,
        cx: &RequestContext,
    ) -> Result<Map<String, Value>, ErrorObject> {
        let uri = required_string(
            params,
            "uri",
            &format!("{name} needs \"uri\", the resource's URI"),
        )?;
        let channel = cx.channel_key();
        if name == method::RESOURCES_UNSUBSCRIBE {
            self.unsubscribe(uri, &channel);
            return Ok(Map::new());
        }
        let (_, _, descriptor) = self.find(uri).ok_or_else(|| not_found(uri))?;
        permitted(
            &descriptor.scopes,
            cx.caller.as_ref(),
            &format!("resource {uri}"),
        )?;
        let peer = cx.session_peer.clone().ok_or_else(|| {
            ErrorObject::invalid_request(
                "resources/subscribe needs a session to deliver notifications/resources/updated on; \
                 initialize a session and open its event stream (GET) first",
            )
        })?;
        self.subscribe(uri, channel, peer);
        Ok(Map::new())
    }

    /// Whether `uri` names a resource `cx`'s caller may read.
    pub(crate) fn readable(&self, uri: &str, cx: &RequestContext) -> bool {
        self.find(uri).is_some_and(|(_, _, descriptor)| {
            permitted(&descriptor.scopes, cx.caller.as_ref(), uri).is_ok()
        })
    }

    /// Adds `peer` as `channel`'s subscriber to `uri`.
    pub(crate) fn subscribe(&self, uri: &str, channel: Arc<str>, peer: Arc<dyn Peer>) {
        let mut subscribers = self
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let list = subscribers.entry(uri.to_owned()).or_default();
        list.retain(|(c, p)| *c != channel && !p.is_closed());
        list.push((channel, peer));
    }

    /// Removes `channel`'s subscription to `uri`.
    pub(crate) fn unsubscribe(&self, uri: &str, channel: &Arc<str>) {
        let mut subscribers = self
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(list) = subscribers.get_mut(uri) {
            list.retain(|(c, _)| c != channel);
        }
    }

    /// Sends `notifications/resources/updated` to every subscriber of `uri`;
    /// returns how many there were.
    pub(crate) fn notify_updated(&self, uri: &str) -> usize {
        let mut subscribers = self
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(list) = subscribers.get_mut(uri) else {
            return 0;
        };
        list.retain(|(_, peer)| !peer.is_closed());
        for (_, peer) in list.iter() {
            peer.notify(Notification::new(
                method::RESOURCE_UPDATED,
                json!({"uri": uri}),
            ));
        }
        list.len()
    }

    async fn get_prompt(
        &self,
        params: Option<&Value>,
        cx: &RequestContext,
        state: &Arc<StateMap>,
    ) -> Result<Map<String, Value>, ErrorObject> {
        let name = required_string(
            params,
            "name",
            "prompts/get needs \"name\", a prompt from prompts/list",
        )?;
        let prompt = self
            .prompts
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| {
                ErrorObject::invalid_params(format!(
                    "unknown prompt {name:?}; call prompts/list for the available prompts"
                ))
                .with_data(json!({"name": name}))
            })?;
        permitted(
            &prompt.scopes,
            cx.caller.as_ref(),
            &format!("prompt {name:?}"),
        )?;
        let arguments = match params.and_then(|p| p.get("arguments")) {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(arguments)) => arguments.clone(),
            Some(_) => {
                return Err(ErrorObject::invalid_params(
                    "\"arguments\" must be an object of strings keyed by argument name",
                ));
            }
        };
        let pcx = PromptContext {
            name: name.to_owned(),
            caller: cx.caller.clone(),
            state: state.clone(),
            peer: cx.peer.clone(),
        };
        let result = prompt
            .get(&arguments, pcx)
            .await
            .map_err(RequestError::into_error_object)?;
        match json!(result) {
            Value::Object(map) => Ok(map),
            _ => Err(ErrorObject::internal("a prompt result is not an object")),
        }
    }

    async fn complete(
        &self,
        params: Option<&Value>,
        cx: &RequestContext,
    ) -> Result<Map<String, Value>, ErrorObject> {
        let invalid = |detail: String| ErrorObject::invalid_params(detail);
        let reference = params.and_then(|p| p.get("ref")).ok_or_else(|| {
            invalid("completion/complete needs \"ref\": {\"type\":\"ref/prompt\",\"name\":…} or {\"type\":\"ref/resource\",\"uri\":…}".into())
        })?;
        let argument = params.and_then(|p| p.get("argument"));
        let (Some(arg_name), Some(value)) = (
            argument.and_then(|a| a.get("name")).and_then(Value::as_str),
            argument
                .and_then(|a| a.get("value"))
                .and_then(Value::as_str),
        ) else {
            return Err(invalid(
                "completion/complete needs \"argument\": {\"name\": string, \"value\": string}"
                    .into(),
            ));
        };
        let completers: &[(String, Completer)] = match reference.get("type").and_then(Value::as_str)
        {
            Some("ref/prompt") => {
                let name = reference
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let prompt = self
                    .prompts
                    .iter()
                    .find(|p| p.name == name)
                    .ok_or_else(|| {
                        invalid(format!(
                            "unknown prompt {name:?}; call prompts/list for the available prompts"
                        ))
                    })?;
                permitted(
                    &prompt.scopes,
                    cx.caller.as_ref(),
                    &format!("prompt {name:?}"),
                )?;
                if !prompt.arguments.iter().any(|a| a.name == arg_name) {
                    let accepted: Vec<&str> =
                        prompt.arguments.iter().map(|a| a.name.as_str()).collect();
                    return Err(invalid(format!(
                        "prompt {name:?} has no argument {arg_name:?}; its arguments: {}",
                        accepted.join(", ")
                    )));
                }
                &prompt.completers
            }
            Some("ref/resource") => {
                let uri = reference
                    .get("uri")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                match self.templates.iter().find(|t| t.text == uri) {
                    Some(template) => {
                        permitted(
                            &template.descriptor.scopes,
                            cx.caller.as_ref(),
                            &format!("resource template {uri}"),
                        )?;
                        &template.completers
                    }
                    None if self.resources.iter().any(|r| r.uri == uri) => &[],
                    None => {
                        return Err(invalid(format!(
                            "no resource template {uri:?}; call resources/templates/list for the templates"
                        )));
                    }
                }
            }
            _ => {
                return Err(invalid(
                    "\"ref.type\" must be \"ref/prompt\" or \"ref/resource\"".into(),
                ));
            }
        };
        let context = params
            .and_then(|p| p.pointer("/context/arguments"))
            .and_then(Value::as_object)
            .map(|args| {
                args.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        let completion = match completers.iter().find(|(n, _)| n == arg_name) {
            Some((_, completer)) => completer
                .complete(CompletionRequest {
                    argument: arg_name.to_owned(),
                    value: value.to_owned(),
                    context,
                })
                .await
                .map_err(RequestError::into_error_object)?,
            None => Completion::empty(),
        };
        let mut out = Map::new();
        out.insert("completion".into(), json!(completion));
        Ok(out)
    }
}

fn required_string<'p>(
    params: Option<&'p Value>,
    key: &str,
    detail: &str,
) -> Result<&'p str, ErrorObject> {
    params
        .and_then(|p| p.get(key))
        .and_then(Value::as_str)
        .ok_or_else(|| ErrorObject::invalid_params(detail))
}

/// SEP-2164: an unknown URI is -32602 with the URI in `data`, on every version.
fn not_found(uri: &str) -> ErrorObject {
    ErrorObject::new(
        code::INVALID_PARAMS,
        format!("resource not found: {uri}; call resources/list and resources/templates/list for what exists"),
    )
    .with_data(json!({"uri": uri}))
}

/// Whether `caller` holds every scope in `scopes`.
fn permitted(scopes: &[String], caller: Option<&Caller>, what: &str) -> Result<(), ErrorObject> {
    let missing: Vec<&str> = scopes
        .iter()
        .map(String::as_str)
        .filter(|s| !caller.is_some_and(|c| c.has_scope(s)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ErrorObject::new(
        code::INVALID_REQUEST,
        format!(
            "forbidden: {what} needs the scope(s) {}, which this connection does not have; \
             authorize again with them, or ask an administrator",
            missing.join(" ")
        ),
    )
    .with_data(json!({"requiredScopes": missing})))
}
