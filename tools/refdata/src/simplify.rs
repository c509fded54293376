//! Topology-preserving simplification of arcs.
//!
//! Every arc is simplified once with Douglas–Peucker (geo's `Simplify`), its endpoints kept,
//! then snapped to the output grid (integer multiples of 10^-decimals units). Afterwards the
//! result is checked: every ring must keep at least 3 distinct points, a non-zero area and its
//! orientation, and no two output segments may cross or overlap (touching at a shared vertex is
//! fine). Arcs involved in a violation get half the tolerance and are simplified again, until
//! the result is clean.

use std::collections::BTreeSet;

use anyhow::{bail, Result};
use geo::{Coord, LineString, Simplify};

use crate::topology::{ring_points, ArcRef};

/// A point on the output grid, in units of 10^-decimals SVG units.
pub type GridPoint = [i64; 2];

#[derive(Debug, Clone)]
pub struct Simplified {
    /// The simplified arcs, snapped to the grid, endpoints unchanged (up to snapping).
    pub arcs: Vec<Vec<GridPoint>>,
    /// The tolerance finally used for each arc (SVG units).
    pub tolerances: Vec<f64>,
    /// How many refinement rounds were needed.
    pub rounds: usize,
    /// Conflicts already present in the unsimplified arcs at the output precision (overlaps
    /// in the source, or near-collinear borders that cross once rounded): not the
    /// simplification's doing, so left as they are.
    pub tolerated: BTreeSet<Conflict>,
}

/// Douglas–Peucker on one arc, keeping its endpoints. A closed arc (first point == last) is
/// split at the vertex farthest from its start and the halves are simplified separately, so
/// that it keeps some extent.
pub fn simplify_arc(points: &[[f64; 2]], tolerance: f64) -> Vec<[f64; 2]> {
    if tolerance <= 0.0 || points.len() <= 2 {
        return points.to_vec();
    }
    let dp = |pts: &[[f64; 2]]| -> Vec<[f64; 2]> {
        let line: LineString<f64> = pts.iter().map(|&[x, y]| Coord { x, y }).collect();
        line.simplify(tolerance).0.into_iter().map(|c| [c.x, c.y]).collect()
    };
    let n = points.len();
    if points[0] == points[n - 1] && n >= 4 {
        let [x0, y0] = points[0];
        let far = (1..n - 1)
            .max_by(|&a, &b| {
                let da = (points[a][0] - x0).powi(2) + (points[a][1] - y0).powi(2);
                let db = (points[b][0] - x0).powi(2) + (points[b][1] - y0).powi(2);
                da.total_cmp(&db)
            })
            .unwrap_or(n / 2);
        let mut out = dp(&points[..=far]);
        out.extend(dp(&points[far..]).into_iter().skip(1));
        out
    } else {
        dp(points)
    }
}

/// Snaps points to the grid (`factor` grid steps per unit) and drops repeated points.
pub fn snap(points: &[[f64; 2]], factor: f64) -> Vec<GridPoint> {
    let mut out: Vec<GridPoint> = Vec::with_capacity(points.len());
    for &[x, y] in points {
        // Coordinates are SVG units (0..~1100); the products are far inside i64.
        let p = [(x * factor).round() as i64, (y * factor).round() as i64];
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

/// Twice the signed area of an open ring (shoelace); exact on grid points.
pub fn doubled_area(ring: &[GridPoint]) -> i128 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let [x0, y0] = ring[i];
            let [x1, y1] = ring[(i + 1) % n];
            i128::from(x0) * i128::from(y1) - i128::from(x1) * i128::from(y0)
        })
        .sum()
}

fn doubled_area_f(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let [x0, y0] = ring[i];
            let [x1, y1] = ring[(i + 1) % n];
            x0 * y1 - x1 * y0
        })
        .sum()
}

