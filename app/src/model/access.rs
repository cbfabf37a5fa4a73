//! Wire types of accounts, API keys, share links and the audit log.

use crate::domain::access::Role;
use serde::{Deserialize, Serialize};

/// The signed-in party, as the UI shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    /// E-mail address, or `shared link` for share-link visitors.
    pub email: String,
    /// Effective role.
    pub role: Role,
    /// The partner a partner account is scoped to.
    pub partner: Option<String>,
    /// A share-link visitor (read-only, one view).
    pub shared_view: bool,
}

/// An account, for the admin UI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub partner: Option<String>,
    pub active: bool,
    pub created_at: i64,
}

/// An ingest API key, without its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A key just created: the secret is shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    pub key: ApiKeyView,
    pub secret: String,
}

/// One audit-log entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

/// A page of the audit log; `next_before` continues it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    pub next_before: Option<i64>,
}

/// Filters of the audit log, as the admin page sends them (absent fields are empty).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// Action prefix, e.g. `login.`.
    pub action: String,
    /// Text in the actor.
    pub actor: String,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    /// `YYYY-MM-DD`, inclusive.
    pub to: String,
    /// Continue below this entry id.
    pub before: Option<i64>,
}

/// A share link, without its token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShareLinkView {
    pub id: String,
    /// The link's URL path (`/s/<token>`), while it opens: not revoked, not expired.
    pub url: Option<String>,
    pub label: String,
    pub path: String,
    pub query: String,
    pub creator: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub uses: i64,
}

/// A link just created, with its URL path (`/s/<token>`), shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedShareLink {
    pub link: ShareLinkView,
    pub url: String,
}

/// The key scopes a key can be given: a source to ingest into, `read` for the metrics API,
/// or `*` for everything.
pub const KEY_SCOPES: &[&str] = &[
    "surveys",
    "tickets",
    "incidents",
    "orders",
    "partners",
    "events",
    "marketing",
    "feedback",
    "workflows",
    "read",
    "alerts",
    "lexicon",
    "*",
];
