//! The seam between server functions (in `app`) and the store (in `server`): the server
//! provides a [`Backend`] through Leptos context, so `app` never sees SQL.

use crate::domain::access::{Principal, Role};
use crate::domain::date::Day;
use crate::domain::query::DashboardQuery;
use crate::error::AppError;
use crate::model::access::{
    ApiKeyView, AuditPage, AuditQuery, CreatedApiKey, CreatedShareLink, ShareLinkView, UserView,
};
use crate::model::Summary;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the dashboard's server functions need from the server.
pub trait DashboardBackend: Send + Sync + 'static {
    /// Today in UTC, by the server's clock (resolves relative ranges).
    fn today(&self) -> Day;
    /// Computes the executive summary for a resolved query.
    fn summary(&self, query: DashboardQuery) -> BoxFuture<'_, Result<Summary, AppError>>;
    /// The support page for a resolved (already scoped) query; incidents only when
    /// `internal` (not for partner accounts).
    fn support(
        &self,
        query: DashboardQuery,
        internal: bool,
    ) -> BoxFuture<'_, Result<crate::model::support::SupportPage, AppError>>;
    /// A page of the ticket list for a resolved (already scoped) query; `raw_query` carries
    /// the list's own parameters (sort, page, narrowing).
    fn ticket_list(
        &self,
        query: DashboardQuery,
        raw_query: String,
    ) -> BoxFuture<'_, Result<crate::model::support::TicketList, AppError>>;
    /// The voice page (sentiment, keywords, feedback log; social mentions when asked) for a
    /// resolved (already scoped) query; `raw_query` carries audience, source, search, page.
    fn voice(
        &self,
        query: DashboardQuery,
        raw_query: String,
    ) -> BoxFuture<'_, Result<crate::model::voice::VoicePage, AppError>>;
    /// The Customer Journey view for a resolved query; `raw_query` carries the funnel's own
    /// parameters (steps, window, breakdown, cohorts).
    fn journey(
        &self,
        query: DashboardQuery,
        raw_query: String,
    ) -> BoxFuture<'_, Result<crate::model::journey::JourneyView, AppError>>;
    /// The Sales & Conversion view for a resolved query.
    fn commerce(
        &self,
        query: DashboardQuery,
    ) -> BoxFuture<'_, Result<crate::model::journey::CommerceView, AppError>>;
    /// The partner dashboards for a resolved (already scoped) query; `raw_query` carries the
    /// table's sort; `restricted` for partner accounts (no company-wide revenue).
    fn partners(
        &self,
        query: DashboardQuery,
        raw_query: String,
        restricted: bool,
    ) -> BoxFuture<'_, Result<crate::model::partners::PartnersPage, AppError>>;
    /// One partner's page (the caller has checked the partner may be read).
    fn partner(
        &self,
        id: String,
        query: DashboardQuery,
        restricted: bool,
    ) -> BoxFuture<'_, Result<crate::model::partners::PartnerDetail, AppError>>;
}

/// The backend, as provided in Leptos context.
#[derive(Clone)]
pub struct Backend(pub Arc<dyn DashboardBackend>);

