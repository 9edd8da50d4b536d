//! MQTT.fx's `mqttfx-config.xml`: its connection profiles read into ours,
//! with what has no equivalent reported.

use std::path::PathBuf;

use thiserror::Error;

use super::{EntryError, ImportReport};
use crate::mqtt::{ProtocolVersion, Qos};
use crate::profile::{ConnectionProfile, SavedSubscription, TransportKind};

/// Why a file is not an MQTT.fx configuration.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(super) enum MqttfxError {
    #[error("invalid XML: {0}")]
    Xml(String),
    #[error("no <connectionProfiles> element (is this mqttfx-config.xml?)")]
    NoProfiles,
}

/// Reads MQTT.fx 1.x's `mqttfx-config.xml`:
/// `configuration/connectionProfiles/connectionProfile` elements with
/// `profileName`, `brokerAddress`, `brokerPort` and `connectionOptions`
/// (`clientId`, `userName`, `password`, `cleanSession`, `connectionTimeout`,
/// `keepAliveInterval`, `mqttVersion`, `caFile`, `clientCertificateFile`,
/// `clientKeyFile`), plus `recentSubscriptionTopics`.
pub(super) fn import_mqttfx(text: &str) -> Result<ImportReport, MqttfxError> {
    let document = roxmltree::Document::parse(text).map_err(|error| MqttfxError::Xml(error.to_string()))?;
    let root = document.root_element();
    let profiles_element =
        root.children().find(|node| node.has_tag_name("connectionProfiles")).ok_or(MqttfxError::NoProfiles)?;
    let mut report = ImportReport::default();
    for (index, element) in
        profiles_element.children().filter(|node| node.has_tag_name("connectionProfile")).enumerate()
    {
        match mqttfx_profile(element) {
            Ok((profile, skipped)) => {
                report.skipped.extend(skipped.into_iter().map(|line| format!("{}: {line}", profile.name)));
                report.profiles.push(profile);
            }
            Err(error) => report.errors.push(format!("connection profile {}: {error}", index + 1)),
        }
    }
    if report.profiles.is_empty() && report.errors.is_empty() {
        report.errors.push("the file holds no connection profiles".into());
    }
    Ok(report)
}

fn child<'a, 'input>(node: roxmltree::Node<'a, 'input>, name: &str) -> Option<roxmltree::Node<'a, 'input>> {
    node.children().find(|child| child.has_tag_name(name))
}

fn child_text(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name).and_then(|child| child.text()).map(str::trim).filter(|text| !text.is_empty()).map(str::to_owned)
}

fn mqttfx_profile(element: roxmltree::Node<'_, '_>) -> Result<(ConnectionProfile, Vec<String>), EntryError> {
    const MAPPED: [&str; 5] =
        ["profileName", "brokerAddress", "brokerPort", "connectionOptions", "recentSubscriptionTopics"];
    const MAPPED_OPTIONS: [&str; 10] = [
        "clientId",
        "userName",
        "password",
        "cleanSession",
        "connectionTimeout",
        "keepAliveInterval",
        "mqttVersion",
        "caFile",
        "clientCertificateFile",
        "clientKeyFile",
    ];
    let mut skipped = Vec::new();
    let missing = |entry: &str, what| EntryError::MissingElement { entry: entry.to_owned(), what };
    let name = child_text(element, "profileName").ok_or(EntryError::Unnamed)?;
    let host = child_text(element, "brokerAddress").ok_or_else(|| missing(&name, "brokerAddress"))?;
    let port = child_text(element, "brokerPort")
        .and_then(|port| port.parse::<u16>().ok())
        .filter(|port| *port > 0)
        .ok_or_else(|| missing(&name, "valid brokerPort"))?;
    let mut profile = ConnectionProfile {
        name: format!("MQTT.fx {name}"),
        host,
        port,
        protocol: ProtocolVersion::V311,
        ..ConnectionProfile::default()
    };
    if let Some(options) = child(element, "connectionOptions") {
        profile.client_id = child_text(options, "clientId").unwrap_or_default();
        profile.username = child_text(options, "userName").unwrap_or_default();
        if let Some(password) = child_text(options, "password") {
            profile.password = password;
            skipped.push("password (kept for this session only; choose a password source to keep it)".into());
        }
        if let Some(clean) = child_text(options, "cleanSession") {
            profile.clean_start = clean.eq_ignore_ascii_case("true");
        }
        if let Some(timeout) = child_text(options, "connectionTimeout").and_then(|t| t.parse::<u16>().ok()) {
            profile.connect_timeout_secs = timeout.max(1);
        }
        if let Some(keep_alive) = child_text(options, "keepAliveInterval").and_then(|k| k.parse::<u16>().ok()) {
            profile.keep_alive_secs = keep_alive;
        }
        if let Some(version) = child_text(options, "mqttVersion") {
            let compact: String = version.chars().filter(char::is_ascii_alphanumeric).collect();
            if compact.ends_with('5') || compact.ends_with("50") {
                profile.protocol = ProtocolVersion::V5;
            } else if !compact.ends_with("311") && !compact.eq_ignore_ascii_case("default") {
                skipped.push(format!("mqttVersion {version} (imported as 3.1.1)"));
            }
        }
        let path = |name: &str| child_text(options, name).map(PathBuf::from);
        profile.tls.ca_file = path("caFile");
        profile.tls.client_certificate_file = path("clientCertificateFile");
        profile.tls.client_key_file = path("clientKeyFile");
        if profile.tls.ca_file.is_some() || profile.tls.client_certificate_file.is_some() {
            profile.transport = TransportKind::Tls;
            skipped.push("TLS settings (certificate files mapped; check the transport and port)".into());
        }
        for option in options.children().filter(roxmltree::Node::is_element) {
            let tag = option.tag_name().name();
            let has_content = option.text().is_some_and(|t| !t.trim().is_empty()) || option.has_children();
            if !MAPPED_OPTIONS.contains(&tag) && has_content {
                skipped.push(format!("connectionOptions/{tag} (no equivalent)"));
            }
        }
    }
    if let Some(topics) = child(element, "recentSubscriptionTopics") {
        for topic in topics.children().filter(|node| node.has_tag_name("topic")) {
            let filter = child_text(topic, "name").or_else(|| topic.text().map(str::trim).map(str::to_owned));
            let Some(filter) = filter.filter(|f| !f.is_empty()) else { continue };
            let qos = child_text(topic, "qos")
                .and_then(|level| level.parse::<u8>().ok())
                .and_then(Qos::from_level)
                .unwrap_or_default();
            profile.subscriptions.push(SavedSubscription { filter, qos, ..SavedSubscription::default() });
        }
        if !profile.subscriptions.is_empty() {
            skipped.push(format!(
                "{} recent subscription topics became saved subscriptions (subscribed on connect)",
                profile.subscriptions.len()
            ));
        }
    }
    for node in element.children().filter(roxmltree::Node::is_element) {
        let tag = node.tag_name().name();
        let has_content = node.text().is_some_and(|t| !t.trim().is_empty()) || node.has_children();
        if MAPPED.contains(&tag) || !has_content || tag == "profileType" {
            continue;
        }
        if tag == "preDefinedMessages" {
            let count =
                child(node, "message").map_or(0, |_| node.children().filter(|n| n.has_tag_name("message")).count());
            skipped.push(format!("{count} predefined messages (saved messages are not imported yet)"));
        } else {
            skipped.push(format!("{tag} (no equivalent)"));
        }
    }
    Ok((profile, skipped))
}
