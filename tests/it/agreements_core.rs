//! Two agreements on one instance: each evaluated over its own parties with its own rules, and
//! a write to one leaves the other's cached answers alone.

use serde_json::json;

use crate::both_backends;
use crate::support::{second_agreement, TestApp};
use ratify::ratification::Threshold;

fn adopted() -> serde_json::Value {
    json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-02", "reference": "KF § 1"})
}

async fn a_write_to_the_featured_agreement_leaves_the_other_agreement_alone(app: TestApp) {
    let fyrbodal = [
        "1421", "1427", "1430", "1435", "1438", "1439", "1460", "1461", "1484", "1485", "1486", "1487", "1488", "1492",
    ];
    let new = second_agreement("fyrbodal-test", &fyrbodal, Threshold::MORE_THAN_HALF);
    let id = app.add_agreement(&new);
    let before = app.state.generations().of(id);
    let token = app.token("t");
    app.record(&token, "1430", adopted()).await;
    assert_eq!(app.state.generations().of(id), before, "a hos-2027 write does not touch fyrbodal-test");
    // The featured agreement still shows exactly its 50 parties.
    let status = app.get_json("/api/v1/status?as_of=2026-12-01", 200).await;
    assert_eq!(status["municipalities_total"], 49, "{status}");
    // The other agreement: 14 municipalities, more than half = 8; nothing recorded for it.
    let snapshot = app
        .db
        .read_blocking(|c| ratify::snapshot::Snapshot::load(c, id).map_err(ratify::db::DbError::from))
        .expect("snapshot");
    assert_eq!(snapshot.parties.len(), 14);
    assert!(snapshot.events.is_empty(), "the hos-2027 event is not fyrbodal-test's");
    let eval = snapshot.evaluate("2026-12-01".parse().expect("date"));
    assert_eq!((eval.municipalities_total, eval.majority.required, eval.municipalities_adopted), (14, 8, 0));
}

async fn an_agreement_is_defined_once_and_its_rules_are_fixed_once_it_has_events(app: TestApp) {
    let new = second_agreement("tva-test", &["1401", "1402", "1407"], Threshold::Count(2));
    let id = app.add_agreement(&new);
    let again = app.db.write_blocking(|c| {
        ratify::agreement::define::define(c, &new).map_err(|e| ratify::db::DbError::Migration(e.to_string()))
    });
    assert_eq!(again.expect("same again"), ratify::agreement::define::Defined::Unchanged(id));
    // An event of it, written the way every face writes (no page involved here).
    let agreement = app
        .db
        .read_blocking(|c| ratify::agreement::load_by_id(c, id).map_err(ratify::db::DbError::from))
        .expect("load");
    let writer = ratify::events::store::Writer { name: "test".into(), client_addr: None };
    let raw = ratify::events::validate::raw_from_json(&adopted()).expect("raw");
    app.db
        .write_blocking(|c| {
            ratify::events::store::record_in(
                c,
                &agreement,
                "1401",
                &raw,
                &writer,
                ratify::clock::today(),
                ratify::events::validate::Audience::Api,
            )
            .map_err(|e| ratify::db::DbError::Migration(e.to_string()))
        })
        .expect("recorded");
    // 1480 is in the registry but not in this agreement.
    let refused = app.db.write_blocking(|c| {
        ratify::events::store::record_in(
            c,
            &agreement,
            "1480",
            &raw,
            &writer,
            ratify::clock::today(),
            ratify::events::validate::Audience::Api,
        )
        .map_err(|e| ratify::db::DbError::Migration(e.to_string()))
    });
    let message = refused.expect_err("not a party of it").to_string();
    assert!(message.contains("Göteborg") && message.contains("ingår inte i avtalet"), "{message}");
    let changed = ratify::agreement::define::NewAgreement {
        rules: ratify::ratification::RuleConfig { majority_threshold: Threshold::Count(3), ..new.rules.clone() },
        ..new.clone()
    };
    let refused = app.db.write_blocking(|c| {
        ratify::agreement::define::define(c, &changed).map_err(|e| ratify::db::DbError::Migration(e.to_string()))
    });
    let message = refused.expect_err("rules fixed").to_string();
    assert!(message.contains("reglerna"), "{message}");
    let reworded = ratify::agreement::define::NewAgreement { title: "Nytt namn".into(), ..new.clone() };
    let updated = app.db.write_blocking(|c| {
        ratify::agreement::define::define(c, &reworded).map_err(|e| ratify::db::DbError::Migration(e.to_string()))
    });
    assert_eq!(updated.expect("title may change"), ratify::agreement::define::Defined::Updated(id));
}

