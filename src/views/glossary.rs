//! Plain-language explanations: what each status means, and the names and abbreviations the
//! pages use (HoS, SRO, KF, RF, laga kraft, the two conditions), in one section a page links to.

use maud::{html, Markup};

use crate::ratification::Status;

/// What a status means, in a few words ("fullmäktige skickade tillbaka ärendet för mer beredning").
pub fn explanation(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "inget är registrerat om ärendet ännu",
        Status::InPreparation => "förvaltningen förbereder ärendet inför beslut",
        Status::Scheduled => "ärendet ska upp i fullmäktige på ett bestämt datum",
        Status::Proposed => "kommunstyrelsen eller regionstyrelsen har föreslagit att fullmäktige antar avtalet",
        Status::Adopted => "fullmäktige beslutade att anta avtalet",
        Status::Rejected => "fullmäktige beslutade att inte anta avtalet",
        Status::ReferredBack => "fullmäktige skickade tillbaka ärendet för mer beredning",
        Status::Tabled => "fullmäktige sköt upp ärendet till ett senare sammanträde",
        Status::Appealed => "beslutet att anta avtalet är överklagat och prövas av domstol (laglighetsprövning)",
        Status::Withdrawn => "en uppgift som registrerades av misstag och har dragits tillbaka; den räknas inte",
    }
}

/// The id of a status's entry in [`section`], for links from where the status is shown.
pub fn anchor(status: Status) -> String {
    format!("ord-{}", status.code())
}

/// "Återremitterat: fullmäktige skickade tillbaka ärendet för mer beredning."
pub fn explained(status: Status) -> Markup {
    html! {
        a href=(format!("#{}", anchor(status))) { (status.label_sv()) } ": " (explanation(status)) "."
    }
}

/// The glossary: every status, then the names and abbreviations, each spelled out, with the
/// agreement's own numbers.
pub fn section(snapshot: &crate::snapshot::Snapshot) -> Markup {
    use crate::ratification::PartyKind;
    let agreement = &snapshot.agreement;
    let municipalities = snapshot.parties.iter().filter(|p| p.kind == PartyKind::Municipality).count();
    let region = snapshot.parties.iter().find(|p| p.kind == PartyKind::Region);
    // The agreement the site was made for keeps the name readers know it by.
    let abbreviation = agreement.definite_abbreviation();
    let parties_of = match region {
        Some(r) => format!("mellan {} och {municipalities} kommuner", r.name),
        None => format!("mellan {municipalities} kommuner"),
    };
    html! {
        section.glossary-section #ordlista aria-labelledby="ordlista-rubrik" {
            h2 #ordlista-rubrik { "Ord och förkortningar" }
            dl.glossary {
                @for status in Status::ALL {
                    dt #(anchor(status)) { dfn { (status.label_sv()) } }
                    dd { (upper_first(explanation(status))) "." }
                }
                @if let (Some(abbreviation), Some(_)) = (&abbreviation, region) {
                    dt { dfn { (abbreviation) } }
                    dd { "Hälso- och sjukvårdsavtalet mellan " (region.map_or("", |r| r.name.as_str())) " och länets " (municipalities) " kommuner, med fyra överenskommelser (delavtal)." }
                } @else {
                    dt { dfn { (agreement.short_title) } }
                    dd { (agreement.title) ", " (parties_of) "." }
                }
                @if region.is_some() {
                    dt { dfn { "SRO" } }
                    dd { "Politiskt samrådsorgan: politiker från regionen och kommunerna som samråder om avtalet och får en rapport om läget varje vecka." }
                    dt { dfn { "KF och RF" } }
                    dd { "Kommunfullmäktige och regionfullmäktige, de folkvalda församlingar som beslutar om avtalet." }
                } @else {
                    dt { dfn { "KF" } }
                    dd { "Kommunfullmäktige, den folkvalda församling i kommunen som beslutar om avtalet." }
                }
                dt { dfn { "En för alla, alla för en" } }
                dd { "Villkoret att alla " (snapshot.parties.len()) " parter antar avtalet. Då gäller det för alla." }
                dt { dfn { "Majoritetsalternativet" } }
                @if agreement.rules.region_required {
                    dd { "Villkoret att minst hälften av kommunerna och regionen antar avtalet. Då gäller det mellan regionen och de kommuner som har antagit det." }
                } @else {
                    dd { "Villkoret att minst " (agreement.rules.majority_threshold.required(u32::try_from(municipalities).unwrap_or(u32::MAX))) " av de " (municipalities) " kommunerna antar avtalet. Då gäller det för de kommuner som har antagit det." }
                }
                dt { dfn { "Laga kraft" } }
                dd { "Ett beslut vinner laga kraft när det inte längre kan överklagas: tre veckor efter att protokollet anslagits, om ingen har överklagat." }
            }
        }
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
