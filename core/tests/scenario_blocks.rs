//! Scenario blocks that need more than one thing at once, against the
//! embedded broker and mosquitto: `Parallel` branches acting as different
//! clients at the same time (a device waiting for a command the tester
//! sends), a failing branch stopping the others, and `Mock` steps putting
//! a mock file in force in the engine (answering within its delay, and
//! silent once switched off).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

mod common;

use std::time::Duration;

use common::{brokers, local_profile};
use topicscope_core::mqtt::ProtocolVersion;
use topicscope_core::scenario::runner::{StepStatus, run};
use topicscope_core::scenario::{Scenario, ScenarioError};

fn scenario(text: &str) -> Scenario {
    Scenario::parse(text, "test.ron").unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn parallel_branches_act_as_their_clients_at_the_same_time_and_keep_their_captures() {
    // Run one after the other, the device's Expect would time out before
    // the tester publishes: passing needs both branches at once.
    let text = r#"(
        name: "device answers a command",
        clients: {"device": None, "tester": None},
        steps: [
            As(client: "device", steps: [Subscribe(filter: "par/cmd", qos: 1)]),
            As(client: "tester", steps: [Subscribe(filter: "par/state/#", qos: 1)]),
            Parallel([
                As(client: "device", steps: [
                    Expect((topic: "par/cmd", within_ms: 5000, capture: {"id": "/id"})),
                    Publish(topic: "par/state/{{id}}", payload: "ready", qos: 1),
                ]),
                As(client: "tester", steps: [
                    Wait(ms: 300),
                    Publish(topic: "par/cmd", payload: "{\"id\": \"d-7\"}", qos: 1),
                    Expect((topic: "par/state/d-7", within_ms: 5000, matchers: [Payload("ready")])),
                ]),
                Wait(ms: 50),
            ]),
            As(client: "tester", steps: [Publish(topic: "par/after/{{id}}", payload: "x")]),
        ],
    )"#;
    for broker in brokers() {
        let profile = local_profile(broker.port(), ProtocolVersion::V5, "scenario-par");
        let report = run(&scenario(text), profile).unwrap_or_else(|error| panic!("{}: {error}", broker.name()));
        assert!(report.passed(), "{}: {:#?}", broker.name(), report.steps);
        let labels: Vec<&str> = report.steps.iter().map(|step| step.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "[device] Subscribe par/cmd (QoS 1)",
                "[tester] Subscribe par/state/# (QoS 1)",
                "‖1 [device] Expect par/cmd within 5000 ms",
                "‖1 [device] Publish par/state/d-7 (QoS 1)",
                "‖2 [tester] Wait 300 ms",
                "‖2 [tester] Publish par/cmd (QoS 1)",
                "‖2 [tester] Expect par/state/d-7 within 5000 ms",
                "‖3 Wait 50 ms",
                // The device branch's capture is the run's after the block.
                "[tester] Publish par/after/d-7 (QoS 0)",
            ],
            "{}",
            broker.name()
        );
        assert!(report.steps.iter().all(|step| step.number <= 4));
    }
}

#[test]
fn a_failing_branch_stops_the_others_and_the_rest_is_skipped() {
    let text = r#"(
        name: "one branch fails",
        clients: {"other": None},
        steps: [
            Subscribe(filter: "parf/#"),
            Parallel([
                Expect((topic: "parf/never", within_ms: 300)),
                As(client: "other", steps: [Subscribe(filter: "parf/#"), Expect((topic: "parf/late", within_ms: 30000))]),
            ]),
            Publish(topic: "parf/skipped", payload: "x"),
        ],
    )"#;
    let broker = &brokers()[0];
    let report = run(&scenario(text), local_profile(broker.port(), ProtocolVersion::V5, "scenario-parf")).unwrap();
    let statuses: Vec<(String, bool, bool)> = report
        .steps
        .iter()
        .map(|step| {
            let failed = matches!(step.status, StepStatus::Failed(_));
            (step.label.clone(), failed, step.status == StepStatus::Skipped)
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("Subscribe parf/# (QoS 0)".to_owned(), false, false),
            ("‖1 Expect parf/never within 300 ms".to_owned(), true, false),
            ("‖2 [other] Subscribe parf/# (QoS 0)".to_owned(), false, false),
            ("‖2 [other] Expect parf/late within 30000 ms".to_owned(), false, true),
            ("Publish parf/skipped (QoS 0)".to_owned(), false, true),
        ]
    );
    // Stopped when the first branch failed, not after its 30 s.
    assert!(report.elapsed < Duration::from_secs(20), "{:?}", report.elapsed);
}

#[test]
fn branches_that_share_a_client_or_a_lone_branch_are_refused_with_the_step() {
    let shared = r#"(name: "x", clients: {"a": None}, steps: [
        Wait(ms: 1),
        Parallel([Publish(topic: "t"), As(client: "a", steps: [Wait(ms: 1)]), Subscribe(filter: "u")]),
    ])"#;
    let error = Scenario::parse(shared, "p.ron").err().map(|error| error.to_string());
    assert_eq!(
        error.as_deref(),
        Some("p.ron: step 2: branches 1 and 3 both act as 'main': give each branch its own client (As)")
    );
    let lone = r#"(name: "x", steps: [Parallel([Wait(ms: 1)])])"#;
    let error = Scenario::parse(lone, "l.ron").err().map(|error| error.to_string());
    assert_eq!(error.as_deref(), Some("l.ron: step 1: a parallel block has 2 to 16 branches, not 1"));
}

