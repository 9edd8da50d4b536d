//! Who may connect to the embedded broker and what they may do there.
//!
//! Passwords are stored the way `mosquitto_passwd` writes them (`$7$`:
//! PBKDF2-HMAC-SHA512, and the older `$6$`: salted SHA-512), so password
//! files move between mosquitto and topicscope in both directions. The ACL is
//! mosquitto's `acl_file`: `topic` lines before any `user` line apply to
//! anonymous clients, `user NAME` starts a user's rules, and `pattern`
//! lines apply to everyone with `%u` (user name) and `%c` (client id)
//! substituted. A topic is allowed when the first rule that matches it and
//! grants the access says so; `deny` rules are looked at first, as mosquitto
//! orders them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use pbkdf2::sha2::{Digest, Sha512};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::topic::{self, topic_matches};

/// PBKDF2 rounds for new hashes: far above mosquitto_passwd's 101 while
/// costing a few milliseconds per CONNECT.
const NEW_HASH_ITERATIONS: u32 = 10_000;
/// The most PBKDF2 rounds a stored hash may ask for: a hash with four
/// billion rounds (a damaged or hostile password file) would otherwise hold
/// every CONNECT of that user for minutes. mosquitto_passwd's default is 101.
pub const MAX_HASH_ITERATIONS: u32 = 1_000_000;
/// Salt length mosquitto_passwd uses.
const SALT_LEN: usize = 12;
/// SHA-512 output length.
const HASH_LEN: usize = 64;

/// Why a stored password hash cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PasswordError {
    /// Not `$6$salt$hash` or `$7$iterations$salt$hash`.
    #[error("not a mosquitto password hash ($6$… or $7$…)")]
    UnknownFormat,
    /// Salt or hash are not base64, or have the wrong length.
    #[error("damaged password hash: {0}")]
    Damaged(String),
    /// The OS random source failed.
    #[error("cannot make a random salt: {0}")]
    Random(String),
}

/// Hashes a password in mosquitto_passwd's `$7$` form.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0_u8; SALT_LEN];
    getrandom::fill(&mut salt).map_err(|error| PasswordError::Random(error.to_string()))?;
    let mut hash = [0_u8; HASH_LEN];
    pbkdf2::pbkdf2_hmac::<Sha512>(password.as_bytes(), &salt, NEW_HASH_ITERATIONS, &mut hash);
    Ok(format!("$7${NEW_HASH_ITERATIONS}${}${}", BASE64.encode(salt), BASE64.encode(hash)))
}

/// A stored hash, parsed but not yet compared with anything.
enum StoredHash {
    /// `$7$iterations$salt$hash`: PBKDF2-HMAC-SHA512.
    Pbkdf2 { iterations: u32, salt: Vec<u8>, hash: Vec<u8> },
    /// `$6$salt$hash`: SHA-512 of password then salt.
    Salted { salt: Vec<u8>, hash: Vec<u8> },
}

fn parse_hash(stored: &str) -> Result<StoredHash, PasswordError> {
    let decode = |text: &str, what: &str| {
        BASE64.decode(text).map_err(|error| PasswordError::Damaged(format!("{what} is not base64: {error}")))
    };
    match stored.strip_prefix('$').and_then(|rest| rest.split_once('$')) {
        Some(("7", rest)) => {
            let mut parts = rest.split('$');
            let (Some(iterations), Some(salt), Some(hash), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(PasswordError::UnknownFormat);
            };
            let iterations = iterations
                .parse::<u32>()
                .ok()
                .filter(|count| *count > 0)
                .ok_or_else(|| PasswordError::Damaged(format!("'{iterations}' is not an iteration count")))?;
            if iterations > MAX_HASH_ITERATIONS {
                return Err(PasswordError::Damaged(format!(
                    "{iterations} rounds; at most {MAX_HASH_ITERATIONS} are accepted (each connect would wait for them)"
                )));
            }
            let salt = decode(salt, "salt")?;
            let hash = decode(hash, "hash")?;
            if hash.is_empty() {
                return Err(PasswordError::Damaged("hash is empty".into()));
            }
            Ok(StoredHash::Pbkdf2 { iterations, salt, hash })
        }
        Some(("6", rest)) => {
            let (salt, hash) = rest.split_once('$').ok_or(PasswordError::UnknownFormat)?;
            let salt = decode(salt, "salt")?;
            let hash = decode(hash, "hash")?;
            if hash.len() != HASH_LEN {
                return Err(PasswordError::Damaged(format!("hash is {} bytes, expected {HASH_LEN}", hash.len())));
            }
            Ok(StoredHash::Salted { salt, hash })
        }
        _ => Err(PasswordError::UnknownFormat),
    }
}

