//! `{{name}}` placeholders in topics and payloads: a profile's own
//! variables and built-ins (`{{timestamp}}`, `{{iso_time}}`, `{{uuid}}`,
//! `{{counter}}`, `{{random_int(a,b)}}`, `{{random_float(a,b)}}`).
//!
//! A template is parsed once (syntax errors name their position), checked
//! against the variables it may use (an unknown one is an error, never
//! sent literally), and rendered per message. Rendering is what a preview
//! shows and what is sent: the caller renders once and sends that text.
//! `\{{` writes a literal `{{`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use rand::Rng;

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Variable { name: String, at: usize },
    Builtin(Builtin),
}

/// The built-in placeholders.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Builtin {
    /// Milliseconds since the Unix epoch.
    Timestamp,
    /// RFC 3339 UTC time with milliseconds, e.g. `2026-11-22T10:00:00.000Z`.
    IsoTime,
    /// A random (version 4) UUID.
    Uuid,
    /// The message's number in a run: 1, 2, 3 …
    Counter,
    /// A random integer in `a..=b`.
    RandomInt(i64, i64),
    /// A random number in `a..b`.
    RandomFloat(f64, f64),
}

/// Why a template cannot be used; `at` is the 1-based character position
/// of the placeholder in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Character position (1-based) of the offending `{{`.
    pub at: usize,
    /// What is wrong.
    pub kind: TemplateErrorKind,
}

/// What is wrong with a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateErrorKind {
    /// `{{` without a closing `}}`.
    Unclosed,
    /// `{{}}` or only spaces.
    Empty,
    /// A name with characters other than letters, digits, `_`, `-`, `.`.
    BadName(String),
    /// A built-in called with the wrong arguments.
    BadArguments(String),
    /// Neither a built-in nor one of the profile's variables.
    UnknownVariable(String),
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.at;
        match &self.kind {
            TemplateErrorKind::Unclosed => write!(f, "'{{{{' at position {at} is not closed with '}}}}'"),
            TemplateErrorKind::Empty => write!(f, "empty placeholder at position {at}"),
            TemplateErrorKind::BadName(name) => {
                write!(f, "'{name}' at position {at} is not a variable name (letters, digits, '_', '-', '.')")
            }
            TemplateErrorKind::BadArguments(detail) => write!(f, "at position {at}: {detail}"),
            TemplateErrorKind::UnknownVariable(name) => write!(f, "unknown variable '{{{{{name}}}}}' at position {at}"),
        }
    }
}

impl std::error::Error for TemplateError {}

/// What a render may use besides the template itself.
#[derive(Debug, Clone)]
pub struct RenderContext<'a> {
    /// The profile's variables.
    pub variables: &'a BTreeMap<String, String>,
    /// `{{counter}}` for this message.
    pub counter: u64,
    /// `{{timestamp}}` and `{{iso_time}}` for this message.
    pub now: DateTime<Utc>,
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

fn number_arguments<T: std::str::FromStr + PartialOrd + Copy>(
    function: &str,
    inside: &str,
    at: usize,
) -> Result<(T, T), TemplateError> {
    let bad = |detail: String| TemplateError { at, kind: TemplateErrorKind::BadArguments(detail) };
    let arguments = inside
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .ok_or_else(|| bad(format!("{function} needs two numbers: {function}(a,b)")))?;
    let parsed: Vec<Option<T>> = arguments.split(',').map(|value| value.trim().parse().ok()).collect();
    match parsed.as_slice() {
        [Some(low), Some(high)] if low <= high => Ok((*low, *high)),
        [Some(_), Some(_)] => Err(bad(format!("{function}({arguments}): the first number must not be larger"))),
        _ => Err(bad(format!("{function}({arguments}) needs two numbers: {function}(a,b)"))),
    }
}

