//! The report in Swedish: one self-contained HTML document (phone, print and the e-mail's HTML
//! part) with a small map, and the same content as plain text.

pub mod html;
pub mod map;
pub mod sv;
pub mod text;

use super::content::ReportData;

/// (HTML, plain text) of a report.
pub fn render(data: &ReportData) -> (String, String) {
    (html::render(data), text::render(data))
}

/// [`render`] with the HTML title naming the agreement by `short_title`.
pub fn render_for(data: &ReportData, short_title: &str) -> (String, String) {
    (html::render_titled(data, short_title), text::render(data))
}
