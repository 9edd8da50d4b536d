//! Notices in the interface language: the core records what happened and
//! its parameters ([`NoticeKind`]); this says it in the catalogue's words,
//! so the Chinese interface shows no English toasts.

use crate::core::workspace::NoticeKind;
use crate::ui::i18n::{Tr, Words};
use crate::ui::states::connection_failure;

/// One notice, as the toasts and the notifications window show it.
pub fn notice_text(words: &impl Words, kind: &NoticeKind) -> String {
    match kind {
        NoticeKind::Said(text) => text.clone(),
        NoticeKind::BrokerPortTaken { wanted, listening } => {
            words.trf(Tr::NoticeBrokerPortTaken, &[("wanted", wanted), ("listening", listening)])
        }
        NoticeKind::BrokerFailed { reason } => words.trf(Tr::NoticeBrokerFailed, &[("reason", reason)]),
        NoticeKind::EmbeddedConnectFailed { error } => words.trf(Tr::NoticeEmbeddedConnectFailed, &[("error", error)]),
        NoticeKind::ImportSkipped { origin, detail } => {
            words.trf(Tr::NoticeImportSkipped, &[("origin", origin), ("detail", detail)])
        }
        NoticeKind::ImportRefused { origin, detail } => {
            words.trf(Tr::NoticeImportRefused, &[("origin", origin), ("detail", detail)])
        }
        NoticeKind::RepeatFailed { what, reason } => {
            words.trf(Tr::NoticeRepeatFailed, &[("what", what), ("reason", reason)])
        }
        NoticeKind::ConnectionFailed { tab, failure } => {
            let failure = connection_failure(words, failure);
            words.trf(Tr::NoticeConnectionFailed, &[("tab", tab), ("failure", &failure)])
        }
        NoticeKind::ConnectionLost { tab, failure } => {
            let failure = connection_failure(words, failure);
            words.trf(Tr::NoticeConnectionLost, &[("tab", tab), ("failure", &failure)])
        }
        NoticeKind::EngineBusy => words.tr(Tr::NoticeEngineBusy).to_owned(),
        NoticeKind::EngineStopped => words.tr(Tr::NoticeEngineStopped).to_owned(),
        NoticeKind::EngineNotStarted { reason } => words.trf(Tr::NoticeEngineNotStarted, &[("reason", reason)]),
        NoticeKind::FileWriterNotStarted { reason } => words.trf(Tr::NoticeFileWriterNotStarted, &[("reason", reason)]),
        NoticeKind::SavedMessagesNotLoaded { error, kept } => {
            words.trf(Tr::NoticeSavedMessagesNotLoaded, &[("error", error), ("kept", kept)])
        }
        NoticeKind::UnsubscribeAnswered { tab, filter, reasons } => {
            words.trf(Tr::NoticeUnsubscribeAnswered, &[("tab", tab), ("filter", filter), ("reasons", reasons)])
        }
        NoticeKind::PublishFailed { tab, request, reason } => {
            words.trf(Tr::NoticePublishFailed, &[("tab", tab), ("request", request), ("reason", reason)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::ConnectionFailure;
    use crate::core::ids::RequestId;
    use crate::core::profile::ProfileError;
    use crate::core::saved_messages::SavedMessagesError;
    use crate::ui::i18n::{Language, set_language};

    fn every_kind() -> Vec<NoticeKind> {
        vec![
            NoticeKind::Said("as the window said it".into()),
            NoticeKind::BrokerPortTaken { wanted: 1883, listening: 41883 },
            NoticeKind::BrokerFailed { reason: "address in use".into() },
            NoticeKind::EmbeddedConnectFailed { error: ProfileError::EmptyHost },
            NoticeKind::ImportSkipped { origin: "a.json".into(), detail: "field x".into() },
            NoticeKind::ImportRefused { origin: "a.json".into(), detail: "profile y".into() },
            NoticeKind::RepeatFailed { what: "t/1".into(), reason: "message 3: bad".into() },
            NoticeKind::ConnectionFailed { tab: "plant".into(), failure: ConnectionFailure::BadCredentials },
            NoticeKind::ConnectionLost { tab: "plant".into(), failure: ConnectionFailure::Lost("reset".into()) },
            NoticeKind::EngineBusy,
            NoticeKind::EngineStopped,
            NoticeKind::EngineNotStarted { reason: "no threads".into() },
            NoticeKind::FileWriterNotStarted { reason: "no threads".into() },
            NoticeKind::SavedMessagesNotLoaded {
                error: SavedMessagesError::Serialise("x".into()),
                kept: "the file is kept as /tmp/messages.ron.damaged-1".into(),
            },
            NoticeKind::PublishFailed { tab: "plant".into(), request: RequestId(4), reason: "0x87".into() },
            NoticeKind::UnsubscribeAnswered {
                tab: "plant".into(),
                filter: "a/#".into(),
                reasons: "0x11 No subscription existed".into(),
            },
        ]
    }

    /// English reads as the log file writes it; the Chinese interface
    /// says every kind in Chinese (only the window's own text, already in
    /// its language, passes through).
    #[test]
    fn every_notice_kind_is_said_in_the_interface_language() {
        let ctx = egui::Context::default();
        set_language(&ctx, Language::English);
        for kind in every_kind() {
            assert_eq!(notice_text(&ctx, &kind), kind.to_string());
        }
        set_language(&ctx, Language::SimplifiedChinese);
        for kind in every_kind().into_iter().skip(1) {
            let text = notice_text(&ctx, &kind);
            assert_ne!(text, kind.to_string(), "{kind:?} is not translated");
            assert!(text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{text}");
        }
        let failed = NoticeKind::ConnectionFailed { tab: "plant".into(), failure: ConnectionFailure::BadCredentials };
        assert_eq!(notice_text(&ctx, &failed), "plant：连接失败：用户名或密码错误");
    }
}
