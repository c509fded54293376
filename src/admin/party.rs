//! /admin/parter/{code}: a party's timeline, the form to record an event, corrections,
//! withdrawals of entries made by mistake, and the guard against lost updates.
//!
//! The form carries the id of the party's latest event as the page showed it (`latest`). On
//! submit, in one transaction, the party row is locked (`store::lock_party`: PostgreSQL
//! `SELECT … FOR UPDATE`, which every event write takes; SQLite has one writer at a time), the
//! latest id is compared, and only if it is unchanged is the event validated (the API's
//! validation), stored and audited. If a colleague recorded something in
//! between, nothing is stored and the editor sees the colleague's events beside their own entry;
//! sending the entry again (the form now carries the new latest id) stores it.

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use maud::{html, Markup};

use super::error::AdminError;
use super::format;
use super::layout::{self, csrf_field};
use super::place::{not_in_agreement, Place};
use super::session::{CsrfToken, CurrentUser};
use crate::agreement::Agreement;
use crate::audit;
use crate::db::schema::events;
use crate::db::DbConn;
use crate::error::unknown_party;
use crate::events::store::{self, RecordError};
use crate::events::validate::{self, Audience, FieldError, RawEvent};
use crate::events::{write, Event};
use crate::parties::Party;
use crate::ratification::{PartyKind, Status};
use crate::snapshot::Snapshot;
use crate::AppState;

/// What the editor typed, kept as typed.
#[derive(Debug, Clone, Default)]
pub struct EntryForm {
    pub raw: RawEvent,
    /// Instruments ticked (the form ticks all by default).
    pub instruments: Vec<String>,
    /// The party's latest event id when the form was shown ("" when it had none).
    pub latest: Option<String>,
    /// The editor ticked "save anyway" for the warnings shown.
    pub confirmed: bool,
    /// What looks like a mistake and must be confirmed (shown above the save button).
    pub warnings: Vec<FieldError>,
}

impl EntryForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = EntryForm::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "status" => &mut form.raw.status,
                "body" => &mut form.raw.body,
                "decided_on" => &mut form.raw.decided_on,
                "planned_on" => &mut form.raw.planned_on,
                "posted_on" => &mut form.raw.posted_on,
                "reference" => &mut form.raw.reference,
                "protocol_url" => &mut form.raw.protocol_url,
                "note" => &mut form.raw.note,
                "corrects" => &mut form.raw.corrects,
                "latest" => &mut form.latest,
                "bekraftat" => {
                    form.confirmed = v == "ja";
                    continue;
                }
                "instruments" => {
                    form.instruments.push(v);
                    continue;
                }
                _ => continue,
            };
            *slot = Some(v);
        }
        form
    }

    /// A form prefilled with an event's values (to correct it).
    fn from_event(e: &Event, all_instruments: &[String]) -> Self {
        EntryForm {
            raw: RawEvent {
                status: Some(e.status.code().into()),
                body: e.body.clone(),
                decided_on: e.decided_on.map(|d| d.to_string()),
                planned_on: e.planned_on.map(|d| d.to_string()),
                posted_on: e.posted_on.map(|d| d.to_string()),
                reference: e.reference.clone(),
                protocol_url: e.protocol_url.clone(),
                note: None,
                corrects: Some(e.id.to_string()),
                instruments: None,
            },
            instruments: e.instruments.clone().unwrap_or_else(|| all_instruments.to_vec()),
            latest: None,
            confirmed: false,
            warnings: Vec::new(),
        }
    }

    fn value<'a>(&'a self, field: &str) -> &'a str {
        let v = match field {
            "status" => &self.raw.status,
            "body" => &self.raw.body,
            "decided_on" => &self.raw.decided_on,
            "planned_on" => &self.raw.planned_on,
            "posted_on" => &self.raw.posted_on,
            "reference" => &self.raw.reference,
            "protocol_url" => &self.raw.protocol_url,
            "note" => &self.raw.note,
            _ => &None,
        };
        v.as_deref().unwrap_or("")
    }

    fn corrects(&self) -> Option<i32> {
        self.raw.corrects.as_deref().and_then(|c| c.trim().parse().ok())
    }
}

/// Everything the party page shows.
struct View<'a> {
    place: &'a Place,
    snapshot: &'a Snapshot,
    party: &'a Party,
    user: &'a CurrentUser,
    csrf: &'a str,
}

