//! Builds the SVG map model: projection, shared arcs, simplification, paths, labels, tiles.

use std::collections::{BTreeSet, HashMap};

use anyhow::{ensure, Context, Result};

use crate::input::{LonLatPolygon, Municipality};
use crate::label::label_point;
use crate::national;
use crate::projection::{sweref99tm, EastNorth, SvgFit};
use crate::simplify::{doubled_area, simplify_topology, GridPoint};
use crate::tiles;
use crate::topology::{self, ring_points};

/// Settings that determine the map file; the defaults are what the committed file uses.
#[derive(Debug, Clone, Copy)]
pub struct MapOptions {
    /// Width of the SVG coordinate system.
    pub width: u32,
    /// Empty margin on every side, SVG units.
    pub margin: f64,
    /// Douglas–Peucker tolerance, SVG units.
    pub tolerance: f64,
    /// Decimals kept in coordinates.
    pub decimals: u32,
    /// Target width of the tile cartogram in columns; `None`: chosen from the number of
    /// municipalities and the aspect of their label points (`tiles::auto_cols`).
    pub tile_cols: Option<u32>,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions { width: 1000, margin: 10.0, tolerance: 1.0, decimals: 0, tile_cols: Some(7) }
    }
}

/// What the map needs of a municipality.
pub trait MapSource {
    fn code(&self) -> &str;
    fn name(&self) -> &str;
    fn polygons(&self) -> &[LonLatPolygon];
}

