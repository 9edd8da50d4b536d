//! Warnings and errors: each new notice pops up as a toast in the corner
//! (errors stay longer), and the notifications window keeps them to read
//! later.

use std::time::Duration;

use crate::core::workspace::{NoticeLevel, Workspace};
use crate::ui::i18n::{Tr, Words};
use crate::ui::notice_text::notice_text;
use crate::ui::panel::{PanelContext, clock};
use crate::ui::state::WindowsState;
use crate::ui::theme;

/// How long a warning toast stays.
const WARNING_TOAST: Duration = Duration::from_secs(6);
/// How long an error toast stays.
const ERROR_TOAST: Duration = Duration::from_secs(12);
/// Toasts a burst may raise; the rest are only in the list.
const MAX_TOASTS_PER_FRAME: u64 = 3;

/// The toasts on screen and how far through the notices they are.
pub struct Toasts {
    toasts: egui_notify::Toasts,
    /// `Workspace::notices_recorded` when the last toast was raised.
    toasted: u64,
    /// Toasts raised for notices since start.
    raised: u64,
}

impl Default for Toasts {
    fn default() -> Self {
        Self {
            toasts: egui_notify::Toasts::default().with_anchor(egui_notify::Anchor::BottomRight).with_margin(
                egui::vec2(12.0, 40.0), // clear of the status bar
            ),
            toasted: 0,
            raised: 0,
        }
    }
}

impl Toasts {
    /// Raises toasts for notices recorded since the last frame (a burst
    /// shows its first few and a count of the rest; what the user caused
    /// and repeats of the last notice raise none), then draws them just
    /// above the composer (`above`: the height taken at the bottom of the
    /// window), so they never cover its buttons.
    pub fn show(&mut self, ctx: &egui::Context, workspace: &Workspace, above: f32) {
        let recorded = workspace.notices_recorded;
        let fresh = usize::try_from(recorded.saturating_sub(self.toasted).min(workspace.notices.len() as u64))
            .unwrap_or(usize::MAX);
        let first = workspace.notices.len() - fresh;
        let toastable: Vec<_> = workspace.notices[first..].iter().filter(|notice| notice.toast).collect();
        let new = toastable.len() as u64;
        if new > 0 {
            for notice in toastable.into_iter().take(MAX_TOASTS_PER_FRAME as usize) {
                self.raised += 1;
                let text = notice_text(ctx, &notice.kind);
                let toast = match notice.level {
                    NoticeLevel::Warning => self.toasts.warning(text),
                    NoticeLevel::Error => self.toasts.error(text),
                };
                toast.duration(Some(match notice.level {
                    NoticeLevel::Warning => WARNING_TOAST,
                    NoticeLevel::Error => ERROR_TOAST,
                }));
            }
            if new > MAX_TOASTS_PER_FRAME {
                let more = new - MAX_TOASTS_PER_FRAME;
                self.toasts.info(ctx.trf(Tr::MoreNotifications, &[("n", &more)])).duration(Some(WARNING_TOAST));
            }
        }
        self.toasted = recorded;
        self.toasts = std::mem::take(&mut self.toasts).with_margin(egui::vec2(12.0, above + 8.0));
        self.toasts.show(ctx);
    }
}

impl Toasts {
    /// Toasts on screen now.
    pub fn len(&self) -> usize {
        self.toasts.len()
    }

    /// Toasts raised for notices since start.
    pub fn raised(&self) -> u64 {
        self.raised
    }

    /// A short-lived confirmation (not a notice: nothing went wrong).
    pub fn success(&mut self, text: &str) {
        self.toasts.success(text.to_owned()).duration(Some(WARNING_TOAST));
    }
}

/// The notifications window: every notice kept, newest first.
pub fn notifications_ui(ctx: &egui::Context, cx: &mut PanelContext<'_>, state: &mut WindowsState) {
    let workspace = &mut *cx.workspace;
    let hide_clocks = cx.hide_clocks;
    if !state.show_notices {
        return;
    }
    let mut open = true;
    egui::Window::new(ctx.tr(Tr::Notifications))
        .id(egui::Id::unique("notifications-window"))
        .open(&mut open)
        .default_width(560.0)
        .show(ctx, |ui| {
            if workspace.notices.is_empty() {
                ui.weak(ui.tr(Tr::NoNotifications));
            }
            egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                for notice in workspace.notices.iter().rev() {
                    ui.horizontal_wrapped(|ui| {
                        ui.weak(clock(notice.at, "%H:%M:%S", hide_clocks));
                        let (colour, level) = match notice.level {
                            NoticeLevel::Warning => (theme::BUSY, ui.tr(Tr::Warning)),
                            NoticeLevel::Error => (theme::ERROR, ui.tr(Tr::Error)),
                        };
                        ui.colored_label(colour, level);
                        ui.label(notice_text(ui, &notice.kind));
                        if notice.repeated > 1 {
                            ui.weak(ui.trf(Tr::NoticeRepeated, &[("n", &notice.repeated)]));
                        }
                    });
                }
            });
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!workspace.notices.is_empty(), egui::Button::new(ui.tr(Tr::ClearNotifications)))
                    .clicked()
                {
                    workspace.notices.clear();
                }
                if ui.button(ui.tr(Tr::CopyAll)).clicked() {
                    let text: Vec<String> = workspace
                        .notices
                        .iter()
                        .map(|notice| {
                            let at = clock(notice.at, "%H:%M:%S", hide_clocks);
                            format!("{at} {}", notice_text(ui, &notice.kind))
                        })
                        .collect();
                    ui.ctx().copy_text(text.join("\n"));
                }
            });
        });
    state.show_notices = open;
    state.notices_seen = workspace.notices_recorded;
}