async fn load(state: &AppState, place: &Place, code: &str) -> Result<(Snapshot, Party), AdminError> {
    let agreement_id = place.agreement.id;
    let wanted = code.to_string();
    let (snapshot, registered) = state
        .db
        .run(move |db| {
            db.read_blocking(|c| {
                let snapshot = Snapshot::load(c, agreement_id)?;
                // Only asked when the party is not the agreement's, to tell "no such party" from "not in it".
                let registered = match snapshot.party(&wanted) {
                    Some(_) => None,
                    None => crate::parties::find(c, &wanted)?,
                };
                Ok::<_, AdminError>((snapshot, registered))
            })
        })
        .await?;
    match snapshot.party(code).cloned() {
        Some(party) => Ok((snapshot, party)),
        None => Err(AdminError::NotFound(match registered {
            Some(p) => not_in_agreement(&p.name, &place.agreement.short_title),
            None => unknown_party(code),
        })),
    }
}

/// A party's address: `{code}` under `/admin/parter/` or `/admin/avtal/{slug}/parter/` (the
/// agreement comes from [`Place`]).
#[derive(Debug, serde::Deserialize)]
pub struct PartyAt {
    code: String,
}

/// One of a party's events: `…/parter/{code}/ratta/{id}` and the like.
#[derive(Debug, serde::Deserialize)]
pub struct EventAt {
    code: String,
    id: i32,
}

fn latest_id(snapshot: &Snapshot, code: &str) -> Option<i32> {
    snapshot.events_of(code).map(|e| e.id).max()
}

pub async fn page(
    req: HttpRequest,
    user: CurrentUser,
    csrf: CsrfToken,
    state: web::Data<AppState>,
    place: Place,
    path: web::Path<PartyAt>,
) -> Result<HttpResponse, AdminError> {
    let place = &place;
    let PartyAt { code } = path.into_inner();
    let (snapshot, party) = load(&state, place, &code).await?;
    let saved = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.0.into_iter().find(|(k, _)| k == "sparad").and_then(|(_, v)| v.parse::<i32>().ok()));
    let view = View { place, snapshot: &snapshot, party: &party, user: &user, csrf: &csrf.0 };
    let mut form = EntryForm { instruments: snapshot.agreement.instrument_slugs(), ..Default::default() };
    form.latest = Some(latest_id(&snapshot, &code).map(|i| i.to_string()).unwrap_or_default());
    let notice = saved.map(|id| {
        let today = crate::clock::today();
        let next = super::overview::next_needing_attention(&snapshot, &snapshot.evaluate(today), &code, today);
        html! {
            (saved_notice(&snapshot, &party, id))
            @if let Some((p, reasons)) = next {
                " Nästa part som behöver uppmärksamhet: "
                a href=(place.party_url(&p.code)) { (p.name) }
                " (" @for (i, r) in reasons.iter().enumerate() { @if i > 0 { " " } (r.text()) } ")"
            }
        }
    });
    Ok(layout::respond(party_page(&view, &form, &[], notice)))
}

/// GET /admin/parter/{code}/ratta/{id}: the form to correct an event.
pub async fn correct_page(
    user: CurrentUser,
    csrf: CsrfToken,
    state: web::Data<AppState>,
    place: Place,
    path: web::Path<EventAt>,
) -> Result<HttpResponse, AdminError> {
    let place = &place;
    let EventAt { code, id } = path.into_inner();
    let (snapshot, party) = load(&state, place, &code).await?;
    let target = find_target(&snapshot, &party, id)?;
    let view = View { place, snapshot: &snapshot, party: &party, user: &user, csrf: &csrf.0 };
    if let Some(by) = snapshot.corrected_by(id) {
        let content = html! {
            h1 { "Rätta händelse " (id) }
            p.warning { "Händelse " (id) " är redan rättad av händelse " (by) ". Rätta i stället den händelsen." }
            p { a href=(place.party_url(&code)) { "Tillbaka till " (party.name) } }
        };
        return Ok(layout::respond(layout::page("Redan rättad", &user, &csrf.0, content)));
    }
    let mut form = EntryForm::from_event(target, &snapshot.agreement.instrument_slugs());
    form.latest = Some(latest_id(&snapshot, &code).map(|i| i.to_string()).unwrap_or_default());
    Ok(layout::respond(correction_page(&view, target, &form, &[])))
}

/// GET /admin/parter/{code}/dra-tillbaka/{id}: the event and the form to withdraw it.
pub async fn withdraw_page(
    user: CurrentUser,
    csrf: CsrfToken,
    state: web::Data<AppState>,
    place: Place,
    path: web::Path<EventAt>,
) -> Result<HttpResponse, AdminError> {
    let place = &place;
    let EventAt { code, id } = path.into_inner();
    let (snapshot, party) = load(&state, place, &code).await?;
    let target = find_target(&snapshot, &party, id)?;
    let view = View { place, snapshot: &snapshot, party: &party, user: &user, csrf: &csrf.0 };
    Ok(layout::respond(withdrawal_page(&view, target, "", &[])))
}

