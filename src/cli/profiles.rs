//! `topicscope profiles list|show|export|import|from-command`: the window's connection
//! profiles from a terminal or script, under the same sharing rules
//! (exports leave passwords out unless asked; imports report what they
//! could not carry over).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use topicscope::core::profile::{self, ConnectionProfile};
use topicscope::core::profile_exchange;

/// `topicscope profiles` options.
#[derive(Debug, clap::Args)]
pub struct ProfilesArgs {
    /// Profile folder (default: the one the window uses).
    #[arg(long, value_name = "DIR", global = true)]
    dir: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    action: ProfilesAction,
}

/// `topicscope profiles` actions.
#[derive(Debug, clap::Subcommand)]
enum ProfilesAction {
    /// One line per profile: name, broker address, transport, protocol (tab-separated).
    List,
    /// A profile as RON (without secrets).
    Show {
        /// Profile name.
        name: String,
    },
    /// Write profiles as a bundle other topicscope users can import.
    Export {
        /// Profile names (none with --all).
        names: Vec<String>,
        /// Every profile.
        #[arg(long)]
        all: bool,
        /// File to write (default: standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Include passwords stored in the profiles (plain text!).
        #[arg(long)]
        include_passwords: bool,
    },
    /// A profile from a mosquitto_pub / mosquitto_sub command line or an
    /// mqtt[s]:// or ws[s]:// URL: printed as RON, saved with --save.
    FromCommand {
        /// The command line or URL (quote it as one argument).
        text: String,
        /// The profile's name (default: user@host:port).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Save it in the profile folder too.
        #[arg(long)]
        save: bool,
    },
    /// Add profiles from Topicscope RON files or bundles, an MQTTX export (JSON, CSV or YAML) or MQTT.fx's mqttfx-config.xml.
    Import {
        /// Files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Shipped profiles, replaced or extended by the saved ones (as the window does).
pub(crate) fn all_profiles(dir: Option<&std::path::Path>) -> (Vec<ConnectionProfile>, Vec<String>) {
    let mut profiles = profile::shipped_profiles();
    let mut problems = Vec::new();
    if let Some(dir) = dir {
        let (saved, errors) = profile::load_profiles(dir);
        problems.extend(errors.iter().map(ToString::to_string));
        for saved_profile in saved {
            match profiles.iter_mut().find(|p| p.name == saved_profile.name) {
                Some(existing) => *existing = saved_profile,
                None => profiles.push(saved_profile),
            }
        }
    }
    (profiles, problems)
}

fn out(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).map_err(|error| format!("cannot write: {error}"))
}

/// Runs a `profiles` action; errors are one line on stderr, exit code 1
/// (2 for a profile that does not exist).
pub fn run(args: &ProfilesArgs) -> ExitCode {
    let dir = args.dir.clone().or_else(profile::default_profile_dir);
    let (profiles, problems) = all_profiles(dir.as_deref());
    for problem in &problems {
        eprintln!("topicscope profiles: not loaded: {problem}");
    }
    let find = |name: &str| profiles.iter().find(|profile| profile.name == name);
    let result = match &args.action {
        ProfilesAction::List => {
            let lines: String = profiles
                .iter()
                .map(|p| format!("{}\t{}\t{}\t{}\n", p.name, p.address(), p.transport.label(), p.protocol))
                .collect();
            out(&lines)
        }
        ProfilesAction::Show { name } => match find(name) {
            Some(found) => profile_exchange::export_bundle(std::slice::from_ref(found), false)
                .map_err(|error| error.to_string())
                .and_then(|text| out(&text)),
            None => return unknown(name),
        },
        ProfilesAction::Export { names, all, output, include_passwords } => {
            let chosen: Vec<ConnectionProfile> = if *all {
                profiles.clone()
            } else {
                let mut chosen = Vec::new();
                for name in names {
                    match find(name) {
                        Some(found) => chosen.push(found.clone()),
                        None => return unknown(name),
                    }
                }
                chosen
            };
            if chosen.is_empty() {
                Err("name the profiles to export, or use --all".to_owned())
            } else {
                profile_exchange::export_bundle(&chosen, *include_passwords)
                    .map_err(|error| error.to_string())
                    .and_then(|text| match output {
                        Some(path) => {
                            topicscope::core::fs::write_private(path, &text).map_err(|error| error.to_string())
                        }
                        None => out(&text),
                    })
            }
        }
        ProfilesAction::Import { files } => import(files, dir.as_deref(), &profiles),
        ProfilesAction::FromCommand { text, name, save } => from_command(text, name.as_deref(), *save, dir.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("topicscope profiles: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `profiles from-command`: the profile as RON on stdout, what was left out
/// on stderr, saved with `--save`.
fn from_command(text: &str, name: Option<&str>, save: bool, dir: Option<&std::path::Path>) -> Result<(), String> {
    let read = profile::profile_from_command(text).map_err(|error| error.to_string())?;
    let mut made = read.profile;
    if let Some(name) = name.map(str::trim).filter(|name| !name.is_empty()) {
        made.name = name.to_owned();
    }
    if !read.ignored.is_empty() {
        eprintln!("topicscope profiles: left out (not connection settings): {}", read.ignored.join(" "));
    }
    if !made.password.is_empty() {
        eprintln!(
            "topicscope profiles: the password is not saved in the profile: type it in the window, or choose where it comes from in the profile editor"
        );
    }
    out(&profile::profile_to_ron(&made).map_err(|error| error.to_string())?)?;
    out("\n")?;
    if save {
        let dir = dir.ok_or("no profile folder (give --dir DIR)")?;
        let path = profile::save_profile(dir, &made).map_err(|error| error.to_string())?;
        eprintln!("saved profile '{}' to {}", made.name, path.display());
    }
    Ok(())
}

fn unknown(name: &str) -> ExitCode {
    eprintln!("topicscope profiles: no profile named '{name}' (see `topicscope profiles list`)");
    ExitCode::from(2)
}

fn import(files: &[PathBuf], dir: Option<&std::path::Path>, existing: &[ConnectionProfile]) -> Result<(), String> {
    let dir = dir.ok_or("this platform has no configuration folder; use --dir")?;
    let mut names: Vec<String> = existing.iter().map(|profile| profile.name.clone()).collect();
    let mut failed = false;
    for file in files {
        let report = profile_exchange::import_file(file).map_err(|error| error.to_string())?;
        for line in &report.skipped {
            eprintln!("topicscope profiles: {}: skipped {line}", file.display());
        }
        for line in &report.errors {
            eprintln!("topicscope profiles: {}: not imported: {line}", file.display());
            failed = true;
        }
        let mut profiles = report.profiles;
        profile_exchange::resolve_name_clashes(&names, &mut profiles);
        for imported in profiles {
            let path = profile::save_profile(dir, &imported).map_err(|error| error.to_string())?;
            out(&format!("imported {} → {}\n", imported.name, path.display()))?;
            names.push(imported.name);
        }
    }
    if failed { Err("some entries were not imported (see above)".to_owned()) } else { Ok(()) }
}
