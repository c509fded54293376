//! Logging in, throttling, logging out, passwords and CSRF on the staff pages.

use ratify::accounts::Role;

use crate::admin_support::{audit_rows, location, user, Staff, PASSWORD};
use crate::support::TestApp;

async fn login_success_and_failure(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::anonymous(&app, None).await;
    let resp = s.try_login("anna", "fel lösenord här").await;
    assert_eq!(resp.status().as_u16(), 401);
    let body = resp.text().await.unwrap();
    assert!(body.contains("Fel användarnamn eller lösenord"), "{body}");
    assert!(body.contains("value=\"anna\""), "the user name is kept");
    assert_eq!(location(&s.get("/admin").await), "/admin/logga-in?next=%2Fadmin");
    // User names are not case-sensitive.
    let resp = s.try_login(" Anna ", PASSWORD).await;
    assert_eq!(resp.status().as_u16(), 303);
    assert_eq!(location(&resp), "/admin");
    let overview = s.page("/admin").await;
    assert!(overview.contains("Göteborg"), "the overview lists the parties");
    assert!(overview.contains("lang=\"sv\""));
    assert_eq!(audit_rows(&app, "login").len(), 1);
    assert_eq!(audit_rows(&app, "login.failed").len(), 1);
    let cookie = resp_cookie(&app).await;
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/admin"),
        "{cookie}"
    );
}

/// The Set-Cookie header of a login.
async fn resp_cookie(app: &TestApp) -> String {
    let s = Staff::anonymous(app, None).await;
    let resp = s.try_login("anna", PASSWORD).await;
    resp.headers().get("set-cookie").unwrap().to_str().unwrap().to_string()
}

async fn login_goes_back_to_the_page_asked_for_but_never_off_site(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::anonymous(&app, None).await;
    let resp = s
        .post("/admin/logga-in", &[("username", "anna"), ("password", PASSWORD), ("next", "/admin/parter/1480")])
        .await;
    assert_eq!(location(&resp), "/admin/parter/1480");
    let s = Staff::anonymous(&app, None).await;
    let resp = s
        .post("/admin/logga-in", &[("username", "anna"), ("password", PASSWORD), ("next", "//evil.example/admin")])
        .await;
    assert_eq!(location(&resp), "/admin");
}

async fn throttling_by_account(app: TestApp) {
    user(&app, "anna", Role::Editor);
    // Five failures from five addresses: the account is locked, not any address.
    for i in 0..5 {
        let s = Staff::anonymous(&app, Some(&format!("127.0.0.{}", 10 + i))).await;
        assert_eq!(s.try_login("anna", "inte rätt lösenord").await.status().as_u16(), 401);
    }
    let s = Staff::anonymous(&app, Some("127.0.0.20")).await;
    let resp = s.try_login("anna", PASSWORD).await;
    assert_eq!(resp.status().as_u16(), 429, "the 6th attempt is refused even with the right password");
    let body = resp.text().await.unwrap();
    assert!(body.contains("För många misslyckade inloggningsförsök"), "{body}");
    assert!(body.contains("15 minuter"), "{body}");
    assert_eq!(location(&s.get("/admin").await), "/admin/logga-in?next=%2Fadmin", "no session was made");
    // Another account from the same address is not affected.
    user(&app, "bertil", Role::Editor);
    Staff::login_from(&app, "bertil", Some("127.0.0.20")).await;
    assert_eq!(audit_rows(&app, "login.refused").len(), 1);
}

async fn throttling_by_address(app: TestApp) {
    user(&app, "bertil", Role::Editor);
    let s = Staff::anonymous(&app, Some("127.0.0.30")).await;
    for name in ["a1", "a2", "a3", "a4", "a5"] {
        assert_eq!(s.try_login(name, "gissning nummer ett").await.status().as_u16(), 401);
    }
    let resp = s.try_login("bertil", PASSWORD).await;
    assert_eq!(resp.status().as_u16(), 429);
    assert!(resp.text().await.unwrap().contains("spärrad i 15 minuter"));
    // The account itself is fine from another address.
    Staff::login_from(&app, "bertil", Some("127.0.0.31")).await;
}

