//! One frame: engine events drained under a time budget, the log view
//! refreshed, the panels laid out, shortcuts and dialogs handled.
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{EVENT_BUDGET, FILTER_SCAN_BUDGET, TopicscopeApp};
use crate::core::engine::ConnectionState;
use crate::core::mqtt::Direction;
use crate::core::store::{LogFilter, ViewProgress};
use crate::core::topic::validate_topic_filter;
use crate::ui::action::UiAction;
use crate::ui::fonts::{self};
use crate::ui::i18n::TrWire;
use crate::ui::i18n::{self, Tr, Words};
use crate::ui::notifications::{self};
use crate::ui::panel::PanelContext;
use crate::ui::shortcuts::{self, ShortcutAction};
use crate::ui::state::{CentralView, LeftPanel};
use crate::ui::{
    broker_panel, broker_status, charts, composer, connection, connection_details, history, inspector, log, menu,
    mocks_panel, packet_details, packets, profile_editor, replay_panel, saved_panel, scenarios_panel, sparkplug_view,
    status_bar, subscriptions, tabs, theme, topic_tree,
};

/// The Messages | Packets switch above the central area.
fn central_view_switch_ui(ui: &mut egui::Ui, view: &mut CentralView, packets: usize) {
    ui.horizontal(|ui| {
        ui.selectable_value(view, CentralView::Messages, ui.tr(TrWire::MessagesPage));
        ui.selectable_value(view, CentralView::Packets, format!("{} ({packets})", ui.tr(TrWire::PacketsPage)))
            .on_hover_text(ui.tr(TrWire::PacketsPageHint));
    });
}

impl TopicscopeApp {
    /// Applies pending engine events for at most `budget`; returns true if
    /// more are waiting.
    pub fn drain_events(&mut self, budget: Duration) -> bool {
        let started = Instant::now();
        let Some(engine) = self.engine.as_mut() else {
            return false;
        };
        let mut follow_up = Vec::new();
        let mut more = false;
        while let Some(event) = engine.try_recv() {
            follow_up.extend(self.workspace.apply(event));
            if started.elapsed() >= budget {
                more = true;
                break;
            }
        }
        for command in follow_up {
            self.send(command);
        }
        self.refresh_log_view();
        more
    }

    pub(super) fn refresh_log_view(&mut self) {
        let topic_filter = match &self.ui.log.selected_topic {
            Some(topic) => Some(format!("{topic}/#")),
            None => self
                .ui
                .log
                .selected_subscription
                .and_then(|id| self.workspace.subscription(id))
                .map(|subscription| subscription.filter.clone()),
        };
        if self.ui.log.selected_subscription.is_some() && topic_filter.is_none() {
            self.ui.log.selected_subscription = None;
        }
        let typed = self.ui.log.topic_filter.trim();
        let typed = (!typed.is_empty() && validate_topic_filter(typed).is_ok()).then(|| typed.to_owned());
        self.ui.log.view.set_filter(LogFilter {
            search: self.ui.log.search.clone(),
            search_is_regex: self.ui.log.search_regex,
            topic_filters: topic_filter.into_iter().chain(typed).collect(),
            tab: (!self.ui.log.all_tabs).then_some(self.workspace.active_tab().id),
            direction: self.ui.log.direction,
            qos: self.ui.log.qos,
            retained_only: self.ui.log.retained_only,
            hidden_subscriptions: self.workspace.muted_subscriptions(),
        });
        let paused = self.ui.log.paused;
        self.ui.log.view.set_paused(&self.workspace.store, paused);
        let progress = self.ui.log.view.refresh_within(&self.workspace.store, FILTER_SCAN_BUDGET);
        self.ui.log.view_progress = (progress != ViewProgress::Complete).then_some(progress);
        if let Some(topic) = &self.ui.history.topic {
            self.ui.history.view.set_filter(LogFilter {
                topic_filters: vec![topic.clone()],
                tab: Some(self.workspace.active_tab().id),
                direction: Some(Direction::Incoming),
                ..LogFilter::default()
            });
            self.ui.history.view.set_paused(&self.workspace.store, self.ui.history.hovered);
            let progress = self.ui.history.view.refresh_within(&self.workspace.store, FILTER_SCAN_BUDGET);
            if progress != ViewProgress::Complete {
                self.ui.log.view_progress = Some(progress);
            }
        }
    }

