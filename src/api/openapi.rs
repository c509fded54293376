//! The OpenAPI 3 description of the JSON API, served at `/api/v1/openapi.json` and shown as the
//! page `/api` (see `docs_page`).
//!
//! The paths are declared here on stub functions, not on the handlers, so that the handler files
//! stay about handling; a test checks that every route `api::configure` registers is declared.
//! The rules engine's enums get their schemas here too (the engine knows nothing of HTTP), built
//! from the engine's own lists of codes so they cannot drift.

use std::borrow::Cow;
use std::sync::OnceLock;

use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Server};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use super::dto::{AgreementInfoDto, EventDto, PartyDto, StatusDto};
use crate::agreement::RULE_MORE_THAN_HALF;
use crate::error::ApiError;
use crate::http_cache::{self, Rendered};
use crate::ratification::{PartyKind, Status};
use crate::AppState;

/// The document, as served.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ratify – API för hälso- och sjukvårdsavtalet 2027",
        version = "1",
        description = "Hur Västra Götalandsregionen och de 49 kommunerna i Västra Götaland beslutar om \
            Hälso- och sjukvårdsavtalet som ska gälla från 1 januari 2027. JSON i UTF-8, datum som \
            ÅÅÅÅ-MM-DD, tidpunkter enligt RFC 3339. Alla fel svarar med \
            {\"error\":{\"code\":\"…\",\"message\":\"…\"}} och ett svenskt meddelande som namnger \
            parametern eller fältet. Läsning kräver ingen inloggning; att registrera händelser kräver \
            en API-nyckel. En installation kan följa flera avtal: /api/v1/agreements listar dem, och \
            varje avtals läge, parter och händelser finns under /api/v1/agreements/{slug}. Adresserna \
            utan avtal (/api/v1/status och de andra) gäller installationens utvalda avtal, det som \
            har featured: true.",
        license(name = "MIT")
    ),
    paths(
        status,
        parties,
        party,
        events,
        create_event,
        withdraw_event,
        agreements,
        agreement,
        agreement_status,
        agreement_parties,
        agreement_party,
        agreement_create_event,
        agreement_events,
        agreement_withdraw_event,
        openapi_json
    ),
    components(schemas(ErrorBody, NewEvent, Withdrawal)),
    modifiers(&BearerSecurity),
    tags(
        (name = "Avtal", description = "Avtalen som installationen följer"),
        (name = "Läget", description = "Villkoren och utfallet vid ett datum"),
        (name = "Parter", description = "Avtalets parter och deras beslut"),
        (name = "Händelser", description = "Beslutsloggen: läsa och registrera händelser"),
        (name = "Beskrivning", description = "Det här dokumentet")
    )
)]
pub struct ApiDoc;

/// The document as JSON, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

/// The document with its `servers` entry: the service's public address (see
/// [`crate::web_address::public_base_url`]).
pub fn document_for(base: &str) -> utoipa::openapi::OpenApi {
    let mut doc = document().clone();
    doc.servers = Some(vec![Server::new(base)]);
    doc
}

/// GET /api/v1/openapi.json (through the response cache: its `servers` may name the request's host).
pub async fn json(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let base = crate::web_address::public_base_url(&req, &state);
    let key = crate::opendata::base_keyed(req.path(), &base);
    let agreement = state.catalogue().await?.featured().clone();
    http_cache::cached_keyed(&req, &state, &agreement, key, move |_| {
        let body = document_for(&base).to_pretty_json().map_err(|e| ApiError::Internal(e.into()))?;
        Ok(Rendered::new("application/json", body))
    })
    .await
}

struct BearerSecurity;

impl Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "API-nyckel från `ratify token create --name NAMN`, skickad som \
                         `Authorization: Bearer <nyckel>`.",
                    ))
                    .build(),
            ),
        );
    }
}

// ---- the paths --------------------------------------------------------------------------------
// Declarations only: the handlers are in status.rs, parties.rs and events.rs.

