//! `topicscope test`: runs scenario files headless, for CI. Exit 0 when all
//! pass, 1 when one fails, 2 for a malformed file (nothing runs then), 3
//! when the broker cannot be reached; `--junit` writes a report CI systems
//! read, `--embedded-broker` brings its own broker.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use topicscope::core::broker::{BrokerConfig, EmbeddedBroker};
use topicscope::core::profile::{self, ConnectionProfile};
use topicscope::core::scenario::Scenario;
use topicscope::core::scenario::report::{Outcome, json_value, junit, text};
use topicscope::core::scenario::runner::{RunError, run_with};

/// `topicscope test` options.
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct TestArgs {
    /// Scenario files (.ron) or folders of them.
    #[arg(required = true, value_name = "FILE_OR_FOLDER")]
    pub(crate) paths: Vec<PathBuf>,
    /// Connect with this saved profile (beats the scenario's own `profile`).
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Profile folder (default: the one the window uses).
    #[arg(long, value_name = "DIR")]
    pub(crate) profiles_dir: Option<PathBuf>,
    /// Broker host when no profile is named (default localhost).
    #[arg(short = 'h', long, value_name = "HOST")]
    pub(crate) host: Option<String>,
    /// Broker port when no profile is named (default 1883).
    #[arg(short = 'p', long, value_name = "PORT")]
    pub(crate) port: Option<u16>,
    /// Start the embedded broker on a free local port and run against it.
    #[arg(long, conflicts_with_all = ["profile", "host", "port"])]
    pub(crate) embedded_broker: bool,
    /// A placeholder value, NAME=VALUE (repeatable; beats the file's).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub(crate) vars: Vec<String>,
    /// Also write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<PathBuf>,
    /// Print one JSON object per scenario instead of text.
    #[arg(long)]
    pub(crate) json: bool,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    pub(crate) help: Option<bool>,
}

fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "topicscope test: {message}");
}

/// Every `.ron` file under the paths given, in name order per folder.
fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries =
                std::fs::read_dir(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|extension| extension == "ron"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!("{} holds no .ron scenario files", path.display()));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn variables(vars: &[String]) -> Result<BTreeMap<String, String>, String> {
    vars.iter()
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => Ok((name.trim().to_owned(), value.to_owned())),
            _ => Err(format!("--var {pair}: write NAME=VALUE")),
        })
        .collect()
}

/// Runs `topicscope test`.
pub fn run_test(args: &TestArgs) -> ExitCode {
    let usage = |message: &str| {
        say(message);
        ExitCode::from(2)
    };
    let overrides = match variables(&args.vars) {
        Ok(overrides) => overrides,
        Err(message) => return usage(&message),
    };
    let files = match scenario_files(&args.paths) {
        Ok(files) => files,
        Err(message) => return usage(&message),
    };
    // Every file is checked before anything runs.
    let mut scenarios = Vec::new();
    let mut malformed = Vec::new();
    for file in &files {
        match Scenario::load(file) {
            Ok(mut scenario) => {
                scenario.variables.extend(overrides.clone());
                scenarios.push((file.clone(), scenario));
            }
            Err(error) => malformed.push(error),
        }
    }
    if !malformed.is_empty() {
        for error in &malformed {
            say(&error.to_string());
        }
        return ExitCode::from(2);
    }
    let embedded = if args.embedded_broker {
        match EmbeddedBroker::start(BrokerConfig::ephemeral()) {
            Ok(broker) => Some(broker),
            Err(error) => {
                say(&format!("the embedded broker did not start: {error}"));
                return ExitCode::from(3);
            }
        }
    } else {
        None
    };
    let dir = args.profiles_dir.clone().or_else(profile::default_profile_dir);
    let (saved, _) = super::profiles::all_profiles(dir.as_deref());
    let mut outcomes: Vec<(String, Outcome)> = Vec::new();
    let mut unreachable = false;
    for (file, scenario) in &scenarios {
        let profile = match profile_for(args, scenario, &saved, embedded.as_ref()) {
            Ok(profile) => profile,
            Err(message) => return usage(&message),
        };
        // Extra clients' saved profiles, pointed at the same broker when
        // the run brings its own.
        let lookup = |name: &str| -> Result<ConnectionProfile, String> {
            let mut found = saved
                .iter()
                .find(|candidate| candidate.name == name)
                .cloned()
                .ok_or_else(|| format!("no profile named '{name}' (see `topicscope profiles list`)"))?;
            if let Some(broker) = embedded.as_ref() {
                found.host = "127.0.0.1".into();
                found.port = broker.local_addr().port();
            }
            found.reconnect = false;
            found.subscriptions.clear();
            Ok(found)
        };
        let outcome = match run_with(scenario, profile, &lookup) {
            Ok(report) => Outcome::Ran(report),
            Err(error) => {
                unreachable |= matches!(error, RunError::Unreachable(_));
                Outcome::NotRun { name: scenario.name.clone(), reason: error.to_string() }
            }
        };
        let mut stdout = std::io::stdout();
        let printed = if args.json { format!("{}\n", json_value(&outcome)) } else { text(&outcome) };
        let _ = stdout.write_all(printed.as_bytes());
        let _ = stdout.flush();
        let class = file.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default();
        outcomes.push((class, outcome));
    }
    if let Some(path) = &args.junit
        && let Err(error) =
            topicscope::core::fs::write_file(path, junit(&outcomes).as_bytes(), topicscope::core::fs::Privacy::Shared)
    {
        say(&format!("cannot write the JUnit report: {error}"));
        return ExitCode::from(1);
    }
    let failed = outcomes.iter().filter(|(_, outcome)| !outcome.passed()).count();
    if !args.json {
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "{} of {} scenarios passed", outcomes.len() - failed, outcomes.len());
    }
    if unreachable {
        ExitCode::from(3)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The profile a scenario connects with: the embedded broker, `--profile`,
/// the scenario's own, or `-h`/`-p` (default localhost:1883).
fn profile_for(
    args: &TestArgs,
    scenario: &Scenario,
    saved: &[ConnectionProfile],
    embedded: Option<&EmbeddedBroker>,
) -> Result<ConnectionProfile, String> {
    let mut profile = match args.profile.as_ref().or(scenario.profile.as_ref()) {
        Some(name) if embedded.is_none() => saved
            .iter()
            .find(|candidate| candidate.name == *name)
            .cloned()
            .ok_or_else(|| format!("no profile named '{name}' (see `topicscope profiles list`)"))?,
        _ => ConnectionProfile {
            name: "topicscope test".into(),
            host: "localhost".into(),
            ..ConnectionProfile::default()
        },
    };
    if let Some(broker) = embedded {
        profile.host = "127.0.0.1".into();
        profile.port = broker.local_addr().port();
    } else {
        if let Some(host) = &args.host {
            profile.host.clone_from(host);
        }
        if let Some(port) = args.port {
            profile.port = port;
        }
    }
    // A test's connection is its own: no reconnects hiding a lost broker.
    profile.reconnect = false;
    profile.subscriptions.clear();
    profile.validate().map_err(|error| format!("profile '{}': {error}", profile.name))?;
    Ok(profile)
}
