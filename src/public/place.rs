//! Which agreement a public address is about, and where its pages are: today's URLs (`/`,
//! `/parter/…`, `/feed.atom`, …) show the featured agreement, `/avtal/{slug}/…` the agreement
//! with that slug. Every page handler takes its agreement from here, so one handler serves both.

use std::sync::Arc;

use actix_web::HttpRequest;

use crate::agreement::{Agreement, Catalogue};
use crate::db::DbError;
use crate::AppState;

/// The agreement a request is about, and the path its pages live under.
#[derive(Debug, Clone)]
pub struct Place {
    pub agreement: Arc<Agreement>,
    /// "" for today's URLs, "/avtal/{slug}" under the agreement's own address.
    pub prefix: String,
    /// Every agreement (for links to the others).
    pub catalogue: Arc<Catalogue>,
}

/// Why a request names no agreement.
#[derive(Debug)]
pub enum Refusal {
    UnknownSlug(String),
    Db(DbError),
}

impl From<DbError> for Refusal {
    fn from(e: DbError) -> Self {
        Refusal::Db(e)
    }
}

/// The 404 text for a slug no agreement has.
pub fn unknown_agreement(slug: &str) -> String {
    let shown: String = slug.chars().take(60).collect();
    format!("Det finns inget avtal med kortadressen ”{shown}”. Alla avtal finns på sidan /avtal.")
}

impl Place {
    /// The agreement of the request's `{slug}`, or the featured one when the route has none.
    pub async fn of(req: &HttpRequest, state: &AppState) -> Result<Self, Refusal> {
        let catalogue = state.catalogue().await?;
        match req.match_info().get("slug") {
            None => Ok(Self { agreement: Arc::clone(catalogue.featured()), prefix: String::new(), catalogue }),
            Some(slug) => {
                let agreement =
                    catalogue.by_slug(slug).cloned().ok_or_else(|| Refusal::UnknownSlug(unknown_agreement(slug)))?;
                Ok(Self { prefix: agreement_path(&agreement.slug), agreement, catalogue })
            }
        }
    }

    /// A page of this agreement: `rest` is today's path ("/parter", "/feed.atom"); "/" is the
    /// status page (`/avtal/{slug}` without a trailing slash).
    pub fn path(&self, rest: &str) -> String {
        at(&self.prefix, rest)
    }

    /// Whether the page is at today's URLs (the featured agreement as it always was shown).
    pub fn is_today(&self) -> bool {
        self.prefix.is_empty()
    }
}

/// `rest` under `prefix` ("" or "/avtal/{slug}").
pub fn at(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() {
        rest.to_string()
    } else if rest == "/" {
        prefix.to_string()
    } else if let Some(fragment) = rest.strip_prefix("/#") {
        format!("{prefix}#{fragment}")
    } else if let Some(query) = rest.strip_prefix("/?") {
        format!("{prefix}?{query}")
    } else {
        format!("{prefix}{rest}")
    }
}

/// `/avtal/{slug}`: the agreement's status page.
pub fn agreement_path(slug: &str) -> String {
    format!("/avtal/{slug}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_an_agreement() {
        assert_eq!(at("", "/"), "/");
        assert_eq!(at("", "/parter/1480"), "/parter/1480");
        assert_eq!(at("/avtal/x", "/"), "/avtal/x");
        assert_eq!(at("/avtal/x", "/#karta"), "/avtal/x#karta");
        assert_eq!(at("/avtal/x", "/?datum=2026-03-01"), "/avtal/x?datum=2026-03-01");
        assert_eq!(at("/avtal/x", "/parter/1480"), "/avtal/x/parter/1480");
    }
}
