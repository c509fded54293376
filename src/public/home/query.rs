//! The query parameters of `/`: the date (time travel), the map view, and the table's filters
//! and sort order. Links rebuild the query so that every choice survives every other one.

use chrono::NaiveDate;

use crate::public::error::PageError;
use crate::public::params::{self, Query};
use crate::ratification::Status;

pub const SUBREGION_REGION: &str = "region";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The geographic map (default).
    Map,
    /// The equal-area hexagon grid.
    Tiles,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Subregion,
    Status,
    Decided,
    Planned,
}

impl SortKey {
    pub const ALL: [(SortKey, &'static str, &'static str); 5] = [
        (SortKey::Name, "namn", "partens namn"),
        (SortKey::Subregion, "delregion", "delregion"),
        (SortKey::Status, "status", "status"),
        (SortKey::Decided, "beslutsdatum", "datum för senaste beslut"),
        (SortKey::Planned, "planerat", "datum för planerat beslut"),
    ];

    pub fn param(self) -> &'static str {
        SortKey::ALL.iter().find(|(k, _, _)| *k == self).map_or("namn", |(_, p, _)| p)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeQuery {
    pub date: Option<NaiveDate>,
    pub view: View,
    /// Subregion names, or [`SUBREGION_REGION`] for the region; several select all of them,
    /// none selects every party.
    pub subregion: Vec<String>,
    /// Statuses to show; none shows every status.
    pub status: Vec<Status>,
    /// Part of a party's name or its code ("Hitta din kommun").
    pub q: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    /// Where the agreement's pages are ("" or "/avtal/{slug}"): set by the handler, not a
    /// parameter.
    pub prefix: String,
}

impl HomeQuery {
    /// Parses and checks every parameter except whether `delregion` names a subregion that
    /// exists (that needs the parties: see [`HomeQuery::check_subregion`]).
    pub fn parse(query_string: &str) -> Result<Self, PageError> {
        let q: Query = params::parse(query_string)?;
        let date = params::date(&q)?;
        let view = match params::choice(&q, "vy", &[("karta", "geografisk karta"), ("rutnat", "lika stora rutor")])? {
            Some("rutnat") => View::Tiles,
            _ => View::Map,
        };
        let pairs = params::parse_pairs(query_string)?;
        let mut subregion: Vec<String> = Vec::new();
        for s in pairs.iter().filter(|(k, _)| k == "delregion").map(|(_, v)| v.trim()).filter(|v| !v.is_empty()) {
            if !subregion.iter().any(|have| have == s) {
                subregion.push(s.to_string());
            }
        }
        let status_choices: Vec<(&str, &str)> = Status::ALL.iter().map(|s| (s.code(), s.label_sv())).collect();
        let status =
            params::choices(&pairs, "status", &status_choices)?.into_iter().filter_map(Status::parse).collect();
        let name: Option<String> = params::value(&q, "q").map(|v| v.chars().take(60).collect());
        let sort_choices: Vec<(&str, &str)> = SortKey::ALL.iter().map(|(_, p, d)| (*p, *d)).collect();
        let sort = params::choice(&q, "sortera", &sort_choices)?
            .and_then(|p| SortKey::ALL.iter().find(|(_, v, _)| *v == p))
            .map_or(SortKey::Name, |(k, _, _)| *k);
        let descending =
            params::choice(&q, "ordning", &[("stigande", "A–Ö, tidigt först"), ("fallande", "Ö–A, sent först")])?
                == Some("fallande");
        Ok(Self { date, view, subregion, status, q: name, sort, descending, prefix: String::new() })
    }

    /// `delregion` must name one of `subregions` or the region.
    pub fn check_subregion(&self, subregions: &[String]) -> Result<(), PageError> {
        let mut choices: Vec<(&str, &str)> = subregions.iter().map(|s| (s.as_str(), "delregion")).collect();
        choices.push((SUBREGION_REGION, "Västra Götalandsregionen"));
        for chosen in &self.subregion {
            let query: Query = [("delregion".to_string(), chosen.clone())].into_iter().collect();
            params::choice(&query, "delregion", &choices)?;
        }
        Ok(())
    }

    /// Whether the table shows only some parties.
    pub fn is_filtered(&self) -> bool {
        !self.subregion.is_empty() || !self.status.is_empty() || self.q.is_some()
    }

