//! The message log's tests: bounds, eviction, views, filters, rates.

use super::view::SeqList;
use super::*;

fn message<'a>(topic: &'a str, payload: &'a [u8]) -> StoredMessage<'a> {
    test_message(topic, payload)
}

#[test]
fn the_previous_message_on_a_topic_is_found_within_its_tab() {
    let mut store = MessageStore::new(StoreLimits::default());
    let first = store.push(message("a", b"1"));
    let _other_topic = store.push(message("b", b"2"));
    let _other_tab = store.push(StoredMessage { tab: TabId(2), ..message("a", b"3") });
    let _sent = store.push(StoredMessage { direction: Direction::Outgoing, ..message("a", b"4") });
    let latest = store.push(message("a", b"5"));
    assert_eq!(store.previous_on_topic(latest), Some(first));
    assert_eq!(store.previous_on_topic(first), None);
    assert_eq!(store.previous_on_topic(99), None, "unknown messages have none");
}

#[test]
fn each_tab_knows_how_many_of_the_held_messages_are_its_own() {
    let mut store = MessageStore::new(StoreLimits { max_messages: 3, max_bytes: usize::MAX });
    store.push(message("a", b"1"));
    store.push(StoredMessage { tab: TabId(2), ..message("a", b"2") });
    store.push(message("a", b"3"));
    assert_eq!((store.len_of_tab(TabId(1)), store.len_of_tab(TabId(2)), store.len_of_tab(TabId(9))), (2, 1, 0));
    store.push(StoredMessage { tab: TabId(2), ..message("a", b"4") }); // evicts tab 1's first
    assert_eq!((store.len_of_tab(TabId(1)), store.len_of_tab(TabId(2))), (1, 2));
    store.clear();
    assert_eq!((store.len_of_tab(TabId(1)), store.len_of_tab(TabId(2))), (0, 0));
}

#[test]
fn payloads_across_chunks_come_back_intact_through_eviction() {
    // Sizes that straddle chunk ends, an empty one, and one larger than a chunk.
    let sizes = [0, 1, 700_000, 500_000, PAYLOAD_CHUNK + 3, 10, 999_999, 2];
    let payloads: Vec<Vec<u8>> =
        sizes.iter().enumerate().map(|(index, size)| (0..*size).map(|byte| (byte + index) as u8).collect()).collect();
    let mut store = MessageStore::new(StoreLimits { max_messages: 5, max_bytes: usize::MAX });
    for (index, payload) in payloads.iter().enumerate() {
        let seq = store.push(message(&format!("t/{index}"), payload));
        assert_eq!(store.get(seq).map(|m| m.payload), Some(&payload[..]), "message {index} right after push");
    }
    assert_eq!(store.len(), 5);
    for (offset, payload) in payloads[3..].iter().enumerate() {
        let held = store.at(offset).expect("held");
        assert_eq!((held.topic, held.payload), (format!("t/{}", offset + 3).as_str(), &payload[..]));
    }
    // Chunks before the oldest held payload were handed back.
    assert!(store.allocated_bytes() <= store.bytes() + RECORD_BLOCK * PER_MESSAGE_OVERHEAD + 2 * PAYLOAD_CHUNK);
}

#[test]
fn topics_are_held_once_and_freed_with_their_last_message() {
    let mut store = MessageStore::new(StoreLimits { max_messages: 3, max_bytes: usize::MAX });
    store.push(message("rare/topic", b"1"));
    let with_one_topic = store.bytes();
    store.push(message("common", b"2"));
    let with_two_topics = store.bytes();
    store.push(message("common", b"3"));
    assert_eq!(store.bytes() - with_two_topics, PER_MESSAGE_OVERHEAD + 1, "a repeated topic costs nothing more");
    assert_eq!(with_two_topics - with_one_topic, PER_MESSAGE_OVERHEAD + 1 + "common".len() + PER_TOPIC_OVERHEAD);
    store.push(message("common", b"4")); // evicts the only rare/topic message
    assert_eq!(store.topics.ids.len(), 1, "rare/topic is gone from the names");
    assert_eq!(store.bytes(), 3 * (PER_MESSAGE_OVERHEAD + 1) + "common".len() + PER_TOPIC_OVERHEAD);
    store.push(message("new", b"5"));
    assert_eq!(store.topics.slots.len(), 2, "the freed slot is reused");
    assert_eq!(store.at(2).map(|m| m.topic), Some("new"));
}

