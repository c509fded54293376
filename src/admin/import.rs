//! CSV import: upload → preview → commit.
//!
//! The uploaded file is decoded and stored server-side (table `csv_uploads`, keyed by a random
//! id, readable only by the uploader) — nothing is carried through the browser between preview
//! and commit. The preview runs the whole import in a transaction that is then rolled back, so
//! it checks every row exactly as the commit will (the same validation as the API, corrections,
//! parties). The commit runs it again in one transaction and keeps it only if every row passed;
//! marking the upload committed in that same transaction makes a second click store nothing.
//! Rows the party form would warn of (`validate::warnings`: a meeting already held, a paragraph
//! naming another body) are shown in the preview, and the commit stores nothing until the editor
//! ticks that they have read them.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::header::CONTENT_DISPOSITION;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use futures_util::StreamExt;
use maud::{html, Markup};

use super::csv_format::{self, ImportRow};
use super::error::AdminError;
use super::format;
use super::import_rows::{self, RowError, RowResult};
use super::layout::{self, csrf_field};
use super::session::{CsrfToken, CurrentUser};
use crate::audit::{self, Action};
use crate::db::schema::csv_uploads;
use crate::db::{DbConn, DbError};
use crate::events::validate::{self, body_label, Audience};
use crate::events::{store, write};
use crate::AppState;

/// The example file the guide describes, importable as it is.
const EXAMPLE_CSV: &str = include_str!("../../docs/exempel-import.csv");
/// The editors' guide. Served as the Markdown it is written in (made to read as plain text), so
/// that no Markdown renderer has to be added to the build for one page.
const GUIDE: &str = include_str!("../../docs/anvandarhandledning.md");

/// GET /admin/exempel-import.csv: the example file, as a download.
pub async fn example_csv() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((CONTENT_DISPOSITION, "attachment; filename=\"exempel-import.csv\""))
        .body(EXAMPLE_CSV)
}

/// GET /admin/handledning: the editors' guide.
pub async fn guide() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(GUIDE)
}

pub async fn page(user: CurrentUser, csrf: CsrfToken) -> HttpResponse {
    layout::respond(upload_page(&user, &csrf.0, None))
}

fn upload_page(user: &CurrentUser, csrf: &str, error: Option<&str>) -> Markup {
    layout::page(
        "Importera",
        user,
        csrf,
        html! {
            h1 { "Importera händelser från en CSV-fil" }
            p {
                "Filen kan vara sparad från Excel (semikolonavgränsad, UTF-8 eller Windows-1252) eller vara en "
                a href="/admin/export.csv" { "export" } " härifrån. Första raden ska ha kolumnnamnen; "
                code { "kommunkod" } " och " code { "status" } " krävs. Statusen skrivs som på sidorna, t.ex. "
                "Antaget eller Beslut planerat. Kolumnen " code { "avtal" } " anger avtalets kortnamn; saknas den, "
                "eller är den tom, sparas raden i avtalet på startsidan. Du får se en förhandsgranskning innan "
                "något sparas."
            }
            p {
                a href="/admin/exempel-import.csv" download { "Ladda ned en exempelfil (CSV)" }
                " som går att importera som den är, och läs "
                a href="/admin/handledning" { "användarhandledningen" }
                " (avsnitt 5, ”Importera ett kalkylark”) om kolumnerna."
            }
            @if let Some(e) = error { p.alert role="alert" { (e) } }
            form method="post" action="/admin/import" enctype="multipart/form-data" {
                (csrf_field(csrf))
                label for="file" { "CSV-fil" }
                input type="file" id="file" name="file" accept=".csv,text/csv" required;
                p { button type="submit" { "Förhandsgranska" } }
            }
            h2 { "Kolumner" }
            p {
                (csv_format::SWEDISH_COLUMNS.iter().map(|(sv, _)| *sv).collect::<Vec<_>>().join(", "))
                ". Exportens kolumnnamn går också bra: " (csv_format::COLUMNS.join(",")) "."
            }
        },
    )
}

