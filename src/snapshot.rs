//! Everything the rules need for one agreement, read in one go: the agreement, its parties and
//! its decision log. The faces (API, pages, reports) evaluate a snapshot instead of querying
//! piecemeal.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, NaiveDate, Utc};

use crate::agreement::{self, Agreement};
use crate::db::DbConn;
use crate::events::{self, Event};
use crate::parties::{self, Party};
use crate::ratification::{self, Evaluation, PartyInput, PreparedLog};

/// Built only by [`Snapshot::new`], which indexes the events, or by [`Snapshot::with_appended`],
/// which adds a write's events to a copy; the fields are read, never changed.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub agreement: Agreement,
    /// The region first, then the municipalities by code.
    pub parties: Vec<Party>,
    /// All events in the order recorded.
    pub events: EventLog,
    index: Index,
}

/// The events in the order recorded: the log as loaded, in one block shared by every snapshot
/// made from it by [`Snapshot::with_appended`], and the events appended since, each shared. So
/// applying a write copies the few appended pointers, not the log: a national log's 170 000
/// pointers, each counted up on the copy and down on the old snapshot's drop, cost more than
/// rendering the page.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    loaded: Arc<[Event]>,
    appended: Vec<Arc<Event>>,
}

impl EventLog {
    fn loaded(events: Vec<Event>) -> Self {
        EventLog { loaded: events.into(), appended: Vec::new() }
    }

    fn append(&mut self, added: Vec<Event>) {
        self.appended.extend(added.into_iter().map(Arc::new));
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Event> + Clone + '_ {
        self.loaded.iter().chain(self.appended.iter().map(|e| &**e))
    }

    pub fn len(&self) -> usize {
        self.loaded.len() + self.appended.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, position: usize) -> Option<&Event> {
        match position.checked_sub(self.loaded.len()) {
            None => self.loaded.get(position),
            Some(after) => self.appended.get(after).map(|e| &**e),
        }
    }
}

/// Lookups the pages make per party and per event, built once so that they do not rescan the
/// whole log each time (which made rendering quadratic in the number of events).
#[derive(Debug, Clone, Default)]
struct Index {
    /// Positions in `events` of each party's events, in the order recorded.
    by_party: HashMap<String, Vec<usize>>,
    /// Position in `events` of each event id.
    by_id: HashMap<i32, usize>,
    /// Corrected event id → id of the event correcting it.
    corrected_by: HashMap<i32, i32>,
    /// The earliest effective date of any event (a time-zone conversion per event: done once).
    first_effective_on: Option<NaiveDate>,
    /// The highest event id and the newest `recorded_at`: asked by every page, and a scan of a
    /// national log (170 000 events behind pointers) took milliseconds each time.
    max_id: Option<i32>,
    last_change_at: Option<DateTime<Utc>>,
    /// Positions of each party's decisions (assembly outcomes and appeals), ordered by
    /// (effective date, recorded_at, id), and of its `scheduled` events in the order recorded:
    /// the table and the projection ask for the latest of each per party at a date, and most
    /// events are neither.
    decisions_by_party: HashMap<String, Vec<usize>>,
    scheduled_by_party: HashMap<String, Vec<usize>>,
    /// The log as the rules engine takes it, prepared on first use: a cached snapshot is
    /// evaluated for many pages and dates.
    prepared: Arc<OnceLock<PreparedLog>>,
}

impl Index {
    fn build(events: &EventLog) -> Self {
        let mut index = Index::default();
        index.add(events, 0);
        index
    }

