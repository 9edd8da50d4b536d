//! `topicscope broker`: the embedded broker without a window, until Ctrl+C.

use std::net::IpAddr;
use std::process::ExitCode;

use topicscope::core::broker::BrokerConfig;
use topicscope::core::broker::monitor::LogEntry;

/// `topicscope broker` options.
#[derive(Debug, clap::Args)]
pub(crate) struct BrokerArgs {
    /// Address to listen on (default 127.0.0.1); anything but loopback exposes the broker to your network.
    #[arg(long)]
    pub(crate) bind: Option<IpAddr>,
    /// TCP port (default 1883; 0 picks a free one).
    #[arg(long)]
    pub(crate) port: Option<u16>,
    /// Also serve MQTT over WebSocket on this port.
    #[arg(long, value_name = "N")]
    pub(crate) ws_port: Option<u16>,
    /// Settings file: topicscope's broker RON, or a mosquitto.conf (*.conf). Flags override it.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<std::path::PathBuf>,
    /// When the data folder's saved state is damaged, start with an empty store (the damaged files are kept, renamed).
    #[arg(long)]
    pub(crate) discard_damaged_state: bool,
    /// Log the broker's own messages too (repeat for more detail).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

/// The broker settings from `--config` and the flags that override it.
pub(crate) fn broker_config(args: &BrokerArgs) -> Result<BrokerConfig, String> {
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
    config.discard_damaged_state = args.discard_damaged_state;
    // EmbeddedBroker::start validates the merged settings.
    Ok(config)
}

/// Runs the broker headless: one line when listening, its log while it
/// runs, one line when stopped; exit 1 with a one-line reason when it
/// cannot start.
pub(crate) fn run_broker(args: &BrokerArgs) -> ExitCode {
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
            if error.is_damaged_store() {
                eprintln!(
                    "topicscope broker: --discard-damaged-state starts with an empty store and keeps the damaged files, renamed"
                );
            }
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
    let print = |entry: &LogEntry| {
        eprintln!("topicscope broker: {} {}: {}", entry.at.format("%H:%M:%S"), entry.level.label(), entry.text);
    };
    // What start-up said before listening (what the data folder restored,
    // a damaged store moved aside), then everything as it happens.
    for entry in broker.monitor().lock().log.iter().take_while(|entry| !entry.text.starts_with("listening on")) {
        print(entry);
    }
    broker.monitor().set_log_sink(Some(std::sync::Arc::new(print)));
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
pub(crate) fn wait_for_stop_signal() -> std::io::Result<()> {
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
