//! Benchmark 2, UI frame time: the real app (every panel, no window) on a
//! bare `egui::Context` at 1280×800, with a full log and a large topic
//! tree, timing `logic + ui` per frame — exactly what eframe calls — while
//! scrolling, while filtering and while messages arrive over the network.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::Utc;
use egui::{Event, MouseWheelUnit, Pos2, RawInput, Rect, TouchPhase, Vec2};
use rumqttc::QoS;
use topicscope::core::broker::BrokerConfig;
use topicscope::core::engine::{ConnectionEvent, ConnectionState, Event as EngineEvent, EventKind};
use topicscope::core::mqtt::{IncomingMessage, Qos};
use topicscope::core::store::StoreLimits;
use topicscope::core::workspace::SubscriptionStatus;
use topicscope::ui::{AppOptions, TopicscopeApp};

use super::brokers::{BrokerKind, RunningBroker, installed};
use super::loadgen::{Load, connected_app, spawn_load};

/// The window size the README shows.
const SCREEN: Vec2 = Vec2::new(1280.0, 800.0);
/// Where the log's rows are on that screen.
const OVER_LOG: Pos2 = Pos2::new(760.0, 420.0);
/// Where the topic tree's rows are.
const OVER_TREE: Pos2 = Pos2::new(150.0, 420.0);

/// What to measure.
#[derive(Debug, Clone, Copy)]
pub struct FrameSettings {
    /// Messages in the log before measuring.
    pub stored: usize,
    /// Distinct topics among them (all leaves of one branch of the tree).
    pub topics: usize,
    /// Frames per steady scenario.
    pub frames: usize,
    /// Messages per second in the live scenario.
    pub live_rate: u64,
    /// Seconds of live load.
    pub live_seconds: f64,
}

/// One scenario's frame times.
#[derive(Debug, Clone)]
pub struct FrameRow {
    /// What was happening.
    pub scenario: String,
    /// `logic + ui` of each frame, wall clock.
    pub times: Vec<Duration>,
    /// The same frames' CPU time on the UI thread: the wall time minus
    /// waiting for a core (on 2 cores, the broker and the load generator
    /// of the live scenario compete with the UI thread).
    pub cpu: Vec<Duration>,
}

impl FrameRow {
    /// The `q`-quantile (0.5 = median) of the wall-clock frame times.
    pub fn quantile(&self, q: f64) -> Duration {
        quantile(&self.times, q)
    }

    /// The `q`-quantile of the frames' CPU times.
    pub fn cpu_quantile(&self, q: f64) -> Duration {
        quantile(&self.cpu, q)
    }

    /// The slowest frame.
    pub fn max(&self) -> Duration {
        self.times.iter().max().copied().unwrap_or_default()
    }

    /// Frames over 16 ms (a missed 60 Hz frame).
    pub fn over_16ms(&self) -> usize {
        self.times.iter().filter(|time| **time > Duration::from_millis(16)).count()
    }
}

fn quantile(times: &[Duration], q: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let index = ((sorted.len().saturating_sub(1)) as f64 * q).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

/// Frame times collected for one scenario.
#[derive(Default)]
struct Frames {
    times: Vec<Duration>,
    cpu: Vec<Duration>,
}

impl Frames {
    fn push(&mut self, (wall, cpu): (Duration, Duration)) {
        self.times.push(wall);
        self.cpu.push(cpu);
    }

    fn row(self, scenario: impl Into<String>) -> FrameRow {
        FrameRow { scenario: scenario.into(), times: self.times, cpu: self.cpu }
    }
}

/// The app on a bare egui context, one frame at a time.
struct Driver {
    app: TopicscopeApp,
    ctx: egui::Context,
    time: f64,
}

impl Driver {
    /// Runs one frame with `events`; returns its `logic + ui` wall and CPU time.
    fn frame(&mut self, events: Vec<Event>) -> (Duration, Duration) {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SCREEN)),
            time: Some(self.time),
            predicted_dt: 1.0 / 60.0,
            events,
            ..RawInput::default()
        };
        let app = &mut self.app;
        let cpu_started = cpu_time::ThreadTime::now();
        let started = Instant::now();
        let mut output = self.ctx.run_ui(input, |ui| {
            app.update_model(ui.ctx());
            app.show(ui);
        });
        let elapsed = started.elapsed();
        let cpu = cpu_started.elapsed();
        // No GPU here: the font atlas uploads go nowhere.
        output.textures_delta.clear();
        (elapsed, cpu)
    }

    fn frames_until(&mut self, what: &str, done: impl Fn(&TopicscopeApp) -> bool) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done(&self.app) {
            if Instant::now() > deadline {
                return Err(format!("timed out waiting for {what}; notices: {:?}", self.app.workspace.notices));
            }
            self.frame(Vec::new());
            std::thread::sleep(Duration::from_millis(2));
        }
        Ok(())
    }
}