#[test]
fn properties_times_flags_and_tags_survive_storage() {
    let properties = MessageProperties { content_type: Some("text/plain".into()), ..MessageProperties::default() };
    let time = DateTime::from_timestamp_micros(1_790_000_000_123_456).expect("time");
    let mut store = MessageStore::new(StoreLimits { max_messages: 2, max_bytes: usize::MAX });
    store.push(StoredMessage { properties: Some(&properties), ..message("a", b"1") });
    let sent = StoredMessage {
        tab: TabId(7),
        time,
        direction: Direction::Outgoing,
        qos: Qos::ExactlyOnce,
        retain: true,
        subscription: Some(SubscriptionId(3)),
        ..message("b", b"2")
    };
    store.push(sent);
    let with_properties = store.at(0).expect("first");
    assert_eq!(with_properties.properties, Some(&properties));
    let held = store.at(1).expect("second");
    assert_eq!(
        (held.tab, held.time, held.direction, held.qos, held.retain, held.subscription, held.properties),
        (TabId(7), time, Direction::Outgoing, Qos::ExactlyOnce, true, Some(SubscriptionId(3)), None)
    );
    let charged = store.bytes();
    store.push(message("c", b"3")); // evicts the message with properties
    assert!(store.bytes() < charged, "its properties were uncharged");
    assert!(store.at(0).is_some_and(|m| m.properties.is_none()) && store.properties.is_empty());
    store.retag(|m| (m.topic == "c").then_some(SubscriptionId(9)));
    assert_eq!(
        (store.at(0).and_then(|m| m.subscription), store.at(1).and_then(|m| m.subscription)),
        (None, Some(SubscriptionId(9)))
    );
}

#[test]
fn count_cap_evicts_oldest_and_counts_it() {
    let mut store = MessageStore::new(StoreLimits { max_messages: 3, max_bytes: usize::MAX });
    for index in 0..5 {
        store.push(message(&format!("t/{index}"), b"x"));
    }
    assert_eq!(store.len(), 3);
    assert_eq!(store.counters().received, 5);
    assert_eq!(store.counters().evicted, 2);
    assert_eq!(store.first_seq(), 2);
    assert_eq!(store.get(1).map(|m| m.seq), None);
    assert_eq!(store.get(4).map(|m| m.topic), Some("t/4"));
}

#[test]
fn byte_cap_evicts_until_it_holds() {
    // Two messages of 100 bytes on one topic: records, payloads and the topic once.
    let per_message = PER_MESSAGE_OVERHEAD + 100;
    let topic = 1 + PER_TOPIC_OVERHEAD;
    let mut store = MessageStore::new(StoreLimits { max_messages: 100, max_bytes: per_message * 2 + topic });
    for _ in 0..4 {
        store.push(message("t", &[0; 100]));
    }
    assert_eq!(store.len(), 2);
    assert_eq!(store.bytes(), per_message * 2 + topic);
    assert_eq!(store.counters().evicted, 2);
    // A single message larger than the cap is still kept, never lost unseen.
    store.push(message("t", &[0; 10_000]));
    assert_eq!(store.len(), 1);
    assert_eq!(store.counters().evicted, 4);
}

#[test]
fn clear_is_counted_separately_and_shrinking_limits_evicts() {
    let mut store = MessageStore::default();
    for _ in 0..10 {
        store.push(message("a", b"1"));
    }
    store.set_limits(StoreLimits { max_messages: 4, max_bytes: usize::MAX });
    assert_eq!((store.len(), store.counters().evicted), (4, 6));
    store.clear();
    assert_eq!((store.len(), store.bytes(), store.counters().cleared), (0, 0, 4));
    assert_eq!(store.push(message("a", b"1")), 10);
}

#[test]
fn filtered_view_tracks_new_messages_and_eviction() {
    let mut store = MessageStore::new(StoreLimits { max_messages: 4, max_bytes: usize::MAX });
    let mut view = FilteredView::default();
    view.set_filter(LogFilter { topic_filters: vec!["a/+".into()], ..LogFilter::default() });
    store.push(message("a/1", b"x"));
    store.push(message("b/1", b"x"));
    assert_eq!(view.refresh(&store, 100), ViewProgress::Complete);
    assert_eq!(view.len(&store), 1);
    store.push(message("a/2", b"x"));
    store.push(message("a/3", b"x"));
    store.push(message("b/2", b"x")); // evicts a/1
    view.refresh(&store, 100);
    assert_eq!(view.len(&store), 2);
    assert_eq!(view.row(&store, 0).map(|m| m.topic), Some("a/2"));
    assert_eq!(view.row_of(&store, 3), Some(1));
    store.clear();
    view.refresh(&store, 100);
    assert!(view.is_empty(&store));
}

#[test]
fn search_is_case_insensitive_over_topic_and_payload() {
    let filter = LogFilter { search: "TEMP".into(), ..LogFilter::default() };
    assert!(filter.accepts(&message("home/temp", b"")));
    assert!(filter.accepts(&message("x", b"{\"Temp\": 3}")));
    assert!(!filter.accepts(&message("x", b"humidity")));
    let unicode = LogFilter { search: "温度".into(), ..LogFilter::default() };
    assert!(unicode.accepts(&message("家/温度", b"")));
    assert!(unicode.accepts(&message("x", "{\"温度\": 3}".as_bytes())));
    let by_connection = LogFilter { tab: Some(TabId(2)), ..LogFilter::default() };
    assert!(!by_connection.accepts(&message("x", b"")));
}

