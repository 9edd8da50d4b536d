//! The command line's flags: the window's, and for `pub` and `sub` (mosquitto_pub /
//! mosquitto_sub's, where they mean the same thing) and their value checks.

use super::url::{MqttUrl, parse_mqtt_url};
use clap::builder::TypedValueParser as _;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use std::net::IpAddr;
use topicscope::core::mqtt::{ProtocolVersion, Qos};
use topicscope::core::store::{DEFAULT_MAX_BYTES, DEFAULT_MAX_MESSAGES};

/// Connection options shared by `pub` and `sub` (mosquitto's letters).
/// A fast native MQTT test client with an embedded broker.
///
/// With no arguments, topicscope starts its embedded broker on
/// 127.0.0.1:1883 (or a free port if that is taken) and connects to it.
/// Most log memory the window may be given (1 TiB): larger is a typo, and
/// the byte count must not overflow.
const MAX_MEMORY_MIB: u64 = 1024 * 1024;
/// Longest wait `sub -W` and `pub --repeat-delay` take (10 years): larger
/// would overflow the clock.
pub(crate) const MAX_WAIT_SECS: u64 = 10 * 365 * 24 * 3600;

#[derive(Debug, Parser)]
#[command(version, about)]
pub(crate) struct Args {
    /// Run something other than the window.
    #[command(subcommand)]
    pub(crate) command: Option<Mode>,
    /// Do not start the embedded broker.
    #[arg(long)]
    pub(crate) no_broker: bool,
    /// Port for the embedded broker (default: its saved settings, else 1883; 0 picks a free one).
    #[arg(long)]
    pub(crate) broker_port: Option<u16>,
    /// Address the embedded broker binds (default 127.0.0.1); anything but loopback exposes it to your network.
    #[arg(long)]
    pub(crate) broker_bind: Option<IpAddr>,
    /// Connect to this broker (HOST or HOST:PORT) instead of the embedded one.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub(crate) connect: Option<String>,
    /// Protocol version for --connect.
    #[arg(long, value_parser = ["3.1.1", "5"], default_value = "5")]
    pub(crate) mqtt_version: String,
    /// Most messages the log keeps before evicting the oldest.
    #[arg(long, default_value_t = DEFAULT_MAX_MESSAGES)]
    pub(crate) max_messages: usize,
    /// Most memory (MiB) the log's messages may use before evicting the oldest.
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES / (1024 * 1024), value_parser = clap::value_parser!(u64).range(1..=MAX_MEMORY_MIB).map(|mib| mib as usize))]
    pub(crate) max_memory_mib: usize,
    /// Colour theme for this run (remembered): system, dark or light.
    #[arg(long, value_parser = ["system", "dark", "light"])]
    pub(crate) theme: Option<String>,
    /// Interface language for this run (remembered): en or zh-CN.
    #[arg(long, value_parser = ["en", "zh-CN"])]
    pub(crate) language: Option<String>,
    /// Print "first frame" once the window has shown its first frame, then quit (start-up benchmark).
    #[arg(long, hide = true)]
    pub(crate) exit_after_first_frame: bool,
}