pub async fn upload(
    user: CurrentUser,
    csrf: CsrfToken,
    mut multipart: Multipart,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|e| AdminError::BadRequest(format!("Filen kunde inte tas emot: {e}")))?;
        let (name, filename) = match field.content_disposition() {
            Some(cd) => (cd.get_name().unwrap_or("").to_string(), cd.get_filename().unwrap_or("").to_string()),
            None => (String::new(), String::new()),
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AdminError::BadRequest(format!("Filen kunde inte tas emot: {e}")))?;
            bytes.extend_from_slice(&chunk);
        }
        if name == "file" {
            file = Some((filename, bytes));
        }
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(unprocessable(upload_page(&user, &csrf.0, Some("Välj en CSV-fil att importera."))));
    };
    let text = csv_format::decode(&bytes);
    // No text format holds NUL, and PostgreSQL's text type refuses it: say so instead of failing the insert.
    if text.contains('\0') {
        let message = "Filen innehåller NUL-tecken och är ingen textfil. Spara den som CSV och försök igen.";
        return Ok(unprocessable(upload_page(&user, &csrf.0, Some(message))));
    }
    match csv_format::parse(&text) {
        Err(e) => return Ok(unprocessable(upload_page(&user, &csrf.0, Some(&e)))),
        Ok(rows) if rows.is_empty() => {
            let message = "Filen har bara en rubrikrad och inga händelser att importera.";
            return Ok(unprocessable(upload_page(&user, &csrf.0, Some(message))));
        }
        Ok(_) => {}
    }
    let id = crate::csrf::new_token();
    let user_id = user.0.id;
    let filename: String = filename.chars().filter(|c| !c.is_control()).take(200).collect();
    let upload_id = id.clone();
    state
        .db
        .run(move |db| {
            db.write_blocking(|conn| {
                // Uploads never committed are dropped after a day.
                let old = (crate::clock::now() - chrono::Duration::days(1)).naive_utc();
                diesel::delete(csv_uploads::table.filter(csv_uploads::uploaded_at.lt(old))).execute(conn)?;
                diesel::insert_into(csv_uploads::table)
                    .values((
                        csv_uploads::id.eq(&upload_id),
                        csv_uploads::user_id.eq(user_id),
                        csv_uploads::filename.eq(&filename),
                        csv_uploads::content.eq(&text),
                        csv_uploads::uploaded_at.eq(crate::clock::now().naive_utc()),
                    ))
                    .execute(conn)
                    .map_err(AdminError::from)
            })
        })
        .await?;
    Ok(HttpResponse::SeeOther().insert_header(("Location", format!("/admin/import/{id}"))).finish())
}

struct Upload {
    filename: String,
    content: String,
    committed: bool,
}

fn load_upload(conn: &mut DbConn, id: &str, user_id: i32) -> Result<Upload, AdminError> {
    let row: Option<(String, String, Option<chrono::NaiveDateTime>)> = csv_uploads::table
        .filter(csv_uploads::id.eq(id))
        .filter(csv_uploads::user_id.eq(user_id))
        .select((csv_uploads::filename, csv_uploads::content, csv_uploads::committed_at))
        .first(conn)
        .optional()?;
    let (filename, content, committed_at) = row.ok_or_else(|| {
        AdminError::NotFound("Importen finns inte (den kan vara äldre än ett dygn). Ladda upp filen igen.".into())
    })?;
    Ok(Upload { filename, content, committed: committed_at.is_some() })
}

/// Why a dry run or a commit did not store anything.
enum Stop {
    /// Rolled back on purpose (a preview), with each row's outcome.
    DryRun(Vec<RowResult>),
    /// Some row failed.
    Rows(Vec<RowResult>),
    /// Some row has a warning, and the editor did not confirm having read them.
    Unconfirmed(Vec<RowResult>),
    AlreadyCommitted,
    Admin(AdminError),
}

impl From<DbError> for Stop {
    fn from(e: DbError) -> Self {
        Stop::Admin(e.into())
    }
}
impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Stop::Admin(e.into())
    }
}
impl From<AdminError> for Stop {
    fn from(e: AdminError) -> Self {
        Stop::Admin(e)
    }
}

fn parse_rows(content: &str) -> Result<Vec<ImportRow>, AdminError> {
    csv_format::parse(content).map_err(AdminError::BadRequest)
}

/// The upload and its rows read again, for showing them after a transaction that rolled back.
async fn reload(state: &AppState, id: &str, user_id: i32) -> Result<(Upload, Vec<ImportRow>), AdminError> {
    let id = id.to_string();
    state
        .db
        .run(move |db| {
            db.read_blocking(|conn| {
                let upload = load_upload(conn, &id, user_id)?;
                let rows = parse_rows(&upload.content)?;
                Ok((upload, rows))
            })
        })
        .await
}

