//! Serialising the map model to assets/map/kommuner.json.

use std::fmt::Write as _;

use anyhow::Result;

use crate::map::Map;
use crate::projection;
use crate::simplify::GridPoint;
use crate::tiles;

pub const ATTRIBUTION: &str = "Källa: SCB, Digitala gränser (CC0). Förenklad.";

/// Rings are written with exteriors clockwise on screen and holes counter-clockwise, so either
/// rule works; `nonzero` is SVG's default.
pub const FILL_RULE: &str = "nonzero";

/// Formats a grid integer with `decimals` implied decimals ("123" with 1 -> "12.3"), trimming
/// a zero fraction ("120" -> "12").
pub fn fixed(value: i64, decimals: u32) -> String {
    let unit = 10i64.pow(decimals);
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let unit_u = unit.unsigned_abs();
    let (int, frac) = (abs / unit_u, abs % unit_u);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let digits = format!("{frac:0width$}", width = decimals as usize);
        format!("{sign}{int}.{}", digits.trim_end_matches('0'))
    }
}

/// SVG path data: per ring an absolute `M`, relative `l` segments and `Z`. Numbers are
/// separated by a space, or just by the minus sign of a negative number.
pub fn path_data(polygons: &[Vec<Vec<GridPoint>>], decimals: u32) -> String {
    let mut out = String::new();
    let push_numbers = |out: &mut String, command: char, nums: &[i64]| {
        out.push(command);
        for (i, &v) in nums.iter().enumerate() {
            let s = fixed(v, decimals);
            if i > 0 && !s.starts_with('-') {
                out.push(' ');
            }
            out.push_str(&s);
        }
    };
    for rings in polygons {
        for ring in rings {
            let Some((first, rest)) = ring.split_first() else {
                continue;
            };
            push_numbers(&mut out, 'M', first);
            let mut prev = *first;
            let deltas: Vec<i64> = rest
                .iter()
                .flat_map(|&p| {
                    let d = [p[0] - prev[0], p[1] - prev[1]];
                    prev = p;
                    d
                })
                .collect();
            if !deltas.is_empty() {
                push_numbers(&mut out, 'l', &deltas);
            }
            out.push('Z');
        }
    }
    out
}

/// The whole map file: top-level keys one per line, one municipality per line.
pub fn render(map: &Map) -> Result<String> {
    let d = map.options.decimals;
    let fit = &map.fit;
    let mut out = String::new();
    writeln!(out, "{{\"attribution\":{},", serde_json::to_string(ATTRIBUTION)?)?;
    writeln!(out, "\"projection\":{},", serde_json::to_string(projection::DESCRIPTION)?)?;
    writeln!(
        out,
        "\"transform\":{{\"e_min\":{:.2},\"n_max\":{:.2},\"scale\":{},\"margin\":{}}},",
        fit.e_min,
        fit.n_max,
        serde_json::to_string(&fit.scale)?,
        serde_json::to_string(&fit.margin)?
    )?;
    writeln!(out, "\"fill_rule\":\"{FILL_RULE}\",")?;
    writeln!(out, "\"width\":{},\"height\":{},", fit.width, fit.height)?;
    writeln!(
        out,
        "\"tile_grid\":{{\"cols\":{},\"rows\":{},\"layout\":\"{}\"}},",
        map.tile_cols,
        map.tile_rows,
        tiles::LAYOUT
    )?;
    out.push_str("\"municipalities\":[\n");
    let count = map.municipalities.len();
    for (i, m) in map.municipalities.iter().enumerate() {
        write!(
            out,
            "{{\"code\":{},\"name\":{},\"path\":\"{}\",\"label\":[{},{}],\"tile\":[{},{}]}}",
            serde_json::to_string(&m.code)?,
            serde_json::to_string(&m.name)?,
            path_data(&m.polygons, d),
            fixed(m.label[0], d),
            fixed(m.label[1], d),
            m.tile[0],
            m.tile[1]
        )?;
        out.push_str(if i + 1 < count { ",\n" } else { "\n" });
    }
    out.push_str("]}\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_formats() {
        assert_eq!(fixed(123, 1), "12.3");
        assert_eq!(fixed(120, 1), "12");
        assert_eq!(fixed(-5, 1), "-0.5");
        assert_eq!(fixed(0, 1), "0");
        assert_eq!(fixed(-1205, 2), "-12.05");
        assert_eq!(fixed(42, 0), "42");
    }

    #[test]
    fn path_is_relative_and_closed() {
        let square = vec![vec![vec![[0, 0], [100, 0], [100, 100], [0, 100]]]];
        assert_eq!(path_data(&square, 1), "M0 0l10 0 0 10-10 0Z");
        let two = vec![vec![vec![[10, 10], [20, 10], [20, 25]]], vec![vec![[50, 50], [45, 60], [40, 50]]]];
        assert_eq!(path_data(&two, 1), "M1 1l1 0 0 1.5ZM5 5l-0.5 1-0.5-1Z");
    }
}
