//! topicscope's binary: parse arguments, set up logging, run the window.

// A double-clicked release build opens its window without a console window
// beside it (debug builds keep theirs for logs).
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::net::IpAddr;
use std::process::ExitCode;

mod cli_mqtt;
mod cli_profiles;

use clap::{Parser, Subcommand};
use topicscope::core::app_dirs::APP_NAME as APP_ID;
use topicscope::core::broker::monitor::LogEntry;
use topicscope::core::broker::{BrokerConfig, STANDARD_MQTT_PORT};
use topicscope::core::legacy_migration::MigrationReport;
use topicscope::core::mqtt::ProtocolVersion;
use topicscope::core::profile::ConnectionProfile;
use topicscope::core::store::{DEFAULT_MAX_BYTES, DEFAULT_MAX_MESSAGES, StoreLimits};
use topicscope::ui::i18n::Language;
use topicscope::ui::prefs::ThemeChoice;
use topicscope::ui::{AppOptions, TopicscopeApp};

/// A fast native MQTT test client with an embedded broker.
///
/// With no arguments, topicscope starts its embedded broker on
/// 127.0.0.1:1883 (or a free port if that is taken) and connects to it.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Run something other than the window.
    #[command(subcommand)]
    command: Option<Mode>,
    /// Do not start the embedded broker.
    #[arg(long)]
    no_broker: bool,
    /// Port for the embedded broker (default: its saved settings, else 1883; 0 picks a free one).
    #[arg(long)]
    broker_port: Option<u16>,
    /// Address the embedded broker binds (default 127.0.0.1); anything but loopback exposes it to your network.
    #[arg(long)]
    broker_bind: Option<IpAddr>,
    /// Connect to this broker (HOST or HOST:PORT) instead of the embedded one.
    #[arg(long, value_name = "HOST[:PORT]")]
    connect: Option<String>,
    /// Protocol version for --connect.
    #[arg(long, value_parser = ["3.1.1", "5"], default_value = "5")]
    mqtt_version: String,
    /// Most messages the log keeps before evicting the oldest.
    #[arg(long, default_value_t = DEFAULT_MAX_MESSAGES)]
    max_messages: usize,
    /// Most memory (MiB) the log's messages may use before evicting the oldest.
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES / (1024 * 1024))]
    max_memory_mib: usize,
    /// Colour theme for this run (remembered): system, dark or light.
    #[arg(long, value_parser = ["system", "dark", "light"])]
    theme: Option<String>,
    /// Interface language for this run (remembered): en or zh-CN.
    #[arg(long, value_parser = ["en", "zh-CN"])]
    language: Option<String>,
    /// Print "first frame" once the window has shown its first frame, then quit (start-up benchmark).
    #[arg(long, hide = true)]
    exit_after_first_frame: bool,
}

/// Headless modes.
#[derive(Debug, Subcommand)]
enum Mode {
    /// Run the embedded broker without a window until Ctrl+C.
    Broker(BrokerArgs),
    /// List, show, export and import connection profiles.
    Profiles(cli_profiles::ProfilesArgs),
    /// Publish messages, with mosquitto_pub's flags (--help for the list).
    Pub(cli_mqtt::PubArgs),
    /// Subscribe and print messages, with mosquitto_sub's flags (--help for the list).
    Sub(cli_mqtt::SubArgs),
}

/// `topicscope broker` options.
#[derive(Debug, clap::Args)]
struct BrokerArgs {
    /// Address to listen on (default 127.0.0.1); anything but loopback exposes the broker to your network.
    #[arg(long)]
    bind: Option<IpAddr>,
    /// TCP port (default 1883; 0 picks a free one).
    #[arg(long)]
    port: Option<u16>,
    /// Also serve MQTT over WebSocket on this port.
    #[arg(long, value_name = "N")]
    ws_port: Option<u16>,
    /// Settings file: topicscope's broker RON, or a mosquitto.conf (*.conf). Flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// Log the broker's own messages too (repeat for more detail).
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
}

/// The broker settings from `--config` and the flags that override it.
fn broker_config(args: &BrokerArgs) -> Result<BrokerConfig, String> {
    let mut config = match &args.config {
        Some(path) => {
            let (config, notes) =
                topicscope::core::broker::settings::load_any(path).map_err(|error| error.to_string())?;
            for note in notes {
                eprintln!("topicscope broker: note: {note}");
            }
            config
        }
        None => BrokerConfig::default(),
    };
    // Headless, a taken port is an error, never a silent move.
    config.fall_back_to_free_port = false;
    if let Some(bind) = args.bind {
        config.bind = bind;
    }
    if let Some(port) = args.port {
        config.port = port;
    }
    if args.ws_port.is_some() {
        config.websocket_port = args.ws_port;
    }
    // EmbeddedBroker::start validates the merged settings.
    Ok(config)
}