#[test]
fn direction_qos_retained_topic_and_regex_filters_combine() {
    let mut retained = message("a/1", b"temp=21");
    retained.retain = true;
    retained.qos = Qos::AtLeastOnce;
    let mut outgoing = message("a/2", b"temp=22");
    outgoing.direction = Direction::Outgoing;
    let plain = message("b/1", b"humidity=40");
    let by_direction = LogFilter { direction: Some(Direction::Outgoing), ..LogFilter::default() };
    assert!(by_direction.accepts(&outgoing) && !by_direction.accepts(&plain));
    let by_qos = LogFilter { qos: Some(Qos::AtLeastOnce), ..LogFilter::default() };
    assert!(by_qos.accepts(&retained) && !by_qos.accepts(&plain));
    let retained_only = LogFilter { retained_only: true, ..LogFilter::default() };
    assert!(retained_only.accepts(&retained) && !retained_only.accepts(&outgoing));
    let both_filters = LogFilter { topic_filters: vec!["a/#".into(), "+/2".into()], ..LogFilter::default() };
    assert!(both_filters.accepts(&outgoing) && !both_filters.accepts(&retained));
    let regex = LogFilter { search: r"temp=2[12]$".into(), search_is_regex: true, ..LogFilter::default() };
    assert!(regex.accepts(&retained) && regex.accepts(&outgoing) && !regex.accepts(&plain));
    let broken = LogFilter { search: "temp=(".into(), search_is_regex: true, ..LogFilter::default() };
    let mut view = FilteredView::default();
    view.set_filter(broken);
    assert!(
        view.error().is_some_and(|error| error.to_string().starts_with("invalid regular expression")),
        "{:?}",
        view.error()
    );
}

#[test]
fn pausing_holds_new_rows_back_until_resumed() {
    let mut store = MessageStore::default();
    let mut view = FilteredView::default();
    store.push(message("a", b"1"));
    view.refresh(&store, 100);
    view.set_paused(&store, true);
    store.push(message("a", b"2"));
    store.push(message("a", b"3"));
    view.refresh(&store, 100);
    assert_eq!((view.len(&store), view.held_back(&store)), (1, 2));
    view.set_filter(LogFilter { search: "a".into(), ..LogFilter::default() });
    view.refresh(&store, 100);
    assert_eq!((view.len(&store), view.held_back(&store)), (1, 2), "filtered views pause too");
    view.set_paused(&store, false);
    assert_eq!((view.len(&store), view.held_back(&store)), (3, 0));
}

#[test]
fn time_budgeted_refreshes_finish_when_given_time_and_stop_when_not() {
    let mut store = MessageStore::default();
    for index in 0..10_000 {
        store.push(message(&format!("t/{}", index % 10), b"some payload"));
    }
    let mut view = FilteredView::default();
    view.set_filter(LogFilter { search: "t/3".into(), ..LogFilter::default() });
    assert!(
        matches!(view.refresh_within(&store, std::time::Duration::ZERO), ViewProgress::Scanning { scanned: 2048, .. }),
        "no time: one slice"
    );
    assert_eq!(view.refresh_within(&store, std::time::Duration::from_secs(60)), ViewProgress::Complete);
    assert_eq!(view.len(&store), 1000);
}

#[test]
fn sequence_lists_rebase_far_apart_numbers() {
    let mut list = SeqList::default();
    for seq in [5, 9, 10] {
        list.push_back(seq);
    }
    assert_eq!((list.get(1), list.count_before(10), list.position(9), list.position(8)), (Some(9), 2, Some(1), None));
    list.pop_front();
    let far = 5 + u64::from(u32::MAX) + 2; // too far from base 5, close enough to 9
    list.push_back(far);
    assert_eq!((list.front(), list.get(2), list.len()), (Some(9), Some(far), 3), "rebased on 9");
    assert_eq!((list.count_before(far), list.count_before(far + 1), list.count_before(3)), (2, 3, 0));
    list.push_back(far + u64::from(u32::MAX) + 1);
    assert_eq!(list.len(), 1, "entries 2³² apart cannot share a base: the old ones go");
}

#[test]
fn rescans_respect_the_budget() {
    let mut store = MessageStore::default();
    for index in 0..10 {
        store.push(message(if index % 2 == 0 { "even" } else { "odd" }, b""));
    }
    let mut view = FilteredView::default();
    view.set_filter(LogFilter { search: "even".into(), ..LogFilter::default() });
    assert_eq!(view.refresh(&store, 4), ViewProgress::Scanning { scanned: 4, total: 10 });
    assert_eq!(view.len(&store), 2);
    assert_eq!(view.refresh(&store, 100), ViewProgress::Complete);
    assert_eq!(view.len(&store), 5);
    view.set_filter(LogFilter::default());
    view.refresh(&store, 0);
    assert_eq!(view.len(&store), 10);
}

#[test]
fn rate_meter_counts_the_last_second() {
    let mut meter = RateMeter::default();
    meter.record(0, 10);
    meter.record(500, 5);
    assert_eq!(meter.per_second(900), 15);
    assert_eq!(meter.per_second(1_050), 5);
    assert_eq!(meter.per_second(3_000), 0);
}
