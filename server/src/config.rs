//! Typed configuration, layered: defaults, then an optional file of `SIGNALROOM_*=value` lines
//! named by `SIGNALROOM_CONFIG`, then the environment.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A secret value: never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Server configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen (`SIGNALROOM_ADDR`, default `127.0.0.1:3000`).
    pub addr: SocketAddr,
    /// `sqlite://…` or `postgres://…` (`DATABASE_URL`, default `sqlite://data/signalroom.db`).
    pub database_url: Secret,
    /// Serve a demo store (`SIGNALROOM_DEMO=1`; default off): an entirely empty store is filled
    /// with demo data and demo accounts; a store holding other data is refused at start-up.
    pub demo: bool,
    /// An ingest API key to create at start-up (`SIGNALROOM_INGEST_KEY`), for automation.
    pub ingest_key: Option<Secret>,
    /// The built site: `pkg/`, `assets/` (`SIGNALROOM_SITE_ROOT`, default `target/site`).
    pub site_root: PathBuf,
    /// Largest accepted request body (`SIGNALROOM_MAX_BODY_MB`, default 16 MiB).
    pub max_body_bytes: usize,
    /// Per-request time limit, streams excepted (`SIGNALROOM_REQUEST_TIMEOUT_SECS`, default 30).
    pub request_timeout: Duration,
    /// The first admin account, created at start-up when no admin exists
    /// (`SIGNALROOM_ADMIN_EMAIL` and `SIGNALROOM_ADMIN_PASSWORD`, both or neither).
    pub admin: Option<(String, Secret)>,
    /// The public origin, e.g. `https://cx.example.com` (`SIGNALROOM_PUBLIC_URL`). When set,
    /// browser requests must come from it; otherwise from the request's own `Host`.
    pub public_url: Option<String>,
    /// Mark cookies `Secure` (`SIGNALROOM_COOKIE_SECURE`; default: on when the public URL is
    /// `https://`).
    pub cookie_secure: bool,
    /// Sign-out after this long without a request (`SIGNALROOM_SESSION_IDLE_MINS`, default 480).
    pub session_idle: Duration,
    /// Sign-out this long after sign-in, active or not (`SIGNALROOM_SESSION_MAX_HOURS`,
    /// default 168).
    pub session_max: Duration,
    /// Secret that signs share links (`SIGNALROOM_SECRET_KEY`, ≥ 32 characters). Without it
    /// one is generated at first start and kept in the store.
    pub secret_key: Option<Secret>,
    /// Take the client address from the last `X-Forwarded-For` hop
    /// (`SIGNALROOM_TRUST_FORWARDED=1`; only behind a proxy that sets it), so per-IP sign-in
    /// throttling and the audit log see clients, not the proxy.
    pub trust_forwarded: bool,
    /// The PagerDuty webhook subscription's signing secret (`SIGNALROOM_PAGERDUTY_SECRET`);
    /// without it the webhook refuses every delivery.
    pub pagerduty_secret: Option<Secret>,
    /// Workflow tracker integrations: webhook secrets (several during a rotation), the status
    /// map and the Jira / Linear field mappings (see [`WorkflowConfig`]).
    pub workflows: WorkflowConfig,
    /// Time between alert evaluation passes (`SIGNALROOM_ALERT_TICK_SECS`, default 30).
    pub alert_tick: Duration,
    /// Base of the webhook retry back-off (`SIGNALROOM_WEBHOOK_RETRY_BASE_MS`, default 2000:
    /// retries after 2, 4, 8, 16 s, then the delivery is marked failed).
    pub webhook_retry_base_ms: i64,
    /// Weights of the partner performance index (`SIGNALROOM_PARTNER_INDEX_WEIGHTS`, e.g.
    /// `satisfaction=30,delivery=25,growth=20,engagement=15,training=10`, the default).
    pub partner_weights: app::domain::partner::IndexWeights,
    /// The default journey (`SIGNALROOM_JOURNEY_STAGES`, `label=event|event;…`), checkout
    /// events (`SIGNALROOM_CHECKOUT_EVENTS`, `start>completed`), commerce targets
    /// (`SIGNALROOM_COMMERCE_TARGETS`, `aov=80,cac=40`) and the customer lifespan of CLV
    /// (`SIGNALROOM_CUSTOMER_LIFESPAN_YEARS`, default 3).
    pub journey: crate::journey::JourneyConfig,
    /// Private hosts that alert webhooks may still reach, e.g. a local relay
    /// (`SIGNALROOM_WEBHOOK_ALLOW_HOSTS`, comma-separated; default none).
    pub webhook_allow: crate::alerts::ssrf::AllowList,
    /// Load shedding: requests served at once per class and how many may wait
    /// (`SIGNALROOM_MAX_READS`, default 16, `SIGNALROOM_MAX_WRITES`, default 8; each queues
    /// four times as many) and the longest wait (`SIGNALROOM_QUEUE_WAIT_MS`, default 300).
    pub limits: crate::http::shed::Limits,
}

