//! Scenarios run against the embedded broker and mosquitto: passing and
//! failing expectations, `not`, counts, timeouts, placeholders, and a
//! device mocked by mosquitto_pub answering on its own.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use common::{brokers, local_profile};
use topicscope_core::mqtt::ProtocolVersion;
use topicscope_core::scenario::runner::{RunError, StepStatus, run};
use topicscope_core::scenario::{Scenario, ScenarioError};

fn scenario(text: &str) -> Scenario {
    Scenario::parse(text, "test.ron").unwrap_or_else(|error| panic!("{error}"))
}

fn statuses(report: &topicscope_core::scenario::runner::ScenarioReport) -> Vec<StepStatus> {
    report.steps.iter().map(|step| step.status.clone()).collect()
}

#[test]
fn a_round_trip_passes_with_measured_times_on_both_brokers() {
    let text = r#"(
        name: "thermostat set point",
        variables: {"unit": "7"},
        steps: [
            Subscribe(filter: "scn/{{unit}}/#", qos: 1),
            Publish(topic: "scn/{{unit}}/set", payload: "{\"target\": 21, \"mode\": \"heat\"}", qos: 1),
            Expect((topic: "scn/{{unit}}/set", within_ms: 3000, matchers: [
                JsonEquals(pointer: "/target", value: 21.0),
                JsonRange(pointer: "/target", min: Some(20.0), max: Some(22.0)),
                Regex("heat"),
                Qos(1),
                Retain(false),
            ])),
            Publish(topic: "scn/{{unit}}/a", payload: "1"),
            Publish(topic: "scn/{{unit}}/a", payload: "2"),
            Expect((topic: "scn/{{unit}}/a", count: 2, within_ms: 3000)),
            Expect((topic: "scn/{{unit}}/alarm", not: true, within_ms: 200)),
            Wait(ms: 10),
            Disconnect,
        ],
    )"#;
    for broker in brokers() {
        let profile = local_profile(broker.port(), ProtocolVersion::V5, "scenario-pass");
        let report = run(&scenario(text), profile).unwrap_or_else(|error| panic!("{}: {error}", broker.name()));
        assert!(report.passed(), "{}: {:#?}", broker.name(), report.steps);
        assert_eq!(report.steps.len(), 9);
        let expect = &report.steps[2];
        assert_eq!(expect.label, "Expect scn/7/set within 3000 ms");
        assert!(expect.measured.is_some_and(|time| time.as_millis() < 3000), "{expect:?}");
        assert!(report.steps[1].measured.is_some(), "the PUBACK's round trip");
    }
}

#[test]
fn failures_say_what_arrived_instead_and_skip_the_rest() {
    let text = r#"(
        name: "wrong set point",
        steps: [
            Subscribe(filter: "scf/#"),
            Publish(topic: "scf/set", payload: "{\"target\": 19}"),
            Expect((topic: "scf/set", within_ms: 500, matchers: [JsonEquals(pointer: "/target", value: 21)])),
            Publish(topic: "scf/never", payload: "x"),
        ],
    )"#;
    let broker = &brokers()[0];
    let report = run(&scenario(text), local_profile(broker.port(), ProtocolVersion::V5, "scenario-fail")).unwrap();
    assert!(!report.passed());
    let StepStatus::Failed(reason) = &report.steps[2].status else { panic!("{:#?}", report.steps) };
    assert_eq!(
        reason,
        "no matching message on scf/set within 500 ms; the nearest was {\"target\": 19} (/target is 19, expected 21)"
    );
    assert_eq!(report.steps[3].status, StepStatus::Skipped);
    // Kept to compare: the arrived payload, and it with the expected value put in.
    let arrived = report.steps[2].arrived.as_deref().expect("what arrived");
    assert_eq!((arrived.topic.as_str(), arrived.payload.as_slice()), ("scf/set", &br#"{"target": 19}"#[..]));
    assert_eq!(arrived.expected.as_deref(), Some(&br#"{"target":21}"#[..]));
    assert!(report.steps[1].arrived.is_none());
    // Nothing at all, and something that must not come.
    let text = r#"(name: "silence", steps: [
        Subscribe(filter: "scs/#"),
        Expect((topic: "scs/reply", within_ms: 300)),
    ])"#;
    let report = run(&scenario(text), local_profile(broker.port(), ProtocolVersion::V311, "scenario-silence")).unwrap();
    assert_eq!(
        statuses(&report)[1],
        StepStatus::Failed("no matching message on scs/reply within 300 ms; nothing arrived on it".into())
    );
    assert!(report.steps[1].elapsed.as_millis() >= 300);
    let text = r#"(name: "alarm", steps: [
        Subscribe(filter: "sca/#"),
        Publish(topic: "sca/alarm", payload: "overheat"),
        Expect((topic: "sca/alarm", not: true, within_ms: 2000)),
    ])"#;
    let report = run(&scenario(text), local_profile(broker.port(), ProtocolVersion::V5, "scenario-not")).unwrap();
    assert_eq!(statuses(&report)[2], StepStatus::Failed("a message arrived on sca/alarm: overheat".into()));
}

