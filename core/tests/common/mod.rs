//! Shared helpers for integration tests: real brokers on 127.0.0.1 and an
//! engine driver that waits on predicates instead of sleeping.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

pub mod fake_broker;
pub mod python;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command as Process, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use topicscope_core::engine::{
    Command, ConnectionEvent, ConnectionFailure, ConnectionState, DeliveryOutcome, Engine, Event, EventKind,
    PublishRequest, SubscribeOutcome, SubscriptionSpec,
};
use topicscope_core::ids::{ConnectionId, PublishId, RequestId, SubscriptionId};
use topicscope_core::mqtt::{IncomingMessage, ProtocolVersion, Qos};
use topicscope_core::profile::ConnectionProfile;

/// Upper bound for any single wait in a test.
pub const WAIT: Duration = Duration::from_secs(15);

/// Polls `predicate` every 10 ms until it holds or `timeout` passes.
pub fn wait_until(timeout: Duration, mut predicate: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if predicate() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A free TCP port on 127.0.0.1 (bound and released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("free port")
}

/// Debian's mosquitto on a private config and port; killed on drop.
pub struct Mosquitto {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: PathBuf,
}

impl Mosquitto {
    /// Starts mosquitto with anonymous access on a free port.
    pub fn start() -> Self {
        Self::start_on(free_port(), "allow_anonymous true\n")
    }

    /// Starts mosquitto on `port` with extra config lines.
    pub fn start_on(port: u16, extra_config: &str) -> Self {
        Self::try_start_on(port, extra_config).unwrap_or_else(|problem| panic!("{problem}"))
    }

    /// Starts mosquitto on a free port plus `extra` more free ports that
    /// `config` puts into listener lines. A port picked free can be taken by
    /// another test's socket before mosquitto binds it (it then exits with
    /// "Address already in use"); such a start is retried on fresh ports.
    pub fn start_with_ports(extra: usize, mut config: impl FnMut(&[u16]) -> String) -> (Self, Vec<u16>) {
        let mut last_problem = String::new();
        for _ in 0..3 {
            let ports: Vec<u16> = (0..extra).map(|_| free_port()).collect();
            match Self::try_start_on(free_port(), &config(&ports)) {
                Ok(mosquitto) => return (mosquitto, ports),
                Err(problem) if problem.contains("Address already in use") => last_problem = problem,
                Err(problem) => panic!("{problem}"),
            }
        }
        panic!("{last_problem}")
    }

    fn try_start_on(port: u16, extra_config: &str) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("topicscope-mosquitto-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let config = dir.join("mosquitto.conf");
        let config_text = format!("listener {port} 127.0.0.1\npersistence false\n{extra_config}");
        std::fs::write(&config, &config_text).expect("write config");
        let log_path = dir.join("mosquitto.log");
        let log = std::fs::File::create(&log_path).expect("mosquitto log file");
        let child = Process::new(mosquitto_binary())
            .arg("-c")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("mosquitto must be installed (apt-get install mosquitto)");
        let mut mosquitto = Self { child, port, dir };
        // Every listener must accept, and mosquitto must still be up: it binds
        // its listeners one by one and loads TLS files after that, exiting
        // (after the first ones accepted) when any of it fails.
        let listener_ports: Vec<u16> = config_text
            .lines()
            .filter_map(|line| line.strip_prefix("listener "))
            .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
            .collect();
        let all_listening = wait_until(WAIT, || {
            listener_ports.iter().all(|listener| {
                let addr: SocketAddr = ([127, 0, 0, 1], *listener).into();
                std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
            }) || !matches!(mosquitto.child.try_wait(), Ok(None))
        });
        if all_listening {
            std::thread::sleep(Duration::from_millis(100));
        }
        if !all_listening || !matches!(mosquitto.child.try_wait(), Ok(None)) {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            return Err(format!("mosquitto did not start listening on {listener_ports:?}: {}", log.trim()));
        }
        Ok(mosquitto)
    }

    /// The directory holding its config (for password files).
    pub fn dir(&self) -> &PathBuf {
        &self.dir
    }

    /// Stops it as a service manager would (SIGTERM: it saves its
    /// persistence database) and waits until it has exited.
    pub fn terminate(mut self) {
        let _ = Process::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn mosquitto_binary() -> &'static str {
    if std::path::Path::new("/usr/sbin/mosquitto").exists() { "/usr/sbin/mosquitto" } else { "mosquitto" }
}

/// An engine plus every event it has produced so far.
pub struct Driver {
    pub engine: Engine,
    pub events: Vec<Event>,
    next_request: RequestId,
}

impl Default for Driver {
    fn default() -> Self {
        Self::new()
    }
}

impl Driver {
    /// Starts an engine with a no-op waker.
    pub fn new() -> Self {
        let engine = Engine::start(Arc::new(|| {})).expect("engine starts");
        Self { engine, events: Vec::new(), next_request: RequestId(1) }
    }

    /// Sends a command, failing the test if the engine refuses it.
    pub fn send(&self, command: Command) {
        self.engine.send(command).expect("engine accepts command");
    }

    /// Moves waiting events into `events`.
    pub fn drain(&mut self) {
        while let Some(event) = self.engine.try_recv() {
            self.events.push(event);
        }
    }

    /// Waits until `predicate` holds over the collected events.
    pub fn wait_for(&mut self, what: &str, mut predicate: impl FnMut(&[Event]) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            self.drain();
            if predicate(&self.events) {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "timed out waiting for {what}; events: {:#?}",
                    self.events.iter().map(|e| &e.kind).collect::<Vec<_>>()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Connects and waits for CONNACK.
    pub fn connect(
        &mut self,
        connection: ConnectionId,
        profile: ConnectionProfile,
        subscriptions: Vec<SubscriptionSpec>,
    ) {
        self.send(Command::Connect { connection, profile: Box::new(profile), subscriptions });
        self.wait_for("connected", |events| connected_count(events, connection) >= 1);
    }

    /// Subscribes and waits for the SUBACK; returns the outcome.
    pub fn subscribe(&mut self, connection: ConnectionId, id: u32, filter: &str, qos: Qos) -> SubscribeOutcome {
        self.send(Command::Subscribe {
            connection,
            subscription: SubscriptionSpec {
                id: SubscriptionId(id),
                filter: filter.into(),
                qos,
                ..SubscriptionSpec::default()
            },
        });
        let mut outcome = None;
        self.wait_for("SUBACK", |events| {
            outcome = suback_outcomes(events, connection, id).pop();
            outcome.is_some()
        });
        outcome.expect("outcome")
    }

    /// Publishes; returns the request id.
    pub fn publish(
        &mut self,
        connection: ConnectionId,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        retain: bool,
    ) -> PublishId {
        let id = PublishId::Request(self.next_request.take_next());
        self.send(Command::Publish {
            connection,
            request: PublishRequest {
                id,
                topic: topic.into(),
                payload: payload.to_vec().into(),
                qos,
                retain,
                properties: None,
            },
        });
        id
    }

    /// Waits for the final delivery outcome of a request.
    pub fn delivery(&mut self, connection: ConnectionId, request: PublishId) -> DeliveryOutcome {
        let mut found = None;
        self.wait_for("delivery outcome", |events| {
            found = events.iter().rev().find_map(|event| match &event.kind {
                EventKind::Connection {
                    connection: c,
                    event: ConnectionEvent::Delivery { request: r, outcome, .. },
                } if *c == connection && *r == request && *outcome != DeliveryOutcome::Received => {
                    Some(outcome.clone())
                }
                _ => None,
            });
            found.is_some()
        });
        found.expect("outcome")
    }

    /// Every message received on a connection so far.
    pub fn messages(&self, connection: ConnectionId) -> Vec<IncomingMessage> {
        messages(&self.events, connection)
    }

    /// Waits until `count` messages arrived on a connection; returns them all.
    pub fn wait_messages(&mut self, connection: ConnectionId, count: usize) -> Vec<IncomingMessage> {
        self.wait_for(&format!("{count} messages"), |events| messages(events, connection).len() >= count);
        self.messages(connection)
    }

    /// Waits until a connection failed for good; returns why.
    pub fn failure(&mut self, connection: ConnectionId) -> ConnectionFailure {
        self.wait_for("a connection failure", |events| {
            let latest = events.iter().rev().find_map(|event| match &event.kind {
                EventKind::Connection { connection: c, event: ConnectionEvent::State(state) } if *c == connection => {
                    Some(state)
                }
                _ => None,
            });
            matches!(latest, Some(ConnectionState::Failed(_)))
        });
        match self.state(connection) {
            Some(ConnectionState::Failed(failure)) => failure,
            other => panic!("unexpected state {other:?}"),
        }
    }

    /// Disconnects cleanly and waits until the engine reports it.
    pub fn disconnect(&mut self, connection: ConnectionId) {
        self.send(Command::Disconnect { connection });
        self.wait_for("a clean disconnect", |events| {
            events.iter().any(|event| {
                matches!(&event.kind, EventKind::Connection { connection: c, event: ConnectionEvent::State(ConnectionState::Disconnected) } if *c == connection)
            })
        });
    }

    /// The latest state of a connection.
    pub fn state(&self, connection: ConnectionId) -> Option<ConnectionState> {
        self.events.iter().rev().find_map(|event| match &event.kind {
            EventKind::Connection { connection: c, event: ConnectionEvent::State(state) } if *c == connection => {
                Some(state.clone())
            }
            _ => None,
        })
    }
}

/// How many times a connection reached Connected.
pub fn connected_count(events: &[Event], connection: ConnectionId) -> usize {
    events
        .iter()
        .filter(|event| {
            matches!(&event.kind, EventKind::Connection { connection: c, event: ConnectionEvent::State(ConnectionState::Connected { .. }) } if *c == connection)
        })
        .count()
}

/// SUBACK outcomes for one subscription, in order.
pub fn suback_outcomes(events: &[Event], connection: ConnectionId, id: u32) -> Vec<SubscribeOutcome> {
    events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::Connection { connection: c, event: ConnectionEvent::Subscribed { subscription, outcome } }
                if *c == connection && *subscription == SubscriptionId(id) =>
            {
                Some(outcome.clone())
            }
            _ => None,
        })
        .collect()
}

/// Messages received on a connection, in order.
pub fn messages(events: &[Event], connection: ConnectionId) -> Vec<IncomingMessage> {
    events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::Connection { connection: c, event: ConnectionEvent::Messages(batch) } if *c == connection => {
                Some(batch.iter().map(|(_, message)| message.clone()))
            }
            _ => None,
        })
        .flatten()
        .collect()
}

