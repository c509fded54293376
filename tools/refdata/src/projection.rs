//! Map projection: WGS 84 longitude/latitude to SWEREF 99 TM, then to SVG user units.
//!
//! SWEREF 99 TM (EPSG:3006) is a transverse Mercator projection on the GRS 80 ellipsoid with
//! central meridian 15° E, scale factor 0.9996, false easting 500 000 m and false northing 0.
//! The forward formulas are the Gauss–Krüger series (Krüger's n-series to the 4th order) as
//! published by Lantmäteriet ("Gauss Conformal Projection (Transverse Mercator), Krüger's
//! formulas"); they are accurate to well under a millimetre within a few degrees of the
//! central meridian. WGS 84 and SWEREF 99 differ by less than a metre, which is ignored.

/// Semi-major axis of GRS 80 in metres.
const A: f64 = 6_378_137.0;
/// Flattening of GRS 80.
const F: f64 = 1.0 / 298.257_222_101;
/// Central meridian of SWEREF 99 TM, degrees east.
const LON0_DEG: f64 = 15.0;
/// Scale factor on the central meridian.
const K0: f64 = 0.9996;
/// False easting in metres.
const FALSE_EASTING: f64 = 500_000.0;
/// False northing in metres.
const FALSE_NORTHING: f64 = 0.0;

/// One-line description written into the map file.
pub const DESCRIPTION: &str = "SWEREF 99 TM (EPSG:3006): transverse Mercator on GRS 80, central \
meridian 15°E, scale 0.9996, false easting 500000 m (Gauss–Krüger series); then \
x = margin + (E - e_min)·scale, y = margin + (n_max - N)·scale, see \"transform\"";

/// A point in SWEREF 99 TM: easting and northing in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EastNorth {
    pub e: f64,
    pub n: f64,
}

/// Projects WGS 84 (longitude, latitude in degrees) to SWEREF 99 TM.
pub fn sweref99tm(lon_deg: f64, lat_deg: f64) -> EastNorth {
    let e2 = F * (2.0 - F);
    let n = F / (2.0 - F);
    let a_hat = A / (1.0 + n) * (1.0 + n * n / 4.0 + n.powi(4) / 64.0);

    // Coefficients for the conformal latitude.
    let ca = e2;
    let cb = (5.0 * e2.powi(2) - e2.powi(3)) / 6.0;
    let cc = (104.0 * e2.powi(3) - 45.0 * e2.powi(4)) / 120.0;
    let cd = 1237.0 * e2.powi(4) / 1260.0;

    let beta1 = n / 2.0 - 2.0 * n * n / 3.0 + 5.0 * n.powi(3) / 16.0 + 41.0 * n.powi(4) / 180.0;
    let beta2 = 13.0 * n * n / 48.0 - 3.0 * n.powi(3) / 5.0 + 557.0 * n.powi(4) / 1440.0;
    let beta3 = 61.0 * n.powi(3) / 240.0 - 103.0 * n.powi(4) / 140.0;
    let beta4 = 49561.0 * n.powi(4) / 161_280.0;

    let phi = lat_deg.to_radians();
    let dlambda = (lon_deg - LON0_DEG).to_radians();
    let s = phi.sin();
    let s2 = s * s;
    let phi_star = phi - s * phi.cos() * (ca + cb * s2 + cc * s2 * s2 + cd * s2 * s2 * s2);

    let xi = (phi_star.tan() / dlambda.cos()).atan();
    let eta = (phi_star.cos() * dlambda.sin()).atanh();

    let x = K0
        * a_hat
        * (xi
            + beta1 * (2.0 * xi).sin() * (2.0 * eta).cosh()
            + beta2 * (4.0 * xi).sin() * (4.0 * eta).cosh()
            + beta3 * (6.0 * xi).sin() * (6.0 * eta).cosh()
            + beta4 * (8.0 * xi).sin() * (8.0 * eta).cosh())
        + FALSE_NORTHING;
    let y = K0
        * a_hat
        * (eta
            + beta1 * (2.0 * xi).cos() * (2.0 * eta).sinh()
            + beta2 * (4.0 * xi).cos() * (4.0 * eta).sinh()
            + beta3 * (6.0 * xi).cos() * (6.0 * eta).sinh()
            + beta4 * (8.0 * xi).cos() * (8.0 * eta).sinh())
        + FALSE_EASTING;
    EastNorth { e: y, n: x }
}

