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

/// One map per county (län), by its two-digit code, made by tools/refdata like kommuner.json
/// (which is county 14's, byte for byte), and one of all Sweden for agreements across counties.
const COUNTY_JSON: [(&str, &str); 21] = [
    ("01", include_str!("../../../assets/map/county-01.json")),
    ("03", include_str!("../../../assets/map/county-03.json")),
    ("04", include_str!("../../../assets/map/county-04.json")),
    ("05", include_str!("../../../assets/map/county-05.json")),
    ("06", include_str!("../../../assets/map/county-06.json")),
    ("07", include_str!("../../../assets/map/county-07.json")),
    ("08", include_str!("../../../assets/map/county-08.json")),
    ("09", include_str!("../../../assets/map/county-09.json")),
    ("10", include_str!("../../../assets/map/county-10.json")),
    ("12", include_str!("../../../assets/map/county-12.json")),
    ("13", include_str!("../../../assets/map/county-13.json")),
    ("14", include_str!("../../../assets/map/county-14.json")),
    ("17", include_str!("../../../assets/map/county-17.json")),
    ("18", include_str!("../../../assets/map/county-18.json")),
    ("19", include_str!("../../../assets/map/county-19.json")),
    ("20", include_str!("../../../assets/map/county-20.json")),
    ("21", include_str!("../../../assets/map/county-21.json")),
    ("22", include_str!("../../../assets/map/county-22.json")),
    ("23", include_str!("../../../assets/map/county-23.json")),
    ("24", include_str!("../../../assets/map/county-24.json")),
    ("25", include_str!("../../../assets/map/county-25.json")),
];
const SWEDEN_JSON: &str = include_str!("../../../assets/map/sweden.json");

static COUNTIES: LazyLock<Vec<(&'static str, Result<MapAsset, String>)>> = LazyLock::new(|| {
    COUNTY_JSON
        .iter()
        .map(|(code, json)| (*code, parse(json).map_err(|e| format!("assets/map/county-{code}.json: {e}"))))
        .collect()
});
static SWEDEN: LazyLock<Result<MapAsset, String>> =
    LazyLock::new(|| parse(SWEDEN_JSON).map_err(|e| format!("assets/map/sweden.json: {e}")));

/// The map to draw an agreement's parties on: their county's when every municipality code
/// (four digits, the first two the county's) is of one county, else all of Sweden's. Parties
/// the map does not hold are simply not drawn.
pub fn asset_for<'a>(codes: impl IntoIterator<Item = &'a str>) -> Result<&'static MapAsset, &'static str> {
    let mut municipalities = codes.into_iter().filter(|c| c.len() == 4).peekable();
    if municipalities.peek().is_none() {
        return asset();
    }
    let county = crate::parties::single_county(municipalities);
    match county.and_then(|county| COUNTIES.iter().find(|(code, _)| *code == county)) {
        Some((_, parsed)) => parsed.as_ref().map_err(String::as_str),
        None => SWEDEN.as_ref().map_err(String::as_str),
    }
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
    fn every_county_has_its_map_and_mixed_counties_get_sweden() {
        for (code, _) in COUNTY_JSON {
            let first = format!("{code}01");
            let map = asset_for([first.as_str()]).expect("county asset parses");
            assert!(!map.municipalities.is_empty(), "{code}");
            assert!(map.municipalities.iter().all(|m| m.code.starts_with(code)), "{code}: only its own");
        }
        let vg = asset_for(["1401", "1480", "14"]).expect("county 14");
        assert_eq!(vg.municipalities.len(), 49);
        let sweden = asset_for(["1401", "1280"]).expect("sweden");
        assert_eq!(sweden.municipalities.len(), 290);
        assert_eq!(asset_for(["14"]).expect("no municipality: the default").municipalities.len(), 49);
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
