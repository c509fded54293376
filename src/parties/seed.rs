//! First-start seeding: the agreement, its five instruments, its 50 parties, and the rest of the
//! national registry (21 regions and 290 municipalities, `assets/registry.csv`) for agreements
//! defined later. Idempotent: only what is missing is inserted, nothing existing is changed; the
//! 50 keep what `assets/parties.csv` says (their subregions, which the registry lacks).
//!
//! The facts live in `assets/` (derived from ../shared/data by tools/refdata).

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::schema::{agreement_parties, agreements, instruments, parties};
use crate::db::{Db, DbConn, DbError};
use crate::ratification::{PartyKind, RuleConfig, Threshold};

const AGREEMENT_JSON: &str = include_str!("../../assets/agreement.json");
const PARTIES_CSV: &str = include_str!("../../assets/parties.csv");
const REGISTRY_CSV: &str = include_str!("../../assets/registry.csv");

#[derive(Debug, Deserialize)]
struct AgreementSeed {
    slug: String,
    title: String,
    short_title: String,
    starts_on: NaiveDate,
    decision_period_ends_on: NaiveDate,
    rules: RuleConfig,
    instruments: Vec<InstrumentSeed>,
}

#[derive(Debug, Deserialize)]
struct InstrumentSeed {
    slug: String,
    title: String,
}

#[derive(Debug, Deserialize)]
pub struct PartySeed {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub subregion: Option<String>,
    pub population: i32,
    pub population_year: i32,
}

/// A row of `assets/registry.csv`: every Swedish region and municipality.
#[derive(Debug, Deserialize)]
pub struct RegistrySeed {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub county_code: String,
    pub county: String,
    pub population: i32,
    pub population_year: i32,
    /// Set only on Region Gotland (09): the municipality (0980) that is the same body.
    pub same_body_as: Option<String>,
}

/// The registry as shipped.
pub fn registry_seeds() -> Result<Vec<RegistrySeed>, SeedError> {
    csv::Reader::from_reader(REGISTRY_CSV.as_bytes())
        .deserialize()
        .map(|r| r.map_err(|e| SeedError::Data(format!("assets/registry.csv: {e}"))))
        .collect()
}

/// The municipality that is the same body as this region, if any: Region Gotland (09) is
/// Gotland Municipality (0980), which decides in KF (see tools/refdata/README.md, "Gotland").
pub fn same_body_as(code: &str) -> Option<&'static str> {
    REGISTRY_CSV.lines().skip(1).find_map(|line| {
        let mut cols = line.split(',');
        if cols.next() != Some(code) {
            return None;
        }
        cols.next_back().map(str::trim).filter(|s| !s.is_empty())
    })
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("fel i inbyggda grunddata ({0})")]
    Data(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for SeedError {
    fn from(e: diesel::result::Error) -> Self {
        SeedError::Db(DbError::Query(e))
    }
}

/// What a seeding run inserted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    pub agreements: usize,
    pub instruments: usize,
    pub parties: usize,
}

/// The parties as shipped in `assets/parties.csv`.
pub fn party_seeds() -> Result<Vec<PartySeed>, SeedError> {
    csv::Reader::from_reader(PARTIES_CSV.as_bytes())
        .deserialize()
        .map(|r| r.map_err(|e| SeedError::Data(format!("assets/parties.csv: {e}"))))
        .collect()
}

