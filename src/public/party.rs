//! `/parter/{code}` (and `/avtal/{slug}/parter/{code}`): one party's status, latest decision with its minutes, per-instrument status
//! when the instruments differ, its whole timeline (corrections shown as such) and a locator map.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use super::error::PageError;
use super::place::Place;
use super::{answer, links, params, place};
use crate::events::Event;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::parties::Party;
use crate::ratification::{Evaluation, PartyKind, PartyStanding};
use crate::snapshot::Snapshot;
use crate::views::layout::{self, Changed};
use crate::views::status::{badge, pattern_defs};
use crate::views::{format, glossary, map, planned};
use crate::AppState;

pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let place = Place::of(&req, &state).await?;
    let code = req.match_info().get("code").unwrap_or_default().to_string();
    let query = params::parse(req.query_string())?;
    let date = params::date(&query)?;
    let date_param = date.map(|d| d.to_string()).unwrap_or_default();
    let key = CacheKey::new(&place.path(&format!("/parter/{code}")), &[("datum", date_param.as_str())]);
    let frame = layout::Frame::of(&place.agreement, &place.prefix, place.catalogue.all());
    let agreement_id = place.agreement.id;
    let prefix = place.prefix;
    // The page lists the party's standing in every agreement it belongs to, so it depends on
    // all of them: rendered again after a write to any.
    http_cache::cached_site(&req, &state, key, move |site| {
        let snapshot = site.snapshot::<PageError>(agreement_id)?;
        let as_of = date.unwrap_or_else(crate::clock::today);
        let mut elsewhere = Vec::new();
        let mut known_as = None;
        for other in site.catalogue.all().iter().filter(|a| a.id != agreement_id) {
            let theirs = site.snapshot::<PageError>(other.id)?;
            if let Some(index) = theirs.parties.iter().position(|p| p.code == code) {
                known_as.get_or_insert_with(|| theirs.parties[index].name.clone());
                let eval = theirs.evaluate(as_of);
                elsewhere.push(Elsewhere {
                    short_title: other.short_title.clone(),
                    href: links::party(&place::agreement_path(&other.slug), &code, date),
                    standing: eval.parties[index].clone(),
                    adopted: eval.municipalities_adopted,
                    total: eval.municipalities_total,
                });
            }
        }
        if !snapshot.parties.iter().any(|p| p.code == code) {
            return Err(PageError::NotFound(match known_as {
                Some(name) => format!(
                    "{name} (kod {code}) ingår inte i avtalet {}. Sidan om {name} finns under de avtal där parten ingår.",
                    snapshot.agreement.short_title
                ),
                None if prefix.is_empty() => crate::error::unknown_party(&code),
                None => format!(
                    "Det finns ingen part med koden \"{}\" i avtalet {}. Avtalets parter finns på {}.",
                    code.chars().take(20).collect::<String>(),
                    snapshot.agreement.short_title,
                    links::parties(&prefix)
                ),
            }));
        }
        render(&snapshot, &code, date, &Around { prefix: &prefix, frame: &frame, elsewhere: &elsewhere })
    })
    .await
}

/// The party's standing in another agreement it belongs to.
struct Elsewhere {
    short_title: String,
    href: String,
    standing: PartyStanding,
    adopted: u32,
    total: u32,
}

/// What the page needs besides the agreement's snapshot.
struct Around<'a> {
    prefix: &'a str,
    frame: &'a layout::Frame,
    elsewhere: &'a [Elsewhere],
}