/// Checks that a stored hash can be used, without the cost of deriving a key
/// (the settings form validates on every frame).
pub fn check_hash(stored: &str) -> Result<(), PasswordError> {
    parse_hash(stored).map(|_| ())
}

/// True when `password` is the one `stored` was made from.
pub fn verify_password(stored: &str, password: &[u8]) -> Result<bool, PasswordError> {
    let (expected, computed) = match parse_hash(stored)? {
        StoredHash::Pbkdf2 { iterations, salt, hash } => {
            let mut derived = vec![0_u8; hash.len()];
            pbkdf2::pbkdf2_hmac::<Sha512>(password, &salt, iterations, &mut derived);
            (hash, derived)
        }
        StoredHash::Salted { salt, hash } => {
            let mut digest = Sha512::new();
            digest.update(password);
            digest.update(&salt);
            (hash, digest.finalize().to_vec())
        }
    };
    // Constant time: look at every byte whatever the first difference.
    Ok(expected.iter().zip(&computed).fold(0_u8, |diff, (a, b)| diff | (a ^ b)) == 0)
}

/// What an ACL rule allows on its topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    /// Subscribe and receive.
    Read,
    /// Publish.
    Write,
    /// Both.
    ReadWrite,
    /// Neither: stops the search with a refusal.
    Deny,
}

impl Access {
    fn grants(self, wanted: Access) -> bool {
        matches!((self, wanted), (Access::ReadWrite, _) | (Access::Read, Access::Read) | (Access::Write, Access::Write))
    }

    fn mosquitto_word(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::ReadWrite => "readwrite",
            Access::Deny => "deny",
        }
    }
}

/// One `topic` or `pattern` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclRule {
    /// What it allows.
    pub access: Access,
    /// A topic filter (`+`/`#` allowed); in patterns, `%u` and `%c` too.
    pub topic: String,
}

/// mosquitto's `acl_file`, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Acl {
    /// Rules for clients without a user name.
    pub anonymous: Vec<AclRule>,
    /// Rules per user name.
    pub users: BTreeMap<String, Vec<AclRule>>,
    /// Rules for every client, with `%u` / `%c` substituted.
    pub patterns: Vec<AclRule>,
}

/// Why the broker's user list cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UsersError {
    /// A user without a name.
    #[error("a user has an empty name")]
    EmptyName,
    /// A stored hash that cannot be read.
    #[error("user {user}: {error}")]
    Hash {
        /// Whose.
        user: String,
        /// What is wrong with it.
        error: PasswordError,
    },
}

/// A line of an ACL file that cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}: {message}")]
pub struct AclParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Acl {
    /// Parses mosquitto's `acl_file` syntax (comments with `#`, blank lines ignored).
    pub fn parse_mosquitto(text: &str) -> Result<Self, AclParseError> {
        let mut acl = Acl::default();
        let mut current_user: Option<String> = None;
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let error = |message: String| AclParseError { line: index + 1, message };
            let (keyword, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let rest = rest.trim();
            match keyword {
                "user" => {
                    if rest.is_empty() {
                        return Err(error("'user' needs a user name".into()));
                    }
                    acl.users.entry(rest.to_owned()).or_default();
                    current_user = Some(rest.to_owned());
                }
                "topic" | "pattern" => {
                    let rule = parse_rule(rest, index + 1)?;
                    if keyword == "pattern" {
                        acl.patterns.push(rule);
                    } else if let Some(user) = &current_user {
                        acl.users.entry(user.clone()).or_default().push(rule);
                    } else {
                        acl.anonymous.push(rule);
                    }
                }
                other => {
                    return Err(error(format!("'{other}' is not an ACL keyword (topic, user, pattern)")));
                }
            }
        }
        Ok(acl)
    }

    /// Writes the rules back in mosquitto's `acl_file` syntax.
    pub fn to_mosquitto(&self) -> String {
        let mut text = String::new();
        let line = |text: &mut String, keyword: &str, rule: &AclRule| {
            text.push_str(&format!("{keyword} {} {}\n", rule.access.mosquitto_word(), rule.topic));
        };
        for rule in &self.anonymous {
            line(&mut text, "topic", rule);
        }
        for (user, rules) in &self.users {
            text.push_str(&format!("\nuser {user}\n"));
            for rule in rules {
                line(&mut text, "topic", rule);
            }
        }
        if !self.patterns.is_empty() {
            text.push('\n');
        }
        for rule in &self.patterns {
            line(&mut text, "pattern", rule);
        }
        text
    }

