//! What a report says, built from a [`Snapshot`] of the decision log as it stood at the report's
//! cut-off: the state of both conditions and the outcome (the same numbers as `/api/v1/status` at
//! the report's date), the changes since the previous report, decisions planned in the next four
//! weeks, risks, a table per subregion and the population share. Plain data: rendering is in
//! `render/`, storing in `store.rs`.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;
use serde::{Deserialize, Serialize};

use super::status::{rfc3339, ReportStatus};
use crate::events::Event;
use crate::parties::Party;
use crate::ratification::{PartyKind, PartyStanding, Status};
use crate::snapshot::Snapshot;

/// Version of the JSON shape below (under the key `schema`, as since the first report, so that
/// webhook receivers keep reading it), for receivers and for reading a stored report back.
/// 1: the first reports; 2: the report's own types (no longer the API's answer), with the
/// fields issue 15 added (each with a default, so a report of version 1 reads as it was).
pub const SCHEMA_VERSION: u32 = 2;
/// "Decisions planned in the next four weeks": the report date and the 27 days after it.
pub const PLANNING_HORIZON_DAYS: u64 = 27;
/// A party whose matter was referred back or tabled longer ago than this, with no new meeting
/// planned, is a risk of its own ("stalled").
pub const STALLED_AFTER_DAYS: u64 = 28;

