//! The live topic hierarchy (MQTT Explorer style) as a pure model: message
//! counts per topic and per subtree, subtopic counts, current rates, the
//! last message (by log sequence number) and a retained marker. The UI
//! panel only walks it.

mod rows;

pub use rows::*;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use crate::store::RateMeter;

/// Index of a node in the tree.
pub type NodeId = usize;

/// One topic level.
#[derive(Debug, Clone, Default)]
pub struct TopicNode {
    /// This level's name ("" for empty levels, as in `a//b`).
    pub name: String,
    /// The parent node, `None` for top-level nodes.
    pub parent: Option<NodeId>,
    /// Children by level name (sorted by name).
    pub children: BTreeMap<String, NodeId>,
    /// Messages published to exactly this topic.
    pub messages: u64,
    /// Messages to this topic and everything below it.
    pub subtree_messages: u64,
    /// Distinct topics below this node that have received messages.
    pub subtopics: u64,
    /// The last message on this exact topic was retained with a payload.
    pub retained: bool,
    /// Log sequence number of the last message on this exact topic.
    pub last_seq: Option<u64>,
    /// When this subtree last saw a message (ms on the caller's clock).
    pub last_activity_ms: Option<u64>,
    rate: RateMeter,
    subtree_rate: RateMeter,
    depth: usize,
}

impl TopicNode {
    /// Messages per second on this exact topic over the last second.
    pub fn rate(&self, now_ms: u64) -> u64 {
        self.rate.rate_at(now_ms)
    }

    /// Messages per second in this subtree over the last second.
    pub fn subtree_rate(&self, now_ms: u64) -> u64 {
        self.subtree_rate.rate_at(now_ms)
    }

    /// Depth below the top level (0 for top-level nodes).
    pub fn depth(&self) -> usize {
        self.depth
    }
}

/// How siblings are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TreeSort {
    /// Alphabetically by level name.
    #[default]
    Name,
    /// Most messages (subtree) first.
    Count,
    /// Highest current subtree rate first — "what is flooding my broker".
    Rate,
}

/// Most nodes (topic levels) the tree holds; messages that would need more
/// are counted in [`TopicTree::overflow_messages`] instead, so a flood of
/// unique topics cannot exhaust memory, and the panel says what is missing.
pub const MAX_TREE_NODES: usize = 200_000;

/// The topic hierarchy.
#[derive(Debug, Clone)]
pub struct TopicTree {
    nodes: Vec<TopicNode>,
    roots: BTreeMap<String, NodeId>,
    topics: u64,
    max_nodes: usize,
    overflow_messages: u64,
    /// Bumped whenever the rows a view would show can change shape (a new
    /// node, a topic's first message); kept across `clear`.
    shape: u64,
    /// Bumped by `clear`: node ids from before mean nothing after.
    clears: u64,
    /// The node path of the topic being inserted, reused (no allocation per message).
    path: Vec<NodeId>,
}

impl Default for TopicTree {
    fn default() -> Self {
        Self::with_limit(MAX_TREE_NODES)
    }
}

impl TopicTree {
    /// A tree that holds at most `max_nodes` topic levels.
    pub fn with_limit(max_nodes: usize) -> Self {
        Self {
            nodes: Vec::new(),
            roots: BTreeMap::new(),
            topics: 0,
            max_nodes,
            overflow_messages: 0,
            shape: 0,
            clears: 0,
            path: Vec::new(),
        }
    }

    /// Messages not counted because their topic needed new nodes past the limit.
    pub fn overflow_messages(&self) -> u64 {
        self.overflow_messages
    }

    /// Records one message on `topic` (log sequence `seq`) at `now_ms`.
    /// An empty retained message clears the retained marker, as it clears
    /// the broker's retained message.
    pub fn insert(&mut self, topic: &str, seq: u64, payload_len: usize, retain: bool, now_ms: u64) {
        let mut path = std::mem::take(&mut self.path);
        path.clear();
        if self.place(topic, &mut path) {
            self.count(&path, seq, payload_len, retain, now_ms);
        } else {
            self.overflow_messages += 1;
        }
        self.path = path;
    }

