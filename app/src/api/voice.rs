//! Server functions of the Feedback & Sentiment pages (customers, partners, social).

use crate::error::AppError;
use crate::model::voice::{LexiconView, VoicePage};
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

#[cfg(feature = "ssr")]
fn access() -> Result<crate::api::backend::Access, AppError> {
    use_context::<crate::api::backend::Access>().ok_or(AppError::Internal)
}

/// The domain lexicon with every entry and where re-scoring stands. Admins only.
#[server(prefix = "/api/fn", endpoint = "get_lexicon", input = GetUrl)]
pub async fn get_lexicon() -> Result<LexiconView, AppError> {
    use crate::api::auth;
    auth::answer(
        async {
            auth::require(crate::domain::access::Permission::EditLexicon)?;
            access()?.0.lexicon().await
        }
        .await,
    )
}

/// Stores a term of the domain lexicon: `valence` −4..4 as typed (0 for none), `note` why.
/// Stored texts are re-scored in the background. Admins only.
#[server(prefix = "/api/fn", endpoint = "save_lexicon_term")]
pub async fn save_lexicon_term(
    term: String,
    valence: String,
    note: Option<String>,
) -> Result<(), AppError> {
    use crate::api::auth;
    use crate::api::backend::Actor;
    auth::answer(
        async {
            let p = auth::require(crate::domain::access::Permission::EditLexicon)?;
            let valence: f64 = valence.trim().replace('−', "-").parse().map_err(|_| {
                AppError::bad_request("invalid_valence", "a valence is a number from −4 to 4")
            })?;
            let ip = auth::client_ip();
            access()?
                .0
                .put_term(
                    Actor { principal: p, ip },
                    term,
                    valence,
                    note.unwrap_or_default(),
                )
                .await
        }
        .await,
    )
}

/// Removes a term's stored entry (a changed default gets its shipped valence back). Admins
/// only.
#[server(prefix = "/api/fn", endpoint = "delete_lexicon_term")]
pub async fn delete_lexicon_term(term: String) -> Result<(), AppError> {
    use crate::api::auth;
    use crate::api::backend::Actor;
    auth::answer(
        async {
            let p = auth::require(crate::domain::access::Permission::EditLexicon)?;
            let ip = auth::client_ip();
            access()?
                .0
                .delete_term(Actor { principal: p, ip }, term)
                .await
        }
        .await,
    )
}
