//! The plain staff layout: Swedish, no script at all, one stylesheet served from /admin/static.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use maud::{html, Markup, DOCTYPE};

use crate::accounts::{Role, User};

pub const STYLESHEET: &str = include_str!("static/admin.css");
pub const STYLESHEET_PATH: &str = "/admin/static/admin.css";

/// A page for a logged-in user, with the navigation and the logout button. Takes the user as
/// `AsRef<User>` (the session's `CurrentUser`), so the layout does not depend on the session
/// and the error pages, which use the layout, do not either.
pub fn page(title: &str, user: &impl AsRef<User>, csrf: &str, content: Markup) -> Markup {
    let user = user.as_ref();
    html! {
        (DOCTYPE)
        html lang="sv" {
            (head(title))
            body {
                (crate::demo::banner::banner())
                a.skip href="#innehall" { "Hoppa till innehållet" }
                header.top {
                    p.brand { a href="/admin" { "ratify – personal" } }
                    nav aria-label="Huvudmeny" {
                        ul {
                            li { a href="/admin" { "Översikt" } }
                            li { a href="/admin/import" { "Importera" } }
                            li { a href="/admin/export.csv" { "Exportera (CSV)" } }
                            li { a href="/admin/rapporter" { "Veckorapport" } }
                            @if user.role == Role::Admin {
                                li { a href="/admin/logg" { "Logg" } }
                                li { a href="/admin/konton" { "Konton" } }
                                li { a href="/admin/nycklar" { "API-nycklar" } }
                            }
                        }
                    }
                    div.who {
                        span { (user.username) " (" (user.role.label_sv()) ")" }
                        " "
                        a href="/admin/losenord" { "Byt lösenord" }
                        form.inline method="post" action="/admin/logga-ut" {
                            (csrf_field(csrf))
                            button type="submit" { "Logga ut" }
                        }
                    }
                }
                main id="innehall" { (content) }
            }
        }
    }
}

/// A page without navigation (login, errors).
pub fn bare_page(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="sv" {
            (head(title))
            body {
                (crate::demo::banner::banner())
                header.top { p.brand { "ratify – personal" } }
                main id="innehall" { (content) }
            }
        }
    }
}

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="robots" content="noindex";
            title { (title) " – ratify" }
            link rel="stylesheet" href=(STYLESHEET_PATH);
        }
    }
}

pub fn csrf_field(csrf: &str) -> Markup {
    html! { input type="hidden" name=(crate::csrf::FIELD) value=(csrf); }
}

/// 200 with an HTML page (staff pages are never cached: they hold tokens and personal data).
pub fn respond(markup: Markup) -> HttpResponse {
    respond_status(StatusCode::OK, markup)
}

/// An HTML page with another status: 422 for a form with errors, 409 for a conflict, …
pub fn respond_status(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status).content_type("text/html; charset=utf-8").body(markup.into_string())
}

/// A form field error, if any, linked to its input by id for screen readers.
pub fn field_error(id: &str, message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message {
            p.error id=(format!("{id}-fel")) { (m) }
        }
    }
}

/// The staff stylesheet in every coding, compressed once (forced at start by `startup`).
pub static STYLESHEET_ENCODED: std::sync::LazyLock<crate::compression::Encoded> =
    std::sync::LazyLock::new(|| crate::compression::Encoded::of(STYLESHEET.into(), "text/css"));

pub async fn stylesheet(req: actix_web::HttpRequest) -> HttpResponse {
    use actix_web::http::header::{CacheControl, CacheDirective};
    let cache = CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(3600)]);
    crate::compression::respond_static(&req, &STYLESHEET_ENCODED, "text/css; charset=utf-8", cache)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_demo_staff_page_has_the_banner_right_after_body() {
        let render = || super::bare_page("Logga in", maud::html! { p { "x" } }).into_string();
        let real = render();
        let demo = crate::demo::banner::rendering(true, render);
        let banner = crate::demo::banner::rendering(true, crate::demo::banner::banner).into_string();
        assert!(!real.contains("demo-banner"));
        assert_eq!(demo, real.replacen("<body>", &format!("<body>{banner}"), 1));
    }
}