/// What the account, key, share-link and audit server functions need from the server. The
/// server functions check the caller's permission first; implementations also audit.
pub trait AccessBackend: Send + Sync + 'static {
    /// Every account.
    fn list_users(&self) -> BoxFuture<'_, Result<Vec<UserView>, AppError>>;
    /// Creates an account.
    fn create_user(
        &self,
        by: Actor,
        input: NewUserInput,
    ) -> BoxFuture<'_, Result<UserView, AppError>>;
    /// Changes an account's role, partner or active state.
    fn update_user(
        &self,
        by: Actor,
        id: String,
        role: Role,
        partner: Option<String>,
        active: bool,
    ) -> BoxFuture<'_, Result<UserView, AppError>>;
    /// Every API key.
    fn list_keys(&self) -> BoxFuture<'_, Result<Vec<ApiKeyView>, AppError>>;
    /// Creates a key; its secret is in the answer only.
    fn create_key(
        &self,
        by: Actor,
        name: String,
        scopes: Vec<String>,
    ) -> BoxFuture<'_, Result<CreatedApiKey, AppError>>;
    /// Revokes a key.
    fn revoke_key(&self, by: Actor, id: String) -> BoxFuture<'_, Result<(), AppError>>;
    /// A page of the audit log.
    fn list_audit(&self, q: AuditQuery) -> BoxFuture<'_, Result<AuditPage, AppError>>;
    /// Creates a share link of one view.
    fn create_share(
        &self,
        by: Actor,
        path: String,
        query: String,
        label: String,
        days: i64,
    ) -> BoxFuture<'_, Result<CreatedShareLink, AppError>>;
    /// Links made by `creator`, or all links when `None`.
    fn list_shares(
        &self,
        creator: Option<String>,
    ) -> BoxFuture<'_, Result<Vec<ShareLinkView>, AppError>>;
    /// Revokes a link; non-admins only their own.
    fn revoke_share(&self, by: Actor, id: String) -> BoxFuture<'_, Result<(), AppError>>;
    /// The domain lexicon of sentiment scoring, and where re-scoring stands.
    fn lexicon(&self) -> BoxFuture<'_, Result<crate::model::voice::LexiconView, AppError>>;
    /// Stores a term of the domain lexicon (valence 0: none); stored texts are re-scored.
    fn put_term(
        &self,
        by: Actor,
        term: String,
        valence: f64,
        note: String,
    ) -> BoxFuture<'_, Result<(), AppError>>;
    /// Removes a term's stored entry (a changed default reverts to its shipped valence).
    fn delete_term(&self, by: Actor, term: String) -> BoxFuture<'_, Result<(), AppError>>;
    /// Sets a metric's target (`domain/target.rs`); audited.
    fn put_target(
        &self,
        by: Actor,
        metric: String,
        request: crate::domain::target::TargetRequest,
    ) -> BoxFuture<'_, Result<(), AppError>>;
    /// Removes a metric's target of one scope, so the default applies again; audited.
    fn reset_target(
        &self,
        by: Actor,
        metric: String,
        scope: Option<(crate::domain::dimension::Dimension, String)>,
    ) -> BoxFuture<'_, Result<(), AppError>>;
}

/// Who acts, and from where, for the audit log.
#[derive(Clone, Debug)]
pub struct Actor {
    pub principal: Principal,
    pub ip: String,
}

/// A new account as submitted.
#[derive(Clone, Debug)]
pub struct NewUserInput {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub partner: Option<String>,
    pub password: String,
}

/// The access backend, as provided in Leptos context.
#[derive(Clone)]
pub struct Access(pub Arc<dyn AccessBackend>);

/// What the alert server functions need from the server. The server functions check the
/// caller's permission first.
pub trait AlertsBackend: Send + Sync + 'static {
    /// The bell's counts.
    fn counts(&self) -> BoxFuture<'_, Result<crate::model::alerts::AlertCounts, AppError>>;
    /// The alerts dashboard of an audience.
    fn page(
        &self,
        audience: crate::domain::alert::catalogue::Audience,
        can_edit: bool,
    ) -> BoxFuture<'_, Result<crate::model::alerts::AlertsPage, AppError>>;
    /// One alert with its log and the metric's trend leading up to it.
    fn detail(
        &self,
        id: String,
    ) -> BoxFuture<'_, Result<crate::model::alerts::AlertDetail, AppError>>;
    /// A person's action on an alert; `actor` names them in the log.
    fn act(
        &self,
        actor: String,
        id: String,
        action: crate::model::alerts::AlertAction,
    ) -> BoxFuture<'_, Result<crate::model::alerts::AlertView, AppError>>;
    /// Every rule.
    fn rules(&self) -> BoxFuture<'_, Result<Vec<crate::model::alerts::RuleView>, AppError>>;
    /// Creates (`id` empty) or replaces a rule.
    fn save_rule(
        &self,
        actor: String,
        id: Option<String>,
        spec: crate::domain::alert::rule::RuleSpec,
    ) -> BoxFuture<'_, Result<crate::model::alerts::RuleView, AppError>>;
    /// Deletes a rule.
    fn delete_rule(&self, actor: String, id: String) -> BoxFuture<'_, Result<(), AppError>>;
    /// The known values of each dimension (for a rule's filter value).
    fn filter_values(&self) -> BoxFuture<'_, Result<Vec<crate::model::DimensionValues>, AppError>>;
    /// The rule evaluated on each of the last 30 days.
    fn test_rule(
        &self,
        spec: crate::domain::alert::rule::RuleSpec,
    ) -> BoxFuture<'_, Result<crate::model::alerts::RuleHistory, AppError>>;
}

/// The alerts backend, as provided in Leptos context.
#[derive(Clone)]
pub struct Alerts(pub Arc<dyn AlertsBackend>);
