//! GET /admin: the 50 parties in Swedish alphabetical order with status, latest decision, last
//! change and by whom; filters by name, subregion and status; and the parties that need attention.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use diesel::prelude::*;
use maud::{html, Markup};

use super::error::AdminError;
use super::format;
use super::layout;
use super::place::{agreement_url, Place};
use super::session::{CsrfToken, CurrentUser};
use crate::events::Event;
use crate::parties::Party;
use crate::ratification::{PartyKind, Status};
use crate::snapshot::Snapshot;
use crate::AppState;

/// The overview's filters. `delregion` and `status` may repeat (`?status=a&status=b` shows both).
#[derive(Default)]
pub struct Filters {
    delregion: Vec<String>,
    status: Vec<String>,
    /// Part of a party's name (any case) or its code.
    namn: Option<String>,
}

impl Filters {
    fn parse(query_string: &str) -> Result<Self, AdminError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query_string)
            .map_err(|_| AdminError::BadRequest("Adressens parametrar kunde inte tolkas.".into()))?;
        let mut filters = Filters::default();
        for (key, value) in pairs {
            let value = value.trim().to_string();
            match key.as_str() {
                _ if value.is_empty() => {}
                "delregion" if !filters.delregion.contains(&value) => filters.delregion.push(value),
                "status" if !filters.status.contains(&value) => filters.status.push(value),
                "namn" => filters.namn = Some(value),
                _ => {}
            }
        }
        Ok(filters)
    }
}

/// The parties in the order the public list shows them: Swedish alphabetical order by name
/// (… z, å, ä, ö), so an editor finds Åmål and Öckerö where they expect them.
pub fn in_swedish_order(parties: &[Party]) -> Vec<&Party> {
    let mut sorted: Vec<&Party> = parties.iter().collect();
    sorted.sort_by_cached_key(|p| crate::sv::swedish_key(&p.name));
    sorted
}

/// Whether the name filter `wanted` matches the party (its name, any case, or its code).
fn name_matches(p: &Party, wanted: &str) -> bool {
    p.code == wanted || p.name.to_lowercase().contains(&wanted.to_lowercase())
}

/// The first party after `code` in Swedish order (from the top again after the last) that needs
/// attention, with its reasons: what to open after saving.
pub fn next_needing_attention<'a>(
    snapshot: &'a Snapshot,
    eval: &crate::ratification::Evaluation,
    code: &str,
    today: NaiveDate,
) -> Option<(&'a Party, Vec<Attention>)> {
    let order = in_swedish_order(&snapshot.parties);
    let at = order.iter().position(|p| p.code == code)?;
    order.iter().cycle().skip(at + 1).take(order.len() - 1).find_map(|p| {
        let standing = eval.parties.iter().find(|s| s.code == p.code)?;
        let reasons = attention(snapshot, p, standing.status, today);
        (!reasons.is_empty()).then_some((*p, reasons))
    })
}

/// Why a party needs attention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attention {
    /// Not decided, and no meeting planned ahead.
    NoPlannedDecision,
    /// A planned meeting date has passed and no outcome is recorded for it.
    PlannedDatePassed(NaiveDate),
    /// The standing adoption has no link to the minutes.
    AdoptionWithoutProtocol,
    /// The next planned meeting (first field) is after the agreement's start (second field):
    /// the agreement cannot apply to the party from the start.
    PlannedAfterStart(NaiveDate, NaiveDate),
}

impl Attention {
    pub fn text(&self) -> String {
        match self {
            Attention::NoPlannedDecision => "Inget beslut planerat.".into(),
            Attention::PlannedDatePassed(d) => {
                format!("Beslutet planerades till {}, men inget utfall är registrerat.", format::date(*d))
            }
            Attention::AdoptionWithoutProtocol => "Antagandet saknar länk till protokollet.".into(),
            Attention::PlannedAfterStart(planned, starts_on) => format!(
                "Beslutet är planerat till {}, efter avtalsstarten {}.",
                format::date(*planned),
                format::date(*starts_on)
            ),
        }
    }
}

/// What needs attention for `party` at `today`.
pub fn attention(snapshot: &Snapshot, party: &Party, status: Status, today: NaiveDate) -> Vec<Attention> {
    let live: Vec<&Event> = snapshot.events_of(&party.code).filter(|e| snapshot.corrected_by(e.id).is_none()).collect();
    let mut reasons = Vec::new();
    let last_scheduled = live
        .iter()
        .filter(|e| e.status == Status::Scheduled && e.effective_on() <= today)
        .max_by_key(|e| (e.recorded_at, e.id));
    let passed = last_scheduled.and_then(|s| s.planned_on).filter(|planned| {
        *planned < today
            && !live.iter().any(|e| e.status.is_assembly_outcome() && e.decided_on.is_some_and(|d| d >= *planned))
    });
    let decided = matches!(status, Status::Adopted | Status::Rejected | Status::Appealed);
    if let Some(planned) = passed {
        if !decided {
            reasons.push(Attention::PlannedDatePassed(planned));
        }
    } else if !decided {
        let starts_on = snapshot.agreement.starts_on;
        match snapshot.next_planned_on(&party.code, today) {
            None => reasons.push(Attention::NoPlannedDecision),
            Some(planned) if crate::views::planned::after_start(planned, starts_on) => {
                reasons.push(Attention::PlannedAfterStart(planned, starts_on));
            }
            Some(_) => {}
        }
    }
    if status == Status::Adopted {
        if let Some(latest) = snapshot.latest_decision(&party.code, today) {
            if latest.status == Status::Adopted && latest.protocol_url.is_none() {
                reasons.push(Attention::AdoptionWithoutProtocol);
            }
        }
    }
    reasons
}

