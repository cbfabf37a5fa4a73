//! The in-memory journey index: every person's activity timeline, with identities stitched.
//!
//! Funnels, engagement and retention are per-person sequence questions that no additive
//! rollup answers, and scanning raw facts in SQL per request is far too slow at millions of
//! events. So the events table is the truth and this index is its derived, rebuildable
//! view: names and dimension values interned to small integers, 24 bytes an event, timelines
//! kept sorted by time. It tails the table by `seq` (commit order).
//!
//! Identity: a `userId` and an `anonymousId` on one message, an `identify` carrying both,
//! or an `alias` (`previousId` → `userId`) put the two ids in one person. The merge is
//! retroactive — the anonymous history joins the known user's timeline — and it follows
//! the facts, so a rebuild stitches identically.

use crate::store::events::EventRow;
use app::domain::journey::timeline::{TimelineEvent, DIMS};
use rustc_hash::FxHashMap;

/// Interns strings to dense integers.
#[derive(Debug, Default)]
pub struct Interner {
    ids: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    /// The id of `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    /// The id of `s`, if known.
    pub fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    /// The string of `id`.
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |s| s)
    }

    /// How many strings are interned.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Dimension values beyond this many per dimension share the last id ("other"), so an id
/// fits in 16 bits.
const MAX_VALUES: u32 = u16::MAX as u32;

/// The index. See the module docs.
#[derive(Debug, Default)]
pub struct EventIndex {
    names: Interner,
    values: Vec<Interner>,
    /// `u:<userId>` / `a:<anonymousId>` → slot.
    ids: Interner,
    /// Slot → the slot that holds the person's timeline.
    root: Vec<u32>,
    /// Root slot → every slot of the person (itself included); empty for non-roots.
    members: Vec<Vec<u32>>,
    /// Root slot → activity changed since the last compaction, sorted by time; empty for
    /// non-roots and for people whose timeline is in `frozen`.
    timelines: Vec<Vec<TimelineEvent>>,
    /// Every compacted timeline back to back in slot order, so a read streams through
    /// memory instead of chasing a million small allocations; `spans` locates each.
    frozen: Vec<TimelineEvent>,
    /// Root slot → (start, length) in `frozen`; length 0 when the timeline is live.
    spans: Vec<(usize, usize)>,
    /// Events held in live timelines.
    live_events: usize,
    /// Root slot → time of its last activity (`i64::MIN` for none), dense, so a read that
    /// starts at a date skips quiet people without touching their timelines.
    last_at: Vec<i64>,
    last_seq: i64,
    events: usize,
}

impl EventIndex {
    /// An empty index.
    pub fn new() -> EventIndex {
        let mut values: Vec<Interner> = (0..DIMS).map(|_| Interner::default()).collect();
        for v in &mut values {
            // Id 0 is "no value".
            v.intern("");
        }
        EventIndex {
            values,
            ..EventIndex::default()
        }
    }

    /// The highest `seq` applied.
    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// Activity events held.
    pub fn events(&self) -> usize {
        self.events
    }

    /// People (after stitching) with any activity.
    pub fn people(&self) -> usize {
        (0..self.timelines.len())
            .filter(|s| !self.slice(*s).is_empty())
            .count()
    }

    /// Event names.
    pub fn names(&self) -> &Interner {
        &self.names
    }

    /// The values of dimension `d`.
    pub fn values(&self, d: usize) -> &Interner {
        &self.values[d]
    }

    fn slot(&mut self, key: &str) -> u32 {
        let id = self.ids.intern(key);
        if id as usize == self.root.len() {
            self.root.push(id);
            self.members.push(vec![id]);
            self.timelines.push(Vec::new());
            self.spans.push((0, 0));
            self.last_at.push(i64::MIN);
        }
        self.root[id as usize]
    }

    /// Puts `from`'s person into `into`'s (no-op when already one person).
    fn merge(&mut self, from: u32, into: u32) {
        let (a, b) = (self.root[from as usize], self.root[into as usize]);
        if a == b {
            return;
        }
        let moved = std::mem::take(&mut self.members[a as usize]);
        for &m in &moved {
            self.root[m as usize] = b;
        }
        self.members[b as usize].extend(moved);
        let theirs = std::mem::take(self.thaw(a));
        if !theirs.is_empty() {
            let ours = std::mem::take(self.thaw(b));
            self.timelines[b as usize] = merge_sorted(ours, theirs);
            self.last_at[b as usize] = self.last_at[b as usize].max(self.last_at[a as usize]);
            self.last_at[a as usize] = i64::MIN;
        }
    }

    /// The root slot of a known user id.
    pub fn person_of_user(&self, user_id: &str) -> Option<u32> {
        let key = format!("u:{user_id}");
        self.ids.get(&key).map(|s| self.root[s as usize])
    }

