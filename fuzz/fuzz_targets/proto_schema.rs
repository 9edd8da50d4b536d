#![no_main]
//! Fuzzes `checks::proto_schema` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::proto_schema(data));
