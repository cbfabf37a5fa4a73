//! The change bus: every committed ingest publishes what changed; the live stream (and later
//! the alert engine) subscribe.

use app::model::ChangeNotice;
use std::collections::BTreeMap;
use tokio::sync::broadcast;

/// How many notices a slow subscriber may fall behind before it must resync.
const CAPACITY: usize = 1024;

/// A committed change: the notice every reader may see, plus, for partner scoping, how many
/// of the records belong to each partner (`None`: the family has no partner rows).
#[derive(Clone, Debug)]
pub struct Change {
    pub notice: ChangeNotice,
    pub partners: Option<BTreeMap<String, i64>>,
}

impl Change {
    /// The notice as `partner` may see it: only if the change touched its rows, and counting
    /// only those; everyone else sees it whole.
    pub fn for_partner(&self, partner: Option<&str>) -> Option<ChangeNotice> {
        let Some(own) = partner else {
            return Some(self.notice.clone());
        };
        let n = *self.partners.as_ref()?.get(own)?;
        let mut notice = self.notice.clone();
        notice.count = n;
        Some(notice)
    }
}

/// A broadcast of [`Change`]s.
#[derive(Clone)]
pub struct ChangeBus {
    tx: broadcast::Sender<Change>,
}

impl Default for ChangeBus {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(CAPACITY);
        ChangeBus { tx }
    }
}

impl ChangeBus {
    /// Announces a committed change. Having no subscribers is fine.
    pub fn publish(&self, change: Change) {
        let _ = self.tx.send(change);
    }

    /// A new subscription, starting now.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::date::Day;

    #[test]
    fn partners_see_only_changes_to_their_rows_and_their_count() {
        let c = Change {
            notice: ChangeNotice {
                family: "surveys".into(),
                kinds: Vec::new(),
                from: Day(1),
                to: Day(2),
                count: 10,
                at: 0,
            },
            partners: Some(BTreeMap::from([("p1".into(), 3), ("p2".into(), 7)])),
        };
        assert_eq!(c.for_partner(None).unwrap().count, 10);
        assert_eq!(c.for_partner(Some("p1")).unwrap().count, 3);
        assert_eq!(c.for_partner(Some("p9")), None);
    }
}