    /// Is any dialog window open (so Escape has something to close)?
    pub(super) fn dialog_open(&self) -> bool {
        let ui = &self.ui;
        ui.path_prompt.is_some()
            || ui.connection.password_prompt.is_some()
            || ui.retained.pending.is_some()
            || ui.windows.show_shortcuts
            || ui.windows.show_about
            || ui.windows.show_notices
            || ui.windows.show_app_log
            || ui.profiles.open
            || ui.retained.open
            || ui.windows.show_broker_status
            || ui.windows.show_sparkplug
            || ui.windows.show_scenarios
            || ui.windows.show_mocks
            || ui.windows.show_replay
            || ui.charts.open
            || ui.windows.show_broker_panel
            || ui.windows.show_connection_details
            || ui.connection.paste_open
    }

    /// Escape closes the front-most dialog: a question first, then the
    /// small windows, then the big ones.
    pub(super) fn close_front_dialog(&mut self) {
        let ui = &mut self.ui;
        if ui.path_prompt.take().is_some()
            || ui.connection.password_prompt.take().is_some()
            || ui.retained.pending.take().is_some()
        {
            return;
        }
        for open in [
            &mut ui.connection.paste_open,
            &mut ui.windows.show_shortcuts,
            &mut ui.windows.show_about,
            &mut ui.windows.show_notices,
            &mut ui.windows.show_app_log,
            &mut ui.profiles.open,
            &mut ui.retained.open,
            &mut ui.windows.show_broker_status,
            &mut ui.windows.show_sparkplug,
            &mut ui.windows.show_scenarios,
            &mut ui.windows.show_mocks,
            &mut ui.windows.show_replay,
            &mut ui.charts.open,
            &mut ui.windows.show_broker_panel,
            &mut ui.windows.show_connection_details,
        ] {
            if std::mem::take(open) {
                return;
            }
        }
    }

    pub(super) fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        for action in shortcuts::pressed(ctx, self.dialog_open()) {
            match action {
                ShortcutAction::Publish => self.actions.push(UiAction::Publish),
                ShortcutAction::SearchLog => self.ui.log.focus_search = true,
                ShortcutAction::NewConnection => self.actions.push(UiAction::NewTab),
                ShortcutAction::CloseConnection => self.actions.push(UiAction::CloseActiveTab),
                ShortcutAction::ClearLog => self.actions.push(UiAction::ClearLog),
                ShortcutAction::ShowShortcuts => self.ui.windows.show_shortcuts = true,
                ShortcutAction::CloseDialog => self.close_front_dialog(),
                ShortcutAction::JumpToNewest => self.actions.push(UiAction::FollowNewest),
                ShortcutAction::Subscribe => {
                    self.ui.left_panel = LeftPanel::Subscriptions;
                    self.ui.subscribe.focus_filter = true;
                }
                ShortcutAction::FindTopic => {
                    self.ui.left_panel = LeftPanel::TopicTree;
                    self.ui.tree.focus_search = true;
                }
                ShortcutAction::PauseLog => self.ui.log.paused = !self.ui.log.paused,
            }
        }
    }

    /// Once ever: CJK text was shown and the system has no font for it.
    pub(super) fn hint_missing_cjk_font(&mut self, ctx: &egui::Context) {
        if self.prefs.cjk_hint_shown || !self.fonts.as_ref().is_some_and(|fonts| fonts.missing_cjk()) {
            return;
        }
        self.prefs.cjk_hint_shown = true;
        let hint = format!("{} {}", ctx.tr(Tr::NoCjkFont), ctx.tr(fonts::cjk_font_advice()));
        self.workspace.notice(hint);
    }
}

