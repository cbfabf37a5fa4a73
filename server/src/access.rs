//! The server side of the account, key, share-link and audit server functions
//! ([`app::api::backend::AccessBackend`]): store calls plus an audit entry per change.

use crate::auth::accounts::{record, Auth};
use crate::auth::tokens::{random_id, random_token};
use crate::clock::now_ms;
use crate::store::keys::KeyRow;
use crate::store::shares::ShareRow;
use crate::store::users::UserRow;
use crate::store::{audit, keys, shares, users, Store, StoreError};
use app::api::backend::{AccessBackend, Actor, BoxFuture, NewUserInput};
use app::domain::access::Role;
use app::domain::date::Day;
use app::error::AppError;
use app::model::access::{
    ApiKeyView, AuditEntryView, AuditPage, AuditQuery, CreatedApiKey, CreatedShareLink,
    ShareLinkView, UserView,
};
use std::sync::Arc;

/// Implements the access server functions over the store.
#[derive(Clone)]
pub struct AccessService {
    pub store: Arc<Store>,
    pub auth: Arc<Auth>,
    pub sentiment: Arc<crate::sentiment::Sentiment>,
    pub bus: crate::bus::ChangeBus,
}

fn lexicon_error(e: crate::sentiment::LexiconError) -> AppError {
    use crate::sentiment::LexiconError;
    match e {
        LexiconError::Invalid(t) => AppError::bad_request(t.code, t.message),
        LexiconError::NotFound(_) => AppError::NotFound,
        LexiconError::Store(e) => internal(e),
    }
}

fn target_error(e: crate::targets::TargetOpError) -> AppError {
    use crate::targets::TargetOpError;
    match e {
        TargetOpError::UnknownMetric(_) => AppError::NotFound,
        TargetOpError::Invalid(t) => AppError::bad_request(t.code, t.message),
        TargetOpError::NotFound => AppError::NotFound,
        TargetOpError::Store(e) => internal(e),
    }
}

fn internal(e: StoreError) -> AppError {
    tracing::error!(error = %e, "store error in an access function");
    AppError::Internal
}

impl From<UserRow> for UserView {
    fn from(u: UserRow) -> UserView {
        UserView {
            role: u.role().unwrap_or(Role::Viewer),
            active: u.is_active(),
            id: u.id,
            email: u.email,
            name: u.name,
            partner: u.partner_id,
            created_at: u.created_at,
        }
    }
}

fn key_view(k: KeyRow) -> ApiKeyView {
    ApiKeyView {
        scopes: k.scopes.split(',').map(str::to_string).collect(),
        id: k.id,
        name: k.name,
        created_at: k.created_at,
        last_used_at: k.last_used_at,
        revoked_at: k.revoked_at,
    }
}

/// A link as listed: its URL path (`/s/<token>`) while it still opens. The token is a
/// signature over the id and expiry, so it can be shown again without being stored.
fn share_view(s: ShareRow, signer: &crate::auth::tokens::Signer, now: i64) -> ShareLinkView {
    let url = (s.revoked_at.is_none() && s.expires_at > now)
        .then(|| format!("/s/{}", signer.sign_share(&s.id, s.expires_at)));
    ShareLinkView {
        url,
        id: s.id,
        label: s.label,
        path: s.path,
        query: s.query,
        creator: s.creator_email,
        created_at: s.created_at,
        expires_at: s.expires_at,
        revoked_at: s.revoked_at,
        last_used_at: s.last_used_at,
        uses: s.uses,
    }
}

impl AccessService {
    async fn audit(&self, by: &Actor, action: &str, target: &str, detail: &str) {
        record(
            &self.store,
            &by.principal.label(),
            action,
            target,
            detail,
            &by.ip,
        )
        .await;
    }
}