fn render(
    snapshot: &Snapshot,
    code: &str,
    date: Option<NaiveDate>,
    around: &Around<'_>,
) -> Result<Rendered, PageError> {
    let Some(index) = snapshot.parties.iter().position(|p| p.code == code) else {
        return Err(PageError::NotFound(crate::error::unknown_party(code)));
    };
    let prefix = around.prefix;
    let today = crate::clock::today();
    let as_of = date.unwrap_or(today);
    let eval = snapshot.evaluate(as_of);
    let party = &snapshot.parties[index];
    let standing = &eval.parties[index];
    let changed = Changed::from_last_change(snapshot.last_change_at());

    let content = html! {
        (pattern_defs())
        nav.breadcrumbs aria-label="Du är här" {
            ol {
                li { a href=(format!("{}{}", place::at(prefix, "/"), params::date_suffix(date))) { "Beslutsläget" } }
                li { a href=(links::party(prefix, &party.code, date)) aria-current="page" { (party.name) } }
            }
        }
        @if let Some(d) = date {
            div.time-travel role="note" aria-label="Tidsresa" {
                p { strong { (time_travel_line(d, today)) } }
                p { a href=(links::party(prefix, &party.code, None)) { "Visa dagens läge för " (party.name) } }
            }
        }
        div.party-layout {
            div.party-main {
                h1 { (party.name) }
                p.party-kind { (kind_line(party)) }
                p.changed-top { (layout::changed_line(changed)) }
                (answer_section(snapshot, &eval, party, standing, as_of, today))
                (status_section(snapshot, party, standing, as_of))
                (elsewhere_section(snapshot, party, around.elsewhere))
                (latest_section(snapshot, party, as_of))
                (instrument_section(snapshot, standing))
                (timeline_section(snapshot, party, as_of, prefix))
                (glossary::section(snapshot))
            }
            aside.party-aside aria-label="Karta" {
                @let county = party
                    .county_code
                    .as_deref()
                    .and_then(crate::parties::county_name)
                    .unwrap_or("länet");
                @let label = match party.kind {
                    PartyKind::Region => format!("Karta: regionen omfattar hela {county}."),
                    PartyKind::Municipality => format!("Karta: {} markerad i {county}.", party.name),
                };
                // The party's own county: a region of a national agreement is shown on its county.
                @let codes: Vec<&str> = snapshot
                    .parties
                    .iter()
                    .filter(|p| p.county_code == party.county_code)
                    .map(|p| p.code.as_str())
                    .collect();
                @let highlight = (party.kind == PartyKind::Municipality).then_some(party.code.as_str());
                (map::locator_in(&codes, highlight, &label))
                p.map-note { (label) " Källa: SCB." }
            }
        }
    };
    Ok(Rendered::html(layout::page_in(around.frame, &party.name, changed, content)))
}

/// The party's standing in the other agreements it belongs to; nothing if there are none.
fn elsewhere_section(snapshot: &Snapshot, party: &Party, elsewhere: &[Elsewhere]) -> Markup {
    if elsewhere.is_empty() {
        return html! {};
    }
    html! {
        section aria-labelledby="andra-avtal-rubrik" {
            h2 #andra-avtal-rubrik { (party.name) " i andra avtal" }
            p { "Sidan visar " (snapshot.agreement.short_title) ". " (party.name) " ingår också i:" }
            ul.other-agreements {
                @for e in elsewhere {
                    li {
                        a href=(e.href) { (e.short_title) } ": " (badge(e.standing.status))
                        @if e.standing.counts_as_adopted { " (räknas som antaget)" }
                        " – " (e.adopted) " av " (e.total) " kommuner har antagit det avtalet."
                    }
                }
            }
        }
    }
}

/// "Du ser läget som det var 1 mars 2026." – or, for a day ahead, a projection.
pub fn time_travel_line(d: NaiveDate, today: NaiveDate) -> String {
    if d > today {
        format!("Du ser läget {} om inga fler beslut registreras.", format::date(d))
    } else {
        format!("Du ser läget som det var {}.", format::date(d))
    }
}

/// The question every reader comes with, answered first.
fn answer_section(
    snapshot: &Snapshot,
    eval: &Evaluation,
    party: &Party,
    standing: &PartyStanding,
    as_of: NaiveDate,
    today: NaiveDate,
) -> Markup {
    let agreement = &snapshot.agreement;
    let facts = answer::Facts {
        party_name: &party.name,
        kind: party.kind,
        status: standing.status,
        counts_as_adopted: standing.counts_as_adopted,
        partly_adopted: !standing.counts_as_adopted && standing.instruments.iter().any(|i| i.counts_as_adopted),
        decided_on: snapshot.latest_decision(&party.code, as_of).and_then(|e| e.decided_on),
        legal_force_on: standing.legal_force_on,
        planned_on: snapshot.next_planned_on(&party.code, as_of),
        unanimity: eval.unanimity.state,
        majority: eval.majority.state,
        majority_required: eval.majority.required,
        region_required: agreement.rules.region_required,
        starts_on: agreement.starts_on,
        as_of,
        today,
    };
    let a = answer::answer(&facts);
    html! {
        section.answer aria-labelledby="svar-rubrik" {
            h2 #svar-rubrik { (a.question) }
            p.answer-text { (a.sentence()) }
        }
    }
}

