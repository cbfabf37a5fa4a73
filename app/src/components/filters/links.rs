//! Every view is a URL: these helpers build the link that changes one part of it and keeps
//! the rest.

use crate::domain::query::{decode_pairs, encode_pairs};
use leptos_router::params::ParamsMap;

/// The range presets the page tabs offer: (query value, label).
pub const RANGE_PRESETS: [(&str, &str); 4] = [
    ("7d", "7 days"),
    ("30d", "30 days"),
    ("90d", "90 days"),
    ("365d", "12 months"),
];

/// The last non-blank value of `key` in a raw query string.
pub fn query_param(query: &str, key: &str) -> Option<String> {
    decode_pairs(query)
        .into_iter()
        .rev()
        .find(|(k, v)| k == key && !v.trim().is_empty())
        .map(|(_, v)| v)
}

/// The page URL with `changes` applied: `Some(v)` sets a parameter, `None` or an empty value
/// removes it.
pub fn href_with(params: &ParamsMap, changes: &[(&str, Option<&str>)]) -> String {
    href_at("/", params, changes)
}

/// [`href_with`] on another page's path.
pub fn href_at(path: &str, params: &ParamsMap, changes: &[(&str, Option<&str>)]) -> String {
    let mut p = params.clone();
    for (k, v) in changes {
        p.remove(k);
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            p.insert(k.to_string(), v.to_string());
        }
    }
    format!("{path}{}", p.to_query_string())
}

/// The parameters that a change of `name` invalidates: a preset range and explicit dates
/// exclude each other.
pub fn also_clear(name: &str) -> &'static [&'static str] {
    match name {
        "range" => &["from", "to"],
        "from" | "to" => &["range"],
        _ => &[],
    }
}

/// `path?query` with `changes` applied to the raw query string: `Some(v)` sets a parameter,
/// `None` or an empty value removes it. Setting dates drops a preset range (and the other
/// way round), and any change other than `page` goes back to the first page.
pub fn path_with(path: &str, query: &str, changes: &[(&str, Option<&str>)]) -> String {
    let mut drop: Vec<&str> = Vec::new();
    for (k, _) in changes {
        drop.push(k);
        drop.extend_from_slice(also_clear(k));
        if *k != "page" {
            drop.push("page");
        }
    }
    let mut pairs: Vec<(String, String)> = decode_pairs(query)
        .into_iter()
        .filter(|(k, _)| !drop.contains(&k.as_str()))
        .collect();
    for (k, v) in changes {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            pairs.push((k.to_string(), v.to_string()));
        }
    }
    let q = encode_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{q}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_query_links_reset_the_page_and_keep_ranges_consistent() {
        let q = "range=90d&channel=chat&page=4&sort=created";
        assert_eq!(
            path_with(
                "/support/tickets",
                q,
                &[("from", Some("2026-11-01")), ("to", Some("2026-11-07"))]
            ),
            "/support/tickets?channel=chat&sort=created&from=2026-11-01&to=2026-11-07"
        );
        assert_eq!(
            path_with("/support/tickets", q, &[("page", Some("5"))]),
            "/support/tickets?range=90d&channel=chat&sort=created&page=5"
        );
        assert_eq!(
            path_with("/support", "page=2", &[("channel", None)]),
            "/support"
        );
    }

    #[test]
    fn links_change_one_parameter_and_keep_the_rest() {
        let p: ParamsMap = [("channel", "email"), ("range", "90d")]
            .into_iter()
            .collect();
        let h = href_with(&p, &[("segment", Some("Mid Market"))]);
        assert!(h.starts_with("/?"), "{h}");
        assert!(
            h.contains("channel=email") && h.contains("range=90d") && h.contains("segment=Mid"),
            "{h}"
        );
        assert_eq!(
            href_with(&p, &[("channel", None), ("range", Some(""))]),
            "/"
        );
    }
}
