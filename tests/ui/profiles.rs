//! The profile editor and profile imports.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;

use crate::helpers::*;

#[test]
fn a_profile_made_in_the_editor_is_saved_as_ron_and_listed() {
    let dir = std::env::temp_dir().join(format!("topicscope-editor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut harness = harness_saving_profiles_in(&dir);
    connected(&mut harness);
    harness.get_by_label("Edit profile…").click();
    for _ in 0..5 {
        harness.step();
    }
    replace_text(&mut harness, "Profile name", "Plant floor");
    replace_text(&mut harness, "Broker host", "10.20.30.40");
    // Every section opens and draws its widgets.
    for section in ["Credentials", "Transport & TLS", "Last will", "MQTT 5", "Saved subscriptions", "General"] {
        harness.get_by_role_and_label(Role::Button, section).click();
        harness.step();
    }
    harness.get_by_role_and_label(Role::Button, "Last will").click();
    harness.step();
    harness.get_by_label("Send a last will").click();
    harness.step();
    replace_text(&mut harness, "Will topic", "plant/offline/#");
    harness.step();
    assert!(harness.query_by_label_contains("Cannot connect: last will topic").is_some());
    replace_text(&mut harness, "Will topic", "plant/offline");
    harness.step();
    assert!(harness.query_by_label("Settings are valid.").is_some());
    harness.get_by_role_and_label(Role::Button, "Save profile").click();
    harness.step();
    harness.step();
    wait_for_writes(&mut harness);
    let file = dir.join("Plant-floor.ron");
    let text = std::fs::read_to_string(&file).expect("the profile file exists");
    assert!(text.contains("10.20.30.40") && text.contains("plant/offline"), "{text}");
    assert!(harness.state().workspace.profiles.iter().any(|p| p.name == "Plant floor"));
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("Unsaved changes").is_none(), "saved: nothing left to keep as a draft");
    assert!(harness.state().workspace.profile_drafts().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dropping_an_mqttx_export_imports_and_saves_its_profiles() {
    let dir = std::env::temp_dir().join(format!("topicscope-drop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut harness = harness_saving_profiles_in(&dir);
    connected(&mut harness);
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("core/tests/fixtures/import/mqttx-export.json");
    harness.input_mut().dropped_files.push(std::sync::Arc::new(TestDrop(fixture)));
    step_until(&mut harness, "imported profiles", |app| {
        app.workspace.profiles.iter().any(|p| p.name == "Factory floor (WebSocket)")
            && app.workspace.profiles.iter().any(|p| p.name == "Cloud TLS")
    });
    for _ in 0..10 {
        harness.step();
    }
    let app = harness.state();
    let copies = app.workspace.profiles.iter().filter(|p| p.name.starts_with("Factory floor")).count();
    assert_eq!(copies, 1, "a drop imports once");
    assert!(
        app.workspace.notices.iter().any(|n| n.kind.to_string().contains("not imported: No host here: has no host"))
    );
    assert!(
        app.workspace
            .notices
            .iter()
            .any(|n| n.kind.to_string().contains("skipped Factory floor (WebSocket): reconnectPeriod"))
    );
    wait_for_writes(&mut harness);
    let message = harness.state().ui.profiles.message.clone().unwrap_or_default();
    assert_eq!(message, "imported 2 profiles (2 saved)", "counted as the writer reports each file");
    let saved = std::fs::read_to_string(dir.join("Factory-floor--WebSocket.ron")).expect("saved as RON");
    assert!(saved.contains("broker.factory.local") && !saved.contains("hunter2"), "{saved}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn certificate_files_are_chosen_with_browse() {
    let dir = std::env::temp_dir().join(format!("topicscope-browse-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("folder");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, "-----BEGIN CERTIFICATE-----\n").expect("written");
    let mut harness = harness_without_file_dialogs();
    harness.state_mut().workspace.active_tab_mut().profile.transport = topicscope::core::profile::TransportKind::Tls;
    harness.get_by_label("Edit profile…").click();
    harness.run_steps(5);
    harness.get_by_role_and_label(Role::Button, "Transport & TLS").click();
    harness.run_steps(2);
    harness.query_all_by_label("Browse…").next().expect("the CA file's Browse…").click();
    harness.run_steps(3);
    // No dialog here: the path is typed into the window.
    replace_text(&mut harness, "Path", &ca.display().to_string());
    harness.get_by_label("OK").click();
    step_until(&mut harness, "the CA file chosen", |app| {
        app.workspace.active_tab().profile.tls.ca_file.as_deref() == Some(ca.as_path())
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// eframe's storage, in memory: what a quit writes and the next start reads.
#[derive(Default)]
struct MemoryStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}

#[test]
fn profile_edits_not_saved_survive_a_restart_as_a_draft() {
    let dir = std::env::temp_dir().join(format!("topicscope-draft-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut harness = harness_saving_profiles_in(&dir);
    harness.get_by_label("Edit profile…").click();
    harness.run_steps(5);
    assert!(harness.query_by_label_contains("Unsaved changes").is_none(), "nothing edited yet");
    replace_text(&mut harness, "Broker host", "plant.example");
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("Unsaved changes").is_some(), "the editor says the edits are unsaved");

    // Quit without saving: eframe asks the app to save its state.
    let mut storage = MemoryStorage::default();
    eframe::App::save(harness.state_mut(), &mut storage);
    drop(harness);
    let written: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().filter_map(|entry| std::fs::read_to_string(entry.path()).ok()).collect())
        .unwrap_or_default();
    assert!(written.iter().all(|text| !text.contains("plant.example")), "no profile file was written");

    let mut next = harness_saving_profiles_in(&dir);
    next.state_mut().prefs = topicscope::ui::prefs::Preferences::load(Some(&storage));
    next.state_mut().reopen_last_run();
    next.run_steps(2);
    assert_eq!(next.state().workspace.active_tab().profile.host, "plant.example", "the edit is back");
    assert!(next.state().workspace.active_tab().has_unsaved_edits(), "and still unsaved");
    let said = next
        .state()
        .workspace
        .notices
        .iter()
        .any(|notice| notice.kind.to_string().contains("unsaved changes from the last run are back"));
    assert!(said, "a notice says so: {:?}", next.state().workspace.notices);

    // Revert to saved drops it.
    next.get_by_label("Edit profile…").click();
    next.run_steps(5);
    next.get_by_label("Revert to saved").click();
    next.run_steps(2);
    assert_ne!(next.state().workspace.active_tab().profile.host, "plant.example");
    assert!(next.query_by_label_contains("Unsaved changes").is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_pasted_mosquitto_sub_command_opens_as_a_new_unsaved_connection() {
    let mut harness = harness();
    harness.get_by_label("From command or URL…").click();
    harness.run_steps(3);
    type_into_paste_field(&mut harness, "mosquitto_sub -h 10.1.2.3 -p 1884 -V mqttv5 -t 'plant/#' -v");
    harness.run_steps(2);
    assert!(harness.query_by_label("10.1.2.3:1884 · TCP · MQTT 5.0 · 1 subscription").is_some(), "shown as typed");
    assert!(harness.query_by_label("Left out (not connection settings): -v").is_some());
    harness.get_by_label("Open in a new tab").click();
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.workspace.tabs().len(), 2);
    let tab = app.workspace.active_tab();
    assert_eq!((tab.profile.host.as_str(), tab.profile.port), ("10.1.2.3", 1884));
    assert_eq!(tab.subscriptions.first().map(|s| s.filter.as_str()), Some("plant/#"));
    assert!(tab.has_unsaved_edits(), "not saved until the user saves it");
    assert!(app.ui.profiles.open, "the editor is open to check and save it");

    // A bad paste says why and opens nothing.
    harness.get_by_label("From command or URL…").click();
    harness.run_steps(3);
    type_into_paste_field(&mut harness, "mosquitto_sub -p 99999");
    harness.run_steps(2);
    assert!(harness.query_by_label("-p: '99999' is not a port from 1 to 65535").is_some());
}

fn type_into_paste_field(harness: &mut egui_kittest::Harness<'_, topicscope::ui::TopicscopeApp>, text: &str) {
    harness.get_by_role_and_label(Role::MultilineTextInput, "Command line or URL").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::MultilineTextInput, "Command line or URL").type_text(text);
}
