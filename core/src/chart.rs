//! Numeric series for live charts: a topic whose payload is a number, or a
//! number inside its JSON picked by pointer. Each series is bounded and
//! counts what it dropped and what did not hold a number, so a chart never
//! quietly hides a gap.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::payload::push_pointer_segment;

/// Most points kept per series; older ones are dropped (and counted).
pub const MAX_POINTS_PER_SERIES: usize = 100_000;

/// What a series plots.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    /// Exact topic (no wildcards).
    pub topic: String,
    /// JSON pointer into the payload; `None` reads the whole payload as a number.
    pub pointer: Option<String>,
}

impl SeriesKey {
    /// "topic" or "topic /pointer", as shown in legends.
    pub fn label(&self) -> String {
        match &self.pointer {
            Some(pointer) => format!("{} {pointer}", self.topic),
            None => self.topic.clone(),
        }
    }
}

/// One plotted value over time.
#[derive(Debug, Clone)]
pub struct ChartSeries {
    /// What it plots.
    pub key: SeriesKey,
    /// Palette index for its line.
    pub colour: usize,
    /// `[seconds since the Unix epoch, value]`, oldest first.
    pub points: VecDeque<[f64; 2]>,
    /// Points dropped because the series was full.
    pub dropped: u64,
    /// Messages on the topic that held no number at the pointer.
    pub skipped: u64,
    /// Why the latest skipped message held no number.
    pub last_problem: Option<NotANumber>,
}

impl ChartSeries {
    /// The newest value, if any.
    pub fn latest(&self) -> Option<f64> {
        self.points.back().map(|point| point[1])
    }

    fn observe(&mut self, time: DateTime<Utc>, payload: &[u8]) {
        match extract_number(payload, self.key.pointer.as_deref()) {
            Ok(value) => {
                if self.points.len() >= MAX_POINTS_PER_SERIES {
                    self.points.pop_front();
                    self.dropped += 1;
                }
                self.points.push_back([time.timestamp_millis() as f64 / 1000.0, value]);
            }
            Err(problem) => {
                self.skipped += 1;
                self.last_problem = Some(problem);
            }
        }
    }
}

/// Why a series cannot be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    /// No topic was given.
    #[error("type the topic whose values to chart")]
    NoTopic,
    /// The topic has wildcards.
    #[error("chart a single topic, not a filter: '{0}'")]
    NotATopic(String),
    /// The pointer does not start with '/'.
    #[error("a JSON pointer starts with '/': '{0}'")]
    BadPointer(String),
    /// Already plotted.
    #[error("{0} is already charted")]
    AlreadyCharted(String),
}

/// Why a payload gives no number to chart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotANumber {
    /// The payload is not text.
    #[error("payload is binary, not a number")]
    Binary,
    /// A pointer was given and the payload is not JSON.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// Nothing is at the pointer.
    #[error("no value at {0}")]
    Missing(String),
    /// The number is too large for a float.
    #[error("{0} does not fit a float")]
    TooLarge(String),
    /// The value at the pointer is null, an array or an object.
    #[error("{pointer} is {found}")]
    WrongKind {
        /// Where.
        pointer: String,
        /// What is there ("null", "an array", "an object").
        found: &'static str,
    },
    /// The text does not read as a number (first 40 characters shown).
    #[error("'{0}' is not a number")]
    Text(String),
}

/// The series of one connection tab.
#[derive(Debug, Clone, Default)]
pub struct Charts {
    series: Vec<ChartSeries>,
    next_colour: usize,
}

impl Charts {
    /// Starts plotting `key`; returns its index.
    pub fn add(&mut self, key: SeriesKey) -> Result<usize, ChartError> {
        if key.topic.is_empty() {
            return Err(ChartError::NoTopic);
        }
        if key.topic.contains(['+', '#']) {
            return Err(ChartError::NotATopic(key.topic));
        }
        if let Some(pointer) = &key.pointer
            && !pointer.starts_with('/')
        {
            return Err(ChartError::BadPointer(pointer.clone()));
        }
        if self.series.iter().any(|series| series.key == key) {
            return Err(ChartError::AlreadyCharted(key.label()));
        }
        self.series.push(ChartSeries {
            key,
            colour: self.next_colour,
            points: VecDeque::new(),
            dropped: 0,
            skipped: 0,
            last_problem: None,
        });
        self.next_colour += 1;
        Ok(self.series.len() - 1)
    }

