//! /admin/rapporter (editors and admins): the weekly report to SRO — preview of the coming report,
//! "Skicka nu", every sent report with each recipient's delivery status, and "Skicka igen" for a
//! failed delivery. What these do is `crate::reports::admin`; this is the page around it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::AdminError;
use super::format;
use super::layout::{self, csrf_field};
use super::session::{CsrfToken, CurrentUser};
use crate::audit;
use crate::reports::admin::{self as report_admin, HistoryEntry};
use crate::reports::delivery::Deliverer;
use crate::reports::render::html::week_label;
use crate::reports::{service, worker, ReportError};
use crate::AppState;

/// A message on the page after an action.
enum Notice {
    Done(String),
    Refused(String),
}

#[derive(Deserialize)]
pub struct PageQuery {
    /// The week just sent (after "Skicka nu").
    skickad: Option<String>,
    /// The week just frozen with no recipient configured (after "Skicka nu").
    sparad: Option<String>,
    /// The delivery just put back in the queue (after "Skicka igen").
    igen: Option<i32>,
}

impl From<ReportError> for AdminError {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::UnknownDelivery(_) => AdminError::NotFound("Leveransen finns inte.".into()),
            other => AdminError::Internal(other.into()),
        }
    }
}

pub async fn page(
    user: CurrentUser,
    csrf: CsrfToken,
    query: web::Query<PageQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let query = query.into_inner();
    let notice = match (query.skickad, query.igen) {
        (Some(week), _) => Some(Notice::Done(format!(
            "Rapporten för vecka {} är skickad. Leveranserna har börjat; status syns nedan (ladda om sidan).",
            week_label(&week)
        ))),
        (None, _) if query.sparad.is_some() => Some(Notice::Done(format!(
            "Rapporten för vecka {} är sparad men inte skickad: inga mottagare är inställda. Den skickas till dem \
             som ställs in senare.",
            week_label(query.sparad.as_deref().unwrap_or_default())
        ))),
        (None, Some(id)) => Some(Notice::Done(format!("Leverans {id} ligger i kön igen och skickas nu."))),
        _ => None,
    };
    Ok(layout::respond(render(&user, &csrf.0, &state, notice).await?))
}

async fn render(
    user: &CurrentUser,
    csrf: &str,
    state: &AppState,
    notice: Option<Notice>,
) -> Result<Markup, AdminError> {
    let now = crate::clock::now();
    let (coming, history) = state
        .db
        .run(move |db| {
            let coming = report_admin::coming_week(db, now)?;
            let history = report_admin::history(db, now, worker::CLAIM_LEASE)?;
            Ok::<_, AdminError>((coming, history))
        })
        .await?;
    let current = service::current_week(now);
    let recipients = state.config.report.recipients();
    // This week's report, frozen while nobody was configured: stored, not sent.
    let current_unsent = history
        .iter()
        .any(|h| h.report.week == current.to_string() && h.report.sent_at.is_some() && !h.report.is_sent_to_anyone());
    let content = html! {
        h1 { "Veckorapport till SRO" }
        @match &notice {
            Some(Notice::Done(m)) => div.notice role="status" { p { (m) } },
            Some(Notice::Refused(m)) => div.alert role="alert" { p { (m) } },
            None => {},
        }
        p {
            "Varje vecka skickas en lägesrapport till SRO (politiskt samrådsorgan). Den kommande rapporten gäller vecka "
            strong { (week_label(&coming.to_string())) } "."
        }
        p { a href="/admin/rapporter/forhandsvisning" { "Förhandsgranska den kommande rapporten" } " (som den ser ut just nu; inget sparas)" }
        h2 { "Skicka nu" }
        @if coming == current {
            p { "Rapporten för vecka " (week_label(&current.to_string())) " fryses och skickas till "
                (recipients.len()) " mottagare. En skickad rapport kan inte ändras; en senare rättelse syns i nästa rapport." }
            form method="post" action="/admin/rapporter/skicka" {
                (csrf_field(csrf))
                button type="submit" { "Skicka veckans rapport nu" }
            }
        } @else if current_unsent {
            p { "Veckans rapport är sparad men inte skickad: inga mottagare var inställda. Den skickas till mottagare "
                "som ställs in senare, vid schemats nästa körning eller med knappen här." }
            @if !recipients.is_empty() {
                form method="post" action="/admin/rapporter/skicka" {
                    (csrf_field(csrf))
                    button type="submit" { "Skicka veckans rapport till " (recipients.len()) " mottagare nu" }
                }
            }
        } @else {
            p { "Veckans rapport är redan skickad. Nästa rapport skickas enligt schemat." }
        }
        h2 { "Sparade rapporter" }
        @if history.is_empty() {
            p { "Ingen rapport har skickats än." }
        }
        @for entry in &history {
            (report_section(entry, csrf))
        }
    };
    Ok(layout::page("Veckorapport", user, csrf, content))
}

