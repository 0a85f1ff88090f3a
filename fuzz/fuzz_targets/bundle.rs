#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| usalama_core::fuzzing::bundle(data));
