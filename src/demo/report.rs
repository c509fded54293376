//! The weekly report of a demo database says so too, in all three forms SRO could receive: a
//! banner line in the HTML (inline style: e-mail has no stylesheet), a first line in the text and
//! `"demo": true` in the JSON. Applied when the report is built, so a stored report keeps it.

use crate::db::DbConn;

use super::banner::TEXT;

const HTML_BANNER: &str = "<p class=\"demo-banner\" style=\"background:#fff3bf;color:#3d2e00;\
    border:2px solid #b8860b;padding:0.5em 1em;font-weight:bold\">Exempeldata – inte verkliga beslut. \
    Rapporten bygger på den påhittade historiken från ratify demo.</p>";

/// (json, html, text), marked when the database holds demo data.
pub fn mark(
    conn: &mut DbConn,
    json: String,
    html: String,
    text: String,
) -> diesel::QueryResult<(String, String, String)> {
    if !super::flag::is_demo(conn)? {
        return Ok((json, html, text));
    }
    Ok(apply(json, html, text))
}

fn apply(json: String, html: String, text: String) -> (String, String, String) {
    let json = match json.strip_prefix('{') {
        Some(rest) if !rest.trim_start().starts_with('}') => format!("{{\"demo\":true,{rest}"),
        _ => json,
    };
    let html = match html.find("<body").and_then(|start| html[start..].find('>').map(|end| start + end + 1)) {
        Some(at) => format!("{}{HTML_BANNER}{}", &html[..at], &html[at..]),
        None => format!("{HTML_BANNER}{html}"),
    };
    let text = format!("{}\n\n{text}", TEXT.to_uppercase());
    (json, html, text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn marks_all_three() {
        let (json, html, text) =
            super::apply("{\"number\":1}".into(), "<html><body><h1>R</h1></body></html>".into(), "RAPPORT".into());
        let v: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(v["demo"], true);
        assert_eq!(v["number"], 1);
        assert!(html.starts_with("<html><body><p class=\"demo-banner\""));
        assert!(text.starts_with("EXEMPELDATA – INTE VERKLIGA BESLUT\n\nRAPPORT"));
    }
}