/// A configuration value that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {key}: {message}")]
pub struct ConfigError {
    key: String,
    message: String,
}

impl Config {
    /// Defaults for tests and embedding: SQLite at `database_url`, no demo data.
    pub fn for_database(database_url: &str) -> Config {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            database_url: Secret(database_url.to_string()),
            demo: false,
            ingest_key: None,
            site_root: PathBuf::from("target/site"),
            max_body_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            admin: None,
            public_url: None,
            cookie_secure: false,
            session_idle: Duration::from_secs(8 * 3600),
            session_max: Duration::from_secs(7 * 24 * 3600),
            secret_key: None,
            trust_forwarded: false,
            pagerduty_secret: None,
            workflows: Default::default(),
            alert_tick: Duration::from_secs(30),
            webhook_retry_base_ms: 2_000,
            partner_weights: Default::default(),
            journey: Default::default(),
            webhook_allow: Default::default(),
            limits: Default::default(),
        }
    }

    /// Reads the layered configuration from the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        let mut vars: HashMap<String, String> = HashMap::new();
        if let Ok(path) = std::env::var("SIGNALROOM_CONFIG") {
            let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
                key: "SIGNALROOM_CONFIG".into(),
                message: format!("cannot read {path}: {e}"),
            })?;
            vars.extend(parse_file(&text));
        }
        vars.extend(
            std::env::vars().filter(|(k, _)| k.starts_with("SIGNALROOM_") || k == "DATABASE_URL"),
        );
        Self::from_vars(&vars)
    }

    fn from_vars(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let mut c = Config::for_database("sqlite://data/signalroom.db");
        let get = |k: &str| vars.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        let bad = |k: &str, m: String| ConfigError {
            key: k.into(),
            message: m,
        };
        if let Some(v) = get("SIGNALROOM_ADDR") {
            c.addr = v
                .parse()
                .map_err(|e| bad("SIGNALROOM_ADDR", format!("{v:?}: {e}")))?;
        }
        if let Some(v) = get("DATABASE_URL") {
            if !(v.starts_with("sqlite:")
                || v.starts_with("postgres://")
                || v.starts_with("postgresql://"))
            {
                return Err(bad(
                    "DATABASE_URL",
                    "must start with sqlite:, postgres:// or postgresql://".into(),
                ));
            }
            c.database_url = Secret(v.to_string());
        }
        if let Some(v) = get("SIGNALROOM_DEMO") {
            c.demo = match v {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => return Err(bad("SIGNALROOM_DEMO", format!("{v:?}: must be 1 or 0"))),
            };
        }
        if let Some(v) = get("SIGNALROOM_INGEST_KEY") {
            if v.len() < 8 {
                return Err(bad(
                    "SIGNALROOM_INGEST_KEY",
                    "must be at least 8 characters".into(),
                ));
            }
            c.ingest_key = Some(Secret(v.to_string()));
        }
        let whole = |k: &str,
                     range: std::ops::RangeInclusive<usize>|
         -> Result<Option<usize>, ConfigError> {
            get(k)
                .map(|v| {
                    v.parse::<usize>()
                        .ok()
                        .filter(|n| range.contains(n))
                        .ok_or_else(|| {
                            bad(
                                k,
                                format!(
                                    "{v:?}: must be a whole number {}..={}",
                                    range.start(),
                                    range.end()
                                ),
                            )
                        })
                })
                .transpose()
        };
        if let Some(n) = whole("SIGNALROOM_MAX_READS", 1..=10_000)? {
            c.limits.reads = crate::http::shed::ClassLimits {
                in_flight: n,
                queue: n * 4,
            };
        }
        if let Some(n) = whole("SIGNALROOM_MAX_WRITES", 1..=10_000)? {
            c.limits.writes = crate::http::shed::ClassLimits {
                in_flight: n,
                queue: n * 4,
            };
        }
        if let Some(ms) = whole("SIGNALROOM_QUEUE_WAIT_MS", 0..=60_000)? {
            c.limits.queue_wait = Duration::from_millis(ms as u64);
        }
        if let Some(v) = get("SIGNALROOM_WEBHOOK_ALLOW_HOSTS") {
            c.webhook_allow = crate::alerts::ssrf::AllowList::parse(v);
        }
        if let Some(v) = get("SIGNALROOM_SITE_ROOT") {
            c.site_root = PathBuf::from(v);
        }
        if let Some(v) = get("SIGNALROOM_MAX_BODY_MB") {
            let mb: usize = v
                .parse()
                .ok()
                .filter(|n| (5..=1024).contains(n))
                .ok_or_else(|| {
                    bad(
                        "SIGNALROOM_MAX_BODY_MB",
                        "must be a whole number 5..=1024".into(),
                    )
                })?;
            c.max_body_bytes = mb * 1024 * 1024;
        }
        if let Some(v) = get("SIGNALROOM_PARTNER_INDEX_WEIGHTS") {
            c.partner_weights = app::domain::partner::IndexWeights::parse(v)
                .map_err(|m| bad("SIGNALROOM_PARTNER_INDEX_WEIGHTS", m))?;
        }
        if let Some(v) = get("SIGNALROOM_JOURNEY_STAGES") {
            c.journey.stages = app::domain::journey::config::parse_stages(v)
                .map_err(|m| bad("SIGNALROOM_JOURNEY_STAGES", m))?;
        }
        if let Some(v) = get("SIGNALROOM_CHECKOUT_EVENTS") {
            let (a, b) = v
                .split_once('>')
                .map(|(a, b)| (a.trim(), b.trim()))
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                .ok_or_else(|| {
                    bad(
                        "SIGNALROOM_CHECKOUT_EVENTS",
                        "must be `start event>completed event`".into(),
                    )
                })?;
            c.journey.checkout = (a.to_string(), b.to_string());
        }
        if let Some(v) = get("SIGNALROOM_COMMERCE_TARGETS") {
            c.journey.targets = app::domain::journey::commerce::CommerceTargets::parse(v)
                .map_err(|m| bad("SIGNALROOM_COMMERCE_TARGETS", m))?;
        }
        if let Some(v) = get("SIGNALROOM_CUSTOMER_LIFESPAN_YEARS") {
            c.journey.lifespan_years = v
                .parse::<f64>()
                .ok()
                .filter(|y| (0.1..=50.0).contains(y))
                .ok_or_else(|| {
                bad(
                    "SIGNALROOM_CUSTOMER_LIFESPAN_YEARS",
                    "must be 0.1 to 50".into(),
                )
            })?;
        }
        if let Some(v) = get("SIGNALROOM_ALERT_TICK_SECS") {
            let s: u64 = v
                .parse()
                .ok()
                .filter(|n| (1..=3600).contains(n))
                .ok_or_else(|| bad("SIGNALROOM_ALERT_TICK_SECS", "must be 1..=3600".into()))?;
            c.alert_tick = Duration::from_secs(s);
        }
        if let Some(v) = get("SIGNALROOM_WEBHOOK_RETRY_BASE_MS") {
            c.webhook_retry_base_ms = v
                .parse()
                .ok()
                .filter(|n| (10..=600_000).contains(n))
                .ok_or_else(|| {
                    bad(
                        "SIGNALROOM_WEBHOOK_RETRY_BASE_MS",
                        "must be 10..=600000".into(),
                    )
                })?;
        }
        if let Some(v) = get("SIGNALROOM_REQUEST_TIMEOUT_SECS") {
            let s: u64 = v
                .parse()
                .ok()
                .filter(|n| (1..=3600).contains(n))
                .ok_or_else(|| bad("SIGNALROOM_REQUEST_TIMEOUT_SECS", "must be 1..=3600".into()))?;
            c.request_timeout = Duration::from_secs(s);
        }
        match (
            get("SIGNALROOM_ADMIN_EMAIL"),
            get("SIGNALROOM_ADMIN_PASSWORD"),
        ) {
            (None, None) => {}
            (Some(e), Some(p)) => {
                let email = app::domain::access::normalize_email(e)
                    .ok_or_else(|| bad("SIGNALROOM_ADMIN_EMAIL", "not an e-mail address".into()))?;
                app::domain::access::check_password(p)
                    .map_err(|m| bad("SIGNALROOM_ADMIN_PASSWORD", m.into()))?;
                c.admin = Some((email, Secret(p.to_string())));
            }
            (Some(_), None) => {
                return Err(bad(
                    "SIGNALROOM_ADMIN_PASSWORD",
                    "is required with SIGNALROOM_ADMIN_EMAIL".into(),
                ))
            }
            (None, Some(_)) => {
                return Err(bad(
                    "SIGNALROOM_ADMIN_EMAIL",
                    "is required with SIGNALROOM_ADMIN_PASSWORD".into(),
                ))
            }
        }
        if let Some(v) = get("SIGNALROOM_PUBLIC_URL") {
            let v = v.trim_end_matches('/');
            let host = v
                .strip_prefix("https://")
                .or_else(|| v.strip_prefix("http://"))
                .unwrap_or("");
            if host.is_empty() || host.contains('/') {
                return Err(bad(
                    "SIGNALROOM_PUBLIC_URL",
                    "must be an origin like https://cx.example.com (no path)".into(),
                ));
            }
            c.cookie_secure = v.starts_with("https://");
            c.public_url = Some(v.to_string());
        }
        if let Some(v) = get("SIGNALROOM_COOKIE_SECURE") {
            c.cookie_secure = !matches!(v, "0" | "false" | "no" | "off");
        }
        let minutes = |k: &str, v: &str, max: u64| {
            v.parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| bad(k, format!("must be a whole number 1..={max}")))
        };
        if let Some(v) = get("SIGNALROOM_SESSION_IDLE_MINS") {
            c.session_idle =
                Duration::from_secs(60 * minutes("SIGNALROOM_SESSION_IDLE_MINS", v, 43_200)?);
        }
        if let Some(v) = get("SIGNALROOM_SESSION_MAX_HOURS") {
            c.session_max =
                Duration::from_secs(3600 * minutes("SIGNALROOM_SESSION_MAX_HOURS", v, 8_760)?);
        }
        if let Some(v) = get("SIGNALROOM_PAGERDUTY_SECRET") {
            c.pagerduty_secret = Some(Secret(v.to_string()));
        }
        c.workflows = WorkflowConfig::from_vars(&get).map_err(|(k, m)| bad(k, m))?;
        if let Some(v) = get("SIGNALROOM_TRUST_FORWARDED") {
            c.trust_forwarded = !matches!(v, "0" | "false" | "no" | "off");
        }
        if let Some(v) = get("SIGNALROOM_SECRET_KEY") {
            if v.len() < 32 {
                return Err(bad(
                    "SIGNALROOM_SECRET_KEY",
                    "must be at least 32 characters".into(),
                ));
            }
            c.secret_key = Some(Secret(v.to_string()));
        }
        Ok(c)
    }
}