fn placeholder(inside: &str, at: usize) -> Result<Part, TemplateError> {
    let inside = inside.trim();
    if inside.is_empty() {
        return Err(TemplateError { at, kind: TemplateErrorKind::Empty });
    }
    let builtin = match inside {
        "timestamp" => Some(Builtin::Timestamp),
        "iso_time" => Some(Builtin::IsoTime),
        "uuid" => Some(Builtin::Uuid),
        "counter" => Some(Builtin::Counter),
        _ => None,
    };
    if let Some(builtin) = builtin {
        return Ok(Part::Builtin(builtin));
    }
    if let Some(arguments) = inside.strip_prefix("random_int") {
        let (low, high) = number_arguments::<i64>("random_int", arguments.trim(), at)?;
        return Ok(Part::Builtin(Builtin::RandomInt(low, high)));
    }
    if let Some(arguments) = inside.strip_prefix("random_float") {
        let (low, high) = number_arguments::<f64>("random_float", arguments.trim(), at)?;
        if !(low.is_finite() && high.is_finite()) {
            return Err(TemplateError {
                at,
                kind: TemplateErrorKind::BadArguments("random_float needs finite numbers".into()),
            });
        }
        return Ok(Part::Builtin(Builtin::RandomFloat(low, high)));
    }
    if !inside.chars().all(is_name_char) {
        return Err(TemplateError { at, kind: TemplateErrorKind::BadName(inside.to_owned()) });
    }
    Ok(Part::Variable { name: inside.to_owned(), at })
}

impl Template {
    /// Parses a text; only syntax is checked here (see [`Template::check`]).
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        let mut consumed_chars = 0;
        while let Some(open) = rest.find("{{") {
            let escaped = rest[..open].ends_with('\\');
            let before = &rest[..open - usize::from(escaped)];
            literal.push_str(before);
            let at = consumed_chars + rest[..open].chars().count() + 1;
            if escaped {
                literal.push_str("{{");
                consumed_chars += rest[..open + 2].chars().count();
                rest = &rest[open + 2..];
                continue;
            }
            let after = &rest[open + 2..];
            let close = after.find("}}").ok_or(TemplateError { at, kind: TemplateErrorKind::Unclosed })?;
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(placeholder(&after[..close], at)?);
            consumed_chars += rest[..open + 2 + close + 2].chars().count();
            rest = &after[close + 2..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Self { parts })
    }

    /// True when the text has no placeholders (rendering changes nothing).
    pub fn is_literal(&self) -> bool {
        self.parts.iter().all(|part| matches!(part, Part::Text(_)))
    }

