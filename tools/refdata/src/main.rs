//! refdata: derives ratify's reference data from the SCB files in shared/data.
//!
//! Writes `assets/parties.csv` (the region and the 49 municipalities with subregion and
//! population) and `assets/map/kommuner.json` (a simplified SVG map of the municipalities with
//! label points and a hex tile cartogram). With `--check` it regenerates both in memory and
//! exits non-zero if the files on disk differ.

mod input;
mod label;
mod map;
mod output;
mod parties;
mod projection;
mod simplify;
mod tiles;
mod topology;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use crate::map::MapOptions;

const PARTIES_PATH: &str = "assets/parties.csv";
const MAP_PATH: &str = "assets/map/kommuner.json";

#[derive(Debug, Parser)]
#[command(about = "Derive assets/parties.csv and assets/map/kommuner.json from shared/data")]
struct Args {
    /// Folder holding vastra-gotaland-municipalities.{csv,geojson}.
    #[arg(long, default_value = "../shared/data")]
    data: PathBuf,
    /// Repository root; the files are written under its assets/ folder.
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// Do not write: regenerate in memory and fail if the files on disk differ.
    #[arg(long)]
    check: bool,
    /// Douglas–Peucker tolerance in SVG units (the map is 1000 units wide).
    #[arg(long, default_value_t = MapOptions::default().tolerance)]
    tolerance: f64,
    /// Decimals kept in map coordinates.
    #[arg(long, default_value_t = MapOptions::default().decimals)]
    decimals: u32,
}

struct Generated {
    files: Vec<(&'static str, String)>,
    stats: map::MapStats,
}

fn generate(data: &Path, options: MapOptions) -> Result<Generated> {
    let municipalities = input::load(data)?;
    let parties_csv = parties::render(&municipalities)?;
    let map = map::build(&municipalities, options)?;
    let map_json = output::render(&map)?;
    Ok(Generated { files: vec![(PARTIES_PATH, parties_csv), (MAP_PATH, map_json)], stats: map.stats })
}

/// Line number (1-based) of the first difference, for a readable --check message.
fn first_difference(a: &str, b: &str) -> usize {
    a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or_else(|| a.lines().count().min(b.lines().count())) + 1
}

fn run(args: &Args) -> Result<bool> {
    anyhow::ensure!(args.tolerance.is_finite() && args.tolerance >= 0.0, "--tolerance must be a non-negative number");
    anyhow::ensure!(args.decimals <= 3, "--decimals must be 0..=3");
    let options = MapOptions { tolerance: args.tolerance, decimals: args.decimals, ..MapOptions::default() };
    let generated = generate(&args.data, options)?;
    let s = &generated.stats;
    eprintln!(
        "map: {} rings, {} source vertices ({} distinct), {} arcs ({} shared), \
         {} output vertices ({} distinct), {} arcs with lowered tolerance, {} round(s)",
        s.rings,
        s.source_vertices,
        s.unique_vertices,
        s.arcs,
        s.shared_arcs,
        s.output_vertices,
        s.unique_output_vertices,
        s.arcs_with_lowered_tolerance,
        s.simplification_rounds
    );

    let mut all_same = true;
    for (rel, content) in &generated.files {
        let path = args.out.join(rel);
        if args.check {
            match std::fs::read_to_string(&path) {
                Ok(existing) if existing == *content => {
                    eprintln!("ok       {} ({} bytes)", path.display(), content.len());
                }
                Ok(existing) => {
                    all_same = false;
                    eprintln!(
                        "DIFFERS  {} (first difference on line {}; regenerate with the tool)",
                        path.display(),
                        first_difference(&existing, content)
                    );
                }
                Err(e) => {
                    all_same = false;
                    eprintln!("MISSING  {} ({e})", path.display());
                }
            }
        } else if std::fs::read_to_string(&path).is_ok_and(|existing| existing == *content) {
            eprintln!("same     {} ({} bytes)", path.display(), content.len());
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
            std::fs::write(&path, content).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote    {} ({} bytes)", path.display(), content.len());
        }
    }
    Ok(all_same)
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// shared/data as laid out beside the repository (tools/refdata -> ../../../shared/data).
    fn data_dir() -> Option<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
        dir.join(input::GEOJSON_FILE).exists().then_some(dir)
    }

