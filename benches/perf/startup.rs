//! Benchmark 5, start-up and idle: time from process start to the first
//! frame on screen (the real window under X11 — Xvfb when no display is
//! set), CPU used while idle and connected to the embedded broker with no
//! traffic, and the binary's size.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::brokers::installed;

/// What was measured.
#[derive(Debug, Clone, Default)]
pub struct StartupRow {
    /// Each start's time to the first frame.
    pub first_frame: Vec<Duration>,
    /// CPU time used over the idle window, as a share of one core.
    pub idle_cpu_share: f64,
    /// Length of the idle window.
    pub idle_window: Duration,
    /// Size of the binary in bytes.
    pub binary_bytes: u64,
    /// The display used ("Xvfb :N" or the user's).
    pub display: String,
}

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct StartupSettings {
    /// Starts to time.
    pub starts: usize,
    /// Idle window.
    pub idle: Duration,
}

/// An X server for the run: the user's `DISPLAY`, or a private Xvfb.
struct Display {
    name: String,
    xvfb: Option<Child>,
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(mut xvfb) = self.xvfb.take() {
            let _ = xvfb.kill();
            let _ = xvfb.wait();
        }
    }
}

fn display() -> Result<Display, String> {
    if let Ok(name) = std::env::var("DISPLAY")
        && !name.is_empty()
    {
        return Ok(Display { name, xvfb: None });
    }
    if !installed("Xvfb") {
        return Err("no DISPLAY and Xvfb is not installed (apt install xvfb)".into());
    }
    // A display number nobody uses: no socket and no lock file.
    let number = (90..200)
        .find(|n| {
            !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .ok_or("no free X display number")?;
    let name = format!(":{number}");
    let xvfb = Command::new("Xvfb")
        .args([name.as_str(), "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("Xvfb: {error}"))?;
    let display = Display { name: name.clone(), xvfb: Some(xvfb) };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !Path::new(&format!("/tmp/.X11-unix/X{number}")).exists() {
        if Instant::now() > deadline {
            return Err(format!("Xvfb {name} did not come up"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(display)
}

/// Measures `binary` (the topicscope executable).
pub fn run(binary: &Path, settings: StartupSettings) -> Result<StartupRow, String> {
    let display = display()?;
    let home = std::env::temp_dir().join(format!("topicscope-perf-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).map_err(|error| format!("{}: {error}", home.display()))?;
    let command = |exit_after_first_frame: bool| {
        let mut command = Command::new(binary);
        // A fresh user (no saved settings) and a free port for the embedded broker.
        command
            .env("DISPLAY", &display.name)
            .env("HOME", &home)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME");
        command.env_remove("WAYLAND_DISPLAY").args(["--broker-port", "0"]);
        if exit_after_first_frame {
            command.arg("--exit-after-first-frame");
        }
        command.stdout(Stdio::piped()).stderr(Stdio::null());
        command
    };
    let mut first_frame = Vec::new();
    for _ in 0..settings.starts {
        let started = Instant::now();
        let mut child = command(true).spawn().map_err(|error| format!("{}: {error}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let shown = BufReader::new(stdout).lines().map_while(Result::ok).any(|line| line == "first frame");
        let elapsed = started.elapsed();
        let _ = child.kill();
        let _ = child.wait();
        if !shown {
            return Err("the app never reported its first frame".into());
        }
        first_frame.push(elapsed);
    }
    let mut child = command(false).spawn().map_err(|error| format!("{}: {error}", binary.display()))?;
    // Let it start, connect to its broker and settle.
    std::thread::sleep(Duration::from_secs(3));
    let before = cpu_ticks(child.id());
    let window_started = Instant::now();
    std::thread::sleep(settings.idle);
    let after = cpu_ticks(child.id());
    let idle_window = window_started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&home);
    let (before, after) = (before?, after?);
    let ticks_per_second = clock_ticks_per_second();
    Ok(StartupRow {
        first_frame,
        idle_cpu_share: (after - before) as f64 / ticks_per_second / idle_window.as_secs_f64(),
        idle_window,
        binary_bytes: std::fs::metadata(binary).map(|meta| meta.len()).unwrap_or(0),
        display: if display.xvfb.is_some() { format!("Xvfb {}", display.name) } else { display.name.clone() },
    })
}

/// User + system CPU ticks of a process (Linux /proc).
fn cpu_ticks(pid: u32) -> Result<u64, String> {
    let stat =
        std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|error| format!("/proc/{pid}/stat: {error}"))?;
    // Fields after the command name (which may contain spaces) start at ')'.
    let rest = stat.rsplit_once(')').map(|(_, rest)| rest).ok_or("malformed stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after ')'.
    let utime: u64 = fields.get(11).and_then(|v| v.parse().ok()).ok_or("no utime")?;
    let stime: u64 = fields.get(12).and_then(|v| v.parse().ok()).ok_or("no stime")?;
    Ok(utime + stime)
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8_lossy(&output.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// The topicscope binary cargo built beside this benchmark or test.
pub fn topicscope_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_topicscope"))
}
