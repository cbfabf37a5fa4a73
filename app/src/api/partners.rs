//! Server functions of the partner dashboards and a partner's own page.

use crate::error::AppError;
use crate::model::partners::{PartnerDetail, PartnersPage};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The partner dashboards for a view given as its URL query string (range, compare,
/// `partner`, `sort`, `dir`, `view`). Who may call it: any signed-in role; partner accounts
/// see their own partner only, without company-wide revenue.
#[server(prefix = "/api/fn", endpoint = "get_partners_page", input = GetUrl)]
pub async fn get_partners_page(query: String) -> Result<PartnersPage, AppError> {
    use crate::api::auth;
    use crate::domain::access::Permission;
    auth::answer(
        async move {
            let principal = auth::require(Permission::ReadData)?;
            principal.check_view("/partners", &query)?;
            let backend =
                use_context::<crate::api::backend::Backend>().ok_or(AppError::Internal)?;
            let mut q = crate::domain::query::DashboardQuery::parse_str(&query, backend.0.today())?;
            principal.scope_query(&mut q)?;
            let restricted = principal.partner.is_some();
            let mut page = backend.0.partners(q, query, restricted).await?;
            page.shared_view = principal.view.is_some();
            Ok(page)
        }
        .await,
    )
}

/// One partner's page. Who may call it: any signed-in role; a partner account only for
/// its own partner (403 otherwise).
#[server(prefix = "/api/fn", endpoint = "get_partner_detail", input = GetUrl)]
pub async fn get_partner_detail(id: String, query: String) -> Result<PartnerDetail, AppError> {
    use crate::api::auth;
    use crate::domain::access::Permission;
    auth::answer(
        async move {
            let principal = auth::require(Permission::ReadData)?;
            principal.check_view(&format!("/partners/{id}"), &query)?;
            if principal.partner.as_ref().is_some_and(|own| *own != id) {
                return Err(AppError::Forbidden(
                    "this account may only read its own partner's data".into(),
                ));
            }
            let backend =
                use_context::<crate::api::backend::Backend>().ok_or(AppError::Internal)?;
            let mut q = crate::domain::query::DashboardQuery::parse_str(&query, backend.0.today())?;
            principal.scope_query(&mut q)?;
            // The page is the partner's own: a partner filter in the link adds nothing.
            q.filters
                .remove(&crate::domain::dimension::Dimension::Partner);
            backend.0.partner(id, q, principal.partner.is_some()).await
        }
        .await,
    )
}
