//! The topic tree as the panel shows it: rows listed from the model, a
//! search that walks the tree in time-bounded slices, and the rows kept
//! until they can have changed.

use super::*;

/// The rows of a view being listed depth-first, pausable at a deadline
/// (a search that matches 100,000 topics lists 200,000 rows).
#[derive(Debug, Default)]
pub(super) struct Listing {
    pub(super) rows: Vec<NodeId>,
    pub(super) stack: Vec<NodeId>,
    pub(super) scratch: Vec<NodeId>,
}

impl Listing {
    pub(super) fn new(tree: &TopicTree, sort: TreeSort, now_ms: u64) -> Self {
        let mut listing = Self::default();
        tree.push_sorted(&mut listing.stack, &mut listing.scratch, tree.roots.values(), sort, now_ms);
        listing
    }

    /// Lists on until done (true) or past `deadline` (false). With `keep`
    /// (a finished search) only kept nodes are listed, all open.
    pub(super) fn advance(
        &mut self,
        tree: &TopicTree,
        keep: Option<&[bool]>,
        expanded: &HashSet<NodeId>,
        sort: TreeSort,
        now_ms: u64,
        deadline: Option<Instant>,
    ) -> bool {
        let mut visited = 0;
        while let Some(id) = self.stack.pop() {
            let Some(node) = tree.nodes.get(id) else { continue };
            if keep.is_some_and(|keep| !keep.get(id).copied().unwrap_or(false)) {
                continue;
            }
            self.rows.push(id);
            if keep.is_some() || expanded.contains(&id) {
                tree.push_sorted(&mut self.stack, &mut self.scratch, node.children.values(), sort, now_ms);
            }
            visited += 1;
            if time_is_up(visited, deadline) {
                return self.stack.is_empty();
            }
        }
        true
    }
}

/// Nodes a [`SearchWalk`] or [`Listing`] visits between looks at the clock.
pub(super) const SEARCH_NODES_PER_CLOCK_CHECK: usize = 512;

/// After `visited` nodes: is it a node count at which to look at the clock,
/// and is `deadline` (if any) past?
pub(super) fn time_is_up(visited: usize, deadline: Option<Instant>) -> bool {
    visited.is_multiple_of(SEARCH_NODES_PER_CLOCK_CHECK) && deadline.is_some_and(|deadline| Instant::now() >= deadline)
}

/// A topic search in progress: one walk down the tree with one path
/// buffer (each node's lower-cased topic is its parent's plus one level),
/// marking the matching topics and their ancestors. It can stop at a
/// deadline and go on later, so typing into the search of a 200,000-level
/// tree never stalls a frame; nodes added meanwhile wait for the next walk.
#[derive(Debug)]
pub(super) struct SearchWalk {
    pub(super) needle: String,
    pub(super) keep: Vec<bool>,
    pub(super) pending: Vec<(NodeId, usize)>,
    pub(super) path: String,
    /// Once every match is marked: the rows, listed within the budget too.
    pub(super) listing: Option<Listing>,
}

impl SearchWalk {
    pub(super) fn new(tree: &TopicTree, needle: String) -> Self {
        Self {
            needle,
            keep: vec![false; tree.nodes.len()],
            pending: tree.roots.values().map(|id| (*id, 0)).collect(),
            path: String::new(),
            listing: None,
        }
    }

    /// Marks, then lists the rows, until done (true) or past `deadline`
    /// (false); the rows are then in `listing`.
    pub(super) fn advance_and_list(
        &mut self,
        tree: &TopicTree,
        expanded: &HashSet<NodeId>,
        sort: TreeSort,
        now_ms: u64,
        deadline: Instant,
    ) -> bool {
        if self.listing.is_none() {
            if !self.advance(tree, Some(deadline)) {
                return false;
            }
            self.listing = Some(Listing::new(tree, sort, now_ms));
        }
        let keep = &self.keep;
        self.listing
            .as_mut()
            .is_some_and(|listing| listing.advance(tree, Some(keep), expanded, sort, now_ms, Some(deadline)))
    }

    /// Marks on until done (true) or past `deadline` (false).
    pub(super) fn advance(&mut self, tree: &TopicTree, deadline: Option<Instant>) -> bool {
        let mut visited = 0;
        while let Some((id, parent_len)) = self.pending.pop() {
            let Some(node) = tree.nodes.get(id).filter(|_| id < self.keep.len()) else {
                continue;
            };
            self.path.truncate(parent_len);
            if node.depth > 0 {
                self.path.push('/');
            }
            if node.name.is_ascii() {
                let start = self.path.len();
                self.path.push_str(&node.name);
                self.path[start..].make_ascii_lowercase();
            } else {
                self.path.extend(node.name.chars().flat_map(char::to_lowercase));
            }
            if node.messages > 0 && self.path.contains(self.needle.as_str()) {
                let mut current = Some(id);
                while let Some(node_id) = current {
                    if std::mem::replace(&mut self.keep[node_id], true) {
                        break;
                    }
                    current = tree.nodes[node_id].parent;
                }
            }
            let len = self.path.len();
            self.pending.extend(node.children.values().map(|child| (*child, len)));
            visited += 1;
            if time_is_up(visited, deadline) {
                return self.pending.is_empty();
            }
        }
        true
    }
}

