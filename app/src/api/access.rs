//! Server functions of accounts, API keys, share links and the audit log. Each says who may
//! call it and checks that first, on the server.

#[cfg(feature = "ssr")]
use crate::domain::access::Role;
use crate::error::AppError;
use crate::model::access::{
    ApiKeyView, AuditPage, CreatedApiKey, CreatedShareLink, Me, ShareLinkView, UserView,
};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
fn access() -> Result<crate::api::backend::Access, AppError> {
    use_context::<crate::api::backend::Access>().ok_or(AppError::Internal)
}

#[cfg(feature = "ssr")]
fn optional(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Who is signed in (`None` when nobody). Anyone may call it.
#[server(prefix = "/api/fn", endpoint = "get_me", input = GetUrl)]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    Ok(crate::api::auth::current().map(|p| Me {
        email: match &p.actor {
            crate::domain::access::Actor::User { email, .. } => email.clone(),
            crate::domain::access::Actor::Share { .. } => "shared link".into(),
        },
        role: p.role,
        partner: p.partner.clone(),
        shared_view: p.is_share(),
    }))
}

/// Every account. Admins only.
#[server(prefix = "/api/fn", endpoint = "list_users", input = GetUrl)]
pub async fn list_users() -> Result<Vec<UserView>, AppError> {
    use crate::api::auth;
    auth::answer(
        async {
            auth::require(crate::domain::access::Permission::ManageUsers)?;
            access()?.0.list_users().await
        }
        .await,
    )
}

