//! Scenario results for people and for CI: a text summary per step, JSON
//! for scripts, and JUnit XML (one testcase per scenario, a failure with
//! the failed step and its reason) that CI systems read.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use super::runner::{ScenarioReport, StepStatus};

/// A scenario that ran, or why it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It ran (passed or not).
    Ran(ScenarioReport),
    /// It could not run (the broker unreachable): the reason.
    NotRun {
        /// The scenario's name.
        name: String,
        /// Why.
        reason: String,
    },
}

impl Outcome {
    /// The scenario's name.
    pub fn name(&self) -> &str {
        match self {
            Self::Ran(report) => &report.name,
            Self::NotRun { name, .. } => name,
        }
    }

    /// True when it ran and every step passed.
    pub fn passed(&self) -> bool {
        matches!(self, Self::Ran(report) if report.passed())
    }

    /// The first failure: `step 3, Expect …: reason`, or why it did not run.
    pub fn failure(&self) -> Option<String> {
        match self {
            Self::Ran(report) => report.steps.iter().find_map(|step| match &step.status {
                StepStatus::Failed(reason) => Some(format!("step {}, {}: {reason}", step.number, step.label)),
                _ => None,
            }),
            Self::NotRun { reason, .. } => Some(reason.clone()),
        }
    }

    fn elapsed(&self) -> Duration {
        match self {
            Self::Ran(report) => report.elapsed,
            Self::NotRun { .. } => Duration::ZERO,
        }
    }
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// Lines for a terminal: the verdict, then each step with its time.
pub fn text(outcome: &Outcome) -> String {
    let mut out = String::new();
    let verdict = if outcome.passed() { "PASS" } else { "FAIL" };
    let _ = writeln!(out, "{verdict} {} ({})", outcome.name(), millis(outcome.elapsed()));
    match outcome {
        Outcome::Ran(report) => {
            for step in &report.steps {
                let (mark, note) = match &step.status {
                    StepStatus::Passed => ("ok  ", String::new()),
                    StepStatus::Failed(reason) => ("FAIL", format!(" — {reason}")),
                    StepStatus::Skipped => ("skip", String::new()),
                };
                let measured = step.measured.map(|time| format!(", measured {}", millis(time))).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {mark} {:>2}. {} ({}{measured}){note}",
                    step.number,
                    step.label,
                    millis(step.elapsed)
                );
            }
        }
        Outcome::NotRun { reason, .. } => {
            let _ = writeln!(out, "  not run: {reason}");
        }
    }
    out
}

/// One JSON object per scenario.
pub fn json_value(outcome: &Outcome) -> Value {
    let steps: Vec<Value> = match outcome {
        Outcome::Ran(report) => report
            .steps
            .iter()
            .map(|step| {
                let (status, reason) = match &step.status {
                    StepStatus::Passed => ("passed", None),
                    StepStatus::Failed(reason) => ("failed", Some(reason.clone())),
                    StepStatus::Skipped => ("skipped", None),
                };
                json!({
                    "step": step.number,
                    "label": step.label,
                    "status": status,
                    "reason": reason,
                    "elapsed_ms": step.elapsed.as_secs_f64() * 1000.0,
                    "measured_ms": step.measured.map(|time| time.as_secs_f64() * 1000.0),
                })
            })
            .collect(),
        Outcome::NotRun { .. } => Vec::new(),
    };
    json!({
        "scenario": outcome.name(),
        "passed": outcome.passed(),
        "failure": outcome.failure(),
        "elapsed_ms": outcome.elapsed().as_secs_f64() * 1000.0,
        "steps": steps,
    })
}

/// XML text escaped for an attribute or element.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry other control characters at all.
            '\t' | '\n' | '\r' => out.push(character),
            control if (control as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", control as u32)),
            other => out.push(other),
        }
    }
    out
}

/// JUnit XML for a run: `(file, outcome)` pairs; the file names the
/// testcase's class.
pub fn junit(outcomes: &[(String, Outcome)]) -> String {
    let failures = outcomes.iter().filter(|(_, outcome)| !outcome.passed()).count();
    let total: f64 = outcomes.iter().map(|(_, outcome)| outcome.elapsed().as_secs_f64()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"topicscope\" tests=\"{}\" failures=\"{failures}\" time=\"{total:.3}\">",
        outcomes.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"topicscope scenarios\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{total:.3}\">",
        outcomes.len()
    );
    for (file, outcome) in outcomes {
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
            escape(outcome.name()),
            escape(file),
            outcome.elapsed().as_secs_f64()
        );
        match outcome.failure() {
            None => out.push_str("/>\n"),
            Some(failure) => {
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{}\" type=\"ScenarioFailure\">{}</failure>\n    </testcase>",
                    escape(&failure),
                    escape(&text(outcome))
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