/// Runs the broker headless: one line when listening, its log while it
/// runs, one line when stopped; exit 1 with a one-line reason when it
/// cannot start.
fn run_broker(args: &BrokerArgs) -> ExitCode {
    let config = match broker_config(args) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("topicscope broker: {error}");
            return ExitCode::FAILURE;
        }
    };
    if !config.bind.is_loopback() {
        eprintln!(
            "topicscope broker: warning: listening on {} makes the broker reachable from your network",
            config.bind
        );
    }
    let broker = match topicscope::core::broker::EmbeddedBroker::start(config) {
        Ok(broker) => broker,
        Err(error) => {
            eprintln!("topicscope broker: {error}");
            return ExitCode::FAILURE;
        }
    };
    let others: Vec<String> = broker.listeners()[1..]
        .iter()
        .map(|listener| format!(", {}://{}", listener.kind.scheme(), listener.addr))
        .collect();
    eprintln!(
        "topicscope broker: listening on {} (MQTT 3.1.1 and 5.0){}; Ctrl+C stops it",
        broker.local_addr(),
        others.concat()
    );
    broker.monitor().set_log_sink(Some(std::sync::Arc::new(|entry: &LogEntry| {
        eprintln!("topicscope broker: {} {}: {}", entry.at.format("%H:%M:%S"), entry.level.label(), entry.text);
    })));
    let stop_signal = wait_for_stop_signal();
    if let Err(error) = stop_signal {
        eprintln!("topicscope broker: cannot wait for Ctrl+C ({error}); stopping");
    }
    broker.monitor().set_log_sink(None);
    broker.stop();
    eprintln!("topicscope broker: stopped");
    ExitCode::SUCCESS
}

/// Blocks until Ctrl+C (or SIGTERM on Unix): how the headless modes end.
fn wait_for_stop_signal() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut terminate = signal(SignalKind::terminate())?;
            tokio::select! {
                result = tokio::signal::ctrl_c() => result,
                _ = terminate.recv() => Ok(()),
            }
        }
        #[cfg(not(unix))]
        tokio::signal::ctrl_c().await
    })
}

/// stderr (filtered by RUST_LOG or the mode's default), plus for the window
/// the log file in the platform's data folder and the in-app log pane
/// (topicscope's own debug events and everyone's warnings). The returned
/// guard flushes the file when dropped.
fn init_logging(stderr_filter: &str, window: bool) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    let stderr = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(stderr_filter)),
    );
    if !window {
        tracing_subscriber::registry().with(stderr).init();
        return None;
    }
    // The font provider warns about a POSIX "C" locale on every start; not news.
    let kept = || tracing_subscriber::EnvFilter::new("warn,topicscope=debug,egui_system_font_provider=error");
    let capture =
        topicscope::core::app_log::CaptureLayer::new(topicscope::core::app_log::global().clone()).with_filter(kept());
    let mut file_problem = None;
    let file = topicscope::core::app_log::log_dir().and_then(|dir| {
        if let Err(error) = std::fs::create_dir_all(&dir) {
            file_problem = Some(format!("no log file in {}: {error}", dir.display()));
            return None;
        }
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("topicscope")
            .filename_suffix("log")
            .max_log_files(topicscope::core::app_log::LOG_FILES_KEPT)
            .build(&dir)
            .map_err(|error| file_problem = Some(format!("no log file in {}: {error}", dir.display())))
            .ok()
    });
    let (file_layer, guard) = match file {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = tracing_subscriber::fmt::layer().with_ansi(false).with_writer(writer).with_filter(kept());
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    tracing_subscriber::registry().with(stderr).with(capture).with(file_layer).init();
    if let Some(problem) = file_problem {
        tracing::warn!("{problem}");
    }
    tracing::info!(
        "topicscope {} on {} {} started",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    guard
}

fn parse_target(target: &str, protocol: ProtocolVersion) -> Result<ConnectionProfile, String> {
    let (host, port) = match target.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && !host.ends_with(':') => {
            let port = port.parse::<u16>().map_err(|_| format!("--connect: '{port}' is not a port number"))?;
            (host.trim_start_matches('[').trim_end_matches(']').to_owned(), port)
        }
        _ => (target.to_owned(), STANDARD_MQTT_PORT),
    };
    let profile =
        ConnectionProfile { name: format!("{host}:{port}"), host, port, protocol, ..ConnectionProfile::default() };
    profile.validate().map_err(|error| format!("--connect {target}: {error}"))?;
    Ok(profile)
}

/// Copies the settings of the app's former name on the first start after the
/// rename (every mode: a script's first `profiles list` must find them too).
/// The command line says so on stderr; the window shows a notice.
fn carry_over_old_name_settings(command_line: bool) -> Option<MigrationReport> {
    use topicscope::core::legacy_migration::{AppLocations, LEGACY_NAME, migrate};
    let preferences = |name: &str| eframe::storage_dir(name).map(|dir| dir.join("app.ron"));
    let old = AppLocations::legacy(preferences(LEGACY_NAME))?;
    let new = AppLocations::current(preferences(APP_ID))?;
    match migrate(&old, &new) {
        Ok(Some(report)) => {
            tracing::info!("{report}");
            if command_line {
                eprintln!("topicscope: {report}");
            }
            Some(report)
        }
        Ok(None) => None,
        Err(error) => {
            tracing::warn!("{error}");
            eprintln!("topicscope: {error}");
            None
        }
    }
}

