//! GET /feed.atom: the decision log as an Atom 1.0 feed (RFC 4287), newest first, one entry
//! per recorded event, at most [`MAX_ENTRIES`].

use actix_web::{web, HttpRequest, HttpResponse};
use atom_syndication::{Category, Entry, Feed, Link, Person, Text};
use chrono::{DateTime, FixedOffset, Utc};

use super::{date_sv, host_of, OpenDataError};
use crate::events::Event;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::snapshot::Snapshot;
use crate::web_address::public_base_url;
use crate::AppState;

/// Feed readers want the recent past; the whole log is in `/data/beslut.csv`.
pub const MAX_ENTRIES: usize = 200;
/// The year in the tag URIs (RFC 4151): fixed, so that identifiers never change.
const TAG_YEAR: u16 = 2026;
const AUTHOR: &str = "VästKom";

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, OpenDataError> {
    let base = public_base_url(&req, &state);
    let part = super::part_param(req.query_string())?;
    let key = CacheKey::new(req.path(), &[("base", &base), ("part", part.as_deref().unwrap_or(""))]);
    let place = crate::public::place::Place::of(&req, &state).await?;
    let prefix = place.prefix.clone();
    http_cache::cached_keyed(&req, &state, &place.agreement, key, move |snapshot| {
        render(snapshot, part.as_deref(), &base, &prefix, &host_of(&base))
    })
    .await
}

/// The stable identifier of an event's entry.
pub fn entry_id(host: &str, agreement_slug: &str, event_id: i32) -> String {
    format!("tag:{host},{TAG_YEAR}:{agreement_slug}:handelse:{event_id}")
}

/// The feed of every party's events, or (`only`, from `?part=CODE`) of one party's, for a reader
/// who follows that party alone; an unknown code is 404. `prefix` ("" or "/avtal/{slug}") is
/// where the agreement's pages are.
pub fn render(
    snapshot: &Snapshot,
    only: Option<&str>,
    base: &str,
    prefix: &str,
    host: &str,
) -> Result<Rendered, OpenDataError> {
    let agreement = &snapshot.agreement;
    let party = only.map(|code| super::party_named(snapshot, code, prefix)).transpose()?;
    let home = format!("{base}{}", crate::public::place::at(prefix, "/"));
    let base = format!("{base}{prefix}");
    let municipalities =
        snapshot.parties.iter().filter(|p| p.kind == crate::ratification::PartyKind::Municipality).count();
    let who = match snapshot.parties.iter().find(|p| p.kind == crate::ratification::PartyKind::Region) {
        Some(region) => format!("{} och de {municipalities} kommunerna", region.name),
        None => format!("de {municipalities} kommunerna"),
    };
    let mut newest_first: Vec<&Event> =
        snapshot.events.iter().filter(|e| party.is_none_or(|p| e.party_code == p.code)).collect();
    newest_first.sort_by_key(|e| std::cmp::Reverse((e.recorded_at, e.id)));
    let (title, subtitle, id, updated, links) = match party {
        None => (
            format!("{} – beslut och händelser", agreement.title),
            format!(
                "Hur {who} beslutar om avtalet. De senaste {MAX_ENTRIES} \
                 händelserna; hela loggen finns i {base}/data/beslut.csv."
            ),
            format!("tag:{host},{TAG_YEAR}:{}:handelser", agreement.slug),
            snapshot.last_change_at(),
            [format!("{base}/feed.atom"), home],
        ),
        Some(p) => (
            format!("{} – {}", p.name, agreement.title),
            format!(
                "Det {} har beslutat och planerat om avtalet, senast först. Alla parter: {base}/feed.atom.",
                p.name
            ),
            format!("tag:{host},{TAG_YEAR}:{}:handelser:{}", agreement.slug, p.code),
            newest_first.first().map(|e| e.recorded_at),
            [format!("{base}/feed.atom?part={}", p.code), format!("{base}/parter/{}", p.code)],
        ),
    };
    let entries = newest_first
        .into_iter()
        .take(MAX_ENTRIES)
        .map(|e| entry(snapshot, e, snapshot.corrected_by(e.id), &base, host))
        .collect();
    let [self_link, alternate] = links;
    let feed = Feed {
        // A demo database says so first thing in the feed's title.
        title: Text::plain(crate::demo::banner::feed_title(title)),
        subtitle: Some(Text::plain(subtitle)),
        id,
        updated: atom_time(updated.unwrap_or(DateTime::UNIX_EPOCH)),
        authors: vec![Person { name: AUTHOR.into(), ..Default::default() }],
        links: vec![
            link(self_link, "self", Some("application/atom+xml"), None),
            link(alternate, "alternate", Some("text/html"), None),
        ],
        lang: Some("sv".into()),
        entries,
        ..Default::default()
    };
    let body = feed.write_to(Vec::new()).map_err(|e| OpenDataError::Internal(e.into()))?;
    Ok(Rendered::new("application/atom+xml; charset=utf-8", body))
}