    /// The profile variables the template uses, in order of appearance.
    pub fn variables(&self) -> Vec<&str> {
        self.parts
            .iter()
            .filter_map(|part| match part {
                Part::Variable { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The first variable that is neither a built-in nor in `variables`.
    pub fn check(&self, variables: &BTreeMap<String, String>) -> Result<(), TemplateError> {
        for part in &self.parts {
            if let Part::Variable { name, at } = part
                && !variables.contains_key(name)
            {
                return Err(TemplateError { at: *at, kind: TemplateErrorKind::UnknownVariable(name.clone()) });
            }
        }
        Ok(())
    }

    /// The text with every placeholder filled.
    pub fn render(&self, context: &RenderContext<'_>, rng: &mut impl Rng) -> Result<String, TemplateError> {
        self.check(context.variables)?;
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Variable { name, .. } => {
                    if let Some(value) = context.variables.get(name) {
                        out.push_str(value);
                    }
                }
                Part::Builtin(builtin) => out.push_str(&render_builtin(*builtin, context, rng)),
            }
        }
        Ok(out)
    }
}

fn render_builtin(builtin: Builtin, context: &RenderContext<'_>, rng: &mut impl Rng) -> String {
    match builtin {
        Builtin::Timestamp => context.now.timestamp_millis().to_string(),
        Builtin::IsoTime => context.now.to_rfc3339_opts(SecondsFormat::Millis, true),
        Builtin::Uuid => uuid::Builder::from_random_bytes(rng.random()).into_uuid().to_string(),
        Builtin::Counter => context.counter.to_string(),
        Builtin::RandomInt(low, high) => rng.random_range(low..=high).to_string(),
        Builtin::RandomFloat(low, high) if low == high => low.to_string(),
        // Interpolated, not rng.random_range(low..high): that panics when
        // high - low overflows (random_float(-1e308, 1e308)).
        Builtin::RandomFloat(low, high) => {
            let share: f64 = rng.random();
            (low * (1.0 - share) + high * share).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use rand::SeedableRng as _;

    use super::*;

    fn context(variables: &BTreeMap<String, String>) -> RenderContext<'_> {
        RenderContext {
            variables,
            counter: 7,
            now: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).single().expect("time")
                + chrono::Duration::milliseconds(250),
        }
    }

    fn render(text: &str, variables: &BTreeMap<String, String>) -> Result<String, TemplateError> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        Template::parse(text)?.render(&context(variables), &mut rng)
    }

    #[test]
    fn variables_and_fixed_built_ins_fill_in() {
        let variables = BTreeMap::from([("site".to_owned(), "plant-2".to_owned()), ("unit".to_owned(), "°C".into())]);
        assert_eq!(render("sensors/{{site}}/temp", &variables).as_deref(), Ok("sensors/plant-2/temp"));
        assert_eq!(
            render(r#"{"n": {{counter}}, "at": {{timestamp}}, "iso": "{{ iso_time }}", "u": "{{unit}}"}"#, &variables)
                .as_deref(),
            Ok(r#"{"n": 7, "at": 1795341600250, "iso": "2026-11-22T10:00:00.250Z", "u": "°C"}"#)
        );
        assert_eq!(render("no placeholders", &variables).as_deref(), Ok("no placeholders"));
        assert!(Template::parse("plain").expect("parses").is_literal());
        assert_eq!(Template::parse("{{a}}{{b}}{{uuid}}").expect("parses").variables(), vec!["a", "b"]);
    }

    #[test]
    fn random_built_ins_stay_in_range_and_uuids_are_version_4() {
        let variables = BTreeMap::new();
        let template = Template::parse("{{random_int(-3, 3)}} {{random_float(0.5,1.5)}} {{uuid}}").expect("parses");
        let mut rng = rand::rngs::StdRng::seed_from_u64(42);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..500 {
            let text = template.render(&context(&variables), &mut rng).expect("renders");
            let mut fields = text.split(' ');
            let int: i64 = fields.next().and_then(|v| v.parse().ok()).expect("an integer");
            let float: f64 = fields.next().and_then(|v| v.parse().ok()).expect("a number");
            let uuid = uuid::Uuid::parse_str(fields.next().expect("a uuid")).expect("parses");
            assert!((-3..=3).contains(&int));
            assert!((0.5..1.5).contains(&float));
            assert_eq!(uuid.get_version_num(), 4);
            seen.insert(int);
        }
        assert_eq!(seen.len(), 7, "every integer in range comes up: {seen:?}");
        assert_eq!(render("{{random_int(5,5)}} {{random_float(2,2)}}", &variables).as_deref(), Ok("5 2"));
        // The widest ranges: no overflow panic (issue 18, defect 7), always inside them.
        for _ in 0..1000 {
            let wide = render("{{random_float(-1e308,1e308)}}", &variables).expect("renders");
            let value: f64 = wide.parse().expect("a number");
            assert!(value.is_finite() && (-1e308..=1e308).contains(&value), "{wide}");
            let ints = render("{{random_int(-9223372036854775808,9223372036854775807)}}", &variables).expect("renders");
            assert!(ints.parse::<i64>().is_ok(), "{ints}");
        }
    }

    #[test]
    fn mistakes_are_errors_with_their_position_never_literal_text() {
        let variables = BTreeMap::from([("site".to_owned(), "x".to_owned())]);
        let error = |text: &str| render(text, &variables).expect_err(text);
        assert_eq!(error("a/{{sitee}}").kind, TemplateErrorKind::UnknownVariable("sitee".into()));
        assert_eq!(error("a/{{sitee}}").at, 3);
        assert_eq!(error("a/{{sitee}}").to_string(), "unknown variable '{{sitee}}' at position 3");
        assert_eq!(error("温度 {{site").kind, TemplateErrorKind::Unclosed);
        assert_eq!(error("温度 {{site").at, 4, "positions count characters, not bytes");
        assert_eq!(error("{{  }}").kind, TemplateErrorKind::Empty);
        assert!(matches!(error("{{a b}}").kind, TemplateErrorKind::BadName(_)));
        assert!(matches!(error("{{random_int(3,1)}}").kind, TemplateErrorKind::BadArguments(_)));
        assert!(matches!(error("{{random_int(a,1)}}").kind, TemplateErrorKind::BadArguments(_)));
        assert!(matches!(error("{{random_float(1)}}").kind, TemplateErrorKind::BadArguments(_)));
        assert!(error("{{random_int}}").to_string().contains("random_int(a,b)"));
    }

    #[test]
    fn an_escaped_brace_pair_is_sent_as_is() {
        let variables = BTreeMap::from([("v".to_owned(), "1".to_owned())]);
        assert_eq!(render(r"literal \{{v}} and {{v}}", &variables).as_deref(), Ok("literal {{v}} and 1"));
    }
}