fn wheel(at: Pos2, dy: f32) -> Vec<Event> {
    vec![
        Event::PointerMoved(at),
        Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: Vec2::new(0.0, dy),
            phase: TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        },
    ]
}

/// Runs every scenario.
pub fn run(settings: FrameSettings) -> Result<Vec<FrameRow>, String> {
    let app = TopicscopeApp::with_repaint(
        Arc::new(|| {}),
        AppOptions { broker: BrokerConfig::ephemeral(), profile_dir: None, ..AppOptions::default() },
    );
    let mut driver = Driver { app, ctx: egui::Context::default(), time: 0.0 };
    driver.frames_until("the embedded broker and '#' granted", |app| {
        matches!(app.workspace.active_tab().state, ConnectionState::Connected { .. })
            && app
                .workspace
                .active_tab()
                .subscriptions
                .iter()
                .all(|s| matches!(s.status, SubscriptionStatus::Granted(_)))
    })?;
    fill(&mut driver.app, settings)?;
    for _ in 0..10 {
        driver.frame(Vec::new());
    }
    let mut rows = Vec::new();
    let stored = format!("{} messages, {} topics", driver.app.workspace.store.len(), settings.topics);

    let mut frames = Frames::default();
    (0..settings.frames).for_each(|_| frames.push(driver.frame(Vec::new())));
    rows.push(frames.row(format!("idle, following newest ({stored})")));

    driver.app.ui.log.follow = false;
    let mut frames = Frames::default();
    for index in 0..settings.frames {
        frames.push(driver.frame(wheel(OVER_LOG, if index % 200 < 100 { 120.0 } else { -120.0 })));
    }
    rows.push(frames.row("scrolling the log (wheel, 120 px per frame)"));

    let mut frames = Frames::default();
    for (search, regex) in [
        ("d", false),
        ("de", false),
        ("dev", false),
        ("device/4", false),
        ("device/42", false),
        ("device/421", false),
        ("\"ok\":false", false),
        (r"device/4\d+/t", true),
        ("", false),
    ] {
        driver.app.ui.log.search = search.to_owned();
        driver.app.ui.log.search_regex = regex;
        frames.push(driver.frame(Vec::new()));
        let deadline = Instant::now() + Duration::from_secs(60);
        while driver.app.ui.log.view_progress.is_some() && Instant::now() < deadline {
            frames.push(driver.frame(wheel(OVER_LOG, 40.0)));
        }
        for _ in 0..10 {
            frames.push(driver.frame(wheel(OVER_LOG, 40.0)));
        }
    }
    rows.push(frames.row("typing a search, regex too (rescans included)"));

    driver.app.ui.left_panel = topicscope::ui::state::LeftPanel::TopicTree;
    let tree = &driver.app.workspace.active_tab().tree;
    for branch in ["fleet", "fleet/device"] {
        if let Some(node) = tree.find(branch) {
            driver.app.ui.tree.expanded.insert(node);
        }
    }
    let mut frames = Frames::default();
    for index in 0..settings.frames {
        frames.push(driver.frame(wheel(OVER_TREE, if index % 200 < 100 { -120.0 } else { 120.0 })));
    }
    rows.push(frames.row(format!("topic tree: {} topics expanded, scrolling", settings.topics)));
    let mut frames = Frames::default();
    for search in ["d", "de", "dev", "device/4", "device/42", "device/421", ""] {
        driver.app.ui.tree.search = search.to_owned();
        for _ in 0..10 {
            frames.push(driver.frame(wheel(OVER_TREE, 40.0)));
        }
    }
    rows.push(frames.row("topic tree: typing a topic search"));
    driver.app.ui.left_panel = topicscope::ui::state::LeftPanel::Subscriptions;

    let port = driver.app.workspace.active_tab().profile.port;
    rows.push(live(&mut driver, settings, port, "the embedded broker")?);
    drop(driver);

    // The same through mosquitto, a broker in its own process (as in the
    // ingest benchmark): the frames then compete with a leaner broker.
    if installed("mosquitto") {
        let broker = RunningBroker::start(BrokerKind::Mosquitto)?;
        let app = connected_app(broker.port, "#", Qos::AtMostOnce, StoreLimits::default())?;
        let mut driver = Driver { app, ctx: egui::Context::default(), time: 0.0 };
        fill(&mut driver.app, settings)?;
        for _ in 0..10 {
            driver.frame(Vec::new());
        }
        rows.push(live(&mut driver, settings, broker.port, "mosquitto")?);
        // The same with the packet inspector on screen, following its newest rows.
        driver.app.ui.central = topicscope::ui::state::CentralView::Packets;
        driver.app.ui.packets.follow = true;
        rows.push(live(&mut driver, settings, broker.port, "mosquitto, the Packets page open")?);
        driver.app.ui.central = topicscope::ui::state::CentralView::Messages;
        // Decoded previews: every row the log shows decoded by a rule.
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("core/tests/fixtures");
        let read = |path: &str| std::fs::read(fixtures.join(path)).map_err(|error| format!("{path}: {error}"));
        let sparkplug = Load {
            prefix: "spBv1.0/bench/NDATA".into(),
            payload: Some(Bytes::from(read("sparkplug/ndata.bin")?)),
            ..Load::standard(0, QoS::AtMostOnce)
        };
        rows.push(live_load(
            &mut driver,
            settings,
            broker.port,
            "mosquitto, Sparkplug B NDATA decoded in the log",
            sparkplug,
        )?);
        let decoding = &mut driver.app.workspace.active_tab_mut().profile.decoding;
        decoding.proto_paths = vec![fixtures.join("proto/schemas")];
        decoding.rules = vec![topicscope::core::decoders::DecoderRule::new(
            "bench/proto/#",
            topicscope::core::decoders::PayloadDecoder::Protobuf("demo.Telemetry".into()),
        )];
        driver.frames_until("the schemas", |app| {
            !app.workspace.active_tab().decoding.decoders().schemas().message_names().is_empty()
        })?;
        let protobuf = Load {
            prefix: "bench/proto".into(),
            payload: Some(Bytes::from(read("proto/telemetry.bin")?)),
            ..Load::standard(0, QoS::AtMostOnce)
        };
        rows.push(live_load(
            &mut driver,
            settings,
            broker.port,
            "mosquitto, protobuf (profile schemas) decoded in the log",
            protobuf,
        )?);
    }
    Ok(rows)
}

