//! Reading and validating the national files in shared/data/sweden: 290 municipalities,
//! 21 regions and the municipalities' boundaries.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{ensure, Context, Result};
use serde::Deserialize;

use crate::input::{convert_polygon, Geometry, LonLatBox, LonLatPolygon};

pub const MUNICIPALITIES_CSV: &str = "sweden/sweden-municipalities.csv";
pub const REGIONS_CSV: &str = "sweden/sweden-regions.csv";
pub const GEOJSON_FILE: &str = "sweden/sweden-municipalities.geojson";

pub const MUNICIPALITY_COUNT: usize = 290;
pub const REGION_COUNT: usize = 21;
/// Inhabitants on 31 December 2025 according to shared/data/sweden/README.md: both the sum over
/// the municipalities and the sum over the regions.
pub const TOTAL_POPULATION: u64 = 10_605_520;

/// Regions that are the same organisation as a municipality: Region Gotland is the name used by
/// Gotland Municipality, which carries a region's responsibilities and decides in its KF.
pub const SAME_BODY: [(&str, &str); 1] = [("09", "0980")];

/// Generous box around Sweden (the data spans 11.13–24.15 E, 55.34–69.05 N).
pub const SWEDEN: LonLatBox = LonLatBox { lon: (10.0, 25.0), lat: (55.0, 69.5), place: "Sweden" };

#[derive(Debug, Clone)]
pub struct Municipality {
    pub code: String,
    pub name: String,
    pub county_code: String,
    pub county: String,
    pub population: u64,
    pub population_year: u16,
    /// One or more polygons (islands are separate polygons).
    pub polygons: Vec<LonLatPolygon>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub county: String,
    pub population: u64,
    pub population_year: u16,
}

#[derive(Debug, Clone)]
pub struct National {
    /// Sorted by code.
    pub municipalities: Vec<Municipality>,
    /// Sorted by code.
    pub regions: Vec<Region>,
}

impl National {
    /// The municipalities of one county, in code order.
    pub fn county(&self, county_code: &str) -> Vec<&Municipality> {
        self.municipalities.iter().filter(|m| m.county_code == county_code).collect()
    }
}

#[derive(Debug, Deserialize)]
struct MunicipalityRow {
    code: String,
    name: String,
    county_code: String,
    county: String,
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
#[serde(deny_unknown_fields)]
struct Properties {
    code: String,
    name: String,
    county_code: String,
}

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

fn check_name(name: &str) -> Result<()> {
    ensure!(!name.trim().is_empty() && name.trim() == name, "empty name or surrounding whitespace in {name:?}");
    Ok(())
}

/// Reads the three files under `data_dir` (the folder holding `sweden/`), validates them
/// against each other and returns the municipalities and regions sorted by code.
pub fn load(data_dir: &Path) -> Result<National> {
    let read = |rel: &str| -> Result<(String, String)> {
        let path = data_dir.join(rel);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        Ok((path.display().to_string(), text))
    };
    let (m_path, m_text) = read(MUNICIPALITIES_CSV)?;
    let rows = parse_municipalities(&m_text).with_context(|| format!("in {m_path}"))?;
    let (r_path, r_text) = read(REGIONS_CSV)?;
    let regions = parse_regions(&r_text).with_context(|| format!("in {r_path}"))?;
    let regions = check_regions(&rows, regions).with_context(|| format!("{m_path} and {r_path} do not agree"))?;
    let (g_path, g_text) = read(GEOJSON_FILE)?;
    let shapes = parse_geojson(&g_text).with_context(|| format!("in {g_path}"))?;
    let municipalities = merge(rows, shapes).with_context(|| format!("{m_path} and {g_path} do not agree"))?;
    Ok(National { municipalities, regions })
}

fn parse_municipalities(text: &str) -> Result<Vec<MunicipalityRow>> {
    ensure!(!text.starts_with('\u{feff}'), "file starts with a byte-order mark");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().context("reading the header")?.clone();
    let expected = ["code", "name", "county_code", "county", "population", "population_year"];
    ensure!(
        headers.iter().eq(expected.iter().copied()),
        "header is {:?}, expected {:?}",
        headers.iter().collect::<Vec<_>>(),
        expected
    );
    let mut rows: Vec<MunicipalityRow> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut county_names: BTreeMap<String, String> = BTreeMap::new();
    for (i, record) in reader.deserialize::<MunicipalityRow>().enumerate() {
        let row = record.with_context(|| format!("data row {}", i + 1))?;
        let at = || format!("data row {} ({})", i + 1, row.code);
        ensure!(is_digits(&row.code, 4), "{}: code is not 4 digits", at());
        ensure!(
            row.county_code.len() == 2 && row.code.starts_with(&row.county_code),
            "{}: county_code {:?} is not the code's first two digits",
            at(),
            row.county_code
        );
        check_name(&row.name).with_context(at)?;
        check_name(&row.county).with_context(at)?;
        ensure!(row.population > 0, "{}: population is 0", at());
        ensure!(seen.insert(row.code.clone()), "{}: code occurs more than once", at());
        let county = county_names.entry(row.county_code.clone()).or_insert_with(|| row.county.clone());
        ensure!(
            *county == row.county,
            "{}: county {:?}, but earlier rows of county {} say {:?}",
            at(),
            row.county,
            row.county_code,
            county
        );
        rows.push(row);
    }
    ensure!(rows.len() == MUNICIPALITY_COUNT, "{} data rows, expected {MUNICIPALITY_COUNT}", rows.len());
    let years: BTreeSet<u16> = rows.iter().map(|r| r.population_year).collect();
    ensure!(years.len() == 1, "population_year is not the same in every row: {years:?}");
    let total: u64 = rows.iter().map(|r| r.population).sum();
    ensure!(total == TOTAL_POPULATION, "the populations sum to {total}, expected {TOTAL_POPULATION}");
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(rows)
}

fn parse_regions(text: &str) -> Result<Vec<Region>> {
    ensure!(!text.starts_with('\u{feff}'), "file starts with a byte-order mark");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().context("reading the header")?.clone();
    let expected = ["code", "name", "county", "population", "population_year"];
    ensure!(
        headers.iter().eq(expected.iter().copied()),
        "header is {:?}, expected {:?}",
        headers.iter().collect::<Vec<_>>(),
        expected
    );
    let mut regions: Vec<Region> = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, record) in reader.deserialize::<Region>().enumerate() {
        let row = record.with_context(|| format!("data row {}", i + 1))?;
        let at = || format!("data row {} ({})", i + 1, row.code);
        ensure!(is_digits(&row.code, 2), "{}: code is not 2 digits", at());
        check_name(&row.name).with_context(at)?;
        check_name(&row.county).with_context(at)?;
        ensure!(seen.insert(row.code.clone()), "{}: code occurs more than once", at());
        regions.push(row);
    }
    ensure!(regions.len() == REGION_COUNT, "{} data rows, expected {REGION_COUNT}", regions.len());
    let total: u64 = regions.iter().map(|r| r.population).sum();
    ensure!(total == TOTAL_POPULATION, "the populations sum to {total}, expected {TOTAL_POPULATION}");
    regions.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(regions)
}

