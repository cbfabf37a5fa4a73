//! Accounts as a service: sign-in with throttling, session and share-link resolution, and
//! the audit trail of each. Handlers and server functions call these; SQL stays in `store`.

use super::passwords::{hash_password, verify_password};
use super::tokens::{random_id, random_token, Signer};
use crate::clock::now_ms;
use crate::config::Config;
use crate::store::keys::hash_key;
use crate::store::users::{NewUser, UserRow};
use crate::store::{audit, sessions, settings, shares, users, Store, StoreError};
use app::domain::access::{Actor, Principal, Role, SharedView};
use app::domain::throttle::SignInGuard;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Password checks running at once. Each argon2id check holds 19 MiB, so this bounds the
/// memory sign-in can take (16 × 19 MiB ≈ 300 MiB) whatever the number of callers.
pub const MAX_CONCURRENT_HASHES: usize = 16;
/// How long a sign-in waits for a free check before it is answered 503 `busy`.
const HASH_QUEUE_WAIT: Duration = Duration::from_secs(2);

/// Sign-in state shared by every request.
pub struct Auth {
    signer: Signer,
    guard: Mutex<SignInGuard>,
    hashes: Semaphore,
    idle_ms: i64,
    max_ms: i64,
    /// Whether cookies carry `Secure`.
    pub cookie_secure: bool,
}

/// Why a sign-in failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong e-mail or password, or a deactivated account (indistinguishable on purpose).
    #[error("e-mail or password is wrong")]
    Invalid,
    /// Too many failures: retry after this many milliseconds.
    #[error("too many attempts")]
    Throttled(i64),
    /// Every password check is busy: retry after this many milliseconds.
    #[error("sign-in is busy")]
    Busy(i64),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A fresh session: the cookie value (shown to the browser once) and its account.
pub struct NewSession {
    pub token: String,
    pub max_age_secs: i64,
    pub user: UserRow,
}

impl Auth {
    /// Loads or creates the signing secret and sets up throttles.
    pub async fn open(config: &Config, store: &Store) -> Result<Auth, StoreError> {
        let secret = match &config.secret_key {
            Some(k) => k.0.clone(),
            None => settings::get_or_init(store, "share_signing_key", || random_token(32)).await?,
        };
        Ok(Auth {
            signer: Signer::new(secret.as_bytes()),
            guard: Mutex::new(SignInGuard::new(100_000)),
            hashes: Semaphore::new(MAX_CONCURRENT_HASHES),
            idle_ms: i64::try_from(config.session_idle.as_millis()).unwrap_or(i64::MAX),
            max_ms: i64::try_from(config.session_max.as_millis()).unwrap_or(i64::MAX),
            cookie_secure: config.cookie_secure,
        })
    }

    /// The share-link signer.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// Reserves a sign-in attempt (see [`SignInGuard::reserve`]); a poisoned lock refuses.
    fn reserve(&self, email: &str, ip: &str, now: i64) -> Result<(), i64> {
        match self.guard.lock() {
            Ok(mut g) => g.reserve(email, ip, now),
            Err(_) => Err(1_000),
        }
    }