impl TopicscopeApp {
    /// The per-frame model work (engine events, file tasks, repaint
    /// scheduling); eframe calls it through [`eframe::App::logic`], the
    /// frame-time benchmark calls it on a bare `egui::Context`.
    pub fn update_model(&mut self, ctx: &egui::Context) {
        self.frames_begun += 1;
        if self.options.exit_after_first_frame {
            if self.frames_begun == 1 {
                // A second frame begins only after the first was presented.
                ctx.request_repaint();
            } else if self.frames_begun == 2 {
                use std::io::Write as _;
                let mut stdout = std::io::stdout();
                let _ = writeln!(stdout, "first frame");
                let _ = stdout.flush();
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
        self.collect_file_tasks();
        for (tab, paths) in self.workspace.sync_decoders() {
            self.files.load_schemas(ctx, tab, paths);
        }
        let (reads, commands) = self.workspace.sync_mocks();
        for (tab, paths) in reads {
            self.files.load_mocks(ctx, tab, paths);
        }
        for command in commands {
            self.send(command);
        }
        self.collect_writes();
        if self.pending_writes() > 0 {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        self.ui.status.importing = self.files.importing();
        if self.ui.status.importing > 0 {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        self.step_export(ctx);
        let dropped: Vec<PathBuf> =
            ctx.input(|input| input.raw.dropped_files.iter().map(|file| file.path().to_path_buf()).collect());
        if !dropped.is_empty() {
            self.apply_action(UiAction::ImportPaths { paths: dropped });
        }
        for command in self.workspace.tick_scans(Instant::now()) {
            self.send(command);
        }
        if self.workspace.tabs().iter().any(|tab| {
            tab.retained_scan.as_ref().is_some_and(|scan| scan.state == crate::core::workspace::ScanState::Running)
        }) {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        if self.drain_events(EVENT_BUDGET) {
            ctx.request_repaint();
        }
        if self.ui.log.view_progress.is_some() {
            ctx.request_repaint();
        }
        match self.workspace.active_tab().state {
            // The countdown and rates change without events.
            ConnectionState::Reconnecting { .. } => ctx.request_repaint_after(Duration::from_millis(250)),
            _ => {
                let now = self.workspace.now_ms();
                if self.workspace.rate_in.per_second(now) > 0 || self.workspace.rate_out.per_second(now) > 0 {
                    ctx.request_repaint_after(Duration::from_millis(250));
                }
            }
        }
    }

    /// Lays out every panel and applies what they asked for; eframe calls
    /// it through [`eframe::App::ui`], the frame-time benchmark directly.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let language = self.language();
        i18n::set_language(&ctx, language);
        if self.fonts.as_ref().is_some_and(|fonts| fonts.language() != language) {
            // Han characters shared by Chinese and Japanese take the glyph
            // shapes of the interface language.
            self.fonts = Some(fonts::reinstall(&ctx, language));
        }
        self.handle_shortcuts(&ctx);
        self.hint_missing_cjk_font(&ctx);
        let mut actions = std::mem::take(&mut self.actions);
        egui::Panel::top("menu").show(ui, |ui| {
            menu::menu_bar_ui(ui, &mut self.prefs, &mut self.ui.windows, &mut self.ui.charts.open, &mut actions);
        });
        let cx = &mut PanelContext {
            workspace: &mut self.workspace,
            actions: &mut actions,
            hide_clocks: self.options.hide_clocks,
        };
        egui::Panel::top("tabs").show(ui, |ui| {
            tabs::tabs_ui(ui, cx);
        });
        egui::Panel::top("connection").show(ui, |ui| {
            connection::connection_ui(ui, cx, &mut self.ui);
        });
        let status = egui::Panel::bottom("status").show(ui, |ui| {
            status_bar::status_bar_ui(ui, cx, &mut self.ui, self.engine.as_ref());
        });
        let status_height = status.response.rect.height();
        let composer_panel = egui::Panel::bottom("composer").resizable(true).default_size(210.0);
        let composer = composer_panel.show(ui, |ui| {
            composer::composer_ui(ui, cx, &mut self.ui.composer);
        });
        self.ui.composer.height = composer.response.rect.height();
        egui::Panel::left("subscriptions").resizable(true).default_size(theme::SUBSCRIPTIONS_PANEL_WIDTH).show(
            ui,
            |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.ui.left_panel, LeftPanel::Subscriptions, ui.tr(Tr::Subscriptions));
                    ui.selectable_value(&mut self.ui.left_panel, LeftPanel::TopicTree, ui.tr(Tr::TopicTree));
                    ui.selectable_value(&mut self.ui.left_panel, LeftPanel::Saved, ui.tr(Tr::Saved));
                });
                ui.separator();
                if self.ui.left_panel == LeftPanel::Saved {
                    saved_panel::saved_panel_ui(ui, cx, &self.saved, &mut self.ui);
                } else if self.ui.left_panel == LeftPanel::TopicTree {
                    topic_tree::topic_tree_ui(ui, cx, &mut self.ui);
                } else {
                    subscriptions::subscriptions_ui(ui, cx, &mut self.ui);
                }
            },
        );
        let packets_shown = self.ui.central == CentralView::Packets;
        if packets_shown && self.ui.packets.selected.is_some() {
            egui::Panel::right("packet").resizable(true).default_size(theme::INSPECTOR_PANEL_WIDTH).show(ui, |ui| {
                packet_details::packet_details_ui(ui, cx, &mut self.ui.packets);
            });
        } else if !packets_shown && self.ui.log.selected_message.is_some() {
            egui::Panel::right("inspector").resizable(true).default_size(theme::INSPECTOR_PANEL_WIDTH).show(ui, |ui| {
                inspector::inspector_ui(ui, cx, &mut self.ui);
            });
        }
        history::history_panel_ui(ui, cx, &mut self.ui);
        egui::CentralPanel::default().show(ui, |ui| {
            central_view_switch_ui(ui, &mut self.ui.central, cx.workspace.active_tab().packets.len());
            match self.ui.central {
                CentralView::Messages => log::log_ui(ui, cx, &mut self.ui.log, &self.ui.history.diff_picks),
                CentralView::Packets => packets::packets_ui(ui, cx, &mut self.ui.packets),
            }
        });
        profile_editor::profile_editor_ui(ui.ctx(), cx, &mut self.ui);
        profile_editor::password_prompt_ui(ui.ctx(), cx, &mut self.ui);
        connection::paste_window_ui(ui.ctx(), &mut self.ui.connection, cx.actions);
        connection_details::connection_details_ui(ui.ctx(), cx, &mut self.ui.windows.show_connection_details);
        topic_tree::retained_manager_ui(ui.ctx(), cx, &mut self.ui);
        charts::charts_ui(ui.ctx(), cx, &mut self.ui.charts);
        broker_status::broker_status_ui(ui.ctx(), cx, &mut self.ui.windows);
        sparkplug_view::sparkplug_ui(ui.ctx(), cx, &mut self.ui.windows.show_sparkplug, &mut self.ui.sparkplug);
        // Opening the window (from the menu, earlier this frame) reads the folder again.
        if self.ui.windows.show_scenarios && !self.ui.scenarios.was_open {
            cx.actions.push(UiAction::ListScenarios);
        }
        scenarios_panel::scenarios_ui(
            ui.ctx(),
            &mut self.ui.windows.show_scenarios,
            &mut self.ui.scenarios,
            cx.actions,
        );
        self.ui.scenarios.was_open = self.ui.windows.show_scenarios;
        if self.ui.windows.show_mocks && !self.ui.mocks.was_open {
            cx.actions.push(UiAction::ListMockFiles);
        }
        mocks_panel::mocks_ui(ui.ctx(), cx, &mut self.ui.windows.show_mocks, &mut self.ui.mocks);
        self.ui.mocks.was_open = self.ui.windows.show_mocks;
        replay_panel::replay_ui(ui.ctx(), &mut self.ui.windows.show_replay, &mut self.ui.replay, cx.actions);
        broker_panel::broker_panel_ui(ui.ctx(), cx, &self.options.broker, &mut self.ui);
        notifications::notifications_ui(&ctx, cx, &mut self.ui.windows);
        crate::ui::path_prompt::path_prompt_ui(&ctx, self.ui.path_prompt.as_mut(), cx.actions);
        menu::shortcuts_window_ui(&ctx, &mut self.ui.windows);
        menu::about_window_ui(&ctx, &mut self.ui.windows);
        menu::app_log_window_ui(&ctx, &mut self.prefs, &mut self.ui.windows);
        self.toasts.show(&ctx, &self.workspace, status_height + self.ui.composer.height);
        for action in actions {
            self.apply_action(action);
        }
    }
}

impl eframe::App for TopicscopeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.update_model(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.prefs.open_profiles = self.workspace.open_profile_names();
        self.prefs.profile_drafts = self.workspace.profile_drafts();
        if let Some(ctx) = &self.ctx {
            self.prefs.zoom = ctx.zoom_factor();
        }
        self.prefs.save(storage);
    }
}
