//! A number typed as text. What is typed stays as typed; a number out of
//! range or not a number is said beside the field and the value keeps its
//! last good number (a drag field would silently clamp 70000 to 65535).

use std::fmt::Display;
use std::ops::RangeInclusive;
use std::str::FromStr;

use crate::ui::i18n::{Tr, Words};
use crate::ui::theme;

/// Draws the field after its label; returns why the text is not used, if so.
pub fn number_field_ui<T>(
    ui: &mut egui::Ui,
    label: &str,
    id_salt: &str,
    value: &mut T,
    range: RangeInclusive<T>,
    width: f32,
) -> Option<String>
where
    T: FromStr + Display + PartialOrd + Copy + Send + Sync + 'static,
{
    let label = ui.label(label);
    let id = ui.make_persistent_id(("number-field", id_salt));
    let mut text = ui.data_mut(|data| data.get_temp::<String>(id)).unwrap_or_else(|| value.to_string());
    let parsed = |text: &str| text.trim().parse::<T>().ok().filter(|number| range.contains(number));
    let field = ui.add(egui::TextEdit::singleline(&mut text).desired_width(width)).labelled_by(label.id);
    if !field.has_focus() && parsed(&text).is_some_and(|number| number != *value) {
        // Changed elsewhere (another profile chosen): show the value.
        text = value.to_string();
    } else if let Some(number) = parsed(&text) {
        *value = number;
    }
    let problem = parsed(&text).is_none().then(|| {
        let (min, max) = (range.start().to_string(), range.end().to_string());
        ui.trf(Tr::NotANumberInRange, &[("text", &text.trim()), ("min", &min), ("max", &max)])
    });
    if let Some(problem) = &problem {
        ui.colored_label(theme::ERROR, problem);
    }
    ui.data_mut(|data| data.insert_temp(id, text));
    problem
}
