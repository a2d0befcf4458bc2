//! The authenticators' unit tests.

use super::*;

fn parts(headers: &[(&str, &str)]) -> Parts {
    let mut builder = http::Request::builder();
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    builder.body(()).unwrap().into_parts().0
}

/// What `a` answers, checking that a ready answer (`authenticate_now`) is
/// the one `authenticate` gives.
fn run(a: &dyn Authenticator, headers: &[(&str, &str)]) -> AuthResult {
    let parts = parts(headers);
    let later = futures::executor::block_on(a.authenticate(&parts));
    if let Some(now) = a.authenticate_now(&parts) {
        assert_eq!(outcome(&now), outcome(&later), "{headers:?}");
    }
    later
}

fn outcome(result: &AuthResult) -> Result<Option<(Caller, CredentialKind)>, AuthError> {
    result
        .as_ref()
        .map(|found| found.as_ref().map(|a| (a.caller().clone(), a.kind())))
        .map_err(Clone::clone)
}

/// Answers only through its future, as an authenticator that has to fetch
/// something would.
struct Later;

impl Authenticator for Later {
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, AuthResult> {
        let user = parts.headers.get("x-user").and_then(|v| v.to_str().ok());
        let result = Ok(user.map(|u| Caller::new(u).into()));
        async move { result }.boxed()
    }
}

#[test]
fn ready_answers_are_the_same_as_awaited_ones() {
    let keys = || ApiKeys::new().key("k1", Caller::new("one"));
    let basic = || BasicAuth::new().user("ada", "pw", Caller::new("ada"));
    let ok = format!("Basic {}", STANDARD.encode("ada:pw"));
    let ready = FirstOf::new().with(keys()).with(basic());
    let requests: [&[(&str, &str)]; 5] = [
        &[("x-api-key", "k1")],
        &[("x-api-key", "nope")],
        &[("authorization", &ok)],
        &[("x-api-key", "nope"), ("authorization", &ok)],
        &[],
    ];
    for headers in requests {
        assert!(ready.authenticate_now(&parts(headers)).is_some());
        run(&ready, headers).ok();
        run(&keys(), headers).ok();
        run(&basic(), headers).ok();
    }
    assert_eq!(
        run(&ready, &[("x-api-key", "nope"), ("authorization", &ok)])
            .unwrap()
            .unwrap()
            .caller()
            .id(),
        "basic:ada"
    );
    // One authenticator that has to wait, and the whole chain waits.
    let mixed = FirstOf::new().with(keys()).with(Later);
    assert!(mixed.authenticate_now(&parts(&[])).is_none());
    assert!(Later.authenticate_now(&parts(&[])).is_none());
    let found = run(&mixed, &[("x-user", "bob")]).unwrap().unwrap();
    assert_eq!(found.caller().id(), "bob");
    assert_eq!(found.kind(), CredentialKind::Custom);
}

#[test]
fn api_keys_by_header_or_bearer() {
    let keys = ApiKeys::new()
        .key("k1", Caller::new("one"))
        .key("k2", Caller::new("two"));
    let found = run(&keys, &[("x-api-key", "k2")]).unwrap().unwrap();
    assert_eq!(found.caller().id(), "key:two");
    assert_eq!(found.kind(), CredentialKind::ApiKey);
    let found = run(&keys, &[("authorization", "Bearer k1")])
        .unwrap()
        .unwrap();
    assert_eq!(found.caller().id(), "key:one");
    assert!(run(&keys, &[]).unwrap().is_none());
    assert!(run(&keys, &[("x-api-key", "k3")]).is_err());
}

#[test]
fn bearer_tokens_from_the_authorization_header() {
    assert_eq!(
        bearer_token(&parts(&[("authorization", "Bearer abc")])),
        Some("abc")
    );
    assert_eq!(
        bearer_token(&parts(&[("authorization", "BEARER  abc  ")])),
        Some("abc")
    );
    assert_eq!(bearer_token(&parts(&[])), None);
    assert_eq!(bearer_token(&parts(&[("authorization", "Bearer ")])), None);
    assert_eq!(bearer_token(&parts(&[("authorization", "Bearer")])), None);
    assert_eq!(
        bearer_token(&parts(&[("authorization", "Basic YWRhOnB3")])),
        None
    );
    // Only the Authorization header carries bearer tokens.
    assert_eq!(bearer_token(&parts(&[("x-api-key", "abc")])), None);
}