/// POST /admin/parter/{code}/dra-tillbaka/{id}: withdraws the event (the reason is required).
pub async fn withdraw(
    req: HttpRequest,
    user: CurrentUser,
    csrf: CsrfToken,
    form: web::Form<Vec<(String, String)>>,
    state: web::Data<AppState>,
    place: Place,
    path: web::Path<EventAt>,
) -> Result<HttpResponse, AdminError> {
    let place = &place;
    let EventAt { code, id } = path.into_inner();
    let reason = form.into_inner().into_iter().find(|(k, _)| k == "reason").map(|(_, v)| v);
    let writer = store::Writer { name: user.0.username.clone(), client_addr: Some(audit::client_addr(&req)) };
    let (party_code, typed) = (code.clone(), reason.clone());
    let agreement = place.agreement.clone();
    let outcome = write::commit(&state, move |conn| {
        store::withdraw_in(conn, &agreement, Some(&party_code), id, typed.as_deref(), &writer, Audience::Staff)
    })
    .await;
    match outcome {
        Ok(event) => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("{}?sparad={}#handelse-{}", place.party_url(&code), event.id, event.id)))
            .finish()),
        Err(store::WithdrawError::Invalid(errors)) => {
            let (snapshot, party) = load(&state, place, &code).await?;
            let target = find_target(&snapshot, &party, id)?;
            let view = View { place, snapshot: &snapshot, party: &party, user: &user, csrf: &csrf.0 };
            let page = withdrawal_page(&view, target, reason.as_deref().unwrap_or(""), &errors);
            Ok(layout::respond_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(store::WithdrawError::UnknownEvent(id)) => {
            let (_, party) = load(&state, place, &code).await?;
            Err(AdminError::NotFound(format!("{} har ingen händelse {id}.", party.name)))
        }
        Err(store::WithdrawError::Db(e)) => Err(e.into()),
    }
}

/// The party's event `id`, or a 404 that says so.
fn find_target<'s>(snapshot: &'s Snapshot, party: &Party, id: i32) -> Result<&'s Event, AdminError> {
    snapshot
        .events_of(&party.code)
        .find(|e| e.id == id)
        .ok_or_else(|| AdminError::NotFound(format!("{} har ingen händelse {id}.", party.name)))
}

fn withdrawal_page(view: &View, target: &Event, reason: &str, errors: &[FieldError]) -> Markup {
    let View { place, snapshot, party, user, csrf } = view;
    let replaced = snapshot.corrected_by(target.id);
    let reason_errors = errors_for(errors, "reason");
    let content = html! {
        p { a href=(place.party_url(&party.code)) { "← " (party.name) } }
        h1 { "Dra tillbaka händelse " (target.id) " för " (party.name) }
        p {
            "Dra tillbaka en händelse som registrerades av misstag. Den tas inte bort: den syns kvar i "
            "historiken, markerad som tillbakadragen, med din motivering. Den räknas sedan inte någonstans, och "
            "partens status räknas om som om den aldrig hade registrerats. Är bara någon uppgift fel, "
            a href=(format!("{}/ratta/{}", place.party_url(&party.code), target.id)) { "rätta händelsen" }
            " i stället."
        }
        @if !errors.is_empty() {
            div.alert role="alert" {
                p { strong { "Händelsen är inte tillbakadragen. Rätta det som är markerat:" } }
                ul {
                    @for e in errors {
                        li { a href=(if e.field == "reason" { "#reason" } else { "#handelsen" }) { (e.message) } }
                    }
                }
            }
        }
        h2 id="handelsen" { "Händelsen som dras tillbaka" }
        (event_details(snapshot, target))
        @if let Some(by) = replaced {
            p.warning { "Händelse " (target.id) " är redan ersatt av händelse " (by) " och kan inte dras tillbaka." }
        } @else if target.is_withdrawal() {
            p.warning { "Händelse " (target.id) " är ett tillbakadragande och kan inte dras tillbaka." }
        } @else {
            form method="post" action=(format!("{}/dra-tillbaka/{}", place.party_url(&party.code), target.id)) novalidate {
                (csrf_field(csrf))
                label for="reason" { "Motivering " span.hint { "(krävs: varför dras händelsen tillbaka?)" } }
                @for m in &reason_errors { p.error id="reason-fel" { (m) } }
                textarea id="reason" name="reason" aria-describedby=[(!reason_errors.is_empty()).then_some("reason-fel")] { (reason) }
                p { button type="submit" { "Dra tillbaka händelsen" } }
            }
        }
    };
    layout::page(&format!("Dra tillbaka händelse {}", target.id), user, csrf, content)
}

