//! The Equal Earth projection (Šavrič, Patterson and Jenny, 2018): equal-area, so the size of a
//! country on the map is its size on the globe. Formulas from the paper, in radians.

const A1: f64 = 1.340264;
const A2: f64 = -0.081106;
const A3: f64 = 0.000893;
const A4: f64 = 0.003796;

/// Projects longitude and latitude (degrees) to Equal Earth coordinates on the unit sphere:
/// `x` in ±2.7064 (east positive), `y` in ±1.3173 (north positive).
pub fn equal_earth(lon: f64, lat: f64) -> (f64, f64) {
    let m = 3f64.sqrt() / 2.0;
    let (lam, phi) = (lon.to_radians(), lat.to_radians());
    let th = (m * phi.sin()).asin();
    let (t2, t6) = (th * th, th.powi(6));
    let x = 2.0 * 3f64.sqrt() * lam * th.cos()
        / (3.0 * (9.0 * A4 * t6 * t2 + 7.0 * A3 * t6 + 3.0 * A2 * t2 + A1));
    let y = th * (A4 * t6 * t2 + A3 * t6 + A2 * t2 + A1);
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-4
    }

    #[test]
    fn known_points() {
        // Reference values: the origin stays put; the equator's end is 2√3·π / (3·A1); the pole's
        // parametric latitude is π/3, so y = A1·π/3 + A2·(π/3)³ + A3·(π/3)⁷ + A4·(π/3)⁹.
        assert_eq!(equal_earth(0.0, 0.0), (0.0, 0.0));
        let (x, y) = equal_earth(180.0, 0.0);
        assert!(close(x, 2.0 * 3f64.sqrt() * std::f64::consts::PI / (3.0 * A1)) && y == 0.0);
        let t = std::f64::consts::FRAC_PI_3;
        let pole = A1 * t + A2 * t.powi(3) + A3 * t.powi(7) + A4 * t.powi(9);
        let (x, y) = equal_earth(0.0, 90.0);
        assert!(
            close(x, 0.0) && close(y, pole) && close(y, 1.317_362),
            "{y}"
        );
        // Symmetric about both axes.
        let (x1, y1) = equal_earth(30.0, 45.0);
        let (x2, y2) = equal_earth(-30.0, -45.0);
        assert!(close(x1, -x2) && close(y1, -y2));
    }

    #[test]
    fn equal_area() {
        // Two cells of one degree square at different latitudes cover areas proportional to the
        // cosine of their latitude on the sphere; an equal-area map keeps that ratio.
        let area = |lat: f64| {
            let (x0, _) = equal_earth(10.0, lat + 0.5);
            let (x1, _) = equal_earth(11.0, lat + 0.5);
            let (_, y0) = equal_earth(10.0, lat);
            let (_, y1) = equal_earth(10.0, lat + 1.0);
            (x1 - x0) * (y1 - y0)
        };
        let ratio = area(60.0) / area(0.0);
        let expected =
            (61f64.to_radians().sin() - 60f64.to_radians().sin()) / 1f64.to_radians().sin();
        assert!((ratio - expected).abs() < 1e-3, "{ratio} vs {expected}");
    }
}