#[test]
fn an_unreachable_broker_and_a_malformed_file_are_told_apart() {
    let port = common::free_port();
    let error = run(&scenario("(name: \"x\", steps: [])"), local_profile(port, ProtocolVersion::V5, "nobody")).err();
    assert!(matches!(error, Some(RunError::Unreachable(_))), "{error:?}");
    let error = Scenario::parse("(name: \"x\", steps: [Wait(ms: 99999999)])", "long.ron").err();
    assert!(matches!(error, Some(ScenarioError::Step { step: 1, .. })), "{error:?}");
}

#[test]
fn captures_feed_later_steps_and_mqtt5_properties_are_matched() {
    let text = r#"(
        name: "capture and properties",
        steps: [
            Subscribe(filter: "scp/#", qos: 1),
            Publish(topic: "scp/hello", payload: "{\"id\": \"dev-42\", \"n\": 3}", qos: 1, properties: (
                content_type: Some("application/json"),
                user_properties: [("site", "A")],
            )),
            Expect((topic: "scp/hello", capture: {"device": "/id", "n": "/n", "raw": ""}, matchers: [
                ContentType("application/json"),
                UserProperty(key: "site", value: "A"),
            ])),
            Publish(topic: "scp/{{device}}/ack", payload: "n={{n}}"),
            Expect((topic: "scp/dev-42/ack", matchers: [Payload("n=3")])),
            Expect((topic: "scp/hello", within_ms: 200, not: true)),
        ],
    )"#;
    let broker = &brokers()[0];
    let report = run(&scenario(text), local_profile(broker.port(), ProtocolVersion::V5, "scenario-capture")).unwrap();
    assert!(report.passed(), "{:#?}", report.steps);
    assert_eq!(report.steps[3].label, "Publish scp/dev-42/ack (QoS 0)", "the captured value fills the label too");
    // A property that is not there says so.
    let text = r#"(name: "missing property", steps: [
        Subscribe(filter: "scq/#"),
        Publish(topic: "scq/x", payload: "1"),
        Expect((topic: "scq/x", within_ms: 300, matchers: [ContentType("text/plain")])),
    ])"#;
    let report = run(&scenario(text), local_profile(broker.port(), ProtocolVersion::V5, "scenario-prop")).unwrap();
    let StepStatus::Failed(reason) = &report.steps[2].status else { panic!("{:#?}", report.steps) };
    assert!(reason.ends_with("(no content type (MQTT 5 property), expected \"text/plain\")"), "{reason}");
}

