//! Repeat / timed publish jobs started from the active tab: the composer's
//! message or a whole saved collection, every N ms; their progress as the
//! engine reports it.

use std::sync::Arc;

use chrono::Utc;

use super::Workspace;
use super::notices::{NoticeKind, NoticeLevel};
use super::publishing::PublishError;
use crate::compose::{self, PublishDraft};
use crate::engine::Command;
use crate::engine::repeat::{Lateness, RepeatEnd, RepeatReport, RepeatSpec};
use crate::engine::replay_job::ReplaySpec;
use crate::ids::{RepeatJobId, TabId};
use crate::replay::{Recorded, ReplayPlan};
use crate::saved_messages::Collection;

/// A repeat job as the composer lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatJob {
    /// The tab it publishes from.
    pub tab: TabId,
    /// What it sends: the topic as typed, or the collection's name and size.
    pub topic: String,
    /// Messages to send (`None`: until stopped).
    pub count: Option<u64>,
    /// Milliseconds between rounds (one message, or one pass over a collection).
    pub interval_ms: u64,
    /// The engine's latest report.
    pub sent: u64,
    /// Achieved messages per second.
    pub rate: f64,
    /// QoS 1/2 messages the broker refused or that failed.
    pub failed: u64,
    /// Set once the job has ended.
    pub ended: Option<RepeatEnd>,
    /// A replay of a recording (its timing is the recording's, not an
    /// interval).
    pub replay: bool,
    /// A replay's figures once it ended: how late its messages went out.
    pub lateness: Option<Lateness>,
}

impl Workspace {
    /// Starts publishing the composer's message every `interval_ms` ms,
    /// `count` times (`None`: until stopped). Message 1 is rendered first
    /// so a mistake is reported here, not by the job.
    pub fn start_repeat(&mut self, interval_ms: u64, count: Option<u64>) -> Result<Command, PublishError> {
        let draft = self.active_tab().draft.clone();
        let label = draft.topic.clone();
        self.start_repeat_of(label, vec![draft], interval_ms, count)
    }

    /// Sends a saved collection (every message, in order) every
    /// `interval_ms`, `count` rounds or until stopped.
    pub fn start_collection_repeat(
        &mut self,
        collection: &Collection,
        interval_ms: u64,
        count: Option<u64>,
    ) -> Result<Command, PublishError> {
        let drafts: Vec<PublishDraft> = collection.messages.iter().map(|message| message.to_draft()).collect();
        let label = format!("{} ({})", collection.name, drafts.len());
        self.start_repeat_of(label, drafts, interval_ms, count)
    }

    fn start_repeat_of(
        &mut self,
        label: String,
        drafts: Vec<PublishDraft>,
        interval_ms: u64,
        count: Option<u64>,
    ) -> Result<Command, PublishError> {
        let connection = self.connected_connection()?;
        let variables = self.active_tab().profile.variables_map();
        // Checked once here so a typo is an inline error, not a job that fails at once.
        for draft in &drafts {
            compose::resolve(&draft.text(), &variables, 1, Utc::now(), &mut rand::rng())?;
        }
        let job = self.next_repeat_job.take_next();
        let per_round = drafts.len() as u64;
        self.repeats.insert(
            job,
            RepeatJob {
                tab: self.active_tab().id,
                topic: label,
                count: count.map(|rounds| rounds * per_round),
                interval_ms: interval_ms.max(1),
                sent: 0,
                rate: 0.0,
                failed: 0,
                ended: None,
                replay: false,
                lateness: None,
            },
        );
        let interval = std::time::Duration::from_millis(interval_ms.max(1));
        Ok(Command::StartRepeat { connection, spec: Box::new(RepeatSpec { job, drafts, variables, interval, count }) })
    }

    /// Replays a recording from the active tab's connection, `rounds`
    /// times (`None`: until stopped); listed and stopped like a repeat job.
    pub fn start_replay(
        &mut self,
        label: String,
        messages: Arc<Vec<Recorded>>,
        plan: ReplayPlan,
        rounds: Option<u32>,
    ) -> Result<Command, PublishError> {
        let connection = self.connected_connection()?;
        let job = self.next_repeat_job.take_next();
        let count = rounds.map(|rounds| u64::from(rounds) * messages.len() as u64);
        let job_entry = RepeatJob {
            tab: self.active_tab().id,
            topic: label,
            count,
            interval_ms: 0,
            sent: 0,
            rate: 0.0,
            failed: 0,
            ended: None,
            replay: true,
            lateness: None,
        };
        self.repeats.insert(job, job_entry);
        Ok(Command::StartReplay { connection, spec: Box::new(ReplaySpec { job, messages, plan, rounds }) })
    }

    /// Stops a repeat job (it reports its end).
    pub fn stop_repeat(&mut self, job: RepeatJobId) -> Command {
        Command::StopRepeat { job }
    }

    /// Takes in a running job's progress report.
    pub(super) fn apply_repeat(&mut self, report: RepeatReport) {
        let Some(job) = self.repeats.get_mut(&report.job) else { return };
        job.sent = report.sent;
        job.rate = report.rate;
        if report.lateness.is_some() {
            job.lateness = report.lateness;
        }
        if let Some(RepeatEnd::Failed(reason)) = &report.ended {
            let kind = NoticeKind::RepeatFailed { what: job.topic.clone(), reason: reason.clone() };
            job.ended = report.ended.clone();
            self.record_notice(NoticeLevel::Error, kind);
            return;
        }
        if report.ended.is_some() {
            tracing::info!("repeat of {} ended after {} messages: {:?}", job.topic, report.sent, report.ended);
        }
        job.ended = report.ended;
    }

    /// Counts a repeat message the broker refused or that failed.
    pub(super) fn count_repeat_failure(&mut self, job: RepeatJobId) {
        if let Some(job) = self.repeats.get_mut(&job) {
            job.failed += 1;
        }
    }
}
