//! Topicscope: a native desktop MQTT test client with an embedded broker.
//!
//! `core` is the UI-free crate `topicscope-core` (engine, broker, profiles,
//! payloads, topics, store), re-exported here so the app and its tests say
//! `topicscope::core::…`; `ui` is the thin egui layer that renders state and
//! emits commands.

pub use topicscope_core as core;
pub mod ui;
