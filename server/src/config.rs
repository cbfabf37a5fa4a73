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
    /// Seed demo data into an empty store (`SIGNALROOM_DEMO`, default on; `0` turns it off).
    pub demo: bool,
    /// An ingest API key to create at start-up (`SIGNALROOM_INGEST_KEY`), for automation.
    pub ingest_key: Option<Secret>,
    /// The built site: `pkg/`, `assets/` (`SIGNALROOM_SITE_ROOT`, default `target/site`).
    pub site_root: PathBuf,
    /// Largest accepted request body (`SIGNALROOM_MAX_BODY_MB`, default 16 MiB).
    pub max_body_bytes: usize,
    /// Per-request time limit, streams excepted (`SIGNALROOM_REQUEST_TIMEOUT_SECS`, default 30).
    pub request_timeout: Duration,
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
        c.demo = true;
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
            c.demo = !matches!(v, "0" | "false" | "no" | "off");
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
        if let Some(v) = get("SIGNALROOM_REQUEST_TIMEOUT_SECS") {
            let s: u64 = v
                .parse()
                .ok()
                .filter(|n| (1..=3600).contains(n))
                .ok_or_else(|| bad("SIGNALROOM_REQUEST_TIMEOUT_SECS", "must be 1..=3600".into()))?;
            c.request_timeout = Duration::from_secs(s);
        }
        Ok(c)
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
    fn defaults_serve_sqlite_on_localhost_with_demo_data() {
        let c = Config::from_vars(&HashMap::new()).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url.0, "sqlite://data/signalroom.db");
        assert!(c.demo);
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
    fn the_file_layer_reads_key_value_lines() {
        let got: Vec<_> = parse_file("# c\nSIGNALROOM_DEMO = \"0\"\n\nbad line\n").collect();
        assert_eq!(got, [("SIGNALROOM_DEMO".to_string(), "0".to_string())]);
    }
}
