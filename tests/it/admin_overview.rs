//! GET /admin: statuses, filters, and the parties that need attention.

use ratify::accounts::Role;
use serde_json::json;

use crate::admin_support::{user, Staff};
use crate::support::TestApp;

fn days_from_today(n: i64) -> String {
    (chrono::Utc::now().with_timezone(&chrono_tz::Europe::Stockholm).date_naive() + chrono::Duration::days(n))
        .to_string()
}

/// The part of the overview between two headings.
fn section<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let a = html.find(from).expect(from);
    let b = html[a..].find(to).map(|i| a + i).unwrap_or(html.len());
    &html[a..b]
}

/// Moves the agreement's start far ahead: meetings planned after the start need attention, and
/// this test's meetings 20 and 30 days ahead must stay before it whenever it runs.
fn agreement_starts_later(app: &TestApp) {
    use diesel::prelude::*;
    use ratify::db::schema::agreements;
    let mut conn = app.db.conn().expect("connection");
    let later = chrono::NaiveDate::from_ymd_opt(2099, 1, 1).expect("date");
    let n = diesel::update(agreements::table.filter(agreements::slug.eq(ratify::agreement::DEFAULT_FEATURED)))
        .set(agreements::starts_on.eq(later))
        .execute(&mut *conn)
        .expect("move the agreement's start");
    assert_eq!(n, 1);
}

async fn overview_filters_and_attention(app: TestApp) {
    agreement_starts_later(&app);
    let token = app.token("t");
    app.record(
        &token,
        "1480",
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 45"}),
    )
    .await;
    app.record(&token, "1490", json!({"status": "scheduled", "body": "KF", "planned_on": days_from_today(-3)})).await;
    app.record(&token, "1401", json!({"status": "scheduled", "body": "KF", "planned_on": days_from_today(20)})).await;
    app.record(
        &token,
        "14",
        json!({"status": "adopted", "body": "RF", "decided_on": "2026-04-14", "protocol_url": "https://vgregion.se/p.pdf"}),
    )
    .await;
    // 1407 Öckerö: scheduled in the past, but the outcome is recorded.
    app.record(&token, "1407", json!({"status": "scheduled", "body": "KF", "planned_on": "2026-03-01"})).await;
    app.record(&token, "1407", json!({"status": "tabled", "body": "KF", "decided_on": "2026-03-01"})).await;
    app.record(&token, "1407", json!({"status": "scheduled", "body": "KF", "planned_on": days_from_today(30)})).await;
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let html = s.page("/admin").await;
    let attention = section(&html, "id=\"uppmarksamma\"", "</main>");
    assert!(attention.contains("Behöver uppmärksamhet (47)"), "{attention}");
    let row = |name: &str| {
        let at = attention.find(&format!(">{name}</a>")).unwrap_or_else(|| panic!("{name} needs attention"));
        &attention[at..at + attention[at..].find("</tr>").unwrap()]
    };
    assert!(row("Göteborg").contains("saknar länk till protokollet"));
    assert!(row("Borås").contains("planerades till") && row("Borås").contains("inget utfall"));
    assert!(row("Ale").contains("Inget beslut planerat"));
    for calm in [">Härryda<", ">Västra Götalandsregionen<", ">Öckerö<"] {
        assert!(!attention.contains(calm), "{calm} needs no attention");
    }
    let parties = section(&html, "id=\"parter\"", "</table>");
    assert!(parties.contains("Parter (50)"));
    assert!(parties.contains("KF § 45") && parties.contains("av api:t"), "latest decision and who changed it");
    let sjuharad = s.page("/admin?delregion=Sjuh%C3%A4rad").await;
    assert!(section(&sjuharad, "id=\"parter\"", "</table>").contains("Parter (8)"));
    // The filters narrow the attention list too (Borås is in Sjuhärad, its 7 others have no plan).
    let narrowed = section(&sjuharad, "id=\"uppmarksamma\"", "</main>");
    assert!(narrowed.contains("Behöver uppmärksamhet (8)") && narrowed.contains(">Borås</a>"), "{narrowed}");
    assert!(!narrowed.contains(">Göteborg</a>"));
    let adopted = s.page("/admin?status=adopted").await;
    let adopted = section(&adopted, "id=\"parter\"", "</table>");
    assert!(adopted.contains("Parter (2)") && adopted.contains("Göteborg") && !adopted.contains("Borås"));
    assert!(section(&s.page("/admin?delregion=regionen").await, "id=\"parter\"", "</table>").contains("Parter (1)"));
    assert!(section(&s.page("/admin?delregion=&status=").await, "id=\"parter\"", "</table>").contains("Parter (50)"));
    assert_eq!(s.get("/admin?status=klart").await.status().as_u16(), 400);
    assert_eq!(s.get("/admin?delregion=Halland").await.status().as_u16(), 400);
}

crate::both_backends!(overview_filters_and_attention);
