//! Where an event is written: the one path every face takes (the staff form, the import, the
//! API, the CLI, the demo). [`commit`] runs the work in one write transaction and, once it has
//! committed, tells the caches of exactly the agreements it wrote to; inside it,
//! [`super::store::record_in`] and [`super::store::withdraw_in`] validate, insert and add the
//! audit row. So a refused event leaves nothing, a stored one always has its audit row, no page
//! shows a state older than a committed write, and a write to one agreement leaves the others'
//! cached pages as they were. No handler invalidates a cache itself.

use std::cell::Cell;
use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::{agreement_changes, data_changes};
use crate::db::{DbConn, DbError};
use crate::AppState;

thread_local! {
    /// Events stored on this thread ([`note_recorded`]): [`commit`] runs its work on one
    /// blocking thread and counts what the work stored, for the metrics, once it has committed.
    static RECORDED: Cell<u64> = const { Cell::new(0) };
}

/// Called by the store for every event it inserts.
pub(crate) fn note_recorded() {
    RECORDED.with(|n| n.set(n.get() + 1));
}

/// The change counters the database's triggers move (migrations `…_data_changes` and
/// `…_agreements_as_data`): one for everything, one per agreement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    pub everything: i64,
    pub agreements: HashMap<i32, i64>,
}

impl Counters {
    pub fn read(conn: &mut DbConn) -> QueryResult<Self> {
        let everything = data_changes::table.select(data_changes::counter).first::<i64>(conn)?;
        let agreements = agreement_changes::table
            .select((agreement_changes::agreement_id, agreement_changes::counter))
            .load::<(i32, i64)>(conn)?
            .into_iter()
            .collect();
        Ok(Self { everything, agreements })
    }

    /// The agreements whose counter differs from `earlier`'s.
    pub fn agreements_changed_since(&self, earlier: &Counters) -> Vec<i32> {
        let mut ids: Vec<i32> = self
            .agreements
            .iter()
            .filter(|(id, counter)| earlier.agreements.get(id) != Some(counter))
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// Runs `work` in one write transaction on the blocking pool; after a commit (`Ok`), the events it
/// stored are counted in the metrics and the caches
/// of the agreements it wrote to are invalidated (the triggers' counters, read before the commit,
/// tell which: also any another instance moved since this one last looked). An `Err`
/// rolls everything back and leaves the caches as they were.
pub async fn commit<T, E>(
    state: &AppState,
    work: impl FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
) -> Result<T, E>
where
    T: Send + 'static,
    E: From<DbError> + From<diesel::result::Error> + Send + 'static,
{
    let result = state
        .db
        .run(move |db| {
            let before = RECORDED.with(Cell::get);
            let written = db.write_blocking(|conn| -> Result<(T, Counters), E> {
                let value = work(conn)?;
                let after = Counters::read(conn)?;
                Ok((value, after))
            });
            let recorded = RECORDED.with(Cell::get).saturating_sub(before);
            written.map(|(value, after)| (value, after, recorded))
        })
        .await;
    let (value, after, recorded) = result?;
    state.notice_counters(&after);
    state.metrics.events_recorded(recorded);
    Ok(value)
}