fn kind_line(party: &Party) -> Markup {
    html! {
        @match party.kind {
            PartyKind::Region => "Region · beslutar i regionfullmäktige (RF)",
            PartyKind::Municipality => {
                "Kommun"
                @if let Some(s) = &party.subregion { " i delregionen " (s) }
                " · beslutar i kommunfullmäktige (KF)"
            }
        }
        " · " (format::integer(u64::from(party.population))) " invånare (" (party.population_year) ")"
    }
}

fn status_section(snapshot: &Snapshot, party: &Party, standing: &PartyStanding, as_of: NaiveDate) -> Markup {
    let planned = snapshot.next_planned_on(&party.code, as_of);
    html! {
        section aria-labelledby="status-rubrik" {
            h2 #status-rubrik { "Status" }
            p.party-status { (badge(standing.status)) }
            p.status-explained { (glossary::explained(standing.status)) }
            p {
                @if standing.counts_as_adopted {
                    (party.name) " räknas som part som har antagit avtalet."
                } @else {
                    (party.name) " har inte antagit avtalet."
                }
                @if let Some(d) = standing.legal_force_on {
                    " Beslutet vinner laga kraft (kan inte längre överklagas) " (format::date(d)) "."
                }
            }
            @if let Some(d) = planned {
                p { "Nästa planerade beslut: sammanträde " (planned::date(d, snapshot.agreement.starts_on)) "." }
            }
        }
    }
}

fn decision_line(e: &Event) -> Markup {
    html! {
        (e.status.label_sv())
        @if let Some(body) = &e.body { " i " (body_name(body)) }
        @if let Some(d) = e.decided_on { " " time datetime=(d.to_string()) { (format::date(d)) } }
    }
}

fn body_name(body: &str) -> &str {
    match body {
        "KF" => "kommunfullmäktige (KF)",
        "KS" => "kommunstyrelsen (KS)",
        "RF" => "regionfullmäktige (RF)",
        "RS" => "regionstyrelsen (RS)",
        "other" => "annat organ",
        other => other,
    }
}

fn latest_section(snapshot: &Snapshot, party: &Party, as_of: NaiveDate) -> Markup {
    let latest = snapshot.latest_decision(&party.code, as_of);
    html! {
        section aria-labelledby="senaste-rubrik" {
            h2 #senaste-rubrik { "Senaste beslut" }
            @if let Some(e) = latest {
                p { (decision_line(e)) "." }
                dl.facts {
                    @if let Some(r) = &e.reference { dt { "Paragraf" } dd { (r) } }
                    dt { "Protokoll" }
                    dd {
                        @if let Some(url) = links::minutes(e) { a href=(url) { "Protokollet" @if let Some(r) = &e.reference { " (" (r) ")" } } }
                        @else { "Ingen länk registrerad" }
                    }
                    @if let Some(d) = e.posted_on { dt { "Anslaget" } dd { (format::date(d)) } }
                }
            } @else {
                p { "Inget beslut av fullmäktige är registrerat." }
            }
        }
    }
}

fn instrument_section(snapshot: &Snapshot, standing: &PartyStanding) -> Markup {
    let first = standing.instruments.first().map(|i| i.status);
    if standing.instruments.iter().all(|i| Some(i.status) == first) {
        return html! {};
    }
    html! {
        section aria-labelledby="delar-rubrik" {
            h2 #delar-rubrik { "Status per del av avtalet" }
            p { "Beslutet skiljer sig mellan avtalet och överenskommelserna. Avtalet räknas som antaget först när alla delar är antagna." }
            table.instruments {
                thead { tr { th scope="col" { "Del" } th scope="col" { "Status" } } }
                tbody {
                    @for i in &standing.instruments {
                        tr {
                            th scope="row" { (instrument_title(snapshot, &i.id)) }
                            td { (badge(i.status)) }
                        }
                    }
                }
            }
        }
    }
}

fn instrument_title<'a>(snapshot: &'a Snapshot, id: &'a str) -> &'a str {
    snapshot.agreement.instruments.iter().find(|i| i.slug == id).map_or(id, |i| i.title.as_str())
}