/// What the editor is told after saving event `id`: the party's status today before and after
/// it ("Bengtsfors: Antaget (var Under beredning)"), or why the status did not change. "Before"
/// is the log without this event and anything recorded after it, so the page can say it on any
/// later visit without having kept anything.
fn saved_notice(snapshot: &Snapshot, party: &Party, id: i32) -> String {
    let Some(event) = snapshot.events_of(&party.code).find(|e| e.id == id) else {
        return format!("Händelse {id} är sparad.");
    };
    let today = crate::clock::today();
    let upto = |last: i32| snapshot.with_events(snapshot.events.iter().filter(|e| e.id <= last).cloned().collect());
    let status_of = |s: &Snapshot| {
        s.parties.iter().position(|p| p.code == party.code).map(|i| s.evaluate(today).parties.swap_remove(i))
    };
    let (Some(before), Some(after)) = (status_of(&upto(id - 1)), status_of(&upto(id))) else {
        return format!("Händelse {id} är sparad.");
    };
    let saved = format!("Händelse {id} är sparad.");
    if before.status != after.status {
        return format!("{saved} {}: {} (var {}).", party.name, after.status.label_sv(), before.status.label_sv());
    }
    let still = format!("{saved} {}: fortfarande {}", party.name, after.status.label_sv());
    let why = if event.is_withdrawal() {
        "den tillbakadragna händelsen påverkade inte statusen".to_string()
    } else if after.standing_event == Some(i64::from(id)) {
        "den nya händelsen har samma status som förut".to_string()
    } else if !event.status.is_decision() && before.status.is_final() {
        format!(
            "ett steg ({}) ändrar inte ett beslut som {}. Är beslutet fel: rätta det",
            event.status.label_sv(),
            before.status.label_sv()
        )
    } else if event.instruments.is_some() {
        "händelsen gäller bara en del av avtalet, och resten av avtalet står som förut".to_string()
    } else {
        match after.standing_event.and_then(|s| i32::try_from(s).ok()).and_then(|s| snapshot.event(s)) {
            Some(standing) => format!(
                "händelsen {} ({}) är senare och gäller",
                standing.status.label_sv(),
                format::date(standing.effective_on())
            ),
            None => "händelsen ändrar inte statusen".to_string(),
        }
    };
    format!("{still}: {why}.")
}

enum SaveError {
    Record(RecordError),
    /// Someone recorded these events for the party after the form was shown.
    Conflict(Vec<Event>),
}

impl From<RecordError> for SaveError {
    fn from(e: RecordError) -> Self {
        SaveError::Record(e)
    }
}
impl From<crate::db::DbError> for SaveError {
    fn from(e: crate::db::DbError) -> Self {
        SaveError::Record(e.into())
    }
}
impl From<diesel::result::Error> for SaveError {
    fn from(e: diesel::result::Error) -> Self {
        SaveError::Record(e.into())
    }
}

