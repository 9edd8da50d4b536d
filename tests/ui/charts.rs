//! The charts window: what it draws stays inside it.

use egui_kittest::kittest::Queryable as _;
use topicscope::core::chart::SeriesKey;

use crate::helpers::*;

/// True when a shape (or one inside a group) is a filled band.
fn has_band(shape: &egui::Shape) -> bool {
    match shape {
        egui::Shape::Band(_) => true,
        egui::Shape::Vec(shapes) => shapes.iter().any(has_band),
        _ => false,
    }
}

/// Every vertex the frame draws, tessellated as the GPU would get them.
fn drawn_vertices(harness: &egui_kittest::Harness<'_, topicscope::ui::TopicscopeApp>) -> Vec<egui::Pos2> {
    let output = harness.output();
    let shapes = output.shapes.clone();
    let primitives = harness.ctx.tessellate(shapes, output.pixels_per_point);
    let mut vertices = Vec::new();
    for primitive in primitives {
        if let egui::epaint::Primitive::Mesh(mesh) = primitive.primitive {
            vertices.extend(mesh.vertices.iter().map(|vertex| vertex.pos));
        }
    }
    vertices
}

#[test]
fn close_and_simultaneous_points_draw_a_line_without_wedges_or_a_legend_over_it() {
    let mut harness = harness();
    harness.state_mut().ui.charts.open = true;
    let key = SeriesKey { topic: "noisy/value".into(), pointer: None };
    harness.state_mut().workspace.add_chart(key).expect("a series");
    // A noisy sensor: pairs of readings 50 ms apart and bursts in the same
    // millisecond, jumping between 0 and 100.
    let start = chrono::Utc::now() - chrono::Duration::seconds(20);
    let charts = &mut harness.state_mut().workspace.active_tab_mut().charts;
    for step in 0..200i64 {
        let base = start + chrono::Duration::milliseconds(step * 100);
        for (offset_ms, value) in [(0, "0"), (50, "100"), (50, "0"), (50, "100")] {
            charts.observe("noisy/value", base + chrono::Duration::milliseconds(offset_ms), value.as_bytes());
        }
    }
    harness.run_steps(4);
    assert!(harness.query_by_label_contains("800 points").is_some(), "the series is listed with its points");
    assert_eq!(
        harness.query_all_by_label("noisy/value").count(),
        1,
        "named once, in the series rows: no legend over the plot's newest values"
    );
    // Points in one pixel column were merged into a band interpolated to
    // the next column: across a gap in the data that painted a solid wedge.
    let bands = harness.output().shapes.iter().filter(|clipped| has_band(&clipped.shape)).count();
    assert_eq!(bands, 0, "the series is drawn as a line through its points, not as bands");
    // The whole frame: any vertex off the window is a stray wedge.
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0));
    let vertices = drawn_vertices(&harness);
    let stray: Vec<_> = vertices
        .iter()
        .filter(|pos| !pos.x.is_finite() || !pos.y.is_finite() || !screen.expand(2.0).contains(**pos))
        .collect();
    assert!(
        stray.is_empty(),
        "{} vertices are not finite or outside the window: {:?}",
        stray.len(),
        &stray[..stray.len().min(5)]
    );
}
