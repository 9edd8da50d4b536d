#![no_main]
//! Fuzzes `checks::sub_format` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::sub_format(data));