pub async fn add_event(
    req: HttpRequest,
    user: CurrentUser,
    csrf: CsrfToken,
    form: web::Form<Vec<(String, String)>>,
    state: web::Data<AppState>,
    place: Place,
    path: web::Path<PartyAt>,
) -> Result<HttpResponse, AdminError> {
    let place = &place;
    let PartyAt { code } = path.into_inner();
    let mut form = EntryForm::from_pairs(form.into_inner());
    let (snapshot, party) = load(&state, place, &code).await?;
    let all = snapshot.agreement.instrument_slugs();
    let Some(expected) = form.latest.clone() else {
        // A hidden field the page always sends: its absence means an old or hand-made form.
        return Err(AdminError::BadRequest(
            "Formuläret är ofullständigt. Ladda om partens sida och fyll i det igen.".into(),
        ));
    };
    let expected: Option<i32> = match expected.trim() {
        "" => None,
        n => Some(n.parse().map_err(|_| {
            AdminError::BadRequest("Formuläret är ogiltigt. Ladda om partens sida och fyll i det igen.".into())
        })?),
    };
    if form.instruments.is_empty() {
        let errors = [FieldError::new("instruments", "Välj minst ett av avtalen som beslutet gäller.")];
        return Ok(rerender(place, &snapshot, &party, &user, &csrf.0, &form, &errors));
    }
    // Ticking every instrument is the same as naming none: the decision covers the whole agreement.
    form.raw.instruments = Some(form.instruments.clone());
    if form.instruments.len() == all.len() && all.iter().all(|s| form.instruments.contains(s)) {
        form.raw.instruments = None;
    }
    // Checked on what the page showed, before the write: the write validates again anyway, and
    // an editor who confirms has seen these very values.
    let today = crate::clock::today();
    if !form.confirmed {
        if let Ok(valid) = validate::validate(&form.raw, &party, &snapshot.agreement, today, Audience::Staff) {
            form.warnings = validate::warnings(&valid, today, Audience::Staff);
            if !form.warnings.is_empty() {
                return Ok(rerender(place, &snapshot, &party, &user, &csrf.0, &form, &[]));
            }
        }
    }
    let raw = form.raw.clone();
    let writer = store::Writer { name: user.0.username.clone(), client_addr: Some(audit::client_addr(&req)) };
    let party_code = code.clone();
    let agreement = snapshot.agreement.clone();
    let saved = write::commit(&state, move |conn| -> Result<Event, SaveError> {
        store::lock_party(conn, &party_code)?;
        let newer = events_after(conn, agreement.id, &party_code, expected)?;
        if !newer.is_empty() {
            return Err(SaveError::Conflict(newer));
        }
        Ok(store::record_in(conn, &agreement, &party_code, &raw, &writer, crate::clock::today(), Audience::Staff)?)
    })
    .await;
    match saved {
        Ok(event) => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("{}?sparad={}#handelse-{}", place.party_url(&code), event.id, event.id)))
            .finish()),
        Err(SaveError::Conflict(theirs)) => {
            let (snapshot, party) = load(&state, place, &code).await?;
            form.latest = Some(latest_id(&snapshot, &code).map(|i| i.to_string()).unwrap_or_default());
            let view = View { place, snapshot: &snapshot, party: &party, user: &user, csrf: &csrf.0 };
            Ok(layout::respond_status(StatusCode::CONFLICT, conflict_page(&view, &theirs, &form)))
        }
        Err(SaveError::Record(RecordError::Invalid(errors))) => {
            Ok(rerender(place, &snapshot, &party, &user, &csrf.0, &form, &errors))
        }
        Err(SaveError::Record(RecordError::UnknownParty(c))) => Err(AdminError::NotFound(unknown_party(&c))),
        Err(SaveError::Record(RecordError::NotInAgreement { party, agreement })) => {
            Err(AdminError::NotFound(not_in_agreement(&party, &agreement)))
        }
        Err(SaveError::Record(RecordError::Db(e))) => Err(e.into()),
    }
}

/// The form again, with the values as typed and each error beside its field (422).
fn rerender(
    place: &Place,
    snapshot: &Snapshot,
    party: &Party,
    user: &CurrentUser,
    csrf: &str,
    form: &EntryForm,
    errors: &[FieldError],
) -> HttpResponse {
    let view = View { place, snapshot, party, user, csrf };
    let target = form.corrects().and_then(|id| snapshot.events_of(&party.code).find(|e| e.id == id));
    let page = match target {
        Some(t) => correction_page(&view, t, form, errors),
        None => party_page(&view, form, errors, None),
    };
    layout::respond_status(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// The party's events in the agreement recorded after the event `after` (all of them when None):
/// another agreement's events for the same party are no conflict.
fn events_after(conn: &mut DbConn, agreement_id: i32, code: &str, after: Option<i32>) -> QueryResult<Vec<Event>> {
    let ids: Vec<i32> = events::table
        .filter(events::agreement_id.eq(agreement_id))
        .filter(events::party_code.eq(code))
        .filter(events::id.gt(after.unwrap_or(0)))
        .order(events::id.asc())
        .select(events::id)
        .load(conn)?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(e) = crate::events::find(conn, id)? {
            out.push(e);
        }
    }
    Ok(out)
}

fn party_page(view: &View, form: &EntryForm, errors: &[FieldError], notice: Option<Markup>) -> Markup {
    let View { place, snapshot, party, user, csrf } = view;
    let today = crate::clock::today();
    let eval = snapshot.evaluate(today);
    let standing = snapshot.parties.iter().position(|p| p.code == party.code).map(|i| &eval.parties[i]);
    let content = html! {
        p { a href=(place.base) { "← Översikt" } }
        h1 { (party.name) " (" (party.code) ")" }
        p { "Avtal: " a href=(place.base) { (snapshot.agreement.short_title) } " (" code { (snapshot.agreement.slug) } ")." }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if let Some(s) = standing {
            p {
                "Status i dag: " strong { (s.status.label_sv()) }
                @if let Some(d) = s.legal_force_on { ". Laga kraft (vinner laga kraft) " (format::date(d)) }
                "."
                @if let Some(sub) = &party.subregion { " Delregion: " (sub) "." }
            }
        }
        h2 id="ny" { "Registrera en händelse" }
        (event_form(place, snapshot, party, csrf, form, errors))
        h2 id="historik" { "Historik" }
        (timeline(place, snapshot, party))
        h2 id="andringar" { "Ändringar" }
        (changes(snapshot, party))
    };
    layout::page(&party.name, user, csrf, content)
}

fn correction_page(view: &View, target: &Event, form: &EntryForm, errors: &[FieldError]) -> Markup {
    let View { place, snapshot, party, user, csrf } = view;
    let content = html! {
        p { a href=(place.party_url(&party.code)) { "← " (party.name) } }
        h1 { "Rätta händelse " (target.id) " för " (party.name) }
        p {
            "En rättelse ändrar inte den gamla händelsen: den sparas som en ny händelse som pekar på den gamla, "
            "med en motivering. Den gamla räknas sedan inte längre men syns kvar i historiken."
        }
        h2 { "Händelsen som rättas" }
        (event_details(snapshot, target))
        h2 { "Rättad uppgift" }
        (event_form(place, snapshot, party, csrf, form, errors))
    };
    layout::page(&format!("Rätta händelse {}", target.id), user, csrf, content)
}

fn conflict_page(view: &View, theirs: &[Event], form: &EntryForm) -> Markup {
    let View { place, snapshot, party, user, csrf } = view;
    let content = html! {
        h1 { "Någon annan har registrerat för " (party.name) }
        p.alert role="alert" {
            "Medan du fyllde i formuläret registrerades "
            @if theirs.len() == 1 { "en ny händelse" } @else { (theirs.len()) " nya händelser" }
            " för " (party.name) ". Din inmatning är " strong { "inte sparad" } ". Jämför och bestäm: "
            "spara din inmatning (ändra först om det behövs), eller kasta den."
        }
        div.side-by-side {
            section aria-labelledby="deras" {
                h2 id="deras" { "Det kollegan registrerade" }
                @for e in theirs { (event_details(snapshot, e)) }
            }
            section aria-labelledby="din" {
                h2 id="din" { "Din inmatning" }
                (event_form(place, snapshot, party, csrf, form, &[]))
                p { a href=(place.party_url(&party.code)) { "Kasta min inmatning och gå till " (party.name) } }
            }
        }
    };
    layout::page("Krock mellan registreringar", user, csrf, content)
}

fn errors_for<'a>(errors: &'a [FieldError], field: &str) -> Vec<&'a str> {
    errors.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect()
}