/// Identity of a report: its number, week and the moment the log was read.
#[derive(Debug, Clone)]
pub struct Header {
    pub number: i32,
    pub week: super::week::IsoWeek,
    pub generated_at: DateTime<Utc>,
    /// Events recorded up to and including this instant are in the report.
    pub cutoff: DateTime<Utc>,
    pub previous: Option<PreviousReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PreviousReport {
    pub number: i32,
    pub week: String,
    #[serde(serialize_with = "ser_time")]
    pub cutoff: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ReportData {
    /// The database is a demo's (`ratify demo`): the report says so in all three forms. Only
    /// there when true, so a real report's data is as it always was.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
    #[serde(rename = "schema", alias = "schema_version")]
    pub schema_version: u32,
    pub number: i32,
    pub week: String,
    /// The report's date: the Swedish date of its cut-off. Its numbers are those of
    /// `/api/v1/status?as_of=<as_of>` on the log as of the cut-off.
    pub as_of: NaiveDate,
    #[serde(serialize_with = "ser_time")]
    pub generated_at: DateTime<Utc>,
    #[serde(serialize_with = "ser_time")]
    pub cutoff: DateTime<Utc>,
    pub previous: Option<PreviousReport>,
    pub status: ReportStatus,
    /// Every event recorded after the previous report's cut-off (all, for the first report), in
    /// the order recorded; corrections included.
    pub changes: Vec<Change>,
    /// What changed in the parties' standing since the previous report (none for the first).
    /// Added in issue 15: reports frozen before it lack this and the fields below marked so; they
    /// are served as stored (HTML, text), never rendered again.
    #[serde(default)]
    pub since_previous: Option<Movement>,
    /// The municipalities that have not adopted, by when their decision is planned.
    #[serde(default)]
    pub before_start: BeforeStart,
    pub planned_until: NaiveDate,
    pub planned: Vec<Planned>,
    pub risk: Risk,
    pub region: PartyLine,
    pub subregions: Vec<Subregion>,
    pub population: Population,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Change {
    pub event_id: i32,
    pub party_code: String,
    pub party_name: String,
    pub status: Status,
    pub status_label: String,
    pub body: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub planned_on: Option<NaiveDate>,
    pub reference: Option<String>,
    pub protocol_url: Option<String>,
    pub note: Option<String>,
    /// This event corrects (voids) that earlier event.
    pub corrects: Option<i32>,
    /// A later event (up to the cut-off) corrected this one; it no longer counts.
    pub corrected_by: Option<i32>,
    /// What the corrected event said (for a correction), so the report can say it in words.
    #[serde(default)]
    pub corrected: Option<Corrected>,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Corrected {
    pub status: Status,
    pub status_label: String,
    pub body: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub planned_on: Option<NaiveDate>,
    pub reference: Option<String>,
}

/// Parties whose standing moved between the previous report's date and this one's.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Movement {
    /// Count as adopted now, did not then.
    pub adopted: Vec<PartyRef>,
    /// Stand rejected now, did not then.
    pub rejected: Vec<PartyRef>,
    /// Counted as adopted then, no longer (a reversal, an appeal or a correction).
    pub no_longer_adopted: Vec<PartyRef>,
}

/// "Inför 1 januari 2027": the municipalities that have not adopted, by their planned decision.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct BeforeStart {
    pub starts_on: Option<NaiveDate>,
    /// Days from the report's date to the start (0 or less: it has started).
    pub days_left: i64,
    pub municipalities_not_adopted: u32,
    /// Of those: a KF meeting is planned before the start.
    pub planned_before: u32,
    /// Of those: a KF meeting is planned on or after the start.
    pub planned_after: u32,
    /// Of those: no meeting planned.
    pub nothing_planned: u32,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Planned {
    pub party_code: String,
    pub party_name: String,
    pub planned_on: NaiveDate,
    pub status: Status,
    pub status_label: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Risk {
    /// Undecided parties with no decision planned.
    pub no_planned_decision: Vec<PartyRef>,
    /// Planned meeting dates that passed with no KF/RF outcome recorded.
    pub overdue: Vec<Overdue>,
    /// Undecided parties whose decision is planned on or after the agreement's start.
    #[serde(default)]
    pub planned_after_start: Vec<Planned>,
    /// Referred back or tabled more than four weeks ago, with no new meeting planned.
    #[serde(default)]
    pub stalled: Vec<Stalled>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Stalled {
    pub code: String,
    pub name: String,
    pub status: Status,
    pub status_label: String,
    /// The date of the referral back or tabling.
    pub since: NaiveDate,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartyRef {
    pub code: String,
    pub name: String,
    pub status: Status,
    pub status_label: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Overdue {
    pub code: String,
    pub name: String,
    pub planned_on: NaiveDate,
    pub status: Status,
    pub status_label: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PartyLine {
    pub code: String,
    pub name: String,
    pub status: Status,
    pub status_label: String,
    pub counts_as_adopted: bool,
    pub latest_decision: Option<Decision>,
    pub next_planned_on: Option<NaiveDate>,
    pub population: u32,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Decision {
    pub status: Status,
    pub body: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub reference: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Subregion {
    pub name: String,
    pub municipalities_total: u32,
    pub municipalities_adopted: u32,
    pub population: u64,
    /// Share of the subregion's population living in municipalities that count as adopted.
    pub population_share_adopted: f64,
    pub municipalities: Vec<PartyLine>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Population {
    /// The county's population: the sum over the 49 municipalities.
    pub county: u64,
    /// Share living in municipalities that count as adopted.
    pub adopted_share: f64,
    /// Share the outcome covers (as in `/api/v1/status`).
    pub outcome_share: f64,
}

/// Why a stored report's data could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("rapportens data kan inte läsas")]
    Json(#[from] serde_json::Error),
    #[error("rapportens schema är version {0}; den här versionen läser till och med {SCHEMA_VERSION}")]
    NewerSchema(u32),
}

impl ReportData {
    /// A stored report's data (the `data` column), of any schema version so far.
    pub fn load(json: &str) -> Result<Self, LoadError> {
        let data: ReportData = serde_json::from_str(json)?;
        if data.schema_version > SCHEMA_VERSION {
            return Err(LoadError::NewerSchema(data.schema_version));
        }
        Ok(data)
    }
}

fn ser_time<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

/// The log as it stood at `cutoff`: events recorded later are left out.
pub fn snapshot_at(snapshot: &Snapshot, cutoff: DateTime<Utc>) -> Snapshot {
    snapshot.with_events(snapshot.events.iter().filter(|e| e.recorded_at <= cutoff).cloned().collect())
}

/// Builds the report from the full log; only events recorded up to `header.cutoff` are used.
pub fn build(full: &Snapshot, header: Header) -> ReportData {
    let snapshot = snapshot_at(full, header.cutoff);
    let as_of = header.cutoff.with_timezone(&Stockholm).date_naive();
    let eval = snapshot.evaluate(as_of);
    let since = header.previous.as_ref().map(|p| p.cutoff);
    let name_of = |code: &str| snapshot.party(code).map(|p| p.name.clone()).unwrap_or_else(|| code.to_string());

    let changes = snapshot
        .events
        .iter()
        .filter(|e| since.is_none_or(|s| e.recorded_at > s))
        .map(|e| Change {
            event_id: e.id,
            party_code: e.party_code.clone(),
            party_name: name_of(&e.party_code),
            status: e.status,
            status_label: e.status.label_sv().into(),
            body: e.body.clone(),
            decided_on: e.decided_on,
            planned_on: e.planned_on,
            reference: e.reference.clone(),
            protocol_url: e.protocol_url.clone(),
            note: e.note.clone(),
            corrects: e.corrects,
            corrected_by: snapshot.corrected_by(e.id),
            corrected: e.corrects.and_then(|id| snapshot.event(id)).map(|old| Corrected {
                status: old.status,
                status_label: old.status.label_sv().into(),
                body: old.body.clone(),
                decided_on: old.decided_on,
                planned_on: old.planned_on,
                reference: old.reference.clone(),
            }),
            recorded_at: rfc3339(e.recorded_at),
        })
        .collect();

    let lines: Vec<(&Party, &PartyStanding)> = snapshot.parties.iter().zip(&eval.parties).collect();
    let line = |party: &Party, standing: &PartyStanding| party_line(&snapshot, party, standing, as_of);

    let planned_until = as_of + Days::new(PLANNING_HORIZON_DAYS);
    let mut planned: Vec<Planned> = lines
        .iter()
        .filter(|(_, s)| undecided(s))
        .filter_map(|(p, s)| {
            let on = snapshot.next_planned_on(&p.code, as_of)?;
            (on <= planned_until).then(|| Planned {
                party_code: p.code.clone(),
                party_name: p.name.clone(),
                planned_on: on,
                status: s.status,
                status_label: s.status.label_sv().into(),
            })
        })
        .collect();
    planned.sort_by(|a, b| (a.planned_on, &a.party_name).cmp(&(b.planned_on, &b.party_name)));

    let starts_on = snapshot.agreement.starts_on;
    let mut overdue = Vec::new();
    let mut no_planned_decision = Vec::new();
    let mut planned_after_start = Vec::new();
    let mut stalled = Vec::new();
    for (p, s) in lines.iter().filter(|(_, s)| undecided(s)) {
        if let Some(on) = snapshot.next_planned_on(&p.code, as_of) {
            if on >= starts_on {
                planned_after_start.push(Planned {
                    party_code: p.code.clone(),
                    party_name: p.name.clone(),
                    planned_on: on,
                    status: s.status,
                    status_label: s.status.label_sv().into(),
                });
            }
            continue;
        }
        if let Some(planned_on) = passed_plan_without_outcome(&snapshot, &p.code, as_of) {
            overdue.push(Overdue {
                code: p.code.clone(),
                name: p.name.clone(),
                planned_on,
                status: s.status,
                status_label: s.status.label_sv().into(),
            });
        } else if let Some(e) = stalled_decision(&snapshot, &p.code, s.status, as_of) {
            stalled.push(Stalled {
                code: p.code.clone(),
                name: p.name.clone(),
                status: s.status,
                status_label: s.status.label_sv().into(),
                since: e.effective_on(),
                reference: e.reference.clone(),
            });
        } else {
            no_planned_decision.push(PartyRef {
                code: p.code.clone(),
                name: p.name.clone(),
                status: s.status,
                status_label: s.status.label_sv().into(),
            });
        }
    }
    overdue.sort_by(|a, b| (a.planned_on, &a.name).cmp(&(b.planned_on, &b.name)));
    no_planned_decision.sort_by(|a, b| a.name.cmp(&b.name));
    planned_after_start.sort_by(|a, b| (a.planned_on, &a.party_name).cmp(&(b.planned_on, &b.party_name)));
    stalled.sort_by(|a, b| (a.since, &a.name).cmp(&(b.since, &b.name)));

    let mut before_start =
        BeforeStart { starts_on: Some(starts_on), days_left: (starts_on - as_of).num_days(), ..BeforeStart::default() };
    for (p, _) in lines.iter().filter(|(p, s)| p.kind == PartyKind::Municipality && !s.counts_as_adopted) {
        before_start.municipalities_not_adopted += 1;
        match snapshot.next_planned_on(&p.code, as_of) {
            Some(on) if on < starts_on => before_start.planned_before += 1,
            Some(_) => before_start.planned_after += 1,
            None => before_start.nothing_planned += 1,
        }
    }

    let since_previous = header.previous.as_ref().map(|p| movement(full, p.cutoff, &lines));

    let region =
        lines.iter().find(|(p, _)| p.kind == PartyKind::Region).map(|(p, s)| line(p, s)).unwrap_or_else(|| PartyLine {
            code: "14".into(),
            name: "Västra Götalandsregionen".into(),
            status: Status::NotStarted,
            status_label: Status::NotStarted.label_sv().into(),
            counts_as_adopted: false,
            latest_decision: None,
            next_planned_on: None,
            population: 0,
        });

    let mut by_subregion: BTreeMap<String, Vec<PartyLine>> = BTreeMap::new();
    for (p, s) in lines.iter().filter(|(p, _)| p.kind == PartyKind::Municipality) {
        let key = p.subregion.clone().unwrap_or_else(|| "Övriga".into());
        by_subregion.entry(key).or_default().push(line(p, s));
    }
    let subregions = by_subregion
        .into_iter()
        .map(|(name, mut municipalities)| {
            municipalities.sort_by(|a, b| a.name.cmp(&b.name));
            let population: u64 = municipalities.iter().map(|m| u64::from(m.population)).sum();
            let adopted_pop: u64 =
                municipalities.iter().filter(|m| m.counts_as_adopted).map(|m| u64::from(m.population)).sum();
            Subregion {
                name,
                municipalities_total: municipalities.len() as u32,
                municipalities_adopted: municipalities.iter().filter(|m| m.counts_as_adopted).count() as u32,
                population,
                population_share_adopted: share(adopted_pop, population),
                municipalities,
            }
        })
        .collect();

    let county: u64 =
        snapshot.parties.iter().filter(|p| p.kind == PartyKind::Municipality).map(|p| u64::from(p.population)).sum();
    let adopted_pop: u64 = lines
        .iter()
        .filter(|(p, s)| p.kind == PartyKind::Municipality && s.counts_as_adopted)
        .map(|(p, _)| u64::from(p.population))
        .sum();

    ReportData {
        // Set by the caller, which knows the database (`service::build_in`).
        demo: false,
        schema_version: SCHEMA_VERSION,
        number: header.number,
        week: header.week.to_string(),
        as_of,
        generated_at: header.generated_at,
        cutoff: header.cutoff,
        previous: header.previous,
        status: ReportStatus::new(&snapshot, &eval),
        changes,
        since_previous,
        before_start,
        planned_until,
        planned,
        risk: Risk { no_planned_decision, overdue, planned_after_start, stalled },
        region,
        subregions,
        population: Population {
            county,
            adopted_share: share(adopted_pop, county),
            outcome_share: eval.outcome.population_share,
        },
    }
}

/// How the parties' standing moved from the previous report (the log as of its cut-off, at its
/// date) to this one's `now`.
fn movement(full: &Snapshot, previous_cutoff: DateTime<Utc>, now: &[(&Party, &PartyStanding)]) -> Movement {
    let then_snapshot = snapshot_at(full, previous_cutoff);
    let then = then_snapshot.evaluate(previous_cutoff.with_timezone(&Stockholm).date_naive());
    let mut m = Movement::default();
    for (p, s) in now {
        let Some(before) = then.parties.iter().find(|b| b.code == p.code) else { continue };
        let r = PartyRef {
            code: p.code.clone(),
            name: p.name.clone(),
            status: s.status,
            status_label: s.status.label_sv().into(),
        };
        if s.counts_as_adopted && !before.counts_as_adopted {
            m.adopted.push(r);
        } else if !s.counts_as_adopted && before.counts_as_adopted {
            m.no_longer_adopted.push(r);
        } else if s.status == Status::Rejected && before.status != Status::Rejected {
            m.rejected.push(r);
        }
    }
    for list in [&mut m.adopted, &mut m.rejected, &mut m.no_longer_adopted] {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    m
}

/// The party's standing referral back or tabling, when it is older than four weeks.
fn stalled_decision<'a>(snapshot: &'a Snapshot, code: &'a str, status: Status, as_of: NaiveDate) -> Option<&'a Event> {
    if !matches!(status, Status::ReferredBack | Status::Tabled) {
        return None;
    }
    let decision = snapshot.latest_decision(code, as_of)?;
    (decision.status == status && decision.effective_on() + Days::new(STALLED_AFTER_DAYS) < as_of).then_some(decision)
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Still to decide: not adopted, not rejected, not under appeal.
fn undecided(s: &PartyStanding) -> bool {
    !s.counts_as_adopted && !matches!(s.status, Status::Adopted | Status::Rejected | Status::Appealed)
}

fn counts(snapshot: &Snapshot, e: &Event) -> bool {
    snapshot.corrected_by(e.id).is_none()
}

/// The planned meeting date of the party's latest `scheduled` event when it has passed and no
/// KF/RF outcome was recorded on or after it.
fn passed_plan_without_outcome(snapshot: &Snapshot, code: &str, as_of: NaiveDate) -> Option<NaiveDate> {
    let planned_on = snapshot
        .events_of(code)
        .filter(|e| e.status == Status::Scheduled && counts(snapshot, e) && e.effective_on() <= as_of)
        .max_by_key(|e| (e.recorded_at, e.id))
        .and_then(|e| e.planned_on)
        .filter(|d| *d < as_of)?;
    let decided_since = snapshot.events_of(code).any(|e| {
        counts(snapshot, e)
            && e.status.is_assembly_outcome()
            && e.decided_on.is_some_and(|d| d >= planned_on && d <= as_of)
    });
    (!decided_since).then_some(planned_on)
}

fn party_line(snapshot: &Snapshot, party: &Party, standing: &PartyStanding, as_of: NaiveDate) -> PartyLine {
    PartyLine {
        code: party.code.clone(),
        name: party.name.clone(),
        status: standing.status,
        status_label: standing.status.label_sv().into(),
        counts_as_adopted: standing.counts_as_adopted,
        latest_decision: snapshot.latest_decision(&party.code, as_of).map(|e| Decision {
            status: e.status,
            body: e.body.clone(),
            decided_on: e.decided_on,
            reference: e.reference.clone(),
        }),
        next_planned_on: snapshot.next_planned_on(&party.code, as_of),
        population: party.population,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::agreement::Agreement;
    use crate::ratification::RuleConfig;
    use crate::reports::week::IsoWeek;

    fn party(code: &str, kind: PartyKind, subregion: Option<&str>, population: u32) -> Party {
        Party {
            code: code.into(),
            name: format!("Part {code}"),
            kind,
            subregion: subregion.map(str::to_string),
            population,
            population_year: 2025,
            county_code: None,
        }
    }

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn event(id: i32, code: &str, status: Status, recorded: DateTime<Utc>) -> Event {
        Event::for_test(id, code, status, recorded)
    }

    fn snapshot(events: Vec<Event>) -> Snapshot {
        Snapshot::new(
            Agreement {
                id: 1,
                slug: "hos-2027".into(),
                title: "Avtalet".into(),
                short_title: "Avtalet".into(),
                starts_on: d("2027-01-01"),
                decision_period_ends_on: d("2026-05-31"),
                rules: RuleConfig {
                    majority_threshold: crate::ratification::Threshold::Count(2),
                    ..RuleConfig::default()
                },
                instruments: Vec::new(),
            },
            vec![
                party("14", PartyKind::Region, None, 600),
                party("1401", PartyKind::Municipality, Some("Norr"), 100),
                party("1402", PartyKind::Municipality, Some("Norr"), 300),
                party("1403", PartyKind::Municipality, Some("Söder"), 200),
            ],
            events,
        )
    }

    fn header(cutoff: DateTime<Utc>, previous: Option<DateTime<Utc>>) -> Header {
        Header {
            number: 2,
            week: IsoWeek::of(cutoff.date_naive()),
            generated_at: cutoff,
            cutoff,
            previous: previous.map(|p| PreviousReport { number: 1, week: "2026-W47".into(), cutoff: p }),
        }
    }

    #[test]
    fn changes_are_the_events_between_the_two_cutoffs() {
        let mut adopted = event(1, "1401", Status::Adopted, at(16, 9));
        adopted.decided_on = Some(d("2026-11-12"));
        let mut correction = event(2, "1401", Status::Proposed, at(24, 9));
        correction.corrects = Some(1);
        correction.note = Some("Fel datum".into());
        let late = event(3, "1402", Status::InPreparation, at(26, 9));
        let s = snapshot(vec![adopted, correction, late]);
        let r = build(&s, header(at(25, 6), Some(at(23, 6))));
        let ids: Vec<i32> = r.changes.iter().map(|c| c.event_id).collect();
        assert_eq!(ids, [2], "before the previous cut-off and after this one are left out");
        assert_eq!(r.changes[0].corrects, Some(1));
        assert_eq!(r.status.municipalities_adopted, 0, "the corrected adoption no longer counts");
        assert_eq!(r.as_of, d("2026-11-25"));
        // The first report lists everything up to its cut-off.
        let first = build(&s, header(at(25, 6), None));
        assert_eq!(first.changes.len(), 2);
        assert_eq!(first.changes[0].corrected_by, Some(2));
    }

    #[test]
    fn planned_within_four_weeks_and_risks() {
        let as_of = d("2026-11-25");
        let plan = |id, code: &str, on: NaiveDate| {
            let mut e = event(id, code, Status::Scheduled, at(2, 9));
            e.planned_on = Some(on);
            e
        };
        // 1401: last day of the horizon; 1402: one day after it; 1403: passed, then tabled on the day.
        let mut tabled = event(4, "1403", Status::Tabled, at(11, 9));
        tabled.decided_on = Some(d("2026-11-10"));
        let s = snapshot(vec![
            plan(1, "1401", as_of + Days::new(27)),
            plan(2, "1402", as_of + Days::new(28)),
            plan(3, "1403", d("2026-11-10")),
            tabled,
            plan(5, "14", d("2026-11-20")),
        ]);
        let r = build(&s, header(at(25, 6), None));
        let planned: Vec<&str> = r.planned.iter().map(|p| p.party_code.as_str()).collect();
        assert_eq!(planned, ["1401"]);
        assert_eq!(r.planned_until, d("2026-12-22"));
        let overdue: Vec<&str> = r.risk.overdue.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(overdue, ["14"], "the region's date passed with no outcome");
        let no_plan: Vec<&str> = r.risk.no_planned_decision.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(no_plan, ["1403"], "tabled on its date: an outcome, but nothing planned now");
    }

    #[test]
    fn subregions_and_population() {
        let adopt = |id, code: &str| {
            let mut e = event(id, code, Status::Adopted, at(2, 9));
            e.decided_on = Some(d("2026-11-01"));
            e
        };
        let s = snapshot(vec![adopt(1, "1401"), adopt(2, "1403"), adopt(3, "14")]);
        let r = build(&s, header(at(25, 6), None));
        assert_eq!(r.subregions.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Norr", "Söder"]);
        let norr = &r.subregions[0];
        assert_eq!((norr.municipalities_total, norr.municipalities_adopted, norr.population), (2, 1, 400));
        assert!((norr.population_share_adopted - 0.25).abs() < 1e-9);
        assert_eq!(r.population.county, 600);
        assert!((r.population.adopted_share - 0.5).abs() < 1e-9);
        assert_eq!(r.population.outcome_share, r.status.outcome.population_share);
        assert!(r.region.counts_as_adopted);
    }

    /// The opening sentences, for the logs that give each wording (render/sv.rs).
    #[test]
    fn what_changed_since_the_previous_report_in_words() {
        use crate::reports::render::sv;
        let adopt = |id, code: &str, recorded| {
            let mut e = event(id, code, Status::Adopted, recorded);
            e.decided_on = Some(d("2026-11-19"));
            e
        };
        // Previous report at the 20th; this one at the 25th (week 48, the previous week 47).
        let s = snapshot(vec![adopt(1, "1401", at(22, 9)), adopt(2, "14", at(22, 9))]);
        let r = build(&s, header(at(25, 6), Some(at(20, 6))));
        assert_eq!(
            sv::since_previous(&r).as_deref(),
            Some("Sedan förra veckan: +1 kommun har antagit (Part 1401); regionen har antagit.")
        );
        let nothing = build(&snapshot(vec![]), header(at(25, 6), Some(at(20, 6))));
        assert_eq!(
            sv::since_previous(&nothing).as_deref(),
            Some("Sedan förra veckan: inget nytt beslut om att anta eller avslå avtalet.")
        );
        assert_eq!(sv::since_previous(&build(&s, header(at(25, 6), None))), None, "a first report has no previous");

        // Two adopted before the previous report; one of them corrected away since, one rejected.
        let mut correction = event(4, "1402", Status::Proposed, at(23, 9));
        correction.corrects = Some(3);
        let mut rejected = event(5, "1403", Status::Rejected, at(23, 9));
        rejected.decided_on = Some(d("2026-11-22"));
        let s = snapshot(vec![adopt(1, "1401", at(2, 9)), adopt(3, "1402", at(2, 9)), correction, rejected]);
        let mut h = header(at(25, 6), Some(at(20, 6)));
        h.previous = h.previous.map(|p| PreviousReport { week: "2026-W45".into(), ..p });
        let r = build(&s, h);
        assert_eq!(
            sv::since_previous(&r).as_deref(),
            Some("Sedan rapport nr 1: 1 kommun har avslagit (Part 1403); −1 kommun räknas inte längre som antagen (Part 1402).")
        );
        let c = r.changes.iter().find(|c| c.event_id == 4).unwrap();
        assert_eq!(
            sv::change_sentence(c),
            "Uppgiften om Part 1402 rättades: Föreslaget, inte antaget (19 november 2026)."
        );
    }

    #[test]
    fn before_the_start_in_words() {
        use crate::reports::render::sv;
        let plan = |id, code: &str, on: &str| {
            let mut e = event(id, code, Status::Scheduled, at(2, 9));
            e.planned_on = Some(d(on));
            e
        };
        let says = |events: Vec<Event>| {
            let r = build(&snapshot(events), header(at(25, 6), None));
            (sv::before_start(&r).unwrap_or_default(), sv::days_left(&r).unwrap_or_default())
        };
        assert_eq!(
            says(vec![]),
            (
                "Inför 1 januari 2027: 3 kommuner har inte antagit; ingen av dem har något beslut planerat.".into(),
                "Det är 37 dagar kvar till avtalsstarten.".into()
            )
        );
        let all_before =
            vec![plan(1, "1401", "2026-12-10"), plan(2, "1402", "2026-12-11"), plan(3, "1403", "2026-12-12")];
        assert_eq!(
            says(all_before).0,
            "Inför 1 januari 2027: 3 kommuner har inte antagit; alla har beslut planerat före 1 januari."
        );
        let mixed = vec![plan(1, "1401", "2026-12-10"), plan(2, "1402", "2027-01-12")];
        assert_eq!(
            says(mixed).0,
            "Inför 1 januari 2027: 3 kommuner har inte antagit; 1 har beslut planerat före 1 januari, 1 efter, 1 inget planerat."
        );
        let after_and_none = vec![plan(2, "1402", "2027-01-12")];
        assert_eq!(
            says(after_and_none).0,
            "Inför 1 januari 2027: 3 kommuner har inte antagit; 1 har beslut planerat efter 1 januari, 2 inget planerat."
        );
        let adopt = |id, code: &str| {
            let mut e = event(id, code, Status::Adopted, at(2, 9));
            e.decided_on = Some(d("2026-11-01"));
            e
        };
        assert_eq!(
            says(vec![adopt(1, "1401"), adopt(2, "1402"), plan(3, "1403", "2026-12-10")]).0,
            "Inför 1 januari 2027: 1 kommun har inte antagit; den har beslut planerat före 1 januari."
        );
        assert_eq!(
            says(vec![adopt(1, "1401"), adopt(2, "1402"), adopt(3, "1403")]).0,
            "Inför 1 januari 2027: alla kommuner har antagit."
        );
        let r = build(&snapshot(vec![]), header(Utc.with_ymd_and_hms(2026, 12, 31, 8, 0, 0).unwrap(), None));
        assert_eq!(sv::days_left(&r).as_deref(), Some("Det är 1 dag kvar till avtalsstarten."));
        let started = build(&snapshot(vec![]), header(Utc.with_ymd_and_hms(2027, 1, 4, 8, 0, 0).unwrap(), None));
        assert_eq!((sv::before_start(&started), sv::days_left(&started)), (None, None), "nothing to count down");
    }

    #[test]
    fn stalled_after_four_weeks_and_planned_after_the_start() {
        let as_of = d("2026-11-25");
        let decided = |id, code: &str, status, days_before: u64| {
            let mut e = event(id, code, status, at(1, 9));
            e.decided_on = Some(as_of - Days::new(days_before));
            e
        };
        let mut late = event(3, "14", Status::Scheduled, at(2, 9));
        late.planned_on = Some(d("2027-01-01"));
        let s =
            snapshot(vec![decided(1, "1401", Status::ReferredBack, 29), decided(2, "1402", Status::Tabled, 28), late]);
        let r = build(&s, header(at(25, 6), None));
        let stalled: Vec<&str> = r.risk.stalled.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(stalled, ["1401"], "four weeks to the day is not yet stalled");
        assert_eq!(r.risk.stalled[0].since, as_of - Days::new(29));
        let no_plan: Vec<&str> = r.risk.no_planned_decision.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(no_plan, ["1402", "1403"], "a stalled party is not also listed here");
        let after: Vec<&str> = r.risk.planned_after_start.iter().map(|p| p.party_code.as_str()).collect();
        assert_eq!(after, ["14"], "a meeting on the start day is too late");
        assert_eq!(
            (r.before_start.municipalities_not_adopted, r.before_start.planned_before, r.before_start.nothing_planned),
            (3, 0, 3)
        );
    }

    #[test]
    fn conditions_in_subordinate_clauses() {
        use crate::ratification::ConditionState;
        use crate::reports::render::sv;
        for state in [ConditionState::Satisfied, ConditionState::Open, ConditionState::Blocked] {
            let clause = sv::condition_explanation(state);
            assert!(!clause.contains("kan inte") && !clause.contains("är inte"), "{clause}");
        }
        assert_eq!(
            sv::condition_explanation(ConditionState::Blocked),
            "villkoret inte kan uppfyllas med de beslut som har registrerats"
        );
    }

    // A report as stored in the first schema: frozen by `ratify report generate` on a `ratify demo`
    // database, the three columns of its row kept as they were.
    const V1_DATA: &str = include_str!("../../tests/fixtures/report-v1-2026-W49.json");
    const V1_HTML: &str = include_str!("../../tests/fixtures/report-v1-2026-W49.html");
    const V1_TEXT: &str = include_str!("../../tests/fixtures/report-v1-2026-W49.txt");

    /// The stored HTML and text with what has changed on purpose since they were frozen: the
    /// site's status colours on the map and the site's names, words and colours for the conditions. The demo
    /// mark stays: the stored data says `"demo": true`, and rendering writes the mark.
    fn as_rendered_today(html: &str, text: &str) -> (String, String) {
        use crate::ratification::ConditionState::{Blocked, Open, Satisfied};
        use crate::reports::render::map::colour;
        let old_fill = [
            ("#e4e4e4", Status::NotStarted),
            ("#c6dbef", Status::InPreparation),
            ("#6baed6", Status::Scheduled),
            ("#2171b5", Status::Proposed),
            ("#2e8540", Status::Adopted),
            ("#c0392b", Status::Rejected),
            ("#f0b429", Status::ReferredBack),
            ("#f7d774", Status::Tabled),
            ("#8e44ad", Status::Appealed),
        ];
        let old_state = [("Uppfyllt", Satisfied), ("Öppet", Open), ("Kan inte uppfyllas", Blocked)];
        let mut html = html.to_string();
        let mut text = text.to_string();
        for (old, status) in old_fill {
            html = html.replace(&format!("fill=\"{old}\""), &format!("fill=\"{}\"", colour(status)));
            html = html.replace(&format!("background:{old}\""), &format!("background:{}\"", colour(status)));
        }
        for (old, state) in old_state {
            let new = crate::reports::render::sv::condition_state(state);
            html = html.replace(&format!("class=\"state\">{old}</p>"), &format!("class=\"state\">{new}</p>"));
            text = text.replace(&format!(": {old} – "), &format!(": {new}. "));
        }
        html = html.replace("<strong>Flertalet</strong>", "<strong>Majoritetsalternativet</strong>");
        // The conditions' borders in the site's colours for a satisfied and a blocked condition.
        html = html.replace(
            ".satisfied{border-color:#2e8540}.blocked{border-color:#c0392b}",
            ".satisfied{border-color:#006b4f}.blocked{border-color:#a33c00}",
        );
        text = text.replace("\nFlertalet: ", "\nMajoritetsalternativet: ");
        (html, text)
    }

    #[test]
    fn a_report_stored_in_the_first_schema_loads_and_renders_as_it_did() {
        let data = ReportData::load(V1_DATA).expect("a report of schema 1 loads");
        assert_eq!((data.schema_version, data.number, data.week.as_str()), (1, 1, "2026-W49"));
        assert_eq!(data.changes.len(), 91);
        let (html, text) = crate::reports::render::render(&data);
        let (stored_html, stored_text) = as_rendered_today(V1_HTML, V1_TEXT);
        assert_eq!(text, stored_text);
        assert!(html == stored_html, "the HTML rendered again differs from the stored one");

        // Nothing is lost reading it: written again, it is the stored data, the demo mark first
        // as it was stored.
        assert!(data.demo, "the stored report is a demo's");
        assert!(html.contains("<body><p class=\"demo-banner\" style=\"background:#fff3bf;"), "the mark after <body>");
        assert!(text.starts_with("EXEMPELDATA – INTE VERKLIGA BESLUT\n\n"));
        let stored: serde_json::Value = serde_json::from_str(V1_DATA).unwrap();
        assert_eq!(serde_json::to_value(&data).unwrap(), stored);
        assert!(serde_json::to_string(&data).unwrap().starts_with("{\"demo\":true,\"schema\":1,"));
    }

    #[test]
    fn a_report_of_a_newer_schema_is_refused() {
        let newer = V1_DATA.replacen("\"schema\":1,", "\"schema\":3,", 1);
        assert!(matches!(ReportData::load(&newer), Err(LoadError::NewerSchema(3))));
        assert!(matches!(ReportData::load("{}"), Err(LoadError::Json(_))));
    }

    /// Every key under `v`, by its path; an array counts as a value (its items are other keys).
    fn key_paths(v: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
        if let Some(object) = v.as_object() {
            for (k, v) in object {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                out.push(path.clone());
                key_paths(v, &path, out);
            }
        }
    }

    /// The report's format is its own: these are its keys, whatever the API's answer has.
    #[test]
    fn the_report_carries_its_schema_version_and_its_own_keys() {
        let r = build(&snapshot(vec![]), header(at(25, 6), None));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["schema"], SCHEMA_VERSION);
        assert_eq!(SCHEMA_VERSION, 2);
        let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected_top = vec![
            "schema",
            "number",
            "week",
            "as_of",
            "generated_at",
            "cutoff",
            "previous",
            "status",
            "changes",
            "since_previous",
            "before_start",
            "planned_until",
            "planned",
            "risk",
            "region",
            "subregions",
            "population",
        ];
        let mut top_sorted = top.clone();
        top_sorted.sort_unstable();
        expected_top.sort_unstable();
        assert_eq!(top_sorted, expected_top);

        let status_keys = [
            "agreement",
            "agreement.id",
            "agreement.title",
            "agreement.starts_on",
            "as_of",
            "last_change_at",
            "parties_total",
            "municipalities_total",
            "counts",
            "counts.not_started",
            "counts.in_preparation",
            "counts.scheduled",
            "counts.proposed",
            "counts.adopted",
            "counts.rejected",
            "counts.referred_back",
            "counts.tabled",
            "counts.appealed",
            "municipalities_adopted",
            "region_status",
            "conditions",
            "conditions.unanimity",
            "conditions.unanimity.state",
            "conditions.unanimity.adopted",
            "conditions.unanimity.required",
            "conditions.unanimity.missing",
            "conditions.unanimity.blocking",
            "conditions.majority",
            "conditions.majority.state",
            "conditions.majority.municipalities_adopted",
            "conditions.majority.required",
            "conditions.majority.region_adopted",
            "conditions.majority.blocking",
            "outcome",
            "outcome.applies_to",
            "outcome.parties",
            "outcome.population_share",
            "instruments",
        ];
        let sorted = |mut keys: Vec<String>| {
            keys.sort_unstable();
            keys
        };
        let expected = sorted(status_keys.iter().map(|k| k.to_string()).collect());
        let mut built = Vec::new();
        key_paths(&v["status"], "", &mut built);
        assert_eq!(sorted(built), expected, "the report's status part");
        // The same keys as the reports already sent.
        let stored: serde_json::Value = serde_json::from_str(V1_DATA).unwrap();
        let mut stored_keys = Vec::new();
        key_paths(&stored["status"], "", &mut stored_keys);
        assert_eq!(sorted(stored_keys), expected, "the status part of a report of schema 1");
    }
}
