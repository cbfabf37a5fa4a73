//! A partner account walks every read path with every breakdown and never meets another
//! partner's id, name or values (issue 17, item 2).

use crate::helpers::*;
use app::domain::access::Role;
use app::domain::dimension::Dimension;
use app::domain::query::percent_encode;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

/// Every string that marks the other partner's data.
const FOREIGN: &str = "initech";

async fn seed(app: &TestApp) {
    let mut rows = Vec::new();
    for (partner, seg, region) in [
        ("globex", "enterprise", "emea"),
        ("initech", "initech-seg", "initech-region"),
    ] {
        for (i, (kind, score)) in [
            ("nps", 9),
            ("csat", 4),
            ("pss", 5),
            ("pnps", 10),
            ("ces", 2),
        ]
        .into_iter()
        .enumerate()
        {
            let mut s = survey(&format!("{partner}-{i}"), kind, score, 1);
            s["partner_id"] = json!(partner);
            s["segment"] = json!(seg);
            s["region"] = json!(region);
            s["touchpoint"] = json!(format!("{partner}-touch"));
            s["product_category"] = json!(format!("{partner}-cat"));
            s["channel"] = json!("email");
            s["comment"] = json!(format!("The {partner} portal is slow"));
            rows.push(s);
        }
    }
    let r = app.post_surveys(&json!(rows)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .post(
            "/api/v1/partners",
            "application/json",
            json!([
                {"id": "globex", "name": "Globex Corporation", "signed_at": ts(100), "live_at": ts(90)},
                {"id": "initech", "name": "Initech Corp", "signed_at": ts(100), "live_at": ts(90)}
            ])
            .to_string(),
            Some(KEY),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .post(
            "/api/v1/tickets",
            "application/json",
            json!([
                {"id": "t-g", "channel": "email", "created_at": ts(2), "partner_id": "globex", "subject": "globex ticket"},
                {"id": "t-i", "channel": "email", "created_at": ts(2), "partner_id": "initech", "subject": "initech ticket"}
            ])
            .to_string(),
            Some(KEY),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
}

fn assert_clean(path: &str, status: StatusCode, text: &str) {
    assert!(
        status == StatusCode::OK || status == StatusCode::FORBIDDEN,
        "{path}: {status} {text}"
    );
    assert!(
        !text.to_lowercase().contains(FOREIGN),
        "{path} showed another partner's data: {text}"
    );
}

/// The query strings of the walk: a breakdown by each dimension, and an explicit filter.
fn queries() -> Vec<String> {
    let mut out = vec!["min_sample=1".to_string()];
    for d in Dimension::ALL {
        let d = d.as_str();
        out.push(format!("range=30d&by={d}&breakdown={d}&min_sample=1"));
        out.push(format!("by={d}&partner=globex&min_sample=1"));
    }
    out
}

/// The same breakdowns for each survey metric: the metric picks what the summary breaks
/// down, so the paths that show one metric are walked with every metric.
fn metric_queries() -> Vec<String> {
    let mut out = Vec::new();
    for d in Dimension::ALL {
        for metric in ["nps", "csat", "pss", "pnps", "ces"] {
            out.push(format!(
                "range=30d&by={d}&breakdown={d}&metric={metric}&min_sample=1",
                d = d.as_str()
            ));
        }
    }
    out
}

#[tokio::test]
async fn a_partner_account_never_sees_another_partner_on_any_read_path() {
    let app = spawn().await;
    seed(&app).await;
    let me = app.session(Role::Partner, Some("globex")).await;
    // The walk must be able to fail: an analyst does see the other partner.
    let analyst = app.session(Role::Analyst, None).await;
    let all = app
        .call_get(
            "get_summary",
            Some(&analyst),
            &format!("query={}", percent_encode("by=partner&min_sample=1")),
        )
        .await;
    assert!(all.text.contains(FOREIGN), "{}", all.text);

    let functions = [
        "get_summary",
        "get_support_page",
        "get_ticket_list",
        "get_voice_page",
        "get_partners_page",
        "get_journey_page",
        "get_commerce_page",
    ];
    let api = [
        "/api/v1/metrics/nps",
        "/api/v1/metrics/pss",
        "/api/v1/metrics/csat",
        "/api/v1/support",
        "/api/v1/tickets",
        "/api/v1/feedback",
        "/api/v1/keywords",
        "/api/v1/sentiment",
        "/api/v1/social",
        "/api/v1/partners",
        "/api/v1/partners/globex",
        "/api/v1/orders/summary",
        "/api/v1/journey",
        "/api/v1/commerce",
    ];
    let pages = ["/", "/support", "/voice", "/partners", "/partners/globex"];
    for q in metric_queries() {
        let r = app
            .call_get(
                "get_summary",
                Some(&me),
                &format!("query={}", percent_encode(&q)),
            )
            .await;
        assert_clean(&format!("get_summary?{q}"), r.status, &r.text);
        for path in ["/", "/api/v1/metrics/nps", "/api/v1/metrics/pss"] {
            let url = format!("{path}?{q}");
            let r = app.get_with(&url, &me).await;
            assert_clean(&url, r.status, &r.text);
        }
    }
    for q in queries() {
        for f in functions {
            let r = app
                .call_get(f, Some(&me), &format!("query={}", percent_encode(&q)))
                .await;
            assert_clean(&format!("{f}?{q}"), r.status, &r.text);
        }
        let detail = app
            .call_get(
                "get_partner_detail",
                Some(&me),
                &format!("id=globex&query={}", percent_encode(&q)),
            )
            .await;
        assert_clean(
            &format!("get_partner_detail?{q}"),
            detail.status,
            &detail.text,
        );
        for path in api.iter().chain(pages.iter()) {
            let url = format!("{path}?{q}");
            let r = app.get_with(&url, &me).await;
            assert_clean(&url, r.status, &r.text);
        }
    }

    // A share link the partner makes, opened by anyone, is just as narrow.
    for q in [
        "by=partner&min_sample=1",
        "by=segment&metric=pss&min_sample=1",
    ] {
        let r = app
            .call(
                "create_share_link",
                Some(&me),
                &format!("path=%2F&query={}&label=Mine&days=7", percent_encode(q)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let url = r.json()["url"].as_str().expect("a url").to_string();
        let opened = app
            .send_raw(Request::get(&url).body(Body::empty()).expect("request"))
            .await;
        let cookie = named_cookie(&opened, "sr_share").expect("share cookie");
        for read in [
            format!("/?{q}"),
            format!("/api/fn/get_summary?query={}", percent_encode(q)),
        ] {
            let r = app.get_with(&read, &cookie).await;
            assert_clean(&url, r.status, &r.text);
        }
    }
    // A crafted request for the other partner is a refusal that names nothing.
    let r = app
        .send(
            Request::get("/api/v1/partners/initech")
                .header(header::COOKIE, &me)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