pub async fn preview(
    path: web::Path<String>,
    user: CurrentUser,
    csrf: CsrfToken,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let user_id = user.0.id;
    // Stored as the import would store it, in a transaction that always rolls back.
    let writer = store::Writer { name: user.0.username.clone(), client_addr: None };
    let upload_id = id.clone();
    let catalogue = state.catalogue().await?;
    let outcome = write::commit(&state, move |conn| -> Result<(Upload, Vec<ImportRow>), Stop> {
        let upload = load_upload(conn, &upload_id, user_id)?;
        if upload.committed {
            return Err(Stop::AlreadyCommitted);
        }
        let rows = parse_rows(&upload.content)?;
        let results = import_rows::store_rows(conn, &catalogue, &rows, &writer, crate::clock::today())?;
        // Never keep anything from a preview.
        let _ = (upload, rows);
        Err(Stop::DryRun(results))
    })
    .await;
    match outcome {
        Err(Stop::DryRun(results)) => {
            let page = preview_again(&state, &id, user_id, &results, &user, &csrf.0, false).await?;
            Ok(layout::respond(page))
        }
        Err(Stop::AlreadyCommitted) => Ok(layout::respond(already_committed(&user, &csrf.0))),
        Err(Stop::Rows(_) | Stop::Unconfirmed(_)) | Ok(_) => {
            Err(AdminError::Internal("a preview must roll back".into()))
        }
        Err(Stop::Admin(e)) => Err(e),
    }
}

pub async fn commit(
    req: HttpRequest,
    path: web::Path<String>,
    user: CurrentUser,
    csrf: CsrfToken,
    form: web::Form<Vec<(String, String)>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let confirmed = form.iter().any(|(k, v)| k == CONFIRM_FIELD && v == "ja");
    let user_id = user.0.id;
    let writer = store::Writer { name: user.0.username.clone(), client_addr: Some(audit::client_addr(&req)) };
    let upload_id = id.clone();
    let catalogue = state.catalogue().await?;
    let outcome = write::commit(&state, move |conn| -> Result<(Upload, Vec<ImportRow>, Vec<RowResult>), Stop> {
        let upload = load_upload(conn, &upload_id, user_id)?;
        // At most once: a second click (or a second tab) finds it committed.
        let claimed = diesel::update(
            csv_uploads::table.filter(csv_uploads::id.eq(&upload_id)).filter(csv_uploads::committed_at.is_null()),
        )
        .set(csv_uploads::committed_at.eq(crate::clock::now().naive_utc()))
        .execute(conn)?;
        if claimed == 0 {
            return Err(Stop::AlreadyCommitted);
        }
        let rows = parse_rows(&upload.content)?;
        let results = import_rows::store_rows(conn, &catalogue, &rows, &writer, crate::clock::today())?;
        if !import_rows::errors(&results).is_empty() {
            return Err(Stop::Rows(results));
        }
        // Rolled back with the claim above: confirming and sending again stores it.
        if !confirmed && !import_rows::warnings(&rows, &results, crate::clock::today()).is_empty() {
            return Err(Stop::Unconfirmed(results));
        }
        let ids: Vec<i32> = results
            .iter()
            .filter_map(|r| match r {
                RowResult::Stored(e) => Some(e.id),
                RowResult::Failed(_) => None,
            })
            .collect();
        // Which agreements the file went to, in the order first met (every row passed, so each resolves).
        let mut slugs: Vec<&str> = Vec::new();
        for row in &rows {
            if let Ok(a) = import_rows::agreement_of(&catalogue, row) {
                if !slugs.contains(&a.slug.as_str()) {
                    slugs.push(&a.slug);
                }
            }
        }
        let details = format!(
            "Import av filen \"{}\": {} sparade{} {} {}.",
            upload.filename,
            events_sv(ids.len()),
            match (ids.first(), ids.last()) {
                (Some(a), Some(b)) => format!(" (händelse {a}–{b})"),
                _ => String::new(),
            },
            if slugs.len() == 1 { "i avtalet" } else { "i avtalen" },
            slugs.join(", ")
        );
        audit::record(conn, &writer.name, Action::ImportCommit, &details, writer.client_addr.as_deref())?;
        Ok((upload, rows, results))
    })
    .await;
    match outcome {
        Ok((upload, rows, results)) => {
            let stored = results.iter().filter(|r| matches!(r, RowResult::Stored(_))).count();
            let names = party_names(&state).await?;
            let featured = state.catalogue().await?.featured().slug.clone();
            Ok(layout::respond(layout::page(
                "Importen är sparad",
                &user,
                &csrf.0,
                html! {
                    h1 { "Importen är sparad" }
                    p.notice role="status" {
                        (events_sv(stored)) " från " (upload.filename) @if stored == 1 { " är sparad." } @else { " är sparade." }
                    }
                    (rows_table(&rows, &results, &names, &featured))
                    p { a href="/admin" { "Till översikten" } }
                },
            )))
        }
        Err(Stop::Rows(results)) => {
            let page = preview_again(&state, &id, user_id, &results, &user, &csrf.0, false).await?;
            Ok(unprocessable(page))
        }
        Err(Stop::Unconfirmed(results)) => {
            let page = preview_again(&state, &id, user_id, &results, &user, &csrf.0, true).await?;
            Ok(unprocessable(page))
        }
        Err(Stop::AlreadyCommitted) => Ok(layout::respond(already_committed(&user, &csrf.0))),
        Err(Stop::DryRun(_)) => Err(AdminError::Internal("a commit is no dry run".into())),
        Err(Stop::Admin(e)) => Err(e),
    }
}