    /// The parameters that make up this state, in a fixed order (defaults left out).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = Vec::new();
        if let Some(d) = self.date {
            pairs.push(("datum", d.to_string()));
        }
        if self.view == View::Tiles {
            pairs.push(("vy", "rutnat".into()));
        }
        for s in &self.subregion {
            pairs.push(("delregion", s.clone()));
        }
        for s in &self.status {
            pairs.push(("status", s.code().into()));
        }
        if let Some(q) = &self.q {
            pairs.push(("q", q.clone()));
        }
        if self.sort != SortKey::Name {
            pairs.push(("sortera", self.sort.param().into()));
        }
        if self.descending {
            pairs.push(("ordning", "fallande".into()));
        }
        pairs
    }

    /// The query string (with `?`, or empty) for this state.
    pub fn to_query(&self) -> String {
        let pairs = self.pairs();
        if pairs.is_empty() {
            return String::new();
        }
        format!("?{}", serde_urlencoded::to_string(pairs).unwrap_or_default())
    }

    /// The status page (`/` or `/avtal/{slug}`) with this state and `fragment`.
    pub fn href(&self, fragment: &str) -> String {
        self.href_at(&self.page("/"), fragment)
    }

    /// `rest` ("/", "/parter") under the agreement's prefix.
    pub fn page(&self, rest: &str) -> String {
        crate::public::place::at(&self.prefix, rest)
    }

    /// `page` (the status page or the list of parties) with this state and `fragment`.
    pub fn href_at(&self, page: &str, fragment: &str) -> String {
        format!("{page}{}#{fragment}", self.to_query())
    }

    pub fn with_view(&self, view: View) -> Self {
        Self { view, ..self.clone() }
    }

    /// Sorting by `key`: ascending first, a second click turns it around.
    pub fn sorted_by(&self, key: SortKey) -> Self {
        let descending = self.sort == key && !self.descending;
        Self { sort: key, descending, ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subregions() -> Vec<String> {
        vec!["Fyrbodal".into(), "Göteborgsregionen".into()]
    }

    #[test]
    fn round_trips_through_the_query_string() {
        let q = HomeQuery::parse(
            "datum=2026-03-01&vy=rutnat&delregion=G%C3%B6teborgsregionen&status=adopted&sortera=status&ordning=fallande",
        )
        .unwrap();
        assert_eq!(q.subregion, ["Göteborgsregionen"]);
        assert_eq!(q.status, [Status::Adopted]);
        assert_eq!(q.sort, SortKey::Status);
        assert!(q.descending);
        let again = HomeQuery::parse(q.to_query().trim_start_matches('?')).unwrap();
        assert_eq!(again, q);
        assert!(q.check_subregion(&subregions()).is_ok());
    }

    #[test]
    fn empty_values_mean_no_filter_and_bad_values_name_the_parameter() {
        let q = HomeQuery::parse("status=&delregion=&utm_source=x").unwrap();
        assert_eq!(q, HomeQuery::parse("").unwrap());
        assert_eq!(q.to_query(), "");
        for (query, param) in [
            ("status=antaget", "status"),
            ("delregion=Sk%C3%A5ne", "delregion"),
            ("vy=3d", "vy"),
            ("datum=2026-13-01", "datum"),
        ] {
            match HomeQuery::parse(query).and_then(|q| q.check_subregion(&subregions())) {
                Err(PageError::BadParameter { param: p, message }) => {
                    assert_eq!(p, param);
                    assert!(message.contains(param), "{message}");
                }
                other => panic!("{query}: {other:?}"),
            }
        }
    }

    #[test]
    fn repeated_filters_select_each_and_survive_the_round_trip() {
        let q =
            HomeQuery::parse("status=adopted&status=rejected&status=adopted&delregion=Fyrbodal&delregion=region&q=bor")
                .unwrap();
        assert_eq!(q.status, [Status::Adopted, Status::Rejected]);
        assert_eq!(q.subregion, ["Fyrbodal", "region"]);
        assert_eq!(q.q.as_deref(), Some("bor"));
        assert!(q.check_subregion(&subregions()).is_ok());
        assert_eq!(HomeQuery::parse(q.to_query().trim_start_matches('?')).unwrap(), q);
        let bad = HomeQuery::parse("status=adopted&status=klart");
        assert!(matches!(bad, Err(PageError::BadParameter { param: "status", .. })), "{bad:?}");
        let bad = HomeQuery::parse("delregion=Fyrbodal&delregion=Halland").unwrap().check_subregion(&subregions());
        assert!(matches!(bad, Err(PageError::BadParameter { param: "delregion", .. })), "{bad:?}");
    }

    #[test]
    fn a_second_click_on_a_column_reverses_it() {
        let q = HomeQuery::parse("").unwrap();
        let by_status = q.sorted_by(SortKey::Status);
        assert!(!by_status.descending);
        assert!(by_status.sorted_by(SortKey::Status).descending);
        assert!(!by_status.sorted_by(SortKey::Name).descending);
    }
}