/// On Windows, a release build has no console: text for the terminal
/// (help, errors, the headless modes' output) needs the one it was started
/// from, or a new one when double-clicked. Elsewhere, nothing to do.
fn console_for_text() {
    #[cfg(windows)]
    let _ = consolex::attach();
}

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
        Some(Mode::Pub(_) | Mode::Sub(_)) => "error",
        _ => "warn,topicscope=info,egui_system_font_provider=error",
    };
    // Headless modes log to stderr only; the window also keeps a daily
    // log file and feeds the in-app "Application log" pane.
    let _log_file_guard = init_logging(default_filter, args.command.is_none());
    let carried_over = carry_over_old_name_settings(args.command.is_some());
    match &args.command {
        Some(Mode::Broker(broker)) => return run_broker(broker),
        Some(Mode::Profiles(profiles)) => return cli_profiles::run(profiles),
        Some(Mode::Pub(args)) => return cli_mqtt::run_pub(args),
        Some(Mode::Sub(args)) => return cli_mqtt::run_sub(args),
        None => {}
    }

    // The keychain password source needs the OS keychain; connecting to it
    // (D-Bus on Linux) must not delay the window.
    let _ = std::thread::Builder::new().name("topicscope-keychain".into()).spawn(|| {
        if let Err(error) = topicscope::core::secrets::install_platform_keychain() {
            tracing::info!("{error}; the keychain password source is unavailable");
        }
    });
    let protocol = if args.mqtt_version == "3.1.1" { ProtocolVersion::V311 } else { ProtocolVersion::V5 };
    let initial_profile = match args.connect.as_deref().map(|target| parse_target(target, protocol)).transpose() {
        Ok(profile) => profile,
        Err(message) => {
            console_for_text();
            eprintln!("topicscope: {message}");
            return ExitCode::from(2);
        }
    };
    // The broker panel's saved settings, then the flags.
    let settings_path = topicscope::core::broker::settings::default_settings_path();
    let (mut broker, broker_settings_problem) = match settings_path.as_deref().filter(|path| path.exists()) {
        Some(path) => match topicscope::core::broker::settings::load_settings(path) {
            Ok(config) => (config, None),
            Err(error) => {
                eprintln!("topicscope: broker settings not used: {error}");
                (BrokerConfig::default(), Some(error.to_string()))
            }
        },
        None => (BrokerConfig::default(), None),
    };
    if let Some(bind) = args.broker_bind {
        broker.bind = bind;
    }
    if let Some(port) = args.broker_port {
        broker.port = port;
    }
    if !broker.bind.is_loopback() && !args.no_broker {
        eprintln!(
            "topicscope: warning: the embedded broker listens on {} and is reachable from your network",
            broker.bind
        );
    }
    let options = AppOptions {
        start_embedded_broker: !args.no_broker,
        broker,
        broker_settings_path: settings_path,
        broker_settings_problem,
        limits: StoreLimits {
            max_messages: args.max_messages.max(1),
            max_bytes: args.max_memory_mib.max(1) * 1024 * 1024,
        },
        connect_on_start: initial_profile.is_some(),
        initial_profile,
        exit_after_first_frame: args.exit_after_first_frame,
        theme: args.theme.as_deref().map(|theme| match theme {
            "dark" => ThemeChoice::Dark,
            "light" => ThemeChoice::Light,
            _ => ThemeChoice::System,
        }),
        language: args
            .language
            .as_deref()
            .map(|code| Language::ALL.into_iter().find(|language| language.code() == code).unwrap_or_default()),
        carried_over,
        ..AppOptions::default()
    };
    let mut viewport = egui::ViewportBuilder::default();
    match eframe::icon_data::from_png_bytes(include_bytes!("../assets/icon-256.png")) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(error) => tracing::warn!("window icon not set: {error}"),
    }
    let native_options = eframe::NativeOptions {
        viewport: viewport
            .with_title("Topicscope")
            .with_app_id(APP_ID)
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([900.0, 560.0]),
        // The app installs its own system font fallback (src/ui/fonts.rs).
        system_font_fallback: false,
        ..eframe::NativeOptions::default()
    };
    match eframe::run_native(APP_ID, native_options, Box::new(|cc| Ok(Box::new(TopicscopeApp::new(cc, options))))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            console_for_text();
            eprintln!("topicscope: cannot open the window: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_targets_parse_with_and_without_port() {
        let profile = parse_target("broker.local:8883", ProtocolVersion::V311).expect("valid");
        assert_eq!((profile.host.as_str(), profile.port), ("broker.local", 8883));
        let profile = parse_target("10.0.0.2", ProtocolVersion::V5).expect("valid");
        assert_eq!(profile.port, 1883);
        let profile = parse_target("[::1]:1884", ProtocolVersion::V5).expect("valid");
        assert_eq!((profile.host.as_str(), profile.port), ("::1", 1884));
        assert!(parse_target("host:notaport", ProtocolVersion::V5).unwrap_err().contains("not a port"));
    }
}
