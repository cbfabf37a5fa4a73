//! Server functions of the Feedback & Sentiment pages (customers, partners, social).

use crate::error::AppError;
use crate::model::voice::VoicePage;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The voice page for a view given as its URL query string (range, filters, `audience`,
/// `source`, `sentiment`, `q`, `term`, `page`, `view`). Who may call it: any signed-in role;
/// partner accounts read their own partner's feedback only.
#[server(prefix = "/api/fn", endpoint = "get_voice_page", input = GetUrl)]
pub async fn get_voice_page(query: String) -> Result<VoicePage, AppError> {
    use crate::api::auth;
    use crate::domain::access::Permission;
    auth::answer(
        async move {
            let principal = auth::require(Permission::ReadData)?;
            principal.check_view("/voice", &query)?;
            let backend =
                use_context::<crate::api::backend::Backend>().ok_or(AppError::Internal)?;
            let mut q = crate::domain::query::DashboardQuery::parse_str(&query, backend.0.today())?;
            principal.scope_query(&mut q)?;
            backend.0.voice(q, query).await
        }
        .await,
    )
}