/// Affine map from SWEREF 99 TM metres to SVG user units (y pointing down), fitted so that the
/// bounding box of the data spans `width` units minus a margin on each side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SvgFit {
    pub e_min: f64,
    pub n_max: f64,
    /// SVG units per metre.
    pub scale: f64,
    pub margin: f64,
    pub width: u32,
    pub height: u32,
}

impl SvgFit {
    /// Fits the points into `width` units with `margin` on every side; the height follows from
    /// the aspect ratio (rounded up to a whole unit).
    pub fn new(points: &[EastNorth], width: u32, margin: f64) -> anyhow::Result<SvgFit> {
        let mut e_min = f64::INFINITY;
        let mut e_max = f64::NEG_INFINITY;
        let mut n_min = f64::INFINITY;
        let mut n_max = f64::NEG_INFINITY;
        for p in points {
            e_min = e_min.min(p.e);
            e_max = e_max.max(p.e);
            n_min = n_min.min(p.n);
            n_max = n_max.max(p.n);
        }
        let span_e = e_max - e_min;
        let inner = f64::from(width) - 2.0 * margin;
        anyhow::ensure!(
            span_e.is_finite() && span_e > 0.0 && inner > 0.0,
            "cannot fit the map: empty or degenerate extent ({} points)",
            points.len()
        );
        let scale = inner / span_e;
        let height = ((n_max - n_min) * scale + 2.0 * margin).ceil();
        anyhow::ensure!(
            height.is_finite() && height > 0.0 && height < 100_000.0,
            "cannot fit the map: implausible height {height}"
        );
        Ok(SvgFit {
            e_min,
            n_max,
            scale,
            margin,
            width,
            // In range: checked just above.
            height: height as u32,
        })
    }

    /// SVG coordinates (x right, y down) of a projected point.
    pub fn to_svg(self, p: EastNorth) -> [f64; 2] {
        [self.margin + (p.e - self.e_min) * self.scale, self.margin + (self.n_max - p.n) * self.scale]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn central_meridian_at_equator_is_false_origin() {
        let p = sweref99tm(15.0, 0.0);
        assert!((p.e - 500_000.0).abs() < 1e-6);
        assert!(p.n.abs() < 1e-6);
    }

    #[test]
    fn goteborg_matches_proj() {
        // Göteborg, 57.7089 N 11.9746 E. Expected values computed independently with PROJ 9.5
        // (pyproj 3.7, EPSG:4326 -> EPSG:3006, always_xy): E 319 758.020, N 6 400 326.036.
        // (A figure of "E 319 200, N 6 400 600" that circulates for this point is ~600 m off.)
        let p = sweref99tm(11.9746, 57.7089);
        assert!((p.e - 319_758.020).abs() < 0.01, "easting {}", p.e);
        assert!((p.n - 6_400_326.036).abs() < 0.01, "northing {}", p.n);
    }

    #[test]
    fn far_from_central_meridian_matches_proj() {
        // 20.2 E, 67.85 N (near Kiruna, 5.2 degrees east of the central meridian).
        // PROJ: E 718 576.385, N 7 535 335.579.
        let p = sweref99tm(20.2, 67.85);
        assert!((p.e - 718_576.385).abs() < 0.01, "easting {}", p.e);
        assert!((p.n - 7_535_335.579).abs() < 0.01, "northing {}", p.n);
    }

    #[test]
    fn first_vertex_of_harryda_matches_proj() {
        // First vertex of Härryda in the source file. PROJ: E 344 653.568, N 6 401 950.534.
        let p = sweref99tm(12.390893, 57.732767);
        assert!((p.e - 344_653.568).abs() < 0.01, "easting {}", p.e);
        assert!((p.n - 6_401_950.534).abs() < 0.01, "northing {}", p.n);
    }

    #[test]
    fn fit_spans_width_and_flips_y() {
        let pts = [EastNorth { e: 0.0, n: 0.0 }, EastNorth { e: 1000.0, n: 500.0 }];
        let fit = SvgFit::new(&pts, 1000, 10.0).expect("fit");
        assert_eq!(fit.width, 1000);
        // 980 units for 1000 m: 490 units for the 500 m of height, plus the margins.
        assert_eq!(fit.height, 510);
        let a = fit.to_svg(pts[0]);
        let b = fit.to_svg(pts[1]);
        assert!((a[0] - 10.0).abs() < 1e-9 && (a[1] - 500.0).abs() < 1e-9);
        assert!((b[0] - 990.0).abs() < 1e-9 && (b[1] - 10.0).abs() < 1e-9);
        assert!(SvgFit::new(&pts[..1], 1000, 10.0).is_err());
    }
}