/// A scenario folder with a mock file beside it, as `scenarios/` ships.
fn scenario_folder(name: &str, scenario: &str, mock: &str) -> std::path::PathBuf {
    let folder = std::env::temp_dir().join(format!("topicscope-{name}-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("mocks")).unwrap();
    std::fs::write(folder.join("mocks/thermostat.ron"), mock).unwrap();
    std::fs::write(folder.join("test.ron"), scenario).unwrap();
    folder
}

#[test]
fn a_mock_step_answers_within_its_delay_and_stops_when_switched_off() {
    let mock = r#"(name: "thermostat", rules: [
        (filter: "mk/+/get", capture: {"id": "/id"},
         respond: (topic: "mk/{{level.1}}/state", payload: "{\"id\": \"{{id}}\", \"on\": true}", delay_ms: 250, qos: 1)),
    ])"#;
    let text = r#"(
        name: "mocked thermostat",
        clients: {"device": None},
        steps: [
            As(client: "device", steps: [Mock(["mocks/thermostat.ron"])]),
            Subscribe(filter: "mk/+/state", qos: 1),
            Publish(topic: "mk/7/get", payload: "{\"id\": \"t-1\"}", qos: 1),
            Expect((topic: "mk/7/state", within_ms: 3000, matchers: [JsonEquals(pointer: "/id", value: "t-1")])),
            As(client: "device", steps: [Mock([])]),
            Publish(topic: "mk/7/get", payload: "{\"id\": \"t-2\"}", qos: 1),
            Expect((topic: "mk/7/state", not: true, within_ms: 600)),
        ],
    )"#;
    let folder = scenario_folder("mock-step", text, mock);
    let loaded = Scenario::load(&folder.join("test.ron")).unwrap_or_else(|error| panic!("{error}"));
    for broker in brokers() {
        let profile = local_profile(broker.port(), ProtocolVersion::V311, "scenario-mock");
        let report = run(&loaded, profile).unwrap_or_else(|error| panic!("{}: {error}", broker.name()));
        assert!(report.passed(), "{}: {:#?}", broker.name(), report.steps);
        assert_eq!(report.steps[0].label, "[device] Mock mocks/thermostat.ron");
        // From the publish to the answer: the rule's 250 ms, plus the broker's hops.
        let answered = report.steps[3].measured.unwrap_or_default();
        assert!(
            answered >= Duration::from_millis(250) && answered < Duration::from_millis(1250),
            "{}: answered after {answered:?}",
            broker.name()
        );
    }
    // A missing mock file is the scenario's error, naming the step.
    std::fs::remove_file(folder.join("mocks/thermostat.ron")).unwrap();
    let error = Scenario::load(&folder.join("test.ron")).err();
    let Some(ScenarioError::Step { step: 1, message, .. }) = &error else { panic!("{error:?}") };
    assert!(message.starts_with("cannot read mock file "), "{message}");
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn each_kind_of_step_fails_with_its_reason() {
    let cases = [
        (r#"Subscribe(filter: "a/#/b")"#, "'a/#/b': "),
        (r#"Publish(topic: "a/+", payload: "x")"#, "'a/+': "),
        (
            r#"Request(topic: "sfail/nobody", response_topic: "sfail/reply", within_ms: 300)"#,
            "no matching message on sfail/reply within 300 ms; nothing arrived on it",
        ),
        (
            r#"Expect((topic: "sfail/#", count: 3, within_ms: 300))"#,
            "0 of 3 matching messages on sfail/# within 300 ms",
        ),
        (
            r#"Mock(["nowhere.ron"])"#,
            "mock file 'nowhere.ron' was not read (scenarios with mocks are run from their file)",
        ),
    ];
    let broker = &brokers()[1];
    for (step, reason) in cases {
        let text = format!(r#"(name: "fails", steps: [Subscribe(filter: "sfail/#"), {step}])"#);
        let profile = local_profile(broker.port(), ProtocolVersion::V5, "scenario-step-fails");
        let report = run(&scenario(&text), profile).unwrap_or_else(|error| panic!("{step}: {error}"));
        let StepStatus::Failed(failure) = &report.steps[1].status else { panic!("{step}: {:#?}", report.steps) };
        assert!(failure.starts_with(reason), "{step}: {failure}");
    }
    // After a Disconnect, a step has no connection to act on.
    let text = r#"(name: "gone", steps: [Disconnect, Publish(topic: "sfail/late", payload: "x")])"#;
    let profile = local_profile(broker.port(), ProtocolVersion::V311, "scenario-gone");
    let report = run(&scenario(text), profile).unwrap();
    assert_eq!(report.steps[1].status, StepStatus::Failed("not connected (an earlier step disconnected)".into()));
}

#[test]
fn connect_after_disconnect_resumes_the_kept_session() {
    let text = r#"(
        name: "queued while away",
        clients: {"sender": None},
        steps: [
            Subscribe(filter: "sess/#", qos: 1),
            Disconnect,
            As(client: "sender", steps: [Publish(topic: "sess/while-away", payload: "queued", qos: 1)]),
            Connect,
            Expect((topic: "sess/while-away", within_ms: 3000, matchers: [Payload("queued")])),
            Connect,
        ],
    )"#;
    for broker in brokers() {
        let mut profile = local_profile(broker.port(), ProtocolVersion::V311, "scenario-session");
        profile.clean_start = false;
        let report = run(&scenario(text), profile).unwrap_or_else(|error| panic!("{}: {error}", broker.name()));
        let statuses: Vec<&StepStatus> = report.steps.iter().map(|step| &step.status).collect();
        assert!(statuses[..5].iter().all(|status| **status == StepStatus::Passed), "{}: {statuses:?}", broker.name());
        assert_eq!(
            *statuses[5],
            StepStatus::Failed("already connected (Connect follows a Disconnect)".into()),
            "{}",
            broker.name()
        );
    }
}