async fn csrf_is_required_on_every_post(app: TestApp) {
    user(&app, "anna", Role::Editor);
    // Login itself: without the token, and with a wrong one.
    let s = Staff::anonymous(&app, None).await;
    let resp = s.post_raw("/admin/logga-in", &[("username", "anna"), ("password", PASSWORD)]).await;
    assert_eq!(resp.status().as_u16(), 403);
    let resp = s
        .post_raw("/admin/logga-in", &[("csrf", "0".repeat(64).as_str()), ("username", "anna"), ("password", PASSWORD)])
        .await;
    assert_eq!(resp.status().as_u16(), 403);
    assert!(audit_rows(&app, "login").is_empty());
    // A logged-in editor's event form.
    let s = Staff::login(&app, "anna").await;
    let fields = [("latest", ""), ("status", "in_preparation"), ("instruments", "avtal")];
    let resp = s.post_raw("/admin/parter/1480/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 403);
    assert!(resp.text().await.unwrap().contains("säkerhetsnyckel"));
    let mut wrong = vec![("csrf", "abc")];
    wrong.extend_from_slice(&fields);
    assert_eq!(s.post_raw("/admin/parter/1480/handelser", &wrong).await.status().as_u16(), 403);
    // A token from another session does not work either.
    let other = Staff::login(&app, "anna").await;
    let mut foreign = vec![("csrf", other.csrf.as_str())];
    foreign.extend_from_slice(&fields);
    assert_eq!(s.post_raw("/admin/parter/1480/handelser", &foreign).await.status().as_u16(), 403);
    assert_eq!(app.event_count().await, 0, "nothing stored");
    // The API with a bearer token needs no CSRF token.
    let token = app.token("t");
    app.record(&token, "1480", serde_json::json!({"status": "in_preparation"})).await;
}

async fn logout_ends_the_session(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let resp = s.post("/admin/logga-ut", &[]).await;
    assert_eq!(resp.status().as_u16(), 303);
    assert_eq!(location(&s.get("/admin").await), "/admin/logga-in?next=%2Fadmin");
    assert_eq!(audit_rows(&app, "logout").len(), 1);
}

async fn password_change(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let other = Staff::login(&app, "anna").await;
    let resp = s.post("/admin/losenord", &[("current", "fel"), ("new", "kort"), ("repeat", "kort")]).await;
    assert_eq!(resp.status().as_u16(), 422);
    let body = resp.text().await.unwrap();
    assert!(body.contains("nuvarande lösenordet stämmer inte") && body.contains("minst 12 tecken"), "{body}");
    let new = "ett helt nytt lösenord";
    let resp = s.post("/admin/losenord", &[("current", PASSWORD), ("new", new), ("repeat", new)]).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.text().await.unwrap().contains("Lösenordet är bytt"));
    s.page("/admin").await;
    // The other session of the account ended; the old password no longer works.
    assert_eq!(other.get("/admin").await.status().as_u16(), 303);
    let fresh = Staff::anonymous(&app, None).await;
    assert_eq!(fresh.try_login("anna", PASSWORD).await.status().as_u16(), 401);
    assert_eq!(fresh.try_login("anna", new).await.status().as_u16(), 303);
    assert_eq!(audit_rows(&app, "password.change").len(), 1);
}

async fn admin_made_passwords_must_be_changed_and_disabled_accounts_are_out(app: TestApp) {
    user(&app, "admin", Role::Admin);
    user(&app, "anna", Role::Editor);
    let admin = Staff::login(&app, "admin").await;
    let anna = Staff::login(&app, "anna").await;
    // Create an account: the password is shown once.
    let resp = admin.post("/admin/konton", &[("username", "Cecilia"), ("role", "editor")]).await;
    assert_eq!(resp.status().as_u16(), 200);
    let body = resp.text().await.unwrap();
    let at = body.find("class=\"secret\">").expect("the generated password is shown");
    let generated = body[at + 15..at + 15 + 23].to_string();
    let c = Staff::anonymous(&app, None).await;
    let resp = c.try_login("cecilia", &generated).await;
    assert_eq!(location(&resp), "/admin/losenord", "a generated password must be changed first");
    assert_eq!(location(&c.get("/admin").await), "/admin/losenord");
    // Reset anna's password: her session ends.
    let id = app.db.read_blocking(|conn| ratify::accounts::list(conn).map_err(ratify::db::DbError::from)).unwrap();
    let anna_id = id.iter().find(|u| u.username == "anna").unwrap().id;
    let resp = admin.post(&format!("/admin/konton/{anna_id}/losenord"), &[]).await;
    assert!(resp.text().await.unwrap().contains("class=\"secret\""));
    assert_eq!(anna.get("/admin").await.status().as_u16(), 303);
    // Disable anna: she cannot log in, even with the right password.
    let resp = admin.post(&format!("/admin/konton/{anna_id}/inaktivera"), &[]).await;
    assert_eq!(resp.status().as_u16(), 303);
    let html = admin.page("/admin/konton").await;
    assert!(html.contains("Inaktiverat"));
    // The admin cannot disable themself.
    let admin_id = id.iter().find(|u| u.username == "admin").unwrap().id;
    assert_eq!(admin.post(&format!("/admin/konton/{admin_id}/inaktivera"), &[]).await.status().as_u16(), 422);
    for action in ["account.create", "account.password_reset", "account.disable"] {
        assert_eq!(audit_rows(&app, action).len(), 1, "{action}");
    }
}

crate::both_backends!(
    login_success_and_failure,
    login_goes_back_to_the_page_asked_for_but_never_off_site,
    throttling_by_account,
    throttling_by_address,
    csrf_is_required_on_every_post,
    logout_ends_the_session,
    password_change,
    admin_made_passwords_must_be_changed_and_disabled_accounts_are_out,
);