    /// Finds or makes the nodes of `topic` into `path`; false when the
    /// tree is full and a new node would be needed.
    fn place(&mut self, topic: &str, path: &mut Vec<NodeId>) -> bool {
        let mut parent: Option<NodeId> = None;
        for (depth, level) in topic.split('/').enumerate() {
            let existing = match parent {
                None => self.roots.get(level).copied(),
                Some(id) => self.nodes[id].children.get(level).copied(),
            };
            let id = match existing {
                Some(id) => id,
                None if self.nodes.len() >= self.max_nodes => return false,
                None => {
                    let id = self.nodes.len();
                    self.shape += 1;
                    self.nodes.push(TopicNode { name: level.to_owned(), parent, depth, ..TopicNode::default() });
                    match parent {
                        None => {
                            self.roots.insert(level.to_owned(), id);
                        }
                        Some(parent_id) => {
                            self.nodes[parent_id].children.insert(level.to_owned(), id);
                        }
                    }
                    id
                }
            };
            path.push(id);
            parent = Some(id);
        }
        true
    }

    fn count(&mut self, path: &[NodeId], seq: u64, payload_len: usize, retain: bool, now_ms: u64) {
        let Some(&leaf) = path.last() else {
            return;
        };
        let first_message = self.nodes[leaf].messages == 0;
        {
            let node = &mut self.nodes[leaf];
            node.messages += 1;
            node.last_seq = Some(seq);
            node.rate.record(now_ms, 1);
            if retain {
                node.retained = payload_len > 0;
            }
        }
        if first_message {
            self.topics += 1;
            self.shape += 1;
        }
        for (index, id) in path.iter().enumerate() {
            let node = &mut self.nodes[*id];
            node.subtree_messages += 1;
            node.subtree_rate.record(now_ms, 1);
            node.last_activity_ms = Some(now_ms);
            if first_message && index + 1 < path.len() {
                node.subtopics += 1;
            }
        }
    }

    /// Distinct topics that have received messages.
    pub fn topic_count(&self) -> u64 {
        self.topics
    }

    /// Nodes in the tree (levels, including intermediate ones).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// A node.
    pub fn node(&self, id: NodeId) -> Option<&TopicNode> {
        self.nodes.get(id)
    }

    /// The node of a full topic, if seen.
    pub fn find(&self, topic: &str) -> Option<NodeId> {
        let mut levels = topic.split('/');
        let mut id = *self.roots.get(levels.next()?)?;
        for level in levels {
            id = *self.nodes[id].children.get(level)?;
        }
        Some(id)
    }

    /// The full topic of a node.
    pub fn path(&self, id: NodeId) -> String {
        let mut levels = Vec::new();
        let mut current = Some(id);
        while let Some(node) = current.and_then(|id| self.nodes.get(id)) {
            levels.push(node.name.as_str());
            current = node.parent;
        }
        levels.reverse();
        levels.join("/")
    }

    /// Topics whose last message was retained, at or below `prefix` (all
    /// when `None`), sorted.
    pub fn retained_topics(&self, prefix: Option<&str>) -> Vec<String> {
        let mut topics: Vec<String> = (0..self.nodes.len())
            .filter(|id| self.nodes[*id].retained)
            .map(|id| self.path(id))
            .filter(|topic| prefix.is_none_or(|prefix| topic == prefix || topic.starts_with(&format!("{prefix}/"))))
            .collect();
        topics.sort();
        topics
    }

    /// Notes that a topic's retained message was cleared.
    pub fn mark_cleared(&mut self, topic: &str) {
        if let Some(id) = self.find(topic) {
            self.nodes[id].retained = false;
        }
    }

    /// Forgets everything (e.g. with the log's Clear).
    pub fn clear(&mut self) {
        let (shape, clears) = (self.shape + 1, self.clears + 1);
        *self = Self { shape, clears, ..Self::with_limit(self.max_nodes) };
    }

