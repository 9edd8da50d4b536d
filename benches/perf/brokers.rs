//! The brokers a benchmark runs against, both on 127.0.0.1: topicscope's
//! embedded broker (in this process) and Debian's mosquitto (a child process).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use topicscope::core::broker::{BrokerConfig, EmbeddedBroker};

/// Which broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerKind {
    /// topicscope's embedded broker (rmqtt), as the app runs it.
    Embedded,
    /// Debian's mosquitto with a generated config.
    Mosquitto,
}

impl BrokerKind {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Embedded => "topicscope embedded broker",
            Self::Mosquitto => "mosquitto",
        }
    }
}

/// A running broker; stopped when dropped.
pub struct RunningBroker {
    /// Its TCP port on 127.0.0.1.
    pub port: u16,
    /// Which broker it is.
    pub kind: BrokerKind,
    embedded: Option<EmbeddedBroker>,
    mosquitto: Option<Child>,
    dir: Option<std::path::PathBuf>,
}

impl RunningBroker {
    /// Starts `kind` on a free port and waits until it accepts connections.
    pub fn start(kind: BrokerKind) -> Result<Self, String> {
        Self::start_with(kind, false)
    }

    /// [`Self::start`], with persistence on in a temporary folder when
    /// `persistence` (mosquitto: `persistence true`, saved at its exit).
    pub fn start_with(kind: BrokerKind, persistence: bool) -> Result<Self, String> {
        match kind {
            BrokerKind::Embedded => {
                let dir = persistence
                    .then(|| std::env::temp_dir().join(format!("topicscope-perf-embedded-{}", std::process::id())));
                if let Some(dir) = &dir {
                    let _ = std::fs::remove_dir_all(dir);
                }
                let config = BrokerConfig { persistence: dir.clone(), ..BrokerConfig::ephemeral() };
                let broker = EmbeddedBroker::start(config).map_err(|error| error.to_string())?;
                let port = broker.local_addr().port();
                Ok(Self { port, kind, embedded: Some(broker), mosquitto: None, dir })
            }
            BrokerKind::Mosquitto => {
                let port = free_port()?;
                let dir = std::env::temp_dir().join(format!("topicscope-perf-mosquitto-{}-{port}", std::process::id()));
                std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
                let config = dir.join("mosquitto.conf");
                // Unbounded queues, like the embedded broker's settings for this run:
                // a lagging subscriber is measured, not silently dropped.
                std::fs::write(
                    &config,
                    format!(
                        "listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n{}",
                        if persistence {
                            format!("persistence true\npersistence_location {}/\n", dir.display())
                        } else {
                            String::new()
                        }
                    ),
                )
                .map_err(|error| format!("{}: {error}", config.display()))?;
                let child = Command::new("mosquitto")
                    .arg("-c")
                    .arg(&config)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .map_err(|error| format!("cannot run mosquitto (apt install mosquitto): {error}"))?;
                let broker = Self { port, kind, embedded: None, mosquitto: Some(child), dir: Some(dir) };
                wait_for_port(port)?;
                Ok(broker)
            }
        }
    }

    /// The mosquitto child's process id (for CPU and memory readings).
    pub fn pid(&self) -> Option<u32> {
        self.mosquitto.as_ref().map(Child::id)
    }
}

impl Drop for RunningBroker {
    fn drop(&mut self) {
        if let Some(mut child) = self.mosquitto.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(broker) = self.embedded.take() {
            broker.stop();
        }
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// True when `program` can be started (e.g. `mosquitto_sub --help`).
pub fn installed(program: &str) -> bool {
    Command::new(program).arg("--help").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// A port that was free a moment ago.
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|error| format!("no free port: {error}"))
}

/// Waits (≤ 5 s) until something accepts TCP connections on `port`.
pub fn wait_for_port(port: u16) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!("nothing listens on 127.0.0.1:{port} after 5 s"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}