const REGION_FILTER: &str = "regionen";

/// One line of the agreement list.
struct AgreementLine {
    agreement: std::sync::Arc<crate::agreement::Agreement>,
    parties: usize,
    events: i64,
}

async fn agreement_lines(state: &AppState) -> Result<(Vec<AgreementLine>, i32), AdminError> {
    let catalogue = state.catalogue().await?;
    let featured = catalogue.featured().id;
    let agreements: Vec<_> = catalogue.all().to_vec();
    let lines = state
        .db
        .run(move |db| {
            db.read_blocking(|c| {
                agreements
                    .into_iter()
                    .map(|agreement| {
                        let parties = crate::agreement::party_codes(c, agreement.id)?.len();
                        let events: i64 = crate::db::schema::events::table
                            .filter(crate::db::schema::events::agreement_id.eq(agreement.id))
                            .count()
                            .get_result(c)?;
                        Ok(AgreementLine { agreement, parties, events })
                    })
                    .collect::<Result<Vec<_>, AdminError>>()
            })
        })
        .await?;
    Ok((lines, featured))
}

fn agreements_table(lines: &[AgreementLine], featured: i32, shown: i32) -> Markup {
    html! {
        h2 id="avtal" { "Avtal (" (lines.len()) ")" }
        table {
            thead {
                tr {
                    th scope="col" { "Avtal" }
                    th scope="col" { "Kortnamn" }
                    th scope="col" { "Parter" }
                    th scope="col" { "Händelser" }
                    th scope="col" { "Börjar gälla" }
                    th scope="col" { "Visas på startsidan" }
                }
            }
            tbody {
                @for l in lines {
                    tr {
                        td {
                            a href=(agreement_url(&l.agreement.slug)) aria-current=[(l.agreement.id == shown).then_some("page")] {
                                (l.agreement.short_title)
                            }
                        }
                        td { code { (l.agreement.slug) } }
                        td { (l.parties) }
                        td { (l.events) }
                        td { (format::date(l.agreement.starts_on)) }
                        td { @if l.agreement.id == featured { "Ja" } @else { "–" } }
                    }
                }
            }
        }
    }
}

