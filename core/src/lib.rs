//! The UI-free core: engine, broker, profiles, payloads, topics, message
//! store. Nothing here names the UI toolkit, so all of it is tested without
//! a window.

pub mod app_dirs;
pub mod app_log;
pub mod broker;
pub mod chart;
pub mod compose;
pub mod decode;
pub mod decoders;
pub mod diff;
pub mod engine;
pub mod export;
pub mod fs;
pub mod ids;
pub mod legacy_migration;
pub mod message_actions;
pub mod mock;
pub mod mqtt;
pub mod payload;
pub mod profile;
pub mod profile_exchange;
pub mod publish_history;
pub mod replay;
pub mod requests;
pub mod saved_messages;
pub mod scenario;
pub mod secrets;
pub mod store;
pub mod sub_format;
pub mod sys_status;
pub mod template;
pub mod topic;
pub mod topic_tree;
pub mod wire;
pub mod workspace;