/// A profile for a broker on 127.0.0.1.
pub fn local_profile(port: u16, protocol: ProtocolVersion, client_id: &str) -> ConnectionProfile {
    ConnectionProfile {
        name: format!("test {client_id}"),
        host: "127.0.0.1".into(),
        port,
        client_id: client_id.into(),
        protocol,
        keep_alive_secs: 30,
        connect_timeout_secs: 5,
        ..ConnectionProfile::default()
    }
}

/// A throwaway CA and a server certificate for 127.0.0.1, made with openssl.
pub fn make_test_certificates(dir: &std::path::Path) {
    let run = |args: &[&str]| {
        let output =
            std::process::Command::new("openssl").args(args).current_dir(dir).output().expect("openssl installed");
        assert!(output.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=topicscope test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(dir.join("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:broker.test\nbasicConstraints=CA:FALSE\n")
        .expect("ext");
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    // A client certificate signed by the same CA (for mutual TLS) and an
    // unrelated CA (for "wrong CA" failures).
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "client.key",
        "-out",
        "client.csr",
        "-subj",
        "/CN=topicscope-client",
    ]);
    std::fs::write(dir.join("client.ext"), "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n").expect("ext");
    run(&[
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "client.crt",
        "-days",
        "2",
        "-extfile",
        "client.ext",
    ]);
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "other-ca.key",
        "-out",
        "other-ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=some other CA",
    ]);
    // mosquitto drops root privileges before reading the key; this throwaway
    // key may be world-readable.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for file in ["server.key", "server.crt", "ca.crt"] {
            std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(0o644)).expect("chmod");
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod dir");
    }
}

