//! Server functions of the Customer Support Performance page.

use crate::error::AppError;
use crate::model::support::{SupportPage, TicketList};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The support page for a view given as its URL query string. Who may call it: any
/// signed-in role; partner accounts read their own partner's tickets and see no incidents.
/// Share links are refused (only the summary page is shareable).
#[server(prefix = "/api/fn", endpoint = "get_support_page", input = GetUrl)]
pub async fn get_support_page(query: String) -> Result<SupportPage, AppError> {
    use crate::api::auth;
    use crate::domain::access::Permission;
    auth::answer(
        async move {
            let principal = auth::require(Permission::ReadData)?;
            principal.check_view("/support", &query)?;
            let backend =
                use_context::<crate::api::backend::Backend>().ok_or(AppError::Internal)?;
            let mut q = crate::domain::query::DashboardQuery::parse_str(&query, backend.0.today())?;
            principal.scope_query(&mut q)?;
            backend.0.support(q, principal.partner.is_none()).await
        }
        .await,
    )
}

/// A page of the ticket list behind a support drill-down, for a view given as its URL query
/// string (range, filters, `sort`, `dir`, `page`, `status`, `weekday`, `hour`). Who may call
/// it: any signed-in role; partner accounts list their own partner's tickets only.
#[server(prefix = "/api/fn", endpoint = "get_ticket_list", input = GetUrl)]
pub async fn get_ticket_list(query: String) -> Result<TicketList, AppError> {
    use crate::api::auth;
    use crate::domain::access::Permission;
    auth::answer(
        async move {
            let principal = auth::require(Permission::ReadData)?;
            principal.check_view("/support/tickets", &query)?;
            let backend =
                use_context::<crate::api::backend::Backend>().ok_or(AppError::Internal)?;
            let mut q = crate::domain::query::DashboardQuery::parse_str(&query, backend.0.today())?;
            principal.scope_query(&mut q)?;
            backend.0.ticket_list(q, query).await
        }
        .await,
    )
}