    /// Indexes `events[from..]` (the rest is indexed already). The prepared log is left to the
    /// caller.
    fn add(&mut self, events: &EventLog, from: usize) {
        let index = self;
        let mut decided: Vec<&str> = Vec::new();
        for (i, e) in events.iter().enumerate().skip(from) {
            push_position(&mut index.by_party, &e.party_code, i);
            index.by_id.insert(e.id, i);
            if let Some(target) = e.corrects {
                index.corrected_by.insert(target, e.id);
            }
            let kept = if e.status.is_decision() {
                decided.push(&e.party_code);
                Some(&mut index.decisions_by_party)
            } else if e.status == ratification::Status::Scheduled {
                Some(&mut index.scheduled_by_party)
            } else {
                None
            };
            if let Some(map) = kept {
                push_position(map, &e.party_code, i);
            }
            index.max_id = index.max_id.max(Some(e.id));
            index.last_change_at = index.last_change_at.max(Some(e.recorded_at));
        }
        decided.sort_unstable();
        decided.dedup();
        for code in decided {
            if let Some(positions) = index.decisions_by_party.get_mut(code) {
                positions.sort_by_cached_key(|&i| events.get(i).map(|e| (e.effective_on(), e.recorded_at, e.id)));
            }
        }
        let added = events.iter().skip(from).map(Event::effective_on).min();
        index.first_effective_on = match (index.first_effective_on, added) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Adds position `i` to `code`'s list. Looked up before inserting: `entry` would clone the code
/// for every event.
fn push_position(map: &mut HashMap<String, Vec<usize>>, code: &str, i: usize) {
    match map.get_mut(code) {
        Some(positions) => positions.push(i),
        None => {
            map.insert(code.to_string(), vec![i]);
        }
    }
}

impl Snapshot {
    pub fn new(agreement: Agreement, parties: Vec<Party>, events: Vec<Event>) -> Self {
        let events = EventLog::loaded(events);
        let index = Index::build(&events);
        Self { agreement, parties, events, index }
    }

    /// This snapshot with `added` (events recorded after all it holds) appended: the events
    /// already held are shared, and of the prepared log only the parties with new events are
    /// prepared again. What a write costs the next reader is then in proportion to the
    /// agreement and the write, not to the database ([`crate::http_cache`] uses it).
    pub fn with_appended(&self, added: Vec<Event>) -> Self {
        if added.is_empty() {
            return self.clone();
        }
        let from = self.events.len();
        let mut events = self.events.clone();
        events.append(added);
        // The held lookups extended by the new events; the prepared log is made anew below.
        let mut index = Index { prepared: Arc::new(OnceLock::new()), ..self.index.clone() };
        index.add(&events, from);
        let next = Self { agreement: self.agreement.clone(), parties: self.parties.clone(), events, index };
        // Re-prepare only the parties the new events name, if this one was prepared at all.
        if let Some(prepared) = self.index.prepared.get() {
            let mut changed: Vec<&str> = next.events.iter().skip(from).map(|e| e.party_code.as_str()).collect();
            changed.sort_unstable();
            changed.dedup();
            let replaced: Vec<PartyInput> =
                changed.into_iter().filter_map(|code| next.party(code)).map(|p| next.party_input(p)).collect();
            let _ = next.index.prepared.set(prepared.with_parties_replaced(replaced));
        }
        next
    }

    /// The agreement with this id as it is now, its parties and its whole log.
    pub fn load(conn: &mut DbConn, agreement_id: i32) -> diesel::QueryResult<Self> {
        let agreement = agreement::load_by_id(conn, agreement_id)?;
        let parties = parties::of_agreement(conn, agreement.id)?;
        let events = events::all(conn, agreement.id)?;
        Ok(Self::new(agreement, parties, events))
    }

    /// This snapshot brought up to date after writes: the events recorded since it was loaded
    /// appended ([`Snapshot::with_appended`]), or `None` if that cannot be told from the ids (the
    /// caller loads it anew): an event committed late with an id below what is held (another
    /// PostgreSQL writer) shows as a count that does not add up.
    pub fn refreshed(&self, conn: &mut DbConn) -> diesel::QueryResult<Option<Self>> {
        let held = self.max_event_id().unwrap_or(0);
        // The count first: an event committed between the two reads makes the sum too large.
        let total = events::count(conn, self.agreement.id)?;
        let added = events::after_id(conn, self.agreement.id, held)?;
        if usize::try_from(total).ok() != Some(self.events.len() + added.len()) {
            return Ok(None);
        }
        Ok(Some(self.with_appended(added)))
    }

    /// The same agreement and parties with another log (a past cut-off, a projection).
    pub fn with_events(&self, events: Vec<Event>) -> Self {
        Self::new(self.agreement.clone(), self.parties.clone(), events)
    }

    pub fn evaluate(&self, as_of: NaiveDate) -> Evaluation {
        self.prepared().evaluate(&self.agreement.rules, as_of)
    }

    /// Municipalities counting as adopted on each day of `from..=to` (see
    /// [`ratification::adoption_history`]), for charts.
    pub fn adoption_history(&self, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, u32)> {
        self.prepared().adoption_history(&self.agreement.rules, from, to)
    }

    /// What the rules engine is fed: every party with its events, prepared once per snapshot.
    pub fn prepared(&self) -> &PreparedLog {
        self.index.prepared.get_or_init(|| {
            let parties = self.parties.iter().map(|p| self.party_input(p)).collect();
            PreparedLog::new(self.agreement.instrument_slugs(), parties)
        })
    }

    fn party_input(&self, p: &Party) -> PartyInput {
        PartyInput {
            code: p.code.clone(),
            kind: p.kind,
            population: u64::from(p.population),
            events: self.events_of(&p.code).map(Event::to_input).collect(),
        }
    }

    /// The party's events in the order recorded.
    pub fn events_of<'a>(&'a self, code: &str) -> impl Iterator<Item = &'a Event> + 'a {
        let positions = self.index.by_party.get(code).map(Vec::as_slice).unwrap_or_default();
        positions.iter().filter_map(|&i| self.events.get(i))
    }

    pub fn event(&self, id: i32) -> Option<&Event> {
        self.index.by_id.get(&id).and_then(|&i| self.events.get(i))
    }

    pub fn party(&self, code: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.code == code)
    }

