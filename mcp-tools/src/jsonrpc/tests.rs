use super::*;

fn single(body: &str) -> Result<Message, Box<Response>> {
    match parse(body.as_bytes()) {
        Ok(Incoming::Single(m)) => Ok(m),
        Ok(Incoming::Batch(_)) => panic!("unexpected batch"),
        Err(r) => Err(r),
    }
}

fn error_code(r: &Response) -> i32 {
    r.outcome.as_ref().map(|_| 0).unwrap_or_else(|e| e.code)
}

#[test]
fn ids_are_strings_or_integers() {
    let Ok(Message::Request(r)) = single(r#"{"jsonrpc":"2.0","id":"a-1","method":"ping"}"#) else {
        panic!()
    };
    assert_eq!(r.id, RequestId::from("a-1"));
    let err = single(r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#).unwrap_err();
    assert_eq!(error_code(&err), code::INVALID_REQUEST);
    let err = single(r#"{"jsonrpc":"2.0","id":{},"method":"ping"}"#).unwrap_err();
    assert_eq!(error_code(&err), code::INVALID_REQUEST);
}

#[test]
fn invalid_requests() {
    for body in [
        r#"{"id":1,"method":"ping"}"#,
        r#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":7}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"x","params":"s"}"#,
        r#"{"jsonrpc":"2.0"}"#,
        r#"42"#,
    ] {
        let err = single(body).unwrap_err();
        assert_eq!(error_code(&err), code::INVALID_REQUEST, "{body}");
    }
    let err = parse(b"[]").unwrap_err();
    assert_eq!(error_code(&err), code::INVALID_REQUEST);
}

#[test]
fn notifications_and_responses() {
    assert!(matches!(
        single(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
        Ok(Message::Notification(_))
    ));
    assert!(matches!(
        single(r#"{"jsonrpc":"2.0","id":3,"result":{}}"#),
        Ok(Message::Response(PeerResponse { outcome: Ok(_), .. }))
    ));
    assert!(matches!(
        single(r#"{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"no"}}"#),
        Ok(Message::Response(PeerResponse {
            outcome: Err(_),
            ..
        }))
    ));
}

#[test]
fn batches_parse_each_element() {
    let Ok(Incoming::Batch(items)) = parse(br#"[{"jsonrpc":"2.0","id":1,"method":"ping"}, 5]"#)
    else {
        panic!()
    };
    assert!(items[0].is_ok());
    assert!(items[1].is_err());
}

#[test]
fn responses_serialise() {
    let ok = Response::result(1.into(), RawValue::from_string("{}".into()).unwrap());
    assert_eq!(ok.to_bytes(), br#"{"jsonrpc":"2.0","id":1,"result":{}}"#);
    let err = Response::error(None, ErrorObject::method_not_found("x"));
    assert_eq!(
        String::from_utf8(err.to_bytes()).unwrap(),
        r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32601,"message":"method not found: x"}}"#
    );
}

#[test]
fn a_result_is_written_into_a_buffer_of_its_exact_length() {
    let result = || RawValue::from_string(r#"{"a":[1,"x"]}"#.into()).unwrap();
    for id in [
        RequestId::from(7_i64),
        RequestId::from(-12_345_678_901_i64),
        RequestId::from("abc"),
        RequestId::from("quote \" and \u{e9} and \n"),
    ] {
        let bytes = Response::result(id.clone(), result()).to_bytes();
        assert_eq!(bytes.len(), bytes.capacity(), "id {id:?}");
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back["id"], serde_json::to_value(&id).unwrap());
        assert_eq!(back["result"], serde_json::json!({"a": [1, "x"]}));
    }
    let none = Response {
        id: None,
        outcome: Ok(result()),
    };
    let bytes = none.to_bytes();
    assert_eq!(bytes.len(), bytes.capacity());
    assert_eq!(
        bytes,
        br#"{"jsonrpc":"2.0","id":null,"result":{"a":[1,"x"]}}"#
    );
}

#[test]
fn an_id_is_counted_at_its_written_length() {
    for id in [
        RequestId::Number(0),
        RequestId::Number(7),
        RequestId::Number(10),
        RequestId::Number(-1),
        RequestId::Number(-10),
        RequestId::Number(999_999),
        RequestId::Number(i64::MAX),
        RequestId::Number(i64::MIN),
        RequestId::from("a \"quoted\" id"),
    ] {
        let written = serde_json::to_string(&id).unwrap();
        assert_eq!(id_length(Some(&id)), written.len(), "{written}");
    }
    assert_eq!(id_length(None), "null".len());
}

#[test]
fn a_framed_response_is_the_response_between_its_frame() {
    let result = raw_json(r#"{"a":1}"#.to_owned());
    for response in [
        Response::result(RequestId::Number(-42), result.clone()),
        Response::result(RequestId::from("x"), result),
        Response::error(None, ErrorObject::invalid_request("no")),
    ] {
        let framed = response.to_bytes_between(b"data: ", b"\n\n");
        let expected = [b"data: ".as_slice(), &response.to_bytes(), b"\n\n"].concat();
        assert_eq!(framed, expected);
        // A result is written into a buffer of its exact length.
        if response.outcome.is_ok() {
            assert_eq!(framed.len(), framed.capacity());
        }
    }
}

fn request(body: &str) -> Request {
    match single(body) {
        Ok(Message::Request(request)) => request,
        other => panic!("not a request: {other:?}"),
    }
}

#[test]
fn an_object_meta_is_read_into_its_fields_once() {
    let r = request(
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"e","_meta":{
            "io.modelcontextprotocol/protocolVersion":"2026-07-28",
            "io.modelcontextprotocol/clientCapabilities":{"elicitation":{}},
            "io.modelcontextprotocol/logLevel":"info","progressToken":"p","traceparent":"t"}}}"#,
    );
    assert_eq!(r.params, Some(serde_json::json!({"name": "e"})));
    let meta = r.meta.as_deref().unwrap();
    assert_eq!(
        meta.protocol_version(),
        Some(Ok(crate::protocol::ProtocolVersion::V2026_07_28))
    );
    assert_eq!(meta.protocol_version_str(), Some("2026-07-28"));
    assert_eq!(
        meta.client_capabilities(),
        Some(&serde_json::json!({"elicitation": {}}))
    );
    assert_eq!(meta.log_level(), Some(crate::protocol::LogLevel::Info));
    assert_eq!(meta.progress_token(), Some(&Value::from("p")));
    assert_eq!(meta.get("traceparent"), Some(&Value::from("t")));
    // Written back into params, so the request reads the same after a round trip.
    let again = request(&serde_json::to_string(&r).unwrap());
    assert_eq!(again, r);
    // A hand-built request with the same params lifts to the same fields.
    let mut built = Request::new(
        1.into(),
        "tools/call",
        serde_json::to_value(&r).unwrap().get("params").cloned(),
    );
    built.lift_meta();
    assert_eq!(built, r);
}

#[test]
fn other_versions_and_other_types_are_kept_as_sent() {
    let r = request(
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"_meta":{
            "io.modelcontextprotocol/protocolVersion":"1999-01-01","io.modelcontextprotocol/logLevel":"loud"}}}"#,
    );
    let meta = r.meta.as_deref().unwrap();
    assert_eq!(meta.protocol_version(), Some(Err("1999-01-01")));
    assert_eq!(meta.log_level(), None);
    assert_eq!(meta.client_capabilities(), None);
    let r = request(
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"_meta":{
            "io.modelcontextprotocol/protocolVersion":[1,{"a":2}]}}}"#,
    );
    let meta = r.meta.as_deref().unwrap();
    assert!(meta.has_protocol_version());
    assert_eq!(meta.protocol_version(), None);
    assert_eq!(meta.protocol_version_str(), Some(""));
    assert_eq!(
        serde_json::to_value(meta).unwrap(),
        serde_json::json!({"io.modelcontextprotocol/protocolVersion": [1, {"a": 2}]})
    );
}

