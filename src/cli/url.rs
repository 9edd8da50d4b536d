//! mosquitto's `-L mqtt(s)://[user[:password]@]host[:port]/topic` URLs.

/// What `-L` names: where to connect, as whom, and the topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqttUrl {
    pub(crate) tls: bool,
    pub(crate) username: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) host: String,
    pub(crate) port: Option<u16>,
    pub(crate) topic: String,
}

/// `mqtt://[user[:password]@]host[:port]/topic` as mosquitto's -L reads it
/// (no percent-decoding; the topic is everything after the first `/`),
/// plus `[IPv6]` hosts.
pub(crate) fn parse_mqtt_url(text: &str) -> Result<MqttUrl, String> {
    let (tls, rest) = if let Some(rest) = strip_prefix_ignoring_case(text, "mqtt://") {
        (false, rest)
    } else if let Some(rest) = strip_prefix_ignoring_case(text, "mqtts://") {
        (true, rest)
    } else {
        return Err("expected mqtt://HOST[:PORT]/TOPIC or mqtts://…".into());
    };
    let Some((authority, topic)) = rest.split_once('/') else {
        return Err("the topic is missing (mqtt://HOST[:PORT]/TOPIC)".into());
    };
    if topic.is_empty() {
        return Err("the topic is missing (mqtt://HOST[:PORT]/TOPIC)".into());
    }
    let (credentials, address) = match authority.rsplit_once('@') {
        Some((credentials, address)) => (Some(credentials), address),
        None => (None, authority),
    };
    let (username, password) = match credentials {
        Some(credentials) => match credentials.split_once(':') {
            Some((user, password)) => (Some(user.to_owned()), Some(password.to_owned())),
            None => (Some(credentials.to_owned()), None),
        },
        None => (None, None),
    };
    let (host, port) = if let Some(bracketed) = address.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']').ok_or("an IPv6 host needs its closing ']'")?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or("expected :PORT after the IPv6 host")?),
        };
        (host, port)
    } else {
        match address.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (address, None),
        }
    };
    if host.is_empty() {
        return Err("the host is missing".into());
    }
    let port =
        port.map(|port| port.parse::<u16>().map_err(|_| format!("'{port}' is not a port (1-65535)"))).transpose()?;
    if port == Some(0) {
        return Err("'0' is not a port (1-65535)".into());
    }
    Ok(MqttUrl { tls, username, password, host: host.to_owned(), port, topic: topic.to_owned() })
}

pub(crate) fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> MqttUrl {
        parse_mqtt_url(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn urls_read_as_mosquitto_reads_them() {
        let plain = url("mqtt://broker.local/plant/valve");
        assert_eq!(
            plain,
            MqttUrl {
                tls: false,
                username: None,
                password: None,
                host: "broker.local".into(),
                port: None,
                topic: "plant/valve".into()
            }
        );
        let full = url("MQTTS://alice:s3:cr@t@10.0.0.5:8884/a/+/#");
        assert!(full.tls);
        assert_eq!(full.username.as_deref(), Some("alice"));
        assert_eq!(full.password.as_deref(), Some("s3:cr@t"), "the last @ ends the credentials");
        assert_eq!((full.host.as_str(), full.port), ("10.0.0.5", Some(8884)));
        assert_eq!(full.topic, "a/+/#");
        let user_only = url("mqtt://bob@h/t");
        assert_eq!((user_only.username.as_deref(), user_only.password), (Some("bob"), None));
        let ipv6 = url("mqtt://[::1]:1884/t");
        assert_eq!((ipv6.host.as_str(), ipv6.port), ("::1", Some(1884)));
        assert_eq!(url("mqtt://[fe80::1]/t").port, None);
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        for (text, expected) in [
            ("http://h/t", "expected mqtt://"),
            ("mqtt://h", "topic is missing"),
            ("mqtt://h/", "topic is missing"),
            ("mqtt:///t", "host is missing"),
            ("mqtt://h:99999/t", "'99999' is not a port"),
            ("mqtt://h:0/t", "'0' is not a port"),
            ("mqtt://h:/t", "'' is not a port"),
            ("mqtt://[::1/t", "closing ']'"),
            ("mqtt://[::1]1883/t", "expected :PORT"),
        ] {
            let error = parse_mqtt_url(text).expect_err(text);
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
