//! The real app, headless, driven through its accessibility tree with
//! egui_kittest: find widgets by label, click, type, and assert on state.
//! One test binary, one module per feature.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

#[path = "../../core/tests/common/mod.rs"]
mod common;
mod helpers;

mod broker;
mod charts;
mod connecting;
mod decoding;
mod hostile_broker;
mod inspector;
mod log_toolbar;
mod log_views;
mod message_actions;
mod mocks;
mod packets;
mod profiles;
mod publishing;
mod replay;
mod saved_messages;
mod scenarios;
mod small_window;
mod subscriptions;
mod topic_tree;
mod window;