/// Creates an account. Admins only. `role` is `admin|analyst|viewer|partner`; `partner` is
/// required for (and only kept with) the partner role.
#[server(prefix = "/api/fn", endpoint = "create_user")]
pub async fn create_user(
    email: String,
    name: String,
    role: String,
    partner: Option<String>,
    password: String,
) -> Result<UserView, AppError> {
    use crate::api::auth;
    use crate::api::backend::{Actor, NewUserInput};
    use crate::domain::access::{check_password, normalize_email, Permission};
    auth::answer(
        async {
            let p = auth::require(Permission::ManageUsers)?;
            let email = normalize_email(&email)
                .ok_or_else(|| AppError::bad_request("invalid_email", "not an e-mail address"))?;
            let role = Role::parse(&role)
                .ok_or_else(|| AppError::bad_request("invalid_role", "unknown role"))?;
            let name = name.trim().to_string();
            if name.is_empty() || name.chars().count() > 100 {
                return Err(AppError::bad_request(
                    "invalid_name",
                    "a name needs 1–100 characters",
                ));
            }
            check_password(&password).map_err(|m| AppError::bad_request("weak_password", m))?;
            let partner = check_partner(role, optional(partner))?;
            let ip = auth::client_ip();
            access()?
                .0
                .create_user(
                    Actor { principal: p, ip },
                    NewUserInput {
                        email,
                        name,
                        role,
                        partner,
                        password,
                    },
                )
                .await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn check_partner(role: Role, partner: Option<String>) -> Result<Option<String>, AppError> {
    match (role, partner) {
        (Role::Partner, None) => Err(AppError::bad_request(
            "partner_required",
            "a partner account needs the partner it belongs to",
        )),
        (Role::Partner, Some(p)) if p.chars().count() > 100 || p.chars().any(char::is_control) => {
            Err(AppError::bad_request(
                "invalid_partner",
                "a partner id has at most 100 printable characters",
            ))
        }
        (Role::Partner, Some(p)) => Ok(Some(p)),
        (_, _) => Ok(None),
    }
}

/// Changes an account's role, partner and status (`active` or `inactive`). Admins only; an
/// admin cannot demote or deactivate the last active admin.
#[server(prefix = "/api/fn", endpoint = "update_user")]
pub async fn update_user(
    id: String,
    role: String,
    partner: Option<String>,
    status: String,
) -> Result<UserView, AppError> {
    use crate::api::auth;
    use crate::api::backend::Actor;
    use crate::domain::access::Permission;
    auth::answer(
        async {
            let p = auth::require(Permission::ManageUsers)?;
            let role = Role::parse(&role)
                .ok_or_else(|| AppError::bad_request("invalid_role", "unknown role"))?;
            let active = match status.as_str() {
                "active" => true,
                "inactive" => false,
                _ => {
                    return Err(AppError::bad_request(
                        "invalid_status",
                        "status is active or inactive",
                    ))
                }
            };
            let partner = check_partner(role, optional(partner))?;
            let ip = auth::client_ip();
            access()?
                .0
                .update_user(Actor { principal: p, ip }, id, role, partner, active)
                .await
        }
        .await,
    )
}

/// Every ingest API key (never their secrets). Admins only.
#[server(prefix = "/api/fn", endpoint = "list_api_keys", input = GetUrl)]
pub async fn list_api_keys() -> Result<Vec<ApiKeyView>, AppError> {
    use crate::api::auth;
    auth::answer(
        async {
            auth::require(crate::domain::access::Permission::ManageKeys)?;
            access()?.0.list_keys().await
        }
        .await,
    )
}

/// Creates an API key with comma-separated `scopes` (see `KEY_SCOPES`); the secret is in
/// this answer only. Admins only.
#[server(prefix = "/api/fn", endpoint = "create_api_key")]
pub async fn create_api_key(name: String, scopes: String) -> Result<CreatedApiKey, AppError> {
    use crate::api::auth;
    use crate::api::backend::Actor;
    use crate::model::access::KEY_SCOPES;
    auth::answer(
        async {
            let p = auth::require(crate::domain::access::Permission::ManageKeys)?;
            let name = name.trim().to_string();
            if name.is_empty() || name.chars().count() > 100 {
                return Err(AppError::bad_request(
                    "invalid_name",
                    "a key name needs 1–100 characters",
                ));
            }
            let mut list: Vec<String> = scopes
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            list.sort();
            list.dedup();
            if list.is_empty() || list.iter().any(|s| !KEY_SCOPES.contains(&s.as_str())) {
                return Err(AppError::bad_request(
                    "invalid_scope",
                    format!(
                        "scopes are a comma-separated list of {}",
                        KEY_SCOPES.join(", ")
                    ),
                ));
            }
            let ip = auth::client_ip();
            access()?
                .0
                .create_key(Actor { principal: p, ip }, name, list)
                .await
        }
        .await,
    )
}

/// Revokes an API key at once. Admins only.
#[server(prefix = "/api/fn", endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: String) -> Result<(), AppError> {
    use crate::api::auth;
    use crate::api::backend::Actor;
    auth::answer(
        async {
            let p = auth::require(crate::domain::access::Permission::ManageKeys)?;
            let ip = auth::client_ip();
            access()?.0.revoke_key(Actor { principal: p, ip }, id).await
        }
        .await,
    )
}

/// A page of the audit log, newest first, filtered by action prefix, actor text and dates
/// (`YYYY-MM-DD`, inclusive); `before` continues below an entry id. Admins only.
#[server(prefix = "/api/fn", endpoint = "list_audit", input = GetUrl)]
pub async fn list_audit(
    action: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    use crate::api::auth;
    auth::answer(
        async {
            let q = crate::model::access::AuditQuery {
                action: action.unwrap_or_default(),
                actor: actor.unwrap_or_default(),
                from: from.unwrap_or_default(),
                to: to.unwrap_or_default(),
                before,
            };
            auth::require(crate::domain::access::Permission::ViewAudit)?;
            for (field, v) in [("from", &q.from), ("to", &q.to)] {
                if !v.is_empty() && crate::domain::date::Day::parse(v).is_none() {
                    return Err(AppError::bad_request(
                        "invalid_date",
                        format!("`{field}` must be YYYY-MM-DD"),
                    ));
                }
            }
            if q.action.len() > 100 || q.actor.len() > 200 {
                return Err(AppError::bad_request("invalid_filter", "filter too long"));
            }
            access()?.0.list_audit(q).await
        }
        .await,
    )
}

/// Creates a read-only link to one view (`path` + `query`) for `days` (1–90). Any signed-in
/// account may share what it can see; the link reads with its creator's scope, never wider.
#[server(prefix = "/api/fn", endpoint = "create_share_link")]
pub async fn create_share_link(
    path: String,
    query: String,
    label: String,
    days: i64,
) -> Result<CreatedShareLink, AppError> {
    use crate::api::auth;
    use crate::api::backend::Actor;
    use crate::domain::access::Permission;
    auth::answer(
        async {
            let p = auth::require(Permission::CreateShareLinks)?;
            if !crate::pages::SHAREABLE_PATHS.contains(&path.as_str()) {
                return Err(AppError::bad_request(
                    "invalid_view",
                    "this page cannot be shared",
                ));
            }
            if !(1..=90).contains(&days) {
                return Err(AppError::bad_request(
                    "invalid_duration",
                    "a link lasts 1–90 days",
                ));
            }
            let query = query.trim_start_matches('?').to_string();
            if query.len() > 2000 || label.chars().count() > 100 {
                return Err(AppError::bad_request(
                    "invalid_view",
                    "view or label too long",
                ));
            }
            // A partner cannot share (and so widen to) another partner's view.
            let backend =
                use_context::<crate::api::backend::Backend>().ok_or(AppError::Internal)?;
            let mut q = crate::domain::query::DashboardQuery::parse_str(&query, backend.0.today())?;
            p.scope_query(&mut q)?;
            let ip = auth::client_ip();
            access()?
                .0
                .create_share(
                    Actor { principal: p, ip },
                    path,
                    query,
                    label.trim().to_string(),
                    days,
                )
                .await
        }
        .await,
    )
}

/// Share links: an admin sees all, anyone else their own.
#[server(prefix = "/api/fn", endpoint = "list_share_links", input = GetUrl)]
pub async fn list_share_links() -> Result<Vec<ShareLinkView>, AppError> {
    use crate::api::auth;
    use crate::domain::access::Permission;
    auth::answer(
        async {
            let p = auth::require(Permission::CreateShareLinks)?;
            let creator = if p.role == Role::Admin {
                None
            } else {
                p.user_id().map(str::to_string)
            };
            access()?.0.list_shares(creator).await
        }
        .await,
    )
}

/// Revokes a share link: its creator or an admin.
#[server(prefix = "/api/fn", endpoint = "revoke_share_link")]
pub async fn revoke_share_link(id: String) -> Result<(), AppError> {
    use crate::api::auth;
    use crate::api::backend::Actor;
    use crate::domain::access::Permission;
    auth::answer(
        async {
            let p = auth::require(Permission::CreateShareLinks)?;
            let ip = auth::client_ip();
            access()?
                .0
                .revoke_share(Actor { principal: p, ip }, id)
                .await
        }
        .await,
    )
}