    /// May this client read (receive) or write (publish) `topic`?
    pub fn allows(&self, user: Option<&str>, client_id: &str, topic: &str, wanted: Access) -> bool {
        for (access, rule_topic) in self.rules_for(user, client_id) {
            if !topic_matches(&rule_topic, topic) {
                continue;
            }
            if access == Access::Deny {
                return false;
            }
            if access.grants(wanted) {
                return true;
            }
        }
        false
    }

    /// May this client subscribe to `filter`? Yes when some rule lets it
    /// read a topic the filter can match (as mosquitto, messages it may not
    /// read are then withheld one by one); a filter that can only ever match
    /// forbidden topics is refused outright.
    pub fn allows_subscription(&self, user: Option<&str>, client_id: &str, filter: &str) -> bool {
        let filter = topic::shared_subscription_inner(filter);
        // Wholly inside a deny rule, it could never be sent anything: say so
        // in the SUBACK rather than grant a silent subscription (mosquitto
        // grants it).
        if self
            .rules_for(user, client_id)
            .any(|(access, rule_topic)| access == Access::Deny && filter_within(filter, &rule_topic))
        {
            return false;
        }
        self.rules_for(user, client_id)
            .any(|(access, rule_topic)| access.grants(Access::Read) && filters_overlap(&rule_topic, filter))
    }

    /// The rules that apply to a client, in mosquitto's order: its own (or
    /// the anonymous ones), then the patterns with `%u`/`%c` filled in;
    /// within each list `deny` rules first, as mosquitto orders them. Runs
    /// per delivered message when an ACL is on, so it borrows rather than
    /// copies (only a pattern with a placeholder makes a string).
    fn rules_for<'a>(
        &'a self,
        user: Option<&'a str>,
        client_id: &'a str,
    ) -> impl Iterator<Item = (Access, Cow<'a, str>)> + 'a {
        let own = match user {
            Some(name) => self.users.get(name).map(Vec::as_slice).unwrap_or_default(),
            None => &self.anonymous,
        };
        let own = denies_first(own).map(|rule| (rule.access, Cow::Borrowed(rule.topic.as_str())));
        let patterns = denies_first(&self.patterns).filter_map(move |rule| {
            // mosquitto refuses to expand names that would act as wildcards.
            let unsafe_name = |name: &str| name.contains(['+', '#', '/']);
            let mut topic = Cow::Borrowed(rule.topic.as_str());
            if topic.contains("%u") {
                let name = user.filter(|name| !unsafe_name(name))?;
                topic = Cow::Owned(topic.replace("%u", name));
            }
            if topic.contains("%c") {
                if unsafe_name(client_id) {
                    return None;
                }
                topic = Cow::Owned(topic.replace("%c", client_id));
            }
            Some((rule.access, topic))
        });
        own.chain(patterns)
    }
}

/// A rule list with its `deny` rules first, order otherwise kept.
fn denies_first(rules: &[AclRule]) -> impl Iterator<Item = &AclRule> {
    let deny = rules.iter().filter(|rule| rule.access == Access::Deny);
    deny.chain(rules.iter().filter(|rule| rule.access != Access::Deny))
}

fn parse_rule(rest: &str, line: usize) -> Result<AclRule, AclParseError> {
    let error = |message: String| AclParseError { line, message };
    let (access, topic) = match rest.split_once(char::is_whitespace) {
        Some((word @ ("read" | "write" | "readwrite" | "deny"), topic)) => {
            let access = match word {
                "read" => Access::Read,
                "write" => Access::Write,
                "deny" => Access::Deny,
                _ => Access::ReadWrite,
            };
            (access, topic.trim())
        }
        // mosquitto: no access word means readwrite.
        _ => (Access::ReadWrite, rest),
    };
    if topic.is_empty() {
        return Err(error("a rule needs a topic".into()));
    }
    topic::validate_topic_filter(&topic.replace("%u", "u").replace("%c", "c"))
        .map_err(|problem| error(format!("'{topic}': {problem}")))?;
    Ok(AclRule { access, topic: topic.to_owned() })
}

