//! What every mode does first: logging, the former name's settings carried
//! over, and on Windows a console for text.

use topicscope::core::app_dirs::APP_NAME as APP_ID;
use topicscope::core::legacy_migration::MigrationReport;

/// stderr (filtered by RUST_LOG or the mode's default), plus for the window
/// the log file in the platform's data folder and the in-app log pane
/// (topicscope's own debug events and everyone's warnings). The returned
/// guard flushes the file when dropped.
pub(crate) fn init_logging(stderr_filter: &str, window: bool) -> Option<tracing_appender::non_blocking::WorkerGuard> {
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
    // The `log` crate's callers (rmqtt, rumqttc) are kept only from warnings
    // up unless RUST_LOG asks for more, but `init` lets their debug lines
    // through to the filters (topicscope=debug raises the global level):
    // dozens per relayed message, each a dispatch and a filter walk.
    if std::env::var_os("RUST_LOG").is_none() {
        log::set_max_level(log::LevelFilter::Warn);
    }
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

/// Copies the settings of the app's former name on the first start after the
/// rename (every mode: a script's first `profiles list` must find them too).
/// The command line says so on stderr; the window shows a notice.
pub(crate) fn carry_over_old_name_settings(command_line: bool) -> Option<MigrationReport> {
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
pub(crate) fn console_for_text() {
    #[cfg(windows)]
    let _ = consolex::attach();
}
