//! Whether this database holds the fictional history of `ratify demo`: a row `demo` in
//! `instance_flags`. Read once per cache generation (every write bumps it), not per request.

use std::sync::Mutex;

use diesel::prelude::*;

use crate::db::schema::instance_flags;
use crate::db::{DbConn, DbError};
use crate::AppState;

pub const DEMO: &str = "demo";

pub fn is_demo(conn: &mut DbConn) -> QueryResult<bool> {
    let n: i64 = instance_flags::table.filter(instance_flags::name.eq(DEMO)).count().get_result(conn)?;
    Ok(n > 0)
}

pub fn mark_demo(conn: &mut DbConn) -> QueryResult<()> {
    diesel::insert_into(instance_flags::table)
        .values((instance_flags::name.eq(DEMO), instance_flags::set_at.eq(crate::clock::now().naive_utc())))
        .execute(conn)
        .map(|_| ())
}

/// The flag as last read, with the generation it was read in.
#[derive(Debug, Default)]
pub struct DemoFlag {
    read: Mutex<Option<(u64, bool)>>,
}

impl DemoFlag {
    /// The flag for the state's current generation; read from the database when that changed.
    /// A failed read counts as "not demo" and is tried again on the next request.
    pub async fn get(&self, state: &AppState) -> bool {
        let generation = state.generation();
        if let Some((seen, value)) = *self.read.lock().unwrap_or_else(|p| p.into_inner()) {
            if seen == generation {
                return value;
            }
        }
        match state.db.run(|db| db.read_blocking(|conn| is_demo(conn).map_err(DbError::Query))).await {
            Ok(value) => {
                *self.read.lock().unwrap_or_else(|p| p.into_inner()) = Some((generation, value));
                value
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not read the demo flag");
                false
            }
        }
    }
}
