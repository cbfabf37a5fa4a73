//! Every view is a URL: these helpers build the link that changes one part of it and keeps
//! the rest.

use leptos_router::params::ParamsMap;

/// The page URL with `changes` applied: `Some(v)` sets a parameter, `None` or an empty value
/// removes it.
pub fn href_with(params: &ParamsMap, changes: &[(&str, Option<&str>)]) -> String {
    let mut p = params.clone();
    for (k, v) in changes {
        p.remove(k);
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            p.insert(k.to_string(), v.to_string());
        }
    }
    format!("/{}", p.to_query_string())
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

#[cfg(test)]
mod tests {
    use super::*;

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
