//! Where an event is written: the one path every face takes (the staff form, the import, the
//! API, the demo). [`commit`] runs the work in one write transaction and, once it has committed,
//! tells the caches ([`crate::AppState::changed`]); inside it, [`super::store::record_in`] and
//! [`super::store::withdraw_in`] validate, insert and add the audit row. So a refused event
//! leaves nothing, a stored one always has its audit row, and no page shows a state older than
//! a committed write. No handler invalidates a cache itself.

use crate::db::{DbConn, DbError};
use crate::AppState;

/// Runs `work` in one write transaction on the blocking pool; after a commit (`Ok`), the caches
/// are invalidated. An `Err` rolls everything back and leaves the caches as they were.
pub async fn commit<T, E>(
    state: &AppState,
    work: impl FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
) -> Result<T, E>
where
    T: Send + 'static,
    E: From<DbError> + From<diesel::result::Error> + Send + 'static,
{
    let result = state.db.run(move |db| db.write_blocking(work)).await;
    if result.is_ok() {
        state.changed();
    }
    result
}
