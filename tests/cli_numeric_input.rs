//! Numbers a user types on the command line are range-checked with a clear
//! message and exit code 2 — never a panic (issue 18, defect 7).
#![allow(clippy::expect_used, clippy::unwrap_used)]

fn topicscope(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_topicscope")).args(args).output().expect("runs")
}

#[test]
fn out_of_range_numbers_are_refused_with_their_range() {
    // Each of these panicked (overflow) before; the port is closed, so
    // nothing here may get as far as connecting.
    let cases: [(&[&str], &str); 6] = [
        (&["sub", "-p", "1", "-t", "x", "-F", "%99999999999999t"], "-F: the width at position 1"),
        (&["sub", "-p", "1", "-t", "x", "-F", "%18446744073709551615t"], "at most 65535"),
        (&["sub", "-p", "1", "-t", "x", "-W", "18446744073709551615"], "--timeout"),
        (&["pub", "-p", "1", "-t", "x", "-m", "1", "--repeat-delay", "1e20"], "--repeat-delay"),
        (&["--max-memory-mib", "18446744073709551615"], "--max-memory-mib"),
        (&["sub", "-p", "1", "-t", "x", "-W", "0"], "--timeout"),
    ];
    for (args, option) in cases {
        let output = topicscope(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(option), "{args:?} names {option}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