    /// Applies one stored event.
    pub fn apply(&mut self, row: &EventRow) {
        self.last_seq = self.last_seq.max(row.seq);
        let user = row.user_id.as_deref().map(|u| self.slot(&format!("u:{u}")));
        let anon = row
            .anonymous_id
            .as_deref()
            .map(|a| self.slot(&format!("a:{a}")));
        if let (Some(u), Some(a)) = (user, anon) {
            self.merge(a, u);
        }
        if row.kind == "alias" {
            if let (Some(u), Some(prev)) = (user, row.previous_id.as_deref()) {
                // The previous id is a known user id if we have seen one, else anonymous.
                let key = format!("u:{prev}");
                let p = match self.ids.get(&key) {
                    Some(_) => self.slot(&key),
                    None => self.slot(&format!("a:{prev}")),
                };
                self.merge(p, u);
            }
            return;
        }
        if row.event.is_empty() {
            return;
        }
        let Some(person) = user.or(anon) else { return };
        let person = self.root[person as usize];
        let name = self.names.intern(&row.event);
        let mut dims = [0u16; DIMS];
        for (i, v) in [
            &row.channel,
            &row.source,
            &row.region,
            &row.segment,
            &row.product_category,
        ]
        .into_iter()
        .enumerate()
        {
            let id = if self.values[i].len() as u32 >= MAX_VALUES {
                self.values[i].get(v).unwrap_or(MAX_VALUES - 1)
            } else {
                self.values[i].intern(v)
            };
            dims[i] = id as u16;
        }
        let e = TimelineEvent {
            at: row.at,
            name,
            dims,
        };
        let last = &mut self.last_at[person as usize];
        *last = (*last).max(e.at);
        self.live_events += 1;
        let t = self.thaw(person);
        // Events mostly arrive in time order; a late one is inserted in place.
        if t.last().is_none_or(|l| l.at <= e.at) {
            t.push(e);
        } else {
            let pos = t.partition_point(|x| x.at <= e.at);
            t.insert(pos, e);
        }
        self.events += 1;
    }

    /// A slot's timeline, live or compacted.
    fn slice(&self, slot: usize) -> &[TimelineEvent] {
        let live = &self.timelines[slot];
        if !live.is_empty() {
            return live;
        }
        let (start, len) = self.spans[slot];
        &self.frozen[start..start + len]
    }

    /// A slot's live timeline, moving it out of `frozen` first if it is there.
    fn thaw(&mut self, slot: u32) -> &mut Vec<TimelineEvent> {
        let slot = slot as usize;
        let (start, len) = self.spans[slot];
        if len > 0 {
            self.timelines[slot] = self.frozen[start..start + len].to_vec();
            self.spans[slot] = (0, 0);
            self.live_events += len;
        }
        &mut self.timelines[slot]
    }

    /// Packs every timeline into `frozen` in slot order. Cheap enough to run after a large
    /// load (a copy of the events); [`EventIndex::maybe_compact`] decides when.
    pub fn compact(&mut self) {
        let mut frozen = Vec::with_capacity(self.events);
        let mut spans = Vec::with_capacity(self.spans.len());
        for slot in 0..self.timelines.len() {
            let t = self.slice(slot);
            spans.push((frozen.len(), t.len()));
            frozen.extend_from_slice(t);
        }
        for t in self.timelines.iter_mut().filter(|t| !t.is_empty()) {
            *t = Vec::new();
        }
        self.spans = spans;
        self.frozen = frozen;
        self.live_events = 0;
    }

    /// Compacts when live timelines hold more than a fifth of the events (and enough to
    /// matter), so the copy is amortised over the appends that caused it.
    pub fn maybe_compact(&mut self) {
        if self.live_events > 50_000 && self.live_events * 5 > self.events {
            self.compact();
        }
    }

    /// The timeline of a person's root slot (empty for an unknown or non-root slot).
    pub fn timeline_of(&self, person: u32) -> &[TimelineEvent] {
        let slot = person as usize;
        if slot < self.timelines.len() {
            self.slice(slot)
        } else {
            &[]
        }
    }

    /// Every person's timeline (roots only; others are empty).
    pub fn timelines(&self) -> impl Iterator<Item = (u32, &[TimelineEvent])> {
        self.timelines_in(0..self.timelines.len())
    }

