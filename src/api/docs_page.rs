//! GET /api: the API and the open-data files described for people, in Swedish. The endpoint
//! part is generated from the OpenAPI document, so the page and the document cannot disagree.
//! On the public pages' shared layout and stylesheet (no inline style: the CSP allows none).

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde_json::Value;

use super::openapi;
use crate::error::ApiError;
use crate::http_cache::{self, Rendered};
use crate::opendata::{self, FileDoc};
use crate::views::layout::{self, Changed};
use crate::AppState;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Through the response cache, keyed by the public base URL (the curl examples name it).
pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let base = crate::web_address::public_base_url(&req, &state);
    let key = opendata::base_keyed(req.path(), &base);
    let agreement = state.catalogue().await?.featured().clone();
    http_cache::cached_keyed(&req, &state, &agreement, key, move |_| {
        let json = openapi::document_for(&base).to_json().map_err(|e| ApiError::Internal(e.into()))?;
        let doc: Value = serde_json::from_str(&json).map_err(|e| ApiError::Internal(e.into()))?;
        Ok(Rendered::html(page(&doc, &base)))
    })
    .await
}

fn page(doc: &Value, base: &str) -> Markup {
    let endpoints = endpoints(doc);
    let content = html! {
                div.api-doc {
                    h1 { "API och öppna data" }
                    p {
                        "Allt som visas om hur Västra Götalandsregionen och de 49 kommunerna beslutar om "
                        "hälso- och sjukvårdsavtalet finns också som öppna data: filer att ladda ner eller "
                        "prenumerera på, och ett JSON-API. Ingen inloggning behövs för att läsa."
                    }
                    nav aria-label="På den här sidan" {
                        ul {
                            li { a href="#oppna-data" { "Öppna data" } }
                            li { a href="#api" { "JSON-API:t" } }
                            @for e in &endpoints {
                                li { a href={ "#" (e.anchor) } { (e.method.to_uppercase()) " " (e.path) } }
                            }
                        }
                    }
                    section aria-labelledby="oppna-data" {
                        h2 id="oppna-data" { "Filer med öppna data" }
                        p {
                            "Filerna är i UTF-8 och uppdateras i samma stund som ett beslut registreras. "
                            "CSV-filerna är kommaseparerade med en rubrikrad. I Excel: välj "
                            strong { "Data → Från text/CSV" } " och öppna filen därifrån, så blir kolumnerna "
                            "och å, ä och ö rätt. Text som börjar med =, +, - eller @ får ett ' framför "
                            "sig så att Excel inte tolkar den som en formel."
                        }
                        @for file in opendata::files() { (file_doc(&file, base)) }
                    }
                    section aria-labelledby="api" {
                        h2 id="api" { "JSON-API:t" }
                        @if let Some(description) = doc["info"]["description"].as_str() { p { (description) } }
                        p {
                            "Hela beskrivningen enligt OpenAPI 3 finns på "
                            a href="/api/v1/openapi.json" { code { "/api/v1/openapi.json" } }
                            ", för verktyg som genererar klientkod. Exemplen nedan använder "
                            code { "curl" } "."
                        }
                        @for e in &endpoints { (endpoint(e, doc, base)) }
                    }
                }
    };
    // The page shows no decision data, so no "last changed" line: it stays one fixed page.
    layout::page("API och öppna data", Changed::NotShown, content)
}

fn file_doc(file: &FileDoc, base: &str) -> Markup {
    let id = file.path.trim_start_matches('/').replace(['/', '.'], "-");
    html! {
        article aria-labelledby=(id) {
            h3 id=(id) { (file.title) }
            p { a href=(file.path) { code { (file.path) } } " (" (file.media_type) ")" }
            p { (file.description) }
            @if !file.columns.is_empty() {
                details {
                    summary { "Kolumner" }
                    table {
                        thead { tr { th scope="col" { "Kolumn" } th scope="col" { "Innehåll" } } }
                        tbody {
                            @for (name, what) in file.columns {
                                tr { td { code { (name) } } td { (what) } }
                            }
                        }
                    }
                }
            }
            pre { code {
                "curl '" (base) (file.path) "'"
                @if let Some(q) = file.example_query { "\ncurl '" (base) (file.path) "?" (q) "'" }
            } }
        }
    }
}

/// One method on one path, as read from the document.
struct Endpoint<'a> {
    method: &'static str,
    path: &'a str,
    operation: &'a Value,
    anchor: String,
}

/// In the document's order (the JSON value's maps are sorted; the document's own are not).
fn endpoints(doc: &Value) -> Vec<Endpoint<'_>> {
    let mut out = Vec::new();
    for path in openapi::document().paths.paths.keys() {
        let Some((path, item)) = doc["paths"].as_object().and_then(|p| p.get_key_value(path)) else { continue };
        for method in METHODS {
            if item[method].is_object() {
                let anchor = format!("{method}-{}", path.trim_matches('/').replace(['/', '{', '}', '.'], "-"));
                out.push(Endpoint { method, path, operation: &item[method], anchor });
            }
        }
    }
    out
}