    /// Stops plotting a series.
    pub fn remove(&mut self, key: &SeriesKey) {
        self.series.retain(|series| series.key != *key);
    }

    /// Empties every series (they keep plotting new messages).
    pub fn clear_points(&mut self) {
        for series in &mut self.series {
            series.points.clear();
            series.dropped = 0;
            series.skipped = 0;
            series.last_problem = None;
        }
    }

    /// Feeds one message to the series that plot its topic.
    pub fn observe(&mut self, topic: &str, time: DateTime<Utc>, payload: &[u8]) {
        for series in self.series.iter_mut().filter(|series| series.key.topic == topic) {
            series.observe(time, payload);
        }
    }

    /// True when a series plots `topic` (its payload is then worth decoding).
    pub fn plots(&self, topic: &str) -> bool {
        self.series.iter().any(|series| series.key.topic == topic)
    }

    /// Feeds one message to a single series (to fill it from history).
    pub fn observe_into(&mut self, index: usize, time: DateTime<Utc>, payload: &[u8]) {
        if let Some(series) = self.series.get_mut(index) {
            series.observe(time, payload);
        }
    }

    /// The series, in the order added.
    pub fn series(&self) -> &[ChartSeries] {
        &self.series
    }

    /// True when nothing is charted.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }
}

/// The number a payload holds: the whole payload as a number (or
/// true/false as 1/0), or the value at a JSON pointer (a number, a boolean,
/// or a string holding a number).
pub fn extract_number(payload: &[u8], pointer: Option<&str>) -> Result<f64, NotANumber> {
    let Some(pointer) = pointer else {
        let text = std::str::from_utf8(payload).map_err(|_| NotANumber::Binary)?.trim();
        let text = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
        return number_from_text(text);
    };
    let document: Value = serde_json::from_slice(payload).map_err(|error| NotANumber::NotJson(error.to_string()))?;
    let wrong_kind = |found| Err(NotANumber::WrongKind { pointer: pointer.to_owned(), found });
    match document.pointer(pointer) {
        None => Err(NotANumber::Missing(pointer.to_owned())),
        Some(Value::Number(number)) => number.as_f64().ok_or_else(|| NotANumber::TooLarge(number.to_string())),
        Some(Value::Bool(flag)) => Ok(if *flag { 1.0 } else { 0.0 }),
        Some(Value::String(text)) => number_from_text(text.trim()),
        Some(Value::Null) => wrong_kind("null"),
        Some(Value::Array(_)) => wrong_kind("an array"),
        Some(Value::Object(_)) => wrong_kind("an object"),
    }
}

/// JSON pointers of the numbers in a JSON payload (depth first, at most
/// `limit`), to offer as chartable fields. Empty for non-JSON payloads.
pub fn numeric_pointers(payload: &[u8], limit: usize) -> Vec<String> {
    fn walk(value: &Value, pointer: &mut String, found: &mut Vec<String>, limit: usize) {
        if found.len() >= limit {
            return;
        }
        let children: Box<dyn Iterator<Item = (String, &Value)>> = match value {
            Value::Number(_) if !pointer.is_empty() => {
                found.push(pointer.clone());
                return;
            }
            Value::Object(map) => Box::new(map.iter().map(|(key, child)| (key.clone(), child))),
            Value::Array(items) => Box::new(items.iter().enumerate().map(|(index, child)| (index.to_string(), child))),
            _ => return,
        };
        for (key, child) in children {
            let length = pointer.len();
            push_pointer_segment(pointer, &key);
            walk(child, pointer, found, limit);
            pointer.truncate(length);
        }
    }
    let Ok(document) = serde_json::from_slice::<Value>(payload) else { return Vec::new() };
    let mut found = Vec::new();
    walk(&document, &mut String::new(), &mut found, limit);
    found
}

fn number_from_text(text: &str) -> Result<f64, NotANumber> {
    match text {
        "true" => return Ok(1.0),
        "false" => return Ok(0.0),
        _ => {}
    }
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(NotANumber::Text(text.chars().take(40).collect())),
    }
}

