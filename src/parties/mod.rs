//! The 50 parties: 49 municipalities (kommuner, deciding in kommunfullmäktige, KF) and the region
//! (Västra Götalandsregionen, deciding in regionfullmäktige, RF).

pub mod seed;

use diesel::prelude::*;

use crate::db::schema::{agreement_parties, parties};
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
    /// The county (län) code, `"14"` for Västra Götaland.
    pub county_code: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = parties)]
struct PartyRow {
    code: String,
    name: String,
    kind: String,
    subregion: Option<String>,
    population: i32,
    population_year: i32,
    county_code: Option<String>,
}

impl From<PartyRow> for Party {
    fn from(row: PartyRow) -> Self {
        Party {
            // The column has a CHECK constraint on the two kinds.
            kind: PartyKind::parse(&row.kind).unwrap_or(PartyKind::Municipality),
            code: row.code,
            name: row.name,
            subregion: row.subregion,
            population: u32::try_from(row.population).unwrap_or(0),
            population_year: row.population_year,
            county_code: row.county_code,
        }
    }
}

/// All parties of the registry: the regions first, then the municipalities, by code.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Party>> {
    let rows = parties::table.select(PartyRow::as_select()).order(parties::code.asc()).load(conn)?;
    Ok(ordered(rows))
}

/// The parties of one agreement, ordered as [`list`].
pub fn of_agreement(conn: &mut DbConn, agreement_id: i32) -> QueryResult<Vec<Party>> {
    let rows = parties::table
        .inner_join(agreement_parties::table)
        .filter(agreement_parties::agreement_id.eq(agreement_id))
        .select(PartyRow::as_select())
        .order(parties::code.asc())
        .load(conn)?;
    Ok(ordered(rows))
}

fn ordered(rows: Vec<PartyRow>) -> Vec<Party> {
    let mut all: Vec<Party> = rows.into_iter().map(Party::from).collect();
    all.sort_by_key(|p| (p.kind != PartyKind::Region, p.code.clone()));
    all
}

pub fn find(conn: &mut DbConn, code: &str) -> QueryResult<Option<Party>> {
    parties::table
        .filter(parties::code.eq(code))
        .select(PartyRow::as_select())
        .first(conn)
        .optional()
        .map(|row| row.map(Party::from))
}

/// The county's name ("Västra Götalands län") by its two-digit code, from the registry asset.
pub fn county_name(county_code: &str) -> Option<&'static str> {
    static NAMES: std::sync::LazyLock<Vec<(&'static str, &'static str)>> = std::sync::LazyLock::new(|| {
        include_str!("../../assets/registry.csv")
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut cols = line.split(',');
                let (code, _, kind, _, county) = (cols.next()?, cols.next()?, cols.next()?, cols.next()?, cols.next()?);
                (kind == "region").then_some((code, county))
            })
            .collect()
    });
    NAMES.iter().find(|(code, _)| *code == county_code).map(|(_, name)| *name)
}

/// The county code (two digits) when every municipality code is of the same county.
pub fn single_county<'a>(codes: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut counties = codes.into_iter().map(|c| c.get(..2));
    let first = counties.next()??;
    counties.all(|c| c == Some(first)).then_some(first)
}

/// "Västra Götalands län" → "Västra Götalands", "Skåne län" → "Skåne läns": the county as the
/// owner of its municipalities.
pub fn county_genitive(county: &str) -> String {
    match county.strip_suffix(" län") {
        Some(stem) if stem.ends_with('s') => stem.to_string(),
        _ => format!("{county}s"),
    }
}

/// What a map of `n` municipalities shows, for its title: "Västra Götalands 49 kommuner" when it
/// is the whole of county `county` (`whole`), "avtalets 3 kommuner i Skåne län" when the
/// agreement holds part of it, and "Sveriges …" / "… i Sverige" when the parties span counties
/// (`county` is `None`). The page's map and the report's say it alike.
pub fn map_subject(county: Option<&str>, whole: bool, n: usize) -> String {
    let k = if n == 1 { "kommun" } else { "kommuner" };
    match (county.and_then(county_name), whole) {
        (Some(name), true) => format!("{} {n} {k}", county_genitive(name)),
        (Some(name), false) => format!("avtalets {n} {k} i {name}"),
        (None, true) => format!("Sveriges {n} {k}"),
        (None, false) => format!("avtalets {n} {k} i Sverige"),
    }
}

#[cfg(test)]
mod county_tests {
    use super::*;

    #[test]
    fn every_county_has_its_name() {
        assert_eq!(county_name("14"), Some("Västra Götalands län"));
        assert_eq!(county_name("12"), Some("Skåne län"));
        assert_eq!(county_name("02"), None);
    }

    #[test]
    fn a_map_says_what_it_shows() {
        assert_eq!(map_subject(Some("14"), true, 49), "Västra Götalands 49 kommuner");
        assert_eq!(map_subject(Some("12"), false, 3), "avtalets 3 kommuner i Skåne län");
        assert_eq!(map_subject(None, true, 290), "Sveriges 290 kommuner");
        assert_eq!(map_subject(None, false, 1), "avtalets 1 kommun i Sverige");
    }

    #[test]
    fn the_county_owns_its_municipalities_in_good_swedish() {
        assert_eq!(county_genitive("Västra Götalands län"), "Västra Götalands");
        assert_eq!(county_genitive("Stockholms län"), "Stockholms");
        assert_eq!(county_genitive("Skåne län"), "Skåne läns");
        assert_eq!(county_genitive("Uppsala län"), "Uppsala läns");
    }

    #[test]
    fn one_county_only_when_every_code_is_of_it() {
        assert_eq!(single_county(["1480", "1401"]), Some("14"));
        assert_eq!(single_county(["1480", "1280"]), None);
        assert_eq!(single_county(std::iter::empty()), None);
    }
}