    /// The earliest day any event takes effect.
    pub fn first_effective_on(&self) -> Option<NaiveDate> {
        self.index.first_effective_on
    }

    /// When the log last changed (the newest recorded_at).
    pub fn last_change_at(&self) -> Option<DateTime<Utc>> {
        self.index.last_change_at
    }

    /// The highest event id held (ids grow as events are inserted).
    pub fn max_event_id(&self) -> Option<i32> {
        self.index.max_id
    }

    /// The party's events at these positions (an index of [`Index`]).
    fn events_at<'a>(&'a self, positions: Option<&'a Vec<usize>>) -> impl Iterator<Item = &'a Event> + 'a {
        positions.map(Vec::as_slice).unwrap_or_default().iter().filter_map(|&i| self.events.get(i))
    }

    /// The id of the event that corrects `id`, if any.
    pub fn corrected_by(&self, id: i32) -> Option<i32> {
        self.index.corrected_by.get(&id).copied()
    }

    /// The party's latest decision standing at `as_of`: the newest counting event with a KF/RF
    /// outcome or an appeal, effective on or before that day.
    pub fn latest_decision<'a>(&'a self, code: &'a str, as_of: NaiveDate) -> Option<&'a Event> {
        let positions = self.index.decisions_by_party.get(code).map(Vec::as_slice).unwrap_or_default();
        // Ordered by effective date first: those on or before `as_of` are a prefix, and the
        // latest standing is the last of it that no event corrects.
        let upto = positions.partition_point(|&i| self.events.get(i).is_some_and(|e| e.effective_on() <= as_of));
        positions[..upto].iter().rev().filter_map(|&i| self.events.get(i)).find(|e| self.corrected_by(e.id).is_none())
    }

    /// The meeting date of the party's latest `scheduled` event, if on or after `as_of`
    /// (a rescheduling is a newer `scheduled` event, so only the latest one counts).
    pub fn next_planned_on(&self, code: &str, as_of: NaiveDate) -> Option<NaiveDate> {
        self.events_at(self.index.scheduled_by_party.get(code))
            .filter(|e| self.corrected_by(e.id).is_none())
            .filter(|e| e.effective_on() <= as_of)
            .max_by_key(|e| (e.recorded_at, e.id))
            .and_then(|e| e.planned_on)
            .filter(|d| *d >= as_of)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::ratification::{PartyKind, RuleConfig, Status};

    fn party(code: &str, kind: PartyKind) -> Party {
        Party {
            code: code.into(),
            name: format!("Part {code}"),
            kind,
            subregion: None,
            population: 100,
            population_year: 2025,
            county_code: None,
        }
    }

    fn event(id: i32, code: &str, status: Status, corrects: Option<i32>) -> Event {
        // 23:30 UTC is the next day in Stockholm.
        let recorded_at = Utc.with_ymd_and_hms(2026, 11, 1, 23, 30, 0).unwrap() + chrono::TimeDelta::days(id.into());
        Event { note: corrects.map(|_| "rättelse".into()), corrects, ..Event::for_test(id, code, status, recorded_at) }
    }

    fn snapshot(events: Vec<Event>) -> Snapshot {
        let agreement = Agreement {
            id: 1,
            slug: "hos-2027".into(),
            title: "Avtalet".into(),
            short_title: "Avtalet".into(),
            starts_on: "2027-01-01".parse().unwrap(),
            decision_period_ends_on: "2026-05-31".parse().unwrap(),
            rules: RuleConfig { majority_threshold: crate::ratification::Threshold::Count(1), ..RuleConfig::default() },
            instruments: Vec::new(),
        };
        let parties = vec![party("14", PartyKind::Region), party("1401", PartyKind::Municipality)];
        Snapshot::new(agreement, parties, events)
    }

    /// A snapshot with `n` in-preparation events for municipality 1401 (ids 1..=n).
    pub(crate) fn snapshot_with_events(n: usize) -> Snapshot {
        snapshot((1..=n).map(|id| event(id as i32, "1401", Status::InPreparation, None)).collect())
    }

    #[test]
    fn the_index_answers_what_a_scan_of_the_log_answers() {
        let s = snapshot(vec![
            event(7, "1401", Status::Adopted, None),
            event(3, "14", Status::Proposed, None),
            event(9, "1401", Status::Rejected, Some(7)),
            event(12, "14", Status::Adopted, None),
        ]);
        let ids = |code: &str| s.events_of(code).map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids("1401"), [7, 9], "in the order of the log");
        assert_eq!(ids("14"), [3, 12]);
        assert!(ids("1402").is_empty());
        assert_eq!(s.corrected_by(7), Some(9));
        assert_eq!(s.corrected_by(9), None);
        assert_eq!(s.event(12).map(|e| e.status), Some(Status::Adopted));
        assert!(s.event(8).is_none());
        assert_eq!(s.first_effective_on(), "2026-11-05".parse().ok(), "event 3, on Stockholm's calendar");
        assert_eq!(s.evaluate("2026-12-31".parse().unwrap()).municipalities_adopted, 0, "7 is void");
    }

    /// Everything a face reads of a snapshot, to compare two.
    fn answers(s: &Snapshot) -> Vec<String> {
        let mut out = vec![format!("{:?}", s.first_effective_on()), format!("{:?}", s.last_change_at())];
        for day in ["2026-01-01", "2026-11-02", "2026-11-20", "2027-03-01"] {
            let on: NaiveDate = day.parse().unwrap();
            let eval = s.evaluate(on);
            out.push(format!("{on} {:?} {:?} {:?}", eval.counts, eval.unanimity, eval.majority));
            for p in &s.parties {
                out.push(format!(
                    "{} {:?} {:?}",
                    p.code,
                    s.latest_decision(&p.code, on).map(|e| e.id),
                    s.next_planned_on(&p.code, on)
                ));
            }
        }
        out.push(format!("{:?}", s.adoption_history("2026-11-01".parse().unwrap(), "2026-12-31".parse().unwrap())));
        for e in s.events.iter() {
            out.push(format!("{} {:?} {:?}", e.id, s.corrected_by(e.id), s.event(e.id).map(|e| e.id)));
        }
        out
    }

    proptest::proptest! {
        /// A write applied to a held snapshot answers exactly what loading the whole log anew
        /// answers, whether or not the held one had been prepared.
        #[test]
        fn appending_answers_what_a_fresh_load_answers(
            raw in proptest::collection::vec((0..3usize, 0..6usize, proptest::option::weighted(0.2, 0..40i32)), 1..40),
            split in 0..40usize,
            prepared_first: bool,
        ) {
            let statuses = [Status::Adopted, Status::Rejected, Status::Proposed, Status::Scheduled, Status::ReferredBack, Status::InPreparation];
            let codes = ["14", "1401", "1402"];
            let mut events: Vec<Event> = Vec::new();
            for (i, (party, status, corrects)) in raw.iter().enumerate() {
                let id = i as i32 + 1;
                // A correction names an earlier, not yet corrected event of the same party.
                let corrects = corrects.map(|c| c % id).filter(|c| {
                    *c > 0 && events.iter().any(|e| e.id == *c && e.party_code == codes[*party])
                        && !events.iter().any(|e| e.corrects == Some(*c))
                });
                let mut e = event(id, codes[*party], statuses[*status], corrects);
                e.decided_on = Some(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::TimeDelta::days(i64::from(id % 9)));
                if statuses[*status] == Status::Scheduled {
                    e.planned_on = Some(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() + chrono::TimeDelta::days(i64::from(id)));
                    e.decided_on = None;
                }
                events.push(e);
            }
            let split = split.min(events.len());
            let whole = with_parties(events.clone());
            let held = with_parties(events[..split].to_vec());
            if prepared_first {
                let _ = held.prepared();
            }
            let appended = held.with_appended(events[split..].to_vec());
            proptest::prop_assert_eq!(answers(&appended), answers(&whole));
            // The held snapshot is unchanged.
            proptest::prop_assert_eq!(answers(&held), answers(&with_parties(events[..split].to_vec())));
            // The indexed lookups answer what a scan of the party's whole log answers.
            for day in ["2026-10-31", "2026-11-01", "2026-11-04", "2026-11-09", "2027-01-01"] {
                let on: NaiveDate = day.parse().unwrap();
                for code in codes {
                    proptest::prop_assert_eq!(appended.latest_decision(code, on).map(|e| e.id), scan_latest_decision(&whole, code, on));
                    proptest::prop_assert_eq!(appended.next_planned_on(code, on), scan_next_planned_on(&whole, code, on));
                }
            }
        }
    }

    fn scan_latest_decision(s: &Snapshot, code: &str, as_of: NaiveDate) -> Option<i32> {
        s.events_of(code)
            .filter(|e| s.corrected_by(e.id).is_none() && e.status.is_decision() && e.effective_on() <= as_of)
            .max_by_key(|e| (e.effective_on(), e.recorded_at, e.id))
            .map(|e| e.id)
    }

    fn scan_next_planned_on(s: &Snapshot, code: &str, as_of: NaiveDate) -> Option<NaiveDate> {
        s.events_of(code)
            .filter(|e| e.status == Status::Scheduled && s.corrected_by(e.id).is_none() && e.effective_on() <= as_of)
            .max_by_key(|e| (e.recorded_at, e.id))
            .and_then(|e| e.planned_on)
            .filter(|d| *d >= as_of)
    }

    fn with_parties(events: Vec<Event>) -> Snapshot {
        let mut s = snapshot(events);
        s.parties.push(party("1402", PartyKind::Municipality));
        Snapshot::new(s.agreement.clone(), s.parties.clone(), s.events.iter().cloned().collect())
    }

    #[test]
    fn another_log_gets_its_own_index_and_evaluation() {
        let s = snapshot(vec![event(1, "1401", Status::Adopted, None)]);
        let on = "2026-12-31".parse().unwrap();
        assert_eq!(s.evaluate(on).municipalities_adopted, 1);
        let without = s.with_events(Vec::new());
        assert_eq!(without.evaluate(on).municipalities_adopted, 0);
        assert!(without.events_of("1401").next().is_none());
        assert_eq!(s.evaluate(on).municipalities_adopted, 1, "the original is unchanged");
    }
}
