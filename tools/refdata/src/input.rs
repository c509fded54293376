//! Reading and validating the two input files in shared/data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, ensure, Context, Result};
use serde::Deserialize;

pub const CSV_FILE: &str = "vastra-gotaland-municipalities.csv";
pub const GEOJSON_FILE: &str = "vastra-gotaland-municipalities.geojson";

/// Number of municipalities in Västra Götalands län.
pub const MUNICIPALITY_COUNT: usize = 49;

/// The four kommunalförbund and how many of the county's municipalities belong to each.
pub const SUBREGIONS: [(&str, usize); 4] =
    [("Fyrbodal", 14), ("Göteborgsregionen", 12), ("Sjuhärad", 8), ("Skaraborg", 15)];

/// A ring of (longitude, latitude) positions, open: the closing position is not repeated.
pub type LonLatRing = Vec<[f64; 2]>;

/// A polygon: exterior ring first, then holes.
pub type LonLatPolygon = Vec<LonLatRing>;

/// A box in longitude/latitude that every input position must lie in: catches swapped or
/// projected coordinates.
#[derive(Debug, Clone, Copy)]
pub struct LonLatBox {
    pub lon: (f64, f64),
    pub lat: (f64, f64),
    /// Where the box is, for the error message ("western Sweden").
    pub place: &'static str,
}

/// Generous box around Västra Götaland.
pub const WESTERN_SWEDEN: LonLatBox = LonLatBox { lon: (9.0, 17.0), lat: (55.0, 61.0), place: "western Sweden" };

/// One municipality with its facts and boundary.
#[derive(Debug, Clone)]
pub struct Municipality {
    pub code: String,
    pub name: String,
    pub subregion: String,
    pub population: u64,
    pub population_year: u16,
    /// One or more polygons (islands are separate polygons).
    pub polygons: Vec<LonLatPolygon>,
}

#[derive(Debug, Deserialize)]
struct CsvRow {
    code: String,
    name: String,
    subregion: String,
    population: u64,
    population_year: u16,
}

#[derive(Debug, Deserialize)]
struct FeatureCollection {
    features: Vec<Feature>,
}

#[derive(Debug, Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Debug, Deserialize)]
struct Properties {
    code: String,
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", content = "coordinates")]
pub enum Geometry {
    Polygon(Vec<Vec<Vec<f64>>>),
    MultiPolygon(Vec<Vec<Vec<Vec<f64>>>>),
}

/// Reads both files from `data_dir`, validates them against each other and returns the 49
/// municipalities sorted by code.
pub fn load(data_dir: &Path) -> Result<Vec<Municipality>> {
    let csv_path = data_dir.join(CSV_FILE);
    let csv_text = std::fs::read_to_string(&csv_path).with_context(|| format!("reading {}", csv_path.display()))?;
    let rows = parse_csv(&csv_text).with_context(|| format!("in {}", csv_path.display()))?;

    let geo_path = data_dir.join(GEOJSON_FILE);
    let geo_text = std::fs::read_to_string(&geo_path).with_context(|| format!("reading {}", geo_path.display()))?;
    let shapes = parse_geojson(&geo_text).with_context(|| format!("in {}", geo_path.display()))?;

    merge(rows, shapes).with_context(|| format!("{} and {} do not agree", csv_path.display(), geo_path.display()))
}

fn check_code(code: &str) -> Result<()> {
    ensure!(
        code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit()) && code.starts_with("14"),
        "municipality code {code:?} is not a 4-digit code starting with 14"
    );
    Ok(())
}