#[test]
fn a_request_gets_its_reply_by_correlation_data_with_the_round_trip_measured() {
    use topicscope_core::engine::{Command, PublishRequest};
    use topicscope_core::ids::{ConnectionId, PublishId, RequestId};
    use topicscope_core::mqtt::{MessageProperties, Qos};
    let broker = &brokers()[0];
    let port = broker.port();
    // A responder on its own connection: answers each request on its
    // response topic with its correlation data (and one decoy first).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let responder = {
        let stop = stop.clone();
        let mut driver = common::Driver::new();
        let connection = ConnectionId(7);
        driver.connect(connection, local_profile(port, ProtocolVersion::V5, "responder"), Vec::new());
        driver.subscribe(connection, 1, "svc/req", Qos::AtLeastOnce);
        std::thread::Builder::new()
            .name("responder".into())
            .spawn(move || {
                let mut answered = 0;
                let mut next = RequestId(1);
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    driver.drain();
                    let requests = driver.messages(connection);
                    for request in requests.iter().skip(answered) {
                        let properties = request.properties.clone().unwrap_or_default();
                        let Some(reply_to) = properties.response_topic.clone() else { continue };
                        for (correlation, payload) in [
                            (b"someone else".to_vec(), "decoy"),
                            (
                                properties.correlation_data.clone().unwrap_or_default(),
                                "{\"ok\": true, \"token\": \"t-1\"}",
                            ),
                        ] {
                            driver.send(Command::Publish {
                                connection,
                                request: PublishRequest {
                                    id: PublishId::Request(next.take_next()),
                                    topic: reply_to.clone(),
                                    payload: payload.as_bytes().to_vec().into(),
                                    qos: Qos::AtLeastOnce,
                                    retain: false,
                                    properties: Some(Box::new(MessageProperties {
                                        correlation_data: Some(correlation),
                                        ..Default::default()
                                    })),
                                },
                            });
                        }
                    }
                    answered = requests.len();
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
            })
            .unwrap()
    };
    let text = r#"(name: "request", steps: [
        Request(topic: "svc/req", payload: "ping", response_topic: "svc/reply/me", within_ms: 3000,
                matchers: [JsonEquals(pointer: "/ok", value: true)], capture: {"token": "/token"}),
        Subscribe(filter: "svc/{{token}}"),
    ])"#;
    let report = run(&scenario(text), local_profile(port, ProtocolVersion::V5, "scenario-request")).unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = responder.join();
    assert!(report.passed(), "{:#?}", report.steps);
    assert_eq!(report.steps[0].label, "Request svc/req → svc/reply/me within 3000 ms");
    assert!(report.steps[0].measured.is_some_and(|time| time.as_millis() < 3000));
    assert_eq!(report.steps[1].label, "Subscribe svc/t-1 (QoS 0)", "captured from the reply, not the decoy");
}

#[test]
fn repeat_blocks_run_round_by_round_and_report_each() {
    let text = r#"(name: "three rounds", steps: [
        Subscribe(filter: "scr/#", qos: 1),
        Repeat(times: 3, steps: [
            Publish(topic: "scr/ping", payload: "p", qos: 1),
            Expect((topic: "scr/ping", within_ms: 3000)),
        ]),
        Wait(ms: 1),
    ])"#;
    let broker = &brokers()[0];
    let report = run(&scenario(text), local_profile(broker.port(), ProtocolVersion::V5, "scenario-repeat")).unwrap();
    assert!(report.passed(), "{:#?}", report.steps);
    let labels: Vec<&str> = report.steps.iter().map(|step| step.label.as_str()).collect();
    assert_eq!(labels.len(), 8);
    assert_eq!(labels[3], "round 2/3 › Publish scr/ping (QoS 1)");
    assert_eq!(labels[6], "round 3/3 › Expect scr/ping within 3000 ms");
    assert!(report.steps[1..7].iter().all(|step| step.number == 2), "reported under the block's number");
    let error = Scenario::parse("(name: \"x\", steps: [Repeat(times: 0, steps: [])])", "z.ron").err();
    assert_eq!(error.map(|error| error.to_string()).as_deref(), Some("z.ron: step 1: repeat 0 times: 1 to 100000"));
}

#[test]
fn several_clients_talk_to_each_other_in_one_scenario() {
    let text = r#"(name: "two devices", clients: {"panel": None}, steps: [
        Subscribe(filter: "scm/cmd", qos: 1),
        As(client: "panel", steps: [
            Subscribe(filter: "scm/state", qos: 1),
            Publish(topic: "scm/cmd", payload: "on", qos: 1),
        ]),
        Expect((topic: "scm/cmd", matchers: [Payload("on")], within_ms: 3000)),
        Publish(topic: "scm/state", payload: "is on", qos: 1),
        As(client: "panel", steps: [
            Expect((topic: "scm/state", matchers: [Payload("is on")], within_ms: 3000)),
            Expect((topic: "scm/cmd", within_ms: 200, not: true)),
        ]),
    ])"#;
    for broker in brokers() {
        let report = run(&scenario(text), local_profile(broker.port(), ProtocolVersion::V5, "scenario-multi")).unwrap();
        assert!(report.passed(), "{}: {:#?}", broker.name(), report.steps);
        let labels: Vec<&str> = report.steps.iter().map(|step| step.label.as_str()).collect();
        assert_eq!(labels[1], "[panel] Subscribe scm/state (QoS 1)");
        assert_eq!(
            labels[6], "[panel] Expect nothing on scm/cmd within 200 ms",
            "the panel never subscribed to scm/cmd"
        );
    }
    let error = Scenario::parse("(name: \"x\", steps: [As(client: \"ghost\", steps: [])])", "g.ron").err();
    assert_eq!(
        error.map(|error| error.to_string()).as_deref(),
        Some("g.ron: step 1: no client named 'ghost': add it to `clients`")
    );
}
