//! Report settings per agreement. The featured agreement's are the configuration's
//! (RATIFY_REPORT_*); every other agreement's are a row of `agreement_report_settings`, edited by
//! admins on /admin/rapporter and checked with the configuration's own parsers. An agreement with
//! no row sends no reports. Secrets and the mail relay (RATIFY_WEBHOOK_SECRET, RATIFY_SMTP_*) are
//! the installation's and shared by all.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::config::{self, ReportConfig};
use super::schedule::Schedule;
use crate::agreement::Agreement;
use crate::db::schema::agreement_report_settings as ars;
use crate::db::DbConn;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementSettings {
    pub enabled: bool,
    pub schedule: Schedule,
    pub webhooks: Vec<String>,
    pub emails: Vec<String>,
}

/// What the staff form sends, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub enabled: Option<String>,
    #[serde(default)]
    pub schedule: String,
    #[serde(default)]
    pub webhooks: String,
    #[serde(default)]
    pub emails: String,
}

/// A field's error, for beside the field: `field` is the form's name, `label` its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub label: &'static str,
    pub message: String,
}

pub const LABEL_SCHEDULE: &str = "Schema";
pub const LABEL_WEBHOOKS: &str = "Webhookadresser";
pub const LABEL_EMAILS: &str = "E-postadresser";

/// Checks the form like the configuration is checked; every field's error at once.
pub fn parse(form: &SettingsForm, base: &ReportConfig) -> Result<AgreementSettings, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail = |field, label, message: String| errors.push(FieldError { field, label, message });
    let schedule = match form.schedule.trim() {
        "" => Schedule::default(),
        s => s.parse::<Schedule>().unwrap_or_else(|e| {
            fail("schedule", LABEL_SCHEDULE, e.to_string());
            Schedule::default()
        }),
    };
    let webhooks = config::parse_webhooks(LABEL_WEBHOOKS, &form.webhooks).unwrap_or_else(|e| {
        fail("webhooks", LABEL_WEBHOOKS, e.message);
        Vec::new()
    });
    if !webhooks.is_empty() && base.webhook_secret.is_none() {
        fail(
            "webhooks",
            LABEL_WEBHOOKS,
            "kan inte användas: tjänsten har ingen nyckel för att signera webhooks (RATIFY_WEBHOOK_SECRET)".into(),
        );
    }
    let emails = config::parse_emails(LABEL_EMAILS, &form.emails).unwrap_or_else(|e| {
        fail("emails", LABEL_EMAILS, e.message);
        Vec::new()
    });
    if !emails.is_empty() && base.smtp.is_none() {
        fail(
            "emails",
            LABEL_EMAILS,
            "kan inte användas: tjänsten har ingen e-postserver inställd (RATIFY_SMTP_URL)".into(),
        );
    }
    if errors.is_empty() {
        Ok(AgreementSettings { enabled: form.enabled.is_some(), schedule, webhooks, emails })
    } else {
        Err(errors)
    }
}

type Row = (bool, String, String, String);

fn from_row((enabled, schedule, webhooks, emails): Row) -> AgreementSettings {
    let split = |s: &str| s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    AgreementSettings {
        enabled,
        // Stored only after it parsed; a row edited by hand to nonsense falls back to the default.
        schedule: schedule.parse().unwrap_or_default(),
        webhooks: split(&webhooks),
        emails: split(&emails),
    }
}

/// The stored settings of `agreement_id`, if any.
pub fn load(conn: &mut DbConn, agreement_id: i32) -> QueryResult<Option<AgreementSettings>> {
    ars::table
        .filter(ars::agreement_id.eq(agreement_id))
        .select((ars::enabled, ars::schedule, ars::webhooks, ars::emails))
        .first::<Row>(conn)
        .optional()
        .map(|r| r.map(from_row))
}

/// Every agreement that has stored settings, with them.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<(i32, AgreementSettings)>> {
    Ok(ars::table
        .select((ars::agreement_id, (ars::enabled, ars::schedule, ars::webhooks, ars::emails)))
        .order(ars::agreement_id.asc())
        .load::<(i32, Row)>(conn)?
        .into_iter()
        .map(|(id, r)| (id, from_row(r)))
        .collect())
}

/// Stores `agreement_id`'s settings (an upsert).
pub fn save(
    conn: &mut DbConn,
    agreement_id: i32,
    s: &AgreementSettings,
    actor: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let values = (
        ars::enabled.eq(s.enabled),
        ars::schedule.eq(s.schedule.to_string()),
        ars::webhooks.eq(s.webhooks.join(",")),
        ars::emails.eq(s.emails.join(",")),
        ars::updated_at.eq(now.naive_utc()),
        ars::updated_by.eq(actor),
    );
    // Update, else insert: the multi-backend connection has no ON CONFLICT; the caller's write
    // transaction makes the pair one step.
    let updated =
        diesel::update(ars::table.filter(ars::agreement_id.eq(agreement_id))).set(values.clone()).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(ars::table).values((ars::agreement_id.eq(agreement_id), values)).execute(conn)?;
    }
    // Who changed where an agreement's reports go, and to what: in the audit trail, in the same
    // transaction.
    let slug: String = crate::db::schema::agreements::table
        .filter(crate::db::schema::agreements::id.eq(agreement_id))
        .select(crate::db::schema::agreements::slug)
        .first(conn)?;
    let list = |items: &[String]| if items.is_empty() { "inga".to_string() } else { items.join(", ") };
    let details = format!(
        "Rapportinställningar i avtalet {slug}: {}, schema {}, {} webhookadresser (visas inte: de kan bära nycklar), e-post {}.",
        if s.enabled { "på" } else { "av" },
        s.schedule,
        s.webhooks.len(),
        list(&s.emails)
    );
    crate::audit::record(conn, actor, crate::audit::Action::ReportSettingsChange, &details, None)?;
    Ok(())
}

/// The settings `agreement`'s reports go by: the configuration itself for the featured agreement
/// (`featured_slug`), otherwise the configuration with the agreement's schedule, recipients and
/// on/off (off when it has none stored).
pub fn config_for(
    base: &ReportConfig,
    featured_slug: &str,
    agreement: &Agreement,
    stored: Option<&AgreementSettings>,
) -> ReportConfig {
    if agreement.slug == featured_slug {
        return base.clone();
    }
    let mut c = base.clone();
    match stored {
        Some(s) => {
            c.enabled = s.enabled;
            c.schedule = s.schedule;
            c.webhooks = s.webhooks.clone();
            c.emails = s.emails.clone();
        }
        None => {
            c.enabled = false;
            c.webhooks = Vec::new();
            c.emails = Vec::new();
        }
    }
    c
}
