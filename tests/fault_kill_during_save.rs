//! kill -9 while a profile is being saved, 100 times: afterwards the file
//! is always the old version or the new one, never damaged or missing
//! (issue 18, faults). Every file the app writes — profiles, messages.ron,
//! broker.ron, the broker snapshot — goes through the same atomic writer
//! (core::fs::write_file), so this stands for all of them.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use topicscope::core::profile::load_profiles;

fn save(dir: &Path, host: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_topicscope"))
        .args(["profiles", "--dir"])
        .arg(dir)
        .args(["from-command", &format!("mosquitto_sub -h {host} -p 1883 -t x"), "--name", "victim", "--save"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts")
}

fn saved_host(dir: &Path) -> String {
    let (profiles, errors) = load_profiles(dir);
    assert!(errors.is_empty(), "a damaged file: {errors:?}");
    assert_eq!(profiles.len(), 1, "exactly one profile");
    profiles[0].host.clone()
}

#[test]
fn a_save_killed_at_any_moment_leaves_the_old_or_the_new_file() {
    let dir = std::env::temp_dir().join(format!("topicscope-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(save(&dir, "host-0").wait().expect("first save").success());
    let mut current = saved_host(&dir);
    let (mut old, mut new) = (0, 0);
    // Kill times spread over a process's start-up and save (0 to 12 ms here).
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for round in 1..=100 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let host = format!("host-{round}");
        let mut child = save(&dir, &host);
        std::thread::sleep(Duration::from_micros(state % 12_000));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let found = saved_host(&dir);
        if found == host {
            new += 1;
        } else {
            assert_eq!(found, current, "round {round}: neither the old nor the new version");
            old += 1;
        }
        current = found;
    }
    eprintln!("100 kills: {old} left the old version, {new} the new one, none a damaged file");
    let _ = std::fs::remove_dir_all(&dir);
}
