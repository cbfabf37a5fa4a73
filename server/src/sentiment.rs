//! The live sentiment engine: the general VADER lexicon with the stored domain lexicon over it
//! (`app/src/domain/sentiment/domain.rs`), and the re-scoring of stored texts when the domain
//! lexicon changes. Every scorer in the server (ingest, survey comments, tickets, re-scoring)
//! takes its analyzer from here, so a change applies to new and stored texts alike.

use crate::bus::ChangeBus;
use crate::clock::now_ms;
use crate::store::{lexicon, settings, Store, StoreError};
use app::domain::sentiment::domain::{
    check_note, check_valence, normalize_term, DomainLexicon, LexiconEntry, StoredTerm, TermError,
};
use app::domain::sentiment::vader::Analyzer;
use app::model::voice::LexiconView;
pub use app::model::voice::RescoreStatus;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// The setting naming the lexicon fingerprint stored scores were made with.
const SCORED_WITH: &str = "voice.scored_with";

/// Why a lexicon change was refused.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{}", .0.message)]
    Invalid(TermError),
    #[error("no stored entry for {0:?}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<TermError> for LexiconError {
    fn from(e: TermError) -> LexiconError {
        LexiconError::Invalid(e)
    }
}

/// The current domain lexicon and the re-scoring state. Shared by the whole server.
pub struct Sentiment {
    current: RwLock<Arc<DomainLexicon>>,
    /// Changes since start; a re-score pass runs until no change arrived during it.
    generation: AtomicU64,
    status: Mutex<RescoreStatus>,
    /// One re-score at a time.
    single: tokio::sync::Mutex<()>,
}

impl Sentiment {
    /// The shipped defaults alone (a store without stored entries).
    pub fn with_defaults() -> Sentiment {
        Sentiment::new(DomainLexicon::defaults())
    }

    fn new(lex: DomainLexicon) -> Sentiment {
        Sentiment {
            current: RwLock::new(Arc::new(lex)),
            generation: AtomicU64::new(0),
            status: Mutex::new(RescoreStatus::default()),
            single: tokio::sync::Mutex::new(()),
        }
    }

    /// The defaults overlaid with the store's entries.
    pub async fn load(store: &Store) -> Result<Sentiment, StoreError> {
        Ok(Sentiment::new(DomainLexicon::build(
            &lexicon::list(store).await?,
        )))
    }

    /// The effective domain lexicon.
    pub fn lexicon(&self) -> Arc<DomainLexicon> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// An analyzer with the current domain lexicon.
    pub fn analyzer(&self) -> Analyzer {
        Analyzer::with_domain(self.lexicon())
    }

    /// Re-reads the stored entries after a change; new texts are scored with them at once.
    pub async fn reload(&self, store: &Store) -> Result<(), StoreError> {
        let lex = Arc::new(DomainLexicon::build(&lexicon::list(store).await?));
        match self.current.write() {
            Ok(mut g) => *g = lex,
            Err(poisoned) => *poisoned.into_inner() = lex,
        }
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.set_status(|s| s.running = true);
        Ok(())
    }

    /// Where re-scoring stands.
    pub fn status(&self) -> RescoreStatus {
        match self.status.lock() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set_status(&self, f: impl FnOnce(&mut RescoreStatus)) {
        match self.status.lock() {
            Ok(mut s) => f(&mut s),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Re-scores stored texts when they were scored with another lexicon than the current
    /// one, until they match it (a change during a pass starts another); returns the texts
    /// changed. Changed scores are announced on `bus`, so live pages and alerts follow.
    pub async fn rescore_if_stale(
        &self,
        store: &Store,
        bus: Option<&ChangeBus>,
    ) -> Result<i64, StoreError> {
        let _one = self.single.lock().await;
        let mut changed_total = 0;
        loop {
            let generation = self.generation.load(Ordering::SeqCst);
            let lex = self.lexicon();
            let fingerprint = lex.fingerprint();
            if settings::get(store, SCORED_WITH).await?.as_deref() == Some(fingerprint.as_str()) {
                if generation == self.generation.load(Ordering::SeqCst) {
                    self.set_status(|s| s.running = false);
                    return Ok(changed_total);
                }
                continue;
            }
            self.set_status(|s| s.running = true);
            let started = now_ms();
            let (read, changed) =
                crate::voice::rescore_all(store, &Analyzer::with_domain(lex), bus, started).await?;
            settings::set(store, SCORED_WITH, &fingerprint).await?;
            changed_total += changed;
            tracing::info!(read, changed, %fingerprint, "re-scored feedback");
            self.set_status(|s| {
                s.read = read;
                s.changed = changed;
                s.finished_at = Some(now_ms());
            });
        }
    }

    /// [`rescore_if_stale`](Self::rescore_if_stale) in the background; failures are logged
    /// and retried by the next change or start.
    pub fn spawn_rescore(self: &Arc<Self>, store: Arc<Store>, bus: ChangeBus) {
        let me = self.clone();
        tokio::spawn(async move {
            if let Err(e) = me.rescore_if_stale(&store, Some(&bus)).await {
                me.set_status(|s| s.running = false);
                tracing::error!(error = %e, "re-scoring feedback failed");
            }
        });
    }

    /// The lexicon as listed: every effective entry and where re-scoring stands.
    pub fn view(&self) -> LexiconView {
        let lex = self.lexicon();
        LexiconView {
            terms: lex.entries().to_vec(),
            fingerprint: lex.fingerprint(),
            rescore: self.status(),
        }
    }

    /// Stores `term` with `valence` (0: no valence) and `note`, audits it as `actor`, and
    /// re-scores stored texts in the background.
    #[allow(clippy::too_many_arguments)]
    pub async fn put_term(
        self: &Arc<Self>,
        store: &Arc<Store>,
        bus: &ChangeBus,
        actor: &str,
        ip: &str,
        term: &str,
        valence: f64,
        note: &str,
    ) -> Result<LexiconEntry, LexiconError> {
        let stored = StoredTerm {
            term: normalize_term(term)?,
            valence: check_valence(valence)?,
            note: check_note(note)?,
            updated_at: now_ms(),
            updated_by: actor.to_string(),
        };
        lexicon::put(store, &stored).await?;
        crate::auth::accounts::record(
            store,
            actor,
            "lexicon.put",
            &stored.term,
            &format!("valence {}", stored.valence),
            ip,
        )
        .await;
        self.changed(store, bus).await?;
        self.lexicon()
            .entries()
            .iter()
            .find(|e| e.term == stored.term)
            .cloned()
            .ok_or_else(|| LexiconError::NotFound(stored.term.clone()))
    }

    /// Removes the stored entry of `term` (a changed default reverts to its shipped valence,
    /// an admin's term goes), audits it, and re-scores in the background.
    pub async fn delete_term(
        self: &Arc<Self>,
        store: &Arc<Store>,
        bus: &ChangeBus,
        actor: &str,
        ip: &str,
        term: &str,
    ) -> Result<(), LexiconError> {
        let term = normalize_term(term)?;
        if !lexicon::delete(store, &term).await? {
            return Err(LexiconError::NotFound(term));
        }
        crate::auth::accounts::record(store, actor, "lexicon.delete", &term, "", ip).await;
        self.changed(store, bus).await?;
        Ok(())
    }

    async fn changed(
        self: &Arc<Self>,
        store: &Arc<Store>,
        bus: &ChangeBus,
    ) -> Result<(), StoreError> {
        self.reload(store).await?;
        self.spawn_rescore(store.clone(), bus.clone());
        Ok(())
    }
}