#[test]
fn a_meta_that_is_not_an_object_stays_in_params() {
    for (body, params) in [
        (r#"{"_meta":[1]}"#, serde_json::json!({"_meta": [1]})),
        (r#"{"_meta":null}"#, serde_json::json!({"_meta": null})),
        // The last of duplicate members wins, as in a map.
        (r#"{"_meta":{},"_meta":7}"#, serde_json::json!({"_meta": 7})),
        (r#"{"_meta":7,"_meta":{}}"#, serde_json::json!({})),
    ] {
        let r = request(&format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"m","params":{body}}}"#
        ));
        assert_eq!(r.params, Some(params.clone()), "{body}");
        assert_eq!(r.meta.is_some(), params.get("_meta").is_none(), "{body}");
    }
}

#[test]
fn notifications_and_batch_items_keep_or_lift_meta_as_single_messages_do() {
    let Ok(Message::Notification(n)) = single(
        r#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"_meta":{"k":1},"progress":2}}"#,
    ) else {
        panic!()
    };
    assert_eq!(
        n.params,
        Some(serde_json::json!({"progress": 2, "_meta": {"k": 1}}))
    );
    let Ok(Incoming::Batch(items)) =
        parse(br#"[{"jsonrpc":"2.0","id":1,"method":"m","params":{"_meta":{"progressToken":4}}}]"#)
    else {
        panic!()
    };
    let Ok(Message::Request(r)) = &items[0] else {
        panic!()
    };
    assert_eq!(r.params, Some(serde_json::json!({})));
    assert_eq!(
        r.meta.as_deref().unwrap().progress_token(),
        Some(&Value::from(4))
    );
}

#[test]
fn no_capabilities_are_one_shared_value_and_others_are_read_as_sent() {
    let with = |capabilities: &str| {
        request(&format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{{"_meta":{{"io.modelcontextprotocol/clientCapabilities":{capabilities}}}}}}}"#
        ))
    };
    let (a, b) = (with("{}"), with(" { } "));
    let shared = |r: &Request| {
        r.meta
            .as_deref()
            .unwrap()
            .shared_client_capabilities()
            .unwrap()
            .clone()
    };
    assert_eq!(*shared(&a), serde_json::json!({}));
    assert!(std::sync::Arc::ptr_eq(&shared(&a), &shared(&b)));
    let declared =
        with(r#"{"elicitation":{},"roots":{"listChanged":true},"elicitation":{"form":{}}}"#);
    assert_eq!(
        *shared(&declared),
        serde_json::json!({"elicitation": {"form": {}}, "roots": {"listChanged": true}})
    );
    for other in ["[]", "null", "\"x\"", "7"] {
        let value: Value = serde_json::from_str(other).unwrap();
        assert_eq!(*shared(&with(other)), value);
    }
    // Lifted from a request built by hand, as parsed.
    let mut built = Request::new(
        1.into(),
        "tools/list",
        Some(serde_json::json!({"_meta": {"io.modelcontextprotocol/clientCapabilities": {}}})),
    );
    built.lift_meta();
    assert!(std::sync::Arc::ptr_eq(&shared(&built), &shared(&a)));
}
