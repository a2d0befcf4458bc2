//! Fuzz target: see `mcp_tools::__fuzz::confirmation` for the input and the invariants.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mcp_tools::__fuzz::confirmation(data));
