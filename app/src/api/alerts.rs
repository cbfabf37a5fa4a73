//! Server functions of the alert inbox, the alerts dashboard and the rule editor. Alerts are
//! the team's: partner accounts and share links are refused. Reading needs `ReadData`;
//! acting on alerts and changing rules needs `EditRules` (analysts and admins).

use crate::domain::alert::rule::RuleSpec;
use crate::error::AppError;
use crate::model::alerts::{
    AlertAction, AlertCounts, AlertDetail, AlertView, AlertsPage, RuleHistory, RuleView,
};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

#[cfg(feature = "ssr")]
mod guard {
    use crate::api::auth;
    use crate::api::backend::Alerts;
    use crate::domain::access::{Permission, Principal};
    use crate::error::AppError;
    use leptos::prelude::use_context;

    /// The signed-in team member allowed `p`, and the alerts backend.
    pub fn team(p: Permission) -> Result<(Principal, Alerts), AppError> {
        let principal = auth::require(p)?;
        if principal.is_share() || principal.partner.is_some() {
            return Err(AppError::Forbidden(
                "alerts are not shared outside the team".into(),
            ));
        }
        let backend = use_context::<Alerts>().ok_or(AppError::Internal)?;
        Ok((principal, backend))
    }
}

/// The bell's counts; `None` for people who do not see alerts (partner accounts, share
/// links), so the bell on their pages stays hidden without failing the page. Who may call
/// it: anyone signed in.
#[server(prefix = "/api/fn", endpoint = "get_alert_counts", input = GetUrl)]
pub async fn get_alert_counts() -> Result<Option<AlertCounts>, AppError> {
    use crate::domain::access::Permission;
    crate::api::auth::answer(
        async move {
            let principal = crate::api::auth::require(Permission::ReadData)?;
            if principal.is_share() || principal.partner.is_some() {
                return Ok(None);
            }
            let (_, b) = guard::team(Permission::ReadData)?;
            b.0.counts().await.map(Some)
        }
        .await,
    )
}

/// The alerts dashboard for `view` (`customer` or `partner`). Who may call it: team members.
#[server(prefix = "/api/fn", endpoint = "get_alerts_page", input = GetUrl)]
pub async fn get_alerts_page(view: String) -> Result<AlertsPage, AppError> {
    use crate::domain::access::Permission;
    use crate::domain::alert::catalogue::Audience;
    crate::api::auth::answer(
        async move {
            let (p, b) = guard::team(Permission::ReadData)?;
            let audience = if view.is_empty() {
                Audience::Customer
            } else {
                Audience::parse(&view).ok_or_else(|| {
                    AppError::bad_request("invalid_view", "view is customer or partner")
                })?
            };
            b.0.page(audience, p.allows(Permission::EditRules)).await
        }
        .await,
    )
}

/// One alert with its log and the metric's trend before it. Who may call it: team members.
#[server(prefix = "/api/fn", endpoint = "get_alert_detail", input = GetUrl)]
pub async fn get_alert_detail(id: String) -> Result<AlertDetail, AppError> {
    use crate::domain::access::Permission;
    crate::api::auth::answer(
        async move {
            let (_, b) = guard::team(Permission::ReadData)?;
            b.0.detail(id).await
        }
        .await,
    )
}

/// Acknowledge, assign, set status, record the action taken, or silence. Who may call it:
/// analysts and admins.
#[server(prefix = "/api/fn", endpoint = "act_on_alert", input = Json)]
pub async fn act_on_alert(id: String, action: AlertAction) -> Result<AlertView, AppError> {
    use crate::domain::access::Permission;
    crate::api::auth::answer(
        async move {
            let (p, b) = guard::team(Permission::EditRules)?;
            b.0.act(p.label(), id, action).await
        }
        .await,
    )
}

/// Every alert rule. Who may call it: team members.
#[server(prefix = "/api/fn", endpoint = "list_alert_rules", input = GetUrl)]
pub async fn list_alert_rules() -> Result<Vec<RuleView>, AppError> {
    use crate::domain::access::Permission;
    crate::api::auth::answer(
        async move {
            let (_, b) = guard::team(Permission::ReadData)?;
            b.0.rules().await
        }
        .await,
    )
}

/// The values each dimension holds in the data, offered as a rule filter's value. Who may
/// call it: team members.
#[server(prefix = "/api/fn", endpoint = "list_filter_values", input = GetUrl)]
pub async fn list_filter_values() -> Result<Vec<crate::model::DimensionValues>, AppError> {
    use crate::domain::access::Permission;
    crate::api::auth::answer(
        async move {
            let (_, b) = guard::team(Permission::ReadData)?;
            b.0.filter_values().await
        }
        .await,
    )
}

/// Creates (no `id`) or replaces a rule. Who may call it: analysts and admins.
#[server(prefix = "/api/fn", endpoint = "save_alert_rule", input = Json)]
pub async fn save_alert_rule(id: Option<String>, spec: RuleSpec) -> Result<RuleView, AppError> {
    use crate::domain::access::Permission;
    crate::api::auth::answer(
        async move {
            let (p, b) = guard::team(Permission::EditRules)?;
            b.0.save_rule(p.label(), id, spec).await
        }
        .await,
    )
}

/// Deletes a rule; its open alerts resolve. Who may call it: analysts and admins.
#[server(prefix = "/api/fn", endpoint = "delete_alert_rule", input = Json)]
pub async fn delete_alert_rule(id: String) -> Result<(), AppError> {
    use crate::domain::access::Permission;
    crate::api::auth::answer(
        async move {
            let (p, b) = guard::team(Permission::EditRules)?;
            b.0.delete_rule(p.label(), id).await
        }
        .await,
    )
}

/// "Would this have fired in the last 30 days?" Who may call it: analysts and admins.
#[server(prefix = "/api/fn", endpoint = "test_alert_rule", input = Json)]
pub async fn test_alert_rule(spec: RuleSpec) -> Result<RuleHistory, AppError> {
    use crate::domain::access::Permission;
    crate::api::auth::answer(
        async move {
            let (_, b) = guard::team(Permission::EditRules)?;
            b.0.test_rule(spec).await
        }
        .await,
    )
}
