//! The composer: publish, placeholders, history, repeat, request/response.

use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use topicscope::core::engine::BrokerState;
use topicscope::core::ids::{ConnectionId, PublishId, RequestId};
use topicscope::core::mqtt::{Direction, Qos};

use crate::common;
use crate::helpers::*;

#[test]
fn typed_message_is_published_and_appears_in_the_log() {
    let mut harness = harness();
    connected(&mut harness);
    replace_text(&mut harness, "Topic", "kittest/hello");
    replace_text_in(&mut harness, Role::MultilineTextInput, "Payload", "{\"greeting\": \"hello from kittest\"}");
    assert_eq!(harness.state().workspace.active_tab().draft.topic, "kittest/hello");
    harness.get_by_label("Publish").click();
    step_until(&mut harness, "the message in and out of the log", |app| {
        let store = &app.workspace.store;
        (0..store.len()).filter_map(|i| store.at(i)).filter(|m| m.topic == "kittest/hello").count() == 2
    });
    harness.step();
    let store = &harness.state().workspace.store;
    let directions: Vec<Direction> = (0..store.len()).filter_map(|i| store.at(i)).map(|m| m.direction).collect();
    assert!(directions.contains(&Direction::Incoming) && directions.contains(&Direction::Outgoing));
    assert_eq!(store.at(0).map(|m| m.payload.to_vec()), Some(b"{\"greeting\": \"hello from kittest\"}".to_vec()));
    // Both rows are drawn: the topic label appears in the table twice.
    assert_eq!(harness.get_all_by_label("kittest/hello").count(), 2);
}

#[test]
fn ctrl_enter_publishes_and_the_delivery_result_is_shown() {
    let mut harness = harness();
    connected(&mut harness);
    harness.get_by_label("1").click();
    harness.step();
    assert_eq!(harness.state().workspace.active_tab().draft.qos, Qos::AtLeastOnce);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    step_until(&mut harness, "PUBACK shown", |app| {
        app.workspace.active_tab().last_delivery.as_ref().and_then(|report| report.outcome.clone())
            == Some(topicscope::core::engine::DeliveryOutcome::Acknowledged)
    });
    harness.step();
    assert!(harness.query_by_label_contains("PUBACK received").is_some());
}

#[test]
fn the_previewed_message_with_variables_is_exactly_what_is_sent() {
    let mut harness = harness();
    connected(&mut harness);
    harness.state_mut().workspace.active_tab_mut().profile.variables = vec![("site".into(), "plant-2".into())];
    publish_through_composer_without_sending(
        &mut harness,
        "lab/{{site}}/{{counter}}",
        r#"{"id": "{{uuid}}", "n": {{counter}}, "v": {{random_int(1,1000000)}}}"#,
    );
    for _ in 0..3 {
        harness.step();
    }
    let preview = harness.state().workspace.active_tab().preview.clone().expect("a preview");
    let previewed = preview.result.clone().expect("renders");
    assert_eq!(previewed.topic, "lab/plant-2/1");
    assert!(harness.query_by_label("lab/plant-2/1").is_some(), "the preview is shown");
    harness.get_by_label("Publish").click();
    step_until(&mut harness, "the previewed message came back", |app| received_on(app, "lab/plant-2/1") == 1);
    let store = &harness.state().workspace.store;
    let received = (0..store.len())
        .filter_map(|i| store.at(i))
        .find(|m| m.direction == Direction::Incoming && m.topic == "lab/plant-2/1")
        .expect("received");
    assert_eq!(received.payload, previewed.payload.as_slice(), "sent = previewed, uuid and random number included");
    // The next message is number 2, with fresh random values.
    harness.step();
    let next = harness.state().workspace.active_tab().preview.clone().expect("a preview").result.expect("renders");
    assert_eq!(next.topic, "lab/plant-2/2");
    assert_ne!(next.payload, previewed.payload);

    // An unknown variable is an inline error; nothing is sent.
    replace_text(&mut harness, "Topic", "lab/{{sitee}}");
    harness.step();
    assert!(harness.query_by_label_contains("unknown variable '{{sitee}}' at position 5").is_some());
    let sent_before = harness.state().workspace.store.counters().sent;
    harness.get_by_label("Publish").click();
    for _ in 0..5 {
        harness.step();
    }
    assert_eq!(harness.state().workspace.store.counters().sent, sent_before);
}