both_backends!(
    a_write_to_the_featured_agreement_leaves_the_other_agreement_alone,
    an_agreement_is_defined_once_and_its_rules_are_fixed_once_it_has_events
);

fn snapshot_loads(app: &TestApp, how: &str) -> u64 {
    let text = app.state.metrics.encode();
    let line = format!("ratify_snapshot_loads_total{{how=\"{how}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&line))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line} in\n{text}"))
}

async fn a_write_is_applied_to_the_held_snapshot_not_reloaded(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "1401", adopted()).await;
    assert_eq!(app.get("/").await.status(), 200);
    let (full, appended) = (snapshot_loads(&app, "full"), snapshot_loads(&app, "appended"));
    assert!(full >= 1, "the first page loads the log");
    app.record(&token, "1402", adopted()).await;
    let status = app.get_json("/api/v1/status?as_of=2026-12-01", 200).await;
    assert_eq!(status["municipalities_adopted"], 2, "the write shows at once: {status}");
    assert_eq!(snapshot_loads(&app, "full"), full, "not read whole again");
    assert_eq!(snapshot_loads(&app, "appended"), appended + 1, "the new event appended");
    // A held log that misses an event below the newest (a late commit on PostgreSQL) is not
    // patched up: the count tells, and the caller reads it whole.
    let agreement_id = app.state.catalogue().await.expect("catalogue").featured().id;
    let held = app
        .db
        .read_blocking(|c| ratify::snapshot::Snapshot::load(c, agreement_id).map_err(ratify::db::DbError::from))
        .expect("snapshot");
    let first = held.events.iter().next().map(|e| e.id).expect("an event");
    let missing_one = held.with_events(held.events.iter().filter(|e| e.id != first).cloned().collect());
    let refreshed =
        app.db.read_blocking(|c| missing_one.refreshed(c).map_err(ratify::db::DbError::from)).expect("read");
    assert!(refreshed.is_none(), "a gap is not patched");
    let refreshed = app.db.read_blocking(|c| held.refreshed(c).map_err(ratify::db::DbError::from)).expect("read");
    assert_eq!(refreshed.map(|s| s.events.len()), Some(held.events.len()), "nothing new: the same log");
    // The agreement's change counter is its number of events (what the check above reads).
    let counted = app.db.read_blocking(|c| ratify::events::count(c, agreement_id).map_err(ratify::db::DbError::from));
    assert_eq!(counted.expect("count"), held.events.len() as i64);
}

async fn every_write_path_counts_its_events_once_committed(app: TestApp) {
    let recorded = |app: &TestApp| {
        let text = app.state.metrics.encode();
        text.lines()
            .find_map(|l| l.strip_prefix("ratify_events_recorded_total "))
            .and_then(|n| n.parse::<u64>().ok())
            .expect("the counter")
    };
    assert_eq!(recorded(&app), 0);
    let token = app.token("t");
    app.record(&token, "1401", adopted()).await;
    assert_eq!(recorded(&app), 1, "the API");
    // A refused event stores nothing and counts nothing.
    let refused = app.post_event(&token, "1402", &json!({"status": "adopted"})).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(recorded(&app), 1);
    // The same path the staff form and the import take, with two events in one transaction.
    let agreement = app.state.catalogue().await.expect("catalogue").featured().clone();
    let raw = ratify::events::validate::raw_from_json(&adopted()).expect("raw");
    ratify::events::write::commit(&app.state, move |c| {
        let writer = ratify::events::store::Writer { name: "test".into(), client_addr: None };
        for code in ["1402", "1407"] {
            ratify::events::store::record_in(
                c,
                &agreement,
                code,
                &raw,
                &writer,
                ratify::clock::today(),
                ratify::events::validate::Audience::Staff,
            )
            .map_err(|e| ratify::db::DbError::Migration(e.to_string()))?;
        }
        Ok::<_, ratify::db::DbError>(())
    })
    .await
    .expect("committed");
    assert_eq!(recorded(&app), 3);
    assert_eq!(app.get_json("/api/v1/status?as_of=2026-12-01", 200).await["municipalities_adopted"], 3);
}

both_backends!(every_write_path_counts_its_events_once_committed);

both_backends!(a_write_is_applied_to_the_held_snapshot_not_reloaded);
