//! The agreement being ratified, its instruments (the main agreement and the four
//! överenskommelser, "sub-agreements") and its rule configuration.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{agreements, instruments};
use crate::db::DbConn;
use crate::ratification::RuleConfig;

/// The agreement this instance tracks.
pub const AGREEMENT_SLUG: &str = "hos-2027";

#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub decision_period_ends_on: NaiveDate,
    pub rules: RuleConfig,
    pub instruments: Vec<Instrument>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Instrument {
    pub slug: String,
    pub title: String,
}

impl Agreement {
    pub fn instrument_slugs(&self) -> Vec<String> {
        self.instruments.iter().map(|i| i.slug.clone()).collect()
    }
}

type AgreementRow = (i32, String, String, NaiveDate, NaiveDate, i32, bool, bool, i32);

/// Loads the agreement by slug with its instruments in their order.
pub fn load(conn: &mut DbConn, slug: &str) -> QueryResult<Agreement> {
    let (id, slug, title, starts_on, ends_on, threshold, region_required, legal_force, appeal_days): AgreementRow =
        agreements::table
            .filter(agreements::slug.eq(slug))
            .select((
                agreements::id,
                agreements::slug,
                agreements::title,
                agreements::starts_on,
                agreements::decision_period_ends_on,
                agreements::majority_threshold,
                agreements::region_required,
                agreements::legal_force_required,
                agreements::appeal_period_days,
            ))
            .first(conn)?;
    let instruments = instruments::table
        .filter(instruments::agreement_id.eq(id))
        .order(instruments::position.asc())
        .select((instruments::slug, instruments::title))
        .load::<Instrument>(conn)?;
    Ok(Agreement {
        id,
        slug,
        title,
        starts_on,
        decision_period_ends_on: ends_on,
        rules: RuleConfig {
            majority_threshold: u32::try_from(threshold).unwrap_or(0),
            region_required,
            legal_force_required: legal_force,
            appeal_period_days: u32::try_from(appeal_days).unwrap_or(0),
        },
        instruments,
    })
}