impl MapSource for Municipality {
    fn code(&self) -> &str {
        &self.code
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn polygons(&self) -> &[LonLatPolygon] {
        &self.polygons
    }
}

impl MapSource for national::Municipality {
    fn code(&self) -> &str {
        &self.code
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn polygons(&self) -> &[LonLatPolygon] {
        &self.polygons
    }
}

impl<T: MapSource> MapSource for &T {
    fn code(&self) -> &str {
        (*self).code()
    }
    fn name(&self) -> &str {
        (*self).name()
    }
    fn polygons(&self) -> &[LonLatPolygon] {
        (*self).polygons()
    }
}

/// One municipality on the map. Rings are open, on the output grid (units of
/// 10^-decimals SVG units); exteriors have positive `doubled_area` (clockwise on screen),
/// holes negative, so `fill-rule: nonzero` and `evenodd` both render them right.
#[derive(Debug, Clone)]
pub struct MapMunicipality {
    pub code: String,
    pub name: String,
    /// Polygons: exterior ring first, then holes.
    pub polygons: Vec<Vec<Vec<GridPoint>>>,
    /// Label point on the output grid.
    pub label: GridPoint,
    /// `[col, row]` in the tile cartogram.
    pub tile: [u32; 2],
}

#[derive(Debug, Clone, Default)]
pub struct MapStats {
    pub source_vertices: usize,
    pub unique_vertices: usize,
    pub rings: usize,
    pub arcs: usize,
    pub shared_arcs: usize,
    pub output_vertices: usize,
    pub unique_output_vertices: usize,
    pub arcs_with_lowered_tolerance: usize,
    pub simplification_rounds: usize,
    /// Segment pairs that already conflict in the unsimplified source (see `simplify`).
    pub tolerated_conflicts: usize,
}

#[derive(Debug, Clone)]
pub struct Map {
    pub options: MapOptions,
    pub fit: SvgFit,
    pub municipalities: Vec<MapMunicipality>,
    pub tile_cols: u32,
    pub tile_rows: u32,
    pub stats: MapStats,
}

/// Exact vertex identity in the source: longitude/latitude in units of 1e-7 degrees (the
/// source has 6 decimals).
type Key = [i64; 2];

fn key(p: [f64; 2]) -> Key {
    [(p[0] * 1e7).round() as i64, (p[1] * 1e7).round() as i64]
}

/// Where a ring came from: municipality, polygon, ring within the polygon (0 = exterior).
#[derive(Debug, Clone, Copy)]
struct RingOrigin {
    muni: usize,
    polygon: usize,
    ring: usize,
}

/// Removes zero-width spikes (`… P Q P …` becomes `… P …`) from an open ring. SCB's layer has
/// a few slivers only metres wide (Uppsala along Knivsta); on the output grid they fold back on
/// themselves, and drawing nothing there is what they are worth. Each removal keeps the area.
pub fn remove_spikes(mut ring: Vec<GridPoint>) -> Vec<GridPoint> {
    loop {
        let n = ring.len();
        if n < 3 {
            return ring;
        }
        let Some(i) = (0..n).find(|&i| ring[(i + n - 1) % n] == ring[(i + 1) % n]) else {
            return ring;
        };
        // Drop the tip and the repeated point after it.
        let next = (i + 1) % n;
        let (first, second) = if next > i { (next, i) } else { (i, next) };
        ring.remove(first);
        ring.remove(second);
    }
}

pub fn build<M: MapSource>(municipalities: &[M], options: MapOptions) -> Result<Map> {
    let mut stats = MapStats::default();

    // Every ring, keyed by exact source vertex.
    let mut rings: Vec<Vec<Key>> = Vec::new();
    let mut origins: Vec<RingOrigin> = Vec::new();
    let mut projected: HashMap<Key, EastNorth> = HashMap::new();
    for (mi, m) in municipalities.iter().enumerate() {
        for (pi, polygon) in m.polygons().iter().enumerate() {
            for (ri, ring) in polygon.iter().enumerate() {
                stats.source_vertices += ring.len();
                let keys: Vec<Key> = ring.iter().map(|&p| key(p)).collect();
                for (&k, &[lon, lat]) in keys.iter().zip(ring) {
                    projected.entry(k).or_insert_with(|| sweref99tm(lon, lat));
                }
                rings.push(keys);
                origins.push(RingOrigin { muni: mi, polygon: pi, ring: ri });
            }
        }
    }
    stats.rings = rings.len();
    stats.unique_vertices = projected.len();

    // Deterministic fit: iterate the projected points in key order.
    let mut ordered: Vec<(&Key, &EastNorth)> = projected.iter().collect();
    ordered.sort_by_key(|(k, _)| **k);
    let points: Vec<EastNorth> = ordered.iter().map(|(_, p)| **p).collect();
    let fit = SvgFit::new(&points, options.width, options.margin)?;

    let topo = topology::build(&rings);
    stats.arcs = topo.arcs.len();
    stats.shared_arcs = topo.arc_use_counts().iter().filter(|&&c| c > 1).count();
    let svg_arcs: Vec<Vec<[f64; 2]>> = topo
        .arcs
        .iter()
        .map(|arc| {
            arc.iter()
                .map(|k| projected.get(k).map(|&p| fit.to_svg(p)).context("arc vertex without a projected position"))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<_>>()?;

    let simplified = simplify_topology(&svg_arcs, &topo.rings, options.tolerance, options.decimals)
        .context("simplifying the borders")?;
    stats.simplification_rounds = simplified.rounds;
    stats.tolerated_conflicts = simplified.tolerated.len();
    stats.unique_output_vertices = simplified.arcs.iter().flatten().collect::<BTreeSet<_>>().len();
    stats.arcs_with_lowered_tolerance = simplified.tolerances.iter().filter(|&&t| t < options.tolerance).count();

    // Rebuild the municipalities' polygons from the simplified arcs.
    let mut polygons: Vec<Vec<Vec<Vec<GridPoint>>>> =
        municipalities.iter().map(|m| m.polygons().iter().map(|p| vec![Vec::new(); p.len()]).collect()).collect();
    for (refs, origin) in topo.rings.iter().zip(&origins) {
        let mut ring = remove_spikes(ring_points(refs, &simplified.arcs));
        let distinct: BTreeSet<GridPoint> = ring.iter().copied().collect();
        let name = municipalities[origin.muni].name();
        ensure!(distinct.len() >= 3, "{name}: ring {} of polygon {} collapsed", origin.ring, origin.polygon);
        let exterior = origin.ring == 0;
        if (doubled_area(&ring) > 0) != exterior {
            ring.reverse();
        }
        stats.output_vertices += ring.len();
        polygons[origin.muni][origin.polygon][origin.ring] = ring;
    }

    let factor = 10f64.powi(i32::try_from(options.decimals)?);
    let mut labels: Vec<GridPoint> = Vec::with_capacity(municipalities.len());
    for (m, polys) in municipalities.iter().zip(&polygons) {
        let as_svg: Vec<Vec<Vec<[f64; 2]>>> = polys
            .iter()
            .map(|rings| {
                rings
                    .iter()
                    .map(|ring| ring.iter().map(|&[x, y]| [x as f64 / factor, y as f64 / factor]).collect())
                    .collect()
            })
            .collect();
        let [x, y] = label_point(&as_svg).with_context(|| format!("{}: no label point", m.name()))?;
        labels.push([(x * factor).round() as i64, (y * factor).round() as i64]);
    }

    let label_svg: Vec<[f64; 2]> = labels.iter().map(|&[x, y]| [x as f64 / factor, y as f64 / factor]).collect();
    let cols = options.tile_cols.unwrap_or_else(|| tiles::auto_cols(&label_svg));
    let layout = tiles::layout(&label_svg, cols).context("placing the tiles")?;

    let out: Vec<MapMunicipality> = municipalities
        .iter()
        .zip(polygons)
        .zip(labels)
        .zip(&layout.tiles)
        .map(|(((m, polygons), label), &tile)| MapMunicipality {
            code: m.code().to_string(),
            name: m.name().to_string(),
            polygons,
            label,
            tile,
        })
        .collect();

    Ok(Map { options, fit, municipalities: out, tile_cols: layout.cols, tile_rows: layout.rows, stats })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn muni(code: &str, polygons: Vec<Vec<Vec<[f64; 2]>>>) -> Municipality {
        Municipality {
            code: code.into(),
            name: format!("Kommun {code}"),
            subregion: "Skaraborg".into(),
            population: 1,
            population_year: 2025,
            polygons,
        }
    }

    #[test]
    fn spikes_are_removed() {
        assert_eq!(remove_spikes(vec![[0, 0], [5, 0], [9, 0], [5, 0], [5, 5]]), vec![[0, 0], [5, 0], [5, 5]]);
        // Across the ring's start.
        assert_eq!(remove_spikes(vec![[9, 9], [0, 0], [5, 0], [5, 5], [0, 0]]), vec![[5, 0], [5, 5], [0, 0]]);
        let square = vec![[0, 0], [5, 0], [5, 5], [0, 5]];
        assert_eq!(remove_spikes(square.clone()), square);
    }

    #[test]
    fn holes_keep_opposite_orientation_and_neighbours_share_borders() {
        // West: a square with a hole (counter-clockwise exterior, clockwise hole, as RFC 7946).
        let west = vec![vec![
            vec![[12.0, 58.0], [12.5, 58.0], [12.5, 58.3], [12.0, 58.3]],
            vec![[12.1, 58.1], [12.1, 58.2], [12.2, 58.2], [12.2, 58.1]],
        ]];
        // East shares the edge x = 12.5, with a vertex (12.5, 58.15) on it in both rings.
        let mut west = west;
        west[0][0].insert(2, [12.5, 58.15]);
        let east = vec![vec![vec![[12.5, 58.0], [13.0, 58.0], [13.0, 58.3], [12.5, 58.3], [12.5, 58.15]]]];
        let map = build(&[muni("1401", west), muni("1402", east)], MapOptions::default()).expect("map");
        let w = &map.municipalities[0].polygons[0];
        assert_eq!(w.len(), 2, "the hole survives");
        assert!(doubled_area(&w[0]) > 0 && doubled_area(&w[1]) < 0);
        // Every directed edge of the west's exterior on x = 12.5 appears reversed in the east.
        let edges = |ring: &Vec<GridPoint>| -> Vec<(GridPoint, GridPoint)> {
            (0..ring.len()).map(|i| (ring[i], ring[(i + 1) % ring.len()])).collect()
        };
        let east_edges = edges(&map.municipalities[1].polygons[0][0]);
        let shared: Vec<_> = edges(&w[0]).into_iter().filter(|&(a, b)| east_edges.contains(&(b, a))).collect();
        assert!(!shared.is_empty());
        assert!(edges(&w[0]).iter().all(|e| !east_edges.contains(e)));
    }
}
