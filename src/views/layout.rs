//! The frame of every public page: skip link, header with navigation, main, footer with the
//! data's last change, open data links, the map's source and the accessibility statement.

use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};

use super::{assets, format};

pub const SITE_NAME: &str = "Hälso- och sjukvårdsavtalet 2027";

/// When the data shown last changed, for the line every page carries.
#[derive(Debug, Clone, Copy)]
pub enum Changed {
    /// The newest recorded event.
    At(DateTime<Utc>),
    /// Nothing recorded yet.
    Never,
    /// The page shows no data (error pages).
    NotShown,
}

impl Changed {
    pub fn from_last_change(t: Option<DateTime<Utc>>) -> Self {
        t.map_or(Changed::Never, Changed::At)
    }
}

/// "Uppgifterna senast ändrade 24 mars 2026 kl. 10.15".
pub fn changed_line(changed: Changed) -> Markup {
    html! {
        @match changed {
            Changed::At(t) => {
                "Uppgifterna senast ändrade "
                time datetime=(t.to_rfc3339()) { (format::date_time(t)) }
                "."
            }
            Changed::Never => "Inga beslut är registrerade ännu.",
            Changed::NotShown => {}
        }
    }
}

/// A whole page. `title` is the page's own name; the site name is added to `<title>`.
pub fn page(title: &str, changed: Changed, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="sv" {
            (head(title))
            body {
                a.skip-link href="#innehall" { "Hoppa till innehållet" }
                header.site-header {
                    div.wrap {
                        p.site-name { a href="/" { (SITE_NAME) " – beslutsläget" } }
                        nav aria-label="Huvudmeny" {
                            ul {
                                li { a href="/" { "Läget" } }
                                li { a href="/#karta" { "Karta" } }
                                li { a href="/#parter" { "Alla parter" } }
                                li { a href="/#historik" { "Över tid" } }
                                li { a href="/api" { "Öppna data" } }
                                li { a href="/rapporter" { "Rapporter" } }
                            }
                        }
                    }
                }
                main #innehall .wrap tabindex="-1" { (content) }
                (footer(changed))
            }
        }
    }
}

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " – " (SITE_NAME) }
            meta name="description" content="Var står besluten om Hälso- och sjukvårdsavtalet mellan Västra Götalandsregionen och kommunerna, som ska gälla från 1 januari 2027?";
            link rel="stylesheet" href=(assets::CSS_PATH.as_str());
            link rel="alternate" type="application/atom+xml" title="Beslut (Atom)" href="/feed.atom";
        }
    }
}

fn footer(changed: Changed) -> Markup {
    html! {
        footer.site-footer {
            div.wrap {
                @if !matches!(changed, Changed::NotShown) {
                    p.changed { (changed_line(changed)) }
                }
                div.footer-cols {
                    section aria-labelledby="fot-data" {
                        h2 #fot-data { "Öppna data" }
                        ul {
                            li { a href="/data/status.csv" { "Läget per part (CSV)" } }
                            li { a href="/data/beslut.csv" { "Alla beslut och händelser (CSV)" } }
                            li { a href="/feed.atom" { "Nya händelser (Atom-flöde)" } }
                            li { a href="/kalender.ics" { "Planerade beslut (iCalendar)" } }
                            li { a href="/api" { "API för utvecklare" } }
                        }
                    }
                    section aria-labelledby="fot-om" {
                        h2 #fot-om { "Om webbplatsen" }
                        ul {
                            li { a href="/tillganglighet" { "Tillgänglighetsredogörelse" } }
                            li { a href="/inbaddning" { "Statuskort att bädda in" } }
                        }
                        p { "Kartan: Källa: SCB, Digitala gränser (CC0), förenklad." }
                        p { "Uppgifterna om besluten registreras av VästKom utifrån kommunernas och regionens protokoll." }
                    }
                }
            }
        }
    }
}
