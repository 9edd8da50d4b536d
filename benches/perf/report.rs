//! The benchmarks' results as Markdown tables, with the ratios against the
//! peers measured in the same run and the targets beside them.

use std::fmt::Write as _;
use std::time::Duration;

use super::decoding::DecodeRow;
use super::frames::FrameRow;
use super::ingest::IngestRow;
use super::memory::MemoryRow;
use super::startup::StartupRow;
use super::throughput::ThroughputRow;

fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

fn thousands(value: f64) -> String {
    let whole = value.round() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn mib(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / (1024.0 * 1024.0))
}

/// Benchmark 1.
pub fn ingest(broker: &str, rows: &[IngestRow]) -> String {
    let mut out = format!("### 1. Ingest (broker: {broker})\n\n");
    out.push_str("| QoS | subscriber | received | msg/s | topicscope ÷ this |\n|---|---|---:|---:|---:|\n");
    for row in rows {
        let ours = rows.iter().find(|other| other.qos == row.qos && other.subscriber.starts_with("topicscope"));
        let ratio = match (ours.and_then(IngestRow::rate), row.rate()) {
            (Some(ours), Some(theirs)) => format!("{:.2}×", ours / theirs),
            _ => "—".into(),
        };
        let rate = row.rate().map_or_else(|| "incomplete".to_owned(), thousands);
        let _ = writeln!(
            out,
            "| {} | {} | {} / {} | {rate} | {ratio} |",
            row.qos,
            row.subscriber,
            thousands(row.received as f64),
            thousands(row.expected as f64)
        );
    }
    out.push_str("\nTarget: topicscope ≥ 1.0× mosquitto_sub.\n");
    out
}

/// Benchmark 2.
pub fn frames(rows: &[FrameRow]) -> String {
    let mut out = String::from("### 2. UI frame time (`logic + ui`, ms)\n\n");
    out.push_str("| scenario | frames | p50 | p99 | max | > 16 ms | CPU p50 | CPU p99 |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.scenario,
            row.times.len(),
            ms(row.quantile(0.5)),
            ms(row.quantile(0.99)),
            ms(row.max()),
            row.over_16ms(),
            ms(row.cpu_quantile(0.5)),
            ms(row.cpu_quantile(0.99)),
        );
    }
    out.push_str(
        "\nWall-clock time per frame; CPU = the UI thread's own time in it (the rest is waiting for a core). \
         Target: p99 ≤ 8 ms, no frame over 16 ms.\n",
    );
    out
}

/// Benchmark 3.
pub fn memory(per_message: &MemoryRow, capped: &MemoryRow) -> String {
    let mut out = String::from("### 3. Memory\n\n");
    let ratio = per_message.rss_per_message() / per_message.raw_per_message;
    let _ = writeln!(
        out,
        "- {} messages stored (64-byte payloads, 1,000 topics; raw topic + payload {:.1} B each): resident memory grew {} = **{:.1} B per message = {ratio:.2}× raw** (the store charges {:.1} B each). Target ≤ 1.5×.",
        thousands(per_message.stored as f64),
        per_message.raw_per_message,
        mib(per_message.rss_after.saturating_sub(per_message.rss_before) as f64),
        per_message.rss_per_message(),
        per_message.charged as f64 / per_message.stored.max(1) as f64,
    );
    let growth = capped.rss_after.saturating_sub(capped.rss_before);
    let _ = writeln!(
        out,
        "- Cap {}: {} messages of 1 KiB published ({:.1}× the cap); the log kept {}, evicted {}; resident memory grew {} = **{:.2}× the cap**. Target: the cap holds.",
        mib(capped.cap as f64),
        thousands(capped.published as f64),
        capped.published as f64 * 1024.0 / capped.cap.max(1) as f64,
        thousands(capped.stored as f64),
        thousands(capped.evicted as f64),
        mib(growth as f64),
        growth as f64 / capped.cap.max(1) as f64,
    );
    out
}

/// Benchmark 4.
pub fn throughput(rows: &[ThroughputRow]) -> String {
    let mut out = String::from("### 4. Broker throughput (deliveries per second)\n\n");
    out.push_str("| scenario | broker | delivered | msg/s | embedded ÷ mosquitto |\n|---|---|---:|---:|---:|\n");
    for row in rows {
        let mosquitto = rows
            .iter()
            .find(|other| other.scenario == row.scenario && other.broker == super::brokers::BrokerKind::Mosquitto);
        let ratio = match mosquitto {
            Some(theirs) if row.broker == super::brokers::BrokerKind::Embedded => {
                format!("{:.2}×", row.rate() / theirs.rate())
            }
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} / {} | {} | {ratio} |",
            row.scenario,
            row.broker.name(),
            thousands(row.delivered as f64),
            thousands(row.expected as f64),
            thousands(row.rate())
        );
    }
    out.push_str("\nTarget: embedded ≥ 1.0× mosquitto.\n");
    out
}

/// Benchmark 5.
pub fn startup(row: &StartupRow) -> String {
    let mut sorted = row.first_frame.clone();
    sorted.sort();
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
    let mut out = String::from("### 5. Start-up, idle, size\n\n");
    let _ = writeln!(
        out,
        "- First frame on screen ({}): median **{} ms** of {} starts (all: {}). Target ≤ 300 ms.",
        row.display,
        ms(median),
        sorted.len(),
        sorted.iter().map(|time| ms(*time)).collect::<Vec<_>>().join(", ")
    );
    let _ = writeln!(
        out,
        "- Idle, connected to the embedded broker, no traffic: **{:.2} % of one core** over {:.0} s. Target ≈ 0.",
        row.idle_cpu_share * 100.0,
        row.idle_window.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "- Binary: **{} bytes ({})**. Target ≤ 25 MB.",
        thousands(row.binary_bytes as f64),
        mib(row.binary_bytes as f64)
    );
    out
}

/// Benchmark 6.
pub fn decoding(rows: &[DecodeRow]) -> String {
    let mut out = String::from("### 6. Payload decoding\n\n");
    out.push_str(
        "| payload | decoder | per message | messages/s | this ÷ Python's parse |\n|---|---|---:|---:|---:|\n",
    );
    for row in rows {
        let python = rows.iter().find(|other| other.payload == row.payload && other.decoder.starts_with("Python"));
        let ratio = python
            .map(|python| {
                format!("{:.2}×", row.per_message.as_secs_f64() / python.per_message.as_secs_f64().max(1e-12))
            })
            .unwrap_or_else(|| "—".into());
        let rate = 1.0 / row.per_message.as_secs_f64().max(1e-12);
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} µs | {} | {ratio} |",
            row.payload,
            row.decoder,
            row.per_message.as_secs_f64() * 1e6,
            thousands(rate)
        );
    }
    out
}
