//! Label points: a point inside each municipality for placing its name or a marker.

use geo::{Area, Centroid, Contains, Coord, InteriorPoint, LineString, Polygon};

/// A point inside the largest part of a municipality: the centroid of that part if it lies
/// inside it, otherwise geo's `InteriorPoint`. Each polygon is exterior ring first, then holes;
/// rings are open (closing point not repeated).
pub fn label_point(polygons: &[Vec<Vec<[f64; 2]>>]) -> Option<[f64; 2]> {
    let to_ring = |ring: &Vec<[f64; 2]>| -> LineString<f64> { ring.iter().map(|&[x, y]| Coord { x, y }).collect() };
    let largest = polygons
        .iter()
        .filter_map(|rings| {
            let (exterior, holes) = rings.split_first()?;
            Some(Polygon::new(to_ring(exterior), holes.iter().map(to_ring).collect()))
        })
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
    let point = match largest.centroid() {
        Some(c) if largest.contains(&c) => c,
        _ => largest.interior_point()?,
    };
    Some([point.x(), point.y()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centroid_of_square() {
        let square = vec![vec![[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]]];
        assert_eq!(label_point(&[square]), Some([2.0, 2.0]));
    }

    #[test]
    fn c_shape_gets_an_inside_point() {
        // A "C" whose centroid falls in the notch.
        let c = vec![vec![
            [0.0, 0.0],
            [10.0, 0.0],
            [10.0, 2.0],
            [2.0, 2.0],
            [2.0, 8.0],
            [10.0, 8.0],
            [10.0, 10.0],
            [0.0, 10.0],
        ]];
        let p = label_point(std::slice::from_ref(&c)).expect("label");
        let poly = Polygon::new(c[0].iter().map(|&[x, y]| Coord { x, y }).collect(), vec![]);
        assert!(poly.contains(&geo::Point::new(p[0], p[1])));
    }

    #[test]
    fn uses_the_largest_part() {
        let small = vec![vec![[100.0, 100.0], [101.0, 100.0], [101.0, 101.0]]];
        let big = vec![vec![[0.0, 0.0], [6.0, 0.0], [6.0, 6.0], [0.0, 6.0]]];
        assert_eq!(label_point(&[small, big]), Some([3.0, 3.0]));
    }
}
