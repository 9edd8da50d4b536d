#![no_main]
//! Fuzzes `checks::automation_files` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::automation_files(data));
