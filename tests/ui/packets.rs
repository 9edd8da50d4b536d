//! The packet inspector in the window: the Packets page lists what went
//! over the wire for the active tab, filters it, and shows one packet in
//! full with its reason codes, properties and answer time.

use egui_kittest::kittest::Queryable as _;
use topicscope::core::mqtt::Qos;
use topicscope::core::wire::{Direction, PacketKind};

use crate::helpers::*;

fn recorded(app: &topicscope::ui::TopicscopeApp, direction: Direction, kind: PacketKind) -> usize {
    let packets = &app.workspace.active_tab().packets;
    (0..packets.len())
        .filter_map(|index| packets.get(index))
        .filter(|r| r.direction == direction && r.kind == kind)
        .count()
}

#[test]
fn the_packets_page_shows_a_qos1_exchange_and_one_packet_in_full() {
    let mut harness = harness();
    connected(&mut harness);
    harness.state_mut().workspace.active_tab_mut().draft.qos = Qos::AtLeastOnce;
    publish_through_composer(&mut harness, "wire/qos1", "{\"wire\": 1}");
    let got =
        step_until_or_give_up(&mut harness, 500, |app| recorded(app, Direction::Received, PacketKind::PubAck) == 1);
    let packets = &harness.state().workspace.active_tab().packets;
    let kinds: Vec<_> = (0..packets.len()).filter_map(|i| packets.get(i)).map(|r| (r.direction, r.kind)).collect();
    assert!(
        got,
        "{kinds:?} {} {:?} {:?}",
        received_on(harness.state(), "wire/qos1"),
        harness.state().ui.composer.error,
        harness.state().workspace.notices
    );
    harness.get_by_label_contains("Packets (").click();
    harness.run_steps(3);
    for kind in ["CONNECT", "CONNACK", "SUBSCRIBE", "SUBACK", "PUBLISH", "PUBACK"] {
        assert!(harness.query_all_by_label(kind).count() >= 1, "a {kind} row");
    }
    assert!(harness.query_by_label_contains("after PUBLISH").is_some(), "the PUBACK row shows its answer time");

    // Only PUBACKs: the search box finds rows by type.
    replace_text(&mut harness, "Search", "puback");
    harness.run_steps(2);
    assert_eq!(harness.query_all_by_label("PUBLISH").count(), 0, "PUBLISH rows are filtered out");
    assert_eq!(harness.query_all_by_label("PUBACK").count(), 1);

    // Opening it shows it in full.
    harness.get_by_label("PUBACK").click();
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("PUBACK #").is_some(), "the details panel is open");
    assert!(harness.query_by_label_contains("received from the broker").is_some());
    assert!(harness.query_by_label_contains("the bytes on the connection").is_some(), "it says what it is based on");
    assert_eq!(
        harness.query_all_by_label_contains("after PUBLISH").count(),
        2,
        "the answer time, in the row and the panel"
    );

    // The composer's message was a PUBLISH with the topic we typed.
    replace_text(&mut harness, "Search", "wire/qos1");
    harness.run_steps(2);
    let publish = harness.query_all_by_label("PUBLISH").count();
    assert!(publish >= 1, "our PUBLISH and the broker's copy to '#'");
}

#[test]
fn the_packets_shown_are_exported_as_json_lines() {
    let dir = std::env::temp_dir().join(format!("topicscope-ui-packets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("folder");
    let mut harness = harness_without_file_dialogs();
    connected(&mut harness);
    harness.get_by_label_contains("Packets (").click();
    harness.run_steps(2);
    // Only what the broker sent.
    harness.state_mut().ui.packets.filter.direction = Some(Direction::Received);
    harness.run_steps(2);
    harness.get_by_label("Export…").click();
    harness.run_steps(3);
    let target = dir.join("packets.jsonl");
    replace_text(&mut harness, "Path", &target.display().to_string());
    harness.get_by_label("OK").click();
    step_until(&mut harness, "the export written", |_| target.is_file());
    let text = std::fs::read_to_string(&target).expect("written");
    let lines: Vec<serde_json::Value> = text.lines().map(|line| serde_json::from_str(line).expect("JSON")).collect();
    let types: Vec<&str> = lines.iter().filter_map(|line| line["type"].as_str()).collect();
    assert_eq!(types, ["CONNACK", "SUBACK"], "the rows shown, in wire order");
    assert!(lines.iter().all(|line| line["direction"] == "received" && line["basis"] == "wire"));
    assert_eq!(lines[1]["reason_codes"][0]["name"], "0x00 Granted QoS 0");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_connection_details_list_what_the_connack_announced() {
    let mut harness = harness();
    connected(&mut harness);
    harness.get_by_label("Details").click();
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("Connection details:").is_some(), "the window is open");
    for property in [
        "Session present",
        "Server Keep Alive",
        "Receive Maximum",
        "Maximum QoS",
        "Retain Available",
        "Maximum Packet Size",
        "Topic Alias Maximum",
    ] {
        assert!(harness.query_by_label(property).is_some(), "{property} is listed");
    }
    let details = harness.state().workspace.active_tab().connack.clone().expect("the CONNACK is kept");
    assert_eq!(details.protocol, topicscope::core::mqtt::ProtocolVersion::V5);
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("Connection details:").is_none(), "Escape closes it");
}
