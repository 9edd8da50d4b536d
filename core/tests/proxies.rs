//! Reaching mosquitto through real SOCKS servers on 127.0.0.1: microsocks
//! (SOCKS5 with user name and password), Debian's dante-server (SOCKS5
//! without authentication) and OpenSSH's `ssh -D` (SOCKS4a), over TCP, TLS,
//! WebSocket and secure WebSocket. The broker is named `localhost`, which the proxy resolves.
#![cfg(unix)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{Driver, Microsocks, Mosquitto, free_port, local_profile, wait_until};
use topicscope_core::engine::{ConnectionFailure, DeliveryOutcome};
use topicscope_core::ids::ConnectionId;
use topicscope_core::mqtt::{ProtocolVersion, Qos};
use topicscope_core::profile::{ConnectionProfile, PasswordSource, ProxyKind, ProxyOptions, TransportKind};

/// A SOCKS server process, killed on drop.
struct SocksServer {
    child: Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl SocksServer {
    fn wait_listening(mut self) -> Self {
        let port = self.port;
        let up = wait_until(Duration::from_secs(10), || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
        assert!(up && matches!(self.child.try_wait(), Ok(None)), "the SOCKS server did not start on {port}");
        self
    }

    /// OpenSSH's dynamic forwarding (`ssh -D`): SOCKS4a (and SOCKS5)
    /// without authentication, through a private sshd on 127.0.0.1.
    fn ssh_dynamic_forward() -> (Self, Child) {
        let dir = std::env::temp_dir().join(format!("topicscope-sshd-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        for key in ["host", "client"] {
            let made = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(dir.join(key))
                .status()
                .expect("ssh-keygen (apt-get install openssh-client)");
            assert!(made.success());
        }
        std::fs::copy(dir.join("client.pub"), dir.join("authorized_keys")).expect("authorized_keys");
        let ssh_port = free_port();
        let shown = dir.display();
        std::fs::write(
            dir.join("sshd_config"),
            format!(
                "Port {ssh_port}\nListenAddress 127.0.0.1\nHostKey {shown}/host\nAuthorizedKeysFile {shown}/authorized_keys\n\
                 PidFile {shown}/sshd.pid\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n\
                 PermitRootLogin prohibit-password\nAllowTcpForwarding yes\n"
            ),
        )
        .expect("sshd_config");
        // sshd insists on its privilege separation folder.
        let _ = std::fs::create_dir_all("/run/sshd");
        let sshd = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(dir.join("sshd_config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sshd (apt-get install openssh-server)");
        assert!(
            wait_until(Duration::from_secs(10), || std::net::TcpStream::connect(("127.0.0.1", ssh_port)).is_ok()),
            "sshd did not start"
        );
        let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "root".into());
        let port = free_port();
        let child = Command::new("ssh")
            .args(["-N", "-D", &format!("127.0.0.1:{port}"), "-i"])
            .arg(dir.join("client"))
            .args(["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes"])
            .args(["-p", &ssh_port.to_string(), &format!("{user}@127.0.0.1")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ssh");
        (Self { child, port, dir }.wait_listening(), sshd)
    }

    /// dante: SOCKS5 without authentication (its 1.4.2 takes SOCKS4a's
    /// 0.0.0.x address literally, so it cannot serve SOCKS4a).
    fn dante() -> Self {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("topicscope-dante-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let config = dir.join("danted.conf");
        std::fs::write(
            &config,
            format!(
                "logoutput: stderr\ninternal: 127.0.0.1 port = {port}\nexternal: lo\n\
                 clientmethod: none\nsocksmethod: none\nuser.privileged: root\nuser.unprivileged: nobody\n\
                 client pass {{\n  from: 127.0.0.0/8 to: 0.0.0.0/0\n}}\n\
                 socks pass {{\n  from: 127.0.0.0/8 to: 0.0.0.0/0\n  command: connect\n}}\n"
            ),
        )
        .expect("config");
        let child = Command::new("danted")
            .arg("-f")
            .arg(&config)
            .arg("-p")
            .arg(dir.join("danted.pid"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("danted (apt-get install dante-server)");
        Self { child, port, dir }.wait_listening()
    }
}

impl Drop for SocksServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if self.dir != std::env::temp_dir() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn through(port: u16, kind: ProxyKind, user: &str, source: PasswordSource) -> ProxyOptions {
    ProxyOptions {
        kind,
        host: "127.0.0.1".into(),
        port,
        username: user.into(),
        password: String::new(),
        password_source: source,
    }
}

fn round_trip(profile: ConnectionProfile, context: &str) {
    let mut driver = Driver::new();
    let connection = ConnectionId(1);
    driver.connect(connection, profile, Vec::new());
    driver.subscribe(connection, 1, "proxied/#", Qos::AtLeastOnce);
    let request = driver.publish(connection, "proxied/hello", b"via proxy", Qos::AtLeastOnce, false);
    assert_eq!(driver.delivery(connection, request), DeliveryOutcome::Acknowledged, "{context}");
    let received = driver.wait_messages(connection, 1);
    assert_eq!(received[0].payload.as_ref(), b"via proxy", "{context}");
    driver.disconnect(connection);
}

#[test]
fn socks5_with_a_password_carries_every_transport() {
    let dir = std::env::temp_dir().join(format!("topicscope-socks-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    common::make_test_certificates(&dir);
    let shown = dir.display();
    let tls = format!("cafile {shown}/ca.crt\ncertfile {shown}/server.crt\nkeyfile {shown}/server.key\n");
    let (broker, ports) = Mosquitto::start_with_ports(3, |ports| {
        format!(
            "allow_anonymous true\nlistener {} 127.0.0.1\n{tls}listener {} 127.0.0.1\nprotocol websockets\n\
             listener {} 127.0.0.1\nprotocol websockets\n{tls}",
            ports[0], ports[1], ports[2]
        )
    });
    let proxy = Microsocks::start("scout", "pass word");
    // The password comes from a file, as a profile can keep it.
    let password_file = dir.join("proxy-password");
    std::fs::write(&password_file, "pass word\n").expect("password file");
    let source = PasswordSource::File(password_file);
    for (transport, port) in [
        (TransportKind::Tcp, broker.port),
        (TransportKind::Tls, ports[0]),
        (TransportKind::WebSocket, ports[1]),
        (TransportKind::WebSocketTls, ports[2]),
    ] {
        let mut profile = local_profile(port, ProtocolVersion::V5, "socks-client");
        profile.host = "localhost".into();
        profile.transport = transport;
        profile.tls.ca_file = Some(dir.join("ca.crt"));
        // The test certificate names broker.test, not localhost.
        profile.tls.server_name = Some("broker.test".into());
        profile.proxy = Some(through(proxy.port, ProxyKind::Socks5, "scout", source.clone()));
        round_trip(profile, &format!("SOCKS5 {transport:?}"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn socks_failures_say_which_hop_failed() {
    let broker = Mosquitto::start();
    let proxy = Microsocks::start("scout", "right");
    let attempt = |proxy_options: ProxyOptions| {
        let mut driver = Driver::new();
        let mut profile = local_profile(broker.port, ProtocolVersion::V311, "socks-fail");
        profile.reconnect = false;
        profile.proxy = Some(proxy_options);
        driver.send(topicscope_core::engine::Command::Connect {
            connection: ConnectionId(1),
            profile: Box::new(profile),
            subscriptions: Vec::new(),
        });
        driver.failure(ConnectionId(1))
    };
    let wrong = attempt(through(proxy.port, ProxyKind::Socks5, "scout", PasswordSource::InProfile("wrong".into())));
    assert!(
        matches!(&wrong, ConnectionFailure::Proxy(text) if text.contains("refused the user name or password")),
        "{wrong:?}"
    );
    let anonymous = attempt(through(proxy.port, ProxyKind::Socks5, "", PasswordSource::NotSaved));
    assert!(
        matches!(&anonymous, ConnectionFailure::Proxy(text) if text.contains("wants a user name and password")),
        "{anonymous:?}"
    );
    let unreachable = through(free_port(), ProxyKind::Socks5, "", PasswordSource::NotSaved);
    let gone = attempt(unreachable);
    assert!(
        matches!(&gone, ConnectionFailure::Proxy(text) if text.contains("cannot reach the SOCKS5 proxy")),
        "{gone:?}"
    );
}

#[test]
fn anonymous_socks5_through_dante_and_socks4a_through_ssh() {
    // A proxy may resolve localhost to ::1 first: the broker listens there too.
    let port = free_port();
    let broker = Mosquitto::start_on(port, &format!("allow_anonymous true\nlistener {port} ::1\n"));
    let dante = SocksServer::dante();
    let (ssh, mut sshd) = SocksServer::ssh_dynamic_forward();
    for (proxy, kind, user) in [(&dante, ProxyKind::Socks5, ""), (&ssh, ProxyKind::Socks4a, "tester")] {
        for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
            let mut profile = local_profile(broker.port, protocol, "anonymous-socks");
            profile.host = "localhost".into();
            profile.proxy = Some(through(proxy.port, kind, user, PasswordSource::NotSaved));
            round_trip(profile, &format!("{kind:?} {protocol}"));
        }
    }
    drop(ssh);
    let _ = sshd.kill();
    let _ = sshd.wait();
}
