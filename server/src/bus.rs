//! The change bus: every committed ingest publishes what changed; the live stream (and later
//! the alert engine) subscribe.

use app::model::ChangeNotice;
use tokio::sync::broadcast;

/// How many notices a slow subscriber may fall behind before it must resync.
const CAPACITY: usize = 1024;

/// A broadcast of [`ChangeNotice`]s.
#[derive(Clone)]
pub struct ChangeBus {
    tx: broadcast::Sender<ChangeNotice>,
}

impl Default for ChangeBus {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(CAPACITY);
        ChangeBus { tx }
    }
}

impl ChangeBus {
    /// Announces a committed change. Having no subscribers is fine.
    pub fn publish(&self, notice: ChangeNotice) {
        let _ = self.tx.send(notice);
    }

    /// A new subscription, starting now.
    pub fn subscribe(&self) -> broadcast::Receiver<ChangeNotice> {
        self.tx.subscribe()
    }
}
