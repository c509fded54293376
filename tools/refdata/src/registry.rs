//! The national registry: assets/registry.csv (the 21 regions and the 290 municipalities).

use anyhow::{Context, Result};

use crate::national::{National, SAME_BODY};

pub const HEADER: [&str; 8] =
    ["code", "name", "kind", "county_code", "county", "population", "population_year", "same_body_as"];

/// Renders registry.csv: header, then every region and municipality sorted by code (a region's
/// 2-digit code sorts just before its county's municipalities). `same_body_as` is empty except
/// on a region that is the same organisation as a municipality (Gotland: `09` -> `0980`).
/// LF line endings, final newline, no BOM.
pub fn render(national: &National) -> Result<String> {
    let mut rows: Vec<[String; 8]> = Vec::with_capacity(national.regions.len() + national.municipalities.len());
    for r in &national.regions {
        let same = SAME_BODY.iter().find(|(region, _)| *region == r.code).map(|(_, m)| *m).unwrap_or("");
        rows.push([
            r.code.clone(),
            r.name.clone(),
            "region".into(),
            r.code.clone(),
            r.county.clone(),
            r.population.to_string(),
            r.population_year.to_string(),
            same.into(),
        ]);
    }
    for m in &national.municipalities {
        rows.push([
            m.code.clone(),
            m.name.clone(),
            "municipality".into(),
            m.county_code.clone(),
            m.county.clone(),
            m.population.to_string(),
            m.population_year.to_string(),
            String::new(),
        ]);
    }
    rows.sort_by(|a, b| a[0].cmp(&b[0]));

    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    writer.write_record(HEADER)?;
    for row in &rows {
        writer.write_record(row)?;
    }
    let bytes = writer.into_inner().context("flushing the CSV writer")?;
    String::from_utf8(bytes).context("CSV output is not UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::national::{Municipality, Region};

    #[test]
    fn regions_sort_before_their_municipalities_and_gotland_links() {
        let m = |code: &str, name: &str, county: &str, population: u64| Municipality {
            code: code.into(),
            name: name.into(),
            county_code: code[..2].into(),
            county: county.into(),
            population,
            population_year: 2025,
            polygons: vec![],
        };
        let r = |code: &str, name: &str, county: &str, population: u64| Region {
            code: code.into(),
            name: name.into(),
            county: county.into(),
            population,
            population_year: 2025,
        };
        let national = National {
            municipalities: vec![
                m("0980", "Gotland", "Gotlands län", 7),
                m("0114", "Upplands Väsby", "Stockholms län", 5),
            ],
            regions: vec![
                r("09", "Region Gotland", "Gotlands län", 7),
                r("01", "Region Stockholm", "Stockholms län", 5),
            ],
        };
        assert_eq!(
            render(&national).expect("render"),
            "code,name,kind,county_code,county,population,population_year,same_body_as\n\
             01,Region Stockholm,region,01,Stockholms län,5,2025,\n\
             0114,Upplands Väsby,municipality,01,Stockholms län,5,2025,\n\
             09,Region Gotland,region,09,Gotlands län,7,2025,0980\n\
             0980,Gotland,municipality,09,Gotlands län,7,2025,\n"
        );
    }
}
