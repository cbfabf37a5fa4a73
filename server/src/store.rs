//! The store: SQLite (embedded default) or PostgreSQL (scale-out), chosen by the URL. Both
//! run the same SQL text; [`dispatch!`] instantiates each query once per dialect, so every
//! query is written once and runs on the native driver.

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Mutex, MutexGuard};

/// Runs `$body` with `$p` bound to the native pool of whichever dialect the store uses.
macro_rules! dispatch {
    ($store:expr, $p:ident => $body:expr) => {
        match $store.pool() {
            $crate::store::Pool::Sqlite($p) => $body,
            $crate::store::Pool::Postgres($p) => $body,
        }
    };
}

/// Begins a write transaction the way each dialect wants it: SQLite `BEGIN IMMEDIATE`, which
/// takes the write lock at once (a busy database then waits `busy_timeout` instead of failing
/// with "database is locked" at the first write after reads); PostgreSQL a plain `BEGIN`.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send {
        self.begin()
    }
}

/// Runs one SELECT built with [`sql::Sql`] on whichever dialect the store uses.
macro_rules! fetch_as {
    ($store:expr, $row:ty, $sql:expr) => {
        dispatch!($store, p => {
            let mut q = sqlx::query_as::<_, $row>(&$sql.text);
            for b in &$sql.binds {
                q = match b {
                    $crate::store::sql::Bind::Text(s) => q.bind(s.as_str()),
                    $crate::store::sql::Bind::Int(i) => q.bind(*i),
                };
            }
            q.fetch_all(p).await?
        })
    };
}

pub mod alerts;
pub mod audit;
pub mod events;
pub mod feedback;
pub mod incidents;
pub mod keys;
pub mod lexicon;
pub mod orders;
pub mod partners;
pub mod sessions;
pub mod settings;
pub mod shares;
pub mod sql;
pub mod surveys;
pub mod targets;
pub mod tickets;
pub mod users;
pub mod workflows;

/// A connection pool of either dialect.
#[derive(Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A failure of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("the store is shutting down")]
    Closed,
    /// Another server holds the SQLite database.
    #[error(
        "another Signalroom server is already using {0} (SQLite allows one server per database \
         file): stop it, or use PostgreSQL (DATABASE_URL=postgres://…) for several instances"
    )]
    Locked(String),
}

impl Pool {
    /// Itself, so [`dispatch!`] works on a pool as on a store.
    pub fn pool(&self) -> &Pool {
        self
    }
}

/// The store: a pool plus, for SQLite, the single-writer lock.
pub struct Store {
    pool: Pool,
    // SQLite allows one writer at a time; queueing here beats retrying on SQLITE_BUSY.
    write: Arc<Mutex<()>>,
    // SQLite only: the single writer task that group-commits survey batches.
    survey_writer: Option<mpsc::Sender<surveys::WriteJob>>,
    // SQLite only: an exclusive OS lock on `<database>.lock`, held while the store lives, so
    // a second server on the same file refuses to start instead of failing writes later.
    _instance_lock: Option<Arc<std::fs::File>>,
}

/// Takes the one-server-per-file lock of a SQLite database at `db`: an exclusive `flock` on
/// `<db>.lock` that another process cannot take while this one lives (the OS drops it when
/// the process ends, however it ends). Stores opened again inside the same process (a
/// restart in tests) share the lock.
fn lock_sqlite(db: &std::path::Path) -> Result<Arc<std::fs::File>, StoreError> {
    use std::collections::HashMap;
    use std::sync::{Mutex as StdMutex, OnceLock, Weak};
    static HELD: OnceLock<StdMutex<HashMap<std::path::PathBuf, Weak<std::fs::File>>>> =
        OnceLock::new();
    let mut path = db.as_os_str().to_owned();
    path.push(".lock");
    let path = std::path::PathBuf::from(path);
    let held = HELD.get_or_init(Default::default);
    let mut held = held
        .lock()
        .map_err(|_| StoreError::Locked(db.display().to_string()))?;
    if let Some(file) = held.get(&path).and_then(Weak::upgrade) {
        return Ok(file);
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)?;
    match file.try_lock() {
        Ok(()) => {
            let file = Arc::new(file);
            held.insert(path, Arc::downgrade(&file));
            Ok(file)
        }
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(db.display().to_string())),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Io(e)),
    }
}