/// How stale [`TreeRows`] may get while only traffic changes the tree:
/// new topics, counts and rates show up within this time.
pub const TREE_ROWS_REFRESH_MS: u64 = 250;

/// What a view asked [`TreeRows`] for.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RowsQuestion {
    clears: u64,
    sort: TreeSort,
    search: String,
    expanded: HashSet<NodeId>,
}

impl RowsQuestion {
    fn is(&self, tree: &TopicTree, expanded: &HashSet<NodeId>, sort: TreeSort, search: &str) -> bool {
        self.clears == tree.clears && self.sort == sort && self.search == search && self.expanded == *expanded
    }
}

/// The rows a topic tree view shows, recomputed only when they can have
/// changed: at once after the user changes what is expanded, the sort or
/// the search (or the tree is cleared), and at most every
/// [`TREE_ROWS_REFRESH_MS`] while traffic adds topics or moves counts and
/// rates. Walking 100,000 topics every frame would cost the frame, so a
/// search walks within a time budget per frame and the previous rows stay
/// up until it is done ([`TreeRows::searching`]).
#[derive(Debug, Default)]
pub struct TreeRows {
    rows: Vec<NodeId>,
    asked: Option<RowsQuestion>,
    walking: Option<(RowsQuestion, SearchWalk)>,
    shape: u64,
    computed_at_ms: u64,
    /// Keep the order traffic would change (the pointer is over the rows).
    held: bool,
}

impl TreeRows {
    /// Holds the rows still (no re-sorting, no new topics slotted in)
    /// while `held`: the pointer is over them, and a click must land on the
    /// row it was aimed at. What the user changes (expanding, sorting,
    /// searching) still applies at once.
    pub fn hold(&mut self, held: bool) {
        self.held = held;
    }

    /// The rows for these settings (see [`TopicTree::visible_rows`]),
    /// spending at most about `budget` on a search this call.
    pub fn get(
        &mut self,
        tree: &TopicTree,
        expanded: &HashSet<NodeId>,
        sort: TreeSort,
        search: &str,
        now_ms: u64,
        budget: Duration,
    ) -> &[NodeId] {
        let deadline = Instant::now() + budget;
        let same_question = self.asked.as_ref().is_some_and(|asked| asked.is(tree, expanded, sort, search));
        let walking_for_it =
            self.walking.as_ref().is_some_and(|(question, _)| question.is(tree, expanded, sort, search));
        if !walking_for_it {
            // A walk for an earlier question (the search was edited again, or
            // set back to what the rows already answer) is of no use now.
            self.walking = None;
        }
        let moved = tree.shape != self.shape || sort != TreeSort::Name;
        let due = now_ms.saturating_sub(self.computed_at_ms) >= TREE_ROWS_REFRESH_MS;
        if !walking_for_it && (!same_question || (moved && due && !self.held)) {
            let question =
                RowsQuestion { clears: tree.clears, sort, search: search.to_owned(), expanded: expanded.clone() };
            let needle = search.trim().to_lowercase();
            if needle.is_empty() {
                self.walking = None;
                self.rows = tree.rows_of(None, &question.expanded, question.sort, now_ms);
                self.answered(tree, question, now_ms);
            } else {
                self.walking = Some((question, SearchWalk::new(tree, needle)));
            }
        }
        if let Some((question, walk)) = self.walking.as_mut()
            && walk.advance_and_list(tree, &question.expanded, question.sort, now_ms, deadline)
            && let Some((question, walk)) = self.walking.take()
        {
            self.rows = walk.listing.map(|listing| listing.rows).unwrap_or_default();
            self.answered(tree, question, now_ms);
        }
        if self.asked.as_ref().is_some_and(|asked| asked.clears != tree.clears) {
            // Node ids from before a clear mean nothing now.
            self.rows.clear();
        }
        &self.rows
    }

    /// The rows of the last finished answer.
    pub fn rows(&self) -> &[NodeId] {
        &self.rows
    }

    /// A search is still walking; the rows are the previous answer's.
    pub fn searching(&self) -> bool {
        self.walking.is_some()
    }

    fn answered(&mut self, tree: &TopicTree, question: RowsQuestion, now_ms: u64) {
        self.asked = Some(question);
        self.shape = tree.shape;
        self.computed_at_ms = now_ms;
    }
}