#[test]
fn up_and_down_browse_sent_messages_and_send_again_repeats_one() {
    let mut harness = harness();
    connected(&mut harness);
    publish_through_composer(&mut harness, "hist/one", "1");
    publish_through_composer(&mut harness, "hist/two", "2");
    step_until(&mut harness, "both logged", |app| {
        received_on(app, "hist/one") == 1 && received_on(app, "hist/two") == 1
    });
    replace_text(&mut harness, "Topic", "hist/typing");
    harness.key_press(egui::Key::ArrowUp);
    harness.step();
    assert_eq!(harness.state().workspace.active_tab().draft.topic, "hist/two");
    harness.key_press(egui::Key::ArrowUp);
    harness.step();
    assert_eq!(harness.state().workspace.active_tab().draft.topic, "hist/one");
    harness.key_press(egui::Key::ArrowDown);
    harness.step();
    harness.key_press(egui::Key::ArrowDown);
    harness.step();
    assert_eq!(harness.state().workspace.active_tab().draft.topic, "hist/typing", "back to what was typed");

    harness.get_by_label("Sent (2)").click();
    for _ in 0..3 {
        harness.step();
    }
    harness.query_all_by_label("Send again").nth(1).expect("the older entry").click();
    step_until(&mut harness, "hist/one sent again", |app| received_on(app, "hist/one") == 2);
}

#[test]
fn clear_retained_publishes_an_empty_retained_message_to_the_composer_topic() {
    let mut harness = harness();
    connected(&mut harness);
    harness.state_mut().workspace.active_tab_mut().profile.variables = vec![("room".into(), "lab".into())];
    replace_text(&mut harness, "Topic", "status/{{room}}");
    harness.get_by_label("Clear retained").click();
    step_until(&mut harness, "an empty retained publish went out and was acknowledged", |app| {
        let store = &app.workspace.store;
        let sent = (0..store.len())
            .filter_map(|i| store.at(i))
            .any(|m| m.direction == Direction::Outgoing && m.topic == "status/lab" && m.retain && m.payload.is_empty());
        sent && app.workspace.active_tab().last_delivery.as_ref().and_then(|d| d.outcome.clone())
            == Some(topicscope::core::engine::DeliveryOutcome::Acknowledged)
    });
}

