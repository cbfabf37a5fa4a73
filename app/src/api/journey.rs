//! Server functions of the Customer Journey and Sales & Conversion pages.

use crate::error::AppError;
use crate::model::journey::{CommerceView, JourneyView};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The Customer Journey view for its URL query string (range, filters, `steps`, `window`,
/// `breakdown`, `cohort`, `cohorts`). Who may call it: any signed-in role except partner
/// accounts (customer journeys are not a partner's data); a share link for its own view.
#[server(prefix = "/api/fn", endpoint = "get_journey_page", input = GetUrl)]
pub async fn get_journey_page(query: String) -> Result<JourneyView, AppError> {
    use crate::api::auth;
    use crate::domain::access::Permission;
    auth::answer(
        async move {
            let principal = auth::require(Permission::ReadData)?;
            principal.check_view("/journey", &query)?;
            if principal.partner.is_some() {
                return Err(AppError::Forbidden(
                    "partner accounts cannot read customer journeys".into(),
                ));
            }
            let backend =
                use_context::<crate::api::backend::Backend>().ok_or(AppError::Internal)?;
            let q = crate::domain::query::DashboardQuery::parse_str(&query, backend.0.today())?;
            let mut v = backend.0.journey(q, query).await?;
            v.shared_view = principal.view.is_some();
            Ok(v)
        }
        .await,
    )
}

/// The Sales & Conversion view (range, compare). Who may call it: as the journey view.
#[server(prefix = "/api/fn", endpoint = "get_commerce_page", input = GetUrl)]
pub async fn get_commerce_page(query: String) -> Result<CommerceView, AppError> {
    use crate::api::auth;
    use crate::domain::access::Permission;
    auth::answer(
        async move {
            let principal = auth::require(Permission::ReadData)?;
            principal.check_view("/sales", &query)?;
            if principal.partner.is_some() {
                return Err(AppError::Forbidden(
                    "partner accounts cannot read company-wide sales".into(),
                ));
            }
            let backend =
                use_context::<crate::api::backend::Backend>().ok_or(AppError::Internal)?;
            let q = crate::domain::query::DashboardQuery::parse_str(&query, backend.0.today())?;
            let mut v = backend.0.commerce(q).await?;
            v.shared_view = principal.view.is_some();
            Ok(v)
        }
        .await,
    )
}