fn orient(a: GridPoint, b: GridPoint, c: GridPoint) -> i128 {
    let abx = i128::from(b[0] - a[0]);
    let aby = i128::from(b[1] - a[1]);
    let acx = i128::from(c[0] - a[0]);
    let acy = i128::from(c[1] - a[1]);
    (abx * acy - aby * acx).signum()
}

/// Whether two segments cross, overlap, or one touches the other anywhere other than at a
/// shared endpoint. Exact (integer arithmetic).
pub fn segments_conflict(s: [GridPoint; 2], t: [GridPoint; 2]) -> bool {
    let [a, b] = s;
    let [c, d] = t;
    let bbox_overlap = a[0].min(b[0]) <= c[0].max(d[0])
        && c[0].min(d[0]) <= a[0].max(b[0])
        && a[1].min(b[1]) <= c[1].max(d[1])
        && c[1].min(d[1]) <= a[1].max(b[1]);
    if !bbox_overlap {
        return false;
    }
    let shared: Vec<(GridPoint, GridPoint, GridPoint)> = [(a, b), (b, a)]
        .iter()
        .flat_map(|&(p, p_other)| {
            [(c, d), (d, c)].into_iter().filter(move |&(q, _)| q == p).map(move |(_, q_other)| (p, p_other, q_other))
        })
        .collect();
    match shared.as_slice() {
        [] => {
            let o1 = orient(a, b, c);
            let o2 = orient(a, b, d);
            let o3 = orient(c, d, a);
            let o4 = orient(c, d, b);
            o1 * o2 <= 0 && o3 * o4 <= 0
        }
        [(s, u, w)] => {
            // Only one common endpoint: a conflict if the segments run along each other.
            let ux = i128::from(u[0] - s[0]);
            let uy = i128::from(u[1] - s[1]);
            let wx = i128::from(w[0] - s[0]);
            let wy = i128::from(w[1] - s[1]);
            ux * wy - uy * wx == 0 && ux * wx + uy * wy > 0
        }
        // The same segment twice.
        _ => true,
    }
}

/// Indices of arcs whose segments conflict with another segment (of any arc, itself included).
#[cfg(test)]
pub fn conflicting_arcs(arcs: &[Vec<GridPoint>]) -> BTreeSet<usize> {
    conflicts(arcs).into_iter().flat_map(|c| [c.arcs.0, c.arcs.1]).collect()
}

/// A segment with its endpoints in a canonical order.
type Segment = [GridPoint; 2];

/// Two segments that conflict, and the arcs they belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conflict {
    pub arcs: (usize, usize),
    /// The two segments, each with its endpoints sorted, the pair sorted too: the same
    /// conflict has the same key whichever arc comes first.
    pub segments: (Segment, Segment),
}

/// Every pair of conflicting segments, of any arcs (an arc with itself included).
pub fn conflicts(arcs: &[Vec<GridPoint>]) -> BTreeSet<Conflict> {
    let mut segments: Vec<(usize, Segment)> = Vec::new();
    for (id, arc) in arcs.iter().enumerate() {
        for w in arc.windows(2) {
            segments.push((id, [w[0], w[1]]));
        }
    }
    // Sweep along x: sort by the segments' left end, compare while they can overlap.
    segments.sort_by_key(|(_, [a, b])| a[0].min(b[0]));
    let canonical = |[a, b]: Segment| if a <= b { [a, b] } else { [b, a] };
    let mut bad = BTreeSet::new();
    for i in 0..segments.len() {
        let (arc_i, s) = segments[i];
        let right = s[0][0].max(s[1][0]);
        for &(arc_j, t) in &segments[i + 1..] {
            if t[0][0].min(t[1][0]) > right {
                break;
            }
            // Consecutive segments of one arc share an endpoint, so only a fold back onto
            // itself counts for them.
            if segments_conflict(s, t) {
                let (cs, ct) = (canonical(s), canonical(t));
                let segments = if cs <= ct { (cs, ct) } else { (ct, cs) };
                bad.insert(Conflict { arcs: (arc_i.min(arc_j), arc_i.max(arc_j)), segments });
            }
        }
    }
    bad
}

