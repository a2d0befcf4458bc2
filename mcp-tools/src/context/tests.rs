use super::*;

#[test]
fn a_template_context_shares_its_level_with_its_clones() {
    // The in-process client clones one context per request: a level set while
    // answering one request holds for the next.
    let template = RequestContext::new();
    let request = template.clone();
    request.log_level.set(LogLevel::Debug);
    assert_eq!(template.log_level.get(), LogLevel::Debug);
    assert!(template.log_level.allows(LogLevel::Debug));
}

#[test]
fn a_per_request_context_keeps_its_level_to_itself() {
    let cx = RequestContext::per_request();
    assert_eq!(cx.log_level.get(), LogLevel::Info);
    assert!(!cx.log_level.allows(LogLevel::Debug));
    let copy = cx.clone();
    cx.log_level.set(LogLevel::Debug);
    assert!(cx.log_level.allows(LogLevel::Debug));
    // A clone took the level it had then, and keeps it.
    assert_eq!(copy.log_level.get(), LogLevel::Info);
    // A session's handle, handed over, is shared again.
    let session = LogLevelHandle::new(LogLevel::Error);
    let cx = RequestContext::per_request().with_log_level(session.clone());
    session.set(LogLevel::Warning);
    assert_eq!(cx.log_level.get(), LogLevel::Warning);
}

#[test]
fn a_level_of_its_own_can_let_nothing_through() {
    let silent = LogLevelHandle::own(u8::MAX);
    assert!(!silent.allows(LogLevel::Emergency));
    assert_eq!(silent.get(), LogLevel::Emergency);
}
