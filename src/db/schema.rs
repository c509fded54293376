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

diesel::joinable!(events -> parties (party_code));
diesel::joinable!(events -> agreements (agreement_id));
diesel::joinable!(instruments -> agreements (agreement_id));

diesel::allow_tables_to_appear_in_same_query!(agreements, instruments, parties, events, api_tokens);

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
