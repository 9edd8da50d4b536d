//! Benchmark 1, ingest: messages per second received *and fully stored* by
//! topicscope (engine + workspace: message store, topic tree, the log's
//! filtered view), drained exactly as the window drains it — at most
//! `EVENT_BUDGET` of each 60 Hz frame — against `mosquitto_sub -t … >
//! /dev/null` and MQTT.js (MQTTX's engine) on the same broker and load.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rumqttc::QoS;
use topicscope::core::mqtt::Qos;
use topicscope::core::store::StoreLimits;
use topicscope::ui::app::EVENT_BUDGET;

use super::brokers::{BrokerKind, RunningBroker, installed};
use super::loadgen::{Load, connected_app_recording, spawn_load};

/// How long a subscriber may see nothing new before it is declared done.
const STALL: Duration = Duration::from_secs(3);
/// The window's frame period at 60 Hz.
const FRAME: Duration = Duration::from_micros(16_667);

/// One subscriber's result.
#[derive(Debug, Clone)]
pub struct IngestRow {
    /// Who subscribed.
    pub subscriber: String,
    /// QoS of publish and subscription.
    pub qos: u8,
    /// Messages it got.
    pub received: usize,
    /// Messages published.
    pub expected: usize,
    /// From the start of the load to the last message in.
    pub elapsed: Option<Duration>,
}