#[test]
fn a_repeat_of_200_qos1_messages_every_millisecond_all_arrive_numbered() {
    let mut harness = harness();
    connected(&mut harness);
    publish_through_composer_without_sending(&mut harness, "rep/qos1", r#"{"n": {{counter}}}"#);
    harness.get_by_label("1").click();
    harness.step();
    {
        let app = harness.state_mut();
        app.ui.composer.repeat_interval_ms = 1;
        app.ui.composer.repeat_count = 200;
        app.apply_action(topicscope::ui::UiAction::StartRepeat);
    }
    step_until(&mut harness, "200 received and the job done", |app| {
        received_on(app, "rep/qos1") == 200
            && app
                .workspace
                .repeats
                .values()
                .any(|job| job.ended == Some(topicscope::core::engine::repeat::RepeatEnd::Done))
    });
    let expected: Vec<String> = (1..=200).map(|n| format!(r#"{{"n": {n}}}"#)).collect();
    assert_eq!(incoming_payloads(harness.state(), "rep/qos1"), expected, "every message, once, in order");
    let job = harness.state().workspace.repeats.values().next().cloned().expect("a job");
    assert_eq!((job.sent, job.failed), (200, 0));
    harness.step();
    assert!(harness.query_by_label_contains("200 / 200 sent").is_some(), "the count is shown");
}

#[test]
fn stopping_a_repeat_stops_it() {
    let mut harness = harness();
    connected(&mut harness);
    publish_through_composer_without_sending(&mut harness, "rep/forever", r#""tick""#);
    {
        let app = harness.state_mut();
        app.ui.composer.repeat_interval_ms = 5;
        app.ui.composer.repeat_count = 0;
        app.apply_action(topicscope::ui::UiAction::StartRepeat);
    }
    step_until(&mut harness, "it runs", |app| received_on(app, "rep/forever") >= 20);
    harness.step();
    assert!(harness.query_by_label_contains("/ ∞ sent").is_some(), "running until stopped");
    harness.get_by_label("Stop").click();
    step_until(&mut harness, "it reports the stop", |app| {
        app.workspace
            .repeats
            .values()
            .any(|job| job.ended == Some(topicscope::core::engine::repeat::RepeatEnd::Stopped))
    });
    let sent = harness.state().workspace.repeats.values().next().map(|job| job.sent).expect("a job");
    step_until(&mut harness, "the last ones arrive", |app| received_on(app, "rep/forever") as u64 == sent);
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..5 {
        harness.step();
    }
    assert_eq!(received_on(harness.state(), "rep/forever") as u64, sent, "nothing after the stop");
}

#[test]
fn a_request_with_properties_shows_its_response_and_round_trip() {
    let mut harness = harness();
    connected(&mut harness);
    let BrokerState::Running { addr, .. } = harness.state().workspace.broker.clone() else { panic!("broker") };
    let mut responder = common::Driver::new();
    let profile = common::local_profile(addr.port(), topicscope::core::mqtt::ProtocolVersion::V5, "ui-responder");
    responder.connect(ConnectionId(1), profile, Vec::new());
    responder.subscribe(ConnectionId(1), 1, "svc/ping", Qos::AtLeastOnce);

    harness.get_by_label("MQTT 5 properties").click();
    harness.step();
    replace_text(&mut harness, "Content type", "text/plain");
    replace_text(&mut harness, "Response topic", "svc/replies");
    harness.get_by_label("Wait for the response").click();
    harness.step();
    assert!(harness.query_by_label("MQTT 5 properties (2 set)").is_some(), "the folded header counts what is set");
    publish_through_composer(&mut harness, "svc/ping", r#"{"ping": 1}"#);

    let request = responder.wait_messages(ConnectionId(1), 1).remove(0);
    let properties = request.properties.expect("properties sent");
    assert_eq!(properties.content_type.as_deref(), Some("text/plain"));
    assert_eq!(properties.response_topic.as_deref(), Some("svc/replies"));
    let correlation = properties.correlation_data.expect("generated correlation data");
    step_until(&mut harness, "waiting is shown", |app| app.workspace.active_tab().requests.latest().is_some());
    harness.step();
    assert!(harness.query_by_label_contains("waiting for a response on svc/replies").is_some());
    responder.send(topicscope::core::engine::Command::Publish {
        connection: ConnectionId(1),
        request: topicscope::core::engine::PublishRequest {
            id: PublishId::Request(RequestId(1)),
            topic: "svc/replies".into(),
            payload: b"pong".to_vec().into(),
            qos: Qos::AtLeastOnce,
            retain: false,
            properties: Some(Box::new(topicscope::core::mqtt::MessageProperties {
                correlation_data: Some(correlation),
                ..Default::default()
            })),
        },
    });
    step_until(&mut harness, "the response matched", |app| {
        app.workspace.active_tab().requests.latest().is_some_and(|request| request.reply.is_some())
    });
    harness.step();
    assert!(harness.query_by_label_contains("on svc/replies after").is_some(), "round trip shown");
    // Once in the log's payload column, once on the composer's status line.
    assert!(harness.query_all_by_label("pong").count() >= 2, "the reply's payload is shown");
    assert!(
        harness.state().workspace.active_tab().subscriptions.iter().any(|s| s.filter == "svc/replies")
            || harness.state().workspace.active_tab().subscription_for("svc/replies").is_some(),
        "the response topic is covered by a subscription"
    );
}

#[test]
fn typing_a_templated_payload_key_by_key_never_loses_a_key_or_the_focus() {
    let mut harness = harness();
    connected(&mut harness);
    replace_text(&mut harness, "Topic", "typing/{{counter}}");
    harness.get_by_role_and_label(Role::MultilineTextInput, "Payload").click();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.key_press(egui::Key::Backspace);
    harness.step();
    assert_eq!(harness.state().workspace.active_tab().draft.payload, "");
    // The JSON turns valid and invalid as it is typed: the preview line
    // appears and goes while the editor has the keyboard.
    let typed = r#"{"n": {{counter}}, "ok": [1, 2]}"#;
    for key in typed.chars() {
        harness.event(egui::Event::Text(key.to_string()));
        harness.step();
    }
    harness.step();
    assert_eq!(harness.state().workspace.active_tab().draft.payload, typed, "every key reached the editor");
    assert!(harness.query_by_label_contains("Message #1 will be:").is_some(), "the preview shows the result");
}

/// Picks a payload format from the composer's Format box.
fn choose_format(harness: &mut egui_kittest::Harness<'_, topicscope::ui::TopicscopeApp>, format: &str) {
    harness.get_by_role_and_label(Role::ComboBox, "Format").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, format).click();
    harness.run_steps(2);
}

#[test]
fn switching_the_format_keeps_the_bytes_and_counts_them() {
    use topicscope::core::payload::PayloadFormat;
    let mut harness = harness();
    harness.state_mut().workspace.active_tab_mut().draft.format = PayloadFormat::Json;
    replace_text_in(&mut harness, Role::MultilineTextInput, "Payload", "{\"a\":");
    choose_format(&mut harness, "Hex");
    let draft = &harness.state().workspace.active_tab().draft;
    assert_eq!(
        (draft.format, draft.payload.as_str()),
        (PayloadFormat::Hex, "7b 22 61 22 3a"),
        "JSON being typed converts"
    );
    assert!(harness.query_by_label("5 B").is_some(), "the size counts the 5 bytes, not 14 hex characters");

    choose_format(&mut harness, "Base64");
    assert_eq!(harness.state().workspace.active_tab().draft.payload, "eyJhIjo=");
    assert!(harness.query_by_label("5 B").is_some());

    replace_text_in(&mut harness, Role::MultilineTextInput, "Payload", "not base64!");
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("? B").is_some(), "no size while it does not decode");
    choose_format(&mut harness, "Text");
    assert_eq!(harness.state().workspace.active_tab().draft.payload, "not base64!", "left as typed");
    assert!(harness.query_by_label_contains("it is not valid Base64, so it cannot be shown as Text").is_some());
}