    /// Checks credentials and opens a new session (never reusing one the browser brought,
    /// so a planted cookie cannot be fixed onto the account). Every outcome is audited.
    pub async fn login(
        self: &Arc<Self>,
        store: &Store,
        email: &str,
        password: &str,
        ip: &str,
        user_agent: &str,
    ) -> Result<NewSession, LoginError> {
        let now = now_ms();
        let email = app::domain::access::normalize_email(email).unwrap_or_default();
        // A free password check first: a sign-in the server will not serve costs nothing
        // and counts as no attempt.
        let Ok(Ok(_permit)) = tokio::time::timeout(HASH_QUEUE_WAIT, self.hashes.acquire()).await
        else {
            return Err(LoginError::Busy(1_000));
        };
        if let Err(wait) = self.reserve(&email, ip, now) {
            record(store, &email, "login.throttled", &email, "", ip).await;
            return Err(LoginError::Throttled(wait));
        }
        let user = if email.is_empty() {
            None
        } else {
            users::find_by_email(store, &email).await?
        };
        let ok = verify_password(
            password.to_string(),
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await;
        let user = match user {
            Some(u) if ok && u.is_active() && u.role().is_some() => u,
            _ => {
                // The reservation already counted this failure.
                record(store, &email, "login.failure", &email, "", ip).await;
                return Err(LoginError::Invalid);
            }
        };
        if let Ok(mut g) = self.guard.lock() {
            g.succeeded(&email, ip, now);
        }
        let token = random_token(32);
        let max_age_secs = self.max_ms / 1000;
        sessions::create(
            store,
            &sessions::NewSession {
                id_hash: &hash_key(&token),
                user_id: &user.id,
                expires_at: now.saturating_add(self.max_ms),
                ip,
                user_agent: &user_agent.chars().take(300).collect::<String>(),
            },
            now,
        )
        .await?;
        record(store, &user.email, "login.success", &user.email, "", ip).await;
        Ok(NewSession {
            token,
            max_age_secs,
            user,
        })
    }

    /// The principal behind a session cookie, if the session is live. Refreshes its
    /// last-seen time at most once a minute.
    pub async fn session_principal(
        &self,
        store: &Store,
        token: &str,
    ) -> Result<Option<Principal>, StoreError> {
        let hash = hash_key(token);
        let Some(s) = sessions::lookup(store, &hash).await? else {
            return Ok(None);
        };
        let now = now_ms();
        if s.expires_at <= now || now - s.last_seen_at > self.idle_ms || !s.user.is_active() {
            sessions::delete(store, &hash).await?;
            return Ok(None);
        }
        let Some(role) = s.user.role() else {
            return Ok(None);
        };
        if now - s.last_seen_at > 60_000 {
            sessions::touch(store, &hash, now).await?;
        }
        Ok(Some(Principal::user(
            &s.user.id,
            &s.user.email,
            role,
            s.user.partner_id.clone(),
        )))
    }

    /// Ends the session behind `token`.
    pub async fn logout(&self, store: &Store, token: &str) -> Result<(), StoreError> {
        sessions::delete(store, &hash_key(token)).await
    }

    /// The principal behind a share token: genuine signature, not expired, not revoked,
    /// creator still active. It reads with its creator's *current* scope, capped to reading,
    /// so a link never outgrows (or outlives) its creator's access.
    pub async fn share_principal(
        &self,
        store: &Store,
        token: &str,
    ) -> Result<Option<Principal>, StoreError> {
        let Some((id, exp)) = self.signer.verify_share(token) else {
            return Ok(None);
        };
        let now = now_ms();
        if exp <= now {
            return Ok(None);
        }
        let Some(link) = shares::get(store, &id).await? else {
            return Ok(None);
        };
        if link.revoked_at.is_some() || link.expires_at <= now || link.expires_at != exp {
            return Ok(None);
        }
        let Some(creator) = users::get(store, &link.created_by).await? else {
            return Ok(None);
        };
        let Some(role) = creator.role().filter(|_| creator.is_active()) else {
            return Ok(None);
        };
        Ok(Some(Principal {
            actor: Actor::Share {
                link_id: link.id.clone(),
                created_by: creator.id.clone(),
            },
            role,
            partner: if role == Role::Partner {
                creator.partner_id.clone()
            } else {
                None
            },
            view: Some(SharedView {
                path: link.path.clone(),
                query: link.query.clone(),
            }),
        }))
    }

    /// Creates an account with a hashed password; `Ok(None)` when the address is taken.
    pub async fn create_user(
        &self,
        store: &Store,
        email: &str,
        name: &str,
        role: Role,
        partner_id: Option<&str>,
        password: &str,
    ) -> Result<Option<String>, StoreError> {
        let hash = hash_password(password.to_string())
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e)))?;
        let id = random_id();
        let created = users::insert(
            store,
            &NewUser {
                id: &id,
                email,
                name,
                role,
                partner_id: if role == Role::Partner {
                    partner_id
                } else {
                    None
                },
                password_hash: &hash,
            },
            now_ms(),
        )
        .await?;
        Ok(created.then_some(id))
    }
}

/// Appends to the audit log; a failure is logged, never fatal to the action audited.
pub async fn record(
    store: &Store,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
    ip: &str,
) {
    let e = audit::Entry {
        actor,
        action,
        target,
        detail,
        ip,
    };
    if let Err(err) = audit::record(store, &e, now_ms()).await {
        tracing::error!(%err, action, "cannot write the audit log");
    }
}