/// How workflows arrive from trackers.
#[derive(Clone, Debug, Default)]
pub struct WorkflowConfig {
    /// `SIGNALROOM_JIRA_SECRET`: comma-separated; a delivery signed with any of them passes, so
    /// a secret can be rotated without losing deliveries. Without one the webhook refuses all.
    pub jira_secrets: Vec<Secret>,
    /// `SIGNALROOM_LINEAR_SECRET`, likewise.
    pub linear_secrets: Vec<Secret>,
    /// `SIGNALROOM_WORKFLOW_STATUS_MAP`: `Status=category[:stage];…` before the defaults.
    pub status_map: app::domain::workflow::StatusMap,
    /// `SIGNALROOM_JIRA_TYPE_MAP` (`project key, issue type or label=workflow type,…`) and
    /// `SIGNALROOM_JIRA_TEAM_FIELD`, `…_PARTNER_FIELD`, `…_CUSTOMER_FIELD` (custom field ids).
    pub jira: app::domain::workflow::jira::JiraMapping,
    /// `SIGNALROOM_LINEAR_TYPE_MAP` (`team key, project or label=workflow type,…`).
    pub linear: app::domain::workflow::linear::LinearMapping,
}

impl WorkflowConfig {
    fn from_vars<'a>(
        get: &impl Fn(&str) -> Option<&'a str>,
    ) -> Result<WorkflowConfig, (&'static str, String)> {
        let secrets = |k: &str| -> Vec<Secret> {
            get(k)
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Secret(s.to_string()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let type_map = |k: &'static str| -> Result<Vec<(String, String)>, (&'static str, String)> {
            let Some(v) = get(k) else {
                return Ok(Vec::new());
            };
            v.split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(|e| {
                    let (from, to) = e
                        .split_once('=')
                        .ok_or_else(|| (k, format!("{e:?} is not `name=workflow_type`")))?;
                    let to = app::domain::workflow::kinds::type_id(to)
                        .ok_or_else(|| (k, format!("{e:?} names no workflow type")))?;
                    Ok((from.trim().to_string(), to))
                })
                .collect()
        };
        let field = |k: &str| get(k).map(str::to_string);
        Ok(WorkflowConfig {
            jira_secrets: secrets("SIGNALROOM_JIRA_SECRET"),
            linear_secrets: secrets("SIGNALROOM_LINEAR_SECRET"),
            status_map: match get("SIGNALROOM_WORKFLOW_STATUS_MAP") {
                None => Default::default(),
                Some(v) => app::domain::workflow::StatusMap::parse(v)
                    .map_err(|m| ("SIGNALROOM_WORKFLOW_STATUS_MAP", m))?,
            },
            jira: app::domain::workflow::jira::JiraMapping {
                types: type_map("SIGNALROOM_JIRA_TYPE_MAP")?,
                team_field: field("SIGNALROOM_JIRA_TEAM_FIELD"),
                partner_field: field("SIGNALROOM_JIRA_PARTNER_FIELD"),
                customer_field: field("SIGNALROOM_JIRA_CUSTOMER_FIELD"),
            },
            linear: app::domain::workflow::linear::LinearMapping {
                types: type_map("SIGNALROOM_LINEAR_TYPE_MAP")?,
            },
        })
    }
}

