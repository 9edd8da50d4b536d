//! Benchmark 6, payload decoding: how long one protobuf message (protoc's
//! encoding of the fixtures' Telemetry) and one Sparkplug B birth (Eclipse
//! Tahu's encoding) take to decode into what the views show, beside
//! Python's protobuf (upb, Google's C decoder) parsing the same bytes with
//! the same schema in the same run. Python's side only parses; ours also
//! builds the field tree (names, numbers, types) the inspector shows and,
//! in the second row, its one-line JSON preview as the log does.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use topicscope::core::decoders::sparkplug;
use topicscope::core::decoders::{DecoderSettings, PayloadDecoder, PayloadDecoders, ProtoSchemas};

/// How many messages each side decodes.
#[derive(Debug, Clone, Copy)]
pub struct DecodeSettings {
    /// Decodes per row.
    pub messages: usize,
}

/// One row: a payload, a decoder, the time per message.
#[derive(Debug, Clone)]
pub struct DecodeRow {
    /// What was decoded.
    pub payload: String,
    /// By whom and into what.
    pub decoder: String,
    /// Time per message.
    pub per_message: Duration,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("core/tests/fixtures")
}

fn per_message(messages: usize, mut decode: impl FnMut()) -> Duration {
    // A warm-up, then the median of three timed runs.
    for _ in 0..messages / 10 {
        decode();
    }
    let mut runs: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..messages {
                decode();
            }
            started.elapsed() / u32::try_from(messages).unwrap_or(u32::MAX)
        })
        .collect();
    runs.sort();
    runs[1]
}

/// The Python with `google.protobuf`: `PERF_PYTHON`, else `python3`.
fn python() -> Option<String> {
    let python = std::env::var("PERF_PYTHON").unwrap_or_else(|_| "python3".into());
    let found = std::process::Command::new(&python)
        .args(["-c", "import google.protobuf"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    found.then_some(python)
}

/// Python's protobuf parsing `payload` as `message_type` from a descriptor
/// set, `messages` times (median of three), per message.
fn python_per_message(
    python: &str,
    descriptor_set: &Path,
    message_type: &str,
    payload: &Path,
    messages: usize,
) -> Result<Duration, String> {
    let script = r#"
import sys, time
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
fds = descriptor_pb2.FileDescriptorSet.FromString(open(sys.argv[1], "rb").read())
pool = descriptor_pool.DescriptorPool()
for f in fds.file:
    pool.Add(f)
cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(sys.argv[2]))
data = open(sys.argv[3], "rb").read()
n = int(sys.argv[4])
for _ in range(n // 10):
    cls.FromString(data)
runs = []
for _ in range(3):
    t = time.perf_counter()
    for _ in range(n):
        cls.FromString(data)
    runs.append((time.perf_counter() - t) / n)
print(sorted(runs)[1])
"#;
    let output = std::process::Command::new(python)
        .args(["-c", script])
        .arg(descriptor_set)
        .arg(message_type)
        .arg(payload)
        .arg(messages.to_string())
        .output()
        .map_err(|error| format!("{python}: {error}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let seconds: f64 =
        String::from_utf8_lossy(&output.stdout).trim().parse().map_err(|error| format!("python said: {error}"))?;
    Ok(Duration::from_secs_f64(seconds))
}

/// Runs both payloads through both decoders.
pub fn run(settings: DecodeSettings) -> Result<Vec<DecodeRow>, String> {
    let messages = settings.messages;
    let schemas = ProtoSchemas::load(&[fixtures().join("proto/schemas")]).map_err(|error| error.to_string())?;
    let decoders = PayloadDecoders::new(&DecoderSettings::default(), schemas);
    let telemetry_path = fixtures().join("proto/telemetry.bin");
    let telemetry = std::fs::read(&telemetry_path).map_err(|error| error.to_string())?;
    let birth_path = fixtures().join("sparkplug/nbirth.bin");
    let birth = std::fs::read(&birth_path).map_err(|error| error.to_string())?;
    let protobuf = PayloadDecoder::Protobuf("demo.Telemetry".into());
    let telemetry_name = format!("protobuf demo.Telemetry, {} bytes", telemetry.len());
    let birth_name = format!("Sparkplug B NBIRTH, {} metrics, {} bytes", 13, birth.len());
    let mut rows = vec![
        DecodeRow {
            payload: telemetry_name.clone(),
            decoder: "topicscope: field tree".into(),
            per_message: per_message(messages, || {
                std::hint::black_box(decoders.decode_as(&protobuf, "t", std::hint::black_box(&telemetry)));
            }),
        },
        DecodeRow {
            payload: telemetry_name.clone(),
            decoder: "topicscope: field tree + log preview".into(),
            per_message: per_message(messages, || {
                std::hint::black_box(decoders.decode_as(&protobuf, "t", std::hint::black_box(&telemetry)).preview(160));
            }),
        },
        DecodeRow {
            payload: birth_name.clone(),
            decoder: "topicscope: metrics".into(),
            per_message: per_message(messages, || {
                std::hint::black_box(sparkplug::decode_payload(std::hint::black_box(&birth)).ok());
            }),
        },
    ];
    if let Some(python) = python() {
        let sparkplug_set = std::env::temp_dir().join(format!("topicscope-sparkplug-{}.pb", std::process::id()));
        let compiled = std::process::Command::new("protoc")
            .args(["-I", &Path::new(env!("CARGO_MANIFEST_DIR")).join("core/assets").display().to_string(), "-o"])
            .arg(&sparkplug_set)
            .arg("sparkplug_b.proto")
            .status()
            .is_ok_and(|status| status.success());
        rows.push(DecodeRow {
            payload: telemetry_name,
            decoder: "Python protobuf (upb): parse only".into(),
            per_message: python_per_message(
                &python,
                &fixtures().join("proto/schemas.pb"),
                "demo.Telemetry",
                &telemetry_path,
                messages,
            )?,
        });
        if compiled {
            rows.push(DecodeRow {
                payload: birth_name,
                decoder: "Python protobuf (upb): parse only".into(),
                per_message: python_per_message(
                    &python,
                    &sparkplug_set,
                    sparkplug::PAYLOAD_TYPE,
                    &birth_path,
                    messages,
                )?,
            });
            let _ = std::fs::remove_file(&sparkplug_set);
        }
    }
    Ok(rows)
}