/// Villkoren och utfallet vid ett datum
///
/// Båda villkoren ("en för alla, alla för en" och majoritetsalternativet), antal parter per
/// status och vem avtalet gäller för, så som beslutsloggen ser ut vid datumet.
#[utoipa::path(
    get,
    path = "/api/v1/status",
    tag = "Läget",
    params(
        ("as_of" = Option<chrono::NaiveDate>, Query,
            description = "Datum att räkna vid, ÅÅÅÅ-MM-DD (standard: i dag, svensk tid).", example = "2026-03-24")
    ),
    responses(
        (status = 200, description = "Läget vid datumet.", body = StatusDto),
        (status = 400, description = "Ogiltigt datum eller okänd parameter.", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn status() {}

/// Alla 50 parter
///
/// Regionen först, sedan kommunerna i kodordning, med status i dag, status per delavtal,
/// senaste beslut och nästa planerade sammanträde.
#[utoipa::path(
    get,
    path = "/api/v1/parties",
    tag = "Parter",
    responses(
        (status = 200, description = "De 50 parterna.", body = Vec<PartyDto>),
        (status = 400, description = "Adressen tar inga parametrar.", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn parties() {}

/// En part med hela sin historik
///
/// Som i listan, och dessutom alla partens händelser i den ordning de registrerades (även
/// rättade händelser, markerade med `corrected_by`).
#[utoipa::path(
    get,
    path = "/api/v1/parties/{code}",
    tag = "Parter",
    params(
        ("code" = String, Path, description = "Kommunkod (fyra siffror) eller 14 för regionen.", example = "1480")
    ),
    responses(
        (status = 200, description = "Parten med fältet `events`.", body = PartyDto),
        (status = 400, description = "Adressen tar inga parametrar.", body = ErrorBody),
        (status = 404, description = "Ingen part har koden, eller parten ingår inte i avtalet.", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn party() {}

/// Alla händelser
///
/// Hela beslutsloggen, nyast först; med `since` bara de som registrerats efter tidpunkten.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "Händelser",
    params(
        ("since" = Option<String>, Query, format = DateTime,
            description = "Bara händelser registrerade efter denna tidpunkt (RFC 3339).",
            example = "2026-03-24T10:00:00Z")
    ),
    responses(
        (status = 200, description = "Händelserna.", body = Vec<EventDto>),
        (status = 400, description = "Ogiltig tidpunkt eller okänd parameter.", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn events() {}

/// Registrera en händelse
///
/// Lägger till en händelse i partens beslutslogg (loggen ändras aldrig i efterhand: ett fel rättas
/// med en ny händelse som anger `corrects`, eller dras tillbaka, se nedan). Svaret är den lagrade
/// händelsen, med `recorded_by`.
/// En avvisad händelse lagrar ingenting.
#[utoipa::path(
    post,
    path = "/api/v1/parties/{code}/events",
    tag = "Händelser",
    params(
        ("code" = String, Path, description = "Kommunkod (fyra siffror) eller 14 för regionen.", example = "1480")
    ),
    request_body(content = NewEvent, content_type = "application/json", example = json!({
        "status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 45",
        "protocol_url": "https://example.se/kf-2026-03-24.pdf", "posted_on": "2026-03-30"
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Händelsen är lagrad.", body = EventDto,
            headers(("Location" = String, description = "Partens adress i API:t."))),
        (status = 400, description = "Begäran är inte giltig JSON.", body = ErrorBody),
        (status = 401, description = "API-nyckel saknas eller är ogiltig.", body = ErrorBody),
        (status = 404, description = "Ingen part har koden, eller parten ingår inte i avtalet.", body = ErrorBody),
        (status = 422, description = "Ett eller flera fält är ogiltiga; `field` och `fields` namnger dem.",
            body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn create_event() {}

/// Dra tillbaka en händelse
///
/// För en händelse som registrerades av misstag: lagrar en rättelse som ersätter den med
/// ingenting. Den nya händelsen har status `withdrawn`, anger den tillbakadragna i `corrects` och
/// motiveringen i `note`. Den tillbakadragna händelsen räknas sedan inte någonstans (status och
/// villkor räknas om som om den aldrig hade registrerats) men finns kvar i loggen med
/// `corrected_by`. Ett tillbakadragande kan inte självt rättas eller dras tillbaka: var det fel,
/// registrera händelsen på nytt.
#[utoipa::path(
    post,
    path = "/api/v1/events/{id}/withdraw",
    tag = "Händelser",
    params(("id" = i32, Path, description = "Id för händelsen som dras tillbaka.", example = 42)),
    request_body(content = Withdrawal, content_type = "application/json", example = json!({
        "reason": "Beslutet registrerades på fel kommun."
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Tillbakadragandet är lagrat (en händelse med status `withdrawn`).",
            body = EventDto, headers(("Location" = String, description = "Partens adress i API:t."))),
        (status = 400, description = "Begäran är inte giltig JSON.", body = ErrorBody),
        (status = 401, description = "API-nyckel saknas eller är ogiltig.", body = ErrorBody),
        (status = 404, description = "Ingen händelse har id:t.", body = ErrorBody),
        (status = 422, description = "Motivering saknas (`field` är `reason`), eller händelsen är redan rättad, \
            tillbakadragen eller själv ett tillbakadragande (`field` är `id`).", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn withdraw_event() {}

// ---- the same per agreement --------------------------------------------------------------------
// The handlers are the ones above: the agreement comes from `{slug}` instead of the setting.

/// Alla avtal
///
/// Varje avtal som installationen följer, äldst först: titlar, datum, regler (majoritetens storlek
/// räknad för just det avtalet), delavtal, parternas koder och adresserna till avtalets resurser.
/// `featured` är sant för det avtal som adresserna utan avtal visar.
#[utoipa::path(
    get,
    path = "/api/v1/agreements",
    tag = "Avtal",
    responses(
        (status = 200, description = "Avtalen.", body = Vec<AgreementInfoDto>),
        (status = 400, description = "Adressen tar inga parametrar.", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn agreements() {}

/// Ett avtal
///
/// Som i listan.
#[utoipa::path(
    get,
    path = "/api/v1/agreements/{slug}",
    tag = "Avtal",
    params(("slug" = String, Path, description = SLUG, example = "hos-2027")),
    responses(
        (status = 200, description = "Avtalet.", body = AgreementInfoDto),
        (status = 400, description = "Adressen tar inga parametrar.", body = ErrorBody),
        (status = 404, description = "Inget avtal har beteckningen.", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn agreement() {}

/// Ett avtals villkor och utfall vid ett datum
///
/// Som `/api/v1/status`, för avtalet i adressen: dess parter, dess regler.
#[utoipa::path(
    get,
    path = "/api/v1/agreements/{slug}/status",
    tag = "Läget",
    params(
        ("slug" = String, Path, description = SLUG, example = "hos-2027"),
        ("as_of" = Option<chrono::NaiveDate>, Query,
            description = "Datum att räkna vid, ÅÅÅÅ-MM-DD (standard: i dag, svensk tid).", example = "2026-03-24")
    ),
    responses(
        (status = 200, description = "Läget vid datumet.", body = StatusDto),
        (status = 400, description = "Ogiltigt datum eller okänd parameter.", body = ErrorBody),
        (status = 404, description = "Inget avtal har beteckningen.", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn agreement_status() {}

/// Ett avtals parter
///
/// Som `/api/v1/parties`, men bara avtalets parter.
#[utoipa::path(
    get,
    path = "/api/v1/agreements/{slug}/parties",
    tag = "Parter",
    params(("slug" = String, Path, description = SLUG, example = "hos-2027")),
    responses(
        (status = 200, description = "Avtalets parter.", body = Vec<PartyDto>),
        (status = 400, description = "Adressen tar inga parametrar.", body = ErrorBody),
        (status = 404, description = "Inget avtal har beteckningen.", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn agreement_parties() {}

/// En part i ett avtal, med hela sin historik i det
///
/// Som `/api/v1/parties/{code}`: partens status och händelser i avtalet i adressen. En part som
/// finns men inte ingår i avtalet ger 404 som namnger både parten och avtalet.
#[utoipa::path(
    get,
    path = "/api/v1/agreements/{slug}/parties/{code}",
    tag = "Parter",
    params(
        ("slug" = String, Path, description = SLUG, example = "hos-2027"),
        ("code" = String, Path, description = "Kommunkod (fyra siffror) eller 14 för regionen.", example = "1480")
    ),
    responses(
        (status = 200, description = "Parten med fältet `events`.", body = PartyDto),
        (status = 400, description = "Adressen tar inga parametrar.", body = ErrorBody),
        (status = 404, description = "Inget avtal har beteckningen, ingen part har koden, eller parten ingår \
            inte i avtalet.", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn agreement_party() {}

/// Ett avtals händelser
///
/// Som `/api/v1/events`, men bara avtalets händelser.
#[utoipa::path(
    get,
    path = "/api/v1/agreements/{slug}/events",
    tag = "Händelser",
    params(
        ("slug" = String, Path, description = SLUG, example = "hos-2027"),
        ("since" = Option<String>, Query, format = DateTime,
            description = "Bara händelser registrerade efter denna tidpunkt (RFC 3339).",
            example = "2026-03-24T10:00:00Z")
    ),
    responses(
        (status = 200, description = "Händelserna.", body = Vec<EventDto>),
        (status = 400, description = "Ogiltig tidpunkt eller okänd parameter.", body = ErrorBody),
        (status = 404, description = "Inget avtal har beteckningen.", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn agreement_events() {}

/// Registrera en händelse i ett avtal
///
/// Som `POST /api/v1/parties/{code}/events`, i avtalet i adressen; parten ska ingå i det.
/// `Location` pekar på partens adress under avtalet.
#[utoipa::path(
    post,
    path = "/api/v1/agreements/{slug}/parties/{code}/events",
    tag = "Händelser",
    params(
        ("slug" = String, Path, description = SLUG, example = "hos-2027"),
        ("code" = String, Path, description = "Kommunkod (fyra siffror) eller 14 för regionen.", example = "1480")
    ),
    request_body(content = NewEvent, content_type = "application/json", example = json!({
        "status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 45",
        "protocol_url": "https://example.se/kf-2026-03-24.pdf", "posted_on": "2026-03-30"
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Händelsen är lagrad.", body = EventDto,
            headers(("Location" = String, description = "Partens adress under avtalet."))),
        (status = 400, description = "Begäran är inte giltig JSON.", body = ErrorBody),
        (status = 401, description = "API-nyckel saknas eller är ogiltig.", body = ErrorBody),
        (status = 404, description = "Inget avtal har beteckningen, ingen part har koden, eller parten ingår \
            inte i avtalet.", body = ErrorBody),
        (status = 422, description = "Ett eller flera fält är ogiltiga; `field` och `fields` namnger dem.",
            body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn agreement_create_event() {}

/// Dra tillbaka en händelse i ett avtal
///
/// Som `POST /api/v1/events/{id}/withdraw`; händelsen ska höra till avtalet i adressen.
#[utoipa::path(
    post,
    path = "/api/v1/agreements/{slug}/events/{id}/withdraw",
    tag = "Händelser",
    params(
        ("slug" = String, Path, description = SLUG, example = "hos-2027"),
        ("id" = i32, Path, description = "Id för händelsen som dras tillbaka.", example = 42)
    ),
    request_body(content = Withdrawal, content_type = "application/json", example = json!({
        "reason": "Beslutet registrerades på fel kommun."
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Tillbakadragandet är lagrat (en händelse med status `withdrawn`).",
            body = EventDto, headers(("Location" = String, description = "Partens adress under avtalet."))),
        (status = 400, description = "Begäran är inte giltig JSON.", body = ErrorBody),
        (status = 401, description = "API-nyckel saknas eller är ogiltig.", body = ErrorBody),
        (status = 404, description = "Inget avtal har beteckningen, eller ingen händelse i avtalet har id:t.",
            body = ErrorBody),
        (status = 422, description = "Motivering saknas (`field` är `reason`), eller händelsen är redan rättad, \
            tillbakadragen eller själv ett tillbakadragande (`field` är `id`).", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn agreement_withdraw_event() {}

const SLUG: &str = "Avtalets beteckning, som i `/api/v1/agreements`.";

/// Den här beskrivningen
///
/// API:t beskrivet enligt OpenAPI 3. En läsbar version finns på /api.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "Beskrivning",
    responses((status = 200, description = "OpenAPI-dokumentet.", content_type = "application/json"))
)]
#[allow(dead_code)]
fn openapi_json() {}

// ---- schemas of the request and error bodies --------------------------------------------------

/// Felsvar: alla fel har den här formen.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(ToSchema)]
#[allow(dead_code)]
struct ErrorDetail {
    /// Maskinläsbar felkod.
    #[schema(example = "invalid_field")]
    code: ErrorCode,
    /// Vad som är fel, på svenska.
    message: String,
    /// Vid 400 för en parameter: dess namn.
    parameter: Option<String>,
    /// Vid 422: det första ogiltiga fältet.
    field: Option<String>,
    /// Vid 422: alla ogiltiga fält.
    fields: Option<Vec<FieldProblem>>,
}

#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum ErrorCode {
    BadParameter,
    BadRequest,
    Unauthorized,
    NotFound,
    InvalidField,
    Internal,
}

#[derive(ToSchema)]
#[allow(dead_code)]
struct FieldProblem {
    field: String,
    message: String,
}

/// En ny händelse. Okända fält avvisas.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewEvent {
    /// Händelsens status.
    #[schema(value_type = StatusSchema)]
    status: String,
    /// Organet: KF eller KS för en kommun, RF eller RS för regionen, annars `other`.
    #[schema(example = "KF")]
    body: Option<String>,
    /// Beslutsdatum; krävs för adopted, rejected, referred_back och tabled; inte efter i dag.
    decided_on: Option<chrono::NaiveDate>,
    /// Datum för det planerade sammanträdet; krävs för scheduled.
    planned_on: Option<chrono::NaiveDate>,
    /// Paragraf, t.ex. "KF § 45".
    #[schema(example = "KF § 45")]
    reference: Option<String>,
    /// Länk till protokollet (http eller https).
    #[schema(example = "https://example.se/kf-2026-03-24.pdf")]
    protocol_url: Option<String>,
    /// Dagen då det justerade protokollet anslogs; laga kraft räknas därifrån när avtalet kräver det.
    posted_on: Option<chrono::NaiveDate>,
    /// Anteckning, högst 4 000 tecken; krävs vid rättelse.
    note: Option<String>,
    /// Id för en tidigare händelse hos samma part som denna rättar.
    corrects: Option<i32>,
    /// De delavtal beslutet gäller, om inte alla fem.
    instruments: Option<Vec<String>>,
}

/// Ett tillbakadragande. Okända fält avvisas.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Withdrawal {
    /// Varför händelsen dras tillbaka; krävs, högst 4 000 tecken.
    #[schema(example = "Beslutet registrerades på fel kommun.")]
    reason: String,
}

// ---- the rules engine's enums, as schemas -----------------------------------------------------

/// A schema type of its own name in the document: `named_schema! { Type = "Name", expression }`
/// declares the type and both utoipa traits, so each schema is written once.
macro_rules! named_schema {
    ($(#[$doc:meta])* $ty:ident = $name:literal, $($schema:tt)+) => {
        $(#[$doc])*
        pub struct $ty;

        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                $($schema)+
            }
        }

        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                $name.into()
            }
        }
    };
}

fn string_enum(codes: impl IntoIterator<Item = &'static str>, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes)).description(Some(description)).into()
}

named_schema! {
    /// The status codes of `ratification::Status`.
    StatusSchema = "Status",
    string_enum(
        Status::ALL.map(Status::code),
        // Each code with its Swedish label, from the enum (they cannot drift apart).
        &format!("Status: {}.", Status::ALL.map(|s| format!("{} ({})", s.code(), s.label_sv())).join(", ")),
    )
}

named_schema! {
    /// An event's status: a party's statuses and `withdrawn`, which only a withdrawal carries.
    EventStatusSchema = "EventStatus",
    string_enum(
        Status::ALL.into_iter().chain([Status::Withdrawn]).map(Status::code),
        "Händelsens status: partens statusar (se Status) och withdrawn (Tillbakadragen), som bara ett \
         tillbakadragande har. Det anger i corrects händelsen det drar tillbaka, som då inte räknas; \
         ingen part får statusen withdrawn.",
    )
}

named_schema! {
    /// The parties per status: one count per status code.
    StatusCountsSchema = "StatusCounts",
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("Antal parter per status; summan är antalet parter."));
    for status in Status::ALL {
        object = object
            .property(status.code(), ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)))
            .required(status.code());
    }
    object.into()
}

named_schema! {
    ConditionStateSchema = "ConditionState",
    string_enum(
        ["satisfied", "open", "blocked"],
        "satisfied: villkoret är uppfyllt; open: inte ännu, men kan bli; blocked: kan inte längre uppfyllas.",
    )
}

named_schema! {
    AppliesToSchema = "AppliesTo",
    string_enum(
        ["all_parties", "adopting_parties", "none"],
        "Vem avtalet gäller för: alla 50 parter, regionen och de antagande kommunerna, eller ingen (ännu).",
    )
}

named_schema! {
    /// A majority threshold as the agreement states it (see `ratification::Threshold`).
    ThresholdSchema = "Threshold",
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0))
                .description(Some("Så många kommuner som måste anta.")),
        )
        .item(string_enum(
            [RULE_MORE_THAN_HALF],
            "Fler än hälften av avtalets kommuner (antalet står i majority_required).",
        ))
        .description(Some("Majoritetsvillkorets storlek: ett antal kommuner eller more_than_half."))
        .into()
}

named_schema! {
    PartyKindSchema = "PartyKind",
    string_enum(
        [PartyKind::Municipality, PartyKind::Region].map(PartyKind::code),
        "municipality (kommun) eller region.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratification::{AppliesTo, ConditionState};
    use serde_json::Value;

    fn doc() -> Value {
        serde_json::from_str(&document().to_json().expect("json")).expect("parses")
    }

    /// Every `.route("…", web::METHOD()…)` of the `/api/v1` scope in api/mod.rs.
    fn registered_routes() -> Vec<(String, String)> {
        let source = include_str!("mod.rs");
        let (_, scoped) = source.split_once("web::scope(\"").expect("a scope");
        let (scope, scoped) = scoped.split_once('"').expect("its path");
        let scoped = scoped.split(".default_service(").next().expect("the scope's routes");
        let mut routes = Vec::new();
        for part in scoped.split(".route(\"").skip(1) {
            let (path, rest) = part.split_once('"').expect("a quoted path");
            let method = rest.split("web::").nth(1).and_then(|m| m.split("()").next()).expect("a method");
            routes.push((method.to_string(), format!("{scope}{path}")));
        }
        routes
    }

    #[test]
    fn the_status_schema_names_each_code_with_its_label() {
        let d = doc();
        assert_eq!(
            d["components"]["schemas"]["Status"]["description"],
            "Status: not_started (Ej påbörjat), in_preparation (Under beredning), scheduled (Beslut planerat), \
             proposed (Föreslaget), adopted (Antaget), rejected (Avslaget), referred_back (Återremitterat), \
             tabled (Bordlagt), appealed (Överklagat)."
        );
    }

    #[test]
    fn every_registered_route_is_declared() {
        let doc = doc();
        let routes = registered_routes();
        assert!(routes.len() >= 6, "found {routes:?}");
        for (method, path) in routes {
            assert!(doc["paths"][&path][&method].is_object(), "{method} {path} is registered but not in the document");
        }
    }

    #[test]
    fn the_status_schema_describes_the_demo_field() {
        let doc = doc();
        let status = &doc["components"]["schemas"]["StatusDto"];
        let demo = &status["properties"]["demo"];
        assert_eq!(demo["type"], "boolean", "{status}");
        assert!(demo["description"].as_str().is_some_and(|d| d.contains("ratify demo")), "{demo}");
        let required = status["required"].as_array().expect("required");
        assert!(!required.iter().any(|r| r == "demo"), "only a demo's status has it");
        assert!(required.iter().any(|r| r == "agreement"));
    }

    #[test]
    fn enum_schemas_list_the_engines_codes() {
        let doc = doc();
        let schemas = &doc["components"]["schemas"];
        let codes = |name: &str| -> Vec<String> {
            schemas[name]["enum"]
                .as_array()
                .unwrap_or_else(|| panic!("{name} has an enum"))
                .iter()
                .map(|v| v.as_str().expect("string").to_string())
                .collect()
        };
        let json_code = |v: Value| v.as_str().expect("string").to_string();
        assert_eq!(codes("Status"), Status::ALL.map(|s| s.code().to_string()));
        let mut event_codes = Status::ALL.map(|s| s.code().to_string()).to_vec();
        event_codes.push("withdrawn".into());
        assert_eq!(codes("EventStatus"), event_codes);
        assert_eq!(
            codes("ConditionState"),
            [ConditionState::Satisfied, ConditionState::Open, ConditionState::Blocked]
                .map(|s| json_code(serde_json::to_value(s).expect("json")))
        );
        assert_eq!(
            codes("AppliesTo"),
            [AppliesTo::AllParties, AppliesTo::AdoptingParties, AppliesTo::None]
                .map(|s| json_code(serde_json::to_value(s).expect("json")))
        );
        let counts = schemas["StatusCounts"]["properties"].as_object().expect("properties");
        assert_eq!(counts.len(), Status::ALL.len());
    }

    #[test]
    fn the_new_event_schema_has_exactly_the_fields_the_validator_knows() {
        // The validator names its known fields when it refuses an unknown one.
        let refused = crate::events::validate::raw_from_json(&serde_json::json!({"zz_unknown": 1}))
            .expect_err("unknown field refused");
        let message = &refused.iter().find(|f| f.field == "request").expect("request error").message;
        let known = message.split("Kända fält: ").nth(1).expect("list").trim_end_matches('.');
        let mut known: Vec<&str> = known.split(", ").collect();
        known.sort();
        let doc = doc();
        let mut declared: Vec<String> = doc["components"]["schemas"]["NewEvent"]["properties"]
            .as_object()
            .expect("props")
            .keys()
            .cloned()
            .collect();
        declared.sort();
        assert_eq!(declared, known);
        assert_eq!(doc["components"]["schemas"]["NewEvent"]["additionalProperties"], Value::Bool(false));
    }

    #[test]
    fn the_write_needs_the_bearer_scheme() {
        let doc = doc();
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        let post = &doc["paths"]["/api/v1/parties/{code}/events"]["post"];
        assert_eq!(post["security"][0]["bearer"], serde_json::json!([]));
        for code in ["201", "400", "401", "404", "422"] {
            assert!(post["responses"][code].is_object(), "answer {code} declared");
        }
        let withdraw = &doc["paths"]["/api/v1/events/{id}/withdraw"]["post"];
        assert_eq!(withdraw["security"][0]["bearer"], serde_json::json!([]));
        for code in ["201", "400", "401", "404", "422"] {
            assert!(withdraw["responses"][code].is_object(), "withdraw answer {code} declared");
        }
        let reason = &doc["components"]["schemas"]["Withdrawal"];
        assert_eq!(reason["required"], serde_json::json!(["reason"]));
    }
}