pub fn seed(db: &Db) -> Result<Seeded, SeedError> {
    let agreement: AgreementSeed =
        serde_json::from_str(AGREEMENT_JSON).map_err(|e| SeedError::Data(format!("assets/agreement.json: {e}")))?;
    let parties = party_seeds()?;
    let registry = registry_seeds()?;
    for (kind, code) in parties.iter().map(|p| (&p.kind, &p.code)).chain(registry.iter().map(|p| (&p.kind, &p.code))) {
        if PartyKind::parse(kind).is_none() {
            return Err(SeedError::Data(format!("okänd typ av part {kind} för {code}")));
        }
    }
    // Instances that start together may seed at the same moment: the loser of a race on a unique
    // key (or on SQLite's write lock) finds the winner's rows when it tries again.
    let mut attempt = 1;
    loop {
        match db.write_blocking(|conn| {
            let mut seeded = insert_missing(conn, &agreement, &parties)?;
            seeded.parties += insert_registry(conn, &registry)?;
            Ok(seeded)
        }) {
            Err(SeedError::Db(e)) if attempt < SEED_ATTEMPTS => {
                tracing::debug!(error = %e, attempt, "seeding met a concurrent seeder; trying again");
                std::thread::sleep(std::time::Duration::from_millis(50 * u64::from(attempt)));
                attempt += 1;
            }
            other => return other,
        }
    }
}

const SEED_ATTEMPTS: u32 = 5;

fn insert_missing(conn: &mut DbConn, agreement: &AgreementSeed, seeds: &[PartySeed]) -> Result<Seeded, SeedError> {
    let mut seeded = Seeded::default();
    let existing: Option<i32> =
        agreements::table.filter(agreements::slug.eq(&agreement.slug)).select(agreements::id).first(conn).optional()?;
    let agreement_id = match existing {
        Some(id) => id,
        None => {
            seeded.agreements += 1;
            diesel::insert_into(agreements::table)
                .values((
                    agreements::slug.eq(&agreement.slug),
                    agreements::title.eq(&agreement.title),
                    agreements::starts_on.eq(agreement.starts_on),
                    agreements::decision_period_ends_on.eq(agreement.decision_period_ends_on),
                    agreements::short_title.eq(&agreement.short_title),
                    agreements::majority_rule.eq(match agreement.rules.majority_threshold {
                        Threshold::Count(_) => crate::agreement::RULE_COUNT,
                        Threshold::Fraction(_) => crate::agreement::RULE_MORE_THAN_HALF,
                    }),
                    agreements::majority_threshold
                        .eq(to_i32(agreement.rules.majority_threshold.required(municipalities(seeds)))?),
                    agreements::region_required.eq(agreement.rules.region_required),
                    agreements::legal_force_required.eq(agreement.rules.legal_force_required),
                    agreements::appeal_period_days.eq(to_i32(agreement.rules.appeal_period_days)?),
                ))
                .returning(agreements::id)
                .get_result(conn)?
        }
    };
    let known: Vec<String> =
        instruments::table.filter(instruments::agreement_id.eq(agreement_id)).select(instruments::slug).load(conn)?;
    for (position, instrument) in agreement.instruments.iter().enumerate() {
        if known.contains(&instrument.slug) {
            continue;
        }
        seeded.instruments += 1;
        diesel::insert_into(instruments::table)
            .values((
                instruments::agreement_id.eq(agreement_id),
                instruments::slug.eq(&instrument.slug),
                instruments::title.eq(&instrument.title),
                instruments::position.eq(to_i32(position as u32)?),
            ))
            .execute(conn)?;
    }
    let known: Vec<String> = parties::table.select(parties::code).load(conn)?;
    for p in seeds {
        if known.contains(&p.code) {
            continue;
        }
        seeded.parties += 1;
        diesel::insert_into(parties::table)
            .values((
                parties::code.eq(&p.code),
                parties::name.eq(&p.name),
                parties::kind.eq(&p.kind),
                parties::subregion.eq(p.subregion.as_deref().filter(|s| !s.is_empty())),
                parties::population.eq(p.population),
                parties::population_year.eq(p.population_year),
                parties::county_code.eq(p.code.get(..2)),
            ))
            .execute(conn)?;
    }
    // The agreement's parties are the seeded ones: Västra Götaland's 49 municipalities and the region.
    let members: Vec<String> = agreement_parties::table
        .filter(agreement_parties::agreement_id.eq(agreement_id))
        .select(agreement_parties::party_code)
        .load(conn)?;
    for p in seeds.iter().filter(|p| !members.contains(&p.code)) {
        diesel::insert_into(agreement_parties::table)
            .values((agreement_parties::agreement_id.eq(agreement_id), agreement_parties::party_code.eq(&p.code)))
            .execute(conn)?;
    }
    Ok(seeded)
}