fn report_section(entry: &HistoryEntry, csrf: &str) -> Markup {
    let r = &entry.report;
    html! {
        h3 {
            "Nr " (r.number) ", vecka " (week_label(&r.week))
            @match r.sent_at {
                Some(at) if r.is_sent_to_anyone() => { ", skickad " (format::timestamp(at)) }
                Some(at) => { ", sparad " (format::timestamp(at)) ", inte skickad" }
                None => { " (utkast)" }
            }
        }
        @if r.sent_at.is_some() {
            p { a href=(format!("/rapporter/{}", r.week)) {
                @if r.is_sent_to_anyone() { "Rapporten som den skickades" } @else { "Rapporten som den sparades" }
            } }
        }
        @if entry.deliveries.is_empty() {
            p { "Inga mottagare." }
        } @else {
            table {
                caption.visually-hidden { "Leveranser av rapport nr " (r.number) }
                thead { tr {
                    th scope="col" { "Mottagare" } th scope="col" { "Status" } th scope="col" { "Försök" }
                    th scope="col" { "Senaste fel" } th scope="col" { "Åtgärd" }
                } }
                tbody {
                    @for d in &entry.deliveries {
                        tr {
                            td { (report_admin::recipient_label(&d.delivery)) }
                            td {
                                (d.status.label_sv())
                                @if let Some(at) = d.delivery.delivered_at { " " (format::timestamp(at)) }
                            }
                            td { (d.delivery.attempts) }
                            td { (report_admin::error_label(&d.delivery).unwrap_or_default()) }
                            td {
                                @if d.can_resend {
                                    form.inline method="post" action=(format!("/admin/rapporter/leveranser/{}/skicka-igen", d.delivery.id)) {
                                        (csrf_field(csrf))
                                        button.secondary type="submit" {
                                            "Skicka igen" span.visually-hidden { " till " (report_admin::recipient_label(&d.delivery)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The coming report as it would read now: the report's own self-contained HTML (its inline
/// styles allowed by hash, see `security_headers`), on a page of its own.
pub async fn preview(state: web::Data<AppState>) -> Result<HttpResponse, AdminError> {
    let now = crate::clock::now();
    let html = state.db.run(move |db| report_admin::preview_html(db, now).map_err(AdminError::from)).await?;
    let mut res = HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html.clone());
    crate::security_headers::allow_inline_styles(&mut res, &html);
    Ok(res)
}

/// "Skicka nu": freezes this week's report, enqueues its deliveries and starts them at once.
pub async fn send_now(
    req: HttpRequest,
    user: CurrentUser,
    csrf: CsrfToken,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let (actor, addr) = (user.0.username.clone(), audit::client_addr(&req));
    let config = state.config.report.clone();
    let now = crate::clock::now();
    let result = state
        .db
        .run(move |db| Ok::<_, AdminError>(report_admin::send_now(db, &config, &actor, Some(&addr), now)))
        .await?;
    match result {
        Ok(released) => {
            deliver_now(&state);
            let what = if released.newly_sent && released.enqueued == 0 { "sparad" } else { "skickad" };
            let location = format!("/admin/rapporter?{what}={}", released.report.week);
            Ok(HttpResponse::SeeOther().insert_header(("Location", location)).finish())
        }
        Err(ReportError::AlreadySent { week, number }) => {
            let message = format!(
                "Rapporten för vecka {} är redan skickad (nr {number}). En skickad rapport skickas inte en gång till; \
                 en enskild misslyckad leverans kan skickas igen nedan.",
                week_label(&week)
            );
            refused(&user, &csrf.0, &state, StatusCode::CONFLICT, message).await
        }
        Err(ReportError::NoRecipients { week, number }) => {
            let message = format!(
                "Rapporten för vecka {} (nr {number}) är sparad men inte skickad: inga mottagare är inställda \
                 (RATIFY_REPORT_WEBHOOKS, RATIFY_REPORT_EMAILS). Den skickas till dem som ställs in senare.",
                week_label(&week)
            );
            refused(&user, &csrf.0, &state, StatusCode::CONFLICT, message).await
        }
        Err(e) => Err(e.into()),
    }
}

/// "Skicka igen" for a failed delivery (or an e-mail whose outcome is unknown).
pub async fn resend(
    req: HttpRequest,
    path: web::Path<i32>,
    user: CurrentUser,
    csrf: CsrfToken,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let (actor, addr) = (user.0.username.clone(), audit::client_addr(&req));
    let config = state.config.report.clone();
    let now = crate::clock::now();
    let result = state
        .db
        .run(move |db| {
            Ok::<_, AdminError>(report_admin::resend(db, &config, id, &actor, Some(&addr), now, worker::CLAIM_LEASE))
        })
        .await?;
    match result {
        Ok(_) => {
            deliver_now(&state);
            Ok(HttpResponse::SeeOther().insert_header(("Location", format!("/admin/rapporter?igen={id}"))).finish())
        }
        Err(ReportError::NotResendable { id, state: how }) => {
            let message = format!(
                "Leverans {id} kan inte skickas igen: den är {}. Bara en misslyckad leverans, eller ett e-brev med \
                 okänt utfall, kan skickas igen.",
                how.to_lowercase()
            );
            refused(&user, &csrf.0, &state, StatusCode::CONFLICT, message).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn refused(
    user: &CurrentUser,
    csrf: &str,
    state: &AppState,
    status: StatusCode,
    message: String,
) -> Result<HttpResponse, AdminError> {
    let page = render(user, csrf, state, Some(Notice::Refused(message))).await?;
    Ok(layout::respond_status(status, page))
}

/// Starts delivering what is due in the background, so the staff need not wait for the
/// scheduler's next pass (claims in the outbox keep it from racing the scheduler).
fn deliver_now(state: &AppState) {
    let config = &state.config.report;
    let deliverer = match Deliverer::new(config) {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "report delivery could not start; the scheduler will retry");
            return;
        }
    };
    let (db, base) = (state.db.clone(), config.retry_base);
    actix_web::rt::spawn(async move {
        let worker_id = worker::new_worker_id();
        if let Err(e) = service::deliver_due(&db, &deliverer, &worker_id, base).await {
            tracing::error!(error = %e, "report delivery after a staff action failed; the scheduler will retry");
        }
    });
}