/// Copies bytes between two sockets in both directions, each on its own
/// thread; when one side closes, the other is shut down.
fn pump_both_ways(a: &std::net::TcpStream, b: &std::net::TcpStream) {
    for (from, to) in [(a.try_clone(), b.try_clone()), (b.try_clone(), a.try_clone())] {
        if let (Ok(mut from), Ok(mut to)) = (from, to) {
            let _ = std::thread::Builder::new().name("tcp-pump".into()).spawn(move || {
                let _ = std::io::copy(&mut from, &mut to);
                let _ = to.shutdown(std::net::Shutdown::Both);
            });
        }
    }
}

/// A TCP relay between a client and a broker that the test can cut, to
/// make a connection vanish without DISCONNECT (as a crash or a pulled cable would).
pub struct Relay {
    /// The port clients connect to.
    pub port: u16,
    sockets: std::sync::Arc<std::sync::Mutex<Vec<std::net::TcpStream>>>,
}

impl Relay {
    /// Relays every connection on a new local port to `127.0.0.1:target`.
    pub fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let port = listener.local_addr().expect("addr").port();
        let sockets = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let registry = sockets.clone();
        std::thread::Builder::new()
            .name("relay-accept".into())
            .spawn(move || {
                for client in listener.incoming().flatten() {
                    let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", target)) else { continue };
                    pump_both_ways(&client, &server);
                    if let Ok(mut list) = registry.lock() {
                        list.push(client);
                        list.push(server);
                    }
                }
            })
            .expect("relay thread");
        Self { port, sockets }
    }

    /// Closes every relayed connection at once.
    pub fn cut(&self) {
        if let Ok(list) = self.sockets.lock() {
            for socket in list.iter() {
                let _ = socket.shutdown(std::net::Shutdown::Both);
            }
        }
    }
}

