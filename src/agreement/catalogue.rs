//! The agreements an instance serves, read once per change of the agreements themselves (a new
//! agreement comes from `ratify agreement add`, another process: the change watcher notices it).

use std::sync::{Arc, Mutex};

use super::Agreement;
use crate::db::{DbConn, DbError};

/// Every agreement, and which of them today's URLs show.
#[derive(Debug, Clone)]
pub struct Catalogue {
    agreements: Vec<Arc<Agreement>>,
    featured: Arc<Agreement>,
}

impl Catalogue {
    pub fn load(conn: &mut DbConn, featured_slug: &str) -> Result<Self, DbError> {
        let agreements: Vec<Arc<Agreement>> = super::list(conn)?.into_iter().map(Arc::new).collect();
        Self::new(agreements, featured_slug)
    }

    pub fn new(agreements: Vec<Arc<Agreement>>, featured_slug: &str) -> Result<Self, DbError> {
        let featured = agreements
            .iter()
            .find(|a| a.slug == featured_slug)
            .cloned()
            .ok_or_else(|| DbError::NoFeaturedAgreement(featured_slug.to_string()))?;
        Ok(Self { agreements, featured })
    }

    /// The agreement today's URLs (`/`, `/api/v1/status`, …) show.
    pub fn featured(&self) -> &Arc<Agreement> {
        &self.featured
    }

    pub fn by_slug(&self, slug: &str) -> Option<&Arc<Agreement>> {
        self.agreements.iter().find(|a| a.slug == slug)
    }

    pub fn by_id(&self, id: i32) -> Option<&Arc<Agreement>> {
        self.agreements.iter().find(|a| a.id == id)
    }

    /// Every agreement, oldest first.
    pub fn all(&self) -> &[Arc<Agreement>] {
        &self.agreements
    }

    /// The agreements other than the featured one.
    pub fn others(&self) -> impl Iterator<Item = &Arc<Agreement>> {
        self.agreements.iter().filter(|a| a.id != self.featured.id)
    }
}

/// The catalogue as last read, with the epoch it was read in (see [`crate::generations`]).
#[derive(Debug, Default)]
pub struct CatalogueSlot {
    read: Mutex<Option<(u64, Arc<Catalogue>)>>,
}

impl CatalogueSlot {
    pub fn held(&self, epoch: u64) -> Option<Arc<Catalogue>> {
        let read = self.read.lock().unwrap_or_else(|p| p.into_inner());
        read.as_ref().filter(|(seen, _)| *seen == epoch).map(|(_, c)| Arc::clone(c))
    }

    pub fn keep(&self, epoch: u64, catalogue: Arc<Catalogue>) {
        let mut read = self.read.lock().unwrap_or_else(|p| p.into_inner());
        if read.as_ref().is_none_or(|(seen, _)| *seen <= epoch) {
            *read = Some((epoch, catalogue));
        }
    }
}