/// The registry's parties that are not there yet (after the 50, so theirs are never touched).
fn insert_registry(conn: &mut DbConn, registry: &[RegistrySeed]) -> Result<usize, SeedError> {
    let known: std::collections::HashSet<String> =
        parties::table.select(parties::code).load(conn)?.into_iter().collect();
    let mut inserted = 0;
    for p in registry.iter().filter(|p| !known.contains(&p.code)) {
        inserted += 1;
        diesel::insert_into(parties::table)
            .values((
                parties::code.eq(&p.code),
                parties::name.eq(&p.name),
                parties::kind.eq(&p.kind),
                parties::subregion.eq(None::<String>),
                parties::population.eq(p.population),
                parties::population_year.eq(p.population_year),
                parties::county_code.eq(&p.county_code),
            ))
            .execute(conn)?;
    }
    Ok(inserted)
}

fn municipalities(seeds: &[PartySeed]) -> u32 {
    u32::try_from(seeds.iter().filter(|p| p.kind == "municipality").count()).unwrap_or(u32::MAX)
}

fn to_i32(n: u32) -> Result<i32, SeedError> {
    i32::try_from(n).map_err(|_| SeedError::Data(format!("talet {n} är för stort")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_seed_has_49_municipalities_and_the_region() {
        let parties = party_seeds().unwrap();
        assert_eq!(parties.len(), 50);
        let regions: Vec<_> = parties.iter().filter(|p| p.kind == "region").collect();
        assert_eq!(regions.len(), 1);
        assert_eq!(regions[0].code, "14");
        let municipality_sum: i32 = parties.iter().filter(|p| p.kind == "municipality").map(|p| p.population).sum();
        assert_eq!(regions[0].population, municipality_sum);
        let mut per_subregion = std::collections::BTreeMap::new();
        for p in parties.iter().filter(|p| p.kind == "municipality") {
            assert!(p.code.len() == 4 && p.code.starts_with("14"), "{}", p.code);
            *per_subregion.entry(p.subregion.clone().unwrap_or_default()).or_insert(0) += 1;
        }
        let expected: std::collections::BTreeMap<String, i32> =
            [("Fyrbodal", 14), ("Göteborgsregionen", 12), ("Sjuhärad", 8), ("Skaraborg", 15)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
        assert_eq!(per_subregion, expected);
    }

    #[test]
    fn the_registry_holds_the_50_and_every_other_party_with_its_county() {
        let registry = registry_seeds().unwrap();
        assert_eq!(registry.len(), 311);
        assert_eq!(registry.iter().filter(|p| p.kind == "region").count(), 21);
        assert_eq!(registry.iter().filter(|p| p.kind == "municipality").count(), 290);
        for p in party_seeds().unwrap() {
            let r = registry.iter().find(|r| r.code == p.code).unwrap_or_else(|| panic!("{} in the registry", p.code));
            assert_eq!((r.kind.as_str(), r.county_code.as_str()), (p.kind.as_str(), "14"), "{}", p.code);
        }
        assert!(registry.iter().all(|p| p.code.starts_with(&p.county_code)));
        assert_eq!(same_body_as("09"), Some("0980"));
        assert_eq!(same_body_as("0980"), None);
        assert_eq!(same_body_as("14"), None);
        assert_eq!(registry.iter().filter(|p| p.same_body_as.is_some()).count(), 1);
    }

    #[test]
    fn shipped_agreement_has_five_instruments() {
        let a: AgreementSeed = serde_json::from_str(AGREEMENT_JSON).unwrap();
        assert_eq!(a.slug, crate::agreement::DEFAULT_FEATURED);
        assert_eq!(a.instruments.len(), 5);
        assert_eq!(a.rules, RuleConfig::default());
    }
}
