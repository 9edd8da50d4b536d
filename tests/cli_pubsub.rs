//! `topicscope pub` / `topicscope sub` against mosquitto and the embedded
//! broker, talking to Debian's mosquitto_pub / mosquitto_sub in both
//! directions: payload sources, QoS, retain, MQTT 5 properties, saved
//! profiles, exit codes, and Ctrl+C ending with a clean DISCONNECT.
#![cfg(unix)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail the test on error

#[path = "../core/tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStderr, ChildStdout, Command, Output, Stdio};
use std::time::{Duration, Instant};
use topicscope::core::ids::ConnectionId;

use common::{Mosquitto, TestBroker, brokers, free_port};

fn topicscope(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_topicscope"));
    command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// Runs to completion (killed and failed after 20 s), feeding `input` to stdin.
fn run(mut command: Command, input: Option<&[u8]>) -> Output {
    if input.is_some() {
        command.stdin(Stdio::piped());
    }
    let mut child = command.spawn().expect("spawn");
    if let Some(input) = input {
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(input).expect("write stdin");
    }
    wait_output(child, Duration::from_secs(20))
}

fn wait_output(mut child: Child, within: Duration) -> Output {
    let deadline = Instant::now() + within;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("output");
            panic!("did not exit within {within:?}; stderr: {}", String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

fn pub_command(port: &str, args: &[&str]) -> Command {
    let mut command = topicscope(&["pub", "-h", "127.0.0.1", "-p", port]);
    command.args(args);
    command
}

fn port_of(broker: &TestBroker) -> String {
    broker.port().to_string()
}

/// Reads lines until one contains `marker`; fails after 15 s.
fn wait_for_line(reader: &mut impl BufRead, marker: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut line = String::new();
    loop {
        line.clear();
        let read = reader.read_line(&mut line).expect("read");
        assert!(read > 0, "stream ended before '{marker}'");
        if line.contains(marker) {
            return;
        }
        assert!(Instant::now() < deadline, "no '{marker}' in time");
    }
}

/// mosquitto_sub, started and subscribed (its -d output shows the SUBACK;
/// stdbuf makes it write lines as they come instead of when it exits).
fn mosquitto_sub(port: &str, args: &[&str]) -> (Child, BufReader<ChildStdout>) {
    let mut child = Command::new("stdbuf")
        .args(["-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-d"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("mosquitto_sub (apt-get install mosquitto-clients)");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    wait_for_line(&mut stdout, "SUBACK");
    (child, stdout)
}

/// topicscope sub, started and subscribed (its -d output says so on stderr).
fn topicscope_sub(port: &str, args: &[&str]) -> (Child, BufReader<ChildStderr>) {
    let mut command = topicscope(&["sub", "-h", "127.0.0.1", "-p", port, "-d"]);
    command.args(args);
    let mut child = command.spawn().expect("spawn");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    wait_for_line(&mut stderr, "subscribed to");
    (child, stderr)
}

/// The lines mosquitto_sub printed with a "MSG " prefix, until it exits
/// (killed, and the test failed with what it printed, after 30 s). Read on
/// a thread so a long -d output never fills the pipe.
fn messages(mut child: Child, mut stdout: BufReader<ChildStdout>) -> Vec<String> {
    let reader = std::thread::Builder::new()
        .name("mosquitto_sub-output".into())
        .spawn(move || {
            let mut rest = String::new();
            stdout.read_to_string(&mut rest).map(|_| rest)
        })
        .expect("thread");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut status = None;
    while Instant::now() < deadline {
        status = child.try_wait().expect("wait");
        if status.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let rest = reader.join().expect("reader").expect("read");
    assert!(
        status.is_some_and(|status| status.success()),
        "mosquitto_sub did not finish: {status:?}; it printed {rest}"
    );
    rest.lines().filter_map(|line| line.strip_prefix("MSG ")).map(str::to_owned).collect()
}

/// What a subscriber printed, without the packet lines `-d` adds (as a
/// script that greps mosquitto_sub -d output would drop them).
fn printed(stdout: &[u8]) -> String {
    String::from_utf8_lossy(stdout).split_inclusive('\n').filter(|line| !line.starts_with("Client ")).collect()
}

fn assert_exit(output: &Output, code: i32, stderr_has: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert!(stderr.contains(stderr_has), "expected '{stderr_has}' in: {stderr}");
}

#[test]
fn topicscope_pub_reaches_mosquitto_sub_with_every_payload_source_and_qos() {
    let dir = std::env::temp_dir().join(format!("topicscope-cli-pub-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let binary = dir.join("blob.bin");
    std::fs::write(&binary, [0u8, 1, 0xfe, 0xff]).expect("write");
    for broker in brokers() {
        let port = port_of(&broker);
        let (child, stdout) =
            mosquitto_sub(&port, &["-t", "it/#", "-q", "2", "-C", "6", "-V", "mqttv5", "-F", "MSG %t q%q r%r %x"]);
        for (args, input) in [
            (vec!["-t", "it/m", "-m", "hi", "-q", "0"], None),
            (vec!["-t", "it/f", "-f", binary.to_str().unwrap(), "-q", "1", "-V", "mqttv311"], None),
            (vec!["-t", "it/n", "-n", "-q", "2"], None),
            (vec!["-t", "it/s", "-s", "-q", "1"], Some(&b"whole\ninput"[..])),
            (vec!["-t", "it/l", "-l", "-q", "2"], Some(&b"one\n\ntwo\r\n"[..])),
        ] {
            let mut command = topicscope(&["pub", "-h", "127.0.0.1", "-p", &port]);
            command.args(&args);
            let output = run(command, input);
            assert_exit(&output, 0, "");
        }
        let mut received = messages(child, stdout);
        // One publisher's lines keep their order; across publishers of
        // different QoS they need not: libmosquitto hands a QoS 2 message
        // over at PUBREL, so a QoS 1 one sent after it may come out first.
        let one = received.iter().position(|line| line == "it/l q2 r0 6f6e65");
        let two = received.iter().position(|line| line == "it/l q2 r0 74776f");
        assert!(one < two, "-l lines out of order on {}: {received:?}", broker.name());
        received.sort();
        assert_eq!(
            received,
            [
                "it/f q1 r0 0001feff",
                "it/l q2 r0 6f6e65",
                "it/l q2 r0 74776f",
                "it/m q0 r0 6869",
                "it/n q2 r0 ",
                "it/s q1 r0 77686f6c650a696e707574",
            ],
            "on {}",
            broker.name()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mosquitto_pub_reaches_topicscope_sub_in_every_output_mode() {
    for broker in brokers() {
        let port = port_of(&broker);
        let (verbose, _verbose_log) = topicscope_sub(&port, &["-t", "back/#", "-q", "2", "-v", "-C", "3"]);
        let (formatted, _formatted_log) =
            topicscope_sub(&port, &["-t", "back/+", "-V", "mqttv311", "-F", "%t|%q|%l|%p", "-C", "3"]);
        let (json, _json_log) = topicscope_sub(&port, &["-t", "back/#", "--json", "-C", "3", "-T", "back/skip"]);
        for (topic, qos, payload) in [("back/a", "0", "one"), ("back/skip", "1", "two"), ("back/c", "2", "three")] {
            let status = Command::new("mosquitto_pub")
                .args(["-h", "127.0.0.1", "-p", &port, "-t", topic, "-q", qos, "-m", payload])
                .status()
                .expect("mosquitto_pub");
            assert!(status.success());
        }
        let status = Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &port, "-t", "back/d", "-m", "four"])
            .status()
            .expect("mosquitto_pub");
        assert!(status.success());
        let verbose = wait_output(verbose, Duration::from_secs(15));
        assert_eq!(printed(&verbose.stdout), "back/a one\nback/skip two\nback/c three\n");
        let formatted = wait_output(formatted, Duration::from_secs(15));
        assert_eq!(printed(&formatted.stdout), "back/a|0|3|one\nback/skip|0|3|two\nback/c|0|5|three\n");
        let json = wait_output(json, Duration::from_secs(15));
        let lines: Vec<serde_json::Value> = printed(&json.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
            .collect();
        let topics: Vec<&str> = lines.iter().map(|line| line["topic"].as_str().unwrap()).collect();
        assert_eq!(topics, ["back/a", "back/c", "back/d"], "-T hides back/skip on {}", broker.name());
        assert_eq!(lines[1]["payload"], "three");
        assert!(json.status.success() && verbose.status.success() && formatted.status.success());
    }
}

#[test]
fn mqtt5_properties_travel_both_ways() {
    for broker in brokers() {
        let port = port_of(&broker);
        let (child, stdout) =
            mosquitto_sub(&port, &["-t", "props/#", "-V", "mqttv5", "-C", "1", "-F", "MSG %C|%R|%D|%P|%p"]);
        let output = run(
            topicscope(&[
                "pub",
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-t",
                "props/out",
                "-m",
                "req",
                "-q",
                "1",
                "-D",
                "publish",
                "content-type",
                "text/plain",
                "-D",
                "publish",
                "response-topic",
                "props/reply",
                "-D",
                "publish",
                "correlation-data",
                "c-42",
                "-D",
                "publish",
                "user-property",
                "site",
                "plant-2",
            ]),
            None,
        );
        assert_exit(&output, 0, "");
        assert_eq!(messages(child, stdout), ["text/plain|props/reply|c-42|site:plant-2|req"], "on {}", broker.name());

        let (sub, _sub_log) = topicscope_sub(&port, &["-t", "props/#", "--json", "-C", "1"]);
        let status = Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &port, "-V", "mqttv5", "-t", "props/in", "-m", "{}"])
            .args(["-D", "publish", "response-topic", "r/1", "-D", "publish", "correlation-data", "xyz"])
            .args(["-D", "publish", "user-property", "k", "v", "-D", "publish", "content-type", "application/json"])
            .status()
            .expect("mosquitto_pub");
        assert!(status.success());
        let output = wait_output(sub, Duration::from_secs(15));
        let line: serde_json::Value = serde_json::from_str(&printed(&output.stdout)).expect("json");
        let properties = &line["properties"];
        assert_eq!(properties["response_topic"], "r/1", "on {}", broker.name());
        assert_eq!(properties["correlation_data_base64"], "eHl6");
        assert_eq!(properties["content_type"], "application/json");
        assert_eq!(properties["user_properties"], serde_json::json!([["k", "v"]]));
    }
}

#[test]
fn a_saved_profile_is_used_and_flags_override_it() {
    let broker = brokers().remove(0);
    let dir = std::env::temp_dir().join(format!("topicscope-cli-profiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    // The profile points at a dead port; -p fixes it for pub, sub uses a second profile as is.
    let dead = topicscope::core::profile::ConnectionProfile {
        name: "Lab broker".into(),
        host: "127.0.0.1".into(),
        port: free_port(),
        ..Default::default()
    };
    let live =
        topicscope::core::profile::ConnectionProfile { name: "Live".into(), port: broker.port(), ..dead.clone() };
    topicscope::core::profile::save_profile(&dir, &dead).expect("save");
    topicscope::core::profile::save_profile(&dir, &live).expect("save");
    let dir_arg = dir.to_str().unwrap();
    let port = port_of(&broker);
    let output = run(
        topicscope(&["pub", "--profile", "Lab broker", "--profiles-dir", dir_arg, "-t", "saved/x", "-m", "kept", "-r"]),
        None,
    );
    assert_exit(&output, 3, "connection refused");
    let output = run(
        topicscope(&[
            "pub",
            "--profile",
            "Lab broker",
            "--profiles-dir",
            dir_arg,
            "-p",
            &port,
            "-t",
            "saved/x",
            "-m",
            "kept",
            "-r",
        ]),
        None,
    );
    assert_exit(&output, 0, "");
    let output = run(
        topicscope(&["sub", "--profile", "Live", "--profiles-dir", dir_arg, "-t", "saved/#", "-C", "1", "-v"]),
        None,
    );
    assert_exit(&output, 0, "");
    assert_eq!(printed(&output.stdout), "saved/x kept\n");
    let output = run(topicscope(&["sub", "--profile", "Nope", "--profiles-dir", dir_arg, "-t", "x"]), None);
    assert_exit(&output, 2, "no profile named 'Nope'");
    // A TLS profile with an mqtt:// URL: the URL's plain TCP, host and port win.
    let secure = topicscope::core::profile::ConnectionProfile {
        name: "Secure".into(),
        host: "tls.invalid".into(),
        transport: topicscope::core::profile::TransportKind::Tls,
        ..dead.clone()
    };
    topicscope::core::profile::save_profile(&dir, &secure).expect("save");
    let url = format!("mqtt://127.0.0.1:{port}/saved/#");
    let output =
        run(topicscope(&["sub", "--profile", "Secure", "--profiles-dir", dir_arg, "-L", &url, "-C", "1"]), None);
    assert_exit(&output, 0, "");
    assert_eq!(printed(&output.stdout), "kept\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// mosquitto and the embedded broker, both with user alice (password
/// wonderland) allowed only under allowed/#; files in `dir`.
fn secured_brokers(dir: &std::path::Path) -> (Mosquitto, topicscope::core::broker::EmbeddedBroker) {
    std::fs::create_dir_all(dir).expect("dir");
    let passwd = dir.join("passwd");
    let status = Command::new("mosquitto_passwd")
        .args(["-c", "-b", passwd.to_str().unwrap(), "alice", "wonderland"])
        .status()
        .expect("mosquitto_passwd");
    assert!(status.success());
    let acl = dir.join("acl");
    std::fs::write(&acl, "user alice\ntopic readwrite allowed/#\n").expect("acl");
    let shared = format!("allow_anonymous false\npassword_file {}\nacl_file {}\n", passwd.display(), acl.display());
    let mosquitto = Mosquitto::start_on(free_port(), &shared);
    let embedded_port = free_port();
    let conf = dir.join("embedded.conf");
    std::fs::write(&conf, format!("listener {embedded_port} 127.0.0.1\n{shared}")).expect("conf");
    let (config, _) = topicscope::core::broker::settings::load_any(&conf).expect("config");
    let embedded = topicscope::core::broker::EmbeddedBroker::start(config).expect("embedded broker");
    (mosquitto, embedded)
}

#[test]
fn failures_have_distinct_exit_codes_and_one_line_reasons() {
    let dir = std::env::temp_dir().join(format!("topicscope-cli-auth-{}", std::process::id()));
    let (mosquitto, embedded) = secured_brokers(&dir);
    for port in [mosquitto.port, embedded.local_addr().port()] {
        let port = port.to_string();
        let with = |extra: &[&str]| {
            let mut command = topicscope(&["pub", "-h", "127.0.0.1", "-p", &port, "-u", "alice"]);
            command.args(extra);
            run(command, None)
        };
        // mosquitto answers a wrong MQTT 5 password with 0x87 (not authorised), rmqtt with 0x86.
        let output = with(&["-P", "wrong", "-t", "allowed/x", "-m", "1"]);
        assert_exit(&output, 4, "cannot connect to 127.0.0.1");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("bad user name or password") || stderr.contains("not authorised"), "{stderr}");
        let output = with(&["-P", "wonderland", "-t", "denied/x", "-m", "1", "-q", "1"]);
        assert_exit(&output, 4, "refused");
        let output = with(&["-P", "wonderland", "-t", "allowed/x", "-m", "1", "-q", "1"]);
        assert_exit(&output, 0, "");
        let mut sub = topicscope(&["sub", "-h", "127.0.0.1", "-p", &port, "-u", "alice", "-P", "wonderland"]);
        sub.args(["-t", "allowed/quiet", "-C", "1", "-W", "1"]);
        assert_exit(&run(sub, None), 5, "timed out after 1 s: 0 of 1 messages");
        let mut sub = topicscope(&["sub", "-h", "127.0.0.1", "-p", &port, "-u", "alice", "-P", "wonderland"]);
        sub.args(["-t", "allowed/quiet", "-W", "1"]);
        assert_exit(&run(sub, None), 0, "");
    }
    let output =
        run(topicscope(&["pub", "-h", "127.0.0.1", "-p", &free_port().to_string(), "-t", "x", "-m", "1"]), None);
    assert_exit(&output, 3, "connection refused");
    assert_exit(&run(topicscope(&["pub", "-t", "a/#", "-m", "1"]), None), 2, "wildcard");
    assert_exit(&run(topicscope(&["sub", "-t", "a", "-F", "%z"]), None), 2, "unknown field '%z'");
    assert_exit(&run(topicscope(&["pub", "-t", "a", "-m", "1", "-m", "2"]), None), 2, "");
    embedded.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_url_names_broker_credentials_and_topic_and_flags_override_it() {
    let dir = std::env::temp_dir().join(format!("topicscope-cli-url-{}", std::process::id()));
    let (mosquitto, embedded) = secured_brokers(&dir);
    for port in [mosquitto.port, embedded.local_addr().port()] {
        let url = |credentials: &str, topic: &str| format!("mqtt://{credentials}@127.0.0.1:{port}/{topic}");
        let good = url("alice:wonderland", "allowed/url");
        let output = run(topicscope(&["pub", "-L", &good, "-m", "via-url", "-q", "1", "-r"]), None);
        assert_exit(&output, 0, "");
        // sub takes the URL's topic as its filter.
        let output =
            run(topicscope(&["sub", "-L", &url("alice:wonderland", "allowed/#"), "-v", "-C", "1", "-W", "5"]), None);
        assert_exit(&output, 0, "");
        assert_eq!(printed(&output.stdout), "allowed/url via-url\n");
        // The URL's password is wrong; -P after it wins.
        let wrong = url("alice:wrong", "allowed/url");
        assert_exit(&run(topicscope(&["pub", "-L", &wrong, "-m", "x"]), None), 4, "cannot connect");
        assert_exit(&run(topicscope(&["pub", "-L", &wrong, "-P", "wonderland", "-m", "x"]), None), 0, "");
        // Clear the retained message for the next broker's run.
        let output = run(topicscope(&["pub", "-L", &good, "-n", "-r", "-q", "1"]), None);
        assert_exit(&output, 0, "");
    }
    assert_exit(&run(topicscope(&["pub", "-L", "mqtt://127.0.0.1:1883", "-m", "x"]), None), 2, "topic is missing");
    assert_exit(&run(topicscope(&["sub", "-L", "http://127.0.0.1/t"]), None), 2, "expected mqtt://");
    assert_exit(&run(topicscope(&["pub", "-L", "mqtt://h/t", "-t", "t", "-m", "x"]), None), 2, "cannot be used with");
    embedded.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn id_prefix_session_expiry_and_remove_retained_work_as_in_mosquitto() {
    for broker in brokers() {
        let name = broker.name();
        let port = port_of(&broker);
        let base = ["-h", "127.0.0.1", "-p", port.as_str()];
        let pub_with = |extra: &[&str]| {
            let mut command = topicscope(&["pub"]);
            command.args(base).args(extra);
            run(command, None)
        };
        let sub_with = |extra: &[&str]| {
            let mut command = topicscope(&["sub"]);
            command.args(base).args(extra);
            run(command, None)
        };

        // -I: the prefix and the process id.
        let mut command = topicscope(&["sub", "-d", "-I", "probe-", "-t", "x", "-E"]);
        command.args(base);
        let child = command.spawn().expect("spawn");
        let pid = child.id();
        let output = wait_output(child, Duration::from_secs(20));
        assert_exit(&output, 0, &format!("connected as probe-{pid}"));
        assert_exit(&sub_with(&["-i", "a", "-I", "b", "-t", "x"]), 2, "cannot be used with");

        // -x: a session that outlives the connection keeps its QoS 1
        // messages; with -x 0 it ends with the connection.
        assert_exit(&sub_with(&["-V", "mqttv311", "-x", "60", "-t", "x"]), 2, "MQTT 5 only");
        for (expiry, kept) in [("60", true), ("0", false)] {
            let id = format!("keeper-{}-{expiry}", std::process::id());
            let topic = format!("kept/{expiry}");
            let output = sub_with(&["-i", &id, "-x", expiry, "-q", "1", "-t", &topic, "-E"]);
            assert_exit(&output, 0, "");
            assert_exit(&pub_with(&["-t", &topic, "-m", "while-away", "-q", "1"]), 0, "");
            let output = sub_with(&["-i", &id, "-c", "-x", "0", "-q", "1", "-t", &topic, "-C", "1", "-W", "2"]);
            if kept {
                assert_exit(&output, 0, "");
                assert_eq!(printed(&output.stdout), "while-away\n", "{name}");
            } else {
                assert_exit(&output, 5, "0 of 1 messages");
            }
        }

        // --random-filter 50 prints about half (outside 100..300 of 400: p < 1e-20).
        let (child, mut stderr) = topicscope_sub(&port, &["-t", "sample/#", "--random-filter", "50", "-W", "5"]);
        let lines: String = (0..400).map(|n| format!("m{n}\n")).collect();
        assert_exit(&run(pub_command(&port, &["-t", "sample/x", "-l", "-q", "1"]), Some(lines.as_bytes())), 0, "");
        let output = wait_output(child, Duration::from_secs(20));
        let mut rest = String::new();
        let _ = stderr.read_to_string(&mut rest);
        assert!(output.status.success(), "{rest}");
        let count = printed(&output.stdout).lines().count();
        assert!((100..=300).contains(&count), "{name}: {count} of 400 printed");

        // --remove-retained prints the retained messages and clears them.
        for (topic, payload) in [("clean/1", "a"), ("clean/2", "b")] {
            assert_exit(&pub_with(&["-t", topic, "-m", payload, "-r", "-q", "1"]), 0, "");
        }
        let output = sub_with(&["-t", "clean/#", "--remove-retained", "-v", "-C", "2"]);
        assert_exit(&output, 0, "");
        let mut lines: Vec<String> = printed(&output.stdout).lines().map(str::to_owned).collect();
        lines.sort();
        assert_eq!(lines, ["clean/1 a", "clean/2 b"], "{name}");
        let output = sub_with(&["-t", "clean/#", "-v", "-W", "1"]);
        assert_exit(&output, 0, "");
        assert_eq!(printed(&output.stdout), "", "{name}: nothing retained is left");
    }
}

#[test]
fn unsubscribe_removes_a_subscription_a_kept_session_holds() {
    for broker in brokers() {
        let name = broker.name();
        let port = port_of(&broker);
        let id = format!("unsub-{}", std::process::id());
        let run_with = |tool: &str, extra: &[&str]| {
            let mut command = topicscope(&[tool, "-h", "127.0.0.1", "-p", &port]);
            command.args(extra);
            run(command, None)
        };
        let kept = ["-i", id.as_str(), "-c", "-x", "60", "-q", "1"];
        let output = run_with("sub", &[&kept[..], &["-t", "gone/#", "-t", "stays/#", "-E"]].concat());
        assert_exit(&output, 0, "");
        // -U alone: unsubscribes and exits once the broker confirmed.
        let output = run_with("sub", &[&kept[..], &["-U", "gone/#", "-d"]].concat());
        assert_exit(&output, 0, "unsubscribed from 'gone/#'");
        assert_exit(&run_with("pub", &["-t", "gone/a", "-m", "lost", "-q", "1"]), 0, "");
        assert_exit(&run_with("pub", &["-t", "stays/a", "-m", "kept", "-q", "1"]), 0, "");
        // Back on the session (which ends with this connection): only the
        // subscription that stayed delivered anything.
        let resumed = ["-i", id.as_str(), "-c", "-x", "0", "-v", "-C", "2", "-W", "2"];
        let output = run_with("sub", &[&resumed[..], &["-t", "other/#"]].concat());
        // Say which broker, and what arrived, if it is not just the one.
        assert_eq!(printed(&output.stdout), "stays/a kept\n", "{name}");
        assert_exit(&output, 5, "1 of 2 messages");
    }
    assert_exit(&run(topicscope(&["sub", "-U", "a/#/b"]), None), 2, "'a/#/b'");
}

#[test]
fn ctrl_c_disconnects_cleanly_so_no_last_will_is_sent() {
    for broker in brokers() {
        let port = port_of(&broker);
        let mut watcher = common::Driver::new();
        let profile = common::local_profile(broker.port(), topicscope::core::mqtt::ProtocolVersion::V5, "will-watcher");
        watcher.connect(ConnectionId(1), profile, Vec::new());
        watcher.subscribe(ConnectionId(1), 1, "wills/#", topicscope::core::mqtt::Qos::AtLeastOnce);
        for (signal, client) in [("INT", "polite"), ("KILL", "crashed")] {
            let topic = format!("wills/{client}");
            let (child, _child_log) =
                topicscope_sub(&port, &["-t", "nothing", "--will-topic", &topic, "--will-payload", "gone"]);
            let status =
                Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().expect("kill");
            assert!(status.success());
            let output = wait_output(child, Duration::from_secs(10));
            if signal == "INT" {
                assert_eq!(output.status.code(), Some(0), "Ctrl+C is a normal end");
            }
        }
        watcher.wait_messages(ConnectionId(1), 1);
        std::thread::sleep(Duration::from_millis(300));
        watcher.drain();
        let wills: Vec<String> =
            watcher.messages(ConnectionId(1)).iter().map(|message| message.topic.clone()).collect();
        assert_eq!(wills, ["wills/crashed"], "only the killed client's will, on {}", broker.name());
    }
}

#[test]
fn tls_flags_reach_a_mutual_tls_mosquitto() {
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("topicscope-cli-tls-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    common::make_test_certificates(&dir);
    let file = |name: &str| dir.join(name).display().to_string();
    let _broker = Mosquitto::start_on(
        port,
        &format!(
            "allow_anonymous true\ncafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\n",
            file("ca.crt"),
            file("server.crt"),
            file("server.key")
        ),
    );
    let port = port.to_string();
    let base = ["-h", "127.0.0.1", "-p", port.as_str()];
    let (ca, cert, key) = (file("ca.crt"), file("client.crt"), file("client.key"));
    let client_certificate = ["--cert", cert.as_str(), "--key", key.as_str()];

    // The broker's CA and our certificate: a retained message goes in and comes back out.
    // SSLKEYLOGFILE gets the session keys, as curl and browsers write them.
    let key_log = dir.join("sslkeys.log");
    let mut publish = topicscope(&["pub"]);
    publish.args(base).args(["--cafile", &ca]).args(client_certificate).args(["-t", "tls/x", "-m", "sealed", "-r"]);
    publish.env("SSLKEYLOGFILE", &key_log);
    assert_exit(&run(publish, None), 0, "");
    let keys = std::fs::read_to_string(&key_log).expect("SSLKEYLOGFILE written");
    assert!(keys.lines().any(|line| line.starts_with("CLIENT_TRAFFIC_SECRET_0 ")), "{keys}");
    let mut subscribe = topicscope(&["sub"]);
    subscribe.args(base).args(["--cafile", &ca]).args(client_certificate).args(["-t", "tls/#", "-C", "1", "-v"]);
    let output = run(subscribe, None);
    assert_exit(&output, 0, "");
    assert_eq!(printed(&output.stdout), "tls/x sealed\n");

    // --insecure skips checking the broker's certificate (no CA given).
    let mut insecure = topicscope(&["pub"]);
    insecure.args(base).args(["--insecure"]).args(client_certificate).args(["-t", "tls/y", "-m", "1"]);
    assert_exit(&run(insecure, None), 0, "");

    // The system's roots do not know our CA: a TLS failure that says so.
    let mut unknown_ca = topicscope(&["pub"]);
    unknown_ca.args(base).args(["--tls-use-os-certs"]).args(client_certificate).args(["-t", "tls/z", "-m", "1"]);
    let output = run(unknown_ca, None);
    assert_exit(&output, 3, "TLS");
    // Without a client certificate this broker refuses the handshake.
    let mut anonymous = topicscope(&["pub"]);
    anonymous.args(base).args(["--cafile", &ca, "-t", "tls/z", "-m", "1"]);
    let output = run(anonymous, None);
    assert_exit(&output, 3, "TLS: the broker requires a client certificate");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_burst_larger_than_the_client_queue_arrives_whole_and_in_order() {
    // 30,000 lines, three times rumqttc's request queue: the engine holds
    // what does not fit instead of failing it (found by the CLI benchmark).
    const LINES: usize = 30_000;
    // No queue limit towards the (slow, -d printing) subscriber: mosquitto would drop past 1,000.
    let broker = Mosquitto::start_on(free_port(), "allow_anonymous true\nmax_queued_messages 0\n");
    let port = broker.port.to_string();
    let (child, stdout) = mosquitto_sub(&port, &["-t", "burst/#", "-q", "1", "-C", &LINES.to_string(), "-F", "MSG %p"]);
    let input: String = (1..=LINES).map(|n| format!("{n}\n")).collect();
    let output = run(
        topicscope(&["pub", "-h", "127.0.0.1", "-p", &port, "-t", "burst/x", "-l", "-q", "1"]),
        Some(input.as_bytes()),
    );
    assert_exit(&output, 0, "");
    let received = messages(child, stdout);
    assert_eq!(received.len(), LINES);
    assert!(received.iter().enumerate().all(|(index, line)| line == &(index + 1).to_string()), "in order");
}
