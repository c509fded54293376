//! Says "Exempeldata – inte verkliga beslut" on everything a demo database serves: a banner at the
//! top of every HTML page (public, staff, error pages, the embed card), `"demo": true` in the
//! status JSON, the Atom feed's title and the calendar's name. CSV files are left as they are (a
//! comment line breaks CSV parsers). The banner goes right after `<body>`, before the skip link;
//! it is text, not a control, so the skip link is still the first thing the keyboard reaches.
//!
//! The renderers write the mark themselves (so it is inside a cached body's `ETag` and its
//! compressed forms, and in the documented DTO): they ask [`is_demo`], which reads a per-request
//! scope set by the middleware [`scope`] rather than a flag passed through every view function.
//! Work the request hands to the blocking pool carries the scope along (`Db::run`); rendering
//! outside a request sets it with [`rendering`].

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use maud::{html, Markup};

use crate::AppState;

pub const TEXT: &str = "Exempeldata – inte verkliga beslut";

tokio::task_local! {
    /// Whether what is being rendered comes from a demo database.
    static DEMO: bool;
}

/// Whether the response being rendered is a demo database's; false outside any scope.
pub fn is_demo() -> bool {
    DEMO.try_with(|demo| *demo).unwrap_or(false)
}

/// Runs `render` with [`is_demo`] answering `demo` (rendering outside a request, or on another
/// thread than the request's).
pub fn rendering<T>(demo: bool, render: impl FnOnce() -> T) -> T {
    DEMO.sync_scope(demo, render)
}

/// The middleware (`from_fn`): the request's handler, and everything that renders its response,
/// runs in the scope of the database's demo flag.
pub async fn scope(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let demo = match req.app_data::<web::Data<AppState>>().cloned() {
        Some(state) => state.demo.get(&state).await,
        None => false,
    };
    DEMO.scope(demo, next.call(req)).await
}

/// The banner of an HTML page, for right after `<body>`: nothing unless [`is_demo`]. Styled by
/// `.demo-banner` in both stylesheets; a landmark of its own (`aside`), so no page gets content
/// outside landmarks.
pub fn banner() -> Markup {
    html! {
        @if is_demo() {
            aside.demo-banner aria-label="Exempeldata" {
                p {
                    strong { "Exempeldata – inte verkliga beslut." }
                    " Den här installationen visar en påhittad historik från " code { "ratify demo" } "."
                }
            }
        }
    }
}

/// An Atom feed's title: prefixed with the mark in a demo.
pub fn feed_title(title: String) -> String {
    if is_demo() {
        format!("{TEXT}: {title}")
    } else {
        title
    }
}

/// A calendar's `X-WR-CALNAME`: in a demo, the mark instead of the name (it fits in one 75-octet
/// line, so calendar apps show all of it).
pub fn calendar_name(name: &str) -> String {
    if is_demo() {
        format!("{TEXT} (planerade beslut)")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_is_there_in_a_demo_scope_only() {
        assert!(!is_demo());
        assert_eq!(banner().into_string(), "");
        assert_eq!(feed_title("Beslut".into()), "Beslut");
        assert_eq!(calendar_name("Planerade beslut"), "Planerade beslut");
        rendering(true, || {
            assert!(is_demo());
            assert_eq!(
                banner().into_string(),
                "<aside class=\"demo-banner\" aria-label=\"Exempeldata\"><p><strong>Exempeldata – inte \
                 verkliga beslut.</strong> Den här installationen visar en påhittad historik från <code>ratify \
                 demo</code>.</p></aside>"
            );
            assert_eq!(feed_title("Beslut".into()), "Exempeldata – inte verkliga beslut: Beslut");
            let name = calendar_name("Planerade beslut om hälso- och sjukvårdsavtalet");
            assert_eq!(name, "Exempeldata – inte verkliga beslut (planerade beslut)");
            assert!(format!("X-WR-CALNAME:{name}").len() <= 75);
        });
        assert!(!rendering(false, is_demo));
        assert!(!is_demo(), "the scope ends with the render");
    }
}