/// Simplifies all arcs with `tolerance` (SVG units), snapping to `decimals` decimals, and
/// lowers the tolerance of individual arcs until every ring is valid and nothing crosses.
pub fn simplify_topology(
    arcs: &[Vec<[f64; 2]>],
    rings: &[Vec<ArcRef>],
    tolerance: f64,
    decimals: u32,
) -> Result<Simplified> {
    let factor = 10f64.powi(i32::try_from(decimals)?);
    let original_signs: Vec<f64> = rings.iter().map(|r| doubled_area_f(&ring_points(r, arcs)).signum()).collect();
    let mut tolerances = vec![tolerance.max(0.0); arcs.len()];
    let floor = tolerance / 64.0;
    // SCB's layer has a few overlaps between neighbours (Håbo/Knivsta, Lekeberg/Örebro, and
    // Håbo/Uppsala after rounding): their borders cross even unsimplified. Exactly those
    // segment pairs are tolerated; any other conflict lowers the tolerance of its arcs, so
    // arcs near an overlap end up unsimplified there rather than made worse.
    let unsimplified: Vec<Vec<GridPoint>> = arcs.iter().map(|arc| snap(arc, factor)).collect();
    let tolerated = conflicts(&unsimplified);
    for round in 1..=64 {
        let simplified: Vec<Vec<GridPoint>> =
            arcs.iter().zip(&tolerances).map(|(arc, &t)| snap(&simplify_arc(arc, t), factor)).collect();

        let mut bad: BTreeSet<usize> =
            conflicts(&simplified).difference(&tolerated).flat_map(|c| [c.arcs.0, c.arcs.1]).collect();
        for (ring, &sign) in rings.iter().zip(&original_signs) {
            let pts = ring_points(ring, &simplified);
            let distinct: BTreeSet<GridPoint> = pts.iter().copied().collect();
            let area = doubled_area(&pts);
            let sign_ok = (area > 0 && sign > 0.0) || (area < 0 && sign < 0.0);
            if distinct.len() < 3 || !sign_ok {
                bad.extend(ring.iter().map(|r| r.arc));
            }
        }
        if bad.is_empty() {
            return Ok(Simplified { arcs: simplified, tolerances, rounds: round, tolerated });
        }
        let mut changed = false;
        for &id in &bad {
            let t = &mut tolerances[id];
            if *t > 0.0 {
                *t = if *t / 2.0 < floor { 0.0 } else { *t / 2.0 };
                changed = true;
            }
        }
        if !changed {
            bail!(
                "arcs {bad:?} still conflict without simplification: the input has crossing \
                 borders or rings that collapse at {decimals} decimals"
            );
        }
    }
    bail!("simplification did not converge")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology;

    #[test]
    fn conflicts() {
        // Crossing.
        assert!(segments_conflict([[0, 0], [10, 10]], [[0, 10], [10, 0]]));
        // Disjoint.
        assert!(!segments_conflict([[0, 0], [10, 0]], [[0, 5], [10, 5]]));
        // Shared endpoint at an angle: fine.
        assert!(!segments_conflict([[0, 0], [10, 0]], [[10, 0], [10, 10]]));
        // Shared endpoint, folding back along the same line: conflict.
        assert!(segments_conflict([[0, 0], [10, 0]], [[10, 0], [5, 0]]));
        // T-touch without a shared vertex: conflict.
        assert!(segments_conflict([[0, 0], [10, 0]], [[5, 0], [5, 10]]));
        // Same segment reversed: conflict.
        assert!(segments_conflict([[0, 0], [10, 0]], [[10, 0], [0, 0]]));
        // Collinear, apart: fine.
        assert!(!segments_conflict([[0, 0], [4, 0]], [[5, 0], [9, 0]]));
    }

    #[test]
    fn closed_arc_keeps_extent() {
        let square = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        let out = simplify_arc(&square, 100.0);
        assert_eq!(out.first(), out.last());
        assert!(out.len() >= 3);
    }

    /// Two squares sharing a wiggly border: after simplification the border is identical in
    /// both rings (traversed in opposite directions) and the rings are still valid.
    #[test]
    fn shared_border_is_identical_after_simplification() {
        let scale = |p: [i64; 2]| [p[0] as f64, p[1] as f64];
        let border = [[10, 0], [11, 2], [9, 4], [10, 6], [12, 8], [10, 10]];
        let mut left: Vec<[i64; 2]> = vec![[0, 0]];
        left.extend(border);
        left.extend([[5, 11], [0, 10]]);
        let mut right: Vec<[i64; 2]> = vec![[20, 0], [20, 10]];
        right.extend(border.iter().rev());
        right.insert(2, [15, 9]);
        let topo = topology::build(&[left, right]);
        let arcs: Vec<Vec<[f64; 2]>> = topo.arcs.iter().map(|a| a.iter().map(|&p| scale(p)).collect()).collect();
        let out = simplify_topology(&arcs, &topo.rings, 3.0, 1).expect("simplify");
        let ring_l = ring_points(&topo.rings[0], &out.arcs);
        let ring_r = ring_points(&topo.rings[1], &out.arcs);
        let start = [100, 0];
        let end = [100, 100];
        let path_between = |ring: &[GridPoint], from: GridPoint, to: GridPoint| {
            let n = ring.len();
            let i = ring.iter().position(|&p| p == from).expect("start on ring");
            let mut out = vec![from];
            let mut k = i;
            while ring[k] != to {
                k = (k + 1) % n;
                out.push(ring[k]);
            }
            out
        };
        let left_border = path_between(&ring_l, start, end);
        let mut right_border = path_between(&ring_r, end, start);
        right_border.reverse();
        assert_eq!(left_border, right_border);
        // The wiggles are within 3 units of the straight border, so it became straight.
        assert_eq!(left_border, vec![start, end]);
        for ring in [&ring_l, &ring_r] {
            assert!(ring.len() >= 3);
            assert!(doubled_area(ring) != 0);
        }
        assert!(conflicting_arcs(&out.arcs).is_empty());
    }

    /// Two overlapping squares (as Håbo and Knivsta in SCB's layer): their borders cross in
    /// the source. That no longer stops the simplification, and no crossing other than the
    /// source's own is left.
    #[test]
    fn crossings_in_the_source_are_tolerated_new_ones_are_not() {
        let a = vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]];
        // Overlaps a by one unit, with a dent in its left side.
        let b = vec![
            [9.0, 2.0],
            [9.0, 1.0],
            [20.0, 1.0],
            [20.0, 9.0],
            [9.0, 9.0],
            [9.0, 6.0],
            [10.8, 5.0],
            [9.0, 4.0],
            [9.0, 2.0],
        ];
        let rings = vec![vec![ArcRef { arc: 0, reversed: false }], vec![ArcRef { arc: 1, reversed: false }]];
        let out = simplify_topology(&[a, b], &rings, 3.0, 0).expect("the source's crossings do not stop it");
        assert!(!out.tolerated.is_empty());
        let after: BTreeSet<Conflict> = super::conflicts(&out.arcs);
        assert!(after.is_subset(&out.tolerated), "only the source's own crossings remain");
    }

    #[test]
    fn tiny_island_does_not_collapse() {
        let island = vec![[0.0, 0.0], [0.3, 0.0], [0.3, 0.3], [0.0, 0.0]];
        let rings = vec![vec![ArcRef { arc: 0, reversed: false }]];
        let out = simplify_topology(&[island], &rings, 5.0, 1).expect("simplify");
        let ring = ring_points(&rings[0], &out.arcs);
        let distinct: BTreeSet<GridPoint> = ring.iter().copied().collect();
        assert_eq!(distinct.len(), 3);
    }
}