/// Every region has municipalities, every municipality a region, with the same county name,
/// year and a population that is the sum of its municipalities'; the same-body pairs hold.
fn check_regions(rows: &[MunicipalityRow], regions: Vec<Region>) -> Result<Vec<Region>> {
    let by_code: BTreeMap<&str, &Region> = regions.iter().map(|r| (r.code.as_str(), r)).collect();
    for row in rows {
        let region = by_code
            .get(row.county_code.as_str())
            .with_context(|| format!("municipality {} ({}): no region {}", row.code, row.name, row.county_code))?;
        ensure!(
            region.county == row.county,
            "municipality {} ({}): county {:?}, region {} says {:?}",
            row.code,
            row.name,
            row.county,
            region.code,
            region.county
        );
        ensure!(
            region.population_year == row.population_year,
            "municipality {} ({}): population_year {}, region {} has {}",
            row.code,
            row.name,
            row.population_year,
            region.code,
            region.population_year
        );
    }
    for region in &regions {
        let members: Vec<&MunicipalityRow> = rows.iter().filter(|m| m.county_code == region.code).collect();
        ensure!(!members.is_empty(), "region {} ({}) has no municipalities", region.code, region.name);
        let sum: u64 = members.iter().map(|m| m.population).sum();
        ensure!(
            sum == region.population,
            "region {} ({}): population {}, but its municipalities sum to {sum}",
            region.code,
            region.name,
            region.population
        );
    }
    for (region_code, municipality_code) in SAME_BODY {
        let members: Vec<&str> =
            rows.iter().filter(|m| m.county_code == region_code).map(|m| m.code.as_str()).collect();
        ensure!(
            members == [municipality_code],
            "region {region_code} is modelled as the same body as municipality {municipality_code}, \
             but its county has the municipalities {members:?}"
        );
    }
    Ok(regions)
}

struct Shape {
    code: String,
    name: String,
    county_code: String,
    polygons: Vec<LonLatPolygon>,
}

fn parse_geojson(text: &str) -> Result<Vec<Shape>> {
    let collection: FeatureCollection =
        serde_json::from_str(text).context("not a GeoJSON FeatureCollection of the expected form")?;
    let mut shapes = Vec::new();
    for (i, feature) in collection.features.into_iter().enumerate() {
        let Properties { code, name, county_code } = feature.properties;
        ensure!(is_digits(&code, 4), "feature {i}: code {code:?} is not 4 digits");
        let raw_polygons = match feature.geometry {
            Geometry::Polygon(p) => vec![p],
            Geometry::MultiPolygon(ps) => ps,
        };
        let polygons = raw_polygons
            .into_iter()
            .enumerate()
            .map(|(j, rings)| {
                convert_polygon(rings, &SWEDEN).with_context(|| format!("feature {i} ({code} {name}), polygon {j}"))
            })
            .collect::<Result<Vec<_>>>()?;
        ensure!(!polygons.is_empty(), "feature {i} ({code} {name}) has no polygons");
        shapes.push(Shape { code, name, county_code, polygons });
    }
    Ok(shapes)
}

