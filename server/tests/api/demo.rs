//! Demo mode never touches a real store (issue 17, item 1).

use crate::helpers::*;
use app::domain::access::Role;
use axum::http::StatusCode;
use server::clock::now_ms;
use server::demo::startup::{self, DemoError};
use server::store::{settings, surveys, tickets, users};

async fn demo_password_signs_in(app: &TestApp, email: &str) -> bool {
    let r = app
        .send_raw(login_form(email, server::demo::DEMO_PASSWORD))
        .await;
    r.status == StatusCode::SEE_OTHER && session_cookie(&r).is_some()
}

#[tokio::test]
async fn demo_mode_refuses_a_store_with_real_data_and_changes_nothing() {
    let app = spawn().await;
    let r = app
        .post_surveys(&serde_json::json!([survey("real-1", "nps", 9, 1)]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let refused = startup::prepare(&app.state, true, now_ms()).await;
    assert!(matches!(refused, Err(DemoError::RealData)), "{refused:?}");
    assert!(refused
        .err()
        .is_some_and(|e| e.to_string().contains("already holds data")));
    assert_eq!(surveys::count(&app.state.store).await.unwrap(), 1);
    assert_eq!(tickets::count(&app.state.store).await.unwrap(), 0);
    assert!(
        users::find_by_email(&app.state.store, "admin@demo.signalroom")
            .await
            .unwrap()
            .is_none()
    );
    assert!(!startup::is_demo_store(&app.state.store).await.unwrap());
}

#[tokio::test]
async fn an_account_or_a_key_alone_makes_a_store_real() {
    let with_key = spawn().await;
    assert!(settings::holds_data(&with_key.state.store).await.unwrap());
    assert!(matches!(
        startup::claim(&with_key.state.store).await,
        Err(DemoError::RealData)
    ));

    let with_account = spawn_without_key(|_| {}).await;
    with_account
        .state
        .auth
        .create_user(
            &with_account.state.store,
            "ops@example.com",
            "Ops",
            Role::Admin,
            None,
            PASSWORD,
        )
        .await
        .unwrap();
    assert!(matches!(
        startup::claim(&with_account.state.store).await,
        Err(DemoError::RealData)
    ));
}

#[tokio::test]
async fn an_entirely_empty_store_becomes_a_demo_store_once_for_the_whole_store() {
    let app = spawn_without_key(|_| {}).await;
    // The default alert rules every start writes are not data.
    assert!(!settings::holds_data(&app.state.store).await.unwrap());
    startup::claim(&app.state.store).await.unwrap();
    assert!(startup::is_demo_store(&app.state.store).await.unwrap());
    // Once a demo store, always one: its own data does not make it real.
    server::store::keys::ensure_key(&app.state.store, KEY, "test", now_ms())
        .await
        .unwrap();
    startup::claim(&app.state.store).await.unwrap();
}

#[tokio::test]
async fn a_start_without_demo_mode_deactivates_demo_accounts_left_in_a_real_store() {
    let app = spawn().await;
    // What an older release planted into a real store on every start.
    for (email, name, role, partner) in server::demo::DEMO_USERS {
        app.state
            .auth
            .create_user(
                &app.state.store,
                email,
                name,
                role,
                partner,
                server::demo::DEMO_PASSWORD,
            )
            .await
            .unwrap();
    }
    assert!(demo_password_signs_in(&app, "admin@demo.signalroom").await);

    let out = startup::prepare(&app.state, false, now_ms()).await.unwrap();
    assert!(!out.demo_store);
    assert_eq!(out.accounts_deactivated, 4);
    assert!(out.seeded.is_empty());
    assert!(!demo_password_signs_in(&app, "admin@demo.signalroom").await);
    assert!(!demo_password_signs_in(&app, "partner@demo.signalroom").await);
    assert_eq!(surveys::count(&app.state.store).await.unwrap(), 0);
}