    /// Pushes `ids` onto `stack` so that they pop in `sort` order
    /// (`scratch` is reused between calls: no allocation per node).
    fn push_sorted<'a>(
        &self,
        stack: &mut Vec<NodeId>,
        scratch: &mut Vec<NodeId>,
        ids: impl DoubleEndedIterator<Item = &'a NodeId>,
        sort: TreeSort,
        now_ms: u64,
    ) {
        scratch.clear();
        scratch.extend(ids.copied());
        match sort {
            TreeSort::Name => {}
            TreeSort::Count => scratch.sort_by_key(|id| std::cmp::Reverse(self.nodes[*id].subtree_messages)),
            TreeSort::Rate => scratch.sort_by_key(|id| std::cmp::Reverse(self.nodes[*id].subtree_rate(now_ms))),
        }
        stack.extend(scratch.iter().rev());
    }

    /// The rows to draw: expanded nodes show their children. With a search
    /// text, only nodes whose full topic contains it (case-insensitive) and
    /// their ancestors are shown, all expanded. Walks the whole tree at
    /// once; [`TreeRows`] spreads a search over frames instead.
    pub fn visible_rows(&self, expanded: &HashSet<NodeId>, sort: TreeSort, search: &str, now_ms: u64) -> Vec<NodeId> {
        let needle = search.trim().to_lowercase();
        if needle.is_empty() {
            return self.rows_of(None, expanded, sort, now_ms);
        }
        let mut walk = SearchWalk::new(self, needle);
        while !walk.advance(self, None) {}
        self.rows_of(Some(&walk.keep), expanded, sort, now_ms)
    }

    /// The rows for a finished search (`keep` marks the matches and their
    /// ancestors; everything kept is open) or, without one, the expanded
    /// nodes' rows.
    fn rows_of(&self, keep: Option<&[bool]>, expanded: &HashSet<NodeId>, sort: TreeSort, now_ms: u64) -> Vec<NodeId> {
        let mut listing = Listing::new(self, sort, now_ms);
        while !listing.advance(self, keep, expanded, sort, now_ms, None) {}
        listing.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// More than any test tree needs to finish a search in one call.
    const ENOUGH: Duration = Duration::from_secs(5);

    #[test]
    fn cached_rows_follow_user_changes_at_once_and_traffic_within_the_refresh() {
        let mut tree = TopicTree::default();
        tree.insert("a/b", 0, 1, false, 0);
        let mut rows = TreeRows::default();
        let mut expanded = HashSet::new();
        assert_eq!(rows.get(&tree, &expanded, TreeSort::Name, "", 0, ENOUGH).len(), 1, "a, collapsed");
        let a = tree.find("a").expect("a");
        expanded.insert(a);
        assert_eq!(rows.get(&tree, &expanded, TreeSort::Name, "", 1, ENOUGH).len(), 2, "expanding shows b at once");
        tree.insert("a/c", 1, 1, false, 2);
        assert_eq!(
            rows.get(&tree, &expanded, TreeSort::Name, "", 3, ENOUGH).len(),
            2,
            "a new topic waits for the refresh"
        );
        assert_eq!(rows.get(&tree, &expanded, TreeSort::Name, "", 1 + TREE_ROWS_REFRESH_MS, ENOUGH).len(), 3);
        assert_eq!(
            rows.get(&tree, &expanded, TreeSort::Name, "c", 1 + TREE_ROWS_REFRESH_MS, ENOUGH).len(),
            2,
            "search: a, c"
        );
        tree.clear();
        tree.insert("x", 2, 1, false, 4);
        assert_eq!(
            rows.get(&tree, &expanded, TreeSort::Name, "c", 5, ENOUGH),
            &[] as &[NodeId],
            "a clear applies at once"
        );
    }

    #[test]
    fn a_search_of_a_big_tree_goes_on_over_several_calls_showing_the_previous_rows() {
        let mut tree = TopicTree::default();
        for index in 0..5_000 {
            tree.insert(&format!("fleet/device/{index}/telemetry"), index, 1, false, 0);
        }
        let expanded: HashSet<NodeId> = tree.find("fleet").into_iter().collect();
        let mut rows = TreeRows::default();
        let before = rows.get(&tree, &expanded, TreeSort::Name, "", 0, Duration::ZERO).to_vec();
        assert_eq!(before.len(), 2, "fleet, fleet/device");
        let mut calls = 0;
        loop {
            let now = rows.get(&tree, &expanded, TreeSort::Name, "Device/42", 1, Duration::ZERO).to_vec();
            calls += 1;
            if !rows.searching() {
                assert_eq!(now, tree.visible_rows(&expanded, TreeSort::Name, "device/42", 1));
                break;
            }
            assert_eq!(now, before, "the previous rows stay up while the walk goes on");
            assert!(calls < 1_000, "the walk makes progress");
        }
        assert!(calls > 1, "a zero budget walks a slice per call, not the whole tree");
        // Everything matches: 10,002 rows, listed a slice per call too.
        let mut listing_calls = 0;
        while {
            rows.get(&tree, &expanded, TreeSort::Count, "telemetry", 1, Duration::ZERO);
            rows.searching()
        } {
            listing_calls += 1;
            assert!(listing_calls < 1_000, "the listing makes progress");
        }
        // Both the marking and the listing go a slice at a time.
        assert!(listing_calls >= 2 * (10_002 / SEARCH_NODES_PER_CLOCK_CHECK), "{listing_calls} calls");
        assert_eq!(rows.rows(), tree.visible_rows(&expanded, TreeSort::Count, "telemetry", 1));
        assert_eq!(rows.rows().len(), 10_002);
        let found = tree.visible_rows(&expanded, TreeSort::Name, "device/42", 1);
        // fleet, device, 42 + 420..429 + 4200..4299 (+ each one's telemetry)
        assert_eq!(found.len(), 2 + 111 * 2);
        rows.get(&tree, &expanded, TreeSort::Name, "device/43", 2, Duration::ZERO);
        assert!(rows.searching());
        rows.get(&tree, &expanded, TreeSort::Count, "telemetry", 2, Duration::ZERO);
        assert!(!rows.searching(), "back to the search the rows answer: the other walk is dropped");
        assert_eq!(rows.rows().len(), 10_002);
        rows.get(&tree, &expanded, TreeSort::Name, "device/43", 2, Duration::ZERO);
        assert!(rows.searching());
        assert_eq!(
            rows.get(&tree, &expanded, TreeSort::Name, "", 3, Duration::ZERO).len(),
            2,
            "clearing the search answers at once, dropping the walk"
        );
        assert!(!rows.searching());
    }

    #[test]
    fn a_full_tree_counts_the_messages_it_cannot_place() {
        let mut tree = TopicTree::with_limit(3);
        tree.insert("a/b", 0, 1, false, 0);
        tree.insert("a/c", 1, 1, false, 0);
        tree.insert("a/d", 2, 1, false, 0);
        tree.insert("x", 3, 1, false, 0);
        tree.insert("a/b", 4, 1, false, 0);
        assert_eq!(tree.node_count(), 3);
        assert_eq!(tree.topic_count(), 2);
        assert_eq!(tree.overflow_messages(), 2);
        let a = tree.find("a").and_then(|id| tree.node(id)).map(|node| node.subtree_messages);
        assert_eq!(a, Some(3), "no partial counts for refused topics");
        tree.clear();
        tree.insert("p/q", 5, 1, false, 0);
        tree.insert("p/q/r", 6, 1, false, 0);
        tree.insert("z", 7, 1, false, 0);
        assert_eq!(tree.overflow_messages(), 1, "the limit survives a clear");
    }

    fn tree() -> TopicTree {
        let mut tree = TopicTree::default();
        tree.insert("home/kitchen/temp", 0, 4, false, 0);
        tree.insert("home/kitchen/temp", 1, 4, false, 100);
        tree.insert("home/garage/door", 2, 4, true, 200);
        tree.insert("home", 3, 2, false, 300);
        tree.insert("plant/line1/pressure", 4, 4, false, 400);
        tree
    }

    #[test]
    fn counts_subtopics_and_paths() {
        let tree = tree();
        assert_eq!(tree.topic_count(), 4);
        let home = tree.find("home").expect("home");
        let node = tree.node(home).expect("node");
        assert_eq!((node.messages, node.subtree_messages, node.subtopics), (1, 4, 2));
        let temp = tree.find("home/kitchen/temp").expect("temp");
        assert_eq!(tree.path(temp), "home/kitchen/temp");
        assert_eq!(tree.node(temp).map(|n| (n.messages, n.last_seq, n.depth())), Some((2, Some(1), 2)));
        assert_eq!(tree.find("home/attic"), None);
        let door = tree.find("home/garage/door").expect("door");
        assert!(tree.node(door).is_some_and(|n| n.retained));
    }

    #[test]
    fn an_empty_retained_message_clears_the_marker_and_empty_levels_work() {
        let mut tree = tree();
        tree.insert("home/garage/door", 5, 0, true, 500);
        let door = tree.find("home/garage/door").expect("door");
        assert!(tree.node(door).is_some_and(|n| !n.retained));
        tree.insert("a//b", 6, 1, false, 600);
        let empty = tree.find("a/").expect("empty level");
        assert_eq!(tree.node(empty).map(|n| n.name.as_str()), Some(""));
        assert_eq!(tree.path(tree.find("a//b").expect("leaf")), "a//b");
    }

    #[test]
    fn retained_topics_by_subtree() {
        let mut tree = tree();
        tree.insert("home/garage/light", 7, 2, true, 700);
        tree.insert("homeless/x", 8, 2, true, 800);
        assert_eq!(tree.retained_topics(Some("home")), vec!["home/garage/door", "home/garage/light"]);
        assert_eq!(tree.retained_topics(None).len(), 3);
        tree.mark_cleared("home/garage/door");
        assert_eq!(tree.retained_topics(Some("home/garage")), vec!["home/garage/light"]);
    }

    #[test]
    fn rates_follow_an_injected_clock() {
        let mut tree = TopicTree::default();
        for index in 0..50 {
            tree.insert("fast/topic", index, 1, false, 10_000 + index * 10);
        }
        tree.insert("slow/topic", 50, 1, false, 10_400);
        let fast = tree.find("fast").expect("fast");
        let slow = tree.find("slow").expect("slow");
        assert_eq!(tree.node(fast).map(|n| n.subtree_rate(10_500)), Some(50));
        assert_eq!(tree.node(slow).map(|n| n.subtree_rate(10_500)), Some(1));
        assert_eq!(tree.node(fast).map(|n| n.subtree_rate(20_000)), Some(0), "rates decay without traffic");
        let rows = tree.visible_rows(&HashSet::new(), TreeSort::Rate, "", 10_500);
        assert_eq!(rows.first().map(|id| tree.path(*id)), Some("fast".to_owned()));
    }

    #[test]
    fn visible_rows_expand_sort_and_search() {
        let tree = tree();
        let home = tree.find("home").expect("home");
        let collapsed = tree.visible_rows(&HashSet::new(), TreeSort::Name, "", 500);
        assert_eq!(collapsed.iter().map(|id| tree.path(*id)).collect::<Vec<_>>(), vec!["home", "plant"]);
        let expanded: HashSet<NodeId> = [home].into_iter().collect();
        let rows = tree.visible_rows(&expanded, TreeSort::Name, "", 500);
        assert_eq!(
            rows.iter().map(|id| tree.path(*id)).collect::<Vec<_>>(),
            vec!["home", "home/garage", "home/kitchen", "plant"]
        );
        let by_count = tree.visible_rows(&expanded, TreeSort::Count, "", 500);
        assert_eq!(tree.path(by_count[1]), "home/kitchen", "kitchen has more messages than garage");
        let found = tree.visible_rows(&HashSet::new(), TreeSort::Name, "PRESS", 500);
        assert_eq!(
            found.iter().map(|id| tree.path(*id)).collect::<Vec<_>>(),
            vec!["plant", "plant/line1", "plant/line1/pressure"]
        );
        let across_levels = tree.visible_rows(&HashSet::new(), TreeSort::Name, "Line1/Pre", 500);
        assert_eq!(across_levels, found, "a search may span levels");
        assert!(tree.visible_rows(&HashSet::new(), TreeSort::Name, "line1pre", 500).is_empty());
    }

    #[test]
    fn held_rows_keep_their_order_until_let_go() {
        let mut tree = TopicTree::default();
        tree.insert("quiet", 1, 1, false, 0);
        tree.insert("busy", 2, 1, false, 0);
        let expanded = HashSet::new();
        let mut rows = TreeRows::default();
        let order = |rows: &[NodeId], tree: &TopicTree| rows.iter().map(|id| tree.path(*id)).collect::<Vec<_>>();
        let first = rows.get(&tree, &expanded, TreeSort::Count, "", 0, ENOUGH).to_vec();
        assert_eq!(order(&first, &tree), ["busy", "quiet"].map(String::from), "equal counts: in order");
        for seq in 3..20 {
            tree.insert("quiet", seq, 1, false, 10);
        }
        rows.hold(true);
        let held = rows.get(&tree, &expanded, TreeSort::Count, "", 10 + TREE_ROWS_REFRESH_MS, ENOUGH).to_vec();
        assert_eq!(held, first, "held: traffic does not reorder");
        rows.hold(false);
        let moved = rows.get(&tree, &expanded, TreeSort::Count, "", 20 + TREE_ROWS_REFRESH_MS, ENOUGH).to_vec();
        assert_eq!(order(&moved, &tree), ["quiet", "busy"].map(String::from), "let go: the busiest first");
    }
}
