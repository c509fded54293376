//! The frame of every public page: skip link, header with navigation, main, footer with the
//! data's last change, open data links, the map's source and the accessibility statement.

use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};

use super::{assets, format};
use crate::agreement::Agreement;

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

/// Which agreement a page is about, for the frame: its name in `<title>` and the header, where
/// its pages are, and the other agreements to link to.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// "Hälso- och sjukvårdsavtalet 2027"; empty for the site's own name.
    pub name: String,
    /// "" for today's URLs, "/avtal/{slug}" for an agreement's own.
    pub prefix: String,
    /// The other agreements: short title and address.
    pub others: Vec<(String, String)>,
    /// The agreement has no region among its deciding parties (the footer then names the
    /// municipalities' minutes only).
    pub no_region: bool,
}

impl Frame {
    /// The frame of a page about `agreement` under `prefix`, linking every other agreement of
    /// `all`.
    pub fn of(agreement: &Agreement, prefix: &str, all: &[std::sync::Arc<Agreement>]) -> Self {
        Frame {
            name: agreement_name(agreement),
            prefix: prefix.to_string(),
            others: all
                .iter()
                .filter(|a| a.id != agreement.id)
                .map(|a| (a.short_title.clone(), format!("/avtal/{}", a.slug)))
                .collect(),
            no_region: !agreement.rules.region_required,
        }
    }

    fn name(&self) -> &str {
        if self.name.is_empty() {
            SITE_NAME
        } else {
            &self.name
        }
    }

    fn at(&self, rest: &str) -> String {
        crate::public::place::at(&self.prefix, rest)
    }
}

/// An agreement's name with its starting year, as headings use it: "Hälso- och
/// sjukvårdsavtalet 2027" (the year left out if the short title has it already).
pub fn agreement_name(agreement: &Agreement) -> String {
    let year = agreement.starts_on.format("%Y").to_string();
    if agreement.short_title.contains(&year) {
        agreement.short_title.clone()
    } else {
        format!("{} {year}", agreement.short_title)
    }
}

/// A whole page. `title` is the page's own name; the site name is added to `<title>`.
pub fn page(title: &str, changed: Changed, content: Markup) -> Markup {
    page_in(&Frame::default(), title, changed, content)
}

/// A whole page about one agreement: its name in `<title>`, its pages in the menus.
pub fn page_in(frame: &Frame, title: &str, changed: Changed, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="sv" {
            (head(frame, title))
            body {
                (crate::demo::banner::banner())
                a.skip-link href="#innehall" { "Hoppa till innehållet" }
                header.site-header {
                    div.wrap {
                        p.site-name { a href=(frame.at("/")) { (frame.name()) " – beslutsläget" } }
                        nav aria-label="Huvudmeny" {
                            ul {
                                li { a href=(frame.at("/")) { "Läget" } }
                                li { a href=(frame.at("/#karta")) { "Karta" } }
                                li { a href=(frame.at("/#parter")) { "Alla parter" } }
                                li { a href=(frame.at("/#historik")) { "Över tid" } }
                                @if !frame.others.is_empty() { li { a href="/avtal" { "Alla avtal" } } }
                                li { a href="/api" { "Öppna data" } }
                                li { a href="/rapporter" { "Rapporter" } }
                            }
                        }
                    }
                }
                main #innehall .wrap tabindex="-1" { (content) }
                (footer(frame, changed))
            }
        }
    }
}

fn head(frame: &Frame, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " – " (frame.name()) }
            @if frame.name.is_empty() || frame.prefix.is_empty() {
                meta name="description" content="Var står besluten om Hälso- och sjukvårdsavtalet mellan Västra Götalandsregionen och kommunerna, som ska gälla från 1 januari 2027?";
            } @else {
                meta name="description" content=(format!("Var står besluten om {}?", frame.name()));
            }
            link rel="stylesheet" href=(assets::CSS_PATH.as_str());
            link rel="alternate" type="application/atom+xml" title="Beslut (Atom)" href=(frame.at("/feed.atom"));
        }
    }
}

fn footer(frame: &Frame, changed: Changed) -> Markup {
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
                            li { a href=(frame.at("/data/status.csv")) { "Läget per part (CSV)" } }
                            li { a href=(frame.at("/data/beslut.csv")) { "Alla beslut och händelser (CSV)" } }
                            li { a href=(frame.at("/feed.atom")) { "Nya händelser (Atom-flöde)" } }
                            li { a href=(frame.at("/kalender.ics")) { "Planerade beslut (iCalendar)" } }
                            li { a href="/api" { "API för utvecklare" } }
                        }
                    }
                    section aria-labelledby="fot-om" {
                        h2 #fot-om { "Om webbplatsen" }
                        ul {
                            li { a href="/tillganglighet" { "Tillgänglighetsredogörelse" } }
                            li { a href=(frame.at("/inbaddning")) { "Statuskort att bädda in" } }
                        }
                        p { "Kartan: Källa: SCB, Digitala gränser (CC0), förenklad." }
                        @if frame.no_region {
                            p { "Uppgifterna om besluten registreras av VästKom utifrån kommunernas protokoll." }
                        } @else {
                            p { "Uppgifterna om besluten registreras av VästKom utifrån kommunernas och regionens protokoll." }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demo_page_has_the_banner_right_after_body_and_before_the_skip_link() {
        let render = || page("Sida", Changed::NotShown, html! { p { "x" } }).into_string();
        let real = render();
        let demo = crate::demo::banner::rendering(true, render);
        let banner = crate::demo::banner::rendering(true, crate::demo::banner::banner).into_string();
        assert!(!real.contains("demo-banner"));
        assert_eq!(demo, real.replacen("<body>", &format!("<body>{banner}"), 1));
        assert!(demo.contains("<body><aside class=\"demo-banner\" aria-label=\"Exempeldata\"><p>"));
        assert!(demo.contains("</aside><a class=\"skip-link\""));
    }
}
