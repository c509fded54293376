//! Agreements as data: each has a slug, titles, a start, a decision period, its instruments (for
//! hos-2027 the main agreement and four överenskommelser, "sub-agreements"), its parties (any
//! subset of the registry) and its rules. The instance shows one of them as the *featured*
//! agreement at today's URLs (`/`, `/api/v1/status`, …); every agreement has its own under
//! `/avtal/{slug}`.

pub mod catalogue;
pub mod cli;
pub mod define;
pub mod spec;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{agreement_parties, agreements, instruments};
use crate::db::DbConn;
use crate::ratification::{RuleConfig, Threshold};

pub use catalogue::Catalogue;

/// The agreement featured at today's URLs unless `RATIFY_FEATURED_AGREEMENT` names another.
pub const DEFAULT_FEATURED: &str = "hos-2027";

#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub id: i32,
    pub slug: String,
    pub title: String,
    /// For headings and links: "Hälso- och sjukvårdsavtalet".
    pub short_title: String,
    pub starts_on: NaiveDate,
    pub decision_period_ends_on: NaiveDate,
    pub rules: RuleConfig,
    pub instruments: Vec<Instrument>,
}

/// The agreement the site was made for is known by an abbreviation of its own.
const HOS_SHORT_TITLE: &str = "Hälso- och sjukvårdsavtalet";

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Instrument {
    pub slug: String,
    pub title: String,
}

impl Agreement {
    pub fn instrument_slugs(&self) -> Vec<String> {
        self.instruments.iter().map(|i| i.slug.clone()).collect()
    }

    /// The abbreviation readers know the agreement by, in its indefinite form, if it has one:
    /// "HoS-avtal" for "Hälso- och sjukvårdsavtalet" (the glossary, the calendar and the badge
    /// use it; every other agreement goes by its short title).
    pub fn abbreviation(&self) -> Option<&'static str> {
        (self.short_title == HOS_SHORT_TITLE).then_some("HoS-avtal")
    }

    /// [`abbreviation`](Self::abbreviation) in its definite form: "HoS-avtalet".
    pub fn definite_abbreviation(&self) -> Option<String> {
        self.abbreviation().map(|a| format!("{a}et"))
    }
}

/// How the majority rule is stored: `majority_rule` says which form, `majority_threshold` holds
/// the count (for "more than half", the number it came to when the agreement was defined).
pub const RULE_COUNT: &str = "count";
pub const RULE_MORE_THAN_HALF: &str = "more_than_half";

pub fn threshold_from_columns(rule: &str, count: i32) -> Threshold {
    if rule == RULE_MORE_THAN_HALF {
        Threshold::MORE_THAN_HALF
    } else {
        Threshold::Count(u32::try_from(count).unwrap_or(0))
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = agreements)]
struct AgreementRow {
    id: i32,
    slug: String,
    title: String,
    short_title: String,
    starts_on: NaiveDate,
    decision_period_ends_on: NaiveDate,
    majority_rule: String,
    majority_threshold: i32,
    region_required: bool,
    legal_force_required: bool,
    appeal_period_days: i32,
}

impl AgreementRow {
    fn into_agreement(self, instruments: Vec<Instrument>) -> Agreement {
        let short_title = if self.short_title.is_empty() { self.title.clone() } else { self.short_title };
        Agreement {
            id: self.id,
            slug: self.slug,
            title: self.title,
            short_title,
            starts_on: self.starts_on,
            decision_period_ends_on: self.decision_period_ends_on,
            rules: RuleConfig {
                majority_threshold: threshold_from_columns(&self.majority_rule, self.majority_threshold),
                region_required: self.region_required,
                legal_force_required: self.legal_force_required,
                appeal_period_days: u32::try_from(self.appeal_period_days).unwrap_or(0),
            },
            instruments,
        }
    }
}

fn instruments_of(conn: &mut DbConn, id: i32) -> QueryResult<Vec<Instrument>> {
    instruments::table
        .filter(instruments::agreement_id.eq(id))
        .order(instruments::position.asc())
        .select((instruments::slug, instruments::title))
        .load::<Instrument>(conn)
}

/// Loads the agreement by slug with its instruments in their order.
pub fn load(conn: &mut DbConn, slug: &str) -> QueryResult<Agreement> {
    let row: AgreementRow =
        agreements::table.filter(agreements::slug.eq(slug)).select(AgreementRow::as_select()).first(conn)?;
    let instruments = instruments_of(conn, row.id)?;
    Ok(row.into_agreement(instruments))
}

/// Loads the agreement by id.
pub fn load_by_id(conn: &mut DbConn, id: i32) -> QueryResult<Agreement> {
    let row: AgreementRow =
        agreements::table.filter(agreements::id.eq(id)).select(AgreementRow::as_select()).first(conn)?;
    let instruments = instruments_of(conn, row.id)?;
    Ok(row.into_agreement(instruments))
}

/// Every agreement, oldest first (by id), with its instruments.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Agreement>> {
    let rows: Vec<AgreementRow> =
        agreements::table.select(AgreementRow::as_select()).order(agreements::id.asc()).load(conn)?;
    rows.into_iter()
        .map(|row| {
            let instruments = instruments_of(conn, row.id)?;
            Ok(row.into_agreement(instruments))
        })
        .collect()
}

/// The codes of the agreement's parties, sorted.
pub fn party_codes(conn: &mut DbConn, agreement_id: i32) -> QueryResult<Vec<String>> {
    agreement_parties::table
        .filter(agreement_parties::agreement_id.eq(agreement_id))
        .select(agreement_parties::party_code)
        .order(agreement_parties::party_code.asc())
        .load(conn)
}

/// Whether the party is one of the agreement's.
pub fn has_party(conn: &mut DbConn, agreement_id: i32, code: &str) -> QueryResult<bool> {
    let n: i64 = agreement_parties::table
        .filter(agreement_parties::agreement_id.eq(agreement_id))
        .filter(agreement_parties::party_code.eq(code))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
