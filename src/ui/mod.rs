//! The thin egui layer: panels render the workspace and emit actions; the
//! app applies them once per frame. No protocol logic lives here.

pub mod action;
pub mod app;
mod broker_panel;
mod broker_status;
mod charts;
mod composer;
mod connection;
mod connection_details;
mod decoding_editor;
mod file_tasks;
mod fonts;
mod history;
pub mod i18n;
mod inspector;
mod inspector_decoded;
mod log;
mod log_toolbar;
mod menu;
pub mod mocks_panel;
mod notice_text;
mod notifications;
mod packet_details;
pub mod packets;
pub mod panel;
mod password_source;
mod path_prompt;
mod payload_diff;
pub mod prefs;
mod profile_editor;
pub mod replay_panel;
mod saved_panel;
pub mod scenarios_panel;
mod shortcuts;
mod sparkplug_view;
pub mod state;
mod states;
mod status_bar;
mod subscriptions;
mod tabs;
pub mod theme;
mod topic_tree;
mod topic_value;
mod widgets;

pub use action::UiAction;
pub use app::{AppOptions, TopicscopeApp};
