//! For other web sites: `/inbaddning`, a small status card made for an `<iframe>`, and
//! `/badge.svg`, an image with the count of adopting municipalities.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup, DOCTYPE};

use super::error::PageError;
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
    // The snippet names the site's public address, so the address is part of the key.
    let base = crate::web_address::public_base_url(&req, &state);
    let key = crate::opendata::base_keyed("/inbaddning", &base);
    let agreement = state.catalogue().await?.featured().clone();
    http_cache::cached_keyed(&req, &state, &agreement, key, move |snapshot| {
        let eval = snapshot.evaluate(crate::clock::today());
        let page = card_page(&eval, snapshot.last_change_at(), snapshot.agreement.starts_on, &base);
        Ok(Rendered::html(page))
    })
    .await
}

/// The `<iframe>` another site pastes to show the card.
pub fn iframe_snippet(base: &str) -> String {
    format!(
        "<iframe src=\"{base}/inbaddning\"\n        title=\"Beslutsläget för {}\"\n        width=\"360\" height=\"240\"\n        loading=\"lazy\"></iframe>",
        layout::SITE_NAME
    )
}

fn card_page(
    eval: &Evaluation,
    last_change: Option<chrono::DateTime<chrono::Utc>>,
    starts_on: chrono::NaiveDate,
    base: &str,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="sv" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Beslutsläget – " (layout::SITE_NAME) }
                link rel="stylesheet" href=(assets::CSS_PATH.as_str());
            }
            body.embed {
                main.embed-card {
                    h1 { "Hälso- och sjukvårdsavtalet " (starts_on.format("%Y")) }
                    p.embed-count {
                        strong { (eval.municipalities_adopted) " av " (eval.municipalities_total) }
                        " kommuner har antagit avtalet"
                    }
                    p { (majority_phrase(eval)) " (minst " (eval.majority.required) " kommuner och regionen)." }
                    p { "Regionen: " (eval.region_status.label_sv()) "." }
                    p.embed-changed { (layout::changed_line(layout::Changed::from_last_change(last_change))) }
                    p { a href="/" target="_blank" rel="noopener" { "Se hela läget" span.visually-hidden { " (öppnas i nytt fönster)" } } }
                }
                // Below the card, folded: inside a 240 px frame it stays out of sight.
                details.embed-code {
                    summary { "Bädda in kortet på din webbplats" }
                    p { "Klistra in koden i sidans HTML. Ramens title berättar för den som använder skärmläsare vad ramen innehåller. Ramens kant tar du bort i din egen stilmall (border: 0)." }
                    label for="inbaddningskod" { "Kod att kopiera" }
                    textarea #inbaddningskod readonly rows="5" cols="60" spellcheck="false" { (iframe_snippet(base)) }
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
    let agreement = state.catalogue().await?.featured().clone();
    http_cache::cached_keyed(&req, &state, &agreement, CacheKey::new("/badge.svg", &[]), |snapshot| {
        let eval = snapshot.evaluate(crate::clock::today());
        Ok(Rendered::new("image/svg+xml; charset=utf-8", badge_svg(snapshot, &eval).into_string()))
    })
    .await
}

fn badge_svg(snapshot: &Snapshot, eval: &Evaluation) -> Markup {
    let year = snapshot.agreement.starts_on.format("%Y");
    let left = format!("HoS-avtal {year}");
    let right = format!("{}/{} kommuner", eval.municipalities_adopted, eval.municipalities_total);
    let title = format!(
        "Hälso- och sjukvårdsavtalet {year}: {} av {} kommuner har antagit avtalet. {}. Regionen: {}.",
        eval.municipalities_adopted,
        eval.municipalities_total,
        majority_phrase(eval),
        eval.region_status.label_sv()
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
