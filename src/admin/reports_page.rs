//! /admin/rapporter (editors and admins): the weekly report to SRO — preview of the coming report,
//! "Skicka nu", every sent report with each recipient's delivery status, and "Skicka igen" for a
//! failed delivery. What these do is `crate::reports::admin`; this is the page around it.
//!
//! One agreement at a time, chosen with `?avtal=SLUG` (default the featured one, whose page reads
//! as before there were several and goes by the configuration's settings). Another agreement's
//! page also shows its report settings; admins change them there.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::AdminError;
use super::format;
use super::layout::{self, csrf_field};
use super::session::{CsrfToken, CurrentUser};
use crate::agreement::Agreement;
use crate::audit;
use crate::reports::admin::{self as report_admin, HistoryEntry};
use crate::reports::config::ReportConfig;
use crate::reports::delivery::Deliverer;
use crate::reports::render::html::week_label;
use crate::reports::settings::{self, FieldError, SettingsForm};
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
    /// The agreement whose reports are shown (its slug); none: the featured one.
    avtal: Option<String>,
    /// Set after the agreement's settings were saved.
    sparat: Option<String>,
}

/// `?avtal=SLUG` on the forms' addresses.
#[derive(Deserialize)]
pub struct AgreementQuery {
    avtal: Option<String>,
}

/// The agreement whose reports a page is about, whether it is the featured one, and the settings
/// its reports go by.
struct Chosen {
    agreement: std::sync::Arc<Agreement>,
    featured: bool,
    config: ReportConfig,
    others: Vec<std::sync::Arc<Agreement>>,
    featured_agreement: std::sync::Arc<Agreement>,
}

impl Chosen {
    /// "" for the featured agreement (today's addresses), "?avtal=SLUG" / "&avtal=SLUG" otherwise.
    fn query(&self, first: bool) -> String {
        if self.featured {
            String::new()
        } else {
            format!("{}avtal={}", if first { '?' } else { '&' }, self.agreement.slug)
        }
    }

    fn archive(&self, week: &str) -> String {
        if self.featured {
            format!("/rapporter/{week}")
        } else {
            format!("/avtal/{}/rapporter/{week}", self.agreement.slug)
        }
    }
}

async fn choose(state: &AppState, slug: Option<&str>) -> Result<Chosen, AdminError> {
    let catalogue = state.catalogue().await.map_err(|e| AdminError::Internal(e.into()))?;
    let featured_agreement = catalogue.featured().clone();
    let agreement = match slug.filter(|s| !s.is_empty()) {
        None => featured_agreement.clone(),
        Some(s) => catalogue
            .by_slug(s)
            .cloned()
            .ok_or_else(|| AdminError::NotFound(format!("Det finns inget avtal med kortnamnet {s}.")))?,
    };
    let featured = agreement.slug == featured_agreement.slug;
    let base = state.config.report.clone();
    let config = if featured {
        base
    } else {
        let id = agreement.id;
        let stored =
            state.db.run(move |db| db.read_blocking(|c| settings::load(c, id).map_err(ReportError::from))).await?;
        settings::config_for(&base, &featured_agreement.slug, &agreement, stored.as_ref())
    };
    let others = catalogue.others().cloned().collect();
    Ok(Chosen { agreement, featured, config, others, featured_agreement })
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
        _ if query.sparat.is_some() => Some(Notice::Done("Inställningarna för rapporterna är sparade.".into())),
        _ => None,
    };
    let chosen = choose(&state, query.avtal.as_deref()).await?;
    Ok(layout::respond(render(&user, &csrf.0, &state, &chosen, notice, None).await?))
}

/// The settings form as typed and its errors, when a save was refused.
type Typed<'a> = Option<(&'a SettingsForm, &'a [FieldError])>;