impl IngestRow {
    /// Messages per second, when it received everything.
    pub fn rate(&self) -> Option<f64> {
        let elapsed = self.elapsed?;
        (self.received >= self.expected).then(|| self.received as f64 / elapsed.as_secs_f64())
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct IngestSettings {
    /// Messages per run.
    pub messages: usize,
    /// QoS levels to run.
    pub qos: Vec<QoS>,
    /// Include the MQTT.js peer (installs the `mqtt` npm package on first use).
    pub mqttjs: bool,
}

/// Runs every subscriber alone against the same load, per QoS; `broker`
/// prefers mosquitto (a neutral broker in its own process).
pub fn run(settings: &IngestSettings) -> Result<(String, Vec<IngestRow>), String> {
    let kind = if installed("mosquitto") { BrokerKind::Mosquitto } else { BrokerKind::Embedded };
    let mqttjs = if settings.mqttjs { mqttjs_dir() } else { Err("not requested".to_owned()) };
    let mut rows = Vec::new();
    for &qos in &settings.qos {
        let load = Load::standard(settings.messages, qos);
        rows.push(topicscope_run(kind, &load, true)?);
        // What recording every packet for the inspector costs.
        rows.push(topicscope_run(kind, &load, false)?);
        if installed("mosquitto_sub") {
            rows.push(process_run(kind, &load, "mosquitto_sub", |port, load| {
                Command::new("mosquitto_sub")
                    .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-t", &load.filter()])
                    .args(["-q", &(load.qos as u8).to_string(), "-C", &load.messages.to_string()])
                    .stdout(Stdio::null())
                    .stderr(Stdio::inherit())
                    .spawn()
            })?);
        }
        if let Ok(dir) = &mqttjs {
            rows.push(process_run(kind, &load, "MQTT.js 5 (node)", |port, load| {
                Command::new("node")
                    .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/perf/mqttjs_sub.js"))
                    .args([port.to_string(), load.filter(), (load.qos as u8).to_string(), load.messages.to_string()])
                    .env("NODE_PATH", dir.join("node_modules"))
                    .stdout(Stdio::piped())
                    .stderr(Stdio::inherit())
                    .spawn()
            })?);
        }
    }
    let mut broker = kind.name().to_owned();
    if let Err(why) = mqttjs
        && settings.mqttjs
    {
        broker.push_str(&format!(" (MQTT.js left out: {why})"));
    }
    Ok((broker, rows))
}

/// topicscope's model, fed by its engine, drained frame by frame as the window does.
fn topicscope_run(kind: BrokerKind, load: &Load, record_packets: bool) -> Result<IngestRow, String> {
    let broker = RunningBroker::start(kind)?;
    let qos = if load.qos == QoS::AtMostOnce { Qos::AtMostOnce } else { Qos::AtLeastOnce };
    let mut app = connected_app_recording(broker.port, &load.filter(), qos, StoreLimits::default(), record_packets)?;
    let before = app.workspace.store.counters().received as usize;
    let port = broker.port;
    let started = Instant::now();
    let generator = spawn_load(port, load)?;
    let mut last_in = None;
    let mut last_count = 0;
    let mut moved_at = Instant::now();
    loop {
        let frame_started = Instant::now();
        app.drain_events(EVENT_BUDGET);
        let count = app.workspace.store.counters().received as usize - before;
        if count != last_count {
            last_count = count;
            last_in = Some(Instant::now());
            moved_at = Instant::now();
        }
        if count >= load.messages || moved_at.elapsed() > STALL {
            break;
        }
        if let Some(rest) = FRAME.checked_sub(frame_started.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    generator.join().map_err(|_| "load generator panicked".to_owned())??;
    let subscriber = if record_packets {
        "topicscope (engine + store + tree + log view + packet inspector)"
    } else {
        "topicscope, packet recording off"
    };
    Ok(IngestRow {
        subscriber: subscriber.into(),
        qos: load.qos as u8,
        received: last_count,
        expected: load.messages,
        elapsed: last_in.map(|at| at.duration_since(started)),
    })
}

/// A subscriber program that exits once it has `load.messages`; if its
/// stdout is piped it must print "ready" once subscribed.
fn process_run(
    kind: BrokerKind,
    load: &Load,
    name: &str,
    spawn: impl Fn(u16, &Load) -> std::io::Result<Child>,
) -> Result<IngestRow, String> {
    let broker = RunningBroker::start(kind)?;
    let mut child = spawn(broker.port, load).map_err(|error| format!("{name}: {error}"))?;
    if let Some(stdout) = child.stdout.take() {
        let mut lines = BufReader::new(stdout).lines();
        match lines.next() {
            Some(Ok(line)) if line == "ready" => {}
            other => {
                let _ = child.kill();
                return Err(format!("{name} did not subscribe: {other:?}"));
            }
        }
        // Keep the pipe drained (only "done N" follows).
        std::thread::Builder::new()
            .name("peer-stdout".into())
            .spawn(move || lines.for_each(drop))
            .map_err(|error| format!("thread: {error}"))?;
    } else {
        // mosquitto_sub says nothing when subscribed: give it the time it needs.
        std::thread::sleep(Duration::from_millis(500));
    }
    let port = broker.port;
    let started = Instant::now();
    let generator = spawn_load(port, load)?;
    let published = generator.join().map_err(|_| "load generator panicked".to_owned())??;
    // It exits once it has everything; one that is still running well after
    // the load (as long again, plus the stall time) never will.
    let deadline = Instant::now() + published.elapsed + STALL;
    let elapsed = loop {
        if let Ok(Some(_)) = child.try_wait() {
            break Some(started.elapsed());
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let _ = child.wait();
    Ok(IngestRow {
        subscriber: name.to_owned(),
        qos: load.qos as u8,
        received: if elapsed.is_some() { load.messages } else { 0 },
        expected: load.messages,
        elapsed,
    })
}

/// Where the `mqtt` npm package is installed for the MQTT.js peer
/// (installed there on first use).
fn mqttjs_dir() -> Result<std::path::PathBuf, String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/perf-node");
    if dir.join("node_modules/mqtt/package.json").exists() {
        return Ok(dir);
    }
    if !installed("node") {
        return Err("node is not installed".into());
    }
    std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(&dir)
        .arg("mqtt@5")
        .stdout(Stdio::null())
        .status()
        .map_err(|error| format!("npm: {error}"))?;
    if status.success() && dir.join("node_modules/mqtt/package.json").exists() {
        Ok(dir)
    } else {
        Err(format!("npm install mqtt failed ({status})"))
    }
}