/// True when every topic `inner` matches, `outer` matches too (a
/// subscription wholly inside an ACL rule's filter).
pub fn filter_within(inner: &str, outer: &str) -> bool {
    // Filters that start with a wildcard do not reach `$` topics.
    if inner.starts_with('$') && outer.starts_with(['+', '#']) {
        return false;
    }
    let mut inner_levels = inner.split('/');
    let mut outer_levels = outer.split('/');
    loop {
        match (inner_levels.next(), outer_levels.next()) {
            // `a/#` covers `a` and everything below it.
            (_, Some("#")) | (None, None) => return true,
            (Some("#"), _) => return false,
            (Some("+"), Some("+")) => {}
            (Some(level), Some(rule)) if rule == "+" && level != "+" => {}
            (Some(level), Some(rule)) if level == rule => {}
            _ => return false,
        }
    }
}

/// True when some topic name matches both filters.
pub fn filters_overlap(a: &str, b: &str) -> bool {
    // `$` topics are only reachable by filters that name their first level.
    let dollar = |filter: &str| filter.starts_with('$');
    let leading_wildcard = |filter: &str| filter.starts_with(['+', '#']);
    if (dollar(a) && leading_wildcard(b)) || (dollar(b) && leading_wildcard(a)) {
        return false;
    }
    let mut left = a.split('/');
    let mut right = b.split('/');
    loop {
        match (left.next(), right.next()) {
            (Some("#"), _) | (_, Some("#")) => return true,
            (None, None) => return true,
            (Some(x), Some(y)) if x == "+" || y == "+" || x == y => {}
            _ => return false,
        }
    }
}

/// The embedded broker's access control: who may connect, what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessControl {
    /// Accept clients that send no user name.
    pub allow_anonymous: bool,
    /// User name → password hash (`$7$…`); empty means no password checks.
    pub users: BTreeMap<String, String>,
    /// `None`: every connected client may do everything (mosquitto without
    /// an `acl_file`).
    pub acl: Option<Acl>,
}

impl Default for AccessControl {
    fn default() -> Self {
        Self { allow_anonymous: true, users: BTreeMap::new(), acl: None }
    }
}

/// The answer to a CONNECT, before it becomes a CONNACK reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectVerdict {
    /// Accepted.
    Accept,
    /// Wrong password or unknown user (3.1.1: 4, MQTT 5: 0x86).
    BadCredentials,
    /// No user name where one is required (3.1.1: 5, MQTT 5: 0x87).
    NotAuthorized,
}

impl AccessControl {
    /// Decides a CONNECT from its user name and password.
    pub fn check_connect(&self, user: Option<&str>, password: Option<&[u8]>) -> ConnectVerdict {
        let Some(user) = user else {
            return if self.allow_anonymous { ConnectVerdict::Accept } else { ConnectVerdict::NotAuthorized };
        };
        if self.users.is_empty() {
            // No password file: a user name is just a label, as in mosquitto.
            return if self.allow_anonymous { ConnectVerdict::Accept } else { ConnectVerdict::NotAuthorized };
        }
        let Some(stored) = self.users.get(user) else {
            // An unknown user costs what a wrong password costs (a real
            // user's hash is checked and the result thrown away), and gets
            // the same answer: neither time nor code tells which names exist.
            if let Some(any) = self.users.values().next() {
                let _ = verify_password(any, password.unwrap_or_default());
            }
            return ConnectVerdict::BadCredentials;
        };
        match verify_password(stored, password.unwrap_or_default()) {
            Ok(true) => ConnectVerdict::Accept,
            Ok(false) => ConnectVerdict::BadCredentials,
            Err(error) => {
                tracing::warn!("user {user}: {error}; refusing the connection");
                ConnectVerdict::BadCredentials
            }
        }
    }

