//! What changed since a page was rendered: a generation per agreement, moved by every committed
//! write to it, and an epoch, moved by changes that touch every agreement (the agreements
//! themselves, the parties, a restore, another instance's writes that cannot be placed). The
//! response cache compares them with what an entry was rendered at ([`crate::http_cache`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use crate::events::write::Counters;

#[derive(Debug, Default)]
pub struct Generations {
    epoch: AtomicU64,
    /// Moved by every change of any kind: for what depends on everything (the demo flag, pages
    /// showing every agreement).
    any: AtomicU64,
    per_agreement: RwLock<HashMap<i32, u64>>,
    /// The database's change counters as last read by this process.
    seen: Mutex<Option<Counters>>,
}

impl Generations {
    /// After a change to everything.
    pub fn everything_changed(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.any.fetch_add(1, Ordering::SeqCst);
    }

    /// After a committed write to one agreement's data.
    pub fn agreement_changed(&self, agreement_id: i32) {
        {
            let mut map = self.per_agreement.write().unwrap_or_else(|p| p.into_inner());
            *map.entry(agreement_id).or_insert(0) += 1;
        }
        self.any.fetch_add(1, Ordering::SeqCst);
    }

    /// Compares the counters with the last reading: a moved global counter changes everything, a
    /// moved agreement counter that agreement. The first reading counts as a change of
    /// everything: what was cached before it cannot be placed.
    pub fn notice(&self, now: &Counters) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        match seen.as_ref() {
            None => self.everything_changed(),
            Some(before) => {
                if before.everything != now.everything {
                    self.everything_changed();
                }
                for id in now.agreements_changed_since(before) {
                    self.agreement_changed(id);
                }
            }
        }
        *seen = Some(now.clone());
    }

    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    pub fn any(&self) -> u64 {
        self.any.load(Ordering::SeqCst)
    }

    pub fn of(&self, agreement_id: i32) -> u64 {
        let map = self.per_agreement.read().unwrap_or_else(|p| p.into_inner());
        map.get(&agreement_id).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_to_one_agreement_moves_its_generation_and_no_other() {
        let g = Generations::default();
        g.agreement_changed(1);
        g.agreement_changed(1);
        assert_eq!((g.of(1), g.of(2), g.epoch(), g.any()), (2, 0, 0, 2));
        g.everything_changed();
        assert_eq!((g.of(1), g.of(2), g.epoch(), g.any()), (2, 0, 1, 3));
    }
}