/// GET /admin (the featured agreement) and /admin/avtal/{slug}: the overview, the agreement's
/// parties only.
pub async fn page(
    user: CurrentUser,
    csrf: CsrfToken,
    req: HttpRequest,
    state: web::Data<AppState>,
    place: Place,
) -> Result<HttpResponse, AdminError> {
    let place = &place;
    let query = Filters::parse(req.query_string())?;
    let agreement_id = place.agreement.id;
    let snapshot =
        state.db.run(move |db| db.read_blocking(|c| Snapshot::load(c, agreement_id).map_err(AdminError::from))).await?;
    let (lines, featured) = agreement_lines(&state).await?;
    let today = crate::clock::today();
    let eval = snapshot.evaluate(today);
    let mut subregions: Vec<String> = snapshot.parties.iter().filter_map(|p| p.subregion.clone()).collect();
    subregions.sort();
    subregions.dedup();
    let chosen_subregions: Vec<&str> = query.delregion.iter().map(String::as_str).collect();
    for &s in &chosen_subregions {
        if s != REGION_FILTER && !subregions.iter().any(|r| r == s) {
            return Err(AdminError::BadRequest(format!(
                "Okänd delregion \"{}\". Välj en av: {}.",
                s.chars().take(40).collect::<String>(),
                subregions.join(", ")
            )));
        }
    }
    let mut statuses: Vec<Status> = Vec::new();
    for code in &query.status {
        statuses.push(Status::parse(code).ok_or_else(|| {
            AdminError::BadRequest(format!("Okänd status \"{}\".", code.chars().take(40).collect::<String>()))
        })?);
    }
    let name = query.namn.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let status_of = |p: &Party| eval.parties.iter().find(|s| s.code == p.code).map_or(Status::NotStarted, |s| s.status);
    let rows: Vec<(&Party, Status)> =
        in_swedish_order(&snapshot.parties).into_iter().map(|p| (p, status_of(p))).collect();
    let shown: Vec<&(&Party, Status)> = rows
        .iter()
        .filter(|(p, _)| name.is_none_or(|n| name_matches(p, n)))
        .filter(|(p, _)| {
            chosen_subregions.is_empty()
                || chosen_subregions.iter().any(|&chosen| match chosen {
                    REGION_FILTER => p.kind == PartyKind::Region,
                    s => p.subregion.as_deref() == Some(s),
                })
        })
        .filter(|(_, s)| statuses.is_empty() || statuses.contains(s))
        .collect();
    // The filters apply to both lists: a desk that follows one subregion sees its own.
    let attention_rows: Vec<(&Party, Vec<Attention>)> = shown
        .iter()
        .map(|(p, s)| (*p, attention(&snapshot, p, *s, today)))
        .filter(|(_, reasons)| !reasons.is_empty())
        .collect();
    let content = html! {
        h1 { "Översikt" }
        p { "Avtal: " strong { (place.agreement.short_title) } " (" code { (place.agreement.slug) } ")." }
        p {
            "Antagna kommuner: " strong { (eval.municipalities_adopted) " av " (eval.municipalities_total) }
            ". Regionen: " strong { (eval.region_status.label_sv()) } ". "
            a href="#uppmarksamma" { (attention_rows.len()) " parter behöver uppmärksamhet" }
            @if !chosen_subregions.is_empty() || !statuses.is_empty() || name.is_some() { " (bland de visade)" }
            "."
        }
        (agreements_table(&lines, featured, place.agreement.id))
        form.filters method="get" action=(place.base) {
            div {
                label for="namn" { "Namn eller kommunkod" }
                input type="search" id="namn" name="namn" value=(name.unwrap_or(""));
            }
            div {
                label for="delregion" { "Delregion" }
                select id="delregion" name="delregion" multiple[chosen_subregions.len() > 1] {
                    option value="" { "Alla" }
                    option value=(REGION_FILTER) selected[chosen_subregions.contains(&REGION_FILTER)] { "Regionen (VGR)" }
                    @for s in &subregions { option value=(s) selected[chosen_subregions.contains(&s.as_str())] { (s) } }
                }
            }
            div {
                label for="status" { "Status" }
                select id="status" name="status" multiple[statuses.len() > 1] {
                    option value="" { "Alla" }
                    @for s in Status::ALL { option value=(s.code()) selected[statuses.contains(&s)] { (s.label_sv()) } }
                }
            }
            div { button type="submit" { "Visa" } }
        }
        h2 id="parter" { "Parter (" (shown.len()) ")" }
        table {
            thead {
                tr {
                    th scope="col" { "Part" }
                    th scope="col" { "Delregion" }
                    th scope="col" { "Status" }
                    th scope="col" { "Senaste beslut" }
                    th scope="col" { "Planerat beslut" }
                    th scope="col" { "Senast ändrad" }
                }
            }
            tbody {
                @for (p, s) in &shown {
                    tr {
                        td { (party_link(place, p)) }
                        td { (p.subregion.as_deref().unwrap_or("–")) }
                        td { (s.label_sv()) }
                        td { (latest_decision(&snapshot, p, today)) }
                        td {
                            (format::opt_date(snapshot.next_planned_on(&p.code, today)))
                            @if let Some(d) = snapshot.next_planned_on(&p.code, today) {
                                (crate::views::planned::flag(d, snapshot.agreement.starts_on))
                            }
                        }
                        td { (last_change(&snapshot, p)) }
                    }
                }
            }
        }
        h2 id="uppmarksamma" { "Behöver uppmärksamhet (" (attention_rows.len()) ")" }
        @if attention_rows.is_empty() {
            p { "Inget att uppmärksamma just nu." }
        } @else {
            table {
                thead { tr { th scope="col" { "Part" } th scope="col" { "Varför" } } }
                tbody {
                    @for (p, reasons) in &attention_rows {
                        tr {
                            td { (party_link(place, p)) }
                            td { @for r in reasons { (r.text()) " " } }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::respond(layout::page("Översikt", &user, &csrf.0, content)))
}

fn party_link(place: &Place, p: &Party) -> Markup {
    html! { a href=(place.party_url(&p.code)) { (p.name) } " (" (p.code) ")" }
}

fn latest_decision(snapshot: &Snapshot, p: &Party, today: NaiveDate) -> Markup {
    match snapshot.latest_decision(&p.code, today) {
        None => html! { "–" },
        Some(e) => html! {
            (e.status.label_sv())
            @if let Some(r) = &e.reference { ", " (r) }
            @if let Some(d) = e.decided_on { ", " (format::date(d)) }
        },
    }
}

fn last_change(snapshot: &Snapshot, p: &Party) -> Markup {
    match snapshot.events_of(&p.code).max_by_key(|e| (e.recorded_at, e.id)) {
        None => html! { "–" },
        Some(e) => html! { (format::timestamp(e.recorded_at)) " av " (e.recorded_by) },
    }
}