    /// Checks every stored hash, naming the first user whose hash cannot be read.
    pub fn validate(&self) -> Result<(), UsersError> {
        for (user, stored) in &self.users {
            if user.is_empty() {
                return Err(UsersError::EmptyName);
            }
            check_hash(stored).map_err(|error| UsersError::Hash { user: user.clone(), error })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_user_takes_as_long_as_a_wrong_password_and_gets_the_same_answer() {
        let mut access = AccessControl::default();
        for user in ["alice", "bob"] {
            access.users.insert(user.into(), hash_password("secret").unwrap_or_default());
        }
        let median = |user: &str| {
            let mut times: Vec<std::time::Duration> = (0..7)
                .map(|_| {
                    let started = std::time::Instant::now();
                    assert_eq!(access.check_connect(Some(user), Some(b"guess")), ConnectVerdict::BadCredentials);
                    started.elapsed()
                })
                .collect();
            times.sort();
            times[3]
        };
        let (unknown, wrong) = (median("mallory"), median("alice"));
        // Both run the same PBKDF2; without it an unknown name answered at once.
        let ratio = unknown.as_secs_f64() / wrong.as_secs_f64().max(1e-9);
        assert!((0.33..3.0).contains(&ratio), "unknown {unknown:?} vs wrong password {wrong:?}");
    }

    #[test]
    fn a_filter_is_within_another_when_every_topic_it_matches_is() {
        for (inner, outer) in [
            ("a/b", "a/b"),
            ("a/b", "a/+"),
            ("a/+", "a/+"),
            ("a/+", "a/#"),
            ("a", "a/#"),
            ("a/#", "a/#"),
            ("a/b/c", "#"),
            ("+/b", "+/+"),
        ] {
            assert!(filter_within(inner, outer), "{inner} within {outer}");
        }
        for (inner, outer) in [
            ("a/#", "a/+"),
            ("#", "+"),
            ("a/+", "a/b"),
            ("a/b", "a/b/c"),
            ("a/b/c", "a/b"),
            ("$SYS/x", "#"),
            ("a/#", "a"),
        ] {
            assert!(!filter_within(inner, outer), "{inner} not within {outer}");
        }
    }

    #[test]
    fn new_hashes_verify_and_wrong_passwords_do_not() {
        let stored = hash_password("s3cret").expect("random source");
        assert!(stored.starts_with("$7$10000$"));
        assert_eq!(verify_password(&stored, b"s3cret"), Ok(true));
        assert_eq!(verify_password(&stored, b"s3cret "), Ok(false));
        assert_ne!(stored, hash_password("s3cret").expect("random source"), "salted");
    }

    #[test]
    fn mosquitto_passwd_hashes_verify() {
        // `mosquitto_passwd -b pw alice secret` (mosquitto 2.0.11).
        let stored = "$7$101$yDMKhRxCVsMdAMD0$WPCa+U0H15mX88MYT9SewuTbYqTwTtWegyRce8agZq+75BF0qnh6gxeT3ozYycsIvcF2FyViXX5OXNPRYhCH8A==";
        assert_eq!(verify_password(stored, b"secret"), Ok(true));
        assert_eq!(verify_password(stored, b"Secret"), Ok(false));
        // `$6$`: SHA-512 of password then salt.
        let salt = b"0123456789ab";
        let mut digest = Sha512::new();
        digest.update(b"pw");
        digest.update(salt);
        let old = format!("$6${}${}", BASE64.encode(salt), BASE64.encode(digest.finalize()));
        assert_eq!(verify_password(&old, b"pw"), Ok(true));
        assert_eq!(verify_password("plain", b"plain"), Err(PasswordError::UnknownFormat));
        // Four billion rounds would hold every connect for minutes: refused
        // without deriving anything.
        let slow = stored.replace("$7$101$", "$7$4000000000$");
        assert!(matches!(check_hash(&slow), Err(PasswordError::Damaged(why)) if why.contains("at most 1000000")));
        assert!(matches!(verify_password("$7$x$AAAA$AAAA", b""), Err(PasswordError::Damaged(_))));
        assert!(matches!(verify_password("$7$10$!!$AAAA", b""), Err(PasswordError::Damaged(_))));
    }

    #[test]
    fn connect_verdicts_follow_the_spec_codes() {
        let mut control = AccessControl::default();
        assert_eq!(control.check_connect(None, None), ConnectVerdict::Accept);
        assert_eq!(control.check_connect(Some("anyone"), Some(b"x")), ConnectVerdict::Accept);
        control.users.insert("alice".into(), hash_password("pw").expect("random"));
        control.allow_anonymous = false;
        assert_eq!(control.check_connect(Some("alice"), Some(b"pw")), ConnectVerdict::Accept);
        assert_eq!(control.check_connect(Some("alice"), Some(b"no")), ConnectVerdict::BadCredentials);
        assert_eq!(control.check_connect(Some("alice"), None), ConnectVerdict::BadCredentials);
        assert_eq!(control.check_connect(Some("mallory"), Some(b"pw")), ConnectVerdict::BadCredentials);
        assert_eq!(control.check_connect(None, None), ConnectVerdict::NotAuthorized);
        assert_eq!(control.validate(), Ok(()));
        control.users.insert("bob".into(), "plaintext".into());
        assert!(control.validate().unwrap_err().to_string().contains("user bob"));
    }

    const ACL: &str = "
# anonymous clients
topic read public/#

user alice
topic readwrite sensors/#
topic deny sensors/secret
topic write commands/+/set

user bob
topic sensors/bob/#

pattern read devices/%c/state
pattern readwrite users/%u/#
";

    #[test]
    fn mosquitto_acl_rules_decide_like_mosquitto() {
        let acl = Acl::parse_mosquitto(ACL).expect("valid");
        assert_eq!(acl.anonymous.len(), 1);
        assert_eq!(acl.users["alice"].len(), 3);
        assert_eq!(acl.users["bob"][0].access, Access::ReadWrite, "no access word is readwrite");
        let alice = |topic: &str, access| acl.allows(Some("alice"), "c1", topic, access);
        assert!(alice("sensors/kitchen/temp", Access::Write));
        assert!(alice("sensors/kitchen/temp", Access::Read));
        // Deny rules are checked first (mosquitto moves them to the front).
        assert!(!alice("sensors/secret", Access::Read));
        assert!(!alice("sensors/secret", Access::Write));
        assert!(alice("commands/lamp/set", Access::Write));
        assert!(!alice("commands/lamp/set", Access::Read));
        assert!(!alice("public/news", Access::Read), "anonymous rules are not alice's");
        assert!(acl.allows(None, "c1", "public/news", Access::Read));
        assert!(!acl.allows(None, "c1", "public/news", Access::Write));
        // Patterns: %c and %u.
        assert!(acl.allows(None, "lamp-1", "devices/lamp-1/state", Access::Read));
        assert!(!acl.allows(None, "lamp-1", "devices/lamp-2/state", Access::Read));
        assert!(acl.allows(Some("bob"), "x", "users/bob/inbox", Access::Write));
        assert!(!acl.allows(Some("bob"), "x", "users/alice/inbox", Access::Write));
        assert!(!acl.allows(None, "x", "users//inbox", Access::Write), "%u needs a user name");
        assert!(!acl.allows(Some("a/#"), "x", "users/a/#", Access::Write), "names acting as wildcards");
        // Deny stops the search.
        let acl = Acl::parse_mosquitto("user carol\ntopic deny secret/#\ntopic readwrite #\n").expect("valid");
        assert!(!acl.allows(Some("carol"), "c", "secret/x", Access::Read));
        assert!(acl.allows(Some("carol"), "c", "other", Access::Read));
        assert!(!acl.allows(Some("carol"), "c", "$SYS/broker/uptime", Access::Read), "# skips $ topics");
    }

    #[test]
    fn subscriptions_are_refused_only_when_nothing_readable_can_match() {
        let acl = Acl::parse_mosquitto(ACL).expect("valid");
        assert!(acl.allows_subscription(Some("alice"), "c", "sensors/+/temp"));
        assert!(acl.allows_subscription(Some("alice"), "c", "#"), "overlaps sensors/#");
        assert!(!acl.allows_subscription(Some("alice"), "c", "commands/#"), "write only");
        assert!(!acl.allows_subscription(None, "c", "private/#"));
        assert!(acl.allows_subscription(None, "lamp", "$share/g/devices/lamp/state"));
        assert!(!acl.allows_subscription(None, "c", "$SYS/#"));
    }

    #[test]
    fn acl_files_report_the_bad_line_and_round_trip() {
        let error = Acl::parse_mosquitto("topic read a\nuser\n").unwrap_err();
        assert_eq!(error.line, 2);
        let error = Acl::parse_mosquitto("\n\ntopic read a/#/b\n").unwrap_err();
        assert_eq!(error.line, 3);
        assert!(error.message.contains("a/#/b"), "{error}");
        assert!(Acl::parse_mosquitto("allow all").unwrap_err().message.contains("not an ACL keyword"));
        let acl = Acl::parse_mosquitto(ACL).expect("valid");
        assert_eq!(Acl::parse_mosquitto(&acl.to_mosquitto()), Ok(acl));
    }

    #[test]
    fn overlapping_filters() {
        assert!(filters_overlap("a/#", "#"));
        assert!(filters_overlap("a/+/c", "a/b/+"));
        assert!(filters_overlap("a", "a/#"), "# matches the parent level");
        assert!(!filters_overlap("a/b", "a/c"));
        assert!(!filters_overlap("a/+", "a/b/c"));
        assert!(!filters_overlap("$SYS/#", "#"));
        assert!(filters_overlap("$SYS/#", "$SYS/broker/+"));
    }
}