// One migration set per dialect: they differ only in DDL (SQLite clusters facts WITHOUT ROWID).
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Store {
    /// Opens a pool for `url` (`sqlite://path`, `sqlite::memory:` is not supported because
    /// every pooled connection would get its own database; `postgres://…`).
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let mut instance_lock = None;
        let pool = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // A 2xx promises durability; with batched commits FULL costs little.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-65536")
                .pragma("temp_store", "memory");
            if let Some(dir) = opts.get_filename().parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
            instance_lock = Some(lock_sqlite(opts.get_filename())?);
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(8)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?,
            )
        } else {
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?,
            )
        };
        let write = Arc::new(Mutex::new(()));
        let survey_writer = match &pool {
            Pool::Sqlite(_) => {
                let (tx, rx) = mpsc::channel(64);
                // Ends when the store (the only sender) is dropped.
                tokio::spawn(surveys::run_writer(pool.clone(), write.clone(), rx));
                Some(tx)
            }
            Pool::Postgres(_) => None,
        };
        Ok(Store {
            pool,
            write,
            survey_writer,
            _instance_lock: instance_lock,
        })
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// The pool, for the store modules.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// `sqlite` or `postgresql`.
    pub fn dialect(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgresql",
        }
    }

    /// The SQLite survey writer, if this store has one.
    pub fn survey_writer(&self) -> Option<&mpsc::Sender<surveys::WriteJob>> {
        self.survey_writer.as_ref()
    }

    /// Serialises writers on SQLite; PostgreSQL handles concurrent writers itself.
    pub async fn write_guard(&self) -> Option<MutexGuard<'_, ()>> {
        match self.pool {
            Pool::Sqlite(_) => Some(self.write.lock().await),
            Pool::Postgres(_) => None,
        }
    }

    /// Checks the store answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, p => {
            sqlx::query("SELECT 1").execute(p).await?;
        });
        Ok(())
    }

    /// Closes every connection (flushes SQLite's WAL).
    pub async fn close(&self) {
        dispatch!(self, p => p.close().await)
    }
}

/// Keeps the last version of each id in a batch, in first-seen order; also says how many
/// What an upsert of a batch changed (tickets, feedback, orders).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Upserted {
    /// New records.
    pub created: i64,
    /// Stored records replaced by a different version.
    pub updated: i64,
    /// Replays, older versions, and earlier versions within the batch: nothing changed.
    pub unchanged: i64,
    /// First and last day of the changed records.
    pub days: Option<(i64, i64)>,
    /// Changed records per partner id (`""` for none), for partner-scoped notices.
    pub partners: std::collections::BTreeMap<String, i64>,
}

impl Upserted {
    /// Counts one changed record of `day` and `partner`.
    pub fn touch(&mut self, day: i64, partner: &str) {
        self.days = Some(
            self.days
                .map_or((day, day), |(a, b)| (a.min(day), b.max(day))),
        );
        *self.partners.entry(partner.to_string()).or_default() += 1;
    }
}

/// earlier versions were dropped (they count as duplicates).
pub fn last_per_id<T>(records: Vec<T>, id: impl Fn(&T) -> &str) -> (Vec<T>, i64) {
    let total = records.len();
    let mut index: std::collections::HashMap<String, usize> =
        std::collections::HashMap::with_capacity(total);
    let mut kept: Vec<T> = Vec::with_capacity(total);
    for r in records {
        match index.get(id(&r)) {
            Some(&i) => kept[i] = r,
            None => {
                index.insert(id(&r).to_string(), kept.len());
                kept.push(r);
            }
        }
    }
    let repeated = (total - kept.len()) as i64;
    (kept, repeated)
}

/// A database URL with any password removed, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact_url("postgres://sr:s3cret@127.0.0.1:5433/sr"),
            "postgres://sr:***@127.0.0.1:5433/sr"
        );
        assert_eq!(
            redact_url("sqlite://data/signalroom.db"),
            "sqlite://data/signalroom.db"
        );
    }
}

#[cfg(test)]
mod lock_tests {
    use super::*;

    #[tokio::test]
    async fn the_sqlite_file_is_locked_against_other_processes_while_a_store_lives() {
        let path = std::env::temp_dir().join(format!("signalroom-lock-{}.db", std::process::id()));
        let url = format!("sqlite://{}", path.display());
        let lock_path = format!("{}.lock", path.display());
        // What another process meets: the lock is taken (a separate open file description
        // conflicts with `flock` exactly as another process's would).
        let other = || std::fs::File::open(&lock_path).expect("lock file");
        let first = Store::connect(&url).await.expect("first server");
        assert!(matches!(
            other().try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        // The same process may open it again (and shares the lock).
        let second = Store::connect(&url).await.expect("same process");
        first.close().await;
        drop(first);
        assert!(other().try_lock().is_err(), "still held by the second");
        second.close().await;
        drop(second);
        assert!(other().try_lock().is_ok(), "free once no store holds it");
        // Someone else holding it: the store refuses to open with a clear message.
        let foreign = other();
        foreign.lock().expect("take the lock");
        let refused = Store::connect(&url).await;
        assert!(
            matches!(&refused, Err(StoreError::Locked(p)) if p.ends_with(".db")),
            "{:?}",
            refused.as_ref().err()
        );
        assert!(refused
            .err()
            .is_some_and(|e| e.to_string().contains("already using")));
        drop(foreign);
        for suffix in ["", "-wal", "-shm", ".lock"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

#[cfg(test)]
mod batch_tests {
    use super::last_per_id;

    #[test]
    fn the_last_version_of_each_id_wins_in_first_seen_order() {
        let batch = vec![("a", 1), ("b", 1), ("a", 2), ("c", 1), ("a", 3)];
        let (kept, dropped) = last_per_id(batch, |r| r.0);
        assert_eq!(kept, vec![("a", 3), ("b", 1), ("c", 1)]);
        assert_eq!(dropped, 2);
    }
}
