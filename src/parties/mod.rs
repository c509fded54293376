//! The 50 parties: 49 municipalities (kommuner, deciding in kommunfullmäktige, KF) and the region
//! (Västra Götalandsregionen, deciding in regionfullmäktige, RF).

pub mod seed;

use diesel::prelude::*;

use crate::db::schema::parties;
use crate::db::DbConn;
use crate::ratification::PartyKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub code: String,
    pub name: String,
    pub kind: PartyKind,
    pub subregion: Option<String>,
    pub population: u32,
    pub population_year: i32,
}

type PartyRow = (String, String, String, Option<String>, i32, i32);

fn from_row((code, name, kind, subregion, population, population_year): PartyRow) -> Party {
    Party {
        kind: PartyKind::parse(&kind).unwrap_or(PartyKind::Municipality),
        code,
        name,
        subregion,
        population: u32::try_from(population).unwrap_or(0),
        population_year,
    }
}

const COLUMNS: (
    parties::code,
    parties::name,
    parties::kind,
    parties::subregion,
    parties::population,
    parties::population_year,
) = (parties::code, parties::name, parties::kind, parties::subregion, parties::population, parties::population_year);

/// All parties: the region first, then the municipalities by code.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Party>> {
    let mut all: Vec<Party> = parties::table
        .select(COLUMNS)
        .order(parties::code.asc())
        .load::<PartyRow>(conn)?
        .into_iter()
        .map(from_row)
        .collect();
    all.sort_by_key(|p| (p.kind != PartyKind::Region, p.code.clone()));
    Ok(all)
}

pub fn find(conn: &mut DbConn, code: &str) -> QueryResult<Option<Party>> {
    parties::table
        .filter(parties::code.eq(code))
        .select(COLUMNS)
        .first::<PartyRow>(conn)
        .optional()
        .map(|row| row.map(from_row))
}