fn parse_file(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_serve_sqlite_on_localhost_without_demo_data() {
        let c = Config::from_vars(&HashMap::new()).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url.0, "sqlite://data/signalroom.db");
        assert!(
            !c.demo,
            "demo mode plants a known password: never by default"
        );
        assert!(
            Config::from_vars(&vars(&[("SIGNALROOM_DEMO", "1")]))
                .unwrap()
                .demo
        );
        assert!(Config::from_vars(&vars(&[("SIGNALROOM_DEMO", "maybe")])).is_err());
        assert_eq!(c.max_body_bytes, 16 * 1024 * 1024);
    }

    #[test]
    fn environment_overrides_and_validates() {
        let c = Config::from_vars(&vars(&[
            ("SIGNALROOM_DEMO", "0"),
            ("SIGNALROOM_INGEST_KEY", "abcdefgh123"),
        ]))
        .unwrap();
        assert!(!c.demo);
        assert_eq!(format!("{:?}", c.ingest_key), "Some(Secret(***))");
        assert!(Config::from_vars(&vars(&[("DATABASE_URL", "mysql://x")])).is_err());
        assert!(Config::from_vars(&vars(&[("SIGNALROOM_ADDR", "nowhere")])).is_err());
        assert!(Config::from_vars(&vars(&[("SIGNALROOM_INGEST_KEY", "short")])).is_err());
    }

    #[test]
    fn the_first_admin_needs_both_halves_and_a_real_password() {
        let c = Config::from_vars(&vars(&[
            ("SIGNALROOM_ADMIN_EMAIL", "Root@Example.com"),
            ("SIGNALROOM_ADMIN_PASSWORD", "a long enough password"),
        ]))
        .unwrap();
        let (email, pw) = c.admin.unwrap();
        assert_eq!(email, "root@example.com");
        assert_eq!(format!("{pw:?}"), "Secret(***)");
        assert!(Config::from_vars(&vars(&[("SIGNALROOM_ADMIN_EMAIL", "a@b.io")])).is_err());
        assert!(Config::from_vars(&vars(&[
            ("SIGNALROOM_ADMIN_EMAIL", "a@b.io"),
            ("SIGNALROOM_ADMIN_PASSWORD", "short"),
        ]))
        .is_err());
    }

    #[test]
    fn an_https_public_url_turns_secure_cookies_on() {
        let c = Config::from_vars(&vars(&[(
            "SIGNALROOM_PUBLIC_URL",
            "https://cx.example.com/",
        )]))
        .unwrap();
        assert!(c.cookie_secure);
        assert_eq!(c.public_url.as_deref(), Some("https://cx.example.com"));
        assert!(Config::from_vars(&vars(&[("SIGNALROOM_PUBLIC_URL", "cx.example.com")])).is_err());
        assert!(
            Config::from_vars(&vars(&[("SIGNALROOM_PUBLIC_URL", "https://x.io/app")])).is_err()
        );
    }

    #[test]
    fn the_file_layer_reads_key_value_lines() {
        let got: Vec<_> = parse_file("# c\nSIGNALROOM_DEMO = \"0\"\n\nbad line\n").collect();
        assert_eq!(got, [("SIGNALROOM_DEMO".to_string(), "0".to_string())]);
    }
}
