//! The maps: an agreement's municipalities drawn from the committed assets (`assets/map/`,
//! one per county and one of Sweden, SCB boundaries projected and simplified by tools/refdata),
//! as a geographic map, as an equal-area hexagon grid, and as a small locator map.

mod asset;
mod county;
mod locator;
mod tiles;

pub use asset::{asset, asset_for, parse, MapAsset, MapMunicipality, TileGrid};
pub use county::{county, focus_layer_css};
pub use locator::{locator, locator_in};
pub use tiles::tiles;

use std::collections::HashMap;

use crate::ratification::Status;

/// What the page knows about one municipality on the map.
#[derive(Debug, Clone)]
pub struct Entry {
    pub code: String,
    pub name: String,
    pub status: Status,
    /// Where the municipality links to.
    pub href: String,
}

/// The entries by municipality code: a national map looks up 290 areas.
fn by_code(entries: &[Entry]) -> HashMap<&str, &Entry> {
    entries.iter().map(|e| (e.code.as_str(), e)).collect()
}

/// The `<title>` of a municipality's area: its name and status.
fn area_title(entry: &Entry) -> String {
    format!("{}: {}", entry.name, entry.status.label_sv())
}
