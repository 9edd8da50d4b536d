//! The inspector's views of one message.

use egui_kittest::kittest::Queryable as _;

use crate::helpers::*;

#[test]
fn the_hex_dump_fits_the_inspector_ascii_column_included() {
    let mut harness = harness();
    connected(&mut harness);
    harness.state_mut().workspace.active_tab_mut().draft.format = topicscope::core::payload::PayloadFormat::Hex;
    publish_through_composer(&mut harness, "bin/frame", "ff 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 41 42");
    step_until(&mut harness, "received", |app| received_on(app, "bin/frame") == 1);
    harness.run_steps(2);
    harness.query_all_by_label("bin/frame").last().expect("the row").click();
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("per line").is_some(), "binary opens in hex");
    let window = 1280.0;
    let first = harness.get_by_label_contains("00000000").rect();
    assert!(first.right() <= window - 8.0, "the first line ends inside the window: {first:?}");
    let ascii = harness.query_all_by_label_contains("|").map(|node| node.rect().right()).fold(0.0, f32::max);
    assert!(ascii <= window - 8.0, "every ASCII column ends inside the window: {ascii}");
    assert!(harness.query_all_by_label_contains("|....").count() >= 2, "the ASCII column is drawn on each line");
}
