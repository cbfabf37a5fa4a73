//! Who may do what (README, Security): roles, the principal behind a request, and the scope rules
//! every read goes through. Pure: the server resolves sessions and share links into a
//! [`Principal`]; everything it may then see is decided here.

use crate::domain::dimension::Dimension;
use crate::domain::query::{decode_pairs, DashboardQuery};
use serde::{Deserialize, Serialize};

/// An account's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Users, keys, settings, everything.
    Admin,
    /// All data, alert rules, dashboards.
    Analyst,
    /// Reads all data.
    Viewer,
    /// Reads the rows of one partner only.
    Partner,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Self::Admin, Self::Analyst, Self::Viewer, Self::Partner];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Analyst => "analyst",
            Self::Viewer => "viewer",
            Self::Partner => "partner",
        }
    }

    /// Parses a stored or submitted role name.
    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// Something a request may want to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Read metrics, lists and the live stream (within the principal's scope).
    ReadData,
    /// Create, edit and test alert rules.
    EditRules,
    /// Create share links of views the principal can see.
    CreateShareLinks,
    /// Create users, change roles, deactivate.
    ManageUsers,
    /// Create and revoke ingest API keys.
    ManageKeys,
    /// Read the audit log.
    ViewAudit,
    /// Change the domain lexicon of sentiment scoring.
    EditLexicon,
    /// Set and reset metric targets.
    EditTargets,
}

/// How the request proved who it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    /// A signed-in account.
    User { id: String, email: String },
    /// Someone holding a share link; `created_by` is the account that shared it.
    Share { link_id: String, created_by: String },
}

/// The one view a share link opens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedView {
    /// The page path, e.g. `/`.
    pub path: String,
    /// The page's query string, without `?`.
    pub query: String,
}

/// The authenticated party behind a request, with the scope it reads in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// Who.
    pub actor: Actor,
    /// Effective role (a share link carries its creator's role, capped to reading).
    pub role: Role,
    /// For partner accounts (and their links): the only partner whose rows are visible.
    pub partner: Option<String>,
    /// For share links: the one view that may be read.
    pub view: Option<SharedView>,
}

/// A refusal, with a stable code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// No credential, or one that is unknown or expired: 401.
    #[error("sign in to continue")]
    Unauthenticated,
    /// Authenticated, but not allowed: 403.
    #[error("{0}")]
    Forbidden(&'static str),
}

impl AccessError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthorized",
            Self::Forbidden(_) => "forbidden",
        }
    }
}

impl Principal {
    /// A signed-in account.
    pub fn user(id: &str, email: &str, role: Role, partner: Option<String>) -> Principal {
        Principal {
            actor: Actor::User {
                id: id.into(),
                email: email.into(),
            },
            role,
            partner: if role == Role::Partner { partner } else { None },
            view: None,
        }
    }

    /// Whether this principal is a share-link visitor rather than an account.
    pub fn is_share(&self) -> bool {
        matches!(self.actor, Actor::Share { .. })
    }

    /// How the audit log names this principal.
    pub fn label(&self) -> String {
        match &self.actor {
            Actor::User { email, .. } => email.clone(),
            Actor::Share { link_id, .. } => format!("share:{link_id}"),
        }
    }

    /// The account id, for accounts.
    pub fn user_id(&self) -> Option<&str> {
        match &self.actor {
            Actor::User { id, .. } => Some(id),
            Actor::Share { .. } => None,
        }
    }

    /// Whether the principal may do `p` at all (scope is checked separately).
    pub fn allows(&self, p: Permission) -> bool {
        if self.is_share() {
            return p == Permission::ReadData;
        }
        match self.role {
            Role::Admin => true,
            Role::Analyst => matches!(
                p,
                Permission::ReadData
                    | Permission::EditRules
                    | Permission::CreateShareLinks
                    | Permission::EditTargets
            ),
            Role::Viewer | Role::Partner => {
                matches!(p, Permission::ReadData | Permission::CreateShareLinks)
            }
        }
    }

    /// `Ok` when [`allows`](Self::allows), else `Forbidden`.
    pub fn require(&self, p: Permission) -> Result<(), AccessError> {
        if self.allows(p) {
            Ok(())
        } else {
            Err(AccessError::Forbidden(
                "your role does not allow this action",
            ))
        }
    }

    /// Narrows a query to what this principal may read. A partner-scoped principal gets the
    /// partner filter forced to its own partner; asking for another partner is refused
    /// rather than silently rewritten, so a crafted request learns nothing and is visible as
    /// a refusal.
    pub fn scope_query(&self, q: &mut DashboardQuery) -> Result<(), AccessError> {
        self.require(Permission::ReadData)?;
        if let Some(own) = &self.partner {
            match q.filters.get(&Dimension::Partner) {
                Some(asked) if asked != own => {
                    return Err(AccessError::Forbidden(
                        "this account may only read its own partner's data",
                    ))
                }
                _ => {
                    q.filters.insert(Dimension::Partner, own.clone());
                    q.scope = Some(own.clone());
                }
            }
        }
        Ok(())
    }

    /// For share links: only the shared view (same path, same parameters in any order) may
    /// be read. Accounts pass.
    pub fn check_view(&self, path: &str, query: &str) -> Result<(), AccessError> {
        match &self.view {
            None => Ok(()),
            Some(v) if v.path == path && canonical_query(&v.query) == canonical_query(query) => {
                Ok(())
            }
            Some(_) => Err(AccessError::Forbidden(
                "this share link opens one view only",
            )),
        }
    }
}

