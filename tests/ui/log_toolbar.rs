//! The log's toolbar: what its counter says and that it holds still.

use egui_kittest::kittest::Queryable as _;

use topicscope::core::mqtt::{Direction, Qos};
use topicscope::core::store::StoredMessage;

use crate::helpers::*;

#[test]
fn an_empty_tab_counts_its_own_messages_not_the_other_tabs() {
    let mut harness = harness();
    connected(&mut harness);
    publish_through_composer(&mut harness, "count/me", "1");
    step_until(&mut harness, "received", |app| received_on(app, "count/me") == 1);
    harness.run_steps(2);
    assert!(harness.query_by_label("2 messages").is_some(), "sent and received on the first tab");

    harness.get_by_label("New connection tab").click();
    harness.run_steps(2);
    harness.get_by_label("A copy of this tab's connection").click();
    harness.run_steps(3);
    assert_eq!(harness.state().workspace.tabs().len(), 2);
    assert!(harness.query_by_label("0 messages").is_some(), "the new tab holds none");
    assert!(harness.query_by_label_contains("of 2").is_none(), "not '0 of 2 messages': those are the other tab's");
}

#[test]
fn one_message_is_said_in_the_singular() {
    let mut harness = harness();
    let tab = harness.state().workspace.active_tab().id;
    harness.state_mut().workspace.store.push(StoredMessage {
        seq: 0,
        tab,
        time: chrono::Utc::now(),
        direction: Direction::Incoming,
        topic: "count/one",
        payload: b"1",
        qos: Qos::AtMostOnce,
        retain: false,
        subscription: None,
        properties: None,
    });
    harness.run_steps(3);
    assert!(harness.query_by_label("1 message").is_some(), "not '1 messages'");
    harness.state_mut().ui.log.search = "nothing matches this".into();
    harness.run_steps(3);
    assert!(harness.query_by_label("0 of 1 message").is_some());
}

#[test]
fn typing_a_search_does_not_shift_the_toolbar() {
    let mut harness = harness();
    connected(&mut harness);
    let before = harness.get_by_label("Regex").rect();
    replace_text(&mut harness, "Search", "meter");
    harness.run_steps(2);
    assert!(harness.query_by_label("Clear search").is_some(), "the × to clear the search is there");
    let after = harness.get_by_label("Regex").rect();
    assert_eq!(before, after, "the toolbar stays where it was when the × appears");
    harness.get_by_label("Clear search").click();
    harness.run_steps(2);
    assert!(harness.state().ui.log.search.is_empty());
    assert_eq!(harness.get_by_label("Regex").rect(), before);
}
