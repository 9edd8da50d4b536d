#![no_main]
//! Fuzzes `checks::profile_import` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::profile_import(data));