const FORM_FIELDS: [&str; 9] =
    ["status", "body", "decided_on", "planned_on", "posted_on", "reference", "protocol_url", "note", "instruments"];

fn event_form(
    place: &Place,
    snapshot: &Snapshot,
    party: &Party,
    csrf: &str,
    form: &EntryForm,
    errors: &[FieldError],
) -> Markup {
    let agreement: &Agreement = &snapshot.agreement;
    let correcting = form.corrects();
    let bodies: &[(&str, &str)] = match party.kind {
        PartyKind::Municipality => &[("KF", "Kommunfullmäktige (KF)"), ("KS", "Kommunstyrelsen (KS)")],
        PartyKind::Region => &[("RF", "Regionfullmäktige (RF)"), ("RS", "Regionstyrelsen (RS)")],
    };
    let err = |field: &str| -> Markup {
        let messages = errors_for(errors, field);
        html! { @for m in &messages { p.error id=(format!("{field}-fel")) { (m) } } }
    };
    let described =
        |field: &str| -> Option<String> { (!errors_for(errors, field).is_empty()).then(|| format!("{field}-fel")) };
    let other_errors: Vec<&FieldError> = errors.iter().filter(|e| !FORM_FIELDS.contains(&e.field)).collect();
    let status = form.value("status");
    let body = form.value("body");
    html! {
        @if !errors.is_empty() {
            div.alert role="alert" {
                p { strong { "Händelsen är inte sparad. Rätta det som är markerat:" } }
                ul { @for e in errors { li { a href=(format!("#{}", e.field)) { (e.message) } } } }
            }
        }
        @for e in &other_errors { p.error { (e.message) } }
        form method="post" action=(format!("{}/handelser", place.party_url(&party.code))) novalidate {
            (csrf_field(csrf))
            input type="hidden" name="latest" value=(form.latest.as_deref().unwrap_or(""));
            @if let Some(id) = correcting { input type="hidden" name="corrects" value=(id); }
            label for="status" { "Status" }
            (err("status"))
            select id="status" name="status" aria-describedby=[described("status")] {
                option value="" { "– välj –" }
                @for s in Status::ALL { option value=(s.code()) selected[status == s.code()] { (s.label_sv()) } }
            }
            label for="body" { "Organ " span.hint { "(vem som beslutade eller föreslog)" } }
            (err("body"))
            select id="body" name="body" aria-describedby=[described("body")] {
                option value="" { "– inget –" }
                @for (code, label) in bodies { option value=(code) selected[body == *code] { (label) } }
                option value="other" selected[body == "other"] { "Annat organ" }
            }
            label for="decided_on" { "Beslutsdatum " span.hint { "(krävs för antaget, avslaget, återremitterat, bordlagt)" } }
            (err("decided_on"))
            input type="date" id="decided_on" name="decided_on" value=(form.value("decided_on")) aria-describedby=[described("decided_on")];
            label for="planned_on" { "Planerat sammanträde " span.hint { "(krävs för beslut planerat)" } }
            (err("planned_on"))
            input type="date" id="planned_on" name="planned_on" value=(form.value("planned_on")) aria-describedby=[described("planned_on")];
            label for="reference" { "Paragraf " span.hint { "(t.ex. KF § 45)" } }
            (err("reference"))
            input type="text" id="reference" name="reference" value=(form.value("reference")) aria-describedby=[described("reference")];
            label for="protocol_url" { "Länk till protokollet" }
            (err("protocol_url"))
            input type="url" id="protocol_url" name="protocol_url" value=(form.value("protocol_url")) aria-describedby=[described("protocol_url")];
            label for="posted_on" { "Anslaget på anslagstavlan " span.hint { "(datum då det justerade protokollet anslogs)" } }
            (err("posted_on"))
            input type="date" id="posted_on" name="posted_on" value=(form.value("posted_on")) aria-describedby=[described("posted_on")];
            @if correcting.is_some() {
                label for="note" { "Motivering till rättelsen " span.hint { "(krävs: varför rättas händelsen?)" } }
            } @else {
                label for="note" { "Anteckning" }
            }
            (err("note"))
            textarea id="note" name="note" aria-describedby=[described("note")] { (form.value("note")) }
            fieldset id="instruments" aria-describedby=[described("instruments")] {
                legend { "Beslutet gäller" }
                (err("instruments"))
                @for (i, inst) in agreement.instruments.iter().enumerate() {
                    div {
                        input type="checkbox" id=(format!("instrument-{i}")) name="instruments" value=(inst.slug)
                            checked[form.instruments.contains(&inst.slug)];
                        label for=(format!("instrument-{i}")) { (inst.title) }
                    }
                }
            }
            @if let Some(m) = errors_for(errors, "corrects").first() { p.error { (m) } }
            @if !form.warnings.is_empty() {
                div.alert.warning role="alert" id="varningar" {
                    p { strong { "Händelsen är inte sparad än. Kontrollera det här:" } }
                    ul { @for w in &form.warnings { li { a href=(format!("#{}", w.field)) { (w.message) } } } }
                    p {
                        input type="checkbox" id="bekraftat" name="bekraftat" value="ja";
                        label for="bekraftat" { "Jag har kontrollerat uppgifterna och vill spara ändå" }
                    }
                }
            }
            p {
                button type="submit" {
                    @if correcting.is_some() { "Spara rättelsen" } @else { "Spara händelsen" }
                }
            }
        }
    }
}

