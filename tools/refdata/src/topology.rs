//! Splitting polygon rings into shared arcs, and rebuilding rings from (simplified) arcs.
//!
//! Neighbouring municipalities have identical vertices along their common border. Rings are cut
//! at junctions — vertices where three or more borders meet, where the set of rings sharing an
//! edge changes, or where a ring touches itself — so that every common border becomes one arc
//! that both neighbours reference (one of them reversed). Simplifying each arc once then keeps
//! both sides of a border identical.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::Hash;

/// A reference from a ring to an arc, possibly traversed backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArcRef {
    pub arc: usize,
    pub reversed: bool,
}

/// Arcs (each a polyline from junction to junction, or a closed loop for a ring without
/// junctions) and, for every input ring, the arcs that make it up in order.
#[derive(Debug, Clone)]
pub struct Topology<K> {
    pub arcs: Vec<Vec<K>>,
    pub rings: Vec<Vec<ArcRef>>,
}

impl<K> Topology<K> {
    /// How many ring traversals use each arc (2 for an interior border, 1 for the coast or the
    /// county boundary).
    pub fn arc_use_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.arcs.len()];
        for ring in &self.rings {
            for r in ring {
                counts[r.arc] += 1;
            }
        }
        counts
    }
}

/// Removes consecutive duplicates, including a last point equal to the first.
fn clean_ring<K: Copy + PartialEq>(ring: &[K]) -> Vec<K> {
    let mut out: Vec<K> = Vec::with_capacity(ring.len());
    for &p in ring {
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// Splits open rings (closing point not repeated) into deduplicated arcs.
///
/// The keys must identify vertices exactly (e.g. integer-quantised coordinates): two rings
/// share a border only where they have equal keys.
pub fn build<K: Copy + Eq + Hash + Ord>(rings: &[Vec<K>]) -> Topology<K> {
    let rings: Vec<Vec<K>> = rings.iter().map(|r| clean_ring(r)).collect();

    // Distinct neighbours of every vertex over all rings, and vertices a ring visits twice.
    let mut neighbours: HashMap<K, BTreeSet<K>> = HashMap::new();
    let mut junctions: HashSet<K> = HashSet::new();
    for ring in &rings {
        let n = ring.len();
        let mut seen = HashSet::new();
        for i in 0..n {
            let v = ring[i];
            let entry = neighbours.entry(v).or_default();
            entry.insert(ring[(i + n - 1) % n]);
            entry.insert(ring[(i + 1) % n]);
            if !seen.insert(v) {
                junctions.insert(v);
            }
        }
    }
    // With exactly two distinct neighbours p and q, every ring through v runs p-v-q or q-v-p,
    // so both edges are shared by the same rings and v is not a junction.
    junctions.extend(neighbours.iter().filter(|(_, nb)| nb.len() != 2).map(|(v, _)| *v));

    let mut arcs: Vec<Vec<K>> = Vec::new();
    let mut index: HashMap<Vec<K>, usize> = HashMap::new();
    let mut intern = |arc: Vec<K>| -> ArcRef {
        let reversed_arc: Vec<K> = arc.iter().rev().copied().collect();
        let (canonical, reversed) = if reversed_arc < arc { (reversed_arc, true) } else { (arc, false) };
        let next = arcs.len();
        let id = *index.entry(canonical.clone()).or_insert_with(|| {
            arcs.push(canonical);
            next
        });
        ArcRef { arc: id, reversed }
    };

    let mut ring_refs = Vec::with_capacity(rings.len());
    for ring in &rings {
        let n = ring.len();
        let cuts: Vec<usize> = (0..n).filter(|&i| junctions.contains(&ring[i])).collect();
        let mut refs = Vec::new();
        if cuts.is_empty() {
            // A closed loop: start at the smallest vertex, walk towards the smaller neighbour,
            // so that the same loop used by two rings gets the same form.
            let start = (0..n).min_by_key(|&i| ring[i]).unwrap_or(0);
            let mut arc: Vec<K> = (0..=n).map(|k| ring[(start + k) % n]).collect();
            let forward = n < 3 || ring[(start + 1) % n] <= ring[(start + n - 1) % n];
            if !forward {
                arc.reverse();
            }
            let id = intern(arc.clone());
            // `intern` may have flipped it again; combine both flips.
            refs.push(ArcRef { arc: id.arc, reversed: id.reversed == forward });
        } else {
            for (k, &from) in cuts.iter().enumerate() {
                let to = if k + 1 < cuts.len() { cuts[k + 1] } else { cuts[0] + n };
                let arc: Vec<K> = (from..=to).map(|i| ring[i % n]).collect();
                refs.push(intern(arc));
            }
        }
        ring_refs.push(refs);
    }

    Topology { arcs, rings: ring_refs }
}

/// Rebuilds one ring (open: closing point not repeated) from arcs, which may be simplified
/// versions of the topology's arcs with the same endpoints.
pub fn ring_points<P: Copy + PartialEq>(refs: &[ArcRef], arcs: &[Vec<P>]) -> Vec<P> {
    let mut out: Vec<P> = Vec::new();
    for r in refs {
        let arc = &arcs[r.arc];
        let mut push = |p: P| {
            if out.last() != Some(&p) {
                out.push(p);
            }
        };
        if r.reversed {
            arc.iter().rev().for_each(|&p| push(p));
        } else {
            arc.iter().for_each(|&p| push(p));
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rotates an open ring so it starts at its smallest point (rings are cyclic).
    fn normalise(ring: &[[i64; 2]]) -> Vec<[i64; 2]> {
        let start = (0..ring.len()).min_by_key(|&i| ring[i]).expect("non-empty");
        (0..ring.len()).map(|k| ring[(start + k) % ring.len()]).collect()
    }

    #[test]
    fn two_squares_share_one_arc() {
        // Left square (0,0)-(10,10) and right square (10,0)-(20,10), both counter-clockwise.
        // The shared edge has intermediate points.
        let left = vec![[0, 0], [10, 0], [10, 3], [10, 7], [10, 10], [0, 10]];
        let right = vec![[10, 0], [20, 0], [20, 10], [10, 10], [10, 7], [10, 3]];
        let topo = build(&[left.clone(), right.clone()]);
        // Junctions are (10,0) and (10,10): arcs are the shared border and the two outer parts.
        assert_eq!(topo.arcs.len(), 3);
        let uses = topo.arc_use_counts();
        assert_eq!(uses.iter().filter(|&&u| u == 2).count(), 1);
        let shared = uses.iter().position(|&u| u == 2).expect("shared arc");
        assert_eq!(topo.arcs[shared], vec![[10, 0], [10, 3], [10, 7], [10, 10]]);
        // Rebuilding gives back the input rings.
        assert_eq!(normalise(&ring_points(&topo.rings[0], &topo.arcs)), normalise(&left));
        assert_eq!(normalise(&ring_points(&topo.rings[1], &topo.arcs)), normalise(&right));
        // One ring uses the shared arc forwards, the other backwards.
        let dirs: Vec<bool> =
            topo.rings.iter().flat_map(|r| r.iter().filter(|a| a.arc == shared).map(|a| a.reversed)).collect();
        assert_eq!(dirs.len(), 2);
        assert_ne!(dirs[0], dirs[1]);
    }

    #[test]
    fn island_is_a_single_closed_arc() {
        let island = vec![[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]];
        let topo = build(&[island]);
        assert_eq!(topo.arcs.len(), 1);
        assert_eq!(topo.rings[0].len(), 1);
        let arc = &topo.arcs[0];
        assert_eq!(arc.first(), arc.last());
        assert_eq!(arc.len(), 5);
        assert_eq!(ring_points(&topo.rings[0], &topo.arcs).len(), 4);
    }

    #[test]
    fn hole_and_filling_polygon_share_a_closed_arc() {
        let hole = vec![[2, 2], [2, 4], [4, 4], [4, 2]];
        let filling = vec![[2, 2], [4, 2], [4, 4], [2, 4]];
        let topo = build(&[hole.clone(), filling.clone()]);
        assert_eq!(topo.arcs.len(), 1);
        assert_ne!(topo.rings[0][0].reversed, topo.rings[1][0].reversed);
        assert_eq!(normalise(&ring_points(&topo.rings[0], &topo.arcs)), normalise(&hole));
        assert_eq!(normalise(&ring_points(&topo.rings[1], &topo.arcs)), normalise(&filling));
    }

    #[test]
    fn three_way_junction_splits_arcs() {
        // Three rectangles meeting at (10,10): A left, B top right, C bottom right.
        let a = vec![[0, 0], [10, 0], [10, 10], [10, 20], [0, 20]];
        let b = vec![[10, 10], [20, 10], [20, 20], [10, 20]];
        let c = vec![[10, 0], [20, 0], [20, 10], [10, 10]];
        let topo = build(&[a, b, c]);
        let uses = topo.arc_use_counts();
        // Shared: A|C (10,0)-(10,10), A|B (10,10)-(10,20), B|C (10,10)-(20,10).
        assert_eq!(uses.iter().filter(|&&u| u == 2).count(), 3);
        for ring in &topo.rings {
            let pts = ring_points(ring, &topo.arcs);
            assert!(pts.len() >= 4);
        }
    }
}