/// "1 rad", "2 rader".
fn rows_sv(n: usize) -> String {
    if n == 1 {
        "1 rad".into()
    } else {
        format!("{n} rader")
    }
}

/// "1 händelse", "2 händelser".
fn events_sv(n: usize) -> String {
    if n == 1 {
        "1 händelse".into()
    } else {
        format!("{n} händelser")
    }
}

/// Party code → name, for showing each row as it will be stored.
async fn party_names(state: &AppState) -> Result<HashMap<String, String>, AdminError> {
    let parties = state.db.run(|db| db.read_blocking(|c| crate::parties::list(c).map_err(AdminError::from))).await?;
    Ok(parties.into_iter().map(|p| (p.code, p.name)).collect())
}

fn unprocessable(page: Markup) -> HttpResponse {
    layout::respond_status(StatusCode::UNPROCESSABLE_ENTITY, page)
}

fn already_committed(user: &CurrentUser, csrf: &str) -> Markup {
    layout::page(
        "Redan sparad",
        user,
        csrf,
        html! {
            h1 { "Importen är redan sparad" }
            p.notice { "Den här filen har redan importerats; inget sparades en gång till." }
            p { a href="/admin" { "Till översikten" } }
        },
    )
}

/// The form field by which the editor confirms having read the rows' warnings.
const CONFIRM_FIELD: &str = "bekraftat";

/// What a preview shows: the upload and each row's outcome.
struct Preview<'a> {
    id: &'a str,
    filename: &'a str,
    rows: &'a [ImportRow],
    results: &'a [RowResult],
    names: &'a HashMap<String, String>,
    /// The slug a row without `avtal` goes to.
    featured: &'a str,
}

/// The preview of upload `id` read again after its dry run or refused commit, with that run's results.
async fn preview_again(
    state: &AppState,
    id: &str,
    user_id: i32,
    results: &[RowResult],
    user: &CurrentUser,
    csrf: &str,
    unconfirmed: bool,
) -> Result<Markup, AdminError> {
    let (upload, rows) = reload(state, id, user_id).await?;
    let names = party_names(state).await?;
    let featured = state.catalogue().await?.featured().slug.clone();
    let preview = Preview { id, filename: &upload.filename, rows: &rows, results, names: &names, featured: &featured };
    Ok(preview_page(user, csrf, &preview, unconfirmed))
}

/// The preview; `unconfirmed` when the editor sent it without confirming the warnings.
fn preview_page(user: &CurrentUser, csrf: &str, p: &Preview, unconfirmed: bool) -> Markup {
    let Preview { id, filename, rows, results, names, featured } = *p;
    let errors: Vec<RowError> = import_rows::errors(results);
    let warnings: Vec<RowError> = import_rows::warnings(rows, results, crate::clock::today());
    let undated = rows.iter().filter(|r| r.raw.decided_on.is_none()).count();
    let warned_rows = warnings.iter().map(|w| w.line).collect::<std::collections::BTreeSet<_>>().len();
    layout::page(
        "Förhandsgranskning",
        user,
        csrf,
        html! {
            h1 { "Förhandsgranskning av " (filename) }
            @if errors.is_empty() {
                p.notice role="status" {
                    @if rows.len() == 1 { "Raden är giltig." } @else { "Alla " (rows_sv(rows.len())) " är giltiga." }
                    " Inget är sparat ännu: granska och spara."
                }
                @if undated > 0 {
                    p.warning {
                        (rows_sv(undated)) " saknar beslutsdatum; "
                        @if undated == 1 { "den gäller" } @else { "de gäller" }
                        " från dagen de sparas (" (format::date(crate::clock::today())) ")."
                    }
                }
                form method="post" action=(format!("/admin/import/{id}")) novalidate {
                    (csrf_field(csrf))
                    @if !warnings.is_empty() {
                        div.alert.warning role="alert" id="varningar" {
                            p { strong { (rows_sv(warned_rows)) " ser ut att innehålla fel. Kontrollera det här innan du sparar:" } }
                            ul { @for w in &warnings { li { "Rad " (w.line) ", kolumnen " (csv_format::swedish_column(&w.field)) ": " (w.message) } } }
                            @if unconfirmed {
                                p.error id="bekraftat-fel" { "Inget är sparat. Kryssa i rutan nedan om uppgifterna stämmer, och spara igen." }
                            }
                            p {
                                input type="checkbox" id="bekraftat" name=(CONFIRM_FIELD) value="ja"
                                    aria-describedby=[unconfirmed.then_some("bekraftat-fel")];
                                label for="bekraftat" { "Jag har läst varningarna och vill spara ändå" }
                            }
                        }
                    }
                    button type="submit" {
                        @if rows.len() == 1 { "Spara händelsen" } @else { "Spara alla " (events_sv(rows.len())) }
                    }
                }
            } @else {
                div.alert role="alert" {
                    p { strong { "Filen har fel på " (rows_sv(errors.iter().map(|e| e.line).collect::<std::collections::BTreeSet<_>>().len())) ". Inget sparas förrän alla rader är rätt." } }
                    ul { @for e in &errors { li { "Rad " (e.line) ", kolumnen " (csv_format::swedish_column(&e.field)) ": " (e.message) } } }
                    p { "Rätta filen och " a href="/admin/import" { "ladda upp den igen" } "." }
                }
            }
            (rows_table(rows, results, names, featured))
        },
    )
}