/// The points of a series between `from` and `to` (seconds), at most about
/// `max_points` of them: when there are more, each bucket keeps its lowest
/// and highest value, in time order, so spikes survive the thinning.
pub fn points_in_view(points: &VecDeque<[f64; 2]>, from: f64, to: f64, max_points: usize) -> Vec<[f64; 2]> {
    let start = points.partition_point(|point| point[0] < from);
    let end = points.partition_point(|point| point[0] <= to);
    let count = end.saturating_sub(start);
    if count <= max_points.max(2) {
        return points.range(start..end).copied().collect();
    }
    let bucket = count.div_ceil(max_points.max(2) / 2);
    let mut thinned = Vec::with_capacity(max_points + 2);
    let mut index = start;
    while index < end {
        let stop = (index + bucket).min(end);
        let (mut low, mut high) = (points[index], points[index]);
        for point in points.range(index..stop) {
            if point[1] < low[1] {
                low = *point;
            }
            if point[1] > high[1] {
                high = *point;
            }
        }
        if low[0] <= high[0] {
            thinned.extend([low, high]);
        } else {
            thinned.extend([high, low]);
        }
        index = stop;
    }
    thinned
}

/// The newest numeric values of one topic in a tab, oldest first: at most
/// `max_values`, looking back over at most `max_scanned` messages of the
/// log (so a rare topic in a huge log costs a bounded scan).
pub fn recent_values(
    store: &crate::store::MessageStore,
    tab: crate::ids::TabId,
    topic: &str,
    max_values: usize,
    max_scanned: usize,
) -> Vec<f64> {
    let mut values = Vec::new();
    for index in (0..store.len()).rev().take(max_scanned) {
        let Some(message) = store.at(index) else { break };
        if message.tab != tab || message.topic != topic || message.direction != crate::mqtt::Direction::Incoming {
            continue;
        }
        if let Ok(value) = extract_number(message.payload, None) {
            values.push(value);
            if values.len() == max_values {
                break;
            }
        }
    }
    values.reverse();
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap_or_default()
    }

    #[test]
    fn recent_values_are_the_newest_numbers_of_one_topic_in_order() {
        use crate::store::{MessageStore, StoreLimits, StoredMessage};
        let mut store = MessageStore::new(StoreLimits::default());
        for (topic, payload) in [("t", "1"), ("u", "9"), ("t", "x"), ("t", "2"), ("t", "3")] {
            store.push(StoredMessage {
                seq: 0,
                tab: crate::ids::TabId(1),
                time: Utc::now(),
                direction: crate::mqtt::Direction::Incoming,
                topic,
                payload: payload.as_bytes(),
                qos: crate::mqtt::Qos::AtMostOnce,
                retain: false,
                subscription: None,
                properties: None,
            });
        }
        assert_eq!(recent_values(&store, crate::ids::TabId(1), "t", 10, 100), vec![1.0, 2.0, 3.0]);
        assert_eq!(recent_values(&store, crate::ids::TabId(1), "t", 2, 100), vec![2.0, 3.0], "the newest");
        assert_eq!(recent_values(&store, crate::ids::TabId(1), "t", 10, 2), vec![2.0, 3.0], "within the scan");
        assert!(recent_values(&store, crate::ids::TabId(2), "t", 10, 100).is_empty(), "another tab's");
    }

    #[test]
    fn numbers_come_from_plain_payloads_and_json_pointers() {
        assert_eq!(extract_number(b" 21.5\n", None), Ok(21.5));
        assert_eq!(extract_number(b"\"-3\"", None), Ok(-3.0));
        assert_eq!(extract_number(b"true", None), Ok(1.0));
        let json = br#"{"sensor": {"temp": 22.25, "ok": false, "raw": " 7 ", "list": [1, 2, 3]}}"#;
        assert_eq!(extract_number(json, Some("/sensor/temp")), Ok(22.25));
        assert_eq!(extract_number(json, Some("/sensor/ok")), Ok(0.0));
        assert_eq!(extract_number(json, Some("/sensor/raw")), Ok(7.0));
        assert_eq!(extract_number(json, Some("/sensor/list/2")), Ok(3.0));
    }

    #[test]
    fn numeric_fields_of_json_are_offered_by_pointer() {
        let payload = br#"{"temp": 21.5, "state": "on", "axes": [1, {"x/y": 2}], "ok": true}"#;
        // In document order.
        assert_eq!(numeric_pointers(payload, 10), vec!["/temp", "/axes/0", "/axes/1/x~1y"]);
        assert_eq!(numeric_pointers(payload, 1), vec!["/temp"]);
        assert!(numeric_pointers(b"21.5", 10).is_empty(), "a bare number is charted as the topic");
        assert!(numeric_pointers(b"not json", 10).is_empty());
    }

    #[test]
    fn payloads_without_a_number_say_why() {
        let said = |payload: &[u8], pointer: Option<&str>| extract_number(payload, pointer).map_err(|e| e.to_string());
        assert_eq!(said(b"warm", None), Err("'warm' is not a number".into()));
        assert_eq!(said(b"NaN", None), Err("'NaN' is not a number".into()));
        assert_eq!(extract_number(&[0xff, 0x00], None), Err(NotANumber::Binary));
        let json = br#"{"a": {"b": [1]}, "n": null}"#;
        assert_eq!(said(json, Some("/a/c")), Err("no value at /a/c".into()));
        assert_eq!(said(json, Some("/a/b")), Err("/a/b is an array".into()));
        assert_eq!(said(json, Some("/n")), Err("/n is null".into()));
        assert!(said(b"{oops", Some("/a")).is_err_and(|e| e.starts_with("not JSON")));
    }

    #[test]
    fn views_cut_to_the_time_window_and_thin_without_losing_spikes() {
        let points: VecDeque<[f64; 2]> = (0..10_000).map(|n| [n as f64, if n == 5_001 { 1e6 } else { 1.0 }]).collect();
        let window = points_in_view(&points, 100.0, 199.0, 1_000);
        assert_eq!(window.len(), 100);
        assert_eq!(window.first(), Some(&[100.0, 1.0]));
        assert_eq!(window.last(), Some(&[199.0, 1.0]));
        let thinned = points_in_view(&points, f64::MIN, f64::MAX, 500);
        assert!(thinned.len() <= 502, "{}", thinned.len());
        assert!(thinned.contains(&[5_001.0, 1e6]), "the spike survives");
        assert!(thinned.windows(2).all(|pair| pair[0][0] <= pair[1][0]), "time order kept");
    }

    #[test]
    fn series_plot_their_topic_count_skips_and_stay_bounded() {
        let mut charts = Charts::default();
        let key = SeriesKey { topic: "plant/temp".into(), pointer: Some("/v".into()) };
        charts.add(key.clone()).expect("added");
        assert_eq!(charts.add(key.clone()), Err(ChartError::AlreadyCharted("plant/temp /v".into())));
        assert!(matches!(charts.add(SeriesKey { topic: "a/+".into(), pointer: None }), Err(ChartError::NotATopic(_))));
        assert_eq!(charts.add(SeriesKey { topic: String::new(), pointer: None }), Err(ChartError::NoTopic));
        assert!(matches!(
            charts.add(SeriesKey { topic: "a".into(), pointer: Some("v".into()) }),
            Err(ChartError::BadPointer(_))
        ));
        charts.observe("plant/temp", at(10), br#"{"v": 1}"#);
        charts.observe("plant/other", at(11), br#"{"v": 2}"#);
        charts.observe("plant/temp", at(12), br#"{"v": "n/a"}"#);
        charts.observe("plant/temp", at(13), br#"{"v": 3}"#);
        let series = &charts.series()[0];
        assert_eq!(series.points.iter().copied().collect::<Vec<_>>(), vec![[10.0, 1.0], [13.0, 3.0]]);
        assert_eq!(series.skipped, 1);
        assert_eq!(series.last_problem, Some(NotANumber::Text("n/a".into())));
        assert_eq!(series.latest(), Some(3.0));

        for n in 0..MAX_POINTS_PER_SERIES {
            charts.observe("plant/temp", at(100 + n as i64), br#"{"v": 5}"#);
        }
        let series = &charts.series()[0];
        assert_eq!(series.points.len(), MAX_POINTS_PER_SERIES);
        assert_eq!(series.dropped, 2);
        charts.clear_points();
        assert!(charts.series()[0].points.is_empty());
        charts.remove(&key);
        assert!(charts.is_empty());
    }
}