async fn render(
    user: &CurrentUser,
    csrf: &str,
    state: &AppState,
    chosen: &Chosen,
    notice: Option<Notice>,
    typed: Typed<'_>,
) -> Result<Markup, AdminError> {
    let now = crate::clock::now();
    let id = chosen.agreement.id;
    let (coming, history) = state
        .db
        .run(move |db| {
            let coming = report_admin::coming_week_in(db, id, now)?;
            let history = report_admin::history_in(db, id, now, worker::CLAIM_LEASE)?;
            Ok::<_, AdminError>((coming, history))
        })
        .await?;
    let current = service::current_week(now);
    let recipients = chosen.config.recipients();
    let send_action = format!("/admin/rapporter/skicka{}", chosen.query(true));
    // This week's report, frozen while nobody was configured: stored, not sent.
    let current_unsent = history
        .iter()
        .any(|h| h.report.week == current.to_string() && h.report.sent_at.is_some() && !h.report.is_sent_to_anyone());
    let content = html! {
        @if chosen.featured {
            h1 { "Veckorapport till SRO" }
        } @else {
            h1 { "Veckorapport till SRO – " (chosen.agreement.short_title) }
        }
        (agreement_nav(chosen))
        @match &notice {
            Some(Notice::Done(m)) => div.notice role="status" { p { (m) } },
            Some(Notice::Refused(m)) => div.alert role="alert" { p { (m) } },
            None => {},
        }
        p {
            "Varje vecka skickas en lägesrapport till SRO (politiskt samrådsorgan). Den kommande rapporten gäller vecka "
            strong { (week_label(&coming.to_string())) } "."
        }
        @if !chosen.featured {
            (settings_section(chosen, user, csrf, typed))
        }
        p { a href=(format!("/admin/rapporter/forhandsvisning{}", chosen.query(true))) { "Förhandsgranska den kommande rapporten" } " (som den ser ut just nu; inget sparas)" }
        h2 { "Skicka nu" }
        @if coming == current {
            p { "Rapporten för vecka " (week_label(&current.to_string())) " fryses och skickas till "
                (recipients.len()) " mottagare. En skickad rapport kan inte ändras; en senare rättelse syns i nästa rapport." }
            form method="post" action=(send_action) {
                (csrf_field(csrf))
                button type="submit" { "Skicka veckans rapport nu" }
            }
        } @else if current_unsent {
            p { "Veckans rapport är sparad men inte skickad: inga mottagare var inställda. Den skickas till mottagare "
                "som ställs in senare, vid schemats nästa körning eller med knappen här." }
            @if !recipients.is_empty() {
                form method="post" action=(send_action) {
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
            (report_section(entry, csrf, chosen))
        }
    };
    Ok(layout::page("Veckorapport", user, csrf, content))
}

/// Links to the other agreements' report pages (none when there is only one agreement).
fn agreement_nav(chosen: &Chosen) -> Markup {
    let mut all = vec![chosen.featured_agreement.clone()];
    all.extend(chosen.others.iter().cloned());
    html! {
        @if all.len() > 1 {
            nav aria-label="Avtal" {
                p { "Rapporter för avtalet:" }
                ul {
                    @for a in &all {
                        li {
                            @let href = if a.slug == chosen.featured_agreement.slug {
                                "/admin/rapporter".to_string()
                            } else {
                                format!("/admin/rapporter?avtal={}", a.slug)
                            };
                            @if a.slug == chosen.agreement.slug {
                                a href=(href) aria-current="page" { (a.short_title) }
                            } @else {
                                a href=(href) { (a.short_title) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Another agreement's report settings: a form for admins, a summary for editors.
fn settings_section(chosen: &Chosen, user: &CurrentUser, csrf: &str, typed: Typed<'_>) -> Markup {
    let c = &chosen.config;
    let is_admin = user.0.role == crate::accounts::Role::Admin;
    let err =
        |field: &str| typed.and_then(|(_, errs)| errs.iter().find(|e| e.field == field)).map(|e| e.message.clone());
    let (enabled, schedule, webhooks, emails) = match typed {
        Some((f, _)) => (f.enabled.is_some(), f.schedule.clone(), f.webhooks.clone(), f.emails.clone()),
        None => (c.enabled, c.schedule.to_string(), c.webhooks.join(", "), c.emails.join(", ")),
    };
    let field = |id: &'static str, label: &'static str, value: String, hint: &'static str| {
        let message = err(id);
        let described = if message.is_some() { format!("{id}-tips {id}-fel") } else { format!("{id}-tips") };
        html! {
            div.field {
                label for=(id) { (label) }
                p.hint id=(format!("{id}-tips")) { (hint) }
                (layout::field_error(id, message.as_deref()))
                input type="text" id=(id) name=(id) value=(value) aria-describedby=(described)
                    aria-invalid=[message.as_ref().map(|_| "true")];
            }
        }
    };
    html! {
        h2 { "Inställningar för rapporterna" }
        @if let Some((_, errs)) = typed {
            div.alert role="alert" {
                p { "Inställningarna sparades inte. Rätta det som står vid fälten:" }
                ul { @for e in errs { li { a href=(format!("#{}", e.field)) { (e.label) ": " (e.message) } } } }
            }
        }
        @if is_admin {
            form method="post" action=(format!("/admin/rapporter/installningar{}", chosen.query(true))) {
                (csrf_field(csrf))
                div.field {
                    input type="checkbox" id="enabled" name="enabled" value="ja" checked[enabled];
                    label for="enabled" { "Skicka rapporter enligt schemat" }
                }
                (field("schedule", settings::LABEL_SCHEDULE, schedule, "Veckodag och klockslag (svensk tid), t.ex. måndag 07:00."))
                (field("webhooks", settings::LABEL_WEBHOOKS, webhooks, "Adresser som börjar med https://, åtskilda med kommatecken."))
                (field("emails", settings::LABEL_EMAILS, emails, "E-postadresser, åtskilda med kommatecken."))
                button type="submit" { "Spara inställningarna" }
            }
        } @else {
            p {
                @if c.enabled { "Rapporterna skickas enligt schemat: " (c.schedule) ". " } @else { "Rapporterna skickas inte enligt schema. " }
                (c.recipients().len()) " mottagare. Bara en administratör kan ändra inställningarna."
            }
        }
    }
}

fn report_section(entry: &HistoryEntry, csrf: &str, chosen: &Chosen) -> Markup {
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
            p { a href=(chosen.archive(&r.week)) {
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
pub async fn preview(
    query: web::Query<AgreementQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let now = crate::clock::now();
    let agreement = choose(&state, query.avtal.as_deref()).await?.agreement;
    let html =
        state.db.run(move |db| report_admin::preview_html_in(db, &agreement, now).map_err(AdminError::from)).await?;
    let mut res = HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html.clone());
    crate::security_headers::allow_inline_styles(&mut res, &html);
    Ok(res)
}

/// "Skicka nu": freezes this week's report, enqueues its deliveries and starts them at once.
pub async fn send_now(
    req: HttpRequest,
    user: CurrentUser,
    csrf: CsrfToken,
    query: web::Query<AgreementQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let (actor, addr) = (user.0.username.clone(), audit::client_addr(&req));
    let chosen = choose(&state, query.avtal.as_deref()).await?;
    let (agreement, config) = (chosen.agreement.clone(), chosen.config.clone());
    let now = crate::clock::now();
    let result = state
        .db
        .run(move |db| {
            Ok::<_, AdminError>(report_admin::send_now_for(db, &agreement, &config, &actor, Some(&addr), now))
        })
        .await?;
    match result {
        Ok(released) => {
            deliver_now(&state);
            let what = if released.newly_sent && released.enqueued == 0 { "sparad" } else { "skickad" };
            let location = format!("/admin/rapporter?{what}={}{}", released.report.week, chosen.query(false));
            Ok(HttpResponse::SeeOther().insert_header(("Location", location)).finish())
        }
        Err(ReportError::AlreadySent { week, number }) => {
            let message = format!(
                "Rapporten för vecka {} är redan skickad (nr {number}). En skickad rapport skickas inte en gång till; \
                 en enskild misslyckad leverans kan skickas igen nedan.",
                week_label(&week)
            );
            refused(&user, &csrf.0, &state, &chosen, StatusCode::CONFLICT, message).await
        }
        Err(ReportError::NoRecipients { week, number }) => {
            // The featured agreement's recipients are the configuration's; another's are on this page.
            let where_set = if chosen.featured {
                "RATIFY_REPORT_WEBHOOKS, RATIFY_REPORT_EMAILS"
            } else {
                "under Inställningar för rapporterna"
            };
            let message = format!(
                "Rapporten för vecka {} (nr {number}) är sparad men inte skickad: inga mottagare är inställda \
                 ({where_set}). Den skickas till dem som ställs in senare.",
                week_label(&week)
            );
            refused(&user, &csrf.0, &state, &chosen, StatusCode::CONFLICT, message).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Saves another agreement's report settings (admins only): checked like the configuration, each
/// error beside its field (422).
pub async fn save_settings(
    crate::admin::session::RequireAdmin(user): crate::admin::session::RequireAdmin,
    csrf: CsrfToken,
    query: web::Query<AgreementQuery>,
    form: web::Form<SettingsForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let chosen = choose(&state, query.avtal.as_deref()).await?;
    if chosen.featured {
        let message = "Det utvalda avtalets rapporter styrs av tjänstens inställningar (RATIFY_REPORT_*), inte här.";
        return refused(&user, &csrf.0, &state, &chosen, StatusCode::CONFLICT, message.into()).await;
    }
    let form = form.into_inner();
    let parsed = match settings::parse(&form, &state.config.report) {
        Ok(p) => p,
        Err(errors) => {
            let page = render(&user, &csrf.0, &state, &chosen, None, Some((&form, &errors))).await?;
            return Ok(layout::respond_status(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
    };
    let (id, actor, now) = (chosen.agreement.id, user.0.username.clone(), crate::clock::now());
    state
        .db
        .run(move |db| db.write_blocking(|c| settings::save(c, id, &parsed, &actor, now).map_err(ReportError::from)))
        .await?;
    let location = format!("/admin/rapporter?sparat=1{}", chosen.query(false));
    Ok(HttpResponse::SeeOther().insert_header(("Location", location)).finish())
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
            let chosen = choose(&state, None).await?;
            refused(&user, &csrf.0, &state, &chosen, StatusCode::CONFLICT, message).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn refused(
    user: &CurrentUser,
    csrf: &str,
    state: &AppState,
    chosen: &Chosen,
    status: StatusCode,
    message: String,
) -> Result<HttpResponse, AdminError> {
    let page = render(user, csrf, state, chosen, Some(Notice::Refused(message)), None).await?;
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