    /// The timelines of the person slots in `slots` (for splitting work across threads).
    pub fn timelines_in(
        &self,
        slots: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (u32, &[TimelineEvent])> {
        let end = slots.end.min(self.timelines.len());
        let start = slots.start.min(end);
        (start..end)
            .map(|slot| (slot as u32, self.slice(slot)))
            .filter(|(_, t)| !t.is_empty())
    }

    /// Like [`EventIndex::timelines_in`], only people active at or after `since`.
    pub fn active_since_in(
        &self,
        slots: std::ops::Range<usize>,
        since: i64,
    ) -> impl Iterator<Item = (u32, &[TimelineEvent])> {
        let end = slots.end.min(self.timelines.len());
        let start = slots.start.min(end);
        self.last_at[start..end]
            .iter()
            .enumerate()
            .filter(move |(_, l)| **l >= since)
            .map(move |(i, _)| ((start + i) as u32, self.slice(start + i)))
    }

    /// Person slots (an upper bound on people).
    pub fn slots(&self) -> usize {
        self.timelines.len()
    }

    /// Splits the person slots into `parts` ranges of about equal size.
    pub fn split(&self, parts: usize) -> Vec<std::ops::Range<usize>> {
        let n = self.slots();
        let parts = parts.clamp(1, n.max(1));
        let step = n.div_ceil(parts).max(1);
        (0..parts)
            .map(|i| (i * step).min(n)..((i + 1) * step).min(n))
            .collect()
    }
}

fn merge_sorted(a: Vec<TimelineEvent>, b: Vec<TimelineEvent>) -> Vec<TimelineEvent> {
    if a.is_empty() {
        return b;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].at <= b[j].at {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        seq: i64,
        kind: &str,
        event: &str,
        user: Option<&str>,
        anon: Option<&str>,
        at: i64,
    ) -> EventRow {
        EventRow {
            seq,
            kind: kind.into(),
            event: event.into(),
            user_id: user.map(String::from),
            anonymous_id: anon.map(String::from),
            previous_id: None,
            at,
            channel: "web".into(),
            source: String::new(),
            region: String::new(),
            segment: String::new(),
            product_category: String::new(),
        }
    }

    #[test]
    fn identify_and_alias_stitch_people_retroactively() {
        let mut ix = EventIndex::new();
        ix.apply(&row(1, "page", "Page Viewed", None, Some("anon-1"), 100));
        ix.apply(&row(2, "track", "Product Added", None, Some("anon-1"), 300));
        ix.apply(&row(3, "track", "Order Completed", Some("u1"), None, 200));
        assert_eq!(ix.people(), 2);
        // identify with both ids: the anonymous history joins u1, in time order.
        ix.apply(&row(4, "identify", "", Some("u1"), Some("anon-1"), 400));
        assert_eq!(ix.people(), 1);
        let p = ix.person_of_user("u1").expect("u1");
        let (_, t) = ix.timelines().find(|(i, _)| *i == p).expect("timeline");
        assert_eq!(
            t.iter().map(|e| e.at).collect::<Vec<_>>(),
            vec![100, 200, 300]
        );
        // alias: an old user id joins the new one.
        ix.apply(&row(5, "track", "Page Viewed", Some("old"), None, 50));
        let mut a = row(6, "alias", "", Some("u1"), None, 500);
        a.previous_id = Some("old".into());
        ix.apply(&a);
        assert_eq!(ix.people(), 1);
        assert_eq!(ix.events(), 4);
        assert_eq!(ix.last_seq(), 6);
        // An alias from an id never seen before names an anonymous id for later events.
        let mut a = row(7, "alias", "", Some("u1"), None, 600);
        a.previous_id = Some("device-9".into());
        ix.apply(&a);
        ix.apply(&row(
            8,
            "screen",
            "Screen Viewed",
            None,
            Some("device-9"),
            700,
        ));
        assert_eq!(ix.people(), 1);
        assert_eq!(ix.events(), 5);
        // Compaction keeps every timeline, and later events and merges still land.
        ix.compact();
        assert_eq!((ix.people(), ix.events()), (1, 5));
        assert_eq!(ix.timelines().map(|(_, t)| t.len()).sum::<usize>(), 5);
        ix.apply(&row(9, "track", "Late", Some("u1"), None, 10));
        ix.apply(&row(10, "track", "Other", Some("u3"), None, 20));
        ix.compact();
        ix.apply(&row(11, "identify", "", Some("u1"), Some("x"), 30));
        let mut a = row(12, "alias", "", Some("u1"), None, 40);
        a.previous_id = Some("u3".into());
        ix.apply(&a);
        let p = ix.person_of_user("u1").expect("u1");
        let (_, t) = ix.timelines().find(|(i, _)| *i == p).expect("timeline");
        assert_eq!(
            t.iter().map(|e| e.at).collect::<Vec<_>>(),
            vec![10, 20, 50, 100, 200, 300, 700]
        );
        assert_eq!(ix.people(), 1);
        ix.apply(&row(13, "track", "Last", Some("u1"), None, 700));
        // Only the stitched person is active, and only since its last event.
        assert_eq!(ix.active_since_in(0..ix.slots(), 700).count(), 1);
        assert_eq!(ix.active_since_in(0..ix.slots(), 701).count(), 0);
    }
}