fn parse_csv(text: &str) -> Result<Vec<CsvRow>> {
    ensure!(!text.starts_with('\u{feff}'), "file starts with a byte-order mark");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().context("reading the header")?.clone();
    let expected = ["code", "name", "subregion", "population", "population_year"];
    ensure!(
        headers.iter().eq(expected.iter().copied()),
        "header is {:?}, expected {:?}",
        headers.iter().collect::<Vec<_>>(),
        expected
    );
    let mut rows = Vec::new();
    for (i, record) in reader.deserialize::<CsvRow>().enumerate() {
        let row = record.with_context(|| format!("data row {}", i + 1))?;
        check_code(&row.code).with_context(|| format!("data row {}", i + 1))?;
        ensure!(
            !row.name.trim().is_empty() && row.name.trim() == row.name,
            "data row {} ({}): empty name or surrounding whitespace",
            i + 1,
            row.code
        );
        ensure!(row.population > 0, "data row {} ({}): population is 0", i + 1, row.code);
        rows.push(row);
    }
    ensure!(rows.len() == MUNICIPALITY_COUNT, "{} data rows, expected {MUNICIPALITY_COUNT}", rows.len());

    let mut seen = BTreeSet::new();
    for row in &rows {
        ensure!(seen.insert(row.code.as_str()), "code {} occurs more than once", row.code);
    }

    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &rows {
        ensure!(
            SUBREGIONS.iter().any(|(name, _)| *name == row.subregion),
            "{} {}: unknown subregion {:?} (known: {})",
            row.code,
            row.name,
            row.subregion,
            SUBREGIONS.map(|(name, _)| name).join(", ")
        );
        *counts.entry(row.subregion.as_str()).or_default() += 1;
    }
    for (name, expected) in SUBREGIONS {
        let got = counts.get(name).copied().unwrap_or(0);
        ensure!(got == expected, "subregion {name} has {got} municipalities, expected {expected}");
    }

    let years: BTreeSet<u16> = rows.iter().map(|r| r.population_year).collect();
    ensure!(years.len() == 1, "population_year is not the same in every row: {years:?}");
    Ok(rows)
}

struct Shape {
    code: String,
    name: String,
    polygons: Vec<LonLatPolygon>,
}

fn parse_geojson(text: &str) -> Result<Vec<Shape>> {
    let collection: FeatureCollection =
        serde_json::from_str(text).context("not a GeoJSON FeatureCollection of the expected form")?;
    let mut shapes = Vec::new();
    for (i, feature) in collection.features.into_iter().enumerate() {
        let Properties { code, name } = feature.properties;
        check_code(&code).with_context(|| format!("feature {i}"))?;
        let raw_polygons = match feature.geometry {
            Geometry::Polygon(p) => vec![p],
            Geometry::MultiPolygon(ps) => ps,
        };
        let polygons = raw_polygons
            .into_iter()
            .enumerate()
            .map(|(j, rings)| {
                convert_polygon(rings, &WESTERN_SWEDEN).with_context(|| format!("feature {code} {name}, polygon {j}"))
            })
            .collect::<Result<Vec<_>>>()?;
        ensure!(!polygons.is_empty(), "feature {code} {name} has no polygons");
        shapes.push(Shape { code, name, polygons });
    }
    Ok(shapes)
}

pub fn convert_polygon(rings: Vec<Vec<Vec<f64>>>, bounds: &LonLatBox) -> Result<LonLatPolygon> {
    ensure!(!rings.is_empty(), "polygon without rings");
    rings
        .into_iter()
        .enumerate()
        .map(|(k, positions)| convert_ring(positions, bounds).with_context(|| format!("ring {k}")))
        .collect()
}

fn convert_ring(positions: Vec<Vec<f64>>, bounds: &LonLatBox) -> Result<LonLatRing> {
    let mut ring = Vec::with_capacity(positions.len());
    for (i, pos) in positions.iter().enumerate() {
        let (lon, lat) = match pos.as_slice() {
            [lon, lat, ..] => (*lon, *lat),
            _ => bail!("position {i} has fewer than two numbers"),
        };
        ensure!(
            (bounds.lon.0..=bounds.lon.1).contains(&lon) && (bounds.lat.0..=bounds.lat.1).contains(&lat),
            "position {i} ({lon}, {lat}) is not a longitude/latitude in {}",
            bounds.place
        );
        ring.push([lon, lat]);
    }
    ensure!(ring.len() >= 4, "ring has {} positions, a closed ring needs at least 4", ring.len());
    ensure!(ring.first() == ring.last(), "ring is not closed (first and last positions differ)");
    ring.pop();
    ring.dedup();
    let distinct: BTreeSet<[u64; 2]> = ring.iter().map(|p| p.map(f64::to_bits)).collect();
    ensure!(distinct.len() >= 3, "ring has fewer than 3 distinct positions");
    Ok(ring)
}

