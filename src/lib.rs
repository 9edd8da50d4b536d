//! topicscope: a native desktop MQTT test client with an embedded broker.
//!
//! `core` is UI-free (engine, broker, profiles, payloads, topics, store);
//! `ui` is the thin egui layer that renders state and emits commands.

pub mod core;
pub mod ui;