impl AccessBackend for AccessService {
    fn list_users(&self) -> BoxFuture<'_, Result<Vec<UserView>, AppError>> {
        Box::pin(async move {
            let rows = users::list(&self.store).await.map_err(internal)?;
            Ok(rows.into_iter().map(UserView::from).collect())
        })
    }

    fn create_user(
        &self,
        by: Actor,
        input: NewUserInput,
    ) -> BoxFuture<'_, Result<UserView, AppError>> {
        Box::pin(async move {
            let id = self
                .auth
                .create_user(
                    &self.store,
                    &input.email,
                    &input.name,
                    input.role,
                    input.partner.as_deref(),
                    &input.password,
                )
                .await
                .map_err(internal)?
                .ok_or_else(|| {
                    AppError::bad_request("email_taken", "an account with this e-mail exists")
                })?;
            let detail = format!(
                "role={}{}",
                input.role.as_str(),
                input
                    .partner
                    .as_deref()
                    .map(|p| format!(" partner={p}"))
                    .unwrap_or_default()
            );
            self.audit(&by, "user.create", &input.email, &detail).await;
            let row = users::get(&self.store, &id)
                .await
                .map_err(internal)?
                .ok_or(AppError::Internal)?;
            Ok(row.into())
        })
    }

    fn update_user(
        &self,
        by: Actor,
        id: String,
        role: Role,
        partner: Option<String>,
        active: bool,
    ) -> BoxFuture<'_, Result<UserView, AppError>> {
        Box::pin(async move {
            let before = users::get(&self.store, &id)
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)?;
            let was_active_admin = before.role() == Some(Role::Admin) && before.is_active();
            if was_active_admin && (role != Role::Admin || !active) {
                let admins = users::count_active_admins(&self.store)
                    .await
                    .map_err(internal)?;
                if admins <= 1 {
                    return Err(AppError::bad_request(
                        "last_admin",
                        "the last active admin cannot be demoted or deactivated",
                    ));
                }
            }
            let deactivated_at = if active {
                None
            } else {
                Some(before.deactivated_at.unwrap_or_else(now_ms))
            };
            users::update(
                &self.store,
                &id,
                role,
                partner.as_deref(),
                deactivated_at,
                now_ms(),
            )
            .await
            .map_err(internal)?;
            let detail = format!(
                "role {}→{}; partner {}→{}; active {}→{}",
                before.role,
                role.as_str(),
                before.partner_id.as_deref().unwrap_or("-"),
                partner.as_deref().unwrap_or("-"),
                before.is_active(),
                active
            );
            self.audit(&by, "user.update", &before.email, &detail).await;
            let row = users::get(&self.store, &id)
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)?;
            Ok(row.into())
        })
    }

    fn list_keys(&self) -> BoxFuture<'_, Result<Vec<ApiKeyView>, AppError>> {
        Box::pin(async move {
            let rows = keys::list(&self.store).await.map_err(internal)?;
            Ok(rows.into_iter().map(key_view).collect())
        })
    }

    fn create_key(
        &self,
        by: Actor,
        name: String,
        scopes: Vec<String>,
    ) -> BoxFuture<'_, Result<CreatedApiKey, AppError>> {
        Box::pin(async move {
            let id = random_id();
            let secret = format!("sr_{}", random_token(32));
            let scopes = scopes.join(",");
            let creator = by.principal.user_id().unwrap_or("");
            keys::create_key(&self.store, &id, &secret, &name, &scopes, creator, now_ms())
                .await
                .map_err(internal)?;
            self.audit(
                &by,
                "key.create",
                &format!("{name} ({id})"),
                &format!("scopes={scopes}"),
            )
            .await;
            let key = keys::list(&self.store)
                .await
                .map_err(internal)?
                .into_iter()
                .find(|k| k.id == id)
                .ok_or(AppError::Internal)?;
            Ok(CreatedApiKey {
                key: key_view(key),
                secret,
            })
        })
    }

    fn revoke_key(&self, by: Actor, id: String) -> BoxFuture<'_, Result<(), AppError>> {
        Box::pin(async move {
            if !keys::revoke(&self.store, &id, now_ms())
                .await
                .map_err(internal)?
            {
                return Err(AppError::NotFound);
            }
            self.audit(&by, "key.revoke", &id, "").await;
            Ok(())
        })
    }

    fn list_audit(&self, q: AuditQuery) -> BoxFuture<'_, Result<AuditPage, AppError>> {
        Box::pin(async move {
            const PAGE: i64 = 50;
            let day_ms = |s: &str| Day::parse(s).map(|d| d.0 * 86_400_000);
            let filter = audit::Filter {
                action_prefix: Some(q.action.trim().to_string()).filter(|s| !s.is_empty()),
                actor: Some(q.actor.trim().to_string()).filter(|s| !s.is_empty()),
                from_ms: day_ms(&q.from),
                to_ms: day_ms(&q.to).map(|t| t + 86_400_000),
                before_id: q.before,
                limit: PAGE + 1,
            };
            let mut rows = audit::list(&self.store, &filter).await.map_err(internal)?;
            let more = rows.len() as i64 > PAGE;
            rows.truncate(PAGE as usize);
            let next_before = if more {
                rows.last().map(|r| r.id)
            } else {
                None
            };
            Ok(AuditPage {
                entries: rows
                    .into_iter()
                    .map(|r| AuditEntryView {
                        id: r.id,
                        at: r.at,
                        actor: r.actor,
                        action: r.action,
                        target: r.target,
                        detail: r.detail,
                        ip: r.ip,
                    })
                    .collect(),
                next_before,
            })
        })
    }

    fn create_share(
        &self,
        by: Actor,
        path: String,
        query: String,
        label: String,
        days: i64,
    ) -> BoxFuture<'_, Result<CreatedShareLink, AppError>> {
        Box::pin(async move {
            let creator = by.principal.user_id().ok_or(AppError::Unauthorized)?;
            let id = random_id();
            let expires_at = now_ms() + days * 86_400_000;
            let label = if label.is_empty() {
                "Shared view".to_string()
            } else {
                label
            };
            shares::insert(
                &self.store,
                &shares::NewShare {
                    id: &id,
                    created_by: creator,
                    label: &label,
                    path: &path,
                    query: &query,
                    expires_at,
                },
                now_ms(),
            )
            .await
            .map_err(internal)?;
            let view = format!("{path}?{query}");
            self.audit(&by, "share.create", &id, &format!("{view} for {days} d"))
                .await;
            let row = shares::get(&self.store, &id)
                .await
                .map_err(internal)?
                .ok_or(AppError::Internal)?;
            let link = share_view(row, self.auth.signer(), now_ms());
            let url = link.url.clone().ok_or(AppError::Internal)?;
            Ok(CreatedShareLink { link, url })
        })
    }

    fn list_shares(
        &self,
        creator: Option<String>,
    ) -> BoxFuture<'_, Result<Vec<ShareLinkView>, AppError>> {
        Box::pin(async move {
            let rows = shares::list(&self.store, creator.as_deref())
                .await
                .map_err(internal)?;
            let now = now_ms();
            Ok(rows
                .into_iter()
                .map(|r| share_view(r, self.auth.signer(), now))
                .collect())
        })
    }

    fn revoke_share(&self, by: Actor, id: String) -> BoxFuture<'_, Result<(), AppError>> {
        Box::pin(async move {
            let link = shares::get(&self.store, &id)
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)?;
            let own = by.principal.user_id() == Some(link.created_by.as_str());
            if !own && by.principal.role != Role::Admin {
                // Someone else's link: answer as if it did not exist.
                return Err(AppError::NotFound);
            }
            if !shares::revoke(&self.store, &id, now_ms())
                .await
                .map_err(internal)?
            {
                return Err(AppError::bad_request(
                    "already_revoked",
                    "this link is already revoked",
                ));
            }
            self.audit(&by, "share.revoke", &id, "").await;
            Ok(())
        })
    }

    fn lexicon(&self) -> BoxFuture<'_, Result<app::model::voice::LexiconView, AppError>> {
        Box::pin(async move { Ok(self.sentiment.view()) })
    }

    fn put_term(
        &self,
        by: Actor,
        term: String,
        valence: f64,
        note: String,
    ) -> BoxFuture<'_, Result<(), AppError>> {
        Box::pin(async move {
            self.sentiment
                .put_term(
                    &self.store,
                    &self.bus,
                    &by.principal.label(),
                    &by.ip,
                    &term,
                    valence,
                    &note,
                )
                .await
                .map(|_| ())
                .map_err(lexicon_error)
        })
    }

    fn put_target(
        &self,
        by: Actor,
        metric: String,
        request: app::domain::target::TargetRequest,
    ) -> BoxFuture<'_, Result<(), AppError>> {
        Box::pin(async move {
            crate::targets::put(
                &self.store,
                &self.bus,
                &by.principal.label(),
                &by.ip,
                &metric,
                &request,
            )
            .await
            .map(|_| ())
            .map_err(target_error)
        })
    }

    fn reset_target(
        &self,
        by: Actor,
        metric: String,
        scope: Option<(app::domain::dimension::Dimension, String)>,
    ) -> BoxFuture<'_, Result<(), AppError>> {
        Box::pin(async move {
            let scope = scope.as_ref().map(|(d, v)| (*d, v.as_str()));
            crate::targets::reset(
                &self.store,
                &self.bus,
                &by.principal.label(),
                &by.ip,
                &metric,
                scope,
            )
            .await
            .map_err(target_error)
        })
    }

    fn delete_term(&self, by: Actor, term: String) -> BoxFuture<'_, Result<(), AppError>> {
        Box::pin(async move {
            self.sentiment
                .delete_term(&self.store, &self.bus, &by.principal.label(), &by.ip, &term)
                .await
                .map_err(lexicon_error)
        })
    }
}
