// The tables of ratify, shared by both backends (see diesel.toml and migrations/).

diesel::table! {
    agreements (id) {
        id -> Integer,
        slug -> Text,
        title -> Text,
        starts_on -> Date,
        decision_period_ends_on -> Date,
        majority_threshold -> Integer,
        region_required -> Bool,
        legal_force_required -> Bool,
        appeal_period_days -> Integer,
        short_title -> Text,
        majority_rule -> Text,
    }
}

diesel::table! {
    agreement_parties (agreement_id, party_code) {
        agreement_id -> Integer,
        party_code -> Text,
    }
}

diesel::table! {
    agreement_changes (agreement_id) {
        agreement_id -> Integer,
        counter -> BigInt,
    }
}

diesel::table! {
    instruments (id) {
        id -> Integer,
        agreement_id -> Integer,
        slug -> Text,
        title -> Text,
        position -> Integer,
    }
}

diesel::table! {
    parties (code) {
        code -> Text,
        name -> Text,
        kind -> Text,
        subregion -> Nullable<Text>,
        population -> Integer,
        population_year -> Integer,
        county_code -> Nullable<Text>,
    }
}

diesel::table! {
    events (id) {
        id -> Integer,
        agreement_id -> Integer,
        party_code -> Text,
        status -> Text,
        body -> Nullable<Text>,
        decided_on -> Nullable<Date>,
        planned_on -> Nullable<Date>,
        reference -> Nullable<Text>,
        protocol_url -> Nullable<Text>,
        posted_on -> Nullable<Date>,
        note -> Nullable<Text>,
        corrects -> Nullable<Integer>,
        instruments -> Nullable<Text>,
        recorded_by -> Text,
        recorded_at -> Timestamp,
        withdrawal -> Bool,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Integer,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    data_changes (id) {
        id -> Integer,
        counter -> BigInt,
    }
}

diesel::joinable!(events -> parties (party_code));
diesel::joinable!(events -> agreements (agreement_id));
diesel::joinable!(instruments -> agreements (agreement_id));

diesel::joinable!(agreement_parties -> agreements (agreement_id));
diesel::joinable!(agreement_parties -> parties (party_code));

diesel::allow_tables_to_appear_in_same_query!(
    agreements,
    instruments,
    parties,
    events,
    api_tokens,
    agreement_parties,
    agreement_changes
);

diesel::table! {
    reports (id) {
        id -> Integer,
        number -> Integer,
        iso_week -> Text,
        as_of -> Date,
        generated_at -> Timestamp,
        cutoff -> Timestamp,
        data -> Text,
        html -> Text,
        text -> Text,
        sent_at -> Nullable<Timestamp>,
        agreement_id -> Integer,
    }
}

// Migration 2026-12-02-000200_reports_per_agreement.
diesel::table! {
    agreement_report_settings (agreement_id) {
        agreement_id -> Integer,
        enabled -> Bool,
        schedule -> Text,
        webhooks -> Text,
        emails -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    report_deliveries (id) {
        id -> Integer,
        report_id -> Integer,
        channel -> Text,
        recipient -> Text,
        idempotency_key -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        retry_until -> Timestamp,
        claimed_at -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    report_delivery_attempts (id) {
        id -> Integer,
        delivery_id -> Integer,
        attempt -> Integer,
        started_at -> Timestamp,
        finished_at -> Timestamp,
        outcome -> Text,
        detail -> Nullable<Text>,
    }
}

diesel::joinable!(report_deliveries -> reports (report_id));
diesel::joinable!(report_delivery_attempts -> report_deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(reports, report_deliveries, report_delivery_attempts);
diesel::joinable!(reports -> agreements (agreement_id));
diesel::allow_tables_to_appear_in_same_query!(reports, agreements, agreement_report_settings);

// Staff workspace (migration 2026-11-26-000100_staff).

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        active -> Bool,
        must_change_password -> Bool,
        session_version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Integer,
        username -> Text,
        client_addr -> Text,
        outcome -> Text,
        attempted_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        details -> Text,
        client_addr -> Nullable<Text>,
    }
}

diesel::table! {
    csv_uploads (id) {
        id -> Text,
        user_id -> Integer,
        filename -> Text,
        content -> Text,
        uploaded_at -> Timestamp,
        committed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Facts about this database as a whole, e.g. `demo` (it holds the fictional history of `ratify demo`).
    instance_flags (name) {
        name -> Text,
        set_at -> Timestamp,
    }
}

diesel::table! {
    /// Staff sessions held on the server (the cookie names a row); see `admin::session`.
    staff_sessions (id) {
        id -> Text,
        user_id -> Integer,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Secrets kept for every instance of this database, e.g. the generated `session_key`.
    instance_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}
