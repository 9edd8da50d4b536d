//! Independent MQTT clients in Python for the broker tests: Debian's
//! python3-paho-mqtt, and raw packets from scripts/mqtt_raw.py for probes a
//! library would not send.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

/// Debian's Python (the one python3-paho-mqtt installs into), even when
/// another python3 comes first on the PATH.
pub fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" }
}

/// The repository's scripts/ folder (mqtt_raw.py, takeover_race.py).
pub fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts")
}

/// A Python script given inline, with scripts/mqtt_raw.py importable,
/// stopped after `limit_secs`.
pub fn raw_python(limit_secs: u32, script: &str, args: &[&str]) -> Process {
    let mut command = Process::new("timeout");
    command.arg(limit_secs.to_string()).args([python(), "-c", script]).args(args).env("PYTHONPATH", scripts_dir());
    command
}

/// A Python script file (relative to core/tests/broker_probes/, or an
/// absolute path), with scripts/mqtt_raw.py importable, stopped after
/// `limit_secs`.
pub fn python_file(limit_secs: u32, file: &Path, args: &[&str]) -> Process {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broker_probes").join(file);
    let mut command = Process::new("timeout");
    command.arg(limit_secs.to_string()).arg(python()).arg(path).args(args).env("PYTHONPATH", scripts_dir());
    command
}
