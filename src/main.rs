//! topicscope's binary: parse arguments, set up logging, then run the
//! window or the headless mode asked for (each lives in `cli/`).

// A double-clicked release build opens its window without a console window
// beside it (debug builds keep theirs for logs).
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser as _;

mod cli;

use cli::args::{Args, Mode};
use cli::startup::{carry_over_old_name_settings, console_for_text, init_logging};

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) => {
            console_for_text();
            error.exit()
        }
    };
    if args.command.is_some() {
        console_for_text();
    }
    let default_filter = match &args.command {
        Some(Mode::Broker(broker)) if broker.verbose >= 2 => "debug",
        Some(Mode::Broker(broker)) if broker.verbose == 1 => "info",
        Some(Mode::Broker(_)) => "error",
        Some(Mode::Pub(_) | Mode::Sub(_) | Mode::Test(_) | Mode::Replay(_) | Mode::Mock(_)) => "error",
        _ => "warn,topicscope=info,egui_system_font_provider=error",
    };
    // Headless modes log to stderr only; the window also keeps a daily
    // log file and feeds the in-app "Application log" pane.
    let _log_file_guard = init_logging(default_filter, args.command.is_none());
    let carried_over = carry_over_old_name_settings(args.command.is_some());
    match &args.command {
        Some(Mode::Broker(broker)) => cli::broker::run_broker(broker),
        Some(Mode::Profiles(profiles)) => cli::profiles::run(profiles),
        Some(Mode::Pub(args)) => cli::publish::run_pub(args),
        Some(Mode::Sub(args)) => cli::subscribe::run_sub(args),
        Some(Mode::Test(args)) => cli::scenarios::run_test(args),
        Some(Mode::Replay(args)) => cli::replay::run_replay(args),
        Some(Mode::Mock(args)) => cli::mock::run_mock(args),
        None => cli::window::run_window(&args, carried_over),
    }
}
