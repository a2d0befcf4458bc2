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