fn merge(rows: Vec<MunicipalityRow>, shapes: Vec<Shape>) -> Result<Vec<Municipality>> {
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
        ensure!(
            shape.county_code == row.county_code,
            "code {}: county_code is {:?} in the CSV but {:?} in the GeoJSON",
            row.code,
            row.county_code,
            shape.county_code
        );
        out.push(Municipality {
            code: row.code,
            name: row.name,
            county_code: row.county_code,
            county: row.county,
            population: row.population,
            population_year: row.population_year,
            polygons: shape.polygons,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "code,name,county_code,county,population,population_year\n";

    fn rows_text(rows: &[(&str, &str, &str, u64)]) -> String {
        let mut s = String::from(HEADER);
        for (code, name, county, population) in rows {
            s.push_str(&format!("{code},{name},{},{county},{population},2025\n", &code[..2]));
        }
        s
    }

    #[test]
    fn municipality_rows_are_checked_with_row_numbers() {
        let err = format!("{:#}", parse_municipalities(&rows_text(&[("0114", "A", "X län", 1)])).expect_err("count"));
        assert!(err.contains("1 data rows, expected 290"), "{err}");

        let text = format!("{HEADER}0114,A,02,X län,1,2025\n");
        let err = format!("{:#}", parse_municipalities(&text).expect_err("county code"));
        assert!(err.contains("data row 1 (0114)") && err.contains("first two digits"), "{err}");

        let text = rows_text(&[("0114", "A", "X län", 1), ("0114", "B", "X län", 1)]);
        let err = format!("{:#}", parse_municipalities(&text).expect_err("duplicate"));
        assert!(err.contains("data row 2 (0114)") && err.contains("more than once"), "{err}");

        let text = rows_text(&[("0114", "A", "X län", 1), ("0115", "B", "Y län", 1)]);
        let err = format!("{:#}", parse_municipalities(&text).expect_err("county name"));
        assert!(err.contains("data row 2 (0115)"), "{err}");

        let err = format!("{:#}", parse_municipalities("code,name\n").expect_err("header"));
        assert!(err.contains("header"), "{err}");
    }

    fn row(code: &str, population: u64) -> MunicipalityRow {
        MunicipalityRow {
            code: code.into(),
            name: format!("K{code}"),
            county_code: code[..2].into(),
            county: format!("L{}", &code[..2]),
            population,
            population_year: 2025,
        }
    }

    fn region(code: &str, population: u64) -> Region {
        Region {
            code: code.into(),
            name: format!("R{code}"),
            county: format!("L{code}"),
            population,
            population_year: 2025,
        }
    }

    #[test]
    fn regions_must_sum_their_municipalities_and_gotland_is_one_body() {
        let rows = vec![row("0114", 10), row("0115", 5), row("0980", 7)];
        assert!(check_regions(&rows, vec![region("01", 15), region("09", 7)]).is_ok());

        let err = format!("{:#}", check_regions(&rows, vec![region("01", 16), region("09", 7)]).expect_err("sum"));
        assert!(err.contains("region 01") && err.contains("sum to 15"), "{err}");

        let err = format!("{:#}", check_regions(&rows, vec![region("01", 15)]).expect_err("no region"));
        assert!(err.contains("0980") && err.contains("no region 09"), "{err}");

        let err = format!(
            "{:#}",
            check_regions(&rows, vec![region("01", 15), region("09", 7), region("10", 1)]).expect_err("empty")
        );
        assert!(err.contains("region 10"), "{err}");

        let rows = vec![row("0114", 10), row("0980", 7), row("0981", 1)];
        let err = format!("{:#}", check_regions(&rows, vec![region("01", 10), region("09", 8)]).expect_err("gotland"));
        assert!(err.contains("same body"), "{err}");
    }

    #[test]
    fn feature_names_and_counties_must_match() {
        let shape = |name: &str, county: &str| Shape {
            code: "0114".into(),
            name: name.into(),
            county_code: county.into(),
            polygons: vec![],
        };
        let err = format!("{:#}", merge(vec![row("0114", 1)], vec![shape("Upplands Väsby", "01")]).expect_err("name"));
        assert!(err.contains("code 0114: name"), "{err}");
        let err = format!("{:#}", merge(vec![row("0114", 1)], vec![shape("K0114", "03")]).expect_err("county"));
        assert!(err.contains("county_code"), "{err}");
        assert!(merge(vec![row("0114", 1)], vec![shape("K0114", "01")]).is_ok());
    }
}