    #[test]
    fn real_data_gives_49_municipalities_with_unique_tiles() {
        let Some(dir) = data_dir() else {
            eprintln!("skipped: shared/data not found beside the repository");
            return;
        };
        let generated = generate(&dir, MapOptions::default()).expect("generate");
        let (_, csv) = &generated.files[0];
        assert_eq!(csv.lines().count(), 51);
        assert!(csv.starts_with("code,name,kind,subregion,population,population_year\n14,"));

        let (_, json) = &generated.files[1];
        assert!(json.len() < 150_000, "map is {} bytes", json.len());
        let value: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        let ms = value["municipalities"].as_array().expect("array");
        assert_eq!(ms.len(), 49);
        let codes: BTreeSet<&str> = ms.iter().filter_map(|m| m["code"].as_str()).collect();
        assert_eq!(codes.len(), 49);
        assert!(codes.iter().all(|c| c.len() == 4 && c.starts_with("14")));
        let tiles: BTreeSet<(u64, u64)> =
            ms.iter().filter_map(|m| Some((m["tile"][0].as_u64()?, m["tile"][1].as_u64()?))).collect();
        assert_eq!(tiles.len(), 49, "tiles are unique");
        let cols = value["tile_grid"]["cols"].as_u64().expect("cols");
        let rows = value["tile_grid"]["rows"].as_u64().expect("rows");
        assert!(tiles.iter().all(|&(c, r)| c < cols && r < rows));
        for m in ms {
            let path = m["path"].as_str().expect("path");
            assert!(path.starts_with('M') && path.ends_with('Z'), "{path}");
        }
        // The source's islands survive: Orust has three parts, Öckerö two.
        let parts = |code: &str| {
            ms.iter().find(|m| m["code"] == code).and_then(|m| m["path"].as_str()).map(|p| p.matches('M').count())
        };
        assert_eq!(parts("1421"), Some(3));
        assert_eq!(parts("1407"), Some(2));
    }

    #[test]
    fn real_data_labels_lie_inside() {
        use geo::{Contains, Coord, LineString, Point, Polygon};
        let Some(dir) = data_dir() else {
            eprintln!("skipped: shared/data not found beside the repository");
            return;
        };
        let municipalities = input::load(&dir).expect("load");
        let map = map::build(&municipalities, MapOptions::default()).expect("map");
        for m in &map.municipalities {
            let label = Point::new(m.label[0] as f64, m.label[1] as f64);
            let inside = m.polygons.iter().any(|rings| {
                let ring = |r: &Vec<[i64; 2]>| -> LineString<f64> {
                    r.iter().map(|&[x, y]| Coord { x: x as f64, y: y as f64 }).collect()
                };
                Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect()).contains(&label)
            });
            assert!(inside, "label of {} is outside", m.name);
        }
    }
    #[test]
    fn real_data_neighbours_still_share_borders() {
        use std::collections::{BTreeMap, HashMap};
        let Some(dir) = data_dir() else {
            eprintln!("skipped: shared/data not found beside the repository");
            return;
        };
        let municipalities = input::load(&dir).expect("load");
        // Neighbour pairs in the source: municipalities with a common (undirected) edge.
        let mut source_edges: HashMap<([u64; 2], [u64; 2]), usize> = HashMap::new();
        let mut source_pairs = BTreeSet::new();
        for (i, m) in municipalities.iter().enumerate() {
            for ring in m.polygons.iter().flatten() {
                for k in 0..ring.len() {
                    let a = ring[k].map(f64::to_bits);
                    let b = ring[(k + 1) % ring.len()].map(f64::to_bits);
                    let e = if a < b { (a, b) } else { (b, a) };
                    if let Some(&j) = source_edges.get(&e) {
                        if j != i {
                            source_pairs.insert((j.min(i), j.max(i)));
                        }
                    } else {
                        source_edges.insert(e, i);
                    }
                }
            }
        }
        let map = map::build(&municipalities, MapOptions::default()).expect("map");
        // In the output, a directed edge is used at most once, and every source neighbour pair
        // still shares an edge (traversed in opposite directions).
        let mut directed: BTreeMap<([i64; 2], [i64; 2]), usize> = BTreeMap::new();
        for (i, m) in map.municipalities.iter().enumerate() {
            for ring in m.polygons.iter().flatten() {
                for k in 0..ring.len() {
                    let e = (ring[k], ring[(k + 1) % ring.len()]);
                    assert!(directed.insert(e, i).is_none(), "edge {e:?} used twice in one direction");
                }
            }
        }
        let mut output_pairs = BTreeSet::new();
        for (&(a, b), &i) in &directed {
            if let Some(&j) = directed.get(&(b, a)) {
                if i != j {
                    output_pairs.insert((i.min(j), i.max(j)));
                }
            }
        }
        assert!(source_pairs.len() > 100, "{} neighbour pairs", source_pairs.len());
        assert_eq!(source_pairs, output_pairs);
    }
}