/// `settings.live_rate` messages per second for `settings.live_seconds`
/// from the load generator through the broker on `port`, frames at 60 Hz
/// while the log follows the newest, until the log has caught up.
fn live(driver: &mut Driver, settings: FrameSettings, port: u16, broker: &str) -> Result<FrameRow, String> {
    live_load(driver, settings, port, broker, Load::standard(0, QoS::AtMostOnce))
}

/// [`live`] with another load shape (topics, payload).
fn live_load(
    driver: &mut Driver,
    settings: FrameSettings,
    port: u16,
    broker: &str,
    shape: Load,
) -> Result<FrameRow, String> {
    driver.app.ui.log.follow = true;
    let load = Load {
        messages: (settings.live_rate as f64 * settings.live_seconds) as usize,
        rate: Some(settings.live_rate),
        ..shape
    };
    let before = driver.app.workspace.store.counters().received;
    let generator = spawn_load(port, &load)?;
    let mut frames = Frames::default();
    let frame_period = Duration::from_micros(16_667);
    let mut quiet_since = Instant::now();
    let mut last = before;
    while !generator.is_finished() || quiet_since.elapsed() < Duration::from_millis(500) {
        let started = Instant::now();
        frames.push(driver.frame(Vec::new()));
        let received = driver.app.workspace.store.counters().received;
        if received != last {
            last = received;
            quiet_since = Instant::now();
        }
        if let Some(rest) = frame_period.checked_sub(started.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    let published = generator.join().map_err(|_| "load generator panicked".to_owned())??;
    let received = driver.app.workspace.store.counters().received - before;
    Ok(frames.row(format!(
        "{} msg/s arriving for {} s via {broker}, following newest ({received} of {} in)",
        settings.live_rate, settings.live_seconds, published.count
    )))
}

/// Puts `settings.stored` messages on `settings.topics` topics into the
/// log as the engine would deliver them (in batches), bypassing only the
/// network.
fn fill(app: &mut TopicscopeApp, settings: FrameSettings) -> Result<(), String> {
    let connection = app.workspace.active_tab().connection.ok_or("no connection")?;
    let mut index = 0;
    while index < settings.stored {
        let batch_end = (index + 10_000).min(settings.stored);
        let batch = (index..batch_end)
            .map(|seq| {
                let payload =
                    format!(r#"{{"seq":{seq},"temp":{:.1},"ok":{}}}"#, 15.0 + (seq % 200) as f64 / 10.0, seq % 7 != 0);
                let message = IncomingMessage {
                    topic: format!("fleet/device/{}/telemetry", seq % settings.topics.max(1)),
                    payload: Bytes::from(format!("{payload:<64}")),
                    qos: Qos::AtMostOnce,
                    retain: false,
                    duplicate: false,
                    packet_id: 0,
                    properties: None,
                };
                (Utc::now(), message)
            })
            .collect();
        app.workspace.apply(EngineEvent {
            at: Utc::now(),
            kind: EventKind::Connection { connection, event: ConnectionEvent::Messages(batch) },
        });
        index = batch_end;
    }
    Ok(())
}