fn merge(rows: Vec<CsvRow>, shapes: Vec<Shape>) -> Result<Vec<Municipality>> {
    ensure!(shapes.len() == rows.len(), "{} features, {} CSV rows", shapes.len(), rows.len());
    let mut by_code: BTreeMap<String, Shape> = BTreeMap::new();
    for shape in shapes {
        let code = shape.code.clone();
        ensure!(by_code.insert(code.clone(), shape).is_none(), "code {code} occurs in more than one feature");
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let shape =
            by_code.remove(&row.code).with_context(|| format!("code {} ({}) has no feature", row.code, row.name))?;
        ensure!(
            shape.name == row.name,
            "code {}: name is {:?} in the CSV but {:?} in the GeoJSON",
            row.code,
            row.name,
            shape.name
        );
        out.push(Municipality {
            code: row.code,
            name: row.name,
            subregion: row.subregion,
            population: row.population,
            population_year: row.population_year,
            polygons: shape.polygons,
        });
    }
    // Every row found its feature and the counts are equal, so no feature is left over.
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_with(rows: &[(&str, &str, &str)]) -> String {
        let mut s = String::from("code,name,subregion,population,population_year\n");
        for (code, name, sub) in rows {
            s.push_str(&format!("{code},{name},{sub},1000,2025\n"));
        }
        s
    }

    fn valid_rows() -> Vec<(String, String, String)> {
        let mut rows = Vec::new();
        let mut n = 0;
        for (sub, count) in SUBREGIONS {
            for _ in 0..count {
                rows.push((format!("14{n:02}"), format!("Kommun {n}"), sub.to_string()));
                n += 1;
            }
        }
        rows
    }

    fn render(rows: &[(String, String, String)]) -> String {
        let refs: Vec<(&str, &str, &str)> = rows.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
        csv_with(&refs)
    }

    #[test]
    fn accepts_valid_csv() {
        let rows = parse_csv(&render(&valid_rows())).expect("valid");
        assert_eq!(rows.len(), 49);
    }

    #[test]
    fn rejects_bad_codes_counts_and_subregions() {
        let mut rows = valid_rows();
        rows[3].0 = "1300".into();
        let err = format!("{:#}", parse_csv(&render(&rows)).expect_err("bad code"));
        assert!(err.contains("starting with 14"), "{err}");

        let mut rows = valid_rows();
        rows[3].0 = rows[2].0.clone();
        let err = format!("{:#}", parse_csv(&render(&rows)).expect_err("duplicate"));
        assert!(err.contains("more than once"), "{err}");

        let mut rows = valid_rows();
        rows[0].2 = "Skaraborg".into();
        let err = format!("{:#}", parse_csv(&render(&rows)).expect_err("counts"));
        assert!(err.contains("expected 14"), "{err}");

        let mut rows = valid_rows();
        rows[0].2 = "Halland".into();
        let err = format!("{:#}", parse_csv(&render(&rows)).expect_err("unknown"));
        assert!(err.contains("unknown subregion"), "{err}");

        let mut rows = valid_rows();
        rows.pop();
        assert!(parse_csv(&render(&rows)).is_err());
    }

    #[test]
    fn rejects_open_or_projected_rings() {
        let open = vec![vec![12.0, 58.0], vec![12.1, 58.0], vec![12.1, 58.1], vec![12.0, 58.2]];
        assert!(convert_ring(open, &WESTERN_SWEDEN).is_err());
        let projected = vec![
            vec![320_000.0, 6_400_000.0],
            vec![321_000.0, 6_400_000.0],
            vec![321_000.0, 6_401_000.0],
            vec![320_000.0, 6_400_000.0],
        ];
        assert!(convert_ring(projected, &WESTERN_SWEDEN).is_err());
        let ok = vec![vec![12.0, 58.0], vec![12.1, 58.0], vec![12.1, 58.1], vec![12.0, 58.0]];
        assert_eq!(convert_ring(ok, &WESTERN_SWEDEN).expect("closed ring").len(), 3);
    }

    #[test]
    fn name_mismatch_is_reported() {
        let rows = vec![CsvRow {
            code: "1401".into(),
            name: "Härryda".into(),
            subregion: "Göteborgsregionen".into(),
            population: 1,
            population_year: 2025,
        }];
        let shapes = vec![Shape { code: "1401".into(), name: "Harryda".into(), polygons: vec![] }];
        let err = format!("{:#}", merge(rows, shapes).expect_err("mismatch"));
        assert!(err.contains("Harryda"), "{err}");
    }
}
