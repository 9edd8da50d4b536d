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
    let mut harness = harness_with(topicscope::ui::AppOptions {
        broker: topicscope::core::broker::BrokerConfig::ephemeral(),
        profile_dir: None,
        file_dialogs: false,
        ..topicscope::ui::AppOptions::default()
    });
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
