//! The command line: the window's flags and the headless modes — `pub` and
//! `sub` (mosquitto_pub / mosquitto_sub's flags on the window's engine),
//! `broker` and `profiles`. One file per job.

pub(crate) mod args;
pub(crate) mod broker;
mod client;
mod decoding;
pub(crate) mod mock;
pub(crate) mod profiles;
mod properties;
pub(crate) mod publish;
pub(crate) mod replay;
pub(crate) mod scenarios;
pub(crate) mod startup;
pub(crate) mod subscribe;
mod url;
pub(crate) mod window;
