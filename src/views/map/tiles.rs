//! The equal-area view: one equal hexagon per municipality, placed roughly where it lies, so
//! that small municipalities weigh as much as large ones.

use maud::{html, Markup};

use super::county::unavailable;
use super::{area_title, asset_for, by_code, Entry};
use crate::views::status::paint;

/// Circumradius of a hexagon in SVG units.
const R: f64 = 60.0;
const PAD: f64 = 6.0;

fn hex_width() -> f64 {
    3f64.sqrt() * R
}

/// Centre of the pointy-top hexagon at `[col, row]`, odd rows shifted right by half a width.
fn centre(col: u32, row: u32) -> (f64, f64) {
    let w = hex_width();
    let shift = if row % 2 == 1 { w / 2.0 } else { 0.0 };
    (PAD + w / 2.0 + f64::from(col) * w + shift, PAD + R + f64::from(row) * 1.5 * R)
}

fn hexagon(cx: f64, cy: f64) -> String {
    // Slightly smaller than the cell so that neighbours keep a visible gap.
    let r = R - 2.5;
    let points: Vec<String> = (0..6)
        .map(|i| {
            let angle = std::f64::consts::PI / 180.0 * (60.0 * f64::from(i) - 90.0);
            format!("{:.1},{:.1}", cx + r * angle.cos(), cy + r * angle.sin())
        })
        .collect();
    points.join(" ")
}

/// A name on at most two lines: long names with a space or hyphen are split there.
fn label_lines(name: &str) -> Vec<&str> {
    if name.chars().count() > 9 {
        if let Some(i) = name.find([' ', '-']) {
            let split = if name[i..].starts_with('-') { i + 1 } else { i };
            return vec![name[..split].trim_end(), name[split..].trim_start()];
        }
    }
    vec![name]
}

/// Longer names get a smaller size so that they stay inside their hexagon.
fn label_class(lines: &[&str]) -> &'static str {
    match lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) {
        0..=8 => "tile-label",
        9 => "tile-label tile-label-long",
        _ => "tile-label tile-label-longer",
    }
}

pub fn tiles(entries: &[Entry], label: &str) -> Markup {
    let Ok(asset) = asset_for(entries.iter().map(|e| e.code.as_str())) else { return unavailable() };
    let by_code = by_code(entries);
    let grid = &asset.tile_grid;
    let width = 2.0 * PAD + f64::from(grid.cols) * hex_width() + hex_width() / 2.0;
    let height = 2.0 * PAD + 2.0 * R + f64::from(grid.rows.saturating_sub(1)) * 1.5 * R;
    html! {
        svg.map.map-tiles viewBox=(format!("0 0 {width:.0} {height:.0}")) aria-label=(label) {
            @for m in &asset.municipalities {
                @let (cx, cy) = centre(m.tile[0], m.tile[1]);
                @let lines = label_lines(&m.name);
                @if let Some(entry) = by_code.get(m.code.as_str()) {
                    a href=(entry.href) {
                        title { (area_title(entry)) }
                        polygon points=(hexagon(cx, cy)) fill=(paint(entry.status)) {}
                        text class=(label_class(&lines)) x=(format!("{cx:.1}")) y=(format!("{:.1}", cy + 6.0 - 10.0 * (lines.len() as f64 - 1.0))) aria-hidden="true" {
                            @for (i, line) in lines.iter().enumerate() {
                                tspan x=(format!("{cx:.1}")) dy=(if i == 0 { "0" } else { "1.15em" }) { (line) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_break_at_a_space_or_hyphen() {
        assert_eq!(label_lines("Borås"), vec!["Borås"]);
        assert_eq!(label_lines("Lilla Edet"), vec!["Lilla", "Edet"]);
        assert_eq!(label_lines("Stenungsund"), vec!["Stenungsund"]);
        assert_eq!(label_lines("Mark-Nordöstra"), vec!["Mark-", "Nordöstra"]);
    }

    #[test]
    fn odd_rows_are_shifted_by_half_a_hexagon() {
        let (x0, y0) = centre(0, 0);
        let (x1, y1) = centre(0, 1);
        assert!((x1 - x0 - hex_width() / 2.0).abs() < 1e-9);
        assert!((y1 - y0 - 1.5 * R).abs() < 1e-9);
    }
}