/// Headless modes.
#[derive(Debug, Subcommand)]
pub(crate) enum Mode {
    /// Run the embedded broker without a window until Ctrl+C.
    Broker(super::broker::BrokerArgs),
    /// List, show, export and import connection profiles.
    Profiles(super::profiles::ProfilesArgs),
    /// Publish messages, with mosquitto_pub's flags (--help for the list).
    Pub(PubArgs),
    /// Subscribe and print messages, with mosquitto_sub's flags (--help for the list).
    Sub(SubArgs),
    /// Run scenario files (publish, expect, …) and report: exit 0 all
    /// passed, 1 a failure, 2 a malformed file, 3 no broker.
    Test(super::scenarios::TestArgs),
    /// Send a recording (the log export's or `sub --json`'s JSON Lines) with
    /// its original timing, faster, or as fast as possible.
    Replay(super::replay::ReplayArgs),
    /// Answer messages as a device or service would, by a mock file's rules.
    Mock(super::mock::MockArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct ClientArgs {
    /// Start from this saved profile (flags override its fields).
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Profile folder for --profile and --save-profile (default: the one the window uses).
    #[arg(long, value_name = "DIR")]
    pub(crate) profiles_dir: Option<PathBuf>,
    /// Also keep these connection settings (and sub's filters) as a profile
    /// with this name, for the window and --profile (the password is not saved).
    #[arg(long, value_name = "NAME")]
    pub(crate) save_profile: Option<String>,
    /// Broker host (default localhost).
    #[arg(short = 'h', long, value_name = "HOST")]
    pub(crate) host: Option<String>,
    /// Broker port (default 1883, or 8883 with TLS).
    #[arg(short = 'p', long, value_name = "PORT")]
    pub(crate) port: Option<u16>,
    /// User name.
    #[arg(short = 'u', long, value_name = "USER")]
    pub(crate) username: Option<String>,
    /// Password.
    #[arg(short = 'P', long = "pw", value_name = "PASSWORD")]
    pub(crate) password: Option<String>,
    /// Broker, credentials and topic in one: mqtt(s)://[USER[:PASSWORD]@]HOST[:PORT]/TOPIC
    /// (mqtts: TLS with the system's certificates, port 8883). -h -p -u -P override it.
    #[arg(short = 'L', long = "url", value_name = "URL", value_parser = parse_mqtt_url)]
    pub(crate) url: Option<MqttUrl>,
    /// Client id (default: the profile's, else topicscope-<8 hex digits>).
    #[arg(short = 'i', long = "id", value_name = "ID", conflicts_with = "id_prefix")]
    pub(crate) client_id: Option<String>,
    /// Client id made of this prefix and the process id.
    #[arg(short = 'I', long = "id-prefix", value_name = "PREFIX")]
    pub(crate) id_prefix: Option<String>,
    /// Keep-alive in seconds (default 60).
    #[arg(short = 'k', long = "keepalive", value_name = "SECONDS")]
    pub(crate) keep_alive: Option<u16>,
    /// Protocol: mqttv5 (default) or mqttv311.
    #[arg(short = 'V', long = "protocol-version", value_name = "VERSION", value_parser = parse_protocol)]
    pub(crate) protocol: Option<ProtocolVersion>,
    /// Keep the session (no clean start); needs -i.
    #[arg(short = 'c', long = "disable-clean-session")]
    pub(crate) keep_session: bool,
    /// MQTT 5 session expiry in seconds after disconnecting; -1 never
    /// (default: -1 with -c, else 0).
    #[arg(short = 'x', long = "session-expiry-interval", value_name = "SECONDS", value_parser = parse_session_expiry, allow_hyphen_values = true)]
    pub(crate) session_expiry: Option<u32>,
    /// Last will topic.
    #[arg(long, value_name = "TOPIC")]
    pub(crate) will_topic: Option<String>,
    /// Last will payload (default empty).
    #[arg(long, value_name = "PAYLOAD", requires = "will_topic")]
    pub(crate) will_payload: Option<String>,
    /// Last will QoS.
    #[arg(long, value_name = "QOS", requires = "will_topic", value_parser = clap::value_parser!(u8).range(0..=2))]
    pub(crate) will_qos: Option<u8>,
    /// Retain the last will.
    #[arg(long, requires = "will_topic")]
    pub(crate) will_retain: bool,
    /// CA certificates (PEM) to trust; turns TLS on.
    #[arg(long, value_name = "FILE")]
    pub(crate) cafile: Option<PathBuf>,
    /// Trust the system's certificates; turns TLS on.
    #[arg(long)]
    pub(crate) tls_use_os_certs: bool,
    /// Client certificate (PEM) for mutual TLS.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub(crate) cert: Option<PathBuf>,
    /// Client private key (PEM) for mutual TLS.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub(crate) key: Option<PathBuf>,
    /// Do not check the broker's certificate or host name (testing only).
    #[arg(long)]
    pub(crate) insecure: bool,
    /// Connect through a proxy, as mosquitto's --proxy:
    /// socks5h://[USER[:PASSWORD]@]HOST[:PORT] (the proxy resolves the
    /// broker's name), also socks4a://[USER@]HOST[:PORT] and http://HOST:PORT.
    #[arg(long, value_name = "URL")]
    pub(crate) proxy: Option<String>,
    /// MQTT 5 property: `-D connect NAME VALUE` (topic-alias-maximum,
    /// receive-maximum, session-expiry-interval, maximum-packet-size,
    /// request-problem-information, request-response-information), for pub
    /// also `-D publish NAME VALUE` (content-type, correlation-data,
    /// message-expiry-interval, payload-format-indicator, response-topic);
    /// `-D connect|publish user-property KEY VALUE`.
    #[arg(short = 'D', long = "property", num_args = 3..=4, value_names = ["COMMAND", "NAME", "VALUE"], action = clap::ArgAction::Append)]
    pub(crate) properties: Vec<String>,
    /// Print every packet sent and received as mosquitto's `-d` does
    /// (`Client ID sending PUBLISH (d0, q1, r0, m1, 'topic', ... (5 bytes))`)
    /// on stdout, and connection progress on stderr.
    #[arg(short = 'd', long)]
    pub(crate) debug: bool,
    /// Print no error messages (the exit code still tells).
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    pub(crate) help: Option<bool>,
}

/// `topicscope pub` options.
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct PubArgs {
    #[command(flatten)]
    pub(crate) client: ClientArgs,
    /// Topic to publish to (or the path of -L's URL).
    #[arg(short = 't', long, value_name = "TOPIC", required_unless_present = "url", conflicts_with = "url")]
    pub(crate) topic: Option<String>,
    /// The message.
    #[arg(short = 'm', long, value_name = "TEXT", group = "source")]
    pub(crate) message: Option<String>,
    /// Send this file's contents as the message.
    #[arg(short = 'f', long, value_name = "FILE", group = "source")]
    pub(crate) file: Option<PathBuf>,
    /// Send an empty (zero-length) message.
    #[arg(short = 'n', long = "null-message", group = "source")]
    pub(crate) null_message: bool,
    /// Send standard input as one message.
    #[arg(short = 's', long = "stdin-file", group = "source")]
    pub(crate) stdin_file: bool,
    /// Send each line of standard input as a message (empty lines are skipped).
    #[arg(short = 'l', long = "stdin-line", group = "source")]
    pub(crate) stdin_line: bool,
    /// QoS 0, 1 or 2.
    #[arg(short = 'q', long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub(crate) qos: u8,
    /// Retain the message.
    #[arg(short = 'r', long)]
    pub(crate) retain: bool,
    /// Send the message this many times.
    #[arg(long, value_name = "COUNT", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) repeat: u64,
    /// Seconds between repeats (fractions allowed).
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0)]
    pub(crate) repeat_delay: f64,
    /// Protobuf schemas: a .proto file, a folder of them or a descriptor
    /// set (protoc -o); repeatable. A message whose option (mqtt_topic)
    /// matches the topic is encoded from JSON without --proto-type.
    #[arg(long, value_name = "FILE_OR_DIR")]
    pub(crate) proto_file: Vec<PathBuf>,
    /// Encode the message (JSON, proto3 mapping; 64-bit integers exact)
    /// as this protobuf message type (pkg.Msg).
    #[arg(long, value_name = "TYPE")]
    pub(crate) proto_type: Option<String>,
}

