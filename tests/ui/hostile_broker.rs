//! The window against a broker that floods it and then breaks the protocol
//! (core/tests/common/fake_broker.rs): frames keep coming while it floods
//! (the UI thread never waits on the network), and the connection bar then
//! says what the broker did, in the user's terms.

use egui_kittest::kittest::Queryable as _;
use topicscope::core::engine::{ConnectionFailure, ConnectionState};
use topicscope::core::mqtt::ProtocolVersion;

use crate::common::fake_broker::{FakeBroker, Session, wire};
use crate::helpers::*;

#[test]
fn a_flood_then_garbage_keeps_frames_coming_and_names_the_protocol_error() {
    let broker = FakeBroker::start(|mut session: Session| {
        if session.accept_and_grant_subscribe().is_none() {
            return;
        }
        let one = wire::publish_v5(b"flood/1", None, b"{\"v\":1}");
        let chunk: Vec<u8> = one.iter().copied().cycle().take(one.len() * 1000).collect();
        for _ in 0..20 {
            if !session.send(&chunk) {
                return;
            }
        }
        // Packet type 0 does not exist.
        session.send(&[0x00, 0x00]);
        session.hold();
    });
    let mut harness = harness();
    connected(&mut harness);
    harness.get_by_label("Disconnect").click();
    step_until(&mut harness, "disconnected", |app| app.workspace.active_tab().state == ConnectionState::Disconnected);
    {
        let profile = &mut harness.state_mut().workspace.active_tab_mut().profile;
        profile.host = "127.0.0.1".into();
        profile.port = broker.port;
        profile.protocol = ProtocolVersion::V5;
        profile.reconnect_backoff_cap_secs = 30;
    }
    harness.get_by_role_and_label(egui::accesskit::Role::Button, "Connect").click();
    // Every step is a whole frame; were the UI thread to wait on the flood,
    // the test would hang here instead of counting frames that show new
    // messages.
    let (mut frames, mut frames_with_news, mut last) = (0, 0, 0);
    let failed = |app: &topicscope::ui::TopicscopeApp| {
        matches!(
            &app.workspace.active_tab().state,
            ConnectionState::Reconnecting { error: ConnectionFailure::Protocol(_), .. }
        )
    };
    while !failed(harness.state()) && frames < 3000 {
        harness.step();
        frames += 1;
        let received = received_on(harness.state(), "flood/1");
        if received > last {
            frames_with_news += 1;
            last = received;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(
        failed(harness.state()),
        "the protocol error is the state: {:?}",
        harness.state().workspace.active_tab().state
    );
    assert!(frames_with_news >= 2, "the log grew over {frames_with_news} of {frames} frames while the flood arrived");
    harness.step();
    let shown = harness.query_all_by_label_contains("the broker broke the MQTT protocol").count()
        + harness.query_all_by_label_contains("sent data that is not MQTT").count();
    assert!(shown > 0, "the connection bar names the protocol error");
}
