#![no_main]
//! Fuzzes `checks::chart_numbers` (see src/checks.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| topicscope_fuzz::checks::chart_numbers(data));
