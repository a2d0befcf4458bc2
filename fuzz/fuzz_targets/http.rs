//! Fuzz target: see `mcp_transport_http::__fuzz::http` for the input and the invariants.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mcp_transport_http::__fuzz::http(data));