fn endpoint(e: &Endpoint, doc: &Value, base: &str) -> Markup {
    let op = e.operation;
    let params: Vec<&Value> = op["parameters"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
    let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
    let body = &op["requestBody"]["content"]["application/json"];
    html! {
        article aria-labelledby=(e.anchor) {
            h3 id=(e.anchor) {
                span class="method" { (e.method.to_uppercase()) } " " code { (e.path) }
                @if let Some(summary) = op["summary"].as_str() { " – " (summary) }
            }
            @if let Some(description) = op["description"].as_str() { p { (inline_code(description)) } }
            @if secured {
                p { strong { "Kräver API-nyckel: " } "skicka rubriken " code { "Authorization: Bearer <nyckel>" } "." }
            }
            @if !params.is_empty() {
                h4 { "Parametrar" }
                table {
                    thead { tr {
                        th scope="col" { "Namn" } th scope="col" { "Var" } th scope="col" { "Krävs" }
                        th scope="col" { "Beskrivning" }
                    } }
                    tbody {
                        @for p in &params {
                            tr {
                                td { code { (p["name"].as_str().unwrap_or("")) } }
                                td { (where_sv(p["in"].as_str().unwrap_or(""))) }
                                td { @if p["required"].as_bool() == Some(true) { "ja" } @else { "nej" } }
                                td {
                                    (p["description"].as_str().unwrap_or(""))
                                    @if let Some(ex) = example_text(&p["example"]) { " Exempel: " code { (ex) } }
                                }
                            }
                        }
                    }
                }
            }
            @if body.is_object() {
                h4 { "Innehåll (JSON)" }
                (schema_fields(doc, resolve(doc, &body["schema"])))
            }
            h4 { "Svar" }
            dl {
                @if let Some(responses) = op["responses"].as_object() {
                    @for (code, response) in responses {
                        dt { (code) }
                        dd {
                            (inline_code(response["description"].as_str().unwrap_or("")))
                            @if let Some(name) = schema_name(&response["content"]["application/json"]["schema"]) {
                                " (" code { (name) } ")"
                            }
                        }
                    }
                }
            }
            h4 { "Exempel" }
            pre { code { (curl(e, &params, body, secured, base)) } }
        }
    }
}

/// Descriptions mark code with backticks, as in Markdown.
fn inline_code(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

fn where_sv(location: &str) -> &'static str {
    match location {
        "path" => "i adressen",
        "query" => "i frågesträngen",
        "header" => "rubrik",
        _ => "",
    }
}

fn example_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// `#/components/schemas/X` → X; arrays as `[X]`.
fn schema_name(schema: &Value) -> Option<String> {
    if let Some(r) = schema["$ref"].as_str() {
        return r.rsplit('/').next().map(str::to_string);
    }
    if schema["type"] == "array" {
        return schema_name(&schema["items"]).map(|n| format!("lista av {n}"));
    }
    None
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        Some(name) => &doc["components"]["schemas"][name],
        None => schema,
    }
}

fn schema_fields(doc: &Value, schema: &Value) -> Markup {
    let required: Vec<&str> =
        schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    // Required fields first; the rest by name.
    let mut props: Vec<(&String, &Value)> =
        schema["properties"].as_object().map(|p| p.iter().collect()).unwrap_or_default();
    props.sort_by_key(|(name, _)| !required.contains(&name.as_str()));
    html! {
        @if let Some(description) = schema["description"].as_str() { p { (description) } }
        @if !props.is_empty() {
            table {
                thead { tr { th scope="col" { "Fält" } th scope="col" { "Krävs" } th scope="col" { "Beskrivning" } } }
                tbody {
                    @for (name, prop) in props {
                        tr {
                            td { code { (name) } }
                            td { @if required.contains(&name.as_str()) { "ja" } @else { "nej" } }
                            td {
                                (inline_code(prop["description"].as_str().unwrap_or("")))
                                @if let Some(values) = resolve(doc, prop)["enum"].as_array() {
                                    " Ett av: "
                                    @for (i, v) in values.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        code { (v.as_str().unwrap_or("")) }
                                    }
                                    "."
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A runnable example from the document: path parameters and queries filled with their examples.
fn curl(e: &Endpoint, params: &[&Value], body: &Value, secured: bool, base: &str) -> String {
    let mut path = e.path.to_string();
    let mut query = Vec::new();
    for p in params {
        let (Some(name), Some(example)) = (p["name"].as_str(), example_text(&p["example"])) else { continue };
        match p["in"].as_str() {
            Some("path") => path = path.replace(&format!("{{{name}}}"), &example),
            Some("query") => query.push(format!("{name}={example}")),
            _ => {}
        }
    }
    let mut lines = vec![format!("curl '{base}{path}'")];
    if !query.is_empty() {
        lines.push(format!("curl '{base}{path}?{}'", query.join("&")));
    }
    if e.method != "get" {
        let mut command = format!("curl -X {} '{base}{path}'", e.method.to_uppercase());
        if secured {
            command.push_str(" \\\n  -H \"Authorization: Bearer $NYCKEL\"");
        }
        if body.is_object() {
            command.push_str(" \\\n  -H 'Content-Type: application/json'");
            if let Some(example) = body.get("example") {
                command.push_str(&format!(" \\\n  -d '{example}'"));
            }
        }
        lines = vec![command];
    }
    lines.join("\n")
}