/// `topicscope sub` options.
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct SubArgs {
    #[command(flatten)]
    pub(crate) client: ClientArgs,
    /// Topic filter to subscribe to (repeat for more; + and # allowed; -L's path is one more).
    #[arg(short = 't', long, value_name = "FILTER", required_unless_present_any = ["url", "unsubscribe"])]
    pub(crate) topic: Vec<String>,
    /// Unsubscribe from this filter (repeatable), e.g. one a kept session
    /// (-c) still holds. Without -t, exit once the broker confirmed.
    #[arg(short = 'U', long = "unsubscribe", value_name = "FILTER")]
    pub(crate) unsubscribe: Vec<String>,
    /// Do not print messages on topics matching this filter (repeatable).
    #[arg(short = 'T', long = "filter-out", value_name = "FILTER")]
    pub(crate) filter_out: Vec<String>,
    /// QoS 0, 1 or 2 for the subscriptions.
    #[arg(short = 'q', long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub(crate) qos: u8,
    /// Print the topic before the payload.
    #[arg(short = 'v', long)]
    pub(crate) verbose: bool,
    /// Exit after this many messages.
    #[arg(short = 'C', long = "count", value_name = "N")]
    pub(crate) count: Option<u64>,
    /// Exit this many seconds after connecting.
    #[arg(short = 'W', long = "timeout", value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=MAX_WAIT_SECS))]
    pub(crate) timeout: Option<u64>,
    /// Output format, as mosquitto_sub's -F (%t topic, %p payload, %j JSON, @H:@M:@S …).
    #[arg(short = 'F', long, value_name = "FORMAT", conflicts_with_all = ["json", "verbose"])]
    pub(crate) format: Option<String>,
    /// One JSON object per message (payload as UTF-8 text or base64, with properties).
    #[arg(long, conflicts_with = "verbose")]
    pub(crate) json: bool,
    /// Indented JSON (implies --json).
    #[arg(long)]
    pub(crate) pretty: bool,
    /// Print payloads decoded, as JSON: by the profile's decoder rules,
    /// --proto-file/--proto-type, and Sparkplug B on spBv1.0/# (built in).
    /// With --json the decoded form is added as "decoded".
    #[arg(long)]
    pub(crate) decode: bool,
    /// Protobuf schemas: a .proto file, a folder of them (imports resolved
    /// across it) or a descriptor set (protoc -o); repeatable. Implies --decode.
    #[arg(long, value_name = "FILE_OR_DIR")]
    pub(crate) proto_file: Vec<PathBuf>,
    /// Decode every payload as this protobuf message type (pkg.Msg). Implies --decode.
    #[arg(long, value_name = "TYPE")]
    pub(crate) proto_type: Option<String>,
    /// Do not add a newline after each message.
    #[arg(short = 'N', long = "no-newline")]
    pub(crate) no_newline: bool,
    /// Do not print retained (stale) messages.
    #[arg(short = 'R', long = "no-retained")]
    pub(crate) no_retained: bool,
    /// Print only retained messages; exit at the first live one.
    #[arg(long, conflicts_with = "no_retained")]
    pub(crate) retained_only: bool,
    /// Exit once every subscription is acknowledged.
    #[arg(short = 'E', long = "exit-after-subscribe")]
    pub(crate) exit_after_subscribe: bool,
    /// Clear each retained message received: publish an empty retained
    /// message (QoS 1) to its topic. Waits for those to be acknowledged
    /// before exiting.
    #[arg(long)]
    pub(crate) remove_retained: bool,
    /// Print only this percentage (0.1-100) of the messages, picked at
    /// random; the others do not count for -C.
    #[arg(long, value_name = "CHANCE", value_parser = parse_chance)]
    pub(crate) random_filter: Option<f64>,
}