/// A query string as a sorted list of its non-empty pairs: `b=2&a=1&c=` equals `a=1&b=2`.
pub fn canonical_query(query: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = decode_pairs(query)
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.trim().to_string()))
        .collect();
    pairs.sort();
    pairs
}

/// Where to go after signing in: only a local absolute path (`/x?y`), never another host
/// (`//evil.example`, `https://…`, `/\evil`), so the login page is no open redirect.
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 2000
        && !next.chars().any(|c| c.is_control());
    if ok {
        next
    } else {
        "/"
    }
}

/// Checks an e-mail address enough to catch typing mistakes; returns it trimmed and
/// lower-cased.
pub fn normalize_email(email: &str) -> Option<String> {
    let e = email.trim().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@');
    ok.then_some(e)
}

/// Password policy: 12–256 characters (NIST 800-63B favours length over composition rules).
pub fn check_password(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < 12 {
        Err("a password needs at least 12 characters")
    } else if n > 256 {
        Err("a password may have at most 256 characters")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::Day;

    fn q(s: &str) -> DashboardQuery {
        DashboardQuery::parse_str(s, Day::parse("2026-11-22").unwrap()).unwrap()
    }

    fn partner(p: &str) -> Principal {
        Principal::user("u1", "p@x.io", Role::Partner, Some(p.into()))
    }

    fn share(query: &str, partner: Option<&str>) -> Principal {
        Principal {
            actor: Actor::Share {
                link_id: "l1".into(),
                created_by: "u1".into(),
            },
            role: Role::Analyst,
            partner: partner.map(Into::into),
            view: Some(SharedView {
                path: "/".into(),
                query: query.into(),
            }),
        }
    }

    #[test]
    fn roles_grant_what_the_matrix_says() {
        let user = |r| Principal::user("u", "e@x.io", r, Some("p1".into()));
        use Permission::*;
        for p in [
            ReadData,
            EditRules,
            CreateShareLinks,
            ManageUsers,
            ManageKeys,
            ViewAudit,
            EditLexicon,
            EditTargets,
        ] {
            assert!(user(Role::Admin).allows(p));
        }
        assert!(!user(Role::Analyst).allows(EditLexicon));
        assert!(user(Role::Analyst).allows(EditRules));
        assert!(user(Role::Analyst).allows(EditTargets));
        assert!(!user(Role::Viewer).allows(EditTargets));
        assert!(!user(Role::Partner).allows(EditTargets));
        assert!(!user(Role::Analyst).allows(ManageUsers));
        assert!(!user(Role::Analyst).allows(ViewAudit));
        assert!(!user(Role::Viewer).allows(EditRules));
        assert!(user(Role::Viewer).allows(CreateShareLinks));
        assert!(!user(Role::Partner).allows(ManageKeys));
        assert!(user(Role::Partner).allows(ReadData));
    }

    #[test]
    fn share_links_only_read_even_when_an_admin_made_them() {
        let mut s = share("", None);
        s.role = Role::Admin;
        assert!(s.allows(Permission::ReadData));
        assert!(!s.allows(Permission::CreateShareLinks));
        assert!(!s.allows(Permission::ManageUsers));
    }

    #[test]
    fn partner_scope_is_forced_onto_unfiltered_queries() {
        let mut query = q("range=30d");
        partner("p7").scope_query(&mut query).unwrap();
        assert_eq!(query.filters.get(&Dimension::Partner).unwrap(), "p7");
    }

    #[test]
    fn partner_asking_for_another_partner_is_refused() {
        let mut query = q("partner=p8");
        let e = partner("p7").scope_query(&mut query).unwrap_err();
        assert_eq!(e.code(), "forbidden");
        let mut own = q("partner=p7&channel=email");
        partner("p7").scope_query(&mut own).unwrap();
    }

    #[test]
    fn non_partner_roles_never_carry_a_partner_scope() {
        let a = Principal::user("u", "e@x.io", Role::Analyst, Some("p1".into()));
        assert_eq!(a.partner, None);
        let mut query = q("");
        a.scope_query(&mut query).unwrap();
        assert!(query.filters.is_empty());
    }

    #[test]
    fn share_link_partner_scope_applies_too() {
        let mut query = q("partner=p2");
        assert!(share("partner=p2", Some("p1"))
            .scope_query(&mut query)
            .is_err());
    }

    #[test]
    fn share_link_reads_its_view_in_any_parameter_order_and_nothing_else() {
        let s = share("range=90d&channel=email", None);
        s.check_view("/", "channel=email&range=90d").unwrap();
        s.check_view("/", "channel=email&range=90d&region=")
            .unwrap();
        assert!(s.check_view("/", "channel=chat&range=90d").is_err());
        assert!(s.check_view("/", "range=90d").is_err());
        assert!(s.check_view("/support", "channel=email&range=90d").is_err());
        Principal::user("u", "e@x.io", Role::Viewer, None)
            .check_view("/anything", "x=1")
            .unwrap();
    }

    #[test]
    fn next_after_login_stays_on_this_site() {
        assert_eq!(safe_next("/?channel=email"), "/?channel=email");
        assert_eq!(safe_next("//evil.example/x"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/a\r\nSet-Cookie: x"), "/");
        assert_eq!(safe_next(""), "/");
    }

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            normalize_email("  Ana@Example.COM ").as_deref(),
            Some("ana@example.com")
        );
        for bad in [
            "", "ana", "ana@", "@x.io", "ana@x", "a b@x.io", "a@b@x.io", "a@.io",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn passwords_need_length_not_composition() {
        assert!(check_password("short").is_err());
        assert!(check_password("correct horse battery").is_ok());
        assert!(check_password(&"x".repeat(257)).is_err());
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