/// Each row as it will be stored (or was): for a valid row the stored values (trimmed, the status
/// and body by their labels, the corrected event's id resolved), for a refused one what the file says.
fn rows_table(rows: &[ImportRow], results: &[RowResult], names: &HashMap<String, String>, featured: &str) -> Markup {
    let name = |code: &str| names.get(code).map_or_else(|| "okänd part".to_string(), Clone::clone);
    let date = |d: Option<chrono::NaiveDate>| d.map(format::date).unwrap_or_default();
    html! {
        table.import-rows {
            thead {
                tr {
                    th scope="col" { "Rad" }
                    th scope="col" { "Avtal" }
                    th scope="col" { "Part" }
                    th scope="col" { "Status" }
                    th scope="col" { "Organ" }
                    th scope="col" { "Beslutsdatum" }
                    th scope="col" { "Planerat sammanträde" }
                    th scope="col" { "Anslaget" }
                    th scope="col" { "Paragraf" }
                    th scope="col" { "Protokoll" }
                    th scope="col" { "Anteckning" }
                    th scope="col" { "Resultat" }
                }
            }
            tbody {
                @for (row, result) in rows.iter().zip(results) {
                    tr {
                        td { (row.line) }
                        td { code { (row.agreement.as_deref().unwrap_or(featured)) } }
                        @match result {
                            RowResult::Stored(e) => {
                                td { (name(&e.party_code)) " (" (e.party_code) ")" }
                                td { (e.status.label_sv()) }
                                td { (e.body.as_deref().map(body_label).unwrap_or("")) }
                                td { (date(e.decided_on)) }
                                td { (date(e.planned_on)) }
                                td { (date(e.posted_on)) }
                                td { (e.reference.as_deref().unwrap_or("")) }
                                td { @if let Some(u) = &e.protocol_url { a href=(u) rel="noopener noreferrer" { (u) } } }
                                td { (e.note.as_deref().unwrap_or("")) }
                                td {
                                    "OK" @if let Some(c) = e.corrects { " (rättar händelse " (c) ")" }
                                    @for w in validate::warnings_of_stored(e, crate::clock::today(), Audience::Staff) {
                                        p.warning { "Varning: " (w.message) }
                                    }
                                }
                            }
                            RowResult::Failed(errs) => {
                                td { (name(&row.party_code)) " (" (row.party_code) ")" }
                                td {
                                    @let status = row.raw.status.as_deref().unwrap_or("");
                                    (crate::ratification::Status::parse(status).map_or(status, |s| s.label_sv()))
                                }
                                td { (row.raw.body.as_deref().map(body_label).unwrap_or("")) }
                                td { (row.raw.decided_on.as_deref().unwrap_or("")) }
                                td { (row.raw.planned_on.as_deref().unwrap_or("")) }
                                td { (row.raw.posted_on.as_deref().unwrap_or("")) }
                                td { (row.raw.reference.as_deref().unwrap_or("")) }
                                td { (row.raw.protocol_url.as_deref().unwrap_or("")) }
                                td { (row.raw.note.as_deref().unwrap_or("")) }
                                td { @for e in errs { p.error { (e.message) } } }
                            }
                        }
                    }
                }
            }
        }
    }
}