fn entry(snapshot: &Snapshot, e: &Event, corrected_by: Option<i32>, base: &str, host: &str) -> Entry {
    let party = snapshot.party(&e.party_code).map_or(e.party_code.as_str(), |p| p.name.as_str());
    let withdrawn_by = corrected_by.and_then(|id| snapshot.event(id)).filter(|by| by.is_withdrawal());
    let (title, summary) =
        match (e.corrects.and_then(|id| snapshot.event(id)).filter(|_| e.is_withdrawal()), withdrawn_by) {
            (Some(target), _) => withdrawal_text(party, e, target),
            (None, Some(by)) => {
                let mut title = title(party, e, None);
                title.push_str(" – tillbakadragen, gäller inte");
                let mut summary = summary(snapshot, party, e, None);
                summary.push_str(&format!(
                    "\nHändelsen registrerades av misstag och har dragits tillbaka (händelse {}). Den räknas inte.",
                    by.id
                ));
                (title, summary)
            }
            (None, None) => (title(party, e, corrected_by), summary(snapshot, party, e, corrected_by)),
        };
    let mut links = vec![link(format!("{base}/parter/{}", e.party_code), "alternate", Some("text/html"), None)];
    if let Some(url) = &e.protocol_url {
        links.push(link(url.clone(), "related", None, Some("Protokoll")));
    }
    Entry {
        title: Text::plain(title),
        id: entry_id(host, &snapshot.agreement.slug, e.id),
        updated: atom_time(e.recorded_at),
        published: Some(atom_time(e.recorded_at)),
        categories: vec![Category {
            term: e.status.code().into(),
            label: Some(e.status.label_sv().into()),
            ..Default::default()
        }],
        links,
        summary: Some(Text::plain(summary)),
        ..Default::default()
    }
}

/// A withdrawal: "Bengtsfors: uppgiften Antaget (24 mars 2026) är tillbakadragen", with its reason.
fn withdrawal_text(party: &str, e: &Event, target: &Event) -> (String, String) {
    let what = format!("{} ({})", target.status.label_sv(), date_sv(target.effective_on()));
    let title = format!("{party}: uppgiften {what} är tillbakadragen");
    let mut lines = vec![format!(
        "{party}: uppgiften {what} (händelse {}) registrerades av misstag och är tillbakadragen. Den räknas inte.",
        target.id
    )];
    if let Some(reason) = &e.note {
        lines.push(format!("Motivering: {reason}"));
    }
    (title, lines.join("\n"))
}

/// "Göteborg: Antaget (KF § 45, 24 mars 2026)".
fn title(party: &str, e: &Event, corrected_by: Option<i32>) -> String {
    let mut details = Vec::new();
    match (&e.reference, e.body.as_deref()) {
        (Some(reference), _) => details.push(reference.clone()),
        (None, Some(body)) if body != "other" => details.push(body.to_string()),
        _ => {}
    }
    if let Some(date) = e.decided_on.or(e.planned_on) {
        details.push(date_sv(date));
    }
    let mut title = format!("{party}: {}", e.status.label_sv());
    if !details.is_empty() {
        title.push_str(&format!(" ({})", details.join(", ")));
    }
    if e.corrects.is_some() {
        title.push_str(" – rättelse");
    }
    if corrected_by.is_some() {
        title.push_str(" – rättad, gäller inte");
    }
    title
}

fn summary(snapshot: &Snapshot, party: &str, e: &Event, corrected_by: Option<i32>) -> String {
    let mut lines = vec![format!("{party}: {}.", e.status.label_sv())];
    if let Some(d) = e.decided_on {
        lines.push(format!("Beslutsdatum: {}.", date_sv(d)));
    }
    if let Some(d) = e.planned_on {
        lines.push(format!("Planerat sammanträde: {}.", date_sv(d)));
    }
    if let Some(reference) = &e.reference {
        lines.push(format!("Referens: {reference}."));
    }
    if let Some(d) = e.posted_on {
        lines.push(format!("Protokollet anslaget: {}.", date_sv(d)));
    }
    if let Some(selected) = &e.instruments {
        let titles: Vec<&str> = snapshot
            .agreement
            .instruments
            .iter()
            .filter(|i| selected.contains(&i.slug))
            .map(|i| i.title.as_str())
            .collect();
        lines.push(format!("Gäller: {}.", titles.join("; ")));
    }
    if let Some(url) = &e.protocol_url {
        lines.push(format!("Protokoll: {url}"));
    }
    if let Some(note) = &e.note {
        lines.push(format!("Anteckning: {note}"));
    }
    if let Some(id) = e.corrects {
        lines.push(format!("Händelsen rättar händelse {id}, som inte längre räknas."));
    }
    if let Some(id) = corrected_by {
        lines.push(format!("Händelsen har rättats av händelse {id} och räknas inte."));
    }
    lines.join("\n")
}

fn link(href: String, rel: &str, mime_type: Option<&str>, title: Option<&str>) -> Link {
    Link {
        href,
        rel: rel.into(),
        mime_type: mime_type.map(Into::into),
        title: title.map(Into::into),
        ..Default::default()
    }
}

fn atom_time(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.fixed_offset()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_demo_feed_says_so_first_in_its_title() {
        let snapshot = crate::snapshot::tests::snapshot_with_events(2);
        let render = || {
            let r = super::render(&snapshot, None, "https://x.example", "", "x.example").expect("feed");
            String::from_utf8(r.body.to_vec()).expect("utf-8")
        };
        let real = render();
        let demo = crate::demo::banner::rendering(true, render);
        let at = real.find("<title>").expect("the feed's title") + "<title>".len();
        assert_eq!(demo, format!("{}Exempeldata – inte verkliga beslut: {}", &real[..at], &real[at..]));
    }
}
