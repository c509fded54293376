//! The seed facts: assets/parties.csv (the region plus the 49 municipalities).

use anyhow::{Context, Result};

use crate::input::Municipality;

pub const REGION_CODE: &str = "14";
pub const REGION_NAME: &str = "Västra Götalandsregionen";

/// Renders parties.csv: header, the region row (population = sum of the municipalities), then
/// the municipalities in code order. LF line endings, final newline, no BOM.
pub fn render(municipalities: &[Municipality]) -> Result<String> {
    let year = municipalities.first().map(|m| m.population_year).context("no municipalities")?;
    let total: u64 = municipalities.iter().map(|m| m.population).sum();

    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    writer.write_record(["code", "name", "kind", "subregion", "population", "population_year"])?;
    writer.write_record([REGION_CODE, REGION_NAME, "region", "", &total.to_string(), &year.to_string()])?;
    let mut sorted: Vec<&Municipality> = municipalities.iter().collect();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    for m in sorted {
        writer.write_record([
            m.code.as_str(),
            m.name.as_str(),
            "municipality",
            m.subregion.as_str(),
            &m.population.to_string(),
            &m.population_year.to_string(),
        ])?;
    }
    let bytes = writer.into_inner().context("flushing the CSV writer")?;
    String::from_utf8(bytes).context("CSV output is not UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn muni(code: &str, name: &str, sub: &str, population: u64) -> Municipality {
        Municipality {
            code: code.into(),
            name: name.into(),
            subregion: sub.into(),
            population,
            population_year: 2025,
            polygons: vec![],
        }
    }

    #[test]
    fn region_row_sums_and_rows_are_sorted() {
        let ms =
            vec![muni("1402", "Partille", "Göteborgsregionen", 20), muni("1401", "Härryda", "Göteborgsregionen", 10)];
        let text = render(&ms).expect("render");
        assert_eq!(
            text,
            "code,name,kind,subregion,population,population_year\n\
             14,Västra Götalandsregionen,region,,30,2025\n\
             1401,Härryda,municipality,Göteborgsregionen,10,2025\n\
             1402,Partille,municipality,Göteborgsregionen,20,2025\n"
        );
    }
}