pub(crate) fn parse_protocol(text: &str) -> Result<ProtocolVersion, String> {
    match text {
        "mqttv5" | "5" => Ok(ProtocolVersion::V5),
        "mqttv311" | "311" => Ok(ProtocolVersion::V311),
        "mqttv31" | "31" => Err("MQTT 3.1 is not supported; use mqttv311 or mqttv5".into()),
        other => Err(format!("'{other}' is not a protocol version (mqttv311 or mqttv5)")),
    }
}

/// `--random-filter`: a percentage, 0.1 to 100.
pub(crate) fn parse_chance(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(chance) if (0.1..=100.0).contains(&chance) => Ok(chance),
        _ => Err(format!("'{text}' is not a percentage from 0.1 to 100")),
    }
}

/// `-x`: seconds, or -1 / ∞ for a session that never expires.
pub(crate) fn parse_session_expiry(text: &str) -> Result<u32, String> {
    match text {
        "-1" | "∞" => Ok(u32::MAX),
        _ => text.parse().map_err(|_| format!("'{text}' is not a number of seconds (0-4294967295, or -1 for never)")),
    }
}

pub(crate) fn qos(level: u8) -> Qos {
    Qos::from_level(level).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_filter_takes_a_percentage() {
        assert_eq!(parse_chance("0.1"), Ok(0.1));
        assert_eq!(parse_chance("100"), Ok(100.0));
        for bad in ["0", "0.05", "100.1", "-5", "half", "NaN"] {
            assert!(parse_chance(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn session_expiry_takes_seconds_or_never() {
        assert_eq!(parse_session_expiry("0"), Ok(0));
        assert_eq!(parse_session_expiry("3600"), Ok(3600));
        assert_eq!(parse_session_expiry("-1"), Ok(u32::MAX));
        assert_eq!(parse_session_expiry("∞"), Ok(u32::MAX));
        assert!(parse_session_expiry("-2").is_err());
        assert!(parse_session_expiry("soon").unwrap_err().contains("'soon'"));
    }
}
