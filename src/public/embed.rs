//! For other web sites: `/inbaddning`, a small status card made for an `<iframe>`, and
//! `/badge.svg`, an image with the count of adopting municipalities (each also under
//! `/avtal/{slug}/` for that agreement).

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup, DOCTYPE};

use super::error::PageError;
use super::place::Place;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::ratification::{ConditionState, Evaluation};
use crate::snapshot::Snapshot;
use crate::views::{assets, layout};
use crate::AppState;

fn majority_phrase(eval: &Evaluation) -> &'static str {
    match eval.majority.state {
        ConditionState::Satisfied => "Majoritetsalternativet är uppfyllt",
        ConditionState::Open => "Majoritetsalternativet är inte uppfyllt än",
        ConditionState::Blocked => "Majoritetsalternativet kan inte uppfyllas",
    }
}

pub async fn card(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let place = Place::of(&req, &state).await?;
    // The snippet names the site's public address, so the address is part of the key.
    let base = crate::web_address::public_base_url(&req, &state);
    let key = crate::opendata::base_keyed(&place.path("/inbaddning"), &base);
    let prefix = place.prefix.clone();
    http_cache::cached_keyed(&req, &state, &place.agreement, key, move |snapshot| {
        let eval = snapshot.evaluate(crate::clock::today());
        let page = card_page(snapshot, &eval, &base, &prefix);
        Ok(Rendered::html(page))
    })
    .await
}

/// The `<iframe>` another site pastes to show the card of `name` ("Hälso- och
/// sjukvårdsavtalet 2027"), whose pages are under `site` (the address, and /avtal/{slug} there).
pub fn iframe_snippet(site: &str, name: &str) -> String {
    format!(
        "<iframe src=\"{site}/inbaddning\"\n        title=\"Beslutsläget för {name}\"\n        width=\"360\" height=\"240\"\n        loading=\"lazy\"></iframe>"
    )
}

/// "minst 25 kommuner och regionen" / "minst 8 kommuner".
fn majority_rule(snapshot: &Snapshot, eval: &Evaluation) -> String {
    if snapshot.agreement.rules.region_required {
        format!("minst {} kommuner och regionen", eval.majority.required)
    } else {
        format!("minst {} kommuner", eval.majority.required)
    }
}

fn has_region(snapshot: &Snapshot) -> bool {
    snapshot.parties.iter().any(|p| p.kind == crate::ratification::PartyKind::Region)
}

fn card_page(snapshot: &Snapshot, eval: &Evaluation, base: &str, prefix: &str) -> Markup {
    let last_change = snapshot.last_change_at();
    let name = layout::agreement_name(&snapshot.agreement);
    html! {
        (DOCTYPE)
        html lang="sv" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Beslutsläget – " (name) }
                link rel="stylesheet" href=(assets::CSS_PATH.as_str());
            }
            body.embed {
                (crate::demo::banner::banner())
                main.embed-card {
                    h1 { (name) }
                    p.embed-count {
                        strong { (eval.municipalities_adopted) " av " (eval.municipalities_total) }
                        " kommuner har antagit avtalet"
                    }
                    p { (majority_phrase(eval)) " (" (majority_rule(snapshot, eval)) ")." }
                    @if has_region(snapshot) { p { "Regionen: " (eval.region_status.label_sv()) "." } }
                    p.embed-changed { (layout::changed_line(layout::Changed::from_last_change(last_change))) }
                    p { a href=(crate::public::place::at(prefix, "/")) target="_blank" rel="noopener" { "Se hela läget" span.visually-hidden { " (öppnas i nytt fönster)" } } }
                }
                // Below the card, folded: inside a 240 px frame it stays out of sight.
                details.embed-code {
                    summary { "Bädda in kortet på din webbplats" }
                    p { "Klistra in koden i sidans HTML. Ramens title berättar för den som använder skärmläsare vad ramen innehåller. Ramens kant tar du bort i din egen stilmall (border: 0)." }
                    label for="inbaddningskod" { "Kod att kopiera" }
                    textarea #inbaddningskod readonly rows="5" cols="60" spellcheck="false" { (iframe_snippet(&format!("{base}{prefix}"), &name)) }
                }
            }
        }
    }
}

/// Width of `text` in the badge's 11 px sans-serif, estimated per character (no font metrics
/// on the server; generous so that text never overflows).
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| {
            if c.is_ascii_digit() || c == '/' {
                6.5
            } else if c == ' ' {
                3.5
            } else {
                7.0
            }
        })
        .sum()
}

pub async fn badge(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let place = Place::of(&req, &state).await?;
    let key = CacheKey::new(&place.path("/badge.svg"), &[]);
    http_cache::cached_keyed(&req, &state, &place.agreement, key, |snapshot| {
        let eval = snapshot.evaluate(crate::clock::today());
        Ok(Rendered::new("image/svg+xml; charset=utf-8", badge_svg(snapshot, &eval).into_string()))
    })
    .await
}

/// The badge's left half: short, as badges are: the agreement's abbreviation ("HoS-avtal"), or
/// its short title cut to its first two words.
fn badge_label(agreement: &crate::agreement::Agreement) -> String {
    let year = agreement.starts_on.format("%Y").to_string();
    let short = match agreement.abbreviation() {
        Some(abbreviation) => abbreviation.to_string(),
        None => agreement.short_title.split_whitespace().take(2).collect::<Vec<_>>().join(" "),
    };
    if short.contains(&year) {
        short
    } else {
        format!("{short} {year}")
    }
}

fn badge_svg(snapshot: &Snapshot, eval: &Evaluation) -> Markup {
    let left = badge_label(&snapshot.agreement);
    let right = format!("{}/{} kommuner", eval.municipalities_adopted, eval.municipalities_total);
    let region =
        if has_region(snapshot) { format!(" Regionen: {}.", eval.region_status.label_sv()) } else { String::new() };
    let title = format!(
        "{}: {} av {} kommuner har antagit avtalet. {}.{region}",
        layout::agreement_name(&snapshot.agreement),
        eval.municipalities_adopted,
        eval.municipalities_total,
        majority_phrase(eval),
    );
    // Dark backgrounds with white text, contrast above 4.5:1.
    let colour = match eval.majority.state {
        ConditionState::Satisfied => "#006b4f",
        ConditionState::Open => "#005a8c",
        ConditionState::Blocked => "#a33c00",
    };
    let lw = text_width(&left) + 12.0;
    let rw = text_width(&right) + 12.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(format!("{:.0}", lw + rw)) height="20" role="img" aria-label=(title) {
            title { (title) }
            rect width=(format!("{lw:.0}")) height="20" fill="#333" {}
            rect x=(format!("{lw:.0}")) width=(format!("{rw:.0}")) height="20" fill=(colour) {}
            g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" {
                text x=(format!("{:.0}", lw / 2.0)) y="14" text-anchor="middle" { (left) }
                text x=(format!("{:.0}", lw + rw / 2.0)) y="14" text-anchor="middle" { (right) }
            }
        }
    }
}