fn instruments_text(snapshot: &Snapshot, e: &Event) -> String {
    match &e.instruments {
        None => "Hela avtalet".into(),
        Some(list) => snapshot
            .agreement
            .instruments
            .iter()
            .filter(|i| list.contains(&i.slug))
            .map(|i| i.title.clone())
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn event_details(snapshot: &Snapshot, e: &Event) -> Markup {
    html! {
        dl.event {
            dt { "Händelse" } dd { (e.id) }
            dt { "Status" } dd { (e.status.label_sv()) }
            @if let Some(b) = &e.body { dt { "Organ" } dd { (b) } }
            @if let Some(d) = e.decided_on { dt { "Beslutsdatum" } dd { (format::date(d)) } }
            @if let Some(d) = e.planned_on { dt { "Planerat sammanträde" } dd { (format::date(d)) } }
            @if let Some(r) = &e.reference { dt { "Paragraf" } dd { (r) } }
            @if let Some(u) = &e.protocol_url { dt { "Protokoll" } dd { a href=(u) rel="noopener noreferrer" { (u) } } }
            @if let Some(d) = e.posted_on { dt { "Anslaget" } dd { (format::date(d)) } }
            dt { "Gäller" } dd { (instruments_text(snapshot, e)) }
            @if let Some(n) = &e.note { dt { "Anteckning" } dd { (n) } }
            @if let Some(c) = e.corrects {
                dt { @if e.is_withdrawal() { "Drar tillbaka" } @else { "Rättar" } }
                dd { "händelse " (c) }
            }
            dt { "Registrerad" } dd { (format::timestamp(e.recorded_at)) " av " (e.recorded_by) }
        }
    }
}

/// Who recorded or corrected what, and when, newest first: the party's share of the audit trail
/// as editors may see it (the full log, with client addresses, is the admins').
fn changes(snapshot: &Snapshot, party: &Party) -> Markup {
    let mut events: Vec<&Event> = snapshot.events_of(&party.code).collect();
    events.sort_by_key(|e| std::cmp::Reverse((e.recorded_at, e.id)));
    html! {
        @if events.is_empty() {
            p { "Inga ändringar ännu." }
        } @else {
            ol.changes {
                @for e in &events {
                    li {
                        (format::timestamp(e.recorded_at)) ": " strong { (e.recorded_by) }
                        @if let Some(target) = e.corrects.and_then(|t| snapshot.event(t)).filter(|_| e.is_withdrawal()) {
                            " drog tillbaka händelse " (target.id) " (" (target.status.label_sv()) ") (händelse " (e.id) ")"
                            @if let Some(n) = &e.note { ". Motivering: " (n.trim_end_matches('.')) }
                        } @else if let Some(target) = e.corrects.and_then(|t| snapshot.event(t)) {
                            " rättade händelse " (target.id) " (" (target.status.label_sv()) ") till "
                            (e.status.label_sv()) " (händelse " (e.id) ")"
                            // Notes are sentences of their own: their final stop is the line's.
                            @if let Some(n) = &e.note { ". Motivering: " (n.trim_end_matches('.')) }
                            @if let Some(n) = &target.note { ". Den rättade händelsens anteckning: " (n.trim_end_matches('.')) }
                        } @else {
                            " registrerade händelse " (e.id) ": " (e.status.label_sv())
                            @if let Some(r) = &e.reference { ", " (r) }
                            @if let Some(d) = e.decided_on { ", beslut " (format::date(d)) }
                        }
                        "."
                    }
                }
            }
        }
    }
}

fn timeline(place: &Place, snapshot: &Snapshot, party: &Party) -> Markup {
    let mut events: Vec<&Event> = snapshot.events_of(&party.code).collect();
    events.reverse();
    html! {
        @if events.is_empty() {
            p { "Inga händelser registrerade ännu." }
        } @else {
            table {
                thead {
                    tr {
                        th scope="col" { "Nr" }
                        th scope="col" { "Status" }
                        th scope="col" { "Datum" }
                        th scope="col" { "Paragraf och protokoll" }
                        th scope="col" { "Gäller" }
                        th scope="col" { "Anteckning" }
                        th scope="col" { "Registrerad" }
                        th scope="col" { "Rättelse" }
                    }
                }
                tbody {
                    @for e in &events {
                        @let corrected_by = snapshot.corrected_by(e.id);
                        @let withdrawn = corrected_by.and_then(|by| snapshot.event(by)).is_some_and(Event::is_withdrawal);
                        tr id=(format!("handelse-{}", e.id)) class=[corrected_by.map(|_| "corrected")] {
                            td { (e.id) }
                            td {
                                (e.status.label_sv()) @if let Some(b) = &e.body { " (" (b) ")" }
                                @if withdrawn { br; strong { "Tillbakadragen" } }
                            }
                            td {
                                @if let Some(d) = e.decided_on { "Beslut " (format::date(d)) br; }
                                @if let Some(d) = e.planned_on { "Planerat " (format::date(d)) br; }
                                @if let Some(d) = e.posted_on { "Anslaget " (format::date(d)) }
                            }
                            td {
                                @if let Some(r) = &e.reference { (r) br; }
                                @if let Some(u) = &e.protocol_url { a href=(u) rel="noopener noreferrer" { "Protokoll" } }
                            }
                            td { (instruments_text(snapshot, e)) }
                            td { @if let Some(n) = &e.note { (n) } }
                            td.keep { (format::timestamp(e.recorded_at)) br; (e.recorded_by) }
                            td.keep {
                                @if let Some(by) = corrected_by {
                                    @if withdrawn { "Tillbakadragen genom " } @else { "Rättad av " }
                                    a href=(format!("#handelse-{by}")) { "händelse " (by) }
                                } @else if let (true, Some(c)) = (e.is_withdrawal(), e.corrects) {
                                    "Drar tillbaka " a href=(format!("#handelse-{c}")) { "händelse " (c) }
                                } @else {
                                    @if let Some(c) = e.corrects { "Rättar " a href=(format!("#handelse-{c}")) { "händelse " (c) } br; }
                                    a href=(format!("{}/ratta/{}", place.party_url(&party.code), e.id)) { "Rätta" }
                                    br;
                                    a href=(format!("{}/dra-tillbaka/{}", place.party_url(&party.code), e.id)) { "Dra tillbaka" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
