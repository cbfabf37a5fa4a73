//! Customer and partner voice over HTTP: `POST /api/v1/feedback` (key scope `feedback`) and
//! the reads `GET /api/v1/feedback`, `/api/v1/keywords`, `/api/v1/sentiment` and
//! `/api/v1/social` (a `read`-scoped key or a session; partner accounts read their own
//! partner only). Every read takes the dashboard's query parameters plus `audience`
//! (customer|partner), `source`, and for texts `sentiment`, `q`, `term`, `page`, `per_page`.

use super::auth::{require_key, scoped_query};
use super::ingest::{answer, read_batch};
use crate::error::ApiError;
use crate::ingest::{feedback, IngestReport};
use crate::state::AppState;
use crate::voice::{self, VoiceError, VoiceQuery};
use app::domain::access::Principal;
use app::model::voice::{FeedbackPage, KeywordsReport, SocialReport, VoiceReport};
use axum::body::Body;
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
    Ok(Json(voice::keywords(&state.store, &q).await?))
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
