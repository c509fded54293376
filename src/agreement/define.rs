//! Defining an agreement: the one place an agreement, its instruments and its parties are
//! written (`ratify agreement add`, the demo, the tests). Idempotent by slug: the same definition
//! again changes nothing; another one replaces the old only while the agreement has no events —
//! once decisions are recorded, its rules, parties, instruments and dates are fixed (a title may
//! still be reworded).

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{Agreement, Instrument, RULE_COUNT, RULE_MORE_THAN_HALF};
use crate::db::schema::{agreement_changes, agreement_parties, agreements, events, instruments, parties};
use crate::db::{DbConn, DbError};
use crate::ratification::{PartyKind, RuleConfig, Threshold};

/// Everything an agreement is, as its file says it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAgreement {
    pub slug: String,
    pub title: String,
    pub short_title: String,
    pub starts_on: NaiveDate,
    pub decision_period_ends_on: NaiveDate,
    pub rules: RuleConfig,
    /// At least one, in order.
    pub instruments: Vec<Instrument>,
    /// Party codes of the registry, at least one municipality.
    pub parties: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defined {
    Created(i32),
    Unchanged(i32),
    /// Replaced (no events yet) or, with events, only the titles reworded.
    Updated(i32),
}

impl Defined {
    pub fn id(self) -> i32 {
        match self {
            Defined::Created(id) | Defined::Unchanged(id) | Defined::Updated(id) => id,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DefineError {
    /// A key of the definition is wrong: the key and a Swedish sentence.
    #[error("{key}: {message}")]
    Invalid { key: &'static str, message: String },
    #[error(
        "avtalet {slug} har {events} registrerade händelser: dess regler, parter, delavtal och datum kan inte längre \
         ändras ({what}). Lägg upp ett nytt avtal med en ny kortadress i stället."
    )]
    HasEvents { slug: String, events: i64, what: String },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for DefineError {
    fn from(e: diesel::result::Error) -> Self {
        DefineError::Db(DbError::Query(e))
    }
}

fn invalid(key: &'static str, message: impl Into<String>) -> DefineError {
    DefineError::Invalid { key, message: message.into() }
}

/// Creates the agreement, leaves it as it is, or replaces it (see the module's docs), in the
/// caller's transaction.
pub fn define(conn: &mut DbConn, new: &NewAgreement) -> Result<Defined, DefineError> {
    let municipalities = check_parties(conn, new)?;
    if new.instruments.is_empty() {
        return Err(invalid("instruments", "ett avtal har minst ett delavtal"));
    }
    if let Threshold::Count(n) = new.rules.majority_threshold {
        if n == 0 || n > municipalities {
            return Err(invalid(
                "majority",
                format!("tröskeln {n} ska vara mellan 1 och avtalets antal kommuner ({municipalities})"),
            ));
        }
    }
    let existing = agreements::table
        .filter(agreements::slug.eq(&new.slug))
        .select(agreements::id)
        .first::<i32>(conn)
        .optional()?;
    let Some(id) = existing else {
        let id = insert(conn, new, municipalities)?;
        return Ok(Defined::Created(id));
    };
    let old = super::load_by_id(conn, id)?;
    let old_parties = super::party_codes(conn, id)?;
    let mut new_parties = new.parties.clone();
    new_parties.sort();
    new_parties.dedup();
    let fixed_differs = fixed_differences(&old, &old_parties, new, &new_parties);
    let titles_differ = old.title != new.title || old.short_title != new.short_title;
    if fixed_differs.is_empty() && !titles_differ {
        return Ok(Defined::Unchanged(id));
    }
    let recorded: i64 = events::table.filter(events::agreement_id.eq(id)).count().get_result(conn)?;
    if !fixed_differs.is_empty() && recorded > 0 {
        return Err(DefineError::HasEvents {
            slug: new.slug.clone(),
            events: recorded,
            what: fixed_differs.join(", "),
        });
    }
    diesel::update(agreements::table.filter(agreements::id.eq(id)))
        .set(&Columns::of(new, municipalities))
        .execute(conn)?;
    if !fixed_differs.is_empty() {
        diesel::delete(instruments::table.filter(instruments::agreement_id.eq(id))).execute(conn)?;
        diesel::delete(agreement_parties::table.filter(agreement_parties::agreement_id.eq(id))).execute(conn)?;
        insert_members(conn, id, new)?;
    }
    Ok(Defined::Updated(id))
}

/// What differs in what cannot change once events are recorded, in Swedish.
fn fixed_differences(
    old: &Agreement,
    old_parties: &[String],
    new: &NewAgreement,
    new_parties: &[String],
) -> Vec<String> {
    let mut what = Vec::new();
    if old.rules != new.rules {
        what.push("reglerna".to_string());
    }
    if old_parties != new_parties {
        what.push("parterna".to_string());
    }
    if old.instruments != new.instruments {
        what.push("delavtalen".to_string());
    }
    if old.starts_on != new.starts_on || old.decision_period_ends_on != new.decision_period_ends_on {
        what.push("datumen".to_string());
    }
    what
}

/// Every party is in the registry; at least one municipality; more than one region only when no
/// region is required (a national agreement: the regions are parties like the others). Returns
/// the number of municipalities.
fn check_parties(conn: &mut DbConn, new: &NewAgreement) -> Result<u32, DefineError> {
    if new.parties.is_empty() {
        return Err(invalid("parties", "avtalet har inga parter: ange county, parties eller båda"));
    }
    let found: Vec<(String, String)> =
        parties::table.filter(parties::code.eq_any(&new.parties)).select((parties::code, parties::kind)).load(conn)?;
    if let Some(missing) = new.parties.iter().find(|c| !found.iter().any(|(code, _)| code == *c)) {
        return Err(invalid("parties", format!("det finns ingen part med koden \"{missing}\" i registret")));
    }
    let count = |kind: PartyKind| found.iter().filter(|(_, k)| PartyKind::parse(k) == Some(kind)).count();
    let municipalities = count(PartyKind::Municipality);
    if municipalities == 0 {
        return Err(invalid("parties", "avtalet behöver minst en kommun"));
    }
    if count(PartyKind::Region) > 1 && new.rules.region_required {
        return Err(invalid(
            "region_required",
            "avtalet har flera regioner: regionens antagande kan då inte krävas (sätt region_required = false)",
        ));
    }
    if new.rules.region_required && count(PartyKind::Region) == 0 {
        return Err(invalid("region_required", "regionen krävs, men avtalet har ingen region bland sina parter"));
    }
    Ok(u32::try_from(municipalities).unwrap_or(u32::MAX))
}

/// An agreement's row but its id and slug: what a definition writes, on insert and on update.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = agreements)]
struct Columns<'a> {
    title: &'a str,
    short_title: &'a str,
    starts_on: NaiveDate,
    decision_period_ends_on: NaiveDate,
    majority_rule: &'static str,
    majority_threshold: i32,
    region_required: bool,
    legal_force_required: bool,
    appeal_period_days: i32,
}

impl<'a> Columns<'a> {
    fn of(new: &'a NewAgreement, municipalities: u32) -> Self {
        let (majority_rule, majority_threshold) = rule_columns(new.rules.majority_threshold, municipalities);
        Columns {
            title: &new.title,
            short_title: &new.short_title,
            starts_on: new.starts_on,
            decision_period_ends_on: new.decision_period_ends_on,
            majority_rule,
            majority_threshold,
            region_required: new.rules.region_required,
            legal_force_required: new.rules.legal_force_required,
            appeal_period_days: to_i32(new.rules.appeal_period_days),
        }
    }
}

fn rule_columns(threshold: Threshold, municipalities: u32) -> (&'static str, i32) {
    let rule = match threshold {
        Threshold::Count(_) => RULE_COUNT,
        Threshold::Fraction(_) => RULE_MORE_THAN_HALF,
    };
    (rule, to_i32(threshold.required(municipalities)))
}

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn insert(conn: &mut DbConn, new: &NewAgreement, municipalities: u32) -> Result<i32, DefineError> {
    let id: i32 = diesel::insert_into(agreements::table)
        .values((agreements::slug.eq(&new.slug), Columns::of(new, municipalities)))
        .returning(agreements::id)
        .get_result(conn)?;
    diesel::insert_into(agreement_changes::table)
        .values((agreement_changes::agreement_id.eq(id), agreement_changes::counter.eq(0_i64)))
        .execute(conn)?;
    insert_members(conn, id, new)?;
    Ok(id)
}

fn insert_members(conn: &mut DbConn, id: i32, new: &NewAgreement) -> Result<(), DefineError> {
    for (position, instrument) in new.instruments.iter().enumerate() {
        diesel::insert_into(instruments::table)
            .values((
                instruments::agreement_id.eq(id),
                instruments::slug.eq(&instrument.slug),
                instruments::title.eq(&instrument.title),
                instruments::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    let mut codes = new.parties.clone();
    codes.sort();
    codes.dedup();
    for code in &codes {
        diesel::insert_into(agreement_parties::table)
            .values((agreement_parties::agreement_id.eq(id), agreement_parties::party_code.eq(code)))
            .execute(conn)?;
    }
    Ok(())
}