#[test]
fn secrets_compare_by_content_and_length() {
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(constant_time_eq(b"", b""));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"abcd"));
    assert!(!constant_time_eq(b"abcd", b"abc"));
}

#[test]
fn basic_credentials() {
    let basic = BasicAuth::new().user("ada", "pw", Caller::new("ada"));
    let ok = format!("Basic {}", STANDARD.encode("ada:pw"));
    assert_eq!(
        run(&basic, &[("authorization", &ok)])
            .unwrap()
            .unwrap()
            .caller()
            .id(),
        "basic:ada"
    );
    let bad = format!("Basic {}", STANDARD.encode("ada:nope"));
    assert!(run(&basic, &[("authorization", &bad)]).is_err());
    assert!(
        run(&basic, &[("authorization", "Bearer x")])
            .unwrap()
            .is_none()
    );
}

#[test]
fn jwt_validation() {
    use jsonwebtoken::{EncodingKey, Header, encode};
    let secret = b"0123456789abcdef0123456789abcdef";
    let oauth = OAuthResourceServer::new("https://mcp.test/mcp")
        .issuer("https://as.test")
        .account_claim("tenant")
        .key(Algorithm::HS256, DecodingKey::from_secret(secret), None);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let token = |claims: serde_json::Value| {
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret),
        )
        .unwrap()
    };
    let good = token(serde_json::json!({
        "sub": "u1", "aud": "https://mcp.test/mcp", "iss": "https://as.test",
        "exp": now + 60, "scope": "a b", "tenant": "acme"
    }));
    let auth = oauth.validate(&good).unwrap();
    assert_eq!(auth.caller().id(), "oauth:https%3A//as.test#u1");
    assert!(auth.caller().has_scope("b"));
    assert_eq!(auth.caller().account(), Some("acme"));
    assert_eq!(auth.kind(), CredentialKind::OAuth);
    let expired = token(serde_json::json!({
        "sub": "u1", "aud": "https://mcp.test/mcp", "iss": "https://as.test", "exp": now - 600
    }));
    assert_eq!(
        oauth.validate(&expired).unwrap_err().message(),
        "the token has expired"
    );
    let other = token(serde_json::json!({
        "sub": "u1", "aud": "https://other.test", "iss": "https://as.test", "exp": now + 60
    }));
    assert!(oauth.validate(&other).is_err());
    assert!(oauth.validate("not-a-jwt").is_err());
}

#[test]
fn metadata_urls() {
    let r = ProtectedResource::new("https://h.test/mcp");
    assert_eq!(
        r.metadata_paths(),
        [
            "/.well-known/oauth-protected-resource".to_owned(),
            "/.well-known/oauth-protected-resource/mcp".to_owned()
        ]
    );
    let root = ProtectedResource::new("http://127.0.0.1:9");
    assert_eq!(
        root.metadata_url(),
        "http://127.0.0.1:9/.well-known/oauth-protected-resource"
    );
}

#[test]
fn the_first_value_of_a_name_is_found_as_get_finds_it() {
    let mut headers = HeaderMap::new();
    assert_eq!(first_value(&headers, &X_API_KEY), None);
    headers.append("host", HeaderValue::from_static("localhost"));
    headers.append("x-api-key-2", HeaderValue::from_static("no"));
    headers.append(X_API_KEY, HeaderValue::from_static("first"));
    headers.append(X_API_KEY, HeaderValue::from_static("second"));
    assert_eq!(first_value(&headers, &X_API_KEY).unwrap(), "first");
    assert_eq!(first_value(&headers, &AUTHORIZATION), None);
    // A request with many headers is looked up, with the same answer.
    for n in 0..FEW_HEADERS {
        headers.append(
            HeaderName::try_from(format!("x-filler-{n}")).unwrap(),
            HeaderValue::from_static("1"),
        );
    }
    assert!(headers.len() > FEW_HEADERS);
    assert_eq!(first_value(&headers, &X_API_KEY), headers.get(X_API_KEY));
    assert_eq!(first_value(&headers, &AUTHORIZATION), None);
}
