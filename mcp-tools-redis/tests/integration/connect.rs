//! The start-up check: a replica refuses to start without its Redis.

use std::io::Read;
use std::net::{Ipv4Addr, TcpListener};
use std::time::{Duration, Instant};

use mcp_tools_redis::{ErrorKind, Redis};

use crate::server::{free_port, redis_or_skip};

#[tokio::test]
async fn connects_and_never_shows_the_password() {
    let server = redis_or_skip!("--requirepass", "s3cret-pw");
    let url = format!("redis://:s3cret-pw@127.0.0.1:{}/", server.port());
    let redis = mcp_tools_redis::connect(&url).await.unwrap();
    assert_eq!(redis.address(), format!("127.0.0.1:{}", server.port()));
    assert_eq!(redis.key_prefix(), "mcp:");
    assert_eq!(redis.command_timeout(), Duration::from_millis(500));
    let shown = format!("{redis:?} {:?}", Redis::builder(url));
    assert!(!shown.contains("s3cret-pw"), "{shown}");
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_what_to_fix() {
    let server = redis_or_skip!("--requirepass", "s3cret-pw");
    for url in [
        format!("redis://:wrong-pw@127.0.0.1:{}/", server.port()),
        format!("redis://127.0.0.1:{}/", server.port()),
    ] {
        let error = mcp_tools_redis::connect(&url).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Refused, "{error}");
        let message = error.to_string();
        assert!(message.contains("password"), "{message}");
        assert!(message.contains(&server.port().to_string()), "{message}");
        assert!(!message.contains("wrong-pw"), "{message}");
    }
}

#[tokio::test]
async fn nothing_listening_refuses_to_start() {
    let port = free_port();
    let started = Instant::now();
    let error = mcp_tools_redis::connect(&format!("redis://127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unreachable, "{error}");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("redis at 127.0.0.1:{port} is unreachable")),
        "{message}"
    );
    assert!(
        message.contains("start Redis there or fix the url"),
        "{message}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    // Accepts connections and reads, but never answers, like a hung Redis.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for mut stream in listener.incoming().flatten().take(8) {
            let mut buf = [0u8; 256];
            let _ = stream.set_read_timeout(Some(Duration::from_millis(10)));
            let _ = stream.read(&mut buf);
            held.push(stream);
        }
        std::thread::sleep(Duration::from_secs(5));
    });
    let started = Instant::now();
    let error = Redis::builder(format!("redis://127.0.0.1:{port}/"))
        .connect_timeout(Duration::from_millis(400))
        .connect()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.to_string().contains("did not answer"), "{error}");
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
}

#[tokio::test]
async fn bad_urls_and_options_are_refused_before_connecting() {
    let error = mcp_tools_redis::connect("http://127.0.0.1:6379/")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidUrl, "{error}");
    assert!(error.to_string().contains("expected redis://"), "{error}");

    let error = Redis::builder("redis://127.0.0.1:1/")
        .key_prefix("app:{1}:")
        .connect()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidConfig, "{error}");
    assert!(error.to_string().contains("brace"), "{error}");

    let error = Redis::builder("redis://127.0.0.1:1/")
        .command_timeout(Duration::ZERO)
        .connect()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidConfig, "{error}");
    assert!(error.to_string().contains("command timeout"), "{error}");
}

#[tokio::test]
async fn a_read_only_replica_is_refused() {
    let primary = redis_or_skip!();
    let replica = redis_or_skip!("--replicaof", "127.0.0.1", &primary.port().to_string());
    let error = mcp_tools_redis::connect(&replica.url()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused, "{error}");
    assert!(error.to_string().contains("read-only replica"), "{error}");
}