/// A minimal HTTP CONNECT proxy on 127.0.0.1 for proxy tests: it checks the
/// request line (and Basic credentials when given), connects to the target
/// and relays bytes both ways. `requests` records each CONNECT line.
pub struct ConnectProxy {
    /// Its port.
    pub port: u16,
    /// The CONNECT request lines it received.
    pub requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ConnectProxy {
    /// Starts the proxy; `credentials` is the expected `user:password`.
    pub fn start(credentials: Option<&str>) -> Self {
        use base64::Engine as _;
        use std::io::{BufRead as _, BufReader, Write as _};
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = requests.clone();
        let expected = credentials.map(|c| format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(c)));
        std::thread::Builder::new()
            .name("connect-proxy".into())
            .spawn(move || {
                for client in listener.incoming().flatten() {
                    let Ok(reader_stream) = client.try_clone() else { continue };
                    let mut reader = BufReader::new(reader_stream);
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).is_err() {
                        continue;
                    }
                    let mut authorised = expected.is_none();
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':')
                            && name.trim().eq_ignore_ascii_case("proxy-authorization")
                        {
                            authorised = expected.as_deref() == Some(value.trim());
                        }
                    }
                    if let Ok(mut list) = log.lock() {
                        list.push(request_line.trim().to_owned());
                    }
                    let mut client = client;
                    let target = request_line.split_whitespace().nth(1).unwrap_or_default().to_owned();
                    if !authorised {
                        let _ = client.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
                        continue;
                    }
                    let Ok(server) = std::net::TcpStream::connect(&target) else {
                        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
                        continue;
                    };
                    let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                    pump_both_ways(&client, &server);
                }
            })
            .expect("proxy thread");
        Self { port, requests }
    }
}

/// A broker under test: the embedded one or mosquitto.
pub enum TestBroker {
    /// topicscope's embedded broker.
    Embedded(topicscope_core::broker::EmbeddedBroker),
    /// Debian's mosquitto.
    Mosquitto(Mosquitto),
}

impl TestBroker {
    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        match self {
            Self::Embedded(broker) => broker.local_addr().port(),
            Self::Mosquitto(broker) => broker.port,
        }
    }

    /// "embedded" or "mosquitto", for assertion messages.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Embedded(_) => "embedded",
            Self::Mosquitto(_) => "mosquitto",
        }
    }
}

/// Both brokers, started on free ports.
pub fn brokers() -> Vec<TestBroker> {
    vec![
        TestBroker::Embedded(
            topicscope_core::broker::EmbeddedBroker::start(topicscope_core::broker::BrokerConfig::ephemeral())
                .expect("embedded broker starts"),
        ),
        TestBroker::Mosquitto(Mosquitto::start()),
    ]
}

/// Applies engine events to a workspace (sending its follow-up commands)
/// until `done` holds; fails the test after [`WAIT`].
pub fn pump_workspace(
    engine: &mut topicscope_core::engine::Engine,
    workspace: &mut topicscope_core::workspace::Workspace,
    what: &str,
    done: impl Fn(&topicscope_core::workspace::Workspace) -> bool,
) {
    let deadline = std::time::Instant::now() + WAIT;
    while !done(workspace) {
        while let Some(event) = engine.try_recv() {
            for command in workspace.apply(event) {
                engine.send(command).expect("send");
            }
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}; notices: {:?}", workspace.notices);
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// microsocks (apt-get install microsocks): a real SOCKS5 server that wants
/// this user name and password, on a free port of 127.0.0.1; killed on drop.
pub struct Microsocks {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

impl Microsocks {
    /// Starts it and waits until it listens. A port picked free can be
    /// taken (e.g. by the broker of the same test) before microsocks binds
    /// it: microsocks then exits while the port still answers, so the
    /// start is checked on its process and retried on a fresh port.
    pub fn start(user: &str, password: &str) -> Self {
        for _ in 0..3 {
            let port = free_port();
            let mut child = Process::new("microsocks")
                .args(["-i", "127.0.0.1", "-p", &port.to_string(), "-u", user, "-P", password])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("microsocks (apt-get install microsocks)");
            let listening = wait_until(WAIT, || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
            std::thread::sleep(Duration::from_millis(100));
            if listening && matches!(child.try_wait(), Ok(None)) {
                return Self { child, port };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("microsocks did not start on three free ports");
    }
}

impl Drop for Microsocks {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
