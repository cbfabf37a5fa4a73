//! Server functions of the executive summary.

use crate::error::AppError;
use crate::model::Summary;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The executive summary for a view given as its URL query string (`channel=email&range=90d`).
/// GET, so it caches. Who may call it: any signed-in role and share links of this view;
/// partner accounts (and their links) read their own partner's rows only.
#[server(prefix = "/api/fn", endpoint = "get_summary", input = GetUrl)]
pub async fn get_summary(query: String) -> Result<Summary, AppError> {
    use crate::api::auth;
    use crate::domain::access::Permission;
    auth::answer(
        async move {
            let principal = auth::require(Permission::ReadData)?;
            principal.check_view("/", &query)?;
            let backend =
                use_context::<crate::api::backend::Backend>().ok_or(AppError::Internal)?;
            let mut q = crate::domain::query::DashboardQuery::parse_str(&query, backend.0.today())?;
            principal.scope_query(&mut q)?;
            let mut summary = backend.0.summary(q).await?;
            summary.shared_view = principal.is_share();
            // A share link shows its view's figures, not the company's live counts.
            if principal.is_share() {
                summary.notifications = None;
            }
            summary.requested = query.clone();
            summary.can_edit_targets =
                !principal.is_share() && principal.allows(Permission::EditTargets);
            if let Some(own) = &principal.partner {
                // The filter menu must not list other partners either.
                for o in &mut summary.options {
                    if o.dimension == crate::domain::dimension::Dimension::Partner {
                        o.values.retain(|v| v == own);
                    }
                }
            }
            Ok(summary)
        }
        .await,
    )
}
