//! Customer and partner voice over HTTP: `POST /api/v1/feedback` (key scope `feedback`) and
//! the reads `GET /api/v1/feedback`, `/api/v1/keywords`, `/api/v1/sentiment` and
//! `/api/v1/social` (a `read`-scoped key or a session; partner accounts read their own
//! partner only). Every read takes the dashboard's query parameters plus `audience`
//! (customer|partner), `source`, and for texts `sentiment`, `q`, `term`, `page`, `per_page`.
//!
//! The domain lexicon: `GET /api/v1/voice/lexicon` (team sessions, `read` keys), `PUT` and
//! `DELETE /api/v1/voice/lexicon/{term}` (admin sessions, keys with the `lexicon` scope).

use super::auth::{require_actor, require_key, scoped_query};
use super::incidents::internal_reader;
use super::ingest::{answer, read_batch};
use crate::error::ApiError;
use crate::ingest::{feedback, IngestReport};
use crate::sentiment::LexiconError;
use crate::state::AppState;
use crate::voice::{self, VoiceError, VoiceQuery};
use app::api::auth::ClientIp;
use app::domain::access::Permission;
use app::domain::access::Principal;
use app::model::voice::LexiconView;
use app::model::voice::{FeedbackPage, KeywordsReport, SocialReport, VoiceReport};
use axum::body::Body;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};

impl From<VoiceError> for ApiError {
    fn from(e: VoiceError) -> ApiError {
        match e {
            VoiceError::Query(q) => q.into(),
            VoiceError::Store(s) => s.into(),
        }
    }
}

/// Upserts a batch of feedback texts by id; each is scored on arrival.
pub async fn post_feedback(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, "feedback").await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(feedback::ingest(&state, format, &bytes).await?)
}

async fn query(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Extension<Principal>>,
    raw: Option<&str>,
) -> Result<VoiceQuery, ApiError> {
    let q = scoped_query(state, headers, principal.map(|p| p.0), raw).await?;
    Ok(VoiceQuery::parse(q, raw.unwrap_or(""))?)
}

/// The feedback log: newest first, with `sentiment_score` and `sentiment_label`, paginated.
pub async fn list_feedback(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<FeedbackPage>, ApiError> {
    let q = query(&state, &headers, principal, raw.as_deref()).await?;
    Ok(Json(voice::feedback_page(&state.store, &q).await?))
}

/// Top positive and negative keywords with their weights, and the word cloud.
pub async fn get_keywords(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<KeywordsReport>, ApiError> {
    let q = query(&state, &headers, principal, raw.as_deref()).await?;
    Ok(Json(
        voice::keywords(&state.store, &state.sentiment.analyzer(), &q).await?,
    ))
}

/// Overall sentiment, shares, trend and sentiment by source.
pub async fn get_sentiment(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<VoiceReport>, ApiError> {
    let q = query(&state, &headers, principal, raw.as_deref()).await?;
    Ok(Json(voice::report(&state.store, &q).await?))
}

/// Social mentions, engagement, sentiment, influencers and advocates.
pub async fn get_social(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SocialReport>, ApiError> {
    let q = query(&state, &headers, principal, raw.as_deref()).await?;
    Ok(Json(voice::social(&state.store, &q).await?))
}

impl From<LexiconError> for ApiError {
    fn from(e: LexiconError) -> ApiError {
        match e {
            LexiconError::Invalid(t) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, t.code, t.message)
            }
            LexiconError::NotFound(term) => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no stored entry for {term:?} (shipped defaults are changed with PUT)"),
            ),
            LexiconError::Store(s) => s.into(),
        }
    }
}

/// Who may change the domain lexicon: an admin session (named by e-mail) or a key with the
/// `lexicon` scope (named `key:<id>`).
async fn require_lexicon_editor(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Principal>,
) -> Result<String, ApiError> {
    require_actor(
        state,
        headers,
        principal,
        Permission::EditLexicon,
        "lexicon",
    )
    .await
}

/// `GET /api/v1/voice/lexicon`: every effective entry (defaults, changed defaults, admins'
/// terms) and where re-scoring stands.
pub async fn get_lexicon(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
) -> Result<Json<LexiconView>, ApiError> {
    internal_reader(&state, &headers, principal.map(|p| p.0)).await?;
    Ok(Json(state.sentiment.view()))
}

/// The body of `PUT /api/v1/voice/lexicon/{term}`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TermBody {
    valence: f64,
    #[serde(default)]
    note: String,
}

/// `PUT /api/v1/voice/lexicon/{term}` with `{"valence": -1.5, "note": "…"}`: stores the term
/// (a phrase of up to four words; valence −4..4, 0 for none) and re-scores stored texts.
pub async fn put_lexicon_term(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(term): Path<String>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let actor = require_lexicon_editor(&state, &headers, principal.map(|p| p.0)).await?;
    let b: TermBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            "malformed_body",
            format!("the body must be {{\"valence\": number, \"note\": text}}: {e}"),
        )
    })?;
    let entry = state
        .sentiment
        .put_term(
            &state.store,
            &state.bus,
            &actor,
            &ip,
            &term,
            b.valence,
            &b.note,
        )
        .await?;
    Ok(Json(serde_json::json!({
        "term": entry,
        "rescore": state.sentiment.status(),
    })))
}

/// `DELETE /api/v1/voice/lexicon/{term}`: removes the stored entry (a changed default gets its
/// shipped valence back) and re-scores stored texts; 404 when nothing is stored for the term.
pub async fn delete_lexicon_term(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(term): Path<String>,
) -> Result<StatusCode, ApiError> {
    let actor = require_lexicon_editor(&state, &headers, principal.map(|p| p.0)).await?;
    state
        .sentiment
        .delete_term(&state.store, &state.bus, &actor, &ip, &term)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