fn timeline_section(snapshot: &Snapshot, party: &Party, as_of: NaiveDate, prefix: &str) -> Markup {
    let mut events: Vec<&Event> = snapshot.events_of(&party.code).filter(|e| e.effective_on() <= as_of).collect();
    events.sort_by_key(|e| (e.effective_on(), e.recorded_at, e.id));
    html! {
        section aria-labelledby="tidslinje-rubrik" {
            h2 #tidslinje-rubrik { "Tidslinje" }
            @if events.is_empty() {
                p { "Inga händelser är registrerade." }
            } @else {
                p { "Alla registrerade händelser, äldst först. En felaktig uppgift tas aldrig bort: den markeras som rättad och rättelsen visas med sitt skäl." }
                ol.timeline {
                    @for e in &events { (timeline_item(snapshot, e)) }
                }
            }
            (follow_links(party, prefix))
        }
    }
}

/// Links to follow this party only: its own feed and calendar (`?part=CODE`).
fn follow_links(party: &Party, prefix: &str) -> Markup {
    // Swedish genitive: "Göteborgs", but "Borås" and "Lysekils" alike end in one s.
    let of = if party.name.ends_with(['s', 'x', 'z']) { party.name.clone() } else { format!("{}s", party.name) };
    html! {
        h3 { "Följ " (party.name) }
        ul {
            li { a href=(format!("{prefix}/feed.atom?part={}", party.code)) { "Nyhetsflöde (Atom) med " (of) " beslut och händelser" } }
            li { a href=(format!("{prefix}/kalender.ics?part={}", party.code)) { "Kalender (iCal) med " (of) " planerade sammanträden" } }
        }
    }
}

fn timeline_item(snapshot: &Snapshot, e: &Event) -> Markup {
    let corrected_by = snapshot.corrected_by(e.id).and_then(|id| snapshot.event(id));
    let corrects = e.corrects.and_then(|id| snapshot.event(id));
    let all_instruments = snapshot.agreement.instruments.len();
    html! {
        li.event.corrected[corrected_by.is_some()] #(format!("h{}", e.id)) {
            @if corrected_by.is_some() { span.tag.tag-corrected { "Rättad" } " " }
            @if corrects.is_some() { span.tag.tag-correction { "Rättelse" } " " }
            @if corrected_by.is_some() {
                s.event-body { (event_body(e)) }
            } @else {
                span.event-body { (event_body(e)) }
            }
            dl.facts {
                @if let Some(r) = &e.reference { dt { "Paragraf" } dd { (r) } }
                @if let Some(url) = links::minutes(e) { dt { "Protokoll" } dd { a href=(url) { "Protokollet" @if let Some(r) = &e.reference { " (" (r) ")" } } } }
                @if let Some(d) = e.planned_on { dt { "Planerat sammanträde" } dd { (planned::date(d, snapshot.agreement.starts_on)) } }
                @if let Some(d) = e.posted_on { dt { "Anslaget" } dd { (format::date(d)) } }
                @if let Some(ids) = e.instruments.as_ref().filter(|ids| ids.len() < all_instruments) {
                    dt { "Gäller" }
                    dd { @for (i, id) in ids.iter().enumerate() { @if i > 0 { "; " } (instrument_title(snapshot, id)) } }
                }
                @if let Some(note) = e.note.as_ref().filter(|_| corrects.is_none()) { dt { "Anteckning" } dd.note { (note) } }
                dt { "Registrerad" } dd { (format::date_time(e.recorded_at)) }
            }
            @if let Some(c) = corrects {
                p.correction {
                    "Rättar uppgiften "
                    a href=(format!("#h{}", c.id)) { "”" (c.status.label_sv()) ", " (format::date(c.effective_on())) "”" }
                    @if let Some(note) = &e.note { ". Skäl: " (note) }
                }
            }
            @if let Some(by) = corrected_by {
                p.correction {
                    "Uppgiften är felaktig och räknas inte. Den rättades " (format::date_time(by.recorded_at)) ": "
                    a href=(format!("#h{}", by.id)) { "se rättelsen" }
                    @if let Some(note) = &by.note { ". Skäl: " (note) }
                }
            }
        }
    }
}

fn event_body(e: &Event) -> Markup {
    html! {
        time datetime=(e.effective_on().to_string()) { (format::date(e.effective_on())) }
        ": " strong { (e.status.label_sv()) }
        @if let Some(body) = &e.body { " (" (body_name(body)) ")" }
    }
}
