//! `ratify report generate [--week W] [--avtal SLUG]` and
//! `ratify report send [--week W] [--avtal SLUG] [--dry-run]`. Without `--avtal`, the featured
//! agreement's report (hos-2027) with the configured recipients; another agreement's goes to the
//! recipients set for it on the staff reports page.

use clap::Subcommand;

use super::config::ReportConfig;
use super::delivery::outbox::State;
use super::delivery::Deliverer;
use super::render::html::week_label;
use super::render::sv;
use super::service;
use super::week::IsoWeek;
use super::worker::new_worker_id;
use crate::agreement::Agreement;
use crate::db::Db;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Generate (or refresh the draft of) a week's report and print it as text; a sent report is
    /// shown as it was sent, never regenerated.
    Generate {
        /// ISO week, e.g. 2026-W48 (default: the current week).
        #[arg(long)]
        week: Option<IsoWeek>,
        /// The agreement, by its slug (default: hos-2027).
        #[arg(long)]
        avtal: Option<String>,
    },
    /// Send a week's report to the configured webhooks and e-mail recipients (once per
    /// recipient; sending again sends it to recipients configured since, and retries what has not
    /// been delivered).
    Send {
        /// ISO week, e.g. 2026-W48 (default: the current week).
        #[arg(long)]
        week: Option<IsoWeek>,
        /// The agreement, by its slug (default: hos-2027).
        #[arg(long)]
        avtal: Option<String>,
        /// Show what would be sent, and to whom, without storing or sending anything.
        #[arg(long)]
        dry_run: bool,
    },
}

/// The agreement `slug` names (default: the featured one) and the settings its reports go by.
fn agreement_and_config(
    db: &Db,
    config: &ReportConfig,
    slug: Option<&str>,
) -> Result<(Agreement, ReportConfig), String> {
    let slug = slug.unwrap_or(&config.featured_agreement);
    db.read_blocking(|c| {
        let agreement = match crate::agreement::load(c, slug) {
            Ok(a) => a,
            Err(diesel::result::Error::NotFound) => return Ok(Err(format!("det finns inget avtal {slug}"))),
            Err(e) => return Err(super::ReportError::from(e)),
        };
        let stored = super::settings::load(c, agreement.id)?;
        let config = super::settings::config_for(config, &config.featured_agreement, &agreement, stored.as_ref());
        Ok(Ok((agreement, config)))
    })
    .map_err(|e| e.to_string())?
}

/// Runs a report command on an opened, migrated database. Returns what to print on stdout.
pub fn run(db: &Db, config: &ReportConfig, command: ReportCommand) -> Result<String, String> {
    let now = crate::clock::now();
    match command {
        ReportCommand::Generate { week, avtal } => {
            let (agreement, _) = agreement_and_config(db, config, avtal.as_deref())?;
            let week = week.unwrap_or_else(|| service::current_week(now));
            let r =
                db.write_blocking(|c| service::generate_for(c, &agreement, week, now)).map_err(|e| e.to_string())?;
            let deliveries = db
                .read_blocking(|c| super::store::delivery_count(c, r.id).map_err(super::ReportError::from))
                .map_err(|e| e.to_string())?;
            let frozen_at = sv::date_time(r.sent_at.unwrap_or(r.generated_at));
            let what = match (r.is_sent(), deliveries) {
                (false, _) => "är sparad som utkast".to_string(),
                // Frozen, but nobody was configured: it goes to whoever is configured later.
                (true, 0) => {
                    format!("är sparad {frozen_at} men inte skickad: inga mottagare var inställda. Den ändras inte")
                }
                (true, _) => format!("är skickad {frozen_at} och ändras inte"),
            };
            eprintln!(
                "Rapport nr {} för vecka {} (läget {}) {what}.",
                r.number,
                week_label(&r.week),
                sv::date(r.as_of)
            );
            Ok(r.text)
        }
        ReportCommand::Send { week, avtal, dry_run } => {
            let (agreement, config) = agreement_and_config(db, config, avtal.as_deref())?;
            let config = &config;
            let week = week.unwrap_or_else(|| service::current_week(now));
            let recipients = config.recipients();
            if dry_run {
                // The same question the send answers: who has no delivery of this week's report.
                let (plan, text) = db
                    .read_blocking(|c| {
                        let plan = service::recipient_plan_in(c, agreement.id, week, &recipients)?;
                        let text = match &plan.frozen {
                            Some(r) => r.text.clone(),
                            None => service::build_in(c, &agreement, week, now)?.text,
                        };
                        Ok::<_, super::ReportError>((plan, text))
                    })
                    .map_err(|e| e.to_string())?;
                eprintln!("Provkörning: inget sparas och inget skickas.");
                if recipients.is_empty() {
                    eprintln!("Inga mottagare är inställda (RATIFY_REPORT_WEBHOOKS, RATIFY_REPORT_EMAILS).");
                }
                for (channel, to, state) in &plan.already {
                    let what = match state {
                        State::Delivered => "Redan skickad till",
                        State::Failed => "Misslyckades tidigare till (skickas igen bara av personalen)",
                        State::Pending | State::Sending => "Redan i kön till",
                    };
                    eprintln!("{what} {} {to}", channel.label_sv());
                }
                for (channel, to) in &plan.to_send {
                    eprintln!("Skulle skickas till {} {to}", channel.label_sv());
                }
                return Ok(text);
            }
            let actor = crate::audit::CLI_ACTOR;
            let released = service::release_for(db, &agreement, week, &recipients, config.retry_for, actor, None, now)
                .map_err(|e| e.to_string())?;
            let deliverer = Deliverer::new(config).map_err(|e| e.to_string())?;
            let pool = db.clone();
            let worker = new_worker_id();
            let summary = actix_web::rt::System::new()
                .block_on(async move { service::deliver_due(&pool, &deliverer, &worker, config.retry_base).await })
                .map_err(|e| e.to_string())?;
            let r = &released.report;
            let (number, week) = (r.number, week_label(&r.week));
            let reached = db.read_blocking(|c| super::store::delivery_count(c, r.id).map_err(super::ReportError::from));
            let reached = reached.map_err(|e| e.to_string())?;
            let head = if recipients.is_empty() && reached > 0 {
                format!(
                    "Rapport nr {number} för vecka {week} var redan skickad till {reached} mottagare; inga mottagare \
                     är inställda nu (RATIFY_REPORT_WEBHOOKS, RATIFY_REPORT_EMAILS)."
                )
            } else if recipients.is_empty() {
                // Stored and frozen, but sent to nobody: it goes to whoever is configured later.
                format!(
                    "Rapport nr {number} för vecka {week} är sparad men inte skickad: inga mottagare är inställda \
                     (RATIFY_REPORT_WEBHOOKS, RATIFY_REPORT_EMAILS). Den skickas till dem som ställs in senare."
                )
            } else if released.newly_sent {
                format!("Rapport nr {number} för vecka {week} är skickad till {} mottagare.", released.enqueued)
            } else if released.enqueued > 0 {
                format!(
                    "Rapport nr {number} för vecka {week} var redan sparad; den skickas nu till {} mottagare som \
                     inte fått den.",
                    released.enqueued
                )
            } else {
                format!(
                    "Rapport nr {number} för vecka {week} var redan skickad till alla inställda mottagare; endast \
                     väntande leveranser försöktes."
                )
            };
            Ok(format!(
                "{head}\nLevererade nu: {}, försöks igen senare: {}, misslyckade: {}.\n",
                summary.delivered, summary.retrying, summary.failed
            ))
        }
    }
}
