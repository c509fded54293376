//! The table of every party of the agreement under the map, and the map's text alternative: status, latest
//! decision with its minutes, the next planned meeting. Filtered and sorted by query parameters
//! through a plain GET form and header links, so it works without JavaScript.

use std::cmp::Ordering;

use chrono::NaiveDate;
use maud::{html, Markup};

use super::query::{HomeQuery, SortKey, SUBREGION_REGION};
use crate::events::Event;
use crate::parties::Party;
use crate::public::links;
use crate::ratification::{Evaluation, PartyKind, PartyStanding, Status};
use crate::snapshot::Snapshot;
use crate::sv::swedish_key;
use crate::views::status::badge;
use crate::views::{format, planned};

struct Row<'a> {
    party: &'a Party,
    standing: &'a PartyStanding,
    latest: Option<&'a Event>,
    planned: Option<NaiveDate>,
}

/// Missing values last, whichever the direction.
fn cmp_some_first<T: Ord>(a: Option<T>, b: Option<T>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) if descending => b.cmp(&a),
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn sort_rows(rows: &mut Vec<Row<'_>>, key: SortKey, descending: bool) {
    // Each row's Swedish sort keys made once, not at every comparison (310 rows on a national page).
    let mut keyed: Vec<(String, Option<String>, Row<'_>)> = rows
        .drain(..)
        .map(|row| (swedish_key(&row.party.name), row.party.subregion.as_deref().map(swedish_key), row))
        .collect();
    keyed.sort_by(|(a_name, a_sub, a), (b_name, b_sub, b)| {
        let by_name = || a_name.cmp(b_name);
        let dir = |o: Ordering| if descending { o.reverse() } else { o };
        let primary = match key {
            SortKey::Name => dir(by_name()),
            SortKey::Subregion => cmp_some_first(a_sub.as_ref(), b_sub.as_ref(), descending),
            SortKey::Status => dir(a.standing.status.cmp(&b.standing.status)),
            SortKey::Decided => {
                cmp_some_first(a.latest.and_then(|e| e.decided_on), b.latest.and_then(|e| e.decided_on), descending)
            }
            SortKey::Planned => cmp_some_first(a.planned, b.planned, descending),
        };
        primary.then_with(by_name)
    });
    rows.extend(keyed.into_iter().map(|(_, _, row)| row));
}

fn matches(row: &Row<'_>, query: &HomeQuery) -> bool {
    let subregion_ok = query.subregion.is_empty()
        || query.subregion.iter().any(|chosen| match chosen.as_str() {
            SUBREGION_REGION => row.party.kind == PartyKind::Region,
            name => row.party.subregion.as_deref() == Some(name),
        });
    let status_ok = query.status.is_empty() || query.status.contains(&row.standing.status);
    subregion_ok && status_ok && query.q.as_deref().is_none_or(|q| name_matches(row.party, q))
}

/// "Hitta din kommun": the code, or part of the name in any case ("göte", "BORÅS").
pub fn name_matches(party: &Party, wanted: &str) -> bool {
    let wanted = wanted.trim();
    party.code == wanted || party.name.to_lowercase().contains(&wanted.to_lowercase())
}

/// The subregions present, in Swedish order.
pub fn subregions(snapshot: &Snapshot) -> Vec<String> {
    let mut names: Vec<String> = snapshot.parties.iter().filter_map(|p| p.subregion.clone()).collect();
    names.sort_by_key(|n| swedish_key(n));
    names.dedup();
    names
}

pub fn section(snapshot: &Snapshot, eval: &Evaluation, query: &HomeQuery) -> Markup {
    section_at(snapshot, eval, query, &query.page("/"))
}

/// The table with its filter form and sort links pointing at `page` (`/` or `/parter`).
pub fn section_at(snapshot: &Snapshot, eval: &Evaluation, query: &HomeQuery, page: &str) -> Markup {
    let as_of = eval.as_of;
    let mut rows: Vec<Row<'_>> = snapshot
        .parties
        .iter()
        .zip(&eval.parties)
        .map(|(party, standing)| Row {
            party,
            standing,
            latest: snapshot.latest_decision(&party.code, as_of),
            planned: snapshot.next_planned_on(&party.code, as_of),
        })
        .filter(|row| matches(row, query))
        .collect();
    sort_rows(&mut rows, query.sort, query.descending);
    let filtered = query.is_filtered();
    html! {
        section.parties #parter aria-labelledby="parter-rubrik" {
            h2 #parter-rubrik { "Alla " (snapshot.parties.len()) " parter" }
            p { "Tabellen visar samma uppgifter som kartan. Välj en part för att se alla dess beslut." }
            (filter_form(snapshot, query, page))
            p.result-count role="status" {
                "Visar " (rows.len()) " av " (snapshot.parties.len()) " parter"
                @if filtered { " (filtrerat)" } "."
            }
            div.table-scroll role="region" aria-label="Tabell över parterna, kan rullas i sidled" tabindex="0" {
                table.party-table {
                    caption.visually-hidden { "Parternas status och beslut" }
                    thead {
                        tr {
                            (sort_header("Part", SortKey::Name, query, page))
                            (sort_header("Status", SortKey::Status, query, page))
                            (sort_header("Delregion", SortKey::Subregion, query, page))
                            (sort_header("Senaste beslut", SortKey::Decided, query, page))
                            th scope="col" { "Paragraf" }
                            th scope="col" { "Protokoll" }
                            (sort_header("Planerat beslut", SortKey::Planned, query, page))
                        }
                    }
                    tbody {
                        @for row in &rows {
                            (table_row(row, query, snapshot.agreement.starts_on))
                        }
                    }
                }
            }
        }
    }
}

