//! Saved messages and collections.

use egui_kittest::kittest::Queryable as _;
use topicscope::core::mqtt::Qos;
use topicscope::ui::i18n::Language;

use crate::helpers::*;

#[test]
fn a_saved_message_is_kept_in_ron_and_published_in_one_click() {
    let base = std::env::temp_dir().join(format!("topicscope-ui-saved-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let mut harness = harness_saving_profiles_in(&base.join("profiles"));
    harness.state_mut().prefs.language = Some(Language::English);
    connected(&mut harness);
    publish_through_composer_without_sending(&mut harness, "saved/ping", r#"{"n": {{counter}}}"#);
    harness.get_by_label("Saved").click();
    harness.step();
    replace_text(&mut harness, "Message name", "ping");
    harness.get_by_label("Save message").click();
    harness.step();
    wait_for_writes(&mut harness);
    let file = std::fs::read_to_string(base.join("messages.ron")).expect("written beside the profiles");
    assert!(file.contains("name: \"ping\"") && file.contains("saved/ping"), "{file}");

    // The composer moves on; the saved message still publishes as saved.
    replace_text(&mut harness, "Topic", "elsewhere");
    harness.step();
    harness.query_all_by_label("Publish").nth(1).expect("the saved message's Publish").click();
    step_until(&mut harness, "the saved message arrived", |app| received_on(app, "saved/ping") == 1);
    assert_eq!(harness.state().workspace.active_tab().draft.topic, "elsewhere", "the composer is untouched");
    assert_eq!(incoming_payloads(harness.state(), "saved/ping"), [r#"{"n": 1}"#]);

    // Duplicate, then remove the copy: the file follows.
    harness.get_by_label("Duplicate").click();
    harness.step();
    harness.step();
    assert_eq!(harness.state().saved.collections[0].messages.len(), 2);
    harness.get_by_label("Remove ping (copy)").click();
    harness.step();
    harness.step();
    wait_for_writes(&mut harness);
    let reloaded = topicscope::core::saved_messages::SavedMessages::load(&base.join("messages.ron")).expect("loads");
    assert_eq!(reloaded, harness.state().saved);
    assert_eq!(reloaded.collections[0].messages.len(), 1);
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn a_collection_is_sent_once_in_order_and_repeated_in_rounds() {
    use topicscope::core::saved_messages::SavedMessage;
    let mut harness = harness();
    connected(&mut harness);
    let text = topicscope::core::payload::PayloadFormat::Text;
    let message = |name: &str, topic: &str, payload: &str| SavedMessage {
        name: name.into(),
        topic: topic.into(),
        payload: payload.into(),
        format: text,
        qos: Qos::AtLeastOnce,
        ..SavedMessage::default()
    };
    harness.state_mut().saved.add("Sequence", None, message("open", "coll/seq", "open {{counter}}"));
    harness.state_mut().saved.add("Sequence", None, message("close", "coll/seq", "close {{counter}}"));
    harness.get_by_label("Saved").click();
    harness.step();
    harness.get_by_label("Send all").click();
    step_until(&mut harness, "one round arrived", |app| received_on(app, "coll/seq") == 2);
    assert_eq!(incoming_payloads(harness.state(), "coll/seq"), ["open 1", "close 1"], "in the collection's order");

    {
        let app = harness.state_mut();
        app.ui.composer.repeat_interval_ms = 5;
        app.ui.composer.repeat_count = 3;
        app.apply_action(topicscope::ui::UiAction::RepeatCollection { collection: 0, once: false });
    }
    step_until(&mut harness, "three more rounds", |app| received_on(app, "coll/seq") == 8);
    assert_eq!(
        incoming_payloads(harness.state(), "coll/seq")[2..],
        ["open 1", "close 1", "open 2", "close 2", "open 3", "close 3"],
        "{{counter}} counts rounds"
    );
    harness.step();
    assert!(harness.query_by_label_contains("Sequence (2): 6 / 6 sent").is_some(), "the job counts messages");
}

#[test]
fn imported_saved_messages_join_the_list_renamed_on_a_clash_and_are_written() {
    use topicscope::core::saved_messages::{SavedMessage, SavedMessages};
    let base = std::env::temp_dir().join(format!("topicscope-ui-saved-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let mut harness = harness_saving_profiles_in(&base.join("profiles"));
    harness.state_mut().prefs.language = Some(Language::English);
    connected(&mut harness);
    let message =
        |name: &str| SavedMessage { name: name.into(), topic: format!("shared/{name}"), ..SavedMessage::default() };
    harness.state_mut().saved.add("Smoke", None, message("mine"));
    let mut colleague = SavedMessages::default();
    colleague.add("Smoke", None, message("theirs"));
    colleague.add("Their lab", Some("Their lab broker".into()), message("probe"));
    let shared = SavedMessages::parse(&colleague.export(None).expect("export"), "shared.ron").expect("parse");
    harness.state_mut().import_saved(shared);
    harness.get_by_label("Saved").click();
    harness.step();
    harness.step();
    assert!(harness.query_by_label_contains("Imported 2 collections (2 messages)").is_some());
    assert!(harness.query_by_label("Smoke (2)").is_some(), "renamed beside the user's own 'Smoke'");
    assert!(
        harness.query_by_label("Their lab").is_some(),
        "an unknown profile's collection is shown for every profile"
    );
    assert!(harness.query_by_label("theirs").is_some() && harness.query_by_label("probe").is_some());
    wait_for_writes(&mut harness);
    let written = SavedMessages::load(&base.join("messages.ron")).expect("written");
    assert_eq!(written.collections.len(), 3);
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn a_saved_message_dragged_onto_another_takes_its_place() {
    use topicscope::core::saved_messages::SavedMessage;
    let base = std::env::temp_dir().join(format!("topicscope-ui-saved-drag-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let mut harness = harness_saving_profiles_in(&base.join("profiles"));
    harness.state_mut().prefs.language = Some(Language::English);
    for name in ["first", "second", "third"] {
        let message = SavedMessage { name: name.into(), topic: format!("drag/{name}"), ..SavedMessage::default() };
        harness.state_mut().saved.add("Order", None, message);
    }
    harness.get_by_label("Saved").click();
    harness.step();
    let from = harness.get_by_label("first").rect().center();
    let to = harness.get_by_label("third").rect().center();
    harness.drag_at(from);
    harness.step();
    for step in 1..=5 {
        harness.hover_at(from + (to - from) * (step as f32 / 5.0));
        harness.step();
    }
    harness.drop_at(to);
    harness.step();
    harness.step();
    let names: Vec<String> =
        harness.state().saved.collections[0].messages.iter().map(|message| message.name.clone()).collect();
    assert_eq!(names, ["second", "third", "first"]);
    wait_for_writes(&mut harness);
    let written = topicscope::core::saved_messages::SavedMessages::load(&base.join("messages.ron")).expect("written");
    assert_eq!(written, harness.state().saved, "the new order is saved");
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn a_damaged_messages_file_is_kept_and_never_written_over() {
    // Issue 18, defect 4: the next save used to replace it with an empty set.
    let base = std::env::temp_dir().join(format!("topicscope-ui-damaged-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(base.join("profiles")).expect("folder");
    let damaged = "(version: 1, collections: [(name: \"Pump\", messages: [(name: \"start\", topic: \"p/set\"";
    std::fs::write(base.join("messages.ron"), damaged).expect("write");
    let mut harness = harness_saving_profiles_in(&base.join("profiles"));
    harness.state_mut().prefs.language = Some(Language::English);
    harness.step();
    let notice = harness
        .state()
        .workspace
        .notices
        .iter()
        .map(|n| n.kind.to_string())
        .find(|t| t.contains("saved messages not loaded"));
    let notice = notice.expect("a notice says so");
    let aside: Vec<std::path::PathBuf> = std::fs::read_dir(&base)
        .expect("folder")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().contains("messages.ron.damaged-"))
        .collect();
    assert_eq!(aside.len(), 1, "moved aside: {aside:?}");
    assert!(notice.contains(&aside[0].display().to_string()), "the notice says where: {notice}");
    assert_eq!(std::fs::read_to_string(&aside[0]).expect("kept"), damaged, "byte for byte");

    // Saving a message starts a fresh file; the damaged one is untouched.
    connected(&mut harness);
    publish_through_composer_without_sending(&mut harness, "saved/new", "1");
    harness.get_by_label("Saved").click();
    harness.step();
    replace_text(&mut harness, "Message name", "new");
    harness.get_by_label("Save message").click();
    harness.step();
    wait_for_writes(&mut harness);
    assert!(std::fs::read_to_string(base.join("messages.ron")).expect("new file").contains("saved/new"));
    assert_eq!(std::fs::read_to_string(&aside[0]).expect("still kept"), damaged);
    let _ = std::fs::remove_dir_all(&base);
}
