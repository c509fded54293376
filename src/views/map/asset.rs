//! The committed map asset, parsed once.

use std::sync::LazyLock;

use serde::Deserialize;

const JSON: &str = include_str!("../../../assets/map/kommuner.json");

#[derive(Debug, Deserialize)]
pub struct MapAsset {
    pub attribution: String,
    pub width: f64,
    pub height: f64,
    pub tile_grid: TileGrid,
    pub municipalities: Vec<MapMunicipality>,
}

/// The equal-area view: one pointy-top hexagon per municipality; odd rows are shifted right by
/// half a hexagon ("pointy-odd-r").
#[derive(Debug, Deserialize)]
pub struct TileGrid {
    pub cols: u32,
    pub rows: u32,
    pub layout: String,
}

#[derive(Debug, Deserialize)]
pub struct MapMunicipality {
    pub code: String,
    pub name: String,
    /// SVG path data in the asset's `width` × `height` coordinate space.
    pub path: String,
    /// A point inside the area, for a label.
    pub label: [f64; 2],
    /// `[column, row]` in the tile grid.
    pub tile: [u32; 2],
}

static ASSET: LazyLock<Result<MapAsset, String>> =
    LazyLock::new(|| parse(JSON).map_err(|e| format!("assets/map/kommuner.json: {e}")));

/// Reads a map asset in the committed file's format; the page and the report both draw from it.
pub fn parse(json: &str) -> Result<MapAsset, serde_json::Error> {
    serde_json::from_str(json)
}

/// The parsed asset; an error only if the committed file is broken (a test guards it).
pub fn asset() -> Result<&'static MapAsset, &'static str> {
    ASSET.as_ref().map_err(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asset_holds_exactly_the_49_municipalities_of_the_seed() {
        let asset = asset().expect("asset parses");
        let mut map_codes: Vec<&str> = asset.municipalities.iter().map(|m| m.code.as_str()).collect();
        map_codes.sort_unstable();
        let seed = include_str!("../../../assets/parties.csv");
        let mut seed_codes: Vec<&str> = seed
            .lines()
            .skip(1)
            .filter(|l| l.split(',').nth(2) == Some("municipality"))
            .filter_map(|l| l.split(',').next())
            .collect();
        seed_codes.sort_unstable();
        assert_eq!(seed_codes.len(), 49);
        assert_eq!(map_codes, seed_codes);
    }

    #[test]
    fn the_asset_is_usable_as_drawn() {
        let asset = asset().expect("asset parses");
        assert!(asset.width > 0.0 && asset.height > 0.0);
        assert_eq!(asset.tile_grid.layout, "pointy-odd-r");
        let mut tiles = std::collections::HashSet::new();
        for m in &asset.municipalities {
            assert!(m.path.starts_with('M') && m.path.ends_with('Z'), "{}: path", m.code);
            assert!((0.0..=asset.width).contains(&m.label[0]) && (0.0..=asset.height).contains(&m.label[1]));
            assert!(m.tile[0] < asset.tile_grid.cols && m.tile[1] < asset.tile_grid.rows, "{}: tile", m.code);
            assert!(tiles.insert(m.tile), "{}: two municipalities on one tile", m.code);
        }
        assert!(JSON.len() < 150 * 1024, "the asset stays under 150 KB");
    }
}