fn table_row(row: &Row<'_>, query: &HomeQuery, starts_on: NaiveDate) -> Markup {
    let party = row.party;
    html! {
        tr data-code=(party.code) {
            th scope="row" { a href=(links::party(&query.prefix, &party.code, query.date)) { (party.name) } }
            // Status beside the name: on a narrow screen it is what must show without scrolling.
            td.status-cell data-label="Status" { (badge(row.standing.status)) }
            td data-label="Delregion" { (party.subregion.as_deref().unwrap_or("Hela länet")) }
            td data-label="Senaste beslut" {
                @if let Some(e) = row.latest {
                    @if let Some(d) = e.decided_on {
                        time datetime=(d.to_string()) { (format::date(d)) }
                        @if e.status != Status::Adopted && e.status != row.standing.status { " (" (e.status.label_sv()) ")" }
                    }
                } @else { span.none { "–" } }
            }
            td data-label="Paragraf" { @if let Some(r) = row.latest.and_then(|e| e.reference.as_deref()) { (r) } @else { span.none { "–" } } }
            td data-label="Protokoll" {
                @if let Some(url) = row.latest.and_then(|e| links::minutes(e)) {
                    a href=(url) { "Protokoll" span.visually-hidden { " för " (party.name) } }
                } @else { span.none { "–" } }
            }
            td data-label="Planerat beslut" {
                @if let Some(d) = row.planned {
                    (planned::date(d, starts_on))
                } @else { span.none { "–" } }
            }
        }
    }
}

fn sort_header(label: &str, key: SortKey, query: &HomeQuery, page: &str) -> Markup {
    let active = query.sort == key;
    let aria_sort = match (active, query.descending) {
        (false, _) => None,
        (true, false) => Some("ascending"),
        (true, true) => Some("descending"),
    };
    let next = query.sorted_by(key);
    let hint = if next.descending { "sortera fallande" } else { "sortera stigande" };
    html! {
        th scope="col" aria-sort=[aria_sort] {
            a href=(next.href_at(page, "parter")) {
                (label)
                span.visually-hidden { ", " (hint) }
                @if active { span.sort-mark aria-hidden="true" { @if query.descending { " ▼" } @else { " ▲" } } }
            }
        }
    }
}

fn filter_form(snapshot: &Snapshot, query: &HomeQuery, page: &str) -> Markup {
    let subregions = subregions(snapshot);
    let reset = HomeQuery { subregion: Vec::new(), status: Vec::new(), q: None, ..query.clone() };
    // Several values chosen through the address: a multiple select keeps them all.
    let many_subregions = query.subregion.len() > 1;
    let many_statuses = query.status.len() > 1;
    html! {
        form.filters method="get" action=(format!("{page}#parter")) {
            @if let Some(d) = query.date { input type="hidden" name="datum" value=(d.to_string()); }
            @if query.view == super::query::View::Tiles { input type="hidden" name="vy" value="rutnat"; }
            @if query.sort != SortKey::Name { input type="hidden" name="sortera" value=(query.sort.param()); }
            @if query.descending { input type="hidden" name="ordning" value="fallande"; }
            @if let Some(q) = &query.q { input type="hidden" name="q" value=(q); }
            div.field {
                label for="f-delregion" { "Delregion" }
                select #f-delregion name="delregion" multiple[many_subregions] {
                    option value="" selected[query.subregion.is_empty()] { "Alla" }
                    @for s in &subregions {
                        option value=(s) selected[query.subregion.contains(s)] { (s) }
                    }
                    option value=(SUBREGION_REGION) selected[query.subregion.iter().any(|s| s == SUBREGION_REGION)] {
                        "Regionen (VGR)"
                    }
                }
            }
            div.field {
                label for="f-status" { "Status" }
                select #f-status name="status" multiple[many_statuses] {
                    option value="" selected[query.status.is_empty()] { "Alla" }
                    @for s in Status::ALL {
                        option value=(s.code()) selected[query.status.contains(&s)] { (s.label_sv()) }
                    }
                }
            }
            div.field.actions {
                button type="submit" { "Visa" }
                @if query.is_filtered() {
                    a href=(reset.href_at(page, "parter")) { "Visa alla" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_letters_sort_after_z() {
        let mut names = vec!["Öckerö", "Ale", "Åmål", "Vänersborg", "Ärla", "Zeta", "Vara"];
        names.sort_by_key(|n| swedish_key(n));
        assert_eq!(names, vec!["Ale", "Vara", "Vänersborg", "Zeta", "Åmål", "Ärla", "Öckerö"]);
    }

    #[test]
    fn missing_values_stay_last_both_ways() {
        assert_eq!(cmp_some_first(Some(1), None, false), Ordering::Less);
        assert_eq!(cmp_some_first(Some(1), None, true), Ordering::Less);
        assert_eq!(cmp_some_first(Some(1), Some(2), true), Ordering::Greater);
    }
}
