//! The default mode: the window, with the embedded broker (or a broker
//! named by --connect), the saved broker settings and the window's flags.

use std::process::ExitCode;

use topicscope::core::app_dirs::APP_NAME as APP_ID;
use topicscope::core::broker::{BrokerConfig, STANDARD_MQTT_PORT};
use topicscope::core::legacy_migration::MigrationReport;
use topicscope::core::mqtt::ProtocolVersion;
use topicscope::core::profile::ConnectionProfile;
use topicscope::core::store::StoreLimits;
use topicscope::ui::i18n::Language;
use topicscope::ui::prefs::ThemeChoice;
use topicscope::ui::{AppOptions, TopicscopeApp};

use super::args::Args;
use super::startup::console_for_text;

/// Opens the window and runs it until it is closed.
pub(crate) fn run_window(args: &Args, carried_over: Option<MigrationReport>) -> ExitCode {
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
    match eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon-256.png")) {
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

pub(crate) fn parse_target(target: &str, protocol: ProtocolVersion) -> Result<ConnectionProfile, String> {
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
