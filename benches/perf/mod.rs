//! topicscope's performance suite: six benchmarks that each measure topicscope
//! beside a peer in the same run (mosquitto_sub, MQTT.js, Debian's
//! mosquitto, Python's protobuf), shared by the bench runner (`cargo bench --bench perf`) and
//! the smoke tests (`tests/perf_smoke.rs`), which run every benchmark at a
//! tiny size so this code cannot rot.

pub mod brokers;
pub mod decoding;
pub mod frames;
pub mod ingest;
pub mod loadgen;
pub mod memory;
pub mod report;
pub mod startup;
pub mod throughput;
